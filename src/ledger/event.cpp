#include "ledger/event.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/input.h"
#include "core/json_text.h"

namespace corridor::ledger {

using core::ErrorCode;
using core::fail;
using core::Result;
using nlohmann::json;

Result<std::string> canonical_json(const std::string& text, const std::string& what) {
  CORRIDOR_CHECK(core::check_json_text(text, what, core::kMaxEventBytes));
  try {
    // nlohmann's objects keep keys sorted; dump() without indentation prints no whitespace and
    // refuses invalid UTF-8 (it throws), so the text is the same bytes on every node.
    return json::parse(text).dump();
  } catch (const json::exception& e) {
    return fail(ErrorCode::kParse, what + ": not valid JSON: " + e.what());
  }
}

namespace {
std::string quoted(const std::string& s) {
  // Strings the log stores are checked for valid UTF-8 when an event is made or verified; here a
  // bad byte must not throw, so it is replaced (the hash then cannot match, and verification says so).
  return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}
}  // namespace

// The canonical JSON object of the seven hashed fields, keys in sorted order. Built as text so that
// a stored payload is never re-parsed here: the rule engine checks it is canonical.
std::string canonical_bytes(const Event& e) {
  std::string out;
  out.reserve(e.payload.size() + e.actor.size() + e.subject.size() + e.type.size() + 160);
  out += "{\"actor\":";
  out += quoted(e.actor);
  out += ",\"payload\":";
  out += e.payload;
  out += ",\"prev_hash\":";
  out += quoted(e.prev_hash);
  out += ",\"seq\":";
  out += std::to_string(e.seq);
  out += ",\"subject\":";
  out += quoted(e.subject);
  out += ",\"time\":";
  out += std::to_string(e.time);
  out += ",\"type\":";
  out += quoted(e.type);
  out += "}";
  return out;
}

void set_hash(Event& e) { e.hash = to_hex(sha256(canonical_bytes(e))); }

void sign_hash(Event& e, const SecretKey& key) {
  e.signature = to_hex(sign(key, *from_hex<32>(e.hash, "hash")));
}

void seal(Event& e, const SecretKey& key) {
  set_hash(e);
  sign_hash(e, key);
}

namespace {
// Runs f(i) for every i in [0, n), on all cores when n is large (below a few dozen events a thread
// costs more than it saves).
void for_each_index(std::size_t n, const std::function<void(std::size_t)>& f) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (n < 64 || cores == 1) {
    for (std::size_t i = 0; i < n; ++i) f(i);
    return;
  }
  std::vector<std::thread> threads;
  const std::size_t per = (n + cores - 1) / cores;
  for (std::size_t begin = 0; begin < n; begin += per) {
    threads.emplace_back([&, begin] {
      for (std::size_t i = begin; i < std::min(n, begin + per); ++i) f(i);
    });
  }
  for (auto& t : threads) t.join();
}
}  // namespace

std::optional<std::size_t> sign_all(std::span<Event> events, const KeyPair& keys) {
  std::vector<std::uint8_t> bad(events.size(), 0);
  for_each_index(events.size(), [&](std::size_t i) {
    sign_hash(events[i], keys.secret_key);
    const auto digest = from_hex<32>(events[i].hash, "hash");
    const auto sig = from_hex<64>(events[i].signature, "signature");
    bad[i] = !digest || !sig || !verify(keys.public_key, *digest, *sig);
  });
  for (std::size_t i = 0; i < bad.size(); ++i) {
    if (bad[i] != 0) return i;
  }
  return std::nullopt;
}

std::string to_json_line(const Event& e) {
  // The nine fields in sorted key order, as canonical JSON would print them.
  std::string line;
  line.reserve(e.payload.size() + e.actor.size() + e.subject.size() + e.type.size() + 380);
  line += "{\"actor\":" + quoted(e.actor);
  line += ",\"hash\":" + quoted(e.hash);
  line += ",\"payload\":" + e.payload;
  line += ",\"prev_hash\":" + quoted(e.prev_hash);
  line += ",\"seq\":" + std::to_string(e.seq);
  line += ",\"signature\":" + quoted(e.signature);
  line += ",\"subject\":" + quoted(e.subject);
  line += ",\"time\":" + std::to_string(e.time);
  line += ",\"type\":" + quoted(e.type) + "}";
  return line;
}

Result<Event> from_json_line(const std::string& line, const std::string& where) {
  CORRIDOR_TRY(json j, core::parse_json_text(line, where, core::kMaxEventBytes));
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
  try {
    e.payload = j["payload"].dump();
  } catch (const json::exception&) {
    return fail(ErrorCode::kParse, where + ": /payload: not valid UTF-8");
  }
  for (const char* k : {"seq", "time", "actor", "type", "subject", "prev_hash", "hash", "signature", "payload"}) {
    j.erase(k);
  }
  if (!j.empty()) return fail(ErrorCode::kParse, where + ": /" + j.begin().key() + ": not a field of an event");
  return e;
}

Result<Signer> read_key_file(const std::string& path) {
  // The file holds a secret: no message below may quote any of it, so parser messages (which
  // show the text they stopped at) are replaced by the byte offset.
  CORRIDOR_TRY(const std::string text, core::read_file_limited(path, "key file", core::kMaxKeyFileBytes));
  const auto bad = [&](const std::string& why) { return fail(ErrorCode::kParse, path + ": not a usable key file: " + why); };
  auto parsed = core::parse_json_text(text, "the key file", core::kMaxKeyFileBytes);
  if (!parsed) return bad(parsed.error().message);
  const json& j = *parsed;
  Signer s;
  if (!j.is_object() || !j.contains("party") || !j["party"].is_string() || !j.contains("role") ||
      !j["role"].is_string() || !j.contains("public_key") || !j["public_key"].is_string() ||
      !j.contains("secret_key") || !j["secret_key"].is_string()) {
    return bad("a key file has party, role, public_key and secret_key");
  }
  s.name = j["party"].get<std::string>();
  s.role = j["role"].get<std::string>();
  auto pk = from_hex<32>(j["public_key"].get<std::string>(), "public_key");
  if (!pk) return bad("public_key is not 64 hex digits");
  auto sk = from_hex<64>(j["secret_key"].get<std::string>(), "secret_key");
  if (!sk) return bad("secret_key is not 128 hex digits");
  s.keys.public_key = *pk;
  s.keys.secret_key = *sk;
  // An Ed25519 secret key is a seed and the public key it derives, side by side: copying a party's
  // public key next to any seed must not make a key file (the signatures it made would never verify).
  if (!keys_match(s.keys)) return bad("secret_key does not derive public_key (a damaged or forged key file)");
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

}  // namespace corridor::ledger
