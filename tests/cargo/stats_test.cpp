#include <gtest/gtest.h>

#include "cargo/stats.h"

namespace corridor::cargo {
namespace {

const std::string kDecl = R"({"declaration":{"sender":"icrc","receiver":"local","checkpoint":"cp",
  "vehicles":[{"plate":"1"},{"plate":"2"}],
  "items":[{"description":"flour","category":"food","net_kg":20000},{"description":"diesel","category":"fuel","net_kg":6000}]},
  "checkpoint_operator":"customs","approvals_required":["customs"],
  "decision":{"reasons":[{"rule":"G-FUEL"}]}})";

void run(Consignment& c, const std::vector<std::tuple<const char*, std::string, std::string, core::UnixSeconds>>& steps) {
  for (const auto& [type, actor, payload, t] : steps) ASSERT_TRUE(apply(c, {type, actor, t, payload})) << type;
}

// Two consignments whose figures are worked out by hand.
TEST(Stats, FiguresCheckedByHand) {
  const core::UnixSeconds day = *core::parse_iso8601("2023-07-01", "t"), h = 3600;
  std::map<std::string, Consignment> all;
  Consignment& a = all["a"];
  a.id = "a";
  run(a, {{kDeclared, "icrc", kDecl, day}, {kNotified, "icrc", "{}", day + 2 * h}, {kApproved, "customs", "{}", day + 6 * h},
          {kArrived, "icrc", "{}", day + 30 * h}, {kInspected, "customs", R"({"lane":"red"})", day + 31 * h},
          {kTurnedBack, "customs", R"({"items":[{"item":1,"reason":"fuel over the limit"}]})", day + 33 * h},
          {kCrossed, "customs", "{}", day + 34 * h}});
  Consignment& b = all["b"];
  b.id = "b";
  run(b, {{kDeclared, "icrc", kDecl, day}, {kNotified, "icrc", "{}", day + 4 * h}});
  const Stats s = stats(all);
  EXPECT_EQ(s.by_state.at("crossed"), 1u);
  EXPECT_EQ(s.by_state.at("notified"), 1u);
  // declared -> notified: 2 h and 4 h; p50 is the lower (nearest rank), p90 the higher.
  EXPECT_EQ(s.dwell[0].count, 2u);
  EXPECT_DOUBLE_EQ(s.dwell[0].p50_hours, 2);
  EXPECT_DOUBLE_EQ(s.dwell[0].p90_hours, 4);
  EXPECT_DOUBLE_EQ(s.dwell[1].p50_hours, 4);   // notified -> approved for a
  EXPECT_DOUBLE_EQ(s.dwell[4].p50_hours, 2);   // inspected -> cleared (by the partial turn-back)
  // Only the flour crossed: 20 t of food, on the day a crossed, in 2 trucks.
  EXPECT_DOUBLE_EQ(s.tonnes_by_day.at("2023-07-02").at("food"), 20);
  EXPECT_FALSE(s.tonnes_by_day.at("2023-07-02").contains("fuel"));
  EXPECT_EQ(s.trucks_by_day.at("2023-07-02"), 2u);
  EXPECT_EQ(s.rules_cited.at("G-FUEL"), 2u);
  EXPECT_EQ(s.rules_cited_rejected.at("G-FUEL"), 1u);
  EXPECT_EQ(s.rejection_reasons.at("fuel over the limit"), 1u);
  EXPECT_EQ(s.approvals_pending.at("b"), std::vector<std::string>{"customs"});
  EXPECT_TRUE(s.checkpoint_queue.empty());  // a has crossed, b has not arrived
  Consignment& q = all["q"];
  q.id = "q";
  run(q, {{kDeclared, "icrc", kDecl, day}, {kNotified, "icrc", "{}", day}, {kApproved, "customs", "{}", day},
          {kArrived, "icrc", "{}", day + h}});
  EXPECT_EQ(stats(all).checkpoint_queue.at("cp"), std::vector<std::string>{"q"});
}

}  // namespace
}  // namespace corridor::cargo
