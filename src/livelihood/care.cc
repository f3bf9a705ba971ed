#include "livelihood/care.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "base/json.h"
#include "registry/areas.h"
#include "registry/lookup.h"

namespace tc::livelihood {

namespace {

constexpr Millis kMinute = 60'000, kDay = 24 * 60 * kMinute;
// Calls older than this before the day are not read: misses in a row are counted within
// it (far more than any rule's misses_in_row of at most 10 a day).
constexpr int64_t kHistoryDays = 30;

constexpr const char* kCallColumns = "id, resident_id, worker_id, worker_name, outcome, needs, note, at, area_path";
constexpr const char* kTaskColumns =
    "id, call_id, resident_id, area_path, kind, detail, state, raised_by, raised_at, due_by, closed_by, closed_at, "
    "close_note";

bool Covers(std::string_view under, std::string_view path) {
  return under.empty() || under == "/" || path.starts_with(under);
}

void PathRange(std::string_view under, std::string& where, store::Params& params) {
  if (under.empty() || under == "/") return;
  where += " AND area_path >= ? AND area_path < ?";
  params.emplace_back(std::string(under));
  params.emplace_back(store::PrefixEnd(under));
}

Millis DayStart(Millis now) {
  const Millis local = now + kShanghaiOffsetMs;
  return (local - ((local % kDay) + kDay) % kDay) - kShanghaiOffsetMs;
}

int64_t RosterMask(const CareRules& r) {
  int64_t m = 0;
  for (int64_t t : r.tags) m |= t;
  return m;
}

std::string NeedsJson(const std::vector<NeedItem>& needs) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& n : needs) j.push_back({{"kind", NeedKindName(n.kind)}, {"note", n.note}});
  return j.dump();
}

std::vector<NeedItem> ParseNeeds(const std::string& text) {
  std::vector<NeedItem> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& n : j) {
    NeedItem item;
    ParseNeedKind(n.value("kind", ""), &item.kind);
    item.note = n.value("note", "");
    out.push_back(std::move(item));
  }
  return out;
}

Call CallFromRow(const store::Row& r) {
  Call c;
  c.resident_id = r.Int(1);
  c.worker_id = r.Int(2);
  ParseCallOutcome(r.Text(4), &c.outcome);
  c.needs = ParseNeeds(r.Text(5));
  c.note = r.Text(6);
  c.at = r.Int(7);
  return c;
}

CareTask TaskFromRow(const store::Row& r) {
  CareTask t;
  t.id = r.Int(0);
  t.call_id = r.Int(1);
  t.resident_id = r.Int(2);
  t.area_path = r.Text(3);
  ParseNeedKind(r.Text(4), &t.kind);
  t.detail = r.Text(5);
  t.done = r.Text(6) == "done";
  t.raised_by = r.Text(7);
  t.raised_at = r.Int(8);
  t.due_by = r.Int(9);
  t.closed_by = r.Text(10);
  t.closed_at = r.Int(11);
  t.close_note = r.Text(12);
  return t;
}

Result<std::map<int64_t, std::string>> Names(store::Conn& c, std::vector<int64_t> ids) {
  TC_ASSIGN_OR_RETURN(auto briefs, registry::PeopleById(c, ids));
  std::map<int64_t, std::string> names;
  for (const auto& p : briefs) names[p.id] = p.name;
  return names;
}

Result<CareRules> CurrentRules(store::Conn& c) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT version, rules, changed_by, changed_at, reason FROM care_rules "
                                         "ORDER BY version DESC LIMIT 1"));
  if (rows.empty()) return CareRules{};
  TC_ASSIGN_OR_RETURN(CareRules r, ParseCareRules(rows[0].Text(1), CareRules{}));
  r.version = rows[0].Int(0);
  r.changed_by = rows[0].Text(2);
  r.changed_at = rows[0].Int(3);
  r.reason = rows[0].Text(4);
  return r;
}

}  // namespace

std::string_view CareCallerKindName(CareCaller::Kind k) {
  switch (k) {
    case CareCaller::Kind::kWorker:
      return "worker";
    case CareCaller::Kind::kGridHead:
      return "grid_head";
    case CareCaller::Kind::kNobody:
      break;
  }
  return "nobody";
}

