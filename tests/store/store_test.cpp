// The store contract, run against every backend: memory, SQLite (a real file) and PostgreSQL (a
// real server that ctest starts in a temporary folder: the `pg` fixture, scripts/pg-test-server;
// its admin URL comes in CORRIDOR_TEST_PG). Each test gets a store of its own: a new file, or a new
// database created on the server.
#include <gtest/gtest.h>
#include <pqxx/pqxx>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "ledger/event.h"
#include "ledger/merkle.h"
#include "rules/ledger.h"
#include "store/store.h"

// libpqxx 6.4 (Debian 12) leaks the PGresult of a statement that fails because the connection was
// lost: an allocation made and dropped inside the library, found by LeakSanitizer in the
// lost-connection test. Only leaks allocated within libpqxx are ignored; a connection or transaction
// object this code leaked would still be reported (it is allocated here, not there).
extern "C" const char* __lsan_default_suppressions() { return "leak:libpqxx-6.4.so\n"; }

namespace corridor::store {
namespace {

using ledger::Digest;
using ledger::Event;
using ledger::KeyPair;

std::string admin_url() {
  const char* u = std::getenv("CORRIDOR_TEST_PG");
  return u == nullptr ? std::string() : std::string(u);
}

// postgresql:///postgres?host=... -> postgresql:///NAME?host=...
std::string database_url(const std::string& admin, const std::string& name) {
  const auto slash = admin.find('/', admin.find("://") + 3);
  const auto q = admin.find('?', slash);
  return admin.substr(0, slash + 1) + name + (q == std::string::npos ? "" : admin.substr(q));
}

void admin_exec(const std::string& sql, const std::string& url = admin_url()) {
  pqxx::connection c(url);
  pqxx::nontransaction t(c);
  t.exec(sql);
}

// Runs SQL as the database's owner would, bypassing corridor: what an attacker with the
// database's credentials can do. True if the database accepted it.
bool raw_pg(const std::string& url, const std::string& sql) {
  try {
    admin_exec(sql, url);
    return true;
  } catch (const pqxx::sql_error&) {
    return false;
  }
}
bool raw_sqlite(const std::string& path, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open(path.c_str(), &h);
  const int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(h);
  return rc == SQLITE_OK;
}

Event event(std::uint64_t seq, const std::string& prev, const KeyPair& k, const std::string& subject = "s") {
  Event e;
  e.seq = seq;
  e.time = static_cast<core::UnixSeconds>(1'700'000'000 + seq);
  e.actor = "a";
  e.type = "t";
  e.subject = subject;
  // Quotes, backslashes and non-ASCII text must come back byte for byte.
  e.payload = "{\"i\":" + std::to_string(seq) + ",\"q\":\"it's \\\\ \\\"x\\\" Ստեփանակերտ / Xankəndi\"}";
  e.prev_hash = prev;
  ledger::seal(e, k.secret_key);
  return e;
}
std::vector<Event> chain(std::size_t n, const KeyPair& k) {
  std::vector<Event> all;
  std::string prev = ledger::kGenesisHash;
  for (std::uint64_t seq = 1; seq <= n; ++seq) {
    all.push_back(event(seq, prev, k));
    prev = all.back().hash;
  }
  return all;
}

// The root of the first n leaves, computed from the events alone (RFC 9162's recursion over perfect
// subtrees), apart from whatever a store keeps.
Digest reference_root(const std::vector<Event>& events, std::uint64_t n) {
  std::function<core::Result<Digest>(unsigned, std::uint64_t)> subtree = [&](unsigned level,
                                                                             std::uint64_t index) -> core::Result<Digest> {
    if (level == 0) return leaf_of(events.at(index));
    CORRIDOR_TRY(const Digest l, subtree(level - 1, 2 * index));
    CORRIDOR_TRY(const Digest r, subtree(level - 1, 2 * index + 1));
    return ledger::merkle::node_hash(l, r);
  };
  return *ledger::merkle::root(subtree, n);
}

std::string ParamName(const ::testing::TestParamInfo<std::string>& p) { return p.param; }

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ledger::crypto_init());
    const std::string& backend = GetParam();
    const std::string name = std::string("t") + std::to_string(::getpid()) + "_" +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::string safe;
    for (char c : name) safe += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
    if (backend == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / safe;
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      url_ = (dir_ / "c.db").string();
    } else if (backend == "postgresql") {
      ASSERT_FALSE(admin_url().empty()) << "CORRIDOR_TEST_PG is not set: run under ctest, whose `pg` fixture starts "
                                           "PostgreSQL (or set it to an admin URL of a server of yours)";
      db_ = safe.substr(0, 60);
      admin_exec("DROP DATABASE IF EXISTS \"" + db_ + "\"");
      admin_exec("CREATE DATABASE \"" + db_ + "\"");
      url_ = database_url(admin_url(), db_);
    }
    store_ = open_new();
  }
  void TearDown() override {
    store_.reset();
    other_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!db_.empty()) admin_exec("DROP DATABASE IF EXISTS \"" + db_ + "\" WITH (FORCE)");
  }
  std::unique_ptr<Store> open_new() {
    if (GetParam() == "memory") return std::make_unique<MemoryStore>();
    auto s = open(url_, OpenMode::kMigrate);
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }
  // A second connection to the same store (for memory: the same object).
  Store& second() {
    if (GetParam() == "memory") return *store_;
    if (!other_) {
      auto s = open(url_);
      EXPECT_TRUE(s) << s.error().message;
      other_ = std::move(*s);
    }
    return *other_;
  }
  bool raw(const std::string& sql) { return GetParam() == "sqlite" ? raw_sqlite(url_, sql) : raw_pg(url_, sql); }

  std::filesystem::path dir_;
  std::string db_, url_;
  std::unique_ptr<Store> store_, other_;
};

