#!/usr/bin/env bash
# Benchmark: `ckm ingest` + `ckm clean` on the generated 10-million-line orders table (1 million
# customers, two years), as CSV and as Parquet, side by side with Python polars doing the same
# work (../shared/bench/ref_ingest.py), in the same run. Prints wall time, rows/s, peak RSS and
# the ratios ckm / Python polars. Absolute times on shared machines are noise; ratios are not.
#
#   benches/ingest_clean.sh              # 10M rows (generates the inputs once, ~3 min)
#   ROWS=1000000 benches/ingest_clean.sh # a quicker look
#
# Needs ../shared/bench beside the checkout; inputs and outputs go to $BENCH_DIR
# (default ~/.cache/ckm-bench/data).
set -euo pipefail
source "$(dirname "$0")/common.sh"


printf '%-9s %-34s %9s %12s %10s\n' input tool "wall s" "rows/s" "peak MiB"
for ext in csv parquet; do
  f=$(orders "$ext")
  read -r ref_wall ref_rss < <(measure "ref_$ext" "$PY" "$SHARED/ref_ingest.py" --input "$f" --out "$DIR/ref_out.parquet")
  # One process doing the whole job (clean reads raw exports through the same reader as ingest).
  read -r one_wall one_rss < <(measure "ckm_clean_$ext" "$CKM" clean "$f" -q -o "$DIR/ckm_out.parquet" --rejects "$DIR/ckm_rejects.parquet")
  # The two-command pipeline, typed Arrow between them; peak is the larger process.
  read -r pipe_wall pipe_rss < <(measure "ckm_pipe_$ext" bash -c "'$CKM' ingest '$f' -q --format arrow | '$CKM' clean - -q -o '$DIR/ckm_out2.parquet' --rejects '$DIR/ckm_rejects2.parquet'")
  # Two steps through a Parquet file, as a nightly job with a saved raw table runs them.
  read -r two_wall two_rss < <(measure "ckm_two_$ext" bash -c "'$CKM' ingest '$f' -q -o '$DIR/ckm_raw.parquet' && '$CKM' clean '$DIR/ckm_raw.parquet' -q -o '$DIR/ckm_out3.parquet' --rejects '$DIR/ckm_rejects3.parquet'")
  printf '%-9s %-34s %9.2f %12.0f %10s\n' "$ext" "python polars (ref_ingest.py)" "$ref_wall" "$(echo "$ROWS / $ref_wall" | bc -l)" "$ref_rss"
  printf '%-9s %-34s %9.2f %12.0f %10s\n' "$ext" "ckm clean (one process)" "$one_wall" "$(echo "$ROWS / $one_wall" | bc -l)" "$one_rss"
  printf '%-9s %-34s %9.2f %12.0f %10s\n' "$ext" "ckm ingest, arrow pipe, ckm clean" "$pipe_wall" "$(echo "$ROWS / $pipe_wall" | bc -l)" "$pipe_rss"
  printf '%-9s %-34s %9.2f %12.0f %10s\n' "$ext" "ckm ingest -o parquet, ckm clean" "$two_wall" "$(echo "$ROWS / $two_wall" | bc -l)" "$two_rss"
  printf '%-9s ratio ckm/python: one process %.2fx time, %.2fx memory; pipeline %.2fx time; two steps %.2fx time\n' "$ext" \
    "$(echo "$one_wall / $ref_wall" | bc -l)" "$(echo "$one_rss / $ref_rss" | bc -l)" "$(echo "$pipe_wall / $ref_wall" | bc -l)" "$(echo "$two_wall / $ref_wall" | bc -l)"
done
