// Scenarios: the bundled Lachin/Aghdam case checked for structure (not tuned numbers), a small
// fixture whose figures are worked out by hand, and bad input named by file and line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "access/critical.h"
#include "access/reach.h"
#include "net/closures.h"
#include "regime/regime.h"
#include "route/plan.h"
#include "scenario/report.h"
#include "scenario/scenario.h"
#include "supply/supply.h"

namespace corridor::scenario {
namespace {

namespace fs = std::filesystem;

const std::string kCaseDir = std::string(CORRIDOR_DATA_DIR) + "/scenarios/karabakh-2023";
const std::string kCase = kCaseDir + "/scenario.toml";
const std::string kFixture = std::string(CORRIDOR_TESTS_DIR) + "/scenario/fixture/scenario.toml";

const Scenario& bundled() {
  static const Scenario s = [] {
    auto r = load_scenario(kCase);
    if (!r) throw std::runtime_error(r.error().message);
    return std::move(*r);
  }();
  return s;
}

// The roads closed in every case below: the old highway (closed to this traffic since 2022-08-30),
// the interim link (closed 2023-03-30) and the Vardenis–Martakert road (closed since 2020-11-25).
const std::vector<std::string> kAlwaysClosed{"rd_corridor_old_goris_stepanakert", "rd_interim_link_2022",
                                             "rd_martakert_vardenis"};
constexpr const char* kLachin = "rd_corridor_new_hakari_shushijct";
constexpr const char* kAghdam = "rd_aghdam_askeran";

struct Case {
  const Scenario& s;
  net::ClosureOverlay overlay;
  std::vector<net::ClosureSpec> specs;
  std::vector<access::Located> sources, area;

  Case(const Scenario& sc, std::vector<std::string> closed) : s(sc), overlay(sc.graph().edge_count()) {
    for (const auto& road : closed) {
      auto spec = net::parse_closure_spec("way:" + road);
      EXPECT_TRUE(spec) << road;
      specs.push_back(*spec);
    }
    auto o = net::apply_closures(s.graph(), specs, 0);
    EXPECT_TRUE(o) << o.error().message;
    overlay = std::move(*o);
    const auto located = access::locate(s.graph(), s.places, s.snap_limit_m, "place");
    for (std::size_t i : s.sources) sources.push_back(located[i]);
    for (std::size_t i : s.area) area.push_back(located[i]);
  }

