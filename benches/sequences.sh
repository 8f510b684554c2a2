#!/usr/bin/env bash
# Benchmark: `ckm rules sequences` against Spark MLlib's PrefixSpan (pyspark, local[2]) on the
# cleaned UCI Online Retail log (../shared/data/online-retail, returns netted, 4,338
# customers), at --min-support 0.02 (MIN_SUPPORT to change it), in the same run. Prints ckm's
# whole run, Spark's mining alone, the ratio, and whether the patterns are the same.
#
#   benches/sequences.sh
#
# Spark comes from the pyspark that benches/spark-cluster.sh installs (with numpy, which
# pyspark.ml needs), into ${CKM_SPARK_HOME:-~/.cache/ckm-spark}/venv.
set -euo pipefail
source "$(dirname "$0")/common.sh"
support=${MIN_SUPPORT:-0.02}
retail=../shared/data/online-retail/online_retail.parquet
spark_python=${CKM_SPARK_HOME:-$HOME/.cache/ckm-spark}/venv/bin/python
if ! "$spark_python" -c 'import pyspark, numpy' 2>/dev/null; then
  echo "== installing pyspark 4.x and numpy into $(dirname "$(dirname "$spark_python")")" >&2
  [[ -x $spark_python ]] || python3 -m venv "$(dirname "$(dirname "$spark_python")")"
  "$(dirname "$spark_python")/pip" install -q "pyspark>=4.0,<5" numpy >&2
fi

clean="$DIR/online_retail_netted.parquet"
"$CKM" clean "$retail" --returns net -q -o "$clean"
read -r ckm_wall ckm_rss < <(measure ckm_sequences "$CKM" rules sequences "$clean" --min-support "$support" -q -o "$DIR/ckm_sequences.csv")
"$spark_python" benches/ref_prefixspan.py --input "$clean" --min-support "$support" --out "$DIR/spark_patterns.txt" >"$DIR/spark_prefixspan.log" 2>&1 \
  || { cat "$DIR/spark_prefixspan.log" >&2; exit 1; }
spark_mining=$(awk '/mining_s/ {print $NF}' "$DIR/spark_prefixspan.log")
same=$("$PY" - "$DIR/ckm_sequences.csv" "$DIR/spark_patterns.txt" <<'PY'
import csv, sys
def canon(p):
    return " -> ".join("{" + ",".join(sorted(x.strip() for x in e.strip("{}").split(","))) + "}" for e in p.split(" -> "))
mine = sorted(canon(r["pattern"]) for r in csv.DictReader(open(sys.argv[1])))
spark = [l.strip() for l in open(sys.argv[2]) if l.strip()]
print(f"{len(mine)} patterns (ckm), {len(spark)} (Spark), the same: {mine == spark}")
PY
)
printf '%-44s %9s %10s\n' "run (min support $support)" "wall s" "peak MiB"
printf '%-44s %9.2f %10s\n' "ckm rules sequences (whole run)" "$ckm_wall" "$ckm_rss"
printf '%-44s %9.2f %10s\n' "Spark PrefixSpan local[2] (mining alone)" "$spark_mining" "-"
printf 'ratio ckm whole run / Spark mining: %.3f (target at most 0.25)\n' "$(echo "$ckm_wall / $spark_mining" | bc -l)"
echo "$same"
