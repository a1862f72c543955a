#!/usr/bin/env bash
# Graceful shutdown of the operator (issue 7): `baorestore run` SIGTERMed in the middle of a
# restore stops taking work, lets its API requests in flight finish (shutdownGracePeriod),
# says "drained" in its JSON log and exits 0; what it leaves in the API server is consistent
# (the restore holds the lock and is not finished, at most one Job), and a new operator takes
# the restore from there to Completed with that same Job, the lock released.
# Also checks the JSON log lines: one object per line with time, level and msg, restore lines
# with namespace, name and phase.
#
# Usage: shutdown_test.sh BAORESTORE_BINARY SOURCE_DIR
# Exit 77 (ctest SKIP_RETURN_CODE) when /usr/bin/kubectl is missing.
set -uo pipefail

bin=$1
src=$2
. "$src/tests/support/cluster.sh"

fail_details() {
  show_operator_stderr
  echo "--- restores:"
  k get obrestore -n tenant-a -o wide 2>&1
}

start_devcluster --data-dir "$work/data" --job-duration 6s

# Probes on an address of their own (healthAddress), apart from the metrics.
printf 'healthAddress: 127.0.0.1:0\nmetricsAddress: 127.0.0.1:0\nshutdownGracePeriod: 5s\n' \
  >"$work/operator.yaml"
start_operator() {
  "$bin" run --config "$work/operator.yaml" --kubeconfig "$work/kubeconfig" --qps 5 --burst 2 \
    --job-poll-initial 0.5 --job-poll-ceiling 1 >>"$work/operator.out" 2>>"$work/operator.err" &
  operator_pid=$!
}

field() { k get obrestore "$1" -n tenant-a -o "jsonpath=$2" 2>/dev/null; }
phase_is() { [[ $(field "$1" '{.status.phase}') == "$2" ]]; }
lock_holder() {
  k get openbaocluster vault -n tenant-a -o 'jsonpath={.status.operationLock.holder}' 2>/dev/null
}
job_count() { k get jobs -n tenant-a -l openbao.org/restore=r1 -o name 2>/dev/null | wc -l; }

k apply -f "$src/deploy/samples/00-namespace.yaml" -f "$src/deploy/samples/10-cluster.yaml" \
  -f "$src/deploy/samples/21-restore-token.yaml" >/dev/null || fail "apply samples"
k patch openbaocluster vault -n tenant-a --subresource=status --type merge \
  -p '{"status":{"initialized":true}}' >/dev/null || fail "patch cluster status"

start_operator
k apply -f - >/dev/null <<'YAML' || fail "apply r1"
apiVersion: openbao.org/v1alpha1
kind: OpenBaoRestore
metadata: {name: r1, namespace: tenant-a}
spec:
  cluster: vault
  source: {target: {bucket: openbao-backups}, key: clusters/vault/snap-r1}
  tokenSecretRef: {name: restore-token}
YAML

echo "+ health on its own address"
health_said() { grep -q '^run: health on http://127\.0\.0\.1:[0-9]*/healthz /readyz$' "$work/operator.out"; }
wait_for "the health address" 10 health_said
health_url=$(grep -m1 -oE '^run: health on http://127\.0\.0\.1:[0-9]+' "$work/operator.out" | sed 's/^run: health on //')
metrics_url=$(grep -m1 -oE '^run: metrics and health on http://127\.0\.0\.1:[0-9]+' "$work/operator.out" | sed 's/^run: metrics and health on //')
[[ $health_url != "$metrics_url" ]] || fail "health and metrics on one address"
curl -sf "$health_url/healthz" | grep -qx ok || fail "/healthz on the health address"
ready() { curl -sf "$health_url/readyz" | grep -qx ok; }
wait_for "/readyz on the health address" 20 ready
[[ $(curl -s -o /dev/null -w '%{http_code}' "$health_url/metrics") == 404 ]] \
  || fail "/metrics served on the health address"
# The lock metrics are registered by the controller's lock registry, which may start a moment
# after /readyz first answers (seen once on a loaded 2-core CI run): waited for, bounded.
lock_metrics() { curl -sf "$metrics_url/metrics" | grep -q '^# TYPE baorestore_lock_acquisitions_total counter'; }
wait_for "lock metrics on the metrics address" 20 lock_metrics
echo "health: /healthz and /readyz alone on $health_url"

