// corridor::route — shortest paths on a Graph under a closure overlay.
//
// A Router is the mutable, per-thread query state over an immutable Graph (RoutingKit's split): its
// label arrays are sized once and reset in O(1) by a generation stamp, so a query costs only what it
// touches. Searches start from seeds (node, initial cost) so that a point in the middle of a road,
// snapped by net/snap.h, enters the graph at both ends of its segment with the partial costs.
//
// May use: core, net.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "net/closures.h"
#include "net/graph.h"

namespace corridor::route {

using core::EdgeId;
using core::NodeId;
using net::Graph;
using net::Metric;

struct Seed {
  NodeId node;
  std::uint64_t cost = 0;
};

struct Path {
  std::uint64_t cost = 0;
  std::vector<EdgeId> edges;  // in travel order
  std::size_t source_seed = 0;  // which of the source seeds it starts from
  std::size_t target_seed = 0;  // which of the target seeds it ends at
};

class Router {
 public:
  explicit Router(const Graph& g);

  // Bidirectional Dijkstra from any source seed to any target seed; closed edges are never used.
  [[nodiscard]] std::optional<Path> shortest(std::span<const Seed> sources, std::span<const Seed> targets,
                                             Metric metric, const net::ClosureOverlay* closures);

  // Plain forward Dijkstra from the seeds over the whole graph (or up to `limit`); afterwards
  // reached() and distance() describe the settled nodes.
  void explore(std::span<const Seed> sources, Metric metric, const net::ClosureOverlay* closures,
               std::uint64_t limit = UINT64_MAX);
  [[nodiscard]] bool reached(NodeId n) const { return fwd_.stamp[n.value] == fwd_.generation; }
  [[nodiscard]] std::uint64_t distance(NodeId n) const { return fwd_.dist[n.value]; }
  // The seed a settled node was reached from (after explore()).
  [[nodiscard]] std::size_t origin(NodeId n) const { return fwd_.origin[n.value]; }

 private:
  struct Side {
    std::vector<std::uint64_t> dist;
    std::vector<std::uint32_t> parent;  // edge id into the node, or kNone for a seed
    std::vector<std::uint32_t> origin;  // seed index
    std::vector<std::uint32_t> stamp;
    std::uint32_t generation = 0;
    std::vector<std::pair<std::uint64_t, std::uint32_t>> heap;  // min-heap of (dist, node)

    void reset(std::size_t n);
    [[nodiscard]] bool has(std::uint32_t v) const { return stamp[v] == generation; }
    void push(std::uint64_t d, std::uint32_t v);
    std::pair<std::uint64_t, std::uint32_t> pop();
  };

  const Graph& g_;
  Side fwd_;
  Side bwd_;
};

}  // namespace corridor::route
