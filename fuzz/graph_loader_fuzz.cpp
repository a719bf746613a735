// Feeds arbitrary bytes to the graph loader. The checksum would reject nearly every input before the
// structural checks, so half the inputs skip it: those checks are what must never let a bad index by.
#include <cstdint>
#include <cstring>
#include <vector>

#include "net/graph_file.h"
#include "net/snap.h"
#include "route/router.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool verify = (data[0] & 1) != 0;
  std::vector<std::uint64_t> buffer((size - 1 + 7) / 8, 0);
  if (size > 1) std::memcpy(buffer.data(), data + 1, size - 1);
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(buffer.data()), size - 1);
  auto g = corridor::net::graph_from_bytes(bytes, nullptr, "fuzz", verify);
  if (!g) return 0;
  (void)corridor::net::Graph::check_consistency(g->arrays());  // the full check must be safe too
  // A graph that passed validation must be safe to walk and to snap on.
  for (std::uint32_t v = 0; v < g->node_count(); ++v) {
    for (std::uint32_t e = g->first_out(v); e < g->first_out(v + 1); ++e) {
      (void)g->label(g->segment_of(corridor::core::EdgeId(e)));
    }
  }
  (void)corridor::net::snap(*g, {0, 0}, 1e7, "fuzz point");
  // And to route on, through its hierarchy if it has one (upward walks, unpacking, the potential).
  if (g->node_count() > 0) {
    corridor::route::Router router(*g);
    const corridor::route::Seed s{corridor::core::NodeId(0), 0}, t{corridor::core::NodeId(g->node_count() - 1), 0};
    const auto metric = g->hierarchy_metric().value_or(corridor::net::Metric::kTime);
    (void)router.shortest({&s, 1}, {&t, 1}, metric, nullptr);
    if (g->segment_count() > 0) {  // under a closure: A* with the hierarchy's potential
      const auto spec = corridor::net::parse_closure_spec("way:" + std::to_string(g->segment(corridor::core::SegmentId(0)).way_id));
      if (spec) {
        if (const auto overlay = corridor::net::apply_closures(*g, {*spec}, 0)) {
          (void)router.shortest({&s, 1}, {&t, 1}, metric, &*overlay);
        }
      }
    }
  }
  return 0;
}
