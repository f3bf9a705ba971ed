#include "tracing/index.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <span>
#include <stdexcept>

#include "tracing/helper.h"

namespace tc::tracing {
namespace {

constexpr uint32_t kBlock = 128;
constexpr int kShanghaiMinutes = 8 * 60;

int32_t DayOf(Minute m) {
  const Minute local = m + kShanghaiMinutes;
  return static_cast<int32_t>(local >= 0 ? local / 1440 : (local - 1439) / 1440);
}

unsigned Width(uint64_t x) { return x ? 64 - std::countl_zero(x) : 0; }

// Bits appended to a vector of 64-bit words, least significant first.
class BitWriter {
 public:
  explicit BitWriter(BigVector<uint64_t>& words) : w_(words), pos_(words.size() * 64) {}
  void Put(uint64_t v, unsigned bits) {
    if (bits == 0) return;
    const uint64_t idx = pos_ >> 6;
    const unsigned off = pos_ & 63;
    if (idx >= w_.size()) w_.push_back(0);
    w_[idx] |= v << off;
    if (off + bits > 64) w_.push_back(v >> (64 - off));
    pos_ += bits;
  }
  uint64_t pos() const { return pos_; }
  void AlignWord() { pos_ = (pos_ + 63) & ~uint64_t{63}; }

 private:
  BigVector<uint64_t>& w_;
  uint64_t pos_;
};

class BitReader {
 public:
  BitReader(const uint64_t* words, uint64_t pos) : w_(words), pos_(pos) {}
  uint64_t Get(unsigned bits) {
    if (bits == 0) return 0;
    const uint64_t idx = pos_ >> 6;
    const unsigned off = pos_ & 63;
    uint64_t v = w_[idx] >> off;
    if (off + bits > 64) v |= w_[idx + 1] << (64 - off);
    pos_ += bits;
    return bits == 64 ? v : v & ((uint64_t{1} << bits) - 1);
  }

 private:
  const uint64_t* w_;
  uint64_t pos_;
};

// key → start (and the next key's start as end): dense for many keys, sparse for few.
class Directory {
 public:
  // keys ascending, starts[i] for keys[i]; `end` closes the last range.
  void Build(const std::vector<uint32_t>& keys, const std::vector<uint32_t>& starts, uint32_t end) {
    const uint32_t max_key = keys.empty() ? 0 : keys.back();
    dense_ = keys.size() * 4 > max_key;  // dense costs 4 B per key value, sparse 8 B per key
    if (dense_) {
      starts_.assign(static_cast<size_t>(max_key) + 2, 0);
      size_t k = 0;
      for (uint32_t key = 0; key <= max_key + 1; ++key) {
        while (k < keys.size() && keys[k] < key) ++k;
        starts_[key] = k < keys.size() ? starts[k] : end;
      }
    } else {
      keys_.assign(keys.begin(), keys.end());
      starts_.assign(starts.begin(), starts.end());
      starts_.push_back(end);
    }
    starts_.shrink_to_fit();
    keys_.shrink_to_fit();
  }
  // [begin, end) for key; empty if absent.
  std::pair<uint32_t, uint32_t> Find(uint32_t key) const {
    if (dense_) {
      if (static_cast<size_t>(key) + 1 >= starts_.size()) return {0, 0};
      return {starts_[key], starts_[key + 1]};
    }
    auto it = std::lower_bound(keys_.begin(), keys_.end(), key);
    if (it == keys_.end() || *it != key) return {0, 0};
    const size_t i = it - keys_.begin();
    return {starts_[i], starts_[i + 1]};
  }
  // fn(key, begin, end) for every key, ascending.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (dense_) {
      for (size_t k = 0; k + 1 < starts_.size(); ++k) {
        if (starts_[k] != starts_[k + 1]) fn(static_cast<uint32_t>(k), starts_[k], starts_[k + 1]);
      }
    } else {
      for (size_t i = 0; i < keys_.size(); ++i) fn(keys_[i], starts_[i], starts_[i + 1]);
    }
  }
  int64_t bytes() const { return static_cast<int64_t>((keys_.capacity() + starts_.capacity()) * 4); }

 private:
  bool dense_ = true;
  BigVector<uint32_t> keys_, starts_;
};

struct BlockHeader {
  uint64_t bit_off;
  int32_t first_arrive;
  uint32_t person_base;
  uint8_t n, person_bits, delta_bits, stay_bits;
};

}  // namespace

