#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "ledger/event.h"
#include "ledger/merkle.h"
#include "rules/engine.h"
#include "rules/draw.h"
#include "rules/genesis.h"
#include "rules/ledger.h"
#include "rules/projection.h"
#include "store/store.h"

namespace corridor::rules {
namespace {

using ledger::Event;
using nlohmann::json;

// A checkpoint regime: cp1 needs approvals from its operator and a monitor and prohibits arms.
std::string regime_toml(const std::string& cp, const std::string& op, bool approvals) {
  std::string t = "[checkpoint]\nid = \"" + cp + "\"\nname = \"" + cp + "\"\noperator = \"" + op +
                  "\"\nlat = 39.6\nlon = 46.5\n\n[[goods]]\nid = \"G-ARMS\"\nhs_prefix = [\"93\"]\naction = \"prohibited\"\n\n"
                  "[[goods]]\nid = \"G-FOOD\"\ncategory = [\"food\"]\naction = \"allowed\"\n";
  if (approvals) t += "\n[coordination]\nid = \"C-APPROVALS\"\napprovals = [\"" + op + "\", \"m1\"]\n";
  return t;
}

std::string declaration(const std::string& id, const std::string& sender, const std::string& cp, bool arms,
                        double quantity = 100) {
  json item = {{"description", arms ? "rifles" : "flour"}, {"quantity", quantity}, {"unit", "kg"}, {"net_kg", quantity}};
  if (arms) {
    item["hs"] = "9301";
  } else {
    item["category"] = "food";
    item["hs"] = "1101";
  }
  return json{{"id", id},           {"type", "food-aid"},        {"sender", sender},        {"receiver", "r1"},
              {"origin", "south"},  {"destination", "town"},     {"checkpoint", cp},        {"planned_arrival", "2023-07-03T08:00Z"},
              {"items", {item}}}
      .dump();
}

// Raw events, signed and chained by hand: what a store holds whatever wrote it.
struct Chain {
  std::map<std::string, ledger::KeyPair> keys;
  std::vector<Event> events;
  core::UnixSeconds clock = 1'688'000'000;

