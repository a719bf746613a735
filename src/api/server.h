// corridor::api — `corridor serve`: the HTTP JSON API under /v1 that lets the parties of a corridor
// work together, each from its own node.
//
// Every endpoint is one entry of the route table (method, path, who may call it, parameters,
// request and response schemas): the server dispatches from that table and the OpenAPI 3.1
// document at /v1/openapi.json is generated from it, so the two cannot drift apart. Writes go
// through the rule engine (src/rules) like the CLI's; a request is authenticated by a bearer token
// (`corridor party token`) or, for writes, by the Ed25519 signature on the event it carries.
//
// May use: every module below; cpp-httplib in server.cpp and client.cpp only.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/http.h"
#include "api/node.h"

namespace corridor::api {

enum class Access : std::uint8_t {
  kPublic,  // anyone
  kMember,  // a bearer token of a member party
};

struct Param {
  std::string name, in = "query", type = "string", description;
  bool required = false;
};

struct RouteSpec {
  std::string method, path, summary, tag;
  Access access = Access::kPublic;
  std::vector<Param> params;
  std::string request;  // schema name of the JSON body ("" for none)
  // status -> (content type, schema name); every route also answers errors with "Error".
  std::map<int, std::pair<std::string, std::string>> responses;
  bool long_job = false;  // counted against the limit on concurrent long jobs
  bool writes = false;    // appends to the ledger (set by Api::add): not counted against the read gate
};

// At most `limit` holders at once, admitted in the order they came. Reads pass through one so that
// a burst of requests runs a few at a time to completion, instead of 64 threads time-sliced on two
// cores (where a request preempted half-way waits out every other's slice: tail latency in hundreds
// of milliseconds).
class Gate {
 public:
  explicit Gate(std::size_t limit) : limit_(std::max<std::size_t>(1, limit)) {}
  void enter();
  void leave();

 private:
  struct Waiter {
    std::condition_variable cv;
    bool admitted = false;
  };
  std::mutex m_;
  std::size_t limit_, active_ = 0;
  std::deque<Waiter*> queue_;
};

using Handler = std::function<core::Result<Reply>(Request&)>;

struct ServerOptions {
  NodeOptions node;
  std::string listen = "127.0.0.1:8080";
  std::size_t threads = 64;             // worker threads (each serves one whole request at a time: api/front.h)
  std::size_t max_connections = 1024;   // open at once
  std::size_t max_per_address = 64;     // open at once from one client address
  int drain_s = 10;                     // on SIGTERM: how long requests in flight may take
  std::size_t max_jobs = 2;             // long jobs (scenario runs, capacity) at once; more get 503
  std::size_t busy_reads = 0;           // reads computing at once, the others queue in order (0: 2 per core)
  std::size_t body_limit = 4u << 20;    // bytes
  int read_timeout_s = 10, write_timeout_s = 30, keep_alive_s = 5;  // whole request, whole response, idle
  std::size_t keep_alive_max = 1000;    // requests per connection
  std::string web_root;                 // static files served at / (the dashboard)
  bool access_log = false;
  bool reuse_port = false;  // SO_REUSEPORT: several processes listen on one port, the kernel spreads connections
  int sync_interval_ms = 1000;          // a mirror pulls from its sequencer this often
};

class Api {
 public:
  Api(Node& node, const ServerOptions& o);
  [[nodiscard]] const std::vector<RouteSpec>& routes() const { return specs_; }
  [[nodiscard]] Json openapi() const;
  // Matches, authenticates, checks access, runs the handler, maps errors.
  [[nodiscard]] Reply handle(Request& r);
  void add(RouteSpec spec, Handler h);
  [[nodiscard]] Node& node() { return node_; }
  [[nodiscard]] const ServerOptions& options() const { return options_; }
  // How many long jobs run now; a job holds a slot while it runs.
  std::atomic<std::size_t> jobs{0};

 private:
  Node& node_;
  ServerOptions options_;
  Gate reads_;
  std::vector<RouteSpec> specs_;
  std::vector<std::vector<std::string>> patterns_;  // each spec's path, split at '/'
  std::vector<Handler> handlers_;
};

// The endpoint groups (routes_*.cpp).
void add_system_routes(Api& api);
void add_network_routes(Api& api);
void add_ledger_routes(Api& api);
void add_consignment_routes(Api& api);
void add_regime_routes(Api& api);
void add_party_routes(Api& api);
void add_supply_routes(Api& api);
void add_scenario_routes(Api& api);

// Writes a JSON value in pieces (a large result day by day); stops, returning false, when `write`
// does (the client left).
using Writer = std::function<bool(const std::function<bool(const std::string&)>& write)>;
[[nodiscard]] Writer whole(Json j);

// Runs a job that may take long while streaming NDJSON to the client: {"progress": {...}} lines
// (from `report`, every 250 ms), then {"result": ...} (written by the job's Writer, piece by piece)
// or {"error": ...}. The client's connection is watched every 50 ms: when it goes away, the job's
// `cancel` flag is set and what is left of the result is not made.
[[nodiscard]] Reply stream_job(
    Api& api, std::function<core::Result<Writer>(const std::atomic<bool>& cancel, const std::function<void(Json)>& report)> job);

// Runs the server until SIGTERM or SIGINT (finishing requests in flight). Returns the exit code.
[[nodiscard]] int serve(const ServerOptions& o);

}  // namespace corridor::api
