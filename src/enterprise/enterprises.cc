// The enterprise registry: Open (the in-memory state from the store), events, create,
// update, reads, accounts. Resumption, services, policies and the economy's programmes
// are in their own files.
#include "enterprise/enterprises.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "enterprise/industry.h"
#include "enterprise/internal/shared.h"
#include "enterprise/uscc.h"
#include "hotline/hotline.h"
#include "registry/areas.h"
#include "registry/id_number.h"
#include "registry/lookup.h"

namespace tc::enterprise {

int SizeIndex(std::string_view size) {
  for (int i = 0; i < kSizes; ++i) {
    if (size == kSizeNames[i]) return i;
  }
  return -1;
}

int ResumptionIndex(std::string_view state) {
  for (int i = 0; i < int(std::size(kResumptionStates)); ++i) {
    if (state == kResumptionStates[i]) return i;
  }
  return -1;
}

std::string Today(const Clock& clock) { return DateShanghai(clock.Now()); }

Status ValidDay(std::string_view day, std::string_view field) {
  int y = 0, m = 0, d = 0;
  if (day.size() != 10 || std::sscanf(std::string(day).c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3 || day[4] != '-' ||
      day[7] != '-' || !DaysFromCivil(y, m, d).ok()) {
    return FieldInvalid(std::string(field), "'" + std::string(day) + "' is not a date YYYY-MM-DD");
  }
  return Status::Ok();
}

Facts FactsOf(const Enterprise& e, std::string_view resumption, int64_t staff_back, Millis now) {
  Facts f;
  f.industry = e.industry;
  f.division = e.division;
  f.size = e.size;
  f.district = e.district_code;
  f.resumption = std::string(resumption);
  f.above_scale = e.above_scale;
  f.key = e.key;
  f.high_tech = e.high_tech;
  f.specialised = e.specialised;
  f.employees = double(e.employees);
  f.revenue = e.revenue;
  f.revenue_prev = e.revenue_prev;
  // Percentages to two decimals, as people read and write them in rules ("revenue_drop >= 30").
  auto pct = [](double x) { return std::round(x * 100) / 100; };
  f.revenue_drop = e.revenue_prev > 0 && e.revenue < e.revenue_prev ? pct(100.0 * (e.revenue_prev - e.revenue) / e.revenue_prev) : 0;
  f.capacity_rate = e.employees > 0 ? pct(std::min(100.0, 100.0 * double(staff_back) / double(e.employees))) : 0;
  f.equipment_investment = e.equipment_investment;
  int y = 0, m = 0, d = 0;
  if (std::sscanf(e.founded_on.c_str(), "%4d-%2d-%2d", &y, &m, &d) == 3) {
    int ny = 0, nm = 0, nd = 0;
    CivilFromDays((now + kShanghaiOffsetMs) / 86'400'000, ny, nm, nd);
    int years = ny - y - ((nm < m || (nm == m && nd < d)) ? 1 : 0);
    f.age_years = std::max(0, years);
  }
  return f;
}

const char* const kEnterpriseColumns =
    "id, uscc, name, industry, division, size, above_scale, key_enterprise, high_tech, specialised, district_code, "
    "area_code, address, legal_rep, contact_name, contact_phone, employees, revenue, revenue_prev, "
    "equipment_investment, founded_on, status, created_at, updated_at, resumption, staff_back, area_path";

Enterprise EnterpriseFromRow(const store::Row& r, size_t i) {
  Enterprise e;
  e.id = r.Int(i++);
  e.uscc = r.Text(i++);
  e.name = r.Text(i++);
  e.industry = r.Text(i++);
  e.division = r.Text(i++);
  e.size = r.Text(i++);
  e.above_scale = r.Int(i++) != 0;
  e.key = r.Int(i++) != 0;
  e.high_tech = r.Int(i++) != 0;
  e.specialised = r.Int(i++) != 0;
  e.district_code = r.Text(i++);
  e.area_code = r.Text(i++);
  e.address = r.Text(i++);
  e.legal_rep = r.Text(i++);
  e.contact_name = r.Text(i++);
  e.contact_phone = r.Text(i++);
  e.employees = r.Int(i++);
  e.revenue = r.Double(i++);
  e.revenue_prev = r.Double(i++);
  e.equipment_investment = r.Double(i++);
  e.founded_on = r.Text(i++);
  e.status = r.Text(i++);
  e.created_at = r.Int(i++);
  e.updated_at = r.Int(i++);
  return e;
}

Enterprises::Enterprises(store::Store& store, const Clock& clock, hotline::Hotline* hotline)
    : store_(store), clock_(clock), hotline_(hotline), st_(std::make_unique<Shared>()) {}
Enterprises::~Enterprises() = default;

namespace {

Slot SlotOf(Enterprises::Shared& st, const Enterprise& e, std::string_view resumption, int64_t staff_back,
            const std::string& path) {
  Slot s;
  s.id = e.id;
  s.path = st.PathIndex(path);
  auto d = st.district_index.find(e.district_code);
  s.district = d == st.district_index.end() ? -1 : d->second;
  s.industry = uint8_t(std::clamp(e.industry.empty() ? 0 : e.industry[0] - 'A', 0, kSections - 1));
  s.size = uint8_t(std::max(0, SizeIndex(e.size)));
  s.resumption = uint8_t(std::max(0, ResumptionIndex(resumption)));
  s.above_scale = e.above_scale;
  s.key = e.key;
  s.active = e.status == "active";
  s.employees = e.employees;
  s.staff_back = staff_back;
  return s;
}

}  // namespace

void PlaceEnterprise(Enterprises::Shared& st, const Enterprise& e, std::string_view resumption, int64_t staff_back,
                  const std::string& path, Millis now) {
  Slot s = SlotOf(st, e, resumption, staff_back, path);
  auto [it, fresh] = st.slot_of.try_emplace(e.id, uint32_t(st.slots.size()));
  if (fresh) {
    st.slots.push_back(s);
    st.facts.Resize(st.slots.size());
  } else {
    st.Count(st.slots[it->second], -1);
    st.slots[it->second] = s;
  }
  st.Count(s, +1);
  if (!s.active) {
    st.facts.Clear(it->second);
  } else if (Status set = st.facts.Set(it->second, FactsOf(e, resumption, staff_back, now)); !set.ok()) {
    st.facts.Clear(it->second);  // a text fact past 65,536 distinct values: matches nothing, never wrongly
  }
}

Result<std::unique_ptr<Enterprises>> Enterprises::Open(store::Store& store, const Clock& clock,
                                                       hotline::Hotline* hotline) {
  std::unique_ptr<Enterprises> self(new Enterprises(store, clock, hotline));
  Shared& st = *self->st_;
  const Millis now = clock.Now();
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(registry::ForEachArea(c, [&](const registry::AreaNode& a) {
      if (a.level == "city" && st.city_code.empty()) {
        st.city_code = a.code;
        st.city_path = a.path;
      } else if (a.level == "district") {
        st.district_index[a.code] = int16_t(st.districts.size());
        st.districts.push_back({a.code, a.name, a.path, false});
      }
      if (a.level == "district" || a.level == "street" || a.level == "community") st.area_names[a.code] = a.name;
    }));
    TC_ASSIGN_OR_RETURN(auto risk, c.Query("SELECT area_code, area_path FROM enterprise_risk_areas WHERE level = 'high'"));
    for (const auto& r : risk.rows) st.risk_high[r.Text(1)] = r.Text(0);
    TC_ASSIGN_OR_RETURN(auto acc, c.Query("SELECT username, enterprise_id FROM enterprise_accounts"));
    for (const auto& r : acc.rows) st.accounts[r.Text(0)] = r.Int(1);
    TC_ASSIGN_OR_RETURN(auto li, c.Query("SELECT enterprise_id, username FROM enterprise_liaisons"));
    for (const auto& r : li.rows) st.liaison_of[r.Int(0)] = r.Text(1);
    return Status::Ok();
  }));
  st.cells.assign(size_t(kSections) * std::max<size_t>(1, st.districts.size()) * kSizes, Counter{});
  registry::Areas areas(store, clock);
  if (!st.city_code.empty()) {
    if (auto a = areas.Get(st.city_code); a.ok()) st.city_wartime = a->mode == registry::kWartime;
  }
  for (auto& d : st.districts) {
    if (auto a = areas.Get(d.code); a.ok()) d.wartime = a->mode == registry::kWartime;
  }
  // Every enterprise, in pages by id.
  int64_t after = 0;
  while (true) {
    int64_t read = 0;
    TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kEnterpriseColumns +
                                                 " FROM enterprises WHERE id > ? ORDER BY id LIMIT 20000",
                                             {after}));
      std::unique_lock lock(st.mu);
      st.slots.reserve(st.slots.size() + rows.size());
      for (const auto& r : rows.rows) {
        Enterprise e = EnterpriseFromRow(r);
        PlaceEnterprise(st, e, r.Text(24), r.Int(25), r.Text(26), now);
        after = e.id;
        ++read;
      }
      return Status::Ok();
    }));
    if (read == 0) break;
  }
  TC_RETURN_IF_ERROR(self->LoadPolicies());
  return self;
}