// An immutable compressed run of check-ins, in both views.
struct Segment {
  int64_t count = 0;
  // Venue-major: blocks of up to kBlock entries sorted by (arrive, person).
  Directory venue_dir;  // venue → block range
  BigVector<BlockHeader> blocks;
  BigVector<uint64_t> vbits;
  // Person-major: one word-aligned stream per person.
  unsigned venue_bits = 0;
  Directory person_dir;  // person → [word, next word)
  BigVector<uint64_t> pbits;

  int64_t venue_bytes() const {
    return venue_dir.bytes() + static_cast<int64_t>(blocks.capacity() * sizeof(BlockHeader) + vbits.capacity() * 8);
  }
  int64_t person_bytes() const { return person_dir.bytes() + static_cast<int64_t>(pbits.capacity() * 8); }

  // Calls fn(i, person, arrive, stay) for each entry i of block b in order; returns
  // how many entries it holds (at most kBlock).
  template <typename Fn>
  unsigned DecodeEach(size_t b, Fn&& fn) const {
    const BlockHeader& h = blocks[b];
    int32_t t = h.first_arrive;
    const unsigned width = h.person_bits + h.delta_bits + h.stay_bits;
    if (width <= 57) {
      // The usual case: an entry's three fields lie in the 64 bits read from the byte
      // holding its first bit (the stream ends with a spare word, so that read stays
      // inside). The words are little-endian, as the bytes are read.
      static_assert(std::endian::native == std::endian::little);
      const auto* bytes = reinterpret_cast<const unsigned char*>(vbits.data());
      const uint64_t pmask = (uint64_t{1} << h.person_bits) - 1, dmask = (uint64_t{1} << h.delta_bits) - 1,
                     smask = (uint64_t{1} << h.stay_bits) - 1;
      const unsigned dshift = h.person_bits, sshift = h.person_bits + h.delta_bits;
      uint64_t pos = h.bit_off;
      for (unsigned i = 0; i < h.n; ++i, pos += width) {
        uint64_t v;
        std::memcpy(&v, bytes + (pos >> 3), sizeof v);
        v >>= pos & 7;
        t += static_cast<int32_t>((v >> dshift) & dmask);
        fn(i, h.person_base + static_cast<uint32_t>(v & pmask), t, static_cast<uint16_t>((v >> sshift) & smask));
      }
      return h.n;
    }
    BitReader r(vbits.data(), h.bit_off);
    for (unsigned i = 0; i < h.n; ++i) {
      const auto person = h.person_base + static_cast<uint32_t>(r.Get(h.person_bits));
      t += static_cast<int32_t>(r.Get(h.delta_bits));
      fn(i, person, t, static_cast<uint16_t>(r.Get(h.stay_bits)));
    }
    return h.n;
  }

  // Decodes block b into its persons, arrivals and stays; returns how many entries.
  unsigned DecodeBlock(size_t b, uint32_t* person, int32_t* arrive, uint16_t* stay) const {
    return DecodeEach(b, [&](unsigned i, uint32_t p, int32_t a, uint16_t s) {
      person[i] = p;
      arrive[i] = a;
      stay[i] = s;
    });
  }

  // fn(visit) for each entry of block b in order, until fn returns false.
  template <typename Fn>
  void ForEachInBlock(uint32_t venue, size_t b, Fn&& fn) const {
    uint32_t person[kBlock];
    int32_t arrive[kBlock];
    uint16_t stay[kBlock];
    const unsigned n = DecodeBlock(b, person, arrive, stay);
    for (unsigned i = 0; i < n; ++i) {
      const Minute t = arrive[i];
      if (!fn(Visit{person[i], venue, t, stay[i] ? t + stay[i] - 1 : 0})) return;
    }
  }

  // The venue's blocks that may hold arrivals in [lo, hi]: [first, end).
  std::pair<size_t, size_t> BlocksMeeting(uint32_t venue, Minute lo, Minute hi) const {
    auto [b, e] = venue_dir.Find(venue);
    if (b == e) return {0, 0};
    // The first block whose first arrival is ≥ lo; the block before it may hold
    // arrivals ≥ lo too.
    auto it = std::lower_bound(blocks.begin() + b, blocks.begin() + e, lo,
                               [](const BlockHeader& h, Minute t) { return h.first_arrive < t; });
    size_t i = it - blocks.begin();
    if (i > b) --i;
    size_t end = i;
    while (end < e && blocks[end].first_arrive <= hi) ++end;
    return {i, end};
  }

