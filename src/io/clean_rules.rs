//! The rules of `ckm clean` as polars expressions over the canonical table. Each removed row
//! gets a short rule name (counted in the summary) and a reason (written with the row).

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use polars::prelude::*;
use rayon::prelude::*;

use crate::io::schema::{self, CANONICAL_COLUMNS};

/// What `ckm clean` does with return lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnsPolicy {
    Drop,
    Keep,
    Net,
}

pub const REASON: &str = "reason";
pub const RULE: &str = "__ckm_rule";
pub const RETURN_FLAG: &str = "__ckm_is_return";
pub const ID_CHANGED: &str = "__ckm_id_changed";
pub const DUPLICATE: &str = "__ckm_duplicate";
/// A row's place in the input (u64, from 0): outputs and rejects keep the input's order by it
/// when the rows were cleaned in partitions.
pub const ORDINAL: &str = "__ckm_ordinal";
/// The per-row working columns the rules add; none of them reaches an output.
pub const WORKING_COLUMNS: [&str; 5] = [RULE, RETURN_FLAG, ID_CHANGED, DUPLICATE, ORDINAL];

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
/// into floats (`17850.0`) read back as the integers they were; adds [`ID_CHANGED`].
///
/// Each text column is first scanned for a value that needs it, on all cores, and only those
/// columns are rewritten: a nightly export is usually clean, and rewriting every text column
/// of 10M rows costs more than looking at them.
pub fn normalise(mut df: DataFrame) -> PolarsResult<DataFrame> {
    let height = df.height();
    let needs_trim = |name: &str| -> bool {
        df.column(name)
            .ok()
            .and_then(|c| c.str().ok())
            .is_some_and(|text| {
                text.iter().flatten().any(|v| {
                    v.is_empty() || v.starts_with(char::is_whitespace) || v.ends_with(char::is_whitespace)
                })
            })
    };
    let names: Vec<&str> = text_columns().collect();
    let to_trim: Vec<&str> = names
        .par_iter()
        .copied()
        .filter(|name| needs_trim(name))
        .collect();
    let dotted_ids = df
        .column(schema::CUSTOMER_ID)
        .ok()
        .and_then(|c| c.str().ok())
        .is_some_and(|ids| ids.iter().flatten().any(|v| v.contains('.')));
    if to_trim.is_empty() && !dotted_ids {
        df.with_column(Column::new_scalar(
            ID_CHANGED.into(),
            Scalar::new(DataType::Boolean, AnyValue::Boolean(false)),
            height,
        ))?;
        return Ok(df);
    }

    const ORIGINAL_ID: &str = "__ckm_original_id";
    let mut trimmed: Vec<Expr> = to_trim
        .iter()
        .map(|&name| {
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
    df.lazy()
        .with_columns(trimmed)
        .with_column(coalesce(&[integral, id]).alias(schema::CUSTOMER_ID))
        .with_column(
            col(ORIGINAL_ID)
                .neq_missing(col(schema::CUSTOMER_ID))
                .alias(ID_CHANGED),
        )
        .drop(cols([ORIGINAL_ID]))
        .collect()
}

/// A return or cancellation: marked `is_return`, negative quantity or amount, or an order id
/// such as `C536379` (a `C` followed by a digit, so `CA-2016-152156` is an ordinary order).
pub fn is_return(columns: &Schema) -> Expr {
    let mut flag = lit(false);
    // Marked so by the export (a platform preset) or by an earlier `clean --returns keep`.
    if columns.contains(schema::IS_RETURN) {
        flag = flag.or(col(schema::IS_RETURN)
            .cast(DataType::Boolean)
            .fill_null(lit(false)));
    }
    for number in [schema::QUANTITY, schema::AMOUNT] {
        if columns.contains(number) {
            flag = flag.or(col(number).lt(lit(0.0)).fill_null(lit(false)));
        }
    }
    if columns.contains(schema::ORDER_ID) {
        flag = flag.or(when(col(schema::ORDER_ID).str().starts_with(lit("C")))
            // The regex sees only the ids starting with C (null elsewhere).
            .then(col(schema::ORDER_ID))
            .otherwise(lit(NULL).cast(DataType::String))
            .str()
            .contains(lit(r"^C\d"), false)
            .fill_null(lit(false)));
    }
    flag
}

/// Adds [`RULE`] (u32): 0 for rows that stay, otherwise 1 + the position in [`RULES`] of the first
/// rule that removes the row. Only a small integer per row: the reason text is built later,
/// for the removed rows alone ([`reason`]).
/// Expects the [`DUPLICATE`] column of [`later_duplicates`].
pub fn classify(frame: LazyFrame, returns: ReturnsPolicy, max_ts_ms: i64) -> LazyFrame {
    let ts_ms = col(schema::TS).cast(DataType::Int64);
    let conditions: [Expr; 9] = [
        col(DUPLICATE),
        col(schema::INGEST_ISSUE).is_not_null(),
        col(schema::CUSTOMER_ID).is_null(),
        col(schema::TS).is_null(),
        // "inf" and "NaN" parse as numbers but are no amount of money.
        col(schema::AMOUNT)
            .is_null()
            .or(col(schema::AMOUNT).is_nan())
            .or(col(schema::AMOUNT).is_infinite()),
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
        when(col(schema::AMOUNT).is_null())
            .then(lit(
                "amount is missing (no amount, or no quantity and unit_price)",
            ))
            .otherwise(concat_str(
                [
                    lit("amount is not a finite number: "),
                    col(schema::AMOUNT).cast(DataType::String),
                ],
                "",
                false,
            )),
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

/// The keys are already good hashes: hashing them again would only cost time.
#[derive(Default)]
struct IdentityHasher(u64);

impl std::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

type PreHashed = std::hash::BuildHasherDefault<IdentityHasher>;

/// Rows are split by the top bits of their hash so that each partition's hash map stays
/// small enough for the CPU cache (one map over 10M rows spends its time waiting on memory),
/// and partitions run on all cores.
const PARTITION_BITS: u32 = 8;

const HASH_SLICE_ROWS: usize = 1 << 20;

/// True for each row equal in every listed column to an earlier row (an exact duplicate).
///
/// Rows are hashed column by column with polars' vectorised hashing, and only rows whose
/// hash was seen before are compared value by value: far cheaper than grouping on a struct
/// of every column, which row-encodes the whole table.
pub fn later_duplicates(df: &DataFrame, columns: &[String]) -> PolarsResult<BooleanChunked> {
    let height = df.height();
    let selected: Vec<&Column> = columns
        .iter()
        .map(|c| df.column(c))
        .collect::<PolarsResult<_>>()?;
    if selected.is_empty() {
        return Ok(BooleanChunked::full(DUPLICATE.into(), false, height));
    }
    // polars hashes a column on one thread: slices of rows hash on all of them.
    let state = PlSeedableRandomStateQuality::fixed();
    let hash_slice = |offset: usize| -> PolarsResult<Vec<u64>> {
        let mut hashes = Vec::new();
        for (i, column) in selected.iter().enumerate() {
            let slice = column.slice(offset as i64, HASH_SLICE_ROWS);
            if i == 0 {
                slice.vec_hash(state.clone(), &mut hashes)?;
            } else {
                slice.vec_hash_combine(state.clone(), &mut hashes)?;
            }
        }
        Ok(hashes)
    };
    let slices: Vec<Vec<u64>> = (0..height.div_ceil(HASH_SLICE_ROWS))
        .into_par_iter()
        .map(|s| hash_slice(s * HASH_SLICE_ROWS))
        .collect::<PolarsResult<_>>()?;
    let hashes: Vec<u64> = slices.concat();
    drop(slices);
    let rows_equal = |a: usize, b: usize| -> PolarsResult<bool> {
        for column in &selected {
            if column.get(a)? != column.get(b)? {
                return Ok(false);
            }
        }
        Ok(true)
    };

    // A stable counting sort by partition keeps rows in order inside each; hashes travel
    // with their rows so that each partition reads its own memory, not every 256th hash.
    let partition_of = |hash: u64| ((hash >> 40) & ((1 << PARTITION_BITS) - 1)) as usize;
    let mut starts = vec![0usize; (1 << PARTITION_BITS) + 1];
    for &hash in &hashes {
        starts[partition_of(hash) + 1] += 1;
    }
    for p in 1..starts.len() {
        starts[p] += starts[p - 1];
    }
    let mut next = starts.clone();
    let mut partitioned: Vec<(u64, u32)> = vec![(0, 0); height];
    for (row, &hash) in hashes.iter().enumerate() {
        let slot = &mut next[partition_of(hash)];
        // polars row indices are u32 too, so a frame cannot hold more rows than this.
        partitioned[*slot] = (hash, row as u32);
        *slot += 1;
    }
    drop(hashes);

    let duplicates_in = |rows: &[(u64, u32)]| -> PolarsResult<Vec<u32>> {
        // The first row seen for each hash; rows that only share a hash (a collision) wait in
        // `colliding` so they are compared too.
        let mut first_of: HashMap<u64, u32, PreHashed> =
            HashMap::with_capacity_and_hasher(rows.len(), PreHashed::default());
        let mut colliding: HashMap<u64, Vec<u32>, PreHashed> = HashMap::default();
        let mut found = Vec::new();
        for &(hash, row) in rows {
            match first_of.entry(hash) {
                Entry::Vacant(slot) => {
                    slot.insert(row);
                }
                Entry::Occupied(slot) => {
                    let mut seen = false;
                    for &earlier in
                        std::iter::once(slot.get()).chain(colliding.get(&hash).into_iter().flatten())
                    {
                        if rows_equal(row as usize, earlier as usize)? {
                            seen = true;
                            break;
                        }
                    }
                    if seen {
                        found.push(row);
                    } else {
                        colliding.entry(hash).or_default().push(row);
                    }
                }
            }
        }
        Ok(found)
    };
    let found: Vec<Vec<u32>> = starts
        .par_windows(2)
        .map(|w| duplicates_in(&partitioned[w[0]..w[1]]))
        .collect::<PolarsResult<_>>()?;
    let mut duplicate = vec![false; height];
    for row in found.into_iter().flatten() {
        duplicate[row as usize] = true;
    }
    Ok(BooleanChunked::from_slice(DUPLICATE.into(), &duplicate))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn brute_force(rows: &[(Option<u8>, Option<i8>)]) -> Vec<bool> {
        (0..rows.len()).map(|i| rows[..i].contains(&rows[i])).collect()
    }

    proptest! {
        #[test]
        fn later_duplicates_match_brute_force(
            rows in prop::collection::vec((prop::option::of(0u8..3), prop::option::of(-2i8..2)), 0..60)
        ) {
            let names: Vec<Option<String>> = rows.iter().map(|r| r.0.map(|v| format!("c{v}"))).collect();
            let amounts: Vec<Option<f64>> = rows.iter().map(|r| r.1.map(f64::from)).collect();
            let df = DataFrame::new(rows.len(), vec![
                Column::new("name".into(), names),
                Column::new("amount".into(), amounts),
            ]).unwrap();
            let found = later_duplicates(&df, &["name".into(), "amount".into()]).unwrap();
            let found: Vec<bool> = found.iter().map(|v| v.unwrap_or(false)).collect();
            prop_assert_eq!(found, brute_force(&rows));
        }
    }
}
