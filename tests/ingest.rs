//! `ckm ingest` run as a user would: real files in, canonical table out, checked value by
//! value.

mod common;

use common::{shared_data, stderr_of, stdout_of, Table, Workdir};

const ORDERS: &str = "Customer ID,Order ID,Order Date,Product,Qty,Price\n\
17850,536365,12/1/2010 8:26,WHITE MUG,6,2.55\n\
13047,536366,12/13/2010 14:05,RED MUG,2,1.5\n";

fn ts_column(table: &Table) -> Vec<String> {
    table.column("ts")
}

#[test]
fn maps_a_us_export_and_computes_amount() {
    let wd = Workdir::new();
    wd.write("orders.csv", ORDERS);
    wd.ckm()
        .args(["ingest", "orders.csv", "-o", "out.csv", "-q"])
        .assert()
        .success();
    let out = wd.read_csv("out.csv");
    assert_eq!(&out.headers[..10], common::CANONICAL_COLUMNS);
    assert_eq!(out.column("customer_id"), ["17850", "13047"]);
    assert_eq!(out.column("order_id"), ["536365", "536366"]);
    assert_eq!(
        ts_column(&out),
        ["2010-12-01 08:26:00.000", "2010-12-13 14:05:00.000"]
    );
    assert_eq!(out.column("amount"), ["15.299999999999999", "3.0"]);
    assert_eq!(out.column("item_name"), ["WHITE MUG", "RED MUG"]);
    assert_eq!(out.column("source_row"), ["2", "3"]);
    assert_eq!(out.column("ingest_issue"), ["", ""]);
}

#[test]
fn every_date_format_is_read() {
    let cases: &[(&str, &[&str], &str)] = &[
        ("2024-03-05T14:22:10", &[], "2024-03-05 14:22:10.000"),
        ("2024-03-05T14:22:10.250Z", &[], "2024-03-05 14:22:10.250"),
        ("2024-03-05T16:22:10+02:00", &[], "2024-03-05 14:22:10.000"),
        ("2024-03-05 14:22", &[], "2024-03-05 14:22:00.000"),
        ("2024-03-05", &[], "2024-03-05 00:00:00.000"),
        ("3/5/2024 14:22", &[], "2024-03-05 14:22:00.000"),
        ("5/3/2024 14:22", &["--dayfirst"], "2024-03-05 14:22:00.000"),
        ("20240305", &[], "2024-03-05 00:00:00.000"),
        ("1709648530", &[], "2024-03-05 14:22:10.000"),
        ("1709648530000", &[], "2024-03-05 14:22:10.000"),
        (
            "05.03.2024 14:22",
            &["--date-format", "%d.%m.%Y %H:%M"],
            "2024-03-05 14:22:00.000",
        ),
    ];
    for (value, flags, expected) in cases {
        let wd = Workdir::new();
        wd.write("t.csv", format!("customer_id,ts,amount\nc1,{value},1\n"));
        let mut cmd = wd.ckm();
        cmd.args(["ingest", "t.csv", "-q"]).args(*flags);
        let output = cmd.output().unwrap();
        assert!(output.status.success(), "{value}: {}", stderr_of(&output));
        let table = Table::parse(&output.stdout, b',');
        assert_eq!(
            ts_column(&table),
            [expected.to_string()],
            "{value} with {flags:?}"
        );
        assert_eq!(table.column("ingest_issue"), [String::new()], "{value}");
    }
}

#[test]
fn ambiguous_slash_dates_are_reported_not_guessed_silently() {
    let wd = Workdir::new();
    wd.write("t.csv", "customer_id,date,amount\na,3/4/2024,1\nb,5/6/2024,2\n");
    let output = wd.run(&["ingest", "t.csv"]);
    assert!(output.status.success());
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("warning:") && stderr.contains("--dayfirst"),
        "{stderr}"
    );
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(ts_column(&table)[0], "2024-03-04 00:00:00.000");
}

#[test]
fn day_first_data_is_detected_and_said() {
    let wd = Workdir::new();
    wd.write("t.csv", "customer_id,date,amount\na,25/12/2024,1\nb,3/4/2024,2\n");
    let output = wd.run(&["ingest", "t.csv"]);
    assert!(output.status.success());
    assert!(stderr_of(&output).contains("day/month"));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(
        ts_column(&table),
        ["2024-12-25 00:00:00.000", "2024-04-03 00:00:00.000"]
    );
}

