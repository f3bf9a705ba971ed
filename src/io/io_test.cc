#include <gtest/gtest.h>
#include <iconv.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "io/csv.h"
#include "io/csv_writer.h"
#include "io/encoding.h"
#include "io/xlsx_writer.h"

namespace tc::io {
namespace {

// UTF-8 → GB18030 with the C library, to build GBK files as Excel writes them.
std::string ToGb18030(std::string_view utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2 + 8, '\0');
  char* in_ptr = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  EXPECT_NE(iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left), static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

// Every record of `text`, read with the given options; fails the test on an error.
std::vector<Row> ReadAll(const std::string& text, CsvOptions options = {}) {
  std::istringstream in(text);
  CsvReader reader(in, options);
  std::vector<Row> rows;
  Row row;
  for (;;) {
    Result<bool> more = reader.Next(row);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    rows.push_back(row);
  }
  EXPECT_EQ(reader.bytes_read(), static_cast<int64_t>(text.size()));
  return rows;
}

// The first error reading `text` (after its header), or OK.
Status FirstError(const std::string& text, CsvOptions options = {}) {
  std::istringstream in(text);
  CsvReader reader(in, options);
  Result<std::vector<std::string>> header = reader.ReadHeader();
  if (!header.ok()) return header.status();
  Row row;
  for (;;) {
    Result<bool> more = reader.Next(row);
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
  }
}

using Fields = std::vector<std::string>;

TEST(Encoding, DetectsWhatExcelWrites) {
  EXPECT_EQ(DetectEncoding("\xEF\xBB\xBF"
                           "name,id\r\n"),
            Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding("姓名,身份证号\r\n张三,1\r\n"), Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding("name,id\r\n"), Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding(""), Encoding::kUtf8);
  // GBK as hard-coded bytes: 姓名 = D0D5 C3FB, 张三 = D5C5 C8FD.
  EXPECT_EQ(DetectEncoding("\xD0\xD5\xC3\xFB,id\r\n\xD5\xC5\xC8\xFD,1\r\n"), Encoding::kGb18030);
  EXPECT_EQ(DetectEncoding(ToGb18030("姓名,身份证号\r\n张三,110101199003071234\r\n")), Encoding::kGb18030);
  // A sample cut inside its last character is still UTF-8.
  const std::string utf8 = "姓名,身份证号";
  for (size_t cut = 1; cut <= utf8.size(); ++cut) {
    EXPECT_EQ(DetectEncoding(std::string_view(utf8).substr(0, cut)), Encoding::kUtf8) << cut;
  }
}

TEST(Encoding, ValidatesUtf8Strictly) {
  EXPECT_TRUE(IsValidUtf8("plain ascii text, long enough for the fast path"));
  EXPECT_TRUE(IsValidUtf8("张三 😀 €"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE5\xBC"));          // cut short
  EXPECT_FALSE(IsValidUtf8("abc\x80"));
}

// Decodes one line with a fresh decoder; the error message, or the text.
Result<std::string> DecodeLine(std::string_view line, Encoding e, int64_t offset = 0) {
  Result<LineDecoder> decoder = LineDecoder::Create(e);
  if (!decoder.ok()) return decoder.status();
  std::string out = "kept:";
  TC_RETURN_IF_ERROR(decoder->Decode(line, offset, out));
  return out;
}

TEST(Encoding, DecodesGbkAndUtf8Lines) {
  EXPECT_EQ(ToGb18030("姓名"), "\xD0\xD5\xC3\xFB");  // the helper makes real GBK
  EXPECT_EQ(DecodeLine("\xD0\xD5\xC3\xFB,id", Encoding::kGb18030).value(), "kept:姓名,id");
  EXPECT_EQ(DecodeLine(ToGb18030("张三😀,X"), Encoding::kGb18030).value(), "kept:张三😀,X");  // a four-byte one too
  EXPECT_EQ(DecodeLine("张三😀,X", Encoding::kUtf8).value(), "kept:张三😀,X");
  EXPECT_EQ(DecodeLine("", Encoding::kGb18030).value(), "kept:");
  // One decoder, many lines: a refused line leaves no state behind.
  auto decoder = LineDecoder::Create(Encoding::kGb18030);
  ASSERT_TRUE(decoder.ok());
  std::string out;
  ASSERT_TRUE(decoder->Decode("\xD0\xD5", 0, out).ok());
  EXPECT_FALSE(decoder->Decode("a\xD0", 2, out).ok());  // ends inside a character
  EXPECT_EQ(out, "姓");                                    // nothing appended for it
  ASSERT_TRUE(decoder->Decode("\xC3\xFB", 4, out).ok());
  EXPECT_EQ(out, "姓名");
}

TEST(Encoding, NamesTheOffsetOfInvalidBytes) {
  Result<std::string> bad = DecodeLine("ab\xD0\xD5\xFF\x20", Encoding::kGb18030, 100);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("byte offset 104"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("0xFF"), std::string::npos) << bad.status().message();

  bad = DecodeLine("abc\xE5\x20", Encoding::kUtf8);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("byte offset 3"), std::string::npos) << bad.status().message();

  bad = DecodeLine("ab\xD0", Encoding::kGb18030, 10);  // the line ends inside a character
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("byte offset 12"), std::string::npos) << bad.status().message();
  bad = DecodeLine("ab\xE5\xBC", Encoding::kUtf8, 10);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("byte offset 12"), std::string::npos) << bad.status().message();
}

const char kQuotedCsv[] =
    "name,note,phone\r\n"            // line 1
    "张三,\"a,b\",13800000000\r\n"   // line 2
    "李四,\"two\r\nlines\",\r\n"     // lines 3-4
    "王五,\"say \"\"hi\"\"\",1\r\n"  // line 5
    "\r\n"                           // line 6: blank, skipped
    "赵六,\"  spaces kept  \"\r\n"   // line 7: fewer fields than the header
    "\"\",\"\n\",x";                 // lines 8-9, no final line break

void ExpectQuotedRows(const std::vector<Row>& rows, const std::string& context) {
  ASSERT_EQ(rows.size(), 6u) << context;
  EXPECT_EQ(rows[0].line, 1) << context;
  EXPECT_EQ(rows[0].fields, (Fields{"name", "note", "phone"})) << context;
  EXPECT_EQ(rows[1].line, 2) << context;
  EXPECT_EQ(rows[1].fields, (Fields{"张三", "a,b", "13800000000"})) << context;
  EXPECT_EQ(rows[2].line, 3) << context;
  EXPECT_EQ(rows[2].fields, (Fields{"李四", "two\r\nlines", ""})) << context;
  EXPECT_EQ(rows[3].line, 5) << context;
  EXPECT_EQ(rows[3].fields, (Fields{"王五", "say \"hi\"", "1"})) << context;
  EXPECT_EQ(rows[4].line, 7) << context;
  EXPECT_EQ(rows[4].fields, (Fields{"赵六", "  spaces kept  "})) << context;
  EXPECT_EQ(rows[5].line, 8) << context;
  EXPECT_EQ(rows[5].fields, (Fields{"", "\n", "x"})) << context;
}

TEST(Csv, ParsesQuotedFieldsAndCountsLines) {
  ExpectQuotedRows(ReadAll(kQuotedCsv), "default");
  ExpectQuotedRows(ReadAll("\xEF\xBB\xBF" + std::string(kQuotedCsv)), "BOM");
  // The same text cut into small chunks, so that every quote, CRLF and character
  // straddles a chunk boundary somewhere.
  for (size_t chunk = 1; chunk <= 9; ++chunk) {
    ExpectQuotedRows(ReadAll(kQuotedCsv, {.chunk_size = chunk}), "chunk " + std::to_string(chunk));
    ExpectQuotedRows(ReadAll("\xEF\xBB\xBF" + std::string(kQuotedCsv), {.chunk_size = chunk, .detect_bytes = 1}),
                     "BOM, chunk " + std::to_string(chunk));
  }
}

TEST(Csv, AcceptsLfAndTrailingBlankLines) {
  std::vector<Row> rows = ReadAll("a,b\n1,2\n3,\n\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2].line, 3);
  EXPECT_EQ(rows[2].fields, (Fields{"3", ""}));
  rows = ReadAll("a,b\r\n1,2\r\n\r\n");
  ASSERT_EQ(rows.size(), 2u);
  rows = ReadAll("a,b\r\n1,");  // an empty last field at the end of the input
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields, (Fields{"1", ""}));
  EXPECT_TRUE(ReadAll("").empty());
}

TEST(Csv, ReadsGbkInSmallChunks) {
  const std::string gb = ToGb18030("姓名,身份证号\r\n张三,110101199003071234\r\n\"李,四\",\"X\r\nY\"\r\n");
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{1} << 20}) {
    std::istringstream in(gb);
    CsvReader reader(in, {.chunk_size = chunk});
    Result<std::vector<std::string>> header = reader.ReadHeader();
    ASSERT_TRUE(header.ok()) << header.status().ToString();
    EXPECT_EQ(reader.encoding(), Encoding::kGb18030);
    EXPECT_EQ(*header, (Fields{"姓名", "身份证号"}));
    Row row;
    ASSERT_TRUE(reader.Next(row).value());
    EXPECT_EQ(row.fields, (Fields{"张三", "110101199003071234"}));
    ASSERT_TRUE(reader.Next(row).value());
    EXPECT_EQ(row.line, 3);
    EXPECT_EQ(row.fields, (Fields{"李,四", "X\r\nY"}));
    EXPECT_FALSE(reader.Next(row).value());
    EXPECT_EQ(reader.bytes_read(), static_cast<int64_t>(gb.size()));
  }
}

