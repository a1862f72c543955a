#!/usr/bin/env bash
# The lock service over TLS with curl, a client nobody here wrote (issue 8): `baorestore run`
# with a lockService block against `baorestore devcluster --data-dir`, driven with kubectl.
#   1. each route and each error code (401, 403, 404, 400, 405, 413, 409, 429, 200);
#   2. a tenancy matrix of tokens x namespaces x operations;
#   3. malformed and oversized requests change nothing on the API server;
#   4. a restore waiting on a Backup taken through the endpoint completes once it is released;
#   5. a Backup requested while a restore holds the lock gets 409 busy naming the restore.
# The decision log names tokens, never their text. Every wait is a counted loop.
#
# Usage: curl_test.sh BAORESTORE_BINARY SOURCE_DIR
# Exit 77 (ctest SKIP_RETURN_CODE) when kubectl, curl or openssl is missing.
set -uo pipefail

bin=$1
src=$2
. "$src/tests/support/cluster.sh"
require_tools curl openssl

fail_details() {
  echo "--- last response: $status $(cat "$work/body" 2>/dev/null)"
  show_operator_stderr
}

# -- the embedded cluster, two tenants ------------------------------------------------------
start_devcluster --data-dir "$work/data" --job-duration 6s
k apply -f "$src/deploy/samples/00-namespace.yaml" -f "$src/deploy/samples/10-cluster.yaml" \
  -f "$src/deploy/samples/21-restore-token.yaml" >/dev/null || fail "apply samples"
sed 's/tenant-a/tenant-b/g' "$src/deploy/samples/00-namespace.yaml" "$src/deploy/samples/10-cluster.yaml" \
  | sed 's/^# .*//' | awk 'BEGIN{n=0} /^apiVersion/{if(n++)print "---"} {print}' \
  | k apply -f - >/dev/null || fail "apply tenant-b"
for ns in tenant-a tenant-b; do
  k patch openbaocluster vault -n $ns --subresource=status --type merge \
    -p '{"status":{"initialized":true}}' >/dev/null || fail "patch cluster status in $ns"
done

# -- TLS pair, tokens, configuration ---------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=baorestore-lock-service -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null || fail "openssl req"

declare -A tok
for name in a a_up b all rate wait; do
  tok[$name]="secret-$name-$(openssl rand -hex 12)"
done
sha() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
cat >"$work/tokens.yaml" <<YAML
tokens:
  - {name: tenant-a-backup, sha256: $(sha "${tok[a]}"), namespaces: [tenant-a], operations: [Backup]}
  - {name: tenant-a-upgrade, sha256: $(sha "${tok[a_up]}"), namespaces: [tenant-a], operations: [Upgrade]}
  - {name: tenant-b-both, sha256: $(sha "${tok[b]}"), namespaces: [tenant-b], operations: [Backup, Upgrade]}
  - {name: all-upgrade, sha256: $(sha "${tok[all]}"), namespaces: ["*"], operations: [Upgrade]}
  - {name: rate, sha256: $(sha "${tok[rate]}"), namespaces: [tenant-a], operations: [Backup]}
  - {name: waiter, sha256: $(sha "${tok[wait]}"), namespaces: [tenant-a], operations: [Backup]}
YAML
cat >"$work/config.yaml" <<YAML
lockService:
  address: 127.0.0.1:0
  certFile: $work/cert.pem
  keyFile: $work/key.pem
  tokensFile: $work/tokens.yaml
  maxBodyBytes: 1024
  requestsPerSecond: 50
  burst: 100
  maxWaitsPerToken: 1
  maxWaitSeconds: 60
YAML

"$bin" run --kubeconfig "$work/kubeconfig" --config "$work/config.yaml" \
  --job-poll-initial 0.5 --job-poll-ceiling 1 >"$work/operator.out" 2>"$work/operator.err" &
operator_pid=$!
serving() { grep -q '^run: lock service on https://' "$work/operator.out"; }
wait_for "the lock service" 20 serving
url=$(grep -oE 'https://127\.0\.0\.1:[0-9]+' "$work/operator.out" | head -1)
echo "lock service at $url"

