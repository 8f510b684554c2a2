//! Association rules from frequent itemsets, thresholds compared exactly on integer counts,
//! and closed / maximal itemsets.

use foldhash::{HashMap, HashMapExt};

use crate::mining::fpgrowth::Itemset;

/// A non-negative decimal threshold held exactly as `numerator / denominator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fraction {
    pub numerator: u128,
    pub denominator: u128,
}

impl Fraction {
    /// Parses `0.001`, `.5`, `1`, `5e-4` or `1/1000` without rounding.
    pub fn parse(text: &str) -> Option<Fraction> {
        let text = text.trim();
        if let Some((a, b)) = text.split_once('/') {
            let numerator: u128 = a.trim().parse().ok()?;
            let denominator: u128 = b.trim().parse().ok()?;
            return (denominator > 0).then_some(Fraction {
                numerator,
                denominator,
            });
        }
        let (mantissa, exponent) = match text.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (whole, decimals) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if whole.is_empty() && decimals.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !decimals.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let digits = format!("{whole}{decimals}");
        let mut numerator: u128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        let mut scale = decimals.len() as i32 - exponent;
        while scale < 0 {
            numerator = numerator.checked_mul(10)?;
            scale += 1;
        }
        let denominator = 10u128.checked_pow(scale as u32)?;
        Some(Fraction {
            numerator,
            denominator,
        })
    }

    /// The smallest count c with c ≥ self · n: ⌈numerator · n / denominator⌉.
    pub fn min_count(&self, n: u64) -> u64 {
        let product = self.numerator * n as u128;
        product.div_ceil(self.denominator) as u64
    }

    /// Whether a / b ≥ self, exactly (b > 0).
    pub fn at_most(&self, a: u128, b: u128) -> bool {
        a * self.denominator >= self.numerator * b
    }
}

/// A rule antecedent → consequent, with the counts its metrics come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub antecedent: Vec<u32>,
    pub consequent: Vec<u32>,
    /// Baskets with both sides.
    pub count: u64,
    pub antecedent_count: u64,
    pub consequent_count: u64,
}

/// The standard metrics of a rule over `n` baskets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleMetrics {
    pub support: f64,
    pub confidence: f64,
    pub lift: f64,
    pub leverage: f64,
    /// Infinite when the confidence is 1.
    pub conviction: f64,
    pub antecedent_support: f64,
    pub consequent_support: f64,
}

impl Rule {
    /// The rule's items, antecedent and consequent together, sorted.
    pub fn items(&self) -> Vec<u32> {
        let mut items: Vec<u32> = self.antecedent.iter().chain(&self.consequent).copied().collect();
        items.sort_unstable();
        items
    }

