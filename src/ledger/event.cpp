#include "ledger/event.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace corridor::ledger {

using core::ErrorCode;
using core::fail;
using core::Result;
using nlohmann::json;

Result<std::string> canonical_json(const std::string& text, const std::string& what) {
  try {
    // nlohmann's objects keep keys sorted; dump() without indentation prints no whitespace and
    // refuses invalid UTF-8 (it throws), so the text is the same bytes on every node.
    return json::parse(text).dump();
  } catch (const json::exception& e) {
    return fail(ErrorCode::kParse, what + ": not valid JSON: " + e.what());
  }
}

std::string canonical_bytes(const Event& e) {
  json j = {{"seq", e.seq},           {"time", e.time},         {"actor", e.actor},
            {"type", e.type},         {"subject", e.subject},   {"prev_hash", e.prev_hash}};
  j["payload"] = json::parse(e.payload);
  return j.dump();
}

std::string to_json_line(const Event& e) {
  json j = {{"seq", e.seq},         {"time", e.time},           {"actor", e.actor},         {"type", e.type},
            {"subject", e.subject}, {"prev_hash", e.prev_hash}, {"hash", e.hash},           {"signature", e.signature}};
  j["payload"] = json::parse(e.payload);
  return j.dump();
}

Result<Event> from_json_line(const std::string& line, const std::string& where) {
  json j;
  try {
    j = json::parse(line);
  } catch (const json::exception& e) {
    return fail(ErrorCode::kParse, where + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) return fail(ErrorCode::kParse, where + ": an event is a JSON object");
  Event e;
  auto str = [&](const char* key, std::string& out) -> Result<void> {
    if (!j.contains(key) || !j[key].is_string()) {
      return fail(ErrorCode::kParse, where + ": /" + key + ": missing or not a string");
    }
    out = j[key].get<std::string>();
    return {};
  };
  if (!j.contains("seq") || !j["seq"].is_number_unsigned()) {
    return fail(ErrorCode::kParse, where + ": /seq: missing or not a positive integer");
  }
  if (!j.contains("time") || !j["time"].is_number_integer()) {
    return fail(ErrorCode::kParse, where + ": /time: missing or not an integer");
  }
  if (!j.contains("payload")) return fail(ErrorCode::kParse, where + ": /payload: missing");
  e.seq = j["seq"].get<std::uint64_t>();
  e.time = j["time"].get<std::int64_t>();
  CORRIDOR_CHECK(str("actor", e.actor));
  CORRIDOR_CHECK(str("type", e.type));
  CORRIDOR_CHECK(str("subject", e.subject));
  CORRIDOR_CHECK(str("prev_hash", e.prev_hash));
  CORRIDOR_CHECK(str("hash", e.hash));
  CORRIDOR_CHECK(str("signature", e.signature));
  e.payload = j["payload"].dump();
  return e;
}

Result<Signer> read_key_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(ErrorCode::kNotFound, path + ": cannot open key file");
  std::stringstream ss;
  ss << in.rdbuf();
  json j;
  try {
    j = json::parse(ss.str());
  } catch (const json::exception& e) {
    return fail(ErrorCode::kParse, path + ": not a key file: " + e.what());
  }
  Signer s;
  if (!j.is_object() || !j.contains("party") || !j["party"].is_string() || !j.contains("role") ||
      !j["role"].is_string() || !j.contains("public_key") || !j["public_key"].is_string() ||
      !j.contains("secret_key") || !j["secret_key"].is_string()) {
    return fail(ErrorCode::kParse, path + ": a key file has party, role, public_key and secret_key");
  }
  s.name = j["party"].get<std::string>();
  s.role = j["role"].get<std::string>();
  CORRIDOR_TRY(s.keys.public_key, from_hex<32>(j["public_key"].get<std::string>(), path + ": /public_key"));
  CORRIDOR_TRY(s.keys.secret_key, from_hex<64>(j["secret_key"].get<std::string>(), path + ": /secret_key"));
  // An Ed25519 secret key carries its public half: a mismatch is a damaged or forged file.
  if (!std::equal(s.keys.public_key.begin(), s.keys.public_key.end(), s.keys.secret_key.begin() + 32)) {
    return fail(ErrorCode::kParse, path + ": public_key does not belong to secret_key");
  }
  return s;
}

Result<void> write_key_file(const Signer& s, const std::string& path) {
  const json j = {{"party", s.name},
                  {"role", s.role},
                  {"public_key", to_hex(s.keys.public_key)},
                  {"secret_key", to_hex(s.keys.secret_key)}};
  const std::string text = j.dump(2) + "\n";
  // Never overwrite a key: losing one loses the party's ability to sign.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fail(errno == EEXIST ? ErrorCode::kInvalidArgument : ErrorCode::kIo,
                path + ": cannot create key file: " + std::strerror(errno));
  }
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return fail(ErrorCode::kIo, path + ": write failed");
  return {};
}

