#include "tracing/queries.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "tracing/helper.h"

namespace tc::tracing {
namespace {

std::atomic<size_t> g_queue_offers{RingSizes{}.queue_offers};
std::atomic<size_t> g_parallel_offers{RingSizes{}.parallel_offers};

// What one ring keeps per person, merged from every offer made for them: `Policy`
// gives the Slot, how an offer merges into a slot already there, and the answer's
// element (the earliest exposure for the rule's rings, a score for the tiers).
//
// Candidates stream in from the scan as offers; most come from people met for the
// first time, spread over the whole city, so applying each where it lands would
// touch a random line of a city-sized array per offer. Instead each scanning thread
// queues its offers by range of persons (kPartBits), and at the end each range is
// settled on its own in a small per-thread scratch that stays in the L2 cache — its
// offers applied, the excluded struck off, its people written out in order — the
// ranges split between the two threads. Nothing is sorted and no list of every pair
// is kept. A queue that fills up mid-scan is applied to city-sized arrays (the
// spill), which the final pass then starts from for those ranges.
template <typename Policy>
class RingSettler {
 public:
  using Slot = typename Policy::Slot;
  using Out = typename Policy::Out;
  struct Offer {
    uint32_t person;
    Slot slot;
  };
  static constexpr int kPartBits = Policy::kPartBits;
  static constexpr size_t kPart = size_t{1} << kPartBits;
  static constexpr size_t kPartWords = kPart / 64;

  // One scanning thread's offers, queued by range of persons in chunks from a fixed
  // pool; when the pool runs out they are spilled (Drain) and it starts again.
  class Queue {
   public:
    void Push(RingSettler& to, const Offer& o) {
      const size_t p = o.person >> kPartBits;
      if (p >= parts_.size()) throw std::out_of_range("tracing: person id beyond the ring's arrays");
      Part& part = parts_[p];
      if (part.fill == kChunk) {
        if (used_ == chunks_) to.Drain(*this);
        if (part.head >= 0) {
          next_[static_cast<size_t>(part.head)] = part.full;
          part.full = part.head;
        }
        part.head = static_cast<int32_t>(used_++);
        part.fill = 0;
      }
      store_[static_cast<size_t>(part.head) * kChunk + part.fill++] = o;
      ++part.count;
    }

   private:
    friend class RingSettler;
    static constexpr size_t kChunk = 1024;  // offers (16 KiB); the pool: RingSizes::queue_offers
    struct Part {
      int32_t head = -1;  // the chunk being filled
      uint32_t fill = kChunk;
      int32_t full = -1;  // the filled chunks, linked through next_
      uint32_t count = 0;
    };
    void Reset(size_t parts) {
      chunks_ = std::max<size_t>(1, g_queue_offers.load(std::memory_order_relaxed) / kChunk);
      store_.Grow(chunks_ * kChunk);
      if (next_.size() < chunks_) next_.resize(chunks_);
      parts_.assign(parts, Part{});
      used_ = 0;
    }
    size_t Count(size_t p) const { return parts_[p].count; }
    // The range's offers: the chunk being filled, then the full ones.
    template <typename Fn>
    void ForEach(size_t p, Fn&& fn) const {
      const Part& part = parts_[p];
      if (part.head < 0) return;
      const Offer* chunk = store_.data() + static_cast<size_t>(part.head) * kChunk;
      for (uint32_t i = 0; i < part.fill; ++i) fn(chunk[i]);
      for (int32_t c = part.full; c >= 0; c = next_[static_cast<size_t>(c)]) {
        chunk = store_.data() + static_cast<size_t>(c) * kChunk;
        for (size_t i = 0; i < kChunk; ++i) fn(chunk[i]);
      }
    }

    RawBlock<Offer> store_;
    std::vector<int32_t> next_;
    std::vector<Part> parts_;
    size_t used_ = 0, chunks_ = 0;
  };

  // Sized for persons 0..max_person (the index's; Grow for more before pushing
  // them). `excluded` (the cases, and on the secondary ring the close ring too) are
  // never placed: they are struck off when each range is settled.
  RingSettler(uint32_t max_person, std::span<const uint32_t> excluded) : s_(Scratch()) {
    std::fill(s_.excluded.begin(), s_.excluded.end(), 0);
    std::fill(s_.spilled.begin(), s_.spilled.end(), 0);
    Grow(max_person);
    for (uint32_t p : excluded) {
      Grow(p);
      s_.excluded[p >> 6] |= uint64_t{1} << (p & 63);
    }
    for (Queue& q : s_.queues) q.Reset(Parts());
  }
  RingSettler(const RingSettler&) = delete;
  RingSettler& operator=(const RingSettler&) = delete;

