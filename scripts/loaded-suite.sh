#!/usr/bin/env bash
# The whole test suite on a busy machine (issue 15, item 9): `npm run bench -- marketplace` runs over
# and over beside it (its load generator, servers and PostgreSQL keep both cores busy), while the
# suite runs on the embedded default and then on PostgreSQL + Redis. The load average is sampled every
# 10 s; at the end a table gives each setup's wall time, its counts and the load it ran under.
#
#   bash scripts/loaded-suite.sh            # both setups
#   LOADED_SETUPS=embedded bash scripts/loaded-suite.sh
#
# Logs: $LOADED_LOG (default /tmp/loaded-suite): bench.log, load.txt, <setup>.log. Exit status 1 if
# any test failed. The benchmark does not write bench/RESULTS.md here (BENCH_WRITE=0).
set -uo pipefail
cd "$(dirname "$0")/.."

LOG=${LOADED_LOG:-/tmp/loaded-suite}
SETUPS=${LOADED_SETUPS:-"embedded postgres"}
PG_URL=${LOADED_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}
REDIS=${LOADED_REDIS_URL:-redis://127.0.0.1:6379}
mkdir -p "$LOG"
: >"$LOG/load.txt"

# The load: the marketplace benchmark in a loop, in a process group of its own so that it stops whole.
setsid bash -c 'while :; do BENCH_MAX_LOAD=99 BENCH_WRITE=0 BENCH_WARMUP=1 npm run -s bench -- marketplace || sleep 1; done' >"$LOG/bench.log" 2>&1 &
load_pgid=$!
setsid bash -c "while :; do echo \"\$(date +%s) \$(cut -d' ' -f1 /proc/loadavg)\"; sleep 10; done" >>"$LOG/load.txt" &
sampler_pgid=$!
stop() { kill -- -"$load_pgid" -"$sampler_pgid" 2>/dev/null; }
trap stop EXIT

echo "load: npm run bench -- marketplace in a loop (log $LOG/bench.log); waiting 60 s for it to build up"
sleep 60

rows=()
failed=0
for setup in $SETUPS; do
  start=$(date +%s)
  if [ "$setup" = postgres ]; then
    env DATABASE_URL="$PG_URL" REDIS_URL="$REDIS" npm test >"$LOG/$setup.log" 2>&1
  else
    env -u DATABASE_URL -u REDIS_URL npm test >"$LOG/$setup.log" 2>&1
  fi
  rc=$?
  end=$(date +%s)
  [ "$rc" -eq 0 ] || failed=1
  counts=$(sed -E 's/\x1b\[[0-9;]*m//g' "$LOG/$setup.log" | grep -E '^ +Tests ' | tail -1 | sed -E 's/ +Tests +//')
  loads=$(awk -v s="$start" -v e="$end" '$1 >= s && $1 <= e { n++; t += $2; if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2 }
    END { if (n) printf "%.1f (%.1f–%.1f, %d samples)", t / n, min, max, n; else printf "n/a" }' "$LOG/load.txt")
  rows+=("| $setup | $((end - start)) s | ${counts:-no summary (see $LOG/$setup.log)} | exit $rc | $loads |")
  echo "$setup: $((end - start)) s, $counts, exit $rc, load $loads"
done

echo
echo "Node $(node --version), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "| setup | wall | tests | result | load average, 1 min (mean, min–max) |"
echo "|---|---:|---|---|---|"
printf '%s\n' "${rows[@]}"
exit "$failed"
