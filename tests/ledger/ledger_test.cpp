#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>

#include "ledger/event.h"
#include "ledger/head.h"
#include "ledger/merkle.h"
#include "store/store.h"

namespace corridor::ledger {
namespace {

std::vector<std::uint8_t> unhex(const std::string& h) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

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

TEST(Events, CanonicalBytesAreTheSortedJsonObjectAndLinesRoundTrip) {
  ASSERT_TRUE(crypto_init());
  Event e;
  e.seq = 7;
  e.time = -5;
  e.actor = "icrc";
  e.type = "consignment.declared";
  e.subject = "c-\"1\"\n";
  e.payload = *canonical_json(R"({"b": [1, 2], "a": "é"})", "payload");
  e.prev_hash = std::string(64, 'a');
  EXPECT_EQ(e.payload, R"({"a":"é","b":[1,2]})");
  EXPECT_EQ(canonical_bytes(e),
            R"({"actor":"icrc","payload":{"a":"é","b":[1,2]},"prev_hash":")" + e.prev_hash +
                R"(","seq":7,"subject":"c-\"1\"\n","time":-5,"type":"consignment.declared"})");
  const KeyPair k = generate_keypair();
  seal(e, k.secret_key);
  EXPECT_TRUE(verify(k.public_key, *from_hex<32>(e.hash, "h"), *from_hex<64>(e.signature, "s")));
  auto back = from_json_line(to_json_line(e), "line");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, e);
  // A line with a field events do not have is refused, as is one nested too deep.
  EXPECT_FALSE(from_json_line(to_json_line(e).substr(0, to_json_line(e).size() - 1) + R"(,"zz":1})", "line"));
  const std::string deep = R"({"seq":1,"payload":)" + std::string(70, '[') + std::string(70, ']') + "}";
  auto r = from_json_line(deep, "line");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kLimit);
}

