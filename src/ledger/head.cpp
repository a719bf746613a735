#include "ledger/head.h"

#include <algorithm>
#include <bit>
#include <nlohmann/json.hpp>

#include "core/input.h"
#include "core/json_text.h"
#include "ledger/merkle.h"

namespace corridor::ledger {

using core::ErrorCode;
using core::fail;
using core::Result;
using nlohmann::json;

Digest head_digest(const TreeHead& h) {
  return sha256("corridor tree head v1\n" + h.log + "\n" + std::to_string(h.size) + "\n" + to_hex(h.root) + "\n" +
                std::to_string(h.time));
}

void sign_head(TreeHead& h, const std::string& by, const KeyPair& keys) {
  const Signature s = sign(keys.secret_key, head_digest(h));
  for (auto& sig : h.signatures) {
    if (sig.by == by) {
      sig = {by, keys.public_key, s};
      return;
    }
  }
  h.signatures.push_back({by, keys.public_key, s});
}

const HeadSignature* node_signature(const TreeHead& h) {
  for (const auto& s : h.signatures) {
    if (s.by == "node") return &s;
  }
  return nullptr;
}

Result<void> check_head(const TreeHead& h, const std::string& where) {
  if (h.log.size() != 64) return fail(ErrorCode::kParse, where + ": /log: not 64 hex digits");
  auto f = merkle::Frontier::from_hashes(h.size, h.frontier);
  if (!f) return fail(ErrorCode::kParse, where + ": /frontier: " + f.error().message);
  if (f->root() != h.root) return fail(ErrorCode::kCorrupt, where + ": the frontier does not fold to the root");
  const Digest d = head_digest(h);
  for (const auto& s : h.signatures) {
    if (!verify(s.public_key, d, s.signature)) {
      return fail(ErrorCode::kCorrupt, where + ": the signature by '" + core::printable(s.by) + "' does not verify");
    }
  }
  return {};
}

std::string head_json(const TreeHead& h) {
  json frontier = json::array();
  for (const auto& d : h.frontier) frontier.push_back(to_hex(d));
  json sigs = json::array();
  for (const auto& s : h.signatures) {
    sigs.push_back({{"by", s.by}, {"public_key", to_hex(s.public_key)}, {"signature", to_hex(s.signature)}});
  }
  return json{{"corridor_tree_head", 1},  {"log", h.log},           {"size", h.size}, {"root", to_hex(h.root)},
              {"time", core::format_iso8601(h.time)}, {"frontier", frontier}, {"signatures", sigs}}
      .dump();
}

Result<TreeHead> parse_head(const std::string& text, const std::string& where) {
  CORRIDOR_TRY(json j, core::parse_json_text(text, where));
  // An export's last line wraps the head as {"head": {...}}.
  if (j.is_object() && j.size() == 1 && j.contains("head")) j = j["head"];
  const auto need = [&](const char* key, bool (json::*is)() const noexcept) -> Result<const json*> {
    if (!j.is_object() || !j.contains(key) || !(j[key].*is)()) {
      return fail(ErrorCode::kParse, where + ": /" + key + ": missing or of the wrong type (a tree head has "
                                                          "corridor_tree_head, log, size, root, time, frontier, signatures)");
    }
    return &j[key];
  };
  CORRIDOR_TRY(const json* version, need("corridor_tree_head", &json::is_number_unsigned));
  if (version->get<std::uint64_t>() != 1) return fail(ErrorCode::kVersion, where + ": tree head format " + version->dump() + " is not 1");
  TreeHead h;
  CORRIDOR_TRY(const json* log, need("log", &json::is_string));
  h.log = log->get<std::string>();
  CORRIDOR_CHECK(from_hex<32>(h.log, where + ": /log"));
  CORRIDOR_TRY(const json* size, need("size", &json::is_number_unsigned));
  h.size = size->get<std::uint64_t>();
  CORRIDOR_TRY(const json* root, need("root", &json::is_string));
  CORRIDOR_TRY(h.root, from_hex<32>(root->get<std::string>(), where + ": /root"));
  CORRIDOR_TRY(const json* time, need("time", &json::is_string));
  CORRIDOR_TRY(h.time, core::parse_iso8601(time->get<std::string>(), where + ": /time"));
  CORRIDOR_TRY(const json* frontier, need("frontier", &json::is_array));
  for (std::size_t i = 0; i < frontier->size(); ++i) {
    const json& v = (*frontier)[i];
    if (!v.is_string()) return fail(ErrorCode::kParse, where + ": /frontier/" + std::to_string(i) + ": not a string");
    CORRIDOR_TRY(Digest d, from_hex<32>(v.get<std::string>(), where + ": /frontier/" + std::to_string(i)));
    h.frontier.push_back(d);
  }
  CORRIDOR_TRY(const json* sigs, need("signatures", &json::is_array));
  for (std::size_t i = 0; i < sigs->size(); ++i) {
    const json& s = (*sigs)[i];
    const std::string at = where + ": /signatures/" + std::to_string(i);
    if (!s.is_object() || !s.contains("by") || !s["by"].is_string() || !s.contains("public_key") ||
        !s["public_key"].is_string() || !s.contains("signature") || !s["signature"].is_string()) {
      return fail(ErrorCode::kParse, at + ": a signature is {\"by\", \"public_key\", \"signature\"}");
    }
    HeadSignature hs;
    hs.by = s["by"].get<std::string>();
    CORRIDOR_TRY(hs.public_key, from_hex<32>(s["public_key"].get<std::string>(), at + "/public_key"));
    CORRIDOR_TRY(hs.signature, from_hex<64>(s["signature"].get<std::string>(), at + "/signature"));
    h.signatures.push_back(hs);
  }
  CORRIDOR_CHECK(check_head(h, where));
  return h;
}

Result<TreeHead> read_head(const std::string& path) {
  CORRIDOR_TRY(const std::string text, core::read_file_limited(path, "tree head", core::kMaxDocumentBytes));
  return parse_head(text, path);
}

}  // namespace corridor::ledger
