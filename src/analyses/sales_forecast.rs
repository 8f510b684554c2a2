//! Forecasts of per-period series (`prepare::series`), and with a holdout each candidate
//! method's accuracy on the series' held-out end. No files and no printing: `ckm forecast
//! sales` and the report both call [`compute`].

use polars::prelude::*;

use crate::mining::series::blend::{self, Choice};
use crate::mining::series::{self as models, Forecast, HoldoutScore, IntervalCalibration, Method};
use crate::prepare::series::Series;
use crate::printer::Progress;

/// The methods scored on a holdout, in the order the evaluation lists them: all of them.
pub const HOLDOUT_METHODS: [Method; 8] = Method::ALL;

#[derive(Debug, Clone, Copy)]
pub struct ForecastSettings {
    pub method: Method,
    /// Periods per season, and periods to forecast.
    pub season: usize,
    pub horizon: usize,
    /// Periods held out at the end of each series to score every method on.
    pub holdout: Option<usize>,
}

/// One series' results: the forecast, and with a holdout each of [`HOLDOUT_METHODS`]' scores
/// (none for a series not longer than the holdout).
pub struct Outcome {
    pub forecast: Forecast,
    pub holdout: Vec<HoldoutScore>,
}

/// Every series' outcome, and what `auto`'s backtests chose for the whole of each series and
/// for their training parts (with a holdout).
pub struct Forecasts {
    pub outcomes: Vec<Outcome>,
    pub choice: Option<Choice>,
    pub holdout_choice: Option<Choice>,
}

/// The steps [`compute`] counts on its progress: a series forecast once, and once per method
/// on its training part with a holdout.
pub fn steps(series: usize, settings: &ForecastSettings) -> u64 {
    let per_series = 1 + settings.holdout.map_or(0, |_| HOLDOUT_METHODS.len());
    (series * per_series) as u64
}

/// Forecasts every series, on all cores; outcome `i` is series `i`'s. `progress` counts
/// [`steps`].
pub fn compute(series: &[Series], settings: &ForecastSettings, progress: &Progress) -> Forecasts {
    let values: Vec<&[f64]> = series.iter().map(|s| s.values.as_slice()).collect();
    let tick = || progress.inc(1);
    let group = blend::forecast_group(&values, settings.season, settings.horizon, settings.method, &tick);
    let (mut holdout, holdout_choice) = match settings.holdout {
        Some(n) => {
            let (scores, choice) =
                models::holdout_scores(&values, settings.season, n, &HOLDOUT_METHODS, &tick);
            (scores, choice)
        }
        None => (Vec::new(), None),
    };
    holdout.resize_with(series.len(), Vec::new);
    Forecasts {
        outcomes: group
            .forecasts
            .into_iter()
            .zip(holdout)
            .map(|(forecast, holdout)| Outcome { forecast, holdout })
            .collect(),
        choice: group.choice,
        holdout_choice,
    }
}

/// One row of a forecast table: a period of a series' history, or of its forecast.
pub struct ForecastPoint<'a> {
    pub group: Option<&'a str>,
    /// The period's number (`io::periods::period_of`).
    pub period: i64,
    pub forecast: bool,
    pub value: f64,
    /// The prediction interval at each level asked for (forecast points only).
    pub bounds: Vec<(f64, f64)>,
    /// What produced a forecast point (the method and its settings).
    pub model: Option<&'a str>,
    /// The distinct customers behind it, where the series counted them (under a policy's
    /// min_group): the period's for history, all the series' for a forecast.
    pub customers: Option<u64>,
}

