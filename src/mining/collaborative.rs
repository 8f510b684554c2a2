//! Item-to-item recommenders learned from who bought what: most popular items, item-to-item
//! cosine neighbours (item-kNN), and EASE (Steck 2019, "Embarrassingly Shallow Autoencoders
//! for Sparse Data": each item's purchase regressed on every other item's, in closed form).
//! Customers' purchases in, ranked items with the bought items that point to them out.

use std::cmp::Ordering;

use rayon::prelude::*;

/// Who bought what: each customer's distinct items, sorted (numbers below `items`).
#[derive(Debug, Clone)]
pub struct Purchases {
    pub baskets: Vec<Vec<u32>>,
    pub items: usize,
}

impl Purchases {
    /// `baskets` sorted and deduplicated.
    pub fn new(mut baskets: Vec<Vec<u32>>, items: usize) -> Purchases {
        for b in &mut baskets {
            b.sort_unstable();
            b.dedup();
        }
        Purchases { baskets, items }
    }

    /// How many customers bought each item.
    pub fn buyers(&self) -> Vec<u32> {
        let mut counts = vec![0u32; self.items];
        for b in &self.baskets {
            for &i in b {
                counts[i as usize] += 1;
            }
        }
        counts
    }
}

/// A recommended item, its score, and the bought item that contributed most to it (none for
/// popularity).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recommendation {
    pub item: u32,
    pub score: f64,
    pub because: Option<Because>,
}

/// Why an item is recommended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Because {
    /// The bought item whose weight towards it is largest.
    Item(u32),
    /// The rule (an index into the recommender's rules) whose antecedent was bought.
    Rule(u32),
}

/// The `top` of `candidates` (items not bought, with a positive score), best first (ties by
/// item number), each with the bought item whose weight towards it is largest.
fn best_items(
    mut candidates: Vec<(u32, f64)>,
    bought: &[u32],
    top: usize,
    weight: impl Fn(u32, u32) -> f64,
) -> Vec<Recommendation> {
    let by_score = |a: &(u32, f64), b: &(u32, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if candidates.len() > top {
        candidates.select_nth_unstable_by(top, by_score);
        candidates.truncate(top);
    }
    candidates.sort_by(by_score);
    candidates
        .into_iter()
        .map(|(item, score)| Recommendation {
            item,
            score,
            because: bought
                .iter()
                .copied()
                .max_by(|&a, &b| weight(a, item).total_cmp(&weight(b, item)).then(b.cmp(&a)))
                .map(Because::Item),
        })
        .collect()
}

/// The most popular items (most customers) each customer has not bought.
#[derive(Debug, Clone)]
pub struct Popularity {
    /// Items by customers, most first (ties by item number), with their customer counts.
    ranked: Vec<(u32, u32)>,
}

impl Popularity {
    pub fn fit(purchases: &Purchases) -> Popularity {
        let mut ranked: Vec<(u32, u32)> = purchases
            .buyers()
            .into_iter()
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .map(|(i, n)| (i as u32, n))
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Popularity { ranked }
    }

    pub fn recommend(&self, bought: &[u32], top: usize) -> Vec<Recommendation> {
        self.ranked
            .iter()
            .filter(|(i, _)| bought.binary_search(i).is_err())
            .take(top)
            .map(|&(item, n)| Recommendation {
                item,
                score: n as f64,
                because: None,
            })
            .collect()
    }
}

/// For each item, the items bought by the same customers and how many bought both, by one
/// pass over the customers of each item (Σ over customers of their item count squared).
fn co_occurrence(purchases: &Purchases) -> Vec<Vec<(u32, u32)>> {
    let mut customers_of: Vec<Vec<u32>> = vec![Vec::new(); purchases.items];
    for (c, b) in purchases.baskets.iter().enumerate() {
        for &i in b {
            customers_of[i as usize].push(c as u32);
        }
    }
    customers_of
        .par_iter()
        .map_init(
            || vec![0u32; purchases.items],
            |counts, customers| {
                let mut touched = Vec::new();
                for &c in customers {
                    for &j in &purchases.baskets[c as usize] {
                        if counts[j as usize] == 0 {
                            touched.push(j);
                        }
                        counts[j as usize] += 1;
                    }
                }
                touched.sort_unstable();
                touched
                    .into_iter()
                    .map(|j| (j, std::mem::take(&mut counts[j as usize])))
                    .collect()
            },
        )
        .collect()
}

/// Item-to-item cosine similarity (Sarwar et al. 2001; Linden et al. 2003): items bought by
/// the same customers, |both| / √(|buyers of i| |buyers of j|); a customer's score for an item
/// is the sum of its similarities to the items she bought. Each item keeps its `neighbours`
/// most similar items.
#[derive(Debug, Clone)]
pub struct ItemKnn {
    /// Per item, (neighbour, similarity), sorted by neighbour.
    similar: Vec<Vec<(u32, f64)>>,
    items: usize,
}

impl ItemKnn {
    pub fn fit(purchases: &Purchases, neighbours: usize) -> ItemKnn {
        let buyers = purchases.buyers();
        let similar = co_occurrence(purchases)
            .into_par_iter()
            .enumerate()
            .map(|(i, row)| {
                let mut list: Vec<(u32, f64)> = row
                    .into_iter()
                    .filter(|&(j, _)| j as usize != i)
                    .map(|(j, both)| {
                        let norm = (buyers[i] as f64 * buyers[j as usize] as f64).sqrt();
                        (j, both as f64 / norm)
                    })
                    .collect();
                if list.len() > neighbours {
                    list.select_nth_unstable_by(neighbours, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                    list.truncate(neighbours);
                }
                list.sort_unstable_by_key(|&(j, _)| j);
                list
            })
            .collect();
        ItemKnn {
            similar,
            items: purchases.items,
        }
    }

    fn similarity(&self, from: u32, to: u32) -> f64 {
        let list = &self.similar[from as usize];
        match list.binary_search_by_key(&to, |&(j, _)| j) {
            Ok(k) => list[k].1,
            Err(_) => 0.0,
        }
    }

    pub fn recommend(&self, bought: &[u32], top: usize) -> Vec<Recommendation> {
        let mut scores = vec![0.0; self.items];
        for &i in bought {
            for &(j, s) in &self.similar[i as usize] {
                scores[j as usize] += s;
            }
        }
        for &i in bought {
            scores[i as usize] = 0.0;
        }
        let candidates = scores
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > 0.0)
            .map(|(j, s)| (j as u32, *s))
            .collect();
        best_items(candidates, bought, top, |from, to| self.similarity(from, to))
    }
}

/// Why EASE cannot be fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum EaseError {
    /// The Gram matrix is not positive definite (λ ≤ 0).
    NotPositiveDefinite,
}

