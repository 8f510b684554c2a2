//! The committed man pages and completions must match what the clap definitions generate.

mod common;

use common::Workdir;

#[test]
fn man_pages_and_completions_are_current() {
    let wd = Workdir::new();
    wd.ckm()
        .args(["generate-docs", "--out-dir", "."])
        .assert()
        .success();
    let mut stale = Vec::new();
    for folder in ["man", "completions"] {
        for entry in std::fs::read_dir(wd.path(folder)).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().to_string();
            let committed = common::repo_file(&format!("{folder}/{name}"));
            let fresh = std::fs::read(entry.path()).unwrap();
            if std::fs::read(&committed).ok() != Some(fresh) {
                stale.push(format!("{folder}/{name}"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run `cargo run -- generate-docs` and commit man/ and completions/"
    );
}

#[test]
fn help_lists_only_working_subcommands() {
    let wd = Workdir::new();
    let output = wd.ckm().arg("--help").output().unwrap();
    let text = common::stdout_of(&output);
    assert!(text.contains("ingest") && text.contains("clean"));
    assert!(!text.contains("generate-docs") && !text.contains("generate-sample"));
    assert!(text.contains("Exit codes:"));
}

#[test]
fn sample_data_is_what_the_generator_writes() {
    let wd = Workdir::new();
    wd.ckm()
        .args(["generate-sample", "--out-dir", "fresh"])
        .assert()
        .success();
    for name in ["web_orders.csv", "store_sales.tsv", "customers.csv"] {
        let fresh = std::fs::read(wd.path(&format!("fresh/{name}"))).unwrap();
        let committed = std::fs::read(common::repo_file(&format!("sample-data/{name}"))).unwrap();
        assert!(
            fresh == committed,
            "sample-data/{name} differs from the generator's output"
        );
    }
}
