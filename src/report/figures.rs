//! The report's own figures, from the orders (see `prepare::orders`): key figures against
//! the previous 30 days, monthly cohort retention and revenue by channel.

use std::collections::BTreeMap;

use anyhow::Result;
use foldhash::HashMap as FastMap;
use polars::prelude::*;
use rayon::prelude::*;

use super::sections::{money, unit};
use super::{Block, Chart, ChartKind, Figure, Section, Table};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::{civil_from_days, day_text, MS_PER_DAY};
use crate::io::{self, schema};
use crate::mining::columns::TextKey;
use crate::mining::runs::{RunNumbering, NO_GROUP};
use crate::prepare::orders;
use crate::prepare::repeat_purchases::{LineCustomers, NO_CUSTOMER};
use crate::printer::{thousands, Printer};

/// Days in the "recent" window compared with the one before it.
const RECENT_DAYS: i64 = 30;
/// Cohorts shown, and months after the first purchase.
const COHORTS: usize = 12;
const COHORT_MONTHS: usize = 12;

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

/// What the report counts of the lines before anything else.
pub struct LineCounts {
    pub lines_in: u64,
    /// Lines without customer_id or ts: in no order.
    pub unusable: u64,
    /// The most complete item column, for the rules; `None` when no line has an item.
    pub item_column: Option<String>,
}

/// The error for an input without a line the figures can use.
pub const NO_USABLE_LINE: &str =
    "no line has both a customer_id and a timestamp; check the input with ckm ingest --explain";

const ORDER: &str = "__ckm_order";
const LINES: &str = "__ckm_lines";
const UNUSABLE: &str = "__ckm_unusable";

