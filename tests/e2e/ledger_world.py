"""A small corridor for the ledger tests: a store with a sender, the checkpoint's operator, a monitor
and a receiver; the example regime published by its operator; two settlements; declarations to
fill in. Shared by ledger_rules_test.py and concurrency_test.py."""
import datetime
import hashlib
import json
import os
import sqlite3
import subprocess

# Exit codes from the error catalogue (src/core/error.cpp, docs/cli.md).
EXIT_INVALID, EXIT_NOT_FOUND, EXIT_PARSE, EXIT_CORRUPT = 2, 4, 6, 7
EXIT_FORBIDDEN, EXIT_CONFLICT, EXIT_LIMIT = 11, 12, 13

PARTIES = (("icrc", "sender"), ("wfp", "sender"), ("border-service", "checkpoint"), ("peacekeepers", "monitor"),
           ("local", "receiver"))


def now_minute(offset_s=0):
    """This clock's time to the minute, as a genesis writes it."""
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_s)
    return t.strftime("%Y-%m-%dT%H:%MZ")


def write_genesis(corridor, tmp, founders, name, *, created=None, history_from="2023-06-01T00:00Z", sequencer=None):
    """Keys for the founders [(name, role)], places.csv (one town), a genesis TOML with the
    example-bridge checkpoint, and every founder's signature. created: default this minute (a
    genesis is created when `ledger init` runs); history_from: the past it records (None: none).
    Returns (genesis path, ["--signature", file, ...], {name: key file})."""
    def run(*args):
        r = subprocess.run([corridor, *args], capture_output=True, text=True)
        assert r.returncode == 0, f"corridor {' '.join(args)} exited {r.returncode}: {r.stderr}"
        return r
    keys, lines = {}, []
    for party, role in founders:
        keys[party] = os.path.join(tmp, party + ".key")
        pk = json.loads(run("party", "keygen", party, "--role", role, "--key-out", keys[party], "--json").stdout)["public_key"]
        lines.append(f'[[party]]\nname = "{party}"\nrole = "{role}"\npublic_key = "{pk}"\n')
    with open(os.path.join(tmp, "places.csv"), "w") as f:
        f.write("id,name,population\ntown,Town,1000\n")
    genesis = os.path.join(tmp, "genesis.toml")
    with open(genesis, "w") as f:
        f.write(f'[ledger]\nname = "{name}"\ncreated = "{created or now_minute()}"\nadmit = ["ocha"]\nplaces = "places.csv"\n')
        if history_from:
            f.write(f'history_from = "{history_from}"\n')
        if sequencer:
            f.write(f'sequencer = "{sequencer}"\n')
        f.write("\n" + "\n".join(lines) + "\n")
        f.write('[[checkpoint]]\nid = "example-bridge"\nname = "Example bridge"\noperator = "border-service"\n')
    sigs = []
    for party, _ in founders:
        out = os.path.join(tmp, party + ".sig")
        run("ledger", "sign-genesis", genesis, "--key", keys[party], "-o", out)
        sigs += ["--signature", out]
    return genesis, sigs, keys


def merkle_node(a, b):
    """RFC 9162 interior node."""
    return hashlib.sha256(b"\x01" + a + b).digest()


def merkle_root(leaves):
    """RFC 9162 MTH of leaf hashes, written apart from corridor's code."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle_node(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


def event_leaf(hash_hex):
    return hashlib.sha256(b"\x00" + bytes.fromhex(hash_hex)).digest()


class World:
    def __init__(self, corridor, data, tmp, store=None):
        """store: the ledger's store (default: corridor.db in tmp)."""
        self.corridor_bin, self.data, self.tmp = corridor, data, tmp
        self.db = store or os.path.join(tmp, "corridor.db")
        self.regime = os.path.join(data, "regimes", "example.toml")
        for name, role in PARTIES:
            self.ok("party", "add", name, "--role", role, "--store", self.db, "--key-out", self.key(name))
        self.ok("regime", "publish", self.regime, "--store", self.db, "--key", self.key("border-service"),
                "--at", "2023-06-01T00:00Z")
        self.places = self.write("places.csv", "id,name,population\ntown,Town,1000\nvillage,Village,200\n")
        self.ok("supply", "register", self.places, "--store", self.db, "--key", self.key("local"))
        self.commodities = os.path.join(data, "supply", "commodities.csv")
        self.needs = os.path.join(data, "supply", "needs-sphere.toml")

    def run(self, *args, env=None, preexec_fn=None):
        return subprocess.run([self.corridor_bin, *args], capture_output=True, text=True, env=env, preexec_fn=preexec_fn)

    def ok(self, *args):
        r = self.run(*args)
        assert r.returncode == 0, f"corridor {' '.join(args)} exited {r.returncode}: {r.stdout}{r.stderr}"
        return r

    def key(self, name):
        return os.path.join(self.tmp, name + ".key")

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def declaration(self, cid, sender="icrc", items=None, name=None, declared_at="2023-06-25T08:00Z"):
        """declared_at: what the declaration says of itself; it must restate when it is declared."""
        decl = {"id": cid, "type": "food-aid", "sender": sender, "receiver": "local", "origin": "goris",
                "destination": "town", "checkpoint": "example-bridge", "planned_arrival": "2023-07-03T08:00Z",
                "declared_at": declared_at,
                "documents": ["manifest", "waybill", "driver_id", "phytosanitary_certificate"], "approvals": [],
                "items": items or [{"description": "wheat flour", "hs": "1101", "category": "food", "quantity": 20000,
                                    "unit": "kg", "net_kg": 20000, "kcal_per_kg": 3640}]}
        return self.write(name or cid + ".json", json.dumps(decl))

    def step(self, *args, party, at, store=None):
        return self.run("consign", *args, "--store", store or self.db, "--key", self.key(party), "--at", at, "--json")

    def to_approved(self, cid, sender="icrc"):
        """Declares, notifies and has both approvals recorded."""
        for args, party, at in ((("declare", self.declaration(cid, sender)), sender, "2023-06-25T08:00Z"),
                                (("notify", cid), sender, "2023-06-25T09:00Z"),
                                (("approve", cid), "border-service", "2023-06-26T08:00Z"),
                                (("approve", cid), "peacekeepers", "2023-06-26T09:00Z")):
            r = self.step(*args, party=party, at=at)
            assert r.returncode == 0, r.stdout + r.stderr

    def to_crossed(self, cid, sender="icrc"):
        self.to_approved(cid, sender)
        for args, party, at in ((("arrive", cid), sender, "2023-07-03T06:00Z"),
                                (("inspect", cid), "border-service", "2023-07-03T07:00Z"),
                                (("clear", cid), "border-service", "2023-07-03T07:30Z"),
                                (("cross", cid), "border-service", "2023-07-03T08:00Z")):
            r = self.step(*args, party=party, at=at)
            assert r.returncode == 0, r.stdout + r.stderr

    def sql(self, statement, db=None):
        con = sqlite3.connect(db or self.db)
        try:
            con.executescript(statement)
            con.commit()
        finally:
            con.close()

    def query(self, statement, db=None):
        con = sqlite3.connect(db or self.db)
        try:
            return con.execute(statement).fetchall()
        finally:
            con.close()

    def events(self, db=None):
        return self.query("SELECT COUNT(*) FROM events", db)[0][0]

    def supply_status(self, store=None):
        return self.run("supply", "status", "--store", store or self.db, "--places", self.places, "--needs", self.needs,
                        "--commodities", self.commodities, "--from", "2023-07-01", "--to", "2023-07-05", "--json")