bool Verifier::bad(std::uint64_t seq, std::string why) {
  report_.first_bad_seq = seq;
  report_.reason = std::move(why);
  return false;
}

bool Verifier::next(const Event& e) {
  if (!report_.ok()) return false;
  const std::string at = "seq " + std::to_string(e.seq) + ": ";
  if (e.seq != expected_) {
    return bad(expected_, e.seq < expected_ ? "event " + std::to_string(e.seq) + " appears again or out of order"
                                            : "event missing (next stored is " + std::to_string(e.seq) + ")");
  }
  if (e.prev_hash != last_hash_) return bad(e.seq, "prev_hash does not match the hash of the event before");
  std::string canonical;
  try {
    canonical = canonical_bytes(e);
  } catch (const json::exception&) {
    return bad(e.seq, "payload is not valid JSON");
  }
  if (e.payload != json::parse(e.payload).dump()) return bad(e.seq, "payload is not in canonical form");
  const Digest digest = sha256(canonical);
  if (to_hex(digest) != e.hash) return bad(e.seq, "hash does not match the event's contents");
  auto sig = from_hex<64>(e.signature, "signature");
  if (!sig) return bad(e.seq, "signature is not 128 hex digits");
  PublicKey key{};
  if (e.type == kPartyRegistered) {
    // A registration is signed by the key it registers.
    json p = json::parse(e.payload);
    if (!p.is_object() || !p.contains("name") || !p["name"].is_string() || !p.contains("role") ||
        !p["role"].is_string() || !p.contains("public_key") || !p["public_key"].is_string()) {
      return bad(e.seq, "party.registered without name, role and public_key");
    }
    const std::string name = p["name"].get<std::string>();
    if (name != e.actor || name != e.subject) return bad(e.seq, "a party registers itself (actor, subject, name differ)");
    if (parties_.contains(name)) return bad(e.seq, "party '" + name + "' registered twice");
    auto k = from_hex<32>(p["public_key"].get<std::string>(), "public_key");
    if (!k) return bad(e.seq, "public_key is not 64 hex digits");
    key = *k;
    if (pinned_ != nullptr) {
      const auto it = pinned_->find(name);
      if (it != pinned_->end() && it->second != key) return bad(e.seq, "party '" + name + "' registered with a key other than the pinned one");
    }
    if (!verify(key, digest, *sig)) return bad(e.seq, "signature does not verify");
    parties_[name] = Party{name, p["role"].get<std::string>(), key, e.seq};
  } else {
    const auto it = parties_.find(e.actor);
    if (it == parties_.end()) return bad(e.seq, "actor '" + e.actor + "' is not a registered party");
    if (!verify(it->second.public_key, digest, *sig)) return bad(e.seq, "signature does not verify");
  }
  last_hash_ = e.hash;
  ++expected_;
  ++report_.events;
  return true;
}

Result<VerifyReport> verify_journal(Journal& j, const std::map<std::string, PublicKey>* pinned) {
  Verifier v(pinned);
  CORRIDOR_CHECK(j.scan(1, [&](const Event& e) { return v.next(e); }));
  return v.report();
}

VerifyReport verify_events(const std::vector<Event>& events, const std::map<std::string, PublicKey>* pinned) {
  Verifier v(pinned);
  for (const Event& e : events) {
    if (!v.next(e)) break;
  }
  return v.report();
}

Result<Ledger> Ledger::open(Journal& journal) {
  Ledger l(journal);
  Verifier v;
  CORRIDOR_CHECK(journal.scan(1, [&](const Event& e) { return v.next(e); }));
  if (!v.report().ok()) {
    return fail(ErrorCode::kCorrupt, "ledger fails verification at seq " + std::to_string(*v.report().first_bad_seq) +
                                         ": " + v.report().reason);
  }
  l.parties_ = v.parties();
  l.last_seq_ = v.report().events;
  l.last_hash_ = v.last_hash();
  return l;
}

Result<Event> Ledger::make(const Signer& signer, const std::string& type, const std::string& subject,
                           const std::string& payload_json, core::UnixSeconds time) const {
  Event e;
  e.seq = last_seq_ + 1;
  e.time = time;
  e.actor = signer.name;
  e.type = type;
  e.subject = subject;
  CORRIDOR_TRY(e.payload, canonical_json(payload_json, "payload of " + type));
  e.prev_hash = last_hash_;
  const Digest d = sha256(canonical_bytes(e));
  e.hash = to_hex(d);
  e.signature = to_hex(sign(signer.keys.secret_key, d));
  return e;
}

