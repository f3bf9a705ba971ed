// SpreadsheetML cell values as text, the way Excel shows them: pure functions the XLSX
// reader uses, tested on their own. Thread-safe (no state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tc::io::xlsx {

// The 0-based column of a cell reference's letters ("A1" → 0, "AB12" → 27), and its
// row number if it has digits after them (0 if not). Nothing for a reference that is
// not letters then digits, or past column XFD (16,384).
struct CellRef {
  int column = 0;
  int64_t row = 0;
};
std::optional<CellRef> ParseCellRef(std::string_view ref);
// "A" for 0, "AB" for 27: the column's letters, for messages.
std::string ColumnLetters(int column);

// A number cell's stored text (`<v>`) as Excel shows it, without float noise: up to 15
// significant digits, positional notation (1.38E10 → "13800000000", 12.0 → "12",
// 0.30000000000000004 → "0.3"), scientific ("1.5E-12") only beyond 1E-10 and 1E21. A
// plain integer is returned with its digits as stored (an 18-digit ID number typed
// into a number cell keeps what the file has). Text that is not a number is returned as is.
std::string NumberText(std::string_view stored);

// How a cell's number format shows its value.
enum class NumberKind { kNumber, kDate, kDateTime, kTime };
// The kind of a built-in number format id (14–17 dates, 18–21 times, 22 date and
// time, 45–47 times; the zh-CN locale's 27–31, 36 and 50–54, 57–58 dates and 32–35,
// 55–56 times), kNumber for the others.
NumberKind BuiltinFormatKind(int num_fmt_id);
// The kind of a custom format code: a date if its first section has y, d or m (m
// not next to h or s: then it is minutes) outside quotes, escapes and [..]; a time
// with h or s; kNumber otherwise ("0.00", "@", "General").
NumberKind FormatCodeKind(std::string_view code);

// A date serial (days since 1899-12-30, Excel's 1900 leap-year bug included; `date1904`
// for workbooks counting from 1904-01-01) as "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or
// "HH:MM:SS" for the kind. Nothing if it is not a number or outside 0 … 9999-12-31.
std::optional<std::string> SerialText(std::string_view stored, NumberKind kind, bool date1904);

// Decodes SpreadsheetML's escapes of characters XML cannot hold, `_xHHHH_` (UTF-16
// code units; `_x005F_` escapes an underscore), in place.
void DecodeEscapes(std::string& text);

}  // namespace tc::io::xlsx
