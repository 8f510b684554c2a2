//! Churn models: folds, logistic regression, gradient-boosted trees and the metrics that
//! compare them. Matrices are row-major `&[f64]` with a column count.

pub mod bands;
pub mod eligibility;
pub mod encoding;
pub mod folds;
pub mod gbdt;
pub mod logistic;
pub mod metrics;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use encoding::{ColumnEncoding, Scaling};
use gbdt::{Gbdt, GbdtParams};
use logistic::{sigmoid, Logistic};

/// The model families `--model` chooses from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    Logistic,
    Gbdt,
}

impl ModelKind {
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Logistic => "logistic",
            ModelKind::Gbdt => "gbdt",
        }
    }
}

/// A fitted classifier on the encoded features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Classifier {
    /// Logistic regression on filled, standardised features.
    Logistic {
        scaling: Scaling,
        model: Logistic,
    },
    Gbdt {
        model: Gbdt,
    },
}

/// L2 strength of the logistic model: scikit-learn's default C = 1.
const LOGISTIC_L2: f64 = 1.0;

/// Fits `kind` on the row-major `x` (`dims` features per row).
pub fn fit(
    kind: ModelKind,
    encodings: &[ColumnEncoding],
    x: &[f64],
    dims: usize,
    labels: &[bool],
    weights: &[f64],
    seed: u64,
) -> Classifier {
    match kind {
        ModelKind::Logistic => {
            let scaling = Scaling::learn(encodings, x, dims);
            let z = scaling.apply(x, dims);
            let model = logistic::fit(&z, dims, labels, weights, LOGISTIC_L2);
            Classifier::Logistic { scaling, model }
        }
        ModelKind::Gbdt => Classifier::Gbdt {
            model: gbdt::fit(
                x,
                dims,
                labels,
                weights,
                &GbdtParams {
                    seed,
                    ..GbdtParams::default()
                },
            ),
        },
    }
}

impl Classifier {
    /// P(churn) of every row.
    pub fn probabilities(&self, x: &[f64], dims: usize) -> Vec<f64> {
        // Every encoding has at least one feature, so rows are never empty.
        match self {
            Classifier::Logistic { scaling, model } => scaling
                .apply(x, dims)
                .par_chunks(dims)
                .map(|row| sigmoid(model.log_odds(row)))
                .collect(),
            Classifier::Gbdt { model } => x
                .par_chunks(dims)
                .map(|row| sigmoid(model.log_odds(row)))
                .collect(),
        }
    }

    /// Each feature's contribution to one row's log-odds: coefficient × standardised value
    /// for the logistic model, Saabas contributions for the trees.
    pub fn contributions(&self, row: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; row.len()];
        match self {
            Classifier::Logistic { scaling, model } => {
                let z = scaling.apply(row, row.len());
                for ((o, c), v) in out.iter_mut().zip(&model.coefficients).zip(&z) {
                    *o = c * v;
                }
            }
            Classifier::Gbdt { model } => {
                model.contributions(row, &mut out);
            }
        }
        out
    }

    /// How much each feature matters overall, as shares summing to 1: the mean absolute
    /// contribution for the logistic model, the total split gain for the trees.
    pub fn importance(&self, x: &[f64], dims: usize) -> Vec<f64> {
        let raw = match self {
            Classifier::Logistic { scaling, model } => {
                let z = scaling.apply(x, dims);
                let rows = (z.len() / dims.max(1)).max(1) as f64;
                (0..dims)
                    .map(|j| {
                        z.chunks(dims.max(1))
                            .map(|r| (r[j] * model.coefficients[j]).abs())
                            .sum::<f64>()
                            / rows
                    })
                    .collect::<Vec<f64>>()
            }
            Classifier::Gbdt { model } => model.gain_importance(dims),
        };
        let total: f64 = raw.iter().sum();
        raw.iter()
            .map(|v| if total > 0.0 { v / total } else { 0.0 })
            .collect()
    }
}

