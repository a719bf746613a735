// corridor::core — progress reporting on stderr: a bar when stderr is a terminal, nothing otherwise
// (the caller prints a one-line summary at the end either way).
#pragma once

#include <cstdint>
#include <string>

namespace corridor::core {

class Progress {
 public:
  Progress(std::string label, std::uint64_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void update(std::uint64_t done);
  void finish();
  [[nodiscard]] bool active() const { return tty_; }

 private:
  std::string label_;
  std::uint64_t total_;
  int last_percent_ = -1;
  bool tty_;
  bool finished_ = false;
};

}  // namespace corridor::core
