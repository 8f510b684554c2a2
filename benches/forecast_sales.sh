#!/usr/bin/env bash
# Benchmark: `ckm forecast sales` against statsforecast (../shared/bench/ref_forecast.py), in
# the same run:
#   - accuracy on the M3 competition's 1,428 monthly, 756 quarterly and 645 yearly series (train /
#     test as in the competition, h = 18, 8, 6, MASE at lag 12, 4, 1, sMAPE): ckm's auto, ets,
#     theta and ensemble against AutoETS, AutoTheta and SeasonalNaive (AutoARIMA takes about 8
#     minutes on the monthly ones; MODELS adds it), and ckm's interval coverage and MSIS;
#   - the intervals of ckm auto and AutoETS (levels 80 and 95) on the test window and on the
#     window before it (m3_intervals.py), to tell calibration from a window that errs unlike
#     the past;
#   - speed on 10,000 generated monthly series of length 60 (gen_series.py), h = 12: ckm auto
#     against AutoETS and AutoTheta, each fit + forecast.
# The issue's target: auto's mean MASE below AutoETS's, and the 10,000 series in less time than
# statsforecast.
#
#   benches/forecast_sales.sh
#   SKIP_10K=1 benches/forecast_sales.sh    # M3 only
#   ONLY=yearly SKIP_10K=1 benches/forecast_sales.sh
#   CKM_ARIMA=1 benches/forecast_sales.sh   # ckm's arima on M3 too (about 3 minutes)
set -euo pipefail
source "$(dirname "$0")/common.sh"
M3=../shared/data/m3
MODELS=${MODELS:-AutoETS,AutoTheta,SeasonalNaive}
json() { "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); print(eval(sys.argv[1], {}, {"d": d}))' "$1"; }

# name, period, horizon, season, pandas frequency
frequencies=("monthly month 18 12 MS" "quarterly quarter 8 4 QS" "yearly year 6 1 YS")
for spec in "${frequencies[@]}"; do
  read -r name period horizon season freq <<<"$spec"
  [[ -n ${ONLY:-} && $ONLY != "$name" ]] && continue
  series_count=$(($(wc -l < "$M3/m3_${name}_series.csv") - 1))
  echo "== M3 $name, $series_count series, h = $horizon, MASE at lag $season"
  "$PY" "$SHARED/ref_forecast.py" --input "$M3/m3_${name}_train.csv" --test "$M3/m3_${name}_test.csv" \
    --id series_id --horizon "$horizon" --season "$season" --mase-season "$season" --freq "$freq" \
    --models "$MODELS" > "$DIR/ref_forecast_m3_$name.json" 2>/dev/null
  printf '%-28s %10s %12s %8s %9s %9s %8s %10s\n' model "mean MASE" "median MASE" sMAPE "cover 80" "cover 95" MSIS seconds
  for ref in ${MODELS//,/ }; do
    printf '%-28s %10s %12s %8s %9s %9s %8s %10s\n' "statsforecast $ref" "$(json "d['mean MASE $ref']" < "$DIR/ref_forecast_m3_$name.json")" \
      "$(json "d['median MASE $ref']" < "$DIR/ref_forecast_m3_$name.json")" "$(json "d['sMAPE $ref']" < "$DIR/ref_forecast_m3_$name.json")" \
      "" "" "" "$(json "d['$ref fit + forecast s']" < "$DIR/ref_forecast_m3_$name.json")"
  done
  for model in auto ets theta ensemble ${CKM_ARIMA:+arima}; do
    read -r wall _ < <(measure "ckm_sales_m3_${name}_$model" "$CKM" forecast sales "$M3/m3_${name}_train.csv" --series --by series_id \
      --period "$period" --horizon "$horizon" --season "$season" --model "$model" -q -o "$DIR/ckm_m3_${name}_$model.csv")
    score=$("$PY" benches/m3_score.py --train "$M3/m3_${name}_train.csv" --test "$M3/m3_${name}_test.csv" \
      --forecasts "$DIR/ckm_m3_${name}_$model.csv" --season "$season")
    printf '%-28s %10s %12s %8s %9s %9s %8s %10s\n' "ckm $model" "$(json 'd["mean_mase"]' <<< "$score")" "$(json 'd["median_mase"]' <<< "$score")" \
      "$(json 'd["smape"]' <<< "$score")" "$(json 'd["coverage_80"]' <<< "$score")" "$(json 'd["coverage_95"]' <<< "$score")" \
      "$(json 'd["msis_95"]' <<< "$score")" "$wall"
  done
  # Intervals calibrated on past errors cover as nominal only if the window forecast errs as
  # the past did: the same runs one window earlier (the last h points of the train part as the
  # test) show how much coverage moves from window to window, for ckm and AutoETS alike.
  echo "-- intervals on the test window and on the $horizon points before it"
  "$PY" benches/m3_intervals.py earlier --train "$M3/m3_${name}_train.csv" --horizon "$horizon" \
    --out-train "$DIR/m3_${name}_earlier_train.csv" --out-test "$DIR/m3_${name}_earlier_test.csv"
  "$CKM" forecast sales "$DIR/m3_${name}_earlier_train.csv" --series --by series_id --period "$period" \
    --horizon "$horizon" --season "$season" -q -o "$DIR/ckm_m3_${name}_earlier_auto.csv"
  for split in test earlier; do
    train="$M3/m3_${name}_train.csv" test="$M3/m3_${name}_test.csv"
    [[ $split == earlier ]] && train="$DIR/m3_${name}_earlier_train.csv" test="$DIR/m3_${name}_earlier_test.csv"
    "$PY" benches/m3_intervals.py autoets --train "$train" --horizon "$horizon" --season "$season" --freq "$freq" \
      --out "$DIR/autoets_m3_${name}_$split.csv" 2>/dev/null
    ckm_forecasts="$DIR/ckm_m3_${name}_auto.csv"
    [[ $split == earlier ]] && ckm_forecasts="$DIR/ckm_m3_${name}_earlier_auto.csv"
    for who in ckm AutoETS; do
      forecasts=$ckm_forecasts
      [[ $who == AutoETS ]] && forecasts="$DIR/autoets_m3_${name}_$split.csv"
      score=$("$PY" benches/m3_score.py --train "$train" --test "$test" --forecasts "$forecasts" --season "$season")
      label="$who ($split)"
      [[ $who == ckm ]] && label="ckm auto ($split)"
      printf '%-28s %10s %12s %8s %9s %9s %8s\n' "$label" "$(json 'd["mean_mase"]' <<< "$score")" \
        "$(json 'd["median_mase"]' <<< "$score")" "$(json 'd["smape"]' <<< "$score")" "$(json 'd["coverage_80"]' <<< "$score")" \
        "$(json 'd["coverage_95"]' <<< "$score")" "$(json 'd["msis_95"]' <<< "$score")"
    done
  done
done

[[ -n ${SKIP_10K:-} ]] && exit 0
echo "== 10,000 generated series x 60 months, h = 12 (whole runs; statsforecast's fit + forecast in brackets)"
series="$DIR/series_10000.csv"
[[ -f $series ]] || "$PY" "$SHARED/gen_series.py" --series 10000 --length 60 --out "$series" >&2
for name in AutoTheta AutoETS; do
  read -r wall rss < <(measure "ref_sales_10k_$name" "$PY" "$SHARED/ref_forecast.py" --input "$series" --id series_id --horizon 12 --season 12 --models "$name")
  printf '%-28s %10s s (%s s) %8s MiB\n' "statsforecast $name" "$wall" "$(json "d['$name fit + forecast s']" < "$DIR/stdout.ref_sales_10k_$name.log")" "$rss"
done
read -r wall rss < <(measure ckm_sales_10k "$CKM" forecast sales "$series" --series --by series_id --horizon 12 --season 12 -q -o "$DIR/ckm_10k.csv" --manifest "$DIR/ckm_10k.json")
printf '%-28s %10s s (%s s) %8s MiB\n' "ckm auto" "$wall" "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["timings_seconds"]["forecast"])' "$DIR/ckm_10k.json")" "$rss"
