//! `ckm clean`: the canonical table in, a table fit for mining out, and every removed row in
//! the rejects file with its reason. rows in = rows out + rows rejected, always.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Result;
use polars::prelude::*;

use crate::cli::{CleanArgs, ReturnsPolicy, TableFormat};
use crate::commands::{write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::clean_rules::{self, REASON, RETURN_FLAG, RULE, RULES};
use crate::io::manifest::RunRecord;
use crate::io::privacy::Privacy;
use crate::io::{self, schema, write};
use crate::mining::returns::{self, Line};

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
    let table = io::collect_transactions(planned, record, &printer, hash)?;
    let rows_in = table.height() as u64;
    let table = clean_rules::normalise(table)?;
    let returns = clean_rules::is_return(table.schema());
    let mut table = table.lazy().with_column(returns.alias(RETURN_FLAG)).collect()?;
    // An `is_return` of the input is in the working flag now; `--returns keep` writes it anew.
    if table.column(schema::IS_RETURN).is_ok() {
        table = table.drop(schema::IS_RETURN)?;
    }
    let pii = privacy.inspect(&table, &printer, record);

    // Duplicates are judged on the data, not on where a row came from or ckm's own flags.
    let mut not_content = vec![schema::SOURCE_ROW, schema::SOURCE_FILE, schema::INGEST_ISSUE];
    not_content.extend(clean_rules::WORKING_COLUMNS);
    let content_columns = columns_except(&table, &not_content);
    let duplicates = clean_rules::later_duplicates(&table, &content_columns)?;
    let mut table = table;
    table.with_column(duplicates.into_column())?;
    let classified = clean_rules::classify(table.lazy(), args.returns, max_ts_ms).collect()?;
    record.mark("classify");

    let ids_normalised = classified
        .column(clean_rules::ID_CHANGED)?
        .bool()?
        .sum()
        .unwrap_or(0) as u64;
    let mut rule_counts: Vec<(String, u64)> = RULES.iter().map(|r| (r.to_string(), 0)).collect();
    for rule in classified.column(RULE)?.u32()?.iter().flatten() {
        if rule > 0 {
            rule_counts[rule as usize - 1].1 += 1;
        }
    }

    let rejected_mask = classified.column(RULE)?.u32()?.not_equal(0);
    let mut rejects = classified
        .filter(&rejected_mask)?
        .lazy()
        .with_column(clean_rules::reason())
        .collect()?;
    // The usual nightly case rejects little or nothing: keep the table as it is then.
    let mut kept = if rejects.height() == 0 {
        classified
    } else {
        classified.filter(&!&rejected_mask)?
    };

    let returns_in_output = kept.column(RETURN_FLAG)?.bool()?.sum().unwrap_or(0) as u64;
    let mut netting_figures = Vec::new();
    match args.returns {
        ReturnsPolicy::Drop => {}
        ReturnsPolicy::Keep => {
            kept.rename(RETURN_FLAG, schema::IS_RETURN.into())?;
            netting_figures.push(("returns kept (is_return = true)".to_string(), returns_in_output));
        }
        ReturnsPolicy::Net => {
            let (purchases, netted, unmatched) = net_returns(kept)?;
            kept = purchases;
            netting_figures.push((
                "returns netted into purchases".to_string(),
                netted.height() as u64 - unmatched,
            ));
            netting_figures.push(("returns with no purchase to net against".to_string(), unmatched));
            let columns = rejects.get_column_names_owned();
            let netted = netted.select(columns)?;
            rejects = rejects.vstack(&netted)?;
        }
    }

    // `is_return` (kept returns) was renamed from its working column and stays.
    let mut not_output = vec![REASON, schema::INGEST_ISSUE];
    not_output.extend(clean_rules::WORKING_COLUMNS);
    let mut kept = kept.select(columns_except(&kept, &not_output))?;
    let mut reject_columns = columns_except(&rejects, &not_output);
    reject_columns.push(REASON.to_string());
    let mut rejects = rejects.select(reject_columns)?;
    // Rejects read in source order: by file (for merged inputs), then row.
    let order: Vec<&str> = [schema::SOURCE_FILE, schema::SOURCE_ROW]
        .into_iter()
        .filter(|c| rejects.column(c).is_ok())
        .collect();
    rejects.sort_in_place(order, SortMultipleOptions::default())?;
    record.mark("apply_rules");

    let rows_out = kept.height() as u64;
    let rows_rejected = rejects.height() as u64;
    if rows_in != rows_out + rows_rejected {
        anyhow::bail!("internal error: {rows_in} rows in but {rows_out} out and {rows_rejected} rejected");
    }

    privacy.apply(&mut kept, &pii)?;
    privacy.apply(&mut rejects, &pii)?;
    let written = write::write_table(&mut kept, &destination, format, hash)?;
    record.outputs.push(written);
    match &rejects_destination {
        Some((path, reject_format)) => {
            let written = write::write_table(&mut rejects, path, *reject_format, hash)?;
            record.outputs.push(written);
        }
        None if rows_rejected > 0 => {
            let message = format!("{rows_rejected} rows were rejected and not saved: pass --rejects PATH to keep them with their reasons");
            record.warn(&printer, message);
        }
        None => {}
    }
    record.mark("write");

    record.figure("rows in", rows_in);
    record.figure(
        "customer ids normalised (whitespace, 17850.0 -> 17850)",
        ids_normalised,
    );
    for (rule, count) in &rule_counts {
        if *count > 0 || rule == RULES[0] {
            record.figure(&format!("rejected: {rule}"), *count);
        }
    }
    for (name, count) in netting_figures {
        record.figure(&name, count);
    }
    record.figure("rows out", rows_out);
    record.figure("rows rejected", rows_rejected);
    record.figure(
        "rows in = rows out + rows rejected",
        format!("{rows_in} = {rows_out} + {rows_rejected}"),
    );
    if let Some((path, _)) = &rejects_destination {
        record.figure("rejects", path.display());
    }
    privacy.report(&pii, record);
    printer.summary("ckm clean", &record.summary_rows());
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
}

