#!/usr/bin/env bash
# Side-by-side benchmark of redfile against the real tools, in one run.
#
#   benches/compare.sh [DATA_DIR]
#
# DATA_DIR (default: $TMPDIR/redfile-bench) holds bench.rdb and
# bench-aof/appendonlydir as made by ../shared/bench/make_bench_data.py,
# which this script runs (with the local redis-server) when they are
# missing. Every tool reads the same file from the page cache (one warm-up
# read first); each figure is the median of RUNS runs of wall time, with the
# peak RSS of the last run. Nothing here is a pass/fail test: the numbers
# are recorded in the README.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${1:-${TMPDIR:-/tmp}/redfile-bench}
RUNS=${RUNS:-3}
MAKE=../shared/bench/make_bench_data.py

if [ ! -f "$DATA/bench.rdb" ]; then
  [ -f "$MAKE" ] || { echo "no $DATA/bench.rdb and no $MAKE to build it" >&2; exit 2; }
  mkdir -p "$DATA"
  python3 "$MAKE" --out "$DATA" --name bench --fraction "${FRACTION:-1.0}"
fi
cargo build --release --quiet
RF=target/release/redfile

# median wall seconds and last peak RSS (KB) of a command
measure() {
  local times=() rss=0 out tmp
  tmp=$(mktemp)
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -o "$tmp" -f "%e %M" "$@" >/dev/null 2>&1 || true
    out=$(tail -1 "$tmp")
    times+=("${out% *}")
    rss=${out#* }
  done
  rm -f "$tmp"
  local med
  med=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  echo "$med $rss"
}

row() { # label bytes command...
  local label=$1 bytes=$2
  shift 2
  if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
    printf '| %-44s | %8s | %9s | %8s |\n' "$label" "-" "missing" "-"
    return
  fi
  read -r secs rss < <(measure "$@")
  local mbs
  mbs=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", b / 1e6 / s; else print "inf" }')
  printf '| %-44s | %8s | %9s | %8s |\n' "$label" "$secs" "$mbs" "$((rss / 1024))"
}

RDB=$DATA/bench.rdb
RDB_BYTES=$(stat -c %s "$RDB")
cat "$RDB" >/dev/null
echo "RDB: $RDB ($RDB_BYTES bytes), median of $RUNS runs"
echo
printf '| %-44s | %8s | %9s | %8s |\n' "tool / task" "seconds" "MB/s" "peak MB"
printf '|%s|%s|%s|%s|\n' "----------------------------------------------" "----------" "-----------" "----------"
row "redfile check" "$RDB_BYTES" "$RF" check "$RDB"
row "redfile check --deep" "$RDB_BYTES" "$RF" check --deep "$RDB"
row "redis-check-rdb" "$RDB_BYTES" redis-check-rdb "$RDB"

AOFDIR=$DATA/bench-aof/appendonlydir
if [ -d "$AOFDIR" ]; then
  MANIFEST=$(ls "$AOFDIR"/*.manifest)
  AOF_BYTES=$(cat "$AOFDIR"/* | wc -c)
  cat "$AOFDIR"/* >/dev/null
  row "redfile check (multi-part AOF)" "$AOF_BYTES" "$RF" check "$AOFDIR"
  row "redis-check-aof (multi-part AOF)" "$AOF_BYTES" redis-check-aof "$MANIFEST"
fi

# Replaying the AOF: redfile's engine against redis-server loading it at
# start-up (its own log line gives the load time).
if [ -d "$AOFDIR" ] && command -v redis-server >/dev/null 2>&1; then
  cargo build --release --quiet --benches
  REPLAY=$(ls target/release/deps/replay-* | grep -v '\.d$' | head -1)
  out=$("$REPLAY" "$AOFDIR" | tail -1)
  secs=$(echo "$out" | sed -n 's/.* \([0-9.]*\) s, .*/\1/p')
  cmds=$(echo "$out" | sed -n 's/.*: \([0-9]*\) commands.*/\1/p')
  printf '| %-44s | %8s | %9s | %8s |\n' "redfile engine replay (commands/s)" "$secs" "$(awk -v c="$cmds" -v s="$secs" 'BEGIN{printf "%.0f", c/s}')" "-"
  work=$(mktemp -d)
  cp -r "$AOFDIR" "$work/appendonlydir"
  port=$((20000 + RANDOM % 20000))
  redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --appendonly yes --save "" \
    --logfile "$work/log" --daemonize yes >/dev/null
  for _ in $(seq 600); do grep -q "Ready to accept" "$work/log" 2>/dev/null && break; sleep 0.5; done
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  ssecs=$(sed -n 's/.*DB loaded from append only file: \([0-9.]*\) seconds.*/\1/p' "$work/log")
  printf '| %-44s | %8s | %9s | %8s |\n' "redis-server load AOF (commands/s)" "$ssecs" "$(awk -v c="$cmds" -v s="$ssecs" 'BEGIN{printf "%.0f", c/s}')" "-"
  rm -rf "$work"
fi
