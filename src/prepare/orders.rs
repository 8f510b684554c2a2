//! Orders and items, as every command sees them: see the module above for the definitions.

use polars::prelude::*;

use crate::io::schema;

/// A text key that is the same for the lines of one order and differs between orders:
/// `order:ID` for a line with an order id, `day:CUSTOMER|DAYS` (days since 1970-01-01, UTC)
/// for a line without one, and null for a line without an order id that also lacks the
/// customer id or the timestamp (it belongs to no order).
pub fn order_key(columns: &Schema) -> Expr {
    let customer_day = if columns.contains(schema::CUSTOMER_ID) && columns.contains(schema::TS) {
        concat_str(
            [
                lit("day:"),
                col(schema::CUSTOMER_ID).cast(DataType::String),
                lit("|"),
                col(schema::TS)
                    .dt()
                    .date()
                    .cast(DataType::Int32)
                    .cast(DataType::String),
            ],
            "",
            false,
        )
    } else {
        lit(NULL).cast(DataType::String)
    };
    if columns.contains(schema::ORDER_ID) {
        when(col(schema::ORDER_ID).is_null())
            .then(customer_day)
            .otherwise(concat_str(
                [lit("order:"), col(schema::ORDER_ID).cast(DataType::String)],
                "",
                false,
            ))
    } else {
        customer_day
    }
}

/// The orders of [`order_key`] as two key columns, for grouping lines together with their
/// customer id: the order id (null for a line without one) and, for a line without one, its
/// day (days since 1970-01-01, UTC). Grouped with the customer, they make the same groups as
/// `order_key` without building a text key for every line.
pub fn order_key_parts(columns: &Schema) -> [Expr; 2] {
    let day = col(schema::TS).dt().date().cast(DataType::Int32);
    if columns.contains(schema::ORDER_ID) {
        let order = col(schema::ORDER_ID).cast(DataType::String);
        [
            order.clone(),
            when(order.is_null())
                .then(day)
                .otherwise(lit(NULL).cast(DataType::Int32)),
        ]
    } else {
        [lit(NULL).cast(DataType::String), day]
    }
}

/// The day that makes a line without an order id part of its customer's order of that day,
/// from its timestamp in milliseconds: the day of [`order_key`] and [`order_key_parts`] (days
/// since 1970-01-01, UTC), for code that reads the timestamps itself.
pub fn order_day(ts_ms: i64) -> i64 {
    ts_ms.div_euclid(crate::io::periods::MS_PER_DAY)
}

/// Why a line belongs to no order (see [`order_key`]).
pub const NO_ORDER: &str = "no order_id and no customer_id";

/// A line's item as text: `item_id`, else `item_name`; `None` when the input has neither
/// column.
pub fn item(columns: &Schema) -> Option<Expr> {
    ItemSource::of(|name| columns.contains(name)).map(|source| source.expr(columns))
}

/// Where a command takes items from: one column (`--item-col`, or the one of item_id and
/// item_name the input has), or, when it has both, each line's item_id, else its item_name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemSource {
    Column(String),
    IdElseName,
}

impl ItemSource {
    /// The item of an input whose columns `has` tells: see [`item`].
    pub fn of(has: impl Fn(&str) -> bool) -> Option<ItemSource> {
        match (has(schema::ITEM_ID), has(schema::ITEM_NAME)) {
            (true, true) => Some(ItemSource::IdElseName),
            (true, false) => Some(ItemSource::Column(schema::ITEM_ID.into())),
            (false, true) => Some(ItemSource::Column(schema::ITEM_NAME.into())),
            (false, false) => None,
        }
    }

    /// The item as text in one input with these columns (null where it has none of them).
    pub fn expr(&self, columns: &Schema) -> Expr {
        let text = |name: &str| {
            if columns.contains(name) {
                col(name).cast(DataType::String)
            } else {
                lit(NULL).cast(DataType::String)
            }
        };
        match self {
            ItemSource::Column(name) => text(name),
            ItemSource::IdElseName => coalesce(&[text(schema::ITEM_ID), text(schema::ITEM_NAME)]),
        }
    }
}

