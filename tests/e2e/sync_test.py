#!/usr/bin/env python3
"""Three nodes on loopback ports: A sequences a governed ledger (its genesis names A), B is the
sender's node and C the checkpoint's, both mirrors of A. Every party writes through its own node;
the nodes converge on one head. Then A rewrites its history — it drops its last events and appends
others under its own admin key — and B, syncing again, refuses it with both of A's signed heads as
evidence. A write through a mirror whose sequencer is down is a 503 naming the sequencer.

usage: sync_test.py CORRIDOR DATA_DIR
"""
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import Server  # noqa: E402
from ledger_world import write_genesis  # noqa: E402

CORRIDOR = DATA = None
FOUNDERS = (("ocha", "admin"), ("icrc", "sender"), ("border-service", "checkpoint"), ("peacekeepers", "monitor"),
            ("local", "receiver"))


def run(*args, ok=True):
    r = subprocess.run([CORRIDOR, *args], capture_output=True, text=True)
    if ok:
        assert r.returncode == 0, f"corridor {' '.join(args)}: {r.stdout}{r.stderr}"
    return r


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class ServerAt(Server):
    """A server on a fixed port (the genesis names the sequencer's address)."""

    def __init__(self, corridor, port, args, log):
        self.port_wanted = port
        super().__init__(corridor, args, log)