  [[nodiscard]] std::vector<route::Endpoint> source_ends() const {
    std::vector<route::Endpoint> out;
    for (const auto& l : sources) out.push_back(*l.end);
    return out;
  }
  [[nodiscard]] const access::Located& place(const std::string& id) const {
    for (const auto& l : area) {
      if (l.place.id == id) return l;
    }
    throw std::runtime_error("no place " + id);
  }
  [[nodiscard]] access::ReachResult reach() const {
    route::Router router(s.graph());
    return access::reach(s.graph(), router, sources, area, &overlay, 0);
  }
  [[nodiscard]] std::string road(core::SegmentId sid) const { return std::string(s.graph().key(sid)); }
};

std::vector<std::string> with(std::vector<std::string> v, std::initializer_list<const char*> more) {
  v.insert(v.end(), more.begin(), more.end());
  return v;
}

TEST(Karabakh, EveryPlaceIsOnTheNetworkAndKeepsBothNames) {
  const Scenario& s = bundled();
  EXPECT_GE(s.area.size(), 10u);
  Case c(s, {});
  for (const auto& l : c.area) {
    EXPECT_TRUE(l.end) << l.place.id << ": " << l.snap_error;
    EXPECT_GE(l.place.names.size(), 2u) << l.place.id;
  }
  const access::Place* town = s.place("stepanakert");
  ASSERT_NE(town, nullptr);
  const std::set<std::string> names(town->names.begin(), town->names.end());
  EXPECT_TRUE(names.contains("Stepanakert"));
  EXPECT_TRUE(names.contains("Khankendi"));
  EXPECT_TRUE(names.contains("Xankəndi"));  // the Azerbaijani script, in a column of its own
  // The display name is a setting: either usage can lead.
  auto az = load_scenario(kCase, "name_az_usage");
  ASSERT_TRUE(az) << az.error().message;
  EXPECT_EQ(az->place("stepanakert")->name, "Khankendi");
  EXPECT_FALSE(load_scenario(kCase, "name_xx"));
}

// The stated rule for the default display name, for places and roads alike: both usages, in
// alphabetical order, joined by " / "; one name where they agree. No name field holds a note.
std::string display_rule(const std::string& hy, const std::string& az) {
  if (hy == az) return hy;
  auto fold = [](std::string t) {
    for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
  };
  return fold(hy) < fold(az) ? hy + " / " + az : az + " / " + hy;
}

TEST(Karabakh, EveryPlaceAndRoadHasBothUsagesAndTheDisplayNameFollowsTheStatedRule) {
  const Scenario& s = bundled();
  EXPECT_EQ(s.display, "name");
  auto column = [&](const std::string& c) {
    return static_cast<std::size_t>(std::find(s.name_columns.begin(), s.name_columns.end(), c) - s.name_columns.begin());
  };
  const std::size_t hy = column("name_hy_usage"), az = column("name_az_usage"), display = column("name");
  ASSERT_LT(hy, s.name_columns.size());
  ASSERT_LT(az, s.name_columns.size());
  ASSERT_EQ(s.names_by_column.size(), s.places.size());
  for (std::size_t i = 0; i < s.places.size(); ++i) {
    const auto& n = s.names_by_column[i];
    ASSERT_FALSE(n[hy].empty()) << s.places[i].id;
    ASSERT_FALSE(n[az].empty()) << s.places[i].id;
    EXPECT_EQ(n[display], display_rule(n[hy], n[az])) << s.places[i].id;
    EXPECT_EQ(s.places[i].name, n[display]);
    for (std::size_t k = 0; k < n.size(); ++k) {
      if (s.name_columns[k] == "name_en") continue;  // the research data's English label, kept as it is
      const std::string& name = n[k];
      EXPECT_EQ(name.find('('), std::string::npos) << s.places[i].id << ": a note in a name field: " << name;
      EXPECT_EQ(name.find(';'), std::string::npos) << s.places[i].id << ": a note in a name field: " << name;
    }
  }
  // Every road of the network: its display name, both usages, and the English label.
  std::ifstream in(kCaseDir + "/roads.geojson");
  const auto doc = nlohmann::json::parse(in);
  std::size_t roads = 0;
  for (const auto& f : doc["features"]) {
    const auto& p = f["properties"];
    const std::string id = p["id"].get<std::string>();
    ASSERT_TRUE(p.contains("name_hy_usage") && p.contains("name_az_usage")) << id;
    const std::string h = p["name_hy_usage"].get<std::string>(), a = p["name_az_usage"].get<std::string>();
    EXPECT_FALSE(h.empty() || a.empty()) << id;
    EXPECT_EQ(p["name"].get<std::string>(), display_rule(h, a)) << id;
    const auto names = s.names_of(id);
    EXPECT_EQ(names.front(), p["name"].get<std::string>()) << id;
    EXPECT_NE(std::find(names.begin(), names.end(), h), names.end()) << id;
    EXPECT_NE(std::find(names.begin(), names.end(), a), names.end()) << id;
    ++roads;
  }
  EXPECT_EQ(roads, s.roads.size());
  // The checkpoint is named by its place, both usages.
  const auto cp = s.names_of("hakari_checkpoint");
  EXPECT_EQ(cp.front(), "Hakari bridge checkpoint / Lachin border checkpoint");
}

// Every claim and every reported movement carries its source's own words, and they are found in
// the row of the research data it cites (timeline.csv, timeline_additions.csv, supply_facts.md).
TEST(Karabakh, EveryClaimAndMovementQuotesTheRowItCites) {
  const Scenario& s = bundled();
  std::map<std::string, std::vector<std::string>> files;
  auto line_of = [&](const std::string& cite) -> std::string {
    const auto colon = cite.rfind(':');
    const std::string file = cite.substr(0, colon);
    if (!files.contains(file)) {
      std::ifstream in(kCaseDir + "/" + file);
      EXPECT_TRUE(in) << cite;
      for (std::string l; std::getline(in, l);) files[file].push_back(l);
    }
    const std::size_t n = std::stoul(cite.substr(colon + 1));
    return n >= 1 && n <= files[file].size() ? files[file][n - 1] : std::string();
  };
  ASSERT_GE(s.claims.size(), 30u);
  std::set<std::string> sources;
  for (const auto& c : s.claims) {
    ASSERT_FALSE(c.quote.empty()) << c.origin;
    ASSERT_FALSE(c.timeline.empty()) << c.origin;
    EXPECT_NE(line_of(c.timeline).find(c.quote), std::string::npos) << c.origin << ": the quote is not in " << c.timeline;
    EXPECT_TRUE(c.published.has_value()) << c.origin << ": no publication date";
    EXPECT_TRUE(is_source_type(c.source_type)) << c.origin;
    // Each row states its end: a date, a number of days, or "until replaced".
    EXPECT_TRUE(c.until || c.valid_days || c.until_replaced) << c.origin << ": no stated validity";
    sources.insert(c.source_type);
  }
  EXPECT_TRUE(sources.contains("party_statement") && sources.contains("operator") && sources.contains("media"));
  ASSERT_GE(s.movements.size(), 10u);
  for (const auto& m : s.movements) {
    ASSERT_FALSE(m.quote.empty()) << m.origin;
    EXPECT_NE(line_of(m.cites).find(m.quote), std::string::npos) << m.origin << ": the quote is not in " << m.cites;
  }
}

// The default run does not contradict a delivery that every side reported: the Russian Red Cross
// truck via Aghdam on 12 September, the ICRC's two trucks on 18 September (one by each road); nor
// the holds of the Armenian government's and the Azerbaijan Red Crescent's convoys.
TEST(Karabakh, TheDefaultRunKeepsTheDeliveriesEverySideReported) {
  const Scenario& s = bundled();
  auto r = run(s, {});
  ASSERT_TRUE(r) << r.error().message;
  auto moved_on = [&](const std::string& convoy) {
    std::vector<std::string> days;
    for (const auto& d : r->days) {
      for (const auto& c : d.convoys) {
        if (c.convoy == convoy && c.moved) days.push_back(supply::day_text(d.day));
      }
    }
    return days;
  };
  EXPECT_EQ(moved_on("russian-red-cross-2023-09"), std::vector<std::string>{"2023-09-12"});
  EXPECT_EQ(moved_on("icrc-2023-09-18-lachin"), std::vector<std::string>{"2023-09-18"});
  EXPECT_EQ(moved_on("icrc-2023-09-18-aghdam"), std::vector<std::string>{"2023-09-18"});
  EXPECT_TRUE(moved_on("armenia-government-2023-07-26").empty());
  EXPECT_TRUE(moved_on("az-red-crescent-2023-08-29").empty());
  const auto sum = summary_json(s, *r);
  EXPECT_TRUE(sum["movements"]["contradicted"].empty()) << sum["movements"]["contradicted"].dump();
  std::size_t checked = 0;
  for (const auto& m : sum["movements"]["reports"]) checked += m.contains("agrees");
  EXPECT_EQ(checked, 5u);
  // The peacekeepers' modelled convoy against the NK ombudsman's 150-day count (4,623 t): the
  // model's daily load was set from that count, so the two agree within a tenth.
  for (const auto& m : sum["movements"]["reports"]) {
    if (m["origin"].get<std::string>().ends_with("movements.csv:4")) {
      EXPECT_NEAR(m["model"]["tonnes"].get<double>(), 4623, 462);
    }
  }
}

// Figures that are not data say so: the capacities' sources, the checkpoint's assumed throughput,
// the population range with coverage at each count, the trusted party of every road.
TEST(Karabakh, TheAssumptionsStandBesideTheFigures) {
  const Scenario& s = bundled();
  auto r = run(s, {});
  ASSERT_TRUE(r);
  const auto as = summary_json(s, *r)["assumptions"];
  bool primary = false;
  for (const auto& c : as["capacity"]["roads"]) {
    if (c["class"] == "primary") {
      primary = true;
      EXPECT_EQ(c["trucks_per_day"].get<std::int64_t>(), 460);
      EXPECT_TRUE(c["sourced"].get<bool>());
    } else {
      EXPECT_FALSE(c["sourced"].get<bool>());
      EXPECT_NE(c["source"].get<std::string>().find("ASSUMED"), std::string::npos);
    }
  }
  EXPECT_TRUE(primary);
  ASSERT_EQ(as["capacity"]["checkpoints"].size(), 1u);
  EXPECT_NE(as["capacity"]["checkpoints"][0]["source"].get<std::string>().find("ASSUMED"), std::string::npos);
  ASSERT_EQ(as["population"].size(), 3u);
  EXPECT_EQ(as["population"][0]["people"].get<std::int64_t>(), s.area_population());
  EXPECT_EQ(as["population"][1]["people"].get<std::int64_t>(), 100625);
  EXPECT_EQ(as["population"][2]["people"].get<std::int64_t>(), 120000);
  // The same deliveries cover less of a larger population's need.
  EXPECT_GT(as["population"][0]["coverage"].get<double>(), as["population"][1]["coverage"].get<double>());
  EXPECT_GT(as["population"][1]["coverage"].get<double>(), as["population"][2]["coverage"].get<double>());
  EXPECT_NEAR(as["population"][0]["coverage"].get<double>(), r->whole.coverage, 1e-12);
  std::map<std::string, std::string> trusted;
  for (const auto& t : as["trusted"]) trusted[t["target"].get<std::string>()] = t["party"].is_null() ? "" : t["party"].get<std::string>();
  EXPECT_EQ(trusted["hakari_checkpoint"], "az_gov");
  EXPECT_EQ(trusted["rd_shushijct_stepanakert"], "ru_gov");
  EXPECT_EQ(trusted.size(), s.operators.size());
}

TEST(Karabakh, BothRoadsOpenGiveTheMainTownTwoDisjointRoutes) {
  Case c(bundled(), kAlwaysClosed);
  const access::UndirectedView view(c.s.graph(), &c.overlay);
  const auto d = access::disjoint_routes(c.s.graph(), view, c.source_ends(), *c.place("stepanakert").end);
  EXPECT_EQ(d.count, 2u);
  EXPECT_EQ(c.reach().cut_off_population, 0);
}

TEST(Karabakh, WithOnlyTheLachinRoadTheHakariBridgeIsTheCutForEverySettlement) {
  Case c(bundled(), with(kAlwaysClosed, {kAghdam}));
  const Scenario& s = c.s;
  const access::UndirectedView view(s.graph(), &c.overlay);
  for (const auto& l : c.area) {
    const auto d = access::disjoint_routes(s.graph(), view, c.source_ends(), *l.end);
    EXPECT_EQ(d.count, 1u) << l.place.id;
    ASSERT_EQ(d.min_cut.size(), 1u) << l.place.id;
  }
  // As a bridge of the network, the Hakari bridge cuts off the area's whole population.
  std::vector<std::int64_t> population(s.graph().node_count(), 0);
  std::vector<std::uint32_t> sources(s.graph().node_count(), 0);
  for (const auto& l : c.area) population[l.end->nearest_node(s.graph()).value] += l.place.population;
  for (const auto& l : c.sources) ++sources[l.end->nearest_node(s.graph()).value];
  const access::CutPoints cuts = access::find_cut_points(view, population, sources);
  bool found = false;
  for (const auto& b : cuts.bridges) {
    if (c.road(b.segment) == "rd_hakari_bridge") {
      found = true;
      EXPECT_EQ(b.population_cut_off, s.area_population());
    }
  }
  EXPECT_TRUE(found) << "the Hakari bridge is not a bridge of the network";
  EXPECT_EQ(c.reach().cut_off_population, 0);
}

TEST(Karabakh, WithBothClosedTheWholeAreaIsCutOffAndAghdamAloneReconnectsItThroughAskeran) {
  const Scenario& s = bundled();
  Case closed(s, with(kAlwaysClosed, {kAghdam, kLachin}));
  const access::ReachResult r = closed.reach();
  EXPECT_EQ(r.cut_off_population, s.area_population());
  for (const auto& p : r.places) EXPECT_FALSE(p.reachable);

  Case aghdam(s, with(kAlwaysClosed, {kLachin}));
  const access::ReachResult again = aghdam.reach();
  // Only the villages on or behind the closed corridor road itself stay cut off.
  std::int64_t corridor_villages = 0;
  for (const char* id : {"hin_shen", "mets_shen_shushi", "lisagor", "yeghtsahogh"}) corridor_villages += s.place(id)->population;
  EXPECT_EQ(again.cut_off_population, corridor_villages);
  EXPECT_TRUE(again.places[&aghdam.place("stepanakert") - &aghdam.area[0]].reachable);
  route::Router router(s.graph());
  route::RouteRequest req;
  for (const char* id : {"barda", "stepanakert"}) {
    route::Waypoint w;
    w.point = s.place(id)->point;
    w.label = id;
    req.points.push_back(w);
  }
  auto out = route::plan_route(s.graph(), router, req, aghdam.specs, aghdam.overlay);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_TRUE(out->route);
  std::set<std::string> roads;
  for (auto w : out->route->way_ids) {
    for (const auto& [road, segs] : s.roads) {
      if (s.graph().segment(segs.front()).way_id == w) roads.insert(road);
    }
  }
  EXPECT_TRUE(roads.contains(kAghdam));
  EXPECT_TRUE(roads.contains("rd_askeran_khojaly"));
}

// A run stopped after a day (a what-if for that day) gives that day and every day before exactly as
// the whole run does: a day depends only on the days before it. Through the first and the last day.
TEST(Karabakh, ARunThroughADayAgreesWithTheWholeRunUpToIt) {
  const Scenario& s = bundled();
  auto whole = run(s, {});
  ASSERT_TRUE(whole) << whole.error().message;
  for (const Day through : {s.start, s.report_day, s.end}) {
    auto part = run(s, {.trust = "", .what_if = {}, .through = through, .progress = {}});
    ASSERT_TRUE(part) << part.error().message;
    ASSERT_EQ(part->days.size(), static_cast<std::size_t>(through - s.start + 1));
    for (std::size_t i = 0; i < part->days.size(); ++i) {
      EXPECT_EQ(part->days[i].cut_off_population, whole->days[i].cut_off_population) << i;
      EXPECT_EQ(part->days[i].capacity_open, whole->days[i].capacity_open) << i;
      EXPECT_EQ(part->days[i].delivered_tonnes, whole->days[i].delivered_tonnes) << i;
      EXPECT_EQ(part->days[i].supply.stock_kcal, whole->days[i].supply.stock_kcal) << i;
    }
  }
}

TEST(Karabakh, TheRunListsConflictsAndTrustChangesTheEffectiveStatus) {
  const Scenario& s = bundled();
  auto by_operator = run(s, {});
  ASSERT_TRUE(by_operator) << by_operator.error().message;
  auto by_az = run(s, {"az_gov"});
  ASSERT_TRUE(by_az) << by_az.error().message;
  ASSERT_EQ(by_operator->days.size(), by_az->days.size());
  // The same claims are listed as conflicting whoever is trusted.
  std::size_t conflicts = 0, differ = 0;
  for (std::size_t i = 0; i < by_operator->days.size(); ++i) {
    const auto& a = by_operator->days[i];
    const auto& b = by_az->days[i];
    ASSERT_EQ(a.conflicts.size(), b.conflicts.size());
    conflicts += a.conflicts.size();
    if (a.cut_off_population != b.cut_off_population) ++differ;
  }
  EXPECT_GT(conflicts, 0u);
  // Baku's offer of the Aghdam road (2023-08-16 to 2023-09-01) opens it under its own account.
  EXPECT_GT(differ, 0u) << "trusting another party's claims changed nothing";
  EXPECT_FALSE(run(s, {"nobody"}));
}

// ---- the fixture: a valley behind one checkpoint bridge -------------------------------------------

TEST(Fixture, ConvoyThroughAClosedCheckpointIsBlockedWithThatReason) {
  auto s = load_scenario(kFixture);
  ASSERT_TRUE(s) << s.error().message;
  auto r = run(*s, {});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->days.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    const DayResult& d = r->days[i];
    ASSERT_EQ(d.convoys.size(), 1u);
    const ConvoyDay& c = d.convoys[0];
    if (i < 2) {
      EXPECT_TRUE(c.moved) << i;
      EXPECT_EQ(d.capacity_open, 240) << "10 vehicles an hour, 24 hours, one lane";
      EXPECT_EQ(d.bottleneck, std::vector<std::string>{"rd_bridge"});
      EXPECT_EQ(d.cut_off_population, 0);
    } else {
      EXPECT_FALSE(c.moved) << i;
      ASSERT_FALSE(c.reason_kinds.empty());
      EXPECT_NE(std::find(c.reason_kinds.begin(), c.reason_kinds.end(), "checkpoint_status"), c.reason_kinds.end());
      // The reason cites the claim behind it: the operator's row 4 of claims.csv.
      bool cites = false;
      for (const auto& why : c.reasons) cites = cites || why.find("claims.csv:4") != std::string::npos;
      EXPECT_TRUE(cites) << c.reasons.front();
      EXPECT_EQ(d.capacity_open, 0);
      EXPECT_EQ(d.cut_off_population, 1500);
      // The observers' claim disagrees and is listed, not hidden.
      ASSERT_EQ(d.conflicts.size(), 1u);
      EXPECT_EQ(d.conflicts[0].target, "bridge_cp");
    }
  }
  // Trusting the observers opens the checkpoint: the convoy moves every day.
  auto trusted = run(*s, {"observers"});
  ASSERT_TRUE(trusted);
  for (const auto& d : trusted->days) EXPECT_TRUE(d.convoys[0].moved);
}

// The fixture with other claims (and scenario settings): a copy in a temporary folder.
class ClaimRules : public ::testing::Test {
 protected:
  fs::path dir;
  void SetUp() override {
    dir = fs::temp_directory_path() / ("corridor_claims_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir / "scenario");
    fs::create_directories(dir / "supply");
    fs::copy(std::string(CORRIDOR_TESTS_DIR) + "/scenario/fixture", dir / "scenario" / "fixture");
    fs::copy(std::string(CORRIDOR_TESTS_DIR) + "/supply/fixture", dir / "supply" / "fixture");
  }
  void TearDown() override { fs::remove_all(dir); }
  static constexpr const char* kHeader =
      "target,status,allowed,about,from,until,valid_days,published,party,source_type,claimed_by,quote,timeline,source_url,note\n";
  // The fixture's other road stays closed (a landslide), so the convoy must cross the checkpoint.
  void claims(const std::string& rows) {
    std::ofstream(dir / "scenario" / "fixture" / "claims.csv", std::ios::trunc)
        << kHeader << rows << "rd_alt,closed,,,2023-01-01,replaced,,,road_agency,,Road agency,landslide,,https://example.org,\n";
  }
  void scenario_line(const std::string& after, const std::string& line) {
    const fs::path f = dir / "scenario" / "fixture" / "scenario.toml";
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const auto at = text.find(after);
    ASSERT_NE(at, std::string::npos);
    text.insert(at + after.size(), "\n" + line);
    std::ofstream(f, std::ios::trunc) << text;
  }
  core::Result<Scenario> load() { return load_scenario((dir / "scenario" / "fixture" / "scenario.toml").string()); }
  // The days (1-based within the fixture's five) on which the relief convoy moved.
  std::vector<int> moved(const RunResult& r) {
    std::vector<int> out;
    for (std::size_t i = 0; i < r.days.size(); ++i) {
      if (r.days[i].convoys.at(0).moved) out.push_back(static_cast<int>(i) + 1);
    }
    return out;
  }
};

// A claim about one party's traffic stops that party only, and says nothing about traffic in
// general; it ends at its stated end, its first and last day exactly.
TEST_F(ClaimRules, AClaimAboutOnePartysTrafficStopsOnlyThatParty) {
  claims("bridge_cp,open,,,2023-01-01,replaced,,,border,party_statement,Border service,open,,https://example.org,\n"
         "bridge_cp,closed,,relief,2023-01-02,,2,2023-01-02,border,party_statement,Border service,relief suspended,,https://example.org,\n");
  auto s = load();
  ASSERT_TRUE(s) << s.error().message;
  auto r = run(*s, {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(moved(*r), (std::vector<int>{1, 4, 5}));  // valid_days 2: 2023-01-02 and 01-03
  for (const auto& d : r->days) {
    EXPECT_EQ(d.cut_off_population, 0) << supply::day_text(d.day);  // general traffic: open all along
    EXPECT_EQ(d.status.at("bridge_cp").status, Status::kOpen);
  }
  const auto& why = r->days[1].convoys[0];
  ASSERT_EQ(why.reason_kinds, std::vector<std::string>{"checkpoint_status"});
  EXPECT_NE(why.reasons[0].find("border of relief's traffic"), std::string::npos) << why.reasons[0];
  EXPECT_NE(why.reasons[0].find("\"relief suspended\""), std::string::npos) << why.reasons[0];
  // Another party's claim about all traffic is not replaced by it: the two are listed as disagreeing.
  EXPECT_EQ(r->days[1].conflicts.size(), 1u);
  EXPECT_TRUE(r->days[0].conflicts.empty());
}

// "until replaced" ends when the same party speaks again of the same traffic or of all traffic,
// not when it speaks of someone else's; the scenario's rule bounds claims that state no end.
TEST_F(ClaimRules, ReplacementAndTheScenarioRuleForOpenClaims) {
  claims("bridge_cp,closed,,,2023-01-01,,,,border,party_statement,Border service,closed,,https://example.org,\n"
         "bridge_cp,open,,observers,2023-01-02,replaced,,,border,party_statement,Border service,observers pass,,https://example.org,\n"
         "bridge_cp,open,,,2023-01-04,replaced,,,border,party_statement,Border service,reopened,,https://example.org,\n");
  auto s = load();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->claims[0].ends, supply::parse_day("2023-01-04", "").value());
  EXPECT_NE(s->claims[0].validity.find("replaced by"), std::string::npos) << s->claims[0].validity;
  auto r = run(*s, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(moved(*r), (std::vector<int>{4, 5}));
  // With "2 days" as the rule, the first claim (no end stated) lapses after 2023-01-02: the
  // checkpoint has no claim in force on 01-03 and is open (no baseline given).
  scenario_line("file = \"claims.csv\"", "open_claims = \"2 days\"");
  auto ruled = load();
  ASSERT_TRUE(ruled) << ruled.error().message;
  EXPECT_EQ(ruled->claims[0].ends, supply::parse_day("2023-01-03", "").value());
  EXPECT_NE(ruled->claims[0].validity.find("scenario's rule"), std::string::npos);
  auto r2 = run(*ruled, {});
  ASSERT_TRUE(r2);
  EXPECT_EQ(moved(*r2), (std::vector<int>{3, 4, 5}));
}

TEST_F(ClaimRules, BadValiditiesAndRulesAreRefusedWithTheirPlace) {
  claims("bridge_cp,closed,,,2023-01-01,2023-01-03,2,,border,,Border service,,,https://example.org,\n");
  auto s = load();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("claims.csv:2: column 'valid_days': give 'until' or 'valid_days', not both"), std::string::npos)
      << s.error().message;
  claims("bridge_cp,closed,,,2023-01-01,,0,,border,,Border service,,,https://example.org,\n");
  s = load();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("out of range: 1 to 3,660 days"), std::string::npos) << s.error().message;
  claims("bridge_cp,closed,,,2023-01-01,,,,border,statement,Border service,,,https://example.org,\n");
  s = load();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("'statement' is not a source type"), std::string::npos) << s.error().message;
  claims("bridge_cp,closed,,nobody,2023-01-01,,,,border,,Border service,,,https://example.org,\n");
  s = load();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("claims.csv:2: column 'about': unknown party 'nobody'"), std::string::npos) << s.error().message;
  claims("bridge_cp,closed,,,2023-01-01,,,,border,,Border service,,,https://example.org,\n");
  scenario_line("file = \"claims.csv\"", "open_claims = \"forever\"");
  s = load();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("open_claims 'forever': write \"until replaced\" or \"N days\""), std::string::npos)
      << s.error().message;
}

