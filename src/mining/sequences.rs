//! Sequential purchase patterns by PrefixSpan (Pei et al. 2001), with a maximum gap between
//! consecutive elements.
//!
//! A customer's history is a sequence of elements (the item sets of her orders, in time
//! order, each with its day). A pattern such as `{A} -> {B, C}` is contained in a history
//! when some order contains A and a later order contains B and C, with at most `max_gap`
//! days between consecutive matched orders. Support counts customers, not occurrences.
//!
//! The projected database keeps, for every customer still matching the prefix, every order
//! where the prefix's last element can end (over all embeddings). With a gap limit only
//! consecutive elements constrain each other, so those end positions carry all that an
//! extension needs: a sequence-extension looks at later orders within the gap of one of them,
//! an item-extension at the same orders.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

/// One customer's history: orders in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// Day of each order (any integer day number), non-decreasing.
    pub days: Vec<i64>,
    /// Items of each order, ascending, no duplicates.
    pub orders: Vec<Vec<u32>>,
}

/// A frequent pattern: elements (item sets, ascending) and the customers containing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub elements: Vec<Vec<u32>>,
    pub customers: u64,
}

#[derive(Debug, Clone, Copy)]
pub struct SequenceLimits {
    /// Customers a pattern needs (at least 1).
    pub min_customers: u64,
    /// Most items in a pattern (0 = no limit).
    pub max_len: usize,
    /// Most days between consecutive elements (None = no limit).
    pub max_gap: Option<i64>,
    /// Stop with an error beyond this many patterns.
    pub max_patterns: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SequenceError {
    #[error("more than {limit} frequent patterns: raise the support threshold, set a maximum length, or raise --max-itemsets")]
    TooManyPatterns { limit: usize },
}

/// Customers still matching a prefix, each with the orders where its last element can end.
type Projection = Vec<(u32, Vec<u32>)>;

struct Miner<'a> {
    histories: &'a [History],
    limits: SequenceLimits,
    max_len: usize,
    found: AtomicUsize,
    exceeded: AtomicBool,
}

/// All frequent patterns, sorted by number of items, then elements.
pub fn mine(histories: &[History], limits: SequenceLimits) -> Result<Vec<Pattern>, SequenceError> {
    let miner = Miner {
        histories,
        limits: SequenceLimits {
            min_customers: limits.min_customers.max(1),
            ..limits
        },
        max_len: if limits.max_len == 0 {
            usize::MAX
        } else {
            limits.max_len
        },
        found: AtomicUsize::new(0),
        exceeded: AtomicBool::new(false),
    };
    // First elements: every order of every customer is a possible start.
    let mut first: std::collections::BTreeMap<u32, Projection> = std::collections::BTreeMap::new();
    for (c, history) in histories.iter().enumerate() {
        let mut ends_of: std::collections::BTreeMap<u32, Vec<u32>> = std::collections::BTreeMap::new();
        for (o, order) in history.orders.iter().enumerate() {
            for &item in order {
                ends_of.entry(item).or_default().push(o as u32);
            }
        }
        for (item, ends) in ends_of {
            first.entry(item).or_default().push((c as u32, ends));
        }
    }
    let starts: Vec<(u32, Projection)> = first
        .into_iter()
        .filter(|(_, p)| p.len() as u64 >= miner.limits.min_customers)
        .collect();
    let per_item: Vec<Vec<Pattern>> = starts
        .into_par_iter()
        .map(|(item, projection)| {
            let mut found = Vec::new();
            let mut prefix = vec![vec![item]];
            miner.grow(&mut prefix, 1, &projection, &mut found);
            found
        })
        .collect();
    if miner.exceeded.load(Ordering::Relaxed) {
        return Err(SequenceError::TooManyPatterns {
            limit: limits.max_patterns,
        });
    }
    let mut patterns: Vec<Pattern> = per_item.into_iter().flatten().collect();
    patterns.sort_by(|a, b| {
        let len = |p: &Pattern| p.elements.iter().map(Vec::len).sum::<usize>();
        len(a).cmp(&len(b)).then_with(|| a.elements.cmp(&b.elements))
    });
    Ok(patterns)
}

