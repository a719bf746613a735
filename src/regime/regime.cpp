#include "regime/regime.h"

#include "core/goods.h"
#include "core/geo.h"
#include "core/input.h"
#include "core/time.h"

#include <toml++/toml.h>

#include "core/toml_fields.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <optional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/input.h"

namespace corridor::regime {

// An HS code as people write it ("93.02", "9302 00") as its digits, 2 to 10 of them; anything else
// is refused, so that a code cannot slip past a prefix by how it is spelt.
core::Result<std::string> hs_code(const std::string& text) {
  std::string digits;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c != '.' && c != ' ') {
      return core::fail(core::ErrorCode::kParse, "is not an HS code (2 to 10 digits, dots and spaces allowed between them)");
    }
  }
  if (digits.size() < 2 || digits.size() > 10) {
    return core::fail(core::ErrorCode::kParse, "is not an HS code (2 to 10 digits, dots and spaces allowed between them)");
  }
  return digits;
}

using core::Fields;
using core::each_table;

using core::ErrorCode;
using core::fail;
using core::Result;

const char* lane_name(Lane l) { return l == Lane::kGreen ? "green" : l == Lane::kYellow ? "yellow" : "red"; }
const char* verdict_name(Verdict v) {
  return v == Verdict::kAccept ? "accept" : v == Verdict::kNeedsApproval ? "needs-approval" : "reject";
}

namespace {

Result<Lane> lane_from(const std::string& s, const std::string& where) {
  if (s == "green") return Lane::kGreen;
  if (s == "yellow") return Lane::kYellow;
  if (s == "red") return Lane::kRed;
  return fail(ErrorCode::kParse, where + "lane '" + s + "' (green, yellow or red)");
}

}  // namespace

