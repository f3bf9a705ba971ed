#include "healthcode/risk.h"

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>

#include "base/json.h"
#include "healthcode/internal/versioned.h"
#include "registry/lookup.h"

namespace tc::healthcode {

namespace {

constexpr Millis kDayMs = 86'400'000;

// Days since 1970-01-01 of a Shanghai civil date or time.
int64_t DayOf(Millis t) {
  const Millis s = t + kShanghaiOffsetMs;
  return s >= 0 ? s / kDayMs : -((-s + kDayMs - 1) / kDayMs);
}

Result<int64_t> DayOfDate(std::string_view date, std::string_view field) {
  int y = 0, m = 0, d = 0;
  if (date.size() != 10 || std::sscanf(std::string(date).c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) {
    return FieldInvalid(std::string(field), "expected a date YYYY-MM-DD, got '" + std::string(date) + "'");
  }
  auto days = DaysFromCivil(y, m, d);
  if (!days.ok()) return FieldInvalid(std::string(field), days.status().message());
  return *days;
}

std::string DateOfDay(int64_t day) {
  int y = 0, m = 0, d = 0;
  CivilFromDays(day, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

}  // namespace

std::string_view LevelName(Level l) {
  switch (l) {
    case Level::kLow: return "low";
    case Level::kMedium: return "medium";
    case Level::kHigh: return "high";
  }
  return "low";
}

std::string_view LevelNameZh(Level l) {
  switch (l) {
    case Level::kLow: return "低风险";
    case Level::kMedium: return "中风险";
    case Level::kHigh: return "高风险";
  }
  return "低风险";
}

bool ParseLevel(std::string_view s, Level* out) {
  for (Level l : {Level::kLow, Level::kMedium, Level::kHigh}) {
    if (s == LevelName(l)) {
      *out = l;
      return true;
    }
  }
  return false;
}

Result<RiskRules> ParseRiskRules(std::string_view json, const RiskRules& base) {
  TC_ASSIGN_OR_RETURN(auto doc, ParseJson(json));
  if (!doc.is_object()) return FieldInvalid("rules", "the rules are a JSON object");
  RiskRules out = base;
  out.version = 0;
  for (const auto& [key, value] : doc.items()) {
    if (key == "case_days") {
      if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 60) {
        return FieldInvalid("case_days", "case_days is a whole number of days, 1–60");
      }
      out.case_days = value.get<int>();
    } else if (key == "street_medium") {
      if (!value.is_boolean()) return FieldInvalid("street_medium", "street_medium is true or false");
      out.street_medium = value.get<bool>();
    } else {
      return FieldInvalid(key, "unknown rule '" + key + "' (case_days, street_medium)");
    }
  }
  return out;
}

std::string RiskRulesJson(const RiskRules& r) {
  return nlohmann::json{{"case_days", r.case_days}, {"street_medium", r.street_medium}}.dump();
}

struct Community {
  std::string code, name, path;
  int32_t street = -1;
  std::vector<std::pair<int64_t, int64_t>> cases;  // (report day, case id)
  Level level = Level::kLow;
  Millis since = 0;
  std::string declared_by, reason, overrides;
  Level proposed = Level::kLow;
  std::string proposal_reason;
  Millis proposed_at = 0;
};

struct Street {
  std::string code, name, district_name;
  std::vector<int32_t> communities;
};

struct RiskAreas::State {
  mutable std::shared_mutex mu;  // everything below; exclusive to change
  std::mutex write_mu;           // one writer (stage → commit → apply) at a time
  std::vector<Community> communities;
  std::vector<Street> streets;
  std::unordered_map<std::string, int32_t> by_code, by_path;
  std::unordered_set<int64_t> counted_cases;
  RiskRules rules;
  // The public list, rebuilt when a level changes or the day turns.
  std::mutex public_mu;
  int64_t levels_version = 1;
  int64_t public_version = 0, public_day = 0;
  PublicList public_list;
};

namespace {

struct Proposal {
  Level level = Level::kLow;
  std::string reason;
};

// What the rules propose for every community of a street on `today`.
std::vector<Proposal> ProposeStreet(const RiskAreas::State& st, const Street& s, int64_t today) {
  const RiskRules& r = st.rules;
  std::vector<Proposal> out(s.communities.size());
  std::vector<std::string> high_names;
  for (size_t i = 0; i < s.communities.size(); ++i) {
    const Community& c = st.communities[s.communities[i]];
    int n = 0;
    int64_t last = INT64_MIN;
    for (const auto& [day, id] : c.cases) {
      if (day <= today && day > today - r.case_days) ++n;
      if (day <= today) last = std::max(last, day);
    }
    if (n > 0) {
      out[i].level = Level::kHigh;
      out[i].reason = std::to_string(r.case_days) + " 天内有确诊病例 " + std::to_string(n) + " 例（最近报告于 " +
                      DateOfDay(last) + "）";
      high_names.push_back(c.name);
    } else if (last != INT64_MIN) {
      out[i].reason = "最近病例报告于 " + DateOfDay(last) + "，已连续 " + std::to_string(r.case_days) +
                      " 天无新增病例";
    } else {
      out[i].reason = std::to_string(r.case_days) + " 天内无病例";
    }
  }
  if (r.street_medium && !high_names.empty()) {
    std::string names;
    for (size_t k = 0; k < high_names.size() && k < 3; ++k) names += (k ? "、" : "") + high_names[k];
    if (high_names.size() > 3) names += " 等 " + std::to_string(high_names.size()) + " 个社区";
    for (auto& p : out) {
      if (p.level == Level::kLow) {
        p.level = Level::kMedium;
        p.reason = "同街道的" + names + "为高风险";
      }
    }
  }
  return out;
}

RiskArea ToArea(const RiskAreas::State& st, int32_t idx, int64_t today) {
  const Community& c = st.communities[idx];
  RiskArea a;
  a.code = c.code;
  a.name = c.name;
  a.path = c.path;
  if (c.street >= 0) {
    const Street& s = st.streets[c.street];
    a.street_code = s.code;
    a.street_name = s.name;
    a.district_name = s.district_name;
  }
  a.level = c.level;
  a.since = c.since;
  a.declared_by = c.declared_by;
  a.reason = c.reason;
  a.overrides = c.overrides;
  a.proposed = c.proposed;
  a.proposal_reason = c.proposal_reason;
  a.proposed_at = c.proposed_at;
  a.pending = c.proposed != c.level;
  int64_t last = INT64_MIN;
  for (const auto& [day, id] : c.cases) {
    if (day <= today && day > today - st.rules.case_days) ++a.cases_in_window;
    last = std::max(last, day);
  }
  if (last != INT64_MIN) a.last_case_date = DateOfDay(last);
  return a;
}

}  // namespace

RiskAreas::RiskAreas(store::Store& store, const Clock& clock)
    : store_(store), clock_(clock), st_(std::make_unique<State>()) {}
RiskAreas::~RiskAreas() = default;

Result<std::unique_ptr<RiskAreas>> RiskAreas::Open(store::Store& store, const Clock& clock) {
  std::unique_ptr<RiskAreas> r(new RiskAreas(store, clock));
  State& st = *r->st_;
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
    std::unordered_map<std::string, std::string> district_names;
    std::unordered_map<std::string, std::string> street_district;
    TC_RETURN_IF_ERROR(registry::ForEachArea(c, [&](const registry::AreaNode& a) {
      if (a.level == "district") {
        district_names[a.code] = a.name;
      } else if (a.level == "street") {
        st.by_code.emplace(a.code, -1 - static_cast<int32_t>(st.streets.size()));  // streets: negative
        auto d = district_names.find(a.parent_code);
        st.streets.push_back({a.code, a.name, d == district_names.end() ? "" : d->second, {}});
      } else if (a.level == "community") {
        Community cm;
        cm.code = a.code;
        cm.name = a.name;
        cm.path = a.path;
        if (auto s = st.by_code.find(a.parent_code); s != st.by_code.end() && s->second < 0) {
          cm.street = -1 - s->second;
        }
        const auto idx = static_cast<int32_t>(st.communities.size());
        if (cm.street >= 0) st.streets[cm.street].communities.push_back(idx);
        st.by_code[a.code] = idx;
        st.by_path[a.path] = idx;
        st.communities.push_back(std::move(cm));
      }
    }));
    TC_ASSIGN_OR_RETURN(auto rules, internal::LoadRules(c, internal::RulesTable::kRisk, true));
    if (!rules.empty()) {
      TC_ASSIGN_OR_RETURN(st.rules, ParseRiskRules(rules[0].rules, RiskRules{}));
      st.rules.version = rules[0].version;
      st.rules.changed_by = rules[0].changed_by;
      st.rules.changed_at = rules[0].changed_at;
      st.rules.reason = rules[0].reason;
    }
    TC_ASSIGN_OR_RETURN(auto cases, c.Query("SELECT case_id, community_code, report_date FROM risk_cases", {}));
    for (const auto& row : cases.rows) {
      st.counted_cases.insert(row.Int(0));
      auto it = st.by_code.find(row.Text(1));
      if (it == st.by_code.end() || it->second < 0) continue;
      auto day = DayOfDate(row.Text(2), "report_date");
      if (day.ok()) st.communities[it->second].cases.emplace_back(*day, row.Int(0));
    }
    TC_ASSIGN_OR_RETURN(auto props, c.Query("SELECT area_code, level, reason, proposed_at FROM risk_proposals", {}));
    for (const auto& row : props.rows) {
      auto it = st.by_code.find(row.Text(0));
      if (it == st.by_code.end() || it->second < 0) continue;
      Community& cm = st.communities[it->second];
      ParseLevel(row.Text(1), &cm.proposed);
      cm.proposal_reason = row.Text(2);
      cm.proposed_at = row.Int(3);
    }
    TC_ASSIGN_OR_RETURN(auto levels,
                        c.Query("SELECT area_code, level, since, declared_by, reason, overrides FROM risk_levels", {}));
    for (const auto& row : levels.rows) {
      auto it = st.by_code.find(row.Text(0));
      if (it == st.by_code.end() || it->second < 0) continue;
      Community& cm = st.communities[it->second];
      ParseLevel(row.Text(1), &cm.level);
      cm.since = row.Int(2);
      cm.declared_by = row.Text(3);
      cm.reason = row.Text(4);
      cm.overrides = row.Text(5);
    }
    return Status::Ok();
  }));
  // Communities never proposed yet get their reason text; a day may have turned.
  TC_RETURN_IF_ERROR(r->Tick());
  return r;
}

