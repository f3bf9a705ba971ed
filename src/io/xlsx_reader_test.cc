#include "io/xlsx_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "io/csv.h"
#include "io/internal/xlsx_cells.h"
#include "io/table.h"
#include "io/xlsx_writer.h"

namespace tc::io {
namespace {

using Fields = std::vector<std::string>;

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("tc-xlsx-" + std::to_string(::getpid()) + "-" + name)).string();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every row of a table (header included), failing the test on any error.
std::vector<Row> ReadAllRows(TableReader& table) {
  std::vector<Row> rows;
  Row row;
  for (;;) {
    Result<bool> more = table.Next(row);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    rows.push_back(row);
  }
  return rows;
}

std::vector<Row> ReadAllRows(const std::string& bytes, XlsxOptions options = {}) {
  auto reader = XlsxReader::FromBytes(bytes, "test.xlsx", std::move(options));
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return {};
  return ReadAllRows(**reader);
}

// The error opening a workbook, or OK.
Status OpenError(const std::string& bytes, XlsxOptions options = {}) {
  return XlsxReader::FromBytes(bytes, "test.xlsx", std::move(options)).status();
}

// A zip archive of the given parts, written with libzip (deflated unless `stored`).
std::string Zip(const std::map<std::string, std::string>& parts, const char* password = nullptr) {
  const std::string path = TempPath("zip.zip");
  std::remove(path.c_str());
  int error = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  EXPECT_NE(z, nullptr) << error;
  if (z == nullptr) return "";
  for (const auto& [name, text] : parts) {
    zip_source_t* s = zip_source_buffer(z, text.data(), text.size(), 0);
    const zip_int64_t index = zip_file_add(z, name.c_str(), s, ZIP_FL_ENC_UTF_8);
    EXPECT_GE(index, 0) << zip_strerror(z);
    if (password != nullptr) {
      EXPECT_EQ(zip_file_set_encryption(z, static_cast<zip_uint64_t>(index), ZIP_EM_AES_256, password), 0)
          << zip_strerror(z);
    }
  }
  EXPECT_EQ(zip_close(z), 0);
  std::string bytes = ReadFile(path);
  std::remove(path.c_str());
  return bytes;
}

constexpr const char* kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr const char* kPkg = "http://schemas.openxmlformats.org/package/2006/relationships";

// A minimal workbook around one sheet's <sheetData> (and shared strings, if any).
std::map<std::string, std::string> Workbook(const std::string& sheet_data, const std::string& shared = "") {
  std::map<std::string, std::string> parts;
  parts["xl/workbook.xml"] = std::string("<workbook xmlns=\"") + kMain + "\" xmlns:r=\"" + kRel +
                             "\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
  parts["xl/_rels/workbook.xml.rels"] =
      std::string("<Relationships xmlns=\"") + kPkg + "\"><Relationship Id=\"rId1\" Type=\"" + kRel +
      "/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"" + kRel +
      "/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>";
  parts["xl/worksheets/sheet1.xml"] =
      std::string("<worksheet xmlns=\"") + kMain + "\"><sheetData>" + sheet_data + "</sheetData></worksheet>";
  if (!shared.empty()) parts["xl/sharedStrings.xml"] = std::string("<sst xmlns=\"") + kMain + "\">" + shared + "</sst>";
  return parts;
}

// A workbook written by libxlsxwriter itself (shared strings, numbers, dates, …);
// `fill` writes the cells.
template <typename Fill>
std::string LibxlsxwriterBook(Fill fill) {
  const std::string path = TempPath("lxw.xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  EXPECT_NE(wb, nullptr);
  fill(wb);
  EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
  std::string bytes = ReadFile(path);
  std::remove(path.c_str());
  return bytes;
}

void ExpectRow(const Row& row, int64_t line, const Fields& fields) {
  EXPECT_EQ(row.line, line);
  EXPECT_EQ(row.fields, fields) << "row " << row.line;
}

void ExpectMessage(const Status& s, const std::string& part) {
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find(part), std::string::npos) << s.message();
}

// --- cell values ---------------------------------------------------------------

TEST(XlsxCells, NumbersAsExcelShowsThemWithoutFloatNoise) {
  EXPECT_EQ(xlsx::NumberText("13800000000"), "13800000000");
  EXPECT_EQ(xlsx::NumberText("1.38E10"), "13800000000");
  EXPECT_EQ(xlsx::NumberText("1.38e+10"), "13800000000");
  EXPECT_EQ(xlsx::NumberText("12.5"), "12.5");
  EXPECT_EQ(xlsx::NumberText("12.0"), "12");
  EXPECT_EQ(xlsx::NumberText("-3.0"), "-3");
  EXPECT_EQ(xlsx::NumberText("0.30000000000000004"), "0.3");
  EXPECT_EQ(xlsx::NumberText("12.499999999999998"), "12.5");
  EXPECT_EQ(xlsx::NumberText("0.001"), "0.001");
  EXPECT_EQ(xlsx::NumberText("1E-3"), "0.001");
  EXPECT_EQ(xlsx::NumberText("0"), "0");
  EXPECT_EQ(xlsx::NumberText("-0"), "0");
  EXPECT_EQ(xlsx::NumberText("007"), "7");
  EXPECT_EQ(xlsx::NumberText("1.5E-12"), "1.5E-12");
  EXPECT_EQ(xlsx::NumberText("2.5E+25"), "2.5E+25");
  // An 18-digit ID typed into a number cell: the digits the file holds, not 1.10101E+17.
  EXPECT_EQ(xlsx::NumberText("110101199003071234"), "110101199003071234");
  // Written in exponent form, it has only what Excel keeps: 15 significant digits.
  EXPECT_EQ(xlsx::NumberText("1.101011990030712E+17"), "110101199003071000");
  EXPECT_EQ(xlsx::NumberText("n/a"), "n/a");
}

TEST(XlsxCells, DateFormatsBuiltinAndCustom) {
  using xlsx::NumberKind;
  EXPECT_EQ(xlsx::BuiltinFormatKind(14), NumberKind::kDate);
  EXPECT_EQ(xlsx::BuiltinFormatKind(17), NumberKind::kDate);
  EXPECT_EQ(xlsx::BuiltinFormatKind(20), NumberKind::kTime);
  EXPECT_EQ(xlsx::BuiltinFormatKind(22), NumberKind::kDateTime);
  EXPECT_EQ(xlsx::BuiltinFormatKind(31), NumberKind::kDate);  // zh-CN yyyy"年"m"月"d"日"
  EXPECT_EQ(xlsx::BuiltinFormatKind(0), NumberKind::kNumber);
  EXPECT_EQ(xlsx::BuiltinFormatKind(49), NumberKind::kNumber);  // @
  EXPECT_EQ(xlsx::FormatCodeKind("yyyy-mm-dd"), NumberKind::kDate);
  EXPECT_EQ(xlsx::FormatCodeKind("yyyy\"年\"m\"月\"d\"日\""), NumberKind::kDate);
  EXPECT_EQ(xlsx::FormatCodeKind("[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy"), NumberKind::kDate);
  EXPECT_EQ(xlsx::FormatCodeKind("mmm-yy"), NumberKind::kDate);
  EXPECT_EQ(xlsx::FormatCodeKind("yyyy/m/d h:mm"), NumberKind::kDateTime);
  EXPECT_EQ(xlsx::FormatCodeKind("h:mm AM/PM"), NumberKind::kTime);
  EXPECT_EQ(xlsx::FormatCodeKind("[h]:mm:ss"), NumberKind::kTime);
  EXPECT_EQ(xlsx::FormatCodeKind("mm:ss"), NumberKind::kTime);
  EXPECT_EQ(xlsx::FormatCodeKind("0.00_);[Red]\\(0.00\\)"), NumberKind::kNumber);
  EXPECT_EQ(xlsx::FormatCodeKind("0.00E+00"), NumberKind::kNumber);
  EXPECT_EQ(xlsx::FormatCodeKind("\"day\" 0"), NumberKind::kNumber);  // quoted text is no placeholder
  EXPECT_EQ(xlsx::FormatCodeKind("General"), NumberKind::kNumber);
  EXPECT_EQ(xlsx::FormatCodeKind("@"), NumberKind::kNumber);
}

TEST(XlsxCells, SerialDates) {
  using xlsx::NumberKind;
  EXPECT_EQ(xlsx::SerialText("43879", NumberKind::kDate, false), "2020-02-18");
  EXPECT_EQ(xlsx::SerialText("43879.5", NumberKind::kDateTime, false), "2020-02-18 12:00:00");
  EXPECT_EQ(xlsx::SerialText("0.75", NumberKind::kTime, false), "18:00:00");
  EXPECT_EQ(xlsx::SerialText("1", NumberKind::kDate, false), "1900-01-01");
  EXPECT_EQ(xlsx::SerialText("59", NumberKind::kDate, false), "1900-02-28");
  EXPECT_EQ(xlsx::SerialText("60", NumberKind::kDate, false), "1900-02-29");  // Excel's invented day
  EXPECT_EQ(xlsx::SerialText("61", NumberKind::kDate, false), "1900-03-01");
  EXPECT_EQ(xlsx::SerialText("2958465", NumberKind::kDate, false), "9999-12-31");
  EXPECT_EQ(xlsx::SerialText("0", NumberKind::kDate, true), "1904-01-01");
  EXPECT_EQ(xlsx::SerialText("42417", NumberKind::kDate, true), "2020-02-18");
  EXPECT_EQ(xlsx::SerialText("43879.99999999", NumberKind::kDateTime, false), "2020-02-19 00:00:00");
  EXPECT_FALSE(xlsx::SerialText("-1", NumberKind::kDate, false));
  EXPECT_FALSE(xlsx::SerialText("2958466", NumberKind::kDate, false));
  EXPECT_FALSE(xlsx::SerialText("abc", NumberKind::kDate, false));
}

TEST(XlsxCells, CellReferencesAndEscapes) {
  EXPECT_EQ(xlsx::ParseCellRef("A1")->column, 0);
  EXPECT_EQ(xlsx::ParseCellRef("A1")->row, 1);
  EXPECT_EQ(xlsx::ParseCellRef("AB12")->column, 27);
  EXPECT_EQ(xlsx::ParseCellRef("XFD1048576")->column, 16383);
  EXPECT_EQ(xlsx::ParseCellRef("XFD1048576")->row, 1048576);
  EXPECT_FALSE(xlsx::ParseCellRef("12"));
  EXPECT_FALSE(xlsx::ParseCellRef("A1B"));
  EXPECT_EQ(xlsx::ColumnLetters(0), "A");
  EXPECT_EQ(xlsx::ColumnLetters(27), "AB");
  EXPECT_EQ(xlsx::ColumnLetters(16383), "XFD");
  std::string text = "a_x000D_b_x005F_x0041_c_xD83D__xDE00_";
  xlsx::DecodeEscapes(text);
  EXPECT_EQ(text, "a\rb_x0041_c\xF0\x9F\x98\x80");
}

// --- workbooks written by the project's XlsxWriter and by libxlsxwriter ------------

TEST(XlsxReader, ReadsBackTheProjectsOwnExport) {
  const Fields header = {"姓名", "身份证号", "联系电话", "备注"};
  const std::vector<Fields> rows = {{"张三", "110101199003071234", "13800000000", ""},
                                    {"李四", "", "", "中文，带逗号"},
                                    {"", "", "", ""},
                                    {"王五", "11010119900307123X", "", "last"}};
  Result<std::string> bytes = XlsxWriter::RenderToBytes("居民名单", header, rows);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto reader = XlsxReader::FromBytes(*bytes, "export.xlsx");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->sheet_name(), "居民名单");
  Result<Fields> read_header = (*reader)->ReadHeader();
  ASSERT_TRUE(read_header.ok()) << read_header.status().ToString();
  EXPECT_EQ(*read_header, header);
  std::vector<Row> read = ReadAllRows(**reader);
  ASSERT_EQ(read.size(), 3u);                                            // the empty row is skipped
  ExpectRow(read[0], 2, {"张三", "110101199003071234", "13800000000"});  // trailing blanks: a short row
  ExpectRow(read[1], 3, {"李四", "", "", "中文，带逗号"});
  ExpectRow(read[2], 5, {"王五", "11010119900307123X", "", "last"});
  EXPECT_EQ((*reader)->bytes_read(), static_cast<int64_t>(bytes->size()));
}

