// Signed codes: round trips of both kinds, every refusal on crafted input (the body
// bytes re-signed with the key where the point is a signed but absurd code), key
// rotation, and the key file's JSON.
#include "healthcode/token.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cctype>
#include <cstring>

#include "base/crypto.h"

namespace tc::healthcode {
namespace {

constexpr Millis kSecond = 1000;
constexpr Millis kMinute = 60 * kSecond;
constexpr Millis kDay = 86400 * kSecond;
// 2026-12-01T00:00:00Z
constexpr Millis kNow = 1796083200000LL;
constexpr Millis kYear3000 = 32503680000000LL;

std::array<uint8_t, kSeedBytes> Seed(uint8_t b) {
  std::array<uint8_t, kSeedBytes> s;
  s.fill(b);
  return s;
}

// Test-side base32 (RFC 4648, no padding), to tamper with the bytes under the text.
std::string B32(const std::vector<uint8_t>& bytes) {
  static const char kA[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) out += kA[(acc >> ((bits -= 5))) & 31];
  }
  if (bits) out += kA[(acc << (5 - bits)) & 31];
  return out;
}
std::vector<uint8_t> UnB32(std::string_view s) {
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    const int v = c >= 'A' && c <= 'Z' ? c - 'A' : c - '2' + 26;
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) out.push_back(static_cast<uint8_t>(acc >> ((bits -= 8))));
  }
  return out;
}

class TokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    auto k1 = SigningKeyFromSeed("k1", Seed(1), kNow - 30 * kDay);
    auto k2 = SigningKeyFromSeed("k2", Seed(2), kNow - kDay);
    ASSERT_TRUE(k1.ok() && k2.ok());
    k1_ = *k1;
    k2_ = *k2;
    ASSERT_TRUE(keys_.Add(PublicKeyOf(k1_)).ok());
    ASSERT_TRUE(keys_.Add(PublicKeyOf(k2_)).ok());
  }

  static Claims Code(Colour colour = Colour::kYellow) {
    Claims c;
    c.kind = Kind::kHealthCode;
    c.issued_at = kNow - kMinute;
    c.expires_at = kNow + 4 * kMinute;
    for (size_t i = 0; i < kTokenBytes; ++i) c.token[i] = static_cast<uint8_t>(0xa0 + i);
    c.colour = colour;
    return c;
  }
  static Claims Permit() {
    Claims c;
    c.kind = Kind::kTransportPermit;
    c.issued_at = kNow - kDay;
    c.expires_at = kNow + 6 * kDay;
    c.permit_id = 0x0123456789abcdefULL;
    c.plate = "京A12345";
    c.valid_from = kNow - kDay;
    c.valid_until = kNow + 6 * kDay;
    c.note = "长春—沈阳 G1 生活物资";
    return c;
  }
  std::string SignOk(const Claims& c, const SigningKey& key) {
    auto t = Sign(c, key);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : std::string();
  }
  // Verify expecting a refusal; returns it (and the message through `message`).
  Refusal Refused(std::string_view text, Millis now = kNow, const VerifyOptions& o = {},
                  std::string* message = nullptr) {
    Refusal why = Refusal::kNone;
    auto r = Verify(text, keys_, now, o, &why);
    EXPECT_FALSE(r.ok()) << "accepted: " << text;
    if (r.ok()) return Refusal::kNone;
    EXPECT_FALSE(r.status().message().empty());
    if (message) *message = r.status().message();
    return why;
  }
  // Signs raw body bytes with the domain string, as Sign does: crafts codes that are
  // correctly signed but say what Sign would not write.
  static std::string SignRaw(const std::vector<uint8_t>& body, const SigningKey& key) {
    std::vector<uint8_t> msg(23);
    std::memcpy(msg.data(), "tongchou-healthcode-v1\0", 23);
    msg.insert(msg.end(), body.begin(), body.end());
    uint8_t sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, msg.data(), msg.size(), key.secret.data());
    std::vector<uint8_t> all = body;
    all.insert(all.end(), sig, sig + sizeof sig);
    return "TC1." + B32(all);
  }
  static std::vector<uint8_t> BodyOf(std::string_view text) {
    auto bytes = UnB32(text.substr(4));
    bytes.resize(bytes.size() - kSignatureBytes);
    return bytes;
  }

  SigningKey k1_, k2_;
  KeySet keys_;
};

