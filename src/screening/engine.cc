#include "screening/engine.h"

#include <algorithm>
#include <charconv>

#include "registry/id_number.h"

namespace tc::screening {
namespace {

inline size_t Slot(uint64_t key, size_t mask) {
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdULL;
  key ^= key >> 33;
  return static_cast<size_t>(key) & mask;
}

}  // namespace

void IdTable::Reserve(size_t n) {
  size_t cap = 16;
  while (cap < n * 2) cap <<= 1;
  if (cap <= keys_.size()) return;
  std::vector<uint64_t> old_keys = std::move(keys_);
  std::vector<uint32_t> old_values = std::move(values_);
  keys_.assign(cap, 0);
  values_.assign(cap, 0);
  size_ = 0;
  for (size_t i = 0; i < old_keys.size(); ++i) {
    if (old_keys[i] != 0) Put(old_keys[i], old_values[i]);
  }
}

void IdTable::Grow() { Reserve(keys_.empty() ? 16 : keys_.size()); }

void IdTable::Put(uint64_t key, uint32_t person) {
  if ((size_ + 1) * 2 > keys_.size()) Grow();
  const size_t mask = keys_.size() - 1;
  for (size_t i = Slot(key, mask);; i = (i + 1) & mask) {
    if (keys_[i] == key) {
      values_[i] = person;
      return;
    }
    if (keys_[i] == 0) {
      keys_[i] = key;
      values_[i] = person;
      ++size_;
      return;
    }
  }
}

uint32_t IdTable::Get(uint64_t key) const {
  if (keys_.empty() || key == 0) return 0;
  const size_t mask = keys_.size() - 1;
  for (size_t i = Slot(key, mask);; i = (i + 1) & mask) {
    if (keys_[i] == key) return values_[i];
    if (keys_[i] == 0) return 0;
  }
}

uint64_t IdKey(std::string_view id) {
  if (id.size() != 18) return 0;
  uint64_t key = 0;
  for (size_t i = 0; i < 17; ++i) {
    const char c = id[i];
    if (c < '0' || c > '9') return 0;
    key = key * 10 + static_cast<uint64_t>(c - '0');
  }
  char check = id[17];
  if (check == 'x') check = 'X';
  if (registry::IdCheckCharacter(id.substr(0, 17)) != check) return 0;
  return key == 0 ? 0 : key;
}

std::string_view KindName(TubeKind k) {
  switch (k) {
    case TubeKind::kPool: return "pool";
    case TubeKind::kSingle: return "single";
    case TubeKind::kRetest: return "retest";
  }
  return "pool";
}

std::string_view ResultName(TubeResultCode r) {
  switch (r) {
    case TubeResultCode::kNone: return "";
    case TubeResultCode::kNegative: return "negative";
    case TubeResultCode::kPositive: return "positive";
    case TubeResultCode::kInvalid: return "invalid";
  }
  return "";
}

TubeResultCode ParseResult(std::string_view s) {
  if (s == "negative" || s == "阴性") return TubeResultCode::kNegative;
  if (s == "positive" || s == "阳性") return TubeResultCode::kPositive;
  if (s == "invalid" || s == "无效") return TubeResultCode::kInvalid;
  return TubeResultCode::kNone;
}

void Engine::PutPerson(int64_t id, uint64_t key, uint32_t area_index, bool is_bedridden) {
  const size_t need = static_cast<size_t>(id) + 1;
  if (unit_of.size() < need) {
    const size_t size = std::max(need, unit_of.size() + unit_of.size() / 8);
    unit_of.resize(size, 0);
    bedridden.resize(size, 0);
  }
  if (unit_of[id] == 0) ++people;
  unit_of[id] = area_index + 1;
  bedridden[id] = is_bedridden ? 1 : 0;
  if (key != 0) ids.Put(key, static_cast<uint32_t>(id));
}

void Engine::BuildUnitIndex() {
  unit_first.assign(areas.size() + 1, 0);
  for (size_t p = 0; p < unit_of.size(); ++p) {
    if (unit_of[p] != 0) ++unit_first[unit_of[p]];  // area index + 1: counts shifted by one
  }
  for (size_t a = 1; a < unit_first.size(); ++a) unit_first[a] += unit_first[a - 1];
  unit_people.assign(unit_first.back(), 0);
  std::vector<uint32_t> next(unit_first.begin(), unit_first.end() - 1);
  for (size_t p = 0; p < unit_of.size(); ++p) {
    if (unit_of[p] != 0) unit_people[next[unit_of[p] - 1]++] = static_cast<uint32_t>(p);
  }
  unit_extra.clear();
}

bool Engine::Under(int32_t area, int32_t ancestor) const {
  if (area < 0 || ancestor < 0) return false;
  return areas[area].path.starts_with(areas[ancestor].path);
}

void Engine::InitRound(RoundState& r, const std::vector<int32_t>& roots, const std::vector<int64_t>* people) const {
  r.due.assign(unit_of.size(), kNotDue);
  r.tube_of.assign(unit_of.size(), 0);
  r.counts.assign(areas.size(), Counters{});
  auto mark = [&](uint32_t p) {
    const int32_t unit = UnitOf(p);
    if (unit < 0 || r.due[p] != kNotDue) return;
    const bool ex = bedridden[p] != 0;
    r.due[p] = ex ? kDueExempt : kDue;
    ForEachAncestor(unit, [&](int32_t a) {
      ++r.counts[a].due;
      if (ex) ++r.counts[a].exempt;
    });
  };
  if (people != nullptr) {
    for (int64_t p : *people) {
      if (Known(p)) {
        for (int32_t root : roots) {
          if (Under(UnitOf(p), root)) {
            mark(static_cast<uint32_t>(p));
            break;
          }
        }
      }
    }
    return;
  }
  for (int32_t root : roots) {
    const std::string& prefix = areas[root].path;
    // Areas are sorted by path: the subtree is the run that starts at root.
    for (size_t a = static_cast<size_t>(root); a < areas.size() && areas[a].path.starts_with(prefix); ++a) {
      ForEachResidentOf(static_cast<uint32_t>(a), mark);
    }
  }
}

void Engine::CountSample(RoundState& r, uint32_t person, const std::string& date, int) {
  const int32_t unit = UnitOf(person);
  const uint8_t due = person < r.due.size() ? r.due[person] : uint8_t{kNotDue};
  if (unit >= 0) {
    ForEachAncestor(unit, [&](int32_t a) {
      Counters& c = r.counts[a];
      if (due == kNotDue) {
        ++c.extra;
      } else {
        ++c.sampled;
        if (due == kDueExempt) ++c.sampled_exempt;
      }
    });
  }
  ++r.days[date].sampled;
  r.days[date].date = date;
}

void Engine::CountResulted(RoundState& r, uint32_t person, const std::string& date) {
  const int32_t unit = UnitOf(person);
  const uint8_t due = person < r.due.size() ? r.due[person] : uint8_t{kNotDue};
  if (unit >= 0 && due != kNotDue) {
    ForEachAncestor(unit, [&](int32_t a) { ++r.counts[a].resulted; });
  }
  ++r.days[date].resulted;
  r.days[date].date = date;
}

void Engine::CountResult(RoundState& r, const TubeRec& t) {
  ++r.resulted;
  const std::string date = DateShanghai(t.resulted_at);
  if (t.kind != TubeKind::kRetest) {
    for (uint32_t p : t.members) CountResulted(r, p, date);
  }
  if (t.result != TubeResultCode::kPositive && t.result != TubeResultCode::kInvalid) return;
  ++r.positive;
  std::vector<int32_t> seen;
  for (uint32_t p : t.members) {
    ForEachAncestor(UnitOf(p), [&](int32_t area) {
      if (std::find(seen.begin(), seen.end(), area) == seen.end()) {
        seen.push_back(area);
        ++r.counts[area].positive_tubes;
      }
    });
  }
}

namespace {
template <typename T>
std::string Join(const std::vector<T>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(v[i]);
  }
  return s;
}
template <typename T>
std::vector<T> Split(std::string_view s) {
  std::vector<T> out;
  while (!s.empty()) {
    const size_t comma = s.find(',');
    const std::string_view part = s.substr(0, comma);
    T v{};
    std::from_chars(part.data(), part.data() + part.size(), v);
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}
}  // namespace

std::string JoinInts(const std::vector<uint32_t>& v) { return Join(v); }
std::string JoinInts(const std::vector<int32_t>& v) { return Join(v); }
std::vector<uint32_t> SplitU32(std::string_view s) { return Split<uint32_t>(s); }
std::vector<int32_t> SplitI32(std::string_view s) { return Split<int32_t>(s); }

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const size_t comma = s.find(',');
    if (comma != 0) out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::string JoinList(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    s += v[i];
  }
  return s;
}

}  // namespace tc::screening
