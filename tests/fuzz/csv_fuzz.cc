// libFuzzer target: the CSV reader (io/csv.h) on any bytes. Besides not crashing
// (ASan, UBSan), it checks the reader's promises: every field it yields is valid
// UTF-8 without control characters but tab, CR and LF; it never yields more fields
// than the header; it always comes to an end. The first input byte picks the
// options (chunk size, detection sample, a given encoding), so chunk boundaries
// fall everywhere. Built and run by tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "io/csv.h"
#include "io/encoding.h"

namespace {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "csv_fuzz: broken promise: %s\n", what);
  std::abort();
}

bool CleanText(const std::string& field) {
  for (unsigned char c : field) {
    if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return tc::io::IsValidUtf8(field);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t knobs = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  tc::io::CsvOptions options;
  constexpr size_t kChunks[] = {1, 2, 3, 5, 8, 64, 4096, size_t{1} << 20};
  options.chunk_size = kChunks[knobs & 7];
  options.detect_bytes = (knobs & 8) ? 1 : size_t{64} << 10;
  if (knobs & 16) options.encoding = (knobs & 32) ? tc::io::Encoding::kGb18030 : tc::io::Encoding::kUtf8;

  std::istringstream in(text);
  tc::io::CsvReader reader(in, options);
  auto header = reader.ReadHeader();
  if (!header.ok()) return 0;
  for (const std::string& name : *header) Check(CleanText(name), "header name is clean UTF-8");
  auto columns = tc::io::ColumnMap::Build(*header, {{"name", {"姓名"}}, {"id_number", {"身份证号"}}}, {"name"});
  tc::io::Row row;
  int64_t last_line = 1;
  tc::Status status = reader.ForEach(
      row,
      [&](int64_t line, const std::string& message) {
        Check(line > 0 && !message.empty(), "a bad line is named and explained");
      },
      [&](tc::io::Row& r) {
        Check(r.line > last_line, "records come in line order");
        last_line = r.line;
        Check(r.fields.size() <= header->size(), "no more fields than the header");
        for (const std::string& field : r.fields) Check(CleanText(field), "field is clean UTF-8");
        if (columns.ok()) (void)columns->Get(r, "name");
        return true;
      });
  if (status.ok()) Check(reader.bytes_read() == static_cast<int64_t>(text.size()), "all input read");
  return 0;
}
