//! `--encrypt-to` and `.age` inputs through the real binary, checked with the `age` command
//! line tool (Debian's `age` package, which `.ci/run` installs): every file a run writes opens
//! with `age -d` to the bytes of an unencrypted run, encrypted inputs are read with
//! `--identity`, a wrong key or a changed file is an error naming the file, and no plaintext is
//! left on disk.

mod common;

use std::path::Path;
use std::process::Command;

use common::{stderr_of, Workdir};

/// A key pair made by `age-keygen` in the workdir: (identity file, recipient). `None` (the
/// test skips) where the tool is missing, except under CI (`CKM_REQUIRE_AGE=1`).
fn age_key(wd: &Workdir, name: &str) -> Option<(String, String)> {
    let made = Command::new("age-keygen").arg("-o").arg(wd.path(name)).output();
    if !made.as_ref().is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("CKM_REQUIRE_AGE").is_none(),
            "CKM_REQUIRE_AGE is set but age-keygen did not run: {made:?}"
        );
        eprintln!("skipping: no age tool on this machine (apt-get install age)");
        return None;
    }
    let public = Command::new("age-keygen")
        .arg("-y")
        .arg(wd.path(name))
        .output()
        .unwrap();
    let recipient = String::from_utf8(public.stdout).unwrap().trim().to_string();
    Some((name.to_string(), recipient))
}

/// `age -d -i IDENTITY FILE`'s output.
fn age_decrypt(wd: &Workdir, identity: &str, file: &str) -> Vec<u8> {
    let output = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(wd.path(identity))
        .arg(wd.path(file))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "age -d {file}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn is_age(path: &Path) -> bool {
    std::fs::read(path)
        .unwrap()
        .starts_with(b"age-encryption.org/v1\n")
}

fn sample_clean(wd: &Workdir) {
    common::ingest_and_clean_sample(wd);
}

