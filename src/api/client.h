// corridor::api — talking to another node: pulling its ledger (`corridor sync`, a mirror's loop),
// forwarding writes to the node that sequences the ledger, and the CLI's `--server URL` mode, which
// asks the server for the next event, checks it, signs it with the party's own key and sends it
// back — the server never sees the key.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/http.h"
#include "api/node.h"
#include "core/result.h"
#include "ledger/event.h"

namespace corridor::api {

struct HttpResult {
  int status = 0;
  std::string body, content_type;
};

// One request to `base` (http://host:port); `token` as a bearer token when not empty. Transport
// failures are kUnavailable; HTTP statuses are returned as they are.
[[nodiscard]] core::Result<HttpResult> http_call(const std::string& base, const std::string& method, const std::string& path,
                                                 const std::string& body = "", const std::string& token = "");
// An error reply of another node, as an Error (code, message, rule, pointer).
[[nodiscard]] core::Error remote_error(const HttpResult& r, const std::string& base);

struct SyncReport {
  std::uint64_t appended = 0, size = 0;
  std::uint64_t head_size = 0;  // the size of the head synced to (size < head_size: stopped at max_pages)
  std::size_t pages = 0;        // pages of events read (each at most 4 MiB, appended as it came)
  bool proof_checked = false;
};
// Pulls what `base` has beyond this node's log and appends it through the rule engine, checked
// against `base`'s signed head and the consistency proof from the last head kept of it. A fork or a
// truncation is refused; `evidence` then holds both heads (JSON).
[[nodiscard]] core::Result<SyncReport> sync_from(Node& node, const std::string& base, std::string* evidence,
                                                 const std::string& token = "");
// max_pages: stop after so many pages (0: none); a later sync goes on from there.
// first: checks the peer's first event before anything is appended (sync --genesis).
[[nodiscard]] core::Result<SyncReport> sync_store(rules::Ledger& ledger, const std::string& base, std::string* evidence,
                                                  const std::string& token = "", std::size_t max_pages = 0,
                                                  const std::function<core::Result<void>(const ledger::Event&)>& first = {});

// The CLI's --server mode: asks `base` for the next event of `signer` doing `draft` (for a
// declaration, `declaration` holds its JSON and the server builds the payload under the published
// regime), checks that the server built what was asked (same type, subject, time and content; for
// a declaration, the same declaration and the decision recomputed here from the published regime),
// signs it, and sends it. Retries when another write got there first.
struct RemoteDraft {
  std::string type, subject, payload_json;  // payload_json unused for declarations
  core::UnixSeconds time = 0;
  std::string declaration;                  // the declaration's JSON text, for consignment.declared
  std::string custody{};                    // a node signing for the party with a custodial key: its public key
};
[[nodiscard]] core::Result<ledger::Event> submit(const std::string& base, const ledger::Signer& signer, const RemoteDraft& d,
                                                 const std::string& token = "");

}  // namespace corridor::api
