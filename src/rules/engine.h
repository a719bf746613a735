// corridor::rules — the one rule engine. An event is valid when its place in the chain, its hash,
// its signature, its transition and its actor's authority all hold; the Engine decides, and
// nothing else does: appending (the CLI, the coming HTTP API), importing, verifying and rebuilding
// all fold events through it.
//
// Two kinds of failure, kept apart on purpose:
//  * Integrity — the event is not what its actor signed, or does not continue the chain (a seq
//    gap, a changed byte, a signature that does not verify, an actor with no key in the ledger).
//    The log has been tampered with; the fold stops there and every command refuses the store.
//  * Rules — a properly signed event that its actor had no right to make, or that its subject's
//    state does not allow (docs/formats.md, "Ledger rules", lists each rule id). Appending and
//    importing refuse it. A stored one (from an older version, or inserted by hand) is kept in the
//    log, has no effect on the state, and is reported with its seq and rule: the fold is total.
//
// May use: core, ledger, regime, cargo, supply; nlohmann-json in the .cpp files.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/result.h"
#include "ledger/event.h"
#include "rules/state.h"

namespace corridor::rules {

struct EngineOptions {
  // Events up to this seq had their signatures verified before (the node's last verified tree
  // head); the fold still recomputes their hashes and the chain. 0: verify every signature.
  std::uint64_t trusted_through = 0;
  // Keys known from outside the log: a party bound to another key is an integrity failure.
  const std::map<std::string, ledger::PublicKey>* pinned = nullptr;
};

class Engine {
 public:
  explicit Engine(EngineOptions o = {}) : opts_(o) {}

  // What an event does to the state, decided but not yet applied.
  struct Outcome {
    std::function<void(State&)> change;   // set when the rules accept the event
    std::optional<Violation> violation;   // set when a rule refuses it
    bool late = false;                    // recorded after the fact for a reason other than its time
  };

  // Folds the next stored event (see the header comment).
  [[nodiscard]] core::Result<void> fold(const ledger::Event& e);
  // Decides the next event without changing anything: an integrity failure or a refused rule is an
  // error (the rule's id in Error::rule). `signed_here`: the caller has just made it (canonical
  // payload, hash computed) and signs it with the key the ledger holds for its actor, so neither
  // the hash nor the signature is checked again (the signature may not be there yet).
  [[nodiscard]] core::Result<Outcome> check(const ledger::Event& e, bool signed_here) const;
  // Applies an event that check() accepted.
  void apply(const ledger::Event& e, const Outcome& o);

  [[nodiscard]] const State& state() const { return s_; }

 private:
  // `made_here`: the caller built the event (canonical payload, hash computed) and will sign it with
  // the key the ledger holds for its actor — nothing of its integrity needs checking again.
  [[nodiscard]] core::Result<Outcome> evaluate(const ledger::Event& e, bool verify_signature, bool made_here) const;
  void advance(const ledger::Event& e, const Outcome& o);
  EngineOptions opts_;
  State s_;
};

// The payload a consignment.declared event must carry for `declaration_json` declared at `at`:
// the declaration, the checkpoint's operator and required approvals, the regime in force (its seq
// and SHA-256) and the regime's decision. The engine refuses any other (rule C-REGIME); the CLI
// builds the payload with this same function.
[[nodiscard]] core::Result<std::string> declaration_payload(const State& s, const std::string& declaration_json,
                                                            core::UnixSeconds at, const std::string& where);

// The error code a refused rule maps to: forbidden (authority), conflict (state), not found
// (an unknown settlement or checkpoint), invalid argument (the payload).
[[nodiscard]] core::ErrorCode rule_code(const std::string& rule);

// The digest a new key signs to prove it is held by the party rotating to it.
[[nodiscard]] ledger::Digest rotation_digest(const std::string& party, const ledger::PublicKey& old_key,
                                             const ledger::PublicKey& new_key);

}  // namespace corridor::rules
