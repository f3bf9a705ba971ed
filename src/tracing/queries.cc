#include "tracing/queries.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "tracing/helper.h"

namespace tc::tracing {
namespace {

// Persons already placed (cases, then the close ring): a bitmap sized to the largest id.
class PersonSet {
 public:
  void Insert(uint32_t p) {
    if (p >= bits_.size()) bits_.resize(std::max<size_t>(p + 1, bits_.size() * 2), false);
    bits_[p] = true;
  }
  bool Contains(uint32_t p) const { return p < bits_.size() && bits_[p]; }

 private:
  std::vector<bool> bits_;
};

// The earliest exposure per person, kept while candidates stream in: a slot per
// person id (12 bytes, reused across queries on the thread) and a bitmap of the
// persons seen, cleared per query and read in order at the end — so nothing is
// sorted and no list of every pair is kept. Most offers lose (the person was met
// earlier elsewhere), so beside the slots each person has a 2-byte key of the
// exposure time (1 + minutes from the ring's first, saturating; 0 for the excluded,
// see the constructor): an offer is settled on the key alone unless the keys tie,
// and the 12-byte slot is touched only by the offers that win — a city's keys take
// 18 MB where its slots take 108.
class EarliestExposures {
 public:
  // `base`: no exposure in this query is earlier (the earliest source window start).
  // `excluded` (the cases, and on the secondary ring the close ring too) are never
  // placed: they are marked seen with a key no offer can beat, and unmarked when the
  // answer is taken — so the scan need not look them up.
  EarliestExposures(Minute base, std::span<const uint32_t> excluded)
      : s_(Scratch()), base_(base), excluded_(excluded) {
    std::fill(s_.seen.begin(), s_.seen.end(), 0);
    for (uint32_t p : excluded) {
      if (p >= s_.slot.size()) Grow(p);
      s_.seen[p >> 6] |= uint64_t{1} << (p & 63);
      s_.key[p] = kExcluded;
      s_.slot[p] = Slot{std::numeric_limits<int32_t>::min(), 0, 0, 0};
    }
  }
  EarliestExposures(const EarliestExposures&) = delete;  // points into its own batches
  EarliestExposures& operator=(const EarliestExposures&) = delete;

  // Offers are queued and applied in batches, in two steps: the key and seen bit are
  // prefetched when an offer is queued; when its batch is full, the slots of the
  // persons it brings in for the first time are prefetched, and the batch before it
  // is applied. The arrays are city-sized and touched at random, so a batch's cache
  // misses overlap instead of following one another.
  void Offer(const Exposure& e) {
    if (e.person >= s_.slot.size()) Grow(e.person);
    __builtin_prefetch(&s_.key[e.person], 1);
    __builtin_prefetch(&s_.seen[e.person >> 6], 1);
    filling_[filled_++] = e;
    if (filled_ < kBatch) return;
    for (size_t i = 0; i < kBatch; ++i) {
      const uint32_t p = filling_[i].person;
      if (!((s_.seen[p >> 6] >> (p & 63)) & 1)) __builtin_prefetch(&s_.slot[p], 1);
    }
    for (size_t i = 0; i < staged_; ++i) Apply(staged_batch_[i]);
    std::swap(filling_, staged_batch_);
    staged_ = filled_;
    filled_ = 0;
  }

  // Every person offered, with their earliest exposure, sorted by person.
  BigVector<Exposure> Take() {
    Flush();
    for (uint32_t p : excluded_) s_.seen[p >> 6] &= ~(uint64_t{1} << (p & 63));
    BigVector<Exposure> out;
    out.reserve(count_);
    for (size_t w = 0; w < s_.seen.size(); ++w) {
      for (uint64_t bits = s_.seen[w]; bits; bits &= bits - 1) {
        const uint32_t person = static_cast<uint32_t>(w * 64 + std::countr_zero(bits));
        const Slot& x = s_.slot[person];
        out.push_back(Exposure{.person = person, .source = x.source, .venue = x.venue,
                              .route = x.household ? Route::kHousehold : Route::kVenue, .at = x.at});
      }
    }
    return out;
  }

