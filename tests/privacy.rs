//! Identity resolution across channels, pseudonyms, PII handling, spreadsheet-safe CSV and the
//! audit log, through the real binary.

mod common;

use std::collections::{HashMap, HashSet};

use common::{repo_file, shared_data, stderr_of, Workdir};

const SECRET: &str = "test-secret-0123456789abcdef";

fn sample(name: &str) -> String {
    repo_file(&format!("sample-data/{name}")).display().to_string()
}

/// `ckm ingest` of both sample channels with both customer tables.
fn ingest_sample(wd: &Workdir, extra: &[&str]) -> std::process::Output {
    let web = format!("web={}", sample("web_orders.csv"));
    let store = format!("store={}", sample("store_sales.tsv"));
    let web_customers = format!("web={}", sample("customers.csv"));
    let store_members = format!("store={}", sample("store_members.csv"));
    let mut args = vec![
        "ingest",
        &web,
        &store,
        "--customers",
        &web_customers,
        "--customers",
        &store_members,
        "--default-country",
        "1",
    ];
    args.extend_from_slice(extra);
    run_with_env(wd, ("CKM_SECRET", SECRET), &args)
}

/// Runs ckm with one environment variable set (a secret, the audit log).
fn run_with_env(wd: &Workdir, (name, value): (&str, &str), args: &[&str]) -> std::process::Output {
    wd.ckm().env(name, value).args(args).output().unwrap()
}

#[test]
fn one_customer_across_channels_transitively() {
    let wd = Workdir::new();
    let output = ingest_sample(
        &wd,
        &[
            "--identity-map",
            "ids.csv",
            "-o",
            "all.csv",
            "--manifest",
            "m.json",
        ],
    );
    assert!(output.status.success(), "{}", stderr_of(&output));
    let ids = wd.read_csv("ids.csv");
    assert_eq!(
        ids.headers,
        ["source_channel", "source_customer_id", "customer_id", "rule"]
    );
    let unified: HashMap<(String, String), String> = ids
        .records()
        .into_iter()
        .map(|r| {
            (
                (r["source_channel"].clone(), r["source_customer_id"].clone()),
                r["customer_id"].clone(),
            )
        })
        .collect();
    // People with two web accounts (ids from 3000001) share nothing between the accounts: the
    // first has no phone, the second another email. Only their loyalty record links them.
    let mut linked_through_store = 0;
    for ((channel, id), customer) in &unified {
        if channel != "web" || !id.starts_with('3') {
            continue;
        }
        let first_account = (id.parse::<u32>().unwrap() - 2_000_000).to_string();
        if unified.get(&("web".to_string(), first_account)) == Some(customer) {
            assert!(
                customer.starts_with("store:L"),
                "{customer}: the smallest id of the group is the store's"
            );
            linked_through_store += 1;
        }
    }
    assert!(
        linked_through_store >= 5,
        "only {linked_through_store} second accounts were linked"
    );

    // The transactions carry the unified id and the channel's own id.
    let table = wd.read_csv("all.csv");
    assert_eq!(&table.headers[..2], ["customer_id", "source_customer_id"]);
    for record in table
        .records()
        .iter()
        .filter(|r| !r["source_customer_id"].trim().is_empty())
    {
        let source = record["source_customer_id"]
            .trim()
            .trim_end_matches(".0")
            .to_string();
        let key = (record["channel"].clone(), source);
        assert_eq!(unified.get(&key), Some(&record["customer_id"]), "{record:?}");
    }
    let m = wd.read_json("m.json");
    let source_ids = m["summary"]["source customer ids"].as_u64().unwrap();
    let customers = m["summary"]["customers after resolution"].as_u64().unwrap();
    assert_eq!(source_ids as usize, ids.len());
    assert!(
        customers < source_ids * 3 / 4,
        "{customers} customers from {source_ids} ids"
    );
    assert!(m["summary"]["source ids linked by email"].as_u64().unwrap() > 0);
    assert!(m["summary"]["source ids linked by phone"].as_u64().unwrap() > 0);
}

#[test]
fn resolution_does_not_depend_on_input_order() {
    let wd = Workdir::new();
    let web_customers = format!("web={}", sample("customers.csv"));
    let store_members = format!("store={}", sample("store_members.csv"));
    let store = format!("store={}", sample("store_sales.tsv"));
    for (name, first, second) in [
        ("a.csv", &web_customers, &store_members),
        ("b.csv", &store_members, &web_customers),
    ] {
        let output = wd.run(&[
            "ingest",
            &store,
            "--customers",
            first,
            "--customers",
            second,
            "--default-country",
            "1",
            "--identity-map",
            name,
            "-o",
            "t.csv",
        ]);
        assert!(output.status.success(), "{}", stderr_of(&output));
    }
    assert_eq!(
        std::fs::read(wd.path("a.csv")).unwrap(),
        std::fs::read(wd.path("b.csv")).unwrap()
    );
}

