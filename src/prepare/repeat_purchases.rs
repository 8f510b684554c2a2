//! Repeat-purchase summaries for the customer-base ("buy till you die") models: per customer
//! the repeat purchases x, the time of the last t_x and the age T, in a time unit of days, as
//! the papers and lifetimes define them. A transaction here is a purchase *day*: the models'
//! clock ticks in days, so two orders on one day are one transaction.

use anyhow::Result;
use foldhash::{HashMap, HashMapExt};
use polars::prelude::*;
use rayon::prelude::*;

use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::MS_PER_DAY;
use crate::io::read::{self, ReadSettings};
use crate::io::{self, schema, PlannedInputs};
use crate::mining::btyd::Rft;
use crate::mining::columns::{byte_order, TextKey};
use crate::mining::money;
use crate::mining::runs::RunNumbering;
use crate::printer::Printer;

/// Per-customer summaries with ids and mean repeat spend.
pub struct Summaries {
    pub ids: Vec<String>,
    pub rft: Vec<Rft>,
    pub monetary: Vec<f64>,
    /// Whether the input has spend at all (a summary table may not).
    pub has_spend: bool,
    pub lines: u64,
    /// Repeat transactions (distinct days) in the holdout period, per customer, when one was
    /// asked for.
    pub holdout: Option<Vec<f64>>,
}

/// Where the calibration period ends, the time unit, and where a holdout period ends.
#[derive(Debug, Clone, Copy)]
pub struct SummarySettings {
    /// The last day of the calibration period; default the day of the latest line.
    pub calibration_end_day: Option<i64>,
    /// Days per time unit of x, t_x and T (7 for weeks).
    pub unit_days: f64,
    /// The last day of the holdout period, whose repeat purchases are counted apart.
    pub holdout_end_day: Option<i64>,
}

/// Each line's customer as a number, for whoever groups the same lines by customer next (the
/// report's orders): numbered in order of first appearance, [`NO_CUSTOMER`] for a line in no
/// customer's calibration period (no customer_id or ts, or after the calibration end).
pub struct LineCustomers {
    pub code: Vec<u32>,
    pub customers: usize,
}

pub const NO_CUSTOMER: u32 = crate::mining::runs::NO_GROUP;

/// Summaries from transactions: purchases on one calendar day are one transaction. With a
/// holdout end, the days after the calibration end up to it are counted per customer of the
/// calibration period. Returns the calibration end day too. `input` names the input in
/// messages; `hash` says whether the inputs' sha256 is recorded.
pub fn summarise_transactions(
    input: &str,
    planned: &PlannedInputs,
    settings: &SummarySettings,
    record: &mut RunRecord,
    printer: &Printer,
    hash: bool,
) -> Result<(Summaries, i64)> {
    let (summaries, end_day, _) =
        summarise_transactions_by_line(input, planned, settings, record, printer, hash)?;
    Ok((summaries, end_day))
}

