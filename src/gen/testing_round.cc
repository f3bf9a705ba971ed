#include "gen/testing_round.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <unordered_map>

#include "gen/internal/rng.h"
#include "registry/lookup.h"
#include "registry/residents.h"
#include "tracing/epidemic.h"

namespace tc::gen {
namespace {

constexpr Millis kHourMs = 3'600'000;
constexpr Millis kDayMs = 24 * kHourMs;
constexpr int kOpenHour = 7, kCloseHour = 21;  // sites sample 07:00–21:00
constexpr int kPerHour = 120;                  // swabs per lane an hour
constexpr int64_t kLabCapacity = 60'000;       // tubes a lab a day
constexpr size_t kBoxTubes = 500;

struct Person {
  int64_t id;
  std::string id_number;
  bool bedridden;
};

struct Community {
  std::string code, path;
  std::vector<Person> people;  // in unit (building) order
};

std::string Pad(int64_t n, int width) {
  std::string s = std::to_string(n);
  return s.size() >= static_cast<size_t>(width) ? s : std::string(width - s.size(), '0') + s;
}

}  // namespace

Result<TestingRoundSummary> GenerateTestingRound(store::Store& store, screening::Screening& sc,
                                                 const TestingRoundOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!(o.coverage > 0 && o.coverage <= 1)) return FieldInvalid("coverage", "must be in (0, 1]");
  if (o.days < 1 || o.days > 31) return FieldInvalid("days", "must be 1 to 31");
  std::string date = o.date;
  if (date.empty()) {
    TC_ASSIGN_OR_RETURN(std::string last, tracing::LastCheckinDate(store));
    if (last.empty()) return FieldInvalid("date", "no check-ins to date the round by; give --date");
    TC_ASSIGN_OR_RETURN(Millis t, ParseTime(last + "T12:00:00+08:00"));
    date = DateShanghai(t + kDayMs);
  }
  TC_ASSIGN_OR_RETURN(Millis day, ParseTime(date + "T00:00:00+08:00"));

