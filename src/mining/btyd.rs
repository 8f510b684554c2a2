//! "Buy till you die" customer-base models: BG/NBD (Fader, Hardie & Lee 2005, "Counting your
//! customers the easy way") for repeat purchases and dropout, and the Gamma-Gamma spend model
//! (Fader, Hardie & Lee 2005, "RFM and CLV").
//!
//! Fitting is maximum likelihood in log-parameter space with analytic gradients and L-BFGS
//! from several starting points; the likelihood is summed once per distinct (x, t_x, T)
//! triple, weighted by how many customers share it. Standard errors come from the inverse of
//! a Hessian taken by differencing the analytic gradient.

// Small dense matrices read most plainly with index loops.
#![allow(clippy::needless_range_loop)]

use rayon::prelude::*;

use crate::mining::optimize::lbfgs;

/// Distinct rows per parallel task when summing a likelihood.
const ROWS_PER_TASK: usize = 2048;
use crate::mining::special::{digamma, ln_beta, ln_gamma, ln_hyp2f1};

/// One customer's summary: repeat transactions `x`, time of the last one `t_x` (from the
/// first), age `t` (first transaction to the end of calibration), all in the model's time
/// unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rft {
    pub x: f64,
    pub t_x: f64,
    pub t: f64,
}

/// A fitted model: parameters, standard errors, log-likelihood and how the fit went.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub names: Vec<&'static str>,
    pub parameters: Vec<f64>,
    pub standard_errors: Vec<f64>,
    pub log_likelihood: f64,
    pub iterations: usize,
    pub converged: bool,
    /// Parameters that ended at an extreme (below 1e-6 or above 1e6): the data do not pin
    /// them down.
    pub at_boundary: Vec<&'static str>,
}

/// Distinct triples with their counts: real data have far fewer of these than customers.
fn distinct(rft: &[Rft]) -> Vec<(Rft, f64)> {
    let mut keyed: Vec<(u64, u64, u64)> = rft
        .iter()
        .map(|c| (c.x.to_bits(), c.t_x.to_bits(), c.t.to_bits()))
        .collect();
    keyed.sort_unstable();
    let mut out: Vec<(Rft, f64)> = Vec::new();
    for key in keyed {
        let c = Rft {
            x: f64::from_bits(key.0),
            t_x: f64::from_bits(key.1),
            t: f64::from_bits(key.2),
        };
        match out.last_mut() {
            Some((last, n)) if *last == c => *n += 1.0,
            _ => out.push((c, 1.0)),
        }
    }
    out
}

/// BG/NBD log-likelihood of one customer and its gradient in (r, α, a, b).
fn bgnbd_one(p: &[f64], c: &Rft) -> (f64, [f64; 4]) {
    let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
    let (x, tx, t) = (c.x, c.t_x, c.t);
    let u1 = ln_beta(a, b + x) - ln_beta(a, b) - (r + x) * (alpha + t).ln();
    let head = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
    let ab = digamma(a + b);
    let du1_da = ab - digamma(a + b + x);
    let du1_db = digamma(b + x) - digamma(a + b + x) - digamma(b) + ab;
    let (total, w1, w2, du2_da, du2_db) = if x > 0.0 {
        let u2 = ln_beta(a + 1.0, b + x - 1.0) - ln_beta(a, b) - (r + x) * (alpha + tx).ln();
        let m = u1.max(u2);
        let (e1, e2) = ((u1 - m).exp(), (u2 - m).exp());
        let total = m + (e1 + e2).ln();
        (
            total,
            e1 / (e1 + e2),
            e2 / (e1 + e2),
            digamma(a + 1.0) - digamma(a + b + x) - digamma(a) + ab,
            digamma(b + x - 1.0) - digamma(a + b + x) - digamma(b) + ab,
        )
    } else {
        (u1, 1.0, 0.0, 0.0, 0.0)
    };
    let value = head + total;
    let d_r = digamma(r + x) - digamma(r) + alpha.ln()
        - w1 * (alpha + t).ln()
        - if x > 0.0 { w2 * (alpha + tx).ln() } else { 0.0 };
    let d_alpha =
        r / alpha - w1 * (r + x) / (alpha + t) - if x > 0.0 { w2 * (r + x) / (alpha + tx) } else { 0.0 };
    let d_a = w1 * du1_da + w2 * du2_da;
    let d_b = w1 * du1_db + w2 * du2_db;
    (value, [d_r, d_alpha, d_a, d_b])
}

