//! Which columns of a customer table a churn model may learn from, and how its labels are
//! spelt.

use std::collections::HashSet;

use super::encoding::RawColumn;

/// A label as read: churned, stayed, or not a label.
pub fn parse_label(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "1.0" | "yes" | "y" | "true" | "t" | "churned" => Some(true),
        "0" | "0.0" | "no" | "n" | "false" | "f" | "stayed" | "retained" => Some(false),
        _ => None,
    }
}

/// Why a column should not be a feature, if it should not: a different value on every row
/// (an id), or the same value on every row.
pub fn unusable_reason(values: &RawColumn) -> Option<&'static str> {
    let rows = values.len();
    let (distinct, all_present, integers) = match values {
        RawColumn::Numbers(v) => {
            let set: HashSet<u64> = v.iter().map(|x| x.map_or(u64::MAX, f64::to_bits)).collect();
            (
                set.len(),
                v.iter().all(Option::is_some),
                v.iter().flatten().all(|x| x.fract() == 0.0),
            )
        }
        RawColumn::Text(v) => {
            let set: HashSet<Option<&str>> = v.iter().map(|x| x.as_deref()).collect();
            (set.len(), v.iter().all(Option::is_some), true)
        }
    };
    if distinct <= 1 {
        Some("the same value on every row")
    } else if rows > 20 && distinct == rows && all_present && integers {
        Some("id-like: a different value on every row")
    } else {
        None
    }
}

/// At most 20 distinct values: a category, not a person's name, email or phone.
pub fn few_distinct(values: &RawColumn) -> bool {
    match values {
        RawColumn::Numbers(v) => {
            v.iter()
                .map(|x| x.map(f64::to_bits))
                .collect::<HashSet<_>>()
                .len()
                <= 20
        }
        RawColumn::Text(v) => v.iter().map(|x| x.as_deref()).collect::<HashSet<_>>().len() <= 20,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_their_usual_spellings() {
        for yes in ["Yes", " y", "TRUE", "1", "1.0", "churned"] {
            assert_eq!(parse_label(yes), Some(true), "{yes}");
        }
        for no in ["No", "n", "false", "0", "0.0", "retained"] {
            assert_eq!(parse_label(no), Some(false), "{no}");
        }
        assert_eq!(parse_label("maybe"), None);
    }

    #[test]
    fn id_like_and_constant_columns() {
        let ids = RawColumn::Numbers((0..30).map(|i| Some(i as f64)).collect());
        assert_eq!(
            unusable_reason(&ids),
            Some("id-like: a different value on every row")
        );
        // Distinct on every row but not whole numbers: a measurement, kept.
        let salary = RawColumn::Numbers((0..30).map(|i| Some(i as f64 + 0.5)).collect());
        assert_eq!(unusable_reason(&salary), None);
        let constant = RawColumn::Text(vec![Some("north".to_string()); 30]);
        assert_eq!(unusable_reason(&constant), Some("the same value on every row"));
        let few = RawColumn::Text((0..30).map(|i| Some(format!("plan{}", i % 3))).collect());
        assert_eq!(unusable_reason(&few), None);
        assert!(few_distinct(&few));
    }
}
