//! Trained churn models as JSON (`ckm churn train --model-out`), read back by `ckm churn
//! score --model` so that a nightly job scores new customers with the model it was given.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::error::CkmError;
use crate::io::write;
use crate::mining::churn::bands::BandCutoffs;
use crate::mining::churn::encoding::ColumnEncoding;
use crate::mining::churn::Classifier;

/// Changes when a saved model stops meaning what it meant.
pub const FORMAT_VERSION: u32 = 1;

/// What the model was trained on, which says what `score` needs as input.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TrainingSource {
    /// A customer table with a label column.
    Labelled {
        target: String,
        id_column: Option<String>,
    },
    /// Transactions, labels derived: churned = no purchase in `window_days` after `cutoff`.
    Transactions { cutoff: String, window_days: u32 },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedChurnModel {
    pub format_version: u32,
    pub ckm_version: String,
    pub source: TrainingSource,
    /// The encoded features' names, in the model's order.
    pub features: Vec<String>,
    pub encodings: Vec<ColumnEncoding>,
    pub classifier: Classifier,
    pub band_cutoffs: BandCutoffs,
    /// The probability from which a customer counts as predicted to churn (best F1 out of fold).
    pub threshold: f64,
    /// The training run's metrics, as `--metrics` writes them.
    pub training_metrics: serde_json::Value,
    /// sha256 of the training input file, when it was a file.
    pub training_data_sha256: Option<String>,
}

pub fn write_model(path: &Path, model: &SavedChurnModel) -> Result<()> {
    let text = serde_json::to_string_pretty(model)?;
    write::write_atomically(path, false, |w| Ok(w.write_all(text.as_bytes())?))?;
    Ok(())
}

pub fn read_model(path: &Path) -> Result<SavedChurnModel> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading the model {}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| CkmError::invalid(format!("{}: not a churn model file ({e})", path.display())))?;
    let version = value.get("format_version").and_then(|v| v.as_u64());
    if version != Some(FORMAT_VERSION as u64) {
        return Err(CkmError::invalid(format!(
            "{}: churn model format_version {} is not {FORMAT_VERSION}, the one this ckm reads; retrain it with this version",
            path.display(),
            version.map_or("(none)".to_string(), |v| v.to_string())
        )));
    }
    serde_json::from_value(value).map_err(|e| {
        CkmError::invalid(format!(
            "{}: not a churn model saved by `ckm churn train --model-out` ({e})",
            path.display()
        ))
    })
}

/// The fold of each of `ids` from an `id,fold` CSV (`--folds-file`): every customer needs
/// one, below `folds`.
pub fn read_folds(path: &Path, ids: &[String], folds: usize) -> Result<Vec<usize>> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| CkmError::invalid(format!("{}: cannot be read: {e}", path.display())))?;
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (n, row) in reader.records().enumerate() {
        let row = row.map_err(|e| CkmError::invalid(format!("{}: row {}: {e}", path.display(), n + 2)))?;
        let fold = row
            .get(1)
            .and_then(|f| f.trim().parse::<usize>().ok())
            .ok_or_else(|| {
                CkmError::invalid(format!(
                    "{}: row {}: the second column must be a fold number (id,fold)",
                    path.display(),
                    n + 2
                ))
            })?;
        by_id.insert(row.get(0).unwrap_or("").trim().to_string(), fold);
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let fold = *by_id
            .get(id)
            .ok_or_else(|| CkmError::invalid(format!("{}: no fold for customer '{id}'", path.display())))?;
        if fold >= folds {
            return Err(CkmError::invalid(format!(
                "{}: customer '{id}' is in fold {fold}, but --folds is {folds}",
                path.display()
            )));
        }
        out.push(fold);
    }
    Ok(out)
}
