#include "tracing/checkins.h"

#include <algorithm>

namespace tc::tracing {

const std::vector<std::string>& VenueKinds() {
  static const std::vector<std::string> kKinds = {"wholesale_market", "supermarket", "restaurant", "mall",
                                                  "office", "factory", "school", "hospital", "station", "other"};
  return kKinds;
}

bool IsVenueKind(std::string_view kind) {
  const auto& k = VenueKinds();
  return std::find(k.begin(), k.end(), kind) != k.end();
}

Result<int64_t> LoadCheckins(store::Store& store, Index& index, int64_t after_id) {
  constexpr int64_t kChunk = 500'000;
  int64_t last = after_id;
  for (;;) {
    int64_t got = 0;
    TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, person_id, venue_id, arrive_at, leave_at FROM checkins "
                                             "WHERE id > ? ORDER BY id LIMIT ?",
                                             {last, kChunk}));
      for (const auto& r : rows.rows) {
        index.Add(Visit{static_cast<uint32_t>(r.Int(1)), static_cast<uint32_t>(r.Int(2)), ToMinute(r.Int(3)),
                        r.IsNull(4) ? 0 : ToMinute(r.Int(4))});
        last = r.Int(0);
      }
      got = static_cast<int64_t>(rows.size());
      return Status::Ok();
    }));
    if (got < kChunk) return last;
  }
}

}  // namespace tc::tracing
