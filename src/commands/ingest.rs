//! `ckm ingest`: exports in, one canonical transactions table out. No row is dropped; values
//! that do not parse are flagged in `ingest_issue` for `ckm clean`.

use anyhow::Result;
use polars::prelude::*;

use crate::cli::IngestArgs;
use crate::commands::{write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::privacy::Privacy;
use crate::io::{self, customers, schema, write};
use crate::mining::identity::MatchRule;

pub fn run(args: IngestArgs, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    let identity_destination = match &args.identity_map {
        Some(path) if path == "-" => {
            return Err(CkmError::usage(
                "--identity-map needs a file path; stdout carries the transactions table",
            ))
        }
        Some(path) => Some(write::resolve_destination(Some(path), None)?),
        None => None,
    };
    let privacy = Privacy::from_args(&args.privacy.settings(), &printer, record)?;
    record.parameter("inputs", &args.inputs);
    record.parameter("customers", &args.customers);
    record.parameter("default_country", &args.default_country);
    record.parameter("map", &args.read.map);
    record.parameter("dayfirst", args.read.dayfirst);
    record.parameter("date_format", &args.read.date_format);
    record.parameter("encoding", format!("{:?}", args.read.encoding));

    if args.explain {
        return explain(io::explain_inputs(
            &args.inputs,
            &args.read.settings_with(&args.privacy),
        )?);
    }
    let planned = io::plan_inputs(&args.inputs, &args.read.settings_with(&args.privacy))?;
    for (source, plan) in planned.sources.iter().zip(&planned.plans) {
        record.parameter(
            &format!("mapping[{}]", source.spec.display),
            plan.mapping
                .mapped
                .iter()
                .map(|m| (m.canonical, m.source.clone()))
                .collect::<std::collections::BTreeMap<_, _>>(),
        );
    }
    // A source of one row per order with its lines packed in cells gives a row per line.
    let unpacked = planned.plans.iter().any(|plan| {
        plan.mapping
            .preset
            .is_some_and(|preset| preset.packed_lines.is_some())
    });
    let mut table = io::collect_transactions(planned, record, &printer, hash)?;
    let rows_in = if unpacked {
        export_rows(&table)?
    } else {
        table.height() as u64
    };

    let mut identity = if args.customers.is_empty() {
        None
    } else {
        let tables = customers::read_customer_tables(
            &args.customers,
            &args.read.settings_with(&args.privacy),
            args.default_country.as_deref(),
            hash,
        )?;
        for warning in tables.warnings {
            record.warn(&printer, warning);
        }
        record.inputs.extend(tables.inputs);
        record.mark("read_customer_tables");
        let outcome = customers::unify(&mut table, tables.records)?;
        record.mark("resolve_identities");
        Some((outcome, tables.rows, tables.rows_without_id))
    };

    let rows = table.height() as u64;
    let flagged = rows - table.column(schema::INGEST_ISSUE)?.null_count() as u64;
    let pii = privacy.inspect(&table, &printer, record);
    privacy.apply(&mut table, &pii)?;
    record.mark("protect_personal_data");
    let written = write::write_table(&mut table, &destination, format, hash)?;
    let mut identity_written = None;
    if let (Some((outcome, _, _)), Some((destination, format))) = (&mut identity, &identity_destination) {
        privacy.apply(&mut outcome.map, &[])?;
        identity_written = Some(write::write_table(&mut outcome.map, destination, *format, hash)?);
    }
    record.mark("write");

    record.figure("inputs", record.inputs.len() as u64);
    record.figure("rows in", rows_in);
    if unpacked {
        record.figure("rows out (one per order line)", rows);
    } else {
        record.figure("rows out", rows);
    }
    record.figure("rows with unparseable values (flagged for clean)", flagged);
    if let Some((outcome, customer_rows, without_id)) = &identity {
        record.figure("customer table rows", *customer_rows);
        if *without_id > 0 {
            record.figure("customer table rows without an id (not linked)", *without_id);
        }
        record.figure("source customer ids", outcome.source_ids);
        for (rule, count) in &outcome.merged_by {
            let name = match rule {
                MatchRule::Alone => "source ids linked to no other".to_string(),
                rule => format!("source ids linked by {}", rule.name()),
            };
            record.figure(&name, *count);
        }
        record.figure("customers after resolution", outcome.customers);
    }
    privacy.report(&pii, record);
    if let Some(range) = time_range(&table)? {
        record.figure("period", range);
    }
    record.figure("output", format!("{} ({})", written.path, written.format));
    record.outputs.push(written);
    if let Some(written) = identity_written {
        record.figure("identity map", written.path.clone());
        record.outputs.push(written);
    }
    printer.summary("ckm ingest", &record.summary_rows());
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
}

/// The export rows a table's lines came from: its distinct source rows (of each file).
fn export_rows(table: &DataFrame) -> Result<u64> {
    let lineage: Vec<Expr> = [schema::SOURCE_FILE, schema::SOURCE_ROW]
        .into_iter()
        .filter(|c| table.column(c).is_ok())
        .map(col)
        .collect();
    let distinct = table
        .clone()
        .lazy()
        .select(lineage)
        .unique(None, UniqueKeepStrategy::Any)
        .collect()?;
    Ok(distinct.height() as u64)
}

fn time_range(table: &DataFrame) -> Result<Option<String>> {
    let ts = table.column(schema::TS)?.cast(&DataType::Int64)?;
    let values = ts.i64()?;
    let (Some(first), Some(last)) = (values.min(), values.max()) else {
        return Ok(None);
    };
    let show = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    Ok(Some(format!("{} .. {}", show(first), show(last))))
}

/// Prints each input's mapping and how its dates are read; ends with the first input's
/// planning error (exit code 3), if any, after every mapping has been shown.
fn explain(inputs: Vec<io::ExplainedInput>) -> Result<()> {
    let mut first_error = None;
    for input in inputs {
        let source = &input.source;
        println!(
            "{} ({:?}{}):",
            source.spec.display,
            source.format,
            match source.format {
                io::sniff::FileFormat::Delimited => format!(", delimiter {:?}", source.delimiter as char),
                _ => String::new(),
            }
        );
        if let Some(preset) = input.mapping.preset {
            println!(
                "  looks like {} (preset {}, {}; --preset none maps headers by their names)",
                preset.export, preset.name, preset.documentation
            );
        }
        let (date_format, warnings) = match &input.plan {
            Ok(plan) => (
                plan.date_format.as_ref().map(|f| f.describe()),
                plan.warnings.clone(),
            ),
            Err(_) => (None, Vec::new()),
        };
        for column in schema::CANONICAL_COLUMNS {
            let line = match input.mapping.mapped.iter().find(|m| m.canonical == column.name) {
                Some(m) => {
                    let extra = match (column.name, &date_format) {
                        (schema::TS, Some(f)) => format!(", read as {f}"),
                        _ => String::new(),
                    };
                    format!("'{}' ({}{extra})", m.source, m.reason)
                }
                None if column.name == schema::CHANNEL && source.spec.channel.is_some() => {
                    format!(
                        "'{}' (from the NAME= prefix)",
                        source.spec.channel.as_deref().unwrap_or_default()
                    )
                }
                None if column.name == schema::AMOUNT
                    && input.mapping.source_of(schema::QUANTITY).is_some()
                    && input.mapping.source_of(schema::UNIT_PRICE).is_some() =>
                {
                    "quantity x unit_price (no amount column)".into()
                }
                None => "-".into(),
            };
            println!("  {:<12} <- {line}", column.name);
        }
        if !input.mapping.extra.is_empty() {
            println!("  kept as they are: {}", schema::quote_list(&input.mapping.extra));
        }
        for warning in &warnings {
            println!("  warning: {warning}");
        }
        if let Err(error) = input.plan {
            first_error.get_or_insert(error);
        }
    }
    first_error.map_or(Ok(()), Err)
}
