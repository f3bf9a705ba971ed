// Plane geometry of the registry's area shapes (GeoJSON in lon/lat degrees).
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace tc::registry {

// The area of a GeoJSON Polygon or MultiPolygon in km² (holes subtracted), by an
// equirectangular projection at each ring's mean latitude — a few per mille off at a
// city's size, plenty for density shading. 0 for anything else or malformed input.
double GeoJsonAreaKm2(const nlohmann::json& geometry);

}  // namespace tc::registry
