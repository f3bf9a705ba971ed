// An HTTP/1.1 server (Boost.Beast underneath; Beast stays inside src/http/).
//
//   http::Server server(options, [](const http::Request& r) { return http::Response{...}; });
//   if (auto s = server.Start(); !s.ok()) ...;   // binds and listens
//   server.Run();                                // blocks until SIGINT/SIGTERM or Stop()
//
// Multi-threaded (options.threads I/O threads run handlers, each with its own event
// loop; one more thread accepts and deals connections out in turn, and a connection
// stays on its thread, so one slow handler delays only the connections of its
// thread), keep-alive, pipelining, limits on header and body size, read/idle
// timeouts. Stop() / a signal stops accepting, lets
// in-flight requests finish (up to options.shutdown_grace_ms), then returns from Run().
// The handler is called concurrently from several threads and must be thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace tc::http {

struct Request {
  std::string method;       // "GET", "POST", ...
  std::string target;       // as sent: "/api/v1/areas?parent=220100000000"
  std::string path;         // percent-decoded path part of target: "/api/v1/areas"
  std::string query;        // raw query string after '?', not decoded ("" if none)
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_addr;  // "127.0.0.1"
  // Value of the first header with this (case-insensitive) name, or "".
  std::string_view Header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

using Handler = std::function<Response(const Request&)>;
// Renders an error the server detects itself before any handler runs (400 bad
// HTTP, 413 body too large, 431 headers too large). `detail` says what was wrong.
using ErrorRenderer = std::function<Response(const Request& partial, int status, std::string detail)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;            // 0: pick a free port (see Server::port())
  int threads = 4;                 // I/O threads (plus one accept thread)
  size_t header_limit = 16 * 1024;        // bytes of request line + headers
  size_t body_limit = 8 * 1024 * 1024;    // bytes of body
  int read_timeout_ms = 30'000;    // to receive a whole request once it has started
  int idle_timeout_ms = 60'000;    // keep-alive connection with no request
  int shutdown_grace_ms = 10'000;  // how long in-flight requests may take after Stop()
  bool handle_signals = true;      // SIGINT/SIGTERM call Stop()
};

class Server {
 public:
  Server(ServerOptions options, Handler handler, ErrorRenderer error_renderer = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Unavailable (naming host:port) if the address cannot be bound.
  Status Start();
  // The bound port (after Start()).
  uint16_t port() const;
  // Runs the I/O threads; returns after Stop() or a signal, once in-flight requests
  // have finished or the grace period has passed.
  void Run();
  // Thread-safe; may be called from a handler or another thread.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tc::http
