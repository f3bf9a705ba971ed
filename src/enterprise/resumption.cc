// Resumption by filing (复工备案): filings with their plan and roster, the opening,
// employees' daily health declarations, the resumption and capacity rates and their
// daily history.
#include <algorithm>
#include <unordered_set>
#include <nlohmann/json.hpp>

#include "enterprise/enterprises.h"
#include "enterprise/internal/shared.h"
#include "registry/id_number.h"
#include "registry/lookup.h"

namespace tc::enterprise {

namespace {

constexpr size_t kMaxRoster = 100'000;
constexpr double kFever = 37.3;

nlohmann::json PlanJson(const FilingInput& in) {
  return {{"responsible", in.responsible},
          {"responsible_phone", in.responsible_phone},
          {"measures", in.measures},
          {"isolation_point", in.isolation_point},
          {"supply_days", in.supply_days}};
}

Filing FilingFromRow(const store::Row& r) {
  Filing f;
  f.id = r.Int(0);
  f.enterprise_id = r.Int(1);
  f.status = r.Text(2);
  f.plan_json = r.Text(3);
  f.staff_before = r.Int(4);
  f.roster_count = r.Int(5);
  f.open_on = r.Text(6);
  auto reasons = nlohmann::json::parse(r.Text(7), nullptr, false);
  if (reasons.is_array()) {
    for (const auto& x : reasons) f.reasons.push_back(x.get<std::string>());
  }
  f.filed_by = r.Text(8);
  f.filed_at = r.Int(9);
  f.opened_at = r.Int(10);
  return f;
}

constexpr const char* kFilingColumns =
    "id, enterprise_id, status, plan, staff_before, roster_count, open_on, reasons, filed_by, filed_at, opened_at";

}  // namespace

Result<std::string> Enterprises::PathInScope(int64_t enterprise_id, const Scope& scope) const {
  std::shared_lock lock(st_->mu);
  const Slot* s = st_->Find(enterprise_id);
  if (s == nullptr || !st_->InScope(*s, scope)) return NoSuch("enterprise " + std::to_string(enterprise_id));
  return st_->paths[s->path];
}

Result<Filing> Enterprises::File(int64_t enterprise_id, const FilingInput& in, const Scope& scope,
                                 const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(std::string path, PathInScope(enterprise_id, scope));
  // Malformed input: refused whole, naming the field.
  Status bad = InvalidArgument("filing for enterprise " + std::to_string(enterprise_id) + " is invalid");
  if (!in.open_on.empty()) {
    if (auto s = ValidDay(in.open_on, "open_on"); !s.ok()) bad.AddFieldError("open_on", s.message());
  }
  if (in.staff_before < 0 || in.staff_before > 10'000'000) bad.AddFieldError("staff_before", "must be 0–10,000,000");
  if (in.supply_days < 0 || in.supply_days > 3650) bad.AddFieldError("supply_days", "must be 0–3650");
  if (in.roster.size() > kMaxRoster) bad.AddFieldError("roster", "has more than 100,000 people");
  if (in.measures.size() > 100) bad.AddFieldError("measures", "has more than 100 items");
  if (!in.responsible_phone.empty()) {
    if (auto p = registry::ParsePhone(in.responsible_phone, "responsible_phone"); !p.ok()) {
      bad.AddFieldError("responsible_phone", p.status().message());
    }
  }
  const int today = registry::TodayShanghai();
  std::vector<RosterEntry> roster;
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < in.roster.size(); ++i) {
    const auto& r = in.roster[i];
    const std::string at = "roster[" + std::to_string(i) + "]";
    RosterEntry x = r;
    if (r.name.empty() || r.name.size() > 100) bad.AddFieldError(at + ".name", "is required (at most 100 bytes)");
    auto id = registry::ParseIdNumber(r.id_number, today, at + ".id_number");
    if (!id.ok()) {
      bad.AddFieldError(at + ".id_number", id.status().message());
    } else {
      x.id_number = id->normalized;
      if (auto [it, fresh] = seen.try_emplace(x.id_number, i); !fresh) {
        bad.AddFieldError(at + ".id_number", "is also roster[" + std::to_string(it->second) + "]");
      }
    }
    if (!r.phone.empty()) {
      if (auto p = registry::ParsePhone(r.phone, at + ".phone"); p.ok()) {
        x.phone = *p;
      } else {
        bad.AddFieldError(at + ".phone", p.status().message());
      }
    }
    roster.push_back(std::move(x));
  }
  if (!bad.field_errors().empty()) return bad;

