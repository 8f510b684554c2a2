//! Seasonal ARIMA chosen automatically in the manner of Hyndman & Khandakar (2008): the
//! number of differences by the KPSS test, a seasonal difference by the strength of the
//! seasonal component, then a stepwise search over (p, q)(P, Q) by AICc.
//!
//! Coefficients are estimated by conditional sum of squares (pre-sample errors zero),
//! minimised by Nelder–Mead on partial autocorrelations (`tanh` of the free values, turned into
//! coefficients by the Durbin–Levinson recursion), so every AR part is stationary and every MA
//! part invertible. That is CSS, not the exact likelihood forecast::auto.arima ends with.

use crate::mining::series::ets::centred_moving_average;
use crate::mining::series::nelder_mead;

/// An order (p, d, q)(P, D, Q)_m and whether a constant (mean or drift) is included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub p: usize,
    pub d: usize,
    pub q: usize,
    pub seasonal_p: usize,
    pub seasonal_d: usize,
    pub seasonal_q: usize,
    pub m: usize,
    pub constant: bool,
}

impl Order {
    pub fn name(&self) -> String {
        let seasonal = if self.m > 1 && (self.seasonal_p + self.seasonal_d + self.seasonal_q) > 0 {
            format!(
                "({},{},{})[{}]",
                self.seasonal_p, self.seasonal_d, self.seasonal_q, self.m
            )
        } else {
            String::new()
        };
        let constant = match (self.constant, self.d + self.seasonal_d) {
            (false, _) => "",
            (true, 0) => " with mean",
            (true, _) => " with drift",
        };
        format!("ARIMA({},{},{}){seasonal}{constant}", self.p, self.d, self.q)
    }
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub order: Order,
    /// Expanded AR and MA polynomials of the differenced series (non-seasonal times seasonal),
    /// without the leading 1: w_t = c + Σ ar_i w_{t−i} + e_t + Σ ma_j e_{t−j}.
    pub ar: Vec<f64>,
    pub ma: Vec<f64>,
    pub constant: f64,
    pub sigma2: f64,
    pub aicc: f64,
    /// Residuals on the differenced scale, aligned with its values.
    residuals: Vec<f64>,
    /// The free values the fit ended at, by block (AR, MA, seasonal AR, seasonal MA,
    /// constant): a neighbouring order starts from them.
    free: [Vec<f64>; 5],
}

/// Coefficients from partial autocorrelations (Durbin–Levinson): any values in (−1, 1) give a
/// stationary polynomial.
fn from_partial(partial: &[f64]) -> Vec<f64> {
    let mut phi: Vec<f64> = Vec::with_capacity(partial.len());
    for (k, &r) in partial.iter().enumerate() {
        let previous = phi.clone();
        for j in 0..k {
            phi[j] = previous[j] - r * previous[k - 1 - j];
        }
        phi.push(r);
    }
    phi
}

/// The product of a polynomial in B and one in B^m, both given without their leading 1:
/// with `sign` −1, (1 − Σ a_i B^i)(1 − Σ b_j B^{jm}) = 1 − Σ c_k B^k (AR); with `sign` +1,
/// (1 + Σ a_i B^i)(1 + Σ b_j B^{jm}) = 1 + Σ c_k B^k (MA). Returns c.
fn multiply(short: &[f64], seasonal: &[f64], m: usize, sign: f64) -> Vec<f64> {
    let length = short.len() + seasonal.len() * m;
    let mut out = vec![0.0; length];
    // As full polynomials with a leading 1.
    let mut a = vec![1.0];
    a.extend(short.iter().map(|v| sign * v));
    let mut b = vec![0.0; seasonal.len() * m + 1];
    b[0] = 1.0;
    for (j, v) in seasonal.iter().enumerate() {
        b[(j + 1) * m] = sign * v;
    }
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            if i + j > 0 {
                out[i + j - 1] += x * y;
            }
        }
    }
    out.iter().map(|v| sign * v).collect()
}

/// Differences at lag `lag`.
fn difference(y: &[f64], lag: usize) -> Vec<f64> {
    (lag..y.len()).map(|t| y[t] - y[t - lag]).collect()
}

