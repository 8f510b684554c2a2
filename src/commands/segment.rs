//! `ckm segment`: one row per customer with RFM features, scores and a named segment, and
//! optionally k-means clusters with readable labels; outliers flagged with their reason.

use anyhow::Result;
use polars::prelude::*;

use crate::cli::{ClusterCount, SegmentArgs};
use crate::commands::{write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::MS_PER_DAY;
use crate::io::privacy::Privacy;
use crate::io::{self, rejects, schema, segment_map, write};
use crate::mining::{clusters, outliers, rfm};
use crate::prepare::summary::{self, FREQUENCY, MONETARY, RECENCY_DAYS};
use crate::printer::thousands;

/// The customer table's columns, in order (those the input allows).
const OUTPUT_ORDER: &[&str] = &[
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

pub fn run(args: SegmentArgs, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    let profiles_destination = write::resolve_side_destination("--profiles", args.profiles.as_deref())?;
    let privacy = Privacy::from_args(&args.privacy, &printer, record)?;
    let segment_map = match &args.segment_map {
        Some(path) => segment_map::read(path)?,
        None => rfm::default_segment_map(),
    };
    let cluster_features: Vec<String> = if args.features.is_empty() {
        vec![RECENCY_DAYS.into(), FREQUENCY.into(), MONETARY.into()]
    } else {
        args.features.clone()
    };
    for feature in &cluster_features {
        if !summary::NUMERIC_FEATURES.contains(&feature.as_str()) {
            return Err(CkmError::usage(format!(
                "--features: '{feature}' is not a customer feature; choose from {}",
                summary::NUMERIC_FEATURES.join(", ")
            )));
        }
    }
    let as_of_given = args.as_of.as_deref().map(parse_as_of).transpose()?;
    record.parameter("input", &args.input);
    record.parameter("bins", args.bins);
    record.parameter("clusters", args.clusters.map(|c| c.to_string()));
    record.parameter("features", &cluster_features);
    record.parameter("seed", args.seed);
    record.parameter("runs", args.runs);
    record.parameter("outlier_threshold", args.outlier_threshold);
    record.parameter(
        "segment_map",
        args.segment_map.as_ref().map(|p| p.display().to_string()),
    );

    let planned = io::plan_inputs(std::slice::from_ref(&args.input), &args.read)?;
    let summary::CustomerTable {
        customers,
        lines_in,
        lines_without_customer,
    } = summary::customer_table(&planned, None, record, &printer)?;
    io::record_inputs(&planned.sources, &[lines_in], record, hash)?;
    record.mark("read_and_aggregate");
    let lines_without_ts: u64 = customers
        .column(summary::LINES_WITHOUT_TS)?
        .u64()?
        .sum()
        .unwrap_or(0);
    if customers.height() < 2 {
        return Err(CkmError::invalid(format!(
            "{}: {} customer{} with a customer_id; segmenting needs at least 2",
            args.input,
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
            "{}: every amount is missing or zero; check the amount column (ckm ingest --explain)",
            args.input
        )));
    }
    let latest = customers
        .column(summary::LAST_PURCHASE)?
        .cast(&DataType::Int64)?
        .i64()?
        .max()
        .ok_or_else(|| CkmError::invalid(format!("{}: no line has a timestamp", args.input)))?;
    let as_of_ms = as_of_given.unwrap_or(latest + MS_PER_DAY);
    let as_of_text = show_ms(as_of_ms);
    record.parameter("as_of", &as_of_text);
    record.figure("as of", &as_of_text);
    printer.info(&format!("as of {as_of_text}"));
    let mut table = summary::with_dates(customers, as_of_ms)?;

    // RFM.
    let recency = summary::values(&table, RECENCY_DAYS)?;
    let frequency = summary::values(&table, FREQUENCY)?;
    let monetary = summary::values(&table, MONETARY)?;
    // The three rankings at once: each is a parallel sort with a serial pass on either side.
    let (r, (f, m)) = rayon::join(
        || rfm::rank_scores(&recency, args.bins, false),
        || {
            rayon::join(
                || rfm::rank_scores(&frequency, args.bins, true),
                || rfm::rank_scores(&monetary, args.bins, true),
            )
        },
    );
    // A score pair's segment, looked up once per pair rather than once per customer.
    let segment_of = |r: u8, f: u8| {
        rfm::segment_of(
            &segment_map,
            rfm::to_five(r, args.bins),
            rfm::to_five(f, args.bins),
        )
        .unwrap_or("Unmapped")
    };
    let bins = args.bins as usize;
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
    record.mark("rfm");

    // Clusters.
    let feature_names: Vec<&str> = cluster_features.iter().map(String::as_str).collect();
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
    let clustering = match args.clusters {
        None => None,
        Some(ClusterCount::Fixed(k)) => Some((
            clusters::kmeans(&standardised, dims, k, args.seed, args.runs)
                .map_err(|e| CkmError::invalid(e.to_string()))?,
            Vec::new(),
        )),
        Some(ClusterCount::Auto) => Some(
            clusters::choose_k(
                &standardised,
                dims,
                2..=10,
                args.seed,
                args.runs,
                SILHOUETTE_SAMPLE,
            )
            .map_err(|e| CkmError::invalid(e.to_string()))?,
        ),
    };
    let mut cluster_labels = Vec::new();
    if let Some((clustering, scores)) = &clustering {
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
        for (k, score) in scores {
            record.figure(&format!("silhouette k = {k}"), format!("{score:.3}"));
        }
        record.mark("clusters");
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
    let reasons = outliers::flag(&named, args.outlier_threshold, distances);
    let outlier_count = reasons.iter().filter(|r| r.is_some()).count() as u64;
    table.with_column(Column::new(
        "outlier".into(),
        reasons.iter().map(Option::is_some).collect::<Vec<_>>(),
    ))?;
    table.with_column(Column::new("outlier_reason".into(), reasons))?;
    record.mark("outliers");

    let mut output = table.select(
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
    record.mark("profiles");

    summary::round_for_output(
        &mut output,
        &[
            RECENCY_DAYS,
            MONETARY,
            summary::AVG_ORDER_VALUE,
            summary::TENURE_DAYS,
            summary::MEAN_DAYS_BETWEEN_ORDERS,
            summary::RETURN_RATE,
            "cluster_distance",
        ],
    )?;
    privacy.apply(&mut output, &[])?;
    record.mark("round");
    let written = write::write_table(&mut output, &destination, format, hash)?;
    let customers_out = output.height() as u64;
    record.outputs.push(written);
    if let (Some((header, rows)), Some((path, format))) = (&profiles, &profiles_destination) {
        let mut frame = profile_frame(header, rows)?;
        record
            .outputs
            .push(write::write_table(&mut frame, path, *format, hash)?);
    }
    let rejects_written = if lines_without_customer > 0 {
        rejects::write_rejected_lines(
            args.rejects.as_deref(),
            &destination,
            &planned,
            |_| rejects::first_reason([(col(schema::CUSTOMER_ID).is_null(), "no customer_id")]),
            Some(&privacy),
            record,
            &printer,
            hash,
        )?
    } else {
        None
    };
    record.mark("write");

    if lines_without_customer > 0 {
        rejects::report(
            record,
            &printer,
            lines_in,
            lines_without_customer,
            "aggregated",
            rejects_written,
        );
    } else {
        record.figure("lines in", lines_in);
    }
    if lines_without_ts > 0 {
        record.figure("lines without ts (in monetary, not in dates)", lines_without_ts);
    }
    record.figure("customers", customers_out);
    // Customers and revenue per segment, added up per segment in customer order. Each
    // customer's segment is found through its score pair: comparing a million names in a
    // map took longer than everything else after the write.
    let revenue_by_segment = || -> Vec<(String, u64, f64)> {
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
    for (segment, count, revenue) in revenue_by_segment() {
        record.figure(
            &format!("segment {segment}"),
            format!(
                "{} customers, {:.1}% of revenue",
                thousands(count),
                share(revenue, total_revenue)
            ),
        );
    }
    record.figure("outliers", outlier_count);
    privacy.report(&[], record);
    printer.summary("ckm segment", &record.summary_rows());
    if let Some((header, rows)) = &profiles {
        printer.table(header, rows);
    }
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
}

fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        100.0 * part / whole
    } else {
        0.0
    }
}

fn show_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

fn parse_as_of(text: &str) -> Result<i64> {
    let parsed = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S"))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight"))
        });
    parsed.map(|dt| dt.and_utc().timestamp_millis()).map_err(|_| {
        CkmError::usage(format!(
            "--as-of '{text}': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS"
        ))
    })
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

fn profile_frame(header: &[String], rows: &[Vec<String>]) -> PolarsResult<DataFrame> {
    let columns: Vec<Column> = header
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let cells: Vec<&str> = rows.iter().map(|r| r[j].as_str()).collect();
            let column = Column::new(name.as_str().into(), cells);
            // Numbers go out as numbers (thousands separators removed), counts as integers.
            if j >= 2 {
                let plain: Vec<String> = rows.iter().map(|r| r[j].replace(',', "")).collect();
                let number = if name == "customers" {
                    DataType::UInt64
                } else {
                    DataType::Float64
                };
                Column::new(name.as_str().into(), plain)
                    .cast(&number)
                    .unwrap_or(column)
            } else {
                column
            }
        })
        .collect();
    DataFrame::new(rows.len(), columns)
}