  // Required items: a filing without them is returned with the reasons.
  std::vector<std::string> reasons;
  if (in.responsible.empty()) reasons.push_back("plan.responsible: no one is named responsible for epidemic prevention");
  if (in.responsible_phone.empty()) reasons.push_back("plan.responsible_phone: the responsible person's phone is missing");
  if (in.measures.empty()) reasons.push_back("plan.measures: no prevention measures are listed");
  if (!in.isolation_point) reasons.push_back("plan.isolation_point: no temporary isolation point is set up");
  if (in.supply_days < 7) reasons.push_back("plan.supply_days: protective supplies for at least 7 days are required");
  if (in.staff_before <= 0) reasons.push_back("staff_before: the number of staff before the epidemic is missing");
  if (roster.empty()) reasons.push_back("roster: the employee roster is empty");
  if (in.open_on.empty()) reasons.push_back("open_on: the planned opening day is missing");
  std::string status = reasons.empty() ? "filed" : "returned";
  if (status == "filed") {
    std::shared_lock lock(st_->mu);
    const Slot* s = st_->Find(enterprise_id);
    const std::string high = st_->HighRiskOf(path);
    if (!high.empty() && st_->Wartime(s->district)) {
      auto n = st_->area_names.find(high);
      reasons.push_back("held: " + (n == st_->area_names.end() ? high : n->second) +
                        " is a high-risk area and its district is in wartime; the filing takes effect when the level is lifted");
      status = "held";
    }
  }

