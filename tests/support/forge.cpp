// For the attack tests: signs any event with a party's key file, bypassing every rule — what a
// party with its own key and write access to a store (or an export) can always do. Prints the
// event as an export line.
//
// usage: forge KEYFILE SEQ PREV_HASH TIME TYPE SUBJECT PAYLOAD_JSON
#include <cstdio>
#include <string>

#include "ledger/event.h"

using namespace corridor;

int main(int argc, char** argv) {
  if (argc != 8) {
    std::fprintf(stderr, "usage: forge KEYFILE SEQ PREV_HASH TIME TYPE SUBJECT PAYLOAD_JSON\n");
    return 2;
  }
  if (!ledger::crypto_init()) return 1;
  auto signer = ledger::read_key_file(argv[1]);
  if (!signer) {
    std::fprintf(stderr, "%s\n", signer.error().message.c_str());
    return 1;
  }
  ledger::Event e;
  e.seq = std::stoull(argv[2]);
  e.prev_hash = argv[3];
  e.time = std::stoll(argv[4]);
  e.actor = signer->name;
  e.type = argv[5];
  e.subject = argv[6];
  e.payload = argv[7];  // as given: the attacker decides the bytes
  ledger::seal(e, signer->keys.secret_key);
  std::printf("%s\n", ledger::to_json_line(e).c_str());
  return 0;
}
