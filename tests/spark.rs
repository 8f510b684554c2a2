//! `--engine spark` against a real Spark: a standalone master, a worker and the Spark Connect
//! server on 127.0.0.1, started by `benches/spark-cluster.sh` (`.ci/run` starts it and sets
//! CKM_SPARK_REMOTE and CKM_REQUIRE_SPARK=1). Without a server the tests that need one are
//! skipped with a message, except under CI, where they fail.

mod common;

use common::Workdir;

/// The server's address, or `None` (skip) when there is none and CI does not require one.
fn spark_remote() -> Option<String> {
    match std::env::var("CKM_SPARK_REMOTE") {
        Ok(remote) if !remote.is_empty() => Some(remote),
        _ => {
            assert!(
                std::env::var_os("CKM_REQUIRE_SPARK").is_none(),
                "CKM_REQUIRE_SPARK is set but CKM_SPARK_REMOTE is not: start benches/spark-cluster.sh"
            );
            eprintln!(
                "skipped: no Spark Connect server (set CKM_SPARK_REMOTE, see benches/spark-cluster.sh)"
            );
            None
        }
    }
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Lines with the hard cases: same-day repeat orders, one-purchase customers, lines without a
/// customer_id (rejected) or a timestamp, lines without an order id (an order per customer and
/// day, UTC), times on either side of midnight UTC, returns, ids alike in their first eight
/// bytes.
const HARD_CASES: &str = "\
customer_id,order_id,ts,amount,item_id,channel,is_return
web:1000053,A1,2024-03-01 23:59:59,10.5,P1,web,false
web:1000053,A1,2024-03-01 23:59:59,2.25,P2,web,false
web:1000053,A2,2024-03-01 08:00:00,7,P1,web,false
web:1000359,,2024-03-01 23:59:59,5,P3,store,false
web:1000359,,2024-03-02 00:00:00,6,P3,store,true
web:1000359,,2024-03-02 00:00:01,1.5,P4,store,
web:1000359,B9,2024-05-02 12:00:00,-4,P4,store,true
solo,S1,2024-01-15 10:00:00,99.99,P9,web,false
,X1,2024-02-01 10:00:00,3,P1,web,false
,,2024-02-02 10:00:00,4,P2,web,false
late,L1,,8,P5,,
late,L2,2024-06-30 23:00:00,12,P5,web,false
a-customer-id-longer-than-twelve,C1,2024-04-01 00:00:00,20,P6,store,false
a-customer-id-longer-than-twelve,C2,2024-04-01 00:00:00,20,P6,web,false
a-customer-id-longer-than-twelve,,2024-04-02 00:00:00,1,,web,false
";

/// The hard cases as a canonical Parquet table, in two files of one directory (for Spark)
/// and as one file (for the local engine).
fn hard_case_tables(wd: &Workdir) -> (String, String) {
    wd.write("hard.csv", HARD_CASES);
    let lines: Vec<&str> = HARD_CASES.lines().collect();
    let (header, rows) = (lines[0], &lines[1..]);
    let half = rows.len() / 2;
    wd.write("part1.csv", format!("{header}\n{}\n", rows[..half].join("\n")));
    wd.write("part2.csv", format!("{header}\n{}\n", rows[half..].join("\n")));
    std::fs::create_dir_all(wd.path("parts")).unwrap();
    for (from, to) in [
        ("hard.csv", "hard.parquet"),
        ("part1.csv", "parts/part-1.parquet"),
        ("part2.csv", "parts/part-2.parquet"),
    ] {
        let output = wd.run(&["ingest", from, "-q", "-o", to]);
        assert!(output.status.success(), "{}", stderr_of(&output));
    }
    (
        wd.path("hard.parquet").display().to_string(),
        wd.path("parts").display().to_string(),
    )
}

#[test]
fn segment_on_spark_equals_segment_here() {
    let Some(remote) = spark_remote() else { return };
    let wd = Workdir::new();
    let (one_file, directory) = hard_case_tables(&wd);
    let here_options = ["-q", "-o", "local.csv", "--rejects", "local.rejects.csv"];
    run_on(&wd, None, &["segment"], &one_file, &here_options);
    let spark_options = [
        "-q",
        "-o",
        "spark.csv",
        "--rejects",
        "spark.rejects.csv",
        "--manifest",
        "manifest.json",
    ];
    run_on(&wd, Some(&remote), &["segment"], &directory, &spark_options);
    let (here, there) = (
        std::fs::read_to_string(wd.path("local.csv")).unwrap(),
        std::fs::read_to_string(wd.path("spark.csv")).unwrap(),
    );
    assert_eq!(here, there);
    // Five customers: web:1000053 and web:1000359 are two, however alike.
    assert_eq!(here.lines().count(), 1 + 5, "{here}");
    let rejects = wd.read_csv("spark.rejects.csv");
    assert_eq!(rejects.rows.len(), 2);
    assert_eq!(wd.read_csv("local.rejects.csv").rows.len(), 2);
    let manifest = wd.read_json("manifest.json");
    let application = manifest["spark"]["application_id"].as_str().unwrap_or_default();
    assert!(application.starts_with("app-"), "{manifest}");
    assert!(
        manifest["spark"]["sql"]
            .as_array()
            .is_some_and(|sql| sql.len() >= 3),
        "{manifest}"
    );
    assert_eq!(manifest["inputs"][0]["rows"], 15, "{manifest}");
}

#[test]
fn segment_on_spark_equals_segment_here_on_the_sample_data() {
    let Some(remote) = spark_remote() else { return };
    let wd = Workdir::new();
    let web = common::repo_file("sample-data/web_orders.csv");
    let store = common::repo_file("sample-data/store_sales.tsv");
    let web = format!("web={}", web.display());
    let store = format!("store={}", store.display());
    let output = wd.run(&["ingest", &web, &store, "-q", "-o", "tx.parquet"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&["clean", "tx.parquet", "-q", "-o", "clean.parquet"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let clean = wd.path("clean.parquet").display().to_string();
    run_on(
        &wd,
        None,
        &["segment"],
        &clean,
        &["--clusters", "4", "-q", "-o", "local.csv"],
    );
    run_on(
        &wd,
        Some(&remote),
        &["segment"],
        &clean,
        &["--clusters", "4", "-q", "-o", "spark.csv"],
    );
    assert_eq!(
        std::fs::read_to_string(wd.path("local.csv")).unwrap(),
        std::fs::read_to_string(wd.path("spark.csv")).unwrap()
    );
}

#[test]
fn spark_errors_name_the_server_the_table_or_the_column() {
    let wd = Workdir::new();
    wd.write("tx.csv", HARD_CASES);
    let path = wd.path("tx.csv").display().to_string();

    // Usage mistakes are found before any connection (exit 2).
    let output = wd
        .ckm()
        .env_remove("SPARK_REMOTE")
        .args(["segment", &path, "--engine", "spark", "-o", "out.csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("--remote sc://HOST:PORT or SPARK_REMOTE"));
    let stderr = wd.fails(&["segment", "--table", "db.orders", "-o", "out.csv"], 2);
    assert!(stderr.contains("add --engine spark"), "{stderr}");
    let stderr = wd.fails(
        &[
            "segment",
            &path,
            "--engine",
            "spark",
            "--remote",
            "http://127.0.0.1:15002",
            "-o",
            "out.csv",
        ],
        2,
    );
    assert!(stderr.contains("starts with sc://"), "{stderr}");
    let stderr = wd.fails(
        &[
            "segment",
            "--engine",
            "spark",
            "--remote",
            "sc://spark.example.com/;token=s3cret",
            "--table",
            "t",
        ],
        2,
    );
    assert!(
        stderr.contains("use_ssl=true") && !stderr.contains("s3cret"),
        "{stderr}"
    );

    // Nothing listens on port 9 of this machine: exit 1, the address named, no output.
    let stderr = wd.fails(
        &[
            "segment",
            &path,
            "--engine",
            "spark",
            "--remote",
            "sc://127.0.0.1:9",
            "-o",
            "out.csv",
        ],
        1,
    );
    assert!(
        stderr.contains("no Spark Connect server answered at sc://127.0.0.1:9"),
        "{stderr}"
    );
    assert!(!wd.path("out.csv").exists());

    let Some(remote) = spark_remote() else { return };
    let stderr = wd.fails(
        &[
            "segment",
            "--engine",
            "spark",
            "--remote",
            &remote,
            "--table",
            "no_such_db.orders",
            "-o",
            "out.csv",
        ],
        1,
    );
    assert!(
        stderr.contains("TABLE_OR_VIEW_NOT_FOUND") && stderr.contains("no_such_db"),
        "{stderr}"
    );
    wd.write("no_customer.csv", "order_id,ts,amount\nA,2024-01-01,3\n");
    let no_customer = wd.path("no_customer.csv").display().to_string();
    let stderr = wd.fails(
        &[
            "segment",
            &no_customer,
            "--engine",
            "spark",
            "--remote",
            &remote,
            "-o",
            "out.csv",
        ],
        3,
    );
    assert!(
        stderr.contains("no column for the required field 'customer_id'"),
        "{stderr}"
    );
    assert!(!wd.path("out.csv").exists());

    // The cluster of benches/spark-cluster.sh asks for a token: a wrong one is refused, exit
    // 1, and neither token is printed.
    if let Some((server, token)) = remote.split_once(";token=") {
        let token = token.split(';').next().unwrap();
        let wrong = format!("{server};token=not-the-token");
        let stderr = wd.fails(
            &[
                "segment", &path, "--engine", "spark", "--remote", &wrong, "-o", "out.csv",
            ],
            1,
        );
        assert!(
            stderr.contains("refused the credentials") && stderr.contains("sc://127.0.0.1"),
            "{stderr}"
        );
        assert!(
            !stderr.contains("not-the-token") && !stderr.contains(token),
            "{stderr}"
        );
        assert!(!wd.path("out.csv").exists());
    }
}

#[test]
fn a_table_name_reads_what_the_catalog_resolves() {
    let Some(remote) = spark_remote() else { return };
    let wd = Workdir::new();
    let (hard_file, hard_directory) = hard_case_tables(&wd);
    // Spark resolves `parquet`.`PATH` as a table of Parquet files: a name in three parts would
    // be catalog.db.table; the backquotes keep the dots of the path inside one part.
    let table = format!("parquet.`{hard_directory}`");
    run_on(&wd, None, &["segment"], &hard_file, &["-q", "-o", "here.csv"]);
    let output = wd
        .ckm()
        .args([
            "segment", "--engine", "spark", "--remote", &remote, "--table", &table,
        ])
        .args(["-q", "-o", "spark.csv", "--manifest", "spark.json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    same_file(&wd, "here.csv", "spark.csv");
    let manifest = std::fs::read_to_string(wd.path("spark.json")).unwrap();
    assert!(manifest.contains("FROM `parquet`.`"), "{manifest}");
    // The command line is recorded with the token as ***.
    if let Some((_, token)) = remote.split_once(";token=") {
        let token = token.split(';').next().unwrap();
        assert!(!manifest.contains(token), "{manifest}");
        assert!(manifest.contains(";token=***"), "{manifest}");
    }
}

/// Runs `command INPUT options` here (`remote` None) or on Spark; it must succeed. Returns
/// what it printed on stderr.
fn run_on(wd: &Workdir, remote: Option<&str>, command: &[&str], input: &str, options: &[&str]) -> String {
    let mut args: Vec<&str> = command.to_vec();
    args.push(input);
    if let Some(remote) = remote {
        args.extend(["--engine", "spark", "--remote", remote]);
    }
    args.extend_from_slice(options);
    let output = wd.run(&args);
    assert!(output.status.success(), "{args:?}: {}", stderr_of(&output));
    stderr_of(&output)
}

/// The reasons of a rejects file, sorted (none when there is no file).
fn reasons(wd: &Workdir, name: &str) -> Vec<String> {
    if !wd.path(name).exists() {
        return Vec::new();
    }
    let table = wd.read_csv(name);
    let column = table.headers.iter().position(|h| h == "reason").unwrap();
    let mut reasons: Vec<String> = table.rows.iter().map(|r| r[column].clone()).collect();
    reasons.sort();
    reasons
}

fn same_file(wd: &Workdir, here: &str, there: &str) {
    assert_eq!(
        std::fs::read_to_string(wd.path(here)).unwrap(),
        std::fs::read_to_string(wd.path(there)).unwrap(),
        "{here} and {there} differ"
    );
}

#[test]
fn forecast_customers_on_spark_equals_forecast_customers_here() {
    let Some(remote) = spark_remote() else { return };
    let wd = Workdir::new();
    let web = common::repo_file("sample-data/web_orders.csv");
    let output = wd.run(&["ingest", web.to_str().unwrap(), "-q", "-o", "web.parquet"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let (hard_file, hard_directory) = hard_case_tables(&wd);
    let web = wd.path("web.parquet").display().to_string();
    let cases: [(&str, &str, &[&str]); 3] = [
        (
            &web,
            &web,
            &["--holdout-end", "2026-03-01", "--calibration-end", "2025-09-30"],
        ),
        (&web, &web, &["--time-unit", "day"]),
        (
            &hard_file,
            &hard_directory,
            &["--calibration-end", "2024-03-31", "--holdout-end", "2024-06-30"],
        ),
    ];
    for (case, (here_input, spark_input, options)) in cases.iter().enumerate() {
        let here_name = format!("here{case}.csv");
        let spark_name = format!("spark{case}.csv");
        let command = ["forecast", "customers"];
        let here = run_on(
            &wd,
            None,
            &command,
            here_input,
            &[&["-o", &here_name][..], options].concat(),
        );
        let spark = run_on(
            &wd,
            Some(&remote),
            &command,
            spark_input,
            &[&["-o", &spark_name][..], options].concat(),
        );
        // Money is added in whole millionths on both engines (`mining::money`), so the
        // summaries are the same to the bit, and so is everything fitted on them.
        same_file(&wd, &here_name, &spark_name);
        // The same model: its parameters and fit as the summary prints them.
        let fit_lines = |stderr: &str| -> Vec<String> {
            stderr
                .lines()
                .filter(|l| {
                    l.contains("BG/NBD")
                        || l.contains("Gamma-Gamma")
                        || l.contains("not used")
                        || l.contains("left out")
                })
                // Without the padding, which the Spark run's extra rows widen.
                .map(|l| l.split('|').map(str::trim).collect::<Vec<_>>().join("|"))
                .collect()
        };
        assert_eq!(fit_lines(&here), fit_lines(&spark), "case {case}");
    }
}

#[test]
fn churn_risk_on_spark_equals_churn_risk_here() {
    let Some(remote) = spark_remote() else { return };
    let wd = Workdir::new();
    let web = common::repo_file("sample-data/web_orders.csv");
    let output = wd.run(&["ingest", web.to_str().unwrap(), "-q", "-o", "web.parquet"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let web = wd.path("web.parquet").display().to_string();
    let here = wd.run(&["churn", &web, "--method", "bgnbd", "-o", "here.csv"]);
    assert!(here.status.success(), "{}", stderr_of(&here));
    let spark = wd.run(&[
        "churn",
        &web,
        "--method",
        "bgnbd",
        "--engine",
        "spark",
        "--remote",
        &remote,
        "-o",
        "spark.csv",
    ]);
    assert!(spark.status.success(), "{}", stderr_of(&spark));
    same_file(&wd, "here.csv", "spark.csv");
}

#[test]
fn forecast_sales_on_spark_equals_forecast_sales_here() {
    let Some(remote) = spark_remote() else { return };
    let wd = Workdir::new();
    let web = common::repo_file("sample-data/web_orders.csv");
    let store = common::repo_file("sample-data/store_sales.tsv");
    let (web, store) = (
        format!("web={}", web.display()),
        format!("store={}", store.display()),
    );
    let output = wd.run(&["ingest", &web, &store, "-q", "-o", "tx.parquet"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let (hard_file, hard_directory) = hard_case_tables(&wd);
    let tx = wd.path("tx.parquet").display().to_string();
    let cases: [(&str, &str, &[&str]); 5] = [
        (&tx, &tx, &["--measure", "revenue", "--holdout", "3"]),
        (&tx, &tx, &["--measure", "orders", "--by", "channel"]),
        (
            &tx,
            &tx,
            &["--measure", "customers", "--period", "week", "--horizon", "4"],
        ),
        (
            &tx,
            &tx,
            &["--measure", "quantity", "--period", "quarter", "--keep-partial"],
        ),
        (
            &hard_file,
            &hard_directory,
            &["--measure", "orders", "--period", "day", "--keep-partial"],
        ),
    ];
    for (case, (here_input, spark_input, options)) in cases.iter().enumerate() {
        let (here_name, spark_name) = (format!("here{case}.csv"), format!("spark{case}.csv"));
        let (here_rejects, spark_rejects) = (
            format!("here{case}.rejects.csv"),
            format!("spark{case}.rejects.csv"),
        );
        let command = ["forecast", "sales"];
        let here_options = [&["-q", "-o", &here_name, "--rejects", &here_rejects][..], options].concat();
        run_on(&wd, None, &command, here_input, &here_options);
        let spark_options = [
            &["-q", "-o", &spark_name, "--rejects", &spark_rejects][..],
            options,
        ]
        .concat();
        run_on(&wd, Some(&remote), &command, spark_input, &spark_options);
        same_file(&wd, &here_name, &spark_name);
        // The same lines left out, for the same reasons.
        assert_eq!(
            reasons(&wd, &here_rejects),
            reasons(&wd, &spark_rejects),
            "case {case}"
        );
    }
}

/// Under a policy's min_group both engines merge the same small groups and count the same
/// customers behind each row (lines without a customer count none).
#[test]
fn forecast_sales_under_min_group_on_spark_equals_here() {
    let Some(remote) = spark_remote() else { return };
    let wd = Workdir::new();
    let (here_input, spark_input) = hard_case_tables(&wd);
    wd.write("k.toml", "[roles.analyst]\nmin_group = 2\n");
    let cases: [&[&str]; 4] = [
        &["--by", "item_id", "--keep-partial"],
        &["--by", "channel", "--measure", "customers", "--keep-partial"],
        &["--by", "item_id", "--measure", "orders"],
        &["--measure", "revenue", "--period", "week"],
    ];
    for (case, options) in cases.iter().enumerate() {
        let (here, there) = (format!("here{case}.csv"), format!("spark{case}.csv"));
        let policy = ["--policy", "k.toml", "--role", "analyst", "forecast", "sales"];
        let here_stderr = run_on(
            &wd,
            None,
            &policy,
            &here_input,
            &[&["-o", &here][..], options].concat(),
        );
        let spark_stderr = run_on(
            &wd,
            Some(&remote),
            &policy,
            &spark_input,
            &[&["-o", &there][..], options].concat(),
        );
        same_file(&wd, &here, &there);
        let merged = |stderr: &str| -> Option<Vec<String>> {
            let row = stderr.lines().find(|l| l.contains("small groups suppressed"))?;
            Some(row.split('|').map(|cell| cell.trim().to_string()).collect())
        };
        assert_eq!(merged(&here_stderr), merged(&spark_stderr), "case {case}");
        let table = wd.read_csv(&here);
        for customers in table.column("customers") {
            assert!(customers.parse::<u64>().unwrap() >= 2, "case {case}: {table:?}");
        }
    }
}

/// An export with its own headers, read as CSV by the cluster and here, mapped with --map.
#[test]
fn a_csv_export_mapped_with_map_gives_the_same_segments() {
    let Some(remote) = spark_remote() else { return };
    let wd = Workdir::new();
    let mut csv = String::from("Buyer,Receipt,When,Total,Article\n");
    for i in 0..60 {
        let day = 1 + i % 28;
        let hour = (i * 7) % 24;
        csv.push_str(&format!(
            "B{:03},R{i:04},2024-0{}-{day:02} {hour:02}:15:00,{}.{:02},A{}\n",
            i % 9,
            1 + i % 6,
            10 + i % 13,
            (i * 37) % 100,
            i % 5
        ));
    }
    let export = wd.write("export.csv", csv);
    let export = export.display().to_string();
    let map = [
        "--map",
        "customer_id=Buyer",
        "--map",
        "ts=When",
        "--map",
        "amount=Total",
        "--map",
        "order_id=Receipt",
    ];
    run_on(
        &wd,
        None,
        &["segment"],
        &export,
        &[&["-q", "-o", "here.csv"][..], &map].concat(),
    );
    run_on(
        &wd,
        Some(&remote),
        &["segment"],
        &export,
        &[&["-q", "-o", "spark.csv"][..], &map].concat(),
    );
    same_file(&wd, "here.csv", "spark.csv");
    assert_eq!(wd.read_csv("here.csv").rows.len(), 9);
}

#[test]
fn rules_on_spark_equal_rules_here() {
    let Some(remote) = spark_remote() else { return };
    let wd = Workdir::new();
    let web = common::repo_file("sample-data/web_orders.csv");
    let store = common::repo_file("sample-data/store_sales.tsv");
    let (web, store) = (
        format!("web={}", web.display()),
        format!("store={}", store.display()),
    );
    let output = wd.run(&["ingest", &web, &store, "-q", "-o", "tx.parquet"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let (hard_file, hard_directory) = hard_case_tables(&wd);
    let tx = wd.path("tx.parquet").display().to_string();
    let cases: [(&str, &str, &[&str]); 4] = [
        (&tx, &tx, &["--min-support", "0.002", "--min-confidence", "0.05"]),
        (
            &tx,
            &tx,
            &[
                "--item-col",
                "item_name",
                "--min-count",
                "30",
                "--max-len",
                "2",
                "--sort",
                "support",
            ],
        ),
        // Most baskets keep one frequent item or none: they come back as counts.
        (&tx, &tx, &["--min-support", "0.02", "--min-confidence", "0"]),
        (
            &hard_file,
            &hard_directory,
            &["--min-count", "1", "--min-confidence", "0"],
        ),
    ];
    for (case, (here_input, spark_input, options)) in cases.iter().enumerate() {
        let name = |engine: &str, what: &str| format!("{engine}{case}{what}");
        let outputs = |engine: &str| {
            [
                "-q".to_string(),
                "-o".to_string(),
                name(engine, ".csv"),
                "--itemsets".to_string(),
                name(engine, ".itemsets.csv"),
                "--rejects".to_string(),
                name(engine, ".rejects.csv"),
            ]
        };
        let (here, there) = (outputs("here"), outputs("spark"));
        let with = |outputs: &[String]| -> Vec<String> {
            outputs
                .iter()
                .cloned()
                .chain(options.iter().map(|o| o.to_string()))
                .collect()
        };
        let (here, there) = (with(&here), with(&there));
        let here: Vec<&str> = here.iter().map(String::as_str).collect();
        let there: Vec<&str> = there.iter().map(String::as_str).collect();
        run_on(&wd, None, &["rules"], here_input, &here);
        run_on(&wd, Some(&remote), &["rules"], spark_input, &there);
        same_file(&wd, &name("here", ".csv"), &name("spark", ".csv"));
        same_file(
            &wd,
            &name("here", ".itemsets.csv"),
            &name("spark", ".itemsets.csv"),
        );
        assert_eq!(
            reasons(&wd, &name("here", ".rejects.csv")),
            reasons(&wd, &name("spark", ".rejects.csv")),
            "case {case}"
        );
    }
    // The hard cases leave out a line without an item and one without a customer or order.
    assert_eq!(
        reasons(&wd, "spark3.rejects.csv"),
        [
            "no item_id or item_name".to_string(),
            "no order_id, and no customer_id and ts to make a basket of".to_string()
        ]
    );
    // Rules come back with the summary of what Spark sent.
    let stderr = run_on(
        &wd,
        Some(&remote),
        &["rules"],
        &tx,
        &["-o", "summary.csv", "--min-support", "0.002"],
    );
    assert!(
        stderr.contains("rows and bytes from Spark (baskets of frequent items)"),
        "{stderr}"
    );
}

#[test]
fn churn_train_on_spark_equals_churn_train_here() {
    let Some(remote) = spark_remote() else { return };
    let wd = Workdir::new();
    let web = common::repo_file("sample-data/web_orders.csv");
    let store = common::repo_file("sample-data/store_sales.tsv");
    let (web, store) = (
        format!("web={}", web.display()),
        format!("store={}", store.display()),
    );
    let output = wd.run(&["ingest", &web, &store, "-q", "-o", "tx.parquet"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&["clean", "tx.parquet", "-q", "-o", "clean.parquet"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let (hard_file, hard_directory) = hard_case_tables(&wd);
    let tx = wd.path("clean.parquet").display().to_string();
    let cases: [(&str, &str, &[&str]); 3] = [
        (&tx, &tx, &[]),
        (
            &tx,
            &tx,
            &["--window", "60", "--cutoff", "2025-06-30", "--model", "gbdt"],
        ),
        (
            &hard_file,
            &hard_directory,
            &["--folds", "2", "--model", "logistic"],
        ),
    ];
    for (case, (here_input, spark_input, options)) in cases.iter().enumerate() {
        let name = |engine: &str, what: &str| format!("{engine}{case}{what}");
        let arguments = |engine: &str| -> Vec<String> {
            [
                "-q",
                "-o",
                &name(engine, ".csv"),
                "--rejects",
                &name(engine, ".rejects.csv"),
            ]
            .iter()
            .map(|a| a.to_string())
            .chain(options.iter().map(|o| o.to_string()))
            .collect()
        };
        let (here, there) = (arguments("here"), arguments("spark"));
        let here: Vec<&str> = here.iter().map(String::as_str).collect();
        let there: Vec<&str> = there.iter().map(String::as_str).collect();
        run_on(&wd, None, &["churn", "train"], here_input, &here);
        run_on(&wd, Some(&remote), &["churn", "train"], spark_input, &there);
        same_file(&wd, &name("here", ".csv"), &name("spark", ".csv"));
        assert_eq!(
            reasons(&wd, &name("here", ".rejects.csv")),
            reasons(&wd, &name("spark", ".rejects.csv")),
            "case {case}"
        );
    }
    // Two lines without a customer, one without a time.
    assert_eq!(
        reasons(&wd, "spark2.rejects.csv"),
        ["no customer_id", "no customer_id", "no ts"].map(String::from)
    );
    // A labelled customer table is read here.
    let output = wd.run(&[
        "churn", "train", &tx, "--target", "churned", "--engine", "spark", "--remote", &remote, "-o", "x.csv",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("--target reads a customer table on this machine"));
    assert!(!wd.path("x.csv").exists());
}

/// A report's sections up to its run details (which name the input, its hash and the engine).
fn sections_of(wd: &Workdir, name: &str) -> String {
    let text = std::fs::read_to_string(wd.path(name)).unwrap();
    text.split("## Run details").next().unwrap().to_string()
}

#[test]
fn report_on_spark_equals_report_here() {
    let Some(remote) = spark_remote() else { return };
    let wd = Workdir::new();
    let web = common::repo_file("sample-data/web_orders.csv");
    let store = common::repo_file("sample-data/store_sales.tsv");
    let (web, store) = (
        format!("web={}", web.display()),
        format!("store={}", store.display()),
    );
    let output = wd.run(&["ingest", &web, &store, "-q", "-o", "tx.parquet"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&["clean", "tx.parquet", "-q", "-o", "clean.parquet"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let (hard_file, hard_directory) = hard_case_tables(&wd);
    let clean = wd.path("clean.parquet").display().to_string();
    let cases: [(&str, &str, &[&str]); 3] = [
        (&clean, &clean, &[]),
        (&clean, &clean, &["--as-of", "2025-11-15", "--currency", "EUR"]),
        (&hard_file, &hard_directory, &[]),
    ];
    for (case, (here_input, spark_input, options)) in cases.iter().enumerate() {
        let (here, there) = (format!("here{case}.md"), format!("spark{case}.md"));
        let here_options = [&["-q", "-o", &here][..], options].concat();
        run_on(&wd, None, &["report"], here_input, &here_options);
        let there_options = [&["-o", &there, "--manifest", "spark.json"][..], options].concat();
        let stderr = run_on(&wd, Some(&remote), &["report"], spark_input, &there_options);
        assert_eq!(sections_of(&wd, &here), sections_of(&wd, &there), "case {case}");
        assert!(stderr.contains("rows and bytes from Spark"), "{stderr}");
        let details = std::fs::read_to_string(wd.path(&there)).unwrap();
        assert!(details.contains("| engine | Spark at "), "{details}");
    }
    // The manifest holds the SQL of every definition the report used.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(wd.path("spark.json")).unwrap()).unwrap();
    let sent = manifest["spark"]["sql"].as_array().unwrap();
    assert!(sent.len() >= 10, "{sent:?}");
}
