//! Minimisation by L-BFGS (Nocedal & Wright, algorithm 7.4) with a backtracking line search
//! satisfying the Armijo condition: small, smooth problems (a handful of log-parameters).

/// The result of a minimisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    pub x: Vec<f64>,
    pub value: f64,
    pub iterations: usize,
    pub converged: bool,
}

/// A function to minimise: its value and gradient at a point.
pub type Objective<'a> = &'a dyn Fn(&[f64]) -> (f64, Vec<f64>);

/// Minimises `f`, which returns the value and the gradient at a point. Stops when the largest
/// gradient component is below `gradient_tolerance`, when a step no longer changes the value
/// in its 12th significant digit (converged if the gradient is then below the square root of
/// the tolerance or the quasi-Newton model expects a decrease below 10⁻⁴), or after
/// `max_iterations`.
pub fn lbfgs(f: Objective, start: &[f64], gradient_tolerance: f64, max_iterations: usize) -> Minimum {
    const MEMORY: usize = 8;
    let mut x = start.to_vec();
    let (mut value, mut gradient) = f(&x);
    let mut history: Vec<(Vec<f64>, Vec<f64>, f64)> = Vec::new(); // (s, y, 1 / y·s)
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(p, q)| p * q).sum::<f64>();
    for iteration in 0..max_iterations {
        let largest = gradient.iter().fold(0.0f64, |m, g| m.max(g.abs()));
        if !value.is_finite() || gradient.iter().any(|g| !g.is_finite()) {
            return Minimum {
                x,
                value,
                iterations: iteration,
                converged: false,
            };
        }
        if largest < gradient_tolerance {
            return Minimum {
                x,
                value,
                iterations: iteration,
                converged: true,
            };
        }
        // Two-loop recursion: the direction −H·g.
        let mut q = gradient.clone();
        let mut alphas = Vec::with_capacity(history.len());
        for (s, y, rho) in history.iter().rev() {
            let alpha = rho * dot(s, &q);
            for (qi, yi) in q.iter_mut().zip(y) {
                *qi -= alpha * yi;
            }
            alphas.push(alpha);
        }
        let scale = match history.last() {
            Some((s, y, _)) => dot(s, y) / dot(y, y),
            None => 1.0 / largest.max(1.0),
        };
        for qi in q.iter_mut() {
            *qi *= scale;
        }
        for ((s, y, rho), alpha) in history.iter().zip(alphas.iter().rev()) {
            let beta = rho * dot(y, &q);
            for (qi, si) in q.iter_mut().zip(s) {
                *qi += (alpha - beta) * si;
            }
        }
        let mut direction: Vec<f64> = q.iter().map(|v| -v).collect();
        let mut slope = dot(&gradient, &direction);
        // g·H⁻¹·g with the quasi-Newton H: twice the decrease a full Newton step expects.
        let mut newton_decrement = (!history.is_empty()).then_some(-slope);
        if slope >= 0.0 {
            newton_decrement = None;
            // Not a descent direction (curvature lost): fall back to steepest descent.
            history.clear();
            direction = gradient.iter().map(|g| -g / largest.max(1.0)).collect();
            slope = dot(&gradient, &direction);
        }
        // Backtracking until the Armijo condition holds.
        let mut step = 1.0;
        let mut accepted = None;
        for _ in 0..60 {
            let candidate: Vec<f64> = x.iter().zip(&direction).map(|(xi, d)| xi + step * d).collect();
            let (v, g) = f(&candidate);
            if v.is_finite() && v <= value + 1e-4 * step * slope {
                accepted = Some((candidate, v, g));
                break;
            }
            step *= 0.5;
        }
        let Some((next, next_value, next_gradient)) = accepted else {
            // No decrease along the direction: as good as this method gets.
            let converged = largest < gradient_tolerance.sqrt();
            return Minimum {
                x,
                value,
                iterations: iteration,
                converged,
            };
        };
        let s: Vec<f64> = next.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = next_gradient.iter().zip(&gradient).map(|(a, b)| a - b).collect();
        let ys = dot(&y, &s);
        if ys > 1e-12 {
            if history.len() == MEMORY {
                history.remove(0);
            }
            history.push((s, y, 1.0 / ys));
        }
        // The value no longer changes in its 12th digit: the gradient left is rounding noise
        // in a sum over many customers, and more iterations would only chase it.
        let stalled = value - next_value <= 1e-12 * value.abs().max(1.0);
        x = next;
        value = next_value;
        gradient = next_gradient;
        if stalled {
            // Converged when the quasi-Newton model expects less than 10⁻⁴ more: for a
            // log-likelihood the step still to go is then about a hundredth of a standard
            // error (the decrement is the squared step in standard errors). With many customers
            // the curvature is large, and a gradient above the tolerance can be worth nothing.
            let largest = gradient.iter().fold(0.0f64, |m, g| m.max(g.abs()));
            return Minimum {
                x,
                value,
                iterations: iteration + 1,
                converged: largest < gradient_tolerance.sqrt() || newton_decrement.is_some_and(|d| d < 1e-4),
            };
        }
    }
    Minimum {
        x,
        value,
        iterations: max_iterations,
        converged: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rosenbrock() {
        let f = |p: &[f64]| {
            let (x, y) = (p[0], p[1]);
            let value = (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2);
            let gradient = vec![-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)];
            (value, gradient)
        };
        let m = lbfgs(&f, &[-1.2, 1.0], 1e-8, 1000);
        assert!(m.converged, "{m:?}");
        assert!(
            (m.x[0] - 1.0).abs() < 1e-6 && (m.x[1] - 1.0).abs() < 1e-6,
            "{m:?}"
        );
    }
}