TEST(XlsxReader, ReadsNumbersDatesBooleansAndSharedStrings) {
  const std::string bytes = LibxlsxwriterBook([](lxw_workbook* wb) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, "企业");
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    lxw_format* builtin_date = workbook_add_format(wb);
    format_set_num_format_index(builtin_date, 14);
    lxw_format* date_time = workbook_add_format(wb);
    format_set_num_format(date_time, "yyyy/m/d hh:mm:ss");
    lxw_format* money = workbook_add_format(wb);
    format_set_num_format(money, "#,##0.00");
    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);
    const char* header[] = {"名称", "电话", "人数", "收入", "成立", "复工", "更新", "规上", "身份证号"};
    for (int c = 0; c < 9; ++c) worksheet_write_string(ws, 0, c, header[c], nullptr);
    // Row 2: strings (shared, one repeated), numbers, dates.
    worksheet_write_string(ws, 1, 0, "南京某某科技有限公司", nullptr);
    worksheet_write_number(ws, 1, 1, 13800000000.0, nullptr);
    worksheet_write_number(ws, 1, 2, 120, nullptr);
    worksheet_write_number(ws, 1, 3, 0.1 + 0.2, money);
    lxw_datetime founded = {2020, 2, 18, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 4, &founded, date);
    lxw_datetime resumed = {2020, 2, 26, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 5, &resumed, builtin_date);
    lxw_datetime updated = {2020, 3, 1, 8, 30, 15};
    worksheet_write_datetime(ws, 1, 6, &updated, date_time);
    worksheet_write_boolean(ws, 1, 7, 1, nullptr);
    worksheet_write_number(ws, 1, 8, 110101199003071234.0, nullptr);  // the Excel trap
    // Row 3 left out; row 4: a gap (B, C empty), a repeated shared string, a formula.
    worksheet_write_string(ws, 3, 0, "南京某某科技有限公司", nullptr);
    worksheet_write_number(ws, 3, 3, 12.5, nullptr);
    worksheet_write_formula_num(ws, 3, 4, "=1+1", nullptr, 2);
    worksheet_write_formula_str(ws, 3, 5, "=\"是\"", nullptr, "是");
    worksheet_write_boolean(ws, 3, 7, 0, nullptr);
    // Row 5: only blank cells with a format: an empty row.
    worksheet_write_blank(ws, 4, 0, bold);
    worksheet_write_blank(ws, 4, 3, bold);
    // Row 6: rich text (two runs) becomes one string.
    lxw_rich_string_tuple run1 = {bold, const_cast<char*>("玄武")};
    lxw_rich_string_tuple run2 = {nullptr, const_cast<char*>("区")};
    lxw_rich_string_tuple* runs[] = {&run1, &run2, nullptr};
    worksheet_write_rich_string(ws, 5, 0, runs, nullptr);
    worksheet_write_number(ws, 5, 2, -3, nullptr);
    workbook_add_worksheet(wb, "备注");
  });
  std::vector<Row> rows = ReadAllRows(bytes);
  ASSERT_EQ(rows.size(), 4u);
  ExpectRow(rows[0], 1, {"名称", "电话", "人数", "收入", "成立", "复工", "更新", "规上", "身份证号"});
  ExpectRow(rows[1], 2,
            {"南京某某科技有限公司", "13800000000", "120", "0.3", "2020-02-18", "2020-02-26", "2020-03-01 08:30:15",
             "TRUE", "110101199003071000"});
  ExpectRow(rows[2], 4, {"南京某某科技有限公司", "", "", "12.5", "2", "是", "", "FALSE"});
  ExpectRow(rows[3], 6, {"玄武区", "", "-3"});
}

