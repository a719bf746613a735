// corridor::net — the .cgraph file: a versioned, checksummed image of a Graph, loaded by mmap.
//
// Layout (little-endian, every section 8-byte aligned; docs/formats.md has the full table):
//   header   magic "CGRAPH\r\n", u32 version, u32 section count, u64 file size, u32 CRC-32 of every
//            byte after the header, u32 reserved
//   table    per section: u32 id, u32 element size, u64 offset, u64 element count
//   payload  the sections
// Opening a file (load_graph) checks the magic, the version, the sizes and that every index is in
// bounds (Graph::validate) before it hands out a Graph, so a corrupt or hostile file is an error,
// never a crash; it does not read every byte for the checksum nor check that the arrays agree with
// each other (on a 10^6-node graph those were most of a one-off query's time): verify_graph_file
// does both, and `corridor verify-graph` runs it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "net/graph.h"

namespace corridor::net {

inline constexpr std::uint32_t kGraphFileVersion = 3;

// Serialises the arrays into one buffer in the file layout.
[[nodiscard]] std::vector<std::uint64_t> serialize_graph(const Graph::Arrays& a);

// Parses and validates a file image. `name` is used in errors. The returned Graph keeps `storage`
// alive; `bytes` must point into it.
[[nodiscard]] core::Result<Graph> graph_from_bytes(std::span<const std::byte> bytes,
                                                   std::shared_ptr<const void> storage,
                                                   const std::string& name, bool verify_checksum = true);

// Builds a Graph that owns its buffer.
[[nodiscard]] core::Result<Graph> graph_from_buffer(std::vector<std::uint64_t> buffer,
                                                    const std::string& name);

[[nodiscard]] core::Result<Graph> load_graph(const std::string& path);

// The full check of a graph file: the checksum over every byte after the header, then everything
// load_graph checks. Reports each section's size.
struct SectionSize {
  std::string name;
  std::uint64_t count = 0, bytes = 0;
};
struct GraphFileCheck {
  std::uint32_t checksum = 0;
  std::uint64_t file_bytes = 0;
  std::uint32_t nodes = 0;
  std::vector<SectionSize> sections;
};
[[nodiscard]] core::Result<GraphFileCheck> verify_graph_file(const std::string& path);
// The size of each section a graph occupies in its file, in file order.
[[nodiscard]] std::vector<SectionSize> section_sizes(const Graph::Arrays& a);
// Writes through a temporary file and a rename, so a failed write never leaves half a graph.
[[nodiscard]] core::Result<void> save_graph(const Graph& g, const std::string& path);

}  // namespace corridor::net
