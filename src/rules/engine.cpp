#include "rules/engine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/input.h"
#include "rules/draw.h"
#include "rules/genesis.h"
#include "supply/supply.h"

namespace corridor::rules {

using core::ErrorCode;
using core::fail;
using core::Result;
using ledger::Event;
using nlohmann::json;

const char* mode_name(Mode m) { return m == Mode::kGoverned ? "governed" : "open"; }

bool State::before_reached(core::UnixSeconds t) const { return reached_seq > 0 && t + kClockSkew < reached; }

bool State::recorded_late(std::uint64_t seq) const { return std::binary_search(late.begin(), late.end(), seq); }

const PublishedRegime* Checkpoint::regime_at(core::UnixSeconds t) const {
  const PublishedRegime* best = nullptr;
  for (const auto& r : regimes) {
    if (r.from <= t) best = &r;
  }
  return best;
}

ErrorCode rule_code(const std::string& rule) {
  if (rule == "C-STATE" || rule == "C-BIND" || rule == "C-REGIME") return ErrorCode::kConflict;
  if (rule == "S-PLACE") return ErrorCode::kNotFound;
  if (rule == "L-PAYLOAD" || rule == "L-TYPE" || rule == "L-TIME" || rule == "L-GENESIS" || rule == "C-QTY" ||
      rule == "C-DRAW") {
    return ErrorCode::kInvalidArgument;
  }
  return ErrorCode::kForbidden;
}

ledger::Digest rotation_digest(const std::string& party, const ledger::PublicKey& old_key,
                               const ledger::PublicKey& new_key) {
  return ledger::sha256("corridor key rotation v1\n" + party + "\n" + ledger::to_hex(old_key) + "\n" +
                        ledger::to_hex(new_key));
}

namespace {

std::optional<std::string> str(const json& p, const char* key) {
  if (!p.is_object() || !p.contains(key) || !p[key].is_string()) return std::nullopt;
  return p[key].get<std::string>();
}

// The keys of `p` not in `known`, for messages; "" when there are none.
std::string unknown_keys(const json& p, std::initializer_list<const char*> known) {
  std::string out;
  for (const auto& [k, v] : p.items()) {
    if (std::find_if(known.begin(), known.end(), [&](const char* x) { return k == x; }) == known.end()) {
      out += (out.empty() ? "'" : ", '") + core::printable(k) + "'";
    }
  }
  return out;
}

using Outcome = Engine::Outcome;

Outcome refused(const Event& e, const char* rule, std::string message) {
  Outcome o;
  o.violation = Violation{e.seq, rule, std::move(message), e.type, e.actor, e.subject};
  return o;
}

Outcome accepted(std::function<void(State&)> change) {
  Outcome o;
  o.change = std::move(change);
  return o;
}

bool is_admitter(const State& s, const std::string& name) {
  const Member* m = s.member(name);
  return m != nullptr && m->active() && s.admitters.contains(name);
}

std::string roles_list() {
  std::string out;
  for (const auto& r : ledger::kRoles) out += (out.empty() ? "" : ", ") + r;
  return out;
}

// A new member's name, role and display name, whoever brings it in.
std::optional<std::string> member_problem(const State& s, const std::string& name, const std::string& role,
                                          const std::string& display_name) {
  if (!core::valid_party_name(name)) {
    return "party name '" + core::printable(name) + "': use 1-64 characters of a-z, 0-9, '.', '_', '-', starting with a "
                                                    "letter or digit";
  }
  if (s.members.contains(name)) return "party '" + name + "' is already a member";
  if (std::find(ledger::kRoles.begin(), ledger::kRoles.end(), role) == ledger::kRoles.end()) {
    return "unknown role '" + core::printable(role) + "' (" + roles_list() + ")";
  }
  if (auto why = core::display_text_problem(display_name); !why.empty()) return "display name: " + why;
  return std::nullopt;
}

// Time: nothing dated before what the log has reached (its genesis, the actor's admission, the
// events before) unless the ledger takes back-dated history; then not before that history.
std::string fixed4(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

std::string time_problem(const State& s, core::UnixSeconds t) {
  if (t < kEarliestTime || t > kLatestTime) {
    return "dated " + std::to_string(t) + " (Unix seconds): an event is dated in the years 0001 to 9999";
  }
  if (s.before_reached(t) && !s.allows_back_dating()) {
    return "dated " + core::format_iso8601(t) + ", more than " + std::to_string(kClockSkew) + " s before seq " +
           std::to_string(s.reached_seq) + " (" + core::format_iso8601(s.reached) +
           "): this ledger's genesis does not allow back-dated history (history_from)";
  }
  if (s.history_from && t < *s.history_from) {
    return "dated " + core::format_iso8601(t) + ", before the history this ledger records (from " +
           core::format_iso8601(*s.history_from) + ")";
  }
  return "";
}

Outcome genesis_change(const Event& e, const Genesis& g) {
  return accepted([e, g](State& s) {
    s.mode = Mode::kGoverned;
    s.name = g.name;
    s.sequencer = g.sequencer;
    s.history_from = g.history_from;
    s.admitters.insert(g.admit.begin(), g.admit.end());
    for (const auto& p : g.parties) {
      s.members[p.name] = Member{p.name, p.role, p.display_name, p.public_key, p.public_key, e.seq, "", {}, "", {}};
    }
    for (const auto& c : g.checkpoints) s.checkpoints[c.id] = Checkpoint{c.id, c.name, c.operator_party, e.seq, {}};
    for (const auto& st : g.settlements) s.settlements[st.id] = Settlement{st.id, st.name, st.population, st.reporters, e.seq};
  });
}

Outcome party_joins(const State& s, const Event& e, const json& p) {
  const bool self = e.type == kPartyRegistered;
  if (!self && e.type != kPartyAdmitted) return refused(e, "L-TYPE", "unknown event type");
  if (const auto u = unknown_keys(p, {"name", "role", "public_key", "display_name"}); !u.empty()) {
    return refused(e, "L-PAYLOAD", "unknown fields " + u);
  }
  const auto name = str(p, "name"), role = str(p, "role"), key = str(p, "public_key");
  const std::string display = str(p, "display_name").value_or("");
  if (!name || !role || !key) return refused(e, "L-PAYLOAD", "a party joins with name, role and public_key");
  auto pk = ledger::from_hex<32>(*key, "public_key");
  if (!pk) return refused(e, "L-PAYLOAD", "public_key is not 64 hex digits");
  if (*name != e.subject) return refused(e, "L-PAYLOAD", "the subject is the party's name");
  if (self) {
    if (s.mode == Mode::kGoverned) {
      return refused(e, "P-JOIN", "a governed ledger admits parties by party.admitted from an admitting party; parties "
                                  "do not register themselves");
    }
    if (e.actor != *name) return refused(e, "P-JOIN", "a party registers itself (actor, subject and name differ)");
  } else {
    if (s.mode != Mode::kGoverned) return refused(e, "P-JOIN", "an open ledger has no admissions: parties register themselves");
    if (!is_admitter(s, e.actor)) return refused(e, "P-JOIN", "'" + e.actor + "' may not admit parties");
  }
  if (auto why = member_problem(s, *name, *role, display)) return refused(e, "P-JOIN", *why);
  return accepted([e, name = *name, role = *role, display, k = *pk, self](State& st) {
    st.members[name] = Member{name, role, display, k, k, e.seq, self ? "" : e.actor, {}, "", {}};
  });
}

Outcome key_rotation(const State& s, const Event& e, const json& p) {
  if (const auto u = unknown_keys(p, {"public_key", "proof"}); !u.empty()) return refused(e, "L-PAYLOAD", "unknown fields " + u);
  if (e.subject != e.actor) return refused(e, "P-KEY", "a party rotates only its own key");
  const auto key = str(p, "public_key"), proof = str(p, "proof");
  if (!key || !proof) return refused(e, "L-PAYLOAD", "a rotation gives the new public_key and its proof");
  auto pk = ledger::from_hex<32>(*key, "public_key");
  auto sig = ledger::from_hex<64>(*proof, "proof");
  if (!pk || !sig) return refused(e, "L-PAYLOAD", "public_key is 64 hex digits, proof 128");
  const Member& m = *s.member(e.actor);
  if (*pk == m.key) return refused(e, "P-KEY", "the new key is the current one");
  if (!ledger::verify(*pk, rotation_digest(m.name, m.key, *pk), *sig)) {
    return refused(e, "P-KEY", "the proof does not verify: the new key did not sign the rotation");
  }
  return accepted([e, k = *pk](State& st) {
    Member& mm = st.members[e.actor];
    mm.key = k;
    mm.rotations.push_back(e.seq);
  });
}

Outcome revocation(const State& s, const Event& e, const json& p) {
  if (const auto u = unknown_keys(p, {"reason"}); !u.empty()) return refused(e, "L-PAYLOAD", "unknown fields " + u);
  const auto reason = str(p, "reason");
  if (!reason || reason->empty()) return refused(e, "L-PAYLOAD", "a revocation gives its reason");
  const Member* target = s.member(e.subject);
  if (target == nullptr) return refused(e, "P-REVOKE", "no member '" + core::printable(e.subject) + "'");
  if (!target->active()) return refused(e, "P-REVOKE", "'" + e.subject + "' was revoked already");
  if (e.actor != e.subject && !(s.mode == Mode::kGoverned && is_admitter(s, e.actor))) {
    return refused(e, "P-REVOKE", "'" + e.actor + "' may not revoke '" + e.subject + "' (a party revokes itself; in a "
                                                                                      "governed ledger an admitting party may)");
  }
  return accepted([e, r = *reason](State& st) {
    Member& m = st.members[e.subject];
    m.revoked_at = e.seq;
    m.revoked_reason = r;
    st.admitters.erase(e.subject);
  });
}

Outcome checkpoint_registration(const State& s, const Event& e, const json& p) {
  if (const auto u = unknown_keys(p, {"id", "name", "operator"}); !u.empty()) return refused(e, "L-PAYLOAD", "unknown fields " + u);
  const auto id = str(p, "id"), op = str(p, "operator");
  const std::string name = str(p, "name").value_or("");
  if (!id || !op || *id != e.subject) return refused(e, "L-PAYLOAD", "a checkpoint is registered with id (the subject) and operator");
  if (!core::valid_identifier(*id)) return refused(e, "L-PAYLOAD", "checkpoint id '" + core::printable(*id) + "' is not a valid identifier");
  if (auto why = core::display_text_problem(name); !why.empty()) return refused(e, "L-PAYLOAD", "name: " + why);
  if (s.mode != Mode::kGoverned) {
    return refused(e, "K-CHECKPOINT", "an open ledger registers no checkpoints: the first checkpoint-role party to publish "
                                      "a checkpoint's regime holds it");
  }
  if (!is_admitter(s, e.actor)) return refused(e, "K-CHECKPOINT", "'" + e.actor + "' may not register checkpoints");
  if (s.checkpoints.contains(*id)) return refused(e, "K-CHECKPOINT", "checkpoint '" + *id + "' exists already");
  const Member* m = s.member(*op);
  if (m == nullptr || !m->active() || m->role != "checkpoint") {
    return refused(e, "K-CHECKPOINT", "the operator '" + core::printable(*op) + "' must be a member with role checkpoint");
  }
  return accepted([e, id = *id, name, op = *op](State& st) { st.checkpoints[id] = Checkpoint{id, name, op, e.seq, {}}; });
}

Outcome regime_publication(const State& s, const Event& e, const json& p, const Member& actor) {
  if (const auto u = unknown_keys(p, {"checkpoint", "sha256", "toml"}); !u.empty()) {
    return refused(e, "L-PAYLOAD", "unknown fields " + u);
  }
  const auto cp = str(p, "checkpoint"), sha = str(p, "sha256"), text = str(p, "toml");
  if (!cp || !sha || !text || *cp != e.subject) {
    return refused(e, "L-PAYLOAD", "a publication gives checkpoint (the subject), sha256 and toml");
  }
  if (ledger::to_hex(ledger::sha256(*text)) != *sha) return refused(e, "L-PAYLOAD", "sha256 is not the hash of the toml text");
  auto r = regime::parse_regime(*text, "regime published at seq " + std::to_string(e.seq));
  if (!r) return refused(e, "K-REGIME", "the regime does not parse: " + r.error().message);
  if (r->checkpoint_id != *cp) {
    return refused(e, "K-REGIME", "the regime is for checkpoint '" + core::printable(r->checkpoint_id) + "', not '" + *cp + "'");
  }
  if (actor.role != "checkpoint") {
    return refused(e, "K-REGIME", "'" + e.actor + "' has role " + actor.role + "; only a checkpoint's operator publishes its regime");
  }
  if (r->operator_party != e.actor) {
    return refused(e, "K-REGIME", "the regime names '" + core::printable(r->operator_party) + "' as operator, but '" + e.actor +
                                      "' publishes it");
  }
  const auto it = s.checkpoints.find(*cp);
  if (it != s.checkpoints.end() && it->second.operator_party != e.actor) {
    return refused(e, "K-REGIME", "checkpoint '" + *cp + "' is operated by '" + it->second.operator_party + "', not '" +
                                      e.actor + "'");
  }
  if (it == s.checkpoints.end() && s.mode == Mode::kGoverned) {
    return refused(e, "K-CHECKPOINT", "no checkpoint '" + core::printable(*cp) + "' in this ledger (an admitting party "
                                                                                  "registers it first)");
  }
  auto parsed = std::make_shared<const regime::Regime>(std::move(*r));
  return accepted([e, cp = *cp, sha = *sha, text = *text, parsed, late = s.before_reached(e.time)](State& st) {
    auto [c, fresh] = st.checkpoints.try_emplace(cp);
    if (fresh) c->second = Checkpoint{cp, parsed->checkpoint_name, e.actor, e.seq, {}};
    c->second.regimes.push_back(PublishedRegime{e.seq, e.time, sha, e.actor, text, parsed, late});
  });
}

Outcome settlement_registration(const State& s, const Event& e, const json& p, const Member& actor) {
  if (const auto u = unknown_keys(p, {"id", "name", "population", "reporters"}); !u.empty()) {
    return refused(e, "L-PAYLOAD", "unknown fields " + u);
  }
  const auto id = str(p, "id");
  const std::string name = str(p, "name").value_or("");
  if (!id || *id != e.subject) return refused(e, "L-PAYLOAD", "a settlement is registered with its id (the subject)");
  if (!core::valid_identifier(*id)) return refused(e, "L-PAYLOAD", "settlement id '" + core::printable(*id) + "' is not a valid identifier");
  if (auto why = core::display_text_problem(name); !why.empty()) return refused(e, "L-PAYLOAD", "name: " + why);
  std::optional<std::int64_t> population;
  if (p.contains("population")) {
    if (!p["population"].is_number_integer() || p["population"].get<std::int64_t>() < 0 ||
        p["population"].get<std::int64_t>() > core::kMaxPopulation) {
      return refused(e, "L-PAYLOAD", "population is a whole number from 0 to 10,000,000,000");
    }
    population = p["population"].get<std::int64_t>();
  }
  std::vector<std::string> reporters;
  if (p.contains("reporters")) {
    if (!p["reporters"].is_array()) return refused(e, "L-PAYLOAD", "reporters is a list of party names");
    for (const auto& r : p["reporters"]) {
      const Member* m = r.is_string() ? s.member(r.get<std::string>()) : nullptr;
      if (m == nullptr || (m->role != "receiver" && m->role != "monitor")) {
        return refused(e, "S-SETTLEMENT", "a reporter is a member with role receiver or monitor");
      }
      reporters.push_back(m->name);
    }
  }
  const bool may = s.mode == Mode::kGoverned ? is_admitter(s, e.actor)
                                             : actor.role == "admin" || actor.role == "receiver" || actor.role == "monitor";
  if (!may) {
    return refused(e, "S-SETTLEMENT", s.mode == Mode::kGoverned ? "'" + e.actor + "' may not register settlements"
                                                                : "settlements are registered by an admin, receiver or monitor");
  }
  if (s.settlements.contains(*id)) return refused(e, "S-SETTLEMENT", "settlement '" + *id + "' is registered already");
  return accepted([e, id = *id, name, population, reporters](State& st) {
    st.settlements[id] = Settlement{id, name, population, reporters, e.seq};
  });
}

Outcome stock_record(const State& s, const Event& e, const json& p, const Member& actor) {
  if (const auto u = unknown_keys(p, {"place", "date", "commodity", "tonnes", "note"}); !u.empty()) {
    return refused(e, "L-PAYLOAD", "unknown fields " + u);
  }
  const auto place = str(p, "place"), date = str(p, "date"), commodity = str(p, "commodity");
  const std::string note = str(p, "note").value_or("");
  if (!place || !date || !commodity || !p.contains("tonnes") || !p["tonnes"].is_number() || *place != e.subject) {
    return refused(e, "L-PAYLOAD", "a stock record gives place (the subject), date, commodity and tonnes");
  }
  const double tonnes = p["tonnes"].get<double>();
  if (!std::isfinite(tonnes) || tonnes < 0 || tonnes > 1e7) {
    return refused(e, "L-PAYLOAD", "tonnes must be between 0 and 10,000,000");
  }
  const bool plain = date->size() == 10 && (*date)[4] == '-' && (*date)[7] == '-' &&
                     std::all_of(date->begin(), date->end(), [](char ch) { return ch == '-' || (ch >= '0' && ch <= '9'); });
  const auto day = plain ? supply::parse_day(*date, "date") : core::Result<supply::Day>(core::fail(ErrorCode::kParse, ""));
  if (!day) return refused(e, "L-PAYLOAD", "date is YYYY-MM-DD (a day, no time or offset)");
  if (!core::valid_identifier(*commodity)) return refused(e, "L-PAYLOAD", "commodity is an identifier");
  if (note.size() > 4096 || !core::valid_utf8(note)) return refused(e, "L-PAYLOAD", "note is UTF-8 text of 4 KiB at most");
  const auto it = s.settlements.find(*place);
  if (it == s.settlements.end()) {
    return refused(e, "S-PLACE", "unknown settlement '" + core::printable(*place) + "' (settlements are registered first)");
  }
  if (actor.role != "receiver" && actor.role != "monitor") {
    return refused(e, "S-ROLE", "'" + e.actor + "' has role " + actor.role + "; stocks are recorded by receivers and monitors");
  }
  const auto& rep = it->second.reporters;
  if (!rep.empty() && std::find(rep.begin(), rep.end(), e.actor) == rep.end()) {
    return refused(e, "S-ROLE", "'" + e.actor + "' is not a reporter of '" + *place + "'");
  }
  // A count is of a day no later than the day it is recorded (a day's grace for time zones) and,
  // as news, no more than kStockLateDays before it; an older one is history, taken only where
  // the ledger takes back-dated history, and marked as recorded after the fact.
  const supply::Day recorded = supply::day_of(e.time);
  if (*day > recorded + 1) {
    return refused(e, "L-TIME", "a count of " + *date + " recorded on " + supply::day_text(recorded) +
                                    ": a stock record is of a day that has begun");
  }
  const bool stale = *day + kStockLateDays < recorded;
  if (stale && !s.allows_back_dating()) {
    return refused(e, "L-TIME", "a count of " + *date + " recorded on " + supply::day_text(recorded) + ", more than " +
                                    std::to_string(kStockLateDays) + " days later: this ledger's genesis does not "
                                    "allow back-dated history (history_from)");
  }
  if (s.history_from && *day < supply::day_of(*s.history_from)) {
    return refused(e, "L-TIME", "a count of " + *date + ", before the history this ledger records (from " +
                                    core::format_iso8601(*s.history_from) + ")");
  }
  const bool late = stale || s.before_reached(e.time);
  Outcome o = accepted([e, place = *place, date = *date, commodity = *commodity, note, tonnes, late](State& st) {
    st.stocks.push_back(StockRecord{e.seq, e.type, place, date, commodity, note, e.actor, tonnes, late});
  });
  o.late = late;
  return o;
}

// What each consignment step's payload may hold (the declaration's is built by the regime and
// compared whole). A member no step defines, a line with a member its list does not define, or free
// text that is too long or would drive a terminal is refused: nothing is signed into the log that
// its type does not say.
std::string step_payload_problem(const std::string& type, const json& p) {
  static const std::map<std::string, std::vector<std::string>> kMembers = {
      {cargo::kNotified, {}},
      {cargo::kApproved, {"findings"}},
      {cargo::kRejected, {"reason", "findings"}},
      {cargo::kArrived, {}},
      {cargo::kInspected, {"lane", "findings", "draw"}},
      {cargo::kHeld, {"reason", "findings"}},
      {cargo::kCleared, {"findings"}},
      {cargo::kTurnedBack, {"whole", "reason", "items", "findings"}},
      {cargo::kCrossed, {}},
      {cargo::kDelivered, {"received", "findings"}},
      {cargo::kOverridden, {"reason"}}};
  const auto it = kMembers.find(type);
  if (it == kMembers.end()) return "";
  for (const auto& [k, v] : p.items()) {
    if (std::find(it->second.begin(), it->second.end(), k) == it->second.end()) {
      return "/" + core::printable(k) + ": not a member of " + type + " (it takes " +
             (it->second.empty() ? std::string("none") : [&] {
               std::string all;
               for (const auto& m : it->second) all += (all.empty() ? "" : ", ") + m;
               return all;
             }()) + ")";
    }
    // Each member has one type: text, a flag, or a list of lines.
    const bool list = k == "items" || k == "received", flag = k == "whole";
    if (list ? !v.is_array() : flag ? !v.is_boolean() : !v.is_string()) {
      return "/" + k + ": " + (list ? "a list of lines" : flag ? "true or false" : "text");
    }
    if (v.is_string()) {
      if (const auto why = core::free_text_problem(v.get_ref<const std::string&>()); !why.empty()) return "/" + k + ": " + why;
    }
  }
  const auto lines = [&](const char* key, std::initializer_list<const char*> allowed) -> std::string {
    if (!p.contains(key) || !p[key].is_array()) return "";
    if (p[key].size() > 10'000) return std::string("/") + key + ": more than 10,000 lines";
    for (std::size_t i = 0; i < p[key].size(); ++i) {
      const json& line = p[key][i];
      if (!line.is_object()) continue;  // the step's own rule says what a line is
      for (const auto& [k, v] : line.items()) {
        if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; })) {
          return std::string("/") + key + "/" + std::to_string(i) + "/" + core::printable(k) + ": not a member of a line";
        }
        if (v.is_string()) {
          if (const auto why = core::free_text_problem(v.get_ref<const std::string&>()); !why.empty()) {
            return std::string("/") + key + "/" + std::to_string(i) + "/" + k + ": " + why;
          }
        }
      }
    }
    return "";
  };
  if (auto why = lines("received", {"item", "quantity", "damaged", "short"}); !why.empty()) return why;
  return lines("items", {"item", "reason"});
}

Outcome consignment_step(const State& s, const Event& e, const json& p, const Member& actor) {
  if (!core::valid_identifier(e.subject)) {
    return refused(e, "L-PAYLOAD", "consignment id '" + core::printable(e.subject) + "' is not a valid identifier");
  }
  if (const auto why = step_payload_problem(e.type, p); !why.empty()) return refused(e, "L-PAYLOAD", why);
  const auto it = s.consignments.find(e.subject);
  cargo::Consignment next = it == s.consignments.end() ? cargo::Consignment{} : it->second;
  next.id = e.subject;
  if (e.type == cargo::kDeclared) {
    if (actor.role != "sender") return refused(e, "C-ROLE", "'" + e.actor + "' has role " + actor.role + "; senders declare");
    if (!p.contains("declaration") || !p["declaration"].is_object()) return refused(e, "L-PAYLOAD", "no declaration in the payload");
    const json& d = p["declaration"];
    if (str(d, "id") != e.subject) return refused(e, "L-PAYLOAD", "the declaration's id is the subject");
    if (const auto r = str(d, "receiver"); r) {
      const Member* m = s.member(*r);
      if (m == nullptr || !m->active() || m->role != "receiver") {
        return refused(e, "C-ROLE", "the receiver '" + core::printable(*r) + "' is not a receiver of this ledger");
      }
    }
    if (d.contains("items") && d["items"].is_array()) {
      for (std::size_t i = 0; i < d["items"].size(); ++i) {
        const json& item = d["items"][i];
        if (!item.is_object() || !item.contains("quantity") || !item["quantity"].is_number() ||
            !(item["quantity"].get<double>() > 0)) {
          return refused(e, "C-QTY", "item " + std::to_string(i) + ": a declared quantity is more than 0");
        }
      }
    }
    // A declaration cannot pick an older regime by its date: it may not be dated before the latest
    // publication already in the log for its checkpoint (beyond the clocks' tolerance).
    if (const auto cp = s.checkpoints.find(str(d, "checkpoint").value_or("")); cp != s.checkpoints.end() &&
                                                                              !cp->second.regimes.empty()) {
      const PublishedRegime& latest = cp->second.regimes.back();
      if (e.time + cargo::kTimeTolerance < latest.from) {
        return refused(e, "L-TIME", "dated " + core::format_iso8601(e.time) + ", before the regime published at seq " +
                                        std::to_string(latest.seq) + " (in force from " + core::format_iso8601(latest.from) +
                                        "): a declaration cannot choose an older regime by its date");
      }
    }
    auto expected = declaration_payload(s, d.dump(), e.time, "seq " + std::to_string(e.seq));
    if (!expected) return refused(e, expected.error().rule.empty() ? "L-PAYLOAD" : expected.error().rule.c_str(), expected.error().message);
    if (*expected != p.dump()) {
      const json want = json::parse(*expected);
      std::string differs;
      for (const auto& [k, v] : want.items()) {
        if (!p.contains(k) || p[k] != v) differs += (differs.empty() ? "" : ", ") + k;
      }
      for (const auto& [k, v] : p.items()) {
        if (!want.contains(k)) differs += (differs.empty() ? "" : ", ") + core::printable(k);
      }
      return refused(e, "C-REGIME", "the payload's " + differs + " differ from what the regime published for '" +
                                        core::printable(str(d, "checkpoint").value_or("")) + "' gives");
    }
  } else {
    // Roles first: a checkpoint step by a party that is not a checkpoint operator, a delivery by one
    // that is not a receiver, whatever names the consignment carries.
    const std::string& t = e.type;
    const bool operator_step = t == cargo::kInspected || t == cargo::kHeld || t == cargo::kCleared ||
                               t == cargo::kTurnedBack || t == cargo::kCrossed || t == cargo::kOverridden;
    if (operator_step && actor.role != "checkpoint") {
      return refused(e, "C-ROLE", "'" + e.actor + "' has role " + actor.role + "; only the checkpoint operator records this");
    }
    if (t == cargo::kDelivered && actor.role != "receiver") {
      return refused(e, "C-ROLE", "'" + e.actor + "' has role " + actor.role + "; only the named receiver confirms delivery");
    }
    if (t == cargo::kNotified && actor.role != "sender") {
      return refused(e, "C-ROLE", "'" + e.actor + "' has role " + actor.role + "; the sender notifies");
    }
  }
  if (auto ok = cargo::apply(next, {e.type, e.actor, e.time, e.payload}); !ok) {
    return refused(e, ok.error().rule.empty() ? "C-STATE" : ok.error().rule.c_str(), ok.error().message);
  }
  if (e.type == cargo::kDeclared) next.declared_hash = e.hash;
  if (e.type == cargo::kInspected) {
    auto draw = check_draw(draw_terms(it->second), actor.key, str(p, "draw").value_or(""));
    if (!draw) return refused(e, "C-DRAW", draw.error().message);
    if (lane_rank(next.lane) < lane_rank(draw->required_lane)) {
      return refused(e, "C-DRAW", "lane " + next.lane + " is below the " + draw->required_lane + " lane this consignment needs: " +
                                      (draw->selected ? "drawn for inspection (value " + fixed4(draw->value) + " below the rate " +
                                                            fixed4(next.draw_rate) + ")"
                                                      : "the lane the regime's rules set at declaration"));
    }
    next.draw_value = draw->value;
    next.draw_selected = draw->selected;
  }
  if (s.before_reached(e.time)) ++next.late_steps;
  return accepted([next](State& st) { st.consignments[next.id] = next; });
}

bool is_consignment_type(const std::string& t) {
  for (const char* k : {cargo::kDeclared, cargo::kNotified, cargo::kApproved, cargo::kRejected, cargo::kArrived,
                        cargo::kInspected, cargo::kHeld, cargo::kCleared, cargo::kTurnedBack, cargo::kCrossed,
                        cargo::kDelivered, cargo::kOverridden}) {
    if (t == k) return true;
  }
  return false;
}

}  // namespace

