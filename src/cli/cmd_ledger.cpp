// corridor party ... and corridor ledger ...: parties with their keys, and the signed log itself —
// its genesis, verification, tree heads and proofs, export and import. Every write goes through the
// rule engine (rules/ledger.h); every read verifies what is new first.
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
#include "ledger/head.h"
#include "ledger/merkle.h"
#include "rules/genesis.h"
#include "rules/ledger.h"
#include "store/store.h"

namespace corridor::cli {

namespace {

using nlohmann::json;

struct Export {
  std::vector<ledger::Event> events;
  std::optional<ledger::TreeHead> head;
};

// An export: one event per line, and (from this version on) the exporting node's head as the last
// line, {"head": {...}}.
core::Result<Export> read_export(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  struct stat st {};
  if (!in || ::stat(path.c_str(), &st) != 0) return core::fail(core::ErrorCode::kNotFound, path + ": cannot open export");
  if (S_ISDIR(st.st_mode)) return core::fail(core::ErrorCode::kInvalidArgument, path + ": is a directory, not an export");
  Export out;
  std::string line;
  std::size_t n = 0;
  // Lines are read with a bound: getline into a string would take a line of any length.
  while (true) {
    line.clear();
    char c = 0;
    bool any = false;
    while (in.get(c)) {
      any = true;
      if (c == '\n') break;
      if (line.size() >= core::kMaxEventBytes + 4096) {
        return core::fail(core::ErrorCode::kLimit, path + ":" + std::to_string(n + 1) + ": a line longer than " +
                                                       std::to_string(core::kMaxEventBytes + 4096) + " bytes");
      }
      line += c;
    }
    if (!any) break;
    ++n;
    if (line.empty()) continue;
    const std::string where = path + ":" + std::to_string(n);
    if (out.head) return core::fail(core::ErrorCode::kParse, where + ": a line after the head (the head is the last line)");
    if (line.rfind("{\"head\":", 0) == 0) {
      CORRIDOR_TRY(out.head, ledger::parse_head(line, where));
      continue;
    }
    CORRIDOR_TRY(auto e, ledger::from_json_line(line, where));
    out.events.push_back(std::move(e));
  }
  if (in.bad()) return core::fail(core::ErrorCode::kIo, path + ": read failed");
  if (out.events.empty()) return core::fail(core::ErrorCode::kEmpty, path + ": holds no events");
  return out;
}

// Writes text to FILE through a temporary file and a rename, or to stdout for "-" / "".
core::Result<void> write_out(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    return {};
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc | std::ios::binary);
    out << text;
    out.close();
    if (!out) {
      std::filesystem::remove(tmp);
      return core::fail(core::ErrorCode::kIo, tmp + ": cannot write");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return core::fail(core::ErrorCode::kIo, path + ": cannot write: " + ec.message());
  return {};
}

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

// The genesis and the key of one of its founding parties, or why not.
core::Result<std::pair<rules::Genesis, ledger::Signer>> founder(const std::string& genesis, const std::string& key) {
  CORRIDOR_TRY(rules::Genesis g, rules::read_genesis(genesis));
  CORRIDOR_TRY(ledger::Signer signer, ledger::read_key_file(key));
  const rules::GenesisParty* p = g.party(signer.name);
  if (p == nullptr || p->public_key != signer.keys.public_key) {
    return core::fail(core::ErrorCode::kForbidden,
                      key + ": '" + signer.name + "' is not a founding party of " + genesis + " with this key");
  }
  return std::pair{std::move(g), std::move(signer)};
}

json party_payload(const std::string& name, const std::string& role, const ledger::PublicKey& key,
                   const std::string& display_name) {
  json p = {{"name", name}, {"role", role}, {"public_key", ledger::to_hex(key)}};
  if (!display_name.empty()) p["display_name"] = display_name;
  return p;
}

// {"verified": false, "first_bad_seq": N} for a verification failure whose message names the seq.
json bad_seq(const core::Error& e) {
  json j = {{"verified", false}};
  const auto at = e.message.find("at seq ");
  if (e.code == core::ErrorCode::kCorrupt && at != std::string::npos) {
    try {
      j["first_bad_seq"] = std::stoull(e.message.substr(at + 7));
    } catch (const std::exception&) {
    }
  }
  return j;
}

json proof_hashes(const std::vector<ledger::Digest>& v) {
  json out = json::array();
  for (const auto& d : v) out.push_back(ledger::to_hex(d));
  return out;
}

core::Result<std::vector<ledger::Digest>> hashes_from(const json& j, const std::string& where) {
  if (!j.is_array()) return core::fail(core::ErrorCode::kParse, where + ": not an array");
  std::vector<ledger::Digest> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string()) return core::fail(core::ErrorCode::kParse, where + "/" + std::to_string(i) + ": not a string");
    CORRIDOR_TRY(auto d, ledger::from_hex<32>(j[i].get<std::string>(), where + "/" + std::to_string(i)));
    out.push_back(d);
  }
  return out;
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

Runner add_ledger(CLI::App& app) {
  auto* cmd = app.add_subcommand("ledger", "The signed log: genesis, verify, heads and proofs, export and import");
  cmd->require_subcommand(1);
  struct Opts {
    std::string store = "corridor.db", file, keys, genesis, key, out, cosign;
    std::vector<std::string> signatures, heads;
    std::uint64_t seq = 0, size = 0, from_size = 0, to_size = 0;
    bool json = false, strict = false, adopt = false;
    PinOptions pins;
  };
  auto o = std::make_shared<Opts>();
  auto* init = cmd->add_subcommand("init", "Start a governed ledger from a genesis signed by every founding party");
  init->add_option("--genesis", o->genesis, "the genesis (TOML)")->required();
  init->add_option("--signature", o->signatures, "a founding party's signature file (from sign-genesis); one per founder");
  init->add_option("--key", o->key, "the key file of the founding party that starts the store")->required();
  add_store_option(init, o->store);
  init->add_flag("--json", o->json, "print as JSON");
  auto* sign_genesis = cmd->add_subcommand("sign-genesis", "Sign a genesis as one of its founding parties");
  sign_genesis->add_option("GENESIS", o->genesis, "the genesis (TOML)")->required();
  sign_genesis->add_option("--key", o->key, "your key file")->required();
  sign_genesis->add_option("-o,--out", o->out, "write the signature here (default: print it)");
  auto* verify = cmd->add_subcommand("verify", "Recompute the chain, every signature and every rule; name the first bad seq");
  add_store_option(verify, o->store);
  verify->add_option("--file", o->file, "verify an export (JSON lines) instead of a store");
  verify->add_option("--keys", o->keys, "JSON {party: public key hex} to pin keys from outside the log");
  verify->add_option("--head", o->heads, "a tree head kept earlier: the log must still hold it (repeatable)");
  verify->add_flag("--strict", o->strict, "exit 7 also when stored events break a rule");
  verify->add_flag("--adopt", o->adopt, "take a store whose head kept outside it is gone (the key's heads folder lost) as it "
                                        "is: every event verified, a fresh head kept");
  verify->add_flag("--json", o->json, "print as JSON");
  auto* exp = cmd->add_subcommand("export", "Write every event as JSON lines, and the node's signed tree head last");
  exp->add_option("FILE", o->file, "export file")->required();
  add_store_option(exp, o->store);
  auto* imp = cmd->add_subcommand("import", "Append a verified export from another node (refusing a fork or a broken rule)");
  imp->add_option("FILE", o->file, "export file")->required();
  add_store_option(imp, o->store);
  imp->add_flag("--json", o->json, "print as JSON");
  o->pins.add_to(imp);
  auto* head = cmd->add_subcommand("head", "The log's signed tree head (size, root, time); --key countersigns one");
  add_store_option(head, o->store);
  head->add_option("--key", o->key, "countersign as this party (after checking the head against this store)");
  head->add_option("--cosign", o->cosign, "the head to countersign (default: this store's head now)");
  head->add_option("-o,--out", o->out, "write the head here (default: print it)");
  auto* prove = cmd->add_subcommand("prove", "An inclusion proof of one event, or a consistency proof between two sizes");
  add_store_option(prove, o->store);
  prove->add_option("--seq", o->seq, "the event to prove included");
  prove->add_option("--size", o->size, "in the tree of this many events (default: all)");
  prove->add_option("--from-size", o->from_size, "prove the tree of this size is a prefix of ...");
  prove->add_option("--to-size", o->to_size, "... the tree of this size (default: all)");
  prove->add_option("-o,--out", o->out, "write the proof here (default: print it)");
  auto* check_proof = cmd->add_subcommand("check-proof", "Check a proof on its own (RFC 9162), optionally against a head");
  check_proof->add_option("PROOF", o->file, "the proof (JSON)")->required();
  check_proof->add_option("--head", o->heads, "a tree head the proof's root must be");
  check_proof->add_flag("--json", o->json, "print as JSON");

  return [o, init, sign_genesis, verify, exp, imp, head, prove, check_proof] {
    if (auto ok = ledger::crypto_init(); !ok) return report(ok.error(), o->json);

    if (sign_genesis->parsed()) {
      auto f = founder(o->genesis, o->key);
      if (!f) return report(f.error(), false);
      const auto* g = &f->first;
      const auto* signer = &f->second;
      const ledger::Digest d = rules::genesis_digest(*g);
      const std::string line =
          rules::genesis_signature_json({signer->name, d, ledger::sign(signer->keys.secret_key, d)}) + "\n";
      std::cerr << "genesis '" << core::printable(g->name) << "': SHA-256 " << ledger::to_hex(d)
                << " (compare it with every other founder's before you send your signature)\n";
      if (auto ok = write_out(o->out, line); !ok) return report(ok.error(), false);
      return 0;
    }

    if (init->parsed()) {
      auto f = founder(o->genesis, o->key);
      if (!f) return report(f.error(), o->json);
      const auto* g = &f->first;
      const auto* signer = &f->second;
      std::vector<rules::GenesisSignature> sigs;
      const ledger::Digest d = rules::genesis_digest(*g);
      sigs.push_back({signer->name, d, ledger::sign(signer->keys.secret_key, d)});
      for (const auto& file : o->signatures) {
        auto s = rules::read_genesis_signature(file);
        if (!s) return report(s.error(), o->json);
        if (s->party != signer->name) sigs.push_back(*s);
      }
      auto payload = rules::genesis_payload(*g, sigs);
      if (!payload) return report(payload.error(), o->json);
      // The genesis starts the ledger now: its date is when the founders made it (no later than
      // this clock allows, and no older than the time to collect their signatures). A ledger of a
      // past case says where that past begins (history_from) and marks what it records of it.
      if (const core::UnixSeconds now = core::now_unix(); g->created > now + rules::kClockSkew ||
                                                          g->created + rules::kGenesisMaxAge < now) {
        return report(core::refuse(core::ErrorCode::kInvalidArgument, "L-TIME",
                                   o->genesis + ": [ledger] created is " + core::format_iso8601(g->created) +
                                       "; a genesis is created at most " + std::to_string(rules::kGenesisMaxAge / 86400) +
                                       " days before `ledger init` and not after it (this clock: " + core::format_iso8601(now) +
                                       "). To record a past case, date the genesis now and set history_from")
                          .error,
                      o->json);
      }
      const bool shared = store::is_postgres_url(o->store);
      struct stat st {};
      if (!shared && ::stat(o->store.c_str(), &st) == 0) {
        return report({core::ErrorCode::kConflict, store::redact(o->store) + ": exists already; a genesis starts a new store"}, o->json);
      }
      auto opened = open_ledger(o->store, StoreUse::kCreate);
      if (!opened) return report(opened.error(), o->json);
      if (opened->ledger->state().size > 0) {  // a database: it exists either way, it must hold no events
        return report({core::ErrorCode::kConflict, store::redact(o->store) + ": holds " +
                                                       std::to_string(opened->ledger->state().size) +
                                                       " events already; a genesis starts a new store"}, o->json);
      }
      ledger::Event e;
      e.seq = 1;
      e.time = g->created;
      e.actor = signer->name;
      e.type = rules::kGenesis;
      e.subject = g->name;
      e.payload = *payload;
      e.prev_hash = ledger::kGenesisHash;
      ledger::seal(e, signer->keys.secret_key);
      auto appended = opened->ledger->append_signed(e);
      if (!appended) {
        opened.value().store.reset();
        if (!shared) std::filesystem::remove(o->store);
        return report(appended.error(), o->json);
      }
      auto nk = rules::node_key(o->store, true);
      if (!nk) return report(nk.error(), o->json);
      if (o->json) {
        print_json({{"ledger", g->name}, {"mode", "governed"}, {"genesis_sha256", ledger::to_hex(d)},
                    {"founders", g->parties.size()}, {"log", e.hash}});
      } else {
        std::cout << "started the governed ledger '" << core::printable(g->name) << "' in " << store::redact(o->store) << ": "
                  << g->parties.size() << " founding parties, " << g->checkpoints.size() << " checkpoints, "
                  << g->settlements.size() << " settlements; genesis SHA-256 " << ledger::to_hex(d) << "\n";
      }
      return 0;
    }

    if (check_proof->parsed()) {
      auto text = core::read_file_limited(o->file, "proof", core::kMaxDocumentBytes);
      if (!text) return report(text.error(), o->json);
      auto parsed = core::parse_json_text(*text, o->file);
      if (!parsed) return report(parsed.error(), o->json);
      const json& j = *parsed;
      const auto bad = [&](const std::string& why) { return report({core::ErrorCode::kParse, o->file + ": " + why}, o->json); };
      if (!j.is_object() || !j.contains("corridor_proof") || !j["corridor_proof"].is_string()) {
        return bad("not a proof ({\"corridor_proof\": \"inclusion\" | \"consistency\", ...})");
      }
      bool ok = false;
      std::uint64_t size = 0;
      ledger::Digest root{};
      std::string what;
      try {
        auto path = hashes_from(j.at("path"), o->file + ": /path");
        if (!path) return report(path.error(), o->json);
        if (j["corridor_proof"] == "inclusion") {
          const auto index = j.at("leaf_index").get<std::uint64_t>();
          size = j.at("tree_size").get<std::uint64_t>();
          auto leaf = ledger::from_hex<32>(j.at("leaf_hash").get<std::string>(), "leaf_hash");
          auto r = ledger::from_hex<32>(j.at("root").get<std::string>(), "root");
          auto event_hash = ledger::from_hex<32>(j.at("event_hash").get<std::string>(), "event_hash");
          if (!leaf || !r || !event_hash) return bad("leaf_hash, event_hash and root are 64 hex digits");
          root = *r;
          ok = ledger::merkle::leaf_hash(*event_hash) == *leaf && ledger::merkle::verify_inclusion(index, size, *leaf, *path, root);
          what = "event " + std::to_string(index + 1) + " is in the tree of " + std::to_string(size) + " events";
        } else if (j["corridor_proof"] == "consistency") {
          const auto first = j.at("first").get<std::uint64_t>();
          size = j.at("second").get<std::uint64_t>();
          auto r1 = ledger::from_hex<32>(j.at("first_root").get<std::string>(), "first_root");
          auto r2 = ledger::from_hex<32>(j.at("second_root").get<std::string>(), "second_root");
          if (!r1 || !r2) return bad("first_root and second_root are 64 hex digits");
          root = *r2;
          ok = ledger::merkle::verify_consistency(first, size, *r1, *r2, *path);
          what = "the tree of " + std::to_string(first) + " events is a prefix of the tree of " + std::to_string(size);
        } else {
          return bad("corridor_proof is \"inclusion\" or \"consistency\"");
        }
      } catch (const json::exception& e) {
        return bad(std::string("missing or mistyped field: ") + e.what());
      }
      if (!ok) return report({core::ErrorCode::kCorrupt, o->file + ": the proof does not verify"}, o->json, {{"verified", false}});
      for (const auto& hp : o->heads) {
        auto h = ledger::read_head(hp);
        if (!h) return report(h.error(), o->json);
        if (h->size != size || h->root != root) {
          return report({core::ErrorCode::kCorrupt, hp + ": the proof is for a tree of " + std::to_string(size) +
                                                        " events with another root than this head's (" +
                                                        std::to_string(h->size) + ")"},
                        o->json, {{"verified", false}});
        }
      }
      // A path that folds to the root it carries proves nothing until a head someone signed has
      // that root: without --head the proof is consistent with itself, and no more.
      const bool anchored = !o->heads.empty();
      if (o->json) {
        print_json({{"verified", anchored}, {"path_valid", true}, {"anchored", anchored}, {"statement", what},
                    {"root", ledger::to_hex(root)}, {"heads_matched", o->heads.size()}});
      } else if (anchored) {
        std::cout << o->file << ": verified: " << what << " (root matches " << o->heads.size() << " signed head(s))\n";
      } else {
        std::cout << o->file << ": the path is valid, but NOT anchored: it shows that " << what << " whose root is "
                  << ledger::to_hex(root) << " — that no signed head given here vouches for. Check it against a head "
                  << "you hold (--head HEAD.json) before relying on it.\n";
      }
      return 0;
    }

    if (verify->parsed()) {
      std::map<std::string, ledger::PublicKey> pinned;
      if (!o->keys.empty()) {
        auto k = read_pinned_keys(o->keys);
        if (!k) return report(k.error(), o->json);
        pinned = std::move(*k);
      }
      const auto* pins = o->keys.empty() ? nullptr : &pinned;
      std::vector<ledger::TreeHead> heads;
      for (const auto& hp : o->heads) {
        auto h = ledger::read_head(hp);
        if (!h) return report(h.error(), o->json);
        heads.push_back(*h);
      }
      const std::string source = o->file.empty() ? o->store : o->file;
      rules::State state;
      std::uint64_t events = 0;
      bool tree_checked = false;
      auto fail_with = [&](const core::Error& e) {
        return report({core::ErrorCode::kCorrupt, e.message}, o->json, bad_seq(e));
      };
      if (!o->file.empty()) {
        auto ex = read_export(o->file);
        if (!ex) return report(ex.error(), o->json);
        rules::Engine engine({0, pins});
        for (const auto& e : ex->events) {
          if (auto ok = engine.fold(e); !ok) return fail_with({core::ErrorCode::kCorrupt, o->file + ": ledger fails at " + ok.error().message});
        }
        state = engine.state();
        if (ex->head) heads.push_back(*ex->head);
        for (std::size_t i = 0; i < heads.size(); ++i) {
          const auto& h = heads[i];
          const std::string name = i < o->heads.size() ? o->heads[i] : "the export's head";
          if (h.log != state.log_id || h.size > state.size) {
            return fail_with({core::ErrorCode::kCorrupt, o->file + ": " + name + " shows " + std::to_string(h.size) +
                                                             " events of this ledger; the export holds " +
                                                             std::to_string(state.size)});
          }
          ledger::merkle::Frontier f;
          for (std::uint64_t k = 0; k < h.size; ++k) f.push(*store::leaf_of(ex->events[k]));
          if (f.root() != h.root) {
            return fail_with({core::ErrorCode::kCorrupt, o->file + ": its first " + std::to_string(h.size) +
                                                             " events differ from what " + name + " saw"});
          }
        }
        events = state.size;
      } else {
        auto opened = open_ledger(o->store, StoreUse::kExisting, /*verify_all=*/true, pins, /*anchored=*/true, o->adopt);
        if (!opened) return report(opened.error(), o->json, bad_seq(opened.error()));
        rules::Ledger& l = *opened->ledger;
        if (auto ok = l.check_stored_tree(); !ok) return fail_with(ok.error());
        tree_checked = true;
        for (std::size_t i = 0; i < heads.size(); ++i) {
          if (auto ok = l.check_head(heads[i]); !ok) {
            return fail_with({core::ErrorCode::kCorrupt, store::redact(o->store) + ": " + o->heads[i] + ": " + ok.error().message});
          }
        }
        state = l.state();
        events = state.size;
      }
      json violations = json::array();
      for (const auto& v : state.violations) {
        violations.push_back({{"seq", v.seq}, {"rule", v.rule}, {"type", v.type}, {"actor", v.actor},
                              {"subject", v.subject}, {"message", v.message}});
      }
      const bool strict_fail = o->strict && !state.violations.empty();
      if (o->json) {
        print_json({{"verified", !strict_fail},
                    {"events", events},
                    {"mode", rules::mode_name(state.mode)},
                    {"ledger", state.name},
                    {"log", state.log_id},
                    {"root", ledger::to_hex(state.tree.root())},
                    {"heads_checked", heads.size()},
                    {"tree_nodes_checked", tree_checked},
                    {"time", rules::time_document(state)},
                    {"violations", violations}});
      } else {
        std::cout << source << ": " << events << " events verified: hash chain and every signature intact";
        if (!heads.empty()) std::cout << "; consistent with " << heads.size() << " tree head(s) kept before";
        std::cout << "\n  mode: " << rules::mode_name(state.mode);
        if (state.mode == rules::Mode::kGoverned) {
          std::cout << " ('" << core::printable(state.name) << "': members, checkpoints and settlements as its genesis "
                       "and later admissions say)\n";
        } else {
          std::cout << " (no genesis: parties register themselves; the first checkpoint-role party to publish a "
                       "checkpoint's regime holds it)\n";
        }
        std::cout << "  root " << ledger::to_hex(state.tree.root()) << "\n";
        std::cout << "  " << rules::time_text(state) << "\n";
        if (state.violations.empty()) {
          std::cout << "  every event keeps the ledger's rules\n";
        } else {
          std::cout << "  " << state.violations.size() << " events break a rule and have no effect:\n";
          for (const auto& v : state.violations) {
            std::cout << "    seq " << v.seq << " [" << v.rule << "] " << core::printable(v.type) << " by "
                      << core::printable(v.actor) << ": " << core::printable(v.message) << "\n";
          }
        }
      }
      return strict_fail ? core::Error{core::ErrorCode::kCorrupt, ""}.exit_code() : 0;
    }

    if (imp->parsed()) {
      auto ex = read_export(o->file);
      if (!ex) return report(ex.error(), o->json);
      auto pins = o->pins.load();
      if (!pins) return report(pins.error(), o->json);
      if (auto ok = pins->check_first(ex->events.front(), o->file + ":1"); !ok) return report(ok.error(), o->json);
      auto opened = open_ledger(o->store, StoreUse::kCreate, false, pins->pinned());
      if (!opened) return report(opened.error(), o->json);
      auto r = opened->ledger->import(ex->events, ex->head);
      if (!r) return report(r.error(), o->json);
      const auto size = opened->ledger->state().size;
      if (o->json) {
        print_json({{"appended", r->appended}, {"events", size}, {"head_checked", r->head_checked},
                    {"peer_head_consistent", r->peer_head_consistent}, {"keys_pinned", pins->source()}});
      } else {
        std::cout << "imported " << r->appended << " new events; the ledger now holds " << size;
        if (r->head_checked) std::cout << "; the export's signed head matches its events";
        if (r->peer_head_consistent) std::cout << " and the head last seen from that node";
        std::cout << "\n" << pins->sentence() << "\n";
      }
      return 0;
    }

    auto opened = open_ledger(o->store);
    if (!opened) return report(opened.error(), o->json);
    rules::Ledger& l = *opened->ledger;
    warn_violations(l.state());

    if (exp->parsed()) {
      auto nk = rules::node_key(o->store, true);
      if (!nk) return report(nk.error(), false);
      auto h = l.head(*nk, core::now_unix());
      if (!h) return report(h.error(), false);
      if (o->file == "-") {  // standard output (not a file named '-'); what was done goes to stderr
        std::uint64_t n = 0;
        auto ok = l.store().scan(1, [&](const ledger::Event& e) {
          if (e.seq > h->size) return false;
          std::cout << ledger::to_json_line(e) << '\n';
          ++n;
          return true;
        });
        if (!ok) return report(ok.error(), false);
        std::cout << "{\"head\":" << ledger::head_json(*h) << "}\n" << std::flush;
        std::cerr << "exported " << n << " events to standard output, with the node's signed tree head\n";
        return std::cout ? 0 : core::Error{core::ErrorCode::kIo, "standard output: write failed"}.exit_code();
      }
      const std::string tmp = o->file + ".tmp";
      std::ofstream out(tmp, std::ios::trunc | std::ios::binary);
      if (!out) return report({core::ErrorCode::kIo, tmp + ": cannot write"}, false);
      std::uint64_t n = 0;
      auto ok = l.store().scan(1, [&](const ledger::Event& e) {
        if (e.seq > h->size) return false;
        out << ledger::to_json_line(e) << '\n';
        ++n;
        return true;
      });
      out << "{\"head\":" << ledger::head_json(*h) << "}\n";
      out.close();
      if (!ok || !out) {
        std::filesystem::remove(tmp);
        return report(ok ? core::Error{core::ErrorCode::kIo, tmp + ": write failed"} : ok.error(), false);
      }
      std::filesystem::rename(tmp, o->file);
      std::cout << "exported " << n << " events to " << o->file << ", with the node's signed tree head (root "
                << ledger::to_hex(h->root) << ")\n";
      return 0;
    }

    if (head->parsed()) {
      ledger::TreeHead h;
      if (!o->cosign.empty()) {
        auto given = ledger::read_head(o->cosign);
        if (!given) return report(given.error(), false);
        h = *given;
      } else {
        auto nk = rules::node_key(o->store, true);
        if (!nk) return report(nk.error(), false);
        auto mine = l.head(*nk, core::now_unix());
        if (!mine) return report(mine.error(), false);
        h = *mine;
      }
      if (!o->key.empty()) {
        auto signer = ledger::read_key_file(o->key);
        if (!signer) return report(signer.error(), false);
        const rules::Member* m = l.state().member(signer->name);
        if (m == nullptr || !m->active() || m->key != signer->keys.public_key) {
          return report({core::ErrorCode::kForbidden, o->key + ": '" + signer->name +
                                                          "' is not a member of this ledger with this key"},
                        false);
        }
        // A countersignature says "my copy holds this": check before signing.
        if (auto ok = l.check_head(h); !ok) return report(ok.error(), false);
        ledger::sign_head(h, signer->name, signer->keys);
      }
      if (auto ok = write_out(o->out, ledger::head_json(h) + "\n"); !ok) return report(ok.error(), false);
      return 0;
    }

    // prove
    const std::uint64_t all = l.state().size;
    json proof;
    if (o->seq > 0) {
      const std::uint64_t size = o->size > 0 ? o->size : all;
      auto path = l.inclusion_proof(o->seq, size);
      if (!path) return report(path.error(), false);
      auto root = l.root_at(size);
      if (!root) return report(root.error(), false);
      ledger::Event event;
      (void)l.store().scan(o->seq, [&](const ledger::Event& e) {
        event = e;
        return false;
      });
      proof = {{"corridor_proof", "inclusion"},
               {"log", l.state().log_id},
               {"seq", o->seq},
               {"leaf_index", o->seq - 1},
               {"tree_size", size},
               {"event_hash", event.hash},
               {"leaf_hash", ledger::to_hex(*store::leaf_of(event))},
               {"root", ledger::to_hex(*root)},
               {"path", proof_hashes(*path)}};
    } else if (o->from_size > 0) {
      const std::uint64_t second = o->to_size > 0 ? o->to_size : all;
      auto path = l.consistency_proof(o->from_size, second);
      if (!path) return report(path.error(), false);
      auto r1 = l.root_at(o->from_size);
      auto r2 = l.root_at(second);
      if (!r1 || !r2) return report((!r1 ? r1 : r2).error(), false);
      proof = {{"corridor_proof", "consistency"},
               {"log", l.state().log_id},
               {"first", o->from_size},
               {"second", second},
               {"first_root", ledger::to_hex(*r1)},
               {"second_root", ledger::to_hex(*r2)},
               {"path", proof_hashes(*path)}};
    } else {
      return report({core::ErrorCode::kInvalidArgument, "give --seq N (inclusion) or --from-size M (consistency)"}, false);
    }
    if (auto ok = write_out(o->out, proof.dump() + "\n"); !ok) return report(ok.error(), false);
    return 0;
  };
}

}  // namespace corridor::cli
