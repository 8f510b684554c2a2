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
    /// One more than the largest item number: the size of the per-item counters.
    n_items: usize,
    limits: SequenceLimits,
    max_len: usize,
    found: AtomicUsize,
    exceeded: AtomicBool,
}

/// All frequent patterns, sorted by number of items, then elements.
pub fn mine(histories: &[History], limits: SequenceLimits) -> Result<Vec<Pattern>, SequenceError> {
    let n_items = histories
        .iter()
        .flat_map(|h| h.orders.iter().flatten())
        .max()
        .map_or(0, |&m| m as usize + 1);
    let miner = Miner {
        histories,
        n_items,
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
        // Two passes over the projection. The first counts, for every item, the customers
        // in whose history it can extend the prefix (in an order where the prefix ends, or in
        // a later one), with a dense counter per item and the last customer counted, so a
        // customer counts once. The second builds projections for the frequent items alone:
        // most candidates are not, and building theirs (in ordered maps, as before) took most
        // of the time.
        let n = self.n_items;
        let mut same_count = vec![0u32; n];
        let mut later_count = vec![0u32; n];
        let mut same_seen = vec![u32::MAX; n];
        let mut later_seen = vec![u32::MAX; n];
        for (c, ends) in projection {
            let history = &self.histories[*c as usize];
            for &e in ends {
                for &item in &history.orders[e as usize] {
                    let i = item as usize;
                    if item > last_item && same_seen[i] != *c {
                        same_seen[i] = *c;
                        same_count[i] += 1;
                    }
                }
            }
            self.later_orders(history, ends, |o| {
                for &item in &history.orders[o] {
                    let i = item as usize;
                    if later_seen[i] != *c {
                        later_seen[i] = *c;
                        later_count[i] += 1;
                    }
                }
            });
        }
        let min = self.limits.min_customers;
        let frequent = |counts: &[u32]| -> Vec<u32> {
            (0..counts.len() as u32)
                .filter(|&i| u64::from(counts[i as usize]) >= min)
                .collect()
        };
        let same_items = frequent(&same_count);
        let later_items = frequent(&later_count);
        if same_items.is_empty() && later_items.is_empty() {
            return;
        }
        // Where each frequent item's projection is, by item (u32::MAX: not frequent).
        let slots = |items: &[u32]| -> Vec<u32> {
            let mut slot = vec![u32::MAX; n];
            for (k, &item) in items.iter().enumerate() {
                slot[item as usize] = k as u32;
            }
            slot
        };
        let (same_slot, later_slot) = (slots(&same_items), slots(&later_items));
        let mut same_projections: Vec<Projection> = same_items
            .iter()
            .map(|&i| Vec::with_capacity(same_count[i as usize] as usize))
            .collect();
        let mut later_projections: Vec<Projection> = later_items
            .iter()
            .map(|&i| Vec::with_capacity(later_count[i as usize] as usize))
            .collect();
        // Positions come in ascending order and once each (ends are ascending; the later
        // orders are visited once, in order), so they need no sorting.
        fn add(projection: &mut Projection, customer: u32, position: u32) {
            match projection.last_mut() {
                Some((c, positions)) if *c == customer => positions.push(position),
                _ => projection.push((customer, vec![position])),
            }
        }
        for (c, ends) in projection {
            let history = &self.histories[*c as usize];
            if !same_items.is_empty() {
                for &e in ends {
                    for &item in &history.orders[e as usize] {
                        let slot = same_slot[item as usize];
                        if slot != u32::MAX && item > last_item {
                            add(&mut same_projections[slot as usize], *c, e);
                        }
                    }
                }
            }
            if !later_items.is_empty() {
                self.later_orders(history, ends, |o| {
                    for &item in &history.orders[o] {
                        let slot = later_slot[item as usize];
                        if slot != u32::MAX {
                            add(&mut later_projections[slot as usize], *c, o as u32);
                        }
                    }
                });
            }
        }
        for (item, projected) in same_items.into_iter().zip(same_projections) {
            prefix.last_mut().expect("a last element").push(item);
            self.grow(prefix, items + 1, &projected, found);
            prefix.last_mut().expect("a last element").pop();
        }
        for (item, projected) in later_items.into_iter().zip(later_projections) {
            prefix.push(vec![item]);
            self.grow(prefix, items + 1, &projected, found);
            prefix.pop();
        }
    }

    /// Calls `visit` once for each order, in order, that can hold the next element after a
    /// prefix ending at one of `ends` (ascending): any later order without a gap limit (so
    /// the first end decides), else those within the gap of some end. The windows of
    /// ascending ends end in ascending order too, so their union is swept once.
    fn later_orders(&self, history: &History, ends: &[u32], mut visit: impl FnMut(usize)) {
        let orders = history.orders.len();
        match self.limits.max_gap {
            None => {
                let first = ends.first().map_or(orders, |&e| e as usize + 1);
                (first..orders).for_each(visit);
            }
            Some(gap) => {
                let mut next = 0;
                for &e in ends {
                    let e = e as usize;
                    let day = history.days[e];
                    let mut o = next.max(e + 1);
                    while o < orders && history.days[o] - day <= gap {
                        visit(o);
                        o += 1;
                    }
                    next = next.max(o);
                }
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
