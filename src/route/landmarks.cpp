#include "route/landmarks.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "route/router.h"

namespace corridor::route {

net::Graph add_landmarks(const net::Graph& g, std::uint32_t k) {
  const std::uint32_t n = g.node_count();
  auto nodes = std::make_shared<std::vector<std::uint32_t>>();
  auto dist = std::make_shared<std::vector<std::uint32_t>>();
  if (k == 0 || n == 0) return g.with_landmarks({}, {}, nullptr);
  Router router(g);

  // Farthest-first: start from the node farthest from a central one, then repeatedly take the node
  // farthest from all landmarks chosen so far (travel time, along the edges).
  std::vector<Seed> seeds{{NodeId(n / 2), 0}};
  for (std::uint32_t i = 0; i < k; ++i) {
    router.explore(seeds, Metric::kTime, nullptr);
    constexpr std::uint32_t kNoFarNode = 0xFFFF'FFFFu;
    std::uint32_t far = kNoFarNode;
    std::uint64_t far_d = 0;
    for (std::uint32_t v = 0; v < n; ++v) {
      if (router.reached(NodeId(v)) && router.distance(NodeId(v)) >= far_d &&
          std::find(nodes->begin(), nodes->end(), v) == nodes->end()) {
        far_d = router.distance(NodeId(v));
        far = v;
      }
    }
    if (far == kNoFarNode) break;
    nodes->push_back(far);
    if (i == 0) seeds.clear();
    seeds.push_back({NodeId(far), 0});
  }

  const std::size_t count = nodes->size();
  dist->assign(2 * static_cast<std::size_t>(n) * count * 2, net::kNoDistance);
  for (int m = 0; m < 2; ++m) {
    for (std::size_t l = 0; l < count; ++l) {
      const Seed landmark{NodeId((*nodes)[l]), 0};
      for (int dir = 0; dir < 2; ++dir) {
        // dir 0: distance from v to the landmark (search against the edges); 1: from the landmark.
        router.explore({&landmark, 1}, static_cast<Metric>(m), nullptr, UINT64_MAX, dir == 0);
        for (std::uint32_t v = 0; v < n; ++v) {
          if (!router.reached(NodeId(v))) continue;
          const std::uint64_t d = router.distance(NodeId(v));
          (*dist)[((static_cast<std::size_t>(m) * n + v) * count + l) * 2 + static_cast<std::size_t>(dir)] =
              d < net::kNoDistance ? static_cast<std::uint32_t>(d) : net::kNoDistance;  // too far: no bound
        }
      }
    }
  }
  struct Tables {
    std::shared_ptr<std::vector<std::uint32_t>> nodes, dist;
  };
  const std::span<const std::uint32_t> node_span(*nodes), dist_span(*dist);
  return g.with_landmarks(node_span, dist_span, std::make_shared<Tables>(Tables{nodes, dist}));
}

}  // namespace corridor::route
