#!/usr/bin/env bash
# The chaos test of issue 16 at full size: 1,000 restores on 40 clusters of 10 tenants, two
# `baorestore run` processes without leader election, 220 planned SIGKILLs (at least 200
# land: a kill drawn while both operators are down is skipped and not counted), 20 % of API
# requests faulted, 20 % of Job creates held 4-35 s and forwarded late, 60 Backup locks, 15 %
# cancellations, 15 % failing Jobs, an intruder on the --data-dir, the store reopened at the
# end. About 7 minutes of plan, then the settle (bounded by --settle-timeout).
#
# Usage: bench/chaos/run_full.sh BAORESTORE_BINARY [SEED] [extra chaos.py flags]
# Prints the seed, the progress, the proxy's fault counts and PASS or every violation.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
bin=${1:?usage: run_full.sh BAORESTORE_BINARY [SEED] [chaos.py flags]}
seed=${2:-$(( (RANDOM << 15 | RANDOM) + 1 ))}
shift $(( $# >= 2 ? 2 : 1 ))
exec python3 "$src/tests/chaos/chaos.py" --bin "$bin" --src "$src" --seed "$seed" \
  --restores 1000 --rate 2.5 --tenants 10 --clusters 4 --operators 2 --kills 220 \
  --backups 60 --fault-rate 0.2 --held-rate 0.2 --hold-min 4 --hold-max 35 \
  --cancel-rate 0.15 --fail-rate 0.15 --intruder --settle-timeout 600 --deadline 3000 "$@"