impl std::fmt::Display for ItemSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ItemSource::Column(name) => f.write_str(name),
            ItemSource::IdElseName => write!(f, "{} or {}", schema::ITEM_ID, schema::ITEM_NAME),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(df: DataFrame) -> DataFrame {
        let columns = df.schema().clone();
        let mut selected = vec![order_key(&columns).alias("key")];
        if let Some(item) = item(&columns) {
            selected.push(item.alias("item"));
        }
        df.lazy()
            .select(selected)
            .collect()
            .expect("the test frame has the columns")
    }

    fn texts(df: &DataFrame, name: &str) -> Vec<Option<String>> {
        df.column(name)
            .expect("selected above")
            .str()
            .expect("text")
            .iter()
            .map(|v| v.map(str::to_string))
            .collect()
    }

    fn ts(values: &[Option<i64>]) -> Column {
        Int64Chunked::from_iter_options("ts".into(), values.iter().copied())
            .into_datetime(TimeUnit::Milliseconds, None)
            .into_column()
    }

    const DAY: i64 = 86_400_000;

    #[test]
    fn an_order_is_the_order_id_else_the_customers_day() {
        // 2024-03-01 is day 19783; 23:59 on it is still that day, 00:00 the next is not.
        let df = DataFrame::new(
            5,
            vec![
                Column::new(
                    "customer_id".into(),
                    [Some("c1"), Some("c1"), Some("c1"), Some("c2"), None],
                ),
                Column::new("order_id".into(), [Some("A7"), None, None, None, None]),
                ts(&[
                    Some(19783 * DAY + 3_600_000),
                    Some(19783 * DAY + DAY - 60_000),
                    Some(19784 * DAY),
                    None,
                    Some(19783 * DAY),
                ]),
            ],
        )
        .expect("columns of one length");
        assert_eq!(
            texts(&lines(df), "key"),
            vec![
                Some("order:A7".into()),
                Some("day:c1|19783".into()),
                Some("day:c1|19784".into()),
                None,
                None,
            ]
        );
    }

    /// Lines i and j are in one group of (customer, order_key_parts) exactly when they have
    /// one order_key, on a file with and without order ids on its lines.
    #[test]
    fn the_key_parts_make_the_same_groups_as_the_key() {
        let df = DataFrame::new(
            7,
            vec![
                Column::new("customer_id".into(), ["c1", "c1", "c1", "c1", "c2", "c2", "c1"]),
                Column::new(
                    "order_id".into(),
                    [Some("A"), Some("A"), None, None, Some("A"), None, Some("B")],
                ),
                ts(&[
                    Some(0),
                    Some(DAY),
                    Some(3_600_000),
                    Some(7_200_000),
                    Some(0),
                    Some(3_600_000),
                    Some(0),
                ]),
            ],
        )
        .expect("columns of one length");
        let columns = df.schema().clone();
        let [order, day] = order_key_parts(&columns);
        let keyed = df
            .lazy()
            .select([
                col("customer_id"),
                order_key(&columns).alias("key"),
                order.alias("order"),
                day.alias("day"),
            ])
            .collect()
            .expect("the test frame has the columns");
        let key = texts(&keyed, "key");
        let customer = texts(&keyed, "customer_id");
        let order = texts(&keyed, "order");
        let day: Vec<Option<i32>> = keyed
            .column("day")
            .expect("selected above")
            .i32()
            .expect("days as Int32")
            .iter()
            .collect();
        let group = |i: usize| (&customer[i], &order[i], day[i]);
        for i in 0..key.len() {
            for j in 0..key.len() {
                assert_eq!(
                    (&customer[i], &key[i]) == (&customer[j], &key[j]),
                    group(i) == group(j),
                    "lines {i} and {j}"
                );
            }
        }
    }

    #[test]
    fn without_an_order_id_column_every_order_is_a_customer_day() {
        let df = DataFrame::new(
            2,
            vec![
                Column::new("customer_id".into(), ["c1", "c1"]),
                ts(&[Some(-1), Some(0)]),
            ],
        )
        .expect("columns of one length");
        // A millisecond before 1970 is the day before it.
        assert_eq!(
            texts(&lines(df), "key"),
            vec![Some("day:c1|-1".into()), Some("day:c1|0".into())]
        );
    }

    #[test]
    fn an_item_is_the_item_id_else_the_item_name() {
        let df = DataFrame::new(
            3,
            vec![
                Column::new("customer_id".into(), ["c1", "c1", "c1"]),
                ts(&[Some(0), Some(0), Some(0)]),
                Column::new("item_id".into(), [Some("20725"), None, None]),
                Column::new("item_name".into(), [Some("LUNCH BAG"), Some("MUG"), None]),
            ],
        )
        .expect("columns of one length");
        assert_eq!(
            texts(&lines(df), "item"),
            vec![Some("20725".into()), Some("MUG".into()), None]
        );
        let names_only =
            DataFrame::new(1, vec![Column::new("item_name".into(), ["MUG"])]).expect("one column");
        assert!(item(names_only.schema()).is_some());
        let neither = DataFrame::new(1, vec![Column::new("sku_text".into(), ["x"])]).expect("one column");
        assert!(item(neither.schema()).is_none());
    }
}
