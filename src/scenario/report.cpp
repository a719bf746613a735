#include "scenario/report.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <sstream>

namespace corridor::scenario {

using nlohmann::json;

namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string thousands(double v) {
  const auto n = static_cast<std::int64_t>(std::llround(v));
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

json effective_json(const Scenario& s, const Effective& e) {
  json j = {{"status", status_name(e.status)}};
  if (e.status == Status::kRestricted) j["allowed"] = e.allowed;
  if (e.claim) {
    const Claim& c = s.claims[*e.claim];
    j["by"] = c.party;
    j["claim"] = c.origin;
    j["since"] = supply::day_text(c.from);
  } else {
    j["by"] = e.what_if ? json("what-if") : e.baseline ? json("baseline") : json(nullptr);
  }
  if (e.fallback) j["fallback"] = true;
  if (e.what_if) j["what_if"] = true;
  return j;
}

json claim_json(const Claim& c) {
  json j = {{"party", c.party},      {"status", status_name(c.status)}, {"from", supply::day_text(c.from)},
            {"claimed_by", c.claimed_by}, {"source", c.source},       {"origin", c.origin},
            {"validity", c.validity}};
  if (c.status == Status::kRestricted) j["allowed"] = c.allowed;
  if (!c.about.empty()) j["about"] = c.about;
  if (c.until) j["until"] = supply::day_text(*c.until);
  if (c.valid_days) j["valid_days"] = *c.valid_days;
  if (c.published) j["published"] = supply::day_text(*c.published);
  if (!c.source_type.empty()) j["source_type"] = c.source_type;
  if (!c.quote.empty()) j["quote"] = c.quote;
  if (!c.timeline.empty()) j["timeline"] = c.timeline;
  j["in_force_until"] = c.ends == INT64_MAX ? json(nullptr) : json(supply::day_text(c.ends));
  return j;
}

// "az_gov" or "az_gov (of icrc's traffic)": a claim's party and whose traffic it speaks of.
std::string claim_party(const json& c) {
  std::string out = c["party"].get<std::string>();
  if (c.contains("about")) {
    std::string of;
    for (const auto& a : c["about"]) of += (of.empty() ? "" : ", ") + a.get<std::string>();
    out += " (of " + of + "'s traffic)";
  }
  return out;
}

double tonnes_of(const ConvoyDay& c) { return c.moved ? c.tonnes : 0; }

bool counts(const Movement& m, const std::string& party) {
  return m.by.empty() || std::find(m.by.begin(), m.by.end(), party) != m.by.end();
}

// What each party reported moving beside what the run moved over the same days, and whether the
// run contradicts a reported delivery (or a reported hold) of one of its convoys.
json movements_json(const Scenario& s, const RunResult& r) {
  json reports = json::array();
  const Day first = r.days.empty() ? 0 : r.days.front().day, last = r.days.empty() ? -1 : r.days.back().day;
  for (const auto& m : s.movements) {
    json j = {{"from", supply::day_text(m.from)},   {"until", supply::day_text(m.until)}, {"party", m.party},
              {"claimed_by", m.claimed_by},         {"movement", m.movement},             {"direction", m.direction},
              {"by", m.by},                         {"source", m.source},                 {"origin", m.origin},
              {"quote", m.quote},                   {"note", m.note},                     {"confirmed_by", m.confirmed_by}};
    for (const auto& [k, v] : {std::pair{"vehicles", m.vehicles}, std::pair{"trucks", m.trucks}, std::pair{"tonnes", m.tonnes},
                               std::pair{"people", m.people}}) {
      j["reported"][k] = v ? json(*v) : json(nullptr);
    }
    if (!m.via.empty()) j["via"] = m.via;
    if (!m.convoy.empty()) j["convoy"] = m.convoy;
    const bool covered = m.from >= first && m.until <= last;
    j["within_run"] = covered;
    if (covered && m.direction == "in" && (m.movement == "goods" || m.movement == "vehicles")) {
      double tonnes = 0;
      std::int64_t trucks = 0;
      std::vector<std::string> moved_days;
      for (const auto& d : r.days) {
        if (d.day < m.from || d.day > m.until) continue;
        for (const auto& c : d.convoys) {
          if (!c.moved || !counts(m, c.party) || (!m.convoy.empty() && c.convoy != m.convoy)) continue;
          tonnes += tonnes_of(c);
          trucks += c.trucks;
          if (!m.convoy.empty()) moved_days.push_back(supply::day_text(d.day));
        }
      }
      j["model"] = {{"tonnes", tonnes}, {"trucks", trucks}};
      if (!m.convoy.empty()) {
        j["model"]["moved_on"] = moved_days;
        const bool reported_moved = (m.trucks && *m.trucks > 0) || (m.tonnes && *m.tonnes > 0) || (!m.trucks && !m.tonnes);
        j["agrees"] = reported_moved == !moved_days.empty();
      }
    }
    reports.push_back(j);
  }
  // Month by month: the run's tonnes in beside each reported quantity of goods in, spread evenly
  // over the days it covers (marked as such).
  json months = json::array();
  std::map<std::string, json> by_month;
  for (const auto& d : r.days) {
    const std::string month = supply::day_text(d.day).substr(0, 7);
    json& row = by_month[month];
    if (row.is_null()) row = {{"month", month}, {"model_tonnes", 0.0}, {"model_trucks", 0}, {"model_by_party", json::object()}, {"reported", json::array()}};
    for (const auto& c : d.convoys) {
      if (!c.moved) continue;
      row["model_tonnes"] = row["model_tonnes"].get<double>() + c.tonnes;
      row["model_trucks"] = row["model_trucks"].get<std::int64_t>() + c.trucks;
      row["model_by_party"][c.party] = row["model_by_party"].value(c.party, 0.0) + c.tonnes;
    }
  }
  for (const auto& m : s.movements) {
    if (!m.tonnes || m.direction != "in") continue;
    const double per_day = *m.tonnes / static_cast<double>(m.until - m.from + 1);
    std::map<std::string, double> share;
    for (Day d = m.from; d <= m.until; ++d) share[supply::day_text(d).substr(0, 7)] += per_day;
    for (const auto& [month, t] : share) {
      if (!by_month.contains(month)) continue;
      by_month[month]["reported"].push_back({{"party", m.party}, {"tonnes", t}, {"origin", m.origin}, {"spread", m.until > m.from}});
    }
  }
  for (auto& [month, row] : by_month) months.push_back(row);
  json contradicted = json::array();
  for (const auto& j : reports) {
    if (j.contains("agrees") && !j["agrees"].get<bool>()) contradicted.push_back(j["origin"]);
  }
  return {{"file", s.movements_file}, {"reports", reports}, {"months", months}, {"contradicted", contradicted}};
}

// Everything a headline figure rests on that is not data: who is trusted for each road and the
// checkpoint, how silences and open-ended claims are read, capacities and where they come from,
// the population the need is computed for (and the need at the other counts), the opening stock,
// the share of the cargo counted as food, and the stock rule.
json assumptions_json(const Scenario& s, const RunResult& r) {
  json trusted = json::array();
  std::map<std::string, std::int64_t> fallback_days;
  for (const auto& d : r.days) {
    for (const auto& [t, e] : d.status) {
      if (e.fallback) ++fallback_days[t];
    }
  }
  std::set<std::string> targets;
  for (const auto& c : s.claims) targets.insert(c.target);
  for (const auto& c : s.checkpoints) targets.insert(c.id);
  for (const auto& [t, p] : s.operators) targets.insert(t);
  for (const auto& t : targets) {
    const auto op = s.operators.find(t);
    std::string party = r.trust, why = "--trust";
    if (party.empty()) {
      party = op == s.operators.end() ? "" : op->second;
      why = op == s.operators.end() ? "no operator named: the most restrictive claim in force" : "its operator";
      for (const auto& c : s.checkpoints) {
        if (c.id == t && op != s.operators.end()) why = "its operator (the regime's [checkpoint] operator, " + c.regime.origin + ")";
      }
      if (why == "its operator") why += " ([operators], " + s.path + ")";
    }
    json j = {{"target", t}, {"party", party.empty() ? json(nullptr) : json(party)}, {"why", why},
              {"fallback_days", fallback_days.contains(t) ? fallback_days[t] : 0}};
    if (s.baseline.contains(t)) j["baseline"] = status_name(s.baseline.at(t));
    trusted.push_back(j);
  }
  std::set<std::uint8_t> classes;
  for (std::uint32_t i = 0; i < s.graph().segment_count(); ++i) classes.insert(s.graph().segment(core::SegmentId(i)).road_class);
  json roads = json::array();
  for (const std::uint8_t c : classes) {
    const std::string name(net::road_class_name(static_cast<net::RoadClass>(c)));
    const bool sourced = s.classes_sourced.contains(name);
    roads.push_back({{"class", name},
                     {"trucks_per_day", s.classes.per_day[c]},
                     {"sourced", sourced},
                     {"source", sourced ? s.capacity_source : "ASSUMED: corridor's built-in planning figure for the class, not sourced"}});
  }
  json checkpoints = json::array();
  for (const auto& c : s.checkpoints) {
    checkpoints.push_back({{"id", c.id},
                           {"vehicles_per_day", c.capacity.per_day()},
                           {"source", c.capacity_note.empty() ? "the regime's [checkpoint] figures (" + c.regime.origin + "); no source named"
                                                              : c.capacity_note}});
  }
  json population = json::array();
  for (const auto& pc : r.population_cases) {
    json j = {{"label", pc.label},   {"people", pc.people},        {"source", pc.source},
              {"need_kcal_per_day", pc.need_kcal_per_day},       {"coverage", pc.whole.coverage},
              {"days_short", pc.whole.days_short}};
    j["first_shortfall"] = pc.first_short ? json(supply::day_text(*pc.first_short)) : json(nullptr);
    population.push_back(j);
  }
  std::map<std::string, std::pair<double, double>> convoy_food;  // convoy -> (food t, all t) per trip
  for (const auto& c : s.convoys) {
    double f = 0, a = 0;
    for (const auto& line : c.cargo) {
      a += line.tonnes;
      const supply::Commodity* com = s.commodities.find(line.commodity);
      if (com != nullptr && com->kcal_per_kg > 0) f += line.tonnes;
    }
    convoy_food[c.id] = {f, a};
  }
  double food = 0, all = 0;  // tonnes moved over the run, and of them food
  for (const auto& d : r.days) {
    for (const auto& c : d.convoys) {
      if (!c.moved) continue;
      all += c.tonnes;
      food += convoy_food[c.convoy].first;
    }
  }
  json cargo = json::array();
  for (const auto& c : s.convoys) {
    cargo.push_back({{"convoy", c.id}, {"food_tonnes", convoy_food[c.id].first}, {"tonnes", convoy_food[c.id].second}});
  }
  return {{"trusted", trusted},
          {"silence", "the most restrictive claim in force for that traffic; with no claim at all, the scenario's baseline "
                      "([baseline]; open unless stated)"},
          {"open_claims", s.open_claim_rule()},
          {"capacity", {{"roads", roads}, {"checkpoints", checkpoints}}},
          {"population", population},
          {"opening_stock", {{"days", s.opening_stock_days}, {"note", s.opening_stock_note}}},
          {"food", {{"tonnes_moved", all}, {"food_tonnes_moved", food}, {"share", all > 0 ? food / all : 0.0}, {"convoys", cargo},
                    {"note", "the split of each convoy's load into commodities is the scenario's (scenario.toml); cargo with no energy "
                             "(other_goods, hygiene, medicine) counts for nothing in the need"}}},
          {"carry_over", "food not eaten on the day it arrives is stock for the next days, without losses; the need is the "
                         "energy need only (water is not carried by the convoys)"}};
}

json figures_json(const supply::PeriodFigures& p) {
  return {{"first", supply::day_text(p.first)},   {"last", supply::day_text(p.last)},
          {"need_kcal", p.need_kcal},             {"delivered_kcal", p.delivered_kcal},
          {"shortfall_kcal", p.shortfall_kcal},   {"coverage", p.coverage},
          {"days_short", p.days_short}};
}

// Runs of consecutive days on which `key(day)` is the same, as (first, last, key).
template <typename K, typename F>
std::vector<std::tuple<Day, Day, K>> spans(const RunResult& r, F key) {
  std::vector<std::tuple<Day, Day, K>> out;
  for (const auto& d : r.days) {
    K k = key(d);
    if (!out.empty() && std::get<2>(out.back()) == k && std::get<1>(out.back()) + 1 == d.day) {
      std::get<1>(out.back()) = d.day;
    } else {
      out.emplace_back(d.day, d.day, std::move(k));
    }
  }
  return out;
}

std::string label(const Scenario& s, std::size_t place) {
  const auto& p = s.places[place];
  std::string out = p.name;
  for (std::size_t i = 1; i < p.names.size(); ++i) out += (i == 1 ? " (" : "; ") + p.names[i];
  return p.names.size() > 1 ? out + ")" : out;
}

}  // namespace

json summary_json(const Scenario& s, const RunResult& r) {
  json sum;
  // Cut off, place by place.
  json places = json::array();
  for (std::size_t i : s.area) {
    json cut = json::array();
    for (const auto& [a, b, off] : spans<bool>(r, [&](const DayResult& d) {
           return std::find(d.cut_off.begin(), d.cut_off.end(), i) != d.cut_off.end();
         })) {
      if (off) cut.push_back({supply::day_text(a), supply::day_text(b)});
    }
    places.push_back({{"id", s.places[i].id}, {"name", s.places[i].name}, {"population", s.places[i].population},
                      {"cut_off", cut}});
  }
  sum["places"] = places;
  json pop = json::array();
  for (const auto& [a, b, n] : spans<std::int64_t>(r, [](const DayResult& d) { return d.cut_off_population; })) {
    pop.push_back({{"first", supply::day_text(a)}, {"last", supply::day_text(b)}, {"population_cut_off", n}});
  }
  sum["cut_off_population"] = pop;
  json cap = json::array();
  for (const auto& [a, b, k] : spans<std::tuple<std::int64_t, std::int64_t, std::vector<std::string>>>(r, [](const DayResult& d) {
         return std::make_tuple(d.capacity_open, d.capacity_with_restricted, d.bottleneck);
       })) {
    cap.push_back({{"first", supply::day_text(a)},
                   {"last", supply::day_text(b)},
                   {"trucks_per_day", std::get<0>(k)},
                   {"trucks_per_day_with_restricted", std::get<1>(k)},
                   {"bottleneck", std::get<2>(k)}});
  }
  sum["capacity"] = cap;
  // Convoys.
  json convoys = json::array();
  for (const auto& c : s.convoys) {
    std::int64_t moved = 0, blocked = 0;
    double tonnes = 0;
    std::map<std::string, std::int64_t> kinds;
    std::string first_reason, first_moved;
    for (const auto& d : r.days) {
      for (const auto& cd : d.convoys) {
        if (cd.convoy != c.id) continue;
        if (cd.moved) {
          ++moved;
          tonnes += cd.tonnes;
          if (first_moved.empty()) first_moved = supply::day_text(d.day);
        } else {
          ++blocked;
          for (const auto& k : cd.reason_kinds) ++kinds[k];
          if (first_reason.empty() && !cd.reasons.empty()) first_reason = supply::day_text(d.day) + ": " + cd.reasons.front();
        }
      }
    }
    json j = {{"id", c.id},           {"party", c.party},   {"moved", moved},           {"blocked_days", blocked},
              {"tonnes_delivered", tonnes}, {"reasons", kinds}};
    if (!first_reason.empty()) j["first_blocked"] = first_reason;
    if (!first_moved.empty()) j["first_moved"] = first_moved;
    convoys.push_back(j);
  }
  sum["convoys"] = convoys;
  // Supply.
  json supply = {{"need_kcal_per_day", r.need_kcal_per_day},
                 {"water_l_per_day", r.water_l_per_day},
                 {"opening_stock_kcal", r.opening_stock_kcal},
                 {"whole", figures_json(r.whole)}};
  if (s.needs.ration_g_per_person_day > 0) {
    const double tonnes = static_cast<double>(s.area_population()) * s.needs.ration_g_per_person_day / 1e6;
    supply["ration_g_per_person_day"] = s.needs.ration_g_per_person_day;
    supply["need_ration_tonnes_per_day"] = tonnes;
    supply["need_trucks_per_day"] = tonnes / s.truck_tonnes;
    supply["truck_tonnes"] = s.truck_tonnes;
  }
  json months = json::array();
  for (const auto& m : r.months) months.push_back(figures_json(m));
  supply["months"] = months;
  for (const auto& d : r.days) {
    if (d.supply.shortfall_kcal > 0) {
      supply["first_shortfall"] = supply::day_text(d.day);
      break;
    }
  }
  sum["supply"] = supply;
  // Conflicts: distinct sets of disagreeing claims, with the days they were in force together.
  json conflicts = json::array();
  std::map<std::pair<std::string, std::vector<std::size_t>>, std::pair<Day, Day>> sets;
  std::map<std::pair<std::string, std::vector<std::size_t>>, std::int64_t> days;
  for (const auto& d : r.days) {
    for (const auto& c : d.conflicts) {
      auto [it, fresh] = sets.try_emplace({c.target, c.claims}, d.day, d.day);
      if (!fresh) it->second.second = d.day;
      ++days[{c.target, c.claims}];
    }
  }
  std::vector<std::pair<std::pair<std::string, std::vector<std::size_t>>, std::pair<Day, Day>>> ordered(sets.begin(), sets.end());
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.first, a.second.first) < std::tie(b.first.first, b.second.first);
  });
  for (const auto& [key, range] : ordered) {
    json claims = json::array();
    for (std::size_t i : key.second) claims.push_back(claim_json(s.claims[i]));
    conflicts.push_back({{"target", key.first},
                         {"first", supply::day_text(range.first)},
                         {"last", supply::day_text(range.second)},
                         {"days", days[key]},
                         {"claims", claims}});
  }
  sum["conflicts"] = conflicts;
  sum["assumptions"] = assumptions_json(s, r);
  sum["movements"] = movements_json(s, r);
  return sum;
}

