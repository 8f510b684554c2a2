//! `ckm report`: runs the other subcommands in-process (or takes their outputs), adds the
//! figures only a report needs (key figures against the previous period, monthly cohorts,
//! channels), and renders one document as HTML, Markdown or a terminal summary.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};
use polars::prelude::*;

use crate::cli::{Cli, ReportArgs, ReportFormat};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::{civil_from_days, day_text, parse_ymd, MS_PER_DAY};
use crate::io::report::sections::{self, money, unit};
use crate::io::report::{self, Block, Chart, ChartKind, Document, Figure, Section, Table};
use crate::io::{self, schema, write};
use crate::prepare::orders;
use crate::printer::{thousands, Printer};

/// Days in the "recent" window compared with the one before it.
const RECENT_DAYS: i64 = 30;
/// Cohorts shown, and months after the first purchase.
const COHORTS: usize = 12;
const COHORT_MONTHS: usize = 12;

/// One order (see `prepare::orders`): what the report's own figures need.
struct Order {
    customer: u32,
    day: i64,
    amount: f64,
    channel: Option<u32>,
}

struct Transactions {
    orders: Vec<Order>,
    customers: usize,
    channels: Vec<String>,
    lines_in: u64,
    unusable: u64,
    /// The most complete item column, for the rules; `None` when no line has an item.
    item_column: Option<String>,
}

const ORDER: &str = "__ckm_order";
const ORDER_DAY: &str = "__ckm_order_day";
const LINES: &str = "__ckm_lines";
const UNUSABLE: &str = "__ckm_unusable";

