#include <sqlite3.h>
#include <sys/stat.h>

#include <array>
#include <chrono>
#include <thread>

#include "ledger/merkle.h"
#include "store/store.h"

namespace corridor::store {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

// Numbered migrations, applied in order, each in its own transaction; append-only.
constexpr std::array<const char*, 3> kMigrations{
    R"sql(
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  type TEXT NOT NULL,
  subject TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  signature TEXT NOT NULL
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
CREATE INDEX events_subject ON events(subject, seq);
)sql",
    R"sql(
CREATE TABLE projections (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  state TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE TABLE projection_seq (kind TEXT PRIMARY KEY, seq INTEGER NOT NULL);
)sql",
    // The Merkle tree's perfect subtrees of level >= 1 (level 0 is the events' own hashes), and the
    // node's notes beside the log (the last verified head, peers' heads, how far the tree reaches).
    R"sql(
CREATE TABLE tree_nodes (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TRIGGER tree_nodes_no_update BEFORE UPDATE ON tree_nodes
  BEGIN SELECT RAISE(ABORT, 'tree nodes are append-only: UPDATE refused'); END;
CREATE TRIGGER tree_nodes_no_delete BEFORE DELETE ON tree_nodes
  BEGIN SELECT RAISE(ABORT, 'tree nodes are append-only: DELETE refused'); END;
CREATE TABLE notes (key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql"};

// How long a writer waits for others before giving up: each attempt waits up to the busy timeout.
constexpr int kBusyTimeoutMs = 10000;
constexpr int kWriteAttempts = 6;

class SqliteStore final : public Store {
 public:
  ~SqliteStore() override {
    for (sqlite3_stmt* s : {insert_, scan_, node_, leaf_, insert_node_, count_}) sqlite3_finalize(s);
    if (db_ != nullptr) sqlite3_close(db_);
  }

  Result<void> open(const std::string& path, OpenMode mode) {
    path_ = path;
    struct stat st {};
    if (mode == OpenMode::kExisting && ::stat(path.c_str(), &st) != 0) {
      return fail(ErrorCode::kNotFound, path + ": no such store (a ledger starts with corridor party add or corridor "
                                               "ledger init)");
    }
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (mode != OpenMode::kExisting ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) return error("cannot open");
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    CORRIDOR_CHECK(exec("PRAGMA journal_mode=WAL"));
    CORRIDOR_CHECK(exec("PRAGMA synchronous=FULL"));
    CORRIDOR_CHECK(exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"));
    int version = 0;
    CORRIDOR_CHECK(query_int("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", version));
    if (version > static_cast<int>(kMigrations.size())) {
      return fail(ErrorCode::kVersion, path + ": store schema version " + std::to_string(version) +
                                           " is newer than this corridor knows (" + std::to_string(kMigrations.size()) + ")");
    }
    for (int v = version + 1; v <= static_cast<int>(kMigrations.size()); ++v) {
      CORRIDOR_CHECK(write([&]() -> Result<void> {
        // Another process may have migrated while this one waited for the lock.
        int now = 0;
        CORRIDOR_CHECK(query_int("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", now));
        if (now >= v) return {};
        CORRIDOR_CHECK(exec(kMigrations[static_cast<std::size_t>(v - 1)]));
        return exec("INSERT INTO schema_migrations VALUES (" + std::to_string(v) + ", strftime('%s','now'))");
      }));
    }
    CORRIDOR_CHECK(prepare("INSERT INTO events (seq, time, actor, type, subject, payload, prev_hash, hash, signature) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", insert_));
    CORRIDOR_CHECK(prepare(std::string("SELECT ") + kColumns + " FROM events WHERE seq >= ? ORDER BY seq", scan_));
    CORRIDOR_CHECK(prepare("SELECT hash FROM tree_nodes WHERE level = ? AND idx = ?", node_));
    CORRIDOR_CHECK(prepare("SELECT hash FROM events WHERE seq = ?", leaf_));
    CORRIDOR_CHECK(prepare("INSERT INTO tree_nodes (level, idx, hash) VALUES (?, ?, ?)", insert_node_));
    CORRIDOR_CHECK(prepare("SELECT COALESCE(MAX(seq), 0) FROM events", count_));
    return build_missing_tree();
  }

  std::string name() const override { return path_; }

  Result<std::uint64_t> size() override {
    sqlite3_reset(count_);
    if (sqlite3_step(count_) != SQLITE_ROW) return error("cannot count events");
    const auto n = static_cast<std::uint64_t>(sqlite3_column_int64(count_, 0));
    sqlite3_reset(count_);
    return n;
  }

  Result<void> scan(std::uint64_t from, const std::function<bool(const ledger::Event&)>& f) override {
    sqlite3_reset(scan_);
    sqlite3_bind_int64(scan_, 1, static_cast<sqlite3_int64>(from));
    while (true) {
      const int rc = sqlite3_step(scan_);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        sqlite3_reset(scan_);
        return error("cannot read events");
      }
      if (!f(row(scan_))) break;
    }
    sqlite3_reset(scan_);
    return {};
  }

  Result<ledger::Digest> tree_node(unsigned level, std::uint64_t index) override {
    if (level == 0) {
      sqlite3_reset(leaf_);
      sqlite3_bind_int64(leaf_, 1, static_cast<sqlite3_int64>(index + 1));
      const int rc = sqlite3_step(leaf_);
      if (rc != SQLITE_ROW) {
        sqlite3_reset(leaf_);
        if (rc == SQLITE_DONE) return fail(ErrorCode::kCorrupt, path_ + ": no event " + std::to_string(index + 1));
        return error("cannot read the tree");
      }
      ledger::Event e;
      e.seq = index + 1;
      e.hash = text(leaf_, 0);
      sqlite3_reset(leaf_);
      return leaf_of(e);
    }
    sqlite3_reset(node_);
    sqlite3_bind_int(node_, 1, static_cast<int>(level));
    sqlite3_bind_int64(node_, 2, static_cast<sqlite3_int64>(index));
    const int rc = sqlite3_step(node_);
    if (rc != SQLITE_ROW || sqlite3_column_bytes(node_, 0) != 32) {
      sqlite3_reset(node_);
      if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        return fail(ErrorCode::kCorrupt, path_ + ": tree node " + std::to_string(level) + "/" + std::to_string(index) +
                                             " is missing or damaged");
      }
      return error("cannot read the tree");
    }
    ledger::Digest d{};
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(node_, 0));
    std::copy(p, p + 32, d.begin());
    sqlite3_reset(node_);
    return d;
  }

  Result<void> append(std::span<const ledger::Event> events) override {
    if (events.empty()) return {};
    return write([&] { return append_in_transaction(events); });
  }

  Result<void> write(const std::function<Result<void>()>& body) override {
    if (in_write_) return body();
    // BEGIN IMMEDIATE takes the write lock at once (waiting up to the busy timeout for other
    // writers), so everything the body reads stays current until it commits: check and append
    // are one step. A writer that waited its whole timeout tries again, a bounded number of times.
    int rc = SQLITE_BUSY;
    for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
      rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10 * (attempt + 1)));
    }
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      return fail(ErrorCode::kIo, path_ + ": the store stayed locked by other writers for " +
                                      std::to_string(kWriteAttempts * kBusyTimeoutMs / 1000) + " s; nothing written");
    }
    if (rc != SQLITE_OK) return error("cannot begin a write");
    in_write_ = true;
    auto result = body();
    in_write_ = false;
    if (!result) {
      (void)exec("ROLLBACK");
      return result;
    }
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      auto e = error("cannot commit");
      (void)exec("ROLLBACK");
      return e;
    }
    return {};
  }

  Result<void> read(const std::function<Result<void>()>& body) override {
    if (in_write_ || in_read_) return body();
    CORRIDOR_CHECK(exec("BEGIN"));
    in_read_ = true;
    auto result = body();
    in_read_ = false;
    (void)exec(result ? "COMMIT" : "ROLLBACK");
    return result;
  }

  Result<std::optional<std::string>> note(const std::string& key) override {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT value FROM notes WHERE key = ?", -1, &s, nullptr) != SQLITE_OK) {
      return error("cannot read notes");
    }
    sqlite3_bind_text(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    const int rc = sqlite3_step(s);
    std::optional<std::string> out;
    if (rc == SQLITE_ROW) out = text(s, 0);
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return error("cannot read notes");
    return out;
  }

  Result<void> set_note(const std::string& key, const std::string& value) override {
    return write([&]() -> Result<void> { return put_note(key, value); });
  }

  Result<std::uint64_t> projected_seq(const std::string& kind) override {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT seq FROM projection_seq WHERE kind = ?", -1, &s, nullptr) != SQLITE_OK) {
      return error("cannot read projections");
    }
    sqlite3_bind_text(s, 1, kind.data(), static_cast<int>(kind.size()), SQLITE_TRANSIENT);
    const int rc = sqlite3_step(s);
    const std::uint64_t seq = rc == SQLITE_ROW ? static_cast<std::uint64_t>(sqlite3_column_int64(s, 0)) : 0;
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return error("cannot read projections");
    return seq;
  }

  Result<std::vector<ProjectionRow>> rows(const std::string& kind) override {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT id, state, doc FROM projections WHERE kind = ? ORDER BY id", -1, &s, nullptr) !=
        SQLITE_OK) {
      return error("cannot read projections");
    }
    sqlite3_bind_text(s, 1, kind.data(), static_cast<int>(kind.size()), SQLITE_TRANSIENT);
    std::vector<ProjectionRow> out;
    int rc = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) out.push_back({text(s, 0), text(s, 1), text(s, 2)});
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return error("cannot read projections");
    return out;
  }

  Result<void> upsert(const std::string& kind, const ProjectionRow& row, std::uint64_t seq) override {
    return write([&]() -> Result<void> {
      CORRIDOR_CHECK(put_row(kind, row));
      return set_seq(kind, seq);
    });
  }

  Result<void> set_projected_seq(const std::string& kind, std::uint64_t seq) override {
    return write([&]() -> Result<void> { return set_seq(kind, seq); });
  }

  Result<void> replace_all(const std::string& kind, const std::vector<ProjectionRow>& all, std::uint64_t seq) override {
    return write([&]() -> Result<void> {
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v2(db_, "DELETE FROM projections WHERE kind = ?", -1, &s, nullptr) != SQLITE_OK) {
        return error("cannot rewrite projections");
      }
      sqlite3_bind_text(s, 1, kind.data(), static_cast<int>(kind.size()), SQLITE_TRANSIENT);
      const int rc = sqlite3_step(s);
      sqlite3_finalize(s);
      if (rc != SQLITE_DONE) return error("cannot rewrite projections");
      for (const auto& row : all) CORRIDOR_CHECK(put_row(kind, row));
      return set_seq(kind, seq);
    });
  }

  Result<std::vector<std::pair<std::string, std::string>>> notes() override {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT key, value FROM notes ORDER BY key", -1, &s, nullptr) != SQLITE_OK) {
      return error("cannot read notes");
    }
    std::vector<std::pair<std::string, std::string>> out;
    int rc = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) out.emplace_back(text(s, 0), text(s, 1));
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return error("cannot read notes");
    return out;
  }

 private:
  Result<void> put_note(const std::string& key, const std::string& value) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO notes (key, value) VALUES (?, ?)", -1, &s, nullptr) != SQLITE_OK) {
      return error("cannot write notes");
    }
    sqlite3_bind_text(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    const int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return error("cannot write notes");
    return {};
  }
  Result<void> put_row(const std::string& kind, const ProjectionRow& row) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO projections (kind, id, state, doc) VALUES (?, ?, ?, ?)", -1, &s,
                           nullptr) != SQLITE_OK) {
      return error("cannot write projections");
    }
    int i = 1;
    for (const std::string* v : {&kind, &row.id, &row.state, &row.doc}) {
      sqlite3_bind_text(s, i++, v->data(), static_cast<int>(v->size()), SQLITE_TRANSIENT);
    }
    const int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return error("cannot write projections");
    return {};
  }
  Result<void> set_seq(const std::string& kind, std::uint64_t seq) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO projection_seq (kind, seq) VALUES (?, ?)", -1, &s, nullptr) !=
        SQLITE_OK) {
      return error("cannot write projections");
    }
    sqlite3_bind_text(s, 1, kind.data(), static_cast<int>(kind.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(seq));
    const int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return error("cannot write projections");
    return {};
  }

  static constexpr const char* kColumns = "seq, time, actor, type, subject, payload, prev_hash, hash, signature";

  // Adds the tree nodes that `events` (continuing the tree from `from` leaves) complete.
  Result<void> grow_tree(std::uint64_t from, std::span<const ledger::Event> events) {
    CORRIDOR_TRY(const auto completed, completed_nodes(*this, from, events));
    for (const auto& n : completed) {
      sqlite3_reset(insert_node_);
      sqlite3_bind_int(insert_node_, 1, static_cast<int>(n.level));
      sqlite3_bind_int64(insert_node_, 2, static_cast<sqlite3_int64>(n.index));
      sqlite3_bind_blob(insert_node_, 3, n.hash.data(), 32, SQLITE_TRANSIENT);
      if (sqlite3_step(insert_node_) != SQLITE_DONE) return error("cannot store tree node");
    }
    return put_note(kTreeSizeNote, std::to_string(from + events.size()));
  }

  // A store from before the Merkle tree (schema 2), or one whose tree lags its events, gets the
  // missing nodes now. A tree that reaches further than the events is left alone: the ledger
  // reports it as truncation.
  Result<void> build_missing_tree() {
    CORRIDOR_TRY(const std::uint64_t have, tree_size(*this));
    CORRIDOR_TRY(const std::uint64_t n, size());
    if (have >= n) return {};
    return write([&]() -> Result<void> {
      CORRIDOR_TRY(const std::uint64_t from, tree_size(*this));
      CORRIDOR_TRY(const std::uint64_t count, size());
      if (from >= count) return {};
      // Nodes stored over more events than the note says: the note was changed or deleted, and the
      // tree cannot simply be grown (its nodes are there already). Damage to report, not to repair.
      sqlite3_stmt* q = nullptr;
      if (sqlite3_prepare_v2(db_, "SELECT COALESCE(MAX((idx + 1) << level), 0) FROM tree_nodes", -1, &q, nullptr) != SQLITE_OK) {
        return error("cannot read tree nodes");
      }
      const int rc = sqlite3_step(q);
      const auto covered = rc == SQLITE_ROW ? static_cast<std::uint64_t>(sqlite3_column_int64(q, 0)) : 0;
      sqlite3_finalize(q);
      if (rc != SQLITE_ROW) return error("cannot read tree nodes");
      if (covered > from) {
        return fail(ErrorCode::kCorrupt, name() + ": its Merkle tree holds nodes over " + std::to_string(covered) +
                                             " events, but its note '" + kTreeSizeNote + "' says " +
                                             (from == 0 ? std::string("nothing (the note is missing)") : std::to_string(from)) +
                                             ": the store's notes were edited; restore the store from a copy");
      }
      std::vector<ledger::Event> events;
      CORRIDOR_CHECK(scan(from + 1, [&](const ledger::Event& e) {
        events.push_back(e);
        return true;
      }));
      return grow_tree(from, events);
    });
  }

  Result<void> append_in_transaction(std::span<const ledger::Event> events) {
    // The chain must continue from what is stored now, inside this transaction: two writers cannot
    // both append seq N.
    CORRIDOR_TRY(const std::uint64_t count, size());
    CORRIDOR_CHECK(check_continues(*this, count, events));
    for (const auto& e : events) {
      sqlite3_reset(insert_);
      sqlite3_bind_int64(insert_, 1, static_cast<sqlite3_int64>(e.seq));
      sqlite3_bind_int64(insert_, 2, e.time);
      int i = 3;
      for (const std::string* s : {&e.actor, &e.type, &e.subject, &e.payload, &e.prev_hash, &e.hash, &e.signature}) {
        sqlite3_bind_text(insert_, i++, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      }
      if (sqlite3_step(insert_) != SQLITE_DONE) return error("cannot append seq " + std::to_string(e.seq));
    }
    return grow_tree(count, events);
  }

  static std::string text(sqlite3_stmt* s, int col) {
    const auto* p = sqlite3_column_text(s, col);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p),
                                                      static_cast<std::size_t>(sqlite3_column_bytes(s, col)));
  }
  static ledger::Event row(sqlite3_stmt* s) {
    ledger::Event e;
    e.seq = static_cast<std::uint64_t>(sqlite3_column_int64(s, 0));
    e.time = sqlite3_column_int64(s, 1);
    e.actor = text(s, 2);
    e.type = text(s, 3);
    e.subject = text(s, 4);
    e.payload = text(s, 5);
    e.prev_hash = text(s, 6);
    e.hash = text(s, 7);
    e.signature = text(s, 8);
    return e;
  }

  core::Unexpected error(const std::string& what) const {
    const int code = db_ != nullptr ? sqlite3_errcode(db_) : SQLITE_CANTOPEN;
    const std::string msg = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    const bool corrupt = code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
    return fail(corrupt ? ErrorCode::kCorrupt : code == SQLITE_CONSTRAINT ? ErrorCode::kConflict : ErrorCode::kIo,
                path_ + ": " + what + ": " + msg);
  }
  Result<void> exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err != nullptr ? err : "unknown error";
      sqlite3_free(err);
      const int code = sqlite3_errcode(db_);
      return fail(code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? ErrorCode::kCorrupt : ErrorCode::kIo,
                  path_ + ": " + msg);
    }
    return {};
  }
  Result<void> query_int(const std::string& sql, int& out) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return error("cannot read schema");
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) out = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW) return error("cannot read schema");
    return {};
  }
  Result<void> prepare(const std::string& sql, sqlite3_stmt*& out) {
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &out, nullptr) != SQLITE_OK) return error("cannot prepare statement");
    return {};
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* scan_ = nullptr;
  sqlite3_stmt* node_ = nullptr;
  sqlite3_stmt* leaf_ = nullptr;
  sqlite3_stmt* insert_node_ = nullptr;
  sqlite3_stmt* count_ = nullptr;
  bool in_write_ = false;
  bool in_read_ = false;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite(const std::string& path, OpenMode mode) {
  auto s = std::make_unique<SqliteStore>();
  CORRIDOR_CHECK(s->open(path, mode));
  return std::unique_ptr<Store>(std::move(s));
}

int sqlite_schema_version() { return static_cast<int>(kMigrations.size()); }

}  // namespace corridor::store
