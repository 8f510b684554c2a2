//! Recommendations learned from the transactions themselves (`ckm rules recommend` without
//! `--rules`): a recommender fitted on who bought what, chosen by a backtest inside the data it
//! is fitted on, and scored on what customers went on to buy. No files and no printing.

use polars::prelude::*;

use crate::analyses::rules::braced;
use crate::mining::collaborative::{
    self, Because, Ease, HitRates, ItemKnn, Popularity, Purchases, Recommendation,
};
use crate::mining::fpgrowth::{self, MiningLimits};
use crate::mining::recommend::{self as by_rules, ScoredRule};
use crate::mining::rules::{self, Fraction, RuleLimits};

#[derive(Debug, Clone, Copy)]
pub struct RecommendSettings {
    /// Recommendations per customer.
    pub top: usize,
    /// EASE's ridge; `None` lets `auto` choose it (and `ease` use [`DEFAULT_LAMBDA`]).
    pub lambda: Option<f64>,
    /// EASE models at most this many items, the most bought ones.
    pub max_ease_items: usize,
    /// The rules' minimum support, a fraction of the orders; `None`: [`DEFAULT_MIN_SUPPORT`].
    pub min_support: Option<Fraction>,
    /// Only lines before this moment are learned from (a holdout's start).
    pub before: Option<i64>,
}

/// EASE's ridge when none is given or chosen: Steck's value for data sets of this size, and
/// the reference's.
pub const DEFAULT_LAMBDA: f64 = 500.0;
/// The ridges `auto` tries: a factor of two apart around [`DEFAULT_LAMBDA`].
pub const LAMBDAS: [f64; 5] = [125.0, 250.0, 500.0, 1000.0, 2000.0];
/// Item-kNN keeps this many neighbours per item.
pub const NEIGHBOURS: usize = 200;
/// `auto`'s backtest holds out this share of the fitted period, its end.
pub const VALIDATION_SHARE: f64 = 0.25;
/// `auto`'s backtest scores at most this many customers, evenly spread among those with
/// something new to find: the standard error of a difference in precision between two
/// candidates over 20,000 customers is a few thousandths, below the gaps between them, and
/// scoring every customer of a million for each of seven candidates took most of the time.
pub const BACKTEST_CUSTOMERS: usize = 20_000;
/// The rules' minimum support when none is given: 1 order in 200, the middle of the supports
/// that did best on the Online Retail log (0.01, 0.005 and 0.002 within 5% of each other).
pub const DEFAULT_MIN_SUPPORT: Fraction = Fraction {
    numerator: 5,
    denominator: 1000,
};
/// Rules are mined from itemsets of at most this many items, so antecedents of one or two:
/// longer ones reach few customers and cost the most to mine.
pub const RULE_ITEMSET_LEN: usize = 3;
/// Rule mining stops with an error beyond this many frequent itemsets.
pub const MAX_RULE_ITEMSETS: usize = 2_000_000;

/// A fitted recommender.
pub enum Fitted {
    Popularity(Popularity),
    ItemKnn(ItemKnn),
    Ease {
        model: Ease,
        lambda: f64,
    },
    /// Association rules mined on the orders, ranked as `ckm rules recommend --rules` ranks
    /// them (confidence, then lift); `item_names` break ties.
    Rules {
        rules: Vec<ScoredRule>,
        min_support: Fraction,
        item_names: Vec<String>,
    },
}

impl Fitted {
    pub fn name(&self) -> String {
        match self {
            Fitted::Popularity(_) => "popularity".into(),
            Fitted::ItemKnn(_) => format!("item-knn (cosine, {NEIGHBOURS} neighbours)"),
            Fitted::Ease { lambda, .. } => format!("ease (lambda {lambda})"),
            Fitted::Rules { min_support, .. } => Candidate::Rules(*min_support).name(),
        }
    }

