//! Turning a raw source frame into the canonical transactions table.
//!
//! Nothing is dropped here: a value that cannot be parsed becomes null and the row gets an
//! `ingest_issue` naming the column and the original text, so `ckm clean` can reject it with
//! a reason and the row accounting holds end to end.

use std::collections::BTreeMap;

use anyhow::Result;
use polars::prelude::*;

use crate::error::CkmError;
use crate::io::dates::{self, DateChoice, DateFormat};
use crate::io::local_time;
use crate::io::presets::{self, Preset, PresetChoice};
use crate::io::read::{self, Source, RAW_ROW_INDEX};
use crate::io::schema::{self, ColumnKind, ColumnMapping, CANONICAL_COLUMNS};
use crate::mining::identity::normalise_email;

/// How many leading rows of the time column are looked at to choose its date format.
/// Day-first dates show themselves (a day above 12) within a fortnight of data.
const DATE_SAMPLE_ROWS: u32 = 20_000;
/// Original text quoted in an issue is cut to this many characters.
const QUOTED_VALUE_CHARS: i64 = 60;

pub struct CanonicalOptions {
    pub overrides: BTreeMap<&'static str, String>,
    pub preset: PresetChoice,
    pub email_ids_allowed: bool,
    pub dayfirst: bool,
    pub date_format: Option<String>,
    /// Several inputs go into one table: each row says which file it came from.
    pub tag_source_file: bool,
}

/// One source's plan: the mapping chosen, how dates are read, and the lazy canonical frame.
pub struct SourcePlan {
    pub mapping: ColumnMapping,
    /// How the time column's text is read, when it is text.
    pub date_format: Option<DateFormat>,
    pub warnings: Vec<String>,
    pub frame: LazyFrame,
}

/// The mapping for a raw frame, or the exit-code-3 error saying what is missing.
pub fn mapping_for(
    source: &Source,
    raw: &mut LazyFrame,
    options: &CanonicalOptions,
) -> Result<ColumnMapping> {
    let display = &source.spec.display;
    let schema = raw
        .collect_schema()
        .map_err(|e| CkmError::invalid(format!("{display}: cannot read its header: {e}")))?;
    let headers: Vec<String> = schema
        .iter_names()
        .filter(|n| n.as_str() != RAW_ROW_INDEX)
        .map(|n| n.to_string())
        .collect();
    let mut mapping = schema::map_columns(&headers, &options.overrides)
        .map_err(|e| CkmError::usage(format!("{display}: {e}")))?;
    let preset = match options.preset {
        PresetChoice::Off => None,
        PresetChoice::Named(preset) => Some(preset),
        PresetChoice::Detect => presets::detect(&headers),
    };
    match preset {
        Some(preset) => {
            apply_preset(preset, &headers, options, &mut mapping, display)?;
            // The column itself is added where the frame is planned (`with_preset_columns`).
            if local_time_headers(preset, &headers).is_some() && !options.overrides.contains_key(schema::TS) {
                mapping.assign(schema::TS, LOCAL_TIME, schema::MatchReason::Preset(preset.name));
            }
            if let Some(packed) = &preset.packed_lines {
                map_packed_lines(preset, packed, &headers, options, &mut mapping);
            }
        }
        None => order_total_not_a_line_amount(source, raw, &mut mapping)?,
    }
    if source.spec.channel.is_some() {
        // The NAME= prefix sets the channel; a channel column of the source is kept as an extra.
        if let Some(position) = mapping.mapped.iter().position(|m| m.canonical == schema::CHANNEL) {
            let removed = mapping.mapped.remove(position);
            mapping.extra.push(removed.source);
        }
    }
    Ok(mapping)
}

/// Maps the preset's columns (a `--map` of the same canonical column wins), and leaves
/// unmapped what the preset says no header holds. A named preset whose columns are missing is
/// an error naming them.
fn apply_preset(
    preset: &'static Preset,
    headers: &[String],
    options: &CanonicalOptions,
    mapping: &mut ColumnMapping,
    display: &str,
) -> Result<()> {
    let missing: Vec<&str> = preset
        .signature
        .iter()
        .filter(|h| presets::find_header(headers, h).is_none())
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(CkmError::invalid(format!(
            "{display}: --preset {}: no column {}; is this {}? (--preset none maps headers by their names)",
            preset.name,
            schema::quote_list(&missing.iter().map(|m| m.to_string()).collect::<Vec<_>>()),
            preset.export
        )));
    }
    let mut assigned: Vec<&str> = Vec::new();
    for &(canonical, _) in preset.columns {
        if options.overrides.contains_key(canonical) || assigned.contains(&canonical) {
            continue;
        }
        // The first of the preset's headers for this column that the export has.
        let found = preset
            .columns
            .iter()
            .filter(|(c, _)| *c == canonical)
            .find_map(|(_, header)| presets::find_header(headers, header));
        match found {
            Some(found) => mapping.assign(canonical, found, schema::MatchReason::Preset(preset.name)),
            None => mapping.unmap(canonical),
        }
        assigned.push(canonical);
    }
    for canonical in preset.unmapped {
        if !options.overrides.contains_key(canonical) {
            mapping.unmap(canonical);
        }
    }
    mapping.preset = Some(preset);
    Ok(())
}

/// The column of one line's own packed cell, kept as an extra column of its row.
const PACKED_LINE: &str = "line_item";

