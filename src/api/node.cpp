#include "api/node.h"

#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <iostream>

#include "core/json_text.h"
#include "net/graph_file.h"
#include "query/query.h"

namespace corridor::api {

using core::ErrorCode;
using core::fail;
using core::Result;

std::string new_token() {
  std::array<std::uint8_t, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return ledger::to_hex(bytes);
}

namespace {
constexpr const char* kDivergenceNote = "divergence";
}  // namespace

std::string token_note_key(const std::string& token) { return "token:" + ledger::to_hex(ledger::sha256(token)); }

Result<std::string> issue_token(store::Store& store, const std::string& party, const std::string& label) {
  const std::string token = new_token();
  CORRIDOR_CHECK(store.set_note(token_note_key(token),
                                Json{{"party", party}, {"label", label}, {"created", core::format_iso8601(core::now_unix())}}.dump()));
  return token;
}

Result<std::unique_ptr<Node>> Node::open(const NodeOptions& o) {
  std::unique_ptr<Node> n(new Node());
  CORRIDOR_TRY(n->store_, store::open(o.store, store::OpenMode::kCreate));
  n->store_path_ = n->store_->name();
  CORRIDOR_TRY(rules::NodeAnchor anchor, rules::node_anchor(o.store, o.node_key));
  CORRIDOR_TRY(auto l, rules::Ledger::open(*n->store_, {false, nullptr, std::move(anchor)}));
  n->ledger_ = std::make_unique<rules::Ledger>(std::move(l));
  CORRIDOR_TRY(n->node_key_, n->ledger_->node_key());
  if (!o.network.empty()) {
    CORRIDOR_TRY(auto g, net::load_graph(o.network));
    n->graph_ = std::make_unique<net::Graph>(std::move(g));
    (void)n->graph_->way_index();  // a server resolves closures on every request: index them once
    n->network_name_ = std::filesystem::path(o.network).filename().string();
    struct stat st {};
    if (::stat(o.network.c_str(), &st) == 0) n->network_bytes_ = st.st_size;
    // The graph does not change while the node runs: its description is made once. Where it was
    // imported from is given by file name — the server's paths are nobody's business.
    Json info = query::info(*n->graph_, n->network_name_, n->network_bytes_);
    if (info.contains("source") && info["source"].is_string()) {
      info["source"] = std::filesystem::path(info["source"].get<std::string>()).filename().string();
    }
    n->network_info_ = info.dump();
  }
  for (const auto& file : o.scenarios) {
    auto sc = std::make_unique<LoadedScenario>();
    CORRIDOR_TRY(sc->s, scenario::load_scenario(file));
    // Absolute first: "scenario.toml" given from its own folder has no parent in its text.
    std::error_code ec;
    const std::filesystem::path p = std::filesystem::absolute(file, ec).lexically_normal();
    sc->id = p.filename() == "scenario.toml" ? p.parent_path().filename().string() : p.stem().string();
    sc->file = file;
    for (const auto& other : n->scenarios_) {
      if (other->id == sc->id) return fail(ErrorCode::kInvalidArgument, file + ": a second scenario with id '" + sc->id + "'");
    }
    n->scenarios_.push_back(std::move(sc));
  }
  if (!o.places.empty() || !o.needs.empty() || !o.commodities.empty()) {
    if (o.places.empty() || o.needs.empty() || o.commodities.empty()) {
      return fail(ErrorCode::kInvalidArgument, "supply figures need --places, --needs and --commodities together");
    }
    rules::SupplyInputs in;
    CORRIDOR_TRY(in.settlements, supply::read_settlements(o.places));
    CORRIDOR_TRY(in.needs, supply::read_needs(o.needs));
    CORRIDOR_TRY(in.commodities, supply::read_commodities(o.commodities));
    in.places_name = std::filesystem::path(o.places).filename().string();
    n->supply_ = std::move(in);
  }
  for (const auto& [party, file] : o.custodial) {
    CORRIDOR_TRY(auto signer, ledger::read_key_file(file));
    if (signer.name != party) {
      return fail(ErrorCode::kInvalidArgument, file + ": the key file is for '" + signer.name + "', not '" + party + "'");
    }
    n->custodial_[party] = std::move(signer);
  }
  n->upstream_ = o.upstream;
  n->upstream_token_ = o.upstream_token;
  // A governed ledger names its sequencer: a node that is not it follows it.
  const std::string named = n->ledger_->state().sequencer;
  if (n->upstream_.empty() && !named.empty() && named != o.public_url) n->upstream_ = named;
  CORRIDOR_TRY(n->divergence_, n->store_->note(kDivergenceNote));
  return n;
}

std::optional<std::string> Node::divergence() const {
  std::lock_guard<std::mutex> lock(divergence_mutex_);
  return divergence_;
}

void Node::record_divergence(const std::string& evidence) {
  {
    std::lock_guard<std::mutex> lock(divergence_mutex_);
    if (divergence_) return;  // the first evidence stands; it is what was caught
    divergence_ = evidence;
  }
  std::cerr << "corridor: the sequencer " << upstream_ << " contradicts its own signed heads: " << core::printable(evidence) << "\n";
  std::lock_guard<std::mutex> lock(ledger_mutex_);
  (void)store_->set_note(kDivergenceNote, evidence);
}

Result<void> Node::check_not_diverged() const {
  if (!divergence()) return {};
  return fail(ErrorCode::kUnavailable, "this node caught its sequencer " + upstream_ +
                                           " rewriting or cutting its log (both of its signed heads: GET "
                                           "/v1/ledger/evidence) and forwards no writes to it");
}

const LoadedScenario* Node::scenario(const std::string& id) const {
  for (const auto& s : scenarios_) {
    if (s->id == id) return s.get();
  }
  return nullptr;
}

namespace {

Result<void> check_trust(const LoadedScenario& sc, const std::string& trust) {
  if (!trust.empty() && !sc.s.parties.contains(trust)) {
    return fail(ErrorCode::kNotFound, "trust: '" + trust + "' is not a party of scenario '" + sc.id + "'");
  }
  return {};
}

}  // namespace

Result<scenario::RunResult> Node::what_if(const LoadedScenario& sc, const std::string& trust, const std::vector<scenario::WhatIf>& closures,
                                          scenario::Day through) {
  CORRIDOR_CHECK(check_trust(sc, trust));
  return scenario::run(sc.s, {.trust = trust, .what_if = closures, .through = through, .progress = {}});
}

Result<std::shared_ptr<const scenario::RunResult>> Node::run(const LoadedScenario& sc, const std::string& trust,
                                                             const std::function<bool(std::size_t, std::size_t)>& progress) {
  {
    std::lock_guard<std::mutex> lock(sc.mutex);
    const auto it = sc.runs.find(trust);
    if (it != sc.runs.end()) return it->second;
  }
  CORRIDOR_CHECK(check_trust(sc, trust));
  // Runs are pure functions of the scenario and the trusted party: two requests racing compute the
  // same thing, and the first stored wins.
  CORRIDOR_TRY(auto r, scenario::run(sc.s, {.trust = trust, .progress = progress}));
  auto shared = std::make_shared<const scenario::RunResult>(std::move(r));
  std::lock_guard<std::mutex> lock(sc.mutex);
  return sc.runs.try_emplace(trust, shared).first->second;
}

Result<Principal> Node::authenticate(const std::string& bearer) {
  if (bearer.size() != 64 || !ledger::from_hex<32>(bearer, "token")) {
    return fail(ErrorCode::kUnauthorized, "the bearer token is not one this node issued (64 hex digits)");
  }
  const std::string key = token_note_key(bearer);
  std::string party;
  {
    std::lock_guard<std::mutex> lock(tokens_mutex_);
    if (const auto it = tokens_.find(key); it != tokens_.end()) party = it->second;
  }
  if (party.empty()) {
    CORRIDOR_TRY(const auto note, with_ledger([&](rules::Ledger& l) { return l.store().note(key); }));
    if (!note) return fail(ErrorCode::kUnauthorized, "the bearer token is not one this node issued");
    CORRIDOR_TRY(const Json j, core::parse_json_text(*note, "token note", core::kMaxKeyFileBytes));
    party = j.value("party", std::string());
    std::lock_guard<std::mutex> lock(tokens_mutex_);
    tokens_[key] = party;
  }
  Principal p;
  p.party = party;
  CORRIDOR_CHECK(with_ledger([&](rules::Ledger& l) -> Result<void> {
    const rules::Member* m = l.state().member(party);
    if (m == nullptr) return fail(ErrorCode::kUnauthorized, "the token's party '" + party + "' is not a member of this ledger");
    if (!m->active()) {
      return core::refuse(ErrorCode::kUnauthorized, "P-MEMBER", "the token's party '" + party + "' was revoked");
    }
    p.role = m->role;
    p.member = true;
    return {};
  }));
  return p;
}

const ledger::Signer* Node::custodial(const std::string& party) const {
  const auto it = custodial_.find(party);
  return it == custodial_.end() ? nullptr : &it->second;
}

}  // namespace corridor::api
