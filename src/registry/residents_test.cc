#include "registry/residents.h"

#include <gtest/gtest.h>

#include "audit/audit.h"
#include "registry/counts.h"
#include "registry/registry_fixture.h"

#include <map>

namespace tc::registry {
namespace {

constexpr const char* kH1 = "220102001001-001-01-1-0101";
constexpr const char* kH2 = "220102001001-001-01-1-0102";
constexpr const char* kH4 = "220102001001-001-02-1-0101";
constexpr const char* kKuancheng = "220103001001-001-01-1-0101";

TEST(CareTags, ParseEnglishAndChinese) {
  EXPECT_EQ(ParseCareTags("elderly_alone, 慢性病").value(), kElderlyAlone | kChronic);
  EXPECT_EQ(ParseCareTags("").value(), 0);
  EXPECT_EQ(ParseCareTags("孕产妇，残疾").value(), kPregnant | kDisability);
  EXPECT_FALSE(ParseCareTags("vip").ok());
  EXPECT_EQ(CareTagNames(kSevereIllness | kElderlyAlone), (std::vector<std::string>{"elderly_alone", "severe_illness"}));
}

class ResidentsTest : public RegistryFixture {};

TEST_P(ResidentsTest, CreateDerivesBirthDateAndSexFromTheId) {
  Resident r = Add("张三", Id("22010219850307001"), kH1, "138 1234 5678", "chronic");
  EXPECT_EQ(r.birth_date, "1985-03-07");
  EXPECT_EQ(r.sex, "M");
  EXPECT_EQ(r.phone, "13812345678");
  EXPECT_EQ(r.tags, kChronic);
  auto history = residents_->History(r.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].household_code, kH1);
}

TEST_P(ResidentsTest, InvalidFieldsAreAllNamed) {
  auto r = residents_->Create({"", "220102198503070011", "12345", "", "", kH1, "vip"}, by_);
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& fe : r.status().field_errors()) fields.insert(fe.field);
  EXPECT_EQ(fields, (std::set<std::string>{"name", "id_number", "phone", "tags"}));
  auto no_household = residents_->Create({"李四", "", "", "", "", "220102001001-001-01-1-9999", ""}, by_);
  EXPECT_EQ(no_household.status().field_errors().at(0).field, "household_code");
}

TEST_P(ResidentsTest, SecondRecordWithTheSameIdIsRefusedNamingTheFirst) {
  const std::string id = Id("22010219850307001");
  Resident first = Add("张三", id, kH1);
  auto second = residents_->Create({"张叁", id, "", "", "", kH2, ""}, by_);
  ASSERT_EQ(second.status().code(), StatusCode::kConflict);
  EXPECT_NE(second.status().message().find("resident " + std::to_string(first.id)), std::string::npos)
      << second.status().message();
  auto all = residents_->List({.scope = "2201"});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
}

TEST_P(ResidentsTest, ListIsScopedAndSearches) {
  Add("张三", Id("22010219850307001"), kH1, "13812345678", "chronic");
  Add("李四", Id("22010219900101002"), kH4, "13912345678", "elderly_alone");
  Add("王五", Id("22010319700101003"), kKuancheng, "13712345678");
  EXPECT_EQ(residents_->List({.scope = ScopeKeyOfCode("220102000000")})->size(), 2u);
  EXPECT_EQ(residents_->List({.scope = ScopeKeyOfCode("220102001001-001-02")})->size(), 1u);
  EXPECT_EQ(residents_->List({.scope = ScopeKeyOfCode("220103000000")})->size(), 1u);
  EXPECT_EQ(residents_->List({.scope = "2201", .name = "李四"})->size(), 1u);
  EXPECT_EQ(residents_->List({.scope = "2201", .phone = "+86 137 1234 5678"})->size(), 1u);
  EXPECT_EQ(residents_->List({.scope = "2201", .tags = kChronic | kElderlyAlone})->size(), 2u);
  // The ID search inside another district finds nothing.
  EXPECT_TRUE(residents_->List({.scope = ScopeKeyOfCode("220102000000"), .id_number = Id("22010319700101003")})->empty());
}

TEST_P(ResidentsTest, MovingHouseKeepsHistory) {
  Resident r = Add("张三", Id("22010219850307001"), kH1);
  auto moved = residents_->Move(r.id, kKuancheng, "搬家", by_);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->household_code, kKuancheng);
  auto history = residents_->History(r.id);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].household_code, kH1);
  EXPECT_GT((*history)[0].moved_out_at, 0);
  EXPECT_EQ((*history)[1].moved_out_at, 0);
  EXPECT_EQ((*history)[1].reason, "搬家");
  EXPECT_TRUE(residents_->List({.scope = ScopeKeyOfCode("220102000000")})->empty());
  // Both districts' audit views see the move.
  auto nanguan = audit::List(*store_, {.under_path = "/220100000000/220102000000/", .action_prefix = "resident.move"});
  auto kuancheng = audit::List(*store_, {.under_path = "/220100000000/220103000000/", .action_prefix = "resident.move"});
  EXPECT_EQ(nanguan->size(), 1u);
  EXPECT_EQ(kuancheng->size(), 1u);
}