/// The KPSS level-stationarity statistic with Newey–West lag trunc(4 (n/100)^(1/4)) (Kwiatkowski
/// et al. 1992, as forecast::ndiffs uses it); above 0.463 the series needs a difference at 5%.
pub fn kpss(y: &[f64]) -> f64 {
    let n = y.len();
    let mean = y.iter().sum::<f64>() / n as f64;
    let e: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let mut partial = 0.0;
    let mut eta = 0.0;
    for v in &e {
        partial += v;
        eta += partial * partial;
    }
    let lags = (4.0 * (n as f64 / 100.0).powf(0.25)).floor() as usize;
    let mut s2 = e.iter().map(|v| v * v).sum::<f64>() / n as f64;
    for l in 1..=lags.min(n.saturating_sub(1)) {
        let weight = 1.0 - l as f64 / (lags as f64 + 1.0);
        let covariance = (l..n).map(|t| e[t] * e[t - l]).sum::<f64>() / n as f64;
        s2 += 2.0 * weight * covariance;
    }
    if s2 <= 0.0 {
        return 0.0;
    }
    eta / (n as f64 * n as f64 * s2)
}

/// Seasonal strength max(0, 1 − Var(remainder) / Var(seasonal + remainder)) from a classical
/// additive decomposition (Wang, Smith & Hyndman 2006); forecast::nsdiffs differences once
/// above 0.64.
pub fn seasonal_strength(y: &[f64], m: usize) -> f64 {
    let trend = centred_moving_average(y, m);
    let detrended: Vec<(usize, f64)> = y
        .iter()
        .zip(&trend)
        .enumerate()
        .filter_map(|(t, (v, tr))| tr.map(|tr| (t, v - tr)))
        .collect();
    if detrended.len() < 2 * m {
        return 0.0;
    }
    let mut sums = vec![0.0; m];
    let mut counts = vec![0usize; m];
    for &(t, v) in &detrended {
        sums[t % m] += v;
        counts[t % m] += 1;
    }
    let means: Vec<f64> = (0..m).map(|k| sums[k] / counts[k].max(1) as f64).collect();
    let centre = means.iter().sum::<f64>() / m as f64;
    let remainder: Vec<f64> = detrended
        .iter()
        .map(|&(t, v)| v - (means[t % m] - centre))
        .collect();
    let variance = |values: &[f64]| {
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64
    };
    let both: Vec<f64> = detrended.iter().map(|&(_, v)| v).collect();
    let total = variance(&both);
    if total == 0.0 {
        return 0.0;
    }
    (1.0 - variance(&remainder) / total).max(0.0)
}

/// CSS residuals of the differenced series `w` under the expanded polynomials, from its first
/// value on: values before the start are taken at the mean `level` and errors there as 0, so
/// every order is scored on the same points and the AICc of different orders compare (a
/// residual count that shrinks with the AR lag would favour long seasonal lags).
fn residuals(w: &[f64], ar: &[f64], ma: &[f64], constant: f64, level: f64) -> Vec<f64> {
    // The expanded seasonal polynomials are mostly zeros ((1 − φB)(1 − ΦB¹²) has 3 terms
    // of 14): only the others are visited, the search's inner loop.
    let terms = |coefficients: &[f64]| -> Vec<(usize, f64)> {
        coefficients
            .iter()
            .enumerate()
            .filter(|(_, c)| **c != 0.0)
            .map(|(i, c)| (i + 1, *c))
            .collect()
    };
    let (ar, ma) = (terms(ar), terms(ma));
    let mut e = vec![0.0; w.len()];
    for t in 0..w.len() {
        let mut prediction = constant;
        for &(lag, a) in &ar {
            prediction += a * if t >= lag { w[t - lag] } else { level };
        }
        for &(lag, b) in &ma {
            if t >= lag {
                prediction += b * e[t - lag];
            }
        }
        e[t] = w[t] - prediction;
    }
    e
}

