#include "tracing/service.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "registry/areas.h"
#include "registry/lookup.h"
#include "tracing/checkins.h"

namespace tc::tracing {
namespace {

constexpr Millis kClockSkew = 60'000;  // a scanner's clock may run a minute ahead
constexpr const char* kVenueColumns = "id, code, name, kind, area_code, area_path, capacity, created_at";

Venue VenueFromRow(const store::Row& r) {
  return Venue{r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Int(6), r.Int(7)};
}

Status ValidateVenueCode(std::string_view code) {
  if (code.size() < 4 || code.size() > 40) return FieldInvalid("code", "venue code must be 4–40 characters");
  for (char ch : code) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') {
      return FieldInvalid("code", "venue code may hold only letters, digits and '-'");
    }
  }
  return Status::Ok();
}

// Household members from the registry; remembers the first store error.
class RegistryHouseholds : public HouseholdSource {
 public:
  explicit RegistryHouseholds(store::Store& store) : store_(store) {}
  void Members(std::span<const uint32_t> persons, const std::function<void(uint32_t, uint32_t)>& fn) const override {
    std::vector<int64_t> ids(persons.begin(), persons.end());
    Status s = store_.Read([&](store::Conn& c) {
      return registry::ForEachHouseholdMember(c, ids, [&](int64_t person, int64_t member) {
        if (member <= kMaxPersonId) fn(static_cast<uint32_t>(person), static_cast<uint32_t>(member));
      });
    });
    if (!s.ok() && error_.ok()) error_ = s;
  }
  const Status& error() const { return error_; }

 private:
  store::Store& store_;
  mutable Status error_;
};

}  // namespace

Tracing::Tracing(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Status Tracing::Start() {
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(city_start_, registry::CityCreatedAt(c));
    return Status::Ok();
  }));
  std::unique_lock lock(mu_);
  index_ = Index();
  index_.set_seal_threshold(64u << 20);  // the first load: big segments, merged once at the end
  index_.set_auto_merge(false);
  last_id_ = 0;
  TC_RETURN_IF_ERROR(CatchUp());
  index_.Compact();
  index_.set_auto_merge(true);
  index_.set_seal_threshold(1u << 20);
  return Status::Ok();
}

Status Tracing::CatchUp() {
  TC_ASSIGN_OR_RETURN(last_id_, LoadCheckins(store_, index_, last_id_));
  index_.Seal();
  return Status::Ok();
}

Result<Venue> Tracing::CreateVenue(const NewVenue& v, const audit::Actor& by) {
  std::vector<FieldError> errors;
  auto check = [&](const Status& s) {
    for (const auto& fe : s.field_errors()) errors.push_back(fe);
  };
  check(ValidateVenueCode(v.code));
  if (v.name.empty() || v.name.size() > 200) errors.push_back({"name", "name must be 1–200 bytes"});
  if (!IsVenueKind(v.kind)) errors.push_back({"kind", "unknown venue kind '" + v.kind + "'"});
  if (v.capacity < 0 || v.capacity > 10'000'000) errors.push_back({"capacity", "capacity must be 0–10,000,000"});
  if (!errors.empty()) {
    Status s = InvalidArgument("venue '" + v.code + "' is invalid: " + errors[0].field + ": " + errors[0].message);
    for (auto& e : errors) s.AddFieldError(e.field, e.message);
    return s;
  }
  const Millis now = clock_.Now();
  Venue out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    auto area = registry::AreaPath(c, v.area_code);
    if (!area.ok()) return FieldInvalid("area_code", area.status().message());
    TC_ASSIGN_OR_RETURN(auto existing, c.Query("SELECT 1 FROM venues WHERE code = ?", {v.code}));
    // Codes are unique city-wide, so a taken code is said; whose it is is not.
    if (!existing.empty()) return Conflict("venue code '" + v.code + "' is already taken");
    const std::string path = *area;
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO venues (code, name, kind, area_code, area_path, capacity, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?)",
                              {v.code, v.name, v.kind, v.area_code, path, v.capacity, now})
                           .status());
    nlohmann::json detail = {{"name", v.name}, {"kind", v.kind}, {"area_code", v.area_code}};
    TC_RETURN_IF_ERROR(audit::Append(c,
                                     {.actor = by.name, .action = "venue.create", .target = "venue:" + v.code,
                                      .area_path = path, .detail = detail.dump(), .request_id = by.request_id},
                                     now));
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kVenueColumns + " FROM venues WHERE code = ?",
                                           {v.code}));
    out = VenueFromRow(rows[0]);
    return Status::Ok();
  }));
  return out;
}

Result<Venue> Tracing::GetVenue(std::string_view code) {
  Venue out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kVenueColumns + " FROM venues WHERE code = ?",
                                           {std::string(code)}));
    if (rows.empty()) return NotFound("venue '" + std::string(code) + "' does not exist");
    out = VenueFromRow(rows[0]);
    return Status::Ok();
  }));
  return out;
}

