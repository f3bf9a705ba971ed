#include "io/csv_writer.h"

namespace tc::io {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
bool StartsLikeFormula(std::string_view field) {
  if (field.empty()) return false;
  switch (field.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

}  // namespace

bool IsPlainNumber(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  size_t digits = 0;
  while (i < text.size() && IsDigit(text[i])) {
    ++i;
    ++digits;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && IsDigit(text[i])) {
      ++i;
      ++digits;
    }
  }
  if (digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    size_t exponent_digits = 0;
    while (i < text.size() && IsDigit(text[i])) {
      ++i;
      ++exponent_digits;
    }
    if (exponent_digits == 0) return false;
  }
  return i == text.size();
}

CsvWriter::CsvWriter(std::ostream& out, bool write_bom) : out_(out) {
  if (write_bom) out_ << "\xEF\xBB\xBF";
}

Status CsvWriter::WriteRow(const std::vector<std::string>& fields) {
  line_.clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line_ += ',';
    WriteField(fields[i]);
  }
  line_ += "\r\n";
  out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  if (!out_) return Internal("cannot write the CSV output");
  return Status::Ok();
}

void CsvWriter::WriteField(std::string_view field) {
  const bool guard = StartsLikeFormula(field) && !IsPlainNumber(field);
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) line_ += '"';
  if (guard) line_ += '\'';
  if (!quote) {
    line_ += field;
  } else {
    for (char c : field) {
      if (c == '"') line_ += '"';
      line_ += c;
    }
    line_ += '"';
  }
}

}  // namespace tc::io
