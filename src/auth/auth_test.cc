#include <gtest/gtest.h>

#include "audit/audit.h"
#include "auth/accounts.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "auth/throttle.h"
#include "base/crypto.h"
#include "store/testing.h"

namespace tc::auth {
namespace {

class FakeClock : public Clock {
 public:
  Millis Now() const override { return now; }
  Millis now = 1'800'000'000'000;
};

TEST(Roles, NamesRoundTripAndPermissionsDiffer) {
  for (Role r : AllRoles()) EXPECT_EQ(ParseRole(RoleName(r)), r);
  EXPECT_FALSE(ParseRole("root").has_value());
  EXPECT_TRUE(RoleHas(Role::kAdmin, perm::kAuditRead));
  EXPECT_FALSE(RoleHas(Role::kCommander, perm::kAuditRead));
  EXPECT_TRUE(RoleHas(Role::kGridWorker, perm::kPersonalUnmask));
  EXPECT_FALSE(RoleHas(Role::kHotlineAgent, perm::kPersonalUnmask));
  EXPECT_FALSE(RoleHas(Role::kResident, perm::kAreaRead));
}

TEST(Principal, CoversOnlyItsSubtree) {
  Principal p;
  p.area_path = "/220100000000/220102000000/";
  EXPECT_TRUE(p.Covers("/220100000000/220102000000/"));
  EXPECT_TRUE(p.Covers("/220100000000/220102000000/220102001000/"));
  EXPECT_FALSE(p.Covers("/220100000000/"));
  EXPECT_FALSE(p.Covers("/220100000000/220103000000/"));
}

TEST(Password, HashesVerifyAndRejectWrong) {
  ASSERT_TRUE(InitCrypto().ok());
  auto h = HashPassword("correct horse");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->starts_with("$argon2id$"));
  EXPECT_TRUE(VerifyPassword(*h, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*h, "correct hors"));
  EXPECT_EQ(ValidatePassword("short").field_errors().at(0).field, "password");
}

TEST(Throttle, LocksAfterMaxFailuresThenReleases) {
  LoginThrottle t({.max_failures = 3, .window_ms = 1000, .lockout_ms = 5000});
  for (int i = 0; i < 2; ++i) t.RecordFailure("bob", "1.2.3.4", 100);
  EXPECT_FALSE(t.Blocked("bob", "1.2.3.4", 100));
  t.RecordFailure("bob", "1.2.3.4", 100);
  ASSERT_TRUE(t.Blocked("bob", "1.2.3.4", 200));
  EXPECT_EQ(*t.Blocked("bob", "1.2.3.4", 200), 4900);
  EXPECT_FALSE(t.Blocked("alice", "5.6.7.8", 200));
  EXPECT_FALSE(t.Blocked("bob", "1.2.3.4", 5100));
}

TEST(Throttle, FailuresOutsideTheWindowDoNotAccumulate) {
  LoginThrottle t({.max_failures = 3, .window_ms = 1000, .lockout_ms = 5000});
  t.RecordFailure("bob", "a", 0);
  t.RecordFailure("bob", "a", 500);
  t.RecordFailure("bob", "a", 2000);  // window restarted
  EXPECT_FALSE(t.Blocked("bob", "a", 2000));
}

TEST(Username, Validation) {
  EXPECT_TRUE(ValidateUsername("op.nanguan-1").ok());
  EXPECT_FALSE(ValidateUsername("ab").ok());
  EXPECT_FALSE(ValidateUsername("Bob").ok());
  EXPECT_FALSE(ValidateUsername("_x1").ok());
}

class AccountsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    auto url = store::testing::FreshDatabaseUrl(GetParam(), "accounts");
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    auto s = store::Store::Open(*url);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_->Tx([](store::Conn& c) {
                        return c.ExecScript(
                            "INSERT INTO areas (code, parent_code, name, level, path, created_at, updated_at) VALUES "
                            "('220100000000', NULL, 'c', 'city', '/220100000000/', 0, 0)");
                      })
                    .ok());
    accounts_ = std::make_unique<Accounts>(*store_, clock_,
                                           AccountsOptions{.token_ttl_ms = 60'000,
                                                           .throttle = {.max_failures = 3}});
    auto u = accounts_->CreateUser({"alice", "Alice", "alice-password", "commander", "220100000000", "/220100000000/"},
                                   {"test", ""});
    ASSERT_TRUE(u.ok()) << u.status().ToString();
  }
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_P(AccountsTest, LoginAuthenticateLogout) {
  auto login = accounts_->Login("alice", "alice-password", "127.0.0.1", "r1");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  auto p = accounts_->Authenticate(login->token);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->username, "alice");
  EXPECT_EQ(p->role, Role::kCommander);
  ASSERT_TRUE(accounts_->Logout(login->token, "r2").ok());
  EXPECT_EQ(accounts_->Authenticate(login->token).status().code(), StatusCode::kUnauthenticated);
}

TEST_P(AccountsTest, TokenIsStoredOnlyAsHash) {
  auto login = accounts_->Login("alice", "alice-password", "127.0.0.1", "");
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(store_->Read([&](store::Conn& c) -> Status {
                      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT token_hash FROM sessions"));
                      EXPECT_EQ(rows.size(), 1u);
                      EXPECT_NE(rows[0].Text(0), login->token);
                      EXPECT_EQ(rows[0].Text(0), Sha256Hex(login->token));
                      return Status::Ok();
                    })
                  .ok());
}

TEST_P(AccountsTest, ExpiredTokenIsRefused) {
  auto login = accounts_->Login("alice", "alice-password", "127.0.0.1", "");
  ASSERT_TRUE(login.ok());
  clock_.now += 60'001;
  auto p = accounts_->Authenticate(login->token);
  EXPECT_EQ(p.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(p.status().message().find("expired"), std::string::npos);
}

TEST_P(AccountsTest, WrongPasswordThrottlesEvenTheRightOne) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(accounts_->Login("alice", "wrong-password", "10.0.0.1", "").status().code(),
              StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(accounts_->Login("alice", "alice-password", "10.0.0.1", "").status().code(),
            StatusCode::kResourceExhausted);
}

TEST_P(AccountsTest, DisabledUserCannotLoginAndLosesSessions) {
  auto login = accounts_->Login("alice", "alice-password", "127.0.0.1", "");
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(accounts_->DisableUser("alice", {"test", ""}).ok());
  EXPECT_FALSE(accounts_->Authenticate(login->token).ok());
  EXPECT_EQ(accounts_->Login("alice", "alice-password", "127.0.0.1", "").status().code(),
            StatusCode::kUnauthenticated);
}

TEST_P(AccountsTest, DuplicateAndInvalidUsers) {
  auto dup = accounts_->CreateUser({"alice", "", "another-pass", "admin", "220100000000", "/220100000000/"}, {"t", ""});
  EXPECT_EQ(dup.status().code(), StatusCode::kConflict);
  auto bad = accounts_->CreateUser({"B", "", "x", "king", "220100000000", "/220100000000/"}, {"t", ""});
  ASSERT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& fe : bad.status().field_errors()) fields.push_back(fe.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"username", "password", "role"}));
}

TEST_P(AccountsTest, WritesAreAudited) {
  ASSERT_TRUE(accounts_->Login("alice", "alice-password", "127.0.0.1", "").ok());
  auto entries = audit::List(*store_, {});
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].record.action, "auth.login");
  EXPECT_EQ((*entries)[1].record.action, "user.create");
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountsTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::auth
