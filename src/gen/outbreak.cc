#include "gen/outbreak.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <queue>
#include <unordered_map>

#include "audit/audit.h"
#include "gen/internal/rng.h"
#include "gen/venues.h"
#include "tracing/checkins.h"

namespace tc::gen {
namespace {

using internal::Rng;
using tracing::Minute;
using tracing::Visit;

constexpr Minute kDay = 24 * 60;
constexpr Minute kMinLatent = kDay;                         // infectious no sooner than a day after infection
constexpr Minute kPresymptomatic = 2 * kDay;                // infectious this long before onset
constexpr Minute kReportMin = kDay, kReportMax = 3 * kDay;  // onset → report
constexpr Minute kAsymStartMin = 2 * kDay, kAsymStartMax = 3 * kDay;
constexpr Minute kAsymEndMin = 7 * kDay, kAsymEndMax = 10 * kDay;
constexpr Minute kScreenMin = 5 * kDay, kScreenMax = 12 * kDay;  // infection → found by screening
constexpr Minute kHouseholdSpread = 3 * kDay;  // household infections in the first days of infectiousness

enum class Route { kSource, kVenue, kHousehold };
const char* RouteName(Route r) {
  switch (r) {
    case Route::kSource:
      return "source";
    case Route::kVenue:
      return "venue";
    case Route::kHousehold:
      return "household";
  }
  return "";
}

constexpr int32_t kNoZone = -1;

struct Infection {
  Minute at = 0;
  uint32_t infector = 0;  // 0: none (the source)
  uint32_t venue = 0;     // 0: household
  Route route = Route::kSource;
  int64_t generation = 0;
  int32_t zone = kNoZone;  // dose: the zone of the infected person's visit
  bool same_zone = false;  // dose, venue route: in the infector's zone
};

struct Infected {
  uint32_t person;
  Infection how;
  Minute onset = 0, detected = 0;  // 0: none (asymptomatic / not found)
};

// Earlier infection wins; ties go to the smaller infector, so the order of discovery does not matter.
bool Better(const Infection& a, const Infection& b) {
  if (a.at != b.at) return a.at < b.at;
  return a.infector < b.infector;
}

Minute Between(Rng& rng, Minute lo, Minute hi) {
  return lo + static_cast<Minute>(rng.Below(static_cast<uint64_t>(hi - lo) + 1));
}

double Normal(Rng& rng) {  // Box–Muller
  const double u1 = 1.0 - rng.Unit(), u2 = rng.Unit();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

Status CheckRate(const char* field, double p) {
  if (!(p >= 0 && p <= 1)) return FieldInvalid(field, "must be between 0 and 1");
  return Status::Ok();
}

}  // namespace

Result<OutbreakSummary> GenerateOutbreak(store::Store& store, const tracing::Index& index, const OutbreakOptions& o) {
  if (o.model != "dose" && o.model != "flat") return FieldInvalid("model", "must be dose or flat");
  const bool dose = o.model == "dose";
  if (dose) TC_RETURN_IF_ERROR(ValidateDose(o.dose));
  TC_RETURN_IF_ERROR(CheckRate("source_attack", o.source_attack));
  TC_RETURN_IF_ERROR(CheckRate("venue_attack", o.venue_attack));
  TC_RETURN_IF_ERROR(CheckRate("household_attack", o.household_attack));
  TC_RETURN_IF_ERROR(CheckRate("asymptomatic_share", o.asymptomatic_share));
  TC_RETURN_IF_ERROR(CheckRate("asymptomatic_found", o.asymptomatic_found));
  if (!(o.hours > 0 && o.hours <= 24 * 14)) return FieldInvalid("hours", "must be in (0, 336]");
  if (!(o.incubation_median_days > 0 && o.incubation_sigma >= 0)) {
    return FieldInvalid("incubation_median_days", "must be positive (and the sigma not negative)");
  }

  OutbreakSummary summary;
  summary.model = o.model;
  const tracing::ContactRules rules;  // the engine's defaults
  Status s = store.Tx([&](store::Conn& conn) -> Status {
    TC_ASSIGN_OR_RETURN(auto truth, conn.Query("SELECT COUNT(*) FROM outbreak_truth"));
    if (truth[0].Int(0) > 0)
      return Conflict("the database already has an outbreak (" + truth[0].Text(0) + " infected)");
    // The source venue.
    store::Rows venue;
    if (o.source_code.empty() || o.source_code == "auto") {
      TC_ASSIGN_OR_RETURN(auto id, FindMarket(conn));
      TC_ASSIGN_OR_RETURN(venue, conn.Query("SELECT id, code, name, area_path FROM venues WHERE id = ?", {id}));
    } else {
      TC_ASSIGN_OR_RETURN(venue,
                          conn.Query("SELECT id, code, name, area_path FROM venues WHERE code = ?", {o.source_code}));
      if (venue.empty()) return NotFound("no venue with code " + o.source_code);
    }
    summary.source_venue_id = venue[0].Int(0);
    summary.source_code = venue[0].Text(1);
    summary.source_name = venue[0].Text(2);
    const std::string area_path = venue[0].Text(3);
    // The end: the given time, or the Shanghai midnight after the last check-in.
    Millis until = o.until;
    if (until == 0) {
      TC_ASSIGN_OR_RETURN(auto last, conn.Query("SELECT MAX(arrive_at) FROM checkins"));
      if (last.empty() || last[0].IsNull(0)) return NotFound("the database has no check-ins; run gen checkins first");
      const Millis local = last[0].Int(0) + kShanghaiOffsetMs;
      until = (local / 86'400'000 + 1) * 86'400'000 - kShanghaiOffsetMs;
    }
    summary.until = until;
    const Minute end = tracing::ToMinute(until);
    const Minute from = tracing::ToMinute(o.from);
    const Minute to = from + static_cast<Minute>(std::llround(o.hours * 60));
    if (from >= end)
      return FieldInvalid("from", "must be before the end of the check-in data (" + FormatShanghai(until) + ")");
    TC_ASSIGN_OR_RETURN(auto hospital, conn.Query("SELECT name FROM venues WHERE kind = 'hospital' "
                                                  "ORDER BY capacity DESC, id LIMIT 1"));
    const std::string designated = hospital.empty() ? "" : hospital[0].Text(0);
    // Every venue's kind (for the report) and, for the dose model, its zoning.
    std::vector<uint8_t> kind_of;
    std::vector<Zoning> zoning_of;
    {
      TC_ASSIGN_OR_RETURN(auto venues, conn.Query("SELECT id, kind, capacity FROM venues ORDER BY id"));
      const size_t n = venues.empty() ? 1 : static_cast<size_t>(venues[venues.size() - 1].Int(0)) + 1;
      kind_of.assign(n, kKindOther);
      zoning_of.assign(n, Zoning{});
      for (const auto& r : venues.rows) {
        const auto id = static_cast<size_t>(r.Int(0));
        kind_of[id] = static_cast<uint8_t>(KindIndex(r.Text(1)));
        zoning_of[id] = ZoningOf(kind_of[id], r.Int(2));
      }
    }
    auto kind = [&](uint32_t venue) -> size_t { return venue < kind_of.size() ? static_cast<size_t>(kind_of[venue]) : static_cast<size_t>(kKindOther); };
    auto zoning = [&](uint32_t venue) -> Zoning { return venue < zoning_of.size() ? zoning_of[venue] : Zoning{}; };
    // The hidden world (zones, real stays, hot zones) is a function of the seed and ids.
    const uint64_t world = WorldSeed(o.seed);

    Rng rng(internal::SubSeed(o.seed, "outbreak"));
    const double log_median = std::log(o.incubation_median_days * kDay);
    std::unordered_map<uint32_t, Infection> pending;
    std::unordered_map<uint32_t, size_t> done;  // person → index in infected
    std::vector<Infected> infected;
    using Key = std::pair<Minute, uint32_t>;
    std::priority_queue<Key, std::vector<Key>, std::greater<>> queue;
    auto offer = [&](uint32_t person, const Infection& inf) {
      if (inf.at >= end || done.count(person)) return;
      auto [it, fresh] = pending.try_emplace(person, inf);
      if (!fresh) {
        if (!Better(inf, it->second)) return;
        it->second = inf;
      }
      queue.push({inf.at, person});
    };

    // Generation 0: people present at the source during the window.
    const uint32_t source = static_cast<uint32_t>(summary.source_venue_id);
    if (!dose) {
      for (const Visit& v : index.VenueVisits(source, from, to)) {
        if (rng.Chance(o.source_attack)) {
          offer(v.person, {std::clamp(v.arrive, from, to), 0, source, Route::kSource, 0});
        }
      }
    } else {
      // The chance grows with the minutes really present in the window, much more in a hot zone.
      const size_t k = kind(source);
      const Zoning z = zoning(source);
      for (const Visit& v : index.VenueVisits(source, from - HiddenStay(k).hi, to)) {
        const Minute start = std::max(v.arrive, from), stop = std::min(RealEnd(world, v, k), to);
        if (stop <= start) continue;
        const uint32_t zone = ZoneOf(world, v, z);
        const bool hot = IsHotZone(world, source, zone, z, o.dose.hot_zone_share);
        if (rng.Chance(SourceChance(o.dose, stop - start, hot))) {
          offer(v.person, {start, 0, source, Route::kSource, 0, static_cast<int32_t>(zone)});
        }
      }
    }

    // Then in order of infection time: each infection, once final, spreads onward.
    std::vector<int64_t> household;
    while (!queue.empty()) {
      const auto [at, person] = queue.top();
      queue.pop();
      auto it = pending.find(person);
      if (it == pending.end() || it->second.at != at || done.count(person)) continue;
      Infected x{person, it->second};
      pending.erase(it);
      done.emplace(person, infected.size());

      Minute infectious_from, infectious_to;
      const bool symptomatic = !rng.Chance(o.asymptomatic_share);
      if (symptomatic) {
        const Minute incubation =
            std::max<Minute>(kDay / 2, static_cast<Minute>(std::exp(log_median + o.incubation_sigma * Normal(rng))));
        x.onset = at + incubation;
        x.detected = x.onset + Between(rng, kReportMin, kReportMax);
        infectious_from = at + std::max(kMinLatent, incubation - kPresymptomatic);
        infectious_to = x.detected;
      } else {
        infectious_from = at + Between(rng, kAsymStartMin, kAsymStartMax);
        infectious_to = at + Between(rng, kAsymEndMin, kAsymEndMax);
        if (rng.Chance(o.asymptomatic_found)) {
          x.detected = at + Between(rng, kScreenMin, kScreenMax);
          infectious_to = std::min(infectious_to, x.detected);
        }
      }
      infectious_to = std::min(infectious_to, end);
      infected.push_back(x);
      if (infectious_from >= infectious_to) continue;
      const int64_t next_generation = x.how.generation + 1;

      // Shared venues.
      const double infectiousness = symptomatic ? 1.0 : o.dose.asymptomatic_infectiousness;
      for (const Visit& v : index.Trajectory(person, infectious_from, infectious_to)) {
        if (!dose) {
          const Minute v_end = v.leave ? v.leave : v.arrive;
          for (const Visit& w :
               index.VenueVisits(v.venue, v.arrive - rules.margin_without_leave, v_end + rules.margin_without_leave)) {
            if (!tracing::IsContact(v, w, rules) || done.count(w.person)) continue;
            if (!rng.Chance(o.venue_attack)) continue;
            offer(w.person, {std::max(v.arrive, w.arrive), person, v.venue, Route::kVenue, next_generation});
          }
          continue;
        }
        // Dose: minutes of real overlap (while infectious), in or across zones.
        const size_t k = kind(v.venue);
        const Zoning z = zoning(v.venue);
        const Minute a0 = v.arrive, a1 = std::min(RealEnd(world, v, k), infectious_to);
        if (a1 <= a0) continue;
        const uint32_t my_zone = ZoneOf(world, v, z);
        for (const Visit& w : index.VenueVisits(v.venue, a0 - HiddenStay(k).hi, a1)) {
          if (w.person == person || done.count(w.person)) continue;
          const Minute b0 = std::max(a0, w.arrive), b1 = std::min(a1, RealEnd(world, w, k));
          if (b1 <= b0) continue;
          const uint32_t their_zone = ZoneOf(world, w, z);
          const bool same = their_zone == my_zone;
          if (!rng.Chance(PairChance(o.dose, k, b1 - b0, same, infectiousness))) continue;
          offer(w.person, {b0, person, v.venue, Route::kVenue, next_generation, static_cast<int32_t>(their_zone), same});
        }
      }
      // The household.
      TC_ASSIGN_OR_RETURN(auto members, conn.Query("SELECT id FROM residents WHERE household_code = "
                                                   "(SELECT household_code FROM residents WHERE id = ?) ORDER BY id",
                                                   {static_cast<int64_t>(person)}));
      const Minute spread = std::min(kHouseholdSpread, infectious_to - infectious_from);
      for (const auto& m : members.rows) {
        const auto member = static_cast<uint32_t>(m.Int(0));
        if (member == person || done.count(member)) continue;
        if (!rng.Chance(o.household_attack)) continue;
        offer(member, {infectious_from + Between(rng, 0, spread), person, 0, Route::kHousehold, next_generation});
      }
    }

    // The rows: truth for everyone, cases (in report order) for those found by the end.
    TC_ASSIGN_OR_RETURN(auto tw,
                        conn.Bulk("outbreak_truth", {"person_id", "infector_id", "venue_id", "route", "generation",
                                                     "infected_at", "onset_at", "detected_at", "zone"}));
    std::vector<int64_t> per_kind(kVenueKindCount, 0);
    std::vector<const Infected*> found;
    for (const Infected& x : infected) {
      const bool onset = x.onset && x.onset < end, detected = x.detected && x.detected < end;
      store::Value none = std::monostate{};
      TC_RETURN_IF_ERROR(tw->Add(
          {static_cast<int64_t>(x.person), x.how.infector ? store::Value(static_cast<int64_t>(x.how.infector)) : none,
           x.how.venue ? store::Value(static_cast<int64_t>(x.how.venue)) : none, std::string(RouteName(x.how.route)),
           x.how.generation, tracing::ToMillis(x.how.at), onset ? store::Value(tracing::ToMillis(x.onset)) : none,
           detected ? store::Value(tracing::ToMillis(x.detected)) : none,
           x.how.zone != kNoZone ? store::Value(ZoneLabel(zoning(x.how.venue), static_cast<uint32_t>(x.how.zone)))
                                 : none}));
      if (x.how.venue) ++per_kind[kind(x.how.venue)];
      if (detected) found.push_back(&x);
      switch (x.how.route) {
        case Route::kSource:
          ++summary.by_source;
          break;
        case Route::kVenue:
          ++summary.by_venue;
          summary.by_venue_same_zone += x.how.same_zone ? 1 : 0;
          break;
        case Route::kHousehold:
          ++summary.by_household;
          break;
      }
      summary.generations = std::max(summary.generations, x.how.generation + 1);
    }
    TC_RETURN_IF_ERROR(tw->Finish().status());
    summary.infected = static_cast<int64_t>(infected.size());
    nlohmann::json kinds_json = nlohmann::json::object();
    for (size_t k = 0; k < kVenueKindCount; ++k) {
      if (per_kind[k] == 0) continue;
      summary.by_kind.emplace_back(tracing::VenueKinds()[k], per_kind[k]);
      kinds_json[tracing::VenueKinds()[k]] = per_kind[k];
    }
    auto share = [&](int64_t n) {
      return summary.infected ? std::round(1000.0 * static_cast<double>(n) / static_cast<double>(summary.infected)) / 1000
                              : 0.0;
    };
    std::sort(found.begin(), found.end(), [](const Infected* a, const Infected* b) {
      return a->detected != b->detected ? a->detected < b->detected : a->person < b->person;
    });
    std::vector<std::string> households;
    for (const Infected* x : found) {
      TC_ASSIGN_OR_RETURN(
          auto h, conn.Query("SELECT household_code FROM residents WHERE id = ?", {static_cast<int64_t>(x->person)}));
      households.push_back(h.empty() ? "" : h[0].Text(0));
    }
    TC_ASSIGN_OR_RETURN(
        auto cw, conn.Bulk("cases", {"resident_id", "household_code", "kind", "onset_date", "report_date", "hospital",
                                     "note", "created_by", "created_at", "updated_at", "reported_at"}));
    for (size_t i = 0; i < found.size(); ++i) {
      const Infected& x = *found[i];
      const bool confirmed = x.onset != 0;
      const Millis reported = tracing::ToMillis(x.detected);
      TC_RETURN_IF_ERROR(
          cw->Add({static_cast<int64_t>(x.person), households[i], std::string(confirmed ? "confirmed" : "asymptomatic"),
                   confirmed ? store::Value(DateShanghai(tracing::ToMillis(x.onset))) : store::Value(std::monostate{}),
                   DateShanghai(reported), designated, std::string(confirmed ? "发热就诊报告" : "筛查发现"),
                   std::string("gen"), reported, reported, reported}));
      ++(confirmed ? summary.confirmed : summary.asymptomatic);
    }
    TC_RETURN_IF_ERROR(cw->Finish().status());
    summary.detected = static_cast<int64_t>(found.size());
    if (!found.empty()) summary.first_report_date = DateShanghai(tracing::ToMillis(found.front()->detected));
    return audit::Append(
        conn,
        {.actor = "gen",
         .action = "gen.outbreak",
         .target = "venue:" + summary.source_code,
         .area_path = area_path,
         .detail =
             nlohmann::json{
                 {"source", summary.source_code},
                 {"model", o.model},
                 {"from", FormatShanghai(o.from)},
                 {"hours", o.hours},
                 {"seed", o.seed},
                 {"until", FormatShanghai(until)},
                 {"infected", summary.infected},
                 {"detected", summary.detected},
                 {"by_route",
                  {{"source", summary.by_source}, {"venue", summary.by_venue}, {"household", summary.by_household}}},
                 {"route_shares",
                  {{"source", share(summary.by_source)},
                   {"venue", share(summary.by_venue)},
                   {"household", share(summary.by_household)}}},
                 {"venue_same_zone", summary.by_venue_same_zone},
                 {"by_kind", kinds_json}}
                 .dump()},
        NowMillis());
  });
  TC_RETURN_IF_ERROR(s);
  return summary;
}

}  // namespace tc::gen
