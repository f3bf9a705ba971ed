// Serves the built web console (web/dist) for every path outside /api/: files
// with their content type, hashed assets (/assets/*) cached for a year, other
// files revalidated, unknown paths answered with index.html so the console's
// client-side routes work on reload (SPA fallback), and a precompressed `.gz` copy
// served when the client accepts gzip. Thread-safe (reads files).
#pragma once

#include <optional>
#include <string>

#include "http/server.h"

namespace tc::api {

class StaticFiles {
 public:
  // `root` is the folder holding index.html; "" disables serving.
  explicit StaticFiles(std::string root) : root_(std::move(root)) {}
  bool enabled() const { return !root_.empty(); }
  // The response for a GET/HEAD of `path`, or nullopt if disabled.
  std::optional<http::Response> Serve(const http::Request& request) const;

 private:
  std::string root_;
};

}  // namespace tc::api
