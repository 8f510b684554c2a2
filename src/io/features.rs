//! Per-customer features from the canonical transactions table, totalled batch by batch as
//! the streaming read produces them: the lines are never all in memory at once.

use anyhow::Result;
use polars::prelude::*;

use crate::io::manifest::RunRecord;
use crate::io::{self, schema, PlannedInputs};
use crate::mining::customer_totals::{CustomerTotal, CustomerTotals, LineBatch};
use crate::printer::Printer;

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

const MS_PER_DAY: f64 = 86_400_000.0;

/// The per-customer totals of the planned inputs, with how many lines went in and how many
/// had no customer id (those are in no customer's totals).
pub struct CustomerTable {
    /// One row per customer id, sorted by it: LINES, LINES_WITHOUT_TS, FIRST_PURCHASE, LAST_PURCHASE,
    /// FREQUENCY, MONETARY, and DISTINCT_ITEMS, CHANNELS, RETURN_RATE when the input has
    /// items, channels or return flags.
    pub customers: DataFrame,
    pub lines_in: u64,
    pub lines_without_customer: u64,
}

/// Which optional columns the input has, as the batches carry them.
struct Present {
    order: bool,
    item: Option<&'static str>,
    channel: bool,
    is_return: bool,
}

const AMOUNT_VALUE: &str = "__ckm_amount";

/// Reads the planned inputs in one streaming pass and totals them per customer (see
/// [`customer_totals`]): frequency counts distinct orders, or distinct purchase days for a
/// customer whose lines carry no order id at all; amounts of lines without a timestamp still
/// count in monetary, only the dates ignore them.
///
/// With `before_ms`, only lines earlier than it count (lines without a timestamp then count
/// nowhere): the history as it stood at a cutoff.
pub fn customer_table(
    planned: &PlannedInputs,
    before_ms: Option<i64>,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<CustomerTable> {
    let query = |frame: LazyFrame, columns: &Schema| -> LazyFrame {
        let frame = match before_ms {
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
        let item = [schema::ITEM_ID, schema::ITEM_NAME].into_iter().find(|c| has(c));
        for name in [Some(schema::ORDER_ID), item, Some(schema::CHANNEL)]
            .into_iter()
            .flatten()
        {
            if has(name) {
                selected.push(col(name).cast(DataType::String));
            }
        }
        if has(schema::IS_RETURN) {
            selected.push(col(schema::IS_RETURN).cast(DataType::Boolean));
        }
        frame.select(selected)
    };
    let init = |columns: &Schema| {
        let present = Present {
            order: columns.contains(schema::ORDER_ID),
            item: [schema::ITEM_ID, schema::ITEM_NAME]
                .into_iter()
                .find(|c| columns.contains(c)),
            channel: columns.contains(schema::CHANNEL),
            is_return: columns.contains(schema::IS_RETURN),
        };
        (present, CustomerTotals::new(), 0u64)
    };
    let consume = |(present, totals, lines): &mut (Present, CustomerTotals, u64),
                   batch: DataFrame|
     -> PolarsResult<()> {
        let text = |name: &str| -> PolarsResult<Vec<Option<&str>>> {
            let values = batch.column(name)?.str()?;
            let mut out = Vec::with_capacity(values.len());
            for chunk in values.downcast_iter() {
                out.extend(chunk.iter());
            }
            Ok(out)
        };
        let customer = text(schema::CUSTOMER_ID)?;
        let ts: Vec<Option<i64>> = batch.column(schema::TS)?.i64()?.iter().collect();
        let amount: Vec<Option<f64>> = batch.column(AMOUNT_VALUE)?.f64()?.iter().collect();
        let order = present.order.then(|| text(schema::ORDER_ID)).transpose()?;
        let item = present.item.map(text).transpose()?;
        let channel = present.channel.then(|| text(schema::CHANNEL)).transpose()?;
        let is_return: Option<Vec<Option<bool>>> = present
            .is_return
            .then(|| -> PolarsResult<_> { Ok(batch.column(schema::IS_RETURN)?.bool()?.iter().collect()) })
            .transpose()?;
        totals.add(&LineBatch {
            customer: &customer,
            ts_ms: &ts,
            amount: &amount,
            order: order.as_deref(),
            item: item.as_deref(),
            channel: channel.as_deref(),
            is_return: is_return.as_deref(),
        });
        *lines += batch.height() as u64;
        Ok(())
    };
    let (present, totals, lines_in) =
        io::read_planned_batches(planned, query, init, consume, record, printer)?;
    let lines_without_customer = totals.lines_without_customer();
    let sorted = totals.finish();
    let totals = &sorted.totals;
    let u64s = |name: &str, f: &dyn Fn(&CustomerTotal) -> u64| {
        Column::new(name.into(), totals.iter().map(f).collect::<Vec<u64>>())
    };
    let datetime = |name: &str, f: &dyn Fn(&CustomerTotal) -> Option<i64>| {
        Column::new(name.into(), totals.iter().map(f).collect::<Vec<Option<i64>>>())
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
    };
    let mut columns = vec![
        Column::new(schema::CUSTOMER_ID.into(), sorted.ids().collect::<Vec<_>>()),
        u64s(LINES, &|t| t.lines),
        u64s(LINES_WITHOUT_TS, &|t| t.lines_without_ts),
        datetime(FIRST_PURCHASE, &|t| t.first_ms)?,
        datetime(LAST_PURCHASE, &|t| t.last_ms)?,
        u64s(FREQUENCY, &|t| t.frequency),
        Column::new(
            MONETARY.into(),
            totals.iter().map(|t| t.monetary).collect::<Vec<f64>>(),
        ),
    ];
    if present.item.is_some() {
        columns.push(u64s(DISTINCT_ITEMS, &|t| t.distinct_items));
    }
    if present.channel {
        columns.push(u64s(CHANNELS, &|t| t.channels));
    }
    if present.is_return {
        columns.push(Column::new(
            RETURN_RATE.into(),
            totals.iter().map(|t| t.return_rate).collect::<Vec<Option<f64>>>(),
        ));
    }
    Ok(CustomerTable {
        customers: DataFrame::new(totals.len(), columns)?,
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
    Ok(column.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}
