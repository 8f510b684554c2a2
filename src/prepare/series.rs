//! Per-period series from the canonical transactions: revenue, quantity, orders (see
//! [`order_key`](crate::prepare::orders::order_key)) or customers per calendar period, for the
//! whole business or per group (a column of the lines, or each customer's segment).

use std::collections::BTreeMap;

use anyhow::Result;
use foldhash::{HashMap, HashMapExt};
use polars::prelude::*;
use rayon::prelude::*;

use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::Period;
use crate::io::periods::{self, day_text, MS_PER_DAY};
use crate::io::policy::SMALL_GROUPS;
use crate::io::read::{self, ReadSettings};
use crate::io::{self, rejects, schema};
use crate::mining::money;
use crate::prepare::orders;
use crate::printer::Printer;

/// What a series counts per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// The sum of the lines' amounts (quantity × unit price where there is no amount).
    Revenue,
    Quantity,
    /// Distinct orders.
    Orders,
    /// Distinct customer ids.
    Customers,
}

/// Which series: one for the whole business, one per value of a column of the lines, or one
/// per segment of a customer -> segment map.
#[derive(Debug, Clone)]
pub enum Grouping {
    Whole,
    Column(String),
    Segments(HashMap<String, String>),
}

#[derive(Debug, Clone)]
pub struct SeriesSettings {
    pub measure: Measure,
    pub period: Period,
    pub grouping: Grouping,
    /// Keep an incomplete last period instead of leaving it out.
    pub keep_partial: bool,
    /// A policy's min_group K: each series counts its customers ([`SeriesCustomers`]), and
    /// groups of fewer than K become one group, [`SMALL_GROUPS`].
    pub min_group: Option<u64>,
}

/// Why a line counts in no series (`None` when it counts), for the rejects file.
pub fn reject_reason(columns: &Schema, measure: Measure) -> Expr {
    let (missing, reason) = match measure {
        Measure::Revenue if columns.contains(schema::AMOUNT) => (col(schema::AMOUNT).is_null(), "no amount"),
        Measure::Revenue => (
            col(schema::QUANTITY)
                .is_null()
                .or(col(schema::UNIT_PRICE).is_null()),
            "no quantity or unit_price",
        ),
        Measure::Quantity => (col(schema::QUANTITY).is_null(), "no quantity"),
        Measure::Orders => (orders::order_key(columns).is_null(), orders::NO_ORDER),
        Measure::Customers => (col(schema::CUSTOMER_ID).is_null(), "no customer_id"),
    };
    rejects::first_reason([(col(schema::TS).is_null(), "no ts"), (missing, reason)])
}

/// One group's series: consecutive periods from `first` on.
pub struct Series {
    pub group: Option<String>,
    pub first: i64,
    pub values: Vec<f64>,
    /// The customers behind it, counted only under a policy's min_group.
    pub customers: Option<SeriesCustomers>,
}

/// The distinct customers behind a series: in each period (as its values) and in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesCustomers {
    pub per_period: Vec<u64>,
    pub overall: u64,
}

/// Distinct customers per (group, period) and per group, for [`into_series`].
#[derive(Debug, Default)]
pub struct CustomerCounts {
    pub per_period: HashMap<(usize, i64), u64>,
    pub per_group: HashMap<usize, u64>,
}

/// Under min_group, each counted line's (group, customer, period): one sort puts each
/// group's customers together and each customer's periods after them, so that the distinct
/// customers per group and per period are counted without another. A customer is known by a
/// 64-bit hash of its id ([`Sightings::customer`]), which saves a look-up per line: two ids of
/// one hash (about one chance in 37 million among a million customers) count as one, which
/// can only make a group look smaller than it is, never larger.
///
/// A sighting is one 128-bit key, the group in its top 32 bits, the customer in the next 64
/// and the period in the last 32, as its distance back from `anchor` (the latest period):
/// 16 bytes a line rather than 24. A period more than 2^32 back (no calendar has one) would
/// be counted at that distance, where no series looks for it: its customer counts nowhere.
pub struct Sightings {
    anchor: i64,
    keys: Vec<u128>,
}

