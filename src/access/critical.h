// corridor::access — which links are the only route: bridges and articulation points of the road
// network (as an undirected graph: a road is a link whatever its one-way rules), ranked by the
// population that closing them cuts off from every source, and for each place the number of
// road-disjoint routes to the sources with a minimum cut.
#pragma once

#include <cstdint>
#include <vector>

#include "core/huge_pages.h"
#include "net/closures.h"
#include "net/graph.h"
#include "route/endpoint.h"

namespace corridor::access {

using core::NodeId;
using core::SegmentId;

// The roads that are open in at least one direction, as an undirected multigraph in CSR form.
class UndirectedView {
 public:
  UndirectedView(const net::Graph& g, const net::ClosureOverlay* closures);
  [[nodiscard]] std::uint32_t node_count() const { return static_cast<std::uint32_t>(first_.size() - 1); }
  // Links at node v: [first(v), first(v + 1)) into neighbour() / segment().
  [[nodiscard]] std::uint32_t first(std::uint32_t v) const { return first_[v]; }
  [[nodiscard]] std::uint32_t neighbour(std::uint32_t i) const { return adj_[i].node; }
  [[nodiscard]] std::uint32_t segment(std::uint32_t i) const { return adj_[i].segment; }
  [[nodiscard]] bool present(SegmentId s) const { return present_[s.value] != 0; }

 private:
  struct Link {
    std::uint32_t node, segment;
  };
  core::BigVector<std::uint32_t> first_;
  core::BigVector<Link> adj_;
  core::BigVector<std::uint8_t> present_;
};

struct BridgeResult {
  SegmentId segment;
  std::int64_t population_cut_off = 0;
};
struct ArticulationResult {
  NodeId node;
  std::int64_t population_cut_off = 0;
};
struct CutPoints {
  std::vector<BridgeResult> bridges;               // sorted by population cut off, then id
  std::vector<ArticulationResult> articulation_points;
};

// Iterative (no recursion depth limit) linear-time Hopcroft–Tarjan over the view. `population` and
// `sources` are per node: what lives there, and how many sources are there.
[[nodiscard]] CutPoints find_cut_points(const UndirectedView& view, const std::vector<std::int64_t>& population,
                                        const std::vector<std::uint32_t>& sources);

struct DisjointRoutes {
  std::uint32_t count = 0;               // road-disjoint routes between the sources and the place
  std::vector<SegmentId> min_cut;        // a smallest set of roads whose closure cuts them all
};

// Unit-capacity max-flow from every source to `place` over the undirected view (each road carries
// one route, in either direction), then a minimum cut from the residual graph. A point part-way along
// a road splits it: routes may reach it from either end, so at most two.
[[nodiscard]] DisjointRoutes disjoint_routes(const net::Graph& g, const UndirectedView& view,
                                             const std::vector<route::Endpoint>& sources,
                                             const route::Endpoint& place);
[[nodiscard]] DisjointRoutes disjoint_routes(const net::Graph& g, const UndirectedView& view,
                                             const std::vector<NodeId>& sources, NodeId place);

// Whether two resolved points are the same place on the network (same node, or same spot on a road).
[[nodiscard]] bool same_point(const route::Endpoint& a, const route::Endpoint& b);

}  // namespace corridor::access