namespace {

// Re-proposes the given streets; returns the communities whose proposal changed
// (index, proposal) without touching the state.
std::vector<std::pair<int32_t, Proposal>> Changes(const RiskAreas::State& st, const std::vector<int32_t>& streets,
                                                   int64_t today, bool all_texts) {
  std::vector<std::pair<int32_t, Proposal>> out;
  for (int32_t s : streets) {
    const Street& street = st.streets[s];
    auto props = ProposeStreet(st, street, today);
    for (size_t i = 0; i < props.size(); ++i) {
      const Community& c = st.communities[street.communities[i]];
      if (props[i].level != c.proposed || (all_texts && props[i].reason != c.proposal_reason)) {
        out.emplace_back(street.communities[i], std::move(props[i]));
      }
    }
  }
  return out;
}

}  // namespace

// Writes proposals that changed (risk_proposals, history) and applies them.
static Status ApplyProposals(store::Store& store, RiskAreas::State& st,
                             const std::vector<std::pair<int32_t, Proposal>>& changes,
                             const std::vector<std::pair<int64_t, std::pair<std::string, std::string>>>& new_cases,
                             Millis now) {
  if (changes.empty() && new_cases.empty()) return Status::Ok();
  TC_RETURN_IF_ERROR(store.Tx([&](store::Conn& c) -> Status {
    for (const auto& [case_id, where] : new_cases) {
      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO risk_cases (case_id, community_code, report_date, received_at) "
                                "VALUES (?, ?, ?, ?) ON CONFLICT (case_id) DO NOTHING",
                                {case_id, where.first, where.second, now})
                             .status());
    }
    for (const auto& [idx, p] : changes) {
      const Community& cm = st.communities[idx];
      const std::string level(LevelName(p.level));
      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO risk_proposals (area_code, level, reason, rules_version, proposed_at) "
                                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (area_code) DO UPDATE SET level = excluded.level, "
                                "reason = excluded.reason, rules_version = excluded.rules_version, "
                                "proposed_at = excluded.proposed_at",
                                {cm.code, level, p.reason, st.rules.version, now})
                             .status());
      if (p.level != cm.proposed || cm.proposed_at == 0) {
        TC_RETURN_IF_ERROR(c.Exec("INSERT INTO risk_history (area_code, kind, level, from_level, reason, by_name, at, "
                                  "overrides) VALUES (?, 'proposed', ?, ?, ?, ?, ?, '')",
                                  {cm.code, level, std::string(LevelName(cm.proposed)), p.reason,
                                   "rules v" + std::to_string(st.rules.version), now})
                               .status());
      }
    }
    return Status::Ok();
  }));
  for (const auto& [idx, p] : changes) {
    Community& cm = st.communities[idx];
    cm.proposed = p.level;
    cm.proposal_reason = p.reason;
    cm.proposed_at = now;
  }
  return Status::Ok();
}

