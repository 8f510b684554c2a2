//! The report's own figures, from the orders (see `prepare::orders`): key figures against
//! the previous 30 days, monthly cohort retention and revenue by channel.

use std::collections::BTreeMap;

use super::sections::{money, unit};
use super::{Block, Chart, ChartKind, Figure, Section, Table};
use crate::io::periods::day_text;
use crate::io::policy;
use crate::prepare::order_figures::{
    month_key, ChannelTotals, OrderFigures, Window, COHORT_MONTHS, RECENT_DAYS,
};
use crate::printer::thousands;

/// Cohorts shown.
const COHORTS: usize = 12;

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

pub fn key_figures(figures: &OrderFigures, currency: &str) -> (Section, Vec<(String, String)>) {
    let OrderFigures {
        all, recent, before, ..
    } = figures;
    // Under a policy's min_group, a window of fewer customers shows their number only: its
    // orders and revenue (and any change from or to it) would describe those few.
    let shown_window = |w: &Window| !policy::too_small(w.customers);
    let hidden = [all, recent, before]
        .into_iter()
        .filter(|w| !shown_window(w))
        .count();
    policy::note_suppressed("key figure windows", hidden as u64);
    let revenue = |w: &Window| crate::mining::money::units(w.revenue);
    let aov = |w: &Window| {
        if w.orders > 0 {
            revenue(w) / w.orders as f64
        } else {
            0.0
        }
    };
    let of = |w: &Window, value: String| if shown_window(w) { value } else { "-".to_string() };
    let change_of = |now: &Window, then: &Window, a: f64, b: f64| {
        change(a, b).filter(|_| shown_window(now) && shown_window(then))
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
            value: of(all, thousands(all.orders)),
            change: None,
        },
        Figure {
            label: "Revenue".into(),
            value: of(all, money(revenue(all), currency)),
            change: None,
        },
        Figure {
            label: "Average order value".into(),
            value: of(all, format!("{:.2}", aov(all))),
            change: None,
        },
        Figure {
            label: "Repeat-purchase rate".into(),
            value: of(
                all,
                format!("{:.1}%", 100.0 * repeaters as f64 / buyers.max(1) as f64),
            ),
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
            value: of(recent, thousands(recent.orders)),
            change: change_of(recent, before, recent.orders as f64, before.orders as f64),
        },
        Figure {
            label: format!("Revenue, last {RECENT_DAYS} days"),
            value: of(recent, money(revenue(recent), currency)),
            change: change_of(recent, before, revenue(recent), revenue(before)),
        },
        Figure {
            label: format!("Average order value, last {RECENT_DAYS} days"),
            value: of(recent, format!("{:.2}", aov(recent))),
            change: change_of(recent, before, aov(recent), aov(before)),
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
    let small = |n: u64| n > 0 && policy::too_small(n);
    let recent: Vec<i64> = sizes.keys().rev().take(COHORTS).rev().copied().collect();
    // Under a policy's min_group, a cohort of fewer customers is left out, and so is a cell
    // that counts fewer (left blank).
    let cohorts: Vec<i64> = recent.iter().copied().filter(|c| !small(sizes[c])).collect();
    policy::note_suppressed("cohorts", (recent.len() - cohorts.len()) as u64);
    if cohorts.len() < 2 {
        return None;
    }
    let counts = &figures.cohorts;
    let values: Vec<Vec<Option<f64>>> = cohorts
        .iter()
        .map(|&c| {
            (0..COHORT_MONTHS)
                .map(|k| {
                    let active = counts.get(&(c, k as u32)).copied().unwrap_or(0);
                    if c + k as i64 > last_month {
                        return None;
                    }
                    if small(active) {
                        policy::note_suppressed("cohort cells", 1);
                        return None;
                    }
                    Some(active as f64 / sizes[&c] as f64)
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
    // Under a policy's min_group, channels of fewer customers are left out of the table.
    let channels: Vec<&ChannelTotals> = figures
        .channels
        .iter()
        .filter(|c| !policy::too_small(c.totals.customers))
        .collect();
    policy::note_suppressed("channels", (figures.channels.len() - channels.len()) as u64);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::periods::days_from_civil;
    use crate::prepare::order_figures::{order_figures, Transactions};

    fn order(customer: u32, y: i64, m: u32, d: u32, amount: i64) -> (u32, i64, i64) {
        (customer, days_from_civil(y, m, d), amount)
    }

    fn transactions(orders: Vec<(u32, i64, i64)>, customers: usize) -> Transactions {
        Transactions::of(&orders, customers)
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