TEST(Fixture, CoverageAndDaysOfSupplyByHand) {
  auto s = load_scenario(kFixture);
  ASSERT_TRUE(s);
  auto r = run(*s, {});
  ASSERT_TRUE(r);
  // Need: 1,400 people × 2,100 kcal + 100 children (Upper village) × 1,700 = 3.11 Mkcal a day.
  // One tonne of flour (3.5 Mkcal) arrives on days 1 and 2, none after: stock 0.39, 0.78, then
  // empty, short 2.33, 3.11, 3.11.
  EXPECT_DOUBLE_EQ(r->need_kcal_per_day, 3.11e6);
  EXPECT_DOUBLE_EQ(r->water_l_per_day, 1400 * 15 + 100 * 10);
  const double stock[] = {0.39e6, 0.78e6, 0, 0, 0};
  const double short_by[] = {0, 0, 2.33e6, 3.11e6, 3.11e6};
  for (int i = 0; i < 5; ++i) {
    EXPECT_NEAR(r->days[i].supply.stock_kcal, stock[i], 1e-3) << i;
    EXPECT_NEAR(r->days[i].supply.shortfall_kcal, short_by[i], 1e-3) << i;
  }
  EXPECT_NEAR(r->days[1].supply.days_of_supply, 0.78 / 3.11, 1e-12);
  EXPECT_NEAR(r->whole.coverage, 7.0 / 15.55, 1e-12);
  EXPECT_EQ(r->whole.days_short, 3);
  const auto j = to_json(*s, *r);
  EXPECT_EQ(j["days"].size(), 5u);
  EXPECT_EQ(j["summary"]["supply"]["first_shortfall"], "2023-01-03");
  const std::string html = html_report(*s, *r, s->start);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
}