  // Visits at venue arriving in [lo, hi]; fn returns nothing.
  template <typename Fn>
  void Arrivals(uint32_t venue, Minute lo, Minute hi, Fn&& fn) const {
    auto [first, end] = BlocksMeeting(venue, lo, hi);
    for (size_t i = first; i < end; ++i) {
      ForEachInBlock(venue, i, [&](const Visit& v) {
        if (v.arrive > hi) return false;
        if (v.arrive >= lo) fn(v);
        return true;
      });
    }
  }

  template <typename Fn>
  void PersonVisits(uint32_t person, Fn&& fn) const {
    auto [b, e] = person_dir.Find(person);
    if (b == e) return;
    BitReader r(pbits.data(), static_cast<uint64_t>(b) * 64);
    const unsigned count = static_cast<unsigned>(r.Get(24));
    const unsigned dict_n = static_cast<unsigned>(r.Get(24));
    const unsigned idx_bits = static_cast<unsigned>(r.Get(6));
    const unsigned delta_bits = static_cast<unsigned>(r.Get(6));
    const unsigned stay_bits = static_cast<unsigned>(r.Get(6));
    int64_t arrive = static_cast<int32_t>(static_cast<uint32_t>(r.Get(32)));
    uint32_t dict_small[64];
    std::vector<uint32_t> dict_big;
    uint32_t* dict = dict_small;
    if (dict_n > 64) {
      dict_big.resize(dict_n);
      dict = dict_big.data();
    }
    for (unsigned i = 0; i < dict_n; ++i) dict[i] = static_cast<uint32_t>(r.Get(venue_bits));
    for (unsigned i = 0; i < count; ++i) {
      const uint32_t venue = dict[r.Get(idx_bits)];
      arrive += static_cast<int64_t>(r.Get(delta_bits));
      const unsigned stay = static_cast<unsigned>(r.Get(stay_bits));
      fn(Visit{person, venue, arrive, stay ? arrive + stay - 1 : 0});
    }
  }
};

Index::Index() = default;
Index::~Index() = default;
Index::Index(Index&&) noexcept = default;
Index& Index::operator=(Index&&) noexcept = default;

Visit Index::ToVisit(const Entry& e) {
  return Visit{e.person, e.venue, e.arrive, e.stay ? Minute{e.arrive} + e.stay - 1 : 0};
}

void Index::Add(const Visit& v) {
  Minute stay = v.leave ? std::clamp<Minute>(v.leave - v.arrive, 0, kMaxStayMinutes) + 1 : 0;
  buffer_.push_back(Entry{v.person, v.venue, static_cast<int32_t>(v.arrive), static_cast<uint16_t>(stay)});
  max_person_ = std::max(max_person_, v.person);
  if (v.venue >= max_stay_.size()) max_stay_.resize(std::max<size_t>(v.venue + 1, max_stay_.size() * 3 / 2), 0);
  if (stay > 1) max_stay_[v.venue] = std::max<uint16_t>(max_stay_[v.venue], static_cast<uint16_t>(stay - 1));
  const int32_t day = DayOf(v.arrive);
  if (day_counts_.empty()) first_day_ = day;
  if (day < first_day_) {
    day_counts_.insert(day_counts_.begin(), first_day_ - day, {});
    day_totals_.insert(day_totals_.begin(), first_day_ - day, 0);
    first_day_ = day;
  }
  const size_t d = day - first_day_;
  if (d >= day_counts_.size()) {
    day_counts_.resize(d + 1);
    day_totals_.resize(d + 1, 0);
  }
  auto& counts = day_counts_[d];
  if (v.venue >= counts.size()) counts.resize(std::max<size_t>(v.venue + 1, max_stay_.size()), 0);
  ++counts[v.venue];
  ++day_totals_[d];
  if (buffer_.size() >= seal_threshold_) Seal();
}

namespace {

// A check-in while a segment is built: 16 bytes, sorted two ways.
struct Raw {
  uint32_t person, venue;
  int32_t arrive;
  uint16_t stay;
};

Raw ToRaw(const Visit& v) {
  return Raw{v.person, v.venue, static_cast<int32_t>(v.arrive),
             static_cast<uint16_t>(v.leave ? v.leave - v.arrive + 1 : 0)};
}

// Orders as function objects (not function pointers) so std::sort inlines them.
struct VenueOrderT {
  bool operator()(const Raw& a, const Raw& b) const {
    if (a.venue != b.venue) return a.venue < b.venue;
    if (a.arrive != b.arrive) return a.arrive < b.arrive;
    return a.person < b.person;
  }
};
struct PersonOrderT {
  bool operator()(const Raw& a, const Raw& b) const {
    if (a.person != b.person) return a.person < b.person;
    if (a.arrive != b.arrive) return a.arrive < b.arrive;
    return a.venue < b.venue;
  }
};
constexpr VenueOrderT VenueOrder;
constexpr PersonOrderT PersonOrder;

// Encodes a segment from each venue's entries (venues ascending) and each person's
// entries (persons ascending), both already sorted.
class SegmentBuilder {
 public:
  explicit SegmentBuilder(unsigned venue_bits)
      : seg_(std::make_unique<Segment>()), vw_(seg_->vbits), pw_(seg_->pbits) {
    seg_->venue_bits = venue_bits;
  }

