#include "livelihood/care_calls.h"

#include <algorithm>
#include <climits>
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
void ForEachCoveringCode(std::string_view u, F&& f) {
  f(u);
  for (size_t i = u.size(); i-- > 0;) {
    if (u[i] == '-') f(u.substr(0, i));
  }
}

namespace {

// The kinds a set of rostered kinds (bit k: CareKind k) lists, in priority order, and
// the best priority — one row per set, computed once per call.
struct KindSet {
  std::array<CareKind, kCareKindCount> kinds{};
  uint8_t count = 0;
  int32_t priority = 0;
};
std::array<KindSet, 1 << kCareKindCount> KindSets(const CareRules& rules) {
  std::array<KindSet, 1 << kCareKindCount> out{};
  for (int m = 1; m < (1 << kCareKindCount); ++m) {
    std::vector<std::pair<int, CareKind>> kinds;
    for (int k = 0; k < kCareKindCount; ++k) {
      if (m & (1 << k)) kinds.push_back({rules.priority[k], static_cast<CareKind>(k)});
    }
    std::stable_sort(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [p, k] : kinds) out[m].kinds[out[m].count++] = k;
    out[m].priority = kinds.front().first;
  }
  return out;
}

// A rostered resident: who, why (KindSet index), their grid and their caller (an index
// into FlatRoster::callers, the distinct caller ids ascending).
struct Rostered {
  uint32_t resident = 0;
  int32_t grid = -1;
  uint32_t caller = 0;
  uint8_t kinds = 0;
};
struct FlatRoster {
  std::vector<Rostered> entries;  // in the residents' order
  std::vector<int64_t> callers;   // distinct caller ids ascending (0 among them)
};

// The roster by the codes covering each unit, looked up in one hash map of every
// building and area code — once per distinct unit (residents of a unit mostly come
// together), instead of scanning every grid and worker per resident (which made the
// city's roster quadratic: 740 k residents × 51 k buildings × 122 k covers).
// Walks the roster: `emit(const Rostered&)` for each rostered resident in the residents'
// order; returns the distinct caller ids ascending (Rostered::caller indexes them).
template <typename Emit>
std::vector<int64_t> WalkRoster(const std::vector<CareResident>& residents, const std::vector<CareGrid>& grids,
                                const std::vector<CareWorker>& workers, const CareRules& rules, Emit&& emit) {
  // The first grid (in the order given) with the code as a building, the first worker
  // (in the order given) covering it as an area.
  struct Cover {
    int32_t grid = -1, worker = -1;
  };
  std::unordered_map<std::string_view, Cover> covers;
  covers.reserve(grids.size() * 8 + workers.size() * 2);
  for (size_t g = 0; g < grids.size(); ++g) {
    for (const std::string& b : grids[g].building_codes) {
      if (b.empty()) continue;
      Cover& c = covers[b];
      if (c.grid < 0) c.grid = static_cast<int32_t>(g);
    }
  }
  for (size_t w = 0; w < workers.size(); ++w) {
    for (const std::string& a : workers[w].area_codes) {
      if (a.empty()) continue;
      Cover& c = covers[a];
      if (c.worker < 0) c.worker = static_cast<int32_t>(w);
    }
  }
  // The worker covering each grid's own code (a grid worker).
  std::vector<int32_t> grid_worker(grids.size(), -1);
  for (size_t g = 0; g < grids.size(); ++g) {
    if (const auto it = covers.find(grids[g].code); it != covers.end()) grid_worker[g] = it->second.worker;
  }
  // Caller ids made dense: every worker's id, every grid's head and 0, sorted.
  std::vector<int64_t> callers;
  callers.reserve(workers.size() + grids.size() + 1);
  callers.push_back(0);
  for (const CareWorker& w : workers) callers.push_back(w.id);
  for (const CareGrid& g : grids) callers.push_back(g.head_id);
  std::sort(callers.begin(), callers.end());
  callers.erase(std::unique(callers.begin(), callers.end()), callers.end());
  const auto dense = [&](int64_t id) {
    return static_cast<uint32_t>(std::lower_bound(callers.begin(), callers.end(), id) - callers.begin());
  };
  std::vector<uint32_t> worker_caller(workers.size()), head_caller(grids.size());
  for (size_t w = 0; w < workers.size(); ++w) worker_caller[w] = dense(workers[w].id);
  for (size_t g = 0; g < grids.size(); ++g) head_caller[g] = dense(grids[g].head_id);
  const uint32_t nobody = dense(0);

  // A unit's grid and caller.
  struct Placed {
    int32_t grid = -1;
    uint32_t caller = 0;
  };
  const auto place = [&](std::string_view unit) {
    // The covers found, kept for the second step (a unit code has a handful of segments;
    // a longer one is looked up again).
    std::pair<std::string_view, int32_t> found[16];
    size_t n = 0;
    bool overflow = false;
    int32_t grid = -1;
    ForEachCoveringCode(unit, [&](std::string_view code) {
      const auto it = covers.find(code);
      if (it == covers.end()) return;
      if (it->second.grid >= 0 && (grid < 0 || it->second.grid < grid)) grid = it->second.grid;
      if (it->second.worker < 0) return;
      if (n < std::size(found)) {
        found[n++] = {code, it->second.worker};
      } else {
        overflow = true;
      }
    });
    // The most specific cover (unit 7 … community 1, the grid's code 2); among equals
    // the first worker given.
    int best = 0;
    int32_t best_worker = -1;
    const auto consider = [&](int32_t w, int s) {
      if (w < 0) return;
      if (s > best || (s == best && w < best_worker)) best = s, best_worker = w;
    };
    const auto specificity = [&](std::string_view code) {
      return grid >= 0 && code == grids[grid].code ? 2 : Specificity(code);
    };
    if (!overflow) {
      for (size_t i = 0; i < n; ++i) consider(found[i].second, specificity(found[i].first));
    } else {
      ForEachCoveringCode(unit, [&](std::string_view code) {
        if (const auto it = covers.find(code); it != covers.end()) consider(it->second.worker, specificity(code));
      });
    }
    if (grid >= 0) consider(grid_worker[grid], 2);
    Placed p{.grid = grid, .caller = nobody};
    if (best_worker >= 0 && workers[best_worker].id != 0) {
      p.caller = worker_caller[best_worker];
    } else if (grid >= 0) {
      p.caller = head_caller[grid];
    }
    return p;
  };

  // The covers of a unit's proper prefixes (its building, compound, community …), kept
  // per parent code: residents of a building share them, so per resident only the unit
  // code itself is looked up (and the parent when it is not the last one seen).
  struct Parent {
    int32_t grid = -1;
    uint8_t n = 0;
    bool overflow = false;  // more covers than fit: the unit is placed the slow way
    std::array<std::pair<std::string_view, int32_t>, 8> workers;
  };
  const auto scan = [&](std::string_view parent) {
    Parent p;
    ForEachCoveringCode(parent, [&](std::string_view code) {
      const auto it = covers.find(code);
      if (it == covers.end()) return;
      if (it->second.grid >= 0 && (p.grid < 0 || it->second.grid < p.grid)) p.grid = it->second.grid;
      if (it->second.worker < 0) return;
      if (p.n < p.workers.size()) {
        p.workers[p.n++] = {code, it->second.worker};
      } else {
        p.overflow = true;
      }
    });
    return p;
  };
  std::unordered_map<std::string_view, Parent> parents;
  std::string_view last_parent;
  const Parent* parent = nullptr;
  const Parent none;
  const auto place_fast = [&](std::string_view unit) {
    const size_t dash = unit.rfind('-');
    if (dash == std::string_view::npos) {
      parent = &none;
      last_parent = {};
    } else if (parent == nullptr || unit.substr(0, dash) != last_parent) {
      last_parent = unit.substr(0, dash);
      auto [it, fresh] = parents.try_emplace(last_parent);
      if (fresh) it->second = scan(last_parent);
      parent = &it->second;
    }
    if (parent->overflow) return place(unit);
    int32_t grid = parent->grid, own_worker = -1;
    if (const auto it = covers.find(unit); it != covers.end()) {
      if (it->second.grid >= 0 && (grid < 0 || it->second.grid < grid)) grid = it->second.grid;
      own_worker = it->second.worker;
    }
    int best = 0;
    int32_t best_worker = -1;
    const auto consider = [&](int32_t w, std::string_view code) {
      if (w < 0) return;
      const int s = grid >= 0 && code == grids[grid].code ? 2 : Specificity(code);
      if (s > best || (s == best && w < best_worker)) best = s, best_worker = w;
    };
    consider(own_worker, unit);
    for (uint8_t i = 0; i < parent->n; ++i) consider(parent->workers[i].second, parent->workers[i].first);
    if (grid >= 0 && grid_worker[grid] >= 0) {
      const int32_t w = grid_worker[grid];
      if (2 > best || (2 == best && w < best_worker)) best = 2, best_worker = w;
    }
    Placed p{.grid = grid, .caller = nobody};
    if (best_worker >= 0 && workers[best_worker].id != 0) {
      p.caller = worker_caller[best_worker];
    } else if (grid >= 0) {
      p.caller = head_caller[grid];
    }
    return p;
  };

  const std::string* last_unit = nullptr;
  Placed last;
  for (size_t i = 0; i < residents.size(); ++i) {
    const CareResident& r = residents[i];
    uint8_t kinds = 0;
    for (int k = 0; k < kCareKindCount; ++k) {
      if (r.tags & rules.tags[k]) kinds |= static_cast<uint8_t>(1 << k);
    }
    if (kinds == 0) continue;
    if (last_unit == nullptr || r.unit_code != *last_unit) {
      last = place_fast(r.unit_code);
      last_unit = &r.unit_code;
    }
    emit(Rostered{.resident = static_cast<uint32_t>(i), .grid = last.grid, .caller = last.caller, .kinds = kinds});
  }
  return callers;
}

FlatRoster MakeFlatRoster(const std::vector<CareResident>& residents, const std::vector<CareGrid>& grids,
                          const std::vector<CareWorker>& workers, const CareRules& rules) {
  FlatRoster out;
  out.callers = WalkRoster(residents, grids, workers, rules, [&](const Rostered& r) { out.entries.push_back(r); });
  return out;
}

// Per rostered entry, their latest call at or before `until` (index into `calls`, -1
// none; among calls at the same time the later given) and the not-reached calls in a
// row up to it. Calls are found by resident id through a dense table when the ids are
// compact enough, else a hash map.
struct History {
  std::vector<int32_t> last;
  std::vector<uint16_t> misses;
};
// `resident(j)`: the index into `residents` of the j-th of n rostered.
template <typename ResidentOf>
History MakeHistory(const std::vector<CareResident>& residents, size_t n, ResidentOf&& resident,
                    const std::vector<Call>& calls, Millis until) {
  History h{std::vector<int32_t>(n, -1), std::vector<uint16_t>(n, 0)};
  if (n == 0 || calls.empty()) return h;
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (size_t j = 0; j < n; ++j) {
    lo = std::min(lo, residents[resident(j)].id);
    hi = std::max(hi, residents[resident(j)].id);
  }
  const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
  std::vector<int32_t> table;
  std::unordered_map<int64_t, int32_t> map;
  const bool dense = range <= 16 * (n + calls.size()) + 4096;
  bool twice = false;  // a resident given twice
  if (dense) {
    table.assign(range, -1);
    for (size_t j = n; j-- > 0;) {
      int32_t& t = table[residents[resident(j)].id - lo];
      twice |= t >= 0;
      t = static_cast<int32_t>(j);
    }
  } else {
    map.reserve(n);
    for (size_t j = n; j-- > 0;) {
      int32_t& t = map.try_emplace(residents[resident(j)].id, -1).first->second;
      twice |= t >= 0;
      t = static_cast<int32_t>(j);
    }
  }
  // (The first rostered entry of an id holds its calls; a resident given twice shares them.)
  const auto slot_of = [&](int64_t id) -> int32_t {
    if (dense) return id < lo || id > hi ? -1 : table[id - lo];
    const auto it = map.find(id);
    return it == map.end() ? -1 : it->second;
  };
  std::vector<int32_t> slot(calls.size(), -1);
  std::vector<uint32_t> count(n + 1, 0);
  bool several = false;
  for (size_t j = 0; j < calls.size(); ++j) {
    if (calls[j].at > until) continue;
    const int32_t s = slot_of(calls[j].resident_id);
    if (s < 0) continue;
    slot[j] = s;
    several |= ++count[s + 1] > 1;
  }
  if (!several) {  // at most one call each: it is the latest
    for (size_t j = 0; j < calls.size(); ++j) {
      if (slot[j] < 0) continue;
      h.last[slot[j]] = static_cast<int32_t>(j);
      h.misses[slot[j]] = calls[j].outcome == CallOutcome::kNotReached;
    }
  } else {
    for (size_t s = 0; s < n; ++s) count[s + 1] += count[s];
    std::vector<uint32_t> order(count[n]);
    std::vector<uint32_t> at(count.begin(), count.end() - 1);
    for (size_t j = 0; j < calls.size(); ++j) {
      if (slot[j] >= 0) order[at[slot[j]]++] = static_cast<uint32_t>(j);
    }
    const auto by_time = [&](uint32_t a, uint32_t b) { return calls[a].at < calls[b].at; };
    for (size_t s = 0; s < n; ++s) {
      const auto b = order.begin() + count[s], e = order.begin() + count[s + 1];
      if (b == e) continue;
      if (!std::is_sorted(b, e, by_time)) std::stable_sort(b, e, by_time);
      h.last[s] = static_cast<int32_t>(*(e - 1));
      uint16_t m = 0;
      for (auto it = e; it != b && calls[*(it - 1)].outcome == CallOutcome::kNotReached; --it) ++m;
      h.misses[s] = m;
    }
  }
  // Entries of a resident given twice read the first entry's history.
  for (size_t j = 0; twice && j < n; ++j) {
    const int32_t s = slot_of(residents[resident(j)].id);
    if (s >= 0 && static_cast<size_t>(s) != j) h.last[j] = h.last[s], h.misses[j] = h.misses[s];
  }
  return h;
}

bool LineBefore(const CallLine& a, const CallLine& b) {
  if (a.priority != b.priority) return a.priority < b.priority;
  if (a.called_today != b.called_today) return !a.called_today;
  if (a.misses_in_row != b.misses_in_row) return a.misses_in_row > b.misses_in_row;
  if (a.last_at != b.last_at) return a.last_at < b.last_at;
  return a.resident_id < b.resident_id;
}

}  // namespace

