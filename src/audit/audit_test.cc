#include "audit/audit.h"

#include <gtest/gtest.h>

#include "store/testing.h"

namespace tc::audit {
namespace {

class AuditTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto url = store::testing::FreshDatabaseUrl(GetParam(), "audit");
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    auto s = store::Store::Open(*url);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
  }
  void AppendN(int n, const std::string& path = "/220100000000/") {
    for (int i = 0; i < n; ++i) {
      Status s = store_->Tx([&](store::Conn& c) {
        return Append(c, {.actor = "alice", .action = "area.update", .target = "area:" + std::to_string(i),
                          .area_path = path, .detail = R"({"name":"x"})", .request_id = "r"},
                      1000 + i);
      });
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
  }
  // Simulates someone with direct database access: drop the append-only guard, then run sql.
  void Tamper(const std::string& sql) {
    Status s = store_->Tx([&](store::Conn& c) -> Status {
      if (c.dialect() == store::Dialect::kSqlite) {
        TC_RETURN_IF_ERROR(c.ExecScript("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"));
      } else {
        TC_RETURN_IF_ERROR(c.ExecScript("DROP TRIGGER audit_log_no_change ON audit_log"));
      }
      return c.ExecScript(sql);
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::unique_ptr<store::Store> store_;
};

TEST_P(AuditTest, IntactChainVerifies) {
  AppendN(5);
  auto r = Verify(*store_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok()) << r->problem;
  EXPECT_EQ(r->checked, 5);
}

TEST_P(AuditTest, EditedRowIsTheFirstBrokenLink) {
  AppendN(5);
  Tamper("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3");
  auto r = Verify(*store_);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->broken_seq.has_value());
  EXPECT_EQ(*r->broken_seq, 3);
  EXPECT_NE(r->problem.find("altered"), std::string::npos) << r->problem;
}

TEST_P(AuditTest, EditedRowWithRecomputedHashBreaksTheNextLink) {
  AppendN(5);
  // The forger recomputes row 2's hash but cannot fix row 3's prev_hash without rewriting everything.
  Entry e;
  auto entries = List(*store_, {.limit = 10});
  ASSERT_TRUE(entries.ok());
  for (const auto& x : *entries) {
    if (x.seq == 2) e = x;
  }
  e.record.actor = "mallory";
  const std::string forged = ComputeHash(e);
  Tamper("UPDATE audit_log SET actor = 'mallory', hash = '" + forged + "' WHERE seq = 2");
  auto r = Verify(*store_);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->broken_seq.has_value());
  EXPECT_EQ(*r->broken_seq, 3);
}

TEST_P(AuditTest, RemovedRowsAreFound) {
  AppendN(5);
  Tamper("DELETE FROM audit_log WHERE seq = 2");
  auto r = Verify(*store_);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->broken_seq.has_value());
  EXPECT_EQ(*r->broken_seq, 2);
}

TEST_P(AuditTest, RemovedTailIsFound) {
  AppendN(5);
  Tamper("DELETE FROM audit_log WHERE seq = 5");
  auto r = Verify(*store_);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok());
  EXPECT_NE(r->problem.find("removed"), std::string::npos) << r->problem;
}

TEST_P(AuditTest, ListIsScopedToTheSubtree) {
  AppendN(2, "/220100000000/220102000000/");
  AppendN(3, "/220100000000/220103000000/");
  auto nanguan = List(*store_, {.under_path = "/220100000000/220102000000/"});
  ASSERT_TRUE(nanguan.ok());
  EXPECT_EQ(nanguan->size(), 2u);
  auto city = List(*store_, {.under_path = "/220100000000/"});
  ASSERT_TRUE(city.ok());
  EXPECT_EQ(city->size(), 5u);
  EXPECT_GT((*city)[0].seq, (*city)[1].seq);  // newest first
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::audit
