// corridor::rules — the ledger as a node holds it: a store folded through the Engine.
//
//  * Opening folds every event (hashes, chain, rules) and verifies the signatures of the events
//    appended since the node last verified its log (all of them for `ledger verify`). The store
//    keeps that last verified tree head (size, root); a log now shorter than it, or whose first
//    `size` events no longer give that root, is refused — whatever the command.
//  * Appending is one write transaction: catch up with what other writers appended, build the
//    event from the state as it is now, check it against every rule, sign, append, update the
//    projection and the verified head — or, if any of it fails, write nothing.
//  * Importing an export folds it in full under the rules first (one bad event refuses the whole
//    export), checks that this log is a prefix of it and that it is consistent with the last head
//    this node saw from the exporting node, then appends the rest in one transaction.
//  * Heads and proofs: a signed tree head of the log, inclusion proofs of one event and
//    consistency proofs between two sizes (RFC 9162), and the check of a head someone kept.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "ledger/event.h"
#include "ledger/head.h"
#include "rules/engine.h"
#include "store/store.h"

namespace corridor::rules {

struct OpenOptions {
  bool verify_all = false;  // verify every signature, not only those since the last verified head
  const std::map<std::string, ledger::PublicKey>* pinned = nullptr;
};

class Ledger {
 public:
  [[nodiscard]] static core::Result<Ledger> open(store::Store& store, OpenOptions o = {});

  [[nodiscard]] const State& state() const { return engine_.state(); }
  [[nodiscard]] store::Store& store() { return *store_; }
  // Signatures this open verified (the rest were covered by the last verified head).
  [[nodiscard]] std::uint64_t signatures_verified() const { return signatures_verified_; }

  struct Draft {
    std::string type, subject, payload_json;
    core::UnixSeconds time = 0;
  };
  using Builder = std::function<core::Result<std::vector<Draft>>(const State&)>;

  // Builds drafts from the current state (inside the write transaction), checks each against the
  // rules in order, signs them as `signer` and appends them together; the first refusal refuses
  // all and writes nothing. `signer` must be a member holding the key the ledger has for it
  // (except to register itself in an open ledger).
  [[nodiscard]] core::Result<std::vector<ledger::Event>> append(const ledger::Signer& signer, const Builder& build);
  [[nodiscard]] core::Result<ledger::Event> append(const ledger::Signer& signer, Draft draft);
  // Appends an event signed elsewhere (the genesis, an HTTP client's signed event) after checking it.
  [[nodiscard]] core::Result<ledger::Event> append_signed(const ledger::Event& e);
  // The next event for `actor` from `draft`, checked against every rule but not signed: what a
  // client that holds its own key signs (its `hash`) and sends back to append_signed. If the log
  // moves on in between, append_signed refuses it (kConflict) and the client asks again.
  [[nodiscard]] core::Result<ledger::Event> prepare(const std::string& actor, const Draft& draft);
  // Folds what other writers appended since (another process on the same store). True if any.
  [[nodiscard]] core::Result<bool> refresh();

  struct ImportReport {
    std::uint64_t appended = 0;
    bool head_checked = false;            // the export carried a head that matched its events
    bool peer_head_consistent = false;    // and it was consistent with the last one seen from that node
  };
  [[nodiscard]] core::Result<ImportReport> import(const std::vector<ledger::Event>& events,
                                                  const std::optional<ledger::TreeHead>& head);

  // Events another node served after this node's last one (a mirror syncing from its sequencer):
  // `head` is that node's signed head and `fresh` the events up to its size; `proof` the
  // consistency proof from the last head this node kept of that node to `head` (none when it kept
  // none). Every event is folded under every rule, the result must give the head's root, and the
  // head must be consistent with the one kept; else nothing is appended and `evidence` (when given)
  // receives {"kept", "served", "local"} heads as JSON — what anyone can check later.
  struct ExtendReport {
    std::uint64_t appended = 0;
    bool proof_checked = false;
  };
  [[nodiscard]] core::Result<ExtendReport> extend(const std::vector<ledger::Event>& fresh, const ledger::TreeHead& head,
                                                  const std::optional<std::vector<ledger::Digest>>& proof,
                                                  std::string* evidence);
  // The head this node last kept of the node whose key signed it, if any.
  [[nodiscard]] core::Result<std::optional<ledger::TreeHead>> kept_head(const ledger::PublicKey& node);

  // The tree head of the log as it is now, signed by the node's key.
  [[nodiscard]] core::Result<ledger::TreeHead> head(const ledger::KeyPair& node_key, core::UnixSeconds now);
  [[nodiscard]] core::Result<ledger::Digest> root_at(std::uint64_t size);
  [[nodiscard]] core::Result<std::vector<ledger::Digest>> inclusion_proof(std::uint64_t seq, std::uint64_t size);
  [[nodiscard]] core::Result<std::vector<ledger::Digest>> consistency_proof(std::uint64_t first, std::uint64_t second);
  // A head someone kept, against this log: kCorrupt naming the missing range (the log is shorter
  // than the head) or the range within which it differs (a fork), else ok.
  [[nodiscard]] core::Result<void> check_head(const ledger::TreeHead& h);
  // That the tree nodes the store keeps give the roots the events give (ledger verify).
  [[nodiscard]] core::Result<void> check_stored_tree();

 private:
  Ledger(store::Store& s, OpenOptions o) : store_(&s), options_(o), engine_({0, o.pinned}) {}
  [[nodiscard]] core::Result<void> fold_all();
  [[nodiscard]] core::Result<void> catch_up();
  // One write transaction: catch up with the store, run `body`, and fold again later if it fails.
  [[nodiscard]] core::Result<void> transact(const std::function<core::Result<void>()>& body);
  // Appends what the engine accepted, keeps the projection and the verified head.
  [[nodiscard]] core::Result<void> commit(std::uint64_t size_before, const std::vector<ledger::Event>& added);
  [[nodiscard]] core::Result<void> keep_projection(std::uint64_t size_before, const std::vector<ledger::Event>& added);
  [[nodiscard]] core::Result<void> note_verified();

  store::Store* store_;
  OpenOptions options_;
  Engine engine_;
  std::uint64_t verified_size_ = 0;  // the store's last verified head, as read at open
  std::uint64_t signatures_verified_ = 0;
  bool stale_ = false;               // a refused batch left the engine ahead of the store: fold again
};

// The node's own key, which signs its tree heads: $CORRIDOR_NODE_KEY if set, else `PATH.node.key`
// beside an SQLite store at PATH; a PostgreSQL store needs one of the two (every process serving
// one shared store is one node and signs with the same key). Created on first use when `create`.
[[nodiscard]] core::Result<std::string> node_key_path(const std::string& store_url);
[[nodiscard]] core::Result<ledger::KeyPair> node_key_file(const std::string& path, bool create);
[[nodiscard]] core::Result<ledger::KeyPair> node_key(const std::string& store_url, bool create);

}  // namespace corridor::rules
