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

#[cfg(test)]
mod tests {
    use super::*;

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
