#include "events/events.h"

#include <gtest/gtest.h>

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

INSTANTIATE_TEST_SUITE_P(Backends, EventsTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::events
