#include "api_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <regex>

namespace tc::testing {
namespace {

std::string Binary() {
  const char* b = std::getenv("TC_BINARY");
  return b && *b ? b : "./tongchou";
}

// Starts the binary with stdout+stderr on one pipe (returned in out_fd) and stdin on another.
pid_t Spawn(const std::vector<std::string>& args, int& in_fd, int& out_fd, bool merge_stderr) {
  // A child that exits before reading its input must not kill the test binary with
  // SIGPIPE (a silent death mid-suite): the write fails with EPIPE instead.
  static const bool ignore_sigpipe = [] { return signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
  (void)ignore_sigpipe;
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    if (merge_stderr) dup2(out[1], 2);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    const std::string bin = Binary();
    argv.push_back(const_cast<char*>(bin.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    std::fprintf(stderr, "exec %s: %s\n", bin.c_str(), std::strerror(errno));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  in_fd = in[1];
  out_fd = out[0];
  return pid;
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

}  // namespace

std::string Backend() {
  const char* b = std::getenv("TC_BACKEND");
  return b && *b ? b : "sqlite";
}

CommandResult RunTongchou(const std::vector<std::string>& args, const std::string& input) {
  CommandResult r;
  int in_fd, out_fd;
  const pid_t pid = Spawn(args, in_fd, out_fd, /*merge_stderr=*/true);
  if (pid < 0) return r;
  if (!input.empty()) (void)!write(in_fd, input.data(), input.size());
  close(in_fd);
  char buf[4096];
  ssize_t n;
  while ((n = read(out_fd, buf, sizeof buf)) > 0) r.output.append(buf, n);
  close(out_fd);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = ExitCode(status);
  return r;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop();
}

Status ServerProcess::Start(const std::string& db_url, const std::vector<std::string>& extra_args,
                            const std::string& command) {
  std::vector<std::string> args = {command, "--db", db_url};
  if (std::find(extra_args.begin(), extra_args.end(), "--listen") == extra_args.end()) {
    args.insert(args.end(), {"--listen", "127.0.0.1:0"});
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  int in_fd, out_fd;
  pid_ = Spawn(args, in_fd, out_fd, /*merge_stderr=*/false);
  if (pid_ < 0) return Internal("cannot start the server");
  close(in_fd);
  reader_ = std::thread([this, out_fd] {
    char buf[8192];
    ssize_t n;
    while ((n = read(out_fd, buf, sizeof buf)) > 0) {
      std::lock_guard lock(mu_);
      output_.append(buf, n);
      cv_.notify_all();
    }
    close(out_fd);
    std::lock_guard lock(mu_);
    output_ += "\n<eof>";
    cv_.notify_all();
  });
  std::unique_lock lock(mu_);
  static const std::regex kListening("listening on http://(\\[[^\\]]*\\]|[^:/\\s]+):([0-9]+)");
  std::smatch m;
  const bool ok = cv_.wait_for(lock, std::chrono::seconds(120), [&] {
    return std::regex_search(output_, m, kListening) || output_.find("<eof>") != std::string::npos;
  });
  if (!ok || m.empty()) return Unavailable("server did not start; output:\n" + output_);
  port_ = static_cast<uint16_t>(std::stoi(m[2].str()));
  return Status::Ok();
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
  return ExitCode(status);
}

std::string ServerProcess::Output() {
  std::lock_guard lock(mu_);
  return output_;
}

bool ServerProcess::WaitForOutput(const std::string& needle) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return output_.find(needle) != std::string::npos; });
}

}  // namespace tc::testing
