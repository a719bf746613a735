// The scenario reader on arbitrary bytes in place of one of the fixture's files (tests/scenario/
// fixture): the first byte chooses the scenario TOML, the claims, places or reported-movements CSV; the others
// stay valid. Either an error, or a scenario whose days run in order and whose places and claims
// keep their bounds; a run of it must not crash either.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "core/input.h"
#include "file_input.h"
#include "scenario/report.h"
#include "scenario/scenario.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // A copy of the fixture, once per process; each input replaces one file and puts it back after.
  static const fs::path dir = [] {
    const fs::path d = fs::path(corridor::fuzz::write_input("stamp", nullptr, 0)).parent_path() / "tests";
    fs::remove_all(d);
    fs::create_directories(d / "scenario");
    fs::copy(fs::path(CORRIDOR_TESTS_DIR) / "scenario" / "fixture", d / "scenario" / "fixture", fs::copy_options::recursive);
    fs::create_directories(d / "supply");
    fs::copy(fs::path(CORRIDOR_TESTS_DIR) / "supply" / "fixture", d / "supply" / "fixture", fs::copy_options::recursive);
    return d / "scenario" / "fixture";
  }();
  static const char* kFiles[] = {"scenario.toml", "claims.csv", "places.csv", "movements.csv"};
  // The originals, kept in memory and written back with a stream after each input (a file copy can
  // fail with EINTR when libFuzzer's timer signal lands in it, which once ended a run).
  static const std::map<std::string, std::string> originals = [] {
    std::map<std::string, std::string> m;
    for (const char* f : kFiles) {
      std::ifstream in(dir / f, std::ios::binary);
      m[f] = std::string(std::istreambuf_iterator<char>(in), {});
    }
    return m;
  }();
  const char* name = kFiles[data[0] % 4];
  const fs::path target = dir / name;
  std::ofstream(target, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  auto s = corridor::scenario::load_scenario((dir / "scenario.toml").string());
  if (s) {
    if (s->end < s->start) __builtin_trap();
    for (const auto& p : s->places) {
      if (p.population < 0 || p.population > corridor::core::kMaxPopulation) __builtin_trap();
    }
    for (const auto& c : s->claims) {
      if (c.ends <= c.from || c.validity.empty()) __builtin_trap();  // every claim is in force at least its first day
    }
    for (const auto& m : s->movements) {
      if (m.until < m.from) __builtin_trap();
    }
    // A short run only: the horizon is the input's to choose, the time is the fuzzer's.
    if (s->end - s->start <= 31) {
      auto r = corridor::scenario::run(*s, {});
      if (r) (void)corridor::scenario::summary_json(*s, *r);  // the assumptions and the movements beside the run
    }
  }
  const std::string& original = originals.at(name);
  std::ofstream(target, std::ios::binary | std::ios::trunc).write(original.data(), static_cast<std::streamsize>(original.size()));
  return 0;
}
