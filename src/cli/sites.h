// corridor::cli — loading places and sources for the access commands, and describing them.
#pragma once

#include <string>
#include <vector>

#include "access/reach.h"
#include "cli/common.h"
#include "net/snap.h"

namespace corridor::cli {

struct Sites {
  std::vector<access::Place> places;
  std::vector<access::Located> located;  // one per place, in order
};

// --sources and --places (or another name for the places) with --snap-limit, as the access
// commands take them.
struct SiteOptions {
  std::string sources, places;
  double snap_limit = net::kDefaultSnapLimitM;
  void add_to(CLI::App* cmd, const std::string& places_option, const std::string& places_help);
};

// `text` is a file (CSV, GeoJSON, OSM) or LAT,LON;LAT,LON...; `option` names it in messages.
[[nodiscard]] core::Result<Sites> load_sites(const net::Graph& g, const std::string& text, const std::string& option,
                                             bool need_population, double snap_limit_m);

// What every access command starts from: the network under its closures, the sources, the places.
struct AccessInputs {
  Network network;
  Sites sources, places;
};
[[nodiscard]] core::Result<AccessInputs> load_access_inputs(const NetworkOptions& net, const SiteOptions& sites,
                                                            const std::string& places_option, bool need_population);

// The graph nodes of the located sites (nearest end of their road), skipping unlocated ones.
std::vector<core::NodeId> site_nodes(const net::Graph& g, const Sites& s);

}  // namespace corridor::cli
