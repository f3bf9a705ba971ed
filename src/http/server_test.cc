#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "http/client.h"

namespace tc::http {
namespace {

// Upper bound on any single blocking socket read in these tests, so that a bug
// fails a test instead of hanging it. Not used for synchronisation.
constexpr int kSocketTimeoutSec = 10;

ServerOptions TestOptions() {
  ServerOptions options;
  options.port = 0;
  options.threads = 4;
  options.handle_signals = false;
  return options;
}

// "METHOD|path|query|body|x-test header|remote address"
Response Echo(const Request& r) {
  Response response;
  response.content_type = "text/plain";
  response.body = r.method + "|" + r.path + "|" + r.query + "|" + r.body + "|" +
                  std::string(r.Header("X-Test")) + "|" + r.remote_addr;
  return response;
}

// A Server started on a free port with Run() on a background thread.
class TestServer {
 public:
  explicit TestServer(Handler handler, ServerOptions options = TestOptions(),
                      ErrorRenderer renderer = nullptr)
      : server_(options, std::move(handler), std::move(renderer)) {
    const Status started = server_.Start();
    EXPECT_TRUE(started.ok()) << started.ToString();
    thread_ = std::thread([this] { server_.Run(); });
  }
  ~TestServer() {
    server_.Stop();
    Join();
  }

  // Waits until Run() has returned.
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  Server& server() { return server_; }
  uint16_t port() const { return server_.port(); }

 private:
  Server server_;
  std::thread thread_;
};

// One plain TCP connection, for checks the Client cannot express: several requests
// on one connection, pipelining, and seeing the server close.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    timeval tv{kSocketTimeoutSec, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() { close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One response (status line, headers, and Content-Length bytes of body unless
  // `head`), or nullopt if the connection ended first.
  std::optional<std::string> ReadResponse(bool head = false) {
    size_t header_end;
    while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    header_end += 4;
    size_t body_length = 0;
    std::string lower = pending_.substr(0, header_end);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (const size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos && !head) {
      body_length = std::stoul(lower.substr(at + 17));
    }
    while (pending_.size() < header_end + body_length) {
      if (!Fill()) return std::nullopt;
    }
    std::string response = pending_.substr(0, header_end + body_length);
    pending_.erase(0, header_end + body_length);
    return response;
  }

