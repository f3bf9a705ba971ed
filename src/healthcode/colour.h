// A health code's colour, shared by the colour engine (codes.h) and the signed
// payload (token.h). The values are the payload's byte: never renumber.
#pragma once

#include <cstdint>
#include <string_view>

namespace tc::healthcode {

enum class Colour : uint8_t { kGreen = 0, kYellow = 1, kRed = 2 };

// green | yellow | red
constexpr std::string_view ColourName(Colour c) {
  return c == Colour::kRed ? "red" : c == Colour::kYellow ? "yellow" : "green";
}
// 绿码 | 黄码 | 红码
constexpr std::string_view ColourNameZh(Colour c) {
  return c == Colour::kRed ? "红码" : c == Colour::kYellow ? "黄码" : "绿码";
}
constexpr bool ParseColour(std::string_view s, Colour* out) {
  for (Colour c : {Colour::kGreen, Colour::kYellow, Colour::kRed}) {
    if (s == ColourName(c)) {
      *out = c;
      return true;
    }
  }
  return false;
}

}  // namespace tc::healthcode
