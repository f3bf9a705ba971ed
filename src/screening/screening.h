// Mass nucleic-acid testing (核酸检测): test sites and their staff, labs, rounds, pooled
// tubes, lab results with the positive fan-out, coverage and the door-knocking list
// (敲门行动). Rows live in the store (test_sites, test_labs, test_rounds, test_tubes,
// test_followups); an in-memory engine kept in step with them answers the hot paths:
//
//  - every active resident as the engine needs them (ID number → person, the unit they
//    live in, bedridden or not), read from the registry at Open() and caught up on a
//    miss (someone registered since);
//  - the area tree, and per round a slot per person (the tube that sampled them, due,
//    exempt) and counters per area node (due, exempt, sampled, resulted) kept current
//    with every scan and result, so coverage for any node is a read;
//  - the tubes (barcode → members, state, result).
//
// A tube is the unit of storage: one row per tube holding its members, so a round of
// 9 million people is ~900 k rows. Scans are validated against the engine and then
// written; concurrent single scans are group-committed (the first waiting caller
// writes everyone's scans in one transaction), so one fsync acknowledges many. A scan
// is acknowledged only after its transaction commits, and the engine changes only
// after the commit. Positive and invalid pooled tubes fan out in one transaction:
// a follow-up per member (individual retest due, home isolation, a door task for the
// member's building) and `TubePositive`; an individual positive publishes
// `IndividualPositive` (the cases module makes it a suspected case). See
// docs/mass-testing.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "store/store.h"

