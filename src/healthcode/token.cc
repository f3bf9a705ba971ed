#include "healthcode/token.h"

#include <sodium.h>

#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "base/json.h"

namespace tc::healthcode {

static_assert(kSignatureBytes == crypto_sign_BYTES);
static_assert(kPublicKeyBytes == crypto_sign_PUBLICKEYBYTES);
static_assert(kSecretKeyBytes == crypto_sign_SECRETKEYBYTES);
static_assert(kSeedBytes == crypto_sign_SEEDBYTES);

namespace {

constexpr std::string_view kDomain{"tongchou-healthcode-v1\0", 23};
constexpr size_t kMaxBodyBytes = 1 + 1 + kMaxKidBytes + 8 + 8 + 8 + 1 + kMaxPlateBytes + 8 + 8 + 1 + kMaxNoteBytes;
// Decoded bytes of the longest text we read; the buffers live on the stack.
constexpr size_t kMaxDecodedBytes = (kMaxTextBytes - kTextPrefix.size()) * 5 / 8 + 1;
constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// Seconds on the wire, ms in memory. Out-of-range seconds saturate (and are then
// refused as absurd times) instead of overflowing.
Millis SecondsToMillis(int64_t s) {
  constexpr int64_t kLimit = INT64_MAX / 1000;
  if (s > kLimit) return INT64_MAX;
  if (s < -kLimit) return INT64_MIN;
  return s * 1000;
}
int64_t MillisToSeconds(Millis ms) { return ms >= 0 ? ms / 1000 : -((-(ms + 1)) / 1000) - 1; }

std::string When(Millis t) {
  if (t < kSaneTimeMin - 1000LL * 86400 * 365 * 100 || t > kSaneTimeMax + 1000LL * 86400 * 365 * 1000) {
    return std::to_string(t / 1000) + " s since 1970";
  }
  return FormatShanghai(t);
}

// ---- base32 (RFC 4648, no padding) ----

void Base32Encode(const uint8_t* data, size_t size, std::string& out) {
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < size; ++i) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 5) {
      out += kBase32Alphabet[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32Alphabet[(acc << (5 - bits)) & 31];
}

int Base32Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

// Decodes into `out` (capacity checked by the caller: size*5/8 bytes). Returns the
// byte count, or a Malformed naming the offending character.
Result<size_t> Base32Decode(std::string_view text, size_t offset, uint8_t* out) {
  uint32_t acc = 0;
  int bits = 0;
  size_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const int v = Base32Value(text[i]);
    if (v < 0) {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      std::string shown = c >= 0x21 && c < 0x7f ? "'" + std::string(1, text[i]) + "'" : "byte 0x" + [&] {
        char hex[3];
        std::snprintf(hex, sizeof hex, "%02x", c);
        return std::string(hex);
      }();
      return Malformed("malformed: " + shown + " at character " + std::to_string(offset + i + 1) +
                       " is not a base32 character (A-Z, 2-7)");
    }
    acc = (acc << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out[n++] = static_cast<uint8_t>(acc >> (bits - 8));
      bits -= 8;
    }
  }
  // Canonical: leftover bits (fewer than 5) must be zero; 1, 3 or 6 trailing characters
  // cannot end a base32 text.
  if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0) {
    return Malformed("malformed: the base32 text has a wrong length or is cut short (" + std::to_string(text.size()) +
                     " characters)");
  }
  return n;
}

// ---- body ----

class Writer {
 public:
  explicit Writer(uint8_t* buf) : buf_(buf) {}
  void U8(uint8_t v) { buf_[n_++] = v; }
  void U64(uint64_t v) {
    for (int i = 7; i >= 0; --i) buf_[n_++] = static_cast<uint8_t>(v >> (8 * i));
  }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void Bytes(const void* p, size_t size) {
    std::memcpy(buf_ + n_, p, size);
    n_ += size;
  }
  size_t size() const { return n_; }

 private:
  uint8_t* buf_;
  size_t n_ = 0;
};

