#include "livelihood/return_home.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace tc::livelihood {
namespace {

constexpr Millis kMin = 60'000, kHour = 60 * kMin, kDay = 24 * kHour;
// 2022-04-01 00:00 in Shanghai (2022-03-31T16:00Z).
constexpr Millis kApr1 = 1'648'742'400'000;

using K = ReturnActionKind;
using S = ReturnState;

ReturnHome Fresh(Millis at = kApr1, int64_t id = 7) {
  return NewApplication({.resident_id = id, .origin_area = "220102001001", .destination = "220182"}, at).value();
}

Transport Bus(Millis at) { return {.vehicle = "吉A·12345", .pickup_point = "南关区体育场", .scheduled_at = at}; }

TEST(ReturnHomeTest, NewApplicationNamesTheMissingField) {
  EXPECT_EQ(NewApplication({.origin_area = "x", .destination = "y"}, kApr1).status().field_errors()[0].field,
            "resident_id");
  EXPECT_EQ(NewApplication({.resident_id = 1, .destination = "y"}, kApr1).status().field_errors()[0].field,
            "origin_area");
  EXPECT_EQ(NewApplication({.resident_id = 1, .origin_area = "x"}, kApr1).status().field_errors()[0].field,
            "destination");
  ReturnHome a = Fresh();
  EXPECT_EQ(a.state, S::kApplied);
  ASSERT_EQ(a.history.size(), 1u);
  EXPECT_EQ(a.since(), kApr1);
}

TEST(ReturnHomeTest, EveryTransitionOfTheClosedLoop) {
  ReturnHome a = Fresh();
  ASSERT_TRUE(Apply(a, {.kind = K::kReview}, kApr1 + kHour).ok());
  EXPECT_EQ(a.state, S::kReviewed);
  ASSERT_TRUE(Apply(a, {.kind = K::kReport}, kApr1 + 2 * kHour).ok());
  EXPECT_EQ(a.state, S::kReported);
  ASSERT_TRUE(Apply(a, {.kind = K::kConfirm}, kApr1 + 5 * kHour).ok());
  EXPECT_EQ(a.state, S::kConfirmed);
  ASSERT_TRUE(Apply(a, {.kind = K::kRelease, .transport = Bus(kApr1 + 20 * kHour)}, kApr1 + 6 * kHour).ok());
  EXPECT_EQ(a.state, S::kReleased);
  EXPECT_EQ(a.transport.vehicle, "吉A·12345");
  ASSERT_TRUE(Apply(a, {.kind = K::kDepart}, kApr1 + 20 * kHour).ok());
  EXPECT_EQ(a.state, S::kDeparted);
  ASSERT_TRUE(Apply(a, {.kind = K::kArrive, .received_by = "五棵树镇 王主任"}, kApr1 + 23 * kHour).ok());
  EXPECT_EQ(a.state, S::kArrived);
  EXPECT_EQ(a.received_by, "五棵树镇 王主任");
  EXPECT_TRUE(IsTerminal(a.state));
  const std::vector<S> want = {S::kApplied,  S::kReviewed, S::kReported, S::kConfirmed,
                               S::kReleased, S::kDeparted, S::kArrived};
  ASSERT_EQ(a.history.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(a.history[i].state, want[i]) << i;
  EXPECT_EQ(a.history.back().at, kApr1 + 23 * kHour);
}

TEST(ReturnHomeTest, EveryActionOutOfTurnIsAConflictNamingStateAndAction) {
  // For each state, the one forward action it allows; everything else is refused unchanged.
  struct Case {
    S state;
    std::vector<K> allowed;
  };
  const std::vector<Case> cases = {
      {S::kApplied, {K::kReview, K::kReject, K::kCancel}},
      {S::kReviewed, {K::kReport, K::kCancel}},
      {S::kReported, {K::kConfirm, K::kDecline, K::kCancel}},
      {S::kConfirmed, {K::kRelease, K::kCancel}},
      {S::kReleased, {K::kDepart, K::kCancel}},
      {S::kDeparted, {K::kArrive}},
      {S::kArrived, {}},
      {S::kRejected, {}},
      {S::kDeclined, {}},
      {S::kCancelled, {}},
  };
  for (const Case& c : cases) {
    for (int k = 0; k < 9; ++k) {
      const K kind = static_cast<K>(k);
      ReturnHome a = Fresh();
      a.state = c.state;
      const ReturnHome before = a;
      const Status st =
          Apply(a, {.kind = kind, .reason = "r", .transport = Bus(kApr1 + kDay), .received_by = "x"}, kApr1 + kHour);
      const bool allowed = std::find(c.allowed.begin(), c.allowed.end(), kind) != c.allowed.end();
      if (allowed) {
        EXPECT_TRUE(st.ok()) << ReturnStateName(c.state) << " " << ReturnActionName(kind) << ": " << st.ToString();
        continue;
      }
      EXPECT_EQ(st.code(), StatusCode::kConflict) << ReturnStateName(c.state) << " " << ReturnActionName(kind);
      EXPECT_NE(st.message().find("is " + std::string(ReturnStateName(c.state))), std::string::npos) << st.message();
      EXPECT_NE(st.message().find(std::string(ReturnActionName(kind)) + " needs"), std::string::npos) << st.message();
      EXPECT_EQ(a.state, before.state);
      EXPECT_EQ(a.history.size(), before.history.size());
    }
  }
}

TEST(ReturnHomeTest, RefusalsAndCancellationNeedAReason) {
  ReturnHome a = Fresh();
  Status st = Apply(a, {.kind = K::kReject}, kApr1 + kHour);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.field_errors()[0].field, "reason");
  EXPECT_EQ(a.state, S::kApplied);
  ASSERT_TRUE(Apply(a, {.kind = K::kReject, .reason = "目的地为高风险地区"}, kApr1 + kHour).ok());
  EXPECT_EQ(a.state, S::kRejected);
  EXPECT_EQ(a.reason, "目的地为高风险地区");

  ReturnHome b = Fresh();
  ASSERT_TRUE(Apply(b, {.kind = K::kReview}, kApr1 + kHour).ok());
  ASSERT_TRUE(Apply(b, {.kind = K::kReport}, kApr1 + kHour).ok());
  EXPECT_EQ(Apply(b, {.kind = K::kDecline}, kApr1 + 2 * kHour).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(Apply(b, {.kind = K::kDecline, .reason = "村里无隔离条件"}, kApr1 + 2 * kHour).ok());
  EXPECT_EQ(b.state, S::kDeclined);

  ReturnHome c = Fresh();
  EXPECT_EQ(Apply(c, {.kind = K::kCancel}, kApr1 + kHour).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(Apply(c, {.kind = K::kCancel, .reason = "本人撤回"}, kApr1 + kHour).ok());
  EXPECT_EQ(c.state, S::kCancelled);
}

TEST(ReturnHomeTest, NobodyOnTheRoadCanBeCancelled) {
  ReturnHome a = Fresh();
  for (K k : {K::kReview, K::kReport, K::kConfirm}) ASSERT_TRUE(Apply(a, {.kind = k}, kApr1 + kHour).ok());
  ASSERT_TRUE(Apply(a, {.kind = K::kRelease, .transport = Bus(kApr1 + 2 * kHour)}, kApr1 + kHour).ok());
  ASSERT_TRUE(Apply(a, {.kind = K::kDepart}, kApr1 + 2 * kHour).ok());
  const Status st = Apply(a, {.kind = K::kCancel, .reason = "不想回了"}, kApr1 + 3 * kHour);
  EXPECT_EQ(st.code(), StatusCode::kConflict);
  EXPECT_EQ(st.message(),
            "application of resident 7 is departed; cancel needs applied, reviewed, reported, confirmed or released");
  EXPECT_EQ(Apply(a, {.kind = K::kArrive}, kApr1 + 4 * kHour).code(), StatusCode::kInvalidArgument);  // receiver
  EXPECT_EQ(a.state, S::kDeparted);
}

TEST(ReturnHomeTest, ReleaseNeedsTransportScheduledNotBeforeIt) {
  ReturnHome a = Fresh();
  for (K k : {K::kReview, K::kReport, K::kConfirm}) ASSERT_TRUE(Apply(a, {.kind = k}, kApr1 + kHour).ok());
  Transport t = Bus(kApr1 + 5 * kHour);
  t.vehicle.clear();
  EXPECT_EQ(Apply(a, {.kind = K::kRelease, .transport = t}, kApr1 + 2 * kHour).field_errors()[0].field,
            "transport.vehicle");
  t = Bus(kApr1 + 5 * kHour);
  t.pickup_point.clear();
  EXPECT_EQ(Apply(a, {.kind = K::kRelease, .transport = t}, kApr1 + 2 * kHour).field_errors()[0].field,
            "transport.pickup_point");
  EXPECT_EQ(Apply(a, {.kind = K::kRelease, .transport = Bus(0)}, kApr1 + 2 * kHour).field_errors()[0].field,
            "transport.scheduled_at");
  EXPECT_EQ(Apply(a, {.kind = K::kRelease, .transport = Bus(kApr1 + kHour)}, kApr1 + 2 * kHour).field_errors()[0].field,
            "transport.scheduled_at");
  EXPECT_EQ(a.state, S::kConfirmed);
}

TEST(ReturnHomeTest, AnActionBeforeTheCurrentStateIsRefused) {
  ReturnHome a = Fresh();
  ASSERT_TRUE(Apply(a, {.kind = K::kReview}, kApr1 + 2 * kHour).ok());
  const Status st = Apply(a, {.kind = K::kReport}, kApr1 + kHour);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(a.state, S::kReviewed);
}

TEST(ReturnHomeTest, NamesAndParsingRoundTrip) {
  for (int i = 0; i < kReturnStateCount; ++i) {
    S s;
    ASSERT_TRUE(ParseReturnState(ReturnStateName(static_cast<S>(i)), &s));
    EXPECT_EQ(static_cast<int>(s), i);
  }
  for (int i = 0; i < 9; ++i) {
    K k;
    ASSERT_TRUE(ParseReturnAction(ReturnActionName(static_cast<K>(i)), &k));
    EXPECT_EQ(static_cast<int>(k), i);
  }
  S s;
  EXPECT_FALSE(ParseReturnState("lost", &s));
}

TEST(ReturnHomeTest, OpenLoopNamesEveryoneStuckInEachStage) {
  StageDeadlines d;  // applied 24 h, reviewed 12 h, reported 24 h, confirmed 24 h, released 24 h, departed 48 h
  const Millis now = kApr1 + 3 * kDay;
  std::vector<ReturnHome> apps;
  // One per stage, each entered its state 50 h before now: late everywhere but departed (48 h → late too).
  const std::vector<std::vector<K>> paths = {
      {}, {K::kReview}, {K::kReview, K::kReport}, {K::kReview, K::kReport, K::kConfirm}};
  int64_t id = 1;
  for (const auto& p : paths) {
    ReturnHome a = Fresh(now - 60 * kHour, id++);
    for (K k : p) ASSERT_TRUE(Apply(a, {.kind = k}, now - 50 * kHour).ok());
    if (p.empty()) a.history.back().at = now - 50 * kHour;
    apps.push_back(a);
  }
  ReturnHome released = apps.back();
  released.resident_id = id++;
  ASSERT_TRUE(Apply(released, {.kind = K::kRelease, .transport = Bus(now - 40 * kHour)}, now - 45 * kHour).ok());
  apps.push_back(released);  // released 45 h ago: late (24 h)
  ReturnHome on_road = released;
  on_road.resident_id = id++;
  ASSERT_TRUE(Apply(on_road, {.kind = K::kDepart}, now - 40 * kHour).ok());
  apps.push_back(on_road);  // departed 40 h ago: within 48 h, not late
  ReturnHome fresh = Fresh(now - kHour, id++);
  apps.push_back(fresh);  // applied an hour ago: not late
  ReturnHome done = on_road;
  done.resident_id = id++;
  ASSERT_TRUE(Apply(done, {.kind = K::kArrive, .received_by = "x"}, now - 30 * kHour).ok());
  apps.push_back(done);  // arrived: never stuck

  const std::vector<Stuck> stuck = OpenLoop(apps, d, now);
  ASSERT_EQ(stuck.size(), 5u);
  // Oldest due first: reviewed (due 50 − 12 = 38 h ago), then applied, reported and confirmed
  // (each 26 h ago, input order), then released (21 h ago).
  EXPECT_EQ(stuck[0].state, S::kReviewed);
  EXPECT_EQ(stuck[0].due_by, now - 38 * kHour);
  EXPECT_EQ(stuck[1].state, S::kApplied);
  EXPECT_EQ(stuck[2].state, S::kReported);
  EXPECT_EQ(stuck[3].state, S::kConfirmed);
  EXPECT_EQ(stuck[4].state, S::kReleased);
  EXPECT_EQ(stuck[4].resident_id, 5);
  EXPECT_EQ(stuck[4].since, now - 45 * kHour);
  // The departed one is named once its 48 h have passed.
  const std::vector<Stuck> later = OpenLoop(apps, d, now + 9 * kHour);
  EXPECT_TRUE(std::any_of(later.begin(), later.end(), [](const Stuck& s) { return s.state == S::kDeparted; }));
}

TEST(ReturnHomeTest, ShanghaiDayTurnsAtMidnightInShanghai) {
  EXPECT_EQ(ShanghaiDay(kApr1), ShanghaiDay(kApr1 + kDay - 1));
  EXPECT_EQ(ShanghaiDay(kApr1) + 1, ShanghaiDay(kApr1 + kDay));
  EXPECT_EQ(ShanghaiDay(kApr1 - 1), ShanghaiDay(kApr1) - 1);
  EXPECT_EQ(ShanghaiDay(0), 0);  // 1970-01-01 08:00 in Shanghai
}

// Three applications over two days, computed by hand:
//   A: applied d0 08:00, reviewed d0 10:00, reported d0 12:00, confirmed d1 12:00.
//   B: applied d0 09:00, reviewed d0 15:00, reported d1 09:00.
//   C: applied d0 20:00, still applied.
// Day 0: applied entered 3, left 2 (2 h, 6 h → median 4 h), queue 1 (C);
//        reviewed entered 2, left 1 (2 h), queue 1 (B); reported entered 1, left 0, queue 1 (A).
//        Three queues of 1: applied has the longest median (4 h), so the bottleneck is applied.
// Day 1: reviewed left 1 (18 h); reported entered 1 (B), left 1 (A, 24 h), queue 1 (B);
//        confirmed entered 1, queue 1; applied queue 1. Equal queues, reported's median (24 h)
//        the longest → reported.
TEST(ReturnHomeTest, ThroughputAndBottleneckOnAHandComputedHistory) {
  const int64_t d0 = ShanghaiDay(kApr1);
  const auto at = [](int day, int hour) { return kApr1 + day * kDay + hour * kHour; };
  const std::vector<std::vector<Step>> h = {
      {{S::kApplied, at(0, 8)}, {S::kReviewed, at(0, 10)}, {S::kReported, at(0, 12)}, {S::kConfirmed, at(1, 12)}},
      {{S::kApplied, at(0, 9)}, {S::kReviewed, at(0, 15)}, {S::kReported, at(1, 9)}},
      {{S::kApplied, at(0, 20)}},
      {},
  };
  const std::vector<DayFlow> f = Throughput(h, d0, d0 + 1);
  ASSERT_EQ(f.size(), 2u);
  const StageFlow& ap0 = f[0].stages[0];
  EXPECT_EQ(ap0.entered, 3);
  EXPECT_EQ(ap0.left, 2);
  EXPECT_EQ(ap0.queue, 1);
  EXPECT_EQ(ap0.median_ms, 4 * kHour);
  const StageFlow& rv0 = f[0].stages[1];
  EXPECT_EQ(rv0.entered, 2);
  EXPECT_EQ(rv0.left, 1);
  EXPECT_EQ(rv0.queue, 1);
  EXPECT_EQ(rv0.median_ms, 2 * kHour);
  EXPECT_EQ(f[0].stages[2].entered, 1);
  EXPECT_EQ(f[0].stages[2].queue, 1);
  EXPECT_EQ(f[0].stages[2].median_ms, 0);
  ASSERT_TRUE(f[0].has_bottleneck);
  EXPECT_EQ(f[0].bottleneck, S::kApplied);

  EXPECT_EQ(f[1].day, d0 + 1);
  EXPECT_EQ(f[1].stages[0].entered, 0);
  EXPECT_EQ(f[1].stages[0].queue, 1);
  EXPECT_EQ(f[1].stages[1].left, 1);
  EXPECT_EQ(f[1].stages[1].median_ms, 18 * kHour);
  EXPECT_EQ(f[1].stages[1].queue, 0);
  EXPECT_EQ(f[1].stages[2].entered, 1);
  EXPECT_EQ(f[1].stages[2].left, 1);
  EXPECT_EQ(f[1].stages[2].queue, 1);
  EXPECT_EQ(f[1].stages[2].median_ms, 24 * kHour);
  EXPECT_EQ(f[1].stages[3].entered, 1);
  EXPECT_EQ(f[1].stages[3].queue, 1);
  ASSERT_TRUE(f[1].has_bottleneck);
  EXPECT_EQ(f[1].bottleneck, S::kReported);
}

TEST(ReturnHomeTest, TheLargestQueueIsTheBottleneckAndAnEmptyDayHasNone) {
  const int64_t d0 = ShanghaiDay(kApr1);
  std::vector<std::vector<Step>> h;
  // Five waiting for confirmation since before the window, one waiting for review.
  for (int i = 0; i < 5; ++i) h.push_back({{S::kApplied, kApr1 - 3 * kDay}, {S::kReported, kApr1 - 2 * kDay}});
  h.push_back({{S::kApplied, kApr1 + kHour}});
  // One that went through and arrived on day 0: nothing queued from it at day's end.
  h.push_back({{S::kApplied, kApr1}, {S::kDeparted, kApr1 + kHour}, {S::kArrived, kApr1 + 2 * kHour}});
  const std::vector<DayFlow> f = Throughput(h, d0, d0);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].stages[2].queue, 5);
  EXPECT_EQ(f[0].stages[2].entered, 0);  // entered before the window
  EXPECT_EQ(f[0].stages[5].entered, 1);
  EXPECT_EQ(f[0].stages[5].left, 1);
  EXPECT_EQ(f[0].stages[5].queue, 0);
  EXPECT_EQ(f[0].stages[5].median_ms, kHour);
  ASSERT_TRUE(f[0].has_bottleneck);
  EXPECT_EQ(f[0].bottleneck, S::kReported);

  const std::vector<std::vector<Step>> rejected = {{{S::kApplied, kApr1}, {S::kRejected, kApr1 + kHour}}};
  const std::vector<DayFlow> empty = Throughput(rejected, d0, d0);
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_FALSE(empty[0].has_bottleneck);
  EXPECT_TRUE(Throughput(h, d0, d0 - 1).empty());
}

TEST(ReturnHomeTest, EvenCountMedianIsTheMeanOfTheMiddleTwo) {
  const int64_t d0 = ShanghaiDay(kApr1);
  std::vector<std::vector<Step>> h;
  for (int hours : {1, 2, 4, 9}) h.push_back({{S::kApplied, kApr1}, {S::kReviewed, kApr1 + hours * kHour}});
  EXPECT_EQ(Throughput(h, d0, d0)[0].stages[0].median_ms, 3 * kHour);
}

}  // namespace
}  // namespace tc::livelihood
