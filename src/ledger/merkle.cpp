#include "ledger/merkle.h"

#include <sodium.h>

#include <bit>

namespace corridor::ledger::merkle {

using core::ErrorCode;
using core::fail;
using core::Result;

Digest leaf_hash(std::span<const std::uint8_t> leaf) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  const unsigned char prefix = 0x00;
  crypto_hash_sha256_update(&st, &prefix, 1);
  crypto_hash_sha256_update(&st, leaf.data(), leaf.size());
  Digest d{};
  crypto_hash_sha256_final(&st, d.data());
  return d;
}

Digest node_hash(const Digest& left, const Digest& right) {
  unsigned char buf[65];
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 33);
  Digest d{};
  crypto_hash_sha256(d.data(), buf, sizeof buf);
  return d;
}

Digest empty_root() { return sha256(""); }

namespace {

// The largest power of two strictly below n (n >= 2).
std::uint64_t split(std::uint64_t n) { return std::bit_floor(n - 1); }

}  // namespace

Result<Digest> range_hash(const NodeSource& nodes, std::uint64_t begin, std::uint64_t end) {
  if (end <= begin) return fail(ErrorCode::kInternal, "merkle: empty range");
  const std::uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) {
    const auto level = static_cast<unsigned>(std::countr_zero(n));
    return nodes(level, begin >> level);
  }
  const std::uint64_t k = split(n);
  CORRIDOR_TRY(const Digest left, range_hash(nodes, begin, begin + k));
  CORRIDOR_TRY(const Digest right, range_hash(nodes, begin + k, end));
  return node_hash(left, right);
}

Result<Digest> root(const NodeSource& nodes, std::uint64_t size) {
  if (size == 0) return empty_root();
  return range_hash(nodes, 0, size);
}

namespace {

// PATH(m, D[lo:hi]) of RFC 9162 2.1.3.1, deepest sibling first.
Result<void> path(const NodeSource& nodes, std::uint64_t m, std::uint64_t lo, std::uint64_t hi,
                  std::vector<Digest>& out) {
  const std::uint64_t n = hi - lo;
  if (n <= 1) return {};
  const std::uint64_t k = split(n);
  if (m < k) {
    CORRIDOR_CHECK(path(nodes, m, lo, lo + k, out));
    CORRIDOR_TRY(const Digest h, range_hash(nodes, lo + k, hi));
    out.push_back(h);
  } else {
    CORRIDOR_CHECK(path(nodes, m - k, lo + k, hi, out));
    CORRIDOR_TRY(const Digest h, range_hash(nodes, lo, lo + k));
    out.push_back(h);
  }
  return {};
}

// SUBPROOF(m, D[lo:hi], b) of RFC 9162 2.1.4.1.
Result<void> subproof(const NodeSource& nodes, std::uint64_t m, std::uint64_t lo, std::uint64_t hi, bool whole,
                      std::vector<Digest>& out) {
  const std::uint64_t n = hi - lo;
  if (m == n) {
    if (!whole) {
      CORRIDOR_TRY(const Digest h, range_hash(nodes, lo, hi));
      out.push_back(h);
    }
    return {};
  }
  const std::uint64_t k = split(n);
  if (m <= k) {
    CORRIDOR_CHECK(subproof(nodes, m, lo, lo + k, whole, out));
    CORRIDOR_TRY(const Digest h, range_hash(nodes, lo + k, hi));
    out.push_back(h);
  } else {
    CORRIDOR_CHECK(subproof(nodes, m - k, lo + k, hi, false, out));
    CORRIDOR_TRY(const Digest h, range_hash(nodes, lo, lo + k));
    out.push_back(h);
  }
  return {};
}

}  // namespace

Result<std::vector<Digest>> inclusion_proof(const NodeSource& nodes, std::uint64_t index, std::uint64_t size) {
  if (index >= size) {
    return fail(ErrorCode::kInvalidArgument, "leaf " + std::to_string(index) + " is not in a tree of " +
                                                 std::to_string(size) + " leaves");
  }
  std::vector<Digest> out;
  CORRIDOR_CHECK(path(nodes, index, 0, size, out));
  return out;
}

Result<std::vector<Digest>> consistency_proof(const NodeSource& nodes, std::uint64_t first, std::uint64_t second) {
  if (first > second) {
    return fail(ErrorCode::kInvalidArgument, "a consistency proof runs from a smaller tree to a larger one (" +
                                                 std::to_string(first) + " > " + std::to_string(second) + ")");
  }
  std::vector<Digest> out;
  if (first == 0 || first == second) return out;
  CORRIDOR_CHECK(subproof(nodes, first, 0, second, true, out));
  return out;
}

bool verify_inclusion(std::uint64_t index, std::uint64_t size, const Digest& leaf, std::span<const Digest> proof,
                      const Digest& root_hash) {
  if (index >= size) return false;
  std::uint64_t fn = index, sn = size - 1;
  Digest r = leaf;
  for (const Digest& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      r = node_hash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root_hash;
}

bool verify_consistency(std::uint64_t first, std::uint64_t second, const Digest& first_root, const Digest& second_root,
                        std::span<const Digest> proof) {
  if (first > second) return false;
  if (first == second) return proof.empty() && first_root == second_root;
  if (first == 0) return proof.empty();
  if (proof.empty()) return false;
  std::vector<Digest> path;
  if (std::has_single_bit(first)) path.push_back(first_root);
  path.insert(path.end(), proof.begin(), proof.end());
  std::uint64_t fn = first - 1, sn = second - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Digest fr = path[0], sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Digest& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == first_root && sr == second_root && sn == 0;
}

void Frontier::push(const Digest& leaf, std::vector<Node>* completed) {
  Node cur{0, size_, leaf};
  while (!nodes_.empty() && nodes_.back().level == cur.level) {
    const Node left = nodes_.back();
    nodes_.pop_back();
    cur = Node{cur.level + 1, left.index >> 1, node_hash(left.hash, cur.hash)};
    if (completed != nullptr) completed->push_back(cur);
  }
  nodes_.push_back(cur);
  ++size_;
}

Digest Frontier::root() const {
  if (nodes_.empty()) return empty_root();
  Digest h = nodes_.back().hash;
  for (std::size_t i = nodes_.size() - 1; i-- > 0;) h = node_hash(nodes_[i].hash, h);
  return h;
}

Result<Frontier> Frontier::load(const NodeSource& nodes, std::uint64_t size) {
  Frontier f;
  std::uint64_t offset = 0;
  for (int bit = 63; bit >= 0; --bit) {
    const std::uint64_t span = std::uint64_t{1} << bit;
    if ((size & span) == 0) continue;
    const auto level = static_cast<unsigned>(bit);
    CORRIDOR_TRY(const Digest h, nodes(level, offset >> level));
    f.nodes_.push_back({level, offset >> level, h});
    offset += span;
  }
  f.size_ = size;
  return f;
}

Result<Frontier> Frontier::from_hashes(std::uint64_t size, const std::vector<Digest>& hashes) {
  if (static_cast<std::size_t>(std::popcount(size)) != hashes.size()) {
    return fail(ErrorCode::kParse, "a tree of " + std::to_string(size) + " leaves has " +
                                       std::to_string(std::popcount(size)) + " subtrees on its right edge, not " +
                                       std::to_string(hashes.size()));
  }
  std::size_t i = 0;
  return load([&](unsigned, std::uint64_t) -> Result<Digest> { return hashes[i++]; }, size);
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> Frontier::ranges() const {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (const Node& n : nodes_) out.emplace_back(n.index << n.level, (n.index + 1) << n.level);
  return out;
}

}  // namespace corridor::ledger::merkle
