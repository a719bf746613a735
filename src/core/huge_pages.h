// Per-node and per-edge arrays of whole-graph analyses on transparent huge pages.
//
// A search or DFS over a 10^6-node graph touches its arrays all over, so that with 4 KB pages most
// accesses also miss the TLB, and a fresh array costs one page fault per 4 KB. Linux backs 2 MB
// aligned ranges with huge pages when asked to (madvise MADV_HUGEPAGE; THP in "madvise" mode, as
// here, or "always"): 512 times fewer faults and TLB entries.
//
// BigVector<T> is a std::vector whose allocations of 4 MB or more are such mappings; smaller ones
// come from the ordinary heap. Where THP is off, the mapping is ordinary memory. The price: each
// such array is mapped afresh, where glibc would reuse freed heap memory for arrays up to 32 MB, so
// repeated warm calls on a 10^6-node graph do not gain (max-flow 5-10% slower there); first calls
// and every call on larger graphs do (docs/architecture.md, Access analysis).
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <type_traits>
#include <utility>
#include <new>
#include <vector>

namespace corridor::core {

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr std::size_t kHuge = std::size_t{2} << 20;
  static constexpr std::size_t kThreshold = std::size_t{4} << 20;

  HugePageAllocator() noexcept = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT: rebinding is implicit

  static std::size_t mapped_size(std::size_t bytes) { return (bytes + kHuge - 1) / kHuge * kHuge; }

  T* allocate(std::size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kThreshold) return std::allocator<T>().allocate(n);
    // Map one huge page more than needed, keep the 2 MB-aligned part, and return the rest.
    const std::size_t len = mapped_size(bytes);
    void* raw = ::mmap(nullptr, len + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + kHuge - 1) / kHuge * kHuge;
    if (aligned > start) ::munmap(raw, aligned - start);
    const std::uintptr_t end = start + len + kHuge;
    if (end > aligned + len) ::munmap(reinterpret_cast<void*>(aligned + len), end - (aligned + len));
    ::madvise(reinterpret_cast<void*>(aligned), len, MADV_HUGEPAGE);  // advice: failure is harmless
    return reinterpret_cast<T*>(aligned);
  }

  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kThreshold) {
      std::allocator<T>().deallocate(p, n);
      return;
    }
    ::munmap(p, mapped_size(bytes));
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

template <typename T>
using BigVector = std::vector<T, HugePageAllocator<T>>;

// A fixed-size array of T whose every byte starts zero, without writing it: the memory comes
// zero-filled from the kernel (an anonymous mapping for 4 MB or more, on huge pages where allowed;
// calloc below), and a page costs something only when first touched. For per-node search state
// whose all-zero value means "not labelled in any query" (a generation stamp of 0), so a router on
// a 10^6-node graph is ready at once and a query pays only for the nodes it reaches.
template <typename T>
class ZeroedArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  ZeroedArray() = default;
  explicit ZeroedArray(std::size_t n) : n_(n) {
    if (n == 0) return;
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_array_new_length();
    if (n * sizeof(T) >= HugePageAllocator<T>::kThreshold) {
      p_ = HugePageAllocator<T>().allocate(n);  // a fresh anonymous mapping: zero pages
      mapped_ = true;
    } else {
      p_ = static_cast<T*>(std::calloc(n, sizeof(T)));
      if (p_ == nullptr) throw std::bad_alloc();
    }
  }
  ZeroedArray(const ZeroedArray&) = delete;
  ZeroedArray& operator=(const ZeroedArray&) = delete;
  ZeroedArray(ZeroedArray&& o) noexcept { swap(o); }
  ZeroedArray& operator=(ZeroedArray&& o) noexcept {
    ZeroedArray(std::move(o)).swap(*this);
    return *this;
  }
  ~ZeroedArray() {
    if (p_ == nullptr) return;
    if (mapped_) {
      HugePageAllocator<T>().deallocate(p_, n_);
    } else {
      std::free(p_);
    }
  }
  void swap(ZeroedArray& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    std::swap(mapped_, o.mapped_);
  }
  [[nodiscard]] std::size_t size() const { return n_; }
  [[nodiscard]] bool empty() const { return n_ == 0; }
  T& operator[](std::size_t i) { return p_[i]; }
  const T& operator[](std::size_t i) const { return p_[i]; }
  T* begin() { return p_; }
  T* end() { return p_ + n_; }
  const T* begin() const { return p_; }
  const T* end() const { return p_ + n_; }

 private:
  T* p_ = nullptr;
  std::size_t n_ = 0;
  bool mapped_ = false;
};

}  // namespace corridor::core