// What a view reads, for the whole view at once (the flat call lists of care_calls.h:
// one pass for the city, no per-community maps or string copies per resident).
// Caller keys as the pure core sees them: > 0 a worker's user id, < 0 minus the grid
// head's resident id, 0 nobody.
struct CareRoster::Snapshot {
  CareRules rules;
  std::vector<CareResident> residents;  // by id
  std::vector<CareGrid> grids;          // by code
  std::vector<CareWorker> workers;      // by user id
  std::vector<Call> calls;              // by resident id, then time
  std::map<int64_t, std::string> usernames;                      // worker user id → username
  std::map<int64_t, std::pair<std::string, std::string>> heads;  // head resident id → name, phone

  CareCaller CallerOf(int64_t key) const {
    CareCaller c;
    if (key > 0) {
      c.kind = CareCaller::Kind::kWorker;
      c.user_id = key;
      if (auto it = usernames.find(key); it != usernames.end()) c.username = it->second;
    } else if (key < 0) {
      c.kind = CareCaller::Kind::kGridHead;
      c.resident_id = -key;
      if (auto it = heads.find(-key); it != heads.end()) c.name = it->second.first, c.phone = it->second.second;
    }
    return c;
  }
  // The resident with this id (residents are by id), nullptr for none.
  const CareResident* Resident(int64_t id) const {
    const auto it = std::lower_bound(residents.begin(), residents.end(), id,
                                     [](const CareResident& r, int64_t x) { return r.id < x; });
    return it != residents.end() && it->id == id ? &*it : nullptr;
  }
};

Result<CareRoster::Snapshot> CareRoster::Load(const CareView& view, Millis day_start, Millis until) const {
  TC_ASSIGN_OR_RETURN(auto accounts, workers_());
  Snapshot s;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(s.rules, CurrentRules(c));
    const std::string key = view.under_path.empty() || view.under_path == "/"
                                ? std::string()
                                : registry::ScopeKeyOfPath(view.under_path);
    TC_ASSIGN_OR_RETURN(auto people, registry::TaggedResidents(c, key, RosterMask(s.rules)));
    s.residents.reserve(people.size());
    for (auto& p : people) {
      s.residents.push_back({.id = p.id,
                             .name = std::move(p.name),
                             .phone = std::move(p.phone),
                             .unit_code = std::move(p.unit_code),
                             .tags = p.tags});
    }
    std::sort(s.residents.begin(), s.residents.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    TC_ASSIGN_OR_RETURN(auto grids, registry::GridsUnder(c, key));
    s.grids.reserve(grids.size());
    for (auto& g : grids) {
      if (g.leader_id) s.heads[g.leader_id] = {g.leader_name, g.leader_phone};
      s.grids.push_back({.code = std::move(g.code), .head_id = -g.leader_id, .building_codes = std::move(g.building_codes)});
    }
    std::string where = "WHERE at >= ? AND at <= ?";
    store::Params params{day_start - kHistoryDays * kDay, until};
    PathRange(view.under_path, where, params);
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kCallColumns + " FROM care_calls " + where +
                                               " ORDER BY resident_id, at, id",
                                           params));
    // By resident (residents by id too): the core walks both together. Calls of
    // residents not on the roster are ignored by it.
    s.calls.reserve(rows.rows.size());
    for (const auto& r : rows.rows) s.calls.push_back(CallFromRow(r));
    return Status::Ok();
  }));
  // Workers by user id, so that among equally specific covers the first is stable.
  std::sort(accounts.begin(), accounts.end(), [](const auto& a, const auto& b) { return a.user_id < b.user_id; });
  for (auto& w : accounts) {
    s.usernames[w.user_id] = w.username;
    s.workers.push_back({.id = w.user_id, .area_codes = {std::move(w.area_code)}});
  }
  return s;
}

