//! How good churn probabilities are: ranking (ROC AUC, PR AUC, lift), accuracy of the
//! probabilities themselves (log loss, Brier score, calibration) and the confusion matrix at
//! a threshold. Everything takes the labels and the scores of the same customers.

use serde::Serialize;

/// Area under the ROC curve: the probability that a random churner scores above a random
/// stayer, ties counting one half (the Mann-Whitney statistic). `None` when one class is
/// missing.
pub fn roc_auc(labels: &[bool], scores: &[f64]) -> Option<f64> {
    let order = ascending(scores);
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    let negatives = labels.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    // Sum of the positives' mid-ranks (1-based) over runs of tied scores.
    let mut rank_sum = 0.0;
    let mut start = 0;
    for tied in order.chunk_by(|&a, &b| scores[a] == scores[b]) {
        let end = start + tied.len();
        let mid_rank = (start + 1 + end) as f64 / 2.0;
        rank_sum += mid_rank * positives_in(tied, labels);
        start = end;
    }
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

/// Area under the precision-recall curve as average precision: the mean, over churners, of
/// the precision among customers scored at least as high (tied scores enter together, as in
/// scikit-learn's `average_precision_score`).
pub fn average_precision(labels: &[bool], scores: &[f64]) -> Option<f64> {
    let mut order = ascending(scores);
    order.reverse();
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    if positives == 0.0 {
        return None;
    }
    let (mut seen, mut hits, mut area, mut last_recall) = (0.0, 0.0, 0.0, 0.0);
    for tied in order.chunk_by(|&a, &b| scores[a] == scores[b]) {
        seen += tied.len() as f64;
        hits += positives_in(tied, labels);
        let recall = hits / positives;
        area += (recall - last_recall) * hits / seen;
        last_recall = recall;
    }
    Some(area)
}

/// Mean negative log-likelihood of the labels, probabilities clipped to [1e-15, 1 − 1e-15].
pub fn log_loss(labels: &[bool], probabilities: &[f64]) -> f64 {
    let n = labels.len().max(1) as f64;
    labels
        .iter()
        .zip(probabilities)
        .map(|(&l, &p)| {
            let p = p.clamp(1e-15, 1.0 - 1e-15);
            -if l { p.ln() } else { (1.0 - p).ln() }
        })
        .sum::<f64>()
        / n
}

/// Mean squared difference between probability and outcome.
pub fn brier(labels: &[bool], probabilities: &[f64]) -> f64 {
    let n = labels.len().max(1) as f64;
    labels
        .iter()
        .zip(probabilities)
        .map(|(&l, &p)| (p - if l { 1.0 } else { 0.0 }).powi(2))
        .sum::<f64>()
        / n
}

/// The churn rate among the highest-scored tenth divided by the overall churn rate (the
/// tenth rounded up; ties at its edge broken by position, so the figure is reproducible).
pub fn top_decile_lift(labels: &[bool], scores: &[f64]) -> Option<f64> {
    let n = labels.len();
    let positives = labels.iter().filter(|&&l| l).count();
    if n == 0 || positives == 0 {
        return None;
    }
    let mut order = ascending(scores);
    order.reverse();
    let top = n.div_ceil(10);
    let top_hits = order[..top].iter().filter(|&&i| labels[i]).count();
    Some((top_hits as f64 / top as f64) / (positives as f64 / n as f64))
}

/// Counts at a threshold: a customer is predicted to churn when the probability is at least
/// the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Confusion {
    pub true_positives: usize,
    pub false_positives: usize,
    pub true_negatives: usize,
    pub false_negatives: usize,
}

impl Confusion {
    pub fn at(labels: &[bool], probabilities: &[f64], threshold: f64) -> Confusion {
        let mut c = Confusion {
            true_positives: 0,
            false_positives: 0,
            true_negatives: 0,
            false_negatives: 0,
        };
        for (&l, &p) in labels.iter().zip(probabilities) {
            match (p >= threshold, l) {
                (true, true) => c.true_positives += 1,
                (true, false) => c.false_positives += 1,
                (false, false) => c.true_negatives += 1,
                (false, true) => c.false_negatives += 1,
            }
        }
        c
    }

