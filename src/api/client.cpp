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

struct Fetched {
  ledger::TreeHead head;
  std::vector<ledger::Event> fresh;
  std::optional<std::vector<ledger::Digest>> proof;
};

// Everything from `base` this node needs to extend its log of `local` events, and the head it signed.
Result<Fetched> fetch(const std::string& base, std::uint64_t local, const std::optional<ledger::TreeHead>& kept,
                      const std::string& token) {
  Fetched f;
  CORRIDOR_TRY(const HttpResult hr, http_call(base, "GET", "/v1/ledger/head", "", token));
  if (hr.status != 200) return core::Unexpected{remote_error(hr, base)};
  CORRIDOR_TRY(f.head, ledger::parse_head(hr.body, base + "/v1/ledger/head"));
  if (kept && kept->log == f.head.log && kept->size <= f.head.size) {
    CORRIDOR_TRY(const Json p, get_json(base, "/v1/ledger/proof/consistency?from=" + std::to_string(kept->size) +
                                                  "&to=" + std::to_string(f.head.size), token));
    std::vector<ledger::Digest> path;
    if (!p.contains("path") || !p["path"].is_array()) return fail(ErrorCode::kCorrupt, base + ": a consistency proof without a path");
    for (const auto& h : p["path"]) {
      if (!h.is_string()) return fail(ErrorCode::kCorrupt, base + ": a consistency proof with a bad hash");
      CORRIDOR_TRY(const auto d, ledger::from_hex<32>(h.get<std::string>(), base + ": consistency proof"));
      path.push_back(d);
    }
    f.proof = std::move(path);
  }
  std::uint64_t after = local;
  while (after < f.head.size) {
    CORRIDOR_TRY(const HttpResult er, http_call(base, "GET", "/v1/ledger/events?after=" + std::to_string(after) + "&until=" +
                                                                 std::to_string(f.head.size), "", token));
    if (er.status != 200) return core::Unexpected{remote_error(er, base)};
    std::stringstream in(er.body);
    std::string line;
    const std::uint64_t before = after;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      CORRIDOR_TRY(auto e, ledger::from_json_line(line, base + "/v1/ledger/events"));
      after = e.seq;
      f.fresh.push_back(std::move(e));
    }
    if (after == before) return fail(ErrorCode::kCorrupt, base + ": its head shows " + std::to_string(f.head.size) +
                                                              " events but it serves none after " + std::to_string(after));
  }
  return f;
}

}  // namespace

Result<SyncReport> sync_store(rules::Ledger& ledger, const std::string& base, std::string* evidence, const std::string& token) {
  // The node's key is known only from its head: fetch it first, then what was kept of that node.
  CORRIDOR_TRY(const HttpResult hr, http_call(base, "GET", "/v1/ledger/head", "", token));
  if (hr.status != 200) return core::Unexpected{remote_error(hr, base)};
  CORRIDOR_TRY(const ledger::TreeHead probe, ledger::parse_head(hr.body, base + "/v1/ledger/head"));
  const auto* sig = ledger::node_signature(probe);
  if (sig == nullptr) return fail(ErrorCode::kCorrupt, base + ": its head is not signed by its node");
  CORRIDOR_TRY(const auto kept, ledger.kept_head(sig->public_key));
  CORRIDOR_TRY(const Fetched f, fetch(base, ledger.state().size, kept, token));
  CORRIDOR_TRY(const auto r, ledger.extend(f.fresh, f.head, f.proof, evidence));
  return SyncReport{r.appended, ledger.state().size, r.proof_checked};
}

Result<SyncReport> sync_from(Node& node, const std::string& base, std::string* evidence, const std::string& token) {
  std::lock_guard<std::mutex> one_at_a_time(node.sync_mutex());
  // Network traffic outside the ledger's lock; only the check and the append inside it.
  std::uint64_t local = 0;
  std::optional<ledger::TreeHead> kept;
  CORRIDOR_TRY(const HttpResult hr, http_call(base, "GET", "/v1/ledger/head", "", token));
  if (hr.status != 200) return core::Unexpected{remote_error(hr, base)};
  CORRIDOR_TRY(const ledger::TreeHead probe, ledger::parse_head(hr.body, base + "/v1/ledger/head"));
  const auto* sig = ledger::node_signature(probe);
  if (sig == nullptr) return fail(ErrorCode::kCorrupt, base + ": its head is not signed by its node");
  CORRIDOR_CHECK(node.with_ledger([&](rules::Ledger& l) -> Result<void> {
    local = l.state().size;
    CORRIDOR_TRY(kept, l.kept_head(sig->public_key));
    return {};
  }));
  CORRIDOR_TRY(const Fetched f, fetch(base, local, kept, token));
  std::string caught;
  auto synced = node.with_ledger([&](rules::Ledger& l) -> Result<SyncReport> {
    CORRIDOR_TRY(const auto r, l.extend(f.fresh, f.head, f.proof, &caught));
    return SyncReport{r.appended, l.state().size, r.proof_checked};
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
