// Supply figures on a fixture small enough to check by hand: two settlements, three deliveries.
// The expected numbers are worked out in the comments, not copied from a run.
#include <gtest/gtest.h>

#include "supply/supply.h"

namespace corridor::supply {
namespace {

const std::string kDir = std::string(CORRIDOR_TESTS_DIR) + "/supply/fixture/";

TEST(Supply, CommoditiesByIdAndHsPrefix) {
  auto t = read_commodities(kDir + "commodities.csv");
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_NE(t->find("oil"), nullptr);
  EXPECT_EQ(t->find("oil")->kcal_per_kg, 8840);
  EXPECT_EQ(t->by_hs("110100")->id, "wheat_flour");
  EXPECT_EQ(t->by_hs("151211")->id, "oil");
  EXPECT_EQ(t->by_hs("0713"), nullptr);
}

TEST(Supply, NeedsWithGroupsAndItems) {
  auto p = read_needs(kDir + "needs.toml");
  ASSERT_TRUE(p) << p.error().message;
  // 500 people of whom 100 children: 100 × 1,700 + 400 × 2,100 = 1,010,000 kcal; water 100 × 10 + 400 × 15.
  auto d = daily_need(*p, {500, {{"children", 100}}}, "B");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_DOUBLE_EQ(d->kcal, 1010000);
  EXPECT_DOUBLE_EQ(d->water_l, 7000);
  ASSERT_EQ(d->items.size(), 1u);
  EXPECT_DOUBLE_EQ(d->items[0].second, 1.0 * 500 / 10000 / 30);
  EXPECT_FALSE(daily_need(*p, {50, {{"children", 100}}}, "B"));
  auto unknown = daily_need(*p, {50, {{"elderly", 10}}}, "B");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("elderly"), std::string::npos);
}

TEST(Supply, TwoSettlementsThreeDeliveriesByHand) {
  auto t = read_commodities(kDir + "commodities.csv");
  ASSERT_TRUE(t);
  const Commodity& flour = *t->find("wheat_flour");
  const Commodity& oil = *t->find("oil");

  // A: 1,000 people × 2,100 = 2.1 Mkcal/day. Opening 2 t flour (7.0 Mkcal) on day 0; deliveries
  // 1 t flour on day 1 (3.5 Mkcal) and 0.5 t oil on day 3 (4.42 Mkcal).
  Account a(2'100'000);
  a.add({0, FlowKind::kOpening, kcal_of(2000, flour), "opening"});
  a.add({1, FlowKind::kDelivery, kcal_of(1000, flour), "c1"});
  a.add({3, FlowKind::kDelivery, kcal_of(500, oil), "c2"});
  const auto da = a.run(0, 5);
  ASSERT_EQ(da.size(), 6u);
  // Stock at the end of each day: 4.9, 6.3, 4.2, 6.52, 4.42, 2.32 Mkcal.
  const double stock_a[] = {4.9e6, 6.3e6, 4.2e6, 6.52e6, 4.42e6, 2.32e6};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(da[i].stock_kcal, stock_a[i], 1e-3) << "day " << i;
  EXPECT_NEAR(da[1].coverage, 3.5 / 2.1, 1e-12);
  EXPECT_NEAR(da[3].coverage, 4.42 / 2.1, 1e-12);
  EXPECT_EQ(da[2].coverage, 0);
  EXPECT_NEAR(da[4].days_of_supply, 4.42 / 2.1, 1e-12);
  // Day 4, trailing window of 7 days holds days 0–4: mean delivery 7.92 / 5 = 1.584 Mkcal/day, net
  // draw 0.516, 4.42 / 0.516 = 8.57 days: runs out on day 4 + 8.
  ASSERT_TRUE(da[4].runs_out);
  EXPECT_EQ(*da[4].runs_out, 12);
  const PeriodFigures pa = period(da);
  EXPECT_NEAR(pa.need_kcal, 12.6e6, 1e-3);
  EXPECT_NEAR(pa.delivered_kcal, 7.92e6, 1e-3);
  EXPECT_NEAR(pa.coverage, 7.92 / 12.6, 1e-12);
  EXPECT_EQ(pa.days_short, 0);

  // B: 1.01 Mkcal/day (see above). Opening 1 t flour (3.5 Mkcal); 0.2 t oil on day 2 (1.768 Mkcal).
  Account b(1'010'000);
  b.add({0, FlowKind::kOpening, kcal_of(1000, flour), "opening"});
  b.add({2, FlowKind::kDelivery, kcal_of(200, oil), "c3"});
  const auto db = b.run(0, 5);
  // 2.49, 1.48, 2.238, 1.228, 0.218, then day 5 eats the last 0.218 and is 0.792 short.
  const double stock_b[] = {2.49e6, 1.48e6, 2.238e6, 1.228e6, 0.218e6, 0};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(db[i].stock_kcal, stock_b[i], 1e-3) << "day " << i;
  EXPECT_NEAR(db[5].shortfall_kcal, 0.792e6, 1e-3);
  EXPECT_EQ(db[5].days_of_supply, 0);
  // Day 4: mean delivery 1.768 / 5 = 0.3536, draw 0.6564, 0.218 / 0.6564 = 0.33: runs out that day.
  EXPECT_EQ(*db[4].runs_out, 4);
  const PeriodFigures pb = period(db);
  EXPECT_NEAR(pb.coverage, 1.768 / 6.06, 1e-12);
  EXPECT_EQ(pb.days_short, 1);
  EXPECT_NEAR(pb.shortfall_kcal, 0.792e6, 1e-3);
}

TEST(Supply, ReportedCountReplacesTheStock) {
  Account a(1000);
  a.add({0, FlowKind::kOpening, 5000, "opening"});
  a.add({2, FlowKind::kCount, 800, "count"});     // found 800 at the start of day 2, not 3000
  a.add({2, FlowKind::kDelivery, 500, "c"});
  const auto d = a.run(0, 3);
  EXPECT_DOUBLE_EQ(d[1].stock_kcal, 3000);
  EXPECT_DOUBLE_EQ(d[2].stock_kcal, 300);  // 800 + 500 − 1000
  EXPECT_DOUBLE_EQ(d[3].stock_kcal, 0);
  EXPECT_DOUBLE_EQ(d[3].shortfall_kcal, 700);
}

TEST(Supply, DeliveriesThatKeepUpNeverRunOut) {
  Account a(1000);
  for (Day d = 0; d < 10; ++d) a.add({d, FlowKind::kDelivery, 1000, "daily"});
  const auto d = a.run(0, 9);
  EXPECT_FALSE(d.back().runs_out);
  const auto p = project(d.back(), 1000, 400, 5);
  // No stock left, 400 a day arrives: each projected day is 600 short.
  EXPECT_DOUBLE_EQ(p.back().shortfall_kcal, 600);
  EXPECT_EQ(*p.back().runs_out, p.back().day);
}

TEST(Supply, BadFilesNameTheLine) {
  auto p = parse_needs("[needs]\nsource = \"x\"\nkcal_per_person_day = \"a lot\"\n", "n.toml");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("n.toml:3"), std::string::npos) << p.error().message;
  auto q = parse_needs("[needs]\nsource = \"x\"\nkcal = 2100\n", "n.toml");
  ASSERT_FALSE(q);
  EXPECT_NE(q.error().message.find("unknown field 'kcal'"), std::string::npos) << q.error().message;
  EXPECT_EQ(parse_day("2023-02-30", "x").has_value(), false);
  EXPECT_EQ(day_text(*parse_day("2023-09-24", "x")), "2023-09-24");
}

}  // namespace
}  // namespace corridor::supply
