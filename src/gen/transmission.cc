#include "gen/transmission.h"

#include <algorithm>
#include <cmath>

#include "gen/internal/rng.h"
#include "tracing/checkins.h"

namespace tc::gen {
namespace {

// Tags that keep the hashes of different draws apart.
enum Tag : uint64_t { kZoneTag = 0x5A4F4E45, kStayTag = 0x53544159, kHotTag = 0x484F5421 };

uint64_t Hash(uint64_t seed, Tag tag, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  uint64_t s = seed ^ (static_cast<uint64_t>(tag) << 32);
  uint64_t h = internal::SplitMix64(s);
  for (uint64_t x : {a, b, c}) {
    s = h ^ x;
    h = internal::SplitMix64(s);
  }
  return h;
}

uint32_t Clamp(int64_t v, int64_t lo, int64_t hi) { return static_cast<uint32_t>(std::clamp(v, lo, hi)); }

}  // namespace

uint64_t WorldSeed(uint64_t outbreak_seed) { return internal::SubSeed(outbreak_seed, "outbreak:world"); }

size_t KindIndex(std::string_view kind) {
  const auto& kinds = tracing::VenueKinds();
  for (size_t i = 0; i < kinds.size() && i < kVenueKindCount; ++i) {
    if (kinds[i] == kind) return i;
  }
  return kKindOther;
}

Status ValidateDose(const DoseParameters& p) {
  const auto& kinds = tracing::VenueKinds();
  for (size_t k = 0; k < kVenueKindCount; ++k) {
    if (!(p.beta[k] >= 0 && p.beta[k] <= 1)) {
      return FieldInvalid("dose.beta." + kinds[k], "must be a chance per minute between 0 and 1");
    }
    if (!(p.zone_factor[k] >= 1 && p.zone_factor[k] <= 1000)) {
      return FieldInvalid("dose.zone_factor." + kinds[k], "must be between 1 and 1000");
    }
  }
  if (!(p.source_beta >= 0 && p.source_beta <= 1)) {
    return FieldInvalid("dose.source_beta", "must be a chance per minute between 0 and 1");
  }
  if (!(p.source_hot_factor >= 1 && p.source_hot_factor <= 1000)) {
    return FieldInvalid("dose.source_hot_factor", "must be between 1 and 1000");
  }
  if (!(p.hot_zone_share > 0 && p.hot_zone_share <= 1)) {
    return FieldInvalid("dose.hot_zone_share", "must be in (0, 1]");
  }
  if (!(p.asymptomatic_infectiousness >= 0 && p.asymptomatic_infectiousness <= 1)) {
    return FieldInvalid("dose.asymptomatic_infectiousness", "must be between 0 and 1");
  }
  return Status::Ok();
}

Zoning ZoningOf(size_t kind, int64_t capacity) {
  const int64_t c = std::max<int64_t>(capacity, 1);
  switch (kind) {
    case kKindMarket:  // sections (rows of stalls along an aisle); the big market ~20
      return {Clamp(c / 1500, 4, 40), "section", false};
    case kKindSupermarket:  // aisles
      return {Clamp(c / 40, 3, 30), "aisle", false};
    case kKindRestaurant:  // tables of ~4
      return {Clamp(c / 4, 4, 100), "table", false};
    case kKindMall:  // shops and floors
      return {Clamp(c / 300, 4, 60), "shop", false};
    case kKindOffice:  // teams (a venue's capacity is ~6× its daily staff: ~10 a team)
      return {Clamp(c / 60, 2, 100), "team", true};
    case kKindFactory:  // production lines (~30 a line on a shift)
      return {Clamp(c / 150, 2, 40), "line", true};
    case kKindSchool:  // classes (~40 pupils)
      return {Clamp(c / 60, 6, 60), "class", true};
    case kKindHospital:  // departments and wards
      return {Clamp(c / 150, 4, 30), "department", false};
    case kKindStation:  // halls and platforms
      return {Clamp(c / 2500, 2, 8), "hall", false};
    default:  // rooms
      return {Clamp(c / 30, 2, 10), "room", false};
  }
}

uint32_t ZoneOf(uint64_t seed, const tracing::Visit& v, const Zoning& z) {
  if (z.zones <= 1) return 0;
  const uint64_t h = z.stable ? Hash(seed, kZoneTag, v.person, v.venue)
                              : Hash(seed, kZoneTag, v.person, v.venue, static_cast<uint64_t>(v.arrive));
  return static_cast<uint32_t>(h % z.zones);
}

std::string ZoneLabel(const Zoning& z, uint32_t zone) { return std::string(z.unit) + " " + std::to_string(zone + 1); }

StayRange HiddenStay(size_t kind) {
  switch (kind) {
    case kKindMarket:
      return {20, 90};
    case kKindSupermarket:
      return {10, 40};
    case kKindRestaurant:
      return {30, 90};
    case kKindMall:
      return {30, 150};
    case kKindOffice:
    case kKindFactory:
      return {240, 540};  // a shift, for work visits recorded without a leave time
    case kKindSchool:
      return {240, 480};
    case kKindHospital:
      return {30, 180};
    case kKindStation:
      return {5, 30};
    default:
      return {15, 60};
  }
}

tracing::Minute RealEnd(uint64_t seed, const tracing::Visit& v, size_t kind) {
  if (v.leave > v.arrive) return v.leave;
  const StayRange r = HiddenStay(kind);
  const uint64_t h = Hash(seed, kStayTag, v.person, v.venue, static_cast<uint64_t>(v.arrive));
  return v.arrive + r.lo + static_cast<tracing::Minute>(h % static_cast<uint64_t>(r.hi - r.lo + 1));
}

bool IsHotZone(uint64_t seed, uint32_t venue, uint32_t zone, const Zoning& z, double share) {
  const uint32_t hot = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(share * z.zones - 1e-9)));
  if (hot >= z.zones) return true;
  // The hot zones are `hot` consecutive zones (a hall's neighbouring sections) from an offset.
  const uint32_t first = static_cast<uint32_t>(Hash(seed, kHotTag, venue) % z.zones);
  return (zone + z.zones - first) % z.zones < hot;
}

double PairChance(const DoseParameters& p, size_t kind, tracing::Minute overlap, bool same_zone,
                  double infectiousness) {
  if (overlap <= 0 || kind >= kVenueKindCount) return 0;
  const double dose = p.beta[kind] * static_cast<double>(overlap) * (same_zone ? p.zone_factor[kind] : 1.0);
  return 1.0 - std::exp(-dose * infectiousness);
}

double SourceChance(const DoseParameters& p, tracing::Minute present, bool hot_zone) {
  if (present <= 0) return 0;
  return 1.0 - std::exp(-p.source_beta * static_cast<double>(present) * (hot_zone ? p.source_hot_factor : 1.0));
}

}  // namespace tc::gen
