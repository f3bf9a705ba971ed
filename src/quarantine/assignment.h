// Household-aware room assignment (隔离点分房): places listed contacts into the free
// rooms of centralised quarantine sites. Pure and deterministic: the same input gives
// the same answer, whatever the order of sites, rooms and people.
//
// The rules:
//   - close contacts get single rooms, unless every member of the household being
//     placed is a close contact: then the household shares a room;
//   - secondary contacts share a room with their household's secondary members;
//   - a shared room too large for any room (more than the largest room's beds, at most
//     4), or for the free rooms of every site, is split into the fewest rooms of ONE
//     site, the most even sizes first (3+2 before 4+1), one adult of the household in
//     each — guardians first, each with its children while beds last, the other
//     children beside another adult of the household; a household with too few adults
//     to accompany its children in the rooms it needs is not split
//     (household_larger_than_any_room);
//   - households never mix in a room, close and secondary never share, and a
//     household's rooms are all at one site: the first the lowest free id of its kind,
//     the others the free ones of their kinds with ids nearest it (adjacent numbers);
//   - a child (Person::child) never sits alone in a room: in single rooms it joins its
//     guardian's, when the guardian is a close contact placed with it;
//   - someone needing an accessible / ground-floor room (elderly, disabled) gets one;
//     others take accessible rooms only when no other room fits;
//   - sites in the person's own district first (by id), then the others nearest first
//     (site point, else its district's reference point); within a site the smallest
//     free room that fits. Fewer rooms win over nearer sites: a household shares one
//     room at a far site rather than two at a near one.
// Households are placed in this order: those with close contacts, those needing an
// accessible room, larger first, then by lowest person id. A household that no single
// site can hold is left unplaced as a whole (no_capacity), never spread over sites.
//
//   std::vector<Site> sites = …;             // rooms with beds 1–4, open or closed
//   std::vector<Booking> existing = …;       // who is in which room now
//   Result<Assignment> a = Assign(sites, existing, people, {});
//   for (const Booking& b : a->placed) …;    // a->unplaced: who could not be placed, and why
//   TC_RETURN_IF_ERROR(Validate(sites, existing, a->placed));   // what the service checks on write
//
// Cost: per-site free-room lists by bed count and accessibility, a live-site list per
// district in nearest order; no per-person scan of rooms. A split household tries a
// handful of room plans (the ways to seat n people in k rooms of at most 4 beds) per
// site, each first against the free rooms of all sites together.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "quarantine/rules.h"

namespace tc::quarantine {

inline constexpr int kMaxBeds = 4;

struct Room {
  int64_t id = 0;           // unique within its site
  int beds = 1;             // 1–4
  bool accessible = false;  // ground floor or barrier-free
  bool in_service = true;   // false: not to be assigned (repairs, staff)
};

struct GeoPoint {
  double lon = 0, lat = 0;
};

struct Site {
  int64_t id = 0;
  std::string district;           // the district's division code or name
  std::optional<GeoPoint> point;  // the address point; none: known by district only
  bool open = true;
  int capacity = 0;  // people it may hold (staffing); 0: the sum of its rooms' beds
  std::vector<Room> rooms;
};

// A district's reference point, for "nearest" when its sites give none.
struct DistrictPoint {
  std::string district;
  GeoPoint point;
};

struct Person {
  int64_t id = 0;
  int64_t household_id = 0;  // 0: a household of one
  Tier tier = Tier::kClose;
  std::string district;
  bool needs_accessible = false;  // elderly, disabled
  bool child = false;             // needs a guardian in the room
  int64_t guardian_id = 0;        // the guardian, for a child
};

// A person in a room: the existing occupancy, and what Assign proposes.
struct Booking {
  int64_t person_id = 0;
  int64_t household_id = 0;  // 0: a household of one
  int64_t site_id = 0;
  int64_t room_id = 0;
};

struct AssignmentRules {
  bool close_household_shares = true;      // a household of close contacts only shares one room
  bool secondary_household_shares = true;  // a household's secondary contacts share one room
};

enum class UnplacedReason : uint8_t {
  kNoCapacity,                  // no single open site has the rooms the household needs
  kHouseholdLargerThanAnyRoom,  // a room to share is larger than any room, and splitting it would
                                // leave children without an adult (fewer adults than rooms)
  kNoGuardian,                  // a child who would be alone in a room
  kNotQuarantined,              // the exposed tier: health monitoring, not a room
  kAlreadyPlaced,               // booked already, or listed twice
};
// no_capacity | household_larger_than_any_room | no_guardian | not_quarantined | already_placed
std::string_view UnplacedReasonName(UnplacedReason r);

struct Unplaced {
  int64_t person_id = 0;
  int64_t household_id = 0;
  UnplacedReason reason = UnplacedReason::kNoCapacity;
  std::string message;  // names the household and what it needed
};

struct Assignment {
  std::vector<Booking> placed;     // by person id
  std::vector<Unplaced> unplaced;  // by person id
};

// Places `people` into the free rooms of `sites` (a room is free when in service, at an
// open site, and no one in `existing` is in it). InvalidArgument naming the record for
// bad input: duplicate site or room ids, beds outside 1–4, a negative capacity.
Result<Assignment> Assign(std::span<const Site> sites, std::span<const Booking> existing,
                          std::span<const Person> people, const AssignmentRules& rules,
                          std::span<const DistrictPoint> district_points = {});

// Whether `proposed` may be added to `existing`: NotFound naming an unknown site or
// room; Conflict naming the record for a closed site or a room out of service, a
// person booked twice, a room already taken by another household (double assignment),
// households mixed in a room, a room's beds or a site's capacity exceeded. A household
// over several rooms (a split shared room) is accepted.
Status Validate(std::span<const Site> sites, std::span<const Booking> existing, std::span<const Booking> proposed);

}  // namespace tc::quarantine
