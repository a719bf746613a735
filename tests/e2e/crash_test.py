#!/usr/bin/env python3
"""Crash test: kill -9 a process appending events in a loop, several times over the same store.
After each kill, `corridor ledger verify` must pass and every event whose append returned success
(printed by the loop after the append) must be in the store.

usage: crash_test.py CORRIDOR APPEND_LOOP
"""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time


def main():
    corridor, loop = sys.argv[1:3]
    rng = random.Random(7)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        db, key = os.path.join(tmp, "crash.db"), os.path.join(tmp, "crash.key")
        acknowledged = 0
        for round_ in range(8):
            proc = subprocess.Popen([loop, db, key, "1000000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
            # Opening verifies the whole store first; kill only once appends are under way.
            first = proc.stdout.readline()
            time.sleep(rng.uniform(0.05, 0.5))
            proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate()
            seqs = [int(line.split()[1]) for line in (first + out).splitlines() if line.startswith("ok ")]
            if not seqs:
                failures.append(f"round {round_}: the loop appended nothing ({err.strip()})")
                continue
            acknowledged = max(acknowledged, seqs[-1])
            r = subprocess.run([corridor, "ledger", "verify", "--store", db], capture_output=True, text=True)
            if r.returncode != 0:
                failures.append(f"round {round_}: verify failed after kill: {r.stderr.strip()}")
            con = sqlite3.connect(db)
            stored = con.execute("SELECT COUNT(*), MAX(seq) FROM events").fetchone()
            con.close()
            if stored[1] is None or stored[1] < acknowledged or stored[0] != stored[1]:
                failures.append(f"round {round_}: acknowledged seq {acknowledged}, store has {stored}")
            print(f"round {round_}: killed after {len(seqs)} acknowledged appends; store holds {stored[0]} events")
    for f in failures:
        print("FAILED", f)
    print(f"{8 - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
