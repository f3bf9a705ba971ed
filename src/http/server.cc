#include "http/server.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

namespace tc::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using beast::error_code;
using Millis = std::chrono::milliseconds;

// Bytes asked for per read while a connection waits for a request or is drained.
constexpr size_t kReadChunk = 4096;
// After an error response the server stops sending and reads (and discards) what
// the client is still sending, for at most this long and this many bytes, before it
// closes. Closing with unread input makes the kernel send a reset, and the client
// could lose the error response ("lingering close").
constexpr auto kLingerTimeout = std::chrono::seconds(2);
constexpr size_t kLingerMaxBytes = 1024 * 1024;
constexpr char kServerName[] = "tongchou";

// Beast 1.74 speaks boost::string_view.
std::string_view ToStd(beast::string_view s) { return {s.data(), s.size()}; }

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), LowerAscii);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return LowerAscii(x) == LowerAscii(y); });
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes. nullopt if an escape is malformed or decodes to NUL.
std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = HexValue(s[i + 1]);
    const int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// True for errors that mean the bytes received are not acceptable HTTP (as opposed
// to the peer going away, a timeout, or the server closing the connection).
bool IsBadInput(const error_code& ec) {
  static const auto& kHttpCategory = bhttp::make_error_code(bhttp::error::bad_method).category();
  return ec.category() == kHttpCategory && ec != bhttp::error::end_of_stream &&
         ec != bhttp::error::partial_message;
}

Response RenderError(const ErrorRenderer& renderer, const Request& partial, int status,
                     const std::string& detail) {
  if (renderer) {
    try {
      return renderer(partial, status, detail);
    } catch (const std::exception& e) {
      spdlog::error("http: error renderer threw: {}", e.what());
    } catch (...) {
      spdlog::error("http: error renderer threw");
    }
  }
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::to_string(status) + " " +
           std::string(bhttp::obsolete_reason(static_cast<bhttp::status>(status))) + ": " + detail + "\n";
  return r;
}

class Session;

// State shared by the acceptor and all sessions of one Server.
//
// Locking: `mu` guards `sessions`, `stop_time` and `running`, and every write of
// `stopping` (so condition-variable waits on it do not miss a wake-up); `stopping`
// is atomic so sessions may read it without `mu`. Everything else a session touches
// is its own and is used only on its strand; the acceptor and the signal set are
// used only on the acceptor's strand (or while no I/O thread runs). Never drop the
// last reference to a Session while holding `mu`: its destructor takes `mu`.
struct ServerCore {
  ServerCore(ServerOptions o, Handler h, ErrorRenderer r)
      : options(std::move(o)),
        handler(std::move(h)),
        error_renderer(std::move(r)),
        ioc(std::max(1, options.threads)) {}

  const ServerOptions options;
  const Handler handler;
  const ErrorRenderer error_renderer;

  std::mutex mu;
  std::condition_variable cv;  // notified when stopping, a session ends, or Run() ends
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::chrono::steady_clock::time_point stop_time;
  std::atomic<bool> stopping{false};
  bool running = false;  // Run() is in progress

  // Declared last so it is destroyed first: handlers it destroys may end sessions,
  // which unregister themselves through `mu` and `sessions`.
  asio::io_context ioc;
};

