#include "gen/mobility.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "audit/audit.h"
#include "gen/internal/rng.h"
#include "gen/venues.h"
#include "tracing/checkins.h"

namespace tc::gen {
namespace {

using internal::Discrete;
using internal::Rng;
using tracing::Minute;
using tracing::Visit;

constexpr Minute kDayMinutes = 24 * 60;
constexpr size_t kSinkBatch = 1 << 20;
constexpr size_t kTxRows = 2'000'000;
constexpr int64_t kResidentPage = 500'000;
constexpr int64_t kWriteCacheKib = 1 << 19;  // SQLite page cache while writing (KiB)
constexpr int64_t kDefaultCacheKib = 2000;

// Venue kinds as indexes, in tracing::VenueKinds() order.
enum Kind : uint8_t {
  kMarket,
  kSupermarket,
  kRestaurant,
  kMall,
  kOffice,
  kFactory,
  kSchool,
  kHospital,
  kStation,
  kOther,
  kKindCount
};

// Who a resident is, for the day's plan.
enum Role : uint8_t { kChild, kStudent, kWorker, kAdult, kSenior, kRoleCount };
constexpr int kStudentMinAge = 6, kAdultAge = 18, kRetireAge = 60;
constexpr double kEmployedShare = 0.70;
constexpr double kCommuterShare = 0.35;     // workers who scan at a station both ways
constexpr double kNightShiftShare = 0.3;    // of factory workers
constexpr double kSaturdayShare = 0.25;     // workers who also work on Saturdays
constexpr double kWorkAttendance = 0.95;    // on a working day
constexpr double kLocalJobShare = 0.5;      // jobs in the home district (the rest city-wide)
constexpr double kFavouriteShare = 0.5;     // errands at the resident's usual venue of the kind
constexpr double kErrandsNearAnchor = 0.4;  // a busy day's evening errands near work/school
constexpr double kErrandScale = 0.84;       // all errand rates below, tuned to ~5 check-ins a day

// Errands per day (expected check-ins) by role, for a free day and a busy day
// (a working or school day), for supermarket, restaurant, mall, other, station,
// hospital. Tuned so the city averages ~5 check-ins per resident per day.
constexpr Kind kErrandKinds[] = {kSupermarket, kRestaurant, kMall, kOther, kStation, kHospital};
constexpr size_t kErrandCount = std::size(kErrandKinds);
constexpr double kErrands[kRoleCount][2][kErrandCount] = {
    /* child   */ {{0.5, 1.0, 0.5, 0.6, 0.15, 0.04}, {0.5, 1.0, 0.5, 0.6, 0.15, 0.04}},
    /* student */ {{0.8, 2.0, 0.8, 1.3, 0.5, 0.03}, {0.6, 1.4, 0.2, 0.9, 0.4, 0.02}},
    /* worker  */ {{1.3, 2.3, 1.0, 1.6, 0.6, 0.04}, {0.9, 2.3, 0.3, 1.0, 0.2, 0.02}},
    /* adult   */ {{1.8, 1.9, 0.7, 1.6, 0.6, 0.06}, {1.8, 1.9, 0.7, 1.6, 0.6, 0.06}},
    /* senior  */ {{1.9, 1.2, 0.3, 1.4, 0.4, 0.12}, {1.9, 1.2, 0.3, 1.4, 0.4, 0.12}},
};
// Wholesale markets, per adult (18+) and day: the big one (~60 k a day at full
// scale), more on weekends; the others together. Students come at a fifth of it.
constexpr double kBigMarketRate[2] = {0.0068, 0.0119};  // weekday, weekend
constexpr double kSmallMarketRate = 0.004;
constexpr double kStudentMarketFactor = 0.2;
// Pools of venues "near" a community: the community's own if it has at least this
// many of the kind, else the street's, the district's, the city's.
constexpr size_t kMinPool[kKindCount] = {1, 4, 8, 1, 1, 1, 1, 1, 1, 4};

struct Span {  // minutes after midnight, [from, to)
  int16_t from, to;
  float weight;
};
constexpr int16_t H(int h, int m = 0) { return static_cast<int16_t>(h * 60 + m); }
struct Windows {
  std::array<Span, 4> spans;
  int count;
};
// Arrival windows by kind, on a free day and on a busy day (outside work hours).
const Windows& WindowsFor(Kind k, bool busy) {
  static const Windows kFree[kKindCount] = {
      /* market */ {{{{H(3, 30), H(7), 3}, {H(7), H(11), 4}, {H(11), H(17), 2}}}, 3},
      /* super  */ {{{{H(8), H(11), 3}, {H(11), H(16), 2}, {H(16), H(21), 4}, {H(21), H(22, 30), 0.5f}}}, 4},
      /* rest   */ {{{{H(6, 30), H(9), 2}, {H(11), H(13, 30), 4}, {H(17), H(20, 30), 4}, {H(20, 30), H(23), 1}}}, 4},
      /* mall   */ {{{{H(10), H(14), 3}, {H(14), H(21, 30), 5}}}, 2},
      /* office */ {{{{H(8), H(18), 1}}}, 1},
      /* factory*/ {{{{H(8), H(18), 1}}}, 1},
      /* school */ {{{{H(8), H(16), 1}}}, 1},
      /* hosp   */ {{{{H(7, 30), H(11, 30), 5}, {H(13), H(16, 30), 3}}}, 2},
      /* station*/
      {{{{H(6, 30), H(9, 30), 4}, {H(9, 30), H(16, 30), 2}, {H(16, 30), H(19, 30), 4}, {H(19, 30), H(22, 30), 1}}}, 4},
      /* other  */ {{{{H(8), H(12), 3}, {H(12), H(18), 3}, {H(18), H(22), 3}}}, 3},
  };
  static const Windows kBusy[kKindCount] = {
      /* market */ {{{{H(3, 30), H(6, 30), 1}, {H(17, 30), H(19), 1}}}, 2},
      /* super  */ {{{{H(17, 30), H(21, 30), 1}}}, 1},
      /* rest   */ {{{{H(6, 30), H(7, 45), 2}, {H(11, 30), H(13), 4}, {H(17, 45), H(21), 4}}}, 3},
      /* mall   */ {{{{H(17, 45), H(21, 30), 1}}}, 1},
      /* office */ {{{{H(8), H(18), 1}}}, 1},
      /* factory*/ {{{{H(8), H(18), 1}}}, 1},
      /* school */ {{{{H(8), H(16), 1}}}, 1},
      /* hosp   */ {{{{H(17), H(20), 1}}}, 1},
      /* station*/ {{{{H(17, 30), H(21), 1}}}, 1},
      /* other  */ {{{{H(12), H(13), 1}, {H(17, 30), H(21, 30), 4}}}, 2},
  };
  return busy ? kBusy[k] : kFree[k];
}

Minute SampleMinute(Rng& rng, const Windows& w, int* which = nullptr) {
  float total = 0;
  for (int i = 0; i < w.count; ++i) total += w.spans[i].weight;
  float x = static_cast<float>(rng.Unit()) * total;
  int i = 0;
  while (i + 1 < w.count && x >= w.spans[i].weight) x -= w.spans[i++].weight;
  if (which) *which = i;
  return w.spans[i].from + static_cast<Minute>(rng.Below(static_cast<uint64_t>(w.spans[i].to - w.spans[i].from)));
}

struct Resident {  // 16 bytes
  uint32_t id;
  uint32_t home;    // community index
  uint32_t anchor;  // school or workplace venue id; 0 none
  Role role;
  uint8_t flags;
};
constexpr uint8_t kCommuter = 1, kNightShift = 2, kSaturday = 4;

using Pool = std::vector<uint32_t>;

// The city as the generator sees it: communities with pools of nearby venues,
// residents with their roles and anchors.
struct City {
  std::vector<std::array<const Pool*, kKindCount>> pools;  // by community index
  std::vector<Pool> storage;                               // what pools point into
  std::vector<uint32_t> venue_community;                   // by venue id
  std::vector<uint8_t> venue_kind;                         // by venue id
  std::vector<Resident> residents;
  Pool small_markets;
  uint32_t market = 0;
  int64_t venues = 0;
};

int AgeAt(const std::string& birth_date, int year, int month, int day) {
  if (birth_date.size() < 10) return 30;
  const int y = std::atoi(birth_date.substr(0, 4).c_str());
  const int m = std::atoi(birth_date.substr(5, 2).c_str());
  const int d = std::atoi(birth_date.substr(8, 2).c_str());
  return year - y - ((month < m || (month == m && day < d)) ? 1 : 0);
}

Status LoadCity(store::Store& store, Millis start, uint64_t seed, City& city) {
  std::unordered_map<std::string, uint32_t> community_index;
  std::vector<uint32_t> street_of, district_of;  // by community index
  std::vector<std::array<Pool, kKindCount>> by_community, by_street, by_district;
  std::array<Pool, kKindCount> by_city;
  std::vector<Discrete> district_jobs;
  Discrete city_jobs;
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& conn) -> Status {
    TC_ASSIGN_OR_RETURN(auto areas, conn.Query("SELECT c.code, c.parent_code, s.parent_code FROM areas c "
                                               "LEFT JOIN areas s ON s.code = c.parent_code "
                                               "WHERE c.level = 'community' ORDER BY c.code"));
    std::unordered_map<std::string, uint32_t> streets, districts;
    for (const auto& r : areas.rows) {
      const uint32_t i = static_cast<uint32_t>(community_index.size());
      community_index.emplace(r.Text(0), i);
      street_of.push_back(streets.emplace(r.Text(1), static_cast<uint32_t>(streets.size())).first->second);
      district_of.push_back(districts.emplace(r.Text(2), static_cast<uint32_t>(districts.size())).first->second);
    }
    if (community_index.empty()) return NotFound("the database has no communities; run gen city first");
    by_community.resize(community_index.size());
    by_street.resize(streets.size());
    by_district.resize(districts.size());

    TC_ASSIGN_OR_RETURN(auto venues, conn.Query("SELECT id, kind, area_code, capacity FROM venues ORDER BY id"));
    if (venues.empty()) return NotFound("the database has no venues; run gen venues first");
    city.venues = static_cast<int64_t>(venues.size());
    TC_ASSIGN_OR_RETURN(auto market, FindMarket(conn));
    city.market = static_cast<uint32_t>(market);
    const auto& kinds = tracing::VenueKinds();
    std::vector<std::vector<double>> job_weights(districts.size());
    std::vector<double> city_job_weights;
    std::vector<uint32_t> job_venues;
    std::vector<std::vector<uint32_t>> district_job_venues(districts.size());
    city.venue_community.assign(static_cast<size_t>(venues[venues.size() - 1].Int(0)) + 1, 0);
    city.venue_kind.assign(city.venue_community.size(), kOther);
    for (const auto& r : venues.rows) {
      const auto id = static_cast<uint32_t>(r.Int(0));
      const auto kind = static_cast<Kind>(std::find(kinds.begin(), kinds.end(), r.Text(1)) - kinds.begin());
      const auto it = community_index.find(r.Text(2));
      if (it == community_index.end() || kind >= kKindCount) continue;  // venues outside communities: not visited
      const uint32_t c = it->second;
      city.venue_community[id] = c;
      city.venue_kind[id] = kind;
      if (kind == kMarket) {
        if (id != city.market) city.small_markets.push_back(id);
        continue;
      }
      if (kind == kOffice || kind == kFactory) {
        const double w = static_cast<double>(std::max<int64_t>(1, r.Int(3)));
        job_weights[district_of[c]].push_back(w);
        district_job_venues[district_of[c]].push_back(id);
        city_job_weights.push_back(w);
        job_venues.push_back(id);
        continue;
      }
      by_community[c][kind].push_back(id);
      by_street[street_of[c]][kind].push_back(id);
      by_district[district_of[c]][kind].push_back(id);
      by_city[kind].push_back(id);
    }
    // Pools, pointing into one storage vector (filled first, so pointers stay valid).
    city.storage.reserve((by_community.size() + by_street.size() + by_district.size() + 1) * kKindCount);
    auto keep = [&](Pool& p) { return &city.storage.emplace_back(std::move(p)); };
    std::vector<std::array<const Pool*, kKindCount>> street_pools(by_street.size()), district_pools(by_district.size());
    std::array<const Pool*, kKindCount> city_pools;
    for (size_t k = 0; k < kKindCount; ++k) city_pools[k] = keep(by_city[k]);
    for (size_t d = 0; d < by_district.size(); ++d) {
      for (size_t k = 0; k < kKindCount; ++k) {
        district_pools[d][k] = by_district[d][k].size() >= kMinPool[k] ? keep(by_district[d][k]) : city_pools[k];
      }
    }
    std::vector<size_t> district_of_street(by_street.size());
    for (size_t c = 0; c < street_of.size(); ++c) district_of_street[street_of[c]] = district_of[c];
    for (size_t s = 0; s < by_street.size(); ++s) {
      for (size_t k = 0; k < kKindCount; ++k) {
        street_pools[s][k] =
            by_street[s][k].size() >= kMinPool[k] ? keep(by_street[s][k]) : district_pools[district_of_street[s]][k];
      }
    }
    city.pools.resize(by_community.size());
    for (size_t c = 0; c < by_community.size(); ++c) {
      for (size_t k = 0; k < kKindCount; ++k) {
        city.pools[c][k] =
            by_community[c][k].size() >= kMinPool[k] ? keep(by_community[c][k]) : street_pools[street_of[c]][k];
      }
    }

    // Residents, in id order, with their roles and anchors.
    int year, month, day;
    CivilFromDays((start + kShanghaiOffsetMs) / 86'400'000, year, month, day);
    Rng rng(internal::SubSeed(seed, "mobility:residents"));
    std::vector<Discrete> local_jobs;
    for (size_t d = 0; d < districts.size(); ++d) {
      local_jobs.push_back(district_job_venues[d].empty() ? Discrete() : Discrete(job_weights[d]));
    }
    const Discrete all_jobs = job_venues.empty() ? Discrete() : Discrete(city_job_weights);
    for (int64_t after = 0;;) {
      TC_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT id, birth_date, substr(household_code, 1, 12) "
                                                "FROM residents WHERE id > ? ORDER BY id LIMIT ?",
                                                {after, kResidentPage}));
      for (const auto& r : rows.rows) {
        after = r.Int(0);
        const auto it = community_index.find(r.Text(2));
        Resident p{static_cast<uint32_t>(after), it == community_index.end() ? 0u : it->second, 0, kAdult, 0};
        const int age = AgeAt(r.Text(1), year, month, day);
        const uint32_t c = p.home;
        if (age < kStudentMinAge) {
          p.role = kChild;
        } else if (age < kAdultAge) {
          p.role = kStudent;
          const Pool& schools = *city.pools[c][kSchool];
          if (!schools.empty()) p.anchor = schools[rng.Below(schools.size())];
        } else if (age < kRetireAge) {
          if (rng.Chance(kEmployedShare) && !job_venues.empty()) {
            p.role = kWorker;
            const size_t d = district_of[c];
            if (!district_job_venues[d].empty() && rng.Chance(kLocalJobShare)) {
              p.anchor = district_job_venues[d][local_jobs[d].Sample(rng)];
            } else {
              p.anchor = job_venues[all_jobs.Sample(rng)];
            }
            if (rng.Chance(kCommuterShare)) p.flags |= kCommuter;
            if (rng.Chance(kSaturdayShare)) p.flags |= kSaturday;
            if (rng.Chance(kNightShiftShare)) p.flags |= kNightShift;  // applies at factories only
          }
        } else {
          p.role = kSenior;
        }
        city.residents.push_back(p);
      }
      if (static_cast<int64_t>(rows.size()) < kResidentPage) break;
    }
    if (city.residents.empty()) return NotFound("the database has no residents; run gen city first");
    return Status::Ok();
  }));
  return Status::Ok();
}

