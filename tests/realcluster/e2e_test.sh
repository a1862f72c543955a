#!/usr/bin/env bash
# The operator end to end on the real control plane (issue 15): kube-apiserver with RBAC and
# the CRDs' schemas and CEL rules, the real Job and garbage-collector controllers, a scheduler,
# and KWOK playing the kubelet (tests/controlplane/stages.yaml: the executor image decides how
# a pod ends). The operator runs as the ServiceAccount deploy/operator binds, so a request its
# ClusterRole does not allow fails the scenario that needs it.
#
# Scenarios (each names what it proves):
#   complete   a restore completes through a real Job and a KWOK pod; the lock is released
#   backup     a restore waits behind a Backup lock and runs once it is released
#   override   force + overrideOperationLock takes an Upgrade lock, with a Warning Event
#   failjob    a restore whose Job fails is Failed and its lock released
#   cancel     deleting a Running restore stops its Job and pod before the lock is released
#   joblost    a Job deleted under a Running restore gives JobLost and no second Job
#   kill9      SIGKILL of the operator while Running: after a restart it completes, one Job
#   longname   a restore named with 200 characters completes (its labels stay valid)
#   schema     the CRD refuses what the schema and CEL rules refuse
#   newfields  upstream's newer spec fields are accepted; restore into a new cluster NotSupported
#
# Usage: e2e_test.sh BAORESTORE_BINARY SOURCE_DIR [SCENARIO...]   (default: all)
bin=$1
src=$2
shift 2
. "$src/tests/support/realcluster.sh"

ns=tenant-a
tenant "$ns" vault
tenant tenant-b vault

phase() { k -n "$1" get obrestore "$2" -o 'jsonpath={.status.phase}' 2>/dev/null; }
phase_is() { [[ $(phase "$1" "$2") == "$3" ]]; }
holder() { k -n "$1" get openbaocluster "$2" -o 'jsonpath={.status.operationLock.holder}' 2>/dev/null; }
lock_free() { [[ -z $(holder "$1" "$2") ]]; }
jobs_of() { # how many Jobs in namespace $1 are owned by the restore named $2
  k -n "$1" get jobs -o json 2>/dev/null | python3 -c '
import json, sys
owned = [j for j in json.load(sys.stdin)["items"]
         if any(o.get("kind") == "OpenBaoRestore" and o.get("name") == sys.argv[1]
                for o in j["metadata"].get("ownerReferences", []))]
print(len(owned))' "$2"
}
job_of() { # the name of the Job in namespace $1 owned by the restore named $2
  k -n "$1" get jobs -o json 2>/dev/null | python3 -c '
import json, sys
for j in json.load(sys.stdin)["items"]:
    if any(o.get("kind") == "OpenBaoRestore" and o.get("name") == sys.argv[1]
           for o in j["metadata"].get("ownerReferences", [])):
        print(j["metadata"]["name"])' "$2"
}
pods_of_job() { k -n "$1" get pods -l "job-name=$2" -o name 2>/dev/null | wc -l; }
gone() { ! k -n "$1" get "$2" "$3" >/dev/null 2>&1; }

# restore NS NAME [image] [extra spec YAML lines...]
restore() {
  local n=$1 name=$2 image=${3:-baorestore.test/executor:ok}
  local source="source: {target: {bucket: openbao-backups}, key: clusters/vault/$name.snap}"
  [[ -n ${SOURCE:-} ]] && source=$SOURCE
  shift 3 2>/dev/null || shift $#
  {
    cat <<YAML
apiVersion: openbao.org/v1alpha1
kind: OpenBaoRestore
metadata: {name: $name, namespace: $n}
spec:
  cluster: vault
  image: $image
  $source
  tokenSecretRef: {name: restore-token}
YAML
    for line in "$@"; do echo "  $line"; done
  } | k apply -f - >/dev/null || fail "apply restore $n/$name"
}

