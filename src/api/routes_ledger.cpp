// The ledger as a transparency log: head, events (for nodes that sync), proofs, verification; and
// writes by clients that hold their own key: drafts to sign, signed events to append.
#include <charconv>

#include "api/client.h"
#include "api/server.h"
#include "core/input.h"
#include "api/writes.h"
#include "ledger/head.h"

namespace corridor::api {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

Result<std::uint64_t> uint_param(const Request& r, const std::string& name, std::optional<std::uint64_t> fallback) {
  const auto v = r.q(name);
  if (!v) {
    if (fallback) return *fallback;
    return bad_value(name, "missing");
  }
  std::uint64_t out = 0;
  const auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (v->empty() || ec != std::errc() || p != v->data() + v->size()) return bad_value(name, "a whole number, 0 or more");
  return out;
}

Json hashes(const std::vector<ledger::Digest>& v) {
  Json out = Json::array();
  for (const auto& d : v) out.push_back(ledger::to_hex(d));
  return out;
}

// On a mirror, writes go to the sequencer as they are.
Result<Reply> forward(Api& api, const Request& r) {
  CORRIDOR_CHECK(api.node().check_not_diverged());
  // This node authenticated the caller; the sequencer knows this node by its own token.
  auto sent = http_call(api.node().upstream(), r.method, r.path, r.body, api.node().upstream_token());
  if (!sent) {
    return fail(ErrorCode::kUnavailable, "this node mirrors " + api.node().upstream() + ", which sequences the ledger, and "
                                         "cannot reach it now: " + sent.error().message);
  }
  const HttpResult& res = *sent;
  Reply out;
  out.status = res.status;
  out.body = res.body;
  out.content_type = res.content_type.empty() ? "application/json" : res.content_type;
  if (res.status / 100 == 2) (void)sync_from(api.node(), api.node().upstream(), nullptr, api.node().upstream_token());
  return out;
}

// `custody` says a node signed for the party with a key it holds: only a node sets it. This node
// marks its own custodial writes itself (never through these endpoints), and another node — a
// mirror relaying its custodial write — speaks with its sequencer token, whose party sees the whole
// log. A party signing its own event cannot make it read as a node's.
Result<void> custody_claim_allowed(Api& api, const Request& r, const std::string& custody) {
  if (custody == ledger::to_hex(api.node().node_key().public_key)) {
    return core::refuse(ErrorCode::kForbidden, "A-CUSTODY", "custody names this node's own key: only this node marks its custodial writes");
  }
  if (!r.who.sees_all()) {
    return core::refuse(ErrorCode::kForbidden, "A-CUSTODY",
                        "custody is set by the node that holds the party's key, with its own token (a party that sees the whole log)");
  }
  return {};
}

}  // namespace

