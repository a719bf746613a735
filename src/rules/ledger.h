// corridor::rules — the ledger as a node holds it: a store folded through the Engine.
//
//  * Opening folds every event (hashes, chain, rules) and verifies the signatures of the events
//    appended since the node last verified its log (all of them for `ledger verify`). What it
//    trusts is a tree head signed by the node's own key (NodeAnchor): kept in the store, and again
//    outside it, beside the key. A store with events but no such head in it (notes deleted, a store
//    made elsewhere, a head signed by another key) is refused; so is one shorter than either head,
//    or whose first `size` events no longer give its root — whatever the command. Without a node
//    anchor nothing in the store is trusted: every signature is verified and no head is kept.
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

// What a node keeps outside its store (docs/architecture.md, "Threat model"): its key, which signs
// every head the node verified, and the last such head of each store it holds, in a folder beside
// the key (`KEY.heads/`, one file per store). A store replaced by an older copy, cut short or
// rewritten is caught against that file even when the store's own notes were wiped with it.
struct NodeAnchor {
  std::string key_file;
  std::string head_file;
  std::string store_id;  // the store as the node names it: an SQLite file's absolute path, a URL without password
};
// The anchor of the node that holds `store_url`: its key file is `key_file` when given, else
// node_key_path(store_url).
[[nodiscard]] core::Result<NodeAnchor> node_anchor(const std::string& store_url, const std::string& key_file = "");

struct OpenOptions {
  bool verify_all = false;  // verify every signature, not only those since the last verified head
  const std::map<std::string, ledger::PublicKey>* pinned = nullptr;
  // The node's key and the head it keeps outside the store. Without it nothing the store says
  // about itself is trusted: every signature is verified on open, and no head is written.
  std::optional<NodeAnchor> node;
  // Whether open() writes the head outside the store. Off for a store being filled inside a
  // transaction not yet committed (store copy), which opens it again afterwards.
  bool keep_outside = true;
  // Take a store whose head kept outside is missing (the key's heads folder lost) as it is: every
  // signature is verified, and a fresh head is kept outside (`ledger verify --adopt`).
  bool adopt = false;
};

class Ledger {
 public:
  [[nodiscard]] static core::Result<Ledger> open(store::Store& store, OpenOptions o = {});

  [[nodiscard]] const State& state() const { return engine_.state(); }
  [[nodiscard]] store::Store& store() { return *store_; }
  // Signatures this open verified (the rest were covered by the last verified head).
  [[nodiscard]] std::uint64_t signatures_verified() const { return signatures_verified_; }
  // The node's key (created on first use when the anchor names a file that does not exist yet).
  [[nodiscard]] core::Result<ledger::KeyPair> node_key();

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
  // A page: `fresh` may stop short of the head's size; then `prefix_proof` is the consistency
  // proof from the size it reaches to the head's, and the page is appended only if it proves the
  // log so far a prefix of the head's (a sync interrupted keeps what it appended, all of it proven).
  [[nodiscard]] core::Result<ExtendReport> extend(const std::vector<ledger::Event>& fresh, const ledger::TreeHead& head,
                                                  const std::optional<std::vector<ledger::Digest>>& proof,
                                                  std::string* evidence,
                                                  const std::optional<std::vector<ledger::Digest>>& prefix_proof = std::nullopt);
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
  // The node's signed head of the log as folded now.
  [[nodiscard]] core::Result<ledger::TreeHead> signed_head();
  // The head kept outside the store, checked: signed by this node's key, of this store.
  [[nodiscard]] core::Result<std::optional<ledger::TreeHead>> read_kept();
  // The head inside the store, checked the same way; refuses a store with events and no such head
  // (unless every signature is being verified anyway).
  [[nodiscard]] core::Result<std::optional<ledger::TreeHead>> read_noted(std::uint64_t size);
  // Reads the head kept outside the store into kept_, before a transaction starts (so that any
  // head it shows is of events the transaction sees).
  [[nodiscard]] core::Result<void> load_kept();
  // Writes the head outside the store when the log has grown past what it holds.
  [[nodiscard]] core::Result<void> keep_outside();
  // Before the store first holds a head of this node: the outside file, with no head yet, so that
  // a missing file later means it was removed, not that no head was ever kept.
  [[nodiscard]] core::Result<void> anchor_outside();

  store::Store* store_;
  OpenOptions options_;
  Engine engine_;
  std::uint64_t verified_size_ = 0;  // the store's last verified head, as read at open
  std::uint64_t folded_size_ = 0;    // the most events this object has read from the store
  std::optional<ledger::KeyPair> node_key_;
  std::optional<ledger::TreeHead> kept_;  // the head kept outside the store, as last read or written
  bool anchored_ = false;                 // the outside file exists (with a head, or none yet)
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
