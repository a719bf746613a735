#include <gtest/gtest.h>

#include <random>

#include "cargo/lifecycle.h"

namespace corridor::cargo {
namespace {

const std::string kDeclaration = R"({"declaration":{"id":"c-1","sender":"icrc","receiver":"local","checkpoint":"cp",
  "items":[{"description":"flour","net_kg":20000,"quantity":20000},{"description":"insulin","net_kg":50,"quantity":50}]},
  "checkpoint_operator":"customs","approvals_required":["customs","peacekeepers"]})";

Step step(const char* type, const std::string& actor, std::string payload = "{}", core::UnixSeconds t = 0) {
  return Step{type, actor, t, std::move(payload)};
}

TEST(Lifecycle, TheWholeWayFromDeclarationToDelivery) {
  Consignment c;
  c.id = "c-1";
  ASSERT_TRUE(apply(c, step(kDeclared, "icrc", kDeclaration, 100)));
  EXPECT_EQ(c.state, State::kDeclared);
  ASSERT_TRUE(apply(c, step(kNotified, "icrc", "{}", 110)));
  ASSERT_TRUE(apply(c, step(kApproved, "customs", "{}", 120)));
  EXPECT_EQ(c.state, State::kNotified);  // one approval still missing
  ASSERT_TRUE(apply(c, step(kApproved, "peacekeepers", "{}", 130)));
  EXPECT_EQ(c.state, State::kApproved);
  ASSERT_TRUE(apply(c, step(kArrived, "icrc", "{}", 200)));
  ASSERT_TRUE(apply(c, step(kInspected, "customs", R"({"lane":"red","findings":"seal intact"})", 210)));
  ASSERT_TRUE(apply(c, step(kHeld, "customs", R"({"reason":"permit checked by phone"})", 220)));
  ASSERT_TRUE(apply(c, step(kTurnedBack, "customs", R"({"items":[{"item":1,"reason":"no import permit"}]})", 230)));
  EXPECT_EQ(c.state, State::kCleared);  // the rest goes on
  EXPECT_EQ(c.removed, std::set<std::size_t>{1});
  ASSERT_TRUE(apply(c, step(kCrossed, "customs", "{}", 240)));
  auto bad = apply(c, step(kDelivered, "local", R"({"received":[{"item":1,"quantity":50}]})", 300));
  ASSERT_FALSE(bad);  // the insulin never crossed
  ASSERT_TRUE(apply(c, step(kDelivered, "local", R"({"received":[{"item":0,"quantity":19800,"damaged":200}]})", 300)));
  EXPECT_EQ(c.state, State::kDelivered);
  EXPECT_EQ(c.entered.at(State::kDeclared), 100);
  EXPECT_EQ(c.entered.at(State::kDelivered), 300);
  EXPECT_EQ(c.reasons, (std::vector<std::string>{"permit checked by phone", "no import permit"}));
}

TEST(Lifecycle, RefusesSkippedStatesAndWrongParties) {
  Consignment c;
  c.id = "c-1";
  EXPECT_FALSE(apply(c, step(kNotified, "icrc")));  // not declared
  ASSERT_TRUE(apply(c, step(kDeclared, "icrc", kDeclaration)));
  EXPECT_FALSE(apply(c, step(kDeclared, "icrc", kDeclaration)));      // twice
  EXPECT_FALSE(apply(c, step(kArrived, "icrc")));                     // skips approval
  EXPECT_FALSE(apply(c, step(kNotified, "customs")));                 // not the sender
  ASSERT_TRUE(apply(c, step(kNotified, "icrc")));
  EXPECT_FALSE(apply(c, step(kApproved, "wfp")));                     // not an approving party
  ASSERT_TRUE(apply(c, step(kApproved, "customs")));
  EXPECT_FALSE(apply(c, step(kApproved, "customs")));                 // twice
  EXPECT_FALSE(apply(c, step(kRejected, "peacekeepers")));            // without a reason
  ASSERT_TRUE(apply(c, step(kRejected, "peacekeepers", R"({"reason":"route unsafe"})")));
  EXPECT_EQ(c.state, State::kRejected);
  EXPECT_FALSE(apply(c, step(kApproved, "peacekeepers")));            // too late
  Consignment d;
  d.id = "c-2";
  const std::string wrong_sender = R"({"declaration":{"sender":"wfp","items":[{"description":"x"}]}})";
  const auto r = apply(d, step(kDeclared, "icrc", wrong_sender));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("sender is 'wfp'"), std::string::npos);
}