Result<Regime> parse_regime(const std::string& text, const std::string& name) {
  CORRIDOR_TRY(toml::table doc, core::parse_toml(text, name));
  Regime r;
  r.origin = name;
  std::map<std::string, std::string> ids;  // rule id -> where first defined
  auto unique = [&](Fields& f, const std::string& id, const toml::table&) -> Result<void> {
    const std::string where = f.at_table();
    if (const auto it = ids.find(id); it != ids.end()) {
      return fail(ErrorCode::kParse, where + "duplicate rule id '" + id + "' (first at " + it->second + ")");
    }
    ids[id] = where.substr(0, where.size() - 2);
    return {};
  };
  for (const auto& [k, v] : doc) {
    static const std::set<std::string> kTop{"checkpoint", "documents", "goods", "vehicles", "coordination", "inspection"};
    if (!kTop.contains(std::string(k.str()))) {
      return fail(ErrorCode::kParse, name + ":" + std::to_string(v.source().begin.line) + ": unknown section '" +
                                         std::string(k.str()) + "'");
    }
  }
  const toml::table* cp = doc["checkpoint"].as_table();
  if (cp == nullptr) return fail(ErrorCode::kParse, name + ": missing [checkpoint]");
  {
    Fields f(*cp, name);
    CORRIDOR_CHECK(f.string("id", r.checkpoint_id, true));
    CORRIDOR_CHECK(f.string("name", r.checkpoint_name));
    CORRIDOR_CHECK(f.string("operator", r.operator_party, true));
    // Coordinates may be negative, so they are read without number()'s 0-or-more check.
    for (const char* key : {"lat", "lon"}) {
      f.claim(key);
      const toml::node* n = cp->get(key);
      if (n == nullptr) return fail(ErrorCode::kParse, f.at_table() + "missing '" + key + "'");
      if (!n->is_number()) return fail(ErrorCode::kParse, f.at(*n) + "'" + key + "' must be a number");
      (std::string(key) == "lat" ? r.lat : r.lon) = n->value<double>().value_or(0);
    }
    if (!core::valid_lat_lon({r.lat, r.lon})) return fail(ErrorCode::kParse, f.at_table() + "coordinates out of range");
    CORRIDOR_CHECK(f.string("hours", r.hours));
    std::int64_t lanes = 1;
    CORRIDOR_CHECK(f.integer("lanes", lanes));
    if (lanes < 1 || lanes > 100) return fail(ErrorCode::kParse, f.at_table() + "'lanes' must be from 1 to 100");
    r.lanes = static_cast<int>(lanes);
    CORRIDOR_CHECK(f.number("vehicles_per_hour", r.vehicles_per_hour));
    CORRIDOR_CHECK(f.no_others());
    if (r.checkpoint_name.empty()) r.checkpoint_name = r.checkpoint_id;
    if (!core::valid_identifier(r.checkpoint_id)) {
      return fail(ErrorCode::kParse, f.at_table() + "'id' must be 1-128 characters of A-Z a-z 0-9 . _ : - (not '" +
                                         core::printable(r.checkpoint_id) + "')");
    }
    if (const auto why = core::display_text_problem(r.checkpoint_name); !why.empty()) {
      return fail(ErrorCode::kParse, f.at_table() + "'name': " + why);
    }
  }
  CORRIDOR_CHECK(each_table(doc, "documents", name, [&](Fields& f) -> Result<void> {
    DocumentRule d;
    CORRIDOR_CHECK(f.string("id", d.id, true));
    CORRIDOR_CHECK(unique(f, d.id, *cp));
    CORRIDOR_CHECK(f.strings("consignment_types", d.consignment_types));
    CORRIDOR_CHECK(f.strings("required", d.required));
    if (d.required.empty()) return fail(ErrorCode::kParse, f.at_table() + "'required' lists no document");
    r.documents.push_back(std::move(d));
    return {};
  }));
  CORRIDOR_CHECK(each_table(doc, "goods", name, [&](Fields& f) -> Result<void> {
    GoodsRule g;
    CORRIDOR_CHECK(f.string("id", g.id, true));
    CORRIDOR_CHECK(unique(f, g.id, *cp));
    CORRIDOR_CHECK(f.strings("hs_prefix", g.hs_prefixes));
    for (auto& h : g.hs_prefixes) {
      auto code = hs_code(h);
      if (!code) return fail(ErrorCode::kParse, f.at_table() + "hs_prefix '" + core::printable(h) + "' " + code.error().message);
      h = *code;
    }
    CORRIDOR_CHECK(f.strings("category", g.categories));
    for (const auto& c : g.categories) CORRIDOR_CHECK(core::check_goods_category(c, f.at_table() + "category: "));
    if (g.hs_prefixes.empty() && g.categories.empty()) {
      return fail(ErrorCode::kParse, f.at_table() + "a goods rule needs 'hs_prefix' or 'category'");
    }
    std::string action;
    CORRIDOR_CHECK(f.string("action", action, true));
    if (action == "allowed") {
      g.action = Action::kAllowed;
    } else if (action == "restricted") {
      g.action = Action::kRestricted;
    } else if (action == "prohibited") {
      g.action = Action::kProhibited;
    } else {
      return fail(ErrorCode::kParse, f.at_table() + "action '" + action + "' (allowed, restricted or prohibited)");
    }
    CORRIDOR_CHECK(f.string("permit_from", g.permit_from, g.action == Action::kRestricted));
    CORRIDOR_CHECK(f.optional_number("max_quantity", g.max_quantity));
    CORRIDOR_CHECK(f.string("unit", g.unit, g.max_quantity.has_value()));
    r.goods.push_back(std::move(g));
    return {};
  }));
  CORRIDOR_CHECK(each_table(doc, "vehicles", name, [&](Fields& f) -> Result<void> {
    VehicleRule v;
    CORRIDOR_CHECK(f.string("id", v.id, true));
    CORRIDOR_CHECK(unique(f, v.id, *cp));
    CORRIDOR_CHECK(f.optional_number("max_gross_kg", v.max_gross_kg));
    CORRIDOR_CHECK(f.strings("registration", v.registrations));
    r.vehicles.push_back(std::move(v));
    return {};
  }));
  if (const toml::node* n = doc.get("coordination")) {
    const toml::table* t = n->as_table();
    if (t == nullptr) return fail(ErrorCode::kParse, name + ":" + std::to_string(n->source().begin.line) + ": [coordination] is a table");
    Fields f(*t, name);
    CORRIDOR_CHECK(f.string("id", r.coordination_id, true));
    CORRIDOR_CHECK(unique(f, r.coordination_id, *cp));
    CORRIDOR_CHECK(f.strings("approvals", r.approvals));
    CORRIDOR_CHECK(f.number("min_lead_hours", r.min_lead_hours));
    std::string from;
    CORRIDOR_CHECK(f.date_text("from", from, false));
    if (!from.empty()) {
      CORRIDOR_TRY(r.coordination_from, core::parse_iso8601(from + "T00:00:00Z", f.at_table() + "'from'"));
    }
    CORRIDOR_CHECK(f.no_others());
  }
  if (const toml::node* n = doc.get("inspection")) {
    const toml::table* t = n->as_table();
    if (t == nullptr) return fail(ErrorCode::kParse, name + ":" + std::to_string(n->source().begin.line) + ": [inspection] is a table");
    Fields f(*t, name);
    CORRIDOR_CHECK(f.string("id", r.inspection_id, true));
    CORRIDOR_CHECK(unique(f, r.inspection_id, *cp));
    CORRIDOR_CHECK(f.number("random_rate", r.random_rate));
    if (r.random_rate > 1) return fail(ErrorCode::kParse, f.at_table() + "'random_rate' is a share, from 0 to 1");
    std::string lane = "red";
    CORRIDOR_CHECK(f.string("random_lane", lane));
    CORRIDOR_TRY(r.random_lane, lane_from(lane, f.at_table()));
    if (t->contains("seed")) {
      return fail(ErrorCode::kParse, f.at_table() + "'seed' is no longer read: the random draw is made at inspection "
                                                    "from the operator's signature over the declaration (docs/formats.md)");
    }
    f.claim("rules");
    CORRIDOR_CHECK(each_table(*t, "rules", name, [&](Fields& rf) -> Result<void> {
      InspectionRule ir;
      CORRIDOR_CHECK(rf.string("id", ir.id, true));
      CORRIDOR_CHECK(unique(rf, ir.id, *cp));
      CORRIDOR_CHECK(rf.strings("hs_prefix", ir.hs_prefixes));
      for (auto& h : ir.hs_prefixes) {
        auto code = hs_code(h);
        if (!code) return fail(ErrorCode::kParse, rf.at_table() + "hs_prefix '" + core::printable(h) + "' " + code.error().message);
        h = *code;
      }
      CORRIDOR_CHECK(rf.strings("category", ir.categories));
      for (const auto& c : ir.categories) CORRIDOR_CHECK(core::check_goods_category(c, rf.at_table() + "category: "));
      std::string l;
      CORRIDOR_CHECK(rf.string("lane", l, true));
      CORRIDOR_TRY(ir.lane, lane_from(l, rf.at_table()));
      r.inspection.push_back(std::move(ir));
      return {};
    }));
    CORRIDOR_CHECK(f.no_others());
  }
  return r;
}

