#!/usr/bin/env python3
"""A hostile party against the paths around the rule engine (issue 24): forged key files, a store
file edited with and without its notes, truncation, rollback and fork by replacing the file,
inconsistent notes. Each test names the issue's item it reproduces; each failed on the main of
2026-12-03.

usage: hostile_test.py CORRIDOR FORGE DATA_DIR
"""
import datetime
import hashlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ledger_world import (EXIT_CORRUPT, EXIT_INVALID, EXIT_PARSE, World, event_leaf, merkle_node, merkle_root,  # noqa: E402
                          now_minute, write_genesis)
from server_harness import Server  # noqa: E402

CORRIDOR = FORGE = DATA = None

# Every command that reads the ledger (each must refuse what a hostile edit left behind).
READS = [["consign", "list"], ["consign", "show", "c-1"], ["consign", "stats"], ["party", "list"], ["regime", "list"],
         ["store", "rebuild", "--check"], ["ledger", "head"], ["ledger", "prove", "--seq", "2"], ["ledger", "verify"],
         ["ledger", "export", "-"]]


def canonical_bytes(e):
    """The bytes an event's hash covers (docs/formats.md), written apart from corridor's code."""
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731
    return ('{"actor":%s,"payload":%s,"prev_hash":%s,"seq":%d,"subject":%s,"time":%d,"type":%s}' % (
        q(e["actor"]), e["payload"], q(e["prev_hash"]), e["seq"], q(e["subject"]), e["time"], q(e["type"]))).encode()


