#include "net/graph_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <fstream>
#include <tuple>

namespace corridor::net {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

constexpr char kMagic[8] = {'C', 'G', 'R', 'A', 'P', 'H', '\r', '\n'};

struct FileHeader {
  char magic[8];
  std::uint32_t version;
  std::uint32_t section_count;
  std::uint64_t file_size;
  std::uint32_t checksum;
  std::uint32_t reserved;
};
static_assert(sizeof(FileHeader) == 32);

struct SectionEntry {
  std::uint32_t id;
  std::uint32_t element_size;
  std::uint64_t offset;
  std::uint64_t count;
};
static_assert(sizeof(SectionEntry) == 24);

// One row per section: its id in the file (its position, from 1) and the array it fills. Ids are
// append-only within a format version.
template <typename T>
using Member = std::span<const T> Graph::Arrays::*;
using SectionList =
    std::tuple<Member<FixedLatLon>, Member<std::uint32_t>, Member<std::int8_t>, Member<std::uint8_t>,
               Member<std::uint32_t>, Member<Arc>, Member<std::uint32_t>, Member<Segment>, Member<std::uint32_t>,
               Member<FixedLatLon>, Member<std::int64_t>, Member<std::uint32_t>, Member<char>, Member<double>,
               Member<std::uint32_t>, Member<std::uint32_t>, Member<char>, Member<std::uint32_t>,
               Member<std::uint32_t>, Member<std::uint32_t>, Member<std::uint32_t>, Member<std::uint32_t>,
               Member<ChEntry>>;
constexpr SectionList kSections{
    &Graph::Arrays::node_coord,     &Graph::Arrays::node_osm_id_low, &Graph::Arrays::node_osm_id_high,
    &Graph::Arrays::node_barrier,   &Graph::Arrays::first_out,       &Graph::Arrays::arcs,
    &Graph::Arrays::edge_segment,   &Graph::Arrays::segments,        &Graph::Arrays::segment_first_interior,
    &Graph::Arrays::interior_coord, &Graph::Arrays::interior_osm_id, &Graph::Arrays::string_offsets,
    &Graph::Arrays::string_chars,   &Graph::Arrays::grid_meta,       &Graph::Arrays::grid_first,
    &Graph::Arrays::grid_items,     &Graph::Arrays::source,          &Graph::Arrays::landmark_nodes,
    &Graph::Arrays::landmark_dist,  &Graph::Arrays::ch_metric,       &Graph::Arrays::ch_rank,
    &Graph::Arrays::ch_first,       &Graph::Arrays::ch_up};
constexpr std::uint32_t kSectionCount = std::tuple_size_v<SectionList>;
constexpr const char* kSectionNames[kSectionCount] = {
    "node_coord",     "node_osm_id_low", "node_osm_id_high", "node_barrier",   "first_out",
    "arcs",           "edge_segment",    "segments",         "segment_first_interior", "interior_coord",
    "interior_osm_id", "string_offsets", "string_chars",     "grid_meta",      "grid_first",
    "grid_items",     "source",          "landmark_nodes",   "landmark_dist",  "ch_metric",
    "ch_rank",        "ch_first",        "ch_up"};

template <typename F>
void for_each_section(F&& f) {
  std::apply(
      [&](auto... members) {
        std::uint32_t id = 1;
        (f(id++, members), ...);
      },
      kSections);
}

std::uint64_t align8(std::uint64_t x) { return (x + 7) & ~std::uint64_t{7}; }

std::uint32_t crc32_of(std::span<const std::byte> bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* p = reinterpret_cast<const Bytef*>(bytes.data());
  std::size_t left = bytes.size();
  while (left > 0) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(left, 1u << 30));
    crc = crc32(crc, p, chunk);
    p += chunk;
    left -= chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

}  // namespace

