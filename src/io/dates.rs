//! Choosing how to read a column of date strings.
//!
//! The format is chosen once per input column from a sample of its values (the candidate
//! that parses the most of them), then applied to the whole column by polars. Slash dates
//! are the one real ambiguity: `3/4/2024` is March 4th in a US export and April 3rd in a
//! European one. When every sampled value reads both ways the choice is reported as a
//! warning instead of being made silently.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateFormat {
    /// A strftime pattern; `with_zone` when it ends in an offset (`%z`), in which case times
    /// are converted to UTC.
    Pattern {
        pattern: String,
        with_zone: bool,
        date_only: bool,
    },
    EpochSeconds,
    EpochMilliseconds,
}

impl DateFormat {
    pub fn describe(&self) -> String {
        match self {
            DateFormat::Pattern { pattern, .. } => pattern.clone(),
            DateFormat::EpochSeconds => "Unix seconds".into(),
            DateFormat::EpochMilliseconds => "Unix milliseconds".into(),
        }
    }

    pub fn from_user(pattern: &str) -> DateFormat {
        DateFormat::Pattern {
            pattern: pattern.to_string(),
            with_zone: pattern.contains("%z") || pattern.contains("%:z"),
            date_only: !["%H", "%I", "%M", "%S", "%T", "%R", "%s"]
                .iter()
                .any(|p| pattern.contains(p)),
        }
    }
}

/// The candidates, most specific first. Day-first slash patterns sit right after their
/// month-first twins so ties go to the US reading unless `dayfirst` is set.
///
/// Whole-second patterns come before their fractional twins: on a tie (no value in the sample
/// has a fraction) the plain one wins, and polars parses it on a much faster path.
const PATTERNS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%y %H:%M",
    "%d/%m/%y %H:%M",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y",
    "%Y%m%d%H%M%S",
    "%Y%m%d",
];

/// The result of looking at a sample: the chosen format, and a warning worth showing.
#[derive(Debug, Clone, PartialEq)]
pub struct DateChoice {
    pub format: DateFormat,
    pub parsed: usize,
    pub sampled: usize,
    pub warning: Option<String>,
}

/// The day-first twin of a month-first slash pattern and vice versa.
fn slash_twin(pattern: &str) -> Option<String> {
    if let Some(rest) = pattern.strip_prefix("%m/%d/") {
        Some(format!("%d/%m/{rest}"))
    } else {
        pattern.strip_prefix("%d/%m/").map(|rest| format!("%m/%d/{rest}"))
    }
}

/// Normalises one value the way the column expression does before parsing: trimmed, a
/// trailing `Z` read as UTC.
pub fn prepare(value: &str) -> String {
    let trimmed = value.trim();
    match trimmed.strip_suffix('Z').or_else(|| trimmed.strip_suffix('z')) {
        Some(rest) if rest.contains(':') || rest.len() > 10 => format!("{rest}+00:00"),
        _ => trimmed.to_string(),
    }
}

pub fn parses(pattern: &str, value: &str) -> bool {
    parser(pattern)(value)
}

/// A test of whether a value reads with `pattern`; the pattern's kind is worked out once.
fn parser(pattern: &str) -> impl Fn(&str) -> bool + '_ {
    let kind = DateFormat::from_user(pattern);
    move |value| match kind {
        DateFormat::Pattern { with_zone: true, .. } => DateTime::parse_from_str(value, pattern).is_ok(),
        DateFormat::Pattern { date_only: true, .. } => NaiveDate::parse_from_str(value, pattern).is_ok(),
        _ => NaiveDateTime::parse_from_str(value, pattern).is_ok(),
    }
}

fn epoch_kind(values: &[String]) -> Option<DateFormat> {
    let all_digits = |v: &String| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    if values.is_empty() || !values.iter().all(all_digits) {
        return None;
    }
    let lengths: Vec<usize> = values.iter().map(String::len).collect();
    if lengths.iter().all(|&l| (9..=10).contains(&l)) {
        Some(DateFormat::EpochSeconds)
    } else if lengths.iter().all(|&l| (12..=13).contains(&l)) {
        Some(DateFormat::EpochMilliseconds)
    } else {
        None
    }
}