// One day of one resident's check-ins, appended to `out`.
class DayPlanner {
 public:
  explicit DayPlanner(const City& city) : city_(city) {}

  void Plan(const Resident& p, Minute midnight, int weekday, Rng& rng, std::vector<Visit>& out) {
    day_.clear();
    midnight_ = midnight;
    const bool weekend = weekday == 0 || weekday == 6;
    bool busy = false, night = false;
    uint32_t near = p.home;  // where lunch and some evening errands happen
    Minute work_in = 0, work_out = 0;
    if (p.anchor != 0) near = city_.venue_community[p.anchor];
    if (p.role == kStudent && !weekend && p.anchor && rng.Chance(kWorkAttendance)) {
      busy = true;
      const Minute in = H(7) + static_cast<Minute>(rng.Below(60));
      Add(p.id, p.anchor, in, H(15, 30) + static_cast<Minute>(rng.Below(120)));
    } else if (p.role == kWorker && p.anchor && (!weekend || (weekday == 6 && (p.flags & kSaturday))) &&
               rng.Chance(kWorkAttendance)) {
      busy = true;
      if (city_.venue_kind[p.anchor] == kFactory && (p.flags & kNightShift)) {
        night = true;
        work_in = H(19) + static_cast<Minute>(rng.Below(60));
        work_out = work_in + 540 + static_cast<Minute>(rng.Below(120));
      } else {
        work_in = H(7, 30) + static_cast<Minute>(rng.Below(120));
        work_out = work_in + 510 + static_cast<Minute>(rng.Below(90));
      }
      Add(p.id, p.anchor, work_in, work_out);
      if (p.flags & kCommuter) {
        const Pool& home_stations = *city_.pools[p.home][kStation];
        const Pool& work_stations = *city_.pools[near][kStation];
        if (!home_stations.empty()) Add(p.id, Pick(home_stations, rng), work_in - 20 - rng.Below(30));
        if (!work_stations.empty() && work_out + 20 < kDayMinutes) {
          Add(p.id, Pick(work_stations, rng), work_out + 5 + rng.Below(15));
        }
      }
    }
    const double* rates = kErrands[p.role][busy ? 1 : 0];
    for (size_t e = 0; e < kErrandCount; ++e) {
      const Kind kind = kErrandKinds[e];
      const int n = Draw(rates[e] * kErrandScale, rng);
      for (int i = 0; i < n; ++i) {
        int which = 0;
        // Night-shift workers run their errands by day.
        const Minute at = SampleMinute(rng, WindowsFor(kind, busy && !night), &which);
        if (p.role == kStudent && busy && kind == kRestaurant && which == 1) continue;  // lunch at school
        // A busy day's lunch is near work/school, some evening errands too.
        const bool at_anchor = busy && ((kind == kRestaurant && which == 1) || rng.Chance(kErrandsNearAnchor));
        const uint32_t c = at_anchor ? near : p.home;
        const Pool& pool = *city_.pools[c][kind];
        if (pool.empty()) continue;
        uint32_t venue;
        if ((kind == kRestaurant || kind == kSupermarket || kind == kOther) && rng.Chance(kFavouriteShare)) {
          venue = pool[Favourite(p.id, kind, c) % pool.size()];
        } else {
          venue = Pick(pool, rng);
        }
        Minute leave = 0;
        if (kind == kHospital) leave = at + 30 + static_cast<Minute>(rng.Below(150));
        Add(p.id, venue, at, leave);
      }
    }
    if (p.role != kChild) {
      const double factor = p.role == kStudent ? kStudentMarketFactor : 1.0;
      if (rng.Chance(kBigMarketRate[weekend ? 1 : 0] * factor)) {
        Add(p.id, city_.market, SampleMinute(rng, WindowsFor(kMarket, busy)));
      }
      if (!city_.small_markets.empty() && rng.Chance(kSmallMarketRate * factor)) {
        Add(p.id, Pick(city_.small_markets, rng), SampleMinute(rng, WindowsFor(kMarket, busy)));
      }
    }
    out.insert(out.end(), day_.begin(), day_.end());
  }

