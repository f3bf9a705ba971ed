#include "auth/throttle.h"

#include <algorithm>
#include <string>

namespace tc::auth {
namespace {
constexpr std::string_view kAccount = "account";
constexpr std::string_view kAddress = "address";
}  // namespace

Millis LoginThrottle::AccountDelay(int64_t failures) const {
  if (failures < options_.account_max_failures) return 0;
  Millis delay = options_.base_delay_ms;
  for (int64_t n = options_.account_max_failures; n < failures && delay < options_.max_delay_ms; ++n) delay *= 2;
  return std::min(delay, options_.max_delay_ms);
}

Millis LoginThrottle::AddressDelay(int64_t failures) const {
  return failures < options_.address_max_failures ? 0 : options_.address_lockout_ms;
}

Result<std::optional<Millis>> LoginThrottle::Wait(store::Conn& c, std::string_view username,
                                                  std::string_view address, Millis now) const {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT MAX(blocked_until) FROM login_throttle WHERE "
                                         "(kind = ? AND subject = ?) OR (kind = ? AND subject = ?)",
                                         {std::string(kAccount), std::string(username), std::string(kAddress),
                                          std::string(address)}));
  if (rows.empty() || rows[0].IsNull(0) || rows[0].Int(0) <= now) return std::optional<Millis>{};
  return std::optional<Millis>{rows[0].Int(0) - now};
}

Status LoginThrottle::Count(store::Conn& c, std::string_view kind, std::string_view subject, Millis now) const {
  // One statement counts, so concurrent failures on PostgreSQL do not lose a count;
  // the row stays locked until the caller's transaction ends.
  TC_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("INSERT INTO login_throttle (kind, subject, failures, last_failure_at, blocked_until, expires_at) "
              "VALUES (?, ?, 1, ?, 0, ?) ON CONFLICT (kind, subject) DO UPDATE SET "
              "failures = CASE WHEN login_throttle.last_failure_at < ? THEN 1 ELSE login_throttle.failures + 1 END, "
              "last_failure_at = excluded.last_failure_at RETURNING failures, blocked_until",
              {std::string(kind), std::string(subject), now, now + options_.window_ms, now - options_.window_ms}));
  if (rows.empty()) return Internal("login_throttle: the upsert of " + std::string(kind) + " returned no row");
  const int64_t failures = rows[0].Int(0);
  const Millis delay = kind == kAccount ? AccountDelay(failures) : AddressDelay(failures);
  const Millis blocked_until = std::max(rows[0].Int(1), delay > 0 ? now + delay : 0);
  return c.Exec("UPDATE login_throttle SET blocked_until = ?, expires_at = ? WHERE kind = ? AND subject = ?",
                {blocked_until, std::max(blocked_until, now + options_.window_ms), std::string(kind),
                 std::string(subject)})
      .status();
}

Status LoginThrottle::RecordFailure(store::Conn& c, std::string_view username, std::string_view address,
                                    Millis now) const {
  TC_RETURN_IF_ERROR(c.Exec("DELETE FROM login_throttle WHERE expires_at < ?", {now}).status());
  TC_RETURN_IF_ERROR(Count(c, kAccount, username, now));
  return Count(c, kAddress, address, now);
}

Status LoginThrottle::RecordSuccess(store::Conn& c, std::string_view username) const {
  return c.Exec("DELETE FROM login_throttle WHERE kind = ? AND subject = ?",
                {std::string(kAccount), std::string(username)})
      .status();
}

}  // namespace tc::auth
