//! The cleaned table of `ckm clean`: the rules of [`clean_rules`] applied to every line, in
//! memory when the lines fit in `--memory-limit`, and otherwise partition by partition with
//! the lines spilled to disk, with the same output row for row.
//!
//! Every rule that looks beyond one line looks within one customer: an exact duplicate has
//! the customer of the line it repeats, and a return is netted against the same customer's
//! purchases. So lines are partitioned by a hash of their (normalised) customer id, each
//! partition is cleaned on its own, and the kept lines and rejects go back into input order
//! by their place in the input ([`ORDINAL`]), range by range, as they are written.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Result;
use polars::prelude::*;

use crate::io::clean_rules::{self, ReturnsPolicy, ID_CHANGED, ORDINAL, REASON, RETURN_FLAG, RULE, RULES};
use crate::io::manifest::RunRecord;
use crate::io::privacy::CONTENT_SAMPLE;
use crate::io::spill::{SpillDirectory, SpillFile, SpillWriter};
use crate::io::{self, schema, PlannedInputs};
use crate::mining::returns::{self, Line};
use crate::printer::Printer;

#[derive(Debug, Clone)]
pub struct CleanSettings {
    pub returns: ReturnsPolicy,
    /// Later timestamps are rejected as in the future.
    pub max_ts_ms: i64,
    /// Bytes the run may hold; beyond them lines are spilled to disk.
    pub memory_limit: u64,
    /// Where spill files go (`--temp-dir`); see [`SpillDirectory::create`].
    pub temp_dir: Option<PathBuf>,
    /// The output file, beside which spill files go when the temporary directory is in memory.
    pub output: Option<PathBuf>,
}

/// What the rules did, for the summary.
#[derive(Debug, Clone, Default)]
pub struct CleanFigures {
    pub rows_in: u64,
    pub ids_normalised: u64,
    /// Rows removed by each of [`RULES`], in its order.
    pub rule_counts: Vec<u64>,
    /// With `--returns keep`: the returns left in the output.
    pub returns_kept: u64,
    /// With `--returns net`: returns netted into purchases, and those with none to net against.
    pub returns_netted: u64,
    pub returns_unmatched: u64,
    pub rows_out: u64,
    pub rows_rejected: u64,
    /// Set when the lines did not fit in memory.
    pub spill: Option<SpillFigures>,
}

#[derive(Debug, Clone)]
pub struct SpillFigures {
    pub partitions: usize,
    /// The most lines one partition held in memory (bytes): what the limit bounds.
    pub largest_partition_bytes: u64,
    /// Bytes of the lines on disk (compressed).
    pub bytes_spilled: u64,
}

/// The kept lines and the rejects (with their `reason`), in input order.
pub enum CleanedTables {
    InMemory { kept: DataFrame, rejects: DataFrame },
    Spilled(SpilledTables),
}

/// Kept lines and rejects on disk, in ranges of input order ([`SpilledTables::kept_parts`]).
pub struct SpilledTables {
    kept: Vec<Option<SpillFile>>,
    rejects: Vec<Option<SpillFile>>,
    kept_columns: Schema,
    reject_columns: Schema,
    /// Removed (with whatever is left in it) when the tables are dropped.
    _directory: SpillDirectory,
}

impl SpilledTables {
    /// The kept lines, one range of the input at a time.
    pub fn kept_parts(&self) -> impl Iterator<Item = Result<DataFrame>> + '_ {
        self.kept.iter().flatten().map(read_range)
    }

    pub fn rejects_parts(&self) -> impl Iterator<Item = Result<DataFrame>> + '_ {
        self.rejects.iter().flatten().map(read_range)
    }

    pub fn kept_columns(&self) -> &Schema {
        &self.kept_columns
    }

    pub fn reject_columns(&self) -> &Schema {
        &self.reject_columns
    }
}

/// One range's lines, in input order, without the ordinal.
fn read_range(file: &SpillFile) -> Result<DataFrame> {
    let range = file.read_and_remove()?;
    Ok(in_input_order(&range)?.drop(ORDINAL)?)
}

