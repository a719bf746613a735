#include <iostream>
#include <map>

#include "cli/options.h"
#include "cli/sites.h"

namespace corridor::cli {

Runner add_critical(CLI::App& app) {
  auto* cmd = app.add_subcommand("critical", "Which roads and junctions are the only route, and for whom");
  struct Opts {
    NetworkOptions net;
    SiteOptions sites;
    std::size_t top = 10;
    bool json = false, geojson = false, csv = false;
  };
  auto o = std::make_shared<Opts>();
  o->net.add_to(cmd);
  o->sites.add_to(cmd, "--places", "places with population: CSV, GeoJSON points or OSM");
  cmd->add_option("--top", o->top, "how many roads and junctions to list in the text output (default 10)")
      ->check(between(1, 1e6));
  cmd->add_flag("--json", o->json, "print as JSON (every bridge and articulation point)");
  cmd->add_flag("--geojson", o->geojson, "print a GeoJSON FeatureCollection (bridges, junctions, places)");
  cmd->add_flag("--csv", o->csv, "print the places (independent routes) as CSV with an HXL hashtag row");
  return [o] {
    const bool json = o->json || o->geojson;
    auto in = load_access_inputs(o->net, o->sites, "--places", true);
    if (!in) return report(in.error(), json);
    const net::Graph& g = *in->network.graph;
    auto doc = query::critical(in->network.q, in->sources, in->places);
    if (!doc) return report(doc.error(), json);
    if (o->geojson) {
      print_json(query::critical_geojson(g, *doc, in->places));
      return 0;
    }
    if (o->json) {
      print_json(*doc);
      return 0;
    }
    if (o->csv) {
      std::cout << query::csv(query::critical_place_columns(), (*doc)["places"]);
      return 0;
    }
    const auto& bridges = (*doc)["bridges"];
    const auto& aps = (*doc)["articulation_points"];
    const auto label = [](const query::Json& link) {
      const std::string name = link["name"].get<std::string>();
      return (name.empty() ? std::string("(unnamed road)") : name) + " (way " + link["way_ids"][0].dump() + ")";
    };
    std::cout << bridges.size() << " bridges (roads whose closure splits the network), " << aps.size()
              << " articulation points (junctions likewise)\n";
    std::cout << "Roads that are the only route, by population cut off:\n";
    // A road split by junctions into several pieces that are each the only route is one line per
    // piece: the pieces of one road are told apart by the nodes they join.
    std::map<std::string, int> pieces;
    for (const auto& b : bridges) ++pieces[label(b)];
    for (std::size_t i = 0; i < std::min(o->top, bridges.size()); ++i) {
      if (bridges[i]["population_cut_off"].get<std::int64_t>() == 0) break;
      const std::string l = label(bridges[i]);
      std::cout << "  " << l;
      if (pieces[l] > 1) std::cout << " between node " << bridges[i]["from"] << " and node " << bridges[i]["to"];
      std::cout << ": " << bridges[i]["population_cut_off"] << " people\n";
    }
    std::cout << "Junctions that are the only way through, by population cut off:\n";
    for (std::size_t i = 0; i < std::min(o->top, aps.size()); ++i) {
      if (aps[i]["population_cut_off"].get<std::int64_t>() == 0) break;
      std::cout << "  node " << aps[i]["node"] << " at " << format_fixed(aps[i]["lat"].get<double>(), 5) << ","
                << format_fixed(aps[i]["lon"].get<double>(), 5) << ": " << aps[i]["population_cut_off"] << " people\n";
    }
    std::cout << "Independent routes from the sources to each place:\n";
    for (const auto& p : (*doc)["places"]) {
      std::cout << "  " << p["name"].get<std::string>() << ": ";
      if (p.contains("error")) {
        std::cout << p["error"].get<std::string>() << "\n";
        continue;
      }
      const auto count = p["disjoint_routes"].get<std::int64_t>();
      std::cout << count << (count == 1 ? " route (the only land route)" : " routes");
      if (!p["min_cut"].empty()) {
        std::cout << "; cut by closing ";
        for (std::size_t k = 0; k < p["min_cut"].size(); ++k) std::cout << (k ? ", " : "") << label(p["min_cut"][k]);
      }
      std::cout << "\n";
    }
    (void)g;
    return 0;
  };
}

}  // namespace corridor::cli
