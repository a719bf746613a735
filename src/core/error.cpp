#include "core/error.h"

#include <array>

namespace corridor::core {

namespace {
// Exit codes: 1 is left to CLI11 for usage errors, 3 is "no route" as docs/cli.md promises.
constexpr std::array<ErrorInfo, 15> kTable{{
    {"invalid_argument", 2, 400},
    {"not_found", 4, 404},
    {"io_error", 5, 500},
    {"parse_error", 6, 422},
    {"corrupt_file", 7, 422},
    {"wrong_version", 8, 422},
    {"empty_input", 9, 422},
    {"snap_failed", 10, 422},
    {"no_route", 3, 404},
    {"internal", 70, 500},
    {"forbidden", 11, 403},
    {"conflict", 12, 409},
    {"limit_exceeded", 13, 413},
    {"unauthorized", 14, 401},
    {"unavailable", 15, 503},
}};
}  // namespace

const ErrorInfo& error_info(ErrorCode code) { return kTable.at(static_cast<std::size_t>(code)); }

}  // namespace corridor::core