  // The queue of scanning thread i (0: the caller, 1: the helper).
  Queue& queue(int i) { return s_.queues[i]; }
  bool Excluded(uint32_t p) const { return p < s_.slot.size() && ((s_.excluded[p >> 6] >> (p & 63)) & 1); }

  // Makes room for persons up to `person`. Only while no thread scans.
  void Grow(uint32_t person) {
    if (person < s_.slot.size()) return;
    // Whole ranges, so that a range's bits never share a word with the next one's.
    const size_t want = std::max<size_t>(static_cast<size_t>(person) + 1, s_.slot.size() * 3 / 2);
    const size_t n = ((want >> kPartBits) + 1) << kPartBits;
    s_.slot.Grow(n);
    s_.seen.Grow(n / 64);
    s_.excluded.resize(n / 64, 0);
    s_.spilled.resize(n / kPart, 0);
    if (Parts() > s_.locks_size) {
      s_.locks = std::make_unique<std::atomic<bool>[]>(Parts());
      s_.locks_size = Parts();
    }
    for (Queue& q : s_.queues) {
      if (!q.parts_.empty()) q.parts_.resize(Parts());
    }
  }

  // Every person offered and not excluded, with their earliest exposure, sorted by
  // person. The ranges are split in two runs of about equal work, one per thread
  // when the helper is free and the ring is big; the helper's run is appended.
  BigVector<Out> Take() {
    const size_t n = Parts();
    std::vector<size_t> work(n);
    size_t total = 0;
    for (size_t p = 0; p < n; ++p) {
      work[p] = s_.queues[0].Count(p) + s_.queues[1].Count(p) + (s_.spilled[p] ? kPart : 0);
      total += work[p];
    }
    size_t split = n, done = 0, bound = 0;  // bound: at most this many people
    if (total >= g_parallel_offers.load(std::memory_order_relaxed)) {
      for (split = 0; split < n && done < total / 2; ++split) done += work[split];
    }
    for (size_t p = 0; p < n; ++p) bound += std::min(work[p], kPart);
    BigVector<Out> out;
    out.reserve(bound);  // only the part written is ever touched
    BigVector<Out>* theirs = nullptr;  // on the helper's thread
    const bool helped = split < n && RunOnBoth([&] { Settle(0, split, out); },
                                               [&] {
                                                 theirs = &HelperOut();
                                                 theirs->clear();
                                                 Settle(split, n, *theirs);
                                               },
                                               [&] { out.insert(out.end(), theirs->begin(), theirs->end()); });
    if (!helped) Settle(0, n, out);
    for (Queue& q : s_.queues) q.Reset(n);
    return out;
  }

 private:
  struct State {
    RawBlock<Slot> slot;       // the spill: ranges whose queue filled up mid-scan
    RawBlock<uint64_t> seen;   // valid in spilled ranges (cleared by their first spill)
    BigVector<uint64_t> excluded;
    std::vector<uint8_t> spilled;
    std::unique_ptr<std::atomic<bool>[]> locks;  // per range, while a full queue drains
    size_t locks_size = 0;
    Queue queues[2];
  };
  // A range being settled, on the thread settling it.
  struct Local {
    Slot slot[kPart];
    uint64_t seen[kPartWords];
  };

