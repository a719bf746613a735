#!/usr/bin/env python3
"""corridor serve, tried against a real server on a loopback port: every role against every write
endpoint, object-level checks, malformed and oversized bodies, a slow client, concurrent writers,
kill -9 and SIGTERM, the OpenAPI document (every path served; every response validated against
its schemas), CSV with HXL tags, GeoJSON, streamed jobs, and clients signing their own events.

usage: http_test.py CORRIDOR DATA_DIR
"""
import copy
import datetime
import http.client
import json
import os
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

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ledger_world import EXIT_CONFLICT  # noqa: E402
from server_harness import Server, q, lifecycle  # noqa: E402

CORRIDOR = DATA = None
PARTIES = (("icrc", "sender"), ("wfp", "sender"), ("border-service", "checkpoint"), ("peacekeepers", "monitor"),
           ("local", "receiver"), ("ocha", "admin"), ("analyst1", "analyst"))
RESPONSES = []  # (method, path template, status, content type, body) of every response the tests saw


def run(*args, cwd=None):
    r = subprocess.run([CORRIDOR, *args], capture_output=True, text=True, cwd=cwd)
    assert r.returncode == 0, f"corridor {' '.join(args)}: {r.stdout}{r.stderr}"
    return r.stdout


class Node:
    """A store with every role, the example regime, two settlements, a token per party, and a server
    holding every party's key (custodial), the Monaco network, the bundled scenario and supply tables."""

    def __init__(self, tmp, custodial=True, extra=()):
        self.tmp = tmp
        self.db = os.path.join(tmp, "node.db")
        self.keys = {}
        for name, role in PARTIES:
            self.keys[name] = os.path.join(tmp, name + ".key")
            run("party", "add", name, "--role", role, "--store", self.db, "--key-out", self.keys[name])
        run("regime", "publish", os.path.join(DATA, "regimes", "example.toml"), "--store", self.db,
            "--key", self.keys["border-service"], "--at", "2023-06-01T00:00Z")
        self.places = os.path.join(tmp, "places.csv")
        with open(self.places, "w") as f:
            f.write("id,name,population\ntown,Town,1000\nvillage,Village,200\n")
        run("supply", "register", self.places, "--store", self.db, "--key", self.keys["local"])
        self.tokens = {name: run("party", "token", name, "--store", self.db).strip() for name, _ in PARTIES}
        self.graph = os.path.join(tmp, "monaco.cgraph")
        if not os.path.exists(self.graph):
            run("import", os.path.join(DATA, "osm", "monaco.osm.pbf"), "-o", self.graph)
        self.args = ["--store", "sqlite:" + self.db, "--network", self.graph,
                     "--scenario", os.path.join(DATA, "scenarios", "karabakh-2023", "scenario.toml"),
                     "--places", self.places, "--needs", os.path.join(DATA, "supply", "needs-sphere.toml"),
                     "--commodities", os.path.join(DATA, "supply", "commodities.csv"), *extra]
        if custodial:
            for name, _ in PARTIES:
                self.args += ["--custodial", f"{name}={self.keys[name]}"]
        self.server = None

    def start(self, *extra):
        self.server = Server(CORRIDOR, self.args + list(extra), log=os.path.join(self.tmp, "serve.log"))
        return self.server

    def call(self, method, path, body=None, party=None, record=True, **kw):
        status, headers, text = self.server.request(method, path, body, self.tokens.get(party) if party else None, **kw)
        if record:
            RESPONSES.append((method, path.split("?")[0], status, headers.get("content-type", ""), text))
        try:
            media = headers.get("content-type", "").split(";")[0].strip()
            j = json.loads(text) if text and media in ("application/json", "application/geo+json") else text
        except json.JSONDecodeError:
            j = text
        return status, j

    def declaration(self, cid, sender="icrc", items=None):
        return {"id": cid, "type": "food-aid", "sender": sender, "receiver": "local", "origin": "goris",
                "destination": "town", "checkpoint": "example-bridge", "planned_arrival": "2023-07-03T08:00Z",
                "declared_at": "2023-06-25T08:00Z",
                "documents": ["manifest", "waybill", "driver_id", "phytosanitary_certificate"], "approvals": [],
                "items": items or [{"description": "wheat flour", "hs": "1101", "category": "food", "quantity": 20000,
                                    "unit": "kg", "net_kg": 20000, "kcal_per_kg": 3640}]}


