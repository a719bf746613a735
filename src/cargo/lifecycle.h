// corridor::cargo — a consignment's lifecycle as a state machine over ledger events.
//
//   declared -> notified -> approved (every required party) -> arrived -> inspected
//     -> cleared | held | turned back (whole, or part: items removed with a reason)
//     -> crossed -> delivered (received quantities, damaged, short)
//   rejected is reachable from declared and notified (and while approvals are pending); held goes
//   on to cleared or turned back.
//
// The regime's decision recorded at declaration binds: after a "reject" nothing moves until the
// checkpoint operator records an override with its reason (consignment.overridden), or the sender
// declares the consignment anew (which starts it over). A rejected consignment may be declared anew
// too.
//
// The state is a projection: apply() folds one event into it, and refuses — citing the ledger rule
// (docs/formats.md, "Ledger rules") — any event the machine does not allow from the current state,
// from that party, with those quantities or at that time. Refusal changes nothing. The rule engine
// (src/rules) calls it for every consignment event it checks or folds; the parties' roles and the
// checkpoint's operator are the engine's to check before.
//
// May use: core, regime.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace corridor::cargo {

enum class State : std::uint8_t {
  kNone,  // no such consignment yet
  kDeclared,
  kNotified,
  kApproved,
  kRejected,
  kArrived,
  kInspected,
  kHeld,
  kCleared,
  kTurnedBack,
  kCrossed,
  kDelivered,
};
[[nodiscard]] const char* state_name(State s);

// Event types, as they appear in the ledger.
inline constexpr const char* kDeclared = "consignment.declared";
inline constexpr const char* kNotified = "consignment.notified";
inline constexpr const char* kApproved = "consignment.approved";
inline constexpr const char* kRejected = "consignment.rejected";
inline constexpr const char* kArrived = "consignment.arrived";
inline constexpr const char* kInspected = "consignment.inspected";
inline constexpr const char* kHeld = "consignment.held";
inline constexpr const char* kCleared = "consignment.cleared";
inline constexpr const char* kTurnedBack = "consignment.turned_back";
inline constexpr const char* kCrossed = "consignment.crossed";
inline constexpr const char* kDelivered = "consignment.delivered";
inline constexpr const char* kOverridden = "consignment.overridden";

// How far a step may be dated before the latest step already recorded for the consignment (clocks
// of different parties disagree by minutes); anything earlier is refused (rule L-TIME).
inline constexpr core::UnixSeconds kTimeTolerance = 300;

struct Step {
  std::string type;
  std::string actor;
  core::UnixSeconds time = 0;
  std::string payload;  // canonical JSON
};

struct Consignment {
  std::string id;
  State state = State::kNone;
  std::string sender, receiver, checkpoint, checkpoint_operator;
  std::set<std::string> approvals_required, approvals_given;
  std::vector<std::string> items;           // descriptions, by index
  std::vector<double> net_kg;               // by index
  std::vector<std::string> categories;      // by index ("" when only an HS code was given)
  std::vector<std::string> hs;              // by index ("" when only a category was given)
  std::vector<double> quantity;             // declared quantity in the item's unit, by index
  std::vector<std::string> units;           // by index
  std::vector<double> kcal_per_kg;          // declared energy, by index (0 when not declared)
  std::string destination;                  // the declaration's destination (a place id)
  std::vector<double> received;             // on delivery: quantity received per item (undamaged)
  std::size_t trucks = 0;                   // vehicles declared
  std::vector<std::string> decision_rules;  // rules the regime cited at declaration
  std::set<std::size_t> removed;            // items turned back
  std::map<State, core::UnixSeconds> entered;  // when each state was first reached
  std::string lane;                         // the lane recorded at inspection
  // The inspection draw (rules/draw.h): the declaration event's hash, the lane the regime's rules
  // set, the share drawn and its lane; once inspected, the draw's value and whether it selected.
  std::string declared_hash, rule_lane, draw_lane;
  double draw_rate = 0;
  std::optional<double> draw_value;
  bool draw_selected = false;
  std::vector<std::string> reasons;         // rejection, hold and turn-back reasons as given
  std::string verdict;                      // the regime's decision at declaration: accept, needs-approval, reject
  std::string override_reason;              // the operator's reason for overriding a reject, if any
  core::UnixSeconds latest = 0;             // the latest time of any step recorded
  std::size_t declarations = 0;             // how many times it was declared (anew after a reject)
  std::size_t late_steps = 0;               // steps recorded after the fact (rules::State::late)

  bool operator==(const Consignment&) const = default;

  // Net kilograms of item i that were received in usable condition: its declared net mass scaled by
  // received / declared quantity (0 before delivery).
  // Whether the regime's reject still holds it back.
  [[nodiscard]] bool blocked() const { return verdict == "reject" && override_reason.empty(); }
  [[nodiscard]] double received_kg(std::size_t i) const {
    if (received.size() <= i || quantity.size() <= i || quantity[i] <= 0) return 0;
    return net_kg[i] * received[i] / quantity[i];
  }
};

// Folds one event into the consignment, or says why the machine refuses it.
[[nodiscard]] core::Result<void> apply(Consignment& c, const Step& step);

}  // namespace corridor::cargo
