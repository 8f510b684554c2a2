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
    let mut exprs: Vec<Expr> = text_columns()
        .map(|name| {
            let trimmed = col(name).str().strip_chars(lit(NULL));
            when(trimmed.clone().str().len_bytes().eq(lit(0)))
                .then(lit(NULL).cast(DataType::String))
                .otherwise(trimmed)
                .alias(name)
        })
        .collect();
    exprs.push(
        col(schema::CUSTOMER_ID)
            .neq_missing(
                col(schema::CUSTOMER_ID)
                    .str()
                    .strip_chars(lit(NULL))
                    .str()
                    .replace(lit(r"^([-+]?\d+)\.0+$"), lit("${1}"), false),
            )
            .alias(ID_CHANGED),
    );
    let frame = frame.with_columns(exprs);
    frame.with_column(
        col(schema::CUSTOMER_ID)
            .str()
            .replace(lit(r"^([-+]?\d+)\.0+$"), lit("${1}"), false)
            .alias(schema::CUSTOMER_ID),
    )
}

/// A return or cancellation: negative quantity or amount, or an order id such as `C536379`
/// (a `C` followed by a digit, so `CA-2016-152156` is an ordinary order).
pub fn is_return() -> Expr {
    col(schema::QUANTITY)
        .lt(lit(0.0))
        .fill_null(lit(false))
        .or(col(schema::AMOUNT).lt(lit(0.0)).fill_null(lit(false)))
        .or(col(schema::ORDER_ID)
            .str()
            .contains(lit(r"^C\d"), false)
            .fill_null(lit(false)))
}

/// Adds the rule and reason columns (null for rows that stay), in the documented order.
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
    let return_dropped = col(RETURN_FLAG).and(lit(returns == ReturnsPolicy::Drop));
    // Texts that quote a value are built only where their condition holds (see
    // `canonical::issue_text` for why masking afterwards would pin memory).
    let quoting = |condition: Expr, prefix: &str, value: Expr| {
        concat_str(
            [
                lit(prefix.to_string()),
                when(condition)
                    .then(value)
                    .otherwise(lit(NULL).cast(DataType::String)),
            ],
            "",
            false,
        )
    };
    let price_not_positive = col(schema::UNIT_PRICE).lt_eq(lit(0.0)).fill_null(lit(false));
    let future = ts_ms.clone().gt(lit(max_ts_ms));
    let before_1970 = ts_ms.lt(lit(0i64));
    let ts_text = col(schema::TS).cast(DataType::String);
    let conditions: [(Expr, Expr); 9] = [
        (duplicate, lit("exact duplicate of an earlier row")),
        (
            col(schema::INGEST_ISSUE).is_not_null(),
            concat_str([lit("unparseable value: "), col(schema::INGEST_ISSUE)], "", false),
        ),
        (col(schema::CUSTOMER_ID).is_null(), lit("customer_id is missing")),
        (col(schema::TS).is_null(), lit("ts (order date) is missing")),
        (
            col(schema::AMOUNT).is_null(),
            lit("amount is missing (no amount, or no quantity and unit_price)"),
        ),
        (return_dropped, lit("return or cancellation (--returns drop)")),
        (
            price_not_positive.clone(),
            quoting(
                price_not_positive,
                "unit_price is not positive: ",
                col(schema::UNIT_PRICE).cast(DataType::String),
            ),
        ),
        (
            future.clone(),
            quoting(future, "timestamp is in the future: ", ts_text.clone()),
        ),
        (
            before_1970.clone(),
            quoting(before_1970, "timestamp is before 1970: ", ts_text),
        ),
    ];
    let mut rule = when(conditions[0].0.clone())
        .then(lit(RULES[0]))
        .when(conditions[1].0.clone())
        .then(lit(RULES[1]));
    let mut reason = when(conditions[0].0.clone())
        .then(conditions[0].1.clone())
        .when(conditions[1].0.clone())
        .then(conditions[1].1.clone());
    for (i, (condition, text)) in conditions.iter().enumerate().skip(2) {
        rule = rule.when(condition.clone()).then(lit(RULES[i]));
        reason = reason.when(condition.clone()).then(text.clone());
    }
    frame.with_columns([
        rule.otherwise(lit(NULL).cast(DataType::String)).alias(RULE),
        reason.otherwise(lit(NULL).cast(DataType::String)).alias(REASON),
    ])
}
