#include "core/csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/input.h"

namespace corridor::core {

std::optional<std::size_t> CsvTable::column(const std::string& col) const {
  const auto it = std::find(header.begin(), header.end(), col);
  if (it == header.end()) return std::nullopt;
  return static_cast<std::size_t>(it - header.begin());
}

std::string CsvTable::where(const CsvRow& row, const std::string& col) const {
  return name + ":" + std::to_string(row.line) + ": column '" + col + "': ";
}

Result<void> CsvTable::check_columns(const std::vector<std::string>& required,
                                     const std::vector<std::string>& known) const {
  auto list = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  };
  for (const auto& h : header) {
    if (std::find(known.begin(), known.end(), h) == known.end()) {
      return fail(ErrorCode::kParse, name + ":1: unknown column '" + h + "' (expected " + list(known) + ")");
    }
  }
  for (const auto& r : required) {
    if (!column(r)) return fail(ErrorCode::kParse, name + ":1: missing column '" + r + "'");
  }
  return {};
}

Result<CsvTable> parse_csv(const std::string& text, const std::string& name) {
  CORRIDOR_CHECK(check_utf8(text, name));
  CsvTable t;
  t.name = name;
  std::vector<std::vector<std::string>> records;
  std::vector<std::size_t> lines;
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false, field_started = false;
  std::size_t line = 1, record_line = 1;
  auto end_field = [&] {
    fields.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    end_field();
    const bool blank = fields.size() == 1 && fields[0].empty();
    if (!blank) {
      records.push_back(std::move(fields));
      lines.push_back(record_line);
    }
    fields.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      // CRLF: the \n ends the record
    } else if (c == '\n') {
      end_record();
      ++line;
      record_line = line;
    } else {
      if (c == '"') return fail(ErrorCode::kParse, name + ":" + std::to_string(line) + ": stray quote in an unquoted field");
      field += c;
      field_started = true;
    }
  }
  if (quoted) return fail(ErrorCode::kParse, name + ":" + std::to_string(record_line) + ": unterminated quoted field");
  if (!field.empty() || !fields.empty()) end_record();
  if (records.empty()) return fail(ErrorCode::kParse, name + ": empty file, expected a header line");
  t.header = records[0];
  for (auto& h : t.header) {
    while (!h.empty() && (h.back() == ' ' || h.back() == '\r')) h.pop_back();
    while (!h.empty() && h.front() == ' ') h.erase(h.begin());
  }
  if (!t.header.empty() && t.header[0].rfind("\xEF\xBB\xBF", 0) == 0) t.header[0].erase(0, 3);  // BOM
  for (std::size_t i = 1; i < records.size(); ++i) {
    if (records[i].size() != t.header.size()) {
      return fail(ErrorCode::kParse, name + ":" + std::to_string(lines[i]) + ": " +
                                         std::to_string(records[i].size()) + " fields, the header has " +
                                         std::to_string(t.header.size()));
    }
    t.rows.push_back({lines[i], std::move(records[i])});
  }
  return t;
}

Result<CsvTable> read_csv(const std::string& path) {
  CORRIDOR_TRY(const std::string text, read_file_limited(path, "CSV file", kMaxTableBytes));
  return parse_csv(text, path);
}

std::string csv_string(const CsvTable& t, const CsvRow& r, const std::string& col) {
  const auto c = t.column(col);
  return c ? r.fields[*c] : std::string();
}

Result<double> csv_double(const CsvTable& t, const CsvRow& r, const std::string& col) {
  const std::string s = csv_string(t, r, col);
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) {
    return fail(ErrorCode::kParse, t.where(r, col) + "'" + s + "' is not a number");
  }
  return v;
}

Result<std::int64_t> csv_int(const CsvTable& t, const CsvRow& r, const std::string& col) {
  const std::string s = csv_string(t, r, col);
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) {
    return fail(ErrorCode::kParse, t.where(r, col) + "'" + s + "' is not a whole number");
  }
  return v;
}

}  // namespace corridor::core

namespace corridor::core {

Result<std::int64_t> csv_population(const CsvTable& t, const CsvRow& r, const std::string& col) {
  const std::string s = csv_string(t, r, col);
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < 0 || v > kMaxPopulation) {
    return fail(ErrorCode::kParse, t.where(r, col) + "'" + printable(s) +
                                       "' is not a population: a whole number from 0 to 10,000,000,000 (more than live on Earth)");
  }
  return v;
}

namespace {
bool starts(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }
bool ends(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

Result<PlaceColumns> place_columns(const CsvTable& t, const std::vector<std::string>& required, bool need_population) {
  PlaceColumns pc;
  std::vector<std::string> populations;
  for (const auto& h : t.header) {
    if (h == "name" ) {
      pc.names.insert(pc.names.begin(), h);
    } else if (starts(h, "name_") && h.size() > 5) {
      pc.names.push_back(h);
    } else if (h == "population" || (starts(h, "population_") && h.size() > 11 && !ends(h, "_source") && !ends(h, "_note"))) {
      populations.push_back(h);
    } else if (starts(h, "pop_") && h.size() > 4) {
      pc.groups.push_back(h);
    } else if (h == "id" || h == "lat" || h == "lon" || h == "names" || h == "kind" || h == "note" || h == "notes" ||
               h == "source" || ends(h, "_source") || ends(h, "_note")) {
      continue;
    } else {
      return fail(ErrorCode::kParse, t.name + ":1: unknown column '" + h +
                                         "' (a places table has id, lat, lon, name and name_* columns, names, population "
                                         "or one population_* column, pop_<group> columns, and kind, note, source, "
                                         "*_source, *_note; docs/formats.md)");
    }
  }
  if (std::find(populations.begin(), populations.end(), "population") != populations.end()) {
    pc.population = "population";
  } else if (populations.size() == 1) {
    pc.population = populations.front();
  } else if (populations.size() > 1) {
    std::string list;
    for (const auto& p : populations) list += (list.empty() ? "" : ", ") + p;
    return fail(ErrorCode::kParse, t.name + ":1: " + list + ": which is the population? Name one of them 'population'");
  }
  for (const auto& r : required) {
    if (!t.column(r)) return fail(ErrorCode::kParse, t.name + ":1: missing column '" + r + "'");
  }
  if (need_population && pc.population.empty()) {
    return fail(ErrorCode::kParse, t.name + ":1: missing column 'population' (or one population_* column)");
  }
  return pc;
}

void add_place_name(std::vector<std::string>& names, const std::string& name) {
  if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

void add_joined_names(std::vector<std::string>& names, const std::string& joined) {
  std::size_t start = 0;
  while (start <= joined.size()) {
    const std::size_t bar = joined.find('|', start);
    add_place_name(names, joined.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
}

std::vector<std::string> PlaceColumns::row_names(const CsvTable& t, const CsvRow& r) const {
  std::vector<std::string> out;
  for (const auto& c : names) add_place_name(out, csv_string(t, r, c));
  if (t.column("names")) add_joined_names(out, csv_string(t, r, "names"));
  return out;
}

}  // namespace corridor::core
