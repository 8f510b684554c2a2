//! CSV and TSV text of a table, byte for byte what polars' `CsvWriter` writes with ckm's
//! options: quotes only where a field needs them, polars' shortest round-trip floats (the same
//! zmij formatter), `true`/`false`, empty nulls, and timestamps as `YYYY-MM-DD HH:MM:SS.mmm`.
//!
//! Tables of text, numbers, booleans, dates and time-zone-free timestamps (the tables ckm's
//! commands write) are encoded here; any other column type sends the table through polars'
//! writer. Polars calls a boxed serializer per cell and formats timestamps through chrono's
//! format strings: the 20-column segment table of a million customers took it 0.77-0.80 s
//! on two cores, and takes this encoder 0.31-0.35 s.

use std::io::Write;

use polars::prelude::*;
use polars_arrow::array::{BooleanArray, Utf8ViewArray};
use rayon::prelude::*;

use crate::io::arrow::arrow_values;
use crate::io::periods::{civil_from_days, MS_PER_DAY};
use crate::mining::columns::Values;

const QUOTE: u8 = b'"';

/// Rows per slice encoded by one thread. Each slice's text is a few MB; the buffers are
/// reused from slice to slice, so the output never takes fresh pages after the first ones.
const SLICE_ROWS: usize = 1 << 15;

/// Timestamps as `2024-03-05 14:22:10.000`: readable by people, spreadsheets and ckm itself.
const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.3f";

/// Writes `df` as delimited text with a header line.
pub fn encode<W: Write>(df: &mut DataFrame, separator: u8, writer: W) -> PolarsResult<()> {
    encode_part(df, separator, true, writer)
}

/// Writes `df` as delimited text, with the header line when `header` (the first part of a
/// table written in parts).
pub fn encode_part<W: Write>(
    df: &mut DataFrame,
    separator: u8,
    header: bool,
    mut writer: W,
) -> PolarsResult<()> {
    if !df.columns().iter().all(|c| is_encoded_here(c.dtype())) {
        return encode_with_polars(df, separator, header, writer);
    }
    if !header {
        if df.width() == 0 {
            return Ok(());
        }
        return encode_body(df, separator, writer);
    }
    let mut header = Vec::new();
    for (i, name) in df.get_column_names().into_iter().enumerate() {
        if i > 0 {
            header.push(separator);
        }
        write_text(&mut header, name.as_bytes(), separator, false);
    }
    header.push(b'\n');
    writer.write_all(&header)?;
    if df.width() == 0 {
        return Ok(());
    }
    encode_body(df, separator, writer)
}

fn encode_body<W: Write>(df: &mut DataFrame, separator: u8, mut writer: W) -> PolarsResult<()> {
    let offsets: Vec<usize> = (0..df.height()).step_by(SLICE_ROWS).collect();
    let at_once = rayon::current_num_threads().max(1);
    let df = &*df;
    // Each group of slices is written while the next is encoded, into the buffers the group
    // before last was written from.
    let mut encoded: Vec<Vec<u8>> = Vec::new();
    let mut spare: Vec<Vec<u8>> = Vec::new();
    for group in offsets.chunks(at_once) {
        spare.resize_with(group.len(), Vec::new);
        let mut next = std::mem::take(&mut spare);
        let mut result = Ok(());
        let mut written = Ok(());
        rayon::in_place_scope(|scope| {
            scope.spawn(|_| {
                result = group
                    .par_iter()
                    .zip(next.par_iter_mut())
                    .try_for_each(|(&offset, text)| {
                        text.clear();
                        encode_rows(&df.slice(offset as i64, SLICE_ROWS), separator, text)
                    })
            });
            written = encoded.iter().try_for_each(|text| writer.write_all(text));
        });
        written?;
        result?;
        spare = std::mem::replace(&mut encoded, next);
    }
    for text in &encoded {
        writer.write_all(text)?;
    }
    Ok(())
}

fn is_encoded_here(dtype: &DataType) -> bool {
    use DataType::*;
    matches!(
        dtype,
        String
            | Boolean
            | Int8
            | Int16
            | Int32
            | Int64
            | UInt8
            | UInt16
            | UInt32
            | UInt64
            | Float32
            | Float64
            | Date
            | Null
            | Datetime(_, None)
    )
}