class Hostile(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="corridor_hostile_")
        self.w = World(CORRIDOR, DATA, self.tmp)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def assert_every_read_refused(self, why, *, store=None, verify=True):
        """Every read exits 7 naming the store; returns `consign list`'s stderr. `verify`: whether a
        full `ledger verify` must refuse too (it is the recovery for a note that is merely missing)."""
        w = self.w
        store = store or w.db
        for cmd in READS if verify else [c for c in READS if c != ["ledger", "verify"]]:
            r = w.run(*cmd, "--store", store)
            self.assertEqual(r.returncode, EXIT_CORRUPT, f"{cmd} exited {r.returncode} on {why}: {r.stdout[:300]}{r.stderr}")
            self.assertIn(os.path.basename(store), r.stderr, cmd)
        r = w.supply_status(store)
        self.assertEqual(r.returncode, EXIT_CORRUPT, f"supply status on {why}: {r.stdout[:300]}")
        return w.run("consign", "list", "--store", store).stderr

    def forged_key_file(self, party):
        """A key file with the party's public key (from `party list --json`) and a random seed."""
        parties = json.loads(self.w.ok("party", "list", "--store", self.w.db, "--json").stdout)
        row = next(p for p in parties if p["party"] == party)
        pk = row["public_key"]
        return self.w.write(f"forged-{party}.key", json.dumps({"party": party, "role": row["role"], "public_key": pk,
                                                                "secret_key": secrets.token_hex(32) + pk}))

    # Item 1: a key file whose secret half does not derive its public half is refused on load, with
    # no key material quoted, and nothing is appended; `party rotate` cannot take a party over.
    def test_item1_a_forged_key_file_signs_nothing(self):
        w = self.w
        w.to_crossed("c-1")
        before = w.events()
        forged = self.forged_key_file("local")
        secret = json.load(open(forged))["secret_key"]
        for args in (["consign", "deliver", "c-1", "--received", '[{"item":0,"quantity":20000}]'],
                     ["party", "rotate", "--key-out", os.path.join(self.tmp, "taken.key")]):
            r = w.run(*args, "--store", w.db, "--key", forged)
            self.assertEqual(r.returncode, EXIT_PARSE, f"{args}: {r.stdout}{r.stderr}")
            self.assertIn("does not derive public_key", r.stderr)
            self.assertNotIn(secret[:16], r.stdout + r.stderr)
            self.assertNotIn(secret[64:80], r.stdout + r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "taken.key")))
        forged_op = self.forged_key_file("border-service")
        r = w.step("inspect", "c-1", party="border-service", at="2023-07-03T09:00Z")
        self.assertNotEqual(r.returncode, 0)  # already crossed; the honest key is refused by the rules
        r = w.run("consign", "inspect", "c-1", "--store", w.db, "--key", forged_op)
        self.assertEqual(r.returncode, EXIT_PARSE)
        self.assertEqual(w.events(), before)
        self.assertEqual(w.run("ledger", "verify", "--store", w.db).returncode, 0)
        # The genuine key file still works (the check is not a refusal of every key).
        r = w.step("deliver", "c-1", "--received", '[{"item":0,"quantity":20000}]', party="local", at="2023-07-03T12:00Z")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    # Item 2: a payload edited with every hash, the chain, the Merkle tree and the unsigned note
    # recomputed to match: every read refuses it, because what reads trust is a head signed by the
    # node's key, and the edited events' signatures do not verify.
    def test_item2_reads_do_not_trust_an_unsigned_note(self):
        w = self.w
        w.to_crossed("c-1")
        w.ok("consign", "deliver", "c-1", "--received", '[{"item":0,"quantity":20000}]', "--store", w.db,
             "--key", w.key("local"), "--at", "2023-07-03T12:00Z")
        con = sqlite3.connect(w.db)
        con.executescript("DROP TRIGGER events_no_update; DROP TRIGGER tree_nodes_no_delete;")
        rows = con.execute("SELECT seq, time, actor, type, subject, payload, prev_hash, hash FROM events ORDER BY seq").fetchall()
        events = [dict(zip(("seq", "time", "actor", "type", "subject", "payload", "prev_hash", "hash"), r)) for r in rows]
        target = next(e for e in events if e["type"] == "consignment.delivered")
        target["payload"] = '{"received":[{"item":0,"quantity":2000000}]}'
        prev = None
        for e in events:
            if prev is not None:
                e["prev_hash"] = prev
            if e["seq"] >= target["seq"]:
                e["hash"] = hashlib.sha256(canonical_bytes(e)).hexdigest()
                con.execute("UPDATE events SET payload=?, prev_hash=?, hash=? WHERE seq=?",
                            (e["payload"], e["prev_hash"], e["hash"], e["seq"]))
            prev = e["hash"]
        leaves = [event_leaf(e["hash"]) for e in events]
        # The tree's stored nodes, recomputed (level >= 1, perfect subtrees only).
        con.execute("DELETE FROM tree_nodes")
        level, nodes = 0, leaves
        while len(nodes) > 1:
            level += 1
            nodes = [merkle_node(nodes[2 * i], nodes[2 * i + 1]) for i in range(len(nodes) // 2)]
            for i, h in enumerate(nodes):
                con.execute("INSERT INTO tree_nodes (level, idx, hash) VALUES (?, ?, ?)", (level, i, h))
        root = merkle_root(leaves).hex()
        for note in ({"size": len(events), "root": root}, None):
            if note is None:
                con.execute("DELETE FROM notes WHERE key = 'verified_head'")
            else:
                con.execute("INSERT OR REPLACE INTO notes (key, value) VALUES ('verified_head', ?)", (json.dumps(note),))
            con.commit()
            err = self.assert_every_read_refused("a forged payload behind " + ("an unsigned note" if note else "no note"))
            self.assertIn(f"seq {target['seq']}", err)
        con.close()
        # The full check names the edited event.
        r = w.run("ledger", "verify", "--store", w.db, "--json")
        self.assertEqual(r.returncode, EXIT_CORRUPT)
        self.assertEqual(json.loads(r.stdout)["error"]["first_bad_seq"], target["seq"])

    # Item 2, the note alone: missing, unsigned, damaged, or signed by another node's key.
    def test_item2_a_store_whose_note_is_missing_unsigned_or_foreign_is_refused(self):
        w = self.w
        w.to_approved("c-1")
        good = w.query("SELECT value FROM notes WHERE key = 'verified_head'")[0][0]
        head = json.loads(good)
        self.assertEqual(head["signatures"][0]["by"], "node")
        other = os.path.join(self.tmp, "other")
        os.mkdir(other)
        world2 = World(CORRIDOR, DATA, other)
        foreign = world2.query("SELECT value FROM notes WHERE key = 'verified_head'")[0][0]
        unsigned = json.dumps({"size": head["size"], "root": head["root"]})
        tampered = dict(head, time="2030-01-01T00:00:00Z")
        for label, value in (("no note", None), ("unsigned", unsigned), ("another node's", foreign),
                             ("a re-dated head", json.dumps(tampered)), ("not JSON", "{")):
            if value is None:
                w.sql("DELETE FROM notes WHERE key = 'verified_head'")
            else:
                con = sqlite3.connect(w.db)
                con.execute("INSERT OR REPLACE INTO notes (key, value) VALUES ('verified_head', ?)", (value,))
                con.commit()
                con.close()
            self.assertIn("ledger verify", self.assert_every_read_refused(label, verify=False))
        # A change of nothing but the size or the root is caught too (not only the time).
        for field, value in (("size", head["size"] - 1), ("root", "0" * 64)):
            con = sqlite3.connect(w.db)
            con.execute("INSERT OR REPLACE INTO notes (key, value) VALUES ('verified_head', ?)",
                        (json.dumps(dict(head, **{field: value})),))
            con.commit()
            con.close()
            self.assert_every_read_refused("a head whose " + field + " was changed", verify=False)
        # The recovery the message names: a full verification signs a fresh head, and reads work again.
        r = w.run("ledger", "verify", "--store", w.db)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(w.run("consign", "list", "--store", w.db).returncode, 0)

    # Item 3: truncation behind wiped notes and tree, and rollback by replacing the file with an
    # older copy: the node's head kept beside its key (outside the store) catches both, naming the range.
    def test_item3_truncation_and_rollback_behind_wiped_notes(self):
        w = self.w
        w.to_approved("c-1")
        older = os.path.join(self.tmp, "older.db")
        shutil.copyfile(w.db, older)
        n_old = w.events()
        w.to_crossed("c-2")
        n = w.events()
        w.sql("DROP TRIGGER events_no_delete; DROP TRIGGER tree_nodes_no_delete; "
              f"DELETE FROM events WHERE seq >= {n - 1}; DELETE FROM notes; DELETE FROM tree_nodes;")
        err = self.assert_every_read_refused("a store cut short behind wiped notes")
        self.assertIn(f"events {n - 1}..{n} are missing", err)
        # The same store file replaced by the older copy (its own notes, signed by this node, intact).
        shutil.copyfile(older, w.db)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(w.db + suffix):
                os.remove(w.db + suffix)
        err = self.assert_every_read_refused("a store replaced by an older copy")
        self.assertIn(f"events {n_old + 1}..{n} are missing", err)
        self.assertIn("older copy", err)
        # Nor can it be written to: an append would fork the log the node signed.
        r = w.step("arrive", "c-1", party="icrc", at="2023-07-03T06:00Z")
        self.assertEqual(r.returncode, EXIT_CORRUPT)

    # Item 3 (found by the review of this change): the head kept outside the store is removed along
    # with rolling the store back to an older copy. A missing outside file is no longer taken as "no
    # head kept": the node creates it before its first write, so its absence is a removal.
    def test_item3_rollback_with_the_outside_head_removed(self):
        w = self.w
        w.to_approved("c-1")
        older = os.path.join(self.tmp, "older.db")
        shutil.copyfile(w.db, older)
        w.to_crossed("c-2")
        heads = w.db + ".node.key.heads"
        self.assertTrue(os.path.isdir(heads))
        shutil.rmtree(heads)
        shutil.copyfile(older, w.db)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(w.db + suffix):
                os.remove(w.db + suffix)
        err = self.assert_every_read_refused("a store rolled back with its outside head removed")
        self.assertIn("is gone", err)
        self.assertIn("ledger verify --adopt", err)
        self.assertEqual(w.step("arrive", "c-1", party="icrc", at="2023-07-03T06:00Z").returncode, EXIT_CORRUPT)
        # The operator who knows the folder is lost takes the store as it is, every event verified.
        r = w.run("ledger", "verify", "--adopt", "--store", w.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(w.run("consign", "list", "--store", w.db).returncode, 0)
        self.assertTrue(os.path.isdir(heads))

    # Item 3: another ledger put in the store's place.
    def test_item3_a_store_replaced_by_another_ledger(self):
        w = self.w
        other = os.path.join(self.tmp, "other")
        os.mkdir(other)
        World(CORRIDOR, DATA, other)
        shutil.copyfile(os.path.join(other, "corridor.db"), w.db)
        err = self.assert_every_read_refused("another ledger in the store's place")
        self.assertIn("another ledger", err)

    # Item 4: a deleted tree_size note is exit 7 saying what is wrong on every command, verify included.
    def test_item4_a_deleted_tree_size_note(self):
        w = self.w
        w.to_approved("c-1")
        w.sql("DELETE FROM notes WHERE key = 'tree_size'")
        err = self.assert_every_read_refused("a deleted tree_size note")
        self.assertIn("tree_size", err)
        self.assertNotIn("UNIQUE", err)
        r = w.step("arrive", "c-1", party="icrc", at="2023-07-03T06:00Z")
        self.assertEqual(r.returncode, EXIT_CORRUPT, r.stdout + r.stderr)

    # Item 10: a log taken from another node says what pins its keys, and can be pinned; a proof
    # without a head is not called verified.
    def test_item10_pinned_keys_and_unanchored_proofs(self):
        w = self.w
        export = os.path.join(self.tmp, "mine.jsonl")
        w.ok("ledger", "export", export, "--store", w.db)
        parties = json.loads(w.ok("party", "list", "--store", w.db, "--json").stdout)
        pins = w.write("pins.json", json.dumps({p["party"]: p["public_key"] for p in parties}))
        # A whole log re-signed with keys of the forger's own: the same parties, other keys.
        other = os.path.join(self.tmp, "forger")
        os.mkdir(other)
        World(CORRIDOR, DATA, other)
        forged = os.path.join(self.tmp, "forged.jsonl")
        w.ok("ledger", "export", forged, "--store", os.path.join(other, "corridor.db"))
        new_node = os.path.join(self.tmp, "new")
        os.mkdir(new_node)
        r = w.run("ledger", "import", forged, "--store", os.path.join(new_node, "a.db"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("keys: NOT pinned", r.stdout)
        r = w.run("ledger", "import", forged, "--store", os.path.join(new_node, "b.db"), "--keys", pins, "--json")
        self.assertEqual(r.returncode, EXIT_CORRUPT, r.stdout)
        self.assertIn("pinned", json.loads(r.stdout)["error"]["message"])
        r = w.run("ledger", "import", export, "--store", os.path.join(new_node, "b.db"), "--keys", pins, "--json")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(json.loads(r.stdout)["keys_pinned"], "--keys " + pins)
        # --genesis on an open ledger's export: its first event is no genesis.
        genesis = w.write("g.toml", "name = 'x'\n")
        r = w.run("ledger", "import", export, "--store", os.path.join(new_node, "c.db"), "--genesis", genesis)
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(new_node, "c.db")) and w.events(os.path.join(new_node, "c.db")))
        r = w.run("ledger", "import", export, "--keys", pins, "--genesis", genesis, "--store", os.path.join(new_node, "d.db"))
        self.assertEqual(r.returncode, 2, r.stderr)  # one or the other
        # A proof checked without a head.
        proof = w.write("p.json", w.ok("ledger", "prove", "--store", w.db, "--seq", "2").stdout)
        r = w.run("ledger", "check-proof", proof)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("NOT anchored", r.stdout)
        self.assertNotIn("verified", r.stdout)
        j = json.loads(w.run("ledger", "check-proof", proof, "--json").stdout)
        self.assertEqual((j["verified"], j["path_valid"], j["anchored"]), (False, True, False))
        head = w.write("head.json", w.ok("ledger", "head", "--store", w.db).stdout)
        r = w.run("ledger", "check-proof", proof, "--head", head, "--json")
        self.assertEqual(json.loads(r.stdout)["verified"], True, r.stdout)

    # Item 9: each step's payload holds what its type defines, and free text is bounded.
    def test_item9_payloads_carry_only_what_their_type_defines(self):
        w = self.w
        w.to_approved("c-1")
        w.ok("consign", "arrive", "c-1", "--store", w.db, "--key", w.key("icrc"), "--at", "2023-07-03T06:00Z")
        before = w.events()
        for findings, why in (("x" * 2001, "/findings: longer than 2000 bytes"),
                              ("ok\u202e", "/findings: a bidirectional control character")):
            r = w.step("inspect", "c-1", "--lane", "red", "--findings", findings, party="border-service", at="2023-07-03T07:00Z")
            self.assertEqual(r.returncode, EXIT_INVALID, r.stdout)
            err = json.loads(r.stdout)["error"]
            self.assertEqual(err["rule"], "L-PAYLOAD")
            self.assertIn(why, err["message"])
        self.assertEqual(w.events(), before)
        r = w.step("inspect", "c-1", "--lane", "red", "--findings", "x" * 2000, party="border-service", at="2023-07-03T07:00Z")
        self.assertEqual(r.returncode, 0, r.stdout)  # exactly at the limit
        for args in (("clear", "c-1"), ("cross", "c-1")):
            self.assertEqual(w.step(*args, party="border-service", at="2023-07-03T08:00Z").returncode, 0)
        before = w.events()
        for received, why in (('[{"item":0,"quantity":1,"bonus":99999}]', "/received/0/bonus: not a member of a line"),
                              ("[]", "one line or more")):
            r = w.step("deliver", "c-1", "--received", received, party="local", at="2023-07-03T12:00Z")
            self.assertEqual(r.returncode, EXIT_INVALID, r.stdout)
            err = json.loads(r.stdout)["error"]
            self.assertEqual(err["rule"], "L-PAYLOAD")
            self.assertIn(why, err["message"])
        self.assertEqual(w.events(), before)
        r = w.step("deliver", "c-1", "--received", '[{"item":0,"quantity":1,"damaged":0,"short":0}]', party="local",
                   at="2023-07-03T12:00Z")
        self.assertEqual(r.returncode, 0, r.stdout)

    # Item 5: the lead time runs from the declaration's event, not from a declared_at the sender writes.
    def test_item5_declared_at_cannot_buy_lead_time(self):
        w = self.w
        # Declared 8 h before the planned arrival: the regime's 24 h lead binds (reject).
        honest = w.step("declare", w.declaration("c-1", declared_at="2023-07-03T00:00Z"), party="icrc",
                        at="2023-07-03T00:00Z")
        self.assertEqual(honest.returncode, 0, honest.stdout + honest.stderr)
        self.assertEqual(json.loads(honest.stdout)["decision"]["verdict"], "reject")
        before = w.events()
        # The same, claiming to have been declared in January: refused, nothing appended.
        r = w.step("declare", w.declaration("c-2", declared_at="2023-01-01T00:00Z"), party="icrc", at="2023-07-03T00:00Z")
        self.assertEqual(r.returncode, EXIT_INVALID, r.stdout + r.stderr)
        err = json.loads(r.stdout)["error"]
        self.assertEqual(err["rule"], "L-TIME")
        self.assertIn("/declared_at", err["message"])
        # Exactly at the tolerance (300 s) is the same moment; one second past it is not.
        r = w.step("declare", w.declaration("c-3", declared_at="2023-07-02T23:55Z"), party="icrc", at="2023-07-03T00:00Z")
        self.assertEqual(r.returncode, 0, r.stdout)
        r = w.step("declare", w.declaration("c-4", declared_at="2023-07-02T23:54:59Z"), party="icrc", at="2023-07-03T00:00Z")
        self.assertEqual(r.returncode, EXIT_INVALID, r.stdout)
        # Without declared_at, the event's time is the declaration's.
        decl = json.load(open(w.declaration("c-5")))
        del decl["declared_at"]
        r = w.step("declare", w.write("c-5.json", json.dumps(decl)), party="icrc", at="2023-07-03T00:00Z")
        self.assertEqual(json.loads(r.stdout)["decision"]["verdict"], "reject", r.stdout)
        self.assertEqual(w.events(), before + 2)

    # Item 6: a governed ledger takes nothing dated before what it has reached (its genesis, the
    # actor's admission, the event before), no count of a day to come or of long ago; a genesis
    # cannot be back-dated at `ledger init`. A ledger of a past case says so (history_from), and
    # everything it records of that past is marked as recorded after the fact.
    def test_item6_back_dating(self):
        w = self.w
        founders = (("ocha", "admin"), ("icrc", "sender"), ("border-service", "checkpoint"), ("local", "receiver"),
                    ("peacekeepers", "monitor"))
        regime = os.path.join(DATA, "regimes", "example.toml")

        def ledger(name, **genesis_args):
            d = os.path.join(self.tmp, name)
            os.mkdir(d)
            genesis, sigs, keys = write_genesis(CORRIDOR, d, founders, name, **genesis_args)
            db = os.path.join(d, "g.db")
            return w.run("ledger", "init", "--genesis", genesis, "--key", keys["ocha"], *sigs, "--store", db), db, keys

        def declare(db, keys, party, cid, at):
            return w.run("consign", "declare", w.declaration(cid, sender=party, declared_at=at), "--store", db, "--key",
                         keys[party], "--at", at, "--json")

        def events(db):
            return json.loads(w.ok("ledger", "verify", "--store", db, "--json").stdout)["events"]

        def refused_l_time(r, db, count, *needles):
            self.assertEqual(r.returncode, EXIT_INVALID, r.stdout + r.stderr)
            self.assertIn("L-TIME", r.stdout + r.stderr)
            for n in needles:
                self.assertIn(n, r.stdout + r.stderr)
            self.assertEqual(events(db), count)

        # A genesis dated 2023 is not started today as if it were then.
        r, db, _ = ledger("old", created="2023-06-01T00:00Z", history_from=None)
        self.assertEqual(r.returncode, EXIT_INVALID, r.stderr)
        self.assertIn("history_from", r.stderr)
        self.assertFalse(os.path.exists(db))
        # A governed ledger of today.
        r, db, keys = ledger("today", history_from=None)
        self.assertEqual(r.returncode, 0, r.stderr)
        pk = json.loads(w.ok("party", "keygen", "msf", "--role", "sender", "--key-out", w.key("msf"), "--json").stdout)
        w.ok("party", "admit", "msf", "--role", "sender", "--public-key", pk["public_key"], "--key", keys["ocha"], "--store", db)
        n = events(db)
        r = w.run("regime", "publish", regime, "--key", keys["border-service"], "--store", db, "--at", "1960-01-01T00:00Z")
        refused_l_time(r, db, n, "history_from")
        now = now_minute()
        w.ok("regime", "publish", regime, "--key", keys["border-service"], "--store", db, "--at", now)
        n += 1
        keys["msf"] = w.key("msf")
        r = declare(db, keys, "msf", "c-1", "2023-06-25T08:00Z")
        refused_l_time(r, db, n)
        r = declare(db, keys, "msf", "c-1", "2099-06-25T08:00Z")
        refused_l_time(r, db, n)
        r = declare(db, keys, "msf", "c-1", now)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        n += 1
        commodities = os.path.join(DATA, "supply", "commodities.csv")

        def count(day):
            return w.run("supply", "record", "count", "town", "--commodity", "wheat_flour", "--tonnes", "2", "--date", day,
                         "--commodities", commodities, "--key", keys["local"], "--store", db)
        refused_l_time(count("1900-01-01"), db, n)
        refused_l_time(count("9999-12-31"), db, n)
        self.assertEqual(count(now[:10]).returncode, 0)
        v = json.loads(w.ok("ledger", "verify", "--store", db, "--json").stdout)
        self.assertEqual((v["time"]["back_dating"], v["time"]["recorded_after_the_fact"]), ("refused", 0))

        # A ledger of a past case: its past is taken from history_from on, and marked.
        r, db, keys = ledger("past", history_from="2023-06-01T00:00Z")
        self.assertEqual(r.returncode, 0, r.stderr)
        w.ok("regime", "publish", regime, "--key", keys["border-service"], "--store", db, "--at", "2023-06-01T00:00Z")
        listed = json.loads(w.ok("regime", "list", "--store", db, "--json").stdout)
        self.assertTrue(listed[0]["regimes"][0]["recorded_after_the_fact"])
        self.assertIn("(recorded after the fact)", w.ok("regime", "list", "--store", db).stdout)
        r = declare(db, keys, "icrc", "c-1", "2023-06-25T08:00Z")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        shown = json.loads(w.ok("consign", "show", "c-1", "--store", db, "--json").stdout)
        self.assertEqual(shown["steps_recorded_after_the_fact"], 1)
        self.assertIn("1 of its steps recorded after the fact", w.ok("consign", "show", "c-1", "--store", db).stdout)
        n = events(db)
        r = declare(db, keys, "icrc", "c-2", "2023-05-31T23:59Z")
        refused_l_time(r, db, n, "before the history this ledger records")
        v = json.loads(w.ok("ledger", "verify", "--store", db, "--json").stdout)
        self.assertEqual(v["time"]["recorded_after_the_fact"], 2)
        self.assertEqual(v["time"]["history_from"], "2023-06-01T00:00:00Z")
        self.assertIn("2 events recorded after the fact", w.ok("ledger", "verify", "--store", db).stdout)

    # Item 7: control and bidirectional characters in a declaration's free text, or in a regime's
    # checkpoint name, are refused where they are written, naming the field.
    def test_item7_control_and_bidi_text_is_refused_at_the_write(self):
        w = self.w
        before = w.events()
        forged_line = "nowhere\u001b[2J\u202e\rFAKE: town coverage 100%"
        for field in ("origin", "destination", "type"):
            decl = json.load(open(w.declaration("c-1")))
            decl[field] = forged_line
            r = w.step("declare", w.write("bad.json", json.dumps(decl)), party="icrc", at="2023-06-25T08:00Z")
            self.assertEqual(r.returncode, EXIT_PARSE, field + ": " + r.stdout)
            self.assertIn("/" + field, json.loads(r.stdout)["error"]["message"])
        for where, value in ((("items", 0, "description"), "flour\u202e"), (("vehicles", 0, "plate"), "AB\u0007C"),
                             (("vehicles", 0, "driver"), "x\u2066y"), (("documents", 0), "manifest\u001b")):
            decl = json.load(open(w.declaration("c-1")))
            decl["vehicles"] = [{"plate": "AB123", "driver": "D. River"}]
            target = decl
            for k in where[:-1]:
                target = target[k]
            target[where[-1]] = value
            r = w.step("declare", w.write("bad.json", json.dumps(decl)), party="icrc", at="2023-06-25T08:00Z")
            self.assertEqual(r.returncode, EXIT_PARSE, f"{where}: {r.stdout}")
            self.assertIn("/" + "/".join(map(str, where)), json.loads(r.stdout)["error"]["message"])
        # A description longer than the free-text limit (2,000 bytes); exactly 2,000 passes.
        for size, code in ((2001, EXIT_PARSE), (2000, 0)):
            decl = json.load(open(w.declaration("c-1")))
            decl["items"][0]["description"] = "f" * size
            r = w.step("declare", w.write("long.json", json.dumps(decl)), party="icrc", at="2023-06-25T08:00Z")
            self.assertEqual(r.returncode, code, f"{size}: {r.stdout}")
        self.assertEqual(w.events(), before + 1)
        # A regime whose checkpoint name would reorder a terminal line.
        # (written as TOML's own escape, so the file itself is plain ASCII)
        text = open(w.regime).read()
        self.assertIn('name = "Example bridge checkpoint"', text)
        bad = w.write("bad-regime.toml", text.replace('name = "Example bridge checkpoint"', 'name = "Bridge\\u202E"', 1))
        for cmd in (["regime", "publish", bad, "--store", w.db, "--key", w.key("border-service"), "--at", "2023-06-02T00:00Z"],
                    ["regime", "check", bad, w.declaration("c-9")]):
            r = w.run(*cmd)
            self.assertEqual(r.returncode, EXIT_PARSE, f"{cmd}: {r.stdout}{r.stderr}")
            self.assertIn("'name': a bidirectional control character", r.stderr)
            self.assertNotIn("\u202e", r.stdout + r.stderr)
        self.assertEqual(w.events(), before + 1)

    # Item 8: a quantity limit holds whatever unit the sender writes.
    def test_item8_limits_hold_in_any_unit(self):
        w = self.w
        fuel = lambda q, unit: [{"description": "diesel", "category": "fuel", "hs": "2710", "quantity": q,  # noqa: E731
                                 "unit": unit, "net_kg": 1000}]
        cases = [(5000, "l", "accept"), (5001, "l", "reject"), (5000, "L", "accept"), (50000, "L", "reject"),
                 (50, "kl", "reject"), (5, "kl", "accept"), (5, "m3", "accept"), (5.001, "m3", "reject"),
                 (4000, "kg", "reject"), (10, "barrels", "reject")]
        for i, (q, unit, want) in enumerate(cases):
            r = w.step("declare", w.declaration(f"fuel-{i}", items=fuel(q, unit)), party="icrc", at="2023-06-25T08:00Z")
            self.assertEqual(r.returncode, 0, r.stdout)
            d = json.loads(r.stdout)["decision"]
            fuel_reasons = [x for x in d["reasons"] if x["rule"] == "G-FUEL"]
            self.assertEqual("reject" if fuel_reasons else "accept", want, f"{q} {unit}: {d}")
            if unit == "kg":
                self.assertIn("cannot be compared", fuel_reasons[0]["message"])
        # The limit is the consignment's: lines that each keep to it do not, together (review of
        # this item). Exactly at the limit in two lines is still within it.
        for cid, lines, want in (("split-10", [(5000, "l")] * 10, "reject"), ("split-at", [(2500, "l"), (2.5, "kl")], "accept"),
                                 ("split-over", [(2500, "l"), (2.501, "kl")], "reject")):
            items = [fuel(q, unit)[0] for q, unit in lines]
            d = json.loads(w.step("declare", w.declaration(cid, items=items), party="icrc", at="2023-06-25T08:00Z").stdout)["decision"]
            together = [x for x in d["reasons"] if x["rule"] == "G-FUEL" and "together" in x["message"]]
            self.assertEqual("reject" if together else "accept", want, f"{cid}: {d}")
        # An HS code is read as its digits: a prohibited prefix holds however the code is spelt, and
        # a code that is not one is refused.
        arms = lambda hs: [{"description": "parts", "hs": hs, "quantity": 1, "unit": "pcs", "net_kg": 1}]  # noqa: E731
        for i, hs in enumerate(("9302", "93.02", "9 302", "93 02.00")):
            d = json.loads(w.step("declare", w.declaration(f"hs-{i}", items=arms(hs)), party="icrc",
                                  at="2023-06-25T08:00Z").stdout)["decision"]
            self.assertEqual(d["verdict"], "reject", f"{hs}: {d}")
        for hs in ("93-02", "9", "9302x", "12345678901"):
            r = w.step("declare", w.declaration("hs-bad", items=arms(hs)), party="icrc", at="2023-06-25T08:00Z")
            self.assertEqual(r.returncode, EXIT_PARSE, f"{hs}: {r.stdout}")
            self.assertIn("/items/0/hs", r.stdout)

    # Item 8: a permit counts once its issuer records it; the sender's claim does not.
    def test_item8_a_permit_is_recorded_by_its_issuer(self):
        w = self.w
        insulin = [{"description": "insulin", "category": "medicine", "hs": "300431", "quantity": 100, "unit": "kg",
                    "net_kg": 100}]
        path = w.declaration("med-1", items=insulin)
        decl = json.load(open(path))
        decl["permits"] = [{"item": 0, "from": "health-ministry"}]
        r = w.step("declare", w.write("med-1.json", json.dumps(decl)), party="icrc", at="2023-06-25T08:00Z")
        self.assertEqual(r.returncode, 0, r.stdout)
        out = json.loads(r.stdout)
        self.assertEqual(out["decision"]["verdict"], "needs-approval", out)
        self.assertIn("needs a permit from health-ministry", json.dumps(out["decision"]["reasons"]))
        # Offline, the claim is taken as given (a what-if): no permit reason.
        r = w.run("regime", "check", w.regime, w.write("med-1.json", json.dumps(decl)), "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("needs a permit", r.stdout)
        # In the ledger the issuer must record it: approved only once health-ministry approves.
        shown = json.loads(w.run("consign", "show", "med-1", "--store", w.db, "--json").stdout)
        self.assertIn("health-ministry", json.dumps(shown))
        w.ok("party", "add", "health-ministry", "--role", "monitor", "--store", w.db, "--key-out", w.key("health-ministry"))
        for args, party, at in ((("notify", "med-1"), "icrc", "2023-06-25T09:00Z"),
                                (("approve", "med-1"), "border-service", "2023-06-26T08:00Z"),
                                (("approve", "med-1"), "peacekeepers", "2023-06-26T09:00Z")):
            self.assertEqual(w.step(*args, party=party, at=at).returncode, 0)
        self.assertEqual(json.loads(w.run("consign", "show", "med-1", "--store", w.db, "--json").stdout)["state"], "notified")
        self.assertEqual(w.step("approve", "med-1", party="health-ministry", at="2023-06-26T10:00Z").returncode, 0)
        self.assertEqual(json.loads(w.run("consign", "show", "med-1", "--store", w.db, "--json").stdout)["state"], "approved")

    # Item 8 (part): an approvals list in a declaration cannot change the recorded verdict.
    # Item 8: the random draw cannot be steered by the consignment id. It is made at inspection from
    # the operator's signature over the declaration's event: `regime check` draws nothing, the
    # operator's lane must honour the draw, and anyone recomputes the value from the log.
    def test_item8_the_draw_is_not_the_senders_to_choose(self):
        w = self.w
        with open(w.regime) as f:
            text = f.read().replace("random_rate = 0.1", "random_rate = 0.5")
        w.ok("regime", "publish", w.write("half.toml", text), "--store", w.db, "--key", w.key("border-service"),
             "--at", "2023-06-02T00:00Z")
        # Offline, the decision carries the draw's terms and no outcome: there is nothing to grind.
        j = json.loads(w.ok("regime", "check", w.write("h.toml", text), w.declaration("grind-0"), "--json").stdout)
        self.assertEqual(j["random_draw"], {"rate": 0.5, "lane": "red", "rule": "I-RANDOM"})
        self.assertEqual(j["lane"], "green")
        drawn = {}

        def events_of(cid):
            path = os.path.join(self.tmp, "export.jsonl")
            w.ok("ledger", "export", path, "--store", w.db)
            with open(path) as f:
                lines = [json.loads(x) for x in f]
            return [e for e in lines if "seq" in e and (cid is None or e["subject"] == cid)]
        for i in range(24):
            cid = f"grind-{i}"
            w.to_approved(cid)
            self.assertEqual(w.step("arrive", cid, party="icrc", at="2023-07-03T06:00Z").returncode, 0)
            r = w.step("inspect", cid, "--lane", "green", party="border-service", at="2023-07-03T07:00Z")
            doc = json.loads(w.ok("consign", "show", cid, "--store", w.db, "--json").stdout)
            if r.returncode == 0:
                self.assertFalse(doc["inspection_draw"]["selected"])
            else:
                # Drawn: green is refused, naming the rule; the lane the draw allows is taken.
                self.assertEqual(r.returncode, EXIT_INVALID, r.stdout)
                self.assertEqual(json.loads(r.stdout)["error"]["rule"], "C-DRAW")
                self.assertEqual(w.step("inspect", cid, party="border-service", at="2023-07-03T07:00Z").returncode, 0)
                doc = json.loads(w.ok("consign", "show", cid, "--store", w.db, "--json").stdout)
                self.assertTrue(doc["inspection_draw"]["selected"])
                self.assertEqual(doc["lane"], "red")
            inspected = [e for e in events_of(cid) if e["type"] == "consignment.inspected"]
            # The value, recomputed apart from corridor: the top 53 bits of SHA-256(signature) / 2^53.
            sig = bytes.fromhex(inspected[-1]["payload"]["draw"])
            value = (int.from_bytes(hashlib.sha256(sig).digest()[:8], "big") >> 11) / float(1 << 53)
            self.assertAlmostEqual(doc["inspection_draw"]["value"], value, places=15)
            self.assertEqual(doc["inspection_draw"]["selected"], value < 0.5)
            drawn[cid] = value < 0.5
        # Both outcomes occur (each of 24 at one half: all alike has probability 2^-23).
        self.assertIn(True, drawn.values())
        self.assertIn(False, drawn.values())
        # A draw the operator did not sign over that declaration is refused.
        w.to_approved("forged")
        w.ok("consign", "arrive", "forged", "--store", w.db, "--key", w.key("icrc"), "--at", "2023-07-03T06:00Z")
        forge = [FORGE, w.key("border-service")]
        history = events_of(None)
        last = history[-1]
        payload = json.dumps({"draw": "ab" * 64, "lane": "red"}, separators=(",", ":"), sort_keys=True)
        line = subprocess.run([*forge, str(last["seq"] + 1), last["hash"], str(last["time"] + 60), "consignment.inspected",
                               "forged", payload], capture_output=True, text=True)
        self.assertEqual(line.returncode, 0, line.stderr)
        export = "".join(json.dumps(e) + "\n" for e in history)
        r = w.run("ledger", "import", w.write("x.jsonl", export + line.stdout), "--store", os.path.join(self.tmp, "x.db"),
                  "--json")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("C-DRAW", r.stdout + r.stderr)

    def test_item8_self_declared_approvals_are_refused(self):
        w = self.w
        decl = json.load(open(w.declaration("c-1")))
        decl["approvals"] = ["border-service", "peacekeepers"]
        r = w.step("declare", w.write("c-1.json", json.dumps(decl)), party="icrc", at="2023-06-25T08:00Z")
        self.assertEqual(r.returncode, EXIT_INVALID, r.stdout)
        self.assertIn("/approvals", json.loads(r.stdout)["error"]["message"])
        decl["approvals"] = []
        r = w.step("declare", w.write("c-1.json", json.dumps(decl)), party="icrc", at="2023-06-25T08:00Z")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(json.loads(r.stdout)["decision"]["verdict"], "needs-approval")


class HostileHttp(unittest.TestCase):
    """The server's edges (issue 24, items 13 and 17): bounded requests, headers, HEAD, the Bearer
    scheme, an empty log's head."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="corridor_hostile_http_")
        cls.w = World(CORRIDOR, DATA, cls.tmp)
        cls.graph = os.path.join(cls.tmp, "monaco.cgraph")
        cls.w.ok("import", os.path.join(DATA, "osm", "monaco.osm.pbf"), "-o", cls.graph)
        cls.token = cls.w.ok("party", "token", "icrc", "--store", cls.w.db).stdout.strip()
        cls.web = os.path.join(cls.tmp, "web")
        os.mkdir(cls.web)
        with open(os.path.join(cls.web, "index.html"), "w") as f:
            f.write("<!doctype html><title>corridor</title>")
        cls.server = Server(CORRIDOR, ["--store", cls.w.db, "--network", cls.graph, "--web", cls.web,
                                       "--custodial", f"icrc={cls.w.key('icrc')}"],
                            log=os.path.join(cls.tmp, "serve.log"))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp)

    # Item 13: closures, sources and places are bounded per request, refused before any work.
    def test_item13_unbounded_work_is_refused_at_once(self):
        # A box that matches no road is a 400 that names the network by its file name only.
        status, _, text = self.server.request("POST", "/v1/reach", {"sources": "43.7300,7.4190", "places": "43.7400,7.4260",
                                                                    "close": ["bbox:10,10,10.001,10.001"]})
        self.assertEqual(status, 400, text)
        self.assertIn("monaco.osm.pbf", text)
        self.assertNotIn(DATA, text)
        box = "bbox:43.72,7.41,43.73,7.42"
        body = {"sources": "43.7300,7.4190", "places": "43.7400,7.4260", "close": [box] * 64}
        status, _, text = self.server.request("POST", "/v1/reach", body)
        self.assertEqual(status, 200, text)  # exactly the limit
        for count in (65, 20000):
            status, _, text = self.server.request("POST", "/v1/reach", dict(body, close=[box] * count), timeout=10)
            self.assertEqual(status, 400, text)
            err = json.loads(text)["error"]
            self.assertIn(f"{count} closures: at most 64", err["message"])
            self.assertEqual(err["pointer"], "/close")
        many = ";".join(["43.7300,7.4190"] * 65)
        status, _, text = self.server.request("POST", "/v1/reach", dict(body, sources=many))
        self.assertEqual(status, 400, text)
        self.assertIn("at most 64", text)
        status, _, _ = self.server.request("GET", "/v1/ledger/head")
        self.assertEqual(status, 200)

    # Item 17: headers on API and static replies, HEAD, the scheme's case.
    def test_item17_headers_head_and_bearer(self):
        for path in ("/v1/health", "/index.html", "/"):
            status, headers, _ = self.server.request("GET", path)
            self.assertEqual(status, 200, path)
            self.assertEqual(headers.get("x-content-type-options"), "nosniff", path)
            self.assertIn("frame-ancestors 'none'", headers.get("content-security-policy", ""), path)
            self.assertEqual(headers.get("x-frame-options"), "DENY", path)
        for path in ("/v1/health", "/v1/ledger/head", "/index.html"):
            status, headers, body = self.server.request("HEAD", path)
            self.assertEqual((status, body), (200, ""), path)
        status, _, _ = self.server.request("HEAD", "/v1/consignments")
        self.assertEqual(status, 401)  # a member's endpoint, HEAD or GET
        for scheme in ("Bearer", "bearer", "BEARER", "bEaReR"):
            status, _, text = self.server.request("GET", "/v1/consignments",
                                                  headers={"Authorization": f"{scheme}  {self.token}"})
            self.assertEqual(status, 200, f"{scheme}: {text}")
        for bad in ("Basic " + self.token, "Bearer", "Bearertoken", self.token):
            status, _, _ = self.server.request("GET", "/v1/consignments", headers={"Authorization": bad})
            self.assertEqual(status, 401, bad)

    # Item 11: neither a draft nor a member's write tells a party about a consignment it may not see.
    def test_item11_no_oracle_on_others_consignments(self):
        w = self.w
        w.to_crossed("secret-1", sender="wfp")  # 20,000 kg declared by wfp, crossed
        ask = {"actor": "local", "type": "consignment.delivered", "subject": "secret-1",
               "payload": {"received": [{"item": 0, "quantity": 1000000000}]}}
        status, _, text = self.server.request("POST", "/v1/ledger/drafts", ask)
        self.assertEqual(status, 401, text)  # anonymous: nothing checked, nothing told
        icrc = self.token
        status, _, text = self.server.request("POST", "/v1/ledger/drafts", ask, token=icrc)
        self.assertEqual(status, 403, text)  # a token speaks for its own party only
        self.assertIn("A-ACTOR", text)
        replies = []
        for subject in ("secret-1", "never-declared"):
            status, _, text = self.server.request("POST", "/v1/ledger/drafts", dict(ask, actor="icrc", subject=subject,
                                                                                    type="consignment.notified"), token=icrc)
            replies.append((status, json.loads(text)["error"]["message"].replace(subject, "X")))
            status, _, text = self.server.request("POST", f"/v1/consignments/{subject}/notify", {}, token=icrc)
            replies.append((status, json.loads(text)["error"]["message"].replace(subject, "X")))
        self.assertEqual({r[0] for r in replies}, {404})
        self.assertEqual(replies[0], replies[2])
        self.assertEqual(replies[1], replies[3])
        for _, message in replies:
            self.assertNotIn("20000", message)
            self.assertNotIn("crossed", message)

    # Item 9, over HTTP (where a step's body may carry any of reason, lane, findings, items, received).
    def test_item9_foreign_members_over_http(self):
        w = self.w
        w.to_approved("h9-1")
        for path, body, why in (("notify", {"lane": "green"}, "/lane: not a member of consignment.notified"),
                                ("arrive", {"findings": "x"}, "/findings: not a member of consignment.arrived"),
                                ("arrive", {"received": [{"item": 0, "quantity": 99999999}]}, "/received")):
            status, _, text = self.server.request("POST", f"/v1/consignments/h9-1/{path}", dict(body, at="2023-07-03T06:00Z"),
                                                  token=self.token)
            self.assertEqual(status, 400, f"{path}: {text}")
            self.assertIn(why, text)
        # A member of the right name and the wrong type, in an event the party signs itself (review of
        # this item): refused by the engine, naming the member.
        for payload, why in (({"findings": 5}, "/findings: text"), ({"findings": ["x"]}, "/findings: text")):
            ask = {"actor": "icrc", "type": "consignment.approved", "subject": "h9-1", "time": "2023-07-03T05:00Z",
                   "payload": dict(payload)}
            status, _, text = self.server.request("POST", "/v1/ledger/drafts", ask, token=self.token)
            self.assertEqual(status, 400, text)
            self.assertIn(why, text)
        for payload, why in (({"reason": 7}, "/reason: text"), ({"whole": "yes", "reason": "r"}, "/whole: true or false"),
                             ({"items": {"item": 0}}, "/items: a list of lines")):
            ask = {"actor": "icrc", "type": "consignment.turned_back", "subject": "h9-1", "time": "2023-07-03T05:00Z",
                   "payload": payload}
            status, _, text = self.server.request("POST", "/v1/ledger/drafts", ask, token=self.token)
            self.assertEqual(status, 400, text)
            self.assertIn(why, text)
        status, _, text = self.server.request("POST", "/v1/consignments/h9-1/arrive", {"at": "2023-07-03T06:00Z"},
                                              token=self.token)
        self.assertEqual(status, 200, text)

    # Item 6 (found by the review of this item): an event its member signed dated in 9999, posted
    # signed, would be what the log has reached, and every later event refused. Nothing enters
    # dated beyond the node's clock, on any path.
    def test_item6_a_signed_event_from_the_future_is_refused(self):
        status, _, text = self.server.request("GET", "/v1/ledger/head")
        head = json.loads(text)
        path = os.path.join(self.tmp, "h.jsonl")
        self.w.ok("ledger", "export", path, "--store", self.w.db)
        with open(path) as f:
            last = [json.loads(x) for x in f if '"seq"' in x][-1]
        self.assertEqual(last["seq"], head["size"])
        payload = json.dumps({"commodity": "wheat_flour", "date": "9999-12-31", "place": "town", "tonnes": 1},
                             separators=(",", ":"), sort_keys=True)
        line = subprocess.run([FORGE, self.w.key("local"), str(last["seq"] + 1), last["hash"], "253402300799",
                               "stock.counted", "town", payload], capture_output=True, text=True)
        self.assertEqual(line.returncode, 0, line.stderr)
        status, _, text = self.server.request("POST", "/v1/ledger/events", {"event": json.loads(line.stdout)})
        self.assertEqual(status, 400, text)
        self.assertIn("L-TIME", text)
        status, _, text = self.server.request("GET", "/v1/ledger/head")
        self.assertEqual(json.loads(text)["size"], head["size"])

    # Item 16: `custody` (a node signed for the party) cannot be claimed by a party.
    def test_item16_custody_is_set_only_by_a_node(self):
        node_key = json.loads(self.server.request("GET", "/v1/health")[2])["node_key"]
        other_key = secrets.token_hex(32)
        ask = {"actor": "icrc", "type": "consignment.declared", "subject": "cust-1",
               "declaration": json.load(open(self.w.declaration("cust-1"))), "time": "2023-06-25T08:00Z"}
        for custody in (node_key, other_key):
            status, _, text = self.server.request("POST", "/v1/ledger/drafts", dict(ask, custody=custody), token=self.token)
            self.assertEqual(status, 403, text)
            self.assertIn("A-CUSTODY", text)
        status, _, text = self.server.request("POST", "/v1/ledger/drafts", dict(ask, type="consignment.notified",
                                                                                payload={"custody": node_key}), token=self.token)
        self.assertEqual(status, 400, text)
        self.assertIn("/payload/custody", text)
        # A draft without custody, signed by the party with custody added afterwards: its own valid
        # signature, but it would read as this node's custodial write. Refused.
        status, _, text = self.server.request("POST", "/v1/ledger/drafts", ask, token=self.token)
        self.assertEqual(status, 200, text)
        ev = json.loads(text)["event"]
        payload = ev["payload"]
        payload["custody"] = node_key
        line = subprocess.run([FORGE, self.w.key("icrc"), str(ev["seq"]),
                               ev["prev_hash"], str(ev["time"]), ev["type"], ev["subject"],
                               json.dumps(payload, separators=(",", ":"), sort_keys=True)], capture_output=True, text=True)
        self.assertEqual(line.returncode, 0, line.stderr)
        before = self.w.events()
        for token in (None, self.token):
            status, _, text = self.server.request("POST", "/v1/ledger/events", {"event": json.loads(line.stdout)}, token=token)
            self.assertEqual(status, 403, text)
            self.assertIn("A-CUSTODY", text)
        self.assertEqual(self.w.events(), before)

    # Item 17: an empty log has a signed head of size 0 whose root is the hash of the empty string.
    def test_item17_an_empty_log_has_a_head(self):
        empty = os.path.join(self.tmp, "empty")
        os.mkdir(empty)
        server = Server(CORRIDOR, ["--store", os.path.join(empty, "e.db"), "--web", "none"])
        try:
            status, _, text = server.request("GET", "/v1/ledger/head")
            self.assertEqual(status, 200, text)
            head = json.loads(text)
            self.assertEqual(head["size"], 0)
            self.assertEqual(head["root"], hashlib.sha256(b"").hexdigest())
            self.assertNotIn(empty, text)
            # An error about the store never names where the server keeps it.
            status, _, text = server.request("GET", "/v1/ledger/prove?seq=1")
            self.assertGreaterEqual(status, 400)
            self.assertNotIn(empty, text)
        finally:
            server.stop()



class HostileSlow(unittest.TestCase):
    """Item 12: slow clients take nothing a fast one needs. Each test starts its own server."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="corridor_hostile_slow_")
        self.w = World(CORRIDOR, DATA, self.tmp)
        self.servers, self.socks = [], []

    def tearDown(self):
        for c in self.socks:
            c.close()
        for s in self.servers:
            s.stop(signal.SIGKILL)
        shutil.rmtree(self.tmp)

    def serve(self, *args, web="none"):
        s = Server(CORRIDOR, ["--store", self.w.db, "--web", web, *args], log=os.path.join(self.tmp, "serve.log"))
        self.servers.append(s)
        return s

    def trickle(self, server, count, source="127.0.0.1", stop=None):
        """`count` connections that send a request's headers one line a second (slowloris)."""
        socks = []
        for _ in range(count):
            c = socket.socket()
            c.bind((source, 0))
            c.connect((server.host, server.port))
            c.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
            socks.append(c)
        self.socks += socks

        def drip():
            while not stop.is_set():
                for c in socks:
                    try:
                        c.send(b"X-Slow: 1\r\n")
                    except OSError:
                        pass
                stop.wait(1)
        threading.Thread(target=drip, daemon=True).start()
        return socks

    def timed_read(self, server, source="127.0.0.1"):
        t = time.monotonic()
        con = http.client.HTTPConnection(server.host, server.port, timeout=30, source_address=(source, 0))
        con.request("GET", "/v1/ledger/head")
        res = con.getresponse()
        res.read()
        con.close()
        return res.status, time.monotonic() - t

    def test_item12_slowloris_holds_no_worker_and_one_address_holds_a_bounded_share(self):
        server = self.serve("--threads", "4", "--max-per-address", "400", "--read-timeout", "6")
        stop = threading.Event()
        try:
            socks = self.trickle(server, 300, stop=stop)
            time.sleep(2)
            for _ in range(3):
                status, took = self.timed_read(server)
                self.assertEqual(status, 200)
                self.assertLess(took, 2.0, "a cheap read waited behind 300 slow clients")
            # Past the whole-request deadline, the slow ones are answered 408 and closed.
            time.sleep(6)
            socks[0].settimeout(5)
            self.assertIn(b" 408 ", socks[0].recv(200))
        finally:
            stop.set()
        # One address holds at most --max-per-address connections; another is served meanwhile.
        server = self.serve("--max-per-address", "16")
        stop = threading.Event()
        try:
            self.trickle(server, 16, source="127.0.0.2", stop=stop)
            extra = socket.create_connection((server.host, server.port), source_address=("127.0.0.2", 0), timeout=5)
            self.socks.append(extra)
            self.assertIn(b" 503 ", extra.recv(300))
            self.assertEqual(self.timed_read(server, source="127.0.0.1")[0], 200)
        finally:
            stop.set()

    def test_item12_clients_that_do_not_read_hold_at_most_their_share_of_workers(self):
        # Found by the review of the front: with the whole-response deadline as the only bound, an
        # address that asks for large answers and never reads them held every worker for its length.
        web = os.path.join(self.tmp, "web")
        os.mkdir(web)
        with open(os.path.join(web, "big.bin"), "wb") as f:
            f.write(b"x" * (30 << 20))
        server = self.serve("--threads", "2", "--write-timeout", "60", web=web)
        for _ in range(3):
            c = socket.socket()
            c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            c.bind(("127.0.0.2", 0))
            c.connect((server.host, server.port))
            c.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            self.socks.append(c)
        time.sleep(1)
        status, took = self.timed_read(server)
        self.assertEqual(status, 200)
        self.assertLess(took, 2.0, "clients that do not read held every worker")

    def test_item12_sigterm_drains_for_a_bounded_time(self):
        server = self.serve("--drain", "1", "--read-timeout", "60")
        stop = threading.Event()
        try:
            self.trickle(server, 5, stop=stop)
            time.sleep(0.5)
            t = time.monotonic()
            server.proc.send_signal(signal.SIGTERM)
            server.proc.wait(10)
            self.assertEqual(server.proc.returncode, 0)
            self.assertLess(time.monotonic() - t, 3.0, "SIGTERM waited for a trickling client")
        finally:
            stop.set()

    def test_item15_sync_reads_in_pages_bounded_in_bytes_and_resumes(self):
        w = self.w
        # Twelve declarations of about 800 KB each (400 lines of 1,900 bytes): some 10 MB of log.
        items = [{"description": f"{i:04d} " + "flour " * 316, "hs": "1101", "category": "food", "quantity": 1,
                  "unit": "kg", "net_kg": 1} for i in range(400)]
        for k in range(12):
            r = w.step("declare", w.declaration(f"big-{k}", items=items), party="icrc", at="2023-06-25T08:00Z")
            self.assertEqual(r.returncode, 0, r.stdout[:300] + r.stderr)
        total = w.events()
        token = w.ok("party", "token", "peacekeepers", "--store", w.db).stdout.strip()
        server = self.serve()
        # A page holds at most max_bytes (and always one event), at most 8 MiB whatever is asked.
        for asked, bound in ((4 << 20, 4 << 20), (1, 1 << 20), (64 << 20, 8 << 20)):
            status, headers, text = server.request("GET", f"/v1/ledger/events?after=0&max_bytes={asked}", token=token)
            self.assertEqual(status, 200)
            self.assertLessEqual(len(text.encode()), bound, asked)
            self.assertGreaterEqual(len(text.splitlines()), 1)
            self.assertEqual(headers["x-next-after"], str(len(text.splitlines())))
        mirror = os.path.join(self.tmp, "mirror.db")
        # One page now: what it appended is kept (each page proven part of the signed head)...
        r = w.run("sync", "--from", server.url, "--store", mirror, "--token", token, "--pages", "1", "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        first = json.loads(r.stdout)
        self.assertEqual((first["pages"], first["complete"], first["head_size"]), (1, False, total))
        self.assertLess(first["events"], total)
        self.assertGreater(first["events"], 0)
        # ... and the next sync goes on from there, in pages.
        r = w.run("sync", "--from", server.url, "--store", mirror, "--token", token, "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        rest = json.loads(r.stdout)
        self.assertTrue(rest["complete"])
        self.assertGreaterEqual(rest["pages"], 2)
        self.assertEqual((rest["events"], first["appended"] + rest["appended"]), (total, total))
        w.ok("ledger", "verify", "--store", mirror)
        # --genesis pins where the log must start: a log that starts elsewhere is refused before any of
        # it is appended (the review found it checked after).
        os.mkdir(os.path.join(self.tmp, "g"))
        genesis, _, _ = write_genesis(CORRIDOR, os.path.join(self.tmp, "g"), (("ocha", "admin"), ("border-service", "checkpoint")), "another")
        other = os.path.join(self.tmp, "other.db")
        r = w.run("sync", "--from", server.url, "--store", other, "--token", token, "--genesis", genesis)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertTrue(not os.path.exists(other) or w.events(other) == 0)

    def test_item12_slow_readers_of_long_jobs_do_not_hold_their_slots(self):
        # A ten-year scenario, whose result takes a while to make and is large to send.
        sc_dir = os.path.join(self.tmp, "scenarios", "ten-years")
        shutil.copytree(os.path.join(DATA, "scenarios", "karabakh-2023"), sc_dir)
        shutil.copytree(os.path.join(DATA, "supply"), os.path.join(self.tmp, "supply"))
        toml = os.path.join(sc_dir, "scenario.toml")
        with open(toml) as f:
            text = f.read()
        first = datetime.date.fromisoformat(text.split('start = "')[1].split('"')[0])
        end = (first.replace(year=first.year + 10) - datetime.timedelta(days=1)).isoformat()
        with open(toml, "w") as f:
            f.write(text.replace(text.split('end = "')[1].split('"')[0], end, 1))
        server = self.serve("--scenario", toml, "--max-jobs", "2", "--write-timeout", "120")
        readers = []
        for _ in range(2):  # two clients that ask for a job and never read its answer
            c = socket.create_connection((server.host, server.port))
            c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            c.sendall(b"GET /v1/scenarios/ten-years?stream=1 HTTP/1.1\r\nHost: x\r\n\r\n")
            readers.append(c)
            self.socks.append(c)
        # Their results (megabytes) cannot be written to them; the slots are free once computed (before:
        # held until the writes gave up, 30 s and more).
        deadline, status = time.monotonic() + 10, 503
        while status == 503 and time.monotonic() < deadline:
            time.sleep(0.5)
            status, _, text = server.request("GET", "/v1/scenarios/ten-years?stream=1", timeout=120)
        self.assertEqual(status, 200, "the slots stayed with clients that do not read")
        self.assertIn('{"result":', text)

if __name__ == "__main__":
    CORRIDOR, FORGE, DATA = (os.path.abspath(a) for a in sys.argv[1:4])
    unittest.main(argv=[sys.argv[0], "-v"])
