#!/usr/bin/env bash
# `baorestore lock` end to end (issue 8): the client against the operator's lock service
# (`baorestore run --config` with a lockService block) over TLS with a CA from
# `openssl req -x509`, the lock state checked through the embedded API server with kubectl.
#   1. show/acquire/renew/release: exit 0 when granted, 3 when busy or not the holder,
#      4 for a token of another tenant or an unknown token, 1 for an unknown cluster, for an
#      untrusted server certificate and for a refused connection;
#   2. lock run: the lock is held while the command runs and renewed; a failing command
#      releases it and lock run exits with the command's code;
#   3. lock run killed with SIGTERM while the command runs: the signal reaches the command,
#      the lock is released, lock run exits 143 and the command is gone;
#   4. lock run on a busy cluster exits 3 and never starts the command;
#   5. deploy/examples/backup-cronjob.yaml parses (kubectl, offline), wraps its script with
#      `baorestore lock run`, and its Secret and ConfigMaps apply to the cluster.
# Every wait is a counted loop; ctest runs the whole script under `timeout`.
#
# Usage: lock_cli_test.sh BAORESTORE_BINARY SOURCE_DIR
# Exit 77 (ctest SKIP_RETURN_CODE) when /usr/bin/kubectl or openssl is missing.
set -uo pipefail
# The operator and the client read BAORESTORE_* variables: none may leak in from the caller.
for v in ${!BAORESTORE_@}; do unset "$v"; done

bin=$1
src=$2
. "$src/tests/support/cluster.sh"
require_tools openssl

fail_details() {
  echo "--- last client stderr:"
  cat "$work/err" 2>/dev/null
  show_operator_stderr
}

# --- the embedded cluster, one tenant with an initialized cluster
start_devcluster --data-dir "$work/data"
k apply -f "$src/deploy/samples/00-namespace.yaml" -f "$src/deploy/samples/10-cluster.yaml" \
  >/dev/null || fail "apply samples"
k patch openbaocluster vault -n tenant-a --subresource=status --type merge \
  -p '{"status":{"initialized":true}}' >/dev/null || fail "patch cluster status"

# --- TLS material: the service's self-signed certificate is its own CA; another one is not
make_cert() { # NAME: $work/NAME.crt and .key, valid for 127.0.0.1 and localhost
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj "/CN=baorestore-lock-test" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$work/$1.key" -out "$work/$1.crt" 2>/dev/null || fail "openssl req ($1)"
}
make_cert service
make_cert stranger

# --- tokens: tenant-a may take Backup and Upgrade locks, tenant-b only its own namespace
token_a=tenant-a-$(openssl rand -hex 16)
token_b=tenant-b-$(openssl rand -hex 16)
printf '%s\n' "$token_a" >"$work/token-a"
printf '%s' "$token_b" >"$work/token-b"
printf '%s' "not-a-token" >"$work/token-bad"
sha() { printf '%s' "$1" | openssl dgst -sha256 -r | cut -d' ' -f1; }
cat >"$work/tokens.yaml" <<YAML
tokens:
  - name: tenant-a-backup
    sha256: $(sha "$token_a")
    namespaces: [tenant-a]
    operations: [Backup, Upgrade]
  - name: tenant-b-backup
    sha256: $(sha "$token_b")
    namespaces: [tenant-b]
    operations: [Backup]
YAML

# --- the operator with its lock service on a free port (it prints which)
cat >"$work/config.yaml" <<YAML
kubeconfig: $work/kubeconfig
lockService:
  address: 127.0.0.1:0
  certFile: $work/service.crt
  keyFile: $work/service.key
  tokensFile: $work/tokens.yaml
