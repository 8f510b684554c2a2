//! Frequent itemsets by FP-Growth (Han, Pei & Yin 2000), on baskets of dense item numbers.
//!
//! Items are renumbered by descending frequency (rank 0 = most frequent), infrequent ones
//! dropped, and every basket becomes a sorted list of ranks. The FP-tree is a set of parallel
//! arrays (item, count, parent) built from the baskets sorted lexicographically: consecutive
//! baskets share their common prefix, so the tree is built in one pass without looking up
//! children. Each item's conditional tree is built the same way from its prefix paths, and a
//! tree that is a single path yields all its combinations at once. The items of the first
//! level are mined in parallel.
//!
//! Support counts are integers, compared with the threshold exactly.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

/// A frequent itemset: item numbers as given to [`mine`], ascending, and its count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Itemset {
    pub items: Vec<u32>,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MiningError {
    #[error("more than {limit} frequent itemsets: raise the support threshold, set a maximum length, or raise --max-itemsets")]
    TooManyItemsets { limit: usize },
}

/// What to mine.
#[derive(Debug, Clone, Copy)]
pub struct MiningLimits {
    /// An itemset is frequent when it is in at least this many baskets (at least 1).
    pub min_count: u64,
    /// Longest itemset (0 = no limit).
    pub max_len: usize,
    /// Stop with an error beyond this many itemsets.
    pub max_itemsets: usize,
}

/// All frequent itemsets of the baskets (each a list of item numbers below `items`;
/// duplicates within a basket count once), sorted by length, then items. `weights` says how
/// many baskets each one stands for (empty: one each).
pub fn mine(
    baskets: &[Vec<u32>],
    weights: &[u64],
    items: usize,
    limits: MiningLimits,
) -> Result<Vec<Itemset>, MiningError> {
    assert!(
        weights.is_empty() || weights.len() == baskets.len(),
        "a weight per basket, or none"
    );
    let weight = |b: usize| weights.get(b).copied().unwrap_or(1);
    let min_count = limits.min_count.max(1);
    let max_len = if limits.max_len == 0 {
        usize::MAX
    } else {
        limits.max_len
    };
    // Item frequencies, counting each item once per basket.
    let mut frequency = vec![0u64; items];
    let mut seen = vec![usize::MAX; items];
    for (b, basket) in baskets.iter().enumerate() {
        for &item in basket {
            let i = item as usize;
            if seen[i] != b {
                seen[i] = b;
                frequency[i] += weight(b);
            }
        }
    }
    // Ranks by descending frequency, ties by item number: deterministic.
    let mut by_rank: Vec<u32> = (0..items as u32)
        .filter(|&i| frequency[i as usize] >= min_count)
        .collect();
    by_rank.sort_by(|&a, &b| frequency[b as usize].cmp(&frequency[a as usize]).then(a.cmp(&b)));
    let mut rank_of = vec![u32::MAX; items];
    for (rank, &item) in by_rank.iter().enumerate() {
        rank_of[item as usize] = rank as u32;
    }
    let mut ranked = WeightedPaths {
        items: Vec::with_capacity(baskets.iter().map(Vec::len).sum()),
        ends: Vec::with_capacity(baskets.len()),
        weights: Vec::with_capacity(baskets.len()),
    };
    for (b, basket) in baskets.iter().enumerate() {
        let start = ranked.items.len();
        ranked.items.extend(
            basket
                .iter()
                .map(|&i| rank_of[i as usize])
                .filter(|&r| r != u32::MAX),
        );
        let path = &mut ranked.items[start..];
        path.sort_unstable();
        let mut kept = 0;
        for i in 0..path.len() {
            if i == 0 || path[i] != path[kept - 1] {
                path[kept] = path[i];
                kept += 1;
            }
        }
        ranked.items.truncate(start + kept);
        if kept > 0 {
            ranked.ends.push(ranked.items.len());
            ranked.weights.push(weight(b));
        }
    }
    let paths = ranked.sorted_and_merged();
    drop(ranked);
    let tree = FpTree::build(&paths, by_rank.len());
    drop(paths);

    let budget = Budget {
        limit: limits.max_itemsets,
        found: AtomicUsize::new(0),
        exceeded: AtomicBool::new(false),
    };
    let context = Context {
        min_count,
        max_len,
        budget: &budget,
    };
    let per_item: Vec<Vec<Itemset>> = (0..by_rank.len() as u32)
        .into_par_iter()
        .map(|rank| {
            let mut found = Vec::new();
            let mut prefix = Vec::new();
            tree.mine_item(rank, &mut prefix, &context, &mut found);
            found
        })
        .collect();
    if budget.exceeded.load(Ordering::Relaxed) {
        return Err(MiningError::TooManyItemsets {
            limit: limits.max_itemsets,
        });
    }
    let mut itemsets: Vec<Itemset> = per_item
        .into_iter()
        .flatten()
        .map(|mut set| {
            for item in set.items.iter_mut() {
                *item = by_rank[*item as usize];
            }
            set.items.sort_unstable();
            set
        })
        .collect();
    itemsets.par_sort_unstable_by(|a, b| {
        a.items
            .len()
            .cmp(&b.items.len())
            .then_with(|| a.items.cmp(&b.items))
    });
    Ok(itemsets)
}

