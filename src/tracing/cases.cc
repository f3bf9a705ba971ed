#include "tracing/cases.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "events/events.h"
#include "registry/areas.h"
#include "registry/lookup.h"
#include "tracing/checkins.h"

namespace tc::tracing {
namespace {

constexpr Millis kDayMs = 86'400'000;
constexpr const char* kCaseColumns =
    "id, resident_id, household_code, kind, onset_date, report_date, hospital, infector_case_id, note, created_by, "
    "created_at, updated_at, reported_at";
constexpr const char* kContactColumns =
    "id, resident_id, household_code, ring, case_id, via_resident_id, reason_kind, venue_id, exposure_at, reason, "
    "status, officer, run_id, listed_by, listed_at, updated_at, removed_at, removed_reason, score, terms";

Case CaseFromRow(const store::Row& r) {
  return Case{r.Int(0),  r.Int(1),  r.Text(2), r.Text(3), r.Text(4),  r.Text(5),
              r.Text(6), r.Int(7),  r.Text(8), r.Text(9), r.Int(10), r.Int(11), r.Int(12)};
}

ContactEntry ContactFromRow(const store::Row& r) {
  ContactEntry e{r.Int(0),  r.Int(1),   r.Text(2),  r.Text(3),  r.Int(4),   r.Int(5),
                 r.Text(6), r.Int(7),   r.Int(8),   r.Text(9),  r.Text(10), r.Text(11),
                 r.Int(12), r.Text(13), r.Int(14),  r.Int(15),  r.Int(16),  r.Text(17)};
  e.score = r.IsNull(18) ? -1 : r.Double(18);
  if (!r.IsNull(19)) {
    auto terms = nlohmann::json::parse(r.Text(19), nullptr, false);
    if (terms.is_array()) {
      for (const auto& t : terms) {
        if (t.is_string()) e.terms.push_back(t.get<std::string>());
      }
    }
  }
  return e;
}

// The place of `status` among the tier's statuses (`ring` names the tier), −1 if it has none such.
int StatusRank(std::string_view ring, std::string_view status) {
  Tier t;
  if (!ParseTier(ring, &t)) t = Tier::kClose;
  const auto& statuses = TierStatuses(t);
  for (size_t i = 0; i < statuses.size(); ++i) {
    if (statuses[i] == status) return static_cast<int>(i);
  }
  return -1;
}

std::string Joined(const std::vector<std::string>& xs, const char* sep) {
  std::string out;
  for (const auto& x : xs) out += (out.empty() ? "" : sep) + x;
  return out;
}

store::Value OptInt(int64_t v) { return v ? store::Value{v} : store::Value{}; }
store::Value OptText(const std::string& v) { return v.empty() ? store::Value{} : store::Value{v}; }

// The area path of a household's unit, for audit placement ("/" if it is gone).
Result<std::string> HouseholdPath(store::Conn& c, const std::string& household_code) {
  auto path = registry::HouseholdAreaPath(c, household_code);
  if (!path.ok() && path.status().code() == StatusCode::kNotFound) return std::string("/");
  return path;
}

Result<Case> CaseIn(store::Conn& c, int64_t id) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kCaseColumns + " FROM cases WHERE id = ?", {id}));
  if (rows.empty()) return NotFound("case " + std::to_string(id) + " does not exist");
  return CaseFromRow(rows[0]);
}

Result<ContactEntry> ContactIn(store::Conn& c, int64_t id) {
  TC_ASSIGN_OR_RETURN(auto rows,
                      c.Query(std::string("SELECT ") + kContactColumns + " FROM contacts WHERE id = ?", {id}));
  if (rows.empty()) return NotFound("contact " + std::to_string(id) + " does not exist");
  return ContactFromRow(rows[0]);
}

// SELECT columns FROM table WHERE id > after [AND household_code under scope] [AND
// col = value ...] ORDER BY id LIMIT limit, each row through from_row.
template <typename T, typename FromRow>
Result<std::vector<T>> ListScoped(store::Store& store, const std::string& select_from, const std::string& scope,
                                  int64_t after, const std::vector<std::pair<std::string, store::Value>>& equal,
                                  const std::string& extra, int limit, FromRow from_row) {
  std::string sql = select_from + " WHERE id > ?" + extra;
  store::Params params{after};
  if (!scope.empty()) {  // "" = the whole city
    sql += " AND household_code >= ? AND household_code < ?";
    params.emplace_back(scope);
    params.emplace_back(store::PrefixEnd(scope));
  }
  for (const auto& [column, value] : equal) {
    sql += " AND " + column + " = ?";
    params.push_back(value);
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(int64_t{limit});
  return store.ReadAll<T>(sql, params, from_row);
}

// One audit entry by `by` for a change to `target` under `path`.
Status Audit(store::Conn& c, const audit::Actor& by, const std::string& action, const std::string& target,
             const std::string& path, const nlohmann::json& detail, Millis now) {
  return audit::Append(
      c, {.actor = by.name, .action = action, .target = target, .area_path = path, .detail = detail.dump(),
          .request_id = by.request_id},
      now);
}

// "YYYY-MM-DD HH:MM" in China time (the score terms show its "MM-DD HH:MM").
std::string HhMm(Millis t) {
  std::string s = FormatShanghai(t).substr(0, 16);
  if (s.size() > 10 && s[10] == 'T') s[10] = ' ';
  return s;
}

}  // namespace

