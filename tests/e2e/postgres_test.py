#!/usr/bin/env python3
"""corridor on a shared PostgreSQL store, as a multi-party deployment runs it:

* the CLI's whole ledger on PostgreSQL; `store migrate` (the only command that changes the schema)
  with `--grant` for a server role that can append but never change, delete or un-trigger;
  `store copy` SQLite -> PostgreSQL -> SQLite with identical roots, notes (tokens) carried over;
* four `corridor serve` processes on one database, eight clients each, a fixed count of writes:
  none lost or duplicated, chain and tree valid, every acknowledged write present, two conflicting
  transitions sent to two processes at once never both accepted, every process serving the same
  head afterwards without a restart;
* the PostgreSQL server restarted (its connections cut, as in a crash) during writes: the servers
  answer 503 meanwhile and recover without a restart; nothing acknowledged is lost.

usage: postgres_test.py CORRIDOR DATA_DIR PG_TEST_SERVER   (env CORRIDOR_TEST_PG: the fixture's admin URL)
"""
import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ledger_world import EXIT_CONFLICT, PARTIES, World  # noqa: E402
from server_harness import Server, lifecycle  # noqa: E402

CORRIDOR, DATA, PG_SCRIPT = (os.path.abspath(a) for a in sys.argv[1:4])
del sys.argv[1:4]
ADMIN = os.environ.get("CORRIDOR_TEST_PG", "")
_loader = importlib.machinery.SourceFileLoader("pg_test_server", PG_SCRIPT)
pgts = importlib.util.module_from_spec(importlib.util.spec_from_loader("pg_test_server", _loader))
_loader.exec_module(pgts)

EXIT_UNAVAILABLE = 15


def db_url(admin, name, user=None):
    base, query = admin.split("?", 1)
    url = base.rsplit("/", 1)[0] + "/" + name + "?" + query
    return url.replace("user=postgres", "user=" + user) if user else url


