#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "base/crypto.h"
#include "base/huge_pages.h"
#include "base/status.h"
#include "base/time.h"
#include "base/utf8.h"

namespace tc {
namespace {

TEST(Time, FormatsInShanghai) {
  EXPECT_EQ(FormatShanghai(0), "1970-01-01T08:00:00.000+08:00");
  // 2020-06-11 00:00 Beijing time (the Xinfadi cluster's first case).
  auto t = ParseTime("2020-06-11T00:00:00+08:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, 1591804800000);
  EXPECT_EQ(DateShanghai(*t), "2020-06-11");
  EXPECT_EQ(ParseTime("2020-06-10T16:00:00Z").value(), *t);
  EXPECT_EQ(ParseTime("2020-06-11").value(), *t);  // civil date in Shanghai
  EXPECT_EQ(ParseTime("2020-06-11T00:00:00.25+08:00").value(), *t + 250);
}

TEST(Time, RejectsImpossibleTimes) {
  EXPECT_FALSE(ParseTime("2021-02-29").ok());
  EXPECT_TRUE(ParseTime("2020-02-29").ok());
  EXPECT_FALSE(ParseTime("2020-13-01").ok());
  EXPECT_FALSE(ParseTime("2020-06-11T24:00:00").ok());
  EXPECT_FALSE(ParseTime("2020-06-11T10:00:00+8").ok());
  EXPECT_FALSE(ParseTime("yesterday").ok());
  EXPECT_FALSE(DaysFromCivil(1900, 2, 29).ok());
}

TEST(Time, RoundTripsAcrossYears) {
  for (Millis t = -86400000LL * 400; t < 86400000LL * 365 * 80; t += 86400000LL * 37 + 12345) {
    auto back = ParseTime(FormatShanghai(t));
    ASSERT_TRUE(back.ok()) << FormatShanghai(t);
    EXPECT_EQ(*back, t);
  }
}

TEST(Crypto, TokensAreRandomAndHashesStable) {
  ASSERT_TRUE(InitCrypto().ok());
  EXPECT_NE(RandomToken(), RandomToken());
  EXPECT_EQ(RandomToken(32).size(), 43u);
  EXPECT_EQ(RandomHex(8).size(), 16u);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(SecretEquals("abc", "abc"));
  EXPECT_FALSE(SecretEquals("abc", "abd"));
}

TEST(Status, CarriesFieldErrors) {
  Status s = FieldInvalid("phone", "not a mainland mobile number");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(s.field_errors().size(), 1u);
  EXPECT_EQ(s.field_errors()[0].field, "phone");
  EXPECT_NE(s.ToString().find("phone"), std::string::npos);
  Result<int> r = NotFound("x");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST(HugePages, BigVectorsGrowPastTheThresholdKeepingTheirValues) {
  BigVector<uint64_t> v;
  const size_t n = 3 * kHugePageThreshold / sizeof(uint64_t);  // several mapped blocks on the way
  for (size_t i = 0; i < n; ++i) v.push_back(i * 7);
  for (size_t i = 0; i < n; i += 4099) ASSERT_EQ(v[i], i * 7) << i;
  EXPECT_EQ(v.back(), (n - 1) * 7);
  // A mapped block starts on a 2 MiB boundary (the only ranges huge pages can back).
  EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data()) % (size_t{2} << 20), 0u);
  BigVector<uint64_t> small(16, 5);  // below the threshold: malloc's
  EXPECT_EQ(small[15], 5u);
  v.clear();
  v.shrink_to_fit();
  EXPECT_EQ(v.capacity(), 0u);
}

TEST(HugePages, RawBlocksGrowKeepingWhatWasWritten) {
  RawBlock<uint32_t> b;
  EXPECT_EQ(b.size(), 0u);
  b.Grow(1000);
  ASSERT_EQ(b.size(), 1000u);
  for (uint32_t i = 0; i < 1000; ++i) b[i] = i * 7;
  b.Grow(500);  // never shrinks
  EXPECT_EQ(b.size(), 1000u);
  b.Grow(size_t{3} << 20);  // 12 MiB: another mapping
  ASSERT_EQ(b.size(), size_t{3} << 20);
  for (uint32_t i = 0; i < 1000; ++i) ASSERT_EQ(b[i], i * 7) << i;
  b[(size_t{3} << 20) - 1] = 42;
  EXPECT_EQ(b.data()[(size_t{3} << 20) - 1], 42u);
}

// A vector for overwrite sizes without writing: the allocator default-initialises,
// so a trivially default-constructible element keeps the bytes it had, while a class
// with initialisers still gets them and explicit values are still stored.
TEST(HugePages, VectorsForOverwriteSizeWithoutZeroing) {
  struct Cell {
    unsigned char bytes[16];
  };
  HugePageAllocatorForOverwrite<Cell> alloc;
  Cell* p = alloc.allocate(4);
  std::memset(static_cast<void*>(p), 0xAB, 4 * sizeof(Cell));
  for (int i = 0; i < 4; ++i) std::allocator_traits<decltype(alloc)>::construct(alloc, p + i);
  const auto* raw = reinterpret_cast<const unsigned char*>(p);
  EXPECT_EQ(std::count(raw, raw + 4 * sizeof(Cell), 0xAB), static_cast<long>(4 * sizeof(Cell)));
  alloc.deallocate(p, 4);

  struct Initialised {
    int a = 7;
  };
  BigVectorForOverwrite<Initialised> with(3);
  for (const Initialised& x : with) EXPECT_EQ(x.a, 7);

  BigVectorForOverwrite<uint32_t> v(size_t{2} << 20, 5u);  // 8 MiB: a mapped block
  EXPECT_EQ(v.front(), 5u);
  EXPECT_EQ(v.back(), 5u);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint32_t>(i);
  v.resize(v.size() * 2);  // reallocation keeps what was written
  for (size_t i = 0; i < (size_t{2} << 20); i += 4099) ASSERT_EQ(v[i], i);
  v.push_back(9);
  EXPECT_EQ(v.back(), 9u);
}

}  // namespace
}  // namespace tc

namespace tc {
namespace {

TEST(Utf8, EncodesAndDecodesEveryLengthAndRefusesMalformedInput) {
  std::string s;
  for (char32_t cp : {U'A', U'é', U'统', U'😀'}) AppendUtf8(s, cp);
  EXPECT_EQ(s, "Aé统😀");
  std::vector<char32_t> cps;
  size_t bad = 0;
  ASSERT_TRUE(DecodeUtf8(s, cps, bad));
  EXPECT_EQ(cps, (std::vector<char32_t>{U'A', U'é', U'统', U'😀'}));
  for (std::string_view wrong : {std::string_view("ab\xC0\xAF"), std::string_view("ab\xED\xA0\x80"),
                                 std::string_view("ab\xE7\xBB")}) {
    cps.clear();
    EXPECT_FALSE(DecodeUtf8(wrong, cps, bad)) << wrong;
    EXPECT_EQ(bad, 2u);
  }
}

}  // namespace
}  // namespace tc
