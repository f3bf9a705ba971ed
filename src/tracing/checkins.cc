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


Status CatchUpCheckins(store::Store& store, Index& index, CheckinCursor& cursor) {
  if (store.dialect() == store::Dialect::kSqlite) {
    TC_ASSIGN_OR_RETURN(cursor.last_id, LoadCheckins(store, index, cursor.last_id));
    return Status::Ok();
  }
  // Every transaction below the oldest one running now is finished; read the rows of
  // those not read yet, by id in chunks.
  int64_t horizon = 0;
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT CAST(CAST(pg_snapshot_xmin(pg_current_snapshot()) AS TEXT) AS BIGINT)"));
    horizon = rows[0].Int(0);
    return Status::Ok();
  }));
  if (horizon <= cursor.horizon) return Status::Ok();
  constexpr int64_t kChunk = 2'000'000;
  const std::string from = std::to_string(cursor.horizon), to = std::to_string(horizon);
  for (int64_t last = 0;;) {
    int64_t got = 0;
    TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) {
      return c.ScanInts(std::string(kCheckinColumns) +
                            "WHERE txid >= CAST(? AS xid8) AND txid < CAST(? AS xid8) AND id > ? ORDER BY id LIMIT ?",
                        {from, to, last, kChunk}, [&](std::span<const int64_t> r) {
                          last = r[0];
                          ++got;
                          if (!cursor.ahead.empty() && cursor.ahead.erase(r[0])) return;  // loaded already
                          index.Add(VisitOfRow(r));
                        });
    }));
    if (got < kChunk) break;
  }
  cursor.horizon = horizon;
  std::erase_if(cursor.ahead, [&](const auto& entry) { return entry.second < horizon; });
  return Status::Ok();
}

Result<int64_t> CurrentTransaction(store::Conn& c) {
  if (c.dialect() == store::Dialect::kSqlite) return 0;
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT CAST(CAST(pg_current_xact_id() AS TEXT) AS BIGINT)"));
  return rows[0].Int(0);
}

Status LoadTransaction(store::Store& store, Index& index, CheckinCursor& cursor, int64_t txid) {
  if (store.dialect() == store::Dialect::kSqlite || txid == 0 || txid < cursor.horizon) return Status::Ok();
  return store.Read([&](store::Conn& c) {
    return c.ScanInts(std::string(kCheckinColumns) + "WHERE txid = CAST(? AS xid8) ORDER BY id",
                      {std::to_string(txid)}, [&](std::span<const int64_t> r) {
                        if (cursor.ahead.emplace(r[0], txid).second) index.Add(VisitOfRow(r));
                      });
  });
}

}  // namespace tc::tracing