    /// Every customer's recommendations, in parallel.
    pub fn recommend_all(&self, purchases: &Purchases, top: usize) -> Vec<Vec<Recommendation>> {
        use rayon::prelude::*;
        let each = |recommend: &(dyn Fn(&[u32]) -> Vec<Recommendation> + Sync)| {
            purchases.baskets.par_iter().map(|b| recommend(b)).collect()
        };
        match self {
            Fitted::Popularity(m) => each(&|b| m.recommend(b, top)),
            Fitted::ItemKnn(m) => each(&|b| m.recommend(b, top)),
            Fitted::Ease { model, .. } => each(&|b| model.recommend(b, top)),
            Fitted::Rules {
                rules, item_names, ..
            } => {
                let mut bought = purchases.baskets.clone();
                by_rules::recommend(rules, &mut bought, item_names, top)
                    .into_iter()
                    .map(|list| {
                        list.into_iter()
                            .map(|(item, r)| Recommendation {
                                item,
                                score: rules[r as usize].confidence,
                                because: Some(Because::Rule(r)),
                            })
                            .collect()
                    })
                    .collect()
            }
        }
    }

    /// Why, in words: the bought item, or the rule's antecedent as `{a, b}`.
    pub fn explain(&self, because: Because, item_names: &[String]) -> String {
        match (because, self) {
            (Because::Item(i), _) => item_names[i as usize].clone(),
            (Because::Rule(r), Fitted::Rules { rules, .. }) => {
                braced(&rules[r as usize].antecedent, item_names)
            }
            (Because::Rule(r), _) => unreachable!("rule {r} from a recommender without rules"),
        }
    }
}

/// What can be fitted: a concrete recommender.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Candidate {
    ItemKnn,
    Ease(f64),
    /// Rules with this minimum support (a fraction of the orders).
    Rules(Fraction),
}

impl Candidate {
    pub fn name(self) -> String {
        match self {
            Candidate::ItemKnn => "item-knn".into(),
            Candidate::Ease(lambda) => format!("ease (lambda {lambda})"),
            Candidate::Rules(support) => format!(
                "rules (min support {})",
                support.numerator as f64 / support.denominator as f64
            ),
        }
    }
}

/// Why a recommender could not be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error("nobody bought anything")]
    NoPurchases,
    #[error("the items' Gram matrix is not positive definite: give --lambda above 0")]
    Ease(collaborative::EaseError),
    #[error("{0} (for rules: raise --min-support)")]
    Rules(fpgrowth::MiningError),
}

/// What a recommender learns from: each customer's items, and each order's (rules are
/// mined on orders, as `ckm rules` mines them), with the items' names.
pub struct Training<'a> {
    pub purchases: Purchases,
    /// Each order's items, sorted and deduplicated; orders without a line left out.
    pub orders: Vec<Vec<u32>>,
    pub item_names: &'a [String],
}

pub fn fit(training: &Training, candidate: Candidate, max_ease_items: usize) -> Result<Fitted, FitError> {
    let purchases = &training.purchases;
    if purchases.baskets.iter().all(|b| b.is_empty()) {
        return Err(FitError::NoPurchases);
    }
    Ok(match candidate {
        Candidate::ItemKnn => Fitted::ItemKnn(ItemKnn::fit(purchases, NEIGHBOURS)),
        Candidate::Ease(lambda) => {
            let modelled = collaborative::most_bought(purchases, max_ease_items);
            Fitted::Ease {
                model: Ease::fit(purchases, &modelled, lambda).map_err(FitError::Ease)?,
                lambda,
            }
        }
        Candidate::Rules(min_support) => {
            let n = training.orders.len() as u64;
            let itemsets = fpgrowth::mine(
                &training.orders,
                &[],
                purchases.items,
                MiningLimits {
                    min_count: min_support.min_count(n).max(1),
                    max_len: RULE_ITEMSET_LEN,
                    max_itemsets: MAX_RULE_ITEMSETS,
                },
            )
            .map_err(FitError::Rules)?;
            let found = rules::rules(
                &itemsets,
                n,
                RuleLimits {
                    min_confidence: Fraction {
                        numerator: 0,
                        denominator: 1,
                    },
                    min_lift: None,
                    max_consequent: 1,
                },
            );
            let rules = found
                .iter()
                .map(|rule| {
                    let metrics = rule.metrics(n);
                    let mut antecedent = rule.antecedent.clone();
                    antecedent.sort_unstable();
                    ScoredRule {
                        antecedent,
                        consequent: rule.consequent.clone(),
                        confidence: metrics.confidence,
                        lift: metrics.lift,
                    }
                })
                .collect();
            Fitted::Rules {
                rules,
                min_support,
                item_names: training.item_names.to_vec(),
            }
        }
    })
}

