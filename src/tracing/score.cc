#include "tracing/score.h"

namespace tc::tracing {

// Per-hour chances: well under 1 % outside the household and higher indoors with
// long, close presence (docs/contact-tiers.md gives the sources); the kinds in
// VenueKinds() order: wholesale_market, supermarket, restaurant, mall, office,
// factory, school, hospital, station, other.
ScoreWeights DefaultScoreWeights() {
  ScoreWeights w;
  w.per_hour = {0.004, 0.004, 0.012, 0.003, 0.006, 0.006, 0.006, 0.008, 0.004, 0.004};
  w.stay_minutes = {40, 20, 50, 60, 480, 480, 420, 60, 15, 30};
  w.group = {30, 15, 8, 30, 15, 20, 40, 20, 30, 15};
  return w;
}

}  // namespace tc::tracing
