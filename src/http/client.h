// A small blocking HTTP/1.1 client for tests and CLI tools (Boost.Beast underneath).
// One Client holds one keep-alive connection and reconnects when the server closed it.
// Not thread-safe: use one Client per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace tc::http {

struct ClientResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string_view Header(std::string_view name) const;
};

class Client {
 public:
  Client(std::string host, uint16_t port, int timeout_ms = 30'000);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one request; `headers` are added as given (Host, Content-Length are set).
  // Unavailable if the connection failed or timed out.
  Result<ClientResponse> Send(std::string_view method, std::string_view target,
                              std::string_view body = {},
                              const std::vector<std::pair<std::string, std::string>>& headers = {});
  // Opens a fresh connection, writes `raw` bytes as they are, and reads one response
  // (or returns Unavailable if the server closed without one). For bad-input tests.
  Result<ClientResponse> SendRaw(std::string_view raw);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tc::http
