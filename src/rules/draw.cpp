#include "rules/draw.h"

#include <algorithm>

namespace corridor::rules {

namespace {

Draw decide(const DrawTerms& t, const ledger::Signature& sig) {
  Draw d;
  d.signature = ledger::to_hex(sig);
  const ledger::Digest h = ledger::sha256(std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()));
  std::uint64_t top = 0;
  for (int i = 0; i < 8; ++i) top = (top << 8) | h[static_cast<std::size_t>(i)];
  d.value = static_cast<double>(top >> 11) / 9007199254740992.0;  // 2^53
  d.selected = d.value < t.rate;
  d.required_lane = t.rule_lane;
  if (d.selected && lane_rank(t.draw_lane) > lane_rank(d.required_lane)) d.required_lane = t.draw_lane;
  return d;
}

}  // namespace

int lane_rank(const std::string& lane) {
  if (lane == "green") return 0;
  if (lane == "yellow") return 1;
  if (lane == "red") return 2;
  return -1;
}

DrawTerms draw_terms(const cargo::Consignment& c) {
  return {c.declared_hash, c.draw_rate, c.rule_lane.empty() ? "green" : c.rule_lane, c.draw_lane.empty() ? "red" : c.draw_lane};
}

DrawTerms draw_terms(const nlohmann::json& doc) {
  DrawTerms t;
  if (!doc.is_object()) return t;
  t.declared_hash = doc.value("declared_hash", std::string());
  if (doc.contains("inspection_draw") && doc["inspection_draw"].is_object()) {
    const auto& d = doc["inspection_draw"];
    if (d.contains("rate") && d["rate"].is_number()) t.rate = d["rate"].get<double>();
    t.rule_lane = d.value("rule_lane", std::string());
    t.draw_lane = d.value("draw_lane", std::string());
  }
  if (t.rule_lane.empty()) t.rule_lane = "green";
  if (t.draw_lane.empty()) t.draw_lane = "red";
  return t;
}

void complete_inspection(const DrawTerms& t, const ledger::SecretKey& key, nlohmann::json& payload) {
  if (payload.contains("draw")) return;
  const Draw d = make_draw(t, key);
  payload["draw"] = d.signature;
  if (!payload.contains("lane")) payload["lane"] = d.required_lane;
}

ledger::Digest draw_digest(const std::string& declared_hash) {
  return ledger::sha256("corridor inspection draw v1\n" + declared_hash);
}

Draw make_draw(const DrawTerms& t, const ledger::SecretKey& key) {
  return decide(t, ledger::sign(key, draw_digest(t.declared_hash)));
}

core::Result<Draw> check_draw(const DrawTerms& t, const ledger::PublicKey& key, const std::string& signature_hex) {
  const auto bad = [](const std::string& why) { return core::refuse(core::ErrorCode::kInvalidArgument, "C-DRAW", why); };
  auto sig = ledger::from_hex<64>(signature_hex, "draw");
  if (!sig) return bad("/draw: the operator's signature over the declaration's event (128 hex digits)");
  if (!ledger::verify(key, draw_digest(t.declared_hash), *sig)) {
    return bad("/draw: not the operator's signature over the declaration's event " + t.declared_hash.substr(0, 16) + "...");
  }
  return decide(t, *sig);
}

}  // namespace corridor::rules
