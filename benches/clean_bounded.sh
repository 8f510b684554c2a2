#!/usr/bin/env bash
# Benchmark: `ckm clean` in bounded memory. 200M generated lines (four 50M-line Parquet files,
# seeds 42, 2, 3, 4, 5M customers each, in one directory) cleaned with --memory-limit, with
# the wall time, the peak RSS and what was spilled; then the same output check on a sample:
# the 10M-line table cleaned in memory and spilled (--memory-limit 1G), the files compared
# byte for byte. Python polars cannot hold 200M lines on this machine (10.9 GB at 50M); its
# time on the 10M-line CSV is the anchor of ingest_clean.sh.
#
#   benches/clean_bounded.sh                 # 200M lines, --memory-limit 6G
#   LIMIT=4G PARTS=2 benches/clean_bounded.sh
#
# The inputs take 2.8 GB and about 6 minutes to generate (12 GB of memory each); the run
# needs about 14 GB of disk for its spill files and output.
set -euo pipefail
source "$(dirname "$0")/common.sh"

LIMIT=${LIMIT:-6G}
PARTS=${PARTS:-4}
BIG="$DIR/orders_200m"
mkdir -p "$BIG"
seeds=(42 2 3 4)
for i in $(seq 1 "$PARTS"); do
  f="$BIG/part-$i.parquet"
  [[ -f $f ]] || "$PY" "$SHARED/gen_transactions.py" --rows 50000000 --customers 5000000 --seed "${seeds[$((i - 1))]}" --out "$f" >&2
done
rm -f "$BIG"/*.log

read -r wall rss < <(measure clean_bounded "$CKM" clean "$BIG" --memory-limit "$LIMIT" --max-date 2030-01-01 \
  -o "$DIR/clean_bounded.parquet" --rejects "$DIR/clean_bounded.rejects.csv")
spilled=$(grep -o 'spilled to disk[^|]*| [^|]*' "$DIR/time.clean_bounded.log" | sed 's/.*| //' || true)
rows=$(grep -o 'rows in  *| [0-9,]*' "$DIR/time.clean_bounded.log" | sed 's/.*| //')
printf 'clean of %s lines, --memory-limit %s: %.1f s, peak %s MiB\n  %s\n' "$rows" "$LIMIT" "$wall" "$rss" "$spilled"
rm -f "$DIR/clean_bounded.parquet" "$DIR/clean_bounded.rejects.csv"

# The same output, held or spilled, on the 10M-line sample (CSV, with its unparseable rows
# and all): byte for byte.
sample=$(orders csv)
read -r held_wall held_rss < <(measure clean_held "$CKM" clean "$sample" -q --max-date 2030-01-01 \
  -o "$DIR/clean_held.parquet" --rejects "$DIR/clean_held.rejects.csv")
read -r spill_wall spill_rss < <(measure clean_spilled "$CKM" clean "$sample" -q --max-date 2030-01-01 --memory-limit 1G \
  -o "$DIR/clean_spilled.parquet" --rejects "$DIR/clean_spilled.rejects.csv")
same=different
cmp -s "$DIR/clean_held.parquet" "$DIR/clean_spilled.parquet" \
  && cmp -s "$DIR/clean_held.rejects.csv" "$DIR/clean_spilled.rejects.csv" && same=identical
printf '%s lines: in memory %.1f s, %s MiB; --memory-limit 1G %.1f s, %s MiB; outputs %s\n' \
  "$ROWS" "$held_wall" "$held_rss" "$spill_wall" "$spill_rss" "$same"
rm -f "$DIR"/clean_held.* "$DIR"/clean_spilled.*
[[ $same == identical ]]
