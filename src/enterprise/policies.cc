// Policies (惠企政策) and 免申即享: drafts with their rule and formula, the dry run,
// publication that pushes the benefit to every enterprise that qualifies, re-matching
// one enterprise when its facts change, explanations, and disbursement.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "enterprise/enterprises.h"
#include "enterprise/internal/shared.h"
#include "enterprise/policy_rules.h"

namespace tc::enterprise {

namespace {

constexpr const char* kPolicySelect =
    "SELECT id, code, name, package, summary, rule, benefit, budget, status, created_by, created_at, updated_at, "
    "published_at, retired_at FROM policies";

Policy PolicyFromRow(const store::Row& r) {
  Policy p;
  p.id = r.Int(0), p.code = r.Text(1), p.name = r.Text(2), p.package = r.Text(3), p.summary = r.Text(4);
  p.rule = r.Text(5), p.benefit = r.Text(6), p.budget = r.Double(7), p.status = r.Text(8), p.created_by = r.Text(9);
  p.created_at = r.Int(10), p.updated_at = r.Int(11), p.published_at = r.Int(12), p.retired_at = r.Int(13);
  return p;
}

// Validates a policy's fields; the rule and formula in canonical form.
Result<PolicyInput> CheckPolicy(PolicyInput in) {
  Status bad = InvalidArgument("policy '" + in.code + "' is invalid");
  if (in.code.empty() || in.code.size() > 64 ||
      !std::all_of(in.code.begin(), in.code.end(), [](char c) { return std::isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.'; })) {
    bad.AddFieldError("code", "is required: 1–64 letters, digits, '-', '_' or '.'");
  }
  if (in.name.empty() || in.name.size() > 400) bad.AddFieldError("name", "is required (at most 400 bytes)");
  if (in.package.size() > 200) bad.AddFieldError("package", "is longer than 200 bytes");
  if (in.summary.size() > 8000) bad.AddFieldError("summary", "is longer than 8,000 bytes");
  if (!std::isfinite(in.budget) || in.budget < 0) bad.AddFieldError("budget", "must be 0 (none) or a positive amount of 万元");
  if (auto r = ParseRule(in.rule); !r.ok()) {
    bad.AddFieldError("rule", r.status().message());
  } else {
    in.rule = ToString(*r);
  }
  if (auto f = ParseFormula(in.benefit); !f.ok()) {
    bad.AddFieldError("benefit", f.status().message());
  } else {
    in.benefit = ToString(*f);
  }
  if (!bad.field_errors().empty()) return bad;
  return in;
}

double Amount(double x) { return std::isfinite(x) && x > 0 ? std::round(x * 100) / 100 : 0; }

}  // namespace

Status Enterprises::LoadPolicies() {
  TC_ASSIGN_OR_RETURN(auto list, store_.ReadAll<Policy>(std::string(kPolicySelect) + " WHERE status = 'published' ORDER BY id",
                                                        {}, PolicyFromRow));
  std::unique_lock lock(st_->mu);
  st_->published.clear();
  for (auto& p : list) {
    auto rule = ParseRule(p.rule);
    auto benefit = ParseFormula(p.benefit);
    if (!rule.ok() || !benefit.ok()) return Internal("published policy " + p.code + " no longer parses");
    st_->published.push_back({std::move(p), st_->facts.Compile(*rule), std::move(*benefit)});
  }
  return Status::Ok();
}

Result<Policy> Enterprises::CreatePolicy(const PolicyInput& raw, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(PolicyInput in, CheckPolicy(raw));
  const Millis now = clock_.Now();
  int64_t id = 0;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT id FROM policies WHERE code = ?", {in.code}));
    if (!dup.empty()) return Conflict("policy " + in.code + " already exists");
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO policies (code, name, package, summary, rule, benefit, budget, status, "
                                           "created_by, created_at, updated_at, published_at, retired_at) VALUES "
                                           "(?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, 0, 0) RETURNING id",
                                           {in.code, in.name, in.package, in.summary, in.rule, in.benefit, in.budget,
                                            by.name, now, now}));
    id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "policy.create", .target = "policy:" + in.code, .area_path = "/",
                             .detail = nlohmann::json{{"rule", in.rule}, {"benefit", in.benefit}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return GetPolicy(id);
}

Result<Policy> Enterprises::UpdatePolicy(int64_t id, const PolicyInput& raw, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(Policy old, GetPolicy(id));
  if (old.status != "draft") return Conflict("policy " + old.code + " is " + old.status + "; only drafts change");
  PolicyInput withcode = raw;
  if (withcode.code.empty()) withcode.code = old.code;
  TC_ASSIGN_OR_RETURN(PolicyInput in, CheckPolicy(withcode));
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT id FROM policies WHERE code = ? AND id <> ?", {in.code, id}));
    if (!dup.empty()) return Conflict("policy " + in.code + " already exists");
    TC_RETURN_IF_ERROR(c.Exec("UPDATE policies SET code = ?, name = ?, package = ?, summary = ?, rule = ?, benefit = ?, "
                              "budget = ?, updated_at = ? WHERE id = ? AND status = 'draft'",
                              {in.code, in.name, in.package, in.summary, in.rule, in.benefit, in.budget, now, id})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "policy.update", .target = "policy:" + in.code, .area_path = "/",
                             .detail = nlohmann::json{{"rule", in.rule}, {"benefit", in.benefit}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return GetPolicy(id);
}

Result<Policy> Enterprises::GetPolicy(int64_t id) const {
  TC_ASSIGN_OR_RETURN(auto list, store_.ReadAll<Policy>(std::string(kPolicySelect) + " WHERE id = ?", {id}, PolicyFromRow));
  if (list.empty()) return NoSuch("policy " + std::to_string(id));
  return list[0];
}

Result<std::vector<Policy>> Enterprises::Policies(std::string_view status) const {
  std::string sql = kPolicySelect;
  store::Params params;
  if (!status.empty()) {
    sql += " WHERE status = ?";
    params.emplace_back(std::string(status));
  }
  sql += " ORDER BY id";
  return store_.ReadAll<Policy>(sql, params, PolicyFromRow);
}

Result<DryRun> Enterprises::DryRunPolicy(std::string_view rule_text, std::string_view benefit_text, double budget,
                                         const Scope& scope) const {
  SourcePos at;
  auto rule = ParseRule(rule_text, &at);
  if (!rule.ok()) return FieldInvalid("rule", rule.status().message());
  auto benefit = ParseFormula(benefit_text, &at);
  if (!benefit.ok()) return FieldInvalid("benefit", benefit.status().message());
  DryRun out;
  out.budget = budget;
  std::vector<std::pair<double, int64_t>> top;
  {
    std::shared_lock lock(st_->mu);
    const auto& st = *st_;
    const auto t0 = std::chrono::steady_clock::now();
    const CompiledRule compiled = st.facts.Compile(*rule);
    const SlotSet who = st.facts.MatchAll(compiled);
    out.match_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::map<std::string, Breakdown> ind, dis, siz;
    for (uint32_t slot : who.Slots()) {
      const Slot& s = st.slots[slot];
      if (!st.InScope(s, scope)) continue;
      const double amount = Amount(st.facts.Evaluate(*benefit, slot));
      ++out.enterprises;
      out.amount += amount;
      auto add = [&](std::map<std::string, Breakdown>& m, const std::string& key, const std::string& name) {
        Breakdown& b = m[key];
        b.key = key;
        b.name = name;
        ++b.enterprises;
        b.amount += amount;
      };
      add(ind, std::string(1, char('A' + s.industry)), "");
      if (s.district >= 0) add(dis, st.districts[s.district].code, st.districts[s.district].name);
      add(siz, kSizeNames[s.size], "");
      top.push_back({amount, s.id});
    }
    for (const Slot& s : st.slots) out.considered += s.active && st.InScope(s, scope) ? 1 : 0;
    for (auto* m : {&ind, &dis, &siz}) {
      auto& v = m == &ind ? out.by_industry : m == &dis ? out.by_district : out.by_size;
      for (auto& [k, b] : *m) v.push_back(b);
    }
  }
  out.over_budget = budget > 0 && out.amount > budget;
  const size_t n = std::min<size_t>(20, top.size());
  std::partial_sort(top.begin(), top.begin() + n, top.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t i = 0; i < n; ++i) {
    if (auto v = Get(top[i].second, Scope{}); v.ok()) out.sample.push_back({std::move(*v), top[i].first});
  }
  return out;
}

Result<PolicyTotals> Enterprises::Publish(int64_t id, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(Policy p, GetPolicy(id));
  if (p.status != "draft") return Conflict("policy " + p.code + " is " + p.status + "; only a draft is published");
  auto rule = ParseRule(p.rule);
  auto benefit = ParseFormula(p.benefit);
  if (!rule.ok() || !benefit.ok()) return Internal("policy " + p.code + " does not parse");
  std::lock_guard write(st_->write_mu);
  const Millis now = clock_.Now();
  // Who qualifies now, and how much (the facts do not change while write_mu is held).
  std::vector<std::pair<int64_t, double>> grants;
  CompiledRule compiled;
  {
    std::shared_lock lock(st_->mu);
    compiled = st_->facts.Compile(*rule);
    const SlotSet who = st_->facts.MatchAll(compiled);
    for (uint32_t slot : who.Slots()) {
      const double amount = Amount(st_->facts.Evaluate(*benefit, slot));
      if (amount > 0) grants.push_back({st_->slots[slot].id, amount});
    }
  }
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto upd, c.Exec("UPDATE policies SET status = 'published', published_at = ?, updated_at = ? WHERE "
                                         "id = ? AND status = 'draft'",
                                         {now, now, id}));
    if (upd.affected != 1) return Conflict("policy " + p.code + " was published meanwhile");
    TC_ASSIGN_OR_RETURN(auto w, c.Bulk("policy_benefits", {"policy_id", "enterprise_id", "amount", "status", "pushed_at",
                                                           "decided_at", "disbursed_at", "reference"}));
    for (const auto& [eid, amount] : grants) {
      TC_RETURN_IF_ERROR(w->Add({id, eid, amount, std::string("pushed"), now, int64_t{0}, int64_t{0}, std::string()}));
    }
    TC_RETURN_IF_ERROR(w->Finish().status());
    double total = 0;
    for (const auto& g : grants) total += g.second;
    return audit::Append(c, {.actor = by.name, .action = "policy.publish", .target = "policy:" + p.code, .area_path = "/",
                             .detail = nlohmann::json{{"enterprises", grants.size()}, {"amount", total}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  {
    std::unique_lock lock(st_->mu);
    p.status = "published";
    p.published_at = now;
    st_->published.push_back({p, std::move(compiled), std::move(*benefit)});
  }
  TC_ASSIGN_OR_RETURN(auto totals, Totals());
  for (auto& t : totals) {
    if (t.policy_id == id) return t;
  }
  return Internal("policy " + p.code + " has no totals");
}

Result<Policy> Enterprises::Retire(int64_t id, std::string_view reason, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(Policy p, GetPolicy(id));
  if (p.status != "published") return Conflict("policy " + p.code + " is " + p.status + "; only a published one is retired");
  if (reason.empty() || reason.size() > 2000) return FieldInvalid("reason", "is required (at most 2,000 bytes)");
  std::lock_guard write(st_->write_mu);
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("UPDATE policies SET status = 'retired', retired_at = ?, updated_at = ? WHERE id = ?",
                              {now, now, id})
                           .status());
    // Benefits nobody acted on yet are withdrawn; confirmed ones are still paid.
    TC_RETURN_IF_ERROR(c.Exec("UPDATE policy_benefits SET status = 'revoked', decided_at = ? WHERE policy_id = ? AND "
                              "status = 'pushed'",
                              {now, id})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "policy.retire", .target = "policy:" + p.code, .area_path = "/",
                             .detail = nlohmann::json{{"reason", reason}}.dump(), .request_id = by.request_id},
                         now);
  }));
  {
    std::unique_lock lock(st_->mu);
    std::erase_if(st_->published, [&](const CompiledPolicy& cp) { return cp.policy.id == id; });
  }
  return GetPolicy(id);
}

Status Enterprises::RematchOne(int64_t id, const audit::Actor& by) {
  const int64_t ids[] = {id};
  return RematchMany(ids, by);
}

Status Enterprises::RematchMany(std::span<const int64_t> ids, const audit::Actor& by) {
  struct Verdict {
    int64_t enterprise, policy;
    bool qualifies;
    double amount;
  };
  std::vector<Verdict> verdicts;
  {
    std::shared_lock lock(st_->mu);
    if (st_->published.empty()) return Status::Ok();
    for (int64_t id : ids) {
      auto it = st_->slot_of.find(id);
      if (it == st_->slot_of.end()) continue;
      for (const auto& cp : st_->published) {
        const bool q = st_->facts.Matches(cp.rule, it->second);
        verdicts.push_back({id, cp.policy.id, q, q ? Amount(st_->facts.Evaluate(cp.benefit, it->second)) : 0});
      }
    }
  }
  if (verdicts.empty()) return Status::Ok();
  const Millis now = clock_.Now();
  return store_.Tx([&](store::Conn& c) -> Status {
    std::map<std::pair<int64_t, int64_t>, std::pair<std::string, double>> have;
    TC_RETURN_IF_ERROR(store::QueryIn(c, "SELECT enterprise_id, policy_id, status, amount FROM policy_benefits WHERE enterprise_id IN ",
                                      "", ids, [&](const store::Row& r) {
                                        have[{r.Int(0), r.Int(1)}] = {r.Text(2), r.Double(3)};
                                      }));
    int64_t pushed = 0, revoked = 0, changed = 0;
    for (const auto& v : verdicts) {
      auto h = have.find({v.enterprise, v.policy});
      if (v.qualifies && v.amount > 0) {
        if (h == have.end()) {
          TC_RETURN_IF_ERROR(c.Exec("INSERT INTO policy_benefits (policy_id, enterprise_id, amount, status, pushed_at, "
                                    "decided_at, disbursed_at, reference) VALUES (?, ?, ?, 'pushed', ?, 0, 0, '')",
                                    {v.policy, v.enterprise, v.amount, now})
                                 .status());
          ++pushed;
        } else if (h->second.first == "revoked") {
          TC_RETURN_IF_ERROR(c.Exec("UPDATE policy_benefits SET status = 'pushed', amount = ?, pushed_at = ?, decided_at = 0 "
                                    "WHERE policy_id = ? AND enterprise_id = ?",
                                    {v.amount, now, v.policy, v.enterprise})
                                 .status());
          ++pushed;
        } else if (h->second.first == "pushed" && std::abs(h->second.second - v.amount) > 0.005) {
          TC_RETURN_IF_ERROR(c.Exec("UPDATE policy_benefits SET amount = ? WHERE policy_id = ? AND enterprise_id = ?",
                                    {v.amount, v.policy, v.enterprise})
                                 .status());
          ++changed;
        }
      } else if (h != have.end() && h->second.first == "pushed") {
        // No longer qualifies: a benefit nobody acted on is withdrawn (confirmed ones stand).
        TC_RETURN_IF_ERROR(c.Exec("UPDATE policy_benefits SET status = 'revoked', decided_at = ? WHERE policy_id = ? AND "
                                  "enterprise_id = ?",
                                  {now, v.policy, v.enterprise})
                               .status());
        ++revoked;
      }
    }
    if (pushed + revoked + changed == 0) return Status::Ok();
    return audit::Append(c, {.actor = by.name, .action = "policy.rematch",
                             .target = ids.size() == 1 ? "enterprise:" + std::to_string(ids[0]) : "enterprises",
                             .area_path = "/",
                             .detail = nlohmann::json{{"enterprises", ids.size()}, {"pushed", pushed}, {"revoked", revoked},
                                                      {"amount_changed", changed}}.dump(),
                             .request_id = by.request_id},
                         now);
  });
}

Result<std::vector<PolicyVerdict>> Enterprises::Explain(int64_t enterprise_id, int64_t policy_id, const Scope& scope) const {
  TC_RETURN_IF_ERROR(PathInScope(enterprise_id, scope).status());
  std::vector<std::pair<Policy, std::pair<Rule, Formula>>> policies;
  if (policy_id > 0) {
    TC_ASSIGN_OR_RETURN(Policy p, GetPolicy(policy_id));
    if (p.status == "draft" && scope.enterprise_id > 0) return NoSuch("policy " + std::to_string(policy_id));
    auto r = ParseRule(p.rule);
    auto f = ParseFormula(p.benefit);
    if (!r.ok() || !f.ok()) return Internal("policy " + p.code + " does not parse");
    policies.push_back({p, {std::move(*r), std::move(*f)}});
  } else {
    std::shared_lock lock(st_->mu);
    for (const auto& cp : st_->published) policies.push_back({cp.policy, {cp.rule.rule, cp.benefit}});
  }
  Facts facts;
  {
    std::shared_lock lock(st_->mu);
    facts = st_->facts.Get(st_->slot_of.at(enterprise_id));
  }
  using StatusOf = std::pair<int64_t, std::string>;
  TC_ASSIGN_OR_RETURN(auto statuses, store_.ReadAll<StatusOf>(
                                         "SELECT policy_id, status FROM policy_benefits WHERE enterprise_id = ?",
                                         {enterprise_id}, [](const store::Row& r) { return StatusOf{r.Int(0), r.Text(1)}; }));
  std::vector<PolicyVerdict> out;
  for (const auto& [p, rf] : policies) {
    PolicyVerdict v;
    v.policy_id = p.id;
    v.policy_code = p.code;
    v.policy_name = p.name;
    const Explanation why = enterprise::Explain(rf.first, facts);
    v.qualifies = why.eligible;
    v.amount = why.eligible ? Amount(Evaluate(rf.second, facts)) : 0;
    for (const auto& c : why.conditions) v.terms.push_back({(c.negated ? "not " : "") + c.condition, c.actual, c.holds});
    for (const auto& [pid, st] : statuses) {
      if (pid == p.id) v.benefit_status = st;
    }
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<Benefit>> Enterprises::Benefits(const Scope& scope, int64_t policy_id, std::string_view status,
                                                   int64_t limit) const {
  std::string sql = "SELECT b.policy_id, b.enterprise_id, p.code, p.name, e.name, b.status, b.reference, b.amount, "
                    "b.pushed_at, b.decided_at, b.disbursed_at FROM policy_benefits b JOIN policies p ON p.id = "
                    "b.policy_id JOIN enterprises e ON e.id = b.enterprise_id WHERE 1 = 1";
  store::Params params;
  ScopeSql(scope, sql, params);
  if (policy_id > 0) {
    sql += " AND b.policy_id = ?";
    params.emplace_back(policy_id);
  }
  if (!status.empty()) {
    sql += " AND b.status = ?";
    params.emplace_back(std::string(status));
  }
  sql += " ORDER BY b.policy_id, b.enterprise_id LIMIT ?";
  params.emplace_back(std::clamp<int64_t>(limit, 1, 10'000));
  return store_.ReadAll<Benefit>(sql, params, [](const store::Row& r) {
    Benefit b;
    b.policy_id = r.Int(0), b.enterprise_id = r.Int(1), b.policy_code = r.Text(2), b.policy_name = r.Text(3);
    b.enterprise_name = r.Text(4), b.status = r.Text(5), b.reference = r.Text(6), b.amount = r.Double(7);
    b.pushed_at = r.Int(8), b.decided_at = r.Int(9), b.disbursed_at = r.Int(10);
    return b;
  });
}

Result<Benefit> Enterprises::ActOnBenefit(int64_t policy_id, int64_t enterprise_id, std::string_view action,
                                          std::string_view reference, const Scope& scope, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(std::string path, PathInScope(enterprise_id, scope));
  TC_ASSIGN_OR_RETURN(auto list, Benefits(Scope{.enterprise_id = enterprise_id}, policy_id, "", 1));
  if (list.empty()) return NoSuch("benefit of policy " + std::to_string(policy_id) + " for enterprise " + std::to_string(enterprise_id));
  Benefit b = list[0];
  std::string to;
  if (action == "confirm" || action == "decline") {
    if (b.status != "pushed") return Conflict("benefit is " + b.status + "; " + std::string(action) + " needs pushed");
    to = action == "confirm" ? "confirmed" : "declined";
  } else if (action == "disburse") {
    if (b.status != "pushed" && b.status != "confirmed") {
      return Conflict("benefit is " + b.status + "; disburse needs pushed or confirmed");
    }
    if (reference.empty() || reference.size() > 200) return FieldInvalid("reference", "is required: the payment's reference");
    to = "disbursed";
  } else {
    return FieldInvalid("action", "'" + std::string(action) + "' is not confirm, decline or disburse");
  }
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto upd, c.Exec(to == "disbursed"
                                             ? "UPDATE policy_benefits SET status = ?, disbursed_at = ?, reference = ? WHERE "
                                               "policy_id = ? AND enterprise_id = ? AND status = ?"
                                             : "UPDATE policy_benefits SET status = ?, decided_at = ?, reference = ? WHERE "
                                               "policy_id = ? AND enterprise_id = ? AND status = ?",
                                         {to, now, std::string(reference), policy_id, enterprise_id, b.status}));
    if (upd.affected != 1) return Conflict("benefit changed meanwhile");
    return audit::Append(c, {.actor = by.name, .action = "policy.benefit." + std::string(action),
                             .target = "enterprise:" + std::to_string(enterprise_id), .area_path = path,
                             .detail = nlohmann::json{{"policy", policy_id}, {"amount", b.amount}, {"reference", reference}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  b.status = to;
  if (to == "disbursed") {
    b.disbursed_at = now;
    b.reference = std::string(reference);
  } else {
    b.decided_at = now;
  }
  return b;
}

Result<std::vector<PolicyTotals>> Enterprises::Totals() const {
  return store_.ReadAll<PolicyTotals>(
      "SELECT p.id, p.code, p.name, p.status, p.budget, "
      "SUM(CASE WHEN b.status = 'pushed' THEN 1 ELSE 0 END), SUM(CASE WHEN b.status = 'confirmed' THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN b.status = 'declined' THEN 1 ELSE 0 END), SUM(CASE WHEN b.status = 'disbursed' THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN b.status = 'revoked' THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN b.status IN ('pushed', 'confirmed', 'disbursed') THEN b.amount ELSE 0 END), "
      "SUM(CASE WHEN b.status = 'disbursed' THEN b.amount ELSE 0 END) "
      "FROM policies p LEFT JOIN policy_benefits b ON b.policy_id = p.id WHERE p.status <> 'draft' "
      "GROUP BY p.id, p.code, p.name, p.status, p.budget ORDER BY p.id",
      {}, [](const store::Row& r) {
        PolicyTotals t;
        t.policy_id = r.Int(0), t.code = r.Text(1), t.name = r.Text(2), t.status = r.Text(3), t.budget = r.Double(4);
        t.pushed = r.Int(5), t.confirmed = r.Int(6), t.declined = r.Int(7), t.disbursed = r.Int(8), t.revoked = r.Int(9);
        t.amount_pushed = Amount(r.Double(10)), t.amount_disbursed = Amount(r.Double(11));
        return t;
      });
}

double Enterprises::RematchAllMs() const {
  std::shared_lock lock(st_->mu);
  std::vector<const CompiledRule*> rules;
  for (const auto& cp : st_->published) rules.push_back(&cp.rule);
  const auto t0 = std::chrono::steady_clock::now();
  auto sets = st_->facts.MatchAll(rules);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return sets.size() == rules.size() ? ms : -1;
}

}  // namespace tc::enterprise
