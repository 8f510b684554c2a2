//! `ckm churn`: train a churn model on a labelled customer table or on labels derived from
//! transactions, score customers with a saved model, or score risk as 1 − P(alive).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use polars::prelude::*;
use rayon::prelude::*;
use serde::Serialize;

use crate::cli::{
    Bands, ChurnArgs, ChurnMethod, ChurnModel, ChurnRiskArgs, ChurnScoreArgs, ChurnTrainArgs, ChurnVerb,
    ClassWeight, ReadArgs,
};
use crate::commands::forecast::summarise_transactions;
use crate::error::CkmError;
use crate::io::churn_model::{self, BandCutoffs, SavedChurnModel, TrainingSource};
use crate::io::clean_rules::REASON;
use crate::io::features::{self, CustomerTable};
use crate::io::manifest::RunRecord;
use crate::io::periods::{day_text, parse_ymd, MS_PER_DAY};
use crate::io::{self, privacy, read, rejects, schema, write};
use crate::mining::btyd::{self, Model};
use crate::mining::churn::encoding::{self, ColumnEncoding, RawColumn};
use crate::mining::churn::metrics::{self, CalibrationBin, Confusion};
use crate::mining::churn::{self as churn_models, folds, Classifier, ModelKind};
use crate::printer::{thousands, Printer};

const PROBABILITY: &str = "churn_probability";
const RISK_BAND: &str = "risk_band";
const TOP_DRIVERS: &str = "top_drivers";
/// Drivers named per customer.
const DRIVERS: usize = 3;

pub fn run(args: ChurnArgs, record: &mut RunRecord) -> Result<()> {
    match args.verb {
        Some(ChurnVerb::Train(train_args)) => train(*train_args, record),
        Some(ChurnVerb::Score(score_args)) => score(*score_args, record),
        None => risk(*args.risk, record),
    }
}

/// Columns by name.
type NamedColumns = Vec<(String, RawColumn)>;

/// Customers and their candidate feature columns, with labels when training.
struct Customers {
    /// The id column's name in the output.
    id_column: String,
    ids: Vec<String>,
    columns: Vec<(String, RawColumn)>,
    labels: Option<Vec<bool>>,
    /// Columns left out, with why.
    excluded: Vec<(String, String)>,
}

// ---------------------------------------------------------------------------------------
// Labelled customer tables.

/// Names an id column may have, compared lower-case without separators.
const ID_NAMES: &[&str] = &[
    "customerid",
    "customer",
    "clientid",
    "accountid",
    "userid",
    "memberid",
    "id",
];

fn normalised(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn find_id_column(table: &DataFrame, given: Option<&str>, display: &str) -> Result<Option<String>> {
    let names: Vec<String> = table.get_column_names().iter().map(|n| n.to_string()).collect();
    if let Some(given) = given {
        return if names.iter().any(|n| n == given) {
            Ok(Some(given.to_string()))
        } else {
            Err(CkmError::invalid(format!(
                "{display}: no column '{given}' (--id); the columns are {}",
                shown_columns(&names)
            )))
        };
    }
    Ok(ID_NAMES
        .iter()
        .find_map(|id| names.iter().find(|n| normalised(n) == *id))
        .cloned())
}

fn shown_columns(names: &[String]) -> String {
    names
        .iter()
        .filter(|n| n.as_str() != read::RAW_ROW_INDEX)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

/// A label as read: churned, stayed, or not a label.
fn parse_label(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "1.0" | "yes" | "y" | "true" | "t" | "churned" => Some(true),
        "0" | "0.0" | "no" | "n" | "false" | "f" | "stayed" | "retained" => Some(false),
        _ => None,
    }
}

/// A column as numbers when its type is numeric, or when it is text of which at least 95%
/// of the non-blank values read as numbers (Telco's TotalCharges is blank for new customers).
fn as_raw_column(column: &Column) -> Result<RawColumn> {
    let dtype = column.dtype();
    if dtype.is_primitive_numeric() || dtype.is_bool() {
        let values = column.cast(&DataType::Float64)?;
        return Ok(RawColumn::Numbers(values.f64()?.iter().collect()));
    }
    let values = trimmed_text(column)?;
    let present = values.iter().flatten().count();
    let numbers: Vec<Option<f64>> = values
        .iter()
        .map(|v| {
            v.as_deref()
                .and_then(|t| t.parse::<f64>().ok())
                .filter(|x| x.is_finite())
        })
        .collect();
    let parsed = numbers.iter().flatten().count();
    if present > 0 && parsed as f64 >= 0.95 * present as f64 {
        Ok(RawColumn::Numbers(numbers))
    } else {
        Ok(RawColumn::Text(values))
    }
}

/// A column as trimmed text, blank as missing.
fn trimmed_text(column: &Column) -> Result<Vec<Option<String>>> {
    Ok(column
        .cast(&DataType::String)?
        .str()?
        .iter()
        .map(|v| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string))
        .collect())
}

/// Why a column should not be a feature, if it should not: a different value on every row
/// (an id), or the same value on every row.
fn unusable_reason(values: &RawColumn) -> Option<&'static str> {
    let rows = values.len();
    let (distinct, all_present, integers) = match values {
        RawColumn::Numbers(v) => {
            let set: HashSet<u64> = v.iter().map(|x| x.map_or(u64::MAX, f64::to_bits)).collect();
            (
                set.len(),
                v.iter().all(Option::is_some),
                v.iter().flatten().all(|x| x.fract() == 0.0),
            )
        }
        RawColumn::Text(v) => {
            let set: HashSet<Option<&str>> = v.iter().map(|x| x.as_deref()).collect();
            (set.len(), v.iter().all(Option::is_some), true)
        }
    };
    if distinct <= 1 {
        Some("the same value on every row")
    } else if rows > 20 && distinct == rows && all_present && integers {
        Some("id-like: a different value on every row")
    } else {
        None
    }
}

