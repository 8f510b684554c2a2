#!/usr/bin/env python3
"""A simulated customer base for `benches/forecast_customers.sh`, and lifetimes on it.

  clv_population.py generate --customers 1000000 --out pop.csv
      One row per customer (customer_id, frequency, recency, T, monetary_value), in weeks,
      simulated from BG/NBD (r 0.25, alpha 4, a 0.8, b 2.5) and Gamma-Gamma (p 6, q 3.7,
      gamma 15) with seed 0; customers joined uniformly over two years, purchases are whole
      days, as a summary of daily transactions would give.
  clv_population.py lifetimes --input pop.csv
      What a lifetimes user runs on it: BG/NBD and Gamma-Gamma fits, then P(alive), expected
      purchases over 52 weeks and expected average value per customer. Times on stderr, a JSON
      line on stdout.
"""
import argparse
import json
import sys
import time

START = time.perf_counter()


def generate(customers, out):
    import numpy as np
    rng = np.random.default_rng(0)
    r, alpha, a, b = 0.25, 4.0, 0.8, 2.5
    p, q, gamma = 6.0, 3.7, 15.0
    T = rng.integers(1, 730, customers) / 7.0  # days since the first purchase, in weeks
    lam = rng.gamma(r, 1.0 / alpha, customers)
    drop = rng.beta(a, b, customers)
    x = np.zeros(customers, dtype=np.int64)
    last = np.zeros(customers)
    now = np.zeros(customers)
    active = np.arange(customers)
    while active.size:
        now[active] += rng.exponential(1.0, active.size) / lam[active]
        bought = now[active] <= T[active]
        buyers = active[bought]
        x[buyers] += 1
        last[buyers] = np.floor(now[buyers] * 7.0) / 7.0  # whole days
        stays = rng.random(buyers.size) >= drop[buyers]
        active = buyers[stays]
    nu = rng.gamma(q, 1.0 / gamma, customers)
    mean_spend = np.where(x > 0, rng.gamma(p * np.maximum(x, 1), 1.0, customers) / (nu * np.maximum(x, 1)), 0.0)
    with open(out, "w") as f:
        f.write("customer_id,frequency,recency,T,monetary_value\n")
        for i in range(customers):
            f.write(f"C{i:07d},{x[i]},{last[i]:.6f},{T[i]:.6f},{mean_spend[i]:.2f}\n")
    print(f"{customers} customers, {int((x > 0).sum())} with repeat purchases, "
          f"{len(set(zip(x.tolist(), last.round(6).tolist(), T.round(6).tolist())))} distinct (x, t_x, T)",
          file=sys.stderr)


def run_lifetimes(path):
    stages = {}
    mark = [time.perf_counter()]

    def stage(name):
        now = time.perf_counter()
        stages[name] = round(now - mark[0], 4)
        mark[0] = now

    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    stage("import")
    s = pd.read_csv(path)
    stage("read")
    bg = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    stage("fit BG/NBD")
    rep = s[(s["frequency"] > 0) & (s["monetary_value"] > 0)]
    gg = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    stage("fit Gamma-Gamma")
    alive = bg.conditional_probability_alive(s["frequency"], s["recency"], s["T"])
    expected = bg.conditional_expected_number_of_purchases_up_to_time(52, s["frequency"], s["recency"], s["T"])
    value = gg.conditional_expected_average_profit(s["frequency"], s["monetary_value"])
    stage("score")
    print(json.dumps({"stages_s": stages, "total_s": round(time.perf_counter() - START, 4),
                      "BG/NBD": {k: round(float(v), 4) for k, v in bg.params_.items()},
                      "Gamma-Gamma": {k: round(float(v), 4) for k, v in gg.params_.items()},
                      "expected_sum": round(float(expected.sum()), 1), "p_alive_mean": round(float(alive.mean()), 6),
                      "value_mean": round(float(value.mean()), 4)}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--customers", type=int, default=1_000_000)
    g.add_argument("--out", required=True)
    li = sub.add_parser("lifetimes")
    li.add_argument("--input", required=True)
    a = ap.parse_args()
    if a.cmd == "generate":
        generate(a.customers, a.out)
    else:
        run_lifetimes(a.input)


if __name__ == "__main__":
    main()