    pub fn metrics(&self, n: u64) -> RuleMetrics {
        let n = n as f64;
        let support = self.count as f64 / n;
        let antecedent_support = self.antecedent_count as f64 / n;
        let consequent_support = self.consequent_count as f64 / n;
        let confidence = self.count as f64 / self.antecedent_count as f64;
        let conviction = if self.count == self.antecedent_count {
            f64::INFINITY
        } else {
            (1.0 - consequent_support) / (1.0 - confidence)
        };
        RuleMetrics {
            support,
            confidence,
            lift: self.count as f64 * n / (self.antecedent_count as f64 * self.consequent_count as f64),
            leverage: support - antecedent_support * consequent_support,
            conviction,
            antecedent_support,
            consequent_support,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct RuleLimits {
    pub min_confidence: Fraction,
    pub min_lift: Option<Fraction>,
    /// Most items in the consequent (at least 1).
    pub max_consequent: usize,
}

/// Every rule X → Y with X ∪ Y a frequent itemset, X and Y non-empty and disjoint, |Y| at
/// most `max_consequent`, confidence count(X ∪ Y) / count(X) ≥ min_confidence and lift
/// count(X ∪ Y) · n / (count(X) · count(Y)) ≥ min_lift, both compared on integers. Rules
/// come in itemset order, consequents by size.
pub fn rules(itemsets: &[Itemset], n: u64, limits: RuleLimits) -> Vec<Rule> {
    let mut count_of: HashMap<&[u32], u64> = HashMap::with_capacity(itemsets.len());
    for set in itemsets {
        count_of.insert(set.items.as_slice(), set.count);
    }
    let mut found = Vec::new();
    let mut antecedent = Vec::new();
    let mut consequent = Vec::new();
    for set in itemsets.iter().filter(|s| s.items.len() >= 2) {
        let len = set.items.len();
        // Consequents as bit masks over the itemset, by size then position.
        let mut masks: Vec<u32> = (1u32..(1 << len) - 1)
            .filter(|m| m.count_ones() as usize <= limits.max_consequent.max(1))
            .collect();
        masks.sort_by_key(|m| (m.count_ones(), *m));
        for mask in masks {
            antecedent.clear();
            consequent.clear();
            for (i, &item) in set.items.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    consequent.push(item);
                } else {
                    antecedent.push(item);
                }
            }
            // Subsets of a frequent itemset were mined too (within the same length limit).
            let (Some(&antecedent_count), Some(&consequent_count)) = (
                count_of.get(antecedent.as_slice()),
                count_of.get(consequent.as_slice()),
            ) else {
                continue;
            };
            if !limits
                .min_confidence
                .at_most(set.count as u128, antecedent_count as u128)
            {
                continue;
            }
            if let Some(min_lift) = limits.min_lift {
                let lift_numerator = set.count as u128 * n as u128;
                let lift_denominator = antecedent_count as u128 * consequent_count as u128;
                if !min_lift.at_most(lift_numerator, lift_denominator) {
                    continue;
                }
            }
            found.push(Rule {
                antecedent: antecedent.clone(),
                consequent: consequent.clone(),
                count: set.count,
                antecedent_count,
                consequent_count,
            });
        }
    }
    found
}

/// For each itemset, whether it is closed (no proper superset has the same count) and
/// whether it is maximal (no proper superset is frequent). Supersets beyond a length limit
/// were not mined, so the answer is then relative to that limit.
pub fn closed_and_maximal(itemsets: &[Itemset]) -> (Vec<bool>, Vec<bool>) {
    let index: HashMap<&[u32], usize> = itemsets
        .iter()
        .enumerate()
        .map(|(i, s)| (s.items.as_slice(), i))
        .collect();
    let mut closed = vec![true; itemsets.len()];
    let mut maximal = vec![true; itemsets.len()];
    // A set with a frequent superset has one that is a single item larger (every subset of a
    // frequent set is frequent), and one with the same count if any has it.
    let mut subset = Vec::new();
    for superset in itemsets {
        for skip in 0..superset.items.len() {
            subset.clear();
            subset.extend(
                superset
                    .items
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != skip)
                    .map(|(_, &item)| item),
            );
            if let Some(&i) = index.get(subset.as_slice()) {
                maximal[i] = false;
                if itemsets[i].count == superset.count {
                    closed[i] = false;
                }
            }
        }
    }
    (closed, maximal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mining::fpgrowth::{mine, MiningLimits};
    use proptest::prelude::*;

    #[test]
    fn fractions_parse_exactly() {
        let f = |t: &str| Fraction::parse(t).map(|f| (f.numerator, f.denominator));
        assert_eq!(f("0.001"), Some((1, 1000)));
        assert_eq!(f(".5"), Some((5, 10)));
        assert_eq!(f("1"), Some((1, 1)));
        assert_eq!(f("5e-4"), Some((5, 10_000)));
        assert_eq!(f("2.5E1"), Some((25, 1)));
        assert_eq!(f("1/3"), Some((1, 3)));
        assert_eq!(f("abc"), None);
        assert_eq!(f("-0.1"), None);
        assert_eq!(f("1/0"), None);
        assert_eq!(f(""), None);
    }

    #[test]
    fn thresholds_round_up_and_sit_inclusively() {
        let s = Fraction::parse("0.001").unwrap();
        assert_eq!(s.min_count(9835), 10); // 9.835 -> 10
        assert_eq!(s.min_count(10_000), 10); // exactly 10 counts
                                             // 0.1 is not exactly representable in binary; here it is exact.
        let tenth = Fraction::parse("0.1").unwrap();
        assert_eq!(tenth.min_count(30), 3);
        assert!(Fraction::parse("0.5").unwrap().at_most(1, 2));
        assert!(!Fraction::parse("0.5").unwrap().at_most(49, 99));
    }

    #[test]
    fn rules_by_hand() {
        // 4 baskets: {a b} x2, {a}, {b c}. a=0 b=1 c=2.
        let baskets = vec![vec![0, 1], vec![0, 1], vec![0], vec![1, 2]];
        let itemsets = mine(
            &baskets,
            &[],
            3,
            MiningLimits {
                min_count: 1,
                max_len: 0,
                max_itemsets: 100,
            },
        )
        .unwrap();
        let found = rules(
            &itemsets,
            4,
            RuleLimits {
                min_confidence: Fraction::parse("0.5").unwrap(),
                min_lift: None,
                max_consequent: 1,
            },
        );
        let shown: Vec<(Vec<u32>, Vec<u32>, u64)> = found
            .iter()
            .map(|r| (r.antecedent.clone(), r.consequent.clone(), r.count))
            .collect();
        // a->b 2/3, b->a 2/3, b->c 1/3 (out), c->b 1/1.
        assert_eq!(
            shown,
            vec![
                (vec![1], vec![0], 2),
                (vec![0], vec![1], 2),
                (vec![2], vec![1], 1)
            ]
        );
        let m = found[1].metrics(4);
        assert_eq!(m.support, 0.5);
        assert!((m.confidence - 2.0 / 3.0).abs() < 1e-15);
        assert!((m.lift - (2.0 / 3.0) / 0.75).abs() < 1e-15);
        assert!((m.leverage - (0.5 - 0.75 * 0.75)).abs() < 1e-15);
        assert!((m.conviction - (1.0 - 0.75) / (1.0 - 2.0 / 3.0)).abs() < 1e-12);
        assert_eq!(found[2].metrics(4).conviction, f64::INFINITY);
    }

    #[test]
    fn closed_and_maximal_by_hand() {
        // {a b} x2, {a}: a=3, b=2, ab=2. b is not closed (ab has its count), a is closed;
        // only ab is maximal.
        let itemsets = vec![
            Itemset {
                items: vec![0],
                count: 3,
            },
            Itemset {
                items: vec![1],
                count: 2,
            },
            Itemset {
                items: vec![0, 1],
                count: 2,
            },
        ];
        let (closed, maximal) = closed_and_maximal(&itemsets);
        assert_eq!(closed, vec![true, false, true]);
        assert_eq!(maximal, vec![false, false, true]);
    }

    proptest! {
        /// Rules equal an enumeration by the definition, counts exact and metrics to 1e-12.
        #[test]
        fn rules_equal_brute_force(
            baskets in prop::collection::vec(prop::collection::vec(0u32..7, 0..6), 1..40),
            min_count in 1u64..4,
            confidence_percent in 0u32..101,
            max_consequent in 1usize..3,
        ) {
            let n = baskets.len() as u64;
            let itemsets = mine(&baskets, &[], 7, MiningLimits { min_count, max_len: 0, max_itemsets: 1_000_000 }).unwrap();
            let min_confidence = Fraction { numerator: confidence_percent as u128, denominator: 100 };
            let found = rules(&itemsets, n, RuleLimits { min_confidence, min_lift: None, max_consequent });
            let contains = |b: &Vec<u32>, s: &[u32]| s.iter().all(|i| b.contains(i));
            let count = |s: &[u32]| baskets.iter().filter(|b| contains(b, s)).count() as u64;
            let mut expected = Vec::new();
            for set in &itemsets {
                let len = set.items.len();
                for mask in 1u32..(1 << len).max(2) - 1 {
                    let y: Vec<u32> = (0..len).filter(|i| mask & (1 << i) != 0).map(|i| set.items[i]).collect();
                    let x: Vec<u32> = (0..len).filter(|i| mask & (1 << i) == 0).map(|i| set.items[i]).collect();
                    if x.is_empty() || y.len() > max_consequent { continue; }
                    if set.count * 100 >= confidence_percent as u64 * count(&x) {
                        expected.push((x, y));
                    }
                }
            }
            let mut got: Vec<(Vec<u32>, Vec<u32>)> = found.iter().map(|r| (r.antecedent.clone(), r.consequent.clone())).collect();
            got.sort();
            expected.sort();
            prop_assert_eq!(got, expected);
            for r in &found {
                let m = r.metrics(n);
                let both = count(&[r.antecedent.clone(), r.consequent.clone()].concat());
                prop_assert_eq!(r.count, both);
                let conf = both as f64 / count(&r.antecedent) as f64;
                prop_assert!((m.confidence - conf).abs() < 1e-12);
                let lift = conf / (count(&r.consequent) as f64 / n as f64);
                prop_assert!((m.lift - lift).abs() < 1e-12 * lift.max(1.0));
            }
        }
    }
}
