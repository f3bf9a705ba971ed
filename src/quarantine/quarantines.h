// Quarantine and transfer (隔离转运): the service over lifecycle.h, assignment.h and
// rules.h. Centralised sites (hotels and other sites: rooms, capacity, staff) and home
// quarantine; people arrive from tracing's `ContactListed` events (close and secondary
// tiers), are assigned rooms household by household, picked up and handed over at the
// site, checked on every day, tested on the tier's days and released with a
// certificate once the rules are met. A fever, a symptom or a positive test escalates
// at once: `QuarantineStatusChanged` (to "escalated") goes out, and tracing opens a
// suspected case for the investigators. Every change of state publishes
// `QuarantineStatusChanged`, which tracing turns into the contact's status (checked in
// → quarantined, released → released) — this module never names another's tables.
//
// Writes: one transaction each, with its audit entry and its event; a refused action
// (Conflict / InvalidArgument naming the record and field) writes nothing. Every write
// of a room is checked with assignment.h's Validate against the rooms' occupants read
// in the same transaction (no double assignment, no mixed households, beds and the
// site's capacity held); a check-in to a site already holding its capacity is refused.
//
// Reads that span the city (the day's check list, the open-loop report, the pipeline
// for the bed forecast) come from an in-memory board of compact per-person entries,
// loaded from the store on first use and refreshed from the store after each commit:
// a linear pass, no query. The binary is the store's only writer, so the board is
// exact.
//
// Jurisdiction (Caller): an area caller sees the people living under their node and
// the guests of the sites under it; a site-staff caller (`staff_only`) sees only the
// guests of the sites whose staff list names them. Anything outside reads as NotFound.
// Thread-safe.
//
//   Quarantines q(store, clock);
//   bus.Subscribe("quarantine", [&](const events::Event& e) { return q.OnEvent(e); });
//   auto site = q.CreateSite({.name = "锦江之星(南站店)", .district_code = "220102000000", .rooms = {...}}, {}, actor);
//   auto placed = q.AutoAssign({}, {}, actor);                    // listed close contacts → rooms
//   q.Act(person_id, {.kind = ActionKind::kCheckIn}, caller, actor);
//   auto list = q.CheckList({}, 0);                                 // who owes today's check or test
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "events/events.h"
#include "quarantine/assignment.h"
#include "quarantine/forecast.h"
#include "quarantine/lifecycle.h"
#include "quarantine/rules.h"
#include "store/store.h"

namespace tc::quarantine {

// Who asks. An area caller: `area_path` ("" or "/": the city). Site staff: the sites
// whose staff list names `username`, whatever their path.
struct Caller {
  std::string area_path;
  std::string username;
  bool staff_only = false;
};

struct NewRoom {
  std::string number;  // "301", unique within the site
  int beds = 1;        // 1–4
  bool accessible = false;
};

struct NewSite {
  std::string name;                // unique in the city
  std::string kind = "hotel";      // hotel | other
  std::string district_code;       // the district area it stands in
  std::string address;
  std::optional<GeoPoint> point;   // WGS 84
  int capacity = 0;                // people it may hold (staffing); 0: its beds
  std::vector<std::string> staff;  // usernames of its staff accounts
  std::string phone;
  std::vector<NewRoom> rooms;
};

// A change to a site; absent fields keep their value.
struct SitePatch {
  std::optional<std::string> name, address, phone;
  std::optional<bool> open;
  std::optional<int> capacity;
  std::optional<std::vector<std::string>> staff;
};

struct RoomRecord {
  int64_t id = 0, site_id = 0;
  std::string number;
  int beds = 1;
  bool accessible = false, in_service = true;
  std::vector<int64_t> occupants;  // quarantine person ids booked in it
};

struct SiteRecord {
  int64_t id = 0;
  std::string name, kind, district_code, area_path, address, phone;
  std::optional<GeoPoint> point;
  bool open = true;
  int capacity = 0;  // as given (0: its beds)
  std::vector<std::string> staff;
  // Occupancy (from the board): rooms, beds, people booked (assigned … checked in,
  // escalated), checked in, rooms with nobody booked.
  int rooms = 0, beds = 0, booked = 0, checked_in = 0, free_rooms = 0;
  int effective_capacity() const { return capacity > 0 ? capacity : beds; }
};

// A person in quarantine as the service keeps them.
struct PersonRecord {
  int64_t id = 0;
  int64_t contact_id = 0;  // tracing's contact (0: none)
  int64_t resident_id = 0;
  std::string name, phone, id_number;  // from the registry (the API masks them)
  std::string household_code, area_path, district_code;
  QuarantineState state;  // with checks and tests when read one by one (Get)
  std::string site_name, room_number;
  Millis created_at = 0;
};

// The day's health-check list: a person who owes today's check or test (board.h's
// CheckDue, with the mode and the last check).
struct CheckItem {
  int64_t person_id = 0;
  int64_t site_id = 0;
  Tier tier = Tier::kClose;
  Mode mode = Mode::kUndecided;
  int day = 0;             // quarantine day reached by the day's end (1-based)
  bool check_due = false;  // no health check yet today
  int test_day = 0;        // the scheduled test due today and not taken (its day); 0: none
  Millis last_check_at = 0;
};

struct StuckPerson {
  int64_t person_id = 0;
  int64_t site_id = 0;
  State status = State::kListed;
  Millis since = 0, due = 0, late = 0;
};

struct AutoAssignRequest {
  std::vector<Tier> tiers = {Tier::kClose};  // which listed people get rooms
  int64_t limit = 0;                         // at most this many people (0: all listed)
  bool dry_run = false;                      // propose, write nothing
};
struct AutoAssignResult {
  std::vector<Booking> placed;
  std::vector<Unplaced> unplaced;
  bool written = false;
};

struct Certificate {
  std::string number;
  PersonRecord person;
  Millis issued_at = 0;
  std::vector<TestResult> tests;
};

class Quarantines {
 public:
  Quarantines(store::Store& store, const Clock& clock);
  ~Quarantines();

