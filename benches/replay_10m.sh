#!/usr/bin/env bash
# Engine replay against redis-server on an AOF of 10 million commands that a
# real redis-server wrote (issue 4's benchmark).
#
#   benches/replay_10m.sh [DIR]        (default ${TMPDIR:-/tmp}/redfile-bench-10m)
#
# 1. Generates 10.5 M write commands over 1 M keys, deterministically:
#    SET, INCR, APPEND, HSET, RPUSH, LPOP, SADD, ZADD, EXPIRE, DEL, XADD.
#    Those that change nothing are not propagated; over 10 M reach the AOF.
# 2. Pipes them into a private redis-server on 127.0.0.1 with appendonly
#    yes, so the server writes its own AOF (multi-part directory).
# 3. Times redfile's engine replaying that directory, and the server
#    loading it at start-up (its `DB loaded from append only file` line).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-${TMPDIR:-/tmp}/redfile-bench-10m}
N=${N:-10500000}
mkdir -p "$DIR"
port=$((20000 + RANDOM % 20000))

if [ ! -f "$DIR/appendonlydir/appendonly.aof.manifest" ]; then
  python3 - "$N" > "$DIR/commands.resp" <<'PY'
import sys, random
n = int(sys.argv[1]); r = random.Random(1); out = sys.stdout.buffer
def cmd(*a):
    out.write(b"*%d\r\n" % len(a))
    for x in a:
        x = x if isinstance(x, bytes) else str(x).encode()
        out.write(b"$%d\r\n%s\r\n" % (len(x), x))
for i in range(n):
    k = r.randrange(1_000_000); t = r.randrange(100)
    if t < 30: cmd("SET", f"s:{k}", f"value-{i}")
    elif t < 40: cmd("INCR", f"c:{k % 100000}")
    elif t < 45: cmd("APPEND", f"s:{k}", "x")
    elif t < 60: cmd("HSET", f"h:{k % 200000}", f"f{r.randrange(20)}", f"v{i}")
    elif t < 70: cmd("RPUSH", f"l:{k % 100000}", f"e{i}")
    elif t < 73: cmd("LPOP", f"l:{k % 100000}")
    elif t < 83: cmd("SADD", f"t:{k % 100000}", f"m{r.randrange(64)}")
    elif t < 93: cmd("ZADD", f"z:{k % 100000}", r.randrange(10000) / 8, f"m{r.randrange(64)}")
    elif t < 96: cmd("EXPIRE", f"s:{k}", 86400 * 365 * 50)
    elif t < 98: cmd("DEL", f"s:{k}")
    else: cmd("XADD", f"x:{k % 1000}", "*", "f", str(i))
PY
  redis-server --port "$port" --bind 127.0.0.1 --dir "$DIR" --appendonly yes --appendfsync no --auto-aof-rewrite-percentage 0 \
    --save "" --logfile "$DIR/fill.log" --daemonize yes
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$port" --pipe < "$DIR/commands.resp" > /dev/null
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  sleep 1
  rm -f "$DIR/commands.resp"
fi

cargo build --release --quiet --benches
REPLAY=$(ls target/release/deps/replay-* | grep -v '\.d$' | head -1)
cat "$DIR"/appendonlydir/* > /dev/null
"$REPLAY" "$DIR/appendonlydir"
rm -f "$DIR/load.log"
redis-server --port "$port" --bind 127.0.0.1 --dir "$DIR" --appendonly yes --save "" \
  --logfile "$DIR/load.log" --daemonize yes
for _ in $(seq 1200); do grep -q "Ready to accept" "$DIR/load.log" 2>/dev/null && break; sleep 0.5; done
redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
grep "DB loaded from append only file" "$DIR/load.log"