// Every bundled regime, the commodity table and every bundled scenario speak one vocabulary of goods:
// each category a regime rule names is one some commodity has, so that the rule can apply.
TEST(Bundled, RegimesCommoditiesAndScenariosAgreeOnGoodsCategories) {
  const fs::path data = CORRIDOR_DATA_DIR;
  auto table = supply::read_commodities((data / "supply" / "commodities.csv").string());
  ASSERT_TRUE(table) << table.error().message;
  std::set<std::string> used;
  for (const auto& c : table->items) used.insert(c.category);
  std::vector<fs::path> regimes;
  for (const auto& e : fs::recursive_directory_iterator(data)) {
    const std::string n = e.path().filename().string();
    if (e.path().extension() == ".toml" && (e.path().parent_path().filename() == "regimes" || n.rfind("regime", 0) == 0)) {
      regimes.push_back(e.path());
    }
  }
  ASSERT_GE(regimes.size(), 2u);
  for (const auto& p : regimes) {
    auto r = regime::read_regime(p.string());
    ASSERT_TRUE(r) << p << ": " << r.error().message;
    std::vector<std::string> named;
    for (const auto& g : r->goods) named.insert(named.end(), g.categories.begin(), g.categories.end());
    for (const auto& i : r->inspection) named.insert(named.end(), i.categories.begin(), i.categories.end());
    for (const auto& c : named) EXPECT_TRUE(used.contains(c)) << p << ": category '" << c << "' has no commodity";
  }
  for (const auto& e : fs::directory_iterator(data / "scenarios")) {
    auto s = load_scenario((e.path() / "scenario.toml").string());
    EXPECT_TRUE(s) << e.path() << ": " << s.error().message;
  }
}

