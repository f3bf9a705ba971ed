// The special-care roster (特殊群体关爱): every day a grid worker phones the people in
// their care — the elderly living alone, the severely ill, people with a disability,
// pregnant women (seed 000: "针对独居老人、重症病患等特殊群体,每天都进行电话询问").
// Pure functions over plain structs (no store, no clock): the roster from the
// registry's care tags, the day's call list per worker, a call's outcome and the tasks
// its needs become, and the escalation of missed calls to the grid's head (网格长).
//
//   CareRules rules;                                           // version 0: the defaults
//   auto lists = CallLists(residents, grids, workers, calls, rules, day_start);
//   for (const CallEntry& e : lists[worker_id]) Dial(e.phone);  // severe illness first
//   auto done = RecordCall({.resident_id = 9, .worker_id = 3, .outcome = CallOutcome::kReachedWithNeeds,
//                           .needs = {{NeedKind::kMedicine, "降压药"}}}, rules, now).value();
//   auto esc = Escalations(residents, grids, workers, calls, rules, day_start, now);
//
// Who calls whom: a worker covers area codes — a grid's code covers the residents of
// its buildings, an area's code (community, compound, building, unit) the residents
// whose unit code equals it or starts with it and '-'. The most specific cover calls
// (unit, building, compound, grid, community; among equals the first worker given); a
// resident no worker covers is called by their grid's head. Plain values; thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/huge_pages.h"
#include "base/status.h"
#include "base/time.h"