namespace tc::screening {

struct EngineBox;  // engine.h: the engine, its locks and the write queue

struct Site {
  int64_t id = 0;
  std::string code, name;
  std::string area_code, area_path;  // where it stands (jurisdiction)
  std::string address;
  std::string hours = "08:00-20:00";  // daily opening, HH:MM-HH:MM
  int lanes = 1;                      // sampling desks working at once
  int per_hour = 120;                 // swabs per lane per hour
  std::vector<std::string> staff;     // usernames who may scan here
  Millis created_at = 0;
};

struct Lab {
  int64_t id = 0;
  std::string code, name, address;
  int64_t capacity_per_day = 0;  // tubes a day
  Millis created_at = 0;
};

struct NewRound {
  std::string name;
  std::vector<std::string> area_codes;  // whose residents are due (the city's code: everyone)
  std::string starts_on, ends_on;       // YYYY-MM-DD (Shanghai), inclusive
  int pool_size = 10;                   // 1..20
  std::string due = "residents";        // residents | close | secondary | exposed (a contact tier)
};

struct Round {
  int64_t id = 0;
  std::string name;
  std::vector<std::string> area_codes;
  std::string starts_on, ends_on;
  int pool_size = 10;
  std::string due;
  std::string status;  // open | closed
  int64_t due_count = 0, exempt_count = 0;
  std::string created_by;
  Millis created_at = 0, closed_at = 0;
};

// One scan at a site: a person onto a tube. `retest`: an individual retest of a
// member of a positive or invalid pooled tube (its own single tube).
struct Scan {
  int64_t line = 0;          // for per-line reports
  int64_t round_id = 0;
  std::string site_code;
  std::string tube;          // barcode
  std::string id_number;     // or person_id
  int64_t person_id = 0;
  Millis at = 0;             // 0: now
  bool retest = false;
  bool close_after = false;  // the worker closes the tube after this scan
};

struct LineError {
  int64_t line = 0;
  std::string field;
  std::string message;
};

struct TubeBrief {
  std::string barcode;
  int members = 0, capacity = 0;
  bool closed = false;
};

struct ScanOutcome {
  std::string result;  // registered | already
  TubeBrief tube;
  int64_t person_id = 0;
};

struct ScanReport {
  Status status;  // not Ok: the write failed and no line of this call was recorded
  int64_t received = 0, accepted = 0, already = 0, rejected = 0;
  std::vector<LineError> errors;  // capped by the caller's max_errors
  std::vector<ScanOutcome> outcomes;  // per accepted or already line, in order (calls of at most 1,000 scans)
};

struct TubeMember {
  int64_t person_id = 0;
  Millis sampled_at = 0;
  std::string unit_code;  // where they live
};

struct Tube {
  int64_t id = 0;
  std::string barcode;
  int64_t round_id = 0;
  std::string site_code;
  std::string kind;  // pool | single | retest
  int capacity = 0;
  std::vector<TubeMember> members;
  Millis opened_at = 0, closed_at = 0;
  std::string box, lab_code;
  Millis sent_at = 0;
  std::string result;  // "" | negative | positive | invalid
  double ct = 0;       // 0: not given
  Millis resulted_at = 0;
  std::string result_by;
};

// A lab's result for a tube.
struct TubeResult {
  int64_t line = 0;
  std::string tube;
  std::string result;  // negative | positive | invalid
  double ct = 0;
  std::string lab_code;  // optional; must match the tube's lab if it was shipped
  Millis at = 0;         // 0: now
};

struct ResultReport {
  int64_t received = 0, applied = 0, already = 0, rejected = 0;
  int64_t positive_tubes = 0, followups = 0;
  std::vector<LineError> errors;
};

struct Shipment {
  std::string box;
  std::string lab_code;
  std::vector<std::string> tubes;
  Millis handed_over_at = 0;  // 0: now
};

// What a positive or invalid pooled tube starts for each member: an individual
// retest, home isolation until it is negative, and a door task for their building.
struct Followup {
  int64_t id = 0;
  int64_t round_id = 0;
  std::string tube;  // the pooled tube
  std::string reason;  // positive | invalid
  int64_t person_id = 0;
  std::string building_code, unit_code;
  std::string status;     // open | sampled | closed
  std::string isolation;  // home | lifted
  std::string retest_tube;
  std::string outcome;    // "" | negative | positive
  Millis created_at = 0, updated_at = 0;
};

struct FollowupQuery {
  std::string scope_path;  // the caller's node: buildings under it
  int64_t round_id = 0;
  std::string status;      // "" = any
  std::string tube;        // "" = any; else the pooled tube or the retest tube
  int64_t after_id = 0;
  int limit = 100;
};

struct Coverage {
  std::string area_code, name, level;
  int64_t due = 0;           // residents due in the round
  int64_t exempt = 0;        // of them, bedridden (home sampling)
  int64_t sampled = 0;       // of the due, sampled (at a site or at home)
  int64_t resulted = 0;      // of the sampled, with a result
  int64_t not_sampled = 0;   // due − sampled − exempt not yet sampled: the door list
  int64_t extra = 0;         // sampled but not due here (visitors, new residents)
  int64_t positive_tubes = 0;
};

struct CoverageReport {
  Coverage node;
  std::vector<Coverage> children;
};

// A person on the door-knocking list or the home sampling list.
struct DoorPerson {
  int64_t person_id = 0;
  std::string household_code;
  bool exempt = false;  // bedridden: sample at home
};

struct DoorUnit {
  std::string unit_code, name;
  std::vector<DoorPerson> people;
};

struct DoorList {
  std::string area_code, name;
  int64_t round_id = 0;
  int64_t not_sampled = 0, home_sampling = 0;
  std::vector<DoorUnit> units;
};

struct PersonResult {
  int64_t round_id = 0;
  std::string round_name;
  std::string tube, kind;
  Millis sampled_at = 0;
  std::string result;  // "" (pending) | negative | positive | invalid
  Millis resulted_at = 0;
};

struct RoundProgress {
  Round round;
  Coverage city;
  struct Day {
    std::string date;
    int64_t sampled = 0, resulted = 0;
  };
  std::vector<Day> days;
  struct SiteLoad {
    std::string site_code, name;
    int64_t capacity_per_day = 0;  // lanes × per_hour × opening hours
    int64_t sampled = 0, tubes = 0, open_tubes = 0;
  };
  std::vector<SiteLoad> sites;
  int64_t tubes = 0, tubes_closed = 0, tubes_shipped = 0, tubes_resulted = 0, positive_tubes = 0;
};

struct OpenOptions {
  int64_t load_batch = 200'000;  // residents read per query at Open()
};

class Screening {
 public:
  // Reads the registry's residents and areas and the module's rows into the engine.
  static Result<std::unique_ptr<Screening>> Open(store::Store& store, const Clock& clock,
                                                 const OpenOptions& options = {});
  ~Screening();
  Screening(const Screening&) = delete;
  Screening& operator=(const Screening&) = delete;

