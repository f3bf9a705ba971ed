#include "api/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tc::api {
namespace {

std::string ContentType(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".ttf") return "font/ttf";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool ReadFile(const std::filesystem::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

}  // namespace

std::optional<http::Response> StaticFiles::Serve(const http::Request& request) const {
  if (root_.empty()) return std::nullopt;
  http::Response r;
  if (request.method != "GET" && request.method != "HEAD") {
    r.status = 405;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "method not allowed";
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  // Resolve inside the root only: no "..", no absolute escapes.
  std::filesystem::path rel = std::filesystem::path(request.path).relative_path().lexically_normal();
  const std::string rel_text = rel.string();
  const bool escapes = rel_text.starts_with("..") || rel.is_absolute();
  std::filesystem::path file = std::filesystem::path(root_) / rel;
  std::error_code ec;
  const bool found = !escapes && !rel_text.empty() && rel_text != "." &&
                     std::filesystem::is_regular_file(file, ec);
  if (!found) {
    // An asset that does not exist is a 404; any other path is a console route.
    if (rel_text.starts_with("assets/") || escapes) {
      r.status = 404;
      r.content_type = "text/plain; charset=utf-8";
      r.body = "not found";
      return r;
    }
    file = std::filesystem::path(root_) / "index.html";
  }
  // A precompressed copy (web/dist/**/*.gz, made by `make web`) when the client takes gzip.
  const bool gzip_ok = request.Header("accept-encoding").find("gzip") != std::string_view::npos;
  std::filesystem::path gz = file;
  gz += ".gz";
  if (gzip_ok && std::filesystem::is_regular_file(gz, ec) && ReadFile(gz, r.body)) {
    r.headers.emplace_back("Content-Encoding", "gzip");
  } else if (!ReadFile(file, r.body)) {
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "the web console is not built (make web)";
    return r;
  }
  r.content_type = ContentType(file);
  r.headers.emplace_back("Vary", "Accept-Encoding");
  const bool hashed = rel_text.starts_with("assets/") && found;
  r.headers.emplace_back("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (file.filename() == "index.html") {
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                           "connect-src 'self'; frame-ancestors 'none'");
  }
  if (request.method == "HEAD") r.body.clear();
  return r;
}

}  // namespace tc::api
