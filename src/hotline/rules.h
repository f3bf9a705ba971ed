// The hotline's handling rules (接诉即办): a request's priority from its category and
// the mode (peacetime / wartime) of its district, and the deadlines each priority
// gives — respond (the department accepts and contacts the caller), handle (a
// resolution), call back. Reminders fire at a share of each deadline's time; a missed
// deadline escalates. Versioned like the other rule sets: the store keeps every
// version (hotline_rules) and who changed it why. Plain values; no locking.
//
//   HotlineRules r = ParseHotlineRules(R"({"wartime": {"epidemic": "urgent"}})", {}).value();
//   Priority p = r.PriorityOf("epidemic.testing", /*wartime=*/true);   // kUrgent
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/time.h"

namespace tc::hotline {

enum class Priority : uint8_t { kNormal = 0, kHigh = 1, kUrgent = 2 };
std::string_view PriorityName(Priority p);  // normal | high | urgent
bool ParsePriority(std::string_view s, Priority* out);

struct Deadlines {
  int64_t respond_minutes = 0;  // from receipt to the department's acceptance
  int64_t handle_hours = 0;     // from receipt to a resolution
  int64_t callback_hours = 0;   // from resolution to the callback
};

struct HotlineRules {
  int64_t version = 0;  // 0: the built-in defaults (never stored)
  // Deadlines per priority, indexed by Priority.
  Deadlines deadlines[3] = {{24 * 60, 7 * 24, 72}, {4 * 60, 3 * 24, 48}, {30, 24, 24}};
  // Priority per category code or top-level code ("*": everything else), per mode.
  // The most specific entry wins (leaf, then its top-level code, then "*").
  std::map<std::string, Priority> peacetime = {
      {"*", Priority::kNormal},       {"epidemic", Priority::kHigh},  {"heating", Priority::kHigh},
      {"utilities", Priority::kHigh}, {"enterprise", Priority::kHigh}};
  std::map<std::string, Priority> wartime = {
      {"*", Priority::kNormal},       {"epidemic", Priority::kUrgent}, {"heating", Priority::kHigh},
      {"utilities", Priority::kHigh}, {"enterprise", Priority::kHigh}};
  double remind_at = 0.75;        // share of a deadline's time after which the handler is reminded
  int64_t duplicate_hours = 72;   // same caller, same category, open, this recent → merged
  double duplicate_similarity = 0.3;  // character-bigram overlap (Dice) for "same matter"
  double address_confidence = 0.6;    // below: manual dispatch
  int satisfied_from = 4;        // satisfaction ≥ this counts as satisfied (满意/基本满意)
  int reopen_below = 3;          // satisfaction < this reopens the request
  int64_t hotspot_window_hours = 24;
  int64_t hotspot_min_count = 5;
  double hotspot_ratio = 3.0;    // window count ≥ ratio × the baseline's average per window
  int64_t hotspot_baseline_days = 7;
  std::string changed_by, reason;
  Millis changed_at = 0;

  Priority PriorityOf(std::string_view category, bool wartime_mode) const;
  const Deadlines& For(Priority p) const { return deadlines[static_cast<int>(p)]; }
};

// The rules a JSON document gives on top of `base`. Keys: "deadlines" {priority:
// {respond_minutes, handle_hours, callback_hours}}, "peacetime"/"wartime" {code:
// priority}, and the scalar fields by name. InvalidArgument naming the field for an
// unknown key, a value of the wrong type or out of range.
Result<HotlineRules> ParseHotlineRules(std::string_view json, const HotlineRules& base);
std::string HotlineRulesJson(const HotlineRules& r);

}  // namespace tc::hotline
