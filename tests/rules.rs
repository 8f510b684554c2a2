//! `ckm rules` through the real binary: hand-computed rules and itemsets, exact thresholds,
//! filters, transactions input with rejects, reference counts on public datasets, bad input.

mod common;

use common::{shared_data, stderr_of, Workdir};

/// Five baskets, a=bread b=butter c=milk d=jam:
/// {a b c}, {a b}, {a c}, {a b d}, {c}.
/// counts: a 4, b 3, c 3, d 1; ab 3, ac 2, bc 1, ad 1, bd 1; abc 1, abd 1.
const FIVE: &str = "bread,butter,milk\nbread,butter\nbread,milk\nbread,butter,jam\nmilk\n";

fn summary_figure(wd: &Workdir, manifest: &str, name: &str) -> serde_json::Value {
    wd.read_json(manifest)["summary"][name].clone()
}

#[test]
fn rules_by_hand() {
    let wd = Workdir::new();
    wd.write("b.csv", FIVE);
    // min count 2 (0.4 x 5), confidence >= 0.6.
    let output = wd.run(&[
        "rules",
        "--baskets",
        "b.csv",
        "--min-support",
        "0.4",
        "--min-confidence",
        "0.6",
        "-o",
        "rules.csv",
        "--itemsets",
        "sets.csv",
        "--manifest",
        "m.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let rules = wd.read_csv("rules.csv");
    // bread->butter 3/4, butter->bread 3/3, milk->bread 2/3 (lift 10/12), bread->milk 2/4 out.
    let shown: Vec<(String, String, String)> = rules
        .records()
        .iter()
        .map(|r| {
            (
                r["antecedent"].clone(),
                r["consequent"].clone(),
                r["count"].clone(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            ("{bread}".into(), "{butter}".into(), "3".into()),
            ("{butter}".into(), "{bread}".into(), "3".into()),
            ("{milk}".into(), "{bread}".into(), "2".into()),
        ]
    );
    let first = &rules.records()[0];
    assert_eq!(first["confidence"], "0.75");
    assert_eq!(first["lift"], "1.25");
    assert_eq!(first["support"], "0.6");
    assert_eq!(first["leverage"], "0.12");
    assert_eq!(first["conviction"], "1.6");
    assert_eq!(rules.records()[1]["conviction"], "inf");
    let sets = wd.read_csv("sets.csv");
    assert_eq!(
        sets.column("items"),
        vec![
            "{bread}",
            "{butter}",
            "{milk}",
            "{bread, butter}",
            "{bread, milk}"
        ]
    );
    assert_eq!(sets.column("count"), vec!["4", "3", "3", "3", "2"]);
    assert_eq!(summary_figure(&wd, "m.json", "min count"), "2 (= ceil(0.4 × 5))");

    // `rules mine` is the same command.
    let output = wd.run(&[
        "rules",
        "mine",
        "--baskets",
        "b.csv",
        "--min-support",
        "0.4",
        "--min-confidence",
        "0.6",
        "-o",
        "again.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(wd.read_csv("again.csv").rows, rules.rows);
}

#[test]
fn a_rule_exactly_on_the_confidence_threshold_is_kept() {
    let wd = Workdir::new();
    wd.write("b.csv", FIVE);
    // milk->bread is exactly 2/3; 0.6666 lets it pass, 2/3 too (inclusive), 0.6667 not.
    for (confidence, kept) in [("2/3", true), ("0.6666", true), ("0.6667", false)] {
        let output = wd.run(&[
            "rules",
            "--baskets",
            "b.csv",
            "--min-count",
            "2",
            "--min-confidence",
            confidence,
            "--antecedent-has",
            "milk",
            "-o",
            "r.csv",
        ]);
        assert!(output.status.success(), "{}", stderr_of(&output));
        assert_eq!(
            wd.read_csv("r.csv").len(),
            kept as usize,
            "confidence {confidence}"
        );
    }
}

#[test]
fn sorting_filters_and_closed_or_maximal_itemsets() {
    let wd = Workdir::new();
    wd.write("b.csv", FIVE);
    let base = [
        "rules",
        "--baskets",
        "b.csv",
        "--min-count",
        "2",
        "--min-confidence",
        "0.5",
    ];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let output = wd.run(&args);
        assert!(output.status.success(), "{}", stderr_of(&output));
    };
    run(&["--sort", "confidence", "--top", "1", "-o", "top.csv"]);
    let top = wd.read_csv("top.csv");
    assert_eq!(top.column("antecedent"), vec!["{butter}"]);
    run(&["--consequent-has", "milk", "-o", "milk.csv"]);
    assert_eq!(wd.read_csv("milk.csv").column("antecedent"), vec!["{bread}"]);

    // closed: bread 4, milk 3, bread+butter 3, bread+milk 2 (butter is not: bread+butter has
    // its count); maximal: bread+butter, bread+milk.
    run(&["-o", "r.csv", "--itemsets", "closed.csv", "--closed"]);
    assert_eq!(
        wd.read_csv("closed.csv").column("items"),
        vec!["{bread}", "{milk}", "{bread, butter}", "{bread, milk}"]
    );
    run(&["-o", "r.csv", "--itemsets", "maximal.csv", "--maximal"]);
    assert_eq!(
        wd.read_csv("maximal.csv").column("items"),
        vec!["{bread, butter}", "{bread, milk}"]
    );
    // Parquet output carries the items as lists too.
    run(&["-o", "rules.parquet"]);
    assert!(wd.path("rules.parquet").exists());
}

#[test]
fn space_separated_baskets_and_blank_lines() {
    let wd = Workdir::new();
    wd.write("b.dat", "1 2 3 \n1 2 \n\n1 3\n3 \n");
    let output = wd.run(&[
        "rules",
        "--baskets",
        "b.dat",
        "--min-count",
        "2",
        "-o",
        "r.csv",
        "--manifest",
        "m.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(summary_figure(&wd, "m.json", "baskets"), 4);
    assert_eq!(summary_figure(&wd, "m.json", "blank lines (no basket)"), 1);
    assert_eq!(summary_figure(&wd, "m.json", "frequent itemsets"), 5);
}

#[test]
fn baskets_from_transactions_with_rejects() {
    let wd = Workdir::new();
    wd.write(
        "tx.csv",
        "order_id,customer_id,ts,item_id,amount\n\
         o1,c1,2024-01-01,bread,1\no1,c1,2024-01-01,butter,1\n\
         o2,c2,2024-01-02,bread,1\no2,c2,2024-01-02,butter,1\n\
         o3,c3,2024-01-03,bread,1\no3,c3,2024-01-03,,1\n\
         ,c4,2024-01-04,bread,1\n,c4,2024-01-04,butter,1\n",
    );
    let output = wd.run(&[
        "rules",
        "tx.csv",
        "--min-count",
        "2",
        "-o",
        "r.csv",
        "--manifest",
        "m.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    // Baskets: o1, o2, o3 and c4's day; bread+butter in 3 of 4.
    assert_eq!(summary_figure(&wd, "m.json", "baskets"), 4);
    let rules = wd.read_csv("r.csv");
    // Both have lift 1: ties go by antecedent.
    assert_eq!(rules.column("antecedent"), vec!["{bread}", "{butter}"]);
    assert_eq!(rules.column("count"), vec!["3", "3"]);
    let rejects = wd.read_csv("r.rejects.csv");
    assert_eq!(rejects.column("reason"), vec!["no item_id"]);
    assert_eq!(
        summary_figure(&wd, "m.json", "lines in = lines in baskets + lines rejected"),
        "8 = 7 + 1"
    );
    // Mining another column.
    let output = wd.run(&[
        "rules",
        "tx.csv",
        "--item-col",
        "customer_id",
        "--min-count",
        "1",
        "-o",
        "c.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
}

#[test]
fn bad_input_gives_clear_errors() {
    let wd = Workdir::new();
    wd.write("one.csv", "bread,butter\n");
    let output = wd.run(&["rules", "--baskets", "one.csv"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("at least 2"),
        "{}",
        stderr_of(&output)
    );

    wd.write("empty.csv", "\n\n");
    let output = wd.run(&["rules", "--baskets", "empty.csv"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("0 non-empty baskets"),
        "{}",
        stderr_of(&output)
    );

    wd.write("b.csv", FIVE);
    for support in ["0", "1.5", "abc"] {
        let output = wd.run(&["rules", "--baskets", "b.csv", "--min-support", support]);
        assert_eq!(output.status.code(), Some(2), "support {support}");
        assert!(
            stderr_of(&output).contains("--min-support"),
            "{}",
            stderr_of(&output)
        );
    }

    // Every subset of 20 items in every basket: 2^20 itemsets, stopped by the guard.
    let wide: String = (0..3)
        .map(|_| (0..20).map(|i| format!("i{i}")).collect::<Vec<_>>().join(",") + "\n")
        .collect();
    wd.write("wide.csv", wide);
    let output = wd.run(&[
        "rules",
        "--baskets",
        "wide.csv",
        "--min-count",
        "1",
        "--max-itemsets",
        "10000",
    ]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("more than 10000 frequent itemsets"),
        "{}",
        stderr_of(&output)
    );

    let output = wd.run(&["rules", "--baskets", "missing.csv"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_of(&output).contains("missing.csv"),
        "{}",
        stderr_of(&output)
    );
}

/// Reference counts from pyfim (Borgelt's FP-Growth) with exact thresholds and exact
/// single-consequent rule counting, items trimmed:
///
/// ```text
/// python -c 'import math; from fractions import Fraction; from fim import fpgrowth
/// tx=[sorted(set(i.strip() for i in l.split(",") if i.strip())) for l in open(F) if l.strip()]
/// mc=math.ceil(Fraction(S)*len(tx)); d={frozenset(x[0]):x[1] for x in fpgrowth(tx,target="s",supp=-mc,zmin=1,report="a")}
/// C=Fraction(CONF); print(len(d), sum(1 for s,c in d.items() if len(s)>1 for y in s
///   if c*C.denominator>=C.numerator*d[s-{y}]))'
/// ```
///
/// On Groceries this gives 13,492 itemsets and 5,668 rules at 0.001 (arules: 5,668 too);
/// `../shared/bench/ref_rules.py` reports 13,488 and 5,670 because its reader strips the
/// trailing space of `roll products ` and `cream cheese ` only at the end of a line, making
/// two items of each. The FIMI counts equal ref_rules.py's.
#[test]
fn reference_counts_on_public_datasets() {
    let cases = [
        ("groceries/groceries.csv", "0.001", "0.5", 13_492, 5_668),
        ("groceries/groceries.csv", "0.001", "0.8", 13_492, 410),
        ("groceries/groceries.csv", "0.002", "0.3", 4_223, 3_119),
        ("groceries/groceries.csv", "0.01", "0.5", 333, 15),
        ("fimi/retail.dat", "0.005", "0.5", 580, 402),
        ("fimi/T10I4D100K.dat", "0.005", "0.5", 1_073, 607),
    ];
    for (file, support, confidence, itemsets, rules) in cases {
        let Some(path) = shared_data(file) else {
            return;
        };
        let wd = Workdir::new();
        let output = wd.run(&[
            "rules",
            "--baskets",
            path.to_str().unwrap(),
            "--min-support",
            support,
            "--min-confidence",
            confidence,
            "-o",
            "r.csv",
            "--manifest",
            "m.json",
        ]);
        assert!(output.status.success(), "{}", stderr_of(&output));
        assert_eq!(
            summary_figure(&wd, "m.json", "frequent itemsets"),
            itemsets,
            "{file} {support}"
        );
        assert_eq!(summary_figure(&wd, "m.json", "rules"), rules, "{file} {support}");
        assert_eq!(wd.read_csv("r.csv").len(), rules);
    }
}

/// Three customers' orders: c1 buys tea, later cups and milk; c2 tea, 100 days later cups;
/// c3 cups, later tea.
const ORDERS: &str = "\
order_id,customer_id,ts,item_id,amount
o1,c1,2024-01-01,tea,1
o2,c1,2024-01-10,cups,1
o2,c1,2024-01-10,milk,1
o3,c2,2024-01-01,tea,1
o4,c2,2024-04-10,cups,1
o5,c3,2024-01-01,cups,1
o6,c3,2024-01-05,tea,1
o7,,2024-01-05,tea,1
";

#[test]
fn sequences_by_hand() {
    let wd = Workdir::new();
    wd.write("tx.csv", ORDERS);
    let output = wd.run(&[
        "rules",
        "sequences",
        "tx.csv",
        "--min-count",
        "2",
        "-o",
        "seq.csv",
        "--manifest",
        "m.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = wd.read_csv("seq.csv");
    let shown: Vec<(String, String)> = table
        .records()
        .iter()
        .map(|r| (r["pattern"].clone(), r["customers"].clone()))
        .collect();
    assert_eq!(
        shown,
        vec![
            ("{cups}".to_string(), "3".to_string()),
            ("{tea}".into(), "3".into()),
            ("{tea} -> {cups}".into(), "2".into()),
        ]
    );
    // The line without a customer went to rejects.
    assert_eq!(
        wd.read_csv("seq.rejects.csv").column("reason"),
        vec!["no customer_id"]
    );
    assert_eq!(
        summary_figure(&wd, "m.json", "lines in = lines in histories + lines rejected"),
        "8 = 7 + 1"
    );
    // Within 30 days between orders, c2's tea -> cups (100 days) no longer counts.
    let output = wd.run(&[
        "rules",
        "sequences",
        "tx.csv",
        "--min-count",
        "2",
        "--max-gap",
        "30",
        "-o",
        "gap.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(wd.read_csv("gap.csv").column("pattern"), vec!["{cups}", "{tea}"]);
}

#[test]
fn recommendations_from_rules() {
    let wd = Workdir::new();
    wd.write(
        "rules.csv",
        "antecedent,consequent,support,confidence,lift,leverage,conviction,antecedent_support,consequent_support,count\n\
         {tea},{cups},0.5,0.8,1.5,0.1,2,0.5,0.5,10\n\
         {tea},{milk},0.5,0.8,1.2,0.1,2,0.5,0.5,10\n\
         \"{cups, tea}\",{sugar},0.2,0.9,3,0.1,2,0.5,0.5,4\n\
         {milk},{honey},0.2,0.6,1.1,0.1,2,0.5,0.5,4\n",
    );
    wd.write(
        "tx.csv",
        "order_id,customer_id,ts,item_id,amount\n\
         o1,c1,2024-01-01,tea,1\no2,c2,2024-01-01,tea,1\no2,c2,2024-01-01,cups,1\n\
         o3,c3,2024-01-01,bread,1\n",
    );
    let output = wd.run(&[
        "rules",
        "recommend",
        "--rules",
        "rules.csv",
        "--transactions",
        "tx.csv",
        "--top",
        "2",
        "-o",
        "recs.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let recs: Vec<(String, String, String)> = wd
        .read_csv("recs.csv")
        .records()
        .iter()
        .map(|r| (r["customer_id"].clone(), r["item"].clone(), r["score"].clone()))
        .collect();
    // c1 (tea): cups and milk at 0.8, cups first by lift. c2 (tea, cups): sugar 0.9, then
    // milk; honey needs milk bought. c3: nothing applies.
    assert_eq!(
        recs,
        vec![
            ("c1".to_string(), "cups".to_string(), "0.8".to_string()),
            ("c1".into(), "milk".into(), "0.8".into()),
            ("c2".into(), "sugar".into(), "0.9".into()),
            ("c2".into(), "milk".into(), "0.8".into()),
        ]
    );
    // A file that is not a rules table says so.
    wd.write("not_rules.csv", "a,b\n1,2\n");
    let output = wd.run(&[
        "rules",
        "recommend",
        "--rules",
        "not_rules.csv",
        "--transactions",
        "tx.csv",
    ]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("no column antecedent"),
        "{}",
        stderr_of(&output)
    );
}

/// Customers who buy tea with cups or coffee with filters: the first ten both items at once,
/// the next ten the second item late in January, the last ten only from July on; every third
/// buys bread too. One line has no customer.
fn pairs_log() -> String {
    let mut csv = String::from("order_id,customer_id,ts,item_id,amount\n");
    for c in 0..30 {
        let (first, second) = if c % 2 == 0 {
            ("tea", "cups")
        } else {
            ("coffee", "filters")
        };
        let day = format!("01-{:02}", c % 28 + 1);
        csv += &format!("a{c},c{c:02},2024-{day},{first},3\n");
        let later = match c {
            0..10 => day.clone(),
            10..20 => "01-25".to_string(),
            _ => "07-01".to_string(),
        };
        csv += &format!("b{c},c{c:02},2024-{later},{second},2\n");
        if c % 3 == 0 {
            csv += &format!("a{c},c{c:02},2024-{day},bread,1\n");
        }
    }
    csv += "x1,,2024-02-01,tea,1\n";
    csv
}

/// Rules are mined on orders: tea and cups bought in one order by ten customers, coffee and
/// filters by ten others; six more buy tea or coffee alone in February, and the other item of
/// the pair in July.
#[test]
fn recommendations_by_rules_mined_on_the_orders() {
    let wd = Workdir::new();
    let mut csv = String::from("order_id,customer_id,ts,item_id,amount\n");
    let pair = |c: usize| {
        if c % 2 == 0 {
            ("tea", "cups")
        } else {
            ("coffee", "filters")
        }
    };
    for c in 0..20 {
        let (first, second) = pair(c);
        csv += &format!("p{c},c{c:02},2024-01-10,{first},4\np{c},c{c:02},2024-01-10,{second},6\n");
    }
    for c in 0..6 {
        let (first, second) = pair(c);
        csv += &format!("f{c},late{c},2024-02-01,{first},4\nj{c},late{c},2024-07-01,{second},6\n");
    }
    wd.write("tx.csv", csv);
    let output = wd.run(&[
        "rules",
        "recommend",
        "--transactions",
        "tx.csv",
        "--model",
        "rules",
        "--min-support",
        "0.1",
        "--holdout-start",
        "2024-06-01",
        "--top",
        "1",
        "-o",
        "recs.csv",
        "--evaluation",
        "eval.csv",
        "--manifest",
        "m.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let recs = wd.read_csv("recs.csv").records();
    for c in 0..6 {
        let id = format!("late{c}");
        let r = recs.iter().find(|r| r["customer_id"] == id).unwrap();
        let (first, second) = pair(c);
        assert_eq!(
            (r["item"].as_str(), r["because"].as_str()),
            (second, format!("{{{first}}}").as_str()),
            "{r:?}"
        );
        // Of the 13 orders with the first item before July, 10 have the second.
        let score: f64 = r["score"].parse().unwrap();
        assert!((score - 10.0 / 13.0).abs() < 1e-9, "{r:?}");
    }
    let scores = wd.read_csv("eval.csv").records();
    assert_eq!(scores[0]["model"], "rules (min support 0.1)");
    assert_eq!(scores[0]["customers"], "6");
    assert_eq!(scores[0]["precision"], "1.0");
    let summary = &wd.read_json("m.json")["summary"];
    assert_eq!(summary["model"], "rules (min support 0.1)");

    // Above the pairs' support (10 of 26 orders before July) no rule is found: nobody gets a
    // recommendation, and the run says so rather than failing.
    let output = wd.run(&[
        "rules",
        "recommend",
        "--transactions",
        "tx.csv",
        "--model",
        "rules",
        "--min-support",
        "0.5",
        "--holdout-start",
        "2024-06-01",
        "-o",
        "none.csv",
        "--manifest",
        "n.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(wd.read_json("n.json")["summary"]["recommendations"], 0);
}

#[test]
fn recommendations_fitted_on_the_transactions() {
    let wd = Workdir::new();
    wd.write("tx.csv", pairs_log());
    for model in ["item-knn", "ease", "rules", "auto"] {
        let output = wd.run(&[
            "rules",
            "recommend",
            "--transactions",
            "tx.csv",
            "--model",
            model,
            "--top",
            "1",
            "-o",
            "recs.csv",
            "--manifest",
            "m.json",
        ]);
        assert!(output.status.success(), "{model}: {}", stderr_of(&output));
        let recs = wd.read_csv("recs.csv").records();
        // Every customer bought a whole pair by now: what is left to recommend is bread, or
        // an item of the other pair, each with the bought item pointing to it.
        for r in &recs {
            assert_ne!(r["item"], "", "{model}: {r:?}");
            assert_eq!(r["rank"], "1");
            assert!(
                !r["because"].is_empty(),
                "{model}: every recommendation says why: {r:?}"
            );
        }
        let summary = &wd.read_json("m.json")["summary"];
        // 70 lines with a customer (two per customer, bread for ten), one without:
        // rejected with a reason.
        assert_eq!(summary["lines in"], 71, "{summary}");
        assert_eq!(summary["lines rejected"], 1, "{summary}");
    }
    let rejects = wd.read_csv("recs.rejects.csv").records();
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0]["reason"], "no customer_id");

    // Fitted before July: the late customers had one item of their pair, and each is
    // recommended the other, because of the one they bought; popularity does worse.
    let output = wd.run(&[
        "rules",
        "recommend",
        "--transactions",
        "tx.csv",
        "--holdout-start",
        "2024-06-01",
        "--top",
        "1",
        "-o",
        "held.csv",
        "--evaluation",
        "eval.csv",
        "--manifest",
        "h.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let recs = wd.read_csv("held.csv").records();
    for c in 20..30 {
        let id = format!("c{c}");
        let r = recs.iter().find(|r| r["customer_id"] == id).unwrap();
        let (first, second) = if c % 2 == 0 {
            ("tea", "cups")
        } else {
            ("coffee", "filters")
        };
        assert_eq!(
            (r["item"].as_str(), r["because"].as_str()),
            (second, first),
            "{r:?}"
        );
    }
    let scores = wd.read_csv("eval.csv").records();
    assert_eq!(scores.len(), 2);
    assert_eq!(scores[0]["customers"], "10");
    assert_eq!(scores[0]["precision"], "1.0");
    assert_eq!(scores[0]["hit_rate"], "1.0");
    assert!(
        scores[1]["model"] == "popularity" && scores[1]["precision"] != "1.0",
        "{scores:?}"
    );
    let summary = &wd.read_json("h.json")["summary"];
    let chose = summary["auto chose"].as_str().unwrap();
    assert!(chose.starts_with("ease (lambda 500): the default"), "{chose}");
    assert!(summary["holdout popularity"]
        .as_str()
        .unwrap()
        .starts_with("precision@1 "));

    // Mistakes are stopped before any reading.
    for (args, message) in [
        (vec!["--lambda", "0"], "--lambda"),
        (vec!["--holdout-start", "June"], "--holdout-start"),
        (vec!["--evaluation", "e.csv"], "--holdout-start"),
        (vec!["--rules", "r.csv", "--model", "ease"], "--model"),
        (vec!["--model", "rules", "--min-support", "0"], "--min-support"),
        (vec!["--rules", "r.csv", "--min-support", "0.1"], "--min-support"),
    ] {
        let mut all = vec!["rules", "recommend", "--transactions", "tx.csv", "-o", "x.csv"];
        all.extend(args.iter());
        let output = wd.run(&all);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr_of(&output));
        assert!(
            stderr_of(&output).contains(message),
            "{args:?}: {}",
            stderr_of(&output)
        );
    }
}
