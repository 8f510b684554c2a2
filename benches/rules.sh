#!/usr/bin/env bash
# Benchmark: `ckm rules` (read + FP-Growth + rules + write) side by side with pyfim (Borgelt's
# C FP-Growth) and mlxtend (../shared/bench/ref_rules.py), in the same run, on the generated
# 1M-basket file (5,000 items, Zipf popularity, mean size 8), Groceries and FIMI retail.dat.
# The issue's target: ckm's whole run at most pyfim's mining time alone, at least 20x faster
# than mlxtend's whole run, under 1 GB peak.
#
#   benches/rules.sh              # everything (mlxtend on 1M baskets takes minutes and ~6 GB)
#   NO_MLXTEND=1 benches/rules.sh # pyfim only
set -euo pipefail
source "$(dirname "$0")/common.sh"

baskets="$DIR/baskets_1000000.csv"
[[ -f $baskets ]] || "$PY" "$SHARED/gen_baskets.py" --baskets 1000000 --out "$baskets" >&2

# stage SECONDS_KEY: a stage's time from a ref_rules.py JSON line.
stage() { "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])["stages_s"][sys.argv[1]])' "$1"; }
# fact KEY: a figure from the same JSON line.
fact() { "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])[sys.argv[1]])' "$1"; }

printf '%-34s %-8s %-8s %9s %9s %9s %10s\n' input support tool itemsets rules "wall s" "peak MiB"
run_case() {
  local name=$1 file=$2 support=$3 tools=$4
  read -r ckm_wall ckm_rss < <(measure "ckm_rules_$name" "$CKM" rules --baskets "$file" --min-support "$support" -q -o "$DIR/ckm_rules.csv" --manifest "$DIR/ckm_rules.json")
  local ckm_sets ckm_rules
  ckm_sets=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["frequent itemsets"])' "$DIR/ckm_rules.json")
  ckm_rules=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["rules"])' "$DIR/ckm_rules.json")
  printf '%-34s %-8s %-8s %9s %9s %9.2f %10s\n' "$name" "$support" ckm "$ckm_sets" "$ckm_rules" "$ckm_wall" "$ckm_rss"
  for tool in $tools; do
    read -r wall rss < <(measure "ref_rules_${tool}_$name" "$PY" "$SHARED/ref_rules.py" --tool "$tool" --input "$file" --min-support "$support")
    local json="$DIR/stdout.ref_rules_${tool}_$name.log"
    printf '%-34s %-8s %-8s %9s %9s %9.2f %10s\n' "$name" "$support" "$tool" "$(fact itemsets <"$json")" "$(fact rules <"$json")" "$wall" "$rss"
    if [[ $tool == pyfim ]]; then
      local mine
      mine=$(stage "mine itemsets" <"$json")
      printf '    ckm whole run / pyfim mining alone (%.2f s) = %.2f (target <= 1)\n' "$mine" "$(echo "$ckm_wall / $mine" | bc -l)"
    else
      printf '    mlxtend whole run / ckm whole run = %.1fx (target >= 20x)\n' "$(echo "$wall / $ckm_wall" | bc -l)"
    fi
  done
}

mlxtend=$([[ ${NO_MLXTEND:-} ]] && echo "" || echo mlxtend)
run_case "generated 1M baskets" "$baskets" 0.005 "pyfim $mlxtend"
run_case "generated 1M baskets" "$baskets" 0.001 "pyfim $mlxtend"
run_case "groceries" "../shared/data/groceries/groceries.csv" 0.001 "pyfim"
if [[ -f ../shared/data/fimi/retail.dat ]]; then
  run_case "FIMI retail.dat" "../shared/data/fimi/retail.dat" 0.005 "pyfim"
fi

# Recommendations at scale (no reference tool does this): rules mined from the generated
# 10M-line orders table (1M customers), then every customer's top 5.
orders_file=$(orders parquet)
"$CKM" rules "$orders_file" --min-count 30 --min-confidence 0.01 -q -o "$DIR/orders_rules.csv" --manifest "$DIR/orders_rules.json"
read -r rec_wall rec_rss < <(measure ckm_recommend "$CKM" rules recommend --rules "$DIR/orders_rules.csv" --transactions "$orders_file" --top 5 -q -o "$DIR/recs.csv")
printf 'recommend: %s rules x %s lines of %s: %.2f s, %s MiB\n' \
  "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["rules"])' "$DIR/orders_rules.json")" \
  "$ROWS" "$orders_file" "$rec_wall" "$rec_rss"
