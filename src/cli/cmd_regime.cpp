#include <iostream>

#include "cli/common.h"
#include "core/input.h"
#include "ledger/crypto.h"
#include "regime/regime.h"
#include "rules/ledger.h"

namespace corridor::cli {

Runner add_regime(CLI::App& app) {
  auto* cmd = app.add_subcommand("regime", "Checkpoint regimes: publish them, apply them to a consignment");
  cmd->require_subcommand(1);
  struct Opts {
    std::string regime, declaration, at, store = "corridor.db", key, checkpoint, operator_party, name;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* publish = cmd->add_subcommand("publish", "Publish a checkpoint's regime in the ledger (its operator only)");
  publish->add_option("REGIME", o->regime, "regime file (TOML)")->required();
  publish->add_option("--key", o->key, "the checkpoint operator's key file")->required();
  publish->add_option("--at", o->at, "in force from (default: now)");
  add_store_option(publish, o->store);
  publish->add_flag("--json", o->json, "print as JSON");
  auto* list = cmd->add_subcommand("list", "Checkpoints, their operators and every regime published for them");
  add_store_option(list, o->store);
  list->add_flag("--json", o->json, "print as JSON");
  auto* assign = cmd->add_subcommand("assign", "Register a checkpoint and its operator (governed ledgers, an admitting party)");
  assign->add_option("CHECKPOINT", o->checkpoint, "checkpoint id")->required();
  assign->add_option("--operator", o->operator_party, "the party that operates it (role checkpoint)")->required();
  assign->add_option("--name", o->name, "its name");
  assign->add_option("--key", o->key, "the admitting party's key file")->required();
  add_store_option(assign, o->store);
  assign->add_flag("--json", o->json, "print as JSON");
  auto* check = cmd->add_subcommand("check", "Decide on a declaration: accept, needs-approval or reject, with the lane");
  check->add_option("REGIME", o->regime, "regime file (TOML)")->required();
  check->add_option("DECLARATION", o->declaration, "consignment declaration (JSON)")->required();
  check->add_option("--at", o->at, "when the check runs, for the lead time (default: now, or the declaration's declared_at)");
  check->add_flag("--json", o->json, "print as JSON");
  return [o, publish, list, assign] {
    if (publish->parsed() || list->parsed() || assign->parsed()) {
      auto opened = open_ledger(o->store);
      if (!opened) return report(opened.error(), o->json);
      rules::Ledger& l = *opened->ledger;
      warn_violations(l.state());
      if (list->parsed()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& [id, c] : l.state().checkpoints) {
          nlohmann::json regimes = nlohmann::json::array();
          for (const auto& r : c.regimes) {
            regimes.push_back({{"seq", r.seq}, {"from", core::format_iso8601(r.from)}, {"sha256", r.sha256},
                               {"publisher", r.publisher}, {"recorded_after_the_fact", r.late}});
          }
          out.push_back({{"checkpoint", id}, {"name", c.name}, {"operator", c.operator_party}, {"regimes", regimes}});
          if (!o->json) {
            std::cout << id << " (" << core::printable(c.name) << "), operated by " << c.operator_party << ": "
                      << c.regimes.size() << " regime(s) published\n";
            for (const auto& r : c.regimes) {
              std::cout << "  seq " << r.seq << ", in force from " << core::format_iso8601(r.from) << ", SHA-256 " << r.sha256
                        << (r.late ? " (recorded after the fact)" : "") << "\n";
            }
          }
        }
        if (o->json) print_json(out);
        return 0;
      }
      auto signer = ledger::read_key_file(o->key);
      if (!signer) return report(signer.error(), o->json);
      auto at = time_option(o->at);
      if (!at) return report(at.error(), o->json);
      core::Result<ledger::Event> e = core::fail(core::ErrorCode::kInternal, "no command");
      if (assign->parsed()) {
        nlohmann::json payload = {{"id", o->checkpoint}, {"operator", o->operator_party}, {"name", o->name}};
        e = l.append(*signer, {rules::kCheckpointRegistered, o->checkpoint, payload.dump(), *at});
      } else {
        auto text = core::read_file_limited(o->regime, "regime file", core::kMaxDocumentBytes);
        if (!text) return report(text.error(), o->json);
        auto r = regime::parse_regime(*text, o->regime);
        if (!r) return report(r.error(), o->json);
        const std::string sha = ledger::to_hex(ledger::sha256(*text));
        nlohmann::json payload = {{"checkpoint", r->checkpoint_id}, {"sha256", sha}, {"toml", *text}};
        e = l.append(*signer, {rules::kRegimePublished, r->checkpoint_id, payload.dump(), *at});
      }
      if (!e) return report(e.error(), o->json);
      if (o->json) {
        print_json({{"seq", e->seq}, {"type", e->type}, {"checkpoint", e->subject}});
      } else if (assign->parsed()) {
        std::cout << "checkpoint " << e->subject << " registered, operated by " << o->operator_party << " (seq " << e->seq
                  << ")\n";
      } else {
        std::cout << "published the regime of " << e->subject << " (seq " << e->seq << ", in force from "
                  << core::format_iso8601(*at) << ", signed by " << signer->name << ")\n";
      }
      return 0;
    }
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
      nlohmann::json j = nlohmann::json::parse(regime::decision_json(dec));
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
    if (dec.draw.rate > 0) {
      std::cout << "  random draw [" << dec.draw.rule << "]: " << format_fixed(dec.draw.rate * 100, 1) << "% of consignments, "
                << regime::lane_name(dec.draw.lane) << " lane at least; drawn at inspection from the operator's signature "
                   "over the declaration's event\n";
    }
    return 0;
  };
}

}  // namespace corridor::cli
