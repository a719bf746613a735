// Scenarios this node serves: their runs, whole or one day (JSON, or GeoJSON for a map), the
// claims behind every status, and the same run under several trusted parties side by side.
#include <sstream>

#include "api/server.h"
#include "core/input.h"
#include "scenario/report.h"

namespace corridor::api {

using core::ErrorCode;
using core::fail;
using core::Result;
using supply::Day;

namespace {

Result<const LoadedScenario*> scenario_of(Api& api, const Request& r) {
  const LoadedScenario* sc = api.node().scenario(r.p("id"));
  if (sc == nullptr) return fail(ErrorCode::kNotFound, "no scenario '" + core::printable(r.p("id")) + "' on this node");
  return sc;
}

std::string trust_of(const Request& r) {
  const std::string t = r.q("trust").value_or("");
  return t == "operator" ? "" : t;
}

Result<std::size_t> day_index(const scenario::Scenario& s, const std::string& text, const std::string& what) {
  auto d = supply::parse_day(text, what);
  if (!d) return bad_value(what, d.error().message);
  if (*d < s.start || *d > s.end) {
    return fail(ErrorCode::kNotFound, what + ": " + text + " is outside the scenario (" + supply::day_text(s.start) + " to " +
                                          supply::day_text(s.end) + ")");
  }
  return static_cast<std::size_t>(*d - s.start);
}

// A whole run, written member by member and its days one at a time (ten years of days are tens of
// megabytes): the client that leaves stops the writing.
Writer public_run(const LoadedScenario* sc, std::shared_ptr<const scenario::RunResult> run) {
  return [sc, run](const std::function<bool(const std::string&)>& write) {
    const auto dump = [](const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); };
    Json j = scenario::to_json(sc->s, *run, false);
    j["scenario"].erase("file");
    bool first = true;
    if (!write("{")) return false;
    for (const auto& [key, value] : j.items()) {
      if (!first && !write(",")) return false;
      if (!write(Json(key).dump()) || !write(":")) return false;
      first = false;
      if (key != "days") {
        if (!write(dump(scenario::relative(value, sc->s.dir)))) return false;
        continue;
      }
      if (!write("[")) return false;
      for (std::size_t i = 0; i < run->days.size(); ++i) {
        if (i > 0 && !write(",")) return false;
        if (!write(dump(scenario::relative(scenario::day_json(sc->s, *run, i), sc->s.dir)))) return false;
      }
      if (!write("]")) return false;
    }
    return write("}");
  };
}

// The reader's what-if: `close=ROAD[,ROAD...]`, for the days `close_from` to `close_to` (inclusive;
// both default to the day asked for).
Result<std::vector<scenario::WhatIf>> what_if_of(const scenario::Scenario& s, const Request& r, std::size_t day) {
  std::vector<scenario::WhatIf> out;
  const auto close = r.q("close");
  if (!close) {
    if (r.q("close_from") || r.q("close_to")) return bad_value("close_from", "a window needs close=ROAD");
    return out;
  }
  const Day d = s.start + static_cast<Day>(day);
  Day from = d, to = d;
  if (const auto f = r.q("close_from")) {
    CORRIDOR_TRY(const std::size_t i, day_index(s, *f, "close_from"));
    from = s.start + static_cast<Day>(i);
  }
  if (const auto t = r.q("close_to")) {
    CORRIDOR_TRY(const std::size_t i, day_index(s, *t, "close_to"));
    to = s.start + static_cast<Day>(i);
  }
  if (to < from) return bad_value("close_to", "the window ends (" + supply::day_text(to) + ") before it starts (" + supply::day_text(from) + ")");
  std::stringstream ss(*close);
  for (std::string t; std::getline(ss, t, ',');) {
    if (!t.empty()) out.push_back({t, from, to});
  }
  if (out.empty()) return bad_value("close", "a road or checkpoint id, or several separated by commas");
  if (out.size() > 64) return bad_value("close", "at most 64 roads at once");
  return out;
}

// Per day, the figures a chart needs, as columns: a year of days is a few kilobytes.
Json series_json(const scenario::Scenario& s, const scenario::RunResult& run) {
  std::map<std::size_t, std::tuple<std::int64_t, Day, Day>> cut_days;  // place -> days cut off, first, last
  Json dates = Json::array(), cut = Json::array(), cap = Json::array(), cap_r = Json::array(), tonnes = Json::array(),
       delivered = Json::array(), need = Json::array(), stock = Json::array(), dos = Json::array(), coverage = Json::array(),
       moved = Json::array(), blocked = Json::array();
  for (const auto& d : run.days) {
    dates.push_back(supply::day_text(d.day));
    cut.push_back(d.cut_off_population);
    cap.push_back(d.capacity_open);
    cap_r.push_back(d.capacity_with_restricted);
    tonnes.push_back(d.delivered_tonnes);
    delivered.push_back(d.supply.delivered_kcal);
    need.push_back(d.supply.need_kcal);
    stock.push_back(d.supply.stock_kcal);
    dos.push_back(d.supply.days_of_supply);
    coverage.push_back(d.supply.coverage);
    std::int64_t m = 0, b = 0;
    for (const auto& c : d.convoys) (c.moved ? m : b) += 1;
    moved.push_back(m);
    blocked.push_back(b);
    for (const std::size_t p : d.cut_off) {
      auto [it, fresh] = cut_days.try_emplace(p, 0, d.day, d.day);
      ++std::get<0>(it->second);
      std::get<2>(it->second) = d.day;
    }
  }
  Json places = Json::object();
  for (const std::size_t p : s.area) {
    const auto it = cut_days.find(p);
    Json j = {{"days_cut_off", it == cut_days.end() ? 0 : std::get<0>(it->second)}};
    if (it != cut_days.end()) {
      j["first"] = supply::day_text(std::get<1>(it->second));
      j["last"] = supply::day_text(std::get<2>(it->second));
    }
    places[s.places[p].id] = j;
  }
  return {{"trust", run.trust.empty() ? "operator" : run.trust},
          {"need_kcal_per_day", run.need_kcal_per_day},
          {"opening_stock_kcal", run.opening_stock_kcal},
          {"dates", dates},
          {"cut_off_population", cut},
          {"capacity_trucks_per_day", cap},
          {"capacity_trucks_per_day_with_restricted", cap_r},
          {"delivered_tonnes", tonnes},
          {"delivered_kcal", delivered},
          {"need_kcal", need},
          {"stock_kcal", stock},
          {"days_of_supply", dos},
          {"coverage", coverage},
          {"convoys_moved", moved},
          {"convoys_blocked", blocked},
          {"places", places}};
}

std::vector<std::string> trust_list(const LoadedScenario& sc, const Request& r) {
  std::vector<std::string> out;
  const std::string text = r.q("trust").value_or("");
  if (text.empty()) {
    out.push_back("");
    for (const auto& [p, desc] : sc.s.parties) out.push_back(p);
    return out;
  }
  std::stringstream ss(text);
  for (std::string t; std::getline(ss, t, ',');) out.push_back(t == "operator" ? "" : t);
  return out;
}

}  // namespace

