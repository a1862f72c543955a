#!/usr/bin/env bash
# Issue 16 finding 7, never silent: `baorestore run` against an API server it cannot reach
# (a port that refuses connections) or cannot trust (a certificate from another CA) logs a
# warning with the cause within a few seconds, and /readyz answers 503 naming it. Before the
# fix it logged nothing at all and /readyz said only that the watch had not synced.
# Usage: api_trouble_test.sh BAORESTORE_BINARY SOURCE_DIR
set -euo pipefail
bin=$1
src=$2
# shellcheck source=tests/support/cluster.sh
. "$src/tests/support/cluster.sh"
require_tools curl openssl

fail_details() {
  echo "--- run stdout:"
  cat "$work/run.out" 2>/dev/null
  echo "--- run stderr (last 20 lines):"
  tail -20 "$work/run.err" 2>/dev/null
}

warned() { # cause
  grep -q "\"level\":\"warn\".*\"cause\":\"$1\"" "$work/run.err"
}

ops_port() {
  grep -oE 'run: metrics and health on http://127\.0\.0\.1:[0-9]+' "$work/run.out" \
    | grep -oE '[0-9]+$'
}

readyz_names() { # text
  local port code
  port=$(ops_port) || return 1
  code=$(curl -s -m 2 -o "$work/readyz" -w '%{http_code}' "http://127.0.0.1:$port/readyz") || return 1
  [[ $code == 503 ]] && grep -q "$1" "$work/readyz"
}

# Runs the operator against $1 (a kubeconfig) until it warned with cause $2 and /readyz names
# it; the warning must come within 5 s of the start.
check() {
  local kubeconfig=$1 cause=$2 what=$3
  : >"$work/run.err"
  "$bin" run --kubeconfig "$kubeconfig" --metrics-address 127.0.0.1:0 \
    >"$work/run.out" 2>"$work/run.err" &
  run_pid=$!
  wait_for "a warning with cause $cause ($what)" 5 warned "$cause"
  wait_for "/readyz to name the $cause failure ($what)" 5 readyz_names "API server $cause"
  grep -m1 "\"cause\":\"$cause\"" "$work/run.err"
  echo "readyz: $(cat "$work/readyz")"
  # Rate-limited: one line per cause for the first 30 s, however many requests fail.
  sleep 2
  local lines
  lines=$(grep -c "\"cause\":\"$cause\"" "$work/run.err")
  [[ $lines -eq 1 ]] || fail "$lines warnings with cause $cause in 2 s, expected 1 ($what)"
  kill -9 "$run_pid"
  wait "$run_pid" 2>/dev/null || true
  run_pid=
  echo "ok: $what"
}

# 1. Nothing listens on port 1 of 127.0.0.1: connection refused.
cat >"$work/refused.kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:1
users:
- name: u
  user:
    token: t
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
YAML
check "$work/refused.kubeconfig" connect "connection refused"

# 2. The devcluster's certificate, checked against a CA that did not sign it.
start_devcluster --tls
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=other-ca -keyout "$work/other.key" -out "$work/other.crt" 2>/dev/null
other_ca=$(base64 -w0 <"$work/other.crt")
sed -E "s|certificate-authority-data: .*|certificate-authority-data: $other_ca|" \
  "$work/kubeconfig" >"$work/untrusted.kubeconfig"
grep -q "$other_ca" "$work/untrusted.kubeconfig" || fail "no CA to replace in the kubeconfig"
check "$work/untrusted.kubeconfig" tls "untrusted certificate"

# 3. The right CA and a wrong token: 401.
sed -E "s|token: .*|token: not-the-token|" "$work/kubeconfig" >"$work/unauthorized.kubeconfig"
grep -q 'not-the-token' "$work/unauthorized.kubeconfig" || fail "no token to replace"
check "$work/unauthorized.kubeconfig" unauthorized "a token the server refuses"
echo "PASS"
