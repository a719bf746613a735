// corridor::core — strict TOML tables: every key must be claimed by a reader, each value is
// type-checked, and every complaint names file:line. Shared by the regime, supply and scenario files.
#pragma once

#include <cstdio>
#include <cstdlib>

#include <toml++/toml.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"

namespace corridor::core {


// Reads one TOML table strictly: every key must be claimed by a handler, each handler checks type.
class Fields {
 public:
  Fields(const toml::table& t, std::string file) : t_(t), file_(std::move(file)) {}

  std::string at(const toml::node& n) const { return file_ + ":" + std::to_string(n.source().begin.line) + ": "; }
  std::string at_table() const { return file_ + ":" + std::to_string(t_.source().begin.line) + ": "; }

  Result<void> string(const char* key, std::string& out, bool required = false) {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (n == nullptr) return required ? missing(key) : Result<void>();
    if (!n->is_string()) return fail(ErrorCode::kParse, at(*n) + "'" + key + "' must be a string");
    out = n->as_string()->get();
    if (required && out.empty()) return fail(ErrorCode::kParse, at(*n) + "'" + key + "' must not be empty");
    return {};
  }
  // A date or a moment, written as a string ("2022-12-01", "2023-04-23T06:00Z") or as TOML's own
  // date (2022-12-01) or date-time (2023-04-23T06:00:00Z): `out` receives ISO 8601 text either way.
  Result<void> date_text(const char* key, std::string& out, bool required = false) {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (n == nullptr) return required ? missing(key) : Result<void>();
    if (n->is_string()) return string(key, out, required);
    char buf[40];
    if (const auto* d = n->as_date()) {
      const toml::date v = d->get();
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(v.year), static_cast<int>(v.month),
                    static_cast<int>(v.day));
      out = buf;
      return {};
    }
    if (const auto* dt = n->as_date_time()) {
      const toml::date_time v = dt->get();
      if (!v.offset) {
        return fail(ErrorCode::kParse, at(*n) + "'" + key + "' has no time zone: add Z (UTC) or an offset such as +04:00");
      }
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%+03d:%02d", static_cast<int>(v.date.year),
                    static_cast<int>(v.date.month), static_cast<int>(v.date.day), static_cast<int>(v.time.hour),
                    static_cast<int>(v.time.minute), static_cast<int>(v.time.second), v.offset->minutes / 60,
                    std::abs(v.offset->minutes % 60));
      out = buf;
      return {};
    }
    return fail(ErrorCode::kParse, at(*n) + "'" + key + "' must be a date (2022-12-01, or \"2022-12-01\")");
  }
  Result<void> number(const char* key, double& out, bool required = false) {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (n == nullptr) return required ? missing(key) : Result<void>();
    if (!n->is_number()) return fail(ErrorCode::kParse, at(*n) + "'" + key + "' must be a number");
    out = n->value<double>().value_or(0);
    if (!std::isfinite(out) || out < 0) return fail(ErrorCode::kParse, at(*n) + "'" + key + "' must be 0 or more");
    return {};
  }
  Result<void> optional_number(const char* key, std::optional<double>& out) {
    if (t_.get(key) == nullptr) {
      seen_.insert(key);
      return {};
    }
    double v = 0;
    CORRIDOR_CHECK(number(key, v));
    out = v;
    return {};
  }
  Result<void> integer(const char* key, std::int64_t& out) {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (n == nullptr) return {};
    if (!n->is_integer()) return fail(ErrorCode::kParse, at(*n) + "'" + key + "' must be a whole number");
    out = n->as_integer()->get();
    return {};
  }
  Result<void> strings(const char* key, std::vector<std::string>& out) {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (n == nullptr) return {};
    const toml::array* a = n->as_array();
    if (a == nullptr) return fail(ErrorCode::kParse, at(*n) + "'" + key + "' must be an array of strings");
    for (const toml::node& e : *a) {
      if (!e.is_string()) return fail(ErrorCode::kParse, at(e) + "'" + key + "' must hold only strings");
      out.push_back(e.as_string()->get());
    }
    return {};
  }
  Result<void> boolean(const char* key, bool& out) {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (n == nullptr) return {};
    if (!n->is_boolean()) return fail(ErrorCode::kParse, at(*n) + "'" + key + "' must be true or false");
    out = n->as_boolean()->get();
    return {};
  }
  // A sub-table, or nullptr when absent; an error when present but not a table.
  Result<const toml::table*> table(const char* key) {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (n == nullptr) return static_cast<const toml::table*>(nullptr);
    if (!n->is_table()) return fail(ErrorCode::kParse, at(*n) + "'" + key + "' must be a table");
    return n->as_table();
  }
  void claim(const char* key) { seen_.insert(key); }
  [[nodiscard]] const std::string& file() const { return file_; }
  Result<void> no_others() const {
    for (const auto& [k, v] : t_) {
      if (!seen_.contains(std::string(k.str()))) {
        return fail(ErrorCode::kParse, at(v) + "unknown field '" + std::string(k.str()) + "'");
      }
    }
    return {};
  }

 private:
  Result<void> missing(const char* key) const {
    return fail(ErrorCode::kParse, at_table() + "missing '" + key + "'");
  }
  const toml::table& t_;
  std::string file_;
  std::set<std::string> seen_;
};

// Applies `f` to each table of an array-of-tables `key`, with its own Fields.
inline Result<void> each_table(const toml::table& doc, const char* key, const std::string& file,
                        const std::function<Result<void>(Fields&)>& f) {
  const toml::node* n = doc.get(key);
  if (n == nullptr) return {};
  const toml::array* a = n->as_array();
  if (a == nullptr) {
    return fail(ErrorCode::kParse, file + ":" + std::to_string(n->source().begin.line) + ": '" + key +
                                       "' must be an array of tables ([[" + key + "]])");
  }
  for (const toml::node& e : *a) {
    const toml::table* t = e.as_table();
    if (t == nullptr) {
      return fail(ErrorCode::kParse, file + ":" + std::to_string(e.source().begin.line) + ": '" + key + "' entries are tables");
    }
    Fields fields(*t, file);
    CORRIDOR_CHECK(f(fields));
    CORRIDOR_CHECK(fields.no_others());
  }
  return {};
}


// Parses a TOML document, or says where it is malformed (file:line:column).
[[nodiscard]] Result<toml::table> parse_toml(const std::string& text, const std::string& name);
[[nodiscard]] Result<toml::table> read_toml(const std::string& path);

}  // namespace corridor::core
