// Relief payments (困难群众救助): the service over relief.h. An official applies for a
// resident (the care tags are the registry's; 低保/特困 status, quarantine and lost income
// are declared with the application), the rules say whether and how much, an approver
// fixes the amount with the rule set's version, the payment is recorded with its
// reference. One audited transaction per step; a refused step changes nothing.
//
// Jurisdiction: an application belongs to the resident's unit path. Stateless (the store
// holds everything); thread-safe.
//
//   Reliefs reliefs(store, clock);
//   auto app = reliefs.Apply(17, {.welfare = kDibao}, {}, actor);      // eligible: 1,000 yuan
//   reliefs.Act(app->id, {.kind = ReliefActionKind::kApprove}, {}, actor);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "livelihood/relief.h"
#include "store/store.h"

namespace tc::livelihood {

struct ReliefRecord {
  int64_t id = 0;
  std::string name, area_path, created_by;
  ReliefApplication app;
  Eligibility eligibility;  // under the rules in force now
};

// What the applicant declares beside the registry's tags.
struct ReliefDeclaration {
  int64_t welfare = 0;  // WelfareStatus bits (the civil-affairs list)
  bool quarantined = false;
  bool lost_income = false;
};

class Reliefs {
 public:
  Reliefs(store::Store& store, const Clock& clock, ReliefRules rules = {})
      : store_(store), clock_(clock), rules_(std::move(rules)) {}

  // NotFound for a resident outside `under_path` (or none); Conflict when the resident
  // already has an application that is not rejected or paid.
  Result<ReliefRecord> Submit(int64_t resident_id, const ReliefDeclaration& d, std::string_view under_path,
                              const audit::Actor& by);
  Result<ReliefRecord> Get(int64_t id, std::string_view under_path) const;
  Result<std::vector<ReliefRecord>> List(std::string_view under_path, std::string_view state, int64_t limit) const;
  Result<ReliefRecord> Act(int64_t id, const ReliefAction& a, std::string_view under_path, const audit::Actor& by);
  // Counts and amounts by district (paid and unpaid) under the path.
  Result<std::vector<DistrictTotals>> Totals(std::string_view under_path) const;
  const ReliefRules& rules() const { return rules_; }

 private:
  Result<std::vector<ReliefRecord>> Load(store::Conn& c, std::string_view where, const store::Params& params) const;
  store::Store& store_;
  const Clock& clock_;
  ReliefRules rules_;
};

}  // namespace tc::livelihood
