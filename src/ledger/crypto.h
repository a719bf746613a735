// corridor::ledger — the cryptography the ledger stands on, through libsodium: SHA-256 for the hash
// chain, Ed25519 for signatures, hex for text. Nothing here is home-made.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace corridor::ledger {

using PublicKey = std::array<std::uint8_t, 32>;
using SecretKey = std::array<std::uint8_t, 64>;
using Digest = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

struct KeyPair {
  PublicKey public_key{};
  SecretKey secret_key{};
};

// libsodium must be initialised once before use; safe to call again.
[[nodiscard]] core::Result<void> crypto_init();
[[nodiscard]] KeyPair generate_keypair();
[[nodiscard]] Digest sha256(std::string_view bytes);
[[nodiscard]] Signature sign(const SecretKey& key, const Digest& message);
[[nodiscard]] bool verify(const PublicKey& key, const Digest& message, const Signature& sig);
// That the secret key's seed derives the public key (libsodium's secret key is seed and public key
// side by side: a file that pairs a random seed with a party's public key must not pass).
[[nodiscard]] bool keys_match(const KeyPair& keys);

[[nodiscard]] std::string to_hex(const std::uint8_t* data, std::size_t size);
template <std::size_t N>
[[nodiscard]] std::string to_hex(const std::array<std::uint8_t, N>& a) {
  return to_hex(a.data(), N);
}
// Exactly 2N lowercase or uppercase hex digits; `what` names the field in the error.
template <std::size_t N>
[[nodiscard]] core::Result<std::array<std::uint8_t, N>> from_hex(std::string_view text, const std::string& what);

}  // namespace corridor::ledger
