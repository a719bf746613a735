#include <gtest/gtest.h>

#include "scenario/scenario.h"

namespace corridor::scenario {
namespace {

const std::string kCase = std::string(CORRIDOR_DATA_DIR) + "/scenarios/karabakh-2023/scenario.toml";

TEST(Scenario, BundledCaseLoads) {
  auto s = load_scenario(kCase);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_GT(s->area_population(), 0);
}

}  // namespace
}  // namespace corridor::scenario
