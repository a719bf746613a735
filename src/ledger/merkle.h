// corridor::ledger — the Merkle tree over the log, as Certificate Transparency defines it
// (RFC 9162, section 2.1): leaf hash SHA-256(0x00 || leaf), interior node SHA-256(0x01 || left ||
// right), the tree of n leaves split at the largest power of two below n. The leaf of event seq s
// is the 32 bytes of its `hash` (leaf index s - 1), so the tree commits to every event's content.
//
// Proofs are computed from perfect subtrees — MTH of leaves [i * 2^level, (i + 1) * 2^level) —
// which a store keeps as they complete, so a proof over 10^6 events reads about 40 of them rather
// than a million leaves. Verification follows RFC 9162 sections 2.1.3.2 and 2.1.4.2 and needs
// nothing but the proof, the sizes and the roots.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/result.h"
#include "ledger/crypto.h"

namespace corridor::ledger::merkle {

[[nodiscard]] Digest leaf_hash(std::span<const std::uint8_t> leaf);
[[nodiscard]] Digest node_hash(const Digest& left, const Digest& right);
// The root of the empty tree: SHA-256 of nothing.
[[nodiscard]] Digest empty_root();

// The hash of the perfect subtree at `level` with index `index` (level 0: the leaf hashes).
using NodeSource = std::function<core::Result<Digest>(unsigned level, std::uint64_t index)>;

[[nodiscard]] core::Result<Digest> root(const NodeSource& nodes, std::uint64_t size);
// MTH of leaves [begin, end) where the range is one the RFC's recursion visits in a tree of any size
// >= end (a perfect aligned subtree, or a range that ends at the tree's size).
[[nodiscard]] core::Result<Digest> range_hash(const NodeSource& nodes, std::uint64_t begin, std::uint64_t end);
[[nodiscard]] core::Result<std::vector<Digest>> inclusion_proof(const NodeSource& nodes, std::uint64_t index,
                                                                std::uint64_t size);
[[nodiscard]] core::Result<std::vector<Digest>> consistency_proof(const NodeSource& nodes, std::uint64_t first,
                                                                  std::uint64_t second);

[[nodiscard]] bool verify_inclusion(std::uint64_t index, std::uint64_t size, const Digest& leaf,
                                    std::span<const Digest> proof, const Digest& root);
[[nodiscard]] bool verify_consistency(std::uint64_t first, std::uint64_t second, const Digest& first_root,
                                      const Digest& second_root, std::span<const Digest> proof);

// The right edge of a growing tree (its "compact range"): the roots of the perfect subtrees that
// make up [0, size), largest first. Enough to append leaves and to compute the root.
class Frontier {
 public:
  struct Node {
    unsigned level;
    std::uint64_t index;
    Digest hash;
  };
  // Appends a leaf hash; `completed` receives every perfect subtree of level >= 1 it completes,
  // lowest first (what a store keeps).
  void push(const Digest& leaf, std::vector<Node>* completed = nullptr);
  [[nodiscard]] Digest root() const;
  [[nodiscard]] std::uint64_t size() const { return size_; }
  [[nodiscard]] const std::vector<Node>& nodes() const { return nodes_; }
  // The frontier of a tree of `size` leaves, read from its perfect subtrees.
  [[nodiscard]] static core::Result<Frontier> load(const NodeSource& nodes, std::uint64_t size);
  // A frontier from its subtree hashes (largest first), as a tree head carries them; fails when
  // their number does not match the size.
  [[nodiscard]] static core::Result<Frontier> from_hashes(std::uint64_t size, const std::vector<Digest>& hashes);
  // The leaf ranges [begin, end) of the perfect subtrees, in the same order as nodes().
  [[nodiscard]] std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges() const;

 private:
  std::vector<Node> nodes_;
  std::uint64_t size_ = 0;
};

}  // namespace corridor::ledger::merkle
