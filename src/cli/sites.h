// corridor::cli — loading places and sources for the access commands, and describing them.
#pragma once

#include <string>
#include <vector>

#include "access/reach.h"
#include "cli/common.h"

namespace corridor::cli {

struct Sites {
  std::vector<access::Place> places;
  std::vector<access::Located> located;  // one per place, in order
};

// `text` is a file (CSV, GeoJSON, OSM) or LAT,LON;LAT,LON...; `option` names it in messages.
[[nodiscard]] core::Result<Sites> load_sites(const net::Graph& g, const std::string& text, const std::string& option,
                                             bool need_population, double snap_limit_m);

// The graph nodes of the located sites (nearest end of their road), skipping unlocated ones.
std::vector<core::NodeId> site_nodes(const net::Graph& g, const Sites& s);

}  // namespace corridor::cli
