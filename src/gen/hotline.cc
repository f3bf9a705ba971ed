#include "gen/hotline.h"

#include <opencc/SimpleConverter.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <future>
#include <memory>
#include <random>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "audit/audit.h"
#include "base/time.h"
#include "gen/internal/names.h"
#include "gen/internal/rng.h"
#include "hotline/address_noise.h"
#include "hotline/corpus.h"
#include "hotline/hotline.h"
#include "hotline/text.h"
#include "hotline/workflow.h"
#include "registry/areas.h"
#include "registry/lookup.h"
#include "tracing/cases.h"
#include "tracing/service.h"

#ifndef TC_OPENCC_DATA_DIR
#define TC_OPENCC_DATA_DIR "/usr/share/opencc"
#endif

namespace tc::gen {
namespace {

using hotline::Action;
using hotline::ActionKind;
using hotline::RequestState;
using hotline::State;
using internal::Rng;

constexpr Millis kMinuteMs = 60'000, kHourMs = 60 * kMinuteMs, kDayMs = 24 * kHourMs;

// ---- the shape of the traffic ----

// Relative volume by weekday (0 = Sunday): more on Mondays, less at weekends; mean 1.
constexpr std::array<double, 7> kWeekday = {0.88, 1.18, 1.06, 1.02, 1.00, 0.98, 0.88};
// Relative volume by hour of the day: peaks 9–11 and 14–16, few at night.
constexpr std::array<double, 24> kHourly = {0.6, 0.4, 0.3, 0.25, 0.3, 0.5, 1.2, 2.8, 5.2, 7.6, 7.8, 6.2,
                                            4.2, 5.0, 6.9, 7.1, 6.0, 4.8, 3.6, 3.3, 3.0, 2.4, 1.6, 1.0};
constexpr double kDayJitter = 0.03;  // a day's volume varies ± this share

// Peacetime share of each leaf (per cent before the season's factors); epidemic
// leaves keep a small baseline (health-code and testing questions never stop).
struct LeafMix {
  const char* code;
  double share;
};
constexpr LeafMix kBaseMix[] = {
    {"property", 14},         {"utilities.water", 6},     {"utilities.power", 3},  {"utilities.gas", 2},
    {"heating", 0},           {"traffic", 8},             {"wages", 5},            {"housing", 7},
    {"education", 4},         {"market.prices", 2},       {"market.food_safety", 3}, {"market.consumer", 7},
    {"environment.noise", 7}, {"environment.pollution", 3}, {"environment.sanitation", 5}, {"enterprise", 4},
    {"social_security", 6},   {"other", 8},               {"epidemic.testing", 0.3}, {"epidemic.quarantine", 0.2},
    {"epidemic.health_code", 0.5}, {"epidemic.supplies", 0.2}, {"epidemic.medical", 0.4},
};
// How an epidemic wave's extra requests split over the epidemic leaves.
constexpr LeafMix kWaveMix[] = {{"epidemic.testing", 30},
                                {"epidemic.quarantine", 25},
                                {"epidemic.supplies", 20},
                                {"epidemic.health_code", 15},
                                {"epidemic.medical", 10}};
constexpr int kWaveDays = 15;  // a case's day and the 14 after

// The season's factor for a leaf in a month (1–12) on a day of the month: heating in
// Changchun's heating season (15 October – 15 April), water and noise in summer,
// schools at enrolment, wages before the Spring Festival, snow in winter.
double SeasonFactor(std::string_view leaf, int month, int day) {
  if (leaf == "heating") {
    const bool season = month >= 11 || month <= 3 || (month == 10 && day >= 15) || (month == 4 && day <= 15);
    if (!season) return 0.5;  // repairs and fees out of season (share points)
    if (month == 10 || month == 11) return 16;  // the start: radiators not warm yet
    if (month == 12 || month <= 2) return 12;
    return 8;
  }
  const bool summer = month >= 6 && month <= 8;
  if (leaf == "utilities.water" || leaf == "market.food_safety") return summer ? 1.3 : 1;
  if (leaf == "environment.noise") return month >= 5 && month <= 9 ? 1.4 : 0.9;
  if (leaf == "education") return month == 8 || month == 9 ? 1.6 : 1;
  if (leaf == "wages") return month == 12 || month == 1 ? 1.6 : 1;
  if (leaf == "traffic") return month == 12 || month <= 2 ? 1.2 : 1;
  if (leaf == "environment.sanitation") return month == 3 || month == 4 ? 1.2 : 1;
  return 1;
}

// ---- texts ----

const std::string kPrefixes[] = {"您好，", "你好，", "喂，你好，", "我想反映个问题，", "我想反映一下，",
                                     "市民来电称，", "来电人反映，", "麻烦问一下，", "打扰了，", "我要投诉，",
                                     "你好我想问问，", "市民反映："};
const std::string kTimes[] = {"昨天晚上", "今天早上", "从上周开始", "这几天", "最近一个月", "前天下午",
                                  "今天一早", "这两天", "上个星期", "从月初开始"};
const std::string kEndings[] = {"希望尽快处理。", "请帮忙协调一下。", "谢谢！", "麻烦尽快给个答复。",
                                    "请相关部门管一管。", "盼回复。"};
constexpr std::string_view kChineseDigits[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九"};
constexpr std::string_view kMeasures[] = {"号", "栋", "单元", "度", "层", "户", "楼"};

bool StartsWithAny(std::string_view s, std::initializer_list<std::string_view> heads) {
  for (auto h : heads) {
    if (s.starts_with(h)) return true;
  }
  return false;
}

// Numbers changed as another caller would give them: runs of ASCII digits (not clock
// times or years) get another number of the same length, a Chinese digit before a
// measure word (三号楼, 五层) another digit.
std::string ChangeNumbers(std::string_view in, Rng& rng) {
  std::string out;
  out.reserve(in.size() + 8);
  for (size_t i = 0; i < in.size();) {
    const char c = in[i];
    if (c >= '0' && c <= '9') {
      size_t j = i;
      while (j < in.size() && in[j] >= '0' && in[j] <= '9') ++j;
      const std::string_view run = in.substr(i, j - i);
      const bool clock = (i > 0 && in[i - 1] == ':') || (j < in.size() && in[j] == ':');
      const bool year = run.size() == 4 && run.starts_with("20");
      if (clock || year || run.size() > 6 || !rng.Chance(0.7)) {
        out += run;
      } else {
        for (size_t k = 0; k < run.size(); ++k) {
          out += static_cast<char>('0' + (k == 0 && run.size() > 1 ? rng.Range(1, 9) : rng.Range(0, 9)));
        }
      }
      i = j;
      continue;
    }
    // The Chinese digits 一…九 all start with 0xE4 or 0xE5.
    const auto lead = static_cast<unsigned char>(c);
    if (lead != 0xE4 && lead != 0xE5) {
      out += c;
      ++i;
      continue;
    }
    bool replaced = false;
    for (auto d : kChineseDigits) {
      if (!in.substr(i).starts_with(d)) continue;
      const std::string_view rest = in.substr(i + d.size());
      const bool numeral_before = i >= 3 && (in.substr(i - 3, 3) == "十" || in.substr(i - 3, 3) == "百" ||
                                             std::find(std::begin(kChineseDigits), std::end(kChineseDigits),
                                                       in.substr(i - 3, 3)) != std::end(kChineseDigits));
      bool measure = false;
      for (auto m : kMeasures) measure = measure || rest.starts_with(m);
      if (measure && !numeral_before && rng.Chance(0.6)) {
        out += kChineseDigits[rng.Below(std::size(kChineseDigits))];
        i += d.size();
        replaced = true;
      }
      break;
    }
    if (replaced) continue;
    out += c;
    ++i;
  }
  return out;
}

std::string FullWidthDigits(std::string_view in) {
  std::string out;
  out.reserve(in.size() * 2);
  for (char c : in) {
    if (c >= '0' && c <= '9') {
      out += "\xEF\xBC";
      out += static_cast<char>(0x90 + (c - '0'));  // U+FF10..U+FF19
    } else {
      out += c;
    }
  }
  return out;
}

// Simplified → traditional, as a caller's phone set to traditional characters sends
// it (OpenCC s2t), loaded on first use.
const opencc::SimpleConverter& Traditionalizer() {
  static const opencc::SimpleConverter converter(TC_OPENCC_DATA_DIR "/s2t.json");
  return converter;
}

// Simplified → traditional for the texts a phone set to traditional characters sends:
// each phrase and corpus line converted once (OpenCC takes ~50 µs a text). One thread.
class Traditional {
 public:
  const std::string& Of(const std::string& simplified) {
    auto [it, added] = cache_.try_emplace(simplified);
    if (added) it->second = Traditionalizer().Convert(simplified);
    return it->second;
  }

 private:
  std::unordered_map<std::string, std::string> cache_;
};

// A corpus text as one caller says it this time, before the intake's normalisation.
std::string VaryText(const std::string& base, Rng& rng, const std::string& place, Traditional& traditional) {
  const bool trad = rng.Chance(0.03);  // a phone set to traditional
  const auto part = [&](const std::string& s) -> const std::string& { return trad ? traditional.Of(s) : s; };
  std::string text;
  text.reserve(base.size() + 96);
  const bool reported = StartsWithAny(base, {"市民", "来电", "网友", "您好", "你好"});
  if (!reported && rng.Chance(0.45)) text += part(kPrefixes[rng.Below(std::size(kPrefixes))]);
  if (!place.empty() && rng.Chance(0.15)) text += part("我家在" + place + "，");
  if (!reported && rng.Chance(0.3)) text += part(kTimes[rng.Below(std::size(kTimes))]);
  text += rng.Chance(0.6) ? ChangeNumbers(part(base), rng) : part(base);
  if (rng.Chance(0.25)) {
    if (!text.ends_with("。") && !text.ends_with("！") && !text.ends_with("？")) text += "，";
    text += part(kEndings[rng.Below(std::size(kEndings))]);
  }
  if (rng.Chance(0.08)) text = FullWidthDigits(text);  // an input method's full-width digits
  if (rng.Chance(0.05)) text = "  " + text + "\n";     // pasted with stray whitespace
  return text;
}

// ---- the handling ----

// Resolution notes by top-level category (a department's usual answers), and the
// rest of the workflow's notes.
const std::vector<std::string>& ResolutionNotes(std::string_view top) {
  static const std::unordered_map<std::string, std::vector<std::string>> kNotes = {
      {"heating", {"已联系供热公司上门测温并放气，室温恢复至20度以上。", "已督促热源单位提高供水温度，回访室温达标。"}},
      {"utilities", {"已安排抢修人员到场处理，现已恢复正常。", "经核实为计划检修，已向来电人说明恢复时间。"}},
      {"property", {"已约谈物业公司，责令限期整改。", "已协调物业上门处理，来电人认可。"}},
      {"epidemic", {"已协调社区防控组对接处理，并向来电人解释相关政策。", "已联系属地社区落实，相关问题已解决。"}},
      {"market", {"已派执法人员现场检查，依法责令商户整改。", "经调解商家同意退款，来电人认可。"}},
      {"environment", {"已派人员现场核查并依法处置。", "已协调属地街道清理完毕。"}},
      {"wages", {"劳动保障监察已介入，用人单位已补发工资。", "已告知来电人申请劳动仲裁的途径和材料。"}},
      {"traffic", {"已转交通运输执法部门调查处理。", "已向来电人解释线路调整原因，并反馈其诉求。"}},
  };
  static const std::vector<std::string> kGeneric = {"已联系来电人并按政策解释说明。", "已协调相关单位办理完毕。",
                                                    "已现场核实并处理，来电人表示认可。"};
  auto it = kNotes.find(std::string(top));
  return it == kNotes.end() ? kGeneric : it->second;
}
constexpr const char* kReturnReasons[] = {"地址不详，无法联系来电人核实", "诉求内容不清，请补充后重新派单"};
constexpr const char* kReassignReasons[] = {"经核实不属于原承办单位职责", "诉求涉及多部门，改由主责单位办理"};
constexpr const char* kCallbackFailedNotes[] = {"回访电话无人接听", "来电人关机", "来电人表示不方便接听"};

// A department's quality in [-1, 1] (fixed for a seed): better ones answer on time
// more often, solve more and please more, so rankings are not ties.
struct Quality {
  double on_time, handle_on_time, callback_fail, low, middle;  // low: satisfaction 1–2, middle: 3
};
Quality QualityOf(uint64_t seed, const std::string& department) {
  Rng rng(internal::SubSeed(seed, "hotline-department:" + department));
  const double q = rng.Uniform(-1, 1);
  return {0.97 + 0.02 * q, 0.94 + 0.04 * q, 0.06 - 0.02 * q, 0.06 - 0.025 * q, 0.06 - 0.02 * q};
}

int DrawSatisfaction(const Quality& q, Rng& rng, bool reopened) {
  const double low = reopened ? q.low * 0.5 : q.low, middle = reopened ? q.middle * 0.8 : q.middle;
  const double x = rng.Unit();
  if (x < low * 0.4) return 1;
  if (x < low) return 2;
  if (x < low + middle) return 3;
  if (x < low + middle + 0.22) return 4;
  return 5;
}
bool DrawSolved(int satisfaction, Rng& rng) {
  constexpr double kSolved[] = {0, 0.15, 0.35, 0.75, 0.97, 0.995};
  return rng.Chance(kSolved[satisfaction]);
}

// One request as generated, with its log.
struct GenRow {
  int64_t id = 0;
  std::string channel, caller_name, phone, enterprise, text, address_text, attachments;
  std::string area_code, area_path, community_code, address_notes, category, suggestions;
  double confidence = 0;
  bool overridden = false, wartime = false;
  RequestState s;
  std::string resolution, callback_note, token;
  Millis updated_at = 0;  // the last change (a step or a sweep), as the service stamps it
  size_t base = 0;  // index of its corpus text in the leaf's list
  size_t log_begin = 0, log_end = 0;  // its lifecycle's log rows in the day's list
};
struct LogRow {
  int64_t request_id = 0;
  Millis at = 0;
  std::string actor, action, from, to, department, note;
};
struct Day {
  std::string date;
  std::vector<GenRow> rows;
  std::vector<LogRow> log;
};

// The phone calls and web forms of one request's life, applied through the workflow
// (Apply, with the sweeper's Sweep at every reminder and deadline in between) until
// `as_of`: what the service would have stored by then.
class Lifecycle {
 public:
  Lifecycle(GenRow& row, std::vector<LogRow>* log, const hotline::HotlineRules& rules, Millis as_of)
      : row_(row), log_(log), rules_(rules), as_of_(as_of) {}

  // Sweeps up to `t` and applies `a` at `t`; false (nothing applied) when `t` is not
  // before as_of: the rest of the request's life has not happened yet.
  bool Act(const Action& a, Millis t) {
    if (t >= as_of_) return false;
    SweepUntil(t);
    const State from = row_.s.status;
    Status applied = hotline::Apply(row_.s, a, rules_, t);
    if (!applied.ok()) {
      error_ = applied;
      return false;
    }
    row_.updated_at = t;
    if (a.kind == ActionKind::kResolve) row_.resolution = a.note;
    if (a.kind == ActionKind::kCallback || a.kind == ActionKind::kCallbackFailed) row_.callback_note = a.note;
    std::string note = a.note;
    if (a.kind == ActionKind::kCallback) {
      note = "satisfaction " + std::to_string(a.satisfaction) + (a.solved == 1 ? ", solved" : ", not solved") +
             (a.note.empty() ? "" : ": " + a.note);
    }
    const bool centre = a.kind == ActionKind::kDispatch || a.kind == ActionKind::kReassign ||
                        a.kind == ActionKind::kCallback || a.kind == ActionKind::kCallbackFailed;
    Log(t, centre ? "gen:centre" : "gen:" + row_.s.department, hotline::ActionName(a.kind), from, row_.s.status, note);
    last_ = t;
    return true;
  }

  // What the per-minute sweeper would have done up to and including `t`.
  void SweepUntil(Millis t) {
    while (row_.s.next_due > 0 && row_.s.next_due <= t) {
      const Millis due = row_.s.next_due;
      const hotline::SweepResult r = hotline::Sweep(row_.s, rules_, due);
      row_.updated_at = due;
      if (r.reminded) Log(due, "system", "remind", row_.s.status, row_.s.status, "deadline near: " + Flags(r.reminded));
      if (r.overdue || r.escalated) {
        Log(due, "system", "escalate", row_.s.status, row_.s.status,
            "escalation level " + std::to_string(row_.s.escalation) +
                (r.overdue ? "; deadline missed: " + Flags(r.overdue) : ""));
      }
      if (row_.s.next_due == due) break;  // never loops on one instant
    }
  }

  void Log(Millis at, std::string actor, std::string_view action, State from, State to, std::string note) {
    if (!log_) return;
    log_->push_back({row_.id, at, std::move(actor), std::string(action), std::string(hotline::StateName(from)),
                     std::string(hotline::StateName(to)), row_.s.department, std::move(note)});
  }

  Millis last() const { return last_; }
  const Status& error() const { return error_; }

 private:
  static std::string Flags(int flags) {
    std::string n;
    if (flags & hotline::kRespondFlag) n += "respond ";
    if (flags & hotline::kHandleFlag) n += "handle ";
    if (flags & hotline::kCallbackFlag) n += "callback ";
    if (!n.empty()) n.pop_back();
    return n;
  }
  GenRow& row_;
  std::vector<LogRow>* log_;
  const hotline::HotlineRules& rules_;
  Millis as_of_;
  Millis last_ = 0;
  Status error_ = Status::Ok();
};

// The centre's manual dispatch: minutes in the day, the next morning at night.
Millis CentreDelay(Millis t, Rng& rng) {
  const int hour = static_cast<int>(((t + kShanghaiOffsetMs) % kDayMs) / kHourMs);
  Millis wait = static_cast<Millis>(rng.Uniform(5, 90) * kMinuteMs);
  if (hour >= 22 || hour < 7) {
    const Millis to_seven = ((7 - hour + 24) % 24) * kHourMs;
    wait += to_seven;
  }
  return wait;
}

// ---- the context every day shares ----

struct Leaf {
  std::string code, department, top;
  bool epidemic = false;
  std::vector<std::string> texts;  // training texts of this leaf
  std::string label_json;          // [{"code": leaf, "score": 1.0}]
};

struct Context {
  HotlineOptions o;
  Millis as_of = 0;
  hotline::HotlineRules rules;
  std::vector<Leaf> leaves;
  std::unordered_map<std::string, size_t> leaf_index;
  std::vector<std::string> departments;  // active ones
  std::unordered_map<std::string, Quality> quality;
  std::vector<hotline::AddressArea> areas;
  std::vector<int32_t> compound_of;  // area index → its compound's index (−1 above)
  std::unordered_map<std::string, size_t> area_index;
  std::unordered_map<std::string, bool> community_wartime;
  std::unique_ptr<hotline::AddressNoise> noise;
  hotline::Hotline* hotline = nullptr;
  std::string city_path = "/";
  Traditional traditional;  // MakeDay's thread only
  std::map<std::string, int64_t> cases_by_date;  // reported cases
  int64_t population = 0, phone_pool = 1;
  int64_t classify_every = 1;
};

std::string Hex(uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(digits, '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) out[i] = kHex[v & 15];
  return out;
}

// A fake mobile number for caller k: 140 + 8 digits. The 140 segment is issued only
// as 13-digit IoT numbers, so no 11-digit 140 number is anyone's phone.
std::string FakePhone(uint64_t seed, int64_t caller) {
  uint64_t s = seed ^ (static_cast<uint64_t>(caller) * 0x9E3779B97F4A7C15ULL);
  const uint64_t x = internal::SplitMix64(s) % 100'000'000ULL;
  std::string digits = std::to_string(x);
  return "140" + std::string(8 - digits.size(), '0') + digits;
}

std::string SuggestionsJson(const std::vector<hotline::Scored>& list) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& s : list) a.push_back({{"code", s.code}, {"score", s.score}});
  return a.dump();
}

// Extra epidemic requests on a day: per case reported that day or in the 14 before.
double WaveOf(const Context& c, int64_t day_number) {
  double active = 0;
  for (int k = 0; k < kWaveDays; ++k) {
    int y, m, d;
    CivilFromDays(day_number - k, y, m, d);
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
    if (auto it = c.cases_by_date.find(date); it != c.cases_by_date.end()) {
      active += static_cast<double>(it->second) * (1.0 - 0.5 * k / kWaveDays);  // fading after the report
    }
  }
  return active * c.o.epidemic_per_case;
}

// A day's volume and mix: the rate × population (or per_day), the weekday's factor
// and a little jitter, then the epidemic wave on top, capped at its share.
struct DayPlan {
  int64_t day_number = 0;
  std::string date;
  int month = 0, day_of_month = 0;
  Millis midnight = 0;
  int64_t base = 0, wave = 0, n = 0;
  std::vector<double> weights;  // per kBaseMix entry
};

DayPlan PlanDay(const Context& c, int64_t day_number) {
  DayPlan p;
  p.day_number = day_number;
  int y;
  CivilFromDays(day_number, y, p.month, p.day_of_month);
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", y, p.month, p.day_of_month);
  p.date = date;
  p.midnight = day_number * kDayMs - kShanghaiOffsetMs;
  const int weekday = static_cast<int>((day_number + 4) % 7);  // 1970-01-01 was a Thursday
  Rng rng(internal::SubSeed(c.o.seed, "hotline-volume:" + p.date));
  const double mean = c.o.per_day > 0 ? static_cast<double>(c.o.per_day)
                                      : c.o.per_resident_per_day * static_cast<double>(c.population);
  p.base = std::llround(mean * kWeekday[weekday] * rng.Uniform(1 - kDayJitter, 1 + kDayJitter));
  double epidemic_weight = 0, total_weight = 0;
  for (const auto& mix : kBaseMix) {
    // Heating's share is all season (SeasonFactor gives its share points).
    const double w = std::string_view(mix.code) == "heating" ? SeasonFactor(mix.code, p.month, p.day_of_month)
                                                            : mix.share * SeasonFactor(mix.code, p.month, p.day_of_month);
    p.weights.push_back(w);
    total_weight += w;
    if (std::string_view(mix.code).starts_with("epidemic.")) epidemic_weight += w;
  }
  const double base_epidemic = static_cast<double>(p.base) * epidemic_weight / total_weight;
  const double cap = (c.o.epidemic_cap * static_cast<double>(p.base) - base_epidemic) / (1 - c.o.epidemic_cap);
  p.wave = std::llround(std::max(0.0, std::min(WaveOf(c, day_number), cap)));
  p.n = p.base + p.wave;
  return p;
}

// One caller's address, normalised and resolved as the intake does.
struct GenAddress {
  std::string text, area_code, area_path, community_code, notes;
  std::string place;  // the compound's name, for a text that mentions it
  double confidence = 0;
  bool wartime = false, typo = false, none = false;
};

// A day's addresses (one per request; its own random stream, so it runs on another
// thread while the requests of the day before are made). Reads `c` only.
Result<std::vector<GenAddress>> MakeAddresses(const Context& c, const DayPlan& plan) {
  std::vector<GenAddress> out(plan.n);
  Rng rng(internal::SubSeed(c.o.seed, "hotline-address:" + plan.date));
  std::mt19937_64 noise_rng(rng.Next());
  for (GenAddress& a : out) {
    if (!rng.Chance(0.05)) {
      hotline::NoisyAddress noisy = c.noise->Make(noise_rng, 0.08);
      a.typo = noisy.kind.find("typo") != std::string::npos;
      if (auto at = c.area_index.find(noisy.expected_code); at != c.area_index.end() && c.compound_of[at->second] >= 0) {
        a.place = c.areas[c.compound_of[at->second]].name;
      }
      TC_ASSIGN_OR_RETURN(a.text, hotline::NormalizeText(noisy.text, "address"));
    } else {
      a.none = true;
    }
    TC_ASSIGN_OR_RETURN(hotline::AddressMatch match, c.hotline->ResolveAddress(a.text));
    a.area_code = std::move(match.code);
    a.area_path = match.path.empty() ? c.city_path : std::move(match.path);
    a.community_code = std::move(match.community_code);
    a.confidence = match.confidence;
    for (const auto& note : match.notes) a.notes += (a.notes.empty() ? "" : "; ") + note;
    if (auto w = c.community_wartime.find(a.community_code); w != c.community_wartime.end()) a.wartime = w->second;
  }
  return out;
}

// One day's requests, in receipt order, with their lives up to as_of.
Result<Day> MakeDay(Context& c, const DayPlan& plan, std::vector<GenAddress>& addresses, int64_t first_id,
                    HotlineSummary& sum) {
  Day day;
  day.date = plan.date;
  Rng rng(internal::SubSeed(c.o.seed, "hotline:" + plan.date));
  const Millis midnight = plan.midnight;
  const int64_t n = plan.n, wave = plan.wave;
  const internal::Discrete base_mix(plan.weights);
  std::vector<double> wave_weights;
  for (const auto& mix : kWaveMix) wave_weights.push_back(mix.share);
  const internal::Discrete wave_mix(wave_weights);
  const internal::Discrete hours(std::vector<double>(kHourly.begin(), kHourly.end()));

  std::vector<Millis> times(n);
  for (auto& t : times) {
    t = midnight + static_cast<Millis>(hours.Sample(rng)) * kHourMs + static_cast<Millis>(rng.Below(kHourMs / 1000)) * 1000;
  }
  std::sort(times.begin(), times.end());
  day.rows.reserve(n);
  std::vector<LogRow>* log = c.o.log ? &day.log : nullptr;
  constexpr size_t kRecent = 400;  // repeat calls look this far back among the day's requests

  for (int64_t i = 0; i < n; ++i) {
    const Millis t = times[i];
    GenRow row;
    row.id = first_id + i;
    uint64_t th = c.o.seed ^ (static_cast<uint64_t>(row.id) * 0xD1B54A32D192ED03ULL);
    row.token = Hex(static_cast<uint64_t>(row.id), 16) + Hex(internal::SplitMix64(th), 8);
    // The wave's extra requests are spread through the day like the rest.
    const bool in_wave = rng.Below(static_cast<uint64_t>(n)) < static_cast<uint64_t>(wave);

    // A repeat call about an open request of the same caller (same matter): merged.
    const GenRow* target = nullptr;
    if (!day.rows.empty() && rng.Chance(0.025)) {
      const size_t from = day.rows.size() > kRecent ? day.rows.size() - kRecent : 0;
      const GenRow& cand = day.rows[from + rng.Below(day.rows.size() - from)];
      if (cand.s.status != State::kMerged && !cand.phone.empty() && (cand.s.closed_at == 0 || t < cand.s.closed_at)) {
        target = &cand;
      }
    }

    const Leaf* leaf;
    std::string place;
    if (target) {
      leaf = &c.leaves[c.leaf_index.at(target->category)];
      row.base = target->base;
      row.channel = "phone";
      row.caller_name = target->caller_name;
      row.phone = target->phone;
      row.enterprise = target->enterprise;
      row.address_text = target->address_text;
      row.area_code = target->area_code;
      row.area_path = target->area_path;
      row.community_code = target->community_code;
      row.address_notes = target->address_notes;
      row.confidence = target->confidence;
      row.wartime = target->wartime;
    } else {
      const char* code = in_wave ? kWaveMix[wave_mix.Sample(rng)].code : kBaseMix[base_mix.Sample(rng)].code;
      if (in_wave) ++sum.epidemic_wave;
      leaf = &c.leaves[c.leaf_index.at(code)];
      row.base = rng.Below(leaf->texts.size());
      // Caller and channel.
      const bool enterprise = leaf->code == "enterprise";
      const double ch = rng.Unit();
      row.channel = enterprise && ch < 0.5 ? "enterprise" : ch < 0.82 ? "phone" : ch < 0.91 ? "mobile" : ch < 0.96 ? "web" : "api";
      if (row.channel == "phone" || row.channel == "mobile" || row.channel == "enterprise" || rng.Chance(0.6)) {
        row.phone = FakePhone(c.o.seed, static_cast<int64_t>(rng.Below(static_cast<uint64_t>(c.phone_pool))));
      }
      if (rng.Chance(0.85)) row.caller_name = std::string(internal::Surname(rng)) + (rng.Chance(0.5) ? "先生" : "女士");
      if (enterprise) {
        std::set<std::string> used;
        row.enterprise = "长春" + internal::PlaceWord(rng, used) +
                         (rng.Chance(0.5) ? "机械制造有限公司" : rng.Chance(0.5) ? "商贸有限公司" : "科技有限公司");
      }
      if ((row.channel == "mobile" || row.channel == "web") && rng.Chance(0.25)) {
        row.attachments = R"([{"name":"IMG_)" + std::to_string(1000 + rng.Below(9000)) +
                          R"(.jpg","size":)" + std::to_string(200'000 + rng.Below(3'000'000)) +
                          R"(,"type":"image/jpeg","url":""}])";
      }
      // Address: as callers say it, or none; resolved by the intake's resolver.
      GenAddress& a = addresses[static_cast<size_t>(i)];
      if (a.none) ++sum.no_address;
      if (a.typo) ++sum.typo_addresses;
      place = std::move(a.place);
      row.address_text = std::move(a.text);
      row.area_code = std::move(a.area_code);
      row.area_path = std::move(a.area_path);
      row.community_code = std::move(a.community_code);
      row.address_notes = std::move(a.notes);
      row.confidence = a.confidence;
      row.wartime = a.wartime;
    }
    if (row.attachments.empty()) row.attachments = "[]";

