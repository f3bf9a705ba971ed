#include "screening/screening.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <unordered_set>

#include "events/events.h"
#include "registry/lookup.h"
#include "registry/residents.h"
#include "screening/engine.h"
#include "screening/planning.h"

namespace tc::screening {

namespace {

constexpr Millis kDayMs = 24LL * 3600 * 1000;

Result<Millis> DayStart(std::string_view date, std::string_view field) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') {
    return FieldInvalid(std::string(field), "'" + std::string(date) + "' is not a date (YYYY-MM-DD)");
  }
  auto t = ParseTime(std::string(date) + "T00:00:00+08:00");
  if (!t.ok()) return FieldInvalid(std::string(field), "'" + std::string(date) + "' is not a date (YYYY-MM-DD)");
  return *t;
}

bool ValidCode(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

// "08:00-20:00" → opening minutes; 0 if malformed.
int OpeningMinutes(std::string_view hours) {
  if (hours.size() != 11 || hours[2] != ':' || hours[5] != '-' || hours[8] != ':') return 0;
  auto num = [&](size_t at) {
    if (hours[at] < '0' || hours[at] > '9' || hours[at + 1] < '0' || hours[at + 1] > '9') return -1;
    return (hours[at] - '0') * 10 + (hours[at + 1] - '0');
  };
  const int h1 = num(0), m1 = num(3), h2 = num(6), m2 = num(9);
  if (h1 < 0 || m1 < 0 || h2 < 0 || m2 < 0 || h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59) return 0;
  const int open = h1 * 60 + m1, close = h2 * 60 + m2;
  return close > open ? close - open : 0;
}

Site SiteFromRow(const store::Row& r) {
  Site s;
  s.id = r.Int(0);
  s.code = r.Text(1);
  s.name = r.Text(2);
  s.area_code = r.Text(3);
  s.area_path = r.Text(4);
  s.address = r.Text(5);
  s.hours = r.Text(6);
  s.lanes = static_cast<int>(r.Int(7));
  s.per_hour = static_cast<int>(r.Int(8));
  s.staff = SplitList(r.Text(9));
  s.created_at = r.Int(10);
  return s;
}
constexpr std::string_view kSiteColumns =
    "id, code, name, area_code, area_path, address, hours, lanes, per_hour, staff, created_at";

Lab LabFromRow(const store::Row& r) {
  return {r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4), r.Int(5)};
}
constexpr std::string_view kLabColumns = "id, code, name, address, capacity_per_day, created_at";

constexpr std::string_view kRoundColumns =
    "id, name, area_codes, starts_on, ends_on, pool_size, due, due_people, status, due_count, exempt_count, "
    "created_by, created_at, closed_at";

constexpr std::string_view kTubeColumns =
    "id, barcode, round_id, site_id, kind, capacity, members, member_secs, opened_at, closed_at, box, lab_id, "
    "sent_at, result, ct, resulted_at, result_by";

TubeKind KindOf(std::string_view s) {
  if (s == "single") return TubeKind::kSingle;
  if (s == "retest") return TubeKind::kRetest;
  return TubeKind::kPool;
}

bool IsTier(std::string_view due) { return due == "close" || due == "secondary" || due == "exposed"; }



Round RoundFromRow(const store::Row& r) {
  Round x;
  x.id = r.Int(0);
  x.name = r.Text(1);
  x.area_codes = SplitList(r.Text(2));
  x.starts_on = r.Text(3);
  x.ends_on = r.Text(4);
  x.pool_size = static_cast<int>(r.Int(5));
  x.due = r.Text(6);
  x.status = r.Text(8);
  x.due_count = r.Int(9);
  x.exempt_count = r.Int(10);
  x.created_by = r.Text(11);
  x.created_at = r.Int(12);
  x.closed_at = r.Int(13);
  return x;
}

// A loaded or newly written tube's effect on its round's counters.
void CountTube(Engine& e, RoundState& r, const TubeRec& t, uint32_t id) {
  ++r.tubes;
  auto& site = r.sites[t.site_id];
  ++site.tubes;
  if (t.closed) {
    ++r.closed;
  } else {
    ++site.open_tubes;
  }
  if (t.sent_at != 0) ++r.shipped;
  for (size_t i = 0; i < t.members.size(); ++i) {
    const uint32_t p = t.members[i];
    const Millis at = t.opened_at + int64_t{t.secs[i]} * 1000;
    ++site.sampled;
    if (t.kind == TubeKind::kRetest) {
      e.retests_of[p].push_back(id);
      continue;
    }
    if (p < r.tube_of.size()) r.tube_of[p] = id;
    e.CountSample(r, p, at);
  }
  if (t.result != TubeResultCode::kNone) e.CountResult(r, t);
}

