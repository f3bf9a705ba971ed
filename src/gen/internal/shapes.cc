#include "gen/internal/shapes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tc::gen::internal {
namespace {

constexpr double kLonScale = 0.72;  // a degree of longitude at 44°N, in degrees of latitude
constexpr double kMaxTilt = 0.2;    // each cut turns by up to about 11° from its candidate direction
constexpr int kBisectionSteps = 64;
// Candidate cut directions: cos and sin of k·22.5°, written out so no libm is involved.
constexpr double kDirections[16][2] = {
    {1, 0},
    {0.92387953251128674, 0.38268343236508978},
    {0.70710678118654752, 0.70710678118654752},
    {0.38268343236508978, 0.92387953251128674},
    {0, 1},
    {-0.38268343236508978, 0.92387953251128674},
    {-0.70710678118654752, 0.70710678118654752},
    {-0.92387953251128674, 0.38268343236508978},
    {-1, 0},
    {-0.92387953251128674, -0.38268343236508978},
    {-0.70710678118654752, -0.70710678118654752},
    {-0.38268343236508978, -0.92387953251128674},
    {0, -1},
    {0.38268343236508978, -0.92387953251128674},
    {0.70710678118654752, -0.70710678118654752},
    {0.92387953251128674, -0.38268343236508978},
};

double Dot(const Point& p, double nx, double ny) { return nx * p.lon + ny * p.lat; }

// Isoperimetric quotient 4πA/P² on the map (longitude scaled): 1 for a disc, near 0
// for a sliver.
double Compactness(const Polygon& p) {
  double twice = 0, perimeter = 0;
  for (size_t i = 0, n = p.size(); i < n; ++i) {
    const double ax = p[i].lon * kLonScale, ay = p[i].lat;
    const double bx = p[(i + 1) % n].lon * kLonScale, by = p[(i + 1) % n].lat;
    twice += ax * by - bx * ay;
    perimeter += std::sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay));
  }
  return perimeter > 0 ? 4 * 3.14159265358979324 * (twice / 2) / (perimeter * perimeter) : 0;
}

// Cuts `p` with normal (nx, ny) so the part below holds `share` of its area.
void CutShare(const Polygon& p, double nx, double ny, double share, Polygon& below, Polygon& above) {
  double t_lo = Dot(p[0], nx, ny), t_hi = t_lo;
  for (const Point& q : p) {
    t_lo = std::min(t_lo, Dot(q, nx, ny));
    t_hi = std::max(t_hi, Dot(q, nx, ny));
  }
  const double want = SignedArea(p) * share;
  for (int step = 0; step < kBisectionSteps; ++step) {
    const double t = (t_lo + t_hi) / 2;
    Cut(p, nx, ny, t, below, above);
    if (SignedArea(below) < want)
      t_lo = t;
    else
      t_hi = t;
  }
  Cut(p, nx, ny, (t_lo + t_hi) / 2, below, above);
}

void PartitionInto(const Polygon& p, const std::vector<double>& weights, size_t lo, size_t hi, Rng& rng,
                   std::vector<Polygon>& out) {
  if (hi - lo == 1) {
    out[lo] = p;
    return;
  }
  double total = 0;
  for (size_t i = lo; i < hi; ++i) total += weights[i];
  // The split point whose left share is nearest one half.
  size_t mid = lo + 1;
  double left = weights[lo], best_left = left;
  double best_gap = std::abs(left - total / 2);
  for (size_t m = lo + 2; m < hi; ++m) {
    left += weights[m - 1];
    if (std::abs(left - total / 2) < best_gap) {
      best_gap = std::abs(left - total / 2);
      best_left = left;
      mid = m;
    }
  }
  // Of the candidate directions (all turned by one random tilt), the cut whose
  // worse part is most compact: a balanced split cuts across the long side, a
  // small share takes a corner rather than a sliver.
  const double tilt = rng.Uniform(-kMaxTilt, kMaxTilt);
  Polygon below, above, best_below, best_above;
  double best_score = -1;
  for (const auto& d : kDirections) {
    const double dx = d[0] - tilt * d[1], dy = d[1] + tilt * d[0];
    CutShare(p, dx * kLonScale, dy, best_left / total, below, above);
    const double score = std::min(Compactness(below), Compactness(above));
    if (score > best_score) {
      best_score = score;
      best_below.swap(below);
      best_above.swap(above);
    }
  }
  PartitionInto(best_below, weights, lo, mid, rng, out);
  PartitionInto(best_above, weights, mid, hi, rng, out);
}

}  // namespace

double SignedArea(const Polygon& p) {
  double twice = 0;
  for (size_t i = 0, n = p.size(); i < n; ++i) {
    const Point& a = p[i];
    const Point& b = p[(i + 1) % n];
    twice += a.lon * b.lat - b.lon * a.lat;
  }
  return twice / 2;
}

void Cut(const Polygon& p, double nx, double ny, double t, Polygon& below, Polygon& above) {
  below.clear();
  above.clear();
  const size_t n = p.size();
  for (size_t i = 0; i < n; ++i) {
    const Point& a = p[i];
    const Point& b = p[(i + 1) % n];
    const double da = Dot(a, nx, ny) - t, db = Dot(b, nx, ny) - t;
    if (da <= 0) below.push_back(a);
    if (da >= 0) above.push_back(a);
    if ((da < 0 && db > 0) || (da > 0 && db < 0)) {
      // Computed once, so both parts hold the identical point.
      const double s = da / (da - db);
      const Point x{a.lon + s * (b.lon - a.lon), a.lat + s * (b.lat - a.lat)};
      below.push_back(x);
      above.push_back(x);
    }
  }
}

std::vector<Polygon> Partition(const Polygon& p, const std::vector<double>& weights, Rng& rng) {
  std::vector<Polygon> out(weights.size());
  if (!weights.empty()) PartitionInto(p, weights, 0, weights.size(), rng, out);
  return out;
}

std::string GeoJson(const Polygon& p) {
  std::string out = R"({"type":"Polygon","coordinates":[[)";
  char buf[64];
  std::string first, last;
  for (const Point& q : p) {
    std::snprintf(buf, sizeof buf, "[%.6f,%.6f]", q.lon, q.lat);
    if (last == buf) continue;  // rounding merged two vertices
    if (first.empty())
      first = buf;
    else
      out += ',';
    out += buf;
    last = buf;
  }
  if (last != first) out += "," + first;
  out += "]]}";
  return out;
}

}  // namespace tc::gen::internal
