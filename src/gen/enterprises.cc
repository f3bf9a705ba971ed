#include "gen/enterprises.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <numeric>
#include <set>
#include <unordered_set>

#include "audit/audit.h"
#include "enterprise/industry.h"
#include "enterprise/uscc.h"
#include "gen/city.h"
#include "gen/internal/builder.h"
#include "gen/internal/names.h"
#include "gen/internal/rng.h"

namespace tc::gen {
namespace {

using internal::Rng;

// A trade: one kind of market entity in one GB/T 4754 division, with its share
// among entities of its legal form, its staff and revenue, and how it fared in the
// epidemic. Employees and revenue per employee are lognormal (median, sigma of the
// log); annual revenue = employees × revenue per employee, 万元.
struct Trade {
  char form;  // USCC entity type: '1' company, '2' individual business, '3' co-op
  std::string_view division;
  double weight;  // relative share within its form
  double employees, employees_sigma;
  double revenue_per_employee, revenue_sigma;
  double drop;                          // mean fall of revenue in the epidemic quarter (negative: growth)
  double rural;                         // per resident, a village's weight against a community's
  std::vector<std::string_view> words;  // what follows the 字号 in a name (its suffix included)
};

// The legal forms' shares of market entities (Changchun: about two thirds individual
// businesses, as nationally; co-ops many in a farming region).
constexpr double kIndividualShare = 0.68, kCompanyShare = 0.295, kCoopShare = 0.025;

// Shares of companies drawn from the established firms' mode (Make).
constexpr double kEstablishedIndustry = 0.01, kEstablishedOther = 0.003;

// Calibrated so that at scale 1 (seed 1) about 5,600 of ~400,000 companies are above
// scale (规上工业 ~1,800, 限上批零住餐 ~2,100, 规上服务业 ~950, 有资质建筑业 ~750) and
// ~150 large; ~96 % of all market entities are micro.
const std::vector<Trade>& Trades() {
  static const std::vector<Trade> trades = {
      // Individual businesses (个体工商户).
      {'2',
       "52",
       45,
       2,
       0.5,
       4,
       0.7,
       0.25,
       0.7,
       {"便利店", "超市", "食杂店", "服装店", "五金店", "水果店", "烟酒店", "手机店", "建材商店", "粮油店", "药店",
        "鞋店", "文具店", "日杂商店", "母婴用品店", "眼镜店"}},
      {'2',
       "62",
       22,
       3,
       0.5,
       3,
       0.6,
       0.45,
       0.5,
       {"饺子馆", "面馆", "家常菜馆", "烧烤店", "火锅店", "包子铺", "麻辣烫", "快餐店", "酸菜馆", "冷面馆", "砂锅居",
        "米线店", "铁锅炖", "串店", "早餐店", "炸鸡店", "粥铺", "饭店"}},
      {'2',
       "80",
       12,
       2,
       0.5,
       2,
       0.6,
       0.35,
       0.5,
       {"理发店", "美发店", "美容店", "洗衣店", "洗浴中心", "家政服务部", "摄影部", "足疗店", "婚庆服务部"}},
      {'2',
       "81",
       6,
       2,
       0.5,
       2.5,
       0.6,
       0.25,
       0.7,
       {"汽车修理部", "家电维修部", "修配部", "轮胎店", "手机维修部", "钟表修理部"}},
      {'2', "54", 5, 1, 0.3, 4, 0.6, 0.30, 1.0, {"货运部", "运输队", "搬家服务部", "客运服务部"}},
      {'2', "51", 3, 2, 0.5, 10, 0.8, 0.15, 0.6, {"商行", "批发部", "经销处", "粮油批发部", "蔬菜批发部"}},
      {'2', "61", 1.5, 3, 0.5, 2.5, 0.6, 0.45, 0.5, {"旅店", "宾馆", "招待所", "家庭旅馆"}},
      {'2', "90", 1, 2, 0.5, 2.5, 0.6, 0.50, 0.4, {"棋牌室", "网吧", "台球厅", "游戏厅"}},
      {'2', "01", 3, 2, 0.5, 4, 0.7, 0.05, 25, {"蔬菜种植场", "大棚种植户", "果园", "种植场", "食用菌种植场"}},
      {'2', "03", 1.5, 2, 0.5, 6, 0.8, 0.08, 25, {"养殖场", "生猪养殖场", "肉牛养殖场", "养鸡场"}},
      // Companies (企业).
      {'1',
       "51",
       20,
       2,
       1.0,
       60,
       0.8,
       0.15,
       0.4,
       {"商贸有限公司", "贸易有限公司", "物资有限公司", "医药有限公司", "建材有限公司", "粮油有限公司", "农资有限公司",
        "汽车配件有限公司", "五金机电有限公司", "电子商务有限公司", "供应链管理有限公司"}},
      {'1',
       "52",
       7,
       2,
       0.9,
       15,
       0.8,
       0.22,
       0.4,
       {"超市有限公司", "百货有限公司", "商业连锁有限公司", "药房连锁有限公司", "汽车销售服务有限公司",
        "加油站有限公司"}},
      {'1',
       "72",
       13,
       2.4,
       1.0,
       10,
       0.8,
       0.20,
       0.3,
       {"商务咨询有限公司", "广告有限公司", "人力资源服务有限公司", "企业管理有限公司", "旅行社有限公司",
        "会展服务有限公司", "保安服务有限公司", "文化传播有限公司", "财务咨询有限公司", "知识产权代理有限公司"}},
      {'1',
       "65",
       6,
       3.2,
       1.0,
       10,
       0.8,
       0.05,
       0.1,
       {"软件有限公司", "信息技术有限公司", "数据科技有限公司", "智能科技有限公司", "软件开发有限公司"}},
      {'1', "64", 1, 3.2, 1.0, 10, 0.8, 0.0, 0.1, {"网络科技有限公司", "互联网信息服务有限公司"}},
      {'1', "47", 3, 4, 1.2, 20, 0.8, 0.20, 0.6, {"建设有限公司", "建筑工程有限公司", "建设集团有限公司"}},
      {'1', "48", 2, 4, 1.2, 20, 0.8, 0.20, 0.8, {"路桥工程有限公司", "市政工程有限公司", "水利工程有限公司"}},
      {'1', "49", 1.5, 4, 1.2, 20, 0.8, 0.20, 0.5, {"安装工程有限公司", "机电安装有限公司", "电力工程有限公司"}},
      {'1', "50", 3.5, 3.2, 1.1, 15, 0.8, 0.25, 0.4, {"装饰工程有限公司", "装饰设计有限公司", "防水工程有限公司"}},
      {'1',
       "36",
       2,
       8,
       1.4,
       25,
       0.9,
       0.30,
       0.6,
       {"汽车零部件有限公司", "汽车部件有限公司", "汽车饰件有限公司", "汽车配件制造有限公司", "汽车模具有限公司",
        "专用汽车制造有限公司", "汽车电子有限公司"}},
      {'1', "37", 0.3, 8, 1.4, 20, 0.8, 0.15, 0.5, {"轨道客车配件有限公司", "轨道交通装备有限公司"}},
      {'1',
       "13",
       1.5,
       4.8,
       1.2,
       20,
       0.8,
       0.05,
       2.0,
       {"食品有限公司", "粮食加工有限公司", "肉类加工有限公司", "米业有限公司", "饲料有限公司"}},
      {'1', "14", 0.7, 4.8, 1.2, 17, 0.8, 0.08, 1.0, {"食品制造有限公司", "乳业有限公司", "调味品有限公司"}},
      {'1', "15", 0.4, 4.8, 1.2, 17, 0.8, 0.20, 1.0, {"酒业有限公司", "饮品有限公司", "矿泉水有限公司"}},
      {'1', "27", 0.6, 8, 1.2, 20, 0.8, -0.05, 0.8, {"制药有限公司", "生物制药有限公司", "药业有限公司"}},
      {'1', "34", 1.2, 4.8, 1.2, 17, 0.8, 0.15, 0.8, {"机械制造有限公司", "机械设备有限公司", "通用机械有限公司"}},
      {'1', "35", 1.2, 4.8, 1.2, 17, 0.8, 0.12, 0.8, {"专用设备有限公司", "农业机械有限公司", "医疗器械有限公司"}},
      {'1', "33", 1.2, 4.8, 1.2, 17, 0.8, 0.15, 1.0, {"金属制品有限公司", "钢结构有限公司", "五金制品有限公司"}},
      {'1', "30", 1.0, 4.8, 1.2, 17, 0.8, 0.20, 1.5, {"建材制品有限公司", "水泥制品有限公司", "玻璃制品有限公司"}},
      {'1', "29", 0.8, 4.8, 1.2, 17, 0.8, 0.15, 1.0, {"塑料制品有限公司", "橡胶制品有限公司", "包装材料有限公司"}},
      {'1', "26", 0.5, 4.8, 1.2, 20, 0.8, 0.10, 1.5, {"化工有限公司", "化学制品有限公司", "涂料有限公司"}},
      {'1', "18", 0.5, 4.8, 1.2, 10, 0.8, 0.25, 0.8, {"服装有限公司", "服饰有限公司", "制衣有限公司"}},
      {'1', "21", 0.4, 4.8, 1.2, 12, 0.8, 0.25, 1.0, {"家具有限公司", "木业有限公司"}},
      {'1', "23", 0.5, 4, 1.2, 12, 0.8, 0.20, 0.5, {"印刷有限公司", "印务有限公司"}},
      {'1', "38", 0.5, 4.8, 1.2, 17, 0.8, 0.12, 0.8, {"电气有限公司", "电器有限公司", "电线电缆有限公司"}},
      {'1', "39", 0.4, 6, 1.2, 17, 0.8, 0.08, 0.5, {"电子有限公司", "光电科技有限公司", "电子科技有限公司"}},
      {'1', "40", 0.2, 4.8, 1.2, 15, 0.8, 0.08, 0.5, {"仪器仪表有限公司", "光学仪器有限公司"}},
      {'1', "22", 0.2, 4.8, 1.2, 15, 0.8, 0.15, 1.0, {"纸业有限公司", "纸制品有限公司"}},
      {'1', "44", 0.3, 8, 1.2, 30, 0.8, 0.05, 1.0, {"热力有限公司", "新能源有限公司", "电力有限公司"}},
      {'1', "46", 0.1, 8, 1.2, 10, 0.8, 0.02, 1.0, {"供水有限公司", "水务有限公司"}},
      {'1',
       "54",
       4,
       2.4,
       1.0,
       15,
       0.8,
       0.25,
       0.8,
       {"物流有限公司", "运输有限公司", "货运有限公司", "客运有限公司", "出租汽车有限公司"}},
      {'1', "58", 1.5, 2, 1.0, 15, 0.8, 0.20, 0.4, {"国际货运代理有限公司", "物流服务有限公司", "供应链有限公司"}},
      {'1', "59", 1, 2.4, 1.0, 12, 0.8, 0.10, 1.0, {"仓储有限公司", "冷链仓储有限公司", "粮食储备有限公司"}},
      {'1', "60", 0.5, 4, 1.0, 7, 0.8, -0.10, 0.5, {"快递有限公司", "速递有限公司"}},
      {'1',
       "70",
       4,
       3.2,
       1.1,
       20,
       1.0,
       0.25,
       0.3,
       {"房地产开发有限公司", "置业有限公司", "物业服务有限公司", "物业管理有限公司", "房地产经纪有限公司"}},
      {'1',
       "74",
       3,
       2.4,
       1.0,
       10,
       0.8,
       0.12,
       0.3,
       {"工程设计有限公司", "检测技术有限公司", "测绘有限公司", "工程咨询有限公司", "规划设计有限公司"}},
      {'1', "75", 4, 2, 1.0, 7, 0.8, 0.10, 0.3, {"科技有限公司", "技术开发有限公司", "科技发展有限公司"}},
      {'1', "73", 0.5, 3.2, 1.0, 10, 0.8, 0.05, 0.2, {"研究院有限公司", "技术研究有限公司"}},
      {'1', "62", 2.5, 4, 1.0, 6, 0.6, 0.45, 0.4, {"餐饮管理有限公司", "餐饮有限公司", "酒楼有限公司"}},
      {'1', "61", 1, 4.8, 1.0, 6, 0.6, 0.40, 0.4, {"酒店管理有限公司", "宾馆有限公司", "酒店有限公司"}},
      {'1', "71", 1.5, 2, 1.0, 12, 0.8, 0.20, 0.4, {"汽车租赁有限公司", "设备租赁有限公司", "机械租赁有限公司"}},
      {'1', "80", 2, 2.4, 0.9, 5, 0.6, 0.30, 0.4, {"家政服务有限公司", "保洁服务有限公司", "洗涤服务有限公司"}},
      {'1', "81", 1, 2.4, 0.9, 6, 0.6, 0.25, 0.5, {"汽车维修有限公司", "汽车服务有限公司"}},
      {'1', "88", 1, 2.4, 1.0, 6, 0.7, 0.50, 0.3, {"文化艺术有限公司", "演艺有限公司", "文化发展有限公司"}},
      {'1', "90", 1, 2.4, 1.0, 6, 0.7, 0.55, 0.3, {"娱乐有限公司", "游乐园有限公司", "休闲娱乐有限公司"}},
      {'1', "89", 0.5, 2.4, 1.0, 5, 0.7, 0.45, 0.3, {"体育文化有限公司", "健身有限公司", "滑雪场有限公司"}},
      {'1', "83", 1, 3.2, 1.0, 5, 0.7, 0.35, 0.3, {"教育咨询有限公司", "培训学校有限公司", "教育科技有限公司"}},
      {'1', "84", 0.6, 4, 1.0, 7, 0.7, 0.10, 0.4, {"医疗管理有限公司", "门诊有限公司", "健康管理有限公司"}},
      {'1', "01", 1.5, 3.2, 1.0, 5, 0.8, 0.05, 8, {"农业开发有限公司", "农业科技有限公司", "种业有限公司"}},
      {'1', "03", 1, 3.2, 1.0, 7, 0.8, 0.08, 8, {"牧业有限公司", "养殖有限公司", "畜牧有限公司"}},
      {'1', "05", 0.5, 2.4, 1.0, 5, 0.8, 0.05, 8, {"农机服务有限公司", "农业服务有限公司"}},
      {'1', "69", 0.4, 2.4, 1.0, 15, 1.0, 0.10, 0.2, {"投资管理有限公司", "融资担保有限公司", "小额贷款有限公司"}},
      {'1', "77", 0.5, 3.2, 1.0, 10, 0.8, 0.05, 0.6, {"环保科技有限公司", "环境工程有限公司", "环境治理有限公司"}},
      {'1', "78", 0.8, 4, 1.0, 7, 0.8, 0.10, 0.6, {"园林绿化有限公司", "市政环卫有限公司"}},
      // Farmers' co-operatives (农民专业合作社).
      {'3',
       "01",
       60,
       8,
       0.6,
       4,
       0.8,
       0.05,
       60,
       {"玉米种植专业合作社", "水稻种植专业合作社", "蔬菜种植专业合作社", "食用菌种植专业合作社", "杂粮种植专业合作社",
        "果蔬专业合作社"}},
      {'3',
       "03",
       25,
       8,
       0.6,
       6,
       0.8,
       0.08,
       60,
       {"生猪养殖专业合作社", "肉牛养殖专业合作社", "禽类养殖专业合作社", "梅花鹿养殖专业合作社"}},
      {'3', "05", 15, 6, 0.6, 4, 0.8, 0.05, 60, {"农机专业合作社", "植保专业合作社", "农业服务专业合作社"}},
  };
  return trades;
}

// Divisions whose companies may be certified high-tech (高新技术企业).
bool HighTechDivision(std::string_view d) {
  static const std::set<std::string_view> kDivisions = {"26", "27", "34", "35", "36", "37", "38", "39",
                                                        "40", "63", "64", "65", "73", "74", "75", "77"};
  return kDivisions.contains(d);
}

constexpr std::string_view kBrandChars[] = {"鑫", "泰", "达", "源", "恒", "通", "盛", "德", "华", "嘉",
                                            "瑞", "祥", "隆", "信", "诚", "宇", "博", "众", "创", "卓",
                                            "润", "腾", "亿", "远", "中", "天", "宏", "伟", "邦", "正"};
constexpr std::string_view kMobilePrefixes[] = {"130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                                                "151", "152", "155", "156", "157", "158", "159", "177", "180", "181",
                                                "182", "185", "186", "187", "188", "189", "198", "199"};

template <size_t N>
std::string_view Pick(Rng& rng, const std::string_view (&words)[N]) {
  return words[rng.Below(N)];
}

// A standard normal deviate (Box–Muller on the generator's own uniforms).
double Normal(Rng& rng) {
  const double u = 1.0 - rng.Unit();  // (0, 1]
  const double v = rng.Unit();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * std::numbers::pi * v);
}

double Lognormal(Rng& rng, double median, double sigma) { return median * std::exp(sigma * Normal(rng)); }

double Round2(double v) { return std::round(v * 100.0) / 100.0; }

std::string Pad(uint64_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return s;
}

std::string Mobile(Rng& rng) { return std::string(Pick(rng, kMobilePrefixes)) + Pad(rng.Below(100'000'000), 8); }

// Organisation codes (GB 11714 bodies, 8 characters) from two counters through fixed
// bijections, so no two entities share one: codes assigned since the 2015 reform look
// like the market-supervision bureau's "MA" + 6 characters of the alphabet, older
// ones are 8 digits.
class OrganisationCodes {
 public:
  explicit OrganisationCodes(uint64_t seed)
      : new_offset_(seed % kNewSpace), old_offset_((seed / kNewSpace) % kOldSpace) {}
  std::string Next(bool since_reform) {
    if (since_reform) {
      // 1,000,003 is coprime to 31^6, so i ↦ i·a + b is a permutation of [0, 31^6).
      uint64_t x = (next_new_++ * 1'000'003ULL + new_offset_) % kNewSpace;
      std::string s(6, '0');
      for (int i = 5; i >= 0; --i) {
        s[static_cast<size_t>(i)] = enterprise::kUsccAlphabet[x % 31];
        x /= 31;
      }
      return "MA" + s;
    }
    // 7,919 is prime and coprime to 10^8.
    return Pad((next_old_++ * 7'919ULL + old_offset_) % kOldSpace, 8);
  }

 private:
  static constexpr uint64_t kNewSpace = 887'503'681;  // 31^6
  static constexpr uint64_t kOldSpace = 100'000'000;
  uint64_t new_offset_, old_offset_;
  uint64_t next_new_ = 0, next_old_ = 0;
};

struct Draft {
  enterprise::Enterprise e;
  double annual_prev = 0;  // last year's revenue, 万元: size, above scale, key
  size_t place = 0;
};

class Synthesizer {
 public:
  Synthesizer(const std::vector<EnterprisePlace>& places, const EnterpriseOptions& o)
      : places_(places), o_(o), rng_(internal::SubSeed(o.seed, "enterprises")), codes_(o.seed) {
    city_short_ = o.city_name;
    if (city_short_.ends_with("市")) city_short_.resize(city_short_.size() - std::string_view("市").size());
    // Days of the founding window: 1985-01-01 … 2020-12-31 (a firm founded by then has
    // last year's first quarter to compare with).
    first_day_ = *DaysFromCivil(1985, 1, 1);
    last_day_ = *DaysFromCivil(2020, 12, 31);
    reform_day_ = *DaysFromCivil(2015, 10, 1);
    coop_law_day_ = *DaysFromCivil(2007, 7, 1);
  }

  Result<std::vector<enterprise::Enterprise>> Run() {
    const int64_t total = std::llround(kMarketEntitiesAtScale1 * o_.scale);
    const auto by_form = internal::SplitInteger(total, {kIndividualShare, kCompanyShare, kCoopShare}, 0);
    const std::string forms = "213";
    std::vector<Draft> drafts;
    drafts.reserve(static_cast<size_t>(total));
    for (size_t f = 0; f < forms.size(); ++f) {
      std::vector<const Trade*> trades;
      std::vector<double> weights;
      for (const Trade& t : Trades()) {
        if (t.form != forms[f]) continue;
        trades.push_back(&t);
        weights.push_back(t.weight);
      }
      const auto counts = internal::SplitInteger(by_form[f], weights, 0);
      for (size_t k = 0; k < trades.size(); ++k) {
        const internal::Discrete& where = PlaceDistribution(trades[k]->rural);
        for (int64_t i = 0; i < counts[k]; ++i) {
          TC_ASSIGN_OR_RETURN(Draft d, Make(*trades[k], where.Sample(rng_)));
          drafts.push_back(std::move(d));
        }
      }
    }
    MarkKey(drafts);
    // Ids in place order (district, then community), each place's entities in the
    // order they were drawn.
    std::stable_sort(drafts.begin(), drafts.end(), [](const Draft& a, const Draft& b) { return a.place < b.place; });
    std::vector<enterprise::Enterprise> out;
    out.reserve(drafts.size());
    for (Draft& d : drafts) {
      d.e.id = static_cast<int64_t>(out.size()) + 1;
      out.push_back(std::move(d.e));
    }
    return out;
  }

 private:
  const internal::Discrete& PlaceDistribution(double rural) {
    auto it = by_rural_.find(rural);
    if (it != by_rural_.end()) return it->second;
    std::vector<double> w;
    w.reserve(places_.size());
    for (const auto& p : places_) w.push_back(static_cast<double>(p.population) * (p.rural ? rural : 1.0));
    if (std::all_of(w.begin(), w.end(), [](double x) { return x <= 0; })) {
      for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<double>(places_[i].population);
    }
    return by_rural_.emplace(rural, internal::Discrete(w)).first->second;
  }

  std::string Date(int64_t days) const {
    int y, m, d;
    CivilFromDays(days, y, m, d);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
  }

  // A founding day: exponential ages (market entities multiplied after the 2014
  // registration reform), bigger companies older.
  int64_t FoundedDay(const Trade& t, int64_t employees) {
    double mean_years = t.form == '1' ? 3.0 + 1.5 * std::log(1.0 + static_cast<double>(employees)) : 4.0;
    const double years = -mean_years * std::log(1.0 - rng_.Unit());
    int64_t day = last_day_ - static_cast<int64_t>(years * 365.25);
    const int64_t earliest = t.form == '3' ? coop_law_day_ : first_day_;
    if (day < earliest) day = earliest + static_cast<int64_t>(rng_.Below(static_cast<uint64_t>(last_day_ - earliest)));
    return day;
  }

  std::string Unique(std::string name, const std::function<std::string()>& another) {
    for (int attempt = 0; attempt < 24; ++attempt) {
      if (names_.insert(name).second) return name;
      name = another();
    }
    // Exhausted the draws: an ordinal in the 字号 keeps it unique.
    for (uint64_t n = 2;; ++n) {
      std::string numbered = name;
      numbered.insert(numbered.size() - Last(numbered).size(), std::to_string(n));
      if (names_.insert(numbered).second) return numbered;
    }
  }
  // The trade word a name ends with (for the ordinal's place); the whole name if unknown.
  std::string_view Last(const std::string& name) const { return last_word_.empty() ? name : last_word_; }

  // A 字号 (trade name): a place word, sometimes with one or two more characters.
  std::string Brand() {
    scratch_.clear();
    std::string b = internal::PlaceWord(rng_, scratch_);
    const uint64_t k = rng_.Below(10);
    if (k >= 4) b += std::string(Pick(rng_, kBrandChars));
    if (k >= 8) b += std::string(Pick(rng_, kBrandChars));
    return b;
  }

  std::string CompanyName(const Trade& t) {
    const std::string_view word = t.words[rng_.Below(t.words.size())];
    const uint64_t k = rng_.Below(10);
    const std::string prefix = k < 5 ? city_short_ : k < 7 ? o_.city_name : k < 9 ? o_.province_name : "";
    return prefix + Brand() + std::string(word);
  }

  std::string IndividualName(const Trade& t, const EnterprisePlace& p) {
    const std::string_view word = t.words[rng_.Below(t.words.size())];
    std::string stem;
    const uint64_t k = rng_.Below(10);
    if (k < 4) {
      stem = std::string(internal::Surname(rng_)) + (rng_.Chance(0.6) ? "记" : "氏");
    } else if (k < 6) {
      stem = internal::GivenName(rng_, rng_.Chance(0.5));  // 李 + given name: the owner's
    } else {
      stem = Brand();
    }
    return p.district_name + stem + std::string(word);
  }

  std::string CoopName(const Trade& t, const EnterprisePlace& p) {
    const std::string_view word = t.words[rng_.Below(t.words.size())];
    scratch_.clear();
    std::string stem = internal::VillageWord(rng_, scratch_);
    if (rng_.Chance(0.3)) stem += std::string(Pick(rng_, kBrandChars));
    return p.district_name + stem + std::string(word);
  }

  Result<Draft> Make(const Trade& t, size_t place_index) {
    const EnterprisePlace& p = places_[place_index];
    Draft d;
    d.place = place_index;
    enterprise::Enterprise& e = d.e;
    e.division = std::string(t.division);
    TC_ASSIGN_OR_RETURN(const char section, enterprise::SectionOfDivision(t.division));
    e.industry = std::string(1, section);
    // A lognormal alone has too thin a tail for a city's few big firms: a small share
    // of companies (more in manufacturing) is drawn from an established firms' mode.
    const bool established = t.form == '1' && rng_.Chance(section == 'C' ? kEstablishedIndustry : kEstablishedOther);
    const double median_employees = established ? (section == 'C' ? 200.0 : 80.0) : t.employees;
    const double employees_sigma = established ? 1.3 : t.employees_sigma;
    const double per_employee = established ? 1.5 * t.revenue_per_employee : t.revenue_per_employee;
    const double per_employee_sigma = established ? 0.6 : t.revenue_sigma;
    e.employees = std::clamp<int64_t>(std::llround(Lognormal(rng_, median_employees, employees_sigma)), 1, 60'000);
    // Last year's first quarter as stored, and the year it stands for (so that a reader
    // re-deriving the size from revenue_prev / kRevenuePeriodShare gets the same class).
    e.revenue_prev = Round2(static_cast<double>(e.employees) * Lognormal(rng_, per_employee, per_employee_sigma) *
                            kRevenuePeriodShare);
    d.annual_prev = e.revenue_prev / kRevenuePeriodShare;
    TC_ASSIGN_OR_RETURN(const enterprise::SizeClass size,
                        enterprise::ClassifySize(t.division, e.employees, d.annual_prev));
    e.size = std::string(enterprise::SizeName(size));
    // A construction company holds a qualification more often the bigger it is.
    bool qualified = false;
    if (section == 'E' && t.form == '1') {
      const double q = d.annual_prev >= 3000 ? 0.7 : d.annual_prev >= 1000 ? 0.35 : d.annual_prev >= 300 ? 0.06 : 0.0;
      qualified = rng_.Chance(q);
    }
    if (t.form != '2') {
      TC_ASSIGN_OR_RETURN(e.above_scale, enterprise::IsAboveScale(t.division, d.annual_prev, qualified));
    }
    const double drop = std::clamp(t.drop + 0.15 * Normal(rng_), -0.6, 1.0);
    e.revenue = Round2(e.revenue_prev * (1.0 - drop));
    if (section == 'C' && rng_.Chance(e.above_scale ? 0.35 : 0.08)) {
      e.equipment_investment = Round2(d.annual_prev * rng_.Uniform(0.02, 0.12));
    }
    if (t.form == '1' && HighTechDivision(t.division)) {
      const double p_high = size == enterprise::SizeClass::kLarge    ? 0.4
                            : size == enterprise::SizeClass::kMedium ? 0.25
                            : size == enterprise::SizeClass::kSmall  ? 0.08
                                                                     : 0.01;
      e.high_tech = rng_.Chance(p_high);
    }
    if (t.form == '1' && section == 'C' &&
        (size == enterprise::SizeClass::kSmall || size == enterprise::SizeClass::kMedium)) {
      e.specialised = rng_.Chance(e.high_tech ? 0.15 : 0.03);
    }
    const int64_t founded = FoundedDay(t, e.employees);
    e.founded_on = Date(founded);
    TC_ASSIGN_OR_RETURN(e.uscc, enterprise::MakeUscc('9', t.form, std::string_view(p.district_code).substr(0, 6),
                                                     codes_.Next(founded >= reform_day_)));
    last_word_.clear();
    if (t.form == '1') {
      e.name = CompanyName(t);
    } else if (t.form == '2') {
      e.name = IndividualName(t, p);
    } else {
      e.name = CoopName(t, p);
    }
    for (std::string_view w : t.words) {
      if (e.name.ends_with(w)) last_word_ = std::string(w);
    }
    e.name = Unique(std::move(e.name), [&] {
      return t.form == '1' ? CompanyName(t) : t.form == '2' ? IndividualName(t, p) : CoopName(t, p);
    });
    e.district_code = p.district_code;
    e.area_code = p.area_code;
    e.address = p.address_prefix + std::to_string(rng_.Range(1, 399)) + "号";
    const bool male = rng_.Chance(0.7);
    e.legal_rep = internal::PersonName(rng_, male);
    if (t.form == '2' || rng_.Chance(0.4)) {
      e.contact_name = e.legal_rep;
    } else {
      e.contact_name = internal::PersonName(rng_, rng_.Chance(0.5));
    }
    e.contact_phone = Mobile(rng_);
    e.status = "active";
    e.created_at = e.updated_at = internal::kGeneratedAt;
    return d;
  }

  // The biggest above-scale enterprises by last year's revenue are key (重点企业).
  void MarkKey(std::vector<Draft>& drafts) const {
    std::vector<size_t> above;
    for (size_t i = 0; i < drafts.size(); ++i) {
      if (drafts[i].e.above_scale) above.push_back(i);
    }
    const size_t want = static_cast<size_t>(std::max<int64_t>(1, std::llround(kKeyEnterprisesAtScale1 * o_.scale)));
    const size_t n = std::min(want, above.size());
    std::partial_sort(above.begin(), above.begin() + static_cast<std::ptrdiff_t>(n), above.end(),
                      [&](size_t a, size_t b) {
                        if (drafts[a].annual_prev != drafts[b].annual_prev)
                          return drafts[a].annual_prev > drafts[b].annual_prev;
                        return a < b;
                      });
    for (size_t i = 0; i < n; ++i) drafts[above[i]].e.key = true;
  }

  const std::vector<EnterprisePlace>& places_;
  const EnterpriseOptions& o_;
  Rng rng_;
  OrganisationCodes codes_;
  std::string city_short_;
  int64_t first_day_ = 0, last_day_ = 0, reform_day_ = 0, coop_law_day_ = 0;
  std::map<double, internal::Discrete> by_rural_;
  std::unordered_set<std::string> names_;
  std::set<std::string> scratch_;
  std::string last_word_;
};

}  // namespace

Result<std::vector<enterprise::Enterprise>> SynthesizeEnterprises(const std::vector<EnterprisePlace>& places,
                                                                  const EnterpriseOptions& options) {
  if (!(options.scale >= kMinScale && options.scale <= kMaxScale)) {
    return FieldInvalid("scale", "must be in [" + std::to_string(kMinScale) + ", " + std::to_string(kMaxScale) + "]");
  }
  bool any = false;
  for (size_t i = 0; i < places.size(); ++i) {
    const std::string& code = places[i].district_code;
    if (code.size() != 12 || code.find_first_not_of("0123456789") != std::string::npos) {
      return FieldInvalid("places[" + std::to_string(i) + "].district_code", "must be 12 digits, got '" + code + "'");
    }
    any = any || places[i].population > 0;
  }
  if (!any) return FieldInvalid("places", "no place has residents to weight enterprises by");
  return Synthesizer(places, options).Run();
}

namespace {

struct AreaRow {
  std::string parent, name, level, path;
};

// The city's communities with residents as places, in code order.
Result<std::vector<EnterprisePlace>> LoadPlaces(store::Conn& conn, std::string& city_name) {
  TC_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT a.code, COALESCE(a.parent_code, ''), a.name, a.level, a.path, "
                                            "COALESCE(c.residents, 0) FROM areas a "
                                            "LEFT JOIN area_counts c ON c.area_code = a.code "
                                            "WHERE a.level IN ('city', 'district', 'street', 'community') "
                                            "ORDER BY a.code"));
  std::map<std::string, AreaRow> areas;
  for (const auto& r : rows.rows) {
    areas[r.Text(0)] = {r.Text(1), r.Text(2), r.Text(3), r.Text(4)};
    if (r.Text(3) == "city" && city_name.empty()) city_name = r.Text(2);
  }
  std::vector<EnterprisePlace> places;
  for (const auto& r : rows.rows) {
    if (r.Text(3) != "community" || r.Int(5) <= 0) continue;
    EnterprisePlace p{.area_code = r.Text(0), .area_path = r.Text(4), .population = r.Int(5)};
    p.rural = r.Text(2).ends_with("村");
    // Walk up to the district, collecting names for the address.
    std::vector<std::string> names = {r.Text(2)};
    for (auto it = areas.find(r.Text(1)); it != areas.end(); it = areas.find(it->second.parent)) {
      names.push_back(it->second.name);
      if (it->second.level == "district") p.district_code = it->first, p.district_name = it->second.name;
    }
    for (auto n = names.rbegin(); n != names.rend(); ++n) p.address_prefix += *n;
    if (p.district_code.empty()) continue;  // a community outside any district: not the generator's city
    places.push_back(std::move(p));
  }
  return places;
}

}  // namespace

Result<EnterpriseSummary> GenerateEnterprises(store::Store& store, const EnterpriseOptions& options) {
  EnterpriseSummary summary;
  Status s = store.Tx([&](store::Conn& conn) -> Status {
    TC_ASSIGN_OR_RETURN(auto existing, conn.Query("SELECT COUNT(*) FROM enterprises"));
    if (existing[0].Int(0) > 0) {
      return Conflict("the database already has " + existing[0].Text(0) + " enterprises; gen enterprises runs once");
    }
    std::string city_name;
    TC_ASSIGN_OR_RETURN(auto places, LoadPlaces(conn, city_name));
    if (places.empty()) return NotFound("the database has no communities with residents; run gen city first");
    EnterpriseOptions o = options;
    if (!city_name.empty()) o.city_name = city_name;
    TC_ASSIGN_OR_RETURN(auto firms, SynthesizeEnterprises(places, o));
    std::map<std::string_view, std::string_view> path_of;
    for (const auto& p : places) path_of[p.area_code] = p.area_path;
    TC_ASSIGN_OR_RETURN(auto writer, conn.Bulk("enterprises", {"id",           "uscc",           "name",
                                                               "industry",     "division",       "size",
                                                               "above_scale",  "key_enterprise", "high_tech",
                                                               "specialised",  "district_code",  "area_code",
                                                               "area_path",    "address",        "legal_rep",
                                                               "contact_name", "contact_phone",  "employees",
                                                               "revenue",      "revenue_prev",   "equipment_investment",
                                                               "founded_on",   "status",         "resumption",
                                                               "staff_back",   "created_at",     "updated_at"}));
    for (const auto& e : firms) {
      const char type = e.uscc[1];
      summary.individual += type == '2';
      summary.companies += type == '1';
      summary.coops += type == '3';
      summary.above_scale += e.above_scale;
      summary.key += e.key;
      summary.high_tech += e.high_tech;
      summary.specialised += e.specialised;
      summary.large += e.size == "large";
      summary.medium += e.size == "medium";
      summary.small += e.size == "small";
      summary.micro += e.size == "micro";
      TC_RETURN_IF_ERROR(writer->Add({e.id,
                                      e.uscc,
                                      e.name,
                                      e.industry,
                                      e.division,
                                      e.size,
                                      int64_t{e.above_scale},
                                      int64_t{e.key},
                                      int64_t{e.high_tech},
                                      int64_t{e.specialised},
                                      e.district_code,
                                      e.area_code,
                                      std::string(path_of.at(e.area_code)),
                                      e.address,
                                      e.legal_rep,
                                      e.contact_name,
                                      e.contact_phone,
                                      e.employees,
                                      e.revenue,
                                      e.revenue_prev,
                                      e.equipment_investment,
                                      e.founded_on,
                                      e.status,
                                      std::string("not_filed"),
                                      int64_t{0},
                                      e.created_at,
                                      e.updated_at}));
    }
    TC_ASSIGN_OR_RETURN(summary.enterprises, writer->Finish());
    if (conn.dialect() == store::Dialect::kPostgres) {
      TC_RETURN_IF_ERROR(conn.Query("SELECT setval(pg_get_serial_sequence('enterprises', 'id'), "
                                    "COALESCE((SELECT MAX(id) FROM enterprises), 0) + 1, false)")
                             .status());
    }
    TC_ASSIGN_OR_RETURN(auto city, conn.Query("SELECT path FROM areas WHERE level = 'city' ORDER BY code LIMIT 1"));
    return audit::Append(conn,
                         {.actor = "gen",
                          .action = "gen.enterprises",
                          .target = "enterprises",
                          .area_path = city.empty() ? "/" : city[0].Text(0),
                          .detail = nlohmann::json{{"seed", options.seed},
                                                   {"scale", options.scale},
                                                   {"enterprises", summary.enterprises},
                                                   {"individual", summary.individual},
                                                   {"companies", summary.companies},
                                                   {"coops", summary.coops},
                                                   {"above_scale", summary.above_scale},
                                                   {"key", summary.key}}
                                        .dump()},
                         NowMillis());
  });
  TC_RETURN_IF_ERROR(s);
  return summary;
}

Result<ResumptionSummary> GenerateResumption(store::Store& store, const ResumptionOptions& options) {
  if (options.days < 1 || options.days > 366) return FieldInvalid("days", "must be 1–366");
  int y = 0, m = 0, d = 0;
  if (std::sscanf(options.end_date.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) {
    return FieldInvalid("end_date", "'" + options.end_date + "' is not a date YYYY-MM-DD");
  }
  TC_ASSIGN_OR_RETURN(int64_t end_day, DaysFromCivil(y, m, d));
  ResumptionSummary sum;
  internal::Rng rng(options.seed * 0x9E3779B97F4A7C15ULL + 19);
  TC_RETURN_IF_ERROR(store.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, industry, district_code, size, above_scale, employees FROM "
                                           "enterprises WHERE status = 'active' ORDER BY id"));
    struct Wave {
      int filed_day = -1, open_day = -1;  // index in the window; −1 never
      bool returned = false;
      int64_t back = 0;
    };
    std::vector<Wave> waves(rows.size());
    // Per group and day: enterprises, filed, opened, above scale (open), staff before and back.
    struct Cell {
      int64_t n = 0, filed = 0, opened = 0, above = 0, above_open = 0, before = 0, back = 0;
    };
    std::map<std::pair<std::string, std::string>, std::vector<Cell>> cells;
    auto cell = [&](const std::string& dim, const std::string& key) -> std::vector<Cell>& {
      auto [it, fresh] = cells.try_emplace({dim, key});
      if (fresh) it->second.resize(size_t(options.days));
      return it->second;
    };
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      const std::string industry = r.Text(1);
      const bool above = r.Int(4) != 0;
      // How likely to be back by the end, and how early.
      double share = above ? 0.99 : 0.78;
      if (industry == "H" || industry == "R") share = above ? 0.9 : 0.52;
      if (industry == "C" || industry == "E" || industry == "D") share = above ? 1.0 : 0.86;
      Wave& w = waves[i];
      if (rng.Chance(share)) {
        const double when = above ? rng.Uniform(0, 0.6) : rng.Uniform(0.1, 1.0);
        w.open_day = std::min(options.days - 1, int(when * options.days));
        w.filed_day = std::max(0, w.open_day - int(rng.Uniform(0, 3)));
        w.back = int64_t(double(r.Int(5)) * rng.Uniform(0.55, 1.0) + 0.5);
      } else if (rng.Chance(0.15)) {
        w.filed_day = int(rng.Uniform(0, options.days));  // filed, not open yet
        w.returned = rng.Chance(0.3);
      }
      const std::pair<const char*, std::string> groups[] = {
          {"city", "city"}, {"industry", industry}, {"district", r.Text(2)}, {"size", r.Text(3)}};
      for (const auto& [dim, key] : groups) {
        auto& days = cell(dim, key);
        for (int day = 0; day < options.days; ++day) {
          Cell& x = days[size_t(day)];
          const bool filed = !w.returned && w.filed_day >= 0 && w.filed_day <= day;
          const bool open = w.open_day >= 0 && w.open_day <= day;
          ++x.n;
          x.filed += filed || open;
          x.opened += open;
          x.above += above;
          x.above_open += above && open;
          x.before += r.Int(5);
          // Staff come back over the days after opening.
          x.back += open ? int64_t(double(w.back) * std::min(1.0, 0.5 + 0.1 * (day - w.open_day))) : 0;
        }
      }
    }
    for (size_t i = 0; i < rows.size(); ++i) {
      const Wave& w = waves[i];
      const char* state = w.open_day >= 0 ? "open" : w.returned ? "returned" : w.filed_day >= 0 ? "filed" : "not_filed";
      ++sum.enterprises;
      sum.filed += w.filed_day >= 0 && !w.returned;
      sum.opened += w.open_day >= 0;
      sum.returned += w.returned;
      sum.staff_before += rows[i].Int(5);
      const int64_t back = w.open_day >= 0
                               ? int64_t(double(w.back) * std::min(1.0, 0.5 + 0.1 * (options.days - 1 - w.open_day)))
                               : 0;
      sum.staff_back += back;
      if (w.filed_day < 0 && w.open_day < 0) continue;
      TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprises SET resumption = ?, staff_back = ? WHERE id = ?",
                                {std::string(state), back, rows[i].Int(0)})
                             .status());
    }
    TC_RETURN_IF_ERROR(c.Exec("DELETE FROM enterprise_rate_history").status());
    TC_ASSIGN_OR_RETURN(auto w, c.Bulk("enterprise_rate_history", {"day", "dim", "dim_key", "enterprises", "filed", "opened",
                                                                   "above_scale", "above_scale_open", "staff_before",
                                                                   "staff_back"}));
    for (const auto& [group, days] : cells) {
      for (int day = 0; day < options.days; ++day) {
        int cy = 0, cm = 0, cd = 0;
        CivilFromDays(end_day - (options.days - 1) + day, cy, cm, cd);
        char date[11];
        std::snprintf(date, sizeof date, "%04d-%02d-%02d", cy, cm, cd);
        const Cell& x = days[size_t(day)];
        TC_RETURN_IF_ERROR(w->Add({std::string(date), group.first, group.second, x.n, x.filed, x.opened, x.above,
                                   x.above_open, x.before, x.back}));
      }
    }
    TC_RETURN_IF_ERROR(w->Finish().status());
    return audit::Append(c, {.actor = "gen", .action = "gen.resumption", .target = "enterprises", .area_path = "/",
                             .detail = nlohmann::json{{"days", options.days}, {"end_date", options.end_date},
                                                      {"opened", sum.opened}}.dump()},
                         NowMillis());
  }));
  return sum;
}

}  // namespace tc::gen
