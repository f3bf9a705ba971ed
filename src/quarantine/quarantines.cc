#include "quarantine/quarantines.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "quarantine/board.h"
#include "registry/lookup.h"

namespace tc::quarantine {

using nlohmann::json;

namespace {

constexpr const char* kPersonColumns =
    "id, contact_id, resident_id, household_code, area_path, district_code, tier, status, mode, site_id, room_id, "
    "vehicle, pickup_at, quarantine_start, quarantine_end, certificate, reason, hospital, reassign_count, "
    "relist_count, entered_at, created_at";
constexpr const char* kSiteColumns =
    "id, name, kind, district_code, area_path, address, lon, lat, open, capacity, staff, phone";
constexpr int64_t kMaxPeopleList = 100'000;

bool Covers(std::string_view under, std::string_view path) {
  return under.empty() || under == "/" || path.starts_with(under);
}

// Occupying a room: booked from assignment until release, hospital or an exit.
bool Occupies(State s) {
  return s == State::kAssigned || s == State::kPickupScheduled || s == State::kPickedUp || s == State::kCheckedIn ||
         s == State::kEscalated;
}

// The district: the path's second node ("/city/district/…/").
std::string DistrictOfPath(std::string_view path) {
  size_t a = path.find('/', 1);
  if (a == std::string_view::npos) return "";
  size_t b = path.find('/', a + 1);
  if (b == std::string_view::npos) return "";
  return std::string(path.substr(a + 1, b - a - 1));
}

Mode ParseMode(std::string_view s) {
  return s == "centralised" ? Mode::kCentralised : s == "home" ? Mode::kHome : Mode::kUndecided;
}

std::string_view OutcomeName(TestOutcome o) {
  return o == TestOutcome::kNegative ? "negative" : o == TestOutcome::kPositive ? "positive" : "pending";
}
TestOutcome ParseOutcome(std::string_view s) {
  return s == "negative" ? TestOutcome::kNegative : s == "positive" ? TestOutcome::kPositive : TestOutcome::kPending;
}

Millis ShanghaiDayStart(Millis t) {
  const Millis local = t + kShanghaiOffsetMs;
  const Millis day = (local >= 0 ? local / kDayMs : (local - kDayMs + 1) / kDayMs) * kDayMs;
  return day - kShanghaiOffsetMs;
}

json EnteredJson(const QuarantineState& s) {
  json a = json::array();
  for (Millis t : s.entered_at) a.push_back(t);
  return a;
}

// A household's integer key for assignment.h (which speaks ids), stable within one call.
struct HouseholdKeys {
  std::unordered_map<std::string, int64_t> ids;
  int64_t Of(const std::string& code) {
    auto [it, fresh] = ids.try_emplace(code, static_cast<int64_t>(ids.size()) + 1);
    return it->second;
  }
};

int AgeOn(const std::string& birth_date, Millis now) {
  int y = 0, m = 0, d = 0;
  if (birth_date.size() < 10 || std::sscanf(birth_date.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return -1;
  const std::string today = DateShanghai(now);
  int ty = 0, tm = 0, td = 0;
  std::sscanf(today.c_str(), "%4d-%2d-%2d", &ty, &tm, &td);
  int age = ty - y;
  if (tm < m || (tm == m && td < d)) --age;
  return age;
}

}  // namespace

// ---- The board: compact entries of every person, for the city-wide lists ----

struct Quarantines::Board {
  // board.h's entry, and what jurisdiction and the room lists need besides.
  struct Entry {
    BoardEntry b;
    int64_t room_id = 0;
    Mode mode = Mode::kUndecided;
    std::string area_path;
  };
  struct SiteInfo {
    std::string area_path;
    std::vector<std::string> staff;
    int capacity = 0;  // effective
  };
  std::mutex mu;  // guards everything below; held across a refresh's read and apply
  bool loaded = false;
  QuarantineRules rules;
  std::vector<Entry> entries;
  std::unordered_map<int64_t, size_t> index;
  std::unordered_map<int64_t, SiteInfo> sites;

  bool Sees(const Entry& e, const Caller& who) const {
    if (who.staff_only) {
      auto s = sites.find(e.b.site_id);
      return s != sites.end() && std::find(s->second.staff.begin(), s->second.staff.end(), who.username) !=
                                     s->second.staff.end();
    }
    if (Covers(who.area_path, e.area_path)) return true;
    auto s = sites.find(e.b.site_id);
    return s != sites.end() && Covers(who.area_path, s->second.area_path);
  }
  void Put(Entry e) {
    auto it = index.find(e.b.person_id);
    if (it == index.end()) {
      index[e.b.person_id] = entries.size();
      entries.push_back(std::move(e));
    } else {
      entries[it->second] = std::move(e);
    }
  }
};

Quarantines::Quarantines(store::Store& store, const Clock& clock)
    : store_(store), clock_(clock), board_(std::make_unique<Board>()) {}
Quarantines::~Quarantines() = default;

namespace {

Result<QuarantineRules> ReadRules(store::Conn& c) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT version, body, changed_by, changed_at FROM quarantine_rules "
                                         "ORDER BY version DESC LIMIT 1"));
  if (rows.empty()) return QuarantineRules{};
  TC_ASSIGN_OR_RETURN(QuarantineRules r, ParseQuarantineRules(rows[0].Text(1), QuarantineRules{}));
  r.version = rows[0].Int(0);
  r.changed_by = rows[0].Text(2);
  r.changed_at = rows[0].Int(3);
  return r;
}

}  // namespace

