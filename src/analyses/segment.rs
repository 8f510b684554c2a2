//! Customer segments from the per-customer summary as of a date: RFM scores and a named
//! segment per customer, optionally k-means clusters with readable labels and their profiles,
//! and outliers with their reason. No files and no printing: `ckm segment` and the report
//! both call [`compute`].

use std::time::Instant;

use anyhow::Result;
use polars::prelude::*;

use crate::error::CkmError;
use crate::io::periods::MS_PER_DAY;
use crate::io::schema;
use crate::mining::rfm::{self, SegmentRule};
use crate::mining::{clusters, outliers};
use crate::prepare::summary::{self, FREQUENCY, MONETARY, RECENCY_DAYS};
use crate::printer::thousands;

/// The customer table's columns, in order (those the input allows).
pub const OUTPUT_ORDER: &[&str] = &[
    schema::CUSTOMER_ID,
    RECENCY_DAYS,
    FREQUENCY,
    MONETARY,
    summary::AVG_ORDER_VALUE,
    summary::FIRST_PURCHASE,
    summary::LAST_PURCHASE,
    summary::TENURE_DAYS,
    summary::MEAN_DAYS_BETWEEN_ORDERS,
    summary::DISTINCT_ITEMS,
    summary::CHANNELS,
    summary::RETURN_RATE,
    "r_score",
    "f_score",
    "m_score",
    "rfm_segment",
    "cluster",
    "cluster_label",
    "cluster_distance",
    "outlier",
    "outlier_reason",
];
/// Customers beyond this are sampled for silhouette scores (the score is quadratic).
const SILHOUETTE_SAMPLE: usize = 20_000;
/// Distances to the own cluster centre beyond this quantile are flagged as outliers.
const DISTANCE_QUANTILE: f64 = 0.999;

/// How many clusters: a fixed count, or the best silhouette score over k = 2..10.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterChoice {
    Fixed(usize),
    Auto,
}

#[derive(Debug, Clone)]
pub struct SegmentSettings {
    /// Score bins (5: scores 1..5).
    pub bins: u8,
    /// Score pairs to segment names, first matching rule wins.
    pub segment_map: Vec<SegmentRule>,
    /// The summary's features to cluster on (and to look for outliers in).
    pub cluster_features: Vec<String>,
    pub clusters: Option<ClusterChoice>,
    pub seed: u64,
    /// k-means runs from different seeded starts; the best inertia is kept.
    pub runs: usize,
    /// Robust z-score beyond which a feature makes a customer an outlier.
    pub outlier_threshold: f64,
}

