// corridor party ...: the ledger's parties with their keys — key pairs, registration (open
// ledgers), admission, rotation, revocation, bearer tokens. Every write goes through the rule
// engine (rules/ledger.h).
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/client.h"
#include "api/node.h"
#include "cli/common.h"
#include "core/input.h"
#include "core/json_text.h"
#include "ledger/event.h"
#include "rules/ledger.h"
#include "store/store.h"

namespace corridor::cli {

namespace {

using nlohmann::json;

core::Result<void> check_new_party(const std::string& name, const std::string& role, const std::string& display_name) {
  if (!core::valid_party_name(name)) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "NAME '" + core::printable(name) + "': a party name is 1-64 characters of a-z, 0-9, '.', '_', '-', "
                                                         "starting with a letter or digit");
  }
  if (std::find(ledger::kRoles.begin(), ledger::kRoles.end(), role) == ledger::kRoles.end()) {
    std::string roles;
    for (const auto& r : ledger::kRoles) roles += (roles.empty() ? "" : ", ") + r;
    return core::fail(core::ErrorCode::kInvalidArgument, "--role '" + core::printable(role) + "': one of " + roles);
  }
  if (auto why = core::display_text_problem(display_name); !why.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument, "--display-name: " + why);
  }
  return {};
}

json party_payload(const std::string& name, const std::string& role, const ledger::PublicKey& key,
                   const std::string& display_name) {
  json p = {{"name", name}, {"role", role}, {"public_key", ledger::to_hex(key)}};
  if (!display_name.empty()) p["display_name"] = display_name;
  return p;
}

}  // namespace