TEST(XlsxReader, ReadsANamedSheet) {
  const std::string bytes = LibxlsxwriterBook([](lxw_workbook* wb) {
    worksheet_write_string(workbook_add_worksheet(wb, "第一页"), 0, 0, "one", nullptr);
    worksheet_write_string(workbook_add_worksheet(wb, "第二页"), 2, 1, "two", nullptr);
  });
  auto reader = XlsxReader::FromBytes(bytes, "book.xlsx", {.sheet = "第二页"});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->sheet_names(), (Fields{"第一页", "第二页"}));
  std::vector<Row> rows = ReadAllRows(**reader);
  ASSERT_EQ(rows.size(), 1u);
  ExpectRow(rows[0], 3, {"", "two"});

  Status s = OpenError(bytes, {.sheet = "第三页"});
  ExpectMessage(s, "no worksheet named '第三页' (it has 第一页, 第二页)");
}

TEST(XlsxReader, StreamsALargeSheetRowByRow) {
  constexpr int kRows = 20'000;
  const std::string path = TempPath("large.xlsx");
  {
    Result<std::unique_ptr<XlsxWriter>> writer = XlsxWriter::Create(path, "Sheet1");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->WriteHeader({"序号", "名称"}).ok());
    for (int i = 0; i < kRows; ++i) {
      ASSERT_TRUE((*writer)->WriteRow({std::to_string(i), "企业" + std::to_string(i)}).ok());
    }
    ASSERT_TRUE((*writer)->Close().ok());
  }
  auto reader = XlsxReader::Open(path, {.chunk_size = 4096});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_TRUE((*reader)->ReadHeader().ok());
  Row row;
  int n = 0;
  int64_t last_progress = 0;
  bool progress_grew = false;
  Status s = (*reader)->ForEach(
      row, [&](int64_t line, const std::string& m) { ADD_FAILURE() << line << ": " << m; },
      [&](Row& r) {
        EXPECT_EQ(r.line, n + 2);
        EXPECT_EQ(r.fields, (Fields{std::to_string(n), "企业" + std::to_string(n)}));
        ++n;
        const int64_t progress = (*reader)->bytes_read();
        EXPECT_GE(progress, last_progress);
        progress_grew = progress_grew || (progress > last_progress && n < kRows / 2);
        last_progress = progress;
        return true;
      });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(n, kRows);
  EXPECT_TRUE(progress_grew);  // progress is reported while reading, not only at the end
  std::remove(path.c_str());
}

