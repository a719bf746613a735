#include "cli/sites.h"

namespace corridor::cli {

core::Result<Sites> load_sites(const net::Graph& g, const std::string& text, const std::string& option,
                               bool need_population, double snap_limit_m) {
  Sites s;
  CORRIDOR_TRY(s.places, access::places_argument(text, option, need_population));
  s.located = access::locate(g, s.places, snap_limit_m, option);
  return s;
}

std::vector<core::NodeId> site_nodes(const net::Graph& g, const Sites& s) {
  std::vector<core::NodeId> out;
  for (const auto& l : s.located) {
    if (l.end) out.push_back(l.end->nearest_node(g));
  }
  return out;
}

}  // namespace corridor::cli
