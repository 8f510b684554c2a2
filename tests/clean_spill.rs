//! `ckm clean` over `--memory-limit`: the lines are spilled to disk by customer and cleaned
//! partition by partition, and the outputs are the same, byte for byte, as a run in memory.
//! A killed run's spill directory is removed by the next run.

mod common;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use common::{stderr_of, Workdir};

/// About 150,000 order lines of 4,000 customers with every defect `clean` handles:
/// duplicates, ids written as floats and padded, blank ids, bad dates and numbers,
/// cancellations (C order ids), returns of earlier purchases, zero prices, future dates.
fn dirty_export(lines: usize) -> String {
    let mut text = String::from("customer_id,order_id,ts,item_id,quantity,unit_price,channel\n");
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let mut previous = String::new();
    for line in 0..lines {
        let customer = next(4_000);
        let day = 1 + line * 700 / lines;
        let ts = format!(
            "2023-{:02}-{:02} {:02}:{:02}:00",
            1 + (day / 28) % 12,
            1 + day % 28,
            next(24),
            next(60)
        );
        let item = next(300);
        let price = format!("{}.{:02}", 1 + next(40), next(100));
        let id = match next(50) {
            0 => format!("{customer}.0"),
            1 => format!(" {customer} "),
            2 => String::new(),
            _ => customer.to_string(),
        };
        let row = match next(60) {
            0 => previous.clone(),
            1 => format!("{id},C{line},{ts},I{item},-1,{price},web"),
            2 => format!("{id},A{line},not a date,I{item},1,{price},web"),
            3 => format!("{id},A{line},{ts},I{item},two,{price},store"),
            4 => format!("{id},A{line},{ts},I{item},1,0,store"),
            5 => format!("{id},A{line},2031-01-01 10:00:00,I{item},1,{price},web"),
            // A return of this customer's item, after the purchases.
            6 => format!("{customer},R{line},2025-06-01 10:00:00,I{item},-2,{price},web"),
            _ => format!("{id},A{line},{ts},I{item},{},{price},web", 1 + next(3)),
        };
        if row.is_empty() {
            continue;
        }
        writeln!(text, "{row}").unwrap();
        previous = row;
    }
    text
}

/// The figures of a clean summary (one line each), without the spill line.
fn figures(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.starts_with("| ") && !l.contains("spilled to disk") && !l.starts_with("| rejects "))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn spilled_runs_write_what_runs_in_memory_write() {
    let wd = Workdir::new();
    wd.write("orders.csv", dirty_export(150_000));
    for returns in ["drop", "keep", "net"] {
        for format in ["csv", "parquet", "ndjson"] {
            let held = wd.run(&[
                "clean",
                "orders.csv",
                "--returns",
                returns,
                "--max-date",
                "2030-01-01",
                "-o",
                &format!("held.{format}"),
                "--rejects",
                &format!("held.rejects.{format}"),
            ]);
            assert!(held.status.success(), "{}", stderr_of(&held));
            let spilled = wd.run(&[
                "clean",
                "orders.csv",
                "--returns",
                returns,
                "--max-date",
                "2030-01-01",
                "--memory-limit",
                "16M",
                "--temp-dir",
                ".",
                "-o",
                &format!("spilled.{format}"),
                "--rejects",
                &format!("spilled.rejects.{format}"),
            ]);
            assert!(spilled.status.success(), "{}", stderr_of(&spilled));
            let shown = stderr_of(&spilled);
            assert!(
                shown.contains("spilled to disk"),
                "{returns} {format}: nothing was spilled:\n{shown}"
            );
            assert_eq!(figures(&stderr_of(&held)), figures(&shown), "--returns {returns}");
            for (a, b) in [
                (format!("held.{format}"), format!("spilled.{format}")),
                (
                    format!("held.rejects.{format}"),
                    format!("spilled.rejects.{format}"),
                ),
            ] {
                let (a_bytes, b_bytes) = (
                    std::fs::read(wd.path(&a)).unwrap(),
                    std::fs::read(wd.path(&b)).unwrap(),
                );
                assert!(a_bytes == b_bytes, "--returns {returns}: {a} and {b} differ");
            }
        }
    }
    // The rejects hold every kind of defect, so every rule ran in the partitions.
    let rejects = wd.read_csv("spilled.rejects.csv");
    let reasons = rejects.column("reason");
    for expected in [
        "exact duplicate of an earlier row",
        "customer_id is missing",
        "unparseable value: ",
        "unit_price is not positive",
        "timestamp is in the future",
        "return netted against source row ",
    ] {
        assert!(
            reasons.iter().any(|r| r.starts_with(expected)),
            "no '{expected}' among the reasons"
        );
    }
    let spill_directories: Vec<String> = wd
        .files()
        .into_iter()
        .filter(|f| f.starts_with("ckm-spill-"))
        .collect();
    assert!(spill_directories.is_empty(), "left behind: {spill_directories:?}");
}