/// Gamma-Gamma log-likelihood of one customer's mean spend `m` over `x` repeat
/// transactions, and its gradient in (p, q, γ).
fn gamma_gamma_one(p: &[f64], x: f64, m: f64) -> (f64, [f64; 3]) {
    let (pp, q, g) = (p[0], p[1], p[2]);
    let px = pp * x;
    let value =
        ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q) + q * g.ln() + (px - 1.0) * m.ln() + px * x.ln()
            - (px + q) * (g + m * x).ln();
    let d_p = x * (digamma(px + q) - digamma(px) + m.ln() + x.ln() - (g + m * x).ln());
    let d_q = digamma(px + q) - digamma(q) + g.ln() - (g + m * x).ln();
    let d_g = q / g - (px + q) / (g + m * x);
    (value, [d_p, d_q, d_g])
}

/// A weighted row of distinct data: up to three values and the number of customers.
type Row = (f64, f64, f64, f64);
/// One row's log-likelihood and gradient in natural parameters.
type RowLikelihood<'a, const N: usize> = &'a (dyn Fn(&[f64], &Row) -> (f64, [f64; N]) + Sync);

/// Negative total log-likelihood and gradient in log-parameters, from a per-customer
/// function in natural parameters.
fn in_log_space<const N: usize>(log_params: &[f64], rows: &[Row], one: RowLikelihood<N>) -> (f64, Vec<f64>) {
    let p: Vec<f64> = log_params.iter().map(|v| v.exp()).collect();
    // Fixed chunks summed in order: the same total on any number of threads.
    let partial: Vec<(f64, [f64; N])> = rows
        .par_chunks(ROWS_PER_TASK)
        .map(|chunk| {
            let mut value = 0.0;
            let mut gradient = [0.0; N];
            for row in chunk {
                let (v, g) = one(&p, row);
                let weight = row.3;
                value += weight * v;
                for k in 0..N {
                    gradient[k] += weight * g[k];
                }
            }
            (value, gradient)
        })
        .collect();
    let mut value = 0.0;
    let mut gradient = [0.0; N];
    for (v, g) in partial {
        value += v;
        for k in 0..N {
            gradient[k] += g[k];
        }
    }
    (-value, (0..N).map(|k| -gradient[k] * p[k]).collect())
}

