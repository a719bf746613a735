#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "api/front.h"
#include "api/http.h"
#include "api/server.h"
#include "ledger/crypto.h"

namespace corridor::api {
namespace {

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ledger::crypto_init());
    dir_ = std::filesystem::temp_directory_path() / ("corridor_api_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    NodeOptions o;
    o.store = "sqlite:" + (dir_ / "c.db").string();
    auto n = Node::open(o);
    ASSERT_TRUE(n) << n.error().message;
    node_ = std::move(*n);
    api_ = std::make_unique<Api>(*node_, ServerOptions{});
  }
  void TearDown() override {
    api_.reset();
    node_.reset();
    std::filesystem::remove_all(dir_);
  }
  Reply call(const std::string& method, const std::string& path, const std::string& body = "",
             const std::multimap<std::string, std::string>& query = {}) {
    Request r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.query = query;
    return api_->handle(r);
  }
  std::filesystem::path dir_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<Api> api_;
};

// A scenario named by a relative path from its own folder ("scenario.toml") is served under its
// folder's name, as from anywhere else, never under an empty id.
TEST(ApiNode, ScenarioIdFromItsFolderEvenWhenGivenRelative) {
  ASSERT_TRUE(ledger::crypto_init());
  const auto dir = std::filesystem::temp_directory_path() / ("corridor_api_scenario_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(std::string(CORRIDOR_DATA_DIR) + "/scenarios/karabakh-2023");
  NodeOptions o;
  o.store = "sqlite:" + (dir / "c.db").string();
  o.scenarios = {"scenario.toml"};
  auto n = Node::open(o);
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(n) << n.error().message;
  ASSERT_EQ((*n)->scenarios().size(), 1U);
  EXPECT_EQ((*n)->scenarios()[0]->id, "karabakh-2023");
  EXPECT_NE((*n)->scenario("karabakh-2023"), nullptr);
  n->reset();
  std::filesystem::remove_all(dir);
}

// A long job holds its slot while it computes (a second one is 503), and not while its result is
// written: a client that does not read holds no slot (issue 24, item 12).
TEST_F(ApiTest, ALongJobHoldsItsSlotWhileItComputesAndNotWhileItsResultIsWritten) {
  ServerOptions so;
  so.max_jobs = 1;
  Api api(*node_, so);
  std::atomic<bool> computed{false};
  RouteSpec spec;
  spec.method = "GET";
  spec.path = "/v1/test-job";
  spec.summary = "a job that computes until told";
  spec.tag = "system";
  spec.long_job = true;
  api.add(spec, [&api, &computed](Request&) -> core::Result<Reply> {
    return stream_job(api, [&computed](const std::atomic<bool>&, const std::function<void(Json)>&) -> core::Result<Writer> {
      while (!computed.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return whole(Json{{"done", true}});
    });
  });
  const auto ask = [&api] {
    Request r;
    r.method = "GET";
    r.path = "/v1/test-job";
    return api.handle(r);
  };
  Reply first = ask();
  ASSERT_TRUE(first.stream);
  EXPECT_EQ(api.jobs.load(), 1u);
  const Reply second = ask();
  EXPECT_EQ(second.status, 503);
  std::size_t slots_while_writing = 99;
  std::thread client([&] {
    (void)first.stream([&](const std::string& piece) {
      if (piece.find("done") != std::string::npos) slots_while_writing = api.jobs.load();
      return true;
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  EXPECT_EQ(api.jobs.load(), 1u);  // still computing
  computed = true;
  client.join();
  EXPECT_EQ(slots_while_writing, 0u);
  first = Reply{};
  EXPECT_EQ(api.jobs.load(), 0u);
  EXPECT_TRUE(ask().stream);
}

// The front frames a request exactly as the parser it feeds will read it, or refuses it: a bare
// LF, a folded line, a space before a colon or a Transfer-Encoding would let the two disagree on
// where a request ends (request smuggling; found by the review of issue 24 item 12).
TEST(Front, FramesOnlyWhatItsParserReadsTheSameWay) {
  const std::size_t kHead = 1024, kBody = 100;
  const auto f = [&](const std::string& bytes) { return frame(bytes, kHead, kBody); };
  const std::string get = "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_EQ(f(get).kind, Framing::kReady);
  EXPECT_EQ(f(get).size, get.size());
  EXPECT_TRUE(f(get).http11);
  EXPECT_EQ(f(get.substr(0, get.size() - 1)).kind, Framing::kNeedMore);
  EXPECT_EQ(f("").kind, Framing::kNeedMore);
  const std::string post = "POST /v1/reach HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  EXPECT_EQ(f(post).size, post.size());
  EXPECT_EQ(f(post + "GET").size, post.size());  // a pipelined request after it is not this one's
  EXPECT_EQ(f(post.substr(0, post.size() - 1)).kind, Framing::kNeedMore);
  for (const std::string& bad : {std::string("GET / HTTP/1.1\r\nFoo: bar\nContent-Length: 5\r\n\r\nhello"),
                                 std::string("GET / HTTP/1.1\nHost: x\r\n\r\n"),
                                 std::string("GET / HTTP/1.1\r\nHost: x\r\n Content-Length: 5\r\n\r\nhello"),
                                 std::string("GET / HTTP/1.1\r\nContent-Length : 5\r\n\r\nhello"),
                                 std::string("GET / HTTP/1.1\r\nFoo: a\rb\r\n\r\n"),
                                 std::string("GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                                 std::string("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
                                 std::string("GET / HTTP/1.1\r\n: x\r\n\r\n")}) {
    const Framing r = f(bad);
    EXPECT_EQ(r.kind, Framing::kRefuse) << bad;
    EXPECT_EQ(r.status, 400) << bad;
  }
  const Framing te = f("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(te.status, 411);
  // Limits, exactly at and one past: the body by its Content-Length, the head with the empty
  // lines before it.
  EXPECT_EQ(f("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n").kind, Framing::kNeedMore);
  EXPECT_EQ(f("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n").status, 413);
  std::string crlf;
  for (std::size_t i = 0; i < kHead / 2; ++i) crlf += "\r\n";
  EXPECT_EQ(f(crlf).kind, Framing::kNeedMore);
  EXPECT_EQ(f(crlf + "\r\n").status, 431);
  const Framing skipped = f("\r\n\r\n" + get);
  EXPECT_EQ(skipped.kind, Framing::kReady);
  EXPECT_EQ(skipped.skip, 4u);
  EXPECT_EQ(skipped.size, get.size());
  EXPECT_EQ(f(get.substr(0, get.size() - 4) + std::string(kHead, 'a')).status, 431);
  // Expect: 100-continue is answered by the front for HTTP/1.1 only, and its line located so that
  // the library does not answer it again.
  const std::string expect = "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";
  const Framing e = f(expect);
  EXPECT_TRUE(e.expects_continue);
  EXPECT_EQ(expect.substr(e.expect_at, e.expect_len), "Expect: 100-continue\r\n");
  std::string http10 = expect;
  http10.replace(http10.find("HTTP/1.1"), 8, "HTTP/1.0");
  EXPECT_FALSE(f(http10).expects_continue);
}

// Every route the server dispatches is in the OpenAPI document, and every operation in the
// document is a route the server dispatches: both come from one table, and this keeps it so.
TEST_F(ApiTest, TheOpenApiDocumentIsExactlyTheRouteTable) {
  const Json doc = api_->openapi();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  std::set<std::pair<std::string, std::string>> served, documented;
  for (const auto& r : api_->routes()) {
    std::string m = r.method;
    for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(served.insert({m, r.path}).second) << "twice: " << r.method << " " << r.path;
  }
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [m, op] : ops.items()) {
      documented.insert({m, path});
      EXPECT_TRUE(op.contains("responses") && op["responses"].contains("default")) << m << " " << path;
      // Every schema an operation names exists.
      const std::string text = op.dump();
      for (std::size_t at = text.find("#/components/schemas/"); at != std::string::npos;
           at = text.find("#/components/schemas/", at + 1)) {
        const auto end = text.find('"', at);
        const std::string name = text.substr(at + 21, end - at - 21);
        EXPECT_TRUE(doc["components"]["schemas"].contains(name)) << name << " in " << m << " " << path;
      }
    }
  }
  EXPECT_EQ(served, documented);
  EXPECT_GT(served.size(), 35u);
}

TEST_F(ApiTest, DispatchAuthenticatesAndNamesWhatIsWrong) {
  Reply r = call("GET", "/v1/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(r.body)["ledger"]["events"], 0);
  r = call("GET", "/v1/no/such");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Json::parse(r.body)["error"]["code"], "not_found");
  r = call("DELETE", "/v1/health");
  EXPECT_EQ(r.status, 405);
  r = call("GET", "/v1/consignments");  // members only
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers.front().first, "WWW-Authenticate");
  r = call("GET", "/v1/health", "", {{"__authorization", "Bearer " + std::string(64, 'a')}});
  EXPECT_EQ(r.status, 401);  // a token this node never issued
  r = call("GET", "/v1/health", "", {{"__authorization", "Basic x"}});
  EXPECT_EQ(r.status, 401);
  // A body that is not JSON, one of the wrong type, one with an unknown member, one too deep.
  r = call("POST", "/v1/regimes/cp/check", "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(Json::parse(r.body)["error"]["message"].get<std::string>().find("at byte"), std::string::npos);
  r = call("POST", "/v1/regimes/cp/check", R"({"declaration": {}, "at": 5})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json::parse(r.body)["error"]["pointer"], "/at");
  r = call("POST", "/v1/regimes/cp/check", R"({"declaration": {}, "extra": 1})");
  EXPECT_EQ(Json::parse(r.body)["error"]["pointer"], "/extra");
  r = call("POST", "/v1/regimes/cp/check", std::string(100, '[') + std::string(100, ']'));
  EXPECT_EQ(r.status, 413);
  r = call("POST", "/v1/reach", R"({"sources": "1,1", "places": "2,2"})");
  EXPECT_EQ(r.status, 404);  // no network on this node
}

TEST(Body, ReadsStrictlyAndPointsAtTheProblem) {
  const Json j = Json::parse(R"({"a": "x", "n": "7", "list": ["a", 3], "inner": {"k": true}})");
  Body b(j, "/top");
  EXPECT_EQ(**b.str("a", true), "x");
  auto n = b.num("n");
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().pointer, "/top/n");
  auto l = b.strings("list");
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().pointer, "/top/list/1");
  auto missing = b.str("gone", true);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().pointer, "/top/gone");
  auto others = b.no_others();
  ASSERT_FALSE(others);
  EXPECT_EQ(others.error().pointer, "/top/inner");
}

// A long job learns that its client left: the stream probes the connection (write("")) every 50 ms,
// the job's cancel flag is set, and the stream ends without a result.
TEST_F(ApiTest, AStreamedJobIsCancelledWhenTheClientGoesAway) {
  std::atomic<bool> saw_cancel{false};
  Reply r = stream_job(*api_, [&](const std::atomic<bool>& cancel, const std::function<void(Json)>& report) -> core::Result<Writer> {
    for (int i = 0; i < 2000 && !cancel.load(); ++i) {
      report({{"step", i}});
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    saw_cancel = cancel.load();
    return whole(Json{{"done", true}});
  });
  ASSERT_TRUE(r.stream);
  int probes = 0, writes = 0;
  const bool finished = r.stream([&](const std::string& chunk) {
    if (chunk.empty()) return ++probes < 3;  // the client goes away after two probes
    ++writes;
    return true;
  });
  EXPECT_FALSE(finished);
  EXPECT_TRUE(saw_cancel);
  EXPECT_EQ(probes, 3);
  EXPECT_EQ(writes, 0);  // no progress line (the first comes at 250 ms) and no result
  // One whose client stays gets progress lines, then its result, written in pieces; a client that
  // leaves in the middle of the result stops the writing.
  Reply slow = stream_job(*api_, [](const std::atomic<bool>&, const std::function<void(Json)>& report) -> core::Result<Writer> {
    report({{"step", 1}});
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    return Writer([](const std::function<bool(const std::string&)>& write) {
      for (int i = 0; i < 5; ++i) {
        if (!write(std::to_string(i))) return false;
      }
      return true;
    });
  });
  std::string all;
  EXPECT_TRUE(slow.stream([&](const std::string& c) {
    all += c;
    return true;
  }));
  EXPECT_NE(all.find("{\"progress\":{"), std::string::npos) << all;
  EXPECT_NE(all.find("\"step\":1"), std::string::npos) << all;
  EXPECT_EQ(all.substr(all.find("{\"result\"")), "{\"result\":01234}\n");
  std::string part;
  Reply again = stream_job(*api_, [](const std::atomic<bool>&, const std::function<void(Json)>&) -> core::Result<Writer> {
    return Writer([](const std::function<bool(const std::string&)>& write) {
      for (int i = 0; i < 5; ++i) {
        if (!write(std::to_string(i))) return false;
      }
      return true;
    });
  });
  int pieces = 0;
  EXPECT_FALSE(again.stream([&](const std::string& c) {
    if (c.empty()) return true;
    part += c;
    return ++pieces < 3;
  }));
  EXPECT_EQ(part, "{\"result\":01");
}

}  // namespace
}  // namespace corridor::api