Result<Millis> ParseDate(std::string_view date, std::string_view field) {
  auto bad = [&] { return FieldInvalid(std::string(field), "'" + std::string(date) + "' is not a date (YYYY-MM-DD)"); };
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return bad();
  int y = 0, m = 0, d = 0;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (date[i] < '0' || date[i] > '9') return bad();
  }
  y = std::stoi(std::string(date.substr(0, 4)));
  m = std::stoi(std::string(date.substr(5, 2)));
  d = std::stoi(std::string(date.substr(8, 2)));
  auto days = DaysFromCivil(y, m, d);
  if (!days.ok()) return bad();
  return *days * kDayMs - kShanghaiOffsetMs;
}

std::string Cases::ScopeOf(const Case& c) { return c.household_code; }

Result<Case> Cases::Create(const NewCase& nc, const audit::Actor& by) {
  Status invalid = InvalidArgument("case is invalid");
  const Millis now = clock_.Now();
  if (nc.kind != "confirmed" && nc.kind != "asymptomatic" && nc.kind != "suspected") {
    invalid.AddFieldError("kind", "kind must be 'confirmed', 'asymptomatic' or 'suspected'");
  }
  Millis report = 0, onset = 0;
  if (auto r = ParseDate(nc.report_date, "report_date"); !r.ok()) {
    invalid.AddFieldError("report_date", r.status().message());
  } else if ((report = *r) > now) {
    invalid.AddFieldError("report_date", "report_date is in the future");
  }
  if (!nc.onset_date.empty()) {
    if (auto o = ParseDate(nc.onset_date, "onset_date"); !o.ok()) {
      invalid.AddFieldError("onset_date", o.status().message());
    } else if ((onset = *o) > report && report) {
      invalid.AddFieldError("onset_date", "onset_date is after report_date");
    }
  }
  if (nc.reported_at && report &&
      (nc.reported_at < report || nc.reported_at >= report + kDayMs || nc.reported_at > now + 60'000)) {
    invalid.AddFieldError("reported_at", "reported_at " + FormatShanghai(nc.reported_at) +
                                             (nc.reported_at > now + 60'000 ? " is in the future"
                                                                            : " does not fall on report_date"));
  }
  if (nc.hospital.size() > 200) invalid.AddFieldError("hospital", "hospital is longer than 200 bytes");
  if (nc.note.size() > 2000) invalid.AddFieldError("note", "note is longer than 2000 bytes");
  if (!invalid.field_errors().empty()) {
    const auto& fe = invalid.field_errors()[0];
    Status s = InvalidArgument("case for resident " + std::to_string(nc.resident_id) + " is invalid: " + fe.field +
                               ": " + fe.message);
    for (const auto& e : invalid.field_errors()) s.AddFieldError(e.field, e.message);
    return s;
  }
  Case out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    auto person = registry::Person(c, nc.resident_id);
    if (!person.ok() && person.status().code() == StatusCode::kNotFound) {
      return FieldInvalid("resident_id", person.status().message());
    }
    TC_RETURN_IF_ERROR(person.status());
    if (person->status != "active") {
      return FieldInvalid("resident_id", "resident " + std::to_string(nc.resident_id) + " is " + person->status);
    }
    TC_ASSIGN_OR_RETURN(auto existing, c.Query("SELECT id FROM cases WHERE resident_id = ?", {nc.resident_id}));
    if (!existing.empty()) {
      return Conflict("resident " + std::to_string(nc.resident_id) + " is already case " +
                      std::to_string(existing[0].Int(0)));
    }
    if (nc.infector_case_id) {
      auto infector = CaseIn(c, nc.infector_case_id);
      if (!infector.ok()) {
        return FieldInvalid("infector_case_id", "case " + std::to_string(nc.infector_case_id) + " does not exist");
      }
    }
    const std::string household = person->household_code;
    TC_ASSIGN_OR_RETURN(auto ins,
                        c.Query("INSERT INTO cases (resident_id, household_code, kind, onset_date, report_date, "
                                "hospital, infector_case_id, note, created_by, created_at, updated_at, reported_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                {nc.resident_id, household, nc.kind, OptText(nc.onset_date), nc.report_date,
                                 nc.hospital, OptInt(nc.infector_case_id), nc.note, by.name, now, now,
                                 OptInt(nc.reported_at)}));
    TC_ASSIGN_OR_RETURN(out, CaseIn(c, ins[0].Int(0)));
    TC_ASSIGN_OR_RETURN(auto path, HouseholdPath(c, household));
    nlohmann::json detail = {{"resident_id", nc.resident_id}, {"kind", nc.kind}, {"report_date", nc.report_date}};
    TC_RETURN_IF_ERROR(Audit(c, by, "case.create", "case:" + std::to_string(out.id), path, detail, now));
    nlohmann::json event = {{"case_id", out.id},          {"resident_id", out.resident_id},
                            {"household_code", household}, {"area_path", path},
                            {"kind", out.kind},           {"onset_date", out.onset_date},
                            {"report_date", out.report_date}};
    return events::Publish(c, out.kind == "suspected" ? "CaseSuspected" : "CaseConfirmed", event.dump(), now);
  }));
  return out;
}

