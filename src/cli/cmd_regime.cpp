#include <iostream>

#include "cli/common.h"
#include "regime/regime.h"

namespace corridor::cli {

nlohmann::json decision_json(const regime::Decision& dec) {
  nlohmann::json reasons = nlohmann::json::array();
  for (const auto& x : dec.reasons) {
    reasons.push_back({{"rule", x.rule},
                       {"item", x.item ? nlohmann::json(*x.item) : nlohmann::json()},
                       {"severity", regime::verdict_name(x.severity)},
                       {"message", x.message}});
  }
  return {{"decision", regime::verdict_name(dec.verdict)},
          {"lane", regime::lane_name(dec.lane)},
          {"lane_rule", dec.lane_rule ? nlohmann::json(*dec.lane_rule) : nlohmann::json()},
          {"reasons", reasons},
          {"random_draw",
           {{"seed", dec.draw.seed}, {"value", dec.draw.value}, {"rate", dec.draw.rate}, {"selected", dec.draw.selected}}}};
}

Runner add_regime(CLI::App& app) {
  auto* cmd = app.add_subcommand("regime", "Checkpoint regimes: apply the rules to a consignment");
  cmd->require_subcommand(1);
  struct Opts {
    std::string regime, declaration, at;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* check = cmd->add_subcommand("check", "Decide on a declaration: accept, needs-approval or reject, with the lane");
  check->add_option("REGIME", o->regime, "regime file (TOML)")->required();
  check->add_option("DECLARATION", o->declaration, "consignment declaration (JSON)")->required();
  check->add_option("--at", o->at, "when the check runs, for the lead time (default: now, or the declaration's declared_at)");
  check->add_flag("--json", o->json, "print as JSON");
  return [o] {
    auto r = regime::read_regime(o->regime);
    if (!r) return report(r.error(), o->json);
    auto d = regime::read_declaration(o->declaration);
    if (!d) return report(d.error(), o->json);
    core::UnixSeconds now = core::now_unix();
    if (!o->at.empty()) {
      auto t = core::parse_iso8601(o->at, "--at");
      if (!t) return report(t.error(), o->json);
      now = *t;
    }
    const regime::Decision dec = regime::evaluate(*r, *d, now);
    if (o->json) {
      nlohmann::json j = decision_json(dec);
      j["consignment"] = d->id;
      j["checkpoint"] = r->checkpoint_id;
      print_json(j);
      return 0;
    }
    std::cout << d->id << " at " << r->checkpoint_name << ": " << regime::verdict_name(dec.verdict) << ", "
              << regime::lane_name(dec.lane) << " lane";
    if (dec.lane_rule) std::cout << " (rule " << *dec.lane_rule << ")";
    std::cout << "\n";
    for (const auto& x : dec.reasons) {
      std::cout << "  " << regime::verdict_name(x.severity) << "  [" << x.rule << "]";
      if (x.item) std::cout << " item " << *x.item;
      std::cout << ": " << x.message << "\n";
    }
    std::cout << "  random draw " << format_fixed(dec.draw.value, 4) << " against rate " << dec.draw.rate << " (seed "
              << dec.draw.seed << "): " << (dec.draw.selected ? "selected" : "not selected") << "\n";
    return 0;
  };
}

}  // namespace corridor::cli
