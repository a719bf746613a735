// corridor party ... and corridor ledger ...: parties with their keys, and the signed log itself.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/common.h"
#include "ledger/event.h"
#include "store/store.h"

namespace corridor::cli {

namespace {

core::Result<std::vector<ledger::Event>> read_export(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::fail(core::ErrorCode::kNotFound, path + ": cannot open export");
  std::vector<ledger::Event> out;
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    CORRIDOR_TRY(auto e, ledger::from_json_line(line, path + ":" + std::to_string(n)));
    out.push_back(std::move(e));
  }
  return out;
}

// {"party": "hex public key", ...}: keys pinned from outside the log.
core::Result<std::map<std::string, ledger::PublicKey>> read_pinned(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::fail(core::ErrorCode::kNotFound, path + ": cannot open key list");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    return core::fail(core::ErrorCode::kParse, path + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) return core::fail(core::ErrorCode::kParse, path + ": expected {\"party\": \"public key hex\"}");
  std::map<std::string, ledger::PublicKey> out;
  for (const auto& [name, v] : j.items()) {
    if (!v.is_string()) return core::fail(core::ErrorCode::kParse, path + ": /" + name + ": not a string");
    CORRIDOR_TRY(out[name], ledger::from_hex<32>(v.get<std::string>(), path + ": /" + name));
  }
  return out;
}

}  // namespace

Runner add_party(CLI::App& app) {
  auto* party = app.add_subcommand("party", "Parties and their signing keys");
  party->require_subcommand(1);
  struct Opts {
    std::string store = "corridor.db", name, role, key_out;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* add = party->add_subcommand("add", "Create a party's key pair file and register the party in the ledger");
  add->add_option("NAME", o->name, "party name, e.g. icrc")->required();
  add->add_option("--role", o->role, "admin, sender, checkpoint, receiver, monitor or analyst")->required();
  add->add_option("--store", o->store, "the ledger's SQLite file (default corridor.db)");
  add->add_option("--key-out", o->key_out, "where to write the key file (default NAME.key); never overwritten");
  add->add_flag("--json", o->json, "print as JSON");
  auto* list = party->add_subcommand("list", "The registered parties and their public keys");
  list->add_option("--store", o->store, "the ledger's SQLite file (default corridor.db)");
  list->add_flag("--json", o->json, "print as JSON");
  return [o, add] {
    if (auto ok = ledger::crypto_init(); !ok) return report(ok.error(), o->json);
    auto store = store::open_sqlite(o->store);
    if (!store) return report(store.error(), o->json);
    auto l = ledger::Ledger::open(**store);
    if (!l) return report(l.error(), o->json);
    if (add->parsed()) {
      ledger::Signer signer{o->name, o->role, ledger::generate_keypair()};
      const std::string key_path = o->key_out.empty() ? o->name + ".key" : o->key_out;
      if (l->parties().contains(o->name)) {
        return report({core::ErrorCode::kInvalidArgument, "party '" + o->name + "' is already registered"}, o->json);
      }
      // The key file first (refusing to overwrite one), then the registration; if that fails the
      // key is removed again, so neither exists without the other.
      if (auto ok = ledger::write_key_file(signer, key_path); !ok) return report(ok.error(), o->json);
      auto e = l->register_party(signer, core::now_unix());
      if (!e) {
        std::filesystem::remove(key_path);
        return report(e.error(), o->json);
      }
      if (o->json) {
        print_json({{"party", o->name}, {"role", o->role}, {"public_key", ledger::to_hex(signer.keys.public_key)},
                    {"key_file", key_path}, {"seq", e->seq}});
      } else {
        std::cout << "registered " << o->name << " (" << o->role << ") at seq " << e->seq << "; key in " << key_path
                  << " (keep it secret)\n";
      }
      return 0;
    }
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [name, p] : l->parties()) {
      out.push_back({{"party", name}, {"role", p.role}, {"public_key", ledger::to_hex(p.public_key)},
                     {"registered_at_seq", p.registered_at_seq}});
      if (!o->json) std::cout << name << "  " << p.role << "  " << ledger::to_hex(p.public_key) << "\n";
    }
    if (o->json) print_json(out);
    return 0;
  };
}

