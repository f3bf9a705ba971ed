#include "io/csv.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace tc::io {
namespace {

// Characters that end a run of plain text in an unquoted and a quoted field.
constexpr std::array<bool, 256> StopTable(std::string_view stops) {
  std::array<bool, 256> table{};
  for (char c : stops) table[static_cast<unsigned char>(c)] = true;
  return table;
}
constexpr std::array<bool, 256> kUnquotedStops = StopTable(",\r\n");
constexpr std::array<bool, 256> kQuotedStops = StopTable("\"\r\n");

const char* ScanTo(const char* p, const char* end, const std::array<bool, 256>& stops) {
  while (p < end && !stops[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

std::string LinePrefix(int64_t line) { return "line " + std::to_string(line) + ": "; }

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool Accepts(const ColumnSpec& spec, std::string_view header) {
  if (EqualsIgnoreAsciiCase(header, spec.name)) return true;
  return std::any_of(spec.aliases.begin(), spec.aliases.end(),
                     [&](const std::string& alias) { return EqualsIgnoreAsciiCase(header, TrimSpace(alias)); });
}

std::string AcceptedHeaders(const std::vector<ColumnSpec>& spec, const std::string& name) {
  std::vector<std::string> names = {name};
  for (const ColumnSpec& s : spec) {
    if (s.name != name) continue;
    for (const std::string& alias : s.aliases) {
      if (std::find(names.begin(), names.end(), alias) == names.end()) names.push_back(alias);
    }
  }
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

}  // namespace

std::string_view TrimSpace(std::string_view text) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  constexpr std::string_view kAsciiSpace = " \t\r\n\v\f";
  for (;;) {
    if (!text.empty() && kAsciiSpace.find(text.front()) != std::string_view::npos) {
      text.remove_prefix(1);
    } else if (text.starts_with(kIdeographicSpace)) {
      text.remove_prefix(kIdeographicSpace.size());
    } else if (!text.empty() && kAsciiSpace.find(text.back()) != std::string_view::npos) {
      text.remove_suffix(1);
    } else if (text.ends_with(kIdeographicSpace)) {
      text.remove_suffix(kIdeographicSpace.size());
    } else {
      return text;
    }
  }
}

CsvReader::CsvReader(std::istream& in, CsvOptions options) : in_(&in), options_(options) {
  options_.chunk_size = std::max<size_t>(options_.chunk_size, 1);
  if (options_.encoding) encoding_ = *options_.encoding;
}

CsvReader::~CsvReader() = default;

Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path, CsvOptions options) {
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!file->is_open()) return NotFound("cannot open " + path + ": " + std::strerror(errno));
  auto reader = std::make_unique<CsvReader>(*file, options);
  reader->owned_ = std::move(file);
  return reader;
}

void CsvReader::ReadRaw() {
  const size_t want = converter_ ? options_.chunk_size : std::max(options_.chunk_size, options_.detect_bytes);
  raw_.resize(want);
  in_->read(raw_.data(), static_cast<std::streamsize>(want));
  const auto got = static_cast<size_t>(in_->gcount());
  raw_.resize(got);
  raw_pos_ = 0;
  if (got < want) {
    eof_ = true;
    if (in_->bad()) input_error_ = Internal("cannot read the input");
  }
  if (converter_ || !input_error_.ok()) return;
  if (raw_.starts_with("\xFF\xFE") || raw_.starts_with("\xFE\xFF")) {
    input_error_ = InvalidArgument("the file is UTF-16 text; save it as CSV in UTF-8 or GBK");
    return;
  }
  if (!options_.encoding) encoding_ = DetectEncoding(raw_);
  Result<Utf8Converter> converter = Utf8Converter::Create(encoding_);
  if (!converter.ok()) {
    input_error_ = converter.status();
    return;
  }
  converter_.emplace(std::move(*converter));
}

bool CsvReader::Refill() {
  buf_.clear();
  pos_ = 0;
  while (buf_.empty() && input_error_.ok()) {
    if (raw_pos_ == raw_.size()) {
      if (eof_) return false;
      ReadRaw();
      if (!input_error_.ok()) break;
      if (raw_.empty()) {  // the input ended at a chunk boundary
        input_error_ = converter_->Finish();
        break;
      }
    }
    const size_t take = std::min(options_.chunk_size, raw_.size() - raw_pos_);
    input_error_ = converter_->Convert(std::string_view(raw_).substr(raw_pos_, take), buf_);
    raw_pos_ += take;
    bytes_read_ += static_cast<int64_t>(take);
    if (input_error_.ok() && eof_ && raw_pos_ == raw_.size()) input_error_ = converter_->Finish();
  }
  return !buf_.empty();
}

bool CsvReader::InputFailed() {
  if (input_error_.ok()) return false;
  if (status_.ok()) {
    status_ = input_error_.code() == StatusCode::kInvalidArgument
                  ? InvalidArgument(LinePrefix(line_) + input_error_.message())
                  : input_error_;
  }
  return true;
}

CsvReader::FieldEnd CsvReader::ReadField(std::string& field) {
  if (!Fill()) return FieldEnd::kEndOfInput;  // "a,b," at the end of the input: an empty last field
  if (buf_[pos_] == '"') {
    const int64_t quote_line = line_;
    ++pos_;
    for (;;) {
      if (!Fill()) {
        if (InputFailed()) return FieldEnd::kEndOfInput;
        status_ = InvalidArgument(LinePrefix(quote_line) + "the quoted field that starts here is never closed");
        return FieldEnd::kUnterminatedQuote;
      }
      const char* begin = buf_.data() + pos_;
      const char* stop = ScanTo(begin, buf_.data() + buf_.size(), kQuotedStops);
      field.append(begin, stop);
      pos_ = stop - buf_.data();
      if (pos_ == buf_.size()) continue;
      const char c = buf_[pos_++];
      if (c == '"') {
        if (Fill() && buf_[pos_] == '"') {  // "" is one quote
          field += '"';
          ++pos_;
          continue;
        }
        break;  // the closing quote; any text after it is kept, as Excel does
      }
      field += c;
      ++line_;
      if (c == '\r' && Fill() && buf_[pos_] == '\n') {
        field += '\n';
        ++pos_;
      }
    }
  }
  for (;;) {
    if (!Fill()) return FieldEnd::kEndOfInput;
    const char* begin = buf_.data() + pos_;
    const char* stop = ScanTo(begin, buf_.data() + buf_.size(), kUnquotedStops);
    field.append(begin, stop);
    pos_ = stop - buf_.data();
    if (pos_ == buf_.size()) continue;
    const char c = buf_[pos_++];
    if (c == ',') return FieldEnd::kComma;
    ++line_;
    if (c == '\r' && Fill() && buf_[pos_] == '\n') ++pos_;
    return FieldEnd::kRecordEnd;
  }
}

Result<bool> CsvReader::Next(Row& row) {
  if (!status_.ok()) return status_;
  for (;;) {  // skip blank lines
    if (!Fill()) {
      if (InputFailed()) return status_;
      return false;
    }
    const char c = buf_[pos_];
    if (c != '\r' && c != '\n') break;
    ++pos_;
    ++line_;
    if (c == '\r' && Fill() && buf_[pos_] == '\n') ++pos_;
  }
  row.line = line_;
  size_t count = 0;
  FieldEnd end = FieldEnd::kComma;
  while (end == FieldEnd::kComma) {
    std::string& field = count < row.fields.size() ? row.fields[count] : row.fields.emplace_back();
    field.clear();
    ++count;
    end = ReadField(field);
  }
  row.fields.resize(count);
  if (!status_.ok()) return status_;
  // Text that could not be converted may have cut this record short.
  if (end == FieldEnd::kEndOfInput && InputFailed()) return status_;
  if (max_fields_ > 0 && count > max_fields_) {
    return InvalidArgument(LinePrefix(row.line) + std::to_string(count) + " fields, but the header has " +
                           std::to_string(max_fields_) + " (a comma in an unquoted value?)");
  }
  return true;
}

Status CsvReader::ForEach(Row& row, const std::function<void(int64_t line, const std::string& message)>& bad,
                          const std::function<bool(Row&)>& fn) {
  for (;;) {
    auto more = Next(row);
    if (!more.ok()) {
      if (max_fields_ > 0 && row.fields.size() > max_fields_) {
        bad(row.line, more.status().message());
        continue;
      }
      return more.status();
    }
    if (!*more || !fn(row)) return Status::Ok();
  }
}

Result<std::vector<std::string>> CsvReader::ReadHeader() {
  Row row;
  TC_ASSIGN_OR_RETURN(bool found, Next(row));
  if (!found) return InvalidArgument("the file is empty: it has no header line");
  for (std::string& field : row.fields) field = std::string(TrimSpace(field));
  max_fields_ = row.fields.size();
  return std::move(row.fields);
}

Result<ColumnMap> ColumnMap::Build(const std::vector<std::string>& header, const std::vector<ColumnSpec>& spec,
                                   const std::vector<std::string>& required_names) {
  ColumnMap map;
  std::vector<std::string> problems;
  std::vector<FieldError> errors;
  for (const ColumnSpec& s : spec) {
    int found = -1;
    for (size_t i = 0; i < header.size(); ++i) {
      const std::string_view text = TrimSpace(header[i]);
      if (text.empty() || !Accepts(s, text)) continue;
      if (found < 0) {
        found = static_cast<int>(i);
        continue;
      }
      std::string problem = "columns " + std::to_string(found + 1) + " (" + header[found] + ") and " +
                            std::to_string(i + 1) + " (" + std::string(text) + ") are both " + s.name;
      errors.push_back({s.name, problem});
      problems.push_back(std::move(problem));
    }
    if (found >= 0) map.columns_.emplace_back(s.name, found);
  }
  std::string missing;
  for (const std::string& name : required_names) {
    if (map.Has(name)) continue;
    const std::string accepted = AcceptedHeaders(spec, name);
    errors.push_back({name, "missing column; accepted headers: " + accepted});
    missing += (missing.empty() ? "" : "; ") + name + " (" + accepted + ")";
  }
  if (!missing.empty()) problems.insert(problems.begin(), "missing required columns: " + missing);
  if (problems.empty()) return map;
  std::string message;
  for (const std::string& p : problems) message += (message.empty() ? "" : "; ") + p;
  Status status = InvalidArgument(std::move(message));
  for (FieldError& e : errors) status.AddFieldError(std::move(e.field), std::move(e.message));
  return status;
}

int ColumnMap::Index(std::string_view canonical) const {
  for (const auto& [name, index] : columns_) {
    if (name == canonical) return index;
  }
  return -1;
}

std::string_view ColumnMap::Get(const Row& row, std::string_view canonical) const {
  const int index = Index(canonical);
  if (index < 0 || static_cast<size_t>(index) >= row.fields.size()) return {};
  return row.fields[index];
}

}  // namespace tc::io