/// Fits from several starts, keeps the best; standard errors from the Hessian.
fn fit<const N: usize>(
    names: Vec<&'static str>,
    rows: &[Row],
    starts: &[[f64; N]],
    one: RowLikelihood<N>,
) -> Fit {
    let objective = |lp: &[f64]| in_log_space::<N>(lp, rows, one);
    let mut best: Option<crate::mining::optimize::Minimum> = None;
    for start in starts {
        let log_start: Vec<f64> = start.iter().map(|v| v.ln()).collect();
        // The gradient of a sum over many customers: the tolerance grows with the total.
        let tolerance = 1e-6 * objective(&log_start).0.abs().max(1.0).sqrt();
        let m = lbfgs(&objective, &log_start, tolerance, 1000);
        // A converged run beats one that is not unless the latter is clearly better.
        let better = |b: &crate::mining::optimize::Minimum| {
            let margin = 1e-9 * b.value.abs().max(1.0);
            match (m.converged, b.converged) {
                (true, false) => m.value < b.value + margin,
                (false, true) => m.value < b.value - margin,
                _ => m.value < b.value,
            }
        };
        if m.value.is_finite() && best.as_ref().is_none_or(better) {
            best = Some(m);
        }
    }
    let best = best.expect("at least one start");
    let parameters: Vec<f64> = best.x.iter().map(|v| v.exp()).collect();
    // Hessian of the negative log-likelihood in log-parameters, by central differences of
    // the analytic gradient; the delta method turns its inverse into natural units.
    let h = 1e-5;
    let mut hessian = vec![vec![0.0; N]; N];
    for j in 0..N {
        let mut plus = best.x.clone();
        let mut minus = best.x.clone();
        plus[j] += h;
        minus[j] -= h;
        let (_, gp) = objective(&plus);
        let (_, gm) = objective(&minus);
        for (i, row) in hessian.iter_mut().enumerate() {
            row[j] = (gp[i] - gm[i]) / (2.0 * h);
        }
    }
    for i in 0..N {
        for j in 0..i {
            let mean = (hessian[i][j] + hessian[j][i]) / 2.0;
            hessian[i][j] = mean;
            hessian[j][i] = mean;
        }
    }
    let standard_errors = match invert(&hessian) {
        Some(inverse) => (0..N)
            .map(|k| {
                let variance = inverse[k][k];
                if variance >= 0.0 {
                    parameters[k] * variance.sqrt()
                } else {
                    f64::NAN
                }
            })
            .collect(),
        None => vec![f64::NAN; N],
    };
    let at_boundary = names
        .iter()
        .zip(&parameters)
        .filter(|(_, &p)| !(1e-6..=1e6).contains(&p))
        .map(|(n, _)| *n)
        .collect();
    Fit {
        names,
        parameters,
        standard_errors,
        log_likelihood: -best.value,
        iterations: best.iterations,
        converged: best.converged,
        at_boundary,
    }
}

/// Gauss-Jordan inverse of a small matrix; `None` when singular.
fn invert(matrix: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = matrix.len();
    let mut a: Vec<Vec<f64>> = matrix
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..n).map(|j| if i == j { 1.0 } else { 0.0 }));
            r
        })
        .collect();
    for col in 0..n {
        let pivot = (col..n).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, pivot);
        let divisor = a[col][col];
        for v in a[col].iter_mut() {
            *v /= divisor;
        }
        for row in 0..n {
            if row != col {
                let factor = a[row][col];
                if factor != 0.0 {
                    for k in 0..2 * n {
                        a[row][k] -= factor * a[col][k];
                    }
                }
            }
        }
    }
    Some(a.into_iter().map(|r| r[n..].to_vec()).collect())
}

/// Fits BG/NBD (parameters r, α, a, b).
pub fn fit_bgnbd(customers: &[Rft]) -> Fit {
    let rows: Vec<(f64, f64, f64, f64)> = distinct(customers)
        .into_iter()
        .map(|(c, n)| (c.x, c.t_x, c.t, n))
        .collect();
    let mean_t = customers.iter().map(|c| c.t).sum::<f64>() / customers.len().max(1) as f64;
    let starts = [
        [1.0, mean_t.max(1e-3), 1.0, 1.0],
        [0.1, 1.0, 0.5, 2.0],
        [0.5, (mean_t / 4.0).max(1e-3), 1.5, 3.0],
    ];
    fit::<4>(vec!["r", "alpha", "a", "b"], &rows, &starts, &|p, row| {
        bgnbd_one(
            p,
            &Rft {
                x: row.0,
                t_x: row.1,
                t: row.2,
            },
        )
    })
}

/// Fits Gamma-Gamma (parameters p, q, γ) on (repeat transactions, mean spend) of customers
/// with at least one repeat transaction and a positive mean.
pub fn fit_gamma_gamma(spend: &[(f64, f64)]) -> Fit {
    let mut keyed: Vec<(u64, u64)> = spend
        .iter()
        .filter(|(x, m)| *x > 0.0 && *m > 0.0)
        .map(|(x, m)| (x.to_bits(), m.to_bits()))
        .collect();
    keyed.sort_unstable();
    let mut rows: Vec<(f64, f64, f64, f64)> = Vec::new();
    for (x, m) in keyed {
        let (x, m) = (f64::from_bits(x), f64::from_bits(m));
        match rows.last_mut() {
            Some(last) if last.0 == x && last.1 == m => last.3 += 1.0,
            _ => rows.push((x, m, 0.0, 1.0)),
        }
    }
    let mean = spend.iter().map(|s| s.1).sum::<f64>() / spend.len().max(1) as f64;
    let starts = [[1.0, 1.0, mean.max(1e-3)], [5.0, 3.0, 10.0], [2.0, 2.0, 1.0]];
    fit::<3>(vec!["p", "q", "gamma"], &rows, &starts, &|p, row| {
        gamma_gamma_one(p, row.0, row.1)
    })
}

