#include "registry/importer.h"

#include <gtest/gtest.h>
#include <iconv.h>

#include <sstream>

#include "audit/audit.h"
#include "io/xlsx_writer.h"
#include "registry/registry_fixture.h"

namespace tc::registry {
namespace {

// UTF-8 → GBK, as Excel in China saves "CSV (逗号分隔)".
std::string ToGbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GBK", "UTF-8");
  std::string in = utf8, out(utf8.size() * 2 + 16, '\0');
  char* ip = in.data();
  char* op = out.data();
  size_t il = in.size(), ol = out.size();
  EXPECT_NE(iconv(cd, &ip, &il, &op, &ol), static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - ol);
  return out;
}

class ImporterTest : public RegistryFixture {
 protected:
  ImportReport Run(ImportKind kind, const std::string& bytes, ImportOptions options = {}) {
    std::istringstream in(bytes);
    options.batch_rows = 3;  // several batches even for small files
    return Import(*store_, Clock::System(), kind, in, by_, options);
  }
  static std::string Fields(const ImportReport& r) {
    std::string s;
    for (const auto& e : r.errors) s += std::to_string(e.line) + ":" + e.field + " ";
    return s;
  }
};

TEST_P(ImporterTest, GbkResidentsWithoutBomBadRowsReportedGoodRowsIn) {
  const std::string ok1 = Id("22010219850307001"), ok2 = Id("22010219900101002");
  std::string bad_check = Id("22010219700101003");
  bad_check.back() = bad_check.back() == '1' ? '2' : '1';
  const std::string csv =
      "姓名,身份证号码,手机号,户编码,重点人群\r\n"
      "张三," + ok1 + ",13812345678,220102001001-001-01-1-0101,慢性病\r\n"           // line 2: ok
      "李四," + bad_check + ",13812345679,220102001001-001-01-1-0102,\r\n"           // line 3: check digit
      "王五," + ok2 + ",12345,220102001001-001-01-1-0102,\r\n"                       // line 4: phone
      "赵六," + ok2 + ",13912345678,220102001001-001-01-1-0102,独居老人\r\n"         // line 5: ok
      "钱七,220102850307001,,220102001001-001-01-1-0102,\r\n"                         // line 6: 15-digit
      "孙八,,,220102001001-001-01-1-9999,\r\n"                                        // line 7: no household
      "周九," + ok1 + ",,220102001001-001-01-2-0201,\r\n"                             // line 8: duplicate ID
      "吴十,,13712345678,220102001001-001-01-2-0201,vip\r\n"                          // line 9: tag
      "郑一,,13712345678,220102001001-001-01-2-0201,\r\n";                            // line 10: ok
  const ImportReport r = Run(ImportKind::kResidents, ToGbk(csv));
  ASSERT_TRUE(r.fatal.ok()) << r.fatal.ToString();
  EXPECT_EQ(r.lines, 9);
  EXPECT_EQ(r.accepted, 3);
  EXPECT_EQ(r.rejected, 6);
  EXPECT_EQ(Fields(r), "3:id_number 4:phone 6:id_number 7:household_code 8:id_number 9:tags ") << Fields(r);
  for (const auto& e : r.errors) EXPECT_FALSE(e.message.empty());
  auto all = residents_->List({.scope = "2201"});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].name, "张三");  // Chinese survived the GBK round trip
  EXPECT_EQ((*all)[0].tags, kChronic);
  EXPECT_EQ((*all)[1].tags, kElderlyAlone);
  // Counts followed the import; each committed batch is one audit entry.
  auto summary = areas_->Summary("220102000000");
  EXPECT_EQ(summary->residents, 3);
  EXPECT_EQ(summary->elderly_alone, 1);
  auto log = audit::List(*store_, {.action_prefix = "import.residents"});
  EXPECT_GE(log->size(), 2u);
}