impl Sightings {
    /// Sightings of periods up to `anchor`.
    pub fn new(anchor: i64) -> Sightings {
        Sightings {
            anchor,
            keys: Vec::new(),
        }
    }

    pub fn push(&mut self, group: usize, customer: u64, period: i64) {
        let back = (self.anchor - period).clamp(0, u32::MAX as i64) as u128;
        self.keys
            .push((group as u128) << 96 | (customer as u128) << 32 | back);
    }

    fn group_of(key: u128) -> usize {
        (key >> 96) as usize
    }

    fn period_of(&self, key: u128) -> i64 {
        self.anchor - (key & 0xffff_ffff) as i64
    }

    /// What a customer id is known by: the same in every run.
    pub fn customer(id: &str) -> u64 {
        use std::hash::BuildHasher;
        foldhash::fast::FixedState::with_seed(0x636b_6d5f_6964).hash_one(id)
    }

    /// Sorted, each sighting once.
    fn sort(&mut self) {
        self.keys.par_sort_unstable();
        self.keys.dedup();
    }

    /// Keeps the sightings of periods up to `last`.
    fn keep_to(&mut self, last: i64) {
        let anchor = self.anchor;
        self.keys
            .retain(|&key| anchor - (key & 0xffff_ffff) as i64 <= last);
    }

    /// The distinct customers of each of `groups` groups (sorted sightings).
    fn customers_per_group(&self, groups: usize) -> Vec<u64> {
        let mut sizes = vec![0u64; groups];
        let mut previous = None;
        for &key in &self.keys {
            // The group and the customer, without the period.
            let group_and_customer = key >> 32;
            if previous != Some(group_and_customer) {
                sizes[Self::group_of(key)] += 1;
                previous = Some(group_and_customer);
            }
        }
        sizes
    }

    /// Renumbers the groups (`number[g]`), sorted again.
    fn renumber(&mut self, number: &[usize]) {
        const LOW: u128 = (1u128 << 96) - 1;
        for key in &mut self.keys {
            *key = (number[Self::group_of(*key)] as u128) << 96 | (*key & LOW);
        }
        self.sort();
    }

    /// The counts (sorted sightings).
    fn counts(&self, groups: usize) -> CustomerCounts {
        let mut per_period: HashMap<(usize, i64), u64> = HashMap::new();
        for &key in &self.keys {
            *per_period
                .entry((Self::group_of(key), self.period_of(key)))
                .or_default() += 1;
        }
        let per_group = self
            .customers_per_group(groups)
            .into_iter()
            .enumerate()
            .filter(|&(_, n)| n > 0)
            .collect();
        CustomerCounts {
            per_period,
            per_group,
        }
    }
}

/// Under min_group `k`: the groups `present` in the periods kept that have fewer than `k`
/// customers (`sizes`) become one [`SMALL_GROUPS`] group, added to `groups`. Returns each
/// group's new number, and how many were merged.
fn merge_small_groups(groups: &mut Groups, present: &[bool], sizes: &[u64], k: u64) -> (Vec<usize>, usize) {
    let small: Vec<usize> = (0..sizes.len()).filter(|&g| present[g] && sizes[g] < k).collect();
    let mut number: Vec<usize> = (0..sizes.len()).collect();
    if !small.is_empty() {
        let merged = groups.number(Some(SMALL_GROUPS));
        for &g in &small {
            number[g] = merged;
        }
        number.resize(groups.names.len(), merged);
    }
    (number, small.len())
}

/// Group names numbered in order of first appearance. A line's name is looked up as it is and
/// copied only the first time: one allocation per group, not per line.
#[derive(Default)]
pub struct Groups {
    index: HashMap<String, usize>,
    unnamed: Option<usize>,
    pub names: Vec<Option<String>>,
}

impl Groups {
    pub fn number(&mut self, name: Option<&str>) -> usize {
        let next = self.names.len();
        match name {
            Some(name) => match self.index.get(name) {
                Some(&g) => return g,
                None => {
                    self.index.insert(name.to_string(), next);
                }
            },
            None => match self.unnamed {
                Some(g) => return g,
                None => self.unnamed = Some(next),
            },
        }
        self.names.push(name.map(str::to_string));
        next
    }
}

