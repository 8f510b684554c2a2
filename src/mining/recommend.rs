//! Cross-sell recommendations from association rules: for each customer, the items she has
//! not bought, each scored by the best rule (confidence, then lift, then the rule's place in
//! the list) whose whole antecedent she has bought; the `top` best, ties by item name.
//!
//! Rules are ranked once. A rule with one item in its antecedent is filed under that item, a
//! longer antecedent under the pair of its two items the fewest customers bought, so a
//! customer reaches only the rules filed under her items and pairs of items, and reads them
//! best first (a merge of those lists): the first time an item turns up it comes with its best
//! rule, and the walk stops once `top` items are found and the rules tied with the last of
//! them are read.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

/// An association rule over item numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredRule {
    /// Sorted.
    pub antecedent: Vec<u32>,
    pub consequent: Vec<u32>,
    pub confidence: f64,
    pub lift: f64,
}

/// Each customer's recommendations, best first: (item, the rule that recommends it, as an
/// index into `rules`). `bought` holds each customer's items (numbers below
/// `item_names.len()`); it is sorted and deduplicated in place.
pub fn recommend(
    rules: &[ScoredRule],
    bought: &mut [Vec<u32>],
    item_names: &[String],
    top: usize,
) -> Vec<Vec<(u32, u32)>> {
    let rule_items = item_names.len() as u32;
    // Ranked once, best first: comparing two rules is then comparing two numbers.
    let mut ranking: Vec<u32> = (0..rules.len() as u32).collect();
    ranking.sort_by(|&a, &b| {
        let (ra, rb) = (&rules[a as usize], &rules[b as usize]);
        rb.confidence
            .total_cmp(&ra.confidence)
            .then(rb.lift.total_cmp(&ra.lift))
            .then(a.cmp(&b))
    });
    let mut rank_of = vec![0u32; rules.len()];
    for (rank, &r) in ranking.iter().enumerate() {
        rank_of[r as usize] = rank as u32;
    }
    let mut buyers = vec![0u64; rule_items as usize];
    for list in bought.iter_mut() {
        list.sort_unstable();
        list.dedup();
        for &item in list.iter() {
            buyers[item as usize] += 1;
        }
    }
    let mut by_item: Vec<Vec<u32>> = vec![Vec::new(); rule_items as usize];
    let mut by_pair: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
    for &r in &ranking {
        let rule = &rules[r as usize];
        if let [only] = rule.antecedent.as_slice() {
            by_item[*only as usize].push(r);
            continue;
        }
        let mut rarest: Vec<u32> = rule.antecedent.clone();
        rarest.sort_by_key(|&a| (buyers[a as usize], a));
        let (a, b) = (rarest[0].min(rarest[1]), rarest[0].max(rarest[1]));
        by_pair.entry((a, b)).or_default().push(r);
    }
    bought
        .par_iter()
        .map_init(
            || vec![false; rule_items as usize],
            |seen, bought| {
                let mut chosen: Vec<(u32, u32)> = Vec::new();
                if top == 0 {
                    return chosen;
                }
                let mut lists: Vec<&[u32]> = bought
                    .iter()
                    .map(|&i| by_item[i as usize].as_slice())
                    .filter(|l| !l.is_empty())
                    .collect();
                if !by_pair.is_empty() {
                    for (i, &a) in bought.iter().enumerate() {
                        for &b in &bought[i + 1..] {
                            if let Some(list) = by_pair.get(&(a, b)) {
                                lists.push(list);
                            }
                        }
                    }
                }
                let mut heap: BinaryHeap<Reverse<(u32, u32, u32)>> = lists
                    .iter()
                    .enumerate()
                    .map(|(l, list)| Reverse((rank_of[list[0] as usize], l as u32, 0)))
                    .collect();
                let mut cutoff: Option<(f64, f64)> = None;
                while let Some(Reverse((_, l, position))) = heap.pop() {
                    let list = lists[l as usize];
                    let r = list[position as usize];
                    let rule = &rules[r as usize];
                    if cutoff.is_some_and(|c| c != (rule.confidence, rule.lift)) {
                        break;
                    }
                    if let Some(&next) = list.get(position as usize + 1) {
                        heap.push(Reverse((rank_of[next as usize], l, position + 1)));
                    }
                    if rule.antecedent.len() > 2
                        && !rule.antecedent.iter().all(|a| bought.binary_search(a).is_ok())
                    {
                        continue;
                    }
                    for &y in &rule.consequent {
                        if !seen[y as usize] && bought.binary_search(&y).is_err() {
                            seen[y as usize] = true;
                            chosen.push((y, r));
                        }
                    }
                    if cutoff.is_none() && chosen.len() >= top {
                        cutoff = Some((rule.confidence, rule.lift));
                    }
                }
                for &(y, _) in &chosen {
                    seen[y as usize] = false;
                }
                chosen.sort_by(|a, b| {
                    let (ra, rb) = (&rules[a.1 as usize], &rules[b.1 as usize]);
                    rb.confidence
                        .total_cmp(&ra.confidence)
                        .then(rb.lift.total_cmp(&ra.lift))
                        .then_with(|| item_names[a.0 as usize].cmp(&item_names[b.0 as usize]))
                });
                chosen.truncate(top);
                chosen
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rule(antecedent: &[u32], consequent: &[u32], confidence: f64, lift: f64) -> ScoredRule {
        let mut antecedent = antecedent.to_vec();
        antecedent.sort_unstable();
        ScoredRule {
            antecedent,
            consequent: consequent.to_vec(),
            confidence,
            lift,
        }
    }

    /// Every rule whose antecedent the customer has, each unbought consequent scored by its
    /// best rule, sorted, the first `top`.
    fn brute_force(rules: &[ScoredRule], bought: &[u32], names: &[String], top: usize) -> Vec<(u32, u32)> {
        let better = |a: usize, b: usize| {
            let (ra, rb) = (&rules[a], &rules[b]);
            (ra.confidence, ra.lift) > (rb.confidence, rb.lift)
                || ((ra.confidence, ra.lift) == (rb.confidence, rb.lift) && a < b)
        };
        let mut best: Vec<Option<usize>> = vec![None; names.len()];
        for (r, rule) in rules.iter().enumerate() {
            if !rule.antecedent.iter().all(|a| bought.contains(a)) {
                continue;
            }
            for &y in &rule.consequent {
                if bought.contains(&y) {
                    continue;
                }
                let slot = &mut best[y as usize];
                if slot.is_none_or(|b| better(r, b)) {
                    *slot = Some(r);
                }
            }
        }
        let mut found: Vec<(u32, u32)> = best
            .iter()
            .enumerate()
            .filter_map(|(y, r)| r.map(|r| (y as u32, r as u32)))
            .collect();
        found.sort_by(|a, b| {
            let (ra, rb) = (&rules[a.1 as usize], &rules[b.1 as usize]);
            rb.confidence
                .total_cmp(&ra.confidence)
                .then(rb.lift.total_cmp(&ra.lift))
                .then_with(|| names[a.0 as usize].cmp(&names[b.0 as usize]))
        });
        found.truncate(top);
        found
    }

    fn names(n: usize) -> Vec<String> {
        // Not in number order, so that ties by name are not ties by number.
        (0..n).map(|i| format!("item{:02}", (i * 7) % n)).collect()
    }

    #[test]
    fn hand_computed() {
        // Items: 0 bread, 1 butter, 2 jam, 3 milk, 4 tea.
        let names: Vec<String> = ["bread", "butter", "jam", "milk", "tea"]
            .map(String::from)
            .to_vec();
        let rules = [
            rule(&[0], &[1], 0.6, 1.2),
            rule(&[0, 1], &[2], 0.8, 2.0),
            rule(&[3], &[4], 0.9, 1.5),
            rule(&[0], &[2], 0.5, 1.1),
        ];
        let mut bought = vec![vec![1, 0], vec![0], vec![4]];
        let found = recommend(&rules, &mut bought, &names, 2);
        // Bread and butter: jam by the pair rule (0.8), which beats jam by bread alone.
        assert_eq!(found[0], vec![(2, 1)]);
        // Bread alone: butter (0.6), then jam (0.5).
        assert_eq!(found[1], vec![(1, 0), (2, 3)]);
        // Tea reaches no rule.
        assert!(found[2].is_empty());
        assert_eq!(bought[0], vec![0, 1], "sorted in place");
    }

    proptest! {
        #[test]
        fn the_same_as_brute_force(
            raw_rules in prop::collection::vec(
                (prop::collection::btree_set(0u32..12, 1..4), prop::collection::btree_set(0u32..12, 1..3), 0u8..5, 0u8..4),
                0..40,
            ),
            raw_bought in prop::collection::vec(prop::collection::vec(0u32..12, 0..7), 1..12),
            top in 0usize..5,
        ) {
            let names = names(12);
            // Few distinct confidences and lifts, so that ties are common.
            let rules: Vec<ScoredRule> = raw_rules
                .iter()
                .filter(|(a, c, _, _)| a.is_disjoint(c))
                .map(|(a, c, confidence, lift)| ScoredRule {
                    antecedent: a.iter().copied().collect(),
                    consequent: c.iter().copied().collect(),
                    confidence: *confidence as f64 / 4.0,
                    lift: 1.0 + *lift as f64 / 2.0,
                })
                .collect();
            let mut bought = raw_bought.clone();
            let found = recommend(&rules, &mut bought, &names, top);
            for (customer, items) in raw_bought.iter().enumerate() {
                prop_assert_eq!(&found[customer], &brute_force(&rules, items, &names, top));
            }
        }
    }
}
