// Login throttling, kept in the store (table `login_throttle`) so a restart keeps it.
// Every failed login counts against two subjects, and a login waits for the longer
// of their waits:
//  - the account (the username as typed, known or not): from its
//    `account_max_failures`-th failure on, the n-th failure makes the next attempt
//    wait base_delay × 2^(n − account_max_failures), at most max_delay
//    (defaults: 5 failures, then waits of 1, 2, 4 … 32, 60, 60 … seconds).
//    A correct password during the wait is refused too (else guessing goes on),
//    but the wait is short and bounded, so a stranger cannot keep an admin out for
//    long; a successful login clears the account's count.
//  - the client address: `address_max_failures` failures lock that address out for
//    `address_lockout_ms` (a hard lockout, stricter: the address is the guesser's own;
//    behind a proxy it must be the real client's, see api/client_address.h).
// A count is forgotten `window_ms` after its last failure; rows are pruned once their
// count and wait are over, so the table holds only recent failures.
// Stateless apart from the store; safe for concurrent use (each call runs in the
// caller's transaction; the upsert locks the row it counts on).
#pragma once

#include <optional>
#include <string_view>

#include "base/status.h"
#include "base/time.h"
#include "store/store.h"

namespace tc::auth {

struct ThrottleOptions {
  int account_max_failures = 5;
  Millis base_delay_ms = 1000;
  Millis max_delay_ms = 60 * 1000;
  int address_max_failures = 20;
  Millis address_lockout_ms = 15 * 60 * 1000;
  Millis window_ms = 15 * 60 * 1000;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(ThrottleOptions options) : options_(options) {}

  // Milliseconds this username or address must still wait (the longer), or nullopt if
  // an attempt is allowed now.
  Result<std::optional<Millis>> Wait(store::Conn& c, std::string_view username, std::string_view address,
                                     Millis now) const;
  // Counts a failed login for the username and the address, sets their waits and
  // prunes rows that no longer matter. Run inside the caller's transaction.
  Status RecordFailure(store::Conn& c, std::string_view username, std::string_view address, Millis now) const;
  // Clears the username's count (the address keeps its count).
  Status RecordSuccess(store::Conn& c, std::string_view username) const;

  // The wait the `failures`-th failure of an account imposes (0 below the limit).
  Millis AccountDelay(int64_t failures) const;
  // The lockout the `failures`-th failure from one address imposes (0 below the limit).
  Millis AddressDelay(int64_t failures) const;

 private:
  // Upserts one subject's count and sets the wait it has earned.
  Status Count(store::Conn& c, std::string_view kind, std::string_view subject, Millis now) const;

  const ThrottleOptions options_;
};

}  // namespace tc::auth