json day_json(const Scenario& s, const RunResult& r, std::size_t day_index) {
  const DayResult& d = r.days.at(day_index);
  json status = json::object();
  for (const auto& [t, e] : d.status) {
    json j = effective_json(s, e);
    json in_force = json::array();
    for (const auto& c : s.claims) {
      if (c.target == t && c.from <= d.day && d.day < c.ends) in_force.push_back(claim_json(c));
    }
    j["claims"] = in_force;
    status[t] = j;
  }
  json conflicts = json::array();
  for (const auto& c : d.conflicts) {
    json claims = json::array();
    for (std::size_t i : c.claims) claims.push_back(claim_json(s.claims[i]));
    conflicts.push_back({{"target", c.target}, {"claims", claims}});
  }
  json convoys = json::array();
  for (const auto& c : d.convoys) {
    convoys.push_back({{"convoy", c.convoy},     {"party", c.party},   {"from", c.from},   {"to", c.to},
                       {"set_out", supply::day_text(c.set_out)},   {"trucks", c.trucks}, {"tonnes", c.tonnes},
                       {"kcal", c.kcal},         {"moved", c.moved},   {"waits", c.waits}, {"reasons", c.reasons},
                       {"reason_kinds", c.reason_kinds},           {"roads", c.roads}});
  }
  json cut = json::array();
  for (std::size_t i : d.cut_off) cut.push_back(s.places[i].id);
  json fig = {{"need_kcal", d.supply.need_kcal},         {"delivered_kcal", d.supply.delivered_kcal},
              {"consumed_kcal", d.supply.consumed_kcal}, {"shortfall_kcal", d.supply.shortfall_kcal},
              {"stock_kcal", d.supply.stock_kcal},       {"coverage", d.supply.coverage},
              {"days_of_supply", d.supply.days_of_supply}};
  fig["runs_out"] = d.supply.runs_out ? json(supply::day_text(*d.supply.runs_out)) : json(nullptr);
  return {{"date", supply::day_text(d.day)},
          {"cut_off", cut},
          {"cut_off_population", d.cut_off_population},
          {"capacity_trucks_per_day", d.capacity_open},
          {"capacity_trucks_per_day_with_restricted", d.capacity_with_restricted},
          {"bottleneck", d.bottleneck},
          {"status", status},
          {"conflicts", conflicts},
          {"convoys", convoys},
          {"delivered_tonnes", d.delivered_tonnes},
          {"supply", fig}};
}