std::vector<RosterEntry> Roster(const std::vector<CareResident>& residents, const std::vector<CareGrid>& grids,
                                const std::vector<CareWorker>& workers, const CareRules& rules) {
  const FlatRoster roster = MakeFlatRoster(residents, grids, workers, rules);
  const auto sets = KindSets(rules);
  std::vector<RosterEntry> out;
  out.reserve(roster.entries.size());
  for (const Rostered& r : roster.entries) {
    RosterEntry e;
    e.resident = &residents[r.resident];
    const KindSet& k = sets[r.kinds];
    e.kinds.assign(k.kinds.begin(), k.kinds.begin() + k.count);
    e.priority = k.priority;
    if (r.grid >= 0) {
      e.grid_code = grids[r.grid].code;
      e.grid_head = grids[r.grid].head_id;
    }
    e.caller = roster.callers[r.caller];
    out.push_back(std::move(e));
  }
  return out;
}

const CallListSet::List* CallListSet::Find(int64_t caller) const {
  const auto it =
      std::lower_bound(lists.begin(), lists.end(), caller, [](const List& l, int64_t c) { return l.caller < c; });
  return it != lists.end() && it->caller == caller ? &*it : nullptr;
}

CallListSet FlatCallLists(const std::vector<CareResident>& residents, const std::vector<CareGrid>& grids,
                          const std::vector<CareWorker>& workers, const std::vector<Call>& calls,
                          const CareRules& rules, Millis day_start) {
  const Millis until = day_start + kDay - 1;
  const auto sets = KindSets(rules);
  // The lines in the residents' order, each written once; their callers aside.
  CallListSet out;
  std::vector<uint32_t> caller_of;
  // At most every resident: reserved, not touched (no copies while growing).
  out.lines.reserve(residents.size());
  caller_of.reserve(residents.size());
  bool ascending = true;
  const std::vector<int64_t> callers = WalkRoster(residents, grids, workers, rules, [&](const Rostered& r) {
    CallLine l;
    l.resident_id = residents[r.resident].id;
    l.resident = r.resident;
    l.grid = r.grid;
    const KindSet& k = sets[r.kinds];
    l.kinds = k.kinds;
    l.kind_count = k.count;
    l.priority = k.priority;
    ascending = ascending && (out.lines.empty() || out.lines.back().resident_id < l.resident_id);
    out.lines.push_back(l);
    caller_of.push_back(r.caller);
  });
  const size_t n = out.lines.size();
  const auto set_last = [&](CallLine& l, int32_t last, uint16_t misses) {
    if (last < 0) return;
    l.last_call = last;
    l.last_at = calls[last].at;
    l.called_today = l.last_at >= day_start;
    l.misses_in_row = misses;
  };
  // When the roster's ids ascend and the calls come by resident id (as an index on
  // (resident_id, at) gives them), each resident's calls are met walking both once —
  // no table by id (which for a city is tens of MB of fresh pages per call).
  if (ascending && std::is_sorted(calls.begin(), calls.end(), [](const Call& a, const Call& b) {
        return a.resident_id < b.resident_id;
      })) {
    size_t next = 0;
    std::vector<uint32_t> run;  // one resident's calls up to `until`, in time order
    const auto by_time = [&](uint32_t a, uint32_t b) { return calls[a].at < calls[b].at; };
    for (CallLine& l : out.lines) {
      while (next < calls.size() && calls[next].resident_id < l.resident_id) ++next;
      run.clear();
      for (; next < calls.size() && calls[next].resident_id == l.resident_id; ++next) {
        if (calls[next].at <= until) run.push_back(static_cast<uint32_t>(next));
      }
      if (run.empty()) continue;
      if (run.size() > 1 && !std::is_sorted(run.begin(), run.end(), by_time)) {
        std::stable_sort(run.begin(), run.end(), by_time);
      }
      uint16_t misses = 0;
      for (auto it = run.rbegin(); it != run.rend() && calls[*it].outcome == CallOutcome::kNotReached; ++it) ++misses;
      set_last(l, static_cast<int32_t>(run.back()), misses);
    }
  } else {
    const History h = MakeHistory(
        residents, n, [&](size_t j) { return out.lines[j].resident; }, calls, until);
    for (size_t j = 0; j < n; ++j) set_last(out.lines[j], h.last[j], h.misses[j]);
  }
  // Grouped by caller (dense index, ids ascending) by counting, then each list sorted.
  const size_t nc = callers.size();
  std::vector<uint32_t> start(nc + 1, 0);
  for (uint32_t c : caller_of) ++start[c + 1];
  for (size_t c = 0; c < nc; ++c) start[c + 1] += start[c];
  for (size_t c = 0; c < nc; ++c) {
    if (start[c + 1] > start[c]) out.lists.push_back({callers[c], start[c], start[c + 1]});
  }
  out.order.resize(n);
  std::vector<uint32_t> at(start.begin(), start.end() - 1);
  for (size_t j = 0; j < n; ++j) out.order[at[caller_of[j]]++] = static_cast<uint32_t>(j);
  const auto before = [&](uint32_t a, uint32_t b) { return LineBefore(out.lines[a], out.lines[b]); };
  for (const CallListSet::List& list : out.lists) {
    std::sort(out.order.begin() + list.begin, out.order.begin() + list.end, before);
  }
  return out;
}