Status RiskAreas::OnEvent(const events::Event& e) {
  if (e.type != "CaseConfirmed") return Status::Ok();
  auto payload = nlohmann::json::parse(e.payload, nullptr, false);
  if (!payload.is_object() || !payload.contains("case_id")) {
    return Malformed("event " + std::to_string(e.seq) + ": CaseConfirmed without case_id");
  }
  const int64_t case_id = payload.value("case_id", int64_t{0});
  const std::string path = payload.value("area_path", std::string());
  const std::string report_date = payload.value("report_date", std::string());
  auto day = DayOfDate(report_date, "report_date");
  State& st = *st_;
  std::lock_guard w(st.write_mu);
  {
    std::shared_lock r(st.mu);
    if (st.counted_cases.contains(case_id)) return Status::Ok();
  }
  const int32_t community = CommunityOfPath(path);
  if (community < 0 || !day.ok()) {
    // A case outside every known community (or without a date) cannot make an area
    // risky; remember it so it is not looked at again.
    std::unique_lock x(st.mu);
    st.counted_cases.insert(case_id);
    return Status::Ok();
  }
  const Millis now = clock_.Now();
  std::unique_lock x(st.mu);
  st.communities[community].cases.emplace_back(*day, case_id);
  st.counted_cases.insert(case_id);
  std::vector<int32_t> streets;
  if (st.communities[community].street >= 0) streets.push_back(st.communities[community].street);
  auto changes = Changes(st, streets, DayOf(now), true);
  std::vector<std::pair<int64_t, std::pair<std::string, std::string>>> new_cases = {
      {case_id, {st.communities[community].code, report_date}}};
  Status s = ApplyProposals(store_, st, changes, new_cases, now);
  if (!s.ok()) {  // not committed: forget it, the bus retries the event
    auto& cases = st.communities[community].cases;
    cases.erase(std::remove(cases.begin(), cases.end(), std::make_pair(*day, case_id)), cases.end());
    st.counted_cases.erase(case_id);
  }
  return s;
}

