#include "livelihood/returns.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "registry/lookup.h"

namespace tc::livelihood {

namespace {

constexpr const char* kColumns =
    "id, resident_id, origin_area, origin_path, destination, phone, state, since, vehicle, pickup_point, escort, "
    "scheduled_at, reason, received_by, created_by, created_at";

bool Covers(const ReturnScope& scope, const std::string& path) {
  return scope.under_path.empty() || scope.under_path == "/" || path.starts_with(scope.under_path);
}

Result<int64_t> DayNumber(std::string_view date, const char* field) {
  int y = 0, m = 0, d = 0;
  if (date.size() != 10 || std::sscanf(std::string(date).c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) {
    return FieldInvalid(field, "'" + std::string(date) + "' is not a date YYYY-MM-DD");
  }
  auto days = DaysFromCivil(y, m, d);
  if (!days.ok()) return FieldInvalid(field, "'" + std::string(date) + "' is not a date YYYY-MM-DD");
  return *days;
}

}  // namespace

Result<std::vector<ReturnRecord>> ReturnHomes::Load(store::Conn& c, std::string_view where,
                                                   const store::Params& params) const {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kColumns + " FROM return_applications " +
                                             std::string(where),
                                         params));
  std::vector<ReturnRecord> out;
  std::map<int64_t, size_t> at;
  std::vector<int64_t> ids, people;
  for (const auto& r : rows.rows) {
    ReturnRecord x;
    x.id = r.Int(0);
    x.app.resident_id = r.Int(1);
    x.app.origin_area = r.Text(2);
    x.origin_path = r.Text(3);
    x.app.destination = r.Text(4);
    x.app.phone = r.Text(5);
    ParseReturnState(r.Text(6), &x.app.state);
    x.app.transport = {r.Text(8), r.Text(9), r.Text(10), r.Int(11)};
    x.app.reason = r.Text(12);
    x.app.received_by = r.Text(13);
    x.created_by = r.Text(14);
    x.created_at = r.Int(15);
    at[x.id] = out.size();
    ids.push_back(x.id);
    people.push_back(x.app.resident_id);
    out.push_back(std::move(x));
  }
  TC_RETURN_IF_ERROR(store::QueryIn(c, "SELECT application_id, state, at FROM return_steps WHERE application_id IN ",
                                    " ORDER BY id", std::span<const int64_t>(ids), [&](const store::Row& r) {
                                      Step s;
                                      ParseReturnState(r.Text(1), &s.state);
                                      s.at = r.Int(2);
                                      out[at[r.Int(0)]].app.history.push_back(s);
                                    }));
  // QueryIn runs a query per chunk of ids: each application's steps stay in id order.
  TC_ASSIGN_OR_RETURN(auto briefs, registry::PeopleById(c, people));
  std::map<int64_t, std::string> names;
  for (const auto& p : briefs) names[p.id] = p.name;
  for (auto& x : out) x.name = names[x.app.resident_id];
  return out;
}

Result<ReturnRecord> ReturnHomes::Create(const NewReturn& n, const ReturnScope& scope, const audit::Actor& by) {
  const Millis now = clock_.Now();
  TC_ASSIGN_OR_RETURN(ReturnHome app, NewApplication(n, now));
  if (app.destination.size() > 400) return FieldInvalid("destination", "is longer than 400 bytes");
  int64_t id = 0;
  std::string path;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    auto area = registry::AreaPath(c, app.origin_area);
    if (!area.ok() || !Covers(scope, *area)) return NoSuch("area '" + app.origin_area + "'");
    path = *area;
    auto person = registry::Person(c, app.resident_id);
    if (!person.ok()) return FieldInvalid("resident_id", "resident " + std::to_string(app.resident_id) + " does not exist");
    TC_ASSIGN_OR_RETURN(auto open, c.Query("SELECT id FROM return_applications WHERE resident_id = ? AND state NOT IN "
                                           "('arrived', 'rejected', 'declined', 'cancelled')",
                                           {app.resident_id}));
    if (!open.empty()) {
      return Conflict("resident " + std::to_string(app.resident_id) + " already has return application " +
                      open[0].Text(0) + " open");
    }
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO return_applications (resident_id, origin_area, origin_path, "
                                           "destination, phone, state, since, vehicle, pickup_point, escort, "
                                           "scheduled_at, reason, received_by, created_by, created_at, updated_at) "
                                           "VALUES (?, ?, ?, ?, ?, ?, ?, '', '', '', 0, '', '', ?, ?, ?) RETURNING id",
                                           {app.resident_id, app.origin_area, path, app.destination, app.phone,
                                            std::string(ReturnStateName(app.state)), now, by.name, now, now}));
    id = rows[0].Int(0);
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO return_steps (application_id, state, at, actor, note) VALUES (?, ?, ?, ?, '')",
                              {id, std::string(ReturnStateName(app.state)), now, by.name})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "return.apply", .target = "return:" + std::to_string(id),
                             .area_path = path, .detail = nlohmann::json{{"destination", app.destination}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return Get(id, scope);
}

