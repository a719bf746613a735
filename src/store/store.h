// corridor::store — where the ledger's events live. Every backend implements ledger::Journal:
// append-only, atomic, durable, with the Merkle tree's nodes kept as events are appended. SQLite is
// the default (one file); the memory store serves tests; PostgreSQL is one more backend behind the
// same interface.
//
// May use: core, ledger; sqlite3 (sqlite_store.cpp only).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "ledger/event.h"
#include "ledger/merkle.h"

namespace corridor::store {

// Current state derived from the events, kept in the store for readers that do not fold the log
// (SQL users, the dashboard). Rows are documents keyed by (kind, id); `projected_seq` is the last
// event a kind reflects. Derived data: it may be rewritten at will, and `corridor store rebuild`
// recomputes it from the events alone.
struct ProjectionRow {
  std::string id;
  std::string state;
  std::string doc;  // JSON
  bool operator==(const ProjectionRow&) const = default;
};

class Store : public ledger::Journal {
 public:
  [[nodiscard]] virtual core::Result<std::uint64_t> projected_seq(const std::string& kind) = 0;
  [[nodiscard]] virtual core::Result<std::vector<ProjectionRow>> rows(const std::string& kind) = 0;
  // Sets one row and the kind's projected seq, atomically (joining a write() in progress).
  [[nodiscard]] virtual core::Result<void> upsert(const std::string& kind, const ProjectionRow& row,
                                                  std::uint64_t seq) = 0;
  // Sets only the kind's projected seq (the events since touched none of its rows).
  [[nodiscard]] virtual core::Result<void> set_projected_seq(const std::string& kind, std::uint64_t seq) = 0;
  // Replaces every row of a kind, atomically (joining a write() in progress).
  [[nodiscard]] virtual core::Result<void> replace_all(const std::string& kind, const std::vector<ProjectionRow>& rows,
                                                       std::uint64_t seq) = 0;
  // Every note, by key (what `corridor store copy` carries over: tokens, peers' heads).
  [[nodiscard]] virtual core::Result<std::vector<std::pair<std::string, std::string>>> notes() = 0;
};

enum class OpenMode : std::uint8_t {
  kExisting,  // the store must exist (every command that reads, or appends to a ledger)
  kCreate,    // create it if missing (the commands that start a ledger); on PostgreSQL the schema
              // must exist: only kMigrate changes a database's schema
  kMigrate,   // create it if missing and bring its schema to this corridor's version
};

// Opens a store by URL: `postgresql://...` or `postgres://...` (libpq's URI, e.g.
// postgresql://corridor@db.example.org/corridor or postgresql:///corridor?host=/run/postgresql),
// `sqlite:PATH`, or a bare PATH (SQLite). Anything else with "://" is refused.
[[nodiscard]] core::Result<std::unique_ptr<Store>> open(const std::string& url, OpenMode mode = OpenMode::kExisting);
[[nodiscard]] bool is_postgres_url(const std::string& url);
// The URL as it may be shown: a password in it replaced by "***".
[[nodiscard]] std::string redact(const std::string& url);

// Opens an SQLite store: WAL journal, synchronous=FULL so that an append that returned is on disk,
// numbered schema migrations, and triggers that refuse UPDATE and DELETE on events and tree nodes.
// A store written before the Merkle tree existed gets its tree built when first opened.
[[nodiscard]] core::Result<std::unique_ptr<Store>> open_sqlite(const std::string& path,
                                                               OpenMode mode = OpenMode::kExisting);
// The schema version a fresh store reaches.
[[nodiscard]] int sqlite_schema_version();

// Opens a PostgreSQL store (libpqxx): one connection, reconnected after a loss (calls in between
// fail with kUnavailable); events and tree nodes append-only and gap-free by triggers; writers
// serialised by a transaction-scoped advisory lock, so any number of processes may share it. The
// schema is created and migrated only with OpenMode::kMigrate (`corridor store migrate`).
[[nodiscard]] core::Result<std::unique_ptr<Store>> open_postgres(const std::string& url, OpenMode mode = OpenMode::kExisting);
[[nodiscard]] int postgres_schema_version();
// Grants `role` what a corridor server needs on the store at `url` and nothing more: to read and
// append events and tree nodes (never to change them, nor to own the tables and so disable their
// triggers), and to keep projections and notes.
[[nodiscard]] core::Result<void> grant_postgres(const std::string& url, const std::string& role);

// Everything in memory, for tests; `events()` lets a test tamper with them as an attacker would
// (the tree nodes are kept apart, as a database keeps them).
class MemoryStore final : public Store {
 public:
  [[nodiscard]] std::string name() const override { return "memory"; }
  [[nodiscard]] core::Result<std::uint64_t> size() override { return events_.size(); }
  [[nodiscard]] core::Result<void> scan(std::uint64_t from, const std::function<bool(const ledger::Event&)>& f) override;
  [[nodiscard]] core::Result<ledger::Digest> tree_node(unsigned level, std::uint64_t index) override;
  [[nodiscard]] core::Result<void> append(std::span<const ledger::Event> events) override;
  [[nodiscard]] core::Result<void> write(const std::function<core::Result<void>()>& body) override;
  [[nodiscard]] core::Result<void> read(const std::function<core::Result<void>()>& body) override { return body(); }
  [[nodiscard]] core::Result<std::optional<std::string>> note(const std::string& key) override;
  [[nodiscard]] core::Result<void> set_note(const std::string& key, const std::string& value) override;
  [[nodiscard]] core::Result<std::uint64_t> projected_seq(const std::string& kind) override;
  [[nodiscard]] core::Result<std::vector<ProjectionRow>> rows(const std::string& kind) override;
  [[nodiscard]] core::Result<void> upsert(const std::string& kind, const ProjectionRow& row, std::uint64_t seq) override;
  [[nodiscard]] core::Result<void> set_projected_seq(const std::string& kind, std::uint64_t seq) override;
  [[nodiscard]] core::Result<void> replace_all(const std::string& kind, const std::vector<ProjectionRow>& rows,
                                               std::uint64_t seq) override;
  [[nodiscard]] core::Result<std::vector<std::pair<std::string, std::string>>> notes() override {
    return std::vector<std::pair<std::string, std::string>>(notes_.begin(), notes_.end());
  }