/// Purchase lines: customer, order, item and time (any increasing number, e.g.
/// milliseconds), as numbers below `customers`, `orders` and `item_names.len()`.
pub struct Lines<'a> {
    pub customer: &'a [u32],
    pub order: &'a [u32],
    pub item: &'a [u32],
    pub time: &'a [i64],
    pub customers: usize,
    pub orders: usize,
    pub item_names: &'a [String],
}

/// What the lines before `cut` teach, and for each customer the items she bought from `cut`
/// on that she had not bought before (sorted): the truth a recommendation is scored on.
pub fn split_at<'a>(lines: &Lines<'a>, cut: i64) -> (Training<'a>, Vec<Vec<u32>>) {
    let mut before = vec![Vec::new(); lines.customers];
    let mut after = vec![Vec::new(); lines.customers];
    let mut orders = vec![Vec::new(); lines.orders];
    for k in 0..lines.customer.len() {
        let c = lines.customer[k] as usize;
        if lines.time[k] < cut {
            before[c].push(lines.item[k]);
            orders[lines.order[k] as usize].push(lines.item[k]);
        } else {
            after[c].push(lines.item[k]);
        }
    }
    orders.retain(|o| !o.is_empty());
    for order in &mut orders {
        order.sort_unstable();
        order.dedup();
    }
    let purchases = Purchases::new(before, lines.item_names.len());
    let wanted = after
        .into_iter()
        .zip(&purchases.baskets)
        .map(|(mut later, earlier)| {
            later.sort_unstable();
            later.dedup();
            // Only customers seen before the cut can be recommended to.
            if earlier.is_empty() {
                return Vec::new();
            }
            later.retain(|i| earlier.binary_search(i).is_err());
            later
        })
        .collect();
    let training = Training {
        purchases,
        orders,
        item_names: lines.item_names,
    };
    (training, wanted)
}

/// The items of each recommendation list.
pub fn items_of(recommendations: &[Vec<Recommendation>]) -> Vec<Vec<u32>> {
    recommendations
        .iter()
        .map(|r| r.iter().map(|x| x.item).collect())
        .collect()
}

/// How `auto` chose: each candidate's hit rates on the backtest inside the fitted data.
#[derive(Debug, Clone)]
pub struct AutoChoice {
    pub chosen: Candidate,
    /// The time the backtest's validation part started.
    pub cut: i64,
    pub scores: Vec<(Candidate, HitRates)>,
}

