#include "http/client.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace tc::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using beast::error_code;

// Beast 1.74 speaks boost::string_view.
std::string_view ToStd(beast::string_view s) { return {s.data(), s.size()}; }
beast::string_view ToBeast(std::string_view s) { return {s.data(), s.size()}; }

// Largest response body the client accepts.
constexpr std::uint64_t kMaxResponseBody = 64ULL * 1024 * 1024;
// Largest response header the client accepts.
constexpr std::uint32_t kMaxResponseHeader = 64 * 1024;

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), LowerAscii);
  return out;
}

// Errors that mean the server had closed a kept-alive connection before the request.
bool ClosedByServer(const error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
}

}  // namespace

std::string_view ClientResponse::Header(std::string_view name) const {
  const std::string lower = ToLower(name);
  for (const auto& [key, value] : headers) {
    if (ToLower(key) == lower) return value;
  }
  return {};
}

// Sync calls on beast::tcp_stream ignore its expiry, so every step is started
// asynchronously and the private io_context is run until it completes; that makes
// expires_after() bound each step.
struct Client::Impl {
  Impl(std::string h, uint16_t p, int timeout_ms)
      : host(std::move(h)), port(p), timeout(std::chrono::milliseconds(timeout_ms)) {}

  void RunUntilDone() {
    ioc.restart();
    ioc.run();
  }

  error_code Connect(std::optional<beast::tcp_stream>& stream) {
    stream.emplace(ioc);
    error_code ec;
    tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(host, std::to_string(port), tcp::resolver::numeric_service, ec);
    if (ec) return ec;
    stream->expires_after(timeout);
    stream->async_connect(endpoints, [&ec](error_code e, const tcp::endpoint&) { ec = e; });
    RunUntilDone();
    return ec;
  }

  template <typename Message>
  error_code WriteMessage(beast::tcp_stream& stream, const Message& message) {
    error_code ec;
    stream.expires_after(timeout);
    bhttp::async_write(stream, message, [&ec](error_code e, size_t) { ec = e; });
    RunUntilDone();
    return ec;
  }

  error_code WriteBytes(beast::tcp_stream& stream, std::string_view bytes) {
    error_code ec;
    stream.expires_after(timeout);
    asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()),
                      [&ec](error_code e, size_t) { ec = e; });
    RunUntilDone();
    return ec;
  }

  // Reads one response into `out`; `keep_alive` says whether the server keeps the
  // connection open. `head`: the request was HEAD, so the response has no body.
  error_code ReadResponse(beast::tcp_stream& stream, beast::flat_buffer& buffer, bool head,
                          ClientResponse& out, bool& keep_alive) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(kMaxResponseHeader);
    parser.body_limit(kMaxResponseBody);
    parser.skip(head);
    error_code ec;
    stream.expires_after(timeout);
    bhttp::async_read(stream, buffer, parser, [&ec](error_code e, size_t) { ec = e; });
    RunUntilDone();
    if (ec) return ec;
    bhttp::response<bhttp::string_body> message = parser.release();
    out.status = static_cast<int>(message.result_int());
    out.body = std::move(message.body());
    for (const auto& field : message) {
      out.headers.emplace_back(ToLower(ToStd(field.name_string())), std::string(field.value()));
    }
    keep_alive = message.keep_alive();
    return {};
  }

  void CloseConnection() {
    if (stream) {
      error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->close();
    }
    stream.reset();
    buffer.clear();
  }

  Status Fail(std::string_view what, const error_code& ec) const {
    return Unavailable("http " + host + ":" + std::to_string(port) + ": " + std::string(what) + ": " +
                       ec.message());
  }

  const std::string host;
  const uint16_t port;
  const std::chrono::milliseconds timeout;
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;  // the kept-alive connection, if open
  beast::flat_buffer buffer;                // bytes read from `stream` but not yet parsed
};

Client::Client(std::string host, uint16_t port, int timeout_ms)
    : impl_(std::make_unique<Impl>(std::move(host), port, timeout_ms)) {}

Client::~Client() = default;

Result<ClientResponse> Client::Send(std::string_view method, std::string_view target, std::string_view body,
                                    const std::vector<std::pair<std::string, std::string>>& headers) {
  Impl& impl = *impl_;
  bhttp::request<bhttp::string_body> request;
  request.method_string(ToBeast(method));
  request.target(ToBeast(target));
  request.version(11);
  request.set(bhttp::field::host, impl.host + ":" + std::to_string(impl.port));
  for (const auto& [name, value] : headers) request.insert(name, value);
  request.body() = std::string(body);
  request.prepare_payload();
  const bool head = request.method() == bhttp::verb::head;

  // A kept-alive connection may have been closed by the server since the last
  // request; then reconnect once and send again.
  for (int attempt = 0;; ++attempt) {
    const bool reused = impl.stream.has_value();
    if (!reused) {
      if (error_code ec = impl.Connect(impl.stream)) {
        impl.CloseConnection();
        return impl.Fail("connect", ec);
      }
    }
    const error_code write_ec = impl.WriteMessage(*impl.stream, request);
    // Read even if the write failed: the server may have answered (e.g. 413) and
    // closed before taking the whole request.
    ClientResponse response;
    bool keep_alive = false;
    const error_code read_ec = write_ec == beast::error::timeout
                                   ? write_ec
                                   : impl.ReadResponse(*impl.stream, impl.buffer, head, response, keep_alive);
    if (!read_ec) {
      if (!keep_alive) impl.CloseConnection();
      return response;
    }
    impl.CloseConnection();
    const error_code& ec = write_ec ? write_ec : read_ec;
    if (reused && attempt == 0 && ClosedByServer(ec)) continue;
    return impl.Fail(write_ec ? "write" : "read", ec);
  }
}

Result<ClientResponse> Client::SendRaw(std::string_view raw) {
  Impl& impl = *impl_;
  std::optional<beast::tcp_stream> stream;
  if (error_code ec = impl.Connect(stream)) return impl.Fail("connect", ec);
  const error_code write_ec = impl.WriteBytes(*stream, raw);
  beast::flat_buffer buffer;
  ClientResponse response;
  bool keep_alive = false;
  if (write_ec == beast::error::timeout) return impl.Fail("write", write_ec);
  if (error_code ec = impl.ReadResponse(*stream, buffer, /*head=*/false, response, keep_alive)) {
    return impl.Fail("no response", ec);
  }
  return response;
}

}  // namespace tc::http
