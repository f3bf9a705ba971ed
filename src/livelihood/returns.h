// Return home (返乡): the service over return_home.h's state machine. People stranded by
// closed management (Changchun sent 65,000 farmers home in 20 days) apply through their
// grid; officials review, report to the destination, record its confirmation and
// release them with point-to-point transport; the hand-over at the destination closes
// the loop. Every step is one transaction with its audit entry and a `return_steps` row;
// the open-loop report names everyone waiting past their stage's deadline; throughput
// and the bottleneck stage are computed per day from the steps.
//
// Jurisdiction: an application belongs to its origin area's path; a Scope under a path
// sees and acts only on those below it. Stateless between calls (everything is read
// from the store); thread-safe.
//
//   ReturnHomes homes(store, clock);
//   auto app = homes.Create({.resident_id = 17, .origin_area = "220102001001-001",
//                            .destination = "吉林省榆树市"}, actor);
//   homes.Act(app->id, {.kind = ReturnActionKind::kReview}, {}, actor);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "livelihood/return_home.h"
#include "store/store.h"

namespace tc::livelihood {

struct ReturnRecord {
  int64_t id = 0;
  std::string name;         // the resident's name (from the registry)
  std::string origin_path;  // jurisdiction
  ReturnHome app;
  std::string created_by;
  Millis created_at = 0;
};

struct ReturnScope {
  std::string under_path;  // "" or "/": the whole city
};

struct StuckRecord {
  ReturnRecord record;
  Millis due_by = 0;
};

class ReturnHomes {
 public:
  ReturnHomes(store::Store& store, const Clock& clock, StageDeadlines deadlines = {})
      : store_(store), clock_(clock), deadlines_(deadlines) {}

  // The resident must exist and the origin area be one the scope covers (NotFound
  // otherwise, as for a record outside it); InvalidArgument naming the field.
  Result<ReturnRecord> Create(const NewReturn& n, const ReturnScope& scope, const audit::Actor& by);
  Result<ReturnRecord> Get(int64_t id, const ReturnScope& scope) const;
  // The applications under the scope, in a state ("" any), newest first.
  Result<std::vector<ReturnRecord>> List(const ReturnScope& scope, std::string_view state, int64_t limit) const;
  // One step of the state machine; refused with the reason (Conflict, InvalidArgument)
  // and nothing written when it may not follow.
  Result<ReturnRecord> Act(int64_t id, const ReturnAction& a, const ReturnScope& scope, const audit::Actor& by);
  // Everyone past their stage's deadline, longest overdue first.
  Result<std::vector<StuckRecord>> OpenLoop(const ReturnScope& scope) const;
  // Per Shanghai day in [from, to] (YYYY-MM-DD): each stage's flow and the bottleneck.
  Result<std::vector<DayFlow>> Flow(std::string_view from, std::string_view to, const ReturnScope& scope) const;

 private:
  Result<std::vector<ReturnRecord>> Load(store::Conn& c, std::string_view where, const store::Params& params) const;
  store::Store& store_;
  const Clock& clock_;
  StageDeadlines deadlines_;
};

}  // namespace tc::livelihood