TEST_P(ImporterTest, Utf8BomAreasDwellingsAndAssignmentsWithChineseHeaders) {
  const std::string areas =
      "\xEF\xBB\xBF编码,上级编码,名称,层级\n"
      "220102001001-003,220102001001,新建小区,小区\n"
      "220102001001-003-01,220102001001-003,1栋,楼栋\n"            // parent added earlier in the same file
      "220102001001-003-01-1,220102001001-003-01,1单元,单元\n"
      "220102001001-003-02,220102001001-004,2栋,楼栋\n"            // parent missing
      "220102001001-009,220102001001,小区,楼栋\n"                  // wrong level for parent
      "220102001001-003,220102001001,again,小区\n";                // duplicate
  ImportReport a = Run(ImportKind::kAreas, areas);
  ASSERT_TRUE(a.fatal.ok()) << a.fatal.ToString();
  EXPECT_EQ(a.accepted, 3);
  EXPECT_EQ(Fields(a), "5:parent_code 6:level 7:code ");
  EXPECT_EQ(areas_->Get("220102001001-003-01-1")->path,
            "/220100000000/220102000000/220102001000/220102001001/220102001001-003/220102001001-003-01/"
            "220102001001-003-01-1/");

  ImportReport d = Run(ImportKind::kDwellings,
                       "unit_code,room,address\n220102001001-003-01-1,0101,1栋1单元101\n"
                       "220102001001-003-01-1,0101,dup\n220102001001-003-01,0201,not a unit\n");
  EXPECT_EQ(d.accepted, 1);
  EXPECT_EQ(Fields(d), "3:code 4:unit_code ");
  EXPECT_EQ(areas_->Summary("220102001001-003")->households, 1);

  ImportReport s = Run(ImportKind::kAssignments,
                       "包保对象编码,包保干部,联系电话,单位,职务\n220102001001-003,刘科长,13800000001,市卫健委,科级干部\n"
                       "220102001001-003-01,王干部,13800000002,市卫健委,干部\n220102001001-003,李副,13800000003,区政府,副职\n");
  EXPECT_EQ(s.accepted, 2);
  EXPECT_EQ(Fields(s), "4:role ");
}

TEST_P(ImporterTest, MissingColumnsAndScopeAreReported) {
  ImportReport missing = Run(ImportKind::kResidents, "name,phone\n张三,13812345678\n");
  EXPECT_FALSE(missing.fatal.ok());
  EXPECT_NE(missing.fatal.ToString().find("household_code"), std::string::npos) << missing.fatal.ToString();
  ImportOptions nanguan;
  nanguan.scope_path = "/220100000000/220102000000/";
  nanguan.scope_key = "220102";
  ImportReport r = Run(ImportKind::kResidents,
                       "name,household_code\n甲,220103001001-001-01-1-0101\n乙,220102001001-001-01-1-0101\n", nanguan);
  EXPECT_EQ(r.accepted, 1);
  EXPECT_EQ(Fields(r), "2:household_code ");
}

// Regression: a district's import named the household outside its jurisdiction
// differently from a missing one, and named the resident of another district who holds
// an ID number ("already registered as resident 5001").
TEST_P(ImporterTest, ADistrictImportSeesNothingOfOtherDistricts) {
  const std::string id = Id("22010319700101003");
  const std::string header = "name,id_number,household_code\n";
  ASSERT_EQ(Run(ImportKind::kResidents, header + "王五," + id + ",220103001001-001-01-1-0101\n").accepted, 1);
  auto wang = residents_->List({.scope = "2201", .id_number = id});
  ASSERT_EQ(wang->size(), 1u);
  ImportOptions nanguan;
  nanguan.scope_path = "/220100000000/220102000000/";
  nanguan.scope_key = "220102";
  ImportReport r = Run(ImportKind::kResidents,
                       header + "冒名," + id + ",220102001001-001-01-1-0101\n" +
                           "甲,,220103001001-001-01-1-0101\n" + "乙,,220102009009-009-09-9-0909\n",
                       nanguan);
  ASSERT_EQ(r.errors.size(), 3u) << Fields(r);
  EXPECT_EQ(r.errors[0].message, "already registered to another resident");
  EXPECT_EQ(r.errors[0].message.find(std::to_string((*wang)[0].id)), std::string::npos);
  auto without = [](std::string m, const std::string& code) { return m.replace(m.find(code), code.size(), "X"); };
  EXPECT_EQ(without(r.errors[1].message, "220103001001-001-01-1-0101"),
            without(r.errors[2].message, "220102009009-009-09-9-0909"));
  EXPECT_EQ(r.errors[1].field, r.errors[2].field);
  // The city's own import still names the holder.
  ImportReport city = Run(ImportKind::kResidents, header + "冒名," + id + ",220102001001-001-01-1-0101\n");
  ASSERT_EQ(city.errors.size(), 1u);
  EXPECT_EQ(city.errors[0].message, "already registered as resident " + std::to_string((*wang)[0].id));
}

// Rows are inserted in household order for speed; the first line of a repeated ID
// number must still be the one kept, whatever its household.
TEST_P(ImporterTest, FirstLineOfARepeatedIdWinsWhateverTheHousehold) {
  const std::string id = Id("22010219850307001");
  ImportReport r = Run(ImportKind::kResidents, "name,id_number,household_code\n"
                                               "先," + id + ",220102001001-001-01-1-0102\n"
                                               "后," + id + ",220102001001-001-01-1-0101\n");
  ASSERT_TRUE(r.fatal.ok()) << r.fatal.ToString();
  EXPECT_EQ(r.accepted, 1);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 3);
  EXPECT_NE(r.errors[0].message.find("repeats line 2"), std::string::npos) << r.errors[0].message;
  auto kept = residents_->List({.scope = "2201", .id_number = id});
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ((*kept)[0].name, "先");
}

