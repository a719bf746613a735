#!/usr/bin/env python3
"""Concurrency: 8 processes at a time, 200 mixed commands each, on one SQLite store — whole
consignment lifecycles, stock counts and reads, plus pairs of conflicting transitions raced on
purpose. Expected: no spurious failure (every command that the rules allow succeeds, whatever the
others do at the same moment), every acknowledged event in the store as acknowledged, exactly one of
each conflicting pair accepted, `ledger verify` intact, and the projection kept with the appends
equal to one rebuilt from the events.

usage: concurrency_test.py CORRIDOR DATA_DIR
"""
import json
import os
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ledger_world import EXIT_CONFLICT, World  # noqa: E402

WORKERS, COMMANDS = 8, 200


def main():
    corridor, data = (os.path.abspath(a) for a in sys.argv[1:3])
    tmp = tempfile.mkdtemp(prefix="corridor_concurrency_")
    failures, acknowledged, lock = [], [], threading.Lock()
    try:
        w = World(corridor, data, tmp)

        def record(r, what, expect_ok=True):
            if r.returncode != 0:
                if expect_ok:
                    with lock:
                        failures.append(f"{what}: exit {r.returncode}: {r.stdout.strip()} {r.stderr.strip()}")
                return None
            j = json.loads(r.stdout) if r.stdout.startswith("{") else None
            if j and "seq" in j:
                with lock:
                    acknowledged.append((j["seq"], what))
            return j

        def worker(k):
            sender = "icrc" if k % 2 == 0 else "wfp"
            n = 0
            cid_no = 0
            while n < COMMANDS:
                cid = f"w{k}-c{cid_no}"
                cid_no += 1
                day = f"2023-07-{1 + cid_no % 28:02d}"
                steps = [(("declare", w.declaration(cid, sender, name=f"{cid}.json")), sender, "2023-06-25T08:00Z"),
                         (("notify", cid), sender, "2023-06-25T09:00Z"),
                         (("approve", cid), "border-service", "2023-06-26T08:00Z"),
                         (("approve", cid), "peacekeepers", "2023-06-26T09:00Z"),
                         (("arrive", cid), sender, day + "T06:00Z"),
                         (("inspect", cid), "border-service", day + "T07:00Z"),
                         (("clear", cid), "border-service", day + "T07:30Z"),
                         (("cross", cid), "border-service", day + "T08:00Z"),
                         (("deliver", cid, "--received", '[{"item":0,"quantity":19900,"damaged":100}]'), "local",
                          day + "T12:00Z")]
                for args, party, at in steps:
                    if n >= COMMANDS:
                        break
                    record(w.step(*args, party=party, at=at), f"worker {k} {args[0]} {cid} ({party})")
                    n += 1
                # Mixed in: a stock count by the receiver, and reads.
                for extra in range(2):
                    if n >= COMMANDS:
                        break
                    if extra == 0:
                        r = w.run("supply", "record", "count", "town" if k % 2 else "village", "--commodity",
                                  "wheat_flour", "--tonnes", str(k + 1), "--date", day, "--commodities", w.commodities,
                                  "--key", w.key("local" if k % 2 else "peacekeepers"), "--store", w.db, "--json")
                        record(r, f"worker {k} stock count")
                    else:
                        r = w.run("consign", "show", cid, "--store", w.db, "--json")
                        record(r, f"worker {k} show {cid}")
                    n += 1

        started = time.time()
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(WORKERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - started

        # Conflicting pairs raced on purpose: two different operators' steps on one consignment at once
        # (two inspections, red: the lane any draw allows): one is accepted, the other refused as a conflict.
        conflicts = 0
        for i in range(10):
            cid = f"pair-{i}"
            w.to_approved(cid)
            assert w.step("arrive", cid, party="icrc", at="2023-07-03T06:00Z").returncode == 0
            results = []
            pair = [threading.Thread(target=lambda lane: results.append(
                w.step("inspect", cid, "--lane", lane, party="border-service", at="2023-07-03T07:00Z")), args=(lane,))
                for lane in ("red", "red")]
            for t in pair:
                t.start()
            for t in pair:
                t.join()
            codes = sorted(r.returncode for r in results)
            if codes != [0, EXIT_CONFLICT]:
                failures.append(f"pair {cid}: exits {codes}, want one 0 and one {EXIT_CONFLICT}")
            conflicts += 1

        # Every acknowledged event is there, as acknowledged.
        stored = {seq: (actor, type_, subject) for seq, actor, type_, subject in
                  w.query("SELECT seq, actor, type, subject FROM events")}
        seqs = [s for s, _ in acknowledged]
        if len(set(seqs)) != len(seqs):
            failures.append("two commands were acknowledged with the same seq")
        for seq, what in acknowledged:
            if seq not in stored:
                failures.append(f"acknowledged seq {seq} ({what}) is not in the store")
            elif stored[seq][2] not in what and "stock" not in what:
                failures.append(f"seq {seq} holds {stored[seq]}, acknowledged for {what}")
        count, top = w.query("SELECT COUNT(*), MAX(seq) FROM events")[0]
        if count != top:
            failures.append(f"the store holds {count} events up to seq {top}: a gap")
        r = w.run("ledger", "verify", "--store", w.db, "--json")
        v = json.loads(r.stdout) if r.returncode == 0 else {}
        if r.returncode != 0 or v.get("violations"):
            failures.append(f"ledger verify: {r.stdout} {r.stderr}")
        r = w.run("store", "rebuild", "--check", "--store", w.db, "--json")
        if r.returncode != 0:
            failures.append(f"the projection kept with the appends differs from a rebuild: {r.stdout}")
        delivered = json.loads(w.run("consign", "stats", "--store", w.db, "--json").stdout)["by_state"].get("delivered", 0)
        print(f"{WORKERS} workers x {COMMANDS} commands in {elapsed:.1f} s: {len(acknowledged)} acknowledged writes, "
              f"{count} events, {delivered} consignments delivered, {conflicts} raced pairs")
    finally:
        shutil.rmtree(tmp)
    for f in failures[:30]:
        print("FAILED", f)
    print(f"{len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