TEST_F(TokenTest, HealthCodeRoundTrip) {
  for (Colour colour : {Colour::kGreen, Colour::kYellow, Colour::kRed}) {
    const std::string text = SignOk(Code(colour), k1_);
    auto r = Verify(text, keys_, kNow, {.expect = Kind::kHealthCode});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    Claims want = Code(colour);
    want.kid = "k1";
    EXPECT_EQ(*r, want);
  }
}

TEST_F(TokenTest, PermitRoundTrip) {
  const std::string text = SignOk(Permit(), k2_);
  auto r = Verify(text, keys_, kNow, {.expect = Kind::kTransportPermit});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Claims want = Permit();
  want.kid = "k2";
  EXPECT_EQ(*r, want);
  EXPECT_EQ(r->plate, "京A12345");
}

TEST_F(TokenTest, TextIsUpperCaseBase32WithinTheDocumentedLengths) {
  auto k8 = SigningKeyFromSeed("abcdefgh", Seed(8), kNow);
  ASSERT_TRUE(k8.ok());
  const std::string code = SignOk(Code(), *k8);
  EXPECT_EQ(code.size(), 176u);  // the longest health code: a QR of version 7 at level M
  Claims p = Permit();
  p.plate = std::string(16, 'A');
  p.note = std::string(64, 'x');
  const std::string permit = SignOk(p, *k8);
  EXPECT_EQ(permit.size(), 318u);
  for (const std::string& t : {code, permit}) {
    EXPECT_EQ(t.substr(0, 4), "TC1.");
    for (char c : t.substr(4)) EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')) << t;
  }
  EXPECT_EQ(SignOk(Code(), k1_), SignOk(Code(), k1_)) << "Ed25519 signing is deterministic";
}

TEST_F(TokenTest, SignWritesWholeSecondsRoundingDown) {
  Claims c = Code();
  c.issued_at += 999;
  c.expires_at += 1;
  auto r = Verify(SignOk(c, k1_), keys_, kNow);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->issued_at, Code().issued_at);
  EXPECT_EQ(r->expires_at, Code().expires_at);
}

TEST_F(TokenTest, LowerCaseTextFromACapsLockScannerVerifies) {
  std::string text = SignOk(Code(), k1_);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_TRUE(Verify(text, keys_, kNow).ok());
}

TEST_F(TokenTest, TamperedBodyByteIsABadSignature) {
  const std::string text = SignOk(Code(Colour::kRed), k1_);
  auto bytes = UnB32(std::string_view(text).substr(4));
  // The colour, the last body byte: red → green.
  const size_t colour_at = bytes.size() - kSignatureBytes - 1;
  ASSERT_EQ(bytes[colour_at], 2);
  bytes[colour_at] = 0;
  EXPECT_EQ(Refused("TC1." + B32(bytes)), Refusal::kBadSignature);
  // Every bit of every body byte: refused, never accepted.
  const auto original = UnB32(std::string_view(text).substr(4));
  for (size_t i = 0; i + kSignatureBytes < original.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto t = original;
      t[i] ^= static_cast<uint8_t>(1u << bit);
      Refusal why = Refused("TC1." + B32(t));
      EXPECT_TRUE(why == Refusal::kBadSignature || why == Refusal::kMalformed || why == Refusal::kUnknownKey)
          << "byte " << i << " bit " << bit << ": " << RefusalName(why);
    }
  }
}

TEST_F(TokenTest, TamperedSignatureByteIsABadSignature) {
  const std::string text = SignOk(Permit(), k1_);
  const auto original = UnB32(std::string_view(text).substr(4));
  for (size_t i = original.size() - kSignatureBytes; i < original.size(); ++i) {
    auto t = original;
    t[i] ^= 0x40;
    std::string message;
    EXPECT_EQ(Refused("TC1." + B32(t), kNow, {}, &message), Refusal::kBadSignature) << i;
    EXPECT_NE(message.find("bad signature"), std::string::npos) << message;
  }
}