/// At most 20 distinct values: a category, not a person's name, email or phone.
fn few_distinct(values: &RawColumn) -> bool {
    match values {
        RawColumn::Numbers(v) => {
            v.iter()
                .map(|x| x.map(f64::to_bits))
                .collect::<HashSet<_>>()
                .len()
                <= 20
        }
        RawColumn::Text(v) => v.iter().map(|x| x.as_deref()).collect::<HashSet<_>>().len() <= 20,
    }
}

fn read_raw_table(input: &str, read_args: &ReadArgs) -> Result<(DataFrame, read::Source)> {
    let spec = read::resolve_inputs(&[input.to_string()])?
        .pop()
        .ok_or_else(|| CkmError::usage("an input is needed"))?;
    let source = read::open_source(spec, read_args)?;
    let table = read::scan_raw(&source)?.collect()?;
    Ok((table, source))
}

/// Row numbers as the user sees them in the file (the header is row 1 of a CSV).
fn source_rows(table: &DataFrame, source: &read::Source) -> Result<Vec<u64>> {
    let first = source.first_row_number() as u64;
    Ok(table
        .column(read::RAW_ROW_INDEX)?
        .cast(&DataType::UInt64)?
        .u64()?
        .iter()
        .map(|r| r.unwrap_or(0) + first)
        .collect())
}

/// Reads a labelled customer table: labels parsed (rows without a usable label go to the
/// rejects with a reason), ids found, feature columns chosen.
fn labelled_customers(
    args: &ChurnTrainArgs,
    target: &str,
    record: &mut RunRecord,
    printer: &Printer,
    destination: &write::Destination,
    hash: bool,
) -> Result<Customers> {
    let (table, source) = read_raw_table(&args.input, &args.read)?;
    let display = source.spec.display.clone();
    let names: Vec<String> = table.get_column_names().iter().map(|n| n.to_string()).collect();
    if !names.iter().any(|n| n == target) {
        return Err(CkmError::invalid(format!(
            "{display}: no column '{target}' (--target); the columns are {}",
            shown_columns(&names)
        )));
    }
    let rows_in = table.height() as u64;
    io::record_inputs(std::slice::from_ref(&source), &[rows_in], record, hash)?;
    let label_text = table.column(target)?.cast(&DataType::String)?;
    // Each row's label, or why it has none.
    let parsed: Vec<Result<bool, String>> = label_text
        .str()?
        .iter()
        .map(|value| match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Err(format!("no {target} label")),
            Some(v) => parse_label(v)
                .ok_or_else(|| format!("{target} '{v}' is not a churn label (yes/no, true/false, 1/0)")),
        })
        .collect();
    let keep: Vec<bool> = parsed.iter().map(Result::is_ok).collect();
    let labels: Vec<bool> = parsed.iter().filter_map(|p| p.as_ref().ok().copied()).collect();
    let rejected = keep.iter().filter(|k| !**k).count();
    let rows = source_rows(&table, &source)?;
    let rejects_path = if rejected > 0 {
        write_label_rejects(args, &table, &rows, &parsed, destination, record, hash)?
    } else {
        None
    };
    if rejected > 0 {
        let first = parsed
            .iter()
            .zip(&rows)
            .find_map(|(p, row)| p.as_ref().err().map(|r| (r, row)));
        let (reason, row) = first.expect("one was rejected");
        let message = format!(
            "{display}: {rejected} row{} without a usable {target} label left out, the first at row {row}: {reason}{}",
            if rejected == 1 { "" } else { "s" },
            rejects_path.as_ref().map(|p| format!("; see {p}")).unwrap_or_default()
        );
        record.warn(printer, message);
    }
    record.figure("rows in", rows_in);
    record.figure("rows rejected (no usable label)", rejected as u64);
    let mask = BooleanChunked::from_slice("keep".into(), &keep);
    let table = table.filter(&mask)?;
    if labels.is_empty() {
        return Err(CkmError::invalid(format!(
            "{display}: no row has a usable {target} label"
        )));
    }
    let churners = labels.iter().filter(|&&l| l).count();
    if churners == 0 || churners == labels.len() {
        return Err(CkmError::invalid(format!(
            "{display}: every {target} label is '{}'; a churn model needs churners and stayers",
            if churners == 0 { "no" } else { "yes" }
        )));
    }
    let id_column = find_id_column(&table, args.id.as_deref(), &display)?;
    let ids: Vec<String> = match &id_column {
        Some(c) => read::text_values(&table, c)?,
        None => rows
            .iter()
            .zip(&keep)
            .filter(|p| *p.1)
            .map(|p| p.0.to_string())
            .collect(),
    };
    let (columns, excluded) = feature_columns(
        &table,
        &display,
        &[Some(target), id_column.as_deref()],
        &args.features,
        &args.exclude,
    )?;
    Ok(Customers {
        id_column: id_column.unwrap_or_else(|| "source_row".to_string()),
        ids,
        columns,
        labels: Some(labels),
        excluded,
    })
}

