#include "net/closures.h"

#include <algorithm>
#include <unordered_map>
#include <cctype>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/input.h"
#include "core/suggest.h"

namespace corridor::net {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

const char* kGrammar =
    "expected way:ID, name:TEXT, ref:TEXT, node:ID, bbox:S,W,N,E or polygon:FILE.geojson, "
    "optionally followed by @forward or @backward and [FROM,UNTIL)";

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

Result<core::Polygon> ring_polygon(const nlohmann::json& rings, const std::string& where) {
  core::Polygon poly;
  if (!rings.is_array() || rings.empty()) return fail(ErrorCode::kParse, where + ": a polygon needs rings");
  for (std::size_t r = 0; r < rings.size(); ++r) {
    const auto& ring = rings[r];
    if (!ring.is_array() || ring.size() < 4) {
      return fail(ErrorCode::kParse, where + "/" + std::to_string(r) + ": a ring needs at least four positions");
    }
    std::vector<LatLon> pts;
    for (std::size_t i = 0; i < ring.size(); ++i) {
      const auto& pos = ring[i];
      if (!pos.is_array() || pos.size() < 2 || !pos[0].is_number() || !pos[1].is_number()) {
        return fail(ErrorCode::kParse, where + "/" + std::to_string(r) + "/" + std::to_string(i) +
                                           ": a position is [longitude, latitude]");
      }
      const LatLon p{pos[1].get<double>(), pos[0].get<double>()};
      if (!core::valid_lat_lon(p)) {
        return fail(ErrorCode::kParse, where + "/" + std::to_string(r) + "/" + std::to_string(i) +
                                           ": position out of range");
      }
      pts.push_back(p);
    }
    poly.rings.push_back(std::move(pts));
  }
  return poly;
}

Result<void> collect_polygons(const nlohmann::json& j, const std::string& where,
                              std::vector<core::Polygon>& out) {
  if (!j.is_object()) return fail(ErrorCode::kParse, where + ": expected a GeoJSON object");
  const auto t = j.find("type");
  const std::string type = t != j.end() && t->is_string() ? t->get<std::string>() : std::string();
  if (type == "FeatureCollection") {
    if (!j.contains("features") || !j["features"].is_array()) {
      return fail(ErrorCode::kParse, where + "/features: missing or not an array");
    }
    for (std::size_t i = 0; i < j["features"].size(); ++i) {
      CORRIDOR_CHECK(collect_polygons(j["features"][i], where + "/features/" + std::to_string(i), out));
    }
    return {};
  }
  if (type == "Feature") {
    if (!j.contains("geometry")) return fail(ErrorCode::kParse, where + "/geometry: missing");
    return collect_polygons(j["geometry"], where + "/geometry", out);
  }
  if (type == "Polygon") {
    CORRIDOR_TRY(auto p, ring_polygon(j.contains("coordinates") ? j["coordinates"] : nlohmann::json(),
                                      where + "/coordinates"));
    out.push_back(std::move(p));
    return {};
  }
  if (type == "MultiPolygon") {
    const auto coords = j.contains("coordinates") ? j["coordinates"] : nlohmann::json();
    if (!coords.is_array()) return fail(ErrorCode::kParse, where + "/coordinates: not an array");
    for (std::size_t i = 0; i < coords.size(); ++i) {
      CORRIDOR_TRY(auto p, ring_polygon(coords[i], where + "/coordinates/" + std::to_string(i)));
      out.push_back(std::move(p));
    }
    return {};
  }
  return fail(ErrorCode::kParse, where + "/type: '" + type + "' is not a Polygon or MultiPolygon");
}

}  // namespace

Result<std::vector<core::Polygon>> load_polygons(const std::string& path) {
  CORRIDOR_TRY(const std::string text, core::read_file_limited(path, "polygon file", core::kMaxTableBytes));
  CORRIDOR_CHECK(core::check_json_text(text, path, core::kMaxTableBytes));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    const auto* pe = dynamic_cast<const nlohmann::json::parse_error*>(&e);
    const std::size_t byte = pe != nullptr ? pe->byte : 0;
    const std::size_t line = static_cast<std::size_t>(
        std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(std::min(byte, text.size())), '\n')) + 1;
    return fail(ErrorCode::kParse, path + ":" + std::to_string(line) + ": not valid JSON: " + e.what());
  }
  std::vector<core::Polygon> out;
  CORRIDOR_CHECK(collect_polygons(j, path + ": ", out));
  if (out.empty()) return fail(ErrorCode::kEmpty, path + ": holds no polygon");
  return out;
}

