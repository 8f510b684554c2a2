//! Progress bars: drawn on a terminal and cleared when the work is done; nothing on a
//! non-terminal or with `-q`, so cron mail stays clean. The terminal is a pseudo-terminal
//! made by util-linux's `script`.

mod common;

use std::process::Command;

use common::{stderr_of, Workdir};

/// 300 categories of monthly sales over three years: 300 series to forecast.
fn orders() -> String {
    let mut text = String::from("customer_id,order_id,ts,category,amount\n");
    let mut n = 0;
    for c in 0..300 {
        for m in 0..36 {
            n += 1;
            text.push_str(&format!(
                "C{},O{n},{}-{:02}-10 10:00:00,cat{c},{}.0\n",
                (c * 7 + m) % 500,
                2021 + m / 12,
                m % 12 + 1,
                5 + (c * 13 + m * 7) % 45
            ));
        }
    }
    text
}

/// What a run of ckm with `args` shows on a pseudo-terminal, or `None` (with a message) where
/// `script` is missing outside CI.
fn on_a_terminal(wd: &Workdir, args: &[&str]) -> Option<String> {
    if Command::new("script").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CKM_REQUIRE_SCRIPT").is_none(),
            "util-linux's script is needed for the terminal tests"
        );
        eprintln!("skipping: util-linux's script (a pseudo-terminal) is not installed");
        return None;
    }
    let command = std::iter::once(assert_cmd::cargo::cargo_bin("ckm").display().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .collect::<Vec<_>>()
        .join(" ");
    let output = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .current_dir(wd.path("."))
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .output()
        .expect("running script");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn a_bar_is_drawn_on_a_terminal_and_cleared() {
    let wd = Workdir::new();
    wd.write("orders.csv", orders());
    let Some(shown) = on_a_terminal(
        &wd,
        &[
            "forecast",
            "sales",
            "orders.csv",
            "--by",
            "category",
            "-o",
            "f.csv",
        ],
    ) else {
        return;
    };
    assert!(shown.contains("forecasting series ["), "{shown}");
    assert!(shown.contains("/300 ("), "{shown}");
    // Cleared: after its last frame the line is erased, and the summary follows.
    let last = shown.rfind("forecasting series [").unwrap();
    let after = &shown[last..];
    let erased = after.find("\x1b[2K").expect("the bar's line erased");
    let summary = after.find("ckm forecast sales").expect("the summary");
    assert!(erased < summary, "{after}");
    assert!(!after[summary..].contains("forecasting series"));

    // The report counts its analyses.
    let Some(shown) = on_a_terminal(&wd, &["report", "orders.csv", "-o", "report.md"]) else {
        return;
    };
    assert!(shown.contains("report: ckm "), "{shown}");
}

#[test]
fn no_bar_without_a_terminal_or_with_quiet() {
    let wd = Workdir::new();
    wd.write("orders.csv", orders());
    let output = wd.run(&[
        "forecast",
        "sales",
        "orders.csv",
        "--by",
        "category",
        "-o",
        "f.csv",
    ]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(!stderr.contains("forecasting series"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "{stderr}");
    let Some(shown) = on_a_terminal(
        &wd,
        &[
            "forecast",
            "sales",
            "orders.csv",
            "--by",
            "category",
            "-q",
            "-o",
            "g.csv",
        ],
    ) else {
        return;
    };
    assert!(!shown.contains("forecasting series"), "{shown}");
}

#[test]
fn the_lines_read_are_counted_on_a_terminal() {
    let wd = Workdir::new();
    // 300,000 lines: `clean` reads them in batches, which the spinner counts.
    let mut text = String::from("customer_id,order_id,ts,amount\n");
    for i in 0..300_000u32 {
        text.push_str(&format!(
            "C{},O{i},2024-{:02}-10 10:00:00,{}.5\n",
            i % 9_000,
            1 + i % 12,
            i % 90
        ));
    }
    wd.write("lines.csv", text);
    let Some(shown) = on_a_terminal(&wd, &["clean", "lines.csv", "-o", "clean.parquet"]) else {
        return;
    };
    assert!(shown.contains("reading and parsing: "), "{shown}");
    assert!(shown.contains(" lines ("), "{shown}");
    // Cleared before the summary.
    let last = shown.rfind("reading and parsing").unwrap();
    let summary = shown.rfind("ckm clean").expect("the summary");
    assert!(last < summary);
    assert!(!shown[summary..].contains("reading and parsing"), "{shown}");
}
