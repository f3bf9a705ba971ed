// The synthetic city generator: `tongchou gen city` fills an empty database with a
// deterministic city modelled on a preset (Changchun: 906.7万 residents) — districts,
// streets and towns, communities and villages, compounds, buildings, units,
// households and residents with census-like ages and household sizes, valid unique
// ID numbers and phones, care tags, grids with their 网格长, 楼栋长 and 单元长,
// 包保 assignments with a few deliberate gaps, and a polygon for every area down to
// compounds. The same preset, scale and seed give byte-identical rows on a backend.
//
//   TC_ASSIGN_OR_RETURN(auto summary, gen::GenerateCity(store, {.preset = "changchun",
//                                                              .scale = 0.01, .seed = 1}));
//   std::printf("%lld residents\n", static_cast<long long>(summary.residents));
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace tc::gen {

inline constexpr double kMinScale = 0.0001;
inline constexpr double kMaxScale = 10.0;

struct CityOptions {
  std::string preset = "changchun";
  double scale = 0.01;  // 1.0: the preset's full population
  uint64_t seed = 1;
  // Called from the generating thread after each written chunk: stage "residents"
  // (done/total residents), then "counts" (0/1, the registry's rollup), then
  // "commit" (0/1 before, 1/1 after). May be empty.
  std::function<void(std::string_view stage, int64_t done, int64_t total)> progress;
};

struct CitySummary {
  int64_t districts = 0, streets = 0, communities = 0, compounds = 0, buildings = 0, units = 0;
  int64_t households = 0, residents = 0, grids = 0;
  int64_t leaders = 0;      // distinct residents who are 网格长, 楼栋长 or 单元长
  int64_t assignments = 0;  // 包保 rows
  int64_t shapes = 0;       // area polygons (city down to compounds)
  // Deliberate gaps, so the coverage report has something to find.
  int64_t gaps_unassigned_communities = 0, gaps_unassigned_compounds = 0, gaps_unassigned_buildings = 0;
  int64_t gaps_units_without_leader = 0, gaps_buildings_without_leader = 0;
};

// (name, value) for every field of the summary, in declaration order.
std::vector<std::pair<std::string_view, int64_t>> SummaryCounts(const CitySummary& s);

// The preset names GenerateCity accepts.
std::vector<std::string> PresetNames();

// Generates the city into `store`, which must be migrated and have no areas
// (Conflict otherwise), in one transaction: all or nothing. Appends one audit
// entry (actor "gen", action "gen.city"). InvalidArgument for an unknown preset or
// a scale outside [kMinScale, kMaxScale].
Result<CitySummary> GenerateCity(store::Store& store, const CityOptions& options);

}  // namespace tc::gen