void add_scenario_routes(Api& api) {
  api.add({"GET", "/v1/scenarios", "The scenarios this node serves", "scenarios", Access::kPublic, {}, "",
           {{200, {"application/json", "ScenarioList"}}}},
          [&api](Request&) -> Result<Reply> {
            Json list = Json::array();
            for (const auto& sc : api.node().scenarios()) {
              const auto& s = sc->s;
              Json parties = Json::object();
              for (const auto& [p, d] : s.parties) parties[p] = d;
              list.push_back({{"id", sc->id},
                              {"name", s.name},
                              {"note", s.note},
                              {"start", supply::day_text(s.start)},
                              {"end", supply::day_text(s.end)},
                              {"report_day", supply::day_text(s.report_day)},
                              {"area_population", s.area_population()},
                              {"parties", parties},
                              {"name_columns", s.name_columns},
                              {"display_name", s.display}});
            }
            return Reply::json({{"scenarios", list}});
          });

  api.add({"GET",
           "/v1/scenarios/{id}",
           "The whole run day by day (streamed with progress when asked; cancelled if the client leaves)",
           "scenarios",
           Access::kPublic,
           {{"id", "path", "string", "scenario id", true},
            {"trust", "query", "string", "take each road's status from this party's claims (default: its operator's)"},
            {"stream", "query", "boolean", "1: NDJSON progress lines, then the result"}},
           "",
           {{200, {"application/json", "ScenarioRun"}}},
           true},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const LoadedScenario* sc, scenario_of(api, r));
            const std::string trust = trust_of(r);
            if (r.q("stream").value_or("") == "1") {
              return stream_job(api, [&api, sc, trust](const std::atomic<bool>& cancel, const std::function<void(Json)>& report) -> Result<Writer> {
                CORRIDOR_TRY(const auto run, api.node().run(*sc, trust, [&](std::size_t done, std::size_t all) {
                  report({{"days_done", done}, {"days", all}});
                  return !cancel.load();
                }));
                return public_run(sc, run);
              });
            }
            CORRIDOR_TRY(const auto run, api.node().run(*sc, trust));
            Reply out;
            out.stream = public_run(sc, run);
            return out;
          });

  api.add({"GET",
           "/v1/scenarios/{id}/days/{date}",
           "One day: every road's and checkpoint's status with its claims, who is cut off, capacity, convoys, stocks",
           "scenarios",
           Access::kPublic,
           {{"id", "path", "string", "scenario id", true},
            {"date", "path", "string", "YYYY-MM-DD", true},
            {"trust", "query", "string", "a party whose claims decide (default: each road's operator)"},
            {"format", "query", "string", "json (default) or geojson (roads, places, checkpoints for a map)"},
            {"close", "query", "string", "what-if: close these roads or checkpoints (ids, comma-separated) on top of the claims"},
            {"close_from", "query", "string", "first day of the what-if closure (default: the day asked for)"},
            {"close_to", "query", "string", "last day of the what-if closure, inclusive (default: the day asked for)"}},
           "",
           {{200, {"application/json", "ScenarioDay"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const LoadedScenario* sc, scenario_of(api, r));
            CORRIDOR_TRY(const std::size_t i, day_index(sc->s, r.p("date"), "date"));
            CORRIDOR_TRY(const auto what_if, what_if_of(sc->s, r, i));
            const bool geo = r.format() == "geojson";
            if (!what_if.empty()) {
              const std::string trust = trust_of(r);
              CORRIDOR_TRY(const auto run, api.node().what_if(*sc, trust, what_if, sc->s.start + static_cast<Day>(i)));
              Json j = scenario::relative(geo ? scenario::day_geojson(sc->s, run, i) : scenario::day_json(sc->s, run, i), sc->s.dir);
              j["trust"] = trust.empty() ? Json("operator") : Json(trust);
              Json closed = Json::array();
              for (const auto& w : what_if) closed.push_back(w.target);
              j["what_if"] = {{"close", closed}, {"from", supply::day_text(what_if[0].from)}, {"to", supply::day_text(what_if[0].to)}};
              return geo ? Reply::geojson(j) : Reply::json(j);
            }
            CORRIDOR_TRY(const auto run, api.node().run(*sc, trust_of(r)));
            const std::string key = run->trust + "\n" + r.p("date") + (geo ? "\ngeojson" : "\njson");
            std::shared_ptr<const std::string> body;
            {
              std::lock_guard<std::mutex> lock(sc->mutex);
              if (const auto it = sc->rendered.find(key); it != sc->rendered.end()) body = it->second;
            }
            if (!body) {
              Reply made;
              if (geo) {
                made = Reply::geojson(scenario::relative(scenario::day_geojson(sc->s, *run, i), sc->s.dir));
              } else {
                Json j = scenario::relative(scenario::day_json(sc->s, *run, i), sc->s.dir);
                j["trust"] = run->trust.empty() ? Json("operator") : Json(run->trust);
                made = Reply::json(j);
              }
              body = std::make_shared<const std::string>(std::move(made.body));
              std::lock_guard<std::mutex> lock(sc->mutex);
              if (sc->rendered.size() >= LoadedScenario::kRenderedDays) sc->rendered.clear();
              sc->rendered.emplace(key, body);
            }
            Reply out;
            out.content_type = geo ? "application/geo+json" : "application/json";
            out.body = *body;
            return out;
          });

  api.add({"GET",
           "/v1/scenarios/{id}/series",
           "The run's daily figures as columns (cut off, capacity, deliveries, need, stock, days of supply, convoys) for charts",
           "scenarios",
           Access::kPublic,
           {{"id", "path", "string", "scenario id", true},
            {"trust", "query", "string", "take each road's status from this party's claims (default: its operator's)"}},
           "",
           {{200, {"application/json", "Series"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const LoadedScenario* sc, scenario_of(api, r));
            CORRIDOR_TRY(const auto run, api.node().run(*sc, trust_of(r)));
            return Reply::json(series_json(sc->s, *run));
          });

  api.add({"GET",
           "/v1/scenarios/{id}/compare",
           "The run under several trusted parties side by side: cut off, capacity, coverage (a day, or the whole run)",
           "scenarios",
           Access::kPublic,
           {{"id", "path", "string", "scenario id", true},
            {"trust", "query", "string", "comma-separated parties ('operator' for each road's operator); default all"},
            {"date", "query", "string", "one day (YYYY-MM-DD); default the whole run"}},
           "",
           {{200, {"application/json", "Compare"}}},
           true},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const LoadedScenario* sc, scenario_of(api, r));
            std::optional<std::size_t> day;
            if (const auto d = r.q("date")) {
              CORRIDOR_TRY(day, day_index(sc->s, *d, "date"));
            }
            Json rows = Json::array();
            for (const auto& trust : trust_list(*sc, r)) {
              CORRIDOR_TRY(const auto run, api.node().run(*sc, trust));
              Json row = {{"trust", trust.empty() ? "operator" : trust}};
              if (day) {
                const auto& d = run->days[*day];
                row["date"] = supply::day_text(d.day);
                row["cut_off_population"] = d.cut_off_population;
                row["capacity_trucks_per_day"] = d.capacity_open;
                row["capacity_trucks_per_day_with_restricted"] = d.capacity_with_restricted;
                row["coverage"] = d.supply.coverage;
                row["stock_kcal"] = d.supply.stock_kcal;
                std::int64_t moved = 0;
                for (const auto& c : d.convoys) moved += c.moved;
                row["convoys_moved"] = moved;
                row["convoys"] = d.convoys.size();
              } else {
                row.update(scenario::account_json(sc->s, *run));
                row["summary"] = scenario::relative(scenario::summary_json(sc->s, *run), sc->s.dir);
              }
              rows.push_back(row);
            }
            return Reply::json({{"scenario", sc->id}, {"parties", rows}});
          });

  api.add({"GET",
           "/v1/scenarios/{id}/claims",
           "The claims about a road or checkpoint, with their party, source and dates (those in force on a day)",
           "scenarios",
           Access::kPublic,
           {{"id", "path", "string", "scenario id", true},
            {"target", "query", "string", "a road or checkpoint id (default: all)"},
            {"date", "query", "string", "only the claims in force that day"}},
           "",
           {{200, {"application/json", "Claims"}}}},
          [&api](Request& r) -> Result<Reply> {
            CORRIDOR_TRY(const LoadedScenario* sc, scenario_of(api, r));
            std::optional<supply::Day> day;
            if (const auto d = r.q("date")) {
              CORRIDOR_TRY(const std::size_t i, day_index(sc->s, *d, "date"));
              day = sc->s.start + static_cast<supply::Day>(i);
            }
            return Reply::json({{"claims", scenario::relative(scenario::claims_json(sc->s, r.q("target").value_or(""), day), sc->s.dir)}});
          });
}

}  // namespace corridor::api
