#include "supply/supply.h"

#include "core/goods.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "core/csv.h"
#include "core/toml_fields.h"
#include "core/input.h"

namespace corridor::supply {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {
constexpr std::int64_t kDay = 86400;
}

Day day_of(core::UnixSeconds t) { return t >= 0 ? t / kDay : -((-t + kDay - 1) / kDay); }
core::UnixSeconds start_of(Day d) { return d * kDay; }
std::string day_text(Day d) { return core::format_iso8601(start_of(d)).substr(0, 10); }

Result<Day> parse_day(const std::string& text, const std::string& where) {
  const std::string full = text.size() == 10 ? text + "T00:00:00Z" : text;
  auto t = core::parse_iso8601(full, where);
  if (!t) {
    const std::string prefix = where.ends_with(": ") ? where : where + ": ";
    // 01/05/2023: day and month cannot be told apart; say so rather than guess.
    const bool slashed = text.size() == 10 && text[2] == '/' && text[5] == '/';
    return fail(ErrorCode::kParse, prefix + "'" + text + "' is not a date: write YYYY-MM-DD" +
                                       (slashed ? " (" + text.substr(6) + "-" + text.substr(3, 2) + "-" + text.substr(0, 2) +
                                                      " or " + text.substr(6) + "-" + text.substr(0, 2) + "-" +
                                                      text.substr(3, 2) + "?)"
                                                : std::string()));
  }
  return day_of(*t);
}

// ---- commodities ---------------------------------------------------------------------------------

const Commodity* CommodityTable::find(std::string_view id) const {
  for (const auto& c : items) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const Commodity* CommodityTable::by_hs(std::string_view hs) const {
  const Commodity* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& c : items) {
    for (const auto& p : c.hs_prefixes) {
      if (p.size() > best_len && hs.substr(0, p.size()) == p) {
        best = &c;
        best_len = p.size();
      }
    }
  }
  return best;
}

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (ch == sep) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (ch != ' ') {
      cur += ch;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}
}  // namespace

Result<CommodityTable> read_commodities(const std::string& path) {
  CORRIDOR_TRY(const core::CsvTable t, core::read_csv(path));
  return commodities_from(t);
}

Result<CommodityTable> parse_commodities(const std::string& text, const std::string& name) {
  CORRIDOR_TRY(const core::CsvTable t, core::parse_csv(text, name));
  return commodities_from(t);
}

