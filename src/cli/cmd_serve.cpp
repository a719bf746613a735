// corridor serve: the HTTP API (src/api). corridor sync: pull another node's ledger into this one.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/client.h"
#include "api/server.h"
#include "cli/common.h"
#include "rules/ledger.h"

namespace corridor::cli {

Runner add_serve(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "Serve the HTTP JSON API under /v1 (docs/http.md)");
  auto o = std::make_shared<api::ServerOptions>();
  o->node.store = "corridor.db";
  auto custodial = std::make_shared<std::vector<std::string>>();
  add_store_option(cmd, o->node.store);
  cmd->add_option("--node-key", o->node.node_key,
                  "the node's signing key (created if missing; default: beside an SQLite store, or $CORRIDOR_NODE_KEY; "
                  "needed for PostgreSQL: every process of one node uses the same file)");
  cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks one)");
  cmd->add_option("--network", o->node.network, "a road network (.cgraph) for route, reach, critical, capacity");
  cmd->add_option("--scenario", o->node.scenarios, "a scenario (TOML) to serve, repeatable");
  cmd->add_option("--places", o->node.places, "settlements (CSV) for the supply figures");
  cmd->add_option("--needs", o->node.needs, "needs profile (TOML) for the supply figures");
  cmd->add_option("--commodities", o->node.commodities, "commodity table (CSV) for the supply figures");
  cmd->add_option("--custodial", *custodial, "PARTY=KEYFILE: sign for PARTY's web users with this key, repeatable");
  cmd->add_option("--sequencer", o->node.upstream, "follow this node (URL): a mirror, whose writes go there");
  cmd->add_option("--sequencer-token", o->node.upstream_token, "a member's bearer token on the sequencer, to read its events");
  cmd->add_option("--public-url", o->node.public_url, "this node's own URL (a governed ledger names its sequencer's)");
  cmd->add_option("--web", o->web_root, "a folder of static files served at / (default: the dashboard built next to this program, if any; 'none' for none)");
  cmd->add_option("--threads", o->threads, "worker threads, each serving one whole request at a time (default 64)")
      ->check(CLI::Range(2, 4096));
  cmd->add_option("--max-connections", o->max_connections, "connections open at once; more are 503 (default 1024)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--max-per-address", o->max_per_address, "connections open at once from one client address (default 64)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--drain", o->drain_s, "on SIGTERM, seconds the requests in flight may take (default 10)")->check(CLI::Range(0, 3600));
  cmd->add_option("--max-jobs", o->max_jobs, "long jobs at once, beyond which 503 (default 2)")->check(CLI::Range(1, 1024));
  cmd->add_option("--busy-reads", o->busy_reads, "reads computing at once; the others wait their turn (default 2 per core)")
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--body-limit", o->body_limit, "request body limit in bytes (default 4 MiB)")->check(CLI::Range(1, 1 << 30));
  cmd->add_option("--read-timeout", o->read_timeout_s, "seconds to read a whole request, headers and body (default 10)")
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--write-timeout", o->write_timeout_s, "seconds to write a whole response (default 30)")->check(CLI::Range(1, 86400));
  cmd->add_option("--sync-interval-ms", o->sync_interval_ms, "a mirror pulls this often (default 1000)");
  cmd->add_flag("--log", o->access_log, "log every request on stderr");
  cmd->add_flag("--reuse-port", o->reuse_port,
                "let other processes listen on the same port (SO_REUSEPORT; the kernel spreads connections among them): "
                "several processes of one node on a shared store, without a load balancer");
  return [o, custodial] {
    for (const auto& c : *custodial) {
      const auto eq = c.find('=');
      if (eq == std::string::npos || eq == 0) {
        return report({core::ErrorCode::kInvalidArgument, "--custodial '" + c + "': PARTY=KEYFILE"}, false);
      }
      o->node.custodial[c.substr(0, eq)] = c.substr(eq + 1);
    }
    if (o->web_root.empty()) {
      // `make` builds the dashboard into build/web, next to build/corridor.
      std::error_code ec;
      const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
      if (!ec && std::filesystem::is_regular_file(exe.parent_path() / "web" / "index.html", ec)) {
        o->web_root = (exe.parent_path() / "web").string();
      }
    } else if (o->web_root == "none") {
      o->web_root.clear();
    }
    if (auto ok = ledger::crypto_init(); !ok) return report(ok.error(), false);
    return api::serve(*o);
  };
}