/// Sums per (group, period) into gap-free series, each from its first period to `last` (or,
/// with `None`, to its own last period).
pub fn into_series(
    sums: HashMap<(usize, i64), f64>,
    groups: &[Option<String>],
    last: Option<i64>,
    customers: Option<&CustomerCounts>,
) -> Vec<Series> {
    let mut by_group: Vec<BTreeMap<i64, f64>> = vec![BTreeMap::new(); groups.len()];
    for ((g, key), value) in sums {
        if last.is_none_or(|last| key <= last) {
            by_group[g].insert(key, value);
        }
    }
    let mut series: Vec<Series> = by_group
        .into_iter()
        .zip(groups)
        .enumerate()
        .filter_map(|(g, (values, group))| {
            let first = *values.keys().next()?;
            let last = last.unwrap_or(*values.keys().next_back()?);
            Some(Series {
                group: group.clone(),
                first,
                values: (first..=last)
                    .map(|k| values.get(&k).copied().unwrap_or(0.0))
                    .collect(),
                customers: customers.map(|counts| SeriesCustomers {
                    per_period: (first..=last)
                        .map(|k| counts.per_period.get(&(g, k)).copied().unwrap_or(0))
                        .collect(),
                    overall: counts.per_group.get(&g).copied().unwrap_or(0),
                }),
            })
        })
        .collect();
    series.sort_by(|a, b| a.group.cmp(&b.group));
    series
}

/// The group of customers missing from the --segments file.
pub const NOT_SEGMENTED: &str = "(not in segments)";

/// What a transactions run read: the series, the lines, and the lines left out.
pub struct FromTransactions {
    pub series: Vec<Series>,
    pub lines: u64,
    pub left_out: u64,
    /// Groups merged into [`SMALL_GROUPS`] under min_group.
    pub small_groups: usize,
}

