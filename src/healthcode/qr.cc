#include "healthcode/qr.h"

#include <png.h>
#include <qrencode.h>

#include <cerrno>
#include <memory>

namespace tc::healthcode {
namespace {

constexpr int kMaxModulePx = 64;
constexpr int kMaxMargin = 16;

Status CheckSizes(int module_px, int margin) {
  if (module_px < 1 || module_px > kMaxModulePx) return FieldInvalid("module_px", "must be 1 to 64");
  if (margin < 0 || margin > kMaxMargin) return FieldInvalid("margin", "must be 0 to 16");
  return Status::Ok();
}

}  // namespace

Result<QrMatrix> QrEncode(std::string_view text) {
  if (text.empty()) return FieldInvalid("text", "is empty");
  errno = 0;
  QRcode* raw;
  if (text.find('\0') == std::string_view::npos) {
    const std::string z(text);  // QRcode_encodeString wants a C string
    raw = QRcode_encodeString(z.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  } else {
    raw = QRcode_encodeData(static_cast<int>(text.size()), reinterpret_cast<const unsigned char*>(text.data()), 0,
                            QR_ECLEVEL_M);
  }
  if (!raw) {
    if (errno == ERANGE) {
      return FieldInvalid("text", std::to_string(text.size()) + " bytes are too many for a QR code at level M");
    }
    return Internal("libqrencode could not encode the text (errno " + std::to_string(errno) + ")");
  }
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(raw, &QRcode_free);
  QrMatrix m;
  m.width = code->width;
  m.dark.resize(static_cast<size_t>(m.width) * m.width);
  for (size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = code->data[i] & 1;
  return m;
}

Result<std::string> QrPng(std::string_view text, int module_px, int margin) {
  TC_RETURN_IF_ERROR(CheckSizes(module_px, margin));
  TC_ASSIGN_OR_RETURN(QrMatrix m, QrEncode(text));
  const int side = (m.width + 2 * margin) * module_px;
  std::vector<uint8_t> pixels(static_cast<size_t>(side) * side, 255);
  for (int y = 0; y < m.width; ++y) {
    for (int x = 0; x < m.width; ++x) {
      if (!m.at(x, y)) continue;
      for (int dy = 0; dy < module_px; ++dy) {
        uint8_t* row = pixels.data() + static_cast<size_t>((margin + y) * module_px + dy) * side;
        std::fill_n(row + (margin + x) * module_px, module_px, uint8_t{0});
      }
    }
  }
  // libpng's simplified API: no setjmp/longjmp in our frames.
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(side);
  image.height = static_cast<png_uint_32>(side);
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr)) {
    return Internal(std::string("libpng could not size the image: ") + image.message);
  }
  std::string out(size, '\0');
  if (!png_image_write_to_memory(&image, out.data(), &size, 0, pixels.data(), 0, nullptr)) {
    return Internal(std::string("libpng could not write the image: ") + image.message);
  }
  out.resize(size);
  return out;
}

Result<std::string> QrSvg(std::string_view text, int module_px, int margin) {
  TC_RETURN_IF_ERROR(CheckSizes(module_px, margin));
  TC_ASSIGN_OR_RETURN(QrMatrix m, QrEncode(text));
  const int w = m.width + 2 * margin;
  const std::string ws = std::to_string(w), px = std::to_string(w * module_px);
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + ws + " " + ws + "\" width=\"" + px +
                    "\" height=\"" + px + "\" shape-rendering=\"crispEdges\"><rect width=\"" + ws + "\" height=\"" +
                    ws + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  // One horizontal run of dark modules per subpath: M x y h len v1 h -len z.
  for (int y = 0; y < m.width; ++y) {
    for (int x = 0; x < m.width;) {
      if (!m.at(x, y)) {
        ++x;
        continue;
      }
      int end = x;
      while (end < m.width && m.at(end, y)) ++end;
      const std::string len = std::to_string(end - x);
      out += "M" + std::to_string(x + margin) + " " + std::to_string(y + margin) + "h" + len + "v1h-" + len + "z";
      x = end;
    }
  }
  out += "\"/></svg>\n";
  return out;
}

}  // namespace tc::healthcode
