#!/usr/bin/env python3
"""Docs that run: every transcript in README.md, docs/cli.md and the bundled case's README — a fenced block whose lines start
with `$ ` — is executed, command by command, in a fresh folder holding the shipped `data/` and the
built `build/corridor`, and what each command prints (stdout and stderr, in order) must match the
lines shown under it:

* a line `...` stands for any number of lines (none included);
* `...` inside a line stands for any text (a time, a hash);
* trailing blank lines are ignored; a `# comment` after a command is not part of it.

A block preceded by `<!-- not run: REASON -->` is not run (the reason is printed); a transcript may
not be skipped without one. http.md's examples run in e2e.http_docs.

usage: docs_test.py CORRIDOR REPO [--show]   (--show prints each command and what it printed: `make tour`)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

CORRIDOR, REPO = (os.path.abspath(a) for a in sys.argv[1:3])
SHOW = "--show" in sys.argv[3:]
DOCS = ["README.md", "docs/cli.md", "data/scenarios/karabakh-2023/README.md"]


def transcripts(path):
    """[(first line number, skip reason or None, [(command, [expected lines])])] of a Markdown file."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out, i = [], 0
    while i < len(lines):
        if not lines[i].startswith("```"):
            i += 1
            continue
        start, i = i, i + 1
        body = []
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        i += 1
        if not any(l.startswith("$ ") for l in body):
            continue
        before = [l for l in lines[max(0, start - 3):start] if l.strip()]
        skip = None
        if before and before[-1].startswith("<!-- not run:"):
            skip = before[-1][len("<!-- not run:"):].rstrip("-> ").strip()
        steps, k = [], 0
        while k < len(body):
            if not body[k].startswith("$ "):
                raise SystemExit(f"{path}:{start + 2 + k}: a transcript must start with '$ ': {body[k]!r}")
            cmd = body[k][2:]
            while cmd.endswith("\\") and k + 1 < len(body):
                k += 1
                cmd = cmd[:-1] + " " + body[k].strip()
            k += 1
            expected = []
            while k < len(body) and not body[k].startswith("$ "):
                expected.append(body[k])
                k += 1
            steps.append((strip_comment(cmd), expected))
        out.append((start + 1, skip, steps))
    return out


def strip_comment(cmd):
    """The command without a trailing `# comment` (outside quotes)."""
    quote = None
    for j, c in enumerate(cmd):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (j == 0 or cmd[j - 1] == " "):
            return cmd[:j].rstrip()
    return cmd.rstrip()


def line_pattern(expected):
    parts = expected.rstrip().split("...")
    return re.compile("".join(re.escape(p) + (".*" if n < len(parts) - 1 else "") for n, p in enumerate(parts)) + r"\s*")


def matches(expected, actual):
    """Whether `actual` lines fit `expected` lines (with `...` lines as gaps); else the first misfit."""
    while expected and not expected[-1].strip():
        expected = expected[:-1]
    while actual and not actual[-1].strip():
        actual = actual[:-1]

    def fit(e, a):
        if e == len(expected):
            return a == len(actual)
        if expected[e].strip() == "...":
            return any(fit(e + 1, b) for b in range(a, len(actual) + 1))
        return a < len(actual) and line_pattern(expected[e]).fullmatch(actual[a]) is not None and fit(e + 1, a + 1)

    return fit(0, 0)


def main():
    failures, ran, skipped = [], 0, []
    for doc in DOCS:
        path = os.path.join(REPO, doc)
        # One folder per document: its transcripts are a tour, each building on the ones before.
        work = tempfile.mkdtemp(prefix="corridor_docs_")
        os.symlink(os.path.join(REPO, "data"), os.path.join(work, "data"))
        os.makedirs(os.path.join(work, "build"))
        os.symlink(CORRIDOR, os.path.join(work, "build", "corridor"))
        try:
          for line, skip, steps in transcripts(path):
            if skip is not None:
                if not skip:
                    failures.append(f"{doc}:{line}: a transcript marked not run must say why")
                skipped.append(f"{doc}:{line}: {skip}")
                continue
            if True:
                for cmd, expected in steps:
                    ran += 1
                    r = subprocess.run(["bash", "-c", cmd], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       text=True, timeout=600, env=dict(os.environ, COLUMNS="100"))
                    actual = r.stdout.split("\n")
                    if SHOW:
                        print(f"$ {cmd}\n{r.stdout}", flush=True)
                    if not matches(expected, actual):
                        failures.append(f"{doc}:{line}: $ {cmd}\n--- shown:\n" + "\n".join(expected) +
                                        "\n--- printed (exit " + str(r.returncode) + "):\n" + r.stdout)
        finally:
            shutil.rmtree(work)
    for s in skipped:
        print("not run:", s)
    print(f"{ran} documented commands run, {len(failures)} differ")
    for f in failures:
        print("\n" + f)
    if ran == 0:
        failures.append("no transcript found")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
