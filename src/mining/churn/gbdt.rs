//! Gradient-boosted decision trees for a binary label (logistic loss), histogram-based as in
//! LightGBM and scikit-learn's HistGradientBoostingClassifier, whose defaults these are:
//! up to 255 bins per feature plus one for missing values, trees grown leaf-wise (best gain
//! first) to 31 leaves, at least 20 rows per leaf, L2 regularisation 1 on leaf values,
//! learning rate 0.1, 100 trees; above 10,000 rows a seeded tenth is held out and boosting
//! stops when its log loss has not improved for 10 trees.
//!
//! Missing values (NaN) need no imputation: every split learns which side they go to.
//! Per-row explanations are Saabas contributions: walking a row's path, each split's feature
//! is credited with the change in the expected log-odds from the node to the child taken;
//! the credits and the bias (the roots' values) add up to the row's log-odds exactly.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::mining::churn::folds;
use crate::mining::churn::logistic::{sigmoid, softplus};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GbdtParams {
    pub learning_rate: f64,
    pub max_trees: usize,
    pub max_leaves: usize,
    pub min_rows_per_leaf: usize,
    pub l2: f64,
    /// Hold out a tenth and stop early above this many rows.
    pub early_stopping_above: usize,
    pub seed: u64,
}

impl Default for GbdtParams {
    fn default() -> Self {
        GbdtParams {
            learning_rate: 0.1,
            max_trees: 100,
            max_leaves: 31,
            min_rows_per_leaf: 20,
            l2: 1.0,
            early_stopping_above: 10_000,
            seed: 0,
        }
    }
}

/// A node: a split when `feature` is `Some`, else a leaf. `value` is the node's own
/// (shrunken) log-odds estimate, −G/(H+λ)·η, which for a leaf is its output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub feature: Option<usize>,
    /// Rows with a value ≤ threshold go left.
    #[serde(default)]
    pub threshold: f64,
    #[serde(default)]
    pub missing_left: bool,
    #[serde(default)]
    pub left: u32,
    #[serde(default)]
    pub right: u32,
    pub value: f64,
    /// The split's gain in the penalised loss (0 for leaves).
    #[serde(default)]
    pub gain: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gbdt {
    pub base_log_odds: f64,
    pub trees: Vec<Tree>,
}

const MISSING_BIN: u8 = 255;

/// Features binned column by column: `bins[f * rows + i]`, and the upper edge of each
/// non-missing bin (the last one +∞).
struct Binned {
    rows: usize,
    bins: Vec<u8>,
    uppers: Vec<Vec<f64>>,
}

fn bin_edges(values: &mut Vec<f64>) -> Vec<f64> {
    values.retain(|v| !v.is_nan());
    values.sort_by(f64::total_cmp);
    let mut distinct = values.clone();
    distinct.dedup();
    let mut uppers: Vec<f64> = if distinct.len() <= MISSING_BIN as usize {
        distinct.windows(2).map(|w| w[0] + (w[1] - w[0]) / 2.0).collect()
    } else {
        let n = values.len();
        let mut cuts: Vec<f64> = (1..MISSING_BIN as usize)
            .map(|k| values[k * n / MISSING_BIN as usize])
            .collect();
        cuts.dedup();
        cuts
    };
    uppers.push(f64::INFINITY);
    uppers
}

fn bin_of(uppers: &[f64], value: f64) -> u8 {
    if value.is_nan() {
        MISSING_BIN
    } else {
        uppers.partition_point(|&u| u < value) as u8
    }
}

fn bin(x: &[f64], rows: usize, dims: usize) -> Binned {
    let columns: Vec<(Vec<u8>, Vec<f64>)> = (0..dims)
        .into_par_iter()
        .map(|f| {
            let mut values: Vec<f64> = (0..rows).map(|i| x[i * dims + f]).collect();
            let uppers = bin_edges(&mut values);
            let bins = (0..rows).map(|i| bin_of(&uppers, x[i * dims + f])).collect();
            (bins, uppers)
        })
        .collect();
    let mut binned = Binned {
        rows,
        bins: Vec::with_capacity(rows * dims),
        uppers: Vec::with_capacity(dims),
    };
    for (bins, uppers) in columns {
        binned.bins.extend(bins);
        binned.uppers.push(uppers);
    }
    binned
}

#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    gradient: f64,
    hessian: f64,
    rows: usize,
}

