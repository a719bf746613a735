#include "rules/reports.h"

#include <map>
#include <sstream>
#include <tuple>

#include "cargo/stats.h"

namespace corridor::rules {

using core::ErrorCode;
using core::fail;
using core::Result;
using nlohmann::json;

json stats_document(const State& s, bool with_ids) {
  const cargo::Stats st = cargo::stats(s.consignments);
  json dwell = json::array();
  for (const auto& d : st.dwell) {
    dwell.push_back({{"stage", d.stage}, {"count", d.count}, {"p50_hours", d.p50_hours}, {"p90_hours", d.p90_hours}});
  }
  json j = {{"consignments", s.consignments.size()},
            {"by_state", st.by_state},
            {"by_verdict", st.by_verdict},
            {"blocked_by_regime", st.blocked_by_regime},
            {"dwell", dwell},
            {"rules_cited", st.rules_cited},
            {"rules_cited_for_rejected_or_turned_back", st.rules_cited_rejected},
            {"reasons_given", st.rejection_reasons},
            {"tonnes_by_day", st.tonnes_by_day},
            {"trucks_by_day", st.trucks_by_day}};
  if (with_ids) {
    j["approvals_pending"] = st.approvals_pending;
    j["checkpoint_queue"] = st.checkpoint_queue;
  } else {
    json queue = json::object();
    for (const auto& [cp, ids] : st.checkpoint_queue) queue[cp] = ids.size();
    j["checkpoint_queue_length"] = queue;
    j["approvals_pending_count"] = st.approvals_pending.size();
  }
  return j;
}

Result<double> daily_kcal(const std::string& text, const supply::CommodityTable& table, const std::string& what) {
  double kcal = 0;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) {
    const auto eq = part.find('=');
    const supply::Commodity* c = eq == std::string::npos ? nullptr : table.find(part.substr(0, eq));
    char* end = nullptr;
    const double t = eq == std::string::npos ? -1 : std::strtod(part.c_str() + eq + 1, &end);
    if (c == nullptr || end == nullptr || *end != '\0' || !(t >= 0) || t > 1e6) {
      return fail(ErrorCode::kInvalidArgument, what + ": '" + part + "' is not COMMODITY=TONNES of a commodity in the table");
    }
    kcal += supply::kcal_of(t * 1000, *c);
  }
  return kcal;
}

namespace {

json day_json(const supply::DayFigures& d) {
  return {{"date", supply::day_text(d.day)},           {"need_kcal", d.need_kcal},
          {"delivered_kcal", d.delivered_kcal},        {"consumed_kcal", d.consumed_kcal},
          {"shortfall_kcal", d.shortfall_kcal},        {"stock_kcal", d.stock_kcal},
          {"coverage", d.coverage},                    {"days_of_supply", d.days_of_supply},
          {"runs_out", d.runs_out ? json(supply::day_text(*d.runs_out)) : json(nullptr)}};
}

}  // namespace