/// P(alive) under BG/NBD.
pub fn bgnbd_p_alive(p: &[f64], c: &Rft) -> f64 {
    if c.x <= 0.0 {
        return 1.0;
    }
    let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
    let ln_ratio = (a / (b + c.x - 1.0)).ln() + (r + c.x) * ((alpha + c.t) / (alpha + c.t_x)).ln();
    1.0 / (1.0 + ln_ratio.exp())
}

/// Expected repeat transactions in the next `horizon` time units under BG/NBD (Fader, Hardie
/// & Lee 2005, eq. 10), with 2F1 in log space.
pub fn bgnbd_expected(p: &[f64], c: &Rft, horizon: f64) -> f64 {
    let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
    let (x, t) = (c.x, c.t);
    let z = horizon / (alpha + t + horizon);
    let ln_f = ln_hyp2f1(r + x, b + x, a + b + x - 1.0, z);
    let inner = 1.0 - ((r + x) * ((alpha + t) / (alpha + t + horizon)).ln() + ln_f).exp();
    let first = (a + b + x - 1.0) / (a - 1.0) * inner;
    let denominator = if x > 0.0 {
        1.0 + ((a / (b + x - 1.0)).ln() + (r + x) * ((alpha + t) / (alpha + c.t_x)).ln()).exp()
    } else {
        1.0
    };
    first / denominator
}

