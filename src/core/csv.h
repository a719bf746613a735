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

// The one places format every command reads (docs/formats.md, "Places"): `id`; `lat`, `lon`;
// names in `name` and any `name_*` column (a language or a usage: name_en, name_hy_usage, ...) and
// `names` (more, separated by '|'); the count in `population` or, without it, in the one
// `population_*` column (population_2023); groups in `pop_<group>`; and columns that document a
// row without changing a figure: kind, note, source and any `*_source` or `*_note`.
struct PlaceColumns {
  std::vector<std::string> names;  // `name` first when present, then the name_* columns in file order
  std::string population;          // "" when the table has none
  std::vector<std::string> groups;  // pop_<group>
  // Every name of a row, the display name (the first non-empty) first, without repeats.
  [[nodiscard]] std::vector<std::string> row_names(const CsvTable& t, const CsvRow& r) const;
};
// Adds a name to a place's names unless empty or already there; and each of a '|'-joined list.
void add_place_name(std::vector<std::string>& names, const std::string& name);
void add_joined_names(std::vector<std::string>& names, const std::string& joined);
// Classifies a places table's columns: refuses an unknown column (naming the format), a missing
// required one, and two population_* columns without a `population` to choose.
[[nodiscard]] Result<PlaceColumns> place_columns(const CsvTable& t, const std::vector<std::string>& required,
                                                 bool need_population);

}  // namespace corridor::core