Result<std::vector<CareList>> CareRoster::Lists(const CareView& view) const {
  const Millis now = clock_.Now(), day_start = DayStart(now);
  TC_ASSIGN_OR_RETURN(Snapshot s, Load(view, day_start, day_start + kDay - 1));
  const CallListSet set = FlatCallLists(s.residents, s.grids, s.workers, s.calls, s.rules, day_start);
  std::vector<CareList> out;
  for (const CallListSet::List& list : set.lists) {
    if (view.only_worker && list.caller != view.only_worker) continue;
    CareList l{.caller = s.CallerOf(list.caller)};
    l.entries.reserve(list.end - list.begin);
    for (uint32_t i = list.begin; i < list.end; ++i) {
      l.entries.push_back(MakeCallEntry(set.At(i), s.residents, s.grids, s.calls));
      l.called_today += set.At(i).called_today;
    }
    out.push_back(std::move(l));
  }
  if (view.only_worker && out.empty()) out.push_back({.caller = s.CallerOf(view.only_worker)});  // their list, if empty
  auto rank = [](const CareList& l) {
    return l.caller.kind == CareCaller::Kind::kWorker ? 0 : l.caller.kind == CareCaller::Kind::kGridHead ? 1 : 2;
  };
  std::stable_sort(out.begin(), out.end(), [&](const CareList& a, const CareList& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return a.caller.username != b.caller.username ? a.caller.username < b.caller.username : a.caller.name < b.caller.name;
  });
  return out;
}

Result<CareCallRecord> CareRoster::Record(const CareCallInput& in, const CareWorkerAccount& worker,
                                          std::string_view under_path, const audit::Actor& by) {
  Call call{.resident_id = in.resident_id, .worker_id = worker.user_id, .note = in.note};
  if (in.resident_id <= 0) return FieldInvalid("resident_id", "names no resident");
  if (!ParseCallOutcome(in.outcome, &call.outcome)) {
    return FieldInvalid("outcome", "'" + in.outcome + "' is not reached_ok, reached_with_needs or not_reached");
  }
  for (size_t i = 0; i < in.needs.size(); ++i) {
    NeedItem n{.note = in.needs[i].second};
    if (!ParseNeedKind(in.needs[i].first, &n.kind)) {
      return FieldInvalid("needs[" + std::to_string(i) + "].kind",
                          "'" + in.needs[i].first + "' is not medicine, food, medical_visit or other");
    }
    call.needs.push_back(std::move(n));
  }
  const Millis now = clock_.Now();
  CareCallRecord out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    // A resident unknown and one outside the caller's area answer alike.
    const std::string nobody = "there is no resident " + std::to_string(in.resident_id) + " in your area";
    auto person = registry::TaggedResidentById(c, in.resident_id);
    if (!person.ok()) return FieldInvalid("resident_id", nobody);
    auto path = registry::AreaPath(c, person->unit_code);
    if (!path.ok() || !Covers(under_path, *path)) return FieldInvalid("resident_id", nobody);
    TC_ASSIGN_OR_RETURN(CareRules rules, CurrentRules(c));
    if ((person->tags & RosterMask(rules)) == 0) {
      return FieldInvalid("resident_id", "resident " + std::to_string(in.resident_id) +
                                             " is not on the special-care roster (no rostered care tag)");
    }
    TC_ASSIGN_OR_RETURN(RecordedCall rec, RecordCall(call, rules, now));
    TC_ASSIGN_OR_RETURN(auto rows,
                        c.Query("INSERT INTO care_calls (resident_id, worker_id, worker_name, outcome, needs, note, at, "
                                "area_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                {rec.call.resident_id, rec.call.worker_id, worker.username,
                                 std::string(CallOutcomeName(rec.call.outcome)), NeedsJson(rec.call.needs),
                                 rec.call.note, now, *path}));
    out.id = rows[0].Int(0);
    out.call = rec.call;
    out.resident_name = person->name;
    out.worker_name = worker.username;
    out.area_path = *path;
    nlohmann::json task_ids = nlohmann::json::array();
    for (const NeedTask& t : rec.tasks) {
      TC_ASSIGN_OR_RETURN(auto tr, c.Query("INSERT INTO care_tasks (call_id, resident_id, area_path, kind, detail, "
                                           "state, raised_by, raised_at, due_by, closed_by, closed_at, close_note) "
                                           "VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, '', 0, '') RETURNING id",
                                           {out.id, t.resident_id, *path, std::string(NeedKindName(t.kind)), t.note,
                                            worker.username, t.raised_at, t.due_by}));
      out.tasks.push_back({.id = tr[0].Int(0), .call_id = out.id, .resident_id = t.resident_id,
                           .resident_name = person->name, .area_path = *path, .kind = t.kind, .detail = t.note,
                           .raised_by = worker.username, .raised_at = t.raised_at, .due_by = t.due_by});
      task_ids.push_back(out.tasks.back().id);
    }
    return audit::Append(c, {.actor = by.name, .action = "care.call", .target = "care_call:" + std::to_string(out.id),
                             .area_path = *path,
                             .detail = nlohmann::json{{"resident", in.resident_id},
                                                      {"outcome", CallOutcomeName(rec.call.outcome)},
                                                      {"tasks", task_ids}}
                                           .dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return out;
}

Result<std::vector<CareCallRecord>> CareRoster::Calls(int64_t resident_id, std::string_view under_path,
                                                      int64_t limit) const {
  std::vector<CareCallRecord> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    auto person = registry::TaggedResidentById(c, resident_id);
    if (!person.ok()) return NoSuch("resident " + std::to_string(resident_id));
    auto path = registry::AreaPath(c, person->unit_code);
    if (!path.ok() || !Covers(under_path, *path)) return NoSuch("resident " + std::to_string(resident_id));
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kCallColumns +
                                               " FROM care_calls WHERE resident_id = ? ORDER BY at DESC, id DESC LIMIT ?",
                                           {resident_id, std::clamp<int64_t>(limit, 1, 1000)}));
    std::map<int64_t, size_t> at;
    std::vector<int64_t> ids;
    for (const auto& r : rows.rows) {
      CareCallRecord x{.id = r.Int(0), .resident_name = person->name, .worker_name = r.Text(3), .area_path = r.Text(8),
                       .call = CallFromRow(r)};
      at[x.id] = out.size();
      ids.push_back(x.id);
      out.push_back(std::move(x));
    }
    return store::QueryIn(c, std::string("SELECT ") + kTaskColumns + " FROM care_tasks WHERE call_id IN ", " ORDER BY id",
                          std::span<const int64_t>(ids), [&](const store::Row& r) {
                            CareTask t = TaskFromRow(r);
                            t.resident_name = person->name;
                            out[at[t.call_id]].tasks.push_back(std::move(t));
                          });
  }));
  return out;
}