Runner add_sync(CLI::App& app) {
  auto* cmd = app.add_subcommand("sync", "Pull what another node holds beyond this store's ledger, checked under every rule");
  struct Opts {
    std::string from, store = "corridor.db", token, evidence;
    bool json = false;
    std::size_t pages = 0;
    PinOptions pins;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--from", o->from, "the node's URL (http://host:port)")->required();
  o->pins.add_to(cmd);
  add_store_option(cmd, o->store);
  cmd->add_option("--token", o->token, "a member's bearer token on that node (its events are for members)");
  cmd->add_option("--evidence", o->evidence, "where to write both heads when the node forked or cut its log");
  cmd->add_option("--pages", o->pages, "read at most this many pages of events (4 MiB each) now; the next sync goes on")
      ->check(CLI::Range(1, 1 << 30));
  cmd->add_flag("--json", o->json, "print as JSON");
  return [o] {
    auto pins = o->pins.load();
    if (!pins) return report(pins.error(), o->json);
    auto opened = open_ledger(o->store, StoreUse::kCreate, false, pins->pinned());
    if (!opened) return report(opened.error(), o->json);
    warn_violations(opened->ledger->state());
    std::string evidence;
    // --genesis: a log that starts from another genesis is refused before anything of it is appended.
    std::function<core::Result<void>(const ledger::Event&)> starts;
    if (pins->genesis_digest) starts = [&](const ledger::Event& e) { return pins->check_first(e, o->from + " seq 1"); };
    auto r = api::sync_store(*opened->ledger, o->from, &evidence, o->token, o->pages, starts);
    if (!r) {
      if (!evidence.empty()) {
        if (!o->evidence.empty()) {
          std::ofstream(o->evidence, std::ios::trunc) << evidence << "\n";
        } else {
          std::cerr << "evidence: " << evidence << "\n";
        }
      }
      return report(r.error(), o->json, evidence.empty() ? nlohmann::json::object() : nlohmann::json{{"evidence", nlohmann::json::parse(evidence)}});
    }
    if (pins->genesis_digest && r->size > 0) {
      // The store's first event (appended by an earlier sync, or now) must be the genesis given.
      std::optional<ledger::Event> first;
      if (auto ok = opened->store->scan(1, [&](const ledger::Event& e) { first = e; return false; }); !ok) return report(ok.error(), o->json);
      if (auto ok = pins->check_first(*first, o->from + " seq 1"); !ok) return report(ok.error(), o->json);
    }
    if (o->json) {
      print_json({{"appended", r->appended}, {"events", r->size}, {"consistency_proof_checked", r->proof_checked},
                  {"keys_pinned", pins->source()}, {"pages", r->pages}, {"complete", r->size >= r->head_size},
                  {"head_size", r->head_size}});
    } else {
      std::cout << "synced from " << o->from << ": " << r->appended << " new events; the ledger now holds " << r->size
                << (r->proof_checked ? "; consistent with the head kept of that node" : "") << " (" << r->pages << " page"
                << (r->pages == 1 ? "" : "s") << ")\n";
      if (r->size < r->head_size) {
        std::cout << "stopped after --pages " << o->pages << ": " << r->head_size - r->size << " events of that node's "
                  << r->head_size << " still to come (each page appended is proven part of its signed head); sync again "
                     "to go on\n";
      }
      std::cout << pins->sentence() << "\n";
    }
    return 0;
  };
}

}  // namespace corridor::cli
