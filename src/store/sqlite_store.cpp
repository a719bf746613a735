#include <sqlite3.h>

#include <array>

#include "store/store.h"

namespace corridor::store {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

// Numbered migrations, applied in order, each in its own transaction; append-only.
constexpr std::array<const char*, 2> kMigrations{
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
)sql"};

class SqliteStore final : public Store {
 public:
  ~SqliteStore() override {
    for (sqlite3_stmt* s : {insert_, last_, scan_}) sqlite3_finalize(s);
    if (db_ != nullptr) sqlite3_close(db_);
  }

  Result<void> open(const std::string& path) {
    path_ = path;
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
      return error("cannot open");
    }
    sqlite3_busy_timeout(db_, 10000);
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
      CORRIDOR_CHECK(exec("BEGIN IMMEDIATE"));
      auto ok = exec(kMigrations[static_cast<std::size_t>(v - 1)]);
      if (ok) ok = exec("INSERT INTO schema_migrations VALUES (" + std::to_string(v) + ", strftime('%s','now'))");
      if (!ok) {
        (void)exec("ROLLBACK");
        return ok;
      }
      CORRIDOR_CHECK(exec("COMMIT"));
    }
    CORRIDOR_CHECK(prepare("INSERT INTO events (seq, time, actor, type, subject, payload, prev_hash, hash, signature) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", insert_));
    CORRIDOR_CHECK(prepare(std::string("SELECT ") + kColumns + " FROM events ORDER BY seq DESC LIMIT 1", last_));
    CORRIDOR_CHECK(prepare(std::string("SELECT ") + kColumns + " FROM events WHERE seq >= ? ORDER BY seq", scan_));
    return {};
  }

  Result<void> append(std::span<const ledger::Event> events) override {
    if (events.empty()) return {};
    CORRIDOR_CHECK(exec("BEGIN IMMEDIATE"));
    auto result = append_in_transaction(events);
    if (!result) {
      (void)exec("ROLLBACK");
      return result;
    }
    return exec("COMMIT");
  }

  Result<std::optional<ledger::Event>> last() override {
    sqlite3_reset(last_);
    const int rc = sqlite3_step(last_);
    if (rc == SQLITE_DONE) return std::optional<ledger::Event>();
    if (rc != SQLITE_ROW) return error("cannot read the last event");
    return std::optional<ledger::Event>(row(last_));
  }

  Result<void> scan(std::uint64_t from, const std::function<bool(const ledger::Event&)>& f) override {
    sqlite3_reset(scan_);
    sqlite3_bind_int64(scan_, 1, static_cast<sqlite3_int64>(from));
    while (true) {
      const int rc = sqlite3_step(scan_);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return error("cannot read events");
      if (!f(row(scan_))) break;
    }
    sqlite3_reset(scan_);
    return {};
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
    return transaction([&]() -> Result<void> {
      CORRIDOR_CHECK(put_row(kind, row));
      return set_seq(kind, seq);
    });
  }

  Result<void> replace_all(const std::string& kind, const std::vector<ProjectionRow>& all, std::uint64_t seq) override {
    return transaction([&]() -> Result<void> {
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

 private:
  template <typename F>
  Result<void> transaction(F&& body) {
    CORRIDOR_CHECK(exec("BEGIN IMMEDIATE"));
    auto result = body();
    if (!result) {
      (void)exec("ROLLBACK");
      return result;
    }
    return exec("COMMIT");
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

  Result<void> append_in_transaction(std::span<const ledger::Event> events) {
    // The chain must continue from what is stored now, inside this transaction: two writers cannot
    // both append seq N.
    CORRIDOR_TRY(auto tail, last());
    const std::uint64_t next = tail ? tail->seq + 1 : 1;
    if (events.front().seq != next) {
      return fail(ErrorCode::kInvalidArgument, path_ + ": append of seq " + std::to_string(events.front().seq) +
                                                   " but the store continues at " + std::to_string(next));
    }
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
    return {};
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
    return fail(corrupt ? ErrorCode::kCorrupt : code == SQLITE_CONSTRAINT ? ErrorCode::kInvalidArgument : ErrorCode::kIo,
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
  sqlite3_stmt* last_ = nullptr;
  sqlite3_stmt* scan_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite(const std::string& path) {
  auto s = std::make_unique<SqliteStore>();
  CORRIDOR_CHECK(s->open(path));
  return std::unique_ptr<Store>(std::move(s));
}

int sqlite_schema_version() { return static_cast<int>(kMigrations.size()); }

}  // namespace corridor::store
