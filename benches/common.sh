# Sourced by the benchmark scripts: the reference venv, the release build, the data folder,
# and `measure`, which times a whole process tree.
# Sets SHARED, ROWS, CUSTOMERS, DIR, PY and CKM; exits 0 with a message without ../shared.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SHARED=../shared/bench
[[ -d $SHARED ]] || { echo "skipping: $SHARED is absent" >&2; exit 0; }
ROWS=${ROWS:-10000000}
CUSTOMERS=${CUSTOMERS:-$((ROWS / 10))}
DIR=${BENCH_DIR:-$HOME/.cache/ckm-bench/data}
mkdir -p "$DIR"
PY=$("$SHARED/setup.sh")
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ckm-target}"
cargo build --release --quiet
CKM="$CARGO_TARGET_DIR/release/ckm"

# measure NAME COMMAND...: wall seconds and peak RSS (MiB) of a whole process tree via GNU time.
measure() {
  local name=$1; shift
  local log="$DIR/time.$name.log"
  /usr/bin/time -v "$@" >"$DIR/stdout.$name.log" 2>"$log" || { cat "$log" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
  echo "$wall $rss"
}

# orders EXT: the path of the generated orders table as EXT (csv or parquet), generated on
# first use with ../shared/bench/gen_transactions.py (named by its customers too when they
# are not the default tenth of the lines).
orders() {
  local f="$DIR/orders_${ROWS}.$1"
  [[ $CUSTOMERS -eq $((ROWS / 10)) ]] || f="$DIR/orders_${ROWS}_${CUSTOMERS}_customers.$1"
  [[ -f $f ]] || "$PY" "$SHARED/gen_transactions.py" --rows "$ROWS" --customers "$CUSTOMERS" --out "$f" >&2
  echo "$f"
}