TEST_F(TokenTest, EveryCharacterReplacedIsRefused) {
  const std::string text = SignOk(Code(), k2_);
  for (size_t i = 0; i < text.size(); ++i) {
    std::string t = text;
    t[i] = t[i] == 'Q' ? 'R' : 'Q';
    Refused(t);
  }
}

TEST_F(TokenTest, TruncatedAtEveryLengthIsMalformed) {
  for (const std::string& text : {SignOk(Code(), k1_), SignOk(Permit(), k2_)}) {
    for (size_t n = 0; n < text.size(); ++n) {
      EXPECT_EQ(Refused(text.substr(0, n)), Refusal::kMalformed) << "cut at " << n;
    }
  }
  std::string message;
  const std::string code = SignOk(Code(), k1_);
  Refused(code.substr(0, 20), kNow, {}, &message);
  EXPECT_NE(message.find("too few"), std::string::npos) << message;
}

TEST_F(TokenTest, BodyCutShortNamesTheField) {
  // A correctly signed body that stops inside the token: the parser names it.
  auto body = BodyOf(SignOk(Code(), k1_));
  body.resize(body.size() - 5);
  std::string message;
  EXPECT_EQ(Refused(SignRaw(body, k1_), kNow, {}, &message), Refusal::kMalformed);
  EXPECT_NE(message.find("cut short at its token"), std::string::npos) << message;
}

TEST_F(TokenTest, TrailingBytesAfterTheBodyAreMalformed) {
  auto body = BodyOf(SignOk(Code(), k1_));
  body.push_back(0);
  std::string message;
  EXPECT_EQ(Refused(SignRaw(body, k1_), kNow, {}, &message), Refusal::kMalformed);
  EXPECT_NE(message.find("unexpected bytes"), std::string::npos) << message;
}

TEST_F(TokenTest, UnknownKindOrColourIsMalformed) {
  auto body = BodyOf(SignOk(Code(), k1_));
  auto bad_kind = body;
  bad_kind[0] = 7;
  EXPECT_EQ(Refused(SignRaw(bad_kind, k1_)), Refusal::kMalformed);
  auto bad_colour = body;
  bad_colour.back() = 3;
  std::string message;
  EXPECT_EQ(Refused(SignRaw(bad_colour, k1_), kNow, {}, &message), Refusal::kMalformed);
  EXPECT_NE(message.find("colour 3"), std::string::npos) << message;
}

TEST_F(TokenTest, UnknownKeyIdIsNamed) {
  auto k9 = SigningKeyFromSeed("k9", Seed(9), kNow - kDay);
  ASSERT_TRUE(k9.ok());
  std::string message;
  EXPECT_EQ(Refused(SignOk(Code(), *k9), kNow, {}, &message), Refusal::kUnknownKey);
  EXPECT_NE(message.find("'k9'"), std::string::npos) << message;
}

TEST_F(TokenTest, SignedByAnotherKeyUnderAKnownKidIsABadSignature) {
  auto impostor = SigningKeyFromSeed("k1", Seed(66), kNow - kDay);
  ASSERT_TRUE(impostor.ok());
  EXPECT_EQ(Refused(SignOk(Code(), *impostor)), Refusal::kBadSignature);
}

TEST_F(TokenTest, RetiredKeyRefusesCodesIssuedAfterRetirementAndEverythingOnceRetired) {
  const std::string text = SignOk(Code(), k1_);  // issued kNow - 1 min
  KeySet keys;
  PublicKey pk = PublicKeyOf(k1_);
  pk.retired_at = kNow - 2 * kMinute;  // before the code was issued
  ASSERT_TRUE(keys.Add(pk).ok());
  Refusal why;
  auto r = Verify(text, keys, kNow, {}, &why);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(why, Refusal::kRetiredKey);
  EXPECT_NE(r.status().message().find("before this code was issued"), std::string::npos) << r.status().message();

  KeySet later;
  pk.retired_at = kNow + kMinute;  // retired after issue: valid until then
  ASSERT_TRUE(later.Add(pk).ok());
  EXPECT_TRUE(Verify(text, later, kNow).ok());
  r = Verify(text, later, kNow + kMinute, {}, &why);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(why, Refusal::kRetiredKey);
}

