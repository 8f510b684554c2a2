//! Helpers shared by the integration tests: run the real binary in a scratch directory,
//! write fixtures, read CSV output back as records.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The canonical columns, in the order every ckm table starts with.
pub const CANONICAL_COLUMNS: [&str; 10] = [
    "customer_id",
    "order_id",
    "ts",
    "amount",
    "quantity",
    "unit_price",
    "item_id",
    "item_name",
    "category",
    "channel",
];

pub struct Workdir {
    pub dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("creating fixture directory");
        }
        std::fs::write(&path, contents).expect("writing fixture");
        path
    }

    /// The ckm binary, run inside this directory.
    pub fn ckm(&self) -> Command {
        let mut cmd = Command::cargo_bin("ckm").expect("the ckm binary is built");
        cmd.current_dir(self.dir.path())
            .env_remove("NO_COLOR")
            .env_remove("CKM_AUDIT_LOG")
            .env_remove("CKM_SECRET")
            .env_remove("CKM_POLICY")
            .env_remove("CKM_ROLE");
        cmd
    }

    /// Runs ckm with these arguments and returns what it did.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        self.ckm().args(args).output().expect("running ckm")
    }

    /// Runs ckm, which must exit with `code`; its stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let output = self.run(args);
        assert_eq!(output.status.code(), Some(code), "{}", stderr_of(&output));
        stderr_of(&output)
    }

    pub fn read_csv(&self, name: &str) -> Table {
        Table::parse(&std::fs::read(self.path(name)).expect("reading output"), b',')
    }

    pub fn read_json(&self, name: &str) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.path(name)).expect("reading JSON output"))
            .expect("valid JSON")
    }

    pub fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .expect("listing the workdir")
            .map(|e| e.expect("an entry").file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    }
}

/// A CSV table read back: headers and rows as text.
#[derive(Debug)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn parse(bytes: &[u8], delimiter: u8) -> Table {
        let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(bytes);
        let headers = reader
            .headers()
            .expect("a header")
            .iter()
            .map(String::from)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.expect("a record").iter().map(String::from).collect())
            .collect();
        Table { headers, rows }
    }

    pub fn column(&self, name: &str) -> Vec<String> {
        let index = self
            .headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.headers));
        self.rows.iter().map(|r| r[index].clone()).collect()
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn records(&self) -> Vec<HashMap<String, String>> {
        self.rows
            .iter()
            .map(|r| self.headers.iter().cloned().zip(r.iter().cloned()).collect())
            .collect()
    }
}

pub fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// A file under ../shared/data, or None (with the reason printed) when it is absent, as on
/// a user's fresh checkout.
pub fn shared_data(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "skipping: {} is absent (../shared is not beside this checkout)",
            path.display()
        );
        None
    }
}

pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// The sample web and store exports, ingested into `tx.parquet` and cleaned into
/// `clean.parquet` in the workdir.
pub fn ingest_and_clean_sample(wd: &Workdir) {
    let data = |name: &str| repo_file(&format!("sample-data/{name}")).display().to_string();
    let output = wd.run(&[
        "ingest",
        &format!("web={}", data("web_orders.csv")),
        &format!("store={}", data("store_sales.tsv")),
        "-q",
        "-o",
        "tx.parquet",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&["clean", "tx.parquet", "-q", "-o", "clean.parquet"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
}
