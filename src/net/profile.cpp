#include "net/profile.h"

#include <array>
#include <charconv>
#include <cstring>
#include <string>

namespace corridor::net {

namespace {
// km/h by RoadClass order; close to OSRM's car profile, slower where trucks are slower.
constexpr std::array<double, kRoadClassCount> kDefaultSpeed{
    90,  // motorway
    45,  // motorway_link
    80,  // trunk
    40,  // trunk_link
    65,  // primary
    30,  // primary_link
    55,  // secondary
    25,  // secondary_link
    40,  // tertiary
    20,  // tertiary_link
    25,  // unclassified
    25,  // residential
    10,  // living_street
    15,  // service
    10,  // track
    10,  // ferry (used only when no duration tag says otherwise)
};

bool is(const char* v, const char* want) { return v != nullptr && std::strcmp(v, want) == 0; }

bool denies(const char* v) { return is(v, "no") || is(v, "private") || is(v, "agricultural") || is(v, "forestry"); }
bool grants(const char* v) {
  return is(v, "yes") || is(v, "designated") || is(v, "permissive") || is(v, "destination") ||
         is(v, "delivery");
}
}  // namespace

double default_speed_kmh(RoadClass c) { return kDefaultSpeed.at(static_cast<std::size_t>(c)); }

std::optional<double> parse_maxspeed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value <= 0 || value > 300) return std::nullopt;
  std::string_view unit(ptr, static_cast<std::size_t>(text.data() + text.size() - ptr));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  if (unit.empty() || unit == "km/h" || unit == "kmh" || unit == "kph") return value;
  if (unit == "mph") return value * 1.609344;
  if (unit == "knots") return value * 1.852;
  return std::nullopt;
}

std::optional<WayDecision> decide_way(const TagLookup& tag, const Profile& profile) {
  if (is(tag("area"), "yes")) return std::nullopt;
  std::optional<RoadClass> cls;
  if (const char* hw = tag("highway"); hw != nullptr) {
    cls = road_class_from_name(hw);
    if (cls == RoadClass::kFerry) cls.reset();  // "ferry" is not a highway value
  } else if (is(tag("route"), "ferry") && profile.ferries) {
    cls = RoadClass::kFerry;
  }
  if (!cls) return std::nullopt;

  // Most specific access tag wins: motorcar/motor_vehicle over vehicle over access.
  for (const char* key : {"motorcar", "motor_vehicle", "vehicle", "access"}) {
    const char* v = tag(key);
    if (v == nullptr) continue;
    if (denies(v)) return std::nullopt;
    if (grants(v)) break;
  }
  if (is(tag("impassable"), "yes") || is(tag("status"), "impassable")) return std::nullopt;

  WayDecision d{*cls, Oneway::kNo, default_speed_kmh(*cls), 0};
  if (const char* ms = tag("maxspeed"); ms != nullptr) {
    if (auto v = parse_maxspeed(ms)) d.speed_kmh = *v;
  }
  const char* oneway = tag("oneway");
  if (is(oneway, "yes") || is(oneway, "true") || is(oneway, "1")) {
    d.oneway = Oneway::kForward;
  } else if (is(oneway, "-1") || is(oneway, "reverse")) {
    d.oneway = Oneway::kBackward;
  } else if (is(oneway, "reversible") || is(oneway, "alternating")) {
    return std::nullopt;  // direction depends on the hour; a truck cannot plan on it
  } else if (oneway == nullptr || !is(oneway, "no")) {
    const char* junction = tag("junction");
    if (*cls == RoadClass::kMotorway || *cls == RoadClass::kMotorwayLink ||
        is(junction, "roundabout") || is(junction, "circular")) {
      d.oneway = Oneway::kForward;
    }
  }
  if (const char* b = tag("bridge"); b != nullptr && !is(b, "no")) d.flags |= segment_flags::kBridge;
  if (const char* t = tag("tunnel"); t != nullptr && !is(t, "no")) d.flags |= segment_flags::kTunnel;
  return d;
}

Barrier decide_barrier(const char* v) {
  if (v == nullptr || is(v, "no")) return Barrier::kNone;
  if (is(v, "border_control")) return Barrier::kBorderControl;
  if (is(v, "gate")) return Barrier::kGate;
  if (is(v, "lift_gate")) return Barrier::kLiftGate;
  if (is(v, "toll_booth")) return Barrier::kTollBooth;
  // Kerbs, bollards, cattle grids ... are common and say nothing about access control; they are not
  // kept, so that they do not split every road they stand on.
  return Barrier::kNone;
}

}  // namespace corridor::net
