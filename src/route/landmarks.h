// corridor::route — ALT landmarks: a few nodes far apart, and every node's travel time and distance
// to and from each of them, computed once at import and stored in the graph file. By the triangle
// inequality they bound how far any node is from a target, which steers the bidirectional search
// (Goldberg & Harrelson's A*, landmarks and triangle inequality) without giving up exactness.
// Closures only lengthen routes, so bounds computed on the open network stay valid under any
// closure overlay.
#pragma once

#include <cstdint>

#include "net/graph.h"

namespace corridor::route {

inline constexpr std::uint32_t kDefaultLandmarks = 4;

// Chooses `k` landmarks farthest-first by travel time and returns the graph with their tables.
// k = 0 returns the graph without landmarks.
[[nodiscard]] net::Graph add_landmarks(const net::Graph& g, std::uint32_t k);

}  // namespace corridor::route
