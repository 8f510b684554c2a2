#!/usr/bin/env python3
"""Prediction intervals on an M3 split, for comparing how they cover on the test window and on
the window before it.

  m3_intervals.py earlier --train m3_yearly_train.csv --horizon 6 --out-train T --out-test U
      writes the train part without its last `horizon` points per series (T) and those points (U):
      the same split, one window earlier, with nothing from the competition's test part;
  m3_intervals.py autoets --train T --horizon 6 --season 1 --freq YS --out F
      forecasts with statsforecast's AutoETS at levels 80 and 95 and writes F in the columns of
      `ckm forecast sales` (series_id, period, kind, value, lo_80, hi_80, lo_95, hi_95), so that
      m3_score.py scores both alike.
"""
import argparse

import pandas as pd


def earlier(a):
    train = pd.read_csv(a.train).sort_values(["series_id", "date"])
    from_end = train.groupby("series_id").cumcount(ascending=False)
    train[from_end >= a.horizon].to_csv(a.out_train, index=False)
    train[from_end < a.horizon].to_csv(a.out_test, index=False)


def autoets(a):
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    train = pd.read_csv(a.train).rename(columns={"series_id": "unique_id", "date": "ds", "value": "y"})
    train["ds"] = pd.to_datetime(train["ds"])
    sf = StatsForecast(models=[AutoETS(season_length=a.season)], freq=a.freq, n_jobs=-1)
    f = sf.forecast(df=train, h=a.horizon, level=[80, 95]).reset_index()
    out = pd.DataFrame({
        "series_id": f["unique_id"],
        "period": f["ds"].dt.strftime("%Y-%m-%d"),
        "kind": "forecast",
        "value": f["AutoETS"],
        "lo_80": f["AutoETS-lo-80"],
        "hi_80": f["AutoETS-hi-80"],
        "lo_95": f["AutoETS-lo-95"],
        "hi_95": f["AutoETS-hi-95"],
    })
    out.to_csv(a.out, index=False)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="command", required=True)
    e = sub.add_parser("earlier")
    e.add_argument("--train", required=True)
    e.add_argument("--horizon", type=int, required=True)
    e.add_argument("--out-train", required=True)
    e.add_argument("--out-test", required=True)
    r = sub.add_parser("autoets")
    r.add_argument("--train", required=True)
    r.add_argument("--horizon", type=int, required=True)
    r.add_argument("--season", type=int, required=True)
    r.add_argument("--freq", required=True)
    r.add_argument("--out", required=True)
    a = ap.parse_args()
    {"earlier": earlier, "autoets": autoets}[a.command](a)


if __name__ == "__main__":
    main()
