#!/usr/bin/env python3
"""Table tests of the chaos test's invariants (tests/chaos/invariants.py) on synthetic watch
histories: each invariant must fire on the history that breaks it, and stay quiet on the
histories a correct operator writes (including a late create that stays suspended)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import invariants as inv  # noqa: E402

NS = "t"


def restore(name, uid, phase="", rv=1):
    return {"metadata": {"namespace": NS, "name": name, "uid": uid, "resourceVersion": str(rv)},
            "spec": {"cluster": "c"}, "status": {"phase": phase} if phase else {}}


def cluster(holder="", rv=1):
    st = {"operationLock": {"operation": "Restore", "holder": holder}} if holder else {}
    return {"metadata": {"namespace": NS, "name": "c", "uid": "cl", "resourceVersion": str(rv)},
            "status": st}


def job(uid, owner, suspend=False, done=None, deleting=False, rv=1):
    m = {"namespace": NS, "name": "restore-x", "uid": uid, "resourceVersion": str(rv),
         "ownerReferences": [{"kind": "OpenBaoRestore", "uid": owner}]}
    if deleting:
        m["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    status = {"conditions": [{"type": done, "status": "True"}]} if done else {}
    return {"metadata": m, "spec": {"suspend": suspend}, "status": status}


def holder(name, uid):
    return "openbaorestore/%s/%s" % (name, uid)


def events(*evs):
    """(kind, type, obj) in order -> events with rv 1, 2, ..."""
    return [(i + 1, k, t, o) for i, (k, t, o) in enumerate(evs)]


def names(violations):
    return sorted(v.invariant for v in violations)


CLEAN = events(
    ("cluster", "ADDED", cluster()),
    ("restore", "ADDED", restore("r1", "u1")),
    ("cluster", "MODIFIED", cluster(holder("r1", "u1"))),
    ("job", "ADDED", job("j1", "u1", suspend=True)),
    ("job", "MODIFIED", job("j1", "u1")),
    ("job", "MODIFIED", job("j1", "u1", done="Complete")),
    ("restore", "MODIFIED", restore("r1", "u1", "Completed")),
    ("cluster", "MODIFIED", cluster()),
)


class ReplayTest(unittest.TestCase):
    def test_a_clean_restore_breaks_nothing(self):
        h = inv.replay(CLEAN)
        self.assertEqual(names(h.violations), [])
        self.assertEqual(inv.check_settled(h), [])
        self.assertEqual(inv.check_end_states(h, {"u1": "Completed"}), [])

    def test_order_comes_from_the_resource_version_not_the_list(self):
        h = inv.replay(list(reversed(CLEAN)))
        self.assertEqual(names(h.violations), [])

    def test_a_job_created_while_another_holds_the_lock(self):
        h = inv.replay(events(
            ("restore", "ADDED", restore("r1", "u1")),
            ("cluster", "ADDED", cluster(holder("r2", "u2"))),
            ("job", "ADDED", job("j1", "u1")),
        ))
        self.assertEqual(names(h.violations), ["job-without-lock"])
        self.assertIn("openbaorestore/r2/u2", h.violations[0].message)

    def test_a_job_left_running_when_the_lock_is_released(self):
        h = inv.replay(events(
            ("restore", "ADDED", restore("r1", "u1")),
            ("cluster", "ADDED", cluster(holder("r1", "u1"))),
            ("job", "ADDED", job("j1", "u1")),
            ("cluster", "MODIFIED", cluster()),
        ))
        self.assertEqual(names(h.violations), ["job-without-lock"])

    def test_a_job_being_deleted_still_runs(self):
        h = inv.replay(events(
            ("restore", "ADDED", restore("r1", "u1")),
            ("cluster", "ADDED", cluster(holder("r1", "u1"))),
            ("job", "ADDED", job("j1", "u1")),
            ("job", "MODIFIED", job("j1", "u1", deleting=True)),
            ("cluster", "MODIFIED", cluster()),
            ("job", "DELETED", job("j1", "u1", deleting=True)),
        ))
        self.assertEqual(names(h.violations), ["job-without-lock"])

    def test_the_lock_released_after_the_job_is_gone_is_fine(self):
        h = inv.replay(events(
            ("restore", "ADDED", restore("r1", "u1")),
            ("cluster", "ADDED", cluster(holder("r1", "u1"))),
            ("job", "ADDED", job("j1", "u1")),
            ("job", "MODIFIED", job("j1", "u1", deleting=True)),
            ("job", "DELETED", job("j1", "u1", deleting=True)),
            ("cluster", "MODIFIED", cluster()),
            ("restore", "DELETED", restore("r1", "u1")),
        ))
        self.assertEqual(names(h.violations), [])

    def test_a_late_create_that_runs_is_a_second_job_without_the_lock(self):
        h = inv.replay(events(
            ("restore", "ADDED", restore("r1", "u1")),
            ("cluster", "ADDED", cluster(holder("r1", "u1"))),
            ("job", "ADDED", job("j1", "u1")),
            ("job", "MODIFIED", job("j1", "u1", done="Complete")),
            ("job", "DELETED", job("j1", "u1", done="Complete")),
            ("restore", "DELETED", restore("r1", "u1", "Completed")),
            ("cluster", "MODIFIED", cluster(holder("r2", "u2"))),
            ("job", "ADDED", job("j2", "u1")),
        ))
        self.assertEqual(names(h.violations), ["job-without-lock", "two-jobs"])

    def test_a_late_create_that_stays_suspended_is_fine(self):
        h = inv.replay(events(
            ("restore", "ADDED", restore("r1", "u1")),
            ("cluster", "ADDED", cluster(holder("r1", "u1"))),
            ("job", "ADDED", job("j1", "u1")),
            ("job", "MODIFIED", job("j1", "u1", done="Complete")),
            ("job", "DELETED", job("j1", "u1", done="Complete")),
            ("restore", "DELETED", restore("r1", "u1", "Completed")),
            ("cluster", "MODIFIED", cluster(holder("r2", "u2"))),
            ("job", "ADDED", job("j2", "u1", suspend=True)),
            ("job", "DELETED", job("j2", "u1", suspend=True)),
        ))
        self.assertEqual(names(h.violations), [])

    def test_a_finished_job_needs_no_lock(self):
        h = inv.replay(events(
            ("restore", "ADDED", restore("r1", "u1")),
            ("cluster", "ADDED", cluster(holder("r1", "u1"))),
            ("job", "ADDED", job("j1", "u1")),
            ("job", "MODIFIED", job("j1", "u1", done="Failed")),
            ("cluster", "MODIFIED", cluster()),
        ))
        self.assertEqual(names(h.violations), [])


class SettledTest(unittest.TestCase):
    def settled(self, *evs):
        return names(inv.check_settled(inv.replay(events(*evs))))

    def test_a_lock_held_by_a_deleted_restore_leaks(self):
        self.assertEqual(self.settled(
            ("restore", "ADDED", restore("r1", "u1")),
            ("cluster", "ADDED", cluster(holder("r1", "u1"))),
            ("restore", "DELETED", restore("r1", "u1"))), ["leaked-lock"])

    def test_a_lock_held_by_a_restore_never_seen_leaks(self):
        self.assertEqual(self.settled(("cluster", "ADDED", cluster(holder("r9", "u9")))),
                         ["leaked-lock"])

    def test_a_lock_held_by_a_terminal_restore_leaks(self):
        for phase in ("Completed", "Failed"):
            self.assertEqual(self.settled(
                ("restore", "ADDED", restore("r1", "u1", phase)),
                ("cluster", "ADDED", cluster(holder("r1", "u1")))), ["leaked-lock"])

    def test_a_lock_of_a_running_restore_or_a_backup_is_not_a_leak(self):
        self.assertEqual(self.settled(
            ("restore", "ADDED", restore("r1", "u1", "Running")),
            ("cluster", "ADDED", cluster(holder("r1", "u1")))), [])
        self.assertEqual(self.settled(("cluster", "ADDED", cluster("openbaocluster/backup"))),
                         [])


class EndStateTest(unittest.TestCase):
    def test_each_expectation(self):
        h = inv.replay(events(
            ("restore", "ADDED", restore("ok", "u1", "Completed")),
            ("restore", "ADDED", restore("bad", "u2", "Failed")),
            ("restore", "ADDED", restore("stuck", "u3", "Validating")),
            ("restore", "ADDED", restore("cancelled", "u4", "Running")),
            ("restore", "DELETED", restore("cancelled", "u4", "Running")),
            ("restore", "ADDED", restore("undead", "u5", "Running")),
            ("restore", "ADDED", restore("lost", "u6", "Failed")),
        ))
        got = inv.check_end_states(h, {"u1": "Completed", "u2": "Failed", "u3": "Completed",
                                       "u4": "deleted", "u5": "deleted", "u6": "Completed"})
        self.assertEqual(len(got), 3)
        self.assertIn("stuck", got[0].message)
        self.assertIn("undead", got[1].message)
        self.assertIn("lost", got[2].message)

    def test_a_restore_gone_that_should_have_completed(self):
        h = inv.replay(events(("restore", "ADDED", restore("r1", "u1")),
                              ("restore", "DELETED", restore("r1", "u1"))))
        self.assertEqual(names(inv.check_end_states(h, {"u1": "Completed"})), ["end-state"])


class RecordTest(unittest.TestCase):
    def test_acknowledged_creates(self):
        h = inv.replay(events(("restore", "ADDED", restore("r1", "u1")),
                              ("restore", "ADDED", restore("r2", "u2")),
                              ("restore", "DELETED", restore("r2", "u2")),
                              ("restore", "ADDED", restore("r3", "u3")),
                              ("restore", "DELETED", restore("r3", "u3"))))
        got = inv.check_acknowledged(h, {"u1": "t/r1", "u2": "t/r2", "u3": "t/r3",
                                         "u4": "t/r4"}, deleted_by_driver={"u3"})
        self.assertEqual(names(got), ["record-lost", "record-lost"])
        self.assertIn("r2", got[0].message)  # vanished without being deleted
        self.assertIn("r4", got[1].message)  # never seen

    def test_the_reopened_store_must_match_the_history(self):
        h = inv.replay(events(("restore", "ADDED", restore("r1", "u1", rv=1)),
                              ("restore", "MODIFIED", restore("r1", "u1", "Running", rv=2)),
                              ("cluster", "ADDED", cluster(rv=3))))
        same = {"restore": [restore("r1", "u1", "Running", rv=2)], "cluster": [cluster(rv=3)]}
        self.assertEqual(inv.check_same_state(h, same, "x"), [])
        older = {"restore": [restore("r1", "u1", rv=1)], "cluster": [cluster(rv=3)]}
        self.assertEqual(names(inv.check_same_state(h, older, "x")), ["record-lost"])
        missing = {"restore": [], "cluster": [cluster(rv=3)]}
        self.assertEqual(names(inv.check_same_state(h, missing, "x")), ["record-lost"])
        extra = dict(same, job=[job("j9", "u1")])
        self.assertEqual(names(inv.check_same_state(h, extra, "x")), ["record-lost"])


if __name__ == "__main__":
    unittest.main()