/// Fits an order to `y`; `None` when too few values remain after differencing.
/// With `near`, the search starts from a neighbouring order's fitted values where the orders
/// share them (zero elsewhere).
pub fn fit(y: &[f64], order: Order, near: Option<&Fitted>) -> Option<Fitted> {
    let m = order.m.max(1);
    let mut w = y.to_vec();
    for _ in 0..order.seasonal_d {
        w = difference(&w, m);
    }
    for _ in 0..order.d {
        w = difference(&w, 1);
    }
    let (p, q, sp, sq) = (order.p, order.q, order.seasonal_p, order.seasonal_q);
    let ar_length = p + sp * m;
    let free = p + q + sp + sq + usize::from(order.constant);
    let effective = w.len().saturating_sub(ar_length);
    if effective < free + 3 {
        return None;
    }
    let mean = w.iter().sum::<f64>() / w.len() as f64;
    let scale = (w.iter().map(|v| (v - mean).abs()).sum::<f64>() / w.len() as f64).max(1e-8);
    let decode = |u: &[f64]| {
        let partial = |values: &[f64]| values.iter().map(|v| 0.98 * v.tanh()).collect::<Vec<f64>>();
        let short_ar = from_partial(&partial(&u[..p]));
        let short_ma: Vec<f64> = from_partial(&partial(&u[p..p + q])).iter().map(|v| -v).collect();
        let seasonal_ar = from_partial(&partial(&u[p + q..p + q + sp]));
        let seasonal_ma: Vec<f64> = from_partial(&partial(&u[p + q + sp..p + q + sp + sq]))
            .iter()
            .map(|v| -v)
            .collect();
        let ar = multiply(&short_ar, &seasonal_ar, m, -1.0);
        let ma = multiply(&short_ma, &seasonal_ma, m, 1.0);
        let level = if order.constant {
            mean + scale * u[free - 1]
        } else {
            0.0
        };
        // w_t − μ = Σ ar_i (w_{t−i} − μ) + ...: the constant is μ (1 − Σ ar_i).
        let constant = if order.constant {
            level * (1.0 - ar.iter().sum::<f64>())
        } else {
            0.0
        };
        (ar, ma, constant, level)
    };
    let objective = |u: &[f64]| -> f64 {
        let (ar, ma, constant, level) = decode(u);
        let e = residuals(&w, &ar, &ma, constant, level);
        let sum_sq: f64 = e.iter().map(|v| v * v).sum();
        if sum_sq.is_finite() {
            sum_sq
        } else {
            f64::MAX
        }
    };
    let sizes = [p, q, sp, sq, usize::from(order.constant)];
    let start: Vec<f64> = match near {
        Some(near) => sizes
            .iter()
            .zip(&near.free)
            .flat_map(|(&size, block)| (0..size).map(move |i| block.get(i).copied().unwrap_or(0.0)))
            .collect(),
        None => vec![0.0; free],
    };
    let (best, sum_sq) = if free == 0 {
        (Vec::new(), objective(&[]))
    } else {
        nelder_mead(&objective, &start, 1e-8, 150 * free)
    };
    let (ar, ma, constant, level) = decode(&best);
    let e = residuals(&w, &ar, &ma, constant, level);
    let n = w.len() as f64;
    let sigma2 = sum_sq / n;
    if !(sigma2.is_finite()) {
        return None;
    }
    let k = free as f64 + 1.0;
    let log_likelihood_term = n * (sigma2.max(1e-300)).ln();
    let aicc = log_likelihood_term + 2.0 * k + 2.0 * k * (k + 1.0) / (n - k - 1.0).max(1.0);
    Some(Fitted {
        order,
        ar,
        ma,
        constant,
        sigma2,
        aicc,
        residuals: e,
        free: {
            let mut blocks: [Vec<f64>; 5] = Default::default();
            let mut at = 0;
            for (block, size) in blocks.iter_mut().zip(sizes) {
                *block = best[at..at + size].to_vec();
                at += size;
            }
            blocks
        },
    })
}