Result<std::string> declaration_payload(const State& s, const std::string& declaration_json, core::UnixSeconds at,
                                        const std::string& where) {
  CORRIDOR_TRY(regime::Declaration d, regime::parse_declaration(declaration_json, where + ": declaration"));
  if (auto why = time_problem(s, at); !why.empty()) {
    return core::refuse(ErrorCode::kInvalidArgument, "L-TIME", "refused by rule L-TIME: " + why);
  }
  // The lead time is measured from when the declaration entered the log, which the sender does not
  // choose: a declared_at of its own may only restate that time (within the clocks' tolerance).
  if (d.declared_at && (*d.declared_at > at + cargo::kTimeTolerance || *d.declared_at + cargo::kTimeTolerance < at)) {
    return core::refuse(ErrorCode::kInvalidArgument, "L-TIME",
                        where + ": declaration: /declared_at " + core::format_iso8601(*d.declared_at) +
                            " is not when it is declared (" + core::format_iso8601(at) + ", tolerance " +
                            std::to_string(cargo::kTimeTolerance) + " s): the lead time runs from the declaration's event");
  }
  d.declared_at = at;
  // Approvals are recorded by the approving parties themselves (consign approve): a list the sender
  // writes into its declaration would change the verdict.
  if (!d.approvals.empty()) {
    return core::refuse(ErrorCode::kInvalidArgument, "L-PAYLOAD",
                        where + ": declaration: /approvals: approvals are recorded by the approving parties "
                                "(consign approve), not declared by the sender; leave it empty or out");
  }
  const auto it = s.checkpoints.find(d.checkpoint);
  if (it == s.checkpoints.end()) {
    return core::refuse(ErrorCode::kNotFound, "C-REGIME", where + ": no checkpoint '" + core::printable(d.checkpoint) +
                                                              "' in this ledger (its operator publishes its regime first)");
  }
  const PublishedRegime* r = it->second.regime_at(at);
  if (r == nullptr) {
    return core::refuse(ErrorCode::kConflict, "C-REGIME", where + ": no regime of checkpoint '" + d.checkpoint +
                                                              "' is in force at " + core::format_iso8601(at));
  }
  // A permit counts once its issuer records it: what the sender claims in `permits` is set aside,
  // and each issuer a restricted item needs becomes a party whose approval the consignment awaits.
  d.permits.clear();
  const regime::Decision dec = regime::evaluate(*r->regime, d, at);
  std::vector<std::string> approvals = r->regime->approvals;
  for (const auto& p : dec.permit_parties) {
    if (std::find(approvals.begin(), approvals.end(), p) == approvals.end()) approvals.push_back(p);
  }
  json decision = json::parse(regime::decision_json(dec));
  decision["verdict"] = decision["decision"];  // the ledger's payload names it "verdict"
  decision.erase("decision");
  return json{{"declaration", json::parse(declaration_json)},
              {"checkpoint_operator", it->second.operator_party},
              {"approvals_required", approvals},
              {"regime", {{"seq", r->seq}, {"sha256", r->sha256}}},
              {"decision", decision}}
      .dump();
}