// A household found once is remembered for the rest of the file; one not found is
// asked for again by the next batch (it may have been added meanwhile). The store
// does not re-check foreign keys for imported rows, so a household that never exists
// must still be a line error, and the counts must follow every accepted line.
TEST_P(ImporterTest, HouseholdsFoundOnceAreRememberedMissingOnesAreAskedAgain) {
  ImportOptions options;
  bool added = false;
  options.progress = [&](int64_t, const ImportReport&) {
    if (added) return;  // after the first batch: another writer adds a household
    added = true;
    std::istringstream dwellings("unit_code,room\n220102001001-001-01-2,0909\n");
    EXPECT_EQ(Import(*store_, Clock::System(), ImportKind::kDwellings, dwellings, by_).accepted, 1);
  };
  const ImportReport r = Run(ImportKind::kResidents,
                             "name,household_code\n"
                             "甲,220102001001-001-01-1-0101\n"   // 2 (batch 1)
                             "乙,220102001001-001-01-2-0909\n"   // 3 not there yet
                             "丙,220102001001-001-01-1-0101\n"   // 4
                             "丁,220102001001-001-01-1-0101\n"   // 5 (batch 2) remembered
                             "戊,220102001001-001-01-2-0909\n"   // 6 added after batch 1
                             "己,220102001001-001-01-2-9999\n",  // 7 never exists
                             options);
  ASSERT_TRUE(r.fatal.ok()) << r.fatal.ToString();
  EXPECT_EQ(r.accepted, 4);
  EXPECT_EQ(Fields(r), "3:household_code 7:household_code ");
  EXPECT_EQ(areas_->Summary("220102001001-001-01-1")->residents, 3);
  EXPECT_EQ(areas_->Summary("220102001001-001-01-2")->residents, 1);
  EXPECT_EQ(areas_->Summary("220102000000")->residents, 4);
  auto all = residents_->List({.scope = "2201"});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 4u);
}

TEST_P(ImporterTest, TooManyFieldsRejectsOnlyThatLine) {
  ImportReport r = Run(ImportKind::kResidents,
                       "name,household_code\n甲,220102001001-001-01-1-0101,extra\n乙,220102001001-001-01-1-0101\n");
  ASSERT_TRUE(r.fatal.ok()) << r.fatal.ToString();
  EXPECT_EQ(r.accepted, 1);
  EXPECT_EQ(r.rejected, 1);
  EXPECT_EQ(r.errors.at(0).line, 2);
}

// Issue 19: the market-supervision bureau exports .xlsx; the same import takes it,
// told from CSV by content, with errors by the sheet's row number.
TEST_P(ImporterTest, XlsxResidentsReportedBySheetRow) {
  const std::string ok1 = Id("22010219850307001"), ok2 = Id("22010219900101002");
  Result<std::string> xlsx = io::XlsxWriter::RenderToBytes(
      "居民", {"姓名", "身份证号码", "手机号", "户编码", "出生日期"},
      {{"张三", ok1, "13812345678", "220102001001-001-01-1-0101", ""},       // row 2: ok
       {"", "", "", "", ""},                                                  // row 3: empty, skipped
       {"王五", ok2, "12345", "220102001001-001-01-1-0102", ""},              // row 4: phone
       {"赵六", ok2, "13912345678", "220102001001-001-01-1-0102", "1990-01-01"}});  // row 5: ok
  ASSERT_TRUE(xlsx.ok()) << xlsx.status().ToString();
  const ImportReport r = Run(ImportKind::kResidents, *xlsx);
  ASSERT_TRUE(r.fatal.ok()) << r.fatal.ToString();
  EXPECT_EQ(r.record_noun, "row");
  EXPECT_EQ(r.lines, 3);
  EXPECT_EQ(r.accepted, 2);
  EXPECT_EQ(Fields(r), "4:phone ");
  auto all = residents_->List({.scope = "2201"});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "张三");

  // CSV is still CSV, and says "line".
  EXPECT_EQ(Run(ImportKind::kResidents, "name,household_code\n").record_noun, "line");
  // What is neither stops the import before anything is read.
  const ImportReport xls = Run(ImportKind::kResidents, std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "....");
  EXPECT_EQ(xls.fatal.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(xls.fatal.message().find("an old .xls workbook"), std::string::npos) << xls.fatal.message();
  EXPECT_EQ(xls.lines, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ImporterTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::registry