Result<Regime> read_regime(const std::string& path) {
  CORRIDOR_TRY(const std::string text, core::read_file_limited(path, "regime file", core::kMaxDocumentBytes));
  return parse_regime(text, path);
}

namespace {
using nlohmann::json;

struct Reader {
  const json& j;
  std::string name;
  std::string ptr;

  Result<std::string> str(const char* key, bool required) const {
    if (!j.contains(key)) {
      if (required) return fail(ErrorCode::kParse, name + ": " + ptr + "/" + key + ": missing");
      return std::string();
    }
    if (!j[key].is_string()) return fail(ErrorCode::kParse, name + ": " + ptr + "/" + key + ": must be a string");
    // Whatever a declaration says is stored in the log and printed on terminals and pages: no
    // control or bidirectional characters (which could forge a line of a report), bounded in size.
    std::string text = j[key].get<std::string>();
    if (const auto why = core::free_text_problem(text); !why.empty()) {
      return fail(ErrorCode::kParse, name + ": " + ptr + "/" + key + ": " + why);
    }
    return text;
  }
  // A number from 0 to `max`: every quantity has a bound, so that no sum of them overflows into
  // infinity or a figure no consignment could carry.
  Result<double> num(const char* key, bool required, double fallback = 0, double max = 1e9) const {
    if (!j.contains(key)) {
      if (required) return fail(ErrorCode::kParse, name + ": " + ptr + "/" + key + ": missing");
      return fallback;
    }
    if (!j[key].is_number() || !std::isfinite(j[key].get<double>()) || j[key].get<double>() < 0 ||
        j[key].get<double>() > max) {
      std::ostringstream range;
      range << max;
      return fail(ErrorCode::kParse, name + ": " + ptr + "/" + key + ": must be a number from 0 to " + range.str());
    }
    return j[key].get<double>();
  }
  Result<std::vector<std::string>> strs(const char* key) const {
    std::vector<std::string> out;
    if (!j.contains(key)) return out;
    if (!j[key].is_array()) return fail(ErrorCode::kParse, name + ": " + ptr + "/" + key + ": must be an array");
    for (std::size_t i = 0; i < j[key].size(); ++i) {
      if (!j[key][i].is_string()) {
        return fail(ErrorCode::kParse, name + ": " + ptr + "/" + key + "/" + std::to_string(i) + ": must be a string");
      }
      if (const auto why = core::free_text_problem(j[key][i].get<std::string>()); !why.empty()) {
        return fail(ErrorCode::kParse, name + ": " + ptr + "/" + key + "/" + std::to_string(i) + ": " + why);
      }
      out.push_back(j[key][i].get<std::string>());
    }
    return out;
  }
  Result<void> only(std::initializer_list<const char*> keys) const {
    for (const auto& [k, v] : j.items()) {
      if (std::none_of(keys.begin(), keys.end(), [&](const char* x) { return k == x; })) {
        return fail(ErrorCode::kParse, name + ": " + ptr + "/" + k + ": unknown field");
      }
    }
    return {};
  }
};
}  // namespace

