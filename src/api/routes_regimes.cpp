// Checkpoint regimes: the checkpoints and what their operators published; one regime's text;
// publishing (the operator); checking a declaration against the regime in force.
#include "api/server.h"
#include "core/input.h"
#include "api/writes.h"
#include "regime/regime.h"

namespace corridor::api {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

Json publication(const rules::Checkpoint& c, const rules::PublishedRegime& p, bool with_text) {
  Json j = {{"checkpoint", c.id}, {"operator", c.operator_party}, {"seq", p.seq}, {"from", core::format_iso8601(p.from)},
            {"sha256", p.sha256}, {"publisher", p.publisher}, {"recorded_after_the_fact", p.late}};
  if (with_text) j["toml"] = p.toml;
  return j;
}

Result<const rules::Checkpoint*> checkpoint_of(const rules::State& s, const std::string& id) {
  const auto it = s.checkpoints.find(id);
  if (it == s.checkpoints.end()) return fail(ErrorCode::kNotFound, "no checkpoint '" + core::printable(id) + "' in this ledger");
  return &it->second;
}

}  // namespace

void add_regime_routes(Api& api) {
  api.add({"GET", "/v1/regimes", "Checkpoints, their operators and every regime published for them", "regimes", Access::kPublic,
           {}, "", {{200, {"application/json", "RegimeList"}}}},
          [&api](Request&) -> Result<Reply> {
            CORRIDOR_TRY(const Json j, api.node().with_ledger([&](rules::Ledger& l) -> Result<Json> {
              Json out = Json::array();
              for (const auto& [id, c] : l.state().checkpoints) {
                Json regimes = Json::array();
                for (const auto& p : c.regimes) regimes.push_back(publication(c, p, false));
                out.push_back({{"checkpoint", id}, {"name", c.name}, {"operator", c.operator_party}, {"regimes", regimes}});
              }
              return out;
            }));
            return Reply::json({{"checkpoints", j}});
          });

  api.add({"GET",
           "/v1/regimes/{checkpoint}",
           "The regime of a checkpoint in force at a time (default now), with its TOML text",
           "regimes",
           Access::kPublic,
           {{"checkpoint", "path", "string", "checkpoint id", true}, {"at", "query", "string", "ISO 8601 time (default now)"}},
           "",
           {{200, {"application/json", "Regime"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const core::UnixSeconds at, time_or_now(r.q("at"), "at"));
            CORRIDOR_TRY(const Json j, api.node().with_ledger([&](rules::Ledger& l) -> Result<Json> {
              CORRIDOR_TRY(const rules::Checkpoint* c, checkpoint_of(l.state(), r.p("checkpoint")));
              const rules::PublishedRegime* p = c->regime_at(at);
              if (p == nullptr) return fail(ErrorCode::kNotFound, "no regime of '" + c->id + "' is in force at " + core::format_iso8601(at));
              return publication(*c, *p, true);
            }));
            return Reply::json(j);
          });

  api.add({"GET",
           "/v1/regimes/{checkpoint}/published/{seq}",
           "One publication of a checkpoint's regime, with its TOML text (what a client checks a decision against)",
           "regimes",
           Access::kPublic,
           {{"checkpoint", "path", "string", "checkpoint id", true}, {"seq", "path", "integer", "the publication's seq", true}},
           "",
           {{200, {"application/json", "Regime"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const Json j, api.node().with_ledger([&](rules::Ledger& l) -> Result<Json> {
              CORRIDOR_TRY(const rules::Checkpoint* c, checkpoint_of(l.state(), r.p("checkpoint")));
              for (const auto& p : c->regimes) {
                if (std::to_string(p.seq) == r.p("seq")) return publication(*c, p, true);
              }
              return fail(ErrorCode::kNotFound, "no regime of '" + c->id + "' was published at seq " + core::printable(r.p("seq")));
            }));
            return Reply::json(j);
          });

  api.add({"POST", "/v1/regimes", "Publish a checkpoint's regime (its operator only)", "regimes", Access::kMember, {},
           "PublishRequest", {{201, {"application/json", "Appended"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const Json j, r.json_body());
            Body b(j);
            CORRIDOR_TRY(const auto toml, b.str("toml", true));
            CORRIDOR_TRY(const auto at, b.str("at"));
            CORRIDOR_CHECK(b.no_others());
            auto parsed = regime::parse_regime(*toml, "/toml");
            if (!parsed) return bad_value("/toml", parsed.error().message);
            Intent in;
            in.type = rules::kRegimePublished;
            in.subject = parsed->checkpoint_id;
            CORRIDOR_TRY(in.time, time_or_now(at, "/at"));
            in.payload = {{"checkpoint", parsed->checkpoint_id}, {"sha256", ledger::to_hex(ledger::sha256(*toml))}, {"toml", *toml}};
            CORRIDOR_TRY(const ledger::Event e, write_as(api, r, in));
            return Reply::json({{"seq", e.seq}, {"hash", e.hash}, {"checkpoint", e.subject}}, 201);
          });

  api.add({"POST", "/v1/checkpoints", "Register a checkpoint and its operator (an admitting party of a governed ledger)",
           "regimes", Access::kMember, {}, "CheckpointRequest", {{201, {"application/json", "Appended"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const Json j, r.json_body());
            Body b(j);
            CORRIDOR_TRY(const auto id, b.str("id", true));
            CORRIDOR_TRY(const auto op, b.str("operator", true));
            CORRIDOR_TRY(const auto name, b.str("name"));
            CORRIDOR_TRY(const auto at, b.str("at"));
            CORRIDOR_CHECK(b.no_others());
            Intent in;
            in.type = rules::kCheckpointRegistered;
            in.subject = *id;
            CORRIDOR_TRY(in.time, time_or_now(at, "/at"));
            in.payload = {{"id", *id}, {"operator", *op}, {"name", name.value_or("")}};
            CORRIDOR_TRY(const ledger::Event e, write_as(api, r, in));
            return Reply::json({{"seq", e.seq}, {"hash", e.hash}, {"checkpoint", e.subject}}, 201);
          });

  api.add({"POST",
           "/v1/regimes/{checkpoint}/check",
           "The decision the regime in force would give a declaration (nothing is recorded)",
           "regimes",
           Access::kPublic,
           {{"checkpoint", "path", "string", "checkpoint id", true}},
           "CheckRequest",
           {{200, {"application/json", "Decision"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const DeclarationBody body, declaration_body(r));
            const core::UnixSeconds t = body.at;
            auto d = regime::parse_declaration(body.declaration.dump(), "/declaration");
            if (!d) return core::Unexpected{in_member(d.error(), "/declaration")};
            if (d->checkpoint != r.p("checkpoint")) return bad_value("/declaration/checkpoint", "is not '" + r.p("checkpoint") + "'");
            CORRIDOR_TRY(const Json out, api.node().with_ledger([&](rules::Ledger& l) -> Result<Json> {
              CORRIDOR_TRY(const rules::Checkpoint* c, checkpoint_of(l.state(), r.p("checkpoint")));
              const rules::PublishedRegime* p = c->regime_at(t);
              if (p == nullptr) return fail(ErrorCode::kNotFound, "no regime of '" + c->id + "' is in force at " + core::format_iso8601(t));
              Json dec = Json::parse(regime::decision_json(regime::evaluate(*p->regime, *d, t)));
              dec["regime"] = {{"seq", p->seq}, {"sha256", p->sha256}};
              dec["consignment"] = d->id;
              dec["checkpoint"] = c->id;
              return dec;
            }));
            return Reply::json(out);
          });
}

}  // namespace corridor::api
