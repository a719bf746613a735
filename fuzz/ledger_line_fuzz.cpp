// Arbitrary text as lines of a ledger export: parsing and verification must answer, never crash.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/event.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool ready = corridor::ledger::crypto_init().has_value();
  if (!ready) return 0;
  std::stringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::vector<corridor::ledger::Event> events;
  std::string line;
  while (std::getline(in, line)) {
    auto e = corridor::ledger::from_json_line(line, "fuzz");
    if (e) events.push_back(std::move(*e));
  }
  const auto report = corridor::ledger::verify_events(events, nullptr);
  if (report.ok() && report.events != events.size()) __builtin_trap();
  return 0;
}