// One connection: read a request, call the handler on this I/O thread, write the
// response, repeat while keep-alive. All member functions except Start() and
// OnServerStopping() run on the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerCore& core, tcp::socket socket) : core_(core), stream_(std::move(socket)) {
    error_code ec;
    const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_addr_ = peer.address().to_string();
  }

  ~Session() {
    std::lock_guard lock(core_.mu);
    core_.sessions.erase(this);
    core_.cv.notify_all();
  }

  // Registers with the server and starts reading. Call once, on a shared_ptr.
  void Start() {
    {
      std::lock_guard lock(core_.mu);
      core_.sessions.emplace(this, weak_from_this());
    }
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadNext(); });
  }

  // The server is stopping: close now if waiting for a request (or draining), else
  // after the current response. Thread-safe.
  void OnServerStopping() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kIdle || self->state_ == State::kLingering) self->Close();
    });
  }

 private:
  enum class State { kStarting, kIdle, kReading, kHandling, kWriting, kLingering, kClosed };

  void ReadNext() {
    if (core_.stopping) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<size_t>(core_.options.header_limit, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(static_cast<std::uint64_t>(core_.options.body_limit));
    if (buffer_.size() > 0) return ReadRequest();  // a pipelined request is already here
    state_ = State::kIdle;
    stream_.expires_after(Millis(core_.options.idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
  }

  void OnFirstBytes(error_code ec, size_t n) {
    buffer_.commit(n);
    if (ec) return Close();  // idle timeout, peer gone, or closed by Stop()
    ReadRequest();
  }

  void ReadRequest() {
    state_ = State::kReading;
    stream_.expires_after(Millis(core_.options.read_timeout_ms));
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRequest, shared_from_this()));
  }

  void OnRequest(error_code ec, size_t /*bytes*/) {
    if (ec == bhttp::error::body_limit) {
      return ReplyError(413, "request body exceeds " + std::to_string(core_.options.body_limit) + " bytes");
    }
    if (ec == bhttp::error::header_limit) {
      return ReplyError(431,
                        "request header exceeds " + std::to_string(core_.options.header_limit) + " bytes");
    }
    if (ec) {
      if (IsBadInput(ec)) return ReplyError(400, "malformed HTTP request: " + ec.message());
      return Close();
    }
    stream_.expires_never();

    bhttp::request<bhttp::string_body> msg = parser_->release();
    Request req = PartialRequest(msg);
    req.body = std::move(msg.body());
    const std::string_view target = req.target;
    const size_t q = target.find('?');
    std::optional<std::string> path = PercentDecode(target.substr(0, q));
    if (!path) return ReplyError(400, "invalid percent-encoding in path", &req);
    req.path = std::move(*path);
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));

    state_ = State::kHandling;
    Response response;
    try {
      response = core_.handler(req);
    } catch (const std::exception& e) {
      spdlog::error("http: handler threw on {} {}: {}", req.method, req.target, e.what());
      response = RenderError(core_.error_renderer, req, 500, "internal error");
    } catch (...) {
      spdlog::error("http: handler threw on {} {}", req.method, req.target);
      response = RenderError(core_.error_renderer, req, 500, "internal error");
    }
    Reply(std::move(response), msg.keep_alive(), msg.method() == bhttp::verb::head, msg.version(),
          /*linger=*/false);
  }

  // What is known of the request in `msg`, which may be partly parsed.
  Request PartialRequest(const bhttp::request<bhttp::string_body>& msg) const {
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& field : msg) {
      req.headers.emplace_back(ToLower(ToStd(field.name_string())), std::string(field.value()));
    }
    req.remote_addr = remote_addr_;
    return req;
  }

  // Answers an error the server found itself, then closes the connection.
  void ReplyError(int status, std::string detail, const Request* known = nullptr) {
    const Request partial = known != nullptr ? *known : PartialRequest(parser_->get());
    const bool head = partial.method == "HEAD";
    Reply(RenderError(core_.error_renderer, partial, status, detail), /*keep_alive=*/false, head,
          /*version=*/11, /*linger=*/true);
  }

  void Reply(Response r, bool keep_alive, bool head, unsigned version, bool linger) {
    const bool close = !keep_alive || core_.stopping;
    const int status = r.status >= 100 && r.status <= 999 ? r.status : 500;
    const bool bodiless = status < 200 || status == 204 || status == 304;
    response_ = {};
    response_.version(version);
    response_.result(static_cast<unsigned>(status));
    response_.set(bhttp::field::server, kServerName);
    if (!bodiless && !r.content_type.empty()) response_.set(bhttp::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) response_.insert(name, value);
    response_.keep_alive(!close);
    if (!bodiless) {
      response_.content_length(r.body.size());
      if (!head) response_.body() = std::move(r.body);
    }
    close_after_write_ = close;
    linger_after_write_ = linger;
    state_ = State::kWriting;
    // There is no separate write timeout: a client too slow to take the response
    // within read_timeout_ms is dropped.
    stream_.expires_after(Millis(core_.options.read_timeout_ms));
    bhttp::async_write(stream_, response_,
                       beast::bind_front_handler(&Session::OnWritten, shared_from_this()));
  }

  void OnWritten(error_code ec, size_t /*bytes*/) {
    if (ec) return Close();
    if (linger_after_write_) return Linger();
    if (close_after_write_) return Close();
    ReadNext();
  }

  void Linger() {
    state_ = State::kLingering;
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec || core_.stopping) return Close();
    buffer_.clear();
    stream_.expires_after(kLingerTimeout);
    DrainSome();
  }

  void DrainSome() {
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::OnDrained, shared_from_this()));
  }

  void OnDrained(error_code ec, size_t n) {
    drained_bytes_ += n;
    if (ec || drained_bytes_ > kLingerMaxBytes) return Close();
    DrainSome();
  }

  // Idempotent. Pending operations complete with an error and end the session.
  void Close() {
    state_ = State::kClosed;
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  ServerCore& core_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;  // kept alive during async_write
  std::string remote_addr_;
  State state_ = State::kStarting;
  bool close_after_write_ = false;
  bool linger_after_write_ = false;
  size_t drained_bytes_ = 0;
};

}  // namespace

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

