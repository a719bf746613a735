#include <iostream>

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
      ->check(CLI::NonNegativeNumber);
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
      std::size_t cut = 0;
      for (const auto& p : doc["places"]) cut += !p["reachable"].get<bool>();
      std::cout << doc["places"].size() - cut << " of " << doc["places"].size() << " places reachable; "
                << doc["cut_off_population"] << " of " << doc["total_population"] << " people cut off\n";
      for (const auto& p : doc["places"]) {
        std::cout << "  " << (p["reachable"].get<bool>() ? "reachable  " : "CUT OFF    ") << p["name"].get<std::string>()
                  << " (" << p["population"] << ")";
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
