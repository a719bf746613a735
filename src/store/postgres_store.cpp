// The PostgreSQL backend (libpqxx 6). One connection per store object; every call holds the
// store's mutex, so a server's threads may share it. See store.h and docs/postgresql.md.
#include <pqxx/pqxx>

#include <array>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "store/store.h"

namespace corridor::store {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

// Numbered migrations, applied in order under an advisory lock, each in its own transaction;
// append-only like SQLite's. The same tables as the SQLite store, with the rules a shared database
// must keep itself whoever connects: events and tree nodes are append-only (UPDATE, DELETE and
// TRUNCATE refused by triggers), every event continues the log (its seq is the last plus one and
// its prev_hash the last one's hash), and every commit that adds events notifies the channel
// `corridor_events` with the new size.
constexpr std::array<const char*, 1> kMigrations{
    R"sql(
CREATE FUNCTION corridor_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'corridor: % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TABLE events (
  seq BIGINT PRIMARY KEY CHECK (seq >= 1),
  time BIGINT NOT NULL,
  actor TEXT NOT NULL,
  type TEXT NOT NULL,
  subject TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  signature TEXT NOT NULL
);
CREATE INDEX events_subject ON events (subject, seq);

CREATE FUNCTION corridor_events_continue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_seq BIGINT;
  last_hash TEXT;
BEGIN
  SELECT seq, hash INTO last_seq, last_hash FROM events ORDER BY seq DESC LIMIT 1;
  IF NOT FOUND THEN
    last_seq := 0;
    last_hash := repeat('0', 64);
  END IF;
  IF NEW.seq <> last_seq + 1 THEN
    RAISE EXCEPTION 'corridor: the log continues at seq %, not %', last_seq + 1, NEW.seq
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NEW.prev_hash <> last_hash THEN
    RAISE EXCEPTION 'corridor: seq % does not chain: its prev_hash is not the hash of seq %', NEW.seq, last_seq
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER events_continue BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION corridor_events_continue();
CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION corridor_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION corridor_refuse_change();

CREATE FUNCTION corridor_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('corridor_events', (SELECT MAX(seq) FROM events)::text);
  RETURN NULL;
END $$;
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION corridor_events_notify();

CREATE TABLE tree_nodes (
  level INTEGER NOT NULL CHECK (level >= 1),
  idx BIGINT NOT NULL CHECK (idx >= 0),
  hash BYTEA NOT NULL CHECK (octet_length(hash) = 32),
  PRIMARY KEY (level, idx)
);
CREATE TRIGGER tree_nodes_no_change BEFORE UPDATE OR DELETE ON tree_nodes FOR EACH ROW EXECUTE FUNCTION corridor_refuse_change();
CREATE TRIGGER tree_nodes_no_truncate BEFORE TRUNCATE ON tree_nodes FOR EACH STATEMENT EXECUTE FUNCTION corridor_refuse_change();

CREATE TABLE projections (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  state TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE TABLE projection_seq (kind TEXT PRIMARY KEY, seq BIGINT NOT NULL);
CREATE TABLE notes (key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql"};

// Advisory lock keys: (0x434f5252 "CORR" for writes, +1 for migrations; hashtext of the schema) —
// one writer lock per schema, so ledgers in different schemas of one database never wait for
// each other.
constexpr const char* kWriteLock =
    "SET LOCAL lock_timeout = '30s'; SELECT pg_advisory_xact_lock(1129271890, hashtext(current_schema()))";
constexpr const char* kMigrateLock = "SELECT pg_advisory_xact_lock(1129271891, hashtext(current_schema()))";
constexpr std::size_t kPage = 4096;    // events per scan query, at most
constexpr std::size_t kBatch = 512;    // rows per INSERT of an append
constexpr std::size_t kCacheNodes = std::size_t{1} << 20;  // committed tree nodes kept in memory

constexpr const char* kColumns = "seq, time, actor, type, subject, payload, prev_hash, hash, signature";

bool has_param(const std::string& url, const std::string& name) {
  const auto q = url.find('?');
  if (q == std::string::npos) return false;
  return url.find("?" + name + "=", q) != std::string::npos || url.find("&" + name + "=", q) != std::string::npos;
}

class PgStore final : public Store {
 public:
  Result<void> open(const std::string& url, OpenMode mode) {
    shown_ = redact(url);
    // A server that is down must not hang a caller: libpq waits for ever without a timeout.
    conninfo_ = url + (has_param(url, "connect_timeout") ? "" : (url.find('?') == std::string::npos ? "?" : "&") +
                                                                    std::string("connect_timeout=10"));
    if (!has_param(url, "application_name")) conninfo_ += "&application_name=corridor";
    std::lock_guard lock(mutex_);
    CORRIDOR_CHECK(connect());
    CORRIDOR_TRY(const int version, schema_version());
    if (version > static_cast<int>(kMigrations.size())) {
      return fail(ErrorCode::kVersion, shown_ + ": store schema version " + std::to_string(version) +
                                           " is newer than this corridor knows (" + std::to_string(kMigrations.size()) + ")");
    }
    if (version < static_cast<int>(kMigrations.size())) {
      if (mode != OpenMode::kMigrate) {
        return fail(version == 0 ? ErrorCode::kNotFound : ErrorCode::kVersion,
                    shown_ + ": " + (version == 0 ? std::string("holds no corridor store") :
                                     "store schema version " + std::to_string(version)) +
                        "; this corridor needs version " + std::to_string(kMigrations.size()) +
                        ": run corridor store migrate with this URL (as a role that may create tables)");
      }
      CORRIDOR_CHECK(migrate());
    }
    return {};
  }

  std::string name() const override { return shown_; }

  Result<std::uint64_t> size() override {
    return run<std::uint64_t>("cannot count events", [&](pqxx::transaction_base& t) {
      return static_cast<std::uint64_t>(t.exec("SELECT COALESCE(MAX(seq), 0) FROM events")[0][0].as<std::int64_t>());
    });
  }

  Result<void> scan(std::uint64_t from, const std::function<bool(const ledger::Event&)>& f) override {
    std::uint64_t next = std::max<std::uint64_t>(from, 1);
    // Pages grow from a few events to kPage: a caller that wants one event (a proof, a history)
    // reads a few rows, a fold of the whole log reads big pages.
    std::size_t page_size = 16;
    while (true) {
      CORRIDOR_TRY(const std::vector<ledger::Event> page,
                   run<std::vector<ledger::Event>>("cannot read events", [&](pqxx::transaction_base& t) {
                     const pqxx::result r = t.exec_prepared("scan", static_cast<std::int64_t>(next),
                                                            static_cast<std::int64_t>(page_size));
                     std::vector<ledger::Event> out;
                     out.reserve(r.size());
                     for (const auto& row : r) out.push_back(event_of(row));
                     return out;
                   }));
      for (const auto& e : page) {
        if (!f(e)) return {};
      }
      if (page.size() < page_size) return {};
      next = page.back().seq + 1;
      page_size = std::min(kPage, page_size * 4);
    }
  }

  Result<ledger::Digest> tree_node(unsigned level, std::uint64_t index) override {
    std::lock_guard lock(mutex_);
    if (const auto it = cache_.find(cache_key(level, index)); it != cache_.end()) return it->second;
    CORRIDOR_TRY(const ledger::Digest d, read_tree_node(level, index));
    // Committed nodes never change (the triggers refuse it): keep them. Inside a write, a node read
    // may be this transaction's own and vanish with a rollback, so it is not kept.
    if (!in_write_) remember(level, index, d);
    return d;
  }

  Result<ledger::Digest> read_tree_node(unsigned level, std::uint64_t index) {
    if (level == 0) {
      CORRIDOR_TRY(const std::optional<std::string> hash,
                   run<std::optional<std::string>>("cannot read the tree", [&](pqxx::transaction_base& t) {
                     const pqxx::result r = t.exec_prepared("leaf", static_cast<std::int64_t>(index + 1));
                     return r.empty() ? std::optional<std::string>() : std::optional<std::string>(r[0][0].c_str());
                   }));
      if (!hash) return fail(ErrorCode::kCorrupt, shown_ + ": no event " + std::to_string(index + 1));
      ledger::Event e;
      e.seq = index + 1;
      e.hash = *hash;
      return leaf_of(e);
    }
    CORRIDOR_TRY(const std::optional<std::string> hex,
                 run<std::optional<std::string>>("cannot read the tree", [&](pqxx::transaction_base& t) {
                   const pqxx::result r = t.exec_prepared("node", static_cast<int>(level), static_cast<std::int64_t>(index));
                   return r.empty() ? std::optional<std::string>() : std::optional<std::string>(r[0][0].c_str());
                 }));
    if (!hex) {
      return fail(ErrorCode::kCorrupt, shown_ + ": tree node " + std::to_string(level) + "/" + std::to_string(index) +
                                           " is missing or damaged");
    }
    return ledger::from_hex<32>(*hex, shown_ + ": tree node " + std::to_string(level) + "/" + std::to_string(index));
  }

  Result<void> append(std::span<const ledger::Event> events) override {
    if (events.empty()) return {};
    return write([&] { return append_in_transaction(events); });
  }

  Result<void> write(const std::function<Result<void>()>& body) override {
    std::lock_guard lock(mutex_);
    if (in_write_) return body();
    if (txn_ != nullptr) return fail(ErrorCode::kInternal, shown_ + ": a write inside a read");
    CORRIDOR_CHECK(connect());
    std::unique_ptr<pqxx::work> t;
    // Writers of every process queue on one advisory lock, taken first: whatever the body reads
    // stays current until it commits (READ COMMITTED sees every commit made before the lock was
    // granted, and nobody else commits events while it is held).
    auto begun = guard<bool>("cannot begin a write", [&] {
      t = std::make_unique<pqxx::work>(*conn_);
      t->exec(kWriteLock);
      return true;
    });
    if (!begun) return core::Unexpected{begun.error()};
    txn_ = t.get();
    in_write_ = true;
    auto result = body();
    in_write_ = false;
    txn_ = nullptr;
    if (!result) {
      pending_.clear();
      (void)guard<bool>("cannot roll back", [&] {
        t->abort();
        return true;
      });
      return result;
    }
    auto committed = guard<bool>("cannot commit", [&] {
      t->commit();
      return true;
    });
    if (!committed) {
      pending_.clear();
      return core::Unexpected{committed.error()};
    }
    // What this transaction appended is committed now: the next append's frontier and the next
    // proofs read it from memory.
    for (const auto& n : pending_) remember(n.level, n.index, n.hash);
    pending_.clear();
    return {};
  }

  Result<void> read(const std::function<Result<void>()>& body) override {
    std::lock_guard lock(mutex_);
    if (txn_ != nullptr) return body();
    CORRIDOR_CHECK(connect());
    std::unique_ptr<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>> t;
    auto begun = guard<bool>("cannot begin a read", [&] {
      t = std::make_unique<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(*conn_);
      return true;
    });
    if (!begun) return core::Unexpected{begun.error()};
    txn_ = t.get();
    auto result = body();
    txn_ = nullptr;
    (void)guard<bool>("cannot end a read", [&] {
      t->commit();
      return true;
    });
    return result;
  }

  Result<std::optional<std::string>> note(const std::string& key) override {
    return run<std::optional<std::string>>("cannot read notes", [&](pqxx::transaction_base& t) {
      const pqxx::result r = t.exec_prepared("note", key);
      return r.empty() ? std::optional<std::string>() : std::optional<std::string>(r[0][0].as<std::string>());
    });
  }

  Result<void> set_note(const std::string& key, const std::string& value) override {
    return write([&]() -> Result<void> { return put_note(key, value); });
  }

  Result<std::uint64_t> projected_seq(const std::string& kind) override {
    return run<std::uint64_t>("cannot read projections", [&](pqxx::transaction_base& t) {
      const pqxx::result r = t.exec_prepared("projected_seq", kind);
      return r.empty() ? std::uint64_t{0} : static_cast<std::uint64_t>(r[0][0].as<std::int64_t>());
    });
  }

  Result<std::vector<ProjectionRow>> rows(const std::string& kind) override {
    return run<std::vector<ProjectionRow>>("cannot read projections", [&](pqxx::transaction_base& t) {
      const pqxx::result r = t.exec_prepared("rows", kind);
      std::vector<ProjectionRow> out;
      out.reserve(r.size());
      for (const auto& row : r) out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
      return out;
    });
  }

  Result<void> upsert(const std::string& kind, const ProjectionRow& row, std::uint64_t seq) override {
    return write([&]() -> Result<void> {
      CORRIDOR_CHECK(exec_void("cannot write projections", [&](pqxx::transaction_base& t) {
        t.exec_prepared("put_row", kind, row.id, row.state, row.doc);
      }));
      return set_seq(kind, seq);
    });
  }

  Result<void> set_projected_seq(const std::string& kind, std::uint64_t seq) override {
    return write([&]() -> Result<void> { return set_seq(kind, seq); });
  }

  Result<void> replace_all(const std::string& kind, const std::vector<ProjectionRow>& all, std::uint64_t seq) override {
    return write([&]() -> Result<void> {
      CORRIDOR_CHECK(exec_void("cannot rewrite projections", [&](pqxx::transaction_base& t) {
        t.exec_params("DELETE FROM projections WHERE kind = $1", kind);
        for (const auto& row : all) t.exec_prepared("put_row", kind, row.id, row.state, row.doc);
      }));
      return set_seq(kind, seq);
    });
  }

  Result<std::vector<std::pair<std::string, std::string>>> notes() override {
    return run<std::vector<std::pair<std::string, std::string>>>("cannot read notes", [&](pqxx::transaction_base& t) {
      std::vector<std::pair<std::string, std::string>> out;
      for (const auto& row : t.exec("SELECT key, value FROM notes ORDER BY key")) {
        out.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
      }
      return out;
    });
  }

  Result<void> grant(const std::string& role) {
    return write([&]() -> Result<void> {
      return exec_void("cannot grant", [&](pqxx::transaction_base& t) {
        const std::string r = t.quote_name(role);
        t.exec("GRANT USAGE ON SCHEMA " + t.quote_name(t.exec("SELECT current_schema()")[0][0].as<std::string>()) + " TO " + r);
        t.exec("GRANT SELECT, INSERT ON events, tree_nodes TO " + r);
        t.exec("GRANT SELECT, INSERT, UPDATE, DELETE ON projections, projection_seq, notes TO " + r);
        t.exec("GRANT SELECT ON schema_migrations TO " + r);
      });
    });
  }

 private:
  // Runs `f` in the transaction in progress, or alone (autocommit) outside one; maps libpqxx's
  // exceptions to errors. A lost connection is dropped, to be made again by the next call.
  template <typename T, typename F>
  Result<T> run(const char* what, F&& f) {
    std::lock_guard lock(mutex_);
    if (txn_ != nullptr) return guard<T>(what, [&] { return f(*txn_); });
    CORRIDOR_CHECK(connect());
    return guard<T>(what, [&] {
      pqxx::nontransaction t(*conn_);
      return f(t);
    });
  }
  template <typename F>
  Result<void> exec_void(const char* what, F&& f) {
    auto r = run<bool>(what, [&](pqxx::transaction_base& t) {
      f(t);
      return true;
    });
    if (!r) return core::Unexpected{r.error()};
    return {};
  }

  template <typename T, typename F>
  Result<T> guard(const char* what, F&& f) {
    try {
      return f();
    } catch (const pqxx::broken_connection& e) {
      return lost(what, e.what());
    } catch (const pqxx::in_doubt_error& e) {
      broken_ = true;
      return fail(ErrorCode::kUnavailable, shown_ + ": " + what + ": the connection was lost during the commit, whose "
                                                                   "outcome is unknown: " + first_line(e.what()));
    } catch (const pqxx::sql_error& e) {
      const std::string state = e.sqlstate();
      // Class 08: connection exceptions; 57P01..57P03: the server shutting down or starting up;
      // 55P03: lock_timeout (other writers held the store for 30 s); 53: out of resources.
      if (state.rfind("08", 0) == 0 || state.rfind("57P0", 0) == 0 || conn_ == nullptr || !conn_->is_open()) {
        return lost(what, e.what());
      }
      if (state == "55P03") {
        return fail(ErrorCode::kUnavailable, shown_ + ": " + what + ": other writers held the store for 30 s; nothing written");
      }
      if (state.rfind("53", 0) == 0) return fail(ErrorCode::kUnavailable, shown_ + ": " + what + ": " + first_line(e.what()));
      const ErrorCode code = state.rfind("23", 0) == 0 ? ErrorCode::kConflict : ErrorCode::kIo;
      return fail(code, shown_ + ": " + what + ": " + first_line(e.what()));
    } catch (const pqxx::failure& e) {
      if (conn_ == nullptr || !conn_->is_open()) return lost(what, e.what());
      return fail(ErrorCode::kIo, shown_ + ": " + what + ": " + first_line(e.what()));
    } catch (const std::exception& e) {
      return fail(ErrorCode::kIo, shown_ + ": " + what + ": " + first_line(e.what()));
    }
  }

  // The connection is only marked: a write() or read() in progress still holds a transaction on
  // it, which must end before the connection object goes. connect() replaces it.
  core::Unexpected lost(const char* what, const std::string& msg) {
    broken_ = true;
    return fail(ErrorCode::kUnavailable, shown_ + ": " + what + ": PostgreSQL is unreachable (" + first_line(msg) +
                                             "); nothing written, try again");
  }
  static std::string first_line(const std::string& s) {
    std::string out = s.substr(0, s.find('\n'));
    while (!out.empty() && (out.back() == ' ' || out.back() == '\r')) out.pop_back();
    return out;
  }

  // Called only when no transaction is open on the connection.
  Result<void> connect() {
    if (conn_ != nullptr && conn_->is_open() && !broken_) return {};
    conn_.reset();
    broken_ = false;
    auto made = guard<bool>("cannot connect", [&] {
      auto c = std::make_unique<pqxx::connection>(conninfo_);
      {
        // The batched INSERT quotes with esc(), which needs standard strings; events are UTF-8.
        pqxx::nontransaction n(*c);
        n.exec("SET standard_conforming_strings = on; SET client_encoding = 'UTF8'");
      }
      c->prepare("scan", std::string("SELECT ") + kColumns + " FROM events WHERE seq >= $1 ORDER BY seq LIMIT $2");
      c->prepare("leaf", "SELECT hash FROM events WHERE seq = $1");
      c->prepare("node", "SELECT encode(hash, 'hex') FROM tree_nodes WHERE level = $1 AND idx = $2");
      c->prepare("note", "SELECT value FROM notes WHERE key = $1");
      c->prepare("put_note", "INSERT INTO notes (key, value) VALUES ($1, $2) "
                             "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value");
      c->prepare("projected_seq", "SELECT seq FROM projection_seq WHERE kind = $1");
      c->prepare("rows", "SELECT id, state, doc FROM projections WHERE kind = $1 ORDER BY id");
      c->prepare("put_row", "INSERT INTO projections (kind, id, state, doc) VALUES ($1, $2, $3, $4) "
                            "ON CONFLICT (kind, id) DO UPDATE SET state = EXCLUDED.state, doc = EXCLUDED.doc");
      c->prepare("set_seq", "INSERT INTO projection_seq (kind, seq) VALUES ($1, $2) "
                            "ON CONFLICT (kind) DO UPDATE SET seq = EXCLUDED.seq");
      conn_ = std::move(c);
      return true;
    });
    if (!made) return core::Unexpected{made.error()};
    return {};
  }

  Result<int> schema_version() {
    return run<int>("cannot read the schema version", [&](pqxx::transaction_base& t) {
      if (t.exec("SELECT to_regclass('schema_migrations') IS NULL")[0][0].as<bool>()) return 0;
      return t.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0][0].as<int>();
    });
  }

  Result<void> migrate() {
    for (int v = 1; v <= static_cast<int>(kMigrations.size()); ++v) {
      auto done = guard<bool>("cannot migrate the schema", [&] {
        pqxx::work t(*conn_);
        // Another process may be migrating the same schema: one at a time, each checks again.
        t.exec(kMigrateLock);
        t.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
               "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        const int now = t.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0][0].as<int>();
        if (now < v) {
          t.exec(kMigrations[static_cast<std::size_t>(v - 1)]);
          t.exec("INSERT INTO schema_migrations (version) VALUES (" + std::to_string(v) + ")");
        }
        t.commit();
        return true;
      });
      if (!done) return core::Unexpected{done.error()};
    }
    return {};
  }

  Result<void> put_note(const std::string& key, const std::string& value) {
    return exec_void("cannot write notes", [&](pqxx::transaction_base& t) { t.exec_prepared("put_note", key, value); });
  }
  Result<void> set_seq(const std::string& kind, std::uint64_t seq) {
    return exec_void("cannot write projections",
                     [&](pqxx::transaction_base& t) { t.exec_prepared("set_seq", kind, static_cast<std::int64_t>(seq)); });
  }


  Result<void> append_in_transaction(std::span<const ledger::Event> events) {
    // Under the write lock the chain continues from what is stored now: two writers cannot both
    // append seq N (and the database's own trigger would refuse the second).
    CORRIDOR_TRY(const std::uint64_t count, size());
    CORRIDOR_CHECK(check_continues(*this, count, events));
    CORRIDOR_TRY(const auto completed, completed_nodes(*this, count, events));
    CORRIDOR_CHECK(exec_void("cannot append", [&](pqxx::transaction_base& t) {
      // Many rows per statement: one round trip per kBatch events instead of one per event.
      for (std::size_t at = 0; at < events.size(); at += kBatch) {
        std::string sql = std::string("INSERT INTO events (") + kColumns + ") VALUES ";
        for (std::size_t k = at; k < std::min(events.size(), at + kBatch); ++k) {
          const auto& e = events[k];
          sql += k > at ? ",(" : "(";
          sql += std::to_string(e.seq);
          sql += ',';
          sql += std::to_string(e.time);
          for (const std::string* s : {&e.actor, &e.type, &e.subject, &e.payload, &e.prev_hash, &e.hash, &e.signature}) {
            sql += ",'";
            sql += t.esc(*s);  // with standard_conforming_strings, PostgreSQL's default since 9.1
            sql += '\'';
          }
          sql += ')';
        }
        t.exec(sql);
      }
      for (std::size_t at = 0; at < completed.size(); at += kBatch) {
        std::string sql = "INSERT INTO tree_nodes (level, idx, hash) VALUES ";
        for (std::size_t k = at; k < std::min(completed.size(), at + kBatch); ++k) {
          const auto& n = completed[k];
          sql += k > at ? ",(" : "(";
          sql += std::to_string(n.level);
          sql += ',';
          sql += std::to_string(n.index);
          sql += ",decode('";
          sql += ledger::to_hex(n.hash);
          sql += "','hex'))";
        }
        t.exec(sql);
      }
    }));
    CORRIDOR_CHECK(put_note(kTreeSizeNote, std::to_string(count + events.size())));
    for (std::size_t k = 0; k < events.size(); ++k) {
      CORRIDOR_TRY(const ledger::Digest leaf, leaf_of(events[k]));
      pending_.push_back({0, count + k, leaf});
    }
    pending_.insert(pending_.end(), completed.begin(), completed.end());
    return {};
  }

  static std::uint64_t cache_key(unsigned level, std::uint64_t index) { return std::uint64_t{level} << 58 | index; }
  void remember(unsigned level, std::uint64_t index, const ledger::Digest& d) {
    if (cache_.size() >= kCacheNodes) cache_.clear();  // bounded: a few tens of MB at most
    cache_.emplace(cache_key(level, index), d);
  }

  static ledger::Event event_of(const pqxx::row& r) {
    ledger::Event e;
    e.seq = static_cast<std::uint64_t>(r[0].as<std::int64_t>());
    e.time = r[1].as<std::int64_t>();
    e.actor = r[2].as<std::string>();
    e.type = r[3].as<std::string>();
    e.subject = r[4].as<std::string>();
    e.payload = r[5].as<std::string>();
    e.prev_hash = r[6].as<std::string>();
    e.hash = r[7].as<std::string>();
    e.signature = r[8].as<std::string>();
    return e;
  }

  std::string shown_, conninfo_;
  std::unique_ptr<pqxx::connection> conn_;
  pqxx::transaction_base* txn_ = nullptr;  // the write() or read() in progress
  bool in_write_ = false;
  bool broken_ = false;  // the connection was lost: make a new one before the next call
  // Tree nodes (level 0: the events' leaf hashes) already committed, by (level, index): the nodes
  // an append's frontier and a proof need are read once per process, not once per request.
  std::unordered_map<std::uint64_t, ledger::Digest> cache_;
  std::vector<ledger::merkle::Frontier::Node> pending_;  // appended by the write in progress
  std::recursive_mutex mutex_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_postgres(const std::string& url, OpenMode mode) {
  auto s = std::make_unique<PgStore>();
  CORRIDOR_CHECK(s->open(url, mode));
  return std::unique_ptr<Store>(std::move(s));
}

Result<void> grant_postgres(const std::string& url, const std::string& role) {
  auto s = std::make_unique<PgStore>();
  CORRIDOR_CHECK(s->open(url, OpenMode::kExisting));
  return s->grant(role);
}

int postgres_schema_version() { return static_cast<int>(kMigrations.size()); }

}  // namespace corridor::store
