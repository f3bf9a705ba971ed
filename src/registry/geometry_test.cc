#include "registry/geometry.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tc::registry {
namespace {

using nlohmann::json;

json Square(double lon, double lat, double side) {
  return json::array({json::array({lon, lat}), json::array({lon + side, lat}), json::array({lon + side, lat + side}),
                      json::array({lon, lat + side}), json::array({lon, lat})});
}

TEST(Geometry, APolygonsAreaIsItsProjectedShoelace) {
  // 0.1° × 0.1° at the equator: 11.132 km × 11.0574 km (cos of the mean latitude 0.05° ≈ 1).
  const double km2 = GeoJsonAreaKm2({{"type", "Polygon"}, {"coordinates", json::array({Square(0, 0, 0.1)})}});
  EXPECT_NEAR(km2, 11.132 * 11.0574, 0.01);
  // The same square in Changchun (43.9° N) shrinks east–west by cos(43.95°).
  const double north = GeoJsonAreaKm2({{"type", "Polygon"}, {"coordinates", json::array({Square(125.3, 43.9, 0.1)})}});
  const double expected = 11.132 * std::cos(43.95 * M_PI / 180) * 11.0574;
  EXPECT_NEAR(north, expected, expected * 0.001);
}

TEST(Geometry, HolesAreSubtractedAndMultiPolygonsSummed) {
  const json with_hole = {{"type", "Polygon"},
                          {"coordinates", json::array({Square(0, 0, 0.2), Square(0.05, 0.05, 0.1)})}};
  const double outer = GeoJsonAreaKm2({{"type", "Polygon"}, {"coordinates", json::array({Square(0, 0, 0.2)})}});
  const double hole = GeoJsonAreaKm2({{"type", "Polygon"}, {"coordinates", json::array({Square(0.05, 0.05, 0.1)})}});
  EXPECT_NEAR(GeoJsonAreaKm2(with_hole), outer - hole, 1e-6);
  const json multi = {{"type", "MultiPolygon"},
                      {"coordinates", json::array({json::array({Square(0, 0, 0.1)}), json::array({Square(1, 0, 0.1)})})}};
  EXPECT_NEAR(GeoJsonAreaKm2(multi), 2 * 11.132 * 11.0574, 0.05);
}

TEST(Geometry, MalformedShapesHaveNoArea) {
  EXPECT_EQ(GeoJsonAreaKm2(nullptr), 0);
  EXPECT_EQ(GeoJsonAreaKm2({{"type", "Point"}, {"coordinates", json::array({1, 2})}}), 0);
  EXPECT_EQ(GeoJsonAreaKm2({{"type", "Polygon"}, {"coordinates", json::array({json::array({"a", "b", "c"})})}}), 0);
  EXPECT_EQ(GeoJsonAreaKm2({{"type", "Polygon"}, {"coordinates", json::array({json::array({json::array({1})})})}}), 0);
  EXPECT_EQ(GeoJsonAreaKm2({{"type", "Polygon"}, {"coordinates", 5}}), 0);
}

}  // namespace
}  // namespace tc::registry