  static State& Scratch() {
    thread_local State state;
    return state;
  }
  static Local& LocalScratch() {
    thread_local std::unique_ptr<Local> local = std::make_unique<Local>();
    return *local;
  }
  static BigVector<Out>& HelperOut() {
    thread_local BigVector<Out> out;
    return out;
  }
  size_t Parts() const { return s_.slot.size() >> kPartBits; }
  // `slot` and `seen` are a range's (i: the person's place in it).
  static void Apply(Slot* slot, uint64_t* seen, size_t i, const Slot& offer) {
    uint64_t& word = seen[i >> 6];
    const uint64_t bit = uint64_t{1} << (i & 63);
    if (!(word & bit)) {
      word |= bit;
      slot[i] = offer;
    } else {
      Policy::Merge(slot[i], offer);
    }
  }
  // A scanning thread's queue is full: its ranges are spilled now, each under its
  // lock (the other thread may be draining too; it starts elsewhere and skips the
  // ranges in use, coming back to them).
  void Drain(Queue& q) {
    std::vector<size_t> pending;
    const size_t n = Parts(), start = &q == &s_.queues[0] ? 0 : n / 2;
    for (size_t i = 0; i < n; ++i) {
      if (q.Count((start + i) % n)) pending.push_back((start + i) % n);
    }
    while (!pending.empty()) {
      size_t kept = 0;
      for (size_t p : pending) {
        if (s_.locks[p].exchange(true, std::memory_order_acquire)) {
          pending[kept++] = p;
          continue;
        }
        Slot* slot = s_.slot.data() + (p << kPartBits);
        uint64_t* seen = s_.seen.data() + p * kPartWords;
        if (!s_.spilled[p]) {
          std::fill(seen, seen + kPartWords, 0);
          s_.spilled[p] = 1;
        }
        q.ForEach(p, [&](const Offer& o) { Apply(slot, seen, o.person & (kPart - 1), o.slot); });
        s_.locks[p].store(false, std::memory_order_release);
      }
      pending.resize(kept);
      if (kept) std::this_thread::yield();
    }
    q.Reset(n);
  }
  // Settles ranges [p0, p1) in order, appending their people to `out`.
  void Settle(size_t p0, size_t p1, BigVector<Out>& out) const {
    Local& local = LocalScratch();
    for (size_t p = p0; p < p1; ++p) {
      if (!s_.spilled[p] && !s_.queues[0].Count(p) && !s_.queues[1].Count(p)) continue;
      const size_t first = p << kPartBits;
      const uint64_t* excluded = s_.excluded.data() + p * kPartWords;
      if (s_.spilled[p]) {
        const uint64_t* seen = s_.seen.data() + p * kPartWords;
        std::copy(seen, seen + kPartWords, local.seen);
        for (size_t w = 0; w < kPartWords; ++w) {
          for (uint64_t bits = seen[w]; bits; bits &= bits - 1) {
            const size_t i = w * 64 + static_cast<size_t>(std::countr_zero(bits));
            local.slot[i] = s_.slot[first + i];
          }
        }
      } else {
        std::fill(local.seen, local.seen + kPartWords, 0);
      }
      for (const Queue& q : s_.queues) {
        q.ForEach(p, [&](const Offer& o) { Apply(local.slot, local.seen, o.person & (kPart - 1), o.slot); });
      }
      for (size_t w = 0; w < kPartWords; ++w) {
        for (uint64_t bits = local.seen[w] & ~excluded[w]; bits; bits &= bits - 1) {
          const size_t i = w * 64 + static_cast<size_t>(std::countr_zero(bits));
          out.push_back(Policy::Emit(static_cast<uint32_t>(first + i), local.slot[i]));
        }
      }
    }
  }

