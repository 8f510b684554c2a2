//! The files given in place of an analysis (`--segments`, `--rules`, `--forecast`, `--clv`,
//! `--churn`: the outputs of earlier runs), read into what the sections show of them.

use std::path::Path;

use anyhow::{Context, Result};

use super::results::{ChurnScores, CustomerSegments, CustomerValues, RevenueForecast, RevenuePoint, RuleRow};
use crate::error::CkmError;

/// A CSV output of another subcommand, as text.
pub struct TextTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl TextTable {
    pub fn read(path: &Path) -> Result<TextTable> {
        TextTable::read_columns(path, None)
    }

    /// Reads the file, keeping only the first column and the `wanted` ones (all without a
    /// list): the per-customer outputs have a million rows on big inputs.
    fn read_columns(path: &Path, wanted: Option<&[&str]>) -> Result<TextTable> {
        let mut reader =
            csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
        let all: Vec<String> = reader.headers()?.iter().map(str::to_string).collect();
        let keep: Vec<usize> = (0..all.len())
            .filter(|&j| j == 0 || wanted.is_none_or(|w| w.contains(&all[j].as_str())))
            .collect();
        let header = keep.iter().map(|&j| all[j].clone()).collect();
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        while reader
            .read_record(&mut record)
            .with_context(|| format!("reading {}", path.display()))?
        {
            rows.push(
                keep.iter()
                    .map(|&j| record.get(j).unwrap_or("").to_string())
                    .collect(),
            );
        }
        Ok(TextTable { header, rows })
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    pub fn text(&self, row: usize, name: &str) -> Option<&str> {
        self.index(name)
            .and_then(|j| self.rows[row].get(j))
            .map(String::as_str)
    }

    pub fn number(&self, row: usize, name: &str) -> Option<f64> {
        self.text(row, name)
            .and_then(|t| t.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite())
    }

    /// Reads a file that must have `columns`, keeping those and the `optional` ones.
    pub fn read_with(path: &Path, columns: &[&str], optional: &[&str], what: &str) -> Result<TextTable> {
        let wanted: Vec<&str> = columns.iter().chain(optional).copied().collect();
        let table = TextTable::read_columns(path, Some(&wanted))?;
        for c in columns {
            if table.index(c).is_none() {
                return Err(CkmError::invalid(format!(
                    "{}: not a {what} output: no column '{c}'",
                    path.display()
                )));
            }
        }
        Ok(table)
    }
}

/// Every row's value of a column as a number (`None` where it is not one).
fn numbers(t: &TextTable, name: &str) -> Vec<Option<f64>> {
    (0..t.rows.len()).map(|i| t.number(i, name)).collect()
}

/// Every row's value of a column as text (empty where the column is missing).
fn texts(t: &TextTable, name: &str) -> Vec<String> {
    (0..t.rows.len())
        .map(|i| t.text(i, name).unwrap_or("").to_string())
        .collect()
}

/// A `ckm segment` output.
pub fn segments(path: &Path) -> Result<CustomerSegments> {
    let t = TextTable::read_with(
        path,
        &["customer_id", "monetary", "r_score", "f_score", "rfm_segment"],
        &[],
        "ckm segment",
    )?;
    Ok(CustomerSegments {
        ids: texts(&t, "customer_id"),
        monetary: numbers(&t, "monetary"),
        r_score: numbers(&t, "r_score"),
        f_score: numbers(&t, "f_score"),
        segment: texts(&t, "rfm_segment"),
    })
}

/// A `ckm forecast customers` output.
pub fn customer_values(path: &Path) -> Result<CustomerValues> {
    let t = TextTable::read_with(
        path,
        &["customer_id", "p_alive", "expected_purchases"],
        &["clv"],
        "ckm forecast customers",
    )?;
    Ok(CustomerValues {
        ids: texts(&t, "customer_id"),
        p_alive: numbers(&t, "p_alive"),
        expected_purchases: numbers(&t, "expected_purchases"),
        clv: t.index("clv").map(|_| numbers(&t, "clv")),
    })
}

/// A `ckm churn` output.
pub fn churn_scores(path: &Path) -> Result<ChurnScores> {
    let t = TextTable::read_with(path, &["churn_probability", "risk_band"], &[], "ckm churn")?;
    Ok(ChurnScores {
        id_column: t.header[0].clone(),
        ids: t.rows.iter().map(|row| row[0].clone()).collect(),
        probability: numbers(&t, "churn_probability"),
        band: texts(&t, "risk_band"),
    })
}

/// A `ckm rules` output.
pub fn rules(path: &Path) -> Result<Vec<RuleRow>> {
    let t = TextTable::read_with(
        path,
        &["antecedent", "consequent", "support", "confidence", "lift"],
        &[],
        "ckm rules",
    )?;
    Ok((0..t.rows.len())
        .map(|i| RuleRow {
            antecedent: t.text(i, "antecedent").unwrap_or("").to_string(),
            consequent: t.text(i, "consequent").unwrap_or("").to_string(),
            support: t.number(i, "support"),
            confidence: t.number(i, "confidence"),
            lift: t.number(i, "lift"),
            customers: None,
        })
        .collect())
}

/// A `ckm forecast sales` output of one series (the report needs the total, not groups).
pub fn revenue(path: &Path) -> Result<RevenueForecast> {
    let t = TextTable::read_with(
        path,
        &["period", "kind", "value"],
        &["group", "lo_80", "hi_80", "lo_95", "hi_95", "model"],
        "ckm forecast sales",
    )?;
    // One series: a --by forecast's first group would be misread as the total.
    if t.index("group").is_some() || t.header[0] != "period" {
        return Err(CkmError::invalid(format!(
            "{}: a forecast per group; the report needs the total (ckm forecast sales without --by)",
            path.display()
        )));
    }
    let points = (0..t.rows.len())
        .map(|i| RevenuePoint {
            month: t.text(i, "period").unwrap_or("").chars().take(7).collect(),
            is_history: t.text(i, "kind") == Some("history"),
            is_forecast: t.text(i, "kind") == Some("forecast"),
            value: t.number(i, "value"),
            lo_80: t.number(i, "lo_80"),
            hi_80: t.number(i, "hi_80"),
            lo_95: t.number(i, "lo_95"),
            hi_95: t.number(i, "hi_95"),
        })
        .collect();
    let model = (0..t.rows.len())
        .find_map(|i| t.text(i, "model").filter(|m| !m.is_empty()))
        .map(str::to_string);
    Ok(RevenueForecast { points, model })
}
