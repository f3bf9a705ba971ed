// An allocator for big arrays (the exposure index's buffers and compressed streams):
// blocks of 4 MiB and more are mapped on their own and advised to use transparent
// huge pages, so filling a gigabyte costs hundreds of page faults instead of a
// quarter of a million (machines whose THP mode is "madvise" — Debian's default —
// give huge pages only to memory that asks). Smaller blocks come from malloc.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace tc {

// Maps `bytes` (rounded up to 2 MiB, aligned to 2 MiB) advised for huge pages, or
// hands back a block freed earlier (up to 512 MiB of them are kept, so the answer of
// the next query does not fault its pages in again); throws std::bad_alloc when the
// system refuses.
void* MapHugePages(size_t bytes);
void UnmapHugePages(void* p, size_t bytes);

inline constexpr size_t kHugePageThreshold = size_t{4} << 20;

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    if (n * sizeof(T) < kHugePageThreshold) return std::allocator<T>().allocate(n);
    return static_cast<T*>(MapHugePages(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) noexcept {
    if (n * sizeof(T) < kHugePageThreshold) return std::allocator<T>().deallocate(p, n);
    UnmapHugePages(p, n * sizeof(T));
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

template <typename T>
using BigVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace tc
