// The OpenAPI 3.1 document, generated from the route table: every route the server has is in it,
// and nothing else. The schemas describe what the endpoints return (the tests validate the
// responses they get against them) and what they take.
#include "api/server.h"

namespace corridor::api {

namespace {

Json ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
Json str() { return {{"type", "string"}}; }
Json num() { return {{"type", "number"}}; }
Json integer() { return {{"type", "integer"}}; }
Json boolean() { return {{"type", "boolean"}}; }
Json array(const Json& items) { return {{"type", "array"}, {"items", items}}; }
Json nullable(const Json& s) { return {{"anyOf", {s, {{"type", "null"}}}}}; }
Json hex64() { return {{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}}; }
Json object(const Json& props, const std::vector<std::string>& required) {
  Json j = {{"type", "object"}, {"properties", props}};
  if (!required.empty()) j["required"] = required;
  return j;
}

Json schemas() {
  Json s;
  s["Error"] = object({{"error", object({{"code", str()}, {"message", str()}, {"pointer", str()}, {"rule", str()}}, {"code", "message"})}},
                      {"error"});
  s["Index"] = object({{"service", str()}, {"openapi", str()}, {"endpoints", array(str())}}, {"service", "endpoints"});
  s["Health"] = object({{"status", {{"enum", {"ok", "diverged"}}}},
                        {"evidence", nullable(ref("Evidence"))},
                        {"version", str()},
                        {"ledger", object({{"events", integer()}, {"mode", {{"enum", {"open", "governed"}}}}, {"name", str()}, {"log", str()}},
                                          {"events", "mode"})},
                        {"sequencer", str()},
                        {"node_key", hex64()},
                        {"network", nullable(str())},
                        {"scenarios", array(str())},
                        {"supply", boolean()}},
                       {"status", "ledger", "sequencer"});
  // Two signed heads of the sequencer that contradict each other, and where this node stands.
  s["Evidence"] = object({{"kept", ref("TreeHead")}, {"served", ref("TreeHead")}, {"local", {{"type", "object"}}}, {"reason", str()}},
                         {"served", "reason"});
  s["OpenAPI"] = object({{"openapi", str()}, {"paths", {{"type", "object"}}}}, {"openapi", "paths"});
  s["LineString"] = object({{"type", {{"const", "LineString"}}}, {"coordinates", array(array(num()))}}, {"type", "coordinates"});
  s["Geometry"] = object({{"type", {{"enum", {"Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}}}},
                          {"coordinates", {{"type", "array"}}}},
                         {"type", "coordinates"});
  s["Feature"] = object({{"type", {{"const", "Feature"}}}, {"geometry", ref("Geometry")}, {"properties", {{"type", "object"}}}},
                        {"type", "geometry", "properties"});
  s["FeatureCollection"] = object({{"type", {{"const", "FeatureCollection"}}}, {"features", array(ref("Feature"))}},
                                  {"type", "features"});
  s["Closure"] = object({{"spec", str()}, {"active", boolean()}, {"edges", integer()}}, {"spec", "active", "edges"});
  s["NetworkInfo"] = object({{"graph", str()},
                             {"nodes", integer()},
                             {"edges", integer()},
                             {"segments", integer()},
                             {"bbox", {{"type", "array"}, {"items", num()}, {"minItems", 4}, {"maxItems", 4}}},
                             {"classes", {{"type", "object"}}},
                             {"components", integer()}},
                            {"nodes", "edges", "segments", "bbox", "classes", "components"});
  s["Route"] = object({{"distance_m", num()},
                       {"duration_s", num()},
                       {"roads", array(str())},
                       {"way_ids", array(integer())},
                       {"geometry", ref("LineString")},
                       {"snapped", array(num())},
                       {"closures", array(ref("Closure"))}},
                      {"distance_m", "duration_s", "roads", "way_ids", "geometry", "snapped", "closures"});
  s["Link"] = object({{"from", integer()}, {"to", integer()}, {"way_ids", array(integer())}, {"name", str()}},
                     {"from", "to", "way_ids", "name"});
  s["Reach"] = object({{"places", array(object({{"id", str()},
                                                {"name", str()},
                                                {"population", integer()},
                                                {"reachable", boolean()},
                                                {"duration_s", nullable(num())},
                                                {"source", nullable(str())},
                                                {"reason", str()}},
                                               {"id", "name", "population", "reachable", "duration_s", "source"}))},
                       {"cut_off_population", integer()},
                       {"total_population", integer()},
                       {"closures", array(ref("Closure"))}},
                      {"places", "cut_off_population", "total_population", "closures"});
  s["Critical"] = object({{"bridges", array(ref("Link"))},
                          {"articulation_points", array(object({{"node", integer()}, {"lat", num()}, {"lon", num()},
                                                               {"population_cut_off", integer()}},
                                                              {"node", "lat", "lon", "population_cut_off"}))},
                          {"places", array(object({{"id", str()}, {"disjoint_routes", integer()}, {"min_cut", array(ref("Link"))}},
                                                  {"id", "disjoint_routes", "min_cut"}))},
                          {"closures", array(ref("Closure"))}},
                         {"bridges", "articulation_points", "places", "closures"});
  s["Capacity"] = object({{"trucks_per_day", integer()},
                          {"bottleneck", array(object({{"capacity_per_day", integer()}, {"name", str()}}, {"capacity_per_day"}))},
                          {"routes", array(object({{"trucks_per_day", integer()}, {"roads", array(str())}}, {"trucks_per_day", "roads"}))},
                          {"other_routes_trucks_per_day", integer()},
                          {"checkpoints", {{"type", "array"}}},
                          {"closures", array(ref("Closure"))}},
                         {"trucks_per_day", "bottleneck", "routes", "checkpoints", "closures"});
  const Json places_input = {{"anyOf", {ref("FeatureCollection"), str()}},
                             {"description", "GeoJSON points, \"LAT,LON;LAT,LON\", or \"scenario:ID:area\" / \"scenario:ID:sources\""}};
  const Json access_common = {{"sources", places_input},
                              {"close", array(str())},
                              {"at", str()},
                              {"snap_limit_m", num()}};
  Json reach_req = access_common;
  reach_req["places"] = places_input;
  reach_req["max_time_min"] = num();
  s["ReachRequest"] = object(reach_req, {"sources", "places"});
  Json access_req = access_common;
  access_req["places"] = places_input;
  s["AccessRequest"] = object(access_req, {"sources", "places"});
  Json cap_req = access_common;
  cap_req["to"] = places_input;
  cap_req["routes"] = integer();
  cap_req["class_capacity"] = {{"type", "object"}, {"additionalProperties", integer()}};
  cap_req["checkpoints"] = array(object({{"id", str()}, {"name", str()}, {"lat", num()}, {"lon", num()}, {"vehicles_per_hour", num()},
                                         {"hours", str()}, {"lanes", integer()}, {"status", str()}},
                                        {"id", "lat", "lon", "vehicles_per_hour"}));
  s["CapacityRequest"] = object(cap_req, {"sources", "to"});
  s["TreeHead"] = object({{"corridor_tree_head", {{"const", 1}}},
                          {"log", hex64()},
                          {"size", integer()},
                          {"root", hex64()},
                          {"time", str()},
                          {"frontier", array(hex64())},
                          {"signatures", array(object({{"by", str()}, {"public_key", hex64()}, {"signature", str()}},
                                                      {"by", "public_key", "signature"}))}},
                         {"corridor_tree_head", "log", "size", "root", "time", "frontier", "signatures"});
  s["InclusionProof"] = object({{"corridor_proof", {{"const", "inclusion"}}},
                                {"seq", integer()},
                                {"leaf_index", integer()},
                                {"tree_size", integer()},
                                {"event_hash", hex64()},
                                {"leaf_hash", hex64()},
                                {"root", hex64()},
                                {"path", array(hex64())}},
                               {"corridor_proof", "leaf_index", "tree_size", "leaf_hash", "root", "path"});
  s["ConsistencyProof"] = object({{"corridor_proof", {{"const", "consistency"}}},
                                  {"first", integer()},
                                  {"second", integer()},
                                  {"first_root", hex64()},
                                  {"second_root", hex64()},
                                  {"path", array(hex64())}},
                                 {"corridor_proof", "first", "second", "first_root", "second_root", "path"});
  s["LedgerState"] = object({{"mode", str()}, {"events", integer()}, {"root", hex64()}, {"violations", {{"type", "array"}}}},
                            {"mode", "events", "root", "violations"});
  const Json event_props = {{"seq", integer()},      {"time", integer()},      {"actor", str()}, {"type", str()},
                            {"subject", str()},      {"payload", {{"type", "object"}}}, {"prev_hash", hex64()}, {"hash", hex64()},
                            {"signature", str()}};
  s["Event"] = object(event_props, {"seq", "time", "actor", "type", "subject", "payload", "prev_hash", "hash", "signature"});
  s["Draft"] = object({{"event", object(event_props, {"seq", "time", "actor", "type", "subject", "payload", "prev_hash", "hash"})},
                       {"sign", hex64()}},
                      {"event", "sign"});
  s["DraftRequest"] = object({{"actor", str()}, {"type", str()}, {"subject", str()}, {"time", str()}, {"payload", {{"type", "object"}}},
                              {"declaration", {{"type", "object"}}}, {"custody", hex64()}},
                             {"actor", "type", "subject"});
  s["SignedEvent"] = object({{"event", ref("Event")}}, {"event"});
  s["Appended"] = object({{"seq", integer()}, {"hash", hex64()}}, {"seq", "hash"});
  s["ConsignmentSummary"] = object({{"id", str()}, {"state", str()}, {"sender", str()}, {"receiver", str()}, {"checkpoint", str()}},
                                   {"id", "state"});
  s["ConsignmentList"] = object({{"consignments", array(ref("ConsignmentSummary"))}}, {"consignments"});
  s["Consignment"] = object({{"id", str()},
                             {"state", str()},
                             {"sender", str()},
                             {"receiver", str()},
                             {"checkpoint", str()},
                             {"verdict", str()},
                             {"blocked_by_regime", boolean()},
                             {"entered", {{"type", "object"}}},
                             {"seq", integer()}},
                            {"id"});
  s["History"] = object({{"id", str()},
                         {"head", ref("TreeHead")},
                         {"events", array(object({{"seq", integer()},
                                                  {"hash", hex64()},
                                                  {"signature", str()},
                                                  {"canonical", str()},
                                                  {"actor_public_key", nullable(hex64())},
                                                  {"inclusion", object({{"leaf_index", integer()}, {"tree_size", integer()}, {"path", array(hex64())}},
                                                                       {"leaf_index", "tree_size", "path"})}},
                                                 {"seq", "hash", "signature", "canonical", "inclusion"}))}},
                        {"id", "head", "events"});
  s["Stats"] = object({{"consignments", integer()}, {"by_state", {{"type", "object"}}}, {"by_verdict", {{"type", "object"}}},
                       {"dwell", {{"type", "array"}}}},
                      {"consignments", "by_state", "by_verdict", "dwell"});
  s["RegimeList"] = object({{"checkpoints", array(object({{"checkpoint", str()}, {"operator", str()}, {"regimes", {{"type", "array"}}}},
                                                       {"checkpoint", "operator", "regimes"}))}},
                           {"checkpoints"});
  s["Regime"] = object({{"checkpoint", str()}, {"operator", str()}, {"seq", integer()}, {"from", str()}, {"sha256", hex64()},
                        {"toml", str()}},
                       {"checkpoint", "operator", "seq", "sha256", "toml"});
  s["Decision"] = object({{"decision", {{"enum", {"accept", "needs-approval", "reject"}}}},
                          {"lane", {{"enum", {"green", "yellow", "red"}}}},
                          {"reasons", array(object({{"rule", str()}, {"severity", str()}, {"message", str()}}, {"rule", "message"}))},
                          {"random_draw", {{"type", "object"}}}},
                         {"decision", "lane", "reasons", "random_draw"});
  s["DeclareRequest"] = object({{"declaration", {{"type", "object"}}}, {"at", str()}}, {"declaration"});
  s["StepRequest"] = object({{"reason", str()}, {"lane", str()}, {"findings", str()}, {"items", {{"type", "array"}}},
                             {"received", {{"type", "array"}}}, {"whole", boolean()}, {"at", str()}},
                            {});
  s["PublishRequest"] = object({{"toml", str()}, {"at", str()}}, {"toml"});
  s["CheckRequest"] = object({{"declaration", {{"type", "object"}}}, {"at", str()}}, {"declaration"});
  s["PartyList"] = object({{"mode", str()},
                           {"parties", array(object({{"party", str()}, {"role", str()}, {"public_key", hex64()}, {"active", boolean()}},
                                                    {"party", "role", "public_key", "active"}))}},
                          {"mode", "parties"});
  s["AdmitRequest"] = object({{"name", str()}, {"role", str()}, {"public_key", hex64()}, {"display_name", str()}, {"at", str()}},
                             {"name", "role", "public_key"});
  s["RevokeRequest"] = object({{"reason", str()}, {"at", str()}}, {"reason"});
  s["CheckpointRequest"] = object({{"id", str()}, {"operator", str()}, {"name", str()}, {"at", str()}}, {"id", "operator"});
  s["SupplyStatus"] = object({{"from", str()},
                              {"to", str()},
                              {"profile", str()},
                              {"settlements", array(object({{"id", str()}, {"population", integer()}, {"coverage", num()},
                                                           {"days_of_supply", num()}},
                                                          {"id", "population", "coverage", "days_of_supply"}))}},
                             {"from", "to", "settlements"});
  s["StockRequest"] = object({{"kind", {{"enum", {"opening", "count"}}}}, {"place", str()}, {"commodity", str()}, {"tonnes", num()},
                              {"date", str()}, {"note", str()}, {"at", str()}},
                             {"kind", "place", "commodity", "tonnes"});
  s["SettlementRequest"] = object({{"id", str()}, {"name", str()}, {"population", integer()}, {"reporters", array(str())}, {"at", str()}},
                                  {"id"});
  s["ScenarioList"] = object({{"scenarios", array(object({{"id", str()}, {"name", str()}, {"start", str()}, {"end", str()},
                                                        {"parties", {{"type", "object"}}}},
                                                       {"id", "name", "start", "end", "parties"}))}},
                             {"scenarios"});
  s["ScenarioRun"] = object({{"scenario", {{"type", "object"}}}, {"days", {{"type", "array"}}}, {"summary", {{"type", "object"}}}},
                            {"scenario", "days", "summary"});
  s["ScenarioDay"] = object({{"date", str()},
                             {"trust", str()},
                             {"status", {{"type", "object"}}},
                             {"cut_off", array(str())},
                             {"cut_off_population", integer()},
                             {"capacity_trucks_per_day", integer()},
                             {"convoys", {{"type", "array"}}},
                             {"supply", {{"type", "object"}}}},
                            {"date", "status", "cut_off", "cut_off_population", "capacity_trucks_per_day", "convoys", "supply"});
  {
    Json props = {{"trust", str()}, {"need_kcal_per_day", num()}, {"opening_stock_kcal", num()}, {"dates", array(str())}};
    std::vector<std::string> req = {"trust", "dates"};
    for (const char* k : {"cut_off_population", "capacity_trucks_per_day", "capacity_trucks_per_day_with_restricted",
                          "convoys_moved", "convoys_blocked"}) {
      props[k] = array(integer());
      req.emplace_back(k);
    }
    for (const char* k : {"delivered_tonnes", "delivered_kcal", "need_kcal", "stock_kcal", "days_of_supply", "coverage"}) {
      props[k] = array(num());
      req.emplace_back(k);
    }
    props["places"] = {{"type", "object"},
                       {"additionalProperties", object({{"days_cut_off", integer()}, {"first", str()}, {"last", str()}}, {"days_cut_off"})}};
    s["Series"] = object(props, req);
  }
  s["Me"] = object({{"party", str()}, {"role", str()}, {"sees_all", boolean()}, {"custodial", boolean()}},
                   {"party", "role", "sees_all", "custodial"});
  s["Compare"] = object({{"scenario", str()}, {"parties", array(object({{"trust", str()}}, {"trust"}))}}, {"scenario", "parties"});
  s["Claims"] = object({{"claims", array(object({{"target", str()}, {"party", str()}, {"status", str()}, {"from", str()},
                                                 {"source", str()}},
                                                {"target", "party", "status", "from"}))}},
                       {"claims"});
  return s;
}

Json operation_id(const RouteSpec& r) {
  std::string id = r.method;
  for (char c : r.path) id += (std::isalnum(static_cast<unsigned char>(c)) != 0) ? c : '_';
  return id;
}

}  // namespace

Json Api::openapi() const {
  Json paths = Json::object();
  for (const auto& r : specs_) {
    Json op = {{"summary", r.summary}, {"tags", {r.tag}}, {"operationId", operation_id(r)}};
    if (r.access == Access::kMember) op["security"] = {{{"bearer", Json::array()}}};
    Json params = Json::array();
    bool formats = false;
    for (const auto& p : r.params) {
      params.push_back({{"name", p.name}, {"in", p.in}, {"required", p.in == "path" || p.required},
                        {"description", p.description}, {"schema", {{"type", p.type}}}});
      formats |= p.name == "format";
    }
    if (!params.empty()) op["parameters"] = params;
    if (!r.request.empty()) {
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", ref(r.request)}}}}}};
    }
    Json responses = Json::object();
    for (const auto& [status, what] : r.responses) {
      Json content = Json::object();
      content[what.first] = what.second.empty() ? Json{{"schema", {{"type", "string"}}}} : Json{{"schema", ref(what.second)}};
      if (formats) {
        content["application/geo+json"] = {{"schema", ref(r.path == "/v1/route" ? "Feature" : "FeatureCollection")}};
        content["text/csv"] = {{"schema", {{"type", "string"}}}};
      }
      if (r.long_job) content["application/x-ndjson"] = {{"schema", {{"type", "string"}}}};
      responses[std::to_string(status)] = {{"description", "success"}, {"content", content}};
    }
    responses["default"] = {{"description", "an error (docs/http.md lists codes and statuses)"},
                            {"content", {{"application/json", {{"schema", ref("Error")}}}}}};
    op["responses"] = responses;
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[r.path][method] = op;
  }
  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "corridor"},
            {"version", CORRIDOR_VERSION},
            {"description", "Humanitarian access through contested road corridors: the road network, access, checkpoint "
                            "regimes, consignments, a signed ledger, supply and scenarios. docs/http.md explains it."}}},
          {"paths", paths},
          {"components",
           {{"schemas", schemas()},
            {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"description", "corridor party token NAME"}}}}}}}};
}

}  // namespace corridor::api
