#include "api/writes.h"

#include "api/client.h"
#include "core/input.h"
#include "rules/draw.h"

namespace corridor::api {

using core::ErrorCode;
using core::fail;
using core::Result;

bool related(const Principal& who, const cargo::Consignment& c) {
  return who.sees_all() || c.sender == who.party || c.receiver == who.party || c.checkpoint_operator == who.party ||
         c.approvals_required.contains(who.party);
}

Principal member_principal(const rules::State& s, const std::string& party) {
  Principal p;
  p.party = party;
  if (const rules::Member* m = s.member(party); m != nullptr && m->active()) {
    p.role = m->role;
    p.member = true;
  }
  return p;
}

Result<void> check_visible(const rules::State& s, const Principal& who, const std::string& type, const std::string& subject) {
  if (type.rfind("consignment.", 0) != 0) return {};
  const auto it = s.consignments.find(subject);
  const bool seen = it != s.consignments.end() && related(who, it->second);
  if (type == cargo::kDeclared ? (it == s.consignments.end() || seen) : seen) return {};
  return fail(ErrorCode::kNotFound, "no consignment '" + core::printable(subject) + "' that '" + core::printable(who.party) +
                                        "' is a party to");
}

Result<rules::Ledger::Draft> draft_of(const rules::State& s, const Intent& in, const std::string& custody) {
  rules::Ledger::Draft d;
  d.type = in.type;
  d.subject = in.subject;
  d.time = in.time;
  Json payload = in.payload;
  if (in.declaration) {
    auto built = rules::declaration_payload(s, in.declaration->dump(), in.time, "/declaration");
    if (!built) return core::Unexpected{in_member(built.error(), "/declaration", "/declaration: declaration")};
    payload = Json::parse(*built);
  }
  if (!custody.empty()) payload["custody"] = custody;
  d.payload_json = payload.dump();
  return d;
}

Result<ledger::Event> write_as(Api& api, const Request& r, const Intent& in) {
  Node& node = api.node();
  // 404 for what the caller may not see comes before any rule, this node's keys included. (A
  // mirror leaves it to the sequencer, whose state its copy may lag.)
  if (node.upstream().empty()) {
    CORRIDOR_CHECK(node.with_ledger([&](rules::Ledger& l) { return check_visible(l.state(), r.who, in.type, in.subject); }));
  }
  const ledger::Signer* signer = node.custodial(r.who.party);
  if (signer == nullptr) {
    return core::refuse(ErrorCode::kForbidden, "P-KEY",
                        "this node holds no key for '" + r.who.party + "': sign the event with your own key (POST "
                        "/v1/ledger/drafts, then /v1/ledger/events; the CLI's --server URL does both)");
  }
  const std::string custody = ledger::to_hex(node.node_key().public_key);
  if (node.upstream().empty()) {
    return node.with_ledger([&](rules::Ledger& l) -> Result<ledger::Event> {
      CORRIDOR_TRY(auto events, l.append(*signer, [&](const rules::State& s) -> Result<std::vector<rules::Ledger::Draft>> {
        CORRIDOR_CHECK(check_visible(s, r.who, in.type, in.subject));
        CORRIDOR_TRY(auto d, draft_of(s, in, custody));
        if (const auto c = s.consignments.find(in.subject); in.type == cargo::kInspected && c != s.consignments.end()) {
          Json p = Json::parse(d.payload_json);
          rules::complete_inspection(rules::draw_terms(c->second), signer->keys.secret_key, p);
          d.payload_json = p.dump();
        }
        return std::vector<rules::Ledger::Draft>{d};
      }));
      return events.front();
    });
  }
  // A mirror: the sequencer builds and appends it; this node signs it — unless it caught the
  // sequencer rewriting its log, when it forwards nothing more.
  CORRIDOR_CHECK(node.check_not_diverged());
  RemoteDraft d{in.type, in.subject, (in.declaration ? Json::object() : in.payload).dump(), in.time,
                in.declaration ? in.declaration->dump() : std::string()};
  d.custody = custody;
  // The sequencer checks what the party may see, on its own state (this node's copy may lag it).
  auto e = submit(node.upstream(), *signer, d, node.upstream_token());
  if (!e && e.error().code == ErrorCode::kUnavailable) {
    return fail(ErrorCode::kUnavailable, "this node mirrors " + node.upstream() + ", which sequences the ledger, and cannot "
                                         "reach it now: " + e.error().message);
  }
  if (!e) return core::Unexpected{e.error()};
  (void)sync_from(node, node.upstream(), nullptr, node.upstream_token());
  return *e;
}

Json event_json(const ledger::Event& e) { return Json::parse(ledger::to_json_line(e)); }

Result<ledger::Event> event_of(const Json& j, const std::string& pointer) {
  if (!j.is_object()) return bad_value(pointer, "an event is a JSON object");
  auto e = ledger::from_json_line(j.dump(), pointer);
  if (!e) return bad_value(pointer, e.error().message);
  return e;
}

Result<DeclarationBody> declaration_body(const Request& r) {
  CORRIDOR_TRY(const Json j, r.json_body());
  Body b(j);
  CORRIDOR_TRY(const auto decl, b.any("declaration", true));
  CORRIDOR_TRY(const auto at, b.str("at"));
  CORRIDOR_CHECK(b.no_others());
  if (!decl->is_object()) return bad_value("/declaration", "a declaration object (docs/formats.md)");
  if (!decl->contains("id") || !(*decl)["id"].is_string()) {
    return bad_value("/declaration/id", "a declaration's id, a string (docs/formats.md)");
  }
  DeclarationBody out;
  out.declaration = *decl;
  CORRIDOR_TRY(out.at, time_or_now(at, "/at"));
  return out;
}

}  // namespace corridor::api
