#include "core/toml_fields.h"

#include <fstream>
#include <sstream>

#include "core/input.h"

namespace corridor::core {

Result<toml::table> parse_toml(const std::string& text, const std::string& name) {
  CORRIDOR_CHECK(check_toml_text(text, name));
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::kParse, name + ":" + std::to_string(e.source().begin.line) + ":" +
                                       std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
}

Result<toml::table> read_toml(const std::string& path) {
  CORRIDOR_TRY(const std::string text, read_file_limited(path, "TOML file", kMaxDocumentBytes));
  return parse_toml(text, path);
}

}  // namespace corridor::core