TEST(Csv, GivenEncodingOverridesDetection) {
  // Detected from a one-byte sample this would be taken for UTF-8.
  const std::string gb = ToGb18030("姓名\r\n张三\r\n");
  std::vector<Row> rows = ReadAll(gb, {.chunk_size = 1, .detect_bytes = 1, .encoding = Encoding::kGb18030});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields, (Fields{"张三"}));
}

TEST(Csv, UnterminatedQuoteNamesItsLine) {
  Status s = FirstError("a,b\r\n1,2\r\n3,\"open\r\n4,5\r\n6,7\r\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("line 3"), std::string::npos) << s.message();
  s = FirstError("a,b\r\n1,2\r\n3,\"open", {.chunk_size = 2});
  EXPECT_NE(s.message().find("line 3"), std::string::npos) << s.message();
}

TEST(Csv, TooManyFieldsNamesTheLineAndSkipsTheRecord) {
  std::istringstream in("name,address\r\n张三,北京市\r\n李四,北京市,朝阳区\r\n王五\r\n");
  CsvReader reader(in);
  ASSERT_TRUE(reader.ReadHeader().ok());
  Row row;
  ASSERT_TRUE(reader.Next(row).value());
  Result<bool> more = reader.Next(row);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(more.status().message().find("line 3"), std::string::npos) << more.status().message();
  // Fewer fields than the header are the caller's business.
  ASSERT_TRUE(reader.Next(row).value());
  EXPECT_EQ(row.line, 4);
  EXPECT_EQ(row.fields, (Fields{"王五"}));
  EXPECT_FALSE(reader.Next(row).value());
}

TEST(Csv, ForEachReportsWideLinesGoesOnAndStopsWhenAsked) {
  std::istringstream in("name,address\r\n张三,北京市\r\n李四,北京市,朝阳区\r\n王五\r\n赵六,长春市\r\n");
  CsvReader reader(in);
  ASSERT_TRUE(reader.ReadHeader().ok());
  Row row;
  std::vector<int64_t> bad_lines, good_lines;
  std::string message;
  Status s = reader.ForEach(
      row,
      [&](int64_t line, const std::string& m) {
        bad_lines.push_back(line);
        message = m;
      },
      [&](Row& r) {
        good_lines.push_back(r.line);
        return r.line < 4;  // stop after line 4
      });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(bad_lines, (std::vector<int64_t>{3}));
  EXPECT_NE(message.find("line 3"), std::string::npos) << message;
  EXPECT_EQ(good_lines, (std::vector<int64_t>{2, 4}));
  // The rest is still there for the next call.
  ASSERT_TRUE(reader.Next(row).value());
  EXPECT_EQ(row.line, 5);
}

TEST(Csv, ForEachReturnsAnErrorThatEndsTheInput) {
  std::istringstream in("a,b\n1,2\n\"open,3\n");
  CsvReader reader(in);
  ASSERT_TRUE(reader.ReadHeader().ok());
  Row row;
  int good = 0, bad = 0;
  Status s = reader.ForEach(
      row, [&](int64_t, const std::string&) { ++bad; },
      [&](Row&) {
        ++good;
        return true;
      });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(good, 1);
  EXPECT_EQ(bad, 0);
}

TEST(Csv, InvalidTextNamesItsLineAndSkipsOnlyThatRecord) {
  std::string text = "name\r\nok\r\n" + ToGb18030("张三") + "\r\n\xFF\r\nlast\r\n";  // GBK, then a byte no encoding has
  for (size_t chunk : {size_t{1}, size_t{4}, size_t{1} << 20}) {
    std::istringstream in(text);
    CsvReader reader(in, {.chunk_size = chunk, .detect_bytes = 1, .encoding = Encoding::kGb18030});
    ASSERT_TRUE(reader.ReadHeader().ok());
    Row row;
    ASSERT_TRUE(reader.Next(row).value());
    ASSERT_TRUE(reader.Next(row).value()) << chunk;
    EXPECT_EQ(row.fields, (Fields{"张三"}));
    Result<bool> more = reader.Next(row);
    ASSERT_FALSE(more.ok());
    EXPECT_NE(more.status().message().find("line 4"), std::string::npos) << more.status().message();
    EXPECT_NE(more.status().message().find("byte offset 16"), std::string::npos) << more.status().message();
    ASSERT_TRUE(reader.Next(row).value());  // the next record is unaffected
    EXPECT_EQ(row.line, 5);
    EXPECT_EQ(row.fields, (Fields{"last"}));
    EXPECT_FALSE(reader.Next(row).value());
  }
  // The input ends inside a character: the last line's error.
  Status s = FirstError("name\n" + ToGb18030("张三").substr(0, 3), {.encoding = Encoding::kGb18030});
  EXPECT_NE(s.message().find("line 2: the line ends inside a GB18030 character"), std::string::npos) << s.message();
  s = FirstError(
      "\xFF\xFE"
      "n\0a\0",
      {});
  EXPECT_NE(s.message().find("UTF-16"), std::string::npos) << s.message();
}

// Every record error (line → message) and good record (line → fields) of `text`.
struct Outcome {
  Encoding encoding;
  std::map<int64_t, std::string> errors;
  std::map<int64_t, Fields> rows;
};
Outcome ReadOutcome(const std::string& text, CsvOptions options = {}) {
  std::istringstream in(text);
  CsvReader reader(in, options);
  Outcome outcome{};
  Result<std::vector<std::string>> header = reader.ReadHeader();
  EXPECT_TRUE(header.ok()) << header.status().ToString();
  if (!header.ok()) return outcome;
  outcome.rows[1] = *header;
  Row row;
  Status s = reader.ForEach(
      row, [&](int64_t line, const std::string& message) { outcome.errors[line] = message; },
      [&](Row& r) {
        outcome.rows[r.line] = r.fields;
        return true;
      });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(reader.bytes_read(), static_cast<int64_t>(text.size()));
  outcome.encoding = reader.encoding();
  return outcome;
}

// Issue 14: a UTF-8 header, one GBK line and one UTF-8 line were read whole as GBK
// (the encoding was detected once for the file), storing 赵己 as 璧靛繁.
TEST(Csv, GbkLineInAUtf8FileIsRejectedNotStoredAsMojibake) {
  const std::string text = "姓名,身份证号\r\n" + ToGb18030("张三") + ",1\r\n赵己,2\r\n";
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{7}, size_t{1} << 20}) {
    const Outcome o = ReadOutcome(text, {.chunk_size = chunk});
    EXPECT_EQ(o.encoding, Encoding::kUtf8);
    ASSERT_EQ(o.errors.size(), 1u) << chunk;
    const std::string& message = o.errors.begin()->second;
    EXPECT_EQ(o.errors.begin()->first, 2);
    EXPECT_TRUE(message.starts_with("line 2: not valid UTF-8 text at byte offset 21 (0xD5 0xC5 0xC8 0xFD)")) << message;
    EXPECT_NE(message.find("the file is UTF-8 but this line is not"), std::string::npos) << message;
    EXPECT_EQ(o.rows, (std::map<int64_t, Fields>{{1, {"姓名", "身份证号"}}, {3, {"赵己", "2"}}})) << chunk;
  }
}