 private:
  static int Draw(double rate, Rng& rng) {
    const int whole = static_cast<int>(rate);
    return whole + (rng.Chance(rate - whole) ? 1 : 0);
  }
  static uint32_t Pick(const Pool& pool, Rng& rng) { return pool[rng.Below(pool.size())]; }
  static uint64_t Favourite(uint32_t person, Kind kind, uint32_t community) {
    uint64_t s = (static_cast<uint64_t>(person) << 20) ^ (static_cast<uint64_t>(community) << 4) ^ kind;
    return internal::SplitMix64(s);
  }
  // Arrival at `minute` after midnight (kept within the day); no same venue and minute twice.
  void Add(uint32_t person, uint32_t venue, Minute minute, Minute leave_minute = 0) {
    minute = std::clamp<Minute>(minute, 0, kDayMinutes - 1);
    const Minute arrive = midnight_ + minute;
    for (const Visit& v : day_) {
      if (v.venue == venue && v.arrive == arrive) return;
    }
    day_.push_back(Visit{person, venue, arrive, leave_minute ? midnight_ + leave_minute : 0});
  }

  const City& city_;
  std::vector<Visit> day_;
  Minute midnight_ = 0;
};

Status Validate(const CheckinOptions& o) {
  if (o.days < 1 || o.days > kMaxCheckinDays) {
    return FieldInvalid("days", "must be between 1 and " + std::to_string(kMaxCheckinDays));
  }
  if (o.start < internal::kGeneratedAt)
    return FieldInvalid("start", "must not be before the city was generated (2022-03-01)");
  if ((o.start + kShanghaiOffsetMs) % 86'400'000 != 0) return FieldInvalid("start", "must be a midnight in Shanghai");
  return Status::Ok();
}