  ledger::KeyPair& key(const std::string& name) {
    auto [it, fresh] = keys.try_emplace(name);
    if (fresh) it->second = ledger::generate_keypair();
    return it->second;
  }
  Event make(const std::string& actor, const std::string& type, const std::string& subject, const std::string& payload,
             std::optional<core::UnixSeconds> time = std::nullopt) {
    Event e;
    e.seq = events.size() + 1;
    e.time = time.value_or(clock += 60);
    e.actor = actor;
    e.type = type;
    e.subject = subject;
    e.payload = payload;
    e.prev_hash = events.empty() ? ledger::kGenesisHash : events.back().hash;
    ledger::seal(e, key(actor).secret_key);
    return e;
  }
  Event& add(const std::string& actor, const std::string& type, const std::string& subject, const json& payload,
             std::optional<core::UnixSeconds> time = std::nullopt) {
    events.push_back(make(actor, type, subject, payload.dump(), time));
    return events.back();
  }
  // An inspection as its operator makes it: the draw over the declaration, the lane given or the
  // least it allows.
  json inspection(const std::string& op, const std::string& id, std::optional<std::string> lane = std::nullopt) {
    Engine e;
    for (const auto& ev : events) EXPECT_TRUE(e.fold(ev));
    json p = json::object();
    if (lane) p["lane"] = *lane;
    complete_inspection(draw_terms(e.state().consignments.at(id)), key(op).secret_key, p);
    return p;
  }
  void join(const std::string& name, const std::string& role) {
    add(name, kPartyRegistered, name, {{"name", name}, {"role", role}, {"public_key", ledger::to_hex(key(name).public_key)}});
  }
};

// A node's key and kept head in a fresh temporary folder.
NodeAnchor test_anchor(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("corridor_rules_" + name + "_" + std::to_string(::getpid()) + "_" + std::to_string(std::rand()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return NodeAnchor{(dir / "node.key").string(), (dir / "node.key.heads" / "store.json").string(), "memory"};
}

// Folds everything; the fold must be total for signed, chained events.
State fold(const std::vector<Event>& events, const std::map<std::string, ledger::PublicKey>* pinned = nullptr) {
  Engine e({0, pinned});
  for (const auto& ev : events) {
    auto ok = e.fold(ev);
    EXPECT_TRUE(ok) << ok.error().message;
  }
  return e.state();
}

const Violation* violation_at(const State& s, std::uint64_t seq) {
  for (const auto& v : s.violations) {
    if (v.seq == seq) return &v;
  }
  return nullptr;
}
// The rule an event broke, or "accepted".
std::string rule_at(const State& s, std::uint64_t seq) {
  const Violation* v = violation_at(s, seq);
  return v == nullptr ? "accepted" : v->rule;
}

// An open ledger with every role, two checkpoints with their regimes and a settlement.
Chain open_ledger() {
  EXPECT_TRUE(ledger::crypto_init());
  Chain c;
  for (auto [n, r] : std::vector<std::pair<const char*, const char*>>{{"s1", "sender"}, {"s2", "sender"}, {"op1", "checkpoint"},
                                                                      {"op2", "checkpoint"}, {"r1", "receiver"}, {"m1", "monitor"},
                                                                      {"a1", "analyst"}, {"ad", "admin"}}) {
    c.join(n, r);
  }
  for (auto [cp, op, appr] : std::vector<std::tuple<const char*, const char*, bool>>{{"cp1", "op1", true}, {"cp2", "op2", false}}) {
    const std::string t = regime_toml(cp, op, appr);
    c.add(op, kRegimePublished, cp, {{"checkpoint", cp}, {"sha256", ledger::to_hex(ledger::sha256(t))}, {"toml", t}});
  }
  c.add("r1", kSettlementRegistered, "town", {{"id", "town"}, {"name", "Town"}, {"population", 1000}});
  return c;
}

json declared_payload(const Chain& c, const std::string& decl, core::UnixSeconds at) {
  const State s = fold(c.events);
  auto p = declaration_payload(s, decl, at, "test");
  EXPECT_TRUE(p) << p.error().message;
  return json::parse(*p);
}

// ---- integrity ------------------------------------------------------------------------------------

TEST(Integrity, TamperingIsFoundAtTheFirstBadSeqFirstAndLastEventsIncluded) {
  const Chain base = open_ledger();
  const std::size_t n = base.events.size();
  auto check = [&](const std::function<void(std::vector<Event>&)>& tamper, std::uint64_t want_seq) {
    std::vector<Event> ev = base.events;
    tamper(ev);
    Engine e;
    core::Result<void> status;
    for (const auto& x : ev) {
      status = e.fold(x);
      if (!status) break;
    }
    ASSERT_FALSE(status) << "tampering went unnoticed";
    EXPECT_EQ(status.error().code, core::ErrorCode::kCorrupt);
    EXPECT_NE(status.error().message.find("seq " + std::to_string(want_seq) + ":"), std::string::npos) << status.error().message;
  };
  check([](auto& ev) { ev[0].payload = R"({"name":"s1","public_key":"00","role":"admin"})"; }, 1);  // the first event
  check([](auto& ev) { ev[0].time += 1; }, 1);
  check([](auto& ev) { ev[0].signature[3] = ev[0].signature[3] == 'a' ? 'b' : 'a'; }, 1);
  check([&](auto& ev) { ev[n - 1].payload = R"({"id":"town","name":"Town","population":99999})"; }, n);  // the last
  check([&](auto& ev) { ev[n - 1].actor = "m1"; }, n);
  check([](auto& ev) { ev.erase(ev.begin() + 2); }, 3);                                  // delete
  check([](auto& ev) { ev.insert(ev.begin() + 3, ev[2]); }, 4);                          // insert a copy
  check([](auto& ev) { std::swap(ev[2], ev[3]); }, 3);                                   // reorder
  check([](auto& ev) { std::swap(ev[2].seq, ev[3].seq); std::swap(ev[2], ev[3]); }, 3);  // reorder, renumbered
  check([](auto& ev) { ev.push_back(ev[4]); ev.back().seq = ev.size(); }, n + 1);        // replay
  // Re-hashing a changed event does not help without the actor's key.
  check([](auto& ev) {
    ev[5].payload = R"({"name":"s2","public_key":"00","role":"checkpoint"})";
    ev[5].hash = ledger::to_hex(ledger::sha256(ledger::canonical_bytes(ev[5])));
  }, 6);
  // An actor the ledger has no key for: nothing can check it, so it is a forgery.
  check([&](auto& ev) {
    Chain c;
    c.events = ev;
    c.keys = base.keys;
    c.add("stranger", kStockCounted, "town", {{"place", "town"}});
    ev = c.events;
  }, n + 1);
  EXPECT_TRUE(fold(base.events).violations.empty());
}

TEST(Integrity, PinnedKeysRejectASubstitutedRegistration) {
  Chain c = open_ledger();
  std::map<std::string, ledger::PublicKey> pinned{{"op1", ledger::generate_keypair().public_key}};
  Engine e({0, &pinned});
  core::Result<void> status;
  for (const auto& x : c.events) {
    status = e.fold(x);
    if (!status) break;
  }
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("seq 3:"), std::string::npos) << status.error().message;
  pinned["op1"] = c.key("op1").public_key;
  EXPECT_TRUE(fold(c.events, &pinned).violations.empty());
}

// ---- rules in an open ledger ----------------------------------------------------------------------

TEST(Rules, OnePartyCannotFabricateADeliveryAtAnotherPartysCheckpoint) {
  Chain c = open_ledger();
  // s1 publishes a copy of cp1's regime naming itself operator: refused (not its checkpoint, not its role).
  std::string t = regime_toml("cp1", "s1", false);
  const auto& pub = c.add("s1", kRegimePublished, "cp1", {{"checkpoint", "cp1"}, {"sha256", ledger::to_hex(ledger::sha256(t))}, {"toml", t}});
  const std::uint64_t pub_seq = pub.seq;
  // A new checkpoint-role party tries to take cp1 over.
  c.join("op3", "checkpoint");
  t = regime_toml("cp1", "op3", false);
  const std::uint64_t takeover = c.add("op3", kRegimePublished, "cp1", {{"checkpoint", "cp1"}, {"sha256", ledger::to_hex(ledger::sha256(t))}, {"toml", t}}).seq;
  const std::string d = declaration("c1", "s1", "cp2", false);
  c.add("s1", cargo::kDeclared, "c1", declared_payload(c, d, c.clock + 60));
  c.add("s1", cargo::kNotified, "c1", json::object());
  c.add("s1", cargo::kArrived, "c1", json::object());
  const std::uint64_t inspect = c.add("s1", cargo::kInspected, "c1", {{"lane", "green"}}).seq;
  const std::uint64_t deliver_early = c.add("s1", cargo::kDelivered, "c1", {{"received", {{{"item", 0}, {"quantity", 100}}}}}).seq;
  const State s = fold(c.events);
  EXPECT_EQ(rule_at(s, pub_seq), "K-REGIME");
  EXPECT_EQ(rule_at(s, takeover), "K-REGIME");
  EXPECT_EQ(s.checkpoints.at("cp1").operator_party, "op1");
  EXPECT_EQ(s.checkpoints.at("cp1").regimes.size(), 1u);
  EXPECT_EQ(rule_at(s, inspect), "C-ROLE");
  EXPECT_EQ(rule_at(s, deliver_early), "C-ROLE");
  EXPECT_EQ(s.consignments.at("c1").state, cargo::State::kArrived);
}

TEST(Rules, TheDeclarationIsDecidedUnderThePublishedRegimeAndItsRejectBinds) {
  Chain c = open_ledger();
  // A declaration whose recorded decision is not the regime's (the sender wrote "accept"): refused.
  const std::string arms = declaration("c1", "s1", "cp2", true);
  json forged = declared_payload(c, arms, c.clock + 60);
  ASSERT_EQ(forged["decision"]["verdict"], "reject");
  forged["decision"]["verdict"] = "accept";
  const std::uint64_t forged_seq = c.add("s1", cargo::kDeclared, "c1", forged, c.clock + 60).seq;
  // The honest one: rejected by the regime, and the reject binds.
  c.add("s1", cargo::kDeclared, "c1", declared_payload(c, arms, c.clock + 60));
  const std::uint64_t notify = c.add("s1", cargo::kNotified, "c1", json::object()).seq;
  const std::uint64_t stray_override = c.add("s2", cargo::kOverridden, "c1", {{"reason", "x"}}).seq;
  // The operator overrides with a reason, and it moves.
  c.add("op2", cargo::kOverridden, "c1", {{"reason", "hunting rifles for the wildlife service, permit 12"}});
  c.add("s1", cargo::kNotified, "c1", json::object());
  // Another: declared anew without the arms instead.
  c.add("s1", cargo::kDeclared, "c2", declared_payload(c, declaration("c2", "s1", "cp2", true), c.clock + 60));
  c.add("s1", cargo::kDeclared, "c2", declared_payload(c, declaration("c2", "s1", "cp2", false), c.clock + 60));
  c.add("s1", cargo::kNotified, "c2", json::object());
  const State s = fold(c.events);
  EXPECT_EQ(rule_at(s, forged_seq), "C-REGIME");
  EXPECT_EQ(rule_at(s, notify), "C-BIND");
  EXPECT_EQ(rule_at(s, stray_override), "C-ROLE");
  EXPECT_EQ(s.consignments.at("c1").state, cargo::State::kApproved);  // cp2 needs no approvals
  EXPECT_EQ(s.consignments.at("c1").verdict, "reject");
  EXPECT_FALSE(s.consignments.at("c1").blocked());
  EXPECT_EQ(s.consignments.at("c2").state, cargo::State::kApproved);
  EXPECT_EQ(s.consignments.at("c2").declarations, 2u);
}

TEST(Rules, ADeclarationCannotChooseAnOlderRegimeByItsDate) {
  Chain c = open_ledger();
  const core::UnixSeconds v2_from = c.clock + 86400;
  const std::string strict = regime_toml("cp2", "op2", true);
  const std::uint64_t v2 = c.add("op2", kRegimePublished, "cp2",
                                 {{"checkpoint", "cp2"}, {"sha256", ledger::to_hex(ledger::sha256(strict))}, {"toml", strict}},
                                 v2_from).seq;
  const std::string d = declaration("c1", "s1", "cp2", false);
  // Dated a day back, under the lenient regime: refused.
  const core::UnixSeconds back = v2_from - 3600;
  const std::uint64_t dodge = c.add("s1", cargo::kDeclared, "c1", declared_payload(c, d, back), back).seq;
  // Exactly at the tolerance before the new regime's time: still the old one, and accepted.
  const core::UnixSeconds edge = v2_from - cargo::kTimeTolerance;
  const std::uint64_t at_edge = c.add("s1", cargo::kDeclared, "c2", declared_payload(c, declaration("c2", "s1", "cp2", false), edge), edge).seq;
  const std::uint64_t now = c.add("s1", cargo::kDeclared, "c3", declared_payload(c, declaration("c3", "s1", "cp2", false), v2_from), v2_from).seq;
  const State s = fold(c.events);
  EXPECT_EQ(rule_at(s, v2), "accepted");
  EXPECT_EQ(rule_at(s, dodge), "L-TIME");
  EXPECT_EQ(rule_at(s, at_edge), "accepted");
  EXPECT_EQ(rule_at(s, now), "accepted");
  EXPECT_TRUE(s.consignments.at("c2").approvals_required.empty());     // decided under the old regime
  EXPECT_EQ(s.consignments.at("c3").approvals_required.size(), 2u);    // under the new one
}

TEST(Rules, DeliveriesNeverExceedWhatWasDeclaredAndEachLineAppearsOnce) {
  Chain c = open_ledger();
  c.add("s1", cargo::kDeclared, "c1", declared_payload(c, declaration("c1", "s1", "cp2", false, 20000), c.clock + 60));
  c.add("s1", cargo::kNotified, "c1", json::object());
  c.add("op2", cargo::kArrived, "c1", json::object());
  c.add("op2", cargo::kInspected, "c1", c.inspection("op2", "c1", "green"));
  c.add("op2", cargo::kCleared, "c1", json::object());
  const std::uint64_t sender_cross = c.add("s1", cargo::kCrossed, "c1", json::object()).seq;
  c.add("op2", cargo::kCrossed, "c1", json::object());
  const auto line = [](double q) { return json{{"item", 0}, {"quantity", q}}; };
  const std::uint64_t thrice = c.add("r1", cargo::kDelivered, "c1", {{"received", {line(20000), line(20000), line(20000)}}}).seq;
  const std::uint64_t over = c.add("r1", cargo::kDelivered, "c1", {{"received", {line(20000.5)}}}).seq;
  const std::uint64_t backwards = c.add("r1", cargo::kDelivered, "c1", {{"received", {line(100)}}}, c.clock - 3600).seq;
  const std::uint64_t wrong = c.add("m1", cargo::kDelivered, "c1", {{"received", {line(100)}}}).seq;
  c.add("r1", cargo::kDelivered, "c1", {{"received", {{{"item", 0}, {"quantity", 20000}, {"damaged", 50}}}}});  // exactly the declared
  const State s = fold(c.events);
  EXPECT_EQ(rule_at(s, sender_cross), "C-ROLE");
  EXPECT_EQ(rule_at(s, thrice), "C-QTY");
  EXPECT_EQ(rule_at(s, over), "C-QTY");
  EXPECT_EQ(rule_at(s, backwards), "L-TIME");
  EXPECT_EQ(rule_at(s, wrong), "C-ROLE");
  const auto& k = s.consignments.at("c1");
  EXPECT_EQ(k.state, cargo::State::kDelivered);
  EXPECT_DOUBLE_EQ(k.received.at(0), 19950);
}

TEST(Rules, StocksOnlyForKnownSettlementsByTheirReporters) {
  Chain c = open_ledger();
  const json count = {{"place", "town"}, {"date", "2023-06-29"}, {"commodity", "wheat-flour"}, {"tonnes", 12.5}};
  json nowhere = count;
  nowhere["place"] = "nowhere";
  const std::uint64_t typo = c.add("r1", kStockCounted, "nowhere", nowhere).seq;
  const std::uint64_t sender = c.add("s1", kStockCounted, "town", count).seq;
  const std::uint64_t ok = c.add("m1", kStockCounted, "town", count).seq;
  json minus = count;
  minus["tonnes"] = -1;
  const std::uint64_t negative = c.add("r1", kStockCounted, "town", minus).seq;
  const std::uint64_t self_settle = c.add("s1", kSettlementRegistered, "village", {{"id", "village"}}).seq;
  c.add("r1", kSettlementRegistered, "village", {{"id", "village"}, {"reporters", {"m1"}}});
  json village = count;
  village["place"] = "village";
  const std::uint64_t not_reporter = c.add("r1", kStockOpening, "village", village).seq;
  const State s = fold(c.events);
  EXPECT_EQ(rule_at(s, typo), "S-PLACE");
  EXPECT_EQ(rule_at(s, sender), "S-ROLE");
  EXPECT_EQ(rule_at(s, ok), "accepted");
  EXPECT_EQ(rule_at(s, negative), "L-PAYLOAD");
  EXPECT_EQ(rule_at(s, self_settle), "S-SETTLEMENT");
  EXPECT_EQ(rule_at(s, not_reporter), "S-ROLE");
  ASSERT_EQ(s.stocks.size(), 1u);
  EXPECT_EQ(s.stocks[0].seq, ok);
}

TEST(Rules, NamesAndPayloadsThatWouldMisleadAreRefused) {
  Chain c = open_ledger();
  const std::uint64_t newline = c.add("x\nfake", kPartyRegistered, "x\nfake",
                                      {{"name", "x\nfake"}, {"role", "sender"}, {"public_key", ledger::to_hex(c.key("x\nfake").public_key)}}).seq;
  const std::uint64_t path = c.add("../../x", kPartyRegistered, "../../x",
                                   {{"name", "../../x"}, {"role", "sender"}, {"public_key", ledger::to_hex(c.key("../../x").public_key)}}).seq;
  const std::uint64_t bidi = c.add("ok-name", kPartyRegistered, "ok-name",
                                   {{"name", "ok-name"}, {"role", "sender"}, {"display_name", "ICRC\u202Egnp.exe"},
                                    {"public_key", ledger::to_hex(c.key("ok-name").public_key)}}).seq;
  const std::uint64_t unknown = c.add("s1", "consignment.teleported", "c1", json::object()).seq;
  // A payload nested too deep, properly signed: a rule matter, not a crash.
  c.events.push_back(c.make("s1", cargo::kNotified, "c1", std::string(70, '[') + std::string(70, ']')));
  const std::uint64_t deep = c.events.back().seq;
  const State s = fold(c.events);
  EXPECT_EQ(rule_at(s, newline), "P-JOIN");
  EXPECT_EQ(rule_at(s, path), "P-JOIN");
  EXPECT_EQ(rule_at(s, bidi), "P-JOIN");
  EXPECT_EQ(rule_at(s, unknown), "L-TYPE");
  EXPECT_EQ(rule_at(s, deep), "L-PAYLOAD");
  EXPECT_FALSE(s.members.contains("x\nfake"));
}

// ---- a governed ledger ----------------------------------------------------------------------------

struct Founders {
  Chain chain;
  Genesis g;
};

Founders governed(std::optional<core::UnixSeconds> history_from = std::nullopt) {
  EXPECT_TRUE(ledger::crypto_init());
  Founders f;
  f.g.name = "trial";
  f.g.created = 1'688'000'000;
  f.g.history_from = history_from;
  f.g.admit = {"ocha"};
  for (auto [n, r] : std::vector<std::pair<const char*, const char*>>{{"ocha", "admin"}, {"s1", "sender"}, {"op1", "checkpoint"},
                                                                      {"r1", "receiver"}, {"m1", "monitor"}}) {
    f.g.parties.push_back({n, r, "", f.chain.key(n).public_key});
  }
  f.g.checkpoints.push_back({"cp1", "Bridge", "op1"});
  f.g.settlements.push_back({"town", "Town", 1000, {"r1"}});
  std::vector<GenesisSignature> sigs;
  const auto d = genesis_digest(f.g);
  for (const auto& p : f.g.parties) sigs.push_back({p.name, d, ledger::sign(f.chain.key(p.name).secret_key, d)});
  auto payload = genesis_payload(f.g, sigs);
  EXPECT_TRUE(payload) << payload.error().message;
  f.chain.events.push_back(f.chain.make("ocha", kGenesis, "trial", *payload, f.g.created));
  return f;
}

TEST(Governed, TheGenesisDecidesWhoJoinsWhoOperatesAndWhoCounts) {
  Founders f = governed();
  Chain& c = f.chain;
  const std::uint64_t self = c.add("x1", kPartyRegistered, "x1",
                                   {{"name", "x1"}, {"role", "sender"}, {"public_key", ledger::to_hex(c.key("x1").public_key)}}).seq;
  const std::uint64_t by_sender = c.add("s1", kPartyAdmitted, "x2",
                                        {{"name", "x2"}, {"role", "sender"}, {"public_key", ledger::to_hex(c.key("x2").public_key)}}).seq;
  c.add("ocha", kPartyAdmitted, "s2", {{"name", "s2"}, {"role", "sender"}, {"public_key", ledger::to_hex(c.key("s2").public_key)}});
  const std::string t = regime_toml("cp1", "op1", false);
  c.add("op1", kRegimePublished, "cp1", {{"checkpoint", "cp1"}, {"sha256", ledger::to_hex(ledger::sha256(t))}, {"toml", t}});
  const std::string t2 = regime_toml("cp9", "op1", false);
  const std::uint64_t unregistered = c.add("op1", kRegimePublished, "cp9",
                                           {{"checkpoint", "cp9"}, {"sha256", ledger::to_hex(ledger::sha256(t2))}, {"toml", t2}}).seq;
  const json count = {{"place", "town"}, {"date", "2023-06-29"}, {"commodity", "wheat-flour"}, {"tonnes", 1}};
  const std::uint64_t monitor = c.add("m1", kStockCounted, "town", count).seq;  // not a reporter of town
  c.add("r1", kStockCounted, "town", count);
  // Key rotation: signed with the old key, proven by the new.
  const ledger::KeyPair next = ledger::generate_keypair();
  const ledger::Signature proof = ledger::sign(next.secret_key, rotation_digest("s2", c.key("s2").public_key, next.public_key));
  c.add("s2", kKeyRotated, "s2", {{"public_key", ledger::to_hex(next.public_key)}, {"proof", ledger::to_hex(proof)}});
  const ledger::KeyPair old = c.keys["s2"];
  c.keys["s2"] = next;
  c.add("s2", cargo::kDeclared, "c1", declared_payload(c, declaration("c1", "s2", "cp1", false), c.clock + 60));
  c.add("ocha", kPartyRevoked, "s2", {{"reason", "left the operation"}});
  const std::uint64_t after_revoke = c.add("s2", cargo::kNotified, "c1", json::object()).seq;
  const State s = fold(c.events);
  EXPECT_EQ(s.mode, Mode::kGoverned);
  EXPECT_EQ(rule_at(s, self), "P-JOIN");
  EXPECT_EQ(rule_at(s, by_sender), "P-JOIN");
  EXPECT_EQ(rule_at(s, unregistered), "K-CHECKPOINT");
  EXPECT_EQ(rule_at(s, monitor), "S-ROLE");
  EXPECT_EQ(rule_at(s, after_revoke), "P-MEMBER");
  EXPECT_EQ(s.members.at("s2").key, next.public_key);
  EXPECT_EQ(s.consignments.at("c1").state, cargo::State::kDeclared);
  EXPECT_EQ(s.stocks.size(), 1u);
  // After the rotation the old key signs nothing: an event with it is a forgery.
  Chain forged = c;
  forged.keys["s2"] = old;
  forged.events.pop_back();
  forged.events.pop_back();
  forged.add("s2", cargo::kNotified, "c1", json::object());
  Engine e;
  core::Result<void> status;
  for (const auto& x : forged.events) {
    status = e.fold(x);
    if (!status) break;
  }
  EXPECT_FALSE(status);
}

TEST(Governed, AGenesisMissingAFoundersSignatureIsNoLedger) {
  Founders f = governed();
  json p = json::parse(f.chain.events[0].payload);
  p["signatures"].erase("m1");
  Chain c;
  c.keys = f.chain.keys;
  c.events.push_back(c.make("ocha", kGenesis, "trial", p.dump(), f.g.created));
  Engine e;
  auto r = e.fold(c.events[0]);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kCorrupt);
  // And genesis_payload refuses to make one.
  EXPECT_FALSE(genesis_payload(f.g, {}));
}

// ---- the random inspection draw (issue 24 item 8) --------------------------------------------------

TEST(Draw, TheOperatorsSignatureDrawsAndTheLaneMustHonourIt) {
  Chain c = open_ledger();
  // cp3: every consignment drawn (rate 1) for the red lane; cp4: none drawn, a rule sets yellow.
  const std::string every = "[checkpoint]\nid = \"cp3\"\nname = \"cp3\"\noperator = \"op1\"\nlat = 39.6\nlon = 46.5\n\n"
                            "[[goods]]\nid = \"G-FOOD\"\ncategory = [\"food\"]\naction = \"allowed\"\n\n"
                            "[inspection]\nid = \"I-RANDOM\"\nrandom_rate = 1.0\nrandom_lane = \"red\"\n";
  const std::string none = "[checkpoint]\nid = \"cp4\"\nname = \"cp4\"\noperator = \"op2\"\nlat = 39.6\nlon = 46.5\n\n"
                           "[[goods]]\nid = \"G-FOOD\"\ncategory = [\"food\"]\naction = \"allowed\"\n\n"
                           "[inspection]\nid = \"I-RANDOM\"\nrandom_rate = 0.0\n\n"
                           "[[inspection.rules]]\nid = \"I-FOOD\"\ncategory = [\"food\"]\nlane = \"yellow\"\n";
  for (const auto& [cp, op, t] : std::vector<std::tuple<std::string, std::string, std::string>>{{"cp3", "op1", every}, {"cp4", "op2", none}}) {
    c.add(op, kRegimePublished, cp, {{"checkpoint", cp}, {"sha256", ledger::to_hex(ledger::sha256(t))}, {"toml", t}});
  }
  for (const auto& [id, cp, op] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"c1", "cp3", "op1"}, {"c2", "cp3", "op1"}, {"c3", "cp4", "op2"}}) {
    c.add("s1", cargo::kDeclared, id, declared_payload(c, declaration(id, "s1", cp, false), c.clock + 60));
    c.add("s1", cargo::kNotified, id, json::object());
    c.add(op, cargo::kArrived, id, json::object());
  }
  const json c1_red = c.inspection("op1", "c1");
  json green = c1_red;
  green["lane"] = "green";
  const std::uint64_t drawn_green = c.add("op1", cargo::kInspected, "c1", green).seq;
  json by_sender = json{{"lane", "red"}};
  complete_inspection(draw_terms(fold(c.events).consignments.at("c1")), c.key("s1").secret_key, by_sender);
  const std::uint64_t senders_draw = c.add("op1", cargo::kInspected, "c1", by_sender).seq;
  json other_decl = c1_red;  // c1's draw carried over to c2
  const std::uint64_t replayed = c.add("op1", cargo::kInspected, "c2", other_decl).seq;
  const std::uint64_t no_draw = c.add("op1", cargo::kInspected, "c2", {{"lane", "red"}}).seq;
  const std::uint64_t red = c.add("op1", cargo::kInspected, "c1", c1_red).seq;
  const std::uint64_t rule_green = c.add("op2", cargo::kInspected, "c3", c.inspection("op2", "c3", "green")).seq;
  const std::uint64_t rule_yellow = c.add("op2", cargo::kInspected, "c3", c.inspection("op2", "c3")).seq;
  const State s = fold(c.events);
  EXPECT_EQ(rule_at(s, drawn_green), "C-DRAW");
  EXPECT_NE(violation_at(s, drawn_green)->message.find("drawn for inspection"), std::string::npos);
  EXPECT_EQ(rule_at(s, senders_draw), "C-DRAW");
  EXPECT_EQ(rule_at(s, replayed), "C-DRAW");
  EXPECT_EQ(rule_at(s, no_draw), "C-DRAW");
  EXPECT_EQ(rule_at(s, red), "accepted");
  EXPECT_EQ(rule_at(s, rule_green), "C-DRAW");
  EXPECT_EQ(rule_at(s, rule_yellow), "accepted");
  const auto& k1 = s.consignments.at("c1");
  EXPECT_EQ(k1.lane, "red");
  EXPECT_TRUE(k1.draw_selected);
  // Anyone recomputes the value from the signature in the log with the operator's public key.
  auto again = check_draw(draw_terms(k1), c.key("op1").public_key, c1_red["draw"].get<std::string>());
  ASSERT_TRUE(again);
  EXPECT_DOUBLE_EQ(*k1.draw_value, again->value);
  EXPECT_EQ(s.consignments.at("c3").lane, "yellow");
  EXPECT_FALSE(s.consignments.at("c3").draw_selected);
}

