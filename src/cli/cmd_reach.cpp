#include <iostream>

#include "cli/options.h"
#include "cli/sites.h"

namespace corridor::cli {

Runner add_reach(CLI::App& app) {
  auto* cmd = app.add_subcommand("reach", "Who can be reached from the supply sources, and who is cut off");
  struct Opts {
    NetworkOptions net;
    SiteOptions sites;
    double max_time_min = 0;
    bool json = false, geojson = false, csv = false;
  };
  auto o = std::make_shared<Opts>();
  o->net.add_to(cmd);
  o->sites.add_to(cmd, "--places", "places: CSV id,name,lat,lon,population[,names], GeoJSON points or OSM");
  cmd->add_option("--max-time", o->max_time_min, "minutes: places farther from every source count as cut off")
      ->check(between(0, 525600, "minutes"));
  cmd->add_flag("--json", o->json, "print as JSON");
  cmd->add_flag("--geojson", o->geojson, "print a GeoJSON FeatureCollection (a point per place)");
  cmd->add_flag("--csv", o->csv, "print the places as CSV with an HXL hashtag row");
  return [o] {
    const bool json = o->json || o->geojson;
    auto in = load_access_inputs(o->net, o->sites, "--places", true);
    if (!in) return report(in.error(), json);
    route::Router router(*in->network.graph);
    const query::Json doc = query::reach(in->network.q, router, in->sources, in->places, o->max_time_min * 60);
    if (o->geojson) {
      print_json(query::reach_geojson(doc, in->places));
    } else if (o->json) {
      print_json(doc);
    } else if (o->csv) {
      std::cout << query::csv(query::reach_columns(), doc["places"]);
    } else {
      std::size_t cut = 0, located = 0;
      for (const auto& p : doc["places"]) {
        located += p["located"].get<bool>();
        cut += p["located"].get<bool>() && !p["reachable"].get<bool>();
      }
      std::cout << located - cut << " of " << located << " places reachable; " << doc["cut_off_population"] << " of "
                << doc["total_population"] << " people cut off";
      if (doc["unlocated"].get<std::size_t>() > 0) {
        std::cout << "; " << doc["unlocated"] << " places (" << doc["unlocated_population"]
                  << " people) not on the network, in neither figure";
      }
      if (doc["population_unknown"].get<std::size_t>() > 0) {
        std::cout << "; " << doc["population_unknown"] << " places without a population, in no total";
      }
      std::cout << "\n";
      for (const auto& p : doc["places"]) {
        const char* state = !p["located"].get<bool>() ? "UNLOCATED  " : p["reachable"].get<bool>() ? "reachable  " : "CUT OFF    ";
        std::cout << "  " << state << p["name"].get<std::string>() << " ("
                  << (p["population"].is_null() ? std::string("population unknown") : p["population"].dump()) << ")";
        if (p["reachable"].get<bool>()) {
          const std::string source = p["source"].get<std::string>();
          std::string source_name = source;
          for (const auto& s : in->sources.places) {
            if (s.id == source) source_name = s.name;
          }
          std::cout << ": " << format_fixed(p["duration_s"].get<double>() / 60, 0) << " min from " << source_name;
        } else {
          std::cout << ": " << p["reason"].get<std::string>();
        }
        std::cout << "\n";
      }
    }
    return 0;
  };
}

}  // namespace corridor::cli
