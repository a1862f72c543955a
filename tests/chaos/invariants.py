"""The chaos test's invariants (issue 16), checked from the API server's watch history.

Pure: replay() and the check_* functions read values only (events, expectations, final
lists), so tests/chaos/invariants_test.py table-tests them without a cluster.

An event is (rv, kind, type, obj): rv the store's global resourceVersion as an int, kind
one of "restore", "job", "cluster", type ADDED / MODIFIED / DELETED, obj the object as JSON.
Events are replayed in rv order (the embedded cluster's resourceVersion is global, as etcd's
revision).

A Job is *running* from the moment it exists unsuspended until it has a Complete or Failed
condition or is gone: a Job being deleted (deletionTimestamp set) still runs, since its pod
may still write to the cluster (DESIGN §4: the lock is never released while a restore Job
may still write). A Job belongs to the restore named by its owner reference (uid), else by
its restore-uid annotation.
"""

TERMINAL = ("Completed", "Failed")
RESTORE_UID_ANNOTATION = "openbao.org/restore-uid"


def meta(obj, field, default=None):
    return (obj.get("metadata") or {}).get(field, default)


def key(obj):
    return "%s/%s" % (meta(obj, "namespace", ""), meta(obj, "name", ""))


def job_owner_uid(job):
    for o in meta(job, "ownerReferences") or []:
        if o.get("kind") == "OpenBaoRestore" and o.get("uid"):
            return o["uid"]
    ann = meta(job, "annotations") or {}
    for k, v in ann.items():
        if k.endswith("restore-uid") and v:
            return v
    return None


def job_finished(job):
    for c in (job.get("status") or {}).get("conditions") or []:
        if c.get("type") in ("Complete", "Failed") and c.get("status") == "True":
            return True
    return False


def job_suspended(job):
    return bool((job.get("spec") or {}).get("suspend"))


def job_running(job):
    return not job_suspended(job) and not job_finished(job)


def lock_holder(cluster):
    lock = (cluster.get("status") or {}).get("operationLock") or {}
    return lock.get("holder") or ""


def holder_uid(holder):
    """The restore uid of a lock holder "openbaorestore/<name>/<uid>", else None."""
    parts = holder.split("/")
    if len(parts) == 3 and parts[0] == "openbaorestore" and parts[2]:
        return parts[2]
    return None


def phase(restore):
    return (restore.get("status") or {}).get("phase") or ""


class Violation:
    def __init__(self, invariant, message, objects=()):
        self.invariant = invariant
        self.message = message
        self.objects = list(objects)

    def __repr__(self):
        return "%s: %s" % (self.invariant, self.message)


class History:
    """What replay() learns: the final state and the violations seen along the way."""

    def __init__(self):
        self.restores = {}    # uid -> last restore object (while it exists)
        self.restore_by_uid = {}  # uid -> last restore object ever seen (also once deleted)
        self.deleted_restores = set()
        self.clusters = {}    # namespace/name -> cluster object
        self.jobs = {}        # job uid -> job object (while it exists)
        self.jobs_of = {}     # restore uid -> set of job uids ever seen
        self.ran = {}         # restore uid -> set of job uids ever seen running
        self.violations = []
        self.events = 0
        self.reported_jobs = set()  # Jobs already reported running without the lock


def _cluster_of_job(h, job, owner):
    r = h.restore_by_uid.get(owner)
    if r is not None:
        return "%s/%s" % (meta(job, "namespace", ""), (r.get("spec") or {}).get("cluster", ""))
    label = (meta(job, "labels") or {}).get("openbao.org/cluster")
    return "%s/%s" % (meta(job, "namespace", ""), label or "")


def _check_running(h, rv, running):
    """Invariant 2: every running Job's restore holds its cluster's lock right now."""
    for juid in list(running):
        job = h.jobs.get(juid)
        if job is None or not job_running(job):
            running.discard(juid)
            continue
        owner = job_owner_uid(job)
        ckey = _cluster_of_job(h, job, owner)
        cluster = h.clusters.get(ckey)
        holder = lock_holder(cluster) if cluster else "<cluster missing>"
        if (owner is None or holder_uid(holder) != owner) and juid not in h.reported_jobs:
            h.reported_jobs.add(juid)  # once per Job: the first moment says it all
            r = h.restore_by_uid.get(owner, {})
            h.violations.append(Violation(
                "job-without-lock",
                "at rv %d Job %s (uid %s) runs for restore %s (uid %s, phase %r%s) but "
                "cluster %s's lock is held by %r" % (
                    rv, key(job), juid, key(r) if r else "?", owner, phase(r),
                    ", deleted" if owner in h.deleted_restores else "", ckey, holder or "nobody"),
                [job, cluster, r]))


