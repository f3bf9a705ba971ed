// UTF-8 code points: appending one to a string, and decoding a text strictly (no
// overlong forms, surrogates or values past U+10FFFF). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tc {

// Appends the UTF-8 form of `cp` (at most U+10FFFF) to `out`.
void AppendUtf8(std::string& out, char32_t cp);
inline std::string Utf8(char32_t cp) {
  std::string s;
  AppendUtf8(s, cp);
  return s;
}
// Decodes `s` into code points; false, with `bad` the byte offset of the first invalid
// sequence, if it is not valid UTF-8.
bool DecodeUtf8(std::string_view s, std::vector<char32_t>& out, size_t& bad);

}  // namespace tc
