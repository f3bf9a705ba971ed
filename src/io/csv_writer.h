// CSV for list exports that officials open in Excel: UTF-8 with a BOM (without it
// Excel in China reads the file as GBK), CRLF line ends, RFC 4180 quoting, and a
// guard against formula injection. Not thread-safe; does not own the stream.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tc::io {

class CsvWriter {
 public:
  // Writes the BOM at once unless `write_bom` is false.
  explicit CsvWriter(std::ostream& out, bool write_bom = true);

  // Writes one record. Fields are UTF-8. A field with a comma, quote, CR or LF is
  // quoted; one starting with =, +, -, @, tab or CR that is not a plain number
  // ("-12.5") gets a leading ' so that a spreadsheet shows it as text.
  // Internal if the stream has failed.
  Status WriteRow(const std::vector<std::string>& fields);

 private:
  void WriteField(std::string_view field);

  std::ostream& out_;
  std::string line_;  // the record being assembled, reused
};

// True for an optionally signed decimal number: "12", "-12.5", "+.5", "1e-3".
bool IsPlainNumber(std::string_view text);

}  // namespace tc::io
