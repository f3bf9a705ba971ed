// Check-ins in the store and in the index: venue kinds, time conversion, and the
// loader that brings the in-memory Index in step with the `checkins` table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
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
// largest id read (after_id if none).
Result<int64_t> LoadCheckins(store::Store& store, Index& index, int64_t after_id = 0);

// Every transaction that inserts check-ins calls this first: their ids then become
// visible in id order on PostgreSQL too (store::LockIdOrder), so an engine following
// the table by `id > last` never passes a row that commits later. Writers of check-ins
// commit one at a time, as they do on SQLite.
Status LockCheckinOrder(store::Conn& c);

}  // namespace tc::tracing