Status Enterprises::OnEvent(const events::Event& e) {
  if (e.type != "AreaModeChanged" && e.type != "RiskAreaChanged") return Status::Ok();
  auto j = nlohmann::json::parse(e.payload, nullptr, false);
  if (!j.is_object()) return Status::Ok();
  const std::string code = j.value("area_code", std::string());
  if (e.type == "AreaModeChanged") {
    const bool wartime = j.value("to", std::string()) == registry::kWartime;
    std::unique_lock lock(st_->mu);
    if (code == st_->city_code) st_->city_wartime = wartime;
    if (auto d = st_->district_index.find(code); d != st_->district_index.end()) st_->districts[d->second].wartime = wartime;
    return Status::Ok();
  }
  const std::string level = j.value("level", std::string());
  const std::string path = j.value("area_path", std::string());
  if (code.empty() || path.empty()) return Status::Ok();
  // Keep what the event said; a lifted level releases the filings held for it.
  std::vector<int64_t> released;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO enterprise_risk_areas (area_code, area_path, level, since) VALUES (?, ?, ?, ?) "
                              "ON CONFLICT (area_code) DO UPDATE SET level = excluded.level, since = excluded.since, "
                              "area_path = excluded.area_path",
                              {code, path, level, e.at})
                           .status());
    if (level == "high") return Status::Ok();
    TC_ASSIGN_OR_RETURN(auto held, c.Query("SELECT f.id, f.enterprise_id FROM enterprise_filings f JOIN enterprises e "
                                           "ON e.id = f.enterprise_id WHERE f.status = 'held' AND e.area_path >= ? AND "
                                           "e.area_path < ?",
                                           {path, store::PrefixEnd(path)}));
    for (const auto& r : held.rows) {
      nlohmann::json reasons = nlohmann::json::array({"released: " + j.value("name", code) + " is no longer high risk"});
      TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprise_filings SET status = 'filed', reasons = ? WHERE id = ?",
                                {reasons.dump(), r.Int(0)})
                             .status());
      TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprises SET resumption = 'filed', updated_at = ? WHERE id = ? AND "
                                "resumption = 'held'",
                                {e.at, r.Int(1)})
                             .status());
      released.push_back(r.Int(1));
    }
    return Status::Ok();
  }));
  {
    std::unique_lock lock(st_->mu);
    if (level == "high") {
      st_->risk_high[path] = code;
    } else {
      st_->risk_high.erase(path);
    }
  }
  for (int64_t id : released) TC_RETURN_IF_ERROR(Reload(id));
  return Status::Ok();
}