Runner add_party(CLI::App& app) {
  auto* party = app.add_subcommand("party", "Parties and their signing keys");
  party->require_subcommand(1);
  struct Opts {
    std::string store = "corridor.db", name, role, key_out, key, public_key, display_name, reason, server, token;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto remote_opt = [o](CLI::App* c) {
    c->add_option("--server", o->server, "append through this node's HTTP API (URL), signing here: the key stays here");
    c->add_option("--token", o->token, "a bearer token of that node, when it asks for one");
  };
  auto store_opt = [o](CLI::App* c) {
    add_store_option(c, o->store);
    c->add_flag("--json", o->json, "print as JSON");
  };
  auto* add = party->add_subcommand("add", "Create a key pair and register the party (open ledgers: no genesis)");
  add->add_option("NAME", o->name, "party name: a-z, 0-9, '.', '_', '-'")->required();
  add->add_option("--role", o->role, "admin, sender, checkpoint, receiver, monitor or analyst")->required();
  add->add_option("--display-name", o->display_name, "the name shown to people");
  add->add_option("--key-out", o->key_out, "where to write the key file (default NAME.key here); never overwritten");
  store_opt(add);
  auto* keygen = party->add_subcommand("keygen", "Create a key pair file without registering (to be admitted)");
  keygen->add_option("NAME", o->name, "party name")->required();
  keygen->add_option("--role", o->role, "the role it will ask for")->required();
  keygen->add_option("--key-out", o->key_out, "where to write the key file (default NAME.key here); never overwritten");
  keygen->add_flag("--json", o->json, "print as JSON");
  auto* admit = party->add_subcommand("admit", "Admit a party to a governed ledger (by an admitting party)");
  admit->add_option("NAME", o->name, "the new party's name")->required();
  admit->add_option("--role", o->role, "its role")->required();
  admit->add_option("--public-key", o->public_key, "its public key (hex), as `party keygen` printed it")->required();
  admit->add_option("--display-name", o->display_name, "the name shown to people");
  admit->add_option("--key", o->key, "the admitting party's key file")->required();
  store_opt(admit);
  remote_opt(admit);
  auto* rotate = party->add_subcommand("rotate", "Replace a party's key: the old key signs the change");
  rotate->add_option("--key", o->key, "the party's current key file")->required();
  rotate->add_option("--key-out", o->key_out, "where to write the new key file")->required();
  store_opt(rotate);
  remote_opt(rotate);
  auto* revoke = party->add_subcommand("revoke", "Revoke a party (itself, or by an admitting party in a governed ledger)");
  revoke->add_option("NAME", o->name, "the party revoked")->required();
  revoke->add_option("--reason", o->reason, "why")->required();
  revoke->add_option("--key", o->key, "the revoking party's key file")->required();
  store_opt(revoke);
  remote_opt(revoke);
  auto* list = party->add_subcommand("list", "The members, their roles and keys");
  store_opt(list);
  auto* token = party->add_subcommand("token", "Issue a bearer token for a member to use this node's HTTP API (shown once)");
  token->add_option("NAME", o->name, "the member")->required();
  token->add_option("--label", o->reason, "what the token is for (kept beside its hash)");
  store_opt(token);

  return [o, add, keygen, admit, rotate, revoke, list, token] {
    if (auto ok = ledger::crypto_init(); !ok) return report(ok.error(), o->json);
    if (add->parsed() || keygen->parsed()) {
      if (auto ok = check_new_party(o->name, o->role, o->display_name); !ok) return report(ok.error(), o->json);
      const ledger::Signer signer{o->name, o->role, ledger::generate_keypair()};
      const std::string key_path = o->key_out.empty() ? o->name + ".key" : o->key_out;
      if (keygen->parsed()) {
        if (auto ok = ledger::write_key_file(signer, key_path); !ok) return report(ok.error(), o->json);
        if (o->json) {
          print_json({{"party", o->name}, {"role", o->role}, {"public_key", ledger::to_hex(signer.keys.public_key)},
                      {"key_file", key_path}});
        } else {
          std::cout << o->name << " public key " << ledger::to_hex(signer.keys.public_key) << "; secret key in " << key_path
                    << " (keep it secret); an admitting party runs: corridor party admit " << o->name << " --role "
                    << o->role << " --public-key " << ledger::to_hex(signer.keys.public_key) << " --key ADMITTER.key\n";
        }
        return 0;
      }
      auto opened = open_ledger(o->store, StoreUse::kCreate);
      if (!opened) return report(opened.error(), o->json);
      const rules::State& s = opened->ledger->state();
      if (s.mode == rules::Mode::kGoverned) {
        return report({core::ErrorCode::kForbidden,
                       store::redact(o->store) + " is a governed ledger ('" + s.name + "'): parties are admitted, not self-registered; "
                                  "create a key with corridor party keygen and ask an admitting party to run corridor "
                                  "party admit",
                       "P-JOIN"},
                      o->json);
      }
      if (s.members.contains(o->name)) {
        return report({core::ErrorCode::kConflict, "party '" + o->name + "' is already registered", "P-JOIN"}, o->json);
      }
      // The key file first (refusing to overwrite one), then the registration; if that fails the
      // key is removed again, so neither exists without the other.
      if (auto ok = ledger::write_key_file(signer, key_path); !ok) return report(ok.error(), o->json);
      auto e = opened->ledger->append(signer, {rules::kPartyRegistered, o->name,
                                               party_payload(o->name, o->role, signer.keys.public_key, o->display_name).dump(),
                                               core::now_unix()});
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
    if (admit->parsed() || rotate->parsed() || revoke->parsed()) {
      auto signer = ledger::read_key_file(o->key);
      if (!signer) return report(signer.error(), o->json);
      const core::UnixSeconds now = core::now_unix();
      // The event to sign: here (the local store) or at --server (its node checks and appends it;
      // the key never leaves this process).
      std::optional<ledger::Signer> next;
      api::RemoteDraft d;
      d.time = now;
      std::string said;
      if (admit->parsed()) {
        if (auto ok = check_new_party(o->name, o->role, o->display_name); !ok) return report(ok.error(), o->json);
        auto key = ledger::from_hex<32>(o->public_key, "--public-key");
        if (!key) return report(key.error(), o->json);
        d.type = rules::kPartyAdmitted;
        d.subject = o->name;
        d.payload_json = party_payload(o->name, o->role, *key, o->display_name).dump();
        said = "admitted " + o->name + " (" + o->role + ")";
      } else if (rotate->parsed()) {
        next = ledger::Signer{signer->name, signer->role, ledger::generate_keypair()};
        const ledger::Signature proof = ledger::sign(
            next->keys.secret_key, rules::rotation_digest(signer->name, signer->keys.public_key, next->keys.public_key));
        if (auto ok = ledger::write_key_file(*next, o->key_out); !ok) return report(ok.error(), o->json);
        d.type = rules::kKeyRotated;
        d.subject = signer->name;
        d.payload_json = json{{"public_key", ledger::to_hex(next->keys.public_key)}, {"proof", ledger::to_hex(proof)}}.dump();
        said = signer->name + " now signs with the key in " + o->key_out + " (" + ledger::to_hex(next->keys.public_key) + ")";
      } else {
        d.type = rules::kPartyRevoked;
        d.subject = o->name;
        d.payload_json = json{{"reason", o->reason}}.dump();
        said = "revoked " + o->name;
      }
      core::Result<ledger::Event> e = core::fail(core::ErrorCode::kInternal, "no ledger");
      if (!o->server.empty()) {
        e = api::submit(o->server, *signer, d, o->token);
      } else {
        auto opened = open_ledger(o->store);
        if (!opened) {
          e = core::Unexpected{opened.error()};
        } else {
          warn_violations(opened->ledger->state());
          e = opened->ledger->append(*signer, {d.type, d.subject, d.payload_json, d.time});
        }
      }
      if (!e && next) std::filesystem::remove(o->key_out);
      if (!e) return report(e.error(), o->json);
      if (o->json) {
        json out = {{"seq", e->seq}, {"type", e->type}, {"subject", e->subject}};
        if (!o->server.empty()) out["server"] = o->server;
        print_json(out);
      } else {
        std::cout << said << " (seq " << e->seq << ", signed by " << signer->name
                  << (o->server.empty() ? "" : ", appended on " + o->server) << ")\n";
      }
      return 0;
    }
    auto opened = open_ledger(o->store);
    if (!opened) return report(opened.error(), o->json);
    rules::Ledger& l = *opened->ledger;
    warn_violations(l.state());
    if (token->parsed()) {
      const rules::Member* m = l.state().member(o->name);
      if (m == nullptr || !m->active()) {
        return report({core::ErrorCode::kNotFound, "no active member '" + core::printable(o->name) + "' in " + o->store}, o->json);
      }
      auto t = api::issue_token(l.store(), o->name, o->reason);
      if (!t) return report(t.error(), o->json);
      if (o->json) {
        print_json({{"party", o->name}, {"token", *t}});
      } else {
        std::cout << *t << "\n";
        std::cerr << "a bearer token for " << o->name << " (" << m->role << "): it is shown only now; the store keeps its "
                     "hash\n";
      }
      return 0;
    }
    if (list->parsed()) {
      json out = json::array();
      for (const auto& [name, m] : l.state().members) {
        json j = {{"party", name}, {"role", m.role}, {"display_name", m.display_name},
                  {"public_key", ledger::to_hex(m.key)}, {"since_seq", m.since}, {"active", m.active()}};
        if (!m.admitted_by.empty()) j["admitted_by"] = m.admitted_by;
        if (m.revoked_at) j["revoked_at_seq"] = *m.revoked_at;
        out.push_back(j);
        if (!o->json) {
          std::cout << name << "  " << m.role << "  " << ledger::to_hex(m.key);
          if (!m.display_name.empty()) std::cout << "  " << core::printable(m.display_name);
          if (m.revoked_at) std::cout << "  (revoked at seq " << *m.revoked_at << ")";
          std::cout << "\n";
        }
      }
      if (o->json) print_json(out);
      return 0;
    }
    return 0;
  };
}

}  // namespace corridor::cli
