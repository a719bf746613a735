// corridor::supply — what people need and what reaches them: needs profiles (kcal and water per
// person per day, per-group figures, other items per N people per period), the energy of staple
// commodities, and stock accounts per settlement folded day by day from an opening stock,
// deliveries (received quantities only) and reported stock counts.
//
// Figures (docs/formats.md, "Supply figures"): coverage = delivered kcal / needed kcal, per day and
// per period; days of supply = stock / daily need; the day stock runs out at the current rate =
// today + stock / (daily need − mean daily deliveries over the trailing window), none when
// deliveries keep up.
//
// May use: core.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/csv.h"
#include "core/result.h"
#include "core/time.h"

namespace corridor::supply {

// Calendar days as whole days since 1970-01-01 (UTC).
using Day = std::int64_t;
[[nodiscard]] Day day_of(core::UnixSeconds t);
[[nodiscard]] core::UnixSeconds start_of(Day d);
[[nodiscard]] std::string day_text(Day d);  // YYYY-MM-DD
// "YYYY-MM-DD" (or a full ISO 8601 time: its day); `where` names the input on failure.
[[nodiscard]] core::Result<Day> parse_day(const std::string& text, const std::string& where);

enum class FlowKind : std::uint8_t { kOpening, kDelivery, kCount };
[[nodiscard]] const char* flow_kind_name(FlowKind k);

// ---- commodities ---------------------------------------------------------------------------------

struct Commodity {
  std::string id, name, category;  // category: one of core::goods_categories()
  double kcal_per_kg = 0;
  std::vector<std::string> hs_prefixes;
  std::string source;  // where the kcal figure comes from
  std::string origin;  // file:line
};

class CommodityTable {
 public:
  std::vector<Commodity> items;
  [[nodiscard]] const Commodity* find(std::string_view id) const;
  // The commodity with the longest HS prefix of `hs`, if any.
  [[nodiscard]] const Commodity* by_hs(std::string_view hs) const;
};

// CSV: id,name,category,kcal_per_kg,hs,source (hs: prefixes separated by '|', may be empty; source
// required for a non-zero kcal figure). Errors name file:line and the column.
[[nodiscard]] core::Result<CommodityTable> read_commodities(const std::string& path);
[[nodiscard]] core::Result<CommodityTable> parse_commodities(const std::string& text, const std::string& name);

[[nodiscard]] core::Result<CommodityTable> commodities_from(const core::CsvTable& t);

// ---- needs ----------------------------------------------------------------------------------------

struct GroupNeed {
  std::string id;  // children, elderly, ...
  double kcal_per_person_day = 0;
  double water_l_per_person_day = 0;
};

struct ItemNeed {
  std::string id, unit;
  double quantity = 0;    // per `per_people` people per `period_days`
  double per_people = 1;
  double period_days = 1;
  [[nodiscard]] double per_day(double people) const { return quantity * people / per_people / period_days; }
};

struct NeedsProfile {
  std::string name, source;
  double kcal_per_person_day = 2100;
  double water_l_per_person_day = 15;
  double ration_g_per_person_day = 0;  // optional: mass of a full ration basket, for tonnes-per-day figures
  std::vector<GroupNeed> groups;
  std::vector<ItemNeed> items;
};

// TOML ([needs] kcal_per_person_day, water_l_per_person_day, source; [[group]]; [[item]]);
// docs/formats.md. Strict: unknown keys are errors with file:line.
[[nodiscard]] core::Result<NeedsProfile> read_needs(const std::string& path);
[[nodiscard]] core::Result<NeedsProfile> parse_needs(const std::string& text, const std::string& name);

// A population: its total and, where given, how many belong to each group (the rest use the
// profile's general figures).
struct Population {
  std::int64_t total = 0;
  std::map<std::string, std::int64_t> groups;
};

struct DailyNeed {
  double kcal = 0, water_l = 0;
  std::vector<std::pair<std::string, double>> items;  // item id -> quantity per day
};
// Fails when a group is not in the profile or the groups add up to more than the total.
[[nodiscard]] core::Result<DailyNeed> daily_need(const NeedsProfile& p, const Population& pop, const std::string& where);

// A settlement as the supply commands read it: CSV with id and population (name, lat, lon, names
// optional) and one `pop_<group>` column per population group given.
struct Settlement {
  std::string id, name;
  Population population;
  std::string origin;
};
// A row whose population cell is empty (a count no source gave) is left out of the figures: its id
// and line go to `no_count`; without `no_count` such a row is an error.
[[nodiscard]] core::Result<std::vector<Settlement>> read_settlements(const std::string& path,
                                                                     std::vector<std::string>* no_count = nullptr);

// Opening stocks and reported stock counts: CSV place,date,kind(opening|count),commodity,tonnes[,note].
struct StockEntry {
  std::string place;
  Day day = 0;
  FlowKind kind = FlowKind::kOpening;
  std::string commodity;
  double tonnes = 0;
  std::string origin;
};

[[nodiscard]] core::Result<std::vector<StockEntry>> read_stocks(const std::string& path, const CommodityTable& t);

// ---- stock accounts -------------------------------------------------------------------------------


// One dated movement of an account, in kcal.
struct Flow {
  Day day = 0;
  FlowKind kind = FlowKind::kDelivery;
  double kcal = 0;
  std::string ref;  // consignment id, convoy, file:line
};

struct DayFigures {
  Day day = 0;
  double need_kcal = 0;
  double delivered_kcal = 0;
  double consumed_kcal = 0;
  double shortfall_kcal = 0;   // need not met from stock that day
  double stock_kcal = 0;       // at the end of the day
  double coverage = 0;         // delivered / need that day
  double days_of_supply = 0;   // stock / need
  std::optional<Day> runs_out; // at the current rate; none when deliveries keep up
};

struct PeriodFigures {
  Day first = 0, last = 0;
  double need_kcal = 0, delivered_kcal = 0, shortfall_kcal = 0;
  double coverage = 0;  // delivered / need over the period
  std::int64_t days_short = 0;  // days with a shortfall
};

struct AccountOptions {
  int trailing_days = 7;  // window of the "current rate" of deliveries
};

// Folds the flows of one account from `first` to `last` (inclusive). On each day: a reported count
// replaces the stock (the latest of the day wins), the opening stock adds, deliveries add, then the
// day's need is consumed from stock as far as it goes. `need_kcal(day)` gives the need per day.
class Account {
 public:
  Account(double need_kcal_per_day, AccountOptions o = {}) : need_(need_kcal_per_day), o_(o) {}
  void add(Flow f) { flows_.push_back(std::move(f)); }
  [[nodiscard]] std::vector<DayFigures> run(Day first, Day last) const;
  [[nodiscard]] double need_per_day() const { return need_; }

 private:
  double need_;
  AccountOptions o_;
  std::vector<Flow> flows_;
};

[[nodiscard]] PeriodFigures period(const std::vector<DayFigures>& days);

// Energy of a delivered quantity: kg × kcal/kg.
[[nodiscard]] inline double kcal_of(double kg, const Commodity& c) { return kg * c.kcal_per_kg; }

// Continues an account's last day forward `days` days at a constant daily delivery (kcal): the
// projection `corridor supply project` prints.
[[nodiscard]] std::vector<DayFigures> project(const DayFigures& from, double need_kcal_per_day,
                                              double delivered_kcal_per_day, int days);

}  // namespace corridor::supply
