//! Unusual customers: robust z-scores (median and MAD) per feature, and distances to the own
//! cluster centre beyond a high percentile. Pure: columns of numbers in, flags and reasons out.

use rayon::prelude::*;

/// The constant that makes the MAD of a normal sample estimate its standard deviation
/// (Iglewicz and Hoaglin's modified z-score: 0.6745 (x - median) / MAD).
const MAD_TO_SIGMA: f64 = 0.6745;

/// The median (NaN for no values); reorders `values`.
pub fn median(values: &mut [f64]) -> f64 {
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    let (below, &mut middle, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        middle
    } else {
        let lower = below.iter().copied().max_by(f64::total_cmp).unwrap_or(middle);
        (lower + middle) / 2.0
    }
}

/// Modified z-scores of one feature. When the MAD is zero (more than half the values equal,
/// as frequency often is), the mean absolute deviation stands in (scaled by 1.253314, its
/// normal-consistency constant), so a feature dominated by one value still flags the extreme
/// ones instead of dividing by zero; when that is zero too, every score is zero.
pub fn modified_z(values: &[f64]) -> Vec<f64> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let mut scratch = finite.clone();
    let center = median(&mut scratch);
    let mut deviations: Vec<f64> = finite.iter().map(|v| (v - center).abs()).collect();
    let mad = median(&mut deviations);
    let scale = if mad > 0.0 {
        mad / MAD_TO_SIGMA
    } else {
        let mean_abs = deviations.iter().sum::<f64>() / deviations.len().max(1) as f64;
        mean_abs * 1.253_314
    };
    values
        .iter()
        .map(|v| {
            if !v.is_finite() || scale <= 0.0 || !scale.is_finite() {
                0.0
            } else {
                (v - center) / scale
            }
        })
        .collect()
}

/// Per row: the reason it is an outlier, or `None`. A row is flagged when any feature's
/// modified z-score exceeds `threshold` in absolute value (the reason names the features and
/// their scores, largest first), or when its distance to its cluster centre is beyond the
/// `distance_quantile` of all distances.
pub fn flag(
    features: &[(&str, &[f64])],
    threshold: f64,
    distances: Option<(&[f64], f64)>,
) -> Vec<Option<String>> {
    let rows = features.first().map(|(_, v)| v.len()).unwrap_or(0);
    let scores: Vec<(&str, Vec<f64>)> = features
        .par_iter()
        .map(|(name, v)| (*name, modified_z(v)))
        .collect();
    let cut = distances.map(|(d, q)| {
        let mut sorted: Vec<f64> = d.iter().copied().filter(|v| v.is_finite()).collect();
        let at = ((sorted.len() as f64 - 1.0) * q).round().max(0.0) as usize;
        if at < sorted.len() {
            *sorted.select_nth_unstable_by(at, f64::total_cmp).1
        } else {
            f64::INFINITY
        }
    });
    (0..rows)
        .into_par_iter()
        .map(|row| {
            let mut reasons: Vec<(f64, String)> = scores
                .iter()
                .filter(|(_, z)| z[row].abs() > threshold)
                .map(|(name, z)| {
                    let side = if z[row] > 0.0 { "high" } else { "low" };
                    (z[row].abs(), format!("{name} {side} (robust z {:+.1})", z[row]))
                })
                .collect();
            reasons.sort_by(|a, b| b.0.total_cmp(&a.0));
            let mut texts: Vec<String> = reasons.into_iter().map(|(_, t)| t).collect();
            if let (Some((d, q)), Some(cut)) = (distances, cut) {
                if d[row] > cut {
                    texts.push(format!(
                        "far from its cluster centre ({:.2} > {:.2}, the {:.1}th percentile)",
                        d[row],
                        cut,
                        q * 100.0
                    ));
                }
            }
            (!texts.is_empty()).then(|| texts.join("; "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic lognormal-ish sample: exp of a sum of uniforms (near normal).
    fn lognormal(n: usize) -> Vec<f64> {
        let mut state = 42u64;
        let mut uniform = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..n)
            .map(|_| {
                let z: f64 = (0..12).map(|_| uniform()).sum::<f64>() - 6.0;
                (3.0 + 0.5 * z).exp()
            })
            .collect()
    }

    #[test]
    fn modified_z_by_hand() {
        // median 3, deviations 2,1,0,1,97 -> MAD 1; z = 0.6745 * (x - 3).
        let z = modified_z(&[1.0, 2.0, 3.0, 4.0, 100.0]);
        assert!((z[0] + 1.349).abs() < 1e-9);
        assert!((z[4] - 65.4265).abs() < 1e-9);
    }

    #[test]
    fn planted_extremes_are_found_and_a_clean_sample_is_quiet() {
        let clean: Vec<f64> = lognormal(5_000).iter().map(|v| v.ln_1p()).collect();
        let flags = flag(&[("monetary", &clean)], 3.5, None);
        let flagged = flags.iter().filter(|f| f.is_some()).count();
        assert!(flagged <= 5, "{flagged} of 5000 clean values flagged");

        let mut planted = clean.clone();
        planted[10] = 1_000_000f64.ln_1p();
        planted[20] = 0.0;
        let flags = flag(&[("monetary", &planted)], 3.5, None);
        assert!(flags[10].as_deref().unwrap().starts_with("monetary high"));
        assert!(flags[20].as_deref().unwrap().starts_with("monetary low"));
    }

    #[test]
    fn a_feature_of_mostly_equal_values_still_flags_the_extreme() {
        let mut frequency = vec![1.0; 90];
        frequency.extend([2.0; 9]);
        frequency.push(400.0);
        let flags = flag(&[("frequency", &frequency)], 3.5, None);
        assert!(flags[99].is_some());
        assert!(flags[..99].iter().all(Option::is_none));
    }

    #[test]
    fn distances_beyond_the_percentile_are_flagged() {
        let mut distance: Vec<f64> = (0..1000).map(|i| i as f64 / 1000.0).collect();
        distance[3] = 50.0;
        let zero = vec![0.0; 1000];
        let flags = flag(&[("recency", &zero)], 3.5, Some((&distance, 0.999)));
        assert!(flags[3].as_deref().unwrap().contains("cluster centre"));
        assert_eq!(flags.iter().filter(|f| f.is_some()).count(), 1);
    }
}