  // Folds b's exposures (filled from disjoint work, on another thread's slots) into
  // these — the earlier of the two where both have a person. Called while b's thread
  // is idle and still reserved (its slots are reused by the next query it takes).
  void Absorb(EarliestExposures& b) {
    Flush();
    b.Flush();
    if (b.s_.slot.size() > s_.slot.size()) Grow(static_cast<uint32_t>(b.s_.slot.size() - 1));
    for (size_t w = 0; w < b.s_.seen.size(); ++w) {
      const uint64_t in_b = b.s_.seen[w];
      if (!in_b) continue;
      const uint64_t in_a = s_.seen[w];
      for (uint64_t bits = in_b; bits; bits &= bits - 1) {
        const size_t person = w * 64 + static_cast<size_t>(std::countr_zero(bits));
        const Slot& x = b.s_.slot[person];
        Slot& y = s_.slot[person];
        if (!((in_a >> (person & 63)) & 1) || Earlier(x, y)) {
          y = x;
          s_.key[person] = b.s_.key[person];
        }
      }
      count_ += static_cast<size_t>(std::popcount(in_b & ~in_a));
      s_.seen[w] = in_a | in_b;
    }
  }

 private:
  struct Slot {
    int32_t at;
    uint32_t source;
    uint32_t venue : 31;
    uint32_t household : 1;
  };
  struct State {
    BigVector<Slot> slot;
    BigVector<uint16_t> key;  // KeyOf(slot.at): valid where seen
    BigVector<uint64_t> seen;
  };
  static constexpr size_t kBatch = 32;

  static State& Scratch() {
    thread_local State state;
    return state;
  }
  // Earliest overlap first, then venue before household, then the lowest source, venue.
  static bool Earlier(const Slot& a, const Slot& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.household != b.household) return a.household < b.household;
    if (a.source != b.source) return a.source < b.source;
    return a.venue < b.venue;
  }
  static Slot ToSlot(const Exposure& e) {
    return Slot{static_cast<int32_t>(e.at), e.source, e.venue, e.route == Route::kHousehold ? 1u : 0u};
  }
  void Grow(uint32_t person) {
    const size_t n = std::max<size_t>(static_cast<size_t>(person) + 1, s_.slot.size() * 3 / 2);
    s_.slot.resize(n);
    s_.key.resize(n);
    s_.seen.resize((n + 63) / 64, 0);
  }
  void Flush() {
    for (size_t i = 0; i < staged_; ++i) Apply(staged_batch_[i]);
    for (size_t i = 0; i < filled_; ++i) Apply(filling_[i]);
    staged_ = filled_ = 0;
  }
  // 1 + minutes from base_, saturating: a < b between keys means the same between
  // times; equal keys leave it to the slots. (0 is kExcluded.)
  static constexpr uint16_t kExcluded = 0;
  uint16_t KeyOf(Minute at) const {
    return static_cast<uint16_t>(std::clamp<int64_t>(static_cast<int64_t>(at) - base_ + 1, 1, 0xFFFF));
  }
  void Apply(const Exposure& e) {
    uint64_t& word = s_.seen[e.person >> 6];
    const uint64_t bit = uint64_t{1} << (e.person & 63);
    uint16_t& key = s_.key[e.person];
    const uint16_t k = KeyOf(e.at);
    if (!(word & bit)) {
      word |= bit;
      key = k;
      s_.slot[e.person] = ToSlot(e);
      ++count_;
    } else if (k < key) {
      key = k;
      s_.slot[e.person] = ToSlot(e);
    } else if (k == key) {
      const Slot next = ToSlot(e);
      if (Earlier(next, s_.slot[e.person])) s_.slot[e.person] = next;
    }
  }