class Reader {
 public:
  Reader(const uint8_t* p, size_t size) : p_(p), size_(size) {}
  // Each returns false (and records the field) when the body ends too early.
  bool U8(const char* field, uint8_t& v) {
    if (!Need(field, 1)) return false;
    v = p_[at_++];
    return true;
  }
  bool U64(const char* field, uint64_t& v) {
    if (!Need(field, 8)) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | p_[at_++];
    return true;
  }
  bool I64(const char* field, int64_t& v) {
    uint64_t u;
    if (!U64(field, u)) return false;
    v = static_cast<int64_t>(u);
    return true;
  }
  bool Bytes(const char* field, size_t n, const uint8_t*& out) {
    if (!Need(field, n)) return false;
    out = p_ + at_;
    at_ += n;
    return true;
  }
  size_t left() const { return size_ - at_; }
  size_t at() const { return at_; }
  Status Short() const {
    return Malformed(std::string("malformed: the code is cut short at its ") + short_field_ + " (byte " +
                     std::to_string(at_) + " of " + std::to_string(size_) + ")");
  }

 private:
  bool Need(const char* field, size_t n) {
    if (size_ - at_ >= n) return true;
    short_field_ = field;
    return false;
  }
  const uint8_t* p_;
  size_t size_;
  size_t at_ = 0;
  const char* short_field_ = "";
};

bool IsKidChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Valid UTF-8 without control characters (a plate or note is shown to staff).
bool IsCleanUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0)
      len = 2, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0)
      len = 3, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0)
      len = 4, cp = c & 0x07;
    else
      return false;
    if (i + len > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0)) {
      return false;
    }
    i += len;
  }
  return true;
}

Status ValidateClaimsForSigning(const Claims& c) {
  if (c.kind == Kind::kHealthCode) {
    if (static_cast<uint8_t>(c.colour) > 2) return FieldInvalid("colour", "is not green, yellow or red");
    return Status::Ok();
  }
  if (c.kind != Kind::kTransportPermit) return FieldInvalid("kind", "is neither a health code nor a transport permit");
  if (c.plate.empty() || c.plate.size() > kMaxPlateBytes) {
    return FieldInvalid("plate", "must be 1 to 16 bytes of UTF-8, not " + std::to_string(c.plate.size()));
  }
  if (!IsCleanUtf8(c.plate)) return FieldInvalid("plate", "is not valid UTF-8 text");
  if (c.note.size() > kMaxNoteBytes) {
    return FieldInvalid("note", "must be at most 64 bytes of UTF-8, not " + std::to_string(c.note.size()));
  }
  if (!IsCleanUtf8(c.note)) return FieldInvalid("note", "is not valid UTF-8 text");
  return Status::Ok();
}

// Parsed but not yet trusted: times in seconds as written.
struct Parsed {
  Claims claims;
  int64_t issued_s = 0, expires_s = 0, from_s = 0, until_s = 0;
  const uint8_t* body = nullptr;
  size_t body_size = 0;
  const uint8_t* signature = nullptr;
};

