#include "rules/projection.h"

#include <nlohmann/json.hpp>

namespace corridor::rules {

using nlohmann::json;

std::string consignment_document(const cargo::Consignment& c) {
  json entered = json::object();
  for (const auto& [s, t] : c.entered) entered[cargo::state_name(s)] = core::format_iso8601(t);
  return json{{"id", c.id},
              {"state", cargo::state_name(c.state)},
              {"sender", c.sender},
              {"receiver", c.receiver},
              {"checkpoint", c.checkpoint},
              {"checkpoint_operator", c.checkpoint_operator},
              {"approvals_required", c.approvals_required},
              {"approvals_given", c.approvals_given},
              {"items", c.items},
              {"destination", c.destination},
              {"received", c.received},
              {"removed_items", c.removed},
              {"lane", c.lane},
              {"declared_hash", c.declared_hash},
              {"inspection_draw", {{"rule_lane", c.rule_lane},
                                   {"rate", c.draw_rate},
                                   {"draw_lane", c.draw_lane},
                                   {"value", c.draw_value ? json(*c.draw_value) : json()},
                                   {"selected", c.draw_value ? json(c.draw_selected) : json()}}},
              {"verdict", c.verdict},
              {"decision_rules", c.decision_rules},
              {"blocked_by_regime", c.blocked()},
              {"override_reason", c.override_reason},
              {"declarations", c.declarations},
              {"steps_recorded_after_the_fact", c.late_steps},
              {"reasons", c.reasons},
              {"entered", entered}}
      .dump();
}

store::ProjectionRow projection_row(const cargo::Consignment& c) {
  return {c.id, cargo::state_name(c.state), consignment_document(c)};
}

std::vector<store::ProjectionRow> projection_rows(const State& s) {
  std::vector<store::ProjectionRow> rows;
  rows.reserve(s.consignments.size());
  for (const auto& [id, c] : s.consignments) rows.push_back(projection_row(c));
  return rows;
}

}  // namespace corridor::rules
