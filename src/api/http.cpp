#include "api/http.h"

#include <algorithm>
#include <cmath>

#include "core/json_text.h"

namespace corridor::api {

using core::ErrorCode;
using core::Result;

std::optional<std::string> Request::q(const std::string& name) const {
  const auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Request::q_all(const std::string& name) const {
  std::vector<std::string> out;
  const auto [a, b] = query.equal_range(name);
  for (auto it = a; it != b; ++it) out.push_back(it->second);
  return out;
}

Result<Json> Request::json_body() const {
  if (body.empty()) return bad_value("", "the request needs a JSON body");
  auto j = core::parse_json_text(body, "the request body");
  if (!j) {
    core::Error e = j.error();
    e.code = e.code == ErrorCode::kLimit ? ErrorCode::kLimit : ErrorCode::kInvalidArgument;
    return core::Unexpected{e};
  }
  if (!j->is_object()) return bad_value("", "the request body is a JSON object");
  return j;
}

std::string Request::format(const std::string& fallback) const {
  if (const auto f = q("format")) return *f;
  if (accept.find("text/csv") != std::string::npos) return "csv";
  if (accept.find("application/geo+json") != std::string::npos) return "geojson";
  return fallback;
}

Reply Reply::json(const Json& j, int status) {
  Reply r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

Reply Reply::geojson(const Json& j) {
  Reply r = json(j);
  r.content_type = "application/geo+json";
  return r;
}

Reply Reply::csv(std::string text) {
  Reply r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = std::move(text);
  return r;
}

int status_of(const core::Error& e) { return core::error_info(e.code).http_status; }

Reply error_reply(const core::Error& e, const Json& extra) {
  Json err = {{"code", std::string(e.name())}, {"message", e.message}};
  if (!e.rule.empty()) err["rule"] = e.rule;
  if (!e.pointer.empty()) err["pointer"] = e.pointer;
  err.update(extra);
  Reply r = Reply::json({{"error", err}}, status_of(e));
  if (e.code == ErrorCode::kUnauthorized) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"corridor\"");
  return r;
}

core::Unexpected bad_value(const std::string& pointer, const std::string& why) {
  core::Error e{ErrorCode::kInvalidArgument, (pointer.empty() ? "/" : pointer) + ": " + why};
  e.pointer = pointer.empty() ? "/" : pointer;
  return core::Unexpected{e};
}

core::Result<void> need_whole_log(const Principal& who, const std::string& what) {
  if (who.sees_all()) return {};
  return core::refuse(ErrorCode::kForbidden, "A-LOG",
                      what + " is for monitors, admins and analysts: '" + who.party + "' has role " + who.role +
                          "; a party proves its own consignments by GET /v1/consignments/{id}/history (inclusion "
                          "proofs against the signed head)");
}

core::Error in_member(core::Error e, const std::string& pointer, const std::string& name) {
  if (e.code != ErrorCode::kParse && e.code != ErrorCode::kInvalidArgument) return e;
  const std::string prefix = (name.empty() ? pointer : name) + ": ";
  if (e.message.rfind(prefix, 0) != 0) return e;
  e.code = ErrorCode::kInvalidArgument;
  e.pointer = pointer;
  const std::string rest = e.message.substr(prefix.size());
  if (rest.rfind('/', 0) == 0) {
    const auto end = rest.find(": ");
    if (end != std::string::npos) e.pointer = pointer + (rest.substr(0, end) == "/" ? "" : rest.substr(0, end));
  }
  return e;
}

Result<core::UnixSeconds> time_or_now(const std::optional<std::string>& text, const std::string& what) {
  if (!text || text->empty()) return core::now_unix();
  auto t = core::parse_iso8601(*text, what);
  if (!t) return bad_value(what, t.error().message);
  return t;
}

core::Unexpected Body::bad(const std::string& key, const std::string& why) const { return bad_value(at(key), why); }

Result<std::optional<std::string>> Body::str(const char* key, bool required) {
  seen_.emplace_back(key);
  if (!j_.contains(key) || j_[key].is_null()) {
    if (required) return bad(key, "missing");
    return std::optional<std::string>();
  }
  if (!j_[key].is_string()) return bad(key, "must be a string");
  return std::optional<std::string>(j_[key].get<std::string>());
}

Result<std::optional<double>> Body::num(const char* key, bool required) {
  seen_.emplace_back(key);
  if (!j_.contains(key) || j_[key].is_null()) {
    if (required) return bad(key, "missing");
    return std::optional<double>();
  }
  if (!j_[key].is_number() || !std::isfinite(j_[key].get<double>())) return bad(key, "must be a number");
  return std::optional<double>(j_[key].get<double>());
}

Result<std::optional<std::int64_t>> Body::integer(const char* key, bool required) {
  seen_.emplace_back(key);
  if (!j_.contains(key) || j_[key].is_null()) {
    if (required) return bad(key, "missing");
    return std::optional<std::int64_t>();
  }
  if (!j_[key].is_number_integer()) return bad(key, "must be a whole number");
  return std::optional<std::int64_t>(j_[key].get<std::int64_t>());
}

Result<std::optional<bool>> Body::boolean(const char* key) {
  seen_.emplace_back(key);
  if (!j_.contains(key) || j_[key].is_null()) return std::optional<bool>();
  if (!j_[key].is_boolean()) return bad(key, "must be true or false");
  return std::optional<bool>(j_[key].get<bool>());
}

Result<std::vector<std::string>> Body::strings(const char* key) {
  seen_.emplace_back(key);
  std::vector<std::string> out;
  if (!j_.contains(key) || j_[key].is_null()) return out;
  if (!j_[key].is_array()) return bad(key, "must be an array of strings");
  for (std::size_t i = 0; i < j_[key].size(); ++i) {
    if (!j_[key][i].is_string()) return bad_value(at(key) + "/" + std::to_string(i), "must be a string");
    out.push_back(j_[key][i].get<std::string>());
  }
  return out;
}

Result<std::optional<Json>> Body::any(const char* key, bool required) {
  seen_.emplace_back(key);
  if (!j_.contains(key) || j_[key].is_null()) {
    if (required) return bad(key, "missing");
    return std::optional<Json>();
  }
  return std::optional<Json>(j_[key]);
}

Result<void> Body::no_others() const {
  for (const auto& [k, v] : j_.items()) {
    if (std::find(seen_.begin(), seen_.end(), k) == seen_.end()) return bad_value(at(k), "not a member this endpoint takes");
  }
  return {};
}

}  // namespace corridor::api