  void AddVenue(uint32_t venue, std::span<const Raw> e) {
    vkeys_.push_back(venue);
    vstarts_.push_back(static_cast<uint32_t>(seg_->blocks.size()));
    for (size_t b = 0; b < e.size(); b += kBlock) {
      const size_t n = std::min<size_t>(kBlock, e.size() - b);
      uint32_t pmin = UINT32_MAX, pmax = 0, dmax = 0, smax = 0;
      for (size_t k = b; k < b + n; ++k) {
        pmin = std::min(pmin, e[k].person);
        pmax = std::max(pmax, e[k].person);
        if (k > b) dmax = std::max<uint32_t>(dmax, e[k].arrive - e[k - 1].arrive);
        smax = std::max<uint32_t>(smax, e[k].stay);
      }
      BlockHeader h{vw_.pos(), e[b].arrive, pmin, static_cast<uint8_t>(n),
                    static_cast<uint8_t>(Width(pmax - pmin)), static_cast<uint8_t>(Width(dmax)),
                    static_cast<uint8_t>(Width(smax))};
      for (size_t k = b; k < b + n; ++k) {
        vw_.Put(e[k].person - pmin, h.person_bits);
        vw_.Put(k > b ? e[k].arrive - e[k - 1].arrive : 0, h.delta_bits);
        vw_.Put(e[k].stay, h.stay_bits);
      }
      seg_->blocks.push_back(h);
    }
    seg_->count += static_cast<int64_t>(e.size());
  }

  void AddPerson(uint32_t person, std::span<const Raw> e) {
    pw_.AlignWord();
    pkeys_.push_back(person);
    pstarts_.push_back(static_cast<uint32_t>(pw_.pos() / 64));
    dict_.clear();
    uint32_t dmax = 0, smax = 0;
    for (size_t k = 0; k < e.size(); ++k) {
      dict_.push_back(e[k].venue);
      if (k) dmax = std::max<uint32_t>(dmax, e[k].arrive - e[k - 1].arrive);
      smax = std::max<uint32_t>(smax, e[k].stay);
    }
    std::sort(dict_.begin(), dict_.end());
    dict_.erase(std::unique(dict_.begin(), dict_.end()), dict_.end());
    const unsigned idx_bits = Width(dict_.size() - 1), delta_bits = Width(dmax), stay_bits = Width(smax);
    pw_.Put(e.size(), 24);
    pw_.Put(dict_.size(), 24);
    pw_.Put(idx_bits, 6);
    pw_.Put(delta_bits, 6);
    pw_.Put(stay_bits, 6);
    pw_.Put(static_cast<uint32_t>(e[0].arrive), 32);
    for (uint32_t v : dict_) pw_.Put(v, seg_->venue_bits);
    for (size_t k = 0; k < e.size(); ++k) {
      pw_.Put(std::lower_bound(dict_.begin(), dict_.end(), e[k].venue) - dict_.begin(), idx_bits);
      pw_.Put(k ? e[k].arrive - e[k - 1].arrive : 0, delta_bits);
      pw_.Put(e[k].stay, stay_bits);
    }
  }

  std::unique_ptr<Segment> Finish() {
    seg_->venue_dir.Build(vkeys_, vstarts_, static_cast<uint32_t>(seg_->blocks.size()));
    seg_->vbits.push_back(0);  // readers may touch one word past the last bit
    pw_.AlignWord();
    seg_->pbits.resize(pw_.pos() / 64 + 1, 0);
    seg_->person_dir.Build(pkeys_, pstarts_, static_cast<uint32_t>(pw_.pos() / 64));
    seg_->blocks.shrink_to_fit();
    seg_->vbits.shrink_to_fit();
    seg_->pbits.shrink_to_fit();
    return std::move(seg_);
  }