TEST(Csv, Utf8LineInAGbkFileIsRejectedNotStoredAsMojibake) {
  const std::string text = ToGb18030("姓名,身份证号\r\n张三,1\r\n") + "赵己,2\r\n" + ToGb18030("李四,3\r\n");
  for (size_t chunk : {size_t{1}, size_t{5}, size_t{1} << 20}) {
    const Outcome o = ReadOutcome(text, {.chunk_size = chunk});
    EXPECT_EQ(o.encoding, Encoding::kGb18030);
    ASSERT_EQ(o.errors.size(), 1u) << chunk;
    EXPECT_EQ(o.errors.begin()->first, 3);
    EXPECT_EQ(o.errors.begin()->second,
              "line 3: this line is UTF-8 text but the file is GB18030 (GBK); save the whole file in one encoding "
              "(UTF-8 is best)");
    EXPECT_EQ(o.rows, (std::map<int64_t, Fields>{{1, {"姓名", "身份证号"}}, {2, {"张三", "1"}}, {4, {"李四", "3"}}}));
  }
  // GBK that happens to be valid UTF-8 of two-byte characters (魏巍 = CE BA CE A1 = "κΡ") is read as GBK.
  ASSERT_EQ(ToGb18030("魏巍"), "\xCE\xBA\xCE\xA1");
  ASSERT_EQ(ClassifyLine("\xCE\xBA\xCE\xA1"), LineBytes::kUtf8Narrow);
  const Outcome o = ReadOutcome(ToGb18030("姓名\r\n魏巍\r\n"));
  EXPECT_TRUE(o.errors.empty());
  EXPECT_EQ(o.rows.at(2), (Fields{"魏巍"}));
}