Status ParseBody(const uint8_t* data, size_t size, Parsed& out) {
  if (size < kSignatureBytes + 1) {
    return Malformed("malformed: " + std::to_string(size) + " bytes are too few for a signed code");
  }
  out.body = data;
  out.body_size = size - kSignatureBytes;
  out.signature = data + out.body_size;
  Reader r(data, out.body_size);
  Claims& c = out.claims;
  uint8_t kind, kid_len;
  if (!r.U8("kind", kind)) return r.Short();
  if (kind != 1 && kind != 2) {
    return Malformed("malformed: kind " + std::to_string(kind) + " is neither a health code (1) nor a permit (2)");
  }
  c.kind = static_cast<Kind>(kind);
  if (!r.U8("key id length", kid_len)) return r.Short();
  if (kid_len == 0 || kid_len > kMaxKidBytes) {
    return Malformed("malformed: key id length " + std::to_string(kid_len) + " is not 1 to 8");
  }
  const uint8_t* kid;
  if (!r.Bytes("key id", kid_len, kid)) return r.Short();
  for (size_t i = 0; i < kid_len; ++i) {
    if (!IsKidChar(kid[i])) return Malformed("malformed: the key id has a character outside [A-Za-z0-9_-]");
  }
  c.kid.assign(reinterpret_cast<const char*>(kid), kid_len);
  if (!r.I64("issue time", out.issued_s) || !r.I64("expiry time", out.expires_s)) return r.Short();
  if (c.kind == Kind::kHealthCode) {
    const uint8_t* token;
    uint8_t colour;
    if (!r.Bytes("token", kTokenBytes, token)) return r.Short();
    std::memcpy(c.token.data(), token, kTokenBytes);
    if (!r.U8("colour", colour)) return r.Short();
    if (colour > 2) return Malformed("malformed: colour " + std::to_string(colour) + " is not green, yellow or red");
    c.colour = static_cast<Colour>(colour);
  } else {
    uint8_t plate_len, note_len;
    const uint8_t* plate;
    const uint8_t* note;
    if (!r.U64("permit id", c.permit_id)) return r.Short();
    if (!r.U8("plate length", plate_len)) return r.Short();
    if (plate_len == 0 || plate_len > kMaxPlateBytes) {
      return Malformed("malformed: plate length " + std::to_string(plate_len) + " is not 1 to 16");
    }
    if (!r.Bytes("plate", plate_len, plate)) return r.Short();
    c.plate.assign(reinterpret_cast<const char*>(plate), plate_len);
    if (!IsCleanUtf8(c.plate)) return Malformed("malformed: the plate is not valid UTF-8 text");
    if (!r.I64("valid-from time", out.from_s) || !r.I64("valid-until time", out.until_s)) return r.Short();
    if (!r.U8("note length", note_len)) return r.Short();
    if (note_len > kMaxNoteBytes) {
      return Malformed("malformed: note length " + std::to_string(note_len) + " is over 64");
    }
    if (!r.Bytes("note", note_len, note)) return r.Short();
    c.note.assign(reinterpret_cast<const char*>(note), note_len);
    if (!IsCleanUtf8(c.note)) return Malformed("malformed: the note is not valid UTF-8 text");
  }
  if (r.left() != 0) {
    return Malformed("malformed: " + std::to_string(r.left()) + " unexpected bytes after the body (byte " +
                     std::to_string(r.at()) + ")");
  }
  return Status::Ok();
}

std::string Duration(Millis ms) {
  if (ms < 0) ms = -ms;
  const int64_t s = ms / 1000;
  if (s < 120) return std::to_string(s) + " s";
  if (s < 7200) return std::to_string(s / 60) + " min";
  if (s < 2 * 86400) return std::to_string(s / 3600) + " h";
  return std::to_string(s / 86400) + " days";
}

bool Sane(Millis t) { return t >= kSaneTimeMin && t < kSaneTimeMax; }

Status Refuse(Refusal why, Refusal* out, Status s) {
  if (out) *out = why;
  return s;
}

