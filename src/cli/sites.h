// corridor::cli — loading places and sources for the access commands from files or point lists.
#pragma once

#include <string>
#include <vector>

#include "cli/common.h"
#include "net/snap.h"
#include "query/query.h"

namespace corridor::cli {

using Sites = query::Sites;

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

}  // namespace corridor::cli