TEST(Encoding, MixedSampleIsWhatMostOfItsLinesAre) {
  const std::string utf8_line = "赵己,2\n";
  const std::string gbk_line = ToGb18030("张三,1\n");
  EXPECT_EQ(ClassifyLine("name,1"), LineBytes::kAscii);
  EXPECT_EQ(ClassifyLine("赵己"), LineBytes::kUtf8Wide);
  EXPECT_EQ(ClassifyLine("\xE8\xB5"), LineBytes::kUtf8Wide);  // cut inside a three-byte character
  EXPECT_EQ(ClassifyLine("José"), LineBytes::kUtf8Narrow);
  EXPECT_EQ(ClassifyLine(gbk_line), LineBytes::kNotUtf8);
  EXPECT_EQ(DetectEncoding("姓名\n" + gbk_line + utf8_line), Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding("name\n" + gbk_line + utf8_line), Encoding::kUtf8);  // a tie goes to UTF-8
  EXPECT_EQ(DetectEncoding("name\n" + gbk_line + utf8_line + gbk_line), Encoding::kGb18030);
  EXPECT_EQ(DetectEncoding("\xEF\xBB\xBF"
                           "name\n" +
                           gbk_line + gbk_line),
            Encoding::kUtf8);  // a BOM decides
  // GBK lines valid as two-byte UTF-8 do not vote.
  EXPECT_EQ(DetectEncoding("name\n\xCE\xBA\xCE\xA1\n\xCE\xBA\xCE\xA1\n" + gbk_line), Encoding::kGb18030);
}

