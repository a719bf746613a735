// corridor::rules — the consignment projection: each consignment's state and document as readers
// that do not fold the log (SQL users, the dashboard, `consign show --json`) see it. Derived from
// the State alone; the Ledger keeps it in the same transaction as each append, and `corridor store
// rebuild` recomputes it.
#pragma once

#include <string>
#include <vector>

#include "cargo/lifecycle.h"
#include "rules/state.h"
#include "store/store.h"

namespace corridor::rules {

inline constexpr const char* kConsignmentProjection = "consignment";

// The document `consign show --json` prints (JSON text).
[[nodiscard]] std::string consignment_document(const cargo::Consignment& c);
[[nodiscard]] store::ProjectionRow projection_row(const cargo::Consignment& c);
[[nodiscard]] std::vector<store::ProjectionRow> projection_rows(const State& s);

}  // namespace corridor::rules
