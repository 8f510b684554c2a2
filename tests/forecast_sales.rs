//! `ckm forecast sales` through the real binary: series from transactions (periods, partial
//! periods, groups, gaps), ready series, forecasts of obvious patterns, holdout scores, bad
//! input.

mod common;

use common::{stderr_of, Workdir};

/// Orders of two channels over January to mid-April 2024 (April incomplete); no February
/// sales on the web.
fn orders() -> String {
    let mut csv = String::from("order_id,customer_id,ts,amount,quantity,channel\n");
    let lines = [
        ("o1", "c1", "2024-01-03 10:00:00", 10.0, 1, "store"),
        ("o1", "c1", "2024-01-03 10:00:00", 5.0, 2, "store"),
        ("o2", "c2", "2024-01-20 12:00:00", 20.0, 1, "web"),
        ("o3", "c1", "2024-02-14 09:00:00", 7.5, 1, "store"),
        ("o4", "c3", "2024-03-01 00:00:00", 30.0, 3, "web"),
        ("o5", "c3", "2024-03-31 23:00:00", 1.0, 1, "store"),
        ("o6", "c2", "2024-04-15 08:00:00", 99.0, 1, "web"),
    ];
    for (order, customer, ts, amount, quantity, channel) in lines {
        csv += &format!("{order},{customer},{ts},{amount},{quantity},{channel}\n");
    }
    csv
}

