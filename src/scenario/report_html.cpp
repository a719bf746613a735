// corridor::scenario — the scenario's HTML report (one self-contained page: map, timeline, the
// parties' accounts side by side, claims with their sources); the JSON and text writers are in
// report.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <set>
#include <sstream>

#include "scenario/report.h"
#include "scenario/report_format.h"

namespace corridor::scenario {

using nlohmann::json;

namespace {

// A place by its first name, its other names after it: "Stepanakert (Khankendi)".
std::string label(const Scenario& s, std::size_t place) {
  const auto& p = s.places[place];
  std::string out = p.name;
  for (std::size_t i = 1; i < p.names.size(); ++i) out += (i == 1 ? " (" : "; ") + p.names[i];
  return p.names.size() > 1 ? out + ")" : out;
}


std::string esc(const std::string& in) {
  std::string out;
  for (char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

const char* status_colour(Status s) {
  return s == Status::kOpen ? "#2e7d32" : s == Status::kRestricted ? "#ef6c00" : "#c62828";
}

// A line chart of one or more series over the run's days, as inline SVG.
struct Series {
  std::string name, colour;
  std::vector<double> values;
  bool bars = false;
};

// `asinh`: an axis linear near zero and logarithmic beyond, so that 0, 120 and 10,000 trucks a day
// are all readable on one chart (a linear 10,000 scale flattens the decisive 0 against 120).
std::string chart(const RunResult& r, const std::vector<Series>& series, const std::string& unit, double scale, bool asinh = false,
                  const std::string& title = "") {
  const double w = 900, h = 220, left = 60, bottom = 24, top = 10;
  const auto f = [&](double v) { return asinh ? std::asinh(v / scale) : v / scale; };
  double hi = 0;
  for (const auto& se : series) {
    for (double v : se.values) hi = std::max(hi, f(v));
  }
  if (hi <= 0) hi = 1;
  const double n = static_cast<double>(std::max<std::size_t>(1, r.days.size() - 1));
  auto x = [&](std::size_t i) { return left + (w - left - 10) * static_cast<double>(i) / n; };
  auto y = [&](double v) { return top + (h - top - bottom) * (1 - f(v) / hi); };
  std::ostringstream o;
  o << "<svg viewBox='0 0 " << w << " " << h << "' class='chart' role='img' aria-label='" << esc(title.empty() ? unit : title) << "'>";
  std::vector<double> ticks;
  if (asinh) {
    ticks.push_back(0);
    for (double t = 1; f(t * scale) <= hi * 1.0001; t *= 10) ticks.push_back(t);
  } else {
    for (int k = 0; k <= 4; ++k) ticks.push_back(hi * k / 4);
  }
  for (const double v : ticks) {
    const double yy = asinh ? y(v * scale) : top + (h - top - bottom) * (1 - v / hi);
    o << "<line x1='" << left << "' x2='" << w - 10 << "' y1='" << fixed(yy, 1) << "' y2='" << fixed(yy, 1)
      << "' stroke='#ddd'/><text x='" << left - 4 << "' y='" << fixed(yy + 4, 1) << "' text-anchor='end'>"
      << esc(asinh ? thousands(v) : fixed(v, v < 10 ? 1 : 0)) << "</text>";
  }
  for (std::size_t i = 0; i < r.days.size(); ++i) {
    const std::string d = supply::day_text(r.days[i].day);
    if (d.substr(8) == "01") {
      o << "<line x1='" << fixed(x(i), 1) << "' x2='" << fixed(x(i), 1) << "' y1='" << top << "' y2='" << h - bottom
        << "' stroke='#eee'/><text x='" << fixed(x(i), 1) << "' y='" << h - 6 << "' text-anchor='middle'>"
        << d.substr(0, 7) << "</text>";
    }
  }
  for (const auto& se : series) {
    if (se.bars) {
      const double bw = std::max(1.0, (w - left - 10) / n * 0.8);
      for (std::size_t i = 0; i < se.values.size(); ++i) {
        if (se.values[i] <= 0) continue;
        o << "<rect x='" << fixed(x(i) - bw / 2, 1) << "' y='" << fixed(y(se.values[i]), 1) << "' width='" << fixed(bw, 1)
          << "' height='" << fixed(h - bottom - y(se.values[i]), 1) << "' fill='" << se.colour << "' opacity='0.7'/>";
      }
    } else {
      o << "<polyline fill='none' stroke='" << se.colour << "' stroke-width='2' points='";
      for (std::size_t i = 0; i < se.values.size(); ++i) o << fixed(x(i), 1) << "," << fixed(y(se.values[i]), 1) << " ";
      o << "'/>";
    }
  }
  o << "<text x='" << left << "' y='" << top + 2 << "' dy='8' dx='4'>" << esc(unit) << (asinh ? " (asinh scale)" : "")
    << "</text></svg><p class='legend'>";
  for (const auto& se : series) o << "<span style='color:" << se.colour << "'>&#9632;</span> " << esc(se.name) << " &nbsp; ";
  o << "</p>";
  return o.str();
}


// Names, never ids: a road by its name, a checkpoint by its regime's name, a party by its description.
std::string target_name(const Scenario& s, const std::string& id) { return s.names_of(id).front(); }

// A road, checkpoint or place by its display name, with every other name and its id as a tooltip.
std::string named(const Scenario& s, const std::string& id) {
  const auto names = s.names_of(id);
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : " · ") + n;
  return "<span title='" + esc(all + " · id " + id) + "'>" + esc(names.front()) + "</span>";
}

std::string party_name(const Scenario& s, const std::string& id) {
  const auto it = s.parties.find(id);
  if (it == s.parties.end()) return id;
  const auto paren = it->second.find(" (");
  return paren == std::string::npos ? it->second : it->second.substr(0, paren);
}

// A party by its name, with its whole description and id as a tooltip.
std::string party_html(const Scenario& s, const std::string& id) {
  const auto it = s.parties.find(id);
  return "<span title='" + esc((it == s.parties.end() ? id : it->second) + " · id " + id) + "'>" + esc(party_name(s, id)) + "</span>";
}

// A source is a link when it is a URL; several are separated by " | " in the scenario's files.
std::string source_links(const std::string& source) {
  std::string out;
  std::size_t from = 0;
  while (from <= source.size()) {
    std::size_t bar = source.find(" | ", from);
    if (bar == std::string::npos) bar = source.size();
    const std::string one = source.substr(from, bar - from);
    if (!one.empty()) {
      if (!out.empty()) out += " &middot; ";
      const bool url = one.rfind("https://", 0) == 0 || one.rfind("http://", 0) == 0;
      out += url ? "<a href='" + esc(one) + "' rel='noopener noreferrer'>" + esc(one) + "</a>" : esc(one);
    }
    from = bar + 3;
  }
  return out;
}

// A label beside its point, in the first of four positions (right, left, above, below) that covers
// no label already placed: the most important first (checkpoints, sources, then by population).
struct LabelBox {
  double x, y, w, h;
  [[nodiscard]] bool overlaps(const LabelBox& o) const { return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h; }
};

}  // namespace

std::string relative(std::string text, const std::string& dir) {
  if (dir.empty()) return text;
  const std::string prefix = dir + "/";
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) text.erase(at, prefix.size());
  return text;
}

json relative(json j, const std::string& dir) {
  if (dir.empty()) return j;
  if (j.is_string()) return relative(j.get<std::string>(), dir);
  if (j.is_array() || j.is_object()) {
    for (auto& v : j) v = relative(std::move(v), dir);
  }
  return j;
}

std::string html_report(const Scenario& s, const RunResult& r, Day map_day) {
  const json sum = summary_json(s, r);
  const DayResult* mday = &r.days.front();
  for (const auto& d : r.days) {
    if (d.day == map_day) mday = &d;
  }
  const auto rel = [&s](const std::string& text) { return relative(text, s.dir); };
  std::ostringstream o;
  o << "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><meta name='viewport' content='width=device-width, initial-scale=1'><title>"
    << esc(s.name) << "</title><style>"
    << "body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1000px;padding:0 10px;color:#222}"
    << "table{border-collapse:collapse;font-size:14px;margin:.5em 0;display:block;overflow-x:auto;max-width:100%}td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}"
    << "th{background:#f3f3f3}td{overflow-wrap:anywhere;max-width:360px}.chart text{font-size:12px;fill:#444}"
    << ".map text{font-size:15px;fill:#222;paint-order:stroke;stroke:#fff;stroke-width:4px}.map text.cut{fill:#b2182b;font-weight:600}"
    << ".map text.other{fill:#555;font-size:13px}.chart{width:100%;height:auto}.map{width:100%;max-height:720px;border:1px solid #ccc}"
    << ".legend{font-size:14px;margin:0}.note{color:#555;font-size:14px}"
    << "@media (max-width:600px){body{margin:.5em auto}.map text{font-size:22px}.map text.other{font-size:20px}.chart text{font-size:22px}}"
    << "</style></head><body>";
  o << "<h1>" << esc(s.name) << "</h1><p class='note'>" << esc(s.note) << "</p>";
  o << "<p>" << supply::day_text(s.start) << " to " << supply::day_text(s.end) << " &middot; "
    << thousands(static_cast<double>(s.area_population())) << " people in " << s.area.size() << " listed places &middot; status: "
    << (r.trust.empty() ? "each road's and checkpoint's operator" : "claims of " + party_html(s, r.trust))
    << " (conflicting claims are listed below, whichever is trusted)</p>";
  // What every figure below rests on.
  const json& as = sum["assumptions"];
  o << "<h2>What these figures rest on</h2><ul class='assumptions'><li>Trusted for each road and checkpoint: ";
  for (const auto& t : as["trusted"]) {
    o << (&t == &as["trusted"].front() ? "" : "; ") << named(s, t["target"].get<std::string>()) << " &rarr; "
      << (t["party"].is_null() ? std::string("nobody") : party_html(s, t["party"].get<std::string>())) << " <span class='note'>("
      << esc(rel(t["why"].get<std::string>()));
    if (t["fallback_days"].get<std::int64_t>() > 0) {
      o << "; silent on " << t["fallback_days"].get<std::int64_t>() << " days, the most restrictive claim taken";
    }
    o << ")</span>";
  }
  o << ".</li><li>Where the trusted party says nothing: " << esc(as["silence"].get<std::string>()) << ".</li><li>Claims that state no end: "
    << esc(as["open_claims"].get<std::string>()) << ".</li><li>Capacity: ";
  for (const auto& c : as["capacity"]["roads"]) {
    o << esc(c["class"].get<std::string>()) << " roads " << thousands(c["trucks_per_day"].get<double>()) << " trucks a day ("
      << (c["sourced"].get<bool>() ? "sourced: " + esc(c["source"].get<std::string>()) : std::string("<b>ASSUMED</b>: built-in planning figure, not sourced"))
      << "); ";
  }
  for (const auto& c : as["capacity"]["checkpoints"]) {
    o << named(s, c["id"].get<std::string>()) << " " << thousands(c["vehicles_per_day"].get<double>()) << " vehicles a day ("
      << esc(rel(c["source"].get<std::string>())) << ")";
  }
  o << ".</li><li>Population (itself a contested figure): ";
  for (const auto& p : as["population"]) {
    o << (&p == &as["population"].front() ? "" : " &middot; ") << esc(p["label"].get<std::string>()) << " <b>"
      << thousands(p["people"].get<double>()) << "</b> (coverage " << fixed(100 * p["coverage"].get<double>(), 1) << "%, "
      << p["days_short"].get<std::int64_t>() << " days short)";
  }
  o << ". The figures on this page use the listed settlements (mostly PROXY figures of 2005&ndash;2021; see the places table).</li>"
    << "<li>Opening stock: " << fixed(s.opening_stock_days, 0) << " days of the need (" << esc(s.opening_stock_note) << ").</li>"
    << "<li>Food: " << fixed(100 * as["food"]["share"].get<double>(), 0) << "% of the tonnes moved count as food ("
    << esc(as["food"]["note"].get<std::string>()) << ").</li><li>Stock: " << esc(as["carry_over"].get<std::string>()) << ".</li></ul>";

  // Map: framed on every place and every road with its approaches.
  double minlat = 90, maxlat = -90, minlon = 180, maxlon = -180;
  auto extend = [&](core::LatLon ll) {
    minlat = std::min(minlat, ll.lat);
    maxlat = std::max(maxlat, ll.lat);
    minlon = std::min(minlon, ll.lon);
    maxlon = std::max(maxlon, ll.lon);
  };
  for (const auto& p : s.places) extend(p.point);
  for (const auto& [road, segs] : s.roads) {
    for (const auto sid : segs) {
      for (const auto& p : s.graph().shape(sid)) extend(p.to_double());
    }
  }
  const double margin_lat = std::max(0.01, (maxlat - minlat) * 0.06), margin_lon = std::max(0.01, (maxlon - minlon) * 0.06);
  minlat -= margin_lat;
  maxlat += margin_lat;
  minlon -= margin_lon;
  maxlon += margin_lon;
  const double kx = std::cos((minlat + maxlat) / 2 * M_PI / 180);
  const double mw = 960, sc = mw / std::max(1e-9, (maxlon - minlon) * kx), mh = (maxlat - minlat) * sc;
  auto px = [&](double lon) { return (lon - minlon) * kx * sc; };
  auto py = [&](double lat) { return (maxlat - lat) * sc; };
  o << "<h2>Network on " << supply::day_text(mday->day) << "</h2><svg viewBox='0 0 " << mw << " " << fixed(mh, 0)
    << "' class='map' role='img' aria-label='Map of the roads, places and checkpoints on " << supply::day_text(mday->day)
    << "'><defs><clipPath id='frame'><rect width='" << mw << "' height='" << fixed(mh, 0)
    << "'/></clipPath></defs><g clip-path='url(#frame)'><rect width='100%' height='100%' fill='#f3f0e8'/>";
  std::map<core::SegmentId, std::string> road_of;
  for (const auto& [road, segs] : s.roads) {
    for (auto sid : segs) road_of[sid] = road;
  }
  std::set<std::string> contested;
  for (const auto& c : mday->conflicts) contested.insert(c.target);
  for (std::uint32_t i = 0; i < s.graph().segment_count(); ++i) {
    const core::SegmentId sid(i);
    const std::string& road = road_of[sid];
    std::string colour = "#9e9e9e", what = "no claim", by;
    Status status = Status::kOpen;
    const auto st = mday->status.find(road);
    if (st != mday->status.end()) {
      colour = status_colour(st->second.status);
      what = status_name(st->second.status);
      status = st->second.status;
      if (st->second.claim) by = party_name(s, s.claims[*st->second.claim].party);
    }
    std::string points;
    for (const auto& p : s.graph().shape(sid)) {
      const core::LatLon ll = p.to_double();
      points += fixed(px(ll.lon), 1) + "," + fixed(py(ll.lat), 1) + " ";
    }
    if (contested.contains(road)) {
      o << "<polyline fill='none' stroke='#762a83' stroke-opacity='0.4' stroke-width='14' points='" << points << "'/>";
    }
    const char* dash = status == Status::kClosed ? " stroke-dasharray='4 7'" : status == Status::kRestricted ? " stroke-dasharray='14 6'" : "";
    o << "<polyline fill='none' stroke='" << colour << "' stroke-width='6'" << dash << " points='" << points << "'><title>"
      << esc(target_name(s, road.empty() ? std::string(s.graph().name(sid)) : road)) << " — " << esc(what)
      << (by.empty() ? "" : " according to " + esc(by)) << (contested.contains(road) ? " (contested)" : "") << "</title></polyline>";
  }
  // Places, checkpoints, then their labels.
  struct Point {
    double x, y, r;
    std::string text, cls;
    double priority;
  };
  std::vector<Point> points;
  for (std::size_t i = 0; i < s.places.size(); ++i) {
    const auto& p = s.places[i];
    const bool in_area = std::find(s.area.begin(), s.area.end(), i) != s.area.end();
    const bool source = std::find(s.sources.begin(), s.sources.end(), i) != s.sources.end();
    const bool cut = std::find(mday->cut_off.begin(), mday->cut_off.end(), i) != mday->cut_off.end();
    const double rr = in_area ? 4 + std::sqrt(static_cast<double>(p.population)) / 20 : source ? 7 : 4;
    const double x = px(p.point.lon), y = py(p.point.lat);
    o << "<circle cx='" << fixed(x, 1) << "' cy='" << fixed(y, 1) << "' r='" << fixed(rr, 1) << "' fill='"
      << (source ? "#1565c0" : cut ? "#c62828" : in_area ? "#2e7d32" : "#9e9e9e") << "' stroke='#fff' stroke-width='1.5'><title>"
      << esc(label(s, i)) << (in_area ? ", population " + thousands(static_cast<double>(p.population)) : source ? ", supply source" : "")
      << (cut ? ", CUT OFF from traffic open to all" : "") << "</title></circle>";
    points.push_back({x, y, rr, p.name, cut ? "cut" : (in_area || source) ? "" : "other",
                      (source ? 5e8 : 0) + static_cast<double>(p.population) + (in_area ? 1 : 0)});
  }
  for (const auto& c : s.checkpoints) {
    const double x = px(c.regime.lon), y = py(c.regime.lat);
    const auto cst = mday->status.find(c.id);
    o << "<g transform='translate(" << fixed(x, 1) << "," << fixed(y, 1) << ")'><title>" << esc(target_name(s, c.id))
      << ": operated by " << esc(party_name(s, c.operator_party)) << ", " << thousands(static_cast<double>(c.capacity.per_day()))
      << " trucks a day (the regime's figure)" << (cst != mday->status.end() ? std::string(", ") + status_name(cst->second.status) : "")
      << "</title><rect x='-11' y='-11' width='22' height='22' fill='#fff' stroke='#222' stroke-width='2'/>"
         "<rect x='-7' y='-6' width='3' height='13' fill='#222'/><rect x='-4' y='-4' width='12' height='5' fill='#b2182b' stroke='#222'/></g>";
    points.push_back({x, y, 12,
                      target_name(s, c.id) + ": " + (c.in_force(mday->day) ? thousands(static_cast<double>(c.capacity.per_day())) + " trucks/day" : "not in force"),
                      "", 1e9});
  }
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return points[a].priority > points[b].priority; });
  std::vector<LabelBox> placed;
  std::size_t waiting = 0;
  for (const std::size_t k : order) {
    const Point& p = points[k];
    const double fs = p.cls == "other" ? 13 : 15, w = 0.56 * fs * static_cast<double>(p.text.size()) + 4, h = fs + 3, gap = p.r + 3;
    const LabelBox cand[] = {{p.x + gap, p.y - h / 2, w, h}, {p.x - gap - w, p.y - h / 2, w, h}, {p.x - w / 2, p.y - gap - h, w, h},
                             {p.x - w / 2, p.y + gap, w, h}};
    const LabelBox* spot = nullptr;
    for (const auto& c : cand) {
      if (c.x < 0 || c.y < 0 || c.x + c.w > mw || c.y + c.h > mh) continue;
      bool clear = std::none_of(placed.begin(), placed.end(), [&](const LabelBox& b) { return b.overlaps(c); });
      for (std::size_t j = 0; clear && j < points.size() && p.priority < 1e9; ++j) {
        if (j != k && LabelBox{points[j].x - points[j].r, points[j].y - points[j].r, 2 * points[j].r, 2 * points[j].r}.overlaps(c)) clear = false;
      }
      if (clear) {
        spot = &c;
        break;
      }
    }
    if (spot == nullptr) {
      ++waiting;
      continue;
    }
    placed.push_back(*spot);
    o << "<text x='" << fixed(spot->x + 2, 1) << "' y='" << fixed(spot->y + h - 4, 1) << "'" << (p.cls.empty() ? "" : " class='" + p.cls + "'")
      << ">" << esc(p.text) << "</text>";
  }
  // A scale bar: a round number of kilometres about 120 px long.
  const double km_per_px = (maxlon - minlon) * kx * 111.32 / mw;
  double bar_km = 1;
  for (const double step : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0}) {
    if (step / km_per_px <= 160) bar_km = step;
  }
  const double bar_px = bar_km / km_per_px;
  o << "<g transform='translate(16," << fixed(mh - 20, 0) << ")'><rect x='-6' y='-22' width='" << fixed(bar_px + 12, 0)
    << "' height='30' fill='#fff' opacity='0.8'/><path d='M0,-6 V0 H" << fixed(bar_px, 1) << " V-6' fill='none' stroke='#222' stroke-width='2'/>"
    << "<text x='0' y='-9'>" << thousands(bar_km) << " km</text></g>";
  o << "</g></svg><p class='legend'><span style='color:#2e7d32'>&#9644;</span> open <span style='color:#ef6c00'>&#9644; &#9644;</span> "
       "restricted <span style='color:#c62828'>&#183;&#183;&#183;</span> closed <span style='color:#762a83'>&#9644;</span> contested "
       "<span style='color:#9e9e9e'>&#9644;</span> no claim &middot; <span style='color:#1565c0'>&#9679;</span> supply source, "
       "<span style='color:#2e7d32'>&#9679;</span> place (size: population; <span style='color:#c62828'>&#9679;</span> cut off), "
       "&#9635; checkpoint (throughput) &middot; geometry drawn through waypoints, not surveyed; no country outlines here (the "
       "dashboard of <code>corridor serve</code> has them)"
    << (waiting > 0 ? " &middot; " + std::to_string(waiting) + " labels left out where places crowd (every place is in the table below)" : "")
    << "</p>";
  o << "<p>On this day: " << thousands(static_cast<double>(mday->cut_off_population)) << " people in listed places cut off from traffic open to all; capacity "
    << thousands(static_cast<double>(mday->capacity_open)) << " trucks a day open to all, "
    << thousands(static_cast<double>(mday->capacity_with_restricted)) << " counting restricted roads.</p>";

  // Charts.
  Series need{"need (Mkcal/day)", "#333", {}}, delivered{"delivered (Mkcal/day)", "#1565c0", {}, true},
      dos{"days of supply in stock", "#6a1b9a", {}}, cap{"trucks/day open to all", "#2e7d32", {}},
      capr{"trucks/day counting restricted roads", "#ef6c00", {}}, cut{"people cut off from traffic open to all (thousands)", "#c62828", {}};
  for (const auto& d : r.days) {
    need.values.push_back(d.supply.need_kcal);
    delivered.values.push_back(d.supply.delivered_kcal);
    dos.values.push_back(d.supply.days_of_supply);
    cap.values.push_back(static_cast<double>(d.capacity_open));
    capr.values.push_back(static_cast<double>(d.capacity_with_restricted));
    cut.values.push_back(static_cast<double>(d.cut_off_population) / 1000);
  }
  o << "<h2>Need and deliveries</h2>" << chart(r, {delivered, need}, "Mkcal per day", 1e6);
  if (sum["supply"].contains("need_ration_tonnes_per_day")) {
    o << "<p>Need: " << thousands(r.need_kcal_per_day / 1e6) << " Mkcal a day, as food "
      << fixed(sum["supply"]["need_ration_tonnes_per_day"].get<double>(), 1) << " t of a "
      << fixed(s.needs.ration_g_per_person_day, 0) << " g ration basket, "
      << fixed(sum["supply"]["need_trucks_per_day"].get<double>(), 1) << " trucks of " << fixed(s.truck_tonnes, 0)
      << " t a day; water " << thousands(r.water_l_per_day) << " L a day (not carried by the convoys).</p>";
  }
  o << "<p>Coverage over the run: <b>" << fixed(100 * r.whole.coverage, 1) << "%</b> of the energy need delivered; "
    << r.whole.days_short << " days on which stock could not meet the need. Opening stock: "
    << fixed(r.need_kcal_per_day > 0 ? r.opening_stock_kcal / r.need_kcal_per_day : 0, 0) << " days (" << esc(s.opening_stock_note)
    << ").</p>";
  o << "<h2>Days of supply</h2>" << chart(r, {dos}, "days", 1);
  o << "<h2>Capacity and cut-off</h2>" << chart(r, {cap, capr}, "trucks per day", 1, true, "Trucks a day through the corridor")
    << chart(r, {cut}, "thousand people", 1, false, "People cut off from traffic open to all");

  // Tables.
  o << "<h2>Conflicting claims</h2><table><tr><th>road or checkpoint</th><th>days</th><th>party</th><th>status</th><th>claimed by</th><th>source</th></tr>";
  for (const auto& c : sum["conflicts"]) {
    const auto& cl = c["claims"];
    for (std::size_t k = 0; k < cl.size(); ++k) {
      o << "<tr>";
      if (k == 0) {
        o << "<td rowspan='" << cl.size() << "'>" << named(s, c["target"].get<std::string>()) << "</td><td rowspan='" << cl.size()
          << "'>" << c["first"].get<std::string>() << " .. " << c["last"].get<std::string>() << " (" << c["days"].get<std::int64_t>()
          << ")</td>";
      }
      std::string st = cl[k]["status"].get<std::string>();
      if (cl[k].contains("allowed")) {
        std::string who;
        for (const auto& a : cl[k]["allowed"]) who += (who.empty() ? "" : ", ") + a.get<std::string>();
        st += " (" + (who.empty() ? std::string("no party named") : who) + ")";
      }
      if (cl[k].contains("about")) {
        std::string of;
        for (const auto& a : cl[k]["about"]) of += (of.empty() ? "" : ", ") + a.get<std::string>();
        st += ", of " + of + "'s traffic";
      }
      o << "<td>" << party_html(s, cl[k]["party"].get<std::string>()) << "</td><td>" << esc(st) << "</td><td>"
        << esc(cl[k]["claimed_by"].get<std::string>()) << (cl[k].contains("quote") ? "<br><q>" + esc(cl[k]["quote"].get<std::string>()) + "</q>" : "")
        << " <span class='note'>(" << esc(rel(cl[k]["origin"].get<std::string>())) << "; " << esc(rel(cl[k]["validity"].get<std::string>()))
        << ")</span></td><td>" << source_links(cl[k]["source"].get<std::string>()) << "</td></tr>";
    }
  }
  o << "</table>";
  o << "<h2>Status changes</h2><table><tr><th>date</th><th>road or checkpoint</th><th>effective status</th><th>according to</th></tr>";
  for (const auto& c : r.changes) {
    std::string st = status_name(c.after.status);
    if (c.after.status == Status::kRestricted) {
      std::string who;
      for (const auto& a : c.after.allowed) who += (who.empty() ? "" : ", ") + a;
      st += " (" + (who.empty() ? std::string("no party named") : who) + ")";
    }
    o << "<tr><td>" << supply::day_text(c.day) << "</td><td>" << named(s, c.target) << "</td><td>" << esc(st) << "</td><td>"
      << (c.after.claim ? party_html(s, s.claims[*c.after.claim].party) +
                              esc((c.after.fallback ? " (most restrictive; the trusted party silent)" : std::string()) + ", " +
                                  rel(s.claims[*c.after.claim].origin))
                        : c.after.baseline ? std::string("the scenario's baseline") : std::string("no claim"))
      << "</td></tr>";
  }
  o << "</table><h2>Convoys</h2><table><tr><th>convoy</th><th>party</th><th>moved</th><th>tonnes</th><th>blocked days</th><th>first reason blocked</th></tr>";
  for (const auto& c : sum["convoys"]) {
    o << "<tr><td>" << esc(c["id"].get<std::string>()) << "</td><td>" << party_html(s, c["party"].get<std::string>()) << "</td><td>"
      << c["moved"].get<std::int64_t>() << "</td><td>" << fixed(c["tonnes_delivered"].get<double>(), 0) << "</td><td>"
      << c["blocked_days"].get<std::int64_t>() << "</td><td>" << esc(rel(c.value("first_blocked", std::string()))) << "</td></tr>";
  }
  o << "</table><h2>Reported movements beside the run</h2><table><tr><th>days</th><th>reported by</th><th>what</th><th>reported</th>"
       "<th>the run</th><th>source</th></tr>";
  for (const auto& m : sum["movements"]["reports"]) {
    std::string reported;
    for (const char* k : {"trucks", "vehicles", "tonnes", "people"}) {
      if (!m["reported"][k].is_null()) {
        reported += (reported.empty() ? "" : ", ") + thousands(m["reported"][k].get<double>()) + (std::string(k) == "tonnes" ? " t" : " " + std::string(k));
      }
    }
    std::string model = "&mdash;";
    if (m.contains("model")) {
      model = thousands(m["model"]["tonnes"].get<double>()) + " t, " + std::to_string(m["model"]["trucks"].get<std::int64_t>()) + " trucks";
      if (m.contains("agrees")) model += m["agrees"].get<bool>() ? " (agrees)" : " <b>(contradicts the report)</b>";
    }
    o << "<tr><td>" << m["from"].get<std::string>() << (m["until"] != m["from"] ? " .. " + m["until"].get<std::string>() : "") << "</td><td>"
      << party_html(s, m["party"].get<std::string>()) << "<br><span class='note'>" << esc(m["claimed_by"].get<std::string>()) << "</span></td><td>"
      << esc(m["movement"].get<std::string>() + " " + m["direction"].get<std::string>()) << "<br><q>" << esc(m["quote"].get<std::string>())
      << "</q></td><td>" << esc(reported.empty() ? "not given" : reported) << "</td><td>" << model << "</td><td>"
      << source_links(m["source"].get<std::string>()) << " <span class='note'>(" << esc(rel(m["origin"].get<std::string>())) << ")</span></td></tr>";
  }
  o << "</table><h2>Places</h2><table><tr><th>place (all names)</th><th>population (PROXY unless stated)</th><th>cut off from traffic open to all</th></tr>";
  for (const auto& p : sum["places"]) {
    std::string spans_text;
    for (const auto& sp : p["cut_off"]) {
      spans_text += (spans_text.empty() ? "" : "; ") + sp[0].get<std::string>() + " .. " + sp[1].get<std::string>();
    }
    std::size_t idx = 0;
    for (std::size_t i = 0; i < s.places.size(); ++i) {
      if (s.places[i].id == p["id"].get<std::string>()) idx = i;
    }
    o << "<tr><td>" << esc(label(s, idx)) << "</td><td>" << thousands(p["population"].get<double>()) << "</td><td>"
      << esc(spans_text.empty() ? "never" : spans_text) << "</td></tr>";
  }
  o << "</table><p class='note'>Made by corridor from " << esc(std::filesystem::path(s.path).filename().string()) << ". Every status is a claim attributed to its "
       "source; figures marked ASSUMED in the scenario's files are assumptions, not data.</p></body></html>\n";
  return o.str();
}


}  // namespace corridor::scenario