/// The feature columns of a customer table: all but the target and the id, less those the
/// user excludes, personal data, id-like and constant columns; or exactly `--features`.
fn feature_columns(
    table: &DataFrame,
    display: &str,
    reserved: &[Option<&str>],
    chosen: &[String],
    excluded_by_user: &[String],
) -> Result<(NamedColumns, Vec<(String, String)>)> {
    let names: Vec<String> = table.get_column_names().iter().map(|n| n.to_string()).collect();
    for name in chosen.iter().chain(excluded_by_user) {
        if !names.contains(name) {
            return Err(CkmError::invalid(format!(
                "{display}: no column '{name}' (--features/--exclude); the columns are {}",
                shown_columns(&names)
            )));
        }
    }
    let pii: HashMap<String, String> = privacy::detect_pii(table)
        .into_iter()
        .map(|p| {
            (
                p.column,
                format!("personal data ({}, {})", p.kind.name(), p.found),
            )
        })
        .collect();
    let mut columns = Vec::new();
    let mut excluded = Vec::new();
    for name in &names {
        if name == read::RAW_ROW_INDEX || reserved.contains(&Some(name.as_str())) {
            continue;
        }
        if !chosen.is_empty() {
            if chosen.contains(name) {
                columns.push((name.clone(), as_raw_column(table.column(name)?)?));
            }
            continue;
        }
        if excluded_by_user.contains(name) {
            excluded.push((name.clone(), "--exclude".to_string()));
            continue;
        }
        let values = as_raw_column(table.column(name)?)?;
        // A header like PhoneService or EmailOptIn names a flag, not personal data: a column
        // found by its name is kept when it has only a few distinct values.
        if let Some(why) = pii.get(name) {
            if !few_distinct(&values) {
                excluded.push((name.clone(), why.clone()));
                continue;
            }
        }
        match unusable_reason(&values) {
            Some(why) => excluded.push((name.clone(), why.to_string())),
            None => columns.push((name.clone(), values)),
        }
    }
    if columns.is_empty() {
        return Err(CkmError::invalid(format!(
            "{display}: no column is left to learn from{}",
            if excluded.is_empty() {
                String::new()
            } else {
                format!(
                    " ({} excluded: {})",
                    excluded.len(),
                    excluded
                        .iter()
                        .map(|e| format!("{} – {}", e.0, e.1))
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            }
        )));
    }
    Ok((columns, excluded))
}

fn write_label_rejects(
    args: &ChurnTrainArgs,
    table: &DataFrame,
    rows: &[u64],
    parsed: &[Result<bool, String>],
    destination: &write::Destination,
    record: &mut RunRecord,
    hash: bool,
) -> Result<Option<String>> {
    let Some((path, format)) = rejects::destination(args.rejects.as_deref(), destination)? else {
        return Ok(None);
    };
    let rejected: Vec<bool> = parsed.iter().map(Result::is_err).collect();
    let mask = BooleanChunked::from_slice("rejected".into(), &rejected);
    let mut out = table.drop(read::RAW_ROW_INDEX)?.filter(&mask)?;
    let kept_rows: Vec<u64> = rows
        .iter()
        .zip(&rejected)
        .filter(|p| *p.1)
        .map(|p| *p.0)
        .collect();
    let kept_reasons: Vec<&str> = parsed
        .iter()
        .filter_map(|p| p.as_ref().err().map(String::as_str))
        .collect();
    out.with_column(Column::new(schema::SOURCE_ROW.into(), kept_rows))?;
    out.with_column(Column::new(REASON.into(), kept_reasons))?;
    let written = write::write_table(&mut out, &write::Destination::File(path), format, hash)?;
    let shown = written.path.clone();
    record.outputs.push(written);
    Ok(Some(shown))
}

// ---------------------------------------------------------------------------------------
// Transactions: features up to a time, labels from the window after it.

const SPEND_LAST_30: &str = "spend_last_30d";
const SPEND_LAST_90: &str = "spend_last_90d";
const SHARE_LAST_90: &str = "share_of_spend_last_90d";

/// The `ckm segment` features a churn model learns from (dates as days, not timestamps).
const SEGMENT_FEATURES: &[&str] = &[
    features::RECENCY_DAYS,
    features::FREQUENCY,
    features::MONETARY,
    features::AVG_ORDER_VALUE,
    features::TENURE_DAYS,
    features::MEAN_DAYS_BETWEEN_ORDERS,
    features::DISTINCT_ITEMS,
    features::CHANNELS,
    features::RETURN_RATE,
];

/// Each customer's lines: (ts in ms, amount).
type Lines = HashMap<String, Vec<(i64, f64)>>;

fn transaction_lines(
    planned: &io::PlannedInputs,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<(Lines, i64, u64)> {
    let table = io::read_planned(planned, io::customer_ts_amount, record, printer)?;
    let mut lines: Lines = HashMap::new();
    let mut unusable = 0u64;
    let ids = table.column(schema::CUSTOMER_ID)?.str()?;
    let ts = table.column(schema::TS)?.i64()?;
    let amounts = table.column(schema::AMOUNT)?.f64()?;
    let mut latest = i64::MIN;
    for ((id, t), amount) in ids.iter().zip(ts.iter()).zip(amounts.iter()) {
        match (id, t) {
            (Some(id), Some(t)) => {
                latest = latest.max(t);
                lines
                    .entry(id.to_string())
                    .or_default()
                    .push((t, amount.unwrap_or(0.0)));
            }
            _ => unusable += 1,
        }
    }
    if lines.is_empty() {
        return Err(CkmError::invalid(
            "no line has both a customer_id and a timestamp; check the input with ckm ingest --explain",
        ));
    }
    Ok((lines, latest, unusable))
}

/// The customer table (segment's features plus recent-spend trends) from the lines before
/// `end_ms`, and for each customer whether they bought in [end_ms, end_ms + window).
fn transaction_customers(
    planned: &io::PlannedInputs,
    lines: &Lines,
    end_ms: i64,
    window_ms: Option<i64>,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<Customers> {
    let CustomerTable { customers, .. } = features::customer_table(planned, Some(end_ms), record, printer)?;
    let table = features::with_dates(customers, end_ms)?;
    let ids: Vec<String> = table
        .column(schema::CUSTOMER_ID)?
        .str()?
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect();
    let mut columns = Vec::new();
    for name in SEGMENT_FEATURES {
        if let Ok(column) = table.column(name) {
            columns.push((
                name.to_string(),
                RawColumn::Numbers(column.cast(&DataType::Float64)?.f64()?.iter().collect()),
            ));
        }
    }
    let monetary = features::values(&table, features::MONETARY)?;
    let (mut last_30, mut last_90, mut share_90, mut labels) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, id) in ids.iter().enumerate() {
        let own = lines.get(id).map(Vec::as_slice).unwrap_or(&[]);
        let spend_since = |days: i64| -> f64 {
            own.iter()
                .filter(|(t, _)| *t < end_ms && *t >= end_ms - days * MS_PER_DAY)
                .map(|(_, a)| a)
                .sum()
        };
        let (s30, s90) = (spend_since(30), spend_since(90));
        last_30.push(Some(s30));
        last_90.push(Some(s90));
        share_90.push((monetary[i].abs() > 0.0).then(|| s90 / monetary[i]));
        if let Some(window) = window_ms {
            labels.push(!own.iter().any(|(t, _)| *t >= end_ms && *t < end_ms + window));
        }
    }
    columns.push((SPEND_LAST_30.into(), RawColumn::Numbers(last_30)));
    columns.push((SPEND_LAST_90.into(), RawColumn::Numbers(last_90)));
    columns.push((SHARE_LAST_90.into(), RawColumn::Numbers(share_90)));
    Ok(Customers {
        id_column: schema::CUSTOMER_ID.into(),
        ids,
        columns,
        labels: window_ms.map(|_| labels),
        excluded: Vec::new(),
    })
}

// ---------------------------------------------------------------------------------------
// Training.

#[derive(Debug, Serialize)]
struct CandidateMetrics {
    model: &'static str,
    roc_auc: Option<f64>,
    pr_auc: Option<f64>,
    log_loss: f64,
    brier: f64,
    top_decile_lift: Option<f64>,
    cross_validation_seconds: f64,
}

#[derive(Debug, Serialize)]
struct ImportanceRow {
    column: String,
    share: f64,
}

#[derive(Debug, Serialize)]
struct TrainingMetrics {
    customers: usize,
    churners: usize,
    churn_rate: f64,
    folds: usize,
    seed: u64,
    class_weight: &'static str,
    chosen_model: &'static str,
    /// Out-of-fold metrics of every model tried.
    candidates: Vec<CandidateMetrics>,
    threshold: f64,
    confusion: Confusion,
    precision: f64,
    recall: f64,
    f1: f64,
    calibration: Vec<CalibrationBin>,
    importance: Vec<ImportanceRow>,
    features_used: Vec<String>,
    columns_excluded: Vec<(String, String)>,
}

fn read_folds(path: &Path, ids: &[String], folds: usize) -> Result<Vec<usize>> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| CkmError::invalid(format!("{}: cannot be read: {e}", path.display())))?;
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (n, row) in reader.records().enumerate() {
        let row = row.map_err(|e| CkmError::invalid(format!("{}: row {}: {e}", path.display(), n + 2)))?;
        let fold = row
            .get(1)
            .and_then(|f| f.trim().parse::<usize>().ok())
            .ok_or_else(|| {
                CkmError::invalid(format!(
                    "{}: row {}: the second column must be a fold number (id,fold)",
                    path.display(),
                    n + 2
                ))
            })?;
        by_id.insert(row.get(0).unwrap_or("").trim().to_string(), fold);
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let fold = *by_id
            .get(id)
            .ok_or_else(|| CkmError::invalid(format!("{}: no fold for customer '{id}'", path.display())))?;
        if fold >= folds {
            return Err(CkmError::invalid(format!(
                "{}: customer '{id}' is in fold {fold}, but --folds is {folds}",
                path.display()
            )));
        }
        out.push(fold);
    }
    Ok(out)
}