namespace {

// Where each section goes, and the header, for a set of arrays.
struct Layout {
  std::vector<SectionEntry> table;
  FileHeader header{};
};

Layout layout_of(const Graph::Arrays& a) {
  Layout l;
  std::uint64_t offset = align8(sizeof(FileHeader) + sizeof(SectionEntry) * kSectionCount);
  for_each_section([&](std::uint32_t id, auto member) {
    const auto& span = a.*member;
    using T = typename std::remove_cvref_t<decltype(span)>::element_type;
    l.table.push_back({id, static_cast<std::uint32_t>(sizeof(T)), offset, span.size()});
    offset = align8(offset + span.size_bytes());
  });
  std::memcpy(l.header.magic, kMagic, sizeof kMagic);
  l.header.version = kGraphFileVersion;
  l.header.section_count = kSectionCount;
  l.header.file_size = offset;
  return l;
}

// Emits every byte after the header, in file order, through sink(pointer, size); returns the CRC.
template <typename Sink>
std::uint32_t emit_body(const Graph::Arrays& a, const Layout& l, Sink&& sink) {
  static constexpr char kZeros[8] = {};
  uLong crc = crc32(0L, Z_NULL, 0);
  std::uint64_t at = sizeof(FileHeader);
  auto put = [&](const void* p, std::size_t n) {
    if (n == 0) return;
    crc = crc32_z(crc, static_cast<const Bytef*>(p), n);
    sink(p, n);
    at += n;
  };
  put(l.table.data(), sizeof(SectionEntry) * l.table.size());
  std::size_t i = 0;
  for_each_section([&](std::uint32_t, auto member) {
    const auto& span = a.*member;
    put(kZeros, l.table[i].offset - at);
    put(span.data(), span.size_bytes());
    ++i;
  });
  put(kZeros, l.header.file_size - at);
  return static_cast<std::uint32_t>(crc);
}

}  // namespace

std::vector<std::uint64_t> serialize_graph(const Graph::Arrays& a) {
  Layout l = layout_of(a);
  std::vector<std::uint64_t> buffer(l.header.file_size / 8);
  auto* out = reinterpret_cast<char*>(buffer.data()) + sizeof(FileHeader);
  l.header.checksum = emit_body(a, l, [&](const void* p, std::size_t n) {
    std::memcpy(out, p, n);
    out += n;
  });
  std::memcpy(buffer.data(), &l.header, sizeof l.header);
  return buffer;
}

Result<Graph> graph_from_bytes(std::span<const std::byte> bytes, std::shared_ptr<const void> storage,
                               const std::string& name, bool verify_checksum) {
  auto bad = [&](ErrorCode code, const std::string& why) {
    return fail(code, name + ": " + why);
  };
  if (bytes.size() < sizeof(FileHeader) || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return bad(ErrorCode::kCorrupt, "not a corridor graph file (no CGRAPH magic at byte 0)");
  }
  FileHeader h{};
  std::memcpy(&h, bytes.data(), sizeof h);
  if (h.version != kGraphFileVersion) {
    return bad(ErrorCode::kVersion, "graph file version " + std::to_string(h.version) +
                                        ", this corridor reads version " +
                                        std::to_string(kGraphFileVersion) + "; import it again");
  }
  if (h.file_size != bytes.size()) {
    return bad(ErrorCode::kCorrupt, "truncated or padded: header says " +
                                        std::to_string(h.file_size) + " bytes, file has " +
                                        std::to_string(bytes.size()));
  }
  if (h.reserved != 0) return bad(ErrorCode::kCorrupt, "reserved header field is not zero");
  if (h.section_count != kSectionCount ||
      sizeof(FileHeader) + sizeof(SectionEntry) * std::uint64_t{kSectionCount} > bytes.size()) {
    return bad(ErrorCode::kCorrupt, "section table does not fit this version");
  }
  if (verify_checksum &&
      crc32_of(bytes.subspan(sizeof(FileHeader))) != h.checksum) {
    return bad(ErrorCode::kCorrupt, "checksum mismatch (the file was changed or damaged)");
  }
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % 8 != 0) {
    return bad(ErrorCode::kInternal, "buffer is not 8-byte aligned");
  }
  Graph::Arrays a;
  std::string error;
  std::size_t i = 0;
  for_each_section([&](std::uint32_t id, auto member) {
    SectionEntry e{};
    std::memcpy(&e, bytes.data() + sizeof(FileHeader) + sizeof(SectionEntry) * i++, sizeof e);
    using T = typename std::remove_cvref_t<decltype(a.*member)>::element_type;
    if (!error.empty()) return;
    if (e.id != id || e.element_size != sizeof(T) || e.offset % 8 != 0 || e.offset > bytes.size() ||
        e.count > (bytes.size() - e.offset) / sizeof(T)) {
      error = "section " + std::to_string(id) + " is malformed";
      return;
    }
    a.*member = std::span<const T>(reinterpret_cast<const T*>(bytes.data() + e.offset), e.count);
  });
  if (!error.empty()) return bad(ErrorCode::kCorrupt, error);
  if (auto ok = Graph::validate(a); !ok) return bad(ErrorCode::kCorrupt, ok.error().message);
  return Graph(a, std::move(storage));
}