    // Text: the corpus line varied, normalised as the intake does.
    TC_ASSIGN_OR_RETURN(row.text,
                        hotline::NormalizeText(VaryText(leaf->texts[row.base], rng, place, c.traditional), "text"));
    if (target && hotline::TextSimilarity(row.text, target->text) < c.rules.duplicate_similarity) {
      row.text = "之前反映过，" + target->text;  // the caller repeats the matter
    }
    if (row.text.size() > hotline::kMaxTextBytes) row.text = leaf->texts[row.base];
    row.category = leaf->code;
    row.suggestions = leaf->label_json;
    if (c.classify_every > 0 && row.id % c.classify_every == 0) {
      TC_ASSIGN_OR_RETURN(auto top, c.hotline->Classify(row.text, 3));
      row.suggestions = SuggestionsJson(top);
      row.overridden = !top.empty() && top.front().code != row.category;  // the agent chose the label
      ++sum.classified;
      if (!row.overridden) ++sum.classifier_agreed;
    }

    // Intake: priority, routing, deadlines (workflow.h).
    const hotline::Priority priority = c.rules.PriorityOf(row.category, row.wartime);
    const bool routed = !leaf->department.empty() && !row.community_code.empty() &&
                        row.confidence >= c.rules.address_confidence;
    row.s = hotline::Received(priority, routed ? leaf->department : "", c.rules, t);
    row.updated_at = t;
    row.log_begin = day.log.size();
    Lifecycle life(row, log, c.rules, c.as_of);
    if (target) {
      row.s.status = State::kMerged;
      row.s.merged_into = target->id;
      row.s.closed_at = t;
      row.s.next_due = 0;
      life.Log(t, "gen:agent", "receive", State::kPendingDispatch, State::kMerged,
               "same caller, same matter: merged into " + std::to_string(target->id));
      ++sum.merged;
      // The open request counts an urge (催办).
      GenRow& open = day.rows[static_cast<size_t>(target->id - first_id)];
      ++open.s.urge_count;
      open.updated_at = std::max(open.updated_at, t);
      if (log) {  // its state and department when the caller called again
        size_t at_t = open.log_begin;
        for (size_t k = open.log_begin; k < open.log_end; ++k) {
          if (day.log[k].at <= t) at_t = k;
        }
        const LogRow& then = day.log[at_t];
        log->push_back({open.id, t, "gen:agent", "urge", then.to, then.to, then.department,
                        "the caller called again: " + std::to_string(row.id)});
      }
      row.log_end = day.log.size();
      day.rows.push_back(std::move(row));
      continue;
    }
    life.Log(t, "gen:agent", "receive", State::kPendingDispatch, row.s.status,
             routed ? "received by " + row.channel
                    : "address not resolved with confidence (" + std::to_string(row.confidence) + ")");
    if (!routed) ++sum.pending_dispatch_at_intake;