// ---- Registry ----

namespace {

// Checks an enterprise's fields; every problem is a field error of one InvalidArgument.
Status CheckEnterprise(Enterprise& e, const Enterprises::Shared& st) {
  Status bad = InvalidArgument("enterprise '" + (e.uscc.empty() ? e.name : e.uscc) + "' is invalid");
  auto fail = [&](std::string field, std::string msg) { bad.AddFieldError(std::move(field), std::move(msg)); };
  if (auto info = ValidateUscc(e.uscc, "uscc"); !info.ok()) {
    fail("uscc", info.message());
  } else {
    e.uscc = NormalizeUscc(e.uscc);
  }
  if (e.name.empty()) fail("name", "is required");
  if (e.name.size() > 200) fail("name", "is longer than 200 bytes");
  bool division_ok = false;  // what follows from the division is checked only when it is one
  if (!e.division.empty()) {
    auto section = SectionOfDivision(e.division);
    division_ok = section.ok();
    if (!section.ok()) {
      fail("division", section.status().message());
    } else if (e.industry.empty()) {
      e.industry = std::string(1, *section);
    } else if (e.industry != std::string(1, *section)) {
      fail("division", "division " + e.division + " is in section " + std::string(1, *section) + ", not " + e.industry);
    }
  } else {
    fail("division", "is required: the GB/T 4754-2017 division (two digits)");
  }
  if (division_ok && (e.industry.size() != 1 || e.industry[0] < 'A' || e.industry[0] > 'T')) {
    fail("industry", "'" + e.industry + "' is not a GB/T 4754-2017 section letter A–T");
  }
  if (e.size.empty() && division_ok) {
    if (auto size = ClassifySize(e.division, e.employees, e.revenue); size.ok()) e.size = std::string(SizeName(*size));
  }
  if (division_ok && SizeIndex(e.size) < 0) fail("size", "'" + e.size + "' is not large, medium, small or micro");
  if (!st.district_index.contains(e.district_code)) fail("district_code", "'" + e.district_code + "' is not a district of the city");
  if (e.employees < 0 || e.employees > 10'000'000) fail("employees", "must be between 0 and 10,000,000");
  for (auto [v, f] : {std::pair{e.revenue, "revenue"}, {e.revenue_prev, "revenue_prev"},
                      {e.equipment_investment, "equipment_investment"}}) {
    if (!std::isfinite(v) || v < 0 || v > 1e9) fail(f, "must be a number of 万元 between 0 and 1e9");
  }
  if (!e.founded_on.empty()) {
    if (auto s = ValidDay(e.founded_on, "founded_on"); !s.ok()) fail("founded_on", s.message());
  }
  if (!e.contact_phone.empty()) {
    if (auto p = registry::ParsePhone(e.contact_phone, "contact_phone"); p.ok()) {
      e.contact_phone = *p;
    } else {
      fail("contact_phone", p.status().message());
    }
  }
  if (e.status.empty()) e.status = "active";
  if (e.status != "active" && e.status != "closed") fail("status", "'" + e.status + "' is not active or closed");
  for (auto [v, f] : {std::pair{&e.address, "address"}, {&e.legal_rep, "legal_rep"}, {&e.contact_name, "contact_name"}}) {
    if (v->size() > 400) fail(f, "is longer than 400 bytes");
  }
  return bad.field_errors().empty() ? Status::Ok() : bad;
}

}  // namespace