/// Lines, lines without customer or ts, and the most complete item column.
pub fn count_lines(
    planned: &io::PlannedInputs,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<LineCounts> {
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
    Ok(LineCounts {
        lines_in: count(LINES),
        unusable: count(UNUSABLE),
        item_column,
    })
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
            let first_by_name = order.channel == NO_CHANNEL
                || name < channel_names[order.channel as usize];
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

fn month_text(key: i64) -> String {
    format!("{}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1)
}

fn change(now: f64, before: f64) -> Option<String> {
    (before > 0.0).then(|| {
        format!(
            "{:+.1}% vs previous {RECENT_DAYS} days",
            100.0 * (now / before - 1.0)
        )
    })
}

/// The first day of the recent window and of the one before it, for `as_of`.
pub fn window_starts(as_of: i64) -> (i64, i64) {
    (as_of - RECENT_DAYS + 1, as_of - 2 * RECENT_DAYS + 1)
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

pub fn key_figures(figures: &OrderFigures, currency: &str) -> (Section, Vec<(String, String)>) {
    let OrderFigures {
        all, recent, before, ..
    } = figures;
    let revenue = |w: &Window| crate::mining::money::units(w.revenue);
    let aov = |w: &Window| {
        if w.orders > 0 {
            revenue(w) / w.orders as f64
        } else {
            0.0
        }
    };
    let buyers = all.customers;
    let repeaters = figures.repeaters;
    let (first, last, as_of) = (figures.first_day, figures.last_day, figures.as_of);
    let shown = vec![
        Figure {
            label: "Customers".into(),
            value: thousands(all.customers),
            change: None,
        },
        Figure {
            label: "Orders".into(),
            value: thousands(all.orders),
            change: None,
        },
        Figure {
            label: "Revenue".into(),
            value: money(revenue(all), currency),
            change: None,
        },
        Figure {
            label: "Average order value".into(),
            value: format!("{:.2}", aov(all)),
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
            value: thousands(recent.customers),
            change: change(recent.customers as f64, before.customers as f64),
        },
        Figure {
            label: format!("Orders, last {RECENT_DAYS} days"),
            value: thousands(recent.orders),
            change: change(recent.orders as f64, before.orders as f64),
        },
        Figure {
            label: format!("Revenue, last {RECENT_DAYS} days"),
            value: money(revenue(recent), currency),
            change: change(revenue(recent), revenue(before)),
        },
        Figure {
            label: format!("Average order value, last {RECENT_DAYS} days"),
            value: format!("{:.2}", aov(recent)),
            change: change(aov(recent), aov(before)),
        },
    ];
    let terminal = shown
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
            blocks: vec![Block::Figures(shown)],
        },
        terminal,
    )
}

/// Share of each monthly cohort (customers by the month of their first purchase) who bought
/// again 0..11 months later.
pub fn cohorts(figures: &OrderFigures) -> Option<Section> {
    let last_month = month_key(figures.as_of);
    let sizes: BTreeMap<i64, u64> = figures
        .cohorts
        .iter()
        .filter(|((_, offset), _)| *offset == 0)
        .map(|(&(month, _), &customers)| (month, customers))
        .collect();
    let cohorts: Vec<i64> = sizes.keys().rev().take(COHORTS).rev().copied().collect();
    if cohorts.len() < 2 {
        return None;
    }
    let counts = &figures.cohorts;
    let values: Vec<Vec<Option<f64>>> = cohorts
        .iter()
        .map(|&c| {
            (0..COHORT_MONTHS)
                .map(|k| {
                    (c + k as i64 <= last_month).then(|| {
                        counts.get(&(c, k as u32)).copied().unwrap_or(0) as f64 / sizes[&c] as f64
                    })
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

pub fn channels(figures: &OrderFigures, currency: &str) -> Option<Section> {
    let channels = &figures.channels;
    if channels.len() < 2 {
        return None;
    }
    let revenue: Vec<f64> = channels
        .iter()
        .map(|c| crate::mining::money::units(c.totals.revenue))
        .collect();
    let total: f64 = revenue.iter().sum();
    // Most revenue first; ties in name order.
    let mut order: Vec<usize> = (0..channels.len()).collect();
    order.sort_by(|&a, &b| channels[b].totals.revenue.cmp(&channels[a].totals.revenue));
    let rows: Vec<Vec<String>> = order
        .iter()
        .map(|&c| {
            vec![
                channels[c].name.clone(),
                thousands(channels[c].totals.customers),
                thousands(channels[c].totals.orders),
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
                channels[order[0]].name,
                100.0 * revenue[order[0]] / total.max(1e-9)
            ),
            kind: ChartKind::Bars {
                labels: order.iter().map(|&c| channels[c].name.clone()).collect(),
                values: order.iter().map(|&c| revenue[c]).collect(),
            },
            data: table,
        }))],
    })
}

impl Transactions {
    /// The day of the last order.
    pub fn last_day(&self) -> i64 {
        self.orders.iter().map(|o| o.day).max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::periods::days_from_civil;

    fn order(customer: u32, y: i64, m: u32, d: u32, amount: i64) -> Order {
        Order {
            customer,
            day: days_from_civil(y, m, d),
            amount: amount * 1_000_000,
            channel: NO_CHANNEL,
        }
    }

    fn transactions(orders: Vec<Order>, customers: usize) -> Transactions {
        Transactions {
            orders,
            customers,
            channels: Vec::new(),
        }
    }

    #[test]
    fn cohort_shares_by_hand() {
        // January cohort: customers 0, 1 (0 back in February, both in March); February
        // cohort: customer 2, never back. As of March 31.
        let tx = transactions(
            vec![
                order(0, 2024, 1, 5, 10),
                order(1, 2024, 1, 20, 10),
                order(0, 2024, 2, 2, 10),
                order(0, 2024, 3, 1, 10),
                order(1, 2024, 3, 9, 10),
                order(2, 2024, 2, 14, 10),
            ],
            3,
        );
        let section = cohorts(&order_figures(&tx, days_from_civil(2024, 3, 31))).expect("two cohorts");
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
                order(0, 2024, 2, 15, 50),
                order(0, 2024, 3, 10, 30),
                order(1, 2024, 3, 20, 90),
            ],
            2,
        );
        let (_, rows) = key_figures(&order_figures(&tx, days_from_civil(2024, 3, 31)), "");
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
