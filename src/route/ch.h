// corridor::route — a contraction hierarchy of the open network, and what it is good for under
// closures that change per request.
//
// Built once per graph and metric at import (greedy node order by edge difference and contracted
// neighbours, with lazy updates; a bounded witness search decides each shortcut) and stored in the
// graph file (net::ChEntry): per node by rank, its arcs to higher-ranked nodes, one entry for both
// directions when they are the same road or the same shortcut at the same weight (OSRM's layout),
// shortcuts unpacked through their middle node. Closures only ever raise costs (an edge closed is an
// edge removed), so the hierarchy of the open network stays useful under any of them, in two ways
// (Strasser and Zeitz, CH-Potentials):
//  * shortest(): the open network's shortest path, unpacked to original edges; if it crosses no
//    closed edge it is also the shortest path under the closures.
//  * shortest_under(): A* on the graph under the closures with the exact open-network distance to
//    the targets as the potential, computed lazily per node from the targets' backward search
//    space; a lower bound under any closures and consistent on every remaining edge, so exact.
// Both take seeds (a node and the cost of entering or leaving there), as route::Router does.
//
// May use: core, net.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/huge_pages.h"
#include "net/closures.h"
#include "net/graph.h"

namespace corridor::route {

struct Seed;

class ContractionHierarchy {
 public:
  static constexpr std::uint64_t kUnreached = UINT64_MAX;

  struct BuildStats {
    std::uint64_t shortcuts = 0;
    std::uint64_t entries = 0;
    double seconds = 0;
  };

  // The hierarchy stored with `g` (g.hierarchy_metric() must be set); `g` must outlive it.
  explicit ContractionHierarchy(const net::Graph& g);
  // Builds one for `g` (which must outlive it).
  static ContractionHierarchy build(const net::Graph& g, net::Metric metric, BuildStats* stats = nullptr);
  // `g` with this hierarchy stored in it, for saving.
  [[nodiscard]] net::Graph attach(const net::Graph& g) const;

  [[nodiscard]] std::uint32_t node_count() const { return static_cast<std::uint32_t>(rank_.size()); }
  [[nodiscard]] std::uint32_t rank(std::uint32_t v) const { return rank_[v]; }
  [[nodiscard]] std::size_t entry_count() const { return up_.size(); }
  [[nodiscard]] net::Metric metric() const { return metric_; }
  [[nodiscard]] const net::Graph& graph() const { return *g_; }

  // Shortest distance on the open network, and the original edges of one such path.
  struct OpenPath {
    std::uint64_t cost = kUnreached;
    std::vector<core::EdgeId> edges;
    std::size_t source_seed = 0, target_seed = 0;
  };
  class Query;

  [[nodiscard]] std::uint32_t first(std::uint32_t r) const { return first_[r]; }
  // Asks the memory for rank r's offsets or entries ahead of their use.
  void prefetch_first(std::uint32_t r) const { __builtin_prefetch(&first_[r]); }
  void prefetch_entries(std::uint32_t r) const { __builtin_prefetch(&up_[first_[r]]); }
  [[nodiscard]] const net::ChEntry& entry(std::uint32_t i) const { return up_[i]; }
  // An entry to unpack: entry `entry` at rank `lower`, travelled upward (lower to higher) or down.
  struct UnpackFrame {
    std::uint32_t lower, entry;
    bool upward;
    std::uint32_t halves = kLeaf;  // while unpacking: where the two halves of a shortcut are
  };
  static constexpr std::uint32_t kLeaf = UINT32_MAX;
  // What unpacking needs besides its input, kept by the caller between queries.
  struct UnpackScratch {
    std::vector<UnpackFrame> tree;
    std::vector<std::uint32_t> pending, next, stack;
  };
  // Appends the original edges of a sequence of entries in travel order (a whole path); `frames`
  // is used as scratch too. False if the stored hierarchy does not unpack (a damaged file).
  bool unpack_all(std::vector<UnpackFrame>& frames, UnpackScratch& scratch, std::vector<core::EdgeId>& out) const;

 private:
  ContractionHierarchy() = default;
  const net::Graph* g_ = nullptr;
  net::Metric metric_ = net::Metric::kTime;
  std::span<const std::uint32_t> metric_word_, rank_, first_;
  std::span<const net::ChEntry> up_;
  std::shared_ptr<const void> storage_;  // when built here rather than read from the graph
};

// The per-thread state of queries on one hierarchy.
class ContractionHierarchy::Query {
 public:
  explicit Query(const ContractionHierarchy& ch);

  // The open network's shortest path from any source seed to any target seed (cost kUnreached
  // when there is none).
  OpenPath shortest(std::span<const Seed> sources, std::span<const Seed> targets);
  OpenPath shortest(std::uint32_t s, std::uint32_t t);

  // A* on the graph under `closures`, exact, with the hierarchy's open-network distance to the
  // targets as the potential. Returns the cost (kUnreached if no target can be reached) and, in
  // `path` if given, the edges and the seeds it starts and ends at.
  std::uint64_t shortest_under(std::span<const Seed> sources, std::span<const Seed> targets,
                               const net::ClosureOverlay* closures, OpenPath* path = nullptr);
  std::uint64_t shortest_under(std::uint32_t s, std::uint32_t t, const net::ClosureOverlay* closures,
                               std::vector<core::EdgeId>* edges = nullptr);

  // Nodes the last query settled (work done).
  [[nodiscard]] std::uint64_t settled() const { return settled_; }

 private:
  void begin();  // a new query: new stamp, nothing settled
  // The potential: open-network distance from the node of rank r to the nearest target.
  std::uint64_t potential(std::uint32_t r);

  const ContractionHierarchy& ch_;
  std::uint32_t stamp_ = 0;
  std::uint64_t settled_ = 0;
  // Per rank: two upward searches (forward, backward); per node: the A* labels; per rank: the
  // potential.
  struct Label {
    std::uint64_t dist;
    std::uint32_t parent;  // rank (upward searches) or edge (A*) it was reached from; kNone for a seed
    std::uint32_t stamp;
  };
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // The two upward searches' labels of one rank side by side (one cache line): a search settling a
  // node reads the other's label there too.
  struct Side {
    Label* p;
    Label& operator[](std::size_t r) const { return p[2 * r]; }
  };
  core::ZeroedArray<Label> both_, astar_;
  Side fwd_, bwd_;
  core::ZeroedArray<std::uint64_t> pot_;
  core::ZeroedArray<std::uint32_t> pot_stamp_;
  std::vector<std::uint32_t> stack_;
  std::vector<UnpackFrame> unpack_stack_;
  UnpackScratch unpack_scratch_;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> heap_, heap2_;
};

}  // namespace corridor::route