  const Millis now = clock_.Now();
  std::lock_guard write(st_->write_mu);
  Filing out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto cur, c.Query("SELECT resumption FROM enterprises WHERE id = ?", {enterprise_id}));
    const std::string before = cur.empty() ? "not_filed" : cur[0].Text(0);
    // A returned filing leaves a filed or open enterprise as it was.
    std::string resumption = before;
    if (status == "filed") {
      resumption = before == "open" ? "open" : "filed";
    } else if (status == "held") {
      resumption = before == "open" ? "open" : "held";
    } else if (before == "not_filed" || before == "returned") {
      resumption = "returned";
    }
    if (status != "returned") {
      TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprise_filings SET status = 'superseded' WHERE enterprise_id = ? AND "
                                "status IN ('filed', 'held')",
                                {enterprise_id})
                             .status());
    }
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO enterprise_filings (enterprise_id, status, plan, staff_before, "
                                           "roster_count, open_on, reasons, filed_by, filed_at, opened_at) VALUES "
                                           "(?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id",
                                           {enterprise_id, status, PlanJson(in).dump(), in.staff_before,
                                            int64_t(roster.size()), in.open_on, nlohmann::json(reasons).dump(),
                                            by.name, now}));
    out.id = rows[0].Int(0);
    if (status != "returned") {
      // The roster: upserted by ID number, linked to the registry's residents.
      std::vector<std::string> numbers;
      for (const auto& r : roster) numbers.push_back(r.id_number);
      TC_ASSIGN_OR_RETURN(auto people, registry::PeopleByIdNumber(c, numbers));
      std::unordered_map<std::string, int64_t> resident;
      for (const auto& p : people) resident[p.id_number] = p.id;
      for (const auto& r : roster) {
        auto rid = resident.find(r.id_number);
        TC_RETURN_IF_ERROR(
            c.Exec("INSERT INTO enterprise_employees (enterprise_id, name, id_number, phone, resident_id, status, back, "
                   "created_at) VALUES (?, ?, ?, ?, ?, 'active', 0, ?) ON CONFLICT (enterprise_id, id_number) DO UPDATE "
                   "SET name = excluded.name, phone = excluded.phone, resident_id = excluded.resident_id, "
                   "status = 'active'",
                   {enterprise_id, r.name, r.id_number, r.phone, rid == resident.end() ? int64_t{0} : rid->second, now})
                .status());
      }
      // Whoever is no longer on the roster has left.
      std::unordered_set<std::string> listed(numbers.begin(), numbers.end());
      TC_ASSIGN_OR_RETURN(auto staff, c.Query("SELECT id, id_number FROM enterprise_employees WHERE enterprise_id = ? AND "
                                              "status = 'active'",
                                              {enterprise_id}));
      for (const auto& s : staff.rows) {
        if (!listed.contains(s.Text(1))) {
          TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprise_employees SET status = 'left', back = 0 WHERE id = ?", {s.Int(0)}).status());
        }
      }
      TC_ASSIGN_OR_RETURN(auto back, c.Query("SELECT COUNT(*) FROM enterprise_employees WHERE enterprise_id = ? AND "
                                             "status = 'active' AND back = 1",
                                             {enterprise_id}));
      TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprises SET employees = CASE WHEN ? > 0 THEN ? ELSE employees END, "
                                "staff_back = ?, updated_at = ? WHERE id = ?",
                                {in.staff_before, in.staff_before, back[0].Int(0), now, enterprise_id})
                             .status());
    }
    TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprises SET resumption = ?, updated_at = ? WHERE id = ?",
                              {resumption, now, enterprise_id})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "enterprise.file", .target = "enterprise:" + std::to_string(enterprise_id),
                             .area_path = path,
                             .detail = nlohmann::json{{"filing", out.id}, {"status", status}, {"reasons", reasons}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  TC_RETURN_IF_ERROR(Reload(enterprise_id));
  TC_RETURN_IF_ERROR(RematchOne(enterprise_id, by));
  out.enterprise_id = enterprise_id;
  out.status = status;
  out.plan_json = PlanJson(in).dump();
  out.staff_before = in.staff_before;
  out.roster_count = int64_t(roster.size());
  out.open_on = in.open_on;
  out.reasons = reasons;
  out.filed_by = by.name;
  out.filed_at = now;
  return out;
}

Result<std::vector<Filing>> Enterprises::Filings(int64_t enterprise_id, const Scope& scope) const {
  TC_RETURN_IF_ERROR(PathInScope(enterprise_id, scope).status());
  return store_.ReadAll<Filing>(std::string("SELECT ") + kFilingColumns +
                                    " FROM enterprise_filings WHERE enterprise_id = ? ORDER BY id DESC",
                                {enterprise_id}, FilingFromRow);
}

Result<EnterpriseView> Enterprises::DeclareOpen(int64_t enterprise_id, const Scope& scope, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(std::string path, PathInScope(enterprise_id, scope));
  const Millis now = clock_.Now();
  std::lock_guard write(st_->write_mu);
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto cur, c.Query("SELECT resumption FROM enterprises WHERE id = ?", {enterprise_id}));
    const std::string state = cur.empty() ? "" : cur[0].Text(0);
    if (state == "open") return Conflict("enterprise " + std::to_string(enterprise_id) + " is already open");
    if (state != "filed") {
      return Conflict("enterprise " + std::to_string(enterprise_id) + " is " + state +
                      "; opening needs a filed resumption filing");
    }
    TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprise_filings SET opened_at = ? WHERE enterprise_id = ? AND status = 'filed'",
                              {now, enterprise_id})
                           .status());
    TC_RETURN_IF_ERROR(
        c.Exec("UPDATE enterprises SET resumption = 'open', updated_at = ? WHERE id = ?", {now, enterprise_id}).status());
    return audit::Append(c, {.actor = by.name, .action = "enterprise.open", .target = "enterprise:" + std::to_string(enterprise_id),
                             .area_path = path, .request_id = by.request_id},
                         now);
  }));
  TC_RETURN_IF_ERROR(Reload(enterprise_id));
  TC_RETURN_IF_ERROR(RematchOne(enterprise_id, by));
  return Get(enterprise_id, scope);
}

