// A scenario, day by day.
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/suggest.h"
#include "access/critical.h"
#include "access/reach.h"
#include "route/plan.h"
#include "scenario/scenario.h"

namespace corridor::scenario {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::SegmentId;

namespace {

constexpr std::int64_t kNoon = 12 * 3600;

bool passes(const Effective& e, const std::string& party) {
  if (e.status == Status::kOpen) return true;
  if (e.status == Status::kClosed) return false;
  return std::find(e.allowed.begin(), e.allowed.end(), party) != e.allowed.end();
}

struct Engine {
  const Scenario& s;
  const RunOptions& o;
  route::Router router;
  std::vector<access::Located> located, sources, area;
  std::set<std::string> targets;
  std::map<std::int64_t, std::string> road_of_way;  // way id -> road id

  Engine(const Scenario& sc, const RunOptions& opt) : s(sc), o(opt), router(sc.graph()) {
    located = access::locate(s.graph(), s.places, s.snap_limit_m, "place");
    for (std::size_t i : s.sources) sources.push_back(located[i]);
    for (std::size_t i : s.area) area.push_back(located[i]);
    for (const auto& c : s.claims) targets.insert(c.target);
    for (const auto& c : s.checkpoints) targets.insert(c.id);
    for (const auto& [t, st] : s.baseline) targets.insert(t);
    for (const auto& w : o.what_if) targets.insert(w.target);
    for (const auto& [road, segs] : s.roads) {
      for (SegmentId sid : segs) road_of_way[s.graph().segment(sid).way_id] = road;
    }
  }

  [[nodiscard]] std::string trusted(const std::string& target) const {
    if (!o.trust.empty()) return o.trust;
    const auto it = s.operators.find(target);
    return it == s.operators.end() ? std::string() : it->second;
  }

  // The status of `target` on day `d` for `mover`'s traffic ("" = traffic in general): the latest
  // claim of the trusted party that speaks of that traffic (a claim about the mover's own traffic
  // before one about all traffic on the same day); when that party says nothing, the most
  // restrictive claim in force for that traffic; with no claim, the baseline.
  Effective effective(const std::string& target, Day d, const std::string& mover, std::vector<std::size_t>& in_force) const {
    in_force.clear();
    for (std::size_t i = 0; i < s.claims.size(); ++i) {
      const Claim& c = s.claims[i];
      if (c.target == target && c.from <= d && d < c.ends && c.applies_to(mover)) in_force.push_back(i);
    }
    Effective e;
    const std::string party = trusted(target);
    auto later = [&](std::size_t a, std::size_t b) {
      const Claim &x = s.claims[a], &y = s.claims[b];
      return std::make_tuple(x.from, !x.about.empty(), a) < std::make_tuple(y.from, !y.about.empty(), b);
    };
    // How strongly a claim holds the mover back: it stops them, then closed, restricted, open.
    auto strictness = [&](std::size_t i) {
      const Claim& c = s.claims[i];
      Effective as;
      as.status = c.status;
      as.allowed = c.allowed;
      const int stops = !mover.empty() && !passes(as, mover) ? 3 : 0;
      return stops + static_cast<int>(c.status);
    };
    std::optional<std::size_t> best;
    for (std::size_t i : in_force) {
      if (s.claims[i].party == party && (!best || later(*best, i))) best = i;
    }
    if (!best) {
      for (std::size_t i : in_force) {
        if (!best || strictness(i) > strictness(*best) || (strictness(i) == strictness(*best) && later(*best, i))) best = i;
      }
      e.fallback = best.has_value();
    }
    if (!best) {
      const auto b = s.baseline.find(target);
      if (b != s.baseline.end()) {
        e.status = b->second;
        e.baseline = true;
      }
    }
    if (best) {
      e.status = s.claims[*best].status;
      e.allowed = s.claims[*best].allowed;
      e.claim = best;
    }
    for (const auto& w : o.what_if) {
      if (w.target == target && w.from <= d && d <= w.to) {
        Effective closed;
        closed.status = Status::kClosed;
        closed.what_if = true;
        return closed;
      }
    }
    return e;
  }