def replay(events):
    """Replays the events in rv order, checking invariants 1 and 2 as it goes."""
    h = History()
    running = set()
    reported_double = set()
    for rv, kind, typ, obj in sorted(events, key=lambda e: e[0]):
        h.events += 1
        uid = meta(obj, "uid")
        if kind == "restore":
            h.restore_by_uid[uid] = obj
            if typ == "DELETED":
                h.restores.pop(uid, None)
                h.deleted_restores.add(uid)
            else:
                h.restores[uid] = obj
        elif kind == "cluster":
            if typ == "DELETED":
                h.clusters.pop(key(obj), None)
            else:
                h.clusters[key(obj)] = obj
        elif kind == "job":
            owner = job_owner_uid(obj)
            if typ == "DELETED":
                h.jobs.pop(uid, None)
                running.discard(uid)
            else:
                h.jobs[uid] = obj
                h.jobs_of.setdefault(owner, set()).add(uid)
                if job_running(obj):
                    running.add(uid)
                    ran = h.ran.setdefault(owner, set())
                    ran.add(uid)
                    # Invariant 1: one Job that ever ran per restore.
                    if len(ran) > 1 and owner not in reported_double:
                        reported_double.add(owner)
                        r = h.restore_by_uid.get(owner, {})
                        h.violations.append(Violation(
                            "two-jobs",
                            "at rv %d restore %s (uid %s) has had %d Jobs that ran: %s" % (
                                rv, key(r) if r else "?", owner, len(ran), sorted(ran)),
                            [r] + [h.jobs.get(j) for j in sorted(ran) if j in h.jobs]))
        _check_running(h, rv, running)
    return h


def check_settled(h):
    """Invariant 3: once settled, no lock is held by a restore that is gone or terminal."""
    out = []
    for ckey, cluster in sorted(h.clusters.items()):
        holder = lock_holder(cluster)
        uid = holder_uid(holder)
        if uid is None:
            continue
        r = h.restores.get(uid)
        if r is None or phase(r) in TERMINAL:
            out.append(Violation(
                "leaked-lock",
                "cluster %s is locked by %r, whose restore is %s" % (
                    ckey, holder, "gone" if r is None else phase(r)),
                [cluster, r or h.restore_by_uid.get(uid)]))
    return out


def check_end_states(h, expected):
    """Invariant 4: each restore created by the driver ends as expected.

    expected: uid -> "Completed" | "Failed" | "deleted".
    """
    out = []
    for uid, want in sorted(expected.items()):
        r = h.restores.get(uid)
        last = h.restore_by_uid.get(uid)
        if want == "deleted":
            if r is not None:
                out.append(Violation("end-state", "restore %s (uid %s) was deleted but still "
                                     "exists, phase %r" % (key(r), uid, phase(r)), [r]))
            continue
        if r is None:
            out.append(Violation("end-state", "restore %s (uid %s) should be %s but is gone" % (
                key(last) if last else "?", uid, want), [last]))
        elif phase(r) != want:
            st = r.get("status") or {}
            out.append(Violation("end-state", "restore %s (uid %s) should be %s but is %r "
                                 "(reason %r, message %r)" % (
                                     key(r), uid, want, phase(r), st.get("reason"),
                                     st.get("message")), [r]))
    return out


def check_acknowledged(h, acknowledged, deleted_by_driver):
    """Invariant 5, in the history: every create the server acknowledged is recorded, and
    is still there unless the driver deleted it."""
    out = []
    for uid, name in sorted(acknowledged.items()):
        if uid not in h.restore_by_uid:
            out.append(Violation("record-lost", "restore %s (uid %s) was acknowledged (201) but "
                                 "never appeared in the watch history" % (name, uid)))
        elif uid not in h.restores and uid not in deleted_by_driver:
            out.append(Violation("record-lost", "restore %s (uid %s) vanished without being "
                                 "deleted" % (name, uid), [h.restore_by_uid[uid]]))
    return out


def check_same_state(h, listed, when):
    """Invariant 5, against the store: `listed` (kind -> list of objects from a LIST) must be
    exactly the history's final state (uid and resourceVersion), e.g. after a restart of the
    embedded cluster on its --data-dir."""
    final = {
        "restore": {meta(o, "uid"): o for o in h.restores.values()},
        "job": {meta(o, "uid"): o for o in h.jobs.values()},
        "cluster": {meta(o, "uid"): o for o in h.clusters.values()},
    }
    out = []
    for kind, objs in sorted(final.items()):
        have = {meta(o, "uid"): o for o in listed.get(kind, [])}
        for uid, o in sorted(objs.items()):
            got = have.get(uid)
            if got is None:
                out.append(Violation("record-lost", "%s: %s %s (uid %s, rv %s) is missing" % (
                    when, kind, key(o), uid, meta(o, "resourceVersion")), [o]))
            elif meta(got, "resourceVersion") != meta(o, "resourceVersion"):
                out.append(Violation("record-lost", "%s: %s %s is at rv %s, the history's last "
                                     "write was rv %s" % (
                                         when, kind, key(o), meta(got, "resourceVersion"),
                                         meta(o, "resourceVersion")), [o, got]))
        for uid, o in sorted(have.items()):
            if uid not in objs:
                out.append(Violation("record-lost", "%s: %s %s (uid %s) exists but the history "
                                     "says it is gone or never was" % (when, kind, key(o), uid),
                                     [o]))
    return out
