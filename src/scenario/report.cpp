#include "scenario/report.h"

#include "scenario/report_format.h"

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

}  // namespace corridor::scenario
