//! `ckm churn` through the real binary: training on a labelled table, the model file, scoring,
//! labels derived from transactions, 1 - P(alive), bad input.

mod common;

use common::{shared_data, stderr_of, Workdir};

/// A deterministic pseudo-random number for row i (splitmix64).
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A CRM export of `rows` customers: churners have a tenure of 1-6 months, stayers 30-69,
/// so the label is perfectly separable. Includes an email column (personal data), a
/// constant column, blank charges, and `bad_labels` rows whose label is unusable.
fn crm_export(rows: u64, bad_labels: u64) -> String {
    let mut text = String::from("CustomerID,Plan,Tenure,MonthlyCharges,Email,Region,Churn\n");
    for i in 0..rows {
        let churned = mix(i) % 4 == 0;
        let tenure = if churned {
            1 + mix(i + 10_000) % 6
        } else {
            30 + mix(i + 10_000) % 40
        };
        let plan = ["monthly", "yearly", "two-year"][(mix(i + 20_000) % 3) as usize];
        let charges = if i % 17 == 0 {
            String::new()
        } else {
            format!("{:.2}", 20.0 + (mix(i + 30_000) % 8000) as f64 / 100.0)
        };
        let label = if i < bad_labels {
            "maybe"
        } else if churned {
            "Yes"
        } else {
            "No"
        };
        text.push_str(&format!(
            "C{i:05},{plan},{tenure},{charges},person{i}@example.com,north,{label}\n"
        ));
    }
    text
}