struct Server::Impl {
  Impl(ServerOptions options, Handler handler, ErrorRenderer error_renderer)
      : core(std::move(options), std::move(handler), std::move(error_renderer)) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(core.ioc), [this](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {
        spdlog::warn("http: accept failed: {}", ec.message());
      } else if (!core.stopping) {
        std::make_shared<Session>(core, std::move(socket))->Start();
      }
      if (!core.stopping) Accept();
    });
  }

  ServerCore core;
  // The acceptor and the signal set share one strand; destroyed before `core`.
  tcp::acceptor acceptor{asio::make_strand(core.ioc)};
  std::optional<asio::signal_set> signals;
  uint16_t port = 0;
  bool started = false;
};

Server::Server(ServerOptions options, Handler handler, ErrorRenderer error_renderer)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(error_renderer))) {}

Server::~Server() {
  Stop();
  ServerCore& core = impl_->core;
  std::unique_lock lock(core.mu);
  core.cv.wait(lock, [&] { return !core.running; });
}

Status Server::Start() {
  Impl& impl = *impl_;
  const ServerOptions& options = impl.core.options;
  const std::string where = options.host + ":" + std::to_string(options.port);
  if (impl.started) return Internal("server on " + where + " already started");
  auto fail = [&](const std::string& reason) {
    error_code ignored;
    impl.acceptor.close(ignored);
    return Unavailable("cannot listen on " + where + ": " + reason);
  };

  error_code ec;
  tcp::resolver resolver(impl.core.ioc);
  const auto endpoints = resolver.resolve(options.host, std::to_string(options.port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec) return fail(ec.message());
  if (endpoints.empty()) return fail("host has no address");
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  impl.acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail(ec.message());
  impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail(ec.message());
  impl.acceptor.bind(endpoint, ec);
  if (ec) return fail(ec.message());
  impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(ec.message());
  impl.port = impl.acceptor.local_endpoint(ec).port();
  if (ec) return fail(ec.message());

  impl.started = true;
  impl.Accept();
  return Status::Ok();
}

uint16_t Server::port() const { return impl_->port; }

void Server::Run() {
  Impl& impl = *impl_;
  ServerCore& core = impl.core;
  {
    std::lock_guard lock(core.mu);
    if (!impl.started || core.running) return;
    core.running = true;
  }
  if (core.options.handle_signals) {
    impl.signals.emplace(impl.acceptor.get_executor(), SIGINT, SIGTERM);
    impl.signals->async_wait([this](error_code ec, int /*signal*/) {
      if (!ec) Stop();
    });
  }

  // Keeps run() going while nothing is pending, so work that Stop() posts after the
  // last operation ended still runs; the threads end only at ioc.stop() below.
  auto work = asio::make_work_guard(core.ioc);
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, core.options.threads); ++i) {
    threads.emplace_back([&core] { core.ioc.run(); });
  }
  {
    std::unique_lock lock(core.mu);
    core.cv.wait(lock, [&] { return core.stopping.load(); });
    core.cv.wait_until(lock, core.stop_time + Millis(core.options.shutdown_grace_ms),
                       [&] { return core.sessions.empty(); });
  }
  // Handlers still running past the grace period cannot be interrupted; join waits
  // for them, but no further I/O happens.
  core.ioc.stop();
  for (std::thread& t : threads) t.join();

  error_code ignored;
  impl.acceptor.close(ignored);
  impl.signals.reset();
  std::lock_guard lock(core.mu);
  core.running = false;
  core.cv.notify_all();
}

void Server::Stop() {
  ServerCore& core = impl_->core;
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(core.mu);
    if (core.stopping) return;
    core.stopping = true;
    core.stop_time = std::chrono::steady_clock::now();
    for (const auto& [raw, weak] : core.sessions) {
      if (std::shared_ptr<Session> session = weak.lock()) live.push_back(std::move(session));
    }
    core.cv.notify_all();
  }
  Impl* impl = impl_.get();
  asio::post(impl->acceptor.get_executor(), [impl] {
    error_code ignored;
    impl->acceptor.close(ignored);
    if (impl->signals) impl->signals->cancel(ignored);
  });
  for (const auto& session : live) session->OnServerStopping();
}

}  // namespace tc::http