    // Its life: dispatch (if pending), accept, resolve, call back — reopened when the
    // caller is dissatisfied — with a few returns and reassignments.
    Millis now = t;
    const auto next = [&](Millis at) { return std::max(at, life.last() + kMinuteMs); };
    bool alive = true;
    if (row.s.status == State::kPendingDispatch) {
      alive = life.Act({.kind = ActionKind::kDispatch, .department = leaf->department}, next(now + CentreDelay(now, rng)));
    }
    for (int round = 0; alive && round < 3; ++round) {
      // A department returns a few (unclear address or matter); the centre dispatches again.
      if (rng.Chance(0.015)) {
        const Millis back = next(row.s.dispatched_at + static_cast<Millis>(rng.Uniform(0.5, 6) * kHourMs));
        const std::string department = row.s.department;
        if (!(alive = life.Act({.kind = ActionKind::kReturn, .note = kReturnReasons[rng.Below(2)]}, back))) break;
        if (!(alive = life.Act({.kind = ActionKind::kDispatch, .department = department}, next(back + CentreDelay(back, rng))))) break;
      }
      // The centre moves a few to another department.
      if (rng.Chance(0.01) && c.departments.size() > 1) {
        std::string other;
        do other = c.departments[rng.Below(c.departments.size())];
        while (other == row.s.department);
        const Millis at = next(row.s.dispatched_at + static_cast<Millis>(rng.Uniform(0.2, 3) * kHourMs));
        if (!(alive = life.Act({.kind = ActionKind::kReassign, .department = other,
                                .note = kReassignReasons[rng.Below(2)]}, at))) break;
      }
      const Quality& dq = c.quality.at(row.s.department);
      // Accept: on time mostly, somewhere in the window.
      const Millis start = row.s.dispatched_at, respond = row.s.respond_by - start;
      const double u = rng.Unit();
      const Millis accepted = rng.Chance(dq.on_time) ? start + static_cast<Millis>(respond * (0.02 + 0.9 * u * u))
                                                     : row.s.respond_by + static_cast<Millis>(respond * rng.Uniform(0.05, 1.5));
      if (!(alive = life.Act({.kind = ActionKind::kAccept}, next(accepted)))) break;
      const Millis handle = row.s.handle_by - start;
      // Resolve: most within a day or two, within the handling time mostly.
      const double v = rng.Unit();
      const Millis resolved =
          rng.Chance(dq.handle_on_time)
              ? life.last() + static_cast<Millis>(std::max<double>(0, row.s.handle_by - life.last()) * (0.02 + 0.85 * v * v * v))
              : row.s.handle_by + static_cast<Millis>(handle * rng.Uniform(0.05, 0.8));
      const auto& notes = ResolutionNotes(leaf->top);
      if (!(alive = life.Act({.kind = ActionKind::kResolve, .note = notes[rng.Below(notes.size())]}, next(resolved)))) break;
      // Call back: some attempts fail; three failures close it unrated.
      while (alive && row.s.status == State::kResolved) {
        const Millis window = row.s.callback_by - row.s.resolved_at;
        const double w = rng.Unit();
        const Millis at = next(life.last() + static_cast<Millis>(window * (0.05 + 0.5 * w * w)));
        if (rng.Chance(dq.callback_fail)) {
          alive = life.Act({.kind = ActionKind::kCallbackFailed, .note = kCallbackFailedNotes[rng.Below(3)]}, at);
          continue;
        }
        const int satisfaction = DrawSatisfaction(dq, rng, round > 0);
        const bool solved = DrawSolved(satisfaction, rng);
        const char* note = satisfaction >= 4 ? "来电人表示满意" : satisfaction == 3 ? "来电人表示基本满意" : "来电人表示不满意，要求重新办理";
        alive = life.Act({.kind = ActionKind::kCallback, .note = note, .satisfaction = satisfaction, .solved = solved ? 1 : 0}, at);
        break;
      }
      if (row.s.status != State::kDispatched) break;  // closed, or not yet called back; reopened: again
    }
    TC_RETURN_IF_ERROR(life.error());
    life.SweepUntil(c.as_of);  // what the sweeper has done by now
    row.log_end = day.log.size();
    day.rows.push_back(std::move(row));
  }
  // The log in time order (ids then read in order per request, as the service writes them).
  std::stable_sort(day.log.begin(), day.log.end(), [](const LogRow& a, const LogRow& b) { return a.at < b.at; });
  for (const GenRow& r : day.rows) {
    ++sum.by_category[r.category];
    if (std::string_view(r.category).starts_with("epidemic.")) ++sum.epidemic;
  }
  return day;
}