def psql(url, sql):
    r = subprocess.run(["psql", url, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True)
    return r.returncode, r.stdout.strip(), r.stderr.strip()


def new_database(name, admin=None):
    admin = admin or ADMIN
    psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    code, _, err = psql(admin, f'CREATE DATABASE "{name}"')
    assert code == 0, err
    return db_url(admin, name)


def node_key_for(tmp):
    """Every CLI command on a PostgreSQL store is this node's: it signs and checks its heads with the
    key the servers use too (docs/postgresql.md), kept with its heads in the test's folder."""
    os.environ["CORRIDOR_NODE_KEY"] = os.path.join(tmp, "node.key")


def corridor(*args, env=None):
    return subprocess.run([CORRIDOR, *args], capture_output=True, text=True, env=env)


def ok(*args, env=None):
    r = corridor(*args, env=env)
    assert r.returncode == 0, f"corridor {' '.join(args)} exited {r.returncode}: {r.stdout}{r.stderr}"
    return r.stdout


def verified_root(store):
    j = json.loads(ok("ledger", "verify", "--store", store, "--json"))
    return j["events"], j["root"]


class SharedNode:
    """A ledger on `store` with every role, the example regime and two settlements; a token per
    party; the node's key in one file for every server process; every party's key held by the
    servers (custodial)."""

    def __init__(self, tmp, store):
        self.tmp, self.store = tmp, store
        self.world = World(CORRIDOR, DATA, tmp, store=store)
        self.tokens = {name: ok("party", "token", name, "--store", store).strip() for name, _ in PARTIES}
        self.node_key = os.path.join(tmp, "node.key")
        self.servers = []

    def start(self, count):
        args = ["--store", self.store, "--node-key", self.node_key, "--web", "none"]
        for name, _ in PARTIES:
            args += ["--custodial", f"{name}={self.world.key(name)}"]
        for i in range(count):
            self.servers.append(Server(CORRIDOR, args, log=os.path.join(self.tmp, f"serve{len(self.servers)}.log")))
        return self.servers

    def stop(self):
        codes = [s.stop() for s in self.servers]
        self.servers = []
        return codes

    def post(self, server, path, party, body, timeout=60):
        return server.json("POST", path, body, token=self.tokens[party], timeout=timeout)

    def stored(self):
        """{seq: hash} of every event in the database."""
        code, out, err = psql(self.store, "SELECT seq || ' ' || hash FROM events ORDER BY seq")
        assert code == 0, err
        return dict((int(a), b) for a, b in (line.split() for line in out.splitlines()))


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="corridor_pg_cli_")
        node_key_for(self.tmp)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_the_whole_ledger_migrate_grant_and_copy_both_ways(self):
        url = new_database("cli_main")
        # Nothing changes a database's schema but `store migrate`.
        r = corridor("party", "add", "x", "--role", "sender", "--store", url, "--key-out", os.path.join(self.tmp, "x.key"))
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("corridor store migrate", r.stderr)
        # The server's role: created by the administrator, granted by `store migrate --grant`.
        psql(ADMIN, "DROP ROLE IF EXISTS corridor_app")
        self.assertEqual(psql(ADMIN, "CREATE ROLE corridor_app LOGIN")[0], 0)
        j = json.loads(ok("store", "migrate", url, "--grant", "corridor_app", "--json"))
        self.assertEqual(j["granted"], "corridor_app")
        self.assertEqual(j["schema_version"], 1)
        app = url.replace("user=postgres", "user=corridor_app")
        w = World(CORRIDOR, DATA, self.tmp, store=app)
        w.to_crossed("c-1")
        r = w.step("deliver", "c-1", "--received", '[{"item":0,"quantity":19900,"damaged":100}]', party="local",
                   at="2023-07-03T12:00Z")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # The same transition again: refused by the rules, nothing written.
        before = verified_root(app)
        r = w.step("deliver", "c-1", "--received", '[{"item":0,"quantity":1}]', party="local", at="2023-07-03T13:00Z")
        self.assertEqual(r.returncode, EXIT_CONFLICT, r.stdout + r.stderr)
        self.assertEqual(verified_root(app), before)
        # The role may append; it may not change, delete, truncate or disable the triggers.
        for sql in ("UPDATE events SET payload = '{}' WHERE seq = 1", "DELETE FROM events WHERE seq = 1",
                    "TRUNCATE events", "ALTER TABLE events DISABLE TRIGGER ALL", "DROP TABLE events CASCADE",
                    "DELETE FROM tree_nodes"):
            code, _, err = psql(app, sql)
            self.assertNotEqual(code, 0, sql)
        # Nor may the owner change a stored event, while the triggers stand.
        self.assertNotEqual(psql(url, "UPDATE events SET payload = '{}' WHERE seq = 1")[0], 0)
        ok("store", "rebuild", "--check", "--store", app)
        token = ok("party", "token", "icrc", "--store", app).strip()
        # PostgreSQL -> SQLite -> another PostgreSQL database: the same events, root and tokens.
        lite = os.path.join(self.tmp, "copy.db")
        j = json.loads(ok("store", "copy", app, lite, "--json"))
        self.assertEqual(j["events"], before[0])
        self.assertGreaterEqual(j["notes"], 1)
        url2 = new_database("cli_copy")
        ok("store", "copy", lite, url2)
        self.assertEqual(verified_root(lite), before)
        self.assertEqual(verified_root(url2), before)
        ok("store", "rebuild", "--check", "--store", url2)
        code, out, _ = psql(url2, "SELECT count(*) FROM notes WHERE key LIKE 'token:%'")
        self.assertEqual(out, "1")
        # The token issued on the first database works on a server of the copy.
        s = Server(CORRIDOR, ["--store", url2, "--node-key", os.path.join(self.tmp, "node.key"), "--web", "none"],
                   log=os.path.join(self.tmp, "serve.log"))
        try:
            status, me = s.json("GET", "/v1/me", token=token)
            self.assertEqual(status, 200, me)
            self.assertEqual(me["party"], "icrc")
        finally:
            self.assertEqual(s.stop(), 0)
        # A copy into a store that holds events is refused and changes nothing.
        r = corridor("store", "copy", lite, url2)
        self.assertEqual(r.returncode, EXIT_CONFLICT, r.stderr)
        self.assertEqual(verified_root(url2), before)
        # A password never appears in what corridor prints.
        r = corridor("ledger", "verify", "--store", "postgresql://corridor:s3cret@/none?host=/nonexistent")
        self.assertEqual(r.returncode, EXIT_UNAVAILABLE, r.stderr)
        self.assertNotIn("s3cret", r.stdout + r.stderr)
        # Without a node key, a PostgreSQL node cannot sign heads: a clear error, not a key file beside nothing.
        r = corridor("ledger", "head", "--store", app, env={k: v for k, v in os.environ.items() if k != "CORRIDOR_NODE_KEY"})
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("CORRIDOR_NODE_KEY", r.stderr)


