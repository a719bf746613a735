// corridor::core — strong ids and units, so that a node index never passes for an edge index and
// metres never pass for seconds.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <limits>

namespace corridor::core {

template <typename Tag, typename Rep>
struct StrongId {
  using rep = Rep;
  static constexpr Rep kInvalidValue = std::numeric_limits<Rep>::max();

  Rep value = kInvalidValue;

  constexpr StrongId() = default;
  constexpr explicit StrongId(Rep v) : value(v) {}
  [[nodiscard]] constexpr bool valid() const { return value != kInvalidValue; }
  constexpr auto operator<=>(const StrongId&) const = default;
};

using NodeId = StrongId<struct NodeTag, std::uint32_t>;        // a junction in a built graph
using EdgeId = StrongId<struct EdgeTag, std::uint32_t>;        // a directed edge (forward CSR index)
using SegmentId = StrongId<struct SegmentTag, std::uint32_t>;  // an undirected road piece with geometry

// Plain value units: arithmetic is allowed within a unit, never across.
template <typename Tag>
struct Quantity {
  double value = 0;
  constexpr Quantity() = default;
  constexpr explicit Quantity(double v) : value(v) {}
  constexpr Quantity operator+(Quantity o) const { return Quantity(value + o.value); }
  constexpr Quantity operator-(Quantity o) const { return Quantity(value - o.value); }
  constexpr Quantity operator*(double f) const { return Quantity(value * f); }
  constexpr auto operator<=>(const Quantity&) const = default;
};
using Meters = Quantity<struct MetersTag>;
using Seconds = Quantity<struct SecondsTag>;

}  // namespace corridor::core

template <typename Tag, typename Rep>
struct std::hash<corridor::core::StrongId<Tag, Rep>> {
  std::size_t operator()(corridor::core::StrongId<Tag, Rep> id) const noexcept {
    return std::hash<Rep>{}(id.value);
  }
};