  // Sites, their staff, labs.
  Result<Site> CreateSite(const Site& site, const audit::Actor& by);
  Result<std::vector<Site>> Sites(std::string_view scope_path);
  Result<Site> SiteByCode(std::string_view code);
  Result<Site> SetSiteStaff(std::string_view code, std::span<const std::string> usernames, const audit::Actor& by);
  Result<Lab> CreateLab(const Lab& lab, const audit::Actor& by);
  Result<std::vector<Lab>> Labs();

  // Rounds. Creation snapshots who is due (the areas' active residents, or the open
  // entries of a contact tier given in `tier_people`) and who is exempt (bedridden).
  Result<Round> CreateRound(const NewRound& round, std::span<const int64_t> tier_people, const audit::Actor& by);
  Result<Round> GetRound(int64_t id);
  Result<std::vector<Round>> Rounds();
  Result<Round> CloseRound(int64_t id, const audit::Actor& by);
  Result<RoundProgress> Progress(int64_t round_id);

  // Scans (one or a batch). Per line: registered, already (the same person on the same
  // tube: a resent batch changes nothing) or an error naming the field. `username`:
  // the scanning worker (must be on the site's staff unless `any_site`).
  ScanReport Register(std::span<const Scan> scans, std::string_view username, bool any_site, const audit::Actor& by,
                      size_t max_errors = 1000);
  // Closes an open tube (no one more); closing a closed tube is a no-op.
  Result<TubeBrief> CloseTube(std::string_view barcode, std::string_view username, bool any_site,
                              const audit::Actor& by);
  // Tubes into a box handed to a lab (each closed; per-tube errors).
  Result<int64_t> Ship(const Shipment& shipment, const audit::Actor& by);
  Result<Tube> GetTube(std::string_view barcode);

  // Lab results, one or a batch. A tube never registered, an open tube, an unknown
  // result or a second result that differs: that line's error, nothing applied for it.
  ResultReport Report(std::span<const TubeResult> results, const audit::Actor& by, size_t max_errors = 1000);

  Result<std::vector<Followup>> Followups(const FollowupQuery& q);

  // Counts for a node and its children (for the map).
  Result<CoverageReport> CoverageOf(int64_t round_id, std::string_view area_code);
  // The due people of a building (or any node at most a compound) not yet sampled,
  // per unit, with the bedridden marked for home sampling.
  Result<DoorList> DoorListOf(int64_t round_id, std::string_view area_code);
  // A person's results, newest first (at most `limit`).
  Result<std::vector<PersonResult>> ResultsOf(int64_t person_id, int limit = 10);
  // When the person's latest sample with a negative result was taken (0: none), for
  // rules such as "a negative test within 72 h". The bulk form fills out[person id]
  // for every person id below out.size(); ids it knows nothing of are left as they are.
  Millis LastNegativeSampled(int64_t person_id);
  void LastNegativeSampled(std::span<Millis> out);
  // The materialised path of the unit a person lives in ("" if unknown to the engine).
  std::string PersonPath(int64_t person_id);
  // The path of an area node known to the engine (NotFound naming the code).
  Result<std::string> AreaPathOf(std::string_view area_code);

  // The lowest-id resident living under an area (0: none), e.g. for a demo account.
  int64_t FirstResidentUnder(std::string_view area_code);
  // Residents loaded, for logs.
  int64_t PeopleLoaded() const;

 private:
  Screening(store::Store& store, const Clock& clock);
  Status Load(const OpenOptions& options);
  // The scans of queued jobs, staged, written in one transaction and applied.
  void WriteScanJobs(std::span<void* const> jobs);
  // A person by id or ID number, caught up from the registry on a miss (under the
  // write lock). 0 with `error` set if unknown.
  uint32_t ResolvePerson(const Scan& s, LineError& error);

  store::Store& store_;
  const Clock& clock_;
  std::unique_ptr<EngineBox> box_;
};

}  // namespace tc::screening