TEST_F(TokenTest, KeyRotationOldCodesVerifyUntilTheOldKeyIsRetired) {
  // k1 issued until the switch; k2 from then on. Both keys are in the device's set.
  Claims old_code = Code(Colour::kGreen);
  const std::string by_old = SignOk(old_code, k1_);
  const std::string by_new = SignOk(Code(Colour::kGreen), k2_);
  EXPECT_TRUE(Verify(by_old, keys_, kNow).ok());
  EXPECT_TRUE(Verify(by_new, keys_, kNow).ok());
  // The operator retires k1 after its last code's lifetime; the new key file says so.
  KeySet rotated;
  PublicKey old_pk = PublicKeyOf(k1_);
  old_pk.retired_at = kNow + 5 * kMinute;
  ASSERT_TRUE(rotated.Add(old_pk).ok());
  ASSERT_TRUE(rotated.Add(PublicKeyOf(k2_)).ok());
  auto parsed = ParseKeySet(KeySetJson(rotated));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(Verify(by_old, *parsed, kNow).ok()) << "still before k1's retirement";
  Refusal why;
  Claims late = Code();
  late.issued_at = kNow + 6 * kMinute;
  late.expires_at = kNow + 10 * kMinute;
  EXPECT_FALSE(Verify(SignOk(late, k1_), *parsed, kNow + 7 * kMinute, {}, &why).ok());
  EXPECT_EQ(why, Refusal::kRetiredKey);
  EXPECT_TRUE(Verify(SignOk(late, k2_), *parsed, kNow + 7 * kMinute).ok());
}

TEST_F(TokenTest, ExpiryIsExclusiveAtTheExactEdge) {
  const Claims c = Code();
  const std::string text = SignOk(c, k1_);
  EXPECT_TRUE(Verify(text, keys_, c.expires_at - 1).ok());
  std::string message;
  EXPECT_EQ(Refused(text, c.expires_at, {}, &message), Refusal::kExpired);
  EXPECT_NE(message.find("expired at 2026-12-01T08:04:00"), std::string::npos) << message;
  EXPECT_EQ(Refused(text, c.expires_at + kDay), Refusal::kExpired);
}

TEST_F(TokenTest, IssuedInTheFutureBeyondTheSkewIsNotYetValid) {
  const VerifyOptions o;
  Claims c = Code();
  c.issued_at = kNow + o.clock_skew;
  c.expires_at = c.issued_at + 5 * kMinute;
  EXPECT_TRUE(Verify(SignOk(c, k1_), keys_, kNow).ok()) << "within the skew";
  c.issued_at += kSecond;
  c.expires_at += kSecond;
  std::string message;
  EXPECT_EQ(Refused(SignOk(c, k1_), kNow, o, &message), Refusal::kNotYetValid);
  EXPECT_NE(message.find("in the future"), std::string::npos) << message;
}

TEST_F(TokenTest, AbsurdTimesInTheCodeAreRefused) {
  auto absurd = [&](Millis issued, Millis expires) {
    Claims c = Code();
    c.issued_at = issued;
    c.expires_at = expires;
    return Refused(SignOk(c, k1_));
  };
  EXPECT_EQ(absurd(0, kNow + kMinute), Refusal::kAbsurdTime);
  EXPECT_EQ(absurd(-kDay, kNow + kMinute), Refusal::kAbsurdTime);
  EXPECT_EQ(absurd(INT64_MIN, kNow + kMinute), Refusal::kAbsurdTime);
  EXPECT_EQ(absurd(kNow - kMinute, kYear3000), Refusal::kAbsurdTime);
  EXPECT_EQ(absurd(kNow - kMinute, INT64_MAX), Refusal::kAbsurdTime);
  EXPECT_EQ(absurd(kNow - kMinute, kNow - 2 * kMinute), Refusal::kAbsurdTime);  // expires before issue
  EXPECT_EQ(absurd(kNow - kMinute, kNow - kMinute), Refusal::kAbsurdTime);      // zero lifetime
  EXPECT_EQ(absurd(kNow - kMinute, kNow + 2 * kDay), Refusal::kAbsurdTime);     // lifetime > a day
  // Raw seconds at the edges of int64 (not reachable through Sign's ms): no overflow.
  auto body = BodyOf(SignOk(Code(), k1_));
  for (int i = 0; i < 8; ++i) body[4 + 8 + i] = 0x7f * (i == 0) + 0xff * (i != 0);  // expires_at = INT64_MAX s
  EXPECT_EQ(Refused(SignRaw(body, k1_)), Refusal::kAbsurdTime);
}