/// [`summarise_transactions`], and each line's customer.
pub fn summarise_transactions_by_line(
    input: &str,
    planned: &PlannedInputs,
    settings: &SummarySettings,
    record: &mut RunRecord,
    printer: &Printer,
    hash: bool,
) -> Result<(Summaries, i64, LineCustomers)> {
    let SummarySettings {
        calibration_end_day,
        unit_days,
        holdout_end_day,
    } = *settings;
    let table = io::read_planned(planned, io::customer_ts_amount, record, printer)?;
    let lines = table.height() as u64;
    io::record_inputs(&planned.sources, &[lines], record, hash)?;
    let ids = table.column(schema::CUSTOMER_ID)?.str()?;
    let ts = table.column(schema::TS)?.i64()?;
    let amounts = table.column(schema::AMOUNT)?.f64()?;
    let latest = ts
        .max()
        .ok_or_else(|| CkmError::invalid(format!("{input}: no line has a timestamp")))?;
    let end_day = calibration_end_day.unwrap_or(latest.div_euclid(MS_PER_DAY));
    // Each customer's lines are gathered by a counting sort into one flat array: no
    // allocation per customer, and the customers are then summarised on all cores.
    const SKIPPED: u32 = NO_CUSTOMER;
    let (mut unusable, mut after_end) = (0u64, 0u64);
    let mut holdout_lines: Vec<(&str, i64)> = Vec::new();
    // Customers numbered in order of first appearance by runs (see `RunNumbering`): an
    // order's lines come together, so most lines cost a comparison, and the customers' runs
    // are matched by one sort instead of a hash-map lookup each.
    let mut numbering = RunNumbering::with_lines(table.height());
    for (id, t) in ids.iter().zip(ts.iter()) {
        let (Some(id), Some(t)) = (id, t) else {
            unusable += 1;
            numbering.push(None);
            continue;
        };
        let day = t.div_euclid(MS_PER_DAY);
        if day > end_day {
            match holdout_end_day {
                Some(holdout_end) if day <= holdout_end => holdout_lines.push((id, day)),
                _ => after_end += 1,
            }
            numbering.push(None);
            continue;
        }
        numbering.push(Some(TextKey::of(id)));
    }
    let (line_customer, customers) = numbering.finish();
    let mut names: Vec<&str> = Vec::with_capacity(customers);
    let mut line_counts: Vec<usize> = vec![0; customers];
    for (&c, id) in line_customer.iter().zip(ids.iter()) {
        if c != SKIPPED {
            if c as usize == names.len() {
                names.push(id.expect("a numbered line has a customer"));
            }
            line_counts[c as usize] += 1;
        }
    }
    let mut starts: Vec<usize> = Vec::with_capacity(names.len() + 1);
    let mut total = 0;
    for count in &line_counts {
        starts.push(total);
        total += count;
    }
    starts.push(total);
    // Each line's day and amount in millionths (see `mining::money`).
    let mut days: Vec<(i64, i64)> = vec![(0, 0); total];
    let mut next = starts.clone();
    for ((c, t), amount) in line_customer.iter().zip(ts.iter()).zip(amounts.iter()) {
        if let (true, Some(t)) = (*c != SKIPPED, t) {
            let slot = &mut next[*c as usize];
            days[*slot] = (
                t.div_euclid(MS_PER_DAY),
                amount.and_then(money::micros).unwrap_or(0),
            );
            *slot += 1;
        }
    }
    // Holdout days of the calibration period's customers; later customers are not in the
    // cohort the models describe.
    let mut holdout_days: Vec<Vec<i64>> = vec![Vec::new(); names.len()];
    let index: HashMap<TextKey, u32> = if holdout_lines.is_empty() {
        HashMap::new()
    } else {
        names
            .iter()
            .enumerate()
            .map(|(c, name)| (TextKey::of(name), c as u32))
            .collect()
    };
    let mut newcomers = 0u64;
    for (id, day) in holdout_lines {
        match index.get(&TextKey::of(id)) {
            Some(&c) => holdout_days[c as usize].push(day),
            None => newcomers += 1,
        }
    }
    report_left_out(
        record,
        printer,
        LeftOut {
            unusable,
            newcomers,
            after_end,
        },
        holdout_end_day.is_some(),
    );
    let unit = unit_days;
    // The summaries in customer id order.
    let order: Vec<usize> = byte_order(&names).into_iter().map(|c| c as usize).collect();
    let holdout = holdout_end_day.map(|_| {
        order
            .iter()
            .map(|&c| {
                let seen = &mut holdout_days[c];
                seen.sort_unstable();
                seen.dedup();
                seen.len() as f64
            })
            .collect()
    });
    // Each customer's lines, to sort by day (a day's amounts add up exactly, in any order).
    let mut lines_of: Vec<&mut [(i64, i64)]> = Vec::with_capacity(names.len());
    let mut rest = days.as_mut_slice();
    for count in &line_counts {
        let (own, after) = rest.split_at_mut(*count);
        lines_of.push(own);
        rest = after;
    }
    lines_of
        .par_iter_mut()
        .for_each(|lines| lines.sort_unstable_by_key(|l| l.0));
    let summarised: Vec<(Rft, f64)> = order
        .par_iter()
        .map(|&c| {
            let lines = &lines_of[c];
            let mut daily: Vec<(i64, i64)> = Vec::new();
            for &(day, amount) in lines.iter() {
                match daily.last_mut() {
                    Some(last) if last.0 == day => last.1 += amount,
                    _ => daily.push((day, amount)),
                }
            }
            let first = daily[0].0;
            let last = daily[daily.len() - 1].0;
            let repeats = &daily[1..];
            let rft = Rft {
                x: repeats.len() as f64,
                t_x: (last - first) as f64 / unit,
                t: (end_day - first) as f64 / unit,
            };
            let monetary = if repeats.is_empty() {
                0.0
            } else {
                money::units(repeats.iter().map(|r| r.1).sum()) / repeats.len() as f64
            };
            (rft, monetary)
        })
        .collect();
    let (rft, monetary) = summarised.into_iter().unzip();
    let summaries = Summaries {
        ids: order.iter().map(|&c| names[c].to_string()).collect(),
        rft,
        monetary,
        has_spend: true,
        lines,
        holdout,
    };
    let line_customers = LineCustomers {
        code: line_customer,
        customers: names.len(),
    };
    Ok((summaries, end_day, line_customers))
}