// Issue 14: a NUL byte went through CSV into the store (JSON refuses it).
TEST(Csv, NulAndControlCharactersInAFieldAreRejectedWithLineAndColumn) {
  std::string text = "姓名,备注\r\n张三,a\tb\r\n李四,x";
  text += '\0';
  text += "y\r\n王五,\"two\r\nlines\x1B\"\r\n赵六,ok\r\n";
  for (size_t chunk : {size_t{1}, size_t{1} << 20}) {
    const Outcome o = ReadOutcome(text, {.chunk_size = chunk});
    EXPECT_EQ(o.errors,
              (std::map<int64_t, std::string>{
                  {3, "line 3, column 2 (备注): a control character (0x00, NUL) in the field; only tab, CR and LF "
                      "may appear in text"},
                  {5, "line 5, column 2 (备注): a control character (0x1B) in the field; only tab, CR and LF may "
                      "appear in text"}}));
    EXPECT_EQ(o.rows, (std::map<int64_t, Fields>{{1, {"姓名", "备注"}}, {2, {"张三", "a\tb"}}, {6, {"赵六", "ok"}}}));
  }
  // In the header: no names yet, and the error is the header's.
  std::istringstream in(std::string("a,b\x01\n1,2\n"));
  CsvReader reader(in);
  Result<std::vector<std::string>> header = reader.ReadHeader();
  ASSERT_FALSE(header.ok());
  EXPECT_TRUE(header.status().message().starts_with("line 1, column 2: a control character (0x01)"))
      << header.status().message();
}

