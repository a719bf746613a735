// corridor::core — untrusted input at the edge: files read with a size limit (a device such as
// /dev/zero or a 50 GB file is an error, not an allocation failure), JSON and TOML checked for
// nesting depth and field size before any parser recurses into them, names and display text
// checked for what a terminal or a file system would misread, and free text made safe to print.
//
// Every reader of a JSON or TOML input calls check_json_text / check_toml_text (or the read_*
// helpers that do) first: the parsers the project uses recurse per nesting level, and a payload
// nested 50,000 deep overflows the stack.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace corridor::core {

inline constexpr std::size_t kMaxNesting = 64;              // JSON arrays/objects, TOML tables/arrays
inline constexpr std::size_t kMaxFieldBytes = 256 * 1024;   // one JSON string value
inline constexpr std::size_t kMaxEventBytes = 1024 * 1024;  // one ledger event (a line of an export)
inline constexpr std::size_t kMaxDocumentBytes = 4 * 1024 * 1024;   // declarations, genesis, heads, regimes
inline constexpr std::size_t kMaxKeyFileBytes = 16 * 1024;
inline constexpr std::size_t kMaxTableBytes = 256 * 1024 * 1024;
// A place's population, at most: more people than live on Earth. With tables bounded in size, no
// sum of populations can overflow.
inline constexpr std::int64_t kMaxPopulation = 10'000'000'000;    // CSV and GeoJSON tables

// The whole file, or kNotFound (cannot open), kInvalidArgument (a directory), kLimit (longer than
// max_bytes). `what` names the input ("declaration", "key file").
[[nodiscard]] Result<std::string> read_file_limited(const std::string& path, const std::string& what,
                                                    std::size_t max_bytes);

// JSON text within limits: at most max_bytes, nesting at most kMaxNesting, no string longer than
// kMaxFieldBytes. Says where (byte offset) the limit is passed; never quotes the text.
[[nodiscard]] Result<void> check_json_text(std::string_view text, const std::string& what,
                                           std::size_t max_bytes = kMaxDocumentBytes);
// TOML text within limits: size, and nesting of tables, dotted keys, inline tables and arrays.
[[nodiscard]] Result<void> check_toml_text(std::string_view text, const std::string& what,
                                           std::size_t max_bytes = kMaxDocumentBytes);

// A party name: 1-64 characters of [a-z0-9._-], starting with a letter or digit. Safe as a file
// name, in a URL path and on a terminal.
[[nodiscard]] bool valid_party_name(std::string_view name);
// An identifier of a checkpoint, settlement or consignment: 1-128 characters of [A-Za-z0-9._:-],
// starting with a letter or digit.
[[nodiscard]] bool valid_identifier(std::string_view id);
// Why a display text (a name shown to people) is refused, or "" when it is fine: valid UTF-8, at most
// 200 bytes, no control characters and no bidirectional overrides or isolates (which reorder what a
// reader sees).
[[nodiscard]] std::string display_text_problem(std::string_view text);
inline constexpr std::size_t kMaxDisplayBytes = 200;
inline constexpr std::size_t kMaxFreeTextBytes = 2000;  // a description, a finding, a reason
// The same rule for free text that is stored and printed (a description, a plate, a finding), with
// its own size limit.
[[nodiscard]] std::string free_text_problem(std::string_view text, std::size_t max_bytes = kMaxFreeTextBytes);
[[nodiscard]] bool valid_utf8(std::string_view text);
// An input file's text must be UTF-8: else a parse error naming NAME:LINE:COLUMN (columns counted in
// characters) of the first bad byte, the byte, and how to convert a file saved as Windows-1252 or
// Latin-1 (what spreadsheet software often writes).
[[nodiscard]] Result<void> check_utf8(std::string_view text, const std::string& name);

// Free text as it may be printed on a terminal: control characters, bidirectional controls and
// invalid UTF-8 bytes are shown as \xNN or \u{NNNN} escapes, so that stored text can neither move
// the cursor nor forge a line of output.
[[nodiscard]] std::string printable(std::string_view text);

}  // namespace corridor::core
