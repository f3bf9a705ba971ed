#include "livelihood/reliefs.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "registry/lookup.h"

namespace tc::livelihood {

namespace {

constexpr const char* kColumns =
    "id, resident_id, area_path, district_code, care_tags, welfare, quarantined, lost_income, state, rule, "
    "rules_version, amount_fen, payment_ref, reason, applied_at, approved_at, paid_at, rejected_at, created_by";

bool Covers(std::string_view under, const std::string& path) {
  return under.empty() || under == "/" || path.starts_with(under);
}

void PathRange(std::string_view under, std::string& where, store::Params& params) {
  if (under.empty() || under == "/") return;
  where += " AND area_path >= ? AND area_path < ?";
  params.emplace_back(std::string(under));
  params.emplace_back(store::PrefixEnd(under));
}

}  // namespace

Result<std::vector<ReliefRecord>> Reliefs::Load(store::Conn& c, std::string_view where,
                                               const store::Params& params) const {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kColumns + " FROM relief_applications " +
                                             std::string(where),
                                         params));
  std::vector<ReliefRecord> out;
  std::vector<int64_t> people;
  for (const auto& r : rows.rows) {
    ReliefRecord x;
    x.id = r.Int(0);
    x.app.resident_id = r.Int(1);
    x.area_path = r.Text(2);
    x.app.facts = {r.Int(4), r.Int(5), r.Int(6) != 0, r.Int(7) != 0, r.Text(3)};
    ParseReliefState(r.Text(8), &x.app.state);
    x.app.rule = r.Text(9);
    x.app.rules_version = r.Int(10);
    x.app.amount_fen = r.Int(11);
    x.app.payment_ref = r.Text(12);
    x.app.reason = r.Text(13);
    x.app.applied_at = r.Int(14), x.app.approved_at = r.Int(15), x.app.paid_at = r.Int(16);
    x.app.rejected_at = r.Int(17);
    x.created_by = r.Text(18);
    x.eligibility = Evaluate(x.app.facts, rules_);
    people.push_back(x.app.resident_id);
    out.push_back(std::move(x));
  }
  TC_ASSIGN_OR_RETURN(auto briefs, registry::PeopleById(c, people));
  std::map<int64_t, std::string> names;
  for (const auto& p : briefs) names[p.id] = p.name;
  for (auto& x : out) x.name = names[x.app.resident_id];
  return out;
}

Result<ReliefRecord> Reliefs::Submit(int64_t resident_id, const ReliefDeclaration& d, std::string_view under_path,
                                     const audit::Actor& by) {
  if (d.welfare < 0 || d.welfare > (kDibao | kTekun)) return FieldInvalid("welfare", "is not 低保 (1), 特困 (2) or both");
  const Millis now = clock_.Now();
  int64_t id = 0;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    auto person = registry::Person(c, resident_id);
    if (!person.ok()) return NoSuch("resident " + std::to_string(resident_id));
    auto path = registry::HouseholdAreaPath(c, person->household_code);
    if (!path.ok() || !Covers(under_path, *path)) return NoSuch("resident " + std::to_string(resident_id));
    auto place = registry::ResidentPlaceByIdNumber(c, person->id_number);
    const int64_t tags = place.ok() ? place->tags : 0;
    // The district: the second level of the path (/city/district/…).
    std::string district;
    if (auto a = path->find('/', 1); a != std::string::npos) {
      auto b = path->find('/', a + 1);
      district = path->substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
    }
    ReliefFacts facts{tags, d.welfare, d.quarantined, d.lost_income, district};
    TC_ASSIGN_OR_RETURN(ReliefApplication app, NewRelief(resident_id, facts, now));
    TC_ASSIGN_OR_RETURN(auto open, c.Query("SELECT id FROM relief_applications WHERE resident_id = ? AND state IN "
                                           "('applied', 'approved')",
                                           {resident_id}));
    if (!open.empty()) {
      return Conflict("resident " + std::to_string(resident_id) + " already has relief application " + open[0].Text(0) +
                      " open");
    }
    TC_ASSIGN_OR_RETURN(auto rows,
                        c.Query("INSERT INTO relief_applications (resident_id, area_path, district_code, care_tags, "
                                "welfare, quarantined, lost_income, state, rule, rules_version, amount_fen, payment_ref, "
                                "reason, applied_at, approved_at, paid_at, rejected_at, created_by) VALUES (?, ?, ?, ?, ?, "
                                "?, ?, ?, '', 0, 0, '', '', ?, 0, 0, 0, ?) RETURNING id",
                                {resident_id, *path, district, tags, d.welfare, int64_t{d.quarantined},
                                 int64_t{d.lost_income}, std::string(ReliefStateName(app.state)), now, by.name}));
    id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "relief.apply", .target = "relief:" + std::to_string(id),
                             .area_path = *path,
                             .detail = nlohmann::json{{"resident", resident_id}, {"welfare", d.welfare},
                                                      {"quarantined", d.quarantined}, {"lost_income", d.lost_income}}
                                           .dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return Get(id, under_path);
}

