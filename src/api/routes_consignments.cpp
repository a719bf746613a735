// Consignments: list, show, history with proofs, statistics; declare and every transition.
//
// Object-level checks (OWASP API1): a member sees the consignments it is a party to — as sender,
// receiver, the checkpoint's operator or an approving party — and monitors, admins and analysts see
// all; a write on someone else's consignment is refused by the rule engine (403 with its rule).
#include "api/server.h"
#include "core/input.h"
#include "api/writes.h"
#include "query/query.h"
#include "rules/projection.h"
#include "rules/reports.h"

namespace corridor::api {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

// The consignment, if the caller may see it: 404 otherwise (not 403: whether it exists is not
// the caller's business either).
Result<const cargo::Consignment*> visible(const rules::State& s, const Request& r) {
  const auto it = s.consignments.find(r.p("id"));
  if (it == s.consignments.end() || !related(r.who, it->second)) {
    return fail(ErrorCode::kNotFound, "no consignment '" + core::printable(r.p("id")) + "' that '" + r.who.party + "' is a party to");
  }
  return &it->second;
}

struct StepDef {
  const char* name;
  const char* type;
  const char* summary;
};
const std::vector<StepDef>& steps() {
  static const std::vector<StepDef> s{
      {"notify", cargo::kNotified, "The sender notifies the checkpoint"},
      {"approve", cargo::kApproved, "An approving party approves"},
      {"reject", cargo::kRejected, "An approving party or the operator rejects (reason)"},
      {"arrive", cargo::kArrived, "The sender or the operator records arrival at the checkpoint"},
      {"inspect", cargo::kInspected, "The operator records the inspection (lane, findings)"},
      {"hold", cargo::kHeld, "The operator holds it (reason)"},
      {"clear", cargo::kCleared, "The operator clears it"},
      {"turn-back", cargo::kTurnedBack, "The operator turns it back, whole or some items (reason)"},
      {"cross", cargo::kCrossed, "The operator records the crossing"},
      {"deliver", cargo::kDelivered, "The named receiver confirms delivery (received per item)"},
      {"override", cargo::kOverridden, "The operator overrides its regime's reject (reason)"}};
  return s;
}

Json written(const rules::State& s, const ledger::Event& e) {
  const auto it = s.consignments.find(e.subject);
  // A mirror may not have the event back from its sequencer yet.
  Json j = it == s.consignments.end() ? Json{{"id", e.subject}} : Json::parse(rules::consignment_document(it->second));
  j["seq"] = e.seq;
  j["hash"] = e.hash;
  if (e.type == cargo::kDeclared) j["decision"] = Json::parse(e.payload)["decision"];
  return j;
}

}  // namespace

