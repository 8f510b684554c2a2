//! Fitted customer-base models as JSON (`ckm forecast customers --model-out`), read back by
//! `--model PATH` so that a nightly job scores new data with last month's fit.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::error::CkmError;
use crate::io::write;
use crate::mining::btyd::TimeUnit;
use crate::mining::btyd::{Fit, Model};

/// Changes when a saved model stops meaning what it meant.
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct SavedModels {
    pub format_version: u32,
    pub ckm_version: String,
    pub time_unit: TimeUnit,
    /// The last day of the data the models were fitted on (YYYY-MM-DD), when known.
    pub calibration_end: Option<String>,
    pub purchases: SavedFit,
    /// The Gamma-Gamma spend model, when one was fitted.
    pub spend: Option<SavedFit>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SavedFit {
    /// `bgnbd`, `pareto-nbd`, `mbgnbd` or `gamma-gamma`.
    pub kind: String,
    pub parameters: BTreeMap<String, f64>,
    /// `null` where the Hessian gave none.
    pub standard_errors: BTreeMap<String, Option<f64>>,
    pub log_likelihood: f64,
    pub iterations: usize,
    pub converged: bool,
    pub customers: usize,
}

pub fn model_name(model: Model) -> &'static str {
    match model {
        Model::BgNbd => "bgnbd",
        Model::ParetoNbd => "pareto-nbd",
        Model::MbgNbd => "mbgnbd",
    }
}

pub fn model_from_name(name: &str) -> Option<Model> {
    match name {
        "bgnbd" => Some(Model::BgNbd),
        "pareto-nbd" => Some(Model::ParetoNbd),
        "mbgnbd" => Some(Model::MbgNbd),
        _ => None,
    }
}

impl SavedFit {
    pub fn new(kind: &str, fit: &Fit, customers: usize) -> Self {
        let named = |values: &[f64]| -> BTreeMap<String, Option<f64>> {
            fit.names
                .iter()
                .zip(values)
                .map(|(n, v)| (n.to_string(), v.is_finite().then_some(*v)))
                .collect()
        };
        Self {
            kind: kind.to_string(),
            parameters: named(&fit.parameters)
                .into_iter()
                .map(|(n, v)| (n, v.unwrap_or(f64::NAN)))
                .collect(),
            standard_errors: named(&fit.standard_errors),
            log_likelihood: fit.log_likelihood,
            iterations: fit.iterations,
            converged: fit.converged,
            customers,
        }
    }

    /// The parameters in the order of `names`, or an error naming the missing or unusable
    /// one.
    pub fn ordered(&self, names: &[&str], path: &Path) -> Result<Vec<f64>> {
        names
            .iter()
            .map(|name| match self.parameters.get(*name) {
                Some(v) if v.is_finite() && *v > 0.0 => Ok(*v),
                _ => Err(CkmError::invalid(format!(
                    "{}: the {} model needs a positive parameter '{name}'; refit with --model-out",
                    path.display(),
                    self.kind
                ))),
            })
            .collect()
    }
}

pub fn write_models(path: &Path, models: &SavedModels) -> Result<()> {
    let text = serde_json::to_string_pretty(models)? + "\n";
    write::write_atomically(path, false, |w| Ok(w.write_all(text.as_bytes())?))?;
    Ok(())
}

pub fn read_models(path: &Path) -> Result<SavedModels> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading the model {}", path.display()))?;
    let models: SavedModels = serde_json::from_str(&text).map_err(|e| {
        CkmError::invalid(format!(
            "{}: not a model written by ckm forecast customers --model-out ({e})",
            path.display()
        ))
    })?;
    if models.format_version != FORMAT_VERSION {
        return Err(CkmError::invalid(format!(
            "{}: model format {} is not the {FORMAT_VERSION} this ckm reads; refit with --model-out",
            path.display(),
            models.format_version
        )));
    }
    Ok(models)
}

impl SavedModels {
    pub fn new(
        time_unit: TimeUnit,
        calibration_end: Option<String>,
        purchases: SavedFit,
        spend: Option<SavedFit>,
    ) -> Self {
        Self {
            format_version: FORMAT_VERSION,
            ckm_version: env!("CARGO_PKG_VERSION").to_string(),
            time_unit,
            calibration_end,
            purchases,
            spend,
        }
    }
}
