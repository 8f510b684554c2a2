//! What each subcommand prints, as a person or a cron job sees it: exit code, stdout and
//! stderr of the real binary, snapshotted (insta), so that a changed summary or error message
//! shows up in review. Run on the bundled sample data through the README's main job.

mod common;

use common::{repo_file, Workdir};

/// Exit code, stdout and stderr of `ckm ARGS` in `wd`, with the scratch directory's path
/// and the seconds things took made constant.
fn shown(wd: &Workdir, args: &[&str]) -> String {
    let output = wd.run(args);
    let scratch = wd.dir.path().display().to_string();
    let text = format!(
        "$ ckm {}\nexit code: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        output.status.code().map_or("none".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    text.replace(&scratch, "[SCRATCH]")
}

/// Seconds vary from run to run; everything else in a summary is fixed by the input.
macro_rules! assert_summary {
    ($name:expr, $text:expr) => {
        insta::with_settings!({filters => vec![
            // A cell of seconds, padded to its column: 10.25 s is a character wider than 9.87 s.
            (r"\b\d+\.\d+ s\b([^|\n]*?) *\|", "[seconds] s$1 |"),
            (r"\b\d+\.\d+ s\b", "[seconds] s"),
            (r"\b\d+(\.\d+)?s\b", "[seconds]s"),
        ]}, {
            insta::assert_snapshot!($name, $text);
        });
    };
}

/// The README's main job: the web-shop and store exports ingested into one table (customers
/// unified across the channels) and cleaned; its output is what the analyses read.
fn cleaned_sample() -> Workdir {
    let wd = Workdir::new();
    for name in [
        "web_orders.csv",
        "store_sales.tsv",
        "customers.csv",
        "store_members.csv",
    ] {
        wd.write(
            name,
            std::fs::read(repo_file(&format!("sample-data/{name}")))
                .expect("the sample data is in the repository"),
        );
    }
    let ingest = [
        "ingest",
        "web=web_orders.csv",
        "store=store_sales.tsv",
        "--customers",
        "web=customers.csv",
        "--customers",
        "store=store_members.csv",
        "--default-country",
        "1",
        "-o",
        "raw.parquet",
    ];
    assert_summary!("ingest", shown(&wd, &ingest));
    let clean = [
        "clean",
        "raw.parquet",
        "-o",
        "clean.parquet",
        "--rejects",
        "rejects.csv",
    ];
    assert_summary!("clean", shown(&wd, &clean));
    wd
}

#[test]
fn every_subcommand_on_the_sample_data() {
    let wd = cleaned_sample();
    let runs: [(&str, &[&str]); 10] = [
        (
            "segment",
            &[
                "segment",
                "clean.parquet",
                "--clusters",
                "4",
                "-o",
                "segments.csv",
            ],
        ),
        (
            "rules",
            &[
                "rules",
                "clean.parquet",
                "--min-support",
                "0.01",
                "-o",
                "rules.csv",
            ],
        ),
        (
            "rules_sequences",
            &["rules", "sequences", "clean.parquet", "-o", "sequences.csv"],
        ),
        (
            "forecast_customers",
            &["forecast", "customers", "clean.parquet", "-o", "clv.csv"],
        ),
        (
            "forecast_sales",
            &[
                "forecast",
                "sales",
                "clean.parquet",
                "--measure",
                "orders",
                "--horizon",
                "3",
                "-o",
                "sales.csv",
            ],
        ),
        (
            "churn_train",
            &[
                "churn",
                "train",
                "clean.parquet",
                "--window",
                "60",
                "--model-out",
                "model.json",
                "-o",
                "risk.csv",
            ],
        ),
        (
            "churn_score",
            &[
                "churn",
                "score",
                "clean.parquet",
                "--model",
                "model.json",
                "-o",
                "scores.csv",
            ],
        ),
        (
            "churn_method",
            &["churn", "clean.parquet", "--method", "bgnbd", "-o", "bgnbd.csv"],
        ),
        ("report_terminal", &["report", "clean.parquet"]),
        (
            "report_quiet",
            &["report", "clean.parquet", "-q", "-o", "report.md"],
        ),
    ];
    for (name, args) in runs {
        assert_summary!(name, shown(&wd, args));
    }
}

#[test]
fn the_main_error_messages() {
    let wd = Workdir::new();
    wd.write("no_customer.csv", "order_id,ts,amount\no1,2024-01-02,5\n");
    wd.write(
        "bad_date.csv",
        "customer_id,ts,amount\nc1,2024-01-02,5\nc2,31/02/2024,7\n",
    );
    wd.write(
        "orders.csv",
        "customer_id,ts,amount\nc1,2024-01-02,5\nc2,2024-01-03,7\n",
    );
    wd.write("table.csv", "customerID,tenure,Churn\nc1,3,Yes\nc2,4,No\n");
    let runs: [(&str, &[&str]); 9] = [
        ("error_missing_file", &["segment", "missing.csv"]),
        (
            "error_bad_memory_limit",
            &["clean", "orders.csv", "--memory-limit", "8 gigs"],
        ),
        ("error_no_customer_column", &["segment", "no_customer.csv"]),
        (
            "ingest_flags_unparseable_dates",
            &["ingest", "bad_date.csv", "-o", "out.csv"],
        ),
        (
            "error_output_extension",
            &["segment", "orders.csv", "-o", "out.xyz"],
        ),
        ("error_unknown_flag", &["segment", "orders.csv", "--colour-me"]),
        (
            "error_bad_as_of",
            &["segment", "orders.csv", "--as-of", "yesterday"],
        ),
        (
            "error_churn_no_target_column",
            &["churn", "train", "table.csv", "--target", "Churned"],
        ),
        ("error_churn_without_method", &["churn", "orders.csv"]),
    ];
    for (name, args) in runs {
        assert_summary!(name, shown(&wd, args));
    }
}