pub struct Cleaned {
    pub tables: CleanedTables,
    pub figures: CleanFigures,
    /// The first values of every column, for the checks that look at a sample of values
    /// (personal data): see [`ValueSample`].
    pub head: DataFrame,
}

/// The first non-blank values of each text column, up to the sample the personal-data checks
/// read, however far into the input they come: a column blank in the first batch of lines
/// (an email column filled only in later rows) is still sampled. Other columns are kept by
/// name and type, with no values.
#[derive(Default)]
struct ValueSample {
    columns: Vec<(PlSmallStr, DataType, Vec<String>)>,
}

impl ValueSample {
    fn add(&mut self, batch: &DataFrame) {
        if self.columns.is_empty() {
            self.columns = batch
                .columns()
                .iter()
                .map(|c| (c.name().clone(), c.dtype().clone(), Vec::new()))
                .collect();
        }
        for (name, _, values) in self.columns.iter_mut() {
            if values.len() >= CONTENT_SAMPLE {
                continue;
            }
            let Ok(text) = batch.column(name).and_then(|c| c.str()) else {
                continue;
            };
            for value in text.iter().flatten().filter(|v| !v.trim().is_empty()) {
                values.push(value.to_string());
                if values.len() >= CONTENT_SAMPLE {
                    break;
                }
            }
        }
    }

    /// The sample as a table: each text column's values, the others null.
    fn frame(&self) -> Result<DataFrame> {
        let height = self.columns.iter().map(|c| c.2.len()).max().unwrap_or(0);
        let columns = self
            .columns
            .iter()
            .map(|(name, dtype, values)| match dtype {
                DataType::String => {
                    let padded: Vec<Option<&str>> = values
                        .iter()
                        .map(|v| Some(v.as_str()))
                        .chain(std::iter::repeat(None))
                        .take(height)
                        .collect();
                    Column::new(name.clone(), padded)
                }
                other => Column::full_null(name.clone(), height, other),
            })
            .collect();
        Ok(DataFrame::new(height, columns)?)
    }
}

/// How much more than its lines the cleaning of a table holds at its peak (the duplicate
/// hashes, the rule columns, the kept lines copied out of the table): measured on 10M
/// generated lines, 2.4 times the table's own size.
const PEAK_PER_TABLE_BYTE: f64 = 3.0;

/// Lines are spilled into this many partitions by customer, each cleaned on its own: enough
/// for a partition of 200M lines to take a small share of a few gigabytes, and for a
/// partition of a few billion to fit in the default limit of a machine of 24 GiB.
const PARTITIONS: usize = 256;

/// Reads and cleans the planned inputs.
pub fn clean(
    planned: &PlannedInputs,
    settings: &CleanSettings,
    record: &mut RunRecord,
    printer: &Printer,
    hash: bool,
) -> Result<Cleaned> {
    let budget = (settings.memory_limit as f64 / PEAK_PER_TABLE_BYTE) as usize;
    let read = io::transactions_in_batches(
        planned,
        || Reading::Held {
            batches: Vec::new(),
            bytes: 0,
            sample: ValueSample::default(),
        },
        |reading, batch| reading.add(batch, budget, settings),
        record,
        printer,
        hash,
    )?;
    let mut figures = CleanFigures {
        rule_counts: vec![0; RULES.len()],
        ..CleanFigures::default()
    };
    match read {
        Reading::Held { batches, sample, .. } => {
            let head = sample.frame()?;
            let mut table = concatenate(batches)?;
            figures.rows_in = table.height() as u64;
            figures.ids_normalised = count_true(&table, ID_CHANGED)?;
            table = table.drop(ID_CHANGED)?;
            let outcome = apply_rules(table, settings.returns, settings.max_ts_ms, &mut figures)?;
            record.mark("apply_rules");
            let kept = outcome.kept.drop(ORDINAL)?;
            let rejects = in_input_order(&outcome.rejects)?.drop(ORDINAL)?;
            figures.rows_out = kept.height() as u64;
            figures.rows_rejected = rejects.height() as u64;
            Ok(Cleaned {
                tables: CleanedTables::InMemory { kept, rejects },
                figures,
                head,
            })
        }
        Reading::Spilling(partitioned) => {
            let (tables, head) = clean_partitions(*partitioned, settings, budget, &mut figures, printer)?;
            record.mark("apply_rules");
            Ok(Cleaned {
                tables: CleanedTables::Spilled(tables),
                figures,
                head,
            })
        }
    }
}