// --- the committed fixture, written by hand, not by libxlsxwriter -------------------

TEST(XlsxFixture, ReadsAWorkbookNotWrittenByLibxlsxwriter) {
  auto reader = XlsxReader::Open(std::string(TC_SOURCE_DIR) + "/tests/data/xlsx/bureau_export.xlsx");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->sheet_name(), "企业名录");
  Result<Fields> header = (*reader)->ReadHeader();
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  EXPECT_EQ(*header,
            (Fields{"统一社会信用代码", "企业名称", "从业人数", "营业收入", "成立日期", "联系电话", "规上", "备注"}));
  std::vector<Row> rows = ReadAllRows(**reader);
  ASSERT_EQ(rows.size(), 4u);
  ExpectRow(rows[0], 2,
            {"91320102MA1N2LTJ1X", "南京某某 科技有限公司", "120", "0.3", "2020-02-18", "13800000000", "TRUE",
             "第一行\r\n第二行 a_x0041_b"});
  ExpectRow(
      rows[1], 3,
      {"110101199003071234", "玄武区", "12.5", "110101199003071234", "2020-02-25", "025-84200000", "FALSE", "#DIV/0!"});
  ExpectRow(rows[2], 6, {"gap", "", "", "-3"});
  ExpectRow(rows[3], 8, {"tab\tand\tescape", "", "", "", "2020-02-18 12:00:00"});

  auto notes = XlsxReader::Open(std::string(TC_SOURCE_DIR) + "/tests/data/xlsx/bureau_export.xlsx", {.sheet = "备注"});
  ASSERT_TRUE(notes.ok()) << notes.status().ToString();
  std::vector<Row> note_rows = ReadAllRows(**notes);
  ASSERT_EQ(note_rows.size(), 1u);
  ExpectRow(note_rows[0], 1, {"说明"});
}

