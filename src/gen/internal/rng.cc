#include "gen/internal/rng.h"

#include <algorithm>
#include <numeric>

namespace tc::gen::internal {

std::vector<int64_t> SplitInteger(int64_t total, const std::vector<double>& weights, int64_t minimum) {
  const int64_t n = static_cast<int64_t>(weights.size());
  std::vector<int64_t> out(weights.size(), 0);
  if (n == 0) return out;
  if (total < n * minimum) minimum = 0;
  const int64_t rest = total - n * minimum;
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<double> remainder(weights.size());
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const double exact = sum > 0 ? static_cast<double>(rest) * weights[i] / sum : 0.0;
    const auto whole = static_cast<int64_t>(exact);
    out[i] = minimum + whole;
    remainder[i] = exact - static_cast<double>(whole);
    given += whole;
  }
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return remainder[a] > remainder[b]; });
  for (int64_t k = 0; given < rest; ++k, ++given) ++out[order[static_cast<size_t>(k % n)]];
  return out;
}

std::vector<double> JitteredWeights(Rng& rng, size_t n, double spread) {
  std::vector<double> w(n);
  for (double& x : w) x = rng.Uniform(1.0 - spread, 1.0 + spread);
  return w;
}

}  // namespace tc::gen::internal
