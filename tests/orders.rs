//! One definition of an order, seen from every command: an export without order ids gives
//! the same outputs as the same export with `order_id` = customer + date (the definition:
//! a line's order id, else the customer's day), on a real purchase log and a generated one.

mod common;

use common::{shared_data, stderr_of, Workdir};

/// The outputs compared, each as (name, arguments with IN for the input, output file).
fn analyses() -> Vec<(String, Vec<&'static str>, &'static str)> {
    let mut runs = vec![(
        "segment".to_string(),
        vec!["segment", "IN", "--clusters", "3", "-o", "out.csv"],
        "out.csv",
    )];
    for measure in ["orders", "customers", "revenue"] {
        runs.push((
            format!("forecast sales --measure {measure}"),
            vec![
                "forecast",
                "sales",
                "IN",
                "--measure",
                measure,
                "--period",
                "month",
                "--horizon",
                "3",
                "-o",
                "out.csv",
            ],
            "out.csv",
        ));
    }
    let rest: [(&str, Vec<&'static str>, &'static str); 5] = [
        (
            "forecast customers",
            vec!["forecast", "customers", "IN", "-o", "out.csv"],
            "out.csv",
        ),
        (
            "churn train",
            vec![
                "churn",
                "train",
                "IN",
                "--window",
                "90",
                "--model-out",
                "model.json",
                "-o",
                "out.csv",
            ],
            "out.csv",
        ),
        (
            "churn score",
            vec!["churn", "score", "IN", "--model", "model.json", "-o", "out.csv"],
            "out.csv",
        ),
        (
            "churn --method",
            vec!["churn", "IN", "--method", "bgnbd", "-o", "out.csv"],
            "out.csv",
        ),
        ("report", vec!["report", "IN", "-o", "out.md"], "out.md"),
    ];
    runs.extend(
        rest.into_iter()
            .map(|(name, args, output)| (name.to_string(), args, output)),
    );
    runs
}

/// Runs every analysis on `input` (a file in `wd`) and returns each one's output text.
fn outputs(wd: &Workdir, input: &str) -> Vec<(String, String)> {
    analyses()
        .into_iter()
        .map(|(name, args, output)| {
            let args: Vec<&str> = args.iter().map(|a| if *a == "IN" { input } else { a }).collect();
            let run = wd.run(&args);
            assert!(run.status.success(), "{name} on {input}: {}", stderr_of(&run));
            let text = std::fs::read_to_string(wd.path(output)).expect("the output was written");
            let text: String = without_hashes(&text)
                .replace(input, "INPUT")
                .lines()
                .filter(|line| !line.starts_with("| generated |"))
                .map(|line| format!("{line}\n"))
                .collect();
            (name, text)
        })
        .collect()
}

/// The report's run details name each input and its sha256, which differ with the added
/// column (and the minute it was generated, dropped by the caller).
fn without_hashes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once('\n')) {
        if c.is_ascii_hexdigit() {
            run.push(c);
            continue;
        }
        out.push_str(if run.len() == 64 { "<sha256>" } else { &run });
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// The outputs on the log as it is, and on the log with an order id per customer and day.
fn assert_order_ids_change_nothing(header: &str, lines: &[(String, String)]) {
    let without = Workdir::new();
    let mut text = format!("{header}\n");
    for (_, line) in lines {
        text += &format!("{line}\n");
    }
    without.write("tx.csv", &text);
    let with = Workdir::new();
    let mut text = format!("order_id,{header}\n");
    for (order, line) in lines {
        text += &format!("{order},{line}\n");
    }
    with.write("tx.csv", &text);
    // ingest writes an order_id column with no values for an export without one.
    let ingested = Workdir::new();
    ingested.write(
        "raw.csv",
        std::fs::read(without.path("tx.csv")).expect("written above"),
    );
    let run = ingested.run(&["ingest", "raw.csv", "-q", "-o", "tx.parquet"]);
    assert!(run.status.success(), "{}", stderr_of(&run));

    let expected = outputs(&without, "tx.csv");
    for (wd, input) in [(&with, "tx.csv"), (&ingested, "tx.parquet")] {
        for ((name, want), (_, got)) in expected.iter().zip(outputs(wd, input)) {
            assert!(
                *want == got,
                "{name} on {input} differs from the log without order ids:\n--- without\n{want}\n--- {input}\n{got}"
            );
        }
    }
}

/// CDNOW's full purchase log (69,659 lines of 23,570 customers, 1997-1998), which has no
/// order ids: every customer's purchases are one per line, several on some days.
#[test]
fn cdnow_purchase_log_with_and_without_order_ids() {
    let Some(path) = shared_data("cdnow/CDNOW_master.txt") else {
        return;
    };
    let log = std::fs::read_to_string(path).expect("reading CDNOW_master.txt");
    let lines: Vec<(String, String)> = log
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let date = format!("{}-{}-{}", &f[1][..4], &f[1][4..6], &f[1][6..]);
            (
                format!("{}-{date}", f[0]),
                format!("{},{date},{},{}", f[0], f[2], f[3]),
            )
        })
        .collect();
    assert_eq!(lines.len(), 69_659);
    assert_order_ids_change_nothing("customer_id,ts,quantity,amount", &lines);
}

