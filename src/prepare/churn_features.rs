//! What a churn model learns from when the input is transactions: each customer's summary
//! (the segment features, `prepare::summary`) as of a cutoff, her spend in the 30 and 90 days
//! before it, and, for training, whether she bought in the window after it.

use anyhow::Result;
use polars::prelude::*;

use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::MS_PER_DAY;
use crate::io::{self, schema};
use crate::mining::churn::encoding::RawColumn;
use crate::mining::money;
use crate::prepare::order_figures::NO_USABLE_LINE;
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

/// What a churn model's features and labels are computed from: the lines that have a
/// customer and a time, and when the latest was.
pub struct Activity {
    /// Lines read.
    pub lines: u64,
    /// Lines without a customer_id or a ts: in no feature (they go to rejects).
    pub unusable: u64,
    /// The latest line's time, in ms.
    pub latest_ms: i64,
    /// The local engine's usable lines (customer, ts in ms, amount); none when Spark holds them.
    pub table: Option<DataFrame>,
}

/// Reads the lines with a customer and a time (see [`Activity`]).
pub fn activity(planned: &io::PlannedInputs, record: &mut RunRecord, printer: &Printer) -> Result<Activity> {
    let table = io::read_planned(planned, io::customer_ts_amount, record, printer)?;
    let lines = table.height() as u64;
    let table = table
        .lazy()
        .filter(
            col(schema::CUSTOMER_ID)
                .is_not_null()
                .and(col(schema::TS).is_not_null()),
        )
        .collect()?;
    let latest_ms = table.column(schema::TS)?.i64()?.max();
    let Some(latest_ms) = latest_ms else {
        return Err(CkmError::invalid(NO_USABLE_LINE));
    };
    Ok(Activity {
        lines,
        unusable: lines - table.height() as u64,
        latest_ms,
        table: Some(table),
    })
}

/// The days before a cutoff whose spend is a feature.
pub const RECENT_DAYS: [i64; 2] = [30, 90];

/// Each customer's spend in the [`RECENT_DAYS`] before the end and, for training, whether she
/// bought in the window after it; in the order of the customer table's ids.
pub struct RecentActivity {
    /// Spend in the last 30 and the last 90 days, in whole millionths (as money is added,
    /// [`crate::mining::money`]).
    pub spend_micros: [Vec<i64>; 2],
    pub bought_in_window: Option<Vec<bool>>,
}

/// [`RecentActivity`] from the local engine's lines, for the customers `ids`.
pub fn recent_activity(
    table: &DataFrame,
    ids: &[String],
    end_ms: i64,
    window_ms: Option<i64>,
) -> Result<RecentActivity> {
    let position: foldhash::HashMap<&str, usize> =
        ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let mut spend = [vec![0i64; ids.len()], vec![0i64; ids.len()]];
    let mut bought = window_ms.map(|_| vec![false; ids.len()]);
    let starts = RECENT_DAYS.map(|days| end_ms - days * MS_PER_DAY);
    let customers = table.column(schema::CUSTOMER_ID)?.str()?;
    let ts = table.column(schema::TS)?.i64()?;
    let amounts = table.column(schema::AMOUNT)?.cast(&DataType::Float64)?;
    let amounts = amounts.f64()?;
    for ((customer, t), amount) in customers.iter().zip(ts.iter()).zip(amounts.iter()) {
        let (Some(customer), Some(t)) = (customer, t) else {
            continue;
        };
        let Some(&i) = position.get(customer) else {
            continue;
        };
        if t < end_ms {
            let micros = amount.and_then(money::micros).unwrap_or(0);
            for (recent, start) in spend.iter_mut().zip(starts) {
                if t >= start {
                    recent[i] += micros;
                }
            }
        } else if let (Some(bought), Some(window)) = (bought.as_mut(), window_ms) {
            if t < end_ms + window {
                bought[i] = true;
            }
        }
    }
    Ok(RecentActivity {
        spend_micros: spend,
        bought_in_window: bought,
    })
}

/// The customer table (segment's features plus recent-spend trends) as of `end_ms`, from
/// the per-customer summary of the lines before it (its ids in `ids`, as
/// [`crate::io::read::text_values`] reads them) and their recent activity; labelled
/// churned when the activity says they bought nothing in the window.
pub fn customers(
    summary: DataFrame,
    ids: Vec<String>,
    recent: RecentActivity,
    end_ms: i64,
) -> Result<Customers> {
    let table = summary::with_dates(summary, end_ms)?;
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
    let [last_30, last_90] = recent
        .spend_micros
        .map(|spend| spend.into_iter().map(money::units).collect::<Vec<f64>>());
    let share_90 = last_90
        .iter()
        .zip(&monetary)
        .map(|(&s90, &m)| (m.abs() > 0.0).then(|| s90 / m))
        .collect();
    columns.push((
        SPEND_LAST_30.into(),
        RawColumn::Numbers(last_30.into_iter().map(Some).collect()),
    ));
    columns.push((
        SPEND_LAST_90.into(),
        RawColumn::Numbers(last_90.into_iter().map(Some).collect()),
    ));
    columns.push((SHARE_LAST_90.into(), RawColumn::Numbers(share_90)));
    Ok(Customers {
        id_column: schema::CUSTOMER_ID.into(),
        ids,
        columns,
        labels: recent
            .bought_in_window
            .map(|bought| bought.into_iter().map(|b| !b).collect()),
        excluded: Vec::new(),
    })
}

/// [`customers`] computed by the local engine from its lines.
pub fn transaction_customers(
    planned: &io::PlannedInputs,
    activity: &Activity,
    end_ms: i64,
    window_ms: Option<i64>,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<Customers> {
    let CustomerTable {
        customers: summary, ..
    } = summary::customer_table(planned, Some(end_ms), record, printer)?;
    let ids = crate::io::read::text_values(&summary, schema::CUSTOMER_ID)?;
    let table = activity
        .table
        .as_ref()
        .expect("the local engine's activity holds its lines");
    let recent = recent_activity(table, &ids, end_ms, window_ms)?;
    customers(summary, ids, recent, end_ms)
}