// ---- writing ----

const std::vector<std::string> kRequestColumns = {
    "id", "channel", "caller_name", "phone", "resident_id", "enterprise", "text", "address_text", "attachments", "lat",
    "lon", "area_code", "area_path", "community_code", "area_confidence", "address_notes", "category", "suggestions",
    "overridden", "department", "priority", "wartime", "status", "received_at", "dispatched_at", "responded_at",
    "resolved_at", "closed_at", "respond_by", "handle_by", "callback_by", "overdue", "reminded", "escalation",
    "satisfaction", "solved", "reopen_count", "return_count", "callback_attempts", "urge_count", "merged_into",
    "group_id", "next_due", "resolution", "callback_note", "token", "created_by", "updated_at"};
const std::vector<std::string> kLogColumns = {"request_id", "at", "actor", "action", "from_status", "to_status",
                                              "department", "note"};

// The secondary indexes dropped while an empty table is loaded (as migration 13 makes them).
constexpr std::string_view kDropIndexes =
    "DROP INDEX hotline_requests_due; DROP INDEX hotline_requests_dept; DROP INDEX hotline_requests_path; "
    "DROP INDEX hotline_requests_phone; DROP INDEX hotline_requests_status; DROP INDEX hotline_requests_received; "
    "DROP INDEX hotline_requests_group; DROP INDEX hotline_request_log_request;";
