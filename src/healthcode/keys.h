// The signing keys of health codes and transport permits, kept in hc_keys: the
// newest key not retired signs; every key verifies until it is retired (token.h has
// what retirement means). Rotation: Rotate() adds a key that signs from then on; the
// previous one keeps verifying the codes already out (they live minutes) until
// Retire() — so rotate, wait a code lifetime, then retire. The public keys are what
// `tongchou healthcode keys` exports for checkpoint devices.
//
// The secret keys sit in the database like its other secrets (the token secret,
// password hashes): whoever can read the database can sign. A deployment that needs
// more keeps the database on an encrypted volume with restricted access.
//
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "healthcode/codes.h"
#include "healthcode/token.h"
#include "store/store.h"

namespace tc::healthcode {

class SigningKeys {
 public:
  // Loads the keys; makes the first ("k1") if there is none.
  static Result<std::unique_ptr<SigningKeys>> Open(store::Store& store, const Clock& clock);

  // The key that signs now (the newest not retired).
  Result<SigningKey> Active();
  // Every key's public half, retired ones included (they still say which codes to refuse).
  KeySet Public();
  // A new signing key ("k2", "k3", …); audited.
  Result<PublicKey> Rotate(const audit::Actor& by);
  // Retires a key now (NotFound naming it; Conflict if it is the only active key or
  // already retired); audited.
  Result<PublicKey> Retire(std::string_view kid, const audit::Actor& by);

  // Signs claims with the active key.
  Result<std::string> Sign(Claims claims);

 private:
  SigningKeys(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  Status Load();
  Status Insert(store::Conn& c, const SigningKey& key);

  store::Store& store_;
  const Clock& clock_;
  std::mutex mu_;
  std::vector<SigningKey> secret_;  // by creation
  std::vector<PublicKey> public_;   // same order
};

// A resident's code now: their live colour under a fresh signature, valid for the
// rules' code_ttl_seconds. NotFound naming the resident.
struct IssuedCode {
  std::string payload;  // what the QR carries
  Claims claims;
  CodeStatus status;    // the colour with its reasons
};
Result<IssuedCode> IssueCode(HealthCodes& codes, SigningKeys& keys, int64_t resident_id, Millis now);

}  // namespace tc::healthcode
