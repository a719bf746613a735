#include "support/ascii_map.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <stdexcept>

#include "net/builder.h"
#include "net/profile.h"

namespace corridor::testing {

namespace {
constexpr core::LatLon kOrigin{40.0, 45.0};
}

core::NodeId AsciiMap::node(char c) const {
  const auto id = osm_ids.at(c);
  for (std::uint32_t v = 0; v < graph.node_count(); ++v) {
    if (graph.osm_id(core::NodeId(v)) == id) return core::NodeId(v);
  }
  ADD_FAILURE() << "node " << c << " is not a junction of the graph";
  return core::NodeId();
}

AsciiMap build_ascii_map(std::string_view layout, const std::vector<AsciiWay>& ways, double cell_m) {
  std::map<char, core::LatLon> points;
  std::map<char, std::int64_t> ids;
  const core::LocalFrame frame(kOrigin.lat);
  int row = 0, col = 0;
  for (char c : layout) {
    if (c == '\n') {
      ++row;
      col = 0;
      continue;
    }
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      if (points.contains(c)) throw std::invalid_argument(std::string("node drawn twice: ") + c);
      points[c] = {kOrigin.lat - row * cell_m / frame.m_per_deg_lat,
                   kOrigin.lon + col * cell_m / frame.m_per_deg_lon};
      ids[c] = c;
    }
    ++col;
  }
  net::GraphBuilder builder;
  for (std::size_t i = 0; i < ways.size(); ++i) {
    const auto& w = ways[i];
    const auto decision = net::decide_way(
        [&](const char* key) -> const char* {
          const auto it = w.tags.find(key);
          return it == w.tags.end() ? nullptr : it->second.c_str();
        },
        net::Profile{});
    if (!decision) continue;
    net::WayInput in;
    in.way_id = w.tags.contains("@id") ? std::stoll(w.tags.at("@id")) : static_cast<std::int64_t>(i) + 1;
    in.name = w.tags.contains("name") ? w.tags.at("name") : "";
    in.ref = w.tags.contains("ref") ? w.tags.at("ref") : "";
    in.road_class = decision->road_class;
    in.oneway = decision->oneway;
    in.speed_kmh = decision->speed_kmh;
    in.flags = decision->flags;
    for (char c : w.nodes) {
      if (!points.contains(c)) throw std::invalid_argument(std::string("way uses undrawn node ") + c);
      in.nodes.push_back({ids[c], ids[c], core::FixedLatLon::from(points[c])});
    }
    builder.add_way(std::move(in));
  }
  auto g = std::move(builder).build("ascii map");
  if (!g) throw std::runtime_error(g.error().message);
  return AsciiMap{points, ids, std::move(*g)};
}

std::string between(const AsciiMap& m, char a, char b, double t) {
  const auto pa = m.at(a), pb = m.at(b);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.7f,%.7f", pa.lat + t * (pb.lat - pa.lat), pa.lon + t * (pb.lon - pa.lon));
  return buf;
}

}  // namespace corridor::testing
