// corridor::core — the one error catalogue.
//
// Every fallible call in the library returns a Result<T> (result.h) whose error carries one of these
// codes. The CLI maps a code to its exit code and the HTTP server to its status, both through the
// table in error.cpp, so the mapping lives in one place. Codes and their strings are append-only:
// scripts and clients depend on them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace corridor::core {

enum class ErrorCode : std::uint8_t {
  kInvalidArgument,  // a malformed option, spec or value given by the user
  kNotFound,         // a file, id or name that does not exist
  kIo,               // the operating system refused a read or write
  kParse,            // an input file that is not what it claims to be (OSM, GeoJSON, CSV)
  kCorrupt,          // a file of ours that fails its checksum or its structural checks
  kVersion,          // a file of ours written by another format version
  kEmpty,            // an input that holds nothing usable (an extract with no roads)
  kSnapFailed,       // a point too far from any road
  kNoRoute,          // no route exists under the given closures
  kInternal,         // a broken invariant; a bug
  kForbidden,        // the acting party lacks the authority for this (its role, its checkpoint)
  kConflict,         // the current state does not allow it (a step out of order, a race lost)
  kLimit,            // an input over a size or nesting limit, or memory exhausted
  kUnauthorized,     // no credentials, or credentials this node does not know
  kUnavailable,      // the node cannot do it now (too busy, its sequencer unreachable): try again
};

struct ErrorInfo {
  std::string_view name;  // stable machine-readable string, e.g. "no_route"
  int exit_code;          // for the corridor command
  int http_status;        // for the HTTP API
};

[[nodiscard]] const ErrorInfo& error_info(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;  // names the input and the place: file:line, JSON pointer, option
  std::string rule{};   // for a refused ledger event: the id of the rule it breaks (docs/formats.md)
  std::string pointer{};  // for a bad JSON request body: the JSON pointer of the offending value

  [[nodiscard]] std::string_view name() const { return error_info(code).name; }
  [[nodiscard]] int exit_code() const { return error_info(code).exit_code; }
};

}  // namespace corridor::core