  State& s_;
};

// The rule's rings: the earliest exposure per person.
struct EarliestPolicy {
  struct Slot {
    int32_t at;
    uint32_t source;
    uint32_t venue : 31;
    uint32_t household : 1;
  };
  using Out = Exposure;
  static constexpr int kPartBits = 15;  // 32,768 persons: 384 KiB of slots
  // Earliest overlap first, then venue before household, then the lowest source, venue.
  static bool Earlier(const Slot& a, const Slot& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.household != b.household) return a.household < b.household;
    if (a.source != b.source) return a.source < b.source;
    return a.venue < b.venue;
  }
  static void Merge(Slot& into, const Slot& offer) {
    if (Earlier(offer, into)) into = offer;
  }
  static Out Emit(uint32_t person, const Slot& x) {
    return Exposure{.person = person, .source = x.source, .venue = x.venue,
                    .route = x.household ? Route::kHousehold : Route::kVenue, .at = x.at};
  }
};
static_assert(sizeof(RingSettler<EarliestPolicy>::Offer) == 16);
using EarliestExposures = RingSettler<EarliestPolicy>;

// Below this many source visits a ring runs on the calling thread alone.
constexpr size_t kParallelVisits = 128;
// From this many excluded persons on, the scan looks them up itself.
constexpr size_t kLookUpExcluded = size_t{1} << 16;

// The sources' visits grouped by venue (sorted by venue, arrival, person), with
// where each venue's visits start, then the end.
struct SourceVisits {
  BigVector<Visit> visits;
  std::vector<size_t> groups;
};
SourceVisits GroupByVenue(const Index& index, const std::vector<CaseWindow>& sources) {
  SourceVisits s;
  for (const CaseWindow& c : sources) {
    for (const Visit& a : index.Trajectory(c.person, c.from, c.to)) s.visits.push_back(a);
  }
  std::sort(s.visits.begin(), s.visits.end(), [](const Visit& a, const Visit& b) {
    return std::tie(a.venue, a.arrive, a.person) < std::tie(b.venue, b.arrive, b.person);
  });
  for (size_t i = 0; i < s.visits.size(); ++i) {
    if (i == 0 || s.visits[i].venue != s.visits[i - 1].venue) s.groups.push_back(i);
  }
  s.groups.push_back(s.visits.size());
  return s;
}

// Takes venues from `next_group` until none is left; for each, decodes the venue's
// check-ins once over each union of its source visits' candidate windows and calls
// fn(venue, sources in that union, candidates sorted by arrival).
template <typename Fn>
void ScanVenues(const Index& index, const SourceVisits& s, const ContactRules& rules, std::atomic<size_t>& next_group,
                int64_t& seen, Fn&& fn) {
  BigVector<Visit> candidates;
  for (size_t g; (g = next_group.fetch_add(1, std::memory_order_relaxed)) + 1 < s.groups.size();) {
    const std::span<const Visit> group(s.visits.data() + s.groups[g], s.groups[g + 1] - s.groups[g]);
    const uint32_t venue = group[0].venue;
    const Minute max_stay = index.MaxStay(venue);
    // Union of the group's candidate windows (their starts ascend with arrival).
    for (size_t i = 0; i < group.size();) {
      Window w = CandidateArrivals(group[i], max_stay, rules);
      size_t j = i + 1;
      for (; j < group.size(); ++j) {
        const Window x = CandidateArrivals(group[j], max_stay, rules);
        if (x.lo > w.hi + 1) break;
        w.hi = std::max(w.hi, x.hi);
      }
      candidates.clear();
      index.AppendArrivals(venue, w.lo, w.hi, candidates);
      seen += static_cast<int64_t>(candidates.size());
      // Sorted by arrival already unless the index holds several segments.
      const auto by_arrival = [](const Visit& a, const Visit& b) { return a.arrive < b.arrive; };
      if (!std::is_sorted(candidates.begin(), candidates.end(), by_arrival)) {
        std::sort(candidates.begin(), candidates.end(), by_arrival);
      }
      fn(venue, group.subspan(i, j - i), std::span<const Visit>(candidates.data(), candidates.size()));
      i = j;
    }
  }
}

// Runs scan(queue, seen) on this thread and, for enough source visits, on the helper too.
template <typename Settler, typename Scan>
void ScanOnBoth(Settler& best, size_t source_visits, int64_t& examined, int& threads, Scan&& scan) {
  int64_t other_seen = 0;
  const bool helped = source_visits >= kParallelVisits &&
                      RunOnBoth([&] { scan(best.queue(0), examined); }, [&] { scan(best.queue(1), other_seen); });
  if (!helped) scan(best.queue(0), examined);
  examined += other_seen;
  threads = std::max(threads, helped ? 2 : 1);
}

// Offers every household member of the sources: make(source, member, from) builds
// the slot, `from` being the source's earliest window start.
template <typename Settler, typename Make>
void OfferHouseholds(Settler& best, const HouseholdSource* households, const std::vector<CaseWindow>& sources,
                     Make&& make) {
  if (!households) return;
  std::vector<uint32_t> persons;
  std::unordered_map<uint32_t, Minute> from;
  for (const CaseWindow& c : sources) {
    persons.push_back(c.person);
    auto [it, fresh] = from.emplace(c.person, c.from);
    if (!fresh) it->second = std::min(it->second, c.from);
  }
  households->Members(persons, [&](uint32_t person, uint32_t member) {
    best.Grow(member);  // a household member may have no check-in
    best.queue(0).Push(best, {member, make(person, member, from[person])});
  });
}

// One ring: exposures of everyone not in `excluded` to the sources in their windows.
// The sources' visits are grouped by venue; each venue's check-ins are decoded once
// over the union of the visits' candidate windows, and each check-in is offered once,
// with the best of the source visits it met (the earliest overlap, then the lowest
// source) — so a busy venue several sources visited is not scanned once per visit.
// Venues are shared out between this thread and the helper as each takes the next.
BigVector<Exposure> Ring(const Index& index, const std::vector<CaseWindow>& sources,
                           std::span<const uint32_t> excluded, const ContactQuery& q, int64_t& examined,
                           int& threads) {
  // A big exclusion (the close ring, on the secondary) is also looked up before the
  // rules are applied, to spare the work on candidates who are out anyway.
  const bool skip = excluded.size() >= kLookUpExcluded;
  const SourceVisits src = GroupByVenue(index, sources);
  const Minute m = std::max(q.rules.margin_without_leave, q.rules.margin_with_leave);
  std::atomic<size_t> next_group{0};

  EarliestExposures best(index.max_person(), excluded);
  using Slot = EarliestExposures::Slot;
  // A source that arrived by the candidate's arrival x meets it when the source's
  // presence, stretched by the margin, reaches x; that margin depends on whether the
  // candidate has a leave time, so each such source is kept in two heaps keyed by
  // person, each entry valid until its own reach.
  struct Reach {
    uint32_t person;
    Minute until;
  };
  const auto by_person = [](const Reach& a, const Reach& b) { return a.person > b.person; };  // min-heap
  const Minute without = q.rules.margin_without_leave, with = q.rules.margin_with_leave;
  auto scan = [&](EarliestExposures::Queue& queue, int64_t& seen) {
    std::vector<Reach> if_no_leave, if_leave;  // for a candidate without / with a leave time
    ScanVenues(index, src, q.rules, next_group, seen,
               [&](uint32_t venue, std::span<const Visit> near, std::span<const Visit> candidates) {
      // One sweep by arrival over the candidates and the group's sources (sorted by
      // arrival, then person). For a candidate b arriving at x, the earliest
      // exposure is x itself when a source that arrived by x still reaches x — the
      // one with the smallest person id among them, the top of a heap whose entries
      // that no longer reach x are dropped for good (x only grows). Otherwise it is
      // the arrival of the first later source that b's presence reaches.
      if_no_leave.clear();
      if_leave.clear();
      size_t next = 0;  // near[next] is the first source arriving after x
      for (const Visit& b : candidates) {
        if (skip && best.Excluded(b.person)) continue;
        const Minute x = b.arrive;
        for (; next < near.size() && near[next].arrive <= x; ++next) {
          const Visit& a = near[next];
          const Minute a_end = a.leave ? a.leave : a.arrive;
          if_no_leave.push_back({a.person, a_end + without});
          std::push_heap(if_no_leave.begin(), if_no_leave.end(), by_person);
          if_leave.push_back({a.person, a_end + (a.leave ? with : without)});
          std::push_heap(if_leave.begin(), if_leave.end(), by_person);
        }
        std::vector<Reach>& reaching = b.leave ? if_leave : if_no_leave;
        while (!reaching.empty() && reaching.front().until < x) {
          std::pop_heap(reaching.begin(), reaching.end(), by_person);
          reaching.pop_back();
        }
        if (!reaching.empty()) {
          queue.Push(best, {b.person, Slot{static_cast<int32_t>(x), reaching.front().person, venue, 0}});
          continue;
        }
        const Minute b_end = b.leave ? b.leave : x;
        for (size_t k = next; k < near.size() && near[k].arrive <= b_end + m; ++k) {
          const Visit& a = near[k];
          if (a.arrive <= b_end + MarginFor(a, b, q.rules)) {
            queue.Push(best, {b.person, Slot{static_cast<int32_t>(a.arrive), a.person, venue, 0}});
            break;
          }
        }
      }
    });
  };
  ScanOnBoth(best, src.visits.size(), examined, threads, scan);
  OfferHouseholds(best, q.households, sources, [](uint32_t person, uint32_t, Minute from) {
    return Slot{static_cast<int32_t>(from), person, 0, 1};
  });
  return best.Take();
}

// The tiers' rings: every encounter of a person with the sources, summed into an
// exposure score, with the encounter that weighed most kept to explain it.
struct ScoredPolicy {
  struct Slot {
    int32_t at;          // the earliest exposure
    uint32_t source;     // of the heaviest encounter (ties: the lowest source)
    uint32_t venue : 31;  // of the heaviest encounter; 0: the household
    uint32_t household : 1;
    Hazard hazard;       // summed
    Hazard top;          // the heaviest encounter's
    uint16_t minutes;    // summed, saturating
    uint16_t visits : 15;
    uint16_t crowded : 1;
    uint16_t days;       // bit per Shanghai day (mod 16)
    uint16_t cases;      // bit per source (its index mod 16)
  };
  using Out = ScoredExposure;
  static constexpr int kPartBits = 13;  // 8,192 persons: 224 KiB of slots
  static void Merge(Slot& into, const Slot& o) {
    into.at = std::min(into.at, o.at);
    if (o.top > into.top || (o.top == into.top && (o.source < into.source ||
                                                   (o.source == into.source && o.venue < into.venue)))) {
      into.top = o.top;
      into.source = o.source;
      into.venue = o.venue;
    }
    into.household |= o.household;
    into.hazard = AddHazard(into.hazard, o.hazard);
    into.minutes = static_cast<uint16_t>(std::min<uint32_t>(0xFFFF, uint32_t{into.minutes} + o.minutes));
    into.visits = static_cast<uint16_t>(std::min<uint32_t>(0x7FFF, uint32_t{into.visits} + o.visits));
    into.crowded |= o.crowded;
    into.days |= o.days;
    into.cases |= o.cases;
  }
  static Out Emit(uint32_t person, const Slot& x) {
    return ScoredExposure{.person = person,
                          .source = x.source,
                          .venue = x.venue,
                          .at = x.at,
                          .hazard = x.hazard,
                          .minutes = x.minutes,
                          .visits = x.visits,
                          .days = static_cast<uint8_t>(std::popcount(x.days)),
                          .cases = static_cast<uint8_t>(std::popcount(x.cases)),
                          .household = x.household != 0,
                          .crowded = x.crowded != 0};
  }
};
using ScoredExposures = RingSettler<ScoredPolicy>;

// Minutes since the epoch → a bit for the Shanghai civil day (mod 16).
inline uint16_t DayBit(Minute t) { return static_cast<uint16_t>(1u << (((t + 8 * 60) / (24 * 60)) & 15)); }

// A scored ring: as Ring, but each candidate visit is met with every source visit
// the rule pairs it with, and each pair adds its hazard (score.h).
BigVector<ScoredExposure> ScoredRing(const Index& index, const std::vector<CaseWindow>& sources,
                                     std::span<const uint32_t> excluded, const TierQuery& q, int64_t& examined,
                                     int& threads) {
  const bool skip = excluded.size() >= kLookUpExcluded;
  const SourceVisits src = GroupByVenue(index, sources);
  // Each source visit's bit: its source's place in `sources` (mod 16).
  std::unordered_map<uint32_t, uint16_t> bit_of;
  for (size_t i = 0; i < sources.size(); ++i) bit_of.emplace(sources[i].person, static_cast<uint16_t>(1u << (i & 15)));
  std::vector<uint16_t> case_bit(src.visits.size());
  for (size_t i = 0; i < src.visits.size(); ++i) case_bit[i] = bit_of[src.visits[i].person];
  const Minute m = std::max(q.rules.margin_without_leave, q.rules.margin_with_leave);
  const ScoreWeights& w = q.tiers.weights;
  std::atomic<size_t> next_group{0};
  ScoredExposures best(index.max_person(), excluded);
  using Slot = ScoredExposures::Slot;

  auto scan = [&](ScoredExposures::Queue& queue, int64_t& seen) {
    std::vector<uint32_t> active;  // sources arrived by x that may still reach it (places in `near`)
    struct Terms {
      float crowd = -1;  // −1: not computed yet
      float group = 1;
      bool crowded = false;
    };
    std::vector<Terms> terms;  // per source visit of the union
    ScanVenues(index, src, q.rules, next_group, seen,
               [&](uint32_t venue, std::span<const Visit> near, std::span<const Visit> candidates) {
      const VenueTrait trait = venue < q.venues.size() ? q.venues[venue] : VenueTrait{};
      const int stay = w.stay_minutes[std::min<size_t>(trait.kind, kVenueKindCount - 1)];
      const double per_minute = PerMinuteHazard(trait.kind, w);
      const size_t first = static_cast<size_t>(near.data() - src.visits.data());
      terms.assign(near.size(), Terms{});
      const auto by_arrival = [](const Visit& v, Minute t) { return v.arrive < t; };
      const float crowded_at = static_cast<float>(1 + w.crowding * w.crowded_ratio);
      // Per source visit, once: the crowding (arrivals in the hour around it, against
      // the capacity) and the group term (the people it met: with a leave time — a
      // shift, a school day — everyone who checked in there that day; without one, the
      // arrivals in that hour).
      auto terms_of = [&](size_t k) -> const Terms& {
        Terms& t = terms[k];
        if (t.crowd < 0) {
          const Minute at = near[k].arrive;
          const auto lo = std::lower_bound(candidates.begin(), candidates.end(), at - 30, by_arrival);
          const auto hi = std::lower_bound(lo, candidates.end(), at + 31, by_arrival);
          const int64_t hour = hi - lo;
          t.crowd = static_cast<float>(CrowdFactor(hour, trait.capacity, w));
          const int64_t met = near[k].leave ? index.VenueTraffic(venue, at, at) : hour;
          t.group = GroupFactor(static_cast<uint32_t>(std::min<int64_t>(met, 0xFFFFFFFF)), trait.kind, w);
          t.crowded = t.crowd >= crowded_at && w.crowding > 0;
        }
        return t;
      };
      // One sweep by arrival over the candidates and the union's sources: every pair
      // the rule makes adds its hazard to the candidate's offer.
      active.clear();
      size_t next = 0;
      for (const Visit& b : candidates) {
        if (skip && best.Excluded(b.person)) continue;
        const Minute x = b.arrive, b_end = b.leave ? b.leave : x;
        for (; next < near.size() && near[next].arrive <= x; ++next) active.push_back(static_cast<uint32_t>(next));
        Slot acc{};
        bool met = false;
        auto add = [&](size_t k) {
          const Visit& a = near[k];
          const Terms& t = terms_of(k);
          const Minute minutes = SharedMinutes(a, b, stay);
          const Hazard h = DilutedHazard(RawPairHazard(minutes, per_minute, t.crowd), t.group);
          const int32_t at = static_cast<int32_t>(std::max(a.arrive, b.arrive));
          const Slot one{at, a.person, venue, 0, h, h, static_cast<uint16_t>(std::min<Minute>(minutes, 0xFFFF)), 1,
                         static_cast<uint16_t>(t.crowded), DayBit(at), case_bit[first + k]};
          if (met) {
            ScoredPolicy::Merge(acc, one);
          } else {
            acc = one;
            met = true;
          }
        };
        for (size_t i = 0; i < active.size();) {
          const Visit& a = near[active[i]];
          if ((a.leave ? a.leave : a.arrive) + m < x) {  // reaches no later candidate either
            active[i] = active.back();
            active.pop_back();
            continue;
          }
          if (IsContact(a, b, q.rules)) add(active[i]);
          ++i;
        }
        for (size_t k = next; k < near.size() && near[k].arrive <= b_end + m; ++k) {
          if (IsContact(near[k], b, q.rules)) add(k);
        }
        if (met) queue.Push(best, {b.person, acc});
      }
    });
  };
  ScanOnBoth(best, src.visits.size(), examined, threads, scan);
  const Hazard household = ToHazard(w.household);
  OfferHouseholds(best, q.households, sources, [&](uint32_t person, uint32_t, Minute from) {
    return Slot{static_cast<int32_t>(from), person, 0, 1, household, household, 0, 0, 0, 0, bit_of[person]};
  });
  return best.Take();
}

}  // namespace

