#!/usr/bin/env bash
# Benchmark: what age encryption costs. `ckm clean`, `ckm segment` and `ckm report` on the
# generated 10-million-line orders table (Parquet, 1 million customers), each run plainly and
# encrypted: outputs with --encrypt-to, and for segment and report the clean table read from
# its age file with --identity (decrypted into memory). Python polars doing clean's and
# segment's work (../shared/bench/ref_ingest.py, ref_segment.py) runs in the same session as
# the anchor. The encrypted tables are checked to decrypt (with the `age` tool) to the plain
# runs' bytes. Then what a policy's min_group costs: `forecast sales --by item_id` (series per
# item, the customers behind each period counted) and `report`, with and without it.
#
#   benches/personal_data.sh              # 10M lines
#   ROWS=1000000 benches/personal_data.sh # a quicker look
set -euo pipefail
source "$(dirname "$0")/common.sh"
command -v age-keygen >/dev/null || { echo "skipping: age-keygen is absent (Debian's age package)" >&2; exit 0; }

key="$DIR/bench_age_key.txt"
[[ -f $key ]] || age-keygen -o "$key" 2>/dev/null
recipient=$(age-keygen -y "$key")
f=$(orders parquet)
out="$DIR/encryption"
rm -rf "$out"
mkdir -p "$out"

read -r ref_clean_wall ref_clean_rss < <(measure ref_clean "$PY" "$SHARED/ref_ingest.py" --input "$f" --out "$out/ref_clean.parquet")
read -r ref_seg_wall ref_seg_rss < <(measure ref_segment "$PY" "$SHARED/ref_segment.py" --input "$f" --engine polars --k 8 --out "$out/ref_segments.csv")

read -r clean_wall clean_rss < <(measure clean_plain "$CKM" clean "$f" -q -o "$out/clean.parquet" --rejects "$out/rejects.parquet")
read -r clean_e_wall clean_e_rss < <(measure clean_age "$CKM" clean "$f" -q -o "$out/clean.parquet.age" --rejects "$out/rejects.parquet.age" --encrypt-to "$recipient")

read -r seg_wall seg_rss < <(measure segment_plain "$CKM" segment "$out/clean.parquet" --clusters 8 --runs 1 -q -o "$out/seg.csv")
read -r seg_e_wall seg_e_rss < <(measure segment_age "$CKM" --identity "$key" segment "$out/clean.parquet.age" --clusters 8 --runs 1 -q -o "$out/seg.csv.age" --encrypt-to "$recipient")

read -r rep_wall rep_rss < <(measure report_plain "$CKM" report "$out/clean.parquet" -q -o "$out/report.html")
read -r rep_e_wall rep_e_rss < <(measure report_age "$CKM" --identity "$key" report "$out/clean.parquet.age" -q -o "$out/report.html.age" --encrypt-to "$recipient")

# The encrypted tables hold the plain runs' bytes (the reports name their inputs, which differ).
age -d -i "$key" "$out/clean.parquet.age" | cmp - "$out/clean.parquet"
age -d -i "$key" "$out/rejects.parquet.age" | cmp - "$out/rejects.parquet"
age -d -i "$key" "$out/seg.csv.age" | cmp - "$out/seg.csv"

printf '%-44s %9s %10s %9s %10s %8s %8s\n' command "plain s" "plain MiB" "age s" "age MiB" "time x" "mem x"
row() {
  printf '%-44s %9.2f %10s %9.2f %10s %8.2f %8.2f\n' "$1" "$2" "$3" "$4" "$5" \
    "$(echo "$4 / $2" | bc -l)" "$(echo "$5 / $3" | bc -l)"
}
row "ckm clean" "$clean_wall" "$clean_rss" "$clean_e_wall" "$clean_e_rss"
row "ckm segment --clusters 8" "$seg_wall" "$seg_rss" "$seg_e_wall" "$seg_e_rss"
row "ckm report" "$rep_wall" "$rep_rss" "$rep_e_wall" "$rep_e_rss"
printf 'anchors: python polars clean (ref_ingest.py) %.2f s, %s MiB; segment (ref_segment.py) %.2f s, %s MiB\n' \
  "$ref_clean_wall" "$ref_clean_rss" "$ref_seg_wall" "$ref_seg_rss"
printf 'ckm / python, plain and encrypted: clean %.2fx and %.2fx; segment %.2fx and %.2fx\n' \
  "$(echo "$clean_wall / $ref_clean_wall" | bc -l)" "$(echo "$clean_e_wall / $ref_clean_wall" | bc -l)" \
  "$(echo "$seg_wall / $ref_seg_wall" | bc -l)" "$(echo "$seg_e_wall / $ref_seg_wall" | bc -l)"
printf 'sizes: clean.parquet %s bytes, .age %s bytes\n' "$(stat -c %s "$out/clean.parquet")" "$(stat -c %s "$out/clean.parquet.age")"

# min_group: every line's customer counted per group and period (forecast), per basket
# (the report's rules), per month (the report's revenue).
printf '[roles.analyst]\nmin_group = 10\n' > "$out/k.toml"
policy=(--policy "$out/k.toml" --role analyst)
read -r fc_wall fc_rss < <(measure forecast_plain "$CKM" forecast sales "$out/clean.parquet" --by item_id --model seasonal-naive -q -o "$out/f.csv")
read -r fc_k_wall fc_k_rss < <(measure forecast_k "$CKM" "${policy[@]}" forecast sales "$out/clean.parquet" --by item_id --model seasonal-naive -q -o "$out/f_k.csv")
read -r rep_k_wall rep_k_rss < <(measure report_k "$CKM" "${policy[@]}" report "$out/clean.parquet" -q -o "$out/report_k.html")
printf '\n%-44s %9s %10s %9s %10s %8s %8s\n' command "plain s" "plain MiB" "k=10 s" "k=10 MiB" "time x" "mem x"
row "ckm forecast sales --by item_id" "$fc_wall" "$fc_rss" "$fc_k_wall" "$fc_k_rss"
row "ckm report" "$rep_wall" "$rep_rss" "$rep_k_wall" "$rep_k_rss"
printf 'forecast rows: %s plain, %s under min_group (groups: %s plain, %s)\n' \
  "$(($(wc -l < "$out/f.csv") - 1))" "$(($(wc -l < "$out/f_k.csv") - 1))" \
  "$(cut -d, -f1 "$out/f.csv" | sort -u | wc -l)" "$(cut -d, -f1 "$out/f_k.csv" | sort -u | wc -l)"
