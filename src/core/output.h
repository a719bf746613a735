// corridor::core — writing a file so that a reader never sees half of it: a temporary file in the
// same folder, written, flushed to disk and renamed into place (then the folder flushed), so the
// path holds either the old content or the new, whatever happens in between.
#pragma once

#include <string>
#include <sys/types.h>

#include "core/result.h"

namespace corridor::core {

// Writes `text` to `path` atomically with the given mode (0600 for anything that holds a secret or
// a node's own state). kIo naming the path on failure; nothing is left behind.
[[nodiscard]] Result<void> write_file_atomic(const std::string& path, const std::string& text, mode_t mode = 0644);

}  // namespace corridor::core
