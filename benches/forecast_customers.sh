#!/usr/bin/env bash
# Benchmark: `ckm forecast customers` (read + summarise + fit + score + write) side by side with
# lifetimes, in the same run, on
#   - the CDNOW sample of the papers (2,357 customers), as transactions: ../shared/bench/ref_clv.py
#     fits BG/NBD, Pareto/NBD and MBG/NBD; its per-model fit times are compared with ckm's whole
#     run for that model (BG/NBD and MBG/NBD include Gamma-Gamma in ckm's run);
#   - the full CDNOW cohort (23,570 customers), the same way (ref_clv.py --input);
#   - a simulated population of 1,000,000 customers (benches/clv_population.py): lifetimes'
#     BG/NBD + Gamma-Gamma fits and scoring against ckm's fit + score (and its whole run).
# The issue's target: at least 10x faster than lifetimes on each; 1M customers fitted and
# scored in under 2 s.
#
#   benches/forecast_customers.sh
#   CUSTOMERS_SIM=100000 benches/forecast_customers.sh   # a quicker look
set -euo pipefail
source "$(dirname "$0")/common.sh"
CDNOW=../shared/data/cdnow
SIM=${CUSTOMERS_SIM:-1000000}

# CDNOW's whitespace-separated files as transactions ckm reads: the sample is (master id,
# customer, date, CDs, dollars); the master file (customer, date, CDs, dollars) has a header
# and CRLF line ends.
to_csv() {
  awk -v first="$3" 'BEGIN{print "customer_id,ts,amount"} NR >= first {sub(/\r$/, ""); c=$(NF-3); d=$(NF-2); printf "%s,%s-%s-%s,%s\n",c,substr(d,1,4),substr(d,5,2),substr(d,7,2),$NF}' "$1" > "$2"
}
[[ -f $DIR/cdnow_sample.csv ]] || to_csv "$CDNOW/CDNOW_sample.txt" "$DIR/cdnow_sample.csv" 1
[[ -f $DIR/cdnow_master.csv ]] || to_csv "$CDNOW/CDNOW_master.txt" "$DIR/cdnow_master.csv" 2
population="$DIR/clv_population_$SIM.csv"
[[ -f $population ]] || "$PY" benches/clv_population.py generate --customers "$SIM" --out "$population"

json() { "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); print(eval(sys.argv[1], {}, {"d": d}))' "$1"; }
ckm_stage() { "$PY" -c 'import json,sys; t=json.load(open(sys.argv[1]))["timings_seconds"]; print(round(sum(t[k] for k in sys.argv[2:]), 4))' "$@"; }

printf '%-26s %-11s %12s %12s %8s\n' data model "lifetimes s" "ckm s" ratio
for data in sample master; do
  csv="$DIR/cdnow_$data.csv"
  if [[ $data == sample ]]; then
    "$PY" "$SHARED/ref_clv.py" > "$DIR/ref_clv_$data.json" 2>/dev/null
  else
    "$PY" "$SHARED/ref_clv.py" --input "$csv" --observation-end 1997-09-30 > "$DIR/ref_clv_$data.json" 2>/dev/null
  fi
  gg=$(json 'd["stages_s"]["fit Gamma-Gamma"]' < "$DIR/ref_clv_$data.json")
  customers=$(json 'd["customers"]' < "$DIR/ref_clv_$data.json")
  for model in bgnbd pareto-nbd mbgnbd; do
    case $model in bgnbd) name=BG/NBD;; pareto-nbd) name=Pareto/NBD;; mbgnbd) name=MBG/NBD;; esac
    ref=$(json "d['$name']['fit_s']" < "$DIR/ref_clv_$data.json")
    spend=""
    if [[ $model == pareto-nbd ]]; then spend="--no-spend"; else ref=$(echo "$ref + $gg" | bc -l); fi
    read -r ckm_wall _ < <(measure "ckm_clv_${data}_$model" "$CKM" forecast customers "$csv" --model "$model" $spend --calibration-end 1997-09-30 -q -o "$DIR/ckm_clv.csv" --manifest "$DIR/ckm_clv.json")
    fit_score=$(ckm_stage "$DIR/ckm_clv.json" fit score)
    printf '%-26s %-11s %12.3f %12s %8s   (ckm fit + score %.3f s: %.0fx)\n' "CDNOW $data ($customers)" "$model" "$ref" "$ckm_wall" \
      "$(printf '%.1fx' "$(echo "$ref / $ckm_wall" | bc -l)")" "$fit_score" "$(echo "$ref / $fit_score" | bc -l)"
  done
done

"$PY" benches/clv_population.py lifetimes --input "$population" > "$DIR/ref_clv_population.json"
ref=$(json 'round(sum(v for k, v in d["stages_s"].items() if k not in ("import", "read")), 3)' < "$DIR/ref_clv_population.json")
read -r ckm_wall ckm_rss < <(measure ckm_clv_population "$CKM" forecast customers "$population" -q -o "$DIR/ckm_clv.csv" --manifest "$DIR/ckm_clv.json")
fit_score=$(ckm_stage "$DIR/ckm_clv.json" fit score)
printf '%-26s %-11s %12.3f %12s %8s   (ckm fit + score %.3f s, target < 2 s: %.0fx; peak %s MiB)\n' "simulated ($SIM)" "bgnbd+gg" "$ref" "$ckm_wall" \
  "$(printf '%.1fx' "$(echo "$ref / $ckm_wall" | bc -l)")" "$fit_score" "$(echo "$ref / $fit_score" | bc -l)" "$ckm_rss"
echo "lifetimes on the population: $(cat "$DIR/ref_clv_population.json")"
