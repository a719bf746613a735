// corridor::rules — documents derived from the ledger's state for readers: consignment statistics
// and supply status or projection per settlement. The CLI prints them (and its text from them); the
// HTTP API serves them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "rules/state.h"
#include "supply/supply.h"

namespace corridor::rules {

// `consign stats` as JSON; with_ids: also the consignments waiting at each checkpoint and those
// awaiting approval (members see them; the public sees the aggregates).
[[nodiscard]] nlohmann::json stats_document(const State& s, bool with_ids);
// What the log says of its own time: whether it takes back-dated history (and from when), and
// how many of its events were recorded after the fact (dated before what the log had reached),
// with the first and last of them: {"back_dating", "history_from"?, "recorded_after_the_fact",
// "first"?, "last"?}.
[[nodiscard]] nlohmann::json time_document(const State& s);
// The same as one line of text.
[[nodiscard]] std::string time_text(const State& s);

struct SupplyInputs {
  std::vector<supply::Settlement> settlements;
  supply::NeedsProfile needs;
  supply::CommodityTable commodities;
  std::vector<supply::StockEntry> stocks;  // rows of a --stocks table, besides the ledger's records
  std::string places_name = "--places";    // how the settlements are named in messages
};

struct SupplyQuery {
  std::optional<supply::Day> from, to;  // default: the first entry or delivery, today
  int trailing_days = 7;
  bool project = false;
  int days = 30;                        // projection length
  std::optional<double> daily_kcal;     // what-if deliveries per settlement per day (projection)
};

// Parses a what-if delivery rate COMMODITY=TONNES[,...] into kcal per day; `what` names it.
[[nodiscard]] core::Result<double> daily_kcal(const std::string& text, const supply::CommodityTable& table,
                                              const std::string& what);

// Per settlement, day by day: need, deliveries (received quantities of delivered consignments),
// stock from opening stocks and counts (the table's and the ledger's), coverage, days of supply,
// and with `project` the stock carried forward. Stored records that do not fit (a settlement not in
// the inputs, a commodity not in the table) are listed, never an error.
[[nodiscard]] core::Result<nlohmann::json> supply_report(const State& s, const SupplyInputs& in, const SupplyQuery& q,
                                                         const std::string& store_name);

}  // namespace corridor::rules
