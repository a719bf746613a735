// Every event type's payload schema (issue 24, item 9): a ledger holds a party of every role, a
// published regime, a settlement and consignments in each state a step starts from; the input is a
// payload for one event type, by one actor, on one subject. The engine decides it (as the CLI and
// the server do before they sign); the oracle is the schema as docs/formats.md states it, written
// here apart from the engine: whatever the engine accepts carries only the members its type
// defines, and its lines only the members a line defines. A crash, or an accepted foreign member,
// is a finding.
//
// Input: byte 0 picks the type, byte 1 the actor, byte 2 the subject; the rest is the payload.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/event.h"
#include "rules/draw.h"
#include "rules/engine.h"

namespace {

using namespace corridor;
using nlohmann::json;

constexpr const char* kRegime =
    "[checkpoint]\nid = \"cp1\"\nname = \"Bridge\"\noperator = \"op1\"\nlat = 39.6\nlon = 46.5\n\n"
    "[[goods]]\nid = \"G-FOOD\"\ncategory = [\"food\"]\naction = \"allowed\"\n\n"
    "[inspection]\nid = \"I-RANDOM\"\nrandom_rate = 0.5\nrandom_lane = \"red\"\n";

const std::vector<std::pair<std::string, std::string>> kParties{
    {"s1", "sender"}, {"op1", "checkpoint"}, {"r1", "receiver"}, {"m1", "monitor"}, {"ad", "admin"}};
const std::vector<std::string> kSubjects{"c-declared", "c-arrived", "c-inspected", "c-crossed", "town", "cp1", "s1", "new"};

// The schema: each type's members, and the members of its lines.
const std::map<std::string, std::set<std::string>>& members() {
  static const std::map<std::string, std::set<std::string>> m{
      {"party.registered", {"name", "role", "public_key", "display_name"}},
      {"party.admitted", {"name", "role", "public_key", "display_name"}},
      {"party.key_rotated", {"public_key", "proof"}},
      {"party.revoked", {"reason"}},
      {"checkpoint.registered", {"id", "name", "operator"}},
      {"regime.published", {"checkpoint", "sha256", "toml"}},
      {"settlement.registered", {"id", "name", "population", "reporters"}},
      {"stock.opening", {"place", "date", "commodity", "tonnes", "note"}},
      {"stock.counted", {"place", "date", "commodity", "tonnes", "note"}},
      {"consignment.notified", {}},
      {"consignment.approved", {"findings"}},
      {"consignment.rejected", {"reason", "findings"}},
      {"consignment.arrived", {}},
      {"consignment.inspected", {"lane", "findings", "draw"}},
      {"consignment.held", {"reason", "findings"}},
      {"consignment.cleared", {"findings"}},
      {"consignment.turned_back", {"whole", "reason", "items", "findings"}},
      {"consignment.crossed", {}},
      {"consignment.delivered", {"received", "findings"}},
      {"consignment.overridden", {"reason"}}};
  return m;
}
const std::map<std::string, std::set<std::string>> kLines{{"items", {"item", "reason"}},
                                                          {"received", {"item", "quantity", "damaged", "short"}}};

struct World {
  std::map<std::string, ledger::KeyPair> keys;
  rules::Engine engine;
  core::UnixSeconds t = 1688000000;

  void add(const std::string& actor, const std::string& type, const std::string& subject, const json& payload) {
    ledger::Event e;
    e.seq = engine.state().size + 1;
    e.time = t += 60;
    e.actor = actor;
    e.type = type;
    e.subject = subject;
    e.payload = payload.dump();
    e.prev_hash = engine.state().last_hash;
    ledger::seal(e, keys.at(actor).secret_key);
    if (!engine.fold(e) || !engine.state().violations.empty()) __builtin_trap();  // the world itself must hold
  }
  void declare(const std::string& id) {
    const json d = {{"id", id}, {"type", "food-aid"}, {"sender", "s1"}, {"receiver", "r1"}, {"origin", "south"},
                    {"destination", "town"}, {"checkpoint", "cp1"}, {"planned_arrival", "2023-07-03T08:00Z"},
                    {"items", {{{"description", "flour"}, {"category", "food"}, {"hs", "1101"}, {"quantity", 100},
                                {"unit", "kg"}, {"net_kg", 100}}}}};
    auto p = rules::declaration_payload(engine.state(), d.dump(), t + 60, "world");
    if (!p) __builtin_trap();
    add("s1", "consignment.declared", id, json::parse(*p));
  }
  void inspect(const std::string& id) {
    json p = json::object();
    rules::complete_inspection(rules::draw_terms(engine.state().consignments.at(id)), keys.at("op1").secret_key, p);
    add("op1", "consignment.inspected", id, p);
  }
};

const World& world() {
  static const World w = [] {
    World x;
    for (const auto& [name, role] : kParties) {
      x.keys[name] = ledger::generate_keypair();
      x.add(name, "party.registered", name,
            {{"name", name}, {"role", role}, {"public_key", ledger::to_hex(x.keys[name].public_key)}});
    }
    x.add("op1", "regime.published", "cp1", {{"checkpoint", "cp1"}, {"sha256", ledger::to_hex(ledger::sha256(kRegime))}, {"toml", kRegime}});
    x.add("r1", "settlement.registered", "town", {{"id", "town"}, {"name", "Town"}, {"population", 1000}});
    for (const char* id : {"c-declared", "c-arrived", "c-inspected", "c-crossed"}) {
      x.declare(id);
      if (std::string(id) == "c-declared") continue;
      x.add("s1", "consignment.notified", id, json::object());
      x.add("s1", "consignment.arrived", id, json::object());
      if (std::string(id) == "c-arrived") continue;
      x.inspect(id);
      if (std::string(id) == "c-inspected") continue;
      x.add("op1", "consignment.cleared", id, json::object());
      x.add("op1", "consignment.crossed", id, json::object());
    }
    return x;
  }();
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool ready = ledger::crypto_init().has_value();
  if (!ready || size < 3) return 0;
  const World& w = world();
  std::vector<std::string> types;
  for (const auto& [type, unused] : members()) types.push_back(type);
  const std::string& type = types[data[0] % types.size()];
  const std::string& actor = kParties[data[1] % kParties.size()].first;
  const std::string& subject = kSubjects[data[2] % kSubjects.size()];
  const std::string payload(reinterpret_cast<const char*>(data) + 3, size - 3);
  ledger::Event e;
  e.seq = w.engine.state().size + 1;
  e.time = w.t + 60;
  e.actor = actor;
  e.type = type;
  e.subject = subject;
  e.payload = payload;
  e.prev_hash = w.engine.state().last_hash;
  ledger::set_hash(e);
  auto decided = w.engine.check(e, /*signed_here=*/true);
  if (!decided) return 0;  // refused, with its rule: what a refusal should be
  // Accepted: every member is one its type defines, every line member one a line defines.
  const json p = json::parse(payload, nullptr, false);
  if (!p.is_object()) __builtin_trap();
  const auto& allowed = members().at(type);
  for (const auto& [k, v] : p.items()) {
    if (k == "custody") continue;  // a node's mark, checked apart (item 16)
    if (!allowed.contains(k)) __builtin_trap();
    if (const auto lines = kLines.find(k); lines != kLines.end() && v.is_array()) {
      for (const auto& line : v) {
        if (!line.is_object()) continue;
        for (const auto& [lk, lv] : line.items()) {
          if (!lines->second.contains(lk)) __builtin_trap();
        }
      }
    }
  }
  return 0;
}