/// Expected average transaction value under Gamma-Gamma, given `x` repeat transactions of
/// mean `m` (the population mean for a customer without any).
pub fn gamma_gamma_expected(p: &[f64], x: f64, m: f64) -> f64 {
    let (pp, q, g) = (p[0], p[1], p[2]);
    if x <= 0.0 || m <= 0.0 {
        return pp * g / (q - 1.0);
    }
    (g + m * x) * pp / (pp * x + q - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradients_match_differences() {
        let p = [0.4, 5.0, 0.8, 2.5];
        for c in [
            Rft {
                x: 0.0,
                t_x: 0.0,
                t: 30.0,
            },
            Rft {
                x: 3.0,
                t_x: 12.0,
                t: 30.0,
            },
            Rft {
                x: 250.0,
                t_x: 1000.0,
                t: 1040.0,
            },
        ] {
            let (_, g) = bgnbd_one(&p, &c);
            for k in 0..4 {
                let h = 1e-6 * p[k];
                let mut up = p;
                let mut down = p;
                up[k] += h;
                down[k] -= h;
                let numeric = (bgnbd_one(&up, &c).0 - bgnbd_one(&down, &c).0) / (2.0 * h);
                assert!(
                    (g[k] - numeric).abs() < 1e-5 * numeric.abs().max(1.0),
                    "{k} {c:?}: {} vs {numeric}",
                    g[k]
                );
            }
        }
        let p = [6.0, 3.7, 15.0];
        let (_, g) = gamma_gamma_one(&p, 4.0, 35.0);
        for k in 0..3 {
            let h = 1e-6 * p[k];
            let mut up = p;
            let mut down = p;
            up[k] += h;
            down[k] -= h;
            let numeric =
                (gamma_gamma_one(&up, 4.0, 35.0).0 - gamma_gamma_one(&down, 4.0, 35.0).0) / (2.0 * h);
            assert!((g[k] - numeric).abs() < 1e-5 * numeric.abs().max(1.0));
        }
    }

    #[test]
    fn a_customer_without_repeats_is_alive_and_long_histories_stay_finite() {
        let p = [0.243, 4.414, 0.793, 2.426];
        assert_eq!(
            bgnbd_p_alive(
                &p,
                &Rft {
                    x: 0.0,
                    t_x: 0.0,
                    t: 38.0
                }
            ),
            1.0
        );
        let heavy = Rft {
            x: 500.0,
            t_x: 2000.0,
            t: 2080.0,
        };
        let (ll, g) = bgnbd_one(&p, &heavy);
        assert!(ll.is_finite() && g.iter().all(|v| v.is_finite()));
        let e = bgnbd_expected(&p, &heavy, 52.0);
        assert!(e.is_finite() && e > 0.0, "{e}");
    }

    /// Seeded simulation from the BG/NBD story: gamma-distributed rates, beta dropout.
    fn simulate(p: [f64; 4], customers: usize, t: f64, seed: u64) -> Vec<Rft> {
        let mut state = seed;
        let mut uniform = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        };
        // Gamma(shape, 1) by Marsaglia-Tsang (with the boost for shape < 1).
        fn gamma(shape: f64, uniform: &mut dyn FnMut() -> f64) -> f64 {
            if shape < 1.0 {
                return gamma(shape + 1.0, uniform) * uniform().powf(1.0 / shape);
            }
            let d = shape - 1.0 / 3.0;
            let c = 1.0 / (9.0 * d).sqrt();
            loop {
                // Normal by Box-Muller.
                let n = (-2.0 * uniform().max(1e-300).ln()).sqrt()
                    * (2.0 * std::f64::consts::PI * uniform()).cos();
                let v = (1.0 + c * n).powi(3);
                if v > 0.0 && uniform().max(1e-300).ln() < 0.5 * n * n + d - d * v + d * v.ln() {
                    return d * v;
                }
            }
        }
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
        (0..customers)
            .map(|_| {
                let lambda = gamma(r, &mut uniform) / alpha;
                let ga = gamma(a, &mut uniform);
                let dropout = ga / (ga + gamma(b, &mut uniform));
                let (mut now, mut x, mut last) = (0.0, 0.0, 0.0);
                loop {
                    now += -uniform().max(1e-300).ln() / lambda;
                    if now > t {
                        break;
                    }
                    x += 1.0;
                    last = now;
                    if uniform() < dropout {
                        break;
                    }
                }
                Rft { x, t_x: last, t }
            })
            .collect()
    }

    /// The published CDNOW values (Fader, Hardie & Lee 2005): r 0.243, α 4.414, a 0.793,
    /// b 2.426, log-likelihood −9582.4.
    #[test]
    fn cdnow_published_values() {
        let Ok(text) = std::fs::read_to_string("../shared/data/cdnow/cdnow_customers_summary.csv") else {
            eprintln!("skipping: ../shared/data/cdnow is absent");
            return;
        };
        let data: Vec<Rft> = text
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<f64> = l.split(',').map(|v| v.parse().unwrap()).collect();
                Rft {
                    x: f[1],
                    t_x: f[2],
                    t: f[3],
                }
            })
            .collect();
        let fit = fit_bgnbd(&data);
        assert!(fit.converged, "{fit:?}");
        for (got, published) in fit.parameters.iter().zip([0.243, 4.414, 0.793, 2.426]) {
            assert!((got - published).abs() < 5e-4 * published.max(1.0), "{fit:?}");
        }
        assert!((fit.log_likelihood + 9582.4).abs() < 0.05, "{fit:?}");
    }

    #[test]
    fn recovers_simulated_parameters() {
        let truth = [0.5, 6.0, 0.7, 2.5];
        let data = simulate(truth, 5_000, 52.0, 11);
        let fit = fit_bgnbd(&data);
        assert!(fit.converged, "{fit:?}");
        for k in 0..4 {
            let (estimate, se) = (fit.parameters[k], fit.standard_errors[k]);
            assert!(
                (estimate - truth[k]).abs() < 4.0 * se + 0.05 * truth[k],
                "{}: {estimate} ± {se} vs {}",
                fit.names[k],
                truth[k]
            );
        }
    }
}