#[test]
fn delimiters_are_sniffed() {
    for delimiter in [",", ";", "\t", "|"] {
        let wd = Workdir::new();
        let text = format!(
            "customer_id{d}ts{d}amount\nc1{d}2024-01-02{d}3.5\n",
            d = delimiter
        );
        wd.write("t.txt", text);
        let output = wd.run(&["ingest", "t.txt", "-q"]);
        assert!(output.status.success(), "{delimiter:?}: {}", stderr_of(&output));
        let table = Table::parse(&output.stdout, b',');
        assert_eq!(table.column("amount"), ["3.5"], "delimiter {delimiter:?}");
    }
}

#[test]
fn bom_crlf_and_quoted_fields() {
    let wd = Workdir::new();
    let text = "\u{feff}customer_id,ts,amount,note\r\n\
                c1,2024-01-02,3.5,\"a, b\"\r\n\
                c2,2024-01-03,4,\"two\r\nlines\"\r\n\
                c3,2024-01-04,\"1,234.50\",\"say \"\"hi\"\"\"\r\n";
    wd.write("t.csv", text);
    let output = wd.run(&["ingest", "t.csv", "-q"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(table.column("customer_id"), ["c1", "c2", "c3"]);
    assert_eq!(table.column("amount"), ["3.5", "4.0", "1234.5"]);
    assert_eq!(table.column("note"), ["a, b", "two\r\nlines", "say \"hi\""]);
    assert_eq!(table.column("source_row"), ["2", "3", "4"]);
}

#[test]
fn empty_header_only_and_binary_inputs() {
    let wd = Workdir::new();
    wd.write("empty.csv", "");
    let output = wd.run(&["ingest", "empty.csv"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("empty.csv: the input is empty"),
        "{}",
        stderr_of(&output)
    );

    wd.write("header.csv", "customer_id,ts,amount\n");
    let output = wd.run(&["ingest", "header.csv", "-q"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(table.len(), 0);
    assert_eq!(table.headers[0], "customer_id");

    wd.write("blob.csv", [0u8, 159, 146, 150, 0, 1, 2, 3, 255, 0]);
    let output = wd.run(&["ingest", "blob.csv"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr_of(&output).contains("binary"), "{}", stderr_of(&output));
}

#[test]
fn missing_required_column_lists_headers_and_closest() {
    let wd = Workdir::new();
    wd.write("t.csv", "Custmer ID,Order Date,Total\nc1,2024-01-02,3\n");
    let output = wd.run(&["ingest", "t.csv", "-o", "out.csv"]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("t.csv: no column for the required field 'customer_id'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("headers found:") && stderr.contains("'Custmer ID'"),
        "{stderr}"
    );
    assert!(stderr.contains("--map customer_id='Custmer ID'"), "{stderr}");
    // Nothing half-written is left behind.
    assert_eq!(wd.files(), ["t.csv"]);

    wd.ckm()
        .args([
            "ingest",
            "t.csv",
            "-q",
            "--map",
            "customer_id=Custmer ID",
            "-o",
            "out.csv",
        ])
        .assert()
        .success();
    assert_eq!(wd.read_csv("out.csv").column("customer_id"), ["c1"]);
}

#[test]
fn a_one_megabyte_field_is_fine() {
    let wd = Workdir::new();
    let big = "x".repeat(1 << 20);
    wd.write(
        "t.csv",
        format!("customer_id,ts,amount,comment\nc1,2024-01-02,1,{big}\n"),
    );
    let output = wd.run(&["ingest", "t.csv", "-q"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(table.column("comment")[0].len(), 1 << 20);
}

#[test]
fn latin1_bytes_are_rejected_with_their_offset_or_decoded() {
    let wd = Workdir::new();
    wd.write(
        "t.csv",
        b"customer_id,ts,amount,city\nc1,2024-01-02,1,Z\xfcrich\n",
    );
    let output = wd.run(&["ingest", "t.csv"]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("byte offset 44 (line 2)") && stderr.contains("--encoding"),
        "{stderr}"
    );

    let output = wd.run(&["ingest", "t.csv", "--encoding", "latin-1", "-q"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(Table::parse(&output.stdout, b',').column("city"), ["Zürich"]);
    let output = wd.run(&["ingest", "t.csv", "--encoding", "windows-1252", "-q"]);
    assert_eq!(Table::parse(&output.stdout, b',').column("city"), ["Zürich"]);
}

#[test]
fn latin1_bytes_far_into_a_file_are_found_when_the_read_fails() {
    // Only the first 64 KiB are checked before reading; later bytes are found by the
    // diagnosis that runs when the parser refuses them.
    let wd = Workdir::new();
    let mut bytes = b"customer_id,ts,amount,city\n".to_vec();
    for i in 0..5_000 {
        bytes.extend_from_slice(format!("c{i},2024-01-02,1,Bern\n").as_bytes());
    }
    let offset = bytes.len() + "c9,2024-01-02,1,Z".len();
    bytes.extend_from_slice(b"c9,2024-01-02,1,Z\xfcrich\n");
    assert!(offset > 64 * 1024);
    wd.write("t.csv", &bytes);
    let output = wd.run(&["ingest", "t.csv"]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains(&format!("byte offset {offset} (line 5002)")) && stderr.contains("--encoding"),
        "{stderr}"
    );
}

#[test]
fn unparseable_values_are_flagged_not_dropped() {
    let wd = Workdir::new();
    wd.write("t.csv", "customer_id,ts,quantity,unit_price\nc1,2024-01-02,two,1.5\nc2,not a date,1,$2.50\nc3,2024-01-04,1,2\n");
    let output = wd.run(&["ingest", "t.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(table.len(), 3);
    let issues = table.column("ingest_issue");
    assert_eq!(issues[0], "column 'quantity': 'two' is not a number");
    assert!(
        issues[1].starts_with("column 'ts': 'not a date' is not a date"),
        "{}",
        issues[1]
    );
    assert_eq!(issues[2], "");
    assert_eq!(table.column("unit_price"), ["1.5", "2.5", "2.0"]);
    assert!(stderr_of(&output).contains("rows with unparseable values"));
}

#[test]
fn channels_from_name_prefixes_and_several_inputs() {
    let wd = Workdir::new();
    wd.write("web.csv", ORDERS);
    wd.write(
        "pos.tsv",
        "receipt_no\ttransaction_time\tclient_id\tsku\tunits\tunit_price\tstore\n\
         9001\t2010-12-02T10:00:00\t17850\tA1\t1\t4.0\tDowntown\n",
    );
    wd.ckm()
        .args(["ingest", "web=web.csv", "store=pos.tsv", "-o", "all.csv", "-q"])
        .assert()
        .success();
    let table = wd.read_csv("all.csv");
    assert_eq!(table.column("channel"), ["web", "web", "store"]);
    assert_eq!(table.column("source_file"), ["web.csv", "web.csv", "pos.tsv"]);
    assert_eq!(table.column("customer_id"), ["17850", "13047", "17850"]);
    assert_eq!(table.column("store"), ["", "", "Downtown"]);
    assert_eq!(table.column("amount")[2], "4.0");
}

#[test]
fn explain_prints_the_mapping_and_exits() {
    let wd = Workdir::new();
    wd.write("orders.csv", ORDERS);
    let output = wd.run(&["ingest", "orders.csv", "--explain", "-o", "out.csv"]);
    assert!(output.status.success());
    let text = stdout_of(&output);
    assert!(
        text.contains("customer_id  <- 'Customer ID' (synonym 'customerid')"),
        "{text}"
    );
    assert!(
        text.contains("ts           <- 'Order Date' (synonym 'orderdate', read as %m/%d/%Y %H:%M)"),
        "{text}"
    );
    assert!(text.contains("amount       <- quantity x unit_price"), "{text}");
    assert!(!wd.path("out.csv").exists());
}

#[test]
fn every_output_format_round_trips() {
    let wd = Workdir::new();
    wd.write("orders.csv", ORDERS);
    for ext in ["csv", "tsv", "parquet", "json", "ndjson", "jsonl", "arrow"] {
        let name = format!("out.{ext}");
        wd.ckm()
            .args(["ingest", "orders.csv", "-q", "-o", &name])
            .assert()
            .success();
        let back = wd.run(&["ingest", &name, "-q"]);
        assert!(back.status.success(), "{ext}: {}", stderr_of(&back));
        let table = Table::parse(&back.stdout, b',');
        assert_eq!(table.column("customer_id"), ["17850", "13047"], "{ext}");
        assert_eq!(table.column("ts")[1], "2010-12-13 14:05:00.000", "{ext}");
        assert_eq!(
            table.column("source_row"),
            ["2", "3"],
            "{ext} keeps the original rows"
        );
    }
    // --format overrides the extension; stdout defaults to CSV.
    wd.ckm()
        .args([
            "ingest",
            "orders.csv",
            "-q",
            "--format",
            "parquet",
            "-o",
            "data.bin",
        ])
        .assert()
        .success();
    assert!(std::fs::read(wd.path("data.bin")).unwrap().starts_with(b"PAR1"));
    let output = wd.run(&["ingest", "orders.csv", "-q", "-o", "data.unknown"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn stdin_is_sniffed_for_every_format() {
    let wd = Workdir::new();
    wd.write("orders.csv", ORDERS);
    let csv_out = wd
        .ckm()
        .args(["ingest", "-", "-q"])
        .write_stdin(ORDERS)
        .output()
        .unwrap();
    assert!(csv_out.status.success(), "{}", stderr_of(&csv_out));
    assert_eq!(Table::parse(&csv_out.stdout, b',').len(), 2);

    for format in ["parquet", "json", "ndjson"] {
        let typed = wd.run(&["ingest", "orders.csv", "-q", "--format", format]);
        let back = wd
            .ckm()
            .args(["ingest", "-", "-q"])
            .write_stdin(typed.stdout)
            .output()
            .unwrap();
        assert!(back.status.success(), "{format} on stdin: {}", stderr_of(&back));
        assert_eq!(
            Table::parse(&back.stdout, b',').column("order_id"),
            ["536365", "536366"],
            "{format}"
        );
    }

    let arrow = wd.run(&["ingest", "orders.csv", "-q", "--format", "arrow"]);
    assert!(arrow.status.success());
    let back = wd
        .ckm()
        .args(["ingest", "-", "-q"])
        .write_stdin(arrow.stdout)
        .output()
        .unwrap();
    assert!(back.status.success(), "{}", stderr_of(&back));
    let table = Table::parse(&back.stdout, b',');
    assert_eq!(table.column("amount"), ["15.299999999999999", "3.0"]);
}

#[test]
fn globs_and_hive_partitioned_parquet_directories() {
    let wd = Workdir::new();
    wd.write("orders.csv", ORDERS);
    std::fs::create_dir_all(wd.path("lake/year=2010/month=12")).unwrap();
    wd.ckm()
        .args([
            "ingest",
            "orders.csv",
            "-q",
            "-o",
            "lake/year=2010/month=12/part-0.parquet",
        ])
        .assert()
        .success();
    wd.ckm()
        .args(["ingest", "orders.csv", "-q", "-o", "part-1.csv"])
        .assert()
        .success();
    wd.ckm()
        .args(["ingest", "orders.csv", "-q", "-o", "part-2.csv"])
        .assert()
        .success();

    let output = wd.run(&["ingest", "lake", "-q"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(table.len(), 2);
    assert_eq!(table.column("year"), ["2010", "2010"]);

    let output = wd.run(&["ingest", "part-*.csv", "-q"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(
        table.column("source_file"),
        ["part-1.csv", "part-1.csv", "part-2.csv", "part-2.csv"]
    );

    let output = wd.run(&["ingest", "nothing-*.csv"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn manifest_records_inputs_outputs_and_figures() {
    use sha2::Digest;
    let wd = Workdir::new();
    wd.write("orders.csv", ORDERS);
    wd.ckm()
        .args([
            "ingest",
            "orders.csv",
            "-q",
            "-o",
            "out.parquet",
            "--manifest",
            "run.json",
        ])
        .assert()
        .success();
    let manifest = wd.read_json("run.json");
    let expected_in = format!("{:x}", sha2::Sha256::digest(ORDERS.as_bytes()));
    let expected_out = format!(
        "{:x}",
        sha2::Sha256::digest(std::fs::read(wd.path("out.parquet")).unwrap())
    );
    assert_eq!(manifest["ckm_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["inputs"][0]["sha256"], expected_in.as_str());
    assert_eq!(manifest["inputs"][0]["rows"], 2);
    assert_eq!(manifest["inputs"][0]["bytes"], ORDERS.len());
    assert_eq!(manifest["outputs"][0]["sha256"], expected_out.as_str());
    assert_eq!(manifest["outputs"][0]["rows"], 2);
    assert_eq!(manifest["summary"]["rows out"], 2);
    assert!(manifest["command_line"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "--manifest"));
    assert!(manifest["timings_seconds"]["total"].is_number());
    assert_eq!(manifest["parameters"]["dayfirst"], false);
}

#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    use std::io::{BufRead, BufReader};
    let wd = Workdir::new();
    let mut text = String::from("customer_id,ts,amount\n");
    for i in 0..60_000 {
        text.push_str(&format!("customer-{i},2024-01-02 10:00:00,{i}.25\n"));
    }
    wd.write("big.csv", text);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ckm"))
        .current_dir(wd.dir.path())
        .args(["ingest", "big.csv", "-q"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("customer_id,"));
    // The reader is gone now, as with `| head -1`.
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(stderr_of(&output), "");
}

#[test]
fn usage_errors_exit_2() {
    let wd = Workdir::new();
    wd.ckm().args(["ingest"]).assert().code(2);
    wd.ckm()
        .args(["ingest", "x.csv", "--no-such-flag"])
        .assert()
        .code(2);
    wd.write("orders.csv", ORDERS);
    let output = wd.run(&["ingest", "orders.csv", "--map", "nonsense=Qty"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("not a canonical column"));
    wd.ckm().args(["ingest", "missing.csv"]).assert().code(1);
}

#[test]
fn sample_data_maps_without_help() {
    let wd = Workdir::new();
    let web = common::repo_file("sample-data/web_orders.csv");
    let store = common::repo_file("sample-data/store_sales.tsv");
    let output = wd.run(&[
        "ingest",
        &format!("web={}", web.display()),
        &format!("store={}", store.display()),
        "-o",
        "all.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = wd.read_csv("all.csv");
    let web_rows = std::fs::read_to_string(&web).unwrap().lines().count() - 1;
    let store_rows = std::fs::read_to_string(&store).unwrap().lines().count() - 1;
    assert_eq!(table.len(), web_rows + store_rows);
    let flagged = table
        .column("ingest_issue")
        .iter()
        .filter(|i| !i.is_empty())
        .count();
    // The generator plants one bad date and one bad quantity in the web export and one bad
    // time in the store export.
    assert_eq!(flagged, 3);
}

#[test]
fn online_retail_parquet_maps_automatically() {
    let Some(path) = shared_data("online-retail/online_retail.parquet") else {
        return;
    };
    let wd = Workdir::new();
    let output = wd.run(&[
        "ingest",
        path.to_str().unwrap(),
        "-o",
        "retail.parquet",
        "--manifest",
        "m.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let manifest = wd.read_json("m.json");
    assert_eq!(manifest["summary"]["rows out"], 541_909);
    assert_eq!(
        manifest["summary"]["rows with unparseable values (flagged for clean)"],
        0
    );
    assert_eq!(
        manifest["summary"]["period"],
        "2010-12-01 08:26 .. 2011-12-09 12:50"
    );
    let mapping = &manifest["parameters"][format!("mapping[{}]", path.display())];
    assert_eq!(mapping["customer_id"], "CustomerID");
    assert_eq!(mapping["order_id"], "InvoiceNo");
    assert_eq!(mapping["ts"], "InvoiceDate");
    assert_eq!(mapping["item_id"], "StockCode");
}

#[test]
fn superstore_csv_maps_automatically() {
    let Some(path) = shared_data("superstore/sample_superstore_2014_2017.csv") else {
        return;
    };
    let wd = Workdir::new();
    let output = wd.run(&[
        "ingest",
        path.to_str().unwrap(),
        "-o",
        "s.csv",
        "--manifest",
        "m.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = wd.read_csv("s.csv");
    assert_eq!(table.len(), 9_994);
    assert!(table.column("ingest_issue").iter().all(|i| i.is_empty()));
    let first = &table.records()[0];
    assert_eq!(first["customer_id"], "CG-12520");
    assert_eq!(first["order_id"], "CA-2016-152156");
    assert_eq!(first["ts"], "2016-11-08 00:00:00.000");
    assert_eq!(first["amount"], "261.96");
    assert_eq!(first["category"], "Furniture");
    assert_eq!(first["Ship Date"], "11/11/2016");
}

#[test]
fn malformed_rows_are_located() {
    let wd = Workdir::new();
    wd.write(
        "ragged.csv",
        "customer_id,ts,amount\nc1,2024-01-02,1\nc2,2024-01-03,2,extra\n",
    );
    let output = wd.run(&["ingest", "ragged.csv"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("ragged.csv: row 3 (line 3) has 4 fields where the header has 3"),
        "{}",
        stderr_of(&output)
    );
    wd.write("open.csv", "customer_id,ts,amount\n\"c1,2024-01-02,1\n");
    let output = wd.run(&["ingest", "open.csv"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("a quoted field may be left open"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn delimiter_flag_overrides_sniffing() {
    let wd = Workdir::new();
    // Sniffing would pick the comma (more of them); the flag says semicolon.
    wd.write("t.csv", "customer_id;ts;amount,with,commas\nc1;2024-01-02;3\n");
    let output = wd.run(&[
        "ingest",
        "t.csv",
        "-q",
        "--delimiter",
        ";",
        "--map",
        "amount=amount,with,commas",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(Table::parse(&output.stdout, b',').column("amount"), ["3.0"]);
}

#[test]
fn explain_shows_the_mapping_that_falls_short() {
    let wd = Workdir::new();
    wd.write("t.csv", "Custmer ID,Order Date,Total\nc1,2024-01-02,3\n");
    let output = wd.run(&["ingest", "t.csv", "--explain"]);
    assert_eq!(output.status.code(), Some(3));
    let text = stdout_of(&output);
    assert!(text.contains("customer_id  <- -"), "{text}");
    assert!(
        text.contains("amount       <- 'Total' (synonym 'total')"),
        "{text}"
    );
    assert!(text.contains("kept as they are: 'Custmer ID'"), "{text}");
    assert!(stderr_of(&output).contains("--map customer_id='Custmer ID'"));
}

/// A Shopify orders export (one row per line item; order-level fields such as `Total` only on
/// an order's first row), with the headers of Shopify's export: `Total` is the order's total
/// with shipping and taxes, blank on the later rows, so it is no line amount.
#[test]
fn an_order_total_on_first_rows_is_not_taken_as_the_line_amount() {
    let wd = Workdir::new();
    wd.write(
        "orders_export.csv",
        "Name,Customer ID,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku\n\
         #1001,c1,paid,USD,50.00,5.00,4.00,59.00,2024-03-01 10:00:00 +0000,2,Mug,10.00,MUG-1\n\
         #1001,c1,,,,,,,2024-03-01 10:00:00 +0000,1,Teapot,30.00,TEA-1\n\
         #1002,c2,paid,USD,12.00,0.00,0.00,12.00,2024-03-02 09:30:00 +0000,3,Spoon,4.00,SPN-1\n",
    );
    let output = wd.run(&["ingest", "orders_export.csv", "--explain"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    assert!(
        text.contains("amount       <- quantity x unit_price (no amount column)"),
        "{text}"
    );
    assert!(
        text.contains("'Total' is blank on 1 of the first 3 lines with a quantity and a unit price: an order total, not a line amount"),
        "{text}"
    );
    let output = wd.run(&["ingest", "orders_export.csv", "-q", "-o", "-", "--format", "csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = Table::parse(&output.stdout, b',');
    assert_eq!(table.column("amount"), ["20.0", "30.0", "12.0"]);
    assert_eq!(table.column("quantity"), ["2.0", "1.0", "3.0"]);
    assert_eq!(table.column("item_id"), ["MUG-1", "TEA-1", "SPN-1"]);
    assert_eq!(table.column("Total"), ["59.00", "", "12.00"]);
    // Mapped by hand, it is obeyed.
    let output = wd.run(&[
        "ingest",
        "orders_export.csv",
        "--map",
        "amount=Total",
        "-q",
        "-o",
        "-",
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        Table::parse(&output.stdout, b',').column("amount"),
        ["59.0", "", "12.0"]
    );
}