Result<std::vector<CareTask>> CareRoster::Tasks(std::string_view under_path, std::string_view state,
                                                int64_t limit) const {
  std::string where = "WHERE 1 = 1";
  store::Params params;
  PathRange(under_path, where, params);
  if (!state.empty()) {
    if (state != "open" && state != "done") return FieldInvalid("state", "'" + std::string(state) + "' is not open or done");
    where += " AND state = ?";
    params.emplace_back(std::string(state));
  }
  where += state == "open" ? " ORDER BY due_by, id LIMIT ?" : " ORDER BY id DESC LIMIT ?";
  params.emplace_back(std::clamp<int64_t>(limit, 1, 100'000));
  std::vector<CareTask> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kTaskColumns + " FROM care_tasks " + where, params));
    std::vector<int64_t> people;
    for (const auto& r : rows.rows) {
      out.push_back(TaskFromRow(r));
      people.push_back(out.back().resident_id);
    }
    TC_ASSIGN_OR_RETURN(auto names, Names(c, people));
    for (auto& t : out) t.resident_name = names[t.resident_id];
    return Status::Ok();
  }));
  return out;
}

Result<CareTask> CareRoster::CloseTask(int64_t id, std::string_view note, std::string_view under_path,
                                       const audit::Actor& by) {
  const Millis now = clock_.Now();
  CareTask task;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kTaskColumns + " FROM care_tasks WHERE id = ?", {id}));
    if (rows.empty() || !Covers(under_path, rows[0].Text(3))) return NoSuch("care task " + std::to_string(id));
    task = TaskFromRow(rows[0]);
    if (task.done) {
      return Conflict("care task " + std::to_string(id) + " was closed by " + task.closed_by + " at " +
                      FormatShanghai(task.closed_at));
    }
    TC_ASSIGN_OR_RETURN(auto upd, c.Exec("UPDATE care_tasks SET state = 'done', closed_by = ?, closed_at = ?, "
                                         "close_note = ? WHERE id = ? AND state = 'open'",
                                         {by.name, now, std::string(note), id}));
    if (upd.affected != 1) return Conflict("care task " + std::to_string(id) + " changed meanwhile");
    task.done = true;
    task.closed_by = by.name;
    task.closed_at = now;
    task.close_note = std::string(note);
    TC_ASSIGN_OR_RETURN(auto names, Names(c, {task.resident_id}));
    task.resident_name = names[task.resident_id];
    return audit::Append(c, {.actor = by.name, .action = "care.task.close", .target = "care_task:" + std::to_string(id),
                             .area_path = task.area_path,
                             .detail = nlohmann::json{{"kind", NeedKindName(task.kind)}, {"note", note}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return task;
}

Result<std::vector<CareEscalation>> CareRoster::EscalationsNow(const CareView& view, std::string_view grid) const {
  const Millis now = clock_.Now(), day_start = DayStart(now);
  TC_ASSIGN_OR_RETURN(Snapshot s, Load(view, day_start, now));
  // Escalations come by priority, then resident id.
  std::vector<CareEscalation> out;
  for (Escalation& e : Escalations(s.residents, s.grids, s.workers, s.calls, s.rules, day_start, now)) {
    if (view.only_worker && e.caller != view.only_worker) continue;
    if (!grid.empty() && e.grid_code != grid) continue;
    const CareResident* r = s.Resident(e.resident_id);
    CareEscalation x{.resident_name = r ? r->name : std::string(),
                     .resident_phone = r ? r->phone : std::string(),
                     .to = s.CallerOf(e.to),
                     .caller = s.CallerOf(e.caller)};
    x.escalation = std::move(e);
    out.push_back(std::move(x));
  }
  return out;
}

Result<CareRules> CareRoster::Rules() const {
  CareRules r;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(r, CurrentRules(c));
    return Status::Ok();
  }));
  return r;
}

