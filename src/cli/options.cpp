#include "cli/options.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/common.h"
#include "core/suggest.h"

namespace corridor::cli {

namespace {

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// The subcommand the arguments reached (argv's words that name subcommands, in order), and the
// first word after it that names none while it has subcommands (a mistyped one).
CLI::App* reached(CLI::App& app, int argc, char** argv, std::string* unknown) {
  CLI::App* at = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string w = argv[i];
    if (w.empty() || w[0] == '-') continue;
    const auto subs = at->get_subcommands([](CLI::App*) { return true; });
    const auto it = std::find_if(subs.begin(), subs.end(), [&](CLI::App* sub) { return sub->get_name() == w; });
    if (it != subs.end()) {
      at = *it;
    } else if (!subs.empty() && unknown->empty()) {
      *unknown = w;
    }
  }
  return at;
}

std::string command_name(const CLI::App* at) {
  std::string name;
  for (const CLI::App* a = at; a != nullptr; a = a->get_parent()) {
    name = (a->get_parent() == nullptr ? std::string("corridor") : a->get_name()) + (name.empty() ? "" : " " + name);
  }
  return name;
}

}  // namespace

CLI::Validator between(double lo, double hi, const std::string& unit) {
  return CLI::Validator(
      [lo, hi, unit](std::string& in) -> std::string {
        double v = 0;
        std::size_t used = 0;
        try {
          v = std::stod(in, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        const std::string range = number_text(lo) + " to " + number_text(hi) + (unit.empty() ? "" : " " + unit);
        if (used == 0 || used != in.size()) return "'" + in + "' is not a number (" + range + ")";
        if (!(v >= lo && v <= hi)) return in + " is out of range: " + range;
        return std::string();
      },
      number_text(lo) + ".." + number_text(hi));
}

CLI::Validator one_of(const std::vector<std::string>& words) {
  return CLI::Validator(
      [words](std::string& in) -> std::string {
        if (std::find(words.begin(), words.end(), in) != words.end()) return std::string();
        return "'" + in + "' is not one of " + core::word_list(words) + core::did_you_mean(in, words);
      },
      core::word_list(words));
}

int report_parse_error(CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
  bool json = false;
  for (int i = 1; i < argc; ++i) json |= std::string(argv[i]) == "--json" || std::string(argv[i]) == "--geojson";
  std::string unknown;
  CLI::App* at = reached(app, argc, argv, &unknown);
  std::string message = e.what();
  std::vector<std::string> subs;
  for (CLI::App* sub : at->get_subcommands([](CLI::App*) { return true; })) subs.push_back(sub->get_name());
  if (!unknown.empty()) {
    const std::string near = core::nearest_word(unknown, subs);
    message = "unknown command '" + unknown + "'" + (near.empty() ? "" : " (did you mean " + command_name(at) + " " + near + "?)");
  } else
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    // Name each unexpected word; for an unknown option, the nearest one this command has.
    std::vector<std::string> known;
    for (const CLI::Option* o : at->get_options()) {
      for (const auto& l : o->get_lnames()) known.push_back("--" + l);
    }
    message.clear();
    for (int i = 1; i < argc; ++i) {
      const std::string w = argv[i];
      if (w.rfind("--", 0) != 0) continue;
      const std::string flag = w.substr(0, w.find('='));
      if (std::find(known.begin(), known.end(), flag) != known.end()) continue;
      bool elsewhere = false;
      for (const CLI::App* a = at->get_parent(); a != nullptr && !elsewhere; a = a->get_parent()) {
        for (const CLI::Option* o : a->get_options()) {
          for (const auto& l : o->get_lnames()) elsewhere |= "--" + l == flag;
        }
      }
      if (elsewhere) continue;
      const std::string near = core::nearest_word(flag, known);
      message += (message.empty() ? "" : "; ") + std::string("unknown option ") + flag +
                 (near.empty() ? "" : " (did you mean " + near + "?)");
    }
    if (message.empty()) message = e.what();
  }
  message = command_name(at) + ": " + message + "; see " + command_name(at) + " --help";
  return report({core::ErrorCode::kInvalidArgument, message}, json);
}

}  // namespace corridor::cli
