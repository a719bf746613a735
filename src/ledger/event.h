// corridor::ledger — the signed, hash-chained event log.
//
// Every change is an Event: seq, time, actor party, type, subject, payload (canonical JSON),
// prev_hash, hash, signature. `hash` is SHA-256 over the event's canonical bytes (every field but
// hash and signature, as canonical JSON: sorted keys, no whitespace, UTF-8); `signature` is the
// actor's Ed25519 signature of that hash. Parties and their keys are registered by events too
// (type "party.registered", signed by the new party's own key), so an exported log can be verified
// by anyone, with the public keys it carries or with keys pinned from elsewhere.
//
// May use: core; libsodium (crypto.cpp), nlohmann-json (.cpp files).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "ledger/crypto.h"

namespace corridor::ledger {

inline const std::string kGenesisHash(64, '0');
inline constexpr const char* kPartyRegistered = "party.registered";

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

// The bytes the hash covers.
[[nodiscard]] std::string canonical_bytes(const Event& e);
// Parses JSON text and prints it canonically; `what` names it in errors.
[[nodiscard]] core::Result<std::string> canonical_json(const std::string& text, const std::string& what);

// One line of an export: the event as a JSON object (payload as a JSON value).
[[nodiscard]] std::string to_json_line(const Event& e);
[[nodiscard]] core::Result<Event> from_json_line(const std::string& line, const std::string& where);

// Where events are kept: the store implements this (sqlite, postgres, memory).
class Journal {
 public:
  virtual ~Journal() = default;
  // Appends atomically and durably: all or none. The caller has chained and signed them.
  [[nodiscard]] virtual core::Result<void> append(std::span<const Event> events) = 0;
  [[nodiscard]] virtual core::Result<std::optional<Event>> last() = 0;
  // Calls f for each event with seq >= from, in seq order, until f returns false.
  [[nodiscard]] virtual core::Result<void> scan(std::uint64_t from, const std::function<bool(const Event&)>& f) = 0;
};

struct Party {
  std::string name;
  std::string role;
  PublicKey public_key{};
  std::uint64_t registered_at_seq = 0;
};
inline const std::vector<std::string> kRoles{"admin", "sender", "checkpoint", "receiver", "monitor", "analyst"};

// A party acting: its name and key pair (the key file `corridor party add` writes).
struct Signer {
  std::string name;
  std::string role;
  KeyPair keys;
};
[[nodiscard]] core::Result<Signer> read_key_file(const std::string& path);
[[nodiscard]] core::Result<void> write_key_file(const Signer& s, const std::string& path);

struct VerifyReport {
  std::uint64_t events = 0;
  std::optional<std::uint64_t> first_bad_seq;
  std::string reason;
  [[nodiscard]] bool ok() const { return !first_bad_seq; }
};

// Checks a sequence of events from seq 1: numbering, chaining, hashes, signatures, and that every
// actor was registered before it acted. `pinned` keys, when given, must match the registrations.
class Verifier {
 public:
  explicit Verifier(const std::map<std::string, PublicKey>* pinned = nullptr) : pinned_(pinned) {}
  // Feeds the next event; false once a bad one was found (see report()).
  bool next(const Event& e);
  [[nodiscard]] const VerifyReport& report() const { return report_; }
  [[nodiscard]] const std::map<std::string, Party>& parties() const { return parties_; }
  [[nodiscard]] const std::string& last_hash() const { return last_hash_; }

 private:
  bool bad(std::uint64_t seq, std::string why);
  const std::map<std::string, PublicKey>* pinned_;
  std::map<std::string, Party> parties_;
  std::string last_hash_ = kGenesisHash;
  std::uint64_t expected_ = 1;
  VerifyReport report_;
};

// The log as parties use it: checks, chains, signs and appends; keeps the registered parties.
class Ledger {
 public:
  // Reads and verifies the whole journal once; a journal that fails verification cannot be opened
  // for appending (kCorrupt naming the first bad seq).
  [[nodiscard]] static core::Result<Ledger> open(Journal& journal);

  // Builds the next event for `signer`, signs it, and appends it. A party.registered event for a new
  // name is signed by that party; any other event needs its actor registered with the same key.
  [[nodiscard]] core::Result<Event> append(const Signer& signer, const std::string& type,
                                           const std::string& subject, const std::string& payload_json,
                                           core::UnixSeconds time);
  struct Draft {
    std::string type, subject, payload_json;
    core::UnixSeconds time = 0;
  };
  // Signs and appends several events by one party in one transaction: all or none.
  [[nodiscard]] core::Result<std::vector<Event>> append_batch(const Signer& signer, const std::vector<Draft>& drafts);
  // Registers `signer` (self-signed) with its role.
  [[nodiscard]] core::Result<Event> register_party(const Signer& signer, core::UnixSeconds time);

  // Appends a verified export from another node: it must contain this ledger as a prefix (same
  // hashes) and continue it; a fork is refused and nothing is appended.
  [[nodiscard]] core::Result<std::uint64_t> import(const std::vector<Event>& events);

  [[nodiscard]] const std::map<std::string, Party>& parties() const { return parties_; }
  [[nodiscard]] std::uint64_t last_seq() const { return last_seq_; }
  [[nodiscard]] const std::string& last_hash() const { return last_hash_; }

 private:
  explicit Ledger(Journal& j) : journal_(&j) {}
  [[nodiscard]] core::Result<Event> make(const Signer& signer, const std::string& type, const std::string& subject,
                                         const std::string& payload_json, core::UnixSeconds time) const;
  Journal* journal_;
  std::map<std::string, Party> parties_;
  std::uint64_t last_seq_ = 0;
  std::string last_hash_ = kGenesisHash;
};

// Verifies everything in a journal (or an export read into memory).
[[nodiscard]] core::Result<VerifyReport> verify_journal(Journal& j, const std::map<std::string, PublicKey>* pinned);
[[nodiscard]] VerifyReport verify_events(const std::vector<Event>& events, const std::map<std::string, PublicKey>* pinned);

}  // namespace corridor::ledger
