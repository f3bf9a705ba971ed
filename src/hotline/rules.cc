#include "hotline/rules.h"

#include <nlohmann/json.hpp>

#include "base/json.h"

namespace tc::hotline {

namespace {
constexpr std::string_view kPriorityNames[] = {"normal", "high", "urgent"};

Status ReadInt(const nlohmann::json& v, const std::string& field, int64_t lo, int64_t hi, int64_t* out) {
  if (!v.is_number_integer()) return FieldInvalid(field, "expected an integer");
  const int64_t x = v.get<int64_t>();
  if (x < lo || x > hi) {
    return FieldInvalid(field, std::to_string(x) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  *out = x;
  return Status::Ok();
}

Status ReadDouble(const nlohmann::json& v, const std::string& field, double lo, double hi, double* out) {
  if (!v.is_number()) return FieldInvalid(field, "expected a number");
  const double x = v.get<double>();
  if (!(x >= lo && x <= hi)) return FieldInvalid(field, "is outside " + std::to_string(lo) + ".." + std::to_string(hi));
  *out = x;
  return Status::Ok();
}

Status ReadPriorities(const nlohmann::json& v, const std::string& field, std::map<std::string, Priority>* out) {
  if (!v.is_object()) return FieldInvalid(field, "expected an object of category → priority");
  for (const auto& [code, p] : v.items()) {
    Priority pr;
    if (!p.is_string() || !ParsePriority(p.get<std::string>(), &pr)) {
      return FieldInvalid(field + "." + code, "expected normal, high or urgent");
    }
    if (code.empty()) return FieldInvalid(field, "a category code is empty");
    (*out)[code] = pr;
  }
  if (!out->contains("*")) return FieldInvalid(field + ".*", "the default priority is required");
  return Status::Ok();
}
}  // namespace

std::string_view PriorityName(Priority p) { return kPriorityNames[static_cast<int>(p)]; }

bool ParsePriority(std::string_view s, Priority* out) {
  for (int i = 0; i < 3; ++i) {
    if (s == kPriorityNames[i]) {
      *out = static_cast<Priority>(i);
      return true;
    }
  }
  return false;
}

Priority HotlineRules::PriorityOf(std::string_view category, bool wartime_mode) const {
  const auto& table = wartime_mode ? wartime : peacetime;
  std::string code(category);
  while (true) {
    if (auto it = table.find(code); it != table.end()) return it->second;
    const auto dot = code.rfind('.');
    if (dot == std::string::npos) break;
    code.resize(dot);
  }
  auto it = table.find("*");
  return it != table.end() ? it->second : Priority::kNormal;
}

Result<HotlineRules> ParseHotlineRules(std::string_view text, const HotlineRules& base) {
  TC_ASSIGN_OR_RETURN(auto j, ParseJson(text));
  if (!j.is_object()) return InvalidArgument("hotline rules: expected a JSON object");
  HotlineRules r = base;
  for (const auto& [key, v] : j.items()) {
    if (key == "deadlines") {
      if (!v.is_object()) return FieldInvalid(key, "expected an object keyed by priority");
      for (const auto& [pname, d] : v.items()) {
        Priority p;
        if (!ParsePriority(pname, &p)) return FieldInvalid(key + "." + pname, "is not a priority (normal, high, urgent)");
        if (!d.is_object()) return FieldInvalid(key + "." + pname, "expected an object");
        Deadlines& out = r.deadlines[static_cast<int>(p)];
        for (const auto& [f, x] : d.items()) {
          const std::string field = key + "." + pname + "." + f;
          if (f == "respond_minutes") {
            TC_RETURN_IF_ERROR(ReadInt(x, field, 1, 30 * 24 * 60, &out.respond_minutes));
          } else if (f == "handle_hours") {
            TC_RETURN_IF_ERROR(ReadInt(x, field, 1, 90 * 24, &out.handle_hours));
          } else if (f == "callback_hours") {
            TC_RETURN_IF_ERROR(ReadInt(x, field, 1, 30 * 24, &out.callback_hours));
          } else {
            return FieldInvalid(field, "is not a deadline (respond_minutes, handle_hours, callback_hours)");
          }
        }
        if (out.respond_minutes > out.handle_hours * 60) {
          return FieldInvalid(key + "." + pname + ".respond_minutes", "is later than the handling deadline");
        }
      }
    } else if (key == "peacetime") {
      r.peacetime.clear();
      TC_RETURN_IF_ERROR(ReadPriorities(v, key, &r.peacetime));
    } else if (key == "wartime") {
      r.wartime.clear();
      TC_RETURN_IF_ERROR(ReadPriorities(v, key, &r.wartime));
    } else if (key == "remind_at") {
      TC_RETURN_IF_ERROR(ReadDouble(v, key, 0.05, 0.99, &r.remind_at));
    } else if (key == "duplicate_hours") {
      TC_RETURN_IF_ERROR(ReadInt(v, key, 0, 30 * 24, &r.duplicate_hours));
    } else if (key == "duplicate_similarity") {
      TC_RETURN_IF_ERROR(ReadDouble(v, key, 0, 1, &r.duplicate_similarity));
    } else if (key == "address_confidence") {
      TC_RETURN_IF_ERROR(ReadDouble(v, key, 0, 1, &r.address_confidence));
    } else if (key == "satisfied_from") {
      int64_t x;
      TC_RETURN_IF_ERROR(ReadInt(v, key, 1, 5, &x));
      r.satisfied_from = static_cast<int>(x);
    } else if (key == "reopen_below") {
      int64_t x;
      TC_RETURN_IF_ERROR(ReadInt(v, key, 1, 6, &x));
      r.reopen_below = static_cast<int>(x);
    } else if (key == "hotspot_window_hours") {
      TC_RETURN_IF_ERROR(ReadInt(v, key, 1, 7 * 24, &r.hotspot_window_hours));
    } else if (key == "hotspot_min_count") {
      TC_RETURN_IF_ERROR(ReadInt(v, key, 2, 100000, &r.hotspot_min_count));
    } else if (key == "hotspot_ratio") {
      TC_RETURN_IF_ERROR(ReadDouble(v, key, 1, 1000, &r.hotspot_ratio));
    } else if (key == "hotspot_baseline_days") {
      TC_RETURN_IF_ERROR(ReadInt(v, key, 1, 60, &r.hotspot_baseline_days));
    } else {
      return FieldInvalid(key, "is not a hotline rule");
    }
  }
  return r;
}

std::string HotlineRulesJson(const HotlineRules& r) {
  nlohmann::json deadlines = nlohmann::json::object();
  for (int i = 0; i < 3; ++i) {
    deadlines[std::string(kPriorityNames[i])] = {{"respond_minutes", r.deadlines[i].respond_minutes},
                                                 {"handle_hours", r.deadlines[i].handle_hours},
                                                 {"callback_hours", r.deadlines[i].callback_hours}};
  }
  const auto table = [](const std::map<std::string, Priority>& m) {
    nlohmann::json o = nlohmann::json::object();
    for (const auto& [k, p] : m) o[k] = PriorityName(p);
    return o;
  };
  nlohmann::json j = {{"deadlines", deadlines},
                      {"peacetime", table(r.peacetime)},
                      {"wartime", table(r.wartime)},
                      {"remind_at", r.remind_at},
                      {"duplicate_hours", r.duplicate_hours},
                      {"duplicate_similarity", r.duplicate_similarity},
                      {"address_confidence", r.address_confidence},
                      {"satisfied_from", r.satisfied_from},
                      {"reopen_below", r.reopen_below},
                      {"hotspot_window_hours", r.hotspot_window_hours},
                      {"hotspot_min_count", r.hotspot_min_count},
                      {"hotspot_ratio", r.hotspot_ratio},
                      {"hotspot_baseline_days", r.hotspot_baseline_days}};
  return j.dump();
}

}  // namespace tc::hotline