YAML
"$bin" run --config "$work/config.yaml" >"$work/operator.out" 2>"$work/operator.err" &
operator_pid=$!
service_said() { grep -q '^run: lock service on https://' "$work/operator.out"; }
wait_for "the operator to serve the lock service" 30 service_said
server=$(grep -m1 -oE 'https://127\.0\.0\.1:[0-9]+' "$work/operator.out")
port=${server##*:}
echo "lock service: $server"
# lock ARGS...: the client with the service's CA and tenant-a's token; sets rc, keeps
# stdout in $work/out and stderr in $work/err.
lock() {
  timeout 60 "$bin" lock "$@" >"$work/out" 2>"$work/err"
  rc=$?
}
la() { # VERB ARGS...: as tenant-a
  local verb=$1
  shift
  lock "$verb" --server "$server" --ca-file "$work/service.crt" --token-file "$work/token-a" "$@"
}
expect_rc() { # CODE WHAT
  [[ $rc -eq $1 ]] || fail "$2: expected exit $1, got $rc"
  echo "ok: $2 (exit $rc): $(head -1 "$work/err")"
}
lock_field() { # JSONPATH of tenant-a/vault's status.operationLock
  k get openbaocluster vault -n tenant-a -o "jsonpath={.status.operationLock.$1}" 2>/dev/null
}
service_up() { la show --cluster tenant-a/vault && [[ $rc -eq 0 ]]; }
wait_for "the lock service to answer" 30 service_up
lock_free() { [[ -z $(lock_field holder) ]]; }
# The API server holds the service's locks under "lockservice/<holder>" (a new leader finds
# them there and expires them unless renewed); the client names only <holder>.
holder_is() { [[ $(lock_field holder) == "lockservice/$1" ]]; }

echo "+ 1. show, acquire, renew, release"
la show --cluster tenant-a/vault
expect_rc 0 "show of a free lock"
grep -q '"held":false' "$work/out" || fail "show: stdout is not the reply: $(cat "$work/out")"

la acquire --cluster tenant-a/vault --operation Backup --holder ci/backup-1 \
  --message 'nightly "full" backup'
expect_rc 0 "acquire"
grep -q '"granted":true' "$work/out" || fail "acquire: stdout: $(cat "$work/out")"
holder_is ci/backup-1 || fail "the API server's lock holder: $(lock_field holder)"
[[ $(lock_field operation) == Backup ]] || fail "lock operation: $(lock_field operation)"
[[ $(lock_field message) == 'nightly "full" backup' ]] || fail "lock message: $(lock_field message)"

la show --cluster tenant-a/vault
expect_rc 0 "show of a held lock"
grep -q 'held by Backup ci/backup-1' "$work/err" || fail "show: stderr: $(cat "$work/err")"
grep -q '"holder":"ci/backup-1"' "$work/out" || fail "show: stdout: $(cat "$work/out")"

la acquire --cluster tenant-a/vault --operation Upgrade --holder ci/upgrade-1
expect_rc 3 "acquire while busy"
grep -q 'busy' "$work/err" || fail "busy: stderr: $(cat "$work/err")"
grep -q '"error":"busy"' "$work/out" || fail "busy: stdout: $(cat "$work/out")"

la renew --cluster tenant-a/vault --holder ci/backup-1
expect_rc 0 "renew by the holder"
wait_for "renewedAt written" 5 test -n "$(lock_field renewedAt)"
la renew --cluster tenant-a/vault --holder ci/upgrade-1
expect_rc 3 "renew by another holder"
la release --cluster tenant-a/vault --operation Upgrade --holder ci/upgrade-1
expect_rc 3 "release by another holder"
holder_is ci/backup-1 || fail "a release by a non-holder changed the lock"

echo "+ denied, unknown, untrusted"
lock acquire --server "$server" --ca-file "$work/service.crt" --token-file "$work/token-b" \
  --cluster tenant-a/vault --operation Backup --holder ci/intruder
expect_rc 4 "tenant-b's token on tenant-a"
lock show --server "$server" --ca-file "$work/service.crt" --token-file "$work/token-bad" \
  --cluster tenant-a/vault
expect_rc 4 "an unknown token"
BAORESTORE_LOCK_TOKEN=$token_b lock show --server "$server" --ca-file "$work/service.crt" \
  --cluster tenant-b/vault
[[ $rc -ne 4 ]] || fail "BAORESTORE_LOCK_TOKEN: tenant-b's token denied on tenant-b"
echo "ok: BAORESTORE_LOCK_TOKEN is read (exit $rc): $(head -1 "$work/err")"
la show --cluster tenant-a/nope
expect_rc 1 "an unknown cluster"
la acquire --cluster tenant-a/nope --operation Backup --holder ci/backup-1
expect_rc 1 "acquire of an unknown cluster"
lock show --server "$server" --ca-file "$work/stranger.crt" --token-file "$work/token-a" \
  --cluster tenant-a/vault
expect_rc 1 "a server certificate from another CA"
lock show --server https://localhost:$port --ca-file "$work/service.crt" \
  --token-file "$work/token-a" --cluster tenant-a/vault
expect_rc 0 "the certificate's DNS name"
lock show --server "https://127.0.0.1:1" --ca-file "$work/service.crt" \
  --token-file "$work/token-a" --cluster tenant-a/vault
expect_rc 1 "a refused connection"
la show --cluster tenant-a
expect_rc 2 "a --cluster without a name"
grep -rqF -- "$token_a" "$work/out" "$work/err" "$work/operator.out" "$work/operator.err" \
  && fail "the token was printed"

la release --cluster tenant-a/vault --operation Backup --holder ci/backup-1
expect_rc 0 "release by the holder"
grep -q '"released":true' "$work/out" || fail "release: stdout: $(cat "$work/out")"
wait_for "the lock free after release" 5 lock_free
la show --cluster tenant-a/vault
grep -q '"held":false' "$work/out" || fail "show after release: $(cat "$work/out")"

echo "+ 2. lock run: a failing command, the lock held and renewed meanwhile"
export KUBECTL_BIN=$kubectl_bin WORK=$work
la run --cluster tenant-a/vault --operation Backup --holder ci/run-1 --renew-every 1s -- \
  bash -c '
    k() { "$KUBECTL_BIN" --kubeconfig="$WORK/kubeconfig" --cache-dir="$WORK/cache2" "$@"; }
    lock() { k get openbaocluster vault -n tenant-a -o "jsonpath={.status.operationLock.$1}"; }
    lock holder >"$WORK/holder-during-run"
    lock renewedAt >"$WORK/renewed-at-start"
    sleep 2.5
    lock renewedAt >"$WORK/renewed-later"
    exit 7'
expect_rc 7 "lock run exits with the command's code"
[[ $(cat "$work/holder-during-run") == lockservice/ci/run-1 ]] \
  || fail "the lock during the command: '$(cat "$work/holder-during-run")'"
[[ -n $(cat "$work/renewed-later") && $(cat "$work/renewed-later") != $(cat "$work/renewed-at-start") ]] \
  || fail "the lock was not renewed during the command: $(cat "$work/renewed-at-start") then $(cat "$work/renewed-later")"
grep -q 'released' "$work/err" || fail "lock run did not say it released: $(cat "$work/err")"
lock_free || fail "the lock after a failing command: $(lock_field holder)"
la show --cluster tenant-a/vault
grep -q '"held":false' "$work/out" || fail "lock show after lock run: $(cat "$work/out")"

la run --cluster tenant-a/vault --operation Backup --holder ci/run-2 -- true
expect_rc 0 "lock run of a succeeding command"
la run --cluster tenant-a/vault --operation Backup --holder ci/run-3 -- /nonexistent/backup
expect_rc 127 "lock run of a command that does not exist"
lock_free || fail "the lock after a command that does not exist: $(lock_field holder)"

echo "+ 3. lock run stopped with SIGTERM while the command runs"
rm -f "$work/child.pid" "$work/child.term"
"$bin" lock run --server "$server" --ca-file "$work/service.crt" --token-file "$work/token-a" \
  --cluster tenant-a/vault --operation Backup --holder ci/run-term --kill-after 5s -- \
  bash -c 'trap "echo term >\"$WORK/child.term\"; exit 143" TERM
           echo $$ >"$WORK/child.pid"; sleep 60 & wait' \
  >"$work/out" 2>"$work/err" &
run_pid=$!
wait_for "the command to start" 20 test -s "$work/child.pid"
child=$(cat "$work/child.pid")
holder_is ci/run-term || fail "the lock while the command runs: $(lock_field holder)"
kill -TERM "$run_pid"
for _ in $(seq 200); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$run_pid" 2>/dev/null && fail "lock run still runs 20 s after SIGTERM"
wait "$run_pid"
rc=$?
run_pid=
expect_rc 143 "lock run after SIGTERM"
[[ -s $work/child.term ]] || fail "the command did not get the SIGTERM"
for _ in $(seq 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
kill -0 "$child" 2>/dev/null && fail "the command (pid $child) still runs"
lock_free || fail "the lock after SIGTERM: $(lock_field holder)"

echo "+ 4. lock run on a busy cluster does not run the command"
la acquire --cluster tenant-a/vault --operation Upgrade --holder ci/upgrade-2
expect_rc 0 "acquire for the busy case"
rm -f "$work/ran"
la run --cluster tenant-a/vault --operation Backup --holder ci/run-busy -- touch "$work/ran"
expect_rc 3 "lock run while busy"
[[ -e $work/ran ]] && fail "the command ran while the lock was busy"
holder_is ci/upgrade-2 || fail "lock run while busy changed the lock: $(lock_field holder)"
# Stopped while queued for the lock: exits 128+15 at once and leaves the holder's lock alone.
"$bin" lock run --server "$server" --ca-file "$work/service.crt" --token-file "$work/token-a" \
  --cluster tenant-a/vault --operation Backup --holder ci/run-queued --wait 60s -- touch "$work/ran" \
  >"$work/out" 2>"$work/err" &
run_pid=$!
sleep 1
kill -TERM "$run_pid"
for _ in $(seq 100); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$run_pid" 2>/dev/null && fail "lock run still waits for the lock 10 s after SIGTERM"
wait "$run_pid"
rc=$?
run_pid=
expect_rc 143 "lock run stopped while queued"
[[ -e $work/ran ]] && fail "the command ran after lock run was stopped while queued"
holder_is ci/upgrade-2 || fail "stopping a queued lock run changed the lock: $(lock_field holder)"
la release --cluster tenant-a/vault --operation Upgrade --holder ci/upgrade-2
expect_rc 0 "release after the busy case"
la show --cluster tenant-a/vault
grep -q '"held":false' "$work/out" || fail "a queued acquire was granted after its lock run left"

echo "+ 5. deploy/examples/backup-cronjob.yaml"
# The embedded cluster serves no CronJobs (batch/v1 has jobs only), so kubectl checks the file
# offline (`label --local` decodes every document) and the documents it does serve are applied.
example=$src/deploy/examples/backup-cronjob.yaml
KUBECONFIG=/dev/null "$kubectl_bin" label --local -f "$example" checked=yes \
  -o 'jsonpath={.kind}{"\n"}' >"$work/kinds" 2>"$work/err" || fail "kubectl cannot read $example"
[[ $(sort "$work/kinds" | tr '\n' ' ') == "ConfigMap ConfigMap CronJob Secret " ]] \
  || fail "kinds in the example: $(tr '\n' ' ' <"$work/kinds")"
args=$(KUBECONFIG=/dev/null "$kubectl_bin" label --local -f "$example" checked=yes \
  -o 'jsonpath={.spec.jobTemplate.spec.template.spec.containers[0].args}' 2>/dev/null)
for want in '"lock"' '"run"' '"--cluster=tenant-a/vault"' '"--operation=Backup"' '"--"'; do
  [[ $args == *"$want"* ]] || fail "the CronJob's args lack $want: $args"
done
"$bin" validate "$example" >"$work/out" 2>"$work/err" || fail "baorestore validate: $(cat "$work/out")"
grep -v '^#' "$example" | awk 'BEGIN{RS="\n---\n"} /kind: (Secret|ConfigMap)/ {print "---"; print}' \
  | k apply -f - >"$work/out" 2>"$work/err" || fail "apply the example's Secret and ConfigMaps"
# The CronJob's jobTemplate as the Job it would create (the embedded cluster stores Jobs but
# does not check their schema: this shows the template decodes as a batch/v1 Job spec).
spec=$(KUBECONFIG=/dev/null "$kubectl_bin" label --local -f "$example" checked=yes \
  -o 'jsonpath={.spec.jobTemplate.spec}' 2>/dev/null)
printf '{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"vault-backup-check",%s},"spec":%s}' \
  '"namespace":"tenant-a"' "$spec" | k apply -f - >"$work/out" 2>"$work/err" \
  || fail "the CronJob's jobTemplate is not a Job: $(cat "$work/err")"
k get job vault-backup-check -n tenant-a -o 'jsonpath={.spec.template.spec.containers[0].command}' \
  | grep -q baorestore || fail "the Job from the jobTemplate lost its command"
k get secret vault-backup-lock-token -n tenant-a >/dev/null || fail "the example's Secret"
k get configmap vault-backup-script -n tenant-a >/dev/null || fail "the example's script"
echo "ok: the example decodes (kubectl, offline), wraps lock run, its other objects apply"

echo "PASS"
