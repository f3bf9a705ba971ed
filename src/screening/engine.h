// The mass-testing engine: what the hot paths read, in memory, kept in step with the
// store by Screening (screening.cc), which is its only writer (one writer at a time;
// readers under the Screening's shared lock). Internal to the module.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/time.h"
#include "screening/screening.h"

namespace tc::screening {

// ID number (its first 17 digits as a number; the 18th is their check character) →
// person id. Open addressing, linear probing; keys are never removed.
class IdTable {
 public:
  void Reserve(size_t n);
  void Put(uint64_t key, uint32_t person);
  uint32_t Get(uint64_t key) const;  // 0: absent
  size_t size() const { return size_; }

 private:
  void Grow();
  std::vector<uint64_t> keys_;  // 0: empty
  std::vector<uint32_t> values_;
  size_t size_ = 0;
};

// The key of a well-formed ID number (17 digits and their check character), else 0.
uint64_t IdKey(std::string_view id_number);

struct AreaRec {
  std::string code, name, level, path;
  int32_t parent = -1;
};

// Per area node and round.
struct Counters {
  int32_t due = 0, exempt = 0, sampled = 0, sampled_exempt = 0, resulted = 0, extra = 0, positive_tubes = 0;
};

enum : uint8_t { kNotDue = 0, kDue = 1, kDueExempt = 2 };

struct RoundState {
  Round meta;
  Millis starts_at = 0, ends_at = 0;  // [starts_on 00:00, ends_on + 1 day 00:00) Shanghai
  std::vector<uint32_t> tube_of;      // person → tube id (its round sample; 0: none)
  std::vector<uint8_t> due;           // person → kNotDue / kDue / kDueExempt
  std::vector<Counters> counts;       // area index → counters
  std::map<int64_t, RoundProgress::Day> days;  // by Shanghai day number (ShanghaiDay)
  struct SiteCount {
    int64_t sampled = 0, tubes = 0, open_tubes = 0;
  };
  std::unordered_map<int64_t, SiteCount> sites;  // site id →
  int64_t tubes = 0, closed = 0, shipped = 0, resulted = 0, positive = 0;
};

enum class TubeKind : uint8_t { kPool, kSingle, kRetest };
enum class TubeResultCode : uint8_t { kNone, kNegative, kPositive, kInvalid };

struct TubeRec {
  std::string barcode;
  int64_t round_id = 0;
  int64_t site_id = 0;
  TubeKind kind = TubeKind::kPool;
  uint8_t capacity = 0;
  bool closed = false;
  TubeResultCode result = TubeResultCode::kNone;
  std::vector<uint32_t> members;
  std::vector<int32_t> secs;  // seconds after opened_at, per member
  Millis opened_at = 0, closed_at = 0, sent_at = 0, resulted_at = 0;
  int64_t lab_id = 0;
  std::string box, result_by;
  double ct = 0;
};

// Days since 1970-01-01 in Shanghai (UTC+8) of a time.
inline int64_t ShanghaiDay(Millis t) {
  constexpr Millis kDay = 86'400'000, kOffset = 8 * 3'600'000;
  return (t + kOffset) >= 0 ? (t + kOffset) / kDay : -((-(t + kOffset) + kDay - 1) / kDay);
}

std::string_view KindName(TubeKind k);
std::string_view ResultName(TubeResultCode r);
TubeResultCode ParseResult(std::string_view s);  // kNone if not one of the three

struct OpenFollowup {
  int64_t id = 0;
  int64_t round_id = 0;
  std::string retest_tube;  // "" until sampled
};

class Engine {
 public:
  // People.
  std::vector<uint32_t> unit_of;  // person id → area index + 1 (0: unknown / inactive)
  std::vector<uint8_t> bedridden; // person id → 1 if bedridden
  IdTable ids;
  int64_t people = 0;
  // Residents of each unit, as loaded (CSR), plus those caught up since.
  std::vector<uint32_t> unit_first;   // area index → first offset in unit_people (size areas + 1)
  std::vector<uint32_t> unit_people;
  std::unordered_map<uint32_t, std::vector<uint32_t>> unit_extra;

