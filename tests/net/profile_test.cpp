#include <gtest/gtest.h>

#include <map>

#include "net/profile.h"

namespace corridor::net {
namespace {

std::optional<WayDecision> decide(std::map<std::string, std::string> tags, Profile p = {}) {
  return decide_way(
      [&](const char* k) -> const char* {
        auto it = tags.find(k);
        return it == tags.end() ? nullptr : it->second.c_str();
      },
      p);
}

TEST(Profile, KeepsRoadsAndDropsWhatATruckCannotUse) {
  EXPECT_TRUE(decide({{"highway", "primary"}}));
  EXPECT_FALSE(decide({{"highway", "footway"}}));
  EXPECT_FALSE(decide({{"highway", "construction"}}));
  EXPECT_FALSE(decide({{"building", "yes"}}));
  EXPECT_FALSE(decide({{"highway", "primary"}, {"access", "no"}}));
  EXPECT_FALSE(decide({{"highway", "service"}, {"access", "private"}}));
  EXPECT_FALSE(decide({{"highway", "primary"}, {"motor_vehicle", "no"}}));
  // The more specific tag wins.
  EXPECT_TRUE(decide({{"highway", "primary"}, {"access", "no"}, {"motor_vehicle", "yes"}}));
  EXPECT_FALSE(decide({{"highway", "primary"}, {"access", "yes"}, {"motor_vehicle", "private"}}));
  EXPECT_FALSE(decide({{"highway", "residential"}, {"area", "yes"}}));
}

TEST(Profile, FerriesOnlyWhenAsked) {
  EXPECT_FALSE(decide({{"route", "ferry"}}));
  const auto f = decide({{"route", "ferry"}}, Profile{true});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->road_class, RoadClass::kFerry);
}

TEST(Profile, OnewayRules) {
  EXPECT_EQ(decide({{"highway", "primary"}})->oneway, Oneway::kNo);
  EXPECT_EQ(decide({{"highway", "primary"}, {"oneway", "yes"}})->oneway, Oneway::kForward);
  EXPECT_EQ(decide({{"highway", "primary"}, {"oneway", "1"}})->oneway, Oneway::kForward);
  EXPECT_EQ(decide({{"highway", "primary"}, {"oneway", "-1"}})->oneway, Oneway::kBackward);
  EXPECT_EQ(decide({{"highway", "motorway"}})->oneway, Oneway::kForward);
  EXPECT_EQ(decide({{"highway", "motorway_link"}})->oneway, Oneway::kForward);
  EXPECT_EQ(decide({{"highway", "motorway"}, {"oneway", "no"}})->oneway, Oneway::kNo);
  EXPECT_EQ(decide({{"highway", "tertiary"}, {"junction", "roundabout"}})->oneway, Oneway::kForward);
  EXPECT_FALSE(decide({{"highway", "primary"}, {"oneway", "reversible"}}));
}

TEST(Profile, SpeedsFromClassAndMaxspeed) {
  EXPECT_EQ(decide({{"highway", "primary"}})->speed_kmh, default_speed_kmh(RoadClass::kPrimary));
  EXPECT_EQ(decide({{"highway", "primary"}, {"maxspeed", "30"}})->speed_kmh, 30);
  EXPECT_NEAR(decide({{"highway", "primary"}, {"maxspeed", "30 mph"}})->speed_kmh, 48.28, 0.01);
  EXPECT_EQ(decide({{"highway", "primary"}, {"maxspeed", "RU:urban"}})->speed_kmh,
            default_speed_kmh(RoadClass::kPrimary));
  EXPECT_FALSE(parse_maxspeed("none"));
  EXPECT_FALSE(parse_maxspeed("-5"));
  EXPECT_FALSE(parse_maxspeed("50 furlongs"));
  EXPECT_EQ(*parse_maxspeed("50 km/h"), 50);
}

TEST(Profile, BarriersAndFlags) {
  EXPECT_EQ(decide_barrier("border_control"), Barrier::kBorderControl);
  EXPECT_EQ(decide_barrier("gate"), Barrier::kGate);
  EXPECT_EQ(decide_barrier("bollard"), Barrier::kNone);
  EXPECT_EQ(decide_barrier(nullptr), Barrier::kNone);
  EXPECT_EQ(decide({{"highway", "primary"}, {"bridge", "yes"}})->flags, segment_flags::kBridge);
  EXPECT_EQ(decide({{"highway", "primary"}, {"tunnel", "yes"}})->flags, segment_flags::kTunnel);
  EXPECT_EQ(decide({{"highway", "primary"}, {"bridge", "no"}})->flags, 0);
}

}  // namespace
}  // namespace corridor::net