/// The state of the reading: lines held while they fit, spilled by customer once they do not.
enum Reading {
    Held {
        batches: Vec<DataFrame>,
        bytes: usize,
        sample: ValueSample,
    },
    Spilling(Box<Partitioned>),
}

struct Partitioned {
    directory: SpillDirectory,
    partitions: Vec<SpillWriter>,
    rows: u64,
    ids_normalised: u64,
    sample: ValueSample,
}

impl Reading {
    fn add(&mut self, batch: DataFrame, budget: usize, settings: &CleanSettings) -> Result<()> {
        let first_ordinal = match self {
            Reading::Held { batches, .. } => batches.iter().map(|b| b.height() as u64).sum(),
            Reading::Spilling(partitioned) => partitioned.rows,
        };
        let prepared = prepare_rows(batch, first_ordinal)?;
        match self {
            Reading::Held {
                batches,
                bytes,
                sample,
            } => {
                sample.add(&prepared);
                *bytes += prepared.estimated_size();
                batches.push(prepared);
                if *bytes > budget {
                    let held = std::mem::take(batches);
                    let mut partitioned = Partitioned::create(settings, std::mem::take(sample))?;
                    for batch in held {
                        partitioned.add(batch)?;
                    }
                    *self = Reading::Spilling(Box::new(partitioned));
                }
            }
            Reading::Spilling(partitioned) => {
                partitioned.sample.add(&prepared);
                partitioned.add(prepared)?
            }
        }
        Ok(())
    }
}

impl Partitioned {
    fn create(settings: &CleanSettings, sample: ValueSample) -> Result<Partitioned> {
        let directory = SpillDirectory::create(settings.temp_dir.as_deref(), settings.output.as_deref())?;
        // An eighth of the limit waits in memory, spread over the partitions.
        let batch_bytes = (settings.memory_limit as usize / 8 / PARTITIONS).clamp(256 << 10, 64 << 20);
        let partitions = (0..PARTITIONS).map(|_| directory.writer(batch_bytes)).collect();
        Ok(Partitioned {
            directory,
            partitions,
            rows: 0,
            ids_normalised: 0,
            sample,
        })
    }

    fn add(&mut self, batch: DataFrame) -> Result<()> {
        self.rows += batch.height() as u64;
        self.ids_normalised += count_true(&batch, ID_CHANGED)?;
        let batch = batch.drop(ID_CHANGED)?;
        for (writer, part) in self
            .partitions
            .iter_mut()
            .zip(split_by_customer(&batch, PARTITIONS)?)
        {
            writer.push(part)?;
        }
        Ok(())
    }
}

/// The lines of each customer are in one partition: the one their customer id's hash names.
fn split_by_customer(batch: &DataFrame, partitions: usize) -> PolarsResult<Vec<DataFrame>> {
    let mut hashes = Vec::with_capacity(batch.height());
    batch
        .column(schema::CUSTOMER_ID)?
        .as_materialized_series()
        .vec_hash(PlSeedableRandomStateQuality::fixed(), &mut hashes)?;
    let mut rows: Vec<Vec<IdxSize>> = vec![Vec::new(); partitions];
    for (row, hash) in hashes.iter().enumerate() {
        // The high bits, scaled to the partitions (the low bits pick hash-table slots).
        let partition = (((hash >> 32) * partitions as u64) >> 32) as usize;
        rows[partition].push(row as IdxSize);
    }
    rows.into_iter()
        .map(|rows| batch.take(&IdxCa::from_vec(PlSmallStr::EMPTY, rows)))
        .collect()
}

