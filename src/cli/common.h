// corridor::cli — shared plumbing of the corridor command: reporting errors the one way, JSON output.
//
// May use: every module below it.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <map>
#include <string>

#include "core/error.h"
#include "core/result.h"
#include "core/time.h"
#include "net/closures.h"
#include "net/graph.h"

namespace corridor::regime {
struct Decision;
}
namespace corridor::cargo {
struct Consignment;
}
namespace corridor::ledger {
class Journal;
}

namespace corridor::cli {

// Prints an error (as {"error":{...}} on stdout with --json, as text on stderr otherwise) and returns
// the exit code of its catalogue entry.
int report(const core::Error& e, bool json, const nlohmann::json& extra = nlohmann::json::object());
void print_json(const nlohmann::json& j);
std::string format_fixed(double v, int decimals);

// A graph with the closures in force at a moment: what every analysis command starts from.
struct Network {
  net::Graph graph;
  std::vector<net::ClosureSpec> specs;
  net::ClosureOverlay overlay;
  core::UnixSeconds at;
  [[nodiscard]] const net::ClosureOverlay* closures() const { return overlay.any() ? &overlay : nullptr; }
};
// The options every analysis command shares: --close SPEC..., --at TIME.
struct NetworkOptions {
  std::string graph, at;
  std::vector<std::string> close;
  void add_to(CLI::App* cmd);
};
[[nodiscard]] core::Result<Network> load_network(const NetworkOptions& o);
nlohmann::json closures_json(const Network& n);
// "name (ref)" or "(unnamed road)".
std::string road_label(const net::Graph& g, core::SegmentId s);

// A regime decision as JSON: decision, lane, lane_rule, reasons (rule, item, severity, message), random_draw.
nlohmann::json decision_json(const regime::Decision& dec);

// Every consignment, folded from the ledger's consignment.* events (cmd_consign.cpp).
[[nodiscard]] core::Result<std::map<std::string, cargo::Consignment>> project_consignments(ledger::Journal& j);

// Each subcommand registers itself and returns the function that runs it after parsing.
using Runner = std::function<int()>;
Runner add_import(CLI::App& app);
Runner add_info(CLI::App& app);
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

}  // namespace corridor::cli