// The shared core: loads the city, then hands each day's visits (in batches) to emit.
Result<CheckinSummary> Stream(store::Store& store, const CheckinOptions& options,
                              const std::function<Status(std::span<const Visit>, int day, bool day_done)>& emit) {
  TC_RETURN_IF_ERROR(Validate(options));
  City city;
  TC_RETURN_IF_ERROR(LoadCity(store, options.start, options.seed, city));
  CheckinSummary summary;
  summary.residents = static_cast<int64_t>(city.residents.size());
  summary.venues = city.venues;
  summary.market_id = city.market;
  summary.days = options.days;
  const auto started = std::chrono::steady_clock::now();
  DayPlanner planner(city);
  std::vector<Visit> batch;
  batch.reserve(kSinkBatch + 64);
  for (int d = 0; d < options.days; ++d) {
    const Millis midnight_ms = options.start + static_cast<Millis>(d) * 86'400'000;
    const Minute midnight = tracing::ToMinute(midnight_ms);
    const int64_t day_number = (midnight_ms + kShanghaiOffsetMs) / 86'400'000;
    const int weekday = static_cast<int>((day_number + 4) % 7);  // 0 = Sunday (1970-01-01 was a Thursday)
    Rng rng(internal::SubSeed(options.seed, "checkins:" + DateShanghai(midnight_ms)));
    int64_t day_count = 0;
    for (const Resident& p : city.residents) {
      planner.Plan(p, midnight, weekday, rng, batch);
      if (batch.size() >= kSinkBatch) {
        day_count += static_cast<int64_t>(batch.size());
        TC_RETURN_IF_ERROR(emit(batch, d, false));
        batch.clear();
      }
    }
    day_count += static_cast<int64_t>(batch.size());
    TC_RETURN_IF_ERROR(emit(batch, d, true));
    batch.clear();
    summary.per_day.push_back(day_count);
    summary.checkins += day_count;
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (options.progress) options.progress(d, day_count, summary.checkins);
  }
  return summary;
}