  // The city: communities and their residents, in unit order.
  std::vector<Community> communities;
  std::unordered_map<std::string, size_t> community_of_unit;
  std::string city;
  std::unordered_map<int64_t, Millis> infected_at;  // the outbreak's truth, if any
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
    std::unordered_map<std::string, std::string> parent;
    std::unordered_map<std::string, size_t> community_index;
    TC_RETURN_IF_ERROR(registry::ForEachArea(c, [&](const registry::AreaNode& a) {
      parent[a.code] = a.parent_code;
      if (a.level == "city" && city.empty()) city = a.code;
      if (a.level == "community") {
        community_index[a.code] = communities.size();
        communities.push_back({a.code, a.path, {}});
      } else if (a.level == "unit") {
        std::string up = a.parent_code;
        while (!up.empty() && !community_index.contains(up)) up = parent[up];
        if (!up.empty()) community_of_unit[a.code] = community_index[up];
      }
    }));
    int64_t after = 0;
    for (;;) {
      int64_t last = after;
      TC_ASSIGN_OR_RETURN(int64_t n, registry::ForEachResidentPlace(c, after, 200'000, [&](const auto& p) {
        last = p.id;
        auto it = community_of_unit.find(p.unit_code);
        if (it == community_of_unit.end() || p.id_number.empty()) return;
        communities[it->second].people.push_back({p.id, p.id_number, (p.tags & registry::kBedridden) != 0});
      }));
      if (n < 200'000) break;
      after = last;
    }
    // gen's own table: who the generated outbreak infected, and when.
    TC_ASSIGN_OR_RETURN(auto truth, c.Query("SELECT person_id, infected_at FROM outbreak_truth"));
    for (const auto& r : truth.rows) infected_at[r.Int(0)] = r.Int(1);
    return Status::Ok();
  }));
  if (city.empty()) return NotFound("the store has no city; run gen city first");
  const audit::Actor by{"gen", ""};
  internal::Rng rng(internal::SubSeed(o.seed, "testing-round"));
  TestingRoundSummary sum;

  // Sites: one per community, lanes for its people over the opening hours.
  const int open_hours = kCloseHour - kOpenHour;
  std::vector<std::string> site_codes(communities.size());
  for (size_t i = 0; i < communities.size(); ++i) {
    const auto& cm = communities[i];
    if (cm.people.empty()) continue;
    const int lanes = std::clamp(static_cast<int>(std::ceil(static_cast<double>(cm.people.size()) /
                                                            (kPerHour * open_hours * 0.8))),
                                 1, 50);
    site_codes[i] = "S" + cm.code;
    auto site = sc.SiteByCode(site_codes[i]);
    if (site.ok()) continue;  // a second round on the same city reuses the sites
    TC_RETURN_IF_ERROR(sc.CreateSite({.code = site_codes[i],
                                      .name = "采样点 " + cm.code,
                                      .area_code = cm.code,
                                      .hours = "07:00-21:00",
                                      .lanes = lanes,
                                      .per_hour = kPerHour},
                                     by)
                           .status());
    ++sum.sites;
  }
  // Labs: enough for the city's tubes in a day.
  int64_t population = 0;
  for (const auto& cm : communities) population += static_cast<int64_t>(cm.people.size());
  const int64_t tubes_needed = population / std::max(1, o.pool_size) + 1;
  const int64_t labs = std::max<int64_t>(1, (tubes_needed + kLabCapacity - 1) / kLabCapacity);
  std::vector<std::string> lab_codes;
  TC_ASSIGN_OR_RETURN(auto existing_labs, sc.Labs());
  for (int64_t l = 0; l < labs; ++l) {
    lab_codes.push_back("LAB" + Pad(l + 1, 3));
    if (std::any_of(existing_labs.begin(), existing_labs.end(),
                    [&](const auto& x) { return x.code == lab_codes.back(); })) {
      continue;  // a second round on the same city reuses the labs
    }
    TC_RETURN_IF_ERROR(sc.CreateLab({.code = lab_codes.back(),
                                     .name = "检测机构 " + Pad(l + 1, 3),
                                     .capacity_per_day = kLabCapacity},
                                    by)
                           .status());
    ++sum.labs;
  }

  const std::string last_day = DateShanghai(day + (o.days - 1) * kDayMs + 12 * kHourMs);
  TC_ASSIGN_OR_RETURN(auto round,
                      sc.CreateRound({o.name.empty() ? "全员核酸检测 " + date : o.name, {city}, date, last_day,
                                      o.pool_size, "residents"},
                                     {}, by));
  sum.round_id = round.id;
  sum.due = round.due_count;

  // Scans: each site's lanes take the sampled people in turn through the day; a lane
  // fills one tube at a time.
  std::vector<screening::Scan> batch;
  std::vector<std::pair<std::string, Millis>> closed_tubes;  // barcode, closed at
  std::unordered_map<std::string, std::vector<int64_t>> tube_people;
  int64_t line = 0;
  double register_s = 0;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    const auto r0 = std::chrono::steady_clock::now();
    auto rep = sc.Register(batch, "gen", true, by, 10);
    register_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - r0).count();
    TC_RETURN_IF_ERROR(rep.status);
    sum.sampled += rep.accepted;
    sum.rejected += rep.rejected;
    batch.clear();
    return Status::Ok();
  };
  const Millis opens = day + kOpenHour * kHourMs;
  for (size_t i = 0; i < communities.size(); ++i) {
    const auto& cm = communities[i];
    if (cm.people.empty()) continue;
    auto site = sc.SiteByCode(site_codes[i]);
    if (!site.ok()) continue;
    std::vector<const Person*> coming;
    for (const auto& p : cm.people) {
      if (rng.Chance(p.bedridden ? o.coverage * 0.9 : o.coverage)) coming.push_back(&p);
    }
    // People come through the day in no particular order of building.
    for (size_t k = coming.size(); k > 1; --k) std::swap(coming[k - 1], coming[rng.Below(k)]);
    const int lanes = site->lanes;
    const double gap_ms = 3'600'000.0 / kPerHour;
    std::vector<int> lane_fill(lanes, 0);
    std::vector<int64_t> lane_tube(lanes, 0);
    int64_t tube_seq = 0;
    for (size_t n = 0; n < coming.size(); ++n) {
      const int lane = static_cast<int>(n % lanes);
      const Millis at = std::min<Millis>(opens + static_cast<Millis>((n / lanes) * gap_ms),
                                         day + kCloseHour * kHourMs - 60'000);
      if (lane_fill[lane] == 0) lane_tube[lane] = ++tube_seq;
      const std::string barcode = "R" + std::to_string(round.id) + "-" + cm.code + "-" + Pad(lane_tube[lane], 5);
      screening::Scan s;
      s.line = ++line;
      s.round_id = round.id;
      s.site_code = site_codes[i];
      s.tube = barcode;
      s.id_number = coming[n]->id_number;
      s.at = at;
      const bool last = n + lanes >= coming.size();
      s.close_after = last;  // the site's last people close their lanes' tubes
      batch.push_back(std::move(s));
      tube_people[barcode].push_back(coming[n]->id);
      if (++lane_fill[lane] == o.pool_size || last) {
        closed_tubes.emplace_back(barcode, at);
        lane_fill[lane] = 0;
      }
      if (static_cast<int>(batch.size()) >= o.batch) TC_RETURN_IF_ERROR(flush());
    }
  }
  TC_RETURN_IF_ERROR(flush());
  sum.tubes = static_cast<int64_t>(closed_tubes.size());
  sum.register_seconds = register_s;

  if (o.results) {
    // Boxes to the labs, round-robin; results eight hours after closing.
    for (size_t b = 0; b * kBoxTubes < closed_tubes.size(); ++b) {
      screening::Shipment ship;
      ship.box = "BOX-R" + std::to_string(round.id) + "-" + Pad(static_cast<int64_t>(b + 1), 6);
      ship.lab_code = lab_codes[b % lab_codes.size()];
      for (size_t t = b * kBoxTubes; t < std::min(closed_tubes.size(), (b + 1) * kBoxTubes); ++t) {
        ship.tubes.push_back(closed_tubes[t].first);
        ship.handed_over_at = std::max(ship.handed_over_at, closed_tubes[t].second + 30 * 60'000);
      }
      TC_RETURN_IF_ERROR(sc.Ship(ship, by).status());
    }
    auto detectable = [&](int64_t person, Millis at) {
      auto it = infected_at.find(person);
      return it != infected_at.end() && at >= it->second + 2 * kDayMs && at <= it->second + 28 * kDayMs;
    };
    std::vector<screening::TubeResult> results;
    std::vector<std::pair<std::string, Millis>> retest_pools;
    for (const auto& [barcode, closed_at] : closed_tubes) {
      screening::TubeResult r;
      r.tube = barcode;
      r.at = closed_at + 8 * kHourMs;
      bool positive = false;
      for (int64_t p : tube_people[barcode]) positive = positive || detectable(p, closed_at);
      if (positive && rng.Chance(o.sensitivity)) {
        r.result = "positive";
        r.ct = rng.Uniform(22, 35);
      } else if (rng.Chance(o.invalid_share)) {
        r.result = "invalid";
      } else {
        r.result = "negative";
      }
      if (r.result != "negative" && tube_people[barcode].size() > 1) retest_pools.emplace_back(barcode, r.at);
      results.push_back(std::move(r));
    }
    for (size_t i = 0; i < results.size(); i += static_cast<size_t>(o.batch)) {
      std::span<const screening::TubeResult> part(results.data() + i,
                                                  std::min(results.size() - i, static_cast<size_t>(o.batch)));
      auto rep = sc.Report(part, by, 10);
      if (rep.rejected > 0 && !rep.errors.empty()) {
        return Internal("gen testing-round: a result was refused: " + rep.errors[0].message);
      }
      sum.followups += rep.followups;
    }
    for (const auto& r : results) {
      if (r.result == "negative") ++sum.negative;
      if (r.result == "invalid") ++sum.invalid;
      if (r.result == "positive" && tube_people[r.tube].size() > 1) ++sum.positive_pools;
    }
    // Retests of the positive and invalid pools' members, at their site two hours on.
    std::vector<screening::Scan> retests;
    std::vector<screening::TubeResult> retest_results;
    int64_t seq = 0;
    for (const auto& [barcode, at] : retest_pools) {
      auto tube = sc.GetTube(barcode);
      if (!tube.ok()) continue;
      for (const auto& m : tube->members) {
        const Millis when = std::min(at + 2 * kHourMs, day + o.days * kDayMs - kHourMs);
        screening::Scan s;
        s.line = ++seq;
        s.round_id = round.id;
        s.site_code = tube->site_code;
        s.tube = "RT" + std::to_string(round.id) + "-" + Pad(seq, 7);
        s.person_id = m.person_id;
        s.at = when;
        s.retest = true;
        retests.push_back(s);
        screening::TubeResult r;
        r.tube = s.tube;
        r.at = when + 6 * kHourMs;
        r.result = detectable(m.person_id, when) ? "positive" : "negative";
        retest_results.push_back(r);
      }
    }
    if (!retests.empty()) {
      auto rep = sc.Register(retests, "gen", true, by, 10);
      TC_RETURN_IF_ERROR(rep.status);
      sum.retests = rep.accepted;
      // Results come in for the retests that were taken (not in the future).
      std::vector<screening::TubeResult> taken;
      const Millis now = o.now != 0 ? o.now : Clock::System().Now();
      for (const auto& r : retest_results) {
        if (r.at <= now) taken.push_back(r);
      }
      auto res = sc.Report(taken, by, 10);
      if (res.rejected > 0 && !res.errors.empty()) {
        return Internal("gen testing-round: a retest result was refused: " + res.errors[0].message);
      }
      sum.individual_positive = res.positive_tubes;
    }
  }
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return sum;
}

}  // namespace tc::gen