Runner add_ledger(CLI::App& app) {
  auto* cmd = app.add_subcommand("ledger", "Verify, export and import the signed event log");
  cmd->require_subcommand(1);
  struct Opts {
    std::string store = "corridor.db", file, keys;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* verify = cmd->add_subcommand("verify", "Recompute the hash chain and every signature; name the first bad seq");
  verify->add_option("--store", o->store, "the ledger's SQLite file (default corridor.db)");
  verify->add_option("--file", o->file, "verify an export (JSON lines) instead of a store");
  verify->add_option("--keys", o->keys, "JSON {party: public key hex} to pin keys from outside the log");
  verify->add_flag("--json", o->json, "print as JSON");
  auto* exp = cmd->add_subcommand("export", "Write every event as JSON lines");
  exp->add_option("FILE", o->file, "export file")->required();
  exp->add_option("--store", o->store, "the ledger's SQLite file (default corridor.db)");
  auto* imp = cmd->add_subcommand("import", "Append a verified export from another node (refusing a fork)");
  imp->add_option("FILE", o->file, "export file")->required();
  imp->add_option("--store", o->store, "the ledger's SQLite file (default corridor.db)");
  imp->add_flag("--json", o->json, "print as JSON");
  return [o, verify, exp, imp] {
    if (auto ok = ledger::crypto_init(); !ok) return report(ok.error(), o->json);
    if (verify->parsed()) {
      std::map<std::string, ledger::PublicKey> pinned;
      if (!o->keys.empty()) {
        auto k = read_pinned(o->keys);
        if (!k) return report(k.error(), o->json);
        pinned = std::move(*k);
      }
      ledger::VerifyReport r;
      if (!o->file.empty()) {
        auto events = read_export(o->file);
        if (!events) return report(events.error(), o->json);
        r = ledger::verify_events(*events, o->keys.empty() ? nullptr : &pinned);
      } else {
        auto store = store::open_sqlite(o->store);
        if (!store) return report(store.error(), o->json);
        auto v = ledger::verify_journal(**store, o->keys.empty() ? nullptr : &pinned);
        if (!v) return report(v.error(), o->json);
        r = *v;
      }
      const std::string source = o->file.empty() ? o->store : o->file;
      if (!r.ok()) {
        return report({core::ErrorCode::kCorrupt, source + ": ledger fails at seq " + std::to_string(*r.first_bad_seq) +
                                                      ": " + r.reason},
                      o->json, {{"first_bad_seq", *r.first_bad_seq}, {"verified_events", r.events}});
      }
      if (o->json) {
        print_json({{"ok", true}, {"events", r.events}});
      } else {
        std::cout << source << ": " << r.events << " events verified: hash chain and every signature intact\n";
      }
      return 0;
    }
    auto store = store::open_sqlite(o->store);
    if (!store) return report(store.error(), o->json);
    if (exp->parsed()) {
      const std::string tmp = o->file + ".tmp";
      std::ofstream out(tmp, std::ios::trunc);
      if (!out) return report({core::ErrorCode::kIo, tmp + ": cannot write"}, false);
      std::uint64_t n = 0;
      auto ok = (*store)->scan(1, [&](const ledger::Event& e) {
        out << ledger::to_json_line(e) << '\n';
        ++n;
        return true;
      });
      out.close();
      if (!ok || !out) {
        std::filesystem::remove(tmp);
        return report(ok ? core::Error{core::ErrorCode::kIo, tmp + ": write failed"} : ok.error(), false);
      }
      std::filesystem::rename(tmp, o->file);
      std::cout << "exported " << n << " events to " << o->file << "\n";
      return 0;
    }
    (void)imp;
    auto events = read_export(o->file);
    if (!events) return report(events.error(), o->json);
    auto l = ledger::Ledger::open(**store);
    if (!l) return report(l.error(), o->json);
    auto added = l->import(*events);
    if (!added) return report(added.error(), o->json);
    if (o->json) {
      print_json({{"appended", *added}, {"events", l->last_seq()}});
    } else {
      std::cout << "imported " << *added << " new events; the ledger now holds " << l->last_seq() << "\n";
    }
    return 0;
  };
}

}  // namespace corridor::cli
