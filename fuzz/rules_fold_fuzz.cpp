// The rule engine on events that are properly signed and chained but otherwise anything: the input
// is split into events (actor, type and subject picked by a byte each, the payload the rest of a
// line), each signed with the actor's key. Such a log must fold totally: every event applied or
// recorded as a violation, none stopping the fold — whatever the payloads hold (regimes as TOML,
// declarations, deliveries, deep or huge JSON).
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/event.h"
#include "rules/engine.h"

namespace {

using namespace corridor;

const std::vector<std::pair<std::string, std::string>> kParties{
    {"s1", "sender"}, {"op1", "checkpoint"}, {"r1", "receiver"}, {"m1", "monitor"}, {"ad", "admin"}};
const std::vector<std::string> kTypes{
    "party.registered", "party.admitted", "party.key_rotated", "party.revoked", "checkpoint.registered",
    "regime.published", "settlement.registered", "stock.opening", "stock.counted", "consignment.declared",
    "consignment.notified", "consignment.approved", "consignment.rejected", "consignment.arrived",
    "consignment.inspected", "consignment.held", "consignment.cleared", "consignment.turned_back",
    "consignment.crossed", "consignment.delivered", "consignment.overridden", "ledger.genesis", "other"};
const std::vector<std::string> kSubjects{"c1", "c2", "town", "cp1", "s1", "op1", "x y", ""};

const std::map<std::string, ledger::KeyPair>& keys() {
  static const auto k = [] {
    std::map<std::string, ledger::KeyPair> m;
    for (const auto& [name, role] : kParties) m[name] = ledger::generate_keypair();
    return m;
  }();
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool ready = ledger::crypto_init().has_value();
  if (!ready) return 0;
  rules::Engine engine;
  std::string prev = ledger::kGenesisHash;
  std::uint64_t seq = 0;
  auto add = [&](const std::string& actor, const std::string& type, const std::string& subject, const std::string& payload,
                 core::UnixSeconds time) {
    ledger::Event e;
    e.seq = ++seq;
    e.time = time;
    e.actor = actor;
    e.type = type;
    e.subject = subject;
    e.payload = payload;
    e.prev_hash = prev;
    ledger::seal(e, keys().at(actor).secret_key);
    prev = e.hash;
    // Signed and chained: the fold may record a violation but must never stop.
    if (!engine.fold(e)) __builtin_trap();
  };
  for (const auto& [name, role] : kParties) {
    add(name, "party.registered", name,
        R"({"name":")" + name + R"(","public_key":")" + ledger::to_hex(keys().at(name).public_key) + R"(","role":")" + role +
            "\"}",
        1688000000);
  }
  std::stringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::string line;
  core::UnixSeconds t = 1688000000;
  while (std::getline(in, line) && seq < 200) {
    if (line.size() < 3) continue;
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(line[i]); };
    add(kParties[b(0) % kParties.size()].first, kTypes[b(1) % kTypes.size()], kSubjects[b(2) % kSubjects.size()],
        line.substr(3), t += (b(0) & 0x80) ? -400 : 60);
  }
  if (engine.state().size != seq) __builtin_trap();
  return 0;
}
