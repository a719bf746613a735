#include <iostream>

#include "access/capacity.h"
#include "cli/sites.h"
#include "net/snap.h"

namespace corridor::cli {

Runner add_capacity(CLI::App& app) {
  auto* cmd = app.add_subcommand("capacity", "How many trucks a day can get from the sources to the places");
  struct Opts {
    NetworkOptions net;
    SiteOptions sites;
    std::string checkpoints, class_capacity;
    std::size_t routes = 5;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  o->net.add_to(cmd);
  o->sites.add_to(cmd, "--to", "destinations: a file (CSV, GeoJSON, OSM) or LAT,LON;LAT,LON");
  cmd->add_option("--checkpoints", o->checkpoints, "checkpoints: CSV or TOML (docs/formats.md)");
  cmd->add_option("--class-capacity", o->class_capacity, "override trucks/day by class, e.g. primary=3000,track=150");
  cmd->add_option("--routes", o->routes, "how many of the flow's main routes to list");
  cmd->add_flag("--json", o->json, "print as JSON");
  return [o] {
    auto in = load_access_inputs(o->net, o->sites, "--to", false);
    if (!in) return report(in.error(), o->json);
    const Network* network = &in->network;
    const net::Graph& g = network->graph;
    const Sites* sources = &in->sources;
    const Sites* dests = &in->places;
    access::ClassCapacity classes = access::ClassCapacity::defaults();
    if (!o->class_capacity.empty()) {
      if (auto ok = classes.override_with(o->class_capacity); !ok) return report(ok.error(), o->json);
    }
    std::vector<access::Checkpoint> checkpoints;
    if (!o->checkpoints.empty()) {
      auto c = access::read_checkpoints(o->checkpoints);
      if (!c) return report(c.error(), o->json);
      checkpoints = std::move(*c);
    }
    // Place each checkpoint on its road; one closed at --at closes that road.
    std::vector<access::PlacedCheckpoint> placed;
    net::ClosureOverlay overlay = network->overlay;
    for (const auto& c : checkpoints) {
      auto s = net::snap(g, c.point, o->sites.snap_limit, c.origin + ": checkpoint '" + c.id + "'");
      if (!s) return report(s.error(), o->json);
      placed.push_back({&c, s->segment, s->distance_m});
      if (c.closed_at(network->at)) {
        for (bool rev : {false, true}) {
          if (auto e = g.segment_edge(s->segment, rev)) overlay.close(*e);
        }
      }
    }
    for (const auto* set : {&*sources, &*dests}) {
      for (const auto& l : set->located) {
        if (!l.end) return report({core::ErrorCode::kSnapFailed, l.snap_error}, o->json);
      }
    }
    std::vector<std::int64_t> capacity;
    std::vector<std::optional<std::size_t>> checkpoint_of;
    access::segment_capacities(g, classes, placed, capacity, checkpoint_of);
    auto ends = [](const Sites& s) {
      std::vector<route::Endpoint> out;
      for (const auto& l : s.located) out.push_back(*l.end);
      return out;
    };
    auto r = access::max_trucks(g, overlay.any() ? &overlay : nullptr, capacity, checkpoint_of, ends(*sources),
                                ends(*dests), o->routes);
    if (!r) return report(r.error(), o->json);

    auto roads_of = [&](const std::vector<core::SegmentId>& segs) {
      std::vector<std::string> roads;
      std::vector<std::int64_t> ways;
      for (const auto s : segs) {
        const std::string l = g.label(s);
        if (!l.empty() && (roads.empty() || roads.back() != l)) roads.push_back(l);
        if (ways.empty() || ways.back() != g.segment(s).way_id) ways.push_back(g.segment(s).way_id);
      }
      return std::make_pair(roads, ways);
    };
    if (o->json) {
      nlohmann::json cut = nlohmann::json::array(), routes = nlohmann::json::array(), cps = nlohmann::json::array();
      for (const auto& c : r->bottleneck) {
        const net::Segment& seg = g.segment(c.segment);
        cut.push_back({{"from", c.reversed ? seg.to : seg.from},
                       {"to", c.reversed ? seg.from : seg.to},
                       {"way_ids", {seg.way_id}},
                       {"name", g.label(c.segment)},
                       {"capacity_per_day", c.capacity_per_day},
                       {"checkpoint", c.checkpoint ? nlohmann::json(placed[*c.checkpoint].checkpoint->id) : nlohmann::json()}});
      }
      for (const auto& fr : r->routes) {
        const auto [roads, ways] = roads_of(fr.segments);
        nlohmann::json ids = nlohmann::json::array();
        for (auto i : fr.checkpoints) ids.push_back(placed[i].checkpoint->id);
        routes.push_back({{"trucks_per_day", fr.trucks_per_day}, {"roads", roads}, {"way_ids", ways}, {"checkpoints", ids}});
      }
      for (const auto& p : placed) {
        cps.push_back({{"id", p.checkpoint->id},
                       {"name", p.checkpoint->name},
                       {"road", g.label(p.segment)},
                       {"way_id", g.segment(p.segment).way_id},
                       {"capacity_per_day", p.checkpoint->per_day()},
                       {"status", p.checkpoint->closed_at(network->at) ? "closed" : "open"},
                       {"snapped_m", p.snapped_m}});
      }
      print_json({{"trucks_per_day", r->trucks_per_day},
                  {"bottleneck", cut},
                  {"routes", routes},
                  {"other_routes_trucks_per_day", r->other_routes_trucks},
                  {"checkpoints", cps},
                  {"closures", closures_json(*network)}});
      return 0;
    }
    std::cout << r->trucks_per_day << " trucks per day can reach the destinations\n";
    std::cout << "Bottleneck (a minimum cut):\n";
    for (const auto& c : r->bottleneck) {
      std::cout << "  " << road_label(g, c.segment) << " (way " << g.segment(c.segment).way_id << "): "
                << c.capacity_per_day << "/day";
      if (c.checkpoint) std::cout << ", set by checkpoint " << placed[*c.checkpoint].checkpoint->name;
      std::cout << "\n";
    }
    std::cout << "Main routes of the flow:\n";
    for (const auto& fr : r->routes) {
      const auto [roads, ways] = roads_of(fr.segments);
      std::cout << "  " << fr.trucks_per_day << "/day via ";
      for (std::size_t i = 0; i < roads.size(); ++i) std::cout << (i ? " -> " : "") << roads[i];
      if (roads.empty()) std::cout << "(unnamed roads)";
      std::cout << "\n";
    }
    if (r->other_routes_trucks > 0) std::cout << "  " << r->other_routes_trucks << "/day on other routes\n";
    for (const auto& p : placed) {
      std::cout << "  checkpoint " << p.checkpoint->name << ": " << p.checkpoint->per_day() << "/day ("
                << p.checkpoint->vehicles_per_hour << "/h x " << p.checkpoint->lanes << " lanes x "
                << p.checkpoint->hours << "), " << (p.checkpoint->closed_at(network->at) ? "CLOSED" : "open") << "\n";
    }
    return 0;
  };
}

}  // namespace corridor::cli