// The time checks of a signed, parsed code (see "Validity" in the header).
Status CheckTimes(const Claims& c, const PublicKey& key, Millis now, const VerifyOptions& o, Refusal* refusal) {
  const bool permit = c.kind == Kind::kTransportPermit;
  const std::string what = permit ? "permit" : "code";
  auto absurd = [&](const std::string& m) {
    return Refuse(Refusal::kAbsurdTime, refusal, InvalidArgument("absurd times: " + m));
  };
  if (!Sane(c.issued_at)) return absurd("the " + what + " says it was issued at " + When(c.issued_at));
  if (!Sane(c.expires_at)) return absurd("the " + what + " says it expires at " + When(c.expires_at));
  if (c.expires_at <= c.issued_at) {
    return absurd("the " + what + " expires (" + When(c.expires_at) + ") no later than it was issued (" +
                  When(c.issued_at) + ")");
  }
  const Millis max_life = permit ? o.max_permit_lifetime : o.max_health_code_lifetime;
  if (c.expires_at - c.issued_at > max_life) {
    return absurd("the " + what + " would live " + Duration(c.expires_at - c.issued_at) + ", longer than " +
                  Duration(max_life));
  }
  if (permit) {
    if (!Sane(c.valid_from) || !Sane(c.valid_until)) {
      return absurd("the permit's window " + When(c.valid_from) + " – " + When(c.valid_until) +
                    " lies outside 2020–2100");
    }
    if (c.valid_until <= c.valid_from) {
      return absurd("the permit's window ends (" + When(c.valid_until) + ") no later than it starts (" +
                    When(c.valid_from) + ")");
    }
    if (c.valid_until - c.valid_from > o.max_permit_lifetime) {
      return absurd("the permit's window is " + Duration(c.valid_until - c.valid_from) + ", longer than " +
                    Duration(o.max_permit_lifetime));
    }
  }
  if (key.retired_at != 0 && c.issued_at >= key.retired_at) {
    return Refuse(Refusal::kRetiredKey, refusal,
                  InvalidArgument("retired key: key '" + key.kid + "' was retired at " + When(key.retired_at) +
                                  ", before this " + what + " was issued (" + When(c.issued_at) + ")"));
  }
  if (key.retired_at != 0 && now >= key.retired_at) {
    return Refuse(Refusal::kRetiredKey, refusal,
                  InvalidArgument("retired key: key '" + key.kid + "' was retired at " + When(key.retired_at)));
  }
  if (c.issued_at > now + o.clock_skew) {
    return Refuse(Refusal::kNotYetValid, refusal,
                  InvalidArgument("not yet valid: the " + what + " was issued at " + When(c.issued_at) + ", " +
                                  Duration(c.issued_at - now) + " in the future (check this device's clock)"));
  }
  if (permit && c.valid_from > now + o.clock_skew) {
    return Refuse(Refusal::kNotYetValid, refusal,
                  InvalidArgument("not yet valid: the permit is valid from " + When(c.valid_from)));
  }
  if (now >= c.expires_at) {
    return Refuse(Refusal::kExpired, refusal,
                  InvalidArgument("expired: the " + what + " expired at " + When(c.expires_at) + ", " +
                                  Duration(now - c.expires_at) + " ago"));
  }
  if (permit && now >= c.valid_until) {
    return Refuse(Refusal::kExpired, refusal,
                  InvalidArgument("expired: the permit was valid until " + When(c.valid_until)));
  }
  return Status::Ok();
}

}  // namespace

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kHealthCode:
      return "health code";
    case Kind::kTransportPermit:
      return "transport permit";
  }
  return "unknown kind";
}


const char* RefusalName(Refusal refusal) {
  switch (refusal) {
    case Refusal::kNone:
      return "none";
    case Refusal::kBadClock:
      return "bad_clock";
    case Refusal::kOversized:
      return "oversized";
    case Refusal::kMalformed:
      return "malformed";
    case Refusal::kUnknownKey:
      return "unknown_key";
    case Refusal::kBadSignature:
      return "bad_signature";
    case Refusal::kWrongKind:
      return "wrong_kind";
    case Refusal::kAbsurdTime:
      return "absurd_time";
    case Refusal::kRetiredKey:
      return "retired_key";
    case Refusal::kNotYetValid:
      return "not_yet_valid";
    case Refusal::kExpired:
      return "expired";
  }
  return "unknown";
}

Status ValidateKid(std::string_view kid) {
  if (kid.empty() || kid.size() > kMaxKidBytes) {
    return FieldInvalid("kid", "must be 1 to 8 characters, not " + std::to_string(kid.size()));
  }
  for (char c : kid) {
    if (!IsKidChar(static_cast<unsigned char>(c))) {
      return FieldInvalid("kid", "'" + std::string(kid) + "' has a character outside [A-Za-z0-9_-]");
    }
  }
  return Status::Ok();
}

