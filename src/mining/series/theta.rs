//! The Theta method (Assimakopoulos & Nikolopoulos 2000) in the form of Hyndman & Billah
//! (2003), as forecast::thetaf computes it: simple exponential smoothing with drift equal to
//! half the slope of the linear trend, on the seasonally adjusted series when a 90% test finds
//! seasonality (classical multiplicative decomposition).

use crate::mining::series::ets::{centred_moving_average, least_squares_line};
use crate::mining::series::{nelder_mead, Forecast, Method};

/// Whether the autocorrelation at lag m is significant at 90% (the test of thetaf and of the
/// M4 benchmarks): |r_m| > 1.645 √((1 + 2 Σ_{k<m} r_k²) / n).
pub fn is_seasonal(y: &[f64], m: usize) -> bool {
    let n = y.len();
    if m < 2 || n < 3 * m {
        return false;
    }
    let mean = y.iter().sum::<f64>() / n as f64;
    let denominator: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    if denominator == 0.0 {
        return false;
    }
    let acf =
        |k: usize| -> f64 { (k..n).map(|t| (y[t] - mean) * (y[t - k] - mean)).sum::<f64>() / denominator };
    let below: f64 = (1..m).map(|k| acf(k).powi(2)).sum();
    let limit = 1.645 * ((1.0 + 2.0 * below) / n as f64).sqrt();
    acf(m).abs() > limit
}

/// Multiplicative seasonal indices by classical decomposition (averages of y / centred moving
/// average per position, normalised to mean 1); `None` when the series is not positive.
pub fn seasonal_indices(y: &[f64], m: usize) -> Option<Vec<f64>> {
    if y.iter().any(|v| *v <= 0.0) {
        return None;
    }
    let trend = centred_moving_average(y, m);
    let mut sums = vec![0.0; m];
    let mut counts = vec![0usize; m];
    for (t, (v, tr)) in y.iter().zip(&trend).enumerate() {
        if let Some(tr) = tr {
            sums[t % m] += v / tr;
            counts[t % m] += 1;
        }
    }
    if counts.contains(&0) {
        return None;
    }
    let raw: Vec<f64> = (0..m).map(|k| sums[k] / counts[k] as f64).collect();
    let mean = raw.iter().sum::<f64>() / m as f64;
    Some(raw.into_iter().map(|s| s / mean).collect())
}

/// Simple exponential smoothing fitted by least squares over α in (0, 1) and the initial
/// level: (α, level after the last value, one-step residual sd).
pub fn fit_ses(x: &[f64]) -> (f64, f64, f64) {
    let run = |alpha: f64, level0: f64| -> (f64, f64) {
        let mut level = level0;
        let mut sum_sq = 0.0;
        for v in x {
            let e = v - level;
            sum_sq += e * e;
            level += alpha * e;
        }
        (sum_sq, level)
    };
    let scale = (x.iter().map(|v| v.abs()).sum::<f64>() / x.len() as f64).max(1e-8);
    let decode = |u: &[f64]| (0.001 + 0.998 / (1.0 + (-u[0]).exp()), x[0] + 0.1 * scale * u[1]);
    let objective = |u: &[f64]| {
        let (alpha, level0) = decode(u);
        run(alpha, level0).0
    };
    let (best, _) = nelder_mead(&objective, &[0.0, 0.0], 1e-10, 600);
    let (alpha, level0) = decode(&best);
    let (sum_sq, level) = run(alpha, level0);
    let sd = (sum_sq / (x.len() as f64 - 2.0).max(1.0)).sqrt();
    (alpha, level, sd)
}

/// Theta forecasts for `h` steps, with standard deviations from the SES state space
/// (σ √(1 + (j − 1) α²)), scaled back by the seasonal indices.
pub fn forecast(y: &[f64], m: usize, h: usize) -> Forecast {
    let n = y.len();
    let indices = if is_seasonal(y, m) {
        seasonal_indices(y, m)
    } else {
        None
    };
    let adjusted: Vec<f64> = match &indices {
        Some(s) => y.iter().enumerate().map(|(t, v)| v / s[t % m]).collect(),
        None => y.to_vec(),
    };
    let (alpha, level, sd) = fit_ses(&adjusted);
    let (_, slope) = least_squares_line(&adjusted);
    let drift = slope / 2.0;
    let start = (1.0 - (1.0 - alpha).powi(n as i32)) / alpha;
    let mut mean = Vec::with_capacity(h);
    let mut sds = Vec::with_capacity(h);
    for k in 0..h {
        let index = indices.as_ref().map_or(1.0, |s| s[(n + k) % m]);
        mean.push((level + drift * (k as f64 + start)) * index);
        sds.push(sd * (1.0 + k as f64 * alpha * alpha).sqrt() * index);
    }
    Forecast {
        mean,
        sd: sds,
        method: Method::Theta,
        detail: if indices.is_some() {
            format!("Theta (seasonally adjusted, lag {m}, alpha {alpha:.3})")
        } else {
            format!("Theta (alpha {alpha:.3})")
        },
        note: None,
        backtest_scores: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On the line y = t the slope is 1, so the forecast grows by the drift of 0.5 per step.
    #[test]
    fn drift_is_half_the_slope() {
        let y: Vec<f64> = (1..=20).map(|t| t as f64).collect();
        let f = forecast(&y, 1, 3);
        assert!((f.mean[1] - f.mean[0] - 0.5).abs() < 1e-9, "{f:?}");
        assert!((f.mean[2] - f.mean[1] - 0.5).abs() < 1e-9, "{f:?}");
    }

    #[test]
    fn ses_on_a_constant_is_the_constant() {
        let (_, level, sd) = fit_ses(&[4.0; 12]);
        assert!((level - 4.0).abs() < 1e-9 && sd < 1e-9);
    }

    #[test]
    fn a_seasonal_pattern_is_found_and_continued() {
        let pattern = [10.0, 14.0, 9.0, 20.0];
        let y: Vec<f64> = (0..48).map(|t| pattern[t % 4]).collect();
        assert!(is_seasonal(&y, 4));
        let f = forecast(&y, 4, 4);
        for (k, v) in f.mean.iter().enumerate() {
            assert!((v - pattern[k]).abs() < 0.05, "{f:?}");
        }
        // Pseudo-random noise (a multiplicative congruential sequence) has no season.
        let mut state = 12345u64;
        let noise: Vec<f64> = (0..48)
            .map(|_| {
                state = state * 48271 % 2_147_483_647;
                100.0 + (state % 1000) as f64 / 100.0
            })
            .collect();
        assert!(!is_seasonal(&noise, 4));
    }
}
