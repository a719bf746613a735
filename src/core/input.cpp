#include "core/input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace corridor::core {

Result<std::string> read_file_limited(const std::string& path, const std::string& what, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::kNotFound, path + ": cannot open " + what + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return fail(ErrorCode::kInvalidArgument, path + ": is a directory, not a " + what);
  }
  std::string out;
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    if (static_cast<std::size_t>(st.st_size) > max_bytes) {
      ::close(fd);
      return fail(ErrorCode::kLimit, path + ": " + what + " is " + std::to_string(st.st_size) + " bytes, over the limit of " +
                                         std::to_string(max_bytes));
    }
    out.reserve(static_cast<std::size_t>(st.st_size));
  }
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      ::close(fd);
      return fail(ErrorCode::kIo, path + ": cannot read " + what + ": " + why);
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      ::close(fd);
      return fail(ErrorCode::kLimit, path + ": " + what + " is longer than the limit of " + std::to_string(max_bytes) +
                                         " bytes");
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

namespace {

Unexpected too_large(const std::string& what, std::size_t size, std::size_t max) {
  return fail(ErrorCode::kLimit, what + ": " + std::to_string(size) + " bytes, over the limit of " + std::to_string(max));
}
Unexpected too_deep(const std::string& what, std::size_t offset) {
  return fail(ErrorCode::kLimit, what + ": nests deeper than " + std::to_string(kMaxNesting) + " levels (at byte " +
                                     std::to_string(offset) + ")");
}

}  // namespace

Result<void> check_json_text(std::string_view text, const std::string& what, std::size_t max_bytes) {
  if (text.size() > max_bytes) return too_large(what, text.size(), max_bytes);
  std::size_t depth = 0, string_start = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (i - string_start > kMaxFieldBytes) {
          return fail(ErrorCode::kLimit, what + ": a string of " + std::to_string(i - string_start) +
                                             " bytes at byte " + std::to_string(string_start) + ", over the limit of " +
                                             std::to_string(kMaxFieldBytes));
        }
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      string_start = i;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) return too_deep(what, i);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  if (in_string && text.size() - string_start > kMaxFieldBytes) {
    return fail(ErrorCode::kLimit, what + ": an unterminated string over the limit of " + std::to_string(kMaxFieldBytes) +
                                       " bytes at byte " + std::to_string(string_start));
  }
  return {};
}

Result<void> check_toml_text(std::string_view text, const std::string& what, std::size_t max_bytes) {
  if (text.size() > max_bytes) return too_large(what, text.size(), max_bytes);
  // A small lexer that knows just enough TOML to tell keys from values: the depth of a value is the
  // segments of its table header, of the dotted keys leading to it and the arrays and inline tables
  // around it. toml++ recurses on each of these (and on dotted keys without limit).
  struct Level {
    bool inline_table;
    std::size_t saved_key_segments;
  };
  std::vector<Level> stack;
  std::size_t table_segments = 0, key_segments = 0, enclosing_segments = 0, header_segments = 0;
  bool key_position = true, in_header = false;
  const std::size_t n = text.size();
  auto depth = [&] { return table_segments + enclosing_segments + key_segments + stack.size() + 1; };
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[i];
    if (c == '#') {
      while (i + 1 < n && text[i + 1] != '\n') ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      const bool triple = i + 2 < n && text[i + 1] == c && text[i + 2] == c;
      if (triple) {
        i += 3;
        while (i < n && !(text[i] == c && i + 2 < n && text[i + 1] == c && text[i + 2] == c)) {
          if (c == '"' && text[i] == '\\') ++i;
          ++i;
        }
        i += 2;
      } else {
        ++i;
        while (i < n && text[i] != c && text[i] != '\n') {
          if (c == '"' && text[i] == '\\') ++i;
          ++i;
        }
      }
      continue;
    }
    if (c == '\n') {
      if (stack.empty()) {
        key_position = true;
        key_segments = 0;
        in_header = false;
      }
      continue;
    }
    if (in_header) {
      if (c == '.') {
        if (++header_segments + 1 > kMaxNesting) return too_deep(what, i);
      } else if (c == ']') {
        in_header = false;
        table_segments = header_segments + 1;
        while (i + 1 < n && text[i + 1] == ']') ++i;
      }
      continue;
    }
    if (key_position) {
      if (stack.empty() && c == '[') {
        in_header = true;
        header_segments = 0;
        while (i + 1 < n && text[i + 1] == '[') ++i;
      } else if (c == '.') {
        ++key_segments;
        if (depth() > kMaxNesting) return too_deep(what, i);
      } else if (c == '=') {
        key_position = false;
      } else if (c == '}' && !stack.empty() && stack.back().inline_table) {
        enclosing_segments -= stack.back().saved_key_segments;
        key_segments = 0;
        stack.pop_back();
        key_position = false;
      }
      continue;
    }
    if (c == '[' || c == '{') {
      stack.push_back({c == '{', key_segments});
      enclosing_segments += key_segments;
      key_segments = 0;
      if (depth() > kMaxNesting) return too_deep(what, i);
      key_position = c == '{';
    } else if ((c == ']' || c == '}') && !stack.empty()) {
      enclosing_segments -= stack.back().saved_key_segments;
      key_segments = 0;
      stack.pop_back();
    } else if (c == ',' && !stack.empty() && stack.back().inline_table) {
      key_position = true;
      key_segments = 0;
    }
  }
  return {};
}

bool valid_party_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'; };
  if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9'))) return false;
  for (char c : name) {
    if (!ok(c)) return false;
  }
  return true;
}

bool valid_identifier(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(id[0])) return false;
  for (char c : id) {
    if (!alnum(c) && c != '.' && c != '_' && c != ':' && c != '-') return false;
  }
  return true;
}

namespace {

// Decodes one UTF-8 sequence at text[i]; returns its length (0 when invalid) and the code point.
std::size_t decode(std::string_view text, std::size_t i, char32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = b(i);
  std::size_t len = 0;
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  const char32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool is_control(char32_t cp) { return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F); }
bool is_bidi_control(char32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t len = decode(text, i, cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

Result<void> check_utf8(std::string_view text, const std::string& name) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t len = decode(text, i, cp);
    if (len == 0) {
      static const char* hex = "0123456789abcdef";
      const auto b = static_cast<unsigned char>(text[i]);
      return fail(ErrorCode::kParse, name + ":" + std::to_string(line) + ":" + std::to_string(column) + ": not UTF-8 (byte 0x" +
                                         hex[b >> 4] + hex[b & 15] +
                                         "); the file may be Windows-1252 or Latin-1, as spreadsheet software saves CSV: save it "
                                         "as \"CSV UTF-8\" or convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8");
    }
    if (cp == U'\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += len;
  }
  return {};
}

std::string display_text_problem(std::string_view text) { return free_text_problem(text, kMaxDisplayBytes); }

std::string free_text_problem(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes) return "longer than " + std::to_string(max_bytes) + " bytes";
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t len = decode(text, i, cp);
    if (len == 0) return "not valid UTF-8 (byte " + std::to_string(i) + ")";
    if (is_control(cp)) return "a control character at byte " + std::to_string(i);
    if (is_bidi_control(cp)) return "a bidirectional control character at byte " + std::to_string(i);
    i += len;
  }
  return "";
}

std::string printable(std::string_view text) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t len = decode(text, i, cp);
    if (len == 0) {
      const auto c = static_cast<unsigned char>(text[i]);
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
      ++i;
      continue;
    }
    if (is_control(cp) || is_bidi_control(cp)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u{%04x}", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

}  // namespace corridor::core