Result<Case> Cases::Confirm(int64_t id, std::string_view kind, const audit::Actor& by) {
  if (kind != "confirmed" && kind != "asymptomatic") {
    return FieldInvalid("kind", "a suspected case is confirmed as 'confirmed' or 'asymptomatic'");
  }
  const Millis now = clock_.Now();
  Case out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(Case before, CaseIn(c, id));
    if (before.kind != "suspected") {
      return Conflict("case " + std::to_string(id) + " is already " + before.kind);
    }
    TC_RETURN_IF_ERROR(
        c.Exec("UPDATE cases SET kind = ?, updated_at = ? WHERE id = ?", {std::string(kind), now, id}).status());
    TC_ASSIGN_OR_RETURN(out, CaseIn(c, id));
    TC_ASSIGN_OR_RETURN(auto path, HouseholdPath(c, out.household_code));
    nlohmann::json detail = {{"from", "suspected"}, {"kind", kind}};
    TC_RETURN_IF_ERROR(Audit(c, by, "case.confirm", "case:" + std::to_string(id), path, detail, now));
    nlohmann::json event = {{"case_id", out.id},          {"resident_id", out.resident_id},
                            {"household_code", out.household_code}, {"area_path", path},
                            {"kind", out.kind},           {"onset_date", out.onset_date},
                            {"report_date", out.report_date}};
    return events::Publish(c, "CaseConfirmed", event.dump(), now);
  }));
  return out;
}

Status Cases::OnEvent(const events::Event& e) {
  if (e.type == "QuarantineStatusChanged") return OnQuarantine(e);
  if (e.type != "IndividualPositive") return Status::Ok();
  auto payload = nlohmann::json::parse(e.payload, nullptr, false);
  if (!payload.is_object() || !payload.contains("resident_id") || !payload["resident_id"].is_number_integer()) {
    spdlog::warn("event {}: IndividualPositive without a resident_id; skipped", e.seq);
    return Status::Ok();
  }
  NewCase nc;
  nc.resident_id = payload["resident_id"].get<int64_t>();
  nc.kind = "suspected";
  nc.report_date = DateShanghai(std::min(e.at, clock_.Now()));
  const std::string tube = payload.value("tube", std::string());
  nc.note = "核酸检测单管阳性：试管 " + tube + "（第 " + std::to_string(payload.value("round_id", int64_t{0})) +
            " 轮）";
  auto created = Create(nc, {"testing", "event:" + std::to_string(e.seq)});
  // Already a case (a redelivered event, or a known case retested): nothing to do.
  if (!created.ok() && created.status().code() == StatusCode::kConflict) return Status::Ok();
  if (!created.ok() && created.status().code() == StatusCode::kInvalidArgument) {
    spdlog::warn("event {}: no suspected case for resident {}: {}", e.seq, nc.resident_id, created.status().ToString());
    return Status::Ok();
  }
  return created.status();
}

// Quarantine's changes (quarantine/quarantines.h): a contact checked in is quarantined,
// one released is released (each only forward: a redelivered or stale change is a
// Conflict, skipped); an escalation (fever, symptom, positive test) opens a suspected
// case for the investigators.
Status Cases::OnQuarantine(const events::Event& e) {
  auto payload = nlohmann::json::parse(e.payload, nullptr, false);
  if (!payload.is_object()) return Status::Ok();
  const audit::Actor by{"quarantine", "event:" + std::to_string(e.seq)};
  for (const auto& ch : payload.value("changes", nlohmann::json::array())) {
    const std::string to = ch.value("to", std::string());
    const int64_t contact = ch.value("contact_id", int64_t{0});
    const int64_t resident = ch.value("resident_id", int64_t{0});
    if (to == "escalated" && resident > 0) {
      NewCase nc;
      nc.resident_id = resident;
      nc.kind = "suspected";
      nc.report_date = DateShanghai(std::min(e.at, clock_.Now()));
      nc.note = "隔离中异常（" + ch.value("reason", std::string()) + "），隔离人员 " +
                std::to_string(ch.value("person_id", int64_t{0}));
      auto created = Create(nc, by);
      if (!created.ok() && created.status().code() != StatusCode::kConflict &&
          created.status().code() != StatusCode::kInvalidArgument) {
        return created.status();
      }
      continue;
    }
    const char* status = to == "checked_in" ? "quarantined" : to == "released" ? "released" : nullptr;
    if (!status || contact <= 0) continue;
    auto set = SetContactStatus(contact, status, "quarantine", "隔离 " + to, by);
    if (!set.ok() && set.status().code() != StatusCode::kConflict &&
        set.status().code() != StatusCode::kInvalidArgument && set.status().code() != StatusCode::kNotFound) {
      return set.status();
    }
  }
  return Status::Ok();
}

Result<Case> Cases::Get(int64_t id) {
  Case out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(out, CaseIn(c, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Case>> Cases::List(const CaseListQuery& q) {
  std::vector<std::pair<std::string, store::Value>> equal;
  if (!q.kind.empty()) equal.emplace_back("kind", q.kind);
  return ListScoped<Case>(store_, std::string("SELECT ") + kCaseColumns + " FROM cases", q.scope, q.after_id, equal,
                          "", q.limit, CaseFromRow);
}

Result<Case> Cases::SetInfector(int64_t id, int64_t infector_case_id, const audit::Actor& by) {
  const Millis now = clock_.Now();
  Case out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(Case before, CaseIn(c, id));
    if (infector_case_id) {
      if (infector_case_id == id) return FieldInvalid("infector_case_id", "a case cannot infect itself");
      // Walk up from the infector: meeting `id` would close a cycle.
      int64_t at = infector_case_id;
      for (int steps = 0; at && steps < 100'000; ++steps) {
        auto up = CaseIn(c, at);
        if (!up.ok()) {
          return FieldInvalid("infector_case_id", "case " + std::to_string(infector_case_id) + " does not exist");
        }
        if (up->infector_case_id == id) {
          return Conflict("case " + std::to_string(infector_case_id) + " descends from case " + std::to_string(id) +
                          "; the link would make a cycle");
        }
        at = up->infector_case_id;
      }
    }
    TC_RETURN_IF_ERROR(c.Exec("UPDATE cases SET infector_case_id = ?, updated_at = ? WHERE id = ?",
                              {OptInt(infector_case_id), now, id})
                           .status());
    TC_ASSIGN_OR_RETURN(auto path, HouseholdPath(c, before.household_code));
    nlohmann::json detail = {{"infector_case_id", {{"from", before.infector_case_id}, {"to", infector_case_id}}}};
    TC_RETURN_IF_ERROR(Audit(c, by, "case.infector", "case:" + std::to_string(id), path, detail, now));
    TC_ASSIGN_OR_RETURN(out, CaseIn(c, id));
    return Status::Ok();
  }));
  return out;
}

