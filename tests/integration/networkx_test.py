#!/usr/bin/env python3
"""Cross-check corridor's routes against networkx on a real OSM extract.

The engine imports the extract and exports the graph it routes on (nodes.csv, edges.csv); networkx
loads that export as a DiGraph and computes shortest paths independently. For 1,000 random node pairs
without closures, and 1,000 more under random closures of 10 ways each (fresh closures every 100
pairs), the engine's distance must equal networkx's to the centimetre and "no route" must agree. A
further 200 pairs are checked with the time metric, to the millisecond.

usage: networkx_test.py CORRIDOR DATA_DIR EXTRACT
"""
import csv
import json
import os
import random
import sys
import tempfile

import networkx as nx

from corridor_test_util import EXTRACTS, run

def load(tmp):
    nodes = {}
    with open(os.path.join(tmp, "nodes.csv"), newline="") as f:
        for row in csv.DictReader(f):
            nodes[int(row["id"])] = (float(row["lat"]), float(row["lon"]))
    edges = []
    with open(os.path.join(tmp, "edges.csv"), newline="") as f:
        for row in csv.DictReader(f):
            edges.append((int(row["from"]), int(row["to"]), round(float(row["length_m"]) * 100),
                          round(float(row["duration_s"]) * 1000), int(row["way_id"])))
    return nodes, edges


def digraph(nodes, edges, closed_ways, weight):
    g = nx.DiGraph()
    g.add_nodes_from(nodes)
    for u, v, cm, ms, way in edges:
        if way in closed_ways:
            continue
        w = cm if weight == "cm" else ms
        if g.has_edge(u, v) and g[u][v]["w"] <= w:
            continue  # parallel roads: the engine may take either, the cheaper one counts
        g.add_edge(u, v, w=w)
    return g


def engine(corridor, graph, pairs, tmp, metric, closures):
    path = os.path.join(tmp, "pairs.csv")
    with open(path, "w") as f:
        f.write("from,to\n")
        for s, t in pairs:
            f.write(f"node:{s},node:{t}\n")
    cmd = [corridor, "route", graph, "--pairs", path, "--metric", metric]
    for way in closures:
        cmd += ["--close", f"way:{way}"]
    return [json.loads(line) for line in run(cmd).splitlines()]


def compare(label, g, pairs, answers, key, scale, failures):
    checked = 0
    for (s, t), ans in zip(pairs, answers):
        try:
            want = nx.dijkstra_path_length(g, s, t, weight="w")
        except nx.NetworkXNoPath:
            want = None
        got = None if "error" in ans else round(ans[key] * scale)
        if "error" in ans and ans["error"]["code"] != "no_route":
            failures.append(f"{label} {s}->{t}: unexpected error {ans['error']}")
        elif got != want:
            failures.append(f"{label} {s}->{t}: corridor {got}, networkx {want}")
        checked += 1
    return checked


def main():
    corridor, data_dir, name = sys.argv[1:4]
    rng = random.Random(f"corridor-networkx-{name}")
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        graph = os.path.join(tmp, "g.cgraph")
        run([corridor, "import", os.path.join(data_dir, EXTRACTS[name]), "-o", graph])
        run([corridor, "export", graph, "--nodes", os.path.join(tmp, "nodes.csv"),
             "--edges", os.path.join(tmp, "edges.csv")])
        nodes, edges = load(tmp)
        ids = sorted(nodes)
        ways = sorted({e[4] for e in edges})
        # Pairs are drawn uniformly, so on extracts with many small components some have no route;
        # both answers must then say so.
        pairs = [(rng.choice(ids), rng.choice(ids)) for _ in range(1000)]
        g = digraph(nodes, edges, set(), "cm")
        n_open = compare("open", g, pairs, engine(corridor, graph, pairs, tmp, "distance", []),
                         "distance_m", 100, failures)
        routed_open = sum(1 for s, t in pairs if nx.has_path(g, s, t))

        n_closed = 0
        for round_ in range(10):
            closed = rng.sample(ways, min(10, len(ways)))
            batch = [(rng.choice(ids), rng.choice(ids)) for _ in range(100)]
            gc = digraph(nodes, edges, set(closed), "cm")
            n_closed += compare(f"closed{round_}", gc, batch,
                                engine(corridor, graph, batch, tmp, "distance", closed),
                                "distance_m", 100, failures)

        timed = pairs[:200]
        gt = digraph(nodes, edges, set(), "ms")
        n_time = compare("time", gt, timed, engine(corridor, graph, timed, tmp, "time", []),
                         "duration_s", 1000, failures)

    print(f"{name}: {len(nodes)} nodes, {len(edges)} edges; {n_open} open pairs ({routed_open} routable), "
          f"{n_closed} pairs under closures, {n_time} pairs by time")
    for f in failures[:20]:
        print("  MISMATCH", f)
    checked = n_open + n_closed + n_time
    print(f"{checked - len(failures)} passed, {len(failures)} failed")
    if failures or n_open < 1000 or n_closed < 1000:
        sys.exit(1)


if __name__ == "__main__":
    main()
