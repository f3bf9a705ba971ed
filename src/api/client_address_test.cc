#include "api/client_address.h"

#include <gtest/gtest.h>

namespace tc::api {
namespace {

TrustedProxies Proxies(std::string_view list) {
  auto p = TrustedProxies::Parse(list);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : TrustedProxies{};
}

TEST(TrustedProxies, ParsesAddressesAndBlocks) {
  const auto p = Proxies(" 127.0.0.1, 10.0.0.0/8 ,::1,fd00::/8,");
  EXPECT_TRUE(p.Contains("127.0.0.1"));
  EXPECT_TRUE(p.Contains("::ffff:127.0.0.1"));  // a dual-stack socket's view of it
  EXPECT_FALSE(p.Contains("127.0.0.2"));
  EXPECT_TRUE(p.Contains("10.255.1.2"));
  EXPECT_FALSE(p.Contains("11.0.0.1"));
  EXPECT_TRUE(p.Contains("::1"));
  EXPECT_TRUE(p.Contains("fd12:3456::1"));
  EXPECT_FALSE(p.Contains("fe80::1"));
  EXPECT_FALSE(p.Contains("not-an-address"));
  EXPECT_TRUE(Proxies("").empty());
  EXPECT_TRUE(Proxies("0.0.0.0/0").Contains("203.0.113.9"));
  EXPECT_FALSE(Proxies("0.0.0.0/0").Contains("2001:db8::1"));  // an IPv4 block holds no IPv6 address
}

TEST(TrustedProxies, RejectsBadEntriesNamingThem) {
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/x", "example.com", "10.0.0.0/", "[::1]", "10.0.0.1:80"}) {
    auto p = TrustedProxies::Parse(std::string("127.0.0.1,") + bad, "--trusted-proxies");
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().field_errors().at(0).field, "--trusted-proxies");
    EXPECT_NE(p.status().message().find(bad), std::string::npos) << p.status().message();
  }
}

TEST(ClientAddress, WithoutTrustedProxiesThePeerIsTheClient) {
  EXPECT_EQ(ClientAddress({}, "192.0.2.1", "203.0.113.7"), "192.0.2.1");
  EXPECT_EQ(ClientAddress({}, "::ffff:192.0.2.1", ""), "192.0.2.1");
}

TEST(ClientAddress, UntrustedPeerCannotSpoofItsAddress) {
  const auto p = Proxies("10.0.0.0/8");
  EXPECT_EQ(ClientAddress(p, "192.0.2.1", "203.0.113.7"), "192.0.2.1");
  EXPECT_EQ(ClientAddress(p, "192.0.2.1", "10.0.0.1"), "192.0.2.1");
}

TEST(ClientAddress, BehindATrustedProxyTheRightmostUntrustedHopIsTheClient) {
  const auto p = Proxies("10.0.0.0/8");
  EXPECT_EQ(ClientAddress(p, "10.0.0.5", "203.0.113.7"), "203.0.113.7");
  // The client wrote the left part itself; two proxies appended the rest.
  EXPECT_EQ(ClientAddress(p, "10.0.0.5", "1.1.1.1, 203.0.113.7, 10.0.0.9"), "203.0.113.7");
  EXPECT_EQ(ClientAddress(p, "10.0.0.5", " [2001:db8::7]:4711 ,10.0.0.9"), "2001:db8::7");
  EXPECT_EQ(ClientAddress(p, "10.0.0.5", "203.0.113.7:51000"), "203.0.113.7");
  // No header: the proxy itself; every hop trusted: the left-most.
  EXPECT_EQ(ClientAddress(p, "10.0.0.5", ""), "10.0.0.5");
  EXPECT_EQ(ClientAddress(p, "10.0.0.5", "10.1.1.1, 10.2.2.2"), "10.1.1.1");
  // Garbage passed on by a trusted hop: stop at that hop.
  EXPECT_EQ(ClientAddress(p, "10.0.0.5", "203.0.113.7, unknown, 10.0.0.9"), "10.0.0.9");
  EXPECT_EQ(ClientAddress(p, "10.0.0.5", "unknown"), "10.0.0.5");
}

TEST(ClientAddress, ReadsEveryForwardedForHeaderOfARequest) {
  http::Request r;
  r.remote_addr = "10.0.0.5";
  // A client's own header first, then the one the proxy added: the proxy's counts.
  r.headers = {{"x-forwarded-for", "6.6.6.6"}, {"x-forwarded-for", "203.0.113.7"}};
  EXPECT_EQ(ClientAddress(Proxies("10.0.0.0/8"), r), "203.0.113.7");
  EXPECT_EQ(ClientAddress(TrustedProxies{}, r), "10.0.0.5");
}

}  // namespace
}  // namespace tc::api