Result<ChainGraph> Cases::Chain(int64_t id, int max_cases) {
  ChainGraph g;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(Case start, CaseIn(c, id));
    // Up to the root, then everything below it, breadth first.
    Case root = start;
    for (int steps = 0; root.infector_case_id && steps < max_cases; ++steps) {
      TC_ASSIGN_OR_RETURN(root, CaseIn(c, root.infector_case_id));
    }
    std::unordered_set<int64_t> seen{root.id};
    std::vector<Case> frontier{root};
    g.cases.push_back(root);
    while (!frontier.empty() && static_cast<int>(g.cases.size()) < max_cases) {
      std::vector<Case> next;
      for (const Case& parent : frontier) {
        TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kCaseColumns +
                                                   " FROM cases WHERE infector_case_id = ? ORDER BY id",
                                               {parent.id}));
        for (const auto& r : rows.rows) {
          Case child = CaseFromRow(r);
          if (!seen.insert(child.id).second) continue;
          g.links.emplace_back(parent.id, child.id);
          g.cases.push_back(child);
          next.push_back(child);
        }
      }
      frontier.swap(next);
    }
    return Status::Ok();
  }));
  return g;
}

Millis ExposureEnd(const Case& c) {
  if (c.reported_at) return c.reported_at;
  auto report = ParseDate(c.report_date, "report_date");
  const Millis day_end = report.ok() ? *report + kDayMs - 60'000 : c.created_at;
  return c.created_at ? std::min(c.created_at, day_end) : day_end;
}

Result<std::vector<CaseWindow>> Cases::Windows(const std::vector<int64_t>& case_ids, int days_before_onset) {
  std::vector<CaseWindow> out;
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    for (int64_t id : case_ids) {
      TC_ASSIGN_OR_RETURN(Case k, CaseIn(c, id));
      TC_ASSIGN_OR_RETURN(Millis report, ParseDate(k.report_date, "report_date"));
      Millis start = report;
      if (!k.onset_date.empty()) {
        TC_ASSIGN_OR_RETURN(start, ParseDate(k.onset_date, "onset_date"));
      }
      const Millis from = start - days_before_onset * kDayMs;
      const Millis to = std::min(now, ExposureEnd(k));
      out.push_back(CaseWindow{static_cast<uint32_t>(k.resident_id), ToMinute(from), ToMinute(to)});
    }
    return Status::Ok();
  }));
  return out;
}