class Sync(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="corridor_sync_")
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()
        shutil.rmtree(self.tmp)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def serve(self, name, port, *args):
        log = self.path(name + ".log")
        proc_args = ["--listen", f"127.0.0.1:{port}", *args]
        s = Server.__new__(Server)
        s.log = open(log, "w")
        s.log_path = log
        s.proc = subprocess.Popen([CORRIDOR, "serve", *proc_args], stdout=subprocess.PIPE, stderr=s.log, text=True)
        line = s.proc.stdout.readline()
        if not line.startswith("listening "):
            with open(log) as f:
                self.fail(f"{name} did not start: {line!r} {f.read()}")
        s.host, s.port = "127.0.0.1", port
        s.url = f"http://127.0.0.1:{port}"
        self.servers.append(s)
        return s

    def heads(self, *servers):
        return [json.loads(s.request("GET", "/v1/ledger/head")[2]) for s in servers]

    def test_three_nodes_converge_and_catch_a_rewriting_sequencer(self):
        port_a, port_b, port_c = free_port(), free_port(), free_port()
        url_a = f"http://127.0.0.1:{port_a}"
        genesis, sigs, keys = write_genesis(CORRIDOR, self.tmp, FOUNDERS, "three nodes", sequencer=url_a)
        db = {n: self.path(n + ".db") for n in "abc"}
        run("ledger", "init", "--genesis", genesis, "--key", keys["ocha"], *sigs, "--store", db["a"])
        run("regime", "publish", os.path.join(DATA, "regimes", "example.toml"), "--key", keys["border-service"],
            "--store", db["a"], "--at", "2023-06-01T00:00Z")
        a_token = run("party", "token", "ocha", "--store", db["a"]).stdout.strip()
        a = self.serve("a", port_a, "--store", "sqlite:" + db["a"], "--public-url", url_a, "--custodial", f"ocha={keys['ocha']}")
        # B and C start from A's log, then follow it.
        for n in "bc":
            r = run("sync", "--from", url_a, "--store", db[n], "--token", a_token, "--json")
            self.assertEqual(json.loads(r.stdout)["events"], 2)
        tokens = {"b": {"icrc": run("party", "token", "icrc", "--store", db["b"]).stdout.strip()},
                  "c": {p: run("party", "token", p, "--store", db["c"]).stdout.strip()
                        for p in ("border-service", "peacekeepers", "local", "ocha")}}
        b = self.serve("b", port_b, "--store", "sqlite:" + db["b"], "--sequencer-token", a_token,
                       "--custodial", f"icrc={keys['icrc']}", "--sync-interval-ms", "200")
        c = self.serve("c", port_c, "--store", "sqlite:" + db["c"], "--sequencer-token", a_token,
                       "--custodial", f"border-service={keys['border-service']}",
                       "--custodial", f"peacekeepers={keys['peacekeepers']}", "--custodial", f"local={keys['local']}",
                       "--sync-interval-ms", "200")
        health = json.loads(b.request("GET", "/v1/health")[2])
        self.assertEqual(health["sequencer"], url_a)  # named by the genesis
        # Every party writes through its own node.
        decl = {"id": "c-1", "type": "food-aid", "sender": "icrc", "receiver": "local", "origin": "goris",
                "destination": "town", "checkpoint": "example-bridge", "planned_arrival": "2023-07-03T08:00Z",
                "declared_at": "2023-06-25T08:00Z", "documents": ["manifest", "waybill", "driver_id", "phytosanitary_certificate"],
                "items": [{"description": "flour", "hs": "1101", "category": "food", "quantity": 100, "unit": "kg",
                           "net_kg": 100}]}
        steps = [(b, "icrc", "POST", "/v1/consignments", {"declaration": decl, "at": "2023-06-25T08:00Z"}),
                 (b, "icrc", "POST", "/v1/consignments/c-1/notify", {"at": "2023-06-25T09:00Z"}),
                 (c, "border-service", "POST", "/v1/consignments/c-1/approve", {"at": "2023-06-26T08:00Z"}),
                 (c, "peacekeepers", "POST", "/v1/consignments/c-1/approve", {"at": "2023-06-26T09:00Z"}),
                 (b, "icrc", "POST", "/v1/consignments/c-1/arrive", {"at": "2023-07-03T06:00Z"}),
                 (c, "border-service", "POST", "/v1/consignments/c-1/inspect", {"at": "2023-07-03T07:00Z"}),
                 (c, "border-service", "POST", "/v1/consignments/c-1/clear", {"at": "2023-07-03T07:30Z"}),
                 (c, "border-service", "POST", "/v1/consignments/c-1/cross", {"at": "2023-07-03T08:00Z"}),
                 ]
        for server, party, method, p, body in steps:
            node = "b" if server is b else "c"
            status, _, text = server.request(method, p, body, tokens[node][party])
            self.assertIn(status, (200, 201), f"{party} via {node} on {p}: {text}")
        # The receiver signs its own delivery with its own key through its mirror (C forwards it to A);
        # no node holds the key, so the event carries no custody.
        r = run("consign", "deliver", "c-1", "--received", '[{"item": 0, "quantity": 100}]', "--at", "2023-07-03T12:00Z",
                "--key", keys["local"], "--server", c.url, "--token", tokens["c"]["local"], "--json")
        delivered = json.loads(r.stdout)
        self.assertEqual(delivered["type"], "consignment.delivered")
        # The admitting party registers a second checkpoint on the sequencer; nobody else may.
        status, _, text = a.request("POST", "/v1/checkpoints", {"id": "second-bridge", "operator": "border-service",
                                                              "name": "Second bridge"}, a_token)
        self.assertEqual(status, 201, text)
        status, _, text = b.request("POST", "/v1/checkpoints", {"id": "third-bridge", "operator": "border-service"},
                                    tokens["b"]["icrc"])
        self.assertEqual(status, 403, text)
        self.assertIn("K-CHECKPOINT", text)
        # Governance through a mirror, signed by each party itself: ocha admits a newcomer, and the
        # receiver rotates its key (the new key is made here and never leaves this process).
        msf_key = self.path("msf.key")
        msf_pk = json.loads(run("party", "keygen", "msf", "--role", "sender", "--key-out", msf_key, "--json").stdout)["public_key"]
        run("party", "admit", "msf", "--role", "sender", "--public-key", msf_pk, "--key", keys["ocha"], "--server", c.url,
            "--token", tokens["c"]["ocha"])
        r = run("party", "admit", "msf2", "--role", "sender", "--public-key", msf_pk, "--key", keys["icrc"],
                "--server", b.url, "--token", tokens["b"]["icrc"], ok=False)
        self.assertEqual(r.returncode, 11, r.stderr)  # a sender does not admit (P-JOIN)
        local2 = self.path("local2.key")
        run("party", "rotate", "--key", keys["local"], "--key-out", local2, "--server", c.url, "--token", tokens["c"]["local"])
        deadline = time.time() + 15
        while time.time() < deadline:
            ha, hb, hc = self.heads(a, b, c)
            if ha["size"] == hb["size"] == hc["size"] and ha["root"] == hb["root"] == hc["root"]:
                break
            time.sleep(0.2)
        ha, hb, hc = self.heads(a, b, c)
        self.assertEqual((hb["size"], hb["root"]), (ha["size"], ha["root"]))
        self.assertEqual((hc["size"], hc["root"]), (ha["size"], ha["root"]))
        status, _, text = c.request("GET", "/v1/consignments/c-1", token=tokens["c"]["local"])
        self.assertEqual(json.loads(text)["state"], "delivered")
        members = {p["party"]: p for p in json.loads(b.request("GET", "/v1/parties", token=tokens["b"]["icrc"])[2])["parties"]}
        self.assertEqual(members["msf"]["admitted_by"], "ocha")
        with open(local2) as f:
            self.assertIn(members["local"]["public_key"], f.read())
        self.assertNotIn("msf2", members)
        regimes = json.loads(c.request("GET", "/v1/regimes")[2])["checkpoints"]
        self.assertIn("second-bridge", [r["checkpoint"] for r in regimes])
        self.assertNotIn("third-bridge", [r["checkpoint"] for r in regimes])
        # The sequencer holds every event; those made with a node's custodial key say which node.
        status, _, text = a.request("GET", "/v1/ledger/events?after=0", token=a_token)
        events = [json.loads(line) for line in text.splitlines()]
        self.assertEqual(len(events), ha["size"])
        custody = {e["type"]: e["payload"].get("custody") for e in events if e["subject"] == "c-1"}
        c_key = json.loads(c.request("GET", "/v1/health")[2])["node_key"]
        self.assertEqual(custody["consignment.crossed"], c_key)
        self.assertIsNone(custody["consignment.delivered"])
        self.assertIn(delivered["hash"], [e["hash"] for e in events if e["type"] == "consignment.delivered"])
        n = ha["size"]
        # A rewrites history: it drops its last two events and appends three of its own admin's.
        b.stop()
        a.stop()
        con = sqlite3.connect(db["a"])
        con.executescript(f"DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq > {n - 2}; DELETE FROM notes WHERE key NOT LIKE 'token:%'; "
                          "DROP TRIGGER tree_nodes_no_delete; DELETE FROM tree_nodes;")
        con.commit()
        con.close()
        # The operator holds the node's key too, and so the heads its node kept beside it: it wipes
        # them (without them, its own node would refuse the cut store). Only the mirrors catch it now.
        shutil.rmtree(db["a"] + ".node.key.heads")
        run("ledger", "verify", "--store", db["a"])  # every signature still verifies: it signs the cut log
        for i in range(3):
            with open(self.path(f"p{i}.csv"), "w") as f:
                f.write(f"id,population\nhamlet{i},10\n")
            run("supply", "register", self.path(f"p{i}.csv"), "--key", keys["ocha"], "--store", db["a"])
        a = self.serve("a2", port_a, "--store", "sqlite:" + db["a"], "--public-url", url_a)
        evidence = self.path("evidence.json")
        r = run("sync", "--from", url_a, "--store", db["b"], "--token", a_token, "--evidence", evidence, ok=False)
        self.assertEqual(r.returncode, 7, r.stdout + r.stderr)
        self.assertIn("fork", r.stderr)
        with open(evidence) as f:
            ev = json.load(f)
        self.assertEqual(ev["kept"]["size"], n)
        self.assertEqual(ev["served"]["size"], n + 1)
        self.assertNotEqual(ev["kept"]["root"], ev["served"]["root"])
        # Both heads carry A's own signature: anyone can check them.
        for h in ("kept", "served"):
            with open(self.path(h + ".json"), "w") as f:
                json.dump(ev[h], f)
        self.assertEqual(ev["kept"]["signatures"][0]["public_key"], ev["served"]["signatures"][0]["public_key"])
        self.assertEqual(ev["kept"]["signatures"][0]["public_key"], json.loads(a.request("GET", "/v1/health")[2])["node_key"])
        run("ledger", "verify", "--store", db["b"], "--head", self.path("kept.json"))  # B holds what A signed earlier
        forged = dict(ev["kept"], signatures=[dict(ev["kept"]["signatures"][0], signature="00" * 64)])
        with open(self.path("forged.json"), "w") as f:
            json.dump(forged, f)
        r = run("ledger", "verify", "--store", db["b"], "--head", self.path("forged.json"), ok=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("signature", r.stderr)
        # A's own consistency proof from the kept size cannot start from the root A signed then.
        status, _, text = a.request("GET", f"/v1/ledger/proof/consistency?from={n}&to={n + 1}")
        self.assertEqual(status, 200, text)
        self.assertNotEqual(json.loads(text)["first_root"], ev["kept"]["root"])
        # And B's store is untouched.
        self.assertEqual(json.loads(run("ledger", "verify", "--store", db["b"], "--json").stdout)["events"], n)
        # Issue 24, item 14: mirror C, still running, caught the rewrite in its own sync: it reports
        # itself diverged with both of A's signed heads, serves them to anyone, and forwards no write.
        deadline = time.time() + 15
        health = {}
        while time.time() < deadline:
            health = json.loads(c.request("GET", "/v1/health")[2])
            if health["status"] == "diverged":
                break
            time.sleep(0.2)
        self.assertEqual(health["status"], "diverged", health)
        self.assertEqual(health["evidence"]["kept"]["size"], n)
        status, _, text = c.request("GET", "/v1/ledger/evidence")
        self.assertEqual(status, 200, text)
        caught = json.loads(text)
        self.assertNotEqual(caught["kept"]["root"], caught["served"]["root"])
        self.assertEqual(caught["kept"]["signatures"][0]["public_key"], ev["kept"]["signatures"][0]["public_key"])
        before = json.loads(run("ledger", "verify", "--store", db["a"], "--json").stdout)["events"]
        status, _, text = c.request("POST", "/v1/consignments/c-1/notify", {}, tokens["c"]["border-service"])
        self.assertEqual(status, 503, text)
        self.assertIn("/v1/ledger/evidence", text)
        status, _, text = c.request("POST", "/v1/ledger/drafts", {"actor": "local", "type": "consignment.notified",
                                                                 "subject": "c-1", "payload": {}}, tokens["c"]["local"])
        self.assertEqual(status, 503, text)
        self.assertEqual(json.loads(run("ledger", "verify", "--store", db["a"], "--json").stdout)["events"], before)
        # A node that caught nothing has no evidence to show.
        self.assertEqual(a.request("GET", "/v1/ledger/evidence")[0], 404)
        # A mirror whose sequencer is down answers writes with 503 and the sequencer's address.
        a.stop()
        status, _, text = c.request("POST", "/v1/consignments/c-1/notify", {}, tokens["c"]["border-service"])
        self.assertEqual(status, 503, text)
        self.assertIn(url_a, text)


if __name__ == "__main__":
    CORRIDOR, DATA = (os.path.abspath(a) for a in sys.argv[1:3])
    unittest.main(argv=[sys.argv[0], "-v"])