json day_geojson(const Scenario& s, const RunResult& r, std::size_t day_index) {
  const json day = day_json(s, r, day_index);
  const net::Graph& g = s.graph();
  json features = json::array();
  std::set<std::string> conflicted;
  for (const auto& c : day["conflicts"]) conflicted.insert(c["target"].get<std::string>());
  for (const auto& [id, segs] : s.roads) {
    json lines = json::array();
    std::string name;
    for (const auto seg : segs) {
      json coords = json::array();
      for (const auto& p : g.shape(seg)) {
        const auto ll = p.to_double();
        coords.push_back({ll.lon, ll.lat});
      }
      lines.push_back(coords);
      if (name.empty()) name = g.label(seg);
    }
    json props = {{"kind", "road"}, {"id", id}, {"name", name}, {"conflict", conflicted.contains(id)}};
    if (day["status"].contains(id)) {
      props.update(day["status"][id]);
    } else {
      props["status"] = status_name(s.baseline.contains(id) ? s.baseline.at(id) : Status::kOpen);
      props["by"] = "baseline";
      props["claims"] = json::array();
    }
    props["bottleneck"] = std::find(day["bottleneck"].begin(), day["bottleneck"].end(), id) != day["bottleneck"].end();
    features.push_back({{"type", "Feature"}, {"geometry", {{"type", "MultiLineString"}, {"coordinates", lines}}}, {"properties", props}});
  }
  std::set<std::string> cut;
  for (const auto& id : day["cut_off"]) cut.insert(id.get<std::string>());
  std::set<std::size_t> area(s.area.begin(), s.area.end()), sources(s.sources.begin(), s.sources.end());
  for (std::size_t i = 0; i < s.places.size(); ++i) {
    const auto& p = s.places[i];
    json props = {{"kind", sources.contains(i) ? "source" : area.contains(i) ? "place" : "other_place"},
                  {"id", p.id},
                  {"name", p.name},
                  {"names", p.names},
                  {"names_by_column", s.names_by_column[i]},
                  {"population", p.population},
                  {"cut_off", cut.contains(p.id)}};
    features.push_back({{"type", "Feature"}, {"geometry", {{"type", "Point"}, {"coordinates", {p.point.lon, p.point.lat}}}},
                        {"properties", props}});
  }
  for (const auto& c : s.checkpoints) {
    json props = {{"kind", "checkpoint"},
                  {"id", c.id},
                  {"name", c.regime.checkpoint_name},
                  {"operator", c.operator_party},
                  {"road", c.road},
                  {"capacity_per_day", c.capacity.per_day()},
                  {"conflict", conflicted.contains(c.id)},
                  {"in_force", c.in_force(r.days.at(day_index).day)}};
    if (day["status"].contains(c.id)) props.update(day["status"][c.id]);
    features.push_back({{"type", "Feature"},
                        {"geometry", {{"type", "Point"}, {"coordinates", {c.regime.lon, c.regime.lat}}}},
                        {"properties", props}});
  }
  json out = {{"type", "FeatureCollection"}, {"features", features}};
  for (const char* k : {"date", "cut_off_population", "capacity_trucks_per_day", "capacity_trucks_per_day_with_restricted",
                        "delivered_tonnes", "supply", "convoys", "conflicts"}) {
    out[k] = day[k];
  }
  out["trust"] = r.trust.empty() ? json("operator") : json(r.trust);
  return out;
}

json claims_json(const Scenario& s, const std::string& target, std::optional<Day> day) {
  json out = json::array();
  for (const auto& c : s.claims) {
    if (!target.empty() && c.target != target) continue;
    if (day && !(c.from <= *day && *day < c.ends)) continue;
    json j = claim_json(c);
    j["target"] = c.target;
    j["note"] = c.note;
    j["in_force_until"] = c.ends == INT64_MAX ? json(nullptr) : json(supply::day_text(c.ends));
    out.push_back(j);
  }
  return out;
}

json to_json(const Scenario& s, const RunResult& r, bool with_days) {
  json area = json::array();
  for (std::size_t i : s.area) {
    area.push_back({{"id", s.places[i].id}, {"name", s.places[i].name}, {"names", s.places[i].names},
                    {"names_by_column", s.names_by_column[i]}, {"population", s.places[i].population}});
  }
  json sources = json::array();
  for (std::size_t i : s.sources) sources.push_back(s.places[i].id);
  json days = json::array();
  for (std::size_t i = 0; with_days && i < r.days.size(); ++i) days.push_back(day_json(s, r, i));
  json changes = json::array();
  for (const auto& c : r.changes) {
    json j = effective_json(s, c.after);
    j["date"] = supply::day_text(c.day);
    j["target"] = c.target;
    changes.push_back(j);
  }
  return {{"scenario",
           {{"name", s.name},
            {"file", s.path},
            {"start", supply::day_text(s.start)},
            {"end", supply::day_text(s.end)},
            {"trust", r.trust.empty() ? json("operator") : json(r.trust)},
            {"display_name", s.display},
            {"name_columns", s.name_columns},
            {"roads", [&] {
               json roads = json::array();
               for (const auto& [id, segs] : s.roads) roads.push_back({{"id", id}, {"names", s.names_of(id)}});
               return roads;
             }()},
            {"checkpoints", [&] {
               json cps = json::array();
               for (const auto& c : s.checkpoints) {
                 cps.push_back({{"id", c.id}, {"names", s.names_of(c.id)}, {"operator", c.operator_party}, {"road", c.road}});
               }
               return cps;
             }()},
            {"parties", s.parties},
            {"area", area},
            {"area_population", s.area_population()},
            {"sources", sources},
            {"opening_stock_note", s.opening_stock_note}}},
          {"days", days},
          {"changes", changes},
          {"summary", summary_json(s, r)}};
}

