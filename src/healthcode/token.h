// Signed health codes (健康码) and transport permits (通行证), verified offline.
//
// A code is a short text a QR carries. A checkpoint device holding only the public
// keys (a KeySet, exported as JSON) verifies it without the network:
//
//   TC_ASSIGN_OR_RETURN(SigningKey key, GenerateKey("k2611a", now));
//   TC_ASSIGN_OR_RETURN(std::string text, Sign(claims, key));      // issuer
//   KeySet keys;  (void)keys.Add(PublicKeyOf(key));                 // or ParseKeySet(file)
//   Refusal why;
//   auto claims = Verify(text, keys, now, {.expect = Kind::kHealthCode}, &why);
//   if (!claims.ok()) Show(claims.status().message());             // why, for the staff
//
// Pure library: no store, no I/O, no global state besides libsodium (InitCrypto() must
// have run). Every function is thread-safe; a KeySet is safe to share once built.
//
// ## The text, byte by byte (format version 1)
//
//   "TC1." BASE32(body || signature)
//
// BASE32 is RFC 4648 base32 (A–Z, 2–7) without padding. Why not base64url: every
// character of "TC1." + base32 is in the QR alphanumeric set, which packs 5.5 bits a
// character against byte mode's 8, so the same bytes make a smaller QR (a health code:
// 176 characters, version 7 at level M, 45×45 modules; base64url would need version
// 8); and a single-case alphabet survives keyboard-wedge scanners typing with Caps
// Lock on: Verify accepts lower case as well (the prefix too). Sign writes upper case.
//
// body (all integers big-endian; times are signed seconds since 1970-01-01 UTC):
//   off  size  field
//   0    1     kind: 1 health code, 2 transport permit
//   1    1     n = key id length, 1..8
//   2    n     key id: [A-Za-z0-9_-]
//   2+n  8     issued_at  (i64 seconds)
//   10+n 8     expires_at (i64 seconds): the first second the code is no longer valid
//   then, kind 1 (health code):
//   18+n 16    token: pseudonymous and opaque (no name, no ID number)
//   34+n 1     colour: 0 green, 1 yellow, 2 red
//   kind 2 (transport permit):
//   18+n 8     permit id (u64)
//   26+n 1     p = plate length, 1..16
//   27+n p     vehicle plate, UTF-8 (e.g. "京A12345")
//   …    8     valid_from  (i64 seconds)
//   …    8     valid_until (i64 seconds): the first second the permit is no longer valid
//   …    1     r = route/cargo note length, 0..64
//   …    r     note, UTF-8
// signature: 64 bytes, Ed25519 (libsodium crypto_sign_detached) over
//   "tongchou-healthcode-v1" 0x00 || body   (domain separation: these signatures
//   cannot be replayed as any other message the same key might sign).
// Nothing may follow the last field. Largest texts: health code 176 characters,
// permit 318; Verify refuses more than kMaxTextBytes before decoding anything.
//
// ## Validity
// A code is valid at `now` (Unix ms) when, in this order: the verifier's clock is
// sane; the text parses; its key id is in the KeySet; the signature verifies; the kind
// is the one asked for (if asked); its times are sane (within [2020, 2100), issued <
// expires, lifetime ≤ the maximum for its kind; a permit's window likewise); the key
// was not retired at or before issue, and is not retired at `now`; it was issued no
// later than now + clock skew (a permit's valid_from likewise); and now < expires_at
// (a permit: also now < valid_until). Expiry is exclusive: at now == expires_at the
// code has expired; the skew is granted to the future only, never to expiry.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "healthcode/colour.h"

namespace tc::healthcode {

enum class Kind : uint8_t { kHealthCode = 1, kTransportPermit = 2 };

const char* KindName(Kind kind);        // "health code", "transport permit"

inline constexpr size_t kMaxKidBytes = 8;
inline constexpr size_t kTokenBytes = 16;
inline constexpr size_t kMaxPlateBytes = 16;
inline constexpr size_t kMaxNoteBytes = 64;
inline constexpr size_t kSignatureBytes = 64;
inline constexpr size_t kPublicKeyBytes = 32;
inline constexpr size_t kSecretKeyBytes = 64;  // libsodium's: seed || public key
inline constexpr size_t kSeedBytes = 32;
inline constexpr size_t kMaxTextBytes = 512;  // longer texts are refused unread
inline constexpr std::string_view kTextPrefix = "TC1.";

// What a code says. Times are Unix ms but whole seconds on the wire: Sign drops the
// milliseconds (rounding down), so Verify returns multiples of 1000. The fields of the
// other kind are ignored by Sign and left default by Verify.
struct Claims {
  Kind kind = Kind::kHealthCode;
  std::string kid;  // set by Sign from the key; Verify returns the signer's
  Millis issued_at = 0;
  Millis expires_at = 0;
  // kHealthCode
  std::array<uint8_t, kTokenBytes> token{};
  Colour colour = Colour::kGreen;
  // kTransportPermit
  uint64_t permit_id = 0;
  std::string plate;  // UTF-8, 1..16 bytes
  Millis valid_from = 0;
  Millis valid_until = 0;
  std::string note;  // route or cargo, UTF-8, 0..64 bytes