struct Budget {
    limit: usize,
    found: AtomicUsize,
    exceeded: AtomicBool,
}

impl Budget {
    /// Claims room for `n` more itemsets; false once the limit is passed.
    fn claim(&self, n: usize) -> bool {
        if self.exceeded.load(Ordering::Relaxed) {
            return false;
        }
        let before = self.found.fetch_add(n, Ordering::Relaxed);
        if before + n > self.limit {
            self.exceeded.store(true, Ordering::Relaxed);
            return false;
        }
        true
    }
}

struct Context<'a> {
    min_count: u64,
    max_len: usize,
    budget: &'a Budget,
}

/// Weighted transactions of ranks, flat: path `i` is `items[ends[i-1]..ends[i]]`.
struct WeightedPaths {
    items: Vec<u32>,
    ends: Vec<usize>,
    weights: Vec<u64>,
}

impl WeightedPaths {
    fn path(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.items[start..self.ends[i]]
    }

    /// The same paths sorted lexicographically, equal ones merged (weights added): the
    /// order [`FpTree::build`] needs.
    fn sorted_and_merged(&self) -> WeightedPaths {
        // Each path's first four items (rank + 1 in 16 bits each, 0 past the end) as one
        // number orders like the paths themselves; only equal keys compare the whole paths.
        // Ranks beyond 16 bits use a key of 0 and so the full comparison.
        let key_of = |p: usize| -> u64 {
            let path = self.path(p);
            let mut key = 0u64;
            for slot in 0..4 {
                let part = match path.get(slot) {
                    Some(&rank) if rank < u16::MAX as u32 => rank as u64 + 1,
                    Some(_) => return 0,
                    None => 0,
                };
                key |= part << (48 - 16 * slot);
            }
            key
        };
        let mut keyed: Vec<(u64, u32)> = (0..self.ends.len()).map(|p| (key_of(p), p as u32)).collect();
        let compare = |a: &(u64, u32), b: &(u64, u32)| {
            a.0.cmp(&b.0)
                .then_with(|| self.path(a.1 as usize).cmp(self.path(b.1 as usize)))
        };
        if keyed.len() > 1 << 14 {
            keyed.par_sort_unstable_by(compare);
        } else {
            keyed.sort_unstable_by(compare);
        }
        let order: Vec<u32> = keyed.into_iter().map(|(_, p)| p).collect();
        let mut sorted = WeightedPaths {
            items: Vec::with_capacity(self.items.len()),
            ends: Vec::with_capacity(order.len()),
            weights: Vec::with_capacity(order.len()),
        };
        for &p in &order {
            let path = self.path(p as usize);
            let weight = self.weights[p as usize];
            let last = sorted.ends.len();
            if last > 0 && sorted.path(last - 1) == path {
                sorted.weights[last - 1] += weight;
            } else {
                sorted.items.extend_from_slice(path);
                sorted.ends.push(sorted.items.len());
                sorted.weights.push(weight);
            }
        }
        sorted
    }
}

