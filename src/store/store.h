// corridor::store — where the ledger's events live. Every backend implements ledger::Journal:
// append-only, atomic, durable. SQLite is the default (one file); the memory store serves tests;
// PostgreSQL is one more backend behind the same interface.
//
// May use: core, ledger; sqlite3 (sqlite_store.cpp only).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "ledger/event.h"

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
  // Sets one row and the kind's projected seq, atomically.
  [[nodiscard]] virtual core::Result<void> upsert(const std::string& kind, const ProjectionRow& row,
                                                  std::uint64_t seq) = 0;
  // Replaces every row of a kind, atomically.
  [[nodiscard]] virtual core::Result<void> replace_all(const std::string& kind, const std::vector<ProjectionRow>& rows,
                                                       std::uint64_t seq) = 0;
};

// Opens (creating if needed) an SQLite store: WAL journal, synchronous=FULL so that an append that
// returned is on disk, numbered schema migrations, and triggers that refuse UPDATE and DELETE on
// events.
[[nodiscard]] core::Result<std::unique_ptr<Store>> open_sqlite(const std::string& path);
// The schema version a fresh store reaches.
[[nodiscard]] int sqlite_schema_version();

// Events in memory, for tests; `events()` lets a test tamper with them as an attacker would.
class MemoryStore final : public ledger::Journal {
 public:
  [[nodiscard]] core::Result<void> append(std::span<const ledger::Event> events) override;
  [[nodiscard]] core::Result<std::optional<ledger::Event>> last() override;
  [[nodiscard]] core::Result<void> scan(std::uint64_t from, const std::function<bool(const ledger::Event&)>& f) override;
  std::vector<ledger::Event>& events() { return events_; }

 private:
  std::vector<ledger::Event> events_;
};

}  // namespace corridor::store
