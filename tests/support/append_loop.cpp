// For the crash test: appends events to a store one by one through the rule engine, printing
// "ok SEQ" (flushed) after each append has returned — that is, after it is durable. The test kills
// it with SIGKILL mid-stream.
//
// usage: append_loop STORE KEYFILE COUNT
#include <cstdio>
#include <filesystem>
#include <string>

#include "ledger/event.h"
#include "rules/ledger.h"
#include "store/store.h"

using namespace corridor;

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  const std::string path = argv[1], key = argv[2];
  const long count = std::stol(argv[3]);
  if (!ledger::crypto_init()) return 1;
  auto store = store::open_sqlite(path, store::OpenMode::kCreate);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    return 1;
  }
  auto l = rules::Ledger::open(**store);
  if (!l) {
    std::fprintf(stderr, "%s\n", l.error().message.c_str());
    return 1;
  }
  ledger::Signer signer;
  if (std::filesystem::exists(key)) {
    auto s = ledger::read_key_file(key);
    if (!s) return 1;
    signer = *s;
  } else {
    signer = {"crash-test", "receiver", ledger::generate_keypair()};
    const std::string reg = R"({"name":"crash-test","role":"receiver","public_key":")" +
                            ledger::to_hex(signer.keys.public_key) + "\"}";
    if (!ledger::write_key_file(signer, key) || !l->append(signer, {rules::kPartyRegistered, "crash-test", reg, 0}) ||
        !l->append(signer, {rules::kSettlementRegistered, "town", R"({"id":"town"})", 0})) {
      return 1;
    }
  }
  for (long i = 0; i < count; ++i) {
    const std::string payload =
        R"({"commodity":"wheat-flour","date":"2023-07-01","place":"town","tonnes":)" + std::to_string(i % 1000) + "}";
    auto e = l->append(signer, {rules::kStockCounted, "town", payload, 1'688'169'600 + i});  // 2023-07-01, the count's day
    if (!e) {
      std::fprintf(stderr, "%s\n", e.error().message.c_str());
      return 1;
    }
    std::printf("ok %llu\n", static_cast<unsigned long long>(e->seq));
    std::fflush(stdout);
  }
  return 0;
}