  // Two claims in force together disagree when some traffic both speak of would be let through by
  // one and not by the other (traffic in general: a different status or list).
  [[nodiscard]] bool disagree(const Claim& a, const Claim& b) const {
    if (a.about.empty() && b.about.empty() && (a.status != b.status || a.allowed != b.allowed)) return true;
    auto verdict = [](const Claim& c, const std::string& p) {
      Effective e;
      e.status = c.status;
      e.allowed = c.allowed;
      return passes(e, p);
    };
    for (const auto& [p, desc] : s.parties) {
      if (a.applies_to(p) && b.applies_to(p) && verdict(a, p) != verdict(b, p)) return true;
    }
    return false;
  }

  // The status of a target for one party's traffic on a day (the day's general status unless a
  // claim speaks of that party's traffic).
  [[nodiscard]] Effective for_party(const DayResult& day, const std::string& target, const std::string& party) const {
    const Effective& general = day.status.at(target);
    if (party.empty() || party == "*" || general.what_if) return general;
    const bool scoped = std::any_of(s.claims.begin(), s.claims.end(), [&](const Claim& c) {
      return c.target == target && !c.about.empty() && c.applies_to(party) && c.from <= day.day && day.day < c.ends;
    });
    if (!scoped && !(general.fallback && general.claim)) return general;
    std::vector<std::size_t> scratch;
    return effective(target, day.day, party, scratch);
  }

  [[nodiscard]] const CheckpointDef* checkpoint(const std::string& id) const {
    for (const auto& c : s.checkpoints) {
      if (c.id == id) return &c;
    }
    return nullptr;
  }

  // The closures for one party ("" = traffic in general; "*" = everyone a restriction lets through).
  Result<std::pair<std::vector<net::ClosureSpec>, net::ClosureOverlay>> closures(const DayResult& day,
                                                                              const std::string& party) const {
    std::vector<net::ClosureSpec> specs;
    auto closed = [&](const Effective& e) {
      if (party == "*") return e.status == Status::kClosed;
      return !passes(e, party);
    };
    for (const auto& [target, general] : day.status) {
      std::string road = target;
      if (const CheckpointDef* cp = checkpoint(target)) {
        if (!cp->in_force(day.day)) continue;
        road = cp->road;
      }
      if (!closed(for_party(day, target, party))) continue;
      CORRIDOR_TRY(auto spec, net::parse_closure_spec("way:" + road));
      specs.push_back(std::move(spec));
    }
    CORRIDOR_TRY(auto overlay, net::apply_closures(s.graph(), specs, supply::start_of(day.day) + kNoon));
    return std::make_pair(std::move(specs), std::move(overlay));
  }

  // "hakari_checkpoint is restricted, no party named as let through — az_gov (party statement,
  // said 2023-06-24 of 2023-06-15): \"...\" (claims.csv:20)": the status, whose claim it is, in
  // their words, and where it is written.
  std::string describe(const std::string& target, const Effective& e) const {
    std::string out = target + " is " + status_name(e.status);
    if (e.status == Status::kRestricted) {
      std::string who;
      for (const auto& a : e.allowed) who += (who.empty() ? "" : ", ") + a;
      out += who.empty() ? ", no party named as let through" : " to " + who;
    }
    if (e.baseline) out += " (the scenario's baseline: no claim in force)";
    if (e.what_if) out += " (what-if: closed by the reader, not by any claim)";
    if (e.claim) {
      const Claim& c = s.claims[*e.claim];
      out += std::string(" — ") + (e.fallback ? "its trusted party says nothing; the most restrictive claim in force: " : "") +
             c.party;
      if (!c.about.empty()) {
        std::string of;
        for (const auto& a : c.about) of += (of.empty() ? "" : ", ") + a;
        out += " of " + of + "'s traffic";
      }
      out += ", from " + supply::day_text(c.from);
      if (c.published && *c.published != c.from) out += " (said " + supply::day_text(*c.published) + ")";
      if (!c.quote.empty()) out += ": \"" + c.quote + "\"";
      out += " (" + c.origin + ")";
    }
    return out;
  }