TEST_F(TokenTest, AbsurdVerifierClockIsRefused) {
  const std::string text = SignOk(Code(), k1_);
  for (Millis now : {Millis{0}, Millis{-1}, INT64_MIN, kYear3000, INT64_MAX}) {
    std::string message;
    EXPECT_EQ(Refused(text, now, {}, &message), Refusal::kBadClock) << now;
    EXPECT_NE(message.find("clock"), std::string::npos) << message;
  }
}

TEST_F(TokenTest, PermitWindowIsChecked) {
  Claims p = Permit();
  p.valid_from = kNow + kDay;
  EXPECT_EQ(Refused(SignOk(p, k1_)), Refusal::kNotYetValid);
  p = Permit();
  p.valid_until = kNow - kSecond;
  p.valid_from = kNow - 2 * kDay;
  EXPECT_EQ(Refused(SignOk(p, k1_)), Refusal::kExpired);
  p = Permit();
  p.valid_until = p.valid_from;
  EXPECT_EQ(Refused(SignOk(p, k1_)), Refusal::kAbsurdTime);
  p = Permit();
  p.valid_until = kYear3000;
  EXPECT_EQ(Refused(SignOk(p, k1_)), Refusal::kAbsurdTime);
  p = Permit();
  p.issued_at = kNow - 100 * kDay;
  EXPECT_EQ(Refused(SignOk(p, k1_)), Refusal::kAbsurdTime);  // lifetime over 92 days
}

TEST_F(TokenTest, WrongKindIsRefusedWhenAKindIsAsked) {
  EXPECT_EQ(Refused(SignOk(Permit(), k1_), kNow, {.expect = Kind::kHealthCode}), Refusal::kWrongKind);
  std::string message;
  EXPECT_EQ(Refused(SignOk(Code(), k1_), kNow, {.expect = Kind::kTransportPermit}, &message), Refusal::kWrongKind);
  EXPECT_NE(message.find("this is a health code, not a transport permit"), std::string::npos) << message;
}

TEST_F(TokenTest, OversizedTextIsRefusedUnread) {
  const std::string text = SignOk(Code(), k1_);
  EXPECT_EQ(Refused(text + std::string(kMaxTextBytes + 1 - text.size(), 'A')), Refusal::kOversized);
  std::string message;
  EXPECT_EQ(Refused(std::string(10'000'000, '!'), kNow, {}, &message), Refusal::kOversized);
  EXPECT_NE(message.find("10000000 characters"), std::string::npos) << message;
  // At the cap it is read (and found malformed), not refused as oversized.
  EXPECT_EQ(Refused(text + std::string(kMaxTextBytes - text.size(), 'A')), Refusal::kMalformed);
}

TEST_F(TokenTest, NonBase32CharactersAreMalformedAndLocated) {
  const std::string text = SignOk(Code(), k1_);
  for (char bad : {'!', '0', '1', '8', '9', '=', '-', '_', ' ', '\0', '\n', '\xe4'}) {
    std::string t = text;
    t[10] = bad;
    std::string message;
    EXPECT_EQ(Refused(t, kNow, {}, &message), Refusal::kMalformed) << int(bad);
    EXPECT_NE(message.find("at character 11"), std::string::npos) << message;
  }
}

