#include <chrono>
#include <iostream>

#include "cli/common.h"
#include "cli/options.h"
#include "net/graph_file.h"
#include "net/import.h"
#include "route/ch.h"
#include "route/landmarks.h"

namespace corridor::cli {

Runner add_import(CLI::App& app) {
  auto* cmd = app.add_subcommand("import", "Read OSM (PBF, XML, .osm.bz2/.gz) or GeoJSON roads into a graph file");
  struct Opts {
    std::string input, output;
    bool ferries = false, json = false;
    std::optional<std::uint32_t> landmarks;
    std::string hierarchy = "time";
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("INPUT", o->input, "OpenStreetMap or GeoJSON road file")->required();
  cmd->add_option("-o,--output", o->output, "graph file to write (.cgraph)")->required();
  cmd->add_flag("--ferries", o->ferries, "include ferry routes (excluded by default)");
  cmd->add_flag("--json", o->json, "print the summary as JSON");
  cmd->add_option("--hierarchy", o->hierarchy,
                  "contraction hierarchy to build for fast routing under any closures: time (default), "
                  "distance or none")
      ->check(one_of({"time", "distance", "none"}));
  cmd->add_option("--landmarks", o->landmarks,
                  "ALT landmarks to precompute, for the metric without a hierarchy (default 0 with a "
                  "hierarchy, 4 without)")
      ->check(CLI::Range(0, 64));
  return [o] {
    const auto t0 = std::chrono::steady_clock::now();
    net::Profile profile;
    profile.ferries = o->ferries;
    net::ImportStats stats;
    auto g = net::import_file(o->input, profile, &stats);
    if (!g) return report(g.error(), o->json);
    const auto t_landmarks = std::chrono::steady_clock::now();
    const bool hierarchy = o->hierarchy != "none";
    net::Graph graph = route::add_landmarks(*g, o->landmarks.value_or(hierarchy ? 0 : route::kDefaultLandmarks));
    const auto t_hierarchy = std::chrono::steady_clock::now();
    route::ContractionHierarchy::BuildStats ch_stats;
    if (hierarchy) {
      const auto metric = o->hierarchy == "distance" ? net::Metric::kDistance : net::Metric::kTime;
      graph = route::ContractionHierarchy::build(graph, metric, &ch_stats).attach(graph);
    }
    const auto t_write = std::chrono::steady_clock::now();
    if (auto ok = net::save_graph(graph, o->output); !ok) return report(ok.error(), o->json);
    const auto t_end = std::chrono::steady_clock::now();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (o->json) {
      print_json({{"input", o->input},
                  {"output", o->output},
                  {"ways_read", stats.ways_read},
                  {"ways_routable", stats.ways_routable},
                  {"barriers", stats.barriers},
                  {"nodes", g->node_count()},
                  {"edges", g->edge_count()},
                  {"segments", g->segment_count()},
                  {"hierarchy", hierarchy ? nlohmann::json{{"metric", o->hierarchy},
                                                           {"shortcuts", ch_stats.shortcuts},
                                                           {"entries", ch_stats.entries}}
                                          : nlohmann::json(nullptr)},
                  {"seconds", secs},
                  {"phases",
                   {{"read", stats.read_seconds},
                    {"build", stats.build_seconds},
                    {"landmarks", std::chrono::duration<double>(t_hierarchy - t_landmarks).count()},
                    {"hierarchy", std::chrono::duration<double>(t_write - t_hierarchy).count()},
                    {"write", std::chrono::duration<double>(t_end - t_write).count()}}}});
    } else {
      std::cout << "imported " << o->input << ": " << stats.ways_read << " ways read, "
                << stats.ways_routable << " routable; " << g->node_count() << " nodes, "
                << g->edge_count() << " directed edges, " << g->segment_count() << " segments in "
                << format_fixed(secs, 2) << " s -> " << o->output << "\n";
    }
    return 0;
  };
}

}  // namespace corridor::cli