  // True if the server closes the connection without sending anything more.
  bool ReadsEof() {
    char c;
    const ssize_t n = recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  bool Fill() {
    char chunk[4096];
    const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    pending_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string pending_;
};

TEST(HttpServerTest, EchoesRequestFields) {
  TestServer ts(Echo);
  Client client("127.0.0.1", ts.port());
  Result<ClientResponse> r =
      client.Send("POST", "/api/v1/areas?parent=22&x=%20", "hello", {{"X-Test", "v1"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST|/api/v1/areas|parent=22&x=%20|hello|v1|127.0.0.1");
  EXPECT_EQ(r->Header("Content-Type"), "text/plain");
  EXPECT_EQ(r->Header("server"), "tongchou");
  EXPECT_EQ(r->Header("content-length"), std::to_string(r->body.size()));
}

TEST(HttpServerTest, PassesHeadersLowerCasedAndExtraResponseHeaders) {
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> seen;
  TestServer ts([&](const Request& r) {
    std::lock_guard lock(mu);
    seen = r.headers;
    Response response;
    response.headers = {{"X-Request-Id", "abc"}};
    return response;
  });
  Client client("127.0.0.1", ts.port());
  Result<ClientResponse> r = client.Send("GET", "/", "", {{"X-Mixed-Case", "Value"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Header("x-request-id"), "abc");
  std::lock_guard lock(mu);
  EXPECT_NE(std::find(seen.begin(), seen.end(), std::pair<std::string, std::string>("x-mixed-case", "Value")),
            seen.end());
}

TEST(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestServer ts(Echo);
  RawConnection conn(ts.port());
  ASSERT_TRUE(conn.connected());
  for (const char* path : {"/one", "/two"}) {
    ASSERT_TRUE(conn.Send(std::string("GET ") + path + " HTTP/1.1\r\nHost: t\r\n\r\n"));
    std::optional<std::string> response = conn.ReadResponse();
    ASSERT_TRUE(response.has_value()) << path;
    EXPECT_EQ(response->rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << *response;
    EXPECT_NE(response->find(std::string("GET|") + path), std::string::npos) << *response;
  }

  Client client("127.0.0.1", ts.port());
  for (int i = 0; i < 2; ++i) {
    Result<ClientResponse> r = client.Send("GET", "/again");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->Header("connection"), "");
  }
}

TEST(HttpServerTest, HeadSendsNoBodyAndPipelinedRequestsAreAnswered) {
  TestServer ts(Echo);
  RawConnection conn(ts.port());
  ASSERT_TRUE(conn.connected());
  ASSERT_TRUE(conn.Send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\nGET /g HTTP/1.1\r\nHost: t\r\n\r\n"));
  std::optional<std::string> head = conn.ReadResponse(/*head=*/true);
  ASSERT_TRUE(head.has_value());
  EXPECT_NE(head->find("Content-Length: " + std::to_string(std::string("HEAD|/h||||127.0.0.1").size())),
            std::string::npos)
      << *head;
  // If the HEAD response carried a body, these bytes would come first.
  std::optional<std::string> get = conn.ReadResponse();
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << *get;
  EXPECT_NE(get->find("GET|/g|"), std::string::npos) << *get;

  Client client("127.0.0.1", ts.port());
  Result<ClientResponse> r = client.Send("HEAD", "/h");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "");
}

TEST(HttpServerTest, BodyOverLimitGets413FromRendererAndServerKeepsServing) {
  ServerOptions options = TestOptions();
  options.body_limit = 1024;
  std::mutex mu;
  std::vector<Request> partials;
  ErrorRenderer renderer = [&](const Request& partial, int status, std::string detail) {
    std::lock_guard lock(mu);
    partials.push_back(partial);
    Response response;
    response.status = status;
    response.content_type = "application/problem+json";
    response.body = "{\"status\":" + std::to_string(status) + ",\"detail\":\"" + detail + "\"}";
    return response;
  };
  TestServer ts(Echo, options, renderer);

  Client client("127.0.0.1", ts.port());
  Result<ClientResponse> r = client.Send("POST", "/upload?a=1", std::string(2000, 'x'));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->Header("content-type"), "application/problem+json");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_NE(r->body.find("\"status\":413"), std::string::npos) << r->body;
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(partials.size(), 1u);
    EXPECT_EQ(partials[0].method, "POST");
    EXPECT_EQ(partials[0].target, "/upload?a=1");
    EXPECT_EQ(partials[0].remote_addr, "127.0.0.1");
  }

  // A chunked body is only found too large while it is being read.
  Result<ClientResponse> chunked =
      client.SendRaw("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" +
                     std::string(2000, 'y') + "\r\n0\r\n\r\n");
  ASSERT_TRUE(chunked.ok()) << chunked.status().ToString();
  EXPECT_EQ(chunked->status, 413);

  Result<ClientResponse> next = client.Send("POST", "/small", std::string(1000, 'z'));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "POST|/small||" + std::string(1000, 'z') + "||127.0.0.1");
}

TEST(HttpServerTest, HeaderOverLimitGets431) {
  ServerOptions options = TestOptions();
  options.header_limit = 1024;
  TestServer ts(Echo, options);
  Client client("127.0.0.1", ts.port());
  Result<ClientResponse> r = client.Send("GET", "/", "", {{"X-Big", std::string(4000, 'h')}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->Header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r->Header("connection"), "close");

  Result<ClientResponse> next = client.Send("GET", "/fine");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->status, 200);
}

TEST(HttpServerTest, GarbageGets400AndConnectionIsClosed) {
  TestServer ts(Echo);
  Client client("127.0.0.1", ts.port());
  Result<ClientResponse> r = client.SendRaw("GARBAGE\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->Header("connection"), "close");

  RawConnection conn(ts.port());
  ASSERT_TRUE(conn.Send("GET / HTTP/9.9\r\nHost: t\r\n\r\n"));
  std::optional<std::string> response = conn.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->rfind("HTTP/1.1 400 ", 0), 0u) << *response;
  EXPECT_TRUE(conn.ReadsEof());
}

TEST(HttpServerTest, PathIsPercentDecodedAndBadEscapesGet400) {
  std::atomic<int> calls{0};
  TestServer ts([&](const Request& r) {
    ++calls;
    return Echo(r);
  });
  Client client("127.0.0.1", ts.port());
  Result<ClientResponse> r = client.Send("GET", "/a%20b/%E4%B8%AD%2fc?q=%41");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "GET|/a b/\xE4\xB8\xAD/c|q=%41|||127.0.0.1");

  for (const char* target : {"/a%zz", "/a%2", "/a%", "/nul%00"}) {
    Result<ClientResponse> bad = client.Send("GET", target);
    ASSERT_TRUE(bad.ok()) << target << ": " << bad.status().ToString();
    EXPECT_EQ(bad->status, 400) << target;
  }
  EXPECT_EQ(calls.load(), 1);
}

TEST(HttpServerTest, HandlerThatThrowsGets500AndServerKeepsServing) {
  std::mutex mu;
  std::string detail_seen;
  ErrorRenderer renderer = [&](const Request&, int status, std::string detail) {
    std::lock_guard lock(mu);
    detail_seen = detail;
    return Response{status, "text/plain", "rendered " + std::to_string(status), {}};
  };
  TestServer ts(
      [](const Request& r) -> Response {
        if (r.path == "/boom") throw std::runtime_error("database on fire");
        return Echo(r);
      },
      TestOptions(), renderer);
  Client client("127.0.0.1", ts.port());
  Result<ClientResponse> r = client.Send("GET", "/boom");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, "rendered 500");
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(detail_seen, "internal error");
  }
  Result<ClientResponse> next = client.Send("GET", "/ok");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->status, 200);
}

TEST(HttpServerTest, ConcurrentClients) {
  TestServer ts(Echo);
  constexpr int kThreads = 4;
  constexpr int kRequests = 25;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client client("127.0.0.1", ts.port());
      for (int i = 0; i < kRequests; ++i) {
        const std::string body = std::to_string(t) + "-" + std::to_string(i);
        Result<ClientResponse> r = client.Send("PUT", "/c", body);
        if (r.ok() && r->status == 200 && r->body == "PUT|/c||" + body + "||127.0.0.1") ++ok;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kRequests);
}

// A connection reuses its request, parser and buffers from one request to the
// next; nothing of an earlier request may show in a later one.
TEST(HttpServerTest, KeepAliveReusesNothingOfEarlierRequestsOverManyRequests) {
  std::mutex mu;
  std::vector<Request> seen;
  TestServer ts([&](const Request& r) {
    std::lock_guard lock(mu);
    seen.push_back(r);
    return Echo(r);
  });
  RawConnection conn(ts.port());
  ASSERT_TRUE(conn.connected());
  constexpr int kRequests = 300;
  for (int i = 0; i < kRequests; ++i) {
    std::string request;
    if (i % 3 == 0) {
      const std::string body(i % 2 == 0 ? 100'000 : 5, 'b');
      request = "POST /p" + std::to_string(i) + "?q=" + std::to_string(i) +
                " HTTP/1.1\r\nHost: t\r\nX-Test: long-header-value-" + std::to_string(i) +
                "\r\nX-Extra-One: 1\r\nX-Extra-Two: 2\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\n\r\n" + body;
    } else {
      request = "GET /g" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\n\r\n";
    }
    ASSERT_TRUE(conn.Send(request)) << i;
    std::optional<std::string> response = conn.ReadResponse();
    ASSERT_TRUE(response.has_value()) << i;
    ASSERT_EQ(response->rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << *response;
  }
  std::lock_guard lock(mu);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kRequests));
  for (int i = 0; i < kRequests; ++i) {
    const Request& r = seen[i];
    if (i % 3 == 0) {
      EXPECT_EQ(r.method, "POST");
      EXPECT_EQ(r.query, "q=" + std::to_string(i));
      EXPECT_EQ(r.body.size(), i % 2 == 0 ? 100'000u : 5u);
      EXPECT_EQ(r.Header("x-test"), "long-header-value-" + std::to_string(i));
      EXPECT_EQ(r.headers.size(), 5u) << i;
    } else {
      EXPECT_EQ(r.method, "GET");
      EXPECT_EQ(r.path, "/g" + std::to_string(i));
      EXPECT_EQ(r.query, "") << i;
      EXPECT_EQ(r.body, "") << i;
      EXPECT_EQ(r.Header("x-test"), "") << i;
      ASSERT_EQ(r.headers.size(), 1u) << i;
      EXPECT_EQ(r.headers[0].first, "host");
    }
    EXPECT_EQ(r.remote_addr, "127.0.0.1");
  }
}

// Many requests sent in one write (more than one read's worth) are all answered,
// in order, on the one connection.
TEST(HttpServerTest, ManyPipelinedRequestsAreAnsweredInOrder) {
  TestServer ts(Echo);
  RawConnection conn(ts.port());
  ASSERT_TRUE(conn.connected());
  constexpr int kRequests = 200;
  std::string batch;
  for (int i = 0; i < kRequests; ++i) {
    batch += "GET /n" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\nX-Test: " + std::to_string(i) + "\r\n\r\n";
  }
  ASSERT_GT(batch.size(), 8192u);
  ASSERT_TRUE(conn.Send(batch));
  for (int i = 0; i < kRequests; ++i) {
    std::optional<std::string> response = conn.ReadResponse();
    ASSERT_TRUE(response.has_value()) << i;
    EXPECT_NE(response->find("GET|/n" + std::to_string(i) + "||" + "|" + std::to_string(i) + "|"), std::string::npos)
        << i << ": " << *response;
  }
}

// A response larger than the socket takes at once is written in parts, and the
// connection then serves its next request.
TEST(HttpServerTest, LargeResponseIsWrittenWholeAndConnectionGoesOn) {
  const std::string big(16 * 1024 * 1024, 'r');
  TestServer ts([&](const Request& r) {
    if (r.path == "/big") return Response{200, "text/plain", big, {}};
    return Echo(r);
  });
  Client client("127.0.0.1", ts.port());
  Result<ClientResponse> r = client.Send("GET", "/big");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body.size(), big.size());
  EXPECT_TRUE(r->body == big);
  Result<ClientResponse> next = client.Send("GET", "/after");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->body, "GET|/after||||127.0.0.1");
}

