"""A fault-injecting HTTP/1.1 proxy on 127.0.0.1 in front of `baorestore devcluster` (issue 16).

The operator under test talks to the API server through it (its kubeconfig names the proxy).
Each request read in full draws one action from a seeded RNG with the configured mix:

  pass         forwarded as is
  error5xx     500 or 503 with a Status body, not forwarded
  throttle     429 with Retry-After: 1, not forwarded
  conflict     409 Conflict (PATCH/PUT only: a stale-write answer), not forwarded
  delay        forwarded after 0.1-2 s
  reset_before the client connection is reset (RST), nothing forwarded
  reset_after  forwarded, the server's answer dropped and the client connection reset:
               the write landed, the client cannot know
  cut_watch    (watches only) the stream is cut after 0.5-15 s
  hold         (POST of a Job only) held hold_min..hold_max seconds, then forwarded even when
               the client has given up meanwhile: the create lands late

Plain HTTP on both sides: `baorestore run` accepts an http:// server in its kubeconfig, so no
TLS is terminated here. One thread per client connection; every socket operation has a
timeout; held creates run on their own threads and are counted in `stats`.

Seeded: the sequence of draws is fixed by the seed; which request gets which draw depends on
thread timing, so a run is reproducible in its mix, not byte for byte.
"""

import http.client
import json
import random
import socket
import struct
import threading
import time

ACTIONS = ("error5xx", "throttle", "conflict", "delay", "reset_before", "reset_after",
           "cut_watch")

# Headers a proxy must not copy (hop by hop) or that it recomputes.
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection",
        "te", "trailer", "upgrade"}


class ProxyConfig:
    def __init__(self, fault_rate=0.2, held_rate=0.0, hold_min=4.0, hold_max=35.0,
                 weights=None):
        self.fault_rate = fault_rate      # share of requests that get a fault
        self.held_rate = held_rate        # share of Job creates held (on top of fault_rate)
        self.hold_min = hold_min
        self.hold_max = hold_max
        # Relative weights of the faults; every fault on by default.
        self.weights = weights or {a: 1.0 for a in ACTIONS}


