"""What the cross-check scripts share: the bundled extracts and running the corridor command."""
import subprocess
import sys

EXTRACTS = {
    "monaco": "monaco.osm.pbf",
    "andorra": "andorra.osm.pbf",
    "liechtenstein": "liechtenstein.osm.pbf",
    "bautzen": "bautzen.osm",
}


def run(cmd):
    """Runs a command; exits the test with its output if it fails."""
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"FAILED: {' '.join(cmd)} exited {res.returncode}\n{res.stdout}{res.stderr}")
    return res.stdout
