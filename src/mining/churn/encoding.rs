//! From a customer table's columns to a numeric matrix, learned on the training data and
//! replayed on new data: numbers as they are (missing ones NaN, plus a missing-indicator
//! column when the training data had any), text one-hot encoded with rare and unseen levels
//! grouped into `other`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// One input column's values: numbers (None for missing) or text (None for blank).
#[derive(Debug, Clone, PartialEq)]
pub enum RawColumn {
    Numbers(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
}

impl RawColumn {
    pub fn len(&self) -> usize {
        match self {
            RawColumn::Numbers(v) => v.len(),
            RawColumn::Text(v) => v.len(),
        }
    }
}

/// The label of blank text, as a level of its own.
pub const BLANK_LEVEL: &str = "(blank)";
pub const OTHER_LEVEL: &str = "other";
/// Most levels one-hot encoded per column; less frequent ones join `other`.
const MAX_LEVELS: usize = 50;

/// How one input column becomes features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ColumnEncoding {
    /// One feature, NaN where missing; `median` fills it for models that need a number; with
    /// `missing_indicator`, a second feature is 1 where the value was missing.
    Numeric {
        column: String,
        median: f64,
        missing_indicator: bool,
    },
    /// One feature per level, then one for `other` (rare in training, or unseen).
    Categorical { column: String, levels: Vec<String> },
}

impl ColumnEncoding {
    pub fn column(&self) -> &str {
        match self {
            ColumnEncoding::Numeric { column, .. } | ColumnEncoding::Categorical { column, .. } => column,
        }
    }

    fn width(&self) -> usize {
        match self {
            ColumnEncoding::Numeric {
                missing_indicator, ..
            } => 1 + *missing_indicator as usize,
            ColumnEncoding::Categorical { levels, .. } => levels.len() + 1,
        }
    }
}

/// A level is rare below this many rows: at least 10, or 0.5% of the rows.
fn rare_below(rows: usize) -> usize {
    10.max(rows.div_ceil(200))
}

/// Learns the encoding of `columns` (name, values) from the training rows.
pub fn learn(columns: &[(String, RawColumn)]) -> Vec<ColumnEncoding> {
    columns
        .iter()
        .map(|(name, values)| match values {
            RawColumn::Numbers(v) => {
                let mut present: Vec<f64> = v.iter().flatten().copied().filter(|x| x.is_finite()).collect();
                present.sort_by(f64::total_cmp);
                let median = match present.len() {
                    0 => 0.0,
                    n if n % 2 == 1 => present[n / 2],
                    n => (present[n / 2 - 1] + present[n / 2]) / 2.0,
                };
                ColumnEncoding::Numeric {
                    column: name.clone(),
                    median,
                    missing_indicator: present.len() < v.len(),
                }
            }
            RawColumn::Text(v) => {
                let mut counts: HashMap<&str, usize> = HashMap::new();
                for value in v {
                    *counts.entry(value.as_deref().unwrap_or(BLANK_LEVEL)).or_default() += 1;
                }
                let mut levels: Vec<(&str, usize)> = counts
                    .into_iter()
                    .filter(|&(level, count)| count >= rare_below(v.len()) && level != OTHER_LEVEL)
                    .collect();
                // Most frequent first, ties by name: the same data always gives the same order.
                levels.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                levels.truncate(MAX_LEVELS);
                ColumnEncoding::Categorical {
                    column: name.clone(),
                    levels: levels.into_iter().map(|(l, _)| l.to_string()).collect(),
                }
            }
        })
        .collect()
}

/// The features' names, e.g. `tenure`, `TotalCharges (missing)`, `Contract=Two year`,
/// `Contract=other`.
pub fn feature_names(encodings: &[ColumnEncoding]) -> Vec<String> {
    let mut names = Vec::new();
    for e in encodings {
        match e {
            ColumnEncoding::Numeric {
                column,
                missing_indicator,
                ..
            } => {
                names.push(column.clone());
                if *missing_indicator {
                    names.push(format!("{column} (missing)"));
                }
            }
            ColumnEncoding::Categorical { column, levels } => {
                names.extend(levels.iter().map(|l| format!("{column}={l}")));
                names.push(format!("{column}={OTHER_LEVEL}"));
            }
        }
    }
    names
}

/// For each feature, the index of the input column it comes from.
pub fn feature_sources(encodings: &[ColumnEncoding]) -> Vec<usize> {
    encodings
        .iter()
        .enumerate()
        .flat_map(|(c, e)| std::iter::repeat_n(c, e.width()))
        .collect()
}

