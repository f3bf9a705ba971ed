// Text encodings of uploaded files. Excel in China saves CSV as UTF-8 with a BOM,
// UTF-8 without one, or GBK/GB18030 (no BOM); everything inside Tongchou is UTF-8.
// A file is decoded line by line, so a line in another encoding than the file's
// (a GBK line pasted into a UTF-8 file, or the reverse) is that line's error only,
// never mojibake.
//
//   io::Encoding e = io::DetectEncoding(first_64_kib);
//   TC_ASSIGN_OR_RETURN(auto decoder, io::LineDecoder::Create(e));
//   for (each physical line) {
//     if (Status s = decoder.Decode(line, line_offset, utf8); !s.ok()) Reject(line_number, s);
//   }
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

// What the bytes of one line look like.
//   kAscii       no byte above 0x7F: the same text in either encoding.
//   kUtf8Wide    valid UTF-8 with a character of three or four bytes (every Chinese
//                character and full-width sign is one). GBK text almost never forms
//                this by chance (measured: under 2 in 10,000 random lines of 3-4 hanzi).
//   kUtf8Narrow  valid UTF-8 whose other characters are all two bytes (é, ·): GBK text
//                forms this often (a two-hanzi GBK name, 3% of the time).
//   kNotUtf8     not valid UTF-8.
enum class LineBytes { kAscii, kUtf8Wide, kUtf8Narrow, kNotUtf8 };
// `line` may be cut inside its last character (an incomplete tail counts as valid).
LineBytes ClassifyLine(std::string_view line);

// The encoding of a file from its first bytes (`sample` may be cut anywhere). A UTF-8
// BOM, or a sample that is all valid UTF-8, means UTF-8. Otherwise its lines vote:
// UTF-8 when at least as many lines are kUtf8Wide as are kNotUtf8, else GB18030 (a
// superset of GBK). So a UTF-8 file with a pasted GBK line stays UTF-8 (and that line
// is refused), and a GBK file whose few short lines happen to be valid UTF-8 stays GBK.
Encoding DetectEncoding(std::string_view sample);

// Decodes the physical lines of a file (without their line breaks) to UTF-8, each on
// its own. Refuses, with InvalidArgument saying why and naming the byte offset:
//   - in a UTF-8 file, a line that is not valid UTF-8 (GBK bytes, say);
//   - in a GB18030 file, a line that is not valid GB18030, and a kUtf8Wide line: it
//     is UTF-8 text, which would decode to mojibake (赵 as 璧).
// A kUtf8Narrow line in a GB18030 file is decoded as GB18030. A refused line appends
// nothing. Not thread-safe; movable, not copyable.
class LineDecoder {
 public:
  // Internal if the C library cannot convert from `from`.
  static Result<LineDecoder> Create(Encoding from);
  LineDecoder(LineDecoder&& other) noexcept;
  LineDecoder& operator=(LineDecoder&& other) noexcept;
  ~LineDecoder();

  // Appends the UTF-8 text of `line` to `out`. `offset` is the line's byte offset in
  // the file, for the message.
  Status Decode(std::string_view line, int64_t offset, std::string& out);

  Encoding encoding() const { return from_; }

 private:
  LineDecoder(Encoding from, void* iconv);

  Encoding from_;
  void* iconv_ = nullptr;  // iconv_t for GB18030, null for UTF-8
};

}  // namespace tc::io