#[test]
fn a_killed_runs_spill_directory_is_removed_by_the_next_run() {
    let wd = Workdir::new();
    wd.write("orders.csv", dirty_export(400_000));
    std::fs::create_dir(wd.path("spill")).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ckm"))
        .current_dir(wd.dir.path())
        .args([
            "clean",
            "orders.csv",
            "-q",
            "--memory-limit",
            "16M",
            "--temp-dir",
            "spill",
            "-o",
            "out.parquet",
        ])
        .spawn()
        .expect("starting ckm");
    let spill_of = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(wd.path("spill"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    };
    let started = Instant::now();
    while spill_of().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no spill directory appeared"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "ckm finished before it spilled"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("killing ckm");
    child.wait().unwrap();
    let left = spill_of();
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(!wd.path("out.parquet").exists());

    let next = wd.run(&[
        "clean",
        "orders.csv",
        "-q",
        "--memory-limit",
        "16M",
        "--temp-dir",
        "spill",
        "-o",
        "out.parquet",
    ]);
    assert!(next.status.success(), "{}", stderr_of(&next));
    assert_eq!(spill_of(), Vec::<std::path::PathBuf>::new());
    assert!(wd.path("out.parquet").exists());
}

#[test]
fn within_the_limit_nothing_is_spilled() {
    let wd = Workdir::new();
    wd.write("orders.csv", dirty_export(2_000));
    let output = wd.run(&[
        "clean",
        "orders.csv",
        "--memory-limit",
        "1G",
        "--temp-dir",
        ".",
        "-o",
        "out.csv",
    ]);
    assert!(output.status.success());
    assert!(!stderr_of(&output).contains("spilled"));
    assert!(wd.files().iter().all(|f| !f.starts_with("ckm-spill-")));
}

#[test]
fn only_the_parquet_files_of_a_directory_are_read() {
    let wd = Workdir::new();
    wd.write("orders.csv", dirty_export(3_000));
    std::fs::create_dir_all(wd.path("dataset/region=eu")).unwrap();
    let ingest = wd.run(&[
        "ingest",
        "orders.csv",
        "-q",
        "-o",
        "dataset/region=eu/part-0.parquet",
    ]);
    assert!(ingest.status.success(), "{}", stderr_of(&ingest));
    // What a Spark job or a cron job leaves beside the data.
    wd.write("dataset/_SUCCESS", "");
    wd.write("dataset/job.log", "done\n");
    let output = wd.run(&["clean", "dataset", "-o", "out.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let out = wd.read_csv("out.csv");
    assert!(out.len() > 2_000);
    assert!(out.column("region").iter().all(|r| r == "eu"));
}

#[test]
fn personal_data_found_only_past_the_first_batch_is_still_dropped() {
    let wd = Workdir::new();
    // Contact emails appear only after 150,000 lines: past the first batches read.
    let mut text = String::from("customer_id,order_id,ts,amount,contact\n");
    for i in 0..200_000u32 {
        let contact = if i < 150_000 {
            String::new()
        } else {
            format!("person{i}@example.com")
        };
        text.push_str(&format!(
            "C{},O{i},2024-{:02}-10 10:00:00,{}.5,{contact}\n",
            i % 5_000,
            1 + i % 12,
            i % 90
        ));
    }
    wd.write("lines.csv", text);
    for (limit, out) in [("8G", "held.csv"), ("16M", "spilled.csv")] {
        let output = wd.run(&[
            "clean",
            "lines.csv",
            "--memory-limit",
            limit,
            "--temp-dir",
            ".",
            "-o",
            out,
        ]);
        assert!(output.status.success(), "{}", stderr_of(&output));
        let table = wd.read_csv(out);
        assert!(
            !table.headers.iter().any(|h| h == "contact"),
            "{limit}: {:?}",
            table.headers
        );
        assert!(stderr_of(&output).contains("contact"), "{}", stderr_of(&output));
    }
}