TEST(Draw, TheSenderCannotChooseTheOutcomeByTheId) {
  // The value depends on the operator's key and the declaration's event hash; over many
  // declarations it is uniform, whatever ids the sender picks.
  ASSERT_TRUE(ledger::crypto_init());
  const ledger::KeyPair op = ledger::generate_keypair();
  int selected = 0;
  for (int i = 0; i < 4000; ++i) {
    DrawTerms t{ledger::to_hex(ledger::sha256("declaration " + std::to_string(i))), 0.1, "green", "red"};
    const Draw d = make_draw(t, op.secret_key);
    ASSERT_GE(d.value, 0.0);
    ASSERT_LT(d.value, 1.0);
    EXPECT_EQ(d.selected, d.value < 0.1);
    EXPECT_EQ(d.required_lane, d.selected ? "red" : "green");
    selected += d.selected;
  }
  EXPECT_NEAR(selected, 400, 80);  // 10% of 4,000 within four standard deviations
  // A rate of exactly 0 draws nothing and of 1 draws everything.
  DrawTerms zero{"ab", 0.0, "yellow", "red"}, one{"ab", 1.0, "green", "yellow"};
  EXPECT_FALSE(make_draw(zero, op.secret_key).selected);
  EXPECT_EQ(make_draw(zero, op.secret_key).required_lane, "yellow");
  EXPECT_TRUE(make_draw(one, op.secret_key).selected);
  EXPECT_EQ(make_draw(one, op.secret_key).required_lane, "yellow");
}

