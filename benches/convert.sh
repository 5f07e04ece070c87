#!/usr/bin/env bash
# Side-by-side benchmark of `redfile convert` against redis-server doing
# the same conversion, in one run:
#
#   AOF -> RDB: redfile convert appendonlydir/ out.rdb --to rdb
#               vs redis-server started on the AOF directory, then SAVE
#   RDB -> AOF: redfile convert bench.rdb out.aof --to aof
#               vs redis-server started on the RDB, then CONFIG SET
#               aof-use-rdb-preamble no + appendonly yes, waiting for the
#               rewrite (the same RESP rewrite form)
#
#   benches/convert.sh [DATA_DIR]
#
# DATA_DIR (default: $TMPDIR/redfile-bench) holds bench.rdb and
# bench-aof/appendonlydir from ../shared/bench/make_bench_data.py (built
# here when missing). Wall time covers load + write for both tools; peak
# RSS comes from /usr/bin/time -v. One run each (the AOF replay needs
# about 6 GB): numbers move by +-20% on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${1:-${TMPDIR:-/tmp}/redfile-bench}
MAKE=../shared/bench/make_bench_data.py
if [ ! -f "$DATA/bench.rdb" ] || [ ! -d "$DATA/bench-aof/appendonlydir" ]; then
  [ -f "$MAKE" ] || { echo "no bench data in $DATA and no $MAKE to build it" >&2; exit 2; }
  mkdir -p "$DATA"
  python3 "$MAKE" --out "$DATA" --name bench --fraction "${FRACTION:-1.0}"
fi
cargo build --release --quiet
RF=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/redfile
RDB=$DATA/bench.rdb
AOFDIR=$DATA/bench-aof/appendonlydir
WORK=$(mktemp -d "${TMPDIR:-/tmp}/redfile-convert-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cat "$RDB" "$AOFDIR"/* >/dev/null

row() { # label input-bytes seconds rss-kb
  printf '| %-52s | %8s | %7s | %8s |\n' "$1" "$3" \
    "$(awk -v b="$2" -v s="$3" 'BEGIN { if (s > 0) printf "%.0f", b / 1e6 / s; else print "-" }')" "$(($4 / 1024))"
}

# redfile: wall seconds and peak RSS from /usr/bin/time -v.
timed() { # label input-bytes command...
  local label=$1 bytes=$2
  shift 2
  /usr/bin/time -v "$@" >"$WORK/out" 2>"$WORK/time" || { cat "$WORK/out" "$WORK/time" >&2; exit 1; }
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time" |
    awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time")
  row "$label" "$bytes" "$wall" "$rss"
}

# redis-server under /usr/bin/time -v: start, wait for the load, run the
# conversion commands given, wait for the condition, shut down.
server() { # label input-bytes dir then-commands wait-grep args...
  local label=$1 bytes=$2 dir=$3 then=$4 until=$5
  shift 5
  local port=$((20000 + RANDOM % 20000))
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -v redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" \
    --logfile "$dir/log" "$@" 2>"$WORK/stime" &
  local pid=$!
  for _ in $(seq 1200); do grep -q "Ready to accept" "$dir/log" 2>/dev/null && break; sleep 0.25; done
  for c in $then; do redis-cli -p "$port" ${c//,/ } >/dev/null; done
  if [ -n "$until" ]; then
    for _ in $(seq 2400); do
      redis-cli -p "$port" info persistence | tr -d '\r' | grep -q "$until" && break
      sleep 0.25
    done
  fi
  t1=$(date +%s.%N)
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  wait "$pid" || true
  local rss
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/stime")
  row "$label" "$bytes" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" "$rss"
}

AOF_BYTES=$(cat "$AOFDIR"/* | wc -c)
RDB_BYTES=$(stat -c %s "$RDB")
echo "AOF: $AOFDIR ($AOF_BYTES bytes); RDB: $RDB ($RDB_BYTES bytes)"
echo
printf '| %-52s | %8s | %7s | %8s |\n' "conversion" "seconds" "MB/s" "peak MB"
printf '|%s|%s|%s|%s|\n' "------------------------------------------------------" "----------" "---------" "----------"

timed "redfile convert AOF -> RDB" "$AOF_BYTES" "$RF" convert -q "$AOFDIR" "$WORK/from-aof.rdb" --to rdb
rm -f "$WORK/from-aof.rdb"
mkdir "$WORK/s1" && cp -r "$AOFDIR" "$WORK/s1/appendonlydir"
server "redis-server: load AOF, SAVE" "$AOF_BYTES" "$WORK/s1" "SAVE" "" --appendonly yes
rm -rf "$WORK/s1"

timed "redfile convert RDB -> AOF (RESP rewrite)" "$RDB_BYTES" "$RF" convert -q "$RDB" "$WORK/from-rdb.aof" --to aof
rm -f "$WORK/from-rdb.aof"
mkdir "$WORK/s2" && ln -s "$RDB" "$WORK/s2/dump.rdb"
server "redis-server: load RDB, BGREWRITEAOF (preamble no)" "$RDB_BYTES" "$WORK/s2" \
  "config,set,aof-use-rdb-preamble,no config,set,appendonly,yes" "aof_rewrite_in_progress:0" \
  --dbfilename dump.rdb --appendonly no
rm -rf "$WORK/s2"
