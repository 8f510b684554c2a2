//! RFM scores and named segments. Pure: feature values in, scores and names out.

use rayon::prelude::*;

/// Scores 1..=bins by rank, `bins` = best: `floor(bins * (min_rank - 1) / n) + 1`, where
/// `min_rank` is the 1-based rank of a value among all values (ascending when higher is better,
/// descending otherwise) with ties taking the lowest rank of their group. Tied values therefore
/// always share a score, and a value shared by most customers (frequency 1) gets the low score
/// its rank starts at, never a mix. NaN counts as the worst value.
pub fn rank_scores(values: &[f64], bins: u8, higher_is_better: bool) -> Vec<u8> {
    let n = values.len();
    if n == 0 {
        return Vec::new();
    }
    // Worst first: ascending when higher is better.
    let key = |v: f64| {
        let v = if v.is_nan() { f64::NEG_INFINITY } else { v };
        if higher_is_better {
            v
        } else {
            -v
        }
    };
    // Keys travel with their row numbers: sorting row numbers by an indirect key would wait
    // on memory for every comparison.
    let mut order: Vec<(f64, u32)> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| (key(v), i as u32))
        .collect();
    order.par_sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut scores = vec![0u8; n];
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && order[end].0 == order[start].0 {
            end += 1;
        }
        // min_rank - 1 == start for the whole tie group.
        let score = (bins as usize * start / n + 1) as u8;
        for &(_, i) in &order[start..end] {
            scores[i as usize] = score;
        }
        start = end;
    }
    scores
}

/// Brings a score on 1..=bins onto the 1..=5 scale the default segment map is written in,
/// linearly with the ends kept: 1 stays 1 and `bins` becomes 5.
pub fn to_five(score: u8, bins: u8) -> u8 {
    if bins == 5 || bins < 2 {
        return score.clamp(1, 5);
    }
    let scaled = 1.0 + (score as f64 - 1.0) * 4.0 / (bins as f64 - 1.0);
    (scaled + 0.5).floor().clamp(1.0, 5.0) as u8
}

/// One rule of a segment map: a name for customers whose R and F scores fall in the ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentRule {
    pub name: String,
    pub r: (u8, u8),
    pub f: (u8, u8),
}

/// The widely used 11-segment map on R and F scores (1..5), first matching rule wins.
pub fn default_segment_map() -> Vec<SegmentRule> {
    let rule = |name: &str, r: (u8, u8), f: (u8, u8)| SegmentRule {
        name: name.to_string(),
        r,
        f,
    };
    vec![
        rule("Champions", (5, 5), (4, 5)),
        rule("Loyal Customers", (3, 4), (4, 5)),
        rule("Potential Loyalists", (4, 5), (2, 3)),
        rule("New Customers", (5, 5), (1, 1)),
        rule("Promising", (4, 4), (1, 1)),
        rule("Need Attention", (3, 3), (3, 3)),
        rule("About To Sleep", (3, 3), (1, 2)),
        rule("Can't Lose Them", (1, 2), (5, 5)),
        rule("At Risk", (1, 2), (3, 4)),
        rule("Lost", (1, 1), (1, 1)),
        rule("Hibernating", (1, 2), (1, 2)),
    ]
}

/// The first rule that matches, or `None` when the map leaves the scores uncovered.
pub fn segment_of(map: &[SegmentRule], r: u8, f: u8) -> Option<&str> {
    map.iter()
        .find(|rule| (rule.r.0..=rule.r.1).contains(&r) && (rule.f.0..=rule.f.1).contains(&f))
        .map(|rule| rule.name.as_str())
}

/// R/F score pairs on 1..5 that no rule covers (a user's map must name every customer).
pub fn uncovered(map: &[SegmentRule]) -> Vec<(u8, u8)> {
    let mut missing = Vec::new();
    for r in 1..=5 {
        for f in 1..=5 {
            if segment_of(map, r, f).is_none() {
                missing.push((r, f));
            }
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quintiles_by_min_rank() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(rank_scores(&values, 5, true), vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert_eq!(rank_scores(&values, 5, false), vec![5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    }

    #[test]
    fn ties_share_the_score_their_rank_starts_at() {
        // 70% of customers bought once.
        let mut values = vec![1.0; 7];
        values.extend([2.0, 3.0, 9.0]);
        assert_eq!(rank_scores(&values, 5, true), vec![1, 1, 1, 1, 1, 1, 1, 4, 5, 5]);
    }

    #[test]
    fn default_map_names_every_score_pair_and_every_segment_is_reachable() {
        let map = default_segment_map();
        assert!(uncovered(&map).is_empty());
        let mut reached: Vec<&str> = Vec::new();
        for r in 1..=5 {
            for f in 1..=5 {
                let name = segment_of(&map, r, f).unwrap();
                if !reached.contains(&name) {
                    reached.push(name);
                }
            }
        }
        assert_eq!(reached.len(), 11, "{reached:?}");
        assert_eq!(segment_of(&map, 5, 5), Some("Champions"));
        assert_eq!(segment_of(&map, 1, 1), Some("Lost"));
        assert_eq!(segment_of(&map, 2, 1), Some("Hibernating"));
        assert_eq!(segment_of(&map, 1, 5), Some("Can't Lose Them"));
        assert_eq!(segment_of(&map, 5, 1), Some("New Customers"));
    }

    #[test]
    fn scores_rescale_to_five() {
        assert_eq!(
            (1..=10).map(|s| to_five(s, 10)).collect::<Vec<_>>(),
            vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
        );
        assert_eq!((1..=3).map(|s| to_five(s, 3)).collect::<Vec<_>>(), vec![1, 3, 5]);
    }

    proptest! {
        #[test]
        fn scores_are_monotone_in_range_and_tie_safe(
            values in prop::collection::vec(0u8..20, 1..200), bins in 2u8..10
        ) {
            let values: Vec<f64> = values.into_iter().map(f64::from).collect();
            let scores = rank_scores(&values, bins, true);
            for i in 0..values.len() {
                prop_assert!((1..=bins).contains(&scores[i]));
                for j in 0..values.len() {
                    if values[i] == values[j] {
                        prop_assert_eq!(scores[i], scores[j]);
                    }
                    if values[i] < values[j] {
                        prop_assert!(scores[i] <= scores[j]);
                    }
                }
            }
            // Brute force: the formula on the min-rank.
            for i in 0..values.len() {
                let below = values.iter().filter(|&&v| v < values[i]).count();
                prop_assert_eq!(scores[i] as usize, bins as usize * below / values.len() + 1);
            }
        }
    }
}