/// EASE: B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹ and the diagonal of B set to 0,
/// where X is the customers × items matrix of purchases; a customer's score for item j is
/// Σ over her items i of B[i, j]. The items × items solve is a Cholesky factorisation and
/// inverse by faer. `items` are the columns modelled (the others are not recommended).
#[derive(Debug, Clone)]
pub struct Ease {
    /// B, row-major over the modelled items: weights[i * n + j] is B[i, j].
    weights: Vec<f32>,
    /// Item number to its row (None for items not modelled), and back.
    row_of: Vec<Option<u32>>,
    modelled: Vec<u32>,
}

impl Ease {
    /// Fits EASE with ridge `lambda` on the items in `modelled` (item numbers).
    pub fn fit(purchases: &Purchases, modelled: &[u32], lambda: f64) -> Result<Ease, EaseError> {
        use faer::linalg::solvers::DenseSolveCore;
        use faer::Mat;
        let n = modelled.len();
        let mut row_of = vec![None; purchases.items];
        for (r, &i) in modelled.iter().enumerate() {
            row_of[i as usize] = Some(r as u32);
        }
        // G = XᵀX over the modelled items: counts of customers who bought both.
        let mut gram = Mat::<f64>::zeros(n, n);
        let rows: Vec<Vec<u32>> = purchases
            .baskets
            .par_iter()
            .map(|b| b.iter().filter_map(|&i| row_of[i as usize]).collect())
            .collect();
        for b in &rows {
            for &i in b {
                for &j in b {
                    gram[(i as usize, j as usize)] += 1.0;
                }
            }
        }
        for k in 0..n {
            gram[(k, k)] += lambda;
        }
        let inverse = gram
            .llt(faer::Side::Lower)
            .map_err(|_| EaseError::NotPositiveDefinite)?
            .inverse();
        let mut weights = vec![0f32; n * n];
        weights.par_chunks_mut(n.max(1)).enumerate().for_each(|(i, row)| {
            for (j, w) in row.iter_mut().enumerate() {
                if i != j {
                    *w = (-inverse[(i, j)] / inverse[(j, j)]) as f32;
                }
            }
        });
        Ok(Ease {
            weights,
            row_of,
            modelled: modelled.to_vec(),
        })
    }

    fn weight(&self, from: u32, to: u32) -> f64 {
        let n = self.modelled.len();
        match (self.row_of[from as usize], self.row_of[to as usize]) {
            (Some(i), Some(j)) => self.weights[i as usize * n + j as usize] as f64,
            _ => 0.0,
        }
    }