void add_ledger_routes(Api& api) {
  api.add({"GET", "/v1/ledger/head", "The ledger's tree head (size, root, time), signed by this node", "ledger", Access::kPublic,
           {}, "", {{200, {"application/json", "TreeHead"}}}},
          [&api](Request&) -> Result<Reply> {
            CORRIDOR_TRY(const ledger::TreeHead h, api.node().with_ledger([&](rules::Ledger& l) {
              return l.head(api.node().node_key(), core::now_unix());
            }));
            return Reply::json(Json::parse(ledger::head_json(h)));
          });

  api.add({"GET", "/v1/ledger/evidence",
           "What this mirror caught: its sequencer's two signed heads that contradict each other (404 when none)", "ledger",
           Access::kPublic, {}, "", {{200, {"application/json", "Evidence"}}}},
          [&api](Request&) -> Result<Reply> {
            const auto ev = api.node().divergence();
            if (!ev) return fail(ErrorCode::kNotFound, "this node holds no evidence of a fork or a truncation");
            return Reply::json(Json::parse(*ev, nullptr, false));
          });

  api.add({"GET",
           "/v1/ledger/events",
           "Events after a seq, as JSON lines (what a node syncing from this one reads; monitors, admins, analysts)",
           "ledger",
           Access::kMember,
           {{"after", "query", "integer", "the last seq the caller holds (default 0)"},
            {"until", "query", "integer", "the last seq wanted (default: the last)"},
            {"limit", "query", "integer", "at most this many (default and at most 10,000); X-Next-After says where to go on"},
            {"max_bytes", "query", "integer", "at most about this many bytes (default and at most 8 MiB; always one event)"}},
           "",
           {{200, {"application/x-ndjson", ""}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_CHECK(need_whole_log(r.who, "the event log"));
            CORRIDOR_TRY(const std::uint64_t after, uint_param(r, "after", 0));
            CORRIDOR_TRY(const std::uint64_t until, uint_param(r, "until", UINT64_MAX));
            CORRIDOR_TRY(std::uint64_t limit, uint_param(r, "limit", 10000));
            limit = std::min<std::uint64_t>(std::max<std::uint64_t>(limit, 1), 10000);
            CORRIDOR_TRY(std::uint64_t max_bytes, uint_param(r, "max_bytes", 8u << 20));
            max_bytes = std::min<std::uint64_t>(std::max<std::uint64_t>(max_bytes, 1), 8u << 20);
            std::string body;
            std::uint64_t last = after;
            CORRIDOR_CHECK(api.node().with_ledger([&](rules::Ledger& l) -> Result<void> {
              return l.store().scan(after + 1, [&](const ledger::Event& e) {
                if (e.seq > until || e.seq > after + limit) return false;
                std::string line = ledger::to_json_line(e);
                if (!body.empty() && body.size() + line.size() + 1 > max_bytes) return false;  // the page is full
                body += line;
                body += '\n';
                last = e.seq;
                return true;
              });
            }));
            Reply out;
            out.content_type = "application/x-ndjson";
            out.body = std::move(body);
            out.headers.emplace_back("X-Next-After", std::to_string(last));
            return out;
          });

  api.add({"GET",
           "/v1/ledger/proof/inclusion",
           "An inclusion proof (RFC 9162) of one event in the tree of a size",
           "ledger",
           Access::kPublic,
           {{"seq", "query", "integer", "the event", true}, {"size", "query", "integer", "the tree's size (default: all)"}},
           "",
           {{200, {"application/json", "InclusionProof"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const std::uint64_t seq, uint_param(r, "seq", std::nullopt));
            return api.node().with_ledger([&](rules::Ledger& l) -> Result<Reply> {
              CORRIDOR_TRY(const std::uint64_t size, uint_param(r, "size", l.state().size));
              CORRIDOR_TRY(const auto path, l.inclusion_proof(seq, size));
              CORRIDOR_TRY(const auto root, l.root_at(size));
              ledger::Event event;
              CORRIDOR_CHECK(l.store().scan(seq, [&](const ledger::Event& e) {
                event = e;
                return false;
              }));
              return Reply::json({{"corridor_proof", "inclusion"},
                                  {"log", l.state().log_id},
                                  {"seq", seq},
                                  {"leaf_index", seq - 1},
                                  {"tree_size", size},
                                  {"event_hash", event.hash},
                                  {"leaf_hash", ledger::to_hex(*store::leaf_of(event))},
                                  {"root", ledger::to_hex(root)},
                                  {"path", hashes(path)}});
            });
          });

  api.add({"GET",
           "/v1/ledger/proof/consistency",
           "A consistency proof (RFC 9162) that the tree of one size is a prefix of a larger one",
           "ledger",
           Access::kPublic,
           {{"from", "query", "integer", "the smaller size", true}, {"to", "query", "integer", "the larger size (default: all)"}},
           "",
           {{200, {"application/json", "ConsistencyProof"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const std::uint64_t from, uint_param(r, "from", std::nullopt));
            return api.node().with_ledger([&](rules::Ledger& l) -> Result<Reply> {
              CORRIDOR_TRY(const std::uint64_t to, uint_param(r, "to", l.state().size));
              CORRIDOR_TRY(const auto path, l.consistency_proof(from, to));
              CORRIDOR_TRY(const auto r1, l.root_at(from));
              CORRIDOR_TRY(const auto r2, l.root_at(to));
              return Reply::json({{"corridor_proof", "consistency"},
                                  {"log", l.state().log_id},
                                  {"first", from},
                                  {"second", to},
                                  {"first_root", ledger::to_hex(r1)},
                                  {"second_root", ledger::to_hex(r2)},
                                  {"path", hashes(path)}});
            });
          });

  api.add({"GET", "/v1/ledger/verify", "The ledger's mode, size, root and every event that breaks a rule", "ledger",
           Access::kMember, {}, "", {{200, {"application/json", "LedgerState"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_CHECK(need_whole_log(r.who, "the log's violations"));
            return api.node().with_ledger([&](rules::Ledger& l) -> Result<Reply> {
              const rules::State& s = l.state();
              Json violations = Json::array();
              for (const auto& v : s.violations) {
                violations.push_back({{"seq", v.seq}, {"rule", v.rule}, {"type", v.type}, {"actor", v.actor},
                                      {"subject", v.subject}, {"message", v.message}});
              }
              return Reply::json({{"mode", rules::mode_name(s.mode)},
                                  {"ledger", s.name},
                                  {"log", s.log_id},
                                  {"events", s.size},
                                  {"root", ledger::to_hex(s.tree.root())},
                                  {"time", rules::time_document(s)},
                                  {"violations", violations}});
            });
          });

  api.add({"POST", "/v1/ledger/drafts",
           "The next event for a party, checked against every rule but unsigned: sign its hash, then POST /v1/ledger/events",
           "ledger", Access::kMember, {}, "DraftRequest", {{200, {"application/json", "Draft"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const Json j, r.json_body());
            Body b(j);
            CORRIDOR_TRY(const auto actor, b.str("actor", true));
            // A draft is checked against every rule, and a refusal would tell about objects the
            // caller may not see: a token speaks for its own party (one that sees the whole log, as
            // a mirror's does, may ask for any).
            if (*actor != r.who.party && !r.who.sees_all()) {
              return core::refuse(ErrorCode::kForbidden, "A-ACTOR", "a draft is for the token's own party ('" + r.who.party +
                                                                        "'), not '" + core::printable(*actor) + "'");
            }
            CORRIDOR_TRY(const auto type, b.str("type", true));
            CORRIDOR_TRY(const auto subject, b.str("subject", true));
            CORRIDOR_TRY(const auto time, b.str("time"));
            CORRIDOR_TRY(const auto payload, b.any("payload"));
            CORRIDOR_TRY(const auto declaration, b.any("declaration"));
            CORRIDOR_TRY(const auto custody, b.str("custody"));
            CORRIDOR_CHECK(b.no_others());
            if (custody) CORRIDOR_CHECK(custody_claim_allowed(api, r, *custody));
            if (!api.node().upstream().empty()) return forward(api, r);
            Intent in;
            in.type = *type;
            in.subject = *subject;
            CORRIDOR_TRY(in.time, time_or_now(time, "/time"));
            if (payload) {
              if (!payload->is_object()) return bad_value("/payload", "a JSON object");
              if (payload->contains("custody")) return bad_value("/payload/custody", "custody is the request's own member, set by a node");
              in.payload = *payload;
            }
            if (declaration) {
              if (!declaration->is_object()) return bad_value("/declaration", "a declaration object");
              in.declaration = *declaration;
            }
            CORRIDOR_TRY(const ledger::Event e, api.node().with_ledger([&](rules::Ledger& l) -> Result<ledger::Event> {
              CORRIDOR_CHECK(check_visible(l.state(), member_principal(l.state(), *actor), in.type, in.subject));
              CORRIDOR_TRY(const rules::Ledger::Draft d, draft_of(l.state(), in, custody.value_or("")));
              return l.prepare(*actor, d);
            }));
            Json out = event_json(e);
            out.erase("signature");
            return Reply::json({{"event", out}, {"sign", e.hash}});
          });

  api.add({"POST", "/v1/ledger/events", "Append an event signed by its actor (the signature authenticates it)", "ledger",
           Access::kPublic, {}, "SignedEvent", {{201, {"application/json", "Appended"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const Json j, r.json_body());
            CORRIDOR_TRY(const ledger::Event e, event_of(j.contains("event") ? j["event"] : j, j.contains("event") ? "/event" : ""));
            if (const auto p = Json::parse(e.payload, nullptr, false); p.is_object() && p.contains("custody")) {
              CORRIDOR_CHECK(custody_claim_allowed(api, r, p["custody"].is_string() ? p["custody"].get<std::string>() : ""));
            }
            if (!api.node().upstream().empty()) return forward(api, r);
            auto appended = api.node().with_ledger([&](rules::Ledger& l) -> Result<ledger::Event> {
              // Authenticated first (its hash and its actor's signature), so that an anonymous
              // caller learns nothing from what comes after; then its actor may see only its own
              // consignments: 404 before any rule, as for a member's write.
              if (const rules::Member* m = l.state().member(e.actor); m != nullptr) {
                ledger::Event fields = e;
                ledger::set_hash(fields);
                const auto digest = ledger::from_hex<32>(e.hash, "hash");
                const auto sig = ledger::from_hex<64>(e.signature, "signature");
                if (fields.hash != e.hash || !digest || !sig || !ledger::verify(m->key, *digest, *sig)) {
                  return fail(ErrorCode::kCorrupt, "seq " + std::to_string(e.seq) + ": the signature is not " + e.actor +
                                                       "'s over this event");
                }
                CORRIDOR_CHECK(check_visible(l.state(), member_principal(l.state(), e.actor), e.type, e.subject));
              }
              return l.append_signed(e);
            });
            if (!appended && appended.error().code == ErrorCode::kCorrupt) {
              // Not what its actor signed (or no actor this ledger has a key for): unauthenticated.
              return fail(ErrorCode::kUnauthorized, "the event is not authenticated: " + appended.error().message);
            }
            if (!appended) return core::Unexpected{appended.error()};
            return Reply::json({{"seq", appended->seq}, {"hash", appended->hash}}, 201);
          });
}

}  // namespace corridor::api