Result<ClosureSpec> parse_closure_spec(std::string_view text) {
  ClosureSpec spec;
  spec.text = std::string(text);
  auto bad = [&](const std::string& why) {
    return fail(ErrorCode::kInvalidArgument, "closure '" + spec.text + "': " + why);
  };
  std::string_view rest = text;
  // A window closed with ']' (as a closed interval would be written) is a mistake, not a name.
  if (!rest.empty() && rest.back() == ']') {
    const auto open = rest.rfind('[');
    if (open != std::string_view::npos && rest.substr(open).find(',') != std::string_view::npos) {
      return bad("a time window ends with ')': it is half-open, [FROM,UNTIL) — the closure holds from FROM up to, "
                 "not including, UNTIL");
    }
  }
  // Time window: a trailing [FROM,UNTIL).
  if (!rest.empty() && rest.back() == ')') {
    const auto open = rest.rfind('[');
    if (open == std::string_view::npos) return bad("a time window is [FROM,UNTIL)");
    const std::string_view window = rest.substr(open + 1, rest.size() - open - 2);
    const auto comma = window.find(',');
    if (comma == std::string_view::npos) return bad("a time window is [FROM,UNTIL)");
    const std::string_view a = trim(window.substr(0, comma)), b = trim(window.substr(comma + 1));
    if (!a.empty()) {
      CORRIDOR_TRY(spec.from, core::parse_iso8601(a, "closure '" + spec.text + "' start"));
    }
    if (!b.empty()) {
      CORRIDOR_TRY(spec.until, core::parse_iso8601(b, "closure '" + spec.text + "' end"));
    }
    if (spec.from && spec.until && *spec.until <= *spec.from) return bad("the window ends before it starts");
    rest = rest.substr(0, open);
  }
  if (rest.ends_with("@forward")) {
    spec.direction = ClosureDirection::kForward;
    rest.remove_suffix(8);
  } else if (rest.ends_with("@backward")) {
    spec.direction = ClosureDirection::kBackward;
    rest.remove_suffix(9);
  } else if (const auto at = rest.rfind('@'); at != std::string_view::npos && rest.find(':') < at &&
                                               rest.substr(0, 8) != "polygon:") {
    // A name may hold '@' ("Café @ Bridge"), but not end in '@word': that is a direction mistyped.
    const std::string_view word = rest.substr(at + 1);
    const bool looks_like_direction = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    });
    if (rest.substr(0, 5) != "name:" || looks_like_direction) {
      return bad("unknown direction '" + std::string(rest.substr(at)) + "' (use @forward or @backward)");
    }
  }
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos) return bad(kGrammar);
  const std::string_view kind = rest.substr(0, colon);
  const std::string_view value = rest.substr(colon + 1);
  spec.value = std::string(value);
  if (value.empty()) return bad("nothing after '" + std::string(kind) + ":'");
  if (kind == "way") {
    spec.kind = ClosureKind::kWay;
    spec.id = parse_int(value);  // a non-numeric value names a GeoJSON road's string id
  } else if (kind == "name") {
    spec.kind = ClosureKind::kName;
  } else if (kind == "ref") {
    spec.kind = ClosureKind::kRef;
  } else if (kind == "node") {
    spec.kind = ClosureKind::kNode;
    spec.id = parse_int(value);
    if (!spec.id) return bad("node id '" + spec.value + "' is not an integer");
    if (spec.direction != ClosureDirection::kBoth) return bad("a node has no direction");
  } else if (kind == "bbox") {
    spec.kind = ClosureKind::kBBox;
    double v[4];
    std::string_view s = value;
    for (int i = 0; i < 4; ++i) {
      const auto comma = s.find(',');
      const std::string_view part = trim(s.substr(0, comma));
      const auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v[i]);
      if (part.empty() || ec != std::errc() || p != part.data() + part.size() ||
          (i < 3 && comma == std::string_view::npos) || (i == 3 && comma != std::string_view::npos)) {
        return bad("a box is bbox:SOUTH,WEST,NORTH,EAST in decimal degrees");
      }
      s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
    }
    core::BBox box{v[0], v[1], v[2], v[3]};
    if (!core::valid_lat_lon({v[0], v[1]}) || !core::valid_lat_lon({v[2], v[3]})) {
      return bad("box corner out of range");
    }
    if (box.south > box.north || box.west > box.east) {
      return bad("box has south above north or west east of east (order is S,W,N,E)");
    }
    spec.polygons.push_back(core::polygon_from_bbox(box));
  } else if (kind == "polygon") {
    spec.kind = ClosureKind::kPolygon;
    auto polys = load_polygons(spec.value);
    if (!polys) return fail(polys.error().code, "closure '" + spec.text + "': " + polys.error().message);
    spec.polygons = std::move(*polys);
  } else {
    return bad("unknown kind '" + std::string(kind) + "'" +
               core::did_you_mean(std::string(kind), {"way", "name", "ref", "node", "bbox", "polygon"}) + "; " + kGrammar);
  }
  return spec;
}

