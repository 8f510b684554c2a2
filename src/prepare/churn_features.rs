//! What a churn model learns from when the input is transactions: each customer's summary
//! (the segment features, `prepare::summary`) as of a cutoff, her spend in the 30 and 90 days
//! before it, and, for training, whether she bought in the window after it.

use anyhow::Result;
use polars::prelude::*;
use rayon::prelude::*;

use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::MS_PER_DAY;
use crate::io::{self, schema};
use crate::mining::churn::encoding::RawColumn;
use crate::mining::money;
use crate::prepare::order_figures::NO_USABLE_LINE;
use crate::prepare::summary;
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
    record.mark("read_lines");
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

/// [`RecentActivity`] from the local engine's lines for each end (its customers, its time and
/// for training its window) in one pass over the lines,
/// on all cores: each line's customer is looked up once, among the customers of the end with
/// the most (the others' customers, in training its customers as of the cutoff, are found
/// there by their position).
pub fn recent_activities(
    table: &DataFrame,
    ends: &[(&[String], i64, Option<i64>)],
) -> Result<Vec<RecentActivity>> {
    let Some(widest) = (0..ends.len()).max_by_key(|&e| ends[e].0.len()) else {
        return Ok(Vec::new());
    };
    let position: foldhash::HashMap<&str, u32> = ends[widest]
        .0
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i as u32))
        .collect();
    // For each end, its row of each of the widest end's customers (u32::MAX: not its customer).
    // An end with a customer the widest one lacks (never in training, where the cutoff's
    // customers are among the end's) is counted in a pass of its own.
    let mut rows_of: Vec<Option<Vec<u32>>> = Vec::with_capacity(ends.len());
    for (ids, ..) in ends {
        let mut rows = vec![u32::MAX; position.len()];
        let mut found = true;
        for (row, id) in ids.iter().enumerate() {
            match position.get(id.as_str()) {
                Some(&p) => rows[p as usize] = row as u32,
                None => {
                    found = false;
                    break;
                }
            }
        }
        rows_of.push(found.then_some(rows));
    }
    if rows_of.iter().any(Option::is_none) {
        let mut joint_ends = Vec::new();
        for (end, rows) in ends.iter().zip(&rows_of) {
            if rows.is_some() {
                joint_ends.push(*end);
            }
        }
        let mut joint = recent_activities(table, &joint_ends)?.into_iter();
        return ends
            .iter()
            .zip(&rows_of)
            .map(|(end, rows)| match rows {
                Some(_) => Ok(joint.next().expect("one activity per joint end")),
                None => Ok(recent_activities(table, std::slice::from_ref(end))?
                    .pop()
                    .expect("one activity for one end")),
            })
            .collect();
    }
    let rows_of: Vec<Vec<u32>> = rows_of.into_iter().flatten().collect();

    let customers = table.column(schema::CUSTOMER_ID)?.str()?.rechunk();
    let ts = table.column(schema::TS)?.i64()?.rechunk();
    let amounts = table.column(schema::AMOUNT)?.cast(&DataType::Float64)?;
    let amounts = amounts.f64()?.rechunk();
    let empty = || -> Vec<RecentActivity> {
        ends.iter()
            .map(|&(ids, _, window_ms)| RecentActivity {
                spend_micros: [vec![0i64; ids.len()], vec![0i64; ids.len()]],
                bought_in_window: window_ms.map(|_| vec![false; ids.len()]),
            })
            .collect()
    };
    // The times that count for some end: the longest recent span before it, the window after.
    let longest = RECENT_DAYS.iter().max().copied().unwrap_or(0) * MS_PER_DAY;
    let spans: Vec<(i64, i64)> = ends
        .iter()
        .map(|&(_, end_ms, window_ms)| (end_ms - longest, end_ms + window_ms.unwrap_or(0)))
        .collect();
    const SLICE: usize = 1 << 18;
    let slices = table.height().div_ceil(SLICE);
    // One set of totals per thread, not per slice: each is as long as the customers.
    let per_thread = slices.div_ceil(rayon::current_num_threads().max(1)).max(1);
    let activities = (0..slices)
        .into_par_iter()
        .with_min_len(per_thread)
        .fold(empty, |mut activities, slice| {
            let offset = (slice * SLICE) as i64;
            let customers = customers.slice(offset, SLICE);
            let ts = ts.slice(offset, SLICE);
            let amounts = amounts.slice(offset, SLICE);
            for ((customer, t), amount) in customers.iter().zip(ts.iter()).zip(amounts.iter()) {
                let (Some(customer), Some(t)) = (customer, t) else {
                    continue;
                };
                // Most lines are older than every span: no customer to look up for them.
                if !spans.iter().any(|&(from, to)| t >= from && t < to) {
                    continue;
                }
                let Some(&p) = position.get(customer) else {
                    continue;
                };
                let micros = amount.and_then(money::micros).unwrap_or(0);
                for ((activity, rows), &(_, end_ms, window_ms)) in
                    activities.iter_mut().zip(&rows_of).zip(ends)
                {
                    let i = rows[p as usize];
                    if i == u32::MAX {
                        continue;
                    }
                    let i = i as usize;
                    if t < end_ms {
                        for (recent, days) in activity.spend_micros.iter_mut().zip(RECENT_DAYS) {
                            if t >= end_ms - days * MS_PER_DAY {
                                recent[i] += micros;
                            }
                        }
                    } else if let (Some(bought), Some(window)) =
                        (activity.bought_in_window.as_mut(), window_ms)
                    {
                        if t < end_ms + window {
                            bought[i] = true;
                        }
                    }
                }
            }
            activities
        })
        .reduce(empty, |mut left, right| {
            for (l, r) in left.iter_mut().zip(right) {
                for (l, r) in l.spend_micros.iter_mut().zip(r.spend_micros) {
                    l.iter_mut().zip(r).for_each(|(l, r)| *l += r);
                }
                if let (Some(l), Some(r)) = (l.bought_in_window.as_mut(), r.bought_in_window) {
                    l.iter_mut().zip(r).for_each(|(l, r)| *l |= r);
                }
            }
            left
        });
    Ok(activities)
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