Result<Venue> Tracing::GetVenueById(int64_t id) {
  Venue out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows,
                        c.Query(std::string("SELECT ") + kVenueColumns + " FROM venues WHERE id = ?", {id}));
    if (rows.empty()) return NotFound("venue " + std::to_string(id) + " does not exist");
    out = VenueFromRow(rows[0]);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Venue>> Tracing::ListVenues(std::string_view under_path, std::string_view kind,
                                               std::string_view text, int64_t after_id, int limit) {
  std::string sql = std::string("SELECT ") + kVenueColumns + " FROM venues WHERE area_path >= ? AND area_path < ? AND id > ?";
  store::Params params{std::string(under_path), store::PrefixEnd(under_path), after_id};
  if (!kind.empty()) {
    sql += " AND kind = ?";
    params.emplace_back(std::string(kind));
  }
  if (!text.empty()) {
    sql += " AND (name LIKE ? OR code LIKE ?)";
    params.emplace_back("%" + std::string(text) + "%");
    params.emplace_back("%" + std::string(text) + "%");
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(int64_t{limit});
  return store_.ReadAll<Venue>(sql, params, VenueFromRow);
}

Result<CheckinReport> Tracing::Record(std::span<const NewCheckin> batch, std::string_view scope_path,
                                      const audit::Actor& by) {
  CheckinReport report;
  report.received = static_cast<int64_t>(batch.size());
  std::vector<bool> bad(batch.size(), false);
  auto reject = [&](size_t i, std::string field, std::string message) {
    if (bad[i]) return;
    bad[i] = true;
    report.errors.push_back({batch[i].line, std::move(field), std::move(message)});
  };
  const Millis now = clock_.Now();
  std::lock_guard write_lock(write_mu_);
  {
    std::unique_lock lock(mu_);
    TC_RETURN_IF_ERROR(CatchUp());
  }

  // Times, to the minute; people and venues are looked up only for lines that pass.
  std::vector<Minute> arrive(batch.size()), leave(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    const NewCheckin& n = batch[i];
    if (n.person_id < 0) {
      reject(i, "person_id", "person_id must be a positive id, not " + std::to_string(n.person_id));
    } else if (n.person_id == 0 && n.id_number.empty()) {
      reject(i, "person_id", "person_id or id_number is required");
    } else if (n.person_id > kMaxPersonId) {
      reject(i, "person_id", "no resident " + std::to_string(n.person_id) + " in your jurisdiction");
    }
    if (n.venue_code.empty()) reject(i, "venue_code", "venue_code is required");
    if (n.arrive_at == kNoTime) {
      reject(i, "arrive_at", "arrive_at is required");
      continue;
    }
    if (n.arrive_at < city_start_) {
      reject(i, "arrive_at", "arrive_at " + FormatShanghai(n.arrive_at) + " is before the city's records begin (" +
                                 FormatShanghai(city_start_) + ")");
      continue;
    }
    if (n.arrive_at > now + kClockSkew) {
      reject(i, "arrive_at", "arrive_at " + FormatShanghai(n.arrive_at) + " is in the future");
      continue;
    }
    arrive[i] = ToMinute(n.arrive_at);
    if (n.leave_at == kNoTime) continue;
    if (n.leave_at < n.arrive_at) {
      reject(i, "leave_at", "leave_at is before arrive_at");
    } else if (n.leave_at > now + kClockSkew) {
      reject(i, "leave_at", "leave_at " + FormatShanghai(n.leave_at) + " is in the future");
    } else if (ToMinute(n.leave_at) - arrive[i] > kMaxStayMinutes) {
      reject(i, "leave_at", "leave_at is more than 24 hours after arrive_at");
    } else {
      leave[i] = ToMinute(n.leave_at);
    }
  }

  // Venues and persons, one query per chunk. A person or venue outside the caller's
  // jurisdiction is answered exactly as one that does not exist.
  const std::string scope_key = registry::ScopeKeyOfPath(scope_path);
  std::map<std::string, std::pair<int64_t, std::string>, std::less<>> venues;  // code → (id, path)
  std::map<int64_t, registry::PersonBrief> by_id;
  std::map<std::string, registry::PersonBrief, std::less<>> by_id_number;
  {
    std::vector<std::string> codes, id_numbers;
    std::vector<int64_t> ids;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (bad[i]) continue;
      codes.push_back(batch[i].venue_code);
      if (batch[i].person_id > 0) ids.push_back(batch[i].person_id);
      if (!batch[i].id_number.empty()) id_numbers.push_back(batch[i].id_number);
    }
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
      TC_RETURN_IF_ERROR(store::QueryIn(c, "SELECT code, id, area_path FROM venues WHERE code IN ", "",
                                        std::span<const std::string>(codes),
                                        [&](const store::Row& r) { venues[r.Text(0)] = {r.Int(1), r.Text(2)}; }));
      TC_ASSIGN_OR_RETURN(auto numbered, registry::PeopleByIdNumber(c, id_numbers));
      for (auto& p : numbered) {
        if (p.household_code.starts_with(scope_key)) by_id_number[p.id_number] = std::move(p);
      }
      TC_ASSIGN_OR_RETURN(auto people, registry::PeopleById(c, ids));
      for (auto& p : people) {
        if (p.household_code.starts_with(scope_key)) by_id[p.id] = std::move(p);
      }
      return Status::Ok();
    }));
  }
  struct Good {
    size_t i;
    int64_t person, venue;
  };
  std::vector<Good> good;
  std::set<std::tuple<int64_t, int64_t, Minute>> seen;
  {
    std::shared_lock lock(mu_);
    for (size_t i = 0; i < batch.size(); ++i) {
      if (bad[i]) continue;
      const NewCheckin& n = batch[i];
      const registry::PersonBrief* person = nullptr;
      const char* field = n.person_id > 0 ? "person_id" : "id_number";
      if (n.person_id > 0) {
        auto it = by_id.find(n.person_id);
        if (it == by_id.end()) {
          reject(i, "person_id", "no resident " + std::to_string(n.person_id) + " in your jurisdiction");
          continue;
        }
        person = &it->second;
        if (!n.id_number.empty() && person->id_number != n.id_number) {
          reject(i, "id_number",
                 "ID number '" + n.id_number + "' is not that of resident " + std::to_string(n.person_id));
          continue;
        }
      } else {
        auto it = by_id_number.find(n.id_number);
        if (it == by_id_number.end()) {
          reject(i, "id_number", "no resident with ID number '" + n.id_number + "' in your jurisdiction");
          continue;
        }
        person = &it->second;
      }
      if (person->status != "active") {
        reject(i, field, "resident " + std::to_string(person->id) + " is " + person->status + ", not active");
        continue;
      }
      auto v = venues.find(n.venue_code);
      if (v == venues.end() || !v->second.second.starts_with(scope_path)) {
        reject(i, "venue_code", "no venue '" + n.venue_code + "' in your jurisdiction");
        continue;
      }
      const int64_t venue = v->second.first;
      if (!seen.emplace(person->id, venue, arrive[i]).second) {
        reject(i, "arrive_at", "duplicate of an earlier line: same person, venue and minute");
        continue;
      }
      bool stored = false;
      for (const Visit& x : index_.Trajectory(static_cast<uint32_t>(person->id), arrive[i], arrive[i])) {
        stored = stored || x.venue == static_cast<uint32_t>(venue);
      }
      if (stored) {
        reject(i, "arrive_at", "already recorded: same person, venue and minute");
        continue;
      }
      good.push_back({i, person->id, venue});
    }
  }
  std::sort(report.errors.begin(), report.errors.end(),
            [](const CheckinError& a, const CheckinError& b) { return a.line < b.line; });
  report.rejected = static_cast<int64_t>(report.errors.size());
  if (good.empty()) return report;

  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(LockCheckinOrder(c));
    TC_ASSIGN_OR_RETURN(auto bulk, c.Bulk("checkins", {"person_id", "venue_id", "arrive_at", "leave_at"}));
    for (const Good& g : good) {
      store::Params row{g.person, g.venue, ToMillis(arrive[g.i])};
      if (leave[g.i]) {
        row.emplace_back(ToMillis(leave[g.i]));
      } else {
        row.emplace_back(std::monostate{});
      }
      TC_RETURN_IF_ERROR(bulk->Add(row));
    }
    TC_RETURN_IF_ERROR(bulk->Finish().status());
    nlohmann::json detail = {{"accepted", good.size()}, {"rejected", report.rejected}};
    return audit::Append(c,
                         {.actor = by.name, .action = "checkin.record", .target = "checkins",
                          .area_path = scope_path.empty() ? "/" : std::string(scope_path), .detail = detail.dump(),
                          .request_id = by.request_id},
                         now);
  }));
  report.accepted = static_cast<int64_t>(good.size());
  // Acknowledged means in the engine: the catch-up reads this batch's rows back.
  std::unique_lock lock(mu_);
  TC_RETURN_IF_ERROR(CatchUp());
  return report;
}

