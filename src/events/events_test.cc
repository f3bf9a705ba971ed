#include "events/events.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <mutex>
#include <thread>

#include "store/testing.h"

namespace tc::events {
namespace {

class EventsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto url = store::testing::FreshDatabaseUrl(GetParam(), "events");
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    auto s = store::Store::Open(*url);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
  }
  void PublishOne(const std::string& type, bool commit = true) {
    Status s = store_->Tx([&](store::Conn& c) -> Status {
      TC_RETURN_IF_ERROR(Publish(c, type, "{}", 1));
      return commit ? Status::Ok() : Conflict("rolled back on purpose");
    });
    ASSERT_EQ(s.ok(), commit);
  }
  std::unique_ptr<store::Store> store_;
};

TEST_P(EventsTest, OnlyCommittedEventsAreDeliveredInOrderOnce) {
  PublishOne("A");
  PublishOne("Lost", /*commit=*/false);
  PublishOne("B");
  std::vector<std::string> seen;
  Bus bus(*store_);
  bus.Subscribe("s", [&](const Event& e) {
    seen.push_back(e.type);
    return Status::Ok();
  });
  ASSERT_TRUE(bus.Deliver().ok());
  ASSERT_TRUE(bus.Deliver().ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"A", "B"}));
}

TEST_P(EventsTest, CursorSurvivesARestartAndFailedEventsAreRetried) {
  PublishOne("A");
  PublishOne("B");
  std::vector<std::string> seen;
  {
    Bus bus(*store_);
    bus.Subscribe("s", [&](const Event& e) -> Status {
      if (e.type == "B") return Unavailable("subscriber down");
      seen.push_back(e.type);
      return Status::Ok();
    });
    EXPECT_EQ(bus.Deliver().code(), StatusCode::kUnavailable);
  }
  PublishOne("C");
  Bus restarted(*store_);
  restarted.Subscribe("s", [&](const Event& e) {
    seen.push_back(e.type);
    return Status::Ok();
  });
  ASSERT_TRUE(restarted.Deliver().ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"A", "B", "C"}));
}

// Regression: Deliver() held the bus's mutex while handlers ran, so a handler that
// published and delivered, or subscribed, deadlocked.
TEST_P(EventsTest, AHandlerMayPublishDeliverAndSubscribeWithoutDeadlock) {
  PublishOne("A");
  std::vector<std::string> seen, late;
  Bus bus(*store_);
  bus.Subscribe("s", [&](const Event& e) -> Status {
    seen.push_back(e.type);
    if (e.type == "A") {
      PublishOne("B");
      TC_RETURN_IF_ERROR(bus.Deliver());  // "s" is running: the outer call goes round again
      bus.Subscribe("late", [&](const Event& x) {
        late.push_back(x.type);
        return Status::Ok();
      });
    }
    return Status::Ok();
  });
  ASSERT_TRUE(bus.Deliver().ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"A", "B"}));
  ASSERT_TRUE(bus.Deliver().ok());
  EXPECT_EQ(late, (std::vector<std::string>{"A", "B"}));  // a new subscriber starts at the oldest event
  EXPECT_EQ(seen, (std::vector<std::string>{"A", "B"}));
}

TEST_P(EventsTest, ThreadsDeliveringTogetherHandEachEventOnceInOrder) {
  for (int i = 0; i < 20; ++i) PublishOne("E" + std::to_string(i));
  std::vector<int64_t> seqs;
  std::mutex seqs_mu;
  Bus bus(*store_);
  bus.Subscribe("s", [&](const Event& e) {
    std::lock_guard lock(seqs_mu);
    seqs.push_back(e.seq);
    return Status::Ok();
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&] { EXPECT_TRUE(bus.Deliver().ok()); });
  for (auto& t : threads) t.join();
  ASSERT_EQ(seqs.size(), 20u);
  EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end()));
  EXPECT_EQ(std::adjacent_find(seqs.begin(), seqs.end()), seqs.end());
}

INSTANTIATE_TEST_SUITE_P(Backends, EventsTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

// PostgreSQL draws seq at insert and shows the row at commit: without the outbox's
// order lock a transaction could commit a lower seq after a higher one was read.
class EventsOrderTest : public EventsTest {};

// Regression: the bus read `WHERE seq > last` while publishers committed in any order,
// so an event committed with a lower seq after a higher one had been delivered was
// skipped for good (the cursor had passed it).
TEST_P(EventsOrderTest, AnEventCannotCommitBehindOneAlreadyRead) {
  std::promise<void> inserted, go;
  std::shared_future<void> go_future = go.get_future().share();
  std::thread early([&] {
    Status s = store_->Tx([&](store::Conn& c) -> Status {
      TC_RETURN_IF_ERROR(Publish(c, "early", "{}", 1));  // draws the lower seq
      inserted.set_value();
      go_future.wait();
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
  });
  inserted.get_future().wait();
  std::thread late([&] { PublishOne("late"); });  // must wait until "early" has committed
  const bool waited = store::testing::SomeoneWaitsForAnAdvisoryLock(*store_);
  EXPECT_TRUE(waited) << "a second publisher did not wait for the first: seqs can become visible out of order";
  std::vector<std::string> seen;
  Bus bus(*store_);
  bus.Subscribe("s", [&](const Event& e) {
    seen.push_back(e.type);
    return Status::Ok();
  });
  EXPECT_TRUE(bus.Deliver().ok());
  go.set_value();
  early.join();
  late.join();
  ASSERT_TRUE(bus.Deliver().ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"early", "late"}));
}

INSTANTIATE_TEST_SUITE_P(Postgres, EventsOrderTest, ::testing::Values("postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::events
