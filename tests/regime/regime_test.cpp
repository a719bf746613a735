#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/input.h"
#include "core/time.h"
#include "regime/regime.h"

namespace corridor::regime {
namespace {

Regime example() {
  auto r = read_regime(std::string(CORRIDOR_DATA_DIR) + "/regimes/example.toml");
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return *r;
}

// A declaration that passes everything but the approvals, which the tests then vary.
std::string declaration(const std::string& items, const std::string& extra = "") {
  return R"({"id":"c-1","type":"food-aid","sender":"icrc","receiver":"red-cross-local","origin":"goris",
    "destination":"stepanakert","checkpoint":"example-bridge","planned_arrival":"2023-07-03T08:00Z",
    "declared_at":"2023-07-01T08:00Z",
    "documents":["manifest","waybill","driver_id","phytosanitary_certificate"],
    "approvals":["border-service","peacekeepers"],
    "vehicles":[{"plate":"35 AB 123","driver":"A. Petrosyan","registration":"AM","gross_kg":30000}],
    "items":)" + items + extra + "}";
}
const char* kFlour = R"([{"description":"wheat flour","hs":"1101","category":"food","quantity":20000,"unit":"kg","net_kg":20000,"kcal_per_kg":3640}])";

Decision check(const std::string& json, core::UnixSeconds now = 0) {
  auto d = parse_declaration(json, "decl.json");
  EXPECT_TRUE(d) << (d ? "" : d.error().message);
  return evaluate(example(), *d, now);
}

bool cites(const Decision& d, const std::string& rule, std::optional<std::size_t> item = std::nullopt) {
  return std::any_of(d.reasons.begin(), d.reasons.end(),
                     [&](const Reason& r) { return r.rule == rule && (!item || r.item == item); });
}

TEST(Regime, ReadsEveryKindOfRule) {
  const Regime r = example();
  EXPECT_EQ(r.checkpoint_id, "example-bridge");
  EXPECT_EQ(r.documents.size(), 2u);
  EXPECT_EQ(r.goods.size(), 4u);
  EXPECT_EQ(r.vehicles.size(), 2u);
  EXPECT_EQ(r.approvals.size(), 2u);
  EXPECT_EQ(r.inspection.size(), 2u);
  EXPECT_DOUBLE_EQ(r.random_rate, 0.1);
  EXPECT_EQ(r.random_lane, Lane::kRed);
}

TEST(Regime, AcceptsACompleteFoodConsignment) {
  const Decision d = check(declaration(kFlour));
  EXPECT_EQ(d.verdict, Verdict::kAccept);
  EXPECT_TRUE(d.reasons.empty());
}

TEST(Regime, EachRuleKindCitesItselfAndTheItem) {
  // Missing document.
  auto d = check(R"({"id":"c-1","type":"food-aid","sender":"s","receiver":"r","origin":"o","destination":"d",
    "checkpoint":"example-bridge","planned_arrival":"2023-07-03T08:00Z","declared_at":"2023-07-01T08:00Z",
    "documents":["manifest","waybill","driver_id"],"approvals":["border-service","peacekeepers"],"items":)" +
                 std::string(kFlour) + "}");
  EXPECT_EQ(d.verdict, Verdict::kReject);
  EXPECT_TRUE(cites(d, "DOC-FOOD"));
  // Prohibited goods, by HS prefix: item 1.
  d = check(declaration(R"([{"description":"flour","category":"food","quantity":1,"unit":"kg","net_kg":1},
                            {"description":"hunting rifle","hs":"930320","quantity":1,"unit":"pcs","net_kg":4}])"));
  EXPECT_EQ(d.verdict, Verdict::kReject);
  EXPECT_TRUE(cites(d, "G-ARMS", 1));
  // Restricted without a permit: needs approval; with it: accept.
  const std::string insulin = R"([{"description":"insulin","hs":"300431","category":"medicine","quantity":50,"unit":"kg","net_kg":50}])";
  d = check(declaration(insulin));
  EXPECT_EQ(d.verdict, Verdict::kNeedsApproval);
  EXPECT_TRUE(cites(d, "G-MEDICINE", 0));
  EXPECT_EQ(d.lane, Lane::kYellow);
  EXPECT_EQ(*d.lane_rule, "I-MEDICINE");
  d = check(declaration(insulin, R"(,"permits":[{"item":0,"from":"health-ministry"}])"));
  EXPECT_EQ(d.verdict, Verdict::kAccept);
  // Quantity limit.
  d = check(declaration(R"([{"description":"diesel","category":"fuel","quantity":8000,"unit":"l","net_kg":6700}])"));
  EXPECT_EQ(d.verdict, Verdict::kReject);
  EXPECT_TRUE(cites(d, "G-FUEL", 0));
  EXPECT_EQ(d.lane, Lane::kRed);
  // Vehicle weight and registration.
  auto heavy = declaration(kFlour);
  heavy.replace(heavy.find("30000"), 5, "45000");
  d = check(heavy);
  EXPECT_TRUE(cites(d, "V-WEIGHT"));
  auto foreign = declaration(kFlour);
  foreign.replace(foreign.find("\"AM\""), 4, "\"XX\"");
  EXPECT_TRUE(cites(check(foreign), "V-REGISTRATION"));
  // Approvals outstanding, and a lead time too short.
  auto pending = declaration(kFlour);
  pending.replace(pending.find(R"("border-service","peacekeepers")"), 31, R"("border-service")");
  d = check(pending);
  EXPECT_EQ(d.verdict, Verdict::kNeedsApproval);
  EXPECT_TRUE(cites(d, "C-APPROVALS"));
  auto late = declaration(kFlour);
  late.replace(late.find("2023-07-01T08:00Z"), 17, "2023-07-02T20:00Z");
  d = check(late);
  EXPECT_EQ(d.verdict, Verdict::kReject);
  EXPECT_TRUE(cites(d, "C-APPROVALS"));
}