// A copy of the fixture (and the supply tables it refers to) in a folder of its own, to change.
fs::path copy_fixture(const std::string& tag) {
  const fs::path dir = fs::temp_directory_path() / ("corridor_" + tag + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "scenario" / "fixture");
  fs::create_directories(dir / "supply");
  const fs::path src = fs::path(kFixture).parent_path();
  for (const auto& e : fs::directory_iterator(src)) fs::copy(e.path(), dir / "scenario" / "fixture" / e.path().filename());
  fs::copy(src.parent_path().parent_path() / "supply" / "fixture", dir / "supply" / "fixture");
  return dir;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Fixture, TomlDatesAreDatesAndABadDateSaysWhatToWrite) {
  const fs::path dir = copy_fixture("dates");
  const fs::path toml = dir / "scenario" / "fixture" / "scenario.toml";
  const std::string text = slurp(toml);
  auto strings = load_scenario(toml.string());
  ASSERT_TRUE(strings) << strings.error().message;
  // start = "2023-01-01" -> start = 2023-01-01 (TOML's own date), everywhere a date is read.
  const std::string native = std::regex_replace(text, std::regex(R"re(= "(\d{4}-\d{2}-\d{2})")re"), "= $1");
  ASSERT_NE(native, text);
  std::ofstream(toml, std::ios::trunc) << native;
  auto dates = load_scenario(toml.string());
  ASSERT_TRUE(dates) << dates.error().message;
  EXPECT_EQ(dates->start, strings->start);
  EXPECT_EQ(dates->end, strings->end);
  auto a = run(*strings, {});
  auto b = run(*dates, {});
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->days.size(), b->days.size());
  for (std::size_t i = 0; i < a->days.size(); ++i) EXPECT_EQ(a->days[i].cut_off_population, b->days[i].cut_off_population);
  // A date-time needs its time zone; a number is no date.
  std::ofstream(toml, std::ios::trunc) << std::regex_replace(native, std::regex(R"(start = 2023-01-01\n)"),
                                                             "start = 2023-01-01T06:00:00\n", std::regex_constants::format_first_only);
  auto local = load_scenario(toml.string());
  ASSERT_FALSE(local);
  EXPECT_NE(local.error().message.find("has no time zone"), std::string::npos) << local.error().message;
  std::ofstream(toml, std::ios::trunc) << std::regex_replace(native, std::regex(R"(start = 2023-01-01\n)"), "start = 20230101\n",
                                                             std::regex_constants::format_first_only);
  auto number = load_scenario(toml.string());
  ASSERT_FALSE(number);
  EXPECT_NE(number.error().message.find("'start' must be a date"), std::string::npos) << number.error().message;
  // A claim dated the way a spreadsheet writes it: the line, the column, and both readings.
  std::ofstream(toml, std::ios::trunc) << text;
  const fs::path claims = dir / "scenario" / "fixture" / "claims.csv";
  std::string c = slurp(claims);
  c.replace(c.find("2023-01-01"), 10, "01/05/2023");
  std::ofstream(claims, std::ios::trunc) << c;
  auto slashed = load_scenario(toml.string());
  fs::remove_all(dir);
  ASSERT_FALSE(slashed);
  EXPECT_NE(slashed.error().message.find("claims.csv:2: column 'from': '01/05/2023' is not a date: write YYYY-MM-DD "
                                         "(2023-05-01 or 2023-01-05?)"),
            std::string::npos)
      << slashed.error().message;
}