std::string summary_text(const Scenario& s, const RunResult& r) {
  const json sum = summary_json(s, r);
  std::ostringstream out;
  out << s.name << "\n" << supply::day_text(s.start) << " to " << supply::day_text(s.end) << ", "
      << thousands(static_cast<double>(s.area_population())) << " people in " << s.area.size()
      << " listed places; status trusted: " << (r.trust.empty() ? "each road's operator" : r.trust) << "\n\n";
  const json& as = sum["assumptions"];
  out << "What these figures rest on (summary.assumptions in --json):\n";
  std::map<std::string, std::vector<std::string>> by_party;
  std::vector<std::string> silent;
  for (const auto& t : as["trusted"]) {
    by_party[t["party"].is_null() ? "(none)" : t["party"].get<std::string>()].push_back(t["target"].get<std::string>());
    if (t["fallback_days"].get<std::int64_t>() > 0) {
      silent.push_back(t["target"].get<std::string>() + " " + std::to_string(t["fallback_days"].get<std::int64_t>()) + " days");
    }
  }
  out << "  trusted: ";
  bool first_party = true;
  for (const auto& [party, targets] : by_party) {
    out << (first_party ? "" : "; ") << party << " for";
    for (const auto& t : targets) out << " " << t;
    first_party = false;
  }
  out << (r.trust.empty() ? " (each road's and checkpoint's operator)" : " (--trust)") << "\n";
  out << "  where the trusted party says nothing: the most restrictive claim in force";
  if (!silent.empty()) {
    out << " (so on:";
    for (const auto& x : silent) out << " " << x << (&x == &silent.back() ? "" : ",");
    out << ")";
  }
  out << "; with no claim, the baseline\n  claims that state no end: " << s.open_claim_rule() << "\n";
  out << "  capacity:";
  for (const auto& c : as["capacity"]["roads"]) {
    out << " " << c["class"].get<std::string>() << " " << thousands(c["trucks_per_day"].get<double>())
        << (c["sourced"].get<bool>() ? " (sourced)" : " (ASSUMED)") << ",";
  }
  for (const auto& c : as["capacity"]["checkpoints"]) {
    out << " " << c["id"].get<std::string>() << " " << thousands(c["vehicles_per_day"].get<double>()) << " ("
        << c["source"].get<std::string>() << ")";
  }
  out << "\n";
  if (!s.capacity_source.empty()) out << "    sourced: " << s.capacity_source << "\n";
  out << "  population:";
  for (const auto& p : as["population"]) {
    out << (&p == &as["population"].front() ? " " : " · ") << p["label"].get<std::string>() << " "
        << thousands(p["people"].get<double>());
  }
  out << " (the figures below use the first)\n";
  out << "  opening stock: " << fixed(s.opening_stock_days, 0) << " days of the need"
      << (s.opening_stock_note.empty() ? std::string() : " (" + s.opening_stock_note + ")") << "\n";
  out << "  food: " << fixed(100 * as["food"]["share"].get<double>(), 0) << "% of the tonnes moved count as food ("
      << as["food"]["note"].get<std::string>() << "); " << as["carry_over"].get<std::string>() << "\n\n";
  out << "People cut off from traffic open to all:\n";
  for (const auto& p : sum["cut_off_population"]) {
    out << "  " << p["first"].get<std::string>() << " .. " << p["last"].get<std::string>() << "  "
        << thousands(p["population_cut_off"].get<double>()) << "\n";
  }
  out << "\nCapacity to the area, trucks per day (open to all / counting restricted roads):\n";
  for (const auto& c : sum["capacity"]) {
    out << "  " << c["first"].get<std::string>() << " .. " << c["last"].get<std::string>() << "  "
        << thousands(c["trucks_per_day"].get<double>()) << " / " << thousands(c["trucks_per_day_with_restricted"].get<double>());
    if (!c["bottleneck"].empty() && c["trucks_per_day"].get<std::int64_t>() > 0) {
      out << "  bottleneck:";
      for (const auto& b : c["bottleneck"]) out << " " << b.get<std::string>();
    }
    out << "\n";
  }
  out << "\nConvoys:\n";
  for (const auto& c : sum["convoys"]) {
    out << "  " << c["id"].get<std::string>() << " (" << c["party"].get<std::string>() << "): moved "
        << c["moved"].get<std::int64_t>() << " times, " << fixed(c["tonnes_delivered"].get<double>(), 0)
        << " t; blocked on " << c["blocked_days"].get<std::int64_t>() << " days";
    if (c.contains("first_blocked")) out << "\n      first blocked " << c["first_blocked"].get<std::string>();
    out << "\n";
  }
  const json& sup = sum["supply"];
  out << "\nSupply: need " << thousands(sup["need_kcal_per_day"].get<double>() / 1e6) << " Mkcal a day (2,100 kcal × "
      << thousands(static_cast<double>(s.area_population())) << "; water "
      << thousands(sup["water_l_per_day"].get<double>()) << " L a day, not carried by the convoys)\n";
  if (sup.contains("need_ration_tonnes_per_day")) {
    out << "  as food: " << fixed(sup["need_ration_tonnes_per_day"].get<double>(), 1) << " t a day of a "
        << fixed(sup["ration_g_per_person_day"].get<double>(), 0) << " g ration basket, "
        << fixed(sup["need_trucks_per_day"].get<double>(), 1) << " trucks of " << fixed(sup["truck_tonnes"].get<double>(), 0)
        << " t\n";
  }
  out << "  coverage over the whole run " << fixed(100 * sup["whole"]["coverage"].get<double>(), 1) << "%, "
      << sup["whole"]["days_short"].get<std::int64_t>() << " days short";
  if (sup.contains("first_shortfall")) out << ", stock first ran out " << sup["first_shortfall"].get<std::string>();
  out << "\n";
  for (const auto& m : sup["months"]) {
    out << "  " << m["first"].get<std::string>().substr(0, 7) << "  coverage " << fixed(100 * m["coverage"].get<double>(), 1)
        << "%  days short " << m["days_short"].get<std::int64_t>() << "\n";
  }
  for (std::size_t i = 1; i < as["population"].size(); ++i) {
    const json& p = as["population"][i];
    out << "  at " << thousands(p["people"].get<double>()) << " people (" << p["label"].get<std::string>() << "): coverage "
        << fixed(100 * p["coverage"].get<double>(), 1) << "%, " << p["days_short"].get<std::int64_t>() << " days short";
    if (!p["first_shortfall"].is_null()) out << ", stock first ran out " << p["first_shortfall"].get<std::string>();
    out << "\n";
  }
  const json& mv = sum["movements"];
  if (!mv["reports"].empty()) {
    out << "\nReported movements beside the run (" << std::filesystem::path(s.movements_file).filename().string() << "):\n";
    for (const auto& m : mv["reports"]) {
      out << "  " << m["from"].get<std::string>();
      if (m["until"] != m["from"]) out << " .. " << m["until"].get<std::string>();
      out << "  " << m["party"].get<std::string>() << ": " << m["movement"].get<std::string>() << " " << m["direction"].get<std::string>();
      for (const char* k : {"trucks", "vehicles", "tonnes", "people"}) {
        if (!m["reported"][k].is_null()) {
          out << ", " << thousands(m["reported"][k].get<double>()) << (std::string(k) == "tonnes" ? " t" : std::string(" ") + k);
        }
      }
      if (!m["by"].empty()) {
        out << " (";
        for (const auto& b : m["by"]) out << (&b == &m["by"].front() ? "" : ", ") << b.get<std::string>();
        out << ")";
      }
      if (m.contains("model")) {
        out << " | the run: " << thousands(m["model"]["tonnes"].get<double>()) << " t, " << m["model"]["trucks"].get<std::int64_t>()
            << " trucks";
        if (m.contains("agrees")) out << (m["agrees"].get<bool>() ? " (agrees)" : " (CONTRADICTS the report)");
      }
      out << "  [" << m["origin"].get<std::string>() << "]\n";
    }
    out << "  month    run: t in (by party)        reported t in (spread evenly over the days each report covers)\n";
    for (const auto& m : mv["months"]) {
      std::string parties;
      for (const auto& [p, t] : m["model_by_party"].items()) parties += (parties.empty() ? "" : ", ") + p + " " + thousands(t.get<double>());
      out << "  " << m["month"].get<std::string>() << "  " << thousands(m["model_tonnes"].get<double>()) << (parties.empty() ? "" : " (" + parties + ")");
      std::string rep;
      for (const auto& x : m["reported"]) {
        rep += (rep.empty() ? "" : ", ") + x["party"].get<std::string>() + " " + thousands(x["tonnes"].get<double>()) + " [" +
               x["origin"].get<std::string>() + "]";
      }
      out << (rep.empty() ? "" : "  |  reported: " + rep) << "\n";
    }
    out << "  deliveries and holds reported and contradicted by the run: ";
    if (mv["contradicted"].empty()) out << "none";
    for (const auto& c : mv["contradicted"]) out << c.get<std::string>() << " ";
    out << "\n";
  }
  out << "\nConflicting claims (" << sum["conflicts"].size() << " sets):\n";
  for (const auto& c : sum["conflicts"]) {
    out << "  " << c["target"].get<std::string>() << " " << c["first"].get<std::string>() << " .. "
        << c["last"].get<std::string>() << ":";
    for (const auto& cl : c["claims"]) out << " " << claim_party(cl) << "=" << cl["status"].get<std::string>();
    out << "\n";
  }
  return relative(out.str(), s.dir);
}

