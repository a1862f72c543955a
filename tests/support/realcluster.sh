# shellcheck shell=bash
# Shared setup of the shell tests that run against the real control plane (scripts/controlplane:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler and KWOK built from pinned Go
# modules). A test sets bin (the baorestore binary) and src (the source tree), then sources
# this file. It never skips: a control plane that cannot be built or started fails the test.
# It makes the scratch directory $work, starts the control plane in $work/cp, applies
# deploy/crds with plain `kubectl apply` (kubectl's default validation) and deploy/operator's
# namespace, ServiceAccount, RBAC and ConfigMap, and writes $work/operator.kubeconfig holding a
# token of the ServiceAccount that deploy/ binds, so the operator's every request is
# authorized by real RBAC. It provides:
#   k ARGS...                    kubectl as the admin, with a request timeout
#   fail MESSAGE / wait_for WHAT SECONDS CMD...   as in cluster.sh
#   start_operator NAME [FLAGS]  `baorestore run` as the operator's ServiceAccount, its output
#                                in $work/NAME.out/.err; sets ${NAME}_pid
#   kill9 NAME                   SIGKILL the operator NAME and reap it
#   tenant NS CLUSTER            a namespace with an initialized OpenBaoCluster and the Secret
#                                restore-token
# The EXIT trap stops every process the test started, then the control plane.

set -uo pipefail
kubectl_bin=/usr/bin/kubectl
[[ -x $kubectl_bin ]] || { echo "FAIL: $kubectl_bin not found"; exit 1; }

work=$(mktemp -d /tmp/baorestore-real.XXXXXX)
pids=()
cp_pid=

fail_details() {
  local f
  for f in "$work"/*.err; do
    [[ -e $f ]] || continue
    echo "--- $(basename "$f") (last 25 lines):"
    tail -25 "$f"
  done
}

fail() {
  echo "FAIL: $*"
  fail_details
  exit 1
}

cleanup() {
  local p
  for p in "${pids[@]}"; do
    [[ -n $p ]] && kill -9 "$p" 2>/dev/null && wait "$p" 2>/dev/null
  done
  if [[ -n $cp_pid ]]; then
    kill "$cp_pid" 2>/dev/null
    wait "$cp_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

k() {
  "$kubectl_bin" --kubeconfig="$work/cp/admin.kubeconfig" --cache-dir="$work/cache" \
    --request-timeout=15s "$@"
}

wait_for() { # a deadline in wall-clock seconds, however long each check takes
  local what=$1 deadline=$((SECONDS + $2))
  shift 2
  until "$@"; do
    [[ $SECONDS -lt $deadline ]] || fail "timed out waiting for: $what"
    sleep 0.2
  done
}

cp_ready() {
  [[ -e $work/cp/ready ]] && return 0
  kill -0 "$cp_pid" 2>/dev/null || fail "the control plane exited before it was ready: $(tail -5 "$work/cp.err")"
  return 1
}

mkdir -p "$work/cp"
"$src/scripts/controlplane" up --dir "$work/cp" >"$work/cp.out" 2>"$work/cp.err" &
cp_pid=$!
# The first build of the control plane is the slow part; `.ci/run` builds it before the tests
# (scripts/test), so here it is normally cached and this waits for the start only.
wait_for "the control plane" 600 cp_ready
echo "control plane: $(grep -m1 -oE 'https://[0-9.:]+' "$work/cp.out")"

k apply -f "$src/deploy/crds" >/dev/null || fail "kubectl apply of deploy/crds"
k wait --for condition=Established --timeout=60s crd/openbaorestores.openbao.org \
  crd/openbaoclusters.openbao.org >/dev/null || fail "the CRDs were not established"
for f in 00-namespace 10-serviceaccount 20-rbac 30-config; do
  k apply -f "$src/deploy/operator/$f.yaml" >/dev/null || fail "kubectl apply of deploy/operator/$f.yaml"
done
sa_token=$(k -n baorestore-system create token baorestore --duration=4h) || fail "create token"
sed "s|token: .*|token: $sa_token|" "$work/cp/admin.kubeconfig" >"$work/operator.kubeconfig"
chmod 600 "$work/operator.kubeconfig"

# start_operator NAME [FLAGS...]
start_operator() {
  local name=$1
  shift
  "$bin" run --kubeconfig "$work/operator.kubeconfig" --metrics-address 127.0.0.1:0 "$@" \
    >>"$work/$name.out" 2>>"$work/$name.err" &
  eval "${name}_pid=$!"
  pids+=($!)
}

kill9() {
  local pid_var="${1}_pid"
  kill -9 "${!pid_var}" 2>/dev/null
  wait "${!pid_var}" 2>/dev/null
}

# tenant NS CLUSTER: a namespace with an initialized OpenBaoCluster and a token Secret.
tenant() {
  k apply -f - >/dev/null <<YAML || fail "tenant $1"
apiVersion: v1
kind: Namespace
metadata: {name: $1}
---
apiVersion: openbao.org/v1alpha1
kind: OpenBaoCluster
metadata: {name: $2, namespace: $1}
spec: {version: 2.4.0}
---
apiVersion: v1
kind: Secret
metadata: {name: restore-token, namespace: $1}
stringData: {token: s.test-token}
YAML
  k -n "$1" patch openbaocluster "$2" --subresource=status --type merge \
    -p '{"status":{"initialized":true}}' >/dev/null || fail "initialize $1/$2"
}
