// Synthetic market entities (市场主体) for a generated city: about 1.365 million at
// scale 1 for Changchun (seed 000: 1.22 million entities reached by its subsidies),
// spread over the city's communities by population —
//   individual businesses (个体工商户, USCC type 92, ~68 %): shops, restaurants, barbers,
//     repairs, carriers, stalls and farms;
//   companies (企业, type 91, ~29.5 %): wholesale, business services, construction,
//     software, transport, real estate, and manufacturing with Changchun's autos
//     (division 36) and rail vehicles (37);
//   farmers' co-operatives (农民专业合作社, type 93, ~2.5 %), mostly in villages.
// Employees and revenue are lognormal (heavy-tailed) per trade; size classes and the
// above-scale flag come from enterprise/industry.h's real thresholds applied to last
// year's revenue (legal entities only: an individual business is never counted above
// scale), which at scale 1 gives a few thousand above-scale enterprises; the
// biggest above-scale ones, 320 at scale 1 (Nanjing's "300+ key enterprises"), are
// key (重点企业). Revenue covers the first quarter (kRevenuePeriodShare of a year):
// revenue_prev last year's, revenue this year's after an epidemic fall that depends
// on the trade (catering, accommodation, entertainment and tourism most; pharma
// grows). Some manufacturers invest in equipment; a few are high-tech (高新技术) or
// specialised (专精特新). Names are unique (place word + trade + 有限公司 / 店 /
// 专业合作社), codes valid and unique (the district's 6 digits in positions 3–8).
//
//   std::vector<gen::EnterprisePlace> places = …;  // the city's communities
//   auto firms = gen::SynthesizeEnterprises(places, {.scale = 0.01, .seed = 1});
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "enterprise/model.h"
#include "store/store.h"

namespace tc::gen {

// Market entities per unit of scale: Changchun's ~1.365 million (issue 19).
inline constexpr double kMarketEntitiesAtScale1 = 1'365'000;
// Key enterprises per unit of scale (Nanjing's 300+ given one-to-one liaison officers).
inline constexpr double kKeyEnterprisesAtScale1 = 320;
// The share of a year that revenue and revenue_prev cover (the first quarter).
inline constexpr double kRevenuePeriodShare = 0.25;

// Where enterprises may be registered: a community (or village) of the registry.
struct EnterprisePlace {
  std::string district_code;   // 12 digits, "220102000000"
  std::string district_name;   // 南关区: individual businesses and co-ops carry it in their names
  std::string area_code;       // the community's code
  std::string area_path;       // its registry path (GenerateEnterprises writes it for jurisdiction)
  std::string address_prefix;  // 长春市南关区永吉街道桃源社区 — a street number is appended
  int64_t population = 0;      // weight; places with none get no enterprises
  bool rural = false;          // a village (村): co-ops and farms go here, fewer shops
};

struct EnterpriseOptions {
  double scale = 0.01;  // 1.0: kMarketEntitiesAtScale1 entities
  uint64_t seed = 1;
  std::string city_name = "长春市";  // companies' names start with it (or its short form) or the province
  std::string province_name = "吉林省";
};

// The enterprises for `places` (ids 1..n in order, status active, created_at and
// updated_at the generator's reference time). Pure and deterministic: the same places
// and options give the same enterprises. InvalidArgument for a scale outside
// [kMinScale, kMaxScale] (city.h), no place with population, or a district code that
// is not 12 digits.
Result<std::vector<enterprise::Enterprise>> SynthesizeEnterprises(const std::vector<EnterprisePlace>& places,
                                                                  const EnterpriseOptions& options);

struct EnterpriseSummary {
  int64_t enterprises = 0, individual = 0, companies = 0, coops = 0;
  int64_t above_scale = 0, key = 0, high_tech = 0, specialised = 0;
  int64_t large = 0, medium = 0, small = 0, micro = 0;
};

// Synthesizes the enterprises of the city already in `store` (its communities with
// residents, weighted by them; the city's name from its area) and writes them to the
// `enterprises` table in one transaction, not filed for resumption, with one audit
// entry (actor "gen", action "gen.enterprises"). Conflict if the table has rows;
// NotFound if the store has no community with residents; SynthesizeEnterprises'
// errors. `options.scale` should be the city's (gen city --scale), so that the
// entities per resident stay Changchun's.
Result<EnterpriseSummary> GenerateEnterprises(store::Store& store, const EnterpriseOptions& options);

// A resumption wave over the generated enterprises, as the demo and the benchmarks need
// it: over `days` ending at `end_date` enterprises file and open (above-scale ones
// first and almost all — Nanjing's above-scale industry was 100 % back within eight
// days of filing replacing approval —, catering, accommodation and entertainment
// slowest), a few filings returned, staff coming back; the enterprises' resumption
// and staff_back as of the end, and the rate history of every day (city, industry,
// district, size) in enterprise_rate_history. Deterministic for a seed.
struct ResumptionOptions {
  int days = 14;
  std::string end_date;  // YYYY-MM-DD
  uint64_t seed = 1;
};
struct ResumptionSummary {
  int64_t enterprises = 0, filed = 0, opened = 0, returned = 0, staff_before = 0, staff_back = 0;
};
Result<ResumptionSummary> GenerateResumption(store::Store& store, const ResumptionOptions& options);

}  // namespace tc::gen