Result<std::vector<Employee>> Enterprises::Roster(int64_t enterprise_id, const Scope& scope) const {
  TC_RETURN_IF_ERROR(PathInScope(enterprise_id, scope).status());
  return store_.ReadAll<Employee>(
      "SELECT id, enterprise_id, resident_id, name, id_number, phone, status, back FROM enterprise_employees "
      "WHERE enterprise_id = ? ORDER BY id",
      {enterprise_id}, [](const store::Row& r) {
        return Employee{r.Int(0), r.Int(1), r.Int(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Int(7) != 0};
      });
}

Status Enterprises::AuditUnmaskedRoster(int64_t enterprise_id, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(std::string path, PathInScope(enterprise_id, Scope{}));
  return store_.Tx([&](store::Conn& c) -> Status {
    return audit::Append(c, {.actor = by.name, .action = "enterprise.roster.unmask",
                             .target = "enterprise:" + std::to_string(enterprise_id), .area_path = path,
                             .request_id = by.request_id},
                         clock_.Now());
  });
}

Result<DeclareReport> Enterprises::Declare(int64_t enterprise_id, std::string_view day_in,
                                           std::span<const Declaration> ds, const Scope& scope,
                                           const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(std::string path, PathInScope(enterprise_id, scope));
  const std::string day = day_in.empty() ? Today(clock_) : std::string(day_in);
  TC_RETURN_IF_ERROR(ValidDay(day, "day"));
  if (ds.empty()) return FieldInvalid("declarations", "is empty");
  if (ds.size() > kMaxRoster) return FieldInvalid("declarations", "has more than 100,000 entries");
  Status bad = InvalidArgument("declarations for enterprise " + std::to_string(enterprise_id) + " are invalid");
  for (size_t i = 0; i < ds.size(); ++i) {
    const std::string at = "declarations[" + std::to_string(i) + "]";
    if (!(ds[i].temperature >= 34 && ds[i].temperature <= 43)) {
      bad.AddFieldError(at + ".temperature", "must be 34–43 °C");
    }
    if (ds[i].employee_id <= 0 && ds[i].id_number.empty()) bad.AddFieldError(at, "names no employee (employee_id or id_number)");
    if (ds[i].symptoms.size() > 400) bad.AddFieldError(at + ".symptoms", "is longer than 400 bytes");
  }
  if (!bad.field_errors().empty()) return bad;
  const Millis now = clock_.Now();
  DeclareReport rep;
  std::lock_guard write(st_->write_mu);
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto staff, c.Query("SELECT id, id_number FROM enterprise_employees WHERE enterprise_id = ? AND "
                                            "status = 'active'",
                                            {enterprise_id}));
    std::unordered_map<int64_t, bool> ids;
    std::unordered_map<std::string, int64_t> by_number;
    for (const auto& r : staff.rows) {
      ids[r.Int(0)] = true;
      by_number[r.Text(1)] = r.Int(0);
    }
    Status unknown = InvalidArgument("declarations for enterprise " + std::to_string(enterprise_id) + " name unknown employees");
    for (size_t i = 0; i < ds.size(); ++i) {
      const Declaration& d = ds[i];
      int64_t id = d.employee_id;
      if (id <= 0) {
        auto it = by_number.find(d.id_number);
        id = it == by_number.end() ? 0 : it->second;
      }
      if (!ids.contains(id)) {
        unknown.AddFieldError("declarations[" + std::to_string(i) + "]",
                              "is not an active employee on the roster of enterprise " + std::to_string(enterprise_id));
        continue;
      }
      const bool fever = d.temperature >= kFever || !d.symptoms.empty();
      const bool at_work = d.at_work && !fever;
      if (fever) rep.fever.push_back(id);
      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO enterprise_declarations (employee_id, day, enterprise_id, temperature, "
                                "symptoms, at_work, declared_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (employee_id, day) "
                                "DO UPDATE SET temperature = excluded.temperature, symptoms = excluded.symptoms, "
                                "at_work = excluded.at_work, declared_at = excluded.declared_at",
                                {id, day, enterprise_id, d.temperature, d.symptoms, int64_t{at_work}, now})
                             .status());
      TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprise_employees SET back = ? WHERE id = ?", {int64_t{at_work}, id}).status());
      ++rep.declared;
    }
    if (!unknown.field_errors().empty()) return unknown;
    TC_ASSIGN_OR_RETURN(auto back, c.Query("SELECT COUNT(*) FROM enterprise_employees WHERE enterprise_id = ? AND "
                                           "status = 'active' AND back = 1",
                                           {enterprise_id}));
    rep.staff_back = back[0].Int(0);
    TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprises SET staff_back = ?, updated_at = ? WHERE id = ?",
                              {rep.staff_back, now, enterprise_id})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "enterprise.declare", .target = "enterprise:" + std::to_string(enterprise_id),
                             .area_path = path,
                             .detail = nlohmann::json{{"day", day}, {"declared", rep.declared}, {"fever", rep.fever.size()}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  TC_RETURN_IF_ERROR(Reload(enterprise_id));
  TC_RETURN_IF_ERROR(RematchOne(enterprise_id, by));
  return rep;
}

