#include "api/client.h"

#include <httplib.h>

#include <sstream>

#include "core/input.h"
#include "core/json_text.h"
#include "ledger/head.h"
#include "ledger/merkle.h"
#include "regime/regime.h"
#include "rules/draw.h"
#include "rules/engine.h"

namespace corridor::api {

using core::ErrorCode;
using core::fail;
using core::Result;

Result<HttpResult> http_call(const std::string& base, const std::string& method, const std::string& path,
                             const std::string& body, const std::string& token) {
  httplib::Client cli(base);
  if (!cli.is_valid()) return fail(ErrorCode::kInvalidArgument, base + ": not an http:// or https:// URL");
  cli.set_connection_timeout(5, 0);
  cli.set_read_timeout(60, 0);
  cli.set_write_timeout(30, 0);
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  if (method != "GET" && method != "POST") return fail(ErrorCode::kInternal, "http_call: method " + method);
  httplib::Result res = method == "GET" ? cli.Get(path, headers) : cli.Post(path, headers, body, "application/json");
  if (!res) {
    return fail(ErrorCode::kUnavailable, base + path + ": " + httplib::to_string(res.error()));
  }
  if (res->body.size() > core::kMaxTableBytes) return fail(ErrorCode::kLimit, base + path + ": the reply is too large");
  return HttpResult{res->status, res->body, res->get_header_value("Content-Type")};
}

core::Error remote_error(const HttpResult& r, const std::string& base) {
  core::Error e{ErrorCode::kInternal, base + ": HTTP " + std::to_string(r.status)};
  auto j = core::parse_json_text(r.body, base);
  if (j && j->is_object() && j->contains("error") && (*j)["error"].is_object()) {
    const Json& err = (*j)["error"];
    e.message = base + ": " + err.value("message", std::string("HTTP ") + std::to_string(r.status));
    e.rule = err.value("rule", std::string());
    e.pointer = err.value("pointer", std::string());
    const std::string code = err.value("code", std::string());
    for (int c = 0; c < 15; ++c) {
      if (core::error_info(static_cast<ErrorCode>(c)).name == code) e.code = static_cast<ErrorCode>(c);
    }
  } else if (r.status == 401) {
    e.code = ErrorCode::kUnauthorized;
  } else if (r.status >= 500) {
    e.code = ErrorCode::kUnavailable;
  }
  return e;
}

namespace {

Result<Json> get_json(const std::string& base, const std::string& path, const std::string& token) {
  CORRIDOR_TRY(const HttpResult r, http_call(base, "GET", path, "", token));
  if (r.status != 200) return core::Unexpected{remote_error(r, base)};
  return core::parse_json_text(r.body, base + path, core::kMaxTableBytes);
}

// A sync reads the peer's log in pages bounded in bytes (a log of large events once made one reply
// too large for good) and appends each page as it comes, proven a prefix of the peer's signed head:
// memory stays bounded and an interrupted sync keeps what it appended.
constexpr std::size_t kSyncPageBytes = 4u << 20;

Result<std::vector<ledger::Digest>> consistency_path(const std::string& base, std::uint64_t from, std::uint64_t to,
                                                     const std::string& token) {
  CORRIDOR_TRY(const Json p, get_json(base, "/v1/ledger/proof/consistency?from=" + std::to_string(from) + "&to=" +
                                                std::to_string(to), token));
  std::vector<ledger::Digest> path;
  if (!p.contains("path") || !p["path"].is_array()) return fail(ErrorCode::kCorrupt, base + ": a consistency proof without a path");
  for (const auto& h : p["path"]) {
    if (!h.is_string()) return fail(ErrorCode::kCorrupt, base + ": a consistency proof with a bad hash");
    CORRIDOR_TRY(const auto d, ledger::from_hex<32>(h.get<std::string>(), base + ": consistency proof"));
    path.push_back(d);
  }
  return path;
}

Result<std::vector<ledger::Event>> events_page(const std::string& base, std::uint64_t after, std::uint64_t until,
                                               const std::string& token) {
  CORRIDOR_TRY(const HttpResult er, http_call(base, "GET", "/v1/ledger/events?after=" + std::to_string(after) + "&until=" +
                                                           std::to_string(until) + "&max_bytes=" + std::to_string(kSyncPageBytes),
                                               "", token));
  if (er.status != 200) return core::Unexpected{remote_error(er, base)};
  std::vector<ledger::Event> page;
  std::stringstream in(er.body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    CORRIDOR_TRY(auto e, ledger::from_json_line(line, base + "/v1/ledger/events"));
    page.push_back(std::move(e));
  }
  if (page.empty()) {
    return fail(ErrorCode::kCorrupt, base + ": its head shows " + std::to_string(until) + " events but it serves none after " +
                                         std::to_string(after));
  }
  return page;
}

// Runs `f` on the ledger, under whatever lock the caller's ledger needs.
using WithLedger = std::function<Result<void>(const std::function<Result<void>(rules::Ledger&)>&)>;

Result<SyncReport> sync_paged(const std::string& base, const std::string& token, std::string* evidence, std::size_t max_pages,
                              const WithLedger& with, const std::function<Result<void>(const ledger::Event&)>& first = {}) {
  // The node's key is known only from its head: fetch it first, then what was kept of that node.
  CORRIDOR_TRY(const HttpResult hr, http_call(base, "GET", "/v1/ledger/head", "", token));
  if (hr.status != 200) return core::Unexpected{remote_error(hr, base)};
  CORRIDOR_TRY(const ledger::TreeHead head, ledger::parse_head(hr.body, base + "/v1/ledger/head"));
  const auto* sig = ledger::node_signature(head);
  if (sig == nullptr) return fail(ErrorCode::kCorrupt, base + ": its head is not signed by its node");
  std::uint64_t local = 0;
  std::optional<ledger::TreeHead> kept;
  CORRIDOR_CHECK(with([&](rules::Ledger& l) -> Result<void> {
    local = l.state().size;
    CORRIDOR_TRY(kept, l.kept_head(sig->public_key));
    return {};
  }));
  std::optional<std::vector<ledger::Digest>> kept_proof;
  if (kept && kept->log == head.log && kept->size <= head.size) {
    CORRIDOR_TRY(kept_proof, consistency_path(base, kept->size, head.size, token));
  }
  SyncReport report;
  const auto extend = [&](const std::vector<ledger::Event>& page, const std::optional<std::vector<ledger::Digest>>& prefix) {
    return with([&](rules::Ledger& l) -> Result<void> {
      CORRIDOR_TRY(const auto r, l.extend(page, head, kept_proof, evidence, prefix));
      report.appended += r.appended;
      report.proof_checked = report.proof_checked || r.proof_checked;
      local = l.state().size;
      return {};
    });
  };
  if (local >= head.size) CORRIDOR_CHECK(extend({}, std::nullopt));  // nothing new: the head is still checked
  while (local < head.size) {
    if (max_pages > 0 && report.pages == max_pages) break;
    CORRIDOR_TRY(const std::vector<ledger::Event> page, events_page(base, local, head.size, token));
    if (local == 0 && first) CORRIDOR_CHECK(first(page.front()));  // before anything is appended
    const std::uint64_t reach = local + page.size();
    std::optional<std::vector<ledger::Digest>> prefix;
    if (reach < head.size) {
      CORRIDOR_TRY(prefix, consistency_path(base, reach, head.size, token));
    }
    CORRIDOR_CHECK(extend(page, prefix));
    ++report.pages;
  }
  report.size = local;
  report.head_size = head.size;
  return report;
}

}  // namespace

Result<SyncReport> sync_store(rules::Ledger& ledger, const std::string& base, std::string* evidence, const std::string& token,
                              std::size_t max_pages, const std::function<Result<void>(const ledger::Event&)>& first) {
  return sync_paged(
      base, token, evidence, max_pages, [&](const std::function<Result<void>(rules::Ledger&)>& f) { return f(ledger); }, first);
}

Result<SyncReport> sync_from(Node& node, const std::string& base, std::string* evidence, const std::string& token) {
  std::lock_guard<std::mutex> one_at_a_time(node.sync_mutex());
  // Network traffic outside the ledger's lock; only the check and the append of each page inside it.
  std::string caught;
  auto synced = sync_paged(base, token, &caught, 0, [&](const std::function<Result<void>(rules::Ledger&)>& f) {
    return node.with_ledger(f);
  });
  if (!synced && !caught.empty()) {
    // The sequencer's own signed heads contradict each other: keep them, stop forwarding to it.
    if (base == node.upstream()) node.record_divergence(caught);
    if (evidence != nullptr) *evidence = caught;
  }
  return synced;
}

Result<ledger::Event> submit(const std::string& base, const ledger::Signer& signer, const RemoteDraft& d, const std::string& token) {
  Json ask = {{"actor", signer.name}, {"type", d.type}, {"subject", d.subject}, {"time", core::format_iso8601(d.time)}};
  std::string decl_canonical;
  if (!d.declaration.empty()) {
    CORRIDOR_TRY(const Json decl, core::parse_json_text(d.declaration, "the declaration"));
    decl_canonical = decl.dump();
    ask["declaration"] = decl;
  } else {
    CORRIDOR_TRY(ask["payload"], core::parse_json_text(d.payload_json, "the payload"));
    if (d.type == cargo::kInspected) {  // the operator's draw, over the declaration the server shows
      CORRIDOR_TRY(const Json doc, get_json(base, "/v1/consignments/" + d.subject, token));
      rules::complete_inspection(rules::draw_terms(doc), signer.keys.secret_key, ask["payload"]);
    }
  }
  if (!d.custody.empty()) ask["custody"] = d.custody;
  for (int attempt = 0; attempt < 8; ++attempt) {
    CORRIDOR_TRY(const HttpResult dr, http_call(base, "POST", "/v1/ledger/drafts", ask.dump(), token));
    if (dr.status != 200) return core::Unexpected{remote_error(dr, base)};
    CORRIDOR_TRY(const Json reply, core::parse_json_text(dr.body, base + "/v1/ledger/drafts"));
    if (!reply.contains("event") || !reply["event"].is_object()) return fail(ErrorCode::kCorrupt, base + ": a draft without its event");
    Json ev = reply["event"];
    ev["signature"] = std::string(128, '0');
    CORRIDOR_TRY(ledger::Event e, ledger::from_json_line(ev.dump(), base + ": draft"));
    // The server builds the event; this side checks it is what was asked before signing anything.
    Json p;
    try {
      p = Json::parse(e.payload);
    } catch (const Json::exception&) {
      return fail(ErrorCode::kCorrupt, base + ": a draft whose payload is not JSON");
    }
    const auto bad = [&](const std::string& what) {
      return fail(ErrorCode::kCorrupt, base + ": the draft it built is not what was asked (" + what + "); nothing signed");
    };
    if (e.actor != signer.name || e.type != d.type || e.subject != d.subject || e.time != d.time) return bad("actor, type, subject or time");
    if (!d.custody.empty() && p.value("custody", std::string()) != d.custody) return bad("custody");
    p.erase("custody");
    if (d.declaration.empty()) {
      if (p != ask["payload"]) return bad("payload");
    } else {
      if (!p.contains("declaration") || p["declaration"].dump() != decl_canonical) return bad("declaration");
      // The decision is recomputed here from the regime the server says is in force: the text must
      // have the hash the payload records, and the regime must give this very payload.
      if (!p.contains("regime") || !p["regime"].contains("seq") || !p["regime"].contains("sha256")) return bad("regime");
      const std::string cp = p["declaration"].value("checkpoint", std::string());
      CORRIDOR_TRY(const Json reg, get_json(base, "/v1/regimes/" + cp + "/published/" + p["regime"]["seq"].dump(), token));
      const std::string text = reg.value("toml", std::string());
      if (ledger::to_hex(ledger::sha256(text)) != p["regime"]["sha256"].get<std::string>()) return bad("regime text and hash");
      CORRIDOR_TRY(const auto parsed, regime::parse_regime(text, "the published regime"));
      rules::State local;
      rules::Checkpoint c{cp, parsed.checkpoint_name, parsed.operator_party, 0, {}};
      c.regimes.push_back({p["regime"]["seq"].get<std::uint64_t>(), 0, p["regime"]["sha256"].get<std::string>(),
                           parsed.operator_party, text, std::make_shared<const regime::Regime>(parsed)});
      local.checkpoints[cp] = std::move(c);
      CORRIDOR_TRY(const std::string mine, rules::declaration_payload(local, decl_canonical, d.time, "the declaration"));
      if (Json::parse(mine) != p) return bad("the decision, operator or approvals differ from the published regime's");
    }
    // The hash too: computed here from the fields, not taken from the server.
    const std::string claimed = e.hash;
    ledger::set_hash(e);
    if (e.hash != claimed || reply.value("sign", std::string()) != e.hash) return bad("hash");
    ledger::sign_hash(e, signer.keys.secret_key);
    CORRIDOR_TRY(const HttpResult pr, http_call(base, "POST", "/v1/ledger/events", Json{{"event", Json::parse(ledger::to_json_line(e))}}.dump(), token));
    if (pr.status == 201) return e;
    const core::Error err = remote_error(pr, base);
    // Another write took the seq between the draft and now: ask again.
    if (err.code == ErrorCode::kConflict && err.rule.empty()) continue;
    return core::Unexpected{err};
  }
  return fail(ErrorCode::kUnavailable, base + ": the ledger kept moving; try again");
}

}  // namespace corridor::api