TEST(Fixture, AConvoyReroutesAroundAClosedCheckpointUnlessItMustCrossIt) {
  // The fixture with the mountain road open and a second convoy that names the checkpoint.
  const fs::path dir = copy_fixture("fixture");
  const fs::path src = fs::path(kFixture).parent_path();
  {
    std::ifstream in(src / "claims.csv");
    std::string header, line, kept;
    std::getline(in, header);
    kept = header + "\n";
    while (std::getline(in, line)) {
      if (line.rfind("rd_alt,", 0) != 0) kept += line + "\n";
    }
    std::ofstream(dir / "scenario" / "fixture" / "claims.csv", std::ios::trunc) << kept;
    std::ofstream(dir / "scenario" / "fixture" / "scenario.toml", std::ios::app)
        << "\n[[convoy]]\nid = \"via-checkpoint\"\nparty = \"relief\"\nfrom = \"depot\"\nto = \"lower\"\n"
           "checkpoint = \"bridge_cp\"\nstart = \"2023-01-04\"\ntrucks = 1\ncargo = { wheat_flour = 1 }\n"
           "documents = [\"manifest\"]\n";
  }
  auto s = load_scenario((dir / "scenario" / "fixture" / "scenario.toml").string());
  ASSERT_TRUE(s) << s.error().message;
  auto r = run(*s, {});
  fs::remove_all(dir);
  ASSERT_TRUE(r) << r.error().message;
  const DayResult& day4 = r->days[3];
  ASSERT_EQ(day4.convoys.size(), 2u);
  const ConvoyDay& free = day4.convoys[0];
  const ConvoyDay& bound = day4.convoys[1];
  EXPECT_TRUE(free.moved);
  EXPECT_NE(std::find(free.roads.begin(), free.roads.end(), "rd_alt"), free.roads.end());
  EXPECT_EQ(std::find(free.roads.begin(), free.roads.end(), "rd_bridge"), free.roads.end());
  EXPECT_FALSE(bound.moved);
  EXPECT_NE(std::find(bound.reason_kinds.begin(), bound.reason_kinds.end(), "checkpoint_status"), bound.reason_kinds.end());
  EXPECT_EQ(day4.cut_off_population, 0);  // the mountain road serves the valley
}