fn train(args: ChurnTrainArgs, record: &mut RunRecord) -> Result<()> {
    let printer = Printer::new(args.output.quiet);
    let (destination, format) =
        write::resolve_destination(args.output.output.as_deref(), args.output.format)?;
    let hash = args.output.manifest.is_some() || record.hash_files;
    record.parameter("input", &args.input);
    record.parameter("model", format!("{:?}", args.model).to_lowercase());
    record.parameter("folds", args.folds);
    record.parameter("seed", args.seed);
    record.parameter("bands", [args.bands.high, args.bands.medium]);

    // A saved model carries its training file's sha256, which recording the input computes.
    let hash_inputs = hash || args.model_out.is_some();
    // The customers to learn from, and the ones to score (the same, except for transactions:
    // learnt at the cutoff, scored at the end of the data).
    let (training, scoring, source) = match &args.target {
        Some(target) => {
            record.parameter("target", target);
            let customers = labelled_customers(&args, target, record, &printer, &destination, hash_inputs)?;
            let source = TrainingSource::Labelled {
                target: target.clone(),
                id_column: (customers.id_column != "source_row").then(|| customers.id_column.clone()),
            };
            (customers, None, source)
        }
        None => {
            let planned = io::plan_inputs(std::slice::from_ref(&args.input), &args.read).map_err(|e| {
                e.context("churn train without --target reads a transactions table; for a labelled customer table, give --target COLUMN")
            })?;
            let (lines, latest, unusable) = transaction_lines(&planned, record, &printer)?;
            let lines_in: u64 = lines.values().map(|l| l.len() as u64).sum::<u64>() + unusable;
            io::record_inputs(&planned.sources, &[lines_in], record, hash_inputs)?;
            if unusable > 0 {
                let written = rejects::write_rejected_lines(
                    args.rejects.as_deref(),
                    &destination,
                    &planned,
                    |_| {
                        rejects::first_reason([
                            (col(schema::CUSTOMER_ID).is_null(), "no customer_id"),
                            (col(schema::TS).is_null(), "no ts"),
                        ])
                    },
                    None,
                    record,
                    &printer,
                    hash,
                )?;
                rejects::report(record, &printer, lines_in, unusable, "used", written);
            } else {
                record.figure("lines in", lines_in);
            }
            let latest_day = latest.div_euclid(MS_PER_DAY);
            let window = args.window as i64;
            let cutoff_day = match &args.cutoff {
                Some(text) => parse_ymd(text.trim())
                    .ok_or_else(|| CkmError::usage(format!("--cutoff '{text}': expected YYYY-MM-DD")))?,
                None => latest_day - window,
            };
            if cutoff_day + window > latest_day {
                record.warn(
                    &printer,
                    format!(
                        "the {window}-day window after the cutoff {} runs past the latest line ({}): customers may be labelled churned who had no time to buy",
                        day_text(cutoff_day),
                        day_text(latest_day)
                    ),
                );
            }
            record.parameter("cutoff", day_text(cutoff_day));
            record.parameter("window_days", args.window);
            record.figure("cutoff", day_text(cutoff_day));
            printer.info(&format!(
                "features up to {}, churned = no purchase from {} to {}; scores as of {}",
                day_text(cutoff_day),
                day_text(cutoff_day + 1),
                day_text(cutoff_day + window),
                day_text(latest_day + 1)
            ));
            let end = (cutoff_day + 1) * MS_PER_DAY;
            let training =
                transaction_customers(&planned, &lines, end, Some(window * MS_PER_DAY), record, &printer)?;
            if training.ids.len() < 2 {
                return Err(CkmError::invalid(format!(
                    "{}: {} customer(s) bought before the cutoff {}; choose an earlier --cutoff",
                    args.input,
                    training.ids.len(),
                    day_text(cutoff_day)
                )));
            }
            let scoring = transaction_customers(
                &planned,
                &lines,
                (latest_day + 1) * MS_PER_DAY,
                None,
                record,
                &printer,
            )?;
            let source = TrainingSource::Transactions {
                cutoff: day_text(cutoff_day),
                window_days: args.window,
            };
            (training, Some(scoring), source)
        }
    };
    let training_sha = record.inputs.first().and_then(|i| i.sha256.clone());
    record.mark("read");
    let labels = training.labels.clone().expect("training customers have labels");
    let churners = labels.iter().filter(|&&l| l).count();
    if churners == 0 || churners == labels.len() {
        return Err(CkmError::invalid(format!(
            "{}: all {} customers are labelled {}; a churn model needs both churners and stayers{}",
            args.input,
            labels.len(),
            if churners == 0 { "as staying" } else { "churned" },
            if args.target.is_none() {
                " (try another --cutoff or --window)"
            } else {
                ""
            }
        )));
    }
    let folds_wanted = args.folds as usize;
    if churners.min(labels.len() - churners) < folds_wanted {
        return Err(CkmError::invalid(format!(
            "{}: {} churners and {} stayers are too few for {folds_wanted} folds; give more customers or fewer --folds",
            args.input,
            churners,
            labels.len() - churners
        )));
    }

    let encodings = encoding::learn(&training.columns);
    let feature_names = encoding::feature_names(&encodings);
    let sources = encoding::feature_sources(&encodings);
    let dims = feature_names.len();
    let raw: Vec<&RawColumn> = training.columns.iter().map(|c| &c.1).collect();
    let x = encoding::encode(&encodings, &raw);
    let weights = match args.class_weight {
        ClassWeight::None => vec![1.0; labels.len()],
        ClassWeight::Balanced => churn_models::balanced_weights(&labels),
    };
    let fold_of = match &args.folds_file {
        Some(path) => read_folds(path, &training.ids, folds_wanted)?,
        None => folds::stratified(&labels, folds_wanted, args.seed),
    };
    let kinds: &[ModelKind] = match args.model {
        ChurnModel::Auto => &[ModelKind::Logistic, ModelKind::Gbdt],
        ChurnModel::Logistic => &[ModelKind::Logistic],
        ChurnModel::Gbdt => &[ModelKind::Gbdt],
    };
    let mut candidates = Vec::new();
    let mut out_of_fold = Vec::new();
    for &kind in kinds {
        let started = Instant::now();
        let oof =
            churn_models::cross_validate(kind, &encodings, &x, dims, &labels, &weights, &fold_of, args.seed);
        candidates.push(CandidateMetrics {
            model: kind.name(),
            roc_auc: metrics::roc_auc(&labels, &oof),
            pr_auc: metrics::average_precision(&labels, &oof),
            log_loss: metrics::log_loss(&labels, &oof),
            brier: metrics::brier(&labels, &oof),
            top_decile_lift: metrics::top_decile_lift(&labels, &oof),
            cross_validation_seconds: started.elapsed().as_secs_f64(),
        });
        out_of_fold.push(oof);
    }
    record.mark("cross_validation");
    // The best out-of-fold AUC; a tie goes to the first (the simpler logistic model).
    let chosen = (0..kinds.len()).fold(0, |best, i| {
        if candidates[i].roc_auc.unwrap_or(0.0) > candidates[best].roc_auc.unwrap_or(0.0) {
            i
        } else {
            best
        }
    });
    let kind = kinds[chosen];
    let oof = &out_of_fold[chosen];
    let classifier = churn_models::fit(kind, &encodings, &x, dims, &labels, &weights, args.seed);
    record.mark("fit");
    let threshold = metrics::best_f1_threshold(&labels, oof);
    let confusion = Confusion::at(&labels, oof, threshold);
    let importance = column_importance(&classifier.importance(&x, dims), &sources, &encodings);

    let training_probabilities = classifier.probabilities(&x, dims);
    let cutoffs = band_cutoffs(&training_probabilities, args.bands);
    let metrics_out = TrainingMetrics {
        customers: labels.len(),
        churners,
        churn_rate: churners as f64 / labels.len() as f64,
        folds: fold_of.iter().max().map_or(0, |m| m + 1),
        seed: args.seed,
        class_weight: match args.class_weight {
            ClassWeight::None => "none",
            ClassWeight::Balanced => "balanced",
        },
        chosen_model: kind.name(),
        candidates,
        threshold,
        confusion,
        precision: confusion.precision(),
        recall: confusion.recall(),
        f1: confusion.f1(),
        calibration: metrics::calibration(&labels, oof, 10),
        importance,
        features_used: training.columns.iter().map(|c| c.0.clone()).collect(),
        columns_excluded: training.excluded.clone(),
    };

    // Scores: the training customers (labelled table) or everyone as of the data's end.
    let scored = scoring.as_ref().unwrap_or(&training);
    let scoring_x = scoring.as_ref().map(|customers| {
        let raw: Vec<&RawColumn> = customers.columns.iter().map(|c| &c.1).collect();
        encoding::encode(&encodings, &raw)
    });
    let score_x = scoring_x.as_deref().unwrap_or(&x);
    let probabilities = match &scoring_x {
        Some(sx) => classifier.probabilities(sx, dims),
        None => training_probabilities,
    };
    let mut table = score_table(
        scored,
        &classifier,
        &encodings,
        score_x,
        dims,
        &probabilities,
        cutoffs,
    )?;
    if scoring.is_none() {
        table.with_column(Column::new("churned".into(), labels.clone()))?;
    }
    let written = write::write_table(&mut table, &destination, format, hash)?;
    record.outputs.push(written);
    let metrics_json = serde_json::to_value(&metrics_out)?;
    if let Some(path) = &args.metrics {
        let text = serde_json::to_string_pretty(&metrics_json)?;
        write::write_atomically(path, false, |w| Ok(w.write_all(text.as_bytes())?))?;
    }
    if let Some(path) = &args.model_out {
        churn_model::write_model(
            path,
            &SavedChurnModel {
                format_version: churn_model::FORMAT_VERSION,
                ckm_version: env!("CARGO_PKG_VERSION").to_string(),
                source,
                features: feature_names.clone(),
                encodings: encodings.clone(),
                classifier,
                band_cutoffs: cutoffs,
                threshold,
                training_metrics: metrics_json,
                training_data_sha256: training_sha,
            },
        )?;
    }
    record.mark("write");
    report_training(
        record,
        &printer,
        &metrics_out,
        band_counts(&probabilities, cutoffs),
    );
    if let Some(path) = &args.output.manifest {
        record.write(path)?;
    }
    Ok(())
}

