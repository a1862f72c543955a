#!/usr/bin/env bash
# Leader election (issue 7): two `baorestore run` replicas with leaderElection enabled against
# `baorestore devcluster`, driven with the real kubectl. Exactly one leads (and reconciles);
# the follower is ready but idle; when the leader is SIGKILLed the follower takes over after
# the lease expires and reconciles; a graceful stop releases the Lease.
#
# Usage: leader_test.sh BAORESTORE_BINARY SOURCE_DIR   (exit 77 without /usr/bin/kubectl)
set -uo pipefail

bin=$1
src=$2
. "$src/tests/support/cluster.sh"

fail_details() {
  for i in 1 2; do echo "--- replica $i:"; tail -5 "$work/op$i.out" 2>/dev/null; tail -5 "$work/op$i.err" 2>/dev/null; done
}

start_devcluster --job-duration 1s
k apply -f "$src/deploy/samples/00-namespace.yaml" -f "$src/deploy/samples/10-cluster.yaml" \
  -f "$src/deploy/samples/21-restore-token.yaml" >/dev/null || fail "apply samples"
k patch openbaocluster vault -n tenant-a --subresource=status --type merge \
  -p '{"status":{"initialized":true}}' >/dev/null || fail "patch cluster status"

cat >"$work/config.yaml" <<YAML
kubeconfig: $work/kubeconfig
metricsAddress: 127.0.0.1:0
leaderElection:
  enabled: true
  leaseNamespace: default
  leaseDuration: 4s
  renewDeadline: 3s
  retryPeriod: 1s
YAML

start_replica() {
  "$bin" run --config "$work/config.yaml" --quiet >"$work/op$1.out" 2>"$work/op$1.err" &
  eval "pid$1=$!"
  pids+=($!)
}
leading() { grep -q '^run: leading' "$work/op$1.out"; }
one_leads() { leading 1 || leading 2; }
metrics_of() { sed -n 's|^run: metrics and health on \(http://[0-9.:]*\)/metrics.*|\1|p' "$work/op$1.out"; }

restore_applied() {
  k apply -f - >/dev/null <<YAML
apiVersion: openbao.org/v1alpha1
kind: OpenBaoRestore
metadata: {name: $1, namespace: tenant-a}
spec:
  cluster: vault
  source: {target: {bucket: b}, key: k-$1}
  tokenSecretRef: {name: restore-token}
YAML
}
completed() { [[ $(k get obrestore "$1" -n tenant-a -o 'jsonpath={.status.phase}' 2>/dev/null) == Completed ]]; }

start_replica 1
start_replica 2
wait_for "a leader" 20 one_leads
sleep 3 # several retry periods: the other must still follow
if leading 1 && leading 2; then fail "both replicas lead"; fi
leader=1 follower=2
leading 1 || { leader=2 follower=1; }
echo "replica $leader leads, replica $follower follows"
follower_url=$(metrics_of $follower)
curl -sf "$follower_url/readyz" | grep -qx ok || fail "the follower is not ready"
curl -sf "$follower_url/metrics" | grep -qx 'baorestore_leader 0' || fail "the follower's baorestore_leader is not 0"
curl -sf "$(metrics_of $leader)/metrics" | grep -qx 'baorestore_leader 1' || fail "the leader's baorestore_leader is not 1"

restore_applied r1
wait_for "r1 Completed under the first leader" 30 completed r1
holder=$(k get lease baorestore-leader -n default -o 'jsonpath={.spec.holderIdentity}')
[[ -n $holder ]] || fail "the Lease has no holder"

eval "kill -9 \$pid$leader"
echo "replica $leader SIGKILLed"
wait_for "replica $follower to take over" 20 leading $follower
restore_applied r2
wait_for "r2 Completed under the new leader" 30 completed r2
[[ $(k get lease baorestore-leader -n default -o 'jsonpath={.spec.holderIdentity}') != "$holder" ]] \
  || fail "the Lease still names the dead leader"

eval "kill -TERM \$pid$follower"
eval "wait \$pid$follower"
rc=$?
[[ $rc == 0 ]] || fail "the leader did not stop cleanly on SIGTERM (exit $rc)"
released() { [[ -z $(k get lease baorestore-leader -n default -o 'jsonpath={.spec.holderIdentity}') ]]; }
wait_for "the Lease released" 10 released
echo "PASS"
