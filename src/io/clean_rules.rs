//! The rules of `ckm clean` as polars expressions over the canonical table. Each removed row
//! gets a short rule name (counted in the summary) and a reason (written with the row).

use polars::prelude::*;

use crate::cli::ReturnsPolicy;
use crate::io::schema::{self, CANONICAL_COLUMNS};

pub const REASON: &str = "reason";
pub const RULE: &str = "__ckm_rule";
pub const RETURN_FLAG: &str = "__ckm_is_return";
pub const ID_CHANGED: &str = "__ckm_id_changed";

/// The rule names, in the order they are applied and reported.
pub const RULES: &[&str] = &[
    "exact duplicate",
    "unparseable value",
    "missing customer_id",
    "missing ts",
    "missing amount",
    "return or cancellation",
    "non-positive unit_price",
    "timestamp in the future",
    "timestamp before 1970",
];

fn text_columns() -> impl Iterator<Item = &'static str> {
    CANONICAL_COLUMNS
        .iter()
        .filter(|c| c.kind == schema::ColumnKind::Text)
        .map(|c| c.name)
}

/// Whitespace trimmed (blank becomes missing) and customer ids that a spreadsheet turned
/// into floats (`17850.0`) read back as the integers they were.
pub fn normalise(frame: LazyFrame) -> LazyFrame {
    const ORIGINAL_ID: &str = "__ckm_original_id";
    let mut trimmed: Vec<Expr> = text_columns()
        .map(|name| {
            let trimmed = col(name).str().strip_chars(lit(NULL));
            when(trimmed.clone().str().len_bytes().eq(lit(0)))
                .then(lit(NULL).cast(DataType::String))
                .otherwise(trimmed)
                .alias(name)
        })
        .collect();
    trimmed.push(col(schema::CUSTOMER_ID).alias(ORIGINAL_ID));
    // The regex runs only on ids with a dot in them (null elsewhere), not on every row.
    let id = col(schema::CUSTOMER_ID);
    let dotted = when(id.clone().str().contains_literal(lit(".")))
        .then(id.clone())
        .otherwise(lit(NULL).cast(DataType::String));
    let integral = dotted.str().replace(lit(r"^([-+]?\d+)\.0+$"), lit("${1}"), false);
    frame
        .with_columns(trimmed)
        .with_column(coalesce(&[integral, id]).alias(schema::CUSTOMER_ID))
        .with_column(
            col(ORIGINAL_ID)
                .neq_missing(col(schema::CUSTOMER_ID))
                .alias(ID_CHANGED),
        )
        .drop(cols([ORIGINAL_ID]))
}

/// A return or cancellation: negative quantity or amount, or an order id such as `C536379`
/// (a `C` followed by a digit, so `CA-2016-152156` is an ordinary order).
pub fn is_return() -> Expr {
    col(schema::QUANTITY)
        .lt(lit(0.0))
        .fill_null(lit(false))
        .or(col(schema::AMOUNT).lt(lit(0.0)).fill_null(lit(false)))
        .or(when(col(schema::ORDER_ID).str().starts_with(lit("C")))
            // The regex sees only the ids starting with C (null elsewhere).
            .then(col(schema::ORDER_ID))
            .otherwise(lit(NULL).cast(DataType::String))
            .str()
            .contains(lit(r"^C\d"), false)
            .fill_null(lit(false)))
}

/// Adds [`RULE`] (u32): 0 for rows that stay, otherwise 1 + the position in [`RULES`] of the first
/// rule that removes the row. Only a small integer per row: the reason text is built later,
/// for the removed rows alone ([`reason`]).
pub fn classify(
    frame: LazyFrame,
    content_columns: &[String],
    returns: ReturnsPolicy,
    max_ts_ms: i64,
) -> LazyFrame {
    let duplicate = as_struct(content_columns.iter().map(|c| col(c.as_str())).collect())
        .is_first_distinct()
        .not();
    let ts_ms = col(schema::TS).cast(DataType::Int64);
    let conditions: [Expr; 9] = [
        duplicate,
        col(schema::INGEST_ISSUE).is_not_null(),
        col(schema::CUSTOMER_ID).is_null(),
        col(schema::TS).is_null(),
        col(schema::AMOUNT).is_null(),
        col(RETURN_FLAG).and(lit(returns == ReturnsPolicy::Drop)),
        col(schema::UNIT_PRICE).lt_eq(lit(0.0)).fill_null(lit(false)),
        ts_ms.clone().gt(lit(max_ts_ms)),
        ts_ms.lt(lit(0i64)),
    ];
    let mut rule = when(conditions[0].clone())
        .then(lit(1u32))
        .when(conditions[1].clone())
        .then(lit(2u32));
    for (i, condition) in conditions.iter().enumerate().skip(2) {
        rule = rule.when(condition.clone()).then(lit(i as u32 + 1));
    }
    frame.with_column(rule.otherwise(lit(0u32)).cast(DataType::UInt32).alias(RULE))
}

/// The reason text of a removed row, from its [`RULE`].
pub fn reason() -> Expr {
    let ts_text = col(schema::TS).cast(DataType::String);
    let texts: [Expr; 9] = [
        lit("exact duplicate of an earlier row"),
        concat_str([lit("unparseable value: "), col(schema::INGEST_ISSUE)], "", false),
        lit("customer_id is missing"),
        lit("ts (order date) is missing"),
        lit("amount is missing (no amount, or no quantity and unit_price)"),
        lit("return or cancellation (--returns drop)"),
        concat_str(
            [
                lit("unit_price is not positive: "),
                col(schema::UNIT_PRICE).cast(DataType::String),
            ],
            "",
            false,
        ),
        concat_str([lit("timestamp is in the future: "), ts_text.clone()], "", false),
        concat_str([lit("timestamp is before 1970: "), ts_text], "", false),
    ];
    let is_rule = |i: usize| col(RULE).eq(lit(i as u32 + 1));
    let mut text = when(is_rule(0))
        .then(texts[0].clone())
        .when(is_rule(1))
        .then(texts[1].clone());
    for (i, t) in texts.iter().enumerate().skip(2) {
        text = text.when(is_rule(i)).then(t.clone());
    }
    text.otherwise(lit(NULL).cast(DataType::String)).alias(REASON)
}
