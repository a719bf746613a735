// A seeded synthetic road network written as an OSM PBF file, to measure how import and query costs
// grow from 10^4 to 10^7 nodes on a file of the same kind as a real extract.
//
// The network is a jittered grid (about 110 m spacing) thinned to a realistic junction degree: every
// 16th row and column is a fast road (primary, 65 km/h), every 4th a secondary, the rest residential;
// a quarter of the residential links are dropped (dead ends and blocks, average degree about 3), and
// a few residential streets are one-way. Ways span many nodes, as OSM ways do.
//
// usage: synth_osm NODES OUT.osm.pbf [SEED]
#include <osmium/builder/osm_object_builder.hpp>
#include <osmium/io/pbf_output.hpp>
#include <osmium/io/writer.hpp>
#include <osmium/memory/buffer.hpp>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: synth_osm NODES OUT.osm.pbf [SEED]\n");
    return 2;
  }
  const auto target = static_cast<std::uint64_t>(std::stod(argv[1]));
  const std::string out = argv[2];
  std::mt19937_64 rng(argc > 3 ? std::stoull(argv[3]) : 42);
  const auto side = static_cast<std::int64_t>(std::ceil(std::sqrt(static_cast<double>(target))));
  std::uniform_real_distribution<double> jitter(-0.3, 0.3);
  std::uniform_real_distribution<double> unit(0, 1);
  const double step = 0.001;  // degrees, about 110 m of latitude
  const double lat0 = 40.0 - side * step / 2, lon0 = 45.0 - side * step / 2;

  osmium::io::Header header;
  header.set("generator", "corridor synth_osm");
  osmium::io::Writer writer(out, header, osmium::io::overwrite::allow);
  auto id = [&](std::int64_t r, std::int64_t c) { return r * side + c + 1; };
  {
    osmium::memory::Buffer buffer(1 << 22, osmium::memory::Buffer::auto_grow::yes);
    for (std::int64_t r = 0; r < side; ++r) {
      for (std::int64_t c = 0; c < side; ++c) {
        {
          osmium::builder::NodeBuilder nb(buffer);
          nb.set_id(id(r, c)).set_version(1).set_location(
              osmium::Location(lon0 + (c + jitter(rng)) * step, lat0 + (r + jitter(rng)) * step));
          nb.set_user("");
        }
        buffer.commit();
        if (buffer.committed() > (1 << 22) - 4096) {
          writer(std::move(buffer));
          buffer = osmium::memory::Buffer(1 << 22, osmium::memory::Buffer::auto_grow::yes);
        }
      }
    }
    writer(std::move(buffer));
  }
  std::int64_t way_id = 1;
  osmium::memory::Buffer buffer(1 << 22, osmium::memory::Buffer::auto_grow::yes);
  auto emit = [&](const std::vector<std::int64_t>& nodes, const char* highway, bool oneway) {
    if (nodes.size() < 2) return;
    {
      osmium::builder::WayBuilder wb(buffer);
      wb.set_id(way_id++).set_version(1);
      wb.set_user("");
      {
        osmium::builder::WayNodeListBuilder wnl(wb);
        for (auto n : nodes) wnl.add_node_ref(n);
      }
      osmium::builder::TagListBuilder tags(wb);
      tags.add_tag("highway", highway);
      if (oneway) tags.add_tag("oneway", "yes");
    }
    buffer.commit();
    if (buffer.committed() > (1 << 22)) {
      writer(std::move(buffer));
      buffer = osmium::memory::Buffer(1 << 22, osmium::memory::Buffer::auto_grow::yes);
    }
  };
  // Rows and columns; a residential line is broken into streets where links are dropped.
  for (int dir = 0; dir < 2; ++dir) {
    for (std::int64_t a = 0; a < side; ++a) {
      const char* cls = a % 16 == 0 ? "primary" : a % 4 == 0 ? "secondary" : "residential";
      const bool residential = cls[0] == 'r';
      std::vector<std::int64_t> run;
      const bool oneway = residential && unit(rng) < 0.1;
      for (std::int64_t b = 0; b < side; ++b) {
        const std::int64_t n = dir == 0 ? id(a, b) : id(b, a);
        run.push_back(n);
        // Break a residential street at random, dropping the next link; split long ways at ~20 nodes.
        if (residential && b + 1 < side && unit(rng) < 0.25) {
          emit(run, cls, oneway);
          run.clear();
        } else if (run.size() >= 20) {
          emit(run, cls, oneway);
          run = {n};
        }
      }
      emit(run, cls, oneway);
    }
  }
  writer(std::move(buffer));
  writer.close();
  std::printf("%s: %lld nodes, %lld ways\n", out.c_str(), static_cast<long long>(side * side),
              static_cast<long long>(way_id - 1));
  return 0;
}