Result<RatesAnswer> Enterprises::Rates(std::string_view group_by, const Scope& scope, std::string_view industry,
                                       std::string_view district) const {
  if (group_by != "industry" && group_by != "district" && group_by != "size" && group_by != "above_scale") {
    return FieldInvalid("group_by", "'" + std::string(group_by) + "' is not industry, district, size or above_scale");
  }
  if (!industry.empty() && (industry.size() != 1 || industry[0] < 'A' || industry[0] > 'T')) {
    return FieldInvalid("industry", "'" + std::string(industry) + "' is not a section letter A–T");
  }
  std::shared_lock lock(st_->mu);
  const auto& st = *st_;
  int di = -1;
  if (!district.empty()) {
    auto it = st.district_index.find(std::string(district));
    if (it == st.district_index.end()) return FieldInvalid("district", "'" + std::string(district) + "' is not a district");
    di = it->second;
  }
  const int ind = industry.empty() ? -1 : industry[0] - 'A';
  // Keys of the groups.
  auto key_of = [&](int industry_i, int district_i, int size_i, bool above) -> std::pair<std::string, std::string> {
    if (group_by == "industry") return {std::string(1, char('A' + industry_i)), ""};
    if (group_by == "district") return {st.districts[district_i].code, st.districts[district_i].name};
    if (group_by == "size") return {kSizeNames[size_i], ""};
    return {above ? "above_scale" : "below_scale", ""};
  };
  std::map<std::string, RateRow> groups;
  RatesAnswer out;
  auto add = [&](const std::string& key, const std::string& name, const Counter& c) {
    RateRow& g = groups[key];
    g.key = key;
    g.name = name;
    g.enterprises += c.enterprises, g.filed += c.filed, g.opened += c.opened, g.above_scale += c.above_scale;
    g.above_scale_open += c.above_scale_open, g.staff_before += c.staff_before, g.staff_back += c.staff_back;
  };
  const bool city = scope.enterprise_id == 0 && (scope.under_path.empty() || scope.under_path == "/");
  int scope_district = -1;
  if (!city && scope.enterprise_id == 0) {
    for (size_t d = 0; d < st.districts.size(); ++d) {
      if (st.districts[d].path == scope.under_path) scope_district = int(d);
    }
  }
  if ((city || scope_district >= 0) && group_by != "above_scale") {
    // The counters: one cell per industry × district × size.
    for (int i = 0; i < kSections; ++i) {
      if (ind >= 0 && i != ind) continue;
      for (size_t d = 0; d < st.districts.size(); ++d) {
        if ((di >= 0 && int(d) != di) || (scope_district >= 0 && int(d) != scope_district)) continue;
        for (int s = 0; s < kSizes; ++s) {
          const Counter& c = st.cells[(size_t(i) * st.districts.size() + d) * kSizes + s];
          if (c.enterprises == 0) continue;
          auto [k, n] = key_of(i, int(d), s, false);
          add(k, n, c);
        }
      }
    }
  } else {
    // A narrower scope (a street, one enterprise) or above/below scale: walk the slots.
    for (const Slot& s : st.slots) {
      if (!s.active || s.district < 0 || !st.InScope(s, scope)) continue;
      if ((ind >= 0 && s.industry != ind) || (di >= 0 && s.district != di)) continue;
      Counter c;
      c.Add(s, 1);
      auto [k, n] = key_of(s.industry, s.district, s.size, s.above_scale);
      add(k, n, c);
    }
  }
  for (auto& [k, g] : groups) {
    out.total.enterprises += g.enterprises, out.total.filed += g.filed, out.total.opened += g.opened;
    out.total.above_scale += g.above_scale, out.total.above_scale_open += g.above_scale_open;
    out.total.staff_before += g.staff_before, out.total.staff_back += g.staff_back;
    out.rows.push_back(g);
  }
  out.total.key = "total";
  return out;
}

