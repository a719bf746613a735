#include "rules/genesis.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/input.h"
#include "core/json_text.h"
#include "core/toml_fields.h"
#include "ledger/event.h"
#include "supply/supply.h"

namespace corridor::rules {

using core::ErrorCode;
using core::fail;
using core::Result;
using nlohmann::json;

const GenesisParty* Genesis::party(const std::string& n) const {
  for (const auto& p : parties) {
    if (p.name == n) return &p;
  }
  return nullptr;
}

namespace {

bool has_role(const std::vector<std::string>& roles, const std::string& r) {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

// Everything a genesis must satisfy, whether it came from TOML or from a stored event.
Result<void> check(const Genesis& g, const std::string& where) {
  const auto bad = [&](const std::string& why) { return fail(ErrorCode::kParse, where + ": " + why); };
  if (g.name.empty()) return bad("the ledger needs a name");
  if (auto p = core::display_text_problem(g.name); !p.empty()) return bad("the ledger's name: " + p);
  if (g.parties.empty()) return bad("a genesis names its founding parties");
  for (const auto t : {std::optional<core::UnixSeconds>(g.created), g.history_from}) {
    if (t && (*t < -62135596800 || *t > 253402300799)) return bad("created and history_from are in the years 0001 to 9999");
  }
  if (g.history_from && *g.history_from > g.created) {
    return bad("history_from (" + core::format_iso8601(*g.history_from) + ") is after created (" +
               core::format_iso8601(g.created) + "): it is where the past the ledger records begins");
  }
  if (!g.sequencer.empty() && g.sequencer.rfind("http://", 0) != 0 && g.sequencer.rfind("https://", 0) != 0) {
    return bad("sequencer '" + core::printable(g.sequencer) + "' is not an http:// or https:// URL");
  }
  std::set<std::string> names;
  for (const auto& p : g.parties) {
    if (!core::valid_party_name(p.name)) {
      return bad("party name '" + core::printable(p.name) + "': use 1-64 characters of a-z, 0-9, '.', '_', '-'");
    }
    if (!names.insert(p.name).second) return bad("party '" + p.name + "' is listed twice");
    if (!has_role(ledger::kRoles, p.role)) return bad("party '" + p.name + "': unknown role '" + core::printable(p.role) + "'");
    if (auto why = core::display_text_problem(p.display_name); !why.empty()) {
      return bad("party '" + p.name + "': display name: " + why);
    }
  }
  for (const auto& a : g.admit) {
    if (!names.contains(a)) return bad("admit: '" + core::printable(a) + "' is not a founding party");
  }
  std::set<std::string> ids;
  for (const auto& c : g.checkpoints) {
    if (!core::valid_identifier(c.id)) return bad("checkpoint id '" + core::printable(c.id) + "' is not a valid identifier");
    if (!ids.insert(c.id).second) return bad("checkpoint '" + c.id + "' is listed twice");
    const GenesisParty* op = g.party(c.operator_party);
    if (op == nullptr || op->role != "checkpoint") {
      return bad("checkpoint '" + c.id + "': its operator '" + core::printable(c.operator_party) +
                 "' must be a founding party with role checkpoint");
    }
    if (auto why = core::display_text_problem(c.name); !why.empty()) return bad("checkpoint '" + c.id + "': name: " + why);
  }
  std::set<std::string> places;
  for (const auto& s : g.settlements) {
    if (!core::valid_identifier(s.id)) return bad("settlement id '" + core::printable(s.id) + "' is not a valid identifier");
    if (!places.insert(s.id).second) return bad("settlement '" + s.id + "' is listed twice");
    if (auto why = core::display_text_problem(s.name); !why.empty()) return bad("settlement '" + s.id + "': name: " + why);
    if (s.population && (*s.population < 0 || *s.population > core::kMaxPopulation)) {
      return bad("settlement '" + s.id + "': population must be between 0 and 10,000,000,000");
    }
    for (const auto& r : s.reporters) {
      const GenesisParty* p = g.party(r);
      if (p == nullptr || (p->role != "receiver" && p->role != "monitor")) {
        return bad("settlement '" + s.id + "': reporter '" + core::printable(r) +
                   "' must be a founding party with role receiver or monitor");
      }
    }
  }
  return {};
}

}  // namespace

Result<Genesis> read_genesis(const std::string& path) {
  CORRIDOR_TRY(const toml::table doc, core::read_toml(path));
  Genesis g;
  std::string created, places, history_from;
  core::Fields top(doc, path);
  CORRIDOR_TRY(const toml::table* ledger_table, top.table("ledger"));
  if (ledger_table == nullptr) return fail(ErrorCode::kParse, path + ": missing [ledger] (name, created, admit)");
  core::Fields l(*ledger_table, path);
  CORRIDOR_CHECK(l.string("name", g.name, true));
  CORRIDOR_CHECK(l.date_text("created", created, true));
  CORRIDOR_CHECK(l.strings("admit", g.admit));
  CORRIDOR_CHECK(l.string("places", places));
  CORRIDOR_CHECK(l.string("sequencer", g.sequencer));
  CORRIDOR_CHECK(l.date_text("history_from", history_from));
  CORRIDOR_CHECK(l.no_others());
  CORRIDOR_TRY(g.created, core::parse_iso8601(created, path + ": [ledger] created"));
  if (!history_from.empty()) {
    CORRIDOR_TRY(const core::UnixSeconds from, core::parse_iso8601(history_from, path + ": [ledger] history_from"));
    g.history_from = from;
  }
  top.claim("party");
  top.claim("checkpoint");
  top.claim("settlement");
  CORRIDOR_CHECK(top.no_others());
  CORRIDOR_CHECK(core::each_table(doc, "party", path, [&](core::Fields& f) -> Result<void> {
    GenesisParty p;
    std::string key;
    CORRIDOR_CHECK(f.string("name", p.name, true));
    CORRIDOR_CHECK(f.string("role", p.role, true));
    CORRIDOR_CHECK(f.string("display_name", p.display_name));
    CORRIDOR_CHECK(f.string("public_key", key, true));
    CORRIDOR_TRY(p.public_key, ledger::from_hex<32>(key, f.at_table() + "public_key"));
    g.parties.push_back(std::move(p));
    return {};
  }));
  CORRIDOR_CHECK(core::each_table(doc, "checkpoint", path, [&](core::Fields& f) -> Result<void> {
    GenesisCheckpoint c;
    CORRIDOR_CHECK(f.string("id", c.id, true));
    CORRIDOR_CHECK(f.string("name", c.name));
    CORRIDOR_CHECK(f.string("operator", c.operator_party, true));
    g.checkpoints.push_back(std::move(c));
    return {};
  }));
  CORRIDOR_CHECK(core::each_table(doc, "settlement", path, [&](core::Fields& f) -> Result<void> {
    GenesisSettlement s;
    std::int64_t population = -1;
    CORRIDOR_CHECK(f.string("id", s.id, true));
    CORRIDOR_CHECK(f.string("name", s.name));
    CORRIDOR_CHECK(f.integer("population", population));
    CORRIDOR_CHECK(f.strings("reporters", s.reporters));
    if (population >= 0) s.population = population;
    g.settlements.push_back(std::move(s));
    return {};
  }));
  if (!places.empty()) {
    const std::filesystem::path table = std::filesystem::path(path).parent_path() / places;
    CORRIDOR_TRY(const auto rows, supply::read_settlements(table.string()));
    for (const auto& r : rows) g.settlements.push_back({r.id, r.name, r.population.total, {}});
  }
  CORRIDOR_CHECK(check(g, path));
  return g;
}

std::string genesis_document(const Genesis& g) {
  json parties = json::array(), checkpoints = json::array(), settlements = json::array();
  for (const auto& p : g.parties) {
    parties.push_back({{"name", p.name}, {"role", p.role}, {"display_name", p.display_name},
                       {"public_key", ledger::to_hex(p.public_key)}});
  }
  for (const auto& c : g.checkpoints) checkpoints.push_back({{"id", c.id}, {"name", c.name}, {"operator", c.operator_party}});
  for (const auto& s : g.settlements) {
    json j = {{"id", s.id}, {"name", s.name}, {"reporters", s.reporters}};
    if (s.population) j["population"] = *s.population;
    settlements.push_back(j);
  }
  json doc = {{"corridor_genesis", 1}, {"name", g.name},          {"created", g.created},      {"admit", g.admit},
              {"parties", parties},    {"checkpoints", checkpoints}, {"settlements", settlements}};
  if (!g.sequencer.empty()) doc["sequencer"] = g.sequencer;
  if (g.history_from) doc["history_from"] = *g.history_from;
  return doc.dump();
}

ledger::Digest genesis_digest(const Genesis& g) {
  return ledger::sha256("corridor genesis v1\n" + genesis_document(g));
}

Result<Genesis> parse_genesis_document(const std::string& text, const std::string& where) {
  CORRIDOR_TRY(const json j, core::parse_json_text(text, where));
  const auto bad = [&](const std::string& why) { return fail(ErrorCode::kParse, where + ": " + why); };
  const auto str = [](const json& o, const char* k) -> std::optional<std::string> {
    if (!o.is_object() || !o.contains(k) || !o[k].is_string()) return std::nullopt;
    return o[k].get<std::string>();
  };
  const auto strings = [](const json& o, const char* k) -> std::optional<std::vector<std::string>> {
    if (!o.is_object() || !o.contains(k) || !o[k].is_array()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& v : o[k]) {
      if (!v.is_string()) return std::nullopt;
      out.push_back(v.get<std::string>());
    }
    return out;
  };
  if (!j.is_object() || !j.contains("corridor_genesis") || j["corridor_genesis"] != 1) {
    return bad("not a genesis document of format 1");
  }
  Genesis g;
  const auto name = str(j, "name");
  const auto admit = strings(j, "admit");
  if (!name || !admit || !j.contains("created") || !j["created"].is_number_integer()) {
    return bad("a genesis has name, created, admit, parties, checkpoints and settlements");
  }
  g.name = *name;
  g.created = j["created"].get<std::int64_t>();
  if (j.contains("sequencer")) {
    if (!j["sequencer"].is_string()) return bad("/sequencer: a URL");
    g.sequencer = j["sequencer"].get<std::string>();
  }
  if (j.contains("history_from")) {
    if (!j["history_from"].is_number_integer()) return bad("/history_from: Unix seconds");
    g.history_from = j["history_from"].get<std::int64_t>();
  }
  g.admit = *admit;
  for (const char* list : {"parties", "checkpoints", "settlements"}) {
    if (!j.contains(list) || !j[list].is_array()) return bad(std::string("/") + list + ": missing or not an array");
  }
  for (const auto& p : j["parties"]) {
    const auto n = str(p, "name"), r = str(p, "role"), d = str(p, "display_name"), k = str(p, "public_key");
    if (!n || !r || !d || !k) return bad("/parties: each is {name, role, display_name, public_key}");
    GenesisParty gp{*n, *r, *d, {}};
    CORRIDOR_TRY(gp.public_key, ledger::from_hex<32>(*k, where + ": /parties: public_key"));
    g.parties.push_back(std::move(gp));
  }
  for (const auto& c : j["checkpoints"]) {
    const auto id = str(c, "id"), n = str(c, "name"), op = str(c, "operator");
    if (!id || !n || !op) return bad("/checkpoints: each is {id, name, operator}");
    g.checkpoints.push_back({*id, *n, *op});
  }
  for (const auto& s : j["settlements"]) {
    const auto id = str(s, "id"), n = str(s, "name");
    const auto reporters = strings(s, "reporters");
    if (!id || !n || !reporters) return bad("/settlements: each is {id, name, population?, reporters}");
    GenesisSettlement gs{*id, *n, std::nullopt, *reporters};
    if (s.contains("population")) {
      if (!s["population"].is_number_integer()) return bad("/settlements: population is a whole number");
      gs.population = s["population"].get<std::int64_t>();
    }
    g.settlements.push_back(std::move(gs));
  }
  CORRIDOR_CHECK(check(g, where));
  // Nothing unknown may ride along unsigned-for: the document must be exactly what it parses to.
  if (genesis_document(g) != j.dump()) return bad("the document has fields a genesis does not have, or is not canonical");
  return g;
}

std::string genesis_signature_json(const GenesisSignature& s) {
  return json{{"party", s.party}, {"genesis_sha256", ledger::to_hex(s.digest)}, {"signature", ledger::to_hex(s.signature)}}
      .dump();
}

Result<GenesisSignature> read_genesis_signature(const std::string& path) {
  CORRIDOR_TRY(const std::string text, core::read_file_limited(path, "genesis signature", core::kMaxKeyFileBytes));
  CORRIDOR_TRY(const json j, core::parse_json_text(text, path, core::kMaxKeyFileBytes));
  if (!j.is_object() || !j.contains("party") || !j["party"].is_string() || !j.contains("genesis_sha256") ||
      !j["genesis_sha256"].is_string() || !j.contains("signature") || !j["signature"].is_string()) {
    return fail(ErrorCode::kParse, path + ": a genesis signature is {\"party\", \"genesis_sha256\", \"signature\"}");
  }
  GenesisSignature s;
  s.party = j["party"].get<std::string>();
  CORRIDOR_TRY(s.digest, ledger::from_hex<32>(j["genesis_sha256"].get<std::string>(), path + ": /genesis_sha256"));
  CORRIDOR_TRY(s.signature, ledger::from_hex<64>(j["signature"].get<std::string>(), path + ": /signature"));
  return s;
}

Result<std::string> genesis_payload(const Genesis& g, const std::vector<GenesisSignature>& sigs) {
  const ledger::Digest d = genesis_digest(g);
  json signatures = json::object();
  for (const auto& s : sigs) {
    const GenesisParty* p = g.party(s.party);
    if (p == nullptr) {
      return fail(ErrorCode::kInvalidArgument, "a signature by '" + core::printable(s.party) + "', who is not a founding party");
    }
    if (s.digest != d) {
      return fail(ErrorCode::kInvalidArgument, "'" + s.party + "' signed another genesis (" + ledger::to_hex(s.digest) +
                                                   "), not this one (" + ledger::to_hex(d) + ")");
    }
    if (!ledger::verify(p->public_key, d, s.signature)) {
      return fail(ErrorCode::kInvalidArgument, "the signature by '" + s.party + "' does not verify with its key");
    }
    signatures[s.party] = ledger::to_hex(s.signature);
  }
  std::string missing;
  for (const auto& p : g.parties) {
    if (!signatures.contains(p.name)) missing += (missing.empty() ? "" : ", ") + p.name;
  }
  if (!missing.empty()) {
    return fail(ErrorCode::kInvalidArgument, "every founding party signs the genesis; missing: " + missing);
  }
  return json{{"document", json::parse(genesis_document(g))}, {"signatures", signatures}}.dump();
}

}  // namespace corridor::rules