  State& s_;
  const Minute base_;
  const std::span<const uint32_t> excluded_;
  std::array<Exposure, kBatch> batches_[2];
  Exposure* filling_ = batches_[0].data();       // being queued
  Exposure* staged_batch_ = batches_[1].data();  // slots prefetched, applied next
  size_t filled_ = 0, staged_ = 0;
  size_t count_ = 0;
};

// Below this many source visits a ring runs on the calling thread alone.
constexpr size_t kParallelVisits = 128;
// From this many excluded persons on, the scan looks them up itself.
constexpr size_t kLookUpExcluded = size_t{1} << 16;

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
  std::optional<PersonSet> skip;
  if (excluded.size() >= kLookUpExcluded) {
    skip.emplace();
    for (uint32_t p : excluded) skip->Insert(p);
  }
  BigVector<Visit> visits;
  for (const CaseWindow& c : sources) {
    for (const Visit& a : index.Trajectory(c.person, c.from, c.to)) visits.push_back(a);
  }
  std::sort(visits.begin(), visits.end(), [](const Visit& a, const Visit& b) {
    return std::tie(a.venue, a.arrive, a.person) < std::tie(b.venue, b.arrive, b.person);
  });
  std::vector<size_t> groups;  // where each venue's visits start, then the end
  for (size_t i = 0; i < visits.size(); ++i) {
    if (i == 0 || visits[i].venue != visits[i - 1].venue) groups.push_back(i);
  }
  groups.push_back(visits.size());
  const Minute m = std::max(q.rules.margin_without_leave, q.rules.margin_with_leave);
  std::atomic<size_t> next_group{0};

  auto scan = [&](EarliestExposures& best, int64_t& seen) {
    BigVector<Visit> candidates;
    for (size_t g; (g = next_group.fetch_add(1, std::memory_order_relaxed)) + 1 < groups.size();) {
      const std::span<const Visit> group(visits.data() + groups[g], groups[g + 1] - groups[g]);
      const uint32_t venue = group[0].venue;
      const Minute max_stay = index.MaxStay(venue);
      // Union of the group's candidate windows (their starts ascend with arrival).
      for (size_t i = 0; i < group.size();) {
        Window w = CandidateArrivals(group[i], max_stay, q.rules);
        size_t j = i + 1;
        for (; j < group.size(); ++j) {
          const Window x = CandidateArrivals(group[j], max_stay, q.rules);
          if (x.lo > w.hi + 1) break;
          w.hi = std::max(w.hi, x.hi);
        }
        candidates.clear();
        index.AppendArrivals(venue, w.lo, w.hi, candidates);
        seen += static_cast<int64_t>(candidates.size());
        const std::span<const Visit> near = group.subspan(i, j - i);
        for (const Visit& b : candidates) {
          if (skip && skip->Contains(b.person)) continue;
          // Source visits that can meet b arrive in [b.arrive − max_stay − m, b_end + m].
          const Minute b_end = b.leave ? b.leave : b.arrive;
          auto it = std::lower_bound(near.begin(), near.end(), b.arrive - max_stay - m,
                                     [](const Visit& a, Minute t) { return a.arrive < t; });
          bool found = false;
          Minute at = 0;
          uint32_t source = 0;
          for (; it != near.end() && it->arrive <= b_end + m; ++it) {
            const Visit& a = *it;
            if (found && a.arrive > at) break;  // later sources only meet b later
            if (!IsContact(a, b, q.rules)) continue;
            const Minute t = std::max(a.arrive, b.arrive);
            if (!found || t < at || (t == at && a.person < source)) at = t, source = a.person, found = true;
          }
          if (found) best.Offer(Exposure{.person = b.person, .source = source, .venue = venue, .at = at});
        }
        i = j;
      }
    }
  };

  Minute base = std::numeric_limits<Minute>::max();
  for (const CaseWindow& c : sources) base = std::min(base, c.from);
  EarliestExposures best(base, excluded);
  std::optional<EarliestExposures> other;  // the helper's, on its own scratch
  int64_t other_seen = 0;
  const bool helped = visits.size() >= kParallelVisits &&
                      RunOnBoth([&] { scan(best, examined); },
                                [&] {
                                  other.emplace(base, excluded);
                                  scan(*other, other_seen);
                                },
                                [&] { best.Absorb(*other); });
  if (!helped) scan(best, examined);
  examined += other_seen;
  threads = std::max(threads, helped ? 2 : 1);

  if (q.households) {
    std::vector<uint32_t> persons;
    std::unordered_map<uint32_t, Minute> from;
    for (const CaseWindow& c : sources) {
      persons.push_back(c.person);
      auto [it, fresh] = from.emplace(c.person, c.from);
      if (!fresh) it->second = std::min(it->second, c.from);
    }
    q.households->Members(persons, [&](uint32_t person, uint32_t member) {
      best.Offer(Exposure{.person = member, .source = person, .route = Route::kHousehold, .at = from[person]});
    });
  }
  return best.Take();
}

}  // namespace

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