TEST(Csv, HeaderIsTrimmedAndRequired) {
  std::istringstream in("\xEF\xBB\xBF  姓名 ,\xE3\x80\x80身份证号\xE3\x80\x80,\" Phone\t\"\r\n");
  CsvReader reader(in);
  Result<std::vector<std::string>> header = reader.ReadHeader();
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(*header, (Fields{"姓名", "身份证号", "Phone"}));

  std::istringstream empty("\r\n\r\n");
  CsvReader empty_reader(empty);
  header = empty_reader.ReadHeader();
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TrimSpace("\xE3\x80\x80 a b \xE3\x80\x80\t"), "a b");
}

TEST(Csv, OpensFilesAndReportsMissingOnes) {
  Result<std::unique_ptr<CsvReader>> missing = CsvReader::Open("/nonexistent/residents.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);

  const std::string path = (std::filesystem::temp_directory_path() / "tc_io_test_open.csv").string();
  std::ofstream(path, std::ios::binary) << ToGb18030("姓名\r\n张三\r\n");
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::Open(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->ReadHeader().value(), (Fields{"姓名"}));
  Row row;
  ASSERT_TRUE((*reader)->Next(row).value());
  EXPECT_EQ(row.fields, (Fields{"张三"}));
  std::remove(path.c_str());
}

const std::vector<ColumnSpec> kResidentColumns = {
    {"name", {"姓名"}},
    {"id_number", {"身份证号", "身份证号码", "公民身份号码"}},
    {"phone", {"phone_number", "手机号", "联系电话"}},
};

TEST(ColumnMap, MapsChineseAndEnglishAliases) {
  Result<ColumnMap> map =
      ColumnMap::Build({"序号", " 公民身份号码 ", "NAME", ""}, kResidentColumns, {"name", "id_number"});
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->Index("name"), 2);
  EXPECT_EQ(map->Index("id_number"), 1);
  EXPECT_FALSE(map->Has("phone"));
  Row row{.line = 2, .fields = {"1", "110101199003071234", "张三"}};
  EXPECT_EQ(map->Get(row, "name"), "张三");
  EXPECT_EQ(map->Get(row, "id_number"), "110101199003071234");
  EXPECT_EQ(map->Get(row, "phone"), "");
  row.fields.resize(2);  // a short row
  EXPECT_EQ(map->Get(row, "name"), "");

  map = ColumnMap::Build({"姓名", "Phone_Number"}, kResidentColumns, {"name"});
  ASSERT_TRUE(map.ok());
  EXPECT_EQ(map->Index("phone"), 1);
}

