// The client's address behind reverse proxies (`serve --trusted-proxies`). The
// socket peer is the client unless it is a trusted proxy; then X-Forwarded-For is
// read from the right, and the first address that is not itself a trusted proxy is
// the client (what lies left of it was written by the client and may be forged).
// An untrusted peer's X-Forwarded-For is ignored. Used for login throttling, the
// access log and sessions' remote_addr. Immutable after parsing; thread-safe.
//
//   auto proxies = TrustedProxies::Parse("10.0.0.0/8, ::1");
//   ClientAddress(*proxies, "10.0.0.5", "203.0.113.7, 10.0.0.9")  // "203.0.113.7"
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "http/server.h"

namespace tc::api {

class TrustedProxies {
 public:
  TrustedProxies() = default;  // none: every peer is the client
  // A comma list of IPv4/IPv6 addresses and CIDR blocks ("10.0.0.0/8,::1"); "" = none.
  // InvalidArgument naming `field` and the bad entry otherwise.
  static Result<TrustedProxies> Parse(std::string_view list, std::string_view field = "trusted_proxies");
  bool empty() const { return blocks_.empty(); }
  // Whether `address` (textual IPv4 or IPv6, IPv4-mapped IPv6 counts as IPv4) is in a block.
  bool Contains(std::string_view address) const;

 private:
  struct Block {
    std::array<uint8_t, 16> prefix{};  // IPv4 as IPv4-mapped IPv6
    int bits = 0;
  };
  std::vector<Block> blocks_;
};

// The client address of a request whose socket peer is `peer` and whose
// X-Forwarded-For header values (all of them, joined by ',') are `forwarded_for`.
// Addresses are returned in canonical text (IPv4-mapped IPv6 as IPv4). If the
// forwarded chain holds an entry that is not an address, the nearest trusted hop
// to its right is the answer; if every hop is trusted, the left-most one.
std::string ClientAddress(const TrustedProxies& proxies, std::string_view peer, std::string_view forwarded_for);
// The same for a request: its peer and every X-Forwarded-For header it carries.
std::string ClientAddress(const TrustedProxies& proxies, const http::Request& request);

}  // namespace tc::api