/// The `level`% interval of each step of a forecast of a series whose history is `history`:
/// calibrated when the forecast has backtest scores and `calibration` has enough of them,
/// normal otherwise; cut at zero when the history never went below it.
fn interval_bounds(
    f: &Forecast,
    history: &[f64],
    calibration: Option<&IntervalCalibration>,
    level: f64,
) -> Vec<(f64, f64)> {
    let z = models::normal_quantile_for_level(level);
    let floor = if history.iter().all(|v| *v >= 0.0) {
        0.0
    } else {
        f64::NEG_INFINITY
    };
    f.mean
        .iter()
        .zip(&f.sd)
        .enumerate()
        .map(|(k, (mean, sd))| {
            let multiplier = match calibration {
                Some(c) if !f.backtest_scores.is_empty() => c.multiplier(level, k).unwrap_or(z),
                _ => z,
            };
            let width = multiplier * sd;
            ((mean - width).max(floor), (mean + width).max(floor))
        })
        .collect()
}

/// Each series' history, then its forecast with an interval at each of `levels` (in
/// percent), series after series: the table `ckm forecast sales` writes and the report draws.
///
/// Forecasts made with backtests (`auto`, `ensemble`) get intervals calibrated on the
/// backtests' errors of every series here ([`IntervalCalibration`]); the others, normal ones.
/// A series that never went below zero (revenue, orders, customers, quantities) has its
/// forecast and intervals cut at zero.
pub fn points<'a>(series: &'a [Series], outcomes: &'a [Outcome], levels: &[f64]) -> Vec<ForecastPoint<'a>> {
    let calibration = IntervalCalibration::new(outcomes.iter().map(|o| &o.forecast));
    let mut points = Vec::new();
    for (s, outcome) in series.iter().zip(outcomes) {
        let f = &outcome.forecast;
        let floor = if s.values.iter().all(|v| *v >= 0.0) {
            0.0
        } else {
            f64::NEG_INFINITY
        };
        let bounds: Vec<Vec<(f64, f64)>> = levels
            .iter()
            .map(|&level| interval_bounds(f, &s.values, Some(&calibration), level))
            .collect();
        for (k, v) in s.values.iter().enumerate() {
            points.push(ForecastPoint {
                group: s.group.as_deref(),
                period: s.first + k as i64,
                forecast: false,
                value: *v,
                bounds: Vec::new(),
                model: None,
                customers: s.customers.as_ref().map(|c| c.per_period[k]),
            });
        }
        let next = s.first + s.values.len() as i64;
        for (k, mean) in f.mean.iter().enumerate() {
            points.push(ForecastPoint {
                group: s.group.as_deref(),
                period: next + k as i64,
                forecast: true,
                value: mean.max(floor),
                bounds: bounds.iter().map(|level| level[k]).collect(),
                model: Some(&f.detail),
                customers: s.customers.as_ref().map(|c| c.overall),
            });
        }
    }
    points
}

