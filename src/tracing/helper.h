// A second thread for the engine's big queries (the machine has two cores): one task
// at a time, started only when idle, so concurrent queries fall back to one thread
// each. The thread lives as long as the process, so what it keeps per thread (scratch
// slots, bitmaps) is reused from query to query.
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>

namespace tc::tracing {

bool RunOnBoth(const std::function<void()>& mine, const std::function<void()>& theirs,
               const std::function<void()>& then);

// The helper thread itself; used only through RunOnBoth (below), which pairs every
// start with a wait and a release.
class Helper {
 private:
  friend bool RunOnBoth(const std::function<void()>&, const std::function<void()>&, const std::function<void()>&);
  static Helper& Get();
  Helper();
  // Runs task on the helper thread and returns true, or returns false when it is busy.
  bool TryStart(std::function<void()> task);
  // Waits for the task TryStart began; rethrows what it threw. The helper stays
  // reserved for the caller until Release().
  void Wait();
  void Release() { busy_ = false; }
  void Loop(std::stop_token stop);

  std::mutex mu_;
  std::condition_variable_any cv_;
  std::function<void()> task_;
  bool done_ = false;
  std::exception_ptr error_;
  std::atomic<bool> busy_{false};
  std::jthread thread_;  // last: stopped and joined before the members above go
};

// Runs `mine` here and `theirs` on the helper at the same time, then `then` here
// (the helper still reserved, so `then` may read and reset what `theirs` left in the
// helper's thread-local scratch), and returns true — or returns false at once,
// running nothing, when the helper is busy. `theirs` may use the caller's locals: the
// helper is waited for even if `mine` throws.
bool RunOnBoth(const std::function<void()>& mine, const std::function<void()>& theirs,
               const std::function<void()>& then = {});

}  // namespace tc::tracing
