#include "gen/venues.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "audit/audit.h"
#include "gen/internal/builder.h"
#include "gen/internal/names.h"
#include "gen/internal/rng.h"
#include "tracing/checkins.h"

namespace tc::gen {
namespace {

using internal::Rng;

// The full-scale city the densities below are for (长春, 906.7万 residents).
constexpr double kReferenceResidents = 9'067'000;

struct KindPlan {
  std::string_view kind;
  double full_scale_count;  // at kReferenceResidents
  double urban_weight;      // per resident of an urban community (社区)
  double rural_weight;      // per resident of a village (村)
  int min_capacity, max_capacity;
};

// In tracing::VenueKinds() order.
constexpr std::array<KindPlan, 10> kPlans = {{
    {"wholesale_market", 20, 1.0, 0.6, 800, 5'000},
    {"supermarket", 18'000, 1.0, 0.7, 20, 800},
    {"restaurant", 60'000, 1.0, 0.5, 30, 250},
    {"mall", 200, 1.0, 0.05, 2'000, 15'000},
    {"office", 20'000, 1.0, 0.1, 50, 1'500},
    {"factory", 3'000, 0.4, 2.0, 100, 3'000},
    {"school", 1'500, 1.0, 0.8, 600, 2'500},
    {"hospital", 300, 1.0, 0.5, 200, 3'000},
    {"station", 500, 1.0, 0.3, 2'000, 20'000},
    {"other", 12'000, 1.0, 0.6, 20, 150},
}};
constexpr int kBigMarketCapacity = 30'000;
constexpr size_t kBigMarketKind = 0;

struct Community {
  std::string code, path;
  int64_t residents;
  bool rural;
};

std::string Pad(int64_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return s;
}

template <size_t N>
std::string_view Pick(Rng& rng, const std::string_view (&words)[N]) {
  return words[rng.Below(N)];
}

constexpr std::string_view kDishes[] = {"饺子馆", "面馆",   "家常菜", "烧烤",     "火锅",   "包子铺",
                                        "麻辣烫", "快餐",   "酸菜馆", "锅包肉馆", "冷面馆", "砂锅居",
                                        "米线",   "铁锅炖", "串店",   "早餐店",   "炸鸡",   "粥铺"};
constexpr std::string_view kShops[] = {"便利店", "超市", "生鲜超市", "副食店", "果蔬店", "平价超市"};
constexpr std::string_view kChains[] = {"欧亚超市", "大润发", "沃尔玛", "中东超市", "家乐福"};
constexpr std::string_view kOffices[] = {"科技有限公司",     "商贸有限公司",    "大厦",
                                         "信息技术有限公司", "置业有限公司",    "物流有限公司",
                                         "建设工程有限公司", "保险代理有限公司"};
constexpr std::string_view kFactories[] = {"汽车零部件有限公司", "机械厂", "食品有限公司",  "制药有限公司", "纺织厂",
                                           "包装材料厂",         "铸造厂", "轨道客车配件厂"};
constexpr std::string_view kSchools[] = {"小学", "中学", "实验学校", "第一小学", "第二中学", "外国语学校"};
constexpr std::string_view kHospitals[] = {"社区卫生服务中心", "医院", "中医院", "口腔医院", "妇幼保健院"};
constexpr std::string_view kStations[] = {"公交枢纽站", "客运站", "地铁站", "轻轨站"};
constexpr std::string_view kMalls[] = {"购物中心", "广场", "百货", "商业城"};
constexpr std::string_view kMarkets[] = {"蔬菜批发市场", "水产批发市场", "粮油批发市场", "果品批发市场",
                                         "肉类批发市场"};
constexpr std::string_view kOthers[] = {"大药房", "健身中心", "理发店",   "洗浴中心",
                                        "网吧",   "菜市场",   "银行网点", "快递驿站"};

std::string VenueName(Rng& rng, std::string_view kind, std::set<std::string>& used) {
  const std::string place = internal::PlaceWord(rng, used);
  if (kind == "restaurant") {
    if (rng.Chance(0.5))
      return std::string(internal::Surname(rng)) + (rng.Chance(0.5) ? "记" : "家") + std::string(Pick(rng, kDishes));
    return place + std::string(Pick(rng, kDishes));
  }
  if (kind == "supermarket") {
    if (rng.Chance(0.15)) return std::string(Pick(rng, kChains)) + "（" + place + "店）";
    return place + std::string(Pick(rng, kShops));
  }
  if (kind == "office") return place + std::string(Pick(rng, kOffices));
  if (kind == "factory") return place + std::string(Pick(rng, kFactories));
  if (kind == "school") return place + std::string(Pick(rng, kSchools));
  if (kind == "hospital") return place + std::string(Pick(rng, kHospitals));
  if (kind == "station") return place + std::string(Pick(rng, kStations));
  if (kind == "mall") return place + std::string(Pick(rng, kMalls));
  if (kind == "wholesale_market") return place + std::string(Pick(rng, kMarkets));
  return place + std::string(Pick(rng, kOthers));
}

}  // namespace

Result<int64_t> FindMarket(store::Conn& conn) {
  TC_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT id FROM venues WHERE kind = 'wholesale_market' "
                                            "ORDER BY capacity DESC, id LIMIT 1"));
  if (rows.empty()) return NotFound("no wholesale market among the venues");
  return rows[0].Int(0);
}

Result<VenueSummary> GenerateVenues(store::Store& store, const VenueOptions& options) {
  if (!(options.density > 0 && options.density <= 10)) return FieldInvalid("density", "must be in (0, 10]");
  VenueSummary summary;
  Status s = store.Tx([&](store::Conn& conn) -> Status {
    TC_ASSIGN_OR_RETURN(auto existing, conn.Query("SELECT COUNT(*) FROM venues"));
    if (existing[0].Int(0) > 0) {
      return Conflict("the database already has " + existing[0].Text(0) + " venues; gen venues runs once");
    }
    TC_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT a.code, a.path, a.name, COALESCE(c.residents, 0) "
                                              "FROM areas a LEFT JOIN area_counts c ON c.area_code = a.code "
                                              "WHERE a.level = 'community' ORDER BY a.code"));
    std::vector<Community> communities;
    int64_t residents = 0;
    for (const auto& r : rows.rows) {
      if (r.Int(3) <= 0) continue;
      const std::string name = r.Text(2);
      communities.push_back({r.Text(0), r.Text(1), r.Int(3), name.ends_with("村")});
      residents += r.Int(3);
    }
    if (communities.empty()) return NotFound("the database has no communities with residents; run gen city first");
    TC_ASSIGN_OR_RETURN(auto city,
                        conn.Query("SELECT code, path FROM areas WHERE level = 'city' ORDER BY code LIMIT 1"));

    Rng rng(internal::SubSeed(options.seed, "venues"));
    // Venues per community and kind: each kind's total split by residents (weighted
    // urban/rural), largest remainder; at least one of each kind in the city.
    const size_t n = communities.size();
    std::vector<std::array<int64_t, kPlans.size()>> counts(n);
    const double share = static_cast<double>(residents) / kReferenceResidents * options.density;
    for (size_t k = 0; k < kPlans.size(); ++k) {
      const KindPlan& p = kPlans[k];
      std::vector<double> weights;
      for (const auto& c : communities) {
        weights.push_back(static_cast<double>(c.residents) * (c.rural ? p.rural_weight : p.urban_weight));
      }
      const int64_t total = std::max<int64_t>(1, std::llround(p.full_scale_count * share));
      const auto split = internal::SplitInteger(total, weights, 0);
      for (size_t i = 0; i < n; ++i) counts[i][k] = split[i];
    }
    // The big market goes to an urban community on the edge of the core (weighted by
    // residents, like any venue), in addition to the others.
    std::vector<double> market_weights;
    for (const auto& c : communities) market_weights.push_back(c.rural ? 0.0 : static_cast<double>(c.residents));
    bool any_urban = false;
    for (double w : market_weights) any_urban = any_urban || w > 0;
    if (!any_urban) market_weights.assign(n, 1.0);
    const size_t market_community = internal::Discrete(market_weights).Sample(rng);
    if (counts[market_community][kBigMarketKind] > 0) --counts[market_community][kBigMarketKind];

    std::array<int64_t, kPlans.size()> by_kind{};
    TC_ASSIGN_OR_RETURN(auto writer, conn.Bulk("venues", {"id", "code", "name", "kind", "area_code", "area_path",
                                                          "capacity", "created_at"}));
    int64_t next_id = 1;
    std::set<std::string> used;
    for (size_t i = 0; i < n; ++i) {
      const Community& c = communities[i];
      int number = 1;
      used.clear();
      auto add = [&](size_t k, std::string name, int64_t capacity) -> Status {
        const int64_t id = next_id++;
        ++by_kind[k];
        return writer->Add({id, c.code + "-V" + Pad(number++, 4), std::move(name), std::string(kPlans[k].kind), c.code,
                            c.path, capacity, internal::kGeneratedAt});
      };
      if (i == market_community) {
        summary.market_id = next_id;
        summary.market_code = c.code + "-V" + Pad(number, 4);
        summary.market_name = internal::PlaceWord(rng, used) + "农产品批发市场";
        TC_RETURN_IF_ERROR(add(kBigMarketKind, summary.market_name, kBigMarketCapacity));
      }
      for (size_t k = 0; k < kPlans.size(); ++k) {
        for (int64_t j = 0; j < counts[i][k]; ++j) {
          const KindPlan& p = kPlans[k];
          // Capacities spread log-uniformly: many small venues, a few large ones.
          const double lo = std::log(p.min_capacity), hi = std::log(p.max_capacity);
          const int64_t capacity = std::llround(std::exp(rng.Uniform(lo, hi)));
          TC_RETURN_IF_ERROR(add(k, VenueName(rng, p.kind, used), capacity));
        }
      }
    }
    TC_ASSIGN_OR_RETURN(summary.venues, writer->Finish());
    if (conn.dialect() == store::Dialect::kPostgres) {
      TC_RETURN_IF_ERROR(conn.Query("SELECT setval(pg_get_serial_sequence('venues', 'id'), "
                                    "COALESCE((SELECT MAX(id) FROM venues), 0) + 1, false)")
                             .status());
    }
    nlohmann::json kinds = nlohmann::json::object();
    for (size_t k = 0; k < kPlans.size(); ++k) {
      summary.by_kind.emplace_back(std::string(kPlans[k].kind), by_kind[k]);
      kinds[std::string(kPlans[k].kind)] = by_kind[k];
    }
    const std::string city_path = city.empty() ? "/" : city[0].Text(1);
    return audit::Append(conn,
                         {.actor = "gen",
                          .action = "gen.venues",
                          .target = "venue:" + summary.market_code,
                          .area_path = city_path,
                          .detail = nlohmann::json{{"seed", options.seed},
                                                   {"density", options.density},
                                                   {"venues", summary.venues},
                                                   {"kinds", kinds},
                                                   {"market", summary.market_code}}
                                        .dump()},
                         NowMillis());
  });
  TC_RETURN_IF_ERROR(s);
  return summary;
}

Result<int64_t> CountVenues(store::Conn& conn) {
  TC_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT COUNT(*) FROM venues"));
  return rows[0].Int(0);
}

}  // namespace tc::gen
