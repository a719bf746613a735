#include "api/front.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>
#include <vector>

namespace corridor::api {

using Clock = std::chrono::steady_clock;
constexpr auto kLinger = std::chrono::seconds(2);     // how long a refused client's bytes are read and dropped
constexpr std::size_t kLingerBytes = 64u << 20;       // and at most how many

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The library's request processing is protected; this is the one door to it.
// The library stops writing a streamed body once its own listening socket is gone; its socket
// here stands for the front's: valid while the front serves, invalid once the drain ran out.
class Door : public httplib::Server {
 public:
  static bool serve(httplib::Server& s, httplib::Stream& strm, bool close, bool& closed) {
    return (s.*(&Door::process_request))(strm, close, closed, nullptr);
  }
  static void serving(httplib::Server& s, bool yes) { (s.*(&Door::svr_sock_)).store(yes ? 0 : INVALID_SOCKET); }
};

struct Peer {
  std::string ip;
  int port = 0;
  std::string local_ip;
  int local_port = 0;
};

Peer peer_of(int fd, const sockaddr_storage& ss) {
  Peer p;
  char buf[INET6_ADDRSTRLEN] = {};
  const auto name = [&](const sockaddr_storage& a, std::string& ip, int& port) {
    if (a.ss_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(&a);
      ::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
      port = ntohs(in->sin_port);
    } else if (a.ss_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&a);
      ::inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
      port = ntohs(in6->sin6_port);
    } else {
      buf[0] = '\0';
    }
    ip = buf;
  };
  name(ss, p.ip, p.port);
  sockaddr_storage local{};
  socklen_t len = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0) name(local, p.local_ip, p.local_port);
  return p;
}

// One request's bytes for the library to read, and its socket to write the response to within a
// deadline (the socket is non-blocking: writes wait in poll for what is left of it).
class RequestStream : public httplib::Stream {
 public:
  // `patience`: how long a write may wait for the client to take more (a deadline renewed by
  // every byte it takes, so that a computation before the first byte costs nothing of it).
  RequestStream(int fd, const Peer& peer, std::string bytes, std::chrono::seconds patience)
      : fd_(fd), peer_(peer), in_(std::move(bytes)), patience_(patience), progress_(Clock::now()) {}
  bool is_readable() const override { return pos_ < in_.size(); }
  // Whether the client is still there and takes what is written: at once if the socket has room
  // (and the client has not closed its side), else within what is left of the patience.
  bool is_writable() const override {
    char probe;
    const ssize_t n = ::recv(fd_, &probe, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return false;  // the client closed: it is gone
    if (ready_now()) {
      progress_ = Clock::now();
      return true;
    }
    return wait_writable();
  }
  ssize_t read(char* ptr, size_t size) override {
    const std::size_t n = std::min(size, in_.size() - pos_);
    std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (head_.size() < 12) head_.append(ptr, std::min<std::size_t>(size, 12 - head_.size()));
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = ::send(fd_, ptr + done, size - done, MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        progress_ = Clock::now();
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait_writable()) continue;
      failed_ = true;
      return -1;
    }
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = peer_.ip;
    port = peer_.port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = peer_.local_ip;
    port = peer_.local_port;
  }
  socket_t socket() const override { return fd_; }
  [[nodiscard]] bool failed() const { return failed_; }
  // The response's status line began with a 400 (the library could not parse the request): the
  // connection's framing is not to be trusted further.
  [[nodiscard]] bool answered_bad_request() const { return head_.rfind("HTTP/1.1 400", 0) == 0; }

 private:
  bool ready_now() const {
    pollfd p{fd_, POLLOUT, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP | POLLNVAL)) == 0 && (p.revents & POLLOUT) != 0;
  }
  bool wait_writable() const {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(progress_ + patience_ - Clock::now()).count();
      if (left <= 0) return false;
      pollfd p{fd_, POLLOUT, 0};
      const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return false;
      if (r == 0) continue;
      return (p.revents & (POLLERR | POLLHUP | POLLNVAL)) == 0 && (p.revents & POLLOUT) != 0;
    }
  }
  int fd_;
  Peer peer_;
  std::string in_;
  std::size_t pos_ = 0;
  std::chrono::seconds patience_;
  mutable Clock::time_point progress_;
  bool failed_ = false;
  std::string head_;
};

}  // namespace

