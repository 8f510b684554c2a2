//! `--policy FILE --role NAME`: what each audience receives, through the real binary on the
//! sample data: columns taken out of every table, report sections left out, customer ids
//! pseudonymised, names checked before any work, and the role in the manifest and audit log.

mod common;

use common::{stderr_of, Workdir};

/// The README's example policy.
const POLICY: &str = r#"
input_columns = ["store"]

[roles.marketing]
hide_columns = ["monetary", "avg_order_value", "m_score", "monetary_value", "expected_avg_value", "clv", "amount", "unit_price"]
hide_sections = ["revenue"]
pseudonymize_ids = true

[roles.finance]
hide_sections = ["rules", "churn"]
"#;

/// The sample exports, ingested and cleaned (no policy: the data team's own step).
fn sample_clean(wd: &Workdir) {
    common::ingest_and_clean_sample(wd);
    wd.write("policy.toml", POLICY);
}

/// Runs ckm as `role` with the secret for pseudonyms set.
fn as_role(wd: &Workdir, role: &str, args: &[&str]) -> std::process::Output {
    wd.ckm()
        .args(["--policy", "policy.toml", "--role", role])
        .args(args)
        .env("CKM_SECRET", "a secret of more than sixteen bytes")
        .output()
        .expect("running ckm")
}

