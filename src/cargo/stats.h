// corridor::cargo — figures over consignments: dwell time per stage, reasons by rule, tonnes and
// trucks by category per day of crossing, approvals pending.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cargo/lifecycle.h"

namespace corridor::cargo {

struct Dwell {
  std::string stage;  // "declared -> notified", ...
  std::size_t count = 0;
  double p50_hours = 0, p90_hours = 0;
};

struct Stats {
  std::map<std::string, std::size_t> by_state;
  std::map<std::string, std::size_t> by_verdict;  // the regime's decision at declaration
  std::size_t blocked_by_regime = 0;              // rejected by the regime and not overridden
  std::vector<Dwell> dwell;
  // Rules the regime cited for consignments that it rejected, or that were later rejected or turned
  // back; and for all.
  std::map<std::string, std::size_t> rules_cited_rejected, rules_cited;
  std::map<std::string, std::size_t> rejection_reasons;  // free text given with reject / hold / turn back
  // Day (YYYY-MM-DD) -> category -> tonnes crossed; day -> trucks crossed.
  std::map<std::string, std::map<std::string, double>> tonnes_by_day;
  std::map<std::string, std::size_t> trucks_by_day;
  // Checkpoint -> consignments waiting there (arrived, inspected or held), oldest arrival first.
  std::map<std::string, std::vector<std::string>> checkpoint_queue;
  // Consignment id -> parties whose approval is still missing.
  std::map<std::string, std::vector<std::string>> approvals_pending;
};

[[nodiscard]] Stats stats(const std::map<std::string, Consignment>& consignments);

}  // namespace corridor::cargo
