// `tongchou healthcode verify`: a signed health code or transport permit checked
// offline against a key file, as a checkpoint device would (healthcode/token.h).
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/app.h"
#include "healthcode/token.h"

namespace tc::app {
namespace {

constexpr std::streamsize kMaxKeyFileBytes = 1 << 20;

std::string Trim(std::string s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

Result<Millis> ParseNow(const std::string& s) {
  if (s.empty()) return NowMillis();
  const bool digits = s.find_first_not_of("0123456789") == std::string::npos ||
                      (s[0] == '-' && s.size() > 1 && s.find_first_not_of("0123456789", 1) == std::string::npos);
  if (!digits) return ParseTime(s);
  if (s.size() > 18) return FieldInvalid("--now", "'" + s + "' is out of range");
  return static_cast<Millis>(std::stoll(s));
}

std::string Hex(const uint8_t* p, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 15];
  }
  return out;
}

}  // namespace

int RunHealthcodeVerify(const HealthcodeVerifyOptions& o) {
  if (o.keys.empty() || o.payload.empty()) {
    std::fprintf(stderr, "tongchou healthcode verify: usage: --keys PUBKEYS.json PAYLOAD [--now TIME]\n");
    return 2;
  }
  std::ifstream in(o.keys, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "tongchou healthcode verify: cannot read the key file %s\n", o.keys.c_str());
    return 2;
  }
  std::string json(kMaxKeyFileBytes + 1, '\0');
  in.read(json.data(), kMaxKeyFileBytes + 1);
  json.resize(static_cast<size_t>(in.gcount()));
  if (json.size() > static_cast<size_t>(kMaxKeyFileBytes)) {
    std::fprintf(stderr, "tongchou healthcode verify: %s is larger than a key file (1 MiB)\n", o.keys.c_str());
    return 2;
  }
  auto keys = healthcode::ParseKeySet(json);
  if (!keys.ok()) {
    std::fprintf(stderr, "tongchou healthcode verify: %s: %s\n", o.keys.c_str(), keys.status().message().c_str());
    return 2;
  }
  auto now = ParseNow(o.now);
  if (!now.ok()) {
    std::fprintf(stderr, "tongchou healthcode verify: --now: %s\n", now.status().message().c_str());
    return 2;
  }
  std::string payload = o.payload;
  if (payload == "-") {  // one line from standard input (a scanner, a pipe)
    std::string line;
    std::getline(std::cin, line);
    payload = line;
  }
  payload = Trim(std::move(payload));  // scanners end a code with CR/LF

  auto claims = healthcode::Verify(payload, *keys, *now);
  if (!claims.ok()) {
    std::printf("refused: %s\n", claims.status().message().c_str());
    return 1;
  }
  const healthcode::Claims& c = *claims;
  if (c.kind == healthcode::Kind::kHealthCode) {
    std::printf("valid health code\ncolour:  %s\ntoken:   %s\n", std::string(healthcode::ColourName(c.colour)).c_str(),
                Hex(c.token.data(), c.token.size()).c_str());
  } else {
    std::printf("valid transport permit %llu\nplate:   %s\nwindow:  %s until %s\n",
                static_cast<unsigned long long>(c.permit_id), c.plate.c_str(), FormatShanghai(c.valid_from).c_str(),
                FormatShanghai(c.valid_until).c_str());
    if (!c.note.empty()) std::printf("note:    %s\n", c.note.c_str());
  }
  std::printf("key:     %s\nissued:  %s\nexpires: %s (in %lld s)\n", c.kid.c_str(), FormatShanghai(c.issued_at).c_str(),
              FormatShanghai(c.expires_at).c_str(), static_cast<long long>((c.expires_at - *now) / 1000));
  return 0;
}

}  // namespace tc::app