class Files : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("corridor_ledger_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

// A damaged key file is refused without quoting any of it: the message must not carry the secret.
TEST_F(Files, DamagedKeyFilesNeverQuoteTheSecret) {
  ASSERT_TRUE(crypto_init());
  const Signer s{"icrc", "sender", generate_keypair()};
  ASSERT_TRUE(write_key_file(s, path("k.key")));
  EXPECT_FALSE(write_key_file(s, path("k.key")));  // never overwritten
  std::ifstream in(path("k.key"));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string seed = to_hex(s.keys.secret_key).substr(0, 64);
  // Every 8-digit window of the seed: none may appear in any message.
  auto leaks = [&](const std::string& msg) {
    for (std::size_t i = 0; i + 8 <= seed.size(); ++i) {
      if (msg.find(seed.substr(i, 8)) != std::string::npos) return true;
    }
    return false;
  };
  for (std::size_t cut : {1ul, 50ul, 120ul, 200ul, text.size() - 3}) {
    std::ofstream(path("cut.key"), std::ios::trunc) << text.substr(0, cut);
    auto r = read_key_file(path("cut.key"));
    ASSERT_FALSE(r) << cut;
    EXPECT_FALSE(leaks(r.error().message)) << r.error().message;
  }
  std::string flipped = text;
  flipped[flipped.find("secret_key") + 20] = 'x';
  std::ofstream(path("bad.key"), std::ios::trunc) << flipped;
  auto r = read_key_file(path("bad.key"));
  ASSERT_FALSE(r);
  EXPECT_FALSE(leaks(r.error().message)) << r.error().message;
  EXPECT_FALSE(read_key_file(dir_.string()));  // a directory
  EXPECT_FALSE(read_key_file(path("none.key")));
}

// ---- the Merkle tree ------------------------------------------------------------------------------

// RFC 9162's definitions written out as recursion over the leaf data, independent of merkle.cpp.
Digest ref_leaf(const std::vector<std::uint8_t>& data) {
  std::string bytes(1, '\0');
  bytes.append(data.begin(), data.end());
  return sha256(bytes);
}
Digest ref_node(const Digest& l, const Digest& r) {
  std::string bytes(1, '\x01');
  bytes.append(l.begin(), l.end());
  bytes.append(r.begin(), r.end());
  return sha256(bytes);
}
std::size_t ref_split(std::size_t n) {
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
Digest ref_mth(const std::vector<Digest>& leaves, std::size_t lo, std::size_t hi) {
  if (hi - lo == 0) return sha256("");
  if (hi - lo == 1) return leaves[lo];
  const std::size_t k = ref_split(hi - lo);
  return ref_node(ref_mth(leaves, lo, lo + k), ref_mth(leaves, lo + k, hi));
}
std::vector<Digest> ref_path(std::size_t m, const std::vector<Digest>& leaves, std::size_t lo, std::size_t hi) {
  if (hi - lo <= 1) return {};
  const std::size_t k = ref_split(hi - lo);
  std::vector<Digest> out;
  if (m < k) {
    out = ref_path(m, leaves, lo, lo + k);
    out.push_back(ref_mth(leaves, lo + k, hi));
  } else {
    out = ref_path(m - k, leaves, lo + k, hi);
    out.push_back(ref_mth(leaves, lo, lo + k));
  }
  return out;
}
std::vector<Digest> ref_subproof(std::size_t m, const std::vector<Digest>& leaves, std::size_t lo, std::size_t hi, bool b) {
  const std::size_t n = hi - lo;
  if (m == n) return b ? std::vector<Digest>{} : std::vector<Digest>{ref_mth(leaves, lo, hi)};
  const std::size_t k = ref_split(n);
  std::vector<Digest> out;
  if (m <= k) {
    out = ref_subproof(m, leaves, lo, lo + k, b);
    out.push_back(ref_mth(leaves, lo + k, hi));
  } else {
    out = ref_subproof(m - k, leaves, lo + k, hi, false);
    out.push_back(ref_mth(leaves, lo, lo + k));
  }
  return out;
}

// A node source over a list of leaf hashes, computing perfect subtrees the reference way.
merkle::NodeSource source(const std::vector<Digest>& leaves) {
  return [&leaves](unsigned level, std::uint64_t index) -> core::Result<Digest> {
    const std::size_t lo = index << level, hi = (index + 1) << level;
    if (hi > leaves.size()) return core::fail(core::ErrorCode::kInternal, "beyond the leaves");
    return ref_mth(leaves, lo, hi);
  };
}

const std::vector<std::string> kVectorLeaves{"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                             "606162636465666768696a6b6c6d6e6f"};
// Roots of the trees of the first 1..8 leaves above (RFC 6962 / 9162 test data, as the
// certificate-transparency reference implementation publishes them).
const std::vector<std::string> kVectorRoots{
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

TEST(Merkle, MatchesTheRfcTestVectors) {
  ASSERT_TRUE(crypto_init());
  std::vector<Digest> leaves;
  merkle::Frontier f;
  EXPECT_EQ(to_hex(merkle::empty_root()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(f.root(), merkle::empty_root());
  for (std::size_t n = 0; n < kVectorLeaves.size(); ++n) {
    const auto data = unhex(kVectorLeaves[n]);
    leaves.push_back(merkle::leaf_hash(data));
    EXPECT_EQ(leaves.back(), ref_leaf(data));
    f.push(leaves.back());
    EXPECT_EQ(to_hex(f.root()), kVectorRoots[n]) << "size " << n + 1;
    EXPECT_EQ(to_hex(*merkle::root(source(leaves), n + 1)), kVectorRoots[n]);
  }
  // Inclusion and consistency proofs published with the same data.
  const auto path = *merkle::inclusion_proof(source(leaves), 0, 8);
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(to_hex(path[0]), "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
  EXPECT_EQ(to_hex(path[1]), "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e");
  EXPECT_EQ(to_hex(path[2]), "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
  const auto path5 = *merkle::inclusion_proof(source(leaves), 5, 8);
  EXPECT_EQ(to_hex(path5[0]), "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
  EXPECT_EQ(to_hex(path5[1]), "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0");
  EXPECT_EQ(to_hex(path5[2]), "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
  const auto cons = *merkle::consistency_proof(source(leaves), 6, 8);
  ASSERT_EQ(cons.size(), 3u);
  EXPECT_EQ(to_hex(cons[0]), "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a");
  EXPECT_EQ(to_hex(cons[1]), "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0");
  EXPECT_EQ(to_hex(cons[2]), "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
  const auto cons25 = *merkle::consistency_proof(source(leaves), 2, 5);
  ASSERT_EQ(cons25.size(), 2u);
  EXPECT_EQ(to_hex(cons25[0]), "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e");
  EXPECT_EQ(to_hex(cons25[1]), "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
  EXPECT_TRUE(merkle::consistency_proof(source(leaves), 1, 1)->empty());
}

// Every proof for every tree size up to 70 equals the reference's and verifies; any bent hash,
// wrong index or wrong size fails. The first and the last leaf and sizes that are powers of two are
// all among them.
TEST(Merkle, ProofsEqualTheReferenceAndVerifyExactly) {
  ASSERT_TRUE(crypto_init());
  std::vector<Digest> leaves;
  for (int i = 0; i < 70; ++i) leaves.push_back(ref_leaf({static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i * 7)}));
  std::vector<Digest> roots{sha256("")};
  for (std::size_t n = 1; n <= leaves.size(); ++n) roots.push_back(ref_mth(leaves, 0, n));
  merkle::Frontier f;
  for (std::size_t n = 1; n <= leaves.size(); ++n) {
    std::vector<merkle::Frontier::Node> completed;
    f.push(leaves[n - 1], &completed);
    ASSERT_EQ(f.root(), roots[n]) << n;
    for (const auto& c : completed) EXPECT_EQ(c.hash, ref_mth(leaves, c.index << c.level, (c.index + 1) << c.level));
    const std::vector<Digest> prefix(leaves.begin(), leaves.begin() + static_cast<std::ptrdiff_t>(n));
    auto loaded = merkle::Frontier::load(source(prefix), n);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->root(), roots[n]);
    for (std::size_t m = 0; m < n; ++m) {
      const auto proof = *merkle::inclusion_proof(source(prefix), m, n);
      ASSERT_EQ(proof, ref_path(m, prefix, 0, n)) << m << "/" << n;
      ASSERT_TRUE(merkle::verify_inclusion(m, n, leaves[m], proof, roots[n])) << m << "/" << n;
      EXPECT_FALSE(merkle::verify_inclusion(m, n, leaves[(m + 1) % 70], proof, roots[n]));
      // (A proof does not by itself pin the size — the verifier holds a head's size and root together
      // — so the checks below bend the root, the index, the leaf and the path.)
      EXPECT_FALSE(merkle::verify_inclusion(m, n, leaves[m], proof, roots[n - 1]));
      if (n > 1) {
        EXPECT_FALSE(merkle::verify_inclusion((m + 1) % n, n, leaves[m], proof, roots[n]));
      }
      if (!proof.empty()) {
        auto bent = proof;
        bent.back()[0] ^= 1;
        EXPECT_FALSE(merkle::verify_inclusion(m, n, leaves[m], bent, roots[n]));
        EXPECT_FALSE(merkle::verify_inclusion(m, n, leaves[m], std::span(proof).first(proof.size() - 1), roots[n]));
      }
    }
    for (std::size_t m = 1; m <= n; ++m) {
      const auto proof = *merkle::consistency_proof(source(prefix), m, n);
      ASSERT_EQ(proof, m == n ? std::vector<Digest>{} : ref_subproof(m, prefix, 0, n, true)) << m << "->" << n;
      ASSERT_TRUE(merkle::verify_consistency(m, n, roots[m], roots[n], proof)) << m << "->" << n;
      if (m < n) {
        EXPECT_FALSE(merkle::verify_consistency(m, n, roots[m - 1], roots[n], proof));
        EXPECT_FALSE(merkle::verify_consistency(m, n, roots[m], roots[n - 1], proof));
        auto bent = proof;
        bent.front()[31] ^= 0x80;
        EXPECT_FALSE(merkle::verify_consistency(m, n, roots[m], roots[n], bent));
      }
    }
  }
  EXPECT_FALSE(merkle::inclusion_proof(source(leaves), 70, 70));  // past the last leaf
  EXPECT_FALSE(merkle::consistency_proof(source(leaves), 9, 8));
  EXPECT_FALSE(merkle::verify_consistency(8, 8, roots[8], roots[7], {}));
}

TEST(Heads, SignedCountersignedAndTamperEvident) {
  ASSERT_TRUE(crypto_init());
  merkle::Frontier f;
  for (int i = 0; i < 13; ++i) f.push(ref_leaf({static_cast<std::uint8_t>(i)}));
  TreeHead h;
  h.log = std::string(64, 'a');
  h.size = 13;
  h.root = f.root();
  h.time = 1700000000;
  for (const auto& n : f.nodes()) h.frontier.push_back(n.hash);
  const KeyPair node = generate_keypair(), party = generate_keypair();
  sign_head(h, "node", node);
  sign_head(h, "icrc", party);
  ASSERT_TRUE(check_head(h, "h"));
  auto back = parse_head(head_json(h), "h");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->root, h.root);
  EXPECT_EQ(back->signatures.size(), 2u);
  for (auto bend : std::vector<std::function<void(TreeHead&)>>{[](TreeHead& x) { x.size = 12; },
                                                               [](TreeHead& x) { x.time += 1; },
                                                               [](TreeHead& x) { x.root[0] ^= 1; },
                                                               [](TreeHead& x) { x.frontier[1][0] ^= 1; }}) {
    TreeHead t = h;
    bend(t);
    EXPECT_FALSE(check_head(t, "h"));
  }
  EXPECT_FALSE(parse_head(R"({"corridor_tree_head":2})", "h"));
}

}  // namespace
}  // namespace corridor::ledger
