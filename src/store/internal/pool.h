// A fixed-size pool of connections. Thread-safe: mu_ guards idle_ and open_;
// Acquire() blocks until a connection is free. A lease returns its connection on
// destruction unless Discard() was called (a broken connection is then reopened).
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "base/status.h"

namespace tc::store::internal {

template <typename C>
class Pool {
 public:
  using Factory = std::function<Result<std::unique_ptr<C>>()>;

  Pool(size_t size, Factory factory) : size_(size), factory_(std::move(factory)) {}

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<C> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& o) noexcept : pool_(std::exchange(o.pool_, nullptr)), conn_(std::move(o.conn_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_) pool_->Release(std::move(conn_));
    }
    C& operator*() { return *conn_; }
    C* operator->() { return conn_.get(); }
    void Discard() { conn_.reset(); }

   private:
    Pool* pool_;
    std::unique_ptr<C> conn_;
  };

  Result<Lease> Acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(c));
    }
    ++open_;
    lock.unlock();
    auto made = factory_();
    if (!made.ok()) {
      std::lock_guard relock(mu_);
      --open_;
      cv_.notify_one();
      return made.status();
    }
    return Lease(this, std::move(made).value());
  }

 private:
  void Release(std::unique_ptr<C> conn) {
    std::lock_guard lock(mu_);
    if (conn) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
    cv_.notify_one();
  }

  const size_t size_;
  Factory factory_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<C>> idle_;
  size_t open_ = 0;
};

}  // namespace tc::store::internal