/// Every series' holdout scores, a row per series and method: the `--evaluation` table, with
/// the series' group in `group_name` when there are groups.
pub fn evaluation_table(
    series: &[Series],
    outcomes: &[Outcome],
    season: usize,
    group_name: Option<&str>,
) -> PolarsResult<DataFrame> {
    let mut group = Vec::new();
    let mut customers = Vec::new();
    let mut model = Vec::new();
    let mut chosen = Vec::new();
    let (mut mae, mut rmse, mut mase, mut smape) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut cover_80, mut cover_95, mut msis_95) = (Vec::new(), Vec::new(), Vec::new());
    // Each method's held-out forecasts calibrate its intervals together, as in `points`.
    let calibrations: Vec<IntervalCalibration> = HOLDOUT_METHODS
        .iter()
        .map(|&method| {
            IntervalCalibration::new(
                outcomes
                    .iter()
                    .flat_map(|o| o.holdout.iter().filter(move |h| h.method == method))
                    .map(|h| &h.forecast),
            )
        })
        .collect();
    for (s, o) in series.iter().zip(outcomes) {
        for score in &o.holdout {
            let (m, a) = (score.method, &score.accuracy);
            group.push(s.group.clone());
            customers.push(s.customers.as_ref().map(|c| c.overall));
            model.push(m.name());
            chosen.push(score.chosen.clone());
            mae.push(a.mae);
            rmse.push(a.rmse);
            mase.push(a.mase.is_finite().then_some(a.mase));
            smape.push(a.smape);
            let calibration = HOLDOUT_METHODS
                .iter()
                .position(|&h| h == m)
                .map(|i| &calibrations[i]);
            let held_out = score.forecast.mean.len();
            let (train, actual) = s.values.split_at(s.values.len() - held_out);
            let intervals = |level: f64| interval_bounds(&score.forecast, train, calibration, level);
            let inside = |level: f64| -> f64 {
                let bounds = intervals(level);
                let hits = actual
                    .iter()
                    .zip(&bounds)
                    .filter(|&(&a, &(lo, hi))| lo <= a && a <= hi)
                    .count();
                hits as f64 / actual.len().max(1) as f64
            };
            cover_80.push(inside(80.0));
            cover_95.push(inside(95.0));
            // The mean scaled interval score of M4: width plus 2/α times each miss, over the
            // same scale as MASE (the training part's mean absolute seasonal difference).
            let scale = match models::mase_scale(train, season) {
                // Not longer than a season: the lag-1 differences.
                s if s.is_nan() => models::mase_scale(train, 1),
                s => s,
            };
            let msis = actual
                .iter()
                .zip(intervals(95.0))
                .map(|(&y, (lo, hi))| (hi - lo) + 40.0 * (lo - y).max(0.0) + 40.0 * (y - hi).max(0.0))
                .sum::<f64>()
                / actual.len().max(1) as f64
                / scale;
            msis_95.push(msis.is_finite().then_some(msis));
        }
    }
    let n = model.len();
    let mut columns = Vec::new();
    if let Some(name) = group_name {
        columns.push(Column::new(name.into(), group));
    }
    columns.extend([
        Column::new("model".into(), model),
        Column::new("auto_chose".into(), chosen),
        Column::new("mae".into(), mae),
        Column::new("rmse".into(), rmse),
        Column::new("mase".into(), mase),
        Column::new("smape".into(), smape),
        Column::new("coverage_80".into(), cover_80),
        Column::new("coverage_95".into(), cover_95),
        Column::new("msis_95".into(), msis_95),
    ]);
    // Counted under a policy's min_group, whose writer leaves out the rows of fewer.
    if series.iter().any(|s| s.customers.is_some()) {
        columns.push(Column::new("customers".into(), customers));
    }
    DataFrame::new(n, columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forecast_per_series_and_scores_where_the_series_is_long_enough() {
        let series = [
            Series {
                group: Some("long".into()),
                first: 0,
                values: (0..24).map(|i| 10.0 + i as f64).collect(),
                customers: None,
            },
            Series {
                group: Some("short".into()),
                first: 0,
                values: vec![3.0, 4.0],
                customers: None,
            },
        ];
        let settings = ForecastSettings {
            method: Method::Naive,
            season: 12,
            horizon: 3,
            holdout: Some(6),
        };
        let outcomes = compute(&series, &settings, &Progress::hidden()).outcomes;
        assert_eq!(outcomes.len(), 2);
        // Naive repeats the last value.
        assert_eq!(outcomes[0].forecast.mean, [33.0, 33.0, 33.0]);
        assert_eq!(outcomes[0].holdout.len(), HOLDOUT_METHODS.len());
        assert!(
            outcomes[1].holdout.is_empty(),
            "2 values are not longer than a holdout of 6"
        );
        assert_eq!(outcomes[1].forecast.mean, [4.0, 4.0, 4.0]);
        let points = points(&series, &outcomes, &[80.0]);
        assert_eq!(points.len(), 24 + 3 + 2 + 3);
        let first_forecast = &points[24];
        assert!(first_forecast.forecast && !points[23].forecast);
        assert_eq!((first_forecast.period, first_forecast.group), (24, Some("long")));
        let (lo, hi) = first_forecast.bounds[0];
        assert!(lo < 33.0 && hi > 33.0 && ((lo + hi) / 2.0 - 33.0).abs() < 1e-9);
        assert_eq!(points[24 + 3].period, 0, "the second series starts over");
    }
}
