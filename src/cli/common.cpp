#include "cli/common.h"

#include <cstdio>
#include <iostream>

namespace corridor::cli {

int report(const core::Error& e, bool json, const nlohmann::json& extra) {
  if (json) {
    nlohmann::json err = {{"code", std::string(e.name())}, {"message", e.message}};
    err.update(extra);
    print_json({{"error", err}});
  } else {
    std::cerr << "corridor: error: " << e.message << "\n";
  }
  return e.exit_code();
}

void print_json(const nlohmann::json& j) { std::cout << j.dump() << "\n"; }

std::string format_fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace corridor::cli
