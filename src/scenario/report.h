// corridor::scenario — a run as JSON (docs/formats.md, "Scenario output"), as a short text summary,
// and as one self-contained HTML file (inline SVG map and charts, no network access needed).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "scenario/scenario.h"

namespace corridor::scenario {

[[nodiscard]] nlohmann::json to_json(const Scenario& s, const RunResult& r);
// The "summary" member of to_json: spans of cut-off, capacity, convoys, coverage, conflicts.
[[nodiscard]] nlohmann::json summary_json(const Scenario& s, const RunResult& r);
[[nodiscard]] std::string summary_text(const Scenario& s, const RunResult& r);
// `map_day`: the day whose statuses colour the map.
[[nodiscard]] std::string html_report(const Scenario& s, const RunResult& r, Day map_day);

}  // namespace corridor::scenario
