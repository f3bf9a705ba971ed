// OpenTable and ReadTable, apart from table.cc so that the CSV reader alone (the fuzz
// harness) links without the XLSX reader and its libraries.
#include <cerrno>
#include <cstring>
#include <fstream>

#include "io/csv.h"
#include "io/table.h"
#include "io/xlsx_reader.h"

namespace tc::io {
namespace {

constexpr std::string_view kOleMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
constexpr int64_t kMaxWorkbookBytes = int64_t{512} << 20;

Status OleRefused(std::string_view name) {
  return InvalidArgument(std::string(name) +
                         ": an OLE compound file, not CSV or XLSX: an old .xls workbook, or an .xlsx encrypted "
                         "with a password; save it as .xlsx (Excel 2007 or later) without a password, or as CSV");
}

}  // namespace

Result<std::unique_ptr<TableReader>> OpenTable(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return NotFound("cannot open " + path + ": " + std::strerror(errno));
  std::string head(kOleMagic.size(), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (head.starts_with(kOleMagic)) return OleRefused(path);
  if (LooksLikeZip(head)) {
    TC_ASSIGN_OR_RETURN(auto xlsx, XlsxReader::Open(path));
    return std::unique_ptr<TableReader>(std::move(xlsx));
  }
  TC_ASSIGN_OR_RETURN(auto csv, CsvReader::Open(path));
  return std::unique_ptr<TableReader>(std::move(csv));
}

Result<std::unique_ptr<TableReader>> ReadTable(std::istream& in, std::string_view name) {
  const std::streampos start = in.tellg();
  if (start == std::streampos(-1)) return Internal("ReadTable: the input stream is not seekable");
  std::string head(kOleMagic.size(), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (head.starts_with(kOleMagic)) return OleRefused(name);
  if (LooksLikeZip(head)) {
    in.seekg(0, std::ios::end);
    const int64_t size = static_cast<int64_t>(in.tellg() - start);
    if (size > kMaxWorkbookBytes) {
      return InvalidArgument(std::string(name) + ": a workbook of " + std::to_string(size >> 20) +
                             " MiB, over the limit of " + std::to_string(kMaxWorkbookBytes >> 20) + " MiB");
    }
    in.seekg(start);
    std::string bytes(static_cast<size_t>(size), '\0');
    if (!in.read(bytes.data(), size)) return Internal(std::string(name) + ": cannot read the input");
    TC_ASSIGN_OR_RETURN(auto xlsx, XlsxReader::FromBytes(std::move(bytes), name));
    return std::unique_ptr<TableReader>(std::move(xlsx));
  }
  in.clear();  // a stream shorter than the look: EOF was hit
  in.seekg(start);
  if (!in) return Internal(std::string(name) + ": cannot read the input again after looking at its start");
  return std::unique_ptr<TableReader>(std::make_unique<CsvReader>(in));
}

}  // namespace tc::io