#[test]
fn marketing_receives_no_monetary_or_clv_value() {
    let wd = Workdir::new();
    sample_clean(&wd);
    let output = as_role(
        &wd,
        "marketing",
        &[
            "segment",
            "clean.parquet",
            "--clusters",
            "3",
            "-o",
            "seg.csv",
            "--profiles",
            "prof.csv",
            "--manifest",
            "m.json",
        ],
    );
    assert!(output.status.success(), "{}", stderr_of(&output));
    let segments = wd.read_csv("seg.csv");
    for hidden in ["monetary", "avg_order_value", "m_score"] {
        assert!(
            !segments.headers.contains(&hidden.to_string()),
            "{:?}",
            segments.headers
        );
    }
    assert!(segments.headers.contains(&"rfm_segment".to_string()));
    assert!(segments
        .column("customer_id")
        .iter()
        .all(|id| id.starts_with("c_")));
    // The profiles' statistics of a hidden column go too.
    let profiles = wd.read_csv("prof.csv");
    assert!(
        profiles.headers.iter().all(|h| !h.contains("monetary")),
        "{:?}",
        profiles.headers
    );
    assert!(profiles.headers.iter().any(|h| h.contains("frequency")));
    // The summary and the manifest list what was taken out.
    assert!(
        stderr_of(&output).contains("removed by policy"),
        "{}",
        stderr_of(&output)
    );
    let manifest = wd.read_json("m.json");
    assert_eq!(manifest["policy"]["role"], "marketing");
    assert_eq!(manifest["policy"]["sha256"].as_str().unwrap().len(), 64);
    let removed = &manifest["outputs"][0]["removed_by_policy"];
    assert_eq!(
        removed,
        &serde_json::json!(["monetary", "avg_order_value", "m_score"])
    );

    let output = as_role(
        &wd,
        "marketing",
        &["forecast", "customers", "clean.parquet", "-q", "-o", "clv.csv"],
    );
    assert!(output.status.success(), "{}", stderr_of(&output));
    let values = wd.read_csv("clv.csv");
    for hidden in ["clv", "monetary_value", "expected_avg_value"] {
        assert!(
            !values.headers.contains(&hidden.to_string()),
            "{:?}",
            values.headers
        );
    }
    assert!(values.headers.contains(&"p_alive".to_string()));

    // Rejects and pipelines go through the same writer: the canonical table on stdout loses
    // its amounts too.
    let output = as_role(&wd, "marketing", &["clean", "tx.parquet", "-q"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let header = stdout.lines().next().unwrap();
    assert!(
        !header.split(',').any(|c| c == "amount" || c == "unit_price"),
        "{header}"
    );

    // The report: no revenue section (hidden), no CLV or churn section (they show CLV per
    // customer, which marketing may not receive).
    let output = as_role(&wd, "marketing", &["report", "clean.parquet", "-o", "r.md"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let md = std::fs::read_to_string(wd.path("r.md")).unwrap();
    for gone in [
        "## Revenue and forecast",
        "## Customer lifetime value",
        "## Churn risk",
    ] {
        assert!(!md.contains(gone), "{gone} in the marketing report");
    }
    assert!(md.contains("## RFM segments"));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("sections removed by policy"), "{stderr}");
    assert!(
        stderr.contains("clv (shows clv per customer, hidden from role 'marketing')"),
        "{stderr}"
    );
}

#[test]
fn a_role_without_the_churn_section_gets_no_churn_section() {
    let wd = Workdir::new();
    sample_clean(&wd);
    let output = as_role(&wd, "finance", &["report", "clean.parquet", "-q", "-o", "r.html"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let page = std::fs::read_to_string(wd.path("r.html")).unwrap();
    assert!(!page.contains("<section id=\"churn\">") && !page.contains("<section id=\"rules\">"));
    assert!(page.contains("<section id=\"clv\">"), "finance keeps CLV");
    // Without the policy the same report has both.
    let output = wd.run(&["report", "clean.parquet", "-q", "-o", "all.html"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let page = std::fs::read_to_string(wd.path("all.html")).unwrap();
    assert!(page.contains("<section id=\"churn\">") && page.contains("<section id=\"rules\">"));
}

#[test]
fn a_policy_with_a_typo_stops_the_run_before_it_reads_anything() {
    let wd = Workdir::new();
    for (policy, role, message) in [
        (
            "[roles.marketing]\nhide_columns = [\"monetry\"]\n",
            "marketing",
            "role 'marketing' hides column 'monetry'",
        ),
        (
            "[roles.marketing]\nhide_sections = [\"chrun\"]\n",
            "marketing",
            "hides section 'chrun'",
        ),
        (
            "[roles.marketing]\nhide_colums = []\n",
            "marketing",
            "unknown field `hide_colums`",
        ),
        (
            "[roles.marketing]\n",
            "markting",
            "no role 'markting' (it has marketing)",
        ),
    ] {
        wd.write("typo.toml", policy);
        // The input does not exist: the policy is what is reported.
        let stderr = wd.fails(
            &[
                "--policy",
                "typo.toml",
                "--role",
                role,
                "segment",
                "missing.parquet",
                "-o",
                "seg.csv",
            ],
            2,
        );
        assert!(stderr.contains(message), "{stderr}");
        assert!(stderr.contains("typo.toml"), "{stderr}");
        assert!(!stderr.contains("missing.parquet"), "{stderr}");
        assert!(!wd.path("seg.csv").exists());
    }
    // A role without a policy, or a policy without a role, is a usage error.
    let stderr = wd.fails(&["--role", "marketing", "segment", "x.csv"], 2);
    assert!(stderr.contains("--policy"), "{stderr}");
    // Pseudonyms need their secret before any work.
    wd.write("p.toml", "[roles.a]\npseudonymize_ids = true\n");
    let stderr = wd.fails(&["--policy", "p.toml", "--role", "a", "segment", "x.csv"], 2);
    assert!(stderr.contains("CKM_SECRET"), "{stderr}");
}

#[test]
fn the_audit_log_carries_the_role_and_the_policy_hash() {
    let wd = Workdir::new();
    sample_clean(&wd);
    let output = wd
        .ckm()
        .args([
            "--policy",
            "policy.toml",
            "--role",
            "finance",
            "--audit-log",
            "audit.jsonl",
        ])
        .args(["segment", "clean.parquet", "-q", "-o", "seg.csv"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let line: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(wd.path("audit.jsonl")).unwrap().trim()).unwrap();
    assert_eq!(line["role"], "finance");
    let expected = {
        use sha2::Digest;
        hex(&sha2::Sha256::digest(POLICY.as_bytes()))
    };
    assert_eq!(line["policy_sha256"], expected.as_str());
    assert_eq!(line["encrypted"], false);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every column ckm writes can be named in a policy: the outputs of the commands on the
/// sample data, all hidden by one role, make a policy that loads.
#[test]
fn every_output_column_can_be_named() {
    let wd = Workdir::new();
    sample_clean(&wd);
    let runs: [&[&str]; 10] = [
        &[
            "segment",
            "clean.parquet",
            "--clusters",
            "3",
            "--outlier-threshold",
            "2",
            "-o",
            "seg.csv",
            "--profiles",
            "prof.csv",
        ],
        &[
            "rules",
            "clean.parquet",
            "--min-support",
            "0.01",
            "-o",
            "rules.csv",
            "--itemsets",
            "sets.csv",
        ],
        &[
            "rules",
            "sequences",
            "clean.parquet",
            "--min-support",
            "0.01",
            "-o",
            "seqs.csv",
        ],
        &[
            "rules",
            "recommend",
            "--rules",
            "rules.csv",
            "--transactions",
            "clean.parquet",
            "-o",
            "by_rules.csv",
        ],
        &[
            "rules",
            "recommend",
            "--transactions",
            "clean.parquet",
            "--holdout-start",
            "2025-09-01",
            "-o",
            "fitted.csv",
            "--evaluation",
            "rec_eval.csv",
        ],
        &["forecast", "customers", "clean.parquet", "-o", "clv.csv"],
        &[
            "forecast",
            "sales",
            "clean.parquet",
            "--holdout",
            "3",
            "-o",
            "sales.csv",
            "--evaluation",
            "sales_eval.csv",
        ],
        &["churn", "--method", "bgnbd", "clean.parquet", "-o", "risk.csv"],
        &["churn", "train", "clean.parquet", "-o", "churn.csv"],
        &[
            "clean",
            "tx.parquet",
            "-o",
            "again.csv",
            "--rejects",
            "rejects.csv",
        ],
    ];
    let mut columns: Vec<String> = Vec::new();
    for args in runs {
        let output = wd.run(&[args, &["-q"]].concat());
        assert!(output.status.success(), "{args:?}: {}", stderr_of(&output));
    }
    for name in wd.files().iter().filter(|f| f.ends_with(".csv")) {
        for header in wd.read_csv(name).headers {
            // The profiles' "mean monetary" is hidden by naming "monetary".
            let named = match header.split_once(' ') {
                Some((stat, of)) if stat == "mean" || stat == "median" => of.to_string(),
                _ => header,
            };
            if !columns.contains(&named) {
                columns.push(named);
            }
        }
    }
    assert!(columns.len() > 60, "{columns:?}");
    let quoted: Vec<String> = columns.iter().map(|c| format!("{c:?}")).collect();
    wd.write(
        "all.toml",
        format!(
            "input_columns = [\"store\"]\n[roles.none]\nhide_columns = [{}]\n",
            quoted.join(", ")
        ),
    );
    let output = wd.run(&[
        "--policy",
        "all.toml",
        "--role",
        "none",
        "segment",
        "clean.parquet",
        "-q",
        "-o",
        "x.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
}

/// One customer alone in a segment, in a cluster and in a first-purchase month: a role with
/// `min_group = 5` reads nothing about them from any aggregate (the report, the cluster
/// profiles), and the report says how many groups were merged or left out.
/// Every row of an aggregate table written under `min_group = 5` counts at least five
/// customers.
fn every_row_stands_for_five(table: &common::Table, name: &str) {
    for customers in table.column("customers") {
        assert!(customers.parse::<u64>().unwrap() >= 5, "{name}: {table:?}");
    }
}

#[test]
fn a_customer_alone_in_a_group_cannot_be_read() {
    let wd = Workdir::new();
    let mut tx = String::from("order_id,customer_id,ts,amount,item_id,channel\n");
    let mut seg = String::from("customer_id,monetary,r_score,f_score,rfm_segment\n");
    for c in 1..=40 {
        let id = format!("c{c:02}");
        // Four customers buy in the store: a channel of fewer than five.
        let channel = if c <= 4 { "store" } else { "web" };
        for o in 0..(2 + c % 3) {
            let month = 3 + (c + o) % 6;
            tx += &format!(
                "{id}-{o},{id},2024-{month:02}-{:02},{}.50,SKU{},{channel}\n",
                1 + c % 27,
                15 + c % 9,
                c % 7
            );
        }
        let segment = if c % 2 == 0 { "Loyal" } else { "Regulars" };
        seg += &format!("{id},100,3,3,{segment}\n");
    }
    // The one big spender: the only customer who started in January (and the only one who
    // bought in January and February), the only one on the phone, sixty orders of 7,777, each
    // of two items nobody else buys (a rule of one customer's orders).
    for o in 0..60 {
        let day = format!("2024-{:02}-{:02}", 1 + o % 8, 15 + o % 10);
        tx += &format!("vip-{o},vip,{day},7000.00,GOLDBAR,phone\nvip-{o},vip,{day},777.00,GOLDCOIN,phone\n");
    }
    seg += "vip,466620,5,5,VIP\n";
    wd.write("tx.csv", tx);
    wd.write("seg.csv", seg);
    wd.write("k.toml", "[roles.analyst]\nmin_group = 5\n");
    let as_analyst = |args: &[&str]| {
        wd.ckm()
            .args(["--policy", "k.toml", "--role", "analyst"])
            .args(args)
            .output()
            .unwrap()
    };
    // Without the policy the report shows the segment of one.
    let output = wd.run(&["report", "tx.csv", "--segments", "seg.csv", "-q", "-o", "open.md"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let open = std::fs::read_to_string(wd.path("open.md")).unwrap();
    assert!(open.contains("| VIP |") && open.contains("GOLDBAR"), "{open}");

    let output = as_analyst(&["report", "tx.csv", "--segments", "seg.csv", "-o", "r.md"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let md = std::fs::read_to_string(wd.path("r.md")).unwrap();
    assert!(!md.contains("VIP") && !md.contains("GOLDBAR"), "{md}");
    // Nor is any list of single customers (the top customers by CLV, those most at risk).
    assert!(!md.contains("| vip |"), "{md}");
    assert!(md.contains("per-customer tables"), "{md}");
    assert!(!md.contains("466,620") && !md.contains("466620"), "{md}");
    // Her January and February are all the revenue of those months: left blank.
    assert!(open.contains("| 2024-01 | actual | 62,216 |"), "{open}");
    assert!(!md.contains("62,216"), "{md}");
    assert!(md.contains("| 2024-01 | actual |  |"), "{md}");
    // January's cohort of one is not shown.
    let cohorts = md
        .split("## Cohort retention")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    assert!(!cohorts.contains("(1)"), "{cohorts}");
    assert!(
        md.contains("were merged into \"other (small groups)\" or left out"),
        "{md}"
    );
    assert!(
        md.contains("1 segments") && md.contains("1 cohorts") && md.contains("rules"),
        "{md}"
    );
    assert!(
        stderr_of(&output).contains("small groups suppressed"),
        "{}",
        stderr_of(&output)
    );

    // The cluster profiles: every row stands for at least five customers.
    let output = as_analyst(&[
        "segment",
        "tx.csv",
        "--clusters",
        "3",
        "-q",
        "-o",
        "s.csv",
        "--profiles",
        "prof.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let profiles = wd.read_csv("prof.csv");
    every_row_stands_for_five(&profiles, "prof.csv");
    let text = std::fs::read_to_string(wd.path("prof.csv")).unwrap();
    assert!(!text.contains("466620") && !text.contains("7777"), "{text}");
    // The rules ckm rules writes: each says how many customers are behind it, and the big
    // spender's own rule (one customer's sixty orders) is left out.
    let output = wd.run(&[
        "rules",
        "tx.csv",
        "--min-support",
        "0.01",
        "-q",
        "-o",
        "open_rules.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(std::fs::read_to_string(wd.path("open_rules.csv"))
        .unwrap()
        .contains("GOLDBAR"));
    let output = as_analyst(&[
        "rules",
        "tx.csv",
        "--min-support",
        "0.01",
        "-o",
        "rules.csv",
        "--itemsets",
        "sets.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    for name in ["rules.csv", "sets.csv"] {
        let table = wd.read_csv(name);
        assert!(
            !std::fs::read_to_string(wd.path(name))
                .unwrap()
                .contains("GOLDBAR"),
            "{name}"
        );
        every_row_stands_for_five(&table, name);
    }
    assert!(
        stderr_of(&output).contains("table rows"),
        "{}",
        stderr_of(&output)
    );
    // Sales forecasts per channel: the phone (hers alone) and the store (four customers) are
    // one group of five, whose months of fewer are left out; no row stands for fewer.
    let output = wd.run(&[
        "forecast",
        "sales",
        "tx.csv",
        "--by",
        "channel",
        "-q",
        "-o",
        "open_f.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(wd
        .read_csv("open_f.csv")
        .column("channel")
        .contains(&"phone".to_string()));
    let output = as_analyst(&[
        "forecast",
        "sales",
        "tx.csv",
        "--by",
        "channel",
        "--holdout",
        "2",
        "-o",
        "f.csv",
        "--evaluation",
        "ev.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    for name in ["f.csv", "ev.csv"] {
        let table = wd.read_csv(name);
        let mut channels = table.column("channel");
        channels.sort();
        channels.dedup();
        assert_eq!(channels, ["other (small groups)", "web"], "{name}");
        every_row_stands_for_five(&table, name);
    }
    let forecast = wd.read_csv("f.csv");
    let small_history = forecast
        .rows
        .iter()
        .filter(|r| r[0] == "other (small groups)" && r[2] == "history")
        .count();
    assert_eq!(small_history, 0, "{forecast:?}");
    assert!(
        stderr_of(&output).contains("2 forecast groups (merged)"),
        "{}",
        stderr_of(&output)
    );
    // A ready series table's customers are unknown: nothing of it may leave.
    wd.write(
        "series.csv",
        "date,value\n2024-01-01,5\n2024-02-01,6\n2024-03-01,7\n",
    );
    let output = as_analyst(&["forecast", "sales", "series.csv", "--series", "-o", "fs.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(wd.read_csv("fs.csv").rows.is_empty());
    assert!(
        stderr_of(&output).contains("customers behind a ready series table are not known"),
        "{}",
        stderr_of(&output)
    );
    // A min_group below 2 is a mistake in the policy.
    wd.write("one.toml", "[roles.a]\nmin_group = 1\n");
    let stderr = wd.fails(
        &[
            "--policy", "one.toml", "--role", "a", "segment", "tx.csv", "-o", "x.csv",
        ],
        2,
    );
    assert!(stderr.contains("min_group 1"), "{stderr}");
}

/// The report's key figures for the last 30 days, when one customer alone bought in them,
/// show that one customer bought but not what she spent.
#[test]
fn a_lone_recent_customer_is_not_in_the_key_figures() {
    let wd = Workdir::new();
    let mut tx = String::from("order_id,customer_id,ts,amount,item_id\n");
    for c in 0..12 {
        for o in 0..3 {
            tx += &format!(
                "o{c}-{o},c{c},2024-0{}-{},{}.00,SKU{}\n",
                1 + o,
                10 + c,
                20 + c,
                c % 3
            );
        }
    }
    tx += "late-1,late,2024-06-20,9999.00,SKU9\n";
    wd.write("tx.csv", tx);
    wd.write("k.toml", "[roles.analyst]\nmin_group = 5\n");
    let output = wd.run(&["report", "tx.csv", "-q", "-o", "open.md"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let open = std::fs::read_to_string(wd.path("open.md")).unwrap();
    assert!(open.contains("| Revenue, last 30 days | 9,999 |"), "{open}");
    let output = wd
        .ckm()
        .args([
            "--policy", "k.toml", "--role", "analyst", "report", "tx.csv", "-o", "r.md",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let md = std::fs::read_to_string(wd.path("r.md")).unwrap();
    assert!(md.contains("| Active customers, last 30 days | 1 |"), "{md}");
    assert!(md.contains("| Revenue, last 30 days | - |"), "{md}");
    assert!(!md.contains("9,999") && !md.contains("9999"), "{md}");
    assert!(
        stderr_of(&output).contains("key figure windows"),
        "{}",
        stderr_of(&output)
    );
}
