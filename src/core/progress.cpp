#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace corridor::core {

Progress::Progress(std::string label, std::uint64_t total)
    : label_(std::move(label)), total_(total == 0 ? 1 : total), tty_(isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() { finish(); }

void Progress::update(std::uint64_t done) {
  if (!tty_ || finished_) return;
  const int percent = static_cast<int>(done * 100 / total_);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  constexpr int kWidth = 30;
  const int fill = percent * kWidth / 100;
  std::fprintf(stderr, "\r%s [", label_.c_str());
  for (int i = 0; i < kWidth; ++i) std::fputc(i < fill ? '#' : ' ', stderr);
  std::fprintf(stderr, "] %3d%%", percent);
  std::fflush(stderr);
}

void Progress::finish() {
  if (!tty_ || finished_) return;
  update(total_);
  finished_ = true;
  std::fputc('\n', stderr);
}

}  // namespace corridor::core
