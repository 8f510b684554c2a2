#!/usr/bin/env bash
# Benchmark: `ckm report` on the sample data (target: under 2 s) and on the generated
# orders table, whole process, HTML output: on 10M lines at most half the time of the report
# before it read its input once (21-25 s) and at most 2 GiB; on 50M lines (ROWS=50000000
# CUSTOMERS=5000000) under 60 s and 8 GiB. The report has no reference tool, so the script
# also times `ckm segment` alone on the same input in the same run as a yardstick of how
# loaded the machine is.
#
#   benches/report.sh
#   ROWS=50000000 CUSTOMERS=5000000 benches/report.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"

sample="$DIR/report_sample.parquet"
"$CKM" ingest web=sample-data/web_orders.csv store=sample-data/store_sales.tsv \
  --customers web=sample-data/customers.csv --customers store=sample-data/store_members.csv \
  --default-country 1 --format arrow -q | "$CKM" clean - -q -o "$sample"
big=$(orders parquet)
printf '%-24s %-34s %9s %10s\n' input command "wall s" "peak MiB"
read -r wall rss < <(measure report_sample "$CKM" report "$sample" -q -o "$DIR/report_sample.html")
printf '%-24s %-34s %9.2f %10s  (target < 2 s)\n' "sample-data" "ckm report -o report.html" "$wall" "$rss"
read -r wall rss < <(measure report_big "$CKM" report "$big" -q -o "$DIR/report_big.html" --manifest "$DIR/report_big.json")
printf '%-24s %-34s %9.2f %10s  (targets: 10M lines <= 12 s and 2048 MiB; 50M < 60 s and 8192 MiB)\n' "$(basename "$big")" "ckm report -o report.html" "$wall" "$rss"
read -r wall rss < <(measure segment_big "$CKM" segment "$big" --clusters 5 -q -o "$DIR/segment_big.csv")
printf '%-24s %-34s %9.2f %10s  (yardstick)\n' "$(basename "$big")" "ckm segment --clusters 5" "$wall" "$rss"
"$PY" -c 'import json,sys; t=json.load(open(sys.argv[1]))["timings_seconds"]; print("report stages:", ", ".join(f"{k} {v:.1f} s" for k, v in t.items()))' "$DIR/report_big.json"
