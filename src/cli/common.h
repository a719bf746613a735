// corridor::cli — shared plumbing of the corridor command: reporting errors the one way, JSON output.
//
// May use: every module below it.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <array>
#include <map>
#include <optional>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/result.h"
#include "core/time.h"
#include "ledger/event.h"
#include "net/closures.h"
#include "net/graph.h"
#include "query/query.h"

namespace corridor::regime {
struct Decision;
}
namespace corridor::cargo {
struct Consignment;
}
namespace corridor::rules {
class Ledger;
struct State;
}
namespace corridor::store {
class Store;
}

namespace corridor::cli {

// Prints an error (as {"error":{...}} on stdout with --json, as text on stderr otherwise) and returns
// the exit code of its catalogue entry.
int report(const core::Error& e, bool json, const nlohmann::json& extra = nlohmann::json::object());
void print_json(const nlohmann::json& j);
std::string format_fixed(double v, int decimals);

// A graph file loaded with the closures in force at a moment: what every analysis command starts
// from. The graph lives on the heap so that `q` (which points to it) survives moves.
struct Network {
  std::unique_ptr<net::Graph> graph;
  query::Network q;
};
// The options every analysis command shares: --close SPEC..., --at TIME.
struct NetworkOptions {
  std::string graph, at;
  std::vector<std::string> close;
  void add_to(CLI::App* cmd);
};
[[nodiscard]] core::Result<Network> load_network(const NetworkOptions& o);
// "name (ref)" or "(unnamed road)".
std::string road_label(const net::Graph& g, core::SegmentId s);

// A store and its ledger, folded and verified (rules/ledger.h): what every command that reads or
// writes the ledger starts from. A store that fails verification is an error (exit 7); events that
// break a rule are printed as warnings on stderr.
struct OpenLedger {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<rules::Ledger> ledger;
  OpenLedger();
  OpenLedger(OpenLedger&&) noexcept;
  ~OpenLedger();
};
enum class StoreUse : std::uint8_t { kExisting, kCreate };
// --store: the ledger's store, a file (SQLite), sqlite:PATH or postgresql://... (default corridor.db).
void add_store_option(CLI::App* cmd, std::string& store);
// `anchored`: as this node's store (its signed head trusted and kept); false reads it as anyone
// else's (every signature verified, nothing written to it: `store copy`'s source).
[[nodiscard]] core::Result<OpenLedger> open_ledger(const std::string& store_path, StoreUse use = StoreUse::kExisting,
                                                   bool verify_all = false,
                                                   const std::map<std::string, std::array<std::uint8_t, 32>>* pinned = nullptr,
                                                   bool anchored = true, bool adopt = false);
// {"party": "hex public key", ...}: keys pinned from outside the log.
[[nodiscard]] core::Result<std::map<std::string, std::array<std::uint8_t, 32>>> read_pinned_keys(const std::string& path);

// What pins the keys of a log taken from another node (`ledger import`, `sync`): --keys FILE (party ->
// public key) or --genesis FILE (the governed ledger's genesis: its founders' keys, and its
// document must be the export's first event). Without either, nothing does — and the output says so.
struct PinOptions {
  std::string keys, genesis;
  void add_to(CLI::App* cmd);
  struct Loaded {
    std::map<std::string, std::array<std::uint8_t, 32>> keys;
    std::optional<std::array<std::uint8_t, 32>> genesis_digest;
    std::string from;  // "" (nothing), "--keys FILE", "--genesis FILE"
    [[nodiscard]] const std::map<std::string, std::array<std::uint8_t, 32>>* pinned() const { return from.empty() ? nullptr : &keys; }
    [[nodiscard]] nlohmann::json source() const { return from.empty() ? nlohmann::json(false) : nlohmann::json(from); }
    [[nodiscard]] std::string sentence() const;
    // With --genesis: the log's first event must be that genesis.
    [[nodiscard]] core::Result<void> check_first(const ledger::Event& first, const std::string& where) const;
  };
  [[nodiscard]] core::Result<Loaded> load() const;
};

// Prints the events that break a rule (at most a few, then how many more) to stderr.
void warn_violations(const rules::State& s);
// --at TIME, or now.
[[nodiscard]] core::Result<core::UnixSeconds> time_option(const std::string& at, const char* name = "--at");

// Each subcommand registers itself and returns the function that runs it after parsing.
using Runner = std::function<int()>;
Runner add_import(CLI::App& app);
Runner add_info(CLI::App& app);
Runner add_verify_graph(CLI::App& app);  // cmd_info.cpp
Runner add_export(CLI::App& app);
Runner add_route(CLI::App& app);
Runner add_reach(CLI::App& app);
Runner add_critical(CLI::App& app);
Runner add_capacity(CLI::App& app);
Runner add_party(CLI::App& app);
Runner add_ledger(CLI::App& app);
Runner add_regime(CLI::App& app);
Runner add_consign(CLI::App& app);
Runner add_store(CLI::App& app);
Runner add_scenario(CLI::App& app);
Runner add_supply(CLI::App& app);
Runner add_serve(CLI::App& app);
Runner add_sync(CLI::App& app);

}  // namespace corridor::cli