// ---- time: no back-dating unless the genesis takes history, and then marked ----------------------

json count_of(const std::string& date) {
  return {{"place", "town"}, {"date", date}, {"commodity", "wheat-flour"}, {"tonnes", 1}};
}
std::string publication(const std::string& cp, const std::string& op) {
  const std::string t = regime_toml(cp, op, false);
  return json{{"checkpoint", cp}, {"sha256", ledger::to_hex(ledger::sha256(t))}, {"toml", t}}.dump();
}

TEST(Time, AGovernedLedgerTakesNothingDatedBeforeWhatItHasReached) {
  Founders f = governed();
  Chain& c = f.chain;
  const core::UnixSeconds g = f.g.created;  // 2023-06-29T00:53:20Z
  c.add("ocha", kPartyAdmitted, "s2", {{"name", "s2"}, {"role", "sender"}, {"public_key", ledger::to_hex(c.key("s2").public_key)}},
        g + 3600);
  // Before the genesis, before the admission of its actor, before the event before (beyond 300 s).
  const std::uint64_t before_genesis = c.add("op1", kRegimePublished, "cp1", json::parse(publication("cp1", "op1")), g - 86400).seq;
  const std::uint64_t one_over = c.add("op1", kRegimePublished, "cp1", json::parse(publication("cp1", "op1")), g + 3600 - 301).seq;
  const std::uint64_t at_tolerance = c.add("op1", kRegimePublished, "cp1", json::parse(publication("cp1", "op1")), g + 3600 - 300).seq;
  const std::uint64_t declared_1960 =
      c.add("s2", cargo::kDeclared, "c1", declared_payload(c, declaration("c1", "s2", "cp1", false), g + 3600), -315'619'200).seq;
  // A count of a day that has not begun, and of more than a week before the day it is recorded.
  const std::uint64_t future_day = c.add("r1", kStockCounted, "town", count_of("2023-07-01"), g + 3600).seq;
  const std::uint64_t next_day = c.add("r1", kStockCounted, "town", count_of("2023-06-30"), g + 3600).seq;
  const std::uint64_t week = c.add("r1", kStockCounted, "town", count_of("2023-06-22"), g + 3600).seq;
  const std::uint64_t eight_days = c.add("r1", kStockCounted, "town", count_of("2023-06-21"), g + 3600).seq;
  const std::uint64_t year_9999 = c.add("r1", kStockCounted, "town", count_of("9999-12-31"), g + 3600).seq;
  const std::uint64_t year_1900 = c.add("r1", kStockCounted, "town", count_of("1900-01-01"), g + 3600).seq;
  const State s = fold(c.events);
  EXPECT_EQ(rule_at(s, before_genesis), "L-TIME");
  EXPECT_EQ(rule_at(s, one_over), "L-TIME");
  EXPECT_EQ(rule_at(s, at_tolerance), "accepted");
  EXPECT_EQ(rule_at(s, declared_1960), "L-TIME");
  EXPECT_EQ(rule_at(s, future_day), "L-TIME");
  EXPECT_EQ(rule_at(s, next_day), "accepted");
  EXPECT_EQ(rule_at(s, week), "accepted");
  EXPECT_EQ(rule_at(s, eight_days), "L-TIME");
  EXPECT_EQ(rule_at(s, year_9999), "L-TIME");
  EXPECT_EQ(rule_at(s, year_1900), "L-TIME");
  EXPECT_NE(violation_at(s, one_over)->message.find("history_from"), std::string::npos);
  EXPECT_TRUE(s.late.empty());
  EXPECT_EQ(s.reached, g + 3600);
  EXPECT_EQ(s.stocks.size(), 2u);
}