Framing frame(const std::string& b, std::size_t header_limit, std::size_t body_limit) {
  Framing f;
  std::size_t start = 0;
  while (start + 1 < b.size() && b[start] == '\r' && b[start + 1] == '\n') start += 2;
  f.skip = start;
  const auto refuse = [&](int status, std::string why) {
    f.kind = Framing::kRefuse;
    f.status = status;
    f.message = std::move(why);
    return f;
  };
  const std::string too_long = "the request line and headers are over " + std::to_string(header_limit) + " bytes";
  if (start > header_limit) return refuse(431, too_long);  // empty lines count too
  const auto end = b.find("\r\n\r\n", start);
  if ((end == std::string::npos ? b.size() : end + 4) - start > header_limit) return refuse(431, too_long);
  // Lines end in CRLF and nothing else, as the parser this feeds reads them (RFC 9112 2.2): a bare
  // LF or CR would let the two read different requests from the same bytes (smuggling).
  const std::size_t scan_end = end == std::string::npos ? b.size() : end + 4;
  for (std::size_t i = start; i < scan_end; ++i) {
    if ((b[i] == '\n' && (i == start || b[i - 1] != '\r')) || (b[i] == '\r' && i + 1 < scan_end && b[i + 1] != '\n')) {
      return refuse(400, "a request line or header line ends in a bare LF or CR (lines end in CRLF)");
    }
  }
  if (end == std::string::npos) return f;
  const std::size_t head = end + 4 - start;
  std::optional<std::size_t> length;
  bool expect = false;
  const std::size_t first_eol = b.find("\r\n", start);
  f.http11 = first_eol >= start + 8 && b.compare(first_eol - 8, 8, "HTTP/1.1") == 0;
  std::size_t line = first_eol + 2;  // after the request line
  while (line < end + 2) {
    const std::size_t eol = b.find("\r\n", line);
    const std::string h = b.substr(line, eol - line);
    const std::size_t at = line;
    line = eol + 2;
    // No folded lines, and the name is a token right up to the colon (RFC 9112 5.1, 5.2).
    if (!h.empty() && (h[0] == ' ' || h[0] == '\t')) return refuse(400, "a folded header line (obs-fold) is not accepted");
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0) return refuse(400, "a header line without a name and a colon");
    for (std::size_t i = 0; i < colon; ++i) {
      const unsigned char c = static_cast<unsigned char>(h[i]);
      if (c <= ' ' || c >= 127 || std::strchr("\"(),/:;<=>?@[\\]{}", c) != nullptr) {
        return refuse(400, "a header name is a token, with no space before its colon");
      }
    }
    const std::string name = lower(h.substr(0, colon));
    const std::string value = trim(h.substr(colon + 1));
    if (name == "transfer-encoding") {
      return refuse(411, "a request body is sent with Content-Length (Transfer-Encoding is not accepted)");
    }
    if (name == "expect" && lower(value) == "100-continue") {
      expect = true;
      f.expect_at = at - start;  // the front answers it; the line is taken out before the library reads
      f.expect_len = eol + 2 - at;
    }
    if (name != "content-length") continue;
    if (value.empty() || value.size() > 19 || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return refuse(400, "Content-Length '" + value.substr(0, 32) + "' is not a byte count");
    }
    const std::size_t n = std::stoull(value);
    if (length && *length != n) return refuse(400, "two different Content-Length headers");
    length = n;
  }
  const std::size_t body = length.value_or(0);
  if (body > body_limit) return refuse(413, "the request body is over the limit (" + std::to_string(body_limit) + " bytes)");
  if (b.size() - start < head + body) {
    f.expects_continue = expect && f.http11 && b.size() - start == head;
    return f;
  }
  f.kind = Framing::kReady;
  f.size = head + body;
  return f;
}

struct Front::Impl {
  FrontOptions o;
  httplib::Server* server = nullptr;
  int listen_fd = -1, epoll_fd = -1, wake_fd = -1, port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<bool> abandoned{false};  // the drain ran out
  int spare_fd = -1;                   // held open to accept and refuse a client when out of descriptors

