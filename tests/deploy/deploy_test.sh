#!/usr/bin/env bash
# The deployment manifests (deploy/operator/, deploy/tenant/) applied with the real kubectl
# 1.32 to `baorestore devcluster` (issue 7): every object is accepted and exists afterwards,
# re-applying changes nothing (and a changed manifest is merged), the ClusterRole stays
# least-privilege (no "*", no list or watch of Jobs and Secrets, exactly the rules the code
# needs), the Deployment keeps its security settings and runs exactly
# `run --config=/etc/baorestore/config.yaml`, the ConfigMap's config.yaml is a configuration
# `baorestore run --config` accepts, the probes point at /healthz and /readyz on the metrics
# port, and the operator started with the Deployment's args and that file serves /healthz.
# Bounded throughout: every kubectl call has a request timeout, the waits are counted loops,
# and ctest runs the whole script under `timeout`.
#
# Usage: deploy_test.sh BAORESTORE_BINARY SOURCE_DIR
# Exit 77 (ctest SKIP_RETURN_CODE) when /usr/bin/kubectl is missing.
set -uo pipefail
# The operator reads BAORESTORE_* variables over its file: none may leak in from the caller.
for v in ${!BAORESTORE_@}; do unset "$v"; done

bin=$1
src=$2
. "$src/tests/support/cluster.sh"

start_devcluster

# run NAME CMD...: the command must succeed; its output is kept in $work/NAME.
run() {
  local name=$1
  shift
  echo "+ $*"
  "$@" >"$work/$name" 2>&1 || { cat "$work/$name"; echo; fail "$name"; }
  cat "$work/$name"
  # jsonpath output ends without a newline.
  [[ -n $(tail -c1 "$work/$name") ]] && echo
  return 0
}

# expect NAME PATTERN: the output of NAME matches the (extended) regular expression.
expect() {
  grep -Eq -- "$2" "$work/$1" || fail "$1: expected /$2/"
}

# refuse NAME PATTERN: the output of NAME does not match.
refuse() {
  if grep -Eq -- "$2" "$work/$1"; then
    fail "$1: unexpected /$2/: $(grep -E -- "$2" "$work/$1" | head -3)"
  fi
}

run apply_crds k apply -f "$src/deploy/crds/"
run wait_crd k wait --for=condition=Established crd/openbaorestores.openbao.org \
  crd/openbaoclusters.openbao.org --timeout=10s