Status Enterprises::CheckEnterpriseFields(Enterprise& e) const {
  std::shared_lock lock(st_->mu);
  return CheckEnterprise(e, *st_);
}

// The area path an enterprise's address lies under: the named area, else the address
// resolved by the hotline's resolver when confident and inside the district, else the
// district's own path.
Result<std::string> Enterprises::PlaceOf(store::Conn& c, Enterprise& e) const {
  std::string district_path;
  {
    std::shared_lock lock(st_->mu);
    district_path = st_->districts[st_->district_index.at(e.district_code)].path;
  }
  if (!e.area_code.empty()) {
    auto path = registry::AreaPath(c, e.area_code);
    if (!path.ok() || !path->starts_with(district_path)) {
      return FieldInvalid("area_code", "'" + e.area_code + "' is not an area of district " + e.district_code);
    }
    return *path;
  }
  if (hotline_ != nullptr && !e.address.empty()) {
    if (auto m = hotline_->ResolveAddress(e.address); m.ok() && m->confidence >= 0.6 && m->path.starts_with(district_path)) {
      e.area_code = m->code;
      return m->path;
    }
  }
  return district_path;
}

Status Enterprises::Reload(int64_t id) {
  return store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kEnterpriseColumns + " FROM enterprises WHERE id = ?", {id}));
    if (rows.empty()) return NoSuch("enterprise " + std::to_string(id));
    Enterprise e = EnterpriseFromRow(rows[0]);
    std::unique_lock lock(st_->mu);
    PlaceEnterprise(*st_, e, rows[0].Text(24), rows[0].Int(25), rows[0].Text(26), clock_.Now());
    return Status::Ok();
  });
}

Result<EnterpriseView> Enterprises::Create(const Enterprise& in, const audit::Actor& by) {
  Enterprise e = in;
  TC_RETURN_IF_ERROR(CheckEnterpriseFields(e));
  const Millis now = clock_.Now();
  std::lock_guard write(st_->write_mu);
  int64_t id = 0;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT id FROM enterprises WHERE uscc = ?", {e.uscc}));
    if (!dup.empty()) return Conflict("enterprise " + e.uscc + " already exists (id " + dup[0].Text(0) + ")");
    TC_ASSIGN_OR_RETURN(std::string path, PlaceOf(c, e));
    TC_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO enterprises (uscc, name, industry, division, size, above_scale, key_enterprise, high_tech, "
                "specialised, district_code, area_code, area_path, address, legal_rep, contact_name, contact_phone, "
                "employees, revenue, revenue_prev, equipment_investment, founded_on, status, resumption, staff_back, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "'not_filed', 0, ?, ?) RETURNING id",
                {e.uscc, e.name, e.industry, e.division, e.size, int64_t{e.above_scale}, int64_t{e.key},
                 int64_t{e.high_tech}, int64_t{e.specialised}, e.district_code, e.area_code, path, e.address,
                 e.legal_rep, e.contact_name, e.contact_phone, e.employees, e.revenue, e.revenue_prev,
                 e.equipment_investment, e.founded_on, e.status, now, now}));
    id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "enterprise.create", .target = "enterprise:" + std::to_string(id),
                             .area_path = path, .detail = nlohmann::json{{"uscc", e.uscc}, {"name", e.name}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  TC_RETURN_IF_ERROR(Reload(id));
  TC_RETURN_IF_ERROR(RematchOne(id, by));
  return Get(id, Scope{});
}