// A client that stops reading a large response is dropped after read_timeout_ms,
// so a graceful stop does not wait out the grace period for it.
TEST(HttpServerTest, ClientThatStopsReadingIsDroppedAfterReadTimeout) {
  ServerOptions options = TestOptions();
  options.read_timeout_ms = 100;
  options.shutdown_grace_ms = 60'000;
  std::promise<void> handled;
  TestServer ts(
      [&](const Request&) {
        handled.set_value();
        return Response{200, "text/plain", std::string(64 * 1024 * 1024, 's'), {}};
      },
      options);
  RawConnection conn(ts.port());
  ASSERT_TRUE(conn.Send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n"));
  handled.get_future().wait();
  ts.server().Stop();
  auto joined = std::async(std::launch::async, [&] { ts.Join(); });
  EXPECT_EQ(joined.wait_for(std::chrono::seconds(20)), std::future_status::ready);
}

// Steady requests keep a connection open past idle_timeout_ms; once it is idle
// for that long it is closed.
TEST(HttpServerTest, BusyConnectionOutlivesIdleTimeoutThenIdlesOut) {
  ServerOptions options = TestOptions();
  options.idle_timeout_ms = 150;
  TestServer ts(Echo, options);
  RawConnection conn(ts.port());
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(600);
  int served = 0;
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_TRUE(conn.Send("GET /tick HTTP/1.1\r\nHost: t\r\n\r\n"));
    ASSERT_TRUE(conn.ReadResponse().has_value()) << "after " << served << " requests";
    ++served;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // pacing, not synchronisation
  }
  EXPECT_GT(served, 5);
  EXPECT_TRUE(conn.ReadsEof());
}