Status Quarantines::Refresh(store::Conn& c, std::span<const int64_t> ids) {
  Board& b = *board_;
  // Sites (a few hundred): always all of them.
  b.sites.clear();
  TC_ASSIGN_OR_RETURN(auto sites, c.Query("SELECT s.id, s.area_path, s.staff, s.capacity, "
                                          "(SELECT COALESCE(SUM(beds), 0) FROM quarantine_rooms r WHERE r.site_id = s.id) "
                                          "FROM quarantine_sites s"));
  for (const auto& r : sites.rows) {
    Board::SiteInfo s;
    s.area_path = r.Text(1);
    auto staff = json::parse(r.Text(2), nullptr, false);
    if (staff.is_array()) {
      for (const auto& u : staff) {
        if (u.is_string()) s.staff.push_back(u.get<std::string>());
      }
    }
    s.capacity = r.Int(3) > 0 ? static_cast<int>(r.Int(3)) : static_cast<int>(r.Int(4));
    b.sites[r.Int(0)] = std::move(s);
  }
  std::unordered_map<int64_t, Board::Entry> fresh;
  auto take = [&](const store::Row& r) {
    Board::Entry e;
    e.b.person_id = r.Int(0);
    e.area_path = r.Text(1);
    tracing::ParseTier(r.Text(2), &e.b.tier);
    ParseState(r.Text(3), &e.b.status);
    e.mode = ParseMode(r.Text(4));
    e.b.site_id = r.Int(5);
    e.room_id = r.Int(6);
    e.b.pickup_at = r.Int(7);
    e.b.quarantine_start = r.Int(8);
    e.b.quarantine_end = r.Int(9);
    auto entered = json::parse(r.Text(10), nullptr, false);
    const int k = static_cast<int>(e.b.status);
    if (entered.is_array() && k < static_cast<int>(entered.size()) && entered[k].is_number_integer()) {
      e.b.since = entered[k].get<Millis>();
    }
    fresh[e.b.person_id] = std::move(e);
  };
  constexpr const char* kBoardColumns =
      "SELECT id, area_path, tier, status, mode, site_id, room_id, pickup_at, quarantine_start, quarantine_end, "
      "entered_at FROM quarantine_people";
  std::unordered_map<int64_t, std::vector<Millis>> sampled;
  auto check = [&](const store::Row& r) {
    if (auto it = fresh.find(r.Int(0)); it != fresh.end()) it->second.b.last_check_at = r.Int(1);
  };
  auto test = [&](const store::Row& r) { sampled[r.Int(0)].push_back(r.Int(1)); };
  if (!b.loaded) {
    TC_ASSIGN_OR_RETURN(auto all, c.Query(kBoardColumns));
    for (const auto& r : all.rows) take(r);
    TC_ASSIGN_OR_RETURN(auto checks, c.Query("SELECT person_id, MAX(at) FROM quarantine_checks GROUP BY person_id"));
    for (const auto& r : checks.rows) check(r);
    TC_ASSIGN_OR_RETURN(auto tests, c.Query("SELECT person_id, sampled_at FROM quarantine_tests"));
    for (const auto& r : tests.rows) test(r);
    b.entries.clear();
    b.index.clear();
  } else {
    std::vector<int64_t> sorted(ids.begin(), ids.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::span<const int64_t> s(sorted);
    TC_RETURN_IF_ERROR(store::QueryIn(c, std::string(kBoardColumns) + " WHERE id IN ", "", s, take));
    TC_RETURN_IF_ERROR(store::QueryIn(c, "SELECT person_id, MAX(at) FROM quarantine_checks WHERE person_id IN ",
                                      " GROUP BY person_id", s, check));
    TC_RETURN_IF_ERROR(
        store::QueryIn(c, "SELECT person_id, sampled_at FROM quarantine_tests WHERE person_id IN ", "", s, test));
  }
  for (auto& [id, e] : fresh) {
    if (auto t = sampled.find(id); t != sampled.end()) {
      // board.h matches the tests to the tier's schedule windows.
      QuarantineState st;
      st.status = e.b.status;
      st.tier = e.b.tier;
      st.quarantine_start = e.b.quarantine_start;
      for (Millis at : t->second) st.tests.push_back({at, TestOutcome::kNegative});
      e.b.tests_done = BoardEntryOf(id, st, b.rules).tests_done;
    }
    b.Put(std::move(e));
  }
  b.loaded = true;
  return Status::Ok();
}

Status Quarantines::EnsureBoard() {
  Board& b = *board_;
  std::lock_guard lock(b.mu);
  if (b.loaded) return Status::Ok();
  return store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(b.rules, ReadRules(c));
    return Refresh(c, {});
  });
}

// After a commit: the touched people re-read under the board's lock, so a later
// commit's refresh can never be overwritten by an earlier one's.
Status Quarantines::RefreshAfterCommit(std::span<const int64_t> ids) {
  TC_RETURN_IF_ERROR(EnsureBoard());
  std::lock_guard lock(board_->mu);
  return store_.Read([&](store::Conn& c) -> Status { return Refresh(c, ids); });
}

// ---- Rules ----

Result<QuarantineRules> Quarantines::Rules() {
  TC_RETURN_IF_ERROR(EnsureBoard());
  std::lock_guard lock(board_->mu);
  return board_->rules;
}

Result<QuarantineRules> Quarantines::SetRules(std::string_view text, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(QuarantineRules base, Rules());
  TC_ASSIGN_OR_RETURN(QuarantineRules next, ParseQuarantineRules(text, base));
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    next.changed_by = by.name;
    next.changed_at = now;
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO quarantine_rules (body, changed_by, changed_at) VALUES (?, ?, ?) "
                                           "RETURNING version",
                                           {QuarantineRulesJson(next), by.name, now}));
    next.version = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "quarantine.rules", .target = "quarantine_rules:" +
                                                                                       std::to_string(next.version),
                             .area_path = "/", .detail = QuarantineRulesJson(next), .request_id = by.request_id},
                         now);
  }));
  // The tests' windows depend on the rules: the board is read again.
  std::lock_guard lock(board_->mu);
  board_->rules = next;
  board_->loaded = false;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status { return Refresh(c, {}); }));
  return next;
}

// ---- Sites and rooms ----

namespace {

Status CheckRooms(const std::vector<NewRoom>& rooms, std::set<std::string>* numbers) {
  for (size_t i = 0; i < rooms.size(); ++i) {
    const std::string f = "rooms[" + std::to_string(i) + "]";
    if (rooms[i].number.empty() || rooms[i].number.size() > 40) {
      return FieldInvalid(f + ".number", "a room number (1–40 bytes) is required");
    }
    if (rooms[i].beds < 1 || rooms[i].beds > kMaxBeds) return FieldInvalid(f + ".beds", "beds must be 1–4");
    if (!numbers->insert(rooms[i].number).second) {
      return Conflict("room '" + rooms[i].number + "' (" + f + ") is given twice or exists at the site");
    }
  }
  return Status::Ok();
}

Status InsertRooms(store::Conn& c, int64_t site_id, const std::vector<NewRoom>& rooms) {
  for (const auto& r : rooms) {
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO quarantine_rooms (site_id, number, beds, accessible, in_service) "
                              "VALUES (?, ?, ?, ?, 1)",
                              {site_id, r.number, int64_t{r.beds}, int64_t{r.accessible ? 1 : 0}})
                           .status());
  }
  return Status::Ok();
}

SiteRecord SiteFromRow(const store::Row& r) {
  SiteRecord s;
  s.id = r.Int(0);
  s.name = r.Text(1);
  s.kind = r.Text(2);
  s.district_code = r.Text(3);
  s.area_path = r.Text(4);
  s.address = r.Text(5);
  if (!r.IsNull(6) && !r.IsNull(7)) s.point = GeoPoint{r.Double(6), r.Double(7)};
  s.open = r.Int(8) != 0;
  s.capacity = static_cast<int>(r.Int(9));
  auto staff = json::parse(r.Text(10), nullptr, false);
  if (staff.is_array()) {
    for (const auto& u : staff) {
      if (u.is_string()) s.staff.push_back(u.get<std::string>());
    }
  }
  s.phone = r.Text(11);
  return s;
}

bool SiteVisible(const SiteRecord& s, const Caller& who) {
  if (who.staff_only) return std::find(s.staff.begin(), s.staff.end(), who.username) != s.staff.end();
  return Covers(who.area_path, s.area_path);
}

