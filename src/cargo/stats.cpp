#include "cargo/stats.h"

#include <algorithm>
#include <cmath>

namespace corridor::cargo {

namespace {
double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}
}  // namespace

Stats stats(const std::map<std::string, Consignment>& consignments) {
  Stats s;
  // Stages in lifecycle order; a consignment counts for a stage when it entered both ends.
  const std::vector<std::pair<State, State>> stages{
      {State::kDeclared, State::kNotified}, {State::kNotified, State::kApproved}, {State::kApproved, State::kArrived},
      {State::kArrived, State::kInspected}, {State::kInspected, State::kCleared}, {State::kCleared, State::kCrossed},
      {State::kCrossed, State::kDelivered}, {State::kDeclared, State::kDelivered}};
  std::vector<std::vector<double>> hours(stages.size());
  for (const auto& [id, c] : consignments) {
    ++s.by_state[state_name(c.state)];
    for (std::size_t k = 0; k < stages.size(); ++k) {
      const auto a = c.entered.find(stages[k].first), b = c.entered.find(stages[k].second);
      if (a != c.entered.end() && b != c.entered.end()) {
        // Steps may be dated up to kTimeTolerance before the one they follow (parties' clocks
        // differ); such a stage took no measurable time.
        hours[k].push_back(static_cast<double>(std::max<core::UnixSeconds>(0, b->second - a->second)) / 3600.0);
      }
    }
    if (!c.verdict.empty()) ++s.by_verdict[c.verdict];
    if (c.blocked()) ++s.blocked_by_regime;
    const bool refused = c.state == State::kRejected || c.state == State::kTurnedBack || !c.removed.empty() ||
                         c.verdict == "reject";
    for (const auto& r : c.decision_rules) {
      ++s.rules_cited[r];
      if (refused) ++s.rules_cited_rejected[r];
    }
    for (const auto& r : c.reasons) ++s.rejection_reasons[r];
    if (const auto crossed = c.entered.find(State::kCrossed); crossed != c.entered.end()) {
      const std::string day = core::format_iso8601(crossed->second).substr(0, 10);
      for (std::size_t i = 0; i < c.items.size(); ++i) {
        if (c.removed.contains(i)) continue;
        s.tonnes_by_day[day][c.categories[i].empty() ? "uncategorised" : c.categories[i]] += c.net_kg[i] / 1000.0;
      }
      s.trucks_by_day[day] += c.trucks;
    }
    if (c.state == State::kArrived || c.state == State::kInspected || c.state == State::kHeld) {
      s.checkpoint_queue[c.checkpoint].push_back(c.id);
    }
    if (c.state == State::kNotified) {
      for (const auto& p : c.approvals_required) {
        if (!c.approvals_given.contains(p)) s.approvals_pending[c.id].push_back(p);
      }
    }
  }
  for (auto& [checkpoint, ids] : s.checkpoint_queue) {
    std::stable_sort(ids.begin(), ids.end(), [&](const std::string& a, const std::string& b) {
      return consignments.at(a).entered.at(State::kArrived) < consignments.at(b).entered.at(State::kArrived);
    });
  }
  for (std::size_t k = 0; k < stages.size(); ++k) {
    s.dwell.push_back({std::string(state_name(stages[k].first)) + " -> " + state_name(stages[k].second),
                       hours[k].size(), percentile(hours[k], 0.5), percentile(hours[k], 0.9)});
  }
  return s;
}

}  // namespace corridor::cargo
