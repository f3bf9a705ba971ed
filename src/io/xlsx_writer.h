// Excel workbooks for list exports: one sheet of text cells, streamed to a file as
// rows are written (libxlsxwriter's constant-memory mode), so memory stays flat for
// large lists. Cells are text, which keeps ID and phone numbers exact (a number cell
// would show 1.10101E+17). Not thread-safe.
//
//   TC_ASSIGN_OR_RETURN(auto xlsx, io::XlsxWriter::Create(path, "居民名单"));
//   TC_RETURN_IF_ERROR(xlsx->WriteHeader({"姓名", "身份证号"}));
//   TC_RETURN_IF_ERROR(xlsx->WriteRow({"张三", "110101199003071234"}));
//   TC_RETURN_IF_ERROR(xlsx->Close());
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tc::io {

class XlsxWriter {
 public:
  // InvalidArgument for a sheet name Excel refuses (empty, over 31 characters, one
  // of []:*?/\ or quoted); Internal if `path` cannot be created.
  static Result<std::unique_ptr<XlsxWriter>> Create(const std::string& path, std::string_view sheet_name);
  // Without Close(), the file is abandoned and removed.
  ~XlsxWriter();
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;

  // Writes the next row in bold and freezes it at the top of the sheet.
  Status WriteHeader(const std::vector<std::string>& fields);
  // Writes the next row. A NUL in a field is written as U+FFFD (never cuts the
  // text short); other control characters are kept (escaped in the sheet's XML).
  // InvalidArgument past Excel's limits: 1,048,576 rows, 16,384 columns, 32,767
  // characters in a cell.
  Status WriteRow(const std::vector<std::string>& fields);
  // Sets column widths from the text written and finishes the file; Internal if it
  // cannot be written. Nothing may be written afterwards.
  Status Close();

  // A whole workbook in memory, made through a temporary file that is removed.
  static Result<std::string> RenderToBytes(std::string_view sheet_name, const std::vector<std::string>& header,
                                           const std::vector<std::vector<std::string>>& rows);

 private:
  struct Impl;
  explicit XlsxWriter(std::unique_ptr<Impl> impl);
  Status Write(const std::vector<std::string>& fields, bool bold);

  std::unique_ptr<Impl> impl_;
};

}  // namespace tc::io
