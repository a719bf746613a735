// Members of the ledger; admitting new ones (an admitting party of a governed ledger).
#include "api/server.h"
#include "core/input.h"
#include "api/writes.h"

namespace corridor::api {

using core::Result;

void add_party_routes(Api& api) {
  api.add({"GET", "/v1/me", "Who the bearer token speaks for: its party, role, and whether this node signs for it (custodial)",
           "parties", Access::kMember, {}, "", {{200, {"application/json", "Me"}}}},
          [&api](Request& r) -> Result<Reply> {
            return Reply::json({{"party", r.who.party},
                                {"role", r.who.role},
                                {"sees_all", r.who.sees_all()},
                                {"custodial", api.node().custodial(r.who.party) != nullptr}});
          });

  api.add({"GET", "/v1/parties", "The ledger's members, their roles, keys and revocations", "parties", Access::kMember, {}, "",
           {{200, {"application/json", "PartyList"}}}},
          [&api](Request&) -> Result<Reply> {
            CORRIDOR_TRY(const Json j, api.node().with_ledger([&](rules::Ledger& l) -> Result<Json> {
              Json out = Json::array();
              for (const auto& [name, m] : l.state().members) {
                Json p = {{"party", name}, {"role", m.role}, {"display_name", m.display_name},
                          {"public_key", ledger::to_hex(m.key)}, {"since_seq", m.since}, {"active", m.active()}};
                if (!m.admitted_by.empty()) p["admitted_by"] = m.admitted_by;
                if (m.revoked_at) p["revoked_at_seq"] = *m.revoked_at;
                out.push_back(p);
              }
              return Json{{"mode", rules::mode_name(l.state().mode)}, {"parties", out}};
            }));
            return Reply::json(j);
          });

  api.add({"POST", "/v1/parties", "Admit a party to a governed ledger (an admitting party)", "parties", Access::kMember, {},
           "AdmitRequest", {{201, {"application/json", "Appended"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const Json j, r.json_body());
            Body b(j);
            CORRIDOR_TRY(const auto name, b.str("name", true));
            CORRIDOR_TRY(const auto role, b.str("role", true));
            CORRIDOR_TRY(const auto key, b.str("public_key", true));
            CORRIDOR_TRY(const auto display, b.str("display_name"));
            CORRIDOR_TRY(const auto at, b.str("at"));
            CORRIDOR_CHECK(b.no_others());
            Intent in;
            in.type = rules::kPartyAdmitted;
            in.subject = *name;
            CORRIDOR_TRY(in.time, time_or_now(at, "/at"));
            in.payload = {{"name", *name}, {"role", *role}, {"public_key", *key}};
            if (display) in.payload["display_name"] = *display;
            CORRIDOR_TRY(const ledger::Event e, write_as(api, r, in));
            return Reply::json({{"seq", e.seq}, {"hash", e.hash}, {"party", *name}}, 201);
          });

  // A key rotation is signed by the new key too, so it is never made with a custodial key: the party
  // signs it itself (corridor party rotate --server URL, through /v1/ledger/drafts and /v1/ledger/events).
  api.add({"POST", "/v1/parties/{name}/revoke",
           "Revoke a party: itself, or an admitting party of a governed ledger (rule P-REVOKE)", "parties", Access::kMember,
           {{"name", "path", "string", "the party revoked", true}}, "RevokeRequest", {{201, {"application/json", "Appended"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const Json j, r.json_body());
            Body b(j);
            CORRIDOR_TRY(const auto reason, b.str("reason", true));
            CORRIDOR_TRY(const auto at, b.str("at"));
            CORRIDOR_CHECK(b.no_others());
            Intent in;
            in.type = rules::kPartyRevoked;
            in.subject = r.p("name");
            CORRIDOR_TRY(in.time, time_or_now(at, "/at"));
            in.payload = {{"reason", *reason}};
            CORRIDOR_TRY(const ledger::Event e, write_as(api, r, in));
            return Reply::json({{"seq", e.seq}, {"hash", e.hash}, {"party", in.subject}}, 201);
          });
}

}  // namespace corridor::api
