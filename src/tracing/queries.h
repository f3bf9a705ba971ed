// Tracing queries over the Index: close and secondary contacts of a set of cases,
// and source finding. Pure functions of the index (and a household source), so the
// engine, the SQL cross-check and the benchmark run the same code.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "tracing/index.h"
#include "tracing/rules.h"
#include "tracing/score.h"
#include "tracing/tiers.h"

namespace tc::tracing {

// A case and the window of its trajectory that counts (e.g. 4 days before onset to
// isolation).
struct CaseWindow {
  uint32_t person = 0;
  Minute from = 0, to = 0;
};

enum class Route : uint8_t { kVenue, kHousehold };

// Why `person` is on a ring: they shared `venue` with `source` from `at` (the start
// of the overlap), or live with `source` (venue 0, at = the source's window start).
// 24 bytes: a ring can hold most of the city.
struct Exposure {
  uint32_t person = 0;
  uint32_t source = 0;
  uint32_t venue = 0;
  Route route = Route::kVenue;
  Minute at = 0;
};
static_assert(sizeof(Exposure) == 24);

// Household members of people (the registry), for the household rule.
class HouseholdSource {
 public:
  virtual ~HouseholdSource() = default;
  // Calls fn(person, member) for every other active member of each person's household.
  virtual void Members(std::span<const uint32_t> persons, const std::function<void(uint32_t, uint32_t)>& fn) const = 0;
};

struct ContactQuery {
  std::vector<CaseWindow> cases;
  ContactRules rules;
  bool secondary = true;
  const HouseholdSource* households = nullptr;  // none: venue contacts only
};

struct ContactResult {
  // One exposure per person (the earliest), sorted by person. The secondary ring
  // excludes the cases and the close ring; neither ring holds a case. (Rings of
  // millions: kept in huge pages.)
  BigVector<Exposure> close, secondary;
  int64_t visits_examined = 0;  // candidate visits the rules were applied to
  int threads = 1;              // 2 when a ring was shared with the helper thread
};

ContactResult FindContacts(const Index& index, const ContactQuery& query);

// A contact with its exposure score (score.h): every encounter with the sources in
// their windows adds its hazard. `source` and `venue` name the encounter that weighed
// most (venue 0: the household); `at` is the earliest exposure.
struct ScoredExposure {
  uint32_t person = 0;
  uint32_t source = 0;
  uint32_t venue = 0;
  Minute at = 0;
  Hazard hazard = 0;     // millionths: risk = RiskOf(hazard)
  uint16_t minutes = 0;  // minutes shared at venues, summed over encounters (saturating)
  uint16_t visits = 0;   // encounters at venues (pairs of visits)
  uint8_t days = 0;      // distinct days met (exact within 16 days)
  uint8_t cases = 0;     // distinct sources met (exact up to 16, at least that many beyond)
  bool household = false;
  bool crowded = false;  // some encounter was at a venue crowded for its capacity
  Tier tier = Tier::kExposed;
  double risk() const { return RiskOf(hazard); }
};

struct TierQuery {
  std::vector<CaseWindow> cases;
  ContactRules rules;  // which visits are contacts at all (the ring's rule)
  TierRules tiers;
  std::span<const VenueTrait> venues;  // by venue id; one beyond it counts as "other", capacity unknown
  bool secondary = true;
  const HouseholdSource* households = nullptr;
};

// How long after its case's report a close contact may still pass it on (until they
// are reached and quarantined): the secondary tier's windows end there.
inline constexpr Minute kQuarantineReachMinutes = 24 * 60;

// The ring sorted into tiers, each sorted by person: close (household, or risk ≥ the
// close threshold), secondary (contacts of the close tier from their exposure until a
// day after their case's report: household, or risk ≥ the secondary threshold; never
// a case or close contact), exposed (the rest of the cases' ring). close + exposed + those of the secondary tier also in the ring = the
// rule's close ring.
struct TierResult {
  BigVector<ScoredExposure> close, secondary, exposed;
  // Members of the cases' ring who are on the secondary tier, scored against the
  // cases (tier exposed): with close and exposed, the whole ring as scored.
  BigVector<ScoredExposure> ring_in_secondary;
  int64_t ring = 0;  // the rule's close ring, for comparison
  int64_t visits_examined = 0;
  int threads = 1;
};
TierResult FindTiers(const Index& index, const TierQuery& query);

// Sizes inside a contact ring (process-wide). Tests shrink them to reach every path
// with a few thousand visits; the defaults suit a city.
struct RingSizes {
  size_t queue_offers = size_t{8} << 20;     // offers a scanning thread queues before spilling them
  size_t parallel_offers = size_t{1} << 16;  // from this many, both threads settle the answer
};
void SetRingSizes(const RingSizes& sizes);
RingSizes GetRingSizes();

// The Xinfadi query: visits at `venue` whose presence meets [t1, t2], sorted by
// (arrive, person), and how many distinct people made them.
struct VenueVisitors {
  BigVectorForOverwrite<Visit> visits;
  int64_t persons = 0;
  int threads = 1;  // 2 when the helper thread decoded half
};
VenueVisitors Visitors(const Index& index, uint32_t venue, Minute t1, Minute t2);

// A venue ranked as a possible source: `cases` of the `n` cases visited it in their
// windows, against `expected` from the venue's normal traffic (each case counts
// 1 − exp(−visits / population) for its window); `score` = −log10 of the Poisson
// probability of seeing at least `cases` when `expected` are expected.
struct SourceScore {
  uint32_t venue = 0;
  int64_t cases = 0;
  double expected = 0;
  int64_t traffic = 0;  // check-ins at the venue over the cases' days
  double score = 0;
};

// Venues sorted by score (then cases), the best first; at most `top`.
std::vector<SourceScore> RankSources(const Index& index, std::span<const CaseWindow> cases, int64_t population,
                                     size_t top);

// −log10 P(X ≥ k) for X ~ Poisson(lambda); exposed for tests.
double PoissonTailScore(int64_t k, double lambda);

}  // namespace tc::tracing