Result<Declaration> parse_declaration(const std::string& text, const std::string& name) {
  CORRIDOR_CHECK(core::check_json_text(text, name));
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    const std::size_t line = static_cast<std::size_t>(
        std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(std::min(e.byte, text.size())), '\n')) + 1;
    return fail(ErrorCode::kParse, name + ":" + std::to_string(line) + ": not valid JSON: " + e.what());
  } catch (const json::exception& e) {
    return fail(ErrorCode::kParse, name + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) return fail(ErrorCode::kParse, name + ": /: a declaration is a JSON object");
  const Reader r{j, name, ""};
  CORRIDOR_CHECK(r.only({"id", "type", "sender", "receiver", "origin", "destination", "checkpoint", "planned_arrival",
                         "declared_at", "documents", "permits", "approvals", "vehicles", "items"}));
  Declaration d;
  CORRIDOR_TRY(d.id, r.str("id", true));
  CORRIDOR_TRY(d.type, r.str("type", true));
  CORRIDOR_TRY(d.sender, r.str("sender", true));
  CORRIDOR_TRY(d.receiver, r.str("receiver", true));
  CORRIDOR_TRY(d.origin, r.str("origin", true));
  CORRIDOR_TRY(d.destination, r.str("destination", true));
  CORRIDOR_TRY(d.checkpoint, r.str("checkpoint", true));
  CORRIDOR_TRY(std::string arrival, r.str("planned_arrival", true));
  CORRIDOR_TRY(d.planned_arrival, core::parse_iso8601(arrival, name + ": /planned_arrival"));
  CORRIDOR_TRY(std::string declared, r.str("declared_at", false));
  if (!declared.empty()) {
    CORRIDOR_TRY(d.declared_at, core::parse_iso8601(declared, name + ": /declared_at"));
  }
  CORRIDOR_TRY(d.documents, r.strs("documents"));
  CORRIDOR_TRY(d.approvals, r.strs("approvals"));
  if (!j.contains("items") || !j["items"].is_array() || j["items"].empty()) {
    return fail(ErrorCode::kParse, name + ": /items: a consignment lists one item or more");
  }
  for (std::size_t i = 0; i < j["items"].size(); ++i) {
    const json& it = j["items"][i];
    const std::string ptr = "/items/" + std::to_string(i);
    if (!it.is_object()) return fail(ErrorCode::kParse, name + ": " + ptr + ": an item is an object");
    const Reader ir{it, name, ptr};
    CORRIDOR_CHECK(ir.only({"description", "hs", "category", "quantity", "unit", "net_kg", "kcal_per_kg"}));
    Item item;
    CORRIDOR_TRY(item.description, ir.str("description", true));
    CORRIDOR_TRY(item.hs, ir.str("hs", false));
    if (!item.hs.empty()) {
      auto code = hs_code(item.hs);
      if (!code) return fail(ErrorCode::kParse, name + ": " + ptr + "/hs: '" + core::printable(item.hs) + "' " + code.error().message);
      item.hs = *code;
    }
    CORRIDOR_TRY(item.category, ir.str("category", false));
    if (!item.category.empty()) CORRIDOR_CHECK(core::check_goods_category(item.category, name + ": " + ptr + "/category: "));
    if (item.hs.empty() && item.category.empty()) {
      return fail(ErrorCode::kParse, name + ": " + ptr + ": an item needs 'hs' (HS code) or 'category'");
    }
    CORRIDOR_TRY(item.quantity, ir.num("quantity", true));
    CORRIDOR_TRY(item.unit, ir.str("unit", true));
    CORRIDOR_TRY(item.net_kg, ir.num("net_kg", true, 0, 1e7));  // 10,000 t: more than a convoy of 400 trucks
    if (it.contains("kcal_per_kg")) {
      CORRIDOR_TRY(item.kcal_per_kg, ir.num("kcal_per_kg", true, 0, 9500));  // pure fat is about 9,000
    }
    d.items.push_back(std::move(item));
  }
  if (j.contains("vehicles")) {
    if (!j["vehicles"].is_array()) return fail(ErrorCode::kParse, name + ": /vehicles: must be an array");
    for (std::size_t i = 0; i < j["vehicles"].size(); ++i) {
      const json& v = j["vehicles"][i];
      const std::string ptr = "/vehicles/" + std::to_string(i);
      if (!v.is_object()) return fail(ErrorCode::kParse, name + ": " + ptr + ": a vehicle is an object");
      const Reader vr{v, name, ptr};
      CORRIDOR_CHECK(vr.only({"plate", "driver", "registration", "gross_kg"}));
      Vehicle veh;
      CORRIDOR_TRY(veh.plate, vr.str("plate", true));
      CORRIDOR_TRY(veh.driver, vr.str("driver", true));
      CORRIDOR_TRY(veh.registration, vr.str("registration", false));
      if (v.contains("gross_kg")) {
        CORRIDOR_TRY(veh.gross_kg, vr.num("gross_kg", true));
      }
      d.vehicles.push_back(std::move(veh));
    }
  }
  if (j.contains("permits")) {
    if (!j["permits"].is_array()) return fail(ErrorCode::kParse, name + ": /permits: must be an array");
    for (std::size_t i = 0; i < j["permits"].size(); ++i) {
      const json& p = j["permits"][i];
      const std::string ptr = "/permits/" + std::to_string(i);
      if (!p.is_object() || !p.contains("item") || !p["item"].is_number_unsigned() || !p.contains("from") ||
          !p["from"].is_string()) {
        return fail(ErrorCode::kParse, name + ": " + ptr + ": a permit is {\"item\": index, \"from\": party}");
      }
      const auto idx = p["item"].get<std::size_t>();
      if (idx >= d.items.size()) return fail(ErrorCode::kParse, name + ": " + ptr + "/item: no item " + std::to_string(idx));
      if (!core::valid_party_name(p["from"].get<std::string>())) {
        return fail(ErrorCode::kParse, name + ": " + ptr + "/from: not a party name");
      }
      d.permits.push_back({idx, p["from"].get<std::string>()});
    }
  }
  return d;
}