/// Every value of a file (CSV cells, JSON strings) and every word of those values: what a
/// value "appearing" in an output means. Text outputs only: compressed Parquet pages would hide
/// a leak from a byte search.
fn values_and_words(bytes: &[u8]) -> HashSet<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut found = HashSet::new();
    for cell in text.split([',', '\t', '\n', '\r', '"']) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        found.insert(cell.to_lowercase());
        for word in cell
            .split([' ', ':', '[', ']', '{', '}'])
            .filter(|w| !w.is_empty())
        {
            found.insert(word.to_lowercase());
        }
    }
    found
}

/// Asserts that no identifier or contact detail of the inputs is a value, or a word of a
/// value, in any file of the workdir.
fn assert_nothing_leaks(wd: &Workdir, secrets: &HashSet<String>) {
    for name in wd.files() {
        assert!(!name.ends_with(".parquet"), "{name}: check text outputs");
        let found = values_and_words(&std::fs::read(wd.path(&name)).unwrap());
        for secret in secrets {
            assert!(!found.contains(&secret.to_lowercase()), "{name} holds {secret}");
        }
    }
}

#[test]
fn pseudonymised_outputs_hold_no_id_email_or_phone() {
    let wd = Workdir::new();
    let output = ingest_sample(
        &wd,
        &[
            "--pseudonymize",
            "--identity-map",
            "ids.csv",
            "-o",
            "all.csv",
            "--manifest",
            "m1.json",
        ],
    );
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = run_with_env(
        &wd,
        ("CKM_SECRET", SECRET),
        &[
            "clean",
            "all.csv",
            "--pseudonymize",
            "-o",
            "clean.ndjson",
            "--rejects",
            "rejects.csv",
            "--manifest",
            "m2.json",
            "--audit-log",
            "audit.jsonl",
        ],
    );
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = run_with_env(
        &wd,
        ("CKM_SECRET", SECRET),
        &[
            "clean",
            "all.csv",
            "--pseudonymize",
            "--mask-pii",
            "-o",
            "clean.csv",
            "-q",
        ],
    );
    assert!(output.status.success(), "{}", stderr_of(&output));

    let mut secrets = HashSet::new();
    for (file, delimiter, id_column) in [
        ("customers.csv", b',', "customer_id"),
        ("store_members.csv", b',', "client_id"),
        ("store_sales.tsv", b'\t', "client_id"),
        ("web_orders.csv", b',', "Customer ID"),
    ] {
        let table = common::Table::parse(
            &std::fs::read(repo_file(&format!("sample-data/{file}"))).unwrap(),
            delimiter,
        );
        for id in table.column(id_column) {
            let id = id.trim().trim_end_matches(".0").to_string();
            if !id.is_empty() {
                secrets.insert(id);
            }
        }
        for column in ["email", "Email", "phone", "mobile"] {
            if table.headers.iter().any(|h| h == column) {
                secrets.extend(
                    table
                        .column(column)
                        .into_iter()
                        .map(|v| v.trim().to_string())
                        .filter(|v| v.len() > 6),
                );
            }
        }
    }
    assert!(secrets.len() > 6000, "{}", secrets.len());
    assert_nothing_leaks(&wd, &secrets);
    // The pseudonyms are the documented form and the same in both steps.
    let clean = wd.read_csv("clean.csv");
    assert!(clean
        .column("customer_id")
        .iter()
        .all(|id| id.starts_with("c_") && id.len() == 22));
    let all = wd.read_csv("all.csv");
    let before: HashSet<String> = all.column("customer_id").into_iter().collect();
    assert!(clean.column("customer_id").iter().all(|id| before.contains(id)));
}

#[test]
fn superstore_pseudonymised_holds_no_id_or_name() {
    let Some(path) = shared_data("superstore/sample_superstore_2014_2017.csv") else {
        return;
    };
    let wd = Workdir::new();
    let output = run_with_env(
        &wd,
        ("CKM_SECRET", SECRET),
        &[
            "clean",
            path.to_str().unwrap(),
            "--pseudonymize",
            "-o",
            "clean.csv",
            "--rejects",
            "rejects.csv",
            "--manifest",
            "m.json",
        ],
    );
    assert!(output.status.success(), "{}", stderr_of(&output));
    let source = common::Table::parse(&std::fs::read(&path).unwrap(), b',');
    let mut secrets: HashSet<String> = source.column("Customer ID").into_iter().collect();
    assert!(secrets.len() > 500);
    secrets.extend(source.column("Customer Name"));
    assert_nothing_leaks(&wd, &secrets);
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("Customer Name") && stderr.contains("Postal Code"),
        "{stderr}"
    );
}