Result<Engine::Outcome> Engine::evaluate(const Event& e, bool verify_signature, bool made_here) const {
  const std::string at = "seq " + std::to_string(e.seq) + ": ";
  const auto corrupt = [&](const std::string& why) { return fail(ErrorCode::kCorrupt, at + why); };
  const std::uint64_t next = s_.size + 1;
  if (e.seq != next) {
    return fail(ErrorCode::kCorrupt, "seq " + std::to_string(next) + ": " +
                                         (e.seq < next ? "event " + std::to_string(e.seq) + " appears again or out of order"
                                                       : "event missing (the next stored is " + std::to_string(e.seq) + ")"));
  }
  if (e.prev_hash != s_.last_hash) return corrupt("prev_hash does not match the hash of the event before");
  ledger::Digest digest{};
  ledger::Signature sig{};
  if (!made_here) {
    digest = ledger::sha256(ledger::canonical_bytes(e));
    if (ledger::to_hex(digest) != e.hash) return corrupt("hash does not match the event's contents");
    auto s = ledger::from_hex<64>(e.signature, "signature");
    if (!s) return corrupt("signature is not 128 hex digits");
    sig = *s;
  }

  // The payload, parsed once. A payload that cannot be read is a rule matter (the hash and
  // signature cover its bytes as they are) unless the signing key itself depends on it.
  json p;
  std::string payload_problem;
  if (auto ok = core::check_json_text(e.payload, "payload", core::kMaxEventBytes); !ok) {
    payload_problem = ok.error().message;
  } else {
    try {
      p = json::parse(e.payload);
      if (!made_here && p.dump() != e.payload) payload_problem = "payload is not in canonical form";
    } catch (const json::exception&) {
      payload_problem = "payload is not valid JSON";
    }
  }
  const auto pinned_differs = [&](const std::string& name, const ledger::PublicKey& key) {
    if (opts_.pinned == nullptr) return false;
    const auto it = opts_.pinned->find(name);
    return it != opts_.pinned->end() && it->second != key;
  };

  // Whose key signed it.
  ledger::PublicKey key{};
  bool have_key = false;
  std::optional<Genesis> genesis;
  if (e.seq == 1 && e.type == kGenesis) {
    if (!payload_problem.empty()) return corrupt("the genesis: " + payload_problem);
    if (!p.is_object() || p.size() != 2 || !p.contains("document") || !p.contains("signatures") ||
        !p["signatures"].is_object()) {
      return corrupt("the genesis payload is {\"document\", \"signatures\"}");
    }
    auto g = parse_genesis_document(p["document"].dump(), at + "the genesis");
    if (!g) return fail(ErrorCode::kCorrupt, g.error().message);
    const ledger::Digest gd = genesis_digest(*g);
    if (p["signatures"].size() != g->parties.size()) {
      return corrupt("the genesis carries " + std::to_string(p["signatures"].size()) + " signatures for " +
                     std::to_string(g->parties.size()) + " founding parties");
    }
    for (const auto& party : g->parties) {
      const auto s = str(p["signatures"], party.name.c_str());
      auto bytes = s ? ledger::from_hex<64>(*s, "signature") : core::Result<ledger::Signature>(core::fail(ErrorCode::kParse, ""));
      if (!bytes || !ledger::verify(party.public_key, gd, *bytes)) {  // checked even when made here
        return corrupt("founding party '" + party.name + "' has not signed this genesis");
      }
      if (pinned_differs(party.name, party.public_key)) {
        return corrupt("party '" + party.name + "' is a founder with a key other than the pinned one");
      }
    }
    const GenesisParty* convener = g->party(e.actor);
    if (convener == nullptr) return corrupt("the genesis is signed by '" + core::printable(e.actor) + "', not a founding party");
    key = convener->public_key;
    have_key = true;
    if (e.time != g->created) {
      return corrupt("the genesis event is dated " + core::format_iso8601(e.time) + ", its document says it was created " +
                     core::format_iso8601(g->created));
    }
    genesis = std::move(*g);
  } else if (e.type == kPartyRegistered && payload_problem.empty() && str(p, "name") == e.actor && e.subject == e.actor &&
             !s_.members.contains(e.actor)) {
    // A self-registration is signed by the key it registers.
    if (auto k = ledger::from_hex<32>(str(p, "public_key").value_or(""), "public_key"); k) {
      key = *k;
      have_key = true;
      if (pinned_differs(e.actor, key)) return corrupt("party '" + e.actor + "' registered with a key other than the pinned one");
    }
  }
  if (!have_key) {
    const Member* m = s_.member(e.actor);
    if (m == nullptr) {
      return corrupt("actor '" + core::printable(e.actor) + "' is not a member of this ledger: nothing can check its signature");
    }
    key = m->key;
  }
  if (verify_signature && !made_here && !ledger::verify(key, digest, sig)) {
    return corrupt("signature does not verify: this is not what '" + core::printable(e.actor) + "' signed");
  }
  if (e.type == kPartyAdmitted && payload_problem.empty()) {
    const auto k = ledger::from_hex<32>(str(p, "public_key").value_or(""), "public_key");
    if (k && pinned_differs(str(p, "name").value_or(""), *k)) {
      return corrupt("party '" + str(p, "name").value_or("") + "' admitted with a key other than the pinned one");
    }
  }

  // The rules.
  if (genesis) return genesis_change(e, *genesis);
  if (!payload_problem.empty()) return refused(e, "L-PAYLOAD", payload_problem);
  if (!p.is_object()) return refused(e, "L-PAYLOAD", "the payload is a JSON object");
  // An event a node signed with a key it holds for the party (a web user's custodial key) says so:
  // {"custody": "<the node's public key>"}. It is part of what was signed; the rules look past it.
  if (p.contains("custody")) {
    if (!p["custody"].is_string() || !ledger::from_hex<32>(p["custody"].get<std::string>(), "custody")) {
      return refused(e, "L-PAYLOAD", "custody is the public key (64 hex digits) of the node holding the party's key");
    }
    p.erase("custody");
  }
  if (e.type == kGenesis) return refused(e, "L-GENESIS", "only the first event of a ledger is its genesis");
  if (auto why = time_problem(s_, e.time); !why.empty()) return refused(e, "L-TIME", why);
  if (e.type == kPartyRegistered && !s_.members.contains(e.actor)) return party_joins(s_, e, p);
  const Member& actor = *s_.member(e.actor);
  if (!actor.active()) {
    return refused(e, "P-MEMBER", "'" + e.actor + "' was revoked at seq " + std::to_string(*actor.revoked_at) +
                                      " and may no longer act");
  }
  const std::string& t = e.type;
  if (t == kPartyRegistered || t == kPartyAdmitted) return party_joins(s_, e, p);
  if (t == kKeyRotated) return key_rotation(s_, e, p);
  if (t == kPartyRevoked) return revocation(s_, e, p);
  if (t == kCheckpointRegistered) return checkpoint_registration(s_, e, p);
  if (t == kRegimePublished) return regime_publication(s_, e, p, actor);
  if (t == kSettlementRegistered) return settlement_registration(s_, e, p, actor);
  if (t == kStockOpening || t == kStockCounted) return stock_record(s_, e, p, actor);
  if (is_consignment_type(t)) return consignment_step(s_, e, p, actor);
  return refused(e, "L-TYPE", "unknown event type '" + core::printable(t) + "'");
}

