#!/usr/bin/env python3
"""Rewrites a generated orders table (gen_transactions.py) as a Shopify orders export and a
WooCommerce orders export of the same lines, for benches/presets.sh.

  platform_exports.py --input orders.csv --shopify shopify.csv --woocommerce woocommerce.csv

Every three consecutive lines make one order, of the first line's customer and time; the
customer's email is made from its id (fake addresses at example.com). Shopify: one row per
line, the order's own fields on its first row only. WooCommerce: one row per order, its
lines packed into line_item_1..3.
"""
import argparse

import polars as pl


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True)
    ap.add_argument("--shopify", required=True)
    ap.add_argument("--woocommerce", required=True)
    a = ap.parse_args()
    lines = (
        pl.scan_csv(a.input, schema_overrides={"customer_id": pl.Utf8, "order_id": pl.Utf8, "ts": pl.Utf8})
        .with_row_index("line")
        .with_columns((pl.col("line") // 3).alias("order"))
        .with_columns(
            (pl.col("customer_id").first().over("order").str.to_lowercase() + "@example.com").alias("email"),
            pl.col("ts").first().over("order").alias("order_ts"),
            pl.col("amount").sum().over("order").round(2).alias("order_total"),
            (pl.col("line") % 3 == 0).alias("first"),
        )
        .collect()
    )
    first = pl.col("first")
    order_field = lambda e: pl.when(first).then(e).otherwise(pl.lit(None))  # noqa: E731
    lines.select(
        ("#" + (pl.col("order") + 1001).cast(pl.Utf8)).alias("Name"),
        order_field(pl.col("email")).alias("Email"),
        order_field(pl.lit("paid")).alias("Financial Status"),
        order_field(pl.lit("EUR")).alias("Currency"),
        order_field(pl.col("order_total")).alias("Total"),
        order_field(pl.col("order_ts") + " +0000").alias("Created at"),
        pl.col("quantity").cast(pl.Int64).alias("Lineitem quantity"),
        ("Product " + pl.col("item_id")).alias("Lineitem name"),
        pl.col("unit_price").alias("Lineitem price"),
        pl.col("item_id").alias("Lineitem sku"),
        pl.lit(0.0).alias("Lineitem discount"),
        order_field(pl.col("channel")).alias("Source"),
    ).write_csv(a.shopify)

    packed = (
        "name:Product " + pl.col("item_id")
        + "|product_id:" + pl.col("item_id").str.slice(1)
        + "|sku:" + pl.col("item_id")
        + "|quantity:" + pl.col("quantity").cast(pl.Int64).cast(pl.Utf8)
        + "|total:" + pl.col("amount").round(2).cast(pl.Utf8)
        + "|sub_total:" + pl.col("amount").round(2).cast(pl.Utf8)
        + "|tax:0.00"
    )
    orders = (
        lines.with_columns(packed.alias("packed"), (pl.col("line") % 3 + 1).alias("n"))
        .group_by("order", maintain_order=True)
        .agg(
            pl.col("email").first(),
            pl.col("order_ts").first(),
            pl.col("order_total").first(),
            *[pl.col("packed").filter(pl.col("n") == n).first().alias(f"line_item_{n}") for n in (1, 2, 3)],
        )
    )
    orders.select(
        (pl.col("order") + 51).alias("order_id"),
        (pl.col("order") + 1001).alias("order_number"),
        pl.col("order_ts").alias("order_date"),
        pl.lit("completed").alias("status"),
        pl.col("order_total"),
        pl.lit("EUR").alias("order_currency"),
        pl.lit(0).alias("customer_id"),
        pl.col("email").alias("customer_email"),
        "line_item_1",
        "line_item_2",
        "line_item_3",
    ).write_csv(a.woocommerce)


if __name__ == "__main__":
    main()
