#include "cli/common.h"

#include <cstdio>
#include <iostream>

#include "core/input.h"
#include "core/json_text.h"
#include "net/graph_file.h"
#include "rules/genesis.h"
#include "rules/ledger.h"
#include "rules/state.h"
#include "store/store.h"

namespace corridor::cli {

int report(const core::Error& e, bool json, const nlohmann::json& extra) {
  if (json) {
    nlohmann::json err = {{"code", std::string(e.name())}, {"message", e.message}};
    if (!e.rule.empty()) err["rule"] = e.rule;
    if (!e.pointer.empty()) err["pointer"] = e.pointer;
    err.update(extra);
    print_json({{"error", err}});
  } else {
    // Messages may quote what a file or a stored event said: nothing in them may drive the terminal.
    std::cerr << "corridor: error: " << core::printable(e.message) << "\n";
  }
  return e.exit_code();
}

void print_json(const nlohmann::json& j) {
  std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

OpenLedger::OpenLedger() = default;
OpenLedger::OpenLedger(OpenLedger&&) noexcept = default;
OpenLedger::~OpenLedger() = default;

core::Result<OpenLedger> open_ledger(const std::string& store_path, StoreUse use, bool verify_all,
                                     const std::map<std::string, std::array<std::uint8_t, 32>>* pinned, bool anchored,
                                     bool adopt) {
  CORRIDOR_CHECK(ledger::crypto_init());
  OpenLedger o;
  CORRIDOR_TRY(o.store, store::open(store_path, use == StoreUse::kCreate ? store::OpenMode::kCreate
                                                                          : store::OpenMode::kExisting));
  std::optional<rules::NodeAnchor> anchor;
  if (anchored) {
    CORRIDOR_TRY(anchor, rules::node_anchor(store_path));
  }
  rules::OpenOptions options{verify_all || !anchored || adopt, pinned, std::move(anchor)};
  options.adopt = adopt;
  CORRIDOR_TRY(auto l, rules::Ledger::open(*o.store, std::move(options)));
  o.ledger = std::make_unique<rules::Ledger>(std::move(l));
  return o;
}

void add_store_option(CLI::App* cmd, std::string& store) {
  cmd->add_option("--store", store,
                  "the ledger's store: a file (SQLite; default corridor.db), sqlite:PATH, or postgresql://... "
                  "(docs/postgresql.md)");
}

core::Result<std::map<std::string, ledger::PublicKey>> read_pinned_keys(const std::string& path) {
  CORRIDOR_TRY(const std::string text, core::read_file_limited(path, "key list", core::kMaxDocumentBytes));
  CORRIDOR_TRY(const nlohmann::json j, core::parse_json_text(text, path));
  if (!j.is_object()) return core::fail(core::ErrorCode::kParse, path + ": expected {\"party\": \"public key hex\"}");
  std::map<std::string, ledger::PublicKey> out;
  for (const auto& [name, v] : j.items()) {
    if (!v.is_string()) return core::fail(core::ErrorCode::kParse, path + ": /" + name + ": not a string");
    CORRIDOR_TRY(out[name], ledger::from_hex<32>(v.get<std::string>(), path + ": /" + name));
  }
  return out;
}

void PinOptions::add_to(CLI::App* cmd) {
  auto* k = cmd->add_option("--keys", keys, "JSON {party: public key hex}: keys known out of band, which the log must use");
  auto* g = cmd->add_option("--genesis", genesis, "the ledger's genesis (TOML): its founders' keys, and it must be the first event");
  k->excludes(g);
}

core::Result<PinOptions::Loaded> PinOptions::load() const {
  Loaded out;
  if (!keys.empty()) {
    CORRIDOR_TRY(out.keys, read_pinned_keys(keys));
    out.from = "--keys " + keys;
  } else if (!genesis.empty()) {
    CORRIDOR_TRY(const rules::Genesis g, rules::read_genesis(genesis));
    for (const auto& p : g.parties) out.keys[p.name] = p.public_key;
    out.genesis_digest = rules::genesis_digest(g);
    out.from = "--genesis " + genesis;
  }
  return out;
}

std::string PinOptions::Loaded::sentence() const {
  if (from.empty()) {
    return "keys: NOT pinned — whoever rewrote the whole log with keys of its own would pass these checks; "
           "give --keys or --genesis to pin them";
  }
  return "keys: pinned by " + from + " (" + std::to_string(keys.size()) + " part" + (keys.size() == 1 ? "y" : "ies") + ")";
}

core::Result<void> PinOptions::Loaded::check_first(const ledger::Event& first, const std::string& where) const {
  if (!genesis_digest) return {};
  const auto refuse = [&](const std::string& why) {
    return core::fail(core::ErrorCode::kCorrupt, where + ": " + why + " (--genesis " + from.substr(10) + "); nothing appended");
  };
  if (first.seq != 1 || first.type != rules::kGenesis) return refuse("the log does not start with a genesis");
  const auto p = nlohmann::json::parse(first.payload, nullptr, false);
  if (!p.is_object() || !p.contains("document")) return refuse("its genesis carries no document");
  auto g = rules::parse_genesis_document(p["document"].dump(), where);
  if (!g || rules::genesis_digest(*g) != *genesis_digest) return refuse("its genesis is not the one given");
  return {};
}

void warn_violations(const rules::State& s) {
  constexpr std::size_t kShown = 5;
  for (std::size_t i = 0; i < s.violations.size() && i < kShown; ++i) {
    const auto& v = s.violations[i];
    std::cerr << "corridor: warning: seq " << v.seq << " (" << core::printable(v.type) << " by " << core::printable(v.actor)
              << ") breaks rule " << v.rule << " and has no effect: " << core::printable(v.message) << "\n";
  }
  if (s.violations.size() > kShown) {
    std::cerr << "corridor: warning: " << s.violations.size() - kShown
              << " more events break a rule; corridor ledger verify lists them all\n";
  }
}

core::Result<core::UnixSeconds> time_option(const std::string& at, const char* name) {
  if (at.empty()) return core::now_unix();
  return core::parse_iso8601(at, name);
}

void NetworkOptions::add_to(CLI::App* cmd) {
  cmd->add_option("GRAPH", graph, "graph file (.cgraph)")->required();
  cmd->add_option("--close", close, "closure spec, repeatable (docs/formats.md)");
  cmd->add_option("--at", at, "time at which time-windowed closures are judged (default: now)");
}

core::Result<Network> load_network(const NetworkOptions& o) {
  CORRIDOR_TRY(net::Graph g, net::load_graph(o.graph));
  CORRIDOR_TRY(const core::UnixSeconds at, time_option(o.at));
  Network n;
  n.graph = std::make_unique<net::Graph>(std::move(g));
  CORRIDOR_TRY(n.q, query::with_closures(*n.graph, o.close, at));
  return n;
}

std::string road_label(const net::Graph& g, core::SegmentId s) {
  const std::string l = g.label(s);
  return l.empty() ? "(unnamed road)" : l;
}

std::string format_fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace corridor::cli
