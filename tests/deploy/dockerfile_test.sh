#!/usr/bin/env bash
# The Dockerfile, checked without a Docker engine (none runs where CI and these sessions do,
# so `docker build` itself is never run here): its build stage must install every package the
# build needs (scripts/packages.txt, less what only the tests and the fuzzer use), and its
# runtime stage every package holding a shared library that the built baorestore links
# directly (its NEEDED entries, resolved by ldd and mapped to packages by dpkg -S). A
# library added to the build without the Dockerfile following would otherwise surface only
# as an image that does not configure, or a pod that does not start.
# Usage: dockerfile_test.sh BAORESTORE_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
df=$src/Dockerfile

fail() {
  echo "FAIL: $*"
  exit 1
}
for tool in dpkg objdump ldd awk; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not found"; exit 77; }
done

# The packages of the Dockerfile's Nth `apt-get install` (1: the build stage, 2: the runtime).
stage_packages() {
  awk -v want="$1" '
    /apt-get install/ { n++; on = (n == want); next }
    on && /&&/ { on = 0 }
    on { for (i = 1; i <= NF; i++) if ($i != "\\") print $i }' "$df"
}
build_stage=$(stage_packages 1)
runtime_stage=$(stage_packages 2)
[[ -n $build_stage && -n $runtime_stage ]] || fail "no apt-get install found in both stages"
has() { grep -qx -- "$2" <<<"$1"; }

echo "+ the build stage installs what the build needs"
# Used by the tests and the fuzzer only, never by building the baorestore target.
tests_only="clang libclang-rt-14-dev prometheus openssl curl"
missing=()
while read -r p; do
  [[ " $tests_only " == *" $p "* ]] && continue
  has "$build_stage" "$p" || missing+=("$p")
done < <(grep -v -e '^#' -e '^[[:space:]]*$' "$src/scripts/packages.txt")
((${#missing[@]} == 0)) || fail "the Dockerfile's build stage lacks: ${missing[*]}"
echo "ok: $(wc -l <<<"$build_stage") packages, scripts/packages.txt covered"

echo "+ the runtime stage installs the libraries baorestore links"
# In the base image (and dependencies of everything): the C and C++ runtimes. The sanitizer
# runtimes are linked by the Debug build the tests run, never by an image's.
base_image="libc6 libstdc++6 libgcc-s1"
mapfile -t needed < <(objdump -p "$bin" | awk '/NEEDED/ { print $2 }')
((${#needed[@]} > 0)) || fail "objdump found no NEEDED entries in $bin"
missing=()
for lib in "${needed[@]}"; do
  [[ $lib == libasan.* || $lib == libubsan.* || $lib == liblsan.* ]] && continue
  path=$(ldd "$bin" | awk -v l="$lib" '$1 == l { print $3 }')
  [[ -n $path ]] || fail "ldd does not resolve $lib"
  pkg=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1)
  if [[ -z $pkg ]]; then # usrmerge: the package may name the other spelling of the path
    alt=${path#/usr}
    [[ $alt == "$path" ]] && alt=/usr$path
    pkg=$(dpkg -S "$alt" 2>/dev/null | head -1 | cut -d: -f1)
  fi
  [[ -n $pkg ]] || fail "no package owns $path ($lib)"
  [[ " $base_image " == *" $pkg "* ]] && continue
  if has "$runtime_stage" "$pkg"; then
    echo "ok: $lib ($pkg)"
  else
    missing+=("$pkg ($lib)")
  fi
done
((${#missing[@]} == 0)) || fail "the Dockerfile's runtime stage lacks: ${missing[*]}"
echo "PASS"
