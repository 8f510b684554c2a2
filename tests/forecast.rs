//! `ckm forecast customers` through the real binary: the summary from transactions, the
//! published CDNOW fit, values equal to lifetimes', bad input.

mod common;

use common::{shared_data, stderr_of, Workdir};

#[test]
fn summaries_from_transactions_count_days() {
    let wd = Workdir::new();
    // c1: two lines on Jan 1 (one transaction), Jan 8, Jan 15 -> x 2, recency 2 weeks.
    // c2: Jan 1 only. c3: Jan 1 and Jan 29. The calibration ends on Jan 29 (the latest date).
    wd.write(
        "tx.csv",
        "order_id,customer_id,ts,amount\n\
         o1,c1,2024-01-01,10\no2,c1,2024-01-01 15:00:00,5\no3,c1,2024-01-08,20\no4,c1,2024-01-15,40\n\
         o5,c2,2024-01-01,8\no6,c3,2024-01-01,12\no7,c3,2024-01-29,30\n",
    );
    let output = wd.run(&[
        "forecast",
        "customers",
        "tx.csv",
        "-o",
        "clv.csv",
        "--horizon",
        "4",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let records = wd.read_csv("clv.csv").records();
    let c1 = &records[0];
    assert_eq!(c1["customer_id"], "c1");
    assert_eq!(
        (c1["frequency"].as_str(), c1["recency"].as_str(), c1["T"].as_str()),
        ("2.0", "2.0", "4.0")
    );
    assert_eq!(c1["monetary_value"], "30.0"); // repeat days only: (20 + 40) / 2
    assert_eq!(records[1]["frequency"], "0.0");
    assert_eq!(records[1]["p_alive"], "1.0");
    for r in &records {
        let p: f64 = r["p_alive"].parse().unwrap();
        let e: f64 = r["expected_purchases"].parse().unwrap();
        assert!((0.0..=1.0).contains(&p) && e >= 0.0, "{r:?}");
    }
}

/// Fader, Hardie & Lee's CDNOW sample (2,357 customers, weeks): BG/NBD r 0.243, α 4.414,
/// a 0.793, b 2.426, LL −9582.4; Gamma-Gamma p 6.25, q 3.74, γ 15.44. Per-customer values
/// from lifetimes 0.11 on the same data (BetaGeoFitter, GammaGammaFitter).
#[test]
fn cdnow_published_fit_and_lifetimes_values() {
    let Some(path) = shared_data("cdnow/cdnow_customers_summary_with_transactions.csv") else {
        return;
    };
    let wd = Workdir::new();
    let output = wd.run(&[
        "forecast",
        "customers",
        path.to_str().unwrap(),
        "--horizon",
        "52",
        "-o",
        "clv.csv",
        "--manifest",
        "m.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let summary = &wd.read_json("m.json")["summary"];
    let estimate = |name: &str| -> f64 {
        summary[name]
            .as_str()
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    for (name, published) in [
        ("BG/NBD r", 0.243),
        ("BG/NBD alpha", 4.414),
        ("BG/NBD a", 0.793),
        ("BG/NBD b", 2.426),
        ("Gamma-Gamma p", 6.25),
        ("Gamma-Gamma q", 3.74),
        ("Gamma-Gamma gamma", 15.44),
    ] {
        assert!(
            (estimate(name) - published).abs() < 0.01 * published,
            "{name}: {}",
            estimate(name)
        );
    }
    assert_eq!(summary["BG/NBD log-likelihood"], "-9582.43");
    let records = wd.read_csv("clv.csv").records();
    let close = |a: &str, b: f64| (a.parse::<f64>().unwrap() - b).abs() < 1e-6 * b.abs().max(1.0);
    for (row, purchases, alive, value) in [
        (0, 1.558_583_77, 0.726_609_15, 24.658_616_2),
        (1, 0.259_907_08, 0.212_227_39, 18.911_479_9),
        (2, 0.251_665_73, 1.0, 35.171_002_2),
    ] {
        let r = &records[row];
        assert!(close(&r["expected_purchases"], purchases), "{r:?}");
        assert!(close(&r["p_alive"], alive), "{r:?}");
        assert!(close(&r["expected_avg_value"], value), "{r:?}");
    }
}

#[test]
fn bad_input_gives_clear_errors() {
    let wd = Workdir::new();
    wd.write(
        "one.csv",
        "order_id,customer_id,ts,amount\no1,c1,2024-01-01,5\no2,c1,2024-01-09,6\n",
    );
    let output = wd.run(&["forecast", "customers", "one.csv"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("at least 2 customers"),
        "{}",
        stderr_of(&output)
    );

    wd.write(
        "norepeat.csv",
        "order_id,customer_id,ts,amount\no1,c1,2024-01-01,5\no2,c2,2024-01-09,6\n",
    );
    let output = wd.run(&["forecast", "customers", "norepeat.csv"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("0 with a repeat purchase"),
        "{}",
        stderr_of(&output)
    );

    wd.write("bad.csv", "frequency,recency,T\n1,5,3\n");
    let output = wd.run(&["forecast", "customers", "bad.csv"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr_of(&output).contains("row 2"), "{}", stderr_of(&output));

    let output = wd.run(&["forecast", "customers", "one.csv", "--horizon", "0"]);
    assert_eq!(output.status.code(), Some(2));
}
