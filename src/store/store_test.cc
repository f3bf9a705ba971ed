#include "store/store.h"

#include <gtest/gtest.h>

#include <thread>

#include "store/migrations.h"
#include "store/testing.h"

namespace tc::store {
namespace {

TEST(RewritePlaceholders, NumbersOutsideQuotes) {
  EXPECT_EQ(RewritePlaceholders("SELECT ? , '?', \"a?\" WHERE x = ?"),
            "SELECT $1 , '?', \"a?\" WHERE x = $2");
}

TEST(RenderMigration, ReplacesTokensPerDialect) {
  const Migration& m = AllMigrations().front();
  EXPECT_NE(RenderMigration(m, Dialect::kSqlite).find("AUTOINCREMENT"), std::string::npos);
  EXPECT_EQ(RenderMigration(m, Dialect::kPostgres).find("{{"), std::string::npos);
}

TEST(StoreOpen, RejectsUnknownScheme) {
  auto s = Store::Open("mysql://x");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto url = testing::FreshDatabaseUrl(GetParam(), "store");
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    auto store = Store::Open(*url);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->Migrate().ok());
  }
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, MigrateIsIdempotentAndVersioned) {
  ASSERT_TRUE(store_->Migrate().ok());
  auto v = store_->SchemaVersion();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, AllMigrations().back().version);
}

