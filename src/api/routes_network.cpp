// /v1, /v1/health, /v1/openapi.json; the road network: info, route, reach, critical, capacity.
#include <filesystem>
#include <thread>

#include "api/server.h"
#include "core/input.h"
#include "query/query.h"

namespace corridor::api {

using core::ErrorCode;
using core::fail;
using core::Result;

void add_system_routes(Api& api) {
  api.add({"GET", "/v1", "What this node serves", "system", Access::kPublic, {}, "", {{200, {"application/json", "Index"}}}},
          [&api](Request&) -> Result<Reply> {
            Json paths = Json::array();
            for (const auto& r : api.routes()) paths.push_back(r.method + " " + r.path);
            return Reply::json({{"service", "corridor"}, {"openapi", "/v1/openapi.json"}, {"endpoints", paths}});
          });
  api.add({"GET", "/v1/health", "Whether the node is up, and what it holds", "system", Access::kPublic, {}, "",
           {{200, {"application/json", "Health"}}}},
          [&api](Request&) -> Result<Reply> {
            Node& n = api.node();
            CORRIDOR_TRY(Json ledger, n.with_ledger([](rules::Ledger& l) -> Result<Json> {
              const rules::State& s = l.state();
              return Json{{"events", s.size}, {"mode", rules::mode_name(s.mode)}, {"name", s.name}, {"log", s.log_id}};
            }));
            Json scenarios = Json::array();
            for (const auto& s : n.scenarios()) scenarios.push_back(s->id);
            const auto diverged = n.divergence();
            Json evidence = diverged ? Json::parse(*diverged, nullptr, false) : Json(nullptr);
            return Reply::json({{"status", diverged ? "diverged" : "ok"},
                                {"evidence", evidence},
                                {"version", CORRIDOR_VERSION},
                                {"ledger", ledger},
                                {"sequencer", n.upstream().empty() ? Json("this node") : Json(n.upstream())},
                                {"node_key", ledger::to_hex(n.node_key().public_key)},
                                {"network", n.graph() ? Json(n.network_name()) : Json(nullptr)},
                                {"scenarios", scenarios},
                                {"supply", n.supply().has_value()}});
          });
  api.add({"GET", "/v1/openapi.json", "This API's OpenAPI 3.1 document", "system", Access::kPublic, {}, "",
           {{200, {"application/json", "OpenAPI"}}}},
          [&api](Request&) -> Result<Reply> { return Reply::json(api.openapi()); });
}

namespace {

Result<const net::Graph*> need_graph(Api& api) {
  if (api.node().graph() == nullptr) return fail(ErrorCode::kNotFound, "this node serves no road network (corridor serve --network NET.cgraph)");
  return api.node().graph();
}

// One router per worker thread and graph: its labels are reused from query to query.
route::Router& router_for(const net::Graph& g) {
  thread_local std::unique_ptr<route::Router> router;
  thread_local const net::Graph* of = nullptr;
  if (!router || of != &g) {
    router = std::make_unique<route::Router>(g);
    of = &g;
  }
  return *router;
}

// Closure specs from a request: files are never read on a request's say-so.
// What one anonymous request may ask for: as many closures as a what-if takes (64), as many sources
// as any real corridor has, places enough for a region's settlements. A request past these is
// refused at once (400), before any work.
constexpr std::size_t kMaxClosures = 64;
constexpr std::size_t kMaxSources = 64;
constexpr std::size_t kMaxPlaces = 10'000;

Result<query::Network> closures_of(const net::Graph& g, const std::vector<std::string>& specs, core::UnixSeconds at,
                                   const std::string& pointer) {
  if (specs.size() > kMaxClosures) {
    return bad_value(pointer, std::to_string(specs.size()) + " closures: at most " + std::to_string(kMaxClosures) +
                                  " in one request");
  }
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].rfind("polygon:", 0) == 0) {
      return bad_value(pointer + "/" + std::to_string(i), "polygon closures name a file on the server: use bbox:, way:, "
                                                          "name:, ref: or node: over HTTP");
    }
  }
  auto n = query::with_closures(g, specs, at);
  if (!n) return bad_value(pointer, n.error().message);
  return n;
}