#[test]
fn separable_labels_give_auc_one_and_scores_in_range() {
    let wd = Workdir::new();
    wd.write("crm.csv", crm_export(400, 3));
    let output = wd.run(&[
        "churn",
        "train",
        "crm.csv",
        "--target",
        "Churn",
        "-o",
        "scores.csv",
        "--metrics",
        "metrics.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("excluded Email"), "{stderr}");
    assert!(stderr.contains("excluded Region"), "{stderr}");
    let metrics = wd.read_json("metrics.json");
    for candidate in metrics["candidates"].as_array().unwrap() {
        assert_eq!(candidate["roc_auc"].as_f64(), Some(1.0), "{candidate}");
    }
    assert_eq!(
        metrics["features_used"],
        serde_json::json!(["Plan", "Tenure", "MonthlyCharges"])
    );
    let scores = wd.read_csv("scores.csv");
    // rows in = rows out + rows rejected.
    assert_eq!(scores.len(), 397);
    let rejects = wd.read_csv("scores.rejects.csv");
    assert_eq!(rejects.len(), 3);
    assert_eq!(rejects.column("source_row"), vec!["2", "3", "4"]);
    assert!(rejects.column("reason")[0].contains("'maybe' is not a churn label"));
    for (p, band) in scores
        .column("churn_probability")
        .iter()
        .zip(scores.column("risk_band"))
    {
        let p: f64 = p.parse().unwrap();
        assert!((0.0..=1.0).contains(&p));
        assert!(["high", "medium", "low"].contains(&band.as_str()));
    }
    let high = scores.column("risk_band").iter().filter(|b| *b == "high").count();
    assert!((39..=60).contains(&high), "{high} high-risk customers of 397");
    // A churner's top driver is its short tenure.
    let records = scores.records();
    let churner = records.iter().find(|r| r["churned"] == "true").unwrap();
    assert!(churner["top_drivers"].starts_with("Tenure="), "{churner:?}");
}

#[test]
fn the_model_file_round_trips_to_identical_scores() {
    let wd = Workdir::new();
    wd.write("crm.csv", crm_export(300, 0));
    for model in ["logistic", "gbdt"] {
        let out = format!("{model}.csv");
        let saved = format!("{model}.json");
        let output = wd.run(&[
            "churn",
            "train",
            "crm.csv",
            "--target",
            "Churn",
            "--model",
            model,
            "-o",
            &out,
            "--model-out",
            &saved,
        ]);
        assert!(output.status.success(), "{}", stderr_of(&output));
        let scored = format!("{model}.scored.csv");
        let output = wd.run(&["churn", "score", "crm.csv", "--model", &saved, "-o", &scored]);
        assert!(output.status.success(), "{}", stderr_of(&output));
        let (a, b) = (wd.read_csv(&out), wd.read_csv(&scored));
        for column in ["CustomerID", "churn_probability", "risk_band", "top_drivers"] {
            assert_eq!(a.column(column), b.column(column), "{model}: {column}");
        }
        let model_json = wd.read_json(&saved);
        assert_eq!(model_json["format_version"], 1);
        assert!(model_json["training_data_sha256"].as_str().unwrap().len() == 64);
    }
}

#[test]
fn score_time_schema_problems_are_clear() {
    let wd = Workdir::new();
    wd.write("crm.csv", crm_export(300, 0));
    let output = wd.run(&[
        "churn",
        "train",
        "crm.csv",
        "--target",
        "Churn",
        "--model-out",
        "m.json",
        "-q",
        "-o",
        "s.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    // Unseen plan, extra column, no label: scored.
    wd.write(
        "new.csv",
        "CustomerID,Plan,Tenure,MonthlyCharges,Extra\nN1,lifetime,3,50.5,x\nN2,yearly,60,,y\n",
    );
    let output = wd.run(&[
        "churn",
        "score",
        "new.csv",
        "--model",
        "m.json",
        "-o",
        "new_scores.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let scores = wd.read_csv("new_scores.csv");
    assert_eq!(scores.column("CustomerID"), vec!["N1", "N2"]);
    let p: Vec<f64> = scores
        .column("churn_probability")
        .iter()
        .map(|p| p.parse().unwrap())
        .collect();
    assert!(p[0] > p[1], "{p:?}");
    // A feature column missing.
    wd.write("short.csv", "CustomerID,Plan,MonthlyCharges\nN1,yearly,50\n");
    let stderr = wd.fails(&["churn", "score", "short.csv", "--model", "m.json"], 3);
    assert!(
        stderr.contains("no column 'Tenure'") && stderr.contains("short.csv"),
        "{stderr}"
    );
    // Not a model.
    wd.write("junk.json", "{\"format_version\": 7}");
    let stderr = wd.fails(&["churn", "score", "short.csv", "--model", "junk.json"], 3);
    assert!(stderr.contains("format_version 7"), "{stderr}");
}

#[test]
fn same_seed_same_everything() {
    let wd = Workdir::new();
    wd.write("crm.csv", crm_export(300, 0));
    for run in ["a", "b"] {
        let output = wd.run(&[
            "churn",
            "train",
            "crm.csv",
            "--target",
            "Churn",
            "--seed",
            "5",
            "-q",
            "-o",
            &format!("{run}.csv"),
            "--model-out",
            &format!("{run}.json"),
        ]);
        assert!(output.status.success(), "{}", stderr_of(&output));
    }
    assert_eq!(
        std::fs::read(wd.path("a.csv")).unwrap(),
        std::fs::read(wd.path("b.csv")).unwrap()
    );
    let (a, b) = (wd.read_json("a.json"), wd.read_json("b.json"));
    assert_eq!(a["classifier"], b["classifier"]);
    assert_eq!(
        a["training_metrics"]["candidates"][0]["roc_auc"],
        b["training_metrics"]["candidates"][0]["roc_auc"]
    );
}

#[test]
fn bad_labelled_tables_give_clear_errors() {
    let wd = Workdir::new();
    wd.write("crm.csv", crm_export(100, 0));
    let stderr = wd.fails(&["churn", "train", "crm.csv", "--target", "Cancelled"], 3);
    assert!(
        stderr.contains("no column 'Cancelled'") && stderr.contains("Churn"),
        "{stderr}"
    );

    wd.write("one_class.csv", "id,plan,churn\n1,a,no\n2,b,no\n3,a,no\n");
    let stderr = wd.fails(&["churn", "train", "one_class.csv", "--target", "churn"], 3);
    assert!(stderr.contains("needs churners and stayers"), "{stderr}");

    wd.write("tiny.csv", "id,plan,churn\n1,a,yes\n2,b,no\n3,a,no\n4,b,yes\n");
    let stderr = wd.fails(&["churn", "train", "tiny.csv", "--target", "churn"], 3);
    assert!(stderr.contains("too few for 5 folds"), "{stderr}");

    let output = wd.run(&["churn", "crm.csv"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
}

/// The sample web orders as a clean transactions table.
fn sample_transactions(wd: &Workdir) {
    let web = common::repo_file("sample-data/web_orders.csv");
    let output = wd.run(&["ingest", web.to_str().unwrap(), "-q", "-o", "tx.parquet"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&["clean", "tx.parquet", "-q", "-o", "clean.parquet"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
}

#[test]
fn labels_derived_from_transactions() {
    let wd = Workdir::new();
    sample_transactions(&wd);
    let output = wd.run(&[
        "churn",
        "train",
        "clean.parquet",
        "--window",
        "90",
        "-o",
        "risk.csv",
        "--metrics",
        "m.json",
        "--model-out",
        "tx.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("churned = no purchase from"), "{stderr}");
    let metrics = wd.read_json("m.json");
    let features: Vec<&str> = metrics["features_used"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for f in [
        "recency_days",
        "frequency",
        "monetary",
        "spend_last_30d",
        "spend_last_90d",
    ] {
        assert!(features.contains(&f), "{features:?}");
    }
    let auc = metrics["candidates"][0]["roc_auc"].as_f64().unwrap();
    assert!(auc > 0.6, "recency predicts churn: {auc}");
    // Scores as of the data's end, for every customer, and the same again from the saved model.
    let risk = wd.read_csv("risk.csv");
    assert!(risk.len() > metrics["customers"].as_u64().unwrap() as usize);
    let output = wd.run(&[
        "churn",
        "score",
        "clean.parquet",
        "--model",
        "tx.json",
        "-o",
        "again.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        risk.column("churn_probability"),
        wd.read_csv("again.csv").column("churn_probability")
    );
}

#[test]
fn risk_from_bgnbd() {
    let wd = Workdir::new();
    sample_transactions(&wd);
    let output = wd.run(&["churn", "clean.parquet", "--method", "bgnbd", "-o", "risk.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let risk = wd.read_csv("risk.csv").records();
    assert!(risk.len() > 1000);
    for r in &risk {
        let p: f64 = r["churn_probability"].parse().unwrap();
        assert!((0.0..=1.0).contains(&p));
        // BG/NBD counts a customer without a repeat purchase as alive.
        if r["repeat_purchases"] == "0.0" {
            assert_eq!(p, 0.0);
        }
    }
    // Longer silence, more risk, among customers with the same number of repeat purchases.
    let twice: Vec<(f64, f64)> = risk
        .iter()
        .filter(|r| r["repeat_purchases"] == "2.0")
        .map(|r| {
            (
                r["weeks_since_last_purchase"].parse().unwrap(),
                r["churn_probability"].parse().unwrap(),
            )
        })
        .collect();
    let (quiet, recent) = (
        twice.iter().max_by(|a, b| a.0.total_cmp(&b.0)).unwrap(),
        twice.iter().min_by(|a, b| a.0.total_cmp(&b.0)).unwrap(),
    );
    assert!(quiet.1 >= recent.1, "{quiet:?} vs {recent:?}");
}

#[test]
fn telco_matches_scikit_learn() {
    let Some(telco) = shared_data("telco-churn/telco_churn.csv") else {
        return;
    };
    let wd = Workdir::new();
    let output = wd.run(&[
        "churn",
        "train",
        telco.to_str().unwrap(),
        "--target",
        "Churn",
        "--model",
        "logistic",
        "-o",
        "s.csv",
        "--metrics",
        "m.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let metrics = wd.read_json("m.json");
    // scikit-learn's LogisticRegression reaches 0.8452 out of fold (bench README).
    let auc = metrics["candidates"][0]["roc_auc"].as_f64().unwrap();
    assert!(auc > 0.8402, "{auc}");
    assert_eq!(metrics["customers"], 7043);
    assert_eq!(metrics["churners"], 1869);
    // TotalCharges is text with blanks for new customers: read as numbers, with an indicator.
    assert!(metrics["features_used"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("TotalCharges")));
    assert!(wd.read_csv("s.csv").column("customerID").len() == 7043);
}

#[test]
fn transaction_lines_without_a_customer_go_to_the_rejects() {
    let wd = Workdir::new();
    let mut text = String::from("customer_id,order_id,ts,amount\n");
    // 40 customers: the even ones buy again after the cutoff (2024-03-31 with a 60-day window
    // ending at the latest line, 2024-05-30).
    for c in 0..40 {
        text.push_str(&format!("c{c},o{c}a,2024-01-{:02},{}\n", 1 + c % 28, 10 + c));
        if c % 2 == 0 {
            text.push_str(&format!("c{c},o{c}b,2024-04-{:02},{}\n", 1 + c % 28, 5 + c));
        }
    }
    text.push_str(",orphan,2024-02-01,5\n");
    text.push_str("c0,o0z,2024-05-30,1\n");
    wd.write("tx.csv", text);
    let output = wd.run(&[
        "churn", "train", "tx.csv", "--window", "60", "--folds", "2", "-o", "risk.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("62 = 61 + 1"), "{stderr}");
    let rejects = wd.read_csv("risk.rejects.csv");
    assert_eq!(rejects.column("reason"), vec!["no customer_id"]);
    assert_eq!(wd.read_csv("risk.csv").len(), 40);
}

#[test]
fn many_customers_are_cross_validated_on_a_sample_and_all_fitted() {
    let wd = Workdir::new();
    wd.write("crm.csv", crm_export(3_000, 0));
    let train = |cv_sample: &str, out: &str| {
        let output = wd.run(&[
            "churn",
            "train",
            "crm.csv",
            "--target",
            "Churn",
            "--cv-sample",
            cv_sample,
            "-o",
            &format!("{out}.csv"),
            "--metrics",
            &format!("{out}.json"),
        ]);
        assert!(output.status.success(), "{}", stderr_of(&output));
        stderr_of(&output)
    };
    let sampled = train("1000", "sampled");
    let whole = train("0", "whole");
    assert!(
        sampled.contains("a stratified sample of 1,000 customers"),
        "{sampled}"
    );
    assert!(!whole.contains("stratified sample"), "{whole}");
    let (sampled_metrics, whole_metrics) = (wd.read_json("sampled.json"), wd.read_json("whole.json"));
    assert_eq!(sampled_metrics["customers"], 3_000);
    assert_eq!(sampled_metrics["cross_validated_customers"], 1_000);
    assert_eq!(whole_metrics["cross_validated_customers"], 3_000);
    // The churners keep their share in the sample: the confusion matrix counts the sample.
    let confusion = &sampled_metrics["confusion"];
    let counted: u64 = [
        "true_positives",
        "false_positives",
        "true_negatives",
        "false_negatives",
    ]
    .iter()
    .map(|k| confusion[k].as_u64().expect("a count"))
    .sum();
    assert_eq!(counted, 1_000, "{confusion}");
    // The same model is chosen and fitted on every customer either way: the same scores.
    assert_eq!(sampled_metrics["chosen_model"], whole_metrics["chosen_model"]);
    let (a, b) = (wd.read_csv("sampled.csv"), wd.read_csv("whole.csv"));
    assert_eq!(a.len(), 3_000);
    assert_eq!(a.column("churn_probability"), b.column("churn_probability"));
}
