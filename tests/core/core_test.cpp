#include <gtest/gtest.h>

#include "core/csv.h"
#include "core/input.h"

#include <set>

#include "core/error.h"
#include "core/geo.h"
#include "core/result.h"
#include "core/time.h"

namespace corridor::core {
namespace {

// A table that is not UTF-8 (Windows-1252, as spreadsheets save it) is refused at read, naming the
// file, line and column of the first bad byte and how to convert it; never passed on as mojibake.
TEST(Csv, RefusesInvalidUtf8AtTheFirstBadByteWithItsPlace) {
  const auto at = [](const std::string& text) {
    auto t = core::parse_csv(text, "places.csv");
    EXPECT_FALSE(t) << "accepted: " << text;
    return t ? std::string() : t.error().message;
  };
  // In a field on line 2, column 4 (the 'é' of "Café" in Windows-1252).
  std::string m = at("id,name\ncaf,Caf\xe9\n");
  EXPECT_NE(m.find("places.csv:2:8"), std::string::npos) << m;
  EXPECT_NE(m.find("0xe9"), std::string::npos) << m;
  EXPECT_NE(m.find("UTF-8"), std::string::npos) << m;
  EXPECT_NE(m.find("iconv"), std::string::npos) << m;
  // The very first byte; the very last byte; a sequence cut short by the end of the file; a
  // character counted as one column however many bytes it takes.
  EXPECT_NE(at("\xff,name\n").find("places.csv:1:1"), std::string::npos);
  EXPECT_NE(at("id,name\nx,y\x80").find("places.csv:2:4"), std::string::npos);
  EXPECT_NE(at("id,name\nx,\xc3").find("places.csv:2:3"), std::string::npos);
  EXPECT_NE(at("id,name\n\xc3\xa9\xc3\xa9,\xe9\n").find("places.csv:2:4"), std::string::npos);
  // UTF-8 itself, with or without a byte-order mark, reads.
  auto ok = core::parse_csv("\xEF\xBB\xBFid,name\nst,Ստեփանակերտ / Xankəndi\n", "places.csv");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->header[0], "id");
  EXPECT_EQ(ok->rows[0].fields[1], "Ստեփանակերտ / Xankəndi");
}

// A population is a count of people: 0 up to 10^10 (more than live on Earth). Beyond that it is a
// typo or an attack, and sums of such figures overflowed into negative totals.
TEST(Csv, PopulationIsACountOfPeopleWithinTheWorldsAndNoMore) {
  auto t = core::parse_csv("id,population\na,0\nb,10000000000\nc,10000000001\nd,-1\ne,9000000000000000000\nf,1e9\n", "p.csv");
  ASSERT_TRUE(t) << t.error().message;
  auto v = [&](std::size_t i) { return core::csv_population(*t, t->rows[i], "population"); };
  ASSERT_TRUE(v(0));
  EXPECT_EQ(*v(0), 0);
  ASSERT_TRUE(v(1));
  EXPECT_EQ(*v(1), core::kMaxPopulation);
  for (std::size_t i = 2; i < 6; ++i) {
    const auto r = v(i);
    ASSERT_FALSE(r) << i;
    EXPECT_EQ(r.error().code, ErrorCode::kParse);
    EXPECT_NE(r.error().message.find("p.csv:" + std::to_string(i + 2) + ": column 'population'"), std::string::npos) << r.error().message;
  }
  EXPECT_NE(v(2).error().message.find("10,000,000,000"), std::string::npos) << v(2).error().message;
}

TEST(ErrorCatalogue, CodesHaveDistinctNamesAndNonZeroExits) {
  std::set<std::string_view> names;
  std::set<int> exits;
  for (int c = 0; c <= static_cast<int>(ErrorCode::kInternal); ++c) {
    const auto& info = error_info(static_cast<ErrorCode>(c));
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_TRUE(exits.insert(info.exit_code).second) << info.name;
    EXPECT_NE(info.exit_code, 0);
    EXPECT_GE(info.http_status, 400);
  }
  EXPECT_EQ(error_info(ErrorCode::kNoRoute).exit_code, 3);
  EXPECT_EQ(error_info(ErrorCode::kNoRoute).name, "no_route");
}

Result<int> half(int x) {
  if (x % 2 != 0) return fail(ErrorCode::kInvalidArgument, "odd");
  return x / 2;
}
Result<int> quarter(int x) {
  CORRIDOR_TRY(int h, half(x));
  return half(h);
}

TEST(Result, PropagatesTheFirstFailure) {
  EXPECT_EQ(*quarter(8), 2);
  const auto r = quarter(6);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "odd");
}

