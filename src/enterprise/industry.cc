#include "enterprise/industry.h"

#include <string>

namespace tc::enterprise {
namespace {

const std::vector<IndustrySection> kSections = {
    {'A', "农、林、牧、渔业", 1, 5},
    {'B', "采矿业", 6, 12},
    {'C', "制造业", 13, 43},
    {'D', "电力、热力、燃气及水生产和供应业", 44, 46},
    {'E', "建筑业", 47, 50},
    {'F', "批发和零售业", 51, 52},
    {'G', "交通运输、仓储和邮政业", 53, 60},
    {'H', "住宿和餐饮业", 61, 62},
    {'I', "信息传输、软件和信息技术服务业", 63, 65},
    {'J', "金融业", 66, 69},
    {'K', "房地产业", 70, 70},
    {'L', "租赁和商务服务业", 71, 72},
    {'M', "科学研究和技术服务业", 73, 75},
    {'N', "水利、环境和公共设施管理业", 76, 79},
    {'O', "居民服务、修理和其他服务业", 80, 82},
    {'P', "教育", 83, 83},
    {'Q', "卫生和社会工作", 84, 85},
    {'R', "文化、体育和娱乐业", 86, 90},
    {'S', "公共管理、社会保障和社会组织", 91, 96},
    {'T', "国际组织", 97, 97},
};

// Division names of GB/T 4754-2017, 01–97.
constexpr std::string_view kDivisionNames[] = {
    "农业",
    "林业",
    "畜牧业",
    "渔业",
    "农、林、牧、渔专业及辅助性活动",
    "煤炭开采和洗选业",
    "石油和天然气开采业",
    "黑色金属矿采选业",
    "有色金属矿采选业",
    "非金属矿采选业",
    "开采专业及辅助性活动",
    "其他采矿业",
    "农副食品加工业",
    "食品制造业",
    "酒、饮料和精制茶制造业",
    "烟草制品业",
    "纺织业",
    "纺织服装、服饰业",
    "皮革、毛皮、羽毛及其制品和制鞋业",
    "木材加工和木、竹、藤、棕、草制品业",
    "家具制造业",
    "造纸和纸制品业",
    "印刷和记录媒介复制业",
    "文教、工美、体育和娱乐用品制造业",
    "石油、煤炭及其他燃料加工业",
    "化学原料和化学制品制造业",
    "医药制造业",
    "化学纤维制造业",
    "橡胶和塑料制品业",
    "非金属矿物制品业",
    "黑色金属冶炼和压延加工业",
    "有色金属冶炼和压延加工业",
    "金属制品业",
    "通用设备制造业",
    "专用设备制造业",
    "汽车制造业",
    "铁路、船舶、航空航天和其他运输设备制造业",
    "电气机械和器材制造业",
    "计算机、通信和其他电子设备制造业",
    "仪器仪表制造业",
    "其他制造业",
    "废弃资源综合利用业",
    "金属制品、机械和设备修理业",
    "电力、热力生产和供应业",
    "燃气生产和供应业",
    "水的生产和供应业",
    "房屋建筑业",
    "土木工程建筑业",
    "建筑安装业",
    "建筑装饰、装修和其他建筑业",
    "批发业",
    "零售业",
    "铁路运输业",
    "道路运输业",
    "水上运输业",
    "航空运输业",
    "管道运输业",
    "多式联运和运输代理业",
    "装卸搬运和仓储业",
    "邮政业",
    "住宿业",
    "餐饮业",
    "电信、广播电视和卫星传输服务",
    "互联网和相关服务",
    "软件和信息技术服务业",
    "货币金融服务",
    "资本市场服务",
    "保险业",
    "其他金融业",
    "房地产业",
    "租赁业",
    "商务服务业",
    "研究和试验发展",
    "专业技术服务业",
    "科技推广和应用服务业",
    "水利管理业",
    "生态保护和环境治理业",
    "公共设施管理业",
    "土地管理业",
    "居民服务业",
    "机动车、电子产品和日用产品修理业",
    "其他服务业",
    "教育",
    "卫生",
    "社会工作",
    "新闻和出版业",
    "广播、电视、电影和录音制作业",
    "文化艺术业",
    "体育",
    "娱乐业",
    "中国共产党机关",
    "国家机构",
    "人民政协、民主党派",
    "社会保障",
    "群众团体、社会团体和其他成员组织",
    "基层群众自治组织及其他组织",
    "国际组织",
};
static_assert(std::size(kDivisionNames) == 97);

std::vector<IndustryDivision> BuildDivisions() {
  std::vector<IndustryDivision> out;
  for (const auto& s : kSections) {
    for (int d = s.first_division; d <= s.last_division; ++d) {
      out.push_back({d, kDivisionNames[d - 1], s.letter});
    }
  }
  return out;
}

// Lower bounds of large, medium and small for one indicator; an industry without the
// indicator has none.
struct Bounds {
  double large, medium, small;
};
struct SizeRule {
  std::optional<Bounds> employees, revenue, assets;
};

SizeRule SizeRuleOf(int division, char section) {
  if (section == 'A') return {.revenue = Bounds{20000, 500, 50}};
  if (section == 'B' || section == 'C' || section == 'D') {
    return {.employees = Bounds{1000, 300, 20}, .revenue = Bounds{40000, 2000, 300}};
  }
  if (section == 'E') return {.revenue = Bounds{80000, 6000, 300}, .assets = Bounds{80000, 5000, 300}};
  switch (division) {
    case 51:
      return {.employees = Bounds{200, 20, 5}, .revenue = Bounds{40000, 5000, 1000}};
    case 52:
      return {.employees = Bounds{300, 50, 10}, .revenue = Bounds{20000, 500, 100}};
    case 54:
    case 55:
    case 56:
    case 58:
      return {.employees = Bounds{1000, 300, 20}, .revenue = Bounds{30000, 3000, 200}};
    case 59:
      return {.employees = Bounds{200, 100, 20}, .revenue = Bounds{30000, 1000, 100}};
    case 60:
      return {.employees = Bounds{1000, 300, 20}, .revenue = Bounds{30000, 2000, 100}};
    case 61:
    case 62:
      return {.employees = Bounds{300, 100, 10}, .revenue = Bounds{10000, 2000, 100}};
    case 63:
    case 64:
      return {.employees = Bounds{2000, 100, 10}, .revenue = Bounds{100000, 1000, 100}};
    case 65:
      return {.employees = Bounds{300, 100, 10}, .revenue = Bounds{10000, 1000, 50}};
    case 70:
      return {.revenue = Bounds{200000, 1000, 100}, .assets = Bounds{10000, 5000, 2000}};
    case 71:
    case 72:
      return {.employees = Bounds{300, 100, 10}, .assets = Bounds{120000, 8000, 100}};
    default:
      return {.employees = Bounds{300, 100, 10}};
  }
}

// Whether `value` reaches the bound of class `c` (0 large, 1 medium, 2 small); an
// indicator the industry does not use, or a value not known, does not hold it back.
bool Reaches(const std::optional<Bounds>& b, std::optional<double> value, int c) {
  if (!b || !value) return true;
  const double bound = c == 0 ? b->large : c == 1 ? b->medium : b->small;
  return *value >= bound;
}

}  // namespace

const std::vector<IndustrySection>& IndustrySections() { return kSections; }

const std::vector<IndustryDivision>& IndustryDivisions() {
  static const std::vector<IndustryDivision> divisions = BuildDivisions();
  return divisions;
}

const IndustrySection* FindSection(char letter) {
  if (letter < 'A' || letter > 'T') return nullptr;
  return &kSections[static_cast<size_t>(letter - 'A')];
}

const IndustryDivision* FindDivision(std::string_view division) {
  if (division.size() != 2 || division[0] < '0' || division[0] > '9' || division[1] < '0' || division[1] > '9') {
    return nullptr;
  }
  const int code = (division[0] - '0') * 10 + (division[1] - '0');
  if (code < 1 || code > 97) return nullptr;
  return &IndustryDivisions()[static_cast<size_t>(code - 1)];
}

Result<char> SectionOfDivision(std::string_view division, std::string_view field) {
  const IndustryDivision* d = FindDivision(division);
  if (d == nullptr) {
    return FieldInvalid(std::string(field),
                        "'" + std::string(division) + "' is not a GB/T 4754-2017 division (two digits, 01-97)");
  }
  return d->section;
}

Status ValidateIndustry(std::string_view section, std::string_view division, std::string_view prefix) {
  const std::string p(prefix);
  if (section.size() != 1 || FindSection(section[0]) == nullptr) {
    return FieldInvalid(p + "industry",
                        "'" + std::string(section) + "' is not a GB/T 4754-2017 section (one letter, A-T)");
  }
  TC_ASSIGN_OR_RETURN(const char actual, SectionOfDivision(division, p + "division"));
  if (actual != section[0]) {
    const IndustrySection* s = FindSection(actual);
    return FieldInvalid(p + "division", "division " + std::string(division) + " (" +
                                            std::string(FindDivision(division)->name) + ") belongs to section " +
                                            actual + " (" + std::string(s->name) + "), not " + std::string(section));
  }
  return Status::Ok();
}

std::string_view SizeName(SizeClass size) {
  switch (size) {
    case SizeClass::kLarge:
      return "large";
    case SizeClass::kMedium:
      return "medium";
    case SizeClass::kSmall:
      return "small";
    case SizeClass::kMicro:
      return "micro";
  }
  return "micro";
}

std::optional<SizeClass> ParseSizeName(std::string_view name) {
  if (name == "large") return SizeClass::kLarge;
  if (name == "medium") return SizeClass::kMedium;
  if (name == "small") return SizeClass::kSmall;
  if (name == "micro") return SizeClass::kMicro;
  return std::nullopt;
}

Result<SizeClass> ClassifySize(std::string_view division, int64_t employees, double revenue,
                               std::optional<double> assets) {
  TC_ASSIGN_OR_RETURN(const char section, SectionOfDivision(division));
  if (employees < 0) return FieldInvalid("employees", "must not be negative");
  if (!(revenue >= 0)) return FieldInvalid("revenue", "must be a number not below 0");
  if (assets && !(*assets >= 0)) return FieldInvalid("assets", "must be a number not below 0");
  const SizeRule rule = SizeRuleOf(FindDivision(division)->code, section);
  for (int c = 0; c < 3; ++c) {
    if (Reaches(rule.employees, static_cast<double>(employees), c) && Reaches(rule.revenue, revenue, c) &&
        Reaches(rule.assets, assets, c)) {
      return static_cast<SizeClass>(c);
    }
  }
  return SizeClass::kMicro;
}

Result<bool> IsAboveScale(std::string_view division, double annual_revenue, bool construction_qualified) {
  TC_ASSIGN_OR_RETURN(const char section, SectionOfDivision(division));
  const int d = FindDivision(division)->code;
  double threshold = -1;  // < 0: no threshold
  switch (section) {
    case 'B':
    case 'C':
    case 'D':
      threshold = 2000;
      break;
    case 'E':
      return construction_qualified;
    case 'F':
      threshold = d == 51 ? 2000 : 500;
      break;
    case 'H':
      threshold = 200;
      break;
    case 'G':
    case 'I':
    case 'N':
      threshold = 2000;
      break;
    case 'Q':
      threshold = d == 84 ? 2000 : 500;
      break;
    case 'K':
    case 'L':
    case 'M':
    case 'P':
      threshold = 1000;
      break;
    case 'O':
    case 'R':
      threshold = 500;
      break;
    default:
      break;  // A, J, S, T
  }
  return threshold >= 0 && annual_revenue >= threshold;
}

}  // namespace tc::enterprise