/// Out-of-fold probabilities: each fold scored by a model fitted on the others.
#[allow(clippy::too_many_arguments)]
pub fn cross_validate(
    kind: ModelKind,
    encodings: &[ColumnEncoding],
    x: &[f64],
    dims: usize,
    labels: &[bool],
    weights: &[f64],
    folds: &[usize],
    seed: u64,
) -> Vec<f64> {
    let fold_count = folds.iter().max().map_or(0, |m| m + 1);
    let mut out = vec![f64::NAN; labels.len()];
    for k in 0..fold_count {
        let train: Vec<usize> = (0..labels.len()).filter(|&i| folds[i] != k).collect();
        let test: Vec<usize> = (0..labels.len()).filter(|&i| folds[i] == k).collect();
        if test.is_empty() || train.is_empty() {
            continue;
        }
        let rows_of = |rows: &[usize]| -> Vec<f64> {
            rows.iter()
                .flat_map(|&i| x[i * dims..(i + 1) * dims].iter().copied())
                .collect()
        };
        let train_labels: Vec<bool> = train.iter().map(|&i| labels[i]).collect();
        let train_weights: Vec<f64> = train.iter().map(|&i| weights[i]).collect();
        let model = fit(
            kind,
            encodings,
            &rows_of(&train),
            dims,
            &train_labels,
            &train_weights,
            seed,
        );
        for (&i, p) in test.iter().zip(model.probabilities(&rows_of(&test), dims)) {
            out[i] = p;
        }
    }
    out
}

/// Weights that give each class the same total weight (scikit-learn's "balanced").
pub fn balanced_weights(labels: &[bool]) -> Vec<f64> {
    let n = labels.len() as f64;
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    let negatives = n - positives;
    labels
        .iter()
        .map(|&l| {
            if l {
                n / (2.0 * positives)
            } else {
                n / (2.0 * negatives)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding::{encode, learn, RawColumn};

    /// A well-mixed pseudo-random number for row i (splitmix64).
    fn mix(i: u64) -> u64 {
        let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Spend and plan per row; separable: churners spend under 30 and everyone else over 130.
    fn toy(separable: bool, rows: usize) -> (Vec<ColumnEncoding>, Vec<f64>, Vec<bool>) {
        let spend: Vec<Option<f64>> = (0..rows)
            .map(|i| {
                let v = (mix(i as u64) % 100) as f64;
                Some(if separable && v >= 30.0 { v + 100.0 } else { v })
            })
            .collect();
        let plan: Vec<Option<String>> = (0..rows)
            .map(|i| Some(["monthly", "yearly"][(mix(i as u64 + 1_000_000) % 2) as usize].to_string()))
            .collect();
        let labels: Vec<bool> = (0..rows)
            .map(|i| {
                if separable {
                    spend[i].unwrap() < 30.0
                } else {
                    mix(i as u64 + 2_000_000) % 4 == 0
                }
            })
            .collect();
        let columns = vec![
            ("spend".to_string(), RawColumn::Numbers(spend)),
            ("plan".to_string(), RawColumn::Text(plan)),
        ];
        let e = learn(&columns);
        let x = encode(&e, &[&columns[0].1, &columns[1].1]);
        (e, x, labels)
    }

    #[test]
    fn separable_data_gives_auc_one_for_both_models() {
        let (e, x, labels) = toy(true, 400);
        let dims = x.len() / labels.len();
        let folds = folds::stratified(&labels, 5, 0);
        for kind in [ModelKind::Logistic, ModelKind::Gbdt] {
            let oof = cross_validate(kind, &e, &x, dims, &labels, &vec![1.0; 400], &folds, 0);
            assert!(oof.iter().all(|p| (0.0..=1.0).contains(p)));
            assert_eq!(metrics::roc_auc(&labels, &oof), Some(1.0), "{kind:?}");
        }
    }

    #[test]
    fn shuffled_labels_give_auc_near_one_half() {
        let (e, x, labels) = toy(false, 3000);
        let dims = x.len() / labels.len();
        let folds = folds::stratified(&labels, 5, 1);
        for kind in [ModelKind::Logistic, ModelKind::Gbdt] {
            let oof = cross_validate(kind, &e, &x, dims, &labels, &vec![1.0; 3000], &folds, 0);
            let auc = metrics::roc_auc(&labels, &oof).unwrap();
            assert!((auc - 0.5).abs() < 0.05, "{kind:?}: {auc}");
        }
    }

    #[test]
    fn logistic_contributions_add_up_to_the_log_odds() {
        let (e, x, labels) = toy(true, 200);
        let dims = x.len() / labels.len();
        let m = fit(ModelKind::Logistic, &e, &x, dims, &labels, &vec![1.0; 200], 0);
        let Classifier::Logistic { model, .. } = &m else {
            unreachable!()
        };
        let row = &x[..dims];
        let total: f64 = m.contributions(row).iter().sum::<f64>() + model.intercept;
        let p = m.probabilities(row, dims)[0];
        assert!((sigmoid(total) - p).abs() < 1e-12);
        let shares = m.importance(&x, dims);
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(shares[0] > 0.9, "{shares:?}");
    }

    #[test]
    fn balanced_weights_equalise_the_classes() {
        let w = balanced_weights(&[true, false, false, false]);
        assert_eq!(w, vec![2.0, 2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0]);
    }
}