Result<EnterpriseView> Enterprises::Update(int64_t id, const EnterprisePatch& p, const Scope& scope,
                                           const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(EnterpriseView v, Get(id, scope));
  Enterprise e = v.e;
  nlohmann::json changed = nlohmann::json::object();
  auto set = [&](auto& field, const auto& opt, const char* name) {
    if (opt && *opt != field) {
      field = *opt;
      changed[name] = *opt;
    }
  };
  set(e.name, p.name, "name");
  set(e.industry, p.industry, "industry");
  set(e.division, p.division, "division");
  set(e.size, p.size, "size");
  set(e.address, p.address, "address");
  set(e.area_code, p.area_code, "area_code");
  set(e.legal_rep, p.legal_rep, "legal_rep");
  set(e.contact_name, p.contact_name, "contact_name");
  set(e.contact_phone, p.contact_phone, "contact_phone");
  set(e.founded_on, p.founded_on, "founded_on");
  set(e.status, p.status, "status");
  set(e.above_scale, p.above_scale, "above_scale");
  set(e.key, p.key, "key");
  set(e.high_tech, p.high_tech, "high_tech");
  set(e.specialised, p.specialised, "specialised");
  set(e.employees, p.employees, "employees");
  set(e.revenue, p.revenue, "revenue");
  set(e.revenue_prev, p.revenue_prev, "revenue_prev");
  set(e.equipment_investment, p.equipment_investment, "equipment_investment");
  if (changed.empty()) return v;
  if (p.address && !p.area_code) e.area_code.clear();  // a new address is resolved again
  TC_RETURN_IF_ERROR(CheckEnterpriseFields(e));
  const Millis now = clock_.Now();
  std::lock_guard write(st_->write_mu);
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(std::string path, PlaceOf(c, e));
    TC_RETURN_IF_ERROR(
        c.Exec("UPDATE enterprises SET name = ?, industry = ?, division = ?, size = ?, above_scale = ?, key_enterprise = ?, "
               "high_tech = ?, specialised = ?, area_code = ?, area_path = ?, address = ?, legal_rep = ?, "
               "contact_name = ?, contact_phone = ?, employees = ?, revenue = ?, revenue_prev = ?, "
               "equipment_investment = ?, founded_on = ?, status = ?, updated_at = ? WHERE id = ?",
               {e.name, e.industry, e.division, e.size, int64_t{e.above_scale}, int64_t{e.key}, int64_t{e.high_tech},
                int64_t{e.specialised}, e.area_code, path, e.address, e.legal_rep, e.contact_name, e.contact_phone,
                e.employees, e.revenue, e.revenue_prev, e.equipment_investment, e.founded_on, e.status, now, id})
            .status());
    return audit::Append(c, {.actor = by.name, .action = "enterprise.update", .target = "enterprise:" + std::to_string(id),
                             .area_path = path, .detail = changed.dump(), .request_id = by.request_id},
                         now);
  }));
  TC_RETURN_IF_ERROR(Reload(id));
  TC_RETURN_IF_ERROR(RematchOne(id, by));
  return Get(id, Scope{});
}

Result<EnterpriseView> Enterprises::Get(int64_t id, const Scope& scope) const {
  {
    std::shared_lock lock(st_->mu);
    const Slot* s = st_->Find(id);
    if (s == nullptr || !st_->InScope(*s, scope)) return NoSuch("enterprise " + std::to_string(id));
  }
  TC_ASSIGN_OR_RETURN(auto list, store_.ReadAll<EnterpriseView>(
                                     std::string("SELECT ") + kEnterpriseColumns + " FROM enterprises WHERE id = ?",
                                     {id}, [&](const store::Row& r) { return ViewOf(r); }));
  if (list.empty()) return NoSuch("enterprise " + std::to_string(id));
  return list[0];
}