/// The column a packed line's field (by its keys) becomes: `line_item_N:quantity`.
fn packed_field_column(packed: &presets::PackedLines, keys: &[&str]) -> String {
    format!("{}N:{}", packed.prefix, keys.join("/"))
}

/// Maps the canonical columns a preset unpacks from its packed line cells (a `--map` of the
/// same column wins); the numbered cells themselves give way to one line's cell.
fn map_packed_lines(
    preset: &'static Preset,
    packed: &presets::PackedLines,
    headers: &[String],
    options: &CanonicalOptions,
    mapping: &mut ColumnMapping,
) {
    let cells = presets::packed_line_headers(packed, headers);
    for cell in &cells {
        if let Some(canonical) = mapping
            .mapped
            .iter()
            .find(|m| &m.source == cell)
            .map(|m| m.canonical)
        {
            mapping.unmap(canonical);
        }
    }
    mapping.extra.retain(|h| !cells.contains(h));
    for &(canonical, keys) in packed.fields {
        if !options.overrides.contains_key(canonical) {
            mapping.assign(
                canonical,
                &packed_field_column(packed, keys),
                schema::MatchReason::Preset(preset.name),
            );
        }
    }
    mapping.extra.push(PACKED_LINE.to_string());
}

/// Marks an order row of packed lines that has none, while the lines are unpacked.
const WITHOUT_LINES: &str = "__ckm_without_lines";

/// One row per packed line ([`presets::PackedLines`]): the order's row repeated with the
/// line's cell and its fields as columns. An order row without any line stays, once, with
/// them null.
fn unpacked_lines(
    raw: LazyFrame,
    packed: &'static presets::PackedLines,
    headers: &[String],
) -> Result<LazyFrame> {
    let cells = presets::packed_line_headers(packed, headers);
    if cells.is_empty() {
        return Ok(raw);
    }
    let texts: Vec<Expr> = cells
        .iter()
        .map(|c| col(c.as_str()).cast(DataType::String))
        .collect();
    let without_lines = texts.iter().fold(lit(true), |none, text| {
        none.and(non_blank(text.clone()).fill_null(lit(false)).not())
    });
    let lines = when(col(WITHOUT_LINES))
        .then(concat_list([null_of(DataType::String)])?)
        .otherwise(concat_list(texts)?);
    let fields: Vec<Expr> = packed
        .fields
        .iter()
        .map(|(_, keys)| {
            let name = packed_field_column(packed, keys);
            col(PACKED_FIELDS).struct_().field_by_name(&name).alias(name)
        })
        .collect();
    let line = col(PACKED_LINE);
    let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
    Ok(raw
        .with_column(without_lines.alias(WITHOUT_LINES))
        .with_column(lines.alias(PACKED_LINE))
        .drop(cols(cells))
        .explode(
            cols([PACKED_LINE]),
            ExplodeOptions {
                empty_as_null: true,
                keep_nulls: true,
            },
        )
        // The numbered cells past an order's last line are blank.
        .filter(
            non_blank(line.clone())
                .fill_null(lit(false))
                .or(col(WITHOUT_LINES)),
        )
        .with_column(packed_field_values(line, packed).alias(PACKED_FIELDS))
        .with_columns(fields)
        .drop(cols([PACKED_FIELDS])))
}

/// The packed lines' fields, while they are unpacked.
const PACKED_FIELDS: &str = "__ckm_packed_fields";

/// A packed line's fields ([`presets::packed_fields`]) as a struct with a text field per
/// canonical column the preset takes from them (named by [`packed_field_column`]): the first
/// of its keys with a value, trimmed; null when none has one. One pass over the text for all
/// of them (a regex per key took three times as long).
fn packed_field_values(line: Expr, packed: &'static presets::PackedLines) -> Expr {
    line.map(
        move |column| {
            let lines = column.str()?;
            let mut values: Vec<Vec<Option<String>>> =
                vec![Vec::with_capacity(lines.len()); packed.fields.len()];
            for line in lines.iter() {
                let fields = line.map(presets::packed_fields).unwrap_or_default();
                for ((_, keys), out) in packed.fields.iter().zip(values.iter_mut()) {
                    let value = keys.iter().find_map(|key| {
                        fields
                            .iter()
                            .find(|(k, v)| k == key && !v.trim().is_empty())
                            .map(|(_, v)| v.trim().to_string())
                    });
                    out.push(value);
                }
            }
            let series: Vec<Series> = packed
                .fields
                .iter()
                .zip(values)
                .map(|((_, keys), values)| Series::new(packed_field_column(packed, keys).into(), values))
                .collect();
            let fields = StructChunked::from_series(column.name().clone(), lines.len(), series.iter())?;
            Ok(fields.into_series().into_column())
        },
        move |_, field| {
            let fields = packed
                .fields
                .iter()
                .map(|(_, keys)| Field::new(packed_field_column(packed, keys).into(), DataType::String))
                .collect();
            Ok(Field::new(field.name().clone(), DataType::Struct(fields)))
        },
    )
}

/// The column a preset's local date, time and zone make (its name says what it is made of,
/// so a row it cannot read is flagged under that name).
const LOCAL_TIME: &str = "Date + Time + Time Zone";

