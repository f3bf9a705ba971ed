#include "quarantine/rules.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "base/json.h"

namespace tc::quarantine {
namespace {

using nlohmann::json;

constexpr int kMaxDays = 28, kMaxClearChecks = 14;
constexpr double kMaxHours = 720;

Status NotAnObject(const std::string& field) { return FieldInvalid(field, field + " must be an object"); }

Status ParseTier(const std::string& name, const json& spec, TierQuarantine& t) {
  const std::string f = "tiers." + name;
  if (!spec.is_object()) return NotAnObject(f);
  // Days first: the test days are checked against the days in force.
  if (spec.contains("days")) {
    const json& v = spec["days"];
    if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > kMaxDays) {
      return FieldInvalid(f + ".days", f + ".days must be whole days 1–" + std::to_string(kMaxDays));
    }
    t.days = static_cast<int>(v.get<int64_t>());
  }
  for (const auto& [key, v] : spec.items()) {
    const std::string k = f + "." + key;
    if (key == "days") continue;
    if (key != "test_days")
      return FieldInvalid(k, "unknown setting '" + key + "' of tier " + name + " (days, test_days)");
    if (!v.is_array() || v.size() > 28) return FieldInvalid(k, k + " must be a list of at most 28 days");
    std::vector<int> days;
    for (const json& d : v) {
      if (!d.is_number_integer() || d.get<int64_t>() < 1 || d.get<int64_t>() > kMaxDays ||
          (!days.empty() && d.get<int64_t>() <= days.back())) {
        return FieldInvalid(k, k + " must be increasing whole days from 1");
      }
      days.push_back(static_cast<int>(d.get<int64_t>()));
    }
    t.test_days = std::move(days);
  }
  // A test scheduled after the last day could never be taken before release.
  if (!t.test_days.empty() && t.test_days.back() > t.days) {
    return FieldInvalid(f + ".test_days", f + ".test_days has day " + std::to_string(t.test_days.back()) +
                                              ", after the quarantine's last day " + std::to_string(t.days));
  }
  return Status::Ok();
}

Status ParseHealth(const json& h, QuarantineRules& r) {
  if (!h.is_object()) return NotAnObject("health");
  for (const auto& [key, v] : h.items()) {
    const std::string f = "health." + key;
    if (key == "fever_celsius") {
      if (!v.is_number() || !(v.get<double>() >= 36 && v.get<double>() <= 42)) {
        return FieldInvalid(f, f + " must be a temperature 36–42 °C");
      }
      r.fever_celsius = v.get<double>();
    } else if (key == "clear_checks") {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > kMaxClearChecks) {
        return FieldInvalid(f, f + " must be a whole number 0–" + std::to_string(kMaxClearChecks));
      }
      r.clear_checks = static_cast<int>(v.get<int64_t>());
    } else {
      return FieldInvalid(f, "unknown setting '" + key + "' (fever_celsius, clear_checks)");
    }
  }
  return Status::Ok();
}

Status ParseOpenLoop(const json& o, QuarantineRules& r) {
  if (!o.is_object()) return NotAnObject("open_loop_hours");
  for (const auto& [key, v] : o.items()) {
    const std::string f = "open_loop_hours." + key;
    State s;
    if (!ParseState(key, &s) || IsFinal(s)) {
      return FieldInvalid(f, "unknown or final state '" + key +
                                 "' (listed, assigned, pickup_scheduled, picked_up, "
                                 "checked_in, escalated, absconded, refused)");
    }
    if (v.is_null()) {  // never report this state
      r.open_loop_after[static_cast<int>(s)] = -1;
      continue;
    }
    if (!v.is_number() || !(v.get<double>() >= 0 && v.get<double>() <= kMaxHours)) {
      return FieldInvalid(f, f + " must be hours 0–720, or null for never");
    }
    r.open_loop_after[static_cast<int>(s)] = static_cast<Millis>(std::llround(v.get<double>() * kHourMs));
  }
  return Status::Ok();
}

json TierJson(const TierQuarantine& t) { return {{"days", t.days}, {"test_days", t.test_days}}; }

}  // namespace

std::array<Millis, kStateCount> QuarantineRules::DefaultOpenLoopAfter() {
  std::array<Millis, kStateCount> a;
  a.fill(-1);
  a[static_cast<int>(State::kListed)] = 4 * kHourMs;
  a[static_cast<int>(State::kAssigned)] = 6 * kHourMs;
  a[static_cast<int>(State::kPickupScheduled)] = 1 * kHourMs;
  a[static_cast<int>(State::kPickedUp)] = 3 * kHourMs;
  a[static_cast<int>(State::kCheckedIn)] = 0;
  a[static_cast<int>(State::kEscalated)] = 2 * kHourMs;
  a[static_cast<int>(State::kAbsconded)] = 24 * kHourMs;
  a[static_cast<int>(State::kRefused)] = 24 * kHourMs;
  return a;
}

Result<QuarantineRules> ParseQuarantineRules(std::string_view text, const QuarantineRules& base) {
  TC_ASSIGN_OR_RETURN(json doc, ParseJson(text, {.max_depth = 6}));
  if (!doc.is_object()) return InvalidArgument("the quarantine rules must be a JSON object");
  QuarantineRules r = base;
  for (const auto& [key, v] : doc.items()) {
    if (key == "tiers") {
      if (!v.is_object()) return NotAnObject("tiers");
      for (const auto& [name, spec] : v.items()) {
        Tier t;
        if (!tracing::ParseTier(name, &t) || !IsQuarantineTier(t)) {
          return FieldInvalid("tiers." + name, "unknown tier '" + name +
                                                   "' (close or secondary; the exposed tier is health monitoring)");
        }
        TC_RETURN_IF_ERROR(ParseTier(name, spec, t == Tier::kClose ? r.close : r.secondary));
      }
    } else if (key == "health") {
      TC_RETURN_IF_ERROR(ParseHealth(v, r));
    } else if (key == "open_loop_hours") {
      TC_RETURN_IF_ERROR(ParseOpenLoop(v, r));
    } else if (key != "version" && key != "changed_by" && key != "changed_at") {
      return FieldInvalid(key, "unknown key '" + key + "' (tiers, health, open_loop_hours)");
    }
  }
  return r;
}

std::string QuarantineRulesJson(const QuarantineRules& r) {
  json hours = json::object();
  for (int i = 0; i < kStateCount; ++i) {
    const State s = static_cast<State>(i);
    if (IsFinal(s)) continue;
    const Millis after = r.open_loop_after[i];
    hours[std::string(StateName(s))] = after < 0 ? json(nullptr) : json(static_cast<double>(after) / kHourMs);
  }
  json out = {{"version", r.version},
              {"tiers", {{"close", TierJson(r.close)}, {"secondary", TierJson(r.secondary)}}},
              {"health", {{"fever_celsius", r.fever_celsius}, {"clear_checks", r.clear_checks}}},
              {"open_loop_hours", hours}};
  if (r.changed_at) {
    out["changed_by"] = r.changed_by;
    out["changed_at"] = FormatShanghai(r.changed_at);
  }
  return out.dump();
}

}  // namespace tc::quarantine
