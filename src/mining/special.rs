//! Special functions the customer-base models need: log-gamma, digamma, and the Gauss
//! hypergeometric function 2F1 in log space.

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, &c) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// ln B(a, b).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// ψ(x) = d/dx ln Γ(x) for x > 0: recurrence up to x ≥ 10, then the asymptotic series.
pub fn digamma(mut x: f64) -> f64 {
    let mut result = 0.0;
    while x < 10.0 {
        result -= 1.0 / x;
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    result + x.ln()
        - 0.5 * inv
        - inv2
            * (1.0 / 12.0 - inv2 * (1.0 / 120.0 - inv2 * (1.0 / 252.0 - inv2 * (1.0 / 240.0 - inv2 / 132.0))))
}

/// ln 2F1(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1.
///
/// The customer-base models call it with a and b growing with a customer's transactions and
/// c − a, c − b staying small; Euler's transformation 2F1(a, b; c; z) =
/// (1 − z)^(c−a−b) 2F1(c − a, c − b; c; z) then turns a series of thousands of terms into a
/// few dozen. Either series is summed in log space, so terms far beyond f64's range neither
/// overflow nor lose the sum.
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> f64 {
    if z == 0.0 {
        return 0.0;
    }
    let (ea, eb) = (c - a, c - b);
    if ea.abs() + eb.abs() < a + b {
        if let Some(ln_sum) = ln_hyp2f1_series(ea, eb, c, z) {
            return (c - a - b) * (-z).ln_1p() + ln_sum;
        }
    }
    ln_hyp2f1_series(a, b, c, z).unwrap_or(f64::NAN)
}

/// Series beyond this many terms are cut (z within about 10⁻⁶ of 1).
const MAX_TERMS: u64 = 20_000_000;

/// ln of the power series of 2F1(a, b; c; z), c > 0, 0 < z < 1, for any real a and b (terms
/// may change sign); `None` when the sum is not positive.
fn ln_hyp2f1_series(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    let ln_z = z.ln();
    // The k-th term is sign · exp(ln_term); the sum is exp(ln_max) · scaled.
    let (mut ln_term, mut sign) = (0.0f64, 1.0f64);
    let (mut ln_max, mut scaled) = (0.0f64, 1.0f64);
    for k in 0..MAX_TERMS {
        let k = k as f64;
        let ratio = (a + k) * (b + k) / ((c + k) * (k + 1.0));
        if ratio == 0.0 {
            // a or b is a non-positive integer: the series ends here.
            break;
        }
        sign *= ratio.signum();
        ln_term += ratio.abs().ln() + ln_z;
        if ln_term > ln_max {
            scaled = scaled * (ln_max - ln_term).exp() + sign;
            ln_max = ln_term;
        } else {
            let relative = (ln_term - ln_max).exp();
            scaled += sign * relative;
            // Terms shrink once k passes the peak; stop when they no longer matter.
            if relative < 1e-17 * scaled.abs() && ratio.abs() * z < 1.0 {
                break;
            }
        }
    }
    (scaled > 0.0).then(|| ln_max + scaled.ln())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_values() {
        assert!((ln_gamma(1.0)).abs() < 1e-14);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-13);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-13);
        assert!((ln_gamma(100.5) - 361.435_540_467_777_6).abs() < 1e-9);
    }

    #[test]
    fn digamma_values() {
        // ψ(1) = −γ (Euler–Mascheroni), ψ(0.5) = −γ − 2 ln 2.
        let euler = 0.577_215_664_901_532_9;
        assert!((digamma(1.0) + euler).abs() < 1e-13);
        assert!((digamma(0.5) + euler + 2.0 * 2f64.ln()).abs() < 1e-13);
        // Against a central difference of ln Γ.
        for x in [0.3, 2.7, 15.0, 120.0] {
            let h = 1e-5;
            let numeric = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!((digamma(x) - numeric).abs() < 1e-7, "{x}");
        }
    }

    #[test]
    fn hypergeometric_values() {
        // 2F1(1, 1; 2; z) = −ln(1 − z) / z.
        let z: f64 = 0.6;
        assert!((ln_hyp2f1(1.0, 1.0, 2.0, z).exp() - (-(1.0 - z).ln() / z)).abs() < 1e-13);
        // 2F1(a, b; b; z) = (1 − z)^−a.
        assert!((ln_hyp2f1(3.5, 2.0, 2.0, 0.3) - (-3.5 * 0.7f64.ln())).abs() < 1e-13);
        // Far beyond f64 when summed directly: (1 − z)^−a with a = 2000.
        assert!((ln_hyp2f1(2000.0, 7.0, 7.0, 0.5) - 2000.0 * 2f64.ln()).abs() < 1e-9);
    }

    /// The transformed series against the plain one, over the parameters the models use
    /// (a = r + x, b = b + x, c = a + b + x − 1) and beyond.
    #[test]
    fn euler_transformation_agrees_with_the_plain_series() {
        for (a, b, c, z) in [
            (0.24 + 3.0, 2.4 + 3.0, 0.79 + 2.4 + 2.0, 0.6),
            (0.24 + 150.0, 2.4 + 150.0, 0.79 + 2.4 + 149.0, 0.3),
            (5.0, 1.0, 2.5, 0.9),
            (0.5, 0.7, 3.0, 0.99),
            (40.0, 38.0, 39.0, 0.2),
        ] {
            let plain = ln_hyp2f1_series(a, b, c, z).unwrap();
            let fast = ln_hyp2f1(a, b, c, z);
            assert!(
                (plain - fast).abs() < 1e-11 * plain.abs().max(1.0),
                "{a} {b} {c} {z}: {plain} vs {fast}"
            );
        }
    }
}
