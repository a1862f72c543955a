#!/usr/bin/env bash
# Drives `baorestore devcluster` with the real kubectl 1.32 (issue 4, KUBECTL.md): discovery
# with its fallback to legacy documents, default client-side validation against the minimal
# openapi, client-side apply, tables with printer columns, watch, patch, the immutability
# rule, finalizers and delete. Bounded throughout: every kubectl call has a request timeout,
# the waits are counted loops, and ctest runs the whole script under `timeout`.
#
# Usage: kubectl_test.sh BAORESTORE_BINARY SOURCE_DIR
# Exit 77 (ctest SKIP_RETURN_CODE) when /usr/bin/kubectl is missing.
set -uo pipefail

bin=$1
src=$2
. "$src/tests/support/cluster.sh"

start_devcluster

# run NAME CMD...: the command must succeed; its output is kept in $work/NAME.
run() {
  local name=$1
  shift
  echo "+ $*"
  "$@" >"$work/$name" 2>&1 || { cat "$work/$name"; fail "$name"; }
  cat "$work/$name"
}

# expect NAME PATTERN: the output of NAME matches the (extended) regular expression.
expect() {
  grep -Eq -- "$2" "$work/$1" || fail "$1: expected /$2/"
}

run apply_crds k apply -f "$src/deploy/crds/"
run wait_crd k wait --for=condition=Established crd/openbaorestores.openbao.org --timeout=10s
run apply_samples k apply -f "$src/deploy/samples/"
expect apply_samples 'openbaorestore.openbao.org/restore-1 created'
expect apply_samples 'secret/s3-credentials created'
run reapply k apply -f "$src/deploy/samples/30-restore.yaml"
expect reapply 'restore-1 unchanged'

run get k get obrestore -n tenant-a
expect get '^NAME +CLUSTER +PHASE +AGE'
expect get '^restore-1 +vault'
run get_yaml k get obrestore restore-1 -n tenant-a -o yaml
expect get_yaml 'cluster: vault'
expect get_yaml 'uid: '
run describe k describe obrestore restore-1 -n tenant-a
expect describe 'Cluster: +vault'

run patch k patch obrestore restore-1 -n tenant-a --type merge -p '{"metadata":{"labels":{"team":"a"}}}'
expect patch 'patched'
run labels k get obrestore -n tenant-a --show-labels
expect labels 'team=a'

# The spec is immutable: a patch and an edit are both refused with the rule's message.
echo "+ kubectl patch (spec change, must fail)"
if k patch obrestore restore-1 -n tenant-a --type merge -p '{"spec":{"cluster":"other"}}' >"$work/immutable" 2>&1; then
  fail "a spec change was accepted"
fi
cat "$work/immutable"
expect immutable 'spec: Forbidden: spec is immutable'
cat >"$work/editor.sh" <<EDIT
#!/bin/sh
cat "\$1" >>"$work/edit_rounds"
sed -i 's/cluster: vault/cluster: other/' "\$1"
EDIT
chmod +x "$work/editor.sh"
echo "+ kubectl edit (spec change, must fail)"
if TMPDIR="$work" EDITOR="$work/editor.sh" timeout 30 "$kubectl_bin" --kubeconfig="$work/kubeconfig" \
    --cache-dir="$work/cache" --request-timeout=10s edit obrestore restore-1 -n tenant-a \
    >"$work/edit" 2>&1; then
  fail "an edit of the spec was accepted"
fi
cat "$work/edit"
expect edit_rounds '# \* spec: Forbidden: spec is immutable'

# get -w sees a change made while it watches.
echo "+ kubectl get -w (while labelling)"
timeout 8 "$kubectl_bin" --kubeconfig="$work/kubeconfig" --cache-dir="$work/cache" \
  get obrestore restore-1 -n tenant-a -w -o custom-columns=NAME:.metadata.name,STEP:.metadata.labels.step \
  >"$work/watch" 2>&1 &
watch_pid=$!
sleep 2
run label k label obrestore restore-1 -n tenant-a step=two
for _ in $(seq 50); do
  grep -q 'two' "$work/watch" && break
  sleep 0.1
done
kill "$watch_pid" 2>/dev/null
wait "$watch_pid" 2>/dev/null
cat "$work/watch"
expect watch 'restore-1 +two'

# Built-ins are patched with strategic merge patch on re-apply: changing one env var of a
# Job keeps its container's image (a plain merge patch would replace the container list).
cat >"$work/job.yaml" <<JOB
apiVersion: batch/v1
kind: Job
metadata:
  name: restore-job
  namespace: tenant-a
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: restore
          image: ghcr.io/dc-tec/openbao-backup:0.1.0
          env:
            - {name: A, value: "1"}
            - {name: B, value: "2"}
JOB
run job_create k apply -f "$work/job.yaml"
sed -i 's/value: "2"/value: "3"/' "$work/job.yaml"
run job_update k apply -f "$work/job.yaml"
expect job_update 'job.batch/restore-job configured'
run job_get k get job restore-job -n tenant-a \
  -o 'jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env[1].value}'
expect job_get '^ghcr.io/dc-tec/openbao-backup:0.1.0 3$'