const CONTACTS: &str = "\
order,date,customer,amount,Email,contact,note
1,2024-01-05,A1,10.00,ann@example.com,(555) 123-4567,=HYPERLINK(\"http://x\")
2,2024-01-06,B2,12.50,bob@example.org,+1 555 987 6543,-5
3,2024-01-07,C3,7.25,cy@example.net,555-222-3333,@SUM(A1)
";

#[test]
fn pii_columns_are_dropped_masked_or_kept() {
    let wd = Workdir::new();
    wd.write("orders.csv", CONTACTS);
    let output = wd.run(&["ingest", "orders.csv", "-o", "dropped.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let dropped = wd.read_csv("dropped.csv");
    assert!(
        !dropped.headers.iter().any(|h| h == "Email" || h == "contact"),
        "{:?}",
        dropped.headers
    );
    assert!(
        stderr_of(&output).contains("by content"),
        "{}",
        stderr_of(&output)
    );

    assert!(wd
        .run(&["ingest", "orders.csv", "--mask-pii", "-o", "masked.csv"])
        .status
        .success());
    let masked = wd.read_csv("masked.csv");
    assert_eq!(
        masked.column("Email"),
        ["a***@example.com", "b***@example.org", "c***@example.net"]
    );
    assert_eq!(masked.column("contact"), ["***4567", "***6543", "***3333"]);

    assert!(wd
        .run(&["ingest", "orders.csv", "--keep-pii", "-o", "kept.csv"])
        .status
        .success());
    let kept = wd.read_csv("kept.csv");
    assert_eq!(kept.column("Email")[0], "ann@example.com");
    // Spreadsheet-safe: formulas are text, numbers stay numbers.
    assert_eq!(kept.column("contact")[1], "'+1 555 987 6543");
    assert_eq!(
        kept.column("note"),
        ["'=HYPERLINK(\"http://x\")", "-5", "'@SUM(A1)"]
    );

    let output = wd.run(&["ingest", "orders.csv", "--keep-pii", "--mask-pii"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn pseudonyms_need_a_secret_and_depend_on_it() {
    let wd = Workdir::new();
    wd.write("orders.csv", CONTACTS);
    let output = wd.run(&["ingest", "orders.csv", "--pseudonymize"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("CKM_SECRET"),
        "{}",
        stderr_of(&output)
    );

    wd.write("secret.txt", format!("{SECRET}\n"));
    let by_file = wd.run(&[
        "ingest",
        "orders.csv",
        "--pseudonymize",
        "--secret-file",
        "secret.txt",
        "-o",
        "f.csv",
    ]);
    assert!(by_file.status.success(), "{}", stderr_of(&by_file));
    let by_env = run_with_env(
        &wd,
        ("OTHER_SECRET", SECRET),
        &[
            "ingest",
            "orders.csv",
            "--pseudonymize",
            "--secret-env",
            "OTHER_SECRET",
            "-o",
            "e.csv",
        ],
    );
    assert!(by_env.status.success(), "{}", stderr_of(&by_env));
    let other = run_with_env(
        &wd,
        ("CKM_SECRET", "another-secret-0123456789"),
        &["ingest", "orders.csv", "--pseudonymize", "-o", "o.csv"],
    );
    assert!(other.status.success());
    let f = wd.read_csv("f.csv").column("customer_id");
    assert_eq!(f, wd.read_csv("e.csv").column("customer_id"));
    assert_ne!(f, wd.read_csv("o.csv").column("customer_id"));
    assert!(f.iter().all(|id| id.starts_with("c_")));
}

#[test]
fn audit_log_appends_one_line_per_run() {
    let wd = Workdir::new();
    wd.write("orders.csv", CONTACTS);
    let ok = wd.run(&[
        "ingest",
        "orders.csv",
        "-o",
        "out.csv",
        "--audit-log",
        "audit.jsonl",
        "-q",
    ]);
    assert!(ok.status.success(), "{}", stderr_of(&ok));
    let failed = run_with_env(
        &wd,
        ("CKM_AUDIT_LOG", "audit.jsonl"),
        &["clean", "missing.csv", "--db-password", "hunter2"],
    );
    assert_eq!(failed.status.code(), Some(2), "{}", stderr_of(&failed));
    let failed = run_with_env(&wd, ("CKM_AUDIT_LOG", "audit.jsonl"), &["clean", "missing.csv"]);
    assert_eq!(failed.status.code(), Some(1));

    let text = std::fs::read_to_string(wd.path("audit.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // The usage error stopped in clap, before any run began: two runs, two lines.
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["subcommand"], "ingest");
    assert_eq!(lines[0]["exit_code"], 0);
    assert_eq!(lines[0]["inputs"][0]["rows"], 3);
    assert_eq!(lines[0]["outputs"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(lines[1]["exit_code"], 1);
    for key in ["time", "user", "host", "ckm_version", "command_line"] {
        assert!(!lines[0][key].is_null(), "{key}");
    }
    assert!(!text.contains("ann@example.com"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(wd.path("audit.jsonl"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn manifest_holds_no_secret_or_pii() {
    let wd = Workdir::new();
    wd.write("orders.csv", CONTACTS);
    wd.write("secret.txt", SECRET);
    let output = wd.run(&[
        "ingest",
        "orders.csv",
        "--pseudonymize",
        "--secret-file",
        "secret.txt",
        "-o",
        "out.csv",
        "--manifest",
        "m.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let manifest = std::fs::read_to_string(wd.path("m.json")).unwrap();
    for secret_or_pii in [SECRET, "ann@example.com", "123-4567", "\"A1\""] {
        assert!(!manifest.contains(secret_or_pii), "{secret_or_pii} in {manifest}");
    }
}