TEST_P(ResidentsTest, DuplicateCandidatesAndMerge) {
  Resident with_id = Add("赵六", Id("22010219600505004"), kH1, "13600000001", "chronic");
  Resident without = Add("赵六", "", kH4, "13600000001", "elderly_alone", "1960-05-05");
  Add("赵六", "", kKuancheng, "13600000009", "", "1960-05-05");  // another community: not a candidate
  Resident twin_a = Add("钱七", "", kH2, "", "", "1999-09-09");
  Resident twin_b = Add("钱七", "", kH4, "", "", "1999-09-09");
  auto candidates = residents_->DuplicateCandidates(ScopeKeyOfCode("220100000000"), 50);
  ASSERT_TRUE(candidates.ok());
  ASSERT_EQ(candidates->size(), 2u);
  EXPECT_EQ((*candidates)[0].a.id, with_id.id);
  EXPECT_EQ((*candidates)[0].b.id, without.id);
  EXPECT_EQ((*candidates)[0].reason, "same name and phone");
  EXPECT_EQ((*candidates)[1].a.id, twin_a.id);
  EXPECT_EQ((*candidates)[1].b.id, twin_b.id);

  auto merged = residents_->Merge(with_id.id, without.id, by_);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->tags, kChronic | kElderlyAlone);
  auto gone = residents_->Get(without.id);
  EXPECT_EQ(gone->status, "merged");
  EXPECT_EQ(gone->merged_into, with_id.id);
  EXPECT_EQ(residents_->Merge(with_id.id, without.id, by_).status().code(), StatusCode::kConflict);
  auto log = audit::List(*store_, {.action_prefix = "resident.merge"});
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ(residents_->DuplicateCandidates("2201", 50)->size(), 1u);
}

TEST_P(ResidentsTest, MergeRefusesTwoDifferentIds) {
  Resident a = Add("孙八", Id("22010219800101005"), kH1);
  Resident b = Add("孙八", Id("22010219800101013"), kH2);
  EXPECT_EQ(residents_->Merge(a.id, b.id, by_).status().code(), StatusCode::kConflict);
}

TEST_P(ResidentsTest, UpdateAuditsWithoutPlainPhone) {
  Resident r = Add("周九", Id("22010219800101005"), kH1, "13812345678");
  auto u = residents_->Update(r.id, std::nullopt, std::string("13987654321"), std::string("disability"), by_);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->phone, "13987654321");
  auto log = audit::List(*store_, {.action_prefix = "resident.update"});
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].record.detail.find("13987654321"), std::string::npos);
}

TEST_P(ResidentsTest, IncrementalCountsEqualARebuild) {
  Resident a = Add("甲", Id("22010219600505004"), kH1, "13600000001", "chronic");
  Resident b = Add("甲", "", kH4, "13600000001", "elderly_alone", "1960-05-05");
  Add("乙", Id("22010319700101003"), kKuancheng, "", "disability");
  ASSERT_TRUE(residents_->Merge(a.id, b.id, by_).ok());
  ASSERT_TRUE(residents_->Move(a.id, kKuancheng, "搬家", by_).ok());
  ASSERT_TRUE(residents_->Update(a.id, std::nullopt, std::nullopt, std::string("pregnant"), by_).ok());
  std::map<std::string, std::vector<int64_t>> incremental, rebuilt;
  auto dump = [&](std::map<std::string, std::vector<int64_t>>& into) {
    ASSERT_TRUE(store_->Read([&](store::Conn& c) -> Status {
                        TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT area_code, residents, households, elderly_alone, "
                                                               "chronic, pregnant, disability, severe_illness "
                                                               "FROM area_counts"));
                        for (const auto& r : rows.rows) {
                          std::vector<int64_t> v;
                          for (size_t i = 1; i < 8; ++i) v.push_back(r.Int(i));
                          if (v != std::vector<int64_t>(7, 0)) into[r.Text(0)] = v;
                        }
                        return Status::Ok();
                      })
                    .ok());
  };
  dump(incremental);
  ASSERT_TRUE(store_->Tx([](store::Conn& c) { return RebuildCounts(c); }).ok());
  dump(rebuilt);
  EXPECT_EQ(incremental, rebuilt);
  EXPECT_EQ(incremental["220100000000"][0], 2);                                  // two people after the merge
  EXPECT_EQ(incremental["220103000000"], (std::vector<int64_t>{2, 1, 0, 0, 1, 1, 0}));
  EXPECT_EQ(incremental["220102000000"][1], 4);                                  // households stay
}

INSTANTIATE_TEST_SUITE_P(Backends, ResidentsTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::registry