/// A report without the line that says when it was generated.
fn without_generated(text: &[u8]) -> String {
    String::from_utf8(text.to_vec())
        .unwrap()
        .lines()
        .filter(|l| !l.contains("| generated |"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_file_written_opens_with_age_to_the_same_bytes() {
    let wd = Workdir::new();
    let Some((key, recipient)) = age_key(&wd, "key.txt") else {
        return;
    };
    sample_clean(&wd);
    // The report and its manifest.
    let output = wd.run(&["report", "clean.parquet", "-q", "-o", "plain.md"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&[
        "report",
        "clean.parquet",
        "-q",
        "-o",
        "sealed.md.age",
        "--manifest",
        "sealed.json",
        "--encrypt-to",
        &recipient,
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    // report.md.age: a Markdown report, encrypted.
    assert!(is_age(&wd.path("sealed.md.age")) && is_age(&wd.path("sealed.json")));
    let plain = std::fs::read(wd.path("plain.md")).unwrap();
    assert_eq!(
        without_generated(&age_decrypt(&wd, &key, "sealed.md.age")),
        without_generated(&plain)
    );
    let manifest: serde_json::Value = serde_json::from_slice(&age_decrypt(&wd, &key, "sealed.json")).unwrap();
    assert_eq!(manifest["command"], "report");

    // A table, its rejects and a saved model, to two recipients (one from a file).
    let Some((other_key, other)) = age_key(&wd, "other.txt") else {
        return;
    };
    wd.write("recipients.txt", format!("# finance\n{other}\n"));
    let output = wd.run(&["clean", "tx.parquet", "-q", "-o", "c.csv", "--rejects", "r.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&[
        "clean",
        "tx.parquet",
        "-q",
        "-o",
        "c.csv.age",
        "--rejects",
        "r.csv.age",
        "--encrypt-to",
        &recipient,
        "--encrypt-to",
        "recipients.txt",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    for (sealed, plain) in [("c.csv.age", "c.csv"), ("r.csv.age", "r.csv")] {
        let expected = std::fs::read(wd.path(plain)).unwrap();
        assert_eq!(age_decrypt(&wd, &key, sealed), expected, "{sealed}");
        assert_eq!(
            age_decrypt(&wd, &other_key, sealed),
            expected,
            "{sealed}, second recipient"
        );
    }
    let output = wd.run(&[
        "churn",
        "train",
        "clean.parquet",
        "-q",
        "-o",
        "s.csv",
        "--model-out",
        "model.json",
        "--encrypt-to",
        &recipient,
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(is_age(&wd.path("model.json")) && is_age(&wd.path("s.csv")));

    // A compressed table inside the encryption, by its name.
    let output = wd.run(&[
        "clean",
        "tx.parquet",
        "-q",
        "-o",
        "c.csv.gz.age",
        "--encrypt-to",
        &recipient,
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let compressed = age_decrypt(&wd, &key, "c.csv.gz.age");
    assert_eq!(&compressed[..2], &[0x1f, 0x8b], "gzip inside");
    // An .age name without recipients, and stdout, which is not a file, are refused before
    // any work.
    let stderr = wd.fails(&["segment", "clean.parquet", "-o", "x.csv.age"], 2);
    assert!(stderr.contains("needs --encrypt-to"), "{stderr}");
    let stderr = wd.fails(&["segment", "clean.parquet", "--encrypt-to", &recipient], 2);
    assert!(stderr.contains("-o PATH"), "{stderr}");
    let stderr = wd.fails(
        &[
            "segment",
            "clean.parquet",
            "-o",
            "x.csv",
            "--encrypt-to",
            "age1nope",
        ],
        2,
    );
    assert!(stderr.contains("--encrypt-to age1nope"), "{stderr}");
}

#[test]
fn encrypted_inputs_are_read_in_memory_and_checked() {
    let wd = Workdir::new();
    let Some((key, recipient)) = age_key(&wd, "key.txt") else {
        return;
    };
    let Some((wrong, _)) = age_key(&wd, "wrong.txt") else {
        return;
    };
    sample_clean(&wd);
    let sealed = Command::new("age")
        .args(["-r", &recipient, "-o"])
        .arg(wd.path("clean.parquet.age"))
        .arg(wd.path("clean.parquet"))
        .output()
        .unwrap();
    assert!(sealed.status.success());
    let output = wd.run(&["segment", "clean.parquet", "-q", "-o", "plain.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    // Temporary files would land in TMPDIR: it stays empty.
    std::fs::create_dir(wd.path("tmp")).unwrap();
    let output = wd
        .ckm()
        .env("TMPDIR", wd.path("tmp"))
        .args([
            "--identity",
            &key,
            "segment",
            "clean.parquet.age",
            "-q",
            "-o",
            "from_sealed.csv",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        std::fs::read(wd.path("from_sealed.csv")).unwrap(),
        std::fs::read(wd.path("plain.csv")).unwrap()
    );
    assert_eq!(std::fs::read_dir(wd.path("tmp")).unwrap().count(), 0);
    // A gzip-compressed CSV inside the age file: decompressed in memory too.
    let output = wd.run(&["clean", "tx.parquet", "-q", "-o", "c.csv.gz"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let sealed = Command::new("age")
        .args(["-r", &recipient, "-o"])
        .arg(wd.path("c.csv.gz.age"))
        .arg(wd.path("c.csv.gz"))
        .output()
        .unwrap();
    assert!(sealed.status.success());
    let output = wd
        .ckm()
        .env("TMPDIR", wd.path("tmp"))
        .env("CKM_IDENTITY", wd.path(&key))
        .args(["segment", "c.csv.gz.age", "-q", "-o", "from_gz.csv"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(std::fs::read_dir(wd.path("tmp")).unwrap().count(), 0);

    // A wrong identity, a changed file, no identity.
    let stderr = wd.fails(
        &[
            "--identity",
            &wrong,
            "segment",
            "clean.parquet.age",
            "-o",
            "x.csv",
        ],
        3,
    );
    assert!(
        stderr.contains("clean.parquet.age: cannot be decrypted"),
        "{stderr}"
    );
    let mut bytes = std::fs::read(wd.path("clean.parquet.age")).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    wd.write("changed.parquet.age", bytes);
    let stderr = wd.fails(
        &[
            "--identity",
            &key,
            "segment",
            "changed.parquet.age",
            "-o",
            "x.csv",
        ],
        3,
    );
    assert!(stderr.contains("changed.parquet.age"), "{stderr}");
    assert!(!wd.path("x.csv").exists());
    let stderr = wd.fails(&["segment", "clean.parquet.age", "-o", "x.csv"], 2);
    assert!(stderr.contains("--identity"), "{stderr}");
    // A Spark cluster reads its input itself and could not decrypt it: refused before any
    // connection is tried.
    let stderr = wd.fails(
        &[
            "--identity",
            &key,
            "segment",
            "clean.parquet.age",
            "--engine",
            "spark",
            "--remote",
            "sc://127.0.0.1:9",
            "-o",
            "x.csv",
        ],
        2,
    );
    assert!(
        stderr.contains("clean.parquet.age: an age file is decrypted on this machine"),
        "{stderr}"
    );
}

#[test]
fn the_audit_log_says_the_outputs_were_encrypted() {
    let wd = Workdir::new();
    let Some((_, recipient)) = age_key(&wd, "key.txt") else {
        return;
    };
    sample_clean(&wd);
    let output = wd.run(&[
        "segment",
        "clean.parquet",
        "-q",
        "-o",
        "s.csv",
        "--audit-log",
        "audit.jsonl",
        "--encrypt-to",
        &recipient,
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let line: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(wd.path("audit.jsonl")).unwrap().trim()).unwrap();
    assert_eq!(line["encrypted"], true);
}

/// Spilled rows (`clean --memory-limit`) are encrypted to a key of the run's own while
/// outputs are encrypted (`spill.rs`; the unit test reads such a file back): the output is the
/// same as an unspilled run's, and the spill directory is left empty.
#[test]
fn spilled_rows_are_encrypted_too() {
    let wd = Workdir::new();
    let Some((key, recipient)) = age_key(&wd, "key.txt") else {
        return;
    };
    let mut csv = String::from("customer_id,order_id,ts,amount,item_id\n");
    for i in 0..150_000 {
        csv += &format!(
            "C{:05},O{i},2024-{:02}-{:02},{}.5,SKU{}\n",
            i % 9000,
            i % 12 + 1,
            i % 28 + 1,
            i % 90,
            i % 40
        );
    }
    wd.write("orders.csv", csv);
    let held = wd.run(&[
        "clean",
        "orders.csv",
        "-q",
        "-o",
        "held.csv",
        "--max-date",
        "2030-01-01",
    ]);
    assert!(held.status.success(), "{}", stderr_of(&held));
    std::fs::create_dir_all(wd.path("spill")).unwrap();
    let spilled = wd
        .ckm()
        .args([
            "clean",
            "orders.csv",
            "--max-date",
            "2030-01-01",
            "--memory-limit",
            "16M",
            "--temp-dir",
            "spill",
        ])
        .args(["-o", "sealed.csv.age", "--encrypt-to", &recipient])
        .output()
        .unwrap();
    assert!(spilled.status.success(), "{}", stderr_of(&spilled));
    assert!(
        stderr_of(&spilled).contains("spilled to disk"),
        "{}",
        stderr_of(&spilled)
    );
    assert_eq!(
        age_decrypt(&wd, &key, "sealed.csv.age"),
        std::fs::read(wd.path("held.csv")).unwrap()
    );
    assert_eq!(std::fs::read_dir(wd.path("spill")).unwrap().count(), 0);
}