TEST(Time, AGenesisWithHistoryFromTakesThatPastAndMarksEveryEventOfIt) {
  const core::UnixSeconds from = 1'688'000'000 - 400 * 86400;
  Founders f = governed(from);
  Chain& c = f.chain;
  const core::UnixSeconds g = f.g.created;
  c.add("op1", kRegimePublished, "cp1", json::parse(publication("cp1", "op1")), g + 60);
  const std::uint64_t published_late =
      c.add("op1", kRegimePublished, "cp1", json::parse(publication("cp1", "op1")), from + 86400).seq;
  const std::uint64_t declared = c.add("s1", cargo::kDeclared, "c1",
                                       declared_payload(c, declaration("c1", "s1", "cp1", false), from + 2 * 86400), from + 2 * 86400).seq;
  const std::uint64_t notified = c.add("s1", cargo::kNotified, "c1", json::object(), from + 2 * 86400 + 60).seq;
  const std::uint64_t before_history = c.add("op1", kRegimePublished, "cp1", json::parse(publication("cp1", "op1")), from - 1).seq;
  const std::uint64_t at_history = c.add("op1", kRegimePublished, "cp1", json::parse(publication("cp1", "op1")), from).seq;
  const std::uint64_t old_count = c.add("r1", kStockCounted, "town", count_of("2022-06-01"), g + 120).seq;  // 393 days back
  const std::uint64_t too_old = c.add("r1", kStockCounted, "town", count_of("2022-05-24"), g + 120).seq;    // before history_from
  const std::uint64_t fresh = c.add("r1", kStockCounted, "town", count_of("2023-06-29"), g + 180).seq;
  const State s = fold(c.events);
  EXPECT_EQ(rule_at(s, published_late), "accepted");
  EXPECT_EQ(rule_at(s, declared), "accepted");
  EXPECT_EQ(rule_at(s, notified), "accepted");
  EXPECT_EQ(rule_at(s, before_history), "L-TIME");
  EXPECT_EQ(rule_at(s, at_history), "accepted");
  EXPECT_EQ(rule_at(s, old_count), "accepted");
  EXPECT_EQ(rule_at(s, too_old), "L-TIME");
  EXPECT_EQ(rule_at(s, fresh), "accepted");
  EXPECT_EQ(s.late, (std::vector<std::uint64_t>{published_late, declared, notified, at_history, old_count}));
  EXPECT_FALSE(s.recorded_late(fresh));
  EXPECT_EQ(s.consignments.at("c1").late_steps, 2u);
  const auto& regimes = s.checkpoints.at("cp1").regimes;
  ASSERT_EQ(regimes.size(), 3u);
  EXPECT_FALSE(regimes[0].late);
  EXPECT_TRUE(regimes[1].late);
  EXPECT_TRUE(s.stocks.at(0).late);
  EXPECT_FALSE(s.stocks.at(1).late);
  // The genesis says where its history begins, never after it was created; its event carries its date.
  Genesis later = f.g;
  later.history_from = later.created + 1;
  EXPECT_FALSE(parse_genesis_document(genesis_document(later), "test"));
  Founders redated = governed(from);
  json p = json::parse(redated.chain.events[0].payload);
  Chain r;
  r.keys = redated.chain.keys;
  r.events.push_back(r.make("ocha", kGenesis, "trial", p.dump(), redated.g.created + 1));
  Engine e;
  auto folded = e.fold(r.events[0]);
  ASSERT_FALSE(folded);
  EXPECT_NE(folded.error().message.find("created"), std::string::npos);
}