Result<ReliefRecord> Reliefs::Get(int64_t id, std::string_view under_path) const {
  std::vector<ReliefRecord> got;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(got, Load(c, "WHERE id = ?", {id}));
    return Status::Ok();
  }));
  if (got.empty() || !Covers(under_path, got[0].area_path)) return NoSuch("relief application " + std::to_string(id));
  return got[0];
}

Result<std::vector<ReliefRecord>> Reliefs::List(std::string_view under_path, std::string_view state,
                                                int64_t limit) const {
  std::string where = "WHERE 1 = 1";
  store::Params params;
  PathRange(under_path, where, params);
  if (!state.empty()) {
    ReliefState s;
    if (!ParseReliefState(state, &s)) return FieldInvalid("state", "'" + std::string(state) + "' is not a relief state");
    where += " AND state = ?";
    params.emplace_back(std::string(state));
  }
  where += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(std::clamp<int64_t>(limit, 1, 100'000));
  std::vector<ReliefRecord> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(out, Load(c, where, params));
    return Status::Ok();
  }));
  return out;
}

Result<ReliefRecord> Reliefs::Act(int64_t id, const ReliefAction& a, std::string_view under_path,
                                  const audit::Actor& by) {
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto got, Load(c, "WHERE id = ?", {id}));
    if (got.empty() || !Covers(under_path, got[0].area_path)) return NoSuch("relief application " + std::to_string(id));
    ReliefApplication app = got[0].app;
    const std::string from(ReliefStateName(app.state));
    TC_RETURN_IF_ERROR(livelihood::Apply(app, a, rules_, now));  // refuses with the reason; nothing written
    TC_ASSIGN_OR_RETURN(auto upd, c.Exec("UPDATE relief_applications SET state = ?, rule = ?, rules_version = ?, "
                                         "amount_fen = ?, payment_ref = ?, reason = ?, approved_at = ?, paid_at = ?, "
                                         "rejected_at = ? WHERE id = ? AND state = ?",
                                         {std::string(ReliefStateName(app.state)), app.rule, app.rules_version,
                                          app.amount_fen, app.payment_ref, app.reason, app.approved_at, app.paid_at,
                                          app.rejected_at, id, from}));
    if (upd.affected != 1) return Conflict("relief application " + std::to_string(id) + " changed meanwhile");
    return audit::Append(c, {.actor = by.name, .action = "relief." + std::string(ReliefActionName(a.kind)),
                             .target = "relief:" + std::to_string(id), .area_path = got[0].area_path,
                             .detail = nlohmann::json{{"from", from},
                                                      {"to", ReliefStateName(app.state)},
                                                      {"amount_fen", app.amount_fen},
                                                      {"payment_ref", app.payment_ref},
                                                      {"reason", app.reason}}
                                           .dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return Get(id, under_path);
}

Result<std::vector<DistrictTotals>> Reliefs::Totals(std::string_view under_path) const {
  TC_ASSIGN_OR_RETURN(auto all, List(under_path, "", 100'000));
  std::vector<ReliefApplication> apps;
  for (const auto& r : all) apps.push_back(r.app);
  return livelihood::Totals(apps);
}

}  // namespace tc::livelihood
