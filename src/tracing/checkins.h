// Check-ins in the store and in the index: venue kinds, time conversion, and the
// loader that brings the in-memory Index in step with the `checkins` table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "store/store.h"
#include "tracing/index.h"

namespace tc::tracing {

// wholesale_market, supermarket, restaurant, mall, office, factory, school,
// hospital, station, other.
const std::vector<std::string>& VenueKinds();
bool IsVenueKind(std::string_view kind);

// The store keeps check-in times as Unix milliseconds of whole minutes.
inline Minute ToMinute(Millis ms) { return ms >= 0 ? ms / 60'000 : -((-ms + 59'999) / 60'000); }
inline Millis ToMillis(Minute m) { return m * 60'000; }

// Adds every check-in with id > after_id to the index, in chunks, and returns the
// largest id read (after_id if none). For one-shot loads; an engine that follows the
// table keeps a CheckinCursor.
Result<int64_t> LoadCheckins(store::Store& store, Index& index, int64_t after_id = 0);

// Where an engine following the checkins table stands. On SQLite one writer commits
// at a time, so ids become visible in order: every row up to `last_id` is loaded. On
// PostgreSQL ids are drawn at insert but rows appear at commit, so a lower id can
// appear after a higher one was read: there every row of a transaction older than
// `horizon` is loaded (transactions below the oldest one still running are finished
// and can add nothing), plus rows of newer transactions loaded ahead of it (the
// engine's own commits), kept in `ahead` so they are not added twice.
struct CheckinCursor {
  int64_t last_id = 0;                          // SQLite
  int64_t horizon = 0;                          // PostgreSQL: a transaction id (xid8)
  std::unordered_map<int64_t, int64_t> ahead;   // PostgreSQL: row id → its transaction
};

// Adds every check-in committed since the cursor to the index and moves the cursor.
Status CatchUpCheckins(store::Store& store, Index& index, CheckinCursor& cursor);
// The id of the connection's current transaction on PostgreSQL (call inside the write
// transaction); 0 on SQLite, where CatchUpCheckins after the commit sees its rows.
Result<int64_t> CurrentTransaction(store::Conn& c);
// PostgreSQL: adds the rows of the committed transaction `txid` now, unless the
// cursor's horizon has already passed it. Nothing on SQLite or for txid 0.
Status LoadTransaction(store::Store& store, Index& index, CheckinCursor& cursor, int64_t txid);

}  // namespace tc::tracing