start_operator op --job-poll-initial 0.5 --job-poll-ceiling 2
wait_for "the operator to start" 30 grep -q '^run: ' "$work/op.out"

scenario_complete() {
  restore $ns r-complete
  wait_for "r-complete Completed" 90 phase_is $ns r-complete Completed
  wait_for "the lock released after r-complete" 30 lock_free $ns vault
  [[ $(jobs_of $ns r-complete) == 1 ]] || fail "r-complete: expected one Job"
  local job
  job=$(job_of $ns r-complete)
  [[ $(k -n $ns get job "$job" -o 'jsonpath={.status.conditions[?(@.type=="Complete")].status}') == True ]] \
    || fail "r-complete: its Job is not Complete according to the Job controller"
}

scenario_backup() {
  k -n $ns patch openbaocluster vault --subresource=status --type merge \
    -p '{"status":{"operationLock":{"operation":"Backup","holder":"openbaocluster/backup","message":"nightly backup"}}}' \
    >/dev/null || fail "write the Backup lock"
  restore $ns r-backup
  wait_for "r-backup waits for the Backup lock" 60 bash -c \
    "[[ \$(kubectl --kubeconfig '$work/cp/admin.kubeconfig' -n $ns get obrestore r-backup -o 'jsonpath={.status.message}') == *'waiting for lock held by Backup'* ]]"
  [[ $(jobs_of $ns r-backup) == 0 ]] || fail "r-backup has a Job while a Backup holds the lock"
  k -n $ns patch openbaocluster vault --subresource=status --type merge \
    -p '{"status":{"operationLock":null}}' >/dev/null || fail "release the Backup lock"
  wait_for "r-backup Completed after the release" 90 phase_is $ns r-backup Completed
  wait_for "the lock released after r-backup" 30 lock_free $ns vault
}

scenario_override() {
  k -n tenant-b patch openbaocluster vault --subresource=status --type merge \
    -p '{"status":{"operationLock":{"operation":"Upgrade","holder":"openbaocluster/upgrade","message":"upgrade to 2.5"}}}' \
    >/dev/null || fail "write the Upgrade lock"
  restore tenant-b r-override baorestore.test/executor:ok "force: true" "overrideOperationLock: true"
  wait_for "r-override Completed over the Upgrade lock" 90 phase_is tenant-b r-override Completed
  k -n tenant-b get events --field-selector type=Warning -o jsonpath='{.items[*].reason}' \
    | grep -q . || fail "no Warning Event for the override"
  wait_for "the lock released after r-override" 30 lock_free tenant-b vault
}

scenario_failjob() {
  restore $ns r-fail baorestore.test/executor:fail
  wait_for "r-fail Failed" 90 phase_is $ns r-fail Failed
  wait_for "the lock released after r-fail" 30 lock_free $ns vault
}

