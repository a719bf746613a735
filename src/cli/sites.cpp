#include "cli/sites.h"
#include "cli/options.h"

namespace corridor::cli {

void SiteOptions::add_to(CLI::App* cmd, const std::string& places_option, const std::string& places_help) {
  cmd->add_option("--sources", sources, "supply sources: a file (CSV, GeoJSON, OSM) or LAT,LON;LAT,LON")->required();
  cmd->add_option(places_option, places, places_help)->required();
  cmd->add_option("--snap-limit", snap_limit, "metres from a road beyond which a point is not placed")
      ->check(between(0.001, 1e6, "metres"));
}

core::Result<Sites> load_sites(const net::Graph& g, const std::string& text, const std::string& option,
                               bool need_population, double snap_limit_m) {
  CORRIDOR_TRY(auto places, access::places_argument(text, option, need_population));
  return query::locate(g, std::move(places), snap_limit_m, option);
}

core::Result<AccessInputs> load_access_inputs(const NetworkOptions& net, const SiteOptions& sites,
                                              const std::string& places_option, bool need_population) {
  CORRIDOR_TRY(Network network, load_network(net));
  CORRIDOR_TRY(Sites sources, load_sites(*network.graph, sites.sources, "--sources", false, sites.snap_limit));
  CORRIDOR_TRY(Sites places, load_sites(*network.graph, sites.places, places_option, need_population, sites.snap_limit));
  return AccessInputs{std::move(network), std::move(sources), std::move(places)};
}

}  // namespace corridor::cli