Result<Declaration> read_declaration(const std::string& path) {
  CORRIDOR_TRY(const std::string text, core::read_file_limited(path, "declaration", core::kMaxDocumentBytes));
  return parse_declaration(text, path);
}

std::string decision_json(const Decision& dec) {
  json reasons = json::array();
  for (const auto& x : dec.reasons) {
    reasons.push_back({{"rule", x.rule},
                       {"item", x.item ? json(*x.item) : json()},
                       {"severity", verdict_name(x.severity)},
                       {"message", x.message}});
  }
  return json{{"decision", verdict_name(dec.verdict)},
              {"lane", lane_name(dec.lane)},
              {"lane_rule", dec.lane_rule ? json(*dec.lane_rule) : json()},
              {"reasons", reasons},
              {"random_draw", {{"rate", dec.draw.rate}, {"lane", lane_name(dec.draw.lane)}, {"rule", dec.draw.rule}}}}
      .dump();
}

namespace {
// A quantity in a unit of volume or mass, in litres or kilograms; none for a count ("boxes",
// "doses") or a unit nobody listed. Names compare case-blind ("L" is "l").
struct Measure {
  enum class Kind : std::uint8_t { kVolume, kMass };
  Kind kind;
  double factor;  // to litres or kilograms
};
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
std::optional<Measure> measure_of(const std::string& unit) {
  static const std::map<std::string, Measure> kUnits = {
      {"ml", {Measure::Kind::kVolume, 0.001}}, {"l", {Measure::Kind::kVolume, 1}},       {"litre", {Measure::Kind::kVolume, 1}},
      {"liter", {Measure::Kind::kVolume, 1}},  {"litres", {Measure::Kind::kVolume, 1}},  {"liters", {Measure::Kind::kVolume, 1}},
      {"kl", {Measure::Kind::kVolume, 1000}},  {"m3", {Measure::Kind::kVolume, 1000}},   {"g", {Measure::Kind::kMass, 0.001}},
      {"kg", {Measure::Kind::kMass, 1}},       {"t", {Measure::Kind::kMass, 1000}},      {"tonne", {Measure::Kind::kMass, 1000}},
      {"tonnes", {Measure::Kind::kMass, 1000}}};
  const auto it = kUnits.find(lower(unit));
  return it == kUnits.end() ? std::nullopt : std::optional<Measure>(it->second);
}

// The item's quantity in the limit's unit, or none when the two cannot be compared (a volume
// against a mass, a count against a measure, two different counts).
std::optional<double> in_unit_of(const Item& it, const std::string& limit_unit) {
  const auto from = measure_of(it.unit), to = measure_of(limit_unit);
  if (from && to) {
    if (from->kind != to->kind) return std::nullopt;
    return it.quantity * from->factor / to->factor;
  }
  if (!from && !to && lower(it.unit) == lower(limit_unit)) return it.quantity;
  return std::nullopt;
}

bool matches(const std::vector<std::string>& prefixes, const std::vector<std::string>& categories, const Item& it) {
  for (const auto& p : prefixes) {
    if (!it.hs.empty() && it.hs.rfind(p, 0) == 0) return true;
  }
  return std::find(categories.begin(), categories.end(), it.category) != categories.end() && !it.category.empty();
}
}  // namespace

