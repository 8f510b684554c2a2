//! The per-customer summary: features from the canonical transactions table, totalled batch
//! by batch as the streaming read produces them (the lines are never all in memory at once),
//! and the features that depend on an as-of date.

use anyhow::Result;
use polars::prelude::*;
use rayon::prelude::*;

use crate::io::arrow::{arrow_values, ArrowText};
use crate::io::manifest::RunRecord;
use crate::io::{self, schema, PlannedInputs};
use crate::mining::customer_totals::{CustomerTotals, LineBatch};
use crate::prepare::orders;
use crate::printer::Printer;
use polars_arrow::array::{Array, MutableBinaryViewArray, Utf8ViewArray};
use polars_arrow::bitmap::Bitmap;

pub const LINES: &str = "lines";
pub const LINES_WITHOUT_TS: &str = "lines_without_ts";
pub const FIRST_PURCHASE: &str = "first_purchase";
pub const LAST_PURCHASE: &str = "last_purchase";
pub const FREQUENCY: &str = "frequency";
pub const MONETARY: &str = "monetary";
pub const DISTINCT_ITEMS: &str = "distinct_items";
pub const CHANNELS: &str = "channels";
pub const RETURN_RATE: &str = "return_rate";
pub const RECENCY_DAYS: &str = "recency_days";
pub const AVG_ORDER_VALUE: &str = "avg_order_value";
pub const TENURE_DAYS: &str = "tenure_days";
pub const MEAN_DAYS_BETWEEN_ORDERS: &str = "mean_days_between_orders";

const MS_PER_DAY: f64 = io::periods::MS_PER_DAY as f64;

/// The per-customer totals of the planned inputs, with how many lines went in and how many
/// had no customer id (those are in no customer's totals).
pub struct CustomerTable {
    /// One row per customer id, sorted by it: LINES, LINES_WITHOUT_TS, FIRST_PURCHASE, LAST_PURCHASE,
    /// FREQUENCY, MONETARY, and DISTINCT_ITEMS, CHANNELS, RETURN_RATE when some line has an
    /// item, a channel or a return flag.
    pub customers: DataFrame,
    pub lines_in: u64,
    pub lines_without_customer: u64,
}

/// Which optional columns the input has, as the batches carry them, and whether any line so
/// far had a value in them: a column without values is no column.
#[derive(Default)]
struct Present {
    order: bool,
    item: bool,
    channel: bool,
    is_return: bool,
    item_values: bool,
    channel_values: bool,
    return_values: bool,
}

const AMOUNT_VALUE: &str = "__ckm_amount";
const ITEM: &str = "__ckm_item";

