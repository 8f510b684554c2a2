//! The report's own figures, from the orders (see `prepare::orders`): key figures against
//! the previous 30 days, monthly cohort retention and revenue by channel.

use std::collections::{BTreeMap, HashMap};

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
    /// [`NO_CHANNEL`] when the order's first line has none.
    channel: u32,
    day: i64,
    amount: f64,
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
    let mut channel_names = Vec::new();
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
            let channel = channel.map_or(NO_CHANNEL, |name| {
                let next = channel_index.len() as u32;
                *channel_index.entry(name).or_insert_with(|| {
                    channel_names.push(name.to_string());
                    next
                })
            });
            orders.push(Order {
                customer,
                day,
                amount: 0.0,
                channel,
            });
        }
        let order = &mut orders[o];
        order.day = order.day.min(day);
        order.amount += amount.unwrap_or(0.0);
    }
    if orders.is_empty() {
        return Err(CkmError::invalid(NO_USABLE_LINE));
    }
    // In customer and time order, which the figures rely on.
    orders.par_sort_unstable_by(|a, b| {
        a.customer
            .cmp(&b.customer)
            .then(a.day.cmp(&b.day))
            .then(a.amount.total_cmp(&b.amount))
    });
    Ok(Transactions {
        orders,
        customers,
        channels: channel_names,
    })
}

fn change(now: f64, before: f64) -> Option<String> {
    (before > 0.0).then(|| {
        format!(
            "{:+.1}% vs previous {RECENT_DAYS} days",
            100.0 * (now / before - 1.0)
        )
    })
}

fn month_key(day: i64) -> i64 {
    let (y, m, _) = civil_from_days(day);
    y * 12 + (m as i64 - 1)
}

fn month_text(key: i64) -> String {
    format!("{}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1)
}

/// Totals over the orders of days in [from, to].
struct Window {
    customers: usize,
    orders: usize,
    revenue: f64,
}

fn window(tx: &Transactions, from: i64, to: i64) -> Window {
    let mut seen = vec![false; tx.customers];
    let (mut customers, mut orders, mut revenue) = (0, 0, 0.0);
    for o in tx.orders.iter().filter(|o| o.day >= from && o.day <= to) {
        if !seen[o.customer as usize] {
            seen[o.customer as usize] = true;
            customers += 1;
        }
        orders += 1;
        revenue += o.amount;
    }
    Window {
        customers,
        orders,
        revenue,
    }
}

pub fn key_figures(tx: &Transactions, as_of: i64, currency: &str) -> (Section, Vec<(String, String)>) {
    let first = tx.orders.iter().map(|o| o.day).min().unwrap_or(as_of);
    let last = tx.orders.iter().map(|o| o.day).max().unwrap_or(as_of);
    let all = window(tx, i64::MIN, as_of);
    let mut orders_per_customer = vec![0u32; tx.customers];
    for o in tx.orders.iter().filter(|o| o.day <= as_of) {
        orders_per_customer[o.customer as usize] += 1;
    }
    let buyers = orders_per_customer.iter().filter(|&&n| n >= 1).count();
    let repeaters = orders_per_customer.iter().filter(|&&n| n >= 2).count();
    let recent = window(tx, as_of - RECENT_DAYS + 1, as_of);
    let before = window(tx, as_of - 2 * RECENT_DAYS + 1, as_of - RECENT_DAYS);
    let aov = |w: &Window| {
        if w.orders > 0 {
            w.revenue / w.orders as f64
        } else {
            0.0
        }
    };
    let figures = vec![
        Figure {
            label: "Customers".into(),
            value: thousands(all.customers as u64),
            change: None,
        },
        Figure {
            label: "Orders".into(),
            value: thousands(all.orders as u64),
            change: None,
        },
        Figure {
            label: "Revenue".into(),
            value: money(all.revenue, currency),
            change: None,
        },
        Figure {
            label: "Average order value".into(),
            value: format!("{:.2}", aov(&all)),
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
            value: thousands(recent.customers as u64),
            change: change(recent.customers as f64, before.customers as f64),
        },
        Figure {
            label: format!("Orders, last {RECENT_DAYS} days"),
            value: thousands(recent.orders as u64),
            change: change(recent.orders as f64, before.orders as f64),
        },
        Figure {
            label: format!("Revenue, last {RECENT_DAYS} days"),
            value: money(recent.revenue, currency),
            change: change(recent.revenue, before.revenue),
        },
        Figure {
            label: format!("Average order value, last {RECENT_DAYS} days"),
            value: format!("{:.2}", aov(&recent)),
            change: change(aov(&recent), aov(&before)),
        },
    ];
    let terminal = figures
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
            blocks: vec![Block::Figures(figures)],
        },
        terminal,
    )
}

