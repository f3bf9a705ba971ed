#include "api/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>

namespace tc::api {
namespace {

using Bytes = std::array<uint8_t, 16>;
constexpr int kMappedPrefixBits = 96;  // ::ffff:0:0/96 holds IPv4 addresses

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsPort(std::string_view s) {
  return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "1.2.3.4", "::1", and with `with_port` also "1.2.3.4:80", "[::1]" or "[::1]:80",
// as 16 bytes (IPv4 mapped).
std::optional<Bytes> ParseAddress(std::string_view text, bool with_port = true) {
  text = Trim(text);
  if (!with_port) {
    // a bare address only
  } else if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && !(rest.front() == ':' && IsPort(rest.substr(1)))) return std::nullopt;
    text = text.substr(1, close - 1);
  } else if (std::count(text.begin(), text.end(), ':') == 1) {  // IPv4 with a port
    const size_t colon = text.find(':');
    if (!IsPort(text.substr(colon + 1))) return std::nullopt;
    text = text.substr(0, colon);
  }
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(text);
  Bytes out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

bool IsMapped(const Bytes& a) {
  return std::all_of(a.begin(), a.begin() + 10, [](uint8_t b) { return b == 0; }) && a[10] == 0xff && a[11] == 0xff;
}

std::string Format(const Bytes& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (IsMapped(a)) return inet_ntop(AF_INET, a.data() + 12, buf, sizeof buf);
  return inet_ntop(AF_INET6, a.data(), buf, sizeof buf);
}

bool PrefixMatches(const Bytes& a, const Bytes& prefix, int bits) {
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((a[i] & mask) != (prefix[i] & mask)) return false;
  }
  return true;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::Parse(std::string_view list, std::string_view field) {
  TrustedProxies out;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view entry = Trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (entry.empty()) continue;
    auto bad = [&](std::string why) { return FieldInvalid(std::string(field), "'" + std::string(entry) + "' " + why); };
    const size_t slash = entry.find('/');
    auto address = ParseAddress(entry.substr(0, slash), /*with_port=*/false);
    if (!address) {
      return bad("is not an IPv4 or IPv6 address or CIDR block");
    }
    const int max_bits = IsMapped(*address) ? 32 : 128;
    int bits = max_bits;
    if (slash != std::string_view::npos) {
      const std::string_view len = entry.substr(slash + 1);
      const auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), bits);
      if (ec != std::errc() || end != len.data() + len.size() || bits < 0 || bits > max_bits) {
        return bad("has a prefix length outside 0.." + std::to_string(max_bits));
      }
    }
    out.blocks_.push_back({*address, max_bits == 32 ? bits + kMappedPrefixBits : bits});
  }
  return out;
}

bool TrustedProxies::Contains(std::string_view address) const {
  const auto a = ParseAddress(address);
  if (!a) return false;
  return std::any_of(blocks_.begin(), blocks_.end(),
                     [&](const Block& b) { return PrefixMatches(*a, b.prefix, b.bits); });
}

std::string ClientAddress(const TrustedProxies& proxies, std::string_view peer, std::string_view forwarded_for) {
  const auto p = ParseAddress(peer);
  if (!p) return std::string(peer);
  std::string client = Format(*p);
  if (!proxies.Contains(client)) return client;
  // Walk the chain from the right: each hop was appended by the one after it.
  while (!forwarded_for.empty()) {
    const size_t comma = forwarded_for.rfind(',');
    const std::string_view entry =
        Trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for = comma == std::string_view::npos ? std::string_view{} : forwarded_for.substr(0, comma);
    if (entry.empty()) continue;
    const auto hop = ParseAddress(entry);
    if (!hop) return client;  // a trusted proxy passed on garbage: stop at that proxy
    client = Format(*hop);
    if (!proxies.Contains(client)) return client;
  }
  return client;
}

std::string ClientAddress(const TrustedProxies& proxies, const http::Request& request) {
  std::string forwarded_for;
  for (const auto& [name, value] : request.headers) {
    if (name != "x-forwarded-for") continue;
    if (!forwarded_for.empty()) forwarded_for += ',';
    forwarded_for += value;
  }
  return ClientAddress(proxies, request.remote_addr, forwarded_for);
}

}  // namespace tc::api
