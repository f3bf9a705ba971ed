// The special-care roster service (特殊群体关爱) over care_calls.h: the day's call list of
// each grid worker from the registry's care tags, calls recorded with their outcome and
// needs (each need becomes a task in the same transaction), tasks closed, and the
// escalations to the grid's head (网格长) — derived on read from the calls: too many
// missed calls in a row, or no call by the rules' deadline. Versioned rules (admin).
//
// Who calls: the workers are user accounts (role grid_worker) bound to an area of a
// community or below; the source given at construction names them (the app reads the
// accounts). The most specific worker covering a resident's unit calls them, else the
// head of their grid (a resident), else nobody (a gap the registry's coverage report
// names). Jurisdiction: a call and a task belong to the resident's unit path; a view
// under a path sees only what lies below it, and a view for one worker only that
// worker's list. Stateless between calls (everything is read from the store); thread-safe.
//
//   CareRoster roster(store, clock, [&] { return GridWorkers(accounts); });
//   auto lists = roster.Lists({.under_path = p.area_path, .only_worker = p.user_id});
//   roster.Record({.resident_id = 17, .outcome = CallOutcome::kReachedWithNeeds,
//                  .needs = {{NeedKind::kMedicine, "降压药"}}}, worker, p.area_path, actor);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "livelihood/care_calls.h"
#include "store/store.h"

namespace tc::livelihood {

// A user account that calls (a grid worker): its id, username and the area it is bound to.
struct CareWorkerAccount {
  int64_t user_id = 0;
  std::string username;
  std::string area_code;
};
using CareWorkerSource = std::function<Result<std::vector<CareWorkerAccount>>()>;

// Who a list belongs to, or an escalation goes to.
struct CareCaller {
  enum class Kind : uint8_t { kNobody, kWorker, kGridHead };
  Kind kind = Kind::kNobody;
  int64_t user_id = 0;  // kWorker
  std::string username;
  int64_t resident_id = 0;  // kGridHead: the 网格长 (a resident)
  std::string name, phone;
};
std::string_view CareCallerKindName(CareCaller::Kind k);  // nobody | worker | grid_head

struct CareList {
  CareCaller caller;
  std::vector<CallEntry> entries;  // in call order (care_calls.h: CallLists)
  int64_t called_today = 0;
};

// What a request may see: everything under `under_path` ("" or "/": the city), and with
// `only_worker` (a user id) only that worker's list and the escalations of their people.
struct CareView {
  std::string under_path;
  int64_t only_worker = 0;
};

// A call as the API takes it; the worker is the caller's account.
struct CareCallInput {
  int64_t resident_id = 0;
  std::string outcome;  // reached_ok | reached_with_needs | not_reached
  std::vector<std::pair<std::string, std::string>> needs;  // (kind, note)
  std::string note;
};

struct CareTask {
  int64_t id = 0, call_id = 0, resident_id = 0;
  std::string resident_name, area_path;
  NeedKind kind = NeedKind::kOther;
  std::string detail;
  bool done = false;
  std::string raised_by;
  Millis raised_at = 0, due_by = 0;
  std::string closed_by, close_note;
  Millis closed_at = 0;
};

struct CareCallRecord {
  int64_t id = 0;
  std::string resident_name, worker_name, area_path;
  Call call;
  std::vector<CareTask> tasks;  // the tasks this call's needs became
};

struct CareEscalation {
  Escalation escalation;
  std::string resident_name, resident_phone;
  CareCaller to;      // the grid's head (kNobody when the grid has none: the community decides)
  CareCaller caller;  // who should have called
};

class CareRoster {
 public:
  CareRoster(store::Store& store, const Clock& clock, CareWorkerSource workers)
      : store_(store), clock_(clock), workers_(std::move(workers)) {}

  // Today's lists (the clock's Shanghai day) under the view, workers first by username,
  // then grid heads, then the people nobody covers.
  Result<std::vector<CareList>> Lists(const CareView& view) const;
  // Records a call at now by `worker` (the caller's account). InvalidArgument naming the
  // field for an unknown resident, one not on the roster, an unknown outcome or need
  // kind, or needs that do not fit the outcome; NotFound for a resident outside
  // `under_path`. One audited transaction: the call and the tasks its needs become.
  Result<CareCallRecord> Record(const CareCallInput& in, const CareWorkerAccount& worker, std::string_view under_path,
                                const audit::Actor& by);
  // A resident's calls (newest first, at most `limit`); NotFound outside the path.
  Result<std::vector<CareCallRecord>> Calls(int64_t resident_id, std::string_view under_path, int64_t limit) const;
  // Tasks under the path in a state ("" any, "open", "done"), open ones by due time,
  // done ones newest first.
  Result<std::vector<CareTask>> Tasks(std::string_view under_path, std::string_view state, int64_t limit) const;
  // Closes an open task (Conflict when it is done already; NotFound outside the path).
  Result<CareTask> CloseTask(int64_t id, std::string_view note, std::string_view under_path, const audit::Actor& by);
  // The escalations at now (care_calls.h: Escalations) under the view; `grid` ("" any)
  // narrows to one grid — the head's list.
  Result<std::vector<CareEscalation>> EscalationsNow(const CareView& view, std::string_view grid) const;

  // The rules in force (version 0: the defaults) and every version, newest first.
  Result<CareRules> Rules() const;
  Result<std::vector<CareRules>> RulesHistory() const;
  // A new version on top of the current one (care_calls.h: ParseCareRules); audited.
  Result<CareRules> SetRules(std::string_view json, std::string_view reason, const audit::Actor& by);

 private:
  struct Snapshot;
  Result<Snapshot> Load(const CareView& view, Millis day_start, Millis until) const;
  store::Store& store_;
  const Clock& clock_;
  CareWorkerSource workers_;
};

}  // namespace tc::livelihood