// Places or sources in a request body: a GeoJSON FeatureCollection of points, "LAT,LON;LAT,LON",
// or "scenario:ID:area" / "scenario:ID:sources" for a scenario this node serves.
Result<query::Sites> sites_of(Api& api, const net::Graph& g, const Json& v, const std::string& pointer, bool need_population,
                              double snap_limit) {
  std::vector<access::Place> places;
  if (v.is_object()) {
    auto p = access::parse_geojson_places(v.dump(), pointer, need_population);
    if (!p) return bad_value(pointer, p.error().message);
    places = std::move(*p);
  } else if (v.is_string() && v.get<std::string>().rfind("scenario:", 0) == 0) {
    const std::string text = v.get<std::string>();
    const auto colon = text.find(':', 9);
    const LoadedScenario* sc = colon == std::string::npos ? nullptr : api.node().scenario(text.substr(9, colon - 9));
    const std::string which = colon == std::string::npos ? "" : text.substr(colon + 1);
    if (sc == nullptr || (which != "area" && which != "sources")) {
      return bad_value(pointer, "'" + text + "': scenario:ID:area or scenario:ID:sources of a scenario this node serves");
    }
    for (const std::size_t i : which == "area" ? sc->s.area : sc->s.sources) places.push_back(sc->s.places[i]);
  } else if (v.is_string()) {
    auto p = access::places_from_list(v.get<std::string>(), pointer);
    if (!p) return bad_value(pointer, p.error().message);
    places = std::move(*p);
  } else {
    return bad_value(pointer, "a GeoJSON FeatureCollection of points, \"LAT,LON;LAT,LON\" or \"scenario:ID:area\"");
  }
  if (places.empty()) return bad_value(pointer, "no places");
  const std::size_t most = pointer == "/sources" ? kMaxSources : kMaxPlaces;
  if (places.size() > most) {
    return bad_value(pointer, std::to_string(places.size()) + " places: at most " + std::to_string(most) + " in one request");
  }
  return query::locate(g, std::move(places), snap_limit, pointer);
}

struct AccessBody {
  query::Network network;
  query::Sites sources, places;
  double max_time_min = 0;
  Json rest;  // members only one endpoint takes
};

Result<AccessBody> access_body(Api& api, const Request& r, const char* places_key, bool need_population,
                               const std::vector<const char*>& extra) {
  CORRIDOR_TRY(const net::Graph* g, need_graph(api));
  CORRIDOR_TRY(const Json j, r.json_body());
  Body b(j);
  CORRIDOR_TRY(const auto sources, b.any("sources", true));
  CORRIDOR_TRY(const auto places, b.any(places_key, true));
  CORRIDOR_TRY(const auto close, b.strings("close"));
  CORRIDOR_TRY(const auto at, b.str("at"));
  CORRIDOR_TRY(const auto snap, b.num("snap_limit_m"));
  AccessBody out;
  for (const char* k : extra) {
    CORRIDOR_TRY(const auto v, b.any(k));
    if (v) out.rest[k] = *v;
  }
  CORRIDOR_CHECK(b.no_others());
  const double snap_limit = snap.value_or(net::kDefaultSnapLimitM);
  if (!(snap_limit > 0) || snap_limit > 100000) return bad_value("/snap_limit_m", "must be above 0 and at most 100,000 m");
  CORRIDOR_TRY(const core::UnixSeconds t, time_or_now(at, "/at"));
  CORRIDOR_TRY(out.network, closures_of(*g, close, t, "/close"));
  CORRIDOR_TRY(out.sources, sites_of(api, *g, *sources, "/sources", false, snap_limit));
  CORRIDOR_TRY(out.places, sites_of(api, *g, *places, std::string("/") + places_key, need_population, snap_limit));
  return out;
}

}  // namespace