#[test]
fn monthly_revenue_from_transactions() {
    let wd = Workdir::new();
    wd.write("orders.csv", orders());
    let output = wd.run(&["forecast", "sales", "orders.csv", "--horizon", "3", "-o", "f.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    // April is incomplete (data to the 15th) and left out, and the summary says so.
    assert!(
        stderr_of(&output).contains("2024-04-01 to 2024-04-30"),
        "{}",
        stderr_of(&output)
    );
    let rows = wd.read_csv("f.csv").records();
    let history: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r["kind"] == "history")
        .map(|r| (r["period"].as_str(), r["value"].as_str()))
        .collect();
    assert_eq!(
        history,
        vec![
            ("2024-01-01", "35.0"),
            ("2024-02-01", "7.5"),
            ("2024-03-01", "31.0")
        ]
    );
    let forecast: Vec<&str> = rows
        .iter()
        .filter(|r| r["kind"] == "forecast")
        .map(|r| r["period"].as_str())
        .collect();
    assert_eq!(forecast, vec!["2024-04-01", "2024-05-01", "2024-06-01"]);
    for r in rows.iter().filter(|r| r["kind"] == "forecast") {
        let v: f64 = r["value"].parse().unwrap();
        let (lo80, hi80): (f64, f64) = (r["lo_80"].parse().unwrap(), r["hi_80"].parse().unwrap());
        let (lo95, hi95): (f64, f64) = (r["lo_95"].parse().unwrap(), r["hi_95"].parse().unwrap());
        assert!(lo95 <= lo80 && lo80 <= v && v <= hi80 && hi80 <= hi95, "{r:?}");
        assert!(!r["model"].is_empty());
    }

    // --keep-partial keeps April; orders and customers count distinct ids; quantity sums.
    for (measure, expected) in [
        ("revenue", vec!["35.0", "7.5", "31.0", "99.0"]),
        ("orders", vec!["2.0", "1.0", "2.0", "1.0"]),
        ("customers", vec!["2.0", "1.0", "1.0", "1.0"]),
        ("quantity", vec!["4.0", "1.0", "4.0", "1.0"]),
    ] {
        let output = wd.run(&[
            "forecast",
            "sales",
            "orders.csv",
            "--keep-partial",
            "--measure",
            measure,
            "-o",
            "f.csv",
        ]);
        assert!(output.status.success(), "{}", stderr_of(&output));
        let values: Vec<String> = wd
            .read_csv("f.csv")
            .records()
            .iter()
            .filter(|r| r["kind"] == "history")
            .map(|r| r["value"].clone())
            .collect();
        assert_eq!(values, expected, "{measure}");
    }
}

#[test]
fn groups_weeks_and_gaps() {
    let wd = Workdir::new();
    wd.write("orders.csv", orders());
    let output = wd.run(&[
        "forecast",
        "sales",
        "orders.csv",
        "--by",
        "channel",
        "--keep-partial",
        "-o",
        "f.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let rows = wd.read_csv("f.csv").records();
    let web: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r["channel"] == "web" && r["kind"] == "history")
        .map(|r| (r["period"].as_str(), r["value"].as_str()))
        .collect();
    // February has no web sales: a zero, not a missing month.
    assert_eq!(
        web,
        vec![
            ("2024-01-01", "20.0"),
            ("2024-02-01", "0.0"),
            ("2024-03-01", "30.0"),
            ("2024-04-01", "99.0")
        ]
    );
    assert!(rows
        .iter()
        .any(|r| r["channel"] == "store" && r["kind"] == "forecast"));

    // Weeks start on Monday: Wednesday 2024-01-03 is in the week of Monday 2024-01-01.
    let output = wd.run(&[
        "forecast",
        "sales",
        "orders.csv",
        "--period",
        "week",
        "-o",
        "w.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let rows = wd.read_csv("w.csv").records();
    assert_eq!(rows[0]["period"], "2024-01-01");
    assert_eq!(rows[0]["value"], "15.0");
    assert_eq!(rows[1]["period"], "2024-01-08");
    assert_eq!(rows[1]["value"], "0.0");

    let output = wd.run(&["forecast", "sales", "orders.csv", "--by", "region"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("channel"), "{}", stderr_of(&output));
}

fn series_table(values: &[f64]) -> String {
    let mut csv = String::from("date,value\n");
    for (k, v) in values.iter().enumerate() {
        csv += &format!("{}-{:02}-01,{v}\n", 2015 + k / 12, k % 12 + 1);
    }
    csv
}

fn forecast_values(wd: &Workdir, file: &str) -> Vec<f64> {
    wd.read_csv(file)
        .records()
        .iter()
        .filter(|r| r["kind"] == "forecast")
        .map(|r| r["value"].parse().unwrap())
        .collect()
}

#[test]
fn obvious_patterns_continue() {
    let wd = Workdir::new();
    let pattern = [
        10.0, 12.0, 15.0, 11.0, 9.0, 8.0, 14.0, 18.0, 20.0, 16.0, 13.0, 25.0,
    ];
    let cases: Vec<(&str, Vec<f64>, Vec<f64>)> = vec![
        ("constant", vec![42.0; 48], vec![42.0; 12]),
        (
            "line",
            (0..48).map(|t| 100.0 + 3.0 * t as f64).collect(),
            (48..60).map(|t| 100.0 + 3.0 * t as f64).collect(),
        ),
        (
            "season",
            (0..48).map(|t| pattern[t % 12]).collect(),
            pattern.to_vec(),
        ),
    ];
    for (name, history, expected) in cases {
        wd.write("s.csv", series_table(&history));
        for model in ["auto", "ets", "theta", "arima"] {
            let output = wd.run(&[
                "forecast", "sales", "s.csv", "--series", "--model", model, "-o", "f.csv",
            ]);
            assert!(output.status.success(), "{}", stderr_of(&output));
            let got = forecast_values(&wd, "f.csv");
            assert_eq!(got.len(), 12);
            for (g, e) in got.iter().zip(&expected) {
                // Theta's drift is half the trend's slope by design: it is allowed to lag.
                let tolerance = if name == "line" && model != "ets" {
                    0.1 * e
                } else {
                    0.02 * e.abs().max(1.0)
                };
                assert!((g - e).abs() <= tolerance, "{name} {model}: {got:?}");
            }
        }
    }
}

#[test]
fn holdout_scores_every_model() {
    let wd = Workdir::new();
    let history: Vec<f64> = (0..60)
        .map(|t| 100.0 + t as f64 + 20.0 * ((t % 12) as f64 / 12.0 * std::f64::consts::TAU).sin())
        .collect();
    wd.write("s.csv", series_table(&history));
    let output = wd.run(&[
        "forecast",
        "sales",
        "s.csv",
        "--series",
        "--holdout",
        "12",
        "--evaluation",
        "scores.csv",
        "--manifest",
        "m.json",
        "-o",
        "f.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let scores = wd.read_csv("scores.csv").records();
    let models: Vec<&str> = scores.iter().map(|r| r["model"].as_str()).collect();
    assert_eq!(
        models,
        vec![
            "auto",
            "ets",
            "theta",
            "arima",
            "seasonal-naive",
            "naive",
            "mean",
            "ensemble"
        ]
    );
    assert!(!scores[0]["auto_chose"].is_empty());
    let mase = |model: &str| -> f64 {
        scores.iter().find(|r| r["model"] == model).unwrap()["mase"]
            .parse()
            .unwrap()
    };
    // A trend plus a clean season: the models beat the baselines.
    assert!(
        mase("auto") < mase("naive") && mase("auto") < mase("mean"),
        "{scores:?}"
    );
    let summary = &wd.read_json("m.json")["summary"];
    assert!(summary["holdout auto"].as_str().unwrap().starts_with("MASE "));
    // The intervals are scored too: the share of held-out points inside, and MSIS.
    for r in &scores {
        let cover_80: f64 = r["coverage_80"].parse().unwrap();
        let cover_95: f64 = r["coverage_95"].parse().unwrap();
        assert!((0.0..=1.0).contains(&cover_80) && cover_80 <= cover_95, "{r:?}");
        // Twelve points: each share is a whole number of twelfths.
        assert!(
            ((cover_95 * 12.0) - (cover_95 * 12.0).round()).abs() < 1e-9,
            "{r:?}"
        );
        let msis: f64 = r["msis_95"].parse().unwrap();
        // ARIMA finds this series exactly: no width and no miss.
        assert!(msis >= 0.0, "{r:?}");
    }
    // The naive forecast of a rising, seasonal series misses more than the models: its MSIS
    // is higher.
    let msis = |model: &str| -> f64 {
        scores.iter().find(|r| r["model"] == model).unwrap()["msis_95"]
            .parse()
            .unwrap()
    };
    assert!(msis("ets") < msis("naive"), "{scores:?}");
}

#[test]
fn short_and_bad_series() {
    let wd = Workdir::new();
    for values in [
        vec![5.0],
        vec![5.0, 6.0],
        vec![5.0, 6.0, 4.0],
        vec![0.0; 24],
        vec![-5.0, 3.0, -2.0, 4.0, 1.0, -1.0],
    ] {
        wd.write("s.csv", series_table(&values));
        let output = wd.run(&[
            "forecast",
            "sales",
            "s.csv",
            "--series",
            "--horizon",
            "4",
            "-o",
            "f.csv",
        ]);
        assert!(output.status.success(), "{values:?}: {}", stderr_of(&output));
        let got = forecast_values(&wd, "f.csv");
        assert!(
            got.len() == 4 && got.iter().all(|v| v.is_finite()),
            "{values:?}: {got:?}"
        );
    }
    wd.write("s.csv", series_table(&[5.0]));
    let output = wd.run(&["forecast", "sales", "s.csv", "--series", "-o", "f.csv"]);
    assert!(stderr_of(&output).contains("too few"), "{}", stderr_of(&output));

    wd.write(
        "nan.csv",
        "date,value\n2024-01-01,5\n2024-02-01,NaN\n2024-03-01,7\n",
    );
    let output = wd.run(&["forecast", "sales", "nan.csv", "--series"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("row 3, column 'value'"),
        "{}",
        stderr_of(&output)
    );

    wd.write("dates.csv", "date,value\n2024-01-01,5\n01/02/2024,6\n");
    let output = wd.run(&["forecast", "sales", "dates.csv", "--series"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("row 3, column 'date'"),
        "{}",
        stderr_of(&output)
    );

    let output = wd.run(&[
        "forecast",
        "sales",
        "dates.csv",
        "--series",
        "--value-column",
        "sales",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("no column 'sales'"),
        "{}",
        stderr_of(&output)
    );

    let output = wd.run(&["forecast", "sales", "dates.csv", "--series", "--level", "120"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn per_segment_from_a_segments_file() {
    let wd = Workdir::new();
    wd.write("orders.csv", orders());
    wd.write(
        "segments.csv",
        "customer_id,recency_days,rfm_segment,cluster_label\nc1,3,Champions,recent\nc2,40,Lost,lapsed\n",
    );
    let output = wd.run(&[
        "forecast",
        "sales",
        "orders.csv",
        "--segments",
        "segments.csv",
        "--keep-partial",
        "-o",
        "f.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    // c3's two lines belong to no segment, and the summary says so.
    assert!(
        stderr_of(&output).contains("2 lines of customers not in --segments"),
        "{}",
        stderr_of(&output)
    );
    let rows = wd.read_csv("f.csv").records();
    let history = |segment: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r["rfm_segment"] == segment && r["kind"] == "history")
            .map(|r| r["value"].clone())
            .collect()
    };
    // Every group runs to the last period of the data.
    assert_eq!(history("Champions"), vec!["15.0", "7.5", "0.0", "0.0"]);
    assert_eq!(history("Lost"), vec!["20.0", "0.0", "0.0", "99.0"]);
    assert_eq!(history("(not in segments)"), vec!["31.0", "0.0"]);

    // Another column of the file, and a column it does not have.
    let output = wd.run(&[
        "forecast",
        "sales",
        "orders.csv",
        "--segments",
        "segments.csv",
        "--by",
        "cluster_label",
        "-o",
        "g.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(wd
        .read_csv("g.csv")
        .records()
        .iter()
        .any(|r| r["cluster_label"] == "lapsed"));
    let output = wd.run(&[
        "forecast",
        "sales",
        "orders.csv",
        "--segments",
        "segments.csv",
        "--by",
        "cluster",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("no column 'cluster'"),
        "{}",
        stderr_of(&output)
    );
}

/// The first 24 of the M3 competition's monthly series, the last 18 months held out: `auto`
/// beats the seasonal naive baseline on mean MASE (on all 1,428 series: 0.839 against 1.146,
/// benches/forecast_sales.sh).
#[test]
fn m3_series_beat_the_baseline() {
    let Some(path) = common::shared_data("m3/m3_monthly_train.csv") else {
        return;
    };
    let wd = Workdir::new();
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let mut csv = format!("{}\n", lines.next().unwrap());
    let mut ids = Vec::new();
    for line in lines {
        let id = line.split(',').next().unwrap().to_string();
        if !ids.contains(&id) {
            if ids.len() == 24 {
                break;
            }
            ids.push(id);
        }
        csv += line;
        csv.push('\n');
    }
    wd.write("m3.csv", csv);
    let output = wd.run(&[
        "forecast",
        "sales",
        "m3.csv",
        "--series",
        "--by",
        "series_id",
        "--holdout",
        "18",
        "--manifest",
        "m.json",
        "-o",
        "f.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let summary = &wd.read_json("m.json")["summary"];
    let mase = |model: &str| -> f64 {
        let text = summary[format!("holdout {model}")].as_str().unwrap();
        text.trim_start_matches("MASE ")
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(mase("auto") < mase("seasonal-naive"), "{summary}");
    assert!(mase("ensemble") < mase("seasonal-naive"), "{summary}");
}

#[test]
fn lines_left_out_go_to_rejects() {
    let wd = Workdir::new();
    let mut csv = orders();
    csv += "o7,c1,,5.0,1,store\no8,c2,2024-02-02 10:00:00,,1,web\n";
    wd.write("orders.csv", csv);
    let output = wd.run(&[
        "forecast",
        "sales",
        "orders.csv",
        "-o",
        "f.csv",
        "--manifest",
        "m.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let rejects = wd.read_csv("f.rejects.csv").records();
    let reasons: Vec<&str> = rejects.iter().map(|r| r["reason"].as_str()).collect();
    assert_eq!(reasons, vec!["no ts", "no amount"]);
    let summary = &wd.read_json("m.json")["summary"];
    assert_eq!(summary["lines in = lines counted + lines rejected"], "9 = 7 + 2");
}

#[test]
fn yearly_series_from_a_table_and_from_transactions() {
    let wd = Workdir::new();
    // A series table dated by the year alone: a line, continued year by year.
    let mut table = String::from("year,value\n");
    for (k, year) in (2001..2021).enumerate() {
        table += &format!("{year},{}\n", 50.0 + 4.0 * k as f64);
    }
    wd.write("yearly.csv", table);
    let output = wd.run(&[
        "forecast",
        "sales",
        "yearly.csv",
        "--series",
        "--date-column",
        "year",
        "--period",
        "year",
        "--model",
        "ets",
        "-o",
        "f.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let rows = wd.read_csv("f.csv").records();
    let forecast: Vec<(&str, f64)> = rows
        .iter()
        .filter(|r| r["kind"] == "forecast")
        .map(|r| (r["period"].as_str(), r["value"].parse().unwrap()))
        .collect();
    // Six years ahead by default (M3's yearly horizon), dated 1 January.
    let periods: Vec<&str> = forecast.iter().map(|f| f.0).collect();
    assert_eq!(
        periods,
        [
            "2021-01-01",
            "2022-01-01",
            "2023-01-01",
            "2024-01-01",
            "2025-01-01",
            "2026-01-01"
        ]
    );
    for (k, (_, value)) in forecast.iter().enumerate() {
        let expected = 50.0 + 4.0 * (20 + k) as f64;
        assert!((value - expected).abs() < 0.02 * expected, "{forecast:?}");
    }

    // Transactions summed by calendar year: the year's lines, whichever day they fall on.
    let mut lines = String::from("customer_id,ts,amount\n");
    for year in 2015..2024 {
        for (month, day) in [(1, 1), (6, 15), (12, 31)] {
            lines += &format!(
                "c{year},{year}-{month:02}-{day:02} 12:00:00,{}\n",
                10 * (year - 2014)
            );
        }
    }
    wd.write("lines.csv", lines);
    let output = wd.run(&[
        "forecast",
        "sales",
        "lines.csv",
        "--period",
        "year",
        "--horizon",
        "2",
        "-o",
        "g.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let rows = wd.read_csv("g.csv").records();
    let history: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r["kind"] == "history")
        .map(|r| (r["period"].as_str(), r["value"].as_str()))
        .collect();
    assert_eq!(history.len(), 9);
    assert_eq!(history[0], ("2015-01-01", "30.0"));
    assert_eq!(history[8], ("2023-01-01", "270.0"));
    let forecast: Vec<&str> = rows
        .iter()
        .filter(|r| r["kind"] == "forecast")
        .map(|r| r["period"].as_str())
        .collect();
    assert_eq!(forecast, ["2024-01-01", "2025-01-01"]);
}

#[test]
fn forecasts_of_measures_that_never_went_below_zero_stay_at_or_above_it() {
    let wd = Workdir::new();
    // Sales falling fast toward nothing: a trend would carry them below zero.
    let falling: Vec<f64> = (0..36)
        .map(|t| (300.0 - 9.0 * t as f64 + if t % 2 == 0 { 15.0 } else { -15.0 }).max(0.0))
        .collect();
    wd.write("falling.csv", series_table(&falling));
    for model in ["auto", "ets", "arima", "naive"] {
        let output = wd.run(&[
            "forecast",
            "sales",
            "falling.csv",
            "--series",
            "--model",
            model,
            "--horizon",
            "12",
            "-o",
            "f.csv",
        ]);
        assert!(output.status.success(), "{}", stderr_of(&output));
        for r in wd
            .read_csv("f.csv")
            .records()
            .iter()
            .filter(|r| r["kind"] == "forecast")
        {
            for column in ["value", "lo_80", "hi_80", "lo_95", "hi_95"] {
                let v: f64 = r[column].parse().unwrap();
                assert!(v >= 0.0, "{model}: {column} {v} in {r:?}");
            }
        }
    }
    // A series with negative values (a net balance) keeps its negative forecasts.
    let balance: Vec<f64> = (0..36).map(|t| 100.0 - 8.0 * t as f64).collect();
    wd.write("balance.csv", series_table(&balance));
    let output = wd.run(&[
        "forecast",
        "sales",
        "balance.csv",
        "--series",
        "--model",
        "ets",
        "-o",
        "g.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let values = forecast_values(&wd, "g.csv");
    assert!(values.iter().all(|v| *v < 0.0), "{values:?}");
}

/// `count` series of `length` months, each `value(series, t)`, as one table with a `shop`
/// column.
fn grouped_table(count: usize, length: usize, value: impl Fn(usize, usize) -> f64) -> String {
    let mut csv = String::from("shop,date,value\n");
    for s in 0..count {
        for t in 0..length {
            csv += &format!("s{s:02},{}-{:02}-01,{}\n", 2015 + t / 12, t % 12 + 1, value(s, t));
        }
    }
    csv
}

/// A small deterministic noise in [-1, 1) from a series and a time.
fn noise(s: usize, t: usize) -> f64 {
    let x = (s as u64 * 7919 + t as u64 * 104_729).wrapping_mul(6_364_136_223_846_793_005) >> 33;
    (x % 2000) as f64 / 1000.0 - 1.0
}

#[test]
fn auto_chooses_one_blend_for_the_series_forecast_together() {
    let wd = Workdir::new();
    // Sales that swing up and down month after month: ETS and Theta forecast the middle,
    // ARIMA's autoregression the swing. The backtests of 24 such series show it clearly.
    wd.write(
        "swings.csv",
        grouped_table(24, 48, |s, t| {
            100.0 + 10.0 * s as f64 + if t % 2 == 0 { 30.0 } else { -30.0 } + 3.0 * noise(s, t)
        }),
    );
    let run = |extra: &[&str]| {
        let mut args = vec![
            "forecast",
            "sales",
            "swings.csv",
            "--series",
            "--by",
            "shop",
            "--season",
            "1",
            "--horizon",
            "6",
        ];
        args.extend_from_slice(extra);
        let output = wd.run(&args);
        assert!(output.status.success(), "{}", stderr_of(&output));
        output
    };
    run(&["-o", "f.csv", "--manifest", "m.json"]);
    let summary = &wd.read_json("m.json")["summary"];
    let chose = summary["auto chose"].as_str().unwrap();
    let blend = chose.split(':').next().unwrap();
    assert!(blend.split('+').any(|m| m == "arima"), "{chose}");
    assert!(chose.contains("against the default ets+theta's"), "{chose}");
    let best = summary["auto chose: best backtests"].as_str().unwrap();
    assert!(
        best.starts_with(blend),
        "the chosen blend had the lowest error: {best}"
    );
    // Every series is forecast by that blend, and the next month swings back.
    let rows = wd.read_csv("f.csv").records();
    let forecasts: Vec<_> = rows.iter().filter(|r| r["kind"] == "forecast").collect();
    assert_eq!(forecasts.len(), 24 * 6);
    for r in &forecasts {
        assert!(r["model"].contains("ARIMA"), "{r:?}");
    }
    let first: f64 = forecasts[0]["value"].parse().unwrap();
    let second: f64 = forecasts[1]["value"].parse().unwrap();
    assert!(
        first > 110.0 && second < 90.0,
        "month 48 is up, 49 down: {first}, {second}"
    );

    // With a holdout, auto chooses again on the training parts alone, and the evaluation
    // names the blend per series.
    run(&[
        "-o",
        "g.csv",
        "--holdout",
        "6",
        "--evaluation",
        "e.csv",
        "--manifest",
        "h.json",
    ]);
    let summary = &wd.read_json("h.json")["summary"];
    let chose_held = summary["auto chose on the holdout's training parts"]
        .as_str()
        .unwrap();
    let held_blend = chose_held.split(':').next().unwrap();
    let scores = wd.read_csv("e.csv").records();
    let auto: Vec<_> = scores.iter().filter(|r| r["model"] == "auto").collect();
    assert_eq!(auto.len(), 24);
    assert!(auto.iter().all(|r| r["auto_chose"] == held_blend), "{auto:?}");
    let mean_mase = |model: &str| -> f64 {
        let rows: Vec<f64> = scores
            .iter()
            .filter(|r| r["model"] == model)
            .map(|r| r["mase"].parse::<f64>().unwrap())
            .collect();
        rows.iter().sum::<f64>() / rows.len() as f64
    };
    assert!(mean_mase("auto") < mean_mase("ensemble"), "{scores:?}");
}
