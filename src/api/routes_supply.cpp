// Supply against needs per settlement: status and projection from the ledger (public figures);
// recording stocks and registering settlements (receivers, monitors, admitting parties).
#include <charconv>

#include "api/server.h"
#include "core/input.h"
#include "api/writes.h"
#include "query/query.h"
#include "rules/reports.h"

namespace corridor::api {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

const std::vector<query::Column>& supply_columns() {
  static const std::vector<query::Column> c{{"id", "id", "#loc+code"},
                                            {"name", "name", "#loc+name"},
                                            {"population", "population", "#population"},
                                            {"need_kcal_per_day", "need_kcal_per_day", "#indicator+need+kcal"},
                                            {"delivered_kcal", "delivered_kcal", "#reached+kcal"},
                                            {"coverage", "coverage", "#indicator+coverage+pct"},
                                            {"days_short", "days_short", "#indicator+short+days"},
                                            {"days_of_supply", "days_of_supply", "#indicator+stock+days"},
                                            {"runs_out", "runs_out", "#date+runsout"}};
  return c;
}

Result<Reply> report(Api& api, const Request& r, bool project) {
  const auto& inputs = api.node().supply();
  if (!inputs) return fail(ErrorCode::kNotFound, "this node has no supply tables (corridor serve --places --needs --commodities)");
  rules::SupplyQuery q;
  q.project = project;
  for (const auto& [name, out] : {std::pair{"from", &q.from}, std::pair{"to", &q.to}}) {
    if (const auto v = r.q(name)) {
      auto d = supply::parse_day(*v, name);
      if (!d) return bad_value(name, d.error().message);
      *out = *d;
    }
  }
  for (const auto& [name, out, lo, hi] : {std::tuple{"trailing_days", &q.trailing_days, 1, 365}, std::tuple{"days", &q.days, 1, 3660}}) {
    if (const auto v = r.q(name)) {
      int n = 0;
      const auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
      if (ec != std::errc() || p != v->data() + v->size() || n < lo || n > hi) {
        return bad_value(name, "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
      }
      *out = n;
    }
  }
  if (const auto daily = r.q("daily"); daily && project) {
    auto kcal = rules::daily_kcal(*daily, inputs->commodities, "daily");
    if (!kcal) return bad_value("daily", kcal.error().message);
    q.daily_kcal = *kcal;
  }
  CORRIDOR_TRY(const Json doc, api.node().with_ledger([&](rules::Ledger& l) {
    return rules::supply_report(l.state(), *inputs, q, "the ledger");
  }));
  if (r.format() == "csv") return Reply::csv(query::csv(supply_columns(), doc["settlements"]));
  return Reply::json(doc);
}

}  // namespace

void add_supply_routes(Api& api) {
  const std::vector<Param> common{{"from", "query", "string", "first day, YYYY-MM-DD"},
                                  {"to", "query", "string", "last day (default today)"},
                                  {"trailing_days", "query", "integer", "window of the current delivery rate (default 7)"},
                                  {"format", "query", "string", "json (default) or csv"}};
  api.add({"GET", "/v1/supply/status", "Coverage, stock and days of supply per settlement, day by day", "supply",
           Access::kPublic, common, "", {{200, {"application/json", "SupplyStatus"}}}},
          [&api](Request& r) { return report(api, r, false); });
  std::vector<Param> proj = common;
  proj.push_back({"days", "query", "integer", "days to project (default 30)"});
  proj.push_back({"daily", "query", "string", "what-if deliveries per settlement per day, COMMODITY=TONNES[,...]"});
  api.add({"GET", "/v1/supply/projection", "Each settlement's stock carried forward at the current or a what-if rate", "supply",
           Access::kPublic, proj, "", {{200, {"application/json", "SupplyStatus"}}}},
          [&api](Request& r) { return report(api, r, true); });

  api.add({"POST", "/v1/supply/stocks", "Record an opening stock or a stock count (a receiver or monitor of the settlement)",
           "supply", Access::kMember, {}, "StockRequest", {{201, {"application/json", "Appended"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const Json j, r.json_body());
            Body b(j);
            CORRIDOR_TRY(const auto kind, b.str("kind", true));
            CORRIDOR_TRY(const auto place, b.str("place", true));
            CORRIDOR_TRY(const auto commodity, b.str("commodity", true));
            CORRIDOR_TRY(const auto tonnes, b.num("tonnes", true));
            CORRIDOR_TRY(const auto date, b.str("date"));
            CORRIDOR_TRY(const auto note, b.str("note"));
            CORRIDOR_TRY(const auto at, b.str("at"));
            CORRIDOR_CHECK(b.no_others());
            if (*kind != "opening" && *kind != "count") return bad_value("/kind", "opening or count");
            const auto& inputs = api.node().supply();
            if (inputs && inputs->commodities.find(*commodity) == nullptr) {
              return bad_value("/commodity", "'" + *commodity + "' is not in this node's commodity table");
            }
            Intent in;
            in.type = *kind == "opening" ? rules::kStockOpening : rules::kStockCounted;
            in.subject = *place;
            CORRIDOR_TRY(in.time, time_or_now(at, "/at"));
            in.payload = {{"place", *place},
                          {"date", date.value_or(supply::day_text(supply::day_of(in.time)))},
                          {"commodity", *commodity},
                          {"tonnes", *tonnes}};
            if (note) in.payload["note"] = *note;
            CORRIDOR_TRY(const ledger::Event e, write_as(api, r, in));
            return Reply::json({{"seq", e.seq}, {"hash", e.hash}, {"type", e.type}}, 201);
          });

  api.add({"POST", "/v1/supply/settlements", "Register a settlement, so that stocks may be recorded for it", "supply",
           Access::kMember, {}, "SettlementRequest", {{201, {"application/json", "Appended"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const Json j, r.json_body());
            Body b(j);
            CORRIDOR_TRY(const auto id, b.str("id", true));
            CORRIDOR_TRY(const auto name, b.str("name"));
            CORRIDOR_TRY(const auto population, b.integer("population"));
            CORRIDOR_TRY(const auto reporters, b.strings("reporters"));
            CORRIDOR_TRY(const auto at, b.str("at"));
            CORRIDOR_CHECK(b.no_others());
            Intent in;
            in.type = rules::kSettlementRegistered;
            in.subject = *id;
            CORRIDOR_TRY(in.time, time_or_now(at, "/at"));
            in.payload = {{"id", *id}};
            if (name) in.payload["name"] = *name;
            if (population) in.payload["population"] = *population;
            if (!reporters.empty()) in.payload["reporters"] = reporters;
            CORRIDOR_TRY(const ledger::Event e, write_as(api, r, in));
            return Reply::json({{"seq", e.seq}, {"hash", e.hash}, {"settlement", *id}}, 201);
          });
}

}  // namespace corridor::api
