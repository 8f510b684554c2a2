//! Lines a command leaves out, written with their reason: `--rejects PATH`, or beside a file
//! output as `NAME.rejects.csv`.

use std::path::PathBuf;

use anyhow::Result;
use polars::prelude::*;

use crate::error::CkmError;
use crate::io::clean_rules::REASON;
use crate::io::manifest::RunRecord;
use crate::io::privacy::Privacy;
use crate::io::write::{self, TableFormat};
use crate::io::{self, PlannedInputs};
use crate::printer::Printer;

/// Where left-out rows go: `--rejects PATH`, or beside a file output as `NAME.rejects.csv`;
/// `None` when the output is stdout and no `--rejects` was given.
pub fn destination(
    rejects: Option<&str>,
    output: &write::Destination,
) -> Result<Option<(PathBuf, TableFormat)>> {
    Ok(Some(match (rejects, output) {
        (Some("-"), _) => {
            return Err(CkmError::usage(
                "--rejects needs a file path; stdout carries the command's output",
            ))
        }
        (Some(path), _) => (
            PathBuf::from(path),
            write::resolve_destination(Some(path), None)
                .map(|(_, f)| f)
                .unwrap_or(TableFormat::Csv),
        ),
        (None, write::Destination::File(path)) => {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("output");
            (
                path.with_file_name(format!("{stem}.rejects.csv")),
                TableFormat::Csv,
            )
        }
        (None, write::Destination::Stdout) => return Ok(None),
    }))
}

/// The reason column of left-out lines: the reason of the first check that holds, null when
/// none does (the line is kept).
pub fn first_reason<S: AsRef<str>>(checks: impl IntoIterator<Item = (Expr, S)>) -> Expr {
    let checks: Vec<(Expr, S)> = checks.into_iter().collect();
    checks
        .into_iter()
        .rev()
        .fold(lit(NULL).cast(DataType::String), |otherwise, (holds, reason)| {
            when(holds)
                .then(lit(reason.as_ref().to_string()))
                .otherwise(otherwise)
        })
}

/// Reads the inputs again for the lines `reason` gives a reason for (left out lines are
/// normally few: `ckm clean` rejects them first) and writes them with that reason to
/// `destination` (see [`destination`]). Returns where, or `None` without a destination.
pub fn write_rejected_lines(
    destination: Option<(PathBuf, TableFormat)>,
    planned: &PlannedInputs,
    reason: impl Fn(&Schema) -> Expr,
    privacy: Option<&Privacy>,
    record: &mut RunRecord,
    printer: &Printer,
    hash: bool,
) -> Result<Option<String>> {
    if destination.is_none() {
        return Ok(None);
    }
    let rejected = io::read_planned(
        planned,
        |frame, columns| {
            frame
                .with_column(reason(columns).alias(REASON))
                .filter(col(REASON).is_not_null())
        },
        record,
        printer,
    )?;
    write_rejected_frame(destination, rejected, privacy, record, printer, hash)
}

/// Writes rejected lines read elsewhere (with their [`REASON`] column) as
/// [`write_rejected_lines`] does.
pub fn write_rejected_frame(
    destination: Option<(PathBuf, TableFormat)>,
    mut rejected: DataFrame,
    privacy: Option<&Privacy>,
    record: &mut RunRecord,
    printer: &Printer,
    hash: bool,
) -> Result<Option<String>> {
    let Some((path, format)) = destination else {
        return Ok(None);
    };
    if let Some(privacy) = privacy {
        let pii = privacy.inspect(&rejected, printer, record);
        privacy.apply(&mut rejected, &pii)?;
    }
    let destination = write::Destination::File(path.clone());
    record
        .outputs
        .push(write::write_table(&mut rejected, &destination, format, hash)?);
    Ok(Some(path.display().to_string()))
}

/// The summary lines for left-out lines: counts, the balance, and where they went.
pub fn report(
    record: &mut RunRecord,
    printer: &Printer,
    lines_in: u64,
    rejected: u64,
    kept_as: &str,
    written: Option<String>,
) {
    record.figure("lines in", lines_in);
    record.figure("lines rejected", rejected);
    record.figure(
        &format!("lines in = lines {kept_as} + lines rejected"),
        format!("{lines_in} = {} + {rejected}", lines_in - rejected),
    );
    match written {
        Some(path) => record.figure("rejects", path),
        None => record.warn(
            printer,
            format!("{rejected} lines were left out and not saved: pass --rejects PATH to keep them with their reasons"),
        ),
    }
}
