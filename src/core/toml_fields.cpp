#include "core/toml_fields.h"

#include <fstream>
#include <sstream>

namespace corridor::core {

Result<toml::table> parse_toml(const std::string& text, const std::string& name) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::kParse, name + ":" + std::to_string(e.source().begin.line) + ":" +
                                       std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
}

Result<toml::table> read_toml(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kNotFound, path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_toml(ss.str(), path);
}

}  // namespace corridor::core
