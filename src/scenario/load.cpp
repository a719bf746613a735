// Reading a scenario file and everything it names, strictly: every complaint names file:line.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/csv.h"
#include "core/input.h"
#include "core/suggest.h"
#include "core/toml_fields.h"
#include "net/import.h"
#include "route/landmarks.h"
#include "scenario/scenario.h"

namespace corridor::scenario {

using core::ErrorCode;
using core::fail;
using core::Fields;
using core::Result;

bool is_source_type(const std::string& t) {
  return t == "party_statement" || t == "operator" || t == "observer" || t == "media";
}

std::string Scenario::open_claim_rule() const {
  return open_claim_days ? "a claim that states no end is in force for " + std::to_string(*open_claim_days) +
                               " days, or until its party speaks again"
                         : "a claim that states no end is in force until its party speaks again about the same "
                           "road or checkpoint";
}

const char* status_name(Status s) {
  return s == Status::kOpen ? "open" : s == Status::kRestricted ? "restricted" : "closed";
}

std::vector<std::string> Scenario::names_of(const std::string& id) const {
  if (const auto it = road_names.find(id); it != road_names.end() && !it->second.empty()) return it->second;
  if (const access::Place* p = place(id); p != nullptr && !p->names.empty()) return p->names;
  for (const auto& c : checkpoints) {
    if (c.id == id && !c.regime.checkpoint_name.empty()) return {c.regime.checkpoint_name};
  }
  if (const auto it = roads.find(id); it != roads.end() && !it->second.empty()) {
    const std::string label(graph().label(it->second.front()));
    if (!label.empty()) return {label};
  }
  return {id};
}

const access::Place* Scenario::place(const std::string& id) const {
  for (const auto& p : places) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

supply::Population Scenario::area_groups() const {
  supply::Population p{area_population(), {}};
  for (std::size_t i : area) {
    for (const auto& [g, n] : place_groups[i]) p.groups[g] += n;
  }
  return p;
}

std::int64_t Scenario::area_population() const {
  std::int64_t n = 0;
  for (std::size_t i : area) n += places[i].population;
  return n;
}

namespace {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s + ";") {
    if (ch == ';') {
      while (!cur.empty() && cur.back() == ' ') cur.pop_back();
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (!(ch == ' ' && cur.empty())) {
      cur += ch;
    }
  }
  return out;
}

Result<Day> day_field(Fields& f, const char* key, bool required, Day& out) {
  std::string text;
  CORRIDOR_CHECK(f.date_text(key, text, required));
  if (text.empty()) return out;
  CORRIDOR_TRY(out, supply::parse_day(text, f.at_table() + "'" + key + "'"));
  return out;
}

struct Loader {
  Scenario s;
  std::string file;
  std::string display_override;

  std::string resolve(const std::string& p) const {
    if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
    return (std::filesystem::path(s.dir) / p).lexically_normal().string();
  }

  Result<void> places(const toml::table& t) {
    Fields f(t, file);
    std::string path, population_col = "population", display;
    CORRIDOR_CHECK(f.string("file", path, true));
    CORRIDOR_CHECK(f.string("population", population_col));
    CORRIDOR_CHECK(f.strings("names", s.name_columns));
    CORRIDOR_CHECK(f.string("display", display));
    std::vector<std::string> area, sources;
    CORRIDOR_TRY(const toml::table* groups, f.table("groups"));
    std::vector<std::pair<std::string, std::string>> group_columns;  // group -> column
    if (groups != nullptr) {
      for (const auto& [k, v] : *groups) {
        if (!v.is_string()) return fail(ErrorCode::kParse, f.at(v) + "a group is 'group = \"column\"'");
        group_columns.emplace_back(std::string(k.str()), v.as_string()->get());
      }
    }
    CORRIDOR_CHECK(f.strings("area", area));
    CORRIDOR_CHECK(f.strings("sources", sources));
    CORRIDOR_CHECK(f.no_others());
    if (s.name_columns.empty()) s.name_columns = {"name"};
    if (display.empty()) display = s.name_columns.front();
    if (!display_override.empty()) display = display_override;
    if (std::find(s.name_columns.begin(), s.name_columns.end(), display) == s.name_columns.end()) {
      const std::string allowed = " (the places' name columns: " + core::word_list(s.name_columns) + ")" +
                                  core::did_you_mean(display, s.name_columns);
      if (!display_override.empty()) {  // the option's value, not the file, is wrong
        return fail(ErrorCode::kInvalidArgument, "--display-name '" + display + "' is not a name column" + allowed);
      }
      return fail(ErrorCode::kParse, f.at_table() + "display '" + display + "' is not one of the name columns" + allowed);
    }
    s.display = display;
    CORRIDOR_TRY(const core::CsvTable csv, core::read_csv(resolve(path)));
    std::vector<std::string> required{"id", "lat", "lon", population_col};
    required.insert(required.end(), s.name_columns.begin(), s.name_columns.end());
    for (const auto& [g, c] : group_columns) required.push_back(c);
    for (const auto& c : required) {
      if (!csv.column(c)) return fail(ErrorCode::kParse, csv.name + ":1: missing column '" + c + "'");
    }
    for (const auto& r : csv.rows) {
      access::Place p;
      p.origin = csv.name + ":" + std::to_string(r.line);
      p.id = core::csv_string(csv, r, "id");
      if (p.id.empty()) return fail(ErrorCode::kParse, csv.where(r, "id") + "a place needs an id");
      if (s.place(p.id) != nullptr) return fail(ErrorCode::kParse, csv.where(r, "id") + "duplicate place '" + p.id + "'");
      CORRIDOR_TRY(p.point.lat, core::csv_double(csv, r, "lat"));
      CORRIDOR_TRY(p.point.lon, core::csv_double(csv, r, "lon"));
      if (!core::valid_lat_lon(p.point)) return fail(ErrorCode::kParse, csv.where(r, "lat") + "coordinates out of range");
      if (!core::csv_string(csv, r, population_col).empty()) {
        CORRIDOR_TRY(p.population, core::csv_population(csv, r, population_col));
      }
      std::map<std::string, std::int64_t> counts;
      std::int64_t in_groups = 0;
      for (const auto& [g, c] : group_columns) {
        if (core::csv_string(csv, r, c).empty()) continue;
        CORRIDOR_TRY(const std::int64_t n, core::csv_population(csv, r, c));
        counts[g] = n;
        in_groups += n;
      }
      if (in_groups > p.population) {
        return fail(ErrorCode::kParse, p.origin + ": the population groups add up to " + std::to_string(in_groups) +
                                           ", more than the population " + std::to_string(p.population));
      }
      s.place_groups.push_back(std::move(counts));
      p.name = core::csv_string(csv, r, display);
      if (p.name.empty()) p.name = p.id;
      p.names.push_back(p.name);
      auto& by_column = s.names_by_column.emplace_back();
      for (const auto& c : s.name_columns) by_column.push_back(core::csv_string(csv, r, c));
      for (const auto& c : s.name_columns) {
        const std::string n = core::csv_string(csv, r, c);
        if (!n.empty() && std::find(p.names.begin(), p.names.end(), n) == p.names.end()) p.names.push_back(n);
      }
      s.places.push_back(std::move(p));
    }
    auto index = [&](const std::string& id, const char* what) -> Result<std::size_t> {
      for (std::size_t i = 0; i < s.places.size(); ++i) {
        if (s.places[i].id == id) return i;
      }
      return fail(ErrorCode::kNotFound, f.at_table() + what + " '" + id + "' is not a place in " + csv.name);
    };
    for (const auto& id : sources) {
      CORRIDOR_TRY(const std::size_t i, index(id, "source"));
      s.sources.push_back(i);
    }
    if (s.sources.empty()) return fail(ErrorCode::kParse, f.at_table() + "'sources' lists no place");
    for (const auto& id : area) {
      CORRIDOR_TRY(const std::size_t i, index(id, "area place"));
      s.area.push_back(i);
    }
    if (area.empty()) {
      for (std::size_t i = 0; i < s.places.size(); ++i) {
        if (s.places[i].population > 0 &&
            std::find(s.sources.begin(), s.sources.end(), i) == s.sources.end()) {
          s.area.push_back(i);
        }
      }
    }
    for (std::size_t i : s.area) {
      if (std::find(s.sources.begin(), s.sources.end(), i) != s.sources.end()) {
        return fail(ErrorCode::kParse, f.at_table() + "'" + s.places[i].id + "' is both a source and an area place");
      }
    }
    return {};
  }

  [[nodiscard]] bool is_target(const std::string& t) const {
    if (s.roads.contains(t)) return true;
    return std::any_of(s.checkpoints.begin(), s.checkpoints.end(), [&](const CheckpointDef& c) { return c.id == t; });
  }

  Result<void> known_party(const std::string& p, const std::string& where) const {
    if (s.parties.contains(p)) return {};
    return fail(ErrorCode::kNotFound, where + "unknown party '" + p + "' (the scenario's [parties] table lists them)");
  }

  Result<void> claims(const std::string& path) {
    s.claims_file = path;
    CORRIDOR_TRY(const core::CsvTable csv, core::read_csv(path));
    CORRIDOR_CHECK(csv.check_columns({"target", "status", "from", "party", "claimed_by", "source_url"},
                                     {"target", "status", "allowed", "about", "from", "until", "valid_days", "published",
                                      "party", "source_type", "claimed_by", "quote", "timeline", "source_url", "note"}));
    auto text = [&](const core::CsvRow& r, const char* col) {
      return csv.column(col) ? core::csv_string(csv, r, col) : std::string();
    };
    for (const auto& r : csv.rows) {
      Claim c;
      c.origin = csv.name + ":" + std::to_string(r.line);
      c.target = core::csv_string(csv, r, "target");
      if (!is_target(c.target)) {
        return fail(ErrorCode::kNotFound, csv.where(r, "target") + "unknown road or checkpoint '" + c.target +
                                              "' (not a road id of " + s.network_file + " nor a [[checkpoint]] id)");
      }
      const std::string st = core::csv_string(csv, r, "status");
      if (st == "open") {
        c.status = Status::kOpen;
      } else if (st == "closed") {
        c.status = Status::kClosed;
      } else if (st == "restricted") {
        c.status = Status::kRestricted;
      } else {
        return fail(ErrorCode::kParse, csv.where(r, "status") + "'" + st + "' is not a status (open, restricted, closed)" +
                                           core::did_you_mean(st, {"open", "restricted", "closed"}));
      }
      CORRIDOR_TRY(c.from, supply::parse_day(core::csv_string(csv, r, "from"), csv.where(r, "from")));
      const std::string until = text(r, "until"), valid = text(r, "valid_days");
      if (until == "replaced") {
        c.until_replaced = true;
      } else if (!until.empty()) {
        CORRIDOR_TRY(const Day u, supply::parse_day(until, csv.where(r, "until")));
        if (u <= c.from) return fail(ErrorCode::kParse, csv.where(r, "until") + "must be after 'from'");
        c.until = u;
      }
      if (!valid.empty()) {
        if (!until.empty()) {
          return fail(ErrorCode::kParse, csv.where(r, "valid_days") + "give 'until' or 'valid_days', not both");
        }
        CORRIDOR_TRY(const std::int64_t n, core::csv_int(csv, r, "valid_days"));
        if (n < 1 || n > 3660) return fail(ErrorCode::kParse, csv.where(r, "valid_days") + "out of range: 1 to 3,660 days");
        c.valid_days = static_cast<int>(n);
      }
      if (!text(r, "published").empty()) {
        CORRIDOR_TRY(const Day p, supply::parse_day(text(r, "published"), csv.where(r, "published")));
        c.published = p;
      }
      c.party = core::csv_string(csv, r, "party");
      CORRIDOR_CHECK(known_party(c.party, csv.where(r, "party")));
      c.allowed = split_list(text(r, "allowed"));
      for (const auto& a : c.allowed) CORRIDOR_CHECK(known_party(a, csv.where(r, "allowed")));
      if (!c.allowed.empty() && c.status != Status::kRestricted) {
        return fail(ErrorCode::kParse, csv.where(r, "allowed") + "only a restricted status names who may pass");
      }
      std::sort(c.allowed.begin(), c.allowed.end());
      c.about = split_list(text(r, "about"));
      for (const auto& a : c.about) CORRIDOR_CHECK(known_party(a, csv.where(r, "about")));
      std::sort(c.about.begin(), c.about.end());
      c.source_type = text(r, "source_type");
      if (!c.source_type.empty() && !is_source_type(c.source_type)) {
        return fail(ErrorCode::kParse, csv.where(r, "source_type") + "'" + c.source_type +
                                           "' is not a source type (party_statement, operator, observer, media)" +
                                           core::did_you_mean(c.source_type, {"party_statement", "operator", "observer", "media"}));
      }
      c.claimed_by = core::csv_string(csv, r, "claimed_by");
      c.source = core::csv_string(csv, r, "source_url");
      if (c.claimed_by.empty() || c.source.empty()) {
        return fail(ErrorCode::kParse, c.origin + ": a claim needs claimed_by and source_url");
      }
      c.quote = text(r, "quote");
      c.timeline = text(r, "timeline");
      c.note = text(r, "note");
      s.claims.push_back(std::move(c));
    }
    // Each party's claims on a target, in date order. A claim ends at its stated end (`until`,
    // `valid_days`), or when its party next speaks of the same target and of the same traffic (or of
    // all traffic), or by the scenario's rule for claims that state no end. Rows of one party with
    // stated ends that overlap and disagree are an error.
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < s.claims.size(); ++i) groups[{s.claims[i].target, s.claims[i].party}].push_back(i);
    for (auto& [key, idx] : groups) {
      std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return s.claims[a].from < s.claims[b].from; });
      for (std::size_t k = 0; k < idx.size(); ++k) {
        Claim& a = s.claims[idx[k]];
        std::optional<Day> stated = a.until;
        if (a.valid_days) stated = a.from + *a.valid_days;
        std::optional<std::size_t> next;
        for (std::size_t m = k + 1; m < idx.size(); ++m) {
          const Claim& b = s.claims[idx[m]];
          const bool covers = b.about.empty() || b.about == a.about;
          const bool differ = a.status != b.status || a.allowed != b.allowed;
          if (b.about == a.about && differ && (b.from == a.from || (stated && *stated > b.from))) {
            return fail(ErrorCode::kParse, b.origin + ": contradicts " + a.origin + ": the same party '" + a.party +
                                               "' claims '" + a.target + "' is " + status_name(a.status) + " and " +
                                               status_name(b.status) + " on " + supply::day_text(b.from));
          }
          if (covers && b.from > a.from && !next) next = idx[m];
        }
        if (stated) {
          a.ends = *stated;
          a.validity = a.until ? "until " + supply::day_text(*a.until) + " (stated)"
                               : std::to_string(*a.valid_days) + " days (stated)";
        } else {
          a.ends = INT64_MAX;
          a.validity = a.until_replaced ? "until its party speaks again (stated)"
                                        : "by the scenario's rule: " + s.open_claim_rule();
          if (!a.until_replaced && s.open_claim_days) a.ends = a.from + *s.open_claim_days;
        }
        if (next && s.claims[*next].from < a.ends) {
          a.ends = s.claims[*next].from;
          a.validity += "; replaced by " + s.claims[*next].origin;
        }
      }
    }
    return {};
  }

  // Every name a GeoJSON network gives a road (`name`, then each name_* property), for reports.
  Result<void> road_names() {
    const std::string ext = std::filesystem::path(s.network_file).extension().string();
    if (ext != ".geojson" && ext != ".json") return {};
    std::ifstream in(s.network_file, std::ios::binary);
    const nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.contains("features") || !doc["features"].is_array()) return {};  // the import has checked it
    for (const auto& f : doc["features"]) {
      const auto p = f.find("properties");
      if (p == f.end() || !p->is_object() || !p->contains("id") || !(*p)["id"].is_string()) continue;
      std::vector<std::string> names;
      auto add = [&](const nlohmann::json& v) {
        if (v.is_string() && !v.get<std::string>().empty() &&
            std::find(names.begin(), names.end(), v.get<std::string>()) == names.end()) {
          names.push_back(v.get<std::string>());
        }
      };
      // The display name, then the places' name columns in their order, then every other name_*
      // property (alphabetically): a road's names are listed as a place's are.
      if (p->contains("name")) add((*p)["name"]);
      for (const auto& k : s.name_columns) {
        if (p->contains(k)) add((*p)[k]);
      }
      for (const auto& [k, v] : p->items()) {
        if (k.rfind("name_", 0) == 0) add(v);
      }
      if (!names.empty()) s.road_names[(*p)["id"].get<std::string>()] = std::move(names);
    }
    return {};
  }

  Result<void> movements(const std::string& path) {
    s.movements_file = path;
    CORRIDOR_TRY(const core::CsvTable csv, core::read_csv(path));
    CORRIDOR_CHECK(csv.check_columns({"from", "until", "party", "movement", "direction", "claimed_by", "source_url"},
                                     {"from", "until", "party", "source_type", "claimed_by", "movement", "direction", "by", "via",
                                      "convoy", "vehicles", "trucks", "tonnes", "people", "confirmed_by", "quote", "cites",
                                      "source_url", "note"}));
    auto text = [&](const core::CsvRow& r, const char* col) {
      return csv.column(col) ? core::csv_string(csv, r, col) : std::string();
    };
    for (const auto& r : csv.rows) {
      Movement m;
      m.origin = csv.name + ":" + std::to_string(r.line);
      CORRIDOR_TRY(m.from, supply::parse_day(text(r, "from"), csv.where(r, "from")));
      CORRIDOR_TRY(m.until, supply::parse_day(text(r, "until"), csv.where(r, "until")));
      if (m.until < m.from) return fail(ErrorCode::kParse, csv.where(r, "until") + "ends before 'from'");
      m.party = text(r, "party");
      CORRIDOR_CHECK(known_party(m.party, csv.where(r, "party")));
      m.source_type = text(r, "source_type");
      if (!m.source_type.empty() && !is_source_type(m.source_type)) {
        return fail(ErrorCode::kParse, csv.where(r, "source_type") + "'" + m.source_type +
                                           "' is not a source type (party_statement, operator, observer, media)");
      }
      m.claimed_by = text(r, "claimed_by");
      m.source = text(r, "source_url");
      if (m.claimed_by.empty() || m.source.empty()) {
        return fail(ErrorCode::kParse, m.origin + ": a reported movement needs claimed_by and source_url");
      }
      m.movement = text(r, "movement");
      static const std::vector<std::string> kKinds{"goods", "vehicles", "evacuation", "people"};
      if (std::find(kKinds.begin(), kKinds.end(), m.movement) == kKinds.end()) {
        return fail(ErrorCode::kParse, csv.where(r, "movement") + "'" + m.movement + "' is not one of " +
                                           core::word_list(kKinds) + core::did_you_mean(m.movement, kKinds));
      }
      m.direction = text(r, "direction");
      if (m.direction != "in" && m.direction != "out" && m.direction != "both") {
        return fail(ErrorCode::kParse, csv.where(r, "direction") + "'" + m.direction + "' is not in, out or both");
      }
      m.by = split_list(text(r, "by"));
      for (const auto& p : m.by) CORRIDOR_CHECK(known_party(p, csv.where(r, "by")));
      m.confirmed_by = split_list(text(r, "confirmed_by"));
      for (const auto& p : m.confirmed_by) CORRIDOR_CHECK(known_party(p, csv.where(r, "confirmed_by")));
      m.via = text(r, "via");
      if (!m.via.empty() && !is_target(m.via)) {
        return fail(ErrorCode::kNotFound, csv.where(r, "via") + "'" + m.via + "' is neither a road nor a checkpoint of the scenario");
      }
      m.convoy = text(r, "convoy");
      for (const auto& [col, field] : {std::pair{"vehicles", &m.vehicles}, std::pair{"trucks", &m.trucks},
                                       std::pair{"tonnes", &m.tonnes}, std::pair{"people", &m.people}}) {
        if (text(r, col).empty()) continue;
        CORRIDOR_TRY(const double v, core::csv_double(csv, r, col));
        if (!(v >= 0) || v > 1e7) return fail(ErrorCode::kParse, csv.where(r, col) + "out of range: 0 to 10,000,000");
        *field = v;
      }
      m.quote = text(r, "quote");
      m.cites = text(r, "cites");
      m.note = text(r, "note");
      s.movements.push_back(std::move(m));
    }
    return {};
  }

  Result<void> checkpoint(Fields& f) {
    CheckpointDef c;
    c.origin = f.at_table();
    std::string regime_path;
    CORRIDOR_CHECK(f.string("id", c.id, true));
    CORRIDOR_CHECK(f.string("road", c.road, true));
    CORRIDOR_CHECK(f.string("regime", regime_path, true));
    CORRIDOR_CHECK(f.string("operator", c.operator_party));
    CORRIDOR_CHECK(f.string("capacity_note", c.capacity_note));
    Day from = s.start, until = 0;
    CORRIDOR_CHECK(day_field(f, "from", false, from));
    CORRIDOR_CHECK(day_field(f, "until", false, until));
    c.from = from;
    if (until != 0) c.until = until;
    if (!s.roads.contains(c.road)) {
      return fail(ErrorCode::kNotFound, f.at_table() + "checkpoint road '" + c.road + "' is not a road of " + s.network_file);
    }
    CORRIDOR_TRY(c.regime, regime::read_regime(resolve(regime_path)));
    if (c.operator_party.empty()) c.operator_party = c.regime.operator_party;
    CORRIDOR_CHECK(known_party(c.operator_party, f.at_table()));
    c.capacity.id = c.id;
    c.capacity.name = c.regime.checkpoint_name;
    c.capacity.vehicles_per_hour = c.regime.vehicles_per_hour;
    c.capacity.lanes = c.regime.lanes;
    c.capacity.hours = c.regime.hours;
    CORRIDOR_TRY(c.capacity.hours_per_day, access::parse_opening_hours(c.regime.hours, c.regime.origin));
    c.capacity.origin = c.origin;
    s.operators[c.id] = c.operator_party;
    s.checkpoints.push_back(std::move(c));
    return {};
  }

  Result<void> convoy(Fields& f) {
    Convoy c;
    c.origin = f.at_table();
    CORRIDOR_CHECK(f.string("id", c.id, true));
    CORRIDOR_CHECK(f.string("party", c.party, true));
    CORRIDOR_CHECK(known_party(c.party, c.origin));
    CORRIDOR_CHECK(f.string("from", c.from, true));
    CORRIDOR_CHECK(f.string("to", c.to, true));
    CORRIDOR_CHECK(f.strings("via", c.via));
    for (const auto* id : {&c.from, &c.to}) {
      if (s.place(*id) == nullptr) return fail(ErrorCode::kNotFound, c.origin + "'" + *id + "' is not a place");
    }
    for (const auto& v : c.via) {
      if (s.place(v) == nullptr) return fail(ErrorCode::kNotFound, c.origin + "via '" + v + "' is not a place");
    }
    CORRIDOR_CHECK(f.string("checkpoint", c.checkpoint));
    if (!c.checkpoint.empty() && std::none_of(s.checkpoints.begin(), s.checkpoints.end(),
                                              [&](const CheckpointDef& cp) { return cp.id == c.checkpoint; })) {
      return fail(ErrorCode::kNotFound, c.origin + "checkpoint '" + c.checkpoint + "' is not a [[checkpoint]] of the scenario");
    }
    CORRIDOR_CHECK(day_field(f, "start", true, c.start));
    Day until = 0;
    CORRIDOR_CHECK(day_field(f, "until", false, until));
    if (until != 0) c.until = until;
    std::int64_t every = 0, wait = 0, trucks = 0, lead = 48;
    CORRIDOR_CHECK(f.integer("every_days", every));
    CORRIDOR_CHECK(f.integer("wait_days", wait));
    CORRIDOR_CHECK(f.integer("trucks", trucks));
    CORRIDOR_CHECK(f.integer("declared_hours_before", lead));
    if (every < 0 || wait < 0 || lead < 0 || trucks <= 0 || trucks > 10000 || every > 3660 || wait > 3660) {
      return fail(ErrorCode::kParse, c.origin + "trucks must be 1 to 10,000; every_days, wait_days and "
                                                "declared_hours_before 0 or more (and below 3,660)");
    }
    if (every > 0 && !c.until) return fail(ErrorCode::kParse, c.origin + "a recurring convoy needs 'until'");
    c.every_days = static_cast<int>(every);
    c.wait_days = static_cast<int>(wait);
    c.trucks = static_cast<int>(trucks);
    c.declared_hours_before = static_cast<int>(lead);
    CORRIDOR_CHECK(f.string("type", c.type));
    CORRIDOR_CHECK(f.string("registration", c.registration));
    CORRIDOR_CHECK(f.string("note", c.note));
    CORRIDOR_CHECK(f.strings("documents", c.documents));
    CORRIDOR_CHECK(f.strings("approvals", c.approvals));
    for (const auto& a : c.approvals) CORRIDOR_CHECK(known_party(a, c.origin));
    CORRIDOR_TRY(const toml::table* cargo, f.table("cargo"));
    if (cargo == nullptr || cargo->empty()) return fail(ErrorCode::kParse, c.origin + "a convoy needs a cargo table");
    for (const auto& [k, v] : *cargo) {
      const std::string id(k.str());
      const std::string at = file + ":" + std::to_string(v.source().begin.line) + ": ";
      if (s.commodities.find(id) == nullptr) {
        return fail(ErrorCode::kNotFound, at + "cargo '" + id + "' is not in the commodity table");
      }
      const auto t = v.value<double>();
      if (!v.is_number() || !t || !(*t > 0) || *t > 1e6) {
        return fail(ErrorCode::kParse, at + "cargo '" + id + "' must be tonnes, more than 0");
      }
      c.cargo.push_back({id, *t});
    }
    s.convoys.push_back(std::move(c));
    return {};
  }

  Result<Scenario> load(const std::string& path) {
    file = path;
    s.path = path;
    s.dir = std::filesystem::path(path).parent_path().string();
    CORRIDOR_TRY(const toml::table doc, core::read_toml(path));
    static const std::set<std::string> kTables{"scenario", "network", "places", "parties", "operators", "claims",
                                               "checkpoint", "supply", "capacity", "convoy", "baseline",
                                               "movements", "population"};
    for (const auto& [k, v] : doc) {
      if (!kTables.contains(std::string(k.str()))) {
        return fail(ErrorCode::kParse, file + ":" + std::to_string(v.source().begin.line) + ": unknown table '" +
                                           std::string(k.str()) + "'");
      }
    }
    auto table = [&](const char* key) -> Result<const toml::table*> {
      const toml::node* n = doc.get(key);
      if (n == nullptr || !n->is_table()) return fail(ErrorCode::kParse, file + ": missing the [" + key + "] table");
      return n->as_table();
    };
    {
      CORRIDOR_TRY(const toml::table* t, table("scenario"));
      Fields f(*t, file);
      CORRIDOR_CHECK(f.string("name", s.name, true));
      CORRIDOR_CHECK(f.string("note", s.note));
      CORRIDOR_CHECK(day_field(f, "start", true, s.start));
      CORRIDOR_CHECK(day_field(f, "end", true, s.end));
      s.report_day = s.end;
      CORRIDOR_CHECK(day_field(f, "report_day", false, s.report_day));
      CORRIDOR_CHECK(f.number("snap_limit_m", s.snap_limit_m));
      CORRIDOR_CHECK(f.no_others());
      if (s.end < s.start || s.end - s.start > 3660) {
        return fail(ErrorCode::kParse, f.at_table() + "the horizon runs from 'start' to 'end' (at most ten years)");
      }
      if (s.report_day < s.start || s.report_day > s.end) {
        return fail(ErrorCode::kParse, f.at_table() + "'report_day' must lie within the horizon");
      }
    }
    {
      CORRIDOR_TRY(const toml::table* t, table("network"));
      Fields f(*t, file);
      CORRIDOR_CHECK(f.string("roads", s.network_file, true));
      CORRIDOR_CHECK(f.no_others());
      s.network_file = resolve(s.network_file);
      net::Profile profile;
      CORRIDOR_TRY(const net::Graph g, net::import_file(s.network_file, profile));
      s.network.emplace(route::add_landmarks(g, 4));
      for (std::uint32_t i = 0; i < s.graph().segment_count(); ++i) {
        const core::SegmentId sid(i);
        const std::string key(s.graph().key(sid));
        s.roads[key.empty() ? std::to_string(s.graph().segment(sid).way_id) : key].push_back(sid);
      }
    }
    {
      CORRIDOR_TRY(const toml::table* t, table("parties"));
      for (const auto& [k, v] : *t) {
        if (!v.is_string()) return fail(ErrorCode::kParse, file + ":" + std::to_string(v.source().begin.line) +
                                                               ": a party is 'id = \"description\"'");
        const std::string id(k.str());
        // `--trust all` and `operator` name every account and the operators' own: no party may take them.
        if (id == "all" || id == "operator") {
          return fail(ErrorCode::kParse, file + ":" + std::to_string(v.source().begin.line) + ": '" + id +
                                             "' is reserved (--trust all, the operators' account); name the party otherwise");
        }
        s.parties[id] = v.as_string()->get();
      }
    }
    {
      CORRIDOR_TRY(const toml::table* t, table("supply"));
      Fields f(*t, file);
      std::string needs, commodities;
      CORRIDOR_CHECK(f.string("needs", needs, true));
      CORRIDOR_CHECK(f.string("commodities", commodities, true));
      CORRIDOR_CHECK(f.number("opening_stock_days", s.opening_stock_days));
      CORRIDOR_CHECK(f.string("opening_stock_note", s.opening_stock_note));
      CORRIDOR_CHECK(f.number("truck_tonnes", s.truck_tonnes));
      if (s.truck_tonnes <= 0 || s.truck_tonnes > 100) {
        return fail(ErrorCode::kParse, f.at_table() + "truck_tonnes must be more than 0 and at most 100");
      }
      CORRIDOR_CHECK(f.no_others());
      CORRIDOR_TRY(s.needs, supply::read_needs(resolve(needs)));
      CORRIDOR_TRY(s.commodities, supply::read_commodities(resolve(commodities)));
    }
    {
      CORRIDOR_TRY(const toml::table* t, table("places"));
      CORRIDOR_CHECK(places(*t));
      CORRIDOR_CHECK(road_names());
    }
    if (const toml::node* n = doc.get("capacity")) {
      if (!n->is_table()) return fail(ErrorCode::kParse, file + ": [capacity] must be a table");
      Fields f(*n->as_table(), file);
      std::string classes;
      CORRIDOR_CHECK(f.string("classes", classes));
      CORRIDOR_CHECK(f.string("source", s.capacity_source));
      CORRIDOR_CHECK(f.no_others());
      if (!classes.empty()) {
        if (auto ok = s.classes.override_with(classes); !ok) {
          return fail(ErrorCode::kParse, f.at_table() + ok.error().message);
        }
        for (const auto& item : split_list([&] {
               std::string t = classes;
               std::replace(t.begin(), t.end(), ',', ';');
               return t;
             }())) {
          s.classes_sourced.insert(item.substr(0, item.find('=')));
        }
      }
    }
    CORRIDOR_CHECK(core::each_table(doc, "checkpoint", file, [&](Fields& f) { return checkpoint(f); }));
    {
      CORRIDOR_TRY(const toml::table* t, table("claims"));
      Fields f(*t, file);
      std::string claims_path, rule;
      CORRIDOR_CHECK(f.string("file", claims_path, true));
      CORRIDOR_CHECK(f.string("open_claims", rule));
      CORRIDOR_CHECK(f.no_others());
      if (!rule.empty() && rule != "until replaced") {
        int days = 0;
        const auto sp = rule.find(' ');
        const std::string num = rule.substr(0, sp);
        const auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), days);
        if (sp == std::string::npos || rule.substr(sp + 1) != "days" || ec != std::errc() || p != num.data() + num.size() ||
            days < 1 || days > 3660) {
          return fail(ErrorCode::kParse, f.at_table() + "open_claims '" + rule +
                                             "': write \"until replaced\" or \"N days\" (N from 1 to 3,660)");
        }
        s.open_claim_days = days;
      }
      CORRIDOR_CHECK(claims(resolve(claims_path)));
    }
    if (const toml::node* n = doc.get("operators")) {
      if (!n->is_table()) return fail(ErrorCode::kParse, file + ": [operators] must be a table");
      for (const auto& [k, v] : *n->as_table()) {
        const std::string at = file + ":" + std::to_string(v.source().begin.line) + ": ";
        const std::string target(k.str());
        if (!is_target(target)) return fail(ErrorCode::kNotFound, at + "unknown road or checkpoint '" + target + "'");
        if (!v.is_string()) return fail(ErrorCode::kParse, at + "an operator is 'target = \"party\"'");
        CORRIDOR_CHECK(known_party(v.as_string()->get(), at));
        s.operators[target] = v.as_string()->get();
      }
    }
    if (const toml::node* n = doc.get("baseline")) {
      if (!n->is_table()) return fail(ErrorCode::kParse, file + ": [baseline] must be a table");
      for (const auto& [k, v] : *n->as_table()) {
        const std::string at = file + ":" + std::to_string(v.source().begin.line) + ": ";
        const std::string target(k.str());
        if (!is_target(target)) return fail(ErrorCode::kNotFound, at + "unknown road or checkpoint '" + target + "'");
        const std::string st = v.is_string() ? v.as_string()->get() : "";
        if (st != "open" && st != "closed") return fail(ErrorCode::kParse, at + "a baseline status is \"open\" or \"closed\"");
        s.baseline[target] = st == "open" ? Status::kOpen : Status::kClosed;
      }
    }
    CORRIDOR_CHECK(core::each_table(doc, "convoy", file, [&](Fields& f) { return convoy(f); }));
    if (const toml::node* n = doc.get("movements")) {
      if (!n->is_table()) return fail(ErrorCode::kParse, file + ": [movements] must be a table");
      Fields f(*n->as_table(), file);
      std::string movements_path;
      CORRIDOR_CHECK(f.string("file", movements_path, true));
      CORRIDOR_CHECK(f.no_others());
      CORRIDOR_CHECK(movements(resolve(movements_path)));
    }
    CORRIDOR_CHECK(core::each_table(doc, "population", file, [&](Fields& f) -> Result<void> {
      PopulationCount p;
      CORRIDOR_CHECK(f.string("label", p.label, true));
      CORRIDOR_CHECK(f.string("source", p.source, true));
      CORRIDOR_CHECK(f.integer("people", p.people));
      CORRIDOR_CHECK(f.no_others());
      if (p.people < 1 || p.people > core::kMaxPopulation) {
        return fail(ErrorCode::kParse, f.at_table() + "people: out of range: 1 to " + std::to_string(core::kMaxPopulation));
      }
      s.population_counts.push_back(std::move(p));
      return {};
    }));
    std::set<std::string> ids;
    for (const auto& c : s.convoys) {
      if (!ids.insert(c.id).second) return fail(ErrorCode::kParse, c.origin + "duplicate convoy '" + c.id + "'");
    }
    for (const auto& m : s.movements) {
      if (!m.convoy.empty() && !ids.contains(m.convoy)) {
        return fail(ErrorCode::kNotFound, m.origin + ": convoy '" + m.convoy + "' is not a [[convoy]] of the scenario" +
                                              core::did_you_mean(m.convoy, std::vector<std::string>(ids.begin(), ids.end())));
      }
    }
    return std::move(s);
  }
};

}  // namespace

Result<Scenario> load_scenario(const std::string& path, const std::string& display) {
  Loader l;
  l.display_override = display;
  return l.load(path);
}

}  // namespace corridor::scenario
