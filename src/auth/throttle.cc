#include "auth/throttle.h"

namespace tc::auth {
namespace {
constexpr int kAddressMultiplier = 10;
constexpr size_t kMaxEntries = 100'000;  // bound memory under a spraying attack
}  // namespace

std::optional<Millis> LoginThrottle::BlockedLocked(const std::string& key, Millis now) {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.locked_until <= now) return std::nullopt;
  return it->second.locked_until - now;
}

std::optional<Millis> LoginThrottle::Blocked(std::string_view username, std::string_view address, Millis now) {
  std::lock_guard lock(mu_);
  auto u = BlockedLocked("u:" + std::string(username), now);
  auto a = BlockedLocked("a:" + std::string(address), now);
  if (u && a) return std::max(*u, *a);
  return u ? u : a;
}

void LoginThrottle::FailLocked(const std::string& key, int limit, Millis now) {
  if (entries_.size() >= kMaxEntries) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = (it->second.locked_until <= now && now - it->second.window_start > options_.window_ms) ? entries_.erase(it)
                                                                                                   : std::next(it);
    }
  }
  Entry& e = entries_[key];
  if (now - e.window_start > options_.window_ms) {
    e.failures = 0;
    e.window_start = now;
  }
  if (++e.failures >= limit) {
    e.locked_until = now + options_.lockout_ms;
    e.failures = 0;
    e.window_start = now;
  }
}

void LoginThrottle::RecordFailure(std::string_view username, std::string_view address, Millis now) {
  std::lock_guard lock(mu_);
  FailLocked("u:" + std::string(username), options_.max_failures, now);
  FailLocked("a:" + std::string(address), options_.max_failures * kAddressMultiplier, now);
}

void LoginThrottle::RecordSuccess(std::string_view username) {
  std::lock_guard lock(mu_);
  entries_.erase("u:" + std::string(username));
}

}  // namespace tc::auth
