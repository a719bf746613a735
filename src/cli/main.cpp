// The corridor command: one subcommand per file (cmd_*.cpp); exit codes in docs/cli.md.
#include <iostream>
#include <new>
#include <vector>

#include "cli/common.h"
#include "cli/options.h"

int main(int argc, char** argv) {
  CLI::App app{"corridor: humanitarian access through contested road corridors"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("corridor ") + CORRIDOR_VERSION);
  std::vector<corridor::cli::Runner> runners{
      corridor::cli::add_import(app), corridor::cli::add_info(app), corridor::cli::add_verify_graph(app),
      corridor::cli::add_export(app),
      corridor::cli::add_route(app),  corridor::cli::add_reach(app), corridor::cli::add_critical(app),
      corridor::cli::add_capacity(app), corridor::cli::add_party(app), corridor::cli::add_ledger(app),
      corridor::cli::add_regime(app), corridor::cli::add_consign(app), corridor::cli::add_store(app),
      corridor::cli::add_scenario(app), corridor::cli::add_supply(app),
      corridor::cli::add_serve(app),    corridor::cli::add_sync(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return corridor::cli::report_parse_error(app, e, argc, argv);  // 2: usage errors, as for a bad value
  }
  std::size_t i = 0;
  for (CLI::App* sub : app.get_subcommands({})) {
    if (sub->parsed()) {
      try {
        return runners.at(i)();
      } catch (const std::bad_alloc&) {
        // Inputs are bounded where they are read; this is the last line for anything that is not.
        return corridor::cli::report({corridor::core::ErrorCode::kLimit, "out of memory: an input is too large for this "
                                                                         "machine; nothing was written"},
                                     false);
      }
    }
    ++i;
  }
  return 2;
}