void add_consignment_routes(Api& api) {
  api.add({"GET",
           "/v1/consignments",
           "The consignments the caller is a party to (all, for monitors, admins and analysts)",
           "consignments",
           Access::kMember,
           {{"state", "query", "string", "only those in this state"}, {"format", "query", "string", "json or csv"}},
           "",
           {{200, {"application/json", "ConsignmentList"}}}},
          [&api](Request& r) -> Result<Reply> {
            const auto state = r.q("state");
            CORRIDOR_TRY(const Json list, api.node().with_ledger([&](rules::Ledger& l) -> Result<Json> {
              Json out = Json::array();
              for (const auto& [id, c] : l.state().consignments) {
                if (!related(r.who, c) || (state && *state != cargo::state_name(c.state))) continue;
                out.push_back({{"id", id}, {"state", cargo::state_name(c.state)}, {"sender", c.sender}, {"receiver", c.receiver},
                               {"checkpoint", c.checkpoint}, {"destination", c.destination}, {"verdict", c.verdict}});
              }
              return out;
            }));
            if (r.format() == "csv") {
              return Reply::csv(query::csv({{"id", "id", "#item+consignment+code"},
                                            {"state", "state", "#status"},
                                            {"sender", "sender", "#org+sender"},
                                            {"receiver", "receiver", "#org+receiver"},
                                            {"checkpoint", "checkpoint", "#loc+checkpoint+code"},
                                            {"destination", "destination", "#loc+destination+code"},
                                            {"verdict", "verdict", "#status+regime"}},
                                           list));
            }
            return Reply::json({{"consignments", list}});
          });

  api.add({"GET", "/v1/consignments/stats",
           "Dwell times, regime decisions, rules cited, tonnes and trucks per day (queues by id for members)", "consignments",
           Access::kPublic, {}, "", {{200, {"application/json", "Stats"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const Json j, api.node().with_ledger([&](rules::Ledger& l) -> Result<Json> {
              return rules::stats_document(l.state(), r.who.sees_all());
            }));
            return Reply::json(j);
          });

  api.add({"GET", "/v1/consignments/{id}", "One consignment's state and document", "consignments", Access::kMember,
           {{"id", "path", "string", "consignment id", true}}, "", {{200, {"application/json", "Consignment"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const Json j, api.node().with_ledger([&](rules::Ledger& l) -> Result<Json> {
              CORRIDOR_TRY(const cargo::Consignment* c, visible(l.state(), r));
              return Json::parse(rules::consignment_document(*c));
            }));
            return Reply::json(j);
          });

  api.add({"GET", "/v1/consignments/{id}/history",
           "Every signed event of one consignment with its inclusion proof against the current signed head", "consignments",
           Access::kMember, {{"id", "path", "string", "consignment id", true}}, "", {{200, {"application/json", "History"}}}},
          [&api](Request& r) -> Result<Reply> {
            return api.node().with_ledger([&](rules::Ledger& l) -> Result<Reply> {
              CORRIDOR_CHECK(visible(l.state(), r));
              CORRIDOR_TRY(const ledger::TreeHead head, l.head(api.node().node_key(), core::now_unix()));
              std::vector<ledger::Event> mine;
              CORRIDOR_CHECK(l.store().scan(1, [&](const ledger::Event& e) {
                if (e.subject == r.p("id") && e.type.rfind("consignment.", 0) == 0) mine.push_back(e);
                return true;
              }));
              Json events = Json::array();
              for (const auto& e : mine) {
                CORRIDOR_TRY(const auto path, l.inclusion_proof(e.seq, head.size));
                Json p = Json::array();
                for (const auto& d : path) p.push_back(ledger::to_hex(d));
                Json ev = event_json(e);
                // The exact bytes the hash covers, so that a browser can check the hash without
                // re-implementing canonical JSON (it checks that they say what the fields say).
                ev["canonical"] = ledger::canonical_bytes(e);
                ev["inclusion"] = {{"leaf_index", e.seq - 1}, {"tree_size", head.size}, {"path", p}};
                const rules::Member* m = l.state().member(e.actor);
                ev["actor_public_key"] = m != nullptr ? Json(ledger::to_hex(m->key)) : Json(nullptr);
                ev["recorded_after_the_fact"] = l.state().recorded_late(e.seq);
                events.push_back(ev);
              }
              return Reply::json({{"id", r.p("id")}, {"head", Json::parse(ledger::head_json(head))}, {"events", events}});
            });
          });

  api.add({"POST",
           "/v1/consignments",
           "Declare a consignment: decided under the regime its checkpoint's operator published",
           "consignments",
           Access::kMember,
           {},
           "DeclareRequest",
           {{201, {"application/json", "Consignment"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(DeclarationBody body, declaration_body(r));
            Intent in;
            in.type = cargo::kDeclared;
            in.subject = body.declaration["id"].get<std::string>();
            in.time = body.at;
            in.declaration = std::move(body.declaration);
            CORRIDOR_TRY(const ledger::Event e, write_as(api, r, in));
            CORRIDOR_TRY(const Json out, api.node().with_ledger([&](rules::Ledger& l) -> Result<Json> { return written(l.state(), e); }));
            return Reply::json(out, 201);
          });

  for (const auto& step : steps()) {
    const std::string type = step.type;
    api.add({"POST",
             std::string("/v1/consignments/{id}/") + step.name,
             step.summary,
             "consignments",
             Access::kMember,
             {{"id", "path", "string", "consignment id", true}},
             "StepRequest",
             {{200, {"application/json", "Consignment"}}}},
            [&api, type](Request& r) -> Result<Reply> {
              Json j = Json::object();
              if (!r.body.empty()) {
                CORRIDOR_TRY(j, r.json_body());
              }
              Body b(j);
              Intent in;
              in.type = type;
              in.subject = r.p("id");
              for (const char* key : {"reason", "lane", "findings"}) {
                CORRIDOR_TRY(const auto v, b.str(key));
                if (v) in.payload[key] = *v;
              }
              for (const char* key : {"items", "received"}) {
                CORRIDOR_TRY(const auto v, b.any(key));
                if (v) {
                  if (!v->is_array()) return bad_value(b.at(key), "an array");
                  in.payload[key] = *v;
                }
              }
              CORRIDOR_TRY(const auto whole, b.boolean("whole"));
              if (whole && *whole) in.payload["whole"] = true;
              CORRIDOR_TRY(const auto at, b.str("at"));
              CORRIDOR_CHECK(b.no_others());
              CORRIDOR_TRY(in.time, time_or_now(at, "/at"));
              CORRIDOR_TRY(const ledger::Event e, write_as(api, r, in));
              CORRIDOR_TRY(const Json out, api.node().with_ledger([&](rules::Ledger& l) -> Result<Json> { return written(l.state(), e); }));
              return Reply::json(out);
            });
  }
}

}  // namespace corridor::api