Result<SigningKey> GenerateKey(std::string_view kid, Millis created_at) {
  TC_RETURN_IF_ERROR(ValidateKid(kid));
  SigningKey key{.kid = std::string(kid), .created_at = created_at};
  std::array<uint8_t, kPublicKeyBytes> pk;
  crypto_sign_keypair(pk.data(), key.secret.data());
  return key;
}

Result<SigningKey> SigningKeyFromSeed(std::string_view kid, const std::array<uint8_t, kSeedBytes>& seed,
                                      Millis created_at) {
  TC_RETURN_IF_ERROR(ValidateKid(kid));
  SigningKey key{.kid = std::string(kid), .created_at = created_at};
  std::array<uint8_t, kPublicKeyBytes> pk;
  crypto_sign_seed_keypair(pk.data(), key.secret.data(), seed.data());
  return key;
}

PublicKey PublicKeyOf(const SigningKey& key) {
  PublicKey pk{.kid = key.kid, .created_at = key.created_at};
  crypto_sign_ed25519_sk_to_pk(pk.key.data(), key.secret.data());
  return pk;
}

Status KeySet::Add(PublicKey key) {
  TC_RETURN_IF_ERROR(ValidateKid(key.kid));
  if (Find(key.kid)) return Conflict("key '" + key.kid + "' is already in the key set");
  keys_.push_back(std::move(key));
  return Status::Ok();
}

const PublicKey* KeySet::Find(std::string_view kid) const {
  for (const PublicKey& k : keys_) {
    if (k.kid == kid) return &k;
  }
  return nullptr;
}

std::string Base64UrlEncode(const uint8_t* data, size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::vector<uint8_t>> Base64UrlDecode(std::string_view text) {
  std::vector<uint8_t> out(text.size() * 3 / 4 + 1);
  size_t n = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &n, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(n);
  return out;
}

Result<KeySet> ParseKeySet(std::string_view text) {
  TC_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(text, {.max_depth = 4}));
  if (!doc.is_object()) return FieldInvalid("(root)", "must be an object");
  for (const auto& [name, value] : doc.items()) {
    if (name != "format" && name != "keys") return FieldInvalid(name, "is not a field of a key file");
  }
  const auto format = doc.find("format");
  if (format == doc.end()) return FieldInvalid("format", "is required");
  if (!format->is_string() || format->get_ref<const std::string&>() != kKeySetFormat) {
    return FieldInvalid("format", "must be \"" + std::string(kKeySetFormat) + "\"");
  }
  const auto list = doc.find("keys");
  if (list == doc.end()) return FieldInvalid("keys", "is required");
  if (!list->is_array()) return FieldInvalid("keys", "must be an array");
  if (list->empty()) return FieldInvalid("keys", "is empty: a verifier needs at least one key");
  KeySet set;
  for (size_t i = 0; i < list->size(); ++i) {
    const nlohmann::json& item = (*list)[i];
    const std::string at = "keys[" + std::to_string(i) + "]";
    if (!item.is_object()) return FieldInvalid(at, "must be an object");
    for (const auto& [name, value] : item.items()) {
      if (name != "kid" && name != "public_key" && name != "created_at" && name != "retired_at") {
        return FieldInvalid(at + "." + name, "is not a field of a key");
      }
    }
    PublicKey key;
    const auto kid = item.find("kid");
    if (kid == item.end()) return FieldInvalid(at + ".kid", "is required");
    if (!kid->is_string()) return FieldInvalid(at + ".kid", "must be a string");
    key.kid = kid->get<std::string>();
    if (Status s = ValidateKid(key.kid); !s.ok()) {
      return FieldInvalid(at + ".kid", s.field_errors().empty() ? s.message() : s.field_errors()[0].message);
    }
    if (set.Find(key.kid)) return FieldInvalid(at + ".kid", "'" + key.kid + "' is listed twice");
    const auto pk = item.find("public_key");
    if (pk == item.end()) return FieldInvalid(at + ".public_key", "is required");
    if (!pk->is_string()) return FieldInvalid(at + ".public_key", "must be a string");
    const std::string& pk_text = pk->get_ref<const std::string&>();
    if (pk_text.size() != 43) {
      return FieldInvalid(at + ".public_key", "must be 43 characters of unpadded base64url (32 bytes)");
    }
    auto bytes = Base64UrlDecode(pk_text);
    if (!bytes || bytes->size() != kPublicKeyBytes) {
      return FieldInvalid(at + ".public_key", "is not unpadded base64url of 32 bytes");
    }
    std::memcpy(key.key.data(), bytes->data(), kPublicKeyBytes);
    const auto created = item.find("created_at");
    if (created == item.end()) return FieldInvalid(at + ".created_at", "is required");
    if (!created->is_number_integer()) return FieldInvalid(at + ".created_at", "must be an integer (Unix ms)");
    key.created_at = created->get<int64_t>();
    if (created->is_number_unsigned() && created->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return FieldInvalid(at + ".created_at", "is out of range");
    }
    if (!Sane(key.created_at)) return FieldInvalid(at + ".created_at", "is not a time between 2020 and 2100");
    const auto retired = item.find("retired_at");
    if (retired == item.end()) return FieldInvalid(at + ".retired_at", "is required (null while active)");
    if (!retired->is_null()) {
      if (!retired->is_number_integer()) {
        return FieldInvalid(at + ".retired_at", "must be an integer (Unix ms) or null");
      }
      if (retired->is_number_unsigned() && retired->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
        return FieldInvalid(at + ".retired_at", "is out of range");
      }
      key.retired_at = retired->get<int64_t>();
      if (!Sane(key.retired_at)) return FieldInvalid(at + ".retired_at", "is not a time between 2020 and 2100");
      if (key.retired_at < key.created_at) return FieldInvalid(at + ".retired_at", "is before created_at");
    }
    TC_RETURN_IF_ERROR(set.Add(std::move(key)));
  }
  return set;
}