  struct Conn {
    int fd = -1;
    Peer peer;
    std::string buf;
    Clock::time_point since;          // accepted, or last served: the idle clock
    std::optional<Clock::time_point> begun;  // the first byte of the request being read
    std::size_t served = 0;
    bool continued = false;           // 100 Continue sent for the request being read
    bool keep = true;                 // kept alive after the last response
    // Refused (413, 431, ...): what the client still sends is read and dropped for a while, so that
    // it reads the answer instead of a reset ("lingering close", as nginx does).
    std::optional<Clock::time_point> lingering;
    std::size_t discarded = 0;
    bool parked = false;  // a whole request waits: its address has its share of the workers busy
  };
  std::map<std::string, std::size_t> busy_per_address;  // requests with a worker, by client address
  std::vector<int> parked;                              // connections whose whole request waits
  [[nodiscard]] std::size_t worker_share() const { return std::max<std::size_t>(1, o.workers / 4); }
  std::unordered_map<int, std::unique_ptr<Conn>> reading;  // in the front (the loop's only)
  std::map<std::string, std::size_t> per_address;          // open connections, by client address
  std::size_t open = 0;

  // Work for the pool, and connections it gives back.
  std::mutex m;
  std::condition_variable cv;
  std::deque<std::pair<std::unique_ptr<Conn>, std::string>> work;
  std::vector<std::unique_ptr<Conn>> returned;
  std::vector<int> busy;  // fds with a worker, to cut when the drain runs out
  std::size_t in_flight = 0;
  bool pool_done = false;

  ~Impl() {
    for (int fd : {listen_fd, epoll_fd, wake_fd, spare_fd}) {
      if (fd >= 0) ::close(fd);
    }
  }