/// Share of each monthly cohort (customers by the month of their first purchase) who bought
/// again 0..11 months later.
pub fn cohorts(tx: &Transactions, as_of: i64) -> Option<Section> {
    // The orders are sorted by customer and day, so each customer's active months come
    // sorted, her first one first.
    let mut active: Vec<(u32, i64)> = tx
        .orders
        .iter()
        .filter(|o| o.day <= as_of)
        .map(|o| (o.customer, month_key(o.day)))
        .collect();
    active.dedup();
    const NONE: i64 = i64::MIN;
    let mut first = vec![NONE; tx.customers];
    for &(c, m) in &active {
        if first[c as usize] == NONE {
            first[c as usize] = m;
        }
    }
    let last_month = month_key(as_of);
    let mut sizes: BTreeMap<i64, usize> = BTreeMap::new();
    for &m in first.iter().filter(|&&m| m != NONE) {
        *sizes.entry(m).or_default() += 1;
    }
    let cohorts: Vec<i64> = sizes.keys().rev().take(COHORTS).rev().copied().collect();
    if cohorts.len() < 2 {
        return None;
    }
    let mut counts: HashMap<(i64, usize), usize> = HashMap::new();
    for &(c, m) in &active {
        let f = first[c as usize];
        let offset = (m - f) as usize;
        if offset < COHORT_MONTHS {
            *counts.entry((f, offset)).or_default() += 1;
        }
    }
    let values: Vec<Vec<Option<f64>>> = cohorts
        .iter()
        .map(|&c| {
            (0..COHORT_MONTHS)
                .map(|k| {
                    (c + k as i64 <= last_month)
                        .then(|| counts.get(&(c, k)).copied().unwrap_or(0) as f64 / sizes[&c] as f64)
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

pub fn channels(tx: &Transactions, currency: &str) -> Option<Section> {
    if tx.channels.len() < 2 {
        return None;
    }
    let mut revenue = vec![0.0; tx.channels.len()];
    let mut seen = vec![vec![false; tx.customers]; tx.channels.len()];
    let mut customers = vec![0usize; tx.channels.len()];
    let mut orders = vec![0usize; tx.channels.len()];
    for o in &tx.orders {
        if o.channel != NO_CHANNEL {
            let c = o.channel as usize;
            revenue[c] += o.amount;
            orders[c] += 1;
            if !seen[c][o.customer as usize] {
                seen[c][o.customer as usize] = true;
                customers[c] += 1;
            }
        }
    }
    let total: f64 = revenue.iter().sum();
    let mut order: Vec<usize> = (0..tx.channels.len()).collect();
    order.sort_by(|&a, &b| revenue[b].total_cmp(&revenue[a]));
    let rows: Vec<Vec<String>> = order
        .iter()
        .map(|&c| {
            vec![
                tx.channels[c].clone(),
                thousands(customers[c] as u64),
                thousands(orders[c] as u64),
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
                tx.channels[order[0]],
                100.0 * revenue[order[0]] / total.max(1e-9)
            ),
            kind: ChartKind::Bars {
                labels: order.iter().map(|&c| tx.channels[c].clone()).collect(),
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

    fn order(customer: u32, y: i64, m: u32, d: u32, amount: f64) -> Order {
        Order {
            customer,
            day: days_from_civil(y, m, d),
            amount,
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
                order(0, 2024, 1, 5, 10.0),
                order(1, 2024, 1, 20, 10.0),
                order(0, 2024, 2, 2, 10.0),
                order(0, 2024, 3, 1, 10.0),
                order(1, 2024, 3, 9, 10.0),
                order(2, 2024, 2, 14, 10.0),
            ],
            3,
        );
        let section = cohorts(&tx, days_from_civil(2024, 3, 31)).expect("two cohorts");
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
                order(0, 2024, 2, 15, 50.0),
                order(0, 2024, 3, 10, 30.0),
                order(1, 2024, 3, 20, 90.0),
            ],
            2,
        );
        let (_, rows) = key_figures(&tx, days_from_civil(2024, 3, 31), "");
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
