//! Frequent itemsets (FP-Growth) and association rules from baskets, filtered by the items
//! they must have and ranked. No files and no printing: `ckm rules` and the report both call
//! [`compute`].

use anyhow::Result;
use polars::prelude::*;

use crate::error::CkmError;
use crate::io::baskets::Baskets;
use crate::mining::fpgrowth::{self, Itemset, MiningLimits};
use crate::mining::rules::{self, Fraction, Rule, RuleLimits};

/// The measure rules are ranked by, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleOrder {
    Lift,
    Confidence,
    Support,
    Leverage,
}

#[derive(Debug, Clone)]
pub struct RuleSettings {
    /// An itemset is frequent in at least this many baskets.
    pub min_count: u64,
    /// Longest itemset (0: no limit), and the most itemsets before giving up.
    pub max_len: usize,
    pub max_itemsets: usize,
    pub min_confidence: Fraction,
    pub min_lift: Option<Fraction>,
    pub max_consequent: usize,
    /// Items every kept rule has in its antecedent, and in its consequent.
    pub antecedent_has: Vec<String>,
    pub consequent_has: Vec<String>,
    pub order: RuleOrder,
    /// Keep the best this many rules.
    pub top: Option<usize>,
}

pub struct MinedRules {
    pub itemsets: Vec<Itemset>,
    /// The kept rules, best first.
    pub rules: Vec<Rule>,
    /// Rules found before the item filters and `top`.
    pub rules_mined: usize,
    /// Filter items no basket has (so no rule has them), with the setting that named them.
    pub unknown_items: Vec<(&'static str, String)>,
}

/// The number of baskets, or an error naming `input` when there are fewer than 2 to mine.
pub fn enough_baskets(data: &Baskets, input: &str) -> Result<u64> {
    let n = data.count();
    if n < 2 {
        return Err(CkmError::invalid(format!(
            "{input}: {n} non-empty basket{}; mining rules needs at least 2",
            if n == 1 { "" } else { "s" }
        )));
    }
    Ok(n)
}

/// A rule side as text, `{a, b}`, with the items in name order.
pub fn braced(side: &[u32], items: &[String]) -> String {
    let mut names: Vec<&str> = side.iter().map(|&i| items[i as usize].as_str()).collect();
    names.sort_unstable();
    format!("{{{}}}", names.join(", "))
}

/// Mines the baskets.
pub fn compute(data: &Baskets, settings: &RuleSettings) -> Result<MinedRules> {
    let n = data.count();
    let itemsets = fpgrowth::mine(
        &data.baskets,
        &data.weights,
        data.items.len(),
        MiningLimits {
            min_count: settings.min_count,
            max_len: settings.max_len,
            max_itemsets: settings.max_itemsets,
        },
    )
    .map_err(|e| CkmError::invalid(e.to_string()))?;
    let mut found = rules::rules(
        &itemsets,
        n,
        RuleLimits {
            min_confidence: settings.min_confidence,
            min_lift: settings.min_lift,
            max_consequent: settings.max_consequent,
        },
    );
    let rules_mined = found.len();
    let mut unknown_items = Vec::new();
    let code_of = |name: &str| data.items.iter().position(|i| i == name).map(|c| c as u32);
    for (setting, wanted, side_is_antecedent) in [
        ("--antecedent-has", &settings.antecedent_has, true),
        ("--consequent-has", &settings.consequent_has, false),
    ] {
        for name in wanted {
            match code_of(name) {
                Some(code) => found.retain(|r| {
                    let side = if side_is_antecedent {
                        &r.antecedent
                    } else {
                        &r.consequent
                    };
                    side.contains(&code)
                }),
                None => {
                    unknown_items.push((setting, name.clone()));
                    found.clear();
                }
            }
        }
    }
    sort_rules(&mut found, settings.order, n, &data.items);
    if let Some(top) = settings.top {
        found.truncate(top);
    }
    Ok(MinedRules {
        itemsets,
        rules: found,
        rules_mined,
        unknown_items,
    })
}

/// Best first by `by`; ties by the antecedent's, then the consequent's item names.
fn sort_rules(found: &mut [Rule], by: RuleOrder, n: u64, items: &[String]) {
    let key = |r: &Rule| {
        let m = r.metrics(n);
        match by {
            RuleOrder::Lift => m.lift,
            RuleOrder::Confidence => m.confidence,
            RuleOrder::Support => m.support,
            RuleOrder::Leverage => m.leverage,
        }
    };
    let names = |side: &[u32]| -> Vec<&str> { side.iter().map(|&i| items[i as usize].as_str()).collect() };
    found.sort_by(|a, b| {
        key(b)
            .total_cmp(&key(a))
            .then_with(|| names(&a.antecedent).cmp(&names(&b.antecedent)))
            .then_with(|| names(&a.consequent).cmp(&names(&b.consequent)))
    });
}

fn item_lists(name: &str, sides: &[&[u32]], items: &[String]) -> Column {
    let lists: Vec<Series> = sides
        .iter()
        .map(|side| {
            let mut names: Vec<&str> = side.iter().map(|&i| items[i as usize].as_str()).collect();
            names.sort_unstable();
            Series::new("".into(), names)
        })
        .collect();
    Column::new(name.into(), lists)
}

/// The rules as the table `ckm rules` writes: sides as text and every measure, and with
/// `with_lists` the sides as lists of item names too.
pub fn rules_table(found: &[Rule], n: u64, items: &[String], with_lists: bool) -> PolarsResult<DataFrame> {
    let metrics: Vec<_> = found.iter().map(|r| r.metrics(n)).collect();
    let float = |name: &str, f: &dyn Fn(&rules::RuleMetrics) -> f64| {
        Column::new(name.into(), metrics.iter().map(f).collect::<Vec<f64>>())
    };
    let mut columns = vec![
        Column::new(
            "antecedent".into(),
            found
                .iter()
                .map(|r| braced(&r.antecedent, items))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "consequent".into(),
            found
                .iter()
                .map(|r| braced(&r.consequent, items))
                .collect::<Vec<_>>(),
        ),
        float("support", &|m| m.support),
        float("confidence", &|m| m.confidence),
        float("lift", &|m| m.lift),
        float("leverage", &|m| m.leverage),
        float("conviction", &|m| m.conviction),
        float("antecedent_support", &|m| m.antecedent_support),
        float("consequent_support", &|m| m.consequent_support),
        Column::new(
            "count".into(),
            found.iter().map(|r| r.count).collect::<Vec<u64>>(),
        ),
    ];
    if with_lists {
        let antecedents: Vec<&[u32]> = found.iter().map(|r| r.antecedent.as_slice()).collect();
        let consequents: Vec<&[u32]> = found.iter().map(|r| r.consequent.as_slice()).collect();
        columns.push(item_lists("antecedent_items", &antecedents, items));
        columns.push(item_lists("consequent_items", &consequents, items));
    }
    DataFrame::new(found.len(), columns)
}

/// The customers behind sets of items: the distinct customers of the baskets that hold all
/// of a set. What a policy's min_group compares, since a rule's count is of baskets and one
/// customer's orders can make a rule alone. Built once per baskets (the baskets of each item,
/// so that a set is checked only in the baskets of its rarest item), then asked per set.
pub struct CustomersBehind<'a> {
    data: &'a Baskets,
    holding: Vec<Vec<u32>>,
}