CallEntry MakeCallEntry(const CallLine& l, const std::vector<CareResident>& residents,
                        const std::vector<CareGrid>& grids, const std::vector<Call>& calls) {
  CallEntry e;
  const CareResident& r = residents[l.resident];
  e.resident_id = l.resident_id;
  e.name = r.name;
  e.phone = r.phone;
  e.kinds.assign(l.kinds.begin(), l.kinds.begin() + l.kind_count);
  e.priority = l.priority;
  if (l.grid >= 0) e.grid_code = grids[l.grid].code;
  if (l.last_call >= 0) {
    e.has_last_call = true;
    e.last_call = calls[l.last_call];
  }
  e.called_today = l.called_today;
  e.misses_in_row = l.misses_in_row;
  return e;
}

std::map<int64_t, std::vector<CallEntry>> CallLists(const std::vector<CareResident>& residents,
                                                    const std::vector<CareGrid>& grids,
                                                    const std::vector<CareWorker>& workers,
                                                    const std::vector<Call>& calls, const CareRules& rules,
                                                    Millis day_start) {
  const CallListSet set = FlatCallLists(residents, grids, workers, calls, rules, day_start);
  std::map<int64_t, std::vector<CallEntry>> lists;
  for (const CallListSet::List& list : set.lists) {
    auto& into = lists[list.caller];
    into.reserve(list.end - list.begin);
    for (uint32_t i = list.begin; i < list.end; ++i) into.push_back(MakeCallEntry(set.At(i), residents, grids, calls));
  }
  return lists;
}

