// The per-area rollup (area_counts): residents, households and care tags under
// every node. Writes adjust the unit's ancestors inside their own transaction;
// bulk loads call RebuildCounts once at the end. Reads are one row per node.
#pragma once

#include <array>
#include <functional>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"
#include "store/store.h"

namespace tc::registry {

struct AreaCounts {
  int64_t residents = 0;
  int64_t households = 0;
  std::array<int64_t, 5> tags{};  // elderly_alone, chronic, pregnant, disability, severe_illness
};

// Adds `delta` to the unit with this path and every ancestor (upsert).
Status AdjustCounts(store::Conn& c, std::string_view unit_path, const AreaCounts& delta);
// Accumulates many per-unit deltas and applies them with one upsert per distinct
// area (a batch touching 4,000 units writes each shared ancestor once, not 4,000 times).
// Add() only sums per unit (no allocation for a unit seen before); Apply() rolls up.
class CountsDelta {
 public:
  void Add(std::string_view unit_path, const AreaCounts& delta);
  Status Apply(store::Conn& c) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, AreaCounts, Hash, std::equal_to<>> by_unit_;  // unit path → delta
};

// The counts delta of one resident (+1 or -1 with their tags).
AreaCounts ResidentDelta(int64_t tags, int sign);
// Recomputes the whole table from residents and households.
Status RebuildCounts(store::Conn& c);
// Counts for one area (zeros if none recorded).
Result<AreaCounts> ReadCounts(store::Conn& c, std::string_view area_code);

}  // namespace tc::registry
