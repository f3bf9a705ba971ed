// Text encodings of uploaded files. Excel in China saves CSV as UTF-8 with a BOM,
// UTF-8 without one, or GBK/GB18030 (no BOM); everything inside Tongchou is UTF-8.
//
//   io::Encoding e = io::DetectEncoding(first_chunk);
//   TC_ASSIGN_OR_RETURN(auto conv, io::Utf8Converter::Create(e));
//   for (each chunk) TC_RETURN_IF_ERROR(conv.Convert(chunk, utf8));
//   TC_RETURN_IF_ERROR(conv.Finish());
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tc::io {

enum class Encoding { kUtf8, kGb18030 };

// "UTF-8" or "GB18030".
const char* EncodingName(Encoding encoding);

// Strict UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// A BOM or valid UTF-8 means UTF-8, anything else GB18030 (a superset of GBK).
// `sample` may be cut anywhere: an incomplete sequence at its very end is ignored.
Encoding DetectEncoding(std::string_view sample);

// Converts a stream of chunks to UTF-8; chunks may split a character anywhere (the
// incomplete tail is carried to the next chunk). UTF-8 input is validated and copied.
// A byte order mark at the very start is dropped. Invalid input returns
// InvalidArgument naming the byte offset (counted from `first_offset`), after the
// text before it has been appended. Not thread-safe; movable, not copyable.
class Utf8Converter {
 public:
  // Internal if the C library cannot convert from `from`.
  static Result<Utf8Converter> Create(Encoding from, int64_t first_offset = 0);
  Utf8Converter(Utf8Converter&& other) noexcept;
  Utf8Converter& operator=(Utf8Converter&& other) noexcept;
  ~Utf8Converter();

  // Appends the UTF-8 text of `chunk` to `out`.
  Status Convert(std::string_view chunk, std::string& out);
  // InvalidArgument if the input ended inside a character.
  Status Finish();

  Encoding encoding() const { return from_; }
  // Input bytes converted so far (excluding a carried incomplete tail), plus first_offset.
  int64_t offset() const { return offset_; }

 private:
  Utf8Converter(Encoding from, void* iconv, int64_t first_offset);
  // Converts as much of `in` as forms whole characters; returns how much was used,
  // or InvalidArgument at the first invalid byte.
  Result<size_t> ConvertWhole(std::string_view in, std::string& out);
  Result<size_t> CopyUtf8(std::string_view in, std::string& out);
  Result<size_t> Iconv(std::string_view in, std::string& out);

  Encoding from_;
  void* iconv_ = nullptr;  // iconv_t for GB18030, null for UTF-8
  int64_t offset_ = 0;
  bool at_start_ = true;  // no text produced yet: a BOM here is dropped
  std::string carry_;     // an incomplete character from the end of the last chunk
};

// Converts a whole text to UTF-8 (a leading BOM dropped).
Result<std::string> ToUtf8(std::string_view text, Encoding from);

}  // namespace tc::io
