//! Sums of money that do not depend on the order the amounts come in: each amount is counted
//! in whole millionths of the currency unit (an integer), the integers are added exactly, and
//! the total is turned back into a number once. Adding the amounts as floating-point numbers
//! gives a total that depends on their order in the last bits, so the same lines summed by
//! another engine (Spark adds in whatever order its tasks finish), or read in another order,
//! could round to a different fourth decimal or break a tie between customers differently.
//! The same steps, as IEEE operations, are written in Spark SQL in `prepare::spark`.

/// Millionths of a unit per unit.
pub const MICROS_PER_UNIT: f64 = 1e6;
/// Amounts of this size or larger (in units) are not counted: their millionths would not fit
/// the sums (9.2e18 millionths in an i64).
pub const LARGEST_AMOUNT: f64 = 9e12;

/// An amount in whole millionths, rounded half up, or `None` for an amount that is not a
/// finite number below [`LARGEST_AMOUNT`].
pub fn micros(amount: f64) -> Option<i64> {
    // NaN fails the comparison, as in SQL.
    (amount.abs() < LARGEST_AMOUNT).then(|| (amount * MICROS_PER_UNIT + 0.5).floor() as i64)
}

/// A total in millionths back in units.
pub fn units(micros: i64) -> f64 {
    micros as f64 / MICROS_PER_UNIT
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cents_and_beyond() {
        assert_eq!(micros(27.54), Some(27_540_000));
        assert_eq!(micros(-4.0), Some(-4_000_000));
        assert_eq!(micros(0.1 + 0.2), Some(300_000));
        assert_eq!(micros(f64::NAN), None);
        assert_eq!(micros(f64::INFINITY), None);
        assert_eq!(micros(1e13), None);
        assert_eq!(units(micros(0.1).unwrap() + micros(0.2).unwrap()), 0.3);
    }

    proptest! {
        /// The same total in any order.
        #[test]
        fn any_order_gives_the_same_total(mut amounts in proptest::collection::vec(-1e6f64..1e6, 0..50), seed in 0u64..1000) {
            let total = |amounts: &[f64]| units(amounts.iter().filter_map(|&a| micros(a)).sum());
            let before = total(&amounts);
            // A deterministic shuffle.
            let n = amounts.len();
            for i in 0..n {
                let j = (seed as usize * 7919 + i * 104_729) % n;
                amounts.swap(i, j);
            }
            prop_assert_eq!(before.to_bits(), total(&amounts).to_bits());
        }
    }
}
