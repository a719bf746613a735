// corridor::route — a contraction hierarchy of the open network, and what it is good for under
// closures that change per request.
//
// Built once per graph and metric (greedy node order by edge difference and contracted neighbours,
// with lazy updates; a bounded witness search decides each shortcut). Closures only ever raise
// costs (an edge closed is an edge removed), so the hierarchy of the open network stays useful under
// any of them, in two ways (Strasser and Zeitz, "Dynamic Time-Dependent Routing in Road Networks
// Through Sampling", and their CH-Potentials):
//  * open_path(): the open network's shortest path, unpacked to original edges; if it crosses no
//    closed edge it is also the shortest path under the closures.
//  * Potential: the exact open-network distance to a target, computed lazily per node from the
//    target's backward search space; a lower bound of the distance under any closures and
//    consistent on every remaining edge, so A* with it is exact on the closed graph.
//
// May use: core, net.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/huge_pages.h"
#include "net/closures.h"
#include "net/graph.h"

namespace corridor::route {

class ContractionHierarchy {
 public:
  static constexpr std::uint64_t kUnreached = UINT64_MAX;

  // An arc of the hierarchy: an original edge, or a shortcut over two arcs (children).
  struct Arc {
    std::uint32_t tail, head;
    std::uint32_t weight;
    std::uint32_t edge;            // the original edge, or kShortcut
    std::uint32_t first, second;   // children of a shortcut (arc ids)
  };
  static constexpr std::uint32_t kShortcut = UINT32_MAX;

  struct BuildStats {
    std::uint64_t shortcuts = 0;
    double seconds = 0;
  };

  static ContractionHierarchy build(const net::Graph& g, net::Metric metric, BuildStats* stats = nullptr);

  [[nodiscard]] std::uint32_t node_count() const { return static_cast<std::uint32_t>(rank_.size()); }
  [[nodiscard]] std::uint32_t rank(std::uint32_t v) const { return rank_[v]; }
  [[nodiscard]] std::size_t arc_count() const { return arcs_.size(); }
  [[nodiscard]] net::Metric metric() const { return metric_; }

  // Shortest distance on the open network from s to t, and the original edges of one such path.
  struct OpenPath {
    std::uint64_t cost = kUnreached;
    std::vector<core::EdgeId> edges;
  };
  class Query;

  // The upward graphs: arcs to higher-ranked nodes, out of (forward) and into (backward) each node,
  // each entry the higher node, the weight and the arc (for unpacking) in one 12-byte record.
  struct Up {
    std::uint32_t other, weight, arc;
  };
  [[nodiscard]] std::uint32_t up_begin(bool backward, std::uint32_t v) const { return (backward ? bwd_first_ : fwd_first_)[v]; }
  [[nodiscard]] std::uint32_t up_end(bool backward, std::uint32_t v) const { return (backward ? bwd_first_ : fwd_first_)[v + 1]; }
  [[nodiscard]] const Up& up(bool backward, std::uint32_t i) const { return (backward ? bwd_up_ : fwd_up_)[i]; }
  [[nodiscard]] const Arc& arc(std::uint32_t id) const { return arcs_[id]; }
  void unpack(std::uint32_t arc, std::vector<core::EdgeId>& out) const;

 private:
  net::Metric metric_ = net::Metric::kTime;
  std::vector<std::uint32_t> rank_;
  std::vector<Arc> arcs_;
  std::vector<std::uint32_t> fwd_first_, bwd_first_;
  std::vector<Up> fwd_up_, bwd_up_;
};

// The per-thread state of queries on one hierarchy.
class ContractionHierarchy::Query {
 public:
  explicit Query(const ContractionHierarchy& ch);

  // The open network's shortest path from s to t (unreached: cost kUnreached).
  OpenPath shortest(std::uint32_t s, std::uint32_t t);

  // A* on the graph under `closures`, exact, with the hierarchy's open-network distance to t as the
  // potential. Returns the cost (kUnreached if t cannot be reached) and, in `edges`, the path.
  std::uint64_t shortest_under(const net::Graph& g, std::uint32_t s, std::uint32_t t, const net::ClosureOverlay* closures,
                               std::vector<core::EdgeId>* edges = nullptr);

  // Nodes whose labels the last query set (work done).
  [[nodiscard]] std::uint64_t settled() const { return settled_; }

 private:
  void begin();  // a new query: new stamp, nothing settled
  // The potential: open-network distance from v to the target of the current A*.
  std::uint64_t potential(std::uint32_t v);

  const ContractionHierarchy& ch_;
  std::uint32_t stamp_ = 0;
  std::uint64_t settled_ = 0;
  // Per node: two upward searches (forward, backward) and the A*/potential state.
  struct Label {
    std::uint64_t dist;
    std::uint32_t parent;  // arc (upward searches) or edge (A*) it was reached by
    std::uint32_t stamp;
  };
  core::ZeroedArray<Label> fwd_, bwd_, astar_;
  core::ZeroedArray<std::uint64_t> pot_;
  core::ZeroedArray<std::uint32_t> pot_stamp_;
  std::vector<std::uint32_t> touched_;
};

}  // namespace corridor::route