TEST_P(StoreContract, AppendsKeepTheTreeAtEverySizeAndRefuseWhatDoesNotContinue) {
  ASSERT_NE(store_, nullptr);
  const KeyPair k = ledger::generate_keypair();
  const auto all = chain(37, k);
  EXPECT_EQ(*store_->size(), 0u);
  EXPECT_TRUE(store_->append({}));  // nothing: no error, nothing stored
  EXPECT_EQ(*store_->size(), 0u);
  // The first append must be seq 1.
  EXPECT_EQ(store_->append(std::span(all).subspan(1, 1)).error().code, core::ErrorCode::kConflict);
  ASSERT_TRUE(store_->append(std::span(all).first(1)));
  ASSERT_TRUE(store_->append(std::span(all).subspan(1, 4)));
  ASSERT_TRUE(store_->append(std::span(all).subspan(5)));
  EXPECT_EQ(*store_->size(), 37u);
  // Again seq 4 (a replay), or seq 39 (a gap): refused, nothing changes.
  EXPECT_EQ(store_->append(std::span(all).subspan(3, 1)).error().code, core::ErrorCode::kConflict);
  const auto more = event(39, all.back().hash, k);
  EXPECT_EQ(store_->append(std::span(&more, 1)).error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(*store_->size(), 37u);
  auto nodes = [&](unsigned l, std::uint64_t i) { return store_->tree_node(l, i); };
  for (std::uint64_t n = 1; n <= all.size(); ++n) EXPECT_EQ(*ledger::merkle::root(nodes, n), reference_root(all, n)) << n;
  // Reading back: every byte, from the first, a middle and the last event, and beyond the end.
  for (std::uint64_t from : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{19}, std::uint64_t{37}, std::uint64_t{38}}) {
    std::vector<Event> got;
    ASSERT_TRUE(store_->scan(from, [&](const Event& e) {
      got.push_back(e);
      return true;
    }));
    const std::size_t skip = from == 0 ? 0 : from - 1;
    ASSERT_EQ(got.size(), all.size() - std::min<std::size_t>(skip, all.size())) << from;
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], all[skip + i]) << from << " " << i;
  }
  // A scan stops when asked.
  std::size_t seen = 0;
  ASSERT_TRUE(store_->scan(1, [&](const Event&) { return ++seen < 3; }));
  EXPECT_EQ(seen, 3u);
  EXPECT_EQ(store_->tree_node(0, 37).error().code, core::ErrorCode::kCorrupt);  // no leaf 38
  EXPECT_EQ(store_->tree_node(6, 0).error().code, core::ErrorCode::kCorrupt);   // 37 < 64: no such subtree
}

