#!/usr/bin/env python3
"""The chaos test of issue 16: `baorestore run` (one or two processes, kill -9 at random
moments) against `baorestore devcluster --data-dir` behind a fault-injecting proxy, with
invariants checked from the API server's watch history (tests/chaos/invariants.py).

  chaos.py --bin BUILD/cli/baorestore --src SOURCE_DIR [--seed N] [size and fault flags]

The driver:
  1. starts the embedded cluster and, before anything else, a recorder: watches of
     OpenBaoRestores, Jobs and OpenBaoClusters straight on the server (not through the proxy)
     that keep every event;
  2. creates tenants (namespaces), clusters (initialized) and token Secrets, starts the
     proxy (tests/chaos/fault_proxy.py) and the operators against the proxy's kubeconfig
     (leader election off, so two operators both act: the misconfiguration of issue 16);
  3. plays a seeded plan: restores created over time across the clusters, some cancelled by
     deletion after a random delay, some whose Job fails (the Job is annotated
     devcluster.baorestore.io/outcome=fail as soon as the recorder sees it), Backup locks
     taken by another holder on free clusters and released later, and operators killed with
     SIGKILL at random moments and restarted after a random pause; optionally a second
     devcluster process on the same --data-dir for a few seconds (the intruder);
  4. waits, bounded, until settled: every restore Completed/Failed or gone, no held create in
     flight, no Job running; then kills the operators, lets the recorder catch up with the
     store, kills the devcluster with SIGKILL and reopens its --data-dir;
  5. checks: never two Jobs (that ran) for one restore; never a Job running while its restore
     does not hold its cluster's lock; no lock held, once settled, by a restore that is gone
     or terminal; every restore in its expected end state (Completed, Failed for those whose
     Job fails, gone for those deleted); no acknowledged record lost (in the history, and in
     the reopened store).

Prints the seed first; a failing run prints each violated invariant with the objects
involved and exits 1. Every wait is bounded; --deadline bounds the whole run.
"""

import argparse
import heapq
import http.client
import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fault_proxy  # noqa: E402
import invariants  # noqa: E402

RESTORES = "/apis/openbao.org/v1alpha1/openbaorestores"
CLUSTERS = "/apis/openbao.org/v1alpha1/openbaoclusters"
JOBS = "/apis/batch/v1/jobs"
OUTCOME_ANNOTATION = "devcluster.baorestore.io/outcome"
BACKUP_HOLDER = "openbaocluster/backup"

T0 = time.monotonic()


def log(msg):
    print("[%7.2f] %s" % (time.monotonic() - T0, msg), flush=True)


# -- the API server, straight ---------------------------------------------------------------

class Api:
    def __init__(self, host, port):
        self.host, self.port = host, port

    def call(self, method, path, body=None, ctype="application/json", timeout=10):
        """(status, decoded JSON or None); (0, None) when the server did not answer."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            data = json.dumps(body).encode() if body is not None else None
            headers = {"Content-Type": ctype} if data is not None else {}
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            try:
                return resp.status, json.loads(raw) if raw else None
            except ValueError:
                return resp.status, None
        except (OSError, http.client.HTTPException):
            return 0, None
        finally:
            conn.close()

    def merge_patch(self, path, body, timeout=10):
        return self.call("PATCH", path, body, "application/merge-patch+json", timeout)

    def items(self, path):
        st, body = self.call("GET", path, timeout=30)
        if st != 200:
            raise RuntimeError("LIST %s: %s %s" % (path, st, body))
        return body.get("items") or [], int(body["metadata"]["resourceVersion"])


# -- processes ------------------------------------------------------------------------------

class Devcluster:
    def __init__(self, args, work, data_dir, tag):
        self.out = os.path.join(work, "devcluster-%s.out" % tag)
        self.err = os.path.join(work, "devcluster-%s.err" % tag)
        cmd = [args.bin, "devcluster", "--listen", "127.0.0.1:0",
               "--crds", os.path.join(args.src, "deploy", "crds"),
               "--data-dir", data_dir, "--job-duration", args.job_duration]
        self.proc = subprocess.Popen(cmd, stdout=open(self.out, "w"), stderr=open(self.err, "w"),
                                     stdin=subprocess.DEVNULL)

    def wait_serving(self, seconds=30):
        """(host, port), or None when it exited or did not serve in time."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            with open(self.out) as f:
                for line in f:
                    if line.startswith("devcluster: serving "):
                        url = urllib.parse.urlparse(line.split()[2])
                        return url.hostname, url.port
            if self.proc.poll() is not None:
                return None
            time.sleep(0.05)
        return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)

    def stderr_tail(self):
        with open(self.err) as f:
            return f.read()[-2000:]


