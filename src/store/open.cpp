#include "store/store.h"

namespace corridor::store {

bool is_postgres_url(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

std::string redact(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;  // a file
  // scheme://user:password@host... -> scheme://user:***@host...
  const auto start = scheme + 3;
  const auto at = url.find('@', start);
  const auto slash = url.find('/', start);
  std::string out = url;
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    const auto colon = url.find(':', start);
    if (colon != std::string::npos && colon < at) out = url.substr(0, colon + 1) + "***" + url.substr(at);
  }
  // ...?password=secret&... -> ...?password=***&...
  for (const char* key : {"?password=", "&password="}) {
    const auto p = out.find(key);
    if (p == std::string::npos) continue;
    const auto v = p + std::string(key).size();
    const auto end = out.find('&', v);
    out = out.substr(0, v) + "***" + (end == std::string::npos ? "" : out.substr(end));
  }
  return out;
}

core::Result<std::unique_ptr<Store>> open(const std::string& url, OpenMode mode) {
  if (is_postgres_url(url)) return open_postgres(url, mode);
  if (url.rfind("sqlite:", 0) == 0) return open_sqlite(url.substr(7), mode);
  if (url.find("://") != std::string::npos) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "store '" + redact(url) + "': not a store URL (a file, sqlite:PATH or postgresql://...)");
  }
  if (url.empty()) return core::fail(core::ErrorCode::kInvalidArgument, "store: empty path");
  return open_sqlite(url, mode);
}

}  // namespace corridor::store
