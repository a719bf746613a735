#include "cargo/lifecycle.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace corridor::cargo {

using core::ErrorCode;
using core::fail;
using core::Result;
using nlohmann::json;

const char* state_name(State s) {
  switch (s) {
    case State::kNone: return "none";
    case State::kDeclared: return "declared";
    case State::kNotified: return "notified";
    case State::kApproved: return "approved";
    case State::kRejected: return "rejected";
    case State::kArrived: return "arrived";
    case State::kInspected: return "inspected";
    case State::kHeld: return "held";
    case State::kCleared: return "cleared";
    case State::kTurnedBack: return "turned back";
    case State::kCrossed: return "crossed";
    case State::kDelivered: return "delivered";
  }
  return "?";
}

namespace {

std::vector<std::string> string_list(const json& j, const char* key) {
  std::vector<std::string> out;
  if (j.is_object() && j.contains(key) && j[key].is_array()) {
    for (const auto& v : j[key]) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

std::string text(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// A quantity as people write it: 20000, 19.5.
std::string core_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

}  // namespace

Result<void> apply(Consignment& c, const Step& step) {
  json p;
  try {
    p = json::parse(step.payload);
  } catch (const json::exception&) {
    return core::refuse(ErrorCode::kInvalidArgument, "L-PAYLOAD", step.type + ": payload is not JSON");
  }
  const auto say = [&](const std::string& why) {
    return "consignment '" + c.id + "' is " + state_name(c.state) + ": " + step.type + " refused: " + why;
  };
  const auto refuse = [&](const char* rule, const std::string& why) {
    const std::string r = rule;
    const ErrorCode code = r == "C-ROLE" ? ErrorCode::kForbidden
                           : r == "C-STATE" || r == "C-BIND" ? ErrorCode::kConflict
                                                               : ErrorCode::kInvalidArgument;
    return core::refuse(code, r, say(why));
  };
  if (!p.is_object()) return refuse("L-PAYLOAD", "payload must be an object");
  auto from = [&](std::initializer_list<State> allowed) {
    return std::find(allowed.begin(), allowed.end(), c.state) != allowed.end();
  };
  auto by = [&](const std::string& who) { return step.actor == who; };
  auto enter = [&](State s) {
    c.state = s;
    c.entered.try_emplace(s, step.time);
  };
  const std::string& t = step.type;
  if (c.state != State::kNone && step.time + kTimeTolerance < c.latest) {
    return refuse("L-TIME", "dated " + core::format_iso8601(step.time) + ", before the step of " +
                                core::format_iso8601(c.latest) + " by more than " + std::to_string(kTimeTolerance) + " s");
  }
  // What applies when the step is accepted: the latest time moves on.
  const auto accepted = [&]() -> Result<void> {
    c.latest = std::max(c.latest, step.time);
    return {};
  };

  if (t == kDeclared) {
    const bool anew = (c.state == State::kDeclared && c.blocked()) || c.state == State::kRejected;
    if (c.state != State::kNone && !anew) {
      return refuse("C-STATE", c.state == State::kDeclared ? "already declared (a declaration is made anew only after "
                                                             "a reject)"
                                                           : "already declared");
    }
    if (!p.contains("declaration") || !p["declaration"].is_object()) return refuse("L-PAYLOAD", "no declaration in the payload");
    const json& d = p["declaration"];
    const std::string sender = text(d, "sender");
    if (!by(sender)) {
      return refuse("C-ROLE", "declared by '" + step.actor + "', but the declaration's sender is '" + sender + "'");
    }
    if (anew && sender != c.sender) return refuse("C-ROLE", "only its sender '" + c.sender + "' declares it anew");
    Consignment fresh;
    fresh.id = c.id;
    fresh.declarations = c.declarations + 1;
    fresh.late_steps = c.late_steps;  // what was recorded after the fact stays so when declared anew
    fresh.latest = c.latest;
    fresh.sender = sender;
    fresh.receiver = text(d, "receiver");
    fresh.checkpoint = text(d, "checkpoint");
    fresh.destination = text(d, "destination");
    fresh.checkpoint_operator = text(p, "checkpoint_operator");
    for (const auto& a : string_list(p, "approvals_required")) fresh.approvals_required.insert(a);
    if (d.contains("items") && d["items"].is_array()) {
      for (const auto& it : d["items"]) {
        if (!it.is_object()) return refuse("L-PAYLOAD", "an item is an object");
        const auto number = [&](const char* key) {
          return it.contains(key) && it[key].is_number() ? it[key].get<double>() : 0.0;
        };
        fresh.items.push_back(text(it, "description"));
        fresh.net_kg.push_back(number("net_kg"));
        fresh.categories.push_back(text(it, "category"));
        fresh.hs.push_back(text(it, "hs"));
        fresh.units.push_back(text(it, "unit"));
        fresh.quantity.push_back(number("quantity"));
        fresh.kcal_per_kg.push_back(number("kcal_per_kg"));
        if (!std::isfinite(fresh.quantity.back()) || fresh.quantity.back() < 0 || !std::isfinite(fresh.net_kg.back()) ||
            fresh.net_kg.back() < 0) {
          return refuse("C-QTY", "quantities and masses are finite and 0 or more");
        }
      }
    }
    if (fresh.items.empty()) return refuse("L-PAYLOAD", "a consignment lists one item or more");
    fresh.trucks = d.contains("vehicles") && d["vehicles"].is_array() ? d["vehicles"].size() : 0;
    if (p.contains("decision") && p["decision"].is_object()) {
      const json& dec = p["decision"];
      fresh.verdict = text(dec, "verdict");
      if (dec.contains("reasons") && dec["reasons"].is_array()) {
        for (const auto& r : dec["reasons"]) fresh.decision_rules.push_back(text(r, "rule"));
      }
      fresh.rule_lane = text(dec, "lane");
      if (dec.contains("random_draw") && dec["random_draw"].is_object()) {
        const json& draw = dec["random_draw"];
        fresh.draw_lane = text(draw, "lane");
        if (draw.contains("rate") && draw["rate"].is_number()) fresh.draw_rate = draw["rate"].get<double>();
      }
    }
    c = std::move(fresh);
    enter(State::kDeclared);
    return accepted();
  }
  if (c.state == State::kNone) return refuse("C-STATE", "no such consignment has been declared");
  if (t == kOverridden) {
    if (!c.blocked()) return refuse("C-STATE", "only a consignment the regime rejected is overridden");
    if (!by(c.checkpoint_operator)) {
      return refuse("C-ROLE", "only the checkpoint operator '" + c.checkpoint_operator + "' overrides its regime");
    }
    const std::string reason = text(p, "reason");
    if (reason.empty()) return refuse("L-PAYLOAD", "an override gives its reason");
    c.override_reason = reason;
    return accepted();
  }
  if (c.blocked()) {
    return refuse("C-BIND", "the regime rejected it at declaration (rules " + [&] {
      std::string rules;
      for (const auto& r : c.decision_rules) rules += (rules.empty() ? "" : ", ") + r;
      return rules;
    }() + "); it moves only after an override by the checkpoint operator or a new declaration");
  }
  if (t == kNotified) {
    if (!from({State::kDeclared})) return refuse("C-STATE", "only a declared consignment is notified");
    if (!by(c.sender)) return refuse("C-ROLE", "only the sender '" + c.sender + "' notifies");
    enter(c.approvals_required.empty() ? State::kApproved : State::kNotified);
    return accepted();
  }
  if (t == kApproved) {
    if (!from({State::kNotified})) return refuse("C-STATE", "approvals come after notification and before a decision");
    if (!c.approvals_required.contains(step.actor)) return refuse("C-ROLE", "'" + step.actor + "' is not an approving party here");
    if (c.approvals_given.contains(step.actor)) return refuse("C-STATE", "'" + step.actor + "' has approved already");
    c.approvals_given.insert(step.actor);
    if (c.approvals_given == c.approvals_required) enter(State::kApproved);
    return accepted();
  }
  if (t == kRejected) {
    if (!from({State::kDeclared, State::kNotified})) return refuse("C-STATE", "only a consignment awaiting approval is rejected");
    if (!c.approvals_required.contains(step.actor) && !by(c.checkpoint_operator)) {
      return refuse("C-ROLE", "'" + step.actor + "' may not reject it");
    }
    const std::string reason = text(p, "reason");
    if (reason.empty()) return refuse("L-PAYLOAD", "a rejection gives its reason");
    c.reasons.push_back(reason);
    enter(State::kRejected);
    return accepted();
  }
  if (t == kArrived) {
    if (!from({State::kApproved})) return refuse("C-STATE", "only an approved consignment arrives at the checkpoint");
    if (!by(c.sender) && !by(c.checkpoint_operator)) return refuse("C-ROLE", "the sender or the checkpoint records arrival");
    enter(State::kArrived);
    return accepted();
  }
  if (t == kInspected) {
    if (!from({State::kArrived})) return refuse("C-STATE", "only an arrived consignment is inspected");
    if (!by(c.checkpoint_operator)) return refuse("C-ROLE", "only the checkpoint operator '" + c.checkpoint_operator + "' inspects");
    const std::string lane = text(p, "lane");
    if (lane != "green" && lane != "yellow" && lane != "red") return refuse("L-PAYLOAD", "the lane is green, yellow or red");
    c.lane = lane;
    enter(State::kInspected);
    return accepted();
  }
  if (t == kHeld || t == kCleared || t == kTurnedBack) {
    if (!from({State::kInspected, State::kHeld}) || (t == kHeld && c.state == State::kHeld)) {
      return refuse("C-STATE", "only an inspected (or held) consignment is cleared, held or turned back");
    }
    if (!by(c.checkpoint_operator)) return refuse("C-ROLE", "only the checkpoint operator decides");
    if (t == kCleared) {
      enter(State::kCleared);
      return accepted();
    }
    if (t == kHeld) {
      const std::string reason = text(p, "reason");
      if (reason.empty()) return refuse("L-PAYLOAD", "a hold gives its reason");
      c.reasons.push_back(reason);
      enter(State::kHeld);
      return accepted();
    }
    // Turned back: whole, or some items with a reason each (the rest is cleared).
    if (p.contains("whole") && p["whole"].is_boolean() && p["whole"].get<bool>()) {
      const std::string reason = text(p, "reason");
      if (reason.empty()) return refuse("L-PAYLOAD", "turning back gives its reason");
      c.reasons.push_back(reason);
      for (std::size_t i = 0; i < c.items.size(); ++i) c.removed.insert(i);
      enter(State::kTurnedBack);
      return accepted();
    }
    if (!p.contains("items") || !p["items"].is_array() || p["items"].empty()) {
      return refuse("L-PAYLOAD", "give \"whole\": true with a reason, or the items removed");
    }
    std::set<std::size_t> removing;
    std::vector<std::string> reasons;
    for (const auto& it : p["items"]) {
      if (!it.is_object() || !it.contains("item") || !it["item"].is_number_unsigned() || text(it, "reason").empty()) {
        return refuse("L-PAYLOAD", "each item removed is {\"item\": index, \"reason\": text}");
      }
      const auto idx = it["item"].get<std::size_t>();
      if (idx >= c.items.size() || c.removed.contains(idx) || removing.contains(idx)) {
        return refuse("C-QTY", "no item " + std::to_string(idx) + " to remove");
      }
      removing.insert(idx);
      reasons.push_back(text(it, "reason"));
    }
    c.removed.insert(removing.begin(), removing.end());
    c.reasons.insert(c.reasons.end(), reasons.begin(), reasons.end());
    enter(c.removed.size() == c.items.size() ? State::kTurnedBack : State::kCleared);
    return accepted();
  }
  if (t == kCrossed) {
    if (!from({State::kCleared})) return refuse("C-STATE", "only a cleared consignment crosses");
    if (!by(c.checkpoint_operator)) {
      return refuse("C-ROLE", "only the checkpoint operator '" + c.checkpoint_operator + "' records the crossing");
    }
    enter(State::kCrossed);
    return accepted();
  }
  if (t == kDelivered) {
    if (!from({State::kCrossed})) return refuse("C-STATE", "only a consignment that crossed is delivered");
    if (!by(c.receiver)) return refuse("C-ROLE", "only the receiver '" + c.receiver + "' confirms delivery");
    if (!p.contains("received") || !p["received"].is_array() || p["received"].empty()) {
      return refuse("L-PAYLOAD", "a delivery lists what was received: one line or more");
    }
    std::vector<double> received(c.items.size(), 0.0);
    std::set<std::size_t> seen;
    for (const auto& r : p["received"]) {
      const auto number = [&](const char* key) {
        return r.contains(key) && r[key].is_number() ? r[key].get<double>() : 0.0;
      };
      if (!r.is_object() || !r.contains("item") || !r["item"].is_number_unsigned() || !r.contains("quantity") ||
          !r["quantity"].is_number()) {
        return refuse("L-PAYLOAD", "each received line is {\"item\": index, \"quantity\": n, \"damaged\"?: n, \"short\"?: n}");
      }
      const auto idx = r["item"].get<std::size_t>();
      const std::string item = "item " + std::to_string(idx);
      if (idx >= c.items.size() || c.removed.contains(idx)) return refuse("C-QTY", item + " did not cross");
      if (!seen.insert(idx).second) return refuse("C-QTY", item + " is listed twice; a received line appears once");
      const double q = number("quantity"), damaged = number("damaged"), short_ = number("short");
      for (const char* key : {"damaged", "short"}) {
        if (r.contains(key) && !r[key].is_number()) return refuse("L-PAYLOAD", item + ": '" + key + "' is a number");
      }
      if (!std::isfinite(q) || !std::isfinite(damaged) || !std::isfinite(short_) || q < 0 || damaged < 0 || short_ < 0) {
        return refuse("C-QTY", item + ": quantities are finite and 0 or more");
      }
      if (q > c.quantity[idx]) {
        return refuse("C-QTY", item + ": received " + core_number(q) + ", more than the " + core_number(c.quantity[idx]) +
                                   " declared");
      }
      if (damaged > q) return refuse("C-QTY", item + ": " + core_number(damaged) + " damaged of " + core_number(q) + " received");
      if (q + short_ > c.quantity[idx] * (1 + 1e-9)) {
        return refuse("C-QTY", item + ": received " + core_number(q) + " and " + core_number(short_) + " short exceed the " +
                                   core_number(c.quantity[idx]) + " declared");
      }
      // What can be used: the quantity received less any of it found damaged.
      received[idx] = q - damaged;
    }
    c.received = std::move(received);
    enter(State::kDelivered);
    return accepted();
  }
  return refuse("L-TYPE", "unknown event type");
}

}  // namespace corridor::cargo