TEST_F(TokenTest, EmptyAndForeignTextsAreMalformed) {
  std::string message;
  EXPECT_EQ(Refused("", kNow, {}, &message), Refusal::kMalformed);
  EXPECT_NE(message.find("empty"), std::string::npos);
  EXPECT_EQ(Refused("https://example.org/q?x=1", kNow, {}, &message), Refusal::kMalformed);
  EXPECT_NE(message.find("does not start with \"TC1.\""), std::string::npos) << message;
  EXPECT_EQ(Refused("T"), Refusal::kMalformed);
  EXPECT_EQ(Refused("TC1."), Refusal::kMalformed);
  EXPECT_EQ(Refused("TC1"), Refusal::kMalformed);
  std::string v2 = SignOk(Code(), k1_);
  v2[2] = '2';
  EXPECT_EQ(Refused(v2, kNow, {}, &message), Refusal::kMalformed);
  EXPECT_NE(message.find("version '2' is not supported"), std::string::npos) << message;
}

TEST_F(TokenTest, SignRefusesWhatTheFormatCannotCarry) {
  Claims p = Permit();
  p.plate = std::string(17, 'A');
  auto r = Sign(p, k1_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field_errors().at(0).field, "plate");
  p.plate = "";
  EXPECT_FALSE(Sign(p, k1_).ok());
  p.plate = "\xff\xfe";
  EXPECT_FALSE(Sign(p, k1_).ok());
  p = Permit();
  p.note = std::string(65, 'x');
  r = Sign(p, k1_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field_errors().at(0).field, "note");
  Claims c = Code();
  c.colour = static_cast<Colour>(3);
  EXPECT_FALSE(Sign(c, k1_).ok());
  c = Code();
  c.kind = static_cast<Kind>(9);
  EXPECT_FALSE(Sign(c, k1_).ok());
}

TEST_F(TokenTest, KidsAreShortAndPlain) {
  EXPECT_TRUE(ValidateKid("2026-12a").ok());
  EXPECT_FALSE(ValidateKid("").ok());
  EXPECT_FALSE(ValidateKid("123456789").ok());
  EXPECT_FALSE(ValidateKid("k.1").ok());
  EXPECT_FALSE(GenerateKey("键", kNow).ok());
  auto g = GenerateKey("fresh", kNow);
  ASSERT_TRUE(g.ok());
  KeySet keys;
  ASSERT_TRUE(keys.Add(PublicKeyOf(*g)).ok());
  EXPECT_EQ(keys.Add(PublicKeyOf(*g)).code(), StatusCode::kConflict);
  EXPECT_TRUE(Verify(SignOk(Code(), *g), keys, kNow).ok());
}

TEST_F(TokenTest, KeySetJsonRoundTrip) {
  KeySet keys;
  PublicKey a = PublicKeyOf(k1_);
  a.retired_at = kNow;
  ASSERT_TRUE(keys.Add(a).ok());
  ASSERT_TRUE(keys.Add(PublicKeyOf(k2_)).ok());
  const std::string json = KeySetJson(keys);
  EXPECT_NE(json.find("\"format\": \"tongchou-healthcode-keys/1\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"retired_at\": null"), std::string::npos) << json;
  auto back = ParseKeySet(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->keys(), keys.keys());
}

