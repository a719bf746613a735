// corridor supply status|project: stocks per settlement from the ledger's delivered consignments
// (received quantities only), opening stocks and reported counts, against the needs profile.
#include <iostream>

#include "cargo/lifecycle.h"
#include "cli/common.h"
#include "core/input.h"
#include "ledger/crypto.h"
#include "rules/ledger.h"
#include "store/store.h"
#include "supply/supply.h"

namespace corridor::cli {

namespace {

struct Opts {
  std::string store = "corridor.db", places, needs, commodities, stocks, from, to, daily;
  std::string place, commodity, date, key, note;
  double tonnes = -1;
  int days = 30;
  int trailing = 7;
  bool json = false;
};

struct SettlementRun {
  supply::Settlement settlement;
  supply::DailyNeed need;
  std::vector<supply::DayFigures> days;
};

std::string thousands(double v) {
  const auto n = static_cast<std::int64_t>(std::llround(v));
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

nlohmann::json day_json(const supply::DayFigures& d) {
  return {{"date", supply::day_text(d.day)},           {"need_kcal", d.need_kcal},
          {"delivered_kcal", d.delivered_kcal},        {"consumed_kcal", d.consumed_kcal},
          {"shortfall_kcal", d.shortfall_kcal},        {"stock_kcal", d.stock_kcal},
          {"coverage", d.coverage},                    {"days_of_supply", d.days_of_supply},
          {"runs_out", d.runs_out ? nlohmann::json(supply::day_text(*d.runs_out)) : nlohmann::json(nullptr)}};
}

}  // namespace

Runner add_supply(CLI::App& app) {
  auto* cmd = app.add_subcommand("supply", "Stocks, coverage and days of supply per settlement");
  cmd->require_subcommand(1);
  auto o = std::make_shared<Opts>();
  auto common = [o](CLI::App* s) {
    s->add_option("--store", o->store, "the ledger's SQLite file (default corridor.db)");
    s->add_option("--places", o->places, "settlements: CSV id,population[,name,pop_<group>...]")->required();
    s->add_option("--needs", o->needs, "needs profile (TOML)")->required();
    s->add_option("--commodities", o->commodities, "commodity table (CSV)")->required();
    s->add_option("--stocks", o->stocks, "opening stocks and reported counts (CSV place,date,kind,commodity,tonnes)");
    s->add_option("--from", o->from, "first day (default: the first stock entry or delivery)");
    s->add_option("--to", o->to, "last day (default: today)");
    s->add_option("--trailing-days", o->trailing, "window of the current delivery rate (default 7)")->check(CLI::Range(1, 365));
    s->add_flag("--json", o->json, "print as JSON");
  };
  auto* status = cmd->add_subcommand("status", "Coverage, stock and days of supply per settlement, day by day");
  common(status);
  auto* project = cmd->add_subcommand("project", "Carry each settlement's stock forward at a delivery rate");
  common(project);
  project->add_option("--days", o->days, "days to project (default 30)")->check(CLI::Range(1, 3660));
  project->add_option("--daily", o->daily,
                      "what-if deliveries per settlement per day, COMMODITY=TONNES[,...] (default: the current rate)");

  // Settlements the ledger knows: stock records are accepted for these only.
  auto* reg = cmd->add_subcommand("register", "Register settlements in the ledger (CSV id,population[,name,...])");
  reg->add_option("PLACES", o->places, "settlements: CSV id,population[,name,pop_<group>...]")->required();
  reg->add_option("--reporters", o->note, "parties (receivers or monitors) that record these settlements' stocks, comma-separated");
  reg->add_option("--key", o->key, "the registering party's key file")->required();
  reg->add_option("--store", o->store, "the ledger's SQLite file (default corridor.db)");
  reg->add_flag("--json", o->json, "print as JSON");

  // Stock entries as signed ledger events: whoever counted says so under their key.
  auto* record = cmd->add_subcommand("record", "Record an opening stock or a stock count as a signed ledger event");
  record->require_subcommand(1);
  std::map<std::string, CLI::App*> kinds;
  for (const char* kind : {"opening", "count"}) {
    auto* k = record->add_subcommand(kind, std::string(kind) == "opening" ? "An opening stock (added to the stock that day)"
                                                                          : "A reported count (replaces the stock that day)");
    k->add_option("PLACE", o->place, "settlement id")->required();
    k->add_option("--commodity", o->commodity, "commodity id")->required();
    k->add_option("--tonnes", o->tonnes, "quantity in tonnes")->required();
    k->add_option("--commodities", o->commodities, "commodity table (CSV) the commodity must be in")->required();
    k->add_option("--date", o->date, "the day it refers to (default today)");
    k->add_option("--note", o->note, "how it was counted, by whom");
    k->add_option("--key", o->key, "the recording party's key file")->required();
    k->add_option("--store", o->store, "the ledger's SQLite file (default corridor.db)");
    k->add_flag("--json", o->json, "print as JSON");
    kinds[kind] = k;
  }

  return [o, project, kinds, reg] {
    if (reg->parsed()) {
      auto places = supply::read_settlements(o->places);
      if (!places) return report(places.error(), o->json);
      std::vector<std::string> reporters;
      std::stringstream ss(o->note);
      for (std::string r; std::getline(ss, r, ',');) {
        if (!r.empty()) reporters.push_back(r);
      }
      auto signer = ledger::read_key_file(o->key);
      if (!signer) return report(signer.error(), o->json);
      auto opened = open_ledger(o->store);
      if (!opened) return report(opened.error(), o->json);
      warn_violations(opened->ledger->state());
      const core::UnixSeconds now = core::now_unix();
      std::size_t known = 0;
      auto events = opened->ledger->append(*signer, [&](const rules::State& st) -> core::Result<std::vector<rules::Ledger::Draft>> {
        std::vector<rules::Ledger::Draft> drafts;
        known = 0;
        for (const auto& p : *places) {
          if (st.settlements.contains(p.id)) {
            ++known;
            continue;
          }
          nlohmann::json payload = {{"id", p.id}, {"name", p.name}, {"population", p.population.total}};
          if (!reporters.empty()) payload["reporters"] = reporters;
          drafts.push_back({rules::kSettlementRegistered, p.id, payload.dump(), now});
        }
        if (drafts.empty()) {
          return core::fail(core::ErrorCode::kConflict, o->places + ": every settlement in it is registered already");
        }
        return drafts;
      });
      if (!events) return report(events.error(), o->json);
      if (o->json) {
        print_json({{"registered", events->size()}, {"already_registered", known}, {"first_seq", events->front().seq}});
      } else {
        std::cout << "registered " << events->size() << " settlements (seq " << events->front().seq << ".."
                  << events->back().seq << ")" << (known > 0 ? ", " + std::to_string(known) + " were registered already" : "")
                  << "\n";
      }
      return 0;
    }
    if (kinds.at("opening")->parsed() || kinds.at("count")->parsed()) {
      auto table = supply::read_commodities(o->commodities);
      if (!table) return report(table.error(), o->json);
      if (table->find(o->commodity) == nullptr) {
        return report({core::ErrorCode::kNotFound, "--commodity: '" + o->commodity + "' is not in " + o->commodities}, o->json);
      }
      if (!(o->tonnes >= 0) || o->tonnes > 1e7) {
        return report({core::ErrorCode::kInvalidArgument, "--tonnes: must be between 0 and 10,000,000"}, o->json);
      }
      supply::Day day = supply::day_of(core::now_unix());
      if (!o->date.empty()) {
        auto d = supply::parse_day(o->date, "--date");
        if (!d) return report(d.error(), o->json);
        day = *d;
      }
      if (o->place.empty()) return report({core::ErrorCode::kInvalidArgument, "PLACE: empty"}, o->json);
      auto signer = ledger::read_key_file(o->key);
      if (!signer) return report(signer.error(), o->json);
      auto opened = open_ledger(o->store);
      if (!opened) return report(opened.error(), o->json);
      warn_violations(opened->ledger->state());
      nlohmann::json payload = {{"place", o->place}, {"date", supply::day_text(day)}, {"commodity", o->commodity},
                                {"tonnes", o->tonnes}};
      if (!o->note.empty()) payload["note"] = o->note;
      const char* type = kinds.at("opening")->parsed() ? rules::kStockOpening : rules::kStockCounted;
      auto e = opened->ledger->append(*signer, {type, o->place, payload.dump(), core::now_unix()});
      if (!e) return report(e.error(), o->json);
      if (o->json) {
        print_json({{"seq", e->seq}, {"type", type}, {"payload", payload}});
      } else {
        std::cout << "seq " << e->seq << ": " << type << " " << o->place << " " << o->tonnes << " t " << o->commodity
                  << " on " << supply::day_text(day) << ", signed by " << signer->name << "\n";
      }
      return 0;
    }
    auto needs = supply::read_needs(o->needs);
    if (!needs) return report(needs.error(), o->json);
    auto table = supply::read_commodities(o->commodities);
    if (!table) return report(table.error(), o->json);
    auto places = supply::read_settlements(o->places);
    if (!places) return report(places.error(), o->json);
    std::vector<supply::StockEntry> stocks;
    if (!o->stocks.empty()) {
      auto s = supply::read_stocks(o->stocks, *table);
      if (!s) return report(s.error(), o->json);
      stocks = std::move(*s);
    }
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < places->size(); ++i) index[(*places)[i].id] = i;
    std::optional<double> daily_kcal;
    if (project->parsed() && !o->daily.empty()) {
      double kcal = 0;
      std::stringstream ss(o->daily);
      std::string part;
      while (std::getline(ss, part, ',')) {
        const auto eq = part.find('=');
        const supply::Commodity* c = eq == std::string::npos ? nullptr : table->find(part.substr(0, eq));
        char* end = nullptr;
        const double t = eq == std::string::npos ? -1 : std::strtod(part.c_str() + eq + 1, &end);
        if (c == nullptr || end == nullptr || *end != '\0' || !(t >= 0) || t > 1e6) {
          return report({core::ErrorCode::kInvalidArgument, "--daily: '" + part + "' is not COMMODITY=TONNES of a commodity in " +
                                                                o->commodities},
                        o->json);
        }
        kcal += supply::kcal_of(t * 1000, *c);
      }
      daily_kcal = kcal;
    }

    auto opened = open_ledger(o->store);
    if (!opened) return report(opened.error(), o->json);
    const rules::State& state = opened->ledger->state();
    warn_violations(state);
    const auto* all = &state.consignments;
    // Stock entries recorded in the ledger count like rows of --stocks. One for a settlement not in
    // --places, or a commodity not in the table, is listed as not counted: nothing stored can make
    // this command fail.
    nlohmann::json stocks_not_counted = nlohmann::json::array();
    for (const auto& r : state.stocks) {
      const std::string where = o->store + ": seq " + std::to_string(r.seq);
      const auto day = supply::parse_day(r.date, where);
      const bool known_place = index.contains(r.place);
      const bool known_commodity = table->find(r.commodity) != nullptr;
      if (!day || !known_place || !known_commodity) {
        stocks_not_counted.push_back({{"seq", r.seq}, {"place", r.place}, {"commodity", r.commodity},
                                      {"why", !known_place ? "not a settlement in --places" : "not in the commodity table"}});
        continue;
      }
      supply::StockEntry entry;
      entry.origin = where;
      entry.kind = r.type == rules::kStockOpening ? supply::FlowKind::kOpening : supply::FlowKind::kCount;
      entry.place = r.place;
      entry.commodity = r.commodity;
      entry.day = *day;
      entry.tonnes = r.tonnes;
      stocks.push_back(entry);
    }
    for (const auto& e : stocks) {
      if (!index.contains(e.place)) return report({core::ErrorCode::kNotFound, e.origin + ": unknown settlement '" + e.place + "'"}, o->json);
    }

    // Deliveries, received quantities only, to the settlement named as destination.
    std::vector<std::vector<supply::Flow>> flows(places->size());
    nlohmann::json unmatched = nlohmann::json::array(), no_energy = nlohmann::json::array();
    std::optional<supply::Day> first;
    auto seen = [&](supply::Day d) { first = first ? std::min(*first, d) : d; };
    for (const auto& [id, c] : *all) {
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
          if (const supply::Commodity* com = table->by_hs(c.hs[i])) per_kg = com->kcal_per_kg;
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
      entries[{index[e.place], e.day, e.kind}] += supply::kcal_of(e.tonnes * 1000, *table->find(e.commodity));
      seen(e.day);
    }
    for (const auto& [key, kcal] : entries) {
      flows[std::get<0>(key)].push_back({std::get<1>(key), std::get<2>(key), kcal, "stocks"});
    }

    supply::Day from = first.value_or(supply::day_of(core::now_unix()));
    supply::Day to = supply::day_of(core::now_unix());
    if (!o->from.empty()) {
      auto d = supply::parse_day(o->from, "--from");
      if (!d) return report(d.error(), o->json);
      from = *d;
    }
    if (!o->to.empty()) {
      auto d = supply::parse_day(o->to, "--to");
      if (!d) return report(d.error(), o->json);
      to = *d;
    }
    if (to < from || to - from > 3660) {
      return report({core::ErrorCode::kInvalidArgument, "the period runs from --from " + supply::day_text(from) + " to --to " +
                                                            supply::day_text(to) + " (at most ten years, not backwards)"},
                    o->json);
    }

    std::vector<SettlementRun> runs;
    for (std::size_t i = 0; i < places->size(); ++i) {
      SettlementRun r{(*places)[i], {}, {}};
      auto need = supply::daily_need(*needs, r.settlement.population, r.settlement.origin);
      if (!need) return report(need.error(), o->json);
      r.need = *need;
      supply::Account acc(need->kcal, {o->trailing});
      for (auto& f : flows[i]) acc.add(f);
      r.days = acc.run(from, to);
      runs.push_back(std::move(r));
    }

    nlohmann::json out = {{"from", supply::day_text(from)}, {"to", supply::day_text(to)}, {"profile", needs->name}};
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : runs) {
      const supply::PeriodFigures p = supply::period(r.days);
      const supply::DayFigures& last = r.days.back();
      nlohmann::json items = nlohmann::json::object();
      for (const auto& [item, q] : r.need.items) items[item] = q;
      nlohmann::json j = {{"id", r.settlement.id},
                          {"name", r.settlement.name},
                          {"population", r.settlement.population.total},
                          {"groups", r.settlement.population.groups},
                          {"need_kcal_per_day", r.need.kcal},
                          {"water_l_per_day", r.need.water_l},
                          {"items_per_day", items},
                          {"delivered_kcal", p.delivered_kcal},
                          {"coverage", p.coverage},
                          {"days_short", p.days_short},
                          {"stock_kcal", last.stock_kcal},
                          {"days_of_supply", last.days_of_supply},
                          {"runs_out", last.runs_out ? nlohmann::json(supply::day_text(*last.runs_out)) : nlohmann::json(nullptr)}};
      nlohmann::json days = nlohmann::json::array();
      if (project->parsed()) {
        double mean = 0;
        const std::size_t n = std::min<std::size_t>(r.days.size(), static_cast<std::size_t>(o->trailing));
        for (std::size_t k = r.days.size() - n; k < r.days.size(); ++k) mean += r.days[k].delivered_kcal;
        mean /= static_cast<double>(n);
        const double rate = daily_kcal.value_or(mean);
        j["projected_delivery_kcal_per_day"] = rate;
        const auto proj = supply::project(last, r.need.kcal, rate, o->days);
        std::optional<supply::Day> empty_day;
        for (const auto& d : proj) {
          days.push_back(day_json(d));
          if (!empty_day && d.shortfall_kcal > 0) empty_day = d.day;
        }
        j["first_day_short"] = empty_day ? nlohmann::json(supply::day_text(*empty_day)) : nlohmann::json(nullptr);
        j["projection"] = days;
      } else {
        for (const auto& d : r.days) days.push_back(day_json(d));
        j["days"] = days;
      }
      list.push_back(j);
    }
    out["settlements"] = list;
    out["unmatched_deliveries"] = unmatched;
    out["stock_records_not_counted"] = stocks_not_counted;
    out["food_items_without_energy"] = no_energy;
    if (o->json) {
      print_json(out);
      return 0;
    }
    std::cout << "Supply " << (project->parsed() ? "projection" : "status") << ", " << supply::day_text(from) << " to "
              << supply::day_text(to) << " (" << needs->name << ")\n";
    for (const auto& j : list) {
      std::cout << "  " << j["id"].get<std::string>() << " (" << thousands(j["population"].get<double>()) << " people): coverage "
                << format_fixed(100 * j["coverage"].get<double>(), 1) << "%, stock " << format_fixed(j["days_of_supply"].get<double>(), 1)
                << " days";
      if (!j["runs_out"].is_null()) std::cout << ", runs out " << j["runs_out"].get<std::string>() << " at the current rate";
      if (j.contains("first_day_short")) {
        std::cout << "; projected at " << thousands(j["projected_delivery_kcal_per_day"].get<double>()) << " kcal/day: "
                  << (j["first_day_short"].is_null() ? "no shortfall" : "short from " + j["first_day_short"].get<std::string>());
      }
      std::cout << "\n";
    }
    for (const auto& u : unmatched) {
      std::cout << "  not counted: " << u["consignment"].get<std::string>() << " was delivered to '"
                << u["destination"].get<std::string>() << "', not a settlement in " << o->places << "\n";
    }
    for (const auto& u : stocks_not_counted) {
      std::cout << "  not counted: stock record at seq " << u["seq"].get<std::uint64_t>() << " for '"
                << core::printable(u["place"].get<std::string>()) << "' (" << u["why"].get<std::string>() << ")\n";
    }
    for (const auto& u : no_energy) {
      std::cout << "  no energy figure: " << u["consignment"].get<std::string>() << " item " << u["item"].get<std::size_t>()
                << " (" << u["description"].get<std::string>() << ")\n";
    }
    return 0;
  };
}

}  // namespace corridor::cli
