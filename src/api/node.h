// corridor::api — what one server process serves from: the store and its ledger (guarded: one
// request at a time touches them), the road network, the scenarios and their runs (cached per
// trusted party), the supply tables, the tokens it issued, the custodial keys it holds, and — on a
// mirror — the node it follows.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/http.h"
#include "core/result.h"
#include "ledger/event.h"
#include "net/graph.h"
#include "rules/ledger.h"
#include "rules/reports.h"
#include "scenario/scenario.h"
#include "store/store.h"

namespace corridor::api {

struct NodeOptions {
  std::string store;                      // a path, sqlite:PATH or postgresql://...
  std::string node_key;                   // the node's key file; default rules::node_key_path(store)
  std::string network;                    // .cgraph, optional
  std::vector<std::string> scenarios;     // scenario TOML files
  std::string places, needs, commodities;  // supply tables, optional
  std::map<std::string, std::string> custodial;  // party -> key file the node signs with for web users
  std::string upstream;                   // a mirror: the URL of the node that sequences the ledger
  std::string upstream_token;             // a member's bearer token there (its events are for members)
  std::string public_url;                 // this node's own URL (to recognise itself as the sequencer)
};

// A scenario loaded once, with its runs computed on first request per trusted party.
struct LoadedScenario {
  std::string id, file;
  scenario::Scenario s;
  mutable std::mutex mutex;
  mutable std::map<std::string, std::shared_ptr<const scenario::RunResult>> runs;
  // Days already rendered (a run never changes): trust, date and format -> the body. At most
  // kRenderedDays are kept; beyond that the cache starts over.
  static constexpr std::size_t kRenderedDays = 2048;
  mutable std::map<std::string, std::shared_ptr<const std::string>> rendered;
};

class Node {
 public:
  [[nodiscard]] static core::Result<std::unique_ptr<Node>> open(const NodeOptions& o);

  // The ledger, one caller at a time, after folding what other writers appended meanwhile.
  template <typename F>
  auto with_ledger(F&& f) -> decltype(f(std::declval<rules::Ledger&>())) {
    std::lock_guard<std::mutex> lock(ledger_mutex_);
    if (auto ok = ledger_->refresh(); !ok) return core::Unexpected{ok.error()};
    return f(*ledger_);
  }

  [[nodiscard]] const net::Graph* graph() const { return graph_ ? graph_.get() : nullptr; }
  [[nodiscard]] const std::string& network_name() const { return network_name_; }
  [[nodiscard]] std::int64_t network_bytes() const { return network_bytes_; }
  // GET /v1/network's body (query::info of the graph), made when the node opened.
  [[nodiscard]] const std::string& network_info() const { return network_info_; }
  [[nodiscard]] const std::vector<std::unique_ptr<LoadedScenario>>& scenarios() const { return scenarios_; }
  [[nodiscard]] const LoadedScenario* scenario(const std::string& id) const;
  // A run of `sc` trusting `trust` ("" = each road's operator), computed once.
  [[nodiscard]] core::Result<std::shared_ptr<const scenario::RunResult>> run(const LoadedScenario& sc, const std::string& trust,
                                                                             const std::function<bool(std::size_t, std::size_t)>& progress = {});
  // A reader's what-if, through one day: checked like a run, never cached (it is one reader's question).
  [[nodiscard]] core::Result<scenario::RunResult> what_if(const LoadedScenario& sc, const std::string& trust,
                                                          const std::vector<scenario::WhatIf>& closures, scenario::Day through);
  [[nodiscard]] const std::optional<rules::SupplyInputs>& supply() const { return supply_; }

  // Tokens: issued by `corridor party token`, stored hashed in the store's notes.
  [[nodiscard]] core::Result<Principal> authenticate(const std::string& bearer);
  // The key this node holds for `party`, if any.
  [[nodiscard]] const ledger::Signer* custodial(const std::string& party) const;
  [[nodiscard]] const ledger::KeyPair& node_key() const { return node_key_; }
  // The store as it may be shown (a password in its URL replaced).
  [[nodiscard]] const std::string& store_path() const { return store_path_; }
  // Empty when this node sequences the ledger; else the URL of the node that does.
  [[nodiscard]] const std::string& upstream() const { return upstream_; }
  [[nodiscard]] const std::string& upstream_token() const { return upstream_token_; }
  // Evidence that the sequencer rewrote or cut its log ({"kept", "served", "local", "reason"}: its
  // own signed heads), once a sync caught it; kept in the store's notes across restarts. A node
  // holding it forwards no writes and reports itself diverged.
  [[nodiscard]] std::optional<std::string> divergence() const;
  void record_divergence(const std::string& evidence);
  // Held for a whole sync from the sequencer: two syncs that cross (the background one and the one
  // after a forwarded write) would each check a consistency proof made from a head the other has
  // replaced since, and read that as a fork.
  [[nodiscard]] std::mutex& sync_mutex() { return sync_mutex_; }
  // 503 naming the evidence when this node holds some, else ok: what every forwarded write checks.
  [[nodiscard]] core::Result<void> check_not_diverged() const;

 private:
  Node() = default;
  std::string store_path_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<rules::Ledger> ledger_;
  std::mutex ledger_mutex_;
  std::unique_ptr<net::Graph> graph_;
  std::string network_name_;
  std::int64_t network_bytes_ = 0;
  std::string network_info_;
  std::vector<std::unique_ptr<LoadedScenario>> scenarios_;
  std::optional<rules::SupplyInputs> supply_;
  std::map<std::string, ledger::Signer> custodial_;
  ledger::KeyPair node_key_;
  std::string upstream_, upstream_token_;
  std::mutex tokens_mutex_;
  mutable std::mutex divergence_mutex_;
  std::mutex sync_mutex_;
  std::optional<std::string> divergence_;
  std::map<std::string, std::string> tokens_;  // sha256 hex -> party (cache of the store's notes)
};

// Tokens: 256 random bits as 64 hex digits; the store keeps only their SHA-256.
[[nodiscard]] std::string new_token();
[[nodiscard]] std::string token_note_key(const std::string& token);
// Issues a token for `party` in the store: returns the token (shown once).
[[nodiscard]] core::Result<std::string> issue_token(store::Store& store, const std::string& party, const std::string& label);


}  // namespace corridor::api