TubeRec TubeFromRow(const store::Row& r) {
  TubeRec t;
  t.barcode = r.Text(1);
  t.round_id = r.Int(2);
  t.site_id = r.Int(3);
  t.kind = KindOf(r.Text(4));
  t.capacity = static_cast<uint8_t>(r.Int(5));
  t.members = SplitU32(r.Text(6));
  t.secs = SplitI32(r.Text(7));
  t.secs.resize(t.members.size(), 0);
  t.opened_at = r.Int(8);
  t.closed_at = r.Int(9);
  t.closed = t.closed_at != 0;
  t.box = r.Text(10);
  t.lab_id = r.Int(11);
  t.sent_at = r.Int(12);
  t.result = ParseResult(r.Text(13));
  t.ct = r.Double(14);
  t.resulted_at = r.Int(15);
  t.result_by = r.Text(16);
  return t;
}

Status InitRoundState(Engine& e, RoundState& state, const Round& round, const std::vector<int64_t>* people) {
  state.meta = round;
  TC_ASSIGN_OR_RETURN(state.starts_at, DayStart(round.starts_on, "starts_on"));
  TC_ASSIGN_OR_RETURN(Millis last, DayStart(round.ends_on, "ends_on"));
  state.ends_at = last + kDayMs;
  std::vector<int32_t> roots;
  for (const auto& code : round.area_codes) {
    auto it = e.area_by_code.find(code);
    if (it == e.area_by_code.end()) return FieldInvalid("areas", "area " + code + " does not exist");
    roots.push_back(static_cast<int32_t>(it->second));
  }
  e.InitRound(state, roots, people);
  return Status::Ok();
}

}  // namespace

Screening::Screening(store::Store& store, const Clock& clock)
    : store_(store), clock_(clock), box_(std::make_unique<EngineBox>()) {}
Screening::~Screening() = default;

Result<std::unique_ptr<Screening>> Screening::Open(store::Store& store, const Clock& clock,
                                                   const OpenOptions& options) {
  std::unique_ptr<Screening> s(new Screening(store, clock));
  TC_RETURN_IF_ERROR(s->Load(options));
  return s;
}

int64_t Screening::FirstResidentUnder(std::string_view area_code) {
  std::shared_lock lock(box_->mu);
  const Engine& e = box_->engine;
  auto it = e.area_by_code.find(std::string(area_code));
  if (it == e.area_by_code.end()) return 0;
  const std::string& prefix = e.areas[it->second].path;
  int64_t best = 0;
  for (size_t a = it->second; a < e.areas.size() && e.areas[a].path.starts_with(prefix); ++a) {
    e.ForEachResidentOf(static_cast<uint32_t>(a), [&](uint32_t p) {
      if (best == 0 || p < best) best = p;
    });
  }
  return best;
}

int64_t Screening::PeopleLoaded() const {
  std::shared_lock lock(box_->mu);
  return box_->engine.people;
}