/// `auto`: fits every candidate on the lines before the last [`VALIDATION_SHARE`] of the
/// time span of `lines` and scores its precision at `top` on what each customer first bought
/// after. The candidates are EASE with [`DEFAULT_LAMBDA`] (or the λ given), the default,
/// item-kNN, EASE with the other [`LAMBDAS`] when no λ is given, and rules at the minimum
/// support given or [`DEFAULT_MIN_SUPPORT`]. Another candidate replaces the default only
/// when its precision is higher by more than one standard error of the paired differences
/// over the customers (at most [`BACKTEST_CUSTOMERS`]), and then the one higher by the most:
/// the candidates' backtests differ by less than their noise on the logs measured (λ 500 and
/// 1000 within 0.001 of each other), and a choice by noise costs as much as it gains. A candidate that cannot be
/// fitted (too many itemsets for rules) is left out. `None` when the validation part has
/// nobody to score.
pub fn choose(lines: &Lines, settings: &RecommendSettings) -> Option<AutoChoice> {
    // The backtest sees only the lines the recommender may learn from.
    let kept: Vec<usize> = (0..lines.customer.len())
        .filter(|&k| settings.before.is_none_or(|end| lines.time[k] < end))
        .collect();
    let pick = |column: &[u32]| -> Vec<u32> { kept.iter().map(|&k| column[k]).collect() };
    let (customer, order, item) = (pick(lines.customer), pick(lines.order), pick(lines.item));
    let time: Vec<i64> = kept.iter().map(|&k| lines.time[k]).collect();
    let lines = &Lines {
        customer: &customer,
        order: &order,
        item: &item,
        time: &time,
        ..*lines
    };
    let (&first, &last) = (lines.time.iter().min()?, lines.time.iter().max()?);
    let cut = last - ((last - first) as f64 * VALIDATION_SHARE) as i64;
    let (train, wanted) = split_at(lines, cut);
    // Scored: the customers with something new to find, at most BACKTEST_CUSTOMERS of them
    // evenly spread.
    let mut scored: Vec<usize> = (0..wanted.len()).filter(|&c| !wanted[c].is_empty()).collect();
    if scored.is_empty() {
        return None;
    }
    if scored.len() > BACKTEST_CUSTOMERS {
        scored = (0..BACKTEST_CUSTOMERS)
            .map(|j| scored[j * scored.len() / BACKTEST_CUSTOMERS])
            .collect();
    }
    let sample = Purchases {
        baskets: scored
            .iter()
            .map(|&c| train.purchases.baskets[c].clone())
            .collect(),
        items: train.purchases.items,
    };
    let wanted: Vec<Vec<u32>> = scored.iter().map(|&c| wanted[c].clone()).collect();
    let default = Candidate::Ease(settings.lambda.unwrap_or(DEFAULT_LAMBDA));
    let mut candidates = vec![default, Candidate::ItemKnn];
    if settings.lambda.is_none() {
        candidates.extend(
            LAMBDAS
                .iter()
                .filter(|&&l| l != DEFAULT_LAMBDA)
                .map(|&l| Candidate::Ease(l)),
        );
    }
    candidates.push(Candidate::Rules(
        settings.min_support.unwrap_or(DEFAULT_MIN_SUPPORT),
    ));
    let mut scores = Vec::new();
    let mut per_customer = Vec::new();
    for candidate in candidates {
        let Ok(fitted) = fit(&train, candidate, settings.max_ease_items) else {
            continue;
        };
        let recommended = items_of(&fitted.recommend_all(&sample, settings.top));
        scores.push((
            candidate,
            collaborative::hit_rates(&recommended, &wanted, settings.top),
        ));
        per_customer.push(collaborative::precision_per_customer(
            &recommended,
            &wanted,
            settings.top,
        ));
    }
    let base = scores.iter().position(|(c, _)| *c == default)?;
    let mut chosen = default;
    let mut best_gain = 0.0;
    for (k, (candidate, _)) in scores.iter().enumerate() {
        let differences: Vec<f64> = per_customer[k]
            .iter()
            .zip(&per_customer[base])
            .map(|(a, b)| a - b)
            .collect();
        let n = differences.len();
        if k == base || n < 2 {
            continue;
        }
        let mean = differences.iter().sum::<f64>() / n as f64;
        let variance = differences.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        if mean - (variance / n as f64).sqrt() > 0.0 && mean > best_gain {
            best_gain = mean;
            chosen = *candidate;
        }
    }
    Some(AutoChoice { chosen, cut, scores })
}

/// For each of `groups` groups of customers, the `n` items recommended to the most of its
/// customers (ties by item number), with how many; `group_of[c]` is customer `c`'s group
/// (`None`: in none).
pub fn most_recommended(
    recommended: &[Vec<Recommendation>],
    group_of: &[Option<usize>],
    groups: usize,
    n: usize,
) -> Vec<Vec<(u32, u64)>> {
    let mut counts: Vec<foldhash::HashMap<u32, u64>> = vec![Default::default(); groups];
    for (list, group) in recommended.iter().zip(group_of) {
        let Some(g) = *group else { continue };
        for r in list {
            *counts[g].entry(r.item).or_insert(0) += 1;
        }
    }
    counts
        .into_iter()
        .map(|count| {
            let mut ranked: Vec<(u32, u64)> = count.into_iter().collect();
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.truncate(n);
            ranked
        })
        .collect()
}

/// The recommendations' and the most popular items' hit rates on what customers went on to
/// buy, in that order, named.
pub fn holdout_scores(
    name: &str,
    recommended: &[Vec<Recommendation>],
    purchases: &Purchases,
    wanted: &[Vec<u32>],
    top: usize,
) -> Vec<(String, HitRates)> {
    let popularity = Fitted::Popularity(Popularity::fit(purchases));
    [
        (name.to_string(), items_of(recommended)),
        (
            popularity.name(),
            items_of(&popularity.recommend_all(purchases, top)),
        ),
    ]
    .into_iter()
    .map(|(name, items)| (name, collaborative::hit_rates(&items, wanted, top)))
    .collect()
}