# Each file in order: a server-side dry run first where the server supports it (it must
# persist nothing). The embedded cluster refuses dryRun=All with a 400 today; then the
# refusal must be that one, and the file is applied for real.
ops=("$src"/deploy/operator/*.yaml)
(( ${#ops[@]} == 6 )) || fail "expected 6 files in deploy/operator/, found ${#ops[@]}"
for f in "${ops[@]}"; do
  base=$(basename "$f" .yaml)
  echo "+ kubectl apply --dry-run=server -f $f"
  if k apply --dry-run=server -f "$f" >"$work/dry_$base" 2>&1; then
    cat "$work/dry_$base"
    expect "dry_$base" '\(server dry run\)'
    if k get -f "$f" >"$work/dry_get_$base" 2>&1; then
      fail "$base: the server dry run persisted an object"
    fi
  else
    cat "$work/dry_$base"
    expect "dry_$base" 'dryRun is not supported'
    echo "(the server refuses dryRun=All: applying for real)"
  fi
  run "apply_$base" k apply -f "$f"
  expect "apply_$base" ' created$'
  refuse "apply_$base" ' (configured|unchanged)$'
done

# Every object exists, by name.
run get_ns k get namespace baorestore-system
run get_sa k -n baorestore-system get serviceaccount baorestore
run get_cr k get clusterrole baorestore
run get_crb k get clusterrolebinding baorestore
run get_role k -n baorestore-system get role baorestore-leader-election
run get_rb k -n baorestore-system get rolebinding baorestore-leader-election
run get_cm k -n baorestore-system get configmap baorestore-config
run get_deploy k -n baorestore-system get deployment baorestore
run get_netpol k -n baorestore-system get networkpolicy baorestore-operator
run get_all k get -f "$src/deploy/operator/" -o name
[[ $(wc -l <"$work/get_all") -eq 9 ]] || fail "expected 9 objects in deploy/operator/"

# Re-apply, twice: nothing changes (client-side apply computes an empty patch and sends none).
for round in 1 2; do
  run "reapply_$round" k apply -f "$src/deploy/operator/"
  [[ $(grep -c ' unchanged$' "$work/reapply_$round") -eq 9 ]] \
    || fail "reapply $round: expected 9 objects unchanged"
  refuse "reapply_$round" ' (created|configured)$'
done

# A changed manifest re-applies as a strategic merge patch (built-ins): the change lands and
# the rest of the object stays; applying the original again restores it.
mkdir "$work/changed"
sed -e 's/periodSeconds: 20/periodSeconds: 30/' -e 's/memory: 256Mi/memory: 300Mi/' \
  "$src/deploy/operator/40-deployment.yaml" >"$work/changed/40-deployment.yaml"
sed -e '0,/port: 9000/s//port: 9001/' \
  "$src/deploy/operator/50-networkpolicy.yaml" >"$work/changed/50-networkpolicy.yaml"
run changed_apply k apply -f "$work/changed/"
expect changed_apply 'deployment.apps/baorestore configured'
expect changed_apply 'networkpolicy.networking.k8s.io/baorestore-operator configured'
run changed_deploy k -n baorestore-system get deployment baorestore -o \
  'jsonpath={.spec.template.spec.containers[0].livenessProbe.periodSeconds} {.spec.template.spec.containers[0].resources.limits.memory} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem} {.spec.template.spec.containers[0].args[1]}'
expect changed_deploy '^30 300Mi registry\.example\.com/platform/baorestore:0\.1\.0 true --config=/etc/baorestore/config\.yaml$'
run changed_netpol k -n baorestore-system get networkpolicy baorestore-operator \
  -o 'jsonpath={.spec.egress[2].ports[*].port}'
expect changed_netpol '^443 9001 4568$'
run restored_apply k apply -f "$src/deploy/operator/"
[[ $(grep -c ' configured$' "$work/restored_apply") -eq 2 ]] || fail "expected 2 objects configured back"
run restored_again k apply -f "$src/deploy/operator/"
[[ $(grep -c ' unchanged$' "$work/restored_again") -eq 9 ]] || fail "expected 9 objects unchanged"

# The restore pods' policy goes into each tenant namespace, named by -n.
run tenant_ns k apply -f "$src/deploy/samples/00-namespace.yaml"
run tenant_apply k apply -n tenant-a -f "$src/deploy/tenant/"
expect tenant_apply 'networkpolicy.networking.k8s.io/baorestore-restore-pods created'
run tenant_reapply k apply -n tenant-a -f "$src/deploy/tenant/"
expect tenant_reapply 'baorestore-restore-pods unchanged'
run tenant_get k -n tenant-a get netpol baorestore-restore-pods \
  -o 'jsonpath={.spec.podSelector.matchLabels.openbao\.org/component} {.spec.policyTypes}'
expect tenant_get '^restore \["Ingress","Egress"\]$'

# RBAC: least privilege. One line per rule: groups|resources|verbs|resourceNames.
rules='{range .rules[*]}{.apiGroups}|{.resources}|{.verbs}|{.resourceNames}{"\n"}{end}'
run cr_rules k get clusterrole baorestore -o "jsonpath=$rules"
run role_rules k -n baorestore-system get role baorestore-leader-election -o "jsonpath=$rules"
for r in cr_rules role_rules; do
  refuse "$r" '"\*"'
  refuse "$r" '"(escalate|bind|impersonate|deletecollection)"'
  refuse "$r" 'nonResourceURLs'
done
refuse cr_rules '"(jobs|secrets)"[^|]*\|[^|]*"(list|watch)"'
refuse cr_rules '"(pods|statefulsets|configmaps|leases|namespaces)"'
# Exactly these rules, in this order: a verb added without a code path that needs it fails
# here (and 20-rbac.yaml says which code path needs each).
cat >"$work/cr_expected" <<'RULES'
["openbao.org"]|["openbaorestores"]|["get","list","watch","patch"]|
["openbao.org"]|["openbaorestores/status"]|["patch"]|
["openbao.org"]|["openbaorestores/finalizers"]|["update"]|
["openbao.org"]|["openbaoclusters"]|["get","list","watch"]|
["openbao.org"]|["openbaoclusters/status"]|["patch"]|
["batch"]|["jobs"]|["get","create","patch","delete"]|
[""]|["secrets"]|["get"]|
[""]|["serviceaccounts"]|["create"]|
[""]|["events"]|["create"]|
RULES
diff "$work/cr_expected" <(sed '/^$/d' "$work/cr_rules") \
  || fail "the ClusterRole's rules differ from the expected least-privilege set"
[[ $(sed '/^$/d' "$work/role_rules") == '["coordination.k8s.io"]|["leases"]|["get","create","update"]|' ]] \
  || fail "the leader-election Role differs"
run crb k get clusterrolebinding baorestore \
  -o 'jsonpath={.roleRef.kind}/{.roleRef.name} {.subjects[0].kind}/{.subjects[0].namespace}/{.subjects[0].name}'
expect crb '^ClusterRole/baorestore ServiceAccount/baorestore-system/baorestore$'

# The Deployment: two replicas with a rolling update (leader election), in-cluster
# configuration, and the pod's security settings.
d='{.spec.replicas} {.spec.strategy.type} {.spec.template.spec.serviceAccountName}'
d+=' {.spec.template.spec.automountServiceAccountToken}'
d+=' {.spec.template.spec.securityContext.runAsNonRoot}'
d+=' {.spec.template.spec.securityContext.seccompProfile.type}'
d+=' {.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem}'
d+=' {.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation}'
d+=' {.spec.template.spec.containers[0].securityContext.capabilities.drop}'
run deploy_sec k -n baorestore-system get deployment baorestore -o "jsonpath=$d"
expect deploy_sec '^2 RollingUpdate baorestore true true RuntimeDefault true false \["ALL"\]$'
run deploy_res k -n baorestore-system get deployment baorestore \
  -o 'jsonpath={.spec.template.spec.containers[0].resources.requests.memory} {.spec.template.spec.containers[0].resources.limits.memory}'
expect deploy_res '^[0-9]+[MG]i [0-9]+[MG]i$'
run deploy_args k -n baorestore-system get deployment baorestore \
  -o 'jsonpath={range .spec.template.spec.containers[0].args[*]}{@}{"\n"}{end}'
# Exactly these args: every setting comes from the ConfigMap, none from flags.
printf '%s\n' run --config=/etc/baorestore/config.yaml >"$work/args_expected"
diff "$work/args_expected" <(sed '/^$/d' "$work/deploy_args") \
  || fail "the Deployment's args are not exactly \`run --config=/etc/baorestore/config.yaml\`"
m='{range .spec.template.spec.containers[0].volumeMounts[?(@.name=="config")]}{.mountPath} {.readOnly}{end}'
m+=' {range .spec.template.spec.volumes[?(@.name=="config")]}{.configMap.name}{end}'
run deploy_mount k -n baorestore-system get deployment baorestore -o "jsonpath=$m"
expect deploy_mount '^/etc/baorestore true baorestore-config$'

# The ConfigMap's config.yaml is a configuration the binary accepts (unknown keys are
# refused, exit 2), with the ConfigMap's values.
echo "+ k -n baorestore-system get configmap baorestore-config -o jsonpath={.data.config\\.yaml}"
k -n baorestore-system get configmap baorestore-config -o 'jsonpath={.data.config\.yaml}' \
  >"$work/config.yaml" || fail "reading the ConfigMap's config.yaml"
[[ -s $work/config.yaml ]] || fail "the ConfigMap has no config.yaml"
cat "$work/config.yaml"
run print_config "$bin" run --config "$work/config.yaml" --print-config
expect print_config '^qps: 50$'
expect print_config '^watchedNamespaces: \["tenant-a"\]$'
expect print_config '^executorImage: "ghcr\.io/dc-tec/openbao-backup:0\.1\.0"$'
expect print_config '^metricsAddress: "0\.0\.0\.0:[0-9]+"$'
metrics_port=$(sed -n 's/^metricsAddress: "0\.0\.0\.0:\([0-9]*\)"$/\1/p' "$work/print_config")

# The probes: /healthz and /readyz on the container port `metrics`, metricsAddress's port.
c='.spec.template.spec.containers[0]'
p="{$c.ports[?(@.name==\"metrics\")].containerPort}"
p+=" {$c.livenessProbe.httpGet.path} {$c.livenessProbe.httpGet.port}"
p+=" {$c.readinessProbe.httpGet.path} {$c.readinessProbe.httpGet.port}"
run deploy_probes k -n baorestore-system get deployment baorestore -o "jsonpath=$p"
expect deploy_probes "^$metrics_port /healthz metrics /readyz metrics\$"

# The Deployment's own args run: with the ConfigMap's file in place of the mounted one, this
# server's kubeconfig instead of the in-cluster configuration, and the metrics address moved
# to a free loopback port (flags override the file), until it serves /healthz.
args=()
while IFS= read -r a; do
  [[ -z $a ]] && continue
  [[ $a == --config=/etc/baorestore/config.yaml ]] && a=--config=$work/config.yaml
  args+=("$a")
done <"$work/deploy_args"
echo "+ $bin ${args[*]} --kubeconfig $work/kubeconfig --metrics-address 127.0.0.1:0"
"$bin" "${args[@]}" --kubeconfig "$work/kubeconfig" --metrics-address 127.0.0.1:0 \
  >"$work/operator.out" 2>"$work/operator.err" &
operator_pid=$!
for _ in $(seq 100); do
  grep -q '^run: metrics and health on http://' "$work/operator.out" && break
  kill -0 "$operator_pid" 2>/dev/null || break
  sleep 0.1
done
cat "$work/operator.out" "$work/operator.err"
expect operator.out '^run: operator started'
expect operator.out '^run: metrics and health on http://127\.0\.0\.1:[0-9]+/metrics'
ops=$(grep -m1 -oE '^run: metrics and health on http://127\.0\.0\.1:[0-9]+' "$work/operator.out")
ops=${ops#run: metrics and health on }
run healthz curl -sf --max-time 5 "$ops/healthz"
expect healthz '^ok$'
# Ready once the restore watch has synced with this server (the readiness probe's answer).
for _ in $(seq 50); do
  curl -sf --max-time 5 "$ops/readyz" >"$work/readyz" 2>&1 && break
  sleep 0.1
done
cat "$work/readyz"
expect readyz '^ok$'
kill -TERM "$operator_pid"
for _ in $(seq 100); do
  kill -0 "$operator_pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$operator_pid" 2>/dev/null && fail "the operator did not stop on SIGTERM"
wait "$operator_pid"
rc=$?
operator_pid=
[[ $rc -eq 0 ]] || fail "the operator exited $rc on SIGTERM"
echo "PASS"