TEST_P(StoreContract, AFailedWriteLeavesNothingBehind) {
  ASSERT_NE(store_, nullptr);
  const KeyPair k = ledger::generate_keypair();
  const auto all = chain(3, k);
  ASSERT_TRUE(store_->append(std::span(all).first(1)));
  auto r = store_->write([&]() -> core::Result<void> {
    CORRIDOR_CHECK(store_->append(std::span(all).subspan(1)));
    CORRIDOR_CHECK(store_->set_note("x", "1"));
    CORRIDOR_CHECK(store_->upsert("k", {"a", "open", "{}"}, 3));
    EXPECT_EQ(*store_->size(), 3u);  // the transaction sees its own writes
    return core::fail(core::ErrorCode::kInternal, "abandon");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "abandon");
  EXPECT_EQ(*store_->size(), 1u);
  EXPECT_FALSE(*store_->note("x"));
  EXPECT_TRUE(store_->rows("k")->empty());
  EXPECT_EQ(*store_->projected_seq("k"), 0u);
  // The store goes on from where it was.
  ASSERT_TRUE(store_->append(std::span(all).subspan(1)));
  EXPECT_EQ(*store_->size(), 3u);
  auto nodes = [&](unsigned l, std::uint64_t i) { return store_->tree_node(l, i); };
  EXPECT_EQ(*ledger::merkle::root(nodes, 3), reference_root(all, 3));
}

TEST_P(StoreContract, ProjectionsAndNotesAreKeptReplacedAndReadInOrder) {
  ASSERT_NE(store_, nullptr);
  EXPECT_TRUE(store_->rows("none")->empty());
  EXPECT_EQ(*store_->projected_seq("none"), 0u);
  EXPECT_FALSE(*store_->note("missing"));
  ASSERT_TRUE(store_->upsert("c", {"b", "declared", R"({"x":1})"}, 4));
  ASSERT_TRUE(store_->upsert("c", {"a", "crossed", R"({"y":"Ստեփանակերտ"})"}, 5));
  ASSERT_TRUE(store_->upsert("c", {"b", "notified", R"({"x":2})"}, 6));  // the same id again: replaced
  ASSERT_TRUE(store_->upsert("d", {"z", "s", "{}"}, 1));
  const std::vector<ProjectionRow> want{{"a", "crossed", R"({"y":"Ստեփանակերտ"})"}, {"b", "notified", R"({"x":2})"}};
  EXPECT_EQ(*store_->rows("c"), want);
  EXPECT_EQ(*store_->projected_seq("c"), 6u);
  ASSERT_TRUE(store_->set_projected_seq("c", 9));
  EXPECT_EQ(*store_->projected_seq("c"), 9u);
  ASSERT_TRUE(store_->replace_all("c", {{"q", "x", "{}"}}, 10));
  EXPECT_EQ(*store_->rows("c"), (std::vector<ProjectionRow>{{"q", "x", "{}"}}));
  EXPECT_EQ(store_->rows("d")->size(), 1u);  // another kind untouched
  ASSERT_TRUE(store_->replace_all("c", {}, 11));  // empty: every row gone
  EXPECT_TRUE(store_->rows("c")->empty());
  ASSERT_TRUE(store_->set_note("k", "one"));
  ASSERT_TRUE(store_->set_note("k", "two"));
  ASSERT_TRUE(store_->set_note("empty", ""));
  EXPECT_EQ(**store_->note("k"), "two");
  EXPECT_EQ(**store_->note("empty"), "");
}

TEST_P(StoreContract, ScansAndBatchesAcrossEveryBoundary) {
  ASSERT_NE(store_, nullptr);
  // 5,460 events: past the fifth page the PostgreSQL store reads from seq 1 (pages of 16, 64, 256,
  // 1,024 and at most 4,096 events end at 16, 80, 336, 1,360 and 5,456) and past a tree of 2^12;
  // appended in one batch larger than its rows per INSERT, then one more alone.
  const KeyPair k = ledger::generate_keypair();
  const std::uint64_t total = 5460;
  const auto all = chain(total, k);
  ASSERT_TRUE(store_->append(std::span(all).first(total - 1)));
  ASSERT_TRUE(store_->append(std::span(all).subspan(total - 1)));
  for (std::uint64_t from : {1, 16, 17, 80, 81, 1360, 1361, 4096, 4097, 5456, 5457, 5460}) {
    std::uint64_t next = from, count = 0;
    ASSERT_TRUE(store_->scan(from, [&](const Event& e) {
      EXPECT_EQ(e.seq, next++);
      EXPECT_EQ(e.hash, all[e.seq - 1].hash);
      ++count;
      return true;
    }));
    EXPECT_EQ(count, total + 1 - from) << from;
  }
  auto nodes = [&](unsigned l, std::uint64_t i) { return store_->tree_node(l, i); };
  for (std::uint64_t n : {std::uint64_t{1}, std::uint64_t{4095}, std::uint64_t{4096}, std::uint64_t{4097}, std::uint64_t{4098}}) {
    EXPECT_EQ(*ledger::merkle::root(nodes, n), reference_root(all, n)) << n;
  }
}

// A party registering itself in an open ledger: the signer and its draft.
std::pair<ledger::Signer, rules::Ledger::Draft> registration(const std::string& name, core::UnixSeconds at) {
  ledger::Signer who{name, "sender", ledger::generate_keypair()};
  return {who, {rules::kPartyRegistered, name,
                R"({"name":")" + name + R"(","role":"sender","public_key":")" + ledger::to_hex(who.keys.public_key) + "\"}", at}};
}

