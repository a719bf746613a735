// corridor::core — instants as Unix seconds (UTC), parsed from and printed as ISO 8601.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace corridor::core {

using UnixSeconds = std::int64_t;

// Accepts YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] with an optional Z or ±HH:MM offset; no offset means
// UTC. `what` names the input in the error.
[[nodiscard]] Result<UnixSeconds> parse_iso8601(std::string_view text, const std::string& what);
[[nodiscard]] std::string format_iso8601(UnixSeconds t);  // YYYY-MM-DDTHH:MM:SSZ
[[nodiscard]] UnixSeconds now_unix();

}  // namespace corridor::core