void Engine::advance(const Event& e, const Outcome& o) {
  if (o.violation) {
    s_.violations.push_back(*o.violation);
  } else if (o.change) {
    o.change(s_);
    if (o.late || s_.before_reached(e.time)) s_.late.push_back(e.seq);
    if (s_.reached_seq == 0 || e.time >= s_.reached) {
      s_.reached = e.time;
      s_.reached_seq = e.seq;
    }
  }
  if (e.seq == 1) s_.log_id = e.hash;
  s_.size = e.seq;
  s_.last_hash = e.hash;
  // The hash was checked against the contents, or computed here (64 hex digits), before anything
  // was applied.
  s_.tree.push(ledger::merkle::leaf_hash(*ledger::from_hex<32>(e.hash, "hash")));
}

Result<void> Engine::fold(const Event& e) {
  CORRIDOR_TRY(const Outcome o, evaluate(e, e.seq > opts_.trusted_through, /*made_here=*/false));
  advance(e, o);
  return {};
}

Result<Engine::Outcome> Engine::check(const Event& e, bool signed_here) const {
  CORRIDOR_TRY(Outcome o, evaluate(e, !signed_here, signed_here));
  if (o.violation) {
    const Violation& v = *o.violation;
    return core::refuse(rule_code(v.rule), v.rule, "refused by rule " + v.rule + ": " + v.message);
  }
  return o;
}

void Engine::apply(const Event& e, const Outcome& o) { advance(e, o); }

}  // namespace corridor::rules
