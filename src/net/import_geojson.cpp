// GeoJSON road files: a FeatureCollection of LineString / MultiLineString features whose properties
// read like OSM tags (name, ref, highway or class, maxspeed, oneway, id, access ...). Ways that share
// an exact coordinate are joined there.
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/input.h"
#include "net/import.h"

namespace corridor::net {

using core::ErrorCode;
using core::fail;
using nlohmann::json;

namespace {

std::string line_col(const std::string& text, std::size_t byte) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

std::string as_tag(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number()) {
    std::ostringstream os;
    os << v.get<double>();
    return os.str();
  }
  return {};
}

// A string member, or "" when it is absent or not a string (json::value would throw on the latter).
std::string string_member(const json& obj, const char* key) {
  if (!obj.is_object()) return {};
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

core::Result<Graph> read_roads(const std::string& text, const std::string& name, const Profile& profile,
                               ImportStats& s);

}  // namespace

core::Result<Graph> import_geojson_text(const std::string& text, const std::string& name,
                                        const Profile& profile, ImportStats* stats) {
  ImportStats local;
  CORRIDOR_CHECK(core::check_json_text(text, name, core::kMaxTableBytes));
  try {
    return read_roads(text, name, profile, stats != nullptr ? *stats : local);
  } catch (const json::exception& e) {
    // Parse errors are caught inside with their line; this is the edge for anything else the
    // library throws (a number too large for a double, a value of an unexpected type).
    return fail(ErrorCode::kParse, name + ": not a usable GeoJSON road file: " + e.what());
  }
}

namespace {

core::Result<Graph> read_roads(const std::string& text, const std::string& name, const Profile& profile,
                               ImportStats& s) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return fail(ErrorCode::kParse, name + ":" + line_col(text, e.byte == 0 ? 0 : e.byte - 1) +
                                       ": not valid JSON: " + e.what());
  } catch (const json::exception& e) {
    return fail(ErrorCode::kParse, name + ": not valid JSON: " + e.what());
  }
  auto bad = [&](const std::string& pointer, const std::string& why) {
    return fail(ErrorCode::kParse, name + ": " + pointer + ": " + why);
  };
  if (!doc.is_object() || string_member(doc, "type") != "FeatureCollection" ||
      !doc.contains("features") || !doc["features"].is_array()) {
    return bad("/", "expected a GeoJSON FeatureCollection with a \"features\" array");
  }
  GraphBuilder builder;
  const json& features = doc["features"];
  for (std::size_t i = 0; i < features.size(); ++i) {
    const std::string ptr = "/features/" + std::to_string(i);
    const json& f = features[i];
    if (!f.is_object() || !f.contains("geometry") || !f["geometry"].is_object()) {
      return bad(ptr, "a feature needs a geometry object");
    }
    const json& geom = f["geometry"];
    const std::string type = string_member(geom, "type");
    if (type != "LineString" && type != "MultiLineString") {
      if (type == "Point" || type == "MultiPoint") continue;  // places may share the file
      return bad(ptr + "/geometry/type", "'" + type + "' is not a road (LineString or MultiLineString)");
    }
    ++s.ways_read;
    const json props = f.contains("properties") && f["properties"].is_object() ? f["properties"] : json::object();
    std::map<std::string, std::string> tags;
    for (const auto& [k, v] : props.items()) tags[k] = as_tag(v);
    if (!tags.contains("highway") && tags.contains("class")) tags["highway"] = tags["class"];
    if (!tags.contains("highway")) {
      return bad(ptr + "/properties", "a road needs a \"highway\" or \"class\" property");
    }
    if (!road_class_from_name(tags["highway"]) || tags["highway"] == "ferry") {
      return bad(ptr + "/properties/" + (props.contains("highway") ? "highway" : "class"),
                 "unknown road class '" + tags["highway"] +
                     "' (motorway, trunk, primary, secondary, tertiary, unclassified, residential, "
                     "service, track, and their _link forms)");
    }
    if (tags.contains("maxspeed") && !parse_maxspeed(tags["maxspeed"])) {
      return bad(ptr + "/properties/maxspeed", "'" + tags["maxspeed"] + "' is not a speed");
    }
    const auto decision = decide_way(
        [&](const char* key) -> const char* {
          const auto it = tags.find(key);
          return it == tags.end() ? nullptr : it->second.c_str();
        },
        profile);
    if (!decision) continue;
    ++s.ways_routable;
    WayInput base;
    const json* id = props.contains("id") ? &props["id"] : (f.contains("id") ? &f["id"] : nullptr);
    if (id != nullptr && id->is_number_integer()) {
      base.way_id = id->get<std::int64_t>();
    } else {
      base.way_id = static_cast<std::int64_t>(i) + 1;
      if (id != nullptr && id->is_string()) base.key = id->get<std::string>();
    }
    base.name = tags.contains("name") ? tags["name"] : "";
    base.ref = tags.contains("ref") ? tags["ref"] : "";
    base.road_class = decision->road_class;
    base.flags = decision->flags;
    base.oneway = decision->oneway;
    base.speed_kmh = decision->speed_kmh;

    if (!geom.contains("coordinates") || !geom["coordinates"].is_array()) {
      return bad(ptr + "/geometry/coordinates", "missing or not an array");
    }
    std::vector<std::pair<std::string, const json*>> lines;
    if (type == "LineString") {
      lines.emplace_back(ptr + "/geometry/coordinates", &geom["coordinates"]);
    } else {
      for (std::size_t l = 0; l < geom["coordinates"].size(); ++l) {
        lines.emplace_back(ptr + "/geometry/coordinates/" + std::to_string(l), &geom["coordinates"][l]);
      }
    }
    for (const auto& [lptr, line] : lines) {
      if (!line->is_array() || line->size() < 2) return bad(lptr, "a line needs at least two positions");
      WayInput way = base;
      for (std::size_t k = 0; k < line->size(); ++k) {
        const json& pos = (*line)[k];
        if (!pos.is_array() || pos.size() < 2 || !pos[0].is_number() || !pos[1].is_number()) {
          return bad(lptr + "/" + std::to_string(k), "a position is [longitude, latitude]");
        }
        const LatLon p{pos[1].get<double>(), pos[0].get<double>()};
        if (!core::valid_lat_lon(p)) {
          return bad(lptr + "/" + std::to_string(k), "position out of range (is it [lon, lat]?)");
        }
        const FixedLatLon fx = FixedLatLon::from(p);
        const std::int64_t key = (static_cast<std::int64_t>(fx.lat) << 32) ^
                                 static_cast<std::int64_t>(static_cast<std::uint32_t>(fx.lon));
        way.nodes.push_back({key, 0, fx});
      }
      builder.add_way(std::move(way));
    }
  }
  return std::move(builder).build(name);
}

}  // namespace

core::Result<Graph> import_geojson(const std::string& path, const Profile& profile, ImportStats* stats) {
  CORRIDOR_TRY(const std::string text, core::read_file_limited(path, "GeoJSON file", core::kMaxTableBytes));
  return import_geojson_text(text, path, profile, stats);
}

}  // namespace corridor::net
