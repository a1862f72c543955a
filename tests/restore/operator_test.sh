#!/usr/bin/env bash
# The operator as its own process (issue 6): `baorestore run --kubeconfig` against
# `baorestore devcluster --data-dir`, driven with the real kubectl 1.32.
#   1. a restore applied with kubectl reaches Completed and the lock is released;
#   2. a lock held by someone else (written with kubectl) makes a restore wait, and it
#      proceeds once that lock is cleared;
#   3. crash safety: the operator is killed with SIGKILL right after the lock write, right
#      after the Job create and while Running, and restarted each time; the restore still
#      ends Completed, with one Job (the same uid throughout) and the lock released.
# The operator runs with a low client-side rate limit (--qps 2) so that each of its steps is
# visible long enough to be caught by the polls. Every wait is a counted loop.
#
# Usage: operator_test.sh BAORESTORE_BINARY SOURCE_DIR
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

start_devcluster --data-dir "$work/data" --job-duration 4s

start_operator() {
  "$bin" run --kubeconfig "$work/kubeconfig" --qps 2 --burst 1 --job-poll-initial 0.5 \
    --job-poll-ceiling 1 --metrics-address 127.0.0.1:0 \
    >>"$work/operator.out" 2>>"$work/operator.err" &
  operator_pid=$!
  echo "operator started (pid $operator_pid)"
}

kill_operator() {
  kill -9 "$operator_pid" 2>/dev/null
  wait "$operator_pid" 2>/dev/null
  echo "operator killed with SIGKILL ($1)"
}

# jsonpath of restore NAME
field() {
  k get obrestore "$1" -n tenant-a -o "jsonpath=$2" 2>/dev/null
}

lock_holder() {
  k get openbaocluster vault -n tenant-a -o 'jsonpath={.status.operationLock.holder}' 2>/dev/null
}

phase_is() { [[ $(field "$1" '{.status.phase}') == "$2" ]]; }
lock_free() { [[ -z $(lock_holder) ]]; }

restore_manifest() {
  cat <<YAML
apiVersion: openbao.org/v1alpha1
kind: OpenBaoRestore
metadata: {name: $1, namespace: tenant-a}
spec:
  cluster: vault
  source: {target: {bucket: openbao-backups}, key: clusters/vault/snap-$1}
  tokenSecretRef: {name: restore-token}
YAML
}

k apply -f "$src/deploy/samples/00-namespace.yaml" -f "$src/deploy/samples/10-cluster.yaml" \
  -f "$src/deploy/samples/21-restore-token.yaml" >/dev/null || fail "apply samples"
# The cluster is initialized (as the OpenBao operator would record it).
k patch openbaocluster vault -n tenant-a --subresource=status --type merge \
  -p '{"status":{"initialized":true}}' >/dev/null || fail "patch cluster status"

start_operator

echo "+ 1. a restore applied with kubectl completes"
restore_manifest r1 | k apply -f - >/dev/null || fail "apply r1"
wait_for "r1 Completed" 60 phase_is r1 Completed
wait_for "the lock released after r1" 30 lock_free
k get job restore-r1 -n tenant-a -o 'jsonpath={.metadata.labels.openbao\.org/component}' \
  | grep -qx restore || fail "the Job of r1 lacks its labels"
[[ $(field r1 '{.status.message}') == "restore workflow finished: the cluster may need unsealing" ]] \
  || fail "r1 message: $(field r1 '{.status.message}')"
completed_event() {
  k get events -n tenant-a \
    -o 'jsonpath={range .items[*]}{.involvedObject.name} {.type} {.reason}{"\n"}{end}' \
    2>/dev/null | grep -qx 'r1 Normal Completed'
}
wait_for "a Completed event for r1" 30 completed_event
echo "r1: Completed, lock released, Job labelled, events recorded"

echo "+ metrics and health"
metrics_url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/operator.out" | tail -1)
[[ -n $metrics_url ]] || fail "the operator did not say where its metrics are"
curl -sf "$metrics_url/healthz" | grep -qx ok || fail "/healthz"
curl -sf "$metrics_url/readyz" | grep -qx ok || fail "/readyz"
curl -sf "$metrics_url/metrics" >"$work/metrics" || fail "/metrics"
grep -qx 'baorestore_restores{phase="Completed"} 1' "$work/metrics" \
  || { cat "$work/metrics"; fail "no Completed restore in /metrics"; }
grep -q '^baorestore_gateway_requests_total{code="200",resource="openbaorestores",verb="patch"}' \
  "$work/metrics" || fail "no gateway request counters in /metrics"
if command -v promtool >/dev/null; then
  promtool check metrics <"$work/metrics" || fail "promtool rejects /metrics"
else
  echo "(promtool not installed: the exposition format is not checked)"
fi
echo "metrics: served, ready, promtool-clean"

echo "+ 2. a lock held by a backup makes a restore wait"
k patch openbaocluster vault -n tenant-a --subresource=status --type merge -p \
  '{"status":{"operationLock":{"operation":"Backup","holder":"openbaocluster/backup","message":"nightly"}}}' \
  >/dev/null || fail "write the backup lock"
restore_manifest r2 | k apply -f - >/dev/null || fail "apply r2"
message_is_waiting() { [[ $(field r2 '{.status.message}') == "waiting for lock held by Backup openbaocluster/backup" ]]; }
wait_for "r2 waiting for the backup" 30 message_is_waiting
sleep 2
phase_is r2 Validating || fail "r2 did not wait: $(field r2 '{.status.phase}')"
k get job restore-r2 -n tenant-a >/dev/null 2>&1 && fail "r2 created its Job while the backup held the lock"
k patch openbaocluster vault -n tenant-a --subresource=status --type merge \
  -p '{"status":{"operationLock":null}}' >/dev/null || fail "clear the backup lock"
wait_for "r2 Completed" 90 phase_is r2 Completed
wait_for "the lock released after r2" 30 lock_free
echo "r2: waited for the backup, then Completed"

echo "+ 3. crash safety"
restore_manifest r3 | k apply -f - >/dev/null || fail "apply r3"
holder_is_r3() { [[ $(lock_holder) == openbaorestore/r3/* ]]; }
wait_for "r3 holds the lock" 60 holder_is_r3
kill_operator "after the lock write"
k get job restore-r3 -n tenant-a >/dev/null 2>&1 && echo "(the Job was already created)"
start_operator
job_exists() { k get job restore-r3 -n tenant-a >/dev/null 2>&1; }
wait_for "the Job of r3" 60 job_exists
uid=$(k get job restore-r3 -n tenant-a -o 'jsonpath={.metadata.uid}')
kill_operator "after the Job create"
start_operator
wait_for "r3 Running" 60 phase_is r3 Running
kill_operator "while Running"
start_operator
wait_for "r3 Completed" 90 phase_is r3 Completed
[[ $(k get job restore-r3 -n tenant-a -o 'jsonpath={.metadata.uid}') == "$uid" ]] \
  || fail "the Job of r3 was re-created"
[[ $(k get jobs -n tenant-a -l openbao.org/restore=r3 -o name | wc -l) == 1 ]] \
  || fail "more than one Job for r3"
wait_for "the lock released after r3" 30 lock_free
echo "r3: survived three SIGKILLs, one Job, lock released"
echo "PASS"
