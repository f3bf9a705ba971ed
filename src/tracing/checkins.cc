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

namespace {

constexpr std::string_view kCheckinColumns = "SELECT id, person_id, venue_id, arrive_at, leave_at FROM checkins ";

Visit VisitOfRow(std::span<const int64_t> r) {
  return Visit{static_cast<uint32_t>(r[1]), static_cast<uint32_t>(r[2]), ToMinute(r[3]), r[4] ? ToMinute(r[4]) : 0};
}

}  // namespace

Result<int64_t> LoadCheckins(store::Store& store, Index& index, int64_t after_id) {
  constexpr int64_t kChunk = 2'000'000;
  int64_t last = after_id;
  for (;;) {
    int64_t got = 0;
    TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) {
      return c.ScanInts(std::string(kCheckinColumns) + "WHERE id > ? ORDER BY id LIMIT ?",
                        {last, kChunk}, [&](std::span<const int64_t> r) {
                          index.Add(VisitOfRow(r));
                          last = r[0];
                          ++got;
                        });
    }));
    if (got < kChunk) return last;
  }
}


Status LockCheckinOrder(store::Conn& c) {
  constexpr int64_t kCheckinOrderLock = 0x7463'6368'6563'6b69;  // "tccheckin"
  return store::LockIdOrder(c, kCheckinOrderLock);
}

}  // namespace tc::tracing
