#include "auth/password.h"

#include <sodium.h>

namespace tc::auth {

constexpr size_t kMinPasswordLength = 8;
constexpr size_t kMaxPasswordLength = 256;

Status ValidatePassword(std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    return FieldInvalid("password", "must be at least " + std::to_string(kMinPasswordLength) + " characters");
  }
  if (password.size() > kMaxPasswordLength) {
    return FieldInvalid("password", "must be at most " + std::to_string(kMaxPasswordLength) + " bytes");
  }
  for (unsigned char c : password) {
    if (c < 0x20 || c == 0x7f) return FieldInvalid("password", "must not contain control characters");
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Internal("password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  const std::string h(encoded_hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

}  // namespace tc::auth