TEST(Geo, HaversineMatchesAKnownDistance) {
  // Goris to Stepanakert in a straight line; 49,219.93 m by an independent Python haversine.
  const double d = haversine_m({39.5078, 46.3383}, {39.8153, 46.7519});
  EXPECT_NEAR(d, 49'219.93, 0.01);
  EXPECT_DOUBLE_EQ(haversine_m({10, 20}, {10, 20}), 0);
  // One degree of latitude.
  EXPECT_NEAR(haversine_m({0, 0}, {1, 0}), 111'195, 1);
}

TEST(Geo, ParsesLatLonAndRejectsNonsense) {
  const auto p = parse_lat_lon("43.7384,7.4246", "--from");
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->lat, 43.7384);
  EXPECT_DOUBLE_EQ(p->lon, 7.4246);
  for (const char* bad : {"", "43.7", "91,0", "0,181", "a,b", "1,2x", "nan,0"}) {
    const auto r = parse_lat_lon(bad, "--from");
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("--from"), std::string::npos);
  }
}

TEST(Geo, ProjectionClampsToTheSegment) {
  const auto pr = project_onto_segment({0.001, 0.0005}, {0, 0}, {0, 0.001});
  EXPECT_NEAR(pr.t, 0.5, 1e-6);
  EXPECT_NEAR(pr.distance_m, 111.2, 0.5);
  EXPECT_EQ(project_onto_segment({0, -1}, {0, 0}, {0, 0.001}).t, 0);
  EXPECT_EQ(project_onto_segment({0, 1}, {0, 0}, {0, 0.001}).t, 1);
}

TEST(Geo, PolygonContainsAndTouches) {
  const Polygon box = polygon_from_bbox({0, 0, 1, 1});
  EXPECT_TRUE(box.contains({0.5, 0.5}));
  EXPECT_FALSE(box.contains({1.5, 0.5}));
  EXPECT_TRUE(box.touches_segment({-1, 0.5}, {2, 0.5}));   // crosses, both ends outside
  EXPECT_TRUE(box.touches_segment({0.5, 0.5}, {0.6, 0.6}));  // inside
  EXPECT_FALSE(box.touches_segment({2, 2}, {3, 3}));
  // A hole: the inner ring excludes its inside.
  Polygon donut = box;
  donut.rings.push_back({{0.4, 0.4}, {0.4, 0.6}, {0.6, 0.6}, {0.6, 0.4}});
  EXPECT_FALSE(donut.contains({0.5, 0.5}));
  EXPECT_TRUE(donut.contains({0.2, 0.2}));
}

TEST(Time, ParsesIso8601Forms) {
  EXPECT_EQ(*parse_iso8601("1970-01-01", "t"), 0);
  EXPECT_EQ(*parse_iso8601("2023-04-23T08:00Z", "t"), 1682236800);
  EXPECT_EQ(*parse_iso8601("2023-04-23T08:00:00", "t"), 1682236800);
  EXPECT_EQ(*parse_iso8601("2023-04-23T12:00+04:00", "t"), 1682236800);
  EXPECT_EQ(*parse_iso8601("2024-02-29", "t"), 1709164800);
  EXPECT_EQ(format_iso8601(1682236800), "2023-04-23T08:00:00Z");
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59Z");
  for (UnixSeconds t : {0LL, 951782400LL, 1682236800LL, 4102444799LL}) {
    EXPECT_EQ(*parse_iso8601(format_iso8601(t), "t"), t);
  }
}

TEST(Time, RejectsMalformedTimesNamingTheInput) {
  for (const char* bad : {"", "2023", "2023-13-01", "2023-02-29", "2023-04-23T25:00", "2023-04-23T08",
                          "2023-04-23T08:00+4", "2023-04-23T08:00Zjunk", "23-04-2023"}) {
    const auto r = parse_iso8601(bad, "--at");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("--at"), std::string::npos);
  }
}

}  // namespace
}  // namespace corridor::core
