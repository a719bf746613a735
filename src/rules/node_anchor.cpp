// The node's anchor (rules/ledger.h, NodeAnchor): its key, the tree head it signs and keeps in the
// store's notes and beside the key, and the checks a store must pass against both before a read
// trusts it. Ledger's members that deal with them live here; the fold and the appends in ledger.cpp.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/input.h"
#include "core/json_text.h"
#include "core/output.h"
#include "rules/ledger.h"

namespace corridor::rules {

using core::ErrorCode;
using core::fail;
using core::Result;
using nlohmann::json;

namespace {
constexpr const char* kVerifiedHead = "verified_head";  // the note of the node's signed head
}  // namespace

Result<ledger::KeyPair> Ledger::node_key() {
  if (node_key_) return *node_key_;
  if (!options_.node) return fail(ErrorCode::kInternal, "this ledger was opened without a node key");
  CORRIDOR_TRY(node_key_, node_key_file(options_.node->key_file, true));
  return *node_key_;
}

Result<ledger::TreeHead> Ledger::signed_head() {
  CORRIDOR_TRY(const ledger::KeyPair key, node_key());
  return head(key, core::now_unix());
}

namespace {
// A head the node keeps (in the store or beside its key) must be signed by the node's own key.
Result<void> check_node_head(const ledger::TreeHead& h, const ledger::PublicKey& key, const std::string& what) {
  const ledger::HeadSignature* sig = ledger::node_signature(h);
  if (sig == nullptr) return fail(ErrorCode::kCorrupt, what + " is not signed by a node");
  if (sig->public_key != key) return fail(ErrorCode::kCorrupt, what + " is signed by another node's key, not this node's");
  return {};
}

// This node's public key, or none when its key file does not exist (yet).
Result<std::optional<ledger::PublicKey>> existing_key(const NodeAnchor& a) {
  struct stat st {};
  if (::stat(a.key_file.c_str(), &st) != 0) return std::optional<ledger::PublicKey>();
  CORRIDOR_TRY(const ledger::KeyPair k, node_key_file(a.key_file, false));
  return std::optional<ledger::PublicKey>(k.public_key);
}
}  // namespace

Result<void> Ledger::load_kept() {
  if (!options_.node) return {};
  CORRIDOR_TRY(auto kept, read_kept());
  // Another process may have kept a head this one has not read yet; never go back to a smaller one.
  if (kept && (!kept_ || kept->size >= kept_->size)) kept_ = std::move(kept);
  return {};
}

Result<std::optional<ledger::TreeHead>> Ledger::read_kept() {
  const NodeAnchor& a = *options_.node;
  struct stat st {};
  if (::stat(a.head_file.c_str(), &st) != 0) {
    if (errno != ENOENT) return fail(ErrorCode::kIo, a.head_file + ": cannot read: " + std::strerror(errno));
    return std::optional<ledger::TreeHead>();
  }
  anchored_ = true;
  const std::string what = a.head_file + ": the head this node kept of " + a.store_id;
  CORRIDOR_TRY(const std::string text, core::read_file_limited(a.head_file, "kept head", core::kMaxDocumentBytes));
  auto parsed = core::parse_json_text(text, a.head_file);
  if (!parsed || !parsed->is_object() || !parsed->contains("store") || !(*parsed)["store"].is_string() ||
      !parsed->contains("head")) {
    return fail(ErrorCode::kCorrupt, what + " is damaged (not {\"store\", \"head\"})");
  }
  if ((*parsed)["store"].get<std::string>() != a.store_id) {
    return fail(ErrorCode::kCorrupt, what + " names another store: " + core::printable((*parsed)["store"].get<std::string>()));
  }
  if ((*parsed)["head"].is_null()) return std::optional<ledger::TreeHead>();  // anchored, no head kept yet
  auto head = ledger::parse_head((*parsed)["head"].dump(), what);
  if (!head) return fail(ErrorCode::kCorrupt, head.error().message);
  CORRIDOR_TRY(const auto key, existing_key(a));
  if (!key) return fail(ErrorCode::kCorrupt, what + " exists, but the node key " + a.key_file + " that signed it is gone");
  CORRIDOR_CHECK(check_node_head(*head, *key, what));
  return std::optional<ledger::TreeHead>(std::move(*head));
}

Result<std::optional<ledger::TreeHead>> Ledger::read_noted(std::uint64_t size) {
  const NodeAnchor& a = *options_.node;
  const std::string where = store_->name() + ": ";
  const std::string recover = " (`corridor ledger verify` checks every event from the first, and signs a head if they all verify)";
  const auto refuse = [&](const std::string& why) -> Result<std::optional<ledger::TreeHead>> {
    // `ledger verify` verifies every signature anyway: a note it cannot use is no reason to stop.
    if (options_.verify_all) return std::optional<ledger::TreeHead>();
    return fail(ErrorCode::kCorrupt, where + why + recover);
  };
  CORRIDOR_TRY(const auto text, store_->note(kVerifiedHead));
  if (!text) {
    if (size == 0) return std::optional<ledger::TreeHead>();
    return refuse("the store holds " + std::to_string(size) + " events but no head signed by this node (its notes were "
                  "deleted, or the store was made by another node)");
  }
  auto head = ledger::parse_head(*text, "the store's verified head");
  if (!head) return refuse("its note of the last verified head is unsigned or damaged");
  CORRIDOR_TRY(const auto key, existing_key(a));
  if (!key) return refuse("its verified head was signed by a node key that is not here (" + a.key_file + ")");
  if (auto ok = check_node_head(*head, *key, "its verified head"); !ok) return refuse(ok.error().message);
  return std::optional<ledger::TreeHead>(std::move(*head));
}

Result<void> Ledger::note_verified() {
  if (!options_.node) return {};
  const State& s = engine_.state();
  if (s.size == 0 || (s.size <= verified_size_ && !options_.verify_all)) return {};
  // Inside the write transaction: another process may have noted a larger head since this one
  // read the note; it must not go back to a smaller one.
  if (auto text = store_->note(kVerifiedHead); text && *text) {
    auto stored = ledger::parse_head(**text, "the store's verified head");
    CORRIDOR_TRY(const ledger::KeyPair key, node_key());
    if (stored && ledger::node_signature(*stored) != nullptr && ledger::node_signature(*stored)->public_key == key.public_key &&
        stored->size >= s.size) {
      verified_size_ = stored->size;
      return {};
    }
  }
  // The store is about to hold a head of this node: from now on, the file outside it must exist.
  CORRIDOR_CHECK(anchor_outside());
  CORRIDOR_TRY(const ledger::TreeHead h, signed_head());
  CORRIDOR_CHECK(store_->set_note(kVerifiedHead, ledger::head_json(h)));
  verified_size_ = s.size;
  return {};
}

Result<void> Ledger::anchor_outside() {
  // Also when the head itself is kept later (store copy): the file says only that this node
  // writes this store.
  if (!options_.node || anchored_) return {};
  const NodeAnchor& a = *options_.node;
  struct stat st {};
  if (::stat(a.head_file.c_str(), &st) == 0) {
    anchored_ = true;
    return {};
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(a.head_file).parent_path(), ec);
  if (ec) return fail(ErrorCode::kIo, a.head_file + ": cannot create its folder: " + ec.message());
  // O_EXCL: another process that anchored first (or kept a head meanwhile) wins.
  const int fd = ::open(a.head_file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      anchored_ = true;
      return {};
    }
    return fail(ErrorCode::kIo, a.head_file + ": cannot create: " + std::strerror(errno));
  }
  const std::string text = json{{"store", a.store_id}, {"head", nullptr}}.dump() + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return fail(ErrorCode::kIo, a.head_file + ": cannot write");
  anchored_ = true;
  return {};
}

