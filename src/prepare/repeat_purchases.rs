//! Repeat-purchase summaries for the customer-base ("buy till you die") models: per customer
//! the repeat purchases x, the time of the last t_x and the age T, in a time unit of days, as
//! the papers and lifetimes define them. A transaction here is a purchase *day*: the models'
//! clock ticks in days, so two orders on one day are one transaction.

use anyhow::Result;
use foldhash::{HashMap, HashMapExt};
use polars::prelude::*;

use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::MS_PER_DAY;
use crate::io::{self, schema, PlannedInputs};
use crate::mining::btyd::Rft;
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
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut days: Vec<Vec<(i64, f64)>> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let (mut unusable, mut after_end) = (0u64, 0u64);
    let mut holdout_lines: Vec<(&str, i64)> = Vec::new();
    for ((id, t), amount) in ids.iter().zip(ts.iter()).zip(amounts.iter()) {
        let (Some(id), Some(t)) = (id, t) else {
            unusable += 1;
            continue;
        };
        let day = t.div_euclid(MS_PER_DAY);
        if day > end_day {
            match holdout_end_day {
                Some(holdout_end) if day <= holdout_end => holdout_lines.push((id, day)),
                _ => after_end += 1,
            }
            continue;
        }
        let c = *index.entry(id).or_insert_with(|| {
            names.push(id);
            days.push(Vec::new());
            names.len() - 1
        });
        days[c].push((day, amount.unwrap_or(0.0)));
    }
    if unusable > 0 {
        record.warn(
            printer,
            format!("{unusable} lines without customer_id or ts were left out; run ckm clean to keep them with reasons"),
        );
    }
    // Holdout days of the calibration period's customers; later customers are not in the
    // cohort the models describe.
    let mut holdout_days: Vec<Vec<i64>> = vec![Vec::new(); names.len()];
    let mut newcomers = 0u64;
    for (id, day) in holdout_lines {
        match index.get(id) {
            Some(&c) => holdout_days[c].push(day),
            None => newcomers += 1,
        }
    }
    if newcomers > 0 {
        record.figure(
            "holdout lines of customers new in the holdout (not used)",
            newcomers,
        );
    }
    if after_end > 0 {
        record.figure(
            if holdout_end_day.is_some() {
                "lines after the holdout end (not used)"
            } else {
                "lines after the calibration end (not used)"
            },
            after_end,
        );
    }
    let unit = unit_days;
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].cmp(names[b]));
    let mut summaries = Summaries {
        ids: Vec::with_capacity(order.len()),
        rft: Vec::with_capacity(order.len()),
        monetary: Vec::with_capacity(order.len()),
        has_spend: true,
        lines,
        holdout: holdout_end_day.map(|_| Vec::with_capacity(order.len())),
    };
    for c in order {
        if let Some(holdout) = summaries.holdout.as_mut() {
            let seen = &mut holdout_days[c];
            seen.sort_unstable();
            seen.dedup();
            holdout.push(seen.len() as f64);
        }
        let lines = &mut days[c];
        lines.sort_by_key(|l| l.0);
        let mut daily: Vec<(i64, f64)> = Vec::new();
        for &(day, amount) in lines.iter() {
            match daily.last_mut() {
                Some(last) if last.0 == day => last.1 += amount,
                _ => daily.push((day, amount)),
            }
        }
        let first = daily[0].0;
        let last = daily[daily.len() - 1].0;
        let repeats = &daily[1..];
        summaries.ids.push(names[c].to_string());
        summaries.rft.push(Rft {
            x: repeats.len() as f64,
            t_x: (last - first) as f64 / unit,
            t: (end_day - first) as f64 / unit,
        });
        summaries.monetary.push(if repeats.is_empty() {
            0.0
        } else {
            repeats.iter().map(|r| r.1).sum::<f64>() / repeats.len() as f64
        });
    }
    Ok((summaries, end_day))
}