/// The segments of every customer, and what a summary says of them.
pub struct Segmented {
    /// One row per customer, the columns of [`OUTPUT_ORDER`] the input allows, unrounded.
    pub table: DataFrame,
    /// The cluster profiles as a header and rows of text, when there are clusters.
    pub profiles: Option<(Vec<String>, Vec<Vec<String>>)>,
    /// The silhouette score of each k tried (with `ClusterChoice::Auto`).
    pub silhouettes: Vec<(usize, f64)>,
    /// Per segment name: customers and revenue, most customers first.
    pub segments: Vec<(String, u64, f64)>,
    pub total_revenue: f64,
    pub outliers: u64,
    /// Seconds per stage (rfm, clusters, outliers, profiles), for the manifest.
    pub stage_seconds: Vec<(&'static str, f64)>,
}

/// The per-customer summary with its as-of features ([`summary::with_dates`]) as of
/// `as_of_ms`, or else the day after the last purchase, and that as-of time; an error naming
/// `input` when there is nothing to segment.
pub fn summary_as_of(customers: DataFrame, as_of_ms: Option<i64>, input: &str) -> Result<(DataFrame, i64)> {
    if customers.height() < 2 {
        return Err(CkmError::invalid(format!(
            "{input}: {} customer{} with a customer_id; segmenting needs at least 2",
            customers.height(),
            if customers.height() == 1 { "" } else { "s" }
        )));
    }
    if customers
        .column(MONETARY)?
        .f64()?
        .iter()
        .all(|v| v.is_none_or(|v| v == 0.0))
    {
        return Err(CkmError::invalid(format!(
            "{input}: every amount is missing or zero; check the amount column (ckm ingest --explain)"
        )));
    }
    let latest = customers
        .column(summary::LAST_PURCHASE)?
        .cast(&DataType::Int64)?
        .i64()?
        .max()
        .ok_or_else(|| CkmError::invalid(format!("{input}: no line has a timestamp")))?;
    let as_of_ms = as_of_ms.unwrap_or(latest + MS_PER_DAY);
    Ok((summary::with_dates(customers, as_of_ms)?, as_of_ms))
}

/// Rounds the segment table's days and money as they are written ([`summary::round_for_output`]).
pub fn round_for_output(table: &mut DataFrame) -> PolarsResult<()> {
    summary::round_for_output(
        table,
        &[
            RECENCY_DAYS,
            MONETARY,
            summary::AVG_ORDER_VALUE,
            summary::TENURE_DAYS,
            summary::MEAN_DAYS_BETWEEN_ORDERS,
            summary::RETURN_RATE,
            "cluster_distance",
        ],
    )
}

/// Seconds since the previous stage ended.
struct Stages {
    last: Instant,
    seconds: Vec<(&'static str, f64)>,
}

impl Stages {
    fn mark(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.seconds.push((stage, (now - self.last).as_secs_f64()));
        self.last = now;
    }
}

/// Segments the customers of `table`, the per-customer summary with its as-of features
/// ([`summary::with_dates`]).
pub fn compute(mut table: DataFrame, settings: &SegmentSettings) -> Result<Segmented> {
    let mut stages = Stages {
        last: Instant::now(),
        seconds: Vec::new(),
    };
    // RFM.
    let recency = summary::values(&table, RECENCY_DAYS)?;
    let frequency = summary::values(&table, FREQUENCY)?;
    let monetary = summary::values(&table, MONETARY)?;
    // The three rankings at once: each is a parallel sort with a serial pass on either side.
    let (r, (f, m)) = rayon::join(
        || rfm::rank_scores(&recency, settings.bins, false),
        || {
            rayon::join(
                || rfm::rank_scores(&frequency, settings.bins, true),
                || rfm::rank_scores(&monetary, settings.bins, true),
            )
        },
    );
    // A score pair's segment, looked up once per pair rather than once per customer.
    let segment_of = |r: u8, f: u8| {
        rfm::segment_of(
            &settings.segment_map,
            rfm::to_five(r, settings.bins),
            rfm::to_five(f, settings.bins),
        )
        .unwrap_or("Unmapped")
    };
    let bins = settings.bins as usize;
    let pair_of = |r: u8, f: u8| r as usize * (bins + 1) + f as usize;
    let pair_names: Vec<&str> = (0..(bins + 1) * (bins + 1))
        .map(|pair| segment_of((pair / (bins + 1)) as u8, (pair % (bins + 1)) as u8))
        .collect();
    let pairs: Vec<usize> = r.iter().zip(&f).map(|(&r, &f)| pair_of(r, f)).collect();
    let scores =
        |name: &str, s: &[u8]| Column::new(name.into(), s.iter().map(|&v| v as u32).collect::<Vec<_>>());
    table.with_column(scores("r_score", &r))?;
    table.with_column(scores("f_score", &f))?;
    table.with_column(scores("m_score", &m))?;
    table.with_column(repeated_text("rfm_segment", &pair_names, &pairs)?)?;
    stages.mark("rfm");

    // Clusters.
    let feature_names: Vec<&str> = settings.cluster_features.iter().map(String::as_str).collect();
    let feature_values: Vec<Vec<f64>> = feature_names
        .iter()
        .map(|name| {
            if table.column(name).is_err() {
                return Err(CkmError::usage(format!(
                    "--features: the input has no column for '{name}' (it needs item, channel or return data)"
                )));
            }
            Ok(summary::values(&table, name)?)
        })
        .collect::<Result<_>>()?;
    let value_slices: Vec<&[f64]> = feature_values.iter().map(Vec::as_slice).collect();
    let logged = clusters::log_features(&value_slices);
    let standardised = clusters::standardised(&logged);
    let dims = feature_names.len();
    let clustering = match settings.clusters {
        None => None,
        Some(ClusterChoice::Fixed(k)) => Some((
            clusters::kmeans(&standardised, dims, k, settings.seed, settings.runs)
                .map_err(|e| CkmError::invalid(e.to_string()))?,
            Vec::new(),
        )),
        Some(ClusterChoice::Auto) => Some(
            clusters::choose_k(
                &standardised,
                dims,
                2..=10,
                settings.seed,
                settings.runs,
                SILHOUETTE_SAMPLE,
            )
            .map_err(|e| CkmError::invalid(e.to_string()))?,
        ),
    };
    let mut cluster_labels = Vec::new();
    if let Some((clustering, _)) = &clustering {
        for c in 0..clustering.k {
            cluster_labels.push(clusters::label(
                &clustering.centroids[c * dims..(c + 1) * dims],
                &feature_names,
            ));
        }
        table.with_column(Column::new(
            "cluster".into(),
            clustering.labels.iter().map(|&l| l as u32).collect::<Vec<_>>(),
        ))?;
        let label_texts: Vec<&str> = cluster_labels.iter().map(String::as_str).collect();
        table.with_column(repeated_text("cluster_label", &label_texts, &clustering.labels)?)?;
        table.with_column(Column::new(
            "cluster_distance".into(),
            clustering.distances.clone(),
        ))?;
        stages.mark("clusters");
    }

    // Outliers: robust z on the log features, and distance to the own centre.
    let named: Vec<(&str, &[f64])> = feature_names
        .iter()
        .copied()
        .zip(logged.iter().map(Vec::as_slice))
        .collect();
    let distances = clustering
        .as_ref()
        .map(|(c, _)| (c.distances.as_slice(), DISTANCE_QUANTILE));
    let reasons = outliers::flag(&named, settings.outlier_threshold, distances);
    let outlier_count = reasons.iter().filter(|r| r.is_some()).count() as u64;
    table.with_column(Column::new(
        "outlier".into(),
        reasons.iter().map(Option::is_some).collect::<Vec<_>>(),
    ))?;
    table.with_column(Column::new("outlier_reason".into(), reasons))?;
    stages.mark("outliers");

    let output = table.select(
        OUTPUT_ORDER
            .iter()
            .copied()
            .filter(|name| table.column(name).is_ok()),
    )?;
    let total_revenue: f64 = monetary.iter().filter(|v| v.is_finite()).sum();
    let profiles = clustering
        .as_ref()
        .map(|_| cluster_profiles(&output, &cluster_labels, &feature_names, total_revenue))
        .transpose()?;
    stages.mark("profiles");

    // Customers and revenue per segment, added up per segment in customer order. Each
    // customer's segment is found through its score pair: comparing a million names in a
    // map took longer than everything else after the write.
    let segments = {
        let mut names: Vec<&str> = pair_names.clone();
        names.sort_unstable();
        names.dedup();
        let name_of_pair: Vec<usize> = pair_names
            .iter()
            .map(|name| names.binary_search(name).unwrap_or_default())
            .collect();
        let mut groups = vec![(0u64, 0.0f64); names.len()];
        for (&pair, value) in pairs.iter().zip(&monetary) {
            let entry = &mut groups[name_of_pair[pair]];
            entry.0 += 1;
            entry.1 += if value.is_finite() { *value } else { 0.0 };
        }
        let mut rows: Vec<(String, u64, f64)> = names
            .iter()
            .zip(groups)
            .filter(|(_, (n, _))| *n > 0)
            .map(|(k, (n, v))| (k.to_string(), n, v))
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        rows
    };
    Ok(Segmented {
        table: output,
        profiles,
        silhouettes: clustering.map(|(_, scores)| scores).unwrap_or_default(),
        segments,
        total_revenue,
        outliers: outlier_count,
        stage_seconds: stages.seconds,
    })
}

pub fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        100.0 * part / whole
    } else {
        0.0
    }
}