TEST_P(StoreTest, RoundTripsTypesAndNulls) {
  Status s = store_->Tx([](Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.ExecScript("CREATE TABLE t (i BIGINT, d DOUBLE PRECISION, s TEXT)"));
    return c.Exec("INSERT INTO t VALUES (?, ?, ?), (?, ?, ?)",
                  {int64_t{-9007199254740993}, 2.5, std::string("长春 'q'"), Value{}, Value{}, Value{}})
        .status();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  s = store_->Read([](Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT i, d, s FROM t ORDER BY i"));
    EXPECT_EQ(rows.size(), 2u);
    // NULL sorts first on SQLite and last on PostgreSQL: find the non-null row.
    const Row& r = rows[0].IsNull(0) ? rows[1] : rows[0];
    const Row& n = rows[0].IsNull(0) ? rows[0] : rows[1];
    EXPECT_EQ(r.Int(0), -9007199254740993);
    EXPECT_DOUBLE_EQ(r.Double(1), 2.5);
    EXPECT_EQ(r.Text(2), "长春 'q'");
    EXPECT_TRUE(n.IsNull(0) && n.IsNull(1) && n.IsNull(2));
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

TEST_P(StoreTest, ScanIntsStreamsIntegerRowsWithNullsAsZero) {
  ASSERT_TRUE(store_->Tx([](Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.ExecScript("CREATE TABLE n (a BIGINT, b BIGINT)"));
    return c.Exec("INSERT INTO n VALUES (?, ?), (?, ?), (?, ?)",
                  {int64_t{1}, int64_t{-5}, int64_t{2}, Value{}, int64_t{3000000000000}, int64_t{7}})
        .status();
  }).ok());
  std::vector<std::pair<int64_t, int64_t>> rows;
  ASSERT_TRUE(store_->Read([&](Conn& c) {
    return c.ScanInts("SELECT a, b FROM n WHERE a >= ? ORDER BY a", {int64_t{1}},
                      [&](std::span<const int64_t> r) { rows.emplace_back(r[0], r[1]); });
  }).ok());
  EXPECT_EQ(rows, (std::vector<std::pair<int64_t, int64_t>>{{1, -5}, {2, 0}, {3000000000000, 7}}));
  Status bad = store_->Read([&](Conn& c) { return c.ScanInts("SELECT nope FROM n", {}, [](auto) {}); });
  EXPECT_FALSE(bad.ok());
}

TEST_P(StoreTest, FailedTransactionChangesNothing) {
  ASSERT_TRUE(store_->Tx([](Conn& c) { return c.ExecScript("CREATE TABLE k (id TEXT PRIMARY KEY)"); }).ok());
  Status s = store_->Tx([](Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO k VALUES (?)", {std::string("a")}).status());
    return c.Exec("INSERT INTO k VALUES (?)", {std::string("a")}).status();
  });
  EXPECT_EQ(s.code(), StatusCode::kConflict) << s.ToString();
  ASSERT_TRUE(store_->Read([](Conn& c) -> Status {
                      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT COUNT(*) FROM k"));
                      EXPECT_EQ(rows[0].Int(0), 0);
                      return Status::Ok();
                    })
                  .ok());
}

TEST_P(StoreTest, AffectedRowsAndReturning) {
  int64_t id = 0;
  ASSERT_TRUE(store_->Tx([&](Conn& c) -> Status {
                      TC_ASSIGN_OR_RETURN(auto r, c.Query("INSERT INTO events (type, payload, at) "
                                                          "VALUES (?, ?, ?) RETURNING seq",
                                                          {std::string("X"), std::string("{}"), int64_t{1}}));
                      id = r[0].Int(0);
                      TC_ASSIGN_OR_RETURN(auto u, c.Exec("UPDATE events SET at = 2 WHERE seq = ?", {id}));
                      EXPECT_EQ(u.affected, 1);
                      return Status::Ok();
                    })
                  .ok());
  EXPECT_GT(id, 0);
}

TEST_P(StoreTest, ConcurrentWritersAllCommit) {
  ASSERT_TRUE(store_->Tx([](Conn& c) { return c.ExecScript("CREATE TABLE n (v BIGINT)"); }).ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        Status s = store_->Tx([&](Conn& c) {
          return c.Exec("INSERT INTO n VALUES (?)", {int64_t{t * 100 + i}}).status();
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_TRUE(store_->Read([](Conn& c) -> Status {
                      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT COUNT(*) FROM n"));
                      EXPECT_EQ(rows[0].Int(0), 100);
                      return Status::Ok();
                    })
                  .ok());
}

TEST_P(StoreTest, AuditLogRefusesUpdates) {
  Status s = store_->Tx([](Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO audit_log (seq, at, actor, action, target, area_path, detail, "
                              "request_id, prev_hash, hash) VALUES (1, 1, 'a', 'b', 'c', '/', '{}', 'r', 'p', 'h')")
                           .status());
    return c.Exec("UPDATE audit_log SET actor = 'x' WHERE seq = 1").status();
  });
  EXPECT_FALSE(s.ok());
}

TEST_P(StoreTest, BulkLoadsRowsWithAwkwardText) {
  ASSERT_TRUE(store_->Tx([](Conn& c) { return c.ExecScript("CREATE TABLE b (k BIGINT PRIMARY KEY, s TEXT)"); }).ok());
  Status s = store_->Tx([](Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto bulk, c.Bulk("b", {"k", "s"}));
    for (int64_t i = 0; i < 5000; ++i) {
      TC_RETURN_IF_ERROR(bulk->Add({i, i == 7 ? Value{} : Value{"tab\there\nline \\ 张三 " + std::to_string(i)}}));
    }
    TC_ASSIGN_OR_RETURN(int64_t n, bulk->Finish());
    EXPECT_EQ(n, 5000);
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT COUNT(*), MAX(k) FROM b"));
    EXPECT_EQ(rows[0].Int(0), 5000);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(store_->Read([](Conn& c) -> Status {
                      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT s FROM b WHERE k IN (7, 42) ORDER BY k"));
                      EXPECT_TRUE(rows[0].IsNull(0));
                      EXPECT_EQ(rows[1].Text(0), "tab\there\nline \\ 张三 42");
                      return Status::Ok();
                    })
                  .ok());
}

TEST_P(StoreTest, BulkDuplicateKeyFailsTheTransaction) {
  ASSERT_TRUE(store_->Tx([](Conn& c) { return c.ExecScript("CREATE TABLE d (k BIGINT PRIMARY KEY)"); }).ok());
  Status s = store_->Tx([](Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto bulk, c.Bulk("d", {"k"}));
    TC_RETURN_IF_ERROR(bulk->Add({int64_t{1}}));
    TC_RETURN_IF_ERROR(bulk->Add({int64_t{1}}));
    return bulk->Finish().status();
  });
  EXPECT_EQ(s.code(), StatusCode::kConflict) << s.ToString();
  ASSERT_TRUE(store_->Read([](Conn& c) -> Status {
                      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT COUNT(*) FROM d"));
                      EXPECT_EQ(rows[0].Int(0), 0);
                      return Status::Ok();
                    })
                  .ok());
}

// A checked bulk transaction commits like Tx(); every later transaction on every
// pooled connection still enforces foreign keys.
TEST_P(StoreTest, CheckedBulkTxCommitsAndForeignKeysStayEnforced) {
  ASSERT_TRUE(store_->Tx([](Conn& c) {
                      return c.ExecScript("CREATE TABLE p (k BIGINT PRIMARY KEY); "
                                          "CREATE TABLE ch (k BIGINT NOT NULL REFERENCES p(k))");
                    })
                  .ok());
  ASSERT_TRUE(store_->CheckedBulkTx([](Conn& c) -> Status {
                      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO p (k) VALUES (1)").status());
                      return c.Exec("INSERT INTO ch (k) VALUES (1)").status();
                    })
                  .ok());
  Status failed = store_->CheckedBulkTx([](Conn&) { return Internal("stop"); });
  EXPECT_EQ(failed.code(), StatusCode::kInternal);
  for (int i = 0; i < 8; ++i) {  // more than the pool's connections
    Status s = store_->Tx([](Conn& c) { return c.Exec("INSERT INTO ch (k) VALUES (2)").status(); });
    EXPECT_EQ(s.code(), StatusCode::kConflict) << s.ToString();
  }
  ASSERT_TRUE(store_->Read([](Conn& c) -> Status {
                      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT COUNT(*) FROM ch"));
                      EXPECT_EQ(rows[0].Int(0), 1);
                      return Status::Ok();
                    })
                  .ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::store
