#include <iostream>

#include "access/critical.h"
#include "cli/sites.h"

namespace corridor::cli {

namespace {
nlohmann::json link_json(const net::Graph& g, core::SegmentId s) {
  const net::Segment& seg = g.segment(s);
  return {{"from", seg.from}, {"to", seg.to}, {"way_ids", {seg.way_id}}, {"name", g.label(s)}};
}
}  // namespace

Runner add_critical(CLI::App& app) {
  auto* cmd = app.add_subcommand("critical", "Which roads and junctions are the only route, and for whom");
  struct Opts {
    NetworkOptions net;
    SiteOptions sites;
    std::size_t top = 10;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  o->net.add_to(cmd);
  o->sites.add_to(cmd, "--places", "places with population: CSV, GeoJSON points or OSM");
  cmd->add_option("--top", o->top, "how many bridges and junctions to list in the text output");
  cmd->add_flag("--json", o->json, "print as JSON (every bridge and articulation point)");
  return [o] {
    auto in = load_access_inputs(o->net, o->sites, "--places", true);
    if (!in) return report(in.error(), o->json);
    const Network* network = &in->network;
    const net::Graph& g = network->graph;
    const Sites* sources = &in->sources;
    const Sites* places = &in->places;

    const std::vector<core::NodeId> source_nodes = site_nodes(g, *sources);
    if (source_nodes.empty()) {
      return report({core::ErrorCode::kInvalidArgument, "--sources: no source lies near a road"}, o->json);
    }
    std::vector<std::int64_t> population(g.node_count(), 0);
    std::vector<std::uint32_t> source_count(g.node_count(), 0);
    for (const auto n : source_nodes) ++source_count[n.value];
    std::vector<route::Endpoint> source_ends;
    for (const auto& s : sources->located) {
      if (s.end) source_ends.push_back(*s.end);
    }
    for (const auto& l : places->located) {
      if (!l.end) continue;
      for (const auto& s : sources->located) {
        if (s.end && access::same_point(*s.end, *l.end)) {
          return report({core::ErrorCode::kInvalidArgument,
                         l.place.origin + ": place '" + l.place.id + "' is at the same point as source '" + s.place.id +
                             "'; routes between a place and itself are not defined"},
                        o->json);
        }
      }
      // Population counts at the nearer end of the place's road for bridges and junctions.
      population[l.end->nearest_node(g).value] += l.place.population;
    }
    const access::UndirectedView view(g, network->closures());
    const auto cuts = access::find_cut_points(view, population, source_count);

    std::vector<access::DisjointRoutes> routes;
    for (const auto& l : places->located) {
      routes.push_back(l.end ? access::disjoint_routes(g, view, source_ends, *l.end) : access::DisjointRoutes{});
    }
    if (o->json) {
      nlohmann::json bridges = nlohmann::json::array(), aps = nlohmann::json::array(), list = nlohmann::json::array();
      for (const auto& b : cuts.bridges) {
        auto j = link_json(g, b.segment);
        j["population_cut_off"] = b.population_cut_off;
        bridges.push_back(j);
      }
      for (const auto& a : cuts.articulation_points) {
        const auto c = g.coord(a.node);
        aps.push_back({{"node", a.node.value}, {"lat", c.lat}, {"lon", c.lon}, {"population_cut_off", a.population_cut_off}});
      }
      for (std::size_t i = 0; i < places->located.size(); ++i) {
        const auto& l = places->located[i];
        nlohmann::json cut = nlohmann::json::array();
        for (const auto s : routes[i].min_cut) cut.push_back(link_json(g, s));
        nlohmann::json j = {{"id", l.place.id}, {"name", l.place.name}, {"population", l.place.population},
                            {"disjoint_routes", routes[i].count}, {"min_cut", cut}};
        if (!l.end) j["error"] = l.snap_error;
        list.push_back(j);
      }
      print_json({{"bridges", bridges}, {"articulation_points", aps}, {"places", list},
                  {"closures", closures_json(*network)}});
      return 0;
    }
    std::cout << cuts.bridges.size() << " bridges (roads whose closure splits the network), "
              << cuts.articulation_points.size() << " articulation points (junctions likewise)\n";
    std::cout << "Roads that are the only route, by population cut off:\n";
    for (std::size_t i = 0; i < std::min(o->top, cuts.bridges.size()); ++i) {
      const auto& b = cuts.bridges[i];
      if (b.population_cut_off == 0) break;
      std::cout << "  " << road_label(g, b.segment) << " (way " << g.segment(b.segment).way_id << "): "
                << b.population_cut_off << " people\n";
    }
    std::cout << "Junctions that are the only way through, by population cut off:\n";
    for (std::size_t i = 0; i < std::min(o->top, cuts.articulation_points.size()); ++i) {
      const auto& a = cuts.articulation_points[i];
      if (a.population_cut_off == 0) break;
      const auto c = g.coord(a.node);
      std::cout << "  node " << a.node.value << " at " << format_fixed(c.lat, 5) << "," << format_fixed(c.lon, 5)
                << ": " << a.population_cut_off << " people\n";
    }
    std::cout << "Independent routes from the sources to each place:\n";
    for (std::size_t i = 0; i < places->located.size(); ++i) {
      const auto& l = places->located[i];
      std::cout << "  " << l.place.name << ": ";
      if (!l.end) {
        std::cout << l.snap_error << "\n";
        continue;
      }
      std::cout << routes[i].count << (routes[i].count == 1 ? " route (the only land route)" : " routes");
      if (!routes[i].min_cut.empty()) {
        std::cout << "; cut by closing ";
        for (std::size_t k = 0; k < routes[i].min_cut.size(); ++k) {
          std::cout << (k ? ", " : "") << road_label(g, routes[i].min_cut[k]) << " (way "
                    << g.segment(routes[i].min_cut[k]).way_id << ")";
        }
      }
      std::cout << "\n";
    }
    return 0;
  };
}

}  // namespace corridor::cli
