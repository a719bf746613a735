#include "core/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace corridor::core {

Result<void> write_file_atomic(const std::string& path, const std::string& text, mode_t mode) {
  const std::filesystem::path target(path);
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::string leaf = ".";
  leaf.append(target.filename().string());
  leaf.append(".XXXXXX");
  const std::string name = (dir / leaf).string();
  std::vector<char> buf(name.begin(), name.end());
  buf.push_back('\0');
  const int fd = ::mkstemp(buf.data());
  if (fd < 0) return fail(ErrorCode::kIo, path + ": cannot write: " + std::strerror(errno));
  const std::string tmp(buf.data());
  const auto give_up = [&](const std::string& why) -> Result<void> {
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail(ErrorCode::kIo, path + ": cannot write: " + why);
  };
  if (::fchmod(fd, mode) != 0) return give_up(std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return give_up(std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return give_up(std::strerror(errno));
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return fail(ErrorCode::kIo, path + ": cannot write: " + std::strerror(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return fail(ErrorCode::kIo, path + ": cannot write: " + why);
  }
  // The rename is durable once the folder is.
  if (const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
    (void)::fsync(d);
    ::close(d);
  }
  return {};
}

}  // namespace corridor::core
