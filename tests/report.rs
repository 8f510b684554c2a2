//! `ckm report` through the real binary on the sample data: the sections and charts of the
//! HTML page and the Markdown, precomputed inputs, the terminal summary, and the page as a
//! real browser renders it.

mod common;

use common::{repo_file, stderr_of, stdout_of, Workdir};

/// The sample exports, ingested and cleaned as README's main job does, with the clean manifest.
fn sample_transactions(wd: &Workdir) {
    let data = |name: &str| repo_file(&format!("sample-data/{name}")).display().to_string();
    let output = wd.run(&[
        "ingest",
        &format!("web={}", data("web_orders.csv")),
        &format!("store={}", data("store_sales.tsv")),
        "--customers",
        &format!("web={}", data("customers.csv")),
        "--customers",
        &format!("store={}", data("store_members.csv")),
        "--default-country",
        "1",
        "-q",
        "-o",
        "tx.parquet",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&[
        "clean",
        "tx.parquet",
        "-q",
        "-o",
        "clean.parquet",
        "--manifest",
        "clean.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
}

const SECTIONS: [&str; 11] = [
    "key-figures",
    "revenue",
    "segments",
    "clusters",
    "cohorts",
    "channels",
    "rules",
    "clv",
    "churn",
    "data-quality",
    "run",
];
/// Revenue 1, segments 2 (bars, R x F heatmap), cohorts 1, channels 1, CLV 1, churn 1.
const CHARTS: usize = 7;

#[test]
fn html_and_markdown_have_every_section_and_chart() {
    let wd = Workdir::new();
    sample_transactions(&wd);
    let output = wd.run(&[
        "report",
        "clean.parquet",
        "-o",
        "report.html",
        "--currency",
        "USD",
        "--title",
        "Nightly <report>",
        "--clean-manifest",
        "clean.json",
        "-q",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let page = std::fs::read_to_string(wd.path("report.html")).unwrap();
    for id in SECTIONS {
        assert!(
            page.contains(&format!("<section id=\"{id}\">")),
            "section {id} missing"
        );
    }
    assert_eq!(page.matches("<svg ").count(), CHARTS);
    // Every chart has a title, a description and its data as a table.
    assert_eq!(page.matches("<title id=\"chart").count(), CHARTS);
    assert_eq!(page.matches("<desc id=\"chart").count(), CHARTS);
    assert_eq!(page.matches("The data behind this chart").count(), CHARTS);
    // Self-contained: no script, no address but the SVG namespace; the title escaped.
    assert!(!page.contains("<script"));
    assert!(
        !page.contains("https://")
            && page.matches("http://").count()
                == page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    assert!(page.contains("Nightly &lt;report&gt;"));
    // No personal data: the sample customers' emails and names are not in it.
    assert!(!page.contains("@example") && !page.contains("Okafor"));
    // The figures balance with the clean manifest's.
    assert!(
        page.contains("clean: rejected: exact duplicate"),
        "the clean manifest's rejects by reason"
    );
    assert!(page.contains("Customers") && page.contains("Repeat-purchase rate"));

    let output = wd.run(&[
        "report",
        "clean.parquet",
        "-o",
        "report.md",
        "--currency",
        "USD",
        "-q",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let md = std::fs::read_to_string(wd.path("report.md")).unwrap();
    for title in [
        "## Key figures",
        "## Revenue and forecast",
        "## RFM segments",
        "## Cohort retention",
        "## Churn risk",
        "## Run details",
    ] {
        assert!(md.contains(title), "{title}");
    }
    // Every RFM segment with customers gets the items recommended to the most of them.
    let rows = recommended_rows(&md);
    assert!(rows.len() >= 5, "{rows:?}");
    for row in &rows {
        let cells: Vec<&str> = row.split(" | ").collect();
        assert_eq!(cells.len(), 3, "{row}");
        assert!(cells[2].matches("%)").count() >= 1, "{row}");
    }
    assert_eq!(md.matches("**Chart: ").count(), CHARTS);
}

/// The segment's name in each row of the "recommended next" table of a Markdown report.
fn recommended_rows(md: &str) -> Vec<String> {
    let section = md.split("## Bought together").nth(1).unwrap();
    let section = section.split("\n## ").next().unwrap();
    let table = section
        .split("| segment | customers | recommended next")
        .nth(1)
        .unwrap();
    table
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(String::from)
        .collect()
}

/// Tea drinkers buy tea and cups, coffee drinkers coffee and filters; a third of each bought
/// only the first. The report recommends each segment's missing item to that third.
#[test]
fn recommendations_per_segment() {
    let wd = Workdir::new();
    let mut tx = String::from("order_id,customer_id,ts,item_name,amount\n");
    let mut seg = String::from("customer_id,monetary,r_score,f_score,rfm_segment\n");
    for c in 0..30 {
        let (id, first, second, segment) = if c < 15 {
            (format!("t{c:02}"), "tea", "cups", "Tea drinkers")
        } else {
            (format!("k{c:02}"), "coffee", "filters", "Coffee drinkers")
        };
        let day = c % 28 + 1;
        tx += &format!("o{c},{id},2024-03-{day:02},{first},5\n");
        if c % 15 < 10 {
            tx += &format!("o{c},{id},2024-03-{day:02},{second},7\n");
        }
        tx += &format!("r{c},{id},2024-05-{day:02},{first},5\n");
        seg += &format!("{id},10,3,3,{segment}\n");
    }
    wd.write("tx.csv", tx);
    wd.write("seg.csv", seg);
    let output = wd.run(&["report", "tx.csv", "--segments", "seg.csv", "-q", "-o", "r.md"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let md = std::fs::read_to_string(wd.path("r.md")).unwrap();
    let rows = recommended_rows(&md);
    assert_eq!(
        rows,
        [
            "| Coffee drinkers | 15 | filters (33%) |",
            "| Tea drinkers | 15 | cups (33%) |"
        ],
        "{md}"
    );
}

#[test]
fn precomputed_outputs_are_used_and_named() {
    let wd = Workdir::new();
    sample_transactions(&wd);
    let output = wd.run(&["segment", "clean.parquet", "-q", "-o", "seg.csv"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&[
        "churn",
        "clean.parquet",
        "--method",
        "pareto-nbd",
        "-q",
        "-o",
        "risk.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&[
        "report",
        "clean.parquet",
        "--segments",
        "seg.csv",
        "--churn",
        "risk.csv",
        "-o",
        "r.html",
        "-q",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let page = std::fs::read_to_string(wd.path("r.html")).unwrap();
    assert!(page.contains("--segments") && page.contains("seg.csv"));
    // Segments without --profiles: no cluster section.
    assert!(!page.contains("<section id=\"clusters\">"));
    // A file that is not what the flag says is an error naming it.
    let output = wd.run(&["report", "clean.parquet", "--rules", "seg.csv", "-o", "x.html"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("seg.csv: not a ckm rules output"),
        "{}",
        stderr_of(&output)
    );
    assert!(!wd.path("x.html").exists());
}

#[test]
fn customer_attributes_without_personal_data() {
    let wd = Workdir::new();
    sample_transactions(&wd);
    let customers = repo_file("sample-data/customers.csv");
    let output = wd.run(&[
        "report",
        "clean.parquet",
        "--customers",
        customers.to_str().unwrap(),
        "-o",
        "r.md",
        "-q",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let md = std::fs::read_to_string(wd.path("r.md")).unwrap();
    let section = md
        .split("## Customer attributes")
        .nth(1)
        .expect("an attributes section");
    let section = section.split("\n## ").next().unwrap();
    assert!(
        section.contains("**By plan**") && section.contains("| premium |"),
        "{section}"
    );
    // Names, emails and phones are never broken down.
    for pii in ["first_name", "email", "phone", "@"] {
        assert!(!section.contains(pii), "{pii} in {section}");
    }
}

#[test]
fn without_output_a_terminal_summary() {
    let wd = Workdir::new();
    sample_transactions(&wd);
    let output = wd.run(&["report", "clean.parquet"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let text = format!("{}{}", stdout_of(&output), stderr_of(&output));
    assert!(
        text.contains("Repeat-purchase rate") && text.contains("Champions"),
        "{text}"
    );
    let output = wd.run(&["report", "clean.parquet", "-o", "report.pdf"]);
    assert_eq!(output.status.code(), Some(2));
    // From a pipe, as cron chains the commands.
    let arrow = wd.run(&["clean", "tx.parquet", "-q", "--format", "arrow"]);
    assert!(arrow.status.success(), "{}", stderr_of(&arrow));
    let output = wd
        .ckm()
        .args(["report", "-", "-q", "-o", "piped.md"])
        .write_stdin(arrow.stdout)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(std::fs::read_to_string(wd.path("piped.md"))
        .unwrap()
        .contains("## Churn risk"));
    let output = wd
        .ckm()
        .args(["report", "-", "-o", "empty.md"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr_of(&output).contains("-: the input is empty"),
        "{}",
        stderr_of(&output)
    );
}

/// The page rendered by headless Chromium: a screenshot that is not blank, and no console
/// error. Skipped where Chromium is missing, except under CI (`CKM_REQUIRE_CHROMIUM=1`).
#[test]
fn chromium_renders_the_page() {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    let Some(browser) = browser else {
        assert!(
            std::env::var_os("CKM_REQUIRE_CHROMIUM").is_none(),
            "CKM_REQUIRE_CHROMIUM is set but no Chromium was found"
        );
        eprintln!("skipping: no chromium on this machine (apt-get install chromium)");
        return;
    };
    let wd = Workdir::new();
    sample_transactions(&wd);
    let output = wd.run(&["report", "clean.parquet", "-o", "report.html", "-q"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let shot = wd.path("shot.png");
    let rendered = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1100,2400",
            &format!("--screenshot={}", shot.display()),
            &format!("file://{}", wd.path("report.html").display()),
        ])
        .output()
        .expect("running chromium");
    let log = String::from_utf8_lossy(&rendered.stderr);
    assert!(shot.exists(), "no screenshot: {log}");
    assert!(
        !log.contains("Uncaught") && !log.contains(":CONSOLE("),
        "the page logged: {log}"
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    let bytes = &pixels[..frame.buffer_size()];
    let channels = frame.color_type.samples();
    // Not blank: the accent blue of the charts, and a fair share of non-white pixels.
    let (mut blue, mut ink) = (0usize, 0usize);
    for p in bytes.chunks(channels) {
        if p[0] < 80 && p[1] < 130 && p[2] > 140 {
            blue += 1;
        }
        if p[0] < 200 || p[1] < 200 || p[2] < 200 {
            ink += 1;
        }
    }
    let total = bytes.len() / channels;
    assert!(blue > total / 200, "{blue} chart-blue pixels of {total}");
    assert!(ink > total / 50, "{ink} inked pixels of {total}");
}

/// The UCI Online Retail export, ingested and cleaned: a real shop's report, with rules named
/// by their products.
#[test]
fn online_retail_report() {
    let Some(export) = common::shared_data("online-retail/online_retail.parquet") else {
        return;
    };
    let wd = Workdir::new();
    let output = wd.run(&[
        "ingest",
        export.to_str().unwrap(),
        "-q",
        "--format",
        "arrow",
        "-o",
        "or.arrow",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&[
        "clean",
        "or.arrow",
        "-q",
        "-o",
        "or.parquet",
        "--manifest",
        "clean.json",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&[
        "report",
        "or.parquet",
        "--currency",
        "£",
        "--clean-manifest",
        "clean.json",
        "-q",
        "-o",
        "or.md",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let md = std::fs::read_to_string(wd.path("or.md")).unwrap();
    let rules = md
        .split("## Bought together")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    assert!(
        rules.contains("rules found") && rules.contains("CHILDRENS"),
        "{rules}"
    );
    assert!(
        md.contains("clean: rejected: return or cancellation"),
        "the clean manifest's reasons"
    );
    assert!(md.contains("£"));
}

/// A Latin-1 export read with `--encoding latin-1` gives the report its UTF-8 twin gives: the
/// input is read once, so every analysis sees the same decoded text (the item names with
/// accents in "Bought together", say). The run details differ only by the inputs' sha256.
#[test]
fn a_latin1_export_reports_as_its_utf8_twin() {
    let wd = Workdir::new();
    let items = ["Crème brûlée", "Café noir", "Pâté", "Thé vert", "Éclair"];
    let mut text = String::from("customer_id,order_id,date,item_name,amount\n");
    for customer in 0..60 {
        for visit in 0..4 {
            let order = format!("O{customer:03}{visit}");
            let day = 1 + (customer * 7 + visit * 11) % 28;
            let month = 1 + (visit * 3 + customer % 3) % 12;
            for k in 0..2 {
                let item = items[(customer + visit + k * (1 + customer % 2)) % items.len()];
                let amount = 3.5 + (customer % 5) as f64 + k as f64;
                text.push_str(&format!(
                    "C{customer:03},{order},2024-{month:02}-{day:02},{item},{amount:.2}\n"
                ));
            }
        }
    }
    wd.write("utf8.csv", &text);
    let latin1: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect();
    assert_ne!(latin1, text.as_bytes(), "the twin differs in its bytes");
    wd.write("latin1.csv", &latin1);
    let output = wd.run(&["report", "utf8.csv", "-o", "utf8.md"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = wd.run(&["report", "latin1.csv", "--encoding", "latin-1", "-o", "latin1.md"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let without_run_details = |name: &str| -> String {
        std::fs::read_to_string(wd.path(name))
            .expect("a report")
            .lines()
            .filter(|line| !line.contains("sha256") && !line.contains("| generated |"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let utf8 = without_run_details("utf8.md");
    assert!(utf8.contains("Crème brûlée"), "{utf8}");
    assert!(utf8.contains("## Bought together"), "{utf8}");
    assert_eq!(utf8, without_run_details("latin1.md"));
}
