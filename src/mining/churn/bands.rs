//! Risk bands: the probabilities at which the high and medium bands start, taken from the
//! training customers' scores so that new data is banded on the same scale.

use serde::{Deserialize, Serialize};

/// The probabilities at which the high and medium risk bands start.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BandCutoffs {
    pub high: f64,
    pub medium: f64,
}

/// The cut points for `high_share` of the customers in the high band and `medium_share` in
/// the medium one: the training customers' scores at those shares (customers tied at a cut
/// point all join the higher band).
pub fn band_cutoffs(probabilities: &[f64], high_share: f64, medium_share: f64) -> BandCutoffs {
    let mut sorted = probabilities.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let at = |share: f64| -> f64 {
        // Less a hair: 0.1 + 0.2 is 0.30000000000000004, and 30% of 10 must be 3, not 4.
        let k = ((share * sorted.len() as f64 - 1e-9).ceil() as usize).clamp(1, sorted.len().max(1));
        sorted.get(k - 1).copied().unwrap_or(1.0)
    };
    BandCutoffs {
        high: at(high_share),
        medium: at(high_share + medium_share),
    }
}

/// The risk bands, highest first.
pub const BAND_NAMES: [&str; 3] = ["high", "medium", "low"];

/// The index of a probability's band in [`BAND_NAMES`].
pub fn band_index(p: f64, cutoffs: BandCutoffs) -> usize {
    if p >= cutoffs.high {
        0
    } else if p >= cutoffs.medium {
        1
    } else {
        2
    }
}

/// The name of a probability's band.
pub fn band(p: f64, cutoffs: BandCutoffs) -> &'static str {
    BAND_NAMES[band_index(p, cutoffs)]
}

/// Customers per band, in [`BAND_NAMES`] order.
pub fn band_counts(probabilities: &[f64], cutoffs: BandCutoffs) -> [usize; 3] {
    let mut counts = [0; 3];
    for &p in probabilities {
        counts[band_index(p, cutoffs)] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn band_cut_points_from_the_training_scores() {
        let p: Vec<f64> = (1..=10).map(|i| i as f64 / 10.0).collect();
        let cutoffs = band_cutoffs(&p, 0.1, 0.2);
        assert_eq!((cutoffs.high, cutoffs.medium), (1.0, 0.8));
        assert_eq!(band_counts(&p, cutoffs), [1, 2, 7]);
    }

    proptest! {
        /// Distinct scores are banded in the shares asked for, rounded up.
        #[test]
        fn distinct_scores_fill_the_shares(n in 1usize..400, high in 0.0f64..0.5, medium in 0.0f64..0.5) {
            let p: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
            let counts = band_counts(&p, band_cutoffs(&p, high, medium));
            let wanted = |share: f64| ((share * n as f64 - 1e-9).ceil() as usize).clamp(1, n);
            prop_assert_eq!(counts[0], wanted(high));
            prop_assert_eq!(counts[0] + counts[1], wanted(high + medium));
            prop_assert_eq!(counts.iter().sum::<usize>(), n);
        }
    }
}
