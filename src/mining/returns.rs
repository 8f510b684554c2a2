//! Netting returns against purchases (`ckm clean --returns net`).
//!
//! A return is taken off the same customer's purchases of the same item (the group), the
//! most recent purchase at or before the return first, then older ones, never driving a
//! purchase below zero. What cannot be matched is reported, not invented.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Customer and item, as one dense key.
    pub group: u32,
    pub ts_ms: i64,
    /// Purchases: the line's revenue. Returns: the value returned, as a positive number.
    pub amount: f64,
    /// Units (positive for returns too), when known.
    pub quantity: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Netting {
    /// Each purchase's amount after returns.
    pub purchase_amount: Vec<f64>,
    /// Each purchase's quantity after returns.
    pub purchase_quantity: Vec<Option<f64>>,
    /// For each return, the purchases it was taken from, most recent first.
    pub netted_against: Vec<Vec<usize>>,
    /// For each return, the value no earlier purchase could absorb.
    pub unmatched_amount: Vec<f64>,
}

pub fn net_returns(purchases: &[Line], returns: &[Line]) -> Netting {
    let mut by_group: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, p) in purchases.iter().enumerate() {
        by_group.entry(p.group).or_default().push(i);
    }
    for indices in by_group.values_mut() {
        indices.sort_by_key(|&i| (purchases[i].ts_ms, i));
    }
    let mut amount: Vec<f64> = purchases.iter().map(|p| p.amount.max(0.0)).collect();
    let mut quantity: Vec<Option<f64>> = purchases.iter().map(|p| p.quantity.map(|q| q.max(0.0))).collect();
    let mut netted_against = vec![Vec::new(); returns.len()];
    let mut unmatched_amount = vec![0.0; returns.len()];

    // Earlier returns claim purchases first, so the outcome does not depend on input order.
    let mut order: Vec<usize> = (0..returns.len()).collect();
    order.sort_by_key(|&r| (returns[r].ts_ms, r));
    for r in order {
        let ret = &returns[r];
        let mut amount_left = ret.amount.abs();
        let mut units_left = ret.quantity.map(f64::abs);
        if let Some(candidates) = by_group.get(&ret.group) {
            let eligible = candidates.partition_point(|&i| purchases[i].ts_ms <= ret.ts_ms);
            for &p in candidates[..eligible].iter().rev() {
                if amount_left <= 0.0 {
                    break;
                }
                if amount[p] <= 0.0 {
                    continue;
                }
                let taken = amount_left.min(amount[p]);
                amount[p] -= taken;
                amount_left -= taken;
                if let (Some(units), Some(q)) = (units_left.as_mut(), quantity[p].as_mut()) {
                    let units_taken = units.min(*q);
                    *q -= units_taken;
                    *units -= units_taken;
                }
                netted_against[r].push(p);
            }
        }
        unmatched_amount[r] = amount_left;
    }
    Netting {
        purchase_amount: amount,
        purchase_quantity: quantity,
        netted_against,
        unmatched_amount,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(group: u32, ts_ms: i64, amount: f64) -> Line {
        Line {
            group,
            ts_ms,
            amount,
            quantity: None,
        }
    }

    #[test]
    fn latest_earlier_purchase_first() {
        let purchases = [
            line(1, 10, 30.0),
            line(1, 20, 10.0),
            line(2, 5, 50.0),
            line(1, 40, 99.0),
        ];
        let returns = [line(1, 30, 25.0)];
        let n = net_returns(&purchases, &returns);
        // 10 from the purchase at t=20, then 15 from t=10; the later purchase at t=40 is untouched.
        assert_eq!(n.purchase_amount, vec![15.0, 0.0, 50.0, 99.0]);
        assert_eq!(n.netted_against, vec![vec![1, 0]]);
        assert_eq!(n.unmatched_amount, vec![0.0]);
    }

    #[test]
    fn unmatched_value_is_reported() {
        let purchases = [line(1, 10, 5.0)];
        let returns = [line(1, 20, 8.0), line(3, 20, 1.0), line(1, 5, 2.0)];
        let n = net_returns(&purchases, &returns);
        assert_eq!(n.purchase_amount, vec![0.0]);
        assert_eq!(n.unmatched_amount, vec![3.0, 1.0, 2.0]);
        assert!(n.netted_against[1].is_empty() && n.netted_against[2].is_empty());
    }

    #[test]
    fn quantities_follow() {
        let purchases = [Line {
            group: 0,
            ts_ms: 0,
            amount: 30.0,
            quantity: Some(3.0),
        }];
        let returns = [Line {
            group: 0,
            ts_ms: 1,
            amount: 10.0,
            quantity: Some(1.0),
        }];
        let n = net_returns(&purchases, &returns);
        assert_eq!(n.purchase_quantity, vec![Some(2.0)]);
        assert_eq!(n.purchase_amount, vec![20.0]);
    }

    proptest! {
        #[test]
        fn value_is_conserved_and_never_negative(
            purchases in prop::collection::vec((0u32..4, 0i64..100, 0.0f64..100.0), 0..40),
            returns in prop::collection::vec((0u32..4, 0i64..100, 0.0f64..100.0), 0..20),
        ) {
            let p: Vec<Line> = purchases.iter().map(|&(g, t, a)| line(g, t, a)).collect();
            let r: Vec<Line> = returns.iter().map(|&(g, t, a)| line(g, t, a)).collect();
            let n = net_returns(&p, &r);
            let before: f64 = p.iter().map(|l| l.amount).sum();
            let after: f64 = n.purchase_amount.iter().sum();
            let returned: f64 = r.iter().map(|l| l.amount).sum();
            let unmatched: f64 = n.unmatched_amount.iter().sum();
            prop_assert!((before - after - (returned - unmatched)).abs() < 1e-6);
            for (i, &a) in n.purchase_amount.iter().enumerate() {
                prop_assert!(a >= 0.0 && a <= p[i].amount + 1e-12);
            }
            for (ri, against) in n.netted_against.iter().enumerate() {
                for &pi in against {
                    prop_assert_eq!(p[pi].group, r[ri].group);
                    prop_assert!(p[pi].ts_ms <= r[ri].ts_ms);
                }
            }
        }
    }
}
