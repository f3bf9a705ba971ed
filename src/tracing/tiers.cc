#include "tracing/tiers.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/json.h"
#include "base/time.h"
#include "tracing/checkins.h"

namespace tc::tracing {
namespace {

using nlohmann::json;

constexpr int kMaxTestDay = 28;

Status NotAnObject(const std::string& field) { return FieldInvalid(field, field + " must be an object"); }

// A number in (0, 1): a threshold no score reaches (≥ 1) leaves the tier's venue part
// empty, and 0 would put every contact above it, leaving the exposed tier empty.
Status Threshold(const json& v, const std::string& field, double* out) {
  if (!v.is_number()) return FieldInvalid(field, field + " must be a number");
  const double x = v.get<double>();
  if (!(x > 0 && x < 1)) {
    return FieldInvalid(field, field + " must be between 0 and 1, exclusive (got " + v.dump() +
                                   "): at 0 every contact would be above it, at 1 or more none could reach it");
  }
  *out = x;
  return Status::Ok();
}

Status Chance(const json& v, const std::string& field, double* out) {
  if (!v.is_number() || !(v.get<double>() >= 0 && v.get<double>() < 1)) {
    return FieldInvalid(field, field + " must be a number in [0, 1)");
  }
  *out = v.get<double>();
  return Status::Ok();
}

Status Action(const json& v, const std::string& field, std::string* out) {
  if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 64) {
    return FieldInvalid(field, field + " must be a text of 1–64 bytes");
  }
  *out = v.get<std::string>();
  return Status::Ok();
}

size_t KindIndex(const std::string& kind) {
  const auto& k = VenueKinds();
  return static_cast<size_t>(std::find(k.begin(), k.end(), kind) - k.begin());
}

Status ParseTiers(const json& tiers, TierRules& r) {
  if (!tiers.is_object()) return NotAnObject("tiers");
  for (const auto& [name, spec] : tiers.items()) {
    Tier t;
    const std::string f = "tiers." + name;
    if (!ParseTier(name, &t)) return FieldInvalid(f, "unknown tier '" + name + "' (close, secondary or exposed)");
    if (!spec.is_object()) return NotAnObject(f);
    for (const auto& [key, v] : spec.items()) {
      const std::string k = f + "." + key;
      if (key == "threshold" && t == Tier::kClose) {
        TC_RETURN_IF_ERROR(Threshold(v, k, &r.close_threshold));
      } else if (key == "threshold" && t == Tier::kSecondary) {
        TC_RETURN_IF_ERROR(Threshold(v, k, &r.secondary_threshold));
      } else if (key == "action") {
        TC_RETURN_IF_ERROR(
            Action(v, k, t == Tier::kClose ? &r.close_action
                         : t == Tier::kSecondary ? &r.secondary_action
                                                 : &r.exposed_action));
      } else if (key == "test_days" && t == Tier::kExposed) {
        if (!v.is_array() || v.empty() || v.size() > 10) return FieldInvalid(k, k + " must be a list of 1–10 days");
        std::vector<int> days;
        for (const json& d : v) {
          if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > kMaxTestDay ||
              (!days.empty() && d.get<int64_t>() <= days.back())) {
            return FieldInvalid(k, k + " must be increasing whole days 0–" + std::to_string(kMaxTestDay));
          }
          days.push_back(static_cast<int>(d.get<int64_t>()));
        }
        r.exposed_test_days = std::move(days);
      } else {
        return FieldInvalid(k, "unknown setting '" + key + "' of tier " + name);
      }
    }
  }
  return Status::Ok();
}