Result<CommodityTable> commodities_from(const core::CsvTable& t) {
  CORRIDOR_CHECK(t.check_columns({"id", "name", "category", "kcal_per_kg", "source"},
                                 {"id", "name", "category", "kcal_per_kg", "hs", "source", "note"}));
  CommodityTable out;
  for (const auto& r : t.rows) {
    Commodity c;
    c.origin = t.name + ":" + std::to_string(r.line);
    c.id = core::csv_string(t, r, "id");
    c.name = core::csv_string(t, r, "name");
    c.category = core::csv_string(t, r, "category");
    c.source = core::csv_string(t, r, "source");
    if (c.id.empty()) return fail(ErrorCode::kParse, t.where(r, "id") + "a commodity needs an id");
    if (out.find(c.id) != nullptr) return fail(ErrorCode::kParse, t.where(r, "id") + "duplicate commodity '" + c.id + "'");
    CORRIDOR_CHECK(core::check_goods_category(c.category, t.where(r, "category")));
    CORRIDOR_TRY(c.kcal_per_kg, core::csv_double(t, r, "kcal_per_kg"));
    if (!(c.kcal_per_kg >= 0) || c.kcal_per_kg > 9500) {
      return fail(ErrorCode::kParse, t.where(r, "kcal_per_kg") + "must be between 0 and 9,500 (pure fat is about 9,000)");
    }
    if (c.kcal_per_kg > 0 && c.source.empty()) {
      return fail(ErrorCode::kParse, t.where(r, "source") + "a kcal figure needs its source");
    }
    if (t.column("hs")) c.hs_prefixes = split(core::csv_string(t, r, "hs"), '|');
    for (const auto& p : c.hs_prefixes) {
      if (p.size() < 2 || !std::all_of(p.begin(), p.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
        return fail(ErrorCode::kParse, t.where(r, "hs") + "'" + p + "' is not an HS code prefix (2 digits or more)");
      }
    }
    out.items.push_back(std::move(c));
  }
  if (out.items.empty()) return fail(ErrorCode::kParse, t.name + ": no commodities");
  return out;
}

// ---- needs ----------------------------------------------------------------------------------------

Result<NeedsProfile> parse_needs(const std::string& text, const std::string& name) {
  CORRIDOR_TRY(const toml::table doc, core::parse_toml(text, name));
  NeedsProfile p;
  for (const auto& [k, v] : doc) {
    const std::string key(k.str());
    if (key != "needs" && key != "group" && key != "item") {
      return fail(ErrorCode::kParse, name + ":" + std::to_string(v.source().begin.line) + ": unknown table '" + key +
                                         "' (needs, group, item)");
    }
  }
  const toml::node* n = doc.get("needs");
  if (n == nullptr || !n->is_table()) return fail(ErrorCode::kParse, name + ": missing the [needs] table");
  core::Fields f(*n->as_table(), name);
  CORRIDOR_CHECK(f.string("name", p.name));
  CORRIDOR_CHECK(f.string("source", p.source, true));
  CORRIDOR_CHECK(f.number("kcal_per_person_day", p.kcal_per_person_day));
  CORRIDOR_CHECK(f.number("water_l_per_person_day", p.water_l_per_person_day));
  CORRIDOR_CHECK(f.number("ration_g_per_person_day", p.ration_g_per_person_day));
  CORRIDOR_CHECK(f.no_others());
  if (p.ration_g_per_person_day > 5000) {
    return fail(ErrorCode::kParse, f.at_table() + "ration_g_per_person_day must be at most 5,000");
  }
  if (p.kcal_per_person_day <= 0 || p.kcal_per_person_day > 10000) {
    return fail(ErrorCode::kParse, f.at_table() + "kcal_per_person_day must be between 1 and 10,000");
  }
  std::set<std::string> ids;
  CORRIDOR_CHECK(core::each_table(doc, "group", name, [&](core::Fields& g) -> Result<void> {
    GroupNeed gn{"", p.kcal_per_person_day, p.water_l_per_person_day};
    CORRIDOR_CHECK(g.string("id", gn.id, true));
    CORRIDOR_CHECK(g.number("kcal_per_person_day", gn.kcal_per_person_day));
    CORRIDOR_CHECK(g.number("water_l_per_person_day", gn.water_l_per_person_day));
    g.claim("source");
    if (!ids.insert("group:" + gn.id).second) return fail(ErrorCode::kParse, g.at_table() + "duplicate group '" + gn.id + "'");
    p.groups.push_back(gn);
    return {};
  }));
  CORRIDOR_CHECK(core::each_table(doc, "item", name, [&](core::Fields& g) -> Result<void> {
    ItemNeed it;
    CORRIDOR_CHECK(g.string("id", it.id, true));
    CORRIDOR_CHECK(g.string("unit", it.unit, true));
    CORRIDOR_CHECK(g.number("quantity", it.quantity, true));
    CORRIDOR_CHECK(g.number("per_people", it.per_people));
    CORRIDOR_CHECK(g.number("period_days", it.period_days));
    g.claim("source");
    if (it.per_people <= 0 || it.period_days <= 0) {
      return fail(ErrorCode::kParse, g.at_table() + "per_people and period_days must be more than 0");
    }
    if (!ids.insert("item:" + it.id).second) return fail(ErrorCode::kParse, g.at_table() + "duplicate item '" + it.id + "'");
    p.items.push_back(it);
    return {};
  }));
  return p;
}

Result<NeedsProfile> read_needs(const std::string& path) {
  CORRIDOR_TRY(const std::string text, core::read_file_limited(path, "needs profile", core::kMaxDocumentBytes));
  return parse_needs(text, path);
}

Result<DailyNeed> daily_need(const NeedsProfile& p, const Population& pop, const std::string& where) {
  DailyNeed d;
  std::int64_t in_groups = 0;
  for (const auto& [gid, count] : pop.groups) {
    const auto it = std::find_if(p.groups.begin(), p.groups.end(), [&](const GroupNeed& g) { return g.id == gid; });
    if (it == p.groups.end()) {
      return fail(ErrorCode::kParse, where + ": population group '" + gid + "' has no figures in the needs profile '" +
                                         p.name + "'");
    }
    if (count < 0) return fail(ErrorCode::kParse, where + ": population group '" + gid + "' is negative");
    in_groups += count;
    d.kcal += static_cast<double>(count) * it->kcal_per_person_day;
    d.water_l += static_cast<double>(count) * it->water_l_per_person_day;
  }
  if (in_groups > pop.total) {
    return fail(ErrorCode::kParse, where + ": the population groups add up to " + std::to_string(in_groups) +
                                       ", more than the population " + std::to_string(pop.total));
  }
  const auto rest = static_cast<double>(pop.total - in_groups);
  d.kcal += rest * p.kcal_per_person_day;
  d.water_l += rest * p.water_l_per_person_day;
  for (const auto& it : p.items) d.items.emplace_back(it.id, it.per_day(static_cast<double>(pop.total)));
  return d;
}

Result<std::vector<Settlement>> read_settlements(const std::string& path, std::vector<std::string>* no_count) {
  CORRIDOR_TRY(const core::CsvTable t, core::read_csv(path));
  CORRIDOR_TRY(const core::PlaceColumns pc, core::place_columns(t, {"id"}, /*need_population=*/true));
  std::vector<Settlement> out;
  std::set<std::string> ids;
  for (const auto& r : t.rows) {
    Settlement st;
    st.origin = t.name + ":" + std::to_string(r.line);
    st.id = core::csv_string(t, r, "id");
    if (st.id.empty()) return fail(ErrorCode::kParse, t.where(r, "id") + "a settlement needs an id");
    if (!ids.insert(st.id).second) return fail(ErrorCode::kParse, t.where(r, "id") + "duplicate settlement '" + st.id + "'");
    const auto names = pc.row_names(t, r);
    st.name = names.empty() ? st.id : names.front();
    if (no_count != nullptr && core::csv_string(t, r, pc.population).empty()) {
      no_count->push_back(st.id + " (" + st.origin + ")");
      continue;
    }
    CORRIDOR_TRY(st.population.total, core::csv_population(t, r, pc.population));
    for (const auto& h : pc.groups) {
      if (core::csv_string(t, r, h).empty()) continue;
      CORRIDOR_TRY(const std::int64_t n, core::csv_int(t, r, h));
      if (n < 0) return fail(ErrorCode::kParse, t.where(r, h) + "negative population");
      st.population.groups[h.substr(4)] = n;
    }
    out.push_back(std::move(st));
  }
  return out;
}

Result<std::vector<StockEntry>> read_stocks(const std::string& path, const CommodityTable& table) {
  CORRIDOR_TRY(const core::CsvTable t, core::read_csv(path));
  CORRIDOR_CHECK(t.check_columns({"place", "date", "kind", "commodity", "tonnes"},
                                 {"place", "date", "kind", "commodity", "tonnes", "note"}));
  std::vector<StockEntry> out;
  for (const auto& r : t.rows) {
    StockEntry e;
    e.origin = t.name + ":" + std::to_string(r.line);
    e.place = core::csv_string(t, r, "place");
    CORRIDOR_TRY(e.day, parse_day(core::csv_string(t, r, "date"), t.where(r, "date")));
    const std::string kind = core::csv_string(t, r, "kind");
    if (kind == "opening") {
      e.kind = FlowKind::kOpening;
    } else if (kind == "count") {
      e.kind = FlowKind::kCount;
    } else {
      return fail(ErrorCode::kParse, t.where(r, "kind") + "'" + kind + "' is not a stock entry (opening or count)");
    }
    e.commodity = core::csv_string(t, r, "commodity");
    if (table.find(e.commodity) == nullptr) {
      return fail(ErrorCode::kNotFound, t.where(r, "commodity") + "'" + e.commodity + "' is not in the commodity table");
    }
    CORRIDOR_TRY(e.tonnes, core::csv_double(t, r, "tonnes"));
    if (!(e.tonnes >= 0) || e.tonnes > 1e7) return fail(ErrorCode::kParse, t.where(r, "tonnes") + "must be 0 or more");
    out.push_back(std::move(e));
  }
  return out;
}

// ---- accounts -------------------------------------------------------------------------------------

const char* flow_kind_name(FlowKind k) {
  return k == FlowKind::kOpening ? "opening" : k == FlowKind::kDelivery ? "delivery" : "count";
}

namespace {
std::optional<Day> runs_out(Day today, double stock, double need, double mean_delivered) {
  const double draw = need - mean_delivered;
  if (draw <= 0) return std::nullopt;
  return today + static_cast<Day>(std::floor(stock / draw));
}
}  // namespace

std::vector<DayFigures> Account::run(Day first, Day last) const {
  std::vector<Flow> flows = flows_;
  std::stable_sort(flows.begin(), flows.end(), [](const Flow& a, const Flow& b) { return a.day < b.day; });
  std::vector<DayFigures> out;
  double stock = 0;
  std::size_t next = 0;
  // Flows before the first day set the starting stock without being counted as that period's deliveries.
  for (; next < flows.size() && flows[next].day < first; ++next) {
    const Flow& f = flows[next];
    if (f.kind == FlowKind::kCount) {
      stock = f.kcal;
    } else {
      stock += f.kcal;
    }
  }
  std::vector<double> window;
  for (Day d = first; d <= last; ++d) {
    DayFigures fig;
    fig.day = d;
    fig.need_kcal = need_;
    std::optional<double> count;
    double opening = 0;
    for (; next < flows.size() && flows[next].day == d; ++next) {
      const Flow& f = flows[next];
      if (f.kind == FlowKind::kCount) count = f.kcal;
      if (f.kind == FlowKind::kOpening) opening += f.kcal;
      if (f.kind == FlowKind::kDelivery) fig.delivered_kcal += f.kcal;
    }
    if (count) stock = *count;
    stock += opening + fig.delivered_kcal;
    fig.consumed_kcal = std::min(stock, need_);
    fig.shortfall_kcal = need_ - fig.consumed_kcal;
    stock -= fig.consumed_kcal;
    fig.stock_kcal = stock;
    fig.coverage = need_ > 0 ? fig.delivered_kcal / need_ : 0;
    fig.days_of_supply = need_ > 0 ? stock / need_ : 0;
    window.push_back(fig.delivered_kcal);
    if (window.size() > static_cast<std::size_t>(std::max(1, o_.trailing_days))) window.erase(window.begin());
    double mean = 0;
    for (double v : window) mean += v;
    mean /= static_cast<double>(window.size());
    fig.runs_out = runs_out(d, stock, need_, mean);
    out.push_back(fig);
  }
  return out;
}

PeriodFigures period(const std::vector<DayFigures>& days) {
  PeriodFigures p;
  if (days.empty()) return p;
  p.first = days.front().day;
  p.last = days.back().day;
  for (const auto& d : days) {
    p.need_kcal += d.need_kcal;
    p.delivered_kcal += d.delivered_kcal;
    p.shortfall_kcal += d.shortfall_kcal;
    if (d.shortfall_kcal > 0) ++p.days_short;
  }
  p.coverage = p.need_kcal > 0 ? p.delivered_kcal / p.need_kcal : 0;
  return p;
}

std::vector<DayFigures> project(const DayFigures& from, double need, double delivered, int days) {
  std::vector<DayFigures> out;
  double stock = from.stock_kcal;
  for (int i = 1; i <= days; ++i) {
    DayFigures f;
    f.day = from.day + i;
    f.need_kcal = need;
    f.delivered_kcal = delivered;
    stock += delivered;
    f.consumed_kcal = std::min(stock, need);
    f.shortfall_kcal = need - f.consumed_kcal;
    stock -= f.consumed_kcal;
    f.stock_kcal = stock;
    f.coverage = need > 0 ? delivered / need : 0;
    f.days_of_supply = need > 0 ? stock / need : 0;
    f.runs_out = runs_out(f.day, stock, need, delivered);
    out.push_back(f);
  }
  return out;
}

}  // namespace corridor::supply
