// corridor supply status|project: stocks per settlement from the ledger's delivered consignments
// (received quantities only), opening stocks and reported counts, against the needs profile.
#include <iostream>

#include "cargo/lifecycle.h"
#include "cli/common.h"
#include "core/input.h"
#include "ledger/crypto.h"
#include "rules/ledger.h"
#include "rules/reports.h"
#include "store/store.h"
#include "supply/supply.h"

namespace corridor::cli {

namespace {

struct Opts {
  std::string store = "corridor.db", places, needs, commodities, stocks, from, to, daily;
  std::string place, commodity, date, key, note, at;
  double tonnes = -1;
  int days = 30;
  int trailing = 7;
  bool json = false;
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


}  // namespace

Runner add_supply(CLI::App& app) {
  auto* cmd = app.add_subcommand("supply", "Stocks, coverage and days of supply per settlement");
  cmd->require_subcommand(1);
  auto o = std::make_shared<Opts>();
  auto common = [o](CLI::App* s) {
    add_store_option(s, o->store);
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
  add_store_option(reg, o->store);
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
    k->add_option("--date", o->date, "the day it refers to (default: the day of --at)");
    k->add_option("--at", o->at, "when it is recorded (default: now)");
    k->add_option("--note", o->note, "how it was counted, by whom");
    k->add_option("--key", o->key, "the recording party's key file")->required();
    add_store_option(k, o->store);
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
      auto at = time_option(o->at);
      if (!at) return report(at.error(), o->json);
      supply::Day day = supply::day_of(*at);
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
      auto e = opened->ledger->append(*signer, {type, o->place, payload.dump(), *at});
      if (!e) return report(e.error(), o->json);
      if (o->json) {
        print_json({{"seq", e->seq}, {"type", type}, {"payload", payload}});
      } else {
        std::cout << "seq " << e->seq << ": " << type << " " << o->place << " " << o->tonnes << " t " << o->commodity
                  << " on " << supply::day_text(day) << ", signed by " << signer->name << "\n";
      }
      return 0;
    }
    rules::SupplyInputs in;
    in.places_name = o->places;
    auto needs = supply::read_needs(o->needs);
    if (!needs) return report(needs.error(), o->json);
    in.needs = std::move(*needs);
    auto table = supply::read_commodities(o->commodities);
    if (!table) return report(table.error(), o->json);
    in.commodities = std::move(*table);
    std::vector<std::string> no_count;
    auto places = supply::read_settlements(o->places, &no_count);
    if (!places) return report(places.error(), o->json);
    in.settlements = std::move(*places);
    if (!o->stocks.empty()) {
      auto s = supply::read_stocks(o->stocks, in.commodities);
      if (!s) return report(s.error(), o->json);
      in.stocks = std::move(*s);
    }
    rules::SupplyQuery q;
    q.trailing_days = o->trailing;
    q.project = project->parsed();
    q.days = o->days;
    if (project->parsed() && !o->daily.empty()) {
      auto kcal = rules::daily_kcal(o->daily, in.commodities, "--daily");
      if (!kcal) return report(kcal.error(), o->json);
      q.daily_kcal = *kcal;
    }
    for (const auto& [text, day, name] : {std::tuple{&o->from, &q.from, "--from"}, std::tuple{&o->to, &q.to, "--to"}}) {
      if (text->empty()) continue;
      auto d = supply::parse_day(*text, name);
      if (!d) return report(d.error(), o->json);
      *day = *d;
    }
    auto opened = open_ledger(o->store);
    if (!opened) return report(opened.error(), o->json);
    warn_violations(opened->ledger->state());
    auto out = rules::supply_report(opened->ledger->state(), in, q, o->store);
    if (!out) return report(out.error(), o->json);
    (*out)["settlements_without_population"] = no_count;
    if (o->json) {
      print_json(*out);
      return 0;
    }
    const auto& list = (*out)["settlements"];
    const auto& unmatched = (*out)["unmatched_deliveries"];
    const auto& stocks_not_counted = (*out)["stock_records_not_counted"];
    const auto& no_energy = (*out)["food_items_without_energy"];
    std::cout << "Supply " << (project->parsed() ? "projection" : "status") << ", " << (*out)["from"].get<std::string>()
              << " to " << (*out)["to"].get<std::string>() << " (" << in.needs.name << ")\n";
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
    for (const auto& id : no_count) {
      std::cout << "  not counted: settlement " << core::printable(id) << " has no population in " << o->places
                << " (no need figures without a count)\n";
    }
    for (const auto& u : no_energy) {
      std::cout << "  no energy figure: " << u["consignment"].get<std::string>() << " item " << u["item"].get<std::size_t>()
                << " (" << u["description"].get<std::string>() << ")\n";
    }
    return 0;
  };
}

}  // namespace corridor::cli
