// Streaming CSV reader for bulk imports (RFC 4180: comma separator, double quotes
// with "" escapes, quoted commas and line breaks, CRLF or LF). Reads in chunks,
// detects UTF-8 (with or without BOM) or GB18030 and yields UTF-8 fields; every
// error names the physical line, so an import can report "line 17".
//
//   TC_ASSIGN_OR_RETURN(auto reader, io::CsvReader::Open(path));
//   TC_ASSIGN_OR_RETURN(auto header, reader->ReadHeader());
//   TC_ASSIGN_OR_RETURN(auto columns, io::ColumnMap::Build(header, kResidentColumns, {"name", "id_number"}));
//   io::Row row;
//   for (;;) {
//     TC_ASSIGN_OR_RETURN(bool more, reader->Next(row));
//     if (!more) break;
//     Import(row.line, columns.Get(row, "name"), columns.Get(row, "id_number"));
//   }
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "io/encoding.h"

namespace tc::io {

// One record. Reuse one Row across Next() calls: its strings keep their capacity.
struct Row {
  int64_t line = 0;  // the 1-based physical line where the record starts (the header is line 1)
  std::vector<std::string> fields;
};

struct CsvOptions {
  // Input bytes read and converted at a time.
  size_t chunk_size = size_t{1} << 20;
  // At least this much of the input is read before the encoding is detected.
  size_t detect_bytes = size_t{64} << 10;
  // The input's encoding; detected when absent.
  std::optional<Encoding> encoding;
};

// Reads records from a stream it does not own (or from a file it opened). Blank lines
// are skipped (and counted). Fields are returned as written: nothing is trimmed.
// Errors: InvalidArgument naming the line for an unterminated quote, invalid text in
// the file's encoding, or a record with more fields than the header (this one only
// skips the record: Next() may be called again); the others are final.
// Not thread-safe.
class CsvReader {
 public:
  explicit CsvReader(std::istream& in, CsvOptions options = {});
  // NotFound if the file cannot be opened.
  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path, CsvOptions options = {});
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;
  ~CsvReader();

  // Reads the first record as the header: fields trimmed of spaces (ASCII and U+3000).
  // Later records may not have more fields than it. Call before Next().
  // InvalidArgument if the input is empty.
  Result<std::vector<std::string>> ReadHeader();
  // Reads the next record into `row`; false at the end of the input.
  Result<bool> Next(Row& row);
  // Reads every remaining record into `row` and calls fn, stopping early when fn
  // returns false. A record with more fields than the header is that line's error
  // only: bad(line, message), and reading goes on. Any other read error ends the
  // loop and is returned.
  Status ForEach(Row& row, const std::function<void(int64_t line, const std::string& message)>& bad,
                 const std::function<bool(Row&)>& fn);

  // Input bytes consumed so far, for progress against the file size.
  int64_t bytes_read() const { return bytes_read_; }
  // The given or detected encoding; known once the first record has been read.
  Encoding encoding() const { return encoding_; }

 private:
  enum class FieldEnd { kComma, kRecordEnd, kEndOfInput, kUnterminatedQuote };

  // True if unread text is buffered, reading more input if needed.
  bool Fill() { return pos_ < buf_.size() || Refill(); }
  bool Refill();
  void ReadRaw();
  // Appends the next field to `field` and says what ended it.
  FieldEnd ReadField(std::string& field);
  // At the end of the buffered text: a held input error becomes the final status.
  bool InputFailed();

  std::unique_ptr<std::istream> owned_;  // set by Open()
  std::istream* in_;
  CsvOptions options_;
  Encoding encoding_ = Encoding::kUtf8;
  std::optional<Utf8Converter> converter_;  // created with the first read
  std::string raw_;                         // input bytes read, not yet all converted
  size_t raw_pos_ = 0;
  bool eof_ = false;
  std::string buf_;  // UTF-8 text not yet parsed from pos_
  size_t pos_ = 0;
  int64_t bytes_read_ = 0;
  int64_t line_ = 1;       // the physical line at pos_
  size_t max_fields_ = 0;  // the header's field count; 0 before ReadHeader()
  Status input_error_;     // an error after the text in buf_; reported once it is parsed
  Status status_;          // a final error
};

// The input without leading and trailing ASCII whitespace and ideographic spaces (U+3000).
std::string_view TrimSpace(std::string_view text);

// A canonical field name and the header texts accepted for it (matched after
// trimming, ASCII case-insensitively; the canonical name itself is always accepted).
struct ColumnSpec {
  std::string name;
  std::vector<std::string> aliases;
};

// Where each canonical column is in a file's header. Unknown header columns are
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
