//! `ckm clean`: the canonical table in, a table fit for mining out, and every removed row in
//! the rejects file with its reason. rows in = rows out + rows rejected, always.

use std::path::PathBuf;

use anyhow::Result;
use polars::prelude::*;

use crate::cli::{CleanArgs, ReturnsPolicy, TableFormat};
use crate::commands::{write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::clean_rules::RULES;
use crate::io::manifest::RunRecord;
use crate::io::privacy::Privacy;
use crate::io::{self, memory, write};
use crate::prepare::clean::{self, CleanSettings, Cleaned, CleanedTables};

pub fn run(args: CleanArgs, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    let rejects_destination = rejects_destination(&args, &destination)?;
    let max_ts_ms = match &args.max_date {
        Some(text) => parse_max_date(text)?,
        None => chrono::Utc::now().timestamp_millis(),
    };
    let privacy = Privacy::from_args(&args.privacy.settings(), &printer, record)?;
    record.parameter("input", &args.input);
    record.parameter("returns", format!("{:?}", args.returns).to_lowercase());
    record.parameter("max_date_ms", max_ts_ms);
    record.parameter("rejects", rejects_destination.as_ref().map(|(d, _)| d.display()));

    let planned = io::plan_inputs(
        std::slice::from_ref(&args.input),
        &args.read.settings_with(&args.privacy),
    )?;
    let settings = CleanSettings {
        returns: args.returns,
        max_ts_ms,
        memory_limit: match &args.memory_limit {
            Some(text) => memory::parse_limit(text)?,
            None => memory::default_limit(),
        },
        temp_dir: args.temp_dir.clone(),
        output: match &destination {
            write::Destination::File(path) => Some(path.clone()),
            write::Destination::Stdout => None,
        },
    };
    record.parameter("memory_limit_bytes", settings.memory_limit);
    let Cleaned {
        tables,
        figures,
        head,
    } = clean::clean(&planned, &settings, record, &printer, hash)?;
    let pii = privacy.inspect(&head, &printer, record);
    drop(head);
    if figures.rows_in != figures.rows_out + figures.rows_rejected {
        anyhow::bail!(
            "internal error: {} rows in but {} out and {} rejected",
            figures.rows_in,
            figures.rows_out,
            figures.rows_rejected
        );
    }

    match tables {
        CleanedTables::InMemory {
            mut kept,
            mut rejects,
        } => {
            privacy.apply(&mut kept, &pii)?;
            privacy.apply(&mut rejects, &pii)?;
            record
                .outputs
                .push(write::write_table(&mut kept, &destination, format, hash)?);
            if let Some((path, reject_format)) = &rejects_destination {
                record
                    .outputs
                    .push(write::write_table(&mut rejects, path, *reject_format, hash)?);
            }
        }
        CleanedTables::Spilled(spilled) => {
            let private = |part: Result<DataFrame>| -> Result<DataFrame> {
                let mut part = part?;
                privacy.apply(&mut part, &pii)?;
                Ok(part)
            };
            let columns = |schema: &Schema| -> Result<Schema> {
                let mut empty = DataFrame::empty_with_schema(schema);
                privacy.apply(&mut empty, &pii)?;
                Ok(empty.schema().as_ref().clone())
            };
            let kept_columns = columns(spilled.kept_columns())?;
            let parts = spilled.kept_parts().map(private);
            record.outputs.push(write::write_parts(
                parts,
                &kept_columns,
                &destination,
                format,
                hash,
            )?);
            if let Some((path, reject_format)) = &rejects_destination {
                let reject_columns = columns(spilled.reject_columns())?;
                let parts = spilled.rejects_parts().map(private);
                record.outputs.push(write::write_parts(
                    parts,
                    &reject_columns,
                    path,
                    *reject_format,
                    hash,
                )?);
            }
        }
    }
    if rejects_destination.is_none() && figures.rows_rejected > 0 {
        let message = format!(
            "{} rows were rejected and not saved: pass --rejects PATH to keep them with their reasons",
            figures.rows_rejected
        );
        record.warn(&printer, message);
    }
    record.mark("write");

    record.figure("rows in", figures.rows_in);
    record.figure(
        "customer ids normalised (whitespace, 17850.0 -> 17850)",
        figures.ids_normalised,
    );
    for (rule, count) in RULES.iter().zip(&figures.rule_counts) {
        if *count > 0 || *rule == RULES[0] {
            record.figure(&format!("rejected: {rule}"), *count);
        }
    }
    match args.returns {
        ReturnsPolicy::Drop => {}
        ReturnsPolicy::Keep => record.figure("returns kept (is_return = true)", figures.returns_kept),
        ReturnsPolicy::Net => {
            record.figure("returns netted into purchases", figures.returns_netted);
            record.figure(
                "returns with no purchase to net against",
                figures.returns_unmatched,
            );
        }
    }
    record.figure("rows out", figures.rows_out);
    record.figure("rows rejected", figures.rows_rejected);
    record.figure(
        "rows in = rows out + rows rejected",
        format!(
            "{} = {} + {}",
            figures.rows_in, figures.rows_out, figures.rows_rejected
        ),
    );
    if let Some(spill) = &figures.spill {
        record.figure(
            "spilled to disk (over --memory-limit)",
            format!(
                "{} in {} partitions by customer, the largest {} in memory",
                indicatif::HumanBytes(spill.bytes_spilled),
                spill.partitions,
                indicatif::HumanBytes(spill.largest_partition_bytes)
            ),
        );
    }
    if let Some((path, _)) = &rejects_destination {
        record.figure("rejects", path.display());
    }
    privacy.report(&pii, record);
    printer.summary("ckm clean", &record.summary_rows());
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
}

/// Where rejected rows go: `--rejects`, or beside a file output as `NAME.rejects.csv`.
fn rejects_destination(
    args: &CleanArgs,
    output: &write::Destination,
) -> Result<Option<(write::Destination, TableFormat)>> {
    if let Some(path) = &args.rejects {
        if path == "-" {
            return Err(CkmError::usage(
                "--rejects needs a file path; stdout carries the cleaned table",
            ));
        }
        let format = write::resolve_destination(Some(path), None)
            .map(|(_, f)| f)
            .unwrap_or(TableFormat::Csv);
        return Ok(Some((write::Destination::File(PathBuf::from(path)), format)));
    }
    Ok(match output {
        write::Destination::File(path) => {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("output");
            Some((
                write::Destination::File(path.with_file_name(format!("{stem}.rejects.csv"))),
                TableFormat::Csv,
            ))
        }
        write::Destination::Stdout => None,
    })
}

fn parse_max_date(text: &str) -> Result<i64> {
    let parsed = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S"))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(23, 59, 59).expect("a valid time"))
        });
    parsed.map(|dt| dt.and_utc().timestamp_millis()).map_err(|_| {
        CkmError::usage(format!(
            "--max-date '{text}': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS"
        ))
    })
}