Status Screening::Load(const OpenOptions& options) {
  Engine& e = box_->engine;
  std::unique_lock lock(box_->mu);
  return store_.Read([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(registry::ForEachArea(c, [&](const registry::AreaNode& a) {
      AreaRec rec{a.code, a.name, a.level, a.path, -1};
      if (auto it = e.area_by_code.find(a.parent_code); it != e.area_by_code.end()) {
        rec.parent = static_cast<int32_t>(it->second);
      }
      e.area_by_code.emplace(a.code, static_cast<uint32_t>(e.areas.size()));
      if (rec.parent >= 0) e.children[rec.parent].push_back(static_cast<uint32_t>(e.areas.size()));
      e.children.emplace_back();
      e.areas.push_back(std::move(rec));
    }));
    TC_ASSIGN_OR_RETURN(int64_t population, registry::CityPopulation(c));
    e.ids.Reserve(static_cast<size_t>(population) + 1024);
    int64_t after = 0;
    for (;;) {
      int64_t last = after;
      TC_ASSIGN_OR_RETURN(int64_t n, registry::ForEachResidentPlace(c, after, options.load_batch,
                                                                    [&](const registry::ResidentPlace& p) {
        last = p.id;
        auto it = e.area_by_code.find(p.unit_code);
        if (it == e.area_by_code.end()) return;
        e.PutPerson(p.id, IdKey(p.id_number), it->second, (p.tags & registry::kBedridden) != 0);
      }));
      if (n < options.load_batch) break;
      after = last;
    }
    e.BuildUnitIndex();

    TC_ASSIGN_OR_RETURN(auto sites, c.Query(std::string("SELECT ") + std::string(kSiteColumns) + " FROM test_sites"));
    for (const auto& r : sites.rows) {
      Site s = SiteFromRow(r);
      e.site_by_code[s.code] = s.id;
      e.sites[s.id] = std::move(s);
    }
    TC_ASSIGN_OR_RETURN(auto labs, c.Query(std::string("SELECT ") + std::string(kLabColumns) + " FROM test_labs"));
    for (const auto& r : labs.rows) {
      Lab l = LabFromRow(r);
      e.lab_by_code[l.code] = l.id;
      e.labs[l.id] = std::move(l);
    }
    TC_ASSIGN_OR_RETURN(auto rounds,
                        c.Query(std::string("SELECT ") + std::string(kRoundColumns) + " FROM test_rounds ORDER BY id"));
    for (const auto& r : rounds.rows) {
      Round round = RoundFromRow(r);
      std::vector<int64_t> people;
      for (uint32_t p : SplitU32(r.Text(7))) people.push_back(p);
      RoundState& state = e.rounds[round.id];
      TC_RETURN_IF_ERROR(InitRoundState(e, state, round, IsTier(round.due) ? &people : nullptr));
    }
    e.tubes.assign(1, TubeRec{});
    int64_t after_tube = 0;
    for (;;) {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + std::string(kTubeColumns) +
                                                 " FROM test_tubes WHERE id > ? ORDER BY id LIMIT 100000",
                                             {after_tube}));
      for (const auto& r : rows.rows) {
        const int64_t id = r.Int(0);
        after_tube = id;
        TubeRec t = TubeFromRow(r);
        if (static_cast<size_t>(id) >= e.tubes.size()) e.tubes.resize(static_cast<size_t>(id) + 1);
        e.tube_by_barcode[t.barcode] = static_cast<uint32_t>(id);
        auto rs = e.rounds.find(t.round_id);
        if (rs != e.rounds.end()) CountTube(e, rs->second, t, static_cast<uint32_t>(id));
        e.tubes[static_cast<size_t>(id)] = std::move(t);
      }
      if (rows.size() < 100000) break;
    }
    TC_ASSIGN_OR_RETURN(auto open, c.Query("SELECT id, round_id, person_id, retest_tube FROM test_followups "
                                           "WHERE status <> 'closed' ORDER BY id"));
    for (const auto& r : open.rows) {
      e.open_followups[static_cast<uint32_t>(r.Int(2))].push_back({r.Int(0), r.Int(1), r.Text(3)});
    }
    return Status::Ok();
  });
}

// ---- sites and labs ----

Result<Site> Screening::CreateSite(const Site& in, const audit::Actor& by) {
  Status invalid = InvalidArgument("the test site is not valid");
  if (!ValidCode(in.code, 32)) invalid.AddFieldError("code", "1–32 letters, digits, '-' or '_'");
  if (in.name.empty() || in.name.size() > 200) invalid.AddFieldError("name", "is required (at most 200 bytes)");
  if (OpeningMinutes(in.hours) == 0) invalid.AddFieldError("hours", "'" + in.hours + "' is not HH:MM-HH:MM");
  if (in.lanes < 1 || in.lanes > 200) invalid.AddFieldError("lanes", "must be 1 to 200");
  if (in.per_hour < 1 || in.per_hour > 2000) invalid.AddFieldError("per_hour", "must be 1 to 2000 swabs an hour");
  std::string path;
  {
    std::shared_lock lock(box_->mu);
    auto it = box_->engine.area_by_code.find(in.area_code);
    if (it == box_->engine.area_by_code.end()) {
      invalid.AddFieldError("area", "area '" + in.area_code + "' does not exist");
    } else {
      path = box_->engine.areas[it->second].path;
    }
  }
  if (!invalid.field_errors().empty()) return invalid;
  std::lock_guard write(box_->write_mu);
  Site s = in;
  s.area_path = path;
  s.created_at = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT id FROM test_sites WHERE code = ?", {s.code}));
    if (!dup.empty()) return Conflict("test site " + s.code + " already exists");
    TC_ASSIGN_OR_RETURN(auto rows,
                        c.Query("INSERT INTO test_sites (code, name, area_code, area_path, address, hours, lanes, "
                                "per_hour, staff, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                {s.code, s.name, s.area_code, s.area_path, s.address, s.hours, int64_t{s.lanes},
                                 int64_t{s.per_hour}, JoinList(s.staff), s.created_at}));
    s.id = rows[0].Int(0);
    nlohmann::json detail = {{"code", s.code}, {"name", s.name}, {"area", s.area_code}};
    return audit::Append(c, {.actor = by.name, .action = "testing.site.create", .target = "test_site:" + s.code,
                             .detail = detail.dump(), .request_id = by.request_id}, s.created_at);
  }));
  std::unique_lock lock(box_->mu);
  box_->engine.site_by_code[s.code] = s.id;
  box_->engine.sites[s.id] = s;
  return s;
}