/// A generated log: visits at any time of day (two on some days, one just before and one
/// just after midnight on others), one to three lines each, items by name, two channels.
#[test]
fn generated_log_with_and_without_order_ids() {
    assert_order_ids_change_nothing(
        "customer_id,ts,item_name,quantity,unit_price,channel",
        &generated_log(),
    );
}

/// (order id = customer + date, the line's other fields), in time order per customer.
fn generated_log() -> Vec<(String, String)> {
    const ITEMS: [(&str, f64); 6] = [
        ("Espresso Roast 500g", 13.99),
        ("Green Sencha 100g", 6.75),
        ("Travel Tumbler", 22.0),
        ("Almond Biscotti", 3.95),
        ("Burr Grinder", 89.0),
        ("Caramel Syrup 250ml", 6.2),
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let mut lines = Vec::new();
    for customer in 0..80u64 {
        let id = format!("C{:03}", customer);
        let gap = 5 + next(60);
        let mut day = next(200) as i64;
        // Some customers stop buying long before the end, some go on to it.
        let last_day = 250 + next(450) as i64;
        while day < last_day {
            let visits = if next(5) == 0 { 2 } else { 1 };
            for visit in 0..visits {
                let (hour, minute) = match (visit, next(6)) {
                    (0, 0) => (0, 5),
                    (1, _) => (23, 55),
                    _ => (8 + next(12), next(60)),
                };
                let date = civil(19_723 + day);
                let channel = if next(3) == 0 { "store" } else { "web" };
                for _ in 0..1 + next(3) {
                    let (item, price) = ITEMS[next(ITEMS.len() as u64) as usize];
                    lines.push((
                        format!("{id}-{date}"),
                        format!(
                            "{id},{date} {hour:02}:{minute:02}:00,{item},{},{price},{channel}",
                            1 + next(2)
                        ),
                    ));
                }
            }
            day += (gap as i64 / 2) + next(gap) as i64;
        }
    }
    lines
}

/// YYYY-MM-DD of days since 1970-01-01 (Howard Hinnant's civil_from_days).
fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A file where only some lines carry an order id: each order id is one order, and each
/// customer's day of lines without one is another.
#[test]
fn orders_where_only_some_lines_have_an_order_id() {
    let wd = Workdir::new();
    wd.write(
        "tx.csv",
        "\
customer_id,order_id,ts,amount
c1,A1,2024-03-01 09:00,10
c1,A1,2024-03-01 09:00,5
c1,,2024-03-01 17:00,7
c1,,2024-03-01 18:00,3
c1,,2024-03-02 10:00,4
c1,A2,2024-03-02 11:00,6
c2,,2024-03-01 12:00,8
",
    );
    let run = wd.run(&["segment", "tx.csv", "--as-of", "2024-03-03", "-o", "seg.csv"]);
    assert!(run.status.success(), "{}", stderr_of(&run));
    let table = wd.read_csv("seg.csv");
    // c1: A1, its own 2024-03-01 without an id, 2024-03-02 without an id, A2.
    assert_eq!(table.column("frequency"), ["4", "1"]);
    assert_eq!(table.column("monetary"), ["35.0", "8.0"]);

    let run = wd.run(&["report", "tx.csv", "-o", "report.md"]);
    assert!(run.status.success(), "{}", stderr_of(&run));
    let report = std::fs::read_to_string(wd.path("report.md")).expect("the report was written");
    assert!(report.contains("| Orders | 5 |"), "{report}");
}

/// ingest's output of the sample web export has item names and no item ids or channels: the
/// customer summary counts the names, and has no channels column rather than zeros.
#[test]
fn sample_web_export_counts_item_names() {
    let wd = Workdir::new();
    let web = common::repo_file("sample-data/web_orders.csv");
    let run = wd.run(&[
        "ingest",
        web.to_str().expect("a UTF-8 path"),
        "-q",
        "-o",
        "tx.parquet",
    ]);
    assert!(run.status.success(), "{}", stderr_of(&run));
    let run = wd.run(&["segment", "tx.parquet", "-o", "seg.csv"]);
    assert!(run.status.success(), "{}", stderr_of(&run));
    let table = wd.read_csv("seg.csv");
    assert!(
        !table.headers.contains(&"channels".to_string()),
        "{:?}",
        table.headers
    );
    let items = table.column("distinct_items");
    assert!(items.iter().all(|n| n != "0"), "every customer bought some item");

    // Customer 1001506 by hand from the export: the distinct products of their lines.
    let export = std::fs::read_to_string(&web).expect("reading the sample");
    let mut names: Vec<&str> = export
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (f.get(2) == Some(&"1001506")).then(|| f[3])
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    let row = table
        .records()
        .into_iter()
        .find(|r| r["customer_id"] == "1001506")
        .expect("customer 1001506 is in the sample");
    assert_eq!(row["distinct_items"], names.len().to_string());
}