/// The lines the summaries leave out, by why.
pub struct LeftOut {
    /// Without customer_id or ts.
    pub unusable: u64,
    /// In the holdout period, of customers not in the calibration period.
    pub newcomers: u64,
    /// After the calibration end, or after the holdout end when there is one.
    pub after_end: u64,
}

/// The warning and the figures for the lines the summaries leave out (whichever engine
/// summarised them).
pub fn report_left_out(record: &mut RunRecord, printer: &Printer, left_out: LeftOut, holdout: bool) {
    let LeftOut {
        unusable,
        newcomers,
        after_end,
    } = left_out;
    if unusable > 0 {
        record.warn(
            printer,
            format!("{unusable} lines without customer_id or ts were left out; run ckm clean to keep them with reasons"),
        );
    }
    if newcomers > 0 {
        record.figure(
            "holdout lines of customers new in the holdout (not used)",
            newcomers,
        );
    }
    if after_end > 0 {
        record.figure(
            if holdout {
                "lines after the holdout end (not used)"
            } else {
                "lines after the calibration end (not used)"
            },
            after_end,
        );
    }
}

/// Summaries from a ready summary table (frequency, recency, T, optionally monetary_value,
/// as lifetimes names them, or the papers' x, t_x, T, zbar), or `None` when `input` does not
/// have those columns.
pub fn summaries_from_table(input: &str, read: &ReadSettings) -> Result<Option<Summaries>> {
    let spec = read::resolve_inputs(&[input.to_string()])?
        .pop()
        .ok_or_else(|| CkmError::usage("an input is needed"))?;
    let source = read::open_source(spec, read)?;
    let mut raw = read::scan_raw(&source)?;
    let columns = raw.collect_schema()?;
    // The names lifetimes uses, or the papers' (x, t_x, T, zbar).
    let find = |names: &[&'static str]| names.iter().copied().find(|c| columns.contains(c));
    let (Some(frequency_column), Some(recency_column), Some(age_column)) =
        (find(&["frequency", "x"]), find(&["recency", "t_x"]), find(&["T"]))
    else {
        return Ok(None);
    };
    let monetary_column = find(&["monetary_value", "zbar"]);
    let table = raw.collect()?;
    let number = |name: &str| read::numbers_in_text(&table, name);
    let id_column = ["customer_id", "ID", "id"]
        .into_iter()
        .find(|c| columns.contains(c));
    let ids: Vec<String> = match id_column {
        Some(c) => read::text_values(&table, c)?,
        None => (1..=table.height()).map(|i| i.to_string()).collect(),
    };
    let (frequency, recency, age) = (
        number(frequency_column)?,
        number(recency_column)?,
        number(age_column)?,
    );
    let has_spend = monetary_column.is_some();
    let monetary = match monetary_column {
        Some(c) => number(c)?,
        None => vec![Some(0.0); table.height()],
    };
    let mut rft = Vec::with_capacity(table.height());
    for row in 0..table.height() {
        match (frequency[row], recency[row], age[row]) {
            (Some(x), Some(t_x), Some(t)) if x >= 0.0 && t_x >= 0.0 && t >= t_x => {
                rft.push(Rft { x, t_x, t })
            }
            _ => {
                return Err(CkmError::invalid(format!(
                    "{input}: row {}: frequency, recency and T must be numbers with 0 <= recency <= T",
                    row + 2
                )))
            }
        }
    }
    Ok(Some(Summaries {
        ids,
        rft,
        monetary: monetary.into_iter().map(|m| m.unwrap_or(0.0)).collect(),
        has_spend,
        lines: table.height() as u64,
        holdout: None,
    }))
}