TEST_P(StoreContract, TwoConnectionsRacingNeverWriteOneSeqTwice) {
  ASSERT_NE(store_, nullptr);
  // Two ledgers on two connections (two processes, as far as the store can tell).
  auto a = rules::Ledger::open(*store_);
  ASSERT_TRUE(a) << a.error().message;
  auto b = rules::Ledger::open(second());
  ASSERT_TRUE(b) << b.error().message;
  // Eight appends from each side, interleaved, each building on a state the other has moved:
  // every one lands once, in order (each write catches up inside its transaction).
  for (int i = 0; i < 8; ++i) {
    for (auto* l : {&*a, &*b}) {
      auto [who, draft] = registration("p" + std::to_string(i) + (l == &*a ? "a" : "b"), 1'700'000'000 + i);
      auto r = l->append(who, draft);
      ASSERT_TRUE(r) << r.error().message;
    }
  }
  EXPECT_EQ(*store_->size(), 16u);
  // An event prepared (for a client to sign) on one side, after which the other side appends:
  // the signed event no longer continues the log and is refused, never written as a second seq 17.
  auto [late, late_draft] = registration("late", 1'700'000'100);
  auto p = a->prepare("late", late_draft);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->seq, 17u);
  auto [first, first_draft] = registration("first", 1'700'000'101);
  ASSERT_TRUE(b->append(first, first_draft));
  Event e = *p;
  ledger::sign_hash(e, late.keys.secret_key);
  auto refused = a->append_signed(e);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kConflict) << refused.error().message;
  EXPECT_EQ(*store_->size(), 17u);
  auto again = rules::Ledger::open(*store_, {true, nullptr, std::nullopt});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->state().violations.empty());
  EXPECT_TRUE(again->state().member("first") != nullptr);
  EXPECT_TRUE(again->state().member("late") == nullptr);
  ASSERT_TRUE(again->check_stored_tree());
}

TEST(Refresh, ALogCutShortUnderARunningNodeIsCaughtNotServedStale) {
  // An operator with write access to the store cuts the last events while a server runs: the
  // next request's catch-up must refuse the store, not keep serving (and signing heads over) the
  // events it no longer holds.
  ASSERT_TRUE(ledger::crypto_init());
  MemoryStore store;
  auto l = rules::Ledger::open(store);
  ASSERT_TRUE(l);
  for (int i = 0; i < 3; ++i) {
    auto [who, draft] = registration("p" + std::to_string(i), 1'700'000'000 + i);
    ASSERT_TRUE(l->append(who, draft));
  }
  ASSERT_TRUE(l->refresh());
  store.events().resize(2);
  auto r = l->refresh();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kCorrupt);
  EXPECT_NE(r.error().message.find("event 3 is missing"), std::string::npos) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::Values("memory", "sqlite", "postgresql"),
                         ParamName);