 private:
  std::unique_ptr<Segment> seg_;
  BitWriter vw_, pw_;
  std::vector<uint32_t> vkeys_, vstarts_, pkeys_, pstarts_, dict_;
};

// Calls fn(key, entries) for each key ascending, the entries ordered by `less`:
// a counting sort by key into `out`, then a small sort inside each key's group
// (keys are dense store ids; sparse ones fall back to one whole sort).
template <typename Less>
void ForEachGroup(const BigVector<Raw>& in, BigVector<Raw>& out, Less less, uint32_t Raw::*key,
                  const std::function<void(uint32_t, std::span<const Raw>)>& fn) {
  uint32_t max_key = 0;
  for (const Raw& e : in) max_key = std::max(max_key, e.*key);
  out.resize(in.size());
  if (static_cast<size_t>(max_key) > 4 * in.size() + 1024) {
    std::copy(in.begin(), in.end(), out.begin());
    std::sort(out.begin(), out.end(), less);
  } else {
    BigVector<uint64_t> start(static_cast<size_t>(max_key) + 2, 0);
    for (const Raw& e : in) ++start[e.*key + 1];
    for (size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
    BigVector<uint64_t> next(start.begin(), start.end() - 1);
    for (const Raw& e : in) out[next[e.*key]++] = e;
    for (size_t k = 0; k + 1 < start.size(); ++k) {
      if (start[k + 1] - start[k] > 1) std::sort(out.begin() + start[k], out.begin() + start[k + 1], less);
    }
  }
  for (size_t i = 0; i < out.size();) {
    size_t j = i;
    while (j < out.size() && out[j].*key == out[i].*key) ++j;
    fn(out[i].*key, std::span<const Raw>(out.data() + i, j - i));
    i = j;
  }
}

// Sorts runs that are each sorted already (`ends`: where each run ends) by merging
// neighbours pairwise, so a key's entries from k segments cost n·log k, not n·log n.
template <typename Less>
void MergeRuns(BigVector<Raw>& v, std::vector<size_t> ends, Less less) {
  while (ends.size() > 1) {
    std::vector<size_t> merged;
    size_t begin = 0;
    for (size_t i = 0; i < ends.size(); i += 2) {
      if (i + 1 < ends.size()) {
        std::inplace_merge(v.begin() + begin, v.begin() + ends[i], v.begin() + ends[i + 1], less);
        merged.push_back(ends[i + 1]);
      } else {
        merged.push_back(ends[i]);
      }
      begin = merged.back();
    }
    ends = std::move(merged);
  }
}

// Merges segments key by key (never decoding more than one venue or person at a time).
std::unique_ptr<Segment> MergeSegments(const std::vector<const Segment*>& segs) {
  unsigned venue_bits = 0;
  for (const Segment* s : segs) venue_bits = std::max(venue_bits, s->venue_bits);
  SegmentBuilder b(venue_bits);
  BigVector<uint32_t> keys;
  BigVector<Raw> tmp;
  std::vector<size_t> ends;
  for (const Segment* s : segs) s->venue_dir.ForEach([&](uint32_t k, uint32_t, uint32_t) { keys.push_back(k); });
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (uint32_t venue : keys) {
    tmp.clear();
    ends.clear();
    for (const Segment* s : segs) {
      auto [lo, hi] = s->venue_dir.Find(venue);
      for (uint32_t i = lo; i < hi; ++i) {
        s->ForEachInBlock(venue, i, [&](const Visit& v) {
          tmp.push_back(ToRaw(v));
          return true;
        });
      }
      if (hi > lo) ends.push_back(tmp.size());
    }
    MergeRuns(tmp, ends, VenueOrder);
    b.AddVenue(venue, tmp);
  }
  keys.clear();
  for (const Segment* s : segs) s->person_dir.ForEach([&](uint32_t k, uint32_t, uint32_t) { keys.push_back(k); });
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (uint32_t person : keys) {
    tmp.clear();
    ends.clear();
    for (const Segment* s : segs) {
      const size_t before = tmp.size();
      s->PersonVisits(person, [&](const Visit& v) { tmp.push_back(ToRaw(v)); });
      if (tmp.size() > before) ends.push_back(tmp.size());
    }
    MergeRuns(tmp, ends, PersonOrder);
    b.AddPerson(person, tmp);
  }
  return b.Finish();
}

}  // namespace

void Index::Seal() {
  if (buffer_.empty()) return;
  BigVector<Raw> raw;
  raw.reserve(buffer_.size());
  for (const Entry& e : buffer_) raw.push_back(Raw{e.person, e.venue, e.arrive, e.stay});
  BigVector<Entry>().swap(buffer_);
  uint32_t max_venue = 0;
  for (const Raw& e : raw) max_venue = std::max(max_venue, e.venue);
  SegmentBuilder b(Width(max_venue));
  BigVector<Raw> grouped;
  ForEachGroup(raw, grouped, VenueOrder, &Raw::venue, [&](uint32_t k, std::span<const Raw> e) { b.AddVenue(k, e); });
  ForEachGroup(raw, grouped, PersonOrder, &Raw::person, [&](uint32_t k, std::span<const Raw> e) { b.AddPerson(k, e); });
  auto seg = b.Finish();
  sealed_ += seg->count;
  segments_.push_back(std::move(seg));
  if (auto_merge_) MergeTiers(false);
}

void Index::Compact() {
  Seal();
  MergeTiers(true);
}

// While the newest segment is at least half the one before it, merge the two (so
// sizes grow geometrically and a check-in is re-encoded O(log N) times); `all`
// merges everything in one pass.
void Index::MergeTiers(bool all) {
  auto merge_from = [this](size_t from) {
    std::vector<const Segment*> segs;
    for (size_t i = from; i < segments_.size(); ++i) segs.push_back(segments_[i].get());
    auto merged = MergeSegments(segs);
    segments_.resize(from);
    segments_.push_back(std::move(merged));
  };
  if (all) {
    if (segments_.size() > 1) merge_from(0);
    return;
  }
  while (segments_.size() >= 2 && segments_.back()->count * 2 >= segments_[segments_.size() - 2]->count) {
    merge_from(segments_.size() - 2);
  }
}

void Index::ForEachArrival(uint32_t venue, Minute lo, Minute hi, const std::function<void(const Visit&)>& fn) const {
  for (const auto& seg : segments_) seg->Arrivals(venue, lo, hi, fn);
}

void Index::AppendArrivals(uint32_t venue, Minute lo, Minute hi, BigVector<Visit>& out) const {
  for (const auto& seg : segments_) seg->Arrivals(venue, lo, hi, [&](const Visit& v) { out.push_back(v); });
}

BigVectorForOverwrite<Visit> Index::VenueVisits(uint32_t venue, Minute t1, Minute t2) const {
  return VenueVisits(venue, t1, t2, nullptr);
}

namespace {

// An answer with at least this many candidate check-ins is decoded in two halves,
// one on the helper thread.
constexpr int64_t kParallelVisitors = 16'384;

// Blocks [first, end) of one segment; `last` is the last block of the venue's run in
// that segment, the one that may hold arrivals after the window.
struct BlockRun {
  const Segment* seg;
  size_t first, end, last;
};

// Whether every entry of block b of the run lies in a window [t1, t2] that the run
// was cut for: the block starts at or after t1 and is not the run's last (so the next
// block, which starts by t2, follows it).
bool KeepsAll(const BlockRun& r, size_t b, Minute t1) { return b != r.last && r.seg->blocks[b].first_arrive >= t1; }

// A bitmap of persons kept on each thread (so nothing city-sized is allocated per
// query): sized to the index's largest person, all clear between queries.
std::vector<uint64_t>& PersonBits(uint32_t max_person) {
  thread_local std::vector<uint64_t> bits;
  if ((max_person >> 6) >= bits.size()) bits.resize((max_person >> 6) + 1, 0);
  return bits;
}

// Clears what `visits` marked: word by word for a small answer, all at once for a big one.
void ClearPersonBits(std::vector<uint64_t>& bits, std::span<const Visit> visits) {
  if (visits.size() * 8 > bits.size()) {
    std::fill(bits.begin(), bits.end(), 0);
  } else {
    for (const Visit& v : visits) bits[v.person >> 6] = 0;
  }
}

// How many people both bitmaps mark (their first `words` words), clearing both. With
// the processor's popcount instruction where it has one: the portable fallback is a
// library call per word.
#if defined(__x86_64__)
__attribute__((target_clones("popcnt", "default")))
#endif
int64_t CountBothAndClear(uint64_t* a, uint64_t* b, size_t words) {
  int64_t both = 0;
  for (size_t w = 0; w < words; ++w) {
    both += std::popcount(a[w] & b[w]);
    a[w] = 0;
    b[w] = 0;
  }
  return both;
}

}  // namespace

BigVectorForOverwrite<Visit> Index::VenueVisits(uint32_t venue, Minute t1, Minute t2, int64_t* distinct_persons,
                                                int* threads) const {
  const Minute lo = t1 - MaxStay(venue);
  std::vector<BlockRun> runs;
  int64_t candidates = 0;  // entries in the blocks: bounds the answer
  for (const auto& seg : segments_) {
    auto [first, end] = seg->BlocksMeeting(venue, lo, t2);
    if (first == end) continue;
    runs.push_back(BlockRun{seg.get(), first, end, end - 1});
    for (size_t i = first; i < end; ++i) candidates += seg->blocks[i].n;
  }
  const bool count = distinct_persons != nullptr;
  // Decodes runs to `dst`, adding the people new to `seen` to `fresh`; returns how
  // many visits. Block by block: a block's persons are decoded first and their bitmap
  // words prefetched, so the misses on a city-sized bitmap overlap.
  auto decode = [&](std::span<const BlockRun> part, Visit* dst, uint64_t* seen, int64_t& fresh) {
    Visit* const start = dst;
    int64_t added = 0;  // a local, not `fresh`: the stores to dst and seen may not alias it
    uint32_t person[kBlock];
    int32_t arrive[kBlock];
    uint16_t stay[kBlock];
    auto mark = [&](uint32_t p) {
      uint64_t& word = seen[p >> 6];
      const uint64_t bit = uint64_t{1} << (p & 63);
      added += (word & bit) == 0;
      word |= bit;
    };
    // Visits written but not yet marked in the bitmap: [unmarked, dst).
    Visit* unmarked = dst;
    auto mark_written = [&] {
      if (count) {
        for (; unmarked < dst; ++unmarked) mark(unmarked->person);
      }
      unmarked = dst;
    };
    for (const BlockRun& r : part) {
      for (size_t b = r.first; b < r.end; ++b) {
        if (KeepsAll(r, b, t1)) {
          // Straight into the answer; the block's bitmap words are prefetched and the
          // previous block's visits marked meanwhile.
          const unsigned n = r.seg->DecodeEach(b, [&](unsigned i, uint32_t p, int32_t a, uint16_t s) {
            dst[i] = Visit{p, venue, a, s ? Minute{a} + s - 1 : 0};
          });
          if (count) {
            for (unsigned i = 0; i < n; ++i) __builtin_prefetch(&seen[dst[i].person >> 6], 1);
          }
          mark_written();
          dst += n;
          continue;
        }
        mark_written();
        const unsigned n = r.seg->DecodeBlock(b, person, arrive, stay);
        if (count) {
          for (unsigned i = 0; i < n; ++i) __builtin_prefetch(&seen[person[i] >> 6], 1);
        }
        for (unsigned i = 0; i < n; ++i) {
          const Minute a = arrive[i];
          const Minute leave = stay[i] ? a + stay[i] - 1 : 0;
          if (a < lo || a > t2 || (leave ? leave : a) < t1) continue;
          *dst++ = Visit{person[i], venue, a, leave};
          if (count) mark(person[i]);
        }
        unmarked = dst;
      }
    }
    mark_written();
    fresh += added;
    return static_cast<size_t>(dst - start);
  };
  // The answer is sized for every candidate and not zeroed: each thread writes its
  // part in place.
  BigVectorForOverwrite<Visit> out(static_cast<size_t>(candidates));
  std::vector<uint64_t>& seen = PersonBits(max_person_);
  int64_t distinct = 0;
  size_t n = 0;
  int used = 1;
  bool seen_clear = false;
  if (candidates < kParallelVisitors) {
    n = decode(runs, out.data(), seen.data(), distinct);
  } else {
    // Two halves of the blocks by entries, the second for the helper. The helper
    // writes where the first half's visits end, so that must be known before it
    // starts: a block whose arrivals all lie in [t1, t2] keeps every entry (it starts
    // at or after t1, and the next block of the run starts by t2). The first half's
    // other blocks — the lead-in before t1, and a run's last block — are decoded here
    // first. With one run they are a prefix of the first half, so the answer stays in
    // order; with several the answer is sorted below anyway.
    std::vector<BlockRun> whole, theirs;  // first half: its blocks that keep every entry
    int64_t taken = 0, whole_entries = 0;
    for (const BlockRun& r : runs) {
      size_t cut = r.first;
      while (cut < r.end && taken < candidates / 2) taken += r.seg->blocks[cut++].n;
      for (size_t b = r.first; b < cut;) {
        const bool all = KeepsAll(r, b, t1);
        size_t e = b + 1;
        while (e < cut && KeepsAll(r, e, t1) == all) ++e;
        const BlockRun part{r.seg, b, e, r.last};
        if (all) {
          whole.push_back(part);
          for (size_t i = b; i < e; ++i) whole_entries += r.seg->blocks[i].n;
        } else {
          n += decode(std::span(&part, 1), out.data() + n, seen.data(), distinct);
        }
        b = e;
      }
      if (cut < r.end) theirs.push_back(BlockRun{r.seg, cut, r.end, r.last});
    }
    const size_t theirs_at = n + static_cast<size_t>(whole_entries);
    size_t whole_n = 0, their_n = 0;
    int64_t their_distinct = 0;
    std::vector<uint64_t>* their_seen = nullptr;  // the helper's bitmap
    if (RunOnBoth([&] { whole_n = decode(whole, out.data() + n, seen.data(), distinct); },
                  [&] {
                    their_seen = &PersonBits(max_person_);
                    their_n = decode(theirs, out.data() + theirs_at, their_seen->data(), their_distinct);
                  },
                  [&] {
                    if (!count) return;
                    // People in both halves were counted twice. Both bitmaps cover every
                    // person of this index: all at once for a big answer, else by the
                    // helper's visits (each word counted once, then cleared).
                    const size_t words = (max_person_ >> 6) + 1;
                    int64_t both = 0;
                    if (their_n * 8 > words) {
                      both = CountBothAndClear(seen.data(), their_seen->data(), words);
                      seen_clear = true;
                    } else {
                      for (const Visit& v : std::span<const Visit>(out.data() + theirs_at, their_n)) {
                        uint64_t& theirs_word = (*their_seen)[v.person >> 6];
                        if (theirs_word == 0) continue;
                        both += std::popcount(seen[v.person >> 6] & theirs_word);
                        theirs_word = 0;
                      }
                    }
                    distinct += their_distinct - both;
                  })) {
      used = 2;
    } else {
      whole_n = decode(whole, out.data() + n, seen.data(), distinct);
      their_n = decode(theirs, out.data() + theirs_at, seen.data(), distinct);
    }
    if (whole_n != static_cast<size_t>(whole_entries)) throw std::logic_error("VenueVisits: a whole block lost entries");
    n = theirs_at + their_n;
  }
  out.resize(n);
  if (count) {
    *distinct_persons = distinct;
    if (!seen_clear) ClearPersonBits(seen, out);
  }
  if (threads) *threads = used;
  if (runs.size() > 1) {
    std::sort(out.begin(), out.end(), [](const Visit& a, const Visit& b) {
      return a.arrive != b.arrive ? a.arrive < b.arrive : a.person < b.person;
    });
  }
  return out;
}

std::vector<Visit> Index::Trajectory(uint32_t person, Minute t1, Minute t2) const {
  std::vector<Visit> out;
  for (const auto& seg : segments_) {
    seg->PersonVisits(person, [&](const Visit& v) {
      if (v.arrive >= t1 && v.arrive <= t2) out.push_back(v);
    });
  }
  if (segments_.size() > 1) {
    std::sort(out.begin(), out.end(), [](const Visit& a, const Visit& b) {
      return a.arrive != b.arrive ? a.arrive < b.arrive : a.venue < b.venue;
    });
  }
  return out;
}

Minute Index::MaxStay(uint32_t venue) const { return venue < max_stay_.size() ? max_stay_[venue] : 0; }

int64_t Index::VenueTraffic(uint32_t venue, Minute t1, Minute t2) const {
  int64_t n = 0;
  for (int32_t d = std::max(DayOf(t1), first_day_); d <= DayOf(t2); ++d) {
    const size_t i = d - first_day_;
    if (i >= day_counts_.size()) break;
    if (venue < day_counts_[i].size()) n += day_counts_[i][venue];
  }
  return n;
}

int64_t Index::TotalTraffic(Minute t1, Minute t2) const {
  int64_t n = 0;
  for (int32_t d = std::max(DayOf(t1), first_day_); d <= DayOf(t2); ++d) {
    const size_t i = d - first_day_;
    if (i >= day_totals_.size()) break;
    n += day_totals_[i];
  }
  return n;
}

IndexStats Index::Stats() const {
  IndexStats s;
  s.checkins = size();
  s.buffered = static_cast<int64_t>(buffer_.size());
  s.segments = static_cast<int64_t>(segments_.size());
  for (const auto& seg : segments_) {
    s.venue_bytes += seg->venue_bytes();
    s.person_bytes += seg->person_bytes();
  }
  s.other_bytes = static_cast<int64_t>(buffer_.capacity() * sizeof(Entry) + max_stay_.capacity() * 2);
  for (const auto& d : day_counts_) s.other_bytes += static_cast<int64_t>(d.capacity() * 4);
  return s;
}

}  // namespace tc::tracing