void SetRingSizes(const RingSizes& sizes) {
  g_queue_offers = sizes.queue_offers;
  g_parallel_offers = sizes.parallel_offers;
}

RingSizes GetRingSizes() { return {g_queue_offers.load(), g_parallel_offers.load()}; }

ContactResult FindContacts(const Index& index, const ContactQuery& q) {
  ContactResult r;
  std::vector<uint32_t> excluded;  // the cases, then the close ring too
  Minute last = 0;
  for (const CaseWindow& c : q.cases) {
    excluded.push_back(c.person);
    last = std::max(last, c.to);
  }
  r.close = Ring(index, q.cases, excluded, q, r.visits_examined, r.threads);
  if (!q.secondary) return r;
  // A close contact can pass it on from their exposure until the end of the run's window.
  std::vector<CaseWindow> next;
  next.reserve(r.close.size());
  for (const Exposure& e : r.close) {
    excluded.push_back(e.person);
    next.push_back(CaseWindow{e.person, e.at, last});
  }
  r.secondary = Ring(index, next, excluded, q, r.visits_examined, r.threads);
  return r;
}

TierResult FindTiers(const Index& index, const TierQuery& q) {
  TierResult r;
  std::vector<uint32_t> excluded;  // the cases, then the close tier too
  std::unordered_map<uint32_t, Minute> case_end;  // when each case stopped exposing others
  for (const CaseWindow& c : q.cases) {
    excluded.push_back(c.person);
    Minute& end = case_end[c.person];
    end = std::max(end, c.to);
  }
  // The ring, split in place: the close tier out, the rest (the exposed) kept.
  r.exposed = ScoredRing(index, q.cases, excluded, q, r.visits_examined, r.threads);
  r.ring = static_cast<int64_t>(r.exposed.size());
  const Hazard close_at = ToHazard(q.tiers.close_threshold), secondary_at = ToHazard(q.tiers.secondary_threshold);
  size_t kept = 0;
  for (size_t i = 0; i < r.exposed.size(); ++i) {
    ScoredExposure& e = r.exposed[i];
    if (e.household || e.hazard >= close_at) {
      e.tier = Tier::kClose;
      r.close.push_back(e);
    } else {
      r.exposed[kept++] = e;
    }
  }
  r.exposed.resize(kept);
  if (q.secondary && !r.close.empty()) {
    // A close contact can pass it on from their exposure until they are quarantined:
    // a day after their case was reported (and isolated) at the latest.
    std::vector<CaseWindow> next;
    next.reserve(r.close.size());
    for (const ScoredExposure& e : r.close) {
      excluded.push_back(e.person);
      const Minute end = case_end[e.source] + kQuarantineReachMinutes;
      if (end > e.at) next.push_back(CaseWindow{e.person, e.at, end});
    }
    TierQuery sq = q;
    sq.cases = next;
    r.secondary = ScoredRing(index, next, excluded, sq, r.visits_examined, r.threads);
    kept = 0;
    for (size_t i = 0; i < r.secondary.size(); ++i) {
      ScoredExposure& e = r.secondary[i];
      if (e.household || e.hazard >= secondary_at) {
        e.tier = Tier::kSecondary;
        r.secondary[kept++] = e;
      }
    }
    r.secondary.resize(kept);
  }
  // The exposed less the secondary tier (both by person), in place; their scores
  // against the cases are kept aside.
  kept = 0;
  size_t s = 0;
  for (size_t i = 0; i < r.exposed.size(); ++i) {
    const ScoredExposure& e = r.exposed[i];
    while (s < r.secondary.size() && r.secondary[s].person < e.person) ++s;
    if (s < r.secondary.size() && r.secondary[s].person == e.person) {
      r.ring_in_secondary.push_back(e);
      continue;
    }
    r.exposed[kept++] = e;
  }
  r.exposed.resize(kept);
  return r;
}

