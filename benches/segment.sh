#!/usr/bin/env bash
# Benchmark: `ckm segment` (features + RFM scores + k-means, k = 8) on the generated
# 10-million-line orders table (1 million customers), as CSV and as Parquet, side by side with
# Python polars + scikit-learn KMeans doing the same (../shared/bench/ref_segment.py), in the
# same run, imports included. Both run k-means once from a k-means++ start (n_init=1, --runs 1).
#
#   benches/segment.sh              # 10M lines
#   ROWS=1000000 benches/segment.sh # a quicker look
set -euo pipefail
source "$(dirname "$0")/common.sh"

printf '%-9s %-44s %9s %10s\n' input tool "wall s" "peak MiB"
for ext in csv parquet; do
  f=$(orders "$ext")
  read -r ref_wall ref_rss < <(measure "ref_segment_$ext" "$PY" "$SHARED/ref_segment.py" --input "$f" --engine polars --k 8 --out "$DIR/ref_segments.csv")
  read -r ckm_wall ckm_rss < <(measure "ckm_segment_$ext" "$CKM" segment "$f" --clusters 8 --runs 1 -q -o "$DIR/ckm_segments.csv")
  printf '%-9s %-44s %9.2f %10s\n' "$ext" "python polars + scikit-learn (ref_segment.py)" "$ref_wall" "$ref_rss"
  printf '%-9s %-44s %9.2f %10s\n' "$ext" "ckm segment --clusters 8" "$ckm_wall" "$ckm_rss"
  printf '%-9s speed-up ckm vs python %.2fx (target >= 1.5x); memory ratio %.2fx (target <= 1)\n' "$ext" \
    "$(echo "$ref_wall / $ckm_wall" | bc -l)" "$(echo "$ckm_rss / $ref_rss" | bc -l)"
done
