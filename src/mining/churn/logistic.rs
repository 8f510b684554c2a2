//! L2-penalised logistic regression, fitted by L-BFGS on the exact penalised log-likelihood.
//! The features are expected standardised (the penalty treats every coefficient alike); the
//! intercept is not penalised.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::mining::optimize;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logistic {
    pub intercept: f64,
    pub coefficients: Vec<f64>,
    #[serde(default)]
    pub iterations: usize,
    #[serde(default)]
    pub converged: bool,
}

/// Rows per parallel chunk of the likelihood sum.
const CHUNK: usize = 4096;

/// Fits P(churn) = σ(b + x·β) minimising Σ wᵢ·logloss + (λ/2)·|β|², with `x` row-major,
/// `dims` values per row and one weight per row. λ = 1 matches scikit-learn's default C = 1.
pub fn fit(x: &[f64], dims: usize, labels: &[bool], weights: &[f64], l2: f64) -> Logistic {
    let rows = labels.len();
    let weight_total: f64 = weights.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let objective = |beta: &[f64]| -> (f64, Vec<f64>) {
        // beta[0] is the intercept. The sums are divided by the total weight, which keeps the
        // gradient tolerance meaningful whatever the number of rows.
        let (loss, mut gradient) = (0..rows.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let mut loss = 0.0;
                let mut gradient = vec![0.0; dims + 1];
                for i in c * CHUNK..((c + 1) * CHUNK).min(rows) {
                    let row = &x[i * dims..(i + 1) * dims];
                    let z = beta[0] + row.iter().zip(&beta[1..]).map(|(a, b)| a * b).sum::<f64>();
                    let y = if labels[i] { 1.0 } else { 0.0 };
                    loss += weights[i] * (softplus(z) - y * z);
                    let residual = weights[i] * (sigmoid(z) - y);
                    gradient[0] += residual;
                    for (g, v) in gradient[1..].iter_mut().zip(row) {
                        *g += residual * v;
                    }
                }
                (loss, gradient)
            })
            .reduce(
                || (0.0, vec![0.0; dims + 1]),
                |(la, mut ga), (lb, gb)| {
                    for (a, b) in ga.iter_mut().zip(&gb) {
                        *a += b;
                    }
                    (la + lb, ga)
                },
            );
        let mut loss = loss + 0.5 * l2 * beta[1..].iter().map(|b| b * b).sum::<f64>();
        for (g, b) in gradient[1..].iter_mut().zip(&beta[1..]) {
            *g += l2 * b;
        }
        loss /= weight_total;
        for g in gradient.iter_mut() {
            *g /= weight_total;
        }
        (loss, gradient)
    };
    let positive_weight: f64 = labels.iter().zip(weights).filter(|p| *p.0).map(|p| p.1).sum();
    let rate = (positive_weight / weight_total).clamp(1e-6, 1.0 - 1e-6);
    let mut start = vec![0.0; dims + 1];
    start[0] = (rate / (1.0 - rate)).ln();
    let minimum = optimize::lbfgs(&objective, &start, 1e-8, 1000);
    Logistic {
        intercept: minimum.x[0],
        coefficients: minimum.x[1..].to_vec(),
        iterations: minimum.iterations,
        converged: minimum.converged,
    }
}

impl Logistic {
    /// The linear predictor (log-odds) of one row.
    pub fn log_odds(&self, row: &[f64]) -> f64 {
        self.intercept
            + row
                .iter()
                .zip(&self.coefficients)
                .map(|(a, b)| a * b)
                .sum::<f64>()
    }
}

/// log(1 + eᶻ), computed without overflow: the logistic loss of a churner is softplus(−z)
/// = softplus(z) − z, of a stayer softplus(z).
pub fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_features_the_intercept_is_the_log_odds_of_the_rate() {
        let labels = [true, false, false, false];
        let m = fit(&[], 0, &labels, &[1.0; 4], 1.0);
        assert!((m.intercept - (1.0f64 / 3.0).ln()).abs() < 1e-6, "{m:?}");
    }

    #[test]
    fn gradient_vanishes_at_the_fit() {
        // The stationarity conditions, checked directly: Σ(p − y) = 0 for the intercept and
        // Σ(p − y)·x + λβ = 0 for the coefficient.
        let x = [-1.5, -0.5, 0.0, 0.5, 1.0, 2.0];
        let labels = [false, false, true, false, true, true];
        let m = fit(&x, 1, &labels, &[1.0; 6], 1.0);
        let residuals: Vec<f64> = x
            .iter()
            .zip(&labels)
            .map(|(&v, &l)| sigmoid(m.log_odds(&[v])) - if l { 1.0 } else { 0.0 })
            .collect();
        assert!(residuals.iter().sum::<f64>().abs() < 1e-6);
        let slope: f64 = residuals.iter().zip(&x).map(|(r, v)| r * v).sum::<f64>() + m.coefficients[0];
        assert!(slope.abs() < 1e-6, "{slope}");
        assert!(m.coefficients[0] > 0.0);
    }

    #[test]
    fn weights_act_as_repeated_rows() {
        let x = [0.0, 1.0, 2.0];
        let labels = [false, true, true];
        let weighted = fit(&x, 1, &labels, &[2.0, 1.0, 1.0], 0.5);
        let repeated = fit(
            &[0.0, 0.0, 1.0, 2.0],
            1,
            &[false, false, true, true],
            &[1.0; 4],
            0.5,
        );
        assert!((weighted.intercept - repeated.intercept).abs() < 1e-6);
        assert!((weighted.coefficients[0] - repeated.coefficients[0]).abs() < 1e-6);
    }

    #[test]
    fn sigmoid_is_stable_at_the_extremes() {
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert!((sigmoid(0.0) - 0.5).abs() < 1e-15);
    }
}
