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

}  // namespace corridor::core