// ---- the databases' own rules (memory has none: tests tamper with it directly) ---------------------

class Database : public StoreContract {};

TEST_P(Database, RefusesRewritesDeletionsAndGapsWhoeverConnects) {
  ASSERT_NE(store_, nullptr);
  const KeyPair k = ledger::generate_keypair();
  const auto all = chain(5, k);
  ASSERT_TRUE(store_->append(all));
  // The first and the last event, and the tree.
  EXPECT_FALSE(raw("UPDATE events SET payload = '{}' WHERE seq = 1"));
  EXPECT_FALSE(raw("UPDATE events SET payload = '{}' WHERE seq = 5"));
  EXPECT_FALSE(raw("DELETE FROM events WHERE seq = 1"));
  EXPECT_FALSE(raw("DELETE FROM events WHERE seq = 5"));
  EXPECT_FALSE(raw("DELETE FROM tree_nodes"));
  EXPECT_FALSE(raw("UPDATE tree_nodes SET idx = idx + 100"));
  if (GetParam() == "postgresql") {
    EXPECT_FALSE(raw("TRUNCATE events"));
    EXPECT_FALSE(raw("TRUNCATE tree_nodes"));
    // Inserted by hand: a gap, a replayed seq, and a next event that does not chain.
    Event gap = event(7, all.back().hash, k);
    Event wrong = event(6, all[2].hash, k);
    auto ins = [&](const Event& e) {
      return raw("INSERT INTO events (seq, time, actor, type, subject, payload, prev_hash, hash, signature) VALUES (" +
                 std::to_string(e.seq) + ", 0, 'a', 't', 's', '{}', '" + e.prev_hash + "', '" + e.hash + "', '" + e.signature + "')");
    };
    EXPECT_FALSE(ins(gap));
    EXPECT_FALSE(ins(all[0]));
    EXPECT_FALSE(ins(wrong));
    EXPECT_TRUE(ins(event(6, all.back().hash, k)));  // the honest next event is accepted by the database
  }
  std::vector<Event> got;
  ASSERT_TRUE(store_->scan(1, [&](const Event& e) {
    got.push_back(e);
    return got.size() < 5;
  }));
  EXPECT_EQ(got, all);
}

INSTANTIATE_TEST_SUITE_P(Backends, Database, ::testing::Values("sqlite", "postgresql"),
                         ParamName);

// ---- what only one backend has ---------------------------------------------------------------------

class Postgres : public StoreContract {};

TEST_P(Postgres, OnlyMigrateChangesTheSchemaAndANewerSchemaIsRefused) {
  ASSERT_NE(store_, nullptr);
  const std::string fresh = db_ + "_f";
  admin_exec("DROP DATABASE IF EXISTS \"" + fresh + "\"");
  admin_exec("CREATE DATABASE \"" + fresh + "\"");
  const std::string url = database_url(admin_url(), fresh);
  for (auto mode : {OpenMode::kExisting, OpenMode::kCreate}) {
    auto s = open(url, mode);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, core::ErrorCode::kNotFound);
    EXPECT_NE(s.error().message.find("corridor store migrate"), std::string::npos) << s.error().message;
  }
  ASSERT_TRUE(open(url, OpenMode::kMigrate));
  ASSERT_TRUE(open(url, OpenMode::kMigrate));  // twice: nothing to do
  ASSERT_TRUE(open(url, OpenMode::kExisting));
  ASSERT_TRUE(raw_pg(url, "INSERT INTO schema_migrations (version) VALUES (" + std::to_string(postgres_schema_version() + 1) + ")"));
  auto newer = open(url, OpenMode::kMigrate);
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code, core::ErrorCode::kVersion);
  admin_exec("DROP DATABASE \"" + fresh + "\" WITH (FORCE)");
  // A server that is not there: unavailable, naming the URL without its password.
  auto none = open("postgresql://corridor:s3cret@/nowhere?host=/nonexistent&connect_timeout=2");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(none.error().message.find("s3cret"), std::string::npos) << none.error().message;
  EXPECT_NE(none.error().message.find("postgresql://corridor:***@/nowhere"), std::string::npos) << none.error().message;
}

