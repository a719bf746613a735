#!/usr/bin/env python3
"""The ledger's rules, tried as an adversarial party would: each attack of issue 10, through the
corridor command on a real SQLite store, refused — and the store untouched and readable after.

usage: ledger_rules_test.py CORRIDOR FORGE DATA_DIR
"""
import hashlib
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ledger_world import (EXIT_CONFLICT, EXIT_CORRUPT, EXIT_FORBIDDEN, EXIT_INVALID, EXIT_LIMIT,  # noqa: E402
                          EXIT_NOT_FOUND, World, merkle_node, merkle_root, write_genesis)

CORRIDOR = FORGE = DATA = None

# Every command that reads the ledger: each must refuse a tampered store.
READS = [["consign", "list"], ["consign", "show", "c-1"], ["consign", "stats"], ["party", "list"], ["regime", "list"],
         ["store", "rebuild", "--check"], ["ledger", "head"], ["ledger", "prove", "--seq", "2"]]


def file_digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Attacks(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="corridor_rules_")
        self.w = World(CORRIDOR, DATA, self.tmp)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def error(self, r):
        return json.loads(r.stdout)["error"]

    def reads_still_work(self):
        w = self.w
        for cmd in READS[:1] + [["store", "rebuild", "--check"]]:
            r = w.run(*cmd, "--store", w.db)
            self.assertEqual(r.returncode, 0, f"{cmd}: {r.stdout}{r.stderr}")
        r = w.supply_status()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = w.run("ledger", "verify", "--store", w.db, "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(json.loads(r.stdout)["violations"], [])

    def forge(self, party, type_, subject, payload, time=1688400000, db=None, seq=None, prev=None, raw=False):
        """A validly signed event by `party`, continuing the store (or given seq/prev), bypassing the rules;
        as a dict, or (raw) as the export line itself."""
        if seq is None:
            seq, prev = self.w.query("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", db)[0]
            seq += 1
        r = subprocess.run([FORGE, self.w.key(party), str(seq), prev, str(time), type_, subject, payload],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        if raw:
            line = r.stdout.strip()
            return line, {"seq": seq, "prev_hash": prev, "time": time, "actor": party, "type": type_, "subject": subject,
                          "hash": re.search(r'"hash":"([0-9a-f]{64})"', line).group(1),
                          "signature": re.search(r'"signature":"([0-9a-f]{128})"', line).group(1)}
        return json.loads(r.stdout)

    def insert_by_hand(self, event, db=None):
        cols = ("seq", "time", "actor", "type", "subject", "payload", "prev_hash", "hash", "signature")
        vals = dict(event, payload=json.dumps(event["payload"], separators=(",", ":"), sort_keys=True,
                                               ensure_ascii=False))
        con = sqlite3.connect(db or self.w.db)
        con.execute(f"INSERT INTO events ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                    [vals[c] for c in cols])
        con.commit()
        con.close()

    # 1. Two honest commands at once: exactly one wins, and nothing is bricked.
    def test_concurrent_identical_transitions(self):
        w = self.w
        for i in range(10):
            cid = f"race-{i}"
            r = w.step("declare", w.declaration(cid), party="icrc", at="2023-06-25T08:00Z")
            self.assertEqual(r.returncode, 0, r.stdout)
        results = {}

        def notify(cid, k):
            results[(cid, k)] = w.step("notify", cid, party="icrc", at="2023-06-25T09:00Z")

        for i in range(10):
            threads = [threading.Thread(target=notify, args=(f"race-{i}", k)) for k in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        for i in range(10):
            codes = sorted(results[(f"race-{i}", k)].returncode for k in range(2))
            self.assertEqual(codes, [0, EXIT_CONFLICT], [results[(f"race-{i}", k)].stdout for k in range(2)])
            loser = next(results[(f"race-{i}", k)] for k in range(2) if results[(f"race-{i}", k)].returncode)
            self.assertEqual(self.error(loser)["rule"], "C-STATE")
        self.reads_still_work()

    # 2. A poisoned import: a validly signed delivery by a monitor for a consignment only arrived.
    def test_poisoned_import_is_refused_whole(self):
        w = self.w
        w.to_approved("c-1")
        self.assertEqual(w.step("arrive", "c-1", party="icrc", at="2023-07-03T06:00Z").returncode, 0)
        exported = os.path.join(self.tmp, "a.jsonl")
        w.ok("ledger", "export", exported, "--store", w.db)
        other = os.path.join(self.tmp, "other.db")
        w.ok("ledger", "import", exported, "--store", other)
        lines = open(exported).read().splitlines()
        head = lines.pop()
        last = json.loads(lines[-1])
        bad = self.forge("peacekeepers", "consignment.delivered", "c-1",
                         '{"received":[{"item":0,"quantity":20000}]}', seq=last["seq"] + 1, prev=last["hash"])
        poisoned = os.path.join(self.tmp, "poisoned.jsonl")
        with open(poisoned, "w") as f:
            f.write("\n".join(lines + [json.dumps(bad), head]) + "\n")
        before = file_digest(other)
        r = w.run("ledger", "import", poisoned, "--store", other, "--json")
        self.assertEqual(r.returncode, EXIT_FORBIDDEN, r.stdout)
        self.assertEqual(self.error(r)["rule"], "C-ROLE")
        self.assertIn("nothing appended", self.error(r)["message"])
        self.assertEqual(file_digest(other), before)
        for cmd in (["consign", "list"], ["store", "rebuild", "--check"], ["ledger", "verify"]):
            self.assertEqual(w.run(*cmd, "--store", other).returncode, 0, cmd)

    # 3. One party fabricating a whole delivery at a checkpoint another party operates.
    def test_one_party_cannot_fabricate_a_delivery(self):
        w = self.w
        text = open(w.regime).read().replace('operator = "border-service"', 'operator = "icrc"')
        own = w.write("own-regime.toml", text)
        r = w.run("regime", "publish", own, "--store", w.db, "--key", w.key("icrc"), "--json")
        self.assertEqual(r.returncode, EXIT_FORBIDDEN, r.stdout)
        self.assertEqual(self.error(r)["rule"], "K-REGIME")
        r = w.step("declare", w.declaration("c-1"), "--regime", own, party="icrc", at="2023-06-25T08:00Z")
        self.assertEqual(r.returncode, EXIT_CONFLICT, r.stdout)
        self.assertEqual(self.error(r)["rule"], "C-REGIME")
        # A second party of its own with the checkpoint role cannot take the checkpoint over either.
        w.ok("party", "add", "icrc-cp", "--role", "checkpoint", "--store", w.db, "--key-out", w.key("icrc-cp"))
        cp_text = open(w.regime).read().replace('operator = "border-service"', 'operator = "icrc-cp"')
        r = w.run("regime", "publish", w.write("cp.toml", cp_text), "--store", w.db, "--key", w.key("icrc-cp"), "--json")
        self.assertEqual(r.returncode, EXIT_FORBIDDEN, r.stdout)
        # Declared under the published regime, icrc signs every later step itself: each is refused.
        w.to_approved("c-1")
        self.assertEqual(w.step("arrive", "c-1", party="icrc", at="2023-07-03T06:00Z").returncode, 0)
        for args in (("inspect", "c-1"), ("clear", "c-1"), ("cross", "c-1"),
                     ("deliver", "c-1", "--received", '[{"item":0,"quantity":20000}]')):
            r = w.step(*args, party="icrc", at="2023-07-03T07:00Z")
            self.assertEqual(r.returncode, EXIT_FORBIDDEN, f"{args}: {r.stdout}")
            self.assertEqual(self.error(r)["rule"], "C-ROLE")
        for args in (("inspect", "c-1"), ("clear", "c-1"), ("cross", "c-1")):
            self.assertEqual(w.step(*args, party="border-service", at="2023-07-03T07:30Z").returncode, 0)
        # The receiver cannot record more than was declared, nor a line three times.
        for received in ('[{"item":0,"quantity":20000},{"item":0,"quantity":20000},{"item":0,"quantity":20000}]',
                         '[{"item":0,"quantity":20001}]', '[{"item":0,"quantity":100,"damaged":101}]'):
            r = w.step("deliver", "c-1", "--received", received, party="local", at="2023-07-03T12:00Z")
            self.assertEqual(r.returncode, EXIT_INVALID, r.stdout)
            self.assertEqual(self.error(r)["rule"], "C-QTY")
        r = w.step("deliver", "c-1", "--received", '[{"item":0,"quantity":20000}]', party="local", at="2023-07-03T12:00Z")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.reads_still_work()

    # 4. A regime reject binds.
    def test_steps_after_a_reject(self):
        w = self.w
        arms = [{"description": "rifles", "hs": "9301", "quantity": 10, "unit": "pcs", "net_kg": 40}]
        r = w.step("declare", w.declaration("c-9", items=arms), party="icrc", at="2023-06-25T08:00Z")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(json.loads(r.stdout)["decision"]["verdict"], "reject")
        self.assertTrue(json.loads(r.stdout)["blocked_by_regime"])
        for args, party in ((("notify", "c-9"), "icrc"), (("approve", "c-9"), "border-service"),
                            (("arrive", "c-9"), "icrc")):
            r = w.step(*args, party=party, at="2023-06-25T09:00Z")
            self.assertEqual(r.returncode, EXIT_CONFLICT, r.stdout)
            self.assertEqual(self.error(r)["rule"], "C-BIND")
        stats = json.loads(w.ok("consign", "stats", "--store", w.db, "--json").stdout)
        self.assertEqual(stats["by_state"], {"declared": 1})
        self.assertEqual(stats["by_verdict"], {"reject": 1})
        self.assertEqual(stats["blocked_by_regime"], 1)
        self.assertEqual(stats["rules_cited_for_rejected_or_turned_back"]["G-ARMS"], 1)
        # Only the operator overrides, with a reason; then it moves.
        r = w.step("override", "c-9", "--reason", "x", party="icrc", at="2023-06-25T10:00Z")
        self.assertEqual(r.returncode, EXIT_FORBIDDEN)
        r = w.step("override", "c-9", party="border-service", at="2023-06-25T10:00Z")
        self.assertEqual(r.returncode, EXIT_INVALID)
        r = w.step("override", "c-9", "--reason", "sporting rifles, licence 2023/118", party="border-service",
                   at="2023-06-25T10:00Z")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(w.step("notify", "c-9", party="icrc", at="2023-06-25T11:00Z").returncode, 0)
        # Declaring anew is the sender's other way out.
        r = w.step("declare", w.declaration("c-8", items=arms), party="icrc", at="2023-06-25T08:00Z")
        self.assertEqual(r.returncode, 0)
        r = w.step("declare", w.declaration("c-8", declared_at="2023-06-25T12:00Z"), party="icrc", at="2023-06-25T12:00Z")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(json.loads(r.stdout)["declarations"], 2)
        self.reads_still_work()

    # 5. Stock records for unknown settlements, or by a party that may not record them.
    def test_supply_records_are_checked(self):
        w = self.w

        def record(place, party):
            return w.run("supply", "record", "count", place, "--commodity", "wheat_flour", "--tonnes", "3",
                         "--date", "2023-07-02", "--commodities", w.commodities, "--key", w.key(party),
                         "--store", w.db, "--json")

        before = w.events()
        r = record("nowhere", "local")
        self.assertEqual(r.returncode, EXIT_NOT_FOUND, r.stdout)
        self.assertEqual(self.error(r)["rule"], "S-PLACE")
        r = record("town", "icrc")
        self.assertEqual(r.returncode, EXIT_FORBIDDEN, r.stdout)
        self.assertEqual(self.error(r)["rule"], "S-ROLE")
        self.assertEqual(w.events(), before)
        self.assertEqual(record("town", "local").returncode, 0)
        self.assertEqual(record("village", "peacekeepers").returncode, 0)
        # A settlement is registered by a receiver, monitor or admin — not by a sender.
        r = w.run("supply", "register", w.write("p2.csv", "id,population\nhamlet,10\n"), "--store", w.db,
                  "--key", w.key("icrc"), "--json")
        self.assertEqual(r.returncode, EXIT_FORBIDDEN)
        self.reads_still_work()

    # 6. Cutting the tail off: caught by the node's own note and by a head a party kept.
    def test_tail_truncation_is_detected(self):
        w = self.w
        w.to_approved("c-1")
        head = os.path.join(self.tmp, "head.json")
        w.ok("ledger", "head", "--store", w.db, "-o", head)
        n = w.events()
        w.sql("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq > %d; "
              "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
              "BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;" % (n - 2))
        missing = f"events {n - 1}..{n} are missing"
        r = w.run("ledger", "verify", "--store", w.db)
        self.assertEqual(r.returncode, EXIT_CORRUPT)
        self.assertIn(missing, r.stderr)
        # New events may not continue the shorter chain.
        r = w.step("arrive", "c-1", party="icrc", at="2023-07-03T06:00Z")
        self.assertEqual(r.returncode, EXIT_CORRUPT)
        # The attacker also wipes the node's notes and the tree: the head a party kept still catches it.
        w.sql("DELETE FROM notes; DROP TRIGGER tree_nodes_no_delete; DELETE FROM tree_nodes;")
        r = w.run("ledger", "verify", "--store", w.db, "--head", head)
        self.assertEqual(r.returncode, EXIT_CORRUPT, r.stdout + r.stderr)
        self.assertIn(missing, r.stderr)
        # A store that does not exist is an error, and is not created.
        r = w.run("ledger", "verify", "--store", os.path.join(self.tmp, "missing.db"))
        self.assertEqual(r.returncode, EXIT_NOT_FOUND)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "missing.db")))
        r = w.run("ledger", "verify", "--file", self.tmp)
        self.assertNotEqual(r.returncode, 0)

    def test_a_fork_is_named_by_the_head_kept(self):
        w = self.w
        w.to_approved("c-1")
        head = os.path.join(self.tmp, "head.json")
        w.ok("ledger", "head", "--store", w.db, "-o", head)
        # The checkpoint's operator rewrites its own approval (seq n-1) with its own key and re-chains
        # the rest: every signature is valid, and only the head kept shows it.
        rows = w.query("SELECT seq, time, actor, type, subject, payload, prev_hash FROM events ORDER BY seq")
        n = len(rows)
        w.sql("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq >= %d; DELETE FROM notes; "
              "DROP TRIGGER tree_nodes_no_delete; DELETE FROM tree_nodes;" % (n - 1))
        prev = w.query("SELECT hash FROM events WHERE seq = %d" % (n - 2))[0][0]
        e = self.forge("border-service", "consignment.approved", "c-1", '{"note":"rewritten"}', time=rows[n - 2][1],
                       seq=n - 1, prev=prev)
        self.insert_by_hand(e)
        e = self.forge("peacekeepers", rows[n - 1][3], rows[n - 1][4], rows[n - 1][5], time=rows[n - 1][1],
                       seq=n, prev=e["hash"])
        self.insert_by_hand(e)
        # Every signature is valid and the store's notes are gone, but the node kept its own signed
        # head outside the store (beside its key): the rewrite is caught without any party's head...
        r = w.run("ledger", "verify", "--store", w.db)
        self.assertEqual(r.returncode, EXIT_CORRUPT, r.stdout + r.stderr)
        self.assertIn("rewritten or replaced by a fork", r.stderr)
        self.assertRegex(r.stderr, r"within events? \d+")
        # ...and by the head a party kept.
        r = w.run("ledger", "verify", "--store", w.db, "--head", head)
        self.assertEqual(r.returncode, EXIT_CORRUPT)
        self.assertIn("a fork", r.stderr)
        self.assertRegex(r.stderr, r"within events? \d+")

    # 7. Read commands refuse a tampered store.
    def test_every_read_refuses_a_tampered_store(self):
        w = self.w
        w.to_crossed("c-1")
        self.assertEqual(w.step("deliver", "c-1", "--received", '[{"item":0,"quantity":20000}]', party="local",
                                at="2023-07-03T12:00Z").returncode, 0)
        self.assertEqual(json.loads(w.supply_status().stdout)["settlements"][0]["delivered_kcal"], 20000 * 3640)
        seq = w.query("SELECT seq FROM events WHERE type = 'consignment.delivered'")[0][0]
        w.sql("DROP TRIGGER events_no_update; UPDATE events SET payload = "
              "'{\"received\":[{\"item\":0,\"quantity\":2}]}' WHERE seq = %d" % seq)
        for cmd in READS:
            r = w.run(*cmd, "--store", w.db)
            self.assertEqual(r.returncode, EXIT_CORRUPT, f"{cmd} printed from a tampered store: {r.stdout}")
            self.assertIn(f"seq {seq}", r.stderr)
        r = w.supply_status()
        self.assertEqual(r.returncode, EXIT_CORRUPT, r.stdout)
        r = w.run("ledger", "export", os.path.join(self.tmp, "x.jsonl"), "--store", w.db)
        self.assertEqual(r.returncode, EXIT_CORRUPT)
        # The first event too (nobody tampered it before).
        w.sql("UPDATE events SET payload = (SELECT payload FROM events WHERE seq = %d) WHERE seq = %d; "
              "UPDATE events SET time = time + 1 WHERE seq = 1" % (seq, seq))
        r = w.run("ledger", "verify", "--store", w.db, "--json")
        self.assertEqual(r.returncode, EXIT_CORRUPT)
        self.assertEqual(self.error(r)["first_bad_seq"], 1)

    # 8. A damaged key file never prints the private key.
    def test_damaged_key_files_never_print_the_seed(self):
        w = self.w
        text = open(w.key("icrc")).read()
        seed = json.loads(text)["secret_key"][:64]
        windows = {seed[i:i + 8] for i in range(len(seed) - 7)}
        for cut in (20, 120, 200, len(text) - 2):
            damaged = w.write("cut.key", text[:cut])
            for cmd in (["consign", "notify", "c-1", "--key", damaged, "--store", w.db],
                        ["consign", "notify", "c-1", "--key", damaged, "--store", w.db, "--json"],
                        ["party", "rotate", "--key", damaged, "--key-out", os.path.join(self.tmp, "n.key"),
                         "--store", w.db],
                        ["ledger", "head", "--key", damaged, "--store", w.db]):
                r = w.run(*cmd)
                self.assertNotEqual(r.returncode, 0)
                out = r.stdout + r.stderr
                self.assertFalse([x for x in windows if x in out], f"cut at {cut}: {out}")

    # 9. Deep nesting, huge fields and endless inputs: clean errors, no crash.
    def test_deep_and_huge_inputs(self):
        w = self.w
        exported = os.path.join(self.tmp, "a.jsonl")
        w.ok("ledger", "export", exported, "--store", w.db)
        lines = open(exported).read().splitlines()[:-1]
        last = json.loads(lines[-1])
        deep = "[" * 55000 + "]" * 55000
        line, _ = self.forge("icrc", "consignment.notified", "c-1", deep, seq=last["seq"] + 1, prev=last["hash"], raw=True)
        nested = os.path.join(self.tmp, "deep.jsonl")
        with open(nested, "w") as f:
            f.write("\n".join(lines) + "\n" + line + "\n")

        def small_stack():
            resource.setrlimit(resource.RLIMIT_STACK, (4 << 20, 4 << 20))

        for cmd in (["ledger", "verify", "--file", nested], ["ledger", "import", nested, "--store", w.db]):
            r = w.run(*cmd, preexec_fn=small_stack)
            self.assertEqual(r.returncode, EXIT_LIMIT, f"{cmd}: {r.returncode} {r.stderr}")
            self.assertIn("nests deeper than 64", r.stderr)
        # One nested 50,000 deep stored by hand (a signed event): verify, export and reads answer.
        seq, prev = w.query("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")[0]
        _, e = self.forge("icrc", "consignment.notified", "c-1", "[" * 50000 + "]" * 50000, seq=seq + 1, prev=prev, raw=True)
        con = sqlite3.connect(w.db)
        con.execute("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?)",
                    (e["seq"], e["time"], e["actor"], e["type"], e["subject"], "[" * 50000 + "]" * 50000,
                     e["prev_hash"], e["hash"], e["signature"]))
        con.commit()
        con.close()
        for cmd in (["ledger", "verify", "--store", w.db], ["ledger", "export", os.path.join(self.tmp, "b.jsonl"),
                                                            "--store", w.db], ["consign", "list", "--store", w.db]):
            r = w.run(*cmd, preexec_fn=small_stack)
            self.assertEqual(r.returncode, 0, f"{cmd}: {r.returncode} {r.stderr}")
            self.assertIn("L-PAYLOAD", r.stdout + r.stderr)
        # Declarations: nested, with a 300 kB field, or endless.
        decl = json.loads(open(w.declaration("c-1")).read())
        decl["origin"] = "x" * 300000
        for path in (w.write("deep.json", "[" * 70 + "]" * 70), w.write("huge.json", json.dumps(decl)), "/dev/zero"):
            r = w.step("declare", path, party="icrc", at="2023-06-25T08:00Z")
            self.assertEqual(r.returncode, EXIT_LIMIT, f"{path}: {r.stdout}")

    # 11. Names that would forge a line, escape the terminal or the folder; times out of order.
    def test_names_paths_and_times(self):
        w = self.w
        for name in ("x\nfake  admin  00", "\x1b[31mred", "../../x", "Upper", "", "-flag"):
            r = w.run("party", "add", name, "--role", "sender", "--store", w.db)
            self.assertNotEqual(r.returncode, 0, repr(name))
        self.assertFalse(os.path.exists(os.path.join(os.path.dirname(self.tmp), "x.key")))
        r = w.run("party", "add", "ngo", "--role", "sender", "--display-name", "ICRC\u202egnp.exe", "--store", w.db)
        self.assertEqual(r.returncode, EXIT_INVALID)
        # The default key file goes to the current folder, under the (checked) name.
        r = subprocess.run([CORRIDOR, "party", "add", "ngo.2", "--role", "sender", "--store", w.db], cwd=self.tmp,
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "ngo.2.key")))
        out = w.ok("party", "list", "--store", w.db).stdout
        self.assertEqual(len(out.splitlines()), 6)
        # A step dated before the one it follows by more than five minutes, or in the future.
        w.to_approved("c-1")
        self.assertEqual(w.step("arrive", "c-1", party="icrc", at="2023-07-03T06:00Z").returncode, 0)
        r = w.step("inspect", "c-1", party="border-service", at="2023-07-03T05:54:59Z")
        self.assertEqual(r.returncode, EXIT_INVALID, r.stdout)
        self.assertEqual(self.error(r)["rule"], "L-TIME")
        r = w.step("inspect", "c-1", party="border-service", at="2099-01-01T00:00Z")
        self.assertEqual(self.error(r)["rule"], "L-TIME")
        self.assertEqual(w.step("inspect", "c-1", party="border-service",
                                at="2023-07-03T05:55Z").returncode, 0)  # exactly the tolerance
        stats = json.loads(w.ok("consign", "stats", "--store", w.db, "--json").stdout)
        self.assertTrue(all(d["p50_hours"] >= 0 for d in stats["dwell"]))

    # A stored event that breaks a rule (inserted by hand, validly signed): reported, of no effect.
    def test_a_stored_rule_breaker_is_reported_not_fatal(self):
        w = self.w
        w.to_approved("c-1")
        e = self.forge("peacekeepers", "consignment.delivered", "c-1", '{"received":[{"item":0,"quantity":20000}]}')
        self.insert_by_hand(e)
        r = w.run("consign", "show", "c-1", "--store", w.db, "--json")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(json.loads(r.stdout)["state"], "approved")
        self.assertIn(f"seq {e['seq']}", r.stderr)
        self.assertIn("C-ROLE", r.stderr)
        r = w.run("ledger", "verify", "--store", w.db, "--json")
        self.assertEqual(r.returncode, 0)
        self.assertEqual([(v["seq"], v["rule"]) for v in json.loads(r.stdout)["violations"]], [(e["seq"], "C-ROLE")])
        self.assertEqual(w.run("ledger", "verify", "--store", w.db, "--strict").returncode, EXIT_CORRUPT)
        self.assertEqual(w.supply_status().returncode, 0)
        self.assertEqual(w.run("store", "rebuild", "--store", w.db).returncode, 0)