impl Stats {
    fn add(&mut self, other: &Stats) {
        self.gradient += other.gradient;
        self.hessian += other.hessian;
        self.rows += other.rows;
    }
    fn minus(&self, other: &Stats) -> Stats {
        Stats {
            gradient: self.gradient - other.gradient,
            hessian: self.hessian - other.hessian,
            rows: self.rows - other.rows,
        }
    }
    fn score(&self, l2: f64) -> f64 {
        self.gradient * self.gradient / (self.hessian + l2)
    }
}

/// Per feature, gradient statistics per bin, the missing values' last: one-hot features
/// have 3 slots, not 256, which keeps the per-leaf histograms small.
type Histogram = Vec<Vec<Stats>>;

fn histogram(binned: &Binned, rows: &[u32], gradient: &[f64], hessian: &[f64]) -> Histogram {
    let dims = binned.uppers.len();
    (0..dims)
        .into_par_iter()
        .map(|f| {
            let column = &binned.bins[f * binned.rows..(f + 1) * binned.rows];
            let missing_slot = binned.uppers[f].len();
            let mut h = vec![Stats::default(); missing_slot + 1];
            for &i in rows {
                let b = column[i as usize];
                let s = &mut h[if b == MISSING_BIN {
                    missing_slot
                } else {
                    b as usize
                }];
                s.gradient += gradient[i as usize];
                s.hessian += hessian[i as usize];
                s.rows += 1;
            }
            h
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
struct Split {
    feature: usize,
    bin: u8,
    missing_left: bool,
    gain: f64,
}

fn best_split(h: &Histogram, total: &Stats, binned: &Binned, p: &GbdtParams) -> Option<Split> {
    let parent = total.score(p.l2);
    let candidates: Vec<Split> = h
        .par_iter()
        .enumerate()
        .filter_map(|(f, bins)| {
            let non_missing = binned.uppers[f].len();
            let missing = bins[non_missing];
            let mut best: Option<Split> = None;
            let mut left = Stats::default();
            for (b, slot) in bins[..non_missing].iter().enumerate() {
                left.add(slot);
                for missing_left in [false, true] {
                    let mut l = left;
                    if missing_left {
                        l.add(&missing);
                    }
                    let r = total.minus(&l);
                    if l.rows < p.min_rows_per_leaf
                        || r.rows < p.min_rows_per_leaf
                        || l.hessian < 1e-3
                        || r.hessian < 1e-3
                    {
                        continue;
                    }
                    let gain = l.score(p.l2) + r.score(p.l2) - parent;
                    if gain > 1e-12 && best.is_none_or(|s| gain > s.gain) {
                        best = Some(Split {
                            feature: f,
                            bin: b as u8,
                            missing_left,
                            gain,
                        });
                    }
                    if missing.rows == 0 {
                        break; // The other direction is the same split.
                    }
                }
            }
            best
        })
        .collect();
    // Ties go to the lowest feature index, so the result does not depend on thread timing.
    candidates
        .into_iter()
        .fold(None, |best: Option<Split>, s| match best {
            Some(b) if b.gain >= s.gain => Some(b),
            _ => Some(s),
        })
}

struct Leaf {
    node: usize,
    rows: Vec<u32>,
    stats: Stats,
    histogram: Histogram,
    split: Option<Split>,
}

fn leaf_value(s: &Stats, p: &GbdtParams) -> f64 {
    -s.gradient / (s.hessian + p.l2) * p.learning_rate
}

/// Grows one tree on `rows`; returns it and, for each of its leaves, the rows that reached it.
fn grow(
    binned: &Binned,
    rows: Vec<u32>,
    gradient: &[f64],
    hessian: &[f64],
    p: &GbdtParams,
) -> (Tree, Vec<(usize, Vec<u32>)>) {
    let histogram_of = |rows: &[u32]| histogram(binned, rows, gradient, hessian);
    let total_of = |h: &Histogram| {
        h[0].iter().fold(Stats::default(), |mut s, b| {
            s.add(b);
            s
        })
    };
    let root_histogram = histogram_of(&rows);
    let root_stats = total_of(&root_histogram);
    let mut tree = Tree {
        nodes: vec![Node::leaf(leaf_value(&root_stats, p))],
    };
    let split = best_split(&root_histogram, &root_stats, binned, p);
    let mut leaves = vec![Leaf {
        node: 0,
        rows,
        stats: root_stats,
        histogram: root_histogram,
        split,
    }];
    while leaves.len() < p.max_leaves {
        let Some((index, _)) = leaves
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.split.map(|s| (i, s.gain)))
            .fold(None, |best: Option<(usize, f64)>, (i, g)| match best {
                Some((_, bg)) if bg >= g => best,
                _ => Some((i, g)),
            })
        else {
            break;
        };
        let leaf = leaves.swap_remove(index);
        let split = leaf.split.expect("chosen for its split");
        let column = &binned.bins[split.feature * binned.rows..(split.feature + 1) * binned.rows];
        let goes_left = |i: u32| {
            let b = column[i as usize];
            if b == MISSING_BIN {
                split.missing_left
            } else {
                b <= split.bin
            }
        };
        let (left_rows, right_rows) = partition_rows(&leaf.rows, goes_left);
        // Histogram the smaller child; the larger one is the parent minus it.
        let small_is_left = left_rows.len() <= right_rows.len();
        let small = histogram_of(if small_is_left { &left_rows } else { &right_rows });
        let large: Histogram = leaf
            .histogram
            .iter()
            .zip(&small)
            .map(|(parent, child)| parent.iter().zip(child).map(|(p, c)| p.minus(c)).collect())
            .collect();
        let (left_h, right_h) = if small_is_left {
            (small, large)
        } else {
            (large, small)
        };
        let left_stats = total_of(&left_h);
        let right_stats = leaf.stats.minus(&left_stats);
        let left_node = tree.nodes.len();
        for stats in [&left_stats, &right_stats] {
            tree.nodes.push(Node::leaf(leaf_value(stats, p)));
        }
        let node = &mut tree.nodes[leaf.node];
        node.feature = Some(split.feature);
        node.threshold = binned.uppers[split.feature][split.bin as usize];
        node.missing_left = split.missing_left;
        node.left = left_node as u32;
        node.right = left_node as u32 + 1;
        node.gain = split.gain;
        for (node, rows, stats, histogram) in [
            (left_node, left_rows, left_stats, left_h),
            (left_node + 1, right_rows, right_stats, right_h),
        ] {
            let split = best_split(&histogram, &stats, binned, p);
            leaves.push(Leaf {
                node,
                rows,
                stats,
                histogram,
                split,
            });
        }
    }
    let reached = leaves.into_iter().map(|l| (l.node, l.rows)).collect();
    (tree, reached)
}

/// Rows below which a leaf's rows are split on one thread.
const PARALLEL_PARTITION_ROWS: usize = 1 << 16;

/// A leaf's rows split into those that go left and those that go right, each in the order
/// they came: on all cores for large leaves (a tree's top splits move every row).
fn partition_rows(rows: &[u32], goes_left: impl Fn(u32) -> bool + Sync) -> (Vec<u32>, Vec<u32>) {
    if rows.len() < PARALLEL_PARTITION_ROWS {
        return rows.iter().partition(|&&i| goes_left(i));
    }
    let pieces: Vec<(Vec<u32>, Vec<u32>)> = rows
        .par_chunks(PARALLEL_PARTITION_ROWS)
        .map(|chunk| chunk.iter().partition(|&&i| goes_left(i)))
        .collect();
    let left_len = pieces.iter().map(|p| p.0.len()).sum();
    let mut left = Vec::with_capacity(left_len);
    let mut right = Vec::with_capacity(rows.len() - left_len);
    for (l, r) in pieces {
        left.extend_from_slice(&l);
        right.extend_from_slice(&r);
    }
    (left, right)
}

impl Node {
    fn leaf(value: f64) -> Node {
        Node {
            feature: None,
            threshold: 0.0,
            missing_left: false,
            left: 0,
            right: 0,
            value,
            gain: 0.0,
        }
    }

    /// The child a row goes to from this split: NaN to the learned side, else by threshold.
    fn child(&self, value: f64) -> usize {
        let left = if value.is_nan() {
            self.missing_left
        } else {
            value <= self.threshold
        };
        (if left { self.left } else { self.right }) as usize
    }
}

impl Tree {
    fn leaf(&self, row: &[f64]) -> usize {
        let mut n = 0;
        while let Some(f) = self.nodes[n].feature {
            n = self.nodes[n].child(row[f]);
        }
        n
    }
}

fn log_loss_of(raw: &[f64], labels: &[bool], rows: &[u32]) -> f64 {
    rows.iter()
        .map(|&i| {
            let z = raw[i as usize];
            softplus(z) - if labels[i as usize] { z } else { 0.0 }
        })
        .sum::<f64>()
        / rows.len().max(1) as f64
}

/// Fits the trees; `x` is row-major with `dims` values per row, NaN for missing.
pub fn fit(x: &[f64], dims: usize, labels: &[bool], weights: &[f64], p: &GbdtParams) -> Gbdt {
    let rows = labels.len();
    let binned = bin(x, rows, dims);
    let (train, validation): (Vec<u32>, Vec<u32>) = if rows > p.early_stopping_above {
        let fold = folds::stratified(labels, 10, p.seed);
        (0..rows as u32).partition(|&i| fold[i as usize] != 0)
    } else {
        ((0..rows as u32).collect(), Vec::new())
    };
    let weight: f64 = train.iter().map(|&i| weights[i as usize]).sum();
    let positive: f64 = train
        .iter()
        .filter(|&&i| labels[i as usize])
        .map(|&i| weights[i as usize])
        .sum();
    let rate = (positive / weight.max(f64::MIN_POSITIVE)).clamp(1e-6, 1.0 - 1e-6);
    let base_log_odds = (rate / (1.0 - rate)).ln();
    let mut raw = vec![base_log_odds; rows];
    let mut gradient = vec![0.0; rows];
    let mut hessian = vec![0.0; rows];
    let mut model = Gbdt {
        base_log_odds,
        trees: Vec::new(),
    };
    let (mut best_loss, mut best_trees) = (log_loss_of(&raw, labels, &validation), 0);
    for _ in 0..p.max_trees {
        // Every row's, on all cores: the validation rows' are never read, and computing
        // them costs less than picking out the training rows.
        gradient
            .par_iter_mut()
            .zip(hessian.par_iter_mut())
            .enumerate()
            .with_min_len(1 << 14)
            .for_each(|(i, (g, h))| {
                let q = sigmoid(raw[i]);
                *g = weights[i] * (q - if labels[i] { 1.0 } else { 0.0 });
                *h = weights[i] * (q * (1.0 - q)).max(1e-16);
            });
        let (tree, reached) = grow(&binned, train.clone(), &gradient, &hessian, p);
        if tree.nodes.len() == 1 {
            break; // No split improves the loss any more.
        }
        for (node, rows) in reached {
            let value = tree.nodes[node].value;
            for i in rows {
                raw[i as usize] += value;
            }
        }
        for &i in &validation {
            let row = &x[i as usize * dims..(i as usize + 1) * dims];
            raw[i as usize] += tree.nodes[tree.leaf(row)].value;
        }
        model.trees.push(tree);
        if !validation.is_empty() {
            let loss = log_loss_of(&raw, labels, &validation);
            if loss < best_loss - 1e-7 {
                best_loss = loss;
                best_trees = model.trees.len();
            } else if model.trees.len() >= best_trees + 10 {
                model.trees.truncate(best_trees);
                break;
            }
        }
    }
    model
}

impl Gbdt {
    /// The log-odds of one row (NaN for missing values).
    pub fn log_odds(&self, row: &[f64]) -> f64 {
        self.base_log_odds + self.trees.iter().map(|t| t.nodes[t.leaf(row)].value).sum::<f64>()
    }

    /// Each feature's Saabas contribution to the row's log-odds, added into `out`; returns
    /// the bias (the base log-odds plus the roots' values), so that bias + Σ out = log-odds.
    pub fn contributions(&self, row: &[f64], out: &mut [f64]) -> f64 {
        let mut bias = self.base_log_odds;
        for tree in &self.trees {
            bias += tree.nodes[0].value;
            let mut n = 0;
            while let Some(f) = tree.nodes[n].feature {
                let child = tree.nodes[n].child(row[f]);
                out[f] += tree.nodes[child].value - tree.nodes[n].value;
                n = child;
            }
        }
        bias
    }

    /// Total split gain per feature.
    pub fn gain_importance(&self, dims: usize) -> Vec<f64> {
        let mut gain = vec![0.0; dims];
        for node in self.trees.iter().flat_map(|t| &t.nodes) {
            if let Some(f) = node.feature {
                gain[f] += node.gain;
            }
        }
        gain
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mining::churn::metrics::roc_auc;
    use proptest::prelude::*;

    #[test]
    fn bins_put_each_value_of_a_small_column_alone() {
        let mut values = vec![3.0, 1.0, f64::NAN, 2.0, 1.0];
        let uppers = bin_edges(&mut values);
        assert_eq!(uppers, vec![1.5, 2.5, f64::INFINITY]);
        assert_eq!(bin_of(&uppers, 1.0), 0);
        assert_eq!(bin_of(&uppers, 2.5), 1);
        assert_eq!(bin_of(&uppers, 3.0), 2);
        assert_eq!(bin_of(&uppers, f64::NAN), MISSING_BIN);
        let mut many: Vec<f64> = (0..10_000).map(|i| i as f64).collect();
        assert_eq!(bin_edges(&mut many).len(), 255);
    }

    #[test]
    fn one_split_stump_by_hand() {
        // 40 rows: x < 0 never churn, x > 0 always churn; one tree of two leaves, min 20 rows.
        let x: Vec<f64> = (0..40)
            .map(|i| if i < 20 { -1.0 - i as f64 } else { 1.0 + i as f64 })
            .collect();
        let labels: Vec<bool> = (0..40).map(|i| i >= 20).collect();
        let p = GbdtParams {
            max_trees: 1,
            ..GbdtParams::default()
        };
        let m = fit(&x, 1, &labels, &[1.0; 40], &p);
        let tree = &m.trees[0];
        assert_eq!(tree.nodes.len(), 3);
        assert_eq!(tree.nodes[0].feature, Some(0));
        assert!(tree.nodes[0].threshold > -1.0 && tree.nodes[0].threshold < 21.0);
        // Base rate 0.5: base log-odds 0, every gradient ±0.5, hessian 0.25; a leaf of 20
        // churners has G = −10, H = 5, value −G/(H+1)·0.1 = 1/6.
        assert!(m.base_log_odds.abs() < 1e-12);
        let right = &tree.nodes[tree.nodes[0].right as usize];
        assert!((right.value - 1.0 / 6.0).abs() < 1e-12, "{right:?}");
    }

    #[test]
    fn missing_values_learn_their_side() {
        // Churners have no value; stayers have one.
        let x: Vec<f64> = (0..60)
            .map(|i| if i % 2 == 0 { f64::NAN } else { i as f64 })
            .collect();
        let labels: Vec<bool> = (0..60).map(|i| i % 2 == 0).collect();
        let m = fit(&x, 1, &labels, &[1.0; 60], &GbdtParams::default());
        assert!(m.log_odds(&[f64::NAN]) > 2.0);
        assert!(m.log_odds(&[7.0]) < -2.0);
    }

    #[test]
    fn learns_an_interaction_a_linear_model_cannot() {
        // Churn when exactly one of two features is positive (XOR).
        let mut x = Vec::new();
        let mut labels = Vec::new();
        for i in 0..400 {
            let a = ((i * 37) % 100) as f64 - 49.5;
            let b = ((i * 61) % 100) as f64 - 49.5;
            x.extend([a, b]);
            labels.push((a > 0.0) != (b > 0.0));
        }
        let m = fit(&x, 2, &labels, &[1.0; 400], &GbdtParams::default());
        let scores: Vec<f64> = x.chunks(2).map(|r| m.log_odds(r)).collect();
        assert!(roc_auc(&labels, &scores).unwrap() > 0.99);
    }

    #[test]
    fn early_stopping_keeps_the_best_number_of_trees() {
        // Pure noise: the held-out loss stops improving quickly.
        let rows = 12_000;
        let x: Vec<f64> = (0..rows).map(|i| ((i * 7919) % 1000) as f64).collect();
        let labels: Vec<bool> = (0..rows).map(|i| (i * 104_729) % 7 < 2).collect();
        let m = fit(&x, 1, &labels, &vec![1.0; rows], &GbdtParams::default());
        assert!(m.trees.len() < 100, "{} trees", m.trees.len());
    }

    proptest! {
        #[test]
        fn contributions_add_up_to_the_log_odds(
            data in proptest::collection::vec((-5.0f64..5.0, -5.0f64..5.0, any::<bool>()), 50..120)
        ) {
            let x: Vec<f64> = data.iter().flat_map(|d| [d.0, if d.1 > 4.0 { f64::NAN } else { d.1 }]).collect();
            let labels: Vec<bool> = data.iter().map(|d| d.2 ^ (d.0 > 1.0)).collect();
            let p = GbdtParams { max_trees: 10, min_rows_per_leaf: 5, ..GbdtParams::default() };
            let m = fit(&x, 2, &labels, &vec![1.0; labels.len()], &p);
            for row in x.chunks(2) {
                let mut out = [0.0; 2];
                let bias = m.contributions(row, &mut out);
                prop_assert!((bias + out[0] + out[1] - m.log_odds(row)).abs() < 1e-9);
            }
        }
    }
}