/// Two streaming passes: counts (lines, lines without customer or ts, values per item
/// column), then the lines grouped into orders by the engine, so the rest works on orders.
fn read_transactions(
    planned: &io::PlannedInputs,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<Transactions> {
    let items = [schema::ITEM_NAME, schema::ITEM_ID, schema::CATEGORY];
    let counts = io::read_planned(
        planned,
        |frame, columns| {
            let mut selected = vec![
                len().cast(DataType::UInt64).alias(LINES),
                (col(schema::CUSTOMER_ID).is_null().or(col(schema::TS).is_null()))
                    .cast(DataType::UInt64)
                    .sum()
                    .alias(UNUSABLE),
            ];
            for c in items
                .iter()
                .chain([&schema::ORDER_ID])
                .filter(|c| columns.contains(c))
            {
                selected.push(col(*c).is_not_null().cast(DataType::UInt64).sum().alias(*c));
            }
            frame.select(selected)
        },
        record,
        printer,
    )?;
    let count = |name: &str| -> u64 {
        counts
            .column(name)
            .ok()
            .and_then(|c| c.cast(&DataType::UInt64).ok())
            .and_then(|c| c.u64().ok().and_then(|v| v.get(0)))
            .unwrap_or(0)
    };
    // The most complete; on a tie the first: names read better in a report than codes.
    let item_column = items
        .iter()
        .fold((None, 0), |best, c| {
            if count(c) > best.1 {
                (Some(c.to_string()), count(c))
            } else {
                best
            }
        })
        .0;
    let every_line_has_an_order_id = count(schema::ORDER_ID) == count(LINES);
    let table = io::read_planned(
        planned,
        |frame, columns| {
            let amount = io::line_amount(columns);
            let ts = col(schema::TS).cast(DataType::Int64);
            let [order, order_day] = orders::order_key_parts(columns);
            let mut keys = vec![
                col(schema::CUSTOMER_ID).cast(DataType::String),
                order.alias(ORDER),
            ];
            // The day part is null on every line that has an order id: a key column less to
            // group by (and to hold) when all of them have one.
            if !every_line_has_an_order_id {
                keys.push(order_day.alias(ORDER_DAY));
            }
            let mut aggregates = vec![
                (ts.clone().min() / lit(MS_PER_DAY)).alias(schema::TS),
                amount.sum().alias(schema::AMOUNT),
            ];
            if columns.contains(schema::CHANNEL) {
                aggregates.push(
                    col(schema::CHANNEL)
                        .cast(DataType::String)
                        .first()
                        .alias(schema::CHANNEL),
                );
            }
            frame
                .filter(
                    col(schema::CUSTOMER_ID)
                        .is_not_null()
                        .and(col(schema::TS).is_not_null()),
                )
                .group_by(keys)
                .agg(aggregates)
        },
        record,
        printer,
    )?;
    let ids = table.column(schema::CUSTOMER_ID)?.str()?;
    let days = table.column(schema::TS)?.cast(&DataType::Int64)?;
    let days = days.i64()?;
    let amounts = table.column(schema::AMOUNT)?.f64()?;
    let channels = table
        .column(schema::CHANNEL)
        .ok()
        .map(|c| c.str().cloned())
        .transpose()?;
    let mut customer_index: HashMap<&str, u32> = HashMap::new();
    let mut channel_index: HashMap<&str, u32> = HashMap::new();
    let mut channel_names = Vec::new();
    let mut orders = Vec::with_capacity(table.height());
    for i in 0..table.height() {
        let (Some(id), Some(day)) = (ids.get(i), days.get(i)) else {
            continue;
        };
        let next = customer_index.len() as u32;
        let customer = *customer_index.entry(id).or_insert(next);
        let channel = channels.as_ref().and_then(|c| c.get(i)).map(|name| {
            let next = channel_index.len() as u32;
            *channel_index.entry(name).or_insert_with(|| {
                channel_names.push(name.to_string());
                next
            })
        });
        orders.push(Order {
            customer,
            day,
            amount: amounts.get(i).unwrap_or(0.0),
            channel,
        });
    }
    if orders.is_empty() {
        return Err(CkmError::invalid(
            "no line has both a customer_id and a timestamp; check the input with ckm ingest --explain",
        ));
    }
    // The engine's group order varies with threads; sorted, the report is the same every run.
    orders.sort_by(|a, b| {
        a.customer
            .cmp(&b.customer)
            .then(a.day.cmp(&b.day))
            .then(a.amount.total_cmp(&b.amount))
    });
    Ok(Transactions {
        orders,
        customers: customer_index.len(),
        channels: channel_names,
        lines_in: count(LINES),
        unusable: count(UNUSABLE),
        item_column,
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

/// Totals over the orders of days in [from, to].
struct Window {
    customers: usize,
    orders: usize,
    revenue: f64,
}

fn window(tx: &Transactions, from: i64, to: i64) -> Window {
    let mut seen = vec![false; tx.customers];
    let (mut customers, mut orders, mut revenue) = (0, 0, 0.0);
    for o in tx.orders.iter().filter(|o| o.day >= from && o.day <= to) {
        if !seen[o.customer as usize] {
            seen[o.customer as usize] = true;
            customers += 1;
        }
        orders += 1;
        revenue += o.amount;
    }
    Window {
        customers,
        orders,
        revenue,
    }
}

fn key_figures(tx: &Transactions, as_of: i64, currency: &str) -> (Section, Vec<(String, String)>) {
    let first = tx.orders.iter().map(|o| o.day).min().unwrap_or(as_of);
    let last = tx.orders.iter().map(|o| o.day).max().unwrap_or(as_of);
    let all = window(tx, i64::MIN, as_of);
    let mut orders_per_customer = vec![0u32; tx.customers];
    for o in tx.orders.iter().filter(|o| o.day <= as_of) {
        orders_per_customer[o.customer as usize] += 1;
    }
    let buyers = orders_per_customer.iter().filter(|&&n| n >= 1).count();
    let repeaters = orders_per_customer.iter().filter(|&&n| n >= 2).count();
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
            label: "Orders".into(),
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
            value: format!("{:.1}%", 100.0 * repeaters as f64 / buyers.max(1) as f64),
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
    let mut active: Vec<(u32, i64)> = tx
        .orders
        .iter()
        .filter(|o| o.day <= as_of)
        .map(|o| (o.customer, month_key(o.day)))
        .collect();
    active.sort_unstable();
    active.dedup();
    for &(c, m) in &active {
        first.entry(c).or_insert(m);
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
    let mut seen = vec![vec![false; tx.customers]; tx.channels.len()];
    let mut customers = vec![0usize; tx.channels.len()];
    let mut orders = vec![0usize; tx.channels.len()];
    for o in &tx.orders {
        if let Some(c) = o.channel {
            let c = c as usize;
            revenue[c] += o.amount;
            orders[c] += 1;
            if !seen[c][o.customer as usize] {
                seen[c][o.customer as usize] = true;
                customers[c] += 1;
            }
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
                thousands(customers[c] as u64),
                thousands(orders[c] as u64),
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
    let bytes = std::io::copy(&mut std::io::stdin().lock(), &mut file).context("reading stdin")?;
    if bytes == 0 {
        return Err(CkmError::invalid(
            "stdin is empty; expected a transactions table (e.g. ckm clean ... --format arrow | ckm report -)",
        ));
    }
    Ok(path.display().to_string())
}

/// One analysis the report shows: the file that replaces it (`--segments` and the like), its
/// scratch output, its command line, and why the input cannot have it (such an analysis is
/// not run, and the report says why).
struct Analysis<'a> {
    given: &'a Option<PathBuf>,
    output: &'static str,
    command: Vec<String>,
    cannot_run: Option<String>,
}

/// Runs `ckm ARGS` in-process, as if typed; its warnings join the report's.
fn sub_run(args: &[String]) -> (Result<()>, Vec<String>) {
    let cli = match Cli::try_parse_from(std::iter::once("ckm".to_string()).chain(args.iter().cloned())) {
        Ok(cli) => cli,
        Err(e) => {
            return (
                Err(CkmError::usage(format!("ckm {}: {e}", args.join(" ")))),
                Vec::new(),
            )
        }
    };
    let mut sub = RunRecord::new(cli.command.name());
    let result = crate::commands::run(cli.command, &mut sub);
    (result, sub.warnings)
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
    let latest = tx
        .orders
        .iter()
        .map(|o| o.day)
        .max()
        .expect("orders are not empty");
    let as_of = match &args.as_of {
        Some(text) => parse_ymd(text.trim())
            .ok_or_else(|| CkmError::usage(format!("--as-of '{text}': expected YYYY-MM-DD")))?,
        None => latest,
    };
    let read_flags = read_flags(&args.read);
    let path_of = |name: &str| scratch.path().join(name);
    let item_column = tx.item_column.clone().unwrap_or_default();
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
    let profiles_path = path_of("profiles.csv").display().to_string();
    let no_items = tx.item_column.is_none().then(|| {
        format!(
            "ckm rules: no line has an {}, {} or {} to find rules among",
            schema::ITEM_NAME,
            schema::ITEM_ID,
            schema::CATEGORY
        )
    });
    let jobs = [
        Analysis {
            given: &args.segments,
            output: "segments.csv",
            command: strings(&["segment", &input, "--clusters", "5", "--profiles", &profiles_path]),
            cannot_run: None,
        },
        Analysis {
            given: &args.rules,
            output: "rules.csv",
            command: strings(&[
                "rules",
                &input,
                "--item-col",
                &item_column,
                "--min-support",
                "0.005",
                "--min-confidence",
                "0.2",
            ]),
            cannot_run: no_items,
        },
        Analysis {
            given: &args.forecast,
            output: "forecast.csv",
            command: strings(&["forecast", "sales", &input, "--period", "month", "--horizon", "6"]),
            cannot_run: None,
        },
        Analysis {
            given: &args.clv,
            output: "clv.csv",
            command: strings(&["forecast", "customers", &input]),
            cannot_run: None,
        },
        Analysis {
            given: &args.churn,
            output: "churn.csv",
            command: strings(&["churn", &input, "--method", "bgnbd"]),
            cannot_run: None,
        },
    ];
    // The analyses that are not given run two at a time: most of each is one thread's work
    // (hashing ids), and this machine class has two cores.
    let to_run: Vec<(usize, Vec<String>)> = jobs
        .iter()
        .enumerate()
        .filter(|(_, job)| job.given.is_none() && job.cannot_run.is_none())
        .map(|(k, job)| {
            let mut argv = job.command.clone();
            argv.extend([
                "-q".to_string(),
                "-o".to_string(),
                path_of(job.output).display().to_string(),
            ]);
            argv.extend(read_flags.iter().cloned());
            (k, argv)
        })
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<(usize, Result<()>, Vec<String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((k, argv)) = to_run.get(i) else { break };
                        let (result, warnings) = sub_run(argv);
                        done.push((*k, result, warnings));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("an analysis thread panicked"))
            .collect()
    });
    let mut missing: Vec<String> = jobs
        .iter()
        .filter(|job| job.given.is_none())
        .filter_map(|job| job.cannot_run.clone())
        .collect();
    let mut outputs: Vec<Option<PathBuf>> = jobs.iter().map(|job| job.given.clone()).collect();
    let mut results = results;
    results.sort_by_key(|r| r.0);
    for (k, result, warnings) in results {
        let name = jobs[k].command[0].clone();
        record
            .warnings
            .extend(warnings.into_iter().map(|w| format!("{name}: {w}")));
        match result {
            Ok(()) => outputs[k] = Some(path_of(jobs[k].output)),
            Err(e) => missing.push(format!("ckm {}: {e:#}", jobs[k].command[..2].join(" "))),
        }
    }
    let [segments, rules, forecast, clv, churn]: [Option<PathBuf>; 5] =
        outputs.try_into().expect("five analyses");
    record.mark("analyses");
    for m in &missing {
        record.warn(&printer, format!("left out of the report: {m}"));
    }
    let currency = args.currency.trim();

    let segments = segments.as_deref().map(sections::read_segments).transpose()?;
    let clv = clv.as_deref().map(sections::read_clv).transpose()?;
    let (key, terminal_figures) = key_figures(&tx, as_of, currency);
    let mut sections = vec![key];
    if let Some(path) = &forecast {
        sections.push(sections::revenue(path, currency)?);
        record.mark("section_revenue");
    }
    if let Some(table) = &segments {
        let profiles = if args.segments.is_none() {
            Some(path_of("profiles.csv"))
        } else {
            None
        };
        sections.extend(sections::segments(table, profiles.as_deref(), currency)?);
        record.mark("section_segments");
    }
    sections.extend(cohorts(&tx, as_of));
    sections.extend(channels(&tx, currency));
    record.mark("section_cohorts_channels");
    if let (Some(customers), Some(table)) = (&args.customers, &segments) {
        sections.extend(sections::attributes(customers, table, currency)?);
    }
    if let Some(path) = &rules {
        sections.push(sections::rules(path)?);
    }
    if let Some(table) = &clv {
        sections.push(sections::clv(table, currency)?);
        record.mark("section_clv");
    }
    if let Some(path) = &churn {
        sections.push(sections::churn(path, clv.as_ref(), segments.as_ref(), currency)?);
    }
    record.mark("section_churn");
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
    record.mark("run_details");
    match (format, &args.output) {
        (ReportFormat::Terminal, _) => {
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
            record.mark("write");
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
    if let Some(encoding) = read.encoding.to_possible_value() {
        flags.extend(["--encoding".to_string(), encoding.get_name().to_string()]);
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::periods::days_from_civil;

    fn order(customer: u32, y: i64, m: u32, d: u32, amount: f64) -> Order {
        Order {
            customer,
            day: days_from_civil(y, m, d),
            amount,
            channel: None,
        }
    }

    fn transactions(orders: Vec<Order>, customers: usize) -> Transactions {
        Transactions {
            orders,
            customers,
            channels: Vec::new(),
            lines_in: 0,
            unusable: 0,
            item_column: Some(schema::ITEM_ID.into()),
        }
    }

    #[test]
    fn cohort_shares_by_hand() {
        // January cohort: customers 0, 1 (0 back in February, both in March); February
        // cohort: customer 2, never back. As of March 31.
        let tx = transactions(
            vec![
                order(0, 2024, 1, 5, 10.0),
                order(1, 2024, 1, 20, 10.0),
                order(0, 2024, 2, 2, 10.0),
                order(0, 2024, 3, 1, 10.0),
                order(1, 2024, 3, 9, 10.0),
                order(2, 2024, 2, 14, 10.0),
            ],
            3,
        );
        let section = cohorts(&tx, days_from_civil(2024, 3, 31)).expect("two cohorts");
        let Block::Chart(chart) = &section.blocks[0] else {
            panic!("a chart")
        };
        let ChartKind::Heatmap { rows, values, .. } = &chart.kind else {
            panic!("a heatmap")
        };
        assert_eq!(rows, &["2024-01 (2)", "2024-02 (1)"]);
        assert_eq!(&values[0][..4], &[Some(1.0), Some(0.5), Some(1.0), None]);
        assert_eq!(&values[1][..3], &[Some(1.0), Some(0.0), None]);
    }

    #[test]
    fn key_figures_against_the_previous_window() {
        // Last 30 days to March 31: orders on March 10 and 20 (customers 0, 1); the 30 days
        // before: one order of customer 0 on February 15. Customer 0 has 2 orders: repeat.
        let tx = transactions(
            vec![
                order(0, 2024, 2, 15, 50.0),
                order(0, 2024, 3, 10, 30.0),
                order(1, 2024, 3, 20, 90.0),
            ],
            2,
        );
        let (_, rows) = key_figures(&tx, days_from_civil(2024, 3, 31), "");
        let get = |label: &str| rows.iter().find(|r| r.0 == label).map(|r| r.1.clone()).unwrap();
        assert_eq!(get("Customers"), "2");
        assert_eq!(get("Revenue"), "170");
        assert_eq!(get("Repeat-purchase rate"), "50.0%");
        assert_eq!(get("Revenue, last 30 days"), "120 (+140.0% vs previous 30 days)");
        assert_eq!(
            get("Active customers, last 30 days"),
            "2 (+100.0% vs previous 30 days)"
        );
    }
}
