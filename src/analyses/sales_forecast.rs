//! Forecasts of per-period series (`prepare::series`), and with a holdout each candidate
//! method's accuracy on the series' held-out end. No files and no printing: `ckm forecast
//! sales` and the report both call [`compute`].

use rayon::prelude::*;

use crate::mining::series::{self as models, Forecast, HoldoutScore, Method};
use crate::prepare::series::Series;

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

/// Forecasts every series, on all cores; outcome `i` is series `i`'s.
pub fn compute(series: &[Series], settings: &ForecastSettings) -> Vec<Outcome> {
    series
        .par_iter()
        .map(|s| Outcome {
            forecast: models::forecast(&s.values, settings.season, settings.horizon, settings.method),
            holdout: settings
                .holdout
                .map(|n| models::holdout_scores(&s.values, settings.season, n, &HOLDOUT_METHODS))
                .unwrap_or_default(),
        })
        .collect()
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
            },
            Series {
                group: Some("short".into()),
                first: 0,
                values: vec![3.0, 4.0],
            },
        ];
        let settings = ForecastSettings {
            method: Method::Naive,
            season: 12,
            horizon: 3,
            holdout: Some(6),
        };
        let outcomes = compute(&series, &settings);
        assert_eq!(outcomes.len(), 2);
        // Naive repeats the last value.
        assert_eq!(outcomes[0].forecast.mean, [33.0, 33.0, 33.0]);
        assert_eq!(outcomes[0].holdout.len(), HOLDOUT_METHODS.len());
        assert!(
            outcomes[1].holdout.is_empty(),
            "2 values are not longer than a holdout of 6"
        );
        assert_eq!(outcomes[1].forecast.mean, [4.0, 4.0, 4.0]);
    }
}
