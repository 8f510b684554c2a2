//! What a churn model learns from when the input is transactions: each customer's summary
//! (the segment features, `prepare::summary`) as of a cutoff, her spend in the 30 and 90 days
//! before it, and, for training, whether she bought in the window after it.

use std::collections::HashMap;

use anyhow::Result;
use polars::prelude::*;

use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::MS_PER_DAY;
use crate::io::{self, schema};
use crate::mining::churn::encoding::RawColumn;
use crate::prepare::summary::{self, CustomerTable};
use crate::printer::Printer;

/// Customers and their candidate feature columns, with labels when training.
pub struct Customers {
    /// The id column's name in the output.
    pub id_column: String,
    pub ids: Vec<String>,
    pub columns: Vec<(String, RawColumn)>,
    pub labels: Option<Vec<bool>>,
    /// Columns left out, with why.
    pub excluded: Vec<(String, String)>,
}

const SPEND_LAST_30: &str = "spend_last_30d";
const SPEND_LAST_90: &str = "spend_last_90d";
const SHARE_LAST_90: &str = "share_of_spend_last_90d";

/// The `ckm segment` features a churn model learns from (dates as days, not timestamps).
const SEGMENT_FEATURES: &[&str] = &[
    summary::RECENCY_DAYS,
    summary::FREQUENCY,
    summary::MONETARY,
    summary::AVG_ORDER_VALUE,
    summary::TENURE_DAYS,
    summary::MEAN_DAYS_BETWEEN_ORDERS,
    summary::DISTINCT_ITEMS,
    summary::CHANNELS,
    summary::RETURN_RATE,
];

/// Each customer's lines: (ts in ms, amount).
pub type Lines = HashMap<String, Vec<(i64, f64)>>;

pub fn transaction_lines(
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
pub fn transaction_customers(
    planned: &io::PlannedInputs,
    lines: &Lines,
    end_ms: i64,
    window_ms: Option<i64>,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<Customers> {
    let CustomerTable { customers, .. } = summary::customer_table(planned, Some(end_ms), record, printer)?;
    let table = summary::with_dates(customers, end_ms)?;
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
    let monetary = summary::values(&table, summary::MONETARY)?;
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
