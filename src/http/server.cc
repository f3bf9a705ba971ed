#include "http/server.h"

#include <algorithm>
#include <array>
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

#include <unistd.h>

#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>
#include <spdlog/spdlog.h>

namespace tc::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using beast::error_code;
using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

// Every I/O object is bound to its thread's io_context directly: no type-erased
// executor and no strand between a connection and its thread.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<tcp, Executor>;
using Timer = asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor>;

// Bytes asked for per read while a connection waits for a request or is drained.
constexpr size_t kReadChunk = 4096;
// Per-connection buffers that grew past this for one large request are given back.
constexpr size_t kKeepCapacity = 64 * 1024;
// After an error response the server stops sending and reads (and discards) what
// the client is still sending, for at most this long and this many bytes, before it
// closes. Closing with unread input makes the kernel send a reset, and the client
// could lose the error response ("lingering close").
constexpr auto kLingerTimeout = std::chrono::seconds(2);
constexpr size_t kLingerMaxBytes = 1024 * 1024;
constexpr std::string_view kServerName = "tongchou";

// Beast 1.74 speaks boost::string_view.
std::string_view ToStd(beast::string_view s) { return {s.data(), s.size()}; }

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

void AssignLower(std::string& out, std::string_view s) {
  out.assign(s.data(), s.size());
  for (char& c : out) c = LowerAscii(c);
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

// Decodes %XX escapes into `out`. False if an escape is malformed or decodes to NUL.
bool PercentDecode(std::string_view s, std::string& out) {
  out.clear();
  if (s.find('%') == std::string_view::npos) {
    out.assign(s.data(), s.size());
    return true;
  }
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return false;
    const int hi = HexValue(s[i + 1]);
    const int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
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

// Parses one request straight into a Request that a connection reuses from one
// request to the next, so a kept-alive connection's strings keep their capacity.
// Beast's basic_parser does the HTTP/1.1 syntax, framing and limits.
class RequestParser : public bhttp::basic_parser<true> {
 public:
  RequestParser(Request& req, size_t header_limit, size_t body_limit) : req_(req) {
    this->header_limit(static_cast<std::uint32_t>(
        std::min<size_t>(header_limit, std::numeric_limits<std::uint32_t>::max())));
    this->body_limit(static_cast<std::uint64_t>(body_limit));
    this->eager(true);
    req_.method.clear();
    req_.target.clear();
    req_.path.clear();
    req_.query.clear();
    req_.body.clear();
  }
  ~RequestParser() override { FinishHeaders(); }

  bool head() const { return head_; }
  unsigned version() const { return version_; }
  // Drops header entries left over from an earlier request on the connection.
  void FinishHeaders() { req_.headers.resize(fields_); }

 private:
  void on_request_impl(bhttp::verb method, beast::string_view method_str, beast::string_view target,
                       int version, error_code&) override {
    head_ = method == bhttp::verb::head;
    version_ = static_cast<unsigned>(version);
    req_.method.assign(method_str.data(), method_str.size());
    req_.target.assign(target.data(), target.size());
  }
  void on_response_impl(int, beast::string_view, int, error_code&) override {}
  void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value, error_code&) override {
    if (fields_ == req_.headers.size()) req_.headers.emplace_back();
    auto& [key, val] = req_.headers[fields_++];
    AssignLower(key, ToStd(name));
    val.assign(value.data(), value.size());
  }
  void on_header_impl(error_code&) override { FinishHeaders(); }
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (length) req_.body.reserve(static_cast<size_t>(*length));
  }
  size_t on_body_impl(beast::string_view body, error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  Request& req_;
  size_t fields_ = 0;
  bool head_ = false;
  unsigned version_ = 11;
};

class Session;

// One I/O thread: its io_context and the connections that live on it. A connection
// never leaves its worker, so nothing of a connection needs a lock or a strand.
struct Worker {
  // Concurrency hint 1: one thread runs this context.
  asio::io_context ioc{1};
  // True while a handler runs on this thread; the acceptor prefers workers that
  // are not busy. Written by the worker, read by the accept thread.
  std::atomic<bool> in_handler{false};
};

// State shared by the acceptor and all sessions of one Server.
//
// Locking: `mu` guards `sessions`, `stop_time` and `running`, and every write of
// `stopping` (so condition-variable waits on it do not miss a wake-up); `stopping`
// is atomic so sessions may read it without `mu`. Everything else a session touches
// is its own and is used only on its worker's thread; the acceptor and the signal
// set are used only on the accept thread (or while no I/O thread runs). Never drop
// the last reference to a Session while holding `mu`: its destructor takes `mu`.
struct ServerCore {
  ServerCore(ServerOptions o, Handler h, ErrorRenderer r)
      : options(std::move(o)), handler(std::move(h)), error_renderer(std::move(r)) {
    for (int i = 0; i < std::max(1, options.threads); ++i) workers.push_back(std::make_unique<Worker>());
  }
  ~ServerCore() {
    // The acceptor's context first: its handlers hand sockets to the workers.
    accept_ioc.reset();
    workers.clear();
  }

  const ServerOptions options;
  const Handler handler;
  const ErrorRenderer error_renderer;

  std::mutex mu;
  std::condition_variable cv;  // notified when stopping, a session ends, or Run() ends
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::chrono::steady_clock::time_point stop_time;
  std::atomic<bool> stopping{false};
  bool running = false;  // Run() is in progress

  // Declared last so they are destroyed first: handlers they destroy may end
  // sessions, which unregister themselves through `mu` and `sessions`.
  std::vector<std::unique_ptr<Worker>> workers;
  // The acceptor and the signal set run here, on a thread of their own, so that a
  // worker busy in a handler never holds up accepting for the others.
  std::optional<asio::io_context> accept_ioc{std::in_place, 1};
};

// One connection: parse requests from its buffer, call the handler on this I/O
// thread, write the response, repeat while keep-alive (pipelined requests already in
// the buffer are served without another read). Every member function except Start()
// and OnServerStopping() runs on the worker's thread.
//
// Timeouts: one timer per connection, armed lazily. Each phase only moves
// `deadline_`; the timer, when it fires, closes the connection if the deadline has
// passed and otherwise waits again until it. Only a deadline earlier than the one
// the timer waits for re-arms it, so a busy keep-alive connection does no timer work
// per request.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerCore& core, Worker& worker, Socket socket)
      : core_(core), worker_(worker), socket_(std::move(socket)), timer_(socket_.get_executor()) {
    error_code ec;
    const tcp::endpoint peer = socket_.remote_endpoint(ec);
    if (!ec) req_.remote_addr = peer.address().to_string();
    socket_.set_option(tcp::no_delay(true), ec);
    socket_.non_blocking(true, ec);
  }

  ~Session() {
    std::lock_guard lock(core_.mu);
    core_.sessions.erase(this);
    core_.cv.notify_all();
  }

  // Registers with the server and starts reading. Call once, on a shared_ptr, on
  // the socket's worker thread.
  void Start() {
    {
      std::lock_guard lock(core_.mu);
      core_.sessions.emplace(this, weak_from_this());
    }
    Serve();
  }

  // The server is stopping: close now if waiting for a request (or draining), else
  // after the current response. Thread-safe.
  void OnServerStopping() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kIdle || self->state_ == State::kLingering) self->Close();
    });
  }

 private:
  enum class State { kStarting, kIdle, kReading, kHandling, kWriting, kLingering, kClosed };

  // Serves requests from the buffer until one needs more bytes (then reads) or a
  // response cannot be written at once (then waits for the write).
  void Serve() {
    for (;;) {
      if (state_ == State::kClosed) return;
      if (core_.stopping) return Close();
      if (!parser_) {
        parser_.emplace(req_, core_.options.header_limit, core_.options.body_limit);
        state_ = State::kIdle;
      }
      if (buffer_.size() > 0) {
        error_code ec;
        const size_t used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec && ec != bhttp::error::need_more) return OnBadRequest(ec);
        if (!ec && parser_->is_done()) {
          if (!HandleRequest()) return;  // the response is being written
          continue;
        }
        if (!ec && used > 0) continue;
      }
      // More bytes are needed. The read timeout runs from the request's first byte.
      if (state_ == State::kIdle && (buffer_.size() > 0 || parser_->got_some())) {
        state_ = State::kReading;
        SetDeadline(Clock::now() + Millis(core_.options.read_timeout_ms));
      } else if (state_ == State::kIdle) {
        SetDeadline(Clock::now() + Millis(core_.options.idle_timeout_ms));
      }
      socket_.async_read_some(buffer_.prepare(kReadChunk), [self = shared_from_this()](error_code ec, size_t n) {
        self->buffer_.commit(n);
        // Idle or read timeout, peer gone (mid-request too), or closed by Stop().
        if (ec) return self->Close();
        self->Serve();
      });
      return;
    }
  }

  void OnBadRequest(const error_code& ec) {
    if (ec == bhttp::error::body_limit) {
      return ReplyError(413, "request body exceeds " + std::to_string(core_.options.body_limit) + " bytes");
    }
    if (ec == bhttp::error::header_limit) {
      return ReplyError(431, "request header exceeds " + std::to_string(core_.options.header_limit) + " bytes");
    }
    if (IsBadInput(ec)) return ReplyError(400, "malformed HTTP request: " + ec.message());
    Close();
  }

  // Runs the handler on the complete request and starts the response. True if the
  // response was written at once and the connection goes on to the next request.
  bool HandleRequest() {
    const bool keep_alive = parser_->keep_alive();
    const bool head = parser_->head();
    const unsigned version = parser_->version();
    parser_.reset();  // also trims headers left from an earlier request
    const std::string_view target = req_.target;
    const size_t q = target.find('?');
    if (!PercentDecode(target.substr(0, q), req_.path)) {
      req_.path.clear();
      ReplyError(400, "invalid percent-encoding in path", /*keep_request=*/true);
      return false;
    }
    if (q != std::string_view::npos) req_.query.assign(target.substr(q + 1));

    state_ = State::kHandling;
    worker_.in_handler.store(true, std::memory_order_relaxed);
    Response response;
    try {
      response = core_.handler(req_);
    } catch (const std::exception& e) {
      spdlog::error("http: handler threw on {} {}: {}", req_.method, req_.target, e.what());
      response = RenderError(core_.error_renderer, req_, 500, "internal error");
    } catch (...) {
      spdlog::error("http: handler threw on {} {}", req_.method, req_.target);
      response = RenderError(core_.error_renderer, req_, 500, "internal error");
    }
    worker_.in_handler.store(false, std::memory_order_relaxed);
    if (req_.body.capacity() > kKeepCapacity) std::string().swap(req_.body);
    return Reply(std::move(response), keep_alive, head, version, /*linger=*/false);
  }

  // Answers an error the server found itself, then closes the connection. What is
  // known of the request so far (method, target, headers) is in `req_`.
  void ReplyError(int status, std::string detail, bool keep_request = false) {
    if (parser_) parser_->FinishHeaders();
    if (!keep_request) req_.body.clear();
    const bool head = req_.method == "HEAD";
    Reply(RenderError(core_.error_renderer, req_, status, detail), /*keep_alive=*/false, head,
          /*version=*/11, /*linger=*/true);
  }

  // Serialises the response head into `head_` and writes head and body, at once if
  // the socket takes them (the common case), else asynchronously. True if written
  // at once and the connection should go on serving.
  bool Reply(Response r, bool keep_alive, bool head, unsigned version, bool linger) {
    const bool close = !keep_alive || core_.stopping;
    const int status = r.status >= 100 && r.status <= 999 ? r.status : 500;
    const bool bodiless = status < 200 || status == 204 || status == 304;
    response_ = std::move(r);
    const size_t length = response_.body.size();  // a HEAD answer states the GET body's length
    if (bodiless || head) response_.body.clear();
    head_.clear();
    head_ += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    head_ += std::to_string(status);
    head_ += ' ';
    const beast::string_view reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
    head_.append(reason.data(), reason.size());
    head_ += "\r\nServer: ";
    head_ += kServerName;
    if (!bodiless && !response_.content_type.empty()) {
      head_ += "\r\nContent-Type: ";
      head_ += response_.content_type;
    }
    for (const auto& [name, value] : response_.headers) {
      head_ += "\r\n";
      head_ += name;
      head_ += ": ";
      head_ += value;
    }
    if (close && version != 10) head_ += "\r\nConnection: close";
    if (!close && version == 10) head_ += "\r\nConnection: keep-alive";
    if (!bodiless) {
      head_ += "\r\nContent-Length: ";
      head_ += std::to_string(length);
    }
    head_ += "\r\n\r\n";
    close_after_write_ = close;
    linger_after_write_ = linger;
    state_ = State::kWriting;

    std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(response_.body)};
    error_code ec;
    const size_t total = head_.size() + response_.body.size();
    const size_t n = socket_.write_some(buffers, ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
      Close();
      return false;
    }
    if (!ec && n == total) return AfterWrite();
    // The socket is full: wait for it. There is no separate write timeout: a client
    // too slow to take the response within read_timeout_ms is dropped.
    written_ = ec ? 0 : n;
    SetDeadline(Clock::now() + Millis(core_.options.read_timeout_ms));
    std::array<asio::const_buffer, 2> rest = buffers;
    size_t skip = written_;
    for (auto& b : rest) {
      const size_t s = std::min(skip, b.size());
      b += s;
      skip -= s;
    }
    asio::async_write(socket_, rest, [self = shared_from_this()](error_code ec, size_t) {
      if (ec) return self->Close();
      if (self->AfterWrite()) self->Serve();
    });
    return false;
  }

  // After a whole response: true to serve the next request on this connection.
  bool AfterWrite() {
    if (response_.body.capacity() > kKeepCapacity) std::string().swap(response_.body);
    if (buffer_.size() == 0 && buffer_.capacity() > kKeepCapacity) buffer_.shrink_to_fit();
    if (linger_after_write_) {
      Linger();
      return false;
    }
    if (close_after_write_) {
      Close();
      return false;
    }
    return true;
  }

  void Linger() {
    state_ = State::kLingering;
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec || core_.stopping) return Close();
    buffer_.clear();
    SetDeadline(Clock::now() + kLingerTimeout);
    DrainSome();
  }

  void DrainSome() {
    socket_.async_read_some(buffer_.prepare(kReadChunk), [self = shared_from_this()](error_code ec, size_t n) {
      self->drained_bytes_ += n;
      self->buffer_.clear();
      if (ec || self->drained_bytes_ > kLingerMaxBytes) return self->Close();
      self->DrainSome();
    });
  }

  void SetDeadline(Clock::time_point deadline) {
    deadline_ = deadline;
    if (timer_armed_ && timer_expiry_ <= deadline) return;  // it fires first and re-arms
    ArmTimer(deadline);
  }

  void ArmTimer(Clock::time_point at) {
    timer_armed_ = true;
    timer_expiry_ = at;
    timer_.expires_at(at);  // cancels a pending wait, which then sees operation_aborted
    timer_.async_wait([self = shared_from_this(), generation = ++timer_generation_](error_code ec) {
      if (ec || generation != self->timer_generation_ || self->state_ == State::kClosed) return;
      self->timer_armed_ = false;
      if (Clock::now() >= self->deadline_) return self->Close();
      self->ArmTimer(self->deadline_);
    });
  }

  // Idempotent. Pending operations complete with an error and end the session.
  void Close() {
    state_ = State::kClosed;
    parser_.reset();
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    timer_.cancel();
  }

  ServerCore& core_;
  Worker& worker_;
  Socket socket_;
  Timer timer_;
  beast::flat_buffer buffer_;
  Request req_;                            // reused for every request on the connection
  std::optional<RequestParser> parser_;    // the request being read
  Response response_;                      // kept alive while it is written
  std::string head_;                       // the response's status line and headers
  size_t written_ = 0;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point timer_expiry_{};
  uint64_t timer_generation_ = 0;
  bool timer_armed_ = false;
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

  // Accepts on the accept thread and hands each connection to the next worker in
  // turn, skipping one that is inside a handler when another is not; the
  // connection then lives on that worker's thread alone.
  void Accept() {
    acceptor.async_accept([this](error_code ec, asio::basic_stream_socket<tcp, Executor> accepted) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {
        spdlog::warn("http: accept failed: {}", ec.message());
      } else if (!core.stopping) {
        Worker& target = PickWorker();
        const int fd = accepted.release(ec);
        Socket socket(target.ioc);
        if (!ec) socket.assign(protocol, fd, ec);
        if (ec) {
          spdlog::warn("http: cannot hand over an accepted connection: {}", ec.message());
          if (fd >= 0 && !socket.is_open()) ::close(fd);
        } else {
          auto session = std::make_shared<Session>(core, target, std::move(socket));
          asio::post(target.ioc, [session] { session->Start(); });
        }
      }
      if (!core.stopping) Accept();
    });
  }

  Worker& PickWorker() {
    const size_t n = core.workers.size();
    size_t pick = next_worker;
    for (size_t i = 0; i < n; ++i) {
      const size_t w = (next_worker + i) % n;
      if (!core.workers[w]->in_handler.load(std::memory_order_relaxed)) {
        pick = w;
        break;
      }
    }
    next_worker = (pick + 1) % n;
    return *core.workers[pick];
  }

  ServerCore core;
  // The acceptor and the signal set run on core.accept_ioc; destroyed before `core`.
  Acceptor acceptor{core.accept_ioc->get_executor()};
  std::optional<asio::signal_set> signals;
  size_t next_worker = 0;
  tcp protocol = tcp::v4();  // of the listening address
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
  tcp::resolver resolver(*impl.core.accept_ioc);
  const auto endpoints = resolver.resolve(options.host, std::to_string(options.port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec) return fail(ec.message());
  if (endpoints.empty()) return fail("host has no address");
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  impl.protocol = endpoint.protocol();
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
    impl.signals.emplace(*core.accept_ioc, SIGINT, SIGTERM);
    impl.signals->async_wait([this](error_code ec, int /*signal*/) {
      if (!ec) Stop();
    });
  }

  // Keep run() going while nothing is pending, so work that Stop() posts after the
  // last operation ended still runs; the threads end only at stop() below.
  std::vector<asio::executor_work_guard<Executor>> work;
  std::vector<std::thread> threads;
  for (auto& worker : core.workers) {
    work.push_back(asio::make_work_guard(worker->ioc));
    threads.emplace_back([&ioc = worker->ioc] { ioc.run(); });
  }
  work.push_back(asio::make_work_guard(*core.accept_ioc));
  threads.emplace_back([&ioc = *core.accept_ioc] { ioc.run(); });
  {
    std::unique_lock lock(core.mu);
    core.cv.wait(lock, [&] { return core.stopping.load(); });
    core.cv.wait_until(lock, core.stop_time + Millis(core.options.shutdown_grace_ms),
                       [&] { return core.sessions.empty(); });
  }
  // Handlers still running past the grace period cannot be interrupted; join waits
  // for them, but no further I/O happens.
  for (auto& worker : core.workers) worker->ioc.stop();
  core.accept_ioc->stop();
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
