// Venues (场所) for a generated city: restaurants, shops, offices, factories,
// schools, hospitals, stations, malls and wholesale markets at plausible densities
// per community (at 906.7万 residents: ~60 k restaurants, ~18 k supermarkets and
// shops, ~20 k offices, ~3 k factories, ~1.5 k schools, ~300 hospitals, ~500
// stations, ~200 malls, ~20 wholesale markets, ~12 k others), scaled with the
// city's residents. Exactly one wholesale market is the big one, a 新发地-like
// 农产品批发市场 that the check-in generator makes the whole city visit.
//
//   TC_ASSIGN_OR_RETURN(auto summary, gen::GenerateVenues(store, {.seed = 1}));
//   std::printf("%lld venues, the market is %s\n", (long long)summary.venues,
//               summary.market_code.c_str());
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace tc::gen {

struct VenueOptions {
  uint64_t seed = 1;
  // Venues per resident relative to the defaults above (tests and demos may thin them).
  double density = 1.0;
};

struct VenueSummary {
  int64_t venues = 0;
  std::vector<std::pair<std::string, int64_t>> by_kind;  // in tracing::VenueKinds() order
  int64_t market_id = 0;                                 // the big wholesale market
  std::string market_code, market_name;
};

// Venue codes (场所码): the community's code + "-V" + 4 digits, numbered within the
// community (e.g. 220102001003-V0017); ids run 1..n in code order.
//
// Generates venues for the city already in `store` (communities with residents) in
// one transaction, appending one audit entry (actor "gen", action "gen.venues").
// Conflict if the store has venues already; NotFound if it has no communities;
// InvalidArgument for density outside (0, 10]. The same city and options give the
// same rows.
Result<VenueSummary> GenerateVenues(store::Store& store, const VenueOptions& options);

// The big wholesale market's id (the wholesale market with the largest capacity),
// NotFound if the store has none.
Result<int64_t> FindMarket(store::Conn& conn);
// How many venues the store holds (gen checkins adds venues when there are none).
Result<int64_t> CountVenues(store::Conn& conn);

}  // namespace tc::gen
