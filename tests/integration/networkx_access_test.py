#!/usr/bin/env python3
"""Cross-check corridor's access analysis against networkx on a real OSM extract.

On the graph `corridor export` writes: bridges and articulation points of the undirected road network
must be identical to networkx's; for 100 random (source, place) node pairs the number of road-disjoint
routes `corridor critical` reports must equal networkx's undirected max-flow (each road one unit); and
for 100 random (source, destination) pairs, half of them under 5 random way closures, the trucks per
day `corridor capacity` reports must equal networkx's maximum_flow_value on the directed graph with
the class capacities.

usage: networkx_access_test.py CORRIDOR DATA_DIR EXTRACT
"""
import csv
import json
import os
import random
import sys
import tempfile
from collections import Counter, defaultdict

import networkx as nx

from corridor_test_util import EXTRACTS, run

def main():
    corridor, data_dir, name = sys.argv[1:4]
    rng = random.Random(f"corridor-access-{name}")
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        graph = os.path.join(tmp, "g.cgraph")
        run([corridor, "import", os.path.join(data_dir, EXTRACTS[name]), "-o", graph])
        nodes_csv, segs_csv = os.path.join(tmp, "nodes.csv"), os.path.join(tmp, "segments.csv")
        run([corridor, "export", graph, "--nodes", nodes_csv, "--segments", segs_csv])
        coords = {}
        with open(nodes_csv, newline="") as f:
            for r in csv.DictReader(f):
                coords[int(r["id"])] = (r["lat"], r["lon"])
        segments = []
        with open(segs_csv, newline="") as f:
            for r in csv.DictReader(f):
                segments.append((int(r["from"]), int(r["to"]), int(r["way_id"]), r["oneway"],
                                 int(r["capacity_per_day"])))
        # Nodes that share their coordinates with another cannot be told apart by a point: leave them out.
        by_coord = Counter(coords.values())
        usable = sorted(n for n, c in coords.items() if by_coord[c] == 1)
        multiplicity = Counter(frozenset((u, v)) for u, v, *_ in segments)
        simple = nx.Graph()
        simple.add_nodes_from(coords)
        for u, v, *_ in segments:
            simple.add_edge(u, v, capacity=multiplicity[frozenset((u, v))])

        def point(n):
            return f"{coords[n][0]},{coords[n][1]}"

        # --- bridges and articulation points -------------------------------------------------------
        places = os.path.join(tmp, "places.csv")
        chosen = rng.sample(usable, 6)
        src = chosen[0]  # a source at a place's node is refused: keep them apart
        with open(places, "w") as f:
            f.write("id,name,lat,lon,population\n")
            for i, n in enumerate(chosen[1:]):
                f.write(f"p{i},p{i},{coords[n][0]},{coords[n][1]},1\n")
        out = json.loads(run([corridor, "critical", graph, "--sources", point(src), "--places", places, "--json"]))
        ours_bridges = {frozenset((b["from"], b["to"])) for b in out["bridges"]}
        nx_bridges = {frozenset(e) for e in nx.bridges(simple) if multiplicity[frozenset(e)] == 1}
        if ours_bridges != nx_bridges:
            failures.append(f"bridges: {len(ours_bridges)} vs networkx {len(nx_bridges)}; "
                            f"only ours {list(ours_bridges - nx_bridges)[:5]}, only nx {list(nx_bridges - ours_bridges)[:5]}")
        ours_aps = {a["node"] for a in out["articulation_points"]}
        nx_aps = set(nx.articulation_points(simple))
        if ours_aps != nx_aps:
            failures.append(f"articulation points: {len(ours_aps)} vs networkx {len(nx_aps)}; "
                            f"only ours {sorted(ours_aps - nx_aps)[:5]}, only nx {sorted(nx_aps - ours_aps)[:5]}")

        # --- road-disjoint routes ------------------------------------------------------------------
        pairs = 0
        for _ in range(10):
            s = rng.choice(usable)
            targets = [t for t in rng.sample(usable, 11) if t != s][:10]
            with open(places, "w") as f:
                f.write("id,name,lat,lon,population\n")
                for t in targets:
                    f.write(f"n{t},n{t},{coords[t][0]},{coords[t][1]},1\n")
            out = json.loads(run([corridor, "critical", graph, "--sources", point(s), "--places", places, "--json"]))
            for t, p in zip(targets, out["places"]):
                want = nx.maximum_flow_value(simple, s, t) if nx.has_path(simple, s, t) else 0
                if p["disjoint_routes"] != want:
                    failures.append(f"disjoint routes {s}->{t}: corridor {p['disjoint_routes']}, networkx {want}")
                if len(p["min_cut"]) != want:
                    failures.append(f"min cut {s}->{t}: {len(p['min_cut'])} roads for {want} routes")
                pairs += 1

        # --- capacity ------------------------------------------------------------------------------
        ways = sorted({w for _, _, w, _, _ in segments})
        flows = 0
        for case in range(100):
            s, t = rng.sample(usable, 2)
            closed = rng.sample(ways, min(5, len(ways))) if case % 2 else []
            dg = nx.DiGraph()
            arcs = defaultdict(int)
            for u, v, w, oneway, cap in segments:
                if w in closed:
                    continue
                if oneway != "backward":
                    arcs[(u, v)] += cap
                if oneway != "forward":
                    arcs[(v, u)] += cap
            for (u, v), cap in arcs.items():
                dg.add_edge(u, v, capacity=cap)
            want = nx.maximum_flow_value(dg, s, t) if s in dg and t in dg else 0
            cmd = [corridor, "capacity", graph, "--sources", point(s), "--to", point(t), "--json"]
            for w in closed:
                cmd += ["--close", f"way:{w}"]
            got = json.loads(run(cmd))["trucks_per_day"]
            if got != want:
                failures.append(f"capacity {s}->{t} closed={closed}: corridor {got}, networkx {want}")
            flows += 1

    print(f"{name}: {len(coords)} nodes, {len(segments)} segments; {len(ours_bridges)} bridges, "
          f"{len(ours_aps)} articulation points, {pairs} disjoint-route pairs, {flows} max-flow cases")
    for f in failures[:20]:
        print("  MISMATCH", f)
    checked = 2 + pairs * 2 + flows
    print(f"{checked - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
