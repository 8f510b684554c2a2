//! `ckm report`: runs the other subcommands in-process (or takes their outputs), adds the
//! figures only a report needs (key figures against the previous period, monthly cohorts,
//! channels), and renders one document as HTML, Markdown or a terminal summary.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Parser;
use polars::prelude::*;

use crate::cli::{Cli, ReportArgs, ReportFormat};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::{civil_from_days, day_text, parse_ymd};
use crate::io::report::sections::{self, money, unit};
use crate::io::report::{self, Block, Chart, ChartKind, Document, Figure, Section, Table};
use crate::io::{self, schema, write};
use crate::printer::{thousands, Printer};

const MS_PER_DAY: i64 = 86_400_000;
/// Days in the "recent" window compared with the one before it.
const RECENT_DAYS: i64 = 30;
/// Cohorts shown, and months after the first purchase.
const COHORTS: usize = 12;
const COHORT_MONTHS: usize = 12;

/// One transaction line the report's own figures need.
struct Line {
    customer: u32,
    order: u64,
    day: i64,
    amount: f64,
    channel: Option<u32>,
}

struct Transactions {
    lines: Vec<Line>,
    channels: Vec<String>,
    lines_in: u64,
    unusable: u64,
    has_orders: bool,
}

fn read_transactions(
    planned: &io::PlannedInputs,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<Transactions> {
    let table = io::read_planned(
        planned,
        |frame, columns| {
            let amount = if columns.contains(schema::AMOUNT) {
                col(schema::AMOUNT)
            } else {
                col(schema::QUANTITY) * col(schema::UNIT_PRICE)
            };
            let mut selected = vec![
                col(schema::CUSTOMER_ID).cast(DataType::String),
                col(schema::TS).cast(DataType::Int64),
                amount.cast(DataType::Float64).alias(schema::AMOUNT),
            ];
            for name in [schema::ORDER_ID, schema::CHANNEL] {
                if columns.contains(name) {
                    selected.push(col(name).cast(DataType::String));
                }
            }
            frame.select(selected)
        },
        record,
        printer,
    )?;
    let ids = table.column(schema::CUSTOMER_ID)?.str()?;
    let ts = table.column(schema::TS)?.i64()?;
    let amounts = table.column(schema::AMOUNT)?.f64()?;
    let orders = table
        .column(schema::ORDER_ID)
        .ok()
        .map(|c| c.str().cloned())
        .transpose()?;
    let channels = table
        .column(schema::CHANNEL)
        .ok()
        .map(|c| c.str().cloned())
        .transpose()?;
    let mut customer_index: HashMap<&str, u32> = HashMap::new();
    let mut order_index: HashMap<&str, u64> = HashMap::new();
    let mut channel_index: HashMap<&str, u32> = HashMap::new();
    let mut channel_names = Vec::new();
    let mut lines = Vec::with_capacity(table.height());
    let mut unusable = 0;
    for i in 0..table.height() {
        let (Some(id), Some(t)) = (ids.get(i), ts.get(i)) else {
            unusable += 1;
            continue;
        };
        let next = customer_index.len() as u32;
        let customer = *customer_index.entry(id).or_insert(next);
        let day = t.div_euclid(MS_PER_DAY);
        // Without an order id, a customer's purchases on one day are one order.
        let order = match orders.as_ref().and_then(|o| o.get(i)) {
            Some(o) => {
                let next = order_index.len() as u64;
                *order_index.entry(o).or_insert(next)
            }
            None => (1u64 << 63) | ((customer as u64) << 24) ^ (day as u64 & 0xFF_FFFF),
        };
        let channel = channels.as_ref().and_then(|c| c.get(i)).map(|name| {
            let next = channel_index.len() as u32;
            *channel_index.entry(name).or_insert_with(|| {
                channel_names.push(name.to_string());
                next
            })
        });
        lines.push(Line {
            customer,
            order,
            day,
            amount: amounts.get(i).unwrap_or(0.0),
            channel,
        });
    }
    if lines.is_empty() {
        return Err(CkmError::invalid(
            "no line has both a customer_id and a timestamp; check the input with ckm ingest --explain",
        ));
    }
    Ok(Transactions {
        lines,
        channels: channel_names,
        lines_in: table.height() as u64,
        unusable,
        has_orders: orders.is_some(),
    })
}

fn change(now: f64, before: f64) -> Option<String> {
    (before > 0.0).then(|| {
        format!(
            "{:+.1}% vs previous {RECENT_DAYS} days",
            100.0 * (now / before - 1.0)
        )
    })
}

fn month_key(day: i64) -> i64 {
    let (y, m, _) = civil_from_days(day);
    y * 12 + (m as i64 - 1)
}

fn month_text(key: i64) -> String {
    format!("{}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1)
}

/// Totals over the lines of days in [from, to].
struct Window {
    customers: usize,
    orders: usize,
    revenue: f64,
}

fn window(tx: &Transactions, from: i64, to: i64) -> Window {
    let mut customers = HashSet::new();
    let mut orders = HashSet::new();
    let mut revenue = 0.0;
    for l in tx.lines.iter().filter(|l| l.day >= from && l.day <= to) {
        customers.insert(l.customer);
        orders.insert(l.order);
        revenue += l.amount;
    }
    Window {
        customers: customers.len(),
        orders: orders.len(),
        revenue,
    }
}

fn key_figures(tx: &Transactions, as_of: i64, currency: &str) -> (Section, Vec<(String, String)>) {
    let first = tx.lines.iter().map(|l| l.day).min().unwrap_or(as_of);
    let last = tx.lines.iter().map(|l| l.day).max().unwrap_or(as_of);
    let all = window(tx, i64::MIN, as_of);
    let mut orders_per_customer: HashMap<u32, HashSet<u64>> = HashMap::new();
    for l in tx.lines.iter().filter(|l| l.day <= as_of) {
        orders_per_customer.entry(l.customer).or_default().insert(l.order);
    }
    let repeaters = orders_per_customer.values().filter(|o| o.len() >= 2).count();
    let recent = window(tx, as_of - RECENT_DAYS + 1, as_of);
    let before = window(tx, as_of - 2 * RECENT_DAYS + 1, as_of - RECENT_DAYS);
    let aov = |w: &Window| {
        if w.orders > 0 {
            w.revenue / w.orders as f64
        } else {
            0.0
        }
    };
    let figures = vec![
        Figure {
            label: "Customers".into(),
            value: thousands(all.customers as u64),
            change: None,
        },
        Figure {
            label: if tx.has_orders {
                "Orders".into()
            } else {
                "Orders (customer-days)".into()
            },
            value: thousands(all.orders as u64),
            change: None,
        },
        Figure {
            label: "Revenue".into(),
            value: money(all.revenue, currency),
            change: None,
        },
        Figure {
            label: "Average order value".into(),
            value: format!("{:.2}", aov(&all)),
            change: None,
        },
        Figure {
            label: "Repeat-purchase rate".into(),
            value: format!(
                "{:.1}%",
                100.0 * repeaters as f64 / orders_per_customer.len().max(1) as f64
            ),
            change: None,
        },
        Figure {
            label: "Period covered".into(),
            value: format!("{} to {}", day_text(first), day_text(last.min(as_of))),
            change: None,
        },
        Figure {
            label: format!("Active customers, last {RECENT_DAYS} days"),
            value: thousands(recent.customers as u64),
            change: change(recent.customers as f64, before.customers as f64),
        },
        Figure {
            label: format!("Orders, last {RECENT_DAYS} days"),
            value: thousands(recent.orders as u64),
            change: change(recent.orders as f64, before.orders as f64),
        },
        Figure {
            label: format!("Revenue, last {RECENT_DAYS} days"),
            value: money(recent.revenue, currency),
            change: change(recent.revenue, before.revenue),
        },
        Figure {
            label: format!("Average order value, last {RECENT_DAYS} days"),
            value: format!("{:.2}", aov(&recent)),
            change: change(aov(&recent), aov(&before)),
        },
    ];
    let terminal = figures
        .iter()
        .map(|f| {
            (
                f.label.clone(),
                match &f.change {
                    Some(c) => format!("{} ({c})", f.value),
                    None => f.value.clone(),
                },
            )
        })
        .collect();
    (
        Section {
            id: "key-figures",
            title: "Key figures".into(),
            blocks: vec![Block::Figures(figures)],
        },
        terminal,
    )
}

/// Share of each monthly cohort (customers by the month of their first purchase) who bought
/// again 0..11 months later.
fn cohorts(tx: &Transactions, as_of: i64) -> Option<Section> {
    let mut first: HashMap<u32, i64> = HashMap::new();
    let mut active: HashSet<(u32, i64)> = HashSet::new();
    for l in tx.lines.iter().filter(|l| l.day <= as_of) {
        let m = month_key(l.day);
        first
            .entry(l.customer)
            .and_modify(|f| *f = (*f).min(m))
            .or_insert(m);
        active.insert((l.customer, m));
    }
    let last_month = month_key(as_of);
    let mut sizes: BTreeMap<i64, usize> = BTreeMap::new();
    for &m in first.values() {
        *sizes.entry(m).or_default() += 1;
    }
    let cohorts: Vec<i64> = sizes.keys().rev().take(COHORTS).rev().copied().collect();
    if cohorts.len() < 2 {
        return None;
    }
    let mut counts: HashMap<(i64, usize), usize> = HashMap::new();
    for &(c, m) in &active {
        let f = first[&c];
        let offset = (m - f) as usize;
        if offset < COHORT_MONTHS {
            *counts.entry((f, offset)).or_default() += 1;
        }
    }
    let values: Vec<Vec<Option<f64>>> = cohorts
        .iter()
        .map(|&c| {
            (0..COHORT_MONTHS)
                .map(|k| {
                    (c + k as i64 <= last_month)
                        .then(|| counts.get(&(c, k)).copied().unwrap_or(0) as f64 / sizes[&c] as f64)
                })
                .collect()
        })
        .collect();
    let columns: Vec<String> = (0..COHORT_MONTHS).map(|k| format!("+{k}")).collect();
    let rows: Vec<String> = cohorts
        .iter()
        .map(|&c| format!("{} ({})", month_text(c), sizes[&c]))
        .collect();
    let data = Table {
        caption: "Share of each cohort active N months after its first purchase (%)".into(),
        header: std::iter::once("cohort (customers)".to_string())
            .chain(columns.iter().cloned())
            .collect(),
        rows: rows
            .iter()
            .zip(&values)
            .map(|(r, v)| {
                std::iter::once(r.clone())
                    .chain(
                        v.iter()
                            .map(|x| x.map(|x| format!("{:.0}", 100.0 * x)).unwrap_or_default()),
                    )
                    .collect()
            })
            .collect(),
    };
    let month1: Vec<f64> = values
        .iter()
        .filter_map(|v| v.get(1).copied().flatten())
        .collect();
    let summary = format!(
        "Each row is the customers who first bought in that month; each cell the share of them who bought in the month N months later. On average {:.0}% came back the month after their first purchase.",
        100.0 * month1.iter().sum::<f64>() / month1.len().max(1) as f64
    );
    Some(Section {
        id: "cohorts",
        title: "Cohort retention".into(),
        blocks: vec![Block::Chart(Box::new(Chart {
            title: "Monthly cohort retention".into(),
            x_label: "months after the first purchase".into(),
            y_label: "first-purchase month (customers)".into(),
            summary,
            kind: ChartKind::Heatmap {
                rows,
                columns,
                values,
                percent: true,
            },
            data,
        }))],
    })
}

fn channels(tx: &Transactions, currency: &str) -> Option<Section> {
    if tx.channels.len() < 2 {
        return None;
    }
    let mut revenue = vec![0.0; tx.channels.len()];
    let mut customers: Vec<HashSet<u32>> = vec![HashSet::new(); tx.channels.len()];
    let mut orders: Vec<HashSet<u64>> = vec![HashSet::new(); tx.channels.len()];
    for l in &tx.lines {
        if let Some(c) = l.channel {
            revenue[c as usize] += l.amount;
            customers[c as usize].insert(l.customer);
            orders[c as usize].insert(l.order);
        }
    }
    let total: f64 = revenue.iter().sum();
    let mut order: Vec<usize> = (0..tx.channels.len()).collect();
    order.sort_by(|&a, &b| revenue[b].total_cmp(&revenue[a]));
    let rows: Vec<Vec<String>> = order
        .iter()
        .map(|&c| {
            vec![
                tx.channels[c].clone(),
                thousands(customers[c].len() as u64),
                thousands(orders[c].len() as u64),
                money(revenue[c], currency),
                format!("{:.1}%", 100.0 * revenue[c] / total.max(1e-9)),
            ]
        })
        .collect();
    let table = Table {
        caption: String::new(),
        header: ["channel", "customers", "orders", "revenue", "% revenue"]
            .map(String::from)
            .to_vec(),
        rows,
    };
    Some(Section {
        id: "channels",
        title: "Channels".into(),
        blocks: vec![Block::Chart(Box::new(Chart {
            title: "Revenue by channel".into(),
            x_label: format!("revenue{}", unit(currency)),
            y_label: "channel".into(),
            summary: format!(
                "{} brings the most revenue ({:.1}%).",
                tx.channels[order[0]],
                100.0 * revenue[order[0]] / total.max(1e-9)
            ),
            kind: ChartKind::Bars {
                labels: order.iter().map(|&c| tx.channels[c].clone()).collect(),
                values: order.iter().map(|&c| revenue[c]).collect(),
            },
            data: table,
        }))],
    })
}

/// The input for the sub-runs: a file (stdin is spooled to one, since every sub-run reads it).
fn input_path(input: &str, scratch: &Path) -> Result<String> {
    if input != "-" {
        return Ok(input.to_string());
    }
    let path = scratch.join("stdin.input");
    let mut file = std::fs::File::create(&path)?;
    std::io::copy(&mut std::io::stdin().lock(), &mut file).context("reading stdin")?;
    Ok(path.display().to_string())
}

/// Runs `ckm ARGS` in-process, as if typed; its warnings join the report's.
fn sub_run(args: &[String], record: &mut RunRecord) -> Result<()> {
    let cli = Cli::try_parse_from(std::iter::once("ckm".to_string()).chain(args.iter().cloned()))
        .map_err(|e| CkmError::usage(format!("ckm {}: {e}", args.join(" "))))?;
    let mut sub = RunRecord::new(cli.command.name());
    let result = crate::commands::run(cli.command, &mut sub);
    for w in sub.warnings {
        record.warnings.push(format!("{}: {w}", args[0]));
    }
    result
}

pub fn run(args: ReportArgs, record: &mut RunRecord) -> Result<()> {
    let printer = Printer::new(args.quiet);
    let format = match (args.format, &args.output) {
        (Some(f), _) => f,
        (None, None) => ReportFormat::Terminal,
        (None, Some(path)) => match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("html" | "htm") => ReportFormat::Html,
            Some("md" | "markdown") => ReportFormat::Md,
            _ => {
                return Err(CkmError::usage(format!(
                    "{}: the report is .html or .md (or give --format html|md)",
                    path.display()
                )))
            }
        },
    };
    if format != ReportFormat::Terminal && args.output.is_none() {
        return Err(CkmError::usage("--format html|md needs -o PATH"));
    }
    let scratch = tempfile::tempdir().context("creating a scratch directory")?;
    let input = input_path(&args.input, scratch.path())?;
    record.parameter("input", &args.input);
    record.parameter("title", &args.title);

    let planned = io::plan_inputs(std::slice::from_ref(&input), &args.read)?;
    let tx = read_transactions(&planned, record, &printer)?;
    io::record_inputs(&planned.sources, &[tx.lines_in], record, true)?;
    record.mark("read");
    let latest = tx.lines.iter().map(|l| l.day).max().expect("lines are not empty");
    let as_of = match &args.as_of {
        Some(text) => parse_ymd(text.trim())
            .ok_or_else(|| CkmError::usage(format!("--as-of '{text}': expected YYYY-MM-DD")))?,
        None => latest,
    };
    let read_flags = read_flags(&args.read);
    let path_of = |name: &str| scratch.path().join(name);
    let mut missing: Vec<String> = Vec::new();
    // The other subcommands, or the files given instead.
    let mut product = |given: &Option<PathBuf>,
                       name: &str,
                       command: Vec<String>,
                       record: &mut RunRecord|
     -> Option<PathBuf> {
        if let Some(path) = given {
            return Some(path.clone());
        }
        let out = path_of(name);
        let mut argv = command;
        argv.extend(["-q".to_string(), "-o".to_string(), out.display().to_string()]);
        argv.extend(read_flags.iter().cloned());
        match sub_run(&argv, record) {
            Ok(()) => Some(out),
            Err(e) => {
                missing.push(format!("ckm {}: {e:#}", argv[0]));
                None
            }
        }
    };
    let item_column = item_column(&planned, record, &printer);
    let segments = product(
        &args.segments,
        "segments.csv",
        vec![
            "segment".into(),
            input.clone(),
            "--clusters".into(),
            "5".into(),
            "--profiles".into(),
            path_of("profiles.csv").display().to_string(),
        ],
        record,
    );
    let rules = product(
        &args.rules,
        "rules.csv",
        vec![
            "rules".into(),
            input.clone(),
            "--item-col".into(),
            item_column,
            "--min-support".into(),
            "0.005".into(),
            "--min-confidence".into(),
            "0.2".into(),
        ],
        record,
    );
    let forecast = product(
        &args.forecast,
        "forecast.csv",
        vec![
            "forecast".into(),
            "sales".into(),
            input.clone(),
            "--period".into(),
            "month".into(),
            "--horizon".into(),
            "6".into(),
        ],
        record,
    );
    let clv = product(
        &args.clv,
        "clv.csv",
        vec!["forecast".into(), "customers".into(), input.clone()],
        record,
    );
    let churn = product(
        &args.churn,
        "churn.csv",
        vec!["churn".into(), input.clone(), "--method".into(), "bgnbd".into()],
        record,
    );
    record.mark("analyses");
    for m in &missing {
        record.warn(&printer, format!("left out of the report: {m}"));
    }
    let currency = args.currency.trim();

    let (key, terminal_figures) = key_figures(&tx, as_of, currency);
    let mut sections = vec![key];
    if let Some(path) = &forecast {
        sections.push(sections::revenue(path, currency)?);
    }
    if let Some(path) = &segments {
        let profiles = if args.segments.is_none() {
            Some(path_of("profiles.csv"))
        } else {
            None
        };
        sections.extend(sections::segments(path, profiles.as_deref(), currency)?);
    }
    sections.extend(cohorts(&tx, as_of));
    sections.extend(channels(&tx, currency));
    if let (Some(customers), Some(path)) = (&args.customers, &segments) {
        sections.extend(sections::attributes(customers, path, currency)?);
    }
    if let Some(path) = &rules {
        sections.push(sections::rules(path)?);
    }
    if let Some(path) = &clv {
        sections.push(sections::clv(path, currency)?);
    }
    if let Some(path) = &churn {
        sections.push(sections::churn(
            path,
            clv.as_deref(),
            segments.as_deref(),
            currency,
        )?);
    }
    sections.push(sections::data_quality(
        tx.lines_in,
        tx.unusable,
        args.clean_manifest.as_deref(),
        &missing,
    )?);
    let mut run_rows = vec![
        vec!["as of".to_string(), day_text(as_of)],
        vec!["ckm version".into(), env!("CARGO_PKG_VERSION").into()],
        vec![
            "generated".into(),
            chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        ],
    ];
    for i in &record.inputs {
        run_rows.push(vec![
            format!("input {}", i.path),
            format!(
                "{} rows, sha256 {}",
                thousands(i.rows),
                i.sha256.clone().unwrap_or_default()
            ),
        ]);
    }
    for (flag, given) in [
        ("--segments", &args.segments),
        ("--rules", &args.rules),
        ("--forecast", &args.forecast),
        ("--clv", &args.clv),
        ("--churn", &args.churn),
        ("--customers", &args.customers),
        ("--clean-manifest", &args.clean_manifest),
    ] {
        if let Some(path) = given {
            let (_, sha) = write::hash_file(path)?;
            run_rows.push(vec![
                flag.to_string(),
                format!("{} (sha256 {sha})", path.display()),
            ]);
        }
    }
    run_rows.push(vec![
        "analyses".into(),
        "segment --clusters 5; rules --min-support 0.005 --min-confidence 0.2; forecast sales --period month --horizon 6; forecast customers (BG/NBD + Gamma-Gamma); churn --method bgnbd".into(),
    ]);
    sections.push(Section {
        id: "run",
        title: "Run details".into(),
        blocks: vec![Block::Table(Table {
            caption: String::new(),
            header: vec!["".into(), "".into()],
            rows: run_rows,
        })],
    });
    let doc = Document {
        title: args.title.clone(),
        subtitle: format!(
            "As of {}{}",
            day_text(as_of),
            if currency.is_empty() {
                String::new()
            } else {
                format!(" · amounts in {currency}")
            }
        ),
        sections,
    };
    record.mark("render");
    match (format, &args.output) {
        (ReportFormat::Terminal, _) => {
            let printer = Printer::new(false);
            printer.summary(&args.title, &terminal_figures);
            for s in doc.sections.iter().filter(|s| s.id == "segments") {
                if let Some(Block::Chart(chart)) = s.blocks.first() {
                    printer.table(&chart.data.header, &chart.data.rows);
                }
            }
        }
        (format, Some(path)) => {
            let text = if format == ReportFormat::Html {
                report::html(&doc)
            } else {
                report::markdown(&doc)
            };
            let (bytes, sha) = write::write_atomically(path, true, |w| Ok(w.write_all(text.as_bytes())?))?;
            record.outputs.push(write::WrittenFile {
                path: path.display().to_string(),
                format: if format == ReportFormat::Html {
                    "html".into()
                } else {
                    "markdown".into()
                },
                rows: doc.sections.len(),
                bytes,
                sha256: sha,
            });
            record.figure("sections", doc.sections.len());
            record.figure("report", path.display().to_string());
            printer.summary("ckm report", &record.summary_rows());
        }
        (_, None) => unreachable!("checked above"),
    }
    if let Some(path) = &args.manifest {
        record.write(path)?;
    }
    Ok(())
}

/// The read options, passed on to the sub-runs.
fn read_flags(read: &crate::cli::ReadArgs) -> Vec<String> {
    let mut flags = Vec::new();
    for m in &read.map {
        flags.extend(["--map".to_string(), m.clone()]);
    }
    if read.dayfirst {
        flags.push("--dayfirst".into());
    }
    if let Some(f) = &read.date_format {
        flags.extend(["--date-format".to_string(), f.clone()]);
    }
    if let Some(d) = read.delimiter {
        flags.extend(["--delimiter".to_string(), d.to_string()]);
    }
    flags
}

/// The item column for the rules: the most complete of item_id, item_name and category.
fn item_column(planned: &io::PlannedInputs, record: &mut RunRecord, printer: &Printer) -> String {
    let candidates = [schema::ITEM_ID, schema::ITEM_NAME, schema::CATEGORY];
    let counts = io::read_planned(
        planned,
        |frame, columns| {
            let present: Vec<Expr> = candidates
                .iter()
                .filter(|c| columns.contains(c))
                .map(|c| col(*c).is_not_null().cast(DataType::UInt64).sum().alias(*c))
                .collect();
            if present.is_empty() {
                frame.select([lit(0u64).alias("none")])
            } else {
                frame.select(present)
            }
        },
        record,
        printer,
    );
    let Ok(counts) = counts else {
        return schema::ITEM_ID.to_string();
    };
    candidates
        .iter()
        .filter_map(|c| {
            let n = counts.column(c).ok()?.u64().ok()?.get(0)?;
            Some((c, n))
        })
        // The most complete; on a tie the first (item_id before item_name before category).
        .fold(None, |best: Option<(&&str, u64)>, (c, n)| match best {
            Some((_, b)) if b >= n => best,
            _ => Some((c, n)),
        })
        .map(|(c, _)| c.to_string())
        .unwrap_or_else(|| schema::ITEM_ID.to_string())
}