echo "+ SIGTERM while the restore runs"
holds_lock() { [[ $(lock_holder) == openbaorestore/r1/* ]]; }
wait_for "r1 holds the lock" 60 holds_lock
kill -TERM "$operator_pid"
for _ in $(seq 150); do kill -0 "$operator_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$operator_pid" 2>/dev/null && fail "the operator did not stop within 15 s of SIGTERM"
wait "$operator_pid"
rc=$?
operator_pid=
[[ $rc -eq 0 ]] || fail "exit code $rc after SIGTERM, expected 0"
grep -q '^{"time":"[^"]*","level":"info","msg":"drained"' "$work/operator.err" \
  || fail "no \"drained\" log line"
grep -q '^run: signal 15, stopping$' "$work/operator.out" || fail "no stop line on stdout"
echo "stopped with exit 0 after draining"

echo "+ the API server is consistent"
holds_lock || fail "the lock is no longer r1's: $(lock_holder)"
phase=$(field r1 '{.status.phase}')
[[ $phase == Validating || $phase == Running ]] || fail "r1 in phase $phase after SIGTERM"
[[ $(job_count) -le 1 ]] || fail "more than one Job for r1"
uid=$(k get job restore-r1 -n tenant-a -o 'jsonpath={.metadata.uid}' 2>/dev/null)
echo "r1: $phase, lock held, $(job_count) Job"

echo "+ a new operator finishes the restore"
start_operator
wait_for "r1 Completed" 90 phase_is r1 Completed
lock_free() { [[ -z $(lock_holder) ]]; }
wait_for "the lock released" 30 lock_free
[[ $(job_count) -eq 1 ]] || fail "expected one Job for r1, found $(job_count)"
if [[ -n $uid ]]; then
  [[ $(k get job restore-r1 -n tenant-a -o 'jsonpath={.metadata.uid}') == "$uid" ]] \
    || fail "the Job of r1 was re-created"
fi

echo "+ lock metrics of a restore run wholly by this operator"
# r1's lock was granted by the first operator: this one resumed holding it, so it counted no
# grant. r2 takes and releases the lock here.
k apply -f - >/dev/null <<'YAML' || fail "apply r2"
apiVersion: openbao.org/v1alpha1
kind: OpenBaoRestore
metadata: {name: r2, namespace: tenant-a}
spec:
  cluster: vault
  source: {target: {bucket: openbao-backups}, key: clusters/vault/snap-r2}
  tokenSecretRef: {name: restore-token}
YAML
wait_for "r2 Completed" 90 phase_is r2 Completed
wait_for "the lock released after r2" 30 lock_free
metrics_url=$(grep -oE '^run: metrics and health on http://127\.0\.0\.1:[0-9]+' "$work/operator.out" | tail -1 | sed 's/^run: metrics and health on //')
curl -sf "$metrics_url/metrics" >"$work/metrics" || fail "/metrics"
grep -q '^baorestore_lock_acquisitions_total{operation="Restore",outcome="granted"} [1-9]' "$work/metrics" \
  || { grep baorestore_lock "$work/metrics"; fail "no granted Restore acquisition counted"; }
grep -q '^baorestore_lock_hold_seconds_count{operation="Restore"} 1$' "$work/metrics" \
  || { grep baorestore_lock "$work/metrics"; fail "the Restore hold was not timed"; }
if command -v promtool >/dev/null; then
  promtool check metrics <"$work/metrics" || fail "promtool rejects /metrics"
fi
echo "metrics: the grant and the hold of r2 counted, promtool-clean"
kill -TERM "$operator_pid"
wait "$operator_pid"
rc=$?
operator_pid=
[[ $rc -eq 0 ]] || fail "exit code $rc after the second SIGTERM"

echo "+ the log lines"
python3 - "$work/operator.err" <<'PY' || fail "log lines"
import json, re, sys
time_re = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
steps = 0
for n, line in enumerate(open(sys.argv[1]), 1):
    o = json.loads(line)  # every stderr line is one JSON object
    assert time_re.match(o["time"]), (n, o)
    assert o["level"] in ("debug", "info", "warn", "error"), (n, o)
    assert o["msg"], (n, o)
    if o.get("name") == "r1":
        assert o["namespace"] == "tenant-a", (n, o)
        steps += 1
        if "phase" in o:
            assert o["phase"] in ("Pending", "Validating", "Running", "Completed", "Failed"), (n, o)
assert steps > 3, "too few restore lines: %d" % steps
PY
echo "PASS"
