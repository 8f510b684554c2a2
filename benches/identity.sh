#!/usr/bin/env bash
# Benchmark: what identity resolution and pseudonyms add to `ckm ingest` on the generated
# 10-million-line orders table (1 million customers), against the plain ingest and the
# reference (../shared/bench/ref_ingest.py, Python polars reading the same file), in the
# same run. The customer table (one record per customer, emails and phones, one in ten
# people with a second record sharing an email or a phone; given without NAME=, so its ids
# are those of every channel) is generated here.
#
#   benches/identity.sh              # 10M lines, 1M customers
#   ROWS=1000000 benches/identity.sh # a quicker look
set -euo pipefail
source "$(dirname "$0")/common.sh"

orders=$(orders csv)
customers="$DIR/customers_v2_${CUSTOMERS}.csv"
if [[ ! -f $customers ]]; then
  # Ids as gen_transactions.py writes them (C + 7 digits); every 10th person also has a
  # CRM record under another id that shares their email (even) or phone (odd).
  "$PY" - "$CUSTOMERS" "$customers" <<'PYEOF'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    f.write("customer_id,email,phone\n")
    for i in range(n):
        email = f"person{i}@example.com"
        phone = f"({200 + (i // 10000) % 800}) 555-{i % 10000:04d}" if i % 3 else ""
        f.write(f"C{i:07d},{email},{phone}\n")
        if i % 10 == 0:
            other = f"X{i:07d}"
            f.write(f"{other},{email if i % 20 == 0 else ''},{'' if i % 20 == 0 else phone}\n")
PYEOF
fi


read -r ref_wall ref_rss < <(measure ref_identity "$PY" "$SHARED/ref_ingest.py" --input "$orders" --out "$DIR/ref_out.parquet")
read -r plain_wall plain_rss < <(measure ckm_ingest_plain "$CKM" ingest "$orders" -q -o "$DIR/plain.parquet")
read -r id_wall id_rss < <(measure ckm_ingest_identity env CKM_SECRET=bench-secret-0123456789abcdef "$CKM" ingest "$orders" \
  --customers "$customers" --default-country 1 --pseudonymize --identity-map "$DIR/ids.parquet" \
  -o "$DIR/identity.parquet" --manifest "$DIR/identity.json" -q)
printf '%-52s %9s %10s\n' tool "wall s" "peak MiB"
printf '%-52s %9.2f %10s\n' "python polars (ref_ingest.py)" "$ref_wall" "$ref_rss"
printf '%-52s %9.2f %10s\n' "ckm ingest" "$plain_wall" "$plain_rss"
printf '%-52s %9.2f %10s\n' "ckm ingest --customers --pseudonymize" "$id_wall" "$id_rss"
printf 'ratios: plain ingest %.2fx python; with identity + pseudonyms %.2fx python, %.2fx plain ingest\n' \
  "$(echo "$plain_wall / $ref_wall" | bc -l)" "$(echo "$id_wall / $ref_wall" | bc -l)" "$(echo "$id_wall / $plain_wall" | bc -l)"
"$PY" -c "import json,sys; m=json.load(open(sys.argv[1])); s=m['summary']; print({k: v for k, v in s.items() if 'customer' in k or 'source' in k}); print('timings', m['timings_seconds'])" "$DIR/identity.json"