Result<Tracing::Visitors> Tracing::VenueVisitors(std::string_view venue_code, Millis t1, Millis t2) {
  TC_ASSIGN_OR_RETURN(Venue venue, GetVenue(venue_code));
  {
    std::unique_lock lock(mu_);
    TC_RETURN_IF_ERROR(CatchUp());
  }
  std::shared_lock lock(mu_);
  auto found = tracing::Visitors(index_, static_cast<uint32_t>(venue.id), ToMinute(t1), ToMinute(t2));
  return Visitors{venue, std::move(found.visits), found.persons};
}

Result<std::vector<Visit>> Tracing::Trajectory(int64_t person, Millis t1, Millis t2) {
  if (person < 1 || person > kMaxPersonId) return NotFound("resident " + std::to_string(person) + " does not exist");
  {
    std::unique_lock lock(mu_);
    TC_RETURN_IF_ERROR(CatchUp());
  }
  std::shared_lock lock(mu_);
  return index_.Trajectory(static_cast<uint32_t>(person), ToMinute(t1), ToMinute(t2));
}

Result<ContactResult> Tracing::Contacts(std::vector<CaseWindow> cases, const ContactRules& rules, bool secondary,
                                        bool households) {
  {
    std::unique_lock lock(mu_);
    TC_RETURN_IF_ERROR(CatchUp());
  }
  RegistryHouseholds registry(store_);
  ContactQuery q{std::move(cases), rules, secondary, households ? &registry : nullptr};
  std::shared_lock lock(mu_);
  ContactResult r = FindContacts(index_, q);
  if (!registry.error().ok()) return registry.error();
  return r;
}

