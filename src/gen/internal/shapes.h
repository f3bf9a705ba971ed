// Area polygons for the map: a parent's polygon is cut recursively among its
// children in proportion to weights (population × density). Each cut splits the
// list of children near half its weight, along whichever of 16 randomly tilted
// directions leaves both parts most compact, so children exactly tile their parent
// without slivers. Planar lon/lat arithmetic on convex polygons, using of libm only
// sqrt (exactly rounded), so a seed draws the same map everywhere. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "gen/internal/rng.h"

namespace tc::gen::internal {

struct Point {
  double lon = 0, lat = 0;
};
// A convex polygon, counter-clockwise, first vertex not repeated at the end.
using Polygon = std::vector<Point>;

// Shoelace area in square degrees, positive for counter-clockwise.
double SignedArea(const Polygon& p);

// The parts of `p` with nx·lon + ny·lat ≤ t and ≥ t. Both share the cut's vertices
// bit for bit.
void Cut(const Polygon& p, double nx, double ny, double t, Polygon& below, Polygon& above);

// Splits `p` into weights.size() convex pieces with areas proportional to the weights
// (each > 0), in order; neighbours in the list are neighbours on the map.
std::vector<Polygon> Partition(const Polygon& p, const std::vector<double>& weights, Rng& rng);

// {"type":"Polygon","coordinates":[[[lon,lat],...]]} with 6 decimals, ring closed.
std::string GeoJson(const Polygon& p);

}  // namespace tc::gen::internal
