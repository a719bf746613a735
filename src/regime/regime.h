// corridor::regime — a checkpoint's customs and border-control rules, and their application to a
// consignment: a Decision (accept, needs-approval, reject), an inspection lane, and every reason
// citing the rule id and the item it applies to.
//
// Rules are read from TOML (docs/formats.md, "Checkpoint regime"); declarations from JSON. Any
// unknown field, wrong type or duplicate rule id is an error naming file:line (TOML) or the JSON
// pointer (declarations).
//
// May use: core; toml++ and nlohmann-json in the .cpp files only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace corridor::regime {

enum class Action : std::uint8_t { kAllowed, kRestricted, kProhibited };
enum class Lane : std::uint8_t { kGreen, kYellow, kRed };
enum class Verdict : std::uint8_t { kAccept, kNeedsApproval, kReject };
[[nodiscard]] const char* lane_name(Lane l);
[[nodiscard]] const char* verdict_name(Verdict v);

struct DocumentRule {
  std::string id;
  std::vector<std::string> consignment_types;  // empty: every type
  std::vector<std::string> required;
};

struct GoodsRule {
  std::string id;
  std::vector<std::string> hs_prefixes;
  std::vector<std::string> categories;
  Action action = Action::kAllowed;
  std::string permit_from;                  // restricted: the party whose permit is needed
  std::optional<double> max_quantity;       // per item, in `unit`
  std::string unit;
};

struct VehicleRule {
  std::string id;
  std::optional<double> max_gross_kg;
  std::vector<std::string> registrations;  // allowed registration countries; empty: any
};

struct InspectionRule {
  std::string id;
  std::vector<std::string> hs_prefixes;
  std::vector<std::string> categories;
  Lane lane = Lane::kYellow;
};

struct Regime {
  std::string checkpoint_id, checkpoint_name, operator_party;
  double lat = 0, lon = 0;
  std::string hours = "24h";
  int lanes = 1;
  double vehicles_per_hour = 0;
  std::vector<DocumentRule> documents;
  std::vector<GoodsRule> goods;
  std::vector<VehicleRule> vehicles;
  std::string coordination_id;
  std::vector<std::string> approvals;  // parties that must approve every consignment
  // The coordination rule applies to consignments arriving on or after this moment (the statement
  // it is built from); none: always.
  std::optional<core::UnixSeconds> coordination_from;
  double min_lead_hours = 0;
  std::string inspection_id;
  double random_rate = 0;              // minimum share drawn at random for inspection
  Lane random_lane = Lane::kRed;
  std::vector<InspectionRule> inspection;
  std::string origin;                  // file name
};

[[nodiscard]] core::Result<Regime> read_regime(const std::string& path);
// An HS code as written ("93.02", "9302 00") as its digits (2 to 10); anything else is an error.
[[nodiscard]] core::Result<std::string> hs_code(const std::string& text);
[[nodiscard]] core::Result<Regime> parse_regime(const std::string& text, const std::string& name);

struct Item {
  std::string description, hs, category, unit;
  double quantity = 0;
  double net_kg = 0;
  std::optional<double> kcal_per_kg;
};
struct Vehicle {
  std::string plate, driver, registration;
  std::optional<double> gross_kg;
};
struct Permit {
  std::size_t item = 0;  // index into items
  std::string from;
};

struct Declaration {
  std::string id, type, sender, receiver, origin, destination, checkpoint;
  core::UnixSeconds planned_arrival = 0;
  std::optional<core::UnixSeconds> declared_at;
  std::vector<std::string> documents;
  std::vector<Permit> permits;
  std::vector<std::string> approvals;  // parties that have approved so far
  std::vector<Vehicle> vehicles;
  std::vector<Item> items;
};

[[nodiscard]] core::Result<Declaration> parse_declaration(const std::string& json_text, const std::string& name);
[[nodiscard]] core::Result<Declaration> read_declaration(const std::string& path);

struct Reason {
  std::string rule;                 // the rule id it cites
  std::optional<std::size_t> item;  // the item index, when it is about one
  Verdict severity;
  std::string message;
};

// The random inspection draw the regime asks for: made at inspection, not at declaration, from
// the operator's signature over the declaration's event (rules/draw.h), which the sender can neither
// compute nor steer by choosing an id. The decision records its terms.
struct RandomDraw {
  double rate = 0;         // the share drawn
  Lane lane = Lane::kRed;  // the lane a drawn consignment is inspected in at least
  std::string rule;        // the inspection rule that asks for it ("" when the regime has none)
};

struct Decision {
  Verdict verdict = Verdict::kAccept;
  Lane lane = Lane::kGreen;
  std::vector<Reason> reasons;
  std::optional<std::string> lane_rule;  // the inspection rule that set the lane, if any
  RandomDraw draw{};
  // The parties whose permit a restricted item needs, in rule order, each once. In the ledger a
  // permit counts only once its issuer records it (its approval); a declaration's `permits` are
  // the sender's claim, which only an offline check takes as given.
  std::vector<std::string> permit_parties;
};

// `now` is when the check runs (for the lead time; the declaration's declared_at wins if given).
[[nodiscard]] Decision evaluate(const Regime& r, const Declaration& d, core::UnixSeconds now);
// The decision as canonical JSON: {"decision", "lane", "lane_rule", "reasons": [{"rule", "item",
// "severity", "message"}], "random_draw": {"rate", "lane", "rule"}}. "lane" is the lane the rules
// set; the draw at inspection may raise it.
[[nodiscard]] std::string decision_json(const Decision& dec);

}  // namespace corridor::regime
