//! `ckm segment` through the real binary: hand-computed RFM, segments, clusters, outliers,
//! bad input.

mod common;

use common::{repo_file, stderr_of, Workdir};

/// Ten customers, hand-computed below (as of 2024-02-01).
const TEN: &str = "\
order_id,customer_id,ts,amount
o1,c01,2024-01-31,20.00
o2,c02,2024-01-25,30.00
o3,c02,2024-01-05,30.00
o4,c03,2024-01-20,5.00
o4,c03,2024-01-20,5.00
o5,c04,2024-01-15,200.00
o6,c05,2024-01-10,15.00
o7,c05,2024-01-11,15.00
o8,c05,2024-01-12,15.00
o9,c06,2023-12-31,60.00
o10,c07,2023-12-01,80.00
o11,c07,2023-12-20,80.00
o12,c08,2023-11-15,25.00
o13,c09,2023-10-01,40.00
o14,c09,2023-10-02,40.00
o15,c09,2023-10-03,40.00
o16,c09,2023-10-04,40.00
o17,c10,2023-06-01,5.00
";

fn row(table: &common::Table, id: &str) -> std::collections::HashMap<String, String> {
    table
        .records()
        .into_iter()
        .find(|r| r["customer_id"] == id)
        .unwrap_or_else(|| panic!("no row for {id}"))
}

