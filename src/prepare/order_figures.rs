//! What the report shows of the orders (see [`crate::prepare::orders`]; here an order is a
//! customer's order id, else her day), as of a day: totals of spans of days, cohorts and
//! channels. The local engine computes them from the orders it groups
//! (`crate::report::figures`), Spark as SQL ([`crate::prepare::spark::order_figures`]).

use std::collections::BTreeMap;

use anyhow::Result;
use foldhash::HashMap as FastMap;
use polars::prelude::*;
use rayon::prelude::*;

use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::{civil_from_days, MS_PER_DAY};
use crate::io::{self, schema};
use crate::mining::columns::TextKey;
use crate::mining::runs::{RunNumbering, NO_GROUP};
use crate::prepare::orders;
use crate::prepare::repeat_purchases::{LineCustomers, NO_CUSTOMER};
use crate::printer::Printer;

/// The error for an input without a line the figures can use.
pub const NO_USABLE_LINE: &str =
    "no line has both a customer_id and a timestamp; check the input with ckm ingest --explain";

const ORDER: &str = "__ckm_order";

/// Days in the "recent" window compared with the one before it.
pub const RECENT_DAYS: i64 = 30;
/// Months after the first purchase a cohort is followed.
pub const COHORT_MONTHS: usize = 12;

/// Totals over the orders of a span of days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    pub customers: u64,
    pub orders: u64,
    /// In whole millionths.
    pub revenue: i64,
}

/// A channel's orders: customers, orders and revenue (in whole millionths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelTotals {
    pub name: String,
    pub totals: Window,
}

/// Everything the report's own figures show of the orders, as of a day: what either engine
/// computes (here from [`Transactions`], on Spark as SQL) and the sections render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFigures {
    pub as_of: i64,
    /// The first and last order days (of all orders).
    pub first_day: i64,
    pub last_day: i64,
    /// Orders up to `as_of`, the last [`RECENT_DAYS`] of them, and the ones before those.
    pub all: Window,
    pub recent: Window,
    pub before: Window,
    /// Customers with two orders or more up to `as_of`.
    pub repeaters: u64,
    /// Customers by the month of their first order (months since year 0, [`month_key`]) and
    /// the months after it they ordered in (below [`COHORT_MONTHS`]), up to `as_of`.
    pub cohorts: BTreeMap<(i64, u32), u64>,
    /// Every order's channel (of all orders), in name order.
    pub channels: Vec<ChannelTotals>,
}

/// Months since year 0 of a day (the cohorts' months).
pub fn month_key(day: i64) -> i64 {
    let (y, m, _) = civil_from_days(day);
    y * 12 + (m as i64 - 1)
}

/// The first day of the recent window and of the one before it, for `as_of`.
pub fn window_starts(as_of: i64) -> (i64, i64) {
    (as_of - RECENT_DAYS + 1, as_of - 2 * RECENT_DAYS + 1)
}

/// What the report counts of the lines before anything else.
pub struct LineCounts {
    pub lines_in: u64,
    /// Lines without customer_id or ts: in no order.
    pub unusable: u64,
    /// The most complete item column, for the rules; `None` when no line has an item.
    pub item_column: Option<String>,
}

const LINES: &str = "__ckm_lines";
const UNUSABLE: &str = "__ckm_unusable";