Status WriteDay(store::Store& store, std::vector<Visit>& day) {
  std::sort(day.begin(), day.end(), [](const Visit& a, const Visit& b) {
    if (a.arrive != b.arrive) return a.arrive < b.arrive;
    if (a.person != b.person) return a.person < b.person;
    return a.venue < b.venue;
  });
  const bool sqlite = store.dialect() == store::Dialect::kSqlite;
  for (size_t begin = 0; begin < day.size(); begin += kTxRows) {
    const size_t end = std::min(day.size(), begin + kTxRows);
    TC_RETURN_IF_ERROR(store.Tx([&](store::Conn& conn) -> Status {
      if (sqlite) TC_RETURN_IF_ERROR(conn.ExecScript("PRAGMA cache_size = -" + std::to_string(kWriteCacheKib)));
      TC_RETURN_IF_ERROR(tracing::LockCheckinOrder(conn));
      TC_ASSIGN_OR_RETURN(auto writer, conn.Bulk("checkins", {"person_id", "venue_id", "arrive_at", "leave_at"}));
      store::Params row(4);
      for (size_t i = begin; i < end; ++i) {
        const Visit& v = day[i];
        row[0] = static_cast<int64_t>(v.person);
        row[1] = static_cast<int64_t>(v.venue);
        row[2] = tracing::ToMillis(v.arrive);
        if (v.leave) {
          row[3] = tracing::ToMillis(v.leave);
        } else {
          row[3] = std::monostate{};
        }
        TC_RETURN_IF_ERROR(writer->Add(row));
      }
      TC_RETURN_IF_ERROR(writer->Finish().status());
      if (sqlite) TC_RETURN_IF_ERROR(conn.ExecScript("PRAGMA cache_size = -" + std::to_string(kDefaultCacheKib)));
      return Status::Ok();
    }));
  }
  return Status::Ok();
}

}  // namespace