TEST(Time, ExtremeTimesPlainDaysAndADeclarationAnewKeepItsMarks) {
  const core::UnixSeconds from = 1'688'000'000 - 400 * 86400;
  Founders f = governed(from);
  Chain& c = f.chain;
  const core::UnixSeconds g = f.g.created;
  c.add("op1", kRegimePublished, "cp1", json::parse(publication("cp1", "op1")), from + 60);
  // Outside the years 0001 to 9999: refused, whatever the ledger allows (no arithmetic overflows).
  const std::uint64_t year_10000 = c.add("r1", kStockCounted, "town", count_of("2023-06-29"), kLatestTime + 1).seq;
  const std::uint64_t year_0 = c.add("op1", kRegimePublished, "cp1", json::parse(publication("cp1", "op1")), kEarliestTime - 1).seq;
  const std::uint64_t at_last = c.add("op1", kRegimePublished, "cp1", json::parse(publication("cp1", "op1")), kEarliestTime).seq;
  // A stock date is a day: no time, no offset to move the day checked away from the day written.
  const std::uint64_t offset = c.add("r1", kStockCounted, "town", count_of("2023-07-01T00:00+14:00"), g + 60).seq;
  // Back-dated steps of a consignment stay counted when it is declared anew.
  c.add("s1", cargo::kDeclared, "c1", declared_payload(c, declaration("c1", "s1", "cp1", false), from + 86400), from + 86400);
  c.add("op1", cargo::kRejected, "c1", {{"reason", "papers"}}, from + 86400 + 60);
  c.add("s1", cargo::kDeclared, "c1", declared_payload(c, declaration("c1", "s1", "cp1", false), g + 120), g + 120);
  const State s = fold(c.events);
  EXPECT_EQ(rule_at(s, year_10000), "L-TIME");
  EXPECT_EQ(rule_at(s, year_0), "L-TIME");
  EXPECT_EQ(rule_at(s, at_last), "L-TIME");  // in range, but before history_from
  EXPECT_EQ(rule_at(s, offset), "L-PAYLOAD");
  EXPECT_EQ(s.consignments.at("c1").declarations, 2u);
  EXPECT_EQ(s.consignments.at("c1").late_steps, 2u);
}

TEST(Time, AnOpenLedgerTakesBackDatedEventsAndMarksThem) {
  Chain c = open_ledger();
  const std::uint64_t first = c.events.size();
  const std::uint64_t in_1960 = c.add("op1", kRegimePublished, "cp1", json::parse(publication("cp1", "op1")), -315'619'200).seq;
  const State s = fold(c.events);
  EXPECT_EQ(rule_at(s, in_1960), "accepted");
  EXPECT_EQ(s.late, std::vector<std::uint64_t>{in_1960});
  EXPECT_TRUE(s.checkpoints.at("cp1").regimes.back().late);
  EXPECT_EQ(s.reached_seq, first);  // a back-dated event does not move what the log has reached
}

// ---- the node: append, race, import, heads ------------------------------------------------------

ledger::Signer signer(Chain& c, const std::string& name, const std::string& role) { return {name, role, c.key(name)}; }

TEST(Node, CheckAndAppendAreOneStepAndTwoRacersCannotBothWin) {
  Chain c = open_ledger();
  store::MemoryStore store;
  ASSERT_TRUE(store.append(c.events));
  c.add("s1", cargo::kDeclared, "c1", declared_payload(c, declaration("c1", "s1", "cp2", false), c.clock + 60));
  ASSERT_TRUE(store.append(std::span(c.events).last(1)));
  auto a = Ledger::open(store);
  auto b = Ledger::open(store);  // both see the consignment declared
  ASSERT_TRUE(a && b);
  const auto s1 = signer(c, "s1", "sender");
  ASSERT_TRUE(a->append(s1, {cargo::kNotified, "c1", "{}", c.clock + 120}));
  auto lost = b->append(s1, {cargo::kNotified, "c1", "{}", c.clock + 121});
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().rule, "C-STATE");
  EXPECT_EQ(lost.error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(*store.size(), c.events.size() + 1);
  auto again = Ledger::open(store);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->state().violations.empty());
  // The projection written with the append equals one computed from scratch.
  EXPECT_EQ(*store.rows(kConsignmentProjection), projection_rows(again->state()));
  // A future date, a wrong key and a stranger are refused before anything is written.
  EXPECT_EQ(a->append(s1, {cargo::kArrived, "c1", "{}", core::now_unix() + 3600}).error().rule, "L-TIME");
  ledger::Signer wrong = s1;
  wrong.keys = ledger::generate_keypair();
  EXPECT_EQ(a->append(wrong, {cargo::kArrived, "c1", "{}", c.clock + 200}).error().rule, "P-KEY");
  EXPECT_EQ(a->append({"zz", "sender", ledger::generate_keypair()}, {cargo::kArrived, "c1", "{}", c.clock + 200}).error().rule, "P-MEMBER");
  // Issue 24, item 1: the member's public key beside a seed that is not its own (what a key file
  // forged from `party list` holds). The P-KEY check on the public half passes; the signature made
  // does not verify under the ledger's key, so it is refused before the transaction commits.
  ledger::Signer forged = s1;
  const ledger::KeyPair random = ledger::generate_keypair();
  std::copy(random.secret_key.begin(), random.secret_key.begin() + 32, forged.keys.secret_key.begin());
  EXPECT_FALSE(ledger::keys_match(forged.keys));
  EXPECT_TRUE(ledger::keys_match(s1.keys));
  auto impersonated = a->append(forged, {cargo::kArrived, "c1", "{}", c.clock + 200});
  ASSERT_FALSE(impersonated);
  EXPECT_EQ(impersonated.error().rule, "P-KEY");
  EXPECT_NE(impersonated.error().message.find("does not verify"), std::string::npos) << impersonated.error().message;
  EXPECT_EQ(*store.size(), c.events.size() + 1);
  // A batch: the first event's signature already fails, nothing of the batch is stored.
  auto batch = a->append(forged, [&](const State&) -> core::Result<std::vector<Ledger::Draft>> {
    return std::vector<Ledger::Draft>{{cargo::kArrived, "c1", "{}", c.clock + 200}};
  });
  ASSERT_FALSE(batch);
  EXPECT_EQ(*store.size(), c.events.size() + 1);
  // The honest key still appends (the check refuses the forgery, not every key).
  ASSERT_TRUE(a->append(s1, {cargo::kArrived, "c1", "{}", c.clock + 200}));
  EXPECT_EQ(*store.size(), c.events.size() + 2);
}

TEST(Node, APoisonedImportIsRefusedWholeAndAForkIsNamed) {
  Chain c = open_ledger();
  c.add("s1", cargo::kDeclared, "c1", declared_payload(c, declaration("c1", "s1", "cp2", false), c.clock + 60));
  store::MemoryStore store;
  ASSERT_TRUE(store.append(c.events));
  const auto before = store.events();
  // A validly signed delivery by a monitor, for a consignment only declared.
  Chain poisoned = c;
  poisoned.add("s1", cargo::kNotified, "c1", json::object());
  poisoned.add("m1", cargo::kDelivered, "c1", {{"received", json::array()}});
  auto l = Ledger::open(store);
  ASSERT_TRUE(l);
  auto r = l->import(poisoned.events, std::nullopt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().rule, "C-ROLE");
  EXPECT_EQ(store.events(), before);
  // A fork at seq 3.
  Chain fork = c;
  fork.events.resize(2);
  fork.join("zz", "sender");
  while (fork.events.size() < c.events.size() + 2) fork.join("zz" + std::to_string(fork.events.size()), "sender");
  auto f = l->import(fork.events, std::nullopt);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find("forks this ledger at seq 3"), std::string::npos) << f.error().message;
  EXPECT_EQ(store.events(), before);
  // The honest extension goes in.
  Chain more = c;
  more.add("s1", cargo::kNotified, "c1", json::object());
  auto ok = l->import(more.events, std::nullopt);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->appended, 1u);
}

