// Arbitrary text as an export (event lines, a tree head) or as a tree head or genesis document on
// its own, chosen by the first byte: parsing and the rule engine's fold must answer, never crash.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/event.h"
#include "ledger/head.h"
#include "rules/engine.h"
#include "rules/genesis.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool ready = corridor::ledger::crypto_init().has_value();
  if (!ready || size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      std::stringstream in(text);
      std::vector<corridor::ledger::Event> events;
      std::string line;
      while (std::getline(in, line)) {
        auto e = corridor::ledger::from_json_line(line, "fuzz");
        if (e) events.push_back(std::move(*e));
      }
      corridor::rules::Engine engine;
      std::size_t folded = 0;
      for (const auto& e : events) {
        if (!engine.fold(e)) break;
        ++folded;
      }
      if (engine.state().size != folded) __builtin_trap();
      break;
    }
    case 1: {
      auto h = corridor::ledger::parse_head(text, "fuzz");
      if (h && !corridor::ledger::check_head(*h, "fuzz")) __builtin_trap();
      break;
    }
    default: {
      auto g = corridor::rules::parse_genesis_document(text, "fuzz");
      if (g && corridor::rules::parse_genesis_document(corridor::rules::genesis_document(*g), "fuzz").has_value() == false) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