Status CheckStaff(const std::vector<std::string>& staff) {
  for (size_t i = 0; i < staff.size(); ++i) {
    if (staff[i].empty() || staff[i].size() > 64) {
      return FieldInvalid("staff[" + std::to_string(i) + "]", "a username (1–64 bytes) is required");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<SiteRecord> Quarantines::CreateSite(const NewSite& n, const Caller& who, const audit::Actor& by) {
  if (who.staff_only) return NoSuch("district '" + n.district_code + "'");
  if (n.name.empty() || n.name.size() > 200) return FieldInvalid("name", "a name (1–200 bytes) is required");
  if (n.kind != "hotel" && n.kind != "other") return FieldInvalid("kind", "'" + n.kind + "' is not hotel or other");
  if (n.district_code.empty()) return FieldInvalid("district_code", "the district the site stands in is required");
  if (n.address.size() > 400) return FieldInvalid("address", "is longer than 400 bytes");
  if (n.capacity < 0 || n.capacity > 100'000) return FieldInvalid("capacity", "must be 0–100000 (0: its beds)");
  if (n.point && (n.point->lon < -180 || n.point->lon > 180 || n.point->lat < -90 || n.point->lat > 90)) {
    return FieldInvalid("lon", "the point is not a WGS 84 longitude and latitude");
  }
  TC_RETURN_IF_ERROR(CheckStaff(n.staff));
  std::set<std::string> numbers;
  TC_RETURN_IF_ERROR(CheckRooms(n.rooms, &numbers));
  const Millis now = clock_.Now();
  int64_t id = 0;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    auto path = registry::AreaPath(c, n.district_code);
    if (!path.ok() || !Covers(who.area_path, *path)) return NoSuch("district '" + n.district_code + "'");
    TC_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT id FROM quarantine_sites WHERE name = ?", {n.name}));
    if (!dup.empty()) return Conflict("site name '" + n.name + "' is used by site " + dup[0].Text(0));
    TC_ASSIGN_OR_RETURN(auto rows,
                        c.Query("INSERT INTO quarantine_sites (name, kind, district_code, area_path, address, lon, lat, "
                                "open, capacity, staff, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, "
                                "?, ?, ?, ?, ?) RETURNING id",
                                {n.name, n.kind, n.district_code, *path, n.address,
                                 n.point ? store::Value{n.point->lon} : store::Value{},
                                 n.point ? store::Value{n.point->lat} : store::Value{}, int64_t{n.capacity},
                                 json(n.staff).dump(), n.phone, now, now}));
    id = rows[0].Int(0);
    TC_RETURN_IF_ERROR(InsertRooms(c, id, n.rooms));
    return audit::Append(c, {.actor = by.name, .action = "quarantine.site.create",
                             .target = "quarantine_site:" + std::to_string(id), .area_path = *path,
                             .detail = json{{"name", n.name}, {"rooms", n.rooms.size()}, {"capacity", n.capacity}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  TC_RETURN_IF_ERROR(RefreshAfterCommit(std::span<const int64_t>()));
  return Site(id, who);
}

Result<SiteRecord> Quarantines::UpdateSite(int64_t id, const SitePatch& p, const Caller& who, const audit::Actor& by) {
  if (p.name && (p.name->empty() || p.name->size() > 200)) return FieldInvalid("name", "a name (1–200 bytes) is required");
  if (p.capacity && (*p.capacity < 0 || *p.capacity > 100'000)) return FieldInvalid("capacity", "must be 0–100000");
  if (p.staff) TC_RETURN_IF_ERROR(CheckStaff(*p.staff));
  if (who.staff_only) return NoSuch("quarantine site " + std::to_string(id));
  TC_ASSIGN_OR_RETURN(SiteRecord before, Site(id, who));
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    SiteRecord s = before;
    if (p.name) s.name = *p.name;
    if (p.address) s.address = *p.address;
    if (p.phone) s.phone = *p.phone;
    if (p.open) s.open = *p.open;
    if (p.capacity) s.capacity = *p.capacity;
    if (p.staff) s.staff = *p.staff;
    if (p.capacity) {
      TC_ASSIGN_OR_RETURN(auto booked, c.Query("SELECT COUNT(*) FROM quarantine_people WHERE site_id = ? AND status IN "
                                               "('assigned', 'pickup_scheduled', 'picked_up', 'checked_in', 'escalated')",
                                               {id}));
      const int64_t held = booked[0].Int(0);
      const int64_t cap = s.capacity > 0 ? s.capacity : before.beds;
      if (cap < held) {
        return Conflict("site " + std::to_string(id) + " holds " + std::to_string(held) +
                        " people; its capacity cannot be lowered to " + std::to_string(cap));
      }
    }
    if (p.name && *p.name != before.name) {
      TC_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT id FROM quarantine_sites WHERE name = ? AND id <> ?", {s.name, id}));
      if (!dup.empty()) return Conflict("site name '" + s.name + "' is used by site " + dup[0].Text(0));
    }
    TC_RETURN_IF_ERROR(c.Exec("UPDATE quarantine_sites SET name = ?, address = ?, phone = ?, open = ?, capacity = ?, "
                              "staff = ?, updated_at = ? WHERE id = ?",
                              {s.name, s.address, s.phone, int64_t{s.open ? 1 : 0}, int64_t{s.capacity},
                               json(s.staff).dump(), now, id})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "quarantine.site.update",
                             .target = "quarantine_site:" + std::to_string(id), .area_path = s.area_path,
                             .detail = json{{"open", s.open}, {"capacity", s.capacity}, {"staff", s.staff}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  TC_RETURN_IF_ERROR(RefreshAfterCommit(std::span<const int64_t>()));
  return Site(id, who);
}

Result<std::vector<RoomRecord>> Quarantines::AddRooms(int64_t site_id, const std::vector<NewRoom>& rooms,
                                                      const Caller& who, const audit::Actor& by) {
  if (rooms.empty()) return FieldInvalid("rooms", "at least one room is required");
  if (who.staff_only) return NoSuch("quarantine site " + std::to_string(site_id));
  TC_ASSIGN_OR_RETURN(SiteRecord site, Site(site_id, who));
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    std::set<std::string> numbers;
    TC_ASSIGN_OR_RETURN(auto existing, c.Query("SELECT number FROM quarantine_rooms WHERE site_id = ?", {site_id}));
    for (const auto& r : existing.rows) numbers.insert(r.Text(0));
    TC_RETURN_IF_ERROR(CheckRooms(rooms, &numbers));
    TC_RETURN_IF_ERROR(InsertRooms(c, site_id, rooms));
    return audit::Append(c, {.actor = by.name, .action = "quarantine.rooms.add",
                             .target = "quarantine_site:" + std::to_string(site_id), .area_path = site.area_path,
                             .detail = json{{"rooms", rooms.size()}}.dump(), .request_id = by.request_id},
                         now);
  }));
  TC_RETURN_IF_ERROR(RefreshAfterCommit(std::span<const int64_t>()));
  return Rooms(site_id, who);
}

Result<RoomRecord> Quarantines::SetRoomInService(int64_t site_id, int64_t room_id, bool in_service, const Caller& who,
                                                 const audit::Actor& by) {
  if (who.staff_only) return NoSuch("quarantine site " + std::to_string(site_id));
  TC_ASSIGN_OR_RETURN(SiteRecord site, Site(site_id, who));
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto room, c.Query("SELECT number FROM quarantine_rooms WHERE id = ? AND site_id = ?",
                                           {room_id, site_id}));
    if (room.empty()) return NoSuch("room " + std::to_string(room_id) + " of site " + std::to_string(site_id));
    if (!in_service) {
      TC_ASSIGN_OR_RETURN(auto in, c.Query("SELECT id FROM quarantine_people WHERE room_id = ? AND status IN "
                                           "('assigned', 'pickup_scheduled', 'picked_up', 'checked_in', 'escalated')",
                                           {room_id}));
      if (!in.empty()) {
        return Conflict("room " + room[0].Text(0) + " has person " + in[0].Text(0) + " booked; it cannot go out of service");
      }
    }
    TC_RETURN_IF_ERROR(c.Exec("UPDATE quarantine_rooms SET in_service = ? WHERE id = ?",
                              {int64_t{in_service ? 1 : 0}, room_id})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "quarantine.room.service",
                             .target = "quarantine_room:" + std::to_string(room_id), .area_path = site.area_path,
                             .detail = json{{"in_service", in_service}}.dump(), .request_id = by.request_id},
                         now);
  }));
  TC_ASSIGN_OR_RETURN(auto rooms, Rooms(site_id, who));
  for (auto& r : rooms) {
    if (r.id == room_id) return r;
  }
  return NoSuch("room " + std::to_string(room_id));
}

Result<std::vector<SiteRecord>> Quarantines::Sites(const Caller& who) {
  TC_RETURN_IF_ERROR(EnsureBoard());
  std::vector<SiteRecord> out;
  std::map<int64_t, std::array<int, 3>> rooms;  // rooms, beds, in service
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kSiteColumns + " FROM quarantine_sites ORDER BY id"));
    for (const auto& r : rows.rows) {
      SiteRecord s = SiteFromRow(r);
      if (SiteVisible(s, who)) out.push_back(std::move(s));
    }
    TC_ASSIGN_OR_RETURN(auto counts, c.Query("SELECT site_id, COUNT(*), SUM(beds), SUM(in_service) FROM "
                                             "quarantine_rooms GROUP BY site_id"));
    for (const auto& r : counts.rows) {
      rooms[r.Int(0)] = {static_cast<int>(r.Int(1)), static_cast<int>(r.Int(2)), static_cast<int>(r.Int(3))};
    }
    return Status::Ok();
  }));
  std::lock_guard lock(board_->mu);
  std::map<int64_t, std::set<int64_t>> taken;
  std::map<int64_t, std::pair<int, int>> people;  // booked, checked in
  for (const auto& e : board_->entries) {
    if (e.b.site_id == 0 || !Occupies(e.b.status)) continue;
    taken[e.b.site_id].insert(e.room_id);
    ++people[e.b.site_id].first;
    if (e.b.status == State::kCheckedIn) ++people[e.b.site_id].second;
  }
  for (auto& s : out) {
    const auto& [n, beds, in_service] = rooms[s.id];
    s.rooms = n;
    s.beds = beds;
    s.booked = people[s.id].first;
    s.checked_in = people[s.id].second;
    s.free_rooms = std::max(0, in_service - static_cast<int>(taken[s.id].size()));
  }
  return out;
}

