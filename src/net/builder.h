// corridor::net — builds a Graph from ways, whatever read them (OSM, GeoJSON, an ASCII test map, the
// synthetic generator). Splits ways at junctions, way ends and barriers; compresses the rest into
// segments that keep their geometry; lays out the CSR arrays and the snapping grid.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
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

struct WayAttributes {
  std::int64_t way_id = 0;
  std::string key;  // the source's id when it is not numeric
  std::string name;
  std::string ref;
  RoadClass road_class = RoadClass::kUnclassified;
  std::uint8_t flags = 0;  // segment_flags::kBridge / kTunnel
  Oneway oneway = Oneway::kNo;
  double speed_kmh = 0;
};

struct WayInput : WayAttributes {
  std::vector<WayNode> nodes;
};

class GraphBuilder {
 public:
  void add_barrier(std::int64_t key, Barrier b);
  // Copies the way into flat arrays (no allocation per way); repeated consecutive nodes are dropped
  // and a way left with fewer than two nodes is ignored.
  void add_way(const WayAttributes& way, std::span<const WayNode> nodes);
  void add_way(const WayInput& way) { add_way(way, way.nodes); }
  [[nodiscard]] std::size_t way_count() const { return ways_.size(); }
  // Fails with kEmpty when no way made it into the graph.
  [[nodiscard]] core::Result<Graph> build(const std::string& source) &&;

  // Interned strings: index 0 is the empty string.
  struct Strings {
    std::vector<std::uint32_t> offsets{0, 0};
    std::vector<char> chars;
    std::unordered_map<std::string, std::uint32_t> index{{std::string(), 0}};
    std::uint32_t intern(const std::string& s);
  };

 private:
  struct StoredWay {
    std::int64_t way_id;
    std::uint32_t key, name, ref;
    std::uint32_t first, count;  // into nodes_
    float speed_kmh;
    RoadClass road_class;
    std::uint8_t flags;
    Oneway oneway;
  };
  std::vector<StoredWay> ways_;
  std::vector<WayNode> nodes_;
  Strings strings_;
  std::vector<std::pair<std::int64_t, Barrier>> barriers_;
};

}  // namespace corridor::net