/// An FP-tree as arrays; node 0 is the root. A node's item and parent sit together, as a walk
/// up the tree reads both at each step. `nodes_of[rank]` lists the nodes of an item (its
/// header list).
struct FpTree {
    link: Vec<Link>,
    count: Vec<u64>,
    nodes_of: Vec<Vec<u32>>,
}

#[derive(Clone, Copy)]
struct Link {
    item: u32,
    parent: u32,
}

impl FpTree {
    /// From paths sorted lexicographically (each path's ranks ascending).
    fn build(paths: &WeightedPaths, ranks: usize) -> Self {
        let mut tree = FpTree {
            link: vec![Link {
                item: u32::MAX,
                parent: 0,
            }],
            count: vec![0],
            nodes_of: vec![Vec::new(); ranks],
        };
        // The nodes of the previous path, root first.
        let mut stack: Vec<u32> = vec![0];
        let mut previous: &[u32] = &[];
        for p in 0..paths.ends.len() {
            let path = paths.path(p);
            let weight = paths.weights[p];
            let common = path.iter().zip(previous).take_while(|(a, b)| a == b).count();
            stack.truncate(common + 1);
            for &node in &stack[1..] {
                tree.count[node as usize] += weight;
            }
            for &rank in &path[common..] {
                let node = tree.link.len() as u32;
                tree.link.push(Link {
                    item: rank,
                    parent: *stack.last().expect("the root"),
                });
                tree.count.push(weight);
                tree.nodes_of[rank as usize].push(node);
                stack.push(node);
            }
            previous = path;
        }
        tree
    }

    /// Mines the itemsets that end in `rank` (with the current prefix of higher ranks'
    /// conditions already applied): emits prefix + rank, then recurses into its conditional
    /// tree.
    fn mine_item(&self, rank: u32, prefix: &mut Vec<u32>, context: &Context, found: &mut Vec<Itemset>) {
        let nodes = &self.nodes_of[rank as usize];
        let support: u64 = nodes.iter().map(|&n| self.count[n as usize]).sum();
        if support < context.min_count || !context.budget.claim(1) {
            return;
        }
        prefix.push(rank);
        found.push(Itemset {
            items: prefix.clone(),
            count: support,
        });
        if prefix.len() < context.max_len {
            // The prefix paths of the item's nodes, walked once into a flat buffer, and the
            // support of each item on them.
            let mut item_support = vec![0u64; rank as usize];
            let mut paths = WeightedPaths {
                items: Vec::new(),
                ends: Vec::with_capacity(nodes.len()),
                weights: Vec::with_capacity(nodes.len()),
            };
            for &n in nodes {
                let weight = self.count[n as usize];
                let start = paths.items.len();
                let mut up = self.link[n as usize].parent;
                while up != 0 {
                    let link = self.link[up as usize];
                    item_support[link.item as usize] += weight;
                    paths.items.push(link.item);
                    up = link.parent;
                }
                if paths.items.len() > start {
                    paths.items[start..].reverse();
                    paths.ends.push(paths.items.len());
                    paths.weights.push(weight);
                }
            }
            let frequent: Vec<u32> = (0..rank)
                .filter(|&r| item_support[r as usize] >= context.min_count)
                .collect();
            if !frequent.is_empty() {
                let conditional = FpTree::conditional(&paths, &item_support, context.min_count);
                conditional.mine_all(&frequent, prefix, context, found);
            }
        }
        prefix.pop();
    }

