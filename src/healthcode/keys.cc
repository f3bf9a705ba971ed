#include "healthcode/keys.h"

#include <nlohmann/json.hpp>

namespace tc::healthcode {

Result<std::unique_ptr<SigningKeys>> SigningKeys::Open(store::Store& store, const Clock& clock) {
  std::unique_ptr<SigningKeys> k(new SigningKeys(store, clock));
  TC_RETURN_IF_ERROR(k->Load());
  if (k->secret_.empty()) {
    const Millis now = clock.Now();
    TC_ASSIGN_OR_RETURN(SigningKey first, GenerateKey("k1", now));
    // Two processes opening a fresh database at once: the first key wins, both load it.
    TC_RETURN_IF_ERROR(store.Tx([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto any, c.Query("SELECT COUNT(*) FROM hc_keys", {}));
      if (any[0].Int(0) > 0) return Status::Ok();
      return k->Insert(c, first);
    }));
    TC_RETURN_IF_ERROR(k->Load());
  }
  return k;
}

Status SigningKeys::Insert(store::Conn& c, const SigningKey& key) {
  const PublicKey pub = PublicKeyOf(key);
  return c.Exec("INSERT INTO hc_keys (kid, public_key, secret_key, created_at, retired_at) VALUES (?, ?, ?, ?, 0)",
                {key.kid, Base64UrlEncode(pub.key.data(), pub.key.size()),
                 Base64UrlEncode(key.secret.data(), key.secret.size()), key.created_at})
      .status();
}

Status SigningKeys::Load() {
  std::vector<SigningKey> secret;
  std::vector<PublicKey> pub;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT kid, secret_key, created_at, retired_at FROM hc_keys "
                                           "ORDER BY created_at, kid",
                                           {}));
    for (const auto& r : rows.rows) {
      auto bytes = Base64UrlDecode(r.Text(1));
      if (!bytes || bytes->size() != kSecretKeyBytes) return Internal("hc_keys: key " + r.Text(0) + " is damaged");
      SigningKey k;
      k.kid = r.Text(0);
      std::copy(bytes->begin(), bytes->end(), k.secret.begin());
      k.created_at = r.Int(2);
      PublicKey p = PublicKeyOf(k);
      p.retired_at = r.Int(3);
      secret.push_back(std::move(k));
      pub.push_back(std::move(p));
    }
    return Status::Ok();
  }));
  std::lock_guard l(mu_);
  secret_ = std::move(secret);
  public_ = std::move(pub);
  return Status::Ok();
}

Result<SigningKey> SigningKeys::Active() {
  std::lock_guard l(mu_);
  for (size_t i = secret_.size(); i-- > 0;) {
    if (public_[i].retired_at == 0) return secret_[i];
  }
  return Unavailable("no active signing key: rotate one in (tongchou healthcode rotate-key)");
}

KeySet SigningKeys::Public() {
  std::lock_guard l(mu_);
  KeySet set;
  for (const PublicKey& p : public_) (void)set.Add(p);
  return set;
}

Result<PublicKey> SigningKeys::Rotate(const audit::Actor& by) {
  const Millis now = clock_.Now();
  SigningKey key;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto n, c.Query("SELECT COUNT(*) FROM hc_keys", {}));
    TC_ASSIGN_OR_RETURN(key, GenerateKey("k" + std::to_string(n[0].Int(0) + 1), now));
    TC_RETURN_IF_ERROR(Insert(c, key));
    nlohmann::json detail = {{"kid", key.kid}};
    return audit::Append(c, {.actor = by.name, .action = "healthcode.key_rotate", .target = "key:" + key.kid,
                             .area_path = "/", .detail = detail.dump(), .request_id = by.request_id},
                         now);
  }));
  TC_RETURN_IF_ERROR(Load());
  return PublicKeyOf(key);
}

Result<PublicKey> SigningKeys::Retire(std::string_view kid, const audit::Actor& by) {
  const Millis now = clock_.Now();
  {
    std::lock_guard l(mu_);
    const PublicKey* found = nullptr;
    int active = 0;
    for (const PublicKey& p : public_) {
      if (p.kid == kid) found = &p;
      if (p.retired_at == 0) ++active;
    }
    if (found == nullptr) return NoSuch("signing key " + std::string(kid));
    if (found->retired_at != 0) return Conflict("signing key " + std::string(kid) + " is already retired");
    if (active == 1) return Conflict("signing key " + std::string(kid) + " is the only active key; rotate first");
  }
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("UPDATE hc_keys SET retired_at = ? WHERE kid = ?", {now, std::string(kid)}).status());
    nlohmann::json detail = {{"kid", kid}};
    return audit::Append(c, {.actor = by.name, .action = "healthcode.key_retire", .target = "key:" + std::string(kid),
                             .area_path = "/", .detail = detail.dump(), .request_id = by.request_id},
                         now);
  }));
  TC_RETURN_IF_ERROR(Load());
  std::lock_guard l(mu_);
  for (const PublicKey& p : public_) {
    if (p.kid == kid) return p;
  }
  return NoSuch("signing key " + std::string(kid));
}

Result<std::string> SigningKeys::Sign(Claims claims) {
  TC_ASSIGN_OR_RETURN(SigningKey key, Active());
  return healthcode::Sign(claims, key);
}

Result<IssuedCode> IssueCode(HealthCodes& codes, SigningKeys& keys, int64_t resident_id, Millis now) {
  IssuedCode out;
  TC_ASSIGN_OR_RETURN(out.status, codes.Lookup(resident_id));
  TC_ASSIGN_OR_RETURN(HealthRules rules, codes.CurrentRules());
  out.claims.kind = Kind::kHealthCode;
  out.claims.issued_at = now;
  out.claims.expires_at = now + int64_t{rules.code_ttl_seconds} * 1000;
  out.claims.token = codes.TokenOf(resident_id);
  out.claims.colour = out.status.colour;
  TC_ASSIGN_OR_RETURN(out.payload, keys.Sign(out.claims));
  out.claims.issued_at = now / 1000 * 1000;  // as the payload carries them
  out.claims.expires_at = out.claims.expires_at / 1000 * 1000;
  TC_ASSIGN_OR_RETURN(SigningKey active, keys.Active());
  out.claims.kid = active.kid;
  return out;
}

}  // namespace tc::healthcode
