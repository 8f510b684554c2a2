//! Baskets and purchase histories from the canonical transactions: the items of each order
//! (see [`order_key`]), and each customer's orders in time order.

use anyhow::Result;
use foldhash::{HashMap, HashMapExt};
use polars::prelude::*;

use crate::error::CkmError;
use crate::io::baskets::{Baskets, ItemCodes};
use crate::io::manifest::RunRecord;
use crate::io::periods::MS_PER_DAY;
use crate::io::{self, rejects, schema, PlannedInputs};
use crate::mining::columns::TextKey;
use crate::mining::runs::{RunNumbering, NO_GROUP};
use crate::prepare::orders::{order_key, order_key_parts, ItemSource};
use crate::printer::Printer;

/// The items to mine: `--item-col`, which must exist, else a line's item_id, else its
/// item_name (see [`ItemSource`]).
pub fn item_source(planned: &PlannedInputs, wanted: Option<&str>, input: &str) -> Result<ItemSource> {
    let mut columns: Vec<String> = Vec::new();
    for plan in &planned.plans {
        for name in plan.frame.clone().collect_schema()?.iter_names() {
            if !columns.iter().any(|c| c == name.as_str()) {
                columns.push(name.to_string());
            }
        }
    }
    item_source_among(&columns, wanted, input)
}

/// [`item_source`] for an input with these columns.
pub fn item_source_among(columns: &[String], wanted: Option<&str>, input: &str) -> Result<ItemSource> {
    match wanted {
        Some(column) if columns.iter().any(|c| c == column) => Ok(ItemSource::Column(column.to_string())),
        Some(column) => Err(CkmError::invalid(format!(
            "{input}: no column '{column}' for --item-col; the table has {}",
            columns.join(", ")
        ))),
        None => ItemSource::of(|name| columns.iter().any(|have| have == name)).ok_or_else(|| {
                CkmError::invalid(format!(
                    "{input}: no item_id or item_name column; map one with --map item_id=HEADER or pick a column with --item-col"
                ))
            }),
    }
}

/// Why a line with an item is in no basket.
pub const NO_BASKET: &str = "no order_id, and no customer_id and ts to make a basket of";

const BASKET_KEY: &str = "__ckm_basket";
const ITEM: &str = "__ckm_item";
const DAY: &str = "__ckm_day";

/// True for lines whose item is missing (null or empty text).
pub fn missing_item(item: &ItemSource, columns: &Schema) -> Expr {
    let item = item.expr(columns);
    item.clone().is_null().or(item.eq(lit("")))
}

/// Why a transaction line is in no basket, or `None` when it is in one.
pub fn reject_reason(columns: &Schema, item: &ItemSource) -> Expr {
    let key = order_key(columns);
    when(missing_item(item, columns))
        .then(lit(format!("no {item}")))
        .when(key.is_null())
        .then(lit(NO_BASKET))
        .otherwise(lit(NULL).cast(DataType::String))
}