/// Cluster profiles: size, share of customers and of revenue, mean and median of each feature.
fn cluster_profiles(
    table: &DataFrame,
    labels: &[String],
    features: &[&str],
    total_revenue: f64,
) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let cluster: Vec<u32> = table
        .column("cluster")?
        .u32()?
        .iter()
        .map(|c| c.unwrap_or(0))
        .collect();
    let monetary = summary::values(table, MONETARY)?;
    let columns: Vec<Vec<f64>> = features
        .iter()
        .map(|f| summary::values(table, f))
        .collect::<PolarsResult<_>>()?;
    let mut header = vec![
        "cluster".to_string(),
        "label".into(),
        "customers".into(),
        "% customers".into(),
        "% revenue".into(),
    ];
    for feature in features {
        header.push(format!("mean {feature}"));
        header.push(format!("median {feature}"));
    }
    let n = cluster.len() as f64;
    let rows: Vec<Vec<String>> = clusters::profiles(&cluster, labels.len(), &monetary, &columns)
        .iter()
        .zip(labels)
        .enumerate()
        .map(|(c, (profile, label))| {
            let mut row = vec![
                c.to_string(),
                label.clone(),
                thousands(profile.customers as u64),
                format!("{:.1}", 100.0 * profile.customers as f64 / n),
                format!("{:.1}", share(profile.revenue, total_revenue)),
            ];
            for (mean, median) in profile.means.iter().zip(&profile.medians) {
                // A feature none of the members has (mean days between orders in a cluster
                // of one-order customers) shows a mean of 0, as profiles always have.
                row.push(format!("{:.2}", if mean.is_nan() { 0.0 } else { *mean }));
                row.push(format!("{median:.2}"));
            }
            row
        })
        .collect();
    Ok((header, rows))
}