// --- broken and hostile workbooks ---------------------------------------------

TEST(XlsxReader, RefusesWhatIsNotAWorkbook) {
  ExpectMessage(OpenError("名称,代码\n甲,1\n"), "test.xlsx: not an XLSX workbook (not a zip archive, or cut short)");
  ExpectMessage(OpenError(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0')),
                "an old .xls workbook, or an .xlsx encrypted with a password");
  ExpectMessage(OpenError(Zip({{"hello.txt", "hello"}})), "test.xlsx: not an XLSX workbook: it has no xl/workbook.xml");
  ExpectMessage(
      OpenError(Zip({{"xl/workbook.xml", std::string("<workbook xmlns=\"") + kMain + "\"/>"},
                     {"xl/_rels/workbook.xml.rels", std::string("<Relationships xmlns=\"") + kPkg + "\"/>"}})),
      "xl/workbook.xml: the workbook has no worksheet");
  auto parts = Workbook("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
  parts.erase("xl/worksheets/sheet1.xml");
  ExpectMessage(OpenError(Zip(parts)), "the worksheet 'Sheet1' has no part xl/worksheets/sheet1.xml");
}

TEST(XlsxReader, RefusesATruncatedWorkbook) {
  Result<std::string> bytes = XlsxWriter::RenderToBytes("Sheet1", {"a"}, {{"b"}});
  ASSERT_TRUE(bytes.ok());
  ASSERT_TRUE(OpenError(*bytes).ok());
  ExpectMessage(OpenError(bytes->substr(0, bytes->size() / 2)), "not a zip archive, or cut short");
  ExpectMessage(OpenError(bytes->substr(0, bytes->size() - 10)), "not a zip archive, or cut short");
}

TEST(XlsxReader, RefusesAnEncryptedArchive) {
  const std::string bytes = Zip(Workbook("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"), "secret");
  ExpectMessage(OpenError(bytes), "is encrypted; save the workbook without a password");
}

TEST(XlsxReader, RefusesPartsOverTheSizeAndRatioLimits) {
  std::string data;
  for (int r = 1; r <= 2000; ++r) {
    data += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) + "\" t=\"inlineStr\"><is><t>" +
            std::string(100, 'x') + "</t></is></c></row>";
  }
  const std::string bytes = Zip(Workbook(data));
  ASSERT_TRUE(OpenError(bytes).ok());
  ExpectMessage(OpenError(bytes, {.max_part_bytes = 100'000}),
                "test.xlsx: xl/worksheets/sheet1.xml: inflates to 325 KiB, over the limit of 98 KiB");
  ExpectMessage(OpenError(bytes, {.max_ratio = 20, .min_bomb_bytes = 0}), "xl/worksheets/sheet1.xml: inflates ");
  ExpectMessage(OpenError(bytes, {.max_ratio = 20, .min_bomb_bytes = 0}), "refused as a zip bomb");
}

TEST(XlsxReader, RowErrorsSkipOnlyThatRow) {
  const std::string bytes =
      Zip(Workbook("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>名称</t></is></c><c r=\"B1\" "
                   "t=\"inlineStr\"><is><t>代码</t></is></c></row>"
                   "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c><c r=\"B2\"><v>1</v></c></row>"
                   "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>7</v></c></row>"
                   "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>a_x0001_b</t></is></c></row>"
                   "<row r=\"5\"><c r=\"A5\"><v>5</v></c><c r=\"E5\"><v>9</v></c></row>"
                   "<row r=\"6\"><c r=\"6A\"><v>5</v></c></row>"
                   "<row r=\"7\"><c r=\"B7\"><v>7</v></c></row>",
                   "<si><t>甲</t></si>"));
  auto reader = XlsxReader::FromBytes(bytes, "test.xlsx", {.max_columns = 4});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_TRUE((*reader)->ReadHeader().ok());
  std::vector<std::pair<int64_t, std::string>> bad;
  std::vector<Row> good;
  Row row;
  Status s = (*reader)->ForEach(
      row, [&](int64_t line, const std::string& m) { bad.emplace_back(line, m); },
      [&](Row& r) {
        good.push_back(r);
        return true;
      });
  EXPECT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(good.size(), 2u);
  ExpectRow(good[0], 2, {"甲", "1"});
  ExpectRow(good[1], 7, {"", "7"});
  ASSERT_EQ(bad.size(), 4u);
  EXPECT_EQ(bad[0], std::make_pair(int64_t{3}, std::string("row 3, column A (名称): shared string 7 does not exist "
                                                           "(the workbook has 1)")));
  EXPECT_EQ(bad[1].first, 4);
  EXPECT_EQ(bad[1].second,
            "row 4, column A (名称): a control character (0x01) in the cell; only tab, CR and LF may appear in text");
  EXPECT_EQ(bad[2].first, 5);
  EXPECT_EQ(bad[2].second, "row 5, cell E5: a value in column 5, right of the 4 columns read");
  EXPECT_EQ(bad[3].first, 6);
  EXPECT_EQ(bad[3].second, "row 6, cell '6A': not a cell reference");
}

TEST(XlsxReader, MalformedSheetXmlIsAFinalErrorNamingThePartAndLine) {
  const std::string bytes = Zip(Workbook("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>\n<row r=\"2\"><c></row>"));
  auto reader = XlsxReader::FromBytes(bytes, "test.xlsx");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Row row;
  Result<bool> first = (*reader)->Next(row);
  ASSERT_TRUE(first.ok());
  Result<bool> second = (*reader)->Next(row);
  ASSERT_FALSE(second.ok());
  ExpectMessage(second.status(), "test.xlsx: xl/worksheets/sheet1.xml: line 2: malformed XML (mismatched tag)");
  EXPECT_FALSE((*reader)->Next(row).ok());  // final: it stays failed
}

TEST(XlsxReader, RefusesADoctypeSoNoEntityExpansion) {
  auto parts = Workbook("");
  parts["xl/worksheets/sheet1.xml"] =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>"
      "<worksheet xmlns=\"" +
      std::string(kMain) +
      "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>";
  auto reader = XlsxReader::FromBytes(Zip(parts), "test.xlsx");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Row row;
  Result<bool> next = (*reader)->Next(row);
  ASSERT_FALSE(next.ok());
  ExpectMessage(next.status(), "xl/worksheets/sheet1.xml: has a DOCTYPE declaration");
}

TEST(XlsxReader, EmptySheetHasNoHeader) {
  auto reader = XlsxReader::FromBytes(Zip(Workbook("<row r=\"1\"/>")), "test.xlsx");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Result<Fields> header = (*reader)->ReadHeader();
  ASSERT_FALSE(header.ok());
  ExpectMessage(header.status(), "test.xlsx: the sheet 'Sheet1' is empty: it has no header row");
}

// --- one interface for CSV and XLSX --------------------------------------------

TEST(Table, OpenTableSniffsTheContentNotTheName) {
  const std::string csv_path = TempPath("table.xlsx");  // a CSV named .xlsx: read as CSV
  std::ofstream(csv_path, std::ios::binary) << "名称,代码\n甲,1\n\n乙,2\n";
  const std::string xlsx_path = TempPath("table.csv");  // a workbook named .csv: read as XLSX
  Result<std::string> bytes =
      XlsxWriter::RenderToBytes("Sheet1", {"名称", "代码"}, {{"甲", "1"}, {"", ""}, {"乙", "2"}});
  ASSERT_TRUE(bytes.ok());
  std::ofstream(xlsx_path, std::ios::binary) << *bytes;

  for (const std::string& path : {csv_path, xlsx_path}) {
    Result<std::unique_ptr<TableReader>> table = OpenTable(path);
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    EXPECT_EQ((*table)->record_noun(), path == csv_path ? "line" : "row");
    Result<Fields> header = (*table)->ReadHeader();
    ASSERT_TRUE(header.ok());
    EXPECT_EQ(*header, (Fields{"名称", "代码"}));
    std::vector<Row> rows = ReadAllRows(**table);
    ASSERT_EQ(rows.size(), 2u) << path;
    ExpectRow(rows[0], 2, {"甲", "1"});
    ExpectRow(rows[1], 4, {"乙", "2"});
  }
  std::remove(csv_path.c_str());
  std::remove(xlsx_path.c_str());
  EXPECT_EQ(OpenTable(TempPath("missing")).status().code(), StatusCode::kNotFound);
}

TEST(Table, ReadTableFromAStream) {
  Result<std::string> bytes = XlsxWriter::RenderToBytes("Sheet1", {"名称"}, {{"甲"}});
  ASSERT_TRUE(bytes.ok());
  std::istringstream xlsx(*bytes);
  Result<std::unique_ptr<TableReader>> table = ReadTable(xlsx, "upload.xlsx");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_TRUE((*table)->ReadHeader().ok());
  std::vector<Row> rows = ReadAllRows(**table);
  ASSERT_EQ(rows.size(), 1u);
  ExpectRow(rows[0], 2, {"甲"});

  // CSV comes back whole, its first bytes included, and shorter than the look ahead.
  for (const std::string text : {"PK,x\n1,2\n", "a\n", ""}) {
    std::istringstream csv(text);
    table = ReadTable(csv);
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    EXPECT_EQ((*table)->record_noun(), "line");
    Result<Fields> header = (*table)->ReadHeader();
    if (text.empty()) {
      EXPECT_FALSE(header.ok());
      continue;
    }
    ASSERT_TRUE(header.ok()) << header.status().ToString();
    EXPECT_EQ((*header)[0], text == "a\n" ? "a" : "PK");
  }

  std::istringstream ole(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "rest");
  ExpectMessage(ReadTable(ole, "upload").status(), "upload: an OLE compound file");
  std::istringstream not_zip(std::string("PK\x03\x04", 4) + "garbage");
  ExpectMessage(ReadTable(not_zip, "upload").status(), "upload: not an XLSX workbook");
}

}  // namespace
}  // namespace tc::io
