// Small wrappers over libsodium: random tokens, SHA-256 hex digests, constant-time
// compare. Thread-safe once InitCrypto() has run (it is idempotent; call at start).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace tc {

// Initialises libsodium; returns Internal if it cannot.
Status InitCrypto();
// `bytes` cryptographically random bytes, as unpadded base64url text.
std::string RandomToken(size_t bytes = 32);
// `bytes` random bytes as lower-case hex.
std::string RandomHex(size_t bytes);
// SHA-256 of `data` as 64 lower-case hex characters.
std::string Sha256Hex(std::string_view data);
// Constant-time equality for secrets of equal length.
bool SecretEquals(std::string_view a, std::string_view b);

}  // namespace tc
