#!/usr/bin/env bash
# Benchmark: `--engine spark` on the local cluster of benches/spark-cluster.sh (a standalone
# master, one worker with 2 cores and 2 GiB, the Connect server; on this 2-core machine they
# share the cores with ckm) against the local engine on the same generated orders table, in
# the same run: wall time, ckm's own peak memory (the JVMs are not its children), and the
# rows and bytes that came back. ckm's process holds per-customer rows, not lines, so its
# memory stays under 1 GiB however many lines the cluster reads.
#
#   benches/spark.sh                                    # 10M lines
#   ROWS=50000000 CUSTOMERS=5000000 benches/spark.sh
#   JOBS="rules report" benches/spark.sh                # some of segment forecast rules churn report
#   CKM_SPARK_REMOTE=sc://host:15002 benches/spark.sh   # a cluster of your own (the path must be readable there)
set -euo pipefail
source "$(dirname "$0")/common.sh"

big=$(orders parquet)
remote=${CKM_SPARK_REMOTE:-}
if [[ -z $remote ]]; then
  trap 'benches/spark-cluster.sh stop' EXIT
  remote=$(benches/spark-cluster.sh start)
fi

from_spark() {  # the manifest's "rows and bytes from Spark" figures
  "$PY" -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print("; ".join(v for k, v in s.items() if k.startswith("rows and bytes from Spark")))' "$1"
}

printf '%-26s %-8s %9s %10s  %s\n' command engine "wall s" "peak MiB" "from Spark"
jobs=${JOBS:-segment forecast rules churn report}
for job in $jobs; do
  ext=csv
  case $job in
    segment) args=(segment "$big" --clusters 5); label="segment --clusters 5" ;;
    forecast) args=(forecast customers "$big"); label="forecast customers" ;;
    rules) args=(rules "$big" --min-count 30 --min-confidence 0.01); label="rules --min-count 30" ;;
    churn) args=(churn train "$big" --window 90); label="churn train --window 90" ;;
    report) args=(report "$big"); label="report"; ext=md ;;
  esac
  read -r wall rss < <(measure "${job}_local" "$CKM" "${args[@]}" -q -o "$DIR/${job}_local.$ext")
  printf '%-26s %-8s %9.2f %10s\n' "$label" local "$wall" "$rss"
  read -r wall rss < <(measure "${job}_spark" "$CKM" "${args[@]}" --engine spark --remote "$remote" -q \
    -o "$DIR/${job}_spark.$ext" --manifest "$DIR/${job}_spark.json")
  printf '%-26s %-8s %9.2f %10s  %s\n' "$label" spark "$wall" "$rss" "$(from_spark "$DIR/${job}_spark.json")"
done
# The reports up to their run details (which name the input's hash and the engine).
if [[ " $jobs " == *" report "* ]]; then
  for engine in local spark; do
    sed '/^## Run details/,$d' "$DIR/report_$engine.md" >"$DIR/report_sections_$engine.csv"
  done
fi
for job in segment rules churn report_sections; do
  [[ " $jobs report_sections " == *" ${job%_sections} "* ]] || continue
  if cmp -s "$DIR/${job}_local.csv" "$DIR/${job}_spark.csv"; then
    echo "$job: the two engines' tables are byte-identical"
  else
    echo "$job: the two engines' tables DIFFER" >&2
    exit 1
  fi
done
