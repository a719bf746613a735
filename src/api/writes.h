// corridor::api — the one path every write endpoint takes. A write is an Intent (what the party
// wants recorded); this node turns it into an event under the rule engine and signs it with the key
// it holds for the party (a custodial key, for web users: the event says so in its payload's
// "custody"), or — on a mirror — asks the sequencer for the event, checks it, signs it and sends it
// there. Clients that hold their own key skip all of this: POST /v1/ledger/drafts, sign, POST
// /v1/ledger/events.
#pragma once

#include <optional>
#include <string>

#include "api/http.h"
#include "api/server.h"
#include "ledger/event.h"
#include "rules/ledger.h"

namespace corridor::api {

struct Intent {
  std::string type, subject;
  core::UnixSeconds time = 0;
  Json payload = Json::object();
  std::optional<Json> declaration;  // for consignment.declared: the payload is built from it
};

// The draft for an intent against the current state: a declaration's payload built under the
// regime in force; `custody` added when not empty.
[[nodiscard]] core::Result<rules::Ledger::Draft> draft_of(const rules::State& s, const Intent& in, const std::string& custody);

// Whether `who` may see the consignment a write of `type` on `subject` is about: a step on a
// consignment it is not a party to (or that does not exist), or a declaration reusing an id it
// cannot see, is 404 — decided before any rule is checked, so that a refusal never tells whether
// another party's consignment exists, its state or its quantities. Writes that are not about a
// consignment pass.
[[nodiscard]] core::Result<void> check_visible(const rules::State& s, const Principal& who, const std::string& type,
                                               const std::string& subject);
// The principal a ledger member acts as (for a signed event, its actor).
[[nodiscard]] Principal member_principal(const rules::State& s, const std::string& party);
[[nodiscard]] bool related(const Principal& who, const cargo::Consignment& c);

// Appends the intent as the requesting party. 403 when this node holds no key for it.
[[nodiscard]] core::Result<ledger::Event> write_as(Api& api, const Request& r, const Intent& in);

// An event as JSON (the export line's object).
[[nodiscard]] Json event_json(const ledger::Event& e);
[[nodiscard]] core::Result<ledger::Event> event_of(const Json& j, const std::string& pointer);

// The body of a declaration or of a check of one: {"declaration": {...with its id...}, "at"?}.
struct DeclarationBody {
  Json declaration;
  core::UnixSeconds at = 0;  // "at", else now
};
[[nodiscard]] core::Result<DeclarationBody> declaration_body(const Request& r);

}  // namespace corridor::api