Result<ReturnRecord> ReturnHomes::Get(int64_t id, const ReturnScope& scope) const {
  std::vector<ReturnRecord> got;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(got, Load(c, "WHERE id = ?", {id}));
    return Status::Ok();
  }));
  if (got.empty() || !Covers(scope, got[0].origin_path)) return NoSuch("return application " + std::to_string(id));
  return got[0];
}

Result<std::vector<ReturnRecord>> ReturnHomes::List(const ReturnScope& scope, std::string_view state,
                                                    int64_t limit) const {
  std::string where = "WHERE 1 = 1";
  store::Params params;
  if (!scope.under_path.empty() && scope.under_path != "/") {
    where += " AND origin_path >= ? AND origin_path < ?";
    params.emplace_back(scope.under_path);
    params.emplace_back(store::PrefixEnd(scope.under_path));
  }
  if (!state.empty()) {
    ReturnState s;
    if (!ParseReturnState(state, &s)) return FieldInvalid("state", "'" + std::string(state) + "' is not a return state");
    where += " AND state = ?";
    params.emplace_back(std::string(state));
  }
  where += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(std::clamp<int64_t>(limit, 1, 100'000));
  std::vector<ReturnRecord> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(out, Load(c, where, params));
    return Status::Ok();
  }));
  return out;
}

Result<ReturnRecord> ReturnHomes::Act(int64_t id, const ReturnAction& a, const ReturnScope& scope,
                                      const audit::Actor& by) {
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto got, Load(c, "WHERE id = ?", {id}));
    if (got.empty() || !Covers(scope, got[0].origin_path)) return NoSuch("return application " + std::to_string(id));
    ReturnHome app = got[0].app;
    const std::string from(ReturnStateName(app.state));
    TC_RETURN_IF_ERROR(livelihood::Apply(app, a, now));  // refuses with the reason; nothing written
    const std::string to(ReturnStateName(app.state));
    // Only the row whose state is still the one read moves (a concurrent step loses).
    TC_ASSIGN_OR_RETURN(auto upd, c.Exec("UPDATE return_applications SET state = ?, since = ?, vehicle = ?, "
                                         "pickup_point = ?, escort = ?, scheduled_at = ?, reason = ?, received_by = ?, "
                                         "updated_at = ? WHERE id = ? AND state = ?",
                                         {to, now, app.transport.vehicle, app.transport.pickup_point,
                                          app.transport.escort, app.transport.scheduled_at, app.reason, app.received_by,
                                          now, id, from}));
    if (upd.affected != 1) return Conflict("return application " + std::to_string(id) + " changed meanwhile");
    const std::string note = !a.reason.empty() ? a.reason : !a.received_by.empty() ? a.received_by : a.transport.vehicle;
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO return_steps (application_id, state, at, actor, note) VALUES (?, ?, ?, ?, ?)",
                              {id, to, now, by.name, note})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "return." + std::string(ReturnActionName(a.kind)),
                             .target = "return:" + std::to_string(id), .area_path = got[0].origin_path,
                             .detail = nlohmann::json{{"from", from}, {"to", to}, {"note", note}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return Get(id, scope);
}

Result<std::vector<StuckRecord>> ReturnHomes::OpenLoop(const ReturnScope& scope) const {
  TC_ASSIGN_OR_RETURN(auto open, List(scope, "", 100'000));
  std::erase_if(open, [](const ReturnRecord& r) { return IsTerminal(r.app.state); });
  std::vector<ReturnHome> apps;
  for (const auto& r : open) apps.push_back(r.app);
  std::vector<StuckRecord> out;
  for (const Stuck& s : livelihood::OpenLoop(apps, deadlines_, clock_.Now())) out.push_back({open[s.index], s.due_by});
  return out;
}

Result<std::vector<DayFlow>> ReturnHomes::Flow(std::string_view from, std::string_view to,
                                               const ReturnScope& scope) const {
  TC_ASSIGN_OR_RETURN(int64_t first, DayNumber(from, "from"));
  TC_ASSIGN_OR_RETURN(int64_t last, DayNumber(to, "to"));
  if (last < first || last - first > 366) return FieldInvalid("to", "must be 0–366 days after from");
  TC_ASSIGN_OR_RETURN(auto all, List(scope, "", 100'000));
  std::vector<std::vector<Step>> histories;
  for (const auto& r : all) histories.push_back(r.app.history);
  return Throughput(histories, first, last);
}

}  // namespace tc::livelihood