#[test]
fn rfm_by_hand() {
    let wd = Workdir::new();
    wd.write("orders.csv", TEN);
    let output = wd.run(&[
        "segment",
        "orders.csv",
        "--as-of",
        "2024-02-01",
        "-o",
        "customers.csv",
        "--manifest",
        "m.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = wd.read_csv("customers.csv");
    assert_eq!(table.len(), 10);
    // (id, recency_days, frequency, monetary, r, f, m, segment)
    let expected = [
        ("c01", "1.0", "1", "20.0", "5", "1", "2", "New Customers"),
        ("c02", "7.0", "2", "60.0", "5", "4", "3", "Champions"),
        ("c03", "12.0", "1", "10.0", "4", "1", "1", "Promising"),
        ("c04", "17.0", "1", "200.0", "4", "1", "5", "Promising"),
        ("c05", "20.0", "3", "45.0", "3", "5", "3", "Loyal Customers"),
        ("c06", "32.0", "1", "60.0", "3", "1", "3", "About To Sleep"),
        ("c07", "43.0", "2", "160.0", "2", "4", "4", "At Risk"),
        ("c08", "78.0", "1", "25.0", "2", "1", "2", "Hibernating"),
        ("c09", "120.0", "4", "160.0", "1", "5", "4", "Can't Lose Them"),
        ("c10", "245.0", "1", "5.0", "1", "1", "1", "Lost"),
    ];
    for (id, recency, frequency, monetary, r, f, m, segment) in expected {
        let got = row(&table, id);
        assert_eq!(got["recency_days"], recency, "{id}");
        assert_eq!(got["frequency"], frequency, "{id}");
        assert_eq!(got["monetary"], monetary, "{id}");
        assert_eq!(
            (
                got["r_score"].as_str(),
                got["f_score"].as_str(),
                got["m_score"].as_str()
            ),
            (r, f, m),
            "{id}"
        );
        assert_eq!(got["rfm_segment"], segment, "{id}");
    }
    let c02 = row(&table, "c02");
    assert_eq!(c02["avg_order_value"], "30.0");
    assert_eq!(c02["tenure_days"], "27.0");
    assert_eq!(c02["mean_days_between_orders"], "20.0");
    assert_eq!(row(&table, "c09")["mean_days_between_orders"], "1.0");
    assert_eq!(row(&table, "c01")["mean_days_between_orders"], "");
    let m = wd.read_json("m.json");
    assert_eq!(m["parameters"]["as_of"], "2024-02-01 00:00:00");
    assert_eq!(m["inputs"][0]["rows"], 18);
}

#[test]
fn as_of_defaults_to_the_day_after_the_latest_line_and_is_printed() {
    let wd = Workdir::new();
    wd.write("orders.csv", TEN);
    let output = wd.run(&["segment", "orders.csv", "-o", "customers.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("as of 2024-02-01 00:00:00"),
        "{}",
        stderr_of(&output)
    );
    assert_eq!(row(&wd.read_csv("customers.csv"), "c01")["recency_days"], "1.0");
}

#[test]
fn a_users_segment_map_replaces_the_default() {
    let wd = Workdir::new();
    wd.write("orders.csv", TEN);
    wd.write(
        "map.csv",
        "segment,r_min,r_max,f_min,f_max\nActive,4,5,1,5\nOther,1,5,1,5\n",
    );
    let output = wd.run(&["segment", "orders.csv", "--segment-map", "map.csv", "-o", "c.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = wd.read_csv("c.csv");
    assert_eq!(row(&table, "c01")["rfm_segment"], "Active");
    assert_eq!(row(&table, "c10")["rfm_segment"], "Other");

    wd.write("gap.csv", "segment,r_min,r_max,f_min,f_max\nActive,4,5,1,5\n");
    let output = wd.run(&["segment", "orders.csv", "--segment-map", "gap.csv"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("no rule covers R1 F1"),
        "{}",
        stderr_of(&output)
    );
}

/// Four tight groups of customers: recent or lapsed, times small or large spenders.
fn four_groups() -> String {
    let mut csv = String::from("order_id,customer_id,ts,amount\n");
    for group in 0..4 {
        for i in 0..30 {
            let day = if group % 2 == 0 { 1 + i % 3 } else { 200 + i % 3 };
            let amount = if group / 2 == 0 {
                10.0 + i as f64 * 0.1
            } else {
                5000.0 + i as f64
            };
            let ts = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap() - chrono::Duration::days(day);
            csv.push_str(&format!("o{group}_{i},g{group}_{i:02},{ts},{amount:.2}\n"));
        }
    }
    csv
}

#[test]
fn auto_clusters_find_four_groups_and_are_deterministic() {
    let wd = Workdir::new();
    wd.write("groups.csv", four_groups());
    let args = [
        "segment",
        "groups.csv",
        "--clusters",
        "auto",
        "--seed",
        "3",
        "--profiles",
        "profiles.csv",
        "-o",
    ];
    let first = wd.run(&[&args[..], &["a.csv"]].concat());
    assert!(first.status.success(), "{}", stderr_of(&first));
    let second = wd.run(&[&args[..], &["b.csv"]].concat());
    assert!(second.status.success());
    assert_eq!(
        std::fs::read(wd.path("a.csv")).unwrap(),
        std::fs::read(wd.path("b.csv")).unwrap()
    );
    let table = wd.read_csv("a.csv");
    let clusters: std::collections::BTreeSet<String> = table.column("cluster").into_iter().collect();
    assert_eq!(clusters.len(), 4, "{}", stderr_of(&first));
    for record in table.records() {
        let group = &record["customer_id"][..2];
        let same_group: std::collections::BTreeSet<String> = table
            .records()
            .into_iter()
            .filter(|r| &r["customer_id"][..2] == group)
            .map(|r| r["cluster"].clone())
            .collect();
        assert_eq!(same_group.len(), 1, "group {group} split");
    }
    let profiles = wd.read_csv("profiles.csv");
    assert_eq!(profiles.len(), 4);
    assert!(profiles
        .column("label")
        .iter()
        .any(|l| l.contains("recent") && l.contains("high spend")));
    assert!(stderr_of(&first).contains("silhouette k = 4"));
}

#[test]
fn planted_outliers_are_flagged_with_their_reason() {
    let wd = Workdir::new();
    let mut csv = String::from("order_id,customer_id,ts,amount\n");
    // Spend spread like a lognormal (a fixed sequence), one order each, then one customer who
    // spent a fortune.
    for i in 0..200 {
        let z = ((i * 37 % 200) as f64 / 200.0 - 0.5) * 2.0;
        csv.push_str(&format!(
            "o{i},c{i:03},2024-05-{:02},{:.2}\n",
            1 + i % 28,
            (3.5 + z).exp()
        ));
    }
    csv.push_str("ox,whale,2024-05-10,2500000.00\n");
    wd.write("orders.csv", csv);
    let output = wd.run(&["segment", "orders.csv", "-o", "c.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = wd.read_csv("c.csv");
    let flagged: Vec<String> = table
        .records()
        .into_iter()
        .filter(|r| r["outlier"] == "true")
        .map(|r| r["customer_id"].clone())
        .collect();
    assert_eq!(flagged, ["whale"]);
    assert!(row(&table, "whale")["outlier_reason"].starts_with("monetary high"));
}

#[test]
fn sample_data_segments_with_clusters() {
    let wd = Workdir::new();
    let web = repo_file("sample-data/web_orders.csv");
    let output = wd.run(&["clean", web.to_str().unwrap(), "-o", "clean.parquet", "-q"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&[
        "segment",
        "clean.parquet",
        "--clusters",
        "4",
        "-o",
        "customers.parquet",
        "--manifest",
        "m.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let m = wd.read_json("m.json");
    assert!(m["summary"]["customers"].as_u64().unwrap() > 1_000);
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("segment Champions") && stderr.contains("% revenue"),
        "{stderr}"
    );
}

#[test]
fn bad_input_gives_clear_errors() {
    let wd = Workdir::new();
    wd.write(
        "one.csv",
        "order_id,customer_id,ts,amount\no1,c1,2024-01-01,5\no2,c1,2024-01-02,6\n",
    );
    let output = wd.run(&["segment", "one.csv"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("at least 2"),
        "{}",
        stderr_of(&output)
    );

    wd.write("ten.csv", TEN);
    let output = wd.run(&["segment", "ten.csv", "--clusters", "11"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("11 clusters asked for 10 customers"),
        "{}",
        stderr_of(&output)
    );

    wd.write(
        "no_amounts.csv",
        "order_id,customer_id,ts,amount\no1,c1,2024-01-01,\no2,c2,2024-01-02,\n",
    );
    let output = wd.run(&["segment", "no_amounts.csv"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("every amount"),
        "{}",
        stderr_of(&output)
    );

    wd.write("no_ids.csv", "order_id,ts,amount\no1,2024-01-01,5\n");
    let output = wd.run(&["segment", "no_ids.csv"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("customer_id"),
        "{}",
        stderr_of(&output)
    );

    let output = wd.run(&["segment", "ten.csv", "--features", "recency_days,shoe_size"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_toml_segment_map_works_like_a_csv_one() {
    let wd = Workdir::new();
    wd.write("orders.csv", TEN);
    wd.write(
        "map.toml",
        "# first match wins\n[[segment]]\nname = \"Active\"\nr = [4, 5]\nf = [1, 5]\n\n[[segment]]\nname = \"Other\"\nr = [1, 5]\nf = [1, 5]\n",
    );
    let output = wd.run(&[
        "segment",
        "orders.csv",
        "--segment-map",
        "map.toml",
        "-o",
        "c.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = wd.read_csv("c.csv");
    assert_eq!(row(&table, "c01")["rfm_segment"], "Active");
    assert_eq!(row(&table, "c10")["rfm_segment"], "Other");

    // A score out of range names the rule; a typo'd key is refused, not ignored.
    wd.write(
        "bad.toml",
        "[[segment]]\nname = \"All\"\nr = [0, 5]\nf = [1, 5]\n",
    );
    let output = wd.run(&["segment", "orders.csv", "--segment-map", "bad.toml"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("segment 1 ('All'), r = [0, 5]"),
        "{}",
        stderr_of(&output)
    );
    wd.write(
        "typo.toml",
        "[[segment]]\nname = \"All\"\nr = [1, 5]\nfreq = [1, 5]\n",
    );
    let output = wd.run(&["segment", "orders.csv", "--segment-map", "typo.toml"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr_of(&output).contains("freq"), "{}", stderr_of(&output));
}

#[test]
fn lines_without_a_customer_go_to_rejects() {
    let wd = Workdir::new();
    let with_blanks = format!("{TEN}o90,,2024-01-02,7.50\no91,,2024-01-03,1.00\n");
    wd.write("orders.csv", &with_blanks);
    let output = wd.run(&["segment", "orders.csv", "-o", "c.csv", "--manifest", "m.json"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(wd.read_csv("c.csv").records().len(), 10);
    let rejects = wd.read_csv("c.rejects.csv").records();
    assert_eq!(rejects.len(), 2);
    assert!(rejects.iter().all(|r| r["reason"] == "no customer_id"));
    assert_eq!(rejects[0]["order_id"], "o90");
    let manifest = wd.read_json("m.json");
    assert_eq!(
        manifest["summary"]["lines in = lines aggregated + lines rejected"],
        "20 = 18 + 2"
    );

    // To stdout, with no --rejects: a warning says they were not saved.
    let output = wd.run(&["segment", "orders.csv"]);
    assert!(output.status.success());
    assert!(
        stderr_of(&output).contains("2 lines were left out and not saved"),
        "{}",
        stderr_of(&output)
    );
    let output = wd.run(&["segment", "orders.csv", "--rejects", "r.parquet", "-o", "c2.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(wd.path("r.parquet").exists());
}
