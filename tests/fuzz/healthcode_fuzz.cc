// libFuzzer target: the signed-code verifier and payload parser (healthcode/token.h,
// tc::healthcode::Verify) and the key-file parser (ParseKeySet) on any bytes. The key
// set is fixed: two Ed25519 keys from fixed seeds (crypto_sign_seed_keypair), "k1"
// active and "k2" retired an hour before the fixed clock. The first byte picks:
//   '0' (any byte ≡ 0 mod 4)  Verify(rest) at the fixed clock (2026-12-01T00:00Z)
//   '1'                       Verify(rest after 8 bytes) at the clock those 8 bytes say
//                             (big-endian int64 ms: absurd clocks included)
//   '2'                       ParseKeySet(rest); an accepted set round-trips through
//                             KeySetJson and verifies a fixed code without crashing
//   '3'                       Verify(rest) asking for the kind the second byte's low bit says
// Besides not crashing (ASan, UBSan), it checks: a refusal says why and which kind of
// refusal, with the matching status code; an accepted code's claims are sane (its key
// is in the set, its times within the promised bounds) and re-signing them gives the
// same text (upper-cased: Ed25519 is deterministic, so the parser is canonical) which
// verifies to the same claims. Built and run by tests/fuzz/run.sh.
//
// The seeds in tests/fuzz/corpus/healthcode/ come from this file built as a program:
//   clang++ -std=c++20 -Isrc -DTC_HEALTHCODE_FUZZ_SEEDS tests/fuzz/healthcode_fuzz.cc \
//     src/healthcode/token.cc src/base/{status,time,json}.cc -lsodium -o /tmp/seeds &&
//   /tmp/seeds tests/fuzz/corpus/healthcode
#include <sodium.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "healthcode/token.h"

namespace {

using namespace tc::healthcode;
using tc::Millis;

constexpr Millis kNow = 1796083200000LL;  // 2026-12-01T00:00:00Z
constexpr Millis kMinute = 60'000;

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "healthcode_fuzz: broken promise: %s\n", what);
  std::abort();
}

struct Fixture {
  SigningKey k1, k2;
  KeySet keys;
  std::string fixed_code;  // valid at kNow under k1
};

std::array<uint8_t, kSeedBytes> SeedOf(uint8_t b) {
  std::array<uint8_t, kSeedBytes> s;
  s.fill(b);
  return s;
}

const Fixture& F() {
  static const Fixture* f = [] {
    Check(sodium_init() >= 0, "libsodium initialises");
    auto* x = new Fixture;
    x->k1 = *SigningKeyFromSeed("k1", SeedOf(1), kNow - 30 * 86'400'000LL);
    x->k2 = *SigningKeyFromSeed("k2", SeedOf(2), kNow - 60 * 86'400'000LL);
    PublicKey p2 = PublicKeyOf(x->k2);
    p2.retired_at = kNow - 60 * kMinute;
    Check(x->keys.Add(PublicKeyOf(x->k1)).ok() && x->keys.Add(p2).ok(), "the fixed key set builds");
    Claims c;
    c.issued_at = kNow - kMinute;
    c.expires_at = kNow + 4 * kMinute;
    x->fixed_code = *Sign(c, x->k1);
    return x;
  }();
  return *f;
}

void CheckVerify(std::string_view text, Millis now, const VerifyOptions& options) {
  const Fixture& f = F();
  Refusal why = Refusal::kMalformed;
  auto r = Verify(text, f.keys, now, options, &why);
  if (!r.ok()) {
    Check(why != Refusal::kNone, "a refusal names its kind");
    Check(!r.status().message().empty(), "a refusal says why");
    const bool unreadable = why == Refusal::kMalformed || why == Refusal::kOversized;
    Check(unreadable == (r.status().code() == tc::StatusCode::kMalformed), "the status code matches the refusal");
    Check(why != Refusal::kOversized || text.size() > kMaxTextBytes, "only long texts are oversized");
    return;
  }
  Check(why == Refusal::kNone, "an accepted code has no refusal");
  const Claims& c = *r;
  const PublicKey* key = f.keys.Find(c.kid);
  Check(key != nullptr, "an accepted code's key is in the set");
  Check(c.issued_at >= kSaneTimeMin && c.expires_at < kSaneTimeMax, "accepted times are sane");
  Check(c.issued_at < c.expires_at && now < c.expires_at, "an accepted code has not expired");
  Check(c.issued_at <= now + options.clock_skew, "an accepted code was not issued in the future");
  Check(key->retired_at == 0 || now < key->retired_at, "an accepted code's key is not retired");
  Check(!options.expect || *options.expect == c.kind, "an accepted code is of the kind asked for");
  if (c.kind == Kind::kTransportPermit) {
    Check(now < c.valid_until && c.valid_from <= now + options.clock_skew, "an accepted permit is in its window");
    Check(!c.plate.empty() && c.plate.size() <= kMaxPlateBytes && c.note.size() <= kMaxNoteBytes,
          "an accepted permit's texts fit");
  }
  const SigningKey& signer = c.kid == "k1" ? f.k1 : f.k2;
  auto again = Sign(c, signer);
  Check(again.ok(), "accepted claims can be signed again");
  std::string upper(text);
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  Check(*again == upper, "re-signing accepted claims gives the same text (a canonical parser)");
  auto back = Verify(*again, f.keys, now, options);
  Check(back.ok() && *back == c, "the re-signed text verifies to the same claims");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0:
      CheckVerify(rest, kNow, {});
      break;
    case 1: {
      if (rest.size() < 8) return 0;
      uint64_t now = 0;
      for (int i = 0; i < 8; ++i) now = (now << 8) | static_cast<uint8_t>(rest[i]);
      CheckVerify(rest.substr(8), static_cast<Millis>(now), {});
      break;
    }
    case 2: {
      auto keys = ParseKeySet(rest);
      if (!keys.ok()) {
        Check(!keys.status().message().empty(), "a key-file refusal says why");
        return 0;
      }
      Check(!keys->empty(), "an accepted key file has keys");
      auto again = ParseKeySet(KeySetJson(*keys));
      Check(again.ok() && again->keys() == keys->keys(), "an accepted key file round-trips");
      (void)Verify(F().fixed_code, *keys, kNow);
      break;
    }
    case 3: {
      if (rest.empty()) return 0;
      const Kind kind = (rest[0] & 1) ? Kind::kTransportPermit : Kind::kHealthCode;
      CheckVerify(rest.substr(1), kNow, {.expect = kind});
      break;
    }
  }
  return 0;
}