bool ClosureOverlay::any() const {
  return std::any_of(bits_.begin(), bits_.end(), [](std::uint64_t w) { return w != 0; });
}

namespace {

bool ref_matches(std::string_view refs, const std::string& want) {
  if (refs.empty()) return false;
  const auto parts = ref_parts(refs);
  return std::find(parts.begin(), parts.end(), want) != parts.end();
}

bool segment_touches(const Graph& g, SegmentId s, const std::vector<core::Polygon>& polys,
                     const std::vector<core::BBox>& boxes) {
  const std::uint32_t points = g.point_count(s);
  core::BBox sb;
  for (std::uint32_t k = 0; k < points; ++k) sb.extend(g.point(s, k).to_double());
  for (std::size_t k = 0; k < polys.size(); ++k) {
    const auto& b = boxes[k];
    if (sb.north < b.south || sb.south > b.north || sb.east < b.west || sb.west > b.east) continue;
    for (std::uint32_t i = 0; i + 1 < points; ++i) {
      if (polys[k].touches_segment(g.point(s, i).to_double(), g.point(s, i + 1).to_double())) return true;
    }
  }
  return false;
}

// Appends the segments the snapping grid lists in the cells a box overlaps (with repeats): every
// segment with a piece that touches the box is among them, since the grid lists a segment in every
// cell its pieces' bounding boxes overlap, by the same cell arithmetic (GridGeometry).
void append_segments_near(const Graph& g, const core::BBox& b, std::vector<std::uint32_t>& out) {
  const auto& a = g.arrays();
  const GridGeometry grid(a.grid_meta);
  for (std::uint32_t r = grid.row(b.south), r1 = grid.row(b.north); r <= r1; ++r) {
    for (std::uint32_t c = grid.col(b.west), c1 = grid.col(b.east); c <= c1; ++c) {
      const std::size_t cell = grid.cell(r, c);
      out.insert(out.end(), a.grid_items.begin() + a.grid_first[cell], a.grid_items.begin() + a.grid_first[cell + 1]);
    }
  }
}

}  // namespace

