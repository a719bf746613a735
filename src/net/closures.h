// corridor::net — closures: an overlay of closed directed edges over an immutable graph.
//
// A closure spec is text, as users type it on the command line and scenario files carry it:
//   way:ID | name:TEXT | ref:TEXT | node:ID | bbox:S,W,N,E | polygon:FILE.geojson
// each optionally followed by @forward or @backward (one direction of a way, relative to the order of
// its nodes) and by a time window [FROM,UNTIL) in ISO 8601, either end may be empty.
// docs/formats.md documents the grammar.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/geo.h"
#include "core/result.h"
#include "core/time.h"
#include "net/graph.h"

namespace corridor::net {

enum class ClosureKind : std::uint8_t { kWay, kName, kRef, kNode, kBBox, kPolygon };
enum class ClosureDirection : std::uint8_t { kBoth, kForward, kBackward };

struct ClosureSpec {
  std::string text;  // as given, for messages
  ClosureKind kind = ClosureKind::kWay;
  ClosureDirection direction = ClosureDirection::kBoth;
  std::string value;                // way id or key, name, ref, node id, file name
  std::optional<std::int64_t> id;   // way or node id when numeric
  std::vector<core::Polygon> polygons;  // bbox (one) and polygon (one or more)
  std::optional<core::UnixSeconds> from;   // inclusive
  std::optional<core::UnixSeconds> until;  // exclusive

  [[nodiscard]] bool active_at(core::UnixSeconds t) const {
    return (!from || t >= *from) && (!until || t < *until);
  }
};

// Parses one spec. A polygon spec reads its GeoJSON file here, so that a bad file is reported with
// the spec that named it.
[[nodiscard]] core::Result<ClosureSpec> parse_closure_spec(std::string_view text);
// Polygon and MultiPolygon geometries (bare, in a Feature or a FeatureCollection) as one polygon set.
[[nodiscard]] core::Result<std::vector<core::Polygon>> load_polygons(const std::string& path);

class ClosureOverlay {
 public:
  explicit ClosureOverlay(std::uint32_t edge_count) : bits_((edge_count + 63) / 64, 0) {}
  [[nodiscard]] bool closed(EdgeId e) const { return (bits_[e.value >> 6] >> (e.value & 63)) & 1u; }
  void close(EdgeId e) { bits_[e.value >> 6] |= std::uint64_t{1} << (e.value & 63); }
  [[nodiscard]] bool any() const;

  // Per spec, in the order given: the edges it closes, and whether its time window is open now.
  struct Applied {
    std::vector<EdgeId> edges;
    bool active = true;
  };
  std::vector<Applied> applied;

 private:
  std::vector<std::uint64_t> bits_;
};

// Resolves specs against a graph at time `at`. A spec that matches no road in the graph is an error
// (kNotFound), whether or not its window is open at `at`: a typo should not pass for an open road.
[[nodiscard]] core::Result<ClosureOverlay> apply_closures(const Graph& g,
                                                         const std::vector<ClosureSpec>& specs,
                                                         core::UnixSeconds at);

}  // namespace corridor::net
