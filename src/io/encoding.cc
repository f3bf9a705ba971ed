#include "io/encoding.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace tc::io {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// The longest character in either encoding: the most bytes a message shows.
constexpr size_t kMaxCharBytes = 4;

struct Utf8Scan {
  size_t valid;     // length of the prefix made of whole, valid characters
  bool incomplete;  // the rest is the start of a valid character cut by the end
  bool non_ascii;   // the valid prefix has a byte above 0x7F
  bool wide;        // the valid prefix has a character of three or four bytes
};

Utf8Scan ScanUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  Utf8Scan scan{n, false, false, false};
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {  // ASCII fast path, eight bytes at a time
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      scan.valid = i;
      return scan;
    }
    for (size_t k = 1; k < len; ++k) {
      if (i + k >= n) {
        scan.valid = i;
        scan.incomplete = true;
        return scan;
      }
      const unsigned char b = p[i + k];
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) {
        scan.valid = i;
        return scan;
      }
    }
    scan.non_ascii = true;
    if (len >= 3) scan.wide = true;
    i += len;
  }
  return scan;
}

std::string HexBytes(std::string_view bytes) {
  std::string s;
  for (unsigned char c : bytes.substr(0, kMaxCharBytes)) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "%s0x%02X", s.empty() ? "" : " ", c);
    s += hex;
  }
  return s;
}

Status InvalidBytes(Encoding from, int64_t offset, std::string_view bytes) {
  return InvalidArgument(std::string("not valid ") + EncodingName(from) + " text at byte offset " +
                         std::to_string(offset) + " (" + HexBytes(bytes) + ")");
}

}  // namespace

const char* EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kUtf8:
      return "UTF-8";
    case Encoding::kGb18030:
      return "GB18030";
  }
  return "?";
}

bool IsValidUtf8(std::string_view text) { return ScanUtf8(text).valid == text.size(); }

LineBytes ClassifyLine(std::string_view line) {
  const Utf8Scan scan = ScanUtf8(line);
  if (scan.valid < line.size() && !scan.incomplete) return LineBytes::kNotUtf8;
  if (scan.wide || (scan.incomplete && static_cast<unsigned char>(line[scan.valid]) >= 0xE0)) {
    return LineBytes::kUtf8Wide;
  }
  return scan.non_ascii || scan.incomplete ? LineBytes::kUtf8Narrow : LineBytes::kAscii;
}

Encoding DetectEncoding(std::string_view sample) {
  if (sample.starts_with(kUtf8Bom)) return Encoding::kUtf8;
  const Utf8Scan scan = ScanUtf8(sample);
  if (scan.valid == sample.size() || scan.incomplete) return Encoding::kUtf8;
  int64_t utf8_lines = 0, other_lines = 0;
  while (!sample.empty()) {
    const size_t end = std::min(sample.find_first_of("\r\n"), sample.size());
    switch (ClassifyLine(sample.substr(0, end))) {
      case LineBytes::kUtf8Wide:
        ++utf8_lines;
        break;
      case LineBytes::kNotUtf8:
        ++other_lines;
        break;
      case LineBytes::kAscii:
      case LineBytes::kUtf8Narrow:
        break;
    }
    sample.remove_prefix(std::min(end + 1, sample.size()));
  }
  return utf8_lines >= other_lines ? Encoding::kUtf8 : Encoding::kGb18030;
}

Result<LineDecoder> LineDecoder::Create(Encoding from) {
  if (from == Encoding::kUtf8) return LineDecoder(from, nullptr);
  iconv_t cd = iconv_open("UTF-8", EncodingName(from));
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return Internal(std::string("cannot convert from ") + EncodingName(from) + ": " + std::strerror(errno));
  }
  return LineDecoder(from, cd);
}

LineDecoder::LineDecoder(Encoding from, void* iconv) : from_(from), iconv_(iconv) {}

LineDecoder::LineDecoder(LineDecoder&& other) noexcept
    : from_(other.from_), iconv_(std::exchange(other.iconv_, nullptr)) {}

LineDecoder& LineDecoder::operator=(LineDecoder&& other) noexcept {
  if (this != &other) {
    if (iconv_ != nullptr) iconv_close(static_cast<iconv_t>(iconv_));
    from_ = other.from_;
    iconv_ = std::exchange(other.iconv_, nullptr);
  }
  return *this;
}

LineDecoder::~LineDecoder() {
  if (iconv_ != nullptr) iconv_close(static_cast<iconv_t>(iconv_));
}

Status LineDecoder::Decode(std::string_view line, int64_t offset, std::string& out) {
  const Utf8Scan scan = ScanUtf8(line);
  if (iconv_ == nullptr) {
    if (scan.valid == line.size()) {
      out.append(line);
      return Status::Ok();
    }
    const std::string_view bad = line.substr(scan.valid);
    if (scan.incomplete) {
      return InvalidArgument("the line ends inside a UTF-8 character at byte offset " +
                             std::to_string(offset + static_cast<int64_t>(scan.valid)) + " (" + HexBytes(bad) + ")");
    }
    return InvalidArgument(InvalidBytes(from_, offset + static_cast<int64_t>(scan.valid), bad).message() +
                           ": the file is UTF-8 but this line is not (GBK?); save the whole file in one encoding");
  }
  if (scan.valid == line.size() && scan.wide) {
    return InvalidArgument(std::string("this line is UTF-8 text but the file is ") + EncodingName(from_) +
                           " (GBK); save the whole file in one encoding (UTF-8 is best)");
  }
  auto cd = static_cast<iconv_t>(iconv_);
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // a fresh start: no state from a refused line
  const size_t start = out.size();
  // GB18030 grows at most by half (two bytes become three) plus a little.
  out.resize(start + line.size() + line.size() / 2 + 16);
  char* in_ptr = const_cast<char*>(line.data());  // iconv's signature; it does not write
  size_t in_left = line.size();
  char* out_ptr = out.data() + start;
  size_t out_left = out.size() - start;
  while (in_left > 0) {
    if (iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left) != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      const size_t written = out_ptr - out.data();
      out.resize(out.size() * 2);
      out_ptr = out.data() + written;
      out_left = out.size() - written;
      continue;
    }
    const size_t at = in_ptr - line.data();
    out.resize(start);
    const int64_t where = offset + static_cast<int64_t>(at);
    if (errno == EINVAL) {
      return InvalidArgument(std::string("the line ends inside a ") + EncodingName(from_) +
                             " character at byte offset " + std::to_string(where) + " (" + HexBytes(line.substr(at)) +
                             ")");
    }
    return InvalidBytes(from_, where, line.substr(at));
  }
  out.resize(out_ptr - out.data());
  return Status::Ok();
}

}  // namespace tc::io