Decision evaluate(const Regime& r, const Declaration& d, core::UnixSeconds now) {
  Decision out;
  auto add = [&](const std::string& rule, std::optional<std::size_t> item, Verdict sev, std::string msg) {
    out.reasons.push_back({rule, item, sev, std::move(msg)});
    out.verdict = std::max(out.verdict, sev);
  };
  if (d.checkpoint != r.checkpoint_id) {
    add("checkpoint", std::nullopt, Verdict::kReject,
        "declared for checkpoint '" + d.checkpoint + "', this regime is '" + r.checkpoint_id + "'");
  }
  for (const auto& doc : r.documents) {
    if (!doc.consignment_types.empty() &&
        std::find(doc.consignment_types.begin(), doc.consignment_types.end(), d.type) == doc.consignment_types.end()) {
      continue;
    }
    for (const auto& req : doc.required) {
      if (std::find(d.documents.begin(), d.documents.end(), req) == d.documents.end()) {
        add(doc.id, std::nullopt, Verdict::kReject, "missing document '" + req + "'");
      }
    }
  }
  for (std::size_t i = 0; i < d.items.size(); ++i) {
    const Item& it = d.items[i];
    for (const auto& g : r.goods) {
      if (!matches(g.hs_prefixes, g.categories, it)) continue;
      if (g.action == Action::kProhibited) {
        add(g.id, i, Verdict::kReject, "'" + it.description + "' is prohibited");
        continue;
      }
      if (g.max_quantity) {
        // The limit holds whatever unit the sender writes: 50 kl is 50,000 l. A quantity that
        // cannot be put in the limit's unit is not let through unmeasured.
        const auto q = in_unit_of(it, g.unit);
        std::ostringstream msg;
        if (!q) {
          msg << "'" << it.description << "': a quantity in '" << it.unit << "' cannot be compared with the limit of "
              << *g.max_quantity << " " << g.unit << " (declare it in " << g.unit << ")";
          add(g.id, i, Verdict::kReject, msg.str());
        } else if (*q > *g.max_quantity) {
          msg << "'" << it.description << "': " << it.quantity << " " << it.unit;
          if (lower(it.unit) != lower(g.unit)) msg << " (" << *q << " " << g.unit << ")";
          msg << " exceeds the limit of " << *g.max_quantity << " " << g.unit;
          add(g.id, i, Verdict::kReject, msg.str());
        }
      }
      if (g.action == Action::kRestricted) {
        if (std::find(out.permit_parties.begin(), out.permit_parties.end(), g.permit_from) == out.permit_parties.end()) {
          out.permit_parties.push_back(g.permit_from);
        }
        const bool permitted = std::any_of(d.permits.begin(), d.permits.end(),
                                           [&](const Permit& p) { return p.item == i && p.from == g.permit_from; });
        if (!permitted) {
          add(g.id, i, Verdict::kNeedsApproval, "'" + it.description + "' needs a permit from " + g.permit_from);
        }
      }
    }
  }
  // A limit holds for the consignment, not line by line: ten lines of 5,000 l are 50,000 l.
  for (const auto& g : r.goods) {
    if (!g.max_quantity || g.action == Action::kProhibited) continue;
    double total = 0;
    std::size_t lines = 0;
    for (const Item& it : d.items) {
      if (!matches(g.hs_prefixes, g.categories, it)) continue;
      if (const auto q = in_unit_of(it, g.unit)) {
        total += *q;
        ++lines;
      }
    }
    if (lines > 1 && total > *g.max_quantity) {
      std::ostringstream msg;
      msg << lines << " lines together: " << total << " " << g.unit << " exceed the limit of " << *g.max_quantity << " "
          << g.unit << " (a limit for the consignment)";
      add(g.id, std::nullopt, Verdict::kReject, msg.str());
    }
  }
  for (std::size_t i = 0; i < d.vehicles.size(); ++i) {
    const Vehicle& v = d.vehicles[i];
    for (const auto& rule : r.vehicles) {
      if (rule.max_gross_kg && v.gross_kg && *v.gross_kg > *rule.max_gross_kg) {
        std::ostringstream msg;
        msg << "vehicle " << v.plate << ": " << *v.gross_kg << " kg exceeds " << *rule.max_gross_kg << " kg";
        add(rule.id, std::nullopt, Verdict::kReject, msg.str());
      }
      if (!rule.registrations.empty() &&
          std::find(rule.registrations.begin(), rule.registrations.end(), v.registration) == rule.registrations.end()) {
        add(rule.id, std::nullopt, Verdict::kReject,
            "vehicle " + v.plate + ": registration '" + v.registration + "' is not accepted");
      }
    }
  }
  if (!r.coordination_id.empty() && (!r.coordination_from || d.planned_arrival >= *r.coordination_from)) {
    for (const auto& party : r.approvals) {
      if (std::find(d.approvals.begin(), d.approvals.end(), party) == d.approvals.end()) {
        add(r.coordination_id, std::nullopt, Verdict::kNeedsApproval, "awaiting approval by " + party);
      }
    }
    const core::UnixSeconds declared = d.declared_at.value_or(now);
    const double lead_h = static_cast<double>(d.planned_arrival - declared) / 3600.0;
    if (lead_h < r.min_lead_hours) {
      std::ostringstream msg;
      msg << "declared " << std::max(0.0, lead_h) << " h before arrival; at least " << r.min_lead_hours << " h needed";
      add(r.coordination_id, std::nullopt, Verdict::kReject, msg.str());
    }
  }
  // Lane: the strictest rule that matches an item, else green; the draw at inspection may raise it.
  for (const auto& ir : r.inspection) {
    for (const Item& it : d.items) {
      if (matches(ir.hs_prefixes, ir.categories, it) && ir.lane > out.lane) {
        out.lane = ir.lane;
        out.lane_rule = ir.id;
      }
    }
  }
  out.draw.rate = r.random_rate;
  out.draw.lane = r.random_lane;
  out.draw.rule = r.inspection_id;
  return out;
}

}  // namespace corridor::regime