class Http(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="corridor_http_")
        cls.node = Node(cls.tmp)
        cls.node.start()

    @classmethod
    def tearDownClass(cls):
        code = cls.node.server.stop()
        shutil.rmtree(cls.tmp)
        assert code == 0, f"the server exited {code} on SIGTERM"

    def steps(self, cid, sender="icrc"):
        """The lifecycle after the declaration: (step path, party, body)."""
        return lifecycle(cid, sender)[1:]

    def declare(self, cid, party="icrc"):
        return self.node.call("POST", "/v1/consignments",
                              {"declaration": self.node.declaration(cid, party), "at": "2023-06-25T08:00Z"}, party)

    # ---- roles ---------------------------------------------------------------------------------

    def assert_refused(self, party, what, status, reply):
        """A party to the consignment in the wrong role or state: 403 or 409 naming the rule. A party
        that is not (wfp, a sender of other consignments): 404 before any rule (issue 24, item 11)."""
        if party == "wfp":
            self.assertEqual(status, 404, f"{party} on {what}: {reply}")
            self.assertNotIn("rule", reply["error"])
            self.assertNotIn("state", reply["error"]["message"])
        else:
            self.assertIn(status, (403, 409), f"{party} on {what}: {status} {reply}")
            self.assertIn("rule", reply["error"])

    def test_every_role_against_every_write(self):
        n = self.node
        parties = [p for p, _ in PARTIES]
        # Declaring: only icrc, for its own declaration (the others try first).
        for p in sorted(parties, key=lambda x: x == "icrc"):
            status, body = n.call("POST", "/v1/consignments",
                                  {"declaration": n.declaration("roles-1", "icrc"), "at": "2023-06-25T08:00Z"}, p)
            if p == "icrc":
                self.assertEqual(status, 201, body)
            else:
                self.assertEqual(status, 403, f"{p}: {body}")
                self.assertEqual(body["error"]["rule"], "C-ROLE")
        # Each step: every other party is refused (403 authority or 409 state) and changes nothing,
        # then the party whose step it is succeeds.
        for path, who, body in self.steps("roles-1"):
            allowed = {who}
            if path.endswith("/approve"):
                allowed = {"border-service", "peacekeepers"}
            if path.endswith("/arrive"):
                allowed = {"icrc", "border-service"}  # the sender or the operator records arrival
            for p in parties:
                if p in allowed:
                    continue
                before = n.call("GET", "/v1/consignments/roles-1", party="peacekeepers")[1]
                status, reply = n.call("POST", path, body, p)
                self.assert_refused(p, path, status, reply)
                after = n.call("GET", "/v1/consignments/roles-1", party="peacekeepers")[1]
                self.assertEqual(before, after, f"{p} on {path} changed the consignment")
            status, reply = n.call("POST", path, body, who)
            self.assertEqual(status, 200, f"{who} on {path}: {reply}")
        self.assertEqual(n.call("GET", "/v1/consignments/roles-1", party="local")[1]["state"], "delivered")

        def only(cid, path, body, allowed):
            """Every party but `allowed` is refused the step (and changes nothing); then the first of
            `allowed` takes it."""
            for p in parties:
                if p in allowed:
                    continue
                before = n.call("GET", f"/v1/consignments/{cid}", party="peacekeepers")[1]
                status, reply = n.call("POST", f"/v1/consignments/{cid}/{path}", body, p)
                self.assert_refused(p, f"{cid}/{path}", status, reply)
                self.assertEqual(before, n.call("GET", f"/v1/consignments/{cid}", party="peacekeepers")[1])
            status, reply = n.call("POST", f"/v1/consignments/{cid}/{path}", body, allowed[0])
            self.assertEqual(status, 200, f"{allowed[0]} on {cid}/{path}: {reply}")
            return reply

        # The other steps: hold and turn back (the operator); reject (an approver or the operator);
        # override a regime's reject (the operator).
        self.assertEqual(self.declare("roles-2")[0], 201)
        for path, who, body in self.steps("roles-2")[:5]:
            self.assertEqual(n.call("POST", path, body, who)[0], 200)
        only("roles-2", "hold", {"reason": "seal broken", "at": "2023-07-03T07:10Z"}, ["border-service"])
        turned = only("roles-2", "turn-back", {"whole": True, "reason": "seal broken", "at": "2023-07-03T07:20Z"},
                      ["border-service"])
        self.assertEqual(turned["state"], "turned back")
        self.assertEqual(self.declare("roles-3")[0], 201)
        self.assertEqual(n.call("POST", "/v1/consignments/roles-3/notify", {"at": "2023-06-25T09:00Z"}, "icrc")[0], 200)
        rejected = only("roles-3", "reject", {"reason": "route unsafe", "at": "2023-06-26T08:00Z"},
                        ["peacekeepers", "border-service"])
        self.assertEqual(rejected["state"], "rejected")
        arms = n.declaration("roles-4", items=[{"description": "rifles", "hs": "9301", "category": "other", "quantity": 1,
                                                "unit": "piece", "net_kg": 5}])
        status, reply = n.call("POST", "/v1/consignments", {"declaration": arms, "at": "2023-06-25T08:00Z"}, "icrc")
        self.assertEqual((status, reply["decision"]["verdict"]), (201, "reject"), reply)
        only("roles-4", "override", {"reason": "the items were declared in error and removed", "at": "2023-06-25T10:00Z"},
             ["border-service"])
        # Regimes: only the checkpoint's operator publishes.
        with open(os.path.join(DATA, "regimes", "example.toml")) as f:
            toml = f.read()
        for p in parties:
            status, reply = n.call("POST", "/v1/regimes", {"toml": toml, "at": "2023-06-01T00:00Z"}, p)
            self.assertEqual(status, 201 if p == "border-service" else 403, f"{p}: {reply}")
        # Stocks: receivers and monitors; settlements: admins, receivers and monitors.
        for p in parties:
            status, reply = n.call("POST", "/v1/supply/stocks", {"kind": "count", "place": "town", "commodity": "wheat_flour",
                                                                 "tonnes": 2, "date": "2023-07-04"}, p)
            self.assertEqual(status, 201 if p in ("local", "peacekeepers") else 403, f"{p}: {reply}")
            status, reply = n.call("POST", "/v1/supply/settlements", {"id": "hamlet-" + p.replace("-", ""), "population": 5}, p)
            self.assertEqual(status, 201 if p in ("local", "peacekeepers", "ocha") else 403, f"{p}: {reply}")
        # An open ledger has no registered checkpoints (the first operator to publish holds one) and
        # admits nobody; a governed one is tested by the sync test.
        for p in parties:
            status, reply = n.call("POST", "/v1/checkpoints", {"id": "new-bridge", "operator": "border-service"}, p)
            self.assertEqual((status, reply["error"]["rule"]), (403, "K-CHECKPOINT"), f"{p}: {reply}")
        for p in parties:
            status, reply = n.call("POST", "/v1/parties", {"name": "newcomer", "role": "sender", "public_key": "ab" * 32}, p)
            self.assertEqual(status, 403, f"{p}: {reply}")
        # Revoking: in an open ledger a party revokes only itself; its token then opens nothing.
        for p in parties:
            if p == "analyst1":
                continue
            status, reply = n.call("POST", "/v1/parties/analyst1/revoke", {"reason": "not mine to revoke"}, p)
            self.assertEqual((status, reply["error"]["rule"]), (403, "P-REVOKE"), f"{p}: {reply}")
        self.assertEqual(n.call("GET", "/v1/consignments", party="analyst1")[0], 200)
        status, reply = n.call("POST", "/v1/parties/analyst1/revoke", {"reason": "leaving the corridor"}, "analyst1")
        self.assertEqual(status, 201, reply)
        self.assertEqual(n.call("GET", "/v1/consignments", party="analyst1")[0], 401)
        # Without a token, no write; with an unknown token, nothing at all.
        self.assertEqual(n.call("POST", "/v1/consignments/roles-1/notify", {})[0], 401)
        status, _, _ = n.server.request("GET", "/v1/health", token="ab" * 32)
        self.assertEqual(status, 401)

    def test_one_sender_cannot_see_or_touch_anothers_consignment(self):
        n = self.node
        self.assertEqual(self.declare("obj-wfp", "wfp")[0], 201)
        self.assertEqual(self.declare("obj-icrc", "icrc")[0], 201)
        self.assertEqual(n.call("GET", "/v1/consignments/obj-wfp", party="icrc")[0], 404)
        self.assertEqual(n.call("GET", "/v1/consignments/obj-wfp/history", party="icrc")[0], 404)
        # A write on it answers exactly as for one that does not exist (issue 24, item 11).
        status, reply = n.call("POST", "/v1/consignments/obj-wfp/notify", {}, "icrc")
        self.assertEqual(status, 404)
        self.assertNotIn("rule", reply["error"])
        status2, reply2 = n.call("POST", "/v1/consignments/obj-none/notify", {}, "icrc")
        self.assertEqual(status2, 404)
        self.assertEqual(reply["error"]["message"].replace("obj-wfp", "X"), reply2["error"]["message"].replace("obj-none", "X"))
        status, reply = n.call("POST", "/v1/consignments", {"declaration": n.declaration("obj-wfp", "icrc"),
                                                            "at": "2023-06-25T08:00Z"}, "icrc")
        self.assertEqual(status, 404, reply)
        mine = [c["id"] for c in n.call("GET", "/v1/consignments", party="icrc")[1]["consignments"]]
        self.assertIn("obj-icrc", mine)
        self.assertNotIn("obj-wfp", mine)
        # The whole log, with every consignment in it, is not for a sender either.
        status, reply = n.call("GET", "/v1/ledger/events?after=0", party="icrc")
        self.assertEqual((status, reply["error"]["rule"]), (403, "A-LOG"))
        self.assertEqual(n.call("GET", "/v1/ledger/verify", party="local")[0], 403)
        self.assertEqual(n.call("GET", "/v1/ledger/events?after=0", party="peacekeepers")[0], 200)
        everyone = [c["id"] for c in n.call("GET", "/v1/consignments", party="peacekeepers")[1]["consignments"]]
        self.assertTrue({"obj-icrc", "obj-wfp"} <= set(everyone))
        # The operator sees those at its checkpoint; the public sees only aggregates.
        self.assertEqual(n.call("GET", "/v1/consignments/obj-wfp", party="border-service")[0], 200)
        status, stats = n.call("GET", "/v1/consignments/stats")
        self.assertEqual(status, 200)
        self.assertNotIn("checkpoint_queue", stats)
        self.assertIn("checkpoint_queue", n.call("GET", "/v1/consignments/stats", party="peacekeepers")[1])
        # A consignment's signed history, with inclusion proofs against the signed head.
        status, hist = n.call("GET", "/v1/consignments/obj-wfp/history", party="wfp")
        self.assertEqual(status, 200)
        self.assertEqual(hist["events"][0]["type"], "consignment.declared")
        self.assertEqual(hist["events"][0]["inclusion"]["tree_size"], hist["head"]["size"])

    # ---- bad input -----------------------------------------------------------------------------

    def test_malformed_oversized_and_nested_bodies(self):
        n = self.node
        cases = [("{not json", 400, None), ('{"declaration": 5}', 400, "/declaration"),
                 ('{"declaration": {"id": "x"}, "at": 7}', 400, "/at"), ('{"declaration": {"id": "x"}, "zz": 1}', 400, "/zz"),
                 ("[" * 100 + "]" * 100, 413, None), ('{"declaration": ' + "[" * 80 + "]" * 80 + "}", 413, None)]
        for body, want, pointer in cases:
            status, reply = n.call("POST", "/v1/consignments", body, "icrc")
            self.assertEqual(status, want, f"{body[:40]}: {reply}")
            if pointer:
                self.assertEqual(reply["error"]["pointer"], pointer)
        status, reply = n.call("POST", "/v1/consignments", {"declaration": {"id": "x", "items": "y"}}, "icrc")
        self.assertEqual((status, reply["error"].get("pointer")), (400, "/declaration/type"), reply["error"]["message"])
        wrong = n.declaration("typed")
        wrong["items"][0]["hs"] = 1101
        status, reply = n.call("POST", "/v1/consignments", {"declaration": wrong}, "icrc")
        self.assertEqual((status, reply["error"]["pointer"]), (400, "/declaration/items/0/hs"), reply)
        status, reply = n.call("POST", "/v1/regimes/example-bridge/check", {"declaration": wrong}, "icrc")
        self.assertEqual((status, reply["error"]["pointer"]), (400, "/declaration/items/0/hs"), reply)
        status, reply = n.call("POST", "/v1/consignments", {"declaration": {"id": 7}}, "icrc")
        self.assertEqual((status, reply["error"]["pointer"]), (400, "/declaration/id"), reply)
        big = '{"declaration": {"id": "' + "x" * (5 << 20) + '"}}'
        status, _ = n.call("POST", "/v1/consignments", big, "icrc", record=False)
        self.assertEqual(status, 413)
        # Query parameters name themselves; a polygon closure (a server file) is refused.
        status, reply = n.call("GET", q("/v1/route", **{"from": "43.7384,7.4246", "to": "nowhere"}))
        self.assertEqual((status, reply["error"]["pointer"]), (400, "to"))
        status, reply = n.call("GET", q("/v1/route", **{"from": "43.7384,7.4246", "to": "43.7311,7.4197",
                                                         "close": "polygon:/etc/passwd"}))
        self.assertEqual(status, 400)
        self.assertIn("polygon", reply["error"]["message"])
        status, reply = n.call("POST", "/v1/reach", {"sources": "43.7384,7.4246", "places": "/etc/passwd"})
        self.assertEqual(status, 400)
        self.assertEqual(reply["error"]["pointer"], "/places")
        # Nothing stored changed.
        self.assertEqual(subprocess.run([CORRIDOR, "ledger", "verify", "--store", n.db], capture_output=True).returncode, 0)

    def test_a_slow_client_does_not_block_others(self):
        n = self.node
        slow = socket.create_connection((n.server.host, n.server.port))
        slow.sendall(b"GET /v1/health HTTP/1.1\r\nHo")  # and then nothing
        times = []
        for _ in range(20):
            t0 = time.time()
            self.assertEqual(n.call("GET", "/v1/health", record=False)[0], 200)
            times.append(time.time() - t0)
        self.assertLess(max(times), 1.0, times)
        slow.close()

    # ---- formats -------------------------------------------------------------------------------

    def test_geojson_csv_hxl_and_streams(self):
        n = self.node
        status, f = n.call("GET", q("/v1/route", **{"from": "43.7384,7.4246", "to": "43.7311,7.4197", "format": "geojson"}))
        self.assertEqual((status, f["type"], f["geometry"]["type"]), (200, "Feature", "LineString"))
        lon, lat = f["geometry"]["coordinates"][0]
        self.assertTrue(7.3 < lon < 7.5 and 43.7 < lat < 43.8, "coordinates are [lon, lat]")
        body = {"sources": "43.7384,7.4246", "places": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [7.4197, 43.7311]},
             "properties": {"id": "p1", "name": "Fontvieille", "population": 3600}}]}}
        status, fc = n.call("POST", q("/v1/reach", format="geojson"), body)
        self.assertEqual((status, fc["type"], fc["features"][0]["properties"]["id"]), (200, "FeatureCollection", "p1"))
        self.assertEqual(fc["features"][0]["properties"]["source"], "sources1")
        status, text = n.call("POST", q("/v1/reach", format="csv"), body)
        lines = text.splitlines()
        self.assertEqual(lines[0].split(",")[:4], ["id", "name", "names", "population"])
        self.assertTrue(lines[1].startswith("#loc+code,#loc+name"), lines[1])
        self.assertTrue(lines[2].startswith("p1,Fontvieille"), lines[2])
        status, crit = n.call("POST", q("/v1/critical", format="geojson"), body)
        self.assertEqual(status, 200)
        self.assertIn("bridge", {ft["properties"]["kind"] for ft in crit["features"]})
        status, cap = n.call("POST", "/v1/capacity", {"sources": "43.7384,7.4246", "to": "43.7311,7.4197",
                                                      "checkpoints": [{"id": "cp", "lat": 43.7384, "lon": 7.4246,
                                                                       "vehicles_per_hour": 10}]})
        self.assertEqual(status, 200)
        self.assertLessEqual(cap["trucks_per_day"], 240)
        # A query value may hold '=' unencoded (cpp-httplib's own parser would keep only what follows the last).
        status, proj = n.call("GET", "/v1/supply/projection?from=2023-07-01&to=2023-07-05&days=3&daily=wheat_flour=0.4")
        self.assertEqual(status, 200, proj)
        status, text = n.call("GET", q("/v1/supply/status", format="csv", **{"from": "2023-07-01", "to": "2023-07-05"}))
        self.assertEqual(text.splitlines()[1].split(",")[0], "#loc+code")
        # A scenario day for the map, and the whole run streamed with its progress.
        status, day = n.call("GET", q("/v1/scenarios/karabakh-2023/days/2023-06-20", format="geojson"))
        kinds = {ft["properties"]["kind"] for ft in day["features"]}
        self.assertTrue({"road", "place", "checkpoint", "source"} <= kinds, kinds)
        self.assertNotIn(DATA, json.dumps(day), "the server's paths leak into what it serves")
        status, info = n.call("GET", "/v1/network")
        self.assertEqual(status, 200)
        self.assertNotIn(n.tmp, json.dumps(info), "the server's paths leak into what it serves")
        self.assertNotIn(DATA, json.dumps(info), "the server's paths leak into what it serves")
        status, text = n.call("GET", q("/v1/scenarios/karabakh-2023", stream="1"))
        rows = [json.loads(l) for l in text.splitlines() if l]
        self.assertIn("result", rows[-1])
        self.assertEqual(rows[-1]["result"]["scenario"]["start"], "2022-12-01")
        self.assertNotIn("file", rows[-1]["result"]["scenario"])
        status, cmp_ = n.call("GET", q("/v1/scenarios/karabakh-2023/compare", trust="operator,az_gov,nk", date="2023-06-20"))
        self.assertEqual([p["trust"] for p in cmp_["parties"]], ["operator", "az_gov", "nk"])
        status, claims = n.call("GET", q("/v1/scenarios/karabakh-2023/claims", target="hakari_checkpoint"))
        self.assertTrue(claims["claims"] and all(c["target"] == "hakari_checkpoint" for c in claims["claims"]))
        self.assertFalse(any(c["origin"].startswith("/") for c in claims["claims"]), "server paths leak")

    # ---- signing clients -----------------------------------------------------------------------

    def test_clients_sign_their_own_events(self):
        n = self.node
        # Through the CLI's --server mode: the key stays with the party.
        decl = os.path.join(self.tmp, "signed-1.json")
        with open(decl, "w") as f:
            json.dump(n.declaration("signed-1"), f)
        # A draft needs a token (issue 24, item 11: an anonymous draft was an oracle on any party's
        # consignments).
        r = subprocess.run([CORRIDOR, "consign", "declare", decl, "--key", n.keys["icrc"], "--server", n.server.url,
                            "--at", "2023-06-25T08:00Z", "--json"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 14, r.stdout + r.stderr)  # unauthorized
        r = subprocess.run([CORRIDOR, "consign", "declare", decl, "--key", n.keys["icrc"], "--server", n.server.url,
                            "--token", n.tokens["icrc"], "--at", "2023-06-25T08:00Z", "--json"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = subprocess.run([CORRIDOR, "consign", "approve", "signed-1", "--key", n.keys["peacekeepers"], "--server",
                            n.server.url, "--token", n.tokens["peacekeepers"]], capture_output=True, text=True)
        self.assertEqual(r.returncode, EXIT_CONFLICT, r.stdout + r.stderr)  # not notified yet
        # A forged signature, or an event for the wrong seq, is refused.
        status, reply = n.call("POST", "/v1/ledger/drafts", {"actor": "icrc", "type": "consignment.notified",
                                                             "subject": "signed-1", "payload": {}})
        self.assertEqual(status, 401, reply)
        status, reply = n.call("POST", "/v1/ledger/drafts", {"actor": "icrc", "type": "consignment.notified",
                                                             "subject": "signed-1", "payload": {}}, "wfp")
        self.assertEqual((status, reply["error"]["rule"]), (403, "A-ACTOR"))
        status, draft = n.call("POST", "/v1/ledger/drafts", {"actor": "icrc", "type": "consignment.notified",
                                                             "subject": "signed-1", "payload": {}}, "icrc")
        self.assertEqual(status, 200)
        event = dict(draft["event"], signature="ab" * 64)
        status, reply = n.call("POST", "/v1/ledger/events", {"event": event})
        self.assertEqual(status, 401, reply)
        # An event for another seq is not what was signed (its hash covers the seq): unauthenticated.
        status, reply = n.call("POST", "/v1/ledger/events", {"event": dict(event, seq=1)})
        self.assertEqual(status, 401, reply)
        # A genuinely signed event sent again (a replay): its seq is taken.
        status, hist = n.call("GET", "/v1/consignments/signed-1/history", party="icrc")
        self.assertEqual(status, 200, hist)
        replay = {k: hist["events"][0][k] for k in ("seq", "time", "actor", "type", "subject", "payload", "prev_hash", "hash",
                                                    "signature")}
        status, reply = n.call("POST", "/v1/ledger/events", {"event": replay})
        self.assertEqual(status, 409, reply)
        # The draft of a step the rules refuse is refused before anything is signed; for a
        # consignment its actor is not a party to, 404 before any rule, as for one that does not exist.
        status, reply = n.call("POST", "/v1/ledger/drafts", {"actor": "peacekeepers", "type": "consignment.delivered",
                                                             "subject": "signed-1", "payload": {}}, "peacekeepers")
        self.assertEqual((status, reply["error"]["rule"]), (403, "C-ROLE"))
        status, reply = n.call("POST", "/v1/ledger/drafts", {"actor": "wfp", "type": "consignment.notified",
                                                             "subject": "signed-1", "payload": {}}, "wfp")
        self.assertEqual(status, 404, reply)
        self.assertNotIn("rule", reply["error"])
        # A signed event of a party on another's consignment: the same 404.
        status, draft = n.call("POST", "/v1/ledger/drafts", {"actor": "wfp", "type": "consignment.notified",
                                                             "subject": "no-such", "payload": {}}, "wfp")
        self.assertEqual(status, 404, draft)

    # ---- many clients --------------------------------------------------------------------------

    def test_eight_clients_writing_at_once(self):
        n = self.node
        failures, acknowledged, lock = [], [], threading.Lock()

        def client(k):
            sender = "icrc" if k % 2 == 0 else "wfp"
            for i in range(3):
                cid = f"many-{k}-{i}"
                status, reply = self.declare(cid, sender)
                seq_of = [(status, reply)]
                for path, who, body in self.steps(cid, sender):
                    seq_of.append(n.call("POST", path, body, who, record=False))
                for status, reply in seq_of:
                    with lock:
                        if status not in (200, 201):
                            failures.append((cid, status, reply))
                        else:
                            acknowledged.append((reply["seq"], reply["hash"]))

        threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])
        con = sqlite3.connect(n.db)
        stored = dict(con.execute("SELECT seq, hash FROM events").fetchall())
        con.close()
        for seq, h in acknowledged:
            self.assertEqual(stored.get(seq), h)
        self.assertEqual(len({s for s, _ in acknowledged}), len(acknowledged))
        r = subprocess.run([CORRIDOR, "store", "rebuild", "--check", "--store", n.db], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    # ---- the OpenAPI document ------------------------------------------------------------------

    def test_zz_every_documented_path_is_served_and_every_response_fits_its_schema(self):
        n = self.node
        status, doc = n.call("GET", "/v1/openapi.json")
        self.assertEqual(status, 200)
        status, index = n.call("GET", "/v1")
        self.assertEqual(sorted(index["endpoints"]),
                         sorted(f"{m.upper()} {p}" for p, ops in doc["paths"].items() for m in ops))
        values = {"id": "karabakh-2023", "date": "2023-06-20", "checkpoint": "example-bridge", "seq": "1"}
        for path, ops in doc["paths"].items():
            for method in ops:
                concrete = path
                for k, v in values.items():
                    concrete = concrete.replace("{" + k + "}", v)
                status, reply = n.call(method.upper(), concrete, {} if method == "post" else None, "peacekeepers")
                self.assertNotEqual(status, 405, f"{method} {path}")
                if status == 404:
                    self.assertNotIn("no endpoint", json.dumps(reply), f"{method} {path} is documented but not served")
        # Every response any test received is valid against its documented schema.
        resolver = jsonschema.RefResolver.from_schema(doc)
        templates = [(m.upper(), p, ops[m]) for p, ops in doc["paths"].items() for m in ops]
        checked = 0
        for method, path, status, ctype, text in RESPONSES:
            op = None
            for m, p, o in templates:
                if m != method:
                    continue
                a, b = p.strip("/").split("/"), path.strip("/").split("/")
                if len(a) == len(b) and all(x == y or (x.startswith("{") and x.endswith("}")) for x, y in zip(a, b)):
                    op = o
                    break
            self.assertIsNotNone(op, f"{method} {path} answered but is not documented")
            media = ctype.split(";")[0].strip()
            responses = op["responses"]
            spec = responses.get(str(status), responses["default"]) if status < 400 else responses["default"]
            self.assertIn(media, spec["content"], f"{method} {path} {status}: {media} not documented")
            schema = spec["content"][media]["schema"]
            if media in ("application/json", "application/geo+json"):
                try:
                    jsonschema.Draft202012Validator(schema, resolver=resolver).validate(json.loads(text))
                except jsonschema.ValidationError as e:
                    self.fail(f"{method} {path} {status}: {e.message} at {list(e.absolute_path)}")
                checked += 1
        self.assertGreater(checked, 50)


class Lifecycle(unittest.TestCase):
    """kill -9 during writes and SIGTERM: every write that returned 2xx is in the store."""

    def test_kill9_and_sigterm(self):
        tmp = tempfile.mkdtemp(prefix="corridor_http_kill_")
        try:
            node = Node(tmp)
            for round_, sig in enumerate((signal.SIGKILL, signal.SIGKILL, signal.SIGTERM)):
                node.start()
                acknowledged, stop, lock = [], threading.Event(), threading.Lock()

                def writer(k):
                    i = 0
                    while not stop.is_set():
                        try:
                            status, reply = node.call("POST", "/v1/supply/stocks",
                                                      {"kind": "count", "place": "town", "commodity": "wheat_flour",
                                                       "tonnes": i, "date": "2023-07-04"}, "local", record=False, timeout=5)
                        except (OSError, http_client_errors()):
                            return
                        if status == 201:
                            with lock:
                                acknowledged.append((reply["seq"], reply["hash"]))
                        i += 1

                threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
                for t in threads:
                    t.start()
                time.sleep(1.0)
                code = node.server.stop(sig)
                stop.set()
                for t in threads:
                    t.join()
                if sig == signal.SIGTERM:
                    self.assertEqual(code, 0)
                self.assertGreater(len(acknowledged), 5, f"round {round_}")
                con = sqlite3.connect(node.db)
                stored = dict(con.execute("SELECT seq, hash FROM events").fetchall())
                con.close()
                missing = [(s, h) for s, h in acknowledged if stored.get(s) != h]
                self.assertEqual(missing, [], f"round {round_}: acknowledged but not stored")
                r = subprocess.run([CORRIDOR, "ledger", "verify", "--store", node.db], capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        finally:
            shutil.rmtree(tmp)


class LongJobs(unittest.TestCase):
    """A scenario over ten years streamed with its progress: when the client leaves, the job stops and
    its slot is free again (--max-jobs 1). That a second job is 503 while the first computes, and
    that a slot is free once its job has computed, is ApiTest.ALongJobHoldsItsSlot... (tests/api)."""

    def test_a_long_job_streams_progress_and_stops_when_the_client_leaves(self):
        tmp = tempfile.mkdtemp(prefix="corridor_http_long_")
        try:
            shutil.copytree(os.path.join(DATA, "supply"), os.path.join(tmp, "supply"))
            sc_dir = os.path.join(tmp, "scenarios", "ten-years")
            shutil.copytree(os.path.join(DATA, "scenarios", "karabakh-2023"), sc_dir)
            toml = os.path.join(sc_dir, "scenario.toml")
            with open(toml) as f:
                text = f.read()
            start = text.split('start = "')[1].split('"')[0]
            first_day = datetime.date.fromisoformat(start)
            end = (first_day.replace(year=first_day.year + 10) - datetime.timedelta(days=1)).isoformat()  # the longest allowed
            with open(toml, "w") as f:
                f.write(text.replace(text.split('end = "')[1].split('"')[0], end, 1))
            log = os.path.join(tmp, "serve.log")
            server = Server(CORRIDOR, ["--store", "sqlite:" + os.path.join(tmp, "n.db"), "--scenario", toml,
                                       "--max-jobs", "1"], log=log)
            try:
                def start_job():
                    con = http.client.HTTPConnection(server.host, server.port, timeout=30)
                    con.request("GET", "/v1/scenarios/ten-years?stream=1")
                    return con, con.getresponse()

                con, res = start_job()
                self.assertEqual(res.status, 200)
                first = res.read(12)  # a progress line, or the result's first bytes
                self.assertTrue(first.startswith(b'{"progress":') or first.startswith(b'{"result":{'), first)
                res.close()
                con.close()  # the client leaves
                deadline = time.time() + 10
                while time.time() < deadline:
                    with open(log) as f:
                        if "client of a long job left" in f.read():
                            break
                    time.sleep(0.05)
                # The slot is free again.
                con, res = start_job()
                self.assertEqual(res.status, 200)
                res.close()
                con.close()
            finally:
                server.stop()
            with open(log) as f:
                said = f.read()
            self.assertIn("the client of a long job left", said)
            # A client that stays gets the whole run: ten years of days, each day once.
            server = Server(CORRIDOR, ["--store", "sqlite:" + os.path.join(tmp, "n.db"), "--scenario", toml], log=log)
            try:
                status, _, text = server.request("GET", "/v1/scenarios/ten-years?stream=1", timeout=120)
            finally:
                server.stop()
            lines = [json.loads(line) for line in text.splitlines()]
            days = lines[-1]["result"]["days"]
            self.assertEqual(len(days), (datetime.date.fromisoformat(end) - first_day).days + 1)
            self.assertEqual((days[0]["date"], days[-1]["date"]), (start, end))
            self.assertTrue(all("progress" in line for line in lines[:-1]))
        finally:
            shutil.rmtree(tmp)


def http_client_errors():
    import http.client
    return http.client.HTTPException


if __name__ == "__main__":
    CORRIDOR, DATA = (os.path.abspath(a) for a in sys.argv[1:3])
    unittest.main(argv=[sys.argv[0], "-v", *sys.argv[3:]])
