#include "auth/accounts.h"

#include <mutex>

#include <nlohmann/json.hpp>

#include "audit/audit.h"
#include "auth/password.h"
#include "base/crypto.h"

namespace tc::auth {
namespace {

constexpr const char* kUserColumns =
    "id, username, display_name, role, area_code, area_path, disabled, created_at, resident_id";

User UserFromRow(const store::Row& r) {
  User u;
  u.id = r.Int(0);
  u.username = r.Text(1);
  u.display_name = r.Text(2);
  u.role = ParseRole(r.Text(3)).value_or(Role::kResident);
  u.area_code = r.Text(4);
  u.area_path = r.Text(5);
  u.disabled = r.Int(6) != 0;
  u.created_at = r.Int(7);
  u.resident_id = r.Int(8);
  return u;
}

std::string FormatDuration(Millis ms) {
  const Millis s = (ms + 999) / 1000;
  if (s < 120) return std::to_string(s) + " s";
  return std::to_string((s + 59) / 60) + " min";
}

const char* kBadCredentials = "invalid username or password";

}  // namespace

Status ValidateUsername(std::string_view u) {
  if (u.size() < 3 || u.size() > 32) return FieldInvalid("username", "must be 3 to 32 characters");
  for (char c : u) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
      return FieldInvalid("username", "may contain only lower-case letters, digits, '_', '.' and '-'");
    }
  }
  if (u[0] == '_' || u[0] == '.' || u[0] == '-') {
    return FieldInvalid("username", "must start with a letter or a digit");
  }
  return Status::Ok();
}

Accounts::Accounts(store::Store& store, const Clock& clock, AccountsOptions options)
    : store_(store), clock_(clock), options_(options), throttle_(options.throttle) {}

Result<User> Accounts::CreateUser(const NewUser& nu, const Actor& by) {
  Status invalid = InvalidArgument("user is invalid");
  auto check = [&](const Status& s) {
    for (const auto& fe : s.field_errors()) invalid.AddFieldError(fe.field, fe.message);
  };
  check(ValidateUsername(nu.username));
  check(ValidatePassword(nu.password));
  if (!ParseRole(nu.role)) {
    std::string names;
    for (Role r : AllRoles()) names += (names.empty() ? "" : ", ") + std::string(RoleName(r));
    invalid.AddFieldError("role", "unknown role '" + nu.role + "' (one of: " + names + ")");
  }
  if (nu.display_name.size() > 100) invalid.AddFieldError("display_name", "must be at most 100 bytes");
  if (nu.area_code.empty() || nu.area_path.empty()) invalid.AddFieldError("area", "is required");
  if (nu.resident_id < 0 || (nu.resident_id != 0 && nu.role != "resident")) {
    invalid.AddFieldError("resident_id", "only a resident's own account names a resident");
  }
  if (!invalid.field_errors().empty()) return invalid;

  TC_ASSIGN_OR_RETURN(std::string hash, HashPassword(nu.password));
  const Millis now = clock_.Now();
  const std::string display = nu.display_name.empty() ? nu.username : nu.display_name;
  User out;
  Status s = store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto existing, c.Query("SELECT id FROM users WHERE username = ?", {nu.username}));
    if (!existing.empty()) {
      return Conflict("user '" + nu.username + "' already exists").AddFieldError("username", "is already taken");
    }
    TC_ASSIGN_OR_RETURN(
        auto rows, c.Query(std::string("INSERT INTO users (username, display_name, password_hash, role, area_code, "
                                       "area_path, disabled, created_at, updated_at, resident_id) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?) "
                                       "RETURNING ") + kUserColumns,
                           {nu.username, display, hash, nu.role, nu.area_code, nu.area_path, now, now,
                            nu.resident_id}));
    out = UserFromRow(rows[0]);
    nlohmann::json detail = {{"username", nu.username}, {"role", nu.role}, {"area_code", nu.area_code}};
    if (nu.resident_id != 0) detail["resident_id"] = nu.resident_id;
    return audit::Append(c,
                         {.actor = by.name, .action = "user.create", .target = "user:" + nu.username,
                          .area_path = nu.area_path, .detail = detail.dump(), .request_id = by.request_id},
                         now);
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<User>> Accounts::ListUsers(std::string_view under_path) {
  std::vector<User> out;
  Status s = store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows,
                        c.Query(std::string("SELECT ") + kUserColumns +
                                    " FROM users WHERE area_path >= ? AND area_path < ? ORDER BY username",
                                {std::string(under_path), store::PrefixEnd(under_path)}));
    for (const auto& r : rows.rows) out.push_back(UserFromRow(r));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<User> Accounts::FindUser(std::string_view username) {
  std::optional<User> out;
  Status s = store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kUserColumns + " FROM users WHERE username = ?",
                                           {std::string(username)}));
    if (!rows.empty()) out = UserFromRow(rows[0]);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!out) return NotFound("user '" + std::string(username) + "' does not exist");
  return *out;
}

Status Accounts::DisableUser(std::string_view username, const Actor& by) {
  const Millis now = clock_.Now();
  Status s = store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, area_path FROM users WHERE username = ?",
                                           {std::string(username)}));
    if (rows.empty()) return NotFound("user '" + std::string(username) + "' does not exist");
    const int64_t id = rows[0].Int(0);
    TC_RETURN_IF_ERROR(c.Exec("UPDATE users SET disabled = 1, updated_at = ? WHERE id = ?", {now, id}).status());
    TC_RETURN_IF_ERROR(
        c.Exec("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", {now, id}).status());
    return audit::Append(c,
                         {.actor = by.name, .action = "user.disable", .target = "user:" + std::string(username),
                          .area_path = rows[0].Text(1), .request_id = by.request_id},
                         now);
  });
  ForgetSessions();  // after the commit: the user's sessions are revoked now
  return s;
}

