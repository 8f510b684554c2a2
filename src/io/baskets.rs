//! Basket files for market-basket mining: one basket per line, items separated by commas,
//! tabs or spaces, no header. Baskets from a transactions table are `prepare::baskets`.

use std::io::Read;

use anyhow::{Context, Result};
use foldhash::HashMap;

use crate::error::CkmError;

/// Baskets of item numbers, with the item names.
pub struct Baskets {
    pub items: Vec<String>,
    pub baskets: Vec<Vec<u32>>,
    /// Lines (or table rows) read.
    pub lines: u64,
    /// Blank lines of a basket file (no basket), or rows of a table left out (to rejects).
    pub skipped: u64,
}

/// Item names to dense numbers, in order of first appearance.
#[derive(Default)]
pub struct ItemCodes {
    pub index: HashMap<String, u32>,
    pub names: Vec<String>,
}

impl ItemCodes {
    pub fn code(&mut self, name: &str) -> u32 {
        if let Some(&code) = self.index.get(name) {
            return code;
        }
        let code = self.names.len() as u32;
        self.index.insert(name.to_string(), code);
        self.names.push(name.to_string());
        code
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    Comma,
    Tab,
    Whitespace,
}

/// Reads a basket file (`-` for stdin). The separator is sniffed from the first non-blank
/// line: a comma (the arules Groceries CSV, with CSV quoting), else a tab, else runs of
/// spaces (the FIMI `.dat` files). Items are trimmed; empty ones (a trailing separator) are
/// ignored; blank lines are counted and skipped.
pub fn read_basket_file(path: &str) -> Result<Baskets> {
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading baskets from stdin")?;
    } else {
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .with_context(|| format!("reading {path}"))?;
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        CkmError::invalid(format!(
            "{path}: line {line} is not valid UTF-8; convert the file to UTF-8 (e.g. iconv -f LATIN1 -t UTF-8)"
        ))
    })?;
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let separator = if first.contains(',') {
        Separator::Comma
    } else if first.contains('\t') {
        Separator::Tab
    } else {
        Separator::Whitespace
    };
    let mut codes = ItemCodes::default();
    let mut baskets = Vec::new();
    let mut lines = 0u64;
    let mut blank = 0u64;
    if separator == Separator::Comma {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut record = csv::StringRecord::new();
        loop {
            let more = reader.read_record(&mut record).map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(lines + 1);
                CkmError::invalid(format!("{path}: line {line}: {e}"))
            })?;
            if !more {
                break;
            }
            let line = record.position().map(|p| p.line()).unwrap_or(lines + 1);
            // The csv reader skips blank lines; count them from the line numbers.
            blank += line.saturating_sub(lines + 1);
            lines = line;
            let basket: Vec<u32> = record
                .iter()
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| codes.code(item))
                .collect();
            if basket.is_empty() {
                blank += 1;
            } else {
                baskets.push(basket);
            }
        }
        // Blank lines at the end of the file.
        let total_lines = text.lines().count() as u64;
        blank += total_lines.saturating_sub(lines);
        lines = total_lines;
    } else {
        for line in text.lines() {
            lines += 1;
            let items: Box<dyn Iterator<Item = &str>> = match separator {
                Separator::Tab => Box::new(line.split('\t')),
                _ => Box::new(line.split_ascii_whitespace()),
            };
            let basket: Vec<u32> = items
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| codes.code(item))
                .collect();
            if basket.is_empty() {
                blank += 1;
            } else {
                baskets.push(basket);
            }
        }
    }
    Ok(Baskets {
        items: codes.names,
        baskets,
        lines,
        skipped: blank,
    })
}
