// GET /v1/route writes its JSON as text (query::route_json_text) rather than through a document:
// the text must be exactly the value the document gives, for every coordinate — negative, zero, on
// the antimeridian, rounding up across a degree — and for names that need escaping.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "query/query.h"

namespace corridor::query {
namespace {

Json expected(const route::Route& r, const Network& n) {
  Json j = route_json(r);
  j["closures"] = closures_json(n);
  return j;
}

TEST(RouteText, IsTheSameValueAsTheDocument) {
  Network n;
  route::Route r;
  r.distance_m = 1234.5678;
  r.duration_s = 98.7;
  r.roads = {"Avenue \"Princesse\" Grace", "Лачинский коридор", "Laçın dəhlizi", "back\\slash"};
  r.way_ids = {1, 4230009, 9007199254740993};
  r.geometry = {{43.7384, 7.4246},         {-33.8688197, 151.2092955}, {0, 0},
                {-0.00000004, 0.00000004}, {89.99999996, -179.99999996}, {39.59640004999, 46.54159995},
                {-12.5, -180},             {1e-7, -1e-7}};
  r.snapped_m = {0.5, 12.25, 3};
  const std::string text = route_json_text(r, n);
  const Json parsed = Json::parse(text);
  EXPECT_EQ(parsed, expected(r, n)) << text;
  // And as text, member for member (the key order is the document's).
  EXPECT_EQ(parsed.dump(), expected(r, n).dump());
  // Two waypoints: no snapped_via.
  r.snapped_m = {1, 2};
  EXPECT_EQ(Json::parse(route_json_text(r, n)), expected(r, n));
  EXPECT_FALSE(Json::parse(route_json_text(r, n)).contains("snapped_via"));
}

TEST(RouteText, CoordinatesAreWrittenAtSevenDecimals) {
  Network n;
  route::Route r;
  r.geometry = {{43.73829307255862, 7.424531695708359}, {-1.00000005, 2.99999999}};
  r.snapped_m = {0, 0};
  const std::string text = route_json_text(r, n);
  EXPECT_NE(text.find("[7.4245317,43.7382931]"), std::string::npos) << text;
  EXPECT_NE(text.find("[3.0,-1.0000001]"), std::string::npos) << text;
}

}  // namespace
}  // namespace corridor::query