class FourServers(unittest.TestCase):
    SERVERS, CLIENTS, LIFECYCLES, RACES = 4, 8, 2, 12

    def test_four_processes_eight_clients_each(self):
        tmp = tempfile.mkdtemp(prefix="corridor_pg_four_")
        node_key_for(tmp)
        url = new_database("four")
        ok("store", "migrate", url)
        node = SharedNode(tmp, url)
        try:
            setup_events = len(node.stored())
            servers = node.start(self.SERVERS)
            # Consignments for the races, brought to "declared" through the first server.
            for r in range(self.RACES):
                for path, party, body in lifecycle(f"race-{r}", "icrc")[:1]:
                    status, reply = node.post(servers[0], path, party, body)
                    self.assertEqual(status, 201, reply)
            failures, acknowledged, race_results, lock = [], [], {}, threading.Lock()
            barrier = threading.Barrier(self.SERVERS * self.CLIENTS)

            def client(s, k):
                server = servers[s]
                sender = "icrc" if k % 2 == 0 else "wfp"
                barrier.wait()
                for i in range(self.LIFECYCLES):
                    cid = f"s{s}-k{k}-{i}"
                    for path, party, body in lifecycle(cid, sender):
                        status, reply = node.post(server, path, party, body)
                        with lock:
                            if status in (200, 201):
                                acknowledged.append((reply["seq"], reply["hash"]))
                            else:
                                failures.append((cid, path, status, reply))
                # Two clients on two processes notify the same consignments at once.
                for r in range(self.RACES):
                    if (s, k) in ((0, 0), (1, 1)):
                        status, reply = node.post(server, f"/v1/consignments/race-{r}/notify", "icrc",
                                                  {"at": "2023-06-25T09:00Z"})
                        with lock:
                            race_results.setdefault(r, []).append((status, reply))
                            if status == 200:
                                acknowledged.append((reply["seq"], reply["hash"]))

            threads = [threading.Thread(target=client, args=(s, k)) for s in range(self.SERVERS)
                       for k in range(self.CLIENTS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(failures, [])
            for r, results in race_results.items():
                statuses = sorted(st for st, _ in results)
                self.assertEqual(statuses, [200, 409], f"race {r}: {results}")
            stored = node.stored()
            writes = self.SERVERS * self.CLIENTS * self.LIFECYCLES * 9 + self.RACES
            self.assertEqual(len(stored), setup_events + self.RACES + writes, "events lost or duplicated")
            self.assertEqual(sorted(stored), list(range(1, len(stored) + 1)), "the sequence has a gap")
            self.assertEqual(len({s for s, _ in acknowledged}), len(acknowledged), "one seq acknowledged twice")
            self.assertEqual([(s, h) for s, h in acknowledged if stored.get(s) != h], [],
                             "acknowledged but not stored")
            # Every process serves the same head, without a restart.
            heads = set()
            for s in servers:
                status, h = s.json("GET", "/v1/ledger/head")
                self.assertEqual(status, 200, h)
                heads.add((h["size"], h["root"]))
            self.assertEqual(len(heads), 1, heads)
            self.assertEqual(node.stop(), [0] * self.SERVERS)
            size, root = verified_root(url)
            # Several processes on one port, without a load balancer: --reuse-port.
            port = servers[0].port
            procs = [subprocess.Popen([CORRIDOR, "serve", "--store", url, "--node-key", node.node_key, "--web", "none",
                                       "--listen", f"127.0.0.1:{port}", "--reuse-port"],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for _ in range(2)]
            try:
                for p in procs:
                    self.assertTrue(p.stdout.readline().startswith("listening "))
                alone = corridor("serve", "--store", url, "--node-key", node.node_key, "--listen", f"127.0.0.1:{port}")
                self.assertEqual(alone.returncode, 5, "a third process without --reuse-port took the port")
            finally:
                for p in procs:
                    p.terminate()
                    self.assertEqual(p.wait(20), 0)
                    p.stdout.close()
            self.assertEqual((size, root), heads.pop())
            ok("store", "rebuild", "--check", "--store", url)
        finally:
            node.stop()
            shutil.rmtree(tmp)


class Restart(unittest.TestCase):
    """A cluster of its own: restarting the fixture's would disturb the tests running beside it."""

    def test_the_database_restarted_during_writes(self):
        tmp = tempfile.mkdtemp(prefix="corridor_pg_restart_")
        node_key_for(tmp)
        os.chmod(tmp, 0o755)  # the server runs as `postgres` when the tests run as root
        cluster = os.path.join(tmp, "pg")
        try:
            admin = pgts.start(cluster)
            url = new_database("restart", admin)
            ok("store", "migrate", url)
            node = SharedNode(tmp, url)
            servers = node.start(2)
            acknowledged, statuses, phase, lock = [], [], ["before"], threading.Lock()
            stop = threading.Event()

            def writer(s, k):
                i = 0
                while not stop.is_set():
                    status, reply = node.post(servers[s], "/v1/supply/stocks", "local",
                                              {"kind": "count", "place": "town", "commodity": "wheat_flour",
                                               "tonnes": i, "date": "2023-07-04"}, timeout=30)
                    with lock:
                        statuses.append((phase[0], status, reply if status != 201 else None))
                        if status == 201:
                            acknowledged.append((reply["seq"], reply["hash"]))
                    i += 1
                    if status != 201:
                        time.sleep(0.05)

            threads = [threading.Thread(target=writer, args=(s, k)) for s in range(2) for k in range(4)]
            for t in threads:
                t.start()
            time.sleep(1.5)
            with lock:
                phase[0] = "down"
            pgts.restart(cluster, down=2.0)
            with lock:
                phase[0] = "after"
            time.sleep(2.5)
            stop.set()
            for t in threads:
                t.join()
            by_phase = {p: [st for ph, st, _ in statuses if ph == p] for p in ("before", "down", "after")}
            self.assertGreater(by_phase["before"].count(201), 10, by_phase)
            self.assertIn(503, by_phase["down"], "no 503 while the database was down")
            unexpected = [(ph, st, reply) for ph, st, reply in statuses if st not in (201, 503)]
            self.assertEqual(unexpected, [], "answers other than 201 and 503")
            # Recovered without a restart: the last answers of every writer are 201 again.
            self.assertGreater(by_phase["after"].count(201), 10, by_phase["after"][-20:])
            for s in servers:
                status, _ = s.json("GET", "/v1/ledger/head")
                self.assertEqual(status, 200)
            self.assertEqual(node.stop(), [0, 0])
            stored = node.stored()
            self.assertEqual([(s, h) for s, h in acknowledged if stored.get(s) != h], [], "acknowledged but lost")
            self.assertEqual(sorted(stored), list(range(1, len(stored) + 1)))
            verified_root(url)
        finally:
            pgts.stop(cluster)
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if not ADMIN:
        sys.exit("postgres_test.py: CORRIDOR_TEST_PG is not set (ctest's pg fixture sets it)")
    unittest.main(verbosity=2)