constexpr std::string_view kCreateIndexes =
    "CREATE INDEX hotline_requests_due ON hotline_requests(next_due) WHERE next_due > 0;"
    "CREATE INDEX hotline_requests_dept ON hotline_requests(department, status, id);"
    "CREATE INDEX hotline_requests_path ON hotline_requests(area_path, id);"
    "CREATE INDEX hotline_requests_phone ON hotline_requests(phone, received_at);"
    "CREATE INDEX hotline_requests_status ON hotline_requests(status, id);"
    "CREATE INDEX hotline_requests_received ON hotline_requests(received_at);"
    "CREATE INDEX hotline_requests_group ON hotline_requests(group_id) WHERE group_id > 0;"
    "CREATE INDEX hotline_request_log_request ON hotline_request_log(request_id, id);";

constexpr size_t kTxRequests = 50'000, kTxLog = 200'000;
constexpr int64_t kWriteCacheKib = 1 << 18, kDefaultCacheKib = 2000;

Status WriteDay(store::Store& store, const Day& day) {
  const bool sqlite = store.dialect() == store::Dialect::kSqlite;
  const auto cache = [&](store::Conn& c, int64_t kib) -> Status {
    return sqlite ? c.ExecScript("PRAGMA cache_size = -" + std::to_string(kib)) : Status::Ok();
  };
  for (size_t begin = 0; begin < day.rows.size(); begin += kTxRequests) {
    const size_t end = std::min(day.rows.size(), begin + kTxRequests);
    TC_RETURN_IF_ERROR(store.CheckedBulkTx([&](store::Conn& c) -> Status {
      TC_RETURN_IF_ERROR(cache(c, kWriteCacheKib));
      TC_ASSIGN_OR_RETURN(auto w, c.Bulk("hotline_requests", kRequestColumns));
      store::Params p(kRequestColumns.size());
      for (size_t i = begin; i < end; ++i) {
        const GenRow& r = day.rows[i];
        const RequestState& s = r.s;
        size_t k = 0;
        p[k++] = r.id;
        p[k++] = r.channel;
        p[k++] = r.caller_name;
        p[k++] = r.phone;
        p[k++] = int64_t{0};
        p[k++] = r.enterprise;
        p[k++] = r.text;
        p[k++] = r.address_text;
        p[k++] = r.attachments;
        p[k++] = std::monostate{};
        p[k++] = std::monostate{};
        p[k++] = r.area_code;
        p[k++] = r.area_path;
        p[k++] = r.community_code;
        p[k++] = r.confidence;
        p[k++] = r.address_notes;
        p[k++] = r.category;
        p[k++] = r.suggestions;
        p[k++] = int64_t{r.overridden};
        p[k++] = s.department;
        p[k++] = std::string(hotline::PriorityName(s.priority));
        p[k++] = int64_t{r.wartime};
        p[k++] = std::string(hotline::StateName(s.status));
        p[k++] = s.received_at;
        p[k++] = s.dispatched_at;
        p[k++] = s.responded_at;
        p[k++] = s.resolved_at;
        p[k++] = s.closed_at;
        p[k++] = s.respond_by;
        p[k++] = s.handle_by;
        p[k++] = s.callback_by;
        p[k++] = int64_t{s.overdue};
        p[k++] = int64_t{s.reminded};
        p[k++] = int64_t{s.escalation};
        p[k++] = int64_t{s.satisfaction};
        p[k++] = int64_t{s.solved};
        p[k++] = int64_t{s.reopen_count};
        p[k++] = int64_t{s.return_count};
        p[k++] = int64_t{s.callback_attempts};
        p[k++] = int64_t{s.urge_count};
        p[k++] = s.merged_into;
        p[k++] = int64_t{0};
        p[k++] = s.next_due;
        p[k++] = r.resolution;
        p[k++] = r.callback_note;
        p[k++] = r.token;
        p[k++] = std::string("gen");
        p[k++] = r.updated_at;
        TC_RETURN_IF_ERROR(w->Add(p));
      }
      TC_RETURN_IF_ERROR(w->Finish().status());
      return cache(c, kDefaultCacheKib);
    }));
  }
  for (size_t begin = 0; begin < day.log.size(); begin += kTxLog) {
    const size_t end = std::min(day.log.size(), begin + kTxLog);
    TC_RETURN_IF_ERROR(store.CheckedBulkTx([&](store::Conn& c) -> Status {
      TC_RETURN_IF_ERROR(cache(c, kWriteCacheKib));
      TC_ASSIGN_OR_RETURN(auto w, c.Bulk("hotline_request_log", kLogColumns));
      store::Params p(kLogColumns.size());
      for (size_t i = begin; i < end; ++i) {
        const LogRow& l = day.log[i];
        p[0] = l.request_id;
        p[1] = l.at;
        p[2] = l.actor;
        p[3] = l.action;
        p[4] = l.from;
        p[5] = l.to;
        p[6] = l.department;
        p[7] = l.note;
        TC_RETURN_IF_ERROR(w->Add(p));
      }
      TC_RETURN_IF_ERROR(w->Finish().status());
      return cache(c, kDefaultCacheKib);
    }));
  }
  return Status::Ok();
}