Result<std::vector<Site>> Screening::Sites(std::string_view scope_path) {
  std::shared_lock lock(box_->mu);
  std::vector<Site> out;
  for (const auto& [id, s] : box_->engine.sites) {
    if (s.area_path.starts_with(scope_path)) out.push_back(s);
  }
  std::sort(out.begin(), out.end(), [](const Site& a, const Site& b) { return a.code < b.code; });
  return out;
}

Result<Site> Screening::SiteByCode(std::string_view code) {
  std::shared_lock lock(box_->mu);
  auto it = box_->engine.site_by_code.find(std::string(code));
  if (it == box_->engine.site_by_code.end()) return NoSuch("test site " + std::string(code));
  return box_->engine.sites.at(it->second);
}

Result<Site> Screening::SetSiteStaff(std::string_view code, std::span<const std::string> usernames,
                                     const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(Site s, SiteByCode(code));
  std::vector<std::string> staff;
  for (const auto& u : usernames) {
    if (u.empty() || u.size() > 64 || u.find(',') != std::string::npos) {
      return FieldInvalid("usernames", "'" + u + "' is not a username");
    }
    if (std::find(staff.begin(), staff.end(), u) == staff.end()) staff.push_back(u);
  }
  std::lock_guard write(box_->write_mu);
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("UPDATE test_sites SET staff = ? WHERE id = ?", {JoinList(staff), s.id}).status());
    nlohmann::json detail = {{"staff", staff}};
    return audit::Append(c, {.actor = by.name, .action = "testing.site.staff", .target = "test_site:" + s.code,
                             .detail = detail.dump(), .request_id = by.request_id}, now);
  }));
  std::unique_lock lock(box_->mu);
  box_->engine.sites[s.id].staff = staff;
  return box_->engine.sites[s.id];
}

Result<Lab> Screening::CreateLab(const Lab& in, const audit::Actor& by) {
  Status invalid = InvalidArgument("the lab is not valid");
  if (!ValidCode(in.code, 32)) invalid.AddFieldError("code", "1–32 letters, digits, '-' or '_'");
  if (in.name.empty() || in.name.size() > 200) invalid.AddFieldError("name", "is required (at most 200 bytes)");
  if (in.capacity_per_day < 1 || in.capacity_per_day > 10'000'000) {
    invalid.AddFieldError("capacity_per_day", "must be 1 to 10,000,000 tubes a day");
  }
  if (!invalid.field_errors().empty()) return invalid;
  std::lock_guard write(box_->write_mu);
  Lab l = in;
  l.created_at = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT id FROM test_labs WHERE code = ?", {l.code}));
    if (!dup.empty()) return Conflict("lab " + l.code + " already exists");
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO test_labs (code, name, address, capacity_per_day, created_at) "
                                           "VALUES (?, ?, ?, ?, ?) RETURNING id",
                                           {l.code, l.name, l.address, l.capacity_per_day, l.created_at}));
    l.id = rows[0].Int(0);
    nlohmann::json detail = {{"code", l.code}, {"name", l.name}, {"capacity_per_day", l.capacity_per_day}};
    return audit::Append(c, {.actor = by.name, .action = "testing.lab.create", .target = "test_lab:" + l.code,
                             .detail = detail.dump(), .request_id = by.request_id}, l.created_at);
  }));
  std::unique_lock lock(box_->mu);
  box_->engine.lab_by_code[l.code] = l.id;
  box_->engine.labs[l.id] = l;
  return l;
}

Result<std::vector<Lab>> Screening::Labs() {
  std::shared_lock lock(box_->mu);
  std::vector<Lab> out;
  for (const auto& [id, l] : box_->engine.labs) out.push_back(l);
  std::sort(out.begin(), out.end(), [](const Lab& a, const Lab& b) { return a.code < b.code; });
  return out;
}

