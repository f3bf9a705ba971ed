// An allocator for big arrays (the exposure index's buffers and compressed streams):
// blocks of 4 MiB and more are mapped on their own and advised to use transparent
// huge pages, so filling a gigabyte costs hundreds of page faults instead of a
// quarter of a million (machines whose THP mode is "madvise" — Debian's default —
// give huge pages only to memory that asks). Smaller blocks come from malloc.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
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

// The same allocator, except that a vector's resize(n) or vector(n) default-initialises
// the new elements: a trivially default-constructible T is left as it was, not zeroed.
// For answers that threads write in place, where zeroing them first would cost about
// as much as the writing.
template <typename T>
struct HugePageAllocatorForOverwrite : HugePageAllocator<T> {
  HugePageAllocatorForOverwrite() = default;
  template <typename U>
  HugePageAllocatorForOverwrite(const HugePageAllocatorForOverwrite<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

template <typename T>
using BigVectorForOverwrite = std::vector<T, HugePageAllocatorForOverwrite<T>>;

// A fixed block of T from MapHugePages, left uninitialised (T trivially copyable):
// its pages are faulted in only where written, so scratch sized for the biggest
// query costs the small ones nothing and is not zeroed when it is never read.
template <typename T>
class RawBlock {
 public:
  static_assert(std::is_trivially_copyable_v<T>);
  RawBlock() = default;
  RawBlock(const RawBlock&) = delete;
  RawBlock& operator=(const RawBlock&) = delete;
  ~RawBlock() { Release(); }
  size_t size() const { return size_; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  // At least n elements; the first size() are kept.
  void Grow(size_t n) {
    if (n <= size_) return;
    T* p = static_cast<T*>(MapHugePages(n * sizeof(T)));
    if (size_) std::memcpy(static_cast<void*>(p), data_, size_ * sizeof(T));
    Release();
    data_ = p;
    size_ = n;
  }

 private:
  void Release() {
    if (data_) UnmapHugePages(data_, size_ * sizeof(T));
    data_ = nullptr;
    size_ = 0;
  }
  T* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace tc