/// Reads the planned inputs in one streaming pass and totals them per customer (see
/// [`customer_totals`]): frequency counts distinct orders (see [`orders::order_key`]), items
/// are [`orders::item`]; amounts of lines without a timestamp still count in monetary, only
/// the dates ignore them.
///
/// With `before_ms`, only lines earlier than it count (lines without a timestamp then count
/// nowhere): the history as it stood at a cutoff.
pub fn customer_table(
    planned: &PlannedInputs,
    before_ms: Option<i64>,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<CustomerTable> {
    let mut tables = customer_tables(planned, &[before_ms], record, printer)?;
    Ok(tables.pop().expect("one table for one cutoff"))
}

/// [`customer_table`] as of each of several cutoffs, all from one reading of the inputs (a
/// churn model's training customers at its cutoff and its scored customers at the end).
pub fn customer_tables(
    planned: &PlannedInputs,
    cutoffs: &[Option<i64>],
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<Vec<CustomerTable>> {
    let only_cutoff = match cutoffs {
        [only] => *only,
        _ => None,
    };
    let query = |frame: LazyFrame, columns: &Schema| -> LazyFrame {
        // One cutoff is applied by the query, where the reader can skip what it excludes;
        // several are applied to each batch.
        let frame = match only_cutoff {
            Some(before) => frame.filter(col(schema::TS).cast(DataType::Int64).lt(lit(before))),
            None => frame,
        };
        let has = |name: &str| columns.contains(name);
        let amount = io::line_amount(columns);
        let mut selected = vec![
            col(schema::CUSTOMER_ID).cast(DataType::String),
            col(schema::TS).cast(DataType::Int64),
            amount.cast(DataType::Float64).alias(AMOUNT_VALUE),
        ];
        if has(schema::ORDER_ID) {
            selected.push(col(schema::ORDER_ID).cast(DataType::String));
        }
        if let Some(item) = orders::item(columns) {
            selected.push(item.alias(ITEM));
        }
        if has(schema::CHANNEL) {
            selected.push(col(schema::CHANNEL).cast(DataType::String));
        }
        if has(schema::IS_RETURN) {
            selected.push(col(schema::IS_RETURN).cast(DataType::Boolean));
        }
        frame.select(selected)
    };
    // The schema here is the query's output: the selected columns under their aliases.
    let init = |columns: &Schema| -> Vec<(Present, CustomerTotals, u64)> {
        cutoffs
            .iter()
            .map(|_| {
                let present = Present {
                    order: columns.contains(schema::ORDER_ID),
                    item: columns.contains(ITEM),
                    channel: columns.contains(schema::CHANNEL),
                    is_return: columns.contains(schema::IS_RETURN),
                    ..Present::default()
                };
                (present, CustomerTotals::new(), 0u64)
            })
            .collect()
    };
    let consume = |states: &mut Vec<(Present, CustomerTotals, u64)>, batch: DataFrame| -> PolarsResult<()> {
        if cutoffs.len() == 1 {
            let (present, totals, lines) = &mut states[0];
            return add_lines(present, totals, lines, batch);
        }
        for ((present, totals, lines), cutoff) in states.iter_mut().zip(cutoffs) {
            let lines_before = match cutoff {
                Some(before) => {
                    let earlier = batch.column(schema::TS)?.i64()?.lt(*before);
                    // Null (no time) is not earlier: such lines count before no cutoff.
                    if earlier.sum() == Some(batch.height() as IdxSize) {
                        batch.clone()
                    } else {
                        batch.filter(&earlier)?
                    }
                }
                None => batch.clone(),
            };
            add_lines(present, totals, lines, lines_before)?;
        }
        Ok(())
    };
    let states = io::read_planned_batches(planned, query, init, consume, record, printer)?;
    states
        .into_iter()
        .map(|(present, totals, lines_in)| finish_table(present, totals, lines_in))
        .collect()
}

/// Adds a batch of the query's lines to the totals.
fn add_lines(
    present: &mut Present,
    totals: &mut CustomerTotals,
    lines: &mut u64,
    batch: DataFrame,
) -> PolarsResult<()> {
    // Chunk by chunk, read where polars holds it: the columns' chunks are aligned first.
    let mut batch = batch;
    batch.align_chunks_par();
    let text = |name: &str| -> PolarsResult<Vec<&Utf8ViewArray>> {
        Ok(batch.column(name)?.str()?.downcast_iter().collect())
    };
    let customer = text(schema::CUSTOMER_ID)?;
    let ts: Vec<_> = batch.column(schema::TS)?.i64()?.downcast_iter().collect();
    let amount: Vec<_> = batch.column(AMOUNT_VALUE)?.f64()?.downcast_iter().collect();
    let order = present.order.then(|| text(schema::ORDER_ID)).transpose()?;
    let item = present.item.then(|| text(ITEM)).transpose()?;
    let channel = present.channel.then(|| text(schema::CHANNEL)).transpose()?;
    let has_values = |name: &str| -> bool { batch.column(name).is_ok_and(|c| c.null_count() < c.len()) };
    present.item_values |= present.item && has_values(ITEM);
    present.channel_values |= present.channel && has_values(schema::CHANNEL);
    present.return_values |= present.is_return && has_values(schema::IS_RETURN);
    let is_return: Option<Vec<Option<bool>>> = present
        .is_return
        .then(|| -> PolarsResult<_> { Ok(batch.column(schema::IS_RETURN)?.bool()?.iter().collect()) })
        .transpose()?;
    let mut start = 0;
    for (chunk, customer) in customer.iter().enumerate() {
        let customer = ArrowText::new(customer);
        let (order, item, channel) = (
            ArrowText::chunk_of(&order, chunk),
            ArrowText::chunk_of(&item, chunk),
            ArrowText::chunk_of(&channel, chunk),
        );
        let end = start + customer.array.len();
        totals.add(&LineBatch {
            customer: customer.views(),
            ts_ms: arrow_values(ts[chunk]),
            amount: arrow_values(amount[chunk]),
            order: order.as_ref().map(ArrowText::views),
            item: item.as_ref().map(ArrowText::views),
            channel: channel.as_ref().map(ArrowText::views),
            is_return: is_return.as_ref().map(|r| &r[start..end]),
        });
        start = end;
    }
    *lines += batch.height() as u64;
    Ok(())
}

/// The customer table of the totals.
fn finish_table(present: Present, totals: CustomerTotals, lines_in: u64) -> Result<CustomerTable> {
    let lines_without_customer = totals.lines_without_customer();
    let mut sorted = totals.finish();
    let customers = sorted.lines.len();
    // Each piece of ids becomes one chunk of the column, built on all cores.
    let mut id_chunks: Vec<Utf8ViewArray> = sorted
        .id_pieces
        .par_iter()
        .map(|(text, ends)| {
            let mut ids = MutableBinaryViewArray::<str>::with_capacity(ends.len());
            let mut start = 0;
            for &end in ends {
                ids.push_value(&text[start..end as usize]);
                start = end as usize;
            }
            ids.into()
        })
        .collect();
    if id_chunks.is_empty() {
        // No customers: still one (empty) chunk, as polars' own columns have.
        id_chunks.push(MutableBinaryViewArray::<str>::new().into());
    }
    let ids = StringChunked::from_chunk_iter(schema::CUSTOMER_ID.into(), id_chunks);
    let has_ts = std::mem::take(&mut sorted.has_ts);
    let missing_ts = has_ts.iter().any(|&has| !has);
    let validity = missing_ts.then(|| Bitmap::from_iter(has_ts.iter().copied()));
    let datetime = |name: &str, values: Vec<i64>| {
        Int64Chunked::from_vec_validity(name.into(), values, validity.clone())
            .into_datetime(TimeUnit::Milliseconds, None)
            .into_column()
    };
    let u64s = |name: &str, values: Vec<u64>| Column::new(name.into(), values);
    let mut columns = vec![
        ids.into_column(),
        u64s(LINES, std::mem::take(&mut sorted.lines)),
        u64s(LINES_WITHOUT_TS, std::mem::take(&mut sorted.lines_without_ts)),
        datetime(FIRST_PURCHASE, std::mem::take(&mut sorted.first_ms)),
        datetime(LAST_PURCHASE, std::mem::take(&mut sorted.last_ms)),
        u64s(FREQUENCY, std::mem::take(&mut sorted.frequency)),
        Column::new(MONETARY.into(), std::mem::take(&mut sorted.monetary)),
    ];
    if present.item_values {
        columns.push(u64s(DISTINCT_ITEMS, std::mem::take(&mut sorted.distinct_items)));
    }
    if present.channel_values {
        columns.push(u64s(CHANNELS, std::mem::take(&mut sorted.channels)));
    }
    if present.return_values {
        columns.push(Column::new(
            RETURN_RATE.into(),
            std::mem::take(&mut sorted.return_rate),
        ));
    }
    Ok(CustomerTable {
        customers: DataFrame::new(customers, columns)?,
        lines_in,
        lines_without_customer,
    })
}

/// The features that depend on the as-of date, added to the customer table.
pub fn with_dates(customers: DataFrame, as_of_ms: i64) -> PolarsResult<DataFrame> {
    let ms = |c: &str| col(c).cast(DataType::Int64).cast(DataType::Float64);
    let as_of = lit(as_of_ms as f64);
    customers
        .lazy()
        .with_columns([
            ((as_of.clone() - ms(LAST_PURCHASE)) / lit(MS_PER_DAY)).alias(RECENCY_DAYS),
            ((as_of - ms(FIRST_PURCHASE)) / lit(MS_PER_DAY)).alias(TENURE_DAYS),
            (col(MONETARY) / col(FREQUENCY).cast(DataType::Float64)).alias(AVG_ORDER_VALUE),
            when(col(FREQUENCY).gt(lit(1u64)))
                .then(
                    (ms(LAST_PURCHASE) - ms(FIRST_PURCHASE))
                        / lit(MS_PER_DAY)
                        / (col(FREQUENCY).cast(DataType::Float64) - lit(1.0)),
                )
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias(MEAN_DAYS_BETWEEN_ORDERS),
        ])
        .collect()
}

/// Rounds float columns for output: days and money to 4 decimals (about 9 seconds; a hundredth
/// of a cent), which drops binary noise such as 0.30000000000000004 and makes the file a
/// third smaller and faster to write. Columns that are absent are skipped.
pub fn round_for_output(df: &mut DataFrame, names: &[&str]) -> PolarsResult<()> {
    const SCALE: f64 = 1e4;
    for name in names {
        let Ok(column) = df.column(name) else {
            continue;
        };
        let rounded: Float64Chunked = column
            .f64()?
            .apply_values(|v| (v * SCALE).round() / SCALE)
            .with_name((*name).into());
        df.with_column(rounded.into_column())?;
    }
    Ok(())
}

/// Feature columns a user may cluster on, in output order.
pub const NUMERIC_FEATURES: &[&str] = &[
    RECENCY_DAYS,
    FREQUENCY,
    MONETARY,
    AVG_ORDER_VALUE,
    TENURE_DAYS,
    MEAN_DAYS_BETWEEN_ORDERS,
    DISTINCT_ITEMS,
    CHANNELS,
    RETURN_RATE,
];

/// A column as f64 values (null as NaN).
pub fn values(df: &DataFrame, name: &str) -> PolarsResult<Vec<f64>> {
    let column = df.column(name)?.cast(&DataType::Float64)?;
    let mut out = Vec::with_capacity(column.len());
    for chunk in column.f64()?.downcast_iter() {
        if chunk.null_count() == 0 {
            out.extend_from_slice(chunk.values());
        } else {
            out.extend(chunk.iter().map(|v| v.copied().unwrap_or(f64::NAN)));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables of several cutoffs read at once are the tables each cutoff reads alone,
    /// lines without a time (counted before no cutoff) included.
    #[test]
    fn several_cutoffs_in_one_reading_are_each_cutoff_read_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lines.csv");
        let mut text = String::from("customer_id,order_id,ts,amount,item_id,channel\n");
        for i in 0..3_000u32 {
            let day = 1 + i % 28;
            let month = 1 + (i / 28) % 12;
            let ts = if i % 97 == 0 {
                String::new()
            } else {
                format!("2024-{month:02}-{day:02} 10:00:00")
            };
            text.push_str(&format!(
                "c{},o{},{ts},{}.5,i{},web\n",
                i % 211,
                i / 3,
                i % 40,
                i % 13
            ));
        }
        std::fs::write(&path, text).unwrap();
        let planned =
            io::plan_inputs(&[path.display().to_string()], &io::read::ReadSettings::default()).unwrap();
        let mut record = RunRecord::new("test");
        let quiet = Printer::new(true);
        let ms = |month: u32| {
            chrono::NaiveDate::from_ymd_opt(2024, month, 15)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_millis()
        };
        let cutoffs = [Some(ms(3)), Some(ms(11)), None];
        let together = customer_tables(&planned, &cutoffs, &mut record, &quiet).unwrap();
        for (table, cutoff) in together.iter().zip(cutoffs) {
            let alone = customer_table(&planned, cutoff, &mut record, &quiet).unwrap();
            assert!(table.customers.equals_missing(&alone.customers), "{cutoff:?}");
            assert_eq!(table.lines_in, alone.lines_in, "{cutoff:?}");
        }
        assert!(together[0].lines_in < together[1].lines_in && together[1].lines_in < together[2].lines_in);
    }
}
