// corridor::core — JSON text from outside, parsed the one way: within the input limits (input.h),
// and with an error that names the input and the byte where parsing stopped — never the text
// around it, which may be a secret or a terminal escape. Include only in .cpp files: it brings
// nlohmann/json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/input.h"

namespace corridor::core {

[[nodiscard]] inline Result<nlohmann::json> parse_json_text(std::string_view text, const std::string& where,
                                                            std::size_t max_bytes = kMaxDocumentBytes) {
  CORRIDOR_CHECK(check_json_text(text, where, max_bytes));
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return fail(ErrorCode::kParse, where + ": not valid JSON (at byte " + std::to_string(e.byte) + ")");
  } catch (const nlohmann::json::exception&) {
    return fail(ErrorCode::kParse, where + ": not valid JSON");
  }
}

}  // namespace corridor::core