/// Series from transactions: the measure per period and group. `input` names the input in
/// messages; `hash` says whether the inputs' sha256 is recorded.
pub fn series_from_transactions(
    input: &str,
    planned: &io::PlannedInputs,
    settings: &SeriesSettings,
    record: &mut RunRecord,
    printer: &Printer,
    hash: bool,
) -> Result<FromTransactions> {
    const VALUE: &str = "__ckm_value";
    const KEY: &str = "__ckm_key";
    const GROUP: &str = "__ckm_group";
    let measure = settings.measure;
    let (by, segments) = match &settings.grouping {
        Grouping::Whole => (None, None),
        Grouping::Column(column) => (Some(column.clone()), None),
        // The group comes from the customer, not from a column of the lines.
        Grouping::Segments(map) => (None, Some(map)),
    };
    const CUSTOMER: &str = "__ckm_customer";
    let need_customer = segments.is_some() || settings.min_group.is_some();
    let missing_by = std::cell::RefCell::new(None::<Vec<String>>);
    let table = io::read_planned(
        planned,
        |frame, columns| {
            let mut selected = vec![col(schema::TS).cast(DataType::Int64)];
            selected.push(match measure {
                Measure::Revenue => io::line_amount(columns).alias(VALUE),
                Measure::Quantity => col(schema::QUANTITY).cast(DataType::Float64).alias(VALUE),
                Measure::Orders => orders::order_key(columns).alias(KEY),
                Measure::Customers => col(schema::CUSTOMER_ID).cast(DataType::String).alias(KEY),
            });
            if need_customer {
                selected.push(col(schema::CUSTOMER_ID).cast(DataType::String).alias(CUSTOMER));
            }
            if let Some(by) = &by {
                if columns.contains(by) {
                    selected.push(col(by.as_str()).cast(DataType::String).alias(GROUP));
                } else {
                    *missing_by.borrow_mut() = Some(columns.iter_names().map(|n| n.to_string()).collect());
                    selected.push(lit(NULL).cast(DataType::String).alias(GROUP));
                }
            }
            frame.select(selected)
        },
        record,
        printer,
    )?;
    if let (Some(by), Some(columns)) = (&by, missing_by.into_inner()) {
        return Err(CkmError::usage(format!(
            "{}: --by '{by}' is not a column; the columns are {}",
            input,
            columns.join(", ")
        )));
    }
    let lines = table.height() as u64;
    io::record_inputs(&planned.sources, &[lines], record, hash)?;
    let ts = table.column(schema::TS)?.i64()?;
    let groups_column = match &by {
        Some(_) => Some(table.column(GROUP)?.str()?),
        None => None,
    };
    let customers_column = match need_customer {
        true => Some(table.column(CUSTOMER)?.str()?),
        false => None,
    };
    let latest_day = ts
        .max()
        .ok_or_else(|| CkmError::invalid(format!("{}: no line has a timestamp", input)))?
        .div_euclid(MS_PER_DAY);
    let mut groups = Groups::default();
    let mut unsegmented = 0u64;
    let mut group_of = |row: usize| -> usize {
        let name = match (&segments, customers_column) {
            (Some(map), Some(customers)) => {
                let segment = customers.get(row).and_then(|c| map.get(c));
                if segment.is_none() {
                    unsegmented += 1;
                }
                Some(segment.map_or(NOT_SEGMENTED, String::as_str))
            }
            _ => groups_column.and_then(|g| g.get(row)),
        };
        groups.number(name)
    };
    // Under min_group, each counted line's sighting; a line without a customer stands for
    // none.
    let mut sightings = Sightings::new(periods::period_of(settings.period, latest_day));
    let mut count_customer = |row: usize, g: usize, period: i64| {
        if settings.min_group.is_none() {
            return;
        }
        if let Some(c) = customers_column.and_then(|c| c.get(row)) {
            sightings.push(g, Sightings::customer(c), period);
        }
    };
    let (mut without_ts, mut without_value) = (0u64, 0u64);
    // In whole millionths (see `mining::money`): the same sums in any order.
    let mut micros: HashMap<(usize, i64), i64> = HashMap::new();
    // The distinct (group, period, order or customer) of the counting measures.
    let mut seen: Vec<(usize, i64, &str)> = Vec::new();
    match measure {
        Measure::Revenue | Measure::Quantity => {
            let values = table.column(VALUE)?.f64()?;
            for (row, (t, v)) in ts.iter().zip(values.iter()).enumerate() {
                let Some(t) = t else {
                    without_ts += 1;
                    continue;
                };
                let Some(v) = v else {
                    without_value += 1;
                    continue;
                };
                let key = periods::period_of(settings.period, t.div_euclid(MS_PER_DAY));
                let g = group_of(row);
                count_customer(row, g, key);
                *micros.entry((g, key)).or_default() += money::micros(v).unwrap_or(0);
            }
        }
        Measure::Orders | Measure::Customers => {
            let keys = table.column(KEY)?.str()?;
            seen.reserve(table.height());
            for (row, (t, k)) in ts.iter().zip(keys.iter()).enumerate() {
                let Some(t) = t else {
                    without_ts += 1;
                    continue;
                };
                let Some(k) = k else {
                    without_value += 1;
                    continue;
                };
                let key = periods::period_of(settings.period, t.div_euclid(MS_PER_DAY));
                let g = group_of(row);
                count_customer(row, g, key);
                seen.push((g, key, k));
            }
        }
    }
    let last = report_left_out(
        record,
        printer,
        LeftOut {
            unsegmented,
            without_ts,
            without_value,
        },
        latest_day,
        settings,
    );
    let mut small_groups = 0;
    let mut customers = None;
    if let Some(k) = settings.min_group {
        sightings.keep_to(last);
        sightings.sort();
        let mut present = vec![false; groups.names.len()];
        let periods_kept = micros.keys().map(|&(g, key)| (g, key));
        for (g, key) in periods_kept.chain(seen.iter().map(|&(g, key, _)| (g, key))) {
            present[g] |= key <= last;
        }
        // The whole business is one group, which is not renamed (small, it is left out).
        let (number, merged) = match settings.grouping {
            Grouping::Whole => (Vec::new(), 0),
            _ => {
                let sizes = sightings.customers_per_group(groups.names.len());
                merge_small_groups(&mut groups, &present, &sizes, k)
            }
        };
        small_groups = merged;
        if merged > 0 {
            micros = micros.into_iter().fold(HashMap::new(), |mut all, ((g, key), m)| {
                *all.entry((number[g], key)).or_default() += m;
                all
            });
            for line in &mut seen {
                line.0 = number[line.0];
            }
            sightings.renumber(&number);
        }
        customers = Some(sightings.counts(groups.names.len()));
    }
    let sums: HashMap<(usize, i64), f64> = match measure {
        Measure::Revenue | Measure::Quantity => micros
            .into_iter()
            .map(|(key, m)| (key, money::units(m)))
            .collect(),
        Measure::Orders | Measure::Customers => {
            seen.par_sort_unstable();
            seen.dedup();
            let mut counts = HashMap::new();
            for (g, key, _) in seen {
                *counts.entry((g, key)).or_default() += 1.0;
            }
            counts
        }
    };
    Ok(FromTransactions {
        series: into_series(sums, &groups.names, Some(last), customers.as_ref()),
        lines,
        left_out: without_ts + without_value,
        small_groups,
    })
}

