//! `ckm segment`: one row per customer with RFM features, scores and a named segment, and
//! optionally k-means clusters with readable labels; outliers flagged with their reason.

use anyhow::Result;
use polars::prelude::*;

use crate::analyses::segment::{self, share, ClusterChoice, SegmentSettings, Segmented};
use crate::cli::{ClusterCount, SegmentArgs};
use crate::commands::{parse_moment, write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::privacy::Privacy;
use crate::io::{rejects, segment_map, write};
use crate::mining::rfm;
use crate::prepare::lines::{LeftOut, Lines};
use crate::prepare::summary::{self, FREQUENCY, MONETARY, RECENCY_DAYS};
use crate::prepare::Engine;
use crate::printer::thousands;

pub fn run(args: SegmentArgs, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    let profiles_destination = write::resolve_side_destination("--profiles", args.profiles.as_deref())?;
    let privacy = Privacy::from_args(&args.privacy.settings(), &printer, record)?;
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
    let as_of_given = args
        .as_of
        .as_deref()
        .map(|t| parse_moment("--as-of", t))
        .transpose()?;
    let engine = args.engine.settings(args.input.as_deref())?;
    let input = match &engine {
        Engine::Local => args.input.clone().expect("clap asks for INPUT without --table"),
        Engine::Spark { source, .. } => source.to_string(),
    };
    record.parameter("input", &input);
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

    let mut lines = Lines::open(
        &engine,
        &input,
        &args.read.settings_with(&args.privacy),
        record,
        &printer,
    )?;
    let summary::CustomerTable {
        customers,
        lines_in,
        lines_without_customer,
    } = lines.customer_table(record, &printer)?;
    lines.record_inputs(lines_in, record, hash)?;
    record.mark("read_and_aggregate");
    let lines_without_ts: u64 = customers
        .column(summary::LINES_WITHOUT_TS)?
        .u64()?
        .sum()
        .unwrap_or(0);
    let (table, as_of_ms) = segment::summary_as_of(customers, as_of_given, &input)?;
    let as_of_text = show_ms(as_of_ms);
    record.parameter("as_of", &as_of_text);
    record.figure("as of", &as_of_text);
    printer.info(&format!("as of {as_of_text}"));
    let settings = SegmentSettings {
        bins: args.bins,
        segment_map,
        cluster_features,
        clusters: args.clusters.map(|c| match c {
            ClusterCount::Fixed(k) => ClusterChoice::Fixed(k),
            ClusterCount::Auto => ClusterChoice::Auto,
        }),
        seed: args.seed,
        runs: args.runs,
        outlier_threshold: args.outlier_threshold,
    };
    let Segmented {
        table: mut output,
        profiles,
        silhouettes,
        segments,
        total_revenue,
        outliers: outlier_count,
        stage_seconds,
    } = segment::compute(table, &settings)?;
    for (k, score) in &silhouettes {
        record.figure(&format!("silhouette k = {k}"), format!("{score:.3}"));
    }
    record.add_stages(&stage_seconds);
    segment::round_for_output(&mut output)?;
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
        lines.write_left_out(
            rejects::destination(args.rejects.as_deref(), &destination)?,
            LeftOut::WithoutCustomer,
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
    for (segment, count, revenue) in segments {
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
fn show_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
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