  regime::Declaration declaration(const Convoy& c, Day set_out, Day d, const CheckpointDef& cp) const {
    regime::Declaration decl;
    decl.id = c.id + "@" + supply::day_text(set_out);
    decl.type = c.type;
    decl.sender = c.party;
    decl.origin = c.from;
    decl.destination = c.to;
    decl.checkpoint = cp.regime.checkpoint_id;
    decl.planned_arrival = supply::start_of(d) + kNoon;
    decl.declared_at = supply::start_of(set_out) + kNoon - static_cast<std::int64_t>(c.declared_hours_before) * 3600;
    decl.documents = c.documents;
    decl.approvals = c.approvals;
    for (int i = 0; i < c.trucks; ++i) {
      decl.vehicles.push_back({c.id + "-" + std::to_string(i + 1), "", c.registration, std::nullopt});
    }
    for (const auto& line : c.cargo) {
      const supply::Commodity* com = s.commodities.find(line.commodity);
      regime::Item it;
      it.description = com->name;
      it.hs = com->hs_prefixes.empty() ? "" : com->hs_prefixes.front();
      it.category = com->category;
      it.unit = "kg";
      it.quantity = line.tonnes * 1000;
      it.net_kg = line.tonnes * 1000;
      if (com->kcal_per_kg > 0) it.kcal_per_kg = com->kcal_per_kg;
      decl.items.push_back(it);
    }
    return decl;
  }

  route::RouteRequest request(const Convoy& c) const {
    route::RouteRequest req;
    auto wp = [&](const std::string& id) {
      route::Waypoint w;
      w.point = s.place(id)->point;
      w.label = id;
      return w;
    };
    req.points.push_back(wp(c.from));
    for (const auto& v : c.via) req.points.push_back(wp(v));
    if (const CheckpointDef* cp = c.checkpoint.empty() ? nullptr : checkpoint(c.checkpoint)) {
      // The middle of the checkpoint's road: the route must run along it.
      const auto shape = s.graph().shape(s.roads.at(cp->road).front());
      route::Waypoint w;
      if (shape.size() > 2) {
        w.point = shape[shape.size() / 2].to_double();
      } else {
        const core::LatLon a = shape.front().to_double(), b = shape.back().to_double();
        w.point = core::LatLon{(a.lat + b.lat) / 2, (a.lon + b.lon) / 2};
      }
      w.label = cp->id;
      req.points.push_back(w);
    }
    req.points.push_back(wp(c.to));
    req.snap_limit_m = s.snap_limit_m;
    return req;
  }

  std::vector<std::string> roads_of(const route::Route& r) const {
    std::vector<std::string> out;
    for (std::int64_t w : r.way_ids) {
      const auto it = road_of_way.find(w);
      const std::string road = it == road_of_way.end() ? std::to_string(w) : it->second;
      if (out.empty() || out.back() != road) out.push_back(road);
    }
    return out;
  }

