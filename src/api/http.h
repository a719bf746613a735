// corridor::api — the plumbing every endpoint shares: who is asking (Principal), the request as a
// handler sees it (path and query parameters, a JSON body read within limits), the reply (JSON,
// GeoJSON, CSV or NDJSON), and errors in one shape: {"error": {"code", "message", "pointer"?,
// "rule"?}} with the HTTP status of the error catalogue (core/error.cpp).
//
// httplib's headers stay in the .cpp files: handlers see only these types.
#pragma once

#include <functional>
#include <memory>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace corridor::api {

using Json = nlohmann::json;

// Who is asking. Unauthenticated requests are the public; a bearer token names a member party.
struct Principal {
  std::string party, role;
  bool member = false;
  // Monitors, admins and analysts see every consignment and the whole log; the other roles see
  // the consignments they are party to, and prove them by inclusion proofs against signed heads.
  [[nodiscard]] bool sees_all() const { return member && (role == "monitor" || role == "admin" || role == "analyst"); }
};
// Refused (403, rule A-LOG) unless the caller sees the whole log.
[[nodiscard]] core::Result<void> need_whole_log(const Principal& who, const std::string& what);

struct Request {
  std::string method, path;
  std::map<std::string, std::string> path_params;     // {id} in the route's path
  std::multimap<std::string, std::string> query;       // ?a=1&a=2
  std::string body;
  std::string accept;                                  // the Accept header
  Principal who;
  std::string remote;                                  // address, for logs

  [[nodiscard]] std::optional<std::string> q(const std::string& name) const;
  [[nodiscard]] std::vector<std::string> q_all(const std::string& name) const;
  [[nodiscard]] const std::string& p(const std::string& name) const { return path_params.at(name); }
  // The body as a JSON object, within the input limits; errors name the byte where parsing stopped.
  [[nodiscard]] core::Result<Json> json_body() const;
  // The representation asked for: "json", "geojson" or "csv" (from ?format= or Accept).
  [[nodiscard]] std::string format(const std::string& fallback = "json") const;
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // A body produced while it is sent (NDJSON progress, event streams): called until it returns
  // false; `write` returns false once the client is gone.
  std::function<bool(const std::function<bool(const std::string&)>& write)> stream;
  // A stream that computes before it writes (a long job) calls this once the computation ends.
  std::shared_ptr<std::function<void()>> computed;

  static Reply json(const Json& j, int status = 200);
  static Reply geojson(const Json& j);
  static Reply csv(std::string text);
};

[[nodiscard]] Reply error_reply(const core::Error& e, const Json& extra = Json::object());
[[nodiscard]] int status_of(const core::Error& e);

// Reads a JSON object strictly: every member must be claimed, each typed; errors carry the JSON
// pointer ("/items/0/quantity") in Error::pointer and in the message.
class Body {
 public:
  Body(const Json& j, std::string pointer = "") : j_(j), ptr_(std::move(pointer)) {}
  [[nodiscard]] core::Result<std::optional<std::string>> str(const char* key, bool required = false);
  [[nodiscard]] core::Result<std::optional<double>> num(const char* key, bool required = false);
  [[nodiscard]] core::Result<std::optional<std::int64_t>> integer(const char* key, bool required = false);
  [[nodiscard]] core::Result<std::optional<bool>> boolean(const char* key);
  [[nodiscard]] core::Result<std::vector<std::string>> strings(const char* key);
  // Any JSON value (object, array...), unchecked: the caller checks it.
  [[nodiscard]] core::Result<std::optional<Json>> any(const char* key, bool required = false);
  [[nodiscard]] core::Result<void> no_others() const;
  [[nodiscard]] std::string at(const std::string& key) const { return ptr_ + "/" + key; }

 private:
  [[nodiscard]] core::Unexpected bad(const std::string& key, const std::string& why) const;
  const Json& j_;
  std::string ptr_;
  std::vector<std::string> seen_;
};

// An error for a bad request value at `pointer`.
[[nodiscard]] core::Unexpected bad_value(const std::string& pointer, const std::string& why);
// An error of a document parsed from the request member at `pointer`, which the parser called
// `name` (default: the pointer) — "/declaration: /items/0/hs: not a string" — as a 400 whose pointer
// is the full one ("/declaration/items/0/hs"). Errors of other kinds (a rule's refusal) are
// returned as they are.
[[nodiscard]] core::Error in_member(core::Error e, const std::string& pointer, const std::string& name = "");

// ISO 8601 time from ?at= / a body member, or now.
[[nodiscard]] core::Result<core::UnixSeconds> time_or_now(const std::optional<std::string>& text, const std::string& what);

}  // namespace corridor::api