Status RiskAreas::Tick() {
  State& st = *st_;
  std::lock_guard w(st.write_mu);
  const Millis now = clock_.Now();
  std::unique_lock x(st.mu);
  std::vector<int32_t> streets(st.streets.size());
  for (size_t i = 0; i < streets.size(); ++i) streets[i] = static_cast<int32_t>(i);
  auto changes = Changes(st, streets, DayOf(now), true);
  return ApplyProposals(store_, st, changes, {}, now);
}

Result<std::vector<RiskArea>> RiskAreas::List(const RiskListQuery& q) {
  const State& st = *st_;
  const int64_t today = DayOf(clock_.Now());
  std::shared_lock r(st.mu);
  std::vector<RiskArea> out;
  const std::string_view under = q.under_path == "/" ? std::string_view() : std::string_view(q.under_path);
  for (size_t i = 0; i < st.communities.size() && static_cast<int64_t>(out.size()) < q.limit; ++i) {
    const Community& c = st.communities[i];
    if (!under.empty() && !c.path.starts_with(under)) continue;
    if (q.only_risk && c.level == Level::kLow) continue;
    if (q.only_pending && c.level == c.proposed) continue;
    out.push_back(ToArea(st, static_cast<int32_t>(i), today));
  }
  std::sort(out.begin(), out.end(), [](const RiskArea& a, const RiskArea& b) {
    return a.level != b.level ? a.level > b.level : a.path < b.path;
  });
  return out;
}