TEST_F(TokenTest, KeySetJsonFieldErrorsNameTheField) {
  const std::string pk = Base64UrlEncode(PublicKeyOf(k1_).key.data(), kPublicKeyBytes);
  auto key = [&](const std::string& fields) {
    return "{\"format\":\"tongchou-healthcode-keys/1\",\"keys\":[" + fields + "]}";
  };
  const std::string good =
      "{\"kid\":\"k1\",\"public_key\":\"" + pk + "\",\"created_at\":1796083200000,\"retired_at\":null}";
  ASSERT_TRUE(ParseKeySet(key(good)).ok());
  EXPECT_EQ(ParseKeySet("{not json").status().code(), StatusCode::kMalformed);
  struct Case {
    std::string json, field;
  };
  const std::vector<Case> cases = {
      {"[]", "(root)"},
      {"{\"keys\":[" + good + "]}", "format"},
      {"{\"format\":\"tongchou-healthcode-keys/2\",\"keys\":[" + good + "]}", "format"},
      {"{\"format\":\"tongchou-healthcode-keys/1\"}", "keys"},
      {key(""), "keys"},
      {"{\"format\":\"tongchou-healthcode-keys/1\",\"keys\":[" + good + "],\"extra\":1}", "extra"},
      {key("7"), "keys[0]"},
      {key(good + "," + good), "keys[1].kid"},
      {key("{\"public_key\":\"" + pk + "\",\"created_at\":1796083200000,\"retired_at\":null}"), "keys[0].kid"},
      {key("{\"kid\":\"way-too-long\",\"public_key\":\"" + pk + "\",\"created_at\":1796083200000,\"retired_at\":null}"),
       "keys[0].kid"},
      {key("{\"kid\":\"k1\",\"public_key\":\"" + pk.substr(1) + "\",\"created_at\":1796083200000,\"retired_at\":null}"),
       "keys[0].public_key"},
      {key("{\"kid\":\"k1\",\"public_key\":\"" + pk.substr(0, 42) +
           "=\",\"created_at\":1796083200000,\"retired_at\":null}"),
       "keys[0].public_key"},
      {key("{\"kid\":\"k1\",\"public_key\":\"" + pk.substr(0, 42) +
           "!\",\"created_at\":1796083200000,\"retired_at\":null}"),
       "keys[0].public_key"},
      {key("{\"kid\":\"k1\",\"public_key\":7,\"created_at\":1796083200000,\"retired_at\":null}"), "keys[0].public_key"},
      {key("{\"kid\":\"k1\",\"public_key\":\"" + pk + "\",\"created_at\":\"today\",\"retired_at\":null}"),
       "keys[0].created_at"},
      {key("{\"kid\":\"k1\",\"public_key\":\"" + pk + "\",\"created_at\":1.5,\"retired_at\":null}"),
       "keys[0].created_at"},
      {key("{\"kid\":\"k1\",\"public_key\":\"" + pk + "\",\"created_at\":0,\"retired_at\":null}"),
       "keys[0].created_at"},
      {key("{\"kid\":\"k1\",\"public_key\":\"" + pk + "\",\"created_at\":18446744073709551615,\"retired_at\":null}"),
       "keys[0].created_at"},
      {key("{\"kid\":\"k1\",\"public_key\":\"" + pk + "\",\"created_at\":1796083200000}"), "keys[0].retired_at"},
      {key("{\"kid\":\"k1\",\"public_key\":\"" + pk + "\",\"created_at\":1796083200000,\"retired_at\":1796083199999}"),
       "keys[0].retired_at"},
      {key("{\"kid\":\"k1\",\"public_key\":\"" + pk + "\",\"created_at\":1796083200000,\"retired_at\":null,\"x\":1}"),
       "keys[0].x"},
  };
  for (const Case& c : cases) {
    auto r = ParseKeySet(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    ASSERT_EQ(r.status().field_errors().size(), 1u) << r.status().ToString();
    EXPECT_EQ(r.status().field_errors()[0].field, c.field) << r.status().ToString();
  }
}

TEST_F(TokenTest, Base64UrlDecodeIsStrict) {
  const uint8_t bytes[] = {0xfb, 0xff, 0x01};
  EXPECT_EQ(Base64UrlEncode(bytes, 3), "-_8B");
  EXPECT_TRUE(Base64UrlDecode("-_8B").has_value());
  EXPECT_FALSE(Base64UrlDecode("+/8B").has_value());
  ASSERT_TRUE(Base64UrlDecode("-_8").has_value());
  EXPECT_EQ(Base64UrlDecode("-_8")->size(), 2u);
  EXPECT_FALSE(Base64UrlDecode("-_9").has_value()) << "non-canonical trailing bits";
  EXPECT_FALSE(Base64UrlDecode("-_8=").has_value()) << "padding";
}

}  // namespace
}  // namespace tc::healthcode