/// Customers' positions in id order, so that an output does not depend on the input's line
/// order.
pub fn in_id_order<S: AsRef<str>>(ids: &[S]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by(|&a, &b| ids[a].as_ref().cmp(ids[b].as_ref()));
    order
}

/// The recommendations as `ckm rules recommend` writes them, customers in id order: customer,
/// rank, item, score and why; with how many customers got at least one.
pub fn recommendations_table(
    customer_ids: &[String],
    item_names: &[String],
    recommended: &[Vec<Recommendation>],
    fitted: &Fitted,
) -> PolarsResult<(DataFrame, u64)> {
    let (mut customer_column, mut rank_column, mut item_column) = (Vec::new(), Vec::new(), Vec::new());
    let (mut score_column, mut because_column) = (Vec::new(), Vec::new());
    let mut reached = 0u64;
    for c in in_id_order(customer_ids) {
        reached += u64::from(!recommended[c].is_empty());
        for (rank, r) in recommended[c].iter().enumerate() {
            customer_column.push(customer_ids[c].as_str());
            rank_column.push(rank as u32 + 1);
            item_column.push(item_names[r.item as usize].as_str());
            score_column.push(r.score);
            because_column.push(r.because.map(|b| fitted.explain(b, item_names)));
        }
    }
    let table = DataFrame::new(
        customer_column.len(),
        vec![
            Column::new(crate::io::schema::CUSTOMER_ID.into(), customer_column),
            Column::new("rank".into(), rank_column),
            Column::new("item".into(), item_column),
            Column::new("score".into(), score_column),
            Column::new("because".into(), because_column),
        ],
    )?;
    Ok((table, reached))
}

