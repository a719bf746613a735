#!/usr/bin/env python3
"""Runs the examples of docs/http.md against a real server, as written.

Every ```sh block of the document runs, in order, in one folder, with bash -euo pipefail and the
environment the document describes: $URL (the server), a bearer token per party ($ICRC, $WFP,
$BORDER, $PEACEKEEPERS, $LOCAL, $OCHA), key files ($ICRC_KEY, ...), $STORE, $DATA (the project's
data folder) and `corridor` on the PATH. A block must exit 0 and print something. When a ```json
block follows it, that is the reply the document shows: every key it shows must be in the reply
(objects compared member by member, arrays by their first element), and the values of "code",
"rule", "state", "type", "status" and "kind" must be equal.

usage: http_docs_test.py CORRIDOR DATA_DIR DOCS_HTTP_MD [--print]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import http_test  # noqa: E402

CORRIDOR = DATA = DOC = None
PRINT = PRINT_ENDPOINTS = False
COMPARED = {"code", "rule", "state", "type", "status", "kind"}
ENV_NAMES = {"icrc": "ICRC", "wfp": "WFP", "border-service": "BORDER", "peacekeepers": "PEACEKEEPERS", "local": "LOCAL",
             "ocha": "OCHA", "analyst1": "ANALYST"}


def blocks(text):
    """[(line, kind, body)] of the fenced blocks, in order."""
    out = []
    for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.S | re.M):
        out.append((text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2)))
    return out


def parse_reply(text):
    """The last JSON document the example printed (several curl calls print one after another;
    lines of plain text between them are skipped)."""
    decoder, last = json.JSONDecoder(), None
    for line in text.splitlines():
        at = 0
        while at < len(line) and line[at] in "{[":
            try:
                last, at = decoder.raw_decode(line, at)
            except json.JSONDecodeError:
                break
    return last


def shown_in(shown, actual, where):
    """Problems: what the document shows that the reply does not have."""
    problems = []
    if isinstance(shown, dict):
        if not isinstance(actual, dict):
            return [f"{where}: the reply has {type(actual).__name__}, the document an object"]
        for k, v in shown.items():
            if k not in actual:
                problems.append(f"{where}/{k}: not in the reply")
                continue
            if k in COMPARED and not isinstance(v, (dict, list)) and v != actual[k]:
                problems.append(f"{where}/{k}: the document shows {v!r}, the reply has {actual[k]!r}")
            problems += shown_in(v, actual[k], f"{where}/{k}")
    elif isinstance(shown, list):
        if not isinstance(actual, list):
            return [f"{where}: the reply has {type(actual).__name__}, the document an array"]
        if shown and not actual:
            problems.append(f"{where}: the reply's array is empty")
        elif shown:
            problems += shown_in(shown[0], actual[0], f"{where}/0")
    return problems


BEGIN, END = "<!-- endpoints: begin -->", "<!-- endpoints: end -->"


def endpoint_table(openapi):
    """The endpoint table of docs/http.md, as the server's route table (its OpenAPI document) makes it."""
    rows = ["| endpoint | token | what |", "|---|---|---|"]
    for path in sorted(openapi["paths"]):
        for method, op in sorted(openapi["paths"][path].items()):
            token = "member" if op.get("security") else "—"
            rows.append(f"| `{method.upper()} {path}` | {token} | {op.get('summary', '')} |")
    return "\n".join(rows)


