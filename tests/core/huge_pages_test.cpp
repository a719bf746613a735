#include "core/huge_pages.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>

namespace corridor::core {
namespace {

bool huge_aligned(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % (std::size_t{2} << 20) == 0; }

TEST(BigVector, LargeArraysAreHugePageAlignedAndKeepTheirContents) {
  BigVector<std::uint64_t> v(3'000'000);  // 24 MB
  ASSERT_TRUE(huge_aligned(v.data()));
  std::iota(v.begin(), v.end(), std::uint64_t{7});
  // Growing moves the contents to a new mapping, and the old one is returned.
  v.resize(5'000'001, 1);
  ASSERT_TRUE(huge_aligned(v.data()));
  for (std::size_t i = 0; i < 3'000'000; i += 9973) ASSERT_EQ(v[i], i + 7);
  EXPECT_EQ(v[2'999'999], 2'999'999u + 7);
  EXPECT_EQ(v[5'000'000], 1u);
  BigVector<std::uint64_t> w = v;  // a copy is its own mapping
  w[0] = 0;
  EXPECT_EQ(v[0], 7u);
  EXPECT_NE(w.data(), v.data());
}

TEST(BigVector, SmallArraysComeFromTheHeap) {
  BigVector<std::uint32_t> v(1000, 5);  // 4 KB: below the threshold
  EXPECT_EQ(std::accumulate(v.begin(), v.end(), 0u), 5000u);
  // An array just below the threshold and one at it.
  BigVector<std::uint8_t> below((std::size_t{4} << 20) - 1, 1), at(std::size_t{4} << 20, 2);
  EXPECT_TRUE(huge_aligned(at.data()));
  EXPECT_EQ(below.back(), 1);
  EXPECT_EQ(at.back(), 2);
}

}  // namespace
}  // namespace corridor::core