class Proofs(unittest.TestCase):
    """Inclusion and consistency proofs from `ledger prove`, checked by an independent RFC 9162
    verifier written here with hashlib, and against the event's own hash."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="corridor_proofs_")
        self.w = World(CORRIDOR, DATA, self.tmp)
        for i in range(3):
            self.w.to_approved(f"c-{i}")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    @staticmethod
    def node(a, b):
        return merkle_node(a, b)

    @staticmethod
    def mth(leaves):
        return merkle_root(leaves)

    def verify_inclusion(self, index, size, leaf, path, root):
        fn, sn, r = index, size - 1, leaf
        for p in path:
            if sn == 0:
                return False
            if fn & 1 or fn == sn:
                r = self.node(p, r)
                while not fn & 1 and fn:
                    fn >>= 1
                    sn >>= 1
            else:
                r = self.node(r, p)
            fn >>= 1
            sn >>= 1
        return sn == 0 and r == root

    def verify_consistency(self, first, second, path, r1, r2):
        if first == second:
            return not path and r1 == r2
        path = ([r1] if first & (first - 1) == 0 else []) + path
        fn, sn = first - 1, second - 1
        while fn & 1:
            fn >>= 1
            sn >>= 1
        fr = sr = path[0]
        for c in path[1:]:
            if sn == 0:
                return False
            if fn & 1 or fn == sn:
                fr, sr = self.node(c, fr), self.node(c, sr)
                while not fn & 1 and fn:
                    fn >>= 1
                    sn >>= 1
            else:
                sr = self.node(sr, c)
            fn >>= 1
            sn >>= 1
        return fr == r1 and sr == r2 and sn == 0

    def test_proofs_match_an_independent_computation(self):
        w = self.w
        hashes = [bytes.fromhex(h) for (h,) in w.query("SELECT hash FROM events ORDER BY seq")]
        leaves = [hashlib.sha256(b"\x00" + h).digest() for h in hashes]
        n = len(leaves)
        head = json.loads(w.ok("ledger", "head", "--store", w.db).stdout)
        self.assertEqual(head["size"], n)
        self.assertEqual(bytes.fromhex(head["root"]), self.mth(leaves))
        proof_file = os.path.join(self.tmp, "p.json")
        for seq in (1, 2, n // 2, n):  # first, last, middle
            for size in (seq, n):
                p = json.loads(w.ok("ledger", "prove", "--store", w.db, "--seq", str(seq), "--size", str(size)).stdout)
                self.assertEqual(bytes.fromhex(p["root"]), self.mth(leaves[:size]))
                self.assertEqual(bytes.fromhex(p["leaf_hash"]), leaves[seq - 1])
                path = [bytes.fromhex(h) for h in p["path"]]
                self.assertTrue(self.verify_inclusion(seq - 1, size, leaves[seq - 1], path, self.mth(leaves[:size])))
                self.assertFalse(self.verify_inclusion(seq - 1, size, leaves[seq % n], path, self.mth(leaves[:size])))
        for first in (1, 2, 3, 4, n - 1, n):
            p = json.loads(w.ok("ledger", "prove", "--store", w.db, "--from-size", str(first)).stdout)
            path = [bytes.fromhex(h) for h in p["path"]]
            self.assertTrue(self.verify_consistency(first, n, path, self.mth(leaves[:first]), self.mth(leaves)), first)
            with open(proof_file, "w") as f:
                json.dump(p, f)
            head_file = w.write("head.json", json.dumps(head))
            self.assertEqual(w.run("ledger", "check-proof", proof_file, "--head", head_file).returncode, 0)
            p["path"] = p["path"][::-1]
            with open(proof_file, "w") as f:
                json.dump(p, f)
            if len(path) > 1:
                self.assertEqual(w.run("ledger", "check-proof", proof_file).returncode, EXIT_CORRUPT)
        # A countersignature by a party that checked the head against its own copy.
        cosigned = w.write("cosigned.json", w.ok("ledger", "head", "--store", w.db, "--cosign", w.write("h.json", json.dumps(head)),
                                                 "--key", w.key("peacekeepers")).stdout)
        sigs = json.loads(open(cosigned).read())["signatures"]
        self.assertEqual([s["by"] for s in sigs], ["node", "peacekeepers"])
        self.assertEqual(w.run("ledger", "verify", "--store", w.db, "--head", cosigned).returncode, 0)


class Governed(unittest.TestCase):
    """A ledger started from a genesis every founder signed: membership by admission, checkpoints
    and settlements from the genesis, key rotation and revocation."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="corridor_genesis_")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_(self, *args, cwd=None):
        return subprocess.run([CORRIDOR, *args], capture_output=True, text=True, cwd=cwd)

    def test_genesis_admission_rotation_revocation(self):
        t = self.tmp
        founders = (("ocha", "admin"), ("icrc", "sender"), ("border-service", "checkpoint"), ("local", "receiver"),
                    ("peacekeepers", "monitor"))
        genesis, sigs, _ = write_genesis(CORRIDOR, t, founders, "trial corridor")
        db = os.path.join(t, "g.db")
        # One signature missing: no ledger.
        r = self.run_("ledger", "init", "--genesis", genesis, "--key", os.path.join(t, "ocha.key"), *sigs[:-2],
                      "--store", db)
        self.assertEqual(r.returncode, EXIT_INVALID, r.stderr)
        self.assertIn("missing: peacekeepers", r.stderr)
        self.assertFalse(os.path.exists(db))
        # A signature over another genesis (a founder changed a line) is refused too.
        with open(genesis) as f:
            changed = f.read().replace("trial corridor", "other corridor")
        other = os.path.join(t, "other.toml")
        with open(other, "w") as f:
            f.write(changed)
        r = self.run_("ledger", "init", "--genesis", other, "--key", os.path.join(t, "ocha.key"), *sigs, "--store", db)
        self.assertEqual(r.returncode, EXIT_INVALID)
        self.assertIn("signed another genesis", r.stderr)
        r = self.run_("ledger", "init", "--genesis", genesis, "--key", os.path.join(t, "ocha.key"), *sigs, "--store", db)
        self.assertEqual(r.returncode, 0, r.stderr)
        v = json.loads(self.run_("ledger", "verify", "--store", db, "--json").stdout)
        self.assertEqual((v["mode"], v["ledger"], v["events"]), ("governed", "trial corridor", 1))
        key = lambda n: os.path.join(t, n + ".key")  # noqa: E731
        # Parties are admitted, not self-registered; only an admitting party admits.
        r = self.run_("party", "add", "wfp", "--role", "sender", "--store", db, cwd=t)
        self.assertEqual(r.returncode, EXIT_FORBIDDEN)
        self.assertFalse(os.path.exists(os.path.join(t, "wfp.key")))
        r = self.run_("party", "keygen", "wfp", "--role", "sender", "--key-out", key("wfp"), "--json")
        pk = json.loads(r.stdout)["public_key"]
        r = self.run_("party", "admit", "wfp", "--role", "sender", "--public-key", pk, "--key", key("icrc"), "--store", db)
        self.assertEqual(r.returncode, EXIT_FORBIDDEN)
        r = self.run_("party", "admit", "wfp", "--role", "sender", "--public-key", pk, "--key", key("ocha"), "--store", db)
        self.assertEqual(r.returncode, 0, r.stderr)
        # The checkpoint from the genesis: its operator publishes; stocks for the genesis' settlement.
        regime = os.path.join(DATA, "regimes", "example.toml")
        self.assertEqual(self.run_("regime", "publish", regime, "--key", key("border-service"), "--store", db,
                                   "--at", "2023-06-01T00:00Z").returncode, 0)
        r = self.run_("supply", "record", "count", "town", "--commodity", "wheat_flour", "--tonnes", "2",
                      "--date", "2023-06-02", "--commodities", os.path.join(DATA, "supply", "commodities.csv"),
                      "--key", key("local"), "--store", db)
        self.assertEqual(r.returncode, 0, r.stderr)
        # Rotation: the old key signs the change; afterwards only the new key acts.
        r = self.run_("party", "rotate", "--key", key("wfp"), "--key-out", key("wfp2"), "--store", db)
        self.assertEqual(r.returncode, 0, r.stderr)
        decl = os.path.join(t, "c-1.json")
        with open(decl, "w") as f:
            json.dump({"id": "c-1", "type": "food-aid", "sender": "wfp", "receiver": "local", "origin": "goris",
                       "destination": "town", "checkpoint": "example-bridge", "planned_arrival": "2023-07-03T08:00Z",
                       "documents": ["manifest", "waybill", "driver_id", "phytosanitary_certificate"],
                       "items": [{"description": "wheat flour", "category": "food", "quantity": 100, "unit": "kg",
                                  "net_kg": 100}]}, f)
        r = self.run_("consign", "declare", decl, "--key", key("wfp"), "--store", db, "--at", "2023-06-25T08:00Z")
        self.assertEqual(r.returncode, EXIT_FORBIDDEN, r.stderr)
        self.assertIn("not the one the ledger holds", r.stderr)
        r = self.run_("consign", "declare", decl, "--key", key("wfp2"), "--store", db, "--at", "2023-06-25T08:00Z")
        self.assertEqual(r.returncode, 0, r.stderr)
        # Revocation by the admitting party: the revoked party acts no more.
        r = self.run_("party", "revoke", "wfp", "--reason", "left the operation", "--key", key("ocha"), "--store", db)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.run_("consign", "notify", "c-1", "--key", key("wfp2"), "--store", db, "--at", "2023-06-25T09:00Z", "--json")
        self.assertEqual(r.returncode, EXIT_FORBIDDEN, r.stdout)
        self.assertEqual(json.loads(r.stdout)["error"]["rule"], "P-MEMBER")
        v = json.loads(self.run_("ledger", "verify", "--store", db, "--json").stdout)
        self.assertEqual((v["verified"], v["violations"]), (True, []))


if __name__ == "__main__":
    CORRIDOR, FORGE, DATA = (os.path.abspath(a) for a in sys.argv[1:4])
    unittest.main(argv=[sys.argv[0], "-v"])
