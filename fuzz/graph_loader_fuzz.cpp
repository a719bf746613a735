// Feeds arbitrary bytes to the graph loader. The checksum would reject nearly every input before the
// structural checks, so half the inputs skip it: those checks are what must never let a bad index by.
#include <cstdint>
#include <cstring>
#include <vector>

#include "net/graph_file.h"
#include "net/snap.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool verify = (data[0] & 1) != 0;
  std::vector<std::uint64_t> buffer((size - 1 + 7) / 8, 0);
  if (size > 1) std::memcpy(buffer.data(), data + 1, size - 1);
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(buffer.data()), size - 1);
  auto g = corridor::net::graph_from_bytes(bytes, nullptr, "fuzz", verify);
  if (!g) return 0;
  // A graph that passed validation must be safe to walk and to snap on.
  for (std::uint32_t v = 0; v < g->node_count(); ++v) {
    for (std::uint32_t e = g->first_out(v); e < g->first_out(v + 1); ++e) {
      (void)g->label(g->segment_of(corridor::core::EdgeId(e)));
    }
  }
  (void)corridor::net::snap(*g, {0, 0}, 1e7, "fuzz point");
  return 0;
}
