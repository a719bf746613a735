// corridor::core — a small RFC 4180 CSV reader that remembers where each row came from, so that
// every complaint about a field can name file:line and the column.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace corridor::core {

struct CsvRow {
  std::size_t line = 0;  // 1-based line where the row starts
  std::vector<std::string> fields;
};

struct CsvTable {
  std::string name;  // file name, for messages
  std::vector<std::string> header;
  std::vector<CsvRow> rows;

  // Index of a column, if present.
  [[nodiscard]] std::optional<std::size_t> column(const std::string& col) const;
  // "file:line: column 'x': " for messages about one field.
  [[nodiscard]] std::string where(const CsvRow& row, const std::string& col) const;
  // Every header name must be in `known`, every name in `required` present: else an error naming
  // the file and the column.
  [[nodiscard]] Result<void> check_columns(const std::vector<std::string>& required,
                                           const std::vector<std::string>& known) const;
};

[[nodiscard]] Result<CsvTable> parse_csv(const std::string& text, const std::string& name);
[[nodiscard]] Result<CsvTable> read_csv(const std::string& path);

// Field parsers that name the place on failure.
[[nodiscard]] Result<double> csv_double(const CsvTable& t, const CsvRow& r, const std::string& col);
[[nodiscard]] Result<std::int64_t> csv_int(const CsvTable& t, const CsvRow& r, const std::string& col);
// A count of people: a whole number from 0 to kMaxPopulation (core/input.h).
[[nodiscard]] Result<std::int64_t> csv_population(const CsvTable& t, const CsvRow& r, const std::string& col);
[[nodiscard]] std::string csv_string(const CsvTable& t, const CsvRow& r, const std::string& col);

}  // namespace corridor::core