std::string KeySetJson(const KeySet& keys) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const PublicKey& k : keys.keys()) {
    nlohmann::ordered_json item = nlohmann::ordered_json::object();
    item["kid"] = k.kid;
    item["public_key"] = Base64UrlEncode(k.key.data(), k.key.size());
    item["created_at"] = k.created_at;
    item["retired_at"] = k.retired_at == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(k.retired_at);
    list.push_back(std::move(item));
  }
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  doc["format"] = kKeySetFormat;
  doc["keys"] = std::move(list);
  return doc.dump(2) + "\n";
}

Result<std::string> Sign(const Claims& claims, const SigningKey& key) {
  TC_RETURN_IF_ERROR(ValidateKid(key.kid));
  TC_RETURN_IF_ERROR(ValidateClaimsForSigning(claims));
  uint8_t message[kDomain.size() + kMaxBodyBytes + kSignatureBytes];
  std::memcpy(message, kDomain.data(), kDomain.size());
  Writer w(message + kDomain.size());
  w.U8(static_cast<uint8_t>(claims.kind));
  w.U8(static_cast<uint8_t>(key.kid.size()));
  w.Bytes(key.kid.data(), key.kid.size());
  w.I64(MillisToSeconds(claims.issued_at));
  w.I64(MillisToSeconds(claims.expires_at));
  if (claims.kind == Kind::kHealthCode) {
    w.Bytes(claims.token.data(), kTokenBytes);
    w.U8(static_cast<uint8_t>(claims.colour));
  } else {
    w.U64(claims.permit_id);
    w.U8(static_cast<uint8_t>(claims.plate.size()));
    w.Bytes(claims.plate.data(), claims.plate.size());
    w.I64(MillisToSeconds(claims.valid_from));
    w.I64(MillisToSeconds(claims.valid_until));
    w.U8(static_cast<uint8_t>(claims.note.size()));
    w.Bytes(claims.note.data(), claims.note.size());
  }
  const size_t body_size = w.size();
  uint8_t* signature = message + kDomain.size() + body_size;
  crypto_sign_detached(signature, nullptr, message, kDomain.size() + body_size, key.secret.data());
  std::string text;
  text.reserve(kTextPrefix.size() + ((body_size + kSignatureBytes) * 8 + 4) / 5);
  text += kTextPrefix;
  Base32Encode(message + kDomain.size(), body_size + kSignatureBytes, text);
  return text;
}

