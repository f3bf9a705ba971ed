// Small helpers the benchmark programs share: wall-clock seconds and percentiles.
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace tc::bench {

using SteadyClock = std::chrono::steady_clock;

inline double Seconds(SteadyClock::time_point since) {
  return std::chrono::duration<double>(SteadyClock::now() - since).count();
}
inline double Millis(SteadyClock::time_point since) { return Seconds(since) * 1000; }

struct Latency {
  double p50_ms = 0, p99_ms = 0;
};

// Nearest-rank p50 and p99 of samples in milliseconds.
inline Latency Percentiles(std::vector<double> ms) {
  if (ms.empty()) return {};
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<size_t>(q * (ms.size() - 1) + 0.5))]; };
  return {at(0.5), at(0.99)};
}

}  // namespace tc::bench
