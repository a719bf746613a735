// The only file that includes toml++ in this module (a heavy header).
#include <toml++/toml.h>

#include "access/capacity.h"
#include "core/toml_fields.h"

namespace corridor::access {

using core::ErrorCode;
using core::fail;
using core::Result;

Result<void> finish_checkpoint(Checkpoint& c, const std::string& status, const std::string& where);

Result<std::vector<Checkpoint>> read_toml_checkpoints(const std::string& path) {
  CORRIDOR_TRY(toml::table doc, core::read_toml(path));
  auto line = [&](const toml::node& n) { return path + ":" + std::to_string(n.source().begin.line) + ": "; };
  for (const auto& [key, node] : doc) {
    if (key.str() != "checkpoint") {
      return fail(ErrorCode::kParse, line(node) + "unknown table '" + std::string(key.str()) + "' (expected [[checkpoint]])");
    }
  }
  const toml::array* list = doc["checkpoint"].as_array();
  if (list == nullptr) return fail(ErrorCode::kParse, path + ": no [[checkpoint]] tables");
  std::vector<Checkpoint> out;
  for (const toml::node& item : *list) {
    const toml::table* t = item.as_table();
    if (t == nullptr) return fail(ErrorCode::kParse, line(item) + "a checkpoint is a table");
    Checkpoint c;
    c.origin = path + ":" + std::to_string(item.source().begin.line);
    std::string status;
    for (const auto& [k, v] : *t) {
      const std::string key(k.str());
      auto want_string = [&](std::string& out_s) -> Result<void> {
        if (!v.is_string()) return fail(ErrorCode::kParse, line(v) + "'" + key + "' must be a string");
        out_s = v.as_string()->get();
        return {};
      };
      auto want_number = [&](double& out_d) -> Result<void> {
        if (!v.is_number()) return fail(ErrorCode::kParse, line(v) + "'" + key + "' must be a number");
        out_d = v.value<double>().value_or(0);
        return {};
      };
      if (key == "id") {
        CORRIDOR_CHECK(want_string(c.id));
      } else if (key == "name") {
        CORRIDOR_CHECK(want_string(c.name));
      } else if (key == "lat") {
        CORRIDOR_CHECK(want_number(c.point.lat));
      } else if (key == "lon") {
        CORRIDOR_CHECK(want_number(c.point.lon));
      } else if (key == "vehicles_per_hour") {
        CORRIDOR_CHECK(want_number(c.vehicles_per_hour));
      } else if (key == "hours") {
        CORRIDOR_CHECK(want_string(c.hours));
      } else if (key == "status") {
        CORRIDOR_CHECK(want_string(status));
      } else if (key == "lanes") {
        if (!v.is_integer()) return fail(ErrorCode::kParse, line(v) + "'lanes' must be a whole number");
        c.lanes = static_cast<int>(std::clamp<std::int64_t>(v.as_integer()->get(), -1, 1000));
      } else {
        return fail(ErrorCode::kParse, line(v) + "unknown field '" + key +
                                           "' (id, name, lat, lon, vehicles_per_hour, hours, lanes, status)");
      }
    }
    for (const char* required : {"id", "lat", "lon", "vehicles_per_hour"}) {
      if (!t->contains(required)) {
        return fail(ErrorCode::kParse, c.origin + ": missing '" + required + "'");
      }
    }
    CORRIDOR_CHECK(finish_checkpoint(c, status, c.origin + ": "));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace corridor::access
