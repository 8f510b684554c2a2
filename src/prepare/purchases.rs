//! Purchase lines as numbers, for recommenders: who bought which item, in which order, when;
//! and each customer's distinct items, what a recommender fitted on everything learns from.

use anyhow::Result;
use foldhash::{HashMap, HashMapExt};
use polars::prelude::*;

use crate::analyses::recommendations::Lines;
use crate::io::baskets::ItemCodes;
use crate::io::manifest::RunRecord;
use crate::io::{self, schema, PlannedInputs};
use crate::mining::collaborative::Purchases;
use crate::mining::columns::TextKey;
use crate::mining::runs::{RunNumbering, NO_GROUP};
use crate::prepare::orders::{order_key, ItemSource};
use crate::printer::Printer;

/// The customers, orders, items and times of the purchase lines, as numbers: `customer[k]`
/// indexes `customer_ids`, `item[k]` `item_names`, `order[k]` is below `orders`.
pub struct PurchaseLines {
    pub customer_ids: Vec<String>,
    pub item_names: Vec<String>,
    pub orders: usize,
    pub customer: Vec<u32>,
    pub order: Vec<u32>,
    pub item: Vec<u32>,
    /// Milliseconds since 1970.
    pub time: Vec<i64>,
    /// Lines read, and those left out (no customer, item or time): the caller writes them to
    /// rejects, by [`crate::prepare::baskets::history_reject_reason`].
    pub lines_in: u64,
    pub skipped: u64,
}

impl PurchaseLines {
    pub fn lines(&self) -> Lines<'_> {
        Lines {
            customer: &self.customer,
            order: &self.order,
            item: &self.item,
            time: &self.time,
            customers: self.customer_ids.len(),
            orders: self.orders,
            item_names: &self.item_names,
        }
    }
}