Result<RiskArea> RiskAreas::Get(std::string_view code) {
  const State& st = *st_;
  std::shared_lock r(st.mu);
  auto it = st.by_code.find(std::string(code));
  if (it == st.by_code.end() || it->second < 0) return NoSuch("community " + std::string(code));
  return ToArea(st, it->second, DayOf(clock_.Now()));
}

Result<std::vector<RiskArea>> RiskAreas::Declare(std::span<const std::string> codes, Level level,
                                                 std::string_view reason, const audit::Actor& by) {
  if (codes.empty()) return FieldInvalid("codes", "name at least one community");
  if (codes.size() > 10'000) return FieldInvalid("codes", "at most 10,000 communities at once");
  if (reason.empty() || reason.size() > 2000) return FieldInvalid("reason", "a reason is required (≤ 2000 bytes)");
  State& st = *st_;
  std::lock_guard w(st.write_mu);
  std::vector<int32_t> idx;
  {
    std::shared_lock r(st.mu);
    std::unordered_set<int32_t> seen;
    for (size_t i = 0; i < codes.size(); ++i) {
      auto it = st.by_code.find(codes[i]);
      if (it == st.by_code.end()) return FieldInvalid("codes[" + std::to_string(i) + "]", "community " + codes[i] + " does not exist");
      if (it->second < 0) {
        return FieldInvalid("codes[" + std::to_string(i) + "]",
                            codes[i] + " is a street; levels are declared per community (the basic unit)");
      }
      if (seen.insert(it->second).second) idx.push_back(it->second);
    }
  }
  const Millis now = clock_.Now();
  const std::string lv(LevelName(level));
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    for (int32_t i : idx) {
      const Community& cm = st.communities[i];
      const std::string overrides = cm.proposed != level ? std::string(LevelName(cm.proposed)) : std::string();
      const Millis since = cm.level == level && cm.since != 0 ? cm.since : now;
      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO risk_levels (area_code, level, since, declared_by, reason, overrides) "
                                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (area_code) DO UPDATE SET level = excluded.level, "
                                "since = excluded.since, declared_by = excluded.declared_by, reason = excluded.reason, "
                                "overrides = excluded.overrides",
                                {cm.code, lv, since, by.name, std::string(reason), overrides})
                             .status());
      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO risk_history (area_code, kind, level, from_level, reason, by_name, at, "
                                "overrides) VALUES (?, 'declared', ?, ?, ?, ?, ?, ?)",
                                {cm.code, lv, std::string(LevelName(cm.level)), std::string(reason), by.name, now,
                                 overrides})
                             .status());
      nlohmann::json detail = {{"level", lv}, {"from", LevelName(cm.level)}, {"reason", reason}};
      if (!overrides.empty()) detail["overrides_proposal"] = overrides;
      TC_RETURN_IF_ERROR(audit::Append(c, {.actor = by.name, .action = "risk.declare", .target = "area:" + cm.code,
                                           .area_path = cm.path, .detail = detail.dump(), .request_id = by.request_id},
                                       now));
      if (cm.level != level) {
        nlohmann::json event = {{"area_code", cm.code}, {"area_path", cm.path}, {"name", cm.name},
                                {"level", lv},          {"from", LevelName(cm.level)}, {"since", now},
                                {"reason", reason}};
        TC_RETURN_IF_ERROR(events::Publish(c, "RiskAreaChanged", event.dump(), now));
      }
    }
    return Status::Ok();
  }));
  std::vector<RiskArea> out;
  std::unique_lock x(st.mu);
  for (int32_t i : idx) {
    Community& cm = st.communities[i];
    if (cm.level != level || cm.since == 0) cm.since = now;
    cm.overrides = cm.proposed != level ? std::string(LevelName(cm.proposed)) : std::string();
    cm.level = level;
    cm.declared_by = by.name;
    cm.reason = std::string(reason);
    out.push_back(ToArea(st, i, DayOf(now)));
  }
  std::lock_guard p(st.public_mu);
  ++st.levels_version;
  return out;
}

