//! What every analysis is computed from, each defined once, from the canonical transactions
//! (a polars LazyFrame per input, as `io` plans it).
//!
//! - An **order** ([`orders::order_key`]) is a line's `order_id` where the line has one, and
//!   otherwise the customer's calendar day (UTC): decided line by line, so a file where only
//!   some lines carry order ids still counts every purchase once.
//! - An **item** ([`orders::item`]) is a line's `item_id`, else its `item_name`.
//! - An optional column **with no values** (all null, as `ckm ingest` writes the canonical
//!   columns an export lacks) is the same as an absent one: a customer summary has no
//!   `distinct_items`, `channels` or `return_rate` column when no line has an item, a channel
//!   or a return flag.
//! - The **per-customer summary** ([`summary::customer_table`]): lines, first and last
//!   purchase, orders (frequency), money, distinct items and channels, return rate.
//! - The **repeat-purchase summaries** of the BTYD models
//!   ([`repeat_purchases::summarise_transactions`]): they count purchase *days*, as the papers
//!   and lifetimes do: their clock ticks in days, so two orders on one day are one transaction.
//! - **Per-period series** ([`series::series_from_transactions`]) of revenue, quantity, orders
//!   or customers, whole or per group.
//! - **Churn features** ([`churn_features`]): the per-customer summary as of a cutoff with the
//!   spend of the 30 and 90 days before it, and whether the customer bought in a window after.
//! - **Baskets** (the items of each order) and each customer's **purchase history** (her
//!   orders in time order) ([`baskets`]).
//! - **Purchase lines** ([`purchases`]): customer, order, item and time of each line as
//!   numbers, what the recommenders learn from.
//!
//! [`spark`] holds the same definitions as Spark SQL, for `--engine spark`.

pub mod baskets;
pub mod churn_features;
pub mod clean;
pub mod lines;
pub mod order_figures;
pub mod orders;
pub mod purchases;
pub mod repeat_purchases;
pub mod series;
pub mod spark;
pub mod summary;

/// Where the lines are aggregated into the prepared data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    /// On this machine, with polars.
    Local,
    /// On a Spark cluster through Spark Connect, reading a path the cluster reads or a table.
    Spark {
        remote: crate::io::spark::Remote,
        source: spark::RemoteSource,
    },
}