  std::vector<ledger::Event>& events() { return events_; }

 private:
  std::vector<ledger::Event> events_;
  std::map<std::pair<unsigned, std::uint64_t>, ledger::Digest> nodes_;
  std::map<std::string, std::string> notes_;
  std::map<std::string, std::map<std::string, ProjectionRow>> rows_;
  std::map<std::string, std::uint64_t> projected_;
  bool in_write_ = false;
};

// The leaf hash of a stored event's `hash` (hex): what level 0 of the tree holds.
[[nodiscard]] core::Result<ledger::Digest> leaf_of(const ledger::Event& e);
// How many leaves the stored tree nodes cover: the note every backend keeps with each append.
inline constexpr const char* kTreeSizeNote = "tree_size";
[[nodiscard]] core::Result<std::uint64_t> tree_size(ledger::Journal& j);
// What every backend checks inside its write transaction before it appends: that its tree covers
// the `count` events stored, and that `events` continue them, one seq after another.
[[nodiscard]] core::Result<void> check_continues(ledger::Journal& j, std::uint64_t count,
                                                 std::span<const ledger::Event> events);
// The tree nodes (level >= 1) that `events` complete, continuing the tree of `from` leaves that
// `j` keeps: what every backend stores with an append.
[[nodiscard]] core::Result<std::vector<ledger::merkle::Frontier::Node>> completed_nodes(ledger::Journal& j, std::uint64_t from,
                                                                                      std::span<const ledger::Event> events);

}  // namespace corridor::store