/// Differences (d by KPSS, up to 2; D by seasonal strength, up to 1), then the stepwise search
/// of Hyndman & Khandakar: four starting models, then neighbours changing p, q, P or Q by one
/// or toggling the constant, while AICc improves (p, q ≤ 5; P, Q ≤ 2).
pub fn auto(y: &[f64], m: usize) -> Option<Fitted> {
    let seasonal = m > 1 && y.len() >= 2 * m + 2;
    let seasonal_d = usize::from(seasonal && seasonal_strength(y, m) > 0.64);
    let mut w = y.to_vec();
    if seasonal_d == 1 {
        w = difference(&w, m);
    }
    let mut d = 0;
    while d < 2 && w.len() > 8 && kpss(&w) > 0.463 {
        w = difference(&w, 1);
        d += 1;
    }
    let base = Order {
        p: 0,
        d,
        q: 0,
        seasonal_p: 0,
        seasonal_d,
        seasonal_q: 0,
        m: if seasonal { m } else { 1 },
        constant: d + seasonal_d <= 1,
    };
    let with = |p: usize, q: usize, sp: usize, sq: usize| Order {
        p,
        q,
        seasonal_p: if seasonal { sp } else { 0 },
        seasonal_q: if seasonal { sq } else { 0 },
        ..base
    };
    let mut tried: Vec<Order> = Vec::new();
    let mut best: Option<Fitted> = None;
    let mut consider = |order: Order, best: &mut Option<Fitted>| -> bool {
        if tried.contains(&order) {
            return false;
        }
        tried.push(order);
        match fit(y, order, best.as_ref()) {
            Some(model) if best.as_ref().is_none_or(|b| model.aicc < b.aicc) => {
                *best = Some(model);
                true
            }
            _ => false,
        }
    };
    for order in [
        with(2, 2, 1, 1),
        with(0, 0, 0, 0),
        with(1, 0, 1, 0),
        with(0, 1, 0, 1),
    ] {
        consider(order, &mut best);
    }
    for _ in 0..40 {
        let Some(current) = best.as_ref().map(|b| b.order) else {
            break;
        };
        let mut neighbours = Vec::new();
        for (dp, dq, dsp, dsq) in [
            (1, 0, 0, 0),
            (-1, 0, 0, 0),
            (0, 1, 0, 0),
            (0, -1, 0, 0),
            (0, 0, 1, 0),
            (0, 0, -1, 0),
            (0, 0, 0, 1),
            (0, 0, 0, -1),
            (1, 1, 0, 0),
            (-1, -1, 0, 0),
        ] {
            let step = |v: usize, delta: i32, limit: usize| -> Option<usize> {
                let next = v as i32 + delta;
                (0..=limit as i32).contains(&next).then_some(next as usize)
            };
            if let (Some(p), Some(q), Some(sp), Some(sq)) = (
                step(current.p, dp, 5),
                step(current.q, dq, 5),
                step(current.seasonal_p, dsp, 2),
                step(current.seasonal_q, dsq, 2),
            ) {
                neighbours.push(Order {
                    p,
                    q,
                    seasonal_p: sp,
                    seasonal_q: sq,
                    ..current
                });
            }
        }
        if current.d + current.seasonal_d <= 1 {
            neighbours.push(Order {
                constant: !current.constant,
                ..current
            });
        }
        let mut improved = false;
        for order in neighbours {
            if (order.seasonal_p + order.seasonal_q > 0) && !seasonal {
                continue;
            }
            improved |= consider(order, &mut best);
        }
        if !improved {
            break;
        }
    }
    best
}