class Docs(unittest.TestCase):
    def test_the_endpoint_table_is_the_route_table(self):
        """Issue 24, item 18: the document lists exactly what the server serves, generated from the
        one route table (--print-endpoints prints the table to paste between the markers)."""
        with open(DOC) as f:
            text = f.read()
        tmp = tempfile.mkdtemp(prefix="corridor_http_docs_routes_")
        node = None
        try:
            node = http_test.Node(tmp)
            node.start()
            status, _, body = node.server.request("GET", "/v1/openapi.json")
            self.assertEqual(status, 200)
            want = endpoint_table(json.loads(body))
        finally:
            if node and node.server:
                node.server.stop()
            shutil.rmtree(tmp)
        if PRINT_ENDPOINTS:
            print(want)
            return
        self.assertIn(BEGIN, text)
        shown = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
        self.assertEqual(shown, want, "docs/http.md's endpoint table is not the route table: run "
                                      "tests/e2e/http_docs_test.py CORRIDOR DATA docs/http.md --print-endpoints")
        # Every step the sentence names is a step served, and every step served is named.
        steps = {p.rsplit("/", 1)[1] for p in json.loads(body)["paths"] if p.startswith("/v1/consignments/{id}/")
                 and p.rsplit("/", 1)[1] not in ("history",)}
        named = re.search(r"The steps: (.*?)\.\n", text, re.S)
        self.assertIsNotNone(named, "docs/http.md names the steps in a sentence 'The steps: ...'")
        sentence = re.sub(r"\([^)]*\)", "", named.group(1))  # the members in parentheses are not steps
        self.assertEqual(set(re.findall(r"`([a-z-]+)`", sentence)), steps)

    def test_every_example_runs_and_replies_as_shown(self):
        with open(DOC) as f:
            text = f.read()
        found = blocks(text)
        runnable = [(i, b) for i, b in enumerate(found) if b[1] == "sh"]
        self.assertGreater(len(runnable), 20, "docs/http.md has lost its examples")
        tmp = tempfile.mkdtemp(prefix="corridor_http_docs_")
        node = None
        try:
            node = http_test.Node(tmp)
            node.start()
            env = dict(os.environ, URL=node.server.url, STORE=node.db, DATA=DATA,
                       PATH=os.path.dirname(CORRIDOR) + os.pathsep + os.environ["PATH"])
            for party, name in ENV_NAMES.items():
                env[name] = node.tokens[party]
                env[name + "_KEY"] = node.keys[party]
            work = os.path.join(tmp, "work")
            os.mkdir(work)
            for i, (line, _, body) in runnable:
                r = subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=work, env=env, capture_output=True,
                                   text=True, timeout=120)
                if PRINT:
                    print(f"--- docs/http.md:{line}\n{body}=> {r.returncode}\n{r.stdout[:3000]}{r.stderr[:1000]}")
                if PRINT:
                    continue  # --print: show every example's reply, check nothing (to write the document)
                self.assertEqual(r.returncode, 0, f"docs/http.md:{line}: exit {r.returncode}\n{body}\n{r.stdout}{r.stderr}")
                self.assertTrue(r.stdout.strip() or r.stderr.strip(), f"docs/http.md:{line}: printed nothing")
                if i + 1 < len(found) and found[i + 1][1] == "json":
                    shown_line, _, shown_text = found[i + 1]
                    try:
                        shown = json.loads(shown_text)
                    except json.JSONDecodeError as e:
                        self.fail(f"docs/http.md:{shown_line}: the reply shown is not JSON: {e}")
                    actual = parse_reply(r.stdout)
                    problems = shown_in(shown, actual, "")
                    self.assertEqual(problems, [], f"docs/http.md:{shown_line}: the reply shown is not what "
                                                   f"{body.strip()} answers:\n{r.stdout[:2000]}")
        finally:
            if node and node.server:
                node.server.stop()
            shutil.rmtree(tmp)


if __name__ == "__main__":
    CORRIDOR, DATA, DOC = (os.path.abspath(a) for a in sys.argv[1:4])
    PRINT = "--print" in sys.argv
    PRINT_ENDPOINTS = "--print-endpoints" in sys.argv
    if PRINT_ENDPOINTS:
        sys.argv = [a for a in sys.argv if a != "--print-endpoints"]
    http_test.CORRIDOR, http_test.DATA = CORRIDOR, DATA
    unittest.main(argv=[sys.argv[0], "-v"])