/// A text column of a few distinct values, row i being `values[index[i]]`: taken from the
/// values by index, so each row costs a 16-byte view instead of a copy of its text (labels
/// are longer than the 12 bytes a view holds).
fn repeated_text(name: &str, values: &[&str], index: &[usize]) -> PolarsResult<Column> {
    let dictionary = StringChunked::from_slice(name.into(), values);
    let index = IdxCa::from_vec("".into(), index.iter().map(|&i| i as IdxSize).collect());
    Ok(dictionary.take(&index)?.into_column())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Twenty customers: the more recent, the more orders and spend.
    fn customers() -> DataFrame {
        let n = 20;
        DataFrame::new(
            n,
            vec![
                Column::new(
                    schema::CUSTOMER_ID.into(),
                    (0..n).map(|i| format!("c{i:02}")).collect::<Vec<_>>(),
                ),
                Column::new(
                    RECENCY_DAYS.into(),
                    (0..n).map(|i| 1.0 + 10.0 * i as f64).collect::<Vec<_>>(),
                ),
                Column::new(
                    FREQUENCY.into(),
                    (0..n).map(|i| (n - i) as u64).collect::<Vec<_>>(),
                ),
                Column::new(
                    MONETARY.into(),
                    (0..n).map(|i| 50.0 * (n - i) as f64).collect::<Vec<_>>(),
                ),
            ],
        )
        .expect("columns of one length")
    }

    fn settings(clusters: Option<ClusterChoice>) -> SegmentSettings {
        SegmentSettings {
            bins: 5,
            segment_map: rfm::default_segment_map(),
            cluster_features: vec![RECENCY_DAYS.into(), FREQUENCY.into(), MONETARY.into()],
            clusters,
            seed: 42,
            runs: 1,
            outlier_threshold: 3.5,
        }
    }

    #[test]
    fn segments_and_their_totals() {
        let segmented = compute(customers(), &settings(None)).expect("segments");
        let table = &segmented.table;
        assert_eq!(table.height(), 20);
        assert!(table.column("cluster").is_err(), "no clusters asked for");
        // The most recent, most frequent customer is a Champion, the least a Hibernating or Lost.
        let segment = table
            .column("rfm_segment")
            .expect("segments")
            .str()
            .expect("text")
            .clone();
        assert_eq!(segment.get(0), Some("Champions"));
        assert_eq!(segment.get(19), Some("Lost"));
        // Every customer is in one segment, and the segments add up to the revenue.
        let customers: u64 = segmented.segments.iter().map(|s| s.1).sum();
        let revenue: f64 = segmented.segments.iter().map(|s| s.2).sum();
        assert_eq!(customers, 20);
        assert_eq!(revenue, segmented.total_revenue);
        assert_eq!(segmented.total_revenue, 50.0 * 210.0);
        assert!(segmented.profiles.is_none());
    }

    #[test]
    fn clusters_come_with_profiles() {
        let segmented = compute(customers(), &settings(Some(ClusterChoice::Fixed(3)))).expect("segments");
        let (header, rows) = segmented.profiles.expect("profiles with clusters");
        assert_eq!(header[2], "customers");
        assert_eq!(rows.len(), 3);
        let members: usize = rows.iter().map(|r| r[2].parse::<usize>().expect("a count")).sum();
        assert_eq!(members, 20);
        let stages: Vec<&str> = segmented.stage_seconds.iter().map(|s| s.0).collect();
        assert_eq!(stages, ["rfm", "clusters", "outliers", "profiles"]);
    }
}