// Random sequences of commands never reach an invalid state, and a refused one changes nothing.
TEST(Lifecycle, RandomCommandSequencesKeepTheMachineSound) {
  const std::vector<const char*> types{kDeclared, kNotified, kApproved, kRejected, kArrived, kInspected,
                                       kHeld,     kCleared,  kTurnedBack, kCrossed, kDelivered};
  const std::vector<std::string> actors{"icrc", "customs", "peacekeepers", "local", "wfp"};
  const std::vector<std::string> payloads{
      "{}", kDeclaration, R"({"reason":"r"})", R"({"lane":"yellow"})", R"({"whole":true,"reason":"r"})",
      R"({"items":[{"item":0,"reason":"r"}]})", R"({"received":[{"item":0,"quantity":1}]})", "[1]", "not json"};
  const std::vector<std::pair<std::string, std::string>> intended{
      {"icrc", kDeclaration},       {"icrc", "{}"},       {"customs", "{}"},
      {"peacekeepers", R"({"reason":"r"})"}, {"icrc", "{}"}, {"customs", R"({"lane":"red"})"},
      {"customs", R"({"reason":"r"})"}, {"customs", "{}"}, {"customs", R"({"items":[{"item":1,"reason":"r"}]})"},
      {"customs", "{}"},            {"local", R"({"received":[{"item":0,"quantity":1}]})"}};
  std::mt19937_64 rng(99);
  int applied = 0, refused = 0;
  std::set<State> reached;
  for (int run = 0; run < 400; ++run) {
    Consignment c;
    c.id = "c";
    for (int k = 0; k < 300; ++k) {
      // Mostly the party and payload each step is meant to have, so that runs get far; otherwise
      // anything at all.
      const std::size_t ti = rng() % types.size();
      const bool plausible = rng() % 10 < 7;
      const std::string who = types[ti] == std::string(kApproved) && rng() % 2 ? "peacekeepers" : intended[ti].first;
      const std::string what = types[ti] == std::string(kTurnedBack) && rng() % 2 ? R"({"whole":true,"reason":"r"})"
                                                                                  : intended[ti].second;
      const Step s = plausible ? step(types[ti], who, what, k)
                               : step(types[ti], actors[rng() % actors.size()], payloads[rng() % payloads.size()], k);
      const Consignment before = c;
      if (!apply(c, s)) {
        ASSERT_EQ(c, before) << "a refused " << s.type << " changed the consignment";
        ++refused;
        continue;
      }
      ++applied;
      reached.insert(c.state);
      // Invariants of every reachable state.
      for (const auto idx : c.removed) ASSERT_LT(idx, c.items.size());
      if (c.state == State::kTurnedBack) {
        ASSERT_EQ(c.removed.size(), c.items.size());
      }
      if (c.state == State::kApproved) {
        ASSERT_TRUE(c.approvals_given == c.approvals_required);
      }
      const std::vector<std::pair<State, State>> needs{
          {State::kNotified, State::kDeclared}, {State::kArrived, State::kApproved},
          {State::kInspected, State::kArrived}, {State::kHeld, State::kInspected},
          {State::kCleared, State::kInspected}, {State::kCrossed, State::kCleared},
          {State::kDelivered, State::kCrossed}, {State::kApproved, State::kDeclared}};
      for (const auto& [later, earlier] : needs) {
        if (c.entered.contains(later)) {
          ASSERT_TRUE(c.entered.contains(earlier)) << state_name(later);
        }
      }
      ASSERT_FALSE(c.entered.contains(State::kRejected) && c.entered.contains(State::kArrived));
    }
  }
  EXPECT_GT(applied, 1000);  // the test explored the machine, not only refusals
  EXPECT_GT(refused, 10000);
  EXPECT_EQ(reached.size(), 11u);  // every state, delivered and turned back included
}

// The regime's reject binds until the operator overrides it or the sender declares anew; steps may
// not be dated before the ones they follow by more than the tolerance.
TEST(Lifecycle, ARejectBindsAndTimeRunsForward) {
  const std::string rejected = R"({"declaration":{"id":"c-1","sender":"icrc","receiver":"local","checkpoint":"cp",
    "items":[{"description":"rifles","net_kg":10,"quantity":1}]},"checkpoint_operator":"customs",
    "approvals_required":[],"decision":{"verdict":"reject","reasons":[{"rule":"G-ARMS"}]}})";
  Consignment c;
  c.id = "c-1";
  ASSERT_TRUE(apply(c, step(kDeclared, "icrc", rejected, 1000)));
  EXPECT_TRUE(c.blocked());
  auto r = apply(c, step(kNotified, "icrc", "{}", 1100));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().rule, "C-BIND");
  EXPECT_EQ(apply(c, step(kOverridden, "icrc", R"({"reason":"r"})", 1100)).error().rule, "C-ROLE");
  EXPECT_EQ(apply(c, step(kOverridden, "customs", "{}", 1100)).error().rule, "L-PAYLOAD");
  // Declared anew (by its sender only), it starts over.
  EXPECT_EQ(apply(c, step(kDeclared, "wfp", rejected, 1100)).error().rule, "C-ROLE");
  ASSERT_TRUE(apply(c, step(kDeclared, "icrc", kDeclaration, 1200)));
  EXPECT_FALSE(c.blocked());
  EXPECT_EQ(c.declarations, 2u);
  // Exactly at the tolerance is accepted; a second earlier is not.
  ASSERT_TRUE(apply(c, step(kNotified, "icrc", "{}", 1200 - kTimeTolerance)));
  EXPECT_EQ(apply(c, step(kApproved, "customs", "{}", 1200 - kTimeTolerance - 1)).error().rule, "L-TIME");
  ASSERT_TRUE(apply(c, step(kApproved, "customs", "{}", 1300)));
  Consignment d;
  d.id = "c-2";
  ASSERT_TRUE(apply(d, step(kDeclared, "icrc", rejected, 1000)));
  ASSERT_TRUE(apply(d, step(kOverridden, "customs", R"({"reason":"licensed hunting rifles"})", 1100)));
  EXPECT_FALSE(d.blocked());
  EXPECT_EQ(apply(d, step(kOverridden, "customs", R"({"reason":"again"})", 1100)).error().rule, "C-STATE");
  ASSERT_TRUE(apply(d, step(kNotified, "icrc", "{}", 1200)));
}

}  // namespace
}  // namespace corridor::cargo
