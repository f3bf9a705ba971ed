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
// The longest character in either encoding; a carried tail is always shorter.
constexpr size_t kMaxCharBytes = 4;

struct Utf8Scan {
  size_t valid;     // length of the prefix made of whole, valid characters
  bool incomplete;  // the rest is the start of a valid character cut by the end
};

Utf8Scan ScanUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
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
      return {i, false};
    }
    for (size_t k = 1; k < len; ++k) {
      if (i + k >= n) return {i, true};
      const unsigned char b = p[i + k];
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return {i, false};
    }
    i += len;
  }
  return {n, false};
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
  return InvalidArgument(std::string("invalid ") + EncodingName(from) + " text at byte offset " +
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

Encoding DetectEncoding(std::string_view sample) {
  if (sample.starts_with(kUtf8Bom)) return Encoding::kUtf8;
  const Utf8Scan scan = ScanUtf8(sample);
  if (scan.valid == sample.size() || scan.incomplete) return Encoding::kUtf8;
  return Encoding::kGb18030;
}

Result<Utf8Converter> Utf8Converter::Create(Encoding from, int64_t first_offset) {
  if (from == Encoding::kUtf8) return Utf8Converter(from, nullptr, first_offset);
  iconv_t cd = iconv_open("UTF-8", EncodingName(from));
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return Internal(std::string("cannot convert from ") + EncodingName(from) + ": " + std::strerror(errno));
  }
  return Utf8Converter(from, cd, first_offset);
}

Utf8Converter::Utf8Converter(Encoding from, void* iconv, int64_t first_offset)
    : from_(from), iconv_(iconv), offset_(first_offset) {}

Utf8Converter::Utf8Converter(Utf8Converter&& other) noexcept
    : from_(other.from_),
      iconv_(std::exchange(other.iconv_, nullptr)),
      offset_(other.offset_),
      at_start_(other.at_start_),
      carry_(std::move(other.carry_)) {}

Utf8Converter& Utf8Converter::operator=(Utf8Converter&& other) noexcept {
  if (this != &other) {
    if (iconv_ != nullptr) iconv_close(static_cast<iconv_t>(iconv_));
    from_ = other.from_;
    iconv_ = std::exchange(other.iconv_, nullptr);
    offset_ = other.offset_;
    at_start_ = other.at_start_;
    carry_ = std::move(other.carry_);
  }
  return *this;
}

Utf8Converter::~Utf8Converter() {
  if (iconv_ != nullptr) iconv_close(static_cast<iconv_t>(iconv_));
}

Status Utf8Converter::Convert(std::string_view chunk, std::string& out) {
  const size_t out_start = out.size();
  Status status = [&]() -> Status {
    if (!carry_.empty()) {
      // Complete the carried character with the first bytes of this chunk.
      const size_t take = std::min(chunk.size(), kMaxCharBytes);
      std::string joined = carry_;
      joined.append(chunk.substr(0, take));
      TC_ASSIGN_OR_RETURN(size_t used, ConvertWhole(joined, out));
      if (used < carry_.size()) {
        if (take < chunk.size()) return InvalidBytes(from_, offset_, joined);
        offset_ += static_cast<int64_t>(used);
        carry_ = joined.substr(used);
        return Status::Ok();
      }
      chunk.remove_prefix(used - carry_.size());
      offset_ += static_cast<int64_t>(used);
      carry_.clear();
    }
    TC_ASSIGN_OR_RETURN(size_t used, ConvertWhole(chunk, out));
    offset_ += static_cast<int64_t>(used);
    carry_.assign(chunk.substr(used));
    if (carry_.size() >= kMaxCharBytes) return InvalidBytes(from_, offset_, carry_);
    return Status::Ok();
  }();
  if (at_start_ && out.size() > out_start) {
    if (std::string_view(out).substr(out_start).starts_with(kUtf8Bom)) out.erase(out_start, kUtf8Bom.size());
    at_start_ = false;
  }
  return status;
}

Status Utf8Converter::Finish() {
  if (carry_.empty()) return Status::Ok();
  return InvalidArgument(std::string("the text ends inside a ") + EncodingName(from_) + " character at byte offset " +
                         std::to_string(offset_) + " (" + HexBytes(carry_) + ")");
}

Result<size_t> Utf8Converter::ConvertWhole(std::string_view in, std::string& out) {
  return iconv_ == nullptr ? CopyUtf8(in, out) : Iconv(in, out);
}

Result<size_t> Utf8Converter::CopyUtf8(std::string_view in, std::string& out) {
  const Utf8Scan scan = ScanUtf8(in);
  out.append(in.data(), scan.valid);
  if (scan.valid == in.size() || scan.incomplete) return scan.valid;
  return InvalidBytes(from_, offset_ + static_cast<int64_t>(scan.valid), in.substr(scan.valid));
}

Result<size_t> Utf8Converter::Iconv(std::string_view in, std::string& out) {
  auto cd = static_cast<iconv_t>(iconv_);
  const size_t start = out.size();
  // GB18030 grows at most by half (two bytes become three) plus a little.
  out.resize(start + in.size() + in.size() / 2 + 16);
  char* in_ptr = const_cast<char*>(in.data());  // iconv's signature; it does not write
  size_t in_left = in.size();
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
    if (errno == EINVAL) break;  // an incomplete character at the end: carried
    const size_t at = in_ptr - in.data();
    out.resize(out_ptr - out.data());
    return InvalidBytes(from_, offset_ + static_cast<int64_t>(at), in.substr(at));
  }
  out.resize(out_ptr - out.data());
  return static_cast<size_t>(in_ptr - in.data());
}

Result<std::string> ToUtf8(std::string_view text, Encoding from) {
  TC_ASSIGN_OR_RETURN(Utf8Converter converter, Utf8Converter::Create(from));
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  TC_RETURN_IF_ERROR(converter.Convert(text, out));
  TC_RETURN_IF_ERROR(converter.Finish());
  return out;
}

}  // namespace tc::io
