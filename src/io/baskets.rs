//! Basket files for market-basket mining: one basket per line, items separated by commas,
//! tabs or spaces, no header. Baskets from a transactions table are `prepare::baskets`.

use std::io::Read;

use anyhow::{Context, Result};
use foldhash::HashMap;

use crate::error::CkmError;

/// Baskets of item numbers, with the item names (numbered in name order: see
/// [`Baskets::numbered_by_name`]).
pub struct Baskets {
    pub items: Vec<String>,
    pub baskets: Vec<Vec<u32>>,
    /// How many baskets each of `baskets` stands for, or empty when each is one. Spark sends
    /// the baskets reduced to their frequent items, the same ones once with their count.
    pub weights: Vec<u64>,
    /// Baskets not in `baskets` because none of their items is frequent: they count in the
    /// denominator of every support, and nowhere else.
    pub without_frequent_items: u64,
    /// Lines (or table rows) read.
    pub lines: u64,
    /// Blank lines of a basket file (no basket), or rows of a table left out (to rejects).
    pub skipped: u64,
    /// Each basket's customer (a number, the same for the same customer), when known and
    /// asked for (a policy's min_group counts the customers behind a rule); empty otherwise.
    pub customers: Vec<u32>,
}

impl Baskets {
    /// Each basket once, numbered as they came.
    pub fn new(items: Vec<String>, baskets: Vec<Vec<u32>>, lines: u64, skipped: u64) -> Baskets {
        Baskets {
            items,
            baskets,
            weights: Vec::new(),
            without_frequent_items: 0,
            lines,
            skipped,
            customers: Vec::new(),
        }
    }

    /// The number of baskets: the denominator of supports.
    pub fn count(&self) -> u64 {
        let listed = if self.weights.is_empty() {
            self.baskets.len() as u64
        } else {
            self.weights.iter().sum()
        };
        listed + self.without_frequent_items
    }

    /// The items renumbered in name order (byte order), so that what depends on the numbers
    /// (the order of itemsets, ties between equally frequent items) does not depend on the
    /// order of the lines, and the engines number alike.
    pub fn numbered_by_name(mut self) -> Baskets {
        let mut by_name: Vec<u32> = (0..self.items.len() as u32).collect();
        by_name.sort_unstable_by(|&a, &b| self.items[a as usize].cmp(&self.items[b as usize]));
        let mut new_code = vec![0u32; self.items.len()];
        for (new, &old) in by_name.iter().enumerate() {
            new_code[old as usize] = new as u32;
        }
        for basket in &mut self.baskets {
            for item in basket.iter_mut() {
                *item = new_code[*item as usize];
            }
        }
        let mut names: Vec<Option<String>> = self.items.into_iter().map(Some).collect();
        self.items = by_name
            .iter()
            .map(|&old| names[old as usize].take().expect("each code once"))
            .collect();
        self
    }
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
    Ok(Baskets::new(codes.names, baskets, lines, blank).numbered_by_name())
}