// A scenario on an OpenStreetMap extract: road ids are OSM way ids, and a claim closing one applies.
TEST(Fixture, AnOsmNetworkWithClaimsByWayId) {
  const fs::path dir = fs::temp_directory_path() / ("corridor_osm_scenario_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string supply = std::string(CORRIDOR_TESTS_DIR) + "/supply/fixture/";
  std::ofstream(dir / "places.csv") << "id,name,lat,lon,population\n"
                                       "balzers,Balzers,47.0660,9.5030,\nschaan,Schaan,47.1650,9.5090,6000\n";
  auto write = [&](const std::string& claims) {
    std::ofstream(dir / "claims.csv", std::ios::trunc) << "target,status,from,until,party,allowed,claimed_by,source_url,note\n"
                                                       << claims;
    std::ofstream(dir / "scenario.toml", std::ios::trunc)
        << "[scenario]\nname = \"Liechtenstein\"\nstart = \"2023-01-01\"\nend = \"2023-01-03\"\n"
        << "[network]\nroads = \"" << CORRIDOR_DATA_DIR << "/osm/liechtenstein.osm.pbf\"\n"
        << "[places]\nfile = \"places.csv\"\nsources = [\"balzers\"]\n"
        << "[parties]\nagency = \"Road agency\"\n[claims]\nfile = \"claims.csv\"\n"
        << "[supply]\nneeds = \"" << supply << "needs.toml\"\ncommodities = \"" << supply << "commodities.csv\"\n";
  };
  write("");
  auto open = load_scenario((dir / "scenario.toml").string());
  ASSERT_TRUE(open) << open.error().message;
  auto r0 = run(*open, {});
  ASSERT_TRUE(r0) << r0.error().message;
  EXPECT_EQ(r0->days[0].cut_off_population, 0);
  EXPECT_GT(r0->days[0].capacity_open, 0);
  // Close, from the second day, every road the bottleneck names: Schaan is then cut off.
  std::string claims;
  for (const auto& road : r0->days[0].bottleneck) {
    EXPECT_TRUE(std::all_of(road.begin(), road.end(), [](char c) { return c >= '0' && c <= '9'; })) << road;
    claims += road + ",closed,2023-01-02,,agency,,Road agency,https://example.org,\n";
  }
  write(claims);
  auto closed = load_scenario((dir / "scenario.toml").string());
  ASSERT_TRUE(closed) << closed.error().message;
  auto r1 = run(*closed, {});
  fs::remove_all(dir);
  ASSERT_TRUE(r1) << r1.error().message;
  EXPECT_EQ(r1->days[0].cut_off_population, 0);
  EXPECT_EQ(r1->days[1].cut_off_population, 6000);
  EXPECT_EQ(r1->days[1].capacity_open, 0);
}

// ---- bad input --------------------------------------------------------------------------------------

class BadInput : public ::testing::Test {
 protected:
  fs::path dir;
  void SetUp() override {
    dir = fs::temp_directory_path() / ("corridor_scenario_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir / "scenarios" / "case");
    for (const auto& e : fs::directory_iterator(kCaseDir)) fs::copy(e.path(), dir / "scenarios" / "case" / e.path().filename());
    fs::create_directories(dir / "supply");
    for (const auto& e : fs::directory_iterator(std::string(CORRIDOR_DATA_DIR) + "/supply")) {
      fs::copy(e.path(), dir / "supply" / e.path().filename());
    }
  }
  void TearDown() override { fs::remove_all(dir); }
  // Replaces the first occurrence of `from` in a file of the copied case.
  void edit(const std::string& file, const std::string& from, const std::string& to) {
    std::ifstream in(dir / "scenarios" / "case" / file);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    std::ofstream(dir / "scenarios" / "case" / file, std::ios::trunc) << text;
  }
  void append(const std::string& file, const std::string& line) {
    std::ofstream(dir / "scenarios" / "case" / file, std::ios::app) << line << "\n";
  }
  [[nodiscard]] std::size_t lines(const std::string& file) const {
    std::ifstream in(dir / "scenarios" / "case" / file);
    std::size_t n = 0;
    for (std::string l; std::getline(in, l);) ++n;
    return n;
  }
  std::string error() {
    auto s = load_scenario((dir / "scenarios" / "case" / "scenario.toml").string());
    EXPECT_FALSE(s);
    return s ? std::string() : s.error().message;
  }
};

TEST_F(BadInput, TheCopiedCaseLoads) {
  auto s = load_scenario((dir / "scenarios" / "case" / "scenario.toml").string());
  EXPECT_TRUE(s) << s.error().message;
}

TEST_F(BadInput, AClaimNamingAnUnknownRoad) {
  const std::size_t line = lines("claims.csv") + 1;
  append("claims.csv", "rd_nowhere,closed,,,2023-01-01,,,,nk,,Someone,,,https://example.org,");
  const std::string e = error();
  EXPECT_NE(e.find("claims.csv:" + std::to_string(line)), std::string::npos) << e;
  EXPECT_NE(e.find("unknown road or checkpoint 'rd_nowhere'"), std::string::npos) << e;
}

TEST_F(BadInput, OverlappingContradictoryRowsFromTheSameSource) {
  const std::size_t line = lines("claims.csv") + 1;
  append("claims.csv", "rd_goris_kornidzor,open,,,2023-01-01,2023-03-01,,,am_gov,,Armenian government,,,https://example.org,");
  append("claims.csv", "rd_goris_kornidzor,closed,,,2023-02-01,,30,,am_gov,,Armenian government,,,https://example.org,");
  const std::string e = error();
  EXPECT_NE(e.find("claims.csv:" + std::to_string(line + 1) + ": contradicts"), std::string::npos) << e;
  EXPECT_NE(e.find("claims.csv:" + std::to_string(line)), std::string::npos) << e;
  EXPECT_NE(e.find("am_gov"), std::string::npos) << e;
}

TEST_F(BadInput, APartyMayNotTakeAReservedName) {
  edit("scenario.toml", "[parties]\n", "[parties]\nall = \"Everyone\"\n");
  const std::string e = error();
  EXPECT_NE(e.find("'all' is reserved"), std::string::npos) << e;
  EXPECT_NE(e.find("scenario.toml:"), std::string::npos) << e;
}

TEST_F(BadInput, APopulationThatIsNotANumber) {
  edit("places.csv", ",75000,", ",seventy-five thousand,");
  const std::string e = error();
  EXPECT_NE(e.find("places.csv:2"), std::string::npos) << e;
  EXPECT_NE(e.find("population_2023"), std::string::npos) << e;
}

TEST_F(BadInput, UnknownStatusPartyCargoAndKeys) {
  edit("claims.csv", "rd_martakert_vardenis,closed,", "rd_martakert_vardenis,shut,");
  EXPECT_NE(error().find("claims.csv:2: column 'status'"), std::string::npos) << error();
  edit("claims.csv", "rd_martakert_vardenis,shut,", "rd_martakert_vardenis,closed,");
  edit("scenario.toml", "party = \"rrc\"", "party = \"red_cross\"");
  EXPECT_NE(error().find("unknown party 'red_cross'"), std::string::npos) << error();
  edit("scenario.toml", "party = \"red_cross\"", "party = \"rrc\"");
  edit("scenario.toml", "wheat_flour = 40", "wheat_flower = 40");
  EXPECT_NE(error().find("cargo 'wheat_flower' is not in the commodity table"), std::string::npos) << error();
  edit("scenario.toml", "wheat_flower = 40", "wheat_flour = 40");
  edit("scenario.toml", "snap_limit_m = 2000", "snap_limit = 2000");
  const std::string e = error();
  EXPECT_NE(e.find("scenario.toml:10: unknown field 'snap_limit'"), std::string::npos) << e;
}

}  // namespace
}  // namespace corridor::scenario
