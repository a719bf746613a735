// corridor::scenario — a run as JSON (docs/formats.md, "Scenario output"), as a short text summary,
// and as one self-contained HTML file (inline SVG map and charts, no network access needed).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace corridor::scenario {

// `with_days` false: "days" is left empty (a server writes them one at a time with day_json).
[[nodiscard]] nlohmann::json to_json(const Scenario& s, const RunResult& r, bool with_days = true);
// One day of a run (the elements of to_json's "days"), with, per road and checkpoint, every claim
// in force that day beside the effective status.
[[nodiscard]] nlohmann::json day_json(const Scenario& s, const RunResult& r, std::size_t day_index);
// The same day as a GeoJSON FeatureCollection: a feature per road (its segments as a
// MultiLineString) with its status and claims, a point per place (population, cut off or not) and
// per checkpoint; the day's figures as foreign members.
[[nodiscard]] nlohmann::json day_geojson(const Scenario& s, const RunResult& r, std::size_t day_index);
// The claims about `target` (every target when empty) in force on `day` (every day when none).
[[nodiscard]] nlohmann::json claims_json(const Scenario& s, const std::string& target, std::optional<Day> day);
// The "summary" member of to_json: spans of cut-off, capacity, convoys, coverage, conflicts.
[[nodiscard]] nlohmann::json summary_json(const Scenario& s, const RunResult& r);
[[nodiscard]] std::string summary_text(const Scenario& s, const RunResult& r);
// One party's account in a line: days with people cut off, mean capacity, convoys and tonnes moved,
// coverage and days short (`scenario run --trust all`, `/v1/scenarios/{id}/compare`).
[[nodiscard]] nlohmann::json account_json(const Scenario& s, const RunResult& r);
[[nodiscard]] std::string accounts_text(const std::vector<nlohmann::json>& rows);
// Every mention of the scenario's folder taken out of the text (or of every string in a JSON
// document): what is shown names the scenario's files relative to it ("claims.csv:18"), never the
// machine's own paths.
[[nodiscard]] std::string relative(std::string text, const std::string& dir);
[[nodiscard]] nlohmann::json relative(nlohmann::json j, const std::string& dir);
// `map_day`: the day whose statuses colour the map.
[[nodiscard]] std::string html_report(const Scenario& s, const RunResult& r, Day map_day);

}  // namespace corridor::scenario
