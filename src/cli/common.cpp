#include "cli/common.h"

#include <cstdio>
#include <iostream>

#include "net/graph_file.h"

namespace corridor::cli {

int report(const core::Error& e, bool json, const nlohmann::json& extra) {
  if (json) {
    nlohmann::json err = {{"code", std::string(e.name())}, {"message", e.message}};
    err.update(extra);
    print_json({{"error", err}});
  } else {
    std::cerr << "corridor: error: " << e.message << "\n";
  }
  return e.exit_code();
}

void print_json(const nlohmann::json& j) { std::cout << j.dump() << "\n"; }

void NetworkOptions::add_to(CLI::App* cmd) {
  cmd->add_option("GRAPH", graph, "graph file (.cgraph)")->required();
  cmd->add_option("--close", close, "closure spec, repeatable (docs/formats.md)");
  cmd->add_option("--at", at, "time at which time-windowed closures are judged (default: now)");
}

core::Result<Network> load_network(const NetworkOptions& o) {
  CORRIDOR_TRY(net::Graph g, net::load_graph(o.graph));
  core::UnixSeconds at = core::now_unix();
  if (!o.at.empty()) {
    CORRIDOR_TRY(at, core::parse_iso8601(o.at, "--at"));
  }
  std::vector<net::ClosureSpec> specs;
  for (const auto& text : o.close) {
    CORRIDOR_TRY(auto spec, net::parse_closure_spec(text));
    specs.push_back(std::move(spec));
  }
  CORRIDOR_TRY(auto overlay, net::apply_closures(g, specs, at));
  return Network{std::move(g), std::move(specs), std::move(overlay), at};
}

nlohmann::json closures_json(const Network& n) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < n.specs.size(); ++i) {
    out.push_back({{"spec", n.specs[i].text},
                   {"active", n.overlay.applied[i].active},
                   {"edges", n.overlay.applied[i].edges.size()}});
  }
  return out;
}

std::string road_label(const net::Graph& g, core::SegmentId s) {
  const std::string l = g.label(s);
  return l.empty() ? "(unnamed road)" : l;
}

std::string format_fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace corridor::cli
