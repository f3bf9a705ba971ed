// The presets GenerateCity knows: a real city's county-level divisions with their
// division codes, population at scale 1, the share living in villages, land area
// (for the map) and outline. Plain constant data; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tc::gen::internal {

struct DistrictPreset {
  std::string_view code;  // 12-digit division code, e.g. 220102000000
  std::string_view name;  // 南关区
  int64_t population;     // residents at scale 1
  double rural_share;     // share of residents living in villages (村)
  double area_km2;        // land area: the district's share of the city's polygon
};

struct Preset {
  std::string_view name;  // "changchun"
  std::string_view city_code;
  std::string_view city_name;
  std::vector<DistrictPreset> districts;  // in code order
  // The order in which the city's polygon is sliced among districts (indexes into
  // districts), so neighbours on the map are plausible.
  std::vector<size_t> layout_order;
  // The city's outline, lon/lat (WGS 84), counter-clockwise.
  std::vector<std::pair<double, double>> outline;
  int64_t Population() const;
};

// nullptr if unknown.
const Preset* FindPreset(std::string_view name);
std::vector<std::string> PresetNames();

}  // namespace tc::gen::internal