/// The frame's column names, in order, less the given ones.
fn columns_except(df: &DataFrame, excluded: &[&str]) -> Vec<String> {
    df.get_column_names()
        .into_iter()
        .filter(|name| !excluded.contains(&name.as_str()))
        .map(|name| name.to_string())
        .collect()
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

/// Splits kept rows into purchases (with returns taken off) and the return rows themselves,
/// which leave the table with a reason naming the rows they were netted against.
/// Also returns how many returns found no purchase at all.
fn net_returns(kept: DataFrame) -> Result<(DataFrame, DataFrame, u64)> {
    let is_return = kept.column(RETURN_FLAG)?.bool()?.clone();
    let mut purchases = kept.filter(&!&is_return)?;
    let returned = kept.filter(&is_return)?;
    // A return with a positive amount and quantity is a row its export marked refunded or
    // cancelled in full: it cancels itself, and is no purchase's return to net.
    let cancels_itself = returned.column(schema::AMOUNT)?.f64()?.gt(0.0)
        & !returned
            .column(schema::QUANTITY)?
            .f64()?
            .lt(0.0)
            .fill_null_with_values(false)?;
    let cancelled = returned.filter(&cancels_itself)?;
    let mut returned = returned.filter(&!&cancels_itself)?;

    let mut groups: HashMap<(String, String), u32> = HashMap::new();
    let mut lines_of = |df: &DataFrame, is_return: bool| -> Result<Vec<Line>> {
        let customers = df.column(schema::CUSTOMER_ID)?.str()?.clone();
        let item_ids = df.column(schema::ITEM_ID)?.str()?.clone();
        let item_names = df.column(schema::ITEM_NAME)?.str()?.clone();
        let ts = df.column(schema::TS)?.cast(&DataType::Int64)?;
        let ts = ts.i64()?;
        let amounts = df.column(schema::AMOUNT)?.f64()?.clone();
        let quantities = df.column(schema::QUANTITY)?.f64()?.clone();
        let mut lines = Vec::with_capacity(df.height());
        for i in 0..df.height() {
            let item = item_ids.get(i).or(item_names.get(i)).unwrap_or("");
            let key = (customers.get(i).unwrap_or("").to_string(), item.to_string());
            let next = groups.len() as u32;
            let group = *groups.entry(key).or_insert(next);
            let amount = amounts.get(i).unwrap_or(0.0);
            let quantity = quantities.get(i);
            lines.push(Line {
                group,
                ts_ms: ts.get(i).unwrap_or(i64::MIN),
                amount: if is_return { amount.abs() } else { amount },
                quantity: if is_return {
                    quantity.map(f64::abs)
                } else {
                    quantity
                },
            });
        }
        Ok(lines)
    };
    let purchase_lines = lines_of(&purchases, false)?;
    let return_lines = lines_of(&returned, true)?;
    let netting = returns::net_returns(&purchase_lines, &return_lines);

    let amount = Series::new(schema::AMOUNT.into(), netting.purchase_amount);
    let quantity = Series::new(schema::QUANTITY.into(), netting.purchase_quantity);
    purchases.replace(schema::AMOUNT, amount.into())?;
    purchases.replace(schema::QUANTITY, quantity.into())?;

    let purchase_rows: Vec<Option<u32>> = purchases.column(schema::SOURCE_ROW)?.u32()?.iter().collect();
    let mut unmatched_returns = 0;
    let mut reasons = Vec::with_capacity(returned.height());
    for (against, unmatched) in netting.netted_against.iter().zip(&netting.unmatched_amount) {
        if against.is_empty() {
            unmatched_returns += 1;
            reasons.push(
                "return with no earlier purchase of this item by this customer to net against".to_string(),
            );
        } else {
            let rows: Vec<String> = against
                .iter()
                .map(|&p| {
                    purchase_rows[p]
                        .map(|r| r.to_string())
                        .unwrap_or_else(|| "?".into())
                })
                .collect();
            let mut reason = format!("return netted against source row {}", rows.join(", "));
            if *unmatched > 1e-9 {
                reason.push_str(&format!(" ({unmatched:.2} beyond the purchases)"));
            }
            reasons.push(reason);
        }
    }
    returned.with_column(Column::new(REASON.into(), reasons))?;
    let mut cancelled = cancelled;
    let reasons = vec!["refunded or cancelled in full in its export: no purchase"; cancelled.height()];
    cancelled.with_column(Column::new(REASON.into(), reasons))?;
    returned.vstack_mut(&cancelled)?;
    Ok((purchases, returned, unmatched_returns))
}
