//! Spreadsheet exports (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`), read with calamine: the
//! first sheet or `--sheet NAME`, its first used row as the header, typed cells (a date cell
//! is a date, not Excel's serial number). The sheet becomes a table in memory that the
//! readers scan like any other input, so the column mapping, the row numbers and the errors
//! are those of every other format.

use std::path::Path;

use anyhow::Result;
use calamine::{Data, Reader};
use polars::prelude::*;

use crate::error::CkmError;

/// A sheet made into a table, and the spreadsheet row number of its first data row (the
/// header's row plus one, counting from 1 as the spreadsheet does).
pub struct SheetTable {
    pub table: DataFrame,
    pub first_row: u32,
    pub sheet: String,
}

/// Reads `sheet` (or the first) of the workbook at `path`.
pub fn read_sheet(path: &Path, sheet: Option<&str>, display: &str) -> Result<SheetTable> {
    let mut workbook = calamine::open_workbook_auto(path)
        .map_err(|e| CkmError::invalid(format!("{display}: not a readable spreadsheet ({e})")))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(wanted)))
            .cloned()
            .ok_or_else(|| {
                CkmError::usage(format!(
                    "{display}: no sheet '{wanted}'; its sheets are {}",
                    quoted(&names)
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| CkmError::invalid(format!("{display}: the workbook has no sheet")))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| CkmError::invalid(format!("{display}: sheet '{name}': cannot be read ({e})")))?;
    let Some((start_row, start_column)) = range.start() else {
        return Err(CkmError::invalid(format!(
            "{display}: sheet '{name}' is empty; expected a header row and data"
        )));
    };
    let mut rows = range.rows();
    let header = rows.next().unwrap_or_default();
    let headers = header_names(header, start_column);
    let body: Vec<&[Data]> = rows.collect();
    let columns = headers
        .iter()
        .enumerate()
        .map(|(i, name)| typed_column(name, body.iter().map(|row| row.get(i).unwrap_or(&Data::Empty))))
        .collect::<PolarsResult<Vec<Column>>>()?;
    let table = anyhow::Context::with_context(DataFrame::new(body.len(), columns), || {
        format!("{display}: sheet '{name}'")
    })?;
    Ok(SheetTable {
        table,
        first_row: start_row + 2,
        sheet: name,
    })
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The header row's texts; a blank header cell is named after its spreadsheet column
/// (`column_D`), and a repeated name gets `_2`, `_3`, ... as polars would refuse it.
fn header_names(header: &[Data], start_column: u32) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    for (i, cell) in header.iter().enumerate() {
        let text = cell_text(cell).map(|t| t.trim().to_string()).unwrap_or_default();
        let mut name = if text.is_empty() {
            format!("column_{}", column_letters(start_column + i as u32))
        } else {
            text
        };
        if names.contains(&name) {
            let base = name.clone();
            let mut n = 2;
            while names.contains(&name) {
                name = format!("{base}_{n}");
                n += 1;
            }
        }
        names.push(name);
    }
    names
}

/// A spreadsheet column's letters: 0 is A, 25 Z, 26 AA.
fn column_letters(mut index: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// What a column's cells are, from all of them: dates, whole numbers, numbers or booleans
/// when every filled cell is one; text otherwise, each cell written as the spreadsheet shows
/// its value (a whole number without `.0`, a date as `YYYY-MM-DD HH:MM:SS`).
#[derive(Debug, PartialEq, Eq)]
enum CellKind {
    Empty,
    Date,
    Integer,
    Number,
    Boolean,
    Text,
}

fn kind_of(cell: &Data) -> CellKind {
    match cell {
        Data::Empty => CellKind::Empty,
        Data::DateTime(d) if d.is_datetime() => CellKind::Date,
        Data::Int(_) => CellKind::Integer,
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => CellKind::Integer,
        Data::Float(_) => CellKind::Number,
        Data::Bool(_) => CellKind::Boolean,
        _ => CellKind::Text,
    }
}

fn typed_column<'a>(name: &str, cells: impl Iterator<Item = &'a Data> + Clone) -> PolarsResult<Column> {
    let mut kind = CellKind::Empty;
    for cell in cells.clone() {
        kind = match (kind, kind_of(cell)) {
            (k, CellKind::Empty) => k,
            (CellKind::Empty, k) => k,
            (CellKind::Integer, CellKind::Number) | (CellKind::Number, CellKind::Integer) => CellKind::Number,
            (a, b) if a == b => a,
            _ => CellKind::Text,
        };
        if kind == CellKind::Text {
            break;
        }
    }
    let name: PlSmallStr = name.into();
    Ok(match kind {
        CellKind::Date => {
            let millis: Vec<Option<i64>> = cells.map(date_millis).collect();
            Column::new(name, millis).cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?
        }
        CellKind::Integer => {
            let values: Vec<Option<i64>> = cells
                .map(|c| match c {
                    Data::Int(i) => Some(*i),
                    Data::Float(f) => Some(*f as i64),
                    _ => None,
                })
                .collect();
            Column::new(name, values)
        }
        CellKind::Number => {
            let values: Vec<Option<f64>> = cells
                .map(|c| match c {
                    Data::Int(i) => Some(*i as f64),
                    Data::Float(f) => Some(*f),
                    _ => None,
                })
                .collect();
            Column::new(name, values)
        }
        CellKind::Boolean => {
            let values: Vec<Option<bool>> = cells
                .map(|c| match c {
                    Data::Bool(b) => Some(*b),
                    _ => None,
                })
                .collect();
            Column::new(name, values)
        }
        CellKind::Empty | CellKind::Text => {
            let values: Vec<Option<String>> = cells.map(cell_text).collect();
            Column::new(name, values)
        }
    })
}

/// A date cell as milliseconds since 1970-01-01 (no time zone: spreadsheets have none).
fn date_millis(cell: &Data) -> Option<i64> {
    let Data::DateTime(d) = cell else {
        return None;
    };
    let (year, month, day, hour, minute, second, milli) = d.to_ymd_hms_milli();
    let date = chrono::NaiveDate::from_ymd_opt(year.into(), month.into(), day.into())?;
    let time =
        chrono::NaiveTime::from_hms_milli_opt(hour.into(), minute.into(), second.into(), milli.into())?;
    Some(date.and_time(time).and_utc().timestamp_millis())
}

/// A cell as the text it shows; `None` for an empty one.
fn cell_text(cell: &Data) -> Option<String> {
    Some(match cell {
        Data::Empty => return None,
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
            if ms == 0 {
                format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}.{ms:03}")
            }
        }
        // A duration, as its number of days.
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    fn date(serial: f64) -> Data {
        Data::DateTime(ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false))
    }

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn blank_and_repeated_headers_get_names() {
        let header = [
            Data::String("Qty".into()),
            Data::Empty,
            Data::String("Qty".into()),
            Data::Int(2024),
        ];
        assert_eq!(header_names(&header, 1), ["Qty", "column_C", "Qty_2", "2024"]);
    }

    #[test]
    fn columns_are_typed_by_all_their_cells() {
        // 2011-12-01 08:26:00 is serial 40878.35138888889 in the 1900 system.
        let dates = [date(40878.35138888889), Data::Empty, date(40879.5)];
        let column = typed_column("InvoiceDate", dates.iter()).unwrap();
        assert_eq!(column.dtype(), &DataType::Datetime(TimeUnit::Milliseconds, None));
        let text: Vec<Option<String>> = column
            .cast(&DataType::String)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.map(str::to_string))
            .collect();
        assert_eq!(
            text,
            [
                Some("2011-12-01 08:26:00.000".to_string()),
                None,
                Some("2011-12-02 12:00:00.000".to_string())
            ]
        );
        // Whole numbers stay whole: an id 17850 is not 17850.0.
        let ids = [Data::Float(17850.0), Data::Int(13047)];
        let column = typed_column("CustomerID", ids.iter()).unwrap();
        assert_eq!(column.dtype(), &DataType::Int64);
        let prices = [Data::Float(2.55), Data::Int(3)];
        assert_eq!(
            typed_column("UnitPrice", prices.iter()).unwrap().dtype(),
            &DataType::Float64
        );
        // Mixed numbers and texts are text, each as the sheet shows it.
        let codes = [
            Data::String("85123A".into()),
            Data::Float(71053.0),
            Data::Float(2.5),
        ];
        let column = typed_column("StockCode", codes.iter()).unwrap();
        let text: Vec<&str> = column.str().unwrap().iter().flatten().collect();
        assert_eq!(text, ["85123A", "71053", "2.5"]);
    }
}