  void wake() const {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd, &one, sizeof one);
  }

  // A refusal from the front itself, in the API's error shape; then the connection closes.
  static void answer(int fd, int status, const std::string& message) {
    const std::string code = status == 408 ? "timeout" : status == 503 ? "unavailable" : status == 413 || status == 431 ? "limit_exceeded"
                                                                                                                           : "invalid_argument";
    const std::string body = nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump();
    const char* reason = status == 400 ? "Bad Request" : status == 408 ? "Request Timeout" : status == 411 ? "Length Required"
                         : status == 413 ? "Payload Too Large" : status == 431 ? "Request Header Fields Too Large"
                                                                                : "Service Unavailable";
    const std::string reply = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                              "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\nConnection: close\r\n\r\n" + body;
    [[maybe_unused]] const auto n = ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }

  // A refusal at accept: what the client already sent is read first, so that closing does not
  // reset the connection under the answer.
  static void refuse_and_close(int fd, int status, const std::string& message) {
    char sink[4096];
    for (int i = 0; i < 16 && ::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) {
    }
    answer(fd, status, message);
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
  }

  void close_conn(std::unique_ptr<Conn> c) {
    if (auto it = per_address.find(c->peer.ip); it != per_address.end() && --it->second == 0) per_address.erase(it);
    --open;
    ::close(c->fd);
  }

  void watch(Conn& c) const {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = c.fd;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c.fd, &ev);
  }

  void accept_all() {
    for (;;) {
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR) continue;
        if ((errno == EMFILE || errno == ENFILE) && spare_fd >= 0) {
          // Out of descriptors: free the spare, take the client, tell it, and close it (else the
          // listening socket stays readable and this loop spins).
          ::close(spare_fd);
          const int c = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (c >= 0) {
            refuse_and_close(c, 503, "the server is out of file descriptors; try again shortly");
          }
          spare_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
          continue;
        }
        return;  // EAGAIN: no more
      }
      int yes = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      auto c = std::make_unique<Conn>();
      c->fd = fd;
      c->peer = peer_of(fd, ss);
      c->since = Clock::now();
      if (open >= o.max_connections) {
        refuse_and_close(fd, 503, "the server holds " + std::to_string(open) + " connections, its limit; try again shortly");
        continue;
      }
      if (per_address[c->peer.ip] >= o.max_per_address) {
        refuse_and_close(fd, 503, "this address holds " + std::to_string(per_address[c->peer.ip]) + " connections, the limit "
                                  "for one address; close some or try again shortly");
        continue;
      }
      ++per_address[c->peer.ip];
      ++open;
      watch(*c);
      reading.emplace(fd, std::move(c));
    }
  }

  // Reads what the connection has; hands a whole request to the pool, or refuses, or waits.
  void readable(int fd) {
    auto it = reading.find(fd);
    if (it == reading.end()) return;
    Conn& c = *it->second;
    char chunk[16384];
    bool eof = false;
    if (c.lingering) {
      for (;;) {
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n > 0 && (c.discarded += static_cast<std::size_t>(n)) < kLingerBytes) continue;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        break;
      }
      drop(fd);  // the client closed, or sent more than is worth reading
      return;
    }
    for (;;) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n > 0) {
        if (!c.begun) c.begun = Clock::now();
        c.buf.append(chunk, static_cast<std::size_t>(n));
        if (c.buf.size() > o.header_limit + o.body_limit + 4) break;  // framing refuses it below
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) eof = true;
      break;
    }
    if (!consider(it) && eof) drop(fd);
  }

  // Whether the connection left the front (handed over or closed).
  bool consider(std::unordered_map<int, std::unique_ptr<Conn>>::iterator it) {
    Conn& c = *it->second;
    if (c.buf.empty()) return false;
    const Framing f = frame(c.buf, o.header_limit, o.body_limit);
    if (f.kind == Framing::kRefuse) {
      answer(c.fd, f.status, f.message);
      ::shutdown(c.fd, SHUT_WR);
      c.lingering = Clock::now();
      c.buf.clear();
      return true;
    }
    if (f.kind == Framing::kNeedMore) {
      if (f.skip > 0) c.buf.erase(0, f.skip);  // empty lines before a request line, counted and dropped
      if (f.expects_continue && !c.continued) {
        static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
        [[maybe_unused]] const auto n = ::send(c.fd, kContinue, sizeof kContinue - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        c.continued = true;
      }
      return false;
    }
    // One address gets at most a quarter of the workers at once: clients that do not read their
    // answers cannot hold them all. The rest wait here, read no further, and are not timed out.
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
    if (busy_per_address[c.peer.ip] >= worker_share()) {
      if (!c.parked) parked.push_back(c.fd);
      c.parked = true;
      c.begun.reset();
      return true;
    }
    c.parked = false;
    std::string request = c.buf.substr(f.skip, f.size);
    c.buf.erase(0, f.skip + f.size);
    if (f.expect_len > 0) request.erase(f.expect_at, f.expect_len);  // answered here, not again by the library
    ++busy_per_address[c.peer.ip];
    std::unique_ptr<Conn> owned = std::move(it->second);
    reading.erase(it);
    std::lock_guard<std::mutex> lock(m);
    busy.push_back(owned->fd);
    ++in_flight;
    work.emplace_back(std::move(owned), std::move(request));
    cv.notify_one();
    return true;
  }

  void drop(int fd) {
    auto it = reading.find(fd);
    if (it == reading.end()) return;
    parked.erase(std::remove(parked.begin(), parked.end(), fd), parked.end());
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
    std::unique_ptr<Conn> c = std::move(it->second);
    reading.erase(it);
    close_conn(std::move(c));
  }

  // Deadlines: a request not in whole within its deadline is answered 408; an idle connection is
  // closed.
  void expire() {
    const auto now = Clock::now();
    std::vector<int> late, idle;
    for (const auto& [fd, c] : reading) {
      if (c->parked) continue;
      if (c->lingering) {
        if (now - *c->lingering > kLinger) idle.push_back(fd);
      } else if (c->begun && now - *c->begun > std::chrono::seconds(o.request_deadline_s)) {
        late.push_back(fd);
      } else if (!c->begun && now - c->since > std::chrono::seconds(o.idle_s)) {
        idle.push_back(fd);
      }
    }
    for (int fd : late) {
      answer(fd, 408, "the request did not arrive whole within " + std::to_string(o.request_deadline_s) + " s");
      drop(fd);
    }
    for (int fd : idle) drop(fd);
  }

  // Connections the pool gives back: kept alive (a request may already be buffered) or closed.
  void take_back() {
    std::vector<std::unique_ptr<Conn>> back;
    {
      std::lock_guard<std::mutex> lock(m);
      back.swap(returned);
    }
    for (auto& c : back) {
      if (auto b = busy_per_address.find(c->peer.ip); b != busy_per_address.end() && --b->second == 0) busy_per_address.erase(b);
      if (stopping.load() || !c->keep) {
        close_conn(std::move(c));
        continue;
      }
      const int fd = c->fd;
      c->since = Clock::now();
      c->begun.reset();
      c->continued = false;
      if (!c->buf.empty()) c->begun = c->since;  // pipelined: its deadline starts now
      watch(*c);
      auto [it, fresh] = reading.emplace(fd, std::move(c));
      (void)fresh;
      consider(it);
    }
    // Requests that waited for their address's share of the workers.
    std::vector<int> waiting;
    waiting.swap(parked);
    for (int fd : waiting) {
      auto it = reading.find(fd);
      if (it == reading.end()) continue;
      it->second->parked = false;
      if (!consider(it)) watch(*it->second);  // (not whole after all: read on); else handed over or parked again
    }
  }

  void worker() {
    for (;;) {
      std::unique_ptr<Conn> c;
      std::string request;
      {
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, [&] { return !work.empty() || pool_done; });
        if (work.empty()) return;
        c = std::move(work.front().first);
        request = std::move(work.front().second);
        work.pop_front();
      }
      ++c->served;
      const bool last = c->served >= o.keep_alive_max || stopping.load();
      bool ok = false, closed = false;
      RequestStream strm(c->fd, c->peer, std::move(request), std::chrono::seconds(o.write_deadline_s));
      if (!abandoned.load()) {  // the drain ran out: what was queued is not run
        try {
          ok = Door::serve(*server, strm, last, closed);
        } catch (...) {  // a handler or provider that throws outside the library's own catch
          ok = false;
        }
      }
      c->keep = ok && !closed && !last && !strm.failed() && !strm.answered_bad_request();
      {
        std::lock_guard<std::mutex> lock(m);
        busy.erase(std::find(busy.begin(), busy.end(), c->fd));
        --in_flight;
        returned.push_back(std::move(c));  // the loop closes it or watches it again
        cv.notify_all();
      }
      wake();
    }
  }

  void loop() {
    Door::serving(*server, true);
    std::vector<std::thread> pool;
    for (std::size_t i = 0; i < std::max<std::size_t>(1, o.workers); ++i) pool.emplace_back([this] { worker(); });
    epoll_event events[256];
    while (!stopping.load()) {
      const int n = ::epoll_wait(epoll_fd, events, 256, 250);
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == wake_fd) {
          std::uint64_t v = 0;
          [[maybe_unused]] const auto r = ::read(wake_fd, &v, sizeof v);
        } else if (fd == listen_fd) {
          accept_all();
        } else if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
          readable(fd);
        }
      }
      take_back();
      expire();
    }
    // Stop: no new connections, none of those still being read; what is in flight may finish
    // within the drain, and is then cut.
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
    ::close(listen_fd);
    listen_fd = -1;
    std::vector<int> fds;
    for (const auto& [fd, c] : reading) fds.push_back(fd);
    for (int fd : fds) drop(fd);
    {
      std::unique_lock<std::mutex> lock(m);
      const bool drained = cv.wait_for(lock, std::chrono::seconds(o.drain_s), [&] { return in_flight == 0; });
      if (!drained) {
        abandoned.store(true);          // queued requests are not run
        Door::serving(*server, false);  // streamed bodies stop
        for (int fd : busy) ::shutdown(fd, SHUT_RDWR);  // their writes fail, their jobs are cancelled
      }
      pool_done = true;
      cv.notify_all();
    }
    for (auto& t : pool) t.join();
    take_back();
  }
};

