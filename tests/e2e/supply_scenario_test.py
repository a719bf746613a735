#!/usr/bin/env python3
"""End-to-end tests of `corridor supply` (deliveries from a real signed ledger) and `corridor scenario
run` (the bundled Lachin/Aghdam case: JSON, text summary, self-contained HTML report).

usage: supply_scenario_test.py CORRIDOR DATA_DIR TESTS_DIR
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

CORRIDOR = DATA = TESTS = None
EXIT_INVALID, EXIT_NOT_FOUND, EXIT_PARSE = 2, 4, 6


def corridor(*args):
    return subprocess.run([CORRIDOR, *args], capture_output=True, text=True)


class Supply(unittest.TestCase):
    """Two settlements, three deliveries through the consignment lifecycle, figures worked by hand."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="corridor_supply_")
        self.db = os.path.join(self.tmp, "corridor.db")
        for name, role in (("icrc", "sender"), ("border-service", "checkpoint"), ("peacekeepers", "monitor"),
                           ("local", "receiver")):
            r = corridor("party", "add", name, "--role", role, "--store", self.db, "--key-out", self.key(name))
            assert r.returncode == 0, r.stderr
        self.fixture = os.path.join(TESTS, "supply", "fixture")
        self.places = self.write("places.csv", "id,name,population,pop_children\n"
                                               "town_a,Town A,1000,\ntown_b,Town B,500,100\n")
        self.stocks = self.write("stocks.csv", "place,date,kind,commodity,tonnes,note\n"
                                               "town_a,2023-07-01,opening,wheat_flour,1,\n"
                                               "town_b,2023-07-01,opening,wheat_flour,0.5,\n")
        # The operator publishes its checkpoint's regime; the receiver registers the settlements it
        # will report on (stock records are accepted for known settlements only).
        r = corridor("regime", "publish", os.path.join(DATA, "regimes", "example.toml"), "--store", self.db,
                     "--key", self.key("border-service"), "--at", "2023-06-01T00:00Z")
        assert r.returncode == 0, r.stderr
        r = corridor("supply", "register", self.places, "--store", self.db, "--key", self.key("local"))
        assert r.returncode == 0, r.stderr

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def key(self, name):
        return os.path.join(self.tmp, name + ".key")

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def step(self, *args, party, at):
        r = corridor("consign", *args, "--store", self.db, "--key", self.key(party), "--at", at, "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def deliver(self, cid, destination, item, received, day):
        decl = {"id": cid, "type": "food-aid", "sender": "icrc", "receiver": "local", "origin": "goris",
                "destination": destination, "checkpoint": "example-bridge",
                "planned_arrival": day + "T08:00Z", "declared_at": "2023-06-25T08:00Z",
                "documents": ["manifest", "waybill", "driver_id", "phytosanitary_certificate"],
                "approvals": [], "items": [item]}
        path = self.write(cid + ".json", json.dumps(decl))
        regime = os.path.join(DATA, "regimes", "example.toml")
        self.step("declare", path, "--regime", regime, party="icrc", at="2023-06-25T08:00Z")
        self.step("notify", cid, party="icrc", at="2023-06-25T09:00Z")
        for who in ("border-service", "peacekeepers"):
            self.step("approve", cid, party=who, at="2023-06-26T08:00Z")
        self.step("arrive", cid, party="icrc", at=day + "T06:00Z")
        self.step("inspect", cid, party="border-service", at=day + "T07:00Z")
        self.step("clear", cid, party="border-service", at=day + "T07:30Z")
        self.step("cross", cid, party="border-service", at=day + "T08:00Z")
        self.step("deliver", cid, "--received", json.dumps([received]), party="local", at=day + "T12:00Z")

    def status(self, *extra):
        r = corridor("supply", *extra, "--store", self.db, "--places", self.places, "--stocks", self.stocks,
                     "--needs", os.path.join(self.fixture, "needs.toml"),
                     "--commodities", os.path.join(self.fixture, "commodities.csv"),
                     "--from", "2023-07-01", "--to", "2023-07-05", "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return {s["id"]: s for s in json.loads(r.stdout)["settlements"]}

    def test_status_from_received_quantities(self):
        flour = {"description": "wheat flour", "hs": "1101", "category": "food", "quantity": 2000, "unit": "kg",
                 "net_kg": 2000}
        oil = {"description": "sunflower oil", "hs": "151211", "category": "food", "quantity": 1000, "unit": "kg",
               "net_kg": 1000}
        # Town A: 2 t of flour on 07-02 (7.0 Mkcal); 1 t of oil declared on 07-04 of which 800 kg arrived,
        # 100 kg of it damaged: 700 kg usable, 6.188 Mkcal (the declared tonne is not counted).
        self.deliver("c-1", "town_a", flour, {"item": 0, "quantity": 2000}, "2023-07-02")
        self.deliver("c-2", "town_a", oil, {"item": 0, "quantity": 800, "damaged": 100, "short": 200}, "2023-07-04")
        # Town B: 0.5 t of flour on 07-03 (1.75 Mkcal).
        self.deliver("c-3", "town_b", dict(flour, quantity=500, net_kg=500), {"item": 0, "quantity": 500}, "2023-07-03")
        # Town B's stock count on 07-04 is a signed ledger event, recorded by the receiver.
        r = corridor("supply", "record", "count", "town_b", "--commodity", "wheat_flour", "--tonnes", "0.2",
                     "--date", "2023-07-04", "--note", "warehouse count", "--key", self.key("local"),
                     "--commodities", os.path.join(self.fixture, "commodities.csv"), "--store", self.db, "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(json.loads(r.stdout)["type"], "stock.counted")
        self.assertEqual(corridor("ledger", "verify", "--store", self.db).returncode, 0)
        s = self.status("status")
        a, b = s["town_a"], s["town_b"]
        # A needs 2.1 Mkcal a day; opening 1 t flour (3.5). Stock: 1.4, 8.4-2.1=6.3, 4.2, 10.388-2.1=8.288, 6.188.
        self.assertEqual(a["need_kcal_per_day"], 2100000)
        self.assertAlmostEqual(a["delivered_kcal"], 7.0e6 + 6.188e6, places=3)
        self.assertEqual([round(d["stock_kcal"]) for d in a["days"]], [1400000, 6300000, 4200000, 8288000, 6188000])
        self.assertAlmostEqual(a["coverage"], 13.188 / 10.5, places=12)
        self.assertAlmostEqual(a["days_of_supply"], 6.188 / 2.1, places=12)
        self.assertEqual(a["days_short"], 0)
        # B: 100 children at 1,700 and 400 others at 2,100 = 1.01 Mkcal a day. Opening 0.5 t (1.75):
        # 0.74, then 0.27 short; +1.75 on 07-03: 0.74; the count on 07-04 finds 0.2 t (0.7): 0.31
        # short; 07-05 empty, 1.01 short.
        self.assertEqual(b["need_kcal_per_day"], 1010000)
        self.assertEqual([round(d["stock_kcal"]) for d in b["days"]], [740000, 0, 740000, 0, 0])
        self.assertEqual([round(d["shortfall_kcal"]) for d in b["days"]], [0, 270000, 0, 310000, 1010000])
        self.assertAlmostEqual(b["coverage"], 1.75 / 5.05, places=12)
        self.assertEqual(b["days_short"], 3)
        self.assertEqual(b["water_l_per_day"], 100 * 10 + 400 * 15)
        # Projection: A at a what-if 0.5 t of flour a day (1.75 Mkcal) loses 0.35 a day from 6.188.
        p = self.status("project", "--days", "30", "--daily", "wheat_flour=0.5")
        self.assertAlmostEqual(p["town_a"]["projected_delivery_kcal_per_day"], 1.75e6)
        self.assertEqual(p["town_a"]["first_day_short"], "2023-07-23")  # 6.188 / 0.35 = 17.7 days after 07-05
        # On 07-06, 5.838 Mkcal left at 0.35 a day net: 16 whole days more, so it runs out on 07-22.
        self.assertEqual(p["town_a"]["projection"][0]["runs_out"], "2023-07-22")

    def test_one_places_format_for_every_command(self):
        """The scenario's places table (name_* columns, population_2023, sources and notes) is read by
        supply status, reach and critical alike, with every name kept."""
        places = os.path.join(DATA, "scenarios", "karabakh-2023", "places.csv")
        base = ["--store", self.db, "--needs", os.path.join(self.fixture, "needs.toml"),
                "--commodities", os.path.join(self.fixture, "commodities.csv"), "--from", "2023-07-01",
                "--to", "2023-07-02", "--json"]
        r = corridor("supply", "status", *base, "--places", places)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        by_id = {s["id"]: s for s in out["settlements"]}
        with open(places, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        # Rows with a count are figured; rows whose count no source gave are listed, not counted as 0.
        self.assertEqual(set(by_id), {row["id"] for row in rows if row["population_2023"]})
        unknown = [row["id"] for row in rows if not row["population_2023"]]
        self.assertTrue(unknown)
        self.assertEqual([u.split(" ")[0] for u in out["settlements_without_population"]], unknown)
        first = rows[0]
        self.assertEqual(by_id[first["id"]]["population"], int(first["population_2023"]))
        self.assertEqual(by_id[first["id"]]["name"], first["name"])  # the first name column
        # The same file for the access commands (the Lachin extract is not bundled: a tiny graph will do).
        roads = self.write("r.geojson", json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"id": "a", "highway": "primary"},
             "geometry": {"type": "LineString", "coordinates": [[46.4, 39.5], [46.75, 39.82], [46.8, 40.2]]}}]}))
        graph = os.path.join(self.tmp, "r.cgraph")
        self.assertEqual(corridor("import", roads, "-o", graph).returncode, 0)
        r = corridor("reach", graph, "--sources", "39.5,46.4", "--places", places, "--snap-limit", "1000000", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        names = {p["id"]: p.get("names") for p in json.loads(r.stdout)["places"]}
        self.assertIn(first["name_az_usage"], names[first["id"]])
        # What is not in the format is named, with the format; two population columns need a choice.
        odd = self.write("odd.csv", "id,lat,lon,population,colour\nx,39.8,46.7,10,red\n")
        r = corridor("supply", "status", *base, "--places", odd)
        self.assertEqual(r.returncode, EXIT_PARSE)
        self.assertIn("odd.csv:1: unknown column 'colour' (a places table has id, lat, lon, name and name_* columns",
                      json.loads(r.stdout)["error"]["message"])
        two = self.write("two.csv", "id,lat,lon,population_2015,population_2023\nx,39.8,46.7,10,12\n")
        r = corridor("reach", graph, "--sources", "39.5,46.4", "--places", two)
        self.assertEqual(r.returncode, EXIT_PARSE)
        self.assertIn("population_2015, population_2023: which is the population?", r.stderr)

    def test_bad_input(self):
        base = ["--store", self.db, "--needs", os.path.join(self.fixture, "needs.toml"),
                "--commodities", os.path.join(self.fixture, "commodities.csv")]
        bad = self.write("bad.csv", "id,population\ntown_a,many\n")
        r = corridor("supply", "status", *base, "--places", bad)
        self.assertEqual(r.returncode, EXIT_PARSE)
        self.assertIn("bad.csv:2", r.stderr)
        stocks = self.write("s.csv", "place,date,kind,commodity,tonnes\ntown_a,2023-07-01,opening,caviar,1\n")
        r = corridor("supply", "status", *base, "--places", self.places, "--stocks", stocks)
        self.assertEqual(r.returncode, EXIT_NOT_FOUND)
        self.assertIn("s.csv:2", r.stderr)
        r = corridor("supply", "record", "count", "town_a", "--commodity", "caviar", "--tonnes", "1",
                     "--commodities", os.path.join(self.fixture, "commodities.csv"), "--key", self.key("local"),
                     "--store", self.db)
        self.assertEqual(r.returncode, EXIT_NOT_FOUND)
        r = corridor("supply", "project", *base, "--places", self.places, "--daily", "wheat_flour=lots")
        self.assertEqual(r.returncode, EXIT_INVALID)
        self.assertIn("--daily", r.stderr)


class Scenario(unittest.TestCase):
    """corridor scenario run on the bundled case."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="corridor_scenario_")
        cls.case = os.path.join(DATA, "scenarios", "karabakh-2023", "scenario.toml")
        cls.html = os.path.join(cls.tmp, "report.html")
        r = corridor("scenario", "run", cls.case, "--json", "--html", cls.html)
        assert r.returncode == 0, r.stdout + r.stderr
        cls.out = json.loads(r.stdout)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_days_cover_the_horizon(self):
        days = self.out["days"]
        self.assertEqual(days[0]["date"], self.out["scenario"]["start"])
        self.assertEqual(days[-1]["date"], self.out["scenario"]["end"])
        for d in days:
            pop = sum(p["population"] for p in self.out["scenario"]["area"] if p["id"] in d["cut_off"])
            self.assertEqual(pop, d["cut_off_population"], d["date"])
            self.assertLessEqual(d["capacity_trucks_per_day"], d["capacity_trucks_per_day_with_restricted"])
            for c in d["convoys"]:
                self.assertEqual(c["moved"], not c["reasons"], (d["date"], c))
                self.assertEqual(len(c["reasons"]), len(c["reason_kinds"]))

    def test_blocked_convoys_say_why(self):
        kinds = set()
        for d in self.out["days"]:
            for c in d["convoys"]:
                kinds.update(c["reason_kinds"])
        # A road's status, the checkpoint's status and a regime decision all stop convoys in this case.
        self.assertTrue({"road_status", "checkpoint_status", "regime"} <= kinds, kinds)
        gov = [c for d in self.out["days"] for c in d["convoys"] if c["convoy"] == "armenia-government-2023-07-26"]
        self.assertTrue(gov and not any(c["moved"] for c in gov))
        self.assertTrue(any("C-COORD" in why for c in gov for why in c["reasons"]))

    def test_conflicts_are_listed_with_their_sources(self):
        conflicts = self.out["summary"]["conflicts"]
        self.assertTrue(conflicts)
        for c in conflicts:
            self.assertGreaterEqual(len(c["claims"]), 2)
            self.assertGreater(len({(x["status"], tuple(x.get("allowed", [])), tuple(x.get("about", []))) for x in c["claims"]}), 1)
            for x in c["claims"]:
                self.assertTrue(x["source"] and x["claimed_by"] and re.match(r"^claims\.csv:\d+$", x["origin"]))

    def test_html_is_one_self_contained_file(self):
        with open(self.html, encoding="utf-8") as f:
            html = f.read()
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertGreaterEqual(html.count("<svg"), 4)  # the map and the charts
        self.assertNotRegex(html, r"src=['\"]?https?:")  # nothing fetched from elsewhere
        self.assertRegex(html, r"<a href='https://")  # sources are links
        self.assertNotIn(os.path.dirname(os.path.abspath(self.case)), html)  # no local path leaks
        self.assertIn("name='viewport'", html)  # readable on a phone
        self.assertIn("asinh scale", html)  # 0 and 120 trucks a day readable beside 10,000
        # The checkpoint by both its names
        self.assertIn("Hakari bridge checkpoint / Lachin border checkpoint: 120 trucks/day", html)
        self.assertIn(" km</text>", html)  # a scale bar
        for place in ("Irevan / Yerevan", "Basargechar / Vardenis", "Yevlakh", "Goris / Gorus", "Barda"):  # the approaches, labelled
            self.assertIn(f">{place}</text>", html)
        self.assertIn("Khankendi", html)  # every name kept
        self.assertIn("Xankəndi", html)
        self.assertIn("Conflicting claims", html)
        # What the figures rest on, before them: the trusted party of each road, the sourced and the
        # assumed capacities, the population range; roads and parties by name with their ids as tooltips.
        head = html[:html.index("<h2>Network on")]
        for words in ("What these figures rest on", "Trusted for each road and checkpoint", "ASSUMED",
                      "about 920 vehicles a day", "100,625", "120,000", "92,846"):
            self.assertIn(words, head)
        self.assertIn("title='Berdzor corridor, new road bypassing Berdzor / Lachin–Khankendi road · Berdzor corridor, "
                      "new road bypassing Berdzor · Lachin–Khankendi road · ", html)
        self.assertIn("id rd_corridor_new_hakari_shushijct'", html)
        self.assertIn("Reported movements beside the run", html)
        self.assertRegex(html, r"\(claims\.csv:\d+; ")  # sources relative to the scenario
        self.assertNotIn("data/scenarios/", html)

    def test_text_summary_display_name_and_trust(self):
        r = corridor("scenario", "run", self.case, "--display-name", "name_az_usage", "--trust", "az_gov")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("status trusted: az_gov", r.stdout)
        self.assertIn("Conflicting claims", r.stdout)
        j = json.loads(corridor("scenario", "run", self.case, "--trust", "az_gov", "--json").stdout)
        self.assertNotEqual([d["cut_off_population"] for d in j["days"]],
                            [d["cut_off_population"] for d in self.out["days"]])
        # The text puts what the figures rest on first, and says "cut off from traffic open to all".
        self.assertIn("What these figures rest on", r.stdout)
        self.assertIn("trusted: az_gov for hakari_checkpoint", r.stdout)
        self.assertIn("People cut off from traffic open to all", r.stdout)
        self.assertNotIn("data/scenarios/", r.stdout)

    def test_every_partys_account_in_one_run(self):
        """--trust all: one row per party (and the operators' account), each equal to the run that
        trusts that party alone."""
        r = corridor("scenario", "run", self.case, "--trust", "all", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = json.loads(r.stdout)["accounts"]
        parties = sorted(json.loads(corridor("scenario", "run", self.case, "--json").stdout)["scenario"]["parties"])
        self.assertEqual([x["trust"] for x in rows], ["operator"] + parties)
        for row in rows:
            args = [] if row["trust"] == "operator" else ["--trust", row["trust"]]
            one = json.loads(corridor("scenario", "run", self.case, "--json", *args).stdout)
            days = one["days"]
            self.assertEqual(row["days_with_people_cut_off"], sum(1 for d in days if d["cut_off_population"] > 0), row["trust"])
            self.assertEqual(row["convoys_moved"], sum(c["moved"] for d in days for c in d["convoys"]), row["trust"])
            self.assertAlmostEqual(row["tonnes_moved"], sum(c["tonnes"] for d in days for c in d["convoys"] if c["moved"]), 6)
            self.assertAlmostEqual(row["mean_capacity_trucks_per_day"],
                                   sum(d["capacity_trucks_per_day"] for d in days) / len(days), 6)
            self.assertAlmostEqual(row["coverage"], one["summary"]["supply"]["whole"]["coverage"], 9)
            self.assertEqual(row["days_short"], one["summary"]["supply"]["whole"]["days_short"])
        self.assertGreater(len({(x["convoys_moved"], x["coverage"]) for x in rows}), 1, "the accounts never part")
        r = corridor("scenario", "run", self.case, "--trust", "all", "--html", os.path.join(self.tmp, "all.html"))
        self.assertEqual(r.returncode, EXIT_INVALID, r.stderr)
        self.assertIn("--trust all prints every party's account", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "all.html")))
        text = corridor("scenario", "run", self.case, "--trust", "all").stdout
        self.assertIn("Every party's account (--trust all)", text)
        for x in rows:
            self.assertRegex(text, r"\n  " + re.escape(x["trust"]) + r" +\d")

    def test_json_names_roads_checkpoints_and_parties_with_paths_relative_to_the_scenario(self):
        sc = self.out["scenario"]
        roads = {x["id"]: x["names"] for x in sc["roads"]}
        self.assertIn("Lachin–Khankendi road", roads["rd_corridor_new_hakari_shushijct"])
        self.assertIn("Berdzor corridor, new road bypassing Berdzor", roads["rd_corridor_new_hakari_shushijct"])
        self.assertEqual(sc["checkpoints"][0]["names"][0], "Hakari bridge checkpoint / Lachin border checkpoint")
        self.assertIn("az_gov", sc["parties"])
        self.assertEqual(sc["file"], "scenario.toml")
        conflicts = self.out["summary"]["conflicts"]
        self.assertTrue(all(re.match(r"^claims\.csv:\d+$", x["origin"]) for c in conflicts for x in c["claims"]))
        for c in conflicts:
            for x in c["claims"]:
                self.assertTrue(x["quote"] and x["published"] and x["source_type"] and x["validity"], x)

    def test_committed_roads_are_drawn_from_the_committed_tables(self):
        case = os.path.dirname(self.case)
        drawn = subprocess.run([sys.executable, os.path.join(case, "build_roads.py")], capture_output=True, text=True)
        self.assertEqual(drawn.returncode, 0, drawn.stderr)
        with open(os.path.join(case, "roads.geojson"), encoding="utf-8") as f:
            self.assertEqual(drawn.stdout, f.read(), "roads.geojson is out of date: run build_roads.py > roads.geojson")
        features = json.loads(drawn.stdout)["features"]
        self.assertTrue(all(f["properties"]["drawn"] in ("waypoints", "derived", "schematic", "assumed") for f in features))

    def test_bad_arguments(self):
        # An option's value outside its list is a usage error (2) like any other, whatever the option;
        # the message lists the values and the nearest.
        r = corridor("scenario", "run", self.case, "--trust", "nobody")
        self.assertEqual(r.returncode, EXIT_INVALID)
        self.assertIn("--trust 'nobody' is not a party of this scenario (its [parties]: ", r.stderr)
        r = corridor("scenario", "run", self.case, "--trust", "az_gv")
        self.assertIn("(did you mean az_gov?)", r.stderr)
        r = corridor("scenario", "run", self.case, "--display-name", "name_ru")
        self.assertEqual(r.returncode, EXIT_INVALID, r.stderr)
        self.assertIn("--display-name 'name_ru' is not a name column (the places' name columns: name, "
                      "name_hy_usage, name_az_usage, name_hy_script, name_az_script, name_en)", r.stderr)
        self.assertNotIn("scenario.toml:", r.stderr)  # the option is wrong, not the file
        r = corridor("scenario", "run", self.case, "--day", "2030-01-01", "--html", os.path.join(self.tmp, "x.html"))
        self.assertEqual(r.returncode, EXIT_INVALID)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "x.html")))
        r = corridor("scenario", "run", os.path.join(self.tmp, "missing.toml"))
        self.assertEqual(r.returncode, EXIT_NOT_FOUND)


if __name__ == "__main__":
    CORRIDOR, DATA, TESTS = sys.argv[1], sys.argv[2], sys.argv[3]
    unittest.main(argv=sys.argv[:1], verbosity=2)
