// Small helpers the benchmark programs share: wall-clock seconds, medians and
// percentiles, and dying with the program's name when a step fails.
#pragma once

#include <errno.h>  // program_invocation_short_name

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

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

// The middle sample (the upper of the two middle ones for an even count); 0 for none.
inline double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// "<program>: <what>: <status>" on stderr, exit 1.
[[noreturn]] inline void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what.c_str(), s.ToString().c_str());
  std::exit(1);
}
template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what, r.status());
  return std::move(r).value();
}
inline void Check(const Status& s, const std::string& what) {
  if (!s.ok()) Die(what, s);
}

}  // namespace tc::bench
