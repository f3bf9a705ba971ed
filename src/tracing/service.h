// The tracing service: venues (场所码), check-ins and the exposure queries, with the
// in-memory Index kept in step with the store. A check-in is acknowledged only after
// its transaction commits, and it is in the index before the call returns, so the
// next query sees it. Rows written by another process (a CLI import while the server
// runs) are picked up before every query by their ids: every writer of check-ins
// takes LockCheckinOrder, so ids become visible in order on both stores.
// Thread-safe: one writer at a time, queries in parallel.
#pragma once

#include <cstdint>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "store/store.h"
#include "tracing/index.h"
#include "tracing/queries.h"

namespace tc::tracing {

struct Venue {
  int64_t id = 0;
  std::string code, name, kind, area_code, area_path;
  int64_t capacity = 0;
  Millis created_at = 0;
};

struct NewVenue {
  std::string code, name, kind, area_code;
  int64_t capacity = 0;
};

// A time not given (distinct from every real time, 1970 included).
inline constexpr Millis kNoTime = std::numeric_limits<Millis>::min();

// One check-in as received: the person by store id or by ID number (both may be
// given, and must then agree).
struct NewCheckin {
  int64_t line = 0;  // where it came from (a line number, or the array index + 1)
  int64_t person_id = 0;  // 0: not given
  std::string id_number;
  std::string venue_code;
  Millis arrive_at = kNoTime;
  Millis leave_at = kNoTime;  // kNoTime: none
};

struct CheckinError {
  int64_t line = 0;
  std::string field;
  std::string message;
};

struct CheckinReport {
  int64_t received = 0, accepted = 0, rejected = 0;
  std::vector<CheckinError> errors;  // by line
};

// Person as a tracing result names them (the API masks the phone).
struct PersonRef {
  int64_t id = 0;
  std::string name, phone, household_code;
};

// Appends the kind and capacity of every venue with id ≥ traits.size() (by id; the
// engine's view of venues for the exposure score).
Status LoadVenueTraits(store::Store& store, std::vector<VenueTrait>& traits);

class Tracing {
 public:
  Tracing(store::Store& store, const Clock& clock);

  // Loads the index from the store (all check-ins), and the city's start time.
  Status Start();

  // Venues. Codes are 4–40 characters of [0-9A-Za-z-]; the area must exist. Audited.
  Result<Venue> CreateVenue(const NewVenue& v, const audit::Actor& by);
  Result<Venue> GetVenue(std::string_view code);
  Result<Venue> GetVenueById(int64_t id);
  // Venues under an area path (prefix), optionally of a kind or with a name/code
  // containing `text`; paged by id.
  Result<std::vector<Venue>> ListVenues(std::string_view under_path, std::string_view kind, std::string_view text,
                                        int64_t after_id, int limit);

  // Validates every check-in (person known, active and living under `scope_path`,
  // venue known and under `scope_path` — outside it both answer as unknown —, times whole minutes after the city's start and not in the future,
  // leave after arrive and within 24 h, no duplicate in the batch or the store) and
  // commits the good ones in one transaction with one audit entry; the index has
  // them when this returns. Bad ones are reported by line and field, nothing of them
  // is applied.
  Result<CheckinReport> Record(std::span<const NewCheckin> batch, std::string_view scope_path,
                               const audit::Actor& by);

  // Queries (each first catches up with check-ins other processes wrote).
  struct Visitors {
    Venue venue;
    BigVectorForOverwrite<Visit> visits;  // sorted by arrival
    int64_t distinct_persons = 0;
  };
  Result<Visitors> VenueVisitors(std::string_view venue_code, Millis t1, Millis t2);
  Result<std::vector<Visit>> Trajectory(int64_t person, Millis t1, Millis t2);
  // Household members come from the registry (active residents of the same household).
  Result<ContactResult> Contacts(std::vector<CaseWindow> cases, const ContactRules& rules, bool secondary,
                                 bool households);
  // The same ring sorted into tiers by exposure score (tiers.h); the score reads the
  // venues' kinds and capacities, kept here and caught up with the store.
  Result<TierResult> Tiers(std::vector<CaseWindow> cases, const ContactRules& rules, const TierRules& tiers,
                           bool secondary, bool households);
  Result<std::vector<SourceScore>> Sources(const std::vector<CaseWindow>& cases, size_t top);

  // Names, phones and households of persons (for results), in one query per chunk.
  Result<std::vector<PersonRef>> People(std::span<const int64_t> ids);
  Result<std::vector<PersonRef>> People(std::span<const uint32_t> ids);
  Result<std::vector<Venue>> VenuesById(std::span<const uint32_t> ids);

  IndexStats Stats();
  Millis city_start() const { return city_start_; }

 private:
  Status CatchUp();  // with mu_ held exclusively
  Status CatchUpVenues();  // traits_ of venues created since; with mu_ held exclusively

  store::Store& store_;
  const Clock& clock_;
  std::mutex write_mu_;     // one Record() at a time
  std::shared_mutex mu_;    // index_ and last_id_
  Index index_;
  int64_t last_id_ = 0;
  std::vector<VenueTrait> traits_;  // by venue id
  Millis city_start_ = 0;
};

}  // namespace tc::tracing
