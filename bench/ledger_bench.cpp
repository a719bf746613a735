// Ledger throughput, side by side in one run: durable appends (one per transaction, and batched)
// against raw SQLite inserts of the same rows with the same settings, and verification against
// libsodium's raw Ed25519 verify rate on the same machine. Prints one JSON object.
//
// usage: ledger_bench DIR [--events N] [--single N] [--batch B]
#include <sodium.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "ledger/event.h"
#include "store/store.h"

using namespace corridor;
using Clock = std::chrono::steady_clock;

static double secs(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ledger_bench DIR [--events N] [--single N] [--batch B]\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::size_t events = 50000, single = 300, batch = 1000;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--events") events = std::stoul(argv[i + 1]);
    if (a == "--single") single = std::stoul(argv[i + 1]);
    if (a == "--batch") batch = std::stoul(argv[i + 1]);
  }
  if (!ledger::crypto_init()) return 1;
  std::filesystem::create_directories(dir);
  const auto db = (dir / "bench.db").string();
  std::filesystem::remove(db);
  std::filesystem::remove(db + "-wal");
  std::filesystem::remove(db + "-shm");
  auto store = store::open_sqlite(db);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    return 1;
  }
  auto l = ledger::Ledger::open(**store);
  const ledger::Signer icrc{"icrc", "sender", ledger::generate_keypair()};
  if (!l->register_party(icrc, 0)) return 1;
  const std::string payload = R"({"items":[{"description":"wheat flour","net_kg":20000}],"trucks":1})";

  // One event per transaction: each append is on disk when it returns.
  auto t0 = Clock::now();
  for (std::size_t i = 0; i < single; ++i) {
    if (!l->append(icrc, "note", "c-" + std::to_string(i), payload, static_cast<core::UnixSeconds>(i))) return 1;
  }
  const double single_rate = static_cast<double>(single) / secs(t0);

  // Batches of `batch` events per transaction.
  t0 = Clock::now();
  for (std::size_t done = 0; done < events; done += batch) {
    std::vector<ledger::Ledger::Draft> drafts;
    for (std::size_t i = done; i < std::min(events, done + batch); ++i) {
      drafts.push_back({"note", "c-" + std::to_string(i), payload, static_cast<core::UnixSeconds>(i)});
    }
    if (!l->append_batch(icrc, drafts)) return 1;
  }
  const double batch_rate = static_cast<double>(events) / secs(t0);

  // Raw SQLite: the same rows, the same pragmas and transactions, no hashing or signing.
  const auto raw_db = (dir / "raw.db").string();
  std::filesystem::remove(raw_db);
  sqlite3* raw = nullptr;
  sqlite3_open(raw_db.c_str(), &raw);
  sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE events (seq INTEGER PRIMARY KEY, "
                    "time INTEGER, actor TEXT, type TEXT, subject TEXT, payload TEXT, prev_hash TEXT, hash TEXT UNIQUE, "
                    "signature TEXT)", nullptr, nullptr, nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(raw, "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?)", -1, &ins, nullptr);
  const std::string hash(64, 'a'), sig(128, 'b');
  std::size_t seq = 1;
  auto insert = [&](std::size_t i) {
    sqlite3_reset(ins);
    sqlite3_bind_int64(ins, 1, static_cast<sqlite3_int64>(seq));
    sqlite3_bind_int64(ins, 2, static_cast<sqlite3_int64>(i));
    const std::string subject = "c-" + std::to_string(i), h = std::to_string(seq) + hash;
    for (auto [col, s] : {std::pair<int, const std::string*>{3, &icrc.name}, {5, &subject}, {6, &payload}, {7, &hash},
                          {8, &h}, {9, &sig}}) {
      sqlite3_bind_text(ins, col, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    }
    sqlite3_bind_text(ins, 4, "note", 4, SQLITE_STATIC);
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

  // Verification of the whole store against libsodium's raw verify of as many signatures.
  t0 = Clock::now();
  auto report = ledger::verify_journal(**store, nullptr);
  const double verify_secs = secs(t0);
  if (!report || !report->ok()) return 1;
  const ledger::Digest d = ledger::sha256("corridor");
  const ledger::Signature s = ledger::sign(icrc.keys.secret_key, d);
  t0 = Clock::now();
  std::size_t ok = 0;
  for (std::size_t i = 0; i < report->events; ++i) ok += ledger::verify(icrc.keys.public_key, d, s);
  const double raw_verify_secs = secs(t0);
  std::printf("{\"events\":%llu,\"single_appends_per_s\":%.0f,\"raw_single_inserts_per_s\":%.0f,"
              "\"batched_appends_per_s\":%.0f,\"raw_batched_inserts_per_s\":%.0f,\"batch\":%zu,"
              "\"verify_events_per_s\":%.0f,\"raw_ed25519_verify_per_s\":%.0f,\"verify_share_of_raw\":%.3f}\n",
              static_cast<unsigned long long>(report->events), single_rate, raw_single, batch_rate, raw_batch, batch,
              static_cast<double>(report->events) / verify_secs, static_cast<double>(ok) / raw_verify_secs,
              raw_verify_secs / verify_secs);
  return 0;
}
