//! The report's sections built from the analyses' results ([`super::results`]), so the report
//! shows what those analyses computed, never a second computation of it.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::given::TextTable;
use super::results::{
    ChurnScores, ClusterProfiles, CustomerRecommendations, CustomerSegments, CustomerValues, RevenueForecast,
    RuleRow,
};
use super::{Block, Chart, ChartKind, Figure, Section, Table};
use crate::error::CkmError;
use crate::io::{policy, privacy};
use crate::printer::thousands;

const TOP: usize = 10;

pub fn money(v: f64, currency: &str) -> String {
    let whole = thousands(v.abs().round() as u64);
    let sign = if v < 0.0 { "-" } else { "" };
    if currency.is_empty() {
        format!("{sign}{whole}")
    } else if currency.chars().count() == 1 {
        format!("{sign}{currency}{whole}")
    } else {
        format!("{sign}{whole} {currency}")
    }
}

pub fn unit(currency: &str) -> String {
    if currency.is_empty() {
        String::new()
    } else {
        format!(" ({currency})")
    }
}

fn percent(part: f64, whole: f64) -> String {
    format!("{:.1}%", if whole > 0.0 { 100.0 * part / whole } else { 0.0 })
}

/// Revenue per month, history and forecast with intervals (`ckm forecast sales`).
pub fn revenue(forecast: &RevenueForecast, currency: &str) -> Section {
    let points = &forecast.points;
    let mut labels = Vec::new();
    let (mut history, mut forecasts, mut band_80, mut band_95) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut rows = Vec::new();
    let last_history = points.iter().rposition(|p| p.is_history);
    for (i, point) in points.iter().enumerate() {
        let value = point.value;
        labels.push(point.month.clone());
        if point.is_forecast {
            history.push(None);
            forecasts.push(value);
            band_80.push(point.lo_80.zip(point.hi_80));
            band_95.push(point.lo_95.zip(point.hi_95));
        } else {
            history.push(value);
            // The forecast line starts at the last actual month, so the two lines join.
            let join = Some(i) == last_history;
            forecasts.push(if join { value } else { None });
            band_80.push(if join { value.map(|v| (v, v)) } else { None });
            band_95.push(if join { value.map(|v| (v, v)) } else { None });
        }
        let fmt = |v: Option<f64>| v.map(|v| money(v, currency)).unwrap_or_default();
        let bound = |v: Option<f64>| if point.is_forecast { fmt(v) } else { String::new() };
        rows.push(vec![
            point.month.clone(),
            if point.is_forecast {
                "forecast".into()
            } else {
                "actual".into()
            },
            fmt(value),
            bound(point.lo_80),
            bound(point.hi_80),
            bound(point.lo_95),
            bound(point.hi_95),
        ]);
    }
    let model = forecast.model.as_deref().unwrap_or("-");
    let next: f64 = points
        .iter()
        .filter(|p| p.is_forecast)
        .filter_map(|p| p.value)
        .sum();
    let horizon = points.iter().filter(|p| p.is_forecast).count();
    let data = Table {
        caption: String::new(),
        header: [
            "month", "kind", "revenue", "80% low", "80% high", "95% low", "95% high",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    };
    Section {
        id: "revenue",
        title: "Revenue and forecast".into(),
        blocks: vec![Block::Chart(Box::new(Chart {
            title: "Revenue by month, with the forecast".into(),
            x_label: "month".into(),
            y_label: format!("revenue{}", unit(currency)),
            summary: format!(
                "Actual revenue per month (solid) and the forecast for the next {horizon} months (dashed, model {model}), {} in all, with 80% and 95% prediction intervals (shaded).",
                money(next, currency)
            ),
            kind: ChartKind::Line {
                labels,
                history,
                forecast: forecasts,
                band_80,
                band_95,
            },
            data,
        }))],
    }
}

/// Under a policy's min_group `k`: segments of fewer than `k` customers become one
/// [`policy::SMALL_GROUPS`] segment, whose customers are left out when it is small too, so that no
/// figure of a segment (its customers, revenue, recommendations) describes fewer than `k`.
pub fn merge_small_segments(t: &mut CustomerSegments, k: u64) {
    let mut sizes: BTreeMap<&str, u64> = BTreeMap::new();
    for s in &t.segment {
        *sizes.entry(s.as_str()).or_default() += 1;
    }
    let small: Vec<String> = sizes
        .iter()
        .filter(|(_, n)| **n < k)
        .map(|(s, _)| s.to_string())
        .collect();
    if small.is_empty() {
        return;
    }
    policy::note_suppressed("segments", small.len() as u64);
    let merged: u64 = small.iter().map(|s| sizes[s.as_str()]).sum();
    let keep: Vec<bool> = t
        .segment
        .iter()
        .map(|s| merged >= k || !small.contains(s))
        .collect();
    for s in t.segment.iter_mut().filter(|s| small.contains(s)) {
        *s = policy::SMALL_GROUPS.to_string();
    }
    keep_where(&mut t.ids, &keep);
    keep_where(&mut t.monetary, &keep);
    keep_where(&mut t.r_score, &keep);
    keep_where(&mut t.f_score, &keep);
    keep_where(&mut t.segment, &keep);
}

/// Keeps `values[i]` where `keep[i]`.
fn keep_where<T>(values: &mut Vec<T>, keep: &[bool]) {
    let mut i = 0;
    values.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

/// RFM segments, the R × F heatmap and cluster profiles (`ckm segment`).
pub fn segments(t: &CustomerSegments, profiles: Option<&ClusterProfiles>, currency: &str) -> Vec<Section> {
    let mut by_segment: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    let mut grid: BTreeMap<(u32, u32), usize> = BTreeMap::new();
    let mut total = 0.0;
    for i in 0..t.ids.len() {
        let m = t.monetary[i].unwrap_or(0.0);
        total += m;
        let e = by_segment.entry(t.segment[i].as_str()).or_default();
        e.0 += 1;
        e.1 += m;
        if let (Some(r), Some(f)) = (t.r_score[i], t.f_score[i]) {
            *grid.entry((r as u32, f as u32)).or_default() += 1;
        }
    }
    let n = t.ids.len();
    let mut order: Vec<(String, usize, f64)> = by_segment
        .into_iter()
        .map(|(k, (c, m))| (k.to_string(), c, m))
        .collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let table = Table {
        caption: String::new(),
        header: ["segment", "customers", "% customers", "revenue", "% revenue"]
            .map(String::from)
            .to_vec(),
        rows: order
            .iter()
            .map(|(s, c, m)| {
                vec![
                    s.clone(),
                    thousands(*c as u64),
                    percent(*c as f64, n as f64),
                    money(*m, currency),
                    percent(*m, total),
                ]
            })
            .collect(),
    };
    let chart = Chart {
        title: "Customers per RFM segment".into(),
        x_label: "customers".into(),
        y_label: "segment".into(),
        summary: format!(
            "{} customers in {} segments; the largest is {} ({}).",
            thousands(n as u64),
            order.len(),
            order.first().map(|o| o.0.as_str()).unwrap_or("-"),
            order
                .first()
                .map(|o| percent(o.1 as f64, n as f64))
                .unwrap_or_default()
        ),
        kind: ChartKind::Bars {
            labels: order.iter().map(|o| o.0.clone()).collect(),
            values: order.iter().map(|o| o.1 as f64).collect(),
        },
        data: table,
    };
    let max_r = grid.keys().map(|k| k.0).max().unwrap_or(5);
    let max_f = grid.keys().map(|k| k.1).max().unwrap_or(5);
    let rows: Vec<String> = (1..=max_r).rev().map(|r| format!("R {r}")).collect();
    let columns: Vec<String> = (1..=max_f).map(|f| format!("F {f}")).collect();
    let values: Vec<Vec<Option<f64>>> = (1..=max_r)
        .rev()
        .map(|r| {
            (1..=max_f)
                .map(|f| {
                    let count = grid.get(&(r, f)).copied().unwrap_or(0) as u64;
                    // A cell of a few customers (under the policy's min_group) is left blank.
                    if count > 0 && policy::too_small(count) {
                        policy::note_suppressed("R x F heatmap cells", 1);
                        return None;
                    }
                    Some(count as f64)
                })
                .collect()
        })
        .collect();
    let heatmap = Chart {
        title: "Customers by recency and frequency score".into(),
        x_label: "frequency score (5 = most orders)".into(),
        y_label: "recency score (5 = most recent)".into(),
        summary: "Each cell counts the customers with that recency score (rows) and frequency score (columns); Champions sit top right, Lost customers bottom left.".into(),
        kind: ChartKind::Heatmap {
            rows: rows.clone(),
            columns: columns.clone(),
            values: values.clone(),
            percent: false,
        },
        data: Table {
            caption: String::new(),
            header: std::iter::once("recency \\ frequency".to_string()).chain(columns).collect(),
            rows: rows
                .iter()
                .zip(&values)
                .map(|(r, v)| std::iter::once(r.clone()).chain(v.iter().map(|x| x.map(|x| thousands(x as u64)).unwrap_or_default())).collect())
                .collect(),
        },
    };
    let mut out = vec![Section {
        id: "segments",
        title: "RFM segments".into(),
        blocks: vec![Block::Chart(Box::new(chart)), Block::Chart(Box::new(heatmap))],
    }];
    if let Some(profile) = profiles {
        out.push(Section {
            id: "clusters",
            title: "Customer clusters".into(),
            blocks: vec![
                Block::Text("k-means clusters on standardised log recency, frequency and monetary; each label compares the cluster's centre with the average customer.".into()),
                Block::Table(cluster_table(profile)),
            ],
        });
    }
    out
}

/// The cluster profiles as the report shows them: each feature's mean and median in one
/// column ("mean / median"), counts with thousands separators, so that the table fits a page.
fn cluster_table(profile: &ClusterProfiles) -> Table {
    let mut header = Vec::new();
    // Each output column: the profile columns it shows (one, or a feature's mean and median).
    let mut sources: Vec<Vec<usize>> = Vec::new();
    for (j, name) in profile.header.iter().enumerate() {
        if let Some(feature) = name.strip_prefix("mean ") {
            let median_name = format!("median {feature}");
            let median = profile.header.iter().position(|h| *h == median_name);
            header.push(format!("{feature} (mean / median)"));
            sources.push(std::iter::once(j).chain(median).collect());
        } else if !name.starts_with("median ") {
            header.push(name.clone());
            sources.push(vec![j]);
        }
    }
    let customers_at = profile.header.iter().position(|h| h == "customers");
    let rows = profile
        .rows
        .iter()
        .filter(|row| {
            // A profile's count of customers is a whole number written as text.
            let count = customers_at.and_then(|j| row[j].parse::<f64>().ok());
            let small = count.is_some_and(|n| policy::too_small(n as u64));
            if small {
                policy::note_suppressed("clusters", 1);
            }
            !small
        })
        .map(|row| {
            header
                .iter()
                .zip(&sources)
                .map(|(name, columns)| {
                    let cells: Vec<String> = columns.iter().map(|&j| row[j].clone()).collect();
                    match (name.as_str(), cells.as_slice()) {
                        ("customers", [count]) => count
                            .parse::<f64>()
                            .map_or_else(|_| count.clone(), |n| thousands(n as u64)),
                        _ => cells.join(" / "),
                    }
                })
                .collect()
        })
        .collect();
    Table {
        caption: String::new(),
        header,
        rows,
    }
}

/// Customers and revenue by each non-personal attribute of a customer table with at most 12
/// values (plan, region), joined to the segment output's monetary by customer_id.
pub fn attributes(customers: &Path, seg: &CustomerSegments, currency: &str) -> Result<Vec<Section>> {
    let attributes = TextTable::read(customers)?;
    let Some(id) = attributes.index("customer_id") else {
        return Err(CkmError::invalid(format!(
            "{}: --customers needs a customer_id column",
            customers.display()
        )));
    };
    let mut spend: HashMap<&str, f64> = HashMap::new();
    // `ckm ingest name=FILE` prefixes ids with the source's name ("web:1000529"); a customer
    // table keyed by the source's own ids still joins through the part after the colon.
    let mut unprefixed: HashMap<&str, Option<f64>> = HashMap::new();
    for (id, m) in seg.ids.iter().zip(&seg.monetary) {
        let (id, Some(m)) = (id.as_str(), *m) else {
            continue;
        };
        spend.insert(id, m);
        if let Some((_, rest)) = id.split_once(':') {
            unprefixed
                .entry(rest)
                .and_modify(|v| *v = None)
                .or_insert(Some(m));
        }
    }
    let spend_of = |id: &str| -> f64 {
        spend
            .get(id)
            .copied()
            .or_else(|| unprefixed.get(id).copied().flatten())
            .unwrap_or(0.0)
    };
    let mut blocks = Vec::new();
    for (j, name) in attributes.header.iter().enumerate() {
        if j == id || privacy::pii_kind_by_name(name).is_some() {
            continue;
        }
        let mut groups: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
        for row in &attributes.rows {
            let e = groups
                .entry(row.get(j).map(String::as_str).unwrap_or(""))
                .or_default();
            e.0 += 1;
            e.1 += spend_of(row[id].as_str());
        }
        if groups.len() < 2 || groups.len() > 12 {
            continue;
        }
        if let Some(k) = policy::min_group() {
            // Values of fewer than k customers are merged into one; left out if that is small too.
            let small: Vec<&str> = groups
                .iter()
                .filter(|(_, g)| (g.0 as u64) < k)
                .map(|(v, _)| *v)
                .collect();
            if !small.is_empty() {
                policy::note_suppressed("attribute values", small.len() as u64);
                let mut merged = (0usize, 0.0);
                for value in &small {
                    let g = groups.remove(value).unwrap_or_default();
                    merged.0 += g.0;
                    merged.1 += g.1;
                }
                if merged.0 as u64 >= k {
                    groups.insert(policy::SMALL_GROUPS, merged);
                }
            }
        }
        let total: f64 = groups.values().map(|g| g.1).sum();
        blocks.push(Block::Table(Table {
            caption: format!("By {name}"),
            header: vec![
                name.clone(),
                "customers".into(),
                "revenue".into(),
                "% revenue".into(),
            ],
            rows: groups
                .iter()
                .map(|(k, (c, m))| {
                    vec![
                        if k.is_empty() {
                            "(blank)".into()
                        } else {
                            k.to_string()
                        },
                        thousands(*c as u64),
                        money(*m, currency),
                        percent(*m, total),
                    ]
                })
                .collect(),
        }));
    }
    Ok(if blocks.is_empty() {
        Vec::new()
    } else {
        vec![Section {
            id: "attributes",
            title: "Customer attributes".into(),
            blocks,
        }]
    })
}

/// The strongest association rules by lift (`ckm rules` output), and the items recommended
/// to the most customers of each segment (`ckm rules recommend`), when there are both.
pub fn rules(
    found: Option<&[RuleRow]>,
    recommended: Option<(&CustomerRecommendations, &CustomerSegments)>,
) -> Section {
    let mut blocks = Vec::new();
    if let Some(found) = found {
        blocks.extend(rules_table(found));
    }
    if let Some((recommended, segments)) = recommended {
        blocks.extend(recommended_by_segment(recommended, segments));
    }
    Section {
        id: "rules",
        title: "Bought together".into(),
        blocks,
    }
}

fn rules_table(found: &[RuleRow]) -> Vec<Block> {
    let lift: Vec<f64> = found.iter().map(|r| r.lift.unwrap_or(0.0)).collect();
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by(|&a, &b| lift[b].total_cmp(&lift[a]).then(a.cmp(&b)));
    if let Some(k) = policy::min_group() {
        // Only rules whose orders come from at least k customers (counted for the best
        // rules; a rule without a count, as from a given file or Spark, is not shown).
        let before = order.len().min(TOP);
        order.retain(|&i| found[i].customers.is_some_and(|c| c >= k));
        let shown = order.len().min(TOP);
        if shown < before {
            policy::note_suppressed("rules", (before - shown) as u64);
        }
    }
    let rows: Vec<Vec<String>> = order
        .iter()
        .take(TOP)
        .map(|&i| {
            let rule = &found[i];
            vec![
                rule.antecedent.clone(),
                rule.consequent.clone(),
                format!("{:.2}%", 100.0 * rule.support.unwrap_or(0.0)),
                format!("{:.1}%", 100.0 * rule.confidence.unwrap_or(0.0)),
                format!("{:.2}", rule.lift.unwrap_or(0.0)),
            ]
        })
        .collect();
    if rows.is_empty() {
        let why = match policy::min_group() {
            Some(k) if !found.is_empty() => {
                format!("No rule of the orders of at least {k} customers (the policy's min_group) to show.")
            }
            _ => "No rule reached the thresholds (support 0.5% of baskets, confidence 20%).".into(),
        };
        vec![Block::Text(why)]
    } else {
        vec![
            Block::Text(format!(
                "{} rules found; the {} with the highest lift (how many times likelier the second item is with the first than without it):",
                thousands(found.len() as u64),
                rows.len()
            )),
            Block::Table(Table {
                caption: String::new(),
                header: ["if a basket has", "it also has", "support", "confidence", "lift"].map(String::from).to_vec(),
                rows,
            }),
        ]
    }
}

/// Items shown per segment.
const RECOMMENDED_SHOWN: usize = 3;

/// Per segment (most customers first), the items recommended to the most of its customers,
/// with the share of them.
fn recommended_by_segment(recommended: &CustomerRecommendations, segments: &CustomerSegments) -> Vec<Block> {
    let mut names: Vec<&str> = segments.segment.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    let segment_of: HashMap<&str, usize> = segments
        .ids
        .iter()
        .zip(&segments.segment)
        .map(|(id, s)| (id.as_str(), names.binary_search(&s.as_str()).unwrap_or_default()))
        .collect();
    let group_of: Vec<Option<usize>> = recommended
        .customer_ids
        .iter()
        .map(|id| segment_of.get(id.as_str()).copied())
        .collect();
    let mut customers = vec![0u64; names.len()];
    for g in group_of.iter().flatten() {
        customers[*g] += 1;
    }
    let top = crate::analyses::recommendations::most_recommended(
        &recommended.recommended,
        &group_of,
        names.len(),
        RECOMMENDED_SHOWN,
    );
    let mut order: Vec<usize> = (0..names.len()).filter(|&g| !top[g].is_empty()).collect();
    order.sort_by(|&a, &b| customers[b].cmp(&customers[a]).then(names[a].cmp(names[b])));
    if order.is_empty() {
        return vec![Block::Text(
            "No customer of a segment could be recommended an item they have not bought.".into(),
        )];
    }
    let rows = order
        .iter()
        .map(|&g| {
            let items: Vec<String> = top[g]
                .iter()
                .map(|&(item, n)| {
                    format!(
                        "{} ({:.0}%)",
                        recommended.item_names[item as usize],
                        100.0 * n as f64 / customers[g] as f64
                    )
                })
                .collect();
            vec![names[g].to_string(), thousands(customers[g]), items.join(", ")]
        })
        .collect();
    vec![
        Block::Text(format!(
            "What to offer next: each customer's {} best items not yet bought ({}), and per segment the {} recommended to the most of its customers, with their share:",
            crate::report::analyses::RECOMMENDED_PER_CUSTOMER,
            recommended.model,
            RECOMMENDED_SHOWN
        )),
        Block::Table(Table {
            caption: String::new(),
            header: ["segment", "customers", "recommended next (share of the segment)"]
                .map(String::from)
                .to_vec(),
            rows,
        }),
    ]
}

/// Histogram edges for a skewed positive distribution: deciles of the values.
fn value_histogram(values: &[f64], currency: &str) -> (Vec<String>, Vec<f64>) {
    let n = values.len();
    if n == 0 {
        return (Vec::new(), Vec::new());
    }
    let quantile = |q: f64| values[((q * (n - 1) as f64).round() as usize).min(n - 1)];
    let mut edges: Vec<f64> = [0.0, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0]
        .iter()
        .map(|&q| quantile(q))
        .collect();
    edges.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    let mut labels = Vec::new();
    let mut counts = Vec::new();
    for w in edges.windows(2) {
        let last = w[1] == *edges.last().unwrap();
        let c = values
            .iter()
            .filter(|&&v| v >= w[0] && (v < w[1] || (last && v <= w[1])))
            .count();
        labels.push(format!("{} to {}", money(w[0], currency), money(w[1], currency)));
        counts.push(c as f64);
    }
    (labels, counts)
}

/// CLV distribution and the top customers (`ckm forecast customers` output).
pub fn clv(t: &CustomerValues, currency: &str) -> Section {
    let mut blocks = Vec::new();
    if let Some(clv_of) = &t.clv {
        let mut values: Vec<f64> = clv_of.iter().filter_map(|v| *v).collect();
        let total: f64 = values.iter().sum();
        // Ascending, once: for the ranges, and from the end for the top decile.
        values.par_sort_unstable_by(f64::total_cmp);
        let (labels, counts) = value_histogram(&values, currency);
        let data = Table {
            caption: String::new(),
            header: vec!["CLV range".into(), "customers".into()],
            rows: labels
                .iter()
                .zip(&counts)
                .map(|(l, c)| vec![l.clone(), thousands(*c as u64)])
                .collect(),
        };
        let top_decile: f64 = values.iter().rev().take(values.len().div_ceil(10)).sum();
        blocks.push(Block::Figures(vec![
            Figure {
                label: "Expected value of all customers".into(),
                value: money(total, currency),
                change: None,
            },
            Figure {
                label: "Share of it in the top 10% of customers".into(),
                value: percent(top_decile, total),
                change: None,
            },
        ]));
        blocks.push(Block::Chart(Box::new(Chart {
            title: "Customer lifetime value distribution".into(),
            x_label: "customers".into(),
            y_label: format!("CLV range{}", unit(currency)),
            summary: format!(
                "Customers by expected lifetime value (BG/NBD purchases × Gamma-Gamma spend), in quantile ranges; the top 10% hold {} of the total.",
                percent(top_decile, total)
            ),
            kind: ChartKind::Bars { labels, values: counts },
            data,
        })));
        let clv: Vec<f64> = clv_of.iter().map(|v| v.unwrap_or(0.0)).collect();
        let mut order: Vec<usize> = (0..t.ids.len()).collect();
        // Highest first; the top ones only, without sorting a million rows.
        let top = TOP.min(order.len());
        if top > 0 {
            order.select_nth_unstable_by(top - 1, |&a, &b| clv[b].total_cmp(&clv[a]).then(a.cmp(&b)));
            order.truncate(top);
            order.sort_by(|&a, &b| clv[b].total_cmp(&clv[a]).then(a.cmp(&b)));
        }
        // Under a policy's min_group every row shown stands for at least k customers: a list
        // of single customers has none.
        if policy::min_group().is_some() {
            policy::note_suppressed("per-customer tables", 1);
            return Section {
                id: "clv",
                title: "Customer lifetime value".into(),
                blocks,
            };
        }
        blocks.push(Block::Table(Table {
            caption: format!("Top {TOP} customers by CLV"),
            header: ["customer_id", "CLV", "expected purchases", "P(alive)"]
                .map(String::from)
                .to_vec(),
            rows: order
                .iter()
                .take(TOP)
                .map(|&i| {
                    vec![
                        t.ids[i].clone(),
                        money(clv[i], currency),
                        format!("{:.2}", t.expected_purchases[i].unwrap_or(0.0)),
                        format!("{:.2}", t.p_alive[i].unwrap_or(0.0)),
                    ]
                })
                .collect(),
        }));
    } else {
        blocks.push(Block::Text(
            "The input has no spend, so there is no CLV; see expected purchases in the forecast output."
                .into(),
        ));
    }
    Section {
        id: "clv",
        title: "Customer lifetime value".into(),
        blocks,
    }
}

/// Churn risk bands and the valuable customers most at risk (`ckm churn` output), valued by
/// CLV when there is one, else by spend from the segments.
pub fn churn(
    t: &ChurnScores,
    clv: Option<&CustomerValues>,
    segments: Option<&CustomerSegments>,
    currency: &str,
) -> Section {
    let mut bands: BTreeMap<&str, usize> = BTreeMap::new();
    for band in &t.band {
        *bands.entry(band.as_str()).or_default() += 1;
    }
    let before = bands.len();
    bands.retain(|_, n| !policy::too_small(*n as u64));
    policy::note_suppressed("churn risk bands", (before - bands.len()) as u64);
    let labels: Vec<String> = ["high", "medium", "low"]
        .iter()
        .filter(|b| bands.contains_key(*b))
        .map(|b| b.to_string())
        .collect();
    let counts: Vec<f64> = labels.iter().map(|b| bands[b.as_str()] as f64).collect();
    let n = t.ids.len() as f64;
    let data = Table {
        caption: String::new(),
        header: vec!["risk band".into(), "customers".into(), "% customers".into()],
        rows: labels
            .iter()
            .zip(&counts)
            .map(|(l, c)| vec![l.clone(), thousands(*c as u64), percent(*c, n)])
            .collect(),
    };
    let mean = t.probability.iter().filter_map(|p| *p).sum::<f64>() / n.max(1.0);
    let mut blocks = vec![Block::Chart(Box::new(Chart {
        title: "Customers by churn risk".into(),
        x_label: "customers".into(),
        y_label: "risk band".into(),
        summary: format!(
            "Churn risk bands (high: the top 10% of scores, medium: the next 20%); the mean churn probability is {:.1}%.",
            100.0 * mean
        ),
        kind: ChartKind::Bars { labels, values: counts },
        data,
    }))];
    // Value per customer: CLV, else spend so far.
    let (value_name, valued_ids, value_of): (&str, &[String], Option<&[Option<f64>]>) = match (clv, segments)
    {
        (Some(c), _) => ("CLV", &c.ids, c.clv.as_deref()),
        (None, Some(s)) => ("spend", &s.ids, Some(&s.monetary)),
        (None, None) => ("", &[], None),
    };
    // Analyses run in-process list the same customers in the same order: matched by
    // position. Files given in their place are matched by id.
    let (value, mut values): (Vec<Option<f64>>, Vec<f64>) = match value_of {
        Some(values) if valued_ids == t.ids.as_slice() => {
            (values.to_vec(), values.iter().flatten().copied().collect())
        }
        Some(values) => {
            let by_id = valued(valued_ids, values);
            (
                t.ids.iter().map(|id| by_id.get(id.as_str()).copied()).collect(),
                by_id.into_values().collect(),
            )
        }
        None => (Vec::new(), Vec::new()),
    };
    if !values.is_empty() {
        // Valuable = the top fifth by value; among them, the highest churn probability first.
        let fifth = (values.len() / 5).min(values.len() - 1);
        let cut = *values.select_nth_unstable_by(fifth, |a, b| b.total_cmp(a)).1;
        let mut at_risk: Vec<(usize, f64, f64)> = (0..t.ids.len())
            .filter_map(|i| {
                let v = value[i]?;
                (v >= cut).then(|| (i, v, t.probability[i].unwrap_or(0.0)))
            })
            .collect();
        at_risk.sort_by(|a, b| b.2.total_cmp(&a.2).then(b.1.total_cmp(&a.1)));
        if policy::min_group().is_some() {
            policy::note_suppressed("per-customer tables", 1);
            return Section {
                id: "churn",
                title: "Churn risk".into(),
                blocks,
            };
        }
        if at_risk.is_empty() {
            blocks.push(Block::Text(format!(
                "No customer of the churn scores was found among those valued by {value_name}: do the two files use the same customer ids?"
            )));
            return Section {
                id: "churn",
                title: "Churn risk".into(),
                blocks,
            };
        }
        blocks.push(Block::Table(Table {
            caption: format!("Valuable customers most at risk (top fifth by {value_name})"),
            header: vec![
                t.id_column.clone(),
                "churn probability".into(),
                "risk band".into(),
                value_name.into(),
            ],
            rows: at_risk
                .iter()
                .take(TOP)
                .map(|&(i, v, p)| {
                    vec![
                        t.ids[i].clone(),
                        format!("{:.1}%", 100.0 * p),
                        t.band[i].clone(),
                        money(v, currency),
                    ]
                })
                .collect(),
        }));
    }
    Section {
        id: "churn",
        title: "Churn risk".into(),
        blocks,
    }
}

/// Value per customer id, for the customers with one.
fn valued<'a>(ids: &'a [String], values: &[Option<f64>]) -> HashMap<&'a str, f64> {
    ids.iter()
        .zip(values)
        .filter_map(|(id, v)| Some((id.as_str(), (*v)?)))
        .collect()
}