Status LoadVenueTraits(store::Store& store, std::vector<VenueTrait>& traits) {
  const int64_t after = traits.empty() ? 0 : static_cast<int64_t>(traits.size()) - 1;
  return store.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, kind, capacity FROM venues WHERE id > ? ORDER BY id", {after}));
    const auto& kinds = VenueKinds();
    for (const auto& r : rows.rows) {
      const int64_t id = r.Int(0);
      if (id < 1 || id > kMaxPersonId) continue;
      if (static_cast<size_t>(id) >= traits.size()) traits.resize(static_cast<size_t>(id) + 1);
      const size_t kind = static_cast<size_t>(std::find(kinds.begin(), kinds.end(), r.Text(1)) - kinds.begin());
      traits[static_cast<size_t>(id)] = VenueTrait{static_cast<uint8_t>(std::min(kind, kVenueKindCount - 1)),
                                                    static_cast<uint32_t>(std::clamp<int64_t>(r.Int(2), 0, 0xFFFFFFFF))};
    }
    return Status::Ok();
  });
}

Status Tracing::CatchUpVenues() { return LoadVenueTraits(store_, traits_); }

Result<TierResult> Tracing::Tiers(std::vector<CaseWindow> cases, const ContactRules& rules, const TierRules& tiers,
                                  bool secondary, bool households) {
  {
    std::unique_lock lock(mu_);
    TC_RETURN_IF_ERROR(CatchUp());
    TC_RETURN_IF_ERROR(CatchUpVenues());
  }
  RegistryHouseholds registry(store_);
  std::shared_lock lock(mu_);
  TierQuery q{std::move(cases), rules, tiers, traits_, secondary, households ? &registry : nullptr};
  TierResult r = FindTiers(index_, q);
  if (!registry.error().ok()) return registry.error();
  return r;
}

Result<std::vector<SourceScore>> Tracing::Sources(const std::vector<CaseWindow>& cases, size_t top) {
  {
    std::unique_lock lock(mu_);
    TC_RETURN_IF_ERROR(CatchUp());
  }
  int64_t population = 0;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(population, registry::CityPopulation(c));
    return Status::Ok();
  }));
  std::shared_lock lock(mu_);
  return RankSources(index_, cases, population, top);
}

Result<std::vector<PersonRef>> Tracing::People(std::span<const uint32_t> ids) {
  std::vector<int64_t> wide(ids.begin(), ids.end());
  return People(std::span<const int64_t>(wide));
}

Result<std::vector<PersonRef>> Tracing::People(std::span<const int64_t> wide) {
  std::vector<PersonRef> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto people, registry::PeopleById(c, wide));
    out.reserve(people.size());
    for (auto& p : people) out.push_back({p.id, std::move(p.name), std::move(p.phone), std::move(p.household_code)});
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Venue>> Tracing::VenuesById(std::span<const uint32_t> ids) {
  std::vector<int64_t> sorted(ids.begin(), ids.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<Venue> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) {
    return store::QueryIn(c, std::string("SELECT ") + kVenueColumns + " FROM venues WHERE id IN ", "",
                          std::span<const int64_t>(sorted), [&](const store::Row& r) { out.push_back(VenueFromRow(r)); });
  }));
  std::sort(out.begin(), out.end(), [](const Venue& a, const Venue& b) { return a.id < b.id; });
  return out;
}

IndexStats Tracing::Stats() {
  std::shared_lock lock(mu_);
  return index_.Stats();
}

}  // namespace tc::tracing
