// corridor::net — the motor-vehicle profile: which OSM ways a truck may use, in which direction, at
// what speed. Pure functions over tags, so they are tested without any file.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "net/builder.h"
#include "net/graph.h"

namespace corridor::net {

struct Profile {
  bool ferries = false;  // ferries are excluded unless asked for
};

struct WayDecision {
  RoadClass road_class;
  Oneway oneway;
  double speed_kmh;
  std::uint8_t flags;  // segment_flags::kBridge / kTunnel
};

// Looks a tag up by key; returns nullptr when the way has no such tag.
using TagLookup = std::function<const char*(const char* key)>;

// The documented default speed of a class (docs/formats.md, "Profile").
[[nodiscard]] double default_speed_kmh(RoadClass c);
// "50", "50 km/h", "30 mph", "none", "signals", "RU:urban" ...: a number in km/h or nothing.
[[nodiscard]] std::optional<double> parse_maxspeed(std::string_view text);
// nullopt when a motor vehicle may not use the way at all.
[[nodiscard]] std::optional<WayDecision> decide_way(const TagLookup& tag, const Profile& profile);
[[nodiscard]] Barrier decide_barrier(const char* barrier_value);

}  // namespace corridor::net
