// corridor::rules — the genesis of a governed ledger: its founding parties (name, role, public key),
// its checkpoints with their operator, its settlements, and which parties may admit new members.
//
// The document is written as TOML (docs/formats.md, "Genesis"), turned into canonical JSON, and
// signed by every founding party: each runs `corridor ledger sign-genesis FILE --key K` on its own
// machine, checks the printed digest against the others' out of band, and sends back the one-line
// signature file; whoever initialises the store passes all of them to `corridor ledger init`. The
// genesis event (seq 1) carries the document and every signature; it is signed as an event by the
// founder who initialised the store.
//
// Signed bytes: SHA-256 of "corridor genesis v1\n" followed by the canonical JSON document.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "ledger/crypto.h"

namespace corridor::rules {

struct GenesisParty {
  std::string name, role, display_name;
  ledger::PublicKey public_key{};
};
struct GenesisCheckpoint {
  std::string id, name, operator_party;
};
struct GenesisSettlement {
  std::string id, name;
  std::optional<std::int64_t> population;
  std::vector<std::string> reporters;
};

struct Genesis {
  std::string name;
  core::UnixSeconds created = 0;
  // A ledger that records a past case: events may be dated from this time on, before what the log
  // has reached, and each such event is marked as recorded after the fact. None: no back-dating.
  std::optional<core::UnixSeconds> history_from;
  std::vector<std::string> admit;  // parties that admit members and register checkpoints and settlements
  std::string sequencer;           // the URL of the node that sequences the ledger ("" for none named)
  std::vector<GenesisParty> parties;
  std::vector<GenesisCheckpoint> checkpoints;
  std::vector<GenesisSettlement> settlements;

  [[nodiscard]] const GenesisParty* party(const std::string& name) const;
};

// Reads the TOML file (and the places table it names, relative to it) and checks it.
[[nodiscard]] core::Result<Genesis> read_genesis(const std::string& path);
// The canonical JSON document and its digest (what each founder signs).
[[nodiscard]] std::string genesis_document(const Genesis& g);
[[nodiscard]] ledger::Digest genesis_digest(const Genesis& g);
// Parses and checks a document (from a genesis event's payload); `where` names it in errors.
[[nodiscard]] core::Result<Genesis> parse_genesis_document(const std::string& json_text, const std::string& where);

// One founder's signature, as `corridor ledger sign-genesis` writes it:
// {"party", "genesis_sha256", "signature"}.
struct GenesisSignature {
  std::string party;
  ledger::Digest digest{};
  ledger::Signature signature{};
};
[[nodiscard]] std::string genesis_signature_json(const GenesisSignature& s);
[[nodiscard]] core::Result<GenesisSignature> read_genesis_signature(const std::string& path);

// The genesis event's payload: {"document": ..., "signatures": {party: hex}}. Fails unless every
// founding party's signature is there and verifies.
[[nodiscard]] core::Result<std::string> genesis_payload(const Genesis& g, const std::vector<GenesisSignature>& sigs);

}  // namespace corridor::rules
