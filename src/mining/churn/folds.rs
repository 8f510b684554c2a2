//! Stratified, seeded cross-validation folds: each fold gets its share of churners and of
//! stayers, so a fold's AUC is never undefined for want of one class.

use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

/// The fold (0..folds) of each row: the rows of each class are shuffled with the seed and
/// dealt out in turn, the stayers continuing where the churners stopped so fold sizes differ
/// by at most one.
pub fn stratified(labels: &[bool], folds: usize, seed: u64) -> Vec<usize> {
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let mut assignment = vec![0; labels.len()];
    let mut next = 0;
    for class in [true, false] {
        let mut rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        // Fisher-Yates.
        for i in (1..rows.len()).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            rows.swap(i, j);
        }
        for row in rows {
            assignment[row] = next % folds;
            next += 1;
        }
    }
    assignment
}

/// The rows (in order) of a stratified sample of `size` rows, each class in its share of
/// the whole (at least one of each), drawn with the seed; `None` when every row fits.
pub fn stratified_sample(labels: &[bool], size: usize, seed: u64) -> Option<Vec<usize>> {
    if labels.len() <= size {
        return None;
    }
    // Not the folds' stream: a sample and the folds drawn from one seed stay unrelated.
    let mut rng = Xoshiro256Plus::seed_from_u64(seed ^ 0x5EED_5A3F_1E00_0001);
    let positives = labels.iter().filter(|&&l| l).count();
    let share = |count: usize| {
        ((count as f64 * size as f64 / labels.len() as f64).round() as usize).clamp(1.min(count), count)
    };
    let mut chosen = Vec::with_capacity(size);
    for (class, count) in [(true, positives), (false, labels.len() - positives)] {
        let mut rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        let wanted = share(count);
        // The first `wanted` places of a Fisher-Yates shuffle.
        for i in 0..wanted {
            let j = i + (rng.next_u64() % (rows.len() - i) as u64) as usize;
            rows.swap(i, j);
        }
        chosen.extend_from_slice(&rows[..wanted]);
    }
    chosen.sort_unstable();
    Some(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_keeps_each_class_in_its_share() {
        let labels: Vec<bool> = (0..10_000).map(|i| i % 10 < 3).collect();
        let sample = stratified_sample(&labels, 1_000, 3).unwrap();
        assert_eq!(sample.len(), 1_000);
        assert_eq!(sample.iter().filter(|&&i| labels[i]).count(), 300);
        assert!(
            sample.windows(2).all(|w| w[0] < w[1]),
            "rows in order, none twice"
        );
        assert_eq!(Some(sample.clone()), stratified_sample(&labels, 1_000, 3));
        assert_ne!(Some(sample), stratified_sample(&labels, 1_000, 4));
        assert_eq!(stratified_sample(&labels, 10_000, 3), None);
        // A rare class keeps at least one row.
        let rare: Vec<bool> = (0..10_000).map(|i| i == 17).collect();
        let sample = stratified_sample(&rare, 100, 1).unwrap();
        assert!(sample.contains(&17));
    }

    #[test]
    fn every_fold_has_its_share_of_each_class() {
        let labels: Vec<bool> = (0..103).map(|i| i % 4 == 0).collect();
        let folds = stratified(&labels, 5, 7);
        for k in 0..5 {
            let churners = (0..103).filter(|&i| folds[i] == k && labels[i]).count();
            let size = folds.iter().filter(|&&f| f == k).count();
            assert!((5..=6).contains(&churners), "fold {k}: {churners} churners");
            assert!((20..=21).contains(&size), "fold {k}: {size} rows");
        }
        assert_eq!(folds, stratified(&labels, 5, 7));
        assert_ne!(folds, stratified(&labels, 5, 8));
    }
}