// A coordination rule built from a dated statement applies from that day: a consignment arriving
// the moment before needs no approval, one arriving at the first moment of the day does.
TEST(Regime, CoordinationAppliesFromItsDateExactly) {
  Regime r = example();
  auto from = core::parse_iso8601("2023-07-03T08:00:00Z", "test");
  ASSERT_TRUE(from);
  r.coordination_from = *from;
  std::string no_approvals = declaration(kFlour);
  no_approvals.replace(no_approvals.find(R"("approvals":["border-service","peacekeepers"])"),
                       std::string(R"("approvals":["border-service","peacekeepers"])").size(), R"("approvals":[])");
  auto d = parse_declaration(no_approvals, "decl.json");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->planned_arrival, *from);
  EXPECT_EQ(evaluate(r, *d, 0).verdict, Verdict::kNeedsApproval);  // arriving exactly at `from`
  d->planned_arrival = *from - 1;
  d->declared_at = *from - 1 - 48 * 3600;
  const Decision before = evaluate(r, *d, 0);
  EXPECT_EQ(before.verdict, Verdict::kAccept);
  EXPECT_FALSE(cites(before, "C-APPROVALS"));
  // Read from the file: a date, or an error naming the line.
  auto text = [](const std::string& from_line) {
    return "[checkpoint]\nid = \"x\"\noperator = \"a\"\nname = \"X\"\nlat = 39.5\nlon = 46.5\n[coordination]\nid = \"C\"\napprovals = [\"a\"]\n" + from_line + "\n";
  };
  auto ok = parse_regime(text("from = \"2023-09-01\""), "r.toml");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(core::format_iso8601(*ok->coordination_from), "2023-09-01T00:00:00Z");
  auto bad = parse_regime(text("from = \"September\""), "r.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("r.toml:"), std::string::npos) << bad.error().message;
}

TEST(Regime, TheDecisionRecordsTheDrawsTermsAndDrawsNothingItself) {
  // The lane at declaration is the rules' alone: an id cannot buy a lane (issue 24 item 8).
  const Decision d = check(declaration(kFlour));
  EXPECT_EQ(d.lane, Lane::kGreen);
  EXPECT_DOUBLE_EQ(d.draw.rate, 0.1);
  EXPECT_EQ(d.draw.lane, Lane::kRed);
  EXPECT_EQ(d.draw.rule, "I-RANDOM");
  const auto j = nlohmann::json::parse(decision_json(d));
  EXPECT_EQ(j["random_draw"], (nlohmann::json{{"rate", 0.1}, {"lane", "red"}, {"rule", "I-RANDOM"}}));
  // A regime file with the old seed is refused, naming it.
  std::string text = *core::read_file_limited(std::string(CORRIDOR_DATA_DIR) + "/regimes/example.toml", "r", 1 << 20);
  text.replace(text.find("random_lane"), 0, "seed = 2023\n");
  auto old = parse_regime(text, "r.toml");
  ASSERT_FALSE(old);
  EXPECT_NE(old.error().message.find("'seed'"), std::string::npos) << old.error().message;
}

