#include "livelihood/relief.h"

#include <map>
#include <set>

#include "registry/residents.h"

namespace tc::livelihood {

namespace {
constexpr std::string_view kStateNames[] = {"applied", "approved", "paid", "rejected"};
constexpr std::string_view kActionNames[] = {"approve", "pay", "reject"};

static_assert(registry::kElderlyAlone == 1);  // the default rule's bit

template <typename E, size_t N>
bool ParseName(const std::string_view (&names)[N], std::string_view s, E* out) {
  for (size_t i = 0; i < N; ++i) {
    if (s == names[i]) {
      *out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

bool Matches(const ReliefRule& r, const ReliefFacts& f) {
  if (r.any_care_tags && !(f.care_tags & r.any_care_tags)) return false;
  if (r.any_welfare && !(f.welfare & r.any_welfare)) return false;
  if (r.quarantined && !f.quarantined) return false;
  if (r.lost_income && !f.lost_income) return false;
  return true;
}

Status NotAfter(const ReliefApplication& a, ReliefActionKind k, std::string_view needs) {
  return Conflict("relief application of resident " + std::to_string(a.resident_id) + " is " +
                  std::string(ReliefStateName(a.state)) + "; " + std::string(ReliefActionName(k)) + " needs " +
                  std::string(needs));
}
}  // namespace

std::string_view ReliefStateName(ReliefState s) { return kStateNames[static_cast<int>(s)]; }
bool ParseReliefState(std::string_view s, ReliefState* out) { return ParseName(kStateNames, s, out); }
std::string_view ReliefActionName(ReliefActionKind k) { return kActionNames[static_cast<int>(k)]; }
bool ParseReliefAction(std::string_view s, ReliefActionKind* out) { return ParseName(kActionNames, s, out); }

Status ValidateReliefRules(const ReliefRules& r) {
  std::set<std::string> names;
  for (size_t i = 0; i < r.rules.size(); ++i) {
    const ReliefRule& x = r.rules[i];
    const std::string field = "rules[" + std::to_string(i) + "]";
    if (x.name.empty()) return FieldInvalid(field + ".name", "is required");
    if (!names.insert(x.name).second) return FieldInvalid(field + ".name", "rule " + x.name + " is named twice");
    if (!x.any_care_tags && !x.any_welfare && !x.quarantined && !x.lost_income) {
      return FieldInvalid(field, "rule " + x.name + " sets no condition (it would pay everyone)");
    }
    if (x.amount_fen <= 0) return FieldInvalid(field + ".amount_fen", "must be more than 0");
  }
  return Status::Ok();
}

Eligibility Evaluate(const ReliefFacts& f, const ReliefRules& rules) {
  Eligibility e;
  for (const ReliefRule& r : rules.rules) {
    if (!Matches(r, f)) continue;
    e.matched.push_back(r.name);
    if (!e.eligible || r.amount_fen > e.amount_fen) {
      e.eligible = true;
      e.rule = r.name;
      e.amount_fen = r.amount_fen;
    }
  }
  return e;
}

Result<ReliefApplication> NewRelief(int64_t resident_id, const ReliefFacts& facts, Millis now) {
  if (resident_id <= 0) return FieldInvalid("resident_id", "names no resident");
  if (facts.district_code.empty()) return FieldInvalid("district_code", "is required (the totals are per district)");
  ReliefApplication a;
  a.resident_id = resident_id;
  a.facts = facts;
  a.applied_at = now;
  return a;
}

Status Apply(ReliefApplication& app, const ReliefAction& a, const ReliefRules& rules, Millis now) {
  ReliefApplication n = app;
  switch (a.kind) {
    case ReliefActionKind::kApprove: {
      if (app.state != ReliefState::kApplied) return NotAfter(app, a.kind, "applied");
      const Eligibility e = Evaluate(app.facts, rules);
      if (!e.eligible) {
        return Conflict("relief application of resident " + std::to_string(app.resident_id) +
                        " meets none of the rules of version " + std::to_string(rules.version));
      }
      n.state = ReliefState::kApproved;
      n.rule = e.rule;
      n.rules_version = rules.version;
      n.amount_fen = e.amount_fen;
      n.approved_at = now;
      break;
    }
    case ReliefActionKind::kPay:
      if (app.state != ReliefState::kApproved) return NotAfter(app, a.kind, "approved");
      if (a.payment_ref.empty()) return FieldInvalid("payment_ref", "is required to record a payment");
      n.state = ReliefState::kPaid;
      n.payment_ref = a.payment_ref;
      n.paid_at = now;
      break;
    case ReliefActionKind::kReject:
      if (app.state != ReliefState::kApplied && app.state != ReliefState::kApproved) {
        return NotAfter(app, a.kind, "applied or approved");
      }
      if (a.reason.empty()) return FieldInvalid("reason", "is required to reject an application");
      n.state = ReliefState::kRejected;
      n.reason = a.reason;
      n.amount_fen = 0;
      n.rejected_at = now;
      break;
  }
  app = std::move(n);
  return Status::Ok();
}

std::vector<DistrictTotals> Totals(const std::vector<ReliefApplication>& apps) {
  std::map<std::string, DistrictTotals> by;
  for (const ReliefApplication& a : apps) {
    DistrictTotals& t = by[a.facts.district_code];
    t.district_code = a.facts.district_code;
    ++t.applications;
    switch (a.state) {
      case ReliefState::kApplied:
        ++t.pending;
        break;
      case ReliefState::kApproved:
        ++t.approved;
        t.approved_fen += a.amount_fen;
        t.unpaid_fen += a.amount_fen;
        break;
      case ReliefState::kPaid:
        ++t.paid;
        t.approved_fen += a.amount_fen;
        t.paid_fen += a.amount_fen;
        break;
      case ReliefState::kRejected:
        ++t.rejected;
        break;
    }
  }
  std::vector<DistrictTotals> out;
  for (auto& [code, t] : by) out.push_back(std::move(t));
  return out;
}

}  // namespace tc::livelihood