EnterpriseView Enterprises::ViewOf(const store::Row& r) const {
  EnterpriseView v;
  v.e = EnterpriseFromRow(r);
  v.resumption = r.Text(24);
  v.staff_back = r.Int(25);
  v.area_path = r.Text(26);
  std::shared_lock lock(st_->mu);
  if (auto n = st_->area_names.find(v.e.district_code); n != st_->area_names.end()) v.district_name = n->second;
  if (auto l = st_->liaison_of.find(v.e.id); l != st_->liaison_of.end()) v.liaison = l->second;
  return v;
}

Result<EnterpriseView> Enterprises::GetByUscc(std::string_view uscc, const Scope& scope) const {
  TC_RETURN_IF_ERROR(ValidateUscc(uscc, "uscc"));
  const std::string code = NormalizeUscc(uscc);
  TC_ASSIGN_OR_RETURN(auto ids, store_.ReadAll<int64_t>("SELECT id FROM enterprises WHERE uscc = ?", {code},
                                                        [](const store::Row& r) { return r.Int(0); }));
  if (ids.empty()) return NoSuch("enterprise " + code);
  return Get(ids[0], scope);
}

Result<std::vector<EnterpriseView>> Enterprises::List(const EnterpriseQuery& q) const {
  std::string sql = std::string("SELECT ") + kEnterpriseColumns + " FROM enterprises WHERE id > ?";
  store::Params params{q.after_id};
  if (q.scope.enterprise_id > 0) {
    sql += " AND id = ?";
    params.emplace_back(q.scope.enterprise_id);
  }
  if (!q.scope.under_path.empty() && q.scope.under_path != "/") {
    sql += " AND area_path >= ? AND area_path < ?";
    params.emplace_back(q.scope.under_path);
    params.emplace_back(store::PrefixEnd(q.scope.under_path));
  }
  auto eq = [&](const std::string& v, const char* col) {
    if (v.empty()) return;
    sql += std::string(" AND ") + col + " = ?";
    params.emplace_back(v);
  };
  eq(q.industry, "industry");
  eq(q.size, "size");
  eq(q.district, "district_code");
  eq(q.resumption, "resumption");
  if (q.above_scale >= 0) {
    sql += " AND above_scale = ?";
    params.emplace_back(int64_t{q.above_scale});
  }
  if (q.key >= 0) {
    sql += " AND key_enterprise = ?";
    params.emplace_back(int64_t{q.key});
  }
  if (!q.q.empty()) {
    sql += " AND (name LIKE ? OR uscc = ?)";
    params.emplace_back("%" + q.q + "%");
    params.emplace_back(q.q);
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(std::clamp<int64_t>(q.limit, 1, 1000));
  return store_.ReadAll<EnterpriseView>(sql, params, [&](const store::Row& r) { return ViewOf(r); });
}

Status Enterprises::LinkAccount(std::string_view username, int64_t enterprise_id, const audit::Actor& by) {
  if (username.empty() || username.size() > 64) return FieldInvalid("username", "must be 1–64 bytes");
  std::string path;
  {
    std::shared_lock lock(st_->mu);
    const Slot* s = st_->Find(enterprise_id);
    if (s == nullptr) return NoSuch("enterprise " + std::to_string(enterprise_id));
    path = st_->paths[s->path];
  }
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO enterprise_accounts (username, enterprise_id, created_by, created_at) VALUES "
                              "(?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET enterprise_id = excluded.enterprise_id",
                              {std::string(username), enterprise_id, by.name, now})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "enterprise.account", .target = "enterprise:" + std::to_string(enterprise_id),
                             .area_path = path, .detail = nlohmann::json{{"username", username}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  std::unique_lock lock(st_->mu);
  st_->accounts[std::string(username)] = enterprise_id;
  return Status::Ok();
}

int64_t Enterprises::EnterpriseOfUser(std::string_view username) const {
  std::shared_lock lock(st_->mu);
  auto it = st_->accounts.find(std::string(username));
  return it == st_->accounts.end() ? 0 : it->second;
}

std::string Enterprises::DistrictPath(std::string_view district_code) const {
  std::shared_lock lock(st_->mu);
  auto it = st_->district_index.find(std::string(district_code));
  return it == st_->district_index.end() ? "" : st_->districts[it->second].path;
}

}  // namespace tc::enterprise