impl Miner<'_> {
    fn claim(&self) -> bool {
        if self.exceeded.load(Ordering::Relaxed) {
            return false;
        }
        if self.found.fetch_add(1, Ordering::Relaxed) >= self.limits.max_patterns {
            self.exceeded.store(true, Ordering::Relaxed);
            return false;
        }
        true
    }

    /// Records the prefix (its projection is frequent) and grows it by one item.
    fn grow(
        &self,
        prefix: &mut Vec<Vec<u32>>,
        items: usize,
        projection: &Projection,
        found: &mut Vec<Pattern>,
    ) {
        if !self.claim() {
            return;
        }
        found.push(Pattern {
            elements: prefix.clone(),
            customers: projection.len() as u64,
        });
        if items >= self.max_len {
            return;
        }
        let last_item = *prefix
            .last()
            .and_then(|e| e.last())
            .expect("a prefix has an item");
        // Candidate extensions and their projections, in item order.
        let mut item_ext: std::collections::BTreeMap<u32, Projection> = Default::default();
        let mut seq_ext: std::collections::BTreeMap<u32, Projection> = Default::default();
        for (c, ends) in projection {
            let history = &self.histories[*c as usize];
            let mut same: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
            let mut later: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
            for &e in ends {
                for &item in &history.orders[e as usize] {
                    if item > last_item {
                        same.entry(item).or_default().push(e);
                    }
                }
                let day = history.days[e as usize];
                for o in e as usize + 1..history.orders.len() {
                    if let Some(gap) = self.limits.max_gap {
                        if history.days[o] - day > gap {
                            break;
                        }
                    }
                    for &item in &history.orders[o] {
                        later.entry(item).or_default().push(o as u32);
                    }
                }
            }
            for (item, mut positions) in same {
                positions.sort_unstable();
                positions.dedup();
                item_ext.entry(item).or_default().push((*c, positions));
            }
            for (item, mut positions) in later {
                positions.sort_unstable();
                positions.dedup();
                seq_ext.entry(item).or_default().push((*c, positions));
            }
        }
        for (item, projected) in item_ext {
            if projected.len() as u64 >= self.limits.min_customers {
                prefix.last_mut().expect("a last element").push(item);
                self.grow(prefix, items + 1, &projected, found);
                prefix.last_mut().expect("a last element").pop();
            }
        }
        for (item, projected) in seq_ext {
            if projected.len() as u64 >= self.limits.min_customers {
                prefix.push(vec![item]);
                self.grow(prefix, items + 1, &projected, found);
                prefix.pop();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn history(orders: &[(i64, &[u32])]) -> History {
        History {
            days: orders.iter().map(|o| o.0).collect(),
            orders: orders.iter().map(|o| o.1.to_vec()).collect(),
        }
    }

    fn limits(min_customers: u64, max_gap: Option<i64>) -> SequenceLimits {
        SequenceLimits {
            min_customers,
            max_len: 0,
            max_gap,
            max_patterns: 1_000_000,
        }
    }

    /// Whether a history contains a pattern within the gap, by trying every embedding.
    fn contains(h: &History, pattern: &[Vec<u32>], max_gap: Option<i64>) -> bool {
        fn from(
            h: &History,
            pattern: &[Vec<u32>],
            start: usize,
            previous: Option<usize>,
            max_gap: Option<i64>,
        ) -> bool {
            let Some((element, rest)) = pattern.split_first() else {
                return true;
            };
            (start..h.orders.len()).any(|o| {
                let gap_ok = match (previous, max_gap) {
                    (Some(p), Some(g)) => h.days[o] - h.days[p] <= g,
                    _ => true,
                };
                gap_ok
                    && element.iter().all(|i| h.orders[o].contains(i))
                    && from(h, rest, o + 1, Some(o), max_gap)
            })
        }
        from(h, pattern, 0, None, max_gap)
    }

    #[test]
    fn patterns_by_hand() {
        // Customer 1: {1} then {2, 3}; customer 2: {1} then {2}; customer 3: {2} then {1}.
        let histories = vec![
            history(&[(0, &[1]), (5, &[2, 3])]),
            history(&[(0, &[1]), (40, &[2])]),
            history(&[(0, &[2]), (1, &[1])]),
        ];
        let found = mine(&histories, limits(2, None)).unwrap();
        let shown: Vec<(Vec<Vec<u32>>, u64)> =
            found.iter().map(|p| (p.elements.clone(), p.customers)).collect();
        assert_eq!(
            shown,
            vec![
                (vec![vec![1]], 3),
                (vec![vec![2]], 3),
                (vec![vec![1], vec![2]], 2)
            ]
        );
        // With at most 30 days between orders, customer 2's {1} -> {2} is too slow.
        let found = mine(&histories, limits(2, Some(30))).unwrap();
        assert_eq!(found.len(), 2);
    }

    fn arb_history() -> impl Strategy<Value = History> {
        prop::collection::vec((0i64..5, prop::collection::btree_set(0u32..4, 1..3)), 1..5).prop_map(
            |orders| {
                let mut day = 0;
                let mut h = History {
                    days: Vec::new(),
                    orders: Vec::new(),
                };
                for (step, items) in orders {
                    day += step;
                    h.days.push(day);
                    h.orders.push(items.into_iter().collect());
                }
                h
            },
        )
    }

    proptest! {
        /// Every pattern found is contained in exactly the customers counted, and every
        /// pattern of up to three items over the alphabet that is frequent is found.
        #[test]
        fn equals_brute_force(
            histories in prop::collection::vec(arb_history(), 1..12),
            min_customers in 1u64..4,
            max_gap in prop::option::of(0i64..6),
        ) {
            let found = mine(&histories, SequenceLimits { max_len: 3, ..limits(min_customers, max_gap) }).unwrap();
            let support = |p: &[Vec<u32>]| histories.iter().filter(|h| contains(h, p, max_gap)).count() as u64;
            for p in &found {
                prop_assert_eq!(p.customers, support(&p.elements), "{:?}", p.elements);
            }
            // All candidate patterns of 1 to 3 items over items 0..4.
            let mut candidates: Vec<Vec<Vec<u32>>> = Vec::new();
            let sets: Vec<Vec<u32>> = (1u32..16)
                .map(|m| (0..4).filter(|i| m & (1 << i) != 0).collect::<Vec<u32>>())
                .collect();
            for a in &sets {
                candidates.push(vec![a.clone()]);
                for b in &sets {
                    candidates.push(vec![a.clone(), b.clone()]);
                    for c in &sets {
                        candidates.push(vec![a.clone(), b.clone(), c.clone()]);
                    }
                }
            }
            let expected = candidates
                .iter()
                .filter(|p| p.iter().map(Vec::len).sum::<usize>() <= 3)
                .filter(|p| support(p) >= min_customers)
                .count();
            prop_assert_eq!(found.len(), expected);
        }
    }
}