namespace {

// Stronger tiers first: an entry moves up, never down.
int TierRank(std::string_view ring) {
  Tier t;
  return ParseTier(ring, &t) ? static_cast<int>(t) : 3;
}

std::string Hours(int64_t minutes) {
  if (minutes < 60) return std::to_string(minutes) + " 分钟";
  const int64_t tenths = (minutes * 10 + 30) / 60;
  return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") + " 小时";
}

std::string Fixed(double x, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

}  // namespace

Result<TraceRun> Cases::Trace(const TraceRequest& req, const audit::Actor& by) {
  if (req.case_ids.empty()) return FieldInvalid("case_ids", "at least one case is required");
  if (req.case_ids.size() > 10'000) return FieldInvalid("case_ids", "at most 10,000 cases per run");
  if (req.days_before_onset < 0 || req.days_before_onset > kMaxDaysBeforeOnset) {
    return FieldInvalid("days_before_onset",
                        "days_before_onset must be 0–" + std::to_string(kMaxDaysBeforeOnset));
  }
  TC_ASSIGN_OR_RETURN(auto windows, Windows(req.case_ids, req.days_before_onset));
  TC_ASSIGN_OR_RETURN(TierRules rules, CurrentTierRules());
  std::unordered_map<uint32_t, int64_t> case_of_person;  // resident → case id
  for (size_t i = 0; i < windows.size(); ++i) case_of_person[windows[i].person] = req.case_ids[i];
  const auto t0 = std::chrono::steady_clock::now();
  TC_ASSIGN_OR_RETURN(TierResult found, tracing_.Tiers(windows, req.rules, rules, req.secondary, req.households));
  TraceRun run;
  run.engine_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  run.close_found = static_cast<int64_t>(found.close.size());
  run.secondary_found = static_cast<int64_t>(found.secondary.size());
  run.exposed_found = static_cast<int64_t>(found.exposed.size());
  run.ring_found = found.ring;
  run.rules_version = rules.version;
  // Each tier listed by score, highest first (then person): ids follow that order.
  for (auto* tier : {&found.close, &found.secondary, &found.exposed}) {
    std::sort(tier->begin(), tier->end(), [](const ScoredExposure& a, const ScoredExposure& b) {
      return a.hazard != b.hazard ? a.hazard > b.hazard : a.person < b.person;
    });
  }

  // For the reasons: venues, and which case each close contact leads back to.
  std::vector<uint32_t> venue_ids, persons;
  for (const auto* tier : {&found.close, &found.secondary, &found.exposed}) {
    for (const ScoredExposure& e : *tier) {
      if (e.venue) venue_ids.push_back(e.venue);
      persons.push_back(e.person);
    }
  }
  std::sort(venue_ids.begin(), venue_ids.end());
  venue_ids.erase(std::unique(venue_ids.begin(), venue_ids.end()), venue_ids.end());
  TC_ASSIGN_OR_RETURN(auto venues, tracing_.VenuesById(venue_ids));
  std::unordered_map<int64_t, const Venue*> venue_by_id;
  for (const Venue& v : venues) venue_by_id[v.id] = &v;
  TC_ASSIGN_OR_RETURN(auto people, tracing_.People(persons));
  std::unordered_map<int64_t, const PersonRef*> person_by_id;
  for (const PersonRef& p : people) person_by_id[p.id] = &p;
  std::unordered_map<uint32_t, int64_t> case_behind;  // close contact → case
  for (const ScoredExposure& e : found.close) case_behind[e.person] = case_of_person[e.source];

  // The score's terms, e.g. ["与病例#12 同住"] or ["03-05 10:30 起与病例#12 同场 3 次、3 天，共 17 小时",
  // "主要在 南关区某工厂(…-V0042)", "人流密集"]. No names: the entry is read by whoever
  // covers the contact, who may not cover the case.
  auto terms_of = [&](const ScoredExposure& e, Tier tier) {
    std::vector<std::string> terms;
    const std::string who = tier != Tier::kSecondary ? "病例#" + std::to_string(case_of_person[e.source])
                                                     : "密接(居民 " + std::to_string(e.source) + ")";
    const std::string several = e.cases > 1 ? " 等 " + std::to_string(e.cases) + (tier != Tier::kSecondary ? " 例" : " 人") : "";
    if (e.household) terms.push_back("与" + who + " 同住");
    if (e.visits) {
      terms.push_back(HhMm(ToMillis(e.at)).substr(5) + " 起与" + (e.household ? std::string("病例") : who) + several +
                      " 同场 " + std::to_string(e.visits) + " 次、" + std::to_string(e.days) + " 天，共 " +
                      Hours(e.minutes));
      if (e.venue) {
        auto v = venue_by_id.find(e.venue);
        terms.push_back("主要在 " + (v == venue_by_id.end() ? "场所 " + std::to_string(e.venue)
                                                             : v->second->name + "(" + v->second->code + ")"));
      }
      if (e.crowded) terms.push_back("人流密集");
    }
    terms.push_back("评分 " + Fixed(e.risk(), 3));
    return terms;
  };
  auto reason_of = [](const std::vector<std::string>& terms) {
    std::string out;
    for (const std::string& t : terms) out += (out.empty() ? "" : "；") + t;
    return out;
  };

  const Millis now = clock_.Now();
  nlohmann::json params = {{"margin_without_leave", req.rules.margin_without_leave},
                           {"margin_with_leave", req.rules.margin_with_leave},
                           {"secondary", req.secondary},
                           {"households", req.households},
                           {"days_before_onset", req.days_before_onset},
                           {"tier_rules_version", rules.version}};
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto ins, c.Query("INSERT INTO tracing_runs (case_ids, params, close_found, secondary_found, "
                                          "listed, actor, at) VALUES (?, ?, ?, ?, 0, ?, ?) RETURNING id",
                                          {nlohmann::json(req.case_ids).dump(), params.dump(), run.close_found,
                                           run.secondary_found, by.name, now}));
    run.run_id = ins[0].Int(0);
    // Who is already listed (open entries) or a case.
    std::vector<int64_t> ids(persons.begin(), persons.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::unordered_map<int64_t, std::tuple<int64_t, std::string, std::string>> open;  // resident → (id, tier, status)
    std::unordered_set<int64_t> cases;
    TC_RETURN_IF_ERROR(store::QueryIn(c, "SELECT resident_id, id, ring, status FROM contacts WHERE removed_at IS NULL "
                                      "AND resident_id IN ", "", std::span<const int64_t>(ids), [&](const store::Row& r) {
                                        open[r.Int(0)] = {r.Int(1), r.Text(2), r.Text(3)};
                                      }));
    TC_RETURN_IF_ERROR(store::QueryIn(c, "SELECT resident_id FROM cases WHERE resident_id IN ", "", std::span<const int64_t>(ids),
                                      [&](const store::Row& r) { cases.insert(r.Int(0)); }));
    TC_ASSIGN_OR_RETURN(auto bulk, c.Bulk("contacts", {"resident_id", "household_code", "ring", "case_id",
                                                       "via_resident_id", "reason_kind", "venue_id", "exposure_at",
                                                       "reason", "status", "officer", "run_id", "listed_by",
                                                       "listed_at", "updated_at", "score", "terms"}));
    struct Upgrade {
      int64_t contact_id;
      std::string status;
      const ScoredExposure* e;
    };
    std::vector<Upgrade> upgrades;
    for (const auto* list : {&found.close, &found.secondary, &found.exposed}) {
      for (const ScoredExposure& e : *list) {
        if (cases.count(e.person)) {
          ++run.skipped_cases;
          continue;
        }
        const std::string tier(TierName(e.tier));
        auto it = open.find(e.person);
        if (it != open.end()) {
          const auto& [id, was, status] = it->second;
          if (TierRank(tier) < TierRank(was)) {
            upgrades.push_back({id, status, &e});
          } else {
            ++run.already;
          }
          continue;
        }
        auto p = person_by_id.find(e.person);
        const std::string household = p == person_by_id.end() ? "" : p->second->household_code;
        const int64_t case_id = e.tier != Tier::kSecondary ? case_of_person[e.source] : case_behind[e.source];
        const auto terms = terms_of(e, e.tier);
        TC_RETURN_IF_ERROR(bulk->Add({int64_t{e.person}, household, tier, OptInt(case_id),
                                      e.tier == Tier::kSecondary ? OptInt(e.source) : store::Value{},
                                      e.household ? "household" : "venue",
                                      e.venue ? store::Value{int64_t{e.venue}} : store::Value{}, ToMillis(e.at),
                                      reason_of(terms), "pending", "", run.run_id, by.name, now, now, e.risk(),
                                      nlohmann::json(terms).dump()}));
        ++run.listed;
      }
    }
    TC_RETURN_IF_ERROR(bulk->Finish().status());
    for (const Upgrade& u : upgrades) {
      const ScoredExposure& e = *u.e;
      const auto& statuses = TierStatuses(e.tier);
      // A status the new tier does not have (monitoring → quarantine) restarts at notified.
      const bool keeps = std::find(statuses.begin(), statuses.end(), u.status) != statuses.end();
      const int64_t case_id = e.tier != Tier::kSecondary ? case_of_person[e.source] : case_behind[e.source];
      const auto terms = terms_of(e, e.tier);
      TC_RETURN_IF_ERROR(c.Exec("UPDATE contacts SET ring = ?, case_id = ?, via_resident_id = ?, reason_kind = ?, "
                                "venue_id = ?, exposure_at = ?, reason = ?, run_id = ?, score = ?, terms = ?, "
                                "status = ?, updated_at = ? WHERE id = ?",
                                {std::string(TierName(e.tier)), OptInt(case_id),
                                 e.tier == Tier::kSecondary ? OptInt(e.source) : store::Value{},
                                 e.household ? "household" : "venue",
                                 e.venue ? store::Value{int64_t{e.venue}} : store::Value{}, ToMillis(e.at),
                                 reason_of(terms), run.run_id, e.risk(), nlohmann::json(terms).dump(),
                                 keeps ? u.status : std::string("notified"), now, u.contact_id})
                             .status());
      ++run.upgraded;
    }
    TC_RETURN_IF_ERROR(
        c.Exec("UPDATE tracing_runs SET listed = ? WHERE id = ?", {run.listed + run.upgraded, run.run_id}).status());
    // ContactListed, in chunks of 1,000 people, for the modules that act on contacts:
    // each with its tier (and, as before, `ring` naming it too).
    TC_ASSIGN_OR_RETURN(auto listed, c.Query("SELECT id, resident_id, ring, household_code, score FROM contacts "
                                             "WHERE run_id = ? ORDER BY id",
                                             {run.run_id}));
    for (size_t i = 0; i < listed.size(); i += 1000) {
      nlohmann::json items = nlohmann::json::array();
      for (size_t k = i; k < std::min(listed.size(), i + 1000); ++k) {
        items.push_back({{"contact_id", listed[k].Int(0)},
                         {"resident_id", listed[k].Int(1)},
                         {"tier", listed[k].Text(2)},
                         {"ring", listed[k].Text(2)},
                         {"household_code", listed[k].Text(3)},
                         {"score", listed[k].IsNull(4) ? nlohmann::json(nullptr) : nlohmann::json(listed[k].Double(4))}});
      }
      nlohmann::json event = {{"run_id", run.run_id}, {"tier_rules_version", rules.version}, {"contacts", items}};
      TC_RETURN_IF_ERROR(events::Publish(c, "ContactListed", event.dump(), now));
    }
    nlohmann::json detail = {{"case_ids", req.case_ids},
                             {"close_found", run.close_found},
                             {"secondary_found", run.secondary_found},
                             {"exposed_found", run.exposed_found},
                             {"ring_found", run.ring_found},
                             {"listed", run.listed},
                             {"upgraded", run.upgraded},
                             {"params", params}};
    return audit::Append(c,
                         {.actor = by.name, .action = "trace.run", .target = "run:" + std::to_string(run.run_id),
                          .area_path = "/", .detail = detail.dump(), .request_id = by.request_id},
                         now);
  }));
  return run;
}