    pub fn recommend(&self, bought: &[u32], top: usize) -> Vec<Recommendation> {
        let n = self.modelled.len();
        let mut row_scores = vec![0.0f32; n];
        for &i in bought {
            if let Some(r) = self.row_of[i as usize] {
                let row = &self.weights[r as usize * n..(r as usize + 1) * n];
                for (s, w) in row_scores.iter_mut().zip(row) {
                    *s += w;
                }
            }
        }
        // Scored over the modelled items only; what she bought is not recommended.
        for &i in bought {
            if let Some(r) = self.row_of[i as usize] {
                row_scores[r as usize] = 0.0;
            }
        }
        let candidates = row_scores
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > 0.0)
            .map(|(r, s)| (self.modelled[r], *s as f64))
            .collect();
        best_items(candidates, bought, top, |from, to| self.weight(from, to))
    }
}

/// Precision, recall and hit rate at `k` of recommendations against what each customer went on
/// to buy, averaged over the customers with something to find; and the share of those given
/// any recommendation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HitRates {
    pub customers: usize,
    pub precision: f64,
    pub recall: f64,
    pub hit_rate: f64,
    pub coverage: f64,
}

/// Scores `recommended[c]` (best first) against `wanted[c]` (sorted items bought for the first
/// time later) over the customers whose `wanted` is not empty, at `k`.
pub fn hit_rates(recommended: &[Vec<u32>], wanted: &[Vec<u32>], k: usize) -> HitRates {
    let (mut customers, mut precision, mut recall, mut hits, mut covered) =
        (0usize, 0.0, 0.0, 0usize, 0usize);
    for (recs, want) in recommended.iter().zip(wanted) {
        if want.is_empty() {
            continue;
        }
        customers += 1;
        let recs = &recs[..recs.len().min(k)];
        covered += usize::from(!recs.is_empty());
        let found = recs.iter().filter(|i| want.binary_search(i).is_ok()).count();
        precision += found as f64 / k as f64;
        recall += found as f64 / want.len() as f64;
        hits += usize::from(found > 0);
    }
    let share = |v: f64| if customers == 0 { 0.0 } else { v / customers as f64 };
    HitRates {
        customers,
        precision: share(precision),
        recall: share(recall),
        hit_rate: share(hits as f64),
        coverage: share(covered as f64),
    }
}

/// Each scored customer's precision at `k` (those whose `wanted` is not empty, in order): what
/// two recommenders are compared on customer by customer.
pub fn precision_per_customer(recommended: &[Vec<u32>], wanted: &[Vec<u32>], k: usize) -> Vec<f64> {
    recommended
        .iter()
        .zip(wanted)
        .filter(|(_, want)| !want.is_empty())
        .map(|(recs, want)| {
            let found = recs[..recs.len().min(k)]
                .iter()
                .filter(|i| want.binary_search(i).is_ok())
                .count();
            found as f64 / k as f64
        })
        .collect()
}

