// Password hashing with Argon2id (libsodium crypto_pwhash_str, interactive limits:
// about 64 MiB and a few tens of milliseconds per hash). Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace tc::auth {

// InvalidArgument naming field "password" if it is too short/long or not UTF-8 text.
Status ValidatePassword(std::string_view password);
// The encoded hash ("$argon2id$v=19$m=...") or Internal if memory is exhausted.
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

}  // namespace tc::auth