/// Importance per input column: the shares of its features added up, largest first.
fn column_importance(shares: &[f64], sources: &[usize], encodings: &[ColumnEncoding]) -> Vec<ImportanceRow> {
    let mut per_column = vec![0.0; encodings.len()];
    for (share, &c) in shares.iter().zip(sources) {
        per_column[c] += share;
    }
    let mut rows: Vec<ImportanceRow> = encodings
        .iter()
        .zip(per_column)
        .map(|(e, share)| ImportanceRow {
            column: e.column().to_string(),
            share,
        })
        .collect();
    rows.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.column.cmp(&b.column)));
    rows
}

/// The probabilities from which the high and medium bands start: the training customers'
/// scores at the band shares (customers tied at a cut point all join the higher band).
fn band_cutoffs(probabilities: &[f64], bands: Bands) -> BandCutoffs {
    let mut sorted = probabilities.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let at = |share: f64| -> f64 {
        // Less a hair: 0.1 + 0.2 is 0.30000000000000004, and 30% of 10 must be 3, not 4.
        let k = ((share * sorted.len() as f64 - 1e-9).ceil() as usize).clamp(1, sorted.len().max(1));
        sorted.get(k - 1).copied().unwrap_or(1.0)
    };
    BandCutoffs {
        high: at(bands.high),
        medium: at(bands.high + bands.medium),
    }
}