/// Reads the lines with a customer, an item (`item_source`) and a time; orders are
/// [`order_key`]'s.
pub fn purchase_lines(
    planned: &PlannedInputs,
    item_source: &ItemSource,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<PurchaseLines> {
    let table = io::read_planned(
        planned,
        |frame, columns| {
            frame.select([
                col(schema::CUSTOMER_ID).cast(DataType::String),
                item_source.expr(columns).alias("__ckm_item"),
                col(schema::TS).cast(DataType::Int64).alias("__ckm_ts"),
                order_key(columns).alias("__ckm_order"),
            ])
        },
        record,
        printer,
    )?;
    let ids = table.column(schema::CUSTOMER_ID)?.str()?;
    let line_items = table.column("__ckm_item")?.str()?;
    let times = table.column("__ckm_ts")?.i64()?;
    let order_keys = table.column("__ckm_order")?.str()?;
    let (mut customers, mut items) = (ItemCodes::default(), ItemCodes::default());
    let mut orders: HashMap<&str, u32> = HashMap::new();
    let (mut customer, mut order, mut item, mut time) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut skipped = 0u64;
    for (((id, name), ts), key) in ids
        .iter()
        .zip(line_items.iter())
        .zip(times.iter())
        .zip(order_keys.iter())
    {
        match (id, name, ts, key) {
            // With a customer and a time a line always has an order key (its day's).
            (Some(id), Some(name), Some(ts), Some(key)) if !name.is_empty() => {
                customer.push(customers.code(id));
                let next = orders.len() as u32;
                order.push(*orders.entry(key).or_insert(next));
                item.push(items.code(name));
                time.push(ts);
            }
            _ => skipped += 1,
        }
    }
    Ok(PurchaseLines {
        customer_ids: customers.names,
        item_names: items.names,
        orders: orders.len(),
        customer,
        order,
        item,
        time,
        lines_in: table.height() as u64,
        skipped,
    })
}

/// Each customer's distinct items (of the lines with a customer, an item and a time), with
/// customers and items numbered in name order, so that the same lines give the same numbers
/// wherever they were grouped (here or on a Spark cluster).
pub struct CustomerItems {
    pub customer_ids: Vec<String>,
    pub item_names: Vec<String>,
    /// `purchases.baskets[c]` is `customer_ids[c]`'s.
    pub purchases: Purchases,
    /// Lines read.
    pub lines_in: u64,
    /// One customer in this many was kept ([`in_sample`]); 1: all.
    pub one_in: u64,
}

/// The customers a recommender learns from at most about this many lines of: beyond it, one
/// customer in ⌈lines / this⌉ is kept ([`in_sample`]), with all her lines. A sample of a
/// few hundred thousand customers tells which items go together as well as all of them, and
/// grouping every line by customer was the report's slowest analysis on 50M lines.
pub const LINES_TO_LEARN_FROM: u64 = 10_000_000;

/// One customer in how many is kept for `lines` lines.
pub fn sample_rate(lines: u64) -> u64 {
    lines.div_ceil(LINES_TO_LEARN_FROM).max(1)
}

/// Whether the customer with this id is in the sample of one in `one_in`: by a hash of the
/// id with a fixed seed, so the same customers are kept in every run and wherever the lines
/// were grouped.
pub fn in_sample(id: &str, one_in: u64) -> bool {
    use std::hash::BuildHasher;
    one_in <= 1 || foldhash::fast::FixedState::with_seed(0x636b_6d5f_7265_6373).hash_one(id) % one_in == 0
}

impl CustomerItems {
    /// Renumbers customers and items in name order; `baskets[c]` holds codes into
    /// `item_names` and is `customer_ids[c]`'s.
    pub fn in_name_order(
        customer_ids: Vec<String>,
        item_names: Vec<String>,
        baskets: Vec<Vec<u32>>,
        lines_in: u64,
        one_in: u64,
    ) -> CustomerItems {
        let mut items: Vec<u32> = (0..item_names.len() as u32).collect();
        items.sort_unstable_by(|&a, &b| item_names[a as usize].cmp(&item_names[b as usize]));
        let mut code = vec![0u32; item_names.len()];
        for (new, &old) in items.iter().enumerate() {
            code[old as usize] = new as u32;
        }
        let mut customers: Vec<usize> = (0..customer_ids.len()).collect();
        customers.sort_unstable_by(|&a, &b| customer_ids[a].cmp(&customer_ids[b]));
        let mut baskets = baskets;
        let renumbered: Vec<Vec<u32>> = customers
            .iter()
            .map(|&c| {
                std::mem::take(&mut baskets[c])
                    .into_iter()
                    .map(|i| code[i as usize])
                    .collect()
            })
            .collect();
        let (mut customer_ids, mut item_names) = (customer_ids, item_names);
        let customer_ids = customers
            .iter()
            .map(|&c| std::mem::take(&mut customer_ids[c]))
            .collect();
        let item_names: Vec<String> = items
            .iter()
            .map(|&i| std::mem::take(&mut item_names[i as usize]))
            .collect();
        let count = item_names.len();
        CustomerItems {
            customer_ids,
            item_names,
            purchases: Purchases::new(renumbered, count),
            lines_in,
            one_in,
        }
    }
}

/// [`CustomerItems`] of the lines here, of the customers in the sample for their number
/// ([`sample_rate`]).
pub fn customer_items(
    planned: &PlannedInputs,
    item_source: &ItemSource,
    record: &mut RunRecord,
    printer: &Printer,
) -> Result<CustomerItems> {
    let table = io::read_planned(
        planned,
        |frame, columns| {
            let item = item_source.expr(columns);
            frame.select([
                col(schema::CUSTOMER_ID).cast(DataType::String),
                item.clone().alias("__ckm_item"),
                (col(schema::CUSTOMER_ID)
                    .is_not_null()
                    .and(item.clone().is_not_null())
                    .and(item.neq(lit("")))
                    .and(col(schema::TS).is_not_null()))
                .alias("__ckm_kept"),
            ])
        },
        record,
        printer,
    )?;
    let one_in = sample_rate(table.height() as u64);
    let ids = table.column(schema::CUSTOMER_ID)?.str()?;
    let line_names = table.column("__ckm_item")?.str()?;
    let kept = table.column("__ckm_kept")?.bool()?;
    // Customers numbered run by run and items by a key cheaper to hash than their text, as
    // the baskets are (`baskets_from_transactions`).
    let mut customer_of_line = RunNumbering::with_lines(table.height());
    let mut item_code: HashMap<TextKey, u32> = HashMap::new();
    let mut item_names: Vec<String> = Vec::new();
    let mut line_items: Vec<u32> = Vec::with_capacity(table.height());
    // The previous line's customer and whether she is in the sample: lines of a customer
    // mostly come together, and the hash is worked out once per run of them.
    let mut previous: Option<(&str, bool)> = None;
    for ((id, name), keep) in ids.iter().zip(line_names.iter()).zip(kept.iter()) {
        let (Some(id), Some(name), Some(true)) = (id, name, keep) else {
            customer_of_line.push(None);
            continue;
        };
        let sampled = match previous {
            Some((last, sampled)) if last == id => sampled,
            _ => in_sample(id, one_in),
        };
        previous = Some((id, sampled));
        if !sampled {
            customer_of_line.push(None);
            continue;
        }
        customer_of_line.push(Some(TextKey::of(id)));
        line_items.push(*item_code.entry(TextKey::of(name)).or_insert_with(|| {
            item_names.push(name.to_string());
            item_names.len() as u32 - 1
        }));
    }
    let (customer_of_line, customer_count) = customer_of_line.finish();
    let mut customer_ids: Vec<Option<String>> = vec![None; customer_count];
    let mut baskets: Vec<Vec<u32>> = vec![Vec::new(); customer_count];
    let mut next_item = line_items.into_iter();
    for (line, &c) in customer_of_line.iter().enumerate() {
        if c == NO_GROUP {
            continue;
        }
        let c = c as usize;
        if customer_ids[c].is_none() {
            customer_ids[c] = ids.get(line).map(String::from);
        }
        baskets[c].push(next_item.next().expect("an item per kept line"));
    }
    let customer_ids = customer_ids.into_iter().map(Option::unwrap_or_default).collect();
    Ok(CustomerItems::in_name_order(
        customer_ids,
        item_names,
        baskets,
        table.height() as u64,
        one_in,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_and_items_are_numbered_in_name_order() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Seen as customer "b" buying "pear" and "apple", then "a" buying "pear" twice.
        let grouped = CustomerItems::in_name_order(
            names(&["b", "a"]),
            names(&["pear", "apple"]),
            vec![vec![0, 1], vec![0, 0]],
            4,
            1,
        );
        assert_eq!(grouped.customer_ids, names(&["a", "b"]));
        assert_eq!(grouped.item_names, names(&["apple", "pear"]));
        assert_eq!(grouped.purchases.baskets, vec![vec![1], vec![0, 1]]);
        assert_eq!(grouped.purchases.items, 2);
    }

    #[test]
    fn the_sample_is_one_customer_in_n_by_id() {
        assert_eq!(sample_rate(0), 1);
        assert_eq!(sample_rate(LINES_TO_LEARN_FROM), 1);
        assert_eq!(sample_rate(LINES_TO_LEARN_FROM + 1), 2);
        assert_eq!(sample_rate(5 * LINES_TO_LEARN_FROM), 5);
        let ids: Vec<String> = (0..100_000).map(|i| format!("C{i:07}")).collect();
        assert!(ids.iter().all(|id| in_sample(id, 1)));
        let kept = ids.iter().filter(|id| in_sample(id, 5)).count();
        // A fifth, within a few standard deviations (126).
        assert!((19_500..=20_500).contains(&kept), "{kept}");
        // The same ids every time.
        let again = ids.iter().filter(|id| in_sample(id, 5)).count();
        assert_eq!(kept, again);
    }
}
