#include <iostream>

#include "access/capacity.h"
#include "cli/sites.h"

namespace corridor::cli {

Runner add_capacity(CLI::App& app) {
  auto* cmd = app.add_subcommand("capacity", "How many trucks a day can get from the sources to the places");
  struct Opts {
    NetworkOptions net;
    SiteOptions sites;
    std::string checkpoints, class_capacity;
    std::size_t routes = 5;
    bool json = false, geojson = false;
  };
  auto o = std::make_shared<Opts>();
  o->net.add_to(cmd);
  o->sites.add_to(cmd, "--to", "destinations: a file (CSV, GeoJSON, OSM) or LAT,LON;LAT,LON");
  cmd->add_option("--checkpoints", o->checkpoints, "checkpoints: CSV or TOML (docs/formats.md)");
  cmd->add_option("--class-capacity", o->class_capacity, "override trucks/day by class, e.g. primary=3000,track=150");
  cmd->add_option("--routes", o->routes, "how many of the flow's main routes to list");
  cmd->add_flag("--json", o->json, "print as JSON");
  cmd->add_flag("--geojson", o->geojson, "print a GeoJSON FeatureCollection (the bottleneck's roads)");
  return [o] {
    const bool json = o->json || o->geojson;
    auto in = load_access_inputs(o->net, o->sites, "--to", false);
    if (!in) return report(in.error(), json);
    query::CapacityOptions opts;
    opts.routes = o->routes;
    opts.snap_limit_m = o->sites.snap_limit;
    if (!o->class_capacity.empty()) {
      if (auto ok = opts.classes.override_with(o->class_capacity); !ok) return report(ok.error(), json);
    }
    if (!o->checkpoints.empty()) {
      auto c = access::read_checkpoints(o->checkpoints);
      if (!c) return report(c.error(), json);
      opts.checkpoints = std::move(*c);
    }
    auto doc = query::capacity(in->network.q, in->sources, in->places, opts);
    if (!doc) return report(doc.error(), json);
    if (o->geojson) {
      print_json(query::capacity_geojson(*in->network.graph, *doc));
      return 0;
    }
    if (o->json) {
      print_json(*doc);
      return 0;
    }
    const auto road = [](const query::Json& j) {
      const std::string name = j["name"].get<std::string>();
      return name.empty() ? std::string("(unnamed road)") : name;
    };
    std::cout << (*doc)["trucks_per_day"] << " trucks per day can reach the destinations\n";
    std::cout << "Bottleneck (a minimum cut):\n";
    for (const auto& c : (*doc)["bottleneck"]) {
      std::cout << "  " << road(c) << " (way " << c["way_ids"][0] << "): " << c["capacity_per_day"] << "/day";
      if (!c["checkpoint"].is_null()) std::cout << ", set by checkpoint " << c["checkpoint_name"].get<std::string>();
      else std::cout << " (" << c["capacity_source"].get<std::string>() << ")";
      std::cout << "\n";
    }
    std::cout << "Main routes of the flow:\n";
    for (const auto& fr : (*doc)["routes"]) {
      std::cout << "  " << fr["trucks_per_day"] << "/day via ";
      for (std::size_t i = 0; i < fr["roads"].size(); ++i) std::cout << (i ? " -> " : "") << fr["roads"][i].get<std::string>();
      if (fr["roads"].empty()) std::cout << "(unnamed roads)";
      std::cout << "\n";
    }
    if ((*doc)["other_routes_trucks_per_day"].get<std::int64_t>() > 0) {
      std::cout << "  " << (*doc)["other_routes_trucks_per_day"] << "/day on other routes\n";
    }
    for (const auto& p : (*doc)["checkpoints"]) {
      std::cout << "  checkpoint " << p["name"].get<std::string>() << ": " << p["capacity_per_day"] << "/day ("
                << p["vehicles_per_hour"] << "/h x " << p["lanes"] << " lanes x " << p["hours"] << "), "
                << (p["status"] == "closed" ? "CLOSED" : "open") << ", on " << p["road"].get<std::string>() << " ("
                << p["snapped_m"] << " m from its point)\n";
      for (const auto& w : p["warnings"]) std::cerr << "corridor: warning: checkpoint " << p["id"].get<std::string>() << ": " << w.get<std::string>() << "\n";
    }
    return 0;
  };
}

}  // namespace corridor::cli