Result<Graph> graph_from_buffer(std::vector<std::uint64_t> buffer, const std::string& name) {
  auto owned = std::make_shared<std::vector<std::uint64_t>>(std::move(buffer));
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(owned->data()),
                                         owned->size() * 8);
  return graph_from_bytes(bytes, owned, name);
}

namespace {
struct Mapping {
  void* addr = MAP_FAILED;
  std::size_t size = 0;
  ~Mapping() {
    if (addr != MAP_FAILED) munmap(addr, size);
  }
};
}  // namespace

std::vector<SectionSize> section_sizes(const Graph::Arrays& a) {
  std::vector<SectionSize> out;
  for_each_section([&](std::uint32_t id, auto member) {
    const auto& span = a.*member;
    out.push_back({kSectionNames[id - 1], span.size(), span.size_bytes()});
  });
  return out;
}

namespace {

// Maps a graph file read-only; `verify_checksum` reads every byte for the CRC first.
Result<Graph> map_graph(const std::string& path, bool verify_checksum) {
  // verify_checksum is the full check, which also runs Graph::check_consistency.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                path + ": cannot open graph file: " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(ErrorCode::kIo, path + ": not a regular file");
  }
  auto mapping = std::make_shared<Mapping>();
  mapping->size = static_cast<std::size_t>(st.st_size);
  if (mapping->size == 0) {
    ::close(fd);
    return fail(ErrorCode::kCorrupt, path + ": empty file, not a corridor graph");
  }
  mapping->addr = ::mmap(nullptr, mapping->size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapping->addr == MAP_FAILED) {
    return fail(ErrorCode::kIo, path + ": mmap failed: " + std::strerror(errno));
  }
  const std::span<const std::byte> bytes(static_cast<const std::byte*>(mapping->addr),
                                         mapping->size);
  CORRIDOR_TRY(Graph g, graph_from_bytes(bytes, mapping, path, verify_checksum));
  if (verify_checksum) {
    if (auto ok = Graph::check_consistency(g.arrays()); !ok) {
      return fail(ErrorCode::kCorrupt, path + ": " + ok.error().message);
    }
  }
  return g;
}

}  // namespace

Result<Graph> load_graph(const std::string& path) { return map_graph(path, false); }

Result<GraphFileCheck> verify_graph_file(const std::string& path) {
  CORRIDOR_TRY(const Graph g, map_graph(path, true));
  GraphFileCheck c;
  c.nodes = g.node_count();
  c.sections = section_sizes(g.arrays());
  const Layout l = layout_of(g.arrays());
  c.file_bytes = l.header.file_size;
  FileHeader h{};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(&h), sizeof h);
  c.checksum = h.checksum;
  return c;
}

Result<void> save_graph(const Graph& g, const std::string& path) {
  // Streams the arrays straight to the file (no image of the whole file in memory), then writes the
  // header with the checksum, flushes, and renames into place.
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(ErrorCode::kIo, tmp + ": cannot create: " + std::strerror(errno));
  std::string error;
  auto write_all = [&](const void* p, std::size_t n) {
    const char* c = static_cast<const char*>(p);
    while (n > 0 && error.empty()) {
      const ssize_t w = ::write(fd, c, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        error = std::strerror(errno);
        return;
      }
      c += w;
      n -= static_cast<std::size_t>(w);
    }
  };
  Layout l = layout_of(g.arrays());
  if (::lseek(fd, sizeof(FileHeader), SEEK_SET) < 0) error = std::strerror(errno);
  l.header.checksum = emit_body(g.arrays(), l, write_all);
  if (error.empty() &&
      ::pwrite(fd, &l.header, sizeof l.header, 0) != static_cast<ssize_t>(sizeof l.header)) {
    error = std::strerror(errno);
  }
  if (error.empty() && ::fsync(fd) != 0) error = std::strerror(errno);
  if (::close(fd) != 0 && error.empty()) error = std::strerror(errno);
  if (!error.empty()) {
    ::unlink(tmp.c_str());
    return fail(ErrorCode::kIo, tmp + ": write failed: " + error);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return fail(ErrorCode::kIo, path + ": cannot rename into place: " + why);
  }
  return {};
}

}  // namespace corridor::net
