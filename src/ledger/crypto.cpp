#include "ledger/crypto.h"

#include <sodium.h>

namespace corridor::ledger {

using core::ErrorCode;
using core::fail;

core::Result<void> crypto_init() {
  if (sodium_init() < 0) return fail(ErrorCode::kInternal, "libsodium could not be initialised");
  return {};
}

KeyPair generate_keypair() {
  KeyPair k;
  crypto_sign_ed25519_keypair(k.public_key.data(), k.secret_key.data());
  return k;
}

Digest sha256(std::string_view bytes) {
  Digest d{};
  crypto_hash_sha256(d.data(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return d;
}

Signature sign(const SecretKey& key, const Digest& message) {
  Signature s{};
  crypto_sign_ed25519_detached(s.data(), nullptr, message.data(), message.size(), key.data());
  return s;
}

bool verify(const PublicKey& key, const Digest& message, const Signature& sig) {
  return crypto_sign_ed25519_verify_detached(sig.data(), message.data(), message.size(), key.data()) == 0;
}

bool keys_match(const KeyPair& keys) {
  std::array<std::uint8_t, crypto_sign_ed25519_SEEDBYTES> seed{};
  KeyPair derived;
  crypto_sign_ed25519_sk_to_seed(seed.data(), keys.secret_key.data());
  crypto_sign_ed25519_seed_keypair(derived.public_key.data(), derived.secret_key.data(), seed.data());
  const bool same = sodium_memcmp(derived.public_key.data(), keys.public_key.data(), derived.public_key.size()) == 0 &&
                    sodium_memcmp(derived.secret_key.data(), keys.secret_key.data(), derived.secret_key.size()) == 0;
  sodium_memzero(seed.data(), seed.size());
  sodium_memzero(derived.secret_key.data(), derived.secret_key.size());
  return same;
}

std::string to_hex(const std::uint8_t* data, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

template <std::size_t N>
core::Result<std::array<std::uint8_t, N>> from_hex(std::string_view text, const std::string& what) {
  std::array<std::uint8_t, N> out{};
  std::size_t len = 0;
  const char* end = nullptr;
  if (text.size() != 2 * N ||
      sodium_hex2bin(out.data(), N, text.data(), text.size(), nullptr, &len, &end) != 0 || len != N ||
      end != text.data() + text.size()) {
    return fail(ErrorCode::kParse, what + ": expected " + std::to_string(2 * N) + " hex digits");
  }
  return out;
}

template core::Result<std::array<std::uint8_t, 32>> from_hex<32>(std::string_view, const std::string&);
template core::Result<std::array<std::uint8_t, 64>> from_hex<64>(std::string_view, const std::string&);

}  // namespace corridor::ledger
