#include <iostream>

#include "access/reach.h"
#include "cli/sites.h"

namespace corridor::cli {

Runner add_reach(CLI::App& app) {
  auto* cmd = app.add_subcommand("reach", "Who can be reached from the supply sources, and who is cut off");
  struct Opts {
    NetworkOptions net;
    SiteOptions sites;
    double max_time_min = 0;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  o->net.add_to(cmd);
  o->sites.add_to(cmd, "--places", "places: CSV id,name,lat,lon,population[,names], GeoJSON points or OSM");
  cmd->add_option("--max-time", o->max_time_min, "minutes: places farther from every source count as cut off")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", o->json, "print as JSON");
  return [o] {
    auto in = load_access_inputs(o->net, o->sites, "--places", true);
    if (!in) return report(in.error(), o->json);
    const Network* network = &in->network;
    const net::Graph& g = network->graph;
    const Sites* sources = &in->sources;
    const Sites* places = &in->places;
    route::Router router(g);
    const auto r = access::reach(g, router, sources->located, places->located, network->closures(),
                                 o->max_time_min * 60);
    if (o->json) {
      nlohmann::json list = nlohmann::json::array();
      for (std::size_t i = 0; i < r.places.size(); ++i) {
        const auto& p = places->located[i].place;
        nlohmann::json j = {{"id", p.id},
                            {"name", p.name},
                            {"names", p.names},
                            {"population", p.population},
                            {"reachable", r.places[i].reachable},
                            {"duration_s", r.places[i].duration_s ? nlohmann::json(*r.places[i].duration_s) : nlohmann::json()},
                            {"source", r.places[i].source ? nlohmann::json(sources->places[*r.places[i].source].id)
                                                          : nlohmann::json()}};
        if (!r.places[i].reachable) j["reason"] = r.places[i].reason;
        list.push_back(j);
      }
      print_json({{"places", list},
                  {"cut_off_population", r.cut_off_population},
                  {"total_population", r.total_population},
                  {"closures", closures_json(*network)}});
      return 0;
    }
    std::size_t cut = 0;
    for (const auto& p : r.places) cut += !p.reachable;
    std::cout << r.places.size() - cut << " of " << r.places.size() << " places reachable; "
              << r.cut_off_population << " of " << r.total_population << " people cut off\n";
    for (std::size_t i = 0; i < r.places.size(); ++i) {
      const auto& p = places->located[i].place;
      std::cout << "  " << (r.places[i].reachable ? "reachable  " : "CUT OFF    ") << p.name << " (" << p.population
                << ")";
      if (r.places[i].reachable) {
        std::cout << ": " << format_fixed(*r.places[i].duration_s / 60, 0) << " min from "
                  << sources->places[*r.places[i].source].name;
      } else {
        std::cout << ": " << r.places[i].reason;
      }
      std::cout << "\n";
    }
    return 0;
  };
}

}  // namespace corridor::cli