/// The row-major feature matrix of `columns` (in the encodings' order): missing numbers stay
/// NaN (trees route them; [`Scaling`] fills them for the linear model).
pub fn encode(encodings: &[ColumnEncoding], columns: &[&RawColumn]) -> Vec<f64> {
    let rows = columns.first().map(|c| c.len()).unwrap_or(0);
    let dims: usize = encodings.iter().map(ColumnEncoding::width).sum();
    let mut x = vec![0.0; rows * dims];
    let mut offset = 0;
    for (e, values) in encodings.iter().zip(columns) {
        match (e, values) {
            (
                ColumnEncoding::Numeric {
                    missing_indicator, ..
                },
                column,
            ) => {
                for i in 0..rows {
                    let v = match column {
                        RawColumn::Numbers(v) => v[i].filter(|x| x.is_finite()),
                        RawColumn::Text(v) => v[i].as_deref().and_then(|t| t.trim().parse::<f64>().ok()),
                    };
                    x[i * dims + offset] = v.unwrap_or(f64::NAN);
                    if *missing_indicator && v.is_none() {
                        x[i * dims + offset + 1] = 1.0;
                    }
                }
            }
            (ColumnEncoding::Categorical { levels, .. }, column) => {
                let index: HashMap<&str, usize> =
                    levels.iter().enumerate().map(|(i, l)| (l.as_str(), i)).collect();
                for i in 0..rows {
                    let text: Option<String> = match column {
                        RawColumn::Text(v) => v[i].clone(),
                        RawColumn::Numbers(v) => v[i].map(|n| n.to_string()),
                    };
                    let level = text.as_deref().unwrap_or(BLANK_LEVEL);
                    let j = index.get(level).copied().unwrap_or(levels.len());
                    x[i * dims + offset + j] = 1.0;
                }
            }
        }
        offset += e.width();
    }
    x
}

/// What the linear model does to the matrix: missing numbers filled with the training
/// median, then every feature standardised with the training mean and standard deviation (a
/// constant feature stays 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    pub fill: Vec<f64>,
    pub mean: Vec<f64>,
    pub sd: Vec<f64>,
}

impl Scaling {
    pub fn learn(encodings: &[ColumnEncoding], x: &[f64], dims: usize) -> Scaling {
        let mut fill = Vec::with_capacity(dims);
        for e in encodings {
            match e {
                ColumnEncoding::Numeric {
                    median,
                    missing_indicator,
                    ..
                } => {
                    fill.push(*median);
                    if *missing_indicator {
                        fill.push(0.0);
                    }
                }
                ColumnEncoding::Categorical { levels, .. } => {
                    fill.extend(std::iter::repeat_n(0.0, levels.len() + 1))
                }
            }
        }
        let rows = x.len() / dims.max(1);
        let mut scaling = Scaling {
            fill,
            mean: vec![0.0; dims],
            sd: vec![0.0; dims],
        };
        let filled = scaling.filled(x, dims);
        for j in 0..dims {
            let mean = (0..rows).map(|i| filled[i * dims + j]).sum::<f64>() / rows.max(1) as f64;
            let variance = (0..rows)
                .map(|i| (filled[i * dims + j] - mean).powi(2))
                .sum::<f64>()
                / rows.max(1) as f64;
            scaling.mean[j] = mean;
            scaling.sd[j] = variance.sqrt();
        }
        scaling
    }

    fn filled(&self, x: &[f64], dims: usize) -> Vec<f64> {
        x.iter()
            .enumerate()
            .map(|(k, &v)| if v.is_nan() { self.fill[k % dims] } else { v })
            .collect()
    }

    /// The filled, standardised matrix.
    pub fn apply(&self, x: &[f64], dims: usize) -> Vec<f64> {
        let mut out = self.filled(x, dims);
        for (k, v) in out.iter_mut().enumerate() {
            let j = k % dims;
            *v = if self.sd[j] > 0.0 {
                (*v - self.mean[j]) / self.sd[j]
            } else {
                0.0
            };
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(values: &[&str]) -> RawColumn {
        RawColumn::Text(
            values
                .iter()
                .map(|v| (!v.is_empty()).then(|| v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn numbers_keep_nan_and_get_an_indicator() {
        let columns = vec![(
            "spend".to_string(),
            RawColumn::Numbers(vec![Some(1.0), None, Some(3.0)]),
        )];
        let e = learn(&columns);
        assert_eq!(
            e,
            vec![ColumnEncoding::Numeric {
                column: "spend".into(),
                median: 2.0,
                missing_indicator: true
            }]
        );
        assert_eq!(feature_names(&e), vec!["spend", "spend (missing)"]);
        let x = encode(&e, &[&columns[0].1]);
        assert_eq!(x[0], 1.0);
        assert!(x[2].is_nan());
        assert_eq!(&x[3..], &[1.0, 3.0, 0.0]);
        let s = Scaling::learn(&e, &x, 2);
        let z = s.apply(&x, 2);
        // Filled: 1, 2, 3 → standardised −1.2247, 0, 1.2247.
        assert!((z[0] + 1.224_744_871).abs() < 1e-6 && z[2].abs() < 1e-12);
    }

    #[test]
    fn rare_and_unseen_levels_go_to_other() {
        let mut values = vec!["DSL"; 12];
        values.extend(vec!["Fiber"; 10]);
        values.extend(["Satellite", ""]);
        let column = text(&values);
        let e = learn(&[("internet".to_string(), column.clone())]);
        assert_eq!(
            feature_names(&e),
            vec!["internet=DSL", "internet=Fiber", "internet=other"]
        );
        let new = text(&["Fiber", "Cable", ""]);
        let x = encode(&e, &[&new]);
        assert_eq!(x, vec![0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
        assert_eq!(feature_sources(&e), vec![0, 0, 0]);
    }
}
