#include "access/places.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/stat.h>

#include "core/csv.h"
#include "net/import.h"
#include "core/input.h"

namespace corridor::access {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result<std::vector<Place>> read_csv_places(const std::string& path, bool need_population) {
  CORRIDOR_TRY(auto t, core::read_csv(path));
  CORRIDOR_TRY(const core::PlaceColumns pc, core::place_columns(t, {"id", "lat", "lon"}, need_population));
  std::vector<Place> out;
  for (const auto& row : t.rows) {
    Place p;
    p.id = core::csv_string(t, row, "id");
    if (p.id.empty()) return fail(ErrorCode::kParse, t.where(row, "id") + "empty id");
    p.names = pc.row_names(t, row);
    if (p.names.empty()) p.names.push_back(p.id);
    p.name = p.names.front();
    CORRIDOR_TRY(p.point.lat, core::csv_double(t, row, "lat"));
    CORRIDOR_TRY(p.point.lon, core::csv_double(t, row, "lon"));
    if (!core::valid_lat_lon(p.point)) {
      return fail(ErrorCode::kParse, path + ":" + std::to_string(row.line) + ": coordinates out of range");
    }
    if (!pc.population.empty() && !core::csv_string(t, row, pc.population).empty()) {
      CORRIDOR_TRY(p.population, core::csv_population(t, row, pc.population));
    } else {
      p.population_known = false;  // no count given: reported as unknown, never summed as a zero
    }
    p.origin = path + ":" + std::to_string(row.line);
    for (const auto& q : out) {
      if (q.id == p.id) {
        return fail(ErrorCode::kParse, p.origin + ": id '" + p.id + "' already used at " + q.origin);
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<Place>> read_geojson_places(const std::string& path, bool need_population) {
  CORRIDOR_TRY(const std::string text, core::read_file_limited(path, "places file", core::kMaxTableBytes));
  return parse_geojson_places(text, path, need_population);
}

}  // namespace

Result<std::vector<Place>> parse_geojson_places(const std::string& text, const std::string& path, bool need_population) {
  CORRIDOR_CHECK(core::check_json_text(text, path, core::kMaxTableBytes));
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorCode::kParse, path + ": not valid JSON: " + e.what());
  }
  if (!doc.is_object() || !doc.contains("features") || !doc["features"].is_array()) {
    return fail(ErrorCode::kParse, path + ": /: expected a FeatureCollection with a \"features\" array");
  }
  std::vector<Place> out;
  for (std::size_t i = 0; i < doc["features"].size(); ++i) {
    const auto& f = doc["features"][i];
    const std::string ptr = path + ": /features/" + std::to_string(i);
    if (!f.is_object() || !f.contains("geometry") || !f["geometry"].is_object()) {
      return fail(ErrorCode::kParse, ptr + ": a feature needs a geometry");
    }
    const auto& geom = f["geometry"];
    if (!geom.contains("type") || geom["type"] != "Point") continue;  // roads may share the file
    const auto coords = geom.contains("coordinates") ? geom["coordinates"] : nlohmann::json();
    if (!coords.is_array() || coords.size() < 2 || !coords[0].is_number() || !coords[1].is_number()) {
      return fail(ErrorCode::kParse, ptr + "/geometry/coordinates: a place has no coordinates [lon, lat]");
    }
    Place p;
    p.point = {coords[1].get<double>(), coords[0].get<double>()};
    if (!core::valid_lat_lon(p.point)) return fail(ErrorCode::kParse, ptr + "/geometry/coordinates: out of range");
    const auto props = f.contains("properties") && f["properties"].is_object() ? f["properties"] : nlohmann::json::object();
    if (props.contains("id") && (props["id"].is_string() || props["id"].is_number_integer())) {
      p.id = props["id"].is_string() ? props["id"].get<std::string>() : std::to_string(props["id"].get<std::int64_t>());
      if (p.id.empty()) return fail(ErrorCode::kParse, ptr + "/properties/id: empty (as in a places CSV, an id names the place)");
    } else {
      p.id = std::to_string(i + 1);
    }
    // Names as in a places CSV: `name`, then every `name_*` property, then `names` (an array, or
    // one string separated by '|').
    if (props.contains("name") && props["name"].is_string()) core::add_place_name(p.names, props["name"].get<std::string>());
    for (const auto& [k, v] : props.items()) {
      if (k.rfind("name_", 0) == 0 && v.is_string()) core::add_place_name(p.names, v.get<std::string>());
    }
    if (props.contains("names") && props["names"].is_array()) {
      for (const auto& n : props["names"]) {
        if (n.is_string()) core::add_place_name(p.names, n.get<std::string>());
      }
    } else if (props.contains("names") && props["names"].is_string()) {
      core::add_joined_names(p.names, props["names"].get<std::string>());
    }
    if (p.names.empty()) p.names.push_back(p.id);
    p.name = p.names.front();
    if (props.contains("population") && props["population"].is_null()) {
      p.population_known = false;
    } else if (props.contains("population")) {
      if (!props["population"].is_number_integer() || props["population"].get<std::int64_t>() < 0 ||
          props["population"].get<std::int64_t>() > core::kMaxPopulation) {
        return fail(ErrorCode::kParse, ptr + "/properties/population: not a population, a whole number from 0 to 10,000,000,000");
      }
      p.population = props["population"].get<std::int64_t>();
    } else if (need_population) {
      return fail(ErrorCode::kParse, ptr + "/properties/population: missing (null when no source gives a count)");
    } else {
      p.population_known = false;
    }
    p.origin = ptr;
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<Place>> read_places(const std::string& path, bool need_population) {
  std::vector<Place> out;
  if (ends_with(path, ".geojson") || ends_with(path, ".json")) {
    CORRIDOR_TRY(out, read_geojson_places(path, need_population));
  } else if (ends_with(path, ".csv")) {
    CORRIDOR_TRY(out, read_csv_places(path, need_population));
  } else {
    CORRIDOR_TRY(out, read_osm_places(path));
  }
  if (out.empty()) return fail(ErrorCode::kEmpty, path + ": holds no place");
  return out;
}

Result<std::vector<Place>> places_argument(const std::string& text, const std::string& option,
                                           bool need_population) {
  struct stat st {};
  if (::stat(text.c_str(), &st) == 0) return read_places(text, need_population);
  return places_from_list(text, option);
}

Result<std::vector<Place>> places_from_list(const std::string& text, const std::string& option) {
  std::vector<Place> out;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ';')) {
    auto p = core::parse_lat_lon(part, option);
    if (!p) {
      return fail(ErrorCode::kInvalidArgument,
                  option + ": '" + text + "' is neither a file nor a list LAT,LON;LAT,LON...");
    }
    Place place;
    // "--sources" (an option) or "/sources" (a JSON pointer): the ids are sources1, sources2, ...
    const auto name_at = std::min(option.find_first_not_of("-/"), option.size());
    place.id = option.substr(name_at) + std::to_string(out.size() + 1);
    place.name = part;
    place.names = {part};
    place.point = *p;
    place.origin = option;
    out.push_back(std::move(place));
  }
  if (out.empty()) return fail(ErrorCode::kInvalidArgument, option + ": empty");
  return out;
}

Result<std::vector<Place>> read_osm_places(const std::string& path) {
  CORRIDOR_TRY(auto osm, net::read_osm_places(path));
  std::vector<Place> out;
  for (auto& o : osm) {
    Place p;
    p.id = "node/" + std::to_string(o.osm_id);
    p.name = o.names.empty() ? p.id : o.names.front();
    p.names = o.names.empty() ? std::vector<std::string>{p.id} : o.names;
    p.point = o.point;
    p.population = o.population;
    p.origin = path + " node " + std::to_string(o.osm_id);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace corridor::access
