#!/usr/bin/env bash
# Benchmark: `ckm churn train --window 90` on transactions at scale: the generated 10M-line
# table (1M customers) and the 50M-line one (5M customers), wall time, peak memory, the time
# of each stage (from the run manifest) and the out-of-fold ROC AUC of both models. Target
# (issue 23): 50M lines under 120 s. No reference tool derives churn labels from
# transactions; scikit-learn's models on the same features are the subject of churn.sh.
#
#   benches/churn_transactions.sh            # 10M and 50M lines
#   SIZES="10000000" benches/churn_transactions.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"

printf '%-10s %9s %10s  %-60s %s\n' lines "wall s" "peak MiB" "stages (s)" "out-of-fold AUC"
for rows in ${SIZES:-10000000 50000000}; do
  ROWS=$rows CUSTOMERS=$((rows / 10))
  f=$(orders parquet)
  read -r wall rss < <(measure "churn_tx_$rows" "$CKM" churn train "$f" --window 90 -q \
    -o "$DIR/churn_tx.csv" --metrics "$DIR/churn_tx_metrics.json" --manifest "$DIR/churn_tx_manifest.json")
  stages=$("$PY" -c 'import json,sys; t=json.load(open(sys.argv[1]))["timings_seconds"]; print(" ".join(f"{k} {v:.1f}" for k, v in t.items() if k != "total"))' "$DIR/churn_tx_manifest.json")
  aucs=$("$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(" ".join("%s %.4f" % (c["model"], c["roc_auc"]) for c in j["candidates"]), "| cross-validated on", j["cross_validated_customers"], "of", j["customers"])' "$DIR/churn_tx_metrics.json")
  printf '%-10s %9.1f %10s  %-60s %s\n' "$rows" "$wall" "$rss" "$stages" "$aucs"
  rm -f "$DIR/churn_tx.csv"
done