TEST(ColumnMap, NamesMissingAndDuplicateColumns) {
  Result<ColumnMap> map = ColumnMap::Build({"姓名", "手机号"}, kResidentColumns, {"name", "id_number"});
  ASSERT_FALSE(map.ok());
  EXPECT_EQ(map.status().code(), StatusCode::kInvalidArgument);
  const std::string& message = map.status().message();
  EXPECT_NE(message.find("id_number"), std::string::npos) << message;
  EXPECT_NE(message.find("身份证号码"), std::string::npos) << message;
  EXPECT_EQ(message.find("name ("), std::string::npos) << message;  // present, so not listed
  ASSERT_EQ(map.status().field_errors().size(), 1u);
  EXPECT_EQ(map.status().field_errors()[0].field, "id_number");

  map = ColumnMap::Build({"姓名", "身份证号", "name"}, kResidentColumns, {"name"});
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.status().message().find("columns 1 (姓名) and 3 (name)"), std::string::npos) << map.status().message();
}

TEST(CsvWriter, QuotesAndGuardsAgainstFormulas) {
  std::ostringstream out;
  CsvWriter writer(out);
  ASSERT_TRUE(writer.WriteRow({"姓名", "备注", "金额"}).ok());
  ASSERT_TRUE(writer.WriteRow({"张三", "a,b", "-12.5"}).ok());
  ASSERT_TRUE(writer.WriteRow({"say \"hi\"", "two\nlines", "+8613800000000"}).ok());
  ASSERT_TRUE(writer.WriteRow({"=1+2", "@SUM(A1)", "-"}).ok());
  ASSERT_TRUE(writer.WriteRow({"=HYPERLINK(\"x\",\"y\")", "", "1e5"}).ok());
  EXPECT_EQ(out.str(),
            "\xEF\xBB\xBF"
            "姓名,备注,金额\r\n"
            "张三,\"a,b\",-12.5\r\n"
            "\"say \"\"hi\"\"\",\"two\nlines\",+8613800000000\r\n"
            "'=1+2,'@SUM(A1),'-\r\n"
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\",,1e5\r\n");

  std::ostringstream plain;
  CsvWriter no_bom(plain, /*write_bom=*/false);
  ASSERT_TRUE(no_bom.WriteRow({"a"}).ok());
  EXPECT_EQ(plain.str(), "a\r\n");

  EXPECT_TRUE(IsPlainNumber("12"));
  EXPECT_TRUE(IsPlainNumber("-.5"));
  EXPECT_TRUE(IsPlainNumber("-1.5E-3"));
  EXPECT_FALSE(IsPlainNumber("-"));
  EXPECT_FALSE(IsPlainNumber("-1-2"));
  EXPECT_FALSE(IsPlainNumber("1e"));
}