/// Items by customers, most first (ties by number): the `limit` EASE models when there are
/// more.
pub fn most_bought(purchases: &Purchases, limit: usize) -> Vec<u32> {
    let buyers = purchases.buyers();
    let mut items: Vec<u32> = (0..purchases.items as u32)
        .filter(|&i| buyers[i as usize] > 0)
        .collect();
    items.sort_by(|&a, &b| match buyers[b as usize].cmp(&buyers[a as usize]) {
        Ordering::Equal => a.cmp(&b),
        other => other,
    });
    items.truncate(limit);
    items.sort_unstable();
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Customers' items: 0 and 1 go together, 2 is bought alone by most.
    fn shop() -> Purchases {
        Purchases::new(
            vec![
                vec![0, 1],
                vec![1, 0, 0],
                vec![0, 1, 2],
                vec![2],
                vec![2],
                vec![0],
                vec![1, 2],
            ],
            4,
        )
    }

    #[test]
    fn popularity_ranks_by_customers_and_skips_what_was_bought() {
        let p = shop();
        assert_eq!(p.buyers(), vec![4, 4, 4, 0]);
        let model = Popularity::fit(&p);
        let recs: Vec<u32> = model.recommend(&[1], 5).iter().map(|r| r.item).collect();
        assert_eq!(recs, vec![0, 2], "ties by item number; 3 nobody bought");
    }

    #[test]
    fn item_knn_by_hand() {
        let p = shop();
        let model = ItemKnn::fit(&p, 10);
        // 0 and 1: 3 customers bought both, 4 bought each: 3 / √16 = 0.75. 0 and 2: one
        // customer, 1/4. 1 and 2: two customers, 2/4.
        assert!((model.similarity(0, 1) - 0.75).abs() < 1e-12);
        assert!((model.similarity(0, 2) - 0.25).abs() < 1e-12);
        assert!((model.similarity(2, 1) - 0.5).abs() < 1e-12);
        assert_eq!(model.similarity(0, 0), 0.0, "an item is not its own neighbour");
        // A customer with 0 and 2: item 1 scores 0.75 + 0.5, because of 0.
        let recs = model.recommend(&[0, 2], 5);
        assert_eq!(recs.len(), 1);
        assert_eq!((recs[0].item, recs[0].because), (1, Some(Because::Item(0))));
        assert!((recs[0].score - 1.25).abs() < 1e-12);
        // One neighbour per item: 2 keeps only 1.
        let narrow = ItemKnn::fit(&p, 1);
        assert_eq!(narrow.similar[2], vec![(1, 0.5)]);
    }

    /// (XᵀX + λI)⁻¹ by Gauss–Jordan elimination, for checking.
    fn inverse_by_hand(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
        let n = a.len();
        let mut m: Vec<Vec<f64>> = a
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut r = row.clone();
                r.extend((0..n).map(|j| f64::from(u8::from(i == j))));
                r
            })
            .collect();
        for col in 0..n {
            let pivot = (col..n)
                .max_by(|&x, &y| m[x][col].abs().total_cmp(&m[y][col].abs()))
                .unwrap();
            m.swap(col, pivot);
            let p = m[col][col];
            for v in m[col].iter_mut() {
                *v /= p;
            }
            for r in 0..n {
                if r != col {
                    let factor = m[r][col];
                    let pivot_row = m[col].clone();
                    for (v, pv) in m[r].iter_mut().zip(pivot_row) {
                        *v -= factor * pv;
                    }
                }
            }
        }
        m.into_iter().map(|r| r[n..].to_vec()).collect()
    }

    #[test]
    fn ease_matches_the_closed_form_computed_by_hand() {
        let p = shop();
        let lambda = 2.0;
        let modelled = most_bought(&p, 10);
        assert_eq!(modelled, vec![0, 1, 2], "item 3 was never bought");
        let model = Ease::fit(&p, &modelled, lambda).unwrap();
        let mut gram = vec![vec![0.0; 3]; 3];
        for b in &p.baskets {
            for &i in b {
                for &j in b {
                    gram[i as usize][j as usize] += 1.0;
                }
            }
        }
        for (k, row) in gram.iter_mut().enumerate() {
            row[k] += lambda;
        }
        let inverse = inverse_by_hand(&gram);
        for i in 0..3u32 {
            for j in 0..3u32 {
                let expected = if i == j {
                    0.0
                } else {
                    -inverse[i as usize][j as usize] / inverse[j as usize][j as usize]
                };
                assert!((model.weight(i, j) - expected).abs() < 1e-6, "B[{i}, {j}]");
            }
        }
        // A customer with item 0: item 1 (bought with it) before item 2.
        let recs = model.recommend(&[0], 5);
        assert_eq!(recs[0].item, 1);
        assert_eq!(recs[0].because, Some(Because::Item(0)));
        assert!(recs.iter().all(|r| r.item != 0 && r.item != 3));
        // Only the most bought items are modelled when capped.
        let capped = Ease::fit(&p, &most_bought(&p, 2), lambda).unwrap();
        assert!(capped.recommend(&[0], 5).iter().all(|r| r.item == 1));
        assert_eq!(
            Ease::fit(&p, &modelled, -100.0).unwrap_err(),
            EaseError::NotPositiveDefinite
        );
    }

    #[test]
    fn hit_rates_by_hand() {
        // Customer 0 wanted 1 and 2 and got 1 and 5: one hit. Customer 1 wanted 3, got
        // nothing. Customer 2 wanted nothing: not counted.
        let recommended = vec![vec![1, 5], vec![], vec![7]];
        let wanted = vec![vec![1, 2], vec![3], vec![]];
        let r = hit_rates(&recommended, &wanted, 2);
        assert_eq!(r.customers, 2);
        assert!((r.precision - 0.25).abs() < 1e-12, "1/2 and 0, over 2");
        assert!((r.recall - 0.25).abs() < 1e-12);
        assert!((r.hit_rate - 0.5).abs() < 1e-12);
        assert!((r.coverage - 0.5).abs() < 1e-12);
        assert_eq!(precision_per_customer(&recommended, &wanted, 2), vec![0.5, 0.0]);
    }
}