    pub fn precision(&self) -> f64 {
        let predicted = self.true_positives + self.false_positives;
        if predicted == 0 {
            0.0
        } else {
            self.true_positives as f64 / predicted as f64
        }
    }

    pub fn recall(&self) -> f64 {
        let actual = self.true_positives + self.false_negatives;
        if actual == 0 {
            0.0
        } else {
            self.true_positives as f64 / actual as f64
        }
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// The threshold that maximises F1 over the distinct scores: churners are usually the
/// minority, and 0.5 on a model of a 10% churn rate flags almost no one.
pub fn best_f1_threshold(labels: &[bool], probabilities: &[f64]) -> f64 {
    let mut order = ascending(probabilities);
    order.reverse();
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    if positives == 0.0 {
        return 0.5;
    }
    let (mut best, mut best_threshold) = (-1.0, 0.5);
    let (mut predicted, mut hits) = (0.0, 0.0);
    for tied in order.chunk_by(|&a, &b| probabilities[a] == probabilities[b]) {
        predicted += tied.len() as f64;
        hits += positives_in(tied, labels);
        let f1 = 2.0 * hits / (predicted + positives);
        if f1 > best {
            best = f1;
            best_threshold = probabilities[tied[0]];
        }
    }
    best_threshold
}

/// One bin of a calibration table: customers whose probability falls in [lower, upper).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationBin {
    pub lower: f64,
    pub upper: f64,
    pub customers: usize,
    pub mean_probability: Option<f64>,
    pub churn_rate: Option<f64>,
}

/// `bins` equal-width probability bins (the last one includes 1).
pub fn calibration(labels: &[bool], probabilities: &[f64], bins: usize) -> Vec<CalibrationBin> {
    let mut sums = vec![(0usize, 0.0, 0usize); bins];
    for (&l, &p) in labels.iter().zip(probabilities) {
        let b = ((p * bins as f64) as usize).min(bins - 1);
        sums[b].0 += 1;
        sums[b].1 += p;
        sums[b].2 += l as usize;
    }
    sums.iter()
        .enumerate()
        .map(|(b, &(count, p_sum, churned))| CalibrationBin {
            lower: b as f64 / bins as f64,
            upper: (b + 1) as f64 / bins as f64,
            customers: count,
            mean_probability: (count > 0).then(|| p_sum / count as f64),
            churn_rate: (count > 0).then(|| churned as f64 / count as f64),
        })
        .collect()
}

/// Churners among the given rows.
fn positives_in(rows: &[usize], labels: &[bool]) -> f64 {
    rows.iter().filter(|&&i| labels[i]).count() as f64
}

/// Indices sorted by score, ascending; NaN sorts first, ties keep input order.
fn ascending(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    order
}

/// The candidate with the highest ROC AUC (one without an AUC counts as 0); on a tie the
/// first, so candidates listed simplest first keep the simplest.
pub fn best_by_roc_auc(aucs: &[Option<f64>]) -> usize {
    (0..aucs.len()).fold(0, |best, i| {
        if aucs[i].unwrap_or(0.0) > aucs[best].unwrap_or(0.0) {
            i
        } else {
            best
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_auc_and_the_first_on_a_tie() {
        assert_eq!(best_by_roc_auc(&[Some(0.8), Some(0.9)]), 1);
        assert_eq!(best_by_roc_auc(&[Some(0.9), Some(0.9)]), 0);
        assert_eq!(best_by_roc_auc(&[None, Some(0.5)]), 1);
        assert_eq!(best_by_roc_auc(&[Some(0.7)]), 0);
    }
    use proptest::prelude::*;

    /// AUC by counting every (churner, stayer) pair.
    fn pairwise_auc(labels: &[bool], scores: &[f64]) -> f64 {
        let (mut wins, mut pairs) = (0.0, 0.0);
        for (i, &li) in labels.iter().enumerate() {
            for (j, &lj) in labels.iter().enumerate() {
                if li && !lj {
                    pairs += 1.0;
                    wins += if scores[i] > scores[j] {
                        1.0
                    } else if scores[i] == scores[j] {
                        0.5
                    } else {
                        0.0
                    };
                }
            }
        }
        wins / pairs
    }

    #[test]
    fn auc_of_a_hand_worked_example() {
        // Positives at 0.9 and 0.4, negatives at 0.8, 0.4 and 0.1: pairs (0.9 beats all 3),
        // (0.4 loses to 0.8, ties 0.4, beats 0.1) = (3 + 0 + 0.5 + 1) / 6.
        let labels = [true, false, true, false, false];
        let scores = [0.9, 0.8, 0.4, 0.4, 0.1];
        assert!((roc_auc(&labels, &scores).unwrap() - 4.5 / 6.0).abs() < 1e-12);
        assert_eq!(roc_auc(&[true, true], &[0.1, 0.2]), None);
    }

    #[test]
    fn perfect_and_reversed_rankings() {
        let labels = [false, false, true, true];
        assert_eq!(roc_auc(&labels, &[0.1, 0.2, 0.3, 0.4]), Some(1.0));
        assert_eq!(roc_auc(&labels, &[0.4, 0.3, 0.2, 0.1]), Some(0.0));
        assert_eq!(average_precision(&labels, &[0.1, 0.2, 0.3, 0.4]), Some(1.0));
    }

    #[test]
    fn average_precision_by_hand() {
        // Ranked: 0.9 (churner, precision 1), 0.8 (stayer), 0.7 (churner, precision 2/3).
        let ap = average_precision(&[true, false, true], &[0.9, 0.8, 0.7]).unwrap();
        assert!((ap - (1.0 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
    }

    #[test]
    fn losses_lift_confusion_and_calibration_by_hand() {
        let labels = [true, false];
        let p = [0.8, 0.4];
        assert!((log_loss(&labels, &p) - (-(0.8f64.ln()) - 0.6f64.ln()) / 2.0).abs() < 1e-12);
        assert!((brier(&labels, &p) - (0.04 + 0.16) / 2.0).abs() < 1e-12);
        let c = Confusion::at(&labels, &p, 0.5);
        assert_eq!(
            (
                c.true_positives,
                c.false_positives,
                c.true_negatives,
                c.false_negatives
            ),
            (1, 0, 1, 0)
        );
        // 20 customers, 4 churners, the top 2 both churners: (2/2) / (4/20) = 5.
        let mut labels = vec![false; 20];
        let scores: Vec<f64> = (0..20).map(|i| i as f64).collect();
        for i in [19, 18, 3, 2] {
            labels[i] = true;
        }
        assert_eq!(top_decile_lift(&labels, &scores), Some(5.0));
        let bins = calibration(&[true, false, true], &[0.05, 0.07, 1.0], 10);
        assert_eq!(bins.len(), 10);
        assert_eq!(bins[0].customers, 2);
        assert_eq!(bins[0].churn_rate, Some(0.5));
        assert_eq!(bins[9].customers, 1);
        assert_eq!(bins[5].mean_probability, None);
    }

    #[test]
    fn best_f1_threshold_separates_a_clean_split() {
        let labels = [false, false, true, true];
        assert_eq!(best_f1_threshold(&labels, &[0.1, 0.2, 0.6, 0.7]), 0.6);
    }

    proptest! {
        #[test]
        fn auc_equals_the_pairwise_count(
            pairs in proptest::collection::vec((any::<bool>(), 0u8..6), 2..40)
        ) {
            let labels: Vec<bool> = pairs.iter().map(|p| p.0).collect();
            let scores: Vec<f64> = pairs.iter().map(|p| p.1 as f64 / 5.0).collect();
            prop_assume!(labels.iter().any(|&l| l) && labels.iter().any(|&l| !l));
            let auc = roc_auc(&labels, &scores).unwrap();
            prop_assert!((auc - pairwise_auc(&labels, &scores)).abs() < 1e-12);
            let ap = average_precision(&labels, &scores).unwrap();
            prop_assert!((0.0..=1.0 + 1e-12).contains(&ap));
        }
    }
}
