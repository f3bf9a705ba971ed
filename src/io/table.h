// Tables for imports, whatever file they came in: the record loop CSV and XLSX share
// (`TableReader`), the header → column mapping with Chinese and English aliases
// (`ColumnMap`), and `OpenTable`/`ReadTable`, which look at the content (a zip → XLSX,
// an OLE file → refused as .xls or encrypted, else CSV) and open the right reader.
//
//   TC_ASSIGN_OR_RETURN(auto table, io::OpenTable(path));  // .csv or .xlsx, by content
//   TC_ASSIGN_OR_RETURN(auto header, table->ReadHeader());
//   TC_ASSIGN_OR_RETURN(auto columns, io::ColumnMap::Build(header, kColumns, {"name"}));
//   io::Row row;
//   TC_RETURN_IF_ERROR(table->ForEach(row, Reject, [&](io::Row& r) { ...; return true; }));
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace tc::io {

// One record. Reuse one Row across Next() calls: its strings keep their capacity.
struct Row {
  // Where the record starts, 1-based, the header being 1: a CSV file's physical line,
  // an XLSX sheet's row number (as Excel shows it at the left).
  int64_t line = 0;
  std::vector<std::string> fields;
};

// A table read record by record. Errors are InvalidArgument whose message starts with
// where ("line 17: …" for CSV, "row 17: …" for XLSX). A record error skips that record
// only (Next() may be called again); any other error is final. Not thread-safe.
class TableReader {
 public:
  virtual ~TableReader() = default;

  // Reads the first record as the header, fields trimmed of spaces (ASCII and U+3000).
  // Call before Next(). InvalidArgument if there is no record at all.
  virtual Result<std::vector<std::string>> ReadHeader() = 0;
  // Reads the next record into `row`; false at the end of the table.
  virtual Result<bool> Next(Row& row) = 0;
  // Reads every remaining record into `row` and calls fn, stopping early when fn
  // returns false. A record error is that record's only: bad(line, message) with the
  // line (row) it names, and reading goes on. A final error ends the loop and is returned.
  Status ForEach(Row& row, const std::function<void(int64_t line, const std::string& message)>& bad,
                 const std::function<bool(Row&)>& fn);

  // Input bytes consumed so far, for progress against the file's size (XLSX: an
  // estimate from how much of the sheet has been read).
  virtual int64_t bytes_read() const = 0;
  // What Row::line counts, for messages: "line" (CSV) or "row" (XLSX).
  virtual std::string_view record_noun() const = 0;

 protected:
  // The record the last Next() refused with a record error; 0 if it succeeded or the
  // error was final.
  virtual int64_t skipped_record() const = 0;
};

// Opens a file as a table by its content: "PK\x03\x04" (or an empty zip) → XlsxReader on
// its first worksheet, else CsvReader. NotFound if it cannot be opened; InvalidArgument
// for an OLE compound file (an old .xls, or an .xlsx saved with a password) and for a
// workbook XlsxReader refuses.
Result<std::unique_ptr<TableReader>> OpenTable(const std::string& path);
// The same for a stream the caller keeps alive while the table is read. It must be
// seekable (a file or a string stream): the first bytes are looked at and read again. A
// workbook is read whole into memory (at most 512 MiB). `name` names it in messages.
Result<std::unique_ptr<TableReader>> ReadTable(std::istream& in, std::string_view name = "the upload");

// True if the bytes start like a zip archive (an XLSX workbook is one).
bool LooksLikeZip(std::string_view head);

// The input without leading and trailing ASCII whitespace and ideographic spaces (U+3000).
std::string_view TrimSpace(std::string_view text);

// A canonical field name and the header texts accepted for it (matched after
// trimming, ASCII case-insensitively; the canonical name itself is always accepted).
struct ColumnSpec {
  std::string name;
  std::vector<std::string> aliases;
};

// Where each canonical column is in a table's header. Unknown header columns are
// ignored. Immutable after Build(); safe to share between threads.
class ColumnMap {
 public:
  // InvalidArgument (with a field error per column) listing the required columns that
  // are missing, with their accepted headers, and columns given more than once.
  static Result<ColumnMap> Build(const std::vector<std::string>& header, const std::vector<ColumnSpec>& spec,
                                 const std::vector<std::string>& required_names);

  // The column's 0-based index, or -1 if the file does not have it.
  int Index(std::string_view canonical) const;
  bool Has(std::string_view canonical) const { return Index(canonical) >= 0; }
  // The row's value for the column; "" when the file lacks it or the row is short.
  // Valid until `row` is next written.
  std::string_view Get(const Row& row, std::string_view canonical) const;

 private:
  std::vector<std::pair<std::string, int>> columns_;  // canonical name → index
};

}  // namespace tc::io
