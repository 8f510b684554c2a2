#!/usr/bin/env bash
# Benchmark: `ckm rules recommend --transactions` (a recommender fitted on the log itself)
# scored on a held-out period against the references of ../shared/bench/ref_recommend.py
# (popularity, item-to-item cosine, EASE with lambda 500), in the same run, on two real logs
# cleaned with `ckm clean --returns net`:
#   - UCI Online Retail, fitted before 2011-09-01;
#   - UCI Online Retail II's 2009-2010 sheet, fitted before 2010-09-01 (a second, different
#     log: another year, other customers and items).
# ckm splits the log itself (--holdout-start); ref_recommend.py makes the same split, works out
# what each customer first bought from the cut on, and scores ckm's recommendations beside its
# own. The issue's target: ckm's default at least EASE's precision@10 and hit rate@10, the
# whole run in under 10 s.
#
#   benches/recommend.sh
#   MODEL=item-knn benches/recommend.sh   # another --model
set -euo pipefail
source "$(dirname "$0")/common.sh"

fact() { "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])[sys.argv[1]])' "$1"; }
summary() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"].get(sys.argv[2], "-"))' "$1" "$2"; }

printf '%-18s %-40s %12s %10s %9s %9s\n' log recommender precision@10 "hit@10" recall@10 seconds
run_log() {
  local name=$1 raw=$2 cut=$3
  local netted="$DIR/${name}_netted.parquet"
  [[ -f $netted ]] || "$CKM" clean "$raw" --returns net -q -o "$netted" --rejects "$DIR/${name}_netted.rejects.csv"
  local recs="$DIR/ckm_recs_$name.csv"
  read -r wall rss < <(measure "ckm_recommend_$name" "$CKM" rules recommend --transactions "$netted" \
    --holdout-start "$cut" --top 10 ${MODEL:+--model "$MODEL"} -o "$recs" --manifest "$DIR/ckm_recs_$name.json")
  "$PY" "$SHARED/ref_recommend.py" --input "$netted" --cut "$cut" --k 10 --score "$recs" > "$DIR/ref_recommend_$name.json" 2>/dev/null
  local json="$DIR/ref_recommend_$name.json"
  for ref in popularity "item-kNN cosine" "EASE lambda 500"; do
    printf '%-18s %-40s %12s %10s %9s %9s\n' "$name" "$ref" "$(fact "$ref: precision@10" <"$json")" \
      "$(fact "$ref: hit@10" <"$json")" "$(fact "$ref: recall@10" <"$json")" "$(fact "$ref: seconds" <"$json")"
  done
  printf '%-18s %-40s %12s %10s %9s %9s\n' "$name" "ckm $(summary "$DIR/ckm_recs_$name.json" model)" \
    "$(fact "$recs: precision@10" <"$json")" "$(fact "$recs: hit@10" <"$json")" "$(fact "$recs: recall@10" <"$json")" "$wall (whole run, $rss MiB)"
  echo "    ckm auto chose: $(summary "$DIR/ckm_recs_$name.json" "auto chose")"
  echo "    backtest precision: $(summary "$DIR/ckm_recs_$name.json" "auto: backtest precision")"
  echo "    ckm / EASE precision@10: $(echo "$(fact "$recs: precision@10" <"$json") / $(fact "EASE lambda 500: precision@10" <"$json")" | bc -l | cut -c1-6)," \
    "hit@10: $(echo "$(fact "$recs: hit@10" <"$json") / $(fact "EASE lambda 500: hit@10" <"$json")" | bc -l | cut -c1-6)"
}

run_log online-retail ../shared/data/online-retail/online_retail.parquet 2011-09-01
run_log online-retail-ii ../shared/data/online-retail-ii/online_retail_ii_2009_2010.parquet 2010-09-01
