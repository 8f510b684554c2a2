#!/usr/bin/env python3
"""Spark MLlib's PrefixSpan (pyspark, local[2]) on a transactions table, the reference for
`ckm rules sequences` (no such script in ../shared/bench: Spark is not among its pinned
tools, so this one runs from the pyspark that benches/spark-cluster.sh installs).

  ref_prefixspan.py --input clean.parquet --min-support 0.02 --out patterns.csv

Each customer's sequence is the item sets of her orders, ordered by the order's first
time (then its id), as ckm builds them. Prints the mining time and the pattern count; writes
the patterns, one per line, as `{a,b} -> {c}` with items sorted in each element and lines
sorted, for comparison with ckm's.
"""
import argparse
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True)
    ap.add_argument("--min-support", type=float, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    from pyspark.ml.fpm import PrefixSpan
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.driver.memory", "6g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    lines = spark.read.parquet(a.input).where(
        F.col("customer_id").isNotNull() & F.col("item_id").isNotNull() & F.col("ts").isNotNull()
    )
    orders = lines.groupBy("customer_id", "order_id").agg(
        F.min("ts").alias("ts"), F.array_sort(F.collect_set(F.col("item_id").cast("string"))).alias("items")
    )
    sequences = (
        orders.groupBy("customer_id")
        .agg(F.array_sort(F.collect_list(F.struct("ts", "order_id", "items"))).alias("orders"))
        .select(F.expr("transform(orders, o -> o.items)").alias("sequence"))
        .cache()
    )
    n = sequences.count()
    start = time.perf_counter()
    found = PrefixSpan(minSupport=a.min_support, maxPatternLength=1000, sequenceCol="sequence") \
        .findFrequentSequentialPatterns(sequences).collect()
    mining = time.perf_counter() - start
    patterns = sorted(" -> ".join("{" + ",".join(sorted(e)) + "}" for e in row.sequence) for row in found)
    with open(a.out, "w") as f:
        f.write("\n".join(patterns) + "\n")
    print(f"sequences {n} patterns {len(found)} mining_s {mining:.2f}")
    spark.stop()


if __name__ == "__main__":
    main()