Status Validate(const HotlineOptions& o) {
  if (o.days < 1 || o.days > 3660) return FieldInvalid("days", "must be 1 to 3660");
  if (!(o.per_resident_per_day >= 0) || o.per_resident_per_day > 1) {
    return FieldInvalid("per_resident_per_day", "must be 0 to 1");
  }
  if (o.per_day < 0) return FieldInvalid("per_day", "must not be negative");
  if (!(o.epidemic_per_case >= 0)) return FieldInvalid("epidemic_per_case", "must not be negative");
  if (!(o.epidemic_cap > 0 && o.epidemic_cap < 1)) return FieldInvalid("epidemic_cap", "must be between 0 and 1");
  if (o.classify_sample < 0) return FieldInvalid("classify_sample", "must not be negative");
  return Status::Ok();
}

}  // namespace

Result<HotlineSummary> GenerateHotline(store::Store& store, const HotlineOptions& options) {
  TC_RETURN_IF_ERROR(Validate(options));
  const auto started = std::chrono::steady_clock::now();
  Context c;
  c.o = options;
  // The days: [end − days + 1, end]; the rows' state is as of midnight after the end.
  int64_t end_day;
  if (options.end_date.empty()) {
    end_day = (NowMillis() + kShanghaiOffsetMs) / kDayMs - 1;
  } else {
    int y = 0, m = 0, d = 0;
    if (options.end_date.size() != 10 || std::sscanf(options.end_date.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) {
      return FieldInvalid("end_date", "'" + options.end_date + "' is not a date (YYYY-MM-DD)");
    }
    auto days = DaysFromCivil(y, m, d);
    if (!days.ok()) return FieldInvalid("end_date", "'" + options.end_date + "' is not a date");
    end_day = *days;
  }
  const int64_t first_day = end_day - options.days + 1;
  c.as_of = (end_day + 1) * kDayMs - kShanghaiOffsetMs;
  HotlineSummary sum;
  sum.as_of = c.as_of;
  sum.from_date = DateShanghai(first_day * kDayMs - kShanghaiOffsetMs);
  sum.to_date = DateShanghai(end_day * kDayMs - kShanghaiOffsetMs);

  // The hotline service: seeds the taxonomy, and gives the rules and the resolver.
  ManualClock clock(c.as_of);
  TC_ASSIGN_OR_RETURN(auto hotline, hotline::Hotline::Open(store, clock));
  c.hotline = hotline.get();
  c.rules = hotline->CurrentRules();
  const hotline::Taxonomy taxonomy = hotline->CurrentTaxonomy();
  for (const auto& dep : taxonomy.departments) {
    if (!dep.active) continue;
    c.departments.push_back(dep.code);
    c.quality[dep.code] = QualityOf(options.seed, dep.code);
  }
  for (const auto& ex : hotline::TrainingExamples()) {
    auto [it, added] = c.leaf_index.try_emplace(ex.code, c.leaves.size());
    if (added) {
      Leaf leaf;
      leaf.code = ex.code;
      leaf.top = std::string(hotline::Taxonomy::TopLevel(ex.code));
      const hotline::Category* cat = taxonomy.Find(ex.code);
      if (cat && cat->active) {
        if (const hotline::Department* dep = taxonomy.FindDepartment(cat->department); dep && dep->active) {
          leaf.department = dep->code;
        }
      }
      leaf.epidemic = cat && cat->epidemic;
      leaf.label_json = SuggestionsJson({hotline::Scored{ex.code, "", "", "", 1.0}});
      c.leaves.push_back(std::move(leaf));
    }
    c.leaves[it->second].texts.push_back(ex.text);
  }
  for (const auto& mix : kBaseMix) {
    if (!c.leaf_index.contains(mix.code)) return Internal(std::string("the corpus has no texts for ") + mix.code);
  }
  for (const auto& leaf : c.leaves) {
    if (leaf.department.empty()) return Internal("category " + leaf.code + " has no active department");
  }

  // The registry: population, the area tree, the modes (through its reads and service).
  std::string city_code, city_path = "/";
  std::unordered_map<std::string, std::string> district_of;  // community code → district code
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& conn) -> Status {
    TC_ASSIGN_OR_RETURN(c.population, registry::CityPopulation(conn));
    std::unordered_map<std::string, std::string> district_at;  // area code → its district's code
    TC_RETURN_IF_ERROR(registry::ForEachArea(conn, [&](const registry::AreaNode& a) {
      const size_t index = c.areas.size();
      c.area_index[a.code] = index;
      c.areas.push_back({a.code, a.parent_code, a.level, a.name, a.path});
      int32_t compound = -1;
      if (a.level == "compound") {
        compound = static_cast<int32_t>(index);
      } else if (auto p = c.area_index.find(a.parent_code); p != c.area_index.end()) {
        compound = c.compound_of[p->second];
      }
      c.compound_of.push_back(compound);
      if (a.level == "city" && city_code.empty()) {
        city_code = a.code;
        city_path = a.path;
      }
      if (a.level == "district") district_at[a.code] = a.code;
      if (a.level == "street" || a.level == "community") {
        if (auto d = district_at.find(a.parent_code); d != district_at.end()) district_at[a.code] = d->second;
      }
      if (a.level == "community" && district_at.contains(a.code)) district_of[a.code] = district_at[a.code];
    }));
    return Status::Ok();
  }));
  if (c.population <= 0 && options.per_day == 0) return NotFound("residents: the registry has none to call the hotline");
  sum.population = c.population;
  c.city_path = city_path;
  c.phone_pool = std::max<int64_t>(1000, c.population / 2);
  c.noise = std::make_unique<hotline::AddressNoise>(c.areas);
  {
    registry::Areas areas(store, clock);
    bool city_wartime = false;
    if (!city_code.empty()) {
      if (auto a = areas.Get(city_code); a.ok()) city_wartime = a->mode == registry::kWartime;
    }
    std::unordered_map<std::string, bool> district_wartime;
    for (const auto& [community, district] : district_of) {
      auto it = district_wartime.find(district);
      if (it == district_wartime.end()) {
        auto a = areas.Get(district);
        it = district_wartime.emplace(district, a.ok() && a->mode == registry::kWartime).first;
      }
      c.community_wartime[community] = city_wartime || it->second;
    }
  }

  // The epidemic curve through the tracing module's service.
  {
    tracing::Tracing tracing(store, clock);
    tracing::Cases cases(store, clock, tracing);
    TC_ASSIGN_OR_RETURN(auto epidemic, cases.Epidemic(""));
    for (const auto& day : epidemic.curve) {
      if (day.reported() > 0) c.cases_by_date[day.date] = day.reported();
    }
  }

  // Ids continue after the stored requests; an empty table is loaded without its
  // secondary indexes, rebuilt once at the end.
  int64_t first_id = 1;
  bool empty = false;
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& conn) -> Status {
    TC_ASSIGN_OR_RETURN(auto max, conn.Query("SELECT COALESCE(MAX(id), 0) FROM hotline_requests"));
    first_id = max[0].Int(0) + 1;
    TC_ASSIGN_OR_RETURN(auto log, conn.Query("SELECT id FROM hotline_request_log LIMIT 1"));
    empty = first_id == 1 && log.empty();
    return Status::Ok();
  }));
  const double mean = options.per_day > 0 ? static_cast<double>(options.per_day)
                                          : options.per_resident_per_day * static_cast<double>(c.population);
  const int64_t expected = std::llround(mean * options.days);
  c.classify_every = options.classify_sample == 0 ? 0
                     : expected <= options.classify_sample ? 1
                                                           : (expected + options.classify_sample - 1) / options.classify_sample;
  if (empty) TC_RETURN_IF_ERROR(store.Tx([](store::Conn& conn) { return conn.ExecScript(std::string(kDropIndexes)); }));

  // Day by day, three stages on their own threads: the next day's addresses are made
  // and resolved while this day's requests are made, and the day before is written.
  Status status = Status::Ok();
  std::future<Status> writing;
  double generate = 0, write = 0;
  const auto finish_write = [&]() -> Status {
    if (!writing.valid()) return Status::Ok();
    Status s = writing.get();
    if (s.ok() && options.progress) options.progress(sum.requests, expected);
    return s;
  };
  const auto addresses_of = [&c](int64_t day_number) {
    return std::async(std::launch::async, [&c, plan = PlanDay(c, day_number)]() {
      return std::make_pair(plan, MakeAddresses(c, plan));
    });
  };
  auto next_addresses = addresses_of(first_day);
  int64_t next_id = first_id;
  for (int64_t day_number = first_day; day_number <= end_day && status.ok(); ++day_number) {
    const auto t0 = std::chrono::steady_clock::now();
    auto [plan, addresses] = next_addresses.get();
    if (day_number < end_day) next_addresses = addresses_of(day_number + 1);
    if (!addresses.ok()) {
      status = addresses.status();
      break;
    }
    auto made = MakeDay(c, plan, *addresses, next_id, sum);
    generate += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!made.ok()) {
      status = made.status();
      break;
    }
    status = finish_write();
    if (!status.ok()) break;
    auto day = std::make_shared<Day>(std::move(made).value());
    next_id += static_cast<int64_t>(day->rows.size());
    sum.requests += static_cast<int64_t>(day->rows.size());
    sum.log_rows += static_cast<int64_t>(day->log.size());
    sum.per_day[day->date] = static_cast<int64_t>(day->rows.size());
    for (const GenRow& r : day->rows) ++sum.by_status[std::string(hotline::StateName(r.s.status))];
    writing = std::async(std::launch::async, [&store, day, &write]() {
      const auto w0 = std::chrono::steady_clock::now();
      Status s = WriteDay(store, *day);
      write += std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
      return s;
    });
  }
  if (next_addresses.valid()) next_addresses.wait();  // a failed day leaves the next one running
  Status last = finish_write();
  if (status.ok()) status = last;
  if (empty) {
    Status rebuilt = store.Tx([](store::Conn& conn) { return conn.ExecScript(std::string(kCreateIndexes)); });
    if (status.ok()) status = rebuilt;
  }
  TC_RETURN_IF_ERROR(status);
  sum.generate_seconds = generate;
  sum.write_seconds = write;
  TC_RETURN_IF_ERROR(store.Tx([&](store::Conn& conn) -> Status {
    if (conn.dialect() == store::Dialect::kPostgres) {
      TC_RETURN_IF_ERROR(conn.Query("SELECT setval(pg_get_serial_sequence('hotline_requests', 'id'), "
                                    "COALESCE((SELECT MAX(id) FROM hotline_requests), 0) + 1, false)")
                             .status());
    }
    nlohmann::json detail = {{"seed", options.seed},       {"from", sum.from_date},  {"to", sum.to_date},
                             {"requests", sum.requests},   {"merged", sum.merged},   {"epidemic", sum.epidemic},
                             {"epidemic_wave", sum.epidemic_wave}, {"log", options.log}};
    return audit::Append(conn,
                         {.actor = "gen", .action = "gen.hotline", .target = "hotline_requests", .area_path = city_path,
                          .detail = detail.dump()},
                         NowMillis());
  }));
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return sum;
}

}  // namespace tc::gen
