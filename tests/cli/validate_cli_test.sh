#!/usr/bin/env bash
# `baorestore validate` end to end: the shipped samples pass, broken manifests fail with the
# JSON path of each problem, malformed YAML fails with its position, a missing file is a
# usage error. Usage: validate_cli_test.sh <baorestore binary> <source dir>
set -euo pipefail

baorestore=$1
srcdir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Runs `baorestore validate "$@"`, keeping stdout, stderr and the exit code.
run_validate() {
  set +e
  "$baorestore" validate "$@" >"$work/out" 2>"$work/err"
  rc=$?
  set -e
  echo "--- baorestore validate $* (exit $rc)"
  cat "$work/out" "$work/err"
}

expect_rc() {
  [ "$rc" -eq "$1" ] || fail "expected exit $1, got $rc"
}

expect_out() {
  grep -qF -- "$1" "$work/out" || fail "expected output to contain: $1"
}

# (a) Every document of every sample is valid.
shopt -s nullglob
samples=("$srcdir"/deploy/samples/*.yaml)
[ ${#samples[@]} -gt 0 ] || fail "no samples in $srcdir/deploy/samples"
run_validate "${samples[@]}"
expect_rc 0
verdicts=$(grep -c '^[^ ]' "$work/out" || true)
[ "$verdicts" -ge ${#samples[@]} ] || fail "expected a verdict per sample, got $verdicts"
if grep '^[^ ]' "$work/out" | grep -v ': valid$'; then
  fail "every sample verdict must be valid"
fi
expect_out "30-restore.yaml#1 OpenBaoRestore tenant-a/restore-1: valid"

# (b) Broken copies of the restore sample, two documents in one file. The first cannot be
# decoded (no source.key, a misspelt field); the second decodes but breaks the spec rules.
restore="$srcdir/deploy/samples/30-restore.yaml"
grep -q '^    key:' "$restore" || fail "30-restore.yaml no longer has spec.source.key"
grep -q 'provider: s3' "$restore" || fail "30-restore.yaml no longer has provider: s3"
{
  sed '/^    key:/d' "$restore"
  echo "  overideOperationLock: true"
  echo "---"
  sed 's/provider: s3/provider: ftp/' "$restore"
  echo "  overrideOperationLock: true"
} >"$work/broken.yaml"
run_validate "$work/broken.yaml"
expect_rc 1
expect_out "broken.yaml#1 OpenBaoRestore tenant-a/restore-1: invalid"
expect_out "  spec.source.key: required"
expect_out "  spec.overideOperationLock: unknown field"
expect_out "broken.yaml#2 OpenBaoRestore tenant-a/restore-1: invalid"
expect_out "  spec.overrideOperationLock: "
expect_out "  spec.source.target.provider: "
# The samples still pass next to a broken file, and the exit code says "invalid".
run_validate "$restore" "$work/broken.yaml"
expect_rc 1
expect_out "30-restore.yaml#1 OpenBaoRestore tenant-a/restore-1: valid"

# (c) Malformed YAML: invalid, with the line and column of the error.
printf 'apiVersion: v1\nkind: Namespace\nmetadata: [unclosed\n' >"$work/malformed.yaml"
run_validate "$work/malformed.yaml"
expect_rc 1
expect_out "malformed.yaml#1: invalid"
grep -qE '^  line [0-9]+, column [0-9]+: ' "$work/out" || fail "expected an error with a position"

# A document missing its name, and a kind baorestore does not read.
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\napiVersion: v1\nkind: Namespace\nmetadata: {}\n' \
  >"$work/other.yaml"
run_validate "$work/other.yaml"
expect_rc 1
expect_out "other.yaml#1 ConfigMap c: skipped: kind ConfigMap is not validated"
expect_out "  metadata.name: required"

# JSON on standard input.
printf '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n"}}' >"$work/ns.json"
set +e
"$baorestore" validate - <"$work/ns.json" >"$work/out" 2>"$work/err"
rc=$?
set -e
expect_rc 0
expect_out "<stdin>#1 Namespace n: valid"

# (d) A missing file is a usage error, reported on stderr; so are bad arguments.
run_validate "$work/does-not-exist.yaml"
expect_rc 2
grep -q "does-not-exist.yaml" "$work/err" || fail "expected the missing file on stderr"
run_validate
expect_rc 2
set +e
"$baorestore" no-such-command >/dev/null 2>&1
rc=$?
set -e
expect_rc 2

echo "PASS"
