"""Starting `corridor serve` on a loopback port for a test, talking to it, and stopping it."""
import http.client
import json
import os
import signal
import subprocess
import time
import urllib.parse


class Server:
    def __init__(self, corridor, args, log=None):
        self.log_path = log
        self.log = open(log, "w") if log else None
        self.proc = subprocess.Popen([corridor, "serve", "--listen", "127.0.0.1:0", *args], stdout=subprocess.PIPE,
                                     stderr=self.log if log else subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening "):
            self.proc.kill()
            raise RuntimeError(f"corridor serve did not start: {line!r} {open(log).read() if log else ''}")
        host, port = line.split()[1].rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.url = f"http://{host}:{port}"

    def request(self, method, path, body=None, token=None, headers=None, timeout=30):
        """(status, headers dict, body text); body may be a dict (sent as JSON) or text."""
        con = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        data = json.dumps(body) if isinstance(body, (dict, list)) else body
        if data is not None:
            h.setdefault("Content-Type", "application/json")
        con.request(method, path, body=data, headers=h)
        res = con.getresponse()
        text = res.read().decode("utf-8", "replace")
        out = res.status, {k.lower(): v for k, v in res.getheaders()}, text
        con.close()
        return out

    def json(self, method, path, body=None, token=None, **kw):
        status, headers, text = self.request(method, path, body, token, **kw)
        try:
            return status, json.loads(text) if text else None
        except json.JSONDecodeError:
            return status, text

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        if self.log:
            self.log.close()
        return self.proc.returncode


def q(path, **params):
    return path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")


def lifecycle(cid, sender):
    """The consignment's steps over HTTP: (path, party, body), the declaration first."""
    decl = {"id": cid, "type": "food-aid", "sender": sender, "receiver": "local", "origin": "goris",
            "destination": "town", "checkpoint": "example-bridge", "planned_arrival": "2023-07-03T08:00Z",
            "declared_at": "2023-06-25T08:00Z",
            "documents": ["manifest", "waybill", "driver_id", "phytosanitary_certificate"], "approvals": [],
            "items": [{"description": "wheat flour", "hs": "1101", "category": "food", "quantity": 20000,
                       "unit": "kg", "net_kg": 20000, "kcal_per_kg": 3640}]}
    return [("/v1/consignments", sender, {"declaration": decl, "at": "2023-06-25T08:00Z"}),
            (f"/v1/consignments/{cid}/notify", sender, {"at": "2023-06-25T09:00Z"}),
            (f"/v1/consignments/{cid}/approve", "border-service", {"at": "2023-06-26T08:00Z"}),
            (f"/v1/consignments/{cid}/approve", "peacekeepers", {"at": "2023-06-26T09:00Z"}),
            (f"/v1/consignments/{cid}/arrive", sender, {"at": "2023-07-03T06:00Z"}),
            (f"/v1/consignments/{cid}/inspect", "border-service", {"at": "2023-07-03T07:00Z"}),
            (f"/v1/consignments/{cid}/clear", "border-service", {"at": "2023-07-03T07:30Z"}),
            (f"/v1/consignments/{cid}/cross", "border-service", {"at": "2023-07-03T08:00Z"}),
            (f"/v1/consignments/{cid}/deliver", "local",
             {"received": [{"item": 0, "quantity": 20000}], "at": "2023-07-03T12:00Z"})]