class Operator:
    def __init__(self, args, work, kubeconfig, index):
        self.args, self.kubeconfig, self.index = args, kubeconfig, index
        self.err = os.path.join(work, "operator-%d.err" % index)
        self.proc = None
        self.starts = 0

    def start(self):
        cmd = [self.args.bin, "run", "--kubeconfig", self.kubeconfig,
               "--job-poll-initial", "0.5", "--job-poll-ceiling", "2"]
        with open(self.err, "a") as e:
            e.write("=== start %d\n" % self.starts)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(self.err, "a"),
                                     stdin=subprocess.DEVNULL)
        self.starts += 1

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=30)


# -- the recorder ---------------------------------------------------------------------------

class Recorder:
    """Watches the three kinds straight on the server; keeps every event, in any order."""

    def __init__(self, api):
        self.api = api
        self.events = []
        self.lock = threading.Lock()
        self.last_rv = {}
        self.gaps = []  # a 410 or another ERROR: the history has a hole
        self.stop = False
        self.on_event = []  # callbacks (kind, type, obj), called on the recorder threads
        self.threads = []

    def start(self):
        for kind, path in (("restore", RESTORES), ("job", JOBS), ("cluster", CLUSTERS)):
            _, rv = self.api.items(path)
            self.last_rv[kind] = rv
            t = threading.Thread(target=self._watch, args=(kind, path), daemon=True)
            t.start()
            self.threads.append(t)

    def _watch(self, kind, path):
        while not self.stop:
            q = "%s?watch=1&allowWatchBookmarks=true&timeoutSeconds=600&resourceVersion=%d" % (
                path, self.last_rv[kind])
            # A read timeout ends this stream; the next one resumes from the last rv (the
            # server sends bookmarks, so a quiet kind's rv keeps up with the ring).
            conn = http.client.HTTPConnection(self.api.host, self.api.port, timeout=30)
            try:
                conn.request("GET", q)
                resp = conn.getresponse()
                if resp.status != 200:
                    self.gaps.append("%s watch answered %d" % (kind, resp.status))
                    time.sleep(0.5)
                    continue
                while not self.stop:
                    line = resp.readline()
                    if not line:
                        break
                    ev = json.loads(line)
                    typ, obj = ev.get("type"), ev.get("object") or {}
                    if typ == "ERROR":
                        self.gaps.append("%s watch ERROR %s" % (kind, obj))
                        return
                    rv = int(invariants.meta(obj, "resourceVersion", "0"))
                    self.last_rv[kind] = max(self.last_rv[kind], rv)
                    if typ == "BOOKMARK":
                        continue
                    with self.lock:
                        self.events.append((rv, kind, typ, obj))
                    for cb in self.on_event:
                        cb(kind, typ, obj)
            except (OSError, http.client.HTTPException, ValueError):
                if self.stop:
                    return
                time.sleep(0.2)
            finally:
                conn.close()

    def snapshot(self):
        with self.lock:
            return list(self.events)

    def halt(self):
        self.stop = True
        for t in self.threads:
            t.join(timeout=10)


# -- the plan -------------------------------------------------------------------------------

def restore_body(ns, name, cluster):
    return {"apiVersion": "openbao.org/v1alpha1", "kind": "OpenBaoRestore",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"cluster": cluster,
                     "source": {"target": {"bucket": "openbao-backups"},
                                "key": "clusters/%s/snap-%s" % (cluster, name)},
                     "tokenSecretRef": {"name": "restore-token"}}}