Result<Claims> Verify(std::string_view text, const KeySet& keys, Millis now, const VerifyOptions& options,
                      Refusal* refusal) {
  if (refusal) *refusal = Refusal::kNone;
  if (!Sane(now)) {
    return Refuse(
        Refusal::kBadClock, refusal,
        InvalidArgument("bad clock: this device's clock reads " + When(now) + ", outside 2020–2100; set the clock"));
  }
  if (text.size() > kMaxTextBytes) {
    return Refuse(Refusal::kOversized, refusal,
                  Malformed("oversized: " + std::to_string(text.size()) + " characters, more than a code has (" +
                            std::to_string(kMaxTextBytes) + ")"));
  }
  auto malformed = [&](std::string m) { return Refuse(Refusal::kMalformed, refusal, Malformed(std::move(m))); };
  if (text.empty()) return malformed("malformed: the code is empty");
  // "TC1." in either case; "TCn." for another n names the version.
  const bool tc = text.size() >= 2 && (text[0] == 'T' || text[0] == 't') && (text[1] == 'C' || text[1] == 'c');
  if (!tc) return malformed("malformed: not a Tongchou code (it does not start with \"TC1.\")");
  if (text.size() < kTextPrefix.size() || text[2] != '1' || text[3] != '.') {
    const size_t dot = text.find('.');
    if (dot != std::string_view::npos && dot > 2 && dot <= 6) {
      return malformed("malformed: format version '" + std::string(text.substr(2, dot - 2)) +
                       "' is not supported (this verifier reads version 1)");
    }
    return malformed("malformed: not a Tongchou code (it does not start with \"TC1.\")");
  }
  const std::string_view payload = text.substr(kTextPrefix.size());
  uint8_t decoded[kMaxDecodedBytes];
  auto n = Base32Decode(payload, kTextPrefix.size(), decoded);
  if (!n.ok()) return Refuse(Refusal::kMalformed, refusal, n.status());
  Parsed p;
  if (Status s = ParseBody(decoded, *n, p); !s.ok()) return Refuse(Refusal::kMalformed, refusal, std::move(s));

  const PublicKey* key = keys.Find(p.claims.kid);
  if (!key) {
    return Refuse(Refusal::kUnknownKey, refusal,
                  InvalidArgument("unknown key: key id '" + p.claims.kid +
                                  "' is not in this device's key file (update the keys?)"));
  }
  uint8_t message[kDomain.size() + kMaxBodyBytes];
  if (p.body_size > kMaxBodyBytes)
    return Internal("the parser let a body of " + std::to_string(p.body_size) + " bytes through");
  std::memcpy(message, kDomain.data(), kDomain.size());
  std::memcpy(message + kDomain.size(), p.body, p.body_size);
  if (crypto_sign_verify_detached(p.signature, message, kDomain.size() + p.body_size, key->key.data()) != 0) {
    return Refuse(Refusal::kBadSignature, refusal,
                  InvalidArgument("bad signature: the code was altered or not signed by key '" + key->kid + "'"));
  }
  Claims& c = p.claims;
  if (options.expect && *options.expect != c.kind) {
    return Refuse(Refusal::kWrongKind, refusal,
                  InvalidArgument(std::string("wrong kind: this is a ") + KindName(c.kind) + ", not a " +
                                  KindName(*options.expect)));
  }
  c.issued_at = SecondsToMillis(p.issued_s);
  c.expires_at = SecondsToMillis(p.expires_s);
  if (c.kind == Kind::kTransportPermit) {
    c.valid_from = SecondsToMillis(p.from_s);
    c.valid_until = SecondsToMillis(p.until_s);
  }
  TC_RETURN_IF_ERROR(CheckTimes(c, *key, now, options, refusal));
  return std::move(c);
}

}  // namespace tc::healthcode