Status ParseWeights(const json& w, TierRules& r) {
  if (!w.is_object()) return NotAnObject("weights");
  ScoreWeights& s = r.weights;
  for (const auto& [key, v] : w.items()) {
    const std::string f = "weights." + key;
    if (key == "household") {
      TC_RETURN_IF_ERROR(Chance(v, f, &s.household));
    } else if (key == "crowding") {
      if (!v.is_number() || !(v.get<double>() >= 0 && v.get<double>() <= 10)) {
        return FieldInvalid(f, f + " must be a number in [0, 10]");
      }
      s.crowding = v.get<double>();
    } else if (key == "per_hour" || key == "stay_minutes" || key == "group") {
      if (!v.is_object()) return NotAnObject(f);
      for (const auto& [kind, x] : v.items()) {
        const size_t i = KindIndex(kind);
        const std::string k = f + "." + kind;
        if (i >= kVenueKindCount) return FieldInvalid(k, "unknown venue kind '" + kind + "'");
        if (key == "per_hour") {
          TC_RETURN_IF_ERROR(Chance(x, k, &s.per_hour[i]));
        } else if (key == "group") {
          if (!x.is_number_integer() || x.get<int64_t>() < 1 || x.get<int64_t>() > 100'000) {
            return FieldInvalid(k, k + " must be a whole number of people 1–100,000");
          }
          s.group[i] = static_cast<int>(x.get<int64_t>());
        } else {
          if (!x.is_number_integer() || x.get<int64_t>() < 1 || x.get<int64_t>() > 24 * 60) {
            return FieldInvalid(k, k + " must be whole minutes 1–1440");
          }
          s.stay_minutes[i] = static_cast<int>(x.get<int64_t>());
        }
      }
    } else {
      return FieldInvalid(f, "unknown weight '" + key + "' (household, crowding, per_hour, stay_minutes, group)");
    }
  }
  return Status::Ok();
}

}  // namespace

std::string_view TierName(Tier t) {
  switch (t) {
    case Tier::kClose:
      return "close";
    case Tier::kSecondary:
      return "secondary";
    case Tier::kExposed:
      return "exposed";
  }
  return "";
}

bool ParseTier(std::string_view name, Tier* out) {
  for (Tier t : kTiers) {
    if (TierName(t) == name) {
      *out = t;
      return true;
    }
  }
  return false;
}

const std::vector<std::string>& TierStatuses(Tier t) {
  static const std::vector<std::string> kQuarantine = {"pending", "notified", "quarantined", "released"};
  static const std::vector<std::string> kMonitoring = {"pending", "notified", "monitoring", "released"};
  return t == Tier::kExposed ? kMonitoring : kQuarantine;
}

Result<TierRules> ParseTierRules(std::string_view text, const TierRules& base) {
  TC_ASSIGN_OR_RETURN(json doc, ParseJson(text, {.max_depth = 8}));
  if (!doc.is_object()) return InvalidArgument("the tier rules must be a JSON object");
  TierRules r = base;
  for (const auto& [key, v] : doc.items()) {
    if (key == "tiers") {
      TC_RETURN_IF_ERROR(ParseTiers(v, r));
    } else if (key == "weights") {
      TC_RETURN_IF_ERROR(ParseWeights(v, r));
    } else if (key != "version" && key != "changed_by" && key != "changed_at" && key != "statuses") {
      return FieldInvalid(key, "unknown key '" + key + "' (tiers, weights)");
    }
  }
  // A tier empty by construction: no venue contact can score when every weight is 0,
  // and then the close and secondary tiers hold households at most.
  if (std::all_of(r.weights.per_hour.begin(), r.weights.per_hour.end(), [](double x) { return x == 0; })) {
    return FieldInvalid("weights.per_hour",
                        "weights.per_hour gives every venue kind 0: no venue contact could reach a threshold, "
                        "leaving the secondary tier empty by construction");
  }
  return r;
}

std::string TierRulesJson(const TierRules& r) {
  json per_hour = json::object(), stay = json::object(), group = json::object();
  for (size_t i = 0; i < kVenueKindCount; ++i) {
    per_hour[VenueKinds()[i]] = r.weights.per_hour[i];
    stay[VenueKinds()[i]] = r.weights.stay_minutes[i];
    group[VenueKinds()[i]] = r.weights.group[i];
  }
  json out = {
      {"version", r.version},
      {"tiers",
       {{"close", {{"threshold", r.close_threshold}, {"action", r.close_action}}},
        {"secondary", {{"threshold", r.secondary_threshold}, {"action", r.secondary_action}}},
        {"exposed", {{"action", r.exposed_action}, {"test_days", r.exposed_test_days}}}}},
      {"weights",
       {{"household", r.weights.household},
        {"crowding", r.weights.crowding},
        {"per_hour", per_hour},
        {"stay_minutes", stay},
        {"group", group}}},
      {"statuses",
       {{"close", TierStatuses(Tier::kClose)},
        {"secondary", TierStatuses(Tier::kSecondary)},
        {"exposed", TierStatuses(Tier::kExposed)}}}};
  if (r.changed_at) {
    out["changed_by"] = r.changed_by;
    out["changed_at"] = FormatShanghai(r.changed_at);
  }
  return out.dump();
}

}  // namespace tc::tracing