Result<SiteRecord> Quarantines::Site(int64_t id, const Caller& who) {
  TC_ASSIGN_OR_RETURN(auto all, Sites(who));
  for (auto& s : all) {
    if (s.id == id) return s;
  }
  return NoSuch("quarantine site " + std::to_string(id));
}

Result<std::vector<RoomRecord>> Quarantines::Rooms(int64_t site_id, const Caller& who) {
  TC_RETURN_IF_ERROR(Site(site_id, who).status());
  std::vector<RoomRecord> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, site_id, number, beds, accessible, in_service FROM "
                                           "quarantine_rooms WHERE site_id = ? ORDER BY id",
                                           {site_id}));
    for (const auto& r : rows.rows) {
      out.push_back({r.Int(0), r.Int(1), r.Text(2), static_cast<int>(r.Int(3)), r.Int(4) != 0, r.Int(5) != 0, {}});
    }
    return Status::Ok();
  }));
  std::lock_guard lock(board_->mu);
  std::unordered_map<int64_t, size_t> at;
  for (size_t i = 0; i < out.size(); ++i) at[out[i].id] = i;
  for (const auto& e : board_->entries) {
    if (e.b.site_id != site_id || !Occupies(e.b.status)) continue;
    if (auto it = at.find(e.room_id); it != at.end()) out[it->second].occupants.push_back(e.b.person_id);
  }
  for (auto& r : out) std::sort(r.occupants.begin(), r.occupants.end());
  return out;
}

// ---- People ----

Result<std::vector<PersonRecord>> Quarantines::Load(store::Conn& c, std::string_view where,
                                                    const store::Params& params, bool with_health) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kPersonColumns + " FROM quarantine_people " +
                                             std::string(where),
                                         params));
  std::vector<PersonRecord> out;
  std::vector<int64_t> residents, ids;
  std::set<int64_t> site_ids, room_ids;
  for (const auto& r : rows.rows) {
    PersonRecord p;
    p.id = r.Int(0);
    p.contact_id = r.Int(1);
    p.resident_id = r.Int(2);
    p.household_code = r.Text(3);
    p.area_path = r.Text(4);
    p.district_code = r.Text(5);
    QuarantineState& s = p.state;
    tracing::ParseTier(r.Text(6), &s.tier);
    ParseState(r.Text(7), &s.status);
    s.mode = ParseMode(r.Text(8));
    s.site_id = r.Int(9);
    s.room_id = r.Int(10);
    s.vehicle = r.Text(11);
    s.pickup_at = r.Int(12);
    s.quarantine_start = r.Int(13);
    s.quarantine_end = r.Int(14);
    s.certificate = r.Text(15);
    s.reason = r.Text(16);
    s.hospital = r.Text(17);
    s.reassign_count = static_cast<int>(r.Int(18));
    s.relist_count = static_cast<int>(r.Int(19));
    auto entered = json::parse(r.Text(20), nullptr, false);
    if (entered.is_array()) {
      for (size_t i = 0; i < entered.size() && i < s.entered_at.size(); ++i) {
        if (entered[i].is_number_integer()) s.entered_at[i] = entered[i].get<Millis>();
      }
    }
    p.created_at = r.Int(21);
    residents.push_back(p.resident_id);
    ids.push_back(p.id);
    if (s.site_id) site_ids.insert(s.site_id);
    if (s.room_id) room_ids.insert(s.room_id);
    out.push_back(std::move(p));
  }
  TC_ASSIGN_OR_RETURN(auto briefs, registry::PeopleById(c, residents));
  std::unordered_map<int64_t, const registry::PersonBrief*> brief;
  for (const auto& b : briefs) brief[b.id] = &b;
  std::unordered_map<int64_t, std::string> site_names, room_numbers;
  std::vector<int64_t> sv(site_ids.begin(), site_ids.end()), rv(room_ids.begin(), room_ids.end());
  TC_RETURN_IF_ERROR(store::QueryIn(c, "SELECT id, name FROM quarantine_sites WHERE id IN ", "",
                                    std::span<const int64_t>(sv),
                                    [&](const store::Row& r) { site_names[r.Int(0)] = r.Text(1); }));
  TC_RETURN_IF_ERROR(store::QueryIn(c, "SELECT id, number FROM quarantine_rooms WHERE id IN ", "",
                                    std::span<const int64_t>(rv),
                                    [&](const store::Row& r) { room_numbers[r.Int(0)] = r.Text(1); }));
  std::unordered_map<int64_t, size_t> at;
  for (size_t i = 0; i < out.size(); ++i) {
    PersonRecord& p = out[i];
    at[p.id] = i;
    if (auto b = brief.find(p.resident_id); b != brief.end()) {
      p.name = b->second->name;
      p.phone = b->second->phone;
      p.id_number = b->second->id_number;
    }
    p.site_name = site_names[p.state.site_id];
    p.room_number = room_numbers[p.state.room_id];
  }
  if (with_health && !ids.empty()) {
    TC_RETURN_IF_ERROR(store::QueryIn(c, "SELECT person_id, at, temperature_c, symptoms FROM quarantine_checks WHERE "
                                         "person_id IN ",
                                      " ORDER BY at, id", std::span<const int64_t>(ids), [&](const store::Row& r) {
                                        out[at[r.Int(0)]].state.checks.push_back({r.Int(1), r.Double(2), r.Text(3)});
                                      }));
    TC_RETURN_IF_ERROR(store::QueryIn(c, "SELECT person_id, sampled_at, outcome FROM quarantine_tests WHERE "
                                         "person_id IN ",
                                      " ORDER BY id", std::span<const int64_t>(ids), [&](const store::Row& r) {
                                        out[at[r.Int(0)]].state.tests.push_back({r.Int(1), ParseOutcome(r.Text(2))});
                                      }));
  }
  return out;
}

