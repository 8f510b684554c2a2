//! The customers a churn model learns from or scores when the input is a labelled customer
//! table (from transactions they are `prepare::churn_features`): labels parsed, ids found,
//! feature columns chosen, unusable rows to the rejects.

use std::collections::HashMap;

use anyhow::Result;
use polars::prelude::*;

use super::{
    as_raw_column, find_id_column, read_raw_table, shown_columns, source_rows, Customers, NamedColumns,
};
use crate::cli::ChurnTrainArgs;
use crate::error::CkmError;
use crate::io::clean_rules::REASON;
use crate::io::manifest::RunRecord;
use crate::io::{self, privacy, read, rejects, schema, write};
use crate::mining::churn::eligibility::{few_distinct, parse_label, unusable_reason};
use crate::printer::Printer;

/// Reads a labelled customer table: labels parsed (rows without a usable label go to the
/// rejects with a reason), ids found, feature columns chosen.
pub(super) fn labelled_customers(
    args: &ChurnTrainArgs,
    input: &str,
    target: &str,
    record: &mut RunRecord,
    printer: &Printer,
    destination: &write::Destination,
    hash: bool,
) -> Result<Customers> {
    let (table, source) = read_raw_table(input, &args.read.settings())?;
    let display = source.spec.display.clone();
    let names: Vec<String> = table.get_column_names().iter().map(|n| n.to_string()).collect();
    if !names.iter().any(|n| n == target) {
        return Err(CkmError::invalid(format!(
            "{display}: no column '{target}' (--target); the columns are {}",
            shown_columns(&names)
        )));
    }
    let rows_in = table.height() as u64;
    io::record_inputs(std::slice::from_ref(&source), &[rows_in], record, hash)?;
    let label_text = table.column(target)?.cast(&DataType::String)?;
    // Each row's label, or why it has none.
    let parsed: Vec<Result<bool, String>> = label_text
        .str()?
        .iter()
        .map(|value| match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Err(format!("no {target} label")),
            Some(v) => parse_label(v)
                .ok_or_else(|| format!("{target} '{v}' is not a churn label (yes/no, true/false, 1/0)")),
        })
        .collect();
    let keep: Vec<bool> = parsed.iter().map(Result::is_ok).collect();
    let labels: Vec<bool> = parsed.iter().filter_map(|p| p.as_ref().ok().copied()).collect();
    let rejected = keep.iter().filter(|k| !**k).count();
    let rows = source_rows(&table, &source)?;
    let rejects_path = if rejected > 0 {
        write_label_rejects(args, &table, &rows, &parsed, destination, record, hash)?
    } else {
        None
    };
    if rejected > 0 {
        let first = parsed
            .iter()
            .zip(&rows)
            .find_map(|(p, row)| p.as_ref().err().map(|r| (r, row)));
        let (reason, row) = first.expect("one was rejected");
        let message = format!(
            "{display}: {rejected} row{} without a usable {target} label left out, the first at row {row}: {reason}{}",
            if rejected == 1 { "" } else { "s" },
            rejects_path.as_ref().map(|p| format!("; see {p}")).unwrap_or_default()
        );
        record.warn(printer, message);
    }
    record.figure("rows in", rows_in);
    record.figure("rows rejected (no usable label)", rejected as u64);
    let mask = BooleanChunked::from_slice("keep".into(), &keep);
    let table = table.filter(&mask)?;
    if labels.is_empty() {
        return Err(CkmError::invalid(format!(
            "{display}: no row has a usable {target} label"
        )));
    }
    let churners = labels.iter().filter(|&&l| l).count();
    if churners == 0 || churners == labels.len() {
        return Err(CkmError::invalid(format!(
            "{display}: every {target} label is '{}'; a churn model needs churners and stayers",
            if churners == 0 { "no" } else { "yes" }
        )));
    }
    let id_column = find_id_column(&table, args.id.as_deref(), &display)?;
    let ids: Vec<String> = match &id_column {
        Some(c) => read::text_values(&table, c)?,
        None => rows
            .iter()
            .zip(&keep)
            .filter(|p| *p.1)
            .map(|p| p.0.to_string())
            .collect(),
    };
    let (columns, excluded) = feature_columns(
        &table,
        &display,
        &[Some(target), id_column.as_deref()],
        &args.features,
        &args.exclude,
    )?;
    Ok(Customers {
        id_column: id_column.unwrap_or_else(|| "source_row".to_string()),
        ids,
        columns,
        labels: Some(labels),
        excluded,
    })
}