impl<'a> CustomersBehind<'a> {
    /// `None` when the baskets' customers are not known (a basket file, or baskets grouped
    /// on Spark).
    pub fn new(data: &'a Baskets) -> Option<CustomersBehind<'a>> {
        if data.customers.len() != data.baskets.len() || !data.weights.is_empty() {
            return None;
        }
        let mut holding: Vec<Vec<u32>> = vec![Vec::new(); data.items.len()];
        for (b, basket) in data.baskets.iter().enumerate() {
            for &item in basket {
                if holding[item as usize].last() != Some(&(b as u32)) {
                    holding[item as usize].push(b as u32);
                }
            }
        }
        Some(CustomersBehind { data, holding })
    }

    /// The distinct customers of the baskets holding all of `set`.
    pub fn count(&self, set: &[u32]) -> u64 {
        let Some(&rarest) = set.iter().min_by_key(|&&i| self.holding[i as usize].len()) else {
            return 0;
        };
        let mut customers: Vec<u32> = self.holding[rarest as usize]
            .iter()
            .filter(|&&b| set.iter().all(|i| self.data.baskets[b as usize].contains(i)))
            .map(|&b| self.data.customers[b as usize])
            .collect();
        customers.sort_unstable();
        customers.dedup();
        customers.len() as u64
    }
}

/// Frequent itemsets as the table `ckm rules --itemsets` writes.
pub fn itemsets_table(
    kept: &[&Itemset],
    n: u64,
    items: &[String],
    with_lists: bool,
) -> PolarsResult<DataFrame> {
    let mut columns = vec![
        Column::new(
            "items".into(),
            kept.iter().map(|s| braced(&s.items, items)).collect::<Vec<_>>(),
        ),
        Column::new(
            "support".into(),
            kept.iter()
                .map(|s| s.count as f64 / n as f64)
                .collect::<Vec<f64>>(),
        ),
        Column::new("count".into(), kept.iter().map(|s| s.count).collect::<Vec<u64>>()),
        Column::new(
            "length".into(),
            kept.iter().map(|s| s.items.len() as u32).collect::<Vec<u32>>(),
        ),
    ];
    if with_lists {
        let sides: Vec<&[u32]> = kept.iter().map(|s| s.items.as_slice()).collect();
        columns.push(item_lists("item_list", &sides, items));
    }
    DataFrame::new(kept.len(), columns)
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_customers_behind_a_set_are_counted_once_each() {
        let mut data = Baskets::new(
            vec!["a".into(), "b".into(), "c".into()],
            vec![vec![0, 1], vec![1, 0], vec![0], vec![1, 2]],
            4,
            0,
        );
        assert!(CustomersBehind::new(&data).is_none(), "customers unknown");
        // Customer 7 bought a and b twice; 8 a alone; 9 b and c.
        data.customers = vec![7, 7, 8, 9];
        let behind = CustomersBehind::new(&data).unwrap();
        let sets: [&[u32]; 4] = [&[0, 1], &[0], &[1], &[2]];
        assert_eq!(sets.map(|set| behind.count(set)), [1, 2, 2, 1]);
    }

    use super::*;

    /// bread, butter, jam: {bread, butter} ×3, {bread, jam} ×1, {butter} ×1.
    fn baskets() -> Baskets {
        Baskets::new(
            ["bread", "butter", "jam"].map(String::from).to_vec(),
            vec![vec![0, 1], vec![0, 1], vec![0, 1], vec![0, 2], vec![1]],
            5,
            0,
        )
    }

    fn settings() -> RuleSettings {
        RuleSettings {
            min_count: 2,
            max_len: 0,
            max_itemsets: 1_000,
            min_confidence: Fraction::parse("0.5").expect("a fraction"),
            min_lift: None,
            max_consequent: 1,
            antecedent_has: Vec::new(),
            consequent_has: Vec::new(),
            order: RuleOrder::Confidence,
            top: None,
        }
    }

    fn sides(mined: &MinedRules) -> Vec<(Vec<u32>, Vec<u32>)> {
        mined
            .rules
            .iter()
            .map(|r| (r.antecedent.clone(), r.consequent.clone()))
            .collect()
    }

    #[test]
    fn rules_by_hand() {
        // Frequent (count ≥ 2): bread 4, butter 4, {bread, butter} 3. Rules: bread → butter
        // (3/4) and butter → bread (3/4), tied on confidence: antecedent names decide.
        let mined = compute(&baskets(), &settings()).expect("mined");
        assert_eq!(mined.itemsets.len(), 3);
        assert_eq!(mined.rules_mined, 2);
        assert_eq!(sides(&mined), [(vec![0], vec![1]), (vec![1], vec![0])]);
        assert!(mined.unknown_items.is_empty());
    }

    #[test]
    fn filters_and_top() {
        let wanted = RuleSettings {
            consequent_has: vec!["bread".into()],
            ..settings()
        };
        let mined = compute(&baskets(), &wanted).expect("mined");
        assert_eq!(sides(&mined), [(vec![1], vec![0])]);
        assert_eq!(mined.rules_mined, 2, "counted before the filters");
        let top = compute(
            &baskets(),
            &RuleSettings {
                top: Some(1),
                ..settings()
            },
        )
        .expect("mined");
        assert_eq!(top.rules.len(), 1);
        let unknown = RuleSettings {
            antecedent_has: vec!["tea".into()],
            ..settings()
        };
        let mined = compute(&baskets(), &unknown).expect("mined");
        assert!(mined.rules.is_empty());
        assert_eq!(mined.unknown_items, [("--antecedent-has", "tea".to_string())]);
    }
}
