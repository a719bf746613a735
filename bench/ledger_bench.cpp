// Ledger throughput, side by side in one run, with the rule engine and the Merkle tree on: durable
// appends through rules::Ledger (one per transaction, and batched) against raw SQLite inserts of
// the same rows with the same settings; full verification (every signature, hash, rule and tree
// node) against libsodium's raw Ed25519 verify rate on the same machine; and inclusion and
// consistency proofs on a log of --proof-events events (their size and time). Prints one JSON
// object.
//
// With --pg URL (an empty PostgreSQL database), the same appends again on a PostgreSQL store, beside
// raw libpqxx inserts of the same rows in the same transactions: appends per second on both
// backends in one run.
//
// usage: ledger_bench DIR [--events N] [--single N] [--batch B] [--proof-events N] [--pg URL]
#include <pqxx/pqxx>
#include <sodium.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "ledger/event.h"
#include "ledger/merkle.h"
#include "rules/ledger.h"
#include "store/store.h"

using namespace corridor;
using Clock = std::chrono::steady_clock;

static double secs(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

namespace {

void fresh(const std::string& db) {
  for (const char* ext : {"", "-wal", "-shm", ".node.key"}) std::filesystem::remove(db + ext);
  std::filesystem::remove_all(db + ".node.key.heads");
}

std::string payload(std::size_t i) {
  return R"({"commodity":"wheat-flour","date":"2023-07-01","note":"warehouse count )" + std::to_string(i) +
         R"(","place":"town","tonnes":)" + std::to_string(i % 5000) + "}";
}

// A store with a receiver and a settlement, ready for stock counts (the lightest valid event).
struct Fixture {
  std::unique_ptr<store::Store> store;
  std::optional<rules::Ledger> ledger;
  ledger::Signer signer{"wfp-town", "receiver", ledger::generate_keypair()};
  rules::NodeAnchor anchor;  // the node's key and its head kept outside the store, as a CLI or server has
};

bool setup(Fixture& f, const std::string& db) {
  if (!store::is_postgres_url(db)) fresh(db);
  auto s = store::open(db, store::OpenMode::kMigrate);
  if (!s) return false;
  f.store = std::move(*s);
  std::string key;
  if (store::is_postgres_url(db)) {
    key = (std::filesystem::temp_directory_path() / "corridor-ledger-bench-pg.node.key").string();
    fresh(key.substr(0, key.size() - 9));
  }
  auto a = rules::node_anchor(db, key);
  if (!a) return false;
  f.anchor = *a;
  auto l = rules::Ledger::open(*f.store, {false, nullptr, f.anchor});
  if (!l) return false;
  f.ledger.emplace(std::move(*l));
  const std::string reg = R"({"name":"wfp-town","role":"receiver","public_key":")" + ledger::to_hex(f.signer.keys.public_key) + "\"}";
  return f.ledger->append(f.signer, {rules::kPartyRegistered, "wfp-town", reg, 0}) &&
         f.ledger->append(f.signer, {rules::kSettlementRegistered, "town", R"({"id":"town","population":55000})", 0});
}

