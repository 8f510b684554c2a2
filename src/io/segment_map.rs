//! A user's RFM segment map (`ckm segment --segment-map FILE`), as CSV or TOML: named rules
//! on R and F score ranges, first match wins.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::error::CkmError;
use crate::mining::rfm::{self, SegmentRule};

/// Reads a segment map: TOML when the file name ends in `.toml`, CSV otherwise. Every score
/// pair must be covered.
pub fn read(path: &Path) -> Result<Vec<SegmentRule>> {
    let is_toml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let rules = if is_toml {
        read_toml(path)?
    } else {
        read_csv(path)?
    };
    if rules.is_empty() {
        return Err(CkmError::invalid(format!(
            "--segment-map {}: no rules in the file",
            path.display()
        )));
    }
    check_coverage(&rules, &path.display())?;
    Ok(rules)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlMap {
    segment: Vec<TomlRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlRule {
    name: String,
    r: ScoreRange,
    f: ScoreRange,
}

/// `4` or `[4, 5]`.
#[derive(Deserialize)]
#[serde(untagged)]
enum ScoreRange {
    One(i64),
    Range([i64; 2]),
}

/// The TOML form:
///
/// ```toml
/// [[segment]]
/// name = "Champions"
/// r = [4, 5]
/// f = [4, 5]
/// ```
fn read_toml(path: &Path) -> Result<Vec<SegmentRule>> {
    let display = path.display();
    let text = std::fs::read_to_string(path).with_context(|| format!("reading --segment-map {display}"))?;
    let map: TomlMap = toml::from_str(&text).map_err(|e| {
        CkmError::invalid(format!(
            "--segment-map {display}: {}; each rule is a [[segment]] table with name = \"...\", r = [min, max] and f = [min, max] (scores 1 to 5)",
            e.to_string().trim_end()
        ))
    })?;
    map.segment
        .into_iter()
        .enumerate()
        .map(|(i, rule)| {
            let range = |range: ScoreRange, letter: &str| -> Result<(u8, u8)> {
                let (low, high) = match range {
                    ScoreRange::One(v) => (v, v),
                    ScoreRange::Range([a, b]) => (a, b),
                };
                let valid = |v: i64| (1..=5).contains(&v);
                if !valid(low) || !valid(high) || low > high {
                    return Err(CkmError::invalid(format!(
                        "--segment-map {display}: segment {} ('{}'), {letter} = [{low}, {high}]: scores run from 1 to 5, low to high",
                        i + 1,
                        rule.name
                    )));
                }
                Ok((low as u8, high as u8))
            };
            Ok(SegmentRule {
                name: rule.name.trim().to_string(),
                r: range(rule.r, "r")?,
                f: range(rule.f, "f")?,
            })
        })
        .collect()
}

/// The CSV form: `segment,r_min,r_max,f_min,f_max`.
/// A user's segment map: CSV with `segment,r_min,r_max,f_min,f_max` (scores 1..5), first
/// matching rule wins; every score pair must be covered.
fn read_csv(path: &Path) -> Result<Vec<SegmentRule>> {
    let display = path.display();
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("reading --segment-map {display}"))?;
    let headers: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let wanted = ["segment", "r_min", "r_max", "f_min", "f_max"];
    let positions: Vec<usize> = wanted
        .iter()
        .map(|w| {
            headers.iter().position(|h| h == w).ok_or_else(|| {
                CkmError::invalid(format!(
                    "--segment-map {display}: no '{w}' column; the header must be segment,r_min,r_max,f_min,f_max"
                ))
            })
        })
        .collect::<Result<_>>()?;
    let mut rules = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.with_context(|| format!("--segment-map {display}: row {}", i + 2))?;
        let score = |p: usize, name: &str| -> Result<u8> {
            let text = row.get(positions[p]).unwrap_or("").trim();
            text.parse::<u8>()
                .ok()
                .filter(|s| (1..=5).contains(s))
                .ok_or_else(|| {
                    CkmError::invalid(format!(
                        "--segment-map {display}: row {}, column {name}: '{text}' is not a score from 1 to 5",
                        i + 2
                    ))
                })
        };
        rules.push(SegmentRule {
            name: row.get(positions[0]).unwrap_or("").trim().to_string(),
            r: (score(1, "r_min")?, score(2, "r_max")?),
            f: (score(3, "f_min")?, score(4, "f_max")?),
        });
    }
    Ok(rules)
}

/// Every (R, F) pair must fall under some rule, or customers would go unnamed.
fn check_coverage(rules: &[SegmentRule], display: &std::path::Display) -> Result<()> {
    let missing = rfm::uncovered(rules);
    if !missing.is_empty() {
        let shown: Vec<String> = missing
            .iter()
            .take(8)
            .map(|(r, f)| format!("R{r} F{f}"))
            .collect();
        return Err(CkmError::invalid(format!(
            "--segment-map {display}: no rule covers {}{}; add a catch-all last rule (CSV: Other,1,5,1,5; TOML: name = \"Other\", r = [1, 5], f = [1, 5])",
            shown.join(", "),
            if missing.len() > 8 { ", ..." } else { "" }
        )));
    }
    Ok(())
}
