// corridor::rules — the random inspection draw.
//
// A regime asks that a share of consignments (`random_rate`) be inspected in at least one lane
// (`random_lane`). Drawn from the consignment id, the sender chose the outcome by choosing the id;
// drawn from the declaration's event hash, it would grind the event. Here the draw is made at
// inspection by the checkpoint's operator: an Ed25519 signature with the operator's key over
//
//   SHA-256("corridor inspection draw v1\n" + the declaration event's hash, hex)
//
// carried in the `consignment.inspected` payload as `draw` (128 hex digits). The draw's value is
// the top 53 bits of SHA-256(signature) over 2^53, uniform in [0, 1); the consignment is drawn when
// the value is below the rate, and then the lane recorded must be at least the random lane (and,
// always, at least the lane the regime's rules set at declaration): rule C-DRAW. Anyone can check
// it with the operator's public key. The sender cannot compute it without the operator's key; the
// operator cannot grind an honest signer's deterministic signature, and a dishonest operator who
// grinds signature nonces gains nothing it could not get by recording a false inspection — which
// is why the draw makes the sender's choice irrelevant, not the operator's honesty.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cargo/lifecycle.h"
#include "core/result.h"
#include "ledger/crypto.h"

namespace corridor::rules {

// What a consignment's declaration fixed for its draw.
struct DrawTerms {
  std::string declared_hash;   // the declaration event's hash (hex)
  double rate = 0;             // the share drawn
  std::string rule_lane = "green";  // the lane the regime's rules set at declaration
  std::string draw_lane = "red";    // the least lane of a drawn consignment
};

struct Draw {
  std::string signature;  // hex
  double value = 0;
  bool selected = false;
  std::string required_lane;  // the least lane the inspection may record
};

[[nodiscard]] DrawTerms draw_terms(const cargo::Consignment& c);
[[nodiscard]] ledger::Digest draw_digest(const std::string& declared_hash);
// The operator's draw (what `consign inspect` and a custodial node compute).
[[nodiscard]] Draw make_draw(const DrawTerms& t, const ledger::SecretKey& key);
// A recorded draw, checked against the operator's key (refused: rule C-DRAW).
[[nodiscard]] core::Result<Draw> check_draw(const DrawTerms& t, const ledger::PublicKey& key, const std::string& signature_hex);
// An inspection's payload as its operator sends it: the draw added (unless there is one), and the
// lane, when none was given, the least the draw allows.
void complete_inspection(const DrawTerms& t, const ledger::SecretKey& key, nlohmann::json& payload);
// The terms from a consignment's document (`consign show --json`, GET /v1/consignments/{id}).
[[nodiscard]] DrawTerms draw_terms(const nlohmann::json& document);
// 0 green, 1 yellow, 2 red, -1 otherwise.
[[nodiscard]] int lane_rank(const std::string& lane);

}  // namespace corridor::rules
