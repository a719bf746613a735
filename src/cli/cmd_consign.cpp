// corridor consign ...: the consignment lifecycle, each step a signed ledger event that the rule
// engine checks (rules/engine.h) inside the same write transaction that appends it.
#include <iostream>
#include <map>

#include "cargo/lifecycle.h"
#include "cargo/stats.h"
#include "cli/common.h"
#include "api/client.h"
#include "core/input.h"
#include "core/json_text.h"
#include "ledger/event.h"
#include "regime/regime.h"
#include "rules/draw.h"
#include "rules/ledger.h"
#include "rules/projection.h"
#include "rules/reports.h"
#include "store/store.h"

namespace corridor::cli {

using nlohmann::json;

namespace {

// --server URL: the step goes to that node's API; this process builds what it asks for, checks the
// event the node returns, and signs it.
template <typename Opts>
int submit_remote(const Opts& o, bool declare, const std::vector<std::pair<std::string, std::string>>& simple,
                  const std::map<std::string, CLI::App*>& steps) {
  if (auto ok = ledger::crypto_init(); !ok) return report(ok.error(), o.json);
  auto signer = ledger::read_key_file(o.key);
  if (!signer) return report(signer.error(), o.json);
  auto at = time_option(o.at);
  if (!at) return report(at.error(), o.json);
  api::RemoteDraft d;
  d.time = *at;
  if (declare) {
    auto text = core::read_file_limited(o.declaration, "declaration", core::kMaxDocumentBytes);
    if (!text) return report(text.error(), o.json);
    auto decl = regime::parse_declaration(*text, o.declaration);
    if (!decl) return report(decl.error(), o.json);
    d.type = cargo::kDeclared;
    d.subject = decl->id;
    d.declaration = *text;
  } else {
    for (const auto& [name, t] : simple) {
      if (steps.at(name)->parsed()) d.type = t;
    }
    d.subject = o.id;
    json payload = json::object();
    if (!o.reason.empty()) payload["reason"] = o.reason;
    if (!o.lane.empty()) payload["lane"] = o.lane;
    if (!o.findings.empty()) payload["findings"] = o.findings;
    if (o.whole) payload["whole"] = true;
    for (const auto& [key, text] : {std::pair<const char*, std::string>{"items", o.items}, {"received", o.received}}) {
      if (text.empty()) continue;
      auto v = core::parse_json_text(text, std::string("--") + key, core::kMaxEventBytes);
      if (!v) return report(v.error(), o.json);
      payload[key] = *v;
    }
    d.payload_json = payload.dump();
  }
  auto e = api::submit(o.server, *signer, d, o.token);
  if (!e) return report(e.error(), o.json);
  if (o.json) {
    print_json({{"id", e->subject}, {"type", e->type}, {"seq", e->seq}, {"hash", e->hash}, {"server", o.server}});
  } else {
    std::cout << e->subject << ": " << e->type << " appended at seq " << e->seq << " on " << o.server << " (signed here by "
              << signer->name << ")\n";
  }
  return 0;
}

}  // namespace

Runner add_consign(CLI::App& app) {
  auto* cmd = app.add_subcommand("consign", "Consignments: declare, coordinate, inspect, cross, deliver");
  cmd->require_subcommand(1);
  struct Opts {
    std::string store = "corridor.db", key, id, declaration, regime, reason, lane, findings, items, received, at, server, token;
    bool whole = false, json = false;
  };
  auto o = std::make_shared<Opts>();
  std::map<std::string, CLI::App*> steps;
  auto common = [&](CLI::App* s, bool signed_step) {
    add_store_option(s, o->store);
    s->add_flag("--json", o->json, "print as JSON");
    if (signed_step) {
      s->add_option("--key", o->key, "the acting party's key file")->required();
      s->add_option("--at", o->at, "when it happened (default: now)");
      s->add_option("--server", o->server, "append through this node's HTTP API (URL), signing here: the key stays here");
      s->add_option("--token", o->token, "a bearer token on that node, if it asks for one");
    }
  };
  auto* declare = cmd->add_subcommand("declare", "Declare a consignment (JSON) at a checkpoint, decided under its published regime");
  declare->add_option("DECLARATION", o->declaration, "declaration JSON")->required();
  declare->add_option("--regime", o->regime, "the regime file you expect (refused unless it is the one published)");
  common(declare, true);
  steps["declare"] = declare;
  const std::vector<std::pair<std::string, std::string>> simple{
      {"notify", cargo::kNotified},   {"approve", cargo::kApproved},     {"reject", cargo::kRejected},
      {"arrive", cargo::kArrived},    {"inspect", cargo::kInspected},    {"clear", cargo::kCleared},
      {"hold", cargo::kHeld},         {"turn-back", cargo::kTurnedBack}, {"cross", cargo::kCrossed},
      {"deliver", cargo::kDelivered}, {"override", cargo::kOverridden}};
  for (const auto& [name, type] : simple) {
    auto* s = cmd->add_subcommand(name, "Record: " + type);
    s->add_option("ID", o->id, "consignment id")->required();
    common(s, true);
    if (name == "reject" || name == "hold" || name == "turn-back" || name == "override") {
      s->add_option("--reason", o->reason, "why");
    }
    if (name == "inspect") {
      s->add_option("--lane", o->lane, "green, yellow or red (default: the least the regime and the draw allow)");
      s->add_option("--findings", o->findings, "what the inspection found");
    }
    if (name == "turn-back") {
      s->add_flag("--whole", o->whole, "turn the whole consignment back");
      s->add_option("--items", o->items, "JSON [{\"item\": i, \"reason\": \"...\"}] of items removed");
    }
    if (name == "deliver") {
      s->add_option("--received", o->received, "JSON [{\"item\": i, \"quantity\": n, \"damaged\": n, \"short\": n}]")
          ->required();
    }
    steps[name] = s;
  }
  auto* show = cmd->add_subcommand("show", "One consignment's state and history");
  show->add_option("ID", o->id, "consignment id")->required();
  common(show, false);
  auto* list = cmd->add_subcommand("list", "Every consignment and its state");
  common(list, false);
  auto* stats = cmd->add_subcommand("stats", "Dwell times, reasons by rule, tonnes and trucks per day, approvals pending");
  common(stats, false);

  return [o, steps, simple, show, list, stats] {
    if (!o->server.empty()) return submit_remote(*o, steps.at("declare")->parsed(), simple, steps);
    auto opened = open_ledger(o->store);
    if (!opened) return report(opened.error(), o->json);
    rules::Ledger& l = *opened->ledger;
    warn_violations(l.state());
    const auto& all = l.state().consignments;
    if (stats->parsed()) {
      const cargo::Stats s = cargo::stats(all);
      const json j = rules::stats_document(l.state(), true);
      if (o->json) {
        print_json(j);
        return 0;
      }
      std::cout << all.size() << " consignments\n";
      for (const auto& [state, n] : s.by_state) std::cout << "  " << state << ": " << n << "\n";
      if (!s.by_verdict.empty()) {
        std::cout << "Regime decisions at declaration:";
        for (const auto& [v, n] : s.by_verdict) std::cout << " " << v << " " << n;
        std::cout << (s.blocked_by_regime > 0 ? " (" + std::to_string(s.blocked_by_regime) + " held back by a reject)" : "")
                  << "\n";
      }
      std::cout << "Dwell time per stage (hours, p50 / p90):\n";
      for (const auto& d : s.dwell) {
        if (d.count == 0) continue;
        std::cout << "  " << d.stage << ": " << format_fixed(d.p50_hours, 1) << " / " << format_fixed(d.p90_hours, 1)
                  << " (" << d.count << ")\n";
      }
      if (!s.rules_cited.empty()) std::cout << "Rules cited at declaration:\n";
      for (const auto& [rule, n] : s.rules_cited) {
        std::cout << "  " << core::printable(rule) << ": " << n << " ("
                  << (s.rules_cited_rejected.contains(rule) ? s.rules_cited_rejected.at(rule) : 0)
                  << " rejected by the regime, by a party or turned back)\n";
      }
      if (!s.tonnes_by_day.empty()) std::cout << "Crossed, by day:\n";
      for (const auto& [day, cats] : s.tonnes_by_day) {
        std::cout << "  " << day << ": " << s.trucks_by_day.at(day) << " trucks";
        for (const auto& [cat, t] : cats) std::cout << ", " << format_fixed(t, 1) << " t " << core::printable(cat);
        std::cout << "\n";
      }
      for (const auto& [checkpoint, ids] : s.checkpoint_queue) {
        std::cout << "  waiting at " << core::printable(checkpoint) << ":";
        for (const auto& id : ids) std::cout << " " << id;
        std::cout << "\n";
      }
      for (const auto& [id, parties] : s.approvals_pending) {
        std::cout << "  awaiting approval: " << id << " by";
        for (const auto& p : parties) std::cout << " " << core::printable(p);
        std::cout << "\n";
      }
      return 0;
    }
    if (show->parsed()) {
      const auto it = all.find(o->id);
      if (it == all.end()) return report({core::ErrorCode::kNotFound, "no consignment '" + o->id + "'"}, o->json);
      if (o->json) {
        print_json(json::parse(rules::consignment_document(it->second)));
        return 0;
      }
      const auto& c = it->second;
      std::cout << c.id << ": " << cargo::state_name(c.state) << " (" << core::printable(c.sender) << " -> "
                << core::printable(c.receiver) << " via " << core::printable(c.checkpoint) << ")\n";
      if (!c.verdict.empty()) {
        std::cout << "  regime decision at declaration: " << c.verdict;
        if (c.blocked()) std::cout << " (binding: it moves only after an override by the operator or a new declaration)";
        if (!c.override_reason.empty()) std::cout << ", overridden by the operator: " << core::printable(c.override_reason);
        std::cout << "\n";
      }
      for (const auto& [s, t] : c.entered) std::cout << "  " << core::format_iso8601(t) << "  " << cargo::state_name(s) << "\n";
      for (const auto& r : c.reasons) std::cout << "  reason: " << core::printable(r) << "\n";
      if (c.late_steps > 0) {
        std::cout << "  " << c.late_steps << " of its steps recorded after the fact (dated before what the log had reached)\n";
      }
      return 0;
    }
    if (list->parsed()) {
      json out = json::array();
      for (const auto& [id, c] : all) {
        out.push_back({{"id", id}, {"state", cargo::state_name(c.state)}});
        if (!o->json) std::cout << id << "  " << cargo::state_name(c.state) << "\n";
      }
      if (o->json) print_json(out);
      return 0;
    }

    auto signer = ledger::read_key_file(o->key);
    if (!signer) return report(signer.error(), o->json);
    auto at = time_option(o->at);
    if (!at) return report(at.error(), o->json);
    rules::Ledger::Builder build;
    if (steps.at("declare")->parsed()) {
      auto text = core::read_file_limited(o->declaration, "declaration", core::kMaxDocumentBytes);
      if (!text) return report(text.error(), o->json);
      if (auto d = regime::parse_declaration(*text, o->declaration); !d) return report(d.error(), o->json);
      std::string expected_sha;
      if (!o->regime.empty()) {
        auto regime_text = core::read_file_limited(o->regime, "regime file", core::kMaxDocumentBytes);
        if (!regime_text) return report(regime_text.error(), o->json);
        if (auto r = regime::parse_regime(*regime_text, o->regime); !r) return report(r.error(), o->json);
        expected_sha = ledger::to_hex(ledger::sha256(*regime_text));
      }
      const auto id = regime::parse_declaration(*text, o->declaration)->id;
      build = [&, text = *text, expected_sha, id](const rules::State& s) -> core::Result<std::vector<rules::Ledger::Draft>> {
        CORRIDOR_TRY(const std::string payload, rules::declaration_payload(s, text, *at, o->declaration));
        if (!expected_sha.empty()) {
          const json p = json::parse(payload);
          const std::string published = p["regime"]["sha256"].get<std::string>();
          if (published != expected_sha) {
            return core::refuse(core::ErrorCode::kConflict, "C-REGIME",
                                "--regime " + o->regime + " is not the regime published for its checkpoint and in force at " +
                                    core::format_iso8601(*at) + " (seq " + std::to_string(p["regime"]["seq"].get<std::uint64_t>()) +
                                    ", SHA-256 " + published.substr(0, 16) + "...); a declaration is decided under the "
                                    "published regime");
          }
        }
        return std::vector<rules::Ledger::Draft>{{cargo::kDeclared, id, payload, *at}};
      };
    } else {
      std::string type;
      for (const auto& [name, t] : simple) {
        if (steps.at(name)->parsed()) type = t;
      }
      json payload = json::object();
      if (!o->reason.empty()) payload["reason"] = o->reason;
      if (!o->lane.empty()) payload["lane"] = o->lane;
      if (!o->findings.empty()) payload["findings"] = o->findings;
      if (o->whole) payload["whole"] = true;
      for (const auto& [key, text] : {std::pair<const char*, std::string>{"items", o->items}, {"received", o->received}}) {
        if (text.empty()) continue;
        if (auto ok = core::check_json_text(text, std::string("--") + key, core::kMaxEventBytes); !ok) {
          return report(ok.error(), o->json);
        }
        try {
          payload[key] = json::parse(text);
        } catch (const json::exception& e) {
          return report({core::ErrorCode::kInvalidArgument, std::string("--") + key + ": not valid JSON: " + e.what()}, o->json);
        }
      }
      build = [type, id = o->id, payload, t = *at, key = signer->keys.secret_key](const rules::State& s) mutable
          -> core::Result<std::vector<rules::Ledger::Draft>> {
        if (const auto c = s.consignments.find(id); type == cargo::kInspected && c != s.consignments.end()) {
          rules::complete_inspection(rules::draw_terms(c->second), key, payload);
        }
        return std::vector<rules::Ledger::Draft>{{type, id, payload.dump(), t}};
      };
    }
    auto events = l.append(*signer, build);
    if (!events) return report(events.error(), o->json);
    const ledger::Event& e = events->front();
    const cargo::Consignment& next = l.state().consignments.at(e.subject);
    if (o->json) {
      json j = json::parse(rules::consignment_document(next));
      j["seq"] = e.seq;
      if (e.type == cargo::kDeclared) j["decision"] = json::parse(e.payload)["decision"];
      print_json(j);
      return 0;
    }
    std::cout << e.subject << ": " << cargo::state_name(next.state) << " (seq " << e.seq << ", signed by " << signer->name
              << ")\n";
    if (e.type == cargo::kDeclared) {
      const json p = json::parse(e.payload);
      std::cout << "  regime decision (regime seq " << p["regime"]["seq"].get<std::uint64_t>()
                << "): " << p["decision"]["verdict"].get<std::string>() << ", " << p["decision"]["lane"].get<std::string>()
                << " lane\n";
      for (const auto& x : p["decision"]["reasons"]) {
        std::cout << "  [" << x["rule"].get<std::string>() << "] " << core::printable(x["message"].get<std::string>()) << "\n";
      }
      if (next.blocked()) {
        std::cout << "  the reject binds: nothing moves until the checkpoint operator records an override "
                     "(corridor consign override) or the sender declares anew\n";
      }
    }
    return 0;
  };
}

}  // namespace corridor::cli
