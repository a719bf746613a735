// For fuzz targets whose reader takes a path: the input written to a file of this process's own.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace corridor::fuzz {

// Writes `size` bytes to a file named `name` in a folder of this process; returns its path.
// The folder goes when the process exits.
inline std::string write_input(const std::string& name, const std::uint8_t* data, std::size_t size) {
  struct Folder {
    std::filesystem::path path = std::filesystem::temp_directory_path() / ("corridor_fuzz_" + std::to_string(::getpid()));
    Folder() { std::filesystem::create_directories(path); }
    ~Folder() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const Folder folder;
  const std::string path = (folder.path / name).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                 static_cast<std::streamsize>(size));
  return path;
}

}  // namespace corridor::fuzz
