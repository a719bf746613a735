// Scenario tests draw small road maps in ASCII, as Valhalla's gurka tests do: letters are nodes placed
// on a grid, the lines between them are for the reader, and the ways are listed beside the drawing as
// strings of node letters with OSM-style tags. The map goes through the same profile and builder as
// a real import.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "net/graph.h"

namespace corridor::testing {

using Tags = std::map<std::string, std::string>;

struct AsciiWay {
  std::string nodes;  // e.g. "ABC"
  Tags tags;          // e.g. {{"highway", "primary"}, {"oneway", "yes"}}
};

struct AsciiMap {
  std::map<char, core::LatLon> points;
  std::map<char, std::int64_t> osm_ids;  // 'A' -> 1, 'B' -> 2 ...
  net::Graph graph;

  [[nodiscard]] core::NodeId node(char c) const;  // fails the test when c is not a junction
  [[nodiscard]] core::LatLon at(char c) const { return points.at(c); }
};

// Way i (0-based) gets OSM way id i + 1 unless its tags carry "@id". One grid cell is `cell_m` metres.
AsciiMap build_ascii_map(std::string_view layout, const std::vector<AsciiWay>& ways, double cell_m = 100);

// "lat,lon" of a point a fraction of the way from a to b.
std::string between(const AsciiMap& m, char a, char b, double t = 0.5);

}  // namespace corridor::testing
