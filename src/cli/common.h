// corridor::cli — shared plumbing of the corridor command: reporting errors the one way, JSON output.
//
// May use: every module below it.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"

namespace corridor::cli {

// Prints an error (as {"error":{...}} on stdout with --json, as text on stderr otherwise) and returns
// the exit code of its catalogue entry.
int report(const core::Error& e, bool json, const nlohmann::json& extra = nlohmann::json::object());
void print_json(const nlohmann::json& j);
std::string format_fixed(double v, int decimals);

// Each subcommand registers itself and returns the function that runs it after parsing.
using Runner = std::function<int()>;
Runner add_import(CLI::App& app);
Runner add_info(CLI::App& app);
Runner add_export(CLI::App& app);
Runner add_route(CLI::App& app);

}  // namespace corridor::cli
