//! What ckm leaves on disk: complete outputs or nothing, and nothing of a killed run.

mod common;

use std::time::{Duration, Instant};

use common::{stderr_of, Workdir};

/// A generated orders export of `lines` lines.
fn orders(lines: usize) -> String {
    let mut text = String::from("customer_id,order_id,ts,item_id,quantity,unit_price\n");
    for i in 0..lines {
        text.push_str(&format!(
            "C{:05},O{:07},2024-{:02}-{:02} 10:{:02}:00,P{:03},{},{}.50\n",
            i % 5000,
            i / 3,
            i % 12 + 1,
            i % 28 + 1,
            i % 60,
            i % 400,
            i % 4 + 1,
            i % 90 + 1
        ));
    }
    text
}

/// The open file of `pid` that has no name (written with `O_TMPFILE`, or removed), in `dir`.
#[cfg(target_os = "linux")]
fn writes_unnamed_file_in(pid: u32, dir: &std::path::Path) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.flatten().any(|fd| {
        std::fs::read_link(fd.path())
            .map(|target| target.starts_with(dir) && target.to_string_lossy().ends_with("(deleted)"))
            .unwrap_or(false)
    })
}

/// A run killed with SIGKILL while it writes its output leaves nothing beside the inputs, and
/// the next run writes the whole output.
#[cfg(target_os = "linux")]
#[test]
fn a_run_killed_mid_write_leaves_nothing() {
    let wd = Workdir::new();
    wd.write("orders.csv", orders(400_000));
    let dir = std::fs::canonicalize(wd.path(".")).expect("the workdir");
    let mut caught = false;
    for _ in 0..5 {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ckm"))
            .current_dir(&dir)
            .args(["ingest", "orders.csv", "-q", "-o", "out.csv"])
            .spawn()
            .expect("starting ckm");
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if writes_unnamed_file_in(child.id(), &dir) {
                child.kill().expect("SIGKILL");
                caught = true;
                break;
            }
            if child.try_wait().expect("polling ckm").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = child.wait();
        if caught {
            break;
        }
        let _ = std::fs::remove_file(wd.path("out.csv"));
    }
    assert!(caught, "never caught ckm writing its output");
    assert_eq!(wd.files(), ["orders.csv"]);
    let output = wd.run(&["ingest", "orders.csv", "-q", "-o", "out.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(wd.files(), ["orders.csv", "out.csv"]);
    assert_eq!(wd.read_csv("out.csv").len(), 400_000);
}

/// Where a temporary output had to have a name (a file system without unnamed files), the
/// next run of the same output removes it once its writer is gone, and leaves alone those of
/// a writer still running and those of other outputs.
#[cfg(unix)]
#[test]
fn stale_temporary_outputs_of_a_gone_writer_are_removed() {
    let wd = Workdir::new();
    wd.write("orders.csv", orders(10));
    let mut gone = std::process::Command::new("true").spawn().expect("running true");
    let gone_pid = gone.id();
    gone.wait().expect("true ends");
    let running = std::process::id();
    let stale = format!(".out.csv.ckm-{gone_pid}-00c0ffee.tmp");
    let live = format!(".out.csv.ckm-{running}-00c0ffee.tmp");
    let other = format!(".other.csv.ckm-{gone_pid}-00c0ffee.tmp");
    for name in [&stale, &live, &other] {
        wd.write(name, "partial");
    }
    let output = wd.run(&["ingest", "orders.csv", "-q", "-o", "out.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let mut expected = vec![live, other, "orders.csv".to_string(), "out.csv".to_string()];
    expected.sort();
    assert_eq!(wd.files(), expected);
}

/// Counts go out as signed 64-bit integers, which Spark and Java tools read as numbers (an
/// unsigned 64-bit column is `decimal(20,0)` to Spark).
#[test]
fn counts_are_signed_in_parquet() {
    use polars::prelude::*;
    let wd = Workdir::new();
    wd.write("orders.csv", orders(300));
    for args in [
        vec!["segment", "orders.csv", "-q", "-o", "segments.parquet"],
        vec![
            "rules",
            "orders.csv",
            "-q",
            "--min-support",
            "0.01",
            "-o",
            "rules.parquet",
        ],
    ] {
        let output = wd.run(&args);
        assert!(output.status.success(), "{}", stderr_of(&output));
        let path = wd.path(args[args.len() - 1]);
        let table = ParquetReader::new(std::fs::File::open(&path).expect("the output"))
            .finish()
            .expect("a Parquet table");
        let unsigned: Vec<String> = table
            .columns()
            .iter()
            .filter(|c| c.dtype() == &DataType::UInt64)
            .map(|c| c.name().to_string())
            .collect();
        assert!(
            unsigned.is_empty(),
            "{}: unsigned 64-bit {unsigned:?}",
            path.display()
        );
    }
    let segments = ParquetReader::new(std::fs::File::open(wd.path("segments.parquet")).unwrap())
        .finish()
        .unwrap();
    assert_eq!(segments.column("frequency").unwrap().dtype(), &DataType::Int64);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Compressed exports (gzip and zstd, CSV, TSV and NDJSON, files and stdin) read as their
/// plain twins: the same table, the same source rows.
#[test]
fn compressed_exports_read_as_the_plain_ones() {
    let wd = Workdir::new();
    let csv = orders(2000);
    let tsv = csv.replace(',', "\t");
    wd.write("orders.csv", &csv);
    wd.write("orders.tsv", &tsv);
    let output = wd.run(&["ingest", "orders.csv", "-q", "-o", "orders.ndjson"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let ndjson = std::fs::read(wd.path("orders.ndjson")).unwrap();
    wd.write("orders.csv.gz", gzip(csv.as_bytes()));
    wd.write("orders.tsv.gz", gzip(tsv.as_bytes()));
    wd.write("orders.ndjson.gz", gzip(&ndjson));
    wd.write("orders.csv.zst", zstd(csv.as_bytes()));
    // A misnamed file is read by its magic bytes.
    wd.write("export.csv", gzip(csv.as_bytes()));
    let plain = |input: &str| {
        let output = wd.run(&["ingest", input, "-q", "-o", "-"]);
        assert!(output.status.success(), "{input}: {}", stderr_of(&output));
        output.stdout
    };
    let expected = plain("orders.csv");
    for input in ["orders.csv.gz", "orders.csv.zst", "orders.tsv.gz", "export.csv"] {
        assert!(plain(input) == expected, "{input} read differently");
    }
    assert!(plain("orders.ndjson.gz") == plain("orders.ndjson"));
    let output = wd
        .ckm()
        .args(["ingest", "-", "-q", "-o", "-"])
        .write_stdin(gzip(csv.as_bytes()))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(output.stdout == expected, "gzip on stdin read differently");
}

/// A cut-short archive is an error naming the file and the byte offset, exit code 3, and
/// no output is left.
#[test]
fn a_cut_short_archive_is_an_error_and_leaves_no_output() {
    let wd = Workdir::new();
    let bytes = gzip(orders(20_000).as_bytes());
    wd.write("orders.csv.gz", &bytes[..bytes.len() * 2 / 3]);
    let stderr = wd.fails(&["clean", "orders.csv.gz", "-q", "-o", "clean.csv"], 3);
    assert!(
        stderr.contains(&format!(
            "orders.csv.gz: the gzip data is cut short at byte {} of {}",
            bytes.len() * 2 / 3,
            bytes.len() * 2 / 3
        )),
        "{stderr}"
    );
    assert_eq!(wd.files(), ["orders.csv.gz"]);
}

/// Outputs named `.gz` or `.zst` are written compressed; Parquet, compressed inside, is not
/// compressed again.
#[test]
fn outputs_named_gz_or_zst_are_compressed() {
    let wd = Workdir::new();
    wd.write("orders.csv", orders(500));
    for output in ["clean.csv", "clean.csv.gz", "clean.csv.zst"] {
        let run = wd.run(&["clean", "orders.csv", "-q", "-o", output]);
        assert!(run.status.success(), "{}", stderr_of(&run));
    }
    let plain = std::fs::read(wd.path("clean.csv")).unwrap();
    assert_eq!(gunzip(&std::fs::read(wd.path("clean.csv.gz")).unwrap()), plain);
    assert_eq!(
        zstd::decode_all(&std::fs::read(wd.path("clean.csv.zst")).unwrap()[..]).unwrap(),
        plain
    );
    // And ckm reads them back.
    let run = wd.run(&["segment", "clean.csv.gz", "-q", "-o", "segments.csv"]);
    assert!(run.status.success(), "{}", stderr_of(&run));
    let stderr = wd.fails(&["clean", "orders.csv", "-q", "-o", "clean.parquet.gz"], 2);
    assert!(
        stderr.contains("parquet is compressed inside already"),
        "{stderr}"
    );
}

/// An Arrow stream on stdin (`ckm ingest --format arrow | ckm clean -`) is read as it
/// arrives, with the same result as from a file, and the manifest records its size and
/// sha256 as it would a file's.
#[test]
fn an_arrow_stream_on_stdin_reads_as_a_file_and_is_recorded() {
    use sha2::{Digest, Sha256};
    let wd = Workdir::new();
    wd.write("orders.csv", orders(3000));
    let output = wd.run(&["ingest", "orders.csv", "-q", "--format", "arrow"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stream = output.stdout;
    wd.write("tx.arrows", &stream);
    let from_file = wd.run(&["clean", "tx.arrows", "-q", "-o", "-"]);
    assert!(from_file.status.success(), "{}", stderr_of(&from_file));
    let from_stdin = wd
        .ckm()
        .args(["clean", "-", "-q", "-o", "-", "--manifest", "run.json"])
        .write_stdin(stream.clone())
        .output()
        .unwrap();
    assert!(from_stdin.status.success(), "{}", stderr_of(&from_stdin));
    assert!(from_stdin.stdout == from_file.stdout);
    let manifest = wd.read_json("run.json");
    let input = &manifest["inputs"][0];
    assert_eq!(input["path"], "-");
    assert_eq!(input["bytes"], stream.len() as u64);
    let sha: String = Sha256::digest(&stream)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(input["sha256"], sha);
    // A stream cut short is an error, exit code 3.
    let cut = wd
        .ckm()
        .args(["clean", "-", "-q", "-o", "out.csv"])
        .write_stdin(stream[..stream.len() / 2].to_vec())
        .output()
        .unwrap();
    assert_eq!(cut.status.code(), Some(3), "{}", stderr_of(&cut));
    assert!(
        stderr_of(&cut).contains("-: not a readable Arrow stream after"),
        "{}",
        stderr_of(&cut)
    );
    assert!(!wd.path("out.csv").exists());
}