json account_json(const Scenario& s, const RunResult& r) {
  std::int64_t days_cut = 0, moved = 0, trips = 0;
  double capacity = 0, tonnes = 0;
  for (const auto& d : r.days) {
    days_cut += d.cut_off_population > 0;
    capacity += static_cast<double>(d.capacity_open);
    for (const auto& c : d.convoys) {
      moved += c.moved;
      ++trips;
      tonnes += c.moved ? c.tonnes : 0;
    }
  }
  json j = {{"trust", r.trust.empty() ? "operator" : r.trust},
            {"days_with_people_cut_off", days_cut},
            {"mean_capacity_trucks_per_day", r.days.empty() ? 0.0 : capacity / static_cast<double>(r.days.size())},
            {"convoys_moved", moved},
            {"convoy_days", trips},
            {"tonnes_moved", tonnes},
            {"coverage", r.whole.coverage},
            {"days_short", r.whole.days_short}};
  j["description"] = r.trust.empty() ? "each road's and checkpoint's operator" : s.parties.at(r.trust);
  return j;
}

std::string accounts_text(const std::vector<nlohmann::json>& rows) {
  std::ostringstream out;
  out << "Every party's account (--trust all): the run with each party's claims trusted for every road and checkpoint\n"
      << "  trusted     days with people cut off  mean capacity  convoys moved  tonnes moved  coverage  days short\n";
  for (const auto& j : rows) {
    char line[256];
    std::snprintf(line, sizeof line, "  %-10s  %24s  %13s  %13s  %12s  %7.1f%%  %10s\n", j["trust"].get<std::string>().c_str(),
                  thousands(j["days_with_people_cut_off"].get<double>()).c_str(),
                  thousands(j["mean_capacity_trucks_per_day"].get<double>()).c_str(),
                  thousands(j["convoys_moved"].get<double>()).c_str(), thousands(j["tonnes_moved"].get<double>()).c_str(),
                  100 * j["coverage"].get<double>(), thousands(j["days_short"].get<double>()).c_str());
    out << line;
  }
  out << "  (where a party says nothing about a road or the checkpoint, the most restrictive claim in force is taken for it)\n";
  return out.str();
}

// ---- HTML -----------------------------------------------------------------------------------------

namespace {

std::string esc(const std::string& in) {
  std::string out;
  for (char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

const char* status_colour(Status s) {
  return s == Status::kOpen ? "#2e7d32" : s == Status::kRestricted ? "#ef6c00" : "#c62828";
}

// A line chart of one or more series over the run's days, as inline SVG.
struct Series {
  std::string name, colour;
  std::vector<double> values;
  bool bars = false;
};

// `asinh`: an axis linear near zero and logarithmic beyond, so that 0, 120 and 10,000 trucks a day
// are all readable on one chart (a linear 10,000 scale flattens the decisive 0 against 120).
std::string chart(const RunResult& r, const std::vector<Series>& series, const std::string& unit, double scale, bool asinh = false,
                  const std::string& title = "") {
  const double w = 900, h = 220, left = 60, bottom = 24, top = 10;
  const auto f = [&](double v) { return asinh ? std::asinh(v / scale) : v / scale; };
  double hi = 0;
  for (const auto& se : series) {
    for (double v : se.values) hi = std::max(hi, f(v));
  }
  if (hi <= 0) hi = 1;
  const double n = static_cast<double>(std::max<std::size_t>(1, r.days.size() - 1));
  auto x = [&](std::size_t i) { return left + (w - left - 10) * static_cast<double>(i) / n; };
  auto y = [&](double v) { return top + (h - top - bottom) * (1 - f(v) / hi); };
  std::ostringstream o;
  o << "<svg viewBox='0 0 " << w << " " << h << "' class='chart' role='img' aria-label='" << esc(title.empty() ? unit : title) << "'>";
  std::vector<double> ticks;
  if (asinh) {
    ticks.push_back(0);
    for (double t = 1; f(t * scale) <= hi * 1.0001; t *= 10) ticks.push_back(t);
  } else {
    for (int k = 0; k <= 4; ++k) ticks.push_back(hi * k / 4);
  }
  for (const double v : ticks) {
    const double yy = asinh ? y(v * scale) : top + (h - top - bottom) * (1 - v / hi);
    o << "<line x1='" << left << "' x2='" << w - 10 << "' y1='" << fixed(yy, 1) << "' y2='" << fixed(yy, 1)
      << "' stroke='#ddd'/><text x='" << left - 4 << "' y='" << fixed(yy + 4, 1) << "' text-anchor='end'>"
      << esc(asinh ? thousands(v) : fixed(v, v < 10 ? 1 : 0)) << "</text>";
  }
  for (std::size_t i = 0; i < r.days.size(); ++i) {
    const std::string d = supply::day_text(r.days[i].day);
    if (d.substr(8) == "01") {
      o << "<line x1='" << fixed(x(i), 1) << "' x2='" << fixed(x(i), 1) << "' y1='" << top << "' y2='" << h - bottom
        << "' stroke='#eee'/><text x='" << fixed(x(i), 1) << "' y='" << h - 6 << "' text-anchor='middle'>"
        << d.substr(0, 7) << "</text>";
    }
  }
  for (const auto& se : series) {
    if (se.bars) {
      const double bw = std::max(1.0, (w - left - 10) / n * 0.8);
      for (std::size_t i = 0; i < se.values.size(); ++i) {
        if (se.values[i] <= 0) continue;
        o << "<rect x='" << fixed(x(i) - bw / 2, 1) << "' y='" << fixed(y(se.values[i]), 1) << "' width='" << fixed(bw, 1)
          << "' height='" << fixed(h - bottom - y(se.values[i]), 1) << "' fill='" << se.colour << "' opacity='0.7'/>";
      }
    } else {
      o << "<polyline fill='none' stroke='" << se.colour << "' stroke-width='2' points='";
      for (std::size_t i = 0; i < se.values.size(); ++i) o << fixed(x(i), 1) << "," << fixed(y(se.values[i]), 1) << " ";
      o << "'/>";
    }
  }
  o << "<text x='" << left << "' y='" << top + 2 << "' dy='8' dx='4'>" << esc(unit) << (asinh ? " (asinh scale)" : "")
    << "</text></svg><p class='legend'>";
  for (const auto& se : series) o << "<span style='color:" << se.colour << "'>&#9632;</span> " << esc(se.name) << " &nbsp; ";
  o << "</p>";
  return o.str();
}


// Names, never ids: a road by its name, a checkpoint by its regime's name, a party by its description.
std::string target_name(const Scenario& s, const std::string& id) { return s.names_of(id).front(); }

// A road, checkpoint or place by its display name, with every other name and its id as a tooltip.
std::string named(const Scenario& s, const std::string& id) {
  const auto names = s.names_of(id);
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : " · ") + n;
  return "<span title='" + esc(all + " · id " + id) + "'>" + esc(names.front()) + "</span>";
}

std::string party_name(const Scenario& s, const std::string& id) {
  const auto it = s.parties.find(id);
  if (it == s.parties.end()) return id;
  const auto paren = it->second.find(" (");
  return paren == std::string::npos ? it->second : it->second.substr(0, paren);
}

// A party by its name, with its whole description and id as a tooltip.
std::string party_html(const Scenario& s, const std::string& id) {
  const auto it = s.parties.find(id);
  return "<span title='" + esc((it == s.parties.end() ? id : it->second) + " · id " + id) + "'>" + esc(party_name(s, id)) + "</span>";
}

// A source is a link when it is a URL; several are separated by " | " in the scenario's files.
std::string source_links(const std::string& source) {
  std::string out;
  std::size_t from = 0;
  while (from <= source.size()) {
    std::size_t bar = source.find(" | ", from);
    if (bar == std::string::npos) bar = source.size();
    const std::string one = source.substr(from, bar - from);
    if (!one.empty()) {
      if (!out.empty()) out += " &middot; ";
      const bool url = one.rfind("https://", 0) == 0 || one.rfind("http://", 0) == 0;
      out += url ? "<a href='" + esc(one) + "' rel='noopener noreferrer'>" + esc(one) + "</a>" : esc(one);
    }
    from = bar + 3;
  }
  return out;
}

// A label beside its point, in the first of four positions (right, left, above, below) that covers
// no label already placed: the most important first (checkpoints, sources, then by population).
struct LabelBox {
  double x, y, w, h;
  [[nodiscard]] bool overlaps(const LabelBox& o) const { return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h; }
};

}  // namespace

std::string relative(std::string text, const std::string& dir) {
  if (dir.empty()) return text;
  const std::string prefix = dir + "/";
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) text.erase(at, prefix.size());
  return text;
}