Result<std::vector<RiskHistoryEntry>> RiskAreas::History(std::string_view code, int limit) {
  {
    std::shared_lock r(st_->mu);
    auto it = st_->by_code.find(std::string(code));
    if (it == st_->by_code.end() || it->second < 0) return NoSuch("community " + std::string(code));
  }
  std::vector<RiskHistoryEntry> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, area_code, kind, level, from_level, reason, by_name, at, "
                                           "overrides FROM risk_history WHERE area_code = ? ORDER BY id DESC LIMIT ?",
                                           {std::string(code), int64_t{limit}}));
    for (const auto& row : rows.rows) {
      RiskHistoryEntry h;
      h.id = row.Int(0);
      h.area_code = row.Text(1);
      h.kind = row.Text(2);
      ParseLevel(row.Text(3), &h.level);
      ParseLevel(row.Text(4), &h.from);
      h.reason = row.Text(5);
      h.by = row.Text(6);
      h.at = row.Int(7);
      h.overrides = row.Text(8);
      out.push_back(std::move(h));
    }
    return Status::Ok();
  }));
  return out;
}

Result<RiskRules> RiskAreas::CurrentRules() {
  std::shared_lock r(st_->mu);
  return st_->rules;
}

Result<RiskRules> RiskAreas::SetRules(std::string_view json, std::string_view reason, const audit::Actor& by) {
  if (reason.empty() || reason.size() > 2000) return FieldInvalid("reason", "a reason is required (≤ 2000 bytes)");
  State& st = *st_;
  RiskRules next;
  {
    std::shared_lock r(st.mu);
    TC_ASSIGN_OR_RETURN(next, ParseRiskRules(json, st.rules));
  }
  const Millis now = clock_.Now();
  {
    std::lock_guard w(st.write_mu);
    TC_ASSIGN_OR_RETURN(next.version, internal::StoreVersion(store_, internal::RulesTable::kRisk, RiskRulesJson(next),
                                                             reason, by, now, "risk.rules"));
    next.changed_by = by.name;
    next.changed_at = now;
    next.reason = std::string(reason);
    std::unique_lock x(st.mu);
    st.rules = next;
  }
  TC_RETURN_IF_ERROR(Tick());  // the new rules propose at once
  return next;
}