Front::Front(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Front::~Front() = default;
int Front::port() const { return impl_->port; }
void Front::run() { impl_->loop(); }
void Front::stop() {
  impl_->stopping.store(true);
  impl_->wake();
}

core::Result<std::unique_ptr<Front>> Front::bind(const FrontOptions& o, httplib::Server& server) {
  auto impl = std::make_unique<Impl>();
  impl->o = o;
  impl->server = &server;
  const auto bad = [&](const std::string& why) {
    return core::fail(core::ErrorCode::kUnavailable, "--listen " + o.host + ":" + std::to_string(o.port) + ": " + why);
  };
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(o.host.c_str(), std::to_string(o.port).c_str(), &hints, &found) != 0 || found == nullptr) {
    return bad("not an address of this machine");
  }
  for (addrinfo* a = found; a != nullptr && impl->listen_fd < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (o.reuse_port) ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &yes, sizeof yes);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
      impl->listen_fd = fd;
    } else {
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (impl->listen_fd < 0) return bad("cannot bind (in use, or not an address of this machine)");
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(impl->listen_fd, reinterpret_cast<sockaddr*>(&ss), &len);
  impl->port = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                        : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  // As many descriptors as the system lets this process have: each connection is one.
  if (rlimit rl{}; ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
  impl->spare_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  impl->epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  impl->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl->epoll_fd < 0 || impl->wake_fd < 0) return bad("epoll: " + std::string(std::strerror(errno)));
  for (int fd : {impl->listen_fd, impl->wake_fd}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(impl->epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  }
  return std::unique_ptr<Front>(new Front(std::move(impl)));
}

}  // namespace corridor::api
