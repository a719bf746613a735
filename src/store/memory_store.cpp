#include "store/store.h"

namespace corridor::store {

using core::ErrorCode;
using core::fail;

core::Result<void> MemoryStore::append(std::span<const ledger::Event> events) {
  std::uint64_t next = events_.empty() ? 1 : events_.back().seq + 1;
  for (const auto& e : events) {
    if (e.seq != next++) return fail(ErrorCode::kInvalidArgument, "append out of sequence at seq " + std::to_string(e.seq));
  }
  events_.insert(events_.end(), events.begin(), events.end());
  return {};
}

core::Result<std::optional<ledger::Event>> MemoryStore::last() {
  if (events_.empty()) return std::optional<ledger::Event>();
  return std::optional<ledger::Event>(events_.back());
}

core::Result<void> MemoryStore::scan(std::uint64_t from, const std::function<bool(const ledger::Event&)>& f) {
  for (const auto& e : events_) {
    if (e.seq >= from && !f(e)) break;
  }
  return {};
}

}  // namespace corridor::store
