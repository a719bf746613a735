// corridor::net — builds a Graph from ways, whatever read them (OSM, GeoJSON, an ASCII test map, the
// synthetic generator). Splits ways at junctions, way ends and barriers; compresses the rest into
// segments that keep their geometry; lays out the CSR arrays and the snapping grid.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "net/graph.h"

namespace corridor::net {

enum class Oneway : std::uint8_t { kNo, kForward, kBackward };

struct WayNode {
  std::int64_t key;     // identity: two ways share a node when they share a key
  std::int64_t osm_id;  // kept in the graph; 0 where the source has none
  FixedLatLon coord;
};

struct WayInput {
  std::int64_t way_id = 0;
  std::string key;  // the source's id when it is not numeric
  std::string name;
  std::string ref;
  RoadClass road_class = RoadClass::kUnclassified;
  std::uint8_t flags = 0;  // segment_flags::kBridge / kTunnel
  Oneway oneway = Oneway::kNo;
  double speed_kmh = 0;
  std::vector<WayNode> nodes;
};

class GraphBuilder {
 public:
  void add_barrier(std::int64_t key, Barrier b);
  void add_way(WayInput way);
  [[nodiscard]] std::size_t way_count() const { return ways_.size(); }
  // Fails with kEmpty when no way made it into the graph.
  [[nodiscard]] core::Result<Graph> build(const std::string& source) &&;

 private:
  std::vector<WayInput> ways_;
  std::vector<std::pair<std::int64_t, Barrier>> barriers_;
};

}  // namespace corridor::net
