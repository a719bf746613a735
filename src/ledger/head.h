// corridor::ledger — signed tree heads, as in Certificate Transparency (RFC 9162) and Sigsum: a
// statement "the log `log` held `size` events whose Merkle root is `root`, at `time`", signed by the
// node that served it and countersigned by any party that checked it against its own copy.
//
// Whoever keeps a head can later prove a truncation (the log is shorter than a size it once
// showed) or a fork (the log's first `size` events no longer have that root); the head's frontier
// — the roots of the perfect subtrees that make up [0, size) — narrows a fork to a range of seqs.
//
// Signed bytes: SHA-256 of "corridor tree head v1\n" LOG "\n" SIZE "\n" ROOT "\n" TIME, with LOG and
// ROOT in lowercase hex and SIZE and TIME (Unix seconds) in decimal; the signature is Ed25519 over
// those 32 bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "ledger/crypto.h"

namespace corridor::ledger {

struct HeadSignature {
  std::string by;  // "node" for the serving node, else the countersigning party's name
  PublicKey public_key{};
  Signature signature{};
};

struct TreeHead {
  std::string log;  // hex hash of the log's first event: which ledger this is
  std::uint64_t size = 0;
  Digest root{};
  core::UnixSeconds time = 0;
  std::vector<Digest> frontier;  // the right edge's subtree roots, largest first
  std::vector<HeadSignature> signatures;
};

[[nodiscard]] Digest head_digest(const TreeHead& h);
// Adds (or replaces) the signature of `by`.
void sign_head(TreeHead& h, const std::string& by, const KeyPair& keys);
// Every signature verifies under the key it names, the frontier folds to the root, the size fits.
[[nodiscard]] core::Result<void> check_head(const TreeHead& h, const std::string& where);
[[nodiscard]] const HeadSignature* node_signature(const TreeHead& h);

// As JSON: {"corridor_tree_head":1,"log","size","root","time" (ISO 8601),"frontier":[hex...],
// "signatures":[{"by","public_key","signature"}...]}.
[[nodiscard]] std::string head_json(const TreeHead& h);
[[nodiscard]] core::Result<TreeHead> parse_head(const std::string& text, const std::string& where);
[[nodiscard]] core::Result<TreeHead> read_head(const std::string& path);

}  // namespace corridor::ledger