  // ContactListed (close and secondary: listed here; a secondary listed again as close
  // is upgraded while still listed), ContactRemoved (cancelled). Idempotent: a
  // redelivered event changes nothing.
  Status OnEvent(const events::Event& e);

  // ---- Rules ----
  Result<QuarantineRules> Rules();
  // A new version on top of the current one; InvalidArgument naming the field.
  Result<QuarantineRules> SetRules(std::string_view json, const audit::Actor& by);

  // ---- Sites and rooms ----
  // InvalidArgument naming the field (name, district_code, rooms[2].beds …); NotFound
  // for a district outside the caller; Conflict for a name in use or a room twice.
  Result<SiteRecord> CreateSite(const NewSite& n, const Caller& who, const audit::Actor& by);
  // Lowering the capacity below the people booked is refused (Conflict naming both).
  Result<SiteRecord> UpdateSite(int64_t id, const SitePatch& p, const Caller& who, const audit::Actor& by);
  Result<std::vector<RoomRecord>> AddRooms(int64_t site_id, const std::vector<NewRoom>& rooms, const Caller& who,
                                           const audit::Actor& by);
  // Out of service: refused while someone is booked in it.
  Result<RoomRecord> SetRoomInService(int64_t site_id, int64_t room_id, bool in_service, const Caller& who,
                                      const audit::Actor& by);
  Result<std::vector<SiteRecord>> Sites(const Caller& who);
  Result<SiteRecord> Site(int64_t id, const Caller& who);
  Result<std::vector<RoomRecord>> Rooms(int64_t site_id, const Caller& who);

  // ---- People ----
  struct ListQuery {
    std::string state;  // "" any
    int64_t site_id = 0;
    std::string tier;   // "" any
    int64_t limit = 200;
  };
  Result<std::vector<PersonRecord>> People(const ListQuery& q, const Caller& who);
  Result<PersonRecord> Get(int64_t id, const Caller& who);
  // The person's current quarantine (any state), for a resident's own page.
  Result<PersonRecord> OfResident(int64_t resident_id);
  // One step of lifecycle.h. For assign to a room: the room is checked (Validate) in the
  // same transaction; check_in refuses a site already holding its capacity; release
  // without a certificate number gets one issued. Nothing is written when refused.
  Result<PersonRecord> Act(int64_t id, const Action& a, const Caller& who, const audit::Actor& by);
  // assignment.h over the listed people under the caller and the open sites' free
  // rooms, validated and written in one transaction (unless dry_run).
  Result<AutoAssignResult> AutoAssign(const AutoAssignRequest& r, const Caller& who, const audit::Actor& by);
  Result<Certificate> CertificateOf(int64_t id, const Caller& who);

  // ---- Lists from the board ----
  // Everyone checked in who owes today's (Shanghai) check or test (board.h CheckList),
  // by site then id (home quarantine first); `site_id` 0: every site and home quarantine.
  Result<std::vector<CheckItem>> CheckList(const Caller& who, int64_t site_id);
  // Everyone stuck in a state past the rules' limit (lifecycle.h OpenLoopReport).
  Result<std::vector<StuckPerson>> OpenLoop(const Caller& who);
  // The transfer tasks: assigned to a site, pickup scheduled or picked up; by pickup time.
  Result<std::vector<PersonRecord>> Transfers(const Caller& who, int64_t limit);
  // Contacts in quarantine by tier and quarantine day, for forecast.h (people not yet
  // checked in count as day 1). Days and attack rates keep forecast.h's defaults but the
  // lengths are the rules'.
  Result<ForecastInput> Pipeline(const Caller& who);
  // Counts by state (and mode) under the caller, for the dashboard.
  struct Counts {
    std::array<int64_t, kStateCount> by_state{};
    int64_t home = 0, centralised = 0;
  };
  Result<Counts> Count(const Caller& who);

 private:
  struct Board;
  Status EnsureBoard();
  Status Refresh(store::Conn& c, std::span<const int64_t> ids);
  Status RefreshAfterCommit(std::span<const int64_t> ids);
  Result<std::vector<PersonRecord>> Load(store::Conn& c, std::string_view where, const store::Params& params,
                                         bool with_health);
  // The people with these ids, in the order given (read in chunks of 500).
  Result<std::vector<PersonRecord>> LoadInOrder(const std::vector<int64_t>& ids);
  // Under the board's lock.
  bool Sees(const PersonRecord& p, const Caller& who) const;

  store::Store& store_;
  const Clock& clock_;
  std::unique_ptr<Board> board_;
};

}  // namespace tc::quarantine
