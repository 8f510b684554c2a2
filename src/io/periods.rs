//! Calendar periods as consecutive integers: days since 1970-01-01, Monday-based weeks,
//! months and quarters counted from year 0, and years, so that a gap between two periods is a
//! subtraction and filling missing periods is a range.

/// A calendar period of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// Milliseconds in a day: timestamps are milliseconds since 1970-01-01 UTC.
pub const MS_PER_DAY: i64 = 86_400_000;

/// (year, month 1-12, day 1-31) of a day number (days since 1970-01-01), after Howard
/// Hinnant's `civil_from_days`.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The day number of a civil date (Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The period a day falls in.
pub fn period_of(period: Period, day: i64) -> i64 {
    match period {
        Period::Day => day,
        // 1970-01-01 was a Thursday: Monday-based weeks start 3 days earlier.
        Period::Week => (day + 3).div_euclid(7),
        Period::Month => {
            let (y, m, _) = civil_from_days(day);
            y * 12 + i64::from(m) - 1
        }
        Period::Quarter => {
            let (y, m, _) = civil_from_days(day);
            y * 4 + (i64::from(m) - 1) / 3
        }
        Period::Year => civil_from_days(day).0,
    }
}

/// The first day of a period.
pub fn first_day(period: Period, key: i64) -> i64 {
    match period {
        Period::Day => key,
        Period::Week => key * 7 - 3,
        Period::Month => days_from_civil(key.div_euclid(12), (key.rem_euclid(12) + 1) as u32, 1),
        Period::Quarter => days_from_civil(key.div_euclid(4), (key.rem_euclid(4) * 3 + 1) as u32, 1),
        Period::Year => days_from_civil(key, 1, 1),
    }
}

/// The last day of a period.
pub fn last_day(period: Period, key: i64) -> i64 {
    first_day(period, key + 1) - 1
}

/// The day number of exactly `YYYY-MM-DD`.
pub fn parse_ymd(text: &str) -> Option<i64> {
    use chrono::Datelike;
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(days_from_civil(i64::from(date.year()), date.month(), date.day()))
}

/// YYYY-MM-DD of a day number.
pub fn day_text(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The usual season length of a period: a week of days, a year of weeks, months or quarters,
/// and none for years (1: no seasonal pattern to learn).
pub fn default_season(period: Period) -> usize {
    match period {
        Period::Day => 7,
        Period::Week => 52,
        Period::Month => 12,
        Period::Quarter => 4,
        Period::Year => 1,
    }
}

/// The default horizon: about one season ahead (four weeks of days; six years, as the M3
/// competition asked of its yearly series).
pub fn default_horizon(period: Period) -> usize {
    match period {
        Period::Day => 28,
        Period::Week => 13,
        Period::Month => 12,
        Period::Quarter => 8,
        Period::Year => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        for day in -800_000..800_000i64 {
            if day % 97 != 0 {
                continue;
            }
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(day_text(0), "1970-01-01");
        assert_eq!(day_text(days_from_civil(2024, 2, 29)), "2024-02-29");
    }

    #[test]
    fn periods_by_hand() {
        let day = days_from_civil(2024, 5, 15); // a Wednesday
        assert_eq!(
            day_text(first_day(Period::Week, period_of(Period::Week, day))),
            "2024-05-13"
        );
        assert_eq!(
            day_text(last_day(Period::Week, period_of(Period::Week, day))),
            "2024-05-19"
        );
        assert_eq!(
            day_text(first_day(Period::Month, period_of(Period::Month, day))),
            "2024-05-01"
        );
        assert_eq!(
            day_text(last_day(Period::Month, period_of(Period::Month, day))),
            "2024-05-31"
        );
        assert_eq!(
            day_text(first_day(Period::Quarter, period_of(Period::Quarter, day))),
            "2024-04-01"
        );
        assert_eq!(
            day_text(last_day(Period::Quarter, period_of(Period::Quarter, day))),
            "2024-06-30"
        );
        assert_eq!(
            period_of(Period::Month, days_from_civil(2025, 1, 1)) - period_of(Period::Month, day),
            8
        );
        assert_eq!(period_of(Period::Year, day), 2024);
        assert_eq!(day_text(first_day(Period::Year, 2024)), "2024-01-01");
        assert_eq!(day_text(last_day(Period::Year, 2024)), "2024-12-31");
        assert_eq!(period_of(Period::Year, days_from_civil(2024, 12, 31)), 2024);
        assert_eq!(period_of(Period::Year, days_from_civil(1969, 12, 31)), 1969);
        assert_eq!(default_season(Period::Year), 1);
        // A Monday starts its own week; the Sunday before belongs to the previous one.
        let monday = days_from_civil(2024, 5, 13);
        assert_eq!(
            period_of(Period::Week, monday),
            period_of(Period::Week, monday + 6)
        );
        assert_eq!(
            period_of(Period::Week, monday - 1) + 1,
            period_of(Period::Week, monday)
        );
    }
}