Result<std::vector<ContactEntry>> Cases::Contacts(const ContactListQuery& q) {
  std::vector<std::pair<std::string, store::Value>> equal;
  if (!q.ring.empty()) equal.emplace_back("ring", q.ring);
  if (!q.status.empty()) equal.emplace_back("status", q.status);
  if (q.case_id) equal.emplace_back("case_id", q.case_id);
  if (q.run_id) equal.emplace_back("run_id", q.run_id);
  return ListScoped<ContactEntry>(store_, std::string("SELECT ") + kContactColumns + " FROM contacts", q.scope,
                                  q.after_id, equal, q.include_removed ? "" : " AND removed_at IS NULL", q.limit,
                                  ContactFromRow);
}

Result<ContactEntry> Cases::GetContact(int64_t id) {
  ContactEntry out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(out, ContactIn(c, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<StatusChange>> Cases::ContactHistory(int64_t id) {
  std::vector<StatusChange> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT from_status, to_status, officer, note, at FROM "
                                           "contact_status_history WHERE contact_id = ? ORDER BY id",
                                           {id}));
    for (const auto& r : rows.rows) out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4)});
    return Status::Ok();
  }));
  return out;
}

Result<ContactEntry> Cases::SetContactStatus(int64_t id, std::string_view status, std::string_view officer,
                                             std::string_view note, const audit::Actor& by) {
  if (StatusRank("close", status) < 0 && StatusRank("exposed", status) < 0) {
    return FieldInvalid("status", "status must be one of pending, notified, quarantined, monitoring, released");
  }
  if (officer.empty() || officer.size() > 100) return FieldInvalid("officer", "officer is required (≤ 100 bytes)");
  if (note.size() > 2000) return FieldInvalid("note", "note is longer than 2000 bytes");
  const Millis now = clock_.Now();
  ContactEntry out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(ContactEntry before, ContactIn(c, id));
    if (before.removed_at) return Conflict("contact " + std::to_string(id) + " was removed from the list");
    Tier tier;
    if (!ParseTier(before.ring, &tier)) tier = Tier::kClose;
    const std::string order = Joined(TierStatuses(tier), " → ");
    if (StatusRank(before.ring, status) < 0) {
      return FieldInvalid("status", "contact " + std::to_string(id) + " is in the " + before.ring +
                                        " tier, whose statuses are " + order);
    }
    if (StatusRank(before.ring, status) <= StatusRank(before.ring, before.status)) {
      return Conflict("contact " + std::to_string(id) + " is already '" + before.status +
                      "'; status moves forward only (" + order + ")");
    }
    TC_RETURN_IF_ERROR(c.Exec("UPDATE contacts SET status = ?, officer = ?, updated_at = ? WHERE id = ?",
                              {std::string(status), std::string(officer), now, id})
                           .status());
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO contact_status_history (contact_id, from_status, to_status, officer, "
                              "note, at) VALUES (?, ?, ?, ?, ?, ?)",
                              {id, before.status, std::string(status), std::string(officer), std::string(note), now})
                           .status());
    TC_ASSIGN_OR_RETURN(auto path, HouseholdPath(c, before.household_code));
    nlohmann::json detail = {{"status", {{"from", before.status}, {"to", status}}}, {"officer", officer}};
    TC_RETURN_IF_ERROR(Audit(c, by, "contact.status", "contact:" + std::to_string(id), path, detail, now));
    TC_ASSIGN_OR_RETURN(out, ContactIn(c, id));
    nlohmann::json event = {{"contact_id", id},        {"resident_id", before.resident_id},
                            {"tier", before.ring},     {"from", before.status},
                            {"to", std::string(status)}, {"household_code", before.household_code}};
    return events::Publish(c, "ContactStatusChanged", event.dump(), now);
  }));
  return out;
}

