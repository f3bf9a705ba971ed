// Login throttling: after `max_failures` failed logins for one username (or
// 10× that from one address) within `window`, further attempts are refused for
// `lockout`, even with the right password. Kept in memory, per server process.
// Thread-safe: mu_ guards entries_.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"

namespace tc::auth {

struct ThrottleOptions {
  int max_failures = 5;
  Millis window_ms = 15 * 60 * 1000;
  Millis lockout_ms = 15 * 60 * 1000;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(ThrottleOptions options) : options_(options) {}
  // Milliseconds until attempts are allowed again, or nullopt if allowed now.
  std::optional<Millis> Blocked(std::string_view username, std::string_view address, Millis now);
  void RecordFailure(std::string_view username, std::string_view address, Millis now);
  void RecordSuccess(std::string_view username);

 private:
  struct Entry {
    int failures = 0;
    Millis window_start = 0;
    Millis locked_until = 0;
  };
  std::optional<Millis> BlockedLocked(const std::string& key, Millis now);
  void FailLocked(const std::string& key, int limit, Millis now);

  const ThrottleOptions options_;
  std::mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace tc::auth
