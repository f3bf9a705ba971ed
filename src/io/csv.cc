#include "io/csv.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace tc::io {
namespace {

// Characters that end a run of plain text in an unquoted and a quoted field: the
// given ones and the control characters a field may not hold (C0 but tab).
constexpr std::array<bool, 256> StopTable(std::string_view stops) {
  std::array<bool, 256> table{};
  for (char c : stops) table[static_cast<unsigned char>(c)] = true;
  for (int c = 0; c < 0x20; ++c) table[c] = table[c] || c != '\t';
  return table;
}
constexpr std::array<bool, 256> kUnquotedStops = StopTable(",\r\n");
constexpr std::array<bool, 256> kQuotedStops = StopTable("\"\r\n");

const char* ScanTo(const char* p, const char* end, const std::array<bool, 256>& stops) {
  while (p < end && !stops[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

std::string LinePrefix(int64_t line) { return "line " + std::to_string(line) + ": "; }

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

std::string ControlName(unsigned char c) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", c);
  std::string name = hex;
  if (c == 0) name += ", NUL";
  return name;
}

}  // namespace

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
  const size_t want = decoder_ ? options_.chunk_size : std::max(options_.chunk_size, options_.detect_bytes);
  raw_.resize(want);
  in_->read(raw_.data(), static_cast<std::streamsize>(want));
  const auto got = static_cast<size_t>(in_->gcount());
  raw_.resize(got);
  raw_pos_ = 0;
  if (got < want) {
    eof_ = true;
    if (in_->bad()) input_error_ = Internal("cannot read the input");
  }
  if (decoder_ || !input_error_.ok()) return;
  if (raw_.starts_with("\xFF\xFE") || raw_.starts_with("\xFE\xFF")) {
    input_error_ = InvalidArgument("the file is UTF-16 text; save it as CSV in UTF-8 or GBK");
    return;
  }
  if (!options_.encoding) encoding_ = DetectEncoding(raw_);
  Result<LineDecoder> decoder = LineDecoder::Create(encoding_);
  if (!decoder.ok()) {
    input_error_ = decoder.status();
    return;
  }
  decoder_.emplace(std::move(*decoder));
}

bool CsvReader::Refill() {
  buf_.clear();
  pos_ = 0;
  while (buf_.empty() && input_error_.ok()) {
    if (raw_pos_ == raw_.size()) {
      if (!eof_) {
        ReadRaw();
        continue;
      }
      if (pending_line_.empty()) return false;
      const std::string last = std::move(pending_line_);  // the last line has no line break
      pending_line_.clear();
      DecodeLine(last);
      continue;
    }
    const size_t take = std::min(options_.chunk_size, raw_.size() - raw_pos_);
    DecodeChunk(std::string_view(raw_).substr(raw_pos_, take));
    raw_pos_ += take;
    bytes_read_ += static_cast<int64_t>(take);
  }
  return !buf_.empty();
}

void CsvReader::DecodeChunk(std::string_view chunk) {
  int64_t offset = bytes_read_;
  // Neither encoding has CR or LF inside a character, so lines split on the bytes.
  while (!chunk.empty()) {
    const size_t end = chunk.find_first_of("\r\n");
    if (end == std::string_view::npos) {
      pending_line_.append(chunk);
      after_cr_ = false;
      return;
    }
    if (!pending_line_.empty()) {
      pending_line_.append(chunk.substr(0, end));
      DecodeLine(pending_line_);
      pending_line_.clear();
      after_cr_ = false;
    } else if (end > 0) {
      DecodeLine(chunk.substr(0, end));
      after_cr_ = false;
    }
    const char c = chunk[end];
    buf_ += c;
    if (c == '\r' || !after_cr_) ++raw_line_;  // CR, LF and CRLF each end one line, as the parser counts
    after_cr_ = c == '\r';
    at_start_ = false;
    offset += static_cast<int64_t>(end + 1);
    raw_line_offset_ = offset;
    chunk.remove_prefix(end + 1);
  }
}

void CsvReader::DecodeLine(std::string_view line) {
  const size_t start = buf_.size();
  if (Status s = decoder_->Decode(line, raw_line_offset_, buf_); !s.ok()) {
    bad_lines_.push_back({raw_line_, LinePrefix(raw_line_) + s.message()});
    // Keep the line's quotes and commas (ASCII in both encodings, never inside a
    // character), so the record it belongs to still ends where it should.
    bool in_run = false;
    for (char c : line) {
      const bool ascii = static_cast<unsigned char>(c) < 0x80;
      if (ascii) buf_ += c;
      if (!ascii && !in_run) buf_ += kReplacementCharacter;
      in_run = !ascii;
    }
  }
  if (at_start_ && std::string_view(buf_).substr(start).starts_with(kUtf8Bom)) buf_.erase(start, kUtf8Bom.size());
  at_start_ = false;
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

void CsvReader::ControlCharacter(unsigned char c) {
  if (record_error_) return;
  std::string where = "line " + std::to_string(line_) + ", column " + std::to_string(column_);
  if (column_ <= header_.size() && !header_[column_ - 1].empty()) where += " (" + header_[column_ - 1] + ")";
  record_error_ = LineError{line_, where + ": a control character (" + ControlName(c) +
                                       ") in the field; only tab, CR and LF may appear in text"};
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
      if (c != '\r' && c != '\n') {
        ControlCharacter(static_cast<unsigned char>(c));
        continue;
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
    if (c != '\r' && c != '\n') {
      ControlCharacter(static_cast<unsigned char>(c));
      continue;
    }
    ++line_;
    if (c == '\r' && Fill() && buf_[pos_] == '\n') ++pos_;
    return FieldEnd::kRecordEnd;
  }
}

Result<bool> CsvReader::Next(Row& row) {
  skipped_line_ = 0;
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
  record_error_.reset();
  size_t count = 0;
  FieldEnd end = FieldEnd::kComma;
  while (end == FieldEnd::kComma) {
    std::string& field = count < row.fields.size() ? row.fields[count] : row.fields.emplace_back();
    field.clear();
    column_ = ++count;
    end = ReadField(field);
  }
  row.fields.resize(count);
  if (!status_.ok()) return status_;
  // A read error may have cut this record short.
  if (end == FieldEnd::kEndOfInput && InputFailed()) return status_;
  // The decoder's refusals of this record's lines; the earliest problem is reported.
  const int64_t last_line = end == FieldEnd::kRecordEnd ? line_ - 1 : line_;
  while (!bad_lines_.empty() && bad_lines_.front().line <= last_line) {
    if (!record_error_ || bad_lines_.front().line < record_error_->line) record_error_ = std::move(bad_lines_.front());
    bad_lines_.pop_front();
  }
  if (record_error_) {
    skipped_line_ = record_error_->line;
    return InvalidArgument(std::move(record_error_->message));
  }
  if (max_fields_ > 0 && count > max_fields_) {
    skipped_line_ = row.line;
    return InvalidArgument(LinePrefix(row.line) + std::to_string(count) + " fields, but the header has " +
                           std::to_string(max_fields_) + " (a comma in an unquoted value?)");
  }
  return true;
}

Result<std::vector<std::string>> CsvReader::ReadHeader() {
  Row row;
  TC_ASSIGN_OR_RETURN(bool found, Next(row));
  if (!found) return InvalidArgument("the file is empty: it has no header line");
  for (std::string& field : row.fields) field = std::string(TrimSpace(field));
  max_fields_ = row.fields.size();
  header_ = row.fields;
  return std::move(row.fields);
}

}  // namespace tc::io
