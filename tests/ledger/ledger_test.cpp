#include <gtest/gtest.h>

#include <filesystem>
#include <sqlite3.h>

#include "ledger/event.h"
#include "store/store.h"

namespace corridor::ledger {
namespace {

Signer party(const std::string& name, const std::string& role) {
  EXPECT_TRUE(crypto_init());
  return Signer{name, role, generate_keypair()};
}

// A small ledger: two parties and three events.
struct Fixture {
  store::MemoryStore store;
  Signer icrc = party("icrc", "sender");
  Signer customs = party("customs", "checkpoint");
  std::vector<Event> events;

  Fixture() {
    auto l = Ledger::open(store);
    EXPECT_TRUE(l);
    events.push_back(*l->register_party(icrc, 1000));
    events.push_back(*l->register_party(customs, 1001));
    events.push_back(*l->append(icrc, "consignment.declared", "c-1", R"({"tonnes": 20, "items": ["flour"]})", 1002));
    events.push_back(*l->append(customs, "consignment.approved", "c-1", R"({"by":"customs"})", 1003));
    events.push_back(*l->append(icrc, "consignment.crossed", "c-1", "{}", 1004));
  }
};

TEST(Crypto, SignsVerifiesAndRejectsForgeries) {
  ASSERT_TRUE(crypto_init());
  const KeyPair k = generate_keypair(), other = generate_keypair();
  const Digest d = sha256("corridor");
  EXPECT_EQ(to_hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2
  const Signature s = sign(k.secret_key, d);
  EXPECT_TRUE(verify(k.public_key, d, s));
  EXPECT_FALSE(verify(other.public_key, d, s));
  Signature bent = s;
  bent[5] ^= 1;
  EXPECT_FALSE(verify(k.public_key, d, bent));
  EXPECT_FALSE(verify(k.public_key, sha256("corridor!"), s));
  EXPECT_TRUE(from_hex<32>(to_hex(k.public_key), "k"));
  EXPECT_FALSE(from_hex<32>("zz", "k"));
  EXPECT_FALSE(from_hex<32>(std::string(64, 'g'), "k"));
}

TEST(Ledger, ChainsSignsAndVerifies) {
  Fixture f;
  EXPECT_EQ(f.events[0].prev_hash, kGenesisHash);
  for (std::size_t i = 1; i < f.events.size(); ++i) EXPECT_EQ(f.events[i].prev_hash, f.events[i - 1].hash);
  EXPECT_EQ(f.events[2].payload, R"({"items":["flour"],"tonnes":20})");  // canonical
  const auto r = verify_journal(f.store, nullptr);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok()) << r->reason;
  EXPECT_EQ(r->events, 5u);
  // Reopening reads the parties back.
  auto l = Ledger::open(f.store);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->parties().size(), 2u);
  EXPECT_EQ(l->parties().at("customs").role, "checkpoint");
  EXPECT_EQ(l->last_seq(), 5u);
}

TEST(Ledger, RefusesUnknownPartiesWrongKeysAndBadPayloads) {
  Fixture f;
  auto l = Ledger::open(f.store);
  ASSERT_TRUE(l);
  const Signer stranger = party("stranger", "sender");
  auto r = l->append(stranger, "consignment.declared", "c-2", "{}", 2000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kNotFound);
  Signer impostor = f.icrc;
  impostor.keys = generate_keypair();
  r = l->append(impostor, "consignment.declared", "c-2", "{}", 2000);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not the one it registered"), std::string::npos);
  r = l->append(f.icrc, "consignment.declared", "c-2", "{not json", 2000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kParse);
  EXPECT_FALSE(l->register_party(f.icrc, 2000));          // twice
  EXPECT_FALSE(l->register_party(party("x", "king"), 2000));  // unknown role
  EXPECT_EQ(f.store.events().size(), 5u);  // nothing was stored by any refusal
}

// Every kind of tampering is caught, at the first event it touches.
TEST(Ledger, TamperingIsFoundAtTheFirstBadSeq) {
  auto check = [](const std::function<void(std::vector<Event>&)>& tamper, std::uint64_t want_seq) {
    Fixture f;
    tamper(f.store.events());
    const auto r = verify_journal(f.store, nullptr);
    ASSERT_TRUE(r);
    ASSERT_FALSE(r->ok());
    EXPECT_EQ(*r->first_bad_seq, want_seq) << r->reason;
  };
  check([](auto& ev) { ev[2].payload = R"({"items":["flour"],"tonnes":200})"; }, 3);   // edit
  check([](auto& ev) { ev[3].time += 1; }, 4);                                          // edit metadata
  check([](auto& ev) { ev.erase(ev.begin() + 2); }, 3);                                 // delete
  check([](auto& ev) { ev.insert(ev.begin() + 3, ev[2]); }, 4);                         // insert a copy
  check([](auto& ev) { std::swap(ev[2], ev[3]); }, 3);                                  // reorder
  check([](auto& ev) { std::swap(ev[2].seq, ev[3].seq); std::swap(ev[2], ev[3]); }, 3);  // reorder, renumbered
  check([](auto& ev) { ev[4].signature[10] = ev[4].signature[10] == 'a' ? 'b' : 'a'; }, 5);  // forged signature
  check([](auto& ev) { ev[4].actor = "customs"; }, 5);                                  // wrong actor
  check([](auto& ev) { ev.pop_back(); ev.pop_back(); ev.push_back(ev[0]); ev.back().seq = 4; }, 4);  // replay
  // Rewriting an event and re-hashing it does not help without the actor's key.
  check([](auto& ev) {
    ev[2].payload = R"({"tonnes":1})";
    ev[2].hash = to_hex(sha256(canonical_bytes(ev[2])));
  }, 3);
}

TEST(Ledger, PinnedKeysRejectASubstitutedRegistration) {
  Fixture f;
  std::map<std::string, PublicKey> pinned{{"icrc", generate_keypair().public_key}};
  const auto r = verify_journal(f.store, &pinned);
  ASSERT_FALSE(r->ok());
  EXPECT_EQ(*r->first_bad_seq, 1u);
}

TEST(Ledger, ExportImportAndForks) {
  Fixture f;
  std::vector<Event> exported;
  for (const auto& e : f.store.events()) {
    auto back = from_json_line(to_json_line(e), "line");
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, e);
    exported.push_back(*back);
  }
  // A node holding the first three events takes the rest.
  store::MemoryStore other;
  other.events().assign(exported.begin(), exported.begin() + 3);
  auto l = Ledger::open(other);
  ASSERT_TRUE(l);
  auto added = l->import(exported);
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(*added, 2u);
  EXPECT_EQ(other.events().size(), 5u);
  // A node whose third event differs refuses the import: a fork.
  Fixture g;  // a different history (other keys, same shape)
  store::MemoryStore forked;
  forked.events().assign(exported.begin(), exported.begin() + 2);
  auto lf = Ledger::open(forked);
  ASSERT_TRUE(lf);
  ASSERT_TRUE(lf->append(f.customs, "consignment.rejected", "c-1", "{}", 1002));
  const auto refused = lf->import(exported);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("forks this ledger at seq 3"), std::string::npos);
  EXPECT_EQ(forked.events().size(), 3u);
  // A tampered export is refused whole.
  auto bad = exported;
  bad[4].payload = R"({"x":1})";
  store::MemoryStore empty;
  auto le = Ledger::open(empty);
  ASSERT_FALSE(le->import(bad));
  EXPECT_TRUE(empty.events().empty());
}

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("corridor_sqlite_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "corridor.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  int raw(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc;
  }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqliteTest, PersistsRefusesUpdatesAndFindsTampering) {
  const Signer icrc = party("icrc", "sender");
  {
    auto s = store::open_sqlite(path_);
    ASSERT_TRUE(s) << s.error().message;
    auto l = Ledger::open(**s);
    ASSERT_TRUE(l);
    ASSERT_TRUE(l->register_party(icrc, 1));
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(l->append(icrc, "note", "n", "{\"i\":" + std::to_string(i) + "}", 2 + i));
  }
  auto s = store::open_sqlite(path_);  // reopen: migrations already applied, data kept
  ASSERT_TRUE(s);
  auto r = verify_journal(**s, nullptr);
  ASSERT_TRUE(r->ok());
  EXPECT_EQ(r->events, 21u);
  EXPECT_NE(raw("UPDATE events SET payload = '{}' WHERE seq = 5"), SQLITE_OK);
  EXPECT_NE(raw("DELETE FROM events WHERE seq = 5"), SQLITE_OK);
  // Someone with write access to the file drops the triggers and edits a row: verify names it.
  ASSERT_EQ(raw("DROP TRIGGER events_no_update; UPDATE events SET payload = '{\"i\":99}' WHERE seq = 7"), SQLITE_OK);
  s = store::open_sqlite(path_);
  r = verify_journal(**s, nullptr);
  ASSERT_FALSE(r->ok());
  EXPECT_EQ(*r->first_bad_seq, 7u);
  auto l = Ledger::open(**s);
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().code, core::ErrorCode::kCorrupt);
}

TEST_F(SqliteTest, RefusesAppendsThatDoNotContinueTheChainAndForeignFiles) {
  auto s = store::open_sqlite(path_);
  ASSERT_TRUE(s);
  Event e;
  e.seq = 2;
  e.payload = "{}";
  ASSERT_FALSE((*s)->append({&e, 1}));
  auto last = (*s)->last();
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->has_value());
  const auto junk = (dir_ / "junk.db").string();
  FILE* fp = std::fopen(junk.c_str(), "w");
  std::fputs("this is not a database, it is just text that goes on long enough to fill a header page", fp);
  std::fclose(fp);
  const auto bad = store::open_sqlite(junk);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace corridor::ledger
