#include "cargo/lifecycle.h"

#include <algorithm>
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
  if (j.contains(key) && j[key].is_array()) {
    for (const auto& v : j[key]) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

std::string text(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

}  // namespace

Result<void> apply(Consignment& c, const Step& step) {
  json p;
  try {
    p = json::parse(step.payload);
  } catch (const json::exception& e) {
    return fail(ErrorCode::kParse, step.type + ": payload is not JSON: " + e.what());
  }
  if (!p.is_object()) return fail(ErrorCode::kParse, step.type + ": payload must be an object");
  auto refuse = [&](const std::string& why) {
    return fail(ErrorCode::kInvalidArgument,
                "consignment '" + c.id + "' is " + state_name(c.state) + ": " + step.type + " refused: " + why);
  };
  auto from = [&](std::initializer_list<State> allowed) {
    return std::find(allowed.begin(), allowed.end(), c.state) != allowed.end();
  };
  auto by = [&](const std::string& who) { return step.actor == who; };
  auto enter = [&](State s) {
    c.state = s;
    c.entered.try_emplace(s, step.time);
  };
  const std::string& t = step.type;

  if (t == kDeclared) {
    if (c.state != State::kNone) return refuse("already declared");
    if (!p.contains("declaration") || !p["declaration"].is_object()) return refuse("no declaration in the payload");
    const json& d = p["declaration"];
    const std::string sender = text(d, "sender");
    if (!by(sender)) return refuse("declared by '" + step.actor + "', but the declaration's sender is '" + sender + "'");
    c.sender = sender;
    c.receiver = text(d, "receiver");
    c.checkpoint = text(d, "checkpoint");
    c.destination = text(d, "destination");
    c.checkpoint_operator = text(p, "checkpoint_operator");
    for (const auto& a : string_list(p, "approvals_required")) c.approvals_required.insert(a);
    if (d.contains("items") && d["items"].is_array()) {
      for (const auto& it : d["items"]) {
        c.items.push_back(text(it, "description"));
        c.net_kg.push_back(it.contains("net_kg") && it["net_kg"].is_number() ? it["net_kg"].get<double>() : 0.0);
        c.categories.push_back(text(it, "category"));
        c.hs.push_back(text(it, "hs"));
        c.units.push_back(text(it, "unit"));
        c.quantity.push_back(it.contains("quantity") && it["quantity"].is_number() ? it["quantity"].get<double>() : 0.0);
        c.kcal_per_kg.push_back(it.contains("kcal_per_kg") && it["kcal_per_kg"].is_number() ? it["kcal_per_kg"].get<double>()
                                                                                          : 0.0);
      }
    }
    if (c.items.empty()) return refuse("a consignment lists one item or more");
    c.trucks = d.contains("vehicles") && d["vehicles"].is_array() ? d["vehicles"].size() : 0;
    if (p.contains("decision") && p["decision"].is_object() && p["decision"].contains("reasons") &&
        p["decision"]["reasons"].is_array()) {
      for (const auto& r : p["decision"]["reasons"]) c.decision_rules.push_back(text(r, "rule"));
    }
    enter(State::kDeclared);
    return {};
  }
  if (c.state == State::kNone) return refuse("no such consignment has been declared");
  if (t == kNotified) {
    if (!from({State::kDeclared})) return refuse("only a declared consignment is notified");
    if (!by(c.sender)) return refuse("only the sender '" + c.sender + "' notifies");
    enter(c.approvals_required.empty() ? State::kApproved : State::kNotified);
    return {};
  }
  if (t == kApproved) {
    if (!from({State::kNotified})) return refuse("approvals come after notification and before a decision");
    if (!c.approvals_required.contains(step.actor)) return refuse("'" + step.actor + "' is not an approving party here");
    if (c.approvals_given.contains(step.actor)) return refuse("'" + step.actor + "' has approved already");
    c.approvals_given.insert(step.actor);
    if (c.approvals_given == c.approvals_required) enter(State::kApproved);
    return {};
  }
  if (t == kRejected) {
    if (!from({State::kDeclared, State::kNotified})) return refuse("only a consignment awaiting approval is rejected");
    if (!c.approvals_required.contains(step.actor) && !by(c.checkpoint_operator)) {
      return refuse("'" + step.actor + "' may not reject it");
    }
    const std::string reason = text(p, "reason");
    if (reason.empty()) return refuse("a rejection gives its reason");
    c.reasons.push_back(reason);
    enter(State::kRejected);
    return {};
  }
  if (t == kArrived) {
    if (!from({State::kApproved})) return refuse("only an approved consignment arrives at the checkpoint");
    if (!by(c.sender) && !by(c.checkpoint_operator)) return refuse("the sender or the checkpoint records arrival");
    enter(State::kArrived);
    return {};
  }
  if (t == kInspected) {
    if (!from({State::kArrived})) return refuse("only an arrived consignment is inspected");
    if (!by(c.checkpoint_operator)) return refuse("only the checkpoint operator '" + c.checkpoint_operator + "' inspects");
    const std::string lane = text(p, "lane");
    if (lane != "green" && lane != "yellow" && lane != "red") return refuse("the lane is green, yellow or red");
    c.lane = lane;
    enter(State::kInspected);
    return {};
  }
  if (t == kHeld || t == kCleared || t == kTurnedBack) {
    if (!from({State::kInspected, State::kHeld}) || (t == kHeld && c.state == State::kHeld)) {
      return refuse("only an inspected (or held) consignment is cleared, held or turned back");
    }
    if (!by(c.checkpoint_operator)) return refuse("only the checkpoint operator decides");
    if (t == kCleared) {
      enter(State::kCleared);
      return {};
    }
    if (t == kHeld) {
      const std::string reason = text(p, "reason");
      if (reason.empty()) return refuse("a hold gives its reason");
      c.reasons.push_back(reason);
      enter(State::kHeld);
      return {};
    }
    // Turned back: whole, or some items with a reason each (the rest is cleared).
    if (p.value("whole", false)) {
      const std::string reason = text(p, "reason");
      if (reason.empty()) return refuse("turning back gives its reason");
      c.reasons.push_back(reason);
      for (std::size_t i = 0; i < c.items.size(); ++i) c.removed.insert(i);
      enter(State::kTurnedBack);
      return {};
    }
    if (!p.contains("items") || !p["items"].is_array() || p["items"].empty()) {
      return refuse("give \"whole\": true with a reason, or the items removed");
    }
    std::set<std::size_t> removing;
    std::vector<std::string> reasons;
    for (const auto& it : p["items"]) {
      if (!it.is_object() || !it.contains("item") || !it["item"].is_number_unsigned() || text(it, "reason").empty()) {
        return refuse("each item removed is {\"item\": index, \"reason\": text}");
      }
      const auto idx = it["item"].get<std::size_t>();
      if (idx >= c.items.size() || c.removed.contains(idx)) return refuse("no item " + std::to_string(idx) + " to remove");
      removing.insert(idx);
      reasons.push_back(text(it, "reason"));
    }
    c.removed.insert(removing.begin(), removing.end());
    c.reasons.insert(c.reasons.end(), reasons.begin(), reasons.end());
    enter(c.removed.size() == c.items.size() ? State::kTurnedBack : State::kCleared);
    return {};
  }
  if (t == kCrossed) {
    if (!from({State::kCleared})) return refuse("only a cleared consignment crosses");
    if (!by(c.checkpoint_operator) && !by(c.sender)) return refuse("the checkpoint or the sender records the crossing");
    enter(State::kCrossed);
    return {};
  }
  if (t == kDelivered) {
    if (!from({State::kCrossed})) return refuse("only a consignment that crossed is delivered");
    if (!by(c.receiver)) return refuse("only the receiver '" + c.receiver + "' confirms delivery");
    if (!p.contains("received") || !p["received"].is_array()) return refuse("delivery lists what was received");
    for (const auto& r : p["received"]) {
      if (!r.is_object() || !r.contains("item") || !r["item"].is_number_unsigned() || !r.contains("quantity") ||
          !r["quantity"].is_number() || r["quantity"].get<double>() < 0) {
        return refuse("each received line is {\"item\": index, \"quantity\": n, \"damaged\"?: n, \"short\"?: n}");
      }
      const auto idx = r["item"].get<std::size_t>();
      if (idx >= c.items.size() || c.removed.contains(idx)) return refuse("item " + std::to_string(idx) + " did not cross");
      const double q = r["quantity"].get<double>();
      if (c.quantity[idx] > 0 && q > c.quantity[idx]) {
        return refuse("item " + std::to_string(idx) + ": received " + std::to_string(q) + ", more than the " +
                      std::to_string(c.quantity[idx]) + " declared");
      }
    }
    c.received.assign(c.items.size(), 0.0);
    for (const auto& r : p["received"]) {
      // What can be used: the quantity received less any of it found damaged.
      const double damaged = r.contains("damaged") && r["damaged"].is_number() ? r["damaged"].get<double>() : 0.0;
      c.received[r["item"].get<std::size_t>()] += std::max(0.0, r["quantity"].get<double>() - std::max(0.0, damaged));
    }
    enter(State::kDelivered);
    return {};
  }
  return refuse("unknown event type");
}

}  // namespace corridor::cargo
