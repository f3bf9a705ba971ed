// QR images: the PNG read back with libpng shows exactly the symbol libqrencode made
// (with its quiet zone and module size); the SVG's geometry matches the same symbol.
#include "healthcode/qr.h"

#include <gtest/gtest.h>
#include <png.h>

#include <regex>

namespace tc::healthcode {
namespace {

// A 176-character health code text (the longest): version 7 at level M.
const std::string kCode = "TC1." + std::string(172, 'A');

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> grey;
};

Image ReadPng(const std::string& png) {
  Image img;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, png.data(), png.size())) {
    ADD_FAILURE() << "not a PNG: " << image.message;
    return img;
  }
  image.format = PNG_FORMAT_GRAY;
  img.width = static_cast<int>(image.width);
  img.height = static_cast<int>(image.height);
  img.grey.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, img.grey.data(), 0, nullptr)) {
    ADD_FAILURE() << "PNG does not decode: " << image.message;
  }
  return img;
}

TEST(Qr, ACodeTextIsVersion7AtLevelM) {
  auto m = QrEncode(kCode);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->width, 45) << "version 7 is 45 modules wide";
  // The three finder patterns' corners are dark, their separators light.
  EXPECT_TRUE(m->at(0, 0) && m->at(m->width - 1, 0) && m->at(0, m->width - 1));
  EXPECT_FALSE(m->at(7, 7));
}

TEST(Qr, PngDecodesToTheSymbolWithItsMarginAndModuleSize) {
  auto m = QrEncode(kCode);
  ASSERT_TRUE(m.ok());
  for (auto [px, margin] : {std::pair{6, 4}, std::pair{1, 0}, std::pair{3, 2}}) {
    auto png = QrPng(kCode, px, margin);
    ASSERT_TRUE(png.ok()) << png.status().ToString();
    ASSERT_GE(png->size(), 8u);
    EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    const Image img = ReadPng(*png);
    const int side = (m->width + 2 * margin) * px;
    ASSERT_EQ(img.width, side);
    ASSERT_EQ(img.height, side);
    for (int y = 0; y < side; ++y) {
      for (int x = 0; x < side; ++x) {
        const int mx = x / px - margin, my = y / px - margin;
        const bool dark = mx >= 0 && my >= 0 && mx < m->width && my < m->width && m->at(mx, my);
        ASSERT_EQ(img.grey[static_cast<size_t>(y) * side + x], dark ? 0 : 255) << "pixel " << x << "," << y;
      }
    }
  }
}

TEST(Qr, SvgHasTheViewBoxAndOneRunPerDarkStretch) {
  auto m = QrEncode(kCode);
  ASSERT_TRUE(m.ok());
  auto svg = QrSvg(kCode, 5, 4);
  ASSERT_TRUE(svg.ok()) << svg.status().ToString();
  EXPECT_NE(svg->find("viewBox=\"0 0 53 53\""), std::string::npos) << *svg;
  EXPECT_NE(svg->find("width=\"265\" height=\"265\""), std::string::npos);
  EXPECT_EQ(svg->find("<path"), svg->rfind("<path")) << "one path";
  // Paint the runs back and compare with the symbol.
  std::vector<bool> painted(static_cast<size_t>(m->width) * m->width);
  const std::regex run("M(\\d+) (\\d+)h(\\d+)v1h-(\\d+)z");
  for (auto it = std::sregex_iterator(svg->begin(), svg->end(), run); it != std::sregex_iterator(); ++it) {
    const int x = std::stoi((*it)[1]) - 4, y = std::stoi((*it)[2]) - 4, len = std::stoi((*it)[3]);
    ASSERT_EQ(len, std::stoi((*it)[4]));
    for (int i = 0; i < len; ++i) {
      ASSERT_TRUE(x + i >= 0 && x + i < m->width && y >= 0 && y < m->width);
      painted[static_cast<size_t>(y) * m->width + x + i] = true;
    }
  }
  EXPECT_EQ(painted, m->dark);
}

TEST(Qr, BadInputIsRefusedNamingTheField) {
  auto empty = QrPng("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().field_errors().at(0).field, "text");
  auto huge = QrSvg(std::string(4000, 'x'));
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().field_errors().at(0).field, "text") << huge.status().ToString();
  EXPECT_EQ(QrPng(kCode, 0).status().field_errors().at(0).field, "module_px");
  EXPECT_EQ(QrPng(kCode, 65).status().field_errors().at(0).field, "module_px");
  EXPECT_EQ(QrSvg(kCode, 4, -1).status().field_errors().at(0).field, "margin");
  EXPECT_EQ(QrSvg(kCode, 4, 17).status().field_errors().at(0).field, "margin");
  // Bytes with a NUL are encoded whole (8-bit data), not cut at the NUL.
  auto with_nul = QrEncode(std::string("a\0b", 3));
  ASSERT_TRUE(with_nul.ok()) << with_nul.status().ToString();
}

}  // namespace
}  // namespace tc::healthcode