TEST(Node, ATruncatedOrForkedLogIsCaughtByTheHeadKeptAndByTheNodesOwnNote) {
  Chain c = open_ledger();
  for (int i = 0; i < 20; ++i) {
    c.add("r1", kStockCounted, "town", {{"place", "town"}, {"date", "2023-06-29"}, {"commodity", "wf"}, {"tonnes", i}});
  }
  store::MemoryStore store;
  ASSERT_TRUE(store.append(c.events));
  auto l = Ledger::open(store);
  ASSERT_TRUE(l);
  const ledger::KeyPair node = ledger::generate_keypair();
  auto head = l->head(node, 1'700'000'000);
  ASSERT_TRUE(head);
  ASSERT_TRUE(ledger::check_head(*head, "head"));
  ASSERT_TRUE(l->check_head(*head));
  const std::size_t n = c.events.size();
  ASSERT_EQ(n, 31u);
  // Proofs from the store verify against the head.
  for (std::uint64_t seq : {std::uint64_t{1}, std::uint64_t{12}, std::uint64_t{n}}) {
    auto path = l->inclusion_proof(seq, n);
    ASSERT_TRUE(path);
    const auto leaf = *store::leaf_of(c.events[seq - 1]);
    EXPECT_TRUE(ledger::merkle::verify_inclusion(seq - 1, n, leaf, *path, head->root)) << seq;
  }
  // Cut the last three events off: the node's own signed note of what it verified catches it...
  const NodeAnchor anchor = test_anchor("truncated");
  // A store filled elsewhere has no head of this node's: it is refused until every signature is
  // verified (ledger verify), which signs one.
  ASSERT_FALSE(Ledger::open(store, {false, nullptr, anchor}));
  ASSERT_TRUE(Ledger::open(store, {true, nullptr, anchor}));
  store.events().resize(n - 3);
  auto cut = Ledger::open(store, {false, nullptr, anchor});
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.error().message.find("events " + std::to_string(n - 2) + ".." + std::to_string(n) + " are missing"),
            std::string::npos) << cut.error().message;
  // ...so does the head it keeps outside the store, when the store is swapped for one without notes...
  {
    store::MemoryStore swapped;
    ASSERT_TRUE(swapped.append(std::span(c.events).first(n - 3)));
    auto older = Ledger::open(swapped, {true, nullptr, anchor});  // even verifying every signature
    ASSERT_FALSE(older);
    EXPECT_EQ(older.error().code, core::ErrorCode::kCorrupt);
    EXPECT_NE(older.error().message.find("replaced by an older copy"), std::string::npos) << older.error().message;
  }
  // ...and when the note is gone too and the node has no head of it, the head a party kept still does.
  store::MemoryStore bare;
  ASSERT_TRUE(bare.append(std::span(c.events).first(n - 3)));
  auto fresh = Ledger::open(bare);
  ASSERT_TRUE(fresh);
  auto missing = fresh->check_head(*head);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("events " + std::to_string(n - 2) + ".." + std::to_string(n) + " are missing"),
            std::string::npos) << missing.error().message;
  // A log rewritten from event 12 on (a fork, re-signed by the parties' keys): the head names the range.
  Chain other = c;
  other.events.resize(11);
  for (std::size_t i = 11; i < n; ++i) {
    other.add("r1", kStockCounted, "town", {{"place", "town"}, {"date", "2023-06-30"}, {"commodity", "wf"}, {"tonnes", 1}});
  }
  store::MemoryStore forked;
  ASSERT_TRUE(forked.append(other.events));
  auto lf = Ledger::open(forked);
  ASSERT_TRUE(lf);
  auto diff = lf->check_head(*head);
  ASSERT_FALSE(diff);
  EXPECT_NE(diff.error().message.find("a fork"), std::string::npos) << diff.error().message;
  // 31 events are subtrees over 1..16, 17..24, 25..28, 29..30 and 31: event 12 lies in the first.
  EXPECT_NE(diff.error().message.find("within events 1..16"), std::string::npos) << diff.error().message;
}

// Issue 24, item 2: what a node trusts in its store is a head signed by its own key. A store with
// events and no such note (deleted, unsigned, another node's, re-dated) is refused; `ledger verify`
// (every signature verified) signs a fresh one, and reads work again.
TEST(Node, OnlyAHeadSignedByTheNodeIsTrusted) {
  Chain c = open_ledger();
  store::MemoryStore store;
  ASSERT_TRUE(store.append(c.events));
  const NodeAnchor anchor = test_anchor("notes");
  auto first = Ledger::open(store, {true, nullptr, anchor});
  ASSERT_TRUE(first);
  EXPECT_EQ(first->signatures_verified(), c.events.size());
  const std::string good = **store.note("verified_head");
  auto parsed = ledger::parse_head(good, "note");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->size, c.events.size());
  // Trusted on the next open: no signature verified again.
  auto second = Ledger::open(store, {false, nullptr, anchor});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->signatures_verified(), 0u);
  ledger::TreeHead redated = *parsed;
  redated.time += 1;
  ledger::TreeHead foreign = *parsed;
  ledger::sign_head(foreign, "node", ledger::generate_keypair());
  const json unsigned_note = {{"size", parsed->size}, {"root", ledger::to_hex(parsed->root)}};
  for (const std::string& note : {unsigned_note.dump(), ledger::head_json(redated), ledger::head_json(foreign), std::string("{")}) {
    ASSERT_TRUE(store.set_note("verified_head", note));
    auto refused = Ledger::open(store, {false, nullptr, anchor});
    ASSERT_FALSE(refused) << note;
    EXPECT_EQ(refused.error().code, core::ErrorCode::kCorrupt);
    EXPECT_NE(refused.error().message.find("ledger verify"), std::string::npos) << refused.error().message;
    // Without an anchor nothing is trusted, so nothing is refused for the note: every signature is verified.
    auto bare = Ledger::open(store);
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->signatures_verified(), c.events.size());
  }
  // The recovery: every signature verified, a fresh signed head noted, and trusted again.
  auto verified = Ledger::open(store, {true, nullptr, anchor});
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->signatures_verified(), c.events.size());
  auto after = Ledger::open(store, {false, nullptr, anchor});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->signatures_verified(), 0u);
  // An empty store needs no note.
  store::MemoryStore empty;
  EXPECT_TRUE(Ledger::open(empty, {false, nullptr, test_anchor("empty")}));
}

// ---- the fold is total and equals a naive reference ---------------------------------------------

// The lifecycle written as a table, by hand, apart from cargo::apply.
struct RefConsignment {
  std::string state = "none";
  std::string sender;
  bool reject = false, overridden = false;
  std::set<std::string> approvals_needed, approvals_given;
  std::string checkpoint_operator;
};

struct Reference {
  std::map<std::string, std::string> roles;
  std::map<std::string, RefConsignment> cons;
  std::set<std::string> settlements{"town"};
  std::size_t stocks = 0;