// ---- rounds ----

Result<Round> Screening::CreateRound(const NewRound& in, std::span<const int64_t> tier_people,
                                     const audit::Actor& by) {
  Status invalid = InvalidArgument("the testing round is not valid");
  if (in.name.empty() || in.name.size() > 200) invalid.AddFieldError("name", "is required (at most 200 bytes)");
  if (in.area_codes.empty()) invalid.AddFieldError("areas", "name at least one area");
  if (in.pool_size < 1 || in.pool_size > kMaxPoolSize) {
    invalid.AddFieldError("pool_size", "must be 1 to " + std::to_string(kMaxPoolSize));
  }
  if (in.due != "residents" && !IsTier(in.due)) {
    invalid.AddFieldError("due", "'" + in.due + "' is not residents, close, secondary or exposed");
  }
  auto start = DayStart(in.starts_on, "starts_on");
  auto end = DayStart(in.ends_on, "ends_on");
  if (!start.ok()) invalid.AddFieldError("starts_on", "'" + in.starts_on + "' is not a date (YYYY-MM-DD)");
  if (!end.ok()) invalid.AddFieldError("ends_on", "'" + in.ends_on + "' is not a date (YYYY-MM-DD)");
  if (start.ok() && end.ok() && *end < *start) invalid.AddFieldError("ends_on", "is before starts_on");
  if (start.ok() && end.ok() && *end - *start > 30 * kDayMs) invalid.AddFieldError("ends_on", "a round lasts at most 31 days");
  {
    std::shared_lock lock(box_->mu);
    for (const auto& code : in.area_codes) {
      if (!box_->engine.area_by_code.contains(code)) invalid.AddFieldError("areas", "area " + code + " does not exist");
    }
  }
  if (!invalid.field_errors().empty()) return invalid;

  std::lock_guard write(box_->write_mu);
  Engine& e = box_->engine;
  Round round;
  round.name = in.name;
  round.area_codes = in.area_codes;
  round.starts_on = in.starts_on;
  round.ends_on = in.ends_on;
  round.pool_size = in.pool_size;
  round.due = in.due;
  round.status = "open";
  round.created_by = by.name;
  round.created_at = clock_.Now();
  std::vector<int64_t> people(tier_people.begin(), tier_people.end());
  RoundState state;
  {
    std::shared_lock lock(box_->mu);  // the writer lock keeps the engine still; readers may share
    TC_RETURN_IF_ERROR(InitRoundState(e, state, round, IsTier(in.due) ? &people : nullptr));
  }
  for (size_t p = 0; p < state.due.size(); ++p) {
    if (state.due[p] != kNotDue) ++round.due_count;
    if (state.due[p] == kDueExempt) ++round.exempt_count;
  }
  std::string due_people;
  if (IsTier(in.due)) {
    std::vector<uint32_t> kept;
    for (size_t p = 0; p < state.due.size(); ++p) {
      if (state.due[p] != kNotDue) kept.push_back(static_cast<uint32_t>(p));
    }
    due_people = JoinInts(kept);
  }
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows,
                        c.Query("INSERT INTO test_rounds (name, area_codes, starts_on, ends_on, pool_size, due, "
                                "due_people, status, due_count, exempt_count, created_by, created_at, closed_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id",
                                {round.name, JoinList(round.area_codes), round.starts_on, round.ends_on,
                                 int64_t{round.pool_size}, round.due, due_people, round.status, round.due_count,
                                 round.exempt_count, round.created_by, round.created_at}));
    round.id = rows[0].Int(0);
    nlohmann::json detail = {{"name", round.name},     {"areas", round.area_codes}, {"starts_on", round.starts_on},
                             {"ends_on", round.ends_on}, {"pool_size", round.pool_size}, {"due", round.due},
                             {"due_count", round.due_count}};
    return audit::Append(c, {.actor = by.name, .action = "testing.round.create",
                             .target = "test_round:" + std::to_string(round.id), .detail = detail.dump(),
                             .request_id = by.request_id}, round.created_at);
  }));
  state.meta = round;
  std::unique_lock lock(box_->mu);
  e.rounds[round.id] = std::move(state);
  return round;
}

Result<Round> Screening::GetRound(int64_t id) {
  std::shared_lock lock(box_->mu);
  auto it = box_->engine.rounds.find(id);
  if (it == box_->engine.rounds.end()) return NoSuch("testing round " + std::to_string(id));
  return it->second.meta;
}