/// Cleans the spilled partitions one by one and spills their kept lines and rejects again
/// in ranges of input order, each range small enough to sort and write within the budget;
/// returns them with the sample of values read.
fn clean_partitions(
    partitioned: Partitioned,
    settings: &CleanSettings,
    budget: usize,
    figures: &mut CleanFigures,
    printer: &Printer,
) -> Result<(SpilledTables, DataFrame)> {
    let Partitioned {
        directory,
        partitions,
        rows,
        ids_normalised,
        sample,
    } = partitioned;
    let head = sample.frame()?;
    figures.rows_in = rows;
    figures.ids_normalised = ids_normalised;
    let files: Vec<SpillFile> = partitions
        .into_iter()
        .map(SpillWriter::finish)
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    if files.iter().map(|f| f.rows).sum::<u64>() != rows {
        anyhow::bail!("internal error: {rows} lines read but a different number spilled");
    }
    let table_bytes: u64 = files.iter().map(|f| f.table_bytes).sum();
    let bytes_spilled: u64 = files.iter().map(|f| f.file_bytes).sum();
    let row_bytes = (table_bytes as f64 / rows.max(1) as f64).max(1.0);
    // A range is read, put in order (a copy) and written, with the reader's and the
    // writer's buffers beside it: a quarter of the budget each (at half, 200M lines with
    // --memory-limit 6G peaked at 6.6 GiB while writing).
    let range_rows = ((budget as f64 / row_bytes / 4.0) as u64).max(1 << 16);
    let ranges = rows.div_ceil(range_rows) as usize;
    let mut kept_ranges: Vec<SpillWriter> = (0..ranges).map(|_| directory.writer(0)).collect();
    let mut reject_ranges: Vec<SpillWriter> = (0..ranges).map(|_| directory.writer(0)).collect();

    let progress = printer.progress(files.len() as u64, "partitions cleaned");
    let mut columns: Option<(Schema, Schema)> = None;
    let mut largest_partition = 0;
    let partitions = files.len();
    for file in files {
        largest_partition = largest_partition.max(file.table_bytes);
        // A partition is in input order already: its lines were spilled as they were read.
        let table = file.read_and_remove()?;
        let outcome = apply_rules(table, settings.returns, settings.max_ts_ms, figures)?;
        let rejects = in_input_order(&outcome.rejects)?;
        columns.get_or_insert_with(|| {
            (
                outcome.kept.schema().as_ref().clone(),
                rejects.schema().as_ref().clone(),
            )
        });
        figures.rows_out += outcome.kept.height() as u64;
        figures.rows_rejected += rejects.height() as u64;
        spill_by_range(&outcome.kept, range_rows, &mut kept_ranges)?;
        spill_by_range(&rejects, range_rows, &mut reject_ranges)?;
        progress.inc(1);
    }
    progress.finish();
    let (kept_columns, reject_columns) = match columns {
        Some(columns) => columns,
        None => anyhow::bail!("internal error: lines were spilled but no partition came back"),
    };
    let without_ordinal = |mut columns: Schema| {
        columns.shift_remove(ORDINAL);
        columns
    };
    figures.spill = Some(SpillFigures {
        partitions,
        largest_partition_bytes: largest_partition,
        bytes_spilled,
    });
    let finish = |writers: Vec<SpillWriter>| -> Result<Vec<Option<SpillFile>>> {
        writers.into_iter().map(SpillWriter::finish).collect()
    };
    let tables = SpilledTables {
        kept: finish(kept_ranges)?,
        rejects: finish(reject_ranges)?,
        kept_columns: without_ordinal(kept_columns),
        reject_columns: without_ordinal(reject_columns),
        _directory: directory,
    };
    Ok((tables, head))
}

/// Splits lines sorted by [`ORDINAL`] into the ranges' writers.
fn spill_by_range(lines: &DataFrame, range_rows: u64, ranges: &mut [SpillWriter]) -> Result<()> {
    if lines.height() == 0 {
        return Ok(());
    }
    let ordinals = lines.column(ORDINAL)?.u64()?.rechunk();
    let ordinals = ordinals.cont_slice()?;
    let mut start = 0;
    while start < ordinals.len() {
        let range = (ordinals[start] / range_rows) as usize;
        let range_end = (range as u64 + 1) * range_rows;
        let end = start + ordinals[start..].partition_point(|&o| o < range_end);
        ranges[range].push(lines.slice(start as i64, end - start))?;
        start = end;
    }
    Ok(())
}

