#include "gen/internal/names.h"

#include <vector>

namespace tc::gen::internal {
namespace {

struct WeightedWord {
  std::string_view word;
  double weight;  // per mille of the population, roughly
};

// Common surnames, weighted roughly as in north-east China.
constexpr WeightedWord kSurnames[] = {
    {"王", 71}, {"李", 70}, {"张", 68}, {"刘", 60}, {"陈", 40}, {"杨", 31}, {"黄", 15}, {"赵", 25}, {"吴", 17},
    {"周", 16}, {"徐", 14}, {"孙", 20}, {"马", 15}, {"朱", 11}, {"胡", 11}, {"郭", 12}, {"何", 9},  {"林", 8},
    {"高", 12}, {"罗", 6},  {"郑", 7},  {"梁", 7},  {"谢", 5},  {"宋", 7},  {"唐", 5},  {"许", 5},  {"韩", 8},
    {"冯", 5},  {"邓", 4},  {"曹", 5},  {"彭", 3},  {"曾", 2},  {"肖", 4},  {"田", 5},  {"董", 6},  {"潘", 3},
    {"袁", 3},  {"蔡", 3},  {"蒋", 3},  {"余", 2},  {"于", 12}, {"杜", 4},  {"叶", 2},  {"程", 3},  {"魏", 5},
    {"苏", 3},  {"吕", 4},  {"丁", 3},  {"任", 4},  {"卢", 3},  {"姚", 3},  {"沈", 3},  {"姜", 9},  {"崔", 6},
    {"范", 3},  {"石", 4},  {"金", 5},  {"贾", 4},  {"付", 4},  {"邹", 2},  {"白", 4},  {"孟", 4},  {"秦", 2},
    {"侯", 4},  {"尹", 3},  {"薛", 2},  {"闫", 4},  {"段", 2},  {"史", 3},  {"郝", 3},  {"邵", 2},  {"武", 3},
    {"常", 3},  {"曲", 3},  {"隋", 1},  {"关", 3},  {"佟", 2},  {"那", 1},  {"赫", 1},  {"鲁", 2},  {"尚", 2},
};

constexpr std::string_view kMaleChars[] = {"伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "辉", "刚",
                                           "健", "鹏", "飞", "斌", "宇", "浩", "凯", "俊", "帆", "博", "文", "华",
                                           "建", "国", "志", "峰", "亮", "成", "龙", "海", "东", "林", "春", "平",
                                           "庆", "永", "福", "宏", "晨", "轩", "泽", "睿", "子", "一", "铭", "鑫",
                                           "昊", "然", "德", "利", "忠", "喜", "胜", "武", "锋", "彬", "旭", "阳"};
constexpr std::string_view kFemaleChars[] = {
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "燕", "红", "梅", "莉", "婷", "雪", "琳",
    "晶", "颖", "丹", "萍", "倩", "欣", "悦", "怡", "佳", "思", "雨", "涵", "梓", "诗", "梦", "馨", "彤",
    "琪", "瑶", "慧", "淑", "兰", "凤", "英", "桂", "华", "春", "月", "云", "荣", "珍", "琴", "洁"};

constexpr std::string_view kPlaceFirst[] = {
    "永", "长", "新", "安", "兴", "和", "东", "西", "南", "北", "春", "明", "光", "华", "福", "富", "宁",
    "平", "康", "泰", "吉", "祥", "荣", "盛", "昌", "顺", "景", "清", "鸿", "锦", "绿", "金", "红", "青",
    "文", "德", "胜", "丰", "宏", "瑞", "嘉", "乐", "湖", "松", "柳", "桃", "桂", "曙", "民", "团"};
constexpr std::string_view kPlaceSecond[] = {"吉", "兴", "安", "和", "平", "阳", "春", "华", "山", "河",
                                             "林", "园", "城", "源", "泉", "丰", "盛", "宁", "康", "乐",
                                             "顺", "昌", "泰", "岭", "湖", "桥", "台", "苑", "光", "明",
                                             "德", "福", "荣", "新", "远", "达", "通", "旺", "合", "利"};
constexpr std::string_view kVillageEnd[] = {"屯", "窝堡", "沟", "岗", "店", "营", "甸子", "堡", "房", "铺"};
constexpr std::string_view kNumberWords[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

constexpr WeightedWord kCompoundSuffixes[] = {{"小区", 50}, {"花园", 12}, {"家园", 12}, {"新村", 8},
                                              {"嘉园", 6},  {"雅苑", 6},  {"华府", 3},  {"公寓", 3}};

constexpr std::string_view kCityDepartments[] = {
    "市发展和改革委员会", "市教育局",         "市科学技术局",
    "市工业和信息化局",   "市公安局",         "市民政局",
    "市司法局",           "市财政局",         "市人力资源和社会保障局",
    "市自然资源局",       "市生态环境局",     "市住房和城乡建设局",
    "市城市管理局",       "市交通运输局",     "市水务局",
    "市农业农村局",       "市商务局",         "市文化广播电视和旅游局",
    "市卫生健康委员会",   "市退役军人事务局", "市应急管理局",
    "市审计局",           "市国资委",         "市市场监督管理局",
    "市体育局",           "市统计局",         "市医疗保障局",
    "市林业和园林局",     "市信访局",         "市政务服务和数字化建设管理局",
    "市机关事务管理局",   "市委组织部",       "市委宣传部",
    "市委统战部",         "市委政法委",       "市纪委监委",
    "市总工会",           "团市委",           "市妇联"};
constexpr std::string_view kDistrictDepartments[] = {"委办公室",
                                                     "政府办公室",
                                                     "委组织部",
                                                     "委宣传部",
                                                     "纪委监委",
                                                     "民政局",
                                                     "财政局",
                                                     "教育局",
                                                     "卫生健康局",
                                                     "住房和城乡建设局",
                                                     "城市管理局",
                                                     "市场监督管理局",
                                                     "人力资源和社会保障局",
                                                     "应急管理局",
                                                     "司法局",
                                                     "农业农村局",
                                                     "商务局",
                                                     "文化广播电视和旅游局",
                                                     "统计局",
                                                     "审计局",
                                                     "退役军人事务局",
                                                     "医疗保障局"};

const Discrete& SurnameDistribution() {
  static const Discrete d = [] {
    std::vector<double> w;
    for (const auto& s : kSurnames) w.push_back(s.weight);
    return Discrete(w);
  }();
  return d;
}

template <typename T, size_t N>
const T& Pick(Rng& rng, const T (&items)[N]) {
  return items[rng.Below(N)];
}

// Draws with `draw` until the result is not in `used` (a few tries), then records it.
template <typename F>
std::string Distinct(std::set<std::string>& used, F draw) {
  std::string word;
  for (int attempt = 0; attempt < 30; ++attempt) {
    word = draw();
    if (!used.contains(word)) break;
  }
  used.insert(word);
  return word;
}

}  // namespace

std::string_view Surname(Rng& rng) { return kSurnames[SurnameDistribution().Sample(rng)].word; }

std::string GivenName(Rng& rng, bool male) {
  std::string out;
  const int chars = rng.Chance(0.3) ? 1 : 2;
  for (int i = 0; i < chars; ++i) out += male ? Pick(rng, kMaleChars) : Pick(rng, kFemaleChars);
  return out;
}

std::string PersonName(Rng& rng, bool male) {
  std::string out(Surname(rng));
  out += GivenName(rng, male);
  return out;
}

std::string PlaceWord(Rng& rng, std::set<std::string>& used) {
  return Distinct(used, [&] { return std::string(Pick(rng, kPlaceFirst)) + std::string(Pick(rng, kPlaceSecond)); });
}

std::string VillageWord(Rng& rng, std::set<std::string>& used) {
  return Distinct(used, [&] {
    const uint64_t kind = rng.Below(10);
    if (kind < 5) return std::string(Surname(rng)) + "家" + std::string(Pick(rng, kVillageEnd));
    if (kind < 7) return std::string(Pick(rng, kNumberWords)) + std::string(Pick(rng, kPlaceSecond));
    return std::string(Pick(rng, kPlaceFirst)) + std::string(Pick(rng, kPlaceSecond));
  });
}

std::string_view CompoundSuffix(Rng& rng) {
  static const Discrete d = [] {
    std::vector<double> w;
    for (const auto& s : kCompoundSuffixes) w.push_back(s.weight);
    return Discrete(w);
  }();
  return kCompoundSuffixes[d.Sample(rng)].word;
}

std::string CityDepartment(Rng& rng) { return std::string(Pick(rng, kCityDepartments)); }

std::string DistrictDepartment(Rng& rng, std::string_view district_name) {
  return std::string(district_name) + std::string(Pick(rng, kDistrictDepartments));
}

}  // namespace tc::gen::internal
