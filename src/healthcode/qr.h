// QR images of a code's text (libqrencode at error-correction level M), as PNG or SVG.
//
//   TC_ASSIGN_OR_RETURN(std::string png, QrPng(text));          // image/png bytes
//   TC_ASSIGN_OR_RETURN(std::string svg, QrSvg(text, 4, 2));    // image/svg+xml text
//
// The encoder picks the densest modes itself (a code's "TC1." + base32 text is all in
// the alphanumeric set). `module_px`: pixels per module (1..64); `margin`: quiet-zone
// modules on each side (0..16; scanners want 4). InvalidArgument naming the field for
// an empty text, a text too long for any QR version at level M, or bad sizes. Pure and
// thread-safe (Debian's libqrencode is built with pthread).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tc::healthcode {

// The symbol: `width` × `width` modules, row-major, true = dark; no margin.
struct QrMatrix {
  int width = 0;
  std::vector<bool> dark;
  bool at(int x, int y) const { return dark[static_cast<size_t>(y) * width + x]; }
};
Result<QrMatrix> QrEncode(std::string_view text);

// An 8-bit greyscale PNG, (width + 2·margin)·module_px pixels square; 0 dark, 255 light.
Result<std::string> QrPng(std::string_view text, int module_px = 6, int margin = 4);
// A compact SVG: a white background and one <path> of the dark modules, in module
// units (viewBox "0 0 W W" with W = width + 2·margin); width/height = W·module_px.
Result<std::string> QrSvg(std::string_view text, int module_px = 6, int margin = 4);

}  // namespace tc::healthcode