/// Lines the series leave out, by why.
pub struct LeftOut {
    /// Of customers not in the --segments file (forecast as [`NOT_SEGMENTED`]).
    pub unsegmented: u64,
    pub without_ts: u64,
    /// With a time but without what the measure counts.
    pub without_value: u64,
}

/// The warnings for the lines left out and for an incomplete last period (whichever engine
/// read the lines), and the last period to keep.
pub fn report_left_out(
    record: &mut RunRecord,
    printer: &Printer,
    left_out: LeftOut,
    latest_day: i64,
    settings: &SeriesSettings,
) -> i64 {
    let LeftOut {
        unsegmented,
        without_ts,
        without_value,
    } = left_out;
    if unsegmented > 0 {
        record.warn(
            printer,
            format!("{unsegmented} lines of customers not in --segments are forecast as '{NOT_SEGMENTED}'"),
        );
    }
    let what = match settings.measure {
        Measure::Revenue => "an amount",
        Measure::Quantity => "a quantity",
        Measure::Orders => "an order_id or a customer_id",
        Measure::Customers => "a customer_id",
    };
    if without_ts > 0 {
        record.warn(
            printer,
            format!("{without_ts} lines without ts were left out; run ckm clean to keep them with reasons"),
        );
    }
    if without_value > 0 {
        record.warn(
            printer,
            format!(
                "{without_value} lines without {what} were left out; run ckm clean to keep them with reasons"
            ),
        );
    }
    let mut last = periods::period_of(settings.period, latest_day);
    if latest_day < periods::last_day(settings.period, last) {
        let note = format!(
            "the last period ({} to {}) has data only to {}",
            day_text(periods::first_day(settings.period, last)),
            day_text(periods::last_day(settings.period, last)),
            day_text(latest_day)
        );
        if settings.keep_partial {
            record.warn(printer, format!("{note}; kept (--keep-partial)"));
        } else {
            record.warn(printer, format!("{note}: left out (--keep-partial keeps it)"));
            last -= 1;
        }
    }
    last
}

/// A ready table of dates and values: its path, its date and value columns, and the column
/// whose values are the series' groups.
pub struct SeriesTable {
    pub input: String,
    pub date_column: String,
    pub value_column: String,
    pub by: Option<String>,
}