  Result<void> move(DayResult& day, const Convoy& c, Day set_out, std::map<std::string, std::int64_t>& used,
                    ConvoyDay& cd) {
    cd.convoy = c.id;
    cd.party = c.party;
    cd.from = c.from;
    cd.to = c.to;
    cd.set_out = set_out;
    cd.trucks = c.trucks;
    for (const auto& line : c.cargo) {
      cd.tonnes += line.tonnes;
      cd.kcal += line.tonnes * 1000 * s.commodities.find(line.commodity)->kcal_per_kg;
    }
    CORRIDOR_TRY(auto cl, closures(day, c.party));
    CORRIDOR_TRY(const route::RouteOutcome out, route::plan_route(s.graph(), router, request(c), cl.first, cl.second));
    std::vector<std::string> roads;
    if (out.route) {
      roads = roads_of(*out.route);
    } else {
      // Where the convoy would have gone with every road open, and what on that way stops it.
      const net::ClosureOverlay none(s.graph().edge_count());
      CORRIDOR_TRY(const route::RouteOutcome open, route::plan_route(s.graph(), router, request(c), {}, none));
      if (!open.route) {
        cd.reasons.push_back("no road links " + c.from + " and " + c.to + " in the network at all");
        cd.reason_kinds.push_back("no_route");
        return {};
      }
      roads = roads_of(*open.route);
      for (const auto& road : roads) {
        if (!day.status.contains(road)) continue;
        const Effective e = for_party(day, road, c.party);
        if (!passes(e, c.party)) {
          cd.reasons.push_back("road not open to " + c.party + ": " + describe(road, e));
          cd.reason_kinds.push_back("road_status");
        }
      }
    }
    cd.roads = roads;
    // Checkpoints on the way: their status for this party, their regime, their throughput.
    for (const auto& cp : s.checkpoints) {
      if (!cp.in_force(day.day) || std::find(roads.begin(), roads.end(), cp.road) == roads.end()) continue;
      const Effective e = for_party(day, cp.id, c.party);
      if (!passes(e, c.party)) {
        cd.reasons.push_back("checkpoint not open to " + c.party + ": " + describe(cp.id, e));
        cd.reason_kinds.push_back("checkpoint_status");
      }
      const regime::Decision dec = regime::evaluate(cp.regime, declaration(c, set_out, day.day, cp),
                                                    supply::start_of(day.day) + kNoon);
      if (dec.verdict != regime::Verdict::kAccept) {
        for (const auto& r : dec.reasons) {
          if (r.severity == regime::Verdict::kAccept) continue;
          cd.reasons.push_back(std::string("regime ") + regime::verdict_name(dec.verdict) + ": " + r.rule + ": " + r.message);
          cd.reason_kinds.push_back("regime");
        }
      }
      if (cd.reasons.empty()) {
        std::int64_t& n = used[cp.id];
        if (n + c.trucks > cp.capacity.per_day()) {
          cd.reasons.push_back("checkpoint throughput: " + cp.id + " passes " + std::to_string(cp.capacity.per_day()) +
                               " vehicles a day and " + std::to_string(n) + " have passed today");
          cd.reason_kinds.push_back("throughput");
        } else {
          n += c.trucks;
        }
      }
    }
    if (!out.route && cd.reasons.empty()) {
      cd.reasons.push_back(out.no_route ? out.no_route->message : "no route");
      cd.reason_kinds.push_back("no_route");
    }
    cd.moved = out.route.has_value() && cd.reasons.empty();
    return {};
  }

  Result<void> capacity(DayResult& day) {
    std::vector<access::PlacedCheckpoint> placed;
    for (const auto& cp : s.checkpoints) {
      if (cp.in_force(day.day)) placed.push_back({&cp.capacity, s.roads.at(cp.road).front(), 0});
    }
    std::vector<std::int64_t> cap;
    std::vector<std::optional<std::size_t>> cp_of;
    access::segment_capacities(s.graph(), s.classes, placed, cap, cp_of);
    std::vector<route::Endpoint> from, to;
    for (const auto& l : sources) {
      if (l.end) from.push_back(*l.end);
    }
    for (const auto& l : area) {
      if (l.end && std::none_of(from.begin(), from.end(), [&](const route::Endpoint& f) { return access::same_point(f, *l.end); })) {
        to.push_back(*l.end);
      }
    }
    if (from.empty() || to.empty()) return {};
    for (const char* party : {"", "*"}) {
      CORRIDOR_TRY(auto cl, closures(day, party));
      CORRIDOR_TRY(const access::CapacityResult r,
                   access::max_trucks(s.graph(), cl.second.any() ? &cl.second : nullptr, cap, cp_of, from, to, 3));
      if (*party == '\0') {
        day.capacity_open = r.trucks_per_day;
        for (const auto& link : r.bottleneck) {
          const std::string road(s.graph().key(link.segment));
          const std::string id = road.empty() ? std::to_string(s.graph().segment(link.segment).way_id) : road;
          if (std::find(day.bottleneck.begin(), day.bottleneck.end(), id) == day.bottleneck.end()) day.bottleneck.push_back(id);
        }
      } else {
        day.capacity_with_restricted = r.trucks_per_day;
      }
    }
    return {};
  }

