#include "livelihood/care_calls.h"

#include <algorithm>
#include <unordered_map>
#include <nlohmann/json.hpp>

#include "base/json.h"
#include "registry/residents.h"

namespace tc::livelihood {

namespace {
constexpr std::string_view kKindNames[] = {"severe_illness", "elderly_alone", "disability", "pregnancy"};
constexpr std::string_view kOutcomeNames[] = {"reached_ok", "reached_with_needs", "not_reached"};
constexpr std::string_view kNeedNames[] = {"medicine", "food", "medical_visit", "other"};
constexpr std::string_view kReasonNames[] = {"missed_in_row", "no_call_by_deadline"};
constexpr Millis kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;

// The defaults in CareRules spell the registry's bits as numbers (the header stays light).
static_assert(registry::kSevereIllness == 16 && registry::kBedridden == 32 && registry::kElderlyAlone == 1 &&
              registry::kDisability == 8 && registry::kPregnant == 4);

template <size_t N>
bool ParseName(const std::string_view (&names)[N], std::string_view s, int* out) {
  for (size_t i = 0; i < N; ++i) {
    if (s == names[i]) {
      *out = static_cast<int>(i);
      return true;
    }
  }
  return false;
}

// How narrowly an area code covers: unit 7, building 5, compound 3, a grid 2 (set
// apart in Roster), community and above 1 — by the code's '-' segments.
int Specificity(std::string_view area) { return 1 + 2 * static_cast<int>(std::count(area.begin(), area.end(), '-')); }

// Per resident, their calls in time order (only those at or before `until`).
std::map<int64_t, std::vector<const Call*>> CallsByResident(const std::vector<Call>& calls, Millis until) {
  std::map<int64_t, std::vector<const Call*>> by;
  for (const Call& c : calls) {
    if (c.at <= until) by[c.resident_id].push_back(&c);
  }
  for (auto& [id, v] : by) {
    std::stable_sort(v.begin(), v.end(), [](const Call* a, const Call* b) { return a->at < b->at; });
  }
  return by;
}

int MissesInRow(const std::vector<const Call*>& v) {
  int n = 0;
  for (auto it = v.rbegin(); it != v.rend() && (*it)->outcome == CallOutcome::kNotReached; ++it) ++n;
  return n;
}

Status ReadInt(const nlohmann::json& v, const std::string& field, int64_t lo, int64_t hi, int64_t* out) {
  if (!v.is_number_integer()) return FieldInvalid(field, "expected an integer");
  const int64_t x = v.get<int64_t>();
  if (x < lo || x > hi) return FieldInvalid(field, "must be " + std::to_string(lo) + " to " + std::to_string(hi));
  *out = x;
  return Status::Ok();
}
}  // namespace

std::string_view CareKindName(CareKind k) { return kKindNames[static_cast<int>(k)]; }
bool ParseCareKind(std::string_view s, CareKind* out) {
  int i = 0;
  if (!ParseName(kKindNames, s, &i)) return false;
  *out = static_cast<CareKind>(i);
  return true;
}
std::string_view CallOutcomeName(CallOutcome o) { return kOutcomeNames[static_cast<int>(o)]; }
bool ParseCallOutcome(std::string_view s, CallOutcome* out) {
  int i = 0;
  if (!ParseName(kOutcomeNames, s, &i)) return false;
  *out = static_cast<CallOutcome>(i);
  return true;
}
std::string_view NeedKindName(NeedKind k) { return kNeedNames[static_cast<int>(k)]; }
bool ParseNeedKind(std::string_view s, NeedKind* out) {
  int i = 0;
  if (!ParseName(kNeedNames, s, &i)) return false;
  *out = static_cast<NeedKind>(i);
  return true;
}
std::string_view EscalationReasonName(EscalationReason r) { return kReasonNames[static_cast<int>(r)]; }

Result<CareRules> ParseCareRules(std::string_view text, const CareRules& base) {
  TC_ASSIGN_OR_RETURN(auto j, ParseJson(text));
  if (!j.is_object()) return InvalidArgument("care rules: expected a JSON object");
  CareRules r = base;
  for (const auto& [key, v] : j.items()) {
    if (key == "tags" || key == "priority") {
      if (!v.is_object()) return FieldInvalid(key, "expected an object keyed by care kind");
      for (const auto& [kname, x] : v.items()) {
        const std::string field = key + "." + kname;
        CareKind k;
        if (!ParseCareKind(kname, &k)) {
          return FieldInvalid(field, "is not a care kind (severe_illness, elderly_alone, disability, pregnancy)");
        }
        if (key == "tags") {
          if (!x.is_array()) return FieldInvalid(field, "expected an array of care tag names");
          std::string names;
          for (const auto& t : x) {
            if (!t.is_string()) return FieldInvalid(field, "expected an array of care tag names");
            names += (names.empty() ? "" : ",") + t.get<std::string>();
          }
          TC_ASSIGN_OR_RETURN(r.tags[static_cast<int>(k)], registry::ParseCareTags(names, field));
        } else {
          int64_t p;
          TC_RETURN_IF_ERROR(ReadInt(x, field, 1, 9, &p));
          r.priority[static_cast<int>(k)] = static_cast<int>(p);
        }
      }
    } else if (key == "misses_in_row") {
      int64_t x;
      TC_RETURN_IF_ERROR(ReadInt(v, key, 1, 10, &x));
      r.misses_in_row = static_cast<int>(x);
    } else if (key == "call_by_minutes") {
      TC_RETURN_IF_ERROR(ReadInt(v, key, 0, 24 * 60 - 1, &r.call_by_minutes));
    } else if (key == "need_due_hours") {
      if (!v.is_object()) return FieldInvalid(key, "expected an object keyed by need kind");
      for (const auto& [nname, x] : v.items()) {
        NeedKind k;
        if (!ParseNeedKind(nname, &k)) {
          return FieldInvalid(key + "." + nname, "is not a need (medicine, food, medical_visit, other)");
        }
        TC_RETURN_IF_ERROR(ReadInt(x, key + "." + nname, 1, 720, &r.need_due_hours[static_cast<int>(k)]));
      }
    } else {
      return FieldInvalid(key, "is not a care rule");
    }
  }
  return r;
}

std::string CareRulesJson(const CareRules& r) {
  nlohmann::json j;
  for (int k = 0; k < kCareKindCount; ++k) {
    const std::string name(kKindNames[k]);
    j["tags"][name] = registry::CareTagNames(r.tags[k]);
    j["priority"][name] = r.priority[k];
  }
  j["misses_in_row"] = r.misses_in_row;
  j["call_by_minutes"] = r.call_by_minutes;
  for (int k = 0; k < kNeedKindCount; ++k) j["need_due_hours"][std::string(kNeedNames[k])] = r.need_due_hours[k];
  return j.dump();
}

Result<RecordedCall> RecordCall(const Call& c, const CareRules& rules, Millis now) {
  if (c.resident_id <= 0) return FieldInvalid("resident_id", "names no resident");
  if (c.worker_id <= 0) return FieldInvalid("worker_id", "names no worker");
  if (c.outcome == CallOutcome::kReachedWithNeeds && c.needs.empty()) {
    return FieldInvalid("needs", "are required when the call reached them with needs");
  }
  if (c.outcome != CallOutcome::kReachedWithNeeds && !c.needs.empty()) {
    return FieldInvalid("needs", "are only recorded with the outcome reached_with_needs, not " +
                                     std::string(CallOutcomeName(c.outcome)));
  }
  RecordedCall out;
  out.call = c;
  out.call.at = now;
  for (size_t i = 0; i < c.needs.size(); ++i) {
    const NeedItem& n = c.needs[i];
    if (n.kind == NeedKind::kOther && n.note.empty()) {
      return FieldInvalid("needs[" + std::to_string(i) + "].note", "is required for a need of kind other");
    }
    out.tasks.push_back({.resident_id = c.resident_id,
                         .raised_by = c.worker_id,
                         .kind = n.kind,
                         .note = n.note,
                         .raised_at = now,
                         .due_by = now + rules.need_due_hours[static_cast<int>(n.kind)] * kHour});
  }
  return out;
}

// The codes that cover `unit_code`: the code itself and each prefix ending before a
// '-' (an area code covers a unit whose code equals it or starts with it and '-'),
// longest first.
template <typename F>
void ForEachCoveringCode(const std::string& unit_code, F&& f) {
  std::string_view u(unit_code);
  f(u);
  for (size_t i = u.size(); i-- > 0;) {
    if (u[i] == '-') f(u.substr(0, i));
  }
}

std::vector<RosterEntry> Roster(const std::vector<CareResident>& residents, const std::vector<CareGrid>& grids,
                                const std::vector<CareWorker>& workers, const CareRules& rules) {
  // Looked up per resident by the codes that cover their unit, instead of scanning
  // every grid's buildings and every worker's areas for each resident (which made the
  // city's roster quadratic: 740 k residents × 51 k buildings × 122 k covers).
  // The first grid (in the order given) holding a covering building code:
  std::unordered_map<std::string_view, size_t> grid_of_building;
  for (size_t g = 0; g < grids.size(); ++g) {
    for (const std::string& b : grids[g].building_codes) {
      if (!b.empty()) grid_of_building.try_emplace(b, g);
    }
  }
  // The first worker (in the order given) covering each area code:
  std::unordered_map<std::string_view, size_t> worker_of_area;
  for (size_t w = 0; w < workers.size(); ++w) {
    for (const std::string& a : workers[w].area_codes) {
      if (!a.empty()) worker_of_area.try_emplace(a, w);
    }
  }
  std::vector<RosterEntry> out;
  for (const CareResident& r : residents) {
    RosterEntry e;
    e.resident = &r;
    std::vector<std::pair<int, CareKind>> kinds;
    for (int k = 0; k < kCareKindCount; ++k) {
      if (r.tags & rules.tags[k]) kinds.push_back({rules.priority[k], static_cast<CareKind>(k)});
    }
    if (kinds.empty()) continue;
    std::stable_sort(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [p, k] : kinds) e.kinds.push_back(k);
    e.priority = kinds.front().first;
    size_t grid = grids.size();
    ForEachCoveringCode(r.unit_code, [&](std::string_view code) {
      if (const auto it = grid_of_building.find(code); it != grid_of_building.end()) grid = std::min(grid, it->second);
    });
    if (grid < grids.size()) {
      e.grid_code = grids[grid].code;
      e.grid_head = grids[grid].head_id;
    }
    // The most specific cover (unit 7 … community 1, the grid's code 2); among equals
    // the first worker given.
    int best = 0;
    size_t best_worker = workers.size();
    const auto consider = [&](std::string_view code, int s) {
      const auto it = worker_of_area.find(code);
      if (it == worker_of_area.end()) return;
      if (s > best || (s == best && it->second < best_worker)) best = s, best_worker = it->second;
    };
    ForEachCoveringCode(r.unit_code, [&](std::string_view code) {
      consider(code, !e.grid_code.empty() && code == e.grid_code ? 2 : Specificity(code));
    });
    if (!e.grid_code.empty()) consider(e.grid_code, 2);
    e.caller = best_worker < workers.size() ? workers[best_worker].id : 0;
    if (e.caller == 0) e.caller = e.grid_head;
    out.push_back(std::move(e));
  }
  return out;
}

std::map<int64_t, std::vector<CallEntry>> CallLists(const std::vector<CareResident>& residents,
                                                    const std::vector<CareGrid>& grids,
                                                    const std::vector<CareWorker>& workers,
                                                    const std::vector<Call>& calls, const CareRules& rules,
                                                    Millis day_start) {
  const Millis day_end = day_start + kDay;
  const auto by = CallsByResident(calls, day_end - 1);
  std::map<int64_t, std::vector<CallEntry>> lists;
  for (const RosterEntry& r : Roster(residents, grids, workers, rules)) {
    CallEntry e;
    e.resident_id = r.resident->id;
    e.name = r.resident->name;
    e.phone = r.resident->phone;
    e.kinds = r.kinds;
    e.priority = r.priority;
    e.grid_code = r.grid_code;
    if (auto it = by.find(e.resident_id); it != by.end() && !it->second.empty()) {
      e.has_last_call = true;
      e.last_call = *it->second.back();
      e.called_today = e.last_call.at >= day_start;
      e.misses_in_row = MissesInRow(it->second);
    }
    lists[r.caller].push_back(std::move(e));
  }
  for (auto& [caller, list] : lists) {
    std::sort(list.begin(), list.end(), [](const CallEntry& a, const CallEntry& b) {
      if (a.priority != b.priority) return a.priority < b.priority;
      if (a.called_today != b.called_today) return !a.called_today;
      if (a.misses_in_row != b.misses_in_row) return a.misses_in_row > b.misses_in_row;
      const Millis la = a.has_last_call ? a.last_call.at : -1, lb = b.has_last_call ? b.last_call.at : -1;
      if (la != lb) return la < lb;
      return a.resident_id < b.resident_id;
    });
  }
  return lists;
}

std::vector<Escalation> Escalations(const std::vector<CareResident>& residents, const std::vector<CareGrid>& grids,
                                    const std::vector<CareWorker>& workers, const std::vector<Call>& calls,
                                    const CareRules& rules, Millis day_start, Millis now) {
  const auto by = CallsByResident(calls, now);
  const bool past_deadline = now >= day_start + rules.call_by_minutes * kMinute;
  std::vector<std::pair<int, Escalation>> out;
  for (const RosterEntry& r : Roster(residents, grids, workers, rules)) {
    Escalation e{.resident_id = r.resident->id, .to = r.grid_head, .caller = r.caller, .grid_code = r.grid_code};
    const auto it = by.find(e.resident_id);
    const int misses = it == by.end() ? 0 : MissesInRow(it->second);
    const bool called_today = it != by.end() && !it->second.empty() && it->second.back()->at >= day_start;
    if (misses >= rules.misses_in_row) {
      e.reason = EscalationReason::kMissedInRow;
      e.misses = misses;
    } else if (past_deadline && !called_today) {
      e.reason = EscalationReason::kNoCallByDeadline;
    } else {
      continue;
    }
    out.push_back({r.priority, std::move(e)});
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.resident_id < b.second.resident_id;
  });
  std::vector<Escalation> result;
  for (auto& [p, e] : out) result.push_back(std::move(e));
  return result;
}

}  // namespace tc::livelihood