  bool operator==(const Claims&) const = default;
};

// An issuer's key: Ed25519 secret key (libsodium layout: seed || public key). Keep it
// in the store, never in a key file. `created_at`: Unix ms.
struct SigningKey {
  std::string kid;
  std::array<uint8_t, kSecretKeyBytes> secret{};
  Millis created_at = 0;
};

// A verifier's key. `retired_at` 0: active; otherwise codes issued at or after it, and
// every code once now ≥ it, are refused (so retire a key only after its last codes
// expired: the issuer switched to the new key at least one code lifetime earlier).
struct PublicKey {
  std::string kid;
  std::array<uint8_t, kPublicKeyBytes> key{};
  Millis created_at = 0;
  Millis retired_at = 0;

  bool operator==(const PublicKey&) const = default;
};

// InvalidArgument naming "kid" unless 1..8 characters of [A-Za-z0-9_-].
Status ValidateKid(std::string_view kid);
// A fresh random key. InvalidArgument for a bad kid.
Result<SigningKey> GenerateKey(std::string_view kid, Millis created_at);
// The key a 32-byte seed determines (tests, fuzzing, restoring a stored seed).
Result<SigningKey> SigningKeyFromSeed(std::string_view kid, const std::array<uint8_t, kSeedBytes>& seed,
                                      Millis created_at);
PublicKey PublicKeyOf(const SigningKey& key);

// The public keys a verifier trusts, by key id; a few keys (rotation), looked up by a
// linear scan without allocating. Immutable while shared.
class KeySet {
 public:
  // Conflict naming the kid when it is already there; InvalidArgument for a bad kid.
  Status Add(PublicKey key);
  const PublicKey* Find(std::string_view kid) const;
  const std::vector<PublicKey>& keys() const { return keys_; }
  bool empty() const { return keys_.empty(); }

 private:
  std::vector<PublicKey> keys_;
};

inline constexpr std::string_view kKeySetFormat = "tongchou-healthcode-keys/1";
// The key file `tongchou healthcode keys` writes and verifiers read:
//   {"format":"tongchou-healthcode-keys/1","keys":[{"kid":"k1","public_key":"<base64url,
//    unpadded, 32 bytes>","created_at":<ms>,"retired_at":<ms>|null}]}
// ParseKeySet is strict: Malformed when the text is not JSON; otherwise InvalidArgument
// with the field named (e.g. "keys[1].public_key") for a wrong format string, a missing,
// unknown or mistyped field, a bad kid or key, a kid listed twice, no keys at all, or
// retired_at before created_at.
Result<KeySet> ParseKeySet(std::string_view json);
std::string KeySetJson(const KeySet& keys);

// Why a code was refused. Each has its own message too; RefusalName gives a stable
// snake_case word for logs and JSON ("bad_signature").
enum class Refusal : uint8_t {
  kNone = 0,
  kBadClock,      // the verifier's own clock is outside the sane range
  kOversized,     // more than kMaxTextBytes
  kMalformed,     // not a code of this format (the message names the part)
  kUnknownKey,    // key id not in the KeySet (named)
  kBadSignature,  // forged or altered
  kWrongKind,     // a permit where a health code was asked for, or the reverse
  kAbsurdTime,    // times outside [2020, 2100), expiry before issue, too long a lifetime
  kRetiredKey,    // the key was retired before the code was issued, or is retired now
  kNotYetValid,   // issued (or a permit's window starts) after now + skew
  kExpired,       // now ≥ expires_at (or a permit's valid_until)
};
const char* RefusalName(Refusal refusal);

struct VerifyOptions {
  std::optional<Kind> expect;                            // refuse the other kind
  Millis clock_skew = 2 * 60 * 1000;                     // tolerated for the future only
  Millis max_health_code_lifetime = 24LL * 3600 * 1000;  // expires_at - issued_at
  Millis max_permit_lifetime = 92LL * 86400 * 1000;      // and a permit's window
};

// Sane instants: [2020-01-01, 2100-01-01) UTC. Codes and clocks outside are refused.
inline constexpr Millis kSaneTimeMin = 1577836800000LL;
inline constexpr Millis kSaneTimeMax = 4102444800000LL;

// The text for `claims`, signed with `key` (claims.kid is ignored: the key's is
// written). InvalidArgument naming the field for what the format cannot carry (an
// unknown kind or colour, an empty or too long plate, too long a note). Times are not
// judged here: Verify does. Deterministic (Ed25519).
Result<std::string> Sign(const Claims& claims, const SigningKey& key);

// Verifies `text` at `now` (see "Validity" above). On refusal: Malformed for kOversized
// and kMalformed, InvalidArgument for the others, with a message a checkpoint can show;
// `*refusal` (if given) says which (kNone on success). Never throws; allocates nothing
// proportional to the input (which is refused above kMaxTextBytes before decoding).
Result<Claims> Verify(std::string_view text, const KeySet& keys, Millis now, const VerifyOptions& options = {},
                      Refusal* refusal = nullptr);

// Unpadded base64url (the key file's public keys). Decode refuses other characters,
// padding and non-canonical trailing bits.
std::string Base64UrlEncode(const uint8_t* data, size_t size);
std::optional<std::vector<uint8_t>> Base64UrlDecode(std::string_view text);

}  // namespace tc::healthcode
