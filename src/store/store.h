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

// Opens (creating if needed) an SQLite store: WAL journal, synchronous=FULL so that an append that
// returned is on disk, numbered schema migrations, and triggers that refuse UPDATE and DELETE on
// events.
[[nodiscard]] core::Result<std::unique_ptr<ledger::Journal>> open_sqlite(const std::string& path);
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
