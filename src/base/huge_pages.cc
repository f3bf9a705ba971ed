#include "base/huge_pages.h"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace tc {
namespace {

constexpr size_t kHuge = size_t{2} << 20;

size_t RoundUp(size_t bytes) { return (bytes + kHuge - 1) & ~(kHuge - 1); }

}  // namespace

void* MapHugePages(size_t bytes) {
  const size_t size = RoundUp(bytes);
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

void UnmapHugePages(void* p, size_t bytes) { munmap(p, RoundUp(bytes)); }

}  // namespace tc