  bool accept(const std::string& actor, const std::string& type, const std::string& subject, const std::string& kind) {
    const std::string role = roles.at(actor);
    if (type == kStockCounted) {
      const bool ok = settlements.contains(subject) && (role == "receiver" || role == "monitor") && kind == "valid";
      stocks += ok;
      return ok;
    }
    RefConsignment& c = cons[subject];
    const bool blocked = c.reject && !c.overridden;
    const bool op = actor == c.checkpoint_operator && role == "checkpoint";
    if (type == cargo::kDeclared) {
      const bool anew = (c.state == "declared" && blocked) || c.state == "rejected";
      if (!(c.state == "none" || anew) || role != "sender" || kind == "forged") return false;
      if (anew && actor != c.sender) return false;
      RefConsignment next;
      next.state = "declared";
      next.sender = actor;
      next.reject = kind == "arms";
      next.checkpoint_operator = "op1";
      next.approvals_needed = {"op1", "m1"};
      c = next;
      return true;
    }
    if (c.state == "none") return false;
    if (type == cargo::kOverridden) {
      if (!blocked || !op) return false;
      c.overridden = true;
      return true;
    }
    if (blocked) return false;
    if (type == cargo::kNotified) {
      if (c.state != "declared" || actor != c.sender || role != "sender") return false;
      c.state = "notified";
      return true;
    }
    if (type == cargo::kApproved) {
      if (c.state != "notified" || !c.approvals_needed.contains(actor) || c.approvals_given.contains(actor)) return false;
      c.approvals_given.insert(actor);
      if (c.approvals_given == c.approvals_needed) c.state = "approved";
      return true;
    }
    if (type == cargo::kRejected) {
      if ((c.state != "declared" && c.state != "notified") || !(c.approvals_needed.contains(actor) || actor == "op1")) return false;
      c.state = "rejected";
      return true;
    }
    if (type == cargo::kArrived) {
      if (c.state != "approved" || !(actor == c.sender || actor == "op1")) return false;
      c.state = "arrived";
      return true;
    }
    if (type == cargo::kInspected) {
      if (c.state != "arrived" || !op) return false;
      c.state = "inspected";
      return true;
    }
    if (type == cargo::kCleared) {
      if ((c.state != "inspected" && c.state != "held") || !op) return false;
      c.state = "cleared";
      return true;
    }
    if (type == cargo::kCrossed) {
      if (c.state != "cleared" || !op) return false;
      c.state = "crossed";
      return true;
    }
    if (type == cargo::kDelivered) {
      if (c.state != "crossed" || actor != "r1" || role != "receiver" || kind != "valid") return false;
      c.state = "delivered";
      return true;
    }
    return false;
  }
};

TEST(Fold, RandomEventsByEveryRoleFoldTotallyAndAsTheReferenceSays) {
  ASSERT_TRUE(ledger::crypto_init());
  const std::vector<std::string> parties{"s1", "s2", "op1", "op2", "r1", "m1", "a1", "ad"};
  const std::vector<const char*> types{cargo::kDeclared, cargo::kNotified, cargo::kApproved, cargo::kRejected,
                                       cargo::kArrived,  cargo::kInspected, cargo::kCleared, cargo::kCrossed,
                                       cargo::kDelivered, cargo::kOverridden, kStockCounted};
  std::mt19937_64 rng(20231212);
  std::size_t accepted = 0, refused = 0;
  std::set<std::string> reached;
  for (int run = 0; run < 60; ++run) {
    Chain c = open_ledger();
    Reference ref;
    ref.roles = {{"s1", "sender"},  {"s2", "sender"},  {"op1", "checkpoint"}, {"op2", "checkpoint"},
                 {"r1", "receiver"}, {"m1", "monitor"}, {"a1", "analyst"},     {"ad", "admin"}};
    Engine engine;
    for (const auto& e : c.events) ASSERT_TRUE(engine.fold(e));
    for (int k = 0; k < 200; ++k) {
      std::string type = types[rng() % types.size()];
      const std::string guided_subject = "c" + std::to_string(rng() % 3);
      if (rng() % 2 == 0) {
        // Half the time, the step that would move one consignment on, so runs reach the end.
        const std::string st = ref.cons[guided_subject].state;
        const std::map<std::string, const char*> next{{"none", cargo::kDeclared},    {"declared", cargo::kNotified},
                                                      {"notified", cargo::kApproved}, {"approved", cargo::kArrived},
                                                      {"arrived", cargo::kInspected}, {"inspected", cargo::kCleared},
                                                      {"cleared", cargo::kCrossed},  {"crossed", cargo::kDelivered}};
        if (const auto it = next.find(st); it != next.end()) type = it->second;
        if (st == "declared" && ref.cons[guided_subject].reject && !ref.cons[guided_subject].overridden) type = cargo::kOverridden;
      }
      // Mostly the party each step is meant to have, so runs get far; otherwise anyone.
      std::string actor = parties[rng() % parties.size()];
      if (rng() % 3 != 0) {
        if (type == cargo::kDeclared || type == cargo::kNotified) actor = "s1";
        if (type == cargo::kApproved) actor = rng() % 2 ? "op1" : "m1";
        if (type == cargo::kArrived || type == cargo::kInspected || type == cargo::kCleared || type == cargo::kCrossed ||
            type == cargo::kOverridden || type == cargo::kRejected) {
          actor = "op1";
        }
        if (type == cargo::kDelivered || type == kStockCounted) actor = "r1";
      }
      const std::string subject = type == kStockCounted ? (rng() % 4 ? "town" : "nowhere") : guided_subject;
      std::string kind = "valid";
      json payload = json::object();
      if (type == cargo::kDeclared) {
        const bool arms = rng() % 4 == 0;
        kind = arms ? "arms" : "valid";
        const State& s = engine.state();
        auto p = declaration_payload(s, declaration(subject, actor, "cp1", arms), c.clock + 60, "t");
        ASSERT_TRUE(p);
        payload = json::parse(*p);
        if (rng() % 8 == 0) {
          payload["approvals_required"] = json::array();
          kind = "forged";
        }
      } else if (type == cargo::kDelivered) {
        payload = {{"received", {{{"item", 0}, {"quantity", rng() % 5 == 0 ? 1e9 : 50.0}}}}};
        if (payload["received"][0]["quantity"] == 1e9) kind = "over";
      } else if (type == cargo::kInspected) {
        payload = json::object();
        if (const auto known = engine.state().consignments.find(subject); known != engine.state().consignments.end()) {
          complete_inspection(draw_terms(known->second), c.key(actor).secret_key, payload);
        }
      } else if (type == cargo::kRejected || type == cargo::kOverridden) {
        payload = {{"reason", "r"}};
      } else if (type == kStockCounted) {
        payload = {{"place", subject}, {"date", "2023-06-29"}, {"commodity", "wf"}, {"tonnes", 1}};
        if (rng() % 6 == 0) {
          payload["tonnes"] = -5;
          kind = "negative";
        }
      }
      c.events.push_back(c.make(actor, type, subject, payload.dump(), c.clock + 60));
      const Event& e = c.events.back();
      const State before = engine.state();
      auto ok = engine.fold(e);
      ASSERT_TRUE(ok) << "the fold stopped at a signed, chained event: " << ok.error().message;
      const bool engine_accepted = engine.state().violations.size() == before.violations.size();
      const bool ref_accepted = ref.accept(actor, type, subject, kind);
      ASSERT_EQ(engine_accepted, ref_accepted)
          << "run " << run << " seq " << e.seq << ": " << type << " by " << actor << " on " << subject << " (" << kind
          << "): engine " << (engine_accepted ? "accepted" : "refused: " + engine.state().violations.back().message);
      if (!engine_accepted) {
        // A refused event changes nothing but the log's length.
        EXPECT_EQ(engine.state().consignments, before.consignments);
        EXPECT_EQ(engine.state().stocks.size(), before.stocks.size());
        ++refused;
      } else {
        ++accepted;
      }
      if (type != kStockCounted) {
        const auto& got = engine.state().consignments;
        const auto it = got.find(subject);
        const std::string state = it == got.end() ? "none" : cargo::state_name(it->second.state);
        ASSERT_EQ(state, ref.cons[subject].state) << "run " << run << " seq " << e.seq;
        reached.insert(state);
      }
    }
    EXPECT_EQ(engine.state().stocks.size(), ref.stocks);
    // Folding again from scratch gives the same state (no hidden order dependence).
    const State again = fold(c.events);
    EXPECT_EQ(again.consignments, engine.state().consignments);
    EXPECT_EQ(again.violations.size(), engine.state().violations.size());
  }
  EXPECT_GT(accepted, 1000u);
  EXPECT_GT(refused, 1000u);
  EXPECT_TRUE(reached.contains("delivered"));
  EXPECT_TRUE(reached.contains("rejected"));
}

}  // namespace
}  // namespace corridor::rules