Result<ClosureOverlay> apply_closures(const Graph& g, const std::vector<ClosureSpec>& specs,
                                      core::UnixSeconds at) {
  ClosureOverlay overlay(g.edge_count());
  // The segments of every way, name and ref spec: from the graph's way index when it has one (a
  // server builds it once: binary searches per request); otherwise from one pass over the segments
  // for all the specs together (each name lowercased once) — cheaper for a one-off command than
  // building the index. A way spec matches a segment by its
  // string key, or, for a segment without one, by its OSM way id.
  std::vector<std::vector<SegmentId>> found(specs.size());
  std::unordered_map<std::int64_t, std::vector<std::size_t>> by_way;
  std::unordered_map<std::string_view, std::vector<std::size_t>> by_key;
  std::unordered_map<std::string, std::vector<std::size_t>> by_name;
  std::vector<std::pair<std::size_t, std::string>> by_ref;
  const bool indexed = g.has_way_index();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const ClosureSpec& spec = specs[i];
    if (spec.kind == ClosureKind::kWay && indexed) {
      const Graph::WayIndex& index = g.way_index();
      auto first_is = [](const auto& a, const auto& b) { return a.first < b.first; };
      if (spec.id) {
        const auto range = std::equal_range(index.by_way.begin(), index.by_way.end(),
                                            std::pair<std::int64_t, std::uint32_t>{*spec.id, 0}, first_is);
        for (auto it = range.first; it != range.second; ++it) found[i].push_back(SegmentId(it->second));
      }
      const auto range = std::equal_range(index.by_key.begin(), index.by_key.end(),
                                          std::pair<std::string_view, std::uint32_t>{spec.value, 0}, first_is);
      for (auto it = range.first; it != range.second; ++it) found[i].push_back(SegmentId(it->second));
      std::sort(found[i].begin(), found[i].end(), [](SegmentId a, SegmentId b) { return a.value < b.value; });
    } else if ((spec.kind == ClosureKind::kName || spec.kind == ClosureKind::kRef) && indexed) {
      const Graph::WayIndex& index = g.way_index();
      const auto& list = spec.kind == ClosureKind::kName ? index.by_name : index.by_ref;
      const auto range = std::equal_range(list.begin(), list.end(), std::pair<std::string, std::uint32_t>{fold_case(spec.value), 0},
                                          [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto it = range.first; it != range.second; ++it) found[i].push_back(SegmentId(it->second));
    } else if (spec.kind == ClosureKind::kWay) {
      if (spec.id) by_way[*spec.id].push_back(i);
      by_key[spec.value].push_back(i);
    } else if (spec.kind == ClosureKind::kName) {
      by_name[fold_case(spec.value)].push_back(i);
    } else if (spec.kind == ClosureKind::kRef) {
      by_ref.emplace_back(i, fold_case(spec.value));
    }
  }
  if (!by_way.empty() || !by_key.empty() || !by_name.empty() || !by_ref.empty()) {
    for (std::uint32_t s = 0; s < g.segment_count(); ++s) {
      const SegmentId sid(s);
      if (!by_key.empty()) {
        const std::string_view key = g.key(sid);
        if (!key.empty()) {
          if (const auto it = by_key.find(key); it != by_key.end()) {
            for (std::size_t i : it->second) found[i].push_back(sid);
          }
        } else if (!by_way.empty()) {
          if (const auto it = by_way.find(g.segment(sid).way_id); it != by_way.end()) {
            for (std::size_t i : it->second) found[i].push_back(sid);
          }
        }
      }
      if (!by_name.empty() && !g.name(sid).empty()) {
        if (const auto it = by_name.find(fold_case(g.name(sid))); it != by_name.end()) {
          for (std::size_t i : it->second) found[i].push_back(sid);
        }
      }
      for (const auto& [i, want] : by_ref) {
        if (ref_matches(g.ref(sid), want)) found[i].push_back(sid);
      }
    }
  }
  for (std::size_t spec_index = 0; spec_index < specs.size(); ++spec_index) {
    const ClosureSpec& spec = specs[spec_index];
    ClosureOverlay::Applied applied;
    applied.active = spec.active_at(at);
    std::vector<SegmentId> segments;
    bool matched = false;
    switch (spec.kind) {
      case ClosureKind::kWay:
      case ClosureKind::kName:
      case ClosureKind::kRef:
        segments = std::move(found[spec_index]);
        matched = !segments.empty();
        break;
      case ClosureKind::kBBox:
      case ClosureKind::kPolygon: {
        // Candidates from the snapping grid's cells under each polygon's box, then the exact test.
        std::vector<core::BBox> boxes;
        for (const auto& p : spec.polygons) boxes.push_back(p.bbox());
        std::vector<std::uint32_t> candidates;
        for (const auto& b : boxes) append_segments_near(g, b, candidates);
        std::sort(candidates.begin(), candidates.end());
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
        for (const std::uint32_t s : candidates) {
          if (segment_touches(g, SegmentId(s), spec.polygons, boxes)) segments.push_back(SegmentId(s));
        }
        matched = !segments.empty();
        break;
      }
      case ClosureKind::kNode: {
        // The node's edges in and out (in: one pass over the heads, which a one-off command pays
        // less for than building the backward CSR), and the segments passing through it.
        const auto& a = g.arrays();
        std::vector<std::uint8_t> closed_node;
        for (std::uint32_t v = 0; v < g.node_count(); ++v) {
          if (g.osm_id(NodeId(v)) != *spec.id) continue;
          matched = true;
          if (closed_node.empty()) closed_node.assign(g.node_count(), 0);
          closed_node[v] = 1;
          for (std::uint32_t e = g.first_out(v); e < g.first_out(v + 1); ++e) applied.edges.push_back(EdgeId(e));
        }
        if (!closed_node.empty()) {
          for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
            if (closed_node[a.arcs[e].head] != 0) applied.edges.push_back(EdgeId(e));
          }
        }
        for (std::uint32_t s = 0; s < g.segment_count(); ++s) {
          const auto b = a.interior_osm_id.begin() + a.segment_first_interior[s];
          const auto e = a.interior_osm_id.begin() + a.segment_first_interior[s + 1];
          if (std::find(b, e, *spec.id) != e) {
            segments.push_back(SegmentId(s));
            matched = true;
          }
        }
        break;
      }
    }
    if (!matched) {
      return fail(ErrorCode::kNotFound, "closure '" + spec.text + "' matches no road in " +
                                            std::string(g.source().empty() ? "the graph" : g.source()));
    }
    for (const SegmentId s : segments) {
      if (spec.direction != ClosureDirection::kBackward) {
        if (auto e = g.segment_edge(s, false)) applied.edges.push_back(*e);
      }
      if (spec.direction != ClosureDirection::kForward) {
        if (auto e = g.segment_edge(s, true)) applied.edges.push_back(*e);
      }
    }
    if (applied.active) {
      for (const EdgeId e : applied.edges) overlay.close(e);
    }
    overlay.applied.push_back(std::move(applied));
  }
  return overlay;
}

}  // namespace corridor::net
