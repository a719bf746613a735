#include <fstream>
#include <iostream>

#include "cli/common.h"
#include "access/capacity.h"
#include "net/graph_file.h"

namespace corridor::cli {

namespace {
std::string csv_quote(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
}  // namespace

Runner add_export(CLI::App& app) {
  auto* cmd = app.add_subcommand("export", "Write the graph as it routes on it, as CSV");
  struct Opts {
    std::string graph, nodes, edges, segments;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("GRAPH", o->graph, "graph file (.cgraph)")->required();
  cmd->add_option("--nodes", o->nodes, "nodes CSV to write: id,lat,lon");
  cmd->add_option("--edges", o->edges, "edges CSV to write: from,to,length_m,duration_s,way_id,name");
  cmd->add_option("--segments", o->segments,
                  "segments CSV to write (one row per road piece, both directions): "
                  "id,from,to,way_id,name,class,oneway,length_m,capacity_per_day");
  return [o] {
    auto g = net::load_graph(o->graph);
    if (!g) return report(g.error(), false);
    if (o->nodes.empty() && o->edges.empty() && o->segments.empty()) {
      return report({core::ErrorCode::kInvalidArgument, "export: give --nodes, --edges or --segments FILE"}, false);
    }
    auto open = [](const std::string& path, std::ofstream& out) -> core::Result<void> {
      out.open(path, std::ios::binary | std::ios::trunc);
      if (!out) return core::fail(core::ErrorCode::kIo, path + ": cannot write");
      return {};
    };
    if (!o->nodes.empty()) {
      std::ofstream out;
      if (auto ok = open(o->nodes, out); !ok) return report(ok.error(), false);
      out << "id,lat,lon\n";
      for (std::uint32_t v = 0; v < g->node_count(); ++v) {
        const auto c = g->arrays().node_coord[v].to_double();
        out << v << ',' << format_fixed(c.lat, 7) << ',' << format_fixed(c.lon, 7) << '\n';
      }
      if (!out.flush()) return report({core::ErrorCode::kIo, o->nodes + ": write failed"}, false);
    }
    if (!o->edges.empty()) {
      std::ofstream out;
      if (auto ok = open(o->edges, out); !ok) return report(ok.error(), false);
      out << "from,to,length_m,duration_s,way_id,name\n";
      for (std::uint32_t v = 0; v < g->node_count(); ++v) {
        for (std::uint32_t e = g->first_out(v); e < g->first_out(v + 1); ++e) {
          const core::EdgeId id(e);
          const auto s = g->segment_of(id);
          out << v << ',' << g->head(id).value << ',' << format_fixed(g->length_cm(id) / 100.0, 2) << ','
              << format_fixed(g->time_ms(id) / 1000.0, 3) << ',' << g->segment(s).way_id << ','
              << csv_quote(g->label(s)) << '\n';
        }
      }
      if (!out.flush()) return report({core::ErrorCode::kIo, o->edges + ": write failed"}, false);
    }
    if (!o->segments.empty()) {
      std::ofstream out;
      if (auto ok = open(o->segments, out); !ok) return report(ok.error(), false);
      const auto classes = access::ClassCapacity::defaults();
      out << "id,from,to,way_id,name,class,oneway,length_m,capacity_per_day\n";
      for (std::uint32_t s = 0; s < g->segment_count(); ++s) {
        const net::Segment& seg = g->segment(core::SegmentId(s));
        const bool fwd = (seg.flags & net::segment_flags::kForward) != 0;
        const bool bwd = (seg.flags & net::segment_flags::kBackward) != 0;
        out << s << ',' << seg.from << ',' << seg.to << ',' << seg.way_id << ',' << csv_quote(g->label(core::SegmentId(s)))
            << ',' << net::road_class_name(static_cast<net::RoadClass>(seg.road_class)) << ','
            << (fwd && bwd ? "no" : fwd ? "forward" : "backward") << ',' << format_fixed(seg.length_cm / 100.0, 2) << ','
            << classes.per_day[seg.road_class] << '\n';
      }
      if (!out.flush()) return report({core::ErrorCode::kIo, o->segments + ": write failed"}, false);
    }
    return 0;
  };
}

}  // namespace corridor::cli
