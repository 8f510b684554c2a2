//! `ckm churn`: train a churn model on a labelled customer table or on labels derived from
//! transactions (`train`), score customers with a saved model (`score`), or score risk as
//! 1 − P(alive) of a customer-base model (`risk`, the verb-less form).

mod customers;
mod risk;
mod score;
mod train;
mod training_metrics;

use std::collections::HashMap;

use anyhow::Result;
use polars::prelude::*;
use rayon::prelude::*;

use crate::analyses::churn_risk::{PROBABILITY, RISK_BAND};
use crate::cli::{ChurnArgs, ChurnVerb};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::read;
use crate::io::read::ReadSettings;
use crate::mining::churn::bands::{band, BandCutoffs, BAND_NAMES};
use crate::mining::churn::encoding::{self, ColumnEncoding, RawColumn};
use crate::mining::churn::Classifier;
use crate::printer::thousands;

const TOP_DRIVERS: &str = "top_drivers";
/// Drivers named per customer.
const DRIVERS: usize = 3;

pub fn run(args: ChurnArgs, record: &mut RunRecord) -> Result<()> {
    match args.verb {
        Some(ChurnVerb::Train(train_args)) => train::train(*train_args, record),
        Some(ChurnVerb::Score(score_args)) => score::score(*score_args, record),
        None => risk::risk(*args.risk, record),
    }
}

/// Columns by name.
pub(super) type NamedColumns = Vec<(String, RawColumn)>;

pub(super) use crate::prepare::churn_features::Customers;

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

pub(super) fn find_id_column(
    table: &DataFrame,
    given: Option<&str>,
    display: &str,
) -> Result<Option<String>> {
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

pub(super) fn shown_columns(names: &[String]) -> String {
    names
        .iter()
        .filter(|n| n.as_str() != read::RAW_ROW_INDEX)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

/// A column as numbers when its type is numeric, or when it is text of which at least 95%
/// of the non-blank values read as numbers (Telco's TotalCharges is blank for new customers).
pub(super) fn as_raw_column(column: &Column) -> Result<RawColumn> {
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
pub(super) fn trimmed_text(column: &Column) -> Result<Vec<Option<String>>> {
    Ok(column
        .cast(&DataType::String)?
        .str()?
        .iter()
        .map(|v| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string))
        .collect())
}

pub(super) fn read_raw_table(input: &str, read_args: &ReadSettings) -> Result<(DataFrame, read::Source)> {
    let spec = read::resolve_inputs(&[input.to_string()])?
        .pop()
        .ok_or_else(|| CkmError::usage("an input is needed"))?;
    let source = read::open_source(spec, read_args)?;
    let table = read::scan_raw(&source)?.collect()?;
    Ok((table, source))
}

/// Row numbers as the user sees them in the file (the header is row 1 of a CSV).
pub(super) fn source_rows(table: &DataFrame, source: &read::Source) -> Result<Vec<u64>> {
    let first = source.first_row_number() as u64;
    Ok(table
        .column(read::RAW_ROW_INDEX)?
        .cast(&DataType::UInt64)?
        .u64()?
        .iter()
        .map(|r| r.unwrap_or(0) + first)
        .collect())
}

/// A value as shown in a driver: the number or the text as in the input.
/// Writes a customer's value of a column as the drivers show it.
fn write_shown_value(text: &mut String, column: &RawColumn, i: usize) {
    use std::fmt::Write as _;
    match column {
        RawColumn::Numbers(v) => match v[i] {
            Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => {
                let _ = write!(text, "{}", x as i64);
            }
            Some(x) => {
                let _ = write!(text, "{x:.2}");
            }
            None => text.push_str("missing"),
        },
        RawColumn::Text(v) => text.push_str(v[i].as_deref().unwrap_or(encoding::BLANK_LEVEL)),
    }
}

/// The scores table: id, probability, band, the top drivers.
pub(super) fn score_table(
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
            // One string per customer, written in place: millions of customers are scored.
            let mut text = String::with_capacity(64);
            for (n, &c) in order.iter().take(DRIVERS).enumerate() {
                if n > 0 {
                    text.push_str("; ");
                }
                let name = encodings[c].column();
                text.push_str(name);
                if let Some(column) = by_name.get(name) {
                    text.push('=');
                    write_shown_value(&mut text, column, i);
                }
            }
            text
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

/// Customers per risk band, as summary figures.
pub(super) fn record_bands(record: &mut RunRecord, counts: [usize; 3]) {
    for (name, count) in BAND_NAMES.iter().zip(counts) {
        record.figure(&format!("{name} risk"), thousands(count as u64));
    }
}