Result<void> Ledger::keep_outside() {
  const State& s = engine_.state();
  if (!options_.node || s.size == 0 || (kept_ && s.size <= kept_->size)) return {};
  const NodeAnchor& a = *options_.node;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(a.head_file).parent_path(), ec);
  if (ec) return fail(ErrorCode::kIo, a.head_file + ": cannot create its folder: " + ec.message());
  // Read, compare and replace under a lock shared by every process of this node: a process that
  // read a smaller log must not put back a smaller head over a larger one another just kept.
  const std::string lock_path = a.head_file + ".lock";
  const int fd = ::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) return fail(ErrorCode::kIo, lock_path + ": cannot open: " + std::strerror(errno));
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }  // closing releases the lock
  } unlock{fd};
  if (::flock(fd, LOCK_EX) != 0) return fail(ErrorCode::kIo, lock_path + ": cannot lock: " + std::strerror(errno));
  CORRIDOR_TRY(auto current, read_kept());
  if (current && current->size >= s.size) {
    kept_ = std::move(current);
    return {};
  }
  CORRIDOR_TRY(const ledger::TreeHead h, signed_head());
  CORRIDOR_CHECK(core::write_file_atomic(a.head_file, json{{"store", a.store_id}, {"head", json::parse(ledger::head_json(h))}}.dump() + "\n", 0600));
  kept_ = h;
  return {};
}

Result<std::string> node_key_path(const std::string& store_url) {
  if (const char* env = std::getenv("CORRIDOR_NODE_KEY"); env != nullptr && *env != '\0') return std::string(env);
  if (store::is_postgres_url(store_url)) {
    return fail(ErrorCode::kInvalidArgument,
                store::redact(store_url) + ": a shared store keeps no key file beside it: give the node's signing key "
                                           "as CORRIDOR_NODE_KEY=FILE (or corridor serve --node-key FILE); the same "
                                           "file for every process of this node");
  }
  return (store_url.rfind("sqlite:", 0) == 0 ? store_url.substr(7) : store_url) + ".node.key";
}

Result<ledger::KeyPair> node_key_file(const std::string& path, bool create) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    CORRIDOR_TRY(const ledger::Signer s, ledger::read_key_file(path));
    return s.keys;
  }
  if (!create) return fail(ErrorCode::kNotFound, path + ": no node key (corridor ledger head creates it)");
  const ledger::Signer s{"node", "node", ledger::generate_keypair()};
  CORRIDOR_CHECK(ledger::write_key_file(s, path));
  return s.keys;
}

Result<NodeAnchor> node_anchor(const std::string& store_url, const std::string& key_file) {
  NodeAnchor a;
  if (key_file.empty()) {
    CORRIDOR_TRY(a.key_file, node_key_path(store_url));
  } else {
    a.key_file = key_file;
  }
  if (store::is_postgres_url(store_url)) {
    a.store_id = store::redact(store_url);
  } else {
    // The path as named, made absolute but with links left as they are: a link swapped for one to
    // an older copy is still this store's name, and is checked against this store's head.
    const std::string path = store_url.rfind("sqlite:", 0) == 0 ? store_url.substr(7) : store_url;
    std::error_code ec;
    a.store_id = std::filesystem::absolute(path, ec).lexically_normal().string();
    if (ec) a.store_id = path;
  }
  a.head_file = a.key_file + ".heads/" + ledger::to_hex(ledger::sha256(a.store_id)).substr(0, 32) + ".json";
  return a;
}

Result<ledger::KeyPair> node_key(const std::string& store_url, bool create) {
  CORRIDOR_TRY(const std::string path, node_key_path(store_url));
  return node_key_file(path, create);
}

}  // namespace corridor::rules