Result<std::vector<RiskRules>> RiskAreas::RulesHistory() {
  return internal::History<RiskRules>(store_, internal::RulesTable::kRisk,
                                      [](const std::string& json) { return ParseRiskRules(json, RiskRules{}); });
}

RiskAreas::PublicList RiskAreas::Public() {
  State& st = *st_;
  const Millis now = clock_.Now();
  const int64_t today = DayOf(now);
  std::lock_guard p(st.public_mu);
  if (st.public_version == st.levels_version && st.public_day == today) return st.public_list;
  nlohmann::json high = nlohmann::json::array(), medium = nlohmann::json::array();
  {
    std::shared_lock r(st.mu);
    std::vector<int32_t> risky;
    for (size_t i = 0; i < st.communities.size(); ++i) {
      if (st.communities[i].level != Level::kLow) risky.push_back(static_cast<int32_t>(i));
    }
    std::sort(risky.begin(), risky.end(),
              [&](int32_t a, int32_t b) { return st.communities[a].path < st.communities[b].path; });
    for (int32_t i : risky) {
      const Community& c = st.communities[i];
      nlohmann::json item = {{"code", c.code}, {"name", c.name}, {"since", DateOfDay(DayOf(c.since))}};
      if (c.street >= 0) {
        item["street"] = st.streets[c.street].name;
        item["district"] = st.streets[c.street].district_name;
      }
      (c.level == Level::kHigh ? high : medium).push_back(std::move(item));
    }
  }
  nlohmann::json doc = {{"date", DateOfDay(today)},
                        {"updated_at", now},
                        {"high_count", high.size()},
                        {"medium_count", medium.size()},
                        {"high", std::move(high)},
                        {"medium", std::move(medium)}};
  st.public_list.json = doc.dump();
  st.public_list.etag = "\"risk-" + std::to_string(today) + "-" + std::to_string(st.levels_version) + "\"";
  st.public_version = st.levels_version;
  st.public_day = today;
  return st.public_list;
}

int32_t RiskAreas::CommunityOfPath(std::string_view path) const {
  std::shared_lock r(st_->mu);
  // Each prefix ending in '/' is an area's path; the community is one of them.
  for (size_t end = path.find('/', 1); end != std::string_view::npos; end = path.find('/', end + 1)) {
    auto it = st_->by_path.find(std::string(path.substr(0, end + 1)));
    if (it != st_->by_path.end()) return it->second;
  }
  return -1;
}

Level RiskAreas::LevelOf(int32_t community) const {
  std::shared_lock r(st_->mu);
  return community >= 0 && static_cast<size_t>(community) < st_->communities.size() ? st_->communities[community].level
                                                                                    : Level::kLow;
}

Millis RiskAreas::LevelSince(int32_t community) const {
  std::shared_lock r(st_->mu);
  return community >= 0 && static_cast<size_t>(community) < st_->communities.size() ? st_->communities[community].since
                                                                                    : 0;
}

size_t RiskAreas::CommunityCount() const {
  std::shared_lock r(st_->mu);
  return st_->communities.size();
}

std::string RiskAreas::CommunityName(int32_t community) const {
  std::shared_lock r(st_->mu);
  return community >= 0 && static_cast<size_t>(community) < st_->communities.size() ? st_->communities[community].name
                                                                                    : std::string();
}

std::string RiskAreas::CommunityCode(int32_t community) const {
  std::shared_lock r(st_->mu);
  return community >= 0 && static_cast<size_t>(community) < st_->communities.size() ? st_->communities[community].code
                                                                                    : std::string();
}

std::string RiskAreas::CommunityPath(int32_t community) const {
  std::shared_lock r(st_->mu);
  return community >= 0 && static_cast<size_t>(community) < st_->communities.size() ? st_->communities[community].path
                                                                                    : std::string();
}

}  // namespace tc::healthcode
