#include "io/xlsx_writer.h"

#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tc::io {
namespace {

// Column widths in Excel's units (about one Latin character).
constexpr double kMinColumnWidth = 8;
constexpr double kMaxColumnWidth = 60;
// Excel's limit on the text in one cell.
constexpr int kMaxCellCharacters = 32767;

// Display width of UTF-8 text: Latin characters count one, others (CJK) two.
double DisplayWidth(std::string_view text) {
  double width = 0;
  for (unsigned char c : text) {
    if (c < 0x80) {
      width += 1;
    } else if (c >= 0xC0) {  // the lead byte of a multi-byte character
      width += 2;
    }
  }
  return width;
}

// libxlsxwriter takes C strings, so a NUL would end the cell's text there; it
// becomes U+FFFD (the replacement character) instead. Other control characters
// reach the sheet escaped by libxlsxwriter (_x0001_), which Excel reads back.
constexpr std::string_view kNulReplacement = "\xEF\xBF\xBD";

std::string WithoutNul(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (c == '\0') {
      out += kNulReplacement;
    } else {
      out += c;
    }
  }
  return out;
}

std::string CellName(uint32_t row, size_t col) {
  return "row " + std::to_string(row + 1) + " column " + std::to_string(col + 1);
}

}  // namespace

struct XlsxWriter::Impl {
  std::string path;
  lxw_workbook* workbook = nullptr;
  lxw_worksheet* worksheet = nullptr;
  lxw_format* bold = nullptr;
  uint32_t next_row = 0;
  std::vector<double> widths;  // the widest text per column
  bool closed = false;
};

XlsxWriter::XlsxWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

XlsxWriter::~XlsxWriter() {
  if (impl_->closed) return;
  lxw_workbook_free(impl_->workbook);
  std::remove(impl_->path.c_str());
}

Result<std::unique_ptr<XlsxWriter>> XlsxWriter::Create(const std::string& path, std::string_view sheet_name) {
  const std::string name(sheet_name);
  if (name.empty()) return InvalidArgument("the sheet name is empty");
  // libxlsxwriter opens the file only when it closes the workbook; fail early instead.
  std::FILE* probe = std::fopen(path.c_str(), "wb");
  if (probe == nullptr) return Internal("cannot create " + path + ": " + std::strerror(errno));
  std::fclose(probe);

  lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = nullptr, .use_zip64 = LXW_FALSE};
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->workbook = workbook_new_opt(path.c_str(), &options);
  if (impl->workbook == nullptr) {
    std::remove(path.c_str());
    return Internal("cannot start the workbook " + path);
  }
  auto writer = std::unique_ptr<XlsxWriter>(new XlsxWriter(std::move(impl)));
  Impl& w = *writer->impl_;
  if (lxw_error error = workbook_validate_sheet_name(w.workbook, name.c_str()); error != LXW_NO_ERROR) {
    return InvalidArgument("sheet name '" + name + "': " + lxw_strerror(error));
  }
  w.worksheet = workbook_add_worksheet(w.workbook, name.c_str());
  w.bold = workbook_add_format(w.workbook);
  if (w.worksheet == nullptr || w.bold == nullptr) return Internal("cannot add the sheet '" + name + "'");
  format_set_bold(w.bold);
  return writer;
}

Status XlsxWriter::WriteHeader(const std::vector<std::string>& fields) {
  TC_RETURN_IF_ERROR(Write(fields, /*bold=*/true));
  worksheet_freeze_panes(impl_->worksheet, impl_->next_row, 0);
  return Status::Ok();
}

Status XlsxWriter::WriteRow(const std::vector<std::string>& fields) { return Write(fields, /*bold=*/false); }

Status XlsxWriter::Write(const std::vector<std::string>& fields, bool bold) {
  Impl& w = *impl_;
  if (w.closed) return Internal("the workbook " + w.path + " is already closed");
  if (w.next_row >= LXW_ROW_MAX) {
    return InvalidArgument("an Excel sheet holds at most " + std::to_string(LXW_ROW_MAX) + " rows");
  }
  if (fields.size() > LXW_COL_MAX) {
    return InvalidArgument("an Excel sheet holds at most " + std::to_string(LXW_COL_MAX) + " columns");
  }
  if (w.widths.size() < fields.size()) w.widths.resize(fields.size(), 0);
  const uint32_t row = w.next_row++;
  for (size_t col = 0; col < fields.size(); ++col) {
    const std::string& field = fields[col];
    if (field.empty() && !bold) continue;
    const std::string replaced = field.find('\0') == std::string::npos ? std::string() : WithoutNul(field);
    const std::string& text = replaced.empty() ? field : replaced;
    lxw_error error =
        worksheet_write_string(w.worksheet, row, static_cast<lxw_col_t>(col), text.c_str(), bold ? w.bold : nullptr);
    if (error == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) {
      return InvalidArgument(CellName(row, col) + ": an Excel cell holds at most " +
                             std::to_string(kMaxCellCharacters) + " characters");
    }
    if (error != LXW_NO_ERROR) return Internal(CellName(row, col) + ": " + lxw_strerror(error));
    w.widths[col] = std::max(w.widths[col], DisplayWidth(text));
  }
  return Status::Ok();
}

Status XlsxWriter::Close() {
  Impl& w = *impl_;
  if (w.closed) return Status::Ok();
  for (size_t col = 0; col < w.widths.size(); ++col) {
    const double width = std::clamp(w.widths[col] + 2, kMinColumnWidth, kMaxColumnWidth);
    (void)worksheet_set_column(w.worksheet, static_cast<lxw_col_t>(col), static_cast<lxw_col_t>(col), width, nullptr);
  }
  w.closed = true;
  lxw_error error = workbook_close(w.workbook);  // frees the workbook in any case
  w.workbook = nullptr;
  if (error != LXW_NO_ERROR) return Internal("cannot write " + w.path + ": " + lxw_strerror(error));
  return Status::Ok();
}

Result<std::string> XlsxWriter::RenderToBytes(std::string_view sheet_name, const std::vector<std::string>& header,
                                              const std::vector<std::vector<std::string>>& rows) {
  std::string path = (std::filesystem::temp_directory_path() / "tc-export-XXXXXX.xlsx").string();
  const int fd = mkstemps(path.data(), /*suffixlen=*/5);
  if (fd < 0) return Internal("cannot create a temporary file: " + std::string(std::strerror(errno)));
  ::close(fd);
  struct Remove {
    const std::string& path;
    ~Remove() { std::remove(path.c_str()); }
  } remove{path};

  TC_ASSIGN_OR_RETURN(std::unique_ptr<XlsxWriter> writer, Create(path, sheet_name));
  TC_RETURN_IF_ERROR(writer->WriteHeader(header));
  for (const std::vector<std::string>& row : rows) TC_RETURN_IF_ERROR(writer->WriteRow(row));
  TC_RETURN_IF_ERROR(writer->Close());
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  if (in.is_open()) bytes << in.rdbuf();
  if (!in.is_open() || !bytes) return Internal("cannot read back " + path);
  return std::move(bytes).str();
}

}  // namespace tc::io