/// [`customers`] computed by the local engine from its lines, as of each `(end_ms, window_ms)`:
/// the summaries of every end come from one reading of the inputs.
pub fn transaction_customers(
    planned: &io::PlannedInputs,
    activity: &Activity,
    ends: &[(i64, Option<i64>)],
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<Vec<Customers>> {
    let cutoffs: Vec<Option<i64>> = ends.iter().map(|&(end, _)| Some(end)).collect();
    let tables = summary::customer_tables(planned, &cutoffs, record, printer)?;
    record.mark("customer_summaries");
    let lines = activity
        .table
        .as_ref()
        .expect("the local engine's activity holds its lines");
    let mut summaries = Vec::with_capacity(tables.len());
    for table in tables {
        let ids = crate::io::read::text_values(&table.customers, schema::CUSTOMER_ID)?;
        summaries.push((table.customers, ids));
    }
    let recent = recent_activities(
        lines,
        &summaries
            .iter()
            .zip(ends)
            .map(|((_, ids), &(end_ms, window_ms))| (ids.as_slice(), end_ms, window_ms))
            .collect::<Vec<_>>(),
    )?;
    record.mark("recent_spend");
    summaries
        .into_iter()
        .zip(recent)
        .zip(ends)
        .map(|(((summary, ids), recent), &(end_ms, _))| customers(summary, ids, recent, end_ms))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spend and window purchases of one customer by a plain reading of the lines.
    fn by_hand(
        lines: &[(&str, i64, f64)],
        id: &str,
        end: i64,
        window: Option<i64>,
    ) -> ([i64; 2], Option<bool>) {
        let mut spend = [0i64; 2];
        let mut bought = window.map(|_| false);
        for &(customer, t, amount) in lines.iter().filter(|l| l.0 == id) {
            if t < end {
                for (s, days) in spend.iter_mut().zip(RECENT_DAYS) {
                    if t >= end - days * MS_PER_DAY {
                        *s += money::micros(amount).unwrap();
                    }
                }
            } else if let (Some(b), Some(w)) = (bought.as_mut(), window) {
                *b |= t < end + w && customer == id;
            }
        }
        (spend, bought)
    }

    #[test]
    fn several_ends_in_one_pass_match_a_reading_by_hand() {
        let day = MS_PER_DAY;
        let mut lines = Vec::new();
        for i in 0..600_000i64 {
            let customer = ["a", "b", "c", "d", "e"][(i % 5) as usize];
            lines.push((customer, (i % 400) * day + i % 1000, (i % 17) as f64 + 0.25));
        }
        let table = df![
            schema::CUSTOMER_ID => lines.iter().map(|l| l.0).collect::<Vec<_>>(),
            schema::TS => lines.iter().map(|l| l.1).collect::<Vec<_>>(),
            schema::AMOUNT => lines.iter().map(|l| l.2).collect::<Vec<_>>(),
        ]
        .unwrap();
        let cutoff_ids: Vec<String> = ["a", "c", "d"].map(String::from).to_vec();
        let end_ids: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
        // "z" is no customer of the widest end: its end is counted on its own.
        let other_ids: Vec<String> = ["b", "z"].map(String::from).to_vec();
        let ends = [
            (cutoff_ids.as_slice(), 300 * day, Some(60 * day)),
            (end_ids.as_slice(), 400 * day, None),
            (other_ids.as_slice(), 200 * day, Some(30 * day)),
        ];
        let found = recent_activities(&table, &ends).unwrap();
        for ((ids, end, window), activity) in ends.iter().zip(&found) {
            for (i, id) in ids.iter().enumerate() {
                let (spend, bought) = by_hand(&lines, id, *end, *window);
                assert_eq!(
                    [activity.spend_micros[0][i], activity.spend_micros[1][i]],
                    spend,
                    "{id}"
                );
                assert_eq!(activity.bought_in_window.as_ref().map(|b| b[i]), bought, "{id}");
            }
        }
    }
}