Result<std::vector<Round>> Screening::Rounds() {
  std::shared_lock lock(box_->mu);
  std::vector<Round> out;
  for (auto it = box_->engine.rounds.rbegin(); it != box_->engine.rounds.rend(); ++it) out.push_back(it->second.meta);
  return out;
}

Result<Round> Screening::CloseRound(int64_t id, const audit::Actor& by) {
  std::lock_guard write(box_->write_mu);
  TC_ASSIGN_OR_RETURN(Round round, GetRound(id));
  if (round.status == "closed") return round;
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(
        c.Exec("UPDATE test_rounds SET status = 'closed', closed_at = ? WHERE id = ?", {now, id}).status());
    return audit::Append(c, {.actor = by.name, .action = "testing.round.close", .target = "test_round:" + std::to_string(id),
                             .detail = "{}", .request_id = by.request_id}, now);
  }));
  std::unique_lock lock(box_->mu);
  auto& meta = box_->engine.rounds.at(id).meta;
  meta.status = "closed";
  meta.closed_at = now;
  return meta;
}

namespace {

Coverage CoverageAt(const Engine& e, const RoundState& r, int32_t a) {
  const Counters& c = r.counts[a];
  Coverage out;
  out.area_code = e.areas[a].code;
  out.name = e.areas[a].name;
  out.level = e.areas[a].level;
  out.due = c.due;
  out.exempt = c.exempt;
  out.sampled = c.sampled;
  out.resulted = c.resulted;
  out.not_sampled = (c.due - c.exempt) - (c.sampled - c.sampled_exempt);
  out.extra = c.extra;
  out.positive_tubes = c.positive_tubes;
  return out;
}

}  // namespace

Result<RoundProgress> Screening::Progress(int64_t round_id) {
  std::shared_lock lock(box_->mu);
  const Engine& e = box_->engine;
  auto it = e.rounds.find(round_id);
  if (it == e.rounds.end()) return NoSuch("testing round " + std::to_string(round_id));
  const RoundState& r = it->second;
  RoundProgress p;
  p.round = r.meta;
  if (!e.areas.empty()) p.city = CoverageAt(e, r, 0);
  for (const auto& [date, d] : r.days) p.days.push_back(d);
  for (const auto& [id, site] : e.sites) {
    RoundProgress::SiteLoad load;
    load.site_code = site.code;
    load.name = site.name;
    load.capacity_per_day = int64_t{site.lanes} * site.per_hour * OpeningMinutes(site.hours) / 60;
    if (auto s = r.sites.find(id); s != r.sites.end()) {
      load.sampled = s->second.sampled;
      load.tubes = s->second.tubes;
      load.open_tubes = s->second.open_tubes;
    }
    p.sites.push_back(std::move(load));
  }
  std::sort(p.sites.begin(), p.sites.end(), [](const auto& a, const auto& b) { return a.site_code < b.site_code; });
  p.tubes = r.tubes;
  p.tubes_closed = r.closed;
  p.tubes_shipped = r.shipped;
  p.tubes_resulted = r.resulted;
  p.positive_tubes = r.positive;
  return p;
}

// ---- reads ----

namespace {

// A round and an area node of the engine, or NoSuch naming the missing one.
struct RoundArea {
  const RoundState* round = nullptr;
  uint32_t area = 0;
};
Result<RoundArea> FindRoundArea(const Engine& e, int64_t round_id, std::string_view area_code) {
  auto it = e.rounds.find(round_id);
  if (it == e.rounds.end()) return NoSuch("testing round " + std::to_string(round_id));
  auto a = e.area_by_code.find(std::string(area_code));
  if (a == e.area_by_code.end()) return NoSuch("area " + std::string(area_code));
  return RoundArea{&it->second, a->second};
}

}  // namespace

Result<CoverageReport> Screening::CoverageOf(int64_t round_id, std::string_view area_code) {
  std::shared_lock lock(box_->mu);
  const Engine& e = box_->engine;
  TC_ASSIGN_OR_RETURN(RoundArea ra, FindRoundArea(e, round_id, area_code));
  CoverageReport out;
  out.node = CoverageAt(e, *ra.round, static_cast<int32_t>(ra.area));
  for (uint32_t child : e.children[ra.area]) out.children.push_back(CoverageAt(e, *ra.round, static_cast<int32_t>(child)));
  return out;
}