scenario_cancel() {
  restore $ns r-cancel baorestore.test/executor:hang
  wait_for "r-cancel Running" 90 phase_is $ns r-cancel Running
  local job
  job=$(job_of $ns r-cancel)
  wait_for "r-cancel's pod to run" 60 bash -c "[[ \$(kubectl --kubeconfig '$work/cp/admin.kubeconfig' -n $ns get pods -l job-name=$job -o name | wc -l) -ge 1 ]]"
  k -n $ns delete obrestore r-cancel --wait=false >/dev/null || fail "delete r-cancel"
  # While the Job or its pod exists, the lock must still be held by r-cancel.
  for _ in $(seq 300); do
    if k -n $ns get job "$job" >/dev/null 2>&1 || [[ $(pods_of_job $ns "$job") != 0 ]]; then
      [[ $(holder $ns vault) == openbaorestore/r-cancel/* ]] || fail "the lock was released while r-cancel's Job or pod still existed"
    else
      break
    fi
    sleep 0.2
  done
  wait_for "r-cancel gone" 60 gone $ns obrestore r-cancel
  wait_for "the lock released after r-cancel" 30 lock_free $ns vault
}

scenario_joblost() {
  restore $ns r-lost baorestore.test/executor:hang
  wait_for "r-lost Running" 90 phase_is $ns r-lost Running
  local job
  job=$(job_of $ns r-lost)
  k -n $ns delete job "$job" --cascade=background >/dev/null || fail "delete r-lost's Job"
  wait_for "r-lost Failed" 90 phase_is $ns r-lost Failed
  k -n $ns get obrestore r-lost -o jsonpath='{.status.conditions[*].reason}' | grep -q JobLost \
    || fail "r-lost did not fail with JobLost: $(k -n $ns get obrestore r-lost -o jsonpath='{.status.message}')"
  sleep 3
  [[ $(jobs_of $ns r-lost) == 0 ]] || fail "a second Job was created for r-lost"
  wait_for "the lock released after r-lost" 30 lock_free $ns vault
}

scenario_kill9() {
  restore $ns r-kill baorestore.test/executor:slow
  wait_for "r-kill Running" 90 phase_is $ns r-kill Running
  kill9 op
  sleep 1
  start_operator op --job-poll-initial 0.5 --job-poll-ceiling 2
  wait_for "r-kill Completed after the restart" 120 phase_is $ns r-kill Completed
  [[ $(jobs_of $ns r-kill) == 1 ]] || fail "r-kill: expected exactly one Job after the restart"
  wait_for "the lock released after r-kill" 30 lock_free $ns vault
}

scenario_longname() {
  local name
  name=r-$(printf 'x%.0s' $(seq 198))
  restore $ns "$name"
  wait_for "the 200-character restore Completed" 90 phase_is $ns "$name" Completed
  wait_for "the lock released after the 200-character restore" 30 lock_free $ns vault
}

scenario_schema() {
  # Each must be refused by the real API server (the CRD's schema and CEL rules).
  local bad
  for bad in "force: \"yes\"" "overrideOperationLock: true" "tokenSecretRef: {name: Not_A_Name}" \
             "image: \"\""; do
    if restore_spec_applies "$bad"; then fail "the API server accepted a restore with: $bad"; fi
  done
}
restore_spec_applies() {
  k apply -f - >/dev/null 2>&1 <<YAML
apiVersion: openbao.org/v1alpha1
kind: OpenBaoRestore
metadata: {name: r-schema, namespace: $ns}
spec:
  cluster: vault
  source: {target: {bucket: b}, key: k}
  $1
YAML
}

scenario_newfields() {
  # Upstream's newer spec fields: the CRD carries them, the operator decodes them; the
  # snapshot checks run in the Job, restore into a new cluster is refused as NotSupported.
  SOURCE="source: {target: {bucket: openbao-backups}, key: k, expectedSize: 1024, expectedDigest: \"sha256:$(printf '0%.0s' $(seq 64))\"}" \
    restore $ns r-digest baorestore.test/executor:ok
  wait_for "r-digest Completed" 90 phase_is $ns r-digest Completed
  restore $ns r-template baorestore.test/executor:ok "clusterTemplate: {spec: {version: 2.4.0}}"
  wait_for "r-template Failed" 60 phase_is $ns r-template Failed
  k -n $ns get obrestore r-template -o jsonpath='{.status.conditions[*].reason}' | grep -q NotSupported \
    || fail "r-template did not fail NotSupported: $(k -n $ns get obrestore r-template -o jsonpath='{.status.message}')"
  [[ $(jobs_of $ns r-template) == 0 ]] || fail "r-template got a Job"
  wait_for "the lock free after r-digest and r-template" 30 lock_free $ns vault
}

all=(complete backup override failjob cancel joblost kill9 longname schema newfields)
for s in "${@:-${all[@]}}"; do
  echo "+ $s"
  start=$SECONDS
  "scenario_$s"
  echo "  ok ($((SECONDS - start)) s)"
done
echo "PASS: ${*:-${all[*]}}"