/// The source's headers of a preset's local date, time and zone, when it has all three.
fn local_time_headers(preset: &Preset, headers: &[String]) -> Option<[String; 3]> {
    let found = preset
        .local_time?
        .map(|h| presets::find_header(headers, h).cloned());
    let [Some(date), Some(time), Some(zone)] = found else {
        return None;
    };
    Some([date, time, zone])
}

/// The three columns of a local time as one ISO 8601 text with the offset
/// ([`local_time::with_offset`]).
fn local_time_column([date, time, zone]: [String; 3]) -> Expr {
    let parts = as_struct(vec![
        col(date.as_str()).cast(DataType::String),
        col(time.as_str()).cast(DataType::String),
        col(zone.as_str()).cast(DataType::String),
    ]);
    parts.map(
        |column| {
            let parts = column.struct_()?;
            let fields = parts.fields_as_series();
            let [date, time, zone] = [&fields[0], &fields[1], &fields[2]].map(|f| f.str().cloned());
            let (date, time, zone) = (date?, time?, zone?);
            let joined: StringChunked = date
                .iter()
                .zip(time.iter())
                .zip(zone.iter())
                .map(|((d, t), z)| match (d, t, z) {
                    (Some(d), Some(t), Some(z)) => Some(local_time::with_offset(d, t, z)),
                    _ => None,
                })
                .collect();
            Ok(joined.with_name(column.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}

/// The raw frame with what a preset derives from it: the local time as one column, when the
/// mapping takes the time from it, and the order-level columns filled down.
fn with_preset_columns(
    raw: LazyFrame,
    preset: &'static Preset,
    mapping: &ColumnMapping,
    headers: &[String],
    schema: &Schema,
) -> Result<LazyFrame> {
    let raw = match local_time_headers(preset, headers) {
        Some(parts) if mapping.source_of(schema::TS) == Some(LOCAL_TIME) => {
            raw.with_column(local_time_column(parts).alias(LOCAL_TIME))
        }
        _ => raw,
    };
    let raw = filled_down(raw, preset, headers, schema)?;
    match &preset.packed_lines {
        Some(packed) => unpacked_lines(raw, packed, headers),
        None => Ok(raw),
    }
}

/// The raw frame with a preset's order-level columns filled down to the later rows of each
/// order, where the export leaves them blank.
///
/// The platforms write an order's rows one after another, so a value is carried down the
/// file, and kept only on the rows of the order it came from: a forward fill of the value and
/// of the row it was written on, kept where that row is within the order's run of rows. (A
/// fill within a window per order gives the same on such files, and took 1.86 s against
/// 1.51 s for a whole ingest of a million lines, with a third more memory.) A row of an
/// order whose rows are not together keeps its blanks rather than another order's values.
fn filled_down(raw: LazyFrame, preset: &Preset, headers: &[String], schema: &Schema) -> Result<LazyFrame> {
    let Some(order_rows) = &preset.order_rows else {
        return Ok(raw);
    };
    let Some(key) = presets::find_header(headers, order_rows.key) else {
        return Ok(raw);
    };
    // Where each run of rows with one key starts, as a row number: numbers are cheaper to
    // carry down than texts.
    let key = col(key.as_str()).cast(DataType::String);
    let row = col(RAW_ROW_INDEX);
    let run_start = when(key.clone().neq_missing(key.shift(lit(1))))
        .then(row.clone())
        .otherwise(lit(NULL).cast(DataType::IDX_DTYPE))
        .fill_null_with_strategy(FillNullStrategy::Forward(None));
    let forward = |e: Expr| e.fill_null_with_strategy(FillNullStrategy::Forward(None));
    let mut filled = Vec::new();
    for wanted in order_rows.filled_down {
        let Some(header) = presets::find_header(headers, wanted) else {
            continue;
        };
        let value = col(header.as_str());
        // A blank text is no value.
        let value = if schema.get(header).is_some_and(is_text) {
            when(non_blank(value.clone()))
                .then(value)
                .otherwise(null_of(DataType::String))
        } else {
            value
        };
        let written_at = forward(
            when(value.clone().is_not_null())
                .then(row.clone())
                .otherwise(null_of(DataType::IDX_DTYPE)),
        );
        filled.push(
            when(written_at.gt_eq(col(RUN_START)).fill_null(lit(false)))
                .then(forward(value))
                .otherwise(null_of(schema.get(header).cloned().unwrap_or(DataType::String)))
                .alias(header.as_str()),
        );
    }
    Ok(raw
        .with_column(run_start.alias(RUN_START))
        .with_columns(filled)
        .drop(cols([RUN_START])))
}

/// The row where the run of rows with one order key starts, while order fields are filled
/// down.
const RUN_START: &str = "__ckm_run_start";

/// The currencies of the first rows when there are several: the header and the codes.
fn currencies_in_sample(
    raw: &LazyFrame,
    headers: &[String],
    wanted: &str,
) -> Result<Option<(String, Vec<String>)>> {
    let Some(header) = presets::find_header(headers, wanted) else {
        return Ok(None);
    };
    let codes = raw
        .clone()
        .limit(DATE_SAMPLE_ROWS)
        .select([col(header.as_str())
            .cast(DataType::String)
            .str()
            .strip_chars(lit(NULL))
            .str()
            .to_uppercase()
            .alias("currency")])
        .filter(non_blank(col("currency")))
        .unique_stable(None, UniqueKeepStrategy::First)
        .collect()?;
    let mut codes = read::text_values(&codes, "currency")?;
    codes.sort();
    Ok((codes.len() > 1).then(|| (header.clone(), codes)))
}

/// Whether a row is refunded, voided or cancelled, as a preset reads it (false where the
/// export says nothing); `refunded` is [`refunded_amount`], `amount` the row's.
fn preset_returns(
    returns: &presets::Returns,
    headers: &[String],
    refunded: Option<Expr>,
    amount: Option<Expr>,
) -> Expr {
    let mut flag = lit(false);
    if let Some(status) = presets::find_header(headers, returns.status) {
        let status = lowered(status);
        flag = flag.or(equals_any(&status, returns.values));
        if !returns.sold_only.is_empty() {
            flag = flag.or(equals_any(&status, returns.sold_only).not());
        }
    }
    if let Some(cancelled) = returns
        .cancelled_when_given
        .and_then(|header| presets::find_header(headers, header))
    {
        flag = flag.or(non_blank(col(cancelled.as_str()).cast(DataType::String)).fill_null(lit(false)));
    }
    if let Some(captured) = returns
        .void_when_false
        .and_then(|header| presets::find_header(headers, header))
    {
        flag = flag.or(equals_any(&lowered(captured), &["false"]));
    }
    if let (Some(refunded), Some(amount)) = (refunded, amount) {
        // Refunded in full: at least the row's amount.
        flag = flag.or(refunded
            .clone()
            .gt_eq(amount)
            .and(refunded.gt(lit(0.0)))
            .fill_null(lit(false)));
    }
    flag
}

/// A text column trimmed and in lower case, for comparing with a preset's values.
fn lowered(header: &str) -> Expr {
    col(header)
        .cast(DataType::String)
        .str()
        .strip_chars(lit(NULL))
        .str()
        .to_lowercase()
}

/// Whether `text` is one of `values` (false where it is missing).
fn equals_any(text: &Expr, values: &[&str]) -> Expr {
    values.iter().fold(lit(false), |any, value| {
        any.or(text.clone().eq(lit(*value)).fill_null(lit(false)))
    })
}

/// The amount a preset's export says was refunded on the row itself, as a number.
fn refunded_amount(returns: &presets::Returns, headers: &[String]) -> Option<Expr> {
    let header = presets::find_header(headers, returns.refunded?)?;
    let refunded = parse_number(col(header.as_str()).cast(DataType::String));
    Some(
        when(refunded.clone().lt(lit(0.0)))
            .then(lit(0.0) - refunded.clone())
            .otherwise(refunded),
    )
}

/// Email addresses as identity resolution compares them ([`normalise_email`]: trimmed, lower
/// case, Gmail's dots and tags dropped); a text that is no address stays as it was, trimmed.
fn normalised_emails(text: Expr) -> Expr {
    text.map(
        |column| {
            let normalised: StringChunked = column
                .str()?
                .iter()
                .map(|value| {
                    value.and_then(|v| {
                        let trimmed = v.trim();
                        (!trimmed.is_empty())
                            .then(|| normalise_email(trimmed).unwrap_or_else(|| trimmed.to_string()))
                    })
                })
                .collect();
            Ok(normalised.with_name(column.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}

/// Share of the sampled lines with a quantity and a unit price on which an amount column
/// found by its name may be blank and still be taken as the lines' amount.
const BLANK_AMOUNT_SHARE: f64 = 0.05;

/// An amount column found by its name (`Total`) that is blank on lines which have a quantity
/// and a unit price is an order's total, written on its first line only (as Shopify's orders
/// export does), not a line amount: counting it would put the order's shipping and taxes into
/// one line's spend and nothing into the others'. It is kept as an extra column, and the
/// amount is quantity × unit_price. A `--map amount=...` is obeyed as given.
fn order_total_not_a_line_amount(
    source: &Source,
    raw: &LazyFrame,
    mapping: &mut ColumnMapping,
) -> Result<()> {
    let Some(amount) = mapping
        .mapped
        .iter()
        .position(|m| m.canonical == schema::AMOUNT && matches!(m.reason, schema::MatchReason::Synonym(_)))
    else {
        return Ok(());
    };
    let (Some(quantity), Some(price)) = (
        mapping.source_of(schema::QUANTITY),
        mapping.source_of(schema::UNIT_PRICE),
    ) else {
        return Ok(());
    };
    let header = mapping.mapped[amount].source.clone();
    let given = |name: &str| non_blank(col(name).cast(DataType::String));
    let counts = raw
        .clone()
        .limit(DATE_SAMPLE_ROWS)
        .filter(given(quantity).and(given(price)))
        .select([len().alias("lines"), given(&header).not().sum().alias("blank")])
        .collect()
        .map_err(|e| {
            CkmError::invalid(
                read::diagnose(source)
                    .unwrap_or_else(|| format!("{}: reading column '{header}': {e}", source.spec.display)),
            )
        })?;
    let count = |name: &str| -> Result<u64> { Ok(read::first_integer(&counts, name)?.unwrap_or(0) as u64) };
    let (lines, blank) = (count("lines")?, count("blank")?);
    if lines > 0 && blank as f64 >= BLANK_AMOUNT_SHARE * lines as f64 {
        let removed = mapping.mapped.remove(amount);
        mapping.extra.push(removed.source);
        mapping.notes.push(format!(
            "'{header}' is blank on {blank} of the first {lines} lines with a quantity and a unit price: an order total, not a line amount; amount = quantity × unit_price (--map amount='{header}' to use it)"
        ));
    }
    Ok(())
}

/// The error for a source whose headers lack a required column.
pub fn check_required(source: &Source, mapping: &ColumnMapping) -> Result<()> {
    check_required_columns(&source.spec.display, mapping)
}

/// [`check_required`] for an input called `display` in messages.
pub fn check_required_columns(display: &str, mapping: &ColumnMapping) -> Result<()> {
    let missing = schema::missing_required(mapping);
    if missing.is_empty() {
        return Ok(());
    }
    let headers: Vec<String> = mapping
        .mapped
        .iter()
        .map(|m| m.source.clone())
        .chain(mapping.extra.iter().cloned())
        .collect();
    let mut message = format!(
        "{}: no column for the required field{} {}.\n  headers found: {}",
        display,
        if missing.len() > 1 { "s" } else { "" },
        missing
            .iter()
            .map(|m| format!("'{m}'"))
            .collect::<Vec<_>>()
            .join(", "),
        schema::quote_list(&headers)
    );
    for name in &missing {
        let close = schema::closest_headers(name, &mapping.extra, 3);
        let column = schema::canonical_column(name).expect("missing_required returns canonical names");
        if close.is_empty() {
            message.push_str(&format!(
                "\n  {name} ({}): recognised headers include {}",
                column.description,
                column
                    .synonyms
                    .iter()
                    .take(4)
                    .map(|s| format!("'{s}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        } else {
            message.push_str(&format!(
                "\n  {name}: closest headers {}",
                schema::quote_list(&close)
            ));
        }
    }
    message.push_str(&format!(
        "\n  map a header with --map, e.g. --map {}='{}'",
        missing[0],
        schema::closest_headers(missing[0], &mapping.extra, 1)
            .first()
            .map(String::as_str)
            .unwrap_or("Header")
    ));
    Err(CkmError::invalid(message))
}

fn null_of(dtype: DataType) -> Expr {
    lit(NULL).cast(dtype)
}

fn is_text(dtype: &DataType) -> bool {
    matches!(dtype, DataType::String)
}

fn non_blank(raw: Expr) -> Expr {
    raw.clone()
        .is_not_null()
        .and(raw.str().strip_chars(lit(NULL)).str().len_bytes().gt(lit(0)))
}

/// `column 'X': 'value' is not ...` for the rows where `failed` holds, null elsewhere.
///
/// The raw value is masked *before* the text is built: a string column made by when/then
/// keeps the buffers of both branches alive, so building the message for every row and
/// masking afterwards would pin a message-sized buffer per row in memory.
fn issue_text(source_header: &str, raw: Expr, failed: Expr, what: &str) -> Expr {
    concat_str(
        [
            lit(format!("column '{source_header}': '")),
            when(failed)
                .then(raw.str().slice(lit(0), lit(QUOTED_VALUE_CHARS)))
                .otherwise(null_of(DataType::String)),
            lit(format!("' is not {what}")),
        ],
        "",
        false,
    )
}

/// Text to number: trimmed, a leading currency sign dropped, thousands separators removed
/// when the value has the `1,234,567.89` shape (a decimal comma is not guessed at).
fn parse_number(raw: Expr) -> Expr {
    let trimmed = raw.str().strip_chars(lit(NULL));
    let unsigned = trimmed
        .str()
        .replace(lit(r"^([-+]?)[$€£¥]\s*"), lit("${1}"), false);
    let grouped = unsigned
        .clone()
        .str()
        .contains(lit(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$"), false);
    when(grouped)
        .then(unsigned.clone().str().replace_all(lit(","), lit(""), true))
        .otherwise(unsigned)
        .cast(DataType::Float64)
}

/// The type of a canonical column of this kind.
pub fn canonical_dtype(kind: ColumnKind) -> DataType {
    match kind {
        ColumnKind::Text => DataType::String,
        ColumnKind::Number => DataType::Float64,
        ColumnKind::Timestamp => ms_datetime(),
    }
}

fn ms_datetime() -> DataType {
    DataType::Datetime(TimeUnit::Milliseconds, None)
}

fn parse_timestamp(raw: Expr, format: &DateFormat, trim: bool) -> Expr {
    let trimmed = if trim {
        raw.str().strip_chars(lit(NULL))
    } else {
        raw
    };
    match format {
        DateFormat::EpochSeconds => (trimmed.cast(DataType::Int64) * lit(1000i64)).cast(ms_datetime()),
        DateFormat::EpochMilliseconds => trimmed.cast(DataType::Int64).cast(ms_datetime()),
        DateFormat::Pattern {
            pattern,
            with_zone,
            date_only,
        } => {
            let options = StrptimeOptions {
                format: Some(pattern.as_str().into()),
                strict: false,
                exact: true,
                // Timestamps are mostly distinct: a cache of parsed values costs more than it saves.
                cache: false,
            };
            if *date_only {
                trimmed.str().to_date(options).cast(ms_datetime())
            } else if *with_zone {
                let utc_offsets = trimmed.str().replace(lit("[Zz]$"), lit("+00:00"), false);
                utc_offsets
                    .str()
                    .to_datetime(Some(TimeUnit::Milliseconds), None, options, lit("raise"))
                    .dt()
                    .replace_time_zone(None, lit("raise"), NonExistent::Raise)
            } else {
                trimmed
                    .str()
                    .to_datetime(Some(TimeUnit::Milliseconds), None, options, lit("raise"))
            }
        }
    }
}

/// Reads a sample of the time column as text, for choosing its format.
fn sample_text(raw: &LazyFrame, column: &str) -> Result<Vec<String>> {
    // Limit first: the slice reaches the scan, so only the head of the file is read.
    let sample = raw
        .clone()
        .limit(DATE_SAMPLE_ROWS)
        .select([col(column).cast(DataType::String)])
        .filter(col(column).is_not_null())
        .collect()?;
    let values = sample
        .column(column)?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    Ok(values)
}

/// Builds the canonical frame for one source.
/// Builds the canonical frame for one source. An `earlier` plan of the same source lends its
/// date format and warnings, so the date sample is not read and judged a second time.
pub fn plan_source(
    source: &Source,
    mut raw: LazyFrame,
    mapping: ColumnMapping,
    options: &CanonicalOptions,
    earlier: Option<&SourcePlan>,
) -> Result<SourcePlan> {
    let display = source.spec.display.clone();
    check_required(source, &mapping)?;
    let raw_schema = raw.collect_schema()?;
    let headers: Vec<String> = raw_schema.iter_names().map(|n| n.to_string()).collect();
    let email_customers = mapping.preset.is_some_and(|preset| preset.customer_is_email)
        && mapping.mapped.iter().any(|m| {
            m.canonical == schema::CUSTOMER_ID && matches!(m.reason, schema::MatchReason::Preset(_))
        });
    // Samples (of currencies, of the time's format) are the first rows of the file with what
    // the preset derives from them: limited before the preset's columns are made, since a fill
    // or an unpacking in between would keep the limit from reaching the scan, and the whole
    // file would be read and unpacked for each sample.
    let sampled = match mapping.preset {
        Some(preset) => {
            if email_customers && !options.email_ids_allowed {
                return Err(CkmError::usage(format!(
                    "{display}: {} identifies customers by email ('{}'), which is personal data: \
                     add --pseudonymize to replace each by a keyed pseudonym, or --keep-pii to write them as they are \
                     (ckm ingest, clean and segment have both), or --map customer_id=ANOTHER_COLUMN",
                    preset.export,
                    mapping.source_of(schema::CUSTOMER_ID).unwrap_or_default()
                )));
            }
            let sampled = with_preset_columns(
                raw.clone().limit(DATE_SAMPLE_ROWS),
                preset,
                &mapping,
                &headers,
                &raw_schema,
            )?;
            raw = with_preset_columns(raw, preset, &mapping, &headers, &raw_schema)?;
            sampled
        }
        None => raw.clone(),
    };
    let mixed_currencies = match (mapping.preset.and_then(|p| p.currency), earlier) {
        (Some(currency), None) => currencies_in_sample(&sampled, &headers, currency)?,
        _ => None,
    };
    let schema = raw.collect_schema()?;
    let dtype_of = |name: &str| schema.get(name).cloned().unwrap_or(DataType::Null);

    let mut warnings: Vec<String> = match earlier {
        Some(plan) => plan.warnings.clone(),
        None => mapping
            .notes
            .iter()
            .map(|note| format!("{display}: {note}"))
            .collect(),
    };
    if let Some((header, currencies)) = mixed_currencies {
        warnings.push(format!(
            "{display}: amounts in {} currencies ({}) among the first {DATE_SAMPLE_ROWS} rows: ckm adds amounts as they are, so split the export by its '{header}' column or convert them first",
            currencies.len(),
            currencies.join(", ")
        ));
    }
    let mut exprs: Vec<Expr> = Vec::new();
    let mut issues: Vec<Expr> = Vec::new();
    let mut chosen_date_format = None;

    // A re-read canonical table carries its lineage; keep it.
    let carried_issue = mapping.extra.iter().any(|h| h == schema::INGEST_ISSUE);
    if carried_issue {
        issues.push(col(schema::INGEST_ISSUE).cast(DataType::String));
    }
    if let Some(packed) = mapping.preset.and_then(|preset| preset.packed_lines.as_ref()) {
        if schema.get(WITHOUT_LINES).is_some() {
            issues.push(
                when(col(WITHOUT_LINES))
                    .then(lit(format!(
                        "columns '{}1', '{}2', ...: the order has no line",
                        packed.prefix, packed.prefix
                    )))
                    .otherwise(null_of(DataType::String)),
            );
        }
    }

    let mut staged = Staged::default();
    // The amount as the select refers to it, and where a mapped one is among the exprs.
    let mut amount_value: Option<Expr> = None;
    let mut amount_position: Option<usize> = None;
    for column in CANONICAL_COLUMNS {
        let name = column.name;
        let Some(source_header) = mapping.source_of(name) else {
            let expr = match (name, &source.spec.channel) {
                (schema::CHANNEL, Some(channel)) => lit(channel.as_str()),
                // The required-column check guarantees quantity and unit_price here; they
                // come before amount is needed, as staged values.
                (schema::AMOUNT, _) => {
                    let gross = col(Staged::value_name(schema::QUANTITY))
                        * col(Staged::value_name(schema::UNIT_PRICE));
                    // Less the line's own discount, where the preset knows its column.
                    let discount = mapping
                        .preset
                        .and_then(|preset| preset.line_discount)
                        .and_then(|header| presets::find_header(&headers, header));
                    match discount {
                        Some(discount) => {
                            gross
                                - parse_number(col(discount.as_str()).cast(DataType::String))
                                    .fill_null(lit(0.0))
                        }
                        None => gross,
                    }
                }
                // Absent: added after the read as a constant null column (see
                // `io::add_absent_columns`), which takes no memory per row.
                _ => continue,
            };
            if name == schema::AMOUNT {
                amount_value = Some(expr.clone());
            }
            exprs.push(expr.alias(name));
            continue;
        };
        let raw_col = col(source_header);
        let dtype = dtype_of(source_header);
        let expr = match column.kind {
            ColumnKind::Text if name == schema::CUSTOMER_ID && email_customers => {
                normalised_emails(raw_col.cast(DataType::String))
            }
            ColumnKind::Text => raw_col.cast(DataType::String),
            ColumnKind::Number if is_text(&dtype) => {
                let fast = raw_col.clone().cast(DataType::Float64);
                let (value, issue) = staged.parse(name, source_header, fast, parse_number, "a number");
                issues.push(issue);
                value
            }
            ColumnKind::Number => to_number(raw_col, &dtype),
            ColumnKind::Timestamp => match &dtype {
                DataType::Datetime(_, Some(_)) => raw_col
                    .dt()
                    .convert_time_zone(TimeZone::UTC)
                    .dt()
                    .replace_time_zone(None, lit("raise"), NonExistent::Raise)
                    .cast(ms_datetime()),
                DataType::Datetime(_, None) | DataType::Date => raw_col.cast(ms_datetime()),
                _ => {
                    let text = raw_col.clone().cast(DataType::String);
                    let known = earlier.and_then(|plan| plan.date_format.clone());
                    let format = match (known, &options.date_format) {
                        (Some(known), _) => known,
                        (None, Some(user)) => DateFormat::from_user(user),
                        (None, None) => {
                            let sample = sample_text(&sampled, source_header).map_err(|e| {
                                CkmError::invalid(read::diagnose(source).unwrap_or_else(|| {
                                    format!("{display}: reading column '{source_header}': {e}")
                                }))
                            })?;
                            match dates::choose_format(source_header, &sample, options.dayfirst) {
                                Some(DateChoice {
                                    format,
                                    warning,
                                    parsed,
                                    sampled,
                                }) => {
                                    if let Some(w) = warning {
                                        warnings.push(format!("{display}: {w}"));
                                    }
                                    if parsed < sampled {
                                        warnings.push(format!(
                                            "{display}: column '{source_header}': {} of the first {sampled} values do not fit {}; those rows are flagged for clean",
                                            sampled - parsed,
                                            format.describe()
                                        ));
                                    }
                                    format
                                }
                                None if sample.is_empty() => DateFormat::from_user("%Y-%m-%d %H:%M:%S%.f"),
                                None => {
                                    let examples: Vec<String> = sample.iter().take(3).cloned().collect();
                                    return Err(CkmError::invalid(format!(
                                        "{display}: column '{source_header}' (mapped to ts): no known date format fits values such as {}; \
                                         pass --date-format (e.g. --date-format '%d.%m.%Y %H:%M') or map another column with --map ts=HEADER",
                                        schema::quote_list(&examples)
                                    )));
                                }
                            }
                        }
                    };
                    chosen_date_format = Some(format.clone());
                    let what = format!("a date in the format {}", format.describe());
                    let fast = parse_timestamp(text, &format, false);
                    let slow = |leftover: Expr| parse_timestamp(leftover, &format, true);
                    let (value, issue) = staged.parse(name, source_header, fast, slow, &what);
                    issues.push(issue);
                    value
                }
            },
        };
        let value = staged.value(name, expr);
        if name == schema::AMOUNT {
            amount_value = Some(col(Staged::value_name(schema::AMOUNT)));
            amount_position = Some(exprs.len());
        }
        exprs.push(value);
    }

    // Extra columns as they are, renamed only if they would collide with ckm's own.
    let reserved = |h: &str| {
        schema::canonical_column(h).is_some()
            || [
                schema::SOURCE_ROW,
                schema::SOURCE_FILE,
                schema::INGEST_ISSUE,
                schema::IS_RETURN,
            ]
            .contains(&h)
    };
    if let Some(returns) = mapping.preset.and_then(|preset| preset.returns.as_ref()) {
        let refunded = refunded_amount(returns, &headers);
        // A refund in part comes off the row's amount (one in full makes it a return, below).
        if let (Some(refunded), Some(position), Some(amount)) =
            (refunded.clone(), amount_position, amount_value.clone())
        {
            let partial = refunded
                .clone()
                .gt(lit(0.0))
                .and(refunded.clone().lt(amount.clone()));
            exprs[position] = when(partial.fill_null(lit(false)))
                .then(amount.clone() - refunded)
                .otherwise(amount)
                .alias(schema::AMOUNT);
        }
        exprs.push(preset_returns(returns, &headers, refunded, amount_value).alias(schema::IS_RETURN));
    }
    // A table ckm wrote (an ingest of a preset's export, or `clean --returns keep`) carries
    // its return flag; a second read keeps it as the flag, not as an extra column.
    let preset_flags_returns = mapping.preset.is_some_and(|preset| preset.returns.is_some());
    let carried_return = mapping.extra.iter().any(|h| h == schema::IS_RETURN) && !preset_flags_returns;
    if carried_return {
        exprs
            .push(return_flag(col(schema::IS_RETURN), &dtype_of(schema::IS_RETURN)).alias(schema::IS_RETURN));
    }
    let carried_row = mapping.extra.iter().any(|h| h == schema::SOURCE_ROW);
    let carried_file = mapping.extra.iter().any(|h| h == schema::SOURCE_FILE);
    for extra in &mapping.extra {
        if [schema::SOURCE_ROW, schema::SOURCE_FILE, schema::INGEST_ISSUE].contains(&extra.as_str())
            || (carried_return && extra == schema::IS_RETURN)
        {
            continue;
        }
        let mut name = extra.clone();
        while reserved(&name) {
            name.push_str("_source");
        }
        exprs.push(col(extra.as_str()).alias(name));
    }

    exprs.push(if carried_row {
        col(schema::SOURCE_ROW).cast(DataType::UInt32)
    } else {
        (col(RAW_ROW_INDEX).cast(DataType::UInt32) + lit(source.first_row_number())).alias(schema::SOURCE_ROW)
    });
    if carried_file {
        exprs.push(col(schema::SOURCE_FILE).cast(DataType::String));
    } else if options.tag_source_file {
        exprs.push(lit(display.as_str()).alias(schema::SOURCE_FILE));
    }
    if !issues.is_empty() {
        // Categorical while the file is read: 4 bytes a row instead of a 16-byte string view
        // for a column that is null almost everywhere. `io::collect_transactions` turns it
        // back into text once the read is done.
        let categorical = DataType::from_categories(Categories::global());
        exprs.push(coalesce(&issues).cast(categorical).alias(schema::INGEST_ISSUE));
    }

    Ok(SourcePlan {
        mapping,
        date_format: chosen_date_format,
        warnings,
        frame: staged.apply(raw, exprs),
    })
}

/// The canonical frame is built in three steps, so that the cheap parse runs on every row
/// and the expensive one (trimming, currency signs, thousands separators, issue texts) only
/// on the few rows the cheap one could not read:
/// 1. `fast`: a plain cast or strptime of the raw text;
/// 2. `value`: the fast result, or the slow parse of the leftovers, plus the issue text;
/// 3. the canonical select, which refers to the staged values by name.
#[derive(Default)]
struct Staged {
    fast: Vec<Expr>,
    values: Vec<Expr>,
}

impl Staged {
    fn fast_name(canonical: &str) -> String {
        format!("__ckm_fast_{canonical}")
    }

    fn value_name(canonical: &str) -> String {
        format!("__ckm_value_{canonical}")
    }

    /// Stages `fast` and the fallback `slow` for a text column; returns the expression for
    /// the parsed value and the issue text for rows neither could read.
    fn parse(
        &mut self,
        canonical: &str,
        source_header: &str,
        fast: Expr,
        slow: impl Fn(Expr) -> Expr,
        what: &str,
    ) -> (Expr, Expr) {
        let fast_name = Self::fast_name(canonical);
        self.fast.push(fast.alias(fast_name.as_str()));
        let raw = col(source_header).cast(DataType::String);
        // Null wherever the fast parse succeeded: the slow path sees only the leftovers.
        let leftover = when(col(fast_name.as_str()).is_null())
            .then(raw.clone())
            .otherwise(null_of(DataType::String));
        let slow_value = slow(leftover.clone());
        let failed = non_blank(leftover).and(slow_value.clone().is_null());
        let value = coalesce(&[col(fast_name.as_str()), slow_value]);
        (value, issue_text(source_header, raw, failed, what))
    }

    /// Stages a canonical column's final expression; returns what the select refers to.
    fn value(&mut self, canonical: &str, expr: Expr) -> Expr {
        let name = Self::value_name(canonical);
        self.values.push(expr.alias(name.as_str()));
        col(name.as_str()).alias(canonical)
    }

    fn apply(self, raw: LazyFrame, select: Vec<Expr>) -> LazyFrame {
        raw.with_columns(self.fast)
            .with_columns(self.values)
            .select(select)
    }
}

/// A yes/no column as a flag: `true`, `t`, `yes`, `y` or `1` (any case) or a non-zero
/// number is true; anything else, or nothing, false.
fn return_flag(expr: Expr, dtype: &DataType) -> Expr {
    if matches!(dtype, DataType::Boolean) {
        expr.fill_null(lit(false))
    } else if dtype.is_primitive_numeric() {
        expr.neq(lit(0)).fill_null(lit(false))
    } else {
        let text = expr
            .cast(DataType::String)
            .str()
            .strip_chars(lit(NULL))
            .str()
            .to_lowercase();
        equals_any(&text, &["true", "t", "yes", "y", "1"])
    }
}

/// Any source type to f64: text is parsed, numbers cast.
fn to_number(expr: Expr, dtype: &DataType) -> Expr {
    if is_text(dtype) {
        parse_number(expr)
    } else if dtype.is_primitive_numeric() || matches!(dtype, DataType::Boolean | DataType::Null) {
        expr.cast(DataType::Float64)
    } else {
        parse_number(expr.cast(DataType::String))
    }
}