/// Rows rejected by reason (from a `ckm clean --manifest`), lines the report could not use,
/// and analyses that failed.
pub fn data_quality(
    lines_in: u64,
    unusable: u64,
    clean_manifest: Option<&Path>,
    missing: &[String],
) -> Result<Section> {
    let mut rows = vec![
        vec!["lines in the input".to_string(), thousands(lines_in)],
        vec![
            "lines without customer_id or ts (not in the figures)".into(),
            thousands(unusable),
        ],
    ];
    if let Some(path) = clean_manifest {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| CkmError::invalid(format!("{}: not a ckm manifest ({e})", path.display())))?;
        let summary = json.get("summary").and_then(|s| s.as_object()).ok_or_else(|| {
            CkmError::invalid(format!(
                "{}: not a ckm clean manifest (no summary)",
                path.display()
            ))
        })?;
        for (k, v) in summary {
            if k.starts_with("rows") || k.starts_with("rejected:") {
                let shown = match v {
                    serde_json::Value::Number(n) => {
                        n.as_u64().map(thousands).unwrap_or_else(|| n.to_string())
                    }
                    other => other
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| other.to_string()),
                };
                rows.push(vec![format!("clean: {k}"), shown]);
            }
        }
    }
    for m in missing {
        rows.push(vec!["analysis left out".into(), m.clone()]);
    }
    Ok(Section {
        id: "data-quality",
        title: "Data quality".into(),
        blocks: vec![Block::Table(Table {
            caption: String::new(),
            header: vec!["check".into(), "count".into()],
            rows,
        })],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_profiles_show_mean_and_median_together() {
        let profile = ClusterProfiles {
            header: [
                "cluster",
                "label",
                "customers",
                "% customers",
                "mean recency_days",
                "median recency_days",
                "mean frequency",
                "median frequency",
            ]
            .map(String::from)
            .to_vec(),
            rows: vec![[
                "0",
                "recent · frequent",
                "1147",
                "57.4",
                "21.63",
                "17.71",
                "9.46",
                "7.00",
            ]
            .map(String::from)
            .to_vec()],
        };
        let table = cluster_table(&profile);
        assert_eq!(
            table.header,
            [
                "cluster",
                "label",
                "customers",
                "% customers",
                "recency_days (mean / median)",
                "frequency (mean / median)"
            ]
        );
        assert_eq!(
            table.rows,
            [[
                "0",
                "recent · frequent",
                "1,147",
                "57.4",
                "21.63 / 17.71",
                "9.46 / 7.00"
            ]]
        );
    }
}