  Result<RunResult> go() {
    if (!o.trust.empty() && !s.parties.contains(o.trust)) {
      std::vector<std::string> parties;
      for (const auto& [id, p] : s.parties) parties.push_back(id);
      return fail(ErrorCode::kInvalidArgument, "--trust '" + o.trust + "' is not a party of this scenario (its [parties]: " +
                                                   core::word_list(parties) + ")" + core::did_you_mean(o.trust, parties));
    }
    for (const auto& l : sources) {
      if (!l.end) return fail(ErrorCode::kSnapFailed, "source " + l.place.id + " (" + l.place.origin + "): " + l.snap_error);
    }
    for (const auto& w : o.what_if) {
      if (!s.roads.contains(w.target) && checkpoint(w.target) == nullptr) {
        return fail(ErrorCode::kNotFound, "close: '" + w.target + "' is neither a road nor a checkpoint of the scenario");
      }
      if (w.to < w.from) return fail(ErrorCode::kInvalidArgument, "close: the window ends before it starts");
    }
    RunResult out;
    out.trust = o.trust;
    CORRIDOR_TRY(const supply::DailyNeed need, supply::daily_need(s.needs, s.area_groups(), s.path));
    out.need_kcal_per_day = need.kcal;
    out.water_l_per_day = need.water_l;
    out.opening_stock_kcal = s.opening_stock_days * need.kcal;
    supply::Account account(need.kcal);
    if (out.opening_stock_kcal > 0) account.add({s.start, supply::FlowKind::kOpening, out.opening_stock_kcal, "opening stock"});
    std::vector<supply::Flow> deliveries;

    struct Waiting {
      const Convoy* c;
      Day set_out;
    };
    std::vector<Waiting> waiting;
    std::map<std::string, Effective> previous;
    std::vector<std::size_t> in_force;
    const Day last = o.through ? std::min(*o.through, s.end) : s.end;
    for (Day d = s.start; d <= last; ++d) {
      if (o.progress && !o.progress(static_cast<std::size_t>(d - s.start), static_cast<std::size_t>(last - s.start + 1))) {
        return fail(ErrorCode::kUnavailable, "the run was cancelled at " + supply::day_text(d));
      }
      DayResult day;
      day.day = d;
      for (const auto& t : targets) {
        const CheckpointDef* cp = checkpoint(t);
        if (cp != nullptr && !cp->in_force(d)) continue;
        Effective e = effective(t, d, "", in_force);
        // Every claim in force, of whichever traffic, for the conflict check.
        std::vector<std::size_t> all;
        for (std::size_t i = 0; i < s.claims.size(); ++i) {
          const Claim& c = s.claims[i];
          if (c.target == t && c.from <= d && d < c.ends) all.push_back(i);
        }
        bool conflict = false;
        for (std::size_t x = 0; x < all.size() && !conflict; ++x) {
          for (std::size_t y = x + 1; y < all.size() && !conflict; ++y) conflict = disagree(s.claims[all[x]], s.claims[all[y]]);
        }
        if (conflict) day.conflicts.push_back({t, all});
        const auto prev = previous.find(t);
        const bool changed = prev == previous.end() ? (e.claim.has_value() || d == s.start)
                                                    : (prev->second.status != e.status || prev->second.allowed != e.allowed ||
                                                       prev->second.claim != e.claim || prev->second.baseline != e.baseline ||
                                                       prev->second.what_if != e.what_if);
        if (changed) out.changes.push_back({d, t, prev == previous.end() ? Effective{} : prev->second, e});
        previous[t] = e;
        day.status[t] = std::move(e);
      }
      for (auto it = previous.begin(); it != previous.end();) {
        it = day.status.contains(it->first) ? std::next(it) : previous.erase(it);
      }

      // Who is cut off, for traffic in general.
      CORRIDOR_TRY(auto general, closures(day, ""));
      const access::ReachResult reach =
          access::reach(s.graph(), router, sources, area, general.second.any() ? &general.second : nullptr, 0);
      for (std::size_t i = 0; i < area.size(); ++i) {
        if (!reach.places[i].reachable) {
          day.cut_off.push_back(s.area[i]);
          day.cut_off_population += area[i].place.population;
        }
      }
      CORRIDOR_CHECK(capacity(day));

      // Convoys: those still waiting, then those setting out today.
      std::vector<Waiting> today = std::move(waiting);
      waiting.clear();
      for (const auto& c : s.convoys) {
        const bool due = c.every_days == 0 ? d == c.start
                                           : d >= c.start && d <= *c.until && (d - c.start) % c.every_days == 0;
        if (due) today.push_back({&c, d});
      }
      std::map<std::string, std::int64_t> used;
      for (const auto& w : today) {
        ConvoyDay cd;
        CORRIDOR_CHECK(move(day, *w.c, w.set_out, used, cd));
        if (cd.moved) {
          day.delivered_tonnes += cd.tonnes;
          const auto dest = std::find_if(s.area.begin(), s.area.end(), [&](std::size_t i) { return s.places[i].id == w.c->to; });
          if (dest != s.area.end() && cd.kcal > 0) {
            deliveries.push_back({d, supply::FlowKind::kDelivery, cd.kcal, w.c->id + "@" + supply::day_text(w.set_out)});
            account.add(deliveries.back());
          }
        } else if (d < w.set_out + w.c->wait_days) {
          cd.waits = true;
          waiting.push_back(w);
        }
        day.convoys.push_back(std::move(cd));
      }
      out.days.push_back(std::move(day));
    }
    const std::vector<supply::DayFigures> figures = account.run(s.start, last);
    for (std::size_t i = 0; i < figures.size(); ++i) out.days[i].supply = figures[i];
    out.whole = supply::period(figures);
    auto first_short = [](const std::vector<supply::DayFigures>& f) -> std::optional<Day> {
      for (const auto& d : f) {
        if (d.shortfall_kcal > 0) return d.day;
      }
      return std::nullopt;
    };
    out.population_cases.push_back({"listed settlements", s.places.empty() ? "" : s.places[s.area.empty() ? 0 : s.area.front()].origin,
                                     s.area_population(), need.kcal, out.whole, first_short(figures)});
    for (const auto& pc : s.population_counts) {
      const double base = static_cast<double>(std::max<std::int64_t>(1, s.area_population()));
      const double kcal = need.kcal * static_cast<double>(pc.people) / base;
      supply::Account alt(kcal);
      if (s.opening_stock_days > 0) alt.add({s.start, supply::FlowKind::kOpening, s.opening_stock_days * kcal, "opening stock"});
      for (const auto& f : deliveries) alt.add(f);
      const auto fig = alt.run(s.start, last);
      out.population_cases.push_back({pc.label, pc.source, pc.people, kcal, supply::period(fig), first_short(fig)});
    }
    std::vector<supply::DayFigures> month;
    for (std::size_t i = 0; i < figures.size(); ++i) {
      month.push_back(figures[i]);
      if (i + 1 == figures.size() || supply::day_text(figures[i + 1].day).substr(0, 7) != supply::day_text(figures[i].day).substr(0, 7)) {
        out.months.push_back(supply::period(month));
        month.clear();
      }
    }
    return out;
  }
};

}  // namespace

Result<RunResult> run(const Scenario& s, const RunOptions& o) {
  Engine e(s, o);
  return e.go();
}

}  // namespace corridor::scenario