json relative(json j, const std::string& dir) {
  if (dir.empty()) return j;
  if (j.is_string()) return relative(j.get<std::string>(), dir);
  if (j.is_array() || j.is_object()) {
    for (auto& v : j) v = relative(std::move(v), dir);
  }
  return j;
}

std::string html_report(const Scenario& s, const RunResult& r, Day map_day) {
  const json sum = summary_json(s, r);
  const DayResult* mday = &r.days.front();
  for (const auto& d : r.days) {
    if (d.day == map_day) mday = &d;
  }
  const auto rel = [&s](const std::string& text) { return relative(text, s.dir); };
  std::ostringstream o;
  o << "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><meta name='viewport' content='width=device-width, initial-scale=1'><title>"
    << esc(s.name) << "</title><style>"
    << "body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1000px;padding:0 10px;color:#222}"
    << "table{border-collapse:collapse;font-size:14px;margin:.5em 0;display:block;overflow-x:auto;max-width:100%}td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}"
    << "th{background:#f3f3f3}td{overflow-wrap:anywhere;max-width:360px}.chart text{font-size:12px;fill:#444}"
    << ".map text{font-size:15px;fill:#222;paint-order:stroke;stroke:#fff;stroke-width:4px}.map text.cut{fill:#b2182b;font-weight:600}"
    << ".map text.other{fill:#555;font-size:13px}.chart{width:100%;height:auto}.map{width:100%;max-height:720px;border:1px solid #ccc}"
    << ".legend{font-size:14px;margin:0}.note{color:#555;font-size:14px}"
    << "@media (max-width:600px){body{margin:.5em auto}.map text{font-size:22px}.map text.other{font-size:20px}.chart text{font-size:22px}}"
    << "</style></head><body>";
  o << "<h1>" << esc(s.name) << "</h1><p class='note'>" << esc(s.note) << "</p>";
  o << "<p>" << supply::day_text(s.start) << " to " << supply::day_text(s.end) << " &middot; "
    << thousands(static_cast<double>(s.area_population())) << " people in " << s.area.size() << " listed places &middot; status: "
    << (r.trust.empty() ? "each road's and checkpoint's operator" : "claims of " + party_html(s, r.trust))
    << " (conflicting claims are listed below, whichever is trusted)</p>";
  // What every figure below rests on.
  const json& as = sum["assumptions"];
  o << "<h2>What these figures rest on</h2><ul class='assumptions'><li>Trusted for each road and checkpoint: ";
  for (const auto& t : as["trusted"]) {
    o << (&t == &as["trusted"].front() ? "" : "; ") << named(s, t["target"].get<std::string>()) << " &rarr; "
      << (t["party"].is_null() ? std::string("nobody") : party_html(s, t["party"].get<std::string>())) << " <span class='note'>("
      << esc(rel(t["why"].get<std::string>()));
    if (t["fallback_days"].get<std::int64_t>() > 0) {
      o << "; silent on " << t["fallback_days"].get<std::int64_t>() << " days, the most restrictive claim taken";
    }
    o << ")</span>";
  }
  o << ".</li><li>Where the trusted party says nothing: " << esc(as["silence"].get<std::string>()) << ".</li><li>Claims that state no end: "
    << esc(as["open_claims"].get<std::string>()) << ".</li><li>Capacity: ";
  for (const auto& c : as["capacity"]["roads"]) {
    o << esc(c["class"].get<std::string>()) << " roads " << thousands(c["trucks_per_day"].get<double>()) << " trucks a day ("
      << (c["sourced"].get<bool>() ? "sourced: " + esc(c["source"].get<std::string>()) : std::string("<b>ASSUMED</b>: built-in planning figure, not sourced"))
      << "); ";
  }
  for (const auto& c : as["capacity"]["checkpoints"]) {
    o << named(s, c["id"].get<std::string>()) << " " << thousands(c["vehicles_per_day"].get<double>()) << " vehicles a day ("
      << esc(rel(c["source"].get<std::string>())) << ")";
  }
  o << ".</li><li>Population (itself a contested figure): ";
  for (const auto& p : as["population"]) {
    o << (&p == &as["population"].front() ? "" : " &middot; ") << esc(p["label"].get<std::string>()) << " <b>"
      << thousands(p["people"].get<double>()) << "</b> (coverage " << fixed(100 * p["coverage"].get<double>(), 1) << "%, "
      << p["days_short"].get<std::int64_t>() << " days short)";
  }
  o << ". The figures on this page use the listed settlements (mostly PROXY figures of 2005&ndash;2021; see the places table).</li>"
    << "<li>Opening stock: " << fixed(s.opening_stock_days, 0) << " days of the need (" << esc(s.opening_stock_note) << ").</li>"
    << "<li>Food: " << fixed(100 * as["food"]["share"].get<double>(), 0) << "% of the tonnes moved count as food ("
    << esc(as["food"]["note"].get<std::string>()) << ").</li><li>Stock: " << esc(as["carry_over"].get<std::string>()) << ".</li></ul>";

  // Map: framed on every place and every road with its approaches.
  double minlat = 90, maxlat = -90, minlon = 180, maxlon = -180;
  auto extend = [&](core::LatLon ll) {
    minlat = std::min(minlat, ll.lat);
    maxlat = std::max(maxlat, ll.lat);
    minlon = std::min(minlon, ll.lon);
    maxlon = std::max(maxlon, ll.lon);
  };
  for (const auto& p : s.places) extend(p.point);
  for (const auto& [road, segs] : s.roads) {
    for (const auto sid : segs) {
      for (const auto& p : s.graph().shape(sid)) extend(p.to_double());
    }
  }
  const double margin_lat = std::max(0.01, (maxlat - minlat) * 0.06), margin_lon = std::max(0.01, (maxlon - minlon) * 0.06);
  minlat -= margin_lat;
  maxlat += margin_lat;
  minlon -= margin_lon;
  maxlon += margin_lon;
  const double kx = std::cos((minlat + maxlat) / 2 * M_PI / 180);
  const double mw = 960, sc = mw / std::max(1e-9, (maxlon - minlon) * kx), mh = (maxlat - minlat) * sc;
  auto px = [&](double lon) { return (lon - minlon) * kx * sc; };
  auto py = [&](double lat) { return (maxlat - lat) * sc; };
  o << "<h2>Network on " << supply::day_text(mday->day) << "</h2><svg viewBox='0 0 " << mw << " " << fixed(mh, 0)
    << "' class='map' role='img' aria-label='Map of the roads, places and checkpoints on " << supply::day_text(mday->day)
    << "'><defs><clipPath id='frame'><rect width='" << mw << "' height='" << fixed(mh, 0)
    << "'/></clipPath></defs><g clip-path='url(#frame)'><rect width='100%' height='100%' fill='#f3f0e8'/>";
  std::map<core::SegmentId, std::string> road_of;
  for (const auto& [road, segs] : s.roads) {
    for (auto sid : segs) road_of[sid] = road;
  }
  std::set<std::string> contested;
  for (const auto& c : mday->conflicts) contested.insert(c.target);
  for (std::uint32_t i = 0; i < s.graph().segment_count(); ++i) {
    const core::SegmentId sid(i);
    const std::string& road = road_of[sid];
    std::string colour = "#9e9e9e", what = "no claim", by;
    Status status = Status::kOpen;
    const auto st = mday->status.find(road);
    if (st != mday->status.end()) {
      colour = status_colour(st->second.status);
      what = status_name(st->second.status);
      status = st->second.status;
      if (st->second.claim) by = party_name(s, s.claims[*st->second.claim].party);
    }
    std::string points;
    for (const auto& p : s.graph().shape(sid)) {
      const core::LatLon ll = p.to_double();
      points += fixed(px(ll.lon), 1) + "," + fixed(py(ll.lat), 1) + " ";
    }
    if (contested.contains(road)) {
      o << "<polyline fill='none' stroke='#762a83' stroke-opacity='0.4' stroke-width='14' points='" << points << "'/>";
    }
    const char* dash = status == Status::kClosed ? " stroke-dasharray='4 7'" : status == Status::kRestricted ? " stroke-dasharray='14 6'" : "";
    o << "<polyline fill='none' stroke='" << colour << "' stroke-width='6'" << dash << " points='" << points << "'><title>"
      << esc(target_name(s, road.empty() ? std::string(s.graph().name(sid)) : road)) << " — " << esc(what)
      << (by.empty() ? "" : " according to " + esc(by)) << (contested.contains(road) ? " (contested)" : "") << "</title></polyline>";
  }
  // Places, checkpoints, then their labels.
  struct Point {
    double x, y, r;
    std::string text, cls;
    double priority;
  };
  std::vector<Point> points;
  for (std::size_t i = 0; i < s.places.size(); ++i) {
    const auto& p = s.places[i];
    const bool in_area = std::find(s.area.begin(), s.area.end(), i) != s.area.end();
    const bool source = std::find(s.sources.begin(), s.sources.end(), i) != s.sources.end();
    const bool cut = std::find(mday->cut_off.begin(), mday->cut_off.end(), i) != mday->cut_off.end();
    const double rr = in_area ? 4 + std::sqrt(static_cast<double>(p.population)) / 20 : source ? 7 : 4;
    const double x = px(p.point.lon), y = py(p.point.lat);
    o << "<circle cx='" << fixed(x, 1) << "' cy='" << fixed(y, 1) << "' r='" << fixed(rr, 1) << "' fill='"
      << (source ? "#1565c0" : cut ? "#c62828" : in_area ? "#2e7d32" : "#9e9e9e") << "' stroke='#fff' stroke-width='1.5'><title>"
      << esc(label(s, i)) << (in_area ? ", population " + thousands(static_cast<double>(p.population)) : source ? ", supply source" : "")
      << (cut ? ", CUT OFF from traffic open to all" : "") << "</title></circle>";
    points.push_back({x, y, rr, p.name, cut ? "cut" : (in_area || source) ? "" : "other",
                      (source ? 5e8 : 0) + static_cast<double>(p.population) + (in_area ? 1 : 0)});
  }
  for (const auto& c : s.checkpoints) {
    const double x = px(c.regime.lon), y = py(c.regime.lat);
    const auto cst = mday->status.find(c.id);
    o << "<g transform='translate(" << fixed(x, 1) << "," << fixed(y, 1) << ")'><title>" << esc(target_name(s, c.id))
      << ": operated by " << esc(party_name(s, c.operator_party)) << ", " << thousands(static_cast<double>(c.capacity.per_day()))
      << " trucks a day (the regime's figure)" << (cst != mday->status.end() ? std::string(", ") + status_name(cst->second.status) : "")
      << "</title><rect x='-11' y='-11' width='22' height='22' fill='#fff' stroke='#222' stroke-width='2'/>"
         "<rect x='-7' y='-6' width='3' height='13' fill='#222'/><rect x='-4' y='-4' width='12' height='5' fill='#b2182b' stroke='#222'/></g>";
    points.push_back({x, y, 12,
                      target_name(s, c.id) + ": " + (c.in_force(mday->day) ? thousands(static_cast<double>(c.capacity.per_day())) + " trucks/day" : "not in force"),
                      "", 1e9});
  }
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return points[a].priority > points[b].priority; });
  std::vector<LabelBox> placed;
  std::size_t waiting = 0;
  for (const std::size_t k : order) {
    const Point& p = points[k];
    const double fs = p.cls == "other" ? 13 : 15, w = 0.56 * fs * static_cast<double>(p.text.size()) + 4, h = fs + 3, gap = p.r + 3;
    const LabelBox cand[] = {{p.x + gap, p.y - h / 2, w, h}, {p.x - gap - w, p.y - h / 2, w, h}, {p.x - w / 2, p.y - gap - h, w, h},
                             {p.x - w / 2, p.y + gap, w, h}};
    const LabelBox* spot = nullptr;
    for (const auto& c : cand) {
      if (c.x < 0 || c.y < 0 || c.x + c.w > mw || c.y + c.h > mh) continue;
      bool clear = std::none_of(placed.begin(), placed.end(), [&](const LabelBox& b) { return b.overlaps(c); });
      for (std::size_t j = 0; clear && j < points.size() && p.priority < 1e9; ++j) {
        if (j != k && LabelBox{points[j].x - points[j].r, points[j].y - points[j].r, 2 * points[j].r, 2 * points[j].r}.overlaps(c)) clear = false;
      }
      if (clear) {
        spot = &c;
        break;
      }
    }
    if (spot == nullptr) {
      ++waiting;
      continue;
    }
    placed.push_back(*spot);
    o << "<text x='" << fixed(spot->x + 2, 1) << "' y='" << fixed(spot->y + h - 4, 1) << "'" << (p.cls.empty() ? "" : " class='" + p.cls + "'")
      << ">" << esc(p.text) << "</text>";
  }
  // A scale bar: a round number of kilometres about 120 px long.
  const double km_per_px = (maxlon - minlon) * kx * 111.32 / mw;
  double bar_km = 1;
  for (const double step : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0}) {
    if (step / km_per_px <= 160) bar_km = step;
  }
  const double bar_px = bar_km / km_per_px;
  o << "<g transform='translate(16," << fixed(mh - 20, 0) << ")'><rect x='-6' y='-22' width='" << fixed(bar_px + 12, 0)
    << "' height='30' fill='#fff' opacity='0.8'/><path d='M0,-6 V0 H" << fixed(bar_px, 1) << " V-6' fill='none' stroke='#222' stroke-width='2'/>"
    << "<text x='0' y='-9'>" << thousands(bar_km) << " km</text></g>";
  o << "</g></svg><p class='legend'><span style='color:#2e7d32'>&#9644;</span> open <span style='color:#ef6c00'>&#9644; &#9644;</span> "
       "restricted <span style='color:#c62828'>&#183;&#183;&#183;</span> closed <span style='color:#762a83'>&#9644;</span> contested "
       "<span style='color:#9e9e9e'>&#9644;</span> no claim &middot; <span style='color:#1565c0'>&#9679;</span> supply source, "
       "<span style='color:#2e7d32'>&#9679;</span> place (size: population; <span style='color:#c62828'>&#9679;</span> cut off), "
       "&#9635; checkpoint (throughput) &middot; geometry drawn through waypoints, not surveyed; no country outlines here (the "
       "dashboard of <code>corridor serve</code> has them)"
    << (waiting > 0 ? " &middot; " + std::to_string(waiting) + " labels left out where places crowd (every place is in the table below)" : "")
    << "</p>";
  o << "<p>On this day: " << thousands(static_cast<double>(mday->cut_off_population)) << " people in listed places cut off from traffic open to all; capacity "
    << thousands(static_cast<double>(mday->capacity_open)) << " trucks a day open to all, "
    << thousands(static_cast<double>(mday->capacity_with_restricted)) << " counting restricted roads.</p>";

  // Charts.
  Series need{"need (Mkcal/day)", "#333", {}}, delivered{"delivered (Mkcal/day)", "#1565c0", {}, true},
      dos{"days of supply in stock", "#6a1b9a", {}}, cap{"trucks/day open to all", "#2e7d32", {}},
      capr{"trucks/day counting restricted roads", "#ef6c00", {}}, cut{"people cut off from traffic open to all (thousands)", "#c62828", {}};
  for (const auto& d : r.days) {
    need.values.push_back(d.supply.need_kcal);
    delivered.values.push_back(d.supply.delivered_kcal);
    dos.values.push_back(d.supply.days_of_supply);
    cap.values.push_back(static_cast<double>(d.capacity_open));
    capr.values.push_back(static_cast<double>(d.capacity_with_restricted));
    cut.values.push_back(static_cast<double>(d.cut_off_population) / 1000);
  }
  o << "<h2>Need and deliveries</h2>" << chart(r, {delivered, need}, "Mkcal per day", 1e6);
  if (sum["supply"].contains("need_ration_tonnes_per_day")) {
    o << "<p>Need: " << thousands(r.need_kcal_per_day / 1e6) << " Mkcal a day, as food "
      << fixed(sum["supply"]["need_ration_tonnes_per_day"].get<double>(), 1) << " t of a "
      << fixed(s.needs.ration_g_per_person_day, 0) << " g ration basket, "
      << fixed(sum["supply"]["need_trucks_per_day"].get<double>(), 1) << " trucks of " << fixed(s.truck_tonnes, 0)
      << " t a day; water " << thousands(r.water_l_per_day) << " L a day (not carried by the convoys).</p>";
  }
  o << "<p>Coverage over the run: <b>" << fixed(100 * r.whole.coverage, 1) << "%</b> of the energy need delivered; "
    << r.whole.days_short << " days on which stock could not meet the need. Opening stock: "
    << fixed(r.need_kcal_per_day > 0 ? r.opening_stock_kcal / r.need_kcal_per_day : 0, 0) << " days (" << esc(s.opening_stock_note)
    << ").</p>";
  o << "<h2>Days of supply</h2>" << chart(r, {dos}, "days", 1);
  o << "<h2>Capacity and cut-off</h2>" << chart(r, {cap, capr}, "trucks per day", 1, true, "Trucks a day through the corridor")
    << chart(r, {cut}, "thousand people", 1, false, "People cut off from traffic open to all");

  // Tables.
  o << "<h2>Conflicting claims</h2><table><tr><th>road or checkpoint</th><th>days</th><th>party</th><th>status</th><th>claimed by</th><th>source</th></tr>";
  for (const auto& c : sum["conflicts"]) {
    const auto& cl = c["claims"];
    for (std::size_t k = 0; k < cl.size(); ++k) {
      o << "<tr>";
      if (k == 0) {
        o << "<td rowspan='" << cl.size() << "'>" << named(s, c["target"].get<std::string>()) << "</td><td rowspan='" << cl.size()
          << "'>" << c["first"].get<std::string>() << " .. " << c["last"].get<std::string>() << " (" << c["days"].get<std::int64_t>()
          << ")</td>";
      }
      std::string st = cl[k]["status"].get<std::string>();
      if (cl[k].contains("allowed")) {
        std::string who;
        for (const auto& a : cl[k]["allowed"]) who += (who.empty() ? "" : ", ") + a.get<std::string>();
        st += " (" + (who.empty() ? std::string("no party named") : who) + ")";
      }
      if (cl[k].contains("about")) {
        std::string of;
        for (const auto& a : cl[k]["about"]) of += (of.empty() ? "" : ", ") + a.get<std::string>();
        st += ", of " + of + "'s traffic";
      }
      o << "<td>" << party_html(s, cl[k]["party"].get<std::string>()) << "</td><td>" << esc(st) << "</td><td>"
        << esc(cl[k]["claimed_by"].get<std::string>()) << (cl[k].contains("quote") ? "<br><q>" + esc(cl[k]["quote"].get<std::string>()) + "</q>" : "")
        << " <span class='note'>(" << esc(rel(cl[k]["origin"].get<std::string>())) << "; " << esc(rel(cl[k]["validity"].get<std::string>()))
        << ")</span></td><td>" << source_links(cl[k]["source"].get<std::string>()) << "</td></tr>";
    }
  }
  o << "</table>";
  o << "<h2>Status changes</h2><table><tr><th>date</th><th>road or checkpoint</th><th>effective status</th><th>according to</th></tr>";
  for (const auto& c : r.changes) {
    std::string st = status_name(c.after.status);
    if (c.after.status == Status::kRestricted) {
      std::string who;
      for (const auto& a : c.after.allowed) who += (who.empty() ? "" : ", ") + a;
      st += " (" + (who.empty() ? std::string("no party named") : who) + ")";
    }
    o << "<tr><td>" << supply::day_text(c.day) << "</td><td>" << named(s, c.target) << "</td><td>" << esc(st) << "</td><td>"
      << (c.after.claim ? party_html(s, s.claims[*c.after.claim].party) +
                              esc((c.after.fallback ? " (most restrictive; the trusted party silent)" : std::string()) + ", " +
                                  rel(s.claims[*c.after.claim].origin))
                        : c.after.baseline ? std::string("the scenario's baseline") : std::string("no claim"))
      << "</td></tr>";
  }
  o << "</table><h2>Convoys</h2><table><tr><th>convoy</th><th>party</th><th>moved</th><th>tonnes</th><th>blocked days</th><th>first reason blocked</th></tr>";
  for (const auto& c : sum["convoys"]) {
    o << "<tr><td>" << esc(c["id"].get<std::string>()) << "</td><td>" << party_html(s, c["party"].get<std::string>()) << "</td><td>"
      << c["moved"].get<std::int64_t>() << "</td><td>" << fixed(c["tonnes_delivered"].get<double>(), 0) << "</td><td>"
      << c["blocked_days"].get<std::int64_t>() << "</td><td>" << esc(rel(c.value("first_blocked", std::string()))) << "</td></tr>";
  }
  o << "</table><h2>Reported movements beside the run</h2><table><tr><th>days</th><th>reported by</th><th>what</th><th>reported</th>"
       "<th>the run</th><th>source</th></tr>";
  for (const auto& m : sum["movements"]["reports"]) {
    std::string reported;
    for (const char* k : {"trucks", "vehicles", "tonnes", "people"}) {
      if (!m["reported"][k].is_null()) {
        reported += (reported.empty() ? "" : ", ") + thousands(m["reported"][k].get<double>()) + (std::string(k) == "tonnes" ? " t" : " " + std::string(k));
      }
    }
    std::string model = "&mdash;";
    if (m.contains("model")) {
      model = thousands(m["model"]["tonnes"].get<double>()) + " t, " + std::to_string(m["model"]["trucks"].get<std::int64_t>()) + " trucks";
      if (m.contains("agrees")) model += m["agrees"].get<bool>() ? " (agrees)" : " <b>(contradicts the report)</b>";
    }
    o << "<tr><td>" << m["from"].get<std::string>() << (m["until"] != m["from"] ? " .. " + m["until"].get<std::string>() : "") << "</td><td>"
      << party_html(s, m["party"].get<std::string>()) << "<br><span class='note'>" << esc(m["claimed_by"].get<std::string>()) << "</span></td><td>"
      << esc(m["movement"].get<std::string>() + " " + m["direction"].get<std::string>()) << "<br><q>" << esc(m["quote"].get<std::string>())
      << "</q></td><td>" << esc(reported.empty() ? "not given" : reported) << "</td><td>" << model << "</td><td>"
      << source_links(m["source"].get<std::string>()) << " <span class='note'>(" << esc(rel(m["origin"].get<std::string>())) << ")</span></td></tr>";
  }
  o << "</table><h2>Places</h2><table><tr><th>place (all names)</th><th>population (PROXY unless stated)</th><th>cut off from traffic open to all</th></tr>";
  for (const auto& p : sum["places"]) {
    std::string spans_text;
    for (const auto& sp : p["cut_off"]) {
      spans_text += (spans_text.empty() ? "" : "; ") + sp[0].get<std::string>() + " .. " + sp[1].get<std::string>();
    }
    std::size_t idx = 0;
    for (std::size_t i = 0; i < s.places.size(); ++i) {
      if (s.places[i].id == p["id"].get<std::string>()) idx = i;
    }
    o << "<tr><td>" << esc(label(s, idx)) << "</td><td>" << thousands(p["population"].get<double>()) << "</td><td>"
      << esc(spans_text.empty() ? "never" : spans_text) << "</td></tr>";
  }
  o << "</table><p class='note'>Made by corridor from " << esc(std::filesystem::path(s.path).filename().string()) << ". Every status is a claim attributed to its "
       "source; figures marked ASSUMED in the scenario's files are assumptions, not data.</p></body></html>\n";
  return o.str();
}

}  // namespace corridor::scenario