# The CRD schema: unknown fields refused under kubectl's default --validate=strict, and
# required fields enforced (422 with a FieldValueRequired cause).
sed -e 's/name: restore-1/name: restore-2/' -e 's/^  cluster: vault/  cluster: vault\n  colour: blue/' \
  "$src/deploy/samples/30-restore.yaml" >"$work/unknown.yaml"
echo "+ kubectl apply (unknown field, must fail)"
if k apply -f "$work/unknown.yaml" >"$work/unknown" 2>&1; then
  fail "an unknown field was accepted"
fi
cat "$work/unknown"
expect unknown 'strict decoding error: unknown field "spec.colour"'
sed -e 's/name: restore-1/name: restore-2/' -e '/^  cluster: vault/d' \
  "$src/deploy/samples/30-restore.yaml" >"$work/required.yaml"
echo "+ kubectl create (required field missing, must fail)"
if k create -f "$work/required.yaml" >"$work/required" 2>&1; then
  fail "a restore without spec.cluster was accepted"
fi
cat "$work/required"
expect required 'spec.cluster: Required value'

# A finalizer holds the delete; kubectl delete waits (list + watch) until it is cleared.
run finalize k patch obrestore restore-1 -n tenant-a --type merge \
  -p '{"metadata":{"finalizers":["openbao.org/openbaorestore-finalizer"]}}'
run delete_nowait k delete obrestore restore-1 -n tenant-a --wait=false
run terminating k get obrestore restore-1 -n tenant-a -o yaml
expect terminating 'deletionTimestamp'
(sleep 2 && k patch obrestore restore-1 -n tenant-a --type json \
  -p '[{"op":"remove","path":"/metadata/finalizers"}]' >"$work/unfinalize" 2>&1) &
run delete k delete obrestore restore-1 -n tenant-a --timeout=20s
expect delete '"restore-1" deleted'
echo "+ kubectl get (after delete, must be NotFound)"
if k get obrestore restore-1 -n tenant-a >"$work/gone" 2>&1; then
  fail "restore-1 still exists"
fi
cat "$work/gone"
expect gone 'Error from server \(NotFound\): openbaorestores.openbao.org "restore-1" not found'

# Kubectl's fallback from aggregated discovery: with legacy documents only, it asks each
# group version (/api/v1, /apis/<g>/<v>) and everything above still works. This server
# also speaks HTTPS with a generated certificate and wants the bearer token that its
# printed kubeconfig carries.
stop_devcluster
start_devcluster --legacy-discovery --tls
grep -q '^    server: https://' "$work/kubeconfig" || fail "no https server in the kubeconfig"
echo "+ kubectl --token=wrong get ns (must fail)"
if k --token=wrong get ns >"$work/unauthorized" 2>&1; then
  fail "a wrong token was accepted"
fi
cat "$work/unauthorized"
expect unauthorized 'You must be logged in to the server'

run legacy_crds k apply -f "$src/deploy/crds/" -v=6
expect legacy_crds 'GET https://[0-9.:]+/apis/openbao.org/v1alpha1\?'
run legacy_samples k apply -f "$src/deploy/samples/"
expect legacy_samples 'openbaorestore.openbao.org/restore-1 created'
run legacy_get k get obrestore -n tenant-a
expect legacy_get '^restore-1 +vault'
echo "+ kubectl get -w over https (while labelling)"
timeout 8 "$kubectl_bin" --kubeconfig="$work/kubeconfig" --cache-dir="$work/cache" \
  get obrestore restore-1 -n tenant-a -w -o custom-columns=NAME:.metadata.name,STEP:.metadata.labels.step \
  >"$work/tls_watch" 2>&1 &
watch_pid=$!
sleep 2
run tls_label k label obrestore restore-1 -n tenant-a step=three
for _ in $(seq 50); do
  grep -q 'three' "$work/tls_watch" && break
  sleep 0.1
done
kill "$watch_pid" 2>/dev/null
wait "$watch_pid" 2>/dev/null
cat "$work/tls_watch"
expect tls_watch 'restore-1 +three'
# Persistence through the CLI (--data-dir): a restart recovers every object with its exact
# resourceVersion, and the next write continues the revision sequence.
stop_devcluster
start_devcluster --data-dir "$work/data"
run persist_apply k apply -f "$src/deploy/samples/"
run persist_label k label obrestore restore-1 -n tenant-a kept=yes
run persist_rv k get obrestore restore-1 -n tenant-a -o 'jsonpath={.metadata.resourceVersion} {.metadata.uid}'
stop_devcluster
start_devcluster --data-dir "$work/data"
run persist_after k get obrestore restore-1 -n tenant-a -o 'jsonpath={.metadata.resourceVersion} {.metadata.uid}'
[[ $(cat "$work/persist_after") == "$(cat "$work/persist_rv")" ]] \
  || fail "resourceVersion/uid changed across the restart"
run persist_labels k get obrestore restore-1 -n tenant-a --show-labels
expect persist_labels 'kept=yes'
run persist_write k label obrestore restore-1 -n tenant-a kept=again --overwrite
run persist_rv2 k get obrestore restore-1 -n tenant-a -o 'jsonpath={.metadata.resourceVersion}'
(( $(cat "$work/persist_rv2") > $(cut -d' ' -f1 "$work/persist_rv") )) \
  || fail "the resourceVersion did not grow after the restart"
echo "PASS"