Result<DoorList> Screening::DoorListOf(int64_t round_id, std::string_view area_code) {
  std::shared_lock lock(box_->mu);
  const Engine& e = box_->engine;
  TC_ASSIGN_OR_RETURN(RoundArea ra, FindRoundArea(e, round_id, area_code));
  const AreaRec& node = e.areas[ra.area];
  if (node.level != "building" && node.level != "unit" && node.level != "compound") {
    return FieldInvalid("area", "a door list is for a compound, building or unit; " + node.code + " is a " + node.level);
  }
  const RoundState& r = *ra.round;
  DoorList out;
  out.area_code = node.code;
  out.name = node.name;
  out.round_id = round_id;
  for (size_t i = ra.area; i < e.areas.size() && e.areas[i].path.starts_with(node.path); ++i) {
    if (e.areas[i].level != "unit") continue;
    DoorUnit unit{e.areas[i].code, e.areas[i].name, {}};
    e.ForEachResidentOf(static_cast<uint32_t>(i), [&](uint32_t p) {
      if (e.UnitOf(p) != static_cast<int32_t>(i)) return;  // moved since the load
      const uint8_t due = p < r.due.size() ? r.due[p] : uint8_t{kNotDue};
      if (due == kNotDue || (p < r.tube_of.size() && r.tube_of[p] != 0)) return;
      unit.people.push_back({p, "", due == kDueExempt});
      if (due == kDueExempt) {
        ++out.home_sampling;
      } else {
        ++out.not_sampled;
      }
    });
    if (!unit.people.empty()) out.units.push_back(std::move(unit));
  }
  return out;
}

Result<std::vector<PersonResult>> Screening::ResultsOf(int64_t person_id, int limit) {
  std::shared_lock lock(box_->mu);
  const Engine& e = box_->engine;
  std::vector<PersonResult> out;
  auto add = [&](const RoundState& r, uint32_t tube_id) {
    const TubeRec& t = e.tubes[tube_id];
    PersonResult pr;
    pr.round_id = r.meta.id;
    pr.round_name = r.meta.name;
    pr.tube = t.barcode;
    pr.kind = std::string(KindName(t.kind));
    for (size_t i = 0; i < t.members.size(); ++i) {
      if (t.members[i] == static_cast<uint32_t>(person_id)) pr.sampled_at = t.opened_at + int64_t{t.secs[i]} * 1000;
    }
    pr.result = std::string(ResultName(t.result));
    pr.resulted_at = t.resulted_at;
    out.push_back(std::move(pr));
  };
  if (person_id <= 0) return out;
  const auto p = static_cast<size_t>(person_id);
  for (const auto& [id, r] : e.rounds) {
    if (p < r.tube_of.size() && r.tube_of[p] != 0) add(r, r.tube_of[p]);
  }
  if (auto rt = e.retests_of.find(static_cast<uint32_t>(person_id)); rt != e.retests_of.end()) {
    for (uint32_t tube : rt->second) {
      if (auto r = e.rounds.find(e.tubes[tube].round_id); r != e.rounds.end()) add(r->second, tube);
    }
  }
  std::sort(out.begin(), out.end(), [](const PersonResult& a, const PersonResult& b) {
    return a.sampled_at != b.sampled_at ? a.sampled_at > b.sampled_at : a.tube > b.tube;
  });
  if (out.size() > static_cast<size_t>(limit)) out.resize(static_cast<size_t>(limit));
  return out;
}

namespace {

// When `person` gave the sample in tube `t` (0 if not a member).
Millis SampledAt(const TubeRec& t, uint32_t person) {
  for (size_t i = 0; i < t.members.size(); ++i) {
    if (t.members[i] == person) return t.opened_at + int64_t{t.secs[i]} * 1000;
  }
  return 0;
}

}  // namespace

Millis Screening::LastNegativeSampled(int64_t person_id) {
  if (person_id <= 0 || person_id > std::numeric_limits<uint32_t>::max()) return 0;
  std::shared_lock lock(box_->mu);
  const Engine& e = box_->engine;
  const auto p = static_cast<uint32_t>(person_id);
  Millis best = 0;
  for (const auto& [id, r] : e.rounds) {
    if (p < r.tube_of.size() && r.tube_of[p] != 0) {
      const TubeRec& t = e.tubes[r.tube_of[p]];
      if (t.result == TubeResultCode::kNegative) best = std::max(best, SampledAt(t, p));
    }
  }
  if (auto rt = e.retests_of.find(p); rt != e.retests_of.end()) {
    for (uint32_t tube : rt->second) {
      const TubeRec& t = e.tubes[tube];
      if (t.result == TubeResultCode::kNegative) best = std::max(best, SampledAt(t, p));
    }
  }
  return best;
}