TEST_P(Postgres, ALostConnectionIsUnavailableOnceThenMadeAgain) {
  ASSERT_NE(store_, nullptr);
  const KeyPair k = ledger::generate_keypair();
  const auto all = chain(3, k);
  ASSERT_TRUE(store_->append(std::span(all).first(1)));
  // The server ends every session of this database (as a restart or a failover would).
  admin_exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db_ + "' AND pid <> pg_backend_pid()");
  auto lost = store_->append(std::span(all).subspan(1, 1));
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, core::ErrorCode::kUnavailable) << lost.error().message;
  // The next call connects again; nothing of the refused append was stored.
  EXPECT_EQ(*store_->size(), 1u);
  // Lost in the middle of a write transaction (what a server sees when the database restarts
  // under it): unavailable, and the transaction ends before the connection it runs on is replaced.
  auto mid = store_->write([&]() -> core::Result<void> {
    CORRIDOR_TRY(const std::uint64_t n, store_->size());
    EXPECT_EQ(n, 1u);
    admin_exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db_ + "' AND pid <> pg_backend_pid()");
    return store_->append(std::span(all).subspan(1, 1));
  });
  ASSERT_FALSE(mid);
  EXPECT_EQ(mid.error().code, core::ErrorCode::kUnavailable) << mid.error().message;
  EXPECT_EQ(*store_->size(), 1u);
  ASSERT_TRUE(store_->append(std::span(all).subspan(1)));
  EXPECT_EQ(*store_->size(), 3u);
}

TEST(Urls, PasswordsAreNeverShownAndUnknownSchemesRefused) {
  EXPECT_EQ(redact("postgresql://u:pw@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(redact("postgres://u@h/db?password=pw&sslmode=require"), "postgres://u@h/db?password=***&sslmode=require");
  EXPECT_EQ(redact("postgresql:///db?host=/run/postgresql&password=pw"), "postgresql:///db?host=/run/postgresql&password=***");
  EXPECT_EQ(redact("postgresql://h/db"), "postgresql://h/db");
  EXPECT_EQ(redact("corridor.db"), "corridor.db");
  EXPECT_TRUE(is_postgres_url("postgres://x"));
  EXPECT_FALSE(is_postgres_url("sqlite:postgres://x"));
  auto bad = open("mysql://u:pw@h/db");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message.find("mysql://u:pw"), std::string::npos);
  EXPECT_EQ(open("").error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(open("sqlite:/nonexistent/dir/x.db").error().code, core::ErrorCode::kNotFound);
}

class Sqlite : public StoreContract {};

TEST_P(Sqlite, OpensOnlyWhatExistsBuildsAMissingTreeAndRefusesJunk) {
  ASSERT_NE(store_, nullptr);
  const std::string none = (dir_ / "none.db").string();
  EXPECT_EQ(open_sqlite(none).error().code, core::ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(none));
  const KeyPair k = ledger::generate_keypair();
  const auto all = chain(37, k);
  ASSERT_TRUE(store_->append(all));
  store_.reset();
  // A store written before the tree existed (schema 2) gets its tree when opened.
  ASSERT_TRUE(raw("DROP TRIGGER tree_nodes_no_delete; DELETE FROM tree_nodes; DELETE FROM notes;"));
  auto s = open(url_);
  ASSERT_TRUE(s) << s.error().message;
  auto nodes = [&](unsigned l, std::uint64_t i) { return (*s)->tree_node(l, i); };
  for (std::uint64_t n = 1; n <= all.size(); ++n) EXPECT_EQ(*ledger::merkle::root(nodes, n), reference_root(all, n)) << n;
  // A file that is not a database is an error, not a crash or a new store.
  const std::string junk = (dir_ / "junk.db").string();
  std::ofstream(junk) << "this is not a database, it is just text that goes on long enough to fill a header page";
  auto bad = open_sqlite(junk);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::kCorrupt);
}

INSTANTIATE_TEST_SUITE_P(Backend, Sqlite, ::testing::Values("sqlite"), ParamName);
INSTANTIATE_TEST_SUITE_P(Backend, Postgres, ::testing::Values("postgresql"), ParamName);

}  // namespace
}  // namespace corridor::store