/// One column of a slice, resolved to its Arrow values once.
enum Field<'a> {
    Text(&'a Utf8ViewArray),
    Bool(&'a BooleanArray),
    I8(Values<'a, i8>),
    I16(Values<'a, i16>),
    I32(Values<'a, i32>),
    I64(Values<'a, i64>),
    U8(Values<'a, u8>),
    U16(Values<'a, u16>),
    U32(Values<'a, u32>),
    U64(Values<'a, u64>),
    F32(Values<'a, f32>),
    F64(Values<'a, f64>),
    /// Days since 1970-01-01.
    Date(Values<'a, i32>),
    /// Timestamps in units of `1 / per_ms` milliseconds.
    Datetime(Values<'a, i64>, i64),
    Null,
}

fn only_chunk<T: PolarsDataType>(values: &ChunkedArray<T>) -> &T::Array {
    values
        .downcast_iter()
        .next()
        .expect("a rechunked column has one chunk")
}

impl<'a> Field<'a> {
    fn of(column: &'a Column) -> PolarsResult<Field<'a>> {
        Ok(match column.dtype() {
            DataType::String => Field::Text(only_chunk(column.str()?)),
            DataType::Boolean => Field::Bool(only_chunk(column.bool()?)),
            DataType::Int8 => Field::I8(arrow_values(only_chunk(column.i8()?))),
            DataType::Int16 => Field::I16(arrow_values(only_chunk(column.i16()?))),
            DataType::Int32 => Field::I32(arrow_values(only_chunk(column.i32()?))),
            DataType::Int64 => Field::I64(arrow_values(only_chunk(column.i64()?))),
            DataType::UInt8 => Field::U8(arrow_values(only_chunk(column.u8()?))),
            DataType::UInt16 => Field::U16(arrow_values(only_chunk(column.u16()?))),
            DataType::UInt32 => Field::U32(arrow_values(only_chunk(column.u32()?))),
            DataType::UInt64 => Field::U64(arrow_values(only_chunk(column.u64()?))),
            DataType::Float32 => Field::F32(arrow_values(only_chunk(column.f32()?))),
            DataType::Float64 => Field::F64(arrow_values(only_chunk(column.f64()?))),
            DataType::Date => Field::Date(arrow_values(only_chunk(column.date()?.physical()))),
            DataType::Datetime(unit, None) => {
                let per_ms = match unit {
                    TimeUnit::Milliseconds => 1,
                    TimeUnit::Microseconds => 1_000,
                    TimeUnit::Nanoseconds => 1_000_000,
                };
                let values = only_chunk(column.datetime()?.physical());
                Field::Datetime(arrow_values(values), per_ms)
            }
            DataType::Null => Field::Null,
            other => polars_bail!(ComputeError: "no CSV encoding here for {other}"),
        })
    }
}

/// Rows per block: each column of a block is formatted in one loop of its own type, then
/// the block's rows are put together. Small enough that a block's text stays in cache.
const BLOCK_ROWS: usize = 512;

/// Slack after each piece of text, so that fields are copied 16 bytes at a time.
const COPY_WIDTH: usize = 16;

/// One column's fields for a block of rows, back to back, and where each ends.
#[derive(Default)]
struct BlockText {
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

/// The rows of one slice, each ending in `\n`.
fn encode_rows(slice: &DataFrame, separator: u8, text: &mut Vec<u8>) -> PolarsResult<()> {
    let mut slice = slice.clone();
    slice.rechunk_mut();
    let fields = slice
        .columns()
        .iter()
        .map(Field::of)
        .collect::<PolarsResult<Vec<_>>>()?;
    let mut columns: Vec<BlockText> = fields.iter().map(|_| BlockText::default()).collect();
    let mut formatters = Formatters {
        floats: zmij::Buffer::new(),
        integers: itoa::Buffer::new(),
        separator,
    };
    for start in (0..slice.height()).step_by(BLOCK_ROWS) {
        let rows = start..(start + BLOCK_ROWS).min(slice.height());
        for (field, column) in fields.iter().zip(columns.iter_mut()) {
            column.bytes.clear();
            column.ends.clear();
            formatters.format(field, rows.clone(), column);
            column.bytes.extend_from_slice(&[0; COPY_WIDTH]);
        }
        interleave(&columns, rows.len(), separator, text);
    }
    Ok(())
}

struct Formatters {
    floats: zmij::Buffer,
    integers: itoa::Buffer,
    separator: u8,
}

impl Formatters {
    fn format(&mut self, field: &Field, rows: std::ops::Range<usize>, out: &mut BlockText) {
        let BlockText { bytes, ends } = out;
        // One loop per column type: a null is an empty field.
        macro_rules! each {
            ($values:expr, |$v:ident| $write:expr) => {
                for row in rows {
                    if let Some($v) = $values.get(row) {
                        $write;
                    }
                    ends.push(bytes.len() as u32);
                }
            };
        }
        macro_rules! integers {
            ($n:expr) => {
                each!($n, |v| bytes
                    .extend_from_slice(self.integers.format(v).as_bytes()))
            };
        }
        match field {
            Field::Text(array) => {
                each!(array, |v| write_text(bytes, v.as_bytes(), self.separator, true))
            }
            Field::Bool(array) => {
                each!(array, |v| bytes.extend_from_slice(if v {
                    b"true"
                } else {
                    b"false"
                }))
            }
            Field::I8(n) => integers!(n),
            Field::I16(n) => integers!(n),
            Field::I32(n) => integers!(n),
            Field::I64(n) => integers!(n),
            Field::U8(n) => integers!(n),
            Field::U16(n) => integers!(n),
            Field::U32(n) => integers!(n),
            Field::U64(n) => integers!(n),
            Field::F32(n) => each!(n, |v| bytes.extend_from_slice(self.floats.format(v).as_bytes())),
            Field::F64(n) => each!(n, |v| bytes.extend_from_slice(self.floats.format(v).as_bytes())),
            Field::Date(n) => each!(n, |days| write_date(bytes, days)),
            // Milliseconds, ckm's own unit, skip a 64-bit division per value.
            Field::Datetime(n, 1) => each!(n, |ms| write_datetime_ms(bytes, ms)),
            Field::Datetime(n, per_ms) => {
                each!(n, |v| write_datetime_ms(bytes, v.div_euclid(*per_ms)))
            }
            Field::Null => ends.extend(rows.map(|_| 0)),
        }
    }
}

/// Appends a block's rows to `out`: each row's fields from `columns`, separated, ending in
/// `\n`. Fields are copied in 16-byte pieces (each column's text has that much slack), which
/// beats a call to `memcpy` for the short fields of a customer table.
fn interleave(columns: &[BlockText], rows: usize, separator: u8, out: &mut Vec<u8>) {
    let text_bytes: usize = columns.iter().map(|c| c.bytes.len()).sum();
    let mut at = out.len();
    out.resize(at + text_bytes + rows * columns.len() + COPY_WIDTH, 0);
    let mut starts = vec![0usize; columns.len()];
    let last = columns.len().saturating_sub(1);
    for row in 0..rows {
        for (c, column) in columns.iter().enumerate() {
            let (from, to) = (starts[c], column.ends[row] as usize);
            let mut copied = 0;
            while copied < to - from {
                out[at + copied..at + copied + COPY_WIDTH]
                    .copy_from_slice(&column.bytes[from + copied..from + copied + COPY_WIDTH]);
                copied += COPY_WIDTH;
            }
            at += to - from;
            starts[c] = to;
            out[at] = if c == last { b'\n' } else { separator };
            at += 1;
        }
    }
    out.truncate(at);
}

/// A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and a
/// leading tab or carriage return hides one): such text gets a leading `'`, which spreadsheets
/// show as text. Numbers written as text (`-5`, `+3.2`) are left alone; numeric columns are
/// never text.
fn needs_formula_escape(text: &[u8]) -> bool {
    match text.first() {
        Some(b'=' | b'@' | b'\t' | b'\r') => true,
        Some(b'+' | b'-') => std::str::from_utf8(text).map_or(true, |t| t.parse::<f64>().is_err()),
        _ => false,
    }
}

/// One text field, quoted as polars quotes: when it holds the separator, a line break or a
/// quote (quotes doubled), and when it is empty (so that it differs from a null).
fn write_text(out: &mut Vec<u8>, value: &[u8], separator: u8, escape_formulas: bool) {
    let escape = escape_formulas && needs_formula_escape(value);
    if value.is_empty() {
        out.extend_from_slice(b"\"\"");
        return;
    }
    let quoted = value
        .iter()
        .any(|&b| b == separator || b == b'\n' || b == b'\r' || b == QUOTE);
    if quoted {
        out.push(QUOTE);
    }
    if escape {
        out.push(b'\'');
    }
    if quoted {
        for part in value.split_inclusive(|&b| b == QUOTE) {
            out.extend_from_slice(part);
            if part.last() == Some(&QUOTE) {
                out.push(QUOTE);
            }
        }
        out.push(QUOTE);
    } else {
        out.extend_from_slice(value);
    }
}

/// `YYYY-MM-DD`, as chrono shows a date.
fn write_date(out: &mut Vec<u8>, days: i32) {
    let (year, month, day) = civil_from_days(days as i64);
    if !(0..=9999).contains(&year) {
        // Outside four-digit years chrono's own rendering (sign, more digits) stands.
        if let Some(date) = chrono::NaiveDate::from_num_days_from_ce_opt(days + 719_163) {
            out.extend_from_slice(date.to_string().as_bytes());
        }
        return;
    }
    let mut buffer = *b"0000-00-00";
    put_digits(
        &mut buffer,
        [(0, year as u64, 4), (5, month as u64, 2), (8, day as u64, 2)],
    );
    out.extend_from_slice(&buffer);
}

/// `YYYY-MM-DD HH:MM:SS.mmm` ([`DATETIME_FORMAT`]), as chrono shows it.
fn write_datetime_ms(out: &mut Vec<u8>, ms: i64) {
    let (year, month, day) = civil_from_days(ms.div_euclid(MS_PER_DAY));
    if !(0..=9999).contains(&year) {
        if let Some(d) = chrono::DateTime::from_timestamp_millis(ms) {
            let text = d.naive_utc().format(DATETIME_FORMAT).to_string();
            out.extend_from_slice(text.as_bytes());
        }
        return;
    }
    let in_day = ms.rem_euclid(MS_PER_DAY);
    let mut buffer = *b"0000-00-00 00:00:00.000";
    put_digits(
        &mut buffer,
        [
            (0, year as u64, 4),
            (5, month as u64, 2),
            (8, day as u64, 2),
            (11, (in_day / 3_600_000) as u64, 2),
            (14, (in_day / 60_000 % 60) as u64, 2),
            (17, (in_day / 1_000 % 60) as u64, 2),
            (20, (in_day % 1_000) as u64, 3),
        ],
    );
    out.extend_from_slice(&buffer);
}

/// Writes each `(start, value, width)` as zero-padded decimal digits into `buffer`.
fn put_digits<const N: usize>(buffer: &mut [u8], fields: [(usize, u64, usize); N]) {
    for (start, mut value, width) in fields {
        for i in (start..start + width).rev() {
            buffer[i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
}

fn polars_csv_writer<W: Write>(writer: W, separator: u8) -> CsvWriter<W> {
    CsvWriter::new(writer)
        .include_header(true)
        .with_separator(separator)
        .with_datetime_format(Some(DATETIME_FORMAT.into()))
}

/// Polars' writer, for tables with a column type [`encode`] leaves to it, with formula text
/// escaped the same way.
fn encode_with_polars<W: Write>(
    df: &mut DataFrame,
    separator: u8,
    header: bool,
    writer: W,
) -> PolarsResult<()> {
    let mut escaped: Option<DataFrame> = None;
    for column in df.columns() {
        let Ok(text) = column.str() else { continue };
        if !text.iter().flatten().any(|v| needs_formula_escape(v.as_bytes())) {
            continue;
        }
        let safe: StringChunked = text
            .iter()
            .map(|v| {
                v.map(|v| match needs_formula_escape(v.as_bytes()) {
                    true => format!("'{v}"),
                    false => v.to_string(),
                })
            })
            .collect();
        escaped
            .get_or_insert_with(|| df.clone())
            .with_column(safe.with_name(column.name().clone()).into_column())?;
    }
    polars_csv_writer(writer, separator)
        .include_header(header)
        .finish(escaped.as_mut().unwrap_or(df))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(df: &mut DataFrame, separator: u8) -> String {
        let mut out = Vec::new();
        encode(df, separator, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn polars(df: &mut DataFrame, separator: u8) -> String {
        let mut out = Vec::new();
        encode_with_polars(df, separator, true, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn datetime_text(ms: i64) -> String {
        let mut out = Vec::new();
        write_datetime_ms(&mut out, ms);
        String::from_utf8(out).unwrap()
    }

    proptest::proptest! {
        /// The fast datetime text is chrono's, to the millisecond, across and beyond the
        /// four-digit years.
        #[test]
        fn datetimes_format_as_chrono_does(ms in -70_000_000_000_000i64..300_000_000_000_000) {
            let chrono = chrono::DateTime::from_timestamp_millis(ms)
                .unwrap()
                .naive_utc()
                .format(DATETIME_FORMAT)
                .to_string();
            proptest::prop_assert_eq!(datetime_text(ms), chrono);
        }

        /// Any mix of the column types encoded here gives polars' bytes, for both separators.
        #[test]
        fn same_bytes_as_polars(
            rows in proptest::collection::vec(
                (
                    proptest::option::of("[a-c,;\t\"\n\r '=+@-]{0,6}|-?[0-9]{1,3}(\\.[0-9])?"),
                    proptest::option::of(proptest::num::f64::ANY),
                    proptest::option::of(proptest::num::f32::ANY),
                    proptest::option::of(proptest::num::i64::ANY),
                    proptest::option::of(proptest::num::u32::ANY),
                    proptest::option::of(proptest::bool::ANY),
                    proptest::option::of(-1_000_000i32..3_000_000),
                    proptest::option::of(-70_000_000_000_000_000i64..300_000_000_000_000_000),
                ),
                0..40,
            ),
            tab in proptest::bool::ANY,
        ) {
            let height = rows.len();
            let mut df = DataFrame::new(
                height,
                vec![
                    Column::new("text".into(), rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>()),
                    Column::new("f64".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
                    Column::new("f32".into(), rows.iter().map(|r| r.2).collect::<Vec<_>>()),
                    Column::new("i64".into(), rows.iter().map(|r| r.3).collect::<Vec<_>>()),
                    Column::new("u32".into(), rows.iter().map(|r| r.4).collect::<Vec<_>>()),
                    Column::new("flag".into(), rows.iter().map(|r| r.5).collect::<Vec<_>>()),
                    Column::new("day".into(), rows.iter().map(|r| r.6).collect::<Vec<_>>())
                        .cast(&DataType::Date)
                        .unwrap(),
                    Column::new("at".into(), rows.iter().map(|r| r.7).collect::<Vec<_>>())
                        .cast(&DataType::Datetime(TimeUnit::Microseconds, None))
                        .unwrap(),
                ],
            )
            .unwrap();
            let separator = if tab { b'\t' } else { b',' };
            proptest::prop_assert_eq!(ours(&mut df, separator), polars(&mut df, separator));
        }
    }

    #[test]
    fn datetimes_by_hand() {
        assert_eq!(datetime_text(0), "1970-01-01 00:00:00.000");
        assert_eq!(datetime_text(951_782_400_123), "2000-02-29 00:00:00.123"); // leap day
        assert_eq!(datetime_text(-1), "1969-12-31 23:59:59.999");
    }

    #[test]
    fn quoting_and_formulas_by_hand() {
        let mut df = DataFrame::new(
            5,
            vec![Column::new(
                "note, \"quoted\"".into(),
                [Some("=SUM(A1)"), Some("a,b"), Some("say \"hi\""), Some(""), None],
            )],
        )
        .unwrap();
        assert_eq!(
            ours(&mut df, b','),
            "\"note, \"\"quoted\"\"\"\n'=SUM(A1)\n\"a,b\"\n\"say \"\"hi\"\"\"\n\"\"\n\n"
        );
    }

    #[test]
    fn many_slices_equal_one_piece() {
        let rows = 2 * SLICE_ROWS * rayon::current_num_threads().max(1) + 5;
        let ts: Vec<Option<i64>> = (0..rows as i64)
            .map(|i| (i % 7 != 0).then_some(i * 1_234_567))
            .collect();
        let mut df = DataFrame::new(
            rows,
            vec![
                Column::new("n".into(), (0..rows as u32).collect::<Vec<_>>()),
                Column::new("ts".into(), ts)
                    .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
                    .unwrap(),
            ],
        )
        .unwrap();
        assert_eq!(ours(&mut df, b','), polars(&mut df, b','));
    }

    #[test]
    fn other_types_go_through_polars() {
        let mut df = DataFrame::new(
            2,
            vec![
                Column::new("id".into(), ["-x", "y"]),
                Column::new("at".into(), [0i64, 1])
                    .cast(&DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC)))
                    .unwrap(),
            ],
        )
        .unwrap();
        assert!(!is_encoded_here(df.columns()[1].dtype()));
        let text = ours(&mut df, b',');
        assert!(text.starts_with("id,at\n'-x,1970-01-01 00:00:00.000"), "{text}");
    }

    #[test]
    fn null_columns_are_empty_fields() {
        let mut df = DataFrame::new(
            3,
            vec![
                Column::new("a".into(), [1i64, 2, 3]),
                Column::full_null("nothing".into(), 3, &DataType::Null),
                Column::new("b".into(), ["x", "y", "z"]),
            ],
        )
        .unwrap();
        assert!(is_encoded_here(&DataType::Null));
        assert_eq!(ours(&mut df, b','), "a,nothing,b\n1,,x\n2,,y\n3,,z\n");
        assert_eq!(ours(&mut df, b','), polars(&mut df, b','));
    }

    #[test]
    fn empty_tables() {
        let mut df = DataFrame::new(0, vec![Column::new("a".into(), Vec::<f64>::new())]).unwrap();
        assert_eq!(ours(&mut df, b','), polars(&mut df, b','));
        let mut df = DataFrame::empty();
        assert_eq!(ours(&mut df, b','), polars(&mut df, b','));
    }
}