void Screening::LastNegativeSampled(std::span<Millis> out) {
  std::shared_lock lock(box_->mu);
  const Engine& e = box_->engine;
  // Tube by tube: each negative tube's members, at their own scan times.
  for (size_t id = 1; id < e.tubes.size(); ++id) {
    const TubeRec& t = e.tubes[id];
    if (t.result != TubeResultCode::kNegative) continue;
    for (size_t i = 0; i < t.members.size(); ++i) {
      const uint32_t p = t.members[i];
      if (p < out.size()) out[p] = std::max(out[p], t.opened_at + int64_t{t.secs[i]} * 1000);
    }
  }
}

std::string Screening::PersonPath(int64_t person_id) {
  std::shared_lock lock(box_->mu);
  const int32_t unit = box_->engine.UnitOf(person_id);
  return unit < 0 ? std::string() : box_->engine.areas[unit].path;
}

Result<std::string> Screening::AreaPathOf(std::string_view area_code) {
  std::shared_lock lock(box_->mu);
  auto it = box_->engine.area_by_code.find(std::string(area_code));
  if (it == box_->engine.area_by_code.end()) return NoSuch("area " + std::string(area_code));
  return box_->engine.areas[it->second].path;
}

Result<std::vector<Followup>> Screening::Followups(const FollowupQuery& q) {
  std::string sql =
      "SELECT f.id, f.round_id, t.barcode, f.reason, f.person_id, f.building_code, f.unit_code, f.status, "
      "f.isolation, f.retest_tube, f.outcome, f.created_at, f.updated_at FROM test_followups f "
      "JOIN test_tubes t ON t.id = f.tube_id WHERE f.area_path >= ? AND f.area_path < ? AND f.id > ?";
  store::Params params = {q.scope_path, store::PrefixEnd(q.scope_path), q.after_id};
  if (q.round_id != 0) {
    sql += " AND f.round_id = ?";
    params.emplace_back(q.round_id);
  }
  if (!q.status.empty()) {
    sql += " AND f.status = ?";
    params.emplace_back(q.status);
  }
  if (!q.tube.empty()) {
    sql += " AND (t.barcode = ? OR f.retest_tube = ?)";
    params.emplace_back(q.tube);
    params.emplace_back(q.tube);
  }
  sql += " ORDER BY f.id LIMIT ?";
  params.emplace_back(int64_t{std::clamp(q.limit, 1, 1000)});
  return store_.ReadAll<Followup>(sql, params, [](const store::Row& r) {
    Followup f;
    f.id = r.Int(0);
    f.round_id = r.Int(1);
    f.tube = r.Text(2);
    f.reason = r.Text(3);
    f.person_id = r.Int(4);
    f.building_code = r.Text(5);
    f.unit_code = r.Text(6);
    f.status = r.Text(7);
    f.isolation = r.Text(8);
    f.retest_tube = r.Text(9);
    f.outcome = r.Text(10);
    f.created_at = r.Int(11);
    f.updated_at = r.Int(12);
    return f;
  });
}

Result<Tube> Screening::GetTube(std::string_view barcode) {
  std::shared_lock lock(box_->mu);
  const Engine& e = box_->engine;
  auto it = e.tube_by_barcode.find(std::string(barcode));
  if (it == e.tube_by_barcode.end()) return NoSuch("tube " + std::string(barcode));
  const TubeRec& t = e.tubes[it->second];
  Tube out;
  out.id = it->second;
  out.barcode = t.barcode;
  out.round_id = t.round_id;
  if (auto s = e.sites.find(t.site_id); s != e.sites.end()) out.site_code = s->second.code;
  out.kind = std::string(KindName(t.kind));
  out.capacity = t.capacity;
  for (size_t i = 0; i < t.members.size(); ++i) {
    const int32_t unit = e.UnitOf(t.members[i]);
    out.members.push_back({t.members[i], t.opened_at + int64_t{t.secs[i]} * 1000,
                           unit < 0 ? std::string() : e.areas[unit].code});
  }
  out.opened_at = t.opened_at;
  out.closed_at = t.closed_at;
  out.box = t.box;
  if (auto l = e.labs.find(t.lab_id); l != e.labs.end()) out.lab_code = l->second.code;
  out.sent_at = t.sent_at;
  out.result = std::string(ResultName(t.result));
  out.ct = t.ct;
  out.resulted_at = t.resulted_at;
  out.result_by = t.result_by;
  return out;
}

}  // namespace tc::screening
