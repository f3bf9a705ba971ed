// Accounts: users, login sessions with opaque bearer tokens, login throttling
// (auth/throttle.h: a short, bounded backoff per account, a lockout per client
// address, both in the store). Tokens are 256-bit random values shown to the client
// once; only their SHA-256 is stored. Every write (user created/disabled, login,
// failed login of a real account, logout) is audited in the same transaction.
// Thread-safe: the store and the throttle are.
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "auth/roles.h"
#include "auth/throttle.h"
#include "base/status.h"
#include "base/time.h"
#include "store/store.h"

namespace tc::auth {

struct AccountsOptions {
  Millis token_ttl_ms = 12LL * 3600 * 1000;
  ThrottleOptions throttle;
};

using audit::Actor;

struct NewUser {
  std::string username;
  std::string display_name;
  std::string password;
  std::string role;       // RoleName, validated here
  std::string area_code;  // must exist (the caller resolved it)
  std::string area_path;  // the area's materialised path
  int64_t resident_id = 0;  // role resident: the registry's resident this account belongs to (the caller checked it exists)
};

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kResident;
  std::string area_code;
  std::string area_path;
  bool disabled = false;
  Millis created_at = 0;
  int64_t resident_id = 0;
};

struct LoginResult {
  std::string token;
  Principal principal;  // expires_at is the token's expiry
};

class Accounts {
 public:
  Accounts(store::Store& store, const Clock& clock, AccountsOptions options);

  // InvalidArgument (with field errors) for bad fields, Conflict if the username is taken.
  Result<User> CreateUser(const NewUser& user, const Actor& by);
  // Users whose area lies under `under_path`, by username.
  Result<std::vector<User>> ListUsers(std::string_view under_path);
  Result<User> FindUser(std::string_view username);
  // Disables the account and revokes its sessions. NotFound if no such user.
  Status DisableUser(std::string_view username, const Actor& by);

  // `address` is the client's (behind trusted proxies, the forwarded one); it is
  // throttled and kept as the session's remote_addr. Unauthenticated for an unknown
  // user, wrong password or disabled account (one message for all three), each
  // counted by the throttle; ResourceExhausted while the username or the address
  // must wait — even with the right password — saying how long, with the wait as
  // the Status's retry-after. A successful login clears the username's count.
  Result<LoginResult> Login(std::string_view username, std::string_view password, std::string_view address,
                            std::string_view request_id);
  // Revokes the session of this token. Unauthenticated if it is not a live session.
  Status Logout(std::string_view token, std::string_view request_id);
  // The principal of a live session; Unauthenticated saying why not (invalid, expired, revoked).
  // A live session is remembered for up to kSessionCacheMs (so a busy endpoint, e.g. a
  // checkpoint's status lookups, does not read the store per request); Logout and
  // DisableUser in this process forget at once, a revocation by another process (the
  // CLI) takes effect within kSessionCacheMs.
  Result<Principal> Authenticate(std::string_view token);
  static constexpr Millis kSessionCacheMs = 2000;

 private:
  void ForgetSessions();

  store::Store& store_;
  const Clock& clock_;
  const AccountsOptions options_;
  LoginThrottle throttle_;
  struct CachedSession {
    Principal principal;
    Millis until = 0;  // remembered until then
  };
  std::shared_mutex cache_mu_;
  std::unordered_map<std::string, CachedSession> cache_;  // by token hash
};

// InvalidArgument naming "username" unless 3–32 of [a-z0-9_.-], starting with a letter or digit.
Status ValidateUsername(std::string_view username);

}  // namespace tc::auth