/// Lines, lines without customer or ts, and the most complete item column.
pub fn count_lines(
    planned: &io::PlannedInputs,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<LineCounts> {
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
            for c in ITEM_COLUMNS
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
    // An item column the input lacks has no count: none of its lines has one.
    let count = |name: &str| {
        crate::io::read::first_integer(&counts, name)
            .ok()
            .flatten()
            .unwrap_or(0) as u64
    };
    Ok(LineCounts::of(count(LINES), count(UNUSABLE), count))
}

/// The item columns the report can mine rules among, best first.
pub const ITEM_COLUMNS: [&str; 3] = [schema::ITEM_NAME, schema::ITEM_ID, schema::CATEGORY];

impl LineCounts {
    /// With the lines that have a value in each item column (`with_value`).
    pub fn of(lines_in: u64, unusable: u64, with_value: impl Fn(&str) -> u64) -> LineCounts {
        // The most complete; on a tie the first: names read better in a report than codes.
        let item_column = ITEM_COLUMNS
            .iter()
            .fold((None, 0), |best, c| {
                if with_value(c) > best.1 {
                    (Some(c.to_string()), with_value(c))
                } else {
                    best
                }
            })
            .0;
        LineCounts {
            lines_in,
            unusable,
            item_column,
        }
    }
}

/// One order (see `prepare::orders`): what the report's own figures need, in 24 bytes (an
/// optional channel took 8 more: 180 MB on 22M orders).
struct Order {
    customer: u32,
    /// The first in name order of its lines' channels; [`NO_CHANNEL`] when none has one.
    channel: u32,
    day: i64,
    /// In whole millionths ([`money`](crate::mining::money)), so no engine's order of adding
    /// changes a figure.
    amount: i64,
}

const NO_CHANNEL: u32 = u32::MAX;

/// The orders, in customer and time order, with the number of customers and the channels'
/// names.
pub struct Transactions {
    orders: Vec<Order>,
    customers: usize,
    channels: Vec<String>,
}

/// The lines grouped into orders (see `prepare::orders`), so the figures work on orders;
/// with each line's customer when it is known (from the repeat-purchase summaries of the same
/// lines), else numbering the customers here.
pub fn group_orders(
    planned: &io::PlannedInputs,
    line_customers: Option<&LineCustomers>,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<Transactions> {
    // The lines grouped into orders here, not by the engine: a group-by on two text keys
    // held about 1.7 GB more at its peak than the orders it made on 10M lines.
    let lines = io::read_planned(
        planned,
        |frame, columns| {
            // The order id; a line without one is in its customer's order of the day (see
            // `orders::order_day`), taken from the timestamps below.
            let [order, _] = orders::order_key_parts(columns);
            let mut selected = vec![
                col(schema::CUSTOMER_ID).cast(DataType::String),
                col(schema::TS).cast(DataType::Int64),
                io::line_amount(columns).alias(schema::AMOUNT),
                order.alias(ORDER),
            ];
            if columns.contains(schema::CHANNEL) {
                selected.push(col(schema::CHANNEL).cast(DataType::String));
            }
            frame.select(selected)
        },
        record,
        printer,
    )?;
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    enum Key<'a> {
        Order(u32, TextKey<'a>),
        Day(u32, i64),
    }
    let ids = lines.column(schema::CUSTOMER_ID)?.str()?;
    let ts = lines.column(schema::TS)?.i64()?;
    let amounts = lines.column(schema::AMOUNT)?.f64()?;
    let order_ids = lines.column(ORDER)?.str()?;
    let channels = lines
        .column(schema::CHANNEL)
        .ok()
        .map(|c| c.str().cloned())
        .transpose()?;
    // Each line's customer: as the repeat-purchase summaries numbered them, else numbered
    // here the same way.
    let numbered_here: (Vec<u32>, usize);
    let (customer_of_line, customers): (&[u32], usize) = match line_customers {
        Some(known) => (&known.code, known.customers),
        None => {
            let mut numbering = RunNumbering::with_lines(lines.height());
            for (id, t) in ids.iter().zip(ts.iter()) {
                numbering.push(id.filter(|_| t.is_some()).map(TextKey::of));
            }
            numbered_here = numbering.finish();
            (&numbered_here.0, numbered_here.1)
        }
    };
    // Each line's order (see `RunNumbering`), then the orders' totals in line order.
    let mut numbering = RunNumbering::with_lines(lines.height());
    for ((&customer, t), order_id) in customer_of_line.iter().zip(ts.iter()).zip(order_ids.iter()) {
        numbering.push(match (customer, t, order_id) {
            (NO_CUSTOMER, _, _) | (_, None, _) => None,
            (_, Some(_), Some(order_id)) => Some(Key::Order(customer, TextKey::of(order_id))),
            (_, Some(t), None) => Some(Key::Day(customer, orders::order_day(t))),
        });
    }
    let (order_of_line, order_count) = numbering.finish();
    let mut channel_index: FastMap<&str, u32> = FastMap::default();
    let mut channel_names: Vec<&str> = Vec::new();
    let mut orders: Vec<Order> = Vec::with_capacity(order_count);
    let mut channel_of = channels.as_ref().map(|c| c.iter());
    let lines_of = order_of_line
        .iter()
        .zip(customer_of_line)
        .zip(ts.iter())
        .zip(amounts.iter());
    for (((&o, &customer), t), amount) in lines_of {
        let channel = channel_of.as_mut().and_then(|c| c.next()).flatten();
        let (true, Some(t)) = (o != NO_GROUP, t) else {
            continue;
        };
        // As the engine divided: a float quotient, truncated (the earliest line's day, as the
        // truncation keeps the order).
        let day = (t as f64 / MS_PER_DAY as f64) as i64;
        let o = o as usize;
        if o == orders.len() {
            orders.push(Order {
                customer,
                day,
                amount: 0,
                channel: NO_CHANNEL,
            });
        }
        let order = &mut orders[o];
        order.day = order.day.min(day);
        order.amount += amount.and_then(crate::mining::money::micros).unwrap_or(0);
        if let Some(name) = channel {
            let next = channel_index.len() as u32;
            let code = *channel_index.entry(name).or_insert_with(|| {
                channel_names.push(name);
                next
            });
            let first_by_name = order.channel == NO_CHANNEL || name < channel_names[order.channel as usize];
            if first_by_name {
                order.channel = code;
            }
        }
    }
    let channel_names: Vec<String> = channel_names.iter().map(|n| n.to_string()).collect();
    if orders.is_empty() {
        return Err(CkmError::invalid(NO_USABLE_LINE));
    }
    // In customer and time order, which the figures rely on.
    orders.par_sort_unstable_by(|a, b| {
        a.customer
            .cmp(&b.customer)
            .then(a.day.cmp(&b.day))
            .then(a.amount.cmp(&b.amount))
    });
    Ok(Transactions {
        orders,
        customers,
        channels: channel_names,
    })
}

/// The report's figures of the orders grouped on this machine.
pub fn order_figures(tx: &Transactions, as_of: i64) -> OrderFigures {
    let (recent_from, before_from) = window_starts(as_of);
    let window = |from: i64, to: i64| {
        let mut seen = vec![false; tx.customers];
        let mut totals = Window::default();
        for o in tx.orders.iter().filter(|o| o.day >= from && o.day <= to) {
            if !seen[o.customer as usize] {
                seen[o.customer as usize] = true;
                totals.customers += 1;
            }
            totals.orders += 1;
            totals.revenue += o.amount;
        }
        totals
    };
    let mut orders_per_customer = vec![0u32; tx.customers];
    for o in tx.orders.iter().filter(|o| o.day <= as_of) {
        orders_per_customer[o.customer as usize] += 1;
    }
    // The orders are sorted by customer and day, so each customer's active months come
    // sorted, her first one first.
    let mut active: Vec<(u32, i64)> = tx
        .orders
        .iter()
        .filter(|o| o.day <= as_of)
        .map(|o| (o.customer, month_key(o.day)))
        .collect();
    active.dedup();
    let mut cohorts: BTreeMap<(i64, u32), u64> = BTreeMap::new();
    const NONE: i64 = i64::MIN;
    let mut first = vec![NONE; tx.customers];
    for &(c, m) in &active {
        let f = &mut first[c as usize];
        if *f == NONE {
            *f = m;
        }
        let offset = m - *f;
        if offset < COHORT_MONTHS as i64 {
            *cohorts.entry((*f, offset as u32)).or_default() += 1;
        }
    }
    let mut channels: Vec<ChannelTotals> = tx
        .channels
        .iter()
        .map(|name| ChannelTotals {
            name: name.clone(),
            totals: Window::default(),
        })
        .collect();
    let mut seen = vec![vec![false; tx.customers]; tx.channels.len()];
    for o in tx.orders.iter().filter(|o| o.channel != NO_CHANNEL) {
        let c = o.channel as usize;
        let totals = &mut channels[c].totals;
        totals.revenue += o.amount;
        totals.orders += 1;
        if !seen[c][o.customer as usize] {
            seen[c][o.customer as usize] = true;
            totals.customers += 1;
        }
    }
    channels.retain(|c| c.totals.orders > 0);
    channels.sort_by(|a, b| a.name.cmp(&b.name));
    OrderFigures {
        as_of,
        first_day: tx.orders.iter().map(|o| o.day).min().unwrap_or(as_of),
        last_day: tx.last_day(),
        all: window(i64::MIN, as_of),
        recent: window(recent_from, as_of),
        before: window(before_from, recent_from - 1),
        repeaters: orders_per_customer.iter().filter(|&&n| n >= 2).count() as u64,
        cohorts,
        channels,
    }
}

impl Transactions {
    /// Orders of (customer, day, amount in units), none with a channel: for tests.
    #[cfg(test)]
    pub fn of(orders: &[(u32, i64, i64)], customers: usize) -> Transactions {
        Transactions {
            orders: orders
                .iter()
                .map(|&(customer, day, amount)| Order {
                    customer,
                    day,
                    amount: amount * 1_000_000,
                    channel: NO_CHANNEL,
                })
                .collect(),
            customers,
            channels: Vec::new(),
        }
    }

    /// The day of the last order.
    pub fn last_day(&self) -> i64 {
        self.orders.iter().map(|o| o.day).max().unwrap_or(0)
    }
}
