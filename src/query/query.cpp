#include "query/query.h"

#include "net/graph_file.h"

#include <cmath>
#include <set>

#include <map>

#include "access/critical.h"
#include "net/snap.h"

namespace corridor::query {

using core::ErrorCode;
using core::fail;
using core::Result;

Result<Network> with_closures(const net::Graph& g, const std::vector<std::string>& texts, core::UnixSeconds at) {
  Network n;
  n.graph = &g;
  n.at = at;
  for (const auto& text : texts) {
    CORRIDOR_TRY(auto spec, net::parse_closure_spec(text));
    n.specs.push_back(std::move(spec));
  }
  CORRIDOR_TRY(n.overlay, net::apply_closures(g, n.specs, at));
  return n;
}

Json closures_json(const Network& n) {
  Json out = Json::array();
  for (std::size_t i = 0; i < n.specs.size(); ++i) {
    out.push_back({{"spec", n.specs[i].text},
                   {"active", n.overlay.applied[i].active},
                   {"edges", n.overlay.applied[i].edges.size()}});
  }
  return out;
}

Sites locate(const net::Graph& g, std::vector<access::Place> places, double snap_limit_m, const std::string& what) {
  Sites s;
  s.places = std::move(places);
  s.located = access::locate(g, s.places, snap_limit_m, what);
  return s;
}

Json info(const net::Graph& g, const std::string& name, std::int64_t file_bytes) {
  struct ClassStat {
    std::uint64_t segments = 0;
    double km = 0;
  };
  std::map<std::string, ClassStat> classes;
  std::uint64_t bridges = 0, tunnels = 0, oneway = 0;
  for (std::uint32_t s = 0; s < g.segment_count(); ++s) {
    const net::Segment& seg = g.segment(net::SegmentId(s));
    auto& c = classes[std::string(net::road_class_name(static_cast<net::RoadClass>(seg.road_class)))];
    ++c.segments;
    c.km += seg.length_cm / 1e5;
    bridges += (seg.flags & net::segment_flags::kBridge) != 0;
    tunnels += (seg.flags & net::segment_flags::kTunnel) != 0;
    const std::uint8_t both = net::segment_flags::kForward | net::segment_flags::kBackward;
    oneway += (seg.flags & both) != both;
  }
  std::map<std::string, std::uint64_t> barriers;
  for (std::uint32_t v = 0; v < g.node_count(); ++v) {
    if (g.barrier(core::NodeId(v)) != net::Barrier::kNone) ++barriers[std::string(net::barrier_name(g.barrier(core::NodeId(v))))];
  }
  const auto comps = net::connected_components(g);
  const core::BBox box = g.bbox();
  Json cls = Json::object();
  for (const auto& [cname, c] : classes) cls[cname] = {{"segments", c.segments}, {"km", c.km}};
  // Bytes per node per section of the file (the graph's arrays as the file holds them).
  Json sections = Json::array();
  const double nodes = std::max<double>(1, g.node_count());
  for (const auto& sec : net::section_sizes(g.arrays())) {
    sections.push_back({{"name", sec.name}, {"count", sec.count}, {"bytes", sec.bytes}, {"bytes_per_node", static_cast<double>(sec.bytes) / nodes}});
  }
  return {{"graph", name},
          {"bytes_per_node", static_cast<double>(file_bytes) / nodes},
          {"sections", sections},
          {"source", std::string(g.source())},
          {"file_bytes", file_bytes},
          {"nodes", g.node_count()},
          {"edges", g.edge_count()},
          {"segments", g.segment_count()},
          {"oneway_segments", oneway},
          {"bridges", bridges},
          {"tunnels", tunnels},
          {"barriers", barriers},
          {"bbox", {box.south, box.west, box.north, box.east}},
          {"classes", cls},
          {"components", comps.count},
          {"largest_component_nodes", comps.largest},
          {"speedups",
           {{"hierarchy", g.hierarchy_metric() ? Json{{"metric", *g.hierarchy_metric() == net::Metric::kTime ? "time" : "distance"},
                                                      {"entries", g.arrays().ch_up.size()}}
                                                : Json(nullptr)},
            {"landmarks", g.landmark_count()}}}};
}

namespace {
// Degrees to 7 decimals, OpenStreetMap's own precision (about 1 cm): a snapped point computed in
// doubles carries no more information, and the shorter numbers are cheaper to print and to send.
double osm_precision(double deg) {
  const double v = std::round(deg * 1e7) / 1e7;
  return v == 0 ? 0.0 : v;  // never "-0.0"
}
}  // namespace

Json route_json(const route::Route& r) {
  Json coords = Json::array();
  coords.get_ref<Json::array_t&>().reserve(r.geometry.size());
  for (const auto& p : r.geometry) {
    Json pair = Json::array();
    pair.get_ref<Json::array_t&>().reserve(2);
    pair.push_back(osm_precision(p.lon));
    pair.push_back(osm_precision(p.lat));
    coords.push_back(std::move(pair));
  }
  Json j = Json::object();
  j["distance_m"] = r.distance_m;
  j["duration_s"] = r.duration_s;
  j["roads"] = r.roads;
  j["way_ids"] = r.way_ids;
  Json geometry = Json::object();
  geometry["type"] = "LineString";
  geometry["coordinates"] = std::move(coords);
  j["geometry"] = std::move(geometry);
  j["snapped"] = Json::array({r.snapped_m.front(), r.snapped_m.back()});
  if (r.snapped_m.size() > 2) j["snapped_via"] = std::vector<double>(r.snapped_m.begin() + 1, r.snapped_m.end() - 1);
  return j;
}

namespace {
// Degrees at 1e-7 as decimal text ("7.4245317", "-0.5", "43.0"): exact, and no float formatting.
void append_degrees(std::string& out, double deg) {
  long long q = std::llround(deg * 1e7);
  if (q < 0) {
    out += '-';
    q = -q;
  }
  out += std::to_string(q / 10000000);
  char frac[8];
  long long f = q % 10000000;
  for (int i = 6; i >= 0; --i) {
    frac[i] = static_cast<char>('0' + f % 10);
    f /= 10;
  }
  int len = 7;
  while (len > 1 && frac[len - 1] == '0') --len;
  out += '.';
  out.append(frac, static_cast<std::size_t>(len));
}
}  // namespace

std::string route_json_text(const route::Route& r, const Network& n) {
  // Members in the order nlohmann writes an object's (sorted), so that the text is route_json's.
  std::string out;
  out.reserve(64 + r.geometry.size() * 26);
  out += "{\"closures\":";
  out += closures_json(n).dump();
  out += ",\"distance_m\":";
  out += Json(r.distance_m).dump();
  out += ",\"duration_s\":";
  out += Json(r.duration_s).dump();
  out += ",\"geometry\":{\"coordinates\":[";
  for (std::size_t i = 0; i < r.geometry.size(); ++i) {
    out += i == 0 ? "[" : ",[";
    append_degrees(out, r.geometry[i].lon);
    out += ',';
    append_degrees(out, r.geometry[i].lat);
    out += ']';
  }
  out += "],\"type\":\"LineString\"},\"roads\":";
  out += Json(r.roads).dump();
  out += ",\"snapped\":";
  out += Json::array({r.snapped_m.front(), r.snapped_m.back()}).dump();
  if (r.snapped_m.size() > 2) {
    out += ",\"snapped_via\":";
    out += Json(std::vector<double>(r.snapped_m.begin() + 1, r.snapped_m.end() - 1)).dump();
  }
  out += ",\"way_ids\":";
  out += Json(r.way_ids).dump();
  out += '}';
  return out;
}

Json route_feature(const route::Route& r, const Network& n) {
  Json props = route_json(r);
  Json geometry = std::move(props["geometry"]);
  props.erase("geometry");
  props["closures"] = closures_json(n);
  Json out = Json::object();
  out["type"] = "Feature";
  out["geometry"] = std::move(geometry);
  out["properties"] = std::move(props);
  return out;
}

Json no_route_json(const route::NoRoute& nr, const Network& n) {
  return {{"leg", nr.leg},
          {"cutting_closures", nr.cutting},
          {"connected_without_closures", nr.connected_without_closures},
          {"closures", closures_json(n)}};
}

namespace {

Json link_json(const net::Graph& g, core::SegmentId s) {
  const net::Segment& seg = g.segment(s);
  return {{"from", seg.from}, {"to", seg.to}, {"way_ids", {seg.way_id}}, {"name", g.label(s)}};
}

Json line_of(const net::Graph& g, core::SegmentId s) {
  Json coords = Json::array();
  for (const auto& p : g.shape(s)) {
    const auto ll = p.to_double();
    coords.push_back({ll.lon, ll.lat});
  }
  return {{"type", "LineString"}, {"coordinates", coords}};
}

Json point_of(const core::LatLon& p) { return {{"type", "Point"}, {"coordinates", {p.lon, p.lat}}}; }

}  // namespace

// Where a site was put on the network and how far from its point, or why it was not.
static void add_snap(const Network& n, const access::Located& l, Json& j) {
  if (l.end) {
    j["snapped_m"] = std::round(l.end->snapped_m * 10) / 10;
    j["snapped_to"] = l.end->node ? "node " + std::to_string(l.end->node->value) : n.graph->label(l.end->snap.segment);
  }
}

// Each source as placed: what it snapped to and how far, or why it could not be placed.
static Json sources_json(const Network& n, const Sites& sources) {
  Json out = Json::array();
  for (const auto& l : sources.located) {
    Json j = {{"id", l.place.id}, {"name", l.place.name}, {"located", l.end.has_value()}};
    add_snap(n, l, j);
    if (!l.end) j["reason"] = l.snap_error;
    out.push_back(j);
  }
  return out;
}

Json reach(const Network& n, route::Router& router, const Sites& sources, const Sites& places, double max_time_s) {
  const auto r = access::reach(*n.graph, router, sources.located, places.located, n.closures(), max_time_s);
  Json list = Json::array();
  for (std::size_t i = 0; i < r.places.size(); ++i) {
    const auto& l = places.located[i];
    const auto& p = l.place;
    Json j = {{"id", p.id},
              {"name", p.name},
              {"names", p.names},
              {"population", p.population_known ? Json(p.population) : Json()},
              {"located", r.places[i].located},
              {"reachable", r.places[i].reachable},
              {"duration_s", r.places[i].duration_s ? Json(*r.places[i].duration_s) : Json()},
              {"source", r.places[i].source ? Json(sources.places[*r.places[i].source].id) : Json()}};
    add_snap(n, l, j);  // where the place was put on the network, and how far from where the file says
    if (!r.places[i].reachable) j["reason"] = r.places[i].reason;
    list.push_back(j);
  }
  return {{"places", list},
          {"cut_off_population", r.cut_off_population},
          {"total_population", r.total_population},
          {"unlocated", r.unlocated},
          {"unlocated_population", r.unlocated_population},
          {"population_unknown", r.population_unknown},
          {"sources", sources_json(n, sources)},
          {"closures", closures_json(n)}};
}

Result<Json> critical(const Network& n, const Sites& sources, const Sites& places) {
  const net::Graph& g = *n.graph;
  std::vector<std::int64_t> population(g.node_count(), 0);
  std::vector<std::uint32_t> source_count(g.node_count(), 0);
  std::vector<route::Endpoint> source_ends;
  for (const auto& s : sources.located) {
    if (!s.end) continue;
    source_ends.push_back(*s.end);
    ++source_count[s.end->nearest_node(g).value];
  }
  if (source_ends.empty()) return fail(ErrorCode::kInvalidArgument, "sources: no source lies near a road");
  for (const auto& l : places.located) {
    if (!l.end) continue;
    for (const auto& s : sources.located) {
      if (s.end && access::same_point(*s.end, *l.end)) {
        return fail(ErrorCode::kInvalidArgument, l.place.origin + ": place '" + l.place.id + "' is at the same point as source '" +
                                                     s.place.id + "'; routes between a place and itself are not defined");
      }
    }
    // Population counts at the nearer end of the place's road for bridges and junctions.
    population[l.end->nearest_node(g).value] += l.place.population;
  }
  const access::UndirectedView view(g, n.closures());
  const auto cuts = access::find_cut_points(view, population, source_count);
  Json bridges = Json::array(), aps = Json::array(), list = Json::array();
  for (const auto& b : cuts.bridges) {
    auto j = link_json(g, b.segment);
    j["segment"] = b.segment.value;
    j["population_cut_off"] = b.population_cut_off;
    bridges.push_back(j);
  }
  for (const auto& a : cuts.articulation_points) {
    const auto c = g.coord(a.node);
    aps.push_back({{"node", a.node.value}, {"lat", c.lat}, {"lon", c.lon}, {"population_cut_off", a.population_cut_off}});
  }
  for (const auto& l : places.located) {
    const auto routes = l.end ? access::disjoint_routes(g, view, source_ends, *l.end) : access::DisjointRoutes{};
    Json cut = Json::array();
    for (const auto s : routes.min_cut) {
      auto j = link_json(g, s);
      j["segment"] = s.value;
      cut.push_back(j);
    }
    Json j = {{"id", l.place.id}, {"name", l.place.name},
              {"population", l.place.population_known ? Json(l.place.population) : Json()},
              {"disjoint_routes", routes.count}, {"min_cut", cut}};
    add_snap(n, l, j);
    if (!l.end) j["error"] = l.snap_error;
    list.push_back(j);
  }
  return Json{{"bridges", bridges},         {"articulation_points", aps}, {"places", list},
              {"sources", sources_json(n, sources)}, {"closures", closures_json(n)}};
}

// A checkpoint placed this close to a junction may stand on another of the roads that meet there.
constexpr double kJunctionWarningM = 30;

namespace {

// Where a link's capacity comes from: a checkpoint's throughput, a class figure the caller gave,
// or the built-in planning figure for its class — which is an assumption, and says so.
std::string capacity_source(bool checkpoint, std::uint8_t road_class, const access::ClassCapacity& classes) {
  if (checkpoint) return "the checkpoint's throughput (vehicles an hour x lanes x hours, from the checkpoints file)";
  const std::string cls(net::road_class_name(static_cast<net::RoadClass>(road_class)));
  if (classes.per_day[road_class] != access::ClassCapacity::defaults().per_day[road_class]) {
    return "the figure given for " + cls + " roads (--class-capacity)";
  }
  return "ASSUMED: corridor's built-in planning figure for " + cls + " roads, not a measurement (--class-capacity gives yours)";
}

}  // namespace

Result<Json> capacity(const Network& n, const Sites& sources, const Sites& dests, const CapacityOptions& o) {
  const net::Graph& g = *n.graph;
  // Place each checkpoint on its road; one closed at the moment closes that road.
  std::vector<access::PlacedCheckpoint> placed;
  net::ClosureOverlay overlay = n.overlay;
  for (const auto& c : o.checkpoints) {
    CORRIDOR_TRY(const auto s, net::snap(g, c.point, o.snap_limit_m, c.origin + ": checkpoint '" + c.id + "'"));
    placed.push_back({&c, s.segment, s.distance_m});
    if (c.closed_at(n.at)) {
      for (bool rev : {false, true}) {
        if (auto e = g.segment_edge(s.segment, rev)) overlay.close(*e);
      }
    }
  }
  std::vector<route::Endpoint> from, to;
  for (const auto* set : {&sources, &dests}) {
    for (const auto& l : set->located) {
      if (!l.end) return fail(ErrorCode::kSnapFailed, l.snap_error);
      (set == &sources ? from : to).push_back(*l.end);
    }
  }
  std::vector<std::int64_t> cap;
  std::vector<std::optional<std::size_t>> checkpoint_of;
  access::segment_capacities(g, o.classes, placed, cap, checkpoint_of);
  CORRIDOR_TRY(const auto r,
               access::max_trucks(g, overlay.any() ? &overlay : nullptr, cap, checkpoint_of, from, to, o.routes, o.cancel));
  const auto roads_of = [&](const std::vector<core::SegmentId>& segs) {
    std::vector<std::string> roads;
    std::vector<std::int64_t> ways;
    for (const auto s : segs) {
      const std::string l = g.label(s);
      if (!l.empty() && (roads.empty() || roads.back() != l)) roads.push_back(l);
      if (ways.empty() || ways.back() != g.segment(s).way_id) ways.push_back(g.segment(s).way_id);
    }
    return std::make_pair(roads, ways);
  };
  Json cut = Json::array(), routes = Json::array(), cps = Json::array();
  for (const auto& c : r.bottleneck) {
    const net::Segment& seg = g.segment(c.segment);
    cut.push_back({{"from", c.reversed ? seg.to : seg.from},
                   {"to", c.reversed ? seg.from : seg.to},
                   {"segment", c.segment.value},
                   {"way_ids", {seg.way_id}},
                   {"name", g.label(c.segment)},
                   {"capacity_per_day", c.capacity_per_day},
                   {"checkpoint", c.checkpoint ? Json(placed[*c.checkpoint].checkpoint->id) : Json()},
                   {"checkpoint_name", c.checkpoint ? Json(placed[*c.checkpoint].checkpoint->name) : Json()},
                   {"capacity_source", capacity_source(c.checkpoint.has_value(), seg.road_class, o.classes)}});
  }
  for (const auto& fr : r.routes) {
    const auto [roads, ways] = roads_of(fr.segments);
    Json ids = Json::array();
    for (auto i : fr.checkpoints) ids.push_back(placed[i].checkpoint->id);
    routes.push_back({{"trucks_per_day", fr.trucks_per_day}, {"roads", roads}, {"way_ids", ways}, {"checkpoints", ids}});
  }
  // Which checkpoints the flow's routes cross: one that none crosses does not limit the figure.
  std::vector<bool> crossed(placed.size(), false);
  for (const auto& fr : r.routes) {
    for (auto i : fr.checkpoints) crossed[i] = true;
  }
  for (const auto& c : r.bottleneck) {
    if (c.checkpoint) crossed[*c.checkpoint] = true;
  }
  // The roads that meet at a node (distinct segments, either direction).
  const auto roads_at = [&](core::NodeId v) {
    std::set<std::uint32_t> segs;
    for (std::uint32_t e = g.first_out(v.value); e < g.first_out(v.value + 1); ++e) segs.insert(g.segment_of(core::EdgeId(e)).value);
    for (std::uint32_t i = g.first_in(v.value); i < g.first_in(v.value + 1); ++i) segs.insert(g.segment_of(g.in_edge(i)).value);
    return segs;
  };
  for (std::size_t i = 0; i < placed.size(); ++i) {
    const auto& p = placed[i];
    Json warnings = Json::array();
    const net::Segment& seg = g.segment(p.segment);
    for (const std::uint32_t end_id : {seg.from, seg.to}) {
      const core::NodeId end(end_id);
      const auto segs = roads_at(end);
      const double d = core::haversine_m(p.checkpoint->point, g.coord(end));
      if (segs.size() >= 3 && d <= kJunctionWarningM) {
        std::set<std::string> others;
        for (auto s2 : segs) {
          if (s2 != p.segment.value) others.insert(g.label(core::SegmentId(s2)).empty() ? "(unnamed road)" : g.label(core::SegmentId(s2)));
        }
        std::string list;
        for (const auto& o2 : others) list += (list.empty() ? "" : ", ") + o2;
        warnings.push_back("within " + std::to_string(static_cast<int>(std::lround(d))) + " m of a junction with " + list +
                           ": it was placed on " + (g.label(p.segment).empty() ? "(unnamed road)" : g.label(p.segment)) +
                           "; if it controls another of these roads, move its point onto that road");
      }
    }
    if (!crossed[i] && r.trucks_per_day > 0) {
      warnings.push_back("no route of the flow crosses it: its " + std::to_string(p.checkpoint->per_day()) +
                         "/day does not limit the figure");
    }
    cps.push_back({{"id", p.checkpoint->id},
                   {"name", p.checkpoint->name},
                   {"road", g.label(p.segment)},
                   {"way_id", g.segment(p.segment).way_id},
                   {"capacity_per_day", p.checkpoint->per_day()},
                   {"vehicles_per_hour", p.checkpoint->vehicles_per_hour},
                   {"lanes", p.checkpoint->lanes},
                   {"hours", p.checkpoint->hours},
                   {"status", p.checkpoint->closed_at(n.at) ? "closed" : "open"},
                   {"snapped_m", std::round(p.snapped_m * 10) / 10},
                   {"crossed_by_flow", static_cast<bool>(crossed[i])},
                   {"warnings", warnings}});
  }
  return Json{{"trucks_per_day", r.trucks_per_day},
              {"bottleneck", cut},
              {"routes", routes},
              {"other_routes_trucks_per_day", r.other_routes_trucks},
              {"checkpoints", cps},
              {"sources", sources_json(n, sources)},
              {"closures", closures_json(n)}};
}

Json reach_geojson(const Json& doc, const Sites& places) {
  Json features = Json::array();
  for (std::size_t i = 0; i < places.places.size() && i < doc["places"].size(); ++i) {
    features.push_back({{"type", "Feature"}, {"geometry", point_of(places.places[i].point)}, {"properties", doc["places"][i]}});
  }
  return {{"type", "FeatureCollection"},
          {"features", features},
          {"cut_off_population", doc["cut_off_population"]},
          {"total_population", doc["total_population"]},
          {"closures", doc["closures"]}};
}

Json critical_geojson(const net::Graph& g, const Json& doc, const Sites& places) {
  Json features = Json::array();
  for (const auto& b : doc["bridges"]) {
    Json props = b;
    props["kind"] = "bridge";
    features.push_back({{"type", "Feature"}, {"geometry", line_of(g, core::SegmentId(b["segment"].get<std::uint32_t>()))},
                        {"properties", props}});
  }
  for (const auto& a : doc["articulation_points"]) {
    Json props = a;
    props["kind"] = "articulation_point";
    features.push_back({{"type", "Feature"},
                        {"geometry", point_of({a["lat"].get<double>(), a["lon"].get<double>()})},
                        {"properties", props}});
  }
  for (std::size_t i = 0; i < places.places.size() && i < doc["places"].size(); ++i) {
    Json props = doc["places"][i];
    props["kind"] = "place";
    features.push_back({{"type", "Feature"}, {"geometry", point_of(places.places[i].point)}, {"properties", props}});
  }
  return {{"type", "FeatureCollection"}, {"features", features}, {"closures", doc["closures"]}};
}

Json capacity_geojson(const net::Graph& g, const Json& doc) {
  Json features = Json::array();
  for (const auto& c : doc["bottleneck"]) {
    Json props = c;
    props["kind"] = "bottleneck";
    features.push_back({{"type", "Feature"}, {"geometry", line_of(g, core::SegmentId(c["segment"].get<std::uint32_t>()))},
                        {"properties", props}});
  }
  return {{"type", "FeatureCollection"},
          {"features", features},
          {"trucks_per_day", doc["trucks_per_day"]},
          {"routes", doc["routes"]},
          {"checkpoints", doc["checkpoints"]},
          {"closures", doc["closures"]}};
}

namespace {

std::string csv_field(const Json& v) {
  std::string s;
  if (v.is_null()) return "";
  if (v.is_string()) {
    s = v.get<std::string>();
  } else if (v.is_array()) {
    for (const auto& x : v) {
      if (!s.empty()) s += '|';
      s += x.is_string() ? x.get<std::string>() : x.dump();
    }
  } else {
    s = v.dump();
  }
  // Spreadsheets treat a leading =, +, - or @ as a formula: quote-prefix text that starts with one
  // (OWASP's CSV injection advice), but not numbers.
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '@' || (s[0] == '-' && !v.is_number()))) s.insert(0, 1, '\'');
  if (s.find_first_of(",\"\r\n") != std::string::npos) {
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  }
  return s;
}

}  // namespace

std::string csv(const std::vector<Column>& columns, const Json& rows) {
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ',';
    out += columns[i].header;
  }
  out += "\r\n";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ',';
    out += columns[i].hxl;
  }
  out += "\r\n";
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) out += ',';
      if (row.contains(columns[i].key)) out += csv_field(row[columns[i].key]);
    }
    out += "\r\n";
  }
  return out;
}

const std::vector<Column>& reach_columns() {
  static const std::vector<Column> c{{"id", "id", "#loc+code"},
                                     {"name", "name", "#loc+name"},
                                     {"names", "names", "#loc+name+alt"},
                                     {"population", "population", "#population"},
                                     {"reachable", "reachable", "#access+reachable"},
                                     {"duration_s", "duration_s", "#access+duration+seconds"},
                                     {"source", "source", "#loc+source+code"},
                                     {"reason", "reason", "#access+constraint"}};
  return c;
}

const std::vector<Column>& critical_place_columns() {
  static const std::vector<Column> c{{"id", "id", "#loc+code"},
                                     {"name", "name", "#loc+name"},
                                     {"population", "population", "#population"},
                                     {"disjoint_routes", "disjoint_routes", "#access+routes+num"}};
  return c;
}

}  // namespace corridor::query