# -- helpers -------------------------------------------------------------------------------
status=
# call METHOD PATH TOKEN [BODY]: sets $status; the body is in $work/body, headers in
# $work/headers.
call() {
  local method=$1 path=$2 token=$3 body=${4-}
  local args=(-s -o "$work/body" -D "$work/headers" -w '%{http_code}' --cacert "$work/cert.pem"
              -X "$method" "$url$path")
  [[ -n $token ]] && args+=(-H "Authorization: Bearer $token")
  [[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  status=$(curl "${args[@]}")
}
# expect STATUS METHOD PATH TOKEN [BODY]
expect() {
  local want=$1
  shift
  call "$@"
  [[ $status == "$want" ]] || fail "$1 $2: expected $want, got $status"
}
body_has() { grep -qF -- "$1" "$work/body" || fail "the body lacks $1: $(cat "$work/body")"; }
A=/v1/namespaces/tenant-a/clusters/vault/lock
B=/v1/namespaces/tenant-b/clusters/vault/lock
acquire() { printf '{"operation":"%s","holder":"%s","message":"from curl"%s}' "$1" "$2" "${3:+,\"waitSeconds\":$3}"; }
release() { printf '{"operation":"%s","holder":"%s"}' "$1" "$2"; }

echo "+ 1. routes and error codes"
expect 200 GET $A "${tok[a]}"
body_has '{"cluster":"tenant-a/vault","held":false}'
grep -qi '^content-type: application/json' "$work/headers" || fail "not application/json"
expect 401 GET $A ""
body_has '"error":"unauthorized"'
grep -qi '^www-authenticate: Bearer' "$work/headers" || fail "401 without WWW-Authenticate"
expect 401 GET $A "not-a-token"
expect 403 GET $A "${tok[b]}"
body_has '"error":"forbidden"'
expect 403 POST $A/acquire "${tok[a]}" "$(acquire Restore r)"
body_has 'Restore is not available here: restores go through OpenBaoRestore objects'
expect 404 GET /v1/namespaces/tenant-a/clusters/nope/lock "${tok[a]}"
body_has '"error":"not_found"'
expect 404 GET /v1/nothing "${tok[a]}"
expect 400 POST $A/acquire "${tok[a]}" '{"operation":'
body_has '"error":"bad_request"'
expect 400 POST $A/acquire "${tok[a]}" "$(acquire Snapshot x)"
body_has 'unknown operation'
expect 400 GET /v1/namespaces/Tenant_A/clusters/vault/lock "${tok[a]}"
expect 405 GET $A/acquire "${tok[a]}"
body_has '"error":"method_not_allowed"'
big=$(printf '{"operation":"Backup","holder":"%s"}' "$(head -c 2048 /dev/zero | tr '\0' h)")
expect 413 POST $A/acquire "${tok[a]}" "$big"
body_has '"error":"payload_too_large"'

expect 200 POST $A/acquire "${tok[a]}" "$(acquire Backup backup-1)"
body_has '"granted":true'
body_has '"holder":"backup-1"'
expect 200 GET $A "${tok[a]}"
body_has '"held":true'
expect 409 POST $A/acquire "${tok[a]}" "$(acquire Backup backup-2)"
body_has '"error":"busy"'
body_has 'held by backup-1 (Backup)'
expect 200 POST $A/renew "${tok[a]}" '{"holder":"backup-1"}'
body_has '"renewedAt"'
expect 409 POST $A/renew "${tok[a]}" '{"holder":"nobody"}'
body_has '"error":"not_holder"'
expect 409 POST $A/release "${tok[a]}" "$(release Backup backup-2)"
body_has '"lock":{'
[[ $(k get openbaocluster vault -n tenant-a -o 'jsonpath={.status.operationLock.holder}') == lockservice/backup-1 ]] \
  || fail "the lock is not backup-1's on the API server"

# Waits per token: one waiting acquire is allowed, a second gets 429.
(curl -s -o "$work/waited" -w '%{http_code}' --cacert "$work/cert.pem" -X POST "$url$A/acquire" \
   -H "Authorization: Bearer ${tok[wait]}" --data-binary "$(acquire Backup waiter-1 20)" \
   >"$work/waited.status") &
waiter=$!
sleep 1
expect 429 POST $A/acquire "${tok[wait]}" "$(acquire Backup waiter-2 20)"
body_has '"error":"too_many_requests"'
grep -qi '^retry-after:' "$work/headers" || fail "429 without Retry-After"
expect 200 POST $A/release "${tok[a]}" "$(release Backup backup-1)"
body_has '{"released":true}'
wait "$waiter"
[[ $(cat "$work/waited.status") == 200 ]] || fail "the waiting acquire got $(cat "$work/waited.status")"
grep -qF '"holder":"waiter-1"' "$work/waited" || fail "the waiter was not granted: $(cat "$work/waited")"
expect 200 POST $A/release "${tok[wait]}" "$(release Backup waiter-1)"

# Request rate per token: a burst far beyond it gets 429 with Retry-After.
urls=()
for _ in $(seq 300); do urls+=(-o /dev/null "$url$A"); done
curl -s --cacert "$work/cert.pem" -H "Authorization: Bearer ${tok[rate]}" \
  -w '%{http_code}\n' "${urls[@]}" >"$work/rate"
limited=$(grep -c '^429$' "$work/rate")
(( limited > 0 )) || fail "no 429 in 300 quick requests: $(sort "$work/rate" | uniq -c)"
grep -c '^200$' "$work/rate" | grep -qv '^0$' || fail "no request of the burst passed"
echo "routes: every code seen ($limited of 300 rate-limited)"

echo "+ 2. tenancy matrix"
# token namespace operation expected-status
matrix=(
  "a tenant-a Backup 200"   "a tenant-a Upgrade 403"   "a tenant-b Backup 403"
  "a_up tenant-a Upgrade 200" "a_up tenant-a Backup 403" "a_up tenant-b Upgrade 403"
  "b tenant-b Backup 200"   "b tenant-b Upgrade 200"   "b tenant-a Backup 403"  "b tenant-a Upgrade 403"
  "all tenant-a Upgrade 200" "all tenant-b Upgrade 200" "all tenant-b Backup 403"
  "b tenant-b Restore 403"
)
for row in "${matrix[@]}"; do
  read -r t ns op want <<<"$row"
  path=/v1/namespaces/$ns/clusters/vault/lock
  expect "$want" POST $path/acquire "${tok[$t]}" "$(acquire "$op" "matrix-$t")"
  if [[ $want == 200 ]]; then
    expect 200 POST $path/release "${tok[$t]}" "$(release "$op" "matrix-$t")"
  fi
done
echo "tenancy: ${#matrix[@]} cases as configured"

echo "+ 3. malformed and oversized requests change nothing"
expect 200 POST $A/acquire "${tok[a]}" "$(acquire Backup keeper)"
snapshot() {
  k get openbaocluster vault -n tenant-a \
    -o 'jsonpath={.metadata.resourceVersion} {.status.operationLock}'
}
before=$(snapshot)
expect 400 POST $A/release "${tok[a]}" '{"operation":"Backup","holder":"keeper"'
expect 400 POST $A/release "${tok[a]}" '{"operation":"Backup","holder":"keeper","force":true}'
expect 400 POST $A/release "${tok[a]}" '{"operation":"backup","holder":"keeper"}'
expect 400 POST $A/release "${tok[a]}" '{"operation":"Backup","holder":""}'
expect 400 POST $A/acquire "${tok[a]}" "$(acquire Backup other 99999)"
expect 413 POST $A/release "${tok[a]}" "$big"
expect 403 POST $A/release "${tok[a]}" "$(release Restore keeper)"
expect 403 POST $A/release "${tok[a_up]}" "$(release Backup keeper)"
expect 401 POST $A/release "" "$(release Backup keeper)"
expect 405 PUT $A/release "${tok[a]}" "$(release Backup keeper)"
after=$(snapshot)
[[ $before == "$after" ]] || fail "the cluster changed: '$before' -> '$after'"
expect 200 POST $A/release "${tok[a]}" "$(release Backup keeper)"
echo "nothing changed: $before"

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
field() { k get obrestore "$1" -n tenant-a -o "jsonpath=$2" 2>/dev/null; }
phase_is() { [[ $(field "$1" '{.status.phase}') == "$2" ]]; }
lock_holder() {
  k get openbaocluster vault -n tenant-a -o 'jsonpath={.status.operationLock.holder}' 2>/dev/null
}

echo "+ 4. a restore waits for a backup taken through the endpoint"
expect 200 POST $A/acquire "${tok[a]}" "$(acquire Backup backup/nightly)"
restore_manifest r1 | k apply -f - >/dev/null || fail "apply r1"
r1_waiting() { [[ $(field r1 '{.status.message}') == "waiting for lock held by Backup lockservice/backup/nightly" ]]; }
wait_for "r1 waiting for the backup" 30 r1_waiting
sleep 1
k get job restore-r1 -n tenant-a >/dev/null 2>&1 && fail "r1 created its Job while the backup held the lock"
expect 200 POST $A/release "${tok[a]}" "$(release Backup backup/nightly)"
wait_for "r1 Completed" 90 phase_is r1 Completed
echo "r1: waited for the backup, then Completed"

echo "+ 5. a backup while a restore holds the lock gets 409 busy naming it"
restore_manifest r2 | k apply -f - >/dev/null || fail "apply r2"
r2_holds() { [[ $(lock_holder) == openbaorestore/r2/* ]]; }
wait_for "r2 holds the lock" 60 r2_holds
expect 409 POST $A/acquire "${tok[a]}" "$(acquire Backup backup/nightly)"
body_has '"error":"busy"'
body_has 'held by openbaorestore/r2/'
body_has '"operation":"Restore"'
wait_for "r2 Completed" 90 phase_is r2 Completed
echo "r2: the backup got 409 busy naming the restore"

echo "+ 6. the certificate and the tokens are reloaded when their files change"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=baorestore-lock-service-2 -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$work/key2.pem" -out "$work/cert2.pem" 2>/dev/null || fail "openssl req (2)"
cp "$work/cert.pem" "$work/cert1.pem"
# As a Secret volume changes: new files renamed over the old names.
cp "$work/key2.pem" "$work/key.new" && mv "$work/key.new" "$work/key.pem"
cp "$work/cert2.pem" "$work/cert.new" && mv "$work/cert.new" "$work/cert.pem"
late="secret-late-$(openssl rand -hex 12)"
tok[late]=$late
printf '  - {name: late, sha256: %s, namespaces: [tenant-b], operations: [Backup]}\n' "$(sha "$late")" \
  >>"$work/tokens.yaml"
sleep 1.2
expect 200 GET $B "$late" # verified with cert2.pem (the --cacert of call)
curl -s -o /dev/null --cacert "$work/cert1.pem" "$url$A" && fail "the old certificate is still served"
echo "tokens: bad" >"$work/tokens.yaml"
sleep 1.2
expect 200 GET $B "$late" # a file that does not parse keeps the previous tokens
grep -q 'lock service: token file .* not reloaded, keeping the previous tokens' "$work/operator.err" \
  || fail "the failed reload was not logged"
echo "reloaded: the new certificate and token serve, a broken tokens file changes nothing"

echo "+ the decision log"
grep -qF '"client":"tenant-a-backup","cluster":"tenant-a/vault","call":"acquire","operation":"Backup","holder":"backup-1","outcome":"granted","status":"200"' \
  "$work/operator.err" || fail "no decision line for the first acquire"
grep -q '"client":"-".*"outcome":"unauthorized","status":"401"' "$work/operator.err" \
  || fail "no decision line for a 401"
for t in "${tok[@]}"; do
  grep -qF -- "$t" "$work/operator.err" "$work/operator.out" && fail "a token is in the log"
done
echo "decisions logged, no token in the log"

echo "+ a clean stop"
kill -TERM "$operator_pid"
wait "$operator_pid"
code=$?
operator_pid=
[[ $code == 0 ]] || fail "the operator exited $code on SIGTERM"
grep -q 'Sanitizer' "$work/operator.err" && fail "a sanitizer report: $(grep -m3 Sanitizer "$work/operator.err")"
echo "stopped: exit 0"

echo "+ 7. a hold left by a dead operator and a dead holder expires under the next one"
# The service's locks are marked on the API server (holder "lockservice/..."), so a new
# leader adopts them and releases those nobody renews; a lock set with kubectl is never
# touched.
cat >"$work/tokens.yaml" <<YAML
tokens:
  - {name: tenant-a-backup, sha256: $(sha "${tok[a]}"), namespaces: [tenant-a], operations: [Backup]}
YAML
printf '  holdTimeout: 3s\n' >>"$work/config.yaml"
start_service() {
  : >"$work/operator.out"
  "$bin" run --kubeconfig "$work/kubeconfig" --config "$work/config.yaml" \
    >"$work/operator.out" 2>>"$work/operator.err" &
  operator_pid=$!
  wait_for "the lock service" 20 serving
  url=$(grep -oE 'https://127\.0\.0\.1:[0-9]+' "$work/operator.out" | head -1)
}
start_service
lock_free() { [[ -z $(lock_holder) ]]; }
wait_for "tenant-a/vault free" 30 lock_free
expect 200 POST $A/acquire "${tok[a]}" "$(acquire Backup orphan/backup)"
[[ $(lock_holder) == lockservice/orphan/backup ]] || fail "the hold is not marked: $(lock_holder)"
kill -9 "$operator_pid"; wait "$operator_pid" 2>/dev/null; operator_pid=
k patch openbaocluster vault -n tenant-b --subresource=status --type merge -p \
  '{"status":{"operationLock":{"operation":"Backup","holder":"alice","message":"by hand"}}}' \
  >/dev/null || fail "set alice's lock on tenant-b/vault"
start_service
adopted() { grep -q 'lock service: adopted 1 lock' "$work/operator.err"; }
wait_for "the new operator to adopt the hold" 10 adopted
wait_for "the orphaned hold released" 20 lock_free
grep -q 'hold of orphan/backup on tenant-a/vault expired (not renewed in time): released' \
  "$work/operator.err" || fail "the expiry was not logged"
sleep 4 # past another timeout: the hand-set lock stays
[[ $(k get openbaocluster vault -n tenant-b -o 'jsonpath={.status.operationLock.holder}') == alice ]] \
  || fail "a lock set with kubectl was touched"
kill -TERM "$operator_pid"; wait "$operator_pid"; code=$?; operator_pid=
[[ $code == 0 ]] || fail "the second operator exited $code on SIGTERM"
echo "the orphaned hold expired under the new operator; alice's lock stayed"
echo "PASS"
