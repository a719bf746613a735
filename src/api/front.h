// corridor::api — the server's front: one thread that accepts connections and reads requests
// with epoll, and a pool of workers that only ever see whole requests.
//
// cpp-httplib gives each connection a worker thread for its whole life and times reads one at a
// time, so a client that sends a header line every two seconds holds a worker for ever; 300 such
// clients held all 256 workers and a cheap read waited 39.6 s (issue 24, item 12). Here an idle or
// slow connection costs a buffer in the front, not a thread: a request is handed to a worker only
// once its headers and its body (by Content-Length) are in, and within a deadline for the whole of
// it; a response must be written within a deadline for the whole of it; one client address holds
// at most so many connections; and a stop drains what is in flight for a bounded time, then cuts
// the connections that are still being written.
//
// The HTTP semantics (parsing, routing, static files, compression, ranges) stay cpp-httplib's: a
// worker runs the library's request processing over the buffered bytes (see front.cpp).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"

namespace httplib {
class Server;
}

namespace corridor::api {

struct FrontOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                        // 0: any free port
  bool reuse_port = false;
  std::size_t workers = 64;               // threads serving whole requests
  std::size_t max_connections = 1024;     // open at once; more are answered 503 and closed
  std::size_t max_per_address = 64;       // open at once from one client address
  std::size_t header_limit = 64u << 10;   // request line and headers, bytes
  std::size_t body_limit = 4u << 20;      // request body, bytes
  int request_deadline_s = 10;            // from a request's first byte to its last
  int write_deadline_s = 30;              // for the whole of a response
  int idle_s = 5;                         // a connection with no request begun is closed after
  std::size_t keep_alive_max = 1000;      // requests per connection
  int drain_s = 10;                       // on stop: how long requests in flight may take
};

class Front {
 public:
  // Binds and listens (errors: the address cannot be bound). `server` answers each request.
  static core::Result<std::unique_ptr<Front>> bind(const FrontOptions& o, httplib::Server& server);
  ~Front();
  [[nodiscard]] int port() const;
  // Serves until stop(); returns once every worker has finished.
  void run();
  // From any thread (a signal handler's thread): stop accepting, drain, return from run().
  void stop();

  struct Impl;

 private:
  explicit Front(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// What the front makes of the bytes of a request read so far.
struct Framing {
  enum Kind { kNeedMore, kReady, kRefuse } kind = kNeedMore;
  std::size_t size = 0;         // kReady: the request's length in bytes, headers and body
  std::size_t skip = 0;         // empty lines before the request line (RFC 9112 2.2), to drop
  bool expects_continue = false;  // headers in, body not yet, and the client waits for 100 Continue
  bool http11 = false;            // the request line says HTTP/1.1
  std::size_t expect_at = 0, expect_len = 0;  // the Expect line (from the request's start), if any
  int status = 0;               // kRefuse: the HTTP status
  std::string message;          // kRefuse: why
};
[[nodiscard]] Framing frame(const std::string& bytes, std::size_t header_limit, std::size_t body_limit);

}  // namespace corridor::api
