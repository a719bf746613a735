#include "ledger/merkle.h"
#include "store/store.h"

namespace corridor::store {

using core::ErrorCode;
using core::fail;
using core::Result;

Result<void> MemoryStore::scan(std::uint64_t from, const std::function<bool(const ledger::Event&)>& f) {
  for (const auto& e : events_) {
    if (e.seq >= from && !f(e)) break;
  }
  return {};
}

Result<ledger::Digest> MemoryStore::tree_node(unsigned level, std::uint64_t index) {
  if (level == 0) {
    if (index >= events_.size()) return fail(ErrorCode::kCorrupt, "memory: no leaf " + std::to_string(index));
    return leaf_of(events_[index]);
  }
  const auto it = nodes_.find({level, index});
  if (it == nodes_.end()) {
    return fail(ErrorCode::kCorrupt, "memory: tree node " + std::to_string(level) + "/" + std::to_string(index) + " missing");
  }
  return it->second;
}

Result<void> MemoryStore::append(std::span<const ledger::Event> events) {
  if (events.empty()) return {};
  std::uint64_t next = events_.size() + 1;
  for (const auto& e : events) {
    if (e.seq != next++) {
      return fail(ErrorCode::kConflict, "memory: append of seq " + std::to_string(e.seq) + " but the store continues at " +
                                            std::to_string(events_.size() + 1));
    }
  }
  CORRIDOR_TRY(const auto completed, completed_nodes(*this, events_.size(), events));
  for (const auto& n : completed) nodes_[{n.level, n.index}] = n.hash;
  events_.insert(events_.end(), events.begin(), events.end());
  return {};
}

Result<void> MemoryStore::write(const std::function<Result<void>()>& body) {
  if (in_write_) return body();
  // All or nothing, as a database transaction: keep what was there and put it back on failure.
  const auto events = events_;
  const auto nodes = nodes_;
  const auto notes = notes_;
  const auto rows = rows_;
  const auto projected = projected_;
  in_write_ = true;
  auto r = body();
  in_write_ = false;
  if (!r) {
    events_ = events;
    nodes_ = nodes;
    notes_ = notes;
    rows_ = rows;
    projected_ = projected;
  }
  return r;
}

Result<std::optional<std::string>> MemoryStore::note(const std::string& key) {
  const auto it = notes_.find(key);
  if (it == notes_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Result<void> MemoryStore::set_note(const std::string& key, const std::string& value) {
  notes_[key] = value;
  return {};
}

Result<std::uint64_t> MemoryStore::projected_seq(const std::string& kind) {
  const auto it = projected_.find(kind);
  return it == projected_.end() ? 0 : it->second;
}

Result<std::vector<ProjectionRow>> MemoryStore::rows(const std::string& kind) {
  std::vector<ProjectionRow> out;
  for (const auto& [id, row] : rows_[kind]) out.push_back(row);
  return out;
}

Result<void> MemoryStore::upsert(const std::string& kind, const ProjectionRow& row, std::uint64_t seq) {
  rows_[kind][row.id] = row;
  projected_[kind] = seq;
  return {};
}

Result<void> MemoryStore::set_projected_seq(const std::string& kind, std::uint64_t seq) {
  projected_[kind] = seq;
  return {};
}

Result<void> MemoryStore::replace_all(const std::string& kind, const std::vector<ProjectionRow>& all, std::uint64_t seq) {
  auto& m = rows_[kind];
  m.clear();
  for (const auto& r : all) m[r.id] = r;
  projected_[kind] = seq;
  return {};
}

}  // namespace corridor::store
