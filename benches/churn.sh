#!/usr/bin/env bash
# Benchmark: `ckm churn train --model auto` against scikit-learn's LogisticRegression and
# HistGradientBoostingClassifier (../shared/bench/ref_churn.py) on the same stratified folds
# (ref_churn.py writes them, ckm reads them with --folds-file), in the same run: out-of-fold
# ROC AUC per model, and whole-process wall time and peak memory, imports included.
#
#   benches/churn.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
DATA=../shared/data

# name, file, target, id, columns scikit-learn is told to drop (ckm finds them itself)
datasets=(
  "telco|$DATA/telco-churn/telco_churn.csv|Churn|customerID|"
  "bank|$DATA/bank-churn/churn_modelling.csv|Exited|CustomerId|RowNumber,Surname"
)
printf '%-6s %-28s %8s %8s %8s %10s\n' data tool "AUC lr" "AUC gbt" "wall s" "peak MiB"
for d in "${datasets[@]}"; do
  IFS='|' read -r name file target id drop <<<"$d"
  [[ -f $file ]] || { echo "skipping $name: $file is absent" >&2; continue; }
  folds="$DIR/churn_folds_$name.csv"
  read -r ref_wall ref_rss < <(measure "ref_churn_$name" "$PY" "$SHARED/ref_churn.py" --input "$file" \
    --target "$target" --id "$id" --drop "$drop" --folds-out "$folds")
  ref_json=$(tail -n 1 "$DIR/stdout.ref_churn_$name.log")
  read -r ckm_wall ckm_rss < <(measure "ckm_churn_$name" "$CKM" churn train "$file" --target "$target" \
    --id "$id" --folds-file "$folds" -q -o "$DIR/ckm_churn_$name.csv" --metrics "$DIR/ckm_churn_$name.json")
  read -r ref_lr ref_hgb < <(echo "$ref_json" | "$PY" -c 'import json,sys; j=json.load(sys.stdin); print(j["logistic out-of-fold AUC"], j["hgb out-of-fold AUC"])')
  read -r ckm_lr ckm_gbdt chosen < <("$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); c={m["model"]: m["roc_auc"] for m in j["candidates"]}; print(round(c["logistic"],4), round(c["gbdt"],4), j["chosen_model"])' "$DIR/ckm_churn_$name.json")
  printf '%-6s %-28s %8s %8s %8.2f %10s\n' "$name" "scikit-learn (ref_churn.py)" "$ref_lr" "$ref_hgb" "$ref_wall" "$ref_rss"
  printf '%-6s %-28s %8s %8s %8.2f %10s\n' "$name" "ckm churn train (auto)" "$ckm_lr" "$ckm_gbdt" "$ckm_wall" "$ckm_rss"
  printf '%-6s auto chose %s; speed-up %.2fx (target > 1); AUC margin %+.4f over the better scikit-learn model (target >= -0.005)\n' \
    "$name" "$chosen" "$(echo "$ref_wall / $ckm_wall" | bc -l)" \
    "$("$PY" -c "print({'logistic': $ckm_lr, 'gbdt': $ckm_gbdt}['$chosen'] - max($ref_lr, $ref_hgb))")"
done
