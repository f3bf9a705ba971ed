// Reads of the registry that other modules need (names and households of people in
// tracing results, jurisdiction checks, area paths, the city's population), run on
// the caller's connection so they can sit inside the caller's transaction. With
// these, no other module names the registry's tables. Stateless and thread-safe;
// store errors are returned as they come.
//
//   TC_ASSIGN_OR_RETURN(auto people, registry::PeopleById(conn, ids));
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "store/store.h"

namespace tc::registry {

// A resident as another module sees them.
struct PersonBrief {
  int64_t id = 0;
  std::string name, phone, id_number;
  std::string household_code;  // starts with the scope key of every area above it
  std::string status;          // "active" or "merged"
  int64_t tags = 0;            // care tags (registry::CareTag bits)
  std::string birth_date;      // "1985-03-07", "" if unknown
};

// Residents by store id or by ID number, sorted by id; ids and numbers that match
// nobody are simply absent.
Result<std::vector<PersonBrief>> PeopleById(store::Conn& c, std::span<const int64_t> ids);
Result<std::vector<PersonBrief>> PeopleByIdNumber(store::Conn& c, std::span<const std::string> id_numbers);
// One resident; NotFound naming the id.
Result<PersonBrief> Person(store::Conn& c, int64_t id);

// For every person in `ids`, fn(person, member) for each other active member of
// their household.
Status ForEachHouseholdMember(store::Conn& c, std::span<const int64_t> ids,
                              const std::function<void(int64_t person, int64_t member)>& fn);

// The materialised path of an area (NotFound naming the code), and of a
// household's unit.
Result<std::string> AreaPath(store::Conn& c, std::string_view area_code);
Result<std::string> HouseholdAreaPath(store::Conn& c, std::string_view household_code);

// When the city's registry began (the earliest top-level area's creation; 0 if there
// is none), and how many active residents the city has (from the rollup).
Result<Millis> CityCreatedAt(store::Conn& c);
// How many areas the registry holds (0: an empty database).
Result<int64_t> AreaCount(store::Conn& c);
Result<int64_t> CityPopulation(store::Conn& c);

// Every area, parents before children (by path), for modules that keep the tree in
// memory (mass testing's coverage counters).
struct AreaNode {
  std::string code, parent_code, level, name, path;
};
Status ForEachArea(store::Conn& c, const std::function<void(const AreaNode&)>& fn);

// Active residents as an in-memory engine needs them: the id, the ID number, the unit
// they live in and their care tags.
struct ResidentPlace {
  int64_t id = 0;
  std::string id_number;  // "" if unknown
  std::string unit_code;
  int64_t tags = 0;
};
// Up to `limit` active residents with id > after_id, by id; returns how many it read.
Result<int64_t> ForEachResidentPlace(store::Conn& c, int64_t after_id, int64_t limit,
                                     const std::function<void(const ResidentPlace&)>& fn);
// The active resident with this ID number (NotFound naming it).
Result<ResidentPlace> ResidentPlaceByIdNumber(store::Conn& c, std::string_view id_number);

// An active resident with their unit and care tags, as a roster needs them (the
// special-care call lists: livelihood/care.h).
struct TaggedResident {
  int64_t id = 0;
  std::string name, phone;
  std::string unit_code;
  std::string household_code;  // starts with the unit's scope key
  int64_t tags = 0;            // CareTag bits
};
// The active residents under `scope_key` (ScopeKeyOfPath; "" the whole city) with any
// of the care tags in `tag_mask`, by id.
Result<std::vector<TaggedResident>> TaggedResidents(store::Conn& c, std::string_view scope_key, int64_t tag_mask);
// One active resident (NotFound naming the id for none or a merged record).
Result<TaggedResident> TaggedResidentById(store::Conn& c, int64_t id);

// A grid (网格) as other modules see it: its head (网格长, a resident; 0 none) with
// name and phone, and its buildings in code order.
struct GridCover {
  std::string code, community_code;
  int64_t leader_id = 0;
  std::string leader_name, leader_phone;
  std::vector<std::string> building_codes;
};
// The grids of every community under `scope_key` (a key below a community gives that
// community's grids; "" every grid), by code.
Result<std::vector<GridCover>> GridsUnder(store::Conn& c, std::string_view scope_key);

}  // namespace tc::registry
