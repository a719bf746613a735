// corridor::ledger — the signed, hash-chained event log, below any rule about what events mean.
//
// Every change is an Event: seq, time, actor party, type, subject, payload (canonical JSON),
// prev_hash, hash, signature. `hash` is SHA-256 over the event's canonical bytes (every field but
// hash and signature, as canonical JSON: sorted keys, no whitespace, UTF-8); `signature` is the
// actor's Ed25519 signature of that hash. Which keys belong to which party, and what a party may
// do, is the rule engine's business (src/rules); this module knows bytes, hashes and signatures.
//
// May use: core; libsodium (crypto.cpp, merkle.cpp), nlohmann-json (.cpp files).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "ledger/crypto.h"

namespace corridor::ledger {

inline const std::string kGenesisHash(64, '0');

struct Event {
  std::uint64_t seq = 0;
  core::UnixSeconds time = 0;
  std::string actor;
  std::string type;
  std::string subject;
  std::string payload;    // canonical JSON text
  std::string prev_hash;  // hex
  std::string hash;       // hex
  std::string signature;  // hex

  bool operator==(const Event&) const = default;
};

// The bytes the hash covers. The payload must already be canonical (canonical_json).
[[nodiscard]] std::string canonical_bytes(const Event& e);
// Parses JSON text within the input limits (core/input.h) and prints it canonically; `what` names
// it in errors.
[[nodiscard]] core::Result<std::string> canonical_json(const std::string& text, const std::string& what);
// Fills in hash (SHA-256 of the canonical bytes) and signature (by `key`).
void seal(Event& e, const SecretKey& key);
// The two halves of seal(): the chain needs only the hash, so a batch can be hashed in order and
// signed in parallel.
void set_hash(Event& e);
void sign_hash(Event& e, const SecretKey& key);
// Signs every event's hash with `keys`' secret key and verifies each signature under `keys`'
// public key (the key the ledger holds for the party), on all cores for a large batch. Returns the
// index of the first event whose signature does not verify, if any: nothing that would fail
// verification later is stored.
[[nodiscard]] std::optional<std::size_t> sign_all(std::span<Event> events, const KeyPair& keys);

// One line of an export: the event as a JSON object (payload as a JSON value).
[[nodiscard]] std::string to_json_line(const Event& e);
[[nodiscard]] core::Result<Event> from_json_line(const std::string& line, const std::string& where);

// Where events are kept: the store implements this (sqlite, memory; postgres later). A journal is
// dumb storage: it keeps seq order and the Merkle tree's nodes, and decides nothing about content.
class Journal {
 public:
  virtual ~Journal() = default;
  [[nodiscard]] virtual std::string name() const = 0;  // for messages: the file
  // How many events are stored (the last seq).
  [[nodiscard]] virtual core::Result<std::uint64_t> size() = 0;
  // Calls f for each event with seq >= from, in seq order, until f returns false.
  [[nodiscard]] virtual core::Result<void> scan(std::uint64_t from, const std::function<bool(const Event&)>& f) = 0;
  // The hash of the Merkle tree's perfect subtree (ledger/merkle.h) at `level`, `index`, as stored.
  [[nodiscard]] virtual core::Result<Digest> tree_node(unsigned level, std::uint64_t index) = 0;
  // Appends events and the tree nodes they complete, atomically and durably: all or none. Refuses
  // a first seq that does not continue the store. Inside write() it joins that transaction.
  [[nodiscard]] virtual core::Result<void> append(std::span<const Event> events) = 0;
  // Runs `body` as one exclusive write transaction: whatever it reads stays current until it ends,
  // and whatever it appends commits with it or not at all. Contention with other writers (other
  // processes) is waited out and retried within a bound.
  [[nodiscard]] virtual core::Result<void> write(const std::function<core::Result<void>()>& body) = 0;
  // Runs `body` on one consistent snapshot (reads only).
  [[nodiscard]] virtual core::Result<void> read(const std::function<core::Result<void>()>& body) = 0;
  // Node-local notes, kept beside the log but not part of it: the last verified tree head, the heads
  // last seen of each peer.
  [[nodiscard]] virtual core::Result<std::optional<std::string>> note(const std::string& key) = 0;
  [[nodiscard]] virtual core::Result<void> set_note(const std::string& key, const std::string& value) = 0;
};

inline const std::vector<std::string> kRoles{"admin", "sender", "checkpoint", "receiver", "monitor", "analyst"};

// A party acting: its name and key pair (the key file `corridor party add` writes).
struct Signer {
  std::string name;
  std::string role;
  KeyPair keys;
};
// Reads a key file. Errors never quote the file's content (it holds a secret key).
[[nodiscard]] core::Result<Signer> read_key_file(const std::string& path);
// Writes a key file with mode 0600; never overwrites an existing file.
[[nodiscard]] core::Result<void> write_key_file(const Signer& s, const std::string& path);

}  // namespace corridor::ledger
