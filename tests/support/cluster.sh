# shellcheck shell=bash
# Shared setup of the shell tests that drive `baorestore devcluster` with the real kubectl.
# A test sets bin (the baorestore binary) and src (the source tree), then sources this file:
#   . "$src/tests/support/cluster.sh"
# Sourcing it skips the test (exit 77, ctest SKIP_RETURN_CODE) when /usr/bin/kubectl is
# missing, makes the scratch directory $work, exports KUBECONFIG=$work/kubeconfig (no kubectl
# call can reach another cluster) and sets an EXIT trap that stops what the test started and
# removes $work. It provides:
#   kubectl_bin                  /usr/bin/kubectl
#   skip REASON                  ends the test as skipped (exit 77)
#   require_tools NAME...        skip unless each command is on PATH
#   k ARGS...                    kubectl on the devcluster, with a request timeout
#   fail MESSAGE                 prints FAIL and fail_details, exits 1
#   fail_details                 what fail shows: the devcluster's stderr unless the test
#                                redefines it (show_operator_stderr is at hand for that)
#   wait_for WHAT SECONDS CMD... polls CMD every 0.1 s until it succeeds, else fails
#   start_devcluster [FLAGS...]  a devcluster on 127.0.0.1 with the CRDs (and FLAGS), once it
#                                says "serving": $server_pid, $work/kubeconfig, a fresh cache
#   stop_devcluster              SIGTERM, waits for it
# The EXIT trap SIGKILLs $run_pid, $operator_pid and every pid in the pids array (the test's
# own processes; empty a variable once its process is reaped), then stops the devcluster.
# Every wait is a counted loop; ctest runs each script under `timeout` as well.

kubectl_bin=/usr/bin/kubectl

skip() {
  echo "SKIP: $*"
  exit 77
}

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || skip "$tool not found"
  done
}

[[ -x $kubectl_bin ]] || skip "$kubectl_bin not found"

work=$(mktemp -d)
export KUBECONFIG=$work/kubeconfig
server_pid=
operator_pid=
run_pid=
pids=()

cleanup() {
  local p
  for p in "$run_pid" "$operator_pid" "${pids[@]}"; do
    [[ -n $p ]] && kill -9 "$p" 2>/dev/null && wait "$p" 2>/dev/null
  done
  [[ -n $server_pid ]] && stop_devcluster
  rm -rf "$work"
}
trap cleanup EXIT

fail_details() {
  echo "--- server stderr:"
  tail -20 "$work/server.err"
}

show_operator_stderr() {
  echo "--- operator stderr (last 30 lines):"
  tail -30 "$work/operator.err" 2>/dev/null
}

fail() {
  echo "FAIL: $*"
  fail_details
  exit 1
}

k() {
  "$kubectl_bin" --kubeconfig="$work/kubeconfig" --cache-dir="$work/cache" --request-timeout=10s "$@"
}

wait_for() {
  local what=$1 seconds=$2
  shift 2
  for _ in $(seq $((seconds * 10))); do
    "$@" && return 0
    sleep 0.1
  done
  fail "timed out after ${seconds}s waiting for: $what"
}

devcluster_serving() {
  grep -q '^devcluster: serving' "$work/server.out" && return 0
  kill -0 "$server_pid" 2>/dev/null || fail "the devcluster exited before serving"
  return 1
}

# shellcheck disable=SC2154 # bin and src: set by the test before sourcing this file
start_devcluster() {
  "$bin" devcluster --listen 127.0.0.1:0 --crds "$src/deploy/crds" "$@" \
    >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  wait_for "the devcluster to serve" 10 devcluster_serving
  sed -n '/^apiVersion/,$p' "$work/server.out" >"$work/kubeconfig"
  # A fresh cache dir: kubectl caches /version and discovery for hours (KUBECTL.md §0-1).
  rm -rf "$work/cache"
  echo "devcluster: $(grep -m1 -oE 'https?://[0-9.:]+' "$work/server.out") $*"
}

stop_devcluster() {
  kill "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=
}