Result<LoginResult> Accounts::Login(std::string_view username, std::string_view password, std::string_view address,
                                    std::string_view request_id) {
  const Millis now = clock_.Now();
  std::optional<Millis> wait;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(wait, throttle_.Wait(c, username, address, now));
    return Status::Ok();
  }));
  if (wait) {
    return ResourceExhausted("too many failed logins; try again in " + FormatDuration(*wait)).SetRetryAfter(*wait);
  }
  struct Found {
    User user;
    std::string hash;
  };
  std::optional<Found> found;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kUserColumns +
                                               ", password_hash FROM users WHERE username = ?",
                                           {std::string(username)}));
    if (!rows.empty()) found = Found{UserFromRow(rows[0]), rows[0].Text(9)};
    return Status::Ok();
  }));
  // Verify even for unknown users so timing does not reveal which usernames exist.
  static const std::string kDecoyHash = HashPassword("tongchou-decoy-password").value();
  const bool password_ok = VerifyPassword(found ? found->hash : kDecoyHash, password) && found.has_value();
  if (!password_ok || found->user.disabled) {
    TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
      TC_RETURN_IF_ERROR(throttle_.RecordFailure(c, username, address, now));
      if (!found) return Status::Ok();
      // A failed login against a real account is a security event worth keeping.
      nlohmann::json detail = {{"address", address}, {"reason", found->user.disabled ? "disabled" : "password"}};
      return audit::Append(c,
                           {.actor = std::string(username), .action = "auth.login_failed",
                            .target = "user:" + std::string(username), .area_path = found->user.area_path,
                            .detail = detail.dump(), .request_id = std::string(request_id)},
                           now);
    }));
    return Unauthenticated(kBadCredentials);
  }
  LoginResult result;
  result.token = RandomToken(32);
  const User& u = found->user;
  result.principal = {u.id,        u.username,  u.display_name, u.role, u.area_code,
                      u.area_path, now + options_.token_ttl_ms, u.resident_id};
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(throttle_.RecordSuccess(c, username));
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, remote_addr) "
                              "VALUES (?, ?, ?, ?, ?)",
                              {Sha256Hex(result.token), u.id, now, result.principal.expires_at, std::string(address)})
                           .status());
    nlohmann::json detail = {{"address", address}};
    return audit::Append(c,
                         {.actor = u.username, .action = "auth.login", .target = "user:" + u.username,
                          .area_path = u.area_path, .detail = detail.dump(), .request_id = std::string(request_id)},
                         now);
  }));
  return result;
}

Status Accounts::Logout(std::string_view token, std::string_view request_id) {
  TC_ASSIGN_OR_RETURN(Principal p, Authenticate(token));
  const Millis now = clock_.Now();
  Status s = store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                              {now, Sha256Hex(token)})
                           .status());
    return audit::Append(c,
                         {.actor = p.username, .action = "auth.logout", .target = "user:" + p.username,
                          .area_path = p.area_path, .request_id = std::string(request_id)},
                         now);
  });
  // After the commit, so no lookup in between remembers the session again.
  std::unique_lock l(cache_mu_);
  cache_.erase(Sha256Hex(token));
  return s;
}

void Accounts::ForgetSessions() {
  std::unique_lock l(cache_mu_);
  cache_.clear();
}

Result<Principal> Accounts::Authenticate(std::string_view token) {
  if (token.empty() || token.size() > 200) return Unauthenticated("invalid token");
  const Millis now = clock_.Now();
  const std::string hash = Sha256Hex(token);
  {
    std::shared_lock l(cache_mu_);
    if (auto it = cache_.find(hash); it != cache_.end() && now < it->second.until) return it->second.principal;
  }
  std::optional<Principal> p;
  Status why = Unauthenticated("invalid token");
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows,
                        c.Query("SELECT s.expires_at, s.revoked_at, u.id, u.username, u.display_name, u.role, "
                                "u.area_code, u.area_path, u.disabled, u.resident_id FROM sessions s JOIN users u ON u.id = s.user_id "
                                "WHERE s.token_hash = ?",
                                {hash}));
    if (rows.empty()) return Status::Ok();
    const auto& r = rows[0];
    if (!r.IsNull(1)) {
      why = Unauthenticated("token revoked (logged out or account disabled)");
      return Status::Ok();
    }
    if (r.Int(0) <= now) {
      why = Unauthenticated("token expired; log in again");
      return Status::Ok();
    }
    if (r.Int(8) != 0) {
      why = Unauthenticated("account disabled");
      return Status::Ok();
    }
    p = Principal{r.Int(2), r.Text(3), r.Text(4), ParseRole(r.Text(5)).value_or(Role::kResident),
                  r.Text(6), r.Text(7), r.Int(0),          r.Int(9)};
    return Status::Ok();
  }));
  if (!p) return why;
  {
    std::unique_lock l(cache_mu_);
    if (cache_.size() >= 100'000) cache_.clear();  // bounded; live sessions come back on their next request
    cache_[hash] = {*p, std::min(now + kSessionCacheMs, p->expires_at)};
  }
  return *p;
}

}  // namespace tc::auth