Result<CheckinSummary> StreamCheckins(store::Store& store, const CheckinOptions& options, const CheckinSink& sink) {
  return Stream(store, options, [&](std::span<const Visit> batch, int day, bool) -> Status {
    if (batch.empty()) return Status::Ok();
    return sink(batch, day);
  });
}

Result<CheckinSummary> GenerateCheckins(store::Store& store, const CheckinOptions& options) {
  TC_RETURN_IF_ERROR(Validate(options));
  std::string city_path = "/";
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& conn) -> Status {
    TC_ASSIGN_OR_RETURN(auto any, conn.Query("SELECT id FROM checkins LIMIT 1"));
    if (!any.empty()) return Conflict("the database already has check-ins; gen checkins fills an empty table");
    TC_ASSIGN_OR_RETURN(auto city, conn.Query("SELECT path FROM areas WHERE level = 'city' ORDER BY code LIMIT 1"));
    if (!city.empty()) city_path = city[0].Text(0);
    return Status::Ok();
  }));
  // The table is empty: load it without its two indexes and build them once at the
  // end (sorted), several times faster than maintaining them row by row. They are
  // rebuilt whatever happens, so a failed run leaves the schema whole.
  TC_RETURN_IF_ERROR(store.Tx([](store::Conn& conn) {
    return conn.ExecScript("DROP INDEX checkins_person; DROP INDEX checkins_venue;");
  }));
  std::vector<Visit> day;
  auto streamed = Stream(store, options, [&](std::span<const Visit> batch, int, bool done) -> Status {
    day.insert(day.end(), batch.begin(), batch.end());
    if (!done) return Status::Ok();
    Status s = WriteDay(store, day);
    day.clear();
    return s;
  });
  TC_RETURN_IF_ERROR(store.Tx([](store::Conn& conn) {
    return conn.ExecScript(
        "CREATE UNIQUE INDEX checkins_person ON checkins(person_id, arrive_at, venue_id);"
        "CREATE INDEX checkins_venue ON checkins(venue_id, arrive_at);");
  }));
  TC_ASSIGN_OR_RETURN(auto summary, std::move(streamed));
  TC_RETURN_IF_ERROR(store.Tx([&](store::Conn& conn) -> Status {
    return audit::Append(conn,
                         {.actor = "gen",
                          .action = "gen.checkins",
                          .target = "checkins",
                          .area_path = city_path,
                          .detail = nlohmann::json{{"days", options.days},
                                                   {"start", FormatShanghai(options.start)},
                                                   {"seed", options.seed},
                                                   {"checkins", summary.checkins}}
                                        .dump()},
                         NowMillis());
  }));
  return summary;
}

Result<CheckinSummary> GenerateCheckinsWithVenues(store::Store& store, const CheckinOptions& options) {
  int64_t venues = 0;
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& conn) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT COUNT(*) FROM venues"));
    venues = rows[0].Int(0);
    return Status::Ok();
  }));
  if (venues == 0) TC_RETURN_IF_ERROR(GenerateVenues(store, {.seed = options.seed}).status());
  return GenerateCheckins(store, options);
}

}  // namespace tc::gen