std::vector<Result<ContactEntry>> Cases::SetContactStatuses(std::span<const int64_t> ids, std::string_view status,
                                                            std::string_view officer, std::string_view note,
                                                            const audit::Actor& by) {
  std::vector<Result<ContactEntry>> out;
  out.reserve(ids.size());
  for (int64_t id : ids) out.push_back(SetContactStatus(id, status, officer, note, by));
  return out;
}

Result<ContactEntry> Cases::AddContact(int64_t resident_id, std::string_view ring, int64_t case_id,
                                       std::string_view reason, const audit::Actor& by) {
  Tier tier;
  if (!ParseTier(ring, &tier)) {
    return FieldInvalid("ring", "unknown tier '" + std::string(ring) + "' (close, secondary or exposed)");
  }
  if (reason.empty() || reason.size() > 2000) return FieldInvalid("reason", "a reason is required (≤ 2000 bytes)");
  const Millis now = clock_.Now();
  ContactEntry out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    auto person = registry::Person(c, resident_id);
    if (!person.ok() && person.status().code() != StatusCode::kNotFound) return person.status();
    if (!person.ok() || person->status != "active") {
      return FieldInvalid("resident_id", "resident " + std::to_string(resident_id) + " does not exist or is merged");
    }
    if (case_id) {
      auto k = CaseIn(c, case_id);
      if (!k.ok()) return FieldInvalid("case_id", "case " + std::to_string(case_id) + " does not exist");
    }
    TC_ASSIGN_OR_RETURN(auto is_case, c.Query("SELECT id FROM cases WHERE resident_id = ?", {resident_id}));
    if (!is_case.empty()) {
      return Conflict("resident " + std::to_string(resident_id) + " is case " + std::to_string(is_case[0].Int(0)));
    }
    TC_ASSIGN_OR_RETURN(auto open, c.Query("SELECT id, ring FROM contacts WHERE resident_id = ? AND removed_at IS NULL",
                                           {resident_id}));
    if (!open.empty()) {
      return Conflict("resident " + std::to_string(resident_id) + " is already listed as contact " +
                      std::to_string(open[0].Int(0)) + " (" + open[0].Text(1) + ")");
    }
    const std::string household = person->household_code;
    TC_ASSIGN_OR_RETURN(auto ins, c.Query("INSERT INTO contacts (resident_id, household_code, ring, case_id, "
                                          "reason_kind, reason, status, listed_by, listed_at, updated_at) "
                                          "VALUES (?, ?, ?, ?, 'manual', ?, 'pending', ?, ?, ?) RETURNING id",
                                          {resident_id, household, std::string(ring), OptInt(case_id),
                                           std::string(reason), by.name, now, now}));
    TC_ASSIGN_OR_RETURN(out, ContactIn(c, ins[0].Int(0)));
    TC_ASSIGN_OR_RETURN(auto path, HouseholdPath(c, household));
    nlohmann::json detail = {{"resident_id", resident_id}, {"ring", ring}, {"reason", reason}};
    TC_RETURN_IF_ERROR(Audit(c, by, "contact.add", "contact:" + std::to_string(out.id), path, detail, now));
    nlohmann::json event = {{"run_id", nullptr},
                            {"contacts",
                             {{{"contact_id", out.id},
                               {"resident_id", resident_id},
                               {"tier", ring},
                               {"ring", ring},
                               {"household_code", household},
                               {"score", nullptr}}}}};
    return events::Publish(c, "ContactListed", event.dump(), now);
  }));
  return out;
}

