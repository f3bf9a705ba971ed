// Streaming CSV reader for bulk imports (RFC 4180: comma separator, double quotes
// with "" escapes, quoted commas and line breaks, CRLF or LF). Reads in chunks,
// detects UTF-8 (with or without BOM) or GB18030 and yields UTF-8 fields; every
// error names the physical line, so an import can report "line 17". Each line is
// decoded on its own (see LineDecoder): a line in another encoding than the file's,
// or a field with a control character, is that record's error only.
//
//   TC_ASSIGN_OR_RETURN(auto reader, io::CsvReader::Open(path));
//   TC_ASSIGN_OR_RETURN(auto header, reader->ReadHeader());
//   TC_ASSIGN_OR_RETURN(auto columns, io::ColumnMap::Build(header, kResidentColumns, {"name", "id_number"}));
//   io::Row row;
//   TC_RETURN_IF_ERROR(reader->ForEach(row, Reject, [&](io::Row& r) {
//     Import(r.line, columns.Get(r, "name"), columns.Get(r, "id_number"));
//     return true;
//   }));
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
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
#include "io/table.h"

namespace tc::io {

struct CsvOptions {
  // Input bytes read and converted at a time.
  size_t chunk_size = size_t{1} << 20;
  // At least this much of the input is read before the encoding is detected
  // (DetectEncoding: a BOM, else what most of these lines are).
  size_t detect_bytes = size_t{64} << 10;
  // The input's encoding; detected when absent. Lines are checked against it either way.
  std::optional<Encoding> encoding;
};

// Reads records from a stream it does not own (or from a file it opened). Blank lines
// are skipped (and counted). Fields are returned as written: nothing is trimmed.
// Errors are InvalidArgument naming the line. Record errors only skip that record
// (Next() may be called again): a line that is not text in the file's encoding (or
// is UTF-8 Chinese in a GB18030 file), a control character other than tab, CR and
// LF in a field (NUL, say; the column is named too), more fields than the header.
// Final: an unterminated quote, UTF-16 input, a failing stream. Not thread-safe.
class CsvReader final : public TableReader {
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
  Result<std::vector<std::string>> ReadHeader() override;
  // Reads the next record into `row`; false at the end of the input.
  Result<bool> Next(Row& row) override;
  // (ForEach, the record loop: TableReader::ForEach.)

  // Input bytes consumed so far, for progress against the file size.
  int64_t bytes_read() const override { return bytes_read_; }
  std::string_view record_noun() const override { return "line"; }
  // The given or detected encoding; known once the first record has been read.
  // (Detection is on the first detect_bytes; every line is then checked against it.)
  Encoding encoding() const { return encoding_; }

 protected:
  int64_t skipped_record() const override { return skipped_line_; }

 private:
  enum class FieldEnd { kComma, kRecordEnd, kEndOfInput, kUnterminatedQuote };
  struct LineError {
    int64_t line;
    std::string message;  // starts "line N: "
  };

  // True if unread text is buffered, reading more input if needed.
  bool Fill() { return pos_ < buf_.size() || Refill(); }
  bool Refill();
  void ReadRaw();
  // Splits input bytes into physical lines, decoding each whole one into buf_.
  void DecodeChunk(std::string_view chunk);
  void DecodeLine(std::string_view line);
  // Appends the next field to `field` and says what ended it.
  FieldEnd ReadField(std::string& field);
  // Notes a control character met in field number `column_` on the current line.
  void ControlCharacter(unsigned char c);
  // At the end of the buffered text: a held input error becomes the final status.
  bool InputFailed();

  std::unique_ptr<std::istream> owned_;  // set by Open()
  std::istream* in_;
  CsvOptions options_;
  Encoding encoding_ = Encoding::kUtf8;
  std::optional<LineDecoder> decoder_;  // created with the first read
  std::string raw_;                     // input bytes read, not yet all decoded
  size_t raw_pos_ = 0;
  bool eof_ = false;
  std::string pending_line_;    // the start of a line whose end is not read yet
  int64_t raw_line_ = 1;        // the physical line of the next byte to decode
  int64_t raw_line_offset_ = 0;  // the byte offset where that line starts
  bool after_cr_ = false;       // the last byte decoded was CR: an LF next ends no line
  bool at_start_ = true;        // nothing decoded yet: a BOM here is dropped
  std::deque<LineError> bad_lines_;  // lines refused by the decoder, not yet parsed past
  std::string buf_;  // UTF-8 text not yet parsed from pos_
  size_t pos_ = 0;
  int64_t bytes_read_ = 0;
  int64_t line_ = 1;       // the physical line at pos_
  size_t max_fields_ = 0;  // the header's field count; 0 before ReadHeader()
  std::vector<std::string> header_;  // for naming columns in messages
  size_t column_ = 0;                // the 1-based field being read
  std::optional<LineError> record_error_;  // the first in the record being read
  int64_t skipped_line_ = 0;  // the line of the record error Next() last returned; 0 if final
  Status input_error_;  // an error after the text in buf_; reported once it is parsed
  Status status_;       // a final error
};

}  // namespace tc::io
