// corridor::scenario — what-if runs over time. A scenario file (TOML, docs/formats.md) names a road
// network, places with their population and every name, supply sources, checkpoints with their
// regimes, a table of claims about the status of roads and checkpoints (each attributed to the party
// that made it, with its source and date range), planned or recurring convoys, a needs profile and
// a horizon. `run` walks the horizon day by day: which claims are in force and which conflict, the
// effective status of each road and checkpoint (by default the latest claim of its operator; another
// party can be trusted instead), who is cut off, the corridor's capacity in trucks per day, which
// convoys move and which do not (and why: a closure, a closed checkpoint, a regime decision, the
// checkpoint's throughput), deliveries, stock and coverage.
//
// May use: core, net, route, access, regime, supply.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "access/capacity.h"
#include "access/places.h"
#include "core/result.h"
#include "net/graph.h"
#include "regime/regime.h"
#include "supply/supply.h"

namespace corridor::scenario {

using supply::Day;

enum class Status : std::uint8_t { kOpen, kRestricted, kClosed };
[[nodiscard]] const char* status_name(Status s);

// Where a claim's words come from: the party itself, the operator of the movement it reports (the
// ICRC on its own trucks), an outside observer, or the media.
[[nodiscard]] bool is_source_type(const std::string& t);

// One statement about a road's or a checkpoint's status.
struct Claim {
  std::string target;        // a road id (the network's way key or id) or a checkpoint id
  Status status = Status::kOpen;
  std::vector<std::string> allowed;  // restricted: the parties that may still pass
  // Whose traffic the claim speaks of (sorted); empty: all traffic. "ICRC crossings suspended" is
  // about the ICRC and says nothing of anyone else's.
  std::vector<std::string> about;
  Day from = 0;              // the day it speaks of
  std::optional<Day> published;  // the day it was said or printed, when not `from`
  std::optional<Day> until;  // exclusive
  std::optional<int> valid_days;  // in force for this many days from `from`
  bool until_replaced = false;    // stated: in force until its party speaks again
  std::string party, claimed_by, source, note;
  std::string source_type;   // party_statement, operator, observer, media
  std::string quote;         // the source's own words, as the timeline row quotes them
  std::string timeline;      // the timeline row it comes from ("timeline.csv:24")
  std::string origin;        // file:line
  Day ends = 0;              // computed: when it stops being in force (INT64_MAX: never)
  std::string validity;      // computed: how `ends` was decided, in words
  [[nodiscard]] bool applies_to(const std::string& mover) const {
    return about.empty() || (!mover.empty() && std::find(about.begin(), about.end(), mover) != about.end());
  }
};

// What a party reported moving over a period (movements.csv): set beside what the run moves, never
// used to move anything.
struct Movement {
  Day from = 0, until = 0;          // inclusive
  std::string party, source_type, claimed_by;
  std::string movement;             // goods, vehicles, evacuation, people
  std::string direction;            // in (to the area), out, both
  std::vector<std::string> by;      // whose traffic it counts; empty: anyone's
  std::string via;                  // a road or checkpoint it names, or ""
  std::string convoy;               // the scenario's convoy it reports on, or ""
  std::optional<double> vehicles, trucks, tonnes, people;
  std::vector<std::string> confirmed_by;  // the parties whose sources report it
  std::string quote, cites, source, note, origin;
};

// A population count other than the listed settlements' (the area's population is a claim too).
struct PopulationCount {
  std::string label, source;
  std::int64_t people = 0;
};

struct CheckpointDef {
  std::string id;    // the claims target
  std::string road;  // the road it stands on
  std::string operator_party;
  regime::Regime regime;
  access::Checkpoint capacity;  // throughput from the regime's [checkpoint] table
  Day from = 0;
  std::optional<Day> until;
  std::string origin;
  std::string capacity_note;  // where its throughput comes from (or that it is assumed)
  [[nodiscard]] bool in_force(Day d) const { return d >= from && (!until || d < *until); }
};

struct CargoLine {
  std::string commodity;
  double tonnes = 0;
};

struct Convoy {
  std::string id, party, type = "humanitarian", registration, note, origin;
  std::string from, to;             // place ids
  std::vector<std::string> via;     // place ids
  std::string checkpoint;           // a checkpoint id the convoy must cross (its road becomes a via)
  Day start = 0;
  int every_days = 0;               // 0: once
  std::optional<Day> until;         // last day a recurring convoy sets out (inclusive)
  int wait_days = 0;                // a blocked convoy tries again on each of the next N days
  int trucks = 0;
  std::vector<CargoLine> cargo;
  std::vector<std::string> documents, approvals;
  int declared_hours_before = 48;
};

struct Scenario {
  std::string name, note, path, dir;
  Day start = 0, end = 0, report_day = 0;
  std::string display;              // the places column used as display name
  double snap_limit_m = 2000;
  std::optional<net::Graph> network;  // set once loaded
  [[nodiscard]] const net::Graph& graph() const { return *network; }
  std::string network_file;
  std::vector<access::Place> places;          // every place, names in the file's column order
  std::vector<std::string> name_columns;
  std::vector<std::vector<std::string>> names_by_column;  // per place: its name in each name column ("" where none)
  std::vector<std::map<std::string, std::int64_t>> place_groups;  // per place: population group -> count
  std::vector<std::size_t> area;              // indices of the places that count as the area
  std::vector<std::size_t> sources;           // indices of the supply sources
  std::map<std::string, std::string> parties; // id -> description
  std::map<std::string, std::string> operators;  // target -> party
  std::map<std::string, Status> baseline;        // status where no claim is in force (default: open)
  std::vector<Claim> claims;
  std::string claims_file;
  // The scenario's rule for a claim that states no end: none = until its party speaks again about
  // the same target and traffic; a number = that many days at most ([claims] open_claims).
  std::optional<int> open_claim_days;
  [[nodiscard]] std::string open_claim_rule() const;
  std::vector<CheckpointDef> checkpoints;
  std::map<std::string, std::vector<core::SegmentId>> roads;  // road id -> its segments
  // road id -> every name the network file gives it (GeoJSON `name` first, then name_* properties)
  std::map<std::string, std::vector<std::string>> road_names;
  // Every name of a road, checkpoint or place id (the display name first); the id alone when none.
  [[nodiscard]] std::vector<std::string> names_of(const std::string& id) const;
  supply::NeedsProfile needs;
  supply::CommodityTable commodities;
  double opening_stock_days = 0;
  std::string opening_stock_note;
  double truck_tonnes = 20;         // payload of one truck, for trucks-per-day figures
  access::ClassCapacity classes = access::ClassCapacity::defaults();
  std::set<std::string> classes_sourced;  // road classes whose capacity [capacity] gives
  std::string capacity_source;            // [capacity] source
  std::vector<Convoy> convoys;
  std::vector<Movement> movements;
  std::string movements_file;
  std::vector<PopulationCount> population_counts;

