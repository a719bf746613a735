#include "api/server.h"

#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include "api/client.h"
#include "api/front.h"
#include "core/input.h"
#include "store/store.h"

namespace corridor::api {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    const std::size_t j = path.find('/', i);
    if (i < path.size()) out.push_back(path.substr(i, j == std::string::npos ? std::string::npos : j - i));
    i = j == std::string::npos ? path.size() : j;
  }
  return out;
}

// Whether a path (its segments `b`) is the route whose pattern's segments are `a` ({name} matching
// one segment), filling its parameters.
bool matches(const std::vector<std::string>& a, const std::vector<std::string>& b, std::map<std::string, std::string>& params) {
  if (a.size() != b.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].size() > 2 && a[i].front() == '{' && a[i].back() == '}') {
      if (b[i].empty()) return false;
      found[a[i].substr(1, a[i].size() - 2)] = httplib::detail::decode_url(b[i], false);
    } else if (a[i] != b[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

void Gate::enter() {
  std::unique_lock<std::mutex> lock(m_);
  if (active_ < limit_ && queue_.empty()) {
    ++active_;
    return;
  }
  Waiter w;
  queue_.push_back(&w);
  w.cv.wait(lock, [&] { return w.admitted; });  // the slot was handed over by leave()
}

void Gate::leave() {
  std::lock_guard<std::mutex> lock(m_);
  if (queue_.empty()) {
    --active_;
    return;
  }
  Waiter* next = queue_.front();
  queue_.pop_front();
  next->admitted = true;
  next->cv.notify_one();
}

namespace {
std::size_t read_slots(const ServerOptions& o) {
  if (o.busy_reads > 0) return o.busy_reads;
  return 2 * std::max(1u, std::thread::hardware_concurrency());
}
}  // namespace

Api::Api(Node& node, const ServerOptions& o) : node_(node), options_(o), reads_(read_slots(o)) {
  add_system_routes(*this);
  add_network_routes(*this);
  add_ledger_routes(*this);
  add_consignment_routes(*this);
  add_regime_routes(*this);
  add_party_routes(*this);
  add_supply_routes(*this);
  add_scenario_routes(*this);
}

void Api::add(RouteSpec spec, Handler h) {
  // Appends are a member's POSTs, and signed events: they wait on the ledger's lock and the disk,
  // not on the CPU, and must not hold read slots while they do.
  spec.writes = (spec.method == "POST" && spec.access == Access::kMember) || spec.path == "/v1/ledger/events";
  patterns_.push_back(segments(spec.path));
  specs_.push_back(std::move(spec));
  handlers_.push_back(std::move(h));
}

Reply Api::handle(Request& r) {
  const RouteSpec* spec = nullptr;
  const Handler* handler = nullptr;
  bool path_known = false;
  const std::vector<std::string> asked = segments(r.path);
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    std::map<std::string, std::string> params;
    if (!matches(patterns_[i], asked, params)) continue;
    path_known = true;
    // HEAD is GET without the body (RFC 9110): the library leaves the body out.
    if (specs_[i].method != (r.method == "HEAD" ? std::string("GET") : r.method)) continue;
    spec = &specs_[i];
    handler = &handlers_[i];
    r.path_params = std::move(params);
    break;
  }
  if (spec == nullptr) {
    if (path_known) {
      Reply rep = error_reply({ErrorCode::kInvalidArgument, "no " + r.method + " on " + r.path + " (see /v1/openapi.json)"});
      rep.status = 405;
      std::string allow;
      for (std::size_t i = 0; i < specs_.size(); ++i) {
        std::map<std::string, std::string> unused;
        if (matches(patterns_[i], asked, unused)) allow += (allow.empty() ? "" : ", ") + specs_[i].method;
      }
      rep.headers.emplace_back("Allow", allow);
      return rep;
    }
    return error_reply({ErrorCode::kNotFound, "no endpoint " + r.method + " " + r.path + " (see /v1/openapi.json)"});
  }
  // A bearer token, when given, must be valid — also on public endpoints, so that a client with a
  // bad token learns it at once.
  if (const auto auth = r.q("__authorization"); auth && !auth->empty()) {
    // The scheme's name is case-insensitive (RFC 9110, 11.1); one or more spaces before the token.
    const auto space = auth->find(' ');
    std::string scheme = auth->substr(0, space);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto token_at = space == std::string::npos ? std::string::npos : auth->find_first_not_of(' ', space);
    if (scheme != "bearer" || token_at == std::string::npos) {
      return error_reply({ErrorCode::kUnauthorized, "Authorization: use 'Bearer TOKEN'"});
    }
    auto who = node_.authenticate(auth->substr(token_at));
    if (!who) return error_reply(who.error());
    r.who = *who;
  }
  if (spec->access == Access::kMember && !r.who.member) {
    return error_reply({ErrorCode::kUnauthorized, spec->method + " " + spec->path + " is for members: send a bearer token "
                                                  "(corridor party token NAME)"});
  }
  std::shared_ptr<void> slot;
  if (spec->long_job) {
    std::size_t now = jobs.load();
    do {
      if (now >= options_.max_jobs) {
        Reply busy = error_reply({ErrorCode::kUnavailable, std::to_string(now) + " long jobs are running (the limit is " +
                                                               std::to_string(options_.max_jobs) + "); try again shortly"});
        busy.headers.emplace_back("Retry-After", "2");
        return busy;
      }
    } while (!jobs.compare_exchange_weak(now, now + 1));
    slot = std::shared_ptr<void>(nullptr, [this](void*) { --jobs; });
  }
  Result<Reply> out = core::fail(ErrorCode::kInternal, "no reply");
  const bool gated = !spec->writes && !spec->long_job;
  if (gated) reads_.enter();
  try {
    out = (*handler)(r);
  } catch (const std::bad_alloc&) {
    out = core::fail(ErrorCode::kLimit, "out of memory");
  } catch (const std::exception& e) {
    out = core::fail(ErrorCode::kInternal, std::string("internal error: ") + e.what());
  }
  if (gated) reads_.leave();
  if (!out) return error_reply(out.error());
  if (out->stream) {
    // The slot is released when the job's computation ends (its result may still be written to a
    // slow client, which then holds a worker for at most the write deadline, not a job slot), or
    // at the latest when the stream ends.
    auto held = std::make_shared<std::shared_ptr<void>>(slot);
    if (out->computed) *out->computed = [held] { held->reset(); };
    auto inner = out->stream;
    out->stream = [inner, held](const std::function<bool(const std::string&)>& write) { return inner(write); };
  }
  return *out;
}

Writer whole(Json j) {
  return [j = std::move(j)](const std::function<bool(const std::string&)>& write) {
    return write(j.dump(-1, ' ', false, Json::error_handler_t::replace));
  };
}

Reply stream_job(Api& api, std::function<Result<Writer>(const std::atomic<bool>&, const std::function<void(Json)>&)> job) {
  (void)api;
  Reply r;
  r.content_type = "application/x-ndjson";
  r.computed = std::make_shared<std::function<void()>>();
  r.stream = [job, computed = r.computed](const std::function<bool(const std::string&)>& write) {
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto latest = std::make_shared<std::pair<std::mutex, Json>>();
    auto done = std::make_shared<std::atomic<bool>>(false);
    auto result = std::make_shared<Result<Writer>>(core::fail(ErrorCode::kInternal, "no result"));
    std::thread worker([=] {
      *result = job(*cancel, [latest](Json p) {
        std::lock_guard<std::mutex> lock(latest->first);
        latest->second = std::move(p);
      });
      done->store(true);
    });
    const auto started = std::chrono::steady_clock::now();
    auto last = started;
    bool client_here = true;
    while (!done->load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const auto now = std::chrono::steady_clock::now();
      if (client_here && !write("")) {
        client_here = false;
        cancel->store(true);
      }
      if (!client_here || now - last < std::chrono::milliseconds(250)) continue;
      last = now;
      Json p;
      {
        std::lock_guard<std::mutex> lock(latest->first);
        p = latest->second;
      }
      if (!p.is_object()) p = Json::object();
      p["elapsed_s"] = std::chrono::duration<double>(now - started).count();
      if (client_here && !write(Json{{"progress", p}}.dump() + "\n")) {
        client_here = false;
        cancel->store(true);
      }
    }
    worker.join();
    if (*computed) (*computed)();
    if (!client_here) {
      std::cerr << "the client of a long job left after "
                << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() << " s; the job "
                << (*result ? std::string("ended, and its result was not sent") : "stopped: " + result->error().message) << "\n";
      return false;
    }
    if (*result) {
      if (write("{\"result\":") && (**result)(write) && write("}\n")) return true;
      std::cerr << "the client of a long job left after "
                << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
                << " s, while its result was sent; the rest was not made\n";
      return false;
    }
    const core::Error& e = result->error();
    return write(Json{{"error", {{"code", std::string(e.name())}, {"message", e.message}}}}.dump() + "\n");
  };
  return r;
}

namespace {

Result<std::pair<std::string, int>> host_port(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return fail(ErrorCode::kInvalidArgument, "--listen " + listen + ": HOST:PORT");
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) return fail(ErrorCode::kInvalidArgument, "--listen " + listen + ": the port is 0 to 65535");
  return std::pair{listen.substr(0, colon), port};
}

// %XX and '+' decoded; a malformed escape is kept as it is.
std::string url_decode(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The query as sent: a value keeps every '=' after the first (?daily=wheat_flour=0.4), which
// cpp-httplib's own parser drops.
std::multimap<std::string, std::string> query_of(const std::string& target) {
  std::multimap<std::string, std::string> out;
  const auto q = target.find('?');
  if (q == std::string::npos) return out;
  std::stringstream ss(target.substr(q + 1));
  for (std::string part; std::getline(ss, part, '&');) {
    if (part.empty()) continue;
    const auto eq = part.find('=');
    out.emplace(url_decode(part.substr(0, eq)), eq == std::string::npos ? "" : url_decode(part.substr(eq + 1)));
  }
  return out;
}

Request to_request(const httplib::Request& req) {
  Request r;
  r.method = req.method;
  r.path = req.path;
  r.query = query_of(req.target);
  r.query.erase("__authorization");
  if (req.has_header("Authorization")) r.query.emplace("__authorization", req.get_header_value("Authorization"));
  r.body = req.body;
  r.accept = req.get_header_value("Accept");
  r.remote = req.remote_addr;
  return r;
}

// No reply says where the node keeps its store or how it reaches it: a server error about the
// store (a database URL, a socket path, a user in it) or an internal one is answered with its code
// and a generic sentence, the detail going to the operator's stderr; in any other message the
// store's path or URL reads "the ledger", and the network's source its file name.
void scrub(Reply& reply, const Node& node, const std::string& what) {
  if (reply.stream || reply.content_type.rfind("application/json", 0) != 0) return;
  std::vector<std::pair<std::string, std::string>> hidden{{node.store_path(), "the ledger"},
                                                          {store::redact(node.store_path()), "the ledger"}};
  // The network by its file name, as /v1/health names it, not where the server read it from.
  if (node.graph() != nullptr && !node.graph()->source().empty()) {
    const std::string source(node.graph()->source());
    hidden.emplace_back(source, std::filesystem::path(source).filename().string());
  }
  const bool about_store = std::any_of(hidden.begin(), hidden.begin() + 2, [&](const auto& h) {
    return !h.first.empty() && reply.body.find(h.first) != std::string::npos;
  });
  if (reply.status >= 500 && (reply.status != 503 || about_store)) {
    auto j = Json::parse(reply.body, nullptr, false);
    const std::string code = j.is_object() && j.contains("error") && j["error"].contains("code") && j["error"]["code"].is_string()
                                 ? j["error"]["code"].get<std::string>()
                                 : std::string("internal");
    std::cerr << "corridor: " << what << " " << reply.status << ": " << core::printable(reply.body) << "\n";
    reply.body = Json{{"error", {{"code", code},
                                 {"message", reply.status == 503 ? "the node's store is unavailable; try again shortly"
                                                                 : "the node failed to answer; its operator has the details"}}}}
                     .dump();
    return;
  }
  for (const auto& [secret, shown] : hidden) {
    if (secret.empty() || secret == shown) continue;
    for (auto at = reply.body.find(secret); at != std::string::npos; at = reply.body.find(secret, at + shown.size())) {
      reply.body.replace(at, secret.size(), shown);
    }
  }
}

// Headers every reply carries, static files included: no content sniffing, no framing by another
// site (clickjacking), scripts and data from this origin only (the map's workers are blob: URLs).
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src 'self' blob:; img-src 'self' data: blob:; "
    "style-src 'self' 'unsafe-inline'; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

void to_response(Reply&& reply, httplib::Response& res) {
  res.status = reply.status;
  for (const auto& [k, v] : reply.headers) res.set_header(k, v);
  res.set_header("Cache-Control", "no-store");
  if (reply.stream) {
    auto stream = std::move(reply.stream);
    res.set_chunked_content_provider(reply.content_type, [stream](std::size_t, httplib::DataSink& sink) {
      // An empty chunk would end a chunked body: write("") only asks whether the client is still there
      // (is_writable peeks at the socket, so a closed connection shows at once).
      stream([&sink](const std::string& chunk) {
        if (chunk.empty()) return sink.is_writable();
        return sink.is_writable() && sink.write(chunk.data(), chunk.size());
      });
      sink.done();
      return true;
    });
    return;
  }
  res.set_content(std::move(reply.body), reply.content_type);
}

}  // namespace

int serve(const ServerOptions& o) {
  auto hp = host_port(o.listen);
  if (!hp) {
    std::cerr << "corridor: error: " << hp.error().message << "\n";
    return hp.error().exit_code();
  }
  auto node = Node::open(o.node);
  if (!node) {
    std::cerr << "corridor: error: " << core::printable(node.error().message) << "\n";
    return node.error().exit_code();
  }
  Api api(**node, o);
  httplib::Server svr;  // the HTTP semantics; connections and workers are the front's (api/front.h)
  svr.set_payload_max_length(o.body_limit);
  svr.set_keep_alive_timeout(o.keep_alive_s);   // what the Keep-Alive header says; the front keeps to it
  svr.set_keep_alive_max_count(o.keep_alive_max);
  const auto dispatch = [&api, &o](const httplib::Request& req, httplib::Response& res) {
    const auto t0 = std::chrono::steady_clock::now();
    Request r = to_request(req);
    Reply reply = api.handle(r);
    scrub(reply, api.node(), req.method + " " + req.path);
    const int status = reply.status;
    to_response(std::move(reply), res);
    if (o.access_log) {
      std::cerr << req.method << " " << req.path << " " << status << " "
                << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() << " ms "
                << (r.who.member ? r.who.party : "-") << "\n";
    }
  };
  for (const char* pattern : {"/v1", "/v1/.*"}) {
    svr.Get(pattern, dispatch);
    svr.Post(pattern, dispatch);
    svr.Put(pattern, dispatch);
    svr.Delete(pattern, dispatch);
    svr.Patch(pattern, dispatch);
  }
  svr.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Content-Security-Policy", kContentSecurityPolicy);
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
  });
  // A body over the limit never reaches a handler: say so in the API's own shape.
  svr.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      res.set_content(Json{{"error", {{"code", "limit_exceeded"}, {"message", "the request body is over the limit"}}}}.dump(),
                      "application/json");
    } else if (res.status == 404) {
      res.set_content(Json{{"error", {{"code", "not_found"}, {"message", "no such page"}}}}.dump(), "application/json");
    }
  });
  // No brotli: Debian's libcpp-httplib compresses every reply at brotli's quality 11 — 1.5 s for
  // the dashboard's 1.2 MB bundle on a 2-core machine, against 26 ms with gzip — and a browser that
  // accepts br accepts gzip too. The library chooses from Accept-Encoding after routing, so "br" is
  // taken out of it first (the request object is the library's own, not a constant).
  svr.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    auto& headers = const_cast<httplib::Request&>(req).headers;
    const auto [first, last] = headers.equal_range("Accept-Encoding");  // names compare case-blind
    for (auto it = first; it != last; ++it) {
      std::string kept, item;
      std::stringstream ss(it->second);
      while (std::getline(ss, item, ',')) {
        const auto b = item.find_first_not_of(' ');
        if (b == std::string::npos || item.compare(b, 2, "br") == 0) continue;
        kept += (kept.empty() ? "" : ", ") + item.substr(b);
      }
      it->second = kept;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  if (!o.web_root.empty() && !svr.set_mount_point("/", o.web_root)) {
    std::cerr << "corridor: error: --web " << o.web_root << ": not a folder\n";
    return 4;
  }
  FrontOptions fo;
  fo.host = hp->first;
  fo.port = hp->second;
  fo.reuse_port = o.reuse_port;
  fo.workers = std::max<std::size_t>(2, o.threads);
  fo.max_connections = o.max_connections;
  fo.max_per_address = o.max_per_address;
  fo.body_limit = o.body_limit;
  fo.request_deadline_s = o.read_timeout_s;
  fo.write_deadline_s = o.write_timeout_s;
  fo.idle_s = o.keep_alive_s;
  fo.keep_alive_max = o.keep_alive_max;
  fo.drain_s = o.drain_s;
  auto front = Front::bind(fo, svr);
  if (!front) {
    std::cerr << "corridor: error: " << front.error().message << "\n";
    return 5;
  }
  const int port = (*front)->port();
  // Signals: a dedicated thread waits for SIGTERM or SIGINT and stops the server, which finishes the
  // requests in flight (each write is one transaction: it commits or not at all).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  std::atomic<bool> stopping{false};
  std::thread signals([&] {
    int sig = 0;
    sigwait(&set, &sig);
    stopping = true;
    (*front)->stop();
  });
  std::thread syncer;
  Node& n = **node;
  if (!n.upstream().empty()) {
    syncer = std::thread([&] {
      while (!stopping.load()) {
        auto r = sync_from(n, n.upstream(), nullptr, n.upstream_token());
        if (!r && o.access_log) std::cerr << "sync from " << n.upstream() << ": " << r.error().message << "\n";
        for (int waited = 0; waited < o.sync_interval_ms && !stopping.load(); waited += 50) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      }
    });
  }
  std::cerr << "corridor: serving " << n.store_path() << " on http://" << hp->first << ":" << port << "/v1"
            << (n.upstream().empty() ? "" : " (a mirror of " + n.upstream() + ")") << "\n";
  std::cout << "listening " << hp->first << ":" << port << std::endl;
  (*front)->run();
  stopping = true;
  if (signals.joinable()) {
    pthread_kill(signals.native_handle(), SIGTERM);
    signals.join();
  }
  if (syncer.joinable()) syncer.join();
  return 0;
}

}  // namespace corridor::api