/// A batch made ready for the rules: text trimmed and ids normalised ([`ID_CHANGED`] says
/// where), the return flag worked out (an input's own `is_return` is in it now; `--returns
/// keep` writes it anew) and each line's place in the input.
fn prepare_rows(batch: DataFrame, first_ordinal: u64) -> Result<DataFrame> {
    let height = batch.height() as u64;
    let table = clean_rules::normalise(batch)?;
    let returns = clean_rules::is_return(table.schema());
    let mut table = table.lazy().with_column(returns.alias(RETURN_FLAG)).collect()?;
    if table.column(schema::IS_RETURN).is_ok() {
        table = table.drop(schema::IS_RETURN)?;
    }
    let ordinals: Vec<u64> = (first_ordinal..first_ordinal + height).collect();
    table.with_column(Column::new(ORDINAL.into(), ordinals))?;
    Ok(table)
}

/// The kept lines and the rejects of one table of prepared rows that holds every line of its
/// customers; the counts go into `figures`.
struct Outcome {
    kept: DataFrame,
    rejects: DataFrame,
}

fn apply_rules(
    table: DataFrame,
    returns_policy: ReturnsPolicy,
    max_ts_ms: i64,
    figures: &mut CleanFigures,
) -> Result<Outcome> {
    // Duplicates are judged on the data, not on where a row came from or ckm's own flags.
    let mut not_content = vec![schema::SOURCE_ROW, schema::SOURCE_FILE, schema::INGEST_ISSUE];
    not_content.extend(clean_rules::WORKING_COLUMNS);
    let content_columns = columns_except(&table, &not_content);
    let duplicates = clean_rules::later_duplicates(&table, &content_columns)?;
    let mut table = table;
    table.with_column(duplicates.into_column())?;
    let classified = clean_rules::classify(table.lazy(), returns_policy, max_ts_ms).collect()?;

    for rule in classified.column(RULE)?.u32()?.iter().flatten() {
        if rule > 0 {
            figures.rule_counts[rule as usize - 1] += 1;
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

    match returns_policy {
        ReturnsPolicy::Drop => {}
        ReturnsPolicy::Keep => {
            figures.returns_kept += count_true(&kept, RETURN_FLAG)?;
            kept.rename(RETURN_FLAG, schema::IS_RETURN.into())?;
        }
        ReturnsPolicy::Net => {
            let (purchases, netted, unmatched) = net_returns(kept)?;
            kept = purchases;
            figures.returns_netted += netted.height() as u64 - unmatched;
            figures.returns_unmatched += unmatched;
            let columns = rejects.get_column_names_owned();
            rejects = rejects.vstack(&netted.select(columns)?)?;
        }
    }

    // `is_return` (kept returns) was renamed from its working column and stays; the ordinal
    // stays until the lines are back in input order.
    let mut not_output = vec![REASON, schema::INGEST_ISSUE];
    not_output.extend(clean_rules::WORKING_COLUMNS.iter().filter(|&&c| c != ORDINAL));
    let kept = kept.select(columns_except(&kept, &not_output))?;
    let mut reject_columns = columns_except(&rejects, &not_output);
    reject_columns.push(REASON.to_string());
    let rejects = rejects.select(reject_columns)?;
    Ok(Outcome { kept, rejects })
}

fn count_true(table: &DataFrame, name: &str) -> PolarsResult<u64> {
    Ok(table.column(name)?.bool()?.sum().unwrap_or(0) as u64)
}

/// The lines in input order. The order is worked out from the ordinals themselves: a sort
/// of the column may trust a sortedness flag that came with a piece of it.
fn in_input_order(lines: &DataFrame) -> PolarsResult<DataFrame> {
    let ordinals = lines.column(ORDINAL)?.u64()?;
    let mut order: Vec<(u64, IdxSize)> = ordinals
        .iter()
        .enumerate()
        .map(|(row, ordinal)| (ordinal.unwrap_or(u64::MAX), row as IdxSize))
        .collect();
    if order.is_sorted() {
        return Ok(lines.clone());
    }
    order.sort_unstable();
    let rows: Vec<IdxSize> = order.into_iter().map(|(_, row)| row).collect();
    lines.take(&IdxCa::from_vec(PlSmallStr::EMPTY, rows))
}

/// Batches as one table, each batch a chunk: copied into one buffer per column, the table
/// would be held twice at that moment.
fn concatenate(batches: Vec<DataFrame>) -> Result<DataFrame> {
    let mut batches = batches.into_iter();
    let Some(mut table) = batches.next() else {
        return Ok(DataFrame::default());
    };
    for batch in batches {
        table.vstack_mut_owned(batch)?;
    }
    Ok(table)
}

/// The frame's column names, in order, less the given ones.
fn columns_except(df: &DataFrame, excluded: &[&str]) -> Vec<String> {
    df.get_column_names()
        .into_iter()
        .filter(|name| !excluded.contains(&name.as_str()))
        .map(|name| name.to_string())
        .collect()
}

/// The lines of `df` as [`returns::net_returns`] reads them, each in the group of its customer
/// and item (numbered in `groups`, shared by the purchases and the returns).
fn netting_lines<'a>(
    df: &'a DataFrame,
    is_return: bool,
    groups: &mut HashMap<(&'a str, &'a str), u32>,
) -> Result<Vec<Line>> {
    let customers = df.column(schema::CUSTOMER_ID)?.str()?;
    let item_ids = df.column(schema::ITEM_ID)?.str()?;
    let item_names = df.column(schema::ITEM_NAME)?.str()?;
    let ts = df.column(schema::TS)?.cast(&DataType::Int64)?;
    let ts = ts.i64()?;
    let amounts = df.column(schema::AMOUNT)?.f64()?;
    let quantities = df.column(schema::QUANTITY)?.f64()?;
    let lines = customers
        .iter()
        .zip(item_ids.iter().zip(item_names.iter()))
        .zip(ts.iter().zip(amounts.iter().zip(quantities.iter())))
        .map(|((customer, (item_id, item_name)), (ts, (amount, quantity)))| {
            let key = (customer.unwrap_or(""), item_id.or(item_name).unwrap_or(""));
            let next = groups.len() as u32;
            let group = *groups.entry(key).or_insert(next);
            let amount = amount.unwrap_or(0.0);
            Line {
                group,
                ts_ms: ts.unwrap_or(i64::MIN),
                amount: if is_return { amount.abs() } else { amount },
                quantity: if is_return {
                    quantity.map(f64::abs)
                } else {
                    quantity
                },
            }
        })
        .collect();
    Ok(lines)
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

    let mut groups: HashMap<(&str, &str), u32> = HashMap::new();
    let purchase_lines = netting_lines(&purchases, false, &mut groups)?;
    let return_lines = netting_lines(&returned, true, &mut groups)?;
    drop(groups);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A column blank in the first batches is sampled from the later ones, up to the sample's
    /// size; other columns keep their name and type.
    #[test]
    fn the_sample_reaches_values_past_the_first_batch() {
        let mut sample = ValueSample::default();
        let blank: Vec<Option<&str>> = vec![None; 500];
        let first = df!["contact" => blank.clone(), "amount" => vec![1.0; 500]].unwrap();
        sample.add(&first);
        let emails: Vec<Option<String>> = (0..1_500).map(|i| Some(format!("p{i}@example.com"))).collect();
        let later = df!["contact" => emails, "amount" => vec![2.0; 1_500]].unwrap();
        sample.add(&later);
        let frame = sample.frame().unwrap();
        assert_eq!(frame.height(), CONTENT_SAMPLE);
        let values = frame.column("contact").unwrap().str().unwrap();
        assert_eq!(values.get(0), Some("p0@example.com"));
        assert_eq!(values.null_count(), 0);
        assert_eq!(frame.column("amount").unwrap().dtype(), &DataType::Float64);
        let found = crate::io::privacy::detect_pii(&frame);
        assert!(found.iter().any(|p| p.column == "contact"), "{found:?}");
    }
}
