#include "gen/internal/preset.h"

namespace tc::gen::internal {
namespace {

// 长春市: 906.7万 residents (seed 000), 24,592 km². Populations are plausible
// round figures summing to 9,067,000; areas approximate each division's land area.
const Preset kChangchun = {
    .name = "changchun",
    .city_code = "220100000000",
    .city_name = "长春市",
    .districts =
        {
            {"220102000000", "南关区", 1'000'000, 0.05, 497},
            {"220103000000", "宽城区", 930'000, 0.08, 391},
            {"220104000000", "朝阳区", 1'040'000, 0.05, 379},
            {"220105000000", "二道区", 850'000, 0.10, 468},
            {"220106000000", "绿园区", 950'000, 0.06, 220},
            {"220112000000", "双阳区", 380'000, 0.55, 1677},
            {"220113000000", "九台区", 620'000, 0.55, 3375},
            {"220122000000", "农安县", 860'000, 0.75, 5400},
            {"220182000000", "榆树市", 810'000, 0.78, 4712},
            {"220183000000", "德惠市", 727'000, 0.70, 3461},
            {"220184000000", "公主岭市", 900'000, 0.68, 4058},
        },
    // South to north, the urban districts in the middle: 公主岭, 双阳, 九台, 二道, 南关,
    // 朝阳, 绿园, 宽城, 农安, 德惠, 榆树.
    .layout_order = {10, 5, 6, 3, 0, 2, 4, 1, 7, 9, 8},
    // Elongated south-west to north-east like the real city; convex.
    .outline =
        {
            {124.62, 43.12},
            {125.30, 43.10},
            {125.95, 43.22},
            {126.35, 43.50},
            {126.72, 43.95},
            {127.02, 44.48},
            {127.10, 44.88},
            {126.98, 45.12},
            {126.62, 45.20},
            {126.15, 45.10},
            {125.62, 44.86},
            {125.05, 44.52},
            {124.58, 44.08},
            {124.32, 43.66},
            {124.36, 43.32},
        },
};

}  // namespace

int64_t Preset::Population() const {
  int64_t sum = 0;
  for (const auto& d : districts) sum += d.population;
  return sum;
}

const Preset* FindPreset(std::string_view name) {
  if (name == kChangchun.name) return &kChangchun;
  return nullptr;
}

std::vector<std::string> PresetNames() { return {std::string(kChangchun.name)}; }

}  // namespace tc::gen::internal
