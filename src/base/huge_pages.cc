#include "base/huge_pages.h"

#include <sys/mman.h>

#include <cstdint>
#include <deque>
#include <mutex>
#include <new>
#include <unordered_map>

namespace tc {
namespace {

constexpr size_t kHuge = size_t{2} << 20;
// Freed blocks kept for reuse (a query's answer is freed and the next query's is
// mapped again: without the cache each would fault its pages in afresh).
constexpr size_t kCacheBytes = size_t{512} << 20;
constexpr size_t kCacheBlocks = 16;

size_t RoundUp(size_t bytes) { return (bytes + kHuge - 1) & ~(kHuge - 1); }

void* MapFresh(size_t size) {
  // Map one huge page more than needed and trim both ends to a 2 MiB boundary: the
  // kernel backs only aligned 2 MiB ranges with huge pages.
  void* raw = mmap(nullptr, size + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + kHuge - 1) & ~(kHuge - 1);
  if (aligned > start) munmap(raw, aligned - start);
  const uintptr_t end = start + size + kHuge;
  if (end > aligned + size) munmap(reinterpret_cast<void*>(aligned + size), end - (aligned + size));
  void* p = reinterpret_cast<void*>(aligned);
  madvise(p, size, MADV_HUGEPAGE);  // advice only: without THP the memory still works
  return p;
}

struct Blocks {
  std::mutex mu;
  std::unordered_map<void*, size_t> live;     // handed out → mapped size
  std::deque<std::pair<void*, size_t>> free;  // oldest first
  size_t free_bytes = 0;
};

Blocks& State() {
  static Blocks* blocks = new Blocks;  // never destroyed: blocks may be freed during exit
  return *blocks;
}

}  // namespace

void* MapHugePages(size_t bytes) {
  const size_t size = RoundUp(bytes);
  Blocks& b = State();
  std::lock_guard lock(b.mu);
  // A kept block at least as big and at most twice as big, the smallest such.
  auto best = b.free.end();
  for (auto it = b.free.begin(); it != b.free.end(); ++it) {
    if (it->second >= size && it->second <= 2 * size && (best == b.free.end() || it->second < best->second)) best = it;
  }
  void* p;
  size_t mapped;
  if (best != b.free.end()) {
    p = best->first;
    mapped = best->second;
    b.free_bytes -= mapped;
    b.free.erase(best);
  } else {
    p = MapFresh(size);
    mapped = size;
  }
  b.live[p] = mapped;
  return p;
}

void UnmapHugePages(void* p, size_t bytes) {
  Blocks& b = State();
  std::lock_guard lock(b.mu);
  size_t mapped = RoundUp(bytes);
  if (auto it = b.live.find(p); it != b.live.end()) {
    mapped = it->second;
    b.live.erase(it);
  }
  if (mapped > kCacheBytes) {
    munmap(p, mapped);
    return;
  }
  b.free.emplace_back(p, mapped);
  b.free_bytes += mapped;
  while (b.free_bytes > kCacheBytes || b.free.size() > kCacheBlocks) {
    munmap(b.free.front().first, b.free.front().second);
    b.free_bytes -= b.free.front().second;
    b.free.pop_front();
  }
}

}  // namespace tc