std::vector<Escalation> Escalations(const std::vector<CareResident>& residents, const std::vector<CareGrid>& grids,
                                    const std::vector<CareWorker>& workers, const std::vector<Call>& calls,
                                    const CareRules& rules, Millis day_start, Millis now) {
  const FlatRoster roster = MakeFlatRoster(residents, grids, workers, rules);
  const History h = MakeHistory(
      residents, roster.entries.size(), [&](size_t j) { return roster.entries[j].resident; }, calls, now);
  const auto sets = KindSets(rules);
  const bool past_deadline = now >= day_start + rules.call_by_minutes * kMinute;
  std::vector<std::pair<int, Escalation>> out;
  for (size_t j = 0; j < roster.entries.size(); ++j) {
    const Rostered& r = roster.entries[j];
    Escalation e{.resident_id = residents[r.resident].id,
                 .to = r.grid >= 0 ? grids[r.grid].head_id : 0,
                 .caller = roster.callers[r.caller]};
    const int misses = h.misses[j];
    const bool called_today = h.last[j] >= 0 && calls[h.last[j]].at >= day_start;
    if (misses >= rules.misses_in_row) {
      e.reason = EscalationReason::kMissedInRow;
      e.misses = misses;
    } else if (past_deadline && !called_today) {
      e.reason = EscalationReason::kNoCallByDeadline;
    } else {
      continue;
    }
    if (r.grid >= 0) e.grid_code = grids[r.grid].code;
    out.push_back({sets[r.kinds].priority, std::move(e)});
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.resident_id < b.second.resident_id;
  });
  std::vector<Escalation> result;
  result.reserve(out.size());
  for (auto& [p, e] : out) result.push_back(std::move(e));
  return result;
}

}  // namespace tc::livelihood
