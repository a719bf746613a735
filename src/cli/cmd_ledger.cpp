// corridor ledger ...: the signed log itself — its genesis, verification, tree heads and proofs, export and import. Every write goes through the
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