void add_network_routes(Api& api) {
  api.add({"GET", "/v1/network", "The road network: counts, bounding box, classes, components", "network", Access::kPublic, {}, "",
           {{200, {"application/json", "NetworkInfo"}}}},
          [&api](Request&) -> Result<Reply> {
            CORRIDOR_CHECK(need_graph(api));
            Reply out;
            out.body = api.node().network_info();
            return out;
          });

  api.add({"GET",
           "/v1/route",
           "Fastest (or shortest) route under closures",
           "network",
           Access::kPublic,
           {{"from", "query", "string", "LAT,LON or node:ID", true},
            {"to", "query", "string", "LAT,LON or node:ID", true},
            {"via", "query", "string", "intermediate point, repeatable, in order"},
            {"close", "query", "string", "closure spec, repeatable (docs/formats.md)"},
            {"at", "query", "string", "ISO 8601 time at which time-windowed closures are judged (default now)"},
            {"metric", "query", "string", "time (default) or distance"},
            {"snap_limit_m", "query", "number", "metres: refuse points farther than this from a road"},
            {"format", "query", "string", "json (default) or geojson"}},
           "",
           {{200, {"application/json", "Route"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const net::Graph* g, need_graph(api));
            CORRIDOR_TRY(const core::UnixSeconds at, time_or_now(r.q("at"), "at"));
            CORRIDOR_TRY(const query::Network n, closures_of(*g, r.q_all("close"), at, "close"));
            route::RouteRequest req;
            const std::string metric = r.q("metric").value_or("time");
            if (metric != "time" && metric != "distance") return bad_value("metric", "time or distance");
            req.metric = metric == "distance" ? net::Metric::kDistance : net::Metric::kTime;
            if (const auto s = r.q("snap_limit_m")) {
              char* end = nullptr;
              req.snap_limit_m = std::strtod(s->c_str(), &end);
              if (end == s->c_str() || *end != '\0' || !(req.snap_limit_m > 0)) return bad_value("snap_limit_m", "a positive number");
            }
            std::vector<std::pair<std::string, std::string>> points{{"from", r.q("from").value_or("")}};
            for (const auto& v : r.q_all("via")) points.emplace_back("via", v);
            points.emplace_back("to", r.q("to").value_or(""));
            for (const auto& [name, text] : points) {
              if (text.empty()) return bad_value(name, "missing");
              auto w = route::parse_waypoint(text, name);
              if (!w) return bad_value(name, w.error().message);
              req.points.push_back(*w);
            }
            CORRIDOR_TRY(const auto out, route::plan_route(*g, router_for(*g), req, n.specs, n.overlay));
            if (out.no_route) return error_reply({ErrorCode::kNoRoute, out.no_route->message}, query::no_route_json(*out.no_route, n));
            if (r.format() == "geojson") return Reply::geojson(query::route_feature(*out.route, n));
            Reply reply;
            reply.body = query::route_json_text(*out.route, n);
            return reply;
          });

  api.add({"POST", "/v1/reach", "Who can be reached from the sources, in how long; who is cut off", "network", Access::kPublic,
           {{"format", "query", "string", "json (default), geojson or csv (with an HXL hashtag row)"}}, "ReachRequest",
           {{200, {"application/json", "Reach"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(AccessBody in, access_body(api, r, "places", true, {"max_time_min"}));
            double max_time_min = 0;
            if (in.rest.contains("max_time_min")) {
              if (!in.rest["max_time_min"].is_number() || in.rest["max_time_min"].get<double>() < 0) {
                return bad_value("/max_time_min", "minutes, 0 or more");
              }
              max_time_min = in.rest["max_time_min"].get<double>();
            }
            const Json doc = query::reach(in.network, router_for(*in.network.graph), in.sources, in.places, max_time_min * 60);
            const std::string f = r.format();
            if (f == "geojson") return Reply::geojson(query::reach_geojson(doc, in.places));
            if (f == "csv") return Reply::csv(query::csv(query::reach_columns(), doc["places"]));
            return Reply::json(doc);
          });

  api.add({"POST", "/v1/critical", "Roads and junctions that are the only route; independent routes and min cuts per place",
           "network", Access::kPublic, {{"format", "query", "string", "json (default), geojson or csv"}}, "AccessRequest",
           {{200, {"application/json", "Critical"}}}, true},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(AccessBody in, access_body(api, r, "places", true, {}));
            CORRIDOR_TRY(const Json doc, query::critical(in.network, in.sources, in.places));
            const std::string f = r.format();
            if (f == "geojson") return Reply::geojson(query::critical_geojson(*in.network.graph, doc, in.places));
            if (f == "csv") return Reply::csv(query::csv(query::critical_place_columns(), doc["places"]));
            return Reply::json(doc);
          });

  api.add({"POST",
           "/v1/capacity",
           "Trucks per day from the sources to the destinations, the bottleneck and the main routes",
           "network",
           Access::kPublic,
           {{"format", "query", "string", "json (default) or geojson"},
            {"stream", "query", "boolean", "1: stream NDJSON progress lines, then the result; cancelled if the client leaves"}},
           "CapacityRequest",
           {{200, {"application/json", "Capacity"}}},
           true},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(AccessBody in, access_body(api, r, "to", false, {"checkpoints", "class_capacity", "routes"}));
            auto opts = std::make_shared<query::CapacityOptions>();
            opts->snap_limit_m = net::kDefaultSnapLimitM;
            if (in.rest.contains("routes")) {
              if (!in.rest["routes"].is_number_unsigned() || in.rest["routes"].get<std::size_t>() > 100) {
                return bad_value("/routes", "0 to 100");
              }
              opts->routes = in.rest["routes"].get<std::size_t>();
            }
            if (in.rest.contains("class_capacity")) {
              const Json& cc = in.rest["class_capacity"];
              if (!cc.is_object()) return bad_value("/class_capacity", "{\"primary\": 3000, ...}");
              std::string text;
              for (const auto& [k, v] : cc.items()) {
                if (!v.is_number_integer()) return bad_value("/class_capacity/" + k, "trucks per day, a whole number");
                text += (text.empty() ? "" : ",") + k + "=" + v.dump();
              }
              if (auto ok = opts->classes.override_with(text); !ok) return bad_value("/class_capacity", ok.error().message);
            }
            if (in.rest.contains("checkpoints")) {
              const Json& cps = in.rest["checkpoints"];
              if (!cps.is_array()) return bad_value("/checkpoints", "an array of checkpoints");
              for (std::size_t i = 0; i < cps.size(); ++i) {
                const std::string ptr = "/checkpoints/" + std::to_string(i);
                if (!cps[i].is_object()) return bad_value(ptr, "a checkpoint is an object");
                Body cb(cps[i], ptr);
                access::Checkpoint c;
                CORRIDOR_TRY(const auto id, cb.str("id", true));
                CORRIDOR_TRY(const auto name, cb.str("name"));
                CORRIDOR_TRY(const auto lat, cb.num("lat", true));
                CORRIDOR_TRY(const auto lon, cb.num("lon", true));
                CORRIDOR_TRY(const auto vph, cb.num("vehicles_per_hour", true));
                CORRIDOR_TRY(const auto hours, cb.str("hours"));
                CORRIDOR_TRY(const auto lanes, cb.integer("lanes"));
                CORRIDOR_TRY(const auto status, cb.str("status"));
                CORRIDOR_CHECK(cb.no_others());
                c.id = *id;
                c.name = name.value_or(*id);
                c.point = {*lat, *lon};
                c.vehicles_per_hour = *vph;
                c.lanes = static_cast<int>(std::clamp<std::int64_t>(lanes.value_or(1), -1, 1000));
                c.hours = hours.value_or("24h");
                c.origin = ptr;
                if (auto ok = access::finish_checkpoint(c, status.value_or("open"), ptr + ": "); !ok) {
                  return bad_value(ptr, ok.error().message);
                }
                opts->checkpoints.push_back(std::move(c));
              }
            }
            const bool geo = r.format() == "geojson";
            auto shared = std::make_shared<AccessBody>(std::move(in));
            const auto compute = [shared, opts, geo](const std::atomic<bool>* cancel) -> Result<Json> {
              opts->cancel = cancel;
              CORRIDOR_TRY(const Json doc, query::capacity(shared->network, shared->sources, shared->places, *opts));
              return geo ? query::capacity_geojson(*shared->network.graph, doc) : doc;
            };
            if (r.q("stream").value_or("") == "1") {
              return stream_job(api, [compute](const std::atomic<bool>& cancel, const std::function<void(Json)>&) -> Result<Writer> {
                CORRIDOR_TRY(Json doc, compute(&cancel));
                return whole(std::move(doc));
              });
            }
            CORRIDOR_TRY(const Json doc, compute(nullptr));
            return geo ? Reply::geojson(doc) : Reply::json(doc);
          });
}

}  // namespace corridor::api
