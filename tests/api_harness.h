// Black-box test support: runs the real tongchou binary (path in $TC_BINARY) as a
// server or as a one-shot command, on the backend named by $TC_BACKEND.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"

namespace tc::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `tongchou args...`, writing `input` to its stdin; waits for it to exit.
CommandResult RunTongchou(const std::vector<std::string>& args, const std::string& input = "");

// A `tongchou serve` (or `demo`) child process, by default on 127.0.0.1 and a free port.
class ServerProcess {
 public:
  ~ServerProcess();
  // Starts `tongchou <command> --db URL [--listen 127.0.0.1:0] extra_args...` (the
  // default --listen unless extra_args give one) and waits (up to 120 s) for its
  // "listening on" line.
  Status Start(const std::string& db_url, const std::vector<std::string>& extra_args = {},
               const std::string& command = "serve");
  // SIGTERM, then waits for exit; returns the exit code (or -signal).
  int Stop();
  uint16_t port() const { return port_; }
  // Everything the server wrote to stdout so far (the access log).
  std::string Output();
  // Waits up to 10 s until the output contains `needle`.
  bool WaitForOutput(const std::string& needle);

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::thread reader_;
  std::mutex mu_;  // guards output_
  std::condition_variable cv_;
  std::string output_;
};

// "sqlite" or "postgres", from $TC_BACKEND (default sqlite).
std::string Backend();

}  // namespace tc::testing
