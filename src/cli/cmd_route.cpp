#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/common.h"
#include "cli/options.h"
#include "core/time.h"
#include "net/closures.h"
#include "net/graph_file.h"
#include "route/plan.h"

namespace corridor::cli {

namespace {

struct Opts {
  NetworkOptions net;
  std::string from, to, metric = "time", pairs;
  std::vector<std::string> via;
  double snap_limit = net::kDefaultSnapLimitM;
  bool json = false, geojson = false;
};

std::string human_duration(double s) {
  const auto total = static_cast<long>(s + 0.5);
  std::ostringstream os;
  if (total >= 3600) os << total / 3600 << " h ";
  os << (total / 60) % 60 << " min";
  if (total < 600) os << " " << total % 60 << " s";
  return os.str();
}

// --pairs FILE: CSV with a header `from,to`, each a waypoint (node:ID or "LAT,LON" in quotes).
core::Result<std::vector<std::pair<std::string, std::string>>> read_pairs(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::fail(core::ErrorCode::kNotFound, path + ": cannot open pairs file");
  std::vector<std::pair<std::string, std::string>> out;
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (n == 1) {
      if (line != "from,to") {
        return core::fail(core::ErrorCode::kParse, path + ":1: header must be 'from,to'");
      }
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::string cur;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    fields.push_back(cur);
    if (fields.size() != 2 || quoted) {
      return core::fail(core::ErrorCode::kParse,
                        path + ":" + std::to_string(n) + ": expected two fields, from and to");
    }
    out.emplace_back(fields[0], fields[1]);
  }
  return out;
}

}  // namespace

Runner add_route(CLI::App& app) {
  auto* cmd = app.add_subcommand("route", "Fastest or shortest route between points, under closures");
  auto o = std::make_shared<Opts>();
  o->net.add_to(cmd);
  cmd->add_option("--from", o->from, "start: LAT,LON or node:ID");
  cmd->add_option("--to", o->to, "destination: LAT,LON or node:ID");
  cmd->add_option("--via", o->via, "intermediate point, repeatable, in order");
  cmd->add_option("--metric", o->metric, "time or distance")->check(one_of({"time", "distance"}));
  cmd->add_option("--snap-limit", o->snap_limit, "metres: refuse points farther than this from a road")
      ->check(between(0.001, 1e6, "metres"));
  cmd->add_option("--pairs", o->pairs, "CSV of from,to pairs: one JSON line per pair");
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->add_flag("--geojson", o->geojson, "print a GeoJSON Feature");
  return [o] {
    const bool json = o->json || o->geojson || !o->pairs.empty();
    if (o->pairs.empty() && (o->from.empty() || o->to.empty())) {
      return report({core::ErrorCode::kInvalidArgument, "route: give --from and --to (or --pairs FILE)"}, json);
    }
    auto loaded = load_network(o->net);
    if (!loaded) return report(loaded.error(), json);
    const query::Network& network = loaded->q;
    const net::Graph* g = network.graph;
    const auto& specs = network.specs;
    const net::ClosureOverlay* overlay = &network.overlay;

    route::RouteRequest req;
    req.metric = o->metric == "distance" ? net::Metric::kDistance : net::Metric::kTime;
    req.snap_limit_m = o->snap_limit;
    route::Router router(*g);

    if (!o->pairs.empty()) {
      auto pairs = read_pairs(o->pairs);
      if (!pairs) return report(pairs.error(), true);
      for (const auto& [from, to] : *pairs) {
        req.points.clear();
        auto a = route::parse_waypoint(from, "from");
        auto b = route::parse_waypoint(to, "to");
        if (!a || !b) return report(a ? b.error() : a.error(), true);
        req.points = {*a, *b};
        auto out = route::plan_route(*g, router, req, specs, *overlay);
        nlohmann::json line = {{"from", from}, {"to", to}};
        if (!out) {
          line["error"] = {{"code", std::string(out.error().name())}, {"message", out.error().message}};
        } else if (out->no_route) {
          line["error"] = {{"code", "no_route"}, {"message", out->no_route->message}};
        } else {
          line["distance_m"] = out->route->distance_m;
          line["duration_s"] = out->route->duration_s;
        }
        print_json(line);
      }
      return 0;
    }

    std::vector<std::string> texts{o->from};
    texts.insert(texts.end(), o->via.begin(), o->via.end());
    texts.push_back(o->to);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const std::string what = i == 0 ? "--from" : i + 1 == texts.size() ? "--to" : "--via";
      auto w = route::parse_waypoint(texts[i], what);
      if (!w) return report(w.error(), json);
      req.points.push_back(*w);
    }
    auto out = route::plan_route(*g, router, req, specs, *overlay);
    if (!out) return report(out.error(), json);
    if (out->no_route) {
      const auto& nr = *out->no_route;
      return report({core::ErrorCode::kNoRoute, nr.message}, json, query::no_route_json(nr, network));
    }
    const route::Route& r = *out->route;
    if (o->geojson) {
      print_json(query::route_feature(r, network));
    } else if (o->json) {
      nlohmann::json j = query::route_json(r);
      j["closures"] = query::closures_json(network);
      print_json(j);
    } else {
      std::cout << format_fixed(r.distance_m / 1000, 2) << " km, " << human_duration(r.duration_s)
                << " (snapped " << format_fixed(r.snapped_m.front(), 0) << " m / "
                << format_fixed(r.snapped_m.back(), 0) << " m from the given points)\n";
      std::cout << "  via: ";
      for (std::size_t i = 0; i < r.roads.size(); ++i) std::cout << (i ? " -> " : "") << r.roads[i];
      if (r.roads.empty()) std::cout << "(unnamed roads)";
      std::cout << "\n";
      for (std::size_t i = 0; i < specs.size(); ++i) {
        std::cout << "  closure " << specs[i].text << ": " << overlay->applied[i].edges.size()
                  << " directed edges" << (overlay->applied[i].active ? "" : " (not in force at --at)")
                  << "\n";
      }
    }
    return 0;
  };
}

}  // namespace corridor::cli
