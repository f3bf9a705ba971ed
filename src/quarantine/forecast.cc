#include "quarantine/forecast.h"

#include <algorithm>
#include <string>

namespace tc::quarantine {
namespace {

constexpr int kMaxHorizon = 90;

Status CheckTier(const TierPipeline& t, const std::string& f) {
  if (t.days < 1 || t.days > 28) return FieldInvalid(f + ".days", f + ".days must be 1–28");
  if (!(t.attack_rate >= 0 && t.attack_rate <= 1)) {
    return FieldInvalid(f + ".attack_rate", f + ".attack_rate must be 0–1");
  }
  if (static_cast<int>(t.by_day.size()) > t.days) {
    return FieldInvalid(f + ".by_day", f + ".by_day has " + std::to_string(t.by_day.size()) +
                                           " days; the quarantine has " + std::to_string(t.days));
  }
  for (double n : t.by_day) {
    if (!(n >= 0)) return FieldInvalid(f + ".by_day", f + ".by_day must hold counts ≥ 0");
  }
  return Status::Ok();
}

// Expected cases on forecast day t from one tier: a / L per contact still in quarantine.
double TierCases(const TierPipeline& p, int t) {
  double in_quarantine = 0;
  for (int d = 1; d + t <= p.days && d <= static_cast<int>(p.by_day.size()); ++d) in_quarantine += p.by_day[d - 1];
  return p.attack_rate / p.days * in_quarantine;
}

}  // namespace

std::string_view BedKindName(int k) {
  switch (k) {
    case kOrdinary:
      return "ordinary";
    case kSevere:
      return "severe";
    case kIcu:
      return "icu";
  }
  return "";
}

Result<std::vector<ForecastDay>> ForecastBeds(const ForecastInput& in) {
  TC_RETURN_IF_ERROR(CheckTier(in.close, "close"));
  TC_RETURN_IF_ERROR(CheckTier(in.secondary, "secondary"));
  if (in.days < 1 || in.days > kMaxHorizon) return FieldInvalid("days", "days must be 1–90");
  if (!(in.awaiting_bed >= 0)) return FieldInvalid("awaiting_bed", "awaiting_bed must be ≥ 0");
  double shares = 0;
  for (int k = 0; k < kBedKinds; ++k) {
    const BedKindInput& b = in.kinds[k];
    const std::string f = "kinds." + std::string(BedKindName(k));
    if (!(b.share >= 0 && b.share <= 1)) return FieldInvalid(f + ".share", f + ".share must be 0–1");
    if (b.length_of_stay < 1) return FieldInvalid(f + ".length_of_stay", f + ".length_of_stay must be ≥ 1 day");
    if (!(b.occupied >= 0)) return FieldInvalid(f + ".occupied", f + ".occupied must be ≥ 0");
    if (!(b.beds >= 0)) return FieldInvalid(f + ".beds", f + ".beds must be ≥ 0");
    shares += b.share;
  }
  if (shares > 1 + 1e-9) return FieldInvalid("kinds", "the kinds' shares add up to more than 1");

  std::vector<ForecastDay> out(in.days);
  std::array<double, kBedKinds> occupancy;
  for (int k = 0; k < kBedKinds; ++k) occupancy[k] = in.kinds[k].occupied;
  for (int t = 1; t <= in.days; ++t) {
    ForecastDay& day = out[t - 1];
    day.day = t;
    day.new_cases = TierCases(in.close, t) + TierCases(in.secondary, t) + (t == 1 ? in.awaiting_bed : 0);
    for (int k = 0; k < kBedKinds; ++k) {
      const BedKindInput& b = in.kinds[k];
      KindDay& kd = day.kinds[k];
      kd.admissions = b.share * day.new_cases;
      if (t <= b.length_of_stay) kd.discharges += b.occupied / b.length_of_stay;
      if (t > b.length_of_stay) kd.discharges += out[t - b.length_of_stay - 1].kinds[k].admissions;
      occupancy[k] += kd.admissions - kd.discharges;
      kd.occupancy = occupancy[k];
      kd.shortfall = std::max(0.0, kd.occupancy - b.beds);
    }
  }
  return out;
}

}  // namespace tc::quarantine
