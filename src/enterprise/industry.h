// Industries and enterprise sizes as Chinese statistics define them. Pure functions
// over constant tables; thread-safe.
//
// Industries: GB/T 4754-2017 国民经济行业分类, its 20 sections (门类, A–T) and 97
// divisions (大类, two-digit 01–97), each division with its name and section.
//
// Sizes: 统计上大中小微型企业划分办法(2017) (国统字〔2017〕213号). Per industry, the
// lower bounds an enterprise must reach for large / medium / small (employees 从业人员 X
// in persons, operating revenue 营业收入 Y and total assets 资产总额 Z in 万元):
//
//   industry (divisions)               indicator  large     medium   small
//   农林牧渔业 (A 01–05)                 Y          20000     500      50
//   工业 (B, C, D 06–46)                 X          1000      300      20
//                                        Y          40000     2000     300
//   建筑业 (E 47–50)                     Y          80000     6000     300
//                                        Z          80000     5000     300
//   批发业 (51)                          X          200       20       5
//                                        Y          40000     5000     1000
//   零售业 (52)                          X          300       50       10
//                                        Y          20000     500      100
//   交通运输业 (54–56, 58; not railways) X          1000      300      20
//                                        Y          30000     3000     200
//   仓储业 (59)                          X          200       100      20
//                                        Y          30000     1000     100
//   邮政业 (60)                          X          1000      300      20
//                                        Y          30000     2000     100
//   住宿业 (61), 餐饮业 (62)             X          300       100      10
//                                        Y          10000     2000     100
//   信息传输业 (63, 64)                  X          2000      100      10
//                                        Y          100000    1000     100
//   软件和信息技术服务业 (65)            X          300       100      10
//                                        Y          10000     1000     50
//   房地产开发经营 (70)                  Y          200000    1000     100
//                                        Z          10000     5000     2000
//   租赁和商务服务业 (L 71–72)           X          300       100      10
//                                        Z          120000    8000     100
//   其他未列明行业 (the rest)            X          300       100      10
//
// A large, medium or small enterprise must reach every listed lower bound of its
// class, else it falls a class (大型、中型和小型企业须分别满足所列指标的下限，否则下
// 划一档); what reaches no small bound is micro. Division 70 is read as 房地产开发经营
// (物业管理 702 has other bounds but needs the four-digit class); railways (53) and
// pipelines (57) fall to 其他未列明行业.
//
// Above scale (规模以上 / 限额以上, the National Bureau of Statistics' survey
// thresholds on annual main-business or operating revenue, 万元; the services ones as
// revised by 国统字〔2019〕101号, revenue only):
//   industry B, C, D ≥ 2000 (规模以上工业); wholesale 51 ≥ 2000, retail 52 ≥ 500,
//   accommodation 61 and catering 62 ≥ 200 (限额以上批零住餐);
//   construction E: holds a construction qualification (有资质的建筑业企业), any revenue;
//   services ≥ 2000: G (transport, storage, post), I (information, software), N (water,
//   environment, public facilities), 84 (health);
//   services ≥ 1000: L (leasing, business services), M (research, technical services),
//   P (education), 70 (property management, agency, leasing — development itself is
//   counted whenever it develops, which the revenue stands in for here);
//   services ≥ 500: O (resident services, repair), R (culture, sports, entertainment),
//   85 (social work).
//   A (agriculture), J (finance), S and T have no such threshold: never above scale.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tc::enterprise {

struct IndustrySection {
  char letter;                        // 'C'
  std::string_view name;              // 制造业
  int first_division, last_division;  // 13, 43
};

struct IndustryDivision {
  int code;               // 36
  std::string_view name;  // 汽车制造业
  char section;           // 'C'
};

// A–T in order.
const std::vector<IndustrySection>& IndustrySections();
// 01–97 in order (97 divisions: the codes are contiguous).
const std::vector<IndustryDivision>& IndustryDivisions();

// The section of a two-digit division code ("36" → 'C'); InvalidArgument naming
// `field` unless the text is two digits of a GB/T 4754-2017 division.
Result<char> SectionOfDivision(std::string_view division, std::string_view field = "division");
// nullptr unless `letter` is A–T.
const IndustrySection* FindSection(char letter);
// nullptr unless `division` is a GB/T 4754-2017 division ("01" … "97").
const IndustryDivision* FindDivision(std::string_view division);

// Validates an industry as a record states it: `section` one letter A–T and
// `division` one of its divisions (both required). InvalidArgument naming
// `<prefix>industry` or `<prefix>division` ("rows[3].division") otherwise.
Status ValidateIndustry(std::string_view section, std::string_view division, std::string_view prefix = "");

enum class SizeClass { kLarge, kMedium, kSmall, kMicro };
// "large" | "medium" | "small" | "micro", as Enterprise::size stores it.
std::string_view SizeName(SizeClass size);
// The inverse; nullopt for any other text.
std::optional<SizeClass> ParseSizeName(std::string_view name);

// The size class of an enterprise by the table above, from its division's industry,
// employees, operating revenue (万元) and, where the industry uses it, total assets
// (万元; when not known, the class rests on the other indicators alone).
// InvalidArgument when `division` is not a division or a figure is negative.
Result<SizeClass> ClassifySize(std::string_view division, int64_t employees, double revenue,
                               std::optional<double> assets = std::nullopt);

// Whether an enterprise is above scale (规上) by the thresholds above, from its division,
// annual revenue (万元) and, for construction, whether it holds a qualification.
// InvalidArgument when `division` is not a division.
Result<bool> IsAboveScale(std::string_view division, double annual_revenue, bool construction_qualified = false);

}  // namespace tc::enterprise
