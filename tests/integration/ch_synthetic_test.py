#!/usr/bin/env python3
"""The contraction hierarchy on a synthetic road network, end to end.

bench/synth_osm writes a seeded synthetic network of about 20,000 nodes as a real PBF; corridor
imports it twice, with the hierarchy (the default) and, for the reference, with 4 ALT landmarks as
well; bench/ch_bench then answers 300 random pairs, each under 10 fresh random way closures, with
the router as the commands use it (the hierarchy's open path, or A* with its potential), with
CH-potential A* alone, and with the router without the hierarchy, and counts every cost that
differs. The test fails on any difference, and if the case never exercises both ways of answering.

usage: ch_synthetic_test.py CORRIDOR SYNTH_OSM CH_BENCH
"""
import json
import os
import subprocess
import sys
import tempfile


def run(*cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return r.stdout


def main():
    corridor, synth, ch_bench = sys.argv[1:4]
    with tempfile.TemporaryDirectory(prefix="corridor_ch_") as tmp:
        pbf = os.path.join(tmp, "synth.osm.pbf")
        graph = os.path.join(tmp, "synth.cgraph")
        run(synth, "20000", pbf)
        imported = json.loads(run(corridor, "import", pbf, "-o", graph, "--landmarks", "4", "--json"))
        assert imported["hierarchy"]["metric"] == "time", imported
        assert imported["hierarchy"]["shortcuts"] > 0, imported
        run(corridor, "verify-graph", graph)
        failures = []
        for seed in ("3", "4"):
            j = json.loads(run(ch_bench, graph, "--pairs", "150", "--seed", seed, "--closures", "10"))
            if j["mismatches"] != 0:
                failures.append(f"seed {seed}: {j['mismatches']} costs differ")
            if not j["stored_hierarchy"]:
                failures.append("the stored hierarchy was not used")
            if not (0 < j["open_path_valid_under_closures"] < j["pairs"]):
                failures.append(f"seed {seed}: the open path was usable for {j['open_path_valid_under_closures']} of "
                                f"{j['pairs']} pairs: both ways of answering must be exercised")
            if j["reached"] < j["pairs"] // 2:
                failures.append(f"seed {seed}: only {j['reached']} pairs connected")
            print(f"seed {seed}: {j['pairs']} pairs, {j['reached']} connected, open path usable for "
                  f"{j['open_path_valid_under_closures']}, mismatches {j['mismatches']}")
        if failures:
            sys.exit("\n".join(failures))


if __name__ == "__main__":
    main()