Result<ContactEntry> Cases::RemoveContact(int64_t id, std::string_view reason, const audit::Actor& by) {
  if (reason.empty() || reason.size() > 2000) return FieldInvalid("reason", "a reason is required (≤ 2000 bytes)");
  const Millis now = clock_.Now();
  ContactEntry out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(ContactEntry before, ContactIn(c, id));
    if (before.removed_at) return Conflict("contact " + std::to_string(id) + " was already removed");
    TC_RETURN_IF_ERROR(c.Exec("UPDATE contacts SET removed_at = ?, removed_reason = ?, updated_at = ? WHERE id = ?",
                              {now, std::string(reason), now, id})
                           .status());
    TC_ASSIGN_OR_RETURN(auto path, HouseholdPath(c, before.household_code));
    nlohmann::json detail = {{"resident_id", before.resident_id}, {"reason", reason}};
    TC_RETURN_IF_ERROR(Audit(c, by, "contact.remove", "contact:" + std::to_string(id), path, detail, now));
    TC_ASSIGN_OR_RETURN(out, ContactIn(c, id));
    nlohmann::json event = {{"contact_id", id}, {"resident_id", before.resident_id}, {"tier", before.ring},
                            {"reason", std::string(reason)}};
    return events::Publish(c, "ContactRemoved", event.dump(), now);
  }));
  return out;
}

namespace {

// The first n cases by report date (then id), as (case id, resident id, report ms).
Result<std::vector<std::tuple<int64_t, int64_t, Millis>>> FirstCases(store::Store& store, int n) {
  std::vector<std::tuple<int64_t, int64_t, Millis>> out;
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, resident_id, report_date FROM cases "
                                           "ORDER BY report_date, id LIMIT ?",
                                           {int64_t{n}}));
    for (const auto& r : rows.rows) {
      TC_ASSIGN_OR_RETURN(Millis report, ParseDate(r.Text(2), "report_date"));
      out.emplace_back(r.Int(0), r.Int(1), report);
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace

Result<SourceRanking> Cases::RankSourcesOfFirst(int n, size_t top) {
  if (n < 1 || n > 10'000) return FieldInvalid("n", "n must be 1–10,000");
  TC_ASSIGN_OR_RETURN(auto first, FirstCases(store_, n));
  if (first.empty()) return NotFound("there are no cases");
  // Each case's trajectory over the 14 days up to the end of its report day.
  std::vector<CaseWindow> windows;
  for (const auto& [id, person, report] : first) {
    windows.push_back({static_cast<uint32_t>(person), ToMinute(report - 14 * kDayMs), ToMinute(report + kDayMs) - 1});
  }
  SourceRanking out;
  out.n = static_cast<int>(first.size());
  TC_ASSIGN_OR_RETURN(out.top, tracing_.Sources(windows, top));
  return out;
}

namespace {

Result<std::vector<TierRules>> StoredTierRules(store::Conn& c, bool newest_only) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT version, rules, changed_by, changed_at FROM tier_rules "
                                                     "ORDER BY version DESC") +
                                         (newest_only ? " LIMIT 1" : "")));
  std::vector<TierRules> out;
  for (const auto& r : rows.rows) {
    auto parsed = ParseTierRules(r.Text(1), TierRules{});
    if (!parsed.ok()) {
      return Internal("tier rules version " + r.Text(0) + " no longer parse: " + parsed.status().message());
    }
    parsed->version = r.Int(0);
    parsed->changed_by = r.Text(2);
    parsed->changed_at = r.Int(3);
    out.push_back(std::move(*parsed));
  }
  return out;
}

}  // namespace

Result<TierRules> Cases::CurrentTierRules() {
  TierRules out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto stored, StoredTierRules(c, true));
    if (!stored.empty()) out = std::move(stored[0]);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<TierRules>> Cases::TierRulesHistory() {
  std::vector<TierRules> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(out, StoredTierRules(c, false));
    return Status::Ok();
  }));
  return out;
}

Result<TierRules> Cases::SetTierRules(std::string_view json, std::string_view reason, const audit::Actor& by) {
  if (reason.empty() || reason.size() > 2000) return FieldInvalid("reason", "a reason is required (≤ 2000 bytes)");
  const Millis now = clock_.Now();
  TierRules out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto stored, StoredTierRules(c, true));
    const TierRules base = stored.empty() ? TierRules{} : stored[0];
    TC_ASSIGN_OR_RETURN(out, ParseTierRules(json, base));
    out.changed_by = by.name;
    out.changed_at = now;
    TC_ASSIGN_OR_RETURN(auto ins, c.Query("INSERT INTO tier_rules (rules, changed_by, changed_at, reason) "
                                          "VALUES (?, ?, ?, ?) RETURNING version",
                                          {TierRulesJson(out), by.name, now, std::string(reason)}));
    out.version = ins[0].Int(0);
    nlohmann::json detail = {{"version", out.version},
                             {"from_version", base.version},
                             {"reason", reason},
                             {"rules", nlohmann::json::parse(TierRulesJson(out))}};
    return Audit(c, by, "tracing.tier_rules", "tier_rules:" + std::to_string(out.version), "/", detail, now);
  }));
  return out;
}

Result<std::vector<Case>> Cases::OfResidents(std::span<const int64_t> resident_ids) {
  std::vector<Case> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) {
    return store::QueryIn(c, std::string("SELECT ") + kCaseColumns + " FROM cases WHERE resident_id IN ", "",
                          resident_ids, [&](const store::Row& r) { out.push_back(CaseFromRow(r)); });
  }));
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.id < b.id; });
  return out;
}

}  // namespace tc::tracing