namespace tc::livelihood {

// Why someone is on the roster, in the default priority order (severe illness first).
enum class CareKind : uint8_t { kSevereIllness, kElderlyAlone, kDisability, kPregnancy };
inline constexpr int kCareKindCount = 4;
std::string_view CareKindName(CareKind k);  // severe_illness | elderly_alone | disability | pregnancy
bool ParseCareKind(std::string_view s, CareKind* out);

enum class CallOutcome : uint8_t { kReachedOk, kReachedWithNeeds, kNotReached };
std::string_view CallOutcomeName(CallOutcome o);  // reached_ok | reached_with_needs | not_reached
bool ParseCallOutcome(std::string_view s, CallOutcome* out);

enum class NeedKind : uint8_t { kMedicine, kFood, kMedicalVisit, kOther };
inline constexpr int kNeedKindCount = 4;
std::string_view NeedKindName(NeedKind k);  // medicine | food | medical_visit | other
bool ParseNeedKind(std::string_view s, NeedKind* out);

// The roster's rules, versioned like the other rule sets (version 0: these defaults).
struct CareRules {
  int64_t version = 0;
  // Which registry care-tag bits (registry::CareTag) put someone on the roster for each
  // kind, indexed by CareKind: severe illness ← 重病 | 卧床, elderly alone ← 独居老人,
  // disability ← 残疾, pregnancy ← 孕产妇. 慢性病 alone does not (set it here to add it).
  std::array<int64_t, kCareKindCount> tags = {16 | 32, 1, 8, 4};
  // Priority of each kind, 1 the highest; a person's priority is their best kind's.
  std::array<int, kCareKindCount> priority = {1, 2, 3, 4};
  // Escalate to the grid's head after this many not-reached calls in a row.
  int misses_in_row = 2;
  // Escalate when a person has no call today by this many minutes after midnight (Shanghai).
  int64_t call_by_minutes = 12 * 60;
  // Hours a need's task has to be done in, indexed by NeedKind.
  std::array<int64_t, kNeedKindCount> need_due_hours = {24, 12, 24, 48};
  std::string changed_by, reason;
  Millis changed_at = 0;
};
// The rules a JSON document gives on top of `base`. Keys: "tags" {kind: [tag names as
// the registry spells them, English or Chinese]}, "priority" {kind: 1–9},
// "misses_in_row" (1–10), "call_by_minutes" (0–1439), "need_due_hours" {need: 1–720}.
// InvalidArgument naming the field for an unknown key, kind, tag or a value out of range.
Result<CareRules> ParseCareRules(std::string_view json, const CareRules& base);
std::string CareRulesJson(const CareRules& r);

// A resident as the roster needs them (from the registry).
struct CareResident {
  int64_t id = 0;
  std::string name, phone;
  std::string unit_code;  // the unit their household is in
  int64_t tags = 0;       // registry::CareTag bits
};
// A grid (网格): its code, its head (网格长; 0 when it has none) and its buildings.
struct CareGrid {
  std::string code;
  int64_t head_id = 0;
  std::vector<std::string> building_codes;
};
// A worker who calls (a 楼栋长, 单元长, grid worker …) and the areas they cover.
struct CareWorker {
  int64_t id = 0;
  std::vector<std::string> area_codes;
};

struct NeedItem {
  NeedKind kind = NeedKind::kOther;
  std::string note;  // what exactly; required for `other`
};
// One call as recorded.
struct Call {
  int64_t resident_id = 0, worker_id = 0;
  Millis at = 0;
  CallOutcome outcome = CallOutcome::kReachedOk;
  std::vector<NeedItem> needs;  // only with reached_with_needs, then at least one
  std::string note;
};

// A need raised by a call, to become a task for the grid.
struct NeedTask {
  int64_t resident_id = 0, raised_by = 0;
  NeedKind kind = NeedKind::kOther;
  std::string note;
  Millis raised_at = 0, due_by = 0;
};
struct RecordedCall {
  Call call;                    // as validated, `at` = now
  std::vector<NeedTask> tasks;  // one per need
};
// Validates a call made at `now` and turns its needs into tasks due per the rules.
// InvalidArgument naming the field: no resident or worker, needs with an outcome other
// than reached_with_needs, reached_with_needs without needs, `other` without a note.
Result<RecordedCall> RecordCall(const Call& c, const CareRules& rules, Millis now);

// One line of a worker's call list.
struct CallEntry {
  int64_t resident_id = 0;
  std::string name, phone;
  std::vector<CareKind> kinds;  // why, in priority order
  int priority = 0;             // the best kind's priority (1 highest)
  std::string grid_code;        // "" when no grid holds their building
  bool has_last_call = false;
  Call last_call;             // the latest call before the day's end (any day)
  bool called_today = false;  // a call today (reached or not)
  int misses_in_row = 0;      // not-reached calls since the last reached one
};

// The roster: residents with a rostered kind, their caller and their grid (the first
// grid whose buildings hold their unit). `caller` is the most specific covering worker,
// else the grid's head, else 0 (nobody — the gap the registry's coverage report names).
struct RosterEntry {
  const CareResident* resident = nullptr;
  std::vector<CareKind> kinds;
  int priority = 0;
  std::string grid_code;
  int64_t grid_head = 0;
  int64_t caller = 0;
};
std::vector<RosterEntry> Roster(const std::vector<CareResident>& residents, const std::vector<CareGrid>& grids,
                                const std::vector<CareWorker>& workers, const CareRules& rules);

// The day's call lists in flat form — the fast path for a whole city (the service and
// bench-quarantine use it): one line per rostered resident, every list one after
// another, with no string copied: a line names its resident, grid and latest call by
// index into the inputs given (which must outlive the set to be read through it).
struct CallLine {
  int64_t resident_id = 0;
  uint32_t resident = 0;   // index into `residents`
  int32_t grid = -1;       // index into `grids`; -1 when no grid holds their building
  int32_t last_call = -1;  // index into `calls` of the latest before the day's end; -1 none
  Millis last_at = -1;     // that call's time; -1 none
  int32_t priority = 0;    // the best kind's priority (1 highest)
  uint16_t misses_in_row = 0;
  bool called_today = false;
  uint8_t kind_count = 0;
  std::array<CareKind, kCareKindCount> kinds{};  // why, in priority order (the first kind_count)
};
struct CallListSet {
  struct List {
    int64_t caller = 0;  // 0: nobody covers them
    uint32_t begin = 0, end = 0;  // [begin, end) in `order`
  };
  // The lines and their order for a city are tens of MB per call: huge pages (a few
  // faults instead of thousands, see base/huge_pages.h).
  std::vector<List> lists;     // by caller id ascending
  BigVector<CallLine> lines;   // one per rostered resident, in the residents' order
  BigVector<uint32_t> order;   // indexes into `lines`: list after list, each in call order
  size_t size() const { return lines.size(); }
  // The line at position `i` of `order` (a list is At(begin) … At(end - 1)).
  const CallLine& At(uint32_t i) const { return lines[order[i]]; }
  // The list of `caller` (nullptr when they have none).
  const List* Find(int64_t caller) const;
};
// CallLists (below) in flat form: the same lists in the same order. Linear in residents
// and calls plus a sort within each list: per resident their unit's code is looked up
// (the covers of its building and above are kept per building), and when the residents
// come by id and the calls by resident id (as the stores give them with an index on
// (resident_id, at)) both are walked together; otherwise the calls are found by id.
CallListSet FlatCallLists(const std::vector<CareResident>& residents, const std::vector<CareGrid>& grids,
                          const std::vector<CareWorker>& workers, const std::vector<Call>& calls,
                          const CareRules& rules, Millis day_start);
// A flat line as an owned CallEntry (names, phone, grid code and the last call copied).
CallEntry MakeCallEntry(const CallLine& l, const std::vector<CareResident>& residents,
                        const std::vector<CareGrid>& grids, const std::vector<Call>& calls);

// The day's call lists, keyed by caller id (0: nobody covers them), each sorted by
// priority, then those not yet called today, then most missed calls in a row, then the
// longest since the last call (never called first), then resident id. `day_start` is
// the day's midnight in Shanghai; calls after the day's end are ignored. Owned copies
// of FlatCallLists' lines (for small inputs and tests).
std::map<int64_t, std::vector<CallEntry>> CallLists(const std::vector<CareResident>& residents,
                                                    const std::vector<CareGrid>& grids,
                                                    const std::vector<CareWorker>& workers,
                                                    const std::vector<Call>& calls, const CareRules& rules,
                                                    Millis day_start);

enum class EscalationReason : uint8_t { kMissedInRow, kNoCallByDeadline };
std::string_view EscalationReasonName(EscalationReason r);  // missed_in_row | no_call_by_deadline
// A rostered person whose calls need the grid's head at `now`.
struct Escalation {
  int64_t resident_id = 0;
  int64_t to = 0;      // the grid's head; 0 when the grid has none (the community decides)
  int64_t caller = 0;  // who should have called
  std::string grid_code;
  EscalationReason reason = EscalationReason::kMissedInRow;
  int misses = 0;  // not-reached calls in a row (missed_in_row)
};
// Escalations at `now` on the day starting `day_start`: everyone whose latest calls up
// to `now` are `misses_in_row` not-reached ones in a row, and — once `now` is past the
// day's call_by time — everyone with no call today. One entry per person (missed_in_row
// wins); sorted by priority, then resident id.
std::vector<Escalation> Escalations(const std::vector<CareResident>& residents, const std::vector<CareGrid>& grids,
                                    const std::vector<CareWorker>& workers, const std::vector<Call>& calls,
                                    const CareRules& rules, Millis day_start, Millis now);

}  // namespace tc::livelihood