    /// The conditional tree of prefix paths, infrequent items left out.
    fn conditional(paths: &WeightedPaths, item_support: &[u64], min_count: u64) -> FpTree {
        let mut filtered = WeightedPaths {
            items: Vec::with_capacity(paths.items.len()),
            ends: Vec::with_capacity(paths.ends.len()),
            weights: Vec::with_capacity(paths.ends.len()),
        };
        for p in 0..paths.ends.len() {
            let start = filtered.items.len();
            filtered.items.extend(
                paths
                    .path(p)
                    .iter()
                    .copied()
                    .filter(|&item| item_support[item as usize] >= min_count),
            );
            if filtered.items.len() > start {
                filtered.ends.push(filtered.items.len());
                filtered.weights.push(paths.weights[p]);
            }
        }
        let sorted = filtered.sorted_and_merged();
        FpTree::build(&sorted, item_support.len())
    }

    /// Mines every frequent item of a conditional tree; a single path yields its
    /// combinations directly.
    fn mine_all(&self, frequent: &[u32], prefix: &mut Vec<u32>, context: &Context, found: &mut Vec<Itemset>) {
        if self.is_single_path() {
            self.single_path_combinations(prefix, context, found);
            return;
        }
        for &rank in frequent.iter().rev() {
            self.mine_item(rank, prefix, context, found);
        }
    }

    /// Nodes were created in path order; a single path is node i's parent being i - 1.
    fn is_single_path(&self) -> bool {
        (1..self.link.len()).all(|n| self.link[n].parent as usize == n - 1)
    }