/// Baskets from the transactions table: the items per order (see [`order_key`]). Lines
/// without an item or an order are left out and counted in `skipped` (the caller writes them
/// to rejects).
pub fn baskets_from_transactions(
    planned: &PlannedInputs,
    item: &ItemSource,
    with_customers: bool,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<Baskets> {
    // The key in two parts (see `order_key_parts`) rather than as text: no string built per
    // line. `order:ID` and `day:CUSTOMER|DAY` keys of `order_key` are the two variants here.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    enum Key<'a> {
        Order(TextKey<'a>),
        Day(TextKey<'a>, i32),
    }
    let table = io::read_planned(
        planned,
        |frame, columns| {
            let [order, day] = order_key_parts(columns);
            let customer = if columns.contains(schema::CUSTOMER_ID) {
                col(schema::CUSTOMER_ID).cast(DataType::String)
            } else {
                lit(NULL).cast(DataType::String)
            };
            frame.select([
                customer.alias(CUSTOMER),
                order.alias(BASKET_KEY),
                day.alias(DAY),
                item.expr(columns).alias(ITEM),
            ])
        },
        record,
        printer,
    )?;
    let lines = table.height() as u64;
    let customers = table.column(CUSTOMER)?.str()?;
    let orders = table.column(BASKET_KEY)?.str()?;
    let days = table.column(DAY)?.cast(&DataType::Int32)?;
    let days = days.i32()?;
    let items = table.column(ITEM)?.str()?;
    let mut codes = ItemCodes::default();
    // Items looked up by a key cheaper to hash and compare than their text.
    let mut item_code: HashMap<TextKey, u32> = HashMap::new();
    let mut skipped = 0u64;
    // Each line's basket (see `RunNumbering`), and its item.
    let mut numbering = RunNumbering::with_lines(table.height());
    let mut line_items: Vec<u32> = Vec::with_capacity(table.height());
    // Each basket's customer only `with_customers` (a policy's min_group counts the
    // customers behind a rule): numbering the customers costs a hash per line.
    let mut customer_code: HashMap<TextKey, u32> = HashMap::new();
    let mut line_customers: Vec<u32> = Vec::new();
    let lines_of = customers
        .iter()
        .zip(orders.iter())
        .zip(days.iter())
        .zip(items.iter());
    for (((customer, order), day), item) in lines_of {
        let key = match (order, customer, day) {
            (Some(order), _, _) => Key::Order(TextKey::of(order)),
            (None, Some(customer), Some(day)) => Key::Day(TextKey::of(customer), day),
            _ => {
                skipped += 1;
                numbering.push(None);
                continue;
            }
        };
        let Some(item) = item.filter(|item| !item.is_empty()) else {
            skipped += 1;
            numbering.push(None);
            continue;
        };
        let code = *item_code
            .entry(TextKey::of(item))
            .or_insert_with(|| codes.code(item));
        numbering.push(Some(key));
        line_items.push(code);
        if with_customers {
            let next = customer_code.len() as u32;
            line_customers.push(match customer {
                Some(c) => *customer_code.entry(TextKey::of(c)).or_insert(next),
                None => NO_GROUP,
            });
        }
    }
    let (basket_of_line, count) = numbering.finish();
    let mut baskets: Vec<Vec<u32>> = vec![Vec::new(); count];
    for (b, code) in basket_of_line.iter().filter(|&&b| b != NO_GROUP).zip(line_items) {
        baskets[*b as usize].push(code);
    }
    let mut basket_customers = Vec::new();
    if with_customers {
        // A basket's customer is its first line's (an order has one customer).
        basket_customers = vec![NO_GROUP; count];
        for (b, c) in basket_of_line
            .iter()
            .filter(|&&b| b != NO_GROUP)
            .zip(line_customers)
        {
            if basket_customers[*b as usize] == NO_GROUP {
                basket_customers[*b as usize] = c;
            }
        }
    }
    let mut data = Baskets::new(codes.names, baskets, lines, skipped);
    data.customers = basket_customers;
    Ok(data.numbered_by_name())
}

/// Customers' order histories for sequence mining, with names for customers and items.
pub struct Histories {
    pub items: Vec<String>,
    pub histories: Vec<crate::mining::sequences::History>,
    pub lines: u64,
    /// Lines without a customer, an item or a timestamp (the caller writes them to rejects).
    pub skipped: u64,
}

const CUSTOMER: &str = "__ckm_customer";
const TS_MS: &str = "__ckm_ts";
const ORDER: &str = "__ckm_order";

/// Why a line is in no customer's history (sequences), or `None`.
pub fn history_reject_reason(columns: &Schema, item: &ItemSource) -> Expr {
    rejects::first_reason([
        (missing_item(item, columns), format!("no {item}")),
        (col(schema::CUSTOMER_ID).is_null(), "no customer_id".into()),
        (col(schema::TS).is_null(), "no ts".into()),
    ])
}

/// Each customer's orders (see [`order_key`]) in time order, each dated by its earliest line,
/// ties by order key.
pub fn histories_from_transactions(
    planned: &PlannedInputs,
    item: &ItemSource,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<Histories> {
    let table = io::read_planned(
        planned,
        |frame, columns| {
            frame.select([
                col(schema::CUSTOMER_ID).cast(DataType::String).alias(CUSTOMER),
                col(schema::TS).cast(DataType::Int64).alias(TS_MS),
                order_key(columns).alias(ORDER),
                item.expr(columns).alias(ITEM),
            ])
        },
        record,
        printer,
    )?;
    let lines = table.height() as u64;
    let customers = table.column(CUSTOMER)?.str()?;
    let times = table.column(TS_MS)?.i64()?;
    let orders = table.column(ORDER)?.str()?;
    let items = table.column(ITEM)?.str()?;
    let mut codes = ItemCodes::default();
    let mut customer_codes = ItemCodes::default();
    // Per customer: (order key, time, item) for each line.
    let mut lines_of: Vec<Vec<(&str, i64, u32)>> = Vec::new();
    let mut skipped = 0u64;
    for (((customer, ts), order), item) in customers
        .iter()
        .zip(times.iter())
        .zip(orders.iter())
        .zip(items.iter())
    {
        // A line with a customer and a time always has an order (see `order_key`).
        let (Some(customer), Some(ts), Some(order), Some(item)) = (customer, ts, order, item) else {
            skipped += 1;
            continue;
        };
        if item.is_empty() {
            skipped += 1;
            continue;
        }
        let c = customer_codes.code(customer) as usize;
        if c == lines_of.len() {
            lines_of.push(Vec::new());
        }
        lines_of[c].push((order, ts, codes.code(item)));
    }
    let histories = lines_of
        .into_iter()
        .map(|mut lines| {
            // Each order dated by its earliest line; ties by order key.
            lines.sort_by_key(|line| line.0);
            let mut grouped: Vec<(i64, &str, Vec<u32>)> = Vec::new();
            for &(order, ts, item) in &lines {
                match grouped.last_mut() {
                    Some(last) if last.1 == order => {
                        last.0 = last.0.min(ts);
                        last.2.push(item);
                    }
                    _ => grouped.push((ts, order, vec![item])),
                }
            }
            grouped.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
            let mut history = crate::mining::sequences::History {
                days: Vec::with_capacity(grouped.len()),
                orders: Vec::with_capacity(grouped.len()),
            };
            for (ts, _, mut items) in grouped {
                items.sort_unstable();
                items.dedup();
                history.days.push(ts.div_euclid(MS_PER_DAY));
                history.orders.push(items);
            }
            history
        })
        .collect();
    Ok(Histories {
        items: codes.names,
        histories,
        lines,
        skipped,
    })
}