bool Quarantines::Sees(const PersonRecord& p, const Caller& who) const {
  Board::Entry e;
  e.area_path = p.area_path;
  e.b.site_id = p.state.site_id;
  return board_->Sees(e, who);
}

Result<std::vector<PersonRecord>> Quarantines::LoadInOrder(const std::vector<int64_t>& ids) {
  std::vector<PersonRecord> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    std::unordered_map<int64_t, PersonRecord> by_id;
    for (size_t i = 0; i < ids.size(); i += 500) {
      std::string where = "WHERE id IN (";
      store::Params params;
      for (size_t k = i; k < std::min(ids.size(), i + 500); ++k) {
        where += k > i ? ", ?" : "?";
        params.emplace_back(ids[k]);
      }
      TC_ASSIGN_OR_RETURN(auto part, Load(c, where + ")", params, false));
      for (auto& p : part) by_id[p.id] = std::move(p);
    }
    for (int64_t id : ids) {
      if (auto it = by_id.find(id); it != by_id.end()) out.push_back(std::move(it->second));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<PersonRecord>> Quarantines::People(const ListQuery& q, const Caller& who) {
  State state{};
  if (!q.state.empty() && !ParseState(q.state, &state)) {
    return FieldInvalid("state", "'" + q.state + "' is not a quarantine state");
  }
  Tier tier{};
  if (!q.tier.empty() && !tracing::ParseTier(q.tier, &tier)) return FieldInvalid("tier", "'" + q.tier + "' is not a tier");
  TC_RETURN_IF_ERROR(EnsureBoard());
  std::vector<int64_t> ids;
  {
    std::lock_guard lock(board_->mu);
    for (const auto& e : board_->entries) {
      if (!q.state.empty() && e.b.status != state) continue;
      if (!q.tier.empty() && e.b.tier != tier) continue;
      if (q.site_id && e.b.site_id != q.site_id) continue;
      if (board_->Sees(e, who)) ids.push_back(e.b.person_id);
    }
  }
  std::sort(ids.rbegin(), ids.rend());
  if (ids.size() > static_cast<size_t>(std::clamp<int64_t>(q.limit, 1, kMaxPeopleList))) {
    ids.resize(std::clamp<int64_t>(q.limit, 1, kMaxPeopleList));
  }
  return LoadInOrder(ids);
}

Result<PersonRecord> Quarantines::Get(int64_t id, const Caller& who) {
  TC_RETURN_IF_ERROR(EnsureBoard());
  std::vector<PersonRecord> got;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(got, Load(c, "WHERE id = ?", {id}, true));
    return Status::Ok();
  }));
  std::lock_guard lock(board_->mu);
  if (got.empty() || !Sees(got[0], who)) return NoSuch("quarantine person " + std::to_string(id));
  return got[0];
}

Result<PersonRecord> Quarantines::OfResident(int64_t resident_id) {
  std::vector<PersonRecord> got;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(got, Load(c, "WHERE resident_id = ? ORDER BY id DESC LIMIT 1", {resident_id}, true));
    return Status::Ok();
  }));
  if (got.empty()) return NotFound("resident " + std::to_string(resident_id) + " has no quarantine");
  return got[0];
}

namespace {

// Writes a person's state back, only if their status is still the one read.
Status WritePerson(store::Conn& c, int64_t id, const QuarantineState& s, State from, Millis now) {
  TC_ASSIGN_OR_RETURN(auto upd,
                      c.Exec("UPDATE quarantine_people SET tier = ?, status = ?, mode = ?, site_id = ?, room_id = ?, "
                             "vehicle = ?, pickup_at = ?, quarantine_start = ?, quarantine_end = ?, certificate = ?, "
                             "reason = ?, hospital = ?, reassign_count = ?, relist_count = ?, entered_at = ?, "
                             "updated_at = ? WHERE id = ? AND status = ?",
                             {std::string(tracing::TierName(s.tier)), std::string(StateName(s.status)),
                              std::string(ModeName(s.mode)), s.site_id ? store::Value{s.site_id} : store::Value{},
                              s.room_id ? store::Value{s.room_id} : store::Value{}, s.vehicle, s.pickup_at,
                              s.quarantine_start, s.quarantine_end, s.certificate, s.reason, s.hospital,
                              int64_t{s.reassign_count}, int64_t{s.relist_count}, EnteredJson(s).dump(), now, id,
                              std::string(StateName(from))}));
  if (upd.affected != 1) return Conflict("quarantine person " + std::to_string(id) + " changed meanwhile");
  return Status::Ok();
}

json ChangeJson(const PersonRecord& p, State from, const QuarantineState& s) {
  return {{"person_id", p.id},
          {"contact_id", p.contact_id},
          {"resident_id", p.resident_id},
          {"tier", tracing::TierName(s.tier)},
          {"from", StateName(from)},
          {"to", StateName(s.status)},
          {"mode", ModeName(s.mode)},
          {"site_id", s.site_id},
          {"reason", s.reason},
          {"area_path", p.area_path}};
}

// The sites as assignment.h sees them, with their rooms; and who is in which room now
// (excluding `except`).
Status ReadSitesAndBookings(store::Conn& c, std::string_view site_filter, const store::Params& params, int64_t except,
                            HouseholdKeys& households, std::vector<Site>* sites, std::vector<Booking>* existing) {
  std::map<int64_t, size_t> at;
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, district_code, lon, lat, open, capacity FROM quarantine_sites " +
                                             std::string(site_filter) + " ORDER BY id",
                                         params));
  for (const auto& r : rows.rows) {
    Site s;
    s.id = r.Int(0);
    s.district = r.Text(1);
    if (!r.IsNull(2) && !r.IsNull(3)) s.point = GeoPoint{r.Double(2), r.Double(3)};
    s.open = r.Int(4) != 0;
    s.capacity = static_cast<int>(r.Int(5));
    at[s.id] = sites->size();
    sites->push_back(std::move(s));
  }
  TC_ASSIGN_OR_RETURN(auto rooms, c.Query("SELECT id, site_id, beds, accessible, in_service FROM quarantine_rooms ORDER BY id"));
  for (const auto& r : rooms.rows) {
    auto it = at.find(r.Int(1));
    if (it == at.end()) continue;
    (*sites)[it->second].rooms.push_back({r.Int(0), static_cast<int>(r.Int(2)), r.Int(3) != 0, r.Int(4) != 0});
  }
  TC_ASSIGN_OR_RETURN(auto booked, c.Query("SELECT id, household_code, site_id, room_id FROM quarantine_people WHERE "
                                           "room_id IS NOT NULL AND status IN ('assigned', 'pickup_scheduled', "
                                           "'picked_up', 'checked_in', 'escalated') AND id <> ?",
                                           {except}));
  for (const auto& r : booked.rows) {
    if (!at.contains(r.Int(2))) continue;
    existing->push_back({r.Int(0), households.Of(r.Text(1)), r.Int(2), r.Int(3)});
  }
  return Status::Ok();
}

