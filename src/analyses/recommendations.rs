//! Recommendations learned from the transactions themselves (`ckm rules recommend` without
//! `--rules`): a recommender fitted on who bought what, chosen by a backtest inside the data it
//! is fitted on, and scored on what customers went on to buy. No files and no printing.

use polars::prelude::*;

use crate::mining::collaborative::{self, Ease, HitRates, ItemKnn, Popularity, Purchases, Recommendation};

#[derive(Debug, Clone, Copy)]
pub struct RecommendSettings {
    /// Recommendations per customer.
    pub top: usize,
    /// EASE's ridge; `None` lets `auto` choose it (and `ease` use [`DEFAULT_LAMBDA`]).
    pub lambda: Option<f64>,
    /// EASE models at most this many items, the most bought ones.
    pub max_ease_items: usize,
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

/// A fitted recommender.
pub enum Fitted {
    Popularity(Popularity),
    ItemKnn(ItemKnn),
    Ease { model: Ease, lambda: f64 },
}

impl Fitted {
    pub fn name(&self) -> String {
        match self {
            Fitted::Popularity(_) => "popularity".into(),
            Fitted::ItemKnn(_) => format!("item-knn (cosine, {NEIGHBOURS} neighbours)"),
            Fitted::Ease { lambda, .. } => format!("ease (lambda {lambda})"),
        }
    }

    pub fn recommend(&self, bought: &[u32], top: usize) -> Vec<Recommendation> {
        match self {
            Fitted::Popularity(m) => m.recommend(bought, top),
            Fitted::ItemKnn(m) => m.recommend(bought, top),
            Fitted::Ease { model, .. } => model.recommend(bought, top),
        }
    }

    /// Every customer's recommendations, in parallel.
    pub fn recommend_all(&self, purchases: &Purchases, top: usize) -> Vec<Vec<Recommendation>> {
        use rayon::prelude::*;
        purchases
            .baskets
            .par_iter()
            .map(|b| self.recommend(b, top))
            .collect()
    }
}

/// What can be fitted: a concrete recommender.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Candidate {
    ItemKnn,
    Ease(f64),
}

impl Candidate {
    pub fn name(self) -> String {
        match self {
            Candidate::ItemKnn => "item-knn".into(),
            Candidate::Ease(lambda) => format!("ease (lambda {lambda})"),
        }
    }
}

/// Why a recommender could not be fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    NoPurchases,
    Ease(collaborative::EaseError),
}

pub fn fit(purchases: &Purchases, candidate: Candidate, max_ease_items: usize) -> Result<Fitted, FitError> {
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
    })
}

/// Purchase lines: customer, item and time (any increasing number, e.g. milliseconds).
pub struct Lines<'a> {
    pub customer: &'a [u32],
    pub item: &'a [u32],
    pub time: &'a [i64],
    pub customers: usize,
    pub items: usize,
}

/// The lines before `cut` as purchases, and for each customer the items she bought from `cut`
/// on that she had not bought before (sorted): the truth a recommendation is scored on.
pub fn split_at(lines: &Lines, cut: i64) -> (Purchases, Vec<Vec<u32>>) {
    let mut before = vec![Vec::new(); lines.customers];
    let mut after = vec![Vec::new(); lines.customers];
    for k in 0..lines.customer.len() {
        let c = lines.customer[k] as usize;
        if lines.time[k] < cut {
            before[c].push(lines.item[k]);
        } else {
            after[c].push(lines.item[k]);
        }
    }
    let purchases = Purchases::new(before, lines.items);
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
    (purchases, wanted)
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
/// after. EASE with [`DEFAULT_LAMBDA`] (or the λ given) is the default; another candidate
/// replaces it only when its precision is higher by more than one standard error of the
/// paired differences over the customers, and then the one higher by the most: the
/// candidates' backtests differ by less than their noise on the logs measured (λ 500 and
/// 1000 within 0.001 of each other), and a choice by noise costs as much as it gains. `None`
/// when the validation part has nobody to score.
pub fn choose(lines: &Lines, settings: &RecommendSettings) -> Option<AutoChoice> {
    // The backtest sees only the lines the recommender may learn from.
    let kept: Vec<usize> = (0..lines.customer.len())
        .filter(|&k| settings.before.is_none_or(|end| lines.time[k] < end))
        .collect();
    let customer: Vec<u32> = kept.iter().map(|&k| lines.customer[k]).collect();
    let item: Vec<u32> = kept.iter().map(|&k| lines.item[k]).collect();
    let time: Vec<i64> = kept.iter().map(|&k| lines.time[k]).collect();
    let lines = &Lines {
        customer: &customer,
        item: &item,
        time: &time,
        ..*lines
    };
    let (&first, &last) = (lines.time.iter().min()?, lines.time.iter().max()?);
    let cut = last - ((last - first) as f64 * VALIDATION_SHARE) as i64;
    let (train, wanted) = split_at(lines, cut);
    if wanted.iter().all(|w| w.is_empty()) {
        return None;
    }
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
    let mut scores = Vec::new();
    let mut per_customer = Vec::new();
    for candidate in candidates {
        let Ok(fitted) = fit(&train, candidate, settings.max_ease_items) else {
            continue;
        };
        let recommended = items_of(&fitted.recommend_all(&train, settings.top));
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

    #[test]
    fn a_split_in_time_gives_first_purchases_after_it() {
        // Customer 0 buys 1 then 1 and 2 again; customer 1 buys only after the cut.
        let customer = [0, 0, 0, 1];
        let item = [1, 1, 2, 3];
        let time = [1, 5, 6, 7];
        let lines = Lines {
            customer: &customer,
            item: &item,
            time: &time,
            customers: 2,
            items: 4,
        };
        let (before, wanted) = split_at(&lines, 5);
        assert_eq!(before.baskets, vec![vec![1], vec![]]);
        assert_eq!(
            wanted,
            vec![vec![2], vec![]],
            "1 again is not new; customer 1 was not seen before"
        );
    }

    #[test]
    fn auto_keeps_the_candidate_with_the_best_backtest() {
        // Pairs of items bought together by many customers, the second of a pair later: every
        // candidate learns the pairs; the choice is one of them and scores every candidate.
        let (mut customer, mut item, mut time) = (Vec::new(), Vec::new(), Vec::new());
        for c in 0..60u32 {
            let pair = c % 3;
            customer.extend([c, c]);
            item.extend([2 * pair, 2 * pair + 1]);
            // The last 20 customers buy the second item late.
            time.extend([0, if c >= 40 { 100 } else { 1 }]);
        }
        let lines = Lines {
            customer: &customer,
            item: &item,
            time: &time,
            customers: 60,
            items: 6,
        };
        let settings = RecommendSettings {
            top: 1,
            lambda: None,
            max_ease_items: 100,
            before: None,
        };
        let choice = choose(&lines, &settings).unwrap();
        assert_eq!(choice.scores.len(), 1 + LAMBDAS.len());
        let best = choice.scores.iter().find(|(c, _)| *c == choice.chosen).unwrap().1;
        assert!((best.precision - 1.0).abs() < 1e-12, "{:?}", choice.scores);
        assert_eq!(best.customers, 20);
        // Every candidate finds the pairs: none is better than the default.
        assert_eq!(choice.chosen, Candidate::Ease(DEFAULT_LAMBDA));
    }
}