/// Series from a ready table of dates and values, summed per period.
pub fn series_from_table(
    table: &SeriesTable,
    period: Period,
    read: &ReadSettings,
) -> Result<(Vec<Series>, u64)> {
    let args = table;
    let spec = read::resolve_inputs(std::slice::from_ref(&args.input))?
        .pop()
        .ok_or_else(|| CkmError::usage("an input is needed"))?;
    let source = read::open_source(spec, read)?;
    let mut raw = read::scan_raw(&source)?;
    let columns = raw.collect_schema()?;
    let mut wanted = vec![args.date_column.as_str(), args.value_column.as_str()];
    if let Some(by) = &args.by {
        wanted.push(by);
    }
    for name in &wanted {
        if !columns.contains(name) {
            return Err(CkmError::usage(format!(
                "{}: no column '{name}'; the columns are {} (--date-column, --value-column, --by)",
                args.input,
                columns
                    .iter_names()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let table = raw.collect()?;
    let dates = table.column(&args.date_column)?.cast(&DataType::String)?;
    let dates = dates.str()?;
    let values = read::numbers_in_text(&table, &args.value_column)?;
    let by = match &args.by {
        Some(by) => Some(table.column(by)?.cast(&DataType::String)?),
        None => None,
    };
    let by = by.as_ref().map(|c| c.str()).transpose()?;
    let mut groups = Groups::default();
    let mut sums: HashMap<(usize, i64), f64> = HashMap::new();
    for (row, value) in values.iter().enumerate() {
        let line = row + 2;
        let date = dates.get(row).unwrap_or("");
        let day = parse_date(date).ok_or_else(|| {
            CkmError::invalid(format!(
                "{}: row {line}, column '{}': '{date}' is not a date (YYYY-MM-DD, or YYYY-MM, or YYYY)",
                args.input, args.date_column
            ))
        })?;
        let value = value.filter(|v| v.is_finite()).ok_or_else(|| {
            CkmError::invalid(format!(
                "{}: row {line}, column '{}': not a number; fill or remove the row",
                args.input, args.value_column
            ))
        })?;
        let g = groups.number(by.and_then(|b| b.get(row)));
        let key = periods::period_of(period, day);
        *sums.entry((g, key)).or_default() += value;
    }
    if table.height() == 0 {
        return Err(CkmError::invalid(format!(
            "{}: the table has no rows",
            args.input
        )));
    }
    Ok((
        into_series(sums, &groups.names, None, None),
        table.height() as u64,
    ))
}

/// YYYY-MM-DD, optionally followed by a time, as a day number; a year alone (`2019`, as
/// yearly series are often dated) or a month (`2019-03`) is its first day.
fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    match text.len() {
        4 if digits(text) => return Some(periods::days_from_civil(text.parse().ok()?, 1, 1)),
        7 if digits(&text[..4]) && &text[4..5] == "-" && digits(&text[5..]) => {
            let month: u32 = text[5..].parse().ok()?;
            let year: i64 = text[..4].parse().ok()?;
            return (1..=12)
                .contains(&month)
                .then(|| periods::days_from_civil(year, month, 1));
        }
        _ => {}
    }
    let rest = text.get(10..)?;
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('T')) {
        return None;
    }
    periods::parse_ymd(&text[..10])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_with_and_without_times() {
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert_eq!(parse_date("1970-01-02 10:00:00"), Some(1));
        assert_eq!(parse_date("1970-01-02T10:00"), Some(1));
        assert_eq!(parse_date("1970-01-0210"), None);
        assert_eq!(parse_date("02/01/1970"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("1970"), Some(0));
        assert_eq!(parse_date("1971"), Some(365));
        assert_eq!(parse_date("1970-02"), Some(31));
        assert_eq!(parse_date("1970-13"), None);
        assert_eq!(parse_date("19700"), None);
    }

    #[test]
    fn customers_are_counted_once_per_period_and_once_per_group() {
        // Group 0: customer 7 twice in period 1, customer 8 in period 2; group 1: customer 7.
        let mut sightings = Sightings::new(10);
        for (g, period, c) in [(0, 1, 7), (0, 1, 7), (0, 2, 8), (0, 2, 7), (1, 1, 7)] {
            sightings.push(g, c, period);
        }
        sightings.sort();
        let counts = sightings.counts(2);
        assert_eq!(counts.per_period[&(0, 1)], 1);
        assert_eq!(counts.per_period[&(0, 2)], 2);
        assert_eq!(counts.per_period[&(1, 1)], 1);
        assert_eq!(counts.per_group[&0], 2);
        assert_eq!(counts.per_group[&1], 1);
        let mut sums = HashMap::new();
        sums.insert((0, 1), 5.0);
        sums.insert((0, 2), 6.0);
        let series = into_series(
            sums,
            &[Some("a".into()), Some("b".into())],
            Some(3),
            Some(&counts),
        );
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].values, [5.0, 6.0, 0.0]);
        let customers = series[0].customers.as_ref().unwrap();
        assert_eq!(customers.per_period, [1, 2, 0]);
        assert_eq!(customers.overall, 2);
    }

    #[test]
    fn small_groups_become_one() {
        let mut groups = Groups::default();
        for name in ["big", "small", "tiny", "late"] {
            groups.number(Some(name));
        }
        // big: customers 1, 2, 3; small: 4, 4; tiny: none known; late: no line kept.
        let mut sightings = Sightings::new(10);
        for (g, c) in [(0, 1), (0, 2), (0, 3), (1, 4), (1, 4), (0, 1)] {
            sightings.push(g, c, 0);
        }
        sightings.sort();
        let sizes = sightings.customers_per_group(4);
        assert_eq!(sizes, [3, 1, 0, 0]);
        let (number, merged) = merge_small_groups(&mut groups, &[true, true, true, false], &sizes, 3);
        assert_eq!(merged, 2);
        assert_eq!(groups.names[4].as_deref(), Some(SMALL_GROUPS));
        assert_eq!(number, [0, 4, 4, 3, 4]);
        // None small: nothing renamed, no group added.
        let mut groups = Groups::default();
        groups.number(Some("big"));
        let (number, merged) = merge_small_groups(&mut groups, &[true], &sizes[..1], 3);
        assert_eq!((number, merged, groups.names.len()), (vec![0], 0, 1));
    }

    proptest::proptest! {
        /// The counts from one sort are those of sets; after merging, every group left but
        /// the merged one has at least k customers, and a customer of two merged groups counts
        /// once.
        #[test]
        fn counts_and_merging_agree_with_sets(
            lines in proptest::collection::vec((0usize..6, 0u64..9, 0i64..4), 0..80),
            k in 2u64..5,
        ) {
            use std::collections::{BTreeMap, BTreeSet};
            let mut sightings = Sightings::new(10);
            for &(g, c, period) in &lines {
                sightings.push(g, c, period);
            }
            sightings.sort();
            let counts = sightings.counts(6);
            let mut per_period: BTreeMap<(usize, i64), BTreeSet<u64>> = BTreeMap::new();
            let mut per_group: BTreeMap<usize, BTreeSet<u64>> = BTreeMap::new();
            for &(g, c, period) in &lines {
                per_period.entry((g, period)).or_default().insert(c);
                per_group.entry(g).or_default().insert(c);
            }
            for (key, set) in &per_period {
                proptest::prop_assert_eq!(counts.per_period[key], set.len() as u64);
            }
            proptest::prop_assert_eq!(counts.per_period.len(), per_period.len());
            for (g, set) in &per_group {
                proptest::prop_assert_eq!(counts.per_group[g], set.len() as u64);
            }

            let mut groups = Groups::default();
            for g in 0..6 {
                groups.number(Some(&format!("g{g}")));
            }
            let present: Vec<bool> = (0..6).map(|g| per_group.contains_key(&g)).collect();
            let sizes = sightings.customers_per_group(6);
            let (number, merged) = merge_small_groups(&mut groups, &present, &sizes, k);
            sightings.renumber(&number);
            let after = sightings.counts(groups.names.len());
            for (&g, &n) in &after.per_group {
                if groups.names[g].as_deref() != Some(SMALL_GROUPS) {
                    proptest::prop_assert!(n >= k);
                }
            }
            let small = (0..6).filter(|&g| present[g] && sizes[g] < k).count();
            proptest::prop_assert_eq!(merged, small);
            let customers_before: u64 = per_group.values().map(|s| s.len() as u64).sum();
            let customers_after: u64 = after.per_group.values().sum();
            proptest::prop_assert!(customers_after <= customers_before);
        }
    }
}