/// The feature columns of a customer table: all but the target and the id, less those the
/// user excludes, personal data, id-like and constant columns; or exactly `--features`.
fn feature_columns(
    table: &DataFrame,
    display: &str,
    reserved: &[Option<&str>],
    chosen: &[String],
    excluded_by_user: &[String],
) -> Result<(NamedColumns, Vec<(String, String)>)> {
    let names: Vec<String> = table.get_column_names().iter().map(|n| n.to_string()).collect();
    for name in chosen.iter().chain(excluded_by_user) {
        if !names.contains(name) {
            return Err(CkmError::invalid(format!(
                "{display}: no column '{name}' (--features/--exclude); the columns are {}",
                shown_columns(&names)
            )));
        }
    }
    let pii: HashMap<String, String> = privacy::detect_pii(table)
        .into_iter()
        .map(|p| {
            (
                p.column,
                format!("personal data ({}, {})", p.kind.name(), p.found),
            )
        })
        .collect();
    let mut columns = Vec::new();
    let mut excluded = Vec::new();
    for name in &names {
        if name == read::RAW_ROW_INDEX || reserved.contains(&Some(name.as_str())) {
            continue;
        }
        if !chosen.is_empty() {
            if chosen.contains(name) {
                columns.push((name.clone(), as_raw_column(table.column(name)?)?));
            }
            continue;
        }
        if excluded_by_user.contains(name) {
            excluded.push((name.clone(), "--exclude".to_string()));
            continue;
        }
        let values = as_raw_column(table.column(name)?)?;
        // A header like PhoneService or EmailOptIn names a flag, not personal data: a column
        // found by its name is kept when it has only a few distinct values.
        if let Some(why) = pii.get(name) {
            if !few_distinct(&values) {
                excluded.push((name.clone(), why.clone()));
                continue;
            }
        }
        match unusable_reason(&values) {
            Some(why) => excluded.push((name.clone(), why.to_string())),
            None => columns.push((name.clone(), values)),
        }
    }
    if columns.is_empty() {
        return Err(CkmError::invalid(format!(
            "{display}: no column is left to learn from{}",
            if excluded.is_empty() {
                String::new()
            } else {
                format!(
                    " ({} excluded: {})",
                    excluded.len(),
                    excluded
                        .iter()
                        .map(|e| format!("{} – {}", e.0, e.1))
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            }
        )));
    }
    Ok((columns, excluded))
}

fn write_label_rejects(
    args: &ChurnTrainArgs,
    table: &DataFrame,
    rows: &[u64],
    parsed: &[Result<bool, String>],
    destination: &write::Destination,
    record: &mut RunRecord,
    hash: bool,
) -> Result<Option<String>> {
    let Some((path, format)) = rejects::destination(args.rejects.as_deref(), destination)? else {
        return Ok(None);
    };
    let rejected: Vec<bool> = parsed.iter().map(Result::is_err).collect();
    let mask = BooleanChunked::from_slice("rejected".into(), &rejected);
    let mut out = table.drop(read::RAW_ROW_INDEX)?.filter(&mask)?;
    let kept_rows: Vec<u64> = rows
        .iter()
        .zip(&rejected)
        .filter(|p| *p.1)
        .map(|p| *p.0)
        .collect();
    let kept_reasons: Vec<&str> = parsed
        .iter()
        .filter_map(|p| p.as_ref().err().map(String::as_str))
        .collect();
    out.with_column(Column::new(schema::SOURCE_ROW.into(), kept_rows))?;
    out.with_column(Column::new(REASON.into(), kept_reasons))?;
    let written = write::write_table(&mut out, &write::Destination::File(path), format, hash)?;
    let shown = written.path.clone();
    record.outputs.push(written);
    Ok(Some(shown))
}
