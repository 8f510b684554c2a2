#!/usr/bin/env python3
"""Scores `ckm forecast sales` forecasts of the M3 monthly series against the competition's test
part, as ../shared/bench/ref_forecast.py scores statsforecast: MASE (mean absolute error over the
18 test months divided by the in-sample mean absolute difference at lag 12) and the competition's
sMAPE, averaged over the series; the share of test points inside the 80% and 95%
intervals, and the 95% interval's mean scaled interval score (MSIS, M4's definition: width plus
40 times the miss, over the same scale as MASE).

  m3_score.py --train m3_monthly_train.csv --test m3_monthly_test.csv --forecasts ckm.csv
"""
import argparse
import json

import numpy as np
import pandas as pd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--forecasts", required=True, help="ckm output: series_id, period, kind, value")
    ap.add_argument("--season", type=int, default=12)
    a = ap.parse_args()
    train = pd.read_csv(a.train).sort_values(["series_id", "date"])
    test = pd.read_csv(a.test).sort_values(["series_id", "date"])
    fc = pd.read_csv(a.forecasts)
    fc = fc[fc["kind"] == "forecast"].sort_values(["series_id", "period"])
    mase, smape, msis = [], [], []
    inside = {level: [] for level in ("80", "95") if f"lo_{level}" in fc.columns}
    for sid, t in test.groupby("series_id"):
        y = train.loc[train["series_id"] == sid, "value"].to_numpy(float)
        actual = t["value"].to_numpy(float)
        rows = fc.loc[fc["series_id"] == sid]
        pred = rows["value"].to_numpy(float)[: len(actual)]
        for level, hits in inside.items():
            lo = rows[f"lo_{level}"].to_numpy(float)[: len(actual)]
            hi = rows[f"hi_{level}"].to_numpy(float)[: len(actual)]
            hits.extend(((lo <= actual) & (actual <= hi)).tolist())
        scale = np.mean(np.abs(y[a.season:] - y[:-a.season]))
        mase.append(np.mean(np.abs(actual - pred)) / scale)
        if "lo_95" in rows.columns:
            lo = rows["lo_95"].to_numpy(float)[: len(actual)]
            hi = rows["hi_95"].to_numpy(float)[: len(actual)]
            score = (hi - lo) + 40 * np.clip(lo - actual, 0, None) + 40 * np.clip(actual - hi, 0, None)
            msis.append(np.mean(score) / scale)
        smape.append(np.mean(200 * np.abs(actual - pred) / (np.abs(actual) + np.abs(pred))))
    print(json.dumps({"series": len(mase), "mean_mase": round(float(np.mean(mase)), 4),
                      "median_mase": round(float(np.median(mase)), 4), "smape": round(float(np.mean(smape)), 2)}
                     | {f"coverage_{level}": round(float(np.mean(hits)), 4) for level, hits in inside.items()}
                     | ({"msis_95": round(float(np.mean(msis)), 3)} if msis else {})))


if __name__ == "__main__":
    main()
