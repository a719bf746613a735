// corridor::route — shortest paths on a Graph under a closure overlay.
//
// A Router is the mutable, per-thread query state over an immutable Graph (RoutingKit's split): its
// label arrays are sized once and reset in O(1) by a generation stamp, so a query costs only what it
// touches. Searches start from seeds (node, initial cost) so that a point in the middle of a road,
// snapped by net/snap.h, enters the graph at both ends of its segment with the partial costs.
//
// May use: core, net.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "core/huge_pages.h"
#include "route/ch.h"
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
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // How shortest() answered the last query: the graph's contraction hierarchy (its open path, which
  // crossed no closed edge; or A* with its potential under the closures), else bidirectional A*
  // with the ALT landmarks, else bidirectional Dijkstra.
  enum class Technique : std::uint8_t { kHierarchy, kHierarchyPotential, kLandmarks, kDijkstra };
  [[nodiscard]] Technique technique() const { return technique_; }
  // Whether shortest() may use the graph's hierarchy (on by default; off to compare).
  void use_hierarchy(bool on) { hierarchy_on_ = on; }

  // The shortest path from any source seed to any target seed; closed edges are never used. With a
  // hierarchy of this metric in the graph: its query, then (if that path crosses a closure) A*
  // with its potential; otherwise bidirectional A* with the landmarks or plain Dijkstra.
  [[nodiscard]] std::optional<Path> shortest(std::span<const Seed> sources, std::span<const Seed> targets,
                                             Metric metric, const net::ClosureOverlay* closures);

  // Plain Dijkstra from the seeds over the whole graph (or up to `limit`), along the edges or, with
  // `backward`, against them (distances *to* the seeds); afterwards reached() and distance()
  // describe the settled nodes.
  void explore(std::span<const Seed> sources, Metric metric, const net::ClosureOverlay* closures,
               std::uint64_t limit = UINT64_MAX, bool backward = false);
  [[nodiscard]] bool reached(NodeId n) const {
    return narrow_ ? narrow_labels_[n.value] != kNarrowUnreached : fwd_.has(n.value);
  }
  [[nodiscard]] std::uint64_t distance(NodeId n) const {
    return narrow_ ? narrow_labels_[n.value] >> 32 : fwd_.labels[n.value].dist;
  }
  // The seed a settled node was reached from (after explore()): of several seeds equally far, the
  // one listed first.
  [[nodiscard]] std::size_t origin(NodeId n) const {
    return narrow_ ? static_cast<std::uint32_t>(narrow_labels_[n.value]) : fwd_.origin[n.value];
  }
  // Nodes settled by the last shortest(), both directions together: the work a query did.
  [[nodiscard]] std::uint64_t settled() const { return settled_; }

 private:
  // Per node and direction: tentative distance, the edge it was reached by, and the generation stamp
  // that says whether the label belongs to this query. One 16-byte record, one cache line touch.
  struct Label {
    std::uint64_t dist;
    std::uint32_t parent;  // edge id into the node, or kNone for a seed
    std::uint32_t stamp;
  };
  struct HeapItem {
    std::uint64_t key;
    std::uint32_t node;
  };
  // An indexed 4-ary min-heap with decrease-key: no stale entries, shallow, and the four children of
  // a slot share a cache line or two.
  // Every per-node array starts all zero without being written (core::ZeroedArray): a stamp of 0 is
  // no query's, so a label, heap slot, seed or potential is read only for a node this query has
  // labelled, and a router costs nothing until a query touches the nodes it reaches.
  struct Side {
    core::ZeroedArray<Label> labels;
    core::ZeroedArray<std::uint32_t> origin;  // seed index; kept by explore() only
    core::ZeroedArray<std::uint32_t> pos;     // slot in heap of a labelled node, kSettled once popped
    std::uint32_t generation = 0;
    std::vector<HeapItem> heap;

    void reset();
    [[nodiscard]] bool has(std::uint32_t v) const { return labels[v].stamp == generation; }
    // Labels v with distance d (a new label, or a lower one) and queues it under `key`.
    void update(std::uint32_t v, std::uint64_t d, std::uint64_t key, std::uint32_t parent);
    [[nodiscard]] bool empty() const { return heap.empty(); }
    [[nodiscard]] std::uint64_t top_key() const { return heap.front().key; }
    std::uint32_t pop();
    void sift_up(std::size_t i);
    void sift_down(std::size_t i);
  };

  // ALT potentials (route/landmarks.h): h(v) = lower bound to the targets minus lower bound from
  // the sources, computed when a node is first labelled and cached for the query.
  static constexpr std::int64_t kInfinitePotential = INT64_MAX;
  void bounds(std::uint32_t v, std::int64_t& to_targets, std::int64_t& from_sources);
  struct SeedBounds {
    std::uint64_t cost;
    std::vector<std::uint32_t> row;  // the seed node's [landmark][to, from] distances
  };

  // A radix heap (Ahuja, Mehlhorn, Orlin, Tarjan) for explore() when a distance would not fit in 32
  // bits: keys popped never decrease, so items are bucketed by the highest bit in which they differ
  // from the last key popped; each item moves down at most 64 times. Improvements are pushed again
  // and stale items skipped.
  struct RadixHeap {
    std::array<std::vector<std::pair<std::uint64_t, std::uint32_t>>, 65> buckets;
    std::uint64_t last = 0;
    std::size_t size = 0;
    void clear();
    void push(std::uint64_t key, std::uint32_t v);
    std::pair<std::uint64_t, std::uint32_t> pop();
  };
  RadixHeap radix_;

  // explore() on 32-bit distances (milliseconds or centimetres: 49 days or 42,900 km), which every
  // real road network stays within: a node's label is one word, distance << 32 | seed, and a heap
  // item one word, key << 32 | node — half the memory traffic of the general search, which explore()
  // falls back to when a distance would not fit. Returns false on such an overflow.
  bool explore_narrow(std::span<const Seed> sources, Metric metric, const net::ClosureOverlay* closures,
                      std::uint64_t limit, bool backward);
  template <typename Queue>
  bool narrow_search(Queue& q, std::span<const Seed> sources, Metric metric, const net::ClosureOverlay* closures,
                     std::uint64_t limit, bool backward);
  template <bool kBackward, bool kClosures, typename Queue>
  bool narrow_loop(Queue& q, Metric metric, const net::ClosureOverlay* closures, std::uint64_t limit);
  static constexpr std::uint64_t kNarrowUnreached = ~std::uint64_t{0};
  core::BigVector<std::uint64_t> narrow_labels_;
  // The bucket queue's shape per metric, from the graph's edge weights (computed once).
  struct BucketShape {
    bool known = false;
    std::uint32_t shift = 0;
    std::size_t slots = 64;
  };
  const BucketShape& bucket_shape(Metric metric);
  std::array<BucketShape, 2> bucket_shapes_{};

 public:
  // The bucket queue's storage, kept between searches (route/router.cpp).
  struct BucketStore {
    std::vector<std::vector<std::uint64_t>> ring;  // per slot: its items
    std::vector<std::uint64_t> bits;               // per slot: whether it holds any
    std::vector<std::uint64_t> current, overflow;  // the bucket being scanned; beyond the ring
  };

 private:
  BucketStore buckets_;
  bool narrow_ = false;

  const Graph& g_;
  std::uint64_t settled_ = 0;
  // The hierarchy's query state, made on the first query that uses it.
  std::optional<Path> shortest_by_hierarchy(std::span<const Seed> sources, std::span<const Seed> targets,
                                            const net::ClosureOverlay* closures);
  std::unique_ptr<ContractionHierarchy> ch_;
  std::unique_ptr<ContractionHierarchy::Query> ch_query_;
  bool hierarchy_on_ = true;
  Technique technique_ = Technique::kDijkstra;
  Metric metric_ = Metric::kTime;
  bool use_landmarks_ = false;
  std::vector<SeedBounds> source_bounds_, target_bounds_;
  core::ZeroedArray<std::int64_t> pot_to_, pot_from_;
  core::ZeroedArray<std::uint32_t> pot_stamp_;
  std::uint32_t query_ = 0;
  Side fwd_;
  Side bwd_;
};

}  // namespace corridor::route
