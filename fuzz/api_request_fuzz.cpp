// The HTTP API's dispatcher on arbitrary requests, as a client on the network could send them:
// method, path, query and body from the input, with no token, a sender's or a monitor's. The node
// holds a ledger with a party of every role, a published regime, a settlement and custodial keys,
// so that bodies reach the rule engine, the declaration and regime parsers and the writes. Whatever
// comes in, the answer is a status from 200 to 599, and an error's body is a JSON error object.
//
// Input: byte 0 picks the method and the token; then the path up to '\n', the query up to '\n'
// (a=b&c=d), and the body.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "api/node.h"
#include "api/server.h"
#include "ledger/crypto.h"
#include "ledger/event.h"
#include "rules/ledger.h"
#include "store/store.h"

namespace {

using namespace corridor;

constexpr const char* kRegime = R"(
[checkpoint]
id = "cp1"
name = "Bridge"
operator = "op1"
lat = 39.5964
lon = 46.5416
hours = "08:00-18:00"
lanes = 1
vehicles_per_hour = 12

[[documents]]
id = "DOC-ALL"
required = ["manifest"]

[[goods]]
id = "G-ARMS"
hs_prefix = ["93"]
action = "prohibited"

[coordination]
id = "C-APPROVALS"
approvals = ["m1"]
)";

struct World {
  std::filesystem::path dir;
  std::unique_ptr<api::Node> node;
  std::unique_ptr<api::Api> api;
  std::string sender_token, monitor_token;
};

// Builds the node once; a failure is reported and the fuzzer stops (it would test nothing).
World* make_world() {
  const auto fail = [](const std::string& what) -> World* {
    std::fprintf(stderr, "fuzz_api_request: cannot set up the node: %s\n", what.c_str());
    std::abort();
  };
  if (!ledger::crypto_init()) return fail("libsodium");
  static World world;
  World* w = &world;
  w->dir = std::filesystem::temp_directory_path() / ("corridor_fuzz_api_" + std::to_string(::getpid()));
  std::filesystem::remove_all(w->dir);
  std::filesystem::create_directories(w->dir);
  std::atexit([] { std::filesystem::remove_all(std::filesystem::temp_directory_path() /
                                               ("corridor_fuzz_api_" + std::to_string(::getpid()))); });
  const std::string db = (w->dir / "n.db").string();
  api::NodeOptions o;
  o.store = "sqlite:" + db;
  {
    auto store = store::open_sqlite(db, store::OpenMode::kCreate);
    if (!store) return fail(store.error().message);
    // As the node will open it: its key beside the store signs the heads it keeps.
    auto anchor = rules::node_anchor(o.store);
    if (!anchor) return fail(anchor.error().message);
    auto l = rules::Ledger::open(**store, {false, nullptr, *anchor});
    if (!l) return fail(l.error().message);
    for (const auto& [name, role] : {std::pair<std::string, std::string>{"s1", "sender"}, {"op1", "checkpoint"},
                                     {"r1", "receiver"}, {"m1", "monitor"}}) {
      const ledger::Signer signer{name, role, ledger::generate_keypair()};
      const std::string key = (w->dir / (name + ".key")).string();
      if (auto ok = ledger::write_key_file(signer, key); !ok) return fail(ok.error().message);
      o.custodial[name] = key;
      const std::string payload = R"({"name":")" + name + R"(","public_key":")" +
                                  ledger::to_hex(signer.keys.public_key) + R"(","role":")" + role + R"("})";
      if (auto e = l->append(signer, {rules::kPartyRegistered, name, payload, 1685577600}); !e) return fail(e.error().message);
      if (name == "op1") {
        nlohmann::json p = {{"checkpoint", "cp1"}, {"sha256", ledger::to_hex(ledger::sha256(kRegime))}, {"toml", kRegime}};
        if (auto e = l->append(signer, {rules::kRegimePublished, "cp1", p.dump(), 1685577600}); !e) return fail(e.error().message);
      }
      if (name == "r1") {
        if (auto e = l->append(signer, {rules::kSettlementRegistered, "town", R"({"id":"town","population":100})", 1685577600});
            !e) {
          return fail(e.error().message);
        }
      }
    }
    auto st = api::issue_token(**store, "s1", "fuzz");
    auto mt = api::issue_token(**store, "m1", "fuzz");
    if (!st || !mt) return fail("tokens");
    w->sender_token = *st;
    w->monitor_token = *mt;
  }
  auto n = api::Node::open(o);
  if (!n) return fail(n.error().message);
  w->node = std::move(*n);
  w->api = std::make_unique<api::Api>(*w->node, api::ServerOptions{});
  return w;
}

std::string take_line(const std::string& s, std::size_t& at) {
  const auto nl = s.find('\n', at);
  std::string out = s.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
  at = nl == std::string::npos ? s.size() : nl + 1;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World* world = make_world();
  if (world == nullptr || size == 0) return 0;
  const std::string in(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const char* kMethods[] = {"GET", "POST", "PUT", "DELETE"};
  api::Request r;
  r.method = kMethods[data[0] & 3];
  std::size_t at = 0;
  r.path = take_line(in, at);
  if (r.path.empty() || r.path[0] != '/') r.path = "/v1/" + r.path;
  const std::string query = take_line(in, at);
  std::size_t q = 0;
  while (q < query.size()) {
    const auto amp = query.find('&', q);
    const std::string part = query.substr(q, amp == std::string::npos ? std::string::npos : amp - q);
    const auto eq = part.find('=');
    r.query.emplace(part.substr(0, eq), eq == std::string::npos ? "" : part.substr(eq + 1));
    q = amp == std::string::npos ? query.size() : amp + 1;
  }
  r.query.erase("__authorization");
  const int who = (data[0] >> 2) & 3;
  if (who == 1) r.query.emplace("__authorization", "Bearer " + world->sender_token);
  if (who == 2) r.query.emplace("__authorization", "Bearer " + world->monitor_token);
  if (who == 3) r.query.emplace("__authorization", "Bearer " + std::string(64, 'a'));
  r.body = in.substr(at);
  api::Reply reply = world->api->handle(r);
  if (reply.status < 200 || reply.status > 599) __builtin_trap();
  if (reply.status >= 400 && !reply.stream) {
    const auto j = nlohmann::json::parse(reply.body, nullptr, false);
    if (j.is_discarded() || !j.contains("error") || !j["error"].contains("code")) __builtin_trap();
  }
  return 0;
}
