#include "tracing/helper.h"

namespace tc::tracing {

Helper& Helper::Get() {
  static Helper helper;
  return helper;
}

Helper::Helper() : thread_([this](std::stop_token stop) { Loop(stop); }) {}

bool Helper::TryStart(std::function<void()> task) {
  bool idle = false;
  if (!busy_.compare_exchange_strong(idle, true)) return false;
  {
    std::lock_guard lock(mu_);
    task_ = std::move(task);
    done_ = false;
    error_ = nullptr;
  }
  cv_.notify_all();
  return true;
}

void Helper::Wait() {
  std::exception_ptr error;
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return done_; });
    error = error_;
  }
  if (error) std::rethrow_exception(error);
}

void Helper::Loop(std::stop_token stop) {
  std::unique_lock lock(mu_);
  while (cv_.wait(lock, stop, [&] { return static_cast<bool>(task_); })) {
    auto task = std::move(task_);
    task_ = nullptr;
    lock.unlock();
    std::exception_ptr error;
    try {
      task();
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    error_ = error;
    done_ = true;
    cv_.notify_all();
  }
}

bool RunOnBoth(const std::function<void()>& mine, const std::function<void()>& theirs,
               const std::function<void()>& then) {
  Helper& helper = Helper::Get();
  if (!helper.TryStart(theirs)) return false;
  struct Releaser {
    Helper& h;
    ~Releaser() { h.Release(); }
  } releaser{helper};
  try {
    mine();
  } catch (...) {
    try {
      helper.Wait();  // the helper may still use the caller's locals
    } catch (...) {
    }
    throw;
  }
  helper.Wait();
  if (then) then();
  return true;
}

}  // namespace tc::tracing