  // Areas.
  std::vector<AreaRec> areas;  // sorted by path: a subtree is a run
  std::vector<std::vector<uint32_t>> children;  // area index → its children's indexes
  std::unordered_map<std::string, uint32_t> area_by_code;

  // Sites and labs.
  std::unordered_map<int64_t, Site> sites;
  std::unordered_map<std::string, int64_t> site_by_code;
  std::unordered_map<int64_t, Lab> labs;
  std::unordered_map<std::string, int64_t> lab_by_code;

  // Rounds and tubes.
  std::map<int64_t, RoundState> rounds;
  std::vector<TubeRec> tubes;  // index = tube id (0 unused)
  std::unordered_map<std::string, uint32_t> tube_by_barcode;
  std::unordered_map<uint32_t, std::vector<uint32_t>> retests_of;  // person → retest tube ids
  std::unordered_map<uint32_t, std::vector<OpenFollowup>> open_followups;  // person →

  // Adds (or moves) a person; grows the vectors.
  void PutPerson(int64_t id, uint64_t key, uint32_t area_index, bool is_bedridden);
  uint32_t Person(uint64_t key) const { return ids.Get(key); }
  bool Known(int64_t person) const {
    return person > 0 && static_cast<size_t>(person) < unit_of.size() && unit_of[person] != 0;
  }
  // The area index of a person's unit (−1 unknown).
  int32_t UnitOf(int64_t person) const { return Known(person) ? static_cast<int32_t>(unit_of[person]) - 1 : -1; }
  // Calls fn(area index) for the area and each ancestor.
  template <typename Fn>
  void ForEachAncestor(int32_t area, Fn&& fn) const {
    for (int32_t a = area; a >= 0; a = areas[a].parent) fn(a);
  }
  void BuildUnitIndex();
  // The residents of a unit (loaded and caught up).
  template <typename Fn>
  void ForEachResidentOf(uint32_t unit, Fn&& fn) const {
    if (unit + 1 < unit_first.size()) {
      for (uint32_t i = unit_first[unit]; i < unit_first[unit + 1]; ++i) fn(unit_people[i]);
    }
    if (auto it = unit_extra.find(unit); it != unit_extra.end()) {
      for (uint32_t p : it->second) fn(p);
    }
  }
  // True if `area` is `ancestor` or below it.
  bool Under(int32_t area, int32_t ancestor) const;

  // A round's due set from its areas (or a list of people) and counters.
  void InitRound(RoundState& r, const std::vector<int32_t>& area_roots, const std::vector<int64_t>* people) const;
  // A member's scan applied to the round's counters (tube_of already set).
  void CountSample(RoundState& r, uint32_t person, Millis at);
  void CountResulted(RoundState& r, uint32_t person, Millis at);
  // A tube's result (already on `t`) applied to its round's counters.
  void CountResult(RoundState& r, const TubeRec& t);
};

// Everything behind the Screening facade.
struct EngineBox {
  Engine engine;
  mutable std::shared_mutex mu;  // engine: shared to read, exclusive to change
  std::mutex write_mu;           // one writer at a time (stage → commit → apply)
  // Group commit of scans: callers queue; the first waiting caller writes everyone's.
  struct Job {
    std::span<const Scan> scans;
    std::string_view username;
    bool any_site = false;
    const audit::Actor* by = nullptr;
    size_t max_errors = 0;
    ScanReport report;
    bool done = false;
  };
  std::mutex q_mu;
  std::condition_variable q_cv;
  std::vector<Job*> queue;
  bool writing = false;
};

// Row text helpers shared by the module's files.
std::string JoinInts(const std::vector<uint32_t>& v);
std::string JoinInts(const std::vector<int32_t>& v);
std::vector<uint32_t> SplitU32(std::string_view s);
std::vector<int32_t> SplitI32(std::string_view s);
std::vector<std::string> SplitList(std::string_view s);
std::string JoinList(const std::vector<std::string>& v);

}  // namespace tc::screening