#ifdef TC_HEALTHCODE_FUZZ_SEEDS
// Writes the seed corpus into the folder argv[1] (see the top of the file).
#include <fstream>

namespace {

void Write(const std::string& dir, const std::string& name, char mode, const std::string& body) {
  std::ofstream(dir + "/" + name, std::ios::binary) << mode << body;
}

std::string Tamper(std::string text, size_t at) {
  text[at] = text[at] == 'A' ? 'B' : 'A';
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string dir = argv[1];
  const Fixture& f = F();
  Claims code;
  code.issued_at = kNow - kMinute;
  code.expires_at = kNow + 4 * kMinute;
  for (size_t i = 0; i < kTokenBytes; ++i) code.token[i] = static_cast<uint8_t>(i * 37 + 11);
  code.colour = Colour::kGreen;
  Claims red = code;
  red.colour = Colour::kRed;
  Claims permit;
  permit.kind = Kind::kTransportPermit;
  permit.issued_at = kNow - 86'400'000LL;
  permit.expires_at = kNow + 5 * 86'400'000LL;
  permit.permit_id = 20221203001;
  permit.plate = "京A12345";
  permit.valid_from = permit.issued_at;
  permit.valid_until = permit.expires_at;
  permit.note = "长春—沈阳 生活物资";
  const std::string green_text = *Sign(code, f.k1);
  std::string red_lower = *Sign(red, f.k1);
  for (char& ch : red_lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const std::string permit_text = *Sign(permit, f.k1);
  Claims old = code;
  old.issued_at = kNow - 3 * 60 * kMinute;
  old.expires_at = old.issued_at + 5 * kMinute;
  const std::string by_retired = *Sign(old, f.k2);
  auto k9 = *SigningKeyFromSeed("k9", SeedOf(9), kNow);
  Claims absurd = code;
  absurd.expires_at = 32503680000000LL;  // year 3000
  std::string clock(8, '\0');
  const uint64_t at = static_cast<uint64_t>(old.issued_at + kMinute);
  for (int i = 0; i < 8; ++i) clock[i] = static_cast<char>(at >> (56 - 8 * i));

  Write(dir, "code-green", '0', green_text);
  Write(dir, "code-red-lowercase", '0', red_lower);
  Write(dir, "permit", '0', permit_text);
  Write(dir, "code-retired-key-at-its-time", '1', clock + by_retired);
  Write(dir, "code-retired-key-now", '0', by_retired);
  Write(dir, "code-unknown-kid", '0', *Sign(code, k9));
  Write(dir, "code-truncated", '0', green_text.substr(0, 100));
  Write(dir, "code-tampered-body", '0', Tamper(green_text, 12));
  Write(dir, "code-tampered-signature", '0', Tamper(green_text, green_text.size() - 10));
  Write(dir, "code-absurd-expiry", '0', *Sign(absurd, f.k1));
  Write(dir, "code-version-2", '0', "TC2." + green_text.substr(4));
  Write(dir, "clock-zero", '1', std::string(8, '\0') + green_text);
  Write(dir, "permit-asked-as-health-code", '3', std::string(1, '\0') + permit_text);
  Write(dir, "keys-valid", '2', KeySetJson(f.keys));
  Write(dir, "keys-bad-field", '2',
        "{\"format\":\"tongchou-healthcode-keys/1\",\"keys\":[{\"kid\":\"k1\",\"public_key\":\"AAAA\","
        "\"created_at\":1796083200000,\"retired_at\":null}]}");
  return 0;
}
#endif
