#!/usr/bin/env bash
# s3_probe against a real S3-compatible server: s3rver 3.7.1 (npm; works on Node.js 20),
# bound to 127.0.0.1 on a port it picks, with a fresh data directory. An object is uploaded
# with curl's own SigV4 signer (node's http when curl is missing), then the probe must report
#   found with the exact size (path-style and virtual-hosted, a key with a space),
#   found 0 for an empty object, not_found for a missing key and for a missing bucket,
#   forbidden for an unknown access key (403 InvalidAccessKeyId).
# What s3rver checks: it knows one key pair, S3RVER/S3RVER, and rejects any other access key
# id; it does NOT verify V4 signatures (lib/middleware/authentication.js: "Signature version
# 4 calculation is unimplemeneted"), so a wrong secret with the right key id is accepted,
# and so is a request with no Authorization at all. The signature itself is checked by
# tests/s3/sigv4_test.cpp against AWS's published examples and curl's signer.
#
# Usage: s3rver_test.sh <s3_probe>. Exit 0 pass, 1 fail, 77 skip (no node, or npm cannot
# install s3rver: no registry).
set -u

probe=$1
version=3.7.1
prefix=${BAORESTORE_NPM_CACHE:-$HOME/.cache/baorestore-npm}
s3rver_js=$prefix/node_modules/s3rver/bin/s3rver.js

skip() { echo "SKIP (exit 77): $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

command -v node >/dev/null || skip "node is not installed"
installed=$(node -p "require('$prefix/node_modules/s3rver/package.json').version" 2>/dev/null)
if [ "$installed" != "$version" ]; then
  command -v npm >/dev/null || skip "npm is not installed"
  echo "installing s3rver@$version into $prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "s3rver@$version" \
    || skip "npm could not install s3rver@$version (is the npm registry reachable?)"
fi

work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

node "$s3rver_js" -d "$work/data" -a 127.0.0.1 -p 0 --configure-bucket backups \
  >"$work/s3rver.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 1 100); do
  port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$work/s3rver.log" | head -1 | cut -d: -f2)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/s3rver.log"; fail "s3rver exited"; }
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/s3rver.log"; fail "s3rver did not start"; }
endpoint=http://127.0.0.1:$port
echo "s3rver $version on $endpoint"

# upload <file> <url-encoded key>
upload() {
  if command -v curl >/dev/null; then
    code=$(curl -sS -o "$work/put.out" -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" \
      --user S3RVER:S3RVER -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -T "$1" \
      "$endpoint/backups/$2")
  else
    code=$(node -e '
      const [file, url] = process.argv.slice(1);
      const body = require("fs").readFileSync(file);
      const req = require("http").request(url, {method: "PUT", headers: {
        "content-length": body.length, "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
        "x-amz-date": new Date().toISOString().replace(/[-:]|\.\d+/g, ""),
        authorization: "AWS4-HMAC-SHA256 Credential=S3RVER/20240101/us-east-1/s3/aws4_request," +
          "SignedHeaders=host,Signature=00"}}, res => console.log(res.statusCode));
      req.end(body);' "$1" "$endpoint/backups/$2")
  fi
  [ "$code" = 200 ] || fail "upload of $2 answered $code"
}

head -c 54321 /dev/urandom >"$work/snap.bin"
: >"$work/empty.bin"
upload "$work/snap.bin" "clusters/tenant-a/snap%202024-01-01.snap"
upload "$work/empty.bin" "clusters/tenant-a/empty.snap"

failures=0
# expect <description> <expected first line> <s3_probe arguments...>; credentials in the env.
expect() {
  local what=$1 want=$2
  shift 2
  local out
  out=$("$probe" --timeout-ms 5000 "$@" 2>&1)
  local got=${out%%$'\n'*}
  if [ "$got" = "$want" ]; then
    echo "ok   $what: $(echo "$out" | tail -1)"
  else
    echo "FAIL $what: wanted \"$want\", got:"
    echo "$out" | sed 's/^/     /'
    failures=$((failures + 1))
  fi
}

export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
key="clusters/tenant-a/snap 2024-01-01.snap"
expect "path-style, exact size" "found 54321" \
  --endpoint "$endpoint" --bucket backups --key "$key" --path-style
expect "IP endpoint without --path-style is path-style" "found 54321" \
  --endpoint "$endpoint" --bucket backups --key "$key"
# s3rver maps <bucket>.s3.amazonaws.com to the bucket (its vhost middleware).
expect "virtual-hosted" "found 54321" \
  --endpoint "http://s3.amazonaws.com:$port" --connect-address 127.0.0.1 \
  --bucket backups --key "$key"
expect "empty object" "found 0" \
  --endpoint "$endpoint" --bucket backups --key clusters/tenant-a/empty.snap --path-style
expect "missing key" "not_found -1" \
  --endpoint "$endpoint" --bucket backups --key clusters/tenant-a/nope.snap --path-style
expect "missing bucket" "not_found -1" \
  --endpoint "$endpoint" --bucket nobucket --key "$key" --path-style
AWS_ACCESS_KEY_ID=AKIAWRONGKEY expect "unknown access key id" "forbidden -1" \
  --endpoint "$endpoint" --bucket backups --key "$key" --path-style
AWS_SESSION_TOKEN=some-session-token expect "with a session token" "found 54321" \
  --endpoint "$endpoint" --bucket backups --key "$key" --path-style

# Not an assertion: s3rver does not verify V4 signatures (see the header of this file).
out=$(AWS_SECRET_ACCESS_KEY=wrong "$probe" --endpoint "$endpoint" --bucket backups \
  --key "$key" --path-style)
echo "info wrong secret, right key id: s3rver says \"${out%%$'\n'*}\" (it does not verify V4 signatures)"

kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
server_pid=
expect "store gone" "unreachable -1" \
  --endpoint "$endpoint" --bucket backups --key "$key" --path-style

[ "$failures" -eq 0 ] || fail "$failures case(s) failed"
echo "PASS"
