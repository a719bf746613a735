// corridor consign ...: the consignment lifecycle, each step a signed ledger event checked against
// the state machine (cargo/lifecycle.h) before it is appended.
#include <fstream>
#include <iostream>
#include <map>

#include "cargo/lifecycle.h"
#include "cargo/stats.h"
#include "cli/common.h"
#include "ledger/event.h"
#include "regime/regime.h"
#include "store/store.h"

namespace corridor::cli {

// Every consignment, folded from the ledger's consignment.* events.
core::Result<std::map<std::string, cargo::Consignment>> project_consignments(ledger::Journal& j) {
  std::map<std::string, cargo::Consignment> out;
  core::Result<void> status;
  CORRIDOR_CHECK(j.scan(1, [&](const ledger::Event& e) {
    if (e.type.rfind("consignment.", 0) != 0) return true;
    auto& c = out[e.subject];
    c.id = e.subject;
    if (auto ok = cargo::apply(c, {e.type, e.actor, e.time, e.payload}); !ok) {
      status = core::fail(core::ErrorCode::kCorrupt, "seq " + std::to_string(e.seq) + ": " + ok.error().message);
      return false;
    }
    return true;
  }));
  if (!status) return core::Unexpected{status.error()};
  return out;
}

namespace {

nlohmann::json consignment_json(const cargo::Consignment& c) {
  nlohmann::json entered = nlohmann::json::object();
  for (const auto& [s, t] : c.entered) entered[cargo::state_name(s)] = core::format_iso8601(t);
  return {{"id", c.id},
          {"state", cargo::state_name(c.state)},
          {"sender", c.sender},
          {"receiver", c.receiver},
          {"checkpoint", c.checkpoint},
          {"approvals_required", c.approvals_required},
          {"approvals_given", c.approvals_given},
          {"items", c.items},
          {"destination", c.destination},
          {"received", c.received},
          {"removed_items", c.removed},
          {"lane", c.lane},
          {"reasons", c.reasons},
          {"entered", entered}};
}

constexpr const char* kProjection = "consignment";

std::vector<store::ProjectionRow> projection_rows(const std::map<std::string, cargo::Consignment>& all) {
  std::vector<store::ProjectionRow> rows;
  for (const auto& [id, c] : all) rows.push_back({id, cargo::state_name(c.state), consignment_json(c).dump()});
  return rows;
}

std::uint64_t last_seq(ledger::Journal& j) {
  auto last = j.last();
  return last && *last ? (*last)->seq : 0;
}

}  // namespace

Runner add_store(CLI::App& app) {
  auto* cmd = app.add_subcommand("store", "The store's derived state");
  cmd->require_subcommand(1);
  struct Opts {
    std::string store = "corridor.db";
    bool check = false, json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* rebuild = cmd->add_subcommand("rebuild", "Recompute every projection (consignment states) from the events alone");
  rebuild->add_option("--store", o->store, "the ledger's SQLite file (default corridor.db)");
  rebuild->add_flag("--check", o->check, "only compare the stored projection with a fresh one; exit 7 if they differ");
  rebuild->add_flag("--json", o->json, "print as JSON");
  return [o] {
    auto store = store::open_sqlite(o->store);
    if (!store) return report(store.error(), o->json);
    auto all = project_consignments(**store);
    if (!all) return report(all.error(), o->json);
    const auto fresh = projection_rows(*all);
    const std::uint64_t seq = last_seq(**store);
    auto stored = (*store)->rows(kProjection);
    if (!stored) return report(stored.error(), o->json);
    auto stored_seq = (*store)->projected_seq(kProjection);
    if (!stored_seq) return report(stored_seq.error(), o->json);
    std::size_t differing = 0;
    std::map<std::string, const store::ProjectionRow*> by_id;
    for (const auto& r : *stored) by_id[r.id] = &r;
    for (const auto& r : fresh) {
      const auto it = by_id.find(r.id);
      differing += it == by_id.end() || !(*it->second == r);
    }
    differing += stored->size() > fresh.size() ? stored->size() - fresh.size() : 0;
    // Rows are what readers see; events that touch no consignment (a party registering) leave
    // them as they are, so the projected seq may trail the log without the rows being stale.
    const bool same = differing == 0;
    if (o->check) {
      if (!same) {
        return report({core::ErrorCode::kCorrupt, o->store + ": the stored projection differs from the events in " +
                                                      std::to_string(differing) + " rows (projected to seq " +
                                                      std::to_string(*stored_seq) + " of " + std::to_string(seq) +
                                                      "); run corridor store rebuild"},
                      o->json, {{"differing_rows", differing}});
      }
    } else if (auto ok = (*store)->replace_all(kProjection, fresh, seq); !ok) {
      return report(ok.error(), o->json);
    }
    if (o->json) {
      print_json({{"consignments", fresh.size()}, {"seq", seq}, {"identical", same}, {"rewritten", !o->check}});
    } else {
      std::cout << fresh.size() << " consignments projected from " << seq << " events; the stored projection "
                << (same ? "was identical" : "differed (" + std::to_string(differing) + " rows)")
                << (o->check ? "" : "; rewritten") << "\n";
    }
    return 0;
  };
}

Runner add_consign(CLI::App& app) {
  auto* cmd = app.add_subcommand("consign", "Consignments: declare, coordinate, inspect, cross, deliver");
  cmd->require_subcommand(1);
  struct Opts {
    std::string store = "corridor.db", key, id, declaration, regime, reason, lane, findings, items, received, at;
    bool whole = false, json = false;
  };
  auto o = std::make_shared<Opts>();
  std::map<std::string, CLI::App*> steps;
  auto common = [&](CLI::App* s, bool signed_step) {
    s->add_option("--store", o->store, "the ledger's SQLite file (default corridor.db)");
    s->add_flag("--json", o->json, "print as JSON");
    if (signed_step) {
      s->add_option("--key", o->key, "the acting party's key file")->required();
      s->add_option("--at", o->at, "when it happened (default: now)");
    }
  };
  auto* declare = cmd->add_subcommand("declare", "Declare a consignment (JSON) at a checkpoint (regime TOML)");
  declare->add_option("DECLARATION", o->declaration, "declaration JSON")->required();
  declare->add_option("--regime", o->regime, "the checkpoint's regime (TOML)")->required();
  common(declare, true);
  steps["declare"] = declare;
  const std::vector<std::pair<std::string, std::string>> simple{
      {"notify", cargo::kNotified},   {"approve", cargo::kApproved}, {"reject", cargo::kRejected},
      {"arrive", cargo::kArrived},    {"inspect", cargo::kInspected}, {"clear", cargo::kCleared},
      {"hold", cargo::kHeld},         {"turn-back", cargo::kTurnedBack}, {"cross", cargo::kCrossed},
      {"deliver", cargo::kDelivered}};
  for (const auto& [name, type] : simple) {
    auto* s = cmd->add_subcommand(name, "Record: " + type);
    s->add_option("ID", o->id, "consignment id")->required();
    common(s, true);
    if (name == "reject" || name == "hold" || name == "turn-back") s->add_option("--reason", o->reason, "why");
    if (name == "inspect") {
      s->add_option("--lane", o->lane, "green, yellow or red")->required();
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
    if (auto ok = ledger::crypto_init(); !ok) return report(ok.error(), o->json);
    auto store = store::open_sqlite(o->store);
    if (!store) return report(store.error(), o->json);
    auto all = project_consignments(**store);
    if (!all) return report(all.error(), o->json);
    if (stats->parsed()) {
      const cargo::Stats s = cargo::stats(*all);
      nlohmann::json dwell = nlohmann::json::array();
      for (const auto& d : s.dwell) {
        dwell.push_back({{"stage", d.stage}, {"count", d.count}, {"p50_hours", d.p50_hours}, {"p90_hours", d.p90_hours}});
      }
      const nlohmann::json j = {{"consignments", all->size()},
                                {"by_state", s.by_state},
                                {"dwell", dwell},
                                {"rules_cited", s.rules_cited},
                                {"rules_cited_for_rejected_or_turned_back", s.rules_cited_rejected},
                                {"reasons_given", s.rejection_reasons},
                                {"tonnes_by_day", s.tonnes_by_day},
                                {"trucks_by_day", s.trucks_by_day},
                                {"approvals_pending", s.approvals_pending},
                                {"checkpoint_queue", s.checkpoint_queue}};
      if (o->json) {
        print_json(j);
        return 0;
      }
      std::cout << all->size() << " consignments\n";
      for (const auto& [state, n] : s.by_state) std::cout << "  " << state << ": " << n << "\n";
      std::cout << "Dwell time per stage (hours, p50 / p90):\n";
      for (const auto& d : s.dwell) {
        if (d.count == 0) continue;
        std::cout << "  " << d.stage << ": " << format_fixed(d.p50_hours, 1) << " / " << format_fixed(d.p90_hours, 1)
                  << " (" << d.count << ")\n";
      }
      if (!s.rules_cited.empty()) std::cout << "Rules cited at declaration:\n";
      for (const auto& [rule, n] : s.rules_cited) {
        std::cout << "  " << rule << ": " << n << " (" << (s.rules_cited_rejected.contains(rule) ? s.rules_cited_rejected.at(rule) : 0)
                  << " later rejected or turned back)\n";
      }
      if (!s.tonnes_by_day.empty()) std::cout << "Crossed, by day:\n";
      for (const auto& [day, cats] : s.tonnes_by_day) {
        std::cout << "  " << day << ": " << s.trucks_by_day.at(day) << " trucks";
        for (const auto& [cat, t] : cats) std::cout << ", " << format_fixed(t, 1) << " t " << cat;
        std::cout << "\n";
      }
      for (const auto& [checkpoint, ids] : s.checkpoint_queue) {
        std::cout << "  waiting at " << checkpoint << ":";
        for (const auto& id : ids) std::cout << " " << id;
        std::cout << "\n";
      }
      for (const auto& [id, parties] : s.approvals_pending) {
        std::cout << "  awaiting approval: " << id << " by";
        for (const auto& p : parties) std::cout << " " << p;
        std::cout << "\n";
      }
      return 0;
    }
    if (show->parsed() || list->parsed()) {
      if (show->parsed()) {
        const auto it = all->find(o->id);
        if (it == all->end()) return report({core::ErrorCode::kNotFound, "no consignment '" + o->id + "'"}, o->json);
        if (o->json) {
          print_json(consignment_json(it->second));
        } else {
          const auto& c = it->second;
          std::cout << c.id << ": " << cargo::state_name(c.state) << " (" << c.sender << " -> " << c.receiver << " via "
                    << c.checkpoint << ")\n";
          for (const auto& [s, t] : c.entered) std::cout << "  " << core::format_iso8601(t) << "  " << cargo::state_name(s) << "\n";
          for (const auto& r : c.reasons) std::cout << "  reason: " << r << "\n";
        }
        return 0;
      }
      nlohmann::json out = nlohmann::json::array();
      for (const auto& [id, c] : *all) {
        out.push_back({{"id", id}, {"state", cargo::state_name(c.state)}});
        if (!o->json) std::cout << id << "  " << cargo::state_name(c.state) << "\n";
      }
      if (o->json) print_json(out);
      return 0;
    }

    auto signer = ledger::read_key_file(o->key);
    if (!signer) return report(signer.error(), o->json);
    core::UnixSeconds at = core::now_unix();
    if (!o->at.empty()) {
      auto t = core::parse_iso8601(o->at, "--at");
      if (!t) return report(t.error(), o->json);
      at = *t;
    }
    std::string type, subject;
    nlohmann::json payload = nlohmann::json::object();
    if (steps.at("declare")->parsed()) {
      auto r = regime::read_regime(o->regime);
      if (!r) return report(r.error(), o->json);
      auto d = regime::read_declaration(o->declaration);
      if (!d) return report(d.error(), o->json);
      const regime::Decision dec = regime::evaluate(*r, *d, at);
      nlohmann::json decision = decision_json(dec);
      decision["verdict"] = decision["decision"];  // the ledger's payload names it "verdict"
      decision.erase("decision");
      std::ifstream in(o->declaration);
      nlohmann::json decl;
      in >> decl;  // already validated by read_declaration
      type = cargo::kDeclared;
      subject = d->id;
      payload = {{"declaration", decl},
                 {"checkpoint_operator", r->operator_party},
                 {"approvals_required", r->approvals},
                 {"decision", decision}};
    } else {
      for (const auto& [name, t] : simple) {
        if (steps.at(name)->parsed()) type = t;
      }
      subject = o->id;
      if (!o->reason.empty()) payload["reason"] = o->reason;
      if (!o->lane.empty()) payload["lane"] = o->lane;
      if (!o->findings.empty()) payload["findings"] = o->findings;
      if (o->whole) payload["whole"] = true;
      for (const auto& [key, text] : {std::pair<const char*, std::string>{"items", o->items}, {"received", o->received}}) {
        if (text.empty()) continue;
        try {
          payload[key] = nlohmann::json::parse(text);
        } catch (const nlohmann::json::exception& e) {
          return report({core::ErrorCode::kInvalidArgument, std::string("--") + key + ": not valid JSON: " + e.what()},
                        o->json);
        }
      }
    }
    // The state machine decides before anything is written.
    cargo::Consignment next = (*all)[subject];
    next.id = subject;
    if (auto ok = cargo::apply(next, {type, signer->name, at, payload.dump()}); !ok) return report(ok.error(), o->json);
    auto l = ledger::Ledger::open(**store);
    if (!l) return report(l.error(), o->json);
    auto e = l->append(*signer, type, subject, payload.dump(), at);
    if (!e) return report(e.error(), o->json);
    // Keep the stored projection current: one row if it was up to date, else all of it. The event
    // is already durable; should this fail, `corridor store rebuild` recomputes it.
    (*all)[subject] = next;
    auto projected = (*store)->projected_seq(kProjection);
    if (projected && *projected + 1 == e->seq) {
      (void)(*store)->upsert(kProjection, {subject, cargo::state_name(next.state), consignment_json(next).dump()}, e->seq);
    } else {
      (void)(*store)->replace_all(kProjection, projection_rows(*all), e->seq);
    }
    if (o->json) {
      nlohmann::json j = consignment_json(next);
      j["seq"] = e->seq;
      if (type == cargo::kDeclared) j["decision"] = payload["decision"];
      print_json(j);
    } else {
      std::cout << subject << ": " << cargo::state_name(next.state) << " (seq " << e->seq << ", signed by "
                << signer->name << ")\n";
      if (type == cargo::kDeclared) {
        std::cout << "  regime decision: " << payload["decision"]["verdict"].get<std::string>() << ", "
                  << payload["decision"]["lane"].get<std::string>() << " lane\n";
        for (const auto& x : payload["decision"]["reasons"]) {
          std::cout << "  [" << x["rule"].get<std::string>() << "] " << x["message"].get<std::string>() << "\n";
        }
      }
    }
    return 0;
  };
}

}  // namespace corridor::cli