class FaultProxy:
    def __init__(self, upstream_host, upstream_port, seed, config, log=None):
        self.upstream = (upstream_host, upstream_port)
        self.cfg = config
        self.rng = random.Random(seed)
        self.rng_lock = threading.Lock()
        self.stats = {}
        self.stats_lock = threading.Lock()
        self.log = log or (lambda _msg: None)
        self.enabled = True  # False: everything passes (the settle phase may turn faults off)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.held = set()  # threads of held creates still waiting
        self.held_lock = threading.Lock()
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)

    # -- lifecycle ------------------------------------------------------------------------

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping = True
        self.thread.join(timeout=5)
        self.sock.close()

    def held_in_flight(self):
        with self.held_lock:
            return len(self.held)

    def _count(self, what):
        with self.stats_lock:
            self.stats[what] = self.stats.get(what, 0) + 1

    # -- decisions ------------------------------------------------------------------------

    def draw(self, method, path, is_watch):
        """The action for one request: 'pass' or one of ACTIONS or 'hold'."""
        with self.rng_lock:
            r_hold = self.rng.random()
            r_fault = self.rng.random()
            pick = self.rng.random()
            hold_for = self.rng.uniform(self.cfg.hold_min, self.cfg.hold_max)
        if not self.enabled:
            return "pass", 0.0
        is_job_create = method == "POST" and path.split("?")[0].endswith("/jobs")
        if is_job_create and r_hold < self.cfg.held_rate:
            return "hold", hold_for
        if r_fault >= self.cfg.fault_rate:
            return "pass", 0.0
        allowed = []
        for a, w in self.cfg.weights.items():
            if w <= 0:
                continue
            if a == "conflict" and method not in ("PATCH", "PUT"):
                continue
            if a == "cut_watch" and not is_watch:
                continue
            allowed.append((a, w))
        if not allowed:
            return "pass", 0.0
        total = sum(w for _, w in allowed)
        x = pick * total
        for a, w in allowed:
            x -= w
            if x <= 0:
                return a, 0.0
        return allowed[-1][0], 0.0

    # -- connections ----------------------------------------------------------------------

    def _accept_loop(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(120)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        reader = conn.makefile("rb")
        try:
            while not self.stopping:
                req = _read_request(reader)
                if req is None:
                    return
                if not self._handle(conn, req):
                    return
        except (OSError, ValueError, http.client.HTTPException):
            return
        finally:
            try:
                reader.close()
                conn.close()
            except OSError:
                pass

    def _handle(self, conn, req):
        """Serves one request; False when the client connection is finished."""
        method, target, headers, body = req
        is_watch = "watch=1" in target or "watch=true" in target
        action, hold_for = self.draw(method, target, is_watch)
        self._count(action)
        if action == "error5xx":
            code = 500 if self.rng.random() < 0.5 else 503
            return _reply_status(conn, code, "InternalError" if code == 500
                                 else "ServiceUnavailable", "chaos proxy: injected", {})
        if action == "throttle":
            return _reply_status(conn, 429, "TooManyRequests", "chaos proxy: slow down",
                                 {"Retry-After": "1"})
        if action == "conflict":
            return _reply_status(conn, 409, "Conflict",
                                 "chaos proxy: the object has been modified; please apply "
                                 "your changes to the latest version and try again", {})
        if action == "reset_before":
            _reset(conn)
            return False
        if action == "delay":
            time.sleep(self.rng.uniform(0.1, 2.0))
        if action == "hold":
            return self._hold(conn, req, hold_for)
        if is_watch:
            return self._stream(conn, method, target, headers, body,
                                cut_after=self.rng.uniform(0.5, 15.0)
                                if action == "cut_watch" else None)
        try:
            status, reason, rheaders, rbody = self._forward(method, target, headers, body)
        except (OSError, http.client.HTTPException):
            _reset(conn)
            return False
        if action == "reset_after":
            _reset(conn)
            return False
        _reply(conn, status, reason, rheaders, rbody)
        return True

    def _forward(self, method, target, headers, body, timeout=60):
        up = http.client.HTTPConnection(*self.upstream, timeout=timeout)
        try:
            up.request(method, target, body=body if body else None, headers=_clean(headers))
            resp = up.getresponse()
            data = resp.read()
            return resp.status, resp.reason, resp.getheaders(), data
        finally:
            up.close()

    def _hold(self, conn, req, hold_for):
        """Holds a Job create, then forwards it whatever the client did meanwhile."""
        method, target, headers, body = req
        done = threading.Event()
        result = {}

        def late():
            time.sleep(hold_for)
            try:
                result["reply"] = self._forward(method, target, headers, body)
                self.log("proxy: held create of %.1fs landed: %s %s -> %d" % (
                    hold_for, method, target, result["reply"][0]))
            except (OSError, http.client.HTTPException) as e:
                self.log("proxy: held create failed upstream: %s" % e)
            finally:
                done.set()
                with self.held_lock:
                    self.held.discard(t)

        t = threading.Thread(target=late, daemon=True)
        with self.held_lock:
            self.held.add(t)
        t.start()
        done.wait(hold_for + 70)
        if "reply" not in result:
            _reset(conn)
            return False
        try:
            _reply(conn, *result["reply"])
        except OSError:
            return False  # the client gave up long ago
        return True

    def _stream(self, conn, method, target, headers, body, cut_after):
        """A watch: relayed line by line as chunks; cut (reset) after cut_after seconds."""
        up = http.client.HTTPConnection(*self.upstream, timeout=3600)
        try:
            up.request(method, target, body=body if body else None, headers=_clean(headers))
            resp = up.getresponse()
            if resp.status != 200:
                data = resp.read()
                _reply(conn, resp.status, resp.reason, resp.getheaders(), data)
                return True
            head = "HTTP/1.1 200 OK\r\n"
            for k, v in resp.getheaders():
                if k.lower() not in _HOP:
                    head += "%s: %s\r\n" % (k, v)
            head += "Transfer-Encoding: chunked\r\n\r\n"
            conn.sendall(head.encode())
            deadline = time.monotonic() + cut_after if cut_after else None
            if deadline:
                # Cut even when no event comes: a timer closes the upstream side.
                timer = threading.Timer(cut_after, lambda: _shutdown(up))
                timer.daemon = True
                timer.start()
            while not self.stopping:
                line = resp.readline()
                if not line:
                    break
                if deadline and time.monotonic() >= deadline:
                    break
                conn.sendall(b"%x\r\n%s\r\n" % (len(line), line))
            if deadline:
                _reset(conn)
                return False
            conn.sendall(b"0\r\n\r\n")
            return True
        except (OSError, http.client.HTTPException):
            _reset(conn)
            return False
        finally:
            up.close()


# -- HTTP plumbing --------------------------------------------------------------------------

def _read_request(reader):
    line = reader.readline(65536)
    if not line:
        return None
    parts = line.decode("latin-1").strip().split(" ")
    if len(parts) != 3:
        raise ValueError("bad request line")
    method, target, _ = parts
    headers = []
    while True:
        h = reader.readline(65536)
        if not h:
            return None
        h = h.decode("latin-1")
        if h in ("\r\n", "\n"):
            break
        k, _, v = h.partition(":")
        headers.append((k.strip(), v.strip()))
    lower = {k.lower(): v for k, v in headers}
    body = b""
    if "content-length" in lower:
        n = int(lower["content-length"])
        body = reader.read(n)
        if len(body) != n:
            return None
    elif lower.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int(reader.readline(1024).split(b";")[0].strip(), 16)
            if size == 0:
                reader.readline(1024)
                break
            body += reader.read(size)
            reader.readline(16)
    return method, target, headers, body


def _clean(headers):
    return {k: v for k, v in headers if k.lower() not in _HOP}


def _reply(conn, status, reason, headers, body):
    head = "HTTP/1.1 %d %s\r\n" % (status, reason or "")
    for k, v in headers:
        if k.lower() not in _HOP:
            head += "%s: %s\r\n" % (k, v)
    head += "Content-Length: %d\r\n\r\n" % len(body)
    conn.sendall(head.encode("latin-1") + body)


def _reply_status(conn, code, reason, message, extra):
    body = json.dumps({"kind": "Status", "apiVersion": "v1", "metadata": {},
                       "status": "Failure", "message": message, "reason": reason,
                       "code": code}).encode()
    headers = [("Content-Type", "application/json")] + list(extra.items())
    _reply(conn, code, reason, headers, body)
    return True


def _reset(conn):
    """Closes with RST (SO_LINGER 0), as a dropped connection looks to the client."""
    try:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
    except OSError:
        pass


def _shutdown(up):
    try:
        if up.sock:
            up.sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
