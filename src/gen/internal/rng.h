// The generator's own random numbers: xoshiro256** seeded through splitmix64, and
// the few sampling helpers the generator needs, written out here so that a seed
// gives the same city with every compiler and standard library (the output of
// std::uniform_*_distribution is implementation-defined). Not thread-safe: one
// Rng per thread of generation.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace tc::gen::internal {

// One step of splitmix64: a good 64-bit mixer for deriving seeds.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A seed for a named sub-stream (e.g. one district) of the run's seed.
inline uint64_t SubSeed(uint64_t seed, std::string_view name) {
  uint64_t h = 0xCBF29CE484222325ULL;  // FNV-1a
  for (unsigned char c : name) h = (h ^ c) * 0x100000001B3ULL;
  uint64_t s = seed ^ h;
  return SplitMix64(s);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& w : s_) w = SplitMix64(seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n); n > 0. Unbiased (rejection).
  uint64_t Below(uint64_t n) {
    const uint64_t threshold = (0 - n) % n;
    for (;;) {
      const uint64_t r = Next();
      if (r >= threshold) return r % n;
    }
  }
  // Uniform integer in [lo, hi].
  int Range(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo) + 1)); }
  // Uniform in [0, 1) with 53 random bits.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Unit(); }
  bool Chance(double p) { return Unit() < p; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// A discrete distribution over 0..n-1 from non-negative weights (not all zero).
class Discrete {
 public:
  Discrete() = default;
  explicit Discrete(const std::vector<double>& weights) {
    double sum = 0;
    for (double w : weights) {
      sum += w;
      cumulative_.push_back(sum);
    }
  }
  size_t Sample(Rng& rng) const {
    const double x = rng.Unit() * cumulative_.back();
    size_t lo = 0, hi = cumulative_.size() - 1;
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (cumulative_[mid] > x)
        hi = mid;
      else
        lo = mid + 1;
    }
    return lo;
  }
  size_t size() const { return cumulative_.size(); }

 private:
  std::vector<double> cumulative_;
};

// Splits `total` into weights.size() integers proportional to the weights (largest
// remainder, ties to the earlier part), each at least `minimum` when total allows.
std::vector<int64_t> SplitInteger(int64_t total, const std::vector<double>& weights, int64_t minimum = 1);

// `n` weights drawn uniformly from [1 - spread, 1 + spread].
std::vector<double> JitteredWeights(Rng& rng, size_t n, double spread);

}  // namespace tc::gen::internal
