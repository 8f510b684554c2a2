#!/usr/bin/env bash
# Benchmark: `ckm ingest` of platform exports (presets) against the same lines as a plain
# table, and against Python polars reading the plain table (../shared/bench/ref_ingest.py),
# in the same run. The exports are the generated orders rewritten by platform_exports.py:
# Shopify (one row per line, order fields filled down over the order's rows, emails
# normalised) and WooCommerce (one row per order, lines packed into cells and unpacked).
#
#   benches/presets.sh                  # 10M lines
#   ROWS=1000000 benches/presets.sh     # a quicker look
set -euo pipefail
source "$(dirname "$0")/common.sh"

plain=$(orders csv)
shopify="$DIR/shopify_${ROWS}.csv"
woo="$DIR/woocommerce_${ROWS}.csv"
[[ -f $shopify && -f $woo ]] || "$PY" benches/platform_exports.py --input "$plain" --shopify "$shopify" --woocommerce "$woo"

read -r ref_wall ref_rss < <(measure ref_plain "$PY" "$SHARED/ref_ingest.py" --input "$plain" --out "$DIR/ref_out.parquet")
read -r plain_wall plain_rss < <(measure ckm_plain "$CKM" ingest "$plain" -q -o "$DIR/ckm_plain.parquet")
read -r shop_wall shop_rss < <(measure ckm_shopify "$CKM" ingest "$shopify" --keep-pii -q -o "$DIR/ckm_shopify.parquet")
read -r woo_wall woo_rss < <(measure ckm_woo "$CKM" ingest "$woo" --keep-pii -q -o "$DIR/ckm_woo.parquet")

printf '%-44s %9s %10s %12s %12s\n' "run ($ROWS lines)" "wall s" "peak MiB" "x python" "x ckm plain"
row() { printf '%-44s %9.2f %10s %12.2f %12.2f\n' "$1" "$2" "$3" "$(echo "$2 / $ref_wall" | bc -l)" "$(echo "$2 / $plain_wall" | bc -l)"; }
row "python polars, plain table (ref_ingest.py)" "$ref_wall" "$ref_rss"
row "ckm ingest, plain table" "$plain_wall" "$plain_rss"
row "ckm ingest, Shopify export (preset)" "$shop_wall" "$shop_rss"
row "ckm ingest, WooCommerce export (preset)" "$woo_wall" "$woo_rss"