TEST(HttpServerTest, Http10GetsKeepAliveOnlyWhenAsked) {
  TestServer ts(Echo);
  RawConnection kept(ts.port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(kept.Send("GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    std::optional<std::string> response = kept.ReadResponse();
    ASSERT_TRUE(response.has_value()) << i;
    EXPECT_EQ(response->rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << *response;
    EXPECT_NE(response->find("\r\nConnection: keep-alive\r\n"), std::string::npos) << *response;
  }
  RawConnection once(ts.port());
  ASSERT_TRUE(once.Send("GET /o HTTP/1.0\r\n\r\n"));
  std::optional<std::string> response = once.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->find("Connection:"), std::string::npos) << *response;
  EXPECT_TRUE(once.ReadsEof());
}

TEST(HttpServerTest, NoContentHasNoBodyAndConnectionGoesOn) {
  TestServer ts([](const Request& r) {
    if (r.path == "/none") return Response{204, "text/plain", "dropped", {}};
    return Echo(r);
  });
  RawConnection conn(ts.port());
  ASSERT_TRUE(conn.Send("GET /none HTTP/1.1\r\nHost: t\r\n\r\nGET /next HTTP/1.1\r\nHost: t\r\n\r\n"));
  std::optional<std::string> none = conn.ReadResponse();
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->rfind("HTTP/1.1 204 No Content\r\n", 0), 0u) << *none;
  EXPECT_EQ(none->find("Content-Length"), std::string::npos) << *none;
  EXPECT_EQ(none->find("Content-Type"), std::string::npos) << *none;
  std::optional<std::string> next = conn.ReadResponse();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << *next;
}

// Connections are spread over the I/O threads: while one thread's handler blocks,
// new connections go to the other thread and are served.
TEST(HttpServerTest, ConnectionsAreSpreadOverIoThreadsAvoidingABusyOne) {
  ServerOptions options = TestOptions();
  options.threads = 2;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered;
  TestServer ts(
      [&](const Request& r) {
        if (r.path == "/block") {
          entered.set_value();
          released.wait();
        }
        return Echo(r);
      },
      options);
  RawConnection blocked(ts.port());
  ASSERT_TRUE(blocked.Send("GET /block HTTP/1.1\r\nHost: t\r\n\r\n"));
  entered.get_future().wait();
  // Turn by turn the second of these would land on the blocked thread.
  for (int i = 0; i < 3; ++i) {
    RawConnection other(ts.port());
    ASSERT_TRUE(other.Send("GET /free HTTP/1.1\r\nHost: t\r\n\r\n"));
    std::optional<std::string> free = other.ReadResponse();
    if (!free) release.set_value();
    ASSERT_TRUE(free.has_value()) << "connection " << i;
    EXPECT_NE(free->find("GET|/free|"), std::string::npos) << *free;
  }
  release.set_value();
  ASSERT_TRUE(blocked.ReadResponse().has_value());
}

// Stop() while a request is in flight and a second is pipelined behind it: the
// first is answered with Connection: close, the second is not started.
TEST(HttpServerTest, StopAnswersInFlightRequestButNotThePipelinedOneBehindIt) {
  ServerOptions options = TestOptions();
  options.shutdown_grace_ms = 60'000;
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> calls{0};
  TestServer ts(
      [&](const Request& r) {
        ++calls;
        if (r.path == "/block") {
          entered.set_value();
          released.wait();
        }
        return Echo(r);
      },
      options);
  RawConnection conn(ts.port());
  ASSERT_TRUE(conn.Send("GET /block HTTP/1.1\r\nHost: t\r\n\r\nGET /behind HTTP/1.1\r\nHost: t\r\n\r\n"));
  entered.get_future().wait();
  ts.server().Stop();
  release.set_value();
  std::optional<std::string> first = conn.ReadResponse();
  ASSERT_TRUE(first.has_value());
  EXPECT_NE(first->find("GET|/block|"), std::string::npos) << *first;
  EXPECT_NE(first->find("\r\nConnection: close\r\n"), std::string::npos) << *first;
  EXPECT_TRUE(conn.ReadsEof());
  ts.Join();
  EXPECT_EQ(calls.load(), 1);
}

TEST(HttpServerTest, IdleConnectionIsClosedAfterIdleTimeout) {
  ServerOptions options = TestOptions();
  options.idle_timeout_ms = 50;
  TestServer ts(Echo, options);
  RawConnection conn(ts.port());
  ASSERT_TRUE(conn.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(conn.ReadResponse().has_value());
  EXPECT_TRUE(conn.ReadsEof());
}

TEST(HttpServerTest, IncompleteRequestIsClosedAfterReadTimeout) {
  ServerOptions options = TestOptions();
  options.read_timeout_ms = 50;
  TestServer ts(Echo, options);
  RawConnection conn(ts.port());
  ASSERT_TRUE(conn.Send("GET / HTTP/1.1\r\nHost"));
  EXPECT_TRUE(conn.ReadsEof());
}

TEST(HttpServerTest, StartFailsWhenPortIsTaken) {
  TestServer first(Echo);
  ServerOptions options = TestOptions();
  options.port = first.port();
  Server second(options, Echo);
  const Status s = second.Start();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("cannot listen on 127.0.0.1:" + std::to_string(first.port()) + ": "),
            std::string::npos)
      << s.message();
}

TEST(HttpServerTest, StopLetsInFlightRequestFinishAndClosesIdleConnections) {
  ServerOptions options = TestOptions();
  options.shutdown_grace_ms = 60'000;
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  TestServer ts(
      [&](const Request& r) {
        if (r.path != "/block") return Echo(r);
        entered.set_value();
        released.wait();
        return Response{200, "text/plain", "done", {}};
      },
      options);

  // A kept-alive connection that has finished its request and waits for the next.
  RawConnection idle(ts.port());
  ASSERT_TRUE(idle.Send("GET /first HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(idle.ReadResponse().has_value());

  std::optional<Result<ClientResponse>> in_flight;
  std::thread client_thread([&] {
    Client client("127.0.0.1", ts.port());
    in_flight = client.Send("GET", "/block");
  });
  entered.get_future().wait();
  ts.server().Stop();
  ts.server().Stop();  // idempotent

  // The idle connection is closed while the handler is still running.
  EXPECT_TRUE(idle.ReadsEof());

  release.set_value();
  client_thread.join();
  ASSERT_TRUE(in_flight.has_value());
  ASSERT_TRUE(in_flight->ok()) << in_flight->status().ToString();
  EXPECT_EQ((*in_flight)->status, 200);
  EXPECT_EQ((*in_flight)->body, "done");
  EXPECT_EQ((*in_flight)->Header("connection"), "close");

  ts.Join();  // Run() returns
  RawConnection refused(ts.port());
  EXPECT_FALSE(refused.connected());
  Client late("127.0.0.1", ts.port());
  EXPECT_EQ(late.Send("GET", "/").status().code(), StatusCode::kUnavailable);
}

TEST(HttpServerTest, StopFromInsideHandler) {
  std::atomic<Server*> server{nullptr};
  TestServer ts([&](const Request&) {
    server.load()->Stop();
    return Response{200, "text/plain", "bye", {}};
  });
  server = &ts.server();
  Client client("127.0.0.1", ts.port());
  Result<ClientResponse> r = client.Send("POST", "/shutdown");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "bye");
  EXPECT_EQ(r->Header("connection"), "close");
  ts.Join();
}

TEST(HttpServerTest, SigtermStopsRun) {
  ServerOptions options = TestOptions();
  options.handle_signals = true;
  TestServer ts(Echo, options);
  // Run() installs the signal handler before its I/O threads start, so once a request
  // has been served the handler is in place.
  Client client("127.0.0.1", ts.port());
  ASSERT_TRUE(client.Send("GET", "/").ok());
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  ts.Join();
  EXPECT_FALSE(RawConnection(ts.port()).connected());
}

TEST(HttpServerTest, DestroyedWithoutRunReleasesPort) {
  uint16_t port = 0;
  {
    Server server(TestOptions(), Echo);
    ASSERT_TRUE(server.Start().ok());
    port = server.port();
    EXPECT_TRUE(RawConnection(port).connected());
  }
  EXPECT_FALSE(RawConnection(port).connected());
}

TEST(HttpClientTest, ReconnectsWhenServerClosedKeptAliveConnection) {
  std::optional<TestServer> first(std::in_place, Echo);
  const uint16_t port = first->port();
  Client client("127.0.0.1", port);
  Result<ClientResponse> r = client.Send("GET", "/before");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  first.reset();  // Stop() closes the client's idle connection; Run() has returned

  ServerOptions options = TestOptions();
  options.port = port;
  TestServer second(Echo, options);
  ASSERT_EQ(second.port(), port);
  Result<ClientResponse> after = client.Send("GET", "/after");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(after->body, "GET|/after||||127.0.0.1");
}

TEST(HttpClientTest, SendRawIsUnavailableWhenServerClosesWithoutResponse) {
  ServerOptions options = TestOptions();
  options.read_timeout_ms = 50;
  TestServer ts(Echo, options);
  Client client("127.0.0.1", ts.port());
  Result<ClientResponse> r = client.SendRaw("GET / HTTP/1.1\r\nHost");
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace tc::http