Result<std::vector<CareRules>> CareRoster::RulesHistory() const {
  std::vector<CareRules> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT version, rules, changed_by, changed_at, reason FROM care_rules "
                                           "ORDER BY version DESC"));
    for (const auto& row : rows.rows) {
      TC_ASSIGN_OR_RETURN(CareRules r, ParseCareRules(row.Text(1), CareRules{}));
      r.version = row.Int(0);
      r.changed_by = row.Text(2);
      r.changed_at = row.Int(3);
      r.reason = row.Text(4);
      out.push_back(std::move(r));
    }
    return Status::Ok();
  }));
  out.push_back(CareRules{});  // version 0: the defaults
  return out;
}

Result<CareRules> CareRoster::SetRules(std::string_view json, std::string_view reason, const audit::Actor& by) {
  if (reason.empty() || reason.size() > 2000) return FieldInvalid("reason", "a reason is required (≤ 2000 bytes)");
  const Millis now = clock_.Now();
  CareRules next;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(CareRules current, CurrentRules(c));
    TC_ASSIGN_OR_RETURN(next, ParseCareRules(json, current));
    const std::string text = CareRulesJson(next);
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO care_rules (rules, changed_by, changed_at, reason) VALUES (?, ?, "
                                           "?, ?) RETURNING version",
                                           {text, by.name, now, std::string(reason)}));
    next.version = rows[0].Int(0);
    next.changed_by = by.name;
    next.changed_at = now;
    next.reason = std::string(reason);
    return audit::Append(c, {.actor = by.name, .action = "care.rules", .target = "care_rules:" +
                                                                           std::to_string(next.version),
                             .area_path = "/", .detail = text, .request_id = by.request_id},
                         now);
  }));
  return next;
}

}  // namespace tc::livelihood