Result<json> supply_report(const State& state, const SupplyInputs& in, const SupplyQuery& q, const std::string& store_name) {
  const auto& places = in.settlements;
  const auto& table = in.commodities;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < places.size(); ++i) index[places[i].id] = i;
  for (const auto& e : in.stocks) {
    if (!index.contains(e.place)) return fail(ErrorCode::kNotFound, e.origin + ": unknown settlement '" + e.place + "'");
  }
  std::vector<supply::StockEntry> stocks = in.stocks;
  // Stock entries recorded in the ledger count like rows of --stocks. One for a settlement not in
  // the inputs, or a commodity not in the table, is listed as not counted: nothing stored can make
  // a report fail.
  json stocks_not_counted = json::array();
  for (const auto& r : state.stocks) {
    const std::string where = store_name + ": seq " + std::to_string(r.seq);
    const auto day = supply::parse_day(r.date, where);
    const bool known_place = index.contains(r.place);
    const bool known_commodity = table.find(r.commodity) != nullptr;
    if (!day || !known_place || !known_commodity) {
      stocks_not_counted.push_back({{"seq", r.seq}, {"place", r.place}, {"commodity", r.commodity},
                                    {"why", !known_place ? "not a settlement in " + in.places_name : "not in the commodity table"}});
      continue;
    }
    supply::StockEntry entry;
    entry.origin = where;
    entry.kind = r.type == kStockOpening ? supply::FlowKind::kOpening : supply::FlowKind::kCount;
    entry.place = r.place;
    entry.commodity = r.commodity;
    entry.day = *day;
    entry.tonnes = r.tonnes;
    stocks.push_back(entry);
  }

  // Deliveries, received quantities only, to the settlement named as destination.
  std::vector<std::vector<supply::Flow>> flows(places.size());
  json unmatched = json::array(), no_energy = json::array();
  std::optional<supply::Day> first;
  auto seen = [&](supply::Day d) { first = first ? std::min(*first, d) : d; };
  for (const auto& [id, c] : state.consignments) {
    if (c.state != cargo::State::kDelivered) continue;
    const supply::Day day = supply::day_of(c.entered.at(cargo::State::kDelivered));
    const auto it = index.find(c.destination);
    if (it == index.end()) {
      unmatched.push_back({{"consignment", id}, {"destination", c.destination}});
      continue;
    }
    double kcal = 0;
    for (std::size_t i = 0; i < c.items.size(); ++i) {
      double per_kg = i < c.kcal_per_kg.size() ? c.kcal_per_kg[i] : 0;
      if (per_kg <= 0 && i < c.hs.size() && !c.hs[i].empty()) {
        if (const supply::Commodity* com = table.by_hs(c.hs[i])) per_kg = com->kcal_per_kg;
      }
      if (per_kg <= 0 && c.categories[i] == "food") no_energy.push_back({{"consignment", id}, {"item", i}, {"description", c.items[i]}});
      kcal += c.received_kg(i) * per_kg;
    }
    flows[it->second].push_back({day, supply::FlowKind::kDelivery, kcal, id});
    seen(day);
  }
  // Stock entries: a day's count lines add up to one count.
  std::map<std::tuple<std::size_t, supply::Day, supply::FlowKind>, double> entries;
  for (const auto& e : stocks) {
    entries[{index[e.place], e.day, e.kind}] += supply::kcal_of(e.tonnes * 1000, *table.find(e.commodity));
    seen(e.day);
  }
  for (const auto& [key, kcal] : entries) flows[std::get<0>(key)].push_back({std::get<1>(key), std::get<2>(key), kcal, "stocks"});

  const supply::Day from = q.from.value_or(first.value_or(supply::day_of(core::now_unix())));
  const supply::Day to = q.to.value_or(supply::day_of(core::now_unix()));
  if (to < from || to - from > 3660) {
    return fail(ErrorCode::kInvalidArgument, "the period runs from " + supply::day_text(from) + " to " + supply::day_text(to) +
                                                 " (at most ten years, not backwards)");
  }
  json list = json::array();
  for (std::size_t i = 0; i < places.size(); ++i) {
    const supply::Settlement& settlement = places[i];
    CORRIDOR_TRY(const supply::DailyNeed need, supply::daily_need(in.needs, settlement.population, settlement.origin));
    supply::Account acc(need.kcal, {q.trailing_days});
    for (auto& f : flows[i]) acc.add(f);
    const auto days = acc.run(from, to);
    const supply::PeriodFigures p = supply::period(days);
    const supply::DayFigures& last = days.back();
    json items = json::object();
    for (const auto& [item, qty] : need.items) items[item] = qty;
    json j = {{"id", settlement.id},
              {"name", settlement.name},
              {"population", settlement.population.total},
              {"groups", settlement.population.groups},
              {"need_kcal_per_day", need.kcal},
              {"water_l_per_day", need.water_l},
              {"items_per_day", items},
              {"delivered_kcal", p.delivered_kcal},
              {"coverage", p.coverage},
              {"days_short", p.days_short},
              {"stock_kcal", last.stock_kcal},
              {"days_of_supply", last.days_of_supply},
              {"runs_out", last.runs_out ? json(supply::day_text(*last.runs_out)) : json(nullptr)}};
    json out_days = json::array();
    if (q.project) {
      double mean = 0;
      const std::size_t n = std::min<std::size_t>(days.size(), static_cast<std::size_t>(q.trailing_days));
      for (std::size_t k = days.size() - n; k < days.size(); ++k) mean += days[k].delivered_kcal;
      mean /= static_cast<double>(n);
      const double rate = q.daily_kcal.value_or(mean);
      j["projected_delivery_kcal_per_day"] = rate;
      std::optional<supply::Day> empty_day;
      for (const auto& d : supply::project(last, need.kcal, rate, q.days)) {
        out_days.push_back(day_json(d));
        if (!empty_day && d.shortfall_kcal > 0) empty_day = d.day;
      }
      j["first_day_short"] = empty_day ? json(supply::day_text(*empty_day)) : json(nullptr);
      j["projection"] = out_days;
    } else {
      for (const auto& d : days) out_days.push_back(day_json(d));
      j["days"] = out_days;
    }
    list.push_back(j);
  }
  return json{{"from", supply::day_text(from)},
              {"to", supply::day_text(to)},
              {"profile", in.needs.name},
              {"settlements", list},
              {"unmatched_deliveries", unmatched},
              {"stock_records_not_counted", stocks_not_counted},
              {"food_items_without_energy", no_energy}};
}

nlohmann::json time_document(const State& s) {
  nlohmann::json j = {{"back_dating", s.mode == Mode::kOpen ? "open ledger: taken and marked"
                                      : s.history_from      ? "taken from history_from, and marked"
                                                            : "refused"},
                      {"recorded_after_the_fact", s.late.size()}};
  if (s.history_from) j["history_from"] = core::format_iso8601(*s.history_from);
  if (!s.late.empty()) {
    j["first"] = s.late.front();
    j["last"] = s.late.back();
  }
  return j;
}

std::string time_text(const State& s) {
  std::string out = "back-dating: ";
  if (s.mode == Mode::kOpen) {
    out += "taken (an open ledger) and marked";
  } else if (s.history_from) {
    out += "taken from " + core::format_iso8601(*s.history_from) + " (the genesis's history_from) and marked";
  } else {
    out += "refused (the genesis sets no history_from)";
  }
  if (s.late.empty()) return out + "; no event recorded after the fact";
  return out + "; " + std::to_string(s.late.size()) + " event" + (s.late.size() == 1 ? "" : "s") +
         " recorded after the fact (dated before what the log had reached), seq " + std::to_string(s.late.front()) +
         (s.late.size() == 1 ? "" : " to " + std::to_string(s.late.back()));
}

}  // namespace corridor::rules
