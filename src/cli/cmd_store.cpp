// corridor store ...: the store itself — migrate its schema, copy it into another backend, rebuild
// its projections from the events.
#include <iostream>
#include <map>

#include "cli/common.h"
#include "ledger/event.h"
#include "rules/ledger.h"
#include "rules/projection.h"
#include "store/store.h"

namespace corridor::cli {

using nlohmann::json;

namespace {

int store_migrate(const std::string& url, const std::string& role, bool as_json) {
  const std::string shown = store::redact(url);
  if (!role.empty() && !store::is_postgres_url(url)) {
    return report({core::ErrorCode::kInvalidArgument, "--grant: roles are PostgreSQL's; " + shown + " is an SQLite file"}, as_json);
  }
  auto s = store::open(url, store::OpenMode::kMigrate);
  if (!s) return report(s.error(), as_json);
  s->reset();
  if (!role.empty()) {
    if (auto ok = store::grant_postgres(url, role); !ok) return report(ok.error(), as_json);
  }
  const int version = store::is_postgres_url(url) ? store::postgres_schema_version() : store::sqlite_schema_version();
  if (as_json) {
    json j = {{"store", shown}, {"schema_version", version}};
    if (!role.empty()) j["granted"] = role;
    print_json(j);
  } else {
    std::cout << shown << ": schema at version " << version
              << (role.empty() ? std::string() : "; role " + role + " may read and append, never change or delete") << "\n";
  }
  return 0;
}

// Copies events as they are (a rule-breaking event stays, as it was, with no effect), then folds
// the copy under the rules with every signature verified — inside the destination's one write
// transaction, so a copy that does not give the source's root leaves nothing behind.
int store_copy(const std::string& from, const std::string& to, bool as_json) {
  if (auto ok = ledger::crypto_init(); !ok) return report(ok.error(), as_json);
  // The source is read as anyone's: every signature verified, nothing written to it (its own
  // node's head is not re-signed with this process's key).
  auto src = open_ledger(from, StoreUse::kExisting, /*verify_all=*/true, nullptr, /*anchored=*/false);
  if (!src) return report(src.error(), as_json);
  warn_violations(src->ledger->state());
  const std::uint64_t n = src->ledger->state().size;
  if (n == 0) return report({core::ErrorCode::kEmpty, store::redact(from) + ": holds no events; nothing to copy"}, as_json);
  std::vector<ledger::Event> events;
  events.reserve(n);
  if (auto ok = src->store->scan(1, [&](const ledger::Event& e) {
        events.push_back(e);
        return events.size() < n;
      }); !ok) {
    return report(ok.error(), as_json);
  }
  auto root = src->ledger->root_at(n);
  if (!root) return report(root.error(), as_json);
  auto notes = src->store->notes();
  if (!notes) return report(notes.error(), as_json);
  // The copy is this node's store from now on: its head is signed by the key beside it (or
  // $CORRIDOR_NODE_KEY), after every signature verified.
  auto anchor = rules::node_anchor(to);
  if (!anchor) return report(anchor.error(), as_json);
  auto dst = store::open(to, store::OpenMode::kMigrate);
  if (!dst) return report(dst.error(), as_json);
  std::size_t copied_notes = 0;
  auto written = (*dst)->write([&]() -> core::Result<void> {
    CORRIDOR_TRY(const std::uint64_t there, (*dst)->size());
    if (there != 0) {
      return core::fail(core::ErrorCode::kConflict, store::redact(to) + ": holds " + std::to_string(there) +
                                                        " events already; a copy goes only into an empty store");
    }
    CORRIDOR_CHECK((*dst)->append(events));
    // The node's notes: tokens, the heads kept of other nodes. What the destination computes
    // itself (its tree's size, its verified head) is not copied.
    for (const auto& [key, value] : *notes) {
      if (key == "tree_size" || key == "verified_head") continue;
      CORRIDOR_CHECK((*dst)->set_note(key, value));
      ++copied_notes;
    }
    CORRIDOR_TRY(auto l, rules::Ledger::open(**dst, {true, nullptr, *anchor, /*keep_outside=*/false}));
    CORRIDOR_TRY(const ledger::Digest theirs, l.root_at(n));
    if (theirs != *root) {
      return core::fail(core::ErrorCode::kCorrupt, store::redact(to) + ": the copy's root differs from the source's");
    }
    return (*dst)->replace_all(rules::kConsignmentProjection, rules::projection_rows(l.state()), n);
  });
  if (!written) return report(written.error(), as_json);
  // Committed: now the node's head of the copy is kept outside it too (the copy's note, signed by
  // this node, is trusted, so this open verifies no signature again).
  {
    auto kept = rules::Ledger::open(**dst, {false, nullptr, *anchor});
    if (!kept) return report(kept.error(), as_json);
  }
  if (as_json) {
    print_json({{"from", store::redact(from)}, {"to", store::redact(to)}, {"events", n}, {"notes", copied_notes},
                {"root", ledger::to_hex(*root)}});
  } else {
    std::cout << "copied " << n << " events and " << copied_notes << " notes from " << store::redact(from) << " to "
              << store::redact(to) << "; every signature verified, the same root " << ledger::to_hex(*root) << "\n";
  }
  return 0;
}

}  // namespace

Runner add_store(CLI::App& app) {
  auto* cmd = app.add_subcommand("store", "The store itself: its schema, a copy into another, its derived state");
  cmd->require_subcommand(1);
  struct Opts {
    std::string store = "corridor.db", url, from, to, grant;
    bool check = false, json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* rebuild = cmd->add_subcommand("rebuild", "Recompute every projection (consignment states) from the events alone");
  add_store_option(rebuild, o->store);
  rebuild->add_flag("--check", o->check, "only compare the stored projection with a fresh one; exit 7 if they differ");
  rebuild->add_flag("--json", o->json, "print as JSON");
  auto* migrate = cmd->add_subcommand("migrate", "Create the store or bring its schema to this version (the only command "
                                                 "that changes a PostgreSQL schema)");
  migrate->add_option("STORE", o->url, "a file, sqlite:PATH or postgresql://...")->required();
  migrate->add_option("--grant", o->grant, "PostgreSQL: also grant ROLE what a server needs and no more (docs/postgresql.md)");
  migrate->add_flag("--json", o->json, "print as JSON");
  auto* copy = cmd->add_subcommand("copy", "Copy a ledger into an empty store (SQLite to PostgreSQL or back), every "
                                           "signature verified and every event folded under the rules on arrival");
  copy->add_option("FROM", o->from, "the store to copy")->required();
  copy->add_option("TO", o->to, "an empty store (created or migrated if needed)")->required();
  copy->add_flag("--json", o->json, "print as JSON");
  return [o, migrate, copy] {
    if (migrate->parsed()) return store_migrate(o->url, o->grant, o->json);
    if (copy->parsed()) return store_copy(o->from, o->to, o->json);
    auto opened = open_ledger(o->store);
    if (!opened) return report(opened.error(), o->json);
    const rules::State& state = opened->ledger->state();
    warn_violations(state);
    store::Store& st = *opened->store;
    const auto fresh = rules::projection_rows(state);
    const std::uint64_t seq = state.size;
    auto stored = st.rows(rules::kConsignmentProjection);
    if (!stored) return report(stored.error(), o->json);
    auto stored_seq = st.projected_seq(rules::kConsignmentProjection);
    if (!stored_seq) return report(stored_seq.error(), o->json);
    std::size_t differing = 0;
    std::map<std::string, const store::ProjectionRow*> by_id;
    for (const auto& r : *stored) by_id[r.id] = &r;
    for (const auto& r : fresh) {
      const auto it = by_id.find(r.id);
      differing += it == by_id.end() || !(*it->second == r);
    }
    differing += stored->size() > fresh.size() ? stored->size() - fresh.size() : 0;
    const bool same = differing == 0;
    if (o->check) {
      if (!same) {
        return report({core::ErrorCode::kCorrupt, store::redact(o->store) + ": the stored projection differs from the events in " +
                                                      std::to_string(differing) + " rows (projected to seq " +
                                                      std::to_string(*stored_seq) + " of " + std::to_string(seq) +
                                                      "); run corridor store rebuild"},
                      o->json, {{"differing_rows", differing}});
      }
    } else if (auto ok = st.replace_all(rules::kConsignmentProjection, fresh, seq); !ok) {
      return report(ok.error(), o->json);
    }
    if (o->json) {
      print_json({{"consignments", fresh.size()}, {"seq", seq}, {"identical", same}, {"rewritten", !o->check},
                  {"violations", state.violations.size()}});
    } else {
      std::cout << fresh.size() << " consignments projected from " << seq << " events; the stored projection "
                << (same ? "was identical" : "differed (" + std::to_string(differing) + " rows)")
                << (o->check ? "" : "; rewritten") << "\n";
    }
    return 0;
  };
}

}  // namespace corridor::cli