TEST(CsvWriter, RoundTripsThroughTheReader) {
  const std::vector<Fields> rows = {{"姓名", "备注"}, {"张三", "a,\"b\"\r\nc"}, {"", "x"}};
  std::ostringstream out;
  CsvWriter writer(out);
  for (const Fields& r : rows) ASSERT_TRUE(writer.WriteRow(r).ok());
  std::vector<Row> read = ReadAll(out.str());
  ASSERT_EQ(read.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(read[i].fields, rows[i]);
  EXPECT_EQ(read[2].line, 4);
}

TEST(Xlsx, WritesAZipWorkbook) {
  Result<std::string> bytes =
      XlsxWriter::RenderToBytes("居民名单", {"姓名", "身份证号"}, {{"张三", "110101199003071234"}, {"李四", ""}});
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_TRUE(bytes->starts_with("PK\x03\x04"));
  EXPECT_GT(bytes->size(), 2000u);
  // Zip entry names are stored uncompressed in the local and central headers.
  EXPECT_NE(bytes->find("xl/worksheets/sheet1.xml"), std::string::npos);
  EXPECT_NE(bytes->find("xl/styles.xml"), std::string::npos);
}

// The sheet's XML of a workbook, through `unzip -p`.
std::string SheetXml(const std::string& workbook) {
  const std::string path = std::filesystem::temp_directory_path() / ("tc-io-test-" + std::to_string(::getpid()) + ".xlsx");
  std::ofstream(path, std::ios::binary) << workbook;
  std::string xml;
  if (std::FILE* pipe = ::popen(("unzip -p '" + path + "' xl/worksheets/sheet1.xml").c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) xml.append(buf, n);
    EXPECT_EQ(::pclose(pipe), 0) << "unzip failed (is it installed? make deps-test)";
  }
  std::remove(path.c_str());
  return xml;
}

// Issue 14: libxlsxwriter takes C strings, so a NUL cut the rest of the cell off.
TEST(Xlsx, NulInACellIsReplacedNotTruncatingTheText) {
  const std::string nul_text("前\0后 and the rest", 20);
  Result<std::string> bytes = XlsxWriter::RenderToBytes("名单", {"备注"}, {{nul_text}, {"x\x01y"}});
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  const std::string xml = SheetXml(*bytes);
  ASSERT_NE(xml.find("备注"), std::string::npos) << xml;
  EXPECT_NE(xml.find("前\xEF\xBF\xBD后 and the rest"), std::string::npos) << xml;
  EXPECT_NE(xml.find("x_x0001_y"), std::string::npos) << xml;  // escaped by libxlsxwriter, as Excel reads it
}

TEST(Xlsx, RefusesBadSheetNamesAndPaths) {
  const std::string path = (std::filesystem::temp_directory_path() / "tc_io_test_bad.xlsx").string();
  Result<std::unique_ptr<XlsxWriter>> writer = XlsxWriter::Create(path, "a/b");
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(path));
  writer = XlsxWriter::Create(path, std::string(32, 'x'));
  EXPECT_EQ(writer.status().code(), StatusCode::kInvalidArgument);
  writer = XlsxWriter::Create(path, "");
  EXPECT_EQ(writer.status().code(), StatusCode::kInvalidArgument);
  writer = XlsxWriter::Create("/nonexistent/dir/out.xlsx", "Sheet1");
  EXPECT_EQ(writer.status().code(), StatusCode::kInternal);

  // A writer dropped without Close() leaves no file behind.
  writer = XlsxWriter::Create(path, "Sheet1");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->WriteRow({"a"}).ok());
  writer = NotFound("dropped");
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Xlsx, RefusesOverlongCells) {
  const std::string path = (std::filesystem::temp_directory_path() / "tc_io_test_long.xlsx").string();
  Result<std::unique_ptr<XlsxWriter>> writer = XlsxWriter::Create(path, "Sheet1");
  ASSERT_TRUE(writer.ok());
  Status s = (*writer)->WriteRow({"ok", std::string(40000, 'x')});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("row 1 column 2"), std::string::npos) << s.message();
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_TRUE(std::filesystem::exists(path));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace tc::io