std::string CertificateNumber(int64_t id, Millis now) {
  std::string date = DateShanghai(now);
  std::erase(date, '-');
  char buf[48];
  std::snprintf(buf, sizeof buf, "GLJC-%s-%08lld", date.c_str(), static_cast<long long>(id));
  return buf;
}

}  // namespace

Result<PersonRecord> Quarantines::Act(int64_t id, const Action& in, const Caller& who, const audit::Actor& by) {
  TC_RETURN_IF_ERROR(EnsureBoard());
  QuarantineRules rules;
  {
    std::lock_guard lock(board_->mu);
    rules = board_->rules;
  }
  const Millis now = clock_.Now();
  Action a = in;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto got, Load(c, "WHERE id = ?", {id}, true));
    bool visible = false;
    if (!got.empty()) {
      std::lock_guard lock(board_->mu);
      visible = Sees(got[0], who);
    }
    if (!visible) return NoSuch("quarantine person " + std::to_string(id));
    const PersonRecord& p = got[0];
    QuarantineState s = p.state;
    const State from = s.status;
    if (a.kind == ActionKind::kRelease && a.certificate.empty()) a.certificate = CertificateNumber(id, now);
    TC_RETURN_IF_ERROR(Apply(s, a, rules, now));
    // A room: checked against its site's occupants in this transaction.
    if (a.kind == ActionKind::kAssign && !a.home) {
      HouseholdKeys households;
      std::vector<quarantine::Site> sites;
      std::vector<Booking> existing;
      TC_RETURN_IF_ERROR(
          ReadSitesAndBookings(c, "WHERE id = ?", {a.site_id}, id, households, &sites, &existing));
      if (sites.empty()) return NoSuch("quarantine site " + std::to_string(a.site_id));
      const Booking mine{id, households.Of(p.household_code), a.site_id, a.room_id};
      TC_RETURN_IF_ERROR(Validate(sites, existing, std::span<const Booking>(&mine, 1)));
    }
    if (a.kind == ActionKind::kCheckIn && s.mode == Mode::kCentralised) {
      TC_ASSIGN_OR_RETURN(auto site, c.Query("SELECT s.capacity, (SELECT COALESCE(SUM(beds), 0) FROM quarantine_rooms r "
                                             "WHERE r.site_id = s.id), (SELECT COUNT(*) FROM quarantine_people q WHERE "
                                             "q.site_id = s.id AND q.status = 'checked_in' AND q.id <> ?), s.open, s.name "
                                             "FROM quarantine_sites s WHERE s.id = ?",
                                             {id, s.site_id}));
      if (site.empty()) return NoSuch("quarantine site " + std::to_string(s.site_id));
      const int64_t cap = site[0].Int(0) > 0 ? site[0].Int(0) : site[0].Int(1);
      if (site[0].Int(2) >= cap) {
        return Conflict("site " + std::to_string(s.site_id) + " (" + site[0].Text(4) + ") is full: it holds " +
                        std::to_string(site[0].Int(2)) + " people checked in and has room for " + std::to_string(cap));
      }
      if (site[0].Int(3) == 0) return Conflict("site " + std::to_string(s.site_id) + " is closed; check-in refused");
    }
    TC_RETURN_IF_ERROR(WritePerson(c, id, s, from, now));
    if (a.kind == ActionKind::kHealthCheck) {
      HealthCheck hc = a.check;
      if (hc.at == 0) hc.at = now;  // as Apply records it
      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO quarantine_checks (person_id, at, temperature_c, symptoms, recorded_by) "
                                "VALUES (?, ?, ?, ?, ?)",
                                {id, hc.at, hc.temperature_c, hc.symptoms, by.name})
                             .status());
    }
    if (a.kind == ActionKind::kTestResult) {
      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO quarantine_tests (person_id, sampled_at, outcome, recorded_by, recorded_at) "
                                "VALUES (?, ?, ?, ?, ?)",
                                {id, a.test.sampled_at, std::string(OutcomeName(a.test.outcome)), by.name, now})
                             .status());
    }
    json change = ChangeJson(p, from, s);
    if (s.status != from) {
      TC_RETURN_IF_ERROR(events::Publish(c, "QuarantineStatusChanged", json{{"changes", json::array({change})}}.dump(), now));
    }
    if (a.kind == ActionKind::kHealthCheck) change["temperature_c"] = a.check.temperature_c;
    if (!a.note.empty()) change["note"] = a.note;
    if (!a.certificate.empty()) change["certificate"] = a.certificate;
    return audit::Append(c, {.actor = by.name, .action = "quarantine." + std::string(ActionName(a.kind)),
                             .target = "quarantine_person:" + std::to_string(id), .area_path = p.area_path,
                             .detail = change.dump(), .request_id = by.request_id},
                         now);
  }));
  const int64_t ids[] = {id};
  TC_RETURN_IF_ERROR(RefreshAfterCommit(std::span<const int64_t>(ids)));
  return Get(id, who);
}