    /// Every non-empty combination of the path's nodes, appended to the prefix; its count
    /// is the count of its deepest node (counts only fall along a path).
    fn single_path_combinations(&self, prefix: &mut Vec<u32>, context: &Context, found: &mut Vec<Itemset>) {
        // The frequent nodes of the path, root side first.
        let path: Vec<usize> = (1..self.link.len())
            .filter(|&n| self.count[n] >= context.min_count)
            .collect();
        let room = context.max_len.saturating_sub(prefix.len());
        let mut chosen: Vec<usize> = Vec::new();
        // Depth-first over combinations, each extended only by deeper nodes.
        #[allow(clippy::too_many_arguments)] // a local recursion; a struct would only rename them
        fn extend(
            tree: &FpTree,
            path: &[usize],
            from: usize,
            room: usize,
            chosen: &mut Vec<usize>,
            prefix: &mut Vec<u32>,
            context: &Context,
            found: &mut Vec<Itemset>,
        ) {
            if chosen.len() == room {
                return;
            }
            for i in from..path.len() {
                if !context.budget.claim(1) {
                    return;
                }
                let node = path[i];
                chosen.push(node);
                prefix.push(tree.link[node].item);
                found.push(Itemset {
                    items: prefix.clone(),
                    count: tree.count[node],
                });
                extend(tree, path, i + 1, room, chosen, prefix, context, found);
                prefix.pop();
                chosen.pop();
            }
        }
        extend(self, &path, 0, room, &mut chosen, prefix, context, found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn limits(min_count: u64) -> MiningLimits {
        MiningLimits {
            min_count,
            max_len: 0,
            max_itemsets: 10_000_000,
        }
    }

    /// Every itemset of items below `items` with its count, by trying all subsets.
    fn brute_force(baskets: &[Vec<u32>], items: usize, min_count: u64, max_len: usize) -> Vec<Itemset> {
        let sets: Vec<u64> = baskets
            .iter()
            .map(|b| b.iter().fold(0u64, |m, &i| m | (1 << i)))
            .collect();
        let mut found = Vec::new();
        for mask in 1u64..(1 << items) {
            let len = mask.count_ones() as usize;
            if max_len > 0 && len > max_len {
                continue;
            }
            let count = sets.iter().filter(|&&s| s & mask == mask).count() as u64;
            if count >= min_count.max(1) {
                found.push(Itemset {
                    items: (0..items as u32).filter(|i| mask & (1 << i) != 0).collect(),
                    count,
                });
            }
        }
        found.sort_by(|a, b| {
            a.items
                .len()
                .cmp(&b.items.len())
                .then_with(|| a.items.cmp(&b.items))
        });
        found
    }

    #[test]
    fn the_textbook_example() {
        // Han, Pei & Yin's example, items f=0 c=1 a=2 b=3 m=4 p=5 and others.
        let baskets = vec![
            vec![0, 2, 1, 6, 7, 8, 4, 5],
            vec![2, 3, 1, 0, 9, 4, 10],
            vec![3, 0, 11, 12, 13],
            vec![3, 1, 14, 15, 5],
            vec![2, 0, 1, 16, 9, 5, 4, 17],
        ];
        let found = mine(&baskets, &[], 18, limits(3)).unwrap();
        let as_map: BTreeMap<Vec<u32>, u64> = found.iter().map(|s| (s.items.clone(), s.count)).collect();
        assert_eq!(as_map[&vec![0]], 4); // f
        assert_eq!(as_map[&vec![0, 1, 2, 4]], 3); // f c a m
        assert_eq!(as_map[&vec![1, 5]], 3); // c p
        assert!(!as_map.contains_key(&vec![0, 5])); // f p: 2
        assert_eq!(found, brute_force(&baskets, 18, 3, 0));
    }

    #[test]
    fn duplicates_in_a_basket_count_once() {
        let baskets = vec![vec![1, 1, 2], vec![1, 2, 2], vec![2]];
        let found = mine(&baskets, &[], 3, limits(2)).unwrap();
        assert_eq!(
            found,
            vec![
                Itemset {
                    items: vec![1],
                    count: 2
                },
                Itemset {
                    items: vec![2],
                    count: 3
                },
                Itemset {
                    items: vec![1, 2],
                    count: 2
                },
            ]
        );
    }

    #[test]
    fn the_itemset_budget_stops_an_explosion() {
        let baskets = vec![(0..20).collect::<Vec<u32>>(); 3];
        let err = mine(
            &baskets,
            &[],
            20,
            MiningLimits {
                min_count: 1,
                max_len: 0,
                max_itemsets: 1000,
            },
        )
        .unwrap_err();
        assert_eq!(err, MiningError::TooManyItemsets { limit: 1000 });
        // A length limit keeps it small: 20 + 190 itemsets.
        let found = mine(
            &baskets,
            &[],
            20,
            MiningLimits {
                min_count: 1,
                max_len: 2,
                max_itemsets: 1000,
            },
        )
        .unwrap();
        assert_eq!(found.len(), 210);
    }

    proptest! {
        #[test]
        fn equals_brute_force(
            baskets in prop::collection::vec(prop::collection::vec(0u32..10, 0..7), 1..60),
            min_count in 1u64..6,
            max_len in 0usize..4,
        ) {
            let found = mine(
                &baskets,
                &[],
                10,
                MiningLimits { min_count, max_len, max_itemsets: 10_000_000 },
            )
            .unwrap();
            prop_assert_eq!(found, brute_force(&baskets, 10, min_count, max_len));
        }

        /// What Spark sends: each basket reduced to its frequent items, the same reduced
        /// baskets once with their count, empty ones left out. The itemsets are the same.
        #[test]
        fn reduced_weighted_baskets_give_the_same_itemsets(
            baskets in prop::collection::vec(prop::collection::vec(0u32..10, 0..7), 1..60),
            min_count in 1u64..6,
            max_len in 0usize..4,
        ) {
            let mut support = [0u64; 10];
            for basket in &baskets {
                let distinct: BTreeSet<u32> = basket.iter().copied().collect();
                for item in distinct {
                    support[item as usize] += 1;
                }
            }
            let mut reduced: BTreeMap<Vec<u32>, u64> = BTreeMap::new();
            for basket in &baskets {
                let kept: BTreeSet<u32> = basket
                    .iter()
                    .copied()
                    .filter(|&i| support[i as usize] >= min_count)
                    .collect();
                if !kept.is_empty() {
                    *reduced.entry(kept.into_iter().collect()).or_default() += 1;
                }
            }
            let (merged, weights): (Vec<Vec<u32>>, Vec<u64>) = reduced.into_iter().unzip();
            let limits = MiningLimits { min_count, max_len, max_itemsets: 10_000_000 };
            prop_assert_eq!(
                mine(&merged, &weights, 10, limits).unwrap(),
                mine(&baskets, &[], 10, limits).unwrap()
            );
        }
    }
}
