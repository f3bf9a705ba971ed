// Reads one worksheet of an Excel workbook (.xlsx, Office Open XML SpreadsheetML) as
// rows of UTF-8 text, streaming: the sheet's XML is inflated and parsed a chunk at a
// time and handed out a row at a time (only the shared strings and the styles' number
// formats are held in memory). Cells are text as Excel shows them: shared, inline and
// formula strings; numbers without float noise (NumberText in internal/xlsx_cells.h:
// 1.38E10 → "13800000000", 18-digit integers with their digits as stored); dates
// (a date number format) as "YYYY-MM-DD" ("YYYY-MM-DD HH:MM:SS" / "HH:MM:SS" for
// date-time and time formats); booleans "TRUE"/"FALSE"; errors as their text ("#N/A").
// Row::line is the sheet's row number; empty rows are skipped; a missing cell is "".
//
//   TC_ASSIGN_OR_RETURN(auto xlsx, io::XlsxReader::Open("企业名录.xlsx"));
//   TC_ASSIGN_OR_RETURN(auto header, xlsx->ReadHeader());
//   io::Row row;
//   TC_RETURN_IF_ERROR(xlsx->ForEach(row, Reject, [&](io::Row& r) { ...; return true; }));
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "io/table.h"

namespace tc::io {

struct XlsxOptions {
  // The worksheet to read, by its tab name; empty: the first worksheet in tab order.
  std::string sheet;
  // A part (the sheet, the shared strings, …) larger than this uncompressed is refused.
  int64_t max_part_bytes = int64_t{512} << 20;
  // A part inflating more than this many times its compressed size is refused as a
  // zip bomb once it is over min_bomb_bytes (real sheets compress 5–50 times).
  int64_t max_ratio = 200;
  int64_t min_bomb_bytes = int64_t{16} << 20;
  // A cell with a value right of this many columns is its row's error.
  int max_columns = 1024;
  // Inflated bytes parsed at a time.
  size_t chunk_size = size_t{64} << 10;
};

// Errors name the workbook (the path, or the name given), the part and the row:
// InvalidArgument for what is not a readable workbook (not a zip, truncated, no
// worksheet or not the one named, encrypted, a part over the limits, malformed XML)
// and for a row's own problem (too many columns, a bad cell reference or shared
// string index, a control character other than tab, CR and LF), which skips that row
// only (see TableReader). Not thread-safe.
class XlsxReader final : public TableReader {
 public:
  // NotFound if the file cannot be opened.
  static Result<std::unique_ptr<XlsxReader>> Open(const std::string& path, XlsxOptions options = {});
  // A workbook held in memory; `name` names it in messages.
  static Result<std::unique_ptr<XlsxReader>> FromBytes(std::string bytes, std::string_view name,
                                                       XlsxOptions options = {});
  ~XlsxReader() override;
  XlsxReader(const XlsxReader&) = delete;
  XlsxReader& operator=(const XlsxReader&) = delete;

  // The first non-empty row, fields trimmed of spaces (ASCII and U+3000).
  Result<std::vector<std::string>> ReadHeader() override;
  Result<bool> Next(Row& row) override;
  int64_t bytes_read() const override;
  std::string_view record_noun() const override { return "row"; }

  // The tab name of the sheet being read.
  const std::string& sheet_name() const;
  // Every worksheet's tab name, in tab order.
  const std::vector<std::string>& sheet_names() const;

 protected:
  int64_t skipped_record() const override;

 private:
  struct Impl;
  explicit XlsxReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tc::io