/// Point forecasts and standard deviations for 1..=h steps (ψ-weights of the model with its
/// differences: σ² Σ_{j<h} ψ_j²).
pub fn forecast(model: &Fitted, y: &[f64], h: usize) -> (Vec<f64>, Vec<f64>) {
    let order = model.order;
    let m = order.m.max(1);
    // The full AR polynomial of y: the differenced AR times (1 − B)^d (1 − B^m)^D.
    let mut full = vec![1.0];
    full.extend(model.ar.iter().map(|v| -v));
    let multiply_by = |poly: &[f64], lag: usize| -> Vec<f64> {
        let mut out = vec![0.0; poly.len() + lag];
        for (i, v) in poly.iter().enumerate() {
            out[i] += v;
            out[i + lag] -= v;
        }
        out
    };
    for _ in 0..order.d {
        full = multiply_by(&full, 1);
    }
    for _ in 0..order.seasonal_d {
        full = multiply_by(&full, m);
    }
    let phi: Vec<f64> = full[1..].iter().map(|v| -v).collect();
    let n = y.len();
    let offset = n - model.residuals.len();
    // Errors aligned with y (zero where the differencing used the values up).
    let mut errors: Vec<f64> = vec![0.0; offset];
    errors.extend(&model.residuals);
    let mut extended = y.to_vec();
    for t in n..n + h {
        let mut value = model.constant;
        for (i, a) in phi.iter().enumerate() {
            if t > i {
                value += a * extended[t - 1 - i];
            }
        }
        for (j, b) in model.ma.iter().enumerate() {
            if t > j && t - 1 - j < n {
                value += b * errors[t - 1 - j];
            }
        }
        extended.push(value);
    }
    // ψ-weights: ψ_0 = 1, ψ_j = θ_j + Σ_{i=1}^{j} φ_i ψ_{j−i}.
    let mut psi = vec![1.0];
    for j in 1..h {
        let mut value = model.ma.get(j - 1).copied().unwrap_or(0.0);
        for i in 1..=j.min(phi.len()) {
            value += phi[i - 1] * psi[j - i];
        }
        psi.push(value);
    }
    let mut sds = Vec::with_capacity(h);
    let mut sum = 0.0;
    for p in &psi {
        sum += p * p;
        sds.push((model.sigma2 * sum).sqrt());
    }
    (extended[n..].to_vec(), sds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polynomials() {
        // (1 − 0.5B)(1 − 0.3B²) = 1 − 0.5B − 0.3B² + 0.15B³; (1 + 0.5B)(1 + 0.3B²) has +0.15B³.
        let d = multiply(&[0.5], &[0.3], 2, 1.0);
        assert!((d[0] - 0.5).abs() < 1e-12 && (d[1] - 0.3).abs() < 1e-12 && (d[2] - 0.15).abs() < 1e-12);
        let c = multiply(&[0.5], &[0.3], 2, -1.0);
        assert_eq!(c.len(), 3);
        assert!((c[0] - 0.5).abs() < 1e-12 && (c[1] - 0.3).abs() < 1e-12 && (c[2] + 0.15).abs() < 1e-12);
        // Partial autocorrelations (0.5, 0.2): φ2 = 0.2, φ1 = 0.5 − 0.2·0.5 = 0.4.
        let phi = from_partial(&[0.5, 0.2]);
        assert!((phi[0] - 0.4).abs() < 1e-12 && (phi[1] - 0.2).abs() < 1e-12);
    }

    #[test]
    fn random_walk_needs_a_difference_and_noise_none() {
        let mut state = 7u64;
        let mut noise = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let white: Vec<f64> = (0..120).map(|_| noise()).collect();
        assert!(kpss(&white) < 0.463, "{}", kpss(&white));
        let mut walk = vec![0.0];
        for _ in 0..119 {
            let next = walk[walk.len() - 1] + noise() + 0.3;
            walk.push(next);
        }
        assert!(kpss(&walk) > 0.463);
        let model = auto(&walk, 1).unwrap();
        assert_eq!(model.order.d, 1, "{}", model.order.name());
        // A drifting walk continues along its drift.
        let (f, sd) = forecast(&model, &walk, 6);
        let last = walk[walk.len() - 1];
        assert!((f[5] - last - 6.0 * 0.3).abs() < 1.5, "{f:?} {last}");
        assert!(sd.windows(2).all(|w| w[1] >= w[0]));
    }

    #[test]
    fn ar1_is_recovered_and_forecast() {
        // y_t = 0.7 y_{t−1} + e_t, mean 10.
        let mut state = 11u64;
        let mut noise = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let mut y = vec![10.0];
        for _ in 0..299 {
            let next = 10.0 + 0.7 * (y[y.len() - 1] - 10.0) + noise();
            y.push(next);
        }
        let order = Order {
            p: 1,
            d: 0,
            q: 0,
            seasonal_p: 0,
            seasonal_d: 0,
            seasonal_q: 0,
            m: 1,
            constant: true,
        };
        let model = fit(&y, order, None).unwrap();
        assert!((model.ar[0] - 0.7).abs() < 0.08, "{model:?}");
        let (f, _) = forecast(&model, &y, 40);
        assert!((f[39] - 10.0).abs() < 0.3, "{f:?}");
        // One step: constant + φ y_n.
        let expected = model.constant + model.ar[0] * y[y.len() - 1];
        assert!((f[0] - expected).abs() < 1e-9);
    }

    #[test]
    fn seasonal_pattern_is_differenced_and_continued() {
        let pattern = [10.0, 14.0, 9.0, 20.0, 11.0, 13.0];
        let y: Vec<f64> = (0..60).map(|t| pattern[t % 6] + 0.01 * t as f64).collect();
        assert!(seasonal_strength(&y, 6) > 0.64);
        let model = auto(&y, 6).unwrap();
        assert_eq!(model.order.seasonal_d, 1, "{}", model.order.name());
        let (f, _) = forecast(&model, &y, 6);
        for (k, v) in f.iter().enumerate() {
            assert!((v - pattern[k] - 0.01 * (60 + k) as f64).abs() < 0.2, "{f:?}");
        }
    }
}