/// The risk bands, highest first.
const BAND_NAMES: [&str; 3] = ["high", "medium", "low"];

/// The index of a probability's band in [`BAND_NAMES`].
fn band_index(p: f64, cutoffs: BandCutoffs) -> usize {
    if p >= cutoffs.high {
        0
    } else if p >= cutoffs.medium {
        1
    } else {
        2
    }
}

fn band(p: f64, cutoffs: BandCutoffs) -> &'static str {
    BAND_NAMES[band_index(p, cutoffs)]
}

/// A value as shown in a driver: the number or the text as in the input.
fn shown_value(column: &RawColumn, i: usize) -> String {
    match column {
        RawColumn::Numbers(v) => match v[i] {
            Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
            Some(x) => format!("{:.2}", x),
            None => "missing".into(),
        },
        RawColumn::Text(v) => v[i].clone().unwrap_or_else(|| encoding::BLANK_LEVEL.into()),
    }
}

/// The scores table: id, probability, band, the top drivers.
fn score_table(
    customers: &Customers,
    classifier: &Classifier,
    encodings: &[ColumnEncoding],
    x: &[f64],
    dims: usize,
    probabilities: &[f64],
    cutoffs: BandCutoffs,
) -> Result<DataFrame> {
    let sources = encoding::feature_sources(encodings);
    // The input column behind each encoding, by name (score-time tables may order them otherwise).
    let by_name: HashMap<&str, &RawColumn> = customers.columns.iter().map(|(n, c)| (n.as_str(), c)).collect();
    let drivers: Vec<String> = (0..probabilities.len())
        .into_par_iter()
        .map(|i| {
            let contributions = classifier.contributions(&x[i * dims..(i + 1) * dims]);
            let mut per_column = vec![0.0; encodings.len()];
            for (c, &s) in contributions.iter().zip(&sources) {
                per_column[s] += c;
            }
            let mut order: Vec<usize> = (0..encodings.len()).filter(|&c| per_column[c] > 1e-9).collect();
            order.sort_by(|&a, &b| per_column[b].total_cmp(&per_column[a]).then(a.cmp(&b)));
            order
                .iter()
                .take(DRIVERS)
                .map(|&c| {
                    let name = encodings[c].column();
                    match by_name.get(name) {
                        Some(column) => format!("{name}={}", shown_value(column, i)),
                        None => name.to_string(),
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .collect();
    let rounded: Vec<f64> = probabilities.iter().map(|p| (p * 1e6).round() / 1e6).collect();
    let bands: Vec<&str> = probabilities.iter().map(|&p| band(p, cutoffs)).collect();
    Ok(DataFrame::new(
        probabilities.len(),
        vec![
            Column::new(customers.id_column.as_str().into(), &customers.ids),
            Column::new(PROBABILITY.into(), rounded),
            Column::new(RISK_BAND.into(), bands),
            Column::new(TOP_DRIVERS.into(), drivers),
        ],
    )?)
}

fn band_counts(probabilities: &[f64], cutoffs: BandCutoffs) -> [usize; 3] {
    let mut counts = [0; 3];
    for &p in probabilities {
        counts[band_index(p, cutoffs)] += 1;
    }
    counts
}

/// Customers per risk band, as summary figures.
fn record_bands(record: &mut RunRecord, counts: [usize; 3]) {
    for (name, count) in BAND_NAMES.iter().zip(counts) {
        record.figure(&format!("{name} risk"), thousands(count as u64));
    }
}

fn optional(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |v| format!("{v:.4}"))
}

fn report_training(record: &mut RunRecord, printer: &Printer, m: &TrainingMetrics, bands: [usize; 3]) {
    record.figure("customers", thousands(m.customers as u64));
    record.figure(
        "churners",
        format!("{} ({:.1}%)", thousands(m.churners as u64), 100.0 * m.churn_rate),
    );
    for (column, why) in &m.columns_excluded {
        record.figure(&format!("excluded {column}"), why);
    }
    record.figure("features", m.features_used.len());
    for c in &m.candidates {
        record.figure(
            &format!("{} out-of-fold ROC AUC", c.model),
            format!(
                "{} ({:.2} s for {} folds)",
                optional(c.roc_auc),
                c.cross_validation_seconds,
                m.folds
            ),
        );
    }
    record.figure("chosen model", m.chosen_model);
    let chosen = m
        .candidates
        .iter()
        .find(|c| c.model == m.chosen_model)
        .expect("chosen is a candidate");
    record.figure("PR AUC", optional(chosen.pr_auc));
    record.figure("log loss", format!("{:.4}", chosen.log_loss));
    record.figure("Brier score", format!("{:.4}", chosen.brier));
    record.figure("top-decile lift", optional(chosen.top_decile_lift));
    record.figure(
        "threshold (best F1)",
        format!(
            "{:.4}: precision {:.3}, recall {:.3}, TP {} FP {} TN {} FN {}",
            m.threshold,
            m.precision,
            m.recall,
            m.confusion.true_positives,
            m.confusion.false_positives,
            m.confusion.true_negatives,
            m.confusion.false_negatives
        ),
    );
    record_bands(record, bands);
    printer.summary("ckm churn train", &record.summary_rows());
    let header: Vec<String> = ["probability", "customers", "mean predicted", "churn rate"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let rows: Vec<Vec<String>> = m
        .calibration
        .iter()
        .filter(|b| b.customers > 0)
        .map(|b| {
            vec![
                format!("{:.1}-{:.1}", b.lower, b.upper),
                thousands(b.customers as u64),
                optional(b.mean_probability),
                optional(b.churn_rate),
            ]
        })
        .collect();
    printer.table(&header, &rows);
    let header: Vec<String> = ["column", "importance"].iter().map(|s| s.to_string()).collect();
    let rows: Vec<Vec<String>> = m
        .importance
        .iter()
        .take(10)
        .map(|r| vec![r.column.clone(), format!("{:.1}%", 100.0 * r.share)])
        .collect();
    printer.table(&header, &rows);
}

// ---------------------------------------------------------------------------------------
// Scoring with a saved model.

fn score(args: ChurnScoreArgs, record: &mut RunRecord) -> Result<()> {
    let printer = Printer::new(args.output.quiet);
    let (destination, format) =
        write::resolve_destination(args.output.output.as_deref(), args.output.format)?;
    let hash = args.output.manifest.is_some() || record.hash_files;
    let model = churn_model::read_model(&args.model)?;
    record.parameter("input", &args.input);
    record.parameter("model", args.model.display().to_string());
    let customers = match &model.source {
        TrainingSource::Labelled { id_column, .. } => {
            let (table, source) = read_raw_table(&args.input, &args.read)?;
            let display = source.spec.display.clone();
            io::record_inputs(
                std::slice::from_ref(&source),
                &[table.height() as u64],
                record,
                hash,
            )?;
            let names: Vec<String> = table.get_column_names().iter().map(|n| n.to_string()).collect();
            let mut columns = Vec::new();
            for e in &model.encodings {
                let name = e.column();
                if !names.iter().any(|n| n == name) {
                    return Err(CkmError::invalid(format!(
                        "{display}: no column '{name}', which the model {} was trained on; the columns are {}",
                        args.model.display(),
                        shown_columns(&names)
                    )));
                }
                let column = table.column(name)?;
                let values = match e {
                    ColumnEncoding::Numeric { .. } => match as_raw_column(column)? {
                        RawColumn::Text(_) => RawColumn::Numbers(read::numbers_in_text(&table, name)?),
                        numbers => numbers,
                    },
                    ColumnEncoding::Categorical { .. } => RawColumn::Text(trimmed_text(column)?),
                };
                columns.push((name.to_string(), values));
            }
            let id = match id_column {
                Some(c) if names.contains(c) => Some(c.clone()),
                _ => find_id_column(&table, None, &display)?,
            };
            let ids: Vec<String> = match &id {
                Some(c) => read::text_values(&table, c)?,
                None => source_rows(&table, &source)?
                    .iter()
                    .map(|r| r.to_string())
                    .collect(),
            };
            Customers {
                id_column: id.unwrap_or_else(|| "source_row".into()),
                ids,
                columns,
                labels: None,
                excluded: Vec::new(),
            }
        }
        TrainingSource::Transactions { .. } => {
            let planned = io::plan_inputs(std::slice::from_ref(&args.input), &args.read)?;
            let (lines, latest, unusable) = transaction_lines(&planned, record, &printer)?;
            let lines_in: u64 = lines.values().map(|l| l.len() as u64).sum::<u64>() + unusable;
            io::record_inputs(&planned.sources, &[lines_in], record, hash)?;
            let end_day = latest.div_euclid(MS_PER_DAY) + 1;
            printer.info(&format!("scores as of {}", day_text(end_day)));
            transaction_customers(&planned, &lines, end_day * MS_PER_DAY, None, record, &printer)?
        }
    };
    let raw: Vec<&RawColumn> = customers.columns.iter().map(|c| &c.1).collect();
    let x = encoding::encode(&model.encodings, &raw);
    let dims = model.features.len();
    if x.len() != dims * customers.ids.len() {
        return Err(CkmError::invalid(format!(
            "{}: the model's encodings do not match its {} features; the file was edited or is damaged",
            args.model.display(),
            dims
        )));
    }
    let probabilities = model.classifier.probabilities(&x, dims);
    let mut table = score_table(
        &customers,
        &model.classifier,
        &model.encodings,
        &x,
        dims,
        &probabilities,
        model.band_cutoffs,
    )?;
    let written = write::write_table(&mut table, &destination, format, hash)?;
    record.outputs.push(written);
    record.figure("customers scored", thousands(customers.ids.len() as u64));
    record_bands(record, band_counts(&probabilities, model.band_cutoffs));
    printer.summary("ckm churn score", &record.summary_rows());
    if let Some(path) = &args.output.manifest {
        record.write(path)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Risk as 1 − P(alive).

fn risk(args: ChurnRiskArgs, record: &mut RunRecord) -> Result<()> {
    let printer = Printer::new(args.output.quiet);
    let (destination, format) =
        write::resolve_destination(args.output.output.as_deref(), args.output.format)?;
    let hash = args.output.manifest.is_some() || record.hash_files;
    let (Some(input), Some(method)) = (args.input.as_deref(), args.method) else {
        return Err(CkmError::usage(
            "ckm churn needs a verb (train, score) or an input with --method bgnbd|pareto-nbd|mbgnbd",
        ));
    };
    let model = match method {
        ChurnMethod::Bgnbd => Model::BgNbd,
        ChurnMethod::ParetoNbd => Model::ParetoNbd,
        ChurnMethod::Mbgnbd => Model::MbgNbd,
    };
    record.parameter("input", input);
    record.parameter("method", model.label());
    const WEEK: f64 = 7.0;
    let (summaries, end_day) =
        summarise_transactions(input, &args.read, None, WEEK, None, record, &printer, hash)?;
    if summaries.ids.len() < 2 {
        return Err(CkmError::invalid(format!(
            "{input}: {} customer(s); fitting {} needs more",
            summaries.ids.len(),
            model.label()
        )));
    }
    record.mark("read");
    let fit = btyd::fit_purchases(model, &summaries.rft);
    record.mark("fit");
    if !fit.converged {
        record.warn(
            &printer,
            format!(
                "{}: the fit did not converge; treat its numbers with care",
                model.label()
            ),
        );
    }
    let probabilities: Vec<f64> = summaries
        .rft
        .par_iter()
        .map(|c| (1.0 - btyd::p_alive(model, &fit.parameters, c)).clamp(0.0, 1.0))
        .collect();
    let cutoffs = band_cutoffs(&probabilities, args.bands);
    let rounded: Vec<f64> = probabilities.iter().map(|p| (p * 1e6).round() / 1e6).collect();
    let bands: Vec<&str> = probabilities.iter().map(|&p| band(p, cutoffs)).collect();
    let repeats: Vec<f64> = summaries.rft.iter().map(|c| c.x).collect();
    let weeks_since: Vec<f64> = summaries
        .rft
        .iter()
        .map(|c| ((c.t - c.t_x) * 1e4).round() / 1e4)
        .collect();
    let mut table = DataFrame::new(
        probabilities.len(),
        vec![
            Column::new(schema::CUSTOMER_ID.into(), &summaries.ids),
            Column::new(PROBABILITY.into(), rounded),
            Column::new(RISK_BAND.into(), bands),
            Column::new("repeat_purchases".into(), repeats),
            Column::new("weeks_since_last_purchase".into(), weeks_since),
        ],
    )?;
    let written = write::write_table(&mut table, &destination, format, hash)?;
    record.outputs.push(written);
    record.mark("write");
    record.figure("as of", day_text(end_day + 1));
    record.figure("customers", thousands(summaries.ids.len() as u64));
    for (name, value) in fit.names.iter().zip(&fit.parameters) {
        record.figure(&format!("{} {name}", model.label()), format!("{value:.4}"));
    }
    let counts = band_counts(&probabilities, cutoffs);
    for (name, count, cut) in [
        ("high risk", counts[0], Some(cutoffs.high)),
        ("medium risk", counts[1], Some(cutoffs.medium)),
        ("low risk", counts[2], None),
    ] {
        record.figure(
            name,
            match cut {
                Some(c) => format!("{} (from {:.3})", thousands(count as u64), c),
                None => thousands(count as u64),
            },
        );
    }
    let mean = probabilities.iter().sum::<f64>() / probabilities.len() as f64;
    record.figure("mean churn probability", format!("{mean:.4}"));
    printer.summary("ckm churn", &record.summary_rows());
    if let Some(path) = &args.output.manifest {
        record.write(path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_their_usual_spellings() {
        for yes in ["Yes", " y", "TRUE", "1", "1.0", "churned"] {
            assert_eq!(parse_label(yes), Some(true), "{yes}");
        }
        for no in ["No", "n", "false", "0", "0.0", "retained"] {
            assert_eq!(parse_label(no), Some(false), "{no}");
        }
        assert_eq!(parse_label("maybe"), None);
    }

    #[test]
    fn id_like_and_constant_columns() {
        let ids = RawColumn::Numbers((0..30).map(|i| Some(i as f64)).collect());
        assert_eq!(
            unusable_reason(&ids),
            Some("id-like: a different value on every row")
        );
        // Distinct on every row but not whole numbers: a measurement, kept.
        let salary = RawColumn::Numbers((0..30).map(|i| Some(i as f64 + 0.5)).collect());
        assert_eq!(unusable_reason(&salary), None);
        let constant = RawColumn::Text(vec![Some("north".to_string()); 30]);
        assert_eq!(unusable_reason(&constant), Some("the same value on every row"));
        let few = RawColumn::Text((0..30).map(|i| Some(format!("plan{}", i % 3))).collect());
        assert_eq!(unusable_reason(&few), None);
        assert!(few_distinct(&few));
    }

    #[test]
    fn band_cut_points_from_the_training_scores() {
        let p: Vec<f64> = (1..=10).map(|i| i as f64 / 10.0).collect();
        let cutoffs = band_cutoffs(
            &p,
            Bands {
                high: 0.1,
                medium: 0.2,
            },
        );
        assert_eq!((cutoffs.high, cutoffs.medium), (1.0, 0.8));
        assert_eq!(band_counts(&p, cutoffs), [1, 2, 7]);
    }
}
