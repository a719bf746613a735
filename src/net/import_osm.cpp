// The only file that includes libosmium (its headers are heavy; keep them here).
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/progress.h"
#include "net/import.h"

namespace corridor::net {

using core::ErrorCode;
using core::fail;

namespace {

using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;

struct RoadHandler : public osmium::handler::Handler {
  const Profile& profile;
  GraphBuilder& builder;
  ImportStats& stats;
  std::vector<WayNode> nodes;  // reused for every way

  RoadHandler(const Profile& p, GraphBuilder& b, ImportStats& s) : profile(p), builder(b), stats(s) {}

  void node(const osmium::Node& node) {
    const Barrier b = decide_barrier(node.tags()["barrier"]);
    if (b != Barrier::kNone) {
      builder.add_barrier(node.id(), b);
      ++stats.barriers;
    }
  }

  void way(const osmium::Way& way) {
    ++stats.ways_read;
    const osmium::TagList& tags = way.tags();
    const auto decision = decide_way([&](const char* key) { return tags[key]; }, profile);
    if (!decision) return;
    ++stats.ways_routable;
    WayAttributes in;
    in.way_id = way.id();
    if (const char* n = tags["name"]) in.name = n;
    if (const char* r = tags["ref"]) in.ref = r;
    in.road_class = decision->road_class;
    in.flags = decision->flags;
    in.oneway = decision->oneway;
    in.speed_kmh = decision->speed_kmh;
    // Ways leaving the extract refer to nodes it does not hold: keep each run of located nodes.
    auto flush = [&] {
      if (nodes.size() >= 2) builder.add_way(in, nodes);
      nodes.clear();
    };
    for (const osmium::NodeRef& nr : way.nodes()) {
      const osmium::Location loc = nr.location();
      if (!loc.valid()) {
        flush();
        continue;
      }
      nodes.push_back({nr.ref(), nr.ref(), FixedLatLon{loc.y(), loc.x()}});
    }
    flush();
  }
};

struct PlaceHandler : public osmium::handler::Handler {
  std::vector<OsmPlace> places;

  void node(const osmium::Node& node) {
    const osmium::TagList& tags = node.tags();
    const char* pop = tags["population"];
    if (tags["place"] == nullptr || pop == nullptr || !node.location().valid()) return;
    std::int64_t value = 0;
    bool digits = false;
    for (const char* c = pop; *c != 0; ++c) {
      if (*c >= '0' && *c <= '9') {
        value = value * 10 + (*c - '0');
        digits = true;
        if (value > 10'000'000'000) return;
      } else if (*c != ' ' && *c != ',') {
        return;  // "approx. 5000", "5-6k": not a count
      }
    }
    if (!digits) return;
    OsmPlace p;
    p.osm_id = node.id();
    p.point = {node.location().lat(), node.location().lon()};
    p.population = value;
    if (const char* n = tags["name"]) p.names.emplace_back(n);
    for (const osmium::Tag& t : tags) {
      const std::string_view key = t.key();
      if (key.starts_with("name:") || key == "alt_name" || key == "old_name" || key == "official_name") {
        if (std::find(p.names.begin(), p.names.end(), t.value()) == p.names.end()) p.names.emplace_back(t.value());
      }
    }
    places.push_back(std::move(p));
  }
};

core::Result<void> check_regular_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return fail(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                path + ": cannot read: " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return fail(ErrorCode::kIo, path + ": not a regular file");
  if (st.st_size == 0) return fail(ErrorCode::kParse, path + ": empty file, not OpenStreetMap data");
  return {};
}

}  // namespace

core::Result<std::vector<OsmPlace>> read_osm_places(const std::string& path) {
  CORRIDOR_CHECK(check_regular_file(path));
  PlaceHandler handler;
  try {
    osmium::io::Reader reader(osmium::io::File(path), osmium::osm_entity_bits::node);
    osmium::apply(reader, handler);
    reader.close();
  } catch (const std::exception& e) {
    return fail(ErrorCode::kParse, path + ": not readable as OpenStreetMap data: " + e.what());
  }
  return std::move(handler.places);
}

core::Result<Graph> import_osm(const std::string& path, const Profile& profile, ImportStats* stats) {
  CORRIDOR_CHECK(check_regular_file(path));
  struct stat st {};
  ::stat(path.c_str(), &st);
  ImportStats local;
  ImportStats& s = stats != nullptr ? *stats : local;
  GraphBuilder builder;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    osmium::io::File file(path);
    osmium::io::Reader reader(file, osmium::osm_entity_bits::node | osmium::osm_entity_bits::way);
    Index pos_index;
    Index neg_index;
    osmium::handler::NodeLocationsForWays<Index, Index> locations(pos_index, neg_index);
    locations.ignore_errors();
    RoadHandler handler(profile, builder, s);
    core::Progress progress("import", static_cast<std::uint64_t>(st.st_size));
    while (osmium::memory::Buffer buffer = reader.read()) {
      osmium::apply(buffer, locations, handler);
      progress.update(reader.offset());
    }
    reader.close();
    progress.finish();
  } catch (const std::exception& e) {
    return fail(ErrorCode::kParse, path + ": not readable as OpenStreetMap data: " + e.what());
  }
  const auto t1 = std::chrono::steady_clock::now();
  s.read_seconds = std::chrono::duration<double>(t1 - t0).count();
  auto graph = std::move(builder).build(path);
  s.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  return graph;
}

core::Result<Graph> import_file(const std::string& path, const Profile& profile, ImportStats* stats) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".geojson") || ends_with(".json")) return import_geojson(path, profile, stats);
  return import_osm(path, profile, stats);
}

}  // namespace corridor::net