Result<Event> Ledger::append(const Signer& signer, const std::string& type, const std::string& subject,
                             const std::string& payload_json, core::UnixSeconds time) {
  if (type == kPartyRegistered) return register_party(signer, time);
  const auto it = parties_.find(signer.name);
  if (it == parties_.end()) {
    return fail(ErrorCode::kNotFound, "party '" + signer.name + "' is not registered in this ledger");
  }
  if (it->second.public_key != signer.keys.public_key) {
    return fail(ErrorCode::kInvalidArgument, "the key given for '" + signer.name + "' is not the one it registered");
  }
  CORRIDOR_TRY(Event e, make(signer, type, subject, payload_json, time));
  CORRIDOR_CHECK(journal_->append({&e, 1}));
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  return e;
}

Result<std::vector<Event>> Ledger::append_batch(const Signer& signer, const std::vector<Draft>& drafts) {
  const auto it = parties_.find(signer.name);
  if (it == parties_.end()) {
    return fail(ErrorCode::kNotFound, "party '" + signer.name + "' is not registered in this ledger");
  }
  if (it->second.public_key != signer.keys.public_key) {
    return fail(ErrorCode::kInvalidArgument, "the key given for '" + signer.name + "' is not the one it registered");
  }
  std::vector<Event> events;
  events.reserve(drafts.size());
  const std::uint64_t seq0 = last_seq_;
  const std::string hash0 = last_hash_;
  for (const Draft& d : drafts) {
    if (d.type == kPartyRegistered) {
      last_seq_ = seq0;
      last_hash_ = hash0;
      return fail(ErrorCode::kInvalidArgument, "a batch cannot register parties");
    }
    auto e = make(signer, d.type, d.subject, d.payload_json, d.time);
    if (!e) {
      last_seq_ = seq0;
      last_hash_ = hash0;
      return core::Unexpected{e.error()};
    }
    last_seq_ = e->seq;
    last_hash_ = e->hash;
    events.push_back(std::move(*e));
  }
  if (auto ok = journal_->append(events); !ok) {
    last_seq_ = seq0;
    last_hash_ = hash0;
    return core::Unexpected{ok.error()};
  }
  return events;
}

Result<Event> Ledger::register_party(const Signer& signer, core::UnixSeconds time) {
  if (signer.name.empty()) return fail(ErrorCode::kInvalidArgument, "a party needs a name");
  if (std::find(kRoles.begin(), kRoles.end(), signer.role) == kRoles.end()) {
    std::string roles;
    for (const auto& r : kRoles) roles += (roles.empty() ? "" : ", ") + r;
    return fail(ErrorCode::kInvalidArgument, "unknown role '" + signer.role + "' (" + roles + ")");
  }
  if (parties_.contains(signer.name)) {
    return fail(ErrorCode::kInvalidArgument, "party '" + signer.name + "' is already registered");
  }
  const json payload = {{"name", signer.name}, {"role", signer.role}, {"public_key", to_hex(signer.keys.public_key)}};
  CORRIDOR_TRY(Event e, make(signer, kPartyRegistered, signer.name, payload.dump(), time));
  CORRIDOR_CHECK(journal_->append({&e, 1}));
  parties_[signer.name] = Party{signer.name, signer.role, signer.keys.public_key, e.seq};
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  return e;
}

Result<std::uint64_t> Ledger::import(const std::vector<Event>& events) {
  const VerifyReport report = verify_events(events, nullptr);
  if (!report.ok()) {
    return fail(ErrorCode::kCorrupt, "import fails verification at seq " + std::to_string(*report.first_bad_seq) +
                                         ": " + report.reason + "; nothing appended");
  }
  // Our events must be a prefix of theirs, hash for hash.
  std::vector<Event> ours;
  CORRIDOR_CHECK(journal_->scan(1, [&](const Event& e) {
    ours.push_back(e);
    return true;
  }));
  if (events.size() < ours.size()) {
    return fail(ErrorCode::kInvalidArgument, "import holds " + std::to_string(events.size()) +
                                                 " events, this ledger " + std::to_string(ours.size()) +
                                                 ": it would not extend this ledger; nothing appended");
  }
  for (std::size_t i = 0; i < ours.size(); ++i) {
    if (ours[i].hash != events[i].hash) {
      return fail(ErrorCode::kInvalidArgument, "import forks this ledger at seq " + std::to_string(ours[i].seq) +
                                                   " (different event); nothing appended");
    }
  }
  const std::span<const Event> fresh(events.begin() + static_cast<std::ptrdiff_t>(ours.size()), events.end());
  if (!fresh.empty()) CORRIDOR_CHECK(journal_->append(fresh));
  Verifier v;
  for (const Event& e : events) v.next(e);
  parties_ = v.parties();
  last_seq_ = v.report().events;
  last_hash_ = v.last_hash();
  return static_cast<std::uint64_t>(fresh.size());
}

}  // namespace corridor::ledger