Result<AutoAssignResult> Quarantines::AutoAssign(const AutoAssignRequest& r, const Caller& who,
                                                 const audit::Actor& by) {
  if (who.staff_only) return NoSuch("area '" + who.area_path + "'");
  if (r.tiers.empty()) return FieldInvalid("tiers", "at least one tier (close, secondary) is required");
  for (size_t i = 0; i < r.tiers.size(); ++i) {
    if (!IsQuarantineTier(r.tiers[i])) {
      return FieldInvalid("tiers[" + std::to_string(i) + "]", "only close and secondary contacts are quarantined");
    }
  }
  if (r.limit < 0) return FieldInvalid("limit", "must be 0 (all) or more");
  TC_RETURN_IF_ERROR(EnsureBoard());
  QuarantineRules rules;
  {
    std::lock_guard lock(board_->mu);
    rules = board_->rules;
  }
  const Millis now = clock_.Now();
  AutoAssignResult out;
  std::vector<int64_t> touched;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    std::string where = "WHERE status = 'listed' AND tier IN (";
    store::Params params;
    for (size_t i = 0; i < r.tiers.size(); ++i) {
      where += i ? ", ?" : "?";
      params.emplace_back(std::string(tracing::TierName(r.tiers[i])));
    }
    where += ")";
    if (!Covers(who.area_path, "")) {
      where += " AND area_path >= ? AND area_path < ?";
      params.emplace_back(who.area_path);
      params.emplace_back(store::PrefixEnd(who.area_path));
    }
    where += " ORDER BY id";
    if (r.limit > 0) {
      where += " LIMIT ?";
      params.emplace_back(r.limit);
    }
    TC_ASSIGN_OR_RETURN(auto listed, Load(c, where, params, false));
    HouseholdKeys households;
    std::vector<quarantine::Site> sites;
    std::vector<Booking> existing;
    TC_RETURN_IF_ERROR(ReadSitesAndBookings(c, "", {}, 0, households, &sites, &existing));
    // Ages and care tags from the registry: a child under 14 needs a guardian in the
    // room; 70 and over, a disability, severe illness or bed-bound needs an accessible room.
    std::vector<int64_t> residents;
    for (const auto& p : listed) residents.push_back(p.resident_id);
    TC_ASSIGN_OR_RETURN(auto briefs, registry::PeopleById(c, residents));
    std::unordered_map<int64_t, const registry::PersonBrief*> brief;
    for (const auto& b : briefs) brief[b.id] = &b;
    std::vector<Person> people;
    std::unordered_map<int64_t, const PersonRecord*> by_id;
    std::map<int64_t, std::vector<std::pair<int, int64_t>>> adults;  // household → (age, person)
    std::vector<int> ages;
    for (const auto& p : listed) {
      const auto b = brief.find(p.resident_id);
      const int age = b == brief.end() ? -1 : AgeOn(b->second->birth_date, now);
      const int64_t tags = b == brief.end() ? 0 : b->second->tags;
      Person x;
      x.id = p.id;
      x.household_id = households.Of(p.household_code);
      x.tier = p.state.tier;
      x.district = p.district_code;
      x.needs_accessible = age >= 70 || (tags & (8 | 16 | 32)) != 0;
      x.child = age >= 0 && age < 14;
      if (age >= 18) adults[x.household_id].push_back({age < 70 ? 0 : 1, p.id});
      people.push_back(x);
      by_id[p.id] = &p;
    }
    // A child's guardian: an adult of the household listed with it, under 70 first.
    for (auto& x : people) {
      if (!x.child) continue;
      auto& a = adults[x.household_id];
      if (a.empty()) continue;
      std::sort(a.begin(), a.end());
      x.guardian_id = a.front().second;
    }
    TC_ASSIGN_OR_RETURN(Assignment plan, Assign(sites, existing, people, AssignmentRules{}));
    TC_RETURN_IF_ERROR(Validate(sites, existing, plan.placed));
    out.placed = plan.placed;
    out.unplaced = plan.unplaced;
    if (r.dry_run || plan.placed.empty()) return Status::Ok();
    json changes = json::array();
    for (const Booking& b : plan.placed) {
      const PersonRecord& p = *by_id.at(b.person_id);
      QuarantineState s = p.state;
      TC_RETURN_IF_ERROR(Apply(s, {.kind = ActionKind::kAssign, .site_id = b.site_id, .room_id = b.room_id}, rules, now));
      TC_RETURN_IF_ERROR(WritePerson(c, p.id, s, State::kListed, now));
      touched.push_back(p.id);
      changes.push_back(ChangeJson(p, State::kListed, s));
      if (changes.size() == 1000) {
        TC_RETURN_IF_ERROR(events::Publish(c, "QuarantineStatusChanged", json{{"changes", changes}}.dump(), now));
        changes = json::array();
      }
    }
    if (!changes.empty()) {
      TC_RETURN_IF_ERROR(events::Publish(c, "QuarantineStatusChanged", json{{"changes", changes}}.dump(), now));
    }
    out.written = true;
    return audit::Append(c, {.actor = by.name, .action = "quarantine.auto_assign", .target = "quarantine_people",
                             .area_path = who.area_path.empty() ? "/" : who.area_path,
                             .detail = json{{"placed", plan.placed.size()}, {"unplaced", plan.unplaced.size()}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  if (!touched.empty()) TC_RETURN_IF_ERROR(RefreshAfterCommit(std::span<const int64_t>(touched)));
  return out;
}

Result<Certificate> Quarantines::CertificateOf(int64_t id, const Caller& who) {
  TC_ASSIGN_OR_RETURN(PersonRecord p, Get(id, who));
  if (p.state.status != State::kReleased) {
    return Conflict("quarantine person " + std::to_string(id) + " is " + std::string(StateName(p.state.status)) +
                    "; a certificate exists once released");
  }
  Certificate c;
  c.number = p.state.certificate;
  c.issued_at = p.state.entered_at[static_cast<int>(State::kReleased)];
  c.tests = p.state.tests;
  c.person = std::move(p);
  return c;
}

// ---- Lists from the board ----

Result<std::vector<CheckItem>> Quarantines::CheckList(const Caller& who, int64_t site_id) {
  TC_RETURN_IF_ERROR(EnsureBoard());
  std::vector<BoardEntry> mine;
  std::unordered_map<int64_t, Mode> mode;
  std::vector<CheckDue> due;
  {
    std::lock_guard lock(board_->mu);
    const Board& b = *board_;
    for (const auto& e : b.entries) {
      if (e.b.status != State::kCheckedIn || (site_id && e.b.site_id != site_id) || !b.Sees(e, who)) continue;
      mine.push_back(e.b);
      mode[e.b.person_id] = e.mode;
    }
    due = quarantine::CheckList(mine, b.rules, ShanghaiDayStart(clock_.Now()));
  }
  std::unordered_map<int64_t, Millis> last;
  for (const auto& e : mine) last[e.person_id] = e.last_check_at;
  std::vector<CheckItem> out;
  out.reserve(due.size());
  for (const CheckDue& d : due) {
    out.push_back({.person_id = d.person_id,
                   .site_id = d.site_id,
                   .tier = d.tier,
                   .mode = mode[d.person_id],
                   .day = d.day,
                   .check_due = d.owes_check,
                   .test_day = d.test_day,
                   .last_check_at = last[d.person_id]});
  }
  return out;
}

Result<std::vector<StuckPerson>> Quarantines::OpenLoop(const Caller& who) {
  TC_RETURN_IF_ERROR(EnsureBoard());
  std::vector<BoardEntry> mine;
  std::vector<Stuck> stuck;
  {
    std::lock_guard lock(board_->mu);
    const Board& b = *board_;
    for (const auto& e : b.entries) {
      if (!IsFinal(e.b.status) && b.Sees(e, who)) mine.push_back(e.b);
    }
    stuck = quarantine::OpenLoop(mine, b.rules, clock_.Now());
  }
  std::unordered_map<int64_t, int64_t> site_of;
  for (const auto& e : mine) site_of[e.person_id] = e.site_id;
  std::vector<StuckPerson> out;
  out.reserve(stuck.size());
  for (const Stuck& s : stuck) out.push_back({s.person_id, site_of[s.person_id], s.status, s.since, s.due, s.late});
  return out;
}

Result<std::vector<PersonRecord>> Quarantines::Transfers(const Caller& who, int64_t limit) {
  TC_RETURN_IF_ERROR(EnsureBoard());
  std::vector<std::pair<Millis, int64_t>> order;
  {
    std::lock_guard lock(board_->mu);
    for (const auto& e : board_->entries) {
      const bool moving = (e.b.status == State::kAssigned && e.mode == Mode::kCentralised) ||
                          e.b.status == State::kPickupScheduled || e.b.status == State::kPickedUp;
      if (moving && board_->Sees(e, who)) order.push_back({e.b.pickup_at ? e.b.pickup_at : e.b.since, e.b.person_id});
    }
  }
  std::sort(order.begin(), order.end());
  if (order.size() > static_cast<size_t>(std::clamp<int64_t>(limit, 1, kMaxPeopleList))) {
    order.resize(std::clamp<int64_t>(limit, 1, kMaxPeopleList));
  }
  std::vector<int64_t> ids;
  for (const auto& [t, id] : order) ids.push_back(id);
  return LoadInOrder(ids);
}

Result<ForecastInput> Quarantines::Pipeline(const Caller& who) {
  TC_RETURN_IF_ERROR(EnsureBoard());
  const Millis now = clock_.Now();
  ForecastInput in;
  std::lock_guard lock(board_->mu);
  const Board& b = *board_;
  in.close.days = b.rules.close.days;
  in.secondary.days = b.rules.secondary.days;
  in.close.by_day.assign(in.close.days, 0);
  in.secondary.by_day.assign(in.secondary.days, 0);
  for (const auto& e : b.entries) {
    if (!IsActive(e.b.status) || !IsQuarantineTier(e.b.tier) || !b.Sees(e, who)) continue;
    TierPipeline& t = e.b.tier == Tier::kClose ? in.close : in.secondary;
    int day = e.b.status == State::kCheckedIn ? static_cast<int>((now - e.b.quarantine_start) / kDayMs) + 1 : 1;
    day = std::clamp(day, 1, t.days);
    t.by_day[day - 1] += 1;
  }
  return in;
}

Result<Quarantines::Counts> Quarantines::Count(const Caller& who) {
  TC_RETURN_IF_ERROR(EnsureBoard());
  Counts out;
  std::lock_guard lock(board_->mu);
  for (const auto& e : board_->entries) {
    if (!board_->Sees(e, who)) continue;
    ++out.by_state[static_cast<int>(e.b.status)];
    if (IsActive(e.b.status) || e.b.status == State::kEscalated) {
      if (e.mode == Mode::kHome) ++out.home;
      if (e.mode == Mode::kCentralised) ++out.centralised;
    }
  }
  return out;
}

// ---- Events ----

Status Quarantines::OnEvent(const events::Event& e) {
  if (e.type != "ContactListed" && e.type != "ContactRemoved") return Status::Ok();
  auto j = json::parse(e.payload, nullptr, false);
  if (!j.is_object()) return Status::Ok();
  TC_RETURN_IF_ERROR(EnsureBoard());
  QuarantineRules rules;
  {
    std::lock_guard lock(board_->mu);
    rules = board_->rules;
  }
  const Millis now = clock_.Now();
  std::vector<int64_t> touched;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    if (e.type == "ContactRemoved") {
      const int64_t contact = j.value("contact_id", int64_t{0});
      if (contact <= 0) return Status::Ok();
      TC_ASSIGN_OR_RETURN(auto got, Load(c, "WHERE contact_id = ? ORDER BY id DESC LIMIT 1", {contact}, false));
      if (got.empty()) return Status::Ok();
      QuarantineState s = got[0].state;
      const State from = s.status;
      const std::string why = "removed from the contact list: " + j.value("reason", std::string("(no reason)"));
      if (!Apply(s, {.kind = ActionKind::kCancel, .note = why}, rules, now).ok()) return Status::Ok();  // final already
      TC_RETURN_IF_ERROR(WritePerson(c, got[0].id, s, from, now));
      touched.push_back(got[0].id);
      TC_RETURN_IF_ERROR(events::Publish(c, "QuarantineStatusChanged",
                                         json{{"changes", json::array({ChangeJson(got[0], from, s)})}}.dump(), now));
      return audit::Append(c, {.actor = "tracing", .action = "quarantine.cancel",
                               .target = "quarantine_person:" + std::to_string(got[0].id), .area_path = got[0].area_path,
                               .detail = json{{"reason", why}, {"event", e.seq}}.dump(), .request_id = ""},
                           now);
    }
    std::unordered_map<std::string, std::string> paths;  // household → unit path
    int64_t listed = 0, upgraded = 0;
    for (const auto& item : j.value("contacts", json::array())) {
      Tier tier;
      if (!tracing::ParseTier(item.value("tier", std::string()), &tier) || !IsQuarantineTier(tier)) continue;
      const int64_t contact = item.value("contact_id", int64_t{0});
      const int64_t resident = item.value("resident_id", int64_t{0});
      const std::string household = item.value("household_code", std::string());
      if (contact <= 0 || resident <= 0) continue;
      TC_ASSIGN_OR_RETURN(auto open, c.Query("SELECT id, contact_id, tier, status FROM quarantine_people WHERE "
                                             "resident_id = ? AND status NOT IN ('released', 'hospitalised', "
                                             "'cancelled') ORDER BY id DESC LIMIT 1",
                                             {resident}));
      if (!open.empty()) {
        // Already in quarantine: a secondary contact named close while still listed moves up.
        if (tier == Tier::kClose && open[0].Text(2) == "secondary" && open[0].Text(3) == "listed") {
          TC_RETURN_IF_ERROR(c.Exec("UPDATE quarantine_people SET tier = 'close', contact_id = ?, updated_at = ? "
                                    "WHERE id = ?",
                                    {contact, now, open[0].Int(0)})
                                 .status());
          touched.push_back(open[0].Int(0));
          ++upgraded;
        }
        continue;
      }
      TC_ASSIGN_OR_RETURN(auto seen, c.Query("SELECT id FROM quarantine_people WHERE contact_id = ?", {contact}));
      if (!seen.empty()) continue;  // this listing was handled (and has ended): a redelivered event
      auto path = paths.find(household);
      if (path == paths.end()) {
        auto p = registry::HouseholdAreaPath(c, household);
        if (!p.ok()) continue;  // a household the registry does not know: nothing to place
        path = paths.emplace(household, *p).first;
      }
      const QuarantineState s = Listed(tier, now);
      TC_ASSIGN_OR_RETURN(auto ins, c.Query("INSERT INTO quarantine_people (contact_id, resident_id, household_code, "
                                            "area_path, district_code, tier, status, mode, site_id, room_id, vehicle, "
                                            "pickup_at, quarantine_start, quarantine_end, certificate, reason, hospital, "
                                            "reassign_count, relist_count, entered_at, created_at, updated_at) VALUES "
                                            "(?, ?, ?, ?, ?, ?, 'listed', 'undecided', NULL, NULL, '', 0, 0, 0, '', '', "
                                            "'', 0, 0, ?, ?, ?) RETURNING id",
                                            {contact, resident, household, path->second, DistrictOfPath(path->second),
                                             std::string(tracing::TierName(tier)), EnteredJson(s).dump(), now, now}));
      touched.push_back(ins[0].Int(0));
      ++listed;
    }
    if (listed + upgraded == 0) return Status::Ok();
    return audit::Append(c, {.actor = "tracing", .action = "quarantine.list", .target = "event:" + std::to_string(e.seq),
                             .area_path = "/", .detail = json{{"listed", listed}, {"upgraded", upgraded}}.dump(),
                             .request_id = ""},
                         now);
  }));
  if (!touched.empty()) TC_RETURN_IF_ERROR(RefreshAfterCommit(std::span<const int64_t>(touched)));
  return Status::Ok();
}

}  // namespace tc::quarantine