bool append_batches(rules::Ledger& l, const ledger::Signer& signer, std::size_t events, std::size_t batch) {
  for (std::size_t done = 0; done < events; done += batch) {
    auto r = l.append(signer, [&](const rules::State&) -> core::Result<std::vector<rules::Ledger::Draft>> {
      std::vector<rules::Ledger::Draft> drafts;
      for (std::size_t i = done; i < std::min(events, done + batch); ++i) {
        drafts.push_back({rules::kStockCounted, "town", payload(i), static_cast<core::UnixSeconds>(i)});
      }
      return drafts;
    });
    if (!r) {
      std::fprintf(stderr, "%s\n", r.error().message.c_str());
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ledger_bench DIR [--events N] [--single N] [--batch B] [--proof-events N]\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::size_t events = 50000, single = 300, batch = 1000, proof_events = 0;
  std::string pg;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--events") events = std::stoul(argv[i + 1]);
    if (a == "--single") single = std::stoul(argv[i + 1]);
    if (a == "--batch") batch = std::stoul(argv[i + 1]);
    if (a == "--proof-events") proof_events = std::stoul(argv[i + 1]);
    if (a == "--pg") pg = argv[i + 1];
  }
  if (!ledger::crypto_init()) return 1;
  std::filesystem::create_directories(dir);
  Fixture f;
  if (!setup(f, (dir / "bench.db").string())) return 1;

  // One event per transaction, each checked by the rules: on disk when it returns.
  auto t0 = Clock::now();
  for (std::size_t i = 0; i < single; ++i) {
    if (!f.ledger->append(f.signer, {rules::kStockCounted, "town", payload(i), static_cast<core::UnixSeconds>(i)})) return 1;
  }
  const double single_rate = static_cast<double>(single) / secs(t0);
  t0 = Clock::now();
  if (!append_batches(*f.ledger, f.signer, events, batch)) return 1;
  const double batch_rate = static_cast<double>(events) / secs(t0);

  // Raw SQLite: the same rows, the same pragmas and transactions, no hashing, signing, rules or tree.
  const auto raw_db = (dir / "raw.db").string();
  fresh(raw_db);
  sqlite3* raw = nullptr;
  sqlite3_open(raw_db.c_str(), &raw);
  sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE events (seq INTEGER PRIMARY KEY, "
                    "time INTEGER, actor TEXT, type TEXT, subject TEXT, payload TEXT, prev_hash TEXT, hash TEXT UNIQUE, "
                    "signature TEXT)", nullptr, nullptr, nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(raw, "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?)", -1, &ins, nullptr);
  const std::string hash(64, 'a'), sig(128, 'b'), actor = f.signer.name, subject = "town";
  std::size_t seq = 1;
  auto insert = [&](std::size_t i) {
    sqlite3_reset(ins);
    sqlite3_bind_int64(ins, 1, static_cast<sqlite3_int64>(seq));
    sqlite3_bind_int64(ins, 2, static_cast<sqlite3_int64>(i));
    const std::string p = payload(i), h = std::to_string(seq) + hash;
    for (auto [col, s] : {std::pair<int, const std::string*>{3, &actor}, {5, &subject}, {6, &p}, {7, &hash}, {8, &h}, {9, &sig}}) {
      sqlite3_bind_text(ins, col, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    }
    sqlite3_bind_text(ins, 4, "stock.counted", 13, SQLITE_STATIC);
    sqlite3_step(ins);
    ++seq;
  };
  t0 = Clock::now();
  for (std::size_t i = 0; i < single; ++i) {
    sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    insert(i);
    sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr);
  }
  const double raw_single = static_cast<double>(single) / secs(t0);
  t0 = Clock::now();
  for (std::size_t done = 0; done < events; done += batch) {
    sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (std::size_t i = done; i < std::min(events, done + batch); ++i) insert(i);
    sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr);
  }
  const double raw_batch = static_cast<double>(events) / secs(t0);
  sqlite3_finalize(ins);
  sqlite3_close(raw);

  // Full verification: every event's hash, signature and rules (rules::Ledger::open with
  // verify_all), then every stored tree node, against libsodium's raw verify of as many signatures.
  t0 = Clock::now();
  auto full = rules::Ledger::open(*f.store, {true, nullptr, f.anchor});
  const double verify_secs = secs(t0);
  if (!full || !full->state().violations.empty()) return 1;
  t0 = Clock::now();
  if (!full->check_stored_tree()) return 1;
  const double tree_secs = secs(t0);
  const std::uint64_t verified = full->state().size;
  // An ordinary read: only what is new since the last verified head has its signature checked.
  t0 = Clock::now();
  auto incremental = rules::Ledger::open(*f.store, {false, nullptr, f.anchor});
  const double read_open_secs = secs(t0);
  if (!incremental) return 1;
  const ledger::Digest d = ledger::sha256("corridor");
  const ledger::Signature s = ledger::sign(f.signer.keys.secret_key, d);
  t0 = Clock::now();
  std::size_t ok = 0;
  for (std::uint64_t i = 0; i < verified; ++i) ok += ledger::verify(f.signer.keys.public_key, d, s);
  const double raw_verify_secs = secs(t0);

  std::printf("{\"events\":%llu,\"single_appends_per_s\":%.0f,\"raw_single_inserts_per_s\":%.0f,"
              "\"batched_appends_per_s\":%.0f,\"raw_batched_inserts_per_s\":%.0f,\"batch\":%zu,"
              "\"verify_events_per_s\":%.0f,\"raw_ed25519_verify_per_s\":%.0f,\"verify_share_of_raw\":%.3f,"
              "\"tree_check_s\":%.3f,\"read_open_s\":%.3f",
              static_cast<unsigned long long>(verified), single_rate, raw_single, batch_rate, raw_batch, batch,
              static_cast<double>(verified) / verify_secs, static_cast<double>(ok) / raw_verify_secs,
              raw_verify_secs / verify_secs, tree_secs, read_open_secs);

  if (!pg.empty()) {
    // The same appends on PostgreSQL, then raw inserts of the same rows with libpqxx.
    Fixture q;
    if (!setup(q, pg)) return 1;
    t0 = Clock::now();
    for (std::size_t i = 0; i < single; ++i) {
      if (!q.ledger->append(q.signer, {rules::kStockCounted, "town", payload(i), static_cast<core::UnixSeconds>(i)})) return 1;
    }
    const double pg_single = static_cast<double>(single) / secs(t0);
    t0 = Clock::now();
    if (!append_batches(*q.ledger, q.signer, events, batch)) return 1;
    const double pg_batch = static_cast<double>(events) / secs(t0);
    pqxx::connection c(pg);
    {
      pqxx::nontransaction n(c);
      n.exec("CREATE TABLE raw_events (seq BIGINT PRIMARY KEY, time BIGINT, actor TEXT, type TEXT, subject TEXT, "
             "payload TEXT, prev_hash TEXT, hash TEXT UNIQUE, signature TEXT)");
    }
    c.prepare("ins", "INSERT INTO raw_events VALUES ($1, $2, $3, 'stock.counted', $4, $5, $6, $7, $8)");
    std::size_t pseq = 1;
    auto pg_insert = [&](pqxx::work& w, std::size_t i) {
      w.exec_prepared("ins", static_cast<std::int64_t>(pseq), static_cast<std::int64_t>(i), actor, subject, payload(i), hash,
                      std::to_string(pseq) + hash, sig);
      ++pseq;
    };
    t0 = Clock::now();
    for (std::size_t i = 0; i < single; ++i) {
      pqxx::work w(c);
      pg_insert(w, i);
      w.commit();
    }
    const double pg_raw_single = static_cast<double>(single) / secs(t0);
    t0 = Clock::now();
    for (std::size_t done = 0; done < events; done += batch) {
      pqxx::work w(c);
      for (std::size_t i = done; i < std::min(events, done + batch); ++i) pg_insert(w, i);
      w.commit();
    }
    const double pg_raw_batch = static_cast<double>(events) / secs(t0);
    t0 = Clock::now();
    auto pg_full = rules::Ledger::open(*q.store, {true, nullptr, q.anchor});
    const double pg_verify_secs = secs(t0);
    if (!pg_full) return 1;
    std::printf(",\"pg_single_appends_per_s\":%.0f,\"pg_batched_appends_per_s\":%.0f,\"pg_raw_single_inserts_per_s\":%.0f,"
                "\"pg_raw_batched_inserts_per_s\":%.0f,\"pg_verify_events_per_s\":%.0f",
                pg_single, pg_batch, pg_raw_single, pg_raw_batch, static_cast<double>(pg_full->state().size) / pg_verify_secs);
  }

  if (proof_events > 0) {
    // A log of proof_events events, then proofs against it.
    Fixture p;
    if (!setup(p, (dir / "proofs.db").string())) return 1;
    t0 = Clock::now();
    if (!append_batches(*p.ledger, p.signer, proof_events - 2, 5000)) return 1;
    const double build_secs = secs(t0);
    t0 = Clock::now();
    auto reopened = rules::Ledger::open(*p.store, {false, nullptr, p.anchor});
    const double open_secs = secs(t0);
    if (!reopened) return 1;
    const std::uint64_t n = reopened->state().size;
    const ledger::Digest root = reopened->state().tree.root();
    std::mt19937_64 rng(6962);
    const int kProofs = 2000;
    std::size_t inclusion_hashes = 0, consistency_hashes = 0, verified_proofs = 0;
    double inclusion_secs = 0, consistency_secs = 0, check_secs = 0;
    std::vector<ledger::Digest> leaves(kProofs);
    std::vector<std::uint64_t> seqs(kProofs);
    for (int i = 0; i < kProofs; ++i) {
      seqs[i] = 1 + rng() % n;
      (void)p.store->scan(seqs[i], [&](const ledger::Event& e) {
        leaves[i] = *store::leaf_of(e);
        return false;
      });
    }
    for (int i = 0; i < kProofs; ++i) {
      t0 = Clock::now();
      auto path = reopened->inclusion_proof(seqs[i], n);
      inclusion_secs += secs(t0);
      if (!path) return 1;
      inclusion_hashes += path->size();
      t0 = Clock::now();
      verified_proofs += ledger::merkle::verify_inclusion(seqs[i] - 1, n, leaves[i], *path, root);
      check_secs += secs(t0);
    }
    for (int i = 0; i < kProofs; ++i) {
      const std::uint64_t first = 1 + rng() % n;
      t0 = Clock::now();
      auto path = reopened->consistency_proof(first, n);
      auto first_root = reopened->root_at(first);
      consistency_secs += secs(t0);
      if (!path || !first_root) return 1;
      consistency_hashes += path->size();
      verified_proofs += ledger::merkle::verify_consistency(first, n, *first_root, root, *path);
    }
    if (verified_proofs != 2 * static_cast<std::size_t>(kProofs)) return 1;
    std::printf(",\"proof_log_events\":%llu,\"proof_log_build_s\":%.1f,\"proof_log_open_s\":%.2f,"
                "\"inclusion_proof_hashes_mean\":%.1f,\"inclusion_proof_bytes_mean\":%.0f,\"inclusion_proof_us\":%.1f,"
                "\"inclusion_verify_us\":%.1f,\"consistency_proof_hashes_mean\":%.1f,\"consistency_proof_bytes_mean\":%.0f,"
                "\"consistency_proof_and_root_us\":%.1f",
                static_cast<unsigned long long>(n), build_secs, open_secs,
                static_cast<double>(inclusion_hashes) / kProofs, 32.0 * static_cast<double>(inclusion_hashes) / kProofs,
                1e6 * inclusion_secs / kProofs, 1e6 * check_secs / kProofs,
                static_cast<double>(consistency_hashes) / kProofs, 32.0 * static_cast<double>(consistency_hashes) / kProofs,
                1e6 * consistency_secs / kProofs);
  }
  std::printf("}\n");
  return 0;
}