/// Chooses a format for a sample of non-empty values of the column `column`.
/// Returns `None` when nothing parses any of them.
pub fn choose_format(column: &str, sample: &[String], dayfirst: bool) -> Option<DateChoice> {
    let values: Vec<String> = sample
        .iter()
        .map(|v| prepare(v))
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        return None;
    }
    // Eight digits are a date (YYYYMMDD) before they are a time stamp.
    if let Some(epoch) = epoch_kind(&values) {
        if !values.iter().all(|v| v.len() == 8) {
            return Some(DateChoice {
                format: epoch,
                parsed: values.len(),
                sampled: values.len(),
                warning: None,
            });
        }
    }
    // Each distinct value is tried once, weighted by how often it occurs: a sample of
    // 20,000 lines usually holds a few hundred distinct dates.
    let mut distinct: Vec<(&str, usize)> = Vec::new();
    {
        let mut sorted: Vec<&str> = values.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        for v in sorted {
            match distinct.last_mut() {
                Some((last, n)) if *last == v => *n += 1,
                _ => distinct.push((v, 1)),
            }
        }
    }
    let counts: Vec<usize> = PATTERNS
        .iter()
        .map(|p| {
            let reads = parser(p);
            distinct.iter().filter(|(v, _)| reads(v)).map(|(_, n)| n).sum()
        })
        .collect();
    let mut best = 0;
    for (i, &count) in counts.iter().enumerate() {
        let prefer_dayfirst_tie = dayfirst
            && count == counts[best]
            && PATTERNS[i].starts_with("%d/")
            && slash_twin(PATTERNS[i]).as_deref() == Some(PATTERNS[best]);
        if count > counts[best] || prefer_dayfirst_tie {
            best = i;
        }
    }
    if counts[best] == 0 {
        return None;
    }
    let pattern = PATTERNS[best];
    let mut warning = None;
    if let Some(twin) = slash_twin(pattern) {
        let reads = parser(&twin);
        let twin_count: usize = distinct.iter().filter(|(v, _)| reads(v)).map(|(_, n)| n).sum();
        let reading = if pattern.starts_with("%m") {
            "month/day (US)"
        } else {
            "day/month"
        };
        if twin_count == counts[best] {
            let other = if pattern.starts_with("%m") {
                "--dayfirst".to_string()
            } else {
                format!("--date-format '{twin}'")
            };
            warning = Some(format!(
                "column '{column}': every sampled date reads both as month/day and as day/month; \
                 read as {reading} ({pattern}); pass {other} if that is wrong"
            ));
        } else if pattern.starts_with("%d") && !dayfirst {
            warning = Some(format!(
                "column '{column}': dates are day/month (values such as '{}' have a day above 12); \
                 read as {pattern}",
                values
                    .iter()
                    .find(|v| !parses(&twin, v))
                    .map(String::as_str)
                    .unwrap_or("")
            ));
        } else if pattern.starts_with("%m") && dayfirst {
            warning = Some(format!(
                "column '{column}': --dayfirst given, but values such as '{}' only read as month/day; \
                 read as {pattern}",
                values
                    .iter()
                    .find(|v| !parses(&twin, v))
                    .map(String::as_str)
                    .unwrap_or("")
            ));
        }
    }
    Some(DateChoice {
        format: DateFormat::from_user(pattern),
        parsed: counts[best],
        sampled: values.len(),
        warning,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| s.to_string()).collect()
    }

    fn pattern_of(choice: &DateChoice) -> &str {
        match &choice.format {
            DateFormat::Pattern { pattern, .. } => pattern,
            _ => panic!("expected a pattern"),
        }
    }

    #[test]
    fn iso_forms() {
        let c = choose_format(
            "ts",
            &strings(&["2024-01-02 10:11:12", "2024-03-04 00:00:01"]),
            false,
        )
        .unwrap();
        assert_eq!(pattern_of(&c), "%Y-%m-%d %H:%M:%S");
        let c = choose_format(
            "ts",
            &strings(&["2024-01-02 10:11:12.5", "2024-03-04 00:00:01"]),
            false,
        )
        .unwrap();
        assert_eq!(pattern_of(&c), "%Y-%m-%d %H:%M:%S%.f");
        let c = choose_format(
            "ts",
            &strings(&["2024-01-02T10:11:12.345Z", "2024-01-02T10:11:12+02:00"]),
            false,
        )
        .unwrap();
        assert_eq!(pattern_of(&c), "%Y-%m-%dT%H:%M:%S%.f%z");
        let c = choose_format("ts", &strings(&["2024-01-02", "2024-12-31"]), false).unwrap();
        assert_eq!(pattern_of(&c), "%Y-%m-%d");
        let c = choose_format("ts", &strings(&["20240102", "20241231"]), false).unwrap();
        assert_eq!(pattern_of(&c), "%Y%m%d");
    }

    #[test]
    fn us_dates_with_short_hours() {
        let c = choose_format("d", &strings(&["12/1/2010 8:26", "1/13/2011 14:05"]), false).unwrap();
        assert_eq!(pattern_of(&c), "%m/%d/%Y %H:%M");
        assert_eq!(c.warning, None);
    }

    #[test]
    fn ambiguous_slash_dates_are_reported() {
        let values = strings(&["3/4/2024", "5/6/2024"]);
        let c = choose_format("d", &values, false).unwrap();
        assert_eq!(pattern_of(&c), "%m/%d/%Y");
        assert!(c.warning.unwrap().contains("--dayfirst"));
        let c = choose_format("d", &values, true).unwrap();
        assert_eq!(pattern_of(&c), "%d/%m/%Y");
    }

    #[test]
    fn day_first_is_detected_and_said() {
        let c = choose_format("d", &strings(&["13/4/2024", "3/4/2024"]), false).unwrap();
        assert_eq!(pattern_of(&c), "%d/%m/%Y");
        assert!(c.warning.unwrap().contains("13/4/2024"));
    }

    #[test]
    fn epochs() {
        let c = choose_format("t", &strings(&["1700000000", "1700000100"]), false).unwrap();
        assert_eq!(c.format, DateFormat::EpochSeconds);
        let c = choose_format("t", &strings(&["1700000000000"]), false).unwrap();
        assert_eq!(c.format, DateFormat::EpochMilliseconds);
    }

    #[test]
    fn nothing_parses() {
        assert_eq!(choose_format("t", &strings(&["yesterday", "soon"]), false), None);
    }
}
