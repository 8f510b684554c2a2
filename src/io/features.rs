//! Per-customer features from the canonical transactions table, as a polars lazy group-by that
//! runs in the same streaming pass as the read: the lines are never all in memory at once.

use polars::prelude::*;

use crate::io::schema;

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

/// The aggregation, one row per customer id (lines without a customer id form one group with
/// a null id, which the caller reports and leaves out).
///
/// Frequency counts distinct orders; a customer whose lines carry no order id at all counts
/// distinct purchase days instead. Amounts of lines without a timestamp still count in
/// monetary; only the dates ignore them.
pub fn aggregate(frame: LazyFrame, columns: &Schema) -> LazyFrame {
    let has = |name: &str| columns.contains(name);
    let days = col(schema::TS).drop_nulls().dt().date().n_unique();
    let frequency = if has(schema::ORDER_ID) {
        when(col(schema::ORDER_ID).null_count().eq(len()))
            .then(days)
            .otherwise(col(schema::ORDER_ID).drop_nulls().n_unique())
    } else {
        days
    };
    let amount = if has(schema::AMOUNT) {
        col(schema::AMOUNT)
    } else {
        col(schema::QUANTITY) * col(schema::UNIT_PRICE)
    };
    let mut aggregations = vec![
        len().cast(DataType::UInt64).alias(LINES),
        col(schema::TS)
            .null_count()
            .cast(DataType::UInt64)
            .alias(LINES_WITHOUT_TS),
        col(schema::TS).min().alias(FIRST_PURCHASE),
        col(schema::TS).max().alias(LAST_PURCHASE),
        frequency.cast(DataType::UInt64).alias(FREQUENCY),
        amount.sum().alias(MONETARY),
    ];
    let item = [schema::ITEM_ID, schema::ITEM_NAME].into_iter().find(|c| has(c));
    if let Some(item) = item {
        aggregations.push(
            col(item)
                .drop_nulls()
                .n_unique()
                .cast(DataType::UInt64)
                .alias(DISTINCT_ITEMS),
        );
    }
    if has(schema::CHANNEL) {
        aggregations.push(
            col(schema::CHANNEL)
                .drop_nulls()
                .n_unique()
                .cast(DataType::UInt64)
                .alias(CHANNELS),
        );
    }
    if has(schema::IS_RETURN) {
        aggregations.push(
            col(schema::IS_RETURN)
                .cast(DataType::Float64)
                .mean()
                .alias(RETURN_RATE),
        );
    }
    frame.group_by([col(schema::CUSTOMER_ID)]).agg(aggregations)
}

/// The features that depend on the as-of date, added to the aggregated table, which is then
/// sorted by customer id (group order varies from run to run; results must not).
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
        .sort([schema::CUSTOMER_ID], SortMultipleOptions::default())
        .collect()
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
