// The in-memory exposure index (流调引擎): every check-in of the city, compressed,
// in two views — venue-major (who was at venue V around time t) and person-major
// (a case's trajectory). Built by sorting: appends go to a small buffer that is
// sealed into an immutable compressed segment (on demand before a query, or when it
// grows large); segments are merged in tiers so a city holds a handful of them.
//
// Encoding (see docs/tracing-design.md): venue-major entries in blocks of 128 sorted
// by arrival, each block bit-packed with its own widths — person id as an offset
// from the block's smallest, arrival as a delta from the previous entry, stay;
// person-major entries as (index into the person's own venue list, arrival delta,
// stay). Times are minutes since the Unix epoch; a stay is 0 (no leave time) or
// 1 + minutes present, at most kMaxStayMinutes.
//
// Not synchronised: the owner serialises Add/Seal against queries (TracingService
// holds a shared_mutex). Person and venue ids are the store's ids (dense-ish, 32-bit).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "base/huge_pages.h"
#include "tracing/rules.h"

namespace tc::tracing {

inline constexpr Minute kMaxStayMinutes = 24 * 60;
// The largest person or venue id the engine holds (ids are 32-bit inside it); the
// service refuses larger ones before they reach it.
inline constexpr int64_t kMaxPersonId = 0xFFFF'FFFF;

struct IndexStats {
  int64_t checkins = 0;        // in segments and the buffer
  int64_t buffered = 0;        // not yet sealed
  int64_t segments = 0;
  int64_t venue_bytes = 0;     // venue-major blocks, headers and directory
  int64_t person_bytes = 0;    // person-major streams and directory
  int64_t other_bytes = 0;     // buffer, per-venue day counts, max stays
  int64_t total_bytes() const { return venue_bytes + person_bytes + other_bytes; }
};

struct Segment;  // index.cc

class Index {
 public:
  Index();
  ~Index();
  Index(Index&&) noexcept;
  Index& operator=(Index&&) noexcept;

  // Appends one check-in (any order). v.leave is 0 or ≥ v.arrive; a stay longer
  // than kMaxStayMinutes is the caller's error (clamped here).
  void Add(const Visit& v);
  // Seals the buffer into a segment (no-op when empty) and merges segments in tiers.
  void Seal();
  // Merges every segment into one (after a bulk load).
  void Compact();
  // Buffer size at which Add() seals by itself (default 8 M check-ins).
  void set_seal_threshold(size_t n) { seal_threshold_ = n; }
  // Off during bulk loads (then Compact() once): sealed segments are not merged.
  void set_auto_merge(bool on) { auto_merge_ = on; }
  bool has_buffered() const { return !buffer_.empty(); }

  // Visits at `venue` arriving in [lo, hi], in no particular order across segments;
  // the sealed part only (call Seal() first to include the buffer).
  void ForEachArrival(uint32_t venue, Minute lo, Minute hi, const std::function<void(const Visit&)>& fn) const;
  // The same, appended to `out` (no call per visit: the contact queries' inner loop).
  void AppendArrivals(uint32_t venue, Minute lo, Minute hi, BigVector<Visit>& out) const;
  // Visits at `venue` whose presence meets [t1, t2] (arrive ≤ t2 and end ≥ t1, end
  // being the leave time or the arrival), sorted by (arrive, person).
  BigVectorForOverwrite<Visit> VenueVisits(uint32_t venue, Minute t1, Minute t2) const;
  // The same, and how many distinct people made them (counted while decoding); a big
  // answer is decoded in two halves, one on the helper thread (`threads`: 1 or 2).
  BigVectorForOverwrite<Visit> VenueVisits(uint32_t venue, Minute t1, Minute t2, int64_t* distinct_persons,
                                 int* threads = nullptr) const;
  // The person's visits arriving in [t1, t2], sorted by arrival.
  std::vector<Visit> Trajectory(uint32_t person, Minute t1, Minute t2) const;
  // Longest stay recorded at the venue (bounds contact windows).
  Minute MaxStay(uint32_t venue) const;
  // Check-ins at the venue arriving on the Shanghai civil days that [t1, t2] touches
  // (a per-venue daily counter; used as the venue's normal traffic).
  int64_t VenueTraffic(uint32_t venue, Minute t1, Minute t2) const;
  // Check-ins of all venues arriving on those days.
  int64_t TotalTraffic(Minute t1, Minute t2) const;

  int64_t size() const { return sealed_ + static_cast<int64_t>(buffer_.size()); }
  // The largest person id added (0 when empty).
  uint32_t max_person() const { return max_person_; }
  IndexStats Stats() const;

 private:
  struct Entry {
    uint32_t person, venue;
    int32_t arrive;
    uint16_t stay;
  };
  static Visit ToVisit(const Entry& e);
  void MergeTiers(bool all);

  BigVector<Entry> buffer_;
  std::vector<std::unique_ptr<Segment>> segments_;
  int64_t sealed_ = 0;
  size_t seal_threshold_ = 8u << 20;
  bool auto_merge_ = true;
  uint32_t max_person_ = 0;
  std::vector<uint16_t> max_stay_;                 // by venue
  int32_t first_day_ = 0;                          // day of days_[0]
  std::vector<std::vector<uint32_t>> day_counts_;  // [day - first_day_][venue]
  std::vector<int64_t> day_totals_;
};

}  // namespace tc::tracing
