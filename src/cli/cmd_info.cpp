#include <sys/stat.h>

#include <iostream>
#include <map>

#include "cli/common.h"
#include "net/graph_file.h"

namespace corridor::cli {

Runner add_info(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "Counts, bounding box, road classes and components of a graph");
  struct Opts {
    std::string graph;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("GRAPH", o->graph, "graph file (.cgraph)")->required();
  cmd->add_flag("--json", o->json, "print as JSON");
  return [o] {
    auto g = net::load_graph(o->graph);
    if (!g) return report(g.error(), o->json);
    struct ClassStat {
      std::uint64_t segments = 0;
      double km = 0;
    };
    std::map<std::string, ClassStat> classes;
    std::uint64_t bridges = 0, tunnels = 0, oneway = 0;
    for (std::uint32_t s = 0; s < g->segment_count(); ++s) {
      const net::Segment& seg = g->segment(net::SegmentId(s));
      auto& c = classes[std::string(net::road_class_name(static_cast<net::RoadClass>(seg.road_class)))];
      ++c.segments;
      c.km += seg.length_cm / 1e5;
      bridges += (seg.flags & net::segment_flags::kBridge) != 0;
      tunnels += (seg.flags & net::segment_flags::kTunnel) != 0;
      const std::uint8_t both = net::segment_flags::kForward | net::segment_flags::kBackward;
      oneway += (seg.flags & both) != both;
    }
    std::map<std::string, std::uint64_t> barriers;
    for (std::uint32_t v = 0; v < g->node_count(); ++v) {
      if (g->barrier(core::NodeId(v)) != net::Barrier::kNone) {
        ++barriers[std::string(net::barrier_name(g->barrier(core::NodeId(v))))];
      }
    }
    const auto comps = net::connected_components(*g);
    const core::BBox box = g->bbox();
    struct stat st {};
    ::stat(o->graph.c_str(), &st);
    if (o->json) {
      nlohmann::json cls = nlohmann::json::object();
      for (const auto& [name, c] : classes) cls[name] = {{"segments", c.segments}, {"km", c.km}};
      print_json({{"graph", o->graph},
                  {"source", std::string(g->source())},
                  {"file_bytes", st.st_size},
                  {"nodes", g->node_count()},
                  {"edges", g->edge_count()},
                  {"segments", g->segment_count()},
                  {"oneway_segments", oneway},
                  {"bridges", bridges},
                  {"tunnels", tunnels},
                  {"barriers", barriers},
                  {"bbox", {box.south, box.west, box.north, box.east}},
                  {"classes", cls},
                  {"components", comps.count},
                  {"largest_component_nodes", comps.largest}});
      return 0;
    }
    std::cout << o->graph << " (from " << g->source() << ", " << st.st_size << " bytes)\n"
              << "  nodes       " << g->node_count() << "\n"
              << "  edges       " << g->edge_count() << " directed, " << g->segment_count()
              << " segments (" << oneway << " one-way, " << bridges << " bridges, " << tunnels
              << " tunnels)\n"
              << "  bbox        " << format_fixed(box.south, 5) << "," << format_fixed(box.west, 5)
              << "," << format_fixed(box.north, 5) << "," << format_fixed(box.east, 5)
              << " (S,W,N,E)\n"
              << "  components  " << comps.count << " (largest " << comps.largest << " nodes)\n";
    for (const auto& [name, n] : barriers) std::cout << "  barrier     " << name << ": " << n << "\n";
    std::cout << "  classes\n";
    for (const auto& [name, c] : classes) {
      std::cout << "    " << name << std::string(name.size() < 16 ? 16 - name.size() : 1, ' ')
                << c.segments << " segments, " << format_fixed(c.km, 1) << " km\n";
    }
    return 0;
  };
}

}  // namespace corridor::cli