Status Enterprises::SnapshotDay(std::string_view day) {
  TC_RETURN_IF_ERROR(ValidDay(day, "day"));
  std::vector<std::pair<std::string, RateRow>> rows;
  for (const char* dim : {"industry", "district", "size"}) {
    TC_ASSIGN_OR_RETURN(auto r, Rates(dim, Scope{}));
    for (auto& row : r.rows) rows.emplace_back(dim, row);
    if (std::string_view(dim) == "industry") rows.emplace_back("city", r.total);
  }
  return store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("DELETE FROM enterprise_rate_history WHERE day = ?", {std::string(day)}).status());
    for (const auto& [dim, r] : rows) {
      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO enterprise_rate_history (day, dim, dim_key, enterprises, filed, opened, "
                                "above_scale, above_scale_open, staff_before, staff_back) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                {std::string(day), dim, dim == "city" ? std::string("city") : r.key, r.enterprises,
                                 r.filed, r.opened, r.above_scale, r.above_scale_open, r.staff_before, r.staff_back})
                             .status());
    }
    return Status::Ok();
  });
}

Result<std::vector<HistoryRow>> Enterprises::History(std::string_view dim, std::string_view key, std::string_view from,
                                                     std::string_view to) const {
  if (dim != "industry" && dim != "district" && dim != "size" && dim != "city") {
    return FieldInvalid("dim", "'" + std::string(dim) + "' is not city, industry, district or size");
  }
  if (!from.empty()) TC_RETURN_IF_ERROR(ValidDay(from, "from"));
  if (!to.empty()) TC_RETURN_IF_ERROR(ValidDay(to, "to"));
  return store_.ReadAll<HistoryRow>(
      "SELECT day, dim_key, enterprises, filed, opened, above_scale, above_scale_open, staff_before, staff_back "
      "FROM enterprise_rate_history WHERE dim = ? AND dim_key = ? AND day >= ? AND day <= ? ORDER BY day",
      {std::string(dim), dim == "city" ? std::string("city") : std::string(key), std::string(from.empty() ? "0000" : from),
       std::string(to.empty() ? "9999" : to)},
      [](const store::Row& r) {
        HistoryRow h;
        h.day = r.Text(0);
        h.row.key = r.Text(1);
        h.row.enterprises = r.Int(2), h.row.filed = r.Int(3), h.row.opened = r.Int(4), h.row.above_scale = r.Int(5);
        h.row.above_scale_open = r.Int(6), h.row.staff_before = r.Int(7), h.row.staff_back = r.Int(8);
        return h;
      });
}

}  // namespace tc::enterprise
