#include "registry/geometry.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <numbers>

namespace tc::registry {
namespace {

constexpr double kKmPerDegreeLon = 111.320;  // at the equator; times cos(latitude)
constexpr double kKmPerDegreeLat = 110.574;

double RingAreaKm2(const nlohmann::json& ring) {
  if (!ring.is_array() || ring.size() < 3) return 0;
  double lat0 = 0;
  for (const auto& p : ring) lat0 += p.at(1).get<double>();
  lat0 /= static_cast<double>(ring.size());
  const double kx = kKmPerDegreeLon * std::cos(lat0 * std::numbers::pi / 180), ky = kKmPerDegreeLat;
  double sum = 0;  // the shoelace formula over the projected ring
  for (size_t i = 0; i < ring.size(); ++i) {
    const auto& a = ring[i];
    const auto& b = ring[(i + 1) % ring.size()];
    sum += a.at(0).get<double>() * kx * b.at(1).get<double>() * ky - b.at(0).get<double>() * kx * a.at(1).get<double>() * ky;
  }
  return std::abs(sum) / 2;
}

// The outer ring less its holes.
double PolygonAreaKm2(const nlohmann::json& rings) {
  double total = 0;
  for (size_t i = 0; i < rings.size(); ++i) total += (i == 0 ? 1 : -1) * RingAreaKm2(rings[i]);
  return total;
}

}  // namespace

double GeoJsonAreaKm2(const nlohmann::json& g) {
  if (!g.is_object() || !g.contains("coordinates") || !g["coordinates"].is_array()) return 0;
  try {
    const std::string type = g.value("type", "");
    if (type == "Polygon") return PolygonAreaKm2(g["coordinates"]);
    if (type != "MultiPolygon") return 0;
    double total = 0;
    for (const auto& poly : g["coordinates"]) total += PolygonAreaKm2(poly);
    return total;
  } catch (const nlohmann::json::exception&) {
    return 0;
  }
}

}  // namespace tc::registry
