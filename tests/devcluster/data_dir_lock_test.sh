#!/usr/bin/env bash
# One `baorestore devcluster` per --data-dir (issue 16, finding 4; DESIGN §9). Two processes
# on one directory used to both replay and append to its log and lose acknowledged writes.
# Now: the second exits 2 naming the first's pid, having changed nothing; a process that
# cannot bind its port exits 2 before it touches its data directory; a holder killed with
# -9 leaves no stale lock, and the next process finds every acknowledged write.
# 127.0.0.1 only; every wait is bounded (the processes that must exit run under timeout).
#
# Usage: data_dir_lock_test.sh BAORESTORE_BINARY SOURCE_DIR
# Exit 77 (ctest SKIP_RETURN_CODE) when /usr/bin/kubectl is missing.
set -uo pipefail

bin=$1
src=$2
. "$src/tests/support/cluster.sh"

data=$work/data

# secret NAME VALUE: creates it with kubectl apply (kubectl create sends built-ins as
# protobuf, which the embedded cluster does not speak).
secret() {
  k apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Secret
metadata: {name: $1, namespace: default}
stringData: {k: $2}
YAML
}

start_devcluster --data-dir "$data"
first_pid=$server_pid
for i in 1 2 3; do
  secret "s$i" "v$i" || fail "creating secret s$i"
done
log_before=$(sha256sum <"$data/store.log")

echo "+ a second devcluster on the same --data-dir (another port)"
timeout 15 "$bin" devcluster --listen 127.0.0.1:0 --crds "$src/deploy/crds" --data-dir "$data" \
  >"$work/second.out" 2>"$work/second.err"
rc=$?
cat "$work/second.err"
[[ $rc == 2 ]] || fail "the second devcluster exited $rc (124: still running after 15 s), want 2"
grep -q "^devcluster: data directory $data is in use by pid $first_pid, locked since " \
  "$work/second.err" || fail "the second devcluster did not name pid $first_pid"
! grep -q 'serving' "$work/second.out" || fail "the second devcluster served"
[[ $(sha256sum <"$data/store.log") == "$log_before" ]] || fail "the second devcluster changed the log"

echo "+ the first still serves, with every write"
secret s4 v4 || fail "creating s4 on the first"
[[ $(k get secrets -n default -o name | grep -c '^secret/s[1-4]$') == 4 ]] || fail "secrets missing"

echo "+ a devcluster whose port is taken exits before touching its --data-dir"
port=$(grep -m1 -oE 'http://127\.0\.0\.1:[0-9]+' "$work/server.out" | sed 's/.*://')
timeout 15 "$bin" devcluster --listen "127.0.0.1:$port" --crds "$src/deploy/crds" \
  --data-dir "$work/other" >"$work/third.out" 2>"$work/third.err"
rc=$?
cat "$work/third.err"
[[ $rc == 2 ]] || fail "the devcluster on a taken port exited $rc, want 2"
[[ ! -e $work/other ]] || fail "the devcluster on a taken port created its data directory"
timeout 15 "$bin" devcluster --listen "127.0.0.1:$port" --crds "$src/deploy/crds" \
  --data-dir "$data" >"$work/fourth.out" 2>"$work/fourth.err"
[[ $? == 2 ]] || fail "the devcluster on a taken port and a held data directory did not exit 2"
[[ $(sha256sum <"$data/store.log") != "$log_before" ]] || fail "s4 is not in the log"
log_now=$(sha256sum <"$data/store.log")

echo "+ kill -9 of the holder: the next devcluster takes the directory, with every write"
kill -9 "$first_pid"
wait "$first_pid" 2>/dev/null
server_pid=
[[ $(sha256sum <"$data/store.log") == "$log_now" ]] || fail "the log changed after the kill"
start_devcluster --data-dir "$data"
[[ $(k get secrets -n default -o name | grep -c '^secret/s[1-4]$') == 4 ]] \
  || fail "an acknowledged secret is missing after the restart"
[[ $(k get secret s2 -n default -o jsonpath='{.data.k}' | base64 -d) == v2 ]] || fail "s2 changed"
grep -q "^pid $server_pid, locked since " "$data/lock" || fail "the lock file does not name pid $server_pid"

echo "PASS"