TEST(Regime, BadRegimeFilesNameFileAndLine) {
  auto err = [](const std::string& text) {
    auto r = parse_regime(text, "r.toml");
    EXPECT_FALSE(r);
    return r ? std::string() : r.error().message;
  };
  const std::string cp = "[checkpoint]\nid = \"x\"\noperator = \"o\"\nlat = 1.0\nlon = 2.0\n";
  EXPECT_NE(err(cp + "colour = \"red\"\n").find("r.toml:6: unknown field 'colour'"), std::string::npos);
  EXPECT_NE(err(cp + "lanes = \"two\"\n").find("r.toml:6: 'lanes' must be a whole number"), std::string::npos);
  EXPECT_NE(err(cp + "[[goods]]\nid = \"G\"\ncategory = [\"food\"]\naction = \"allowed\"\n[[goods]]\nid = \"G\"\n"
                     "category = [\"water\"]\naction = \"allowed\"\n").find("r.toml:10: duplicate rule id 'G'"),
            std::string::npos);
  EXPECT_NE(err(cp + "[[goods]]\nid = \"G\"\ncategory = [\"food\"]\naction = \"maybe\"\n").find("action 'maybe'"),
            std::string::npos);
  EXPECT_NE(err(cp + "[[goods]]\nid = \"G\"\ncategory = [\"food\"]\naction = \"restricted\"\n").find("permit_from"),
            std::string::npos);
  EXPECT_NE(err(cp + "[inspection]\nid = \"I\"\nrandom_rate = 1.5\n").find("share"), std::string::npos);
  EXPECT_NE(err("[checkpoint\nid=1").find("r.toml:1:"), std::string::npos);
  EXPECT_NE(err("[checkpoint]\nid = \"x\"\noperator = \"o\"\nlat = 91.0\nlon = 2.0\n").find("out of range"),
            std::string::npos);
  EXPECT_NE(err(cp + "[surprise]\n").find("unknown section 'surprise'"), std::string::npos);
  // One vocabulary of goods: a rule for a category nobody declares would never apply.
  EXPECT_NE(err(cp + "[[goods]]\nid = \"G\"\ncategory = [\"medical\"]\naction = \"allowed\"\n")
                .find("r.toml:6: category: 'medical' is not a goods category (food, water, medicine, fuel, hygiene, "
                      "shelter, other) (did you mean medicine?)"),
            std::string::npos);
  EXPECT_NE(err(cp + "[[goods]]\nid = \"G\"\ncategory = [\"fod\"]\naction = \"allowed\"\n").find("(did you mean food?)"),
            std::string::npos);
}

TEST(Regime, BadDeclarationsNameTheJsonPointer) {
  auto err = [](const std::string& text) {
    auto r = parse_declaration(text, "d.json");
    EXPECT_FALSE(r);
    return r ? std::string() : r.error().message;
  };
  EXPECT_NE(err(declaration(R"([{"description":"x","category":"food","quantity":"lots","unit":"kg","net_kg":1}])"))
                .find("d.json: /items/0/quantity"), std::string::npos);
  EXPECT_NE(err(declaration("[]")).find("/items"), std::string::npos);
  EXPECT_NE(err(declaration(kFlour, R"(,"colour":"blue")")).find("/colour: unknown field"), std::string::npos);
  EXPECT_NE(err(declaration(kFlour, R"(,"permits":[{"item":5,"from":"x"}])")).find("/permits/0/item"),
            std::string::npos);
  EXPECT_NE(err("{\n\"id\": \n}").find("d.json:3:"), std::string::npos);
  // Every quantity is bounded: exactly at the bound is accepted, beyond it refused.
  EXPECT_NE(err(declaration(R"([{"description":"x","category":"food","quantity":1e300,"unit":"kg","net_kg":1}])"))
                .find("/items/0/quantity: must be a number from 0 to 1e+09"),
            std::string::npos);
  EXPECT_NE(err(declaration(R"([{"description":"x","category":"food","quantity":1,"unit":"kg","net_kg":10000001}])"))
                .find("/items/0/net_kg"),
            std::string::npos);
  EXPECT_NE(err(declaration(R"([{"description":"x","category":"food","quantity":1,"unit":"kg","net_kg":1,"kcal_per_kg":9501}])"))
                .find("/items/0/kcal_per_kg"),
            std::string::npos);
  EXPECT_TRUE(parse_declaration(
      declaration(R"([{"description":"x","category":"food","quantity":1e9,"unit":"kg","net_kg":1e7,"kcal_per_kg":9500}])"), "d.json"));
  // Insulin declared "medical" took the green lane past rule I-MEDICINE (written for "medicine").
  EXPECT_NE(err(declaration(R"([{"description":"insulin","hs":"300431","category":"medical","quantity":50,"unit":"kg","net_kg":50}])"))
                .find("d.json: /items/0/category: 'medical' is not a goods category"),
            std::string::npos);
  auto bad_time = declaration(kFlour);
  bad_time.replace(bad_time.find("2023-07-03T08:00Z"), 17, "next tuesday");
  EXPECT_NE(err(bad_time).find("/planned_arrival"), std::string::npos);
}

}  // namespace
}  // namespace corridor::regime