def cluster_body(ns, name):
    return {"apiVersion": "openbao.org/v1alpha1", "kind": "OpenBaoCluster",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"version": "2.4.0", "replicas": 3, "storage": {"size": "1Gi"},
                     "backup": {"schedule": "0 3 * * *",
                                "image": "ghcr.io/dc-tec/openbao-backup:0.1.0",
                                "target": {"provider": "s3", "endpoint": "http://127.0.0.1:4568",
                                           "bucket": "openbao-backups", "region": "us-east-1",
                                           "usePathStyle": True}}}}


class Chaos:
    def __init__(self, args, work):
        self.args, self.work = args, work
        self.rng = random.Random(args.seed)
        self.plan = []          # heap of (time, seq, action, payload)
        self.seq = 0
        self.acknowledged = {}  # restore uid -> ns/name (201 from the server)
        self.uid_of = {}        # ns/name -> uid
        self.expected = {}      # uid -> Completed | Failed | deleted
        self.deleted = set()    # uids the driver deleted
        self.fail_names = set()  # ns/name whose Job must fail
        self.raced = set()      # fail restores whose Job completed before it was annotated
        self.annotate = queue.Queue()
        self.kills = 0
        self.notes = []
        self.procs = []         # everything started, killed at the end whatever happens
        self.clusters = ["tenant-%d/vault-%d" % (t, c) for t in range(args.tenants)
                         for c in range(args.clusters)]

    def at(self, when, action, payload=None):
        heapq.heappush(self.plan, (when, self.seq, action, payload))
        self.seq += 1

    def make_plan(self):
        a, rng = self.args, self.rng
        span = a.restores / a.rate
        for i in range(a.restores):
            t = i / a.rate + rng.uniform(0, 1.0 / a.rate)
            ckey = rng.choice(self.clusters)
            ns, cluster = ckey.split("/")
            name = "r%05d" % i
            roll = rng.random()
            kind = "cancel" if roll < a.cancel_rate else (
                "fail" if roll < a.cancel_rate + a.fail_rate else "ok")
            self.at(t, "create", (ns, name, cluster, kind))
            if kind == "cancel":
                self.at(t + rng.uniform(0, a.cancel_max), "delete", (ns, name))
        for _ in range(a.backups):
            t = rng.uniform(0, span)
            self.at(t, "backup", (rng.choice(self.clusters), rng.uniform(2, a.backup_max)))
        for _ in range(a.kills):
            self.at(rng.uniform(0.5, span + 5), "kill", rng.randrange(a.operators))
        if a.intruder:
            self.at(rng.uniform(span * 0.3, span * 0.7), "intruder", None)
        return span

    # -- setup ----------------------------------------------------------------------------

    def setup(self, api):
        for t in range(self.args.tenants):
            ns = "tenant-%d" % t
            api.call("POST", "/api/v1/namespaces",
                     {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
            st, _ = api.call("POST", "/api/v1/namespaces/%s/secrets" % ns,
                             {"apiVersion": "v1", "kind": "Secret",
                              "metadata": {"name": "restore-token", "namespace": ns},
                              "type": "Opaque",
                              "stringData": {"token": "s.dev-placeholder-not-a-real-token"}})
            if st != 201:
                raise RuntimeError("create Secret in %s: %s" % (ns, st))
        for ckey in self.clusters:
            ns, name = ckey.split("/")
            base = "%s/namespaces/%s/openbaoclusters" % (CLUSTERS.rsplit("/", 1)[0], ns)
            st, body = api.call("POST", base, cluster_body(ns, name))
            if st != 201:
                raise RuntimeError("create cluster %s: %s %s" % (ckey, st, body))
            st, body = api.merge_patch("%s/%s/status" % (base, name),
                                       {"status": {"initialized": True}})
            if st != 200:
                raise RuntimeError("initialize cluster %s: %s %s" % (ckey, st, body))

    # -- actions --------------------------------------------------------------------------

    def create(self, api, ns, name, cluster, kind):
        path = "%s/namespaces/%s/openbaorestores" % (RESTORES.rsplit("/", 1)[0], ns)
        if kind == "fail":
            self.fail_names.add(ns + "/" + name)
        for _ in range(20):
            st, body = api.call("POST", path, restore_body(ns, name, cluster))
            if st == 201:
                uid = body["metadata"]["uid"]
                self.acknowledged[uid] = ns + "/" + name
                self.uid_of[ns + "/" + name] = uid
                self.expected[uid] = {"cancel": "deleted", "fail": "Failed",
                                      "ok": "Completed"}[kind]
                return
            time.sleep(0.2)
        raise RuntimeError("create %s/%s failed: %s %s" % (ns, name, st, body))

    def delete(self, api, ns, name):
        path = "%s/namespaces/%s/openbaorestores/%s" % (RESTORES.rsplit("/", 1)[0], ns, name)
        for _ in range(20):
            st, _ = api.call("DELETE", path)
            if st in (200, 202, 404):
                self.deleted.add(self.uid_of.get(ns + "/" + name))
                return
            time.sleep(0.2)
        raise RuntimeError("delete %s/%s failed: %s" % (ns, name, st))

    def cluster_path(self, ckey):
        ns, name = ckey.split("/")
        return "%s/namespaces/%s/openbaoclusters/%s" % (CLUSTERS.rsplit("/", 1)[0], ns, name)

    def take_backup(self, api, ckey, hold, attempt=0):
        """Takes the lock for a Backup when it is free (with the cluster's resourceVersion as
        precondition); tries again a few times when it is busy."""
        st, c = api.call("GET", self.cluster_path(ckey))
        if st == 200 and not invariants.lock_holder(c):
            st, _ = api.merge_patch(self.cluster_path(ckey) + "/status", {
                "metadata": {"resourceVersion": c["metadata"]["resourceVersion"]},
                "status": {"operationLock": {"operation": "Backup", "holder": BACKUP_HOLDER,
                                             "message": "chaos backup"}}})
            if st == 200:
                log("backup takes the lock of %s for %.1fs" % (ckey, hold))
                self.at(time.monotonic() - self.t_start + hold, "unbackup", ckey)
                return
        if attempt < 5:
            self.at(time.monotonic() - self.t_start + 1.0, "backup_retry",
                    (ckey, hold, attempt + 1))

    def release_backup(self, api, ckey, deadline=10):
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            st, c = api.call("GET", self.cluster_path(ckey))
            if st != 200:
                time.sleep(0.2)
                continue
            if invariants.lock_holder(c) != BACKUP_HOLDER:
                self.notes.append("the Backup lock of %s was gone before its release (holder "
                                  "now %r)" % (ckey, invariants.lock_holder(c)))
                return
            st, _ = api.merge_patch(self.cluster_path(ckey) + "/status", {
                "metadata": {"resourceVersion": c["metadata"]["resourceVersion"]},
                "status": {"operationLock": None}})
            if st == 200:
                log("backup releases the lock of %s" % ckey)
                return
            time.sleep(0.1)
        raise RuntimeError("could not release the Backup lock of %s" % ckey)

    def intruder(self):
        """A second devcluster on the same --data-dir for a few seconds (issue 16 finding 4:
        it must refuse to start; one that runs may overwrite acknowledged writes)."""
        d = Devcluster(self.args, self.work, self.data_dir, "intruder")
        self.procs.append(d)
        time.sleep(3)
        rc = d.proc.poll()
        if rc is None:
            self.notes.append("intruder: a second devcluster on the same --data-dir was still "
                              "running after 3 s (no data-dir lock); killed")
            log("intruder: still running after 3 s, killed")
            d.kill()
        else:
            log("intruder: exited %d: %s" % (rc, d.stderr_tail().strip()[:200]))

    # -- the Job outcome ------------------------------------------------------------------

    def on_event(self, kind, typ, obj):
        if kind != "job" or typ == "DELETED":
            return
        ann = invariants.meta(obj, "annotations") or {}
        rkey = self.acknowledged.get(invariants.job_owner_uid(obj), "")
        if rkey not in self.fail_names or ann.get(OUTCOME_ANNOTATION) == "fail":
            return
        if invariants.job_finished(obj):
            self.raced.add(rkey)
            return
        self.annotate.put((invariants.meta(obj, "namespace"), invariants.meta(obj, "name")))

    def annotator(self, api):
        while True:
            item = self.annotate.get()
            if item is None:
                return
            ns, name = item
            api.merge_patch("%s/namespaces/%s/jobs/%s" % (JOBS.rsplit("/", 1)[0], ns, name),
                            {"metadata": {"annotations": {OUTCOME_ANNOTATION: "fail"}}})

    # -- the run --------------------------------------------------------------------------

    def run(self):
        a = self.args
        self.data_dir = os.path.join(self.work, "data")
        dc = Devcluster(a, self.work, self.data_dir, "main")
        self.procs.append(dc)
        addr = dc.wait_serving()
        if addr is None:
            raise RuntimeError("the devcluster did not serve: " + dc.stderr_tail())
        api = Api(*addr)
        log("devcluster on http://%s:%d, data in %s" % (addr[0], addr[1], self.data_dir))
        rec = Recorder(api)
        rec.on_event.append(self.on_event)
        rec.start()
        ann = threading.Thread(target=self.annotator, args=(api,), daemon=True)
        ann.start()
        self.setup(api)

        cfg = fault_proxy.ProxyConfig(fault_rate=a.fault_rate, held_rate=a.held_rate,
                                      hold_min=a.hold_min, hold_max=a.hold_max)
        proxy = fault_proxy.FaultProxy(addr[0], addr[1], a.seed, cfg, log=log).start()
        kc = os.path.join(self.work, "proxy.kubeconfig")
        with open(kc, "w") as f:
            f.write(KUBECONFIG % proxy.port)
        log("proxy on http://127.0.0.1:%d: %.0f%% faults, %.0f%% of Job creates held %.0f-%.0fs"
            % (proxy.port, a.fault_rate * 100, a.held_rate * 100, a.hold_min, a.hold_max))
        ops = [Operator(a, self.work, kc, i) for i in range(a.operators)]
        self.procs += ops
        for op in ops:
            op.start()

        span = self.make_plan()
        log("plan: %d restores over %.0fs on %d clusters, %d kills, %d backup holds, %d "
            "operator(s)" % (a.restores, span, len(self.clusters), a.kills, a.backups,
                             a.operators))
        self.t_start = time.monotonic()
        restart_at = {}
        hard_end = T0 + a.deadline
        while self.plan or restart_at:
            now = time.monotonic() - self.t_start
            if time.monotonic() > hard_end:
                raise RuntimeError("the plan did not finish before --deadline")
            for i, when in list(restart_at.items()):
                if now >= when:
                    ops[i].start()
                    del restart_at[i]
            if not self.plan or self.plan[0][0] > now:
                time.sleep(0.02)
                continue
            _, _, action, p = heapq.heappop(self.plan)
            if action == "create":
                self.create(api, *p)
            elif action == "delete":
                self.delete(api, *p)
            elif action == "backup":
                self.take_backup(api, *p)
            elif action == "backup_retry":
                self.take_backup(api, p[0], p[1], p[2])
            elif action == "unbackup":
                self.release_backup(api, p)
            elif action == "kill":
                # The one drawn, else another one that runs; none when all are down.
                up = [i for i in [p] + list(range(len(ops))) if ops[i].running()]
                if up:
                    ops[up[0]].kill9()
                    self.kills += 1
                    restart_at[up[0]] = now + self.rng.uniform(0.1, 3.0)
                    log("kill -9 operator %d (kill %d)" % (up[0], self.kills))
            elif action == "intruder":
                self.intruder()
        for op in ops:
            if not op.running():
                op.start()
        log("plan done: %d restores created, %d deleted, %d kills; waiting until settled"
            % (len(self.acknowledged), len(self.deleted), self.kills))
        settled = self.settle(api, proxy, min(a.settle_timeout, hard_end - time.monotonic()))
        for op in ops:
            op.kill9()
        log("operators stopped; proxy: %s" % json.dumps(proxy.stats, sort_keys=True))
        self.annotate.put(None)
        proxy.stop()

        violations = []
        caught_up = self.catch_up(api, rec, 20)
        if not caught_up:
            violations.append(invariants.Violation(
                "history", "the recorder did not catch up with the store"))
        rec.halt()
        for g in rec.gaps:
            violations.append(invariants.Violation("history", "the watch history has a gap: "
                                                   + g))
        events = rec.snapshot()
        with open(os.path.join(self.work, "events.jsonl"), "w") as f:
            for e in sorted(events, key=lambda e: e[0]):
                f.write(json.dumps(e) + "\n")
        h = invariants.replay(events)
        for rkey in self.raced:
            uid = self.uid_of.get(rkey)
            if uid in self.expected and self.expected[uid] == "Failed":
                self.expected[uid] = "Completed"
                self.notes.append("%s: its Job completed before the driver annotated it to "
                                  "fail; expected Completed" % rkey)
        violations += h.violations
        violations += invariants.check_settled(h)
        violations += invariants.check_end_states(h, self.expected)
        violations += invariants.check_acknowledged(h, self.acknowledged, self.deleted)

        # Reopen the store from its --data-dir after a SIGKILL: nothing acknowledged is lost.
        dc.kill()
        dc2 = Devcluster(a, self.work, self.data_dir, "reopened")
        self.procs.append(dc2)
        addr2 = dc2.wait_serving()
        if addr2 is None:
            violations.append(invariants.Violation(
                "record-lost", "the devcluster did not reopen its --data-dir: "
                + dc2.stderr_tail()))
        else:
            api2 = Api(*addr2)
            listed = {k: api2.items(p)[0] for k, p in
                      (("restore", RESTORES), ("job", JOBS), ("cluster", CLUSTERS))}
            violations += invariants.check_same_state(h, listed, "after reopening --data-dir")
        dc2.kill()

        log("history: %d events; restores: %d Completed, %d Failed, %d deleted; %s" % (
            h.events,
            sum(1 for r in h.restores.values() if invariants.phase(r) == "Completed"),
            sum(1 for r in h.restores.values() if invariants.phase(r) == "Failed"),
            len(h.deleted_restores), "settled" if settled else "NOT settled"))
        for n in self.notes:
            log("note: " + n)
        return violations


    def cleanup(self):
        for p in self.procs:
            try:
                p.kill9() if isinstance(p, Operator) else p.kill()
            except (OSError, subprocess.TimeoutExpired):
                pass

    def settle(self, api, proxy, timeout):
        """Until every restore is terminal or gone (as expected), no held create is in flight
        and no Job runs, for 3 s in a row; then a grace for lock releases. False on timeout."""
        end = time.monotonic() + max(timeout, 0)
        quiet_since = None
        while time.monotonic() < end:
            try:
                restores, _ = api.items(RESTORES)
                jobs, _ = api.items(JOBS)
            except RuntimeError:
                time.sleep(0.5)
                continue
            busy = [r for r in restores if invariants.phase(r) not in invariants.TERMINAL
                    or invariants.meta(r, "deletionTimestamp")]
            running = [j for j in jobs if invariants.job_running(j)]
            calm = not busy and not running and proxy.held_in_flight() == 0
            if calm:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= 3:
                    self.wait_locks_free(api, min(15, end - time.monotonic()))
                    log("settled")
                    return True
            else:
                quiet_since = None
            time.sleep(0.5)
        log("NOT settled after %.0fs" % timeout)
        return False

    def wait_locks_free(self, api, seconds):
        end = time.monotonic() + max(seconds, 0)
        while time.monotonic() < end:
            clusters, _ = api.items(CLUSTERS)
            if not any(invariants.lock_holder(c) for c in clusters):
                return
            time.sleep(0.5)

    def catch_up(self, api, rec, seconds):
        """True once the replayed history's final state equals a LIST of the store."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            listed = {k: api.items(p)[0] for k, p in
                      (("restore", RESTORES), ("job", JOBS), ("cluster", CLUSTERS))}
            h = invariants.replay(rec.snapshot())
            if not invariants.check_same_state(h, listed, "catch-up"):
                return True
            time.sleep(0.5)
        return False


KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- name: chaos
  cluster:
    server: http://127.0.0.1:%d
users:
- name: chaos
  user: {}
contexts:
- name: chaos
  context: {cluster: chaos, user: chaos}
current-context: chaos
"""


def describe(obj):
    """The fields of an object that matter to the invariants, on one line."""
    if not obj:
        return "null"
    m = obj.get("metadata") or {}
    out = {"name": "%s/%s" % (m.get("namespace"), m.get("name")), "uid": m.get("uid"),
           "rv": m.get("resourceVersion")}
    if m.get("deletionTimestamp"):
        out["deleting"] = True
    if (obj.get("spec") or {}).get("suspend") is not None:
        out["suspend"] = obj["spec"]["suspend"]
    st = obj.get("status") or {}
    for k in ("phase", "reason", "message", "operationLock"):
        if k in st:
            out[k] = st[k]
    if obj.get("kind") == "Job" or "ownerReferences" in m:
        out["owner"] = invariants.job_owner_uid(obj)
        out["fence"] = (m.get("annotations") or {}).get("openbao.org/lock-fence")
    return json.dumps(out, sort_keys=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", required=True, help="the baorestore binary")
    p.add_argument("--src", required=True, help="the source tree (for deploy/crds)")
    p.add_argument("--seed", type=int, default=None,
                   help="default: random, printed; the environment's CHAOS_SEED overrides it")
    p.add_argument("--restores", type=int, default=50)
    p.add_argument("--rate", type=float, default=1.0, help="restores created per second")
    p.add_argument("--tenants", type=int, default=3)
    p.add_argument("--clusters", type=int, default=2, help="clusters per tenant")
    p.add_argument("--operators", type=int, default=2, choices=(1, 2))
    p.add_argument("--kills", type=int, default=12)
    p.add_argument("--backups", type=int, default=6, help="Backup lock holds")
    p.add_argument("--backup-max", type=float, default=10, help="longest Backup hold, s")
    p.add_argument("--cancel-rate", type=float, default=0.15)
    p.add_argument("--cancel-max", type=float, default=8, help="latest deletion, s")
    p.add_argument("--fail-rate", type=float, default=0.15)
    p.add_argument("--fault-rate", type=float, default=0.15)
    p.add_argument("--held-rate", type=float, default=0.2, help="share of Job creates held")
    p.add_argument("--hold-min", type=float, default=4)
    p.add_argument("--hold-max", type=float, default=35)
    p.add_argument("--job-duration", default="2s")
    p.add_argument("--intruder", action="store_true",
                   help="start a second devcluster on the same --data-dir for 3 s")
    p.add_argument("--settle-timeout", type=float, default=150)
    p.add_argument("--deadline", type=float, default=540, help="seconds for the whole run")
    p.add_argument("--keep", action="store_true", help="keep the scratch directory")
    a = p.parse_args()
    if os.environ.get("CHAOS_SEED"):
        a.seed = int(os.environ["CHAOS_SEED"])
    if a.seed is None:
        a.seed = random.SystemRandom().randrange(1, 2**31)
    a.bin = os.path.abspath(a.bin)
    a.src = os.path.abspath(a.src)
    print("chaos: seed %d (rerun with --seed %d)" % (a.seed, a.seed), flush=True)
    print("chaos: %s" % " ".join("--%s=%s" % (k.replace("_", "-"), v)
                                 for k, v in sorted(vars(a).items())
                                 if k not in ("bin", "src")), flush=True)
    work = tempfile.mkdtemp(prefix="chaos-")
    chaos = Chaos(a, work)
    ok = False
    try:
        violations = chaos.run()
        if violations:
            by = {}
            for v in violations:
                by.setdefault(v.invariant, []).append(v)
            print("FAIL: %d violation(s) (seed %d): %s" % (
                len(violations), a.seed,
                ", ".join("%s %d" % (k, len(v)) for k, v in sorted(by.items()))))
            for v in violations:
                print("VIOLATION %s: %s" % (v.invariant, v.message))
                for o in v.objects:
                    if o:
                        print("    " + describe(o))
            print("(scratch directory with events.jsonl and the logs: %s)" % work)
        else:
            ok = True
            print("PASS: every invariant held (seed %d)" % a.seed)
    except Exception as e:  # noqa: BLE001 - any failure of the driver fails the test
        print("FAIL: the driver stopped: %r (seed %d, scratch %s)" % (e, a.seed, work))
        import traceback
        traceback.print_exc()
    finally:
        chaos.cleanup()
        for pattern in ("operator-", "devcluster-"):
            for f in sorted(os.listdir(work)):
                if f.startswith(pattern) and f.endswith(".err") and not ok:
                    with open(os.path.join(work, f)) as fh:
                        tail = fh.read()[-1500:]
                    print("--- %s (tail):\n%s" % (f, tail))
        if ok and not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
