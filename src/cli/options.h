// corridor::cli — option parsing errors reported like every other error, and validators whose
// refusals name the allowed range in words.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace corridor::cli {

// Reports a parse error of `app` as every command reports errors: on stderr, or as
// {"error":{"code":"invalid_argument",...}} on stdout when --json (or --geojson) was asked for; an
// unknown option names the nearest one the (sub)command has. Returns the exit code: 0 for --help
// and --version, else 2.
int report_parse_error(CLI::App& app, const CLI::ParseError& e, int argc, char** argv);

// A number from lo to hi (inclusive): "-5 is not between 0 and 100000 (metres)".
CLI::Validator between(double lo, double hi, const std::string& unit = "");

// One of `words`: "'tiem' is not one of time, distance (did you mean time?)".
CLI::Validator one_of(const std::vector<std::string>& words);

}  // namespace corridor::cli
