//! `ckm clean` on dirty files: each rule, the rejects file, and rows in = out + rejected.

mod common;

use common::{stderr_of, Table, Workdir};

const DIRTY: &str = "customer_id,order_id,ts,item_id,quantity,unit_price\n\
17850,A1,2024-01-02 10:00,X,2,3.0\n\
17850,A1,2024-01-02 10:00,X,2,3.0\n\
17850.0,A2,2024-01-05 10:00,Y,1,4.0\n\
 13047 ,A3,2024-02-01 09:00,X,1,3.0\n\
,A4,2024-02-02 09:00,X,1,3.0\n\
13047,A5,not a date,X,1,3.0\n\
13047,A6,2024-02-03 09:00,X,one,3.0\n\
13047,C7,2024-02-04 09:00,X,1,3.0\n\
17850,A8,2024-01-09 10:00,X,-1,3.0\n\
13047,A9,2024-02-05 09:00,Z,1,0\n\
13047,A10,2031-02-05 09:00,Z,1,2.0\n\
13047,A11,1969-12-31 09:00,Z,1,2.0\n";

fn reasons(table: &Table) -> Vec<(String, String)> {
    table
        .column("source_row")
        .into_iter()
        .zip(table.column("reason"))
        .collect()
}

#[test]
fn each_rule_rejects_with_a_reason_and_rows_add_up() {
    let wd = Workdir::new();
    wd.write("dirty.csv", DIRTY);
    let output = wd.run(&[
        "clean",
        "dirty.csv",
        "-o",
        "clean.csv",
        "--rejects",
        "rejects.csv",
        "--max-date",
        "2026-01-01",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let clean = wd.read_csv("clean.csv");
    let rejects = wd.read_csv("rejects.csv");
    assert_eq!(clean.len() + rejects.len(), 12);
    assert_eq!(clean.column("customer_id"), ["17850", "17850", "13047"]);
    assert_eq!(clean.column("order_id"), ["A1", "A2", "A3"]);
    assert_eq!(clean.column("source_row"), ["2", "4", "5"]);
    let mut expected: Vec<&str> = common::CANONICAL_COLUMNS.to_vec();
    expected.push("source_row");
    assert_eq!(clean.headers, expected);
    assert_eq!(rejects.headers.last().map(String::as_str), Some("reason"));
    assert!(
        !rejects.headers.iter().any(|h| h.starts_with("__ckm")),
        "{:?}",
        rejects.headers
    );
    assert_eq!(
        reasons(&rejects),
        [
            ("3", "exact duplicate of an earlier row"),
            ("6", "customer_id is missing"),
            (
                "7",
                "unparseable value: column 'ts': 'not a date' is not a date in the format %Y-%m-%d %H:%M"
            ),
            ("8", "unparseable value: column 'quantity': 'one' is not a number"),
            ("9", "return or cancellation (--returns drop)"),
            ("10", "return or cancellation (--returns drop)"),
            ("11", "unit_price is not positive: 0.0"),
            ("12", "timestamp is in the future: 2031-02-05 09:00:00.000"),
            ("13", "timestamp is before 1970: 1969-12-31 09:00:00.000"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let stderr = stderr_of(&output);
    assert!(stderr.contains("12 = 3 + 9"), "{stderr}");
    assert!(stderr.contains("rejected: exact duplicate"), "{stderr}");
    assert!(stderr.contains("customer ids normalised"), "{stderr}");
}

#[test]
fn returns_keep_flags_them() {
    let wd = Workdir::new();
    wd.write("dirty.csv", DIRTY);
    wd.ckm()
        .args([
            "clean",
            "dirty.csv",
            "-q",
            "-o",
            "clean.csv",
            "--returns",
            "keep",
            "--max-date",
            "2026-01-01",
        ])
        .assert()
        .success();
    let clean = wd.read_csv("clean.csv");
    assert_eq!(clean.column("order_id"), ["A1", "A2", "A3", "C7", "A8"]);
    assert_eq!(
        clean.column("is_return"),
        ["false", "false", "false", "true", "true"]
    );
    // The default rejects file sits beside the output.
    let rejects = wd.read_csv("clean.rejects.csv");
    assert_eq!(rejects.len(), 7);
}

#[test]
fn returns_net_against_the_latest_earlier_purchase() {
    let wd = Workdir::new();
    wd.write(
        "t.csv",
        "customer_id,order_id,ts,item_id,quantity,unit_price\n\
         a,1,2024-01-01,X,2,5\n\
         a,2,2024-01-10,X,1,5\n\
         a,3,2024-01-20,X,-2,5\n\
         a,4,2024-01-05,Y,1,7\n\
         b,5,2024-01-07,X,-1,5\n",
    );
    wd.ckm()
        .args([
            "clean",
            "t.csv",
            "-q",
            "-o",
            "clean.csv",
            "--rejects",
            "rej.csv",
            "--returns",
            "net",
        ])
        .assert()
        .success();
    let clean = wd.read_csv("clean.csv");
    assert_eq!(clean.column("order_id"), ["1", "2", "4"]);
    // 10 returned: 5 off order 2 (the latest), 5 off order 1.
    assert_eq!(clean.column("amount"), ["5.0", "0.0", "7.0"]);
    assert_eq!(clean.column("quantity"), ["1.0", "0.0", "1.0"]);
    let rejects = wd.read_csv("rej.csv");
    assert_eq!(
        reasons(&rejects),
        [
            ("4", "return netted against source row 3, 2"),
            (
                "6",
                "return with no earlier purchase of this item by this customer to net against"
            ),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn ingest_then_clean_through_pipes_in_csv_and_arrow() {
    let wd = Workdir::new();
    wd.write("dirty.csv", DIRTY);
    for format in ["csv", "arrow"] {
        let ingested = wd.run(&["ingest", "dirty.csv", "-q", "--format", format]);
        assert!(ingested.status.success());
        let cleaned = wd
            .ckm()
            .args([
                "clean",
                "-",
                "-q",
                "--rejects",
                "rej.parquet",
                "--max-date",
                "2026-01-01",
            ])
            .write_stdin(ingested.stdout)
            .output()
            .unwrap();
        assert!(cleaned.status.success(), "{format}: {}", stderr_of(&cleaned));
        let table = Table::parse(&cleaned.stdout, b',');
        assert_eq!(table.column("order_id"), ["A1", "A2", "A3"], "{format}");
        assert_eq!(
            table.column("source_row"),
            ["2", "4", "5"],
            "{format}: rows point into dirty.csv"
        );
        assert!(std::fs::read(wd.path("rej.parquet"))
            .unwrap()
            .starts_with(b"PAR1"));
    }
}

#[test]
fn without_rejects_path_on_stdout_a_warning_says_how_many() {
    let wd = Workdir::new();
    wd.write("dirty.csv", DIRTY);
    let output = wd.run(&["clean", "dirty.csv", "--max-date", "2026-01-01"]);
    assert!(output.status.success());
    assert!(stderr_of(&output).contains("9 rows were rejected and not saved: pass --rejects PATH"));
    let quiet = wd.run(&["clean", "dirty.csv", "-q", "--max-date", "2026-01-01"]);
    assert_eq!(stderr_of(&quiet), "");
}

#[test]
fn bad_max_date_is_a_usage_error() {
    let wd = Workdir::new();
    wd.write("dirty.csv", DIRTY);
    wd.ckm()
        .args(["clean", "dirty.csv", "--max-date", "tomorrow"])
        .assert()
        .code(2);
}

#[test]
fn sample_data_row_accounting_holds() {
    let wd = Workdir::new();
    for file in ["web_orders.csv", "store_sales.tsv"] {
        let path = common::repo_file(&format!("sample-data/{file}"));
        let output = wd.run(&[
            "clean",
            path.to_str().unwrap(),
            "-o",
            "clean.parquet",
            "--rejects",
            "rejects.csv",
            "--manifest",
            "m.json",
        ]);
        assert!(output.status.success(), "{file}: {}", stderr_of(&output));
        let m = wd.read_json("m.json");
        let rows_in = m["summary"]["rows in"].as_u64().unwrap();
        let rows_out = m["summary"]["rows out"].as_u64().unwrap();
        let rejected = m["summary"]["rows rejected"].as_u64().unwrap();
        assert_eq!(rows_in, rows_out + rejected, "{file}");
        assert_eq!(wd.read_csv("rejects.csv").len() as u64, rejected, "{file}");
        assert!(rejected >= 5, "{file}: the generator plants dirty rows");
        assert_eq!(m["outputs"][0]["rows"].as_u64().unwrap(), rows_out);
    }
}

#[test]
fn online_retail_accounting_holds() {
    let Some(path) = common::shared_data("online-retail/online_retail.parquet") else {
        return;
    };
    let wd = Workdir::new();
    let output = wd.run(&[
        "clean",
        path.to_str().unwrap(),
        "-o",
        "c.parquet",
        "--rejects",
        "r.parquet",
        "--manifest",
        "m.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let m = wd.read_json("m.json");
    let s = &m["summary"];
    assert_eq!(s["rows in"], 541_909);
    assert_eq!(
        s["rows in"].as_u64().unwrap(),
        s["rows out"].as_u64().unwrap() + s["rows rejected"].as_u64().unwrap()
    );
    // PROVENANCE.md: 5,268 fully duplicated rows; 135,080 rows without CustomerID.
    assert_eq!(s["rejected: exact duplicate"], 5_268);
    assert!(s["rejected: missing customer_id"].as_u64().unwrap() > 100_000);
}

#[test]
fn amounts_that_are_not_finite_are_rejected() {
    let wd = Workdir::new();
    wd.write(
        "t.csv",
        "customer_id,ts,amount\nc1,2024-01-02,inf\nc2,2024-01-03,NaN\nc3,2024-01-03,\nc4,2024-01-03,2\n",
    );
    wd.ckm()
        .args(["clean", "t.csv", "-q", "-o", "out.csv", "--rejects", "rej.csv"])
        .assert()
        .success();
    assert_eq!(wd.read_csv("out.csv").column("customer_id"), ["c4"]);
    assert_eq!(
        reasons(&wd.read_csv("rej.csv")),
        [
            ("2", "amount is not a finite number: inf"),
            ("3", "amount is not a finite number: NaN"),
            (
                "4",
                "amount is missing (no amount, or no quantity and unit_price)"
            ),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}