  [[nodiscard]] const access::Place* place(const std::string& id) const;
  [[nodiscard]] std::int64_t area_population() const;
  // The area's population with its groups, for the needs profile.
  [[nodiscard]] supply::Population area_groups() const;
};

// Reads and checks a scenario and everything it references (paths relative to the scenario file).
// Every error names the file and line (or JSON pointer) it comes from.
// `display`: the places column to use as display name instead of the scenario's own choice.
[[nodiscard]] core::Result<Scenario> load_scenario(const std::string& path, const std::string& display = "");

// ---- a run ----------------------------------------------------------------------------------------

struct Effective {
  Status status = Status::kOpen;
  std::vector<std::string> allowed;
  std::optional<std::size_t> claim;  // the claim it comes from; none: no claim in force
  bool fallback = false;             // the trusted party said nothing: the most restrictive claim in force
  bool baseline = false;             // no claim in force: the scenario's baseline status
  bool what_if = false;              // closed by the run's what-if, not by any claim
};

struct Conflict {
  std::string target;
  std::vector<std::size_t> claims;  // claims in force on the day that disagree
};

struct ConvoyDay {
  std::string convoy, party, from, to;
  Day set_out = 0;                  // the day this run of the convoy first tried
  int trucks = 0;
  double tonnes = 0;
  bool moved = false;
  bool waits = false;               // blocked, and will try again tomorrow
  std::vector<std::string> reasons; // why not (closures, checkpoint, regime, throughput)
  std::vector<std::string> reason_kinds;  // road_status, checkpoint_status, regime, throughput, no_route
  std::vector<std::string> roads;   // the roads taken, or that would have been
  double kcal = 0;
};

struct DayResult {
  Day day = 0;
  std::map<std::string, Effective> status;     // every target with a claim or a checkpoint
  std::vector<Conflict> conflicts;
  std::vector<std::size_t> cut_off;            // area place indices cut off for general traffic
  std::int64_t cut_off_population = 0;
  std::int64_t capacity_open = 0;              // trucks/day, roads open to all
  std::int64_t capacity_with_restricted = 0;   // counting restricted roads as open
  std::vector<std::string> bottleneck;         // road ids of the minimum cut (roads open to all)
  std::vector<ConvoyDay> convoys;
  double delivered_tonnes = 0;
  supply::DayFigures supply;
};

struct StatusChange {
  Day day = 0;
  std::string target;
  Effective before, after;
};

// The run's supply figures again at another count of the area's population (the need scales with
// it; deliveries and the opening stock in days of need stay as they are).
struct PopulationCase {
  std::string label, source;
  std::int64_t people = 0;
  double need_kcal_per_day = 0;
  supply::PeriodFigures whole;
  std::optional<Day> first_short;
};

struct RunResult {
  std::string trust;               // "" = each target's operator
  std::vector<PopulationCase> population_cases;  // the listed settlements first, then [[population]]
  std::vector<DayResult> days;
  std::vector<StatusChange> changes;
  supply::PeriodFigures whole;
  std::vector<supply::PeriodFigures> months;
  double need_kcal_per_day = 0;
  double water_l_per_day = 0;
  double opening_stock_kcal = 0;
};

// A closure the reader imagines ("what if this road were closed from .. to .."): it overrides every
// claim on its target for its days, and is reported as a what-if, never as anybody's claim.
struct WhatIf {
  std::string target;  // a road id or a checkpoint id
  Day from = 0, to = 0;  // inclusive
};

struct RunOptions {
  std::string trust;  // a party id; "" = the operator of each road or checkpoint
  std::vector<WhatIf> what_if{};
  // Stop after this day (a day's figures depend only on the days before it); none: the horizon.
  std::optional<Day> through{};
  // Called before each day with (days done, days in all); returning false cancels the run.
  std::function<bool(std::size_t, std::size_t)> progress{};
};

[[nodiscard]] core::Result<RunResult> run(const Scenario& s, const RunOptions& o);

}  // namespace corridor::scenario
