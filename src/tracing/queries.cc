#include "tracing/queries.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_map>

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
// person id stamped with the query's generation, so nothing is cleared between
// queries and no list of every pair is ever sorted.
class EarliestExposures {
 public:
  EarliestExposures() {
    if (++Scratch().generation == 0) {  // wrapped: forget every stamp
      std::fill(Scratch().stamp.begin(), Scratch().stamp.end(), 0);
      Scratch().generation = 1;
    }
    gen_ = Scratch().generation;
  }
  void Offer(const Exposure& e) {
    auto& s = Scratch();
    if (e.person >= s.stamp.size()) {
      const size_t n = std::max<size_t>(e.person + 1, s.stamp.size() * 3 / 2);
      s.stamp.resize(n, 0);
      s.slot.resize(n, 0);
    }
    if (s.stamp[e.person] != gen_) {
      s.stamp[e.person] = gen_;
      s.slot[e.person] = static_cast<uint32_t>(found_.size());
      found_.push_back(e);
      return;
    }
    Exposure& cur = found_[s.slot[e.person]];
    if (std::tie(e.at, e.route, e.source, e.venue) < std::tie(cur.at, cur.route, cur.source, cur.venue)) cur = e;
  }
  std::vector<Exposure> Take() {
    std::sort(found_.begin(), found_.end(), [](const Exposure& a, const Exposure& b) { return a.person < b.person; });
    return std::move(found_);
  }

 private:
  struct State {
    std::vector<uint32_t> stamp, slot;
    uint32_t generation = 0;
  };
  static State& Scratch() {
    thread_local State state;
    return state;
  }
  uint32_t gen_;
  std::vector<Exposure> found_;
};

// One ring: exposures of everyone not in `excluded` to the sources in their windows.
std::vector<Exposure> Ring(const Index& index, const std::vector<CaseWindow>& sources, const PersonSet& excluded,
                           const ContactQuery& q, int64_t& examined) {
  EarliestExposures best;
  std::vector<Visit> candidates;
  for (const CaseWindow& c : sources) {
    for (const Visit& a : index.Trajectory(c.person, c.from, c.to)) {
      const Window w = CandidateArrivals(a, index.MaxStay(a.venue), q.rules);
      candidates.clear();
      index.AppendArrivals(a.venue, w.lo, w.hi, candidates);
      examined += static_cast<int64_t>(candidates.size());
      for (const Visit& b : candidates) {
        if (excluded.Contains(b.person) || !IsContact(a, b, q.rules)) continue;
        best.Offer(Exposure{b.person, c.person, a.venue, std::max(a.arrive, b.arrive), Route::kVenue});
      }
    }
  }
  if (q.households) {
    std::vector<uint32_t> persons;
    std::unordered_map<uint32_t, Minute> from;
    for (const CaseWindow& c : sources) {
      persons.push_back(c.person);
      auto [it, fresh] = from.emplace(c.person, c.from);
      if (!fresh) it->second = std::min(it->second, c.from);
    }
    q.households->Members(persons, [&](uint32_t person, uint32_t member) {
      if (!excluded.Contains(member)) best.Offer(Exposure{member, person, 0, from[person], Route::kHousehold});
    });
  }
  return best.Take();
}

}  // namespace

ContactResult FindContacts(const Index& index, const ContactQuery& q) {
  ContactResult r;
  PersonSet excluded;
  Minute last = 0;
  for (const CaseWindow& c : q.cases) {
    excluded.Insert(c.person);
    last = std::max(last, c.to);
  }
  r.close = Ring(index, q.cases, excluded, q, r.visits_examined);
  if (!q.secondary) return r;
  // A close contact can pass it on from their exposure until the end of the run's window.
  std::vector<CaseWindow> next;
  next.reserve(r.close.size());
  for (const Exposure& e : r.close) {
    excluded.Insert(e.person);
    next.push_back(CaseWindow{e.person, e.at, last});
  }
  r.secondary = Ring(index, next, excluded, q, r.visits_examined);
  return r;
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