VenueVisitors Visitors(const Index& index, uint32_t venue, Minute t1, Minute t2) {
  VenueVisitors out;
  out.visits = index.VenueVisits(venue, t1, t2, &out.persons, &out.threads);
  return out;
}

double PoissonTailScore(int64_t k, double lambda) {
  if (k <= 0) return 0;
  if (lambda <= 0) return 300;  // impossible under the null: as strong as it gets
  // log P(X = j) = −λ + j log λ − log j!; sum the tail from k in log space.
  auto log_pmf = [&](int64_t j) { return -lambda + j * std::log(lambda) - std::lgamma(static_cast<double>(j) + 1); };
  const double head = log_pmf(k);
  double sum = 0;
  for (int64_t j = k; j < k + 400; ++j) {
    const double t = std::exp(log_pmf(j) - head);
    sum += t;
    if (j > lambda && t < 1e-12) break;
  }
  const double log10_p = (head + std::log(sum)) / std::log(10.0);
  return std::clamp(-log10_p, 0.0, 300.0);
}

std::vector<SourceScore> RankSources(const Index& index, std::span<const CaseWindow> cases, int64_t population,
                                     size_t top) {
  struct Acc {
    int64_t cases = 0;
    double expected = 0;
  };
  std::unordered_map<uint32_t, Acc> by_venue;
  std::vector<std::pair<uint32_t, std::vector<uint32_t>>> visited;  // per case: distinct venues
  for (const CaseWindow& c : cases) {
    std::vector<uint32_t> venues;
    for (const Visit& v : index.Trajectory(c.person, c.from, c.to)) venues.push_back(v.venue);
    std::sort(venues.begin(), venues.end());
    venues.erase(std::unique(venues.begin(), venues.end()), venues.end());
    for (uint32_t v : venues) ++by_venue[v].cases;
  }
  const double pop = static_cast<double>(std::max<int64_t>(population, 1));
  // Expected visitors among the cases, from each candidate venue's normal traffic in
  // each case's window (venues no case visited cannot rank and are skipped).
  for (auto& [venue, acc] : by_venue) {
    for (const CaseWindow& c : cases) {
      acc.expected += 1 - std::exp(-static_cast<double>(index.VenueTraffic(venue, c.from, c.to)) / pop);
    }
  }
  std::vector<SourceScore> out;
  out.reserve(by_venue.size());
  Minute from = cases.empty() ? 0 : cases[0].from, to = cases.empty() ? 0 : cases[0].to;
  for (const CaseWindow& c : cases) {
    from = std::min(from, c.from);
    to = std::max(to, c.to);
  }
  for (const auto& [venue, acc] : by_venue) {
    out.push_back(SourceScore{venue, acc.cases, acc.expected, index.VenueTraffic(venue, from, to),
                              PoissonTailScore(acc.cases, acc.expected)});
  }
  std::sort(out.begin(), out.end(), [](const SourceScore& a, const SourceScore& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.cases != b.cases) return a.cases > b.cases;
    return a.venue < b.venue;
  });
  if (out.size() > top) out.resize(top);
  return out;
}

}  // namespace tc::tracing
