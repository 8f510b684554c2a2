//! Spreadsheet exports (.xlsx) read as their CSV twins: typed cells, the same mapping, the
//! spreadsheet's row numbers, the same errors. The workbooks are written here with
//! rust_xlsxwriter, with dates as date cells and ids as numbers, as Excel saves them.

mod common;

use common::{stderr_of, Workdir};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// Online Retail's columns; an InvoiceDate a date cell, CustomerID a number (17850, which
/// must not come out as 17850.0), StockCode numbers and texts mixed, one Quantity a text.
const LINES: &[(&str, &str, &str, &str, &str, f64, f64)] = &[
    (
        "536365",
        "85123A",
        "WHITE HANGING HEART",
        "6",
        "2010-12-01 08:26:00",
        2.55,
        17850.0,
    ),
    (
        "536365",
        "71053",
        "WHITE METAL LANTERN",
        "6",
        "2010-12-01 08:26:00",
        3.39,
        17850.0,
    ),
    (
        "536366",
        "22633",
        "HAND WARMER UNION JACK",
        "two",
        "2010-12-01 08:28:00",
        1.85,
        17850.0,
    ),
    (
        "C536379",
        "D",
        "Discount",
        "-1",
        "2010-12-01 09:41:00",
        27.5,
        14527.0,
    ),
    (
        "536367",
        "84879",
        "ASSORTED COLOUR BIRD",
        "32",
        "2010-12-01 08:34:00",
        1.69,
        13047.0,
    ),
];
const HEADERS: [&str; 7] = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
];

fn csv_twin() -> String {
    let mut text = HEADERS.join(",") + "\n";
    for (invoice, code, description, quantity, date, price, customer) in LINES {
        text.push_str(&format!(
            "{invoice},{code},{description},{quantity},{date},{price},{customer}\n"
        ));
    }
    text
}

/// The lines on a sheet named `name` whose header is on row `header_row` (0-based), after
/// a first sheet of notes when `notes_first`.
fn workbook(path: &std::path::Path, name: &str, header_row: u32, notes_first: bool) {
    let mut book = Workbook::new();
    if notes_first {
        let notes = book.add_worksheet();
        notes.set_name("Notes").unwrap();
        notes
            .write_string(0, 0, "Exported from the shop's back office")
            .unwrap();
    }
    let sheet = book.add_worksheet();
    sheet.set_name(name).unwrap();
    let date_format = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    for (c, header) in HEADERS.iter().enumerate() {
        sheet.write_string(header_row, c as u16, *header).unwrap();
    }
    for (i, (invoice, code, description, quantity, date, price, customer)) in LINES.iter().enumerate() {
        let r = header_row + 1 + i as u32;
        match invoice.parse::<f64>() {
            Ok(n) => sheet.write_number(r, 0, n).unwrap(),
            Err(_) => sheet.write_string(r, 0, *invoice).unwrap(),
        };
        match code.parse::<f64>() {
            Ok(n) => sheet.write_number(r, 1, n).unwrap(),
            Err(_) => sheet.write_string(r, 1, *code).unwrap(),
        };
        sheet.write_string(r, 2, *description).unwrap();
        match quantity.parse::<f64>() {
            Ok(n) => sheet.write_number(r, 3, n).unwrap(),
            Err(_) => sheet.write_string(r, 3, *quantity).unwrap(),
        };
        let when = ExcelDateTime::parse_from_str(date).unwrap();
        sheet
            .write_datetime_with_format(r, 4, &when, &date_format)
            .unwrap();
        sheet.write_number(r, 5, *price).unwrap();
        sheet.write_number(r, 6, *customer).unwrap();
    }
    book.save(path).unwrap();
}

fn ingest(wd: &Workdir, args: &[&str]) -> common::Table {
    let mut all = vec!["ingest"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-q", "-o", "-"]);
    let output = wd.run(&all);
    assert!(output.status.success(), "{}", stderr_of(&output));
    common::Table::parse(&output.stdout, b',')
}

#[test]
fn an_xlsx_export_reads_as_its_csv_twin() {
    let wd = Workdir::new();
    wd.write("orders.csv", csv_twin());
    workbook(&wd.path("orders.xlsx"), "Orders", 0, false);
    let csv = ingest(&wd, &["orders.csv"]);
    let xlsx = ingest(&wd, &["orders.xlsx"]);
    for column in [
        "customer_id",
        "order_id",
        "ts",
        "quantity",
        "unit_price",
        "amount",
        "item_id",
        "source_row",
        "ingest_issue",
    ] {
        assert_eq!(xlsx.column(column), csv.column(column), "{column}");
    }
    assert_eq!(xlsx.column("customer_id")[0], "17850");
    assert_eq!(xlsx.column("ts")[0], "2010-12-01 08:26:00.000");
    assert_eq!(xlsx.column("item_id")[..2], ["85123A", "71053"]);
    // The text quantity is flagged on its spreadsheet row (the header is row 1).
    assert_eq!(xlsx.column("source_row")[2], "4");
    assert_eq!(
        xlsx.column("ingest_issue")[2],
        "column 'Quantity': 'two' is not a number"
    );
    // On stdin, told by its bytes.
    let output = wd
        .ckm()
        .args(["ingest", "-", "-q", "-o", "-"])
        .write_stdin(std::fs::read(wd.path("orders.xlsx")).unwrap())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        common::Table::parse(&output.stdout, b',').column("ts"),
        csv.column("ts")
    );
}

/// `--sheet NAME` chooses the sheet; the row numbers are the spreadsheet's, wherever the
/// header row is; a sheet that is not there is named with the ones that are.
#[test]
fn a_sheet_is_chosen_by_name_and_rows_keep_their_numbers() {
    let wd = Workdir::new();
    workbook(&wd.path("book.xlsx"), "Orders 2010", 2, true);
    let table = ingest(&wd, &["book.xlsx", "--sheet", "Orders 2010"]);
    assert_eq!(table.len(), LINES.len());
    assert_eq!(table.column("source_row"), ["4", "5", "6", "7", "8"]);
    let stderr = wd.fails(&["ingest", "book.xlsx", "--sheet", "Orders", "-q"], 2);
    assert!(
        stderr.contains("book.xlsx: no sheet 'Orders'; its sheets are 'Notes', 'Orders 2010'"),
        "{stderr}"
    );
    // The first sheet by default: the notes, which have no orders' columns.
    let stderr = wd.fails(&["ingest", "book.xlsx", "-q"], 3);
    assert!(
        stderr.contains("book.xlsx: no column for the required field"),
        "{stderr}"
    );
}

/// A sheet without a header row fails as a CSV without one does.
#[test]
fn a_sheet_without_a_header_row_fails_as_a_csv_does() {
    let wd = Workdir::new();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_number(0, 0, 17850.0).unwrap();
    sheet.write_number(0, 1, 6.0).unwrap();
    sheet.write_number(1, 0, 13047.0).unwrap();
    sheet.write_number(1, 1, 32.0).unwrap();
    book.save(wd.path("numbers.xlsx")).unwrap();
    wd.write("numbers.csv", "17850,6\n13047,32\n");
    let from_csv = wd.fails(&["ingest", "numbers.csv", "-q"], 3);
    let from_xlsx = wd.fails(&["ingest", "numbers.xlsx", "-q"], 3);
    assert_eq!(from_xlsx.replace("numbers.xlsx", "numbers.csv"), from_csv);
}
