// What every backend shares: the leaf of an event, the tree-size note, the check that an append
// continues the log, and the tree nodes an append completes.
#include "ledger/merkle.h"
#include "store/store.h"

namespace corridor::store {

using core::ErrorCode;
using core::fail;
using core::Result;

Result<ledger::Digest> leaf_of(const ledger::Event& e) {
  CORRIDOR_TRY(const ledger::Digest h, ledger::from_hex<32>(e.hash, "seq " + std::to_string(e.seq) + ": hash"));
  return ledger::merkle::leaf_hash(h);
}

Result<std::uint64_t> tree_size(ledger::Journal& j) {
  CORRIDOR_TRY(auto v, j.note(kTreeSizeNote));
  if (!v) return std::uint64_t{0};
  try {
    return static_cast<std::uint64_t>(std::stoull(*v));
  } catch (const std::exception&) {
    return fail(ErrorCode::kCorrupt, j.name() + ": the note '" + std::string(kTreeSizeNote) + "' is not a number");
  }
}

Result<void> check_continues(ledger::Journal& j, std::uint64_t count, std::span<const ledger::Event> events) {
  CORRIDOR_TRY(const std::uint64_t tree, tree_size(j));
  if (tree != count) {
    return fail(ErrorCode::kCorrupt, j.name() + ": the store holds " + std::to_string(count) +
                                         " events but its Merkle tree covers " + std::to_string(tree) +
                                         "; run corridor ledger verify");
  }
  if (events.front().seq != count + 1) {
    return fail(ErrorCode::kConflict, j.name() + ": append of seq " + std::to_string(events.front().seq) +
                                          " but the store continues at " + std::to_string(count + 1));
  }
  for (std::size_t k = 0; k < events.size(); ++k) {
    if (events[k].seq != count + 1 + k) return fail(ErrorCode::kInternal, j.name() + ": events to append are not consecutive");
  }
  return {};
}

Result<std::vector<ledger::merkle::Frontier::Node>> completed_nodes(ledger::Journal& j, std::uint64_t from,
                                                                    std::span<const ledger::Event> events) {
  CORRIDOR_TRY(auto frontier, ledger::merkle::Frontier::load(
                                  [&j](unsigned l, std::uint64_t i) { return j.tree_node(l, i); }, from));
  std::vector<ledger::merkle::Frontier::Node> completed;
  for (const auto& e : events) {
    CORRIDOR_TRY(const ledger::Digest leaf, leaf_of(e));
    frontier.push(leaf, &completed);
  }
  return completed;
}

}  // namespace corridor::store