/// The `--evaluation` table: a row per recommender scored.
pub fn evaluation_table(scores: &[(String, HitRates)], top: usize) -> PolarsResult<DataFrame> {
    let column = |name: &str, value: fn(&HitRates) -> f64| {
        Column::new(
            name.into(),
            scores.iter().map(|s| value(&s.1)).collect::<Vec<f64>>(),
        )
    };
    DataFrame::new(
        scores.len(),
        vec![
            Column::new(
                "model".into(),
                scores.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(),
            ),
            Column::new("k".into(), vec![top as u64; scores.len()]),
            Column::new(
                "customers".into(),
                scores.iter().map(|s| s.1.customers as u64).collect::<Vec<_>>(),
            ),
            column("precision", |r| r.precision),
            column("recall", |r| r.recall),
            column("hit_rate", |r| r.hit_rate),
            column("coverage", |r| r.coverage),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("item {i}")).collect()
    }

    #[test]
    fn a_split_in_time_gives_first_purchases_after_it() {
        // Customer 0 buys 1 (order 0), then 1 and 2 again (order 1); customer 1 buys only
        // after the cut.
        let customer = [0, 0, 0, 1];
        let order = [0, 1, 1, 2];
        let item = [1, 1, 2, 3];
        let time = [1, 5, 6, 7];
        let item_names = names(4);
        let lines = Lines {
            customer: &customer,
            order: &order,
            item: &item,
            time: &time,
            customers: 2,
            orders: 3,
            item_names: &item_names,
        };
        let (before, wanted) = split_at(&lines, 5);
        assert_eq!(before.purchases.baskets, vec![vec![1], vec![]]);
        assert_eq!(before.orders, vec![vec![1]], "only order 0 is before the cut");
        assert_eq!(
            wanted,
            vec![vec![2], vec![]],
            "1 again is not new; customer 1 was not seen before"
        );
    }

    /// Rules mined on orders by hand: of 4 orders, {0, 1}, {0, 1}, {0, 2}, {3}. 0 → 1 has
    /// confidence 2/3 and lift (2/4) / ((3/4)(2/4)) = 4/3; 0 → 2 confidence 1/3.
    #[test]
    fn rules_are_mined_on_orders_and_explained_by_their_antecedent() {
        let item_names = names(4);
        let training = Training {
            purchases: Purchases::new(vec![vec![0, 1], vec![0, 2], vec![0], vec![3]], 4),
            orders: vec![vec![0, 1], vec![0, 1], vec![0, 2], vec![3]],
            item_names: &item_names,
        };
        let support = Fraction {
            numerator: 1,
            denominator: 4,
        };
        let fitted = fit(&training, Candidate::Rules(support), 100).unwrap();
        let recommended = fitted.recommend_all(&training.purchases, 2);
        // Customer 2 bought 0: 1 first (confidence 2/3), then 2 (1/3).
        let third: Vec<(u32, f64)> = recommended[2].iter().map(|r| (r.item, r.score)).collect();
        assert_eq!(third.len(), 2);
        assert_eq!((third[0].0, third[1].0), (1, 2));
        assert!((third[0].1 - 2.0 / 3.0).abs() < 1e-12 && (third[1].1 - 1.0 / 3.0).abs() < 1e-12);
        let because = recommended[2][0].because.unwrap();
        assert_eq!(fitted.explain(because, &item_names), "{item 0}");
        // Customer 3 bought only 3, which no rule starts from.
        assert!(recommended[3].is_empty());
        assert_eq!(fitted.name(), "rules (min support 0.25)");
        // At half the orders only {0} and {0, 1} are frequent: no rule to 2.
        let half = Fraction {
            numerator: 1,
            denominator: 2,
        };
        let fitted = fit(&training, Candidate::Rules(half), 100).unwrap();
        let recommended = fitted.recommend_all(&training.purchases, 2);
        assert_eq!(recommended[2].iter().map(|r| r.item).collect::<Vec<_>>(), vec![1]);
    }

    #[test]
    fn the_items_recommended_to_most_of_a_group() {
        let to = |items: &[u32]| -> Vec<Recommendation> {
            items
                .iter()
                .map(|&item| Recommendation {
                    item,
                    score: 1.0,
                    because: None,
                })
                .collect()
        };
        // Group 0: customers 0, 1 and 3; group 1: customer 2; customer 4 in none.
        let recommended = [to(&[5, 7]), to(&[7, 6]), to(&[1]), to(&[6, 7]), to(&[9])];
        let group_of = [Some(0), Some(0), Some(1), Some(0), None];
        let top = most_recommended(&recommended, &group_of, 3, 2);
        // 7 three times; 6 twice; 5 once.
        assert_eq!(top[0], vec![(7, 3), (6, 2)]);
        assert_eq!(top[1], vec![(1, 1)]);
        assert!(top[2].is_empty(), "a group without customers");
    }

    #[test]
    fn auto_keeps_the_candidate_with_the_best_backtest() {
        // Pairs of items bought together by many customers, the second of a pair later: every
        // candidate learns the pairs; the choice is one of them and scores every candidate.
        let (mut customer, mut order, mut item, mut time) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for c in 0..60u32 {
            let pair = c % 3;
            customer.extend([c, c]);
            item.extend([2 * pair, 2 * pair + 1]);
            // The last 20 customers buy the second item late, in a second order.
            let late = c >= 40;
            time.extend([0, if late { 100 } else { 0 }]);
            order.extend([c, if late { 60 + c } else { c }]);
        }
        let item_names = names(6);
        let lines = Lines {
            customer: &customer,
            order: &order,
            item: &item,
            time: &time,
            customers: 60,
            orders: 120,
            item_names: &item_names,
        };
        let settings = RecommendSettings {
            top: 1,
            lambda: None,
            max_ease_items: 100,
            min_support: None,
            before: None,
        };
        let choice = choose(&lines, &settings).unwrap();
        assert_eq!(
            choice.scores.len(),
            2 + LAMBDAS.len(),
            "item-knn, rules and each ridge"
        );
        for (candidate, rates) in &choice.scores {
            assert!((rates.precision - 1.0).abs() < 1e-12, "{candidate:?}: {rates:?}");
            assert_eq!(rates.customers, 20);
        }
        // Every candidate finds the pairs: none is better than the default.
        assert_eq!(choice.chosen, Candidate::Ease(DEFAULT_LAMBDA));
    }
}
