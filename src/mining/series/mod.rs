//! Forecasting time series: exponential smoothing (ETS), the Theta method, ARIMA and the
//! simple baselines, blends of them chosen by rolling-origin backtests ([`blend`]),
//! prediction intervals and accuracy measures. Slices in, plain structs out.

pub mod arima;
pub mod blend;
pub mod ets;
pub mod theta;

/// The models `ckm forecast sales` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// A blend of ETS, Theta and ARIMA chosen for the series forecast together by
    /// rolling-origin backtests ([`blend::forecast_group`]).
    Auto,
    Ets,
    Theta,
    Arima,
    SeasonalNaive,
    Naive,
    Mean,
    /// The mean of the ETS and Theta forecasts, point by point (or of whatever members
    /// `Auto` blends).
    Ensemble,
}

impl Method {
    /// Every method, in the order listings show them.
    pub const ALL: [Method; 8] = [
        Method::Auto,
        Method::Ets,
        Method::Theta,
        Method::Arima,
        Method::SeasonalNaive,
        Method::Naive,
        Method::Mean,
        Method::Ensemble,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Method::Auto => "auto",
            Method::Ets => "ets",
            Method::Theta => "theta",
            Method::Arima => "arima",
            Method::SeasonalNaive => "seasonal-naive",
            Method::Naive => "naive",
            Method::Mean => "mean",
            Method::Ensemble => "ensemble",
        }
    }
}

/// A forecast of one series: point values, standard deviations per step, and what produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub mean: Vec<f64>,
    pub sd: Vec<f64>,
    pub method: Method,
    /// The fitted model in words, e.g. "ETS(M,Ad,M)", "Theta (seasonally adjusted)".
    pub detail: String,
    /// Why the method was used, when it was not the one asked for.
    pub note: Option<String>,
    /// For each step ahead, how far the method's backtest forecasts of this series missed,
    /// in its standard deviations (|actual - forecast| / sd, one per rolling origin): what
    /// [`IntervalCalibration`] calibrates the intervals on. Empty without backtests.
    pub backtest_scores: Vec<Vec<f64>>,
}

/// Minimises `f` from `start` by Nelder–Mead (adaptive parameters of Gao & Han 2012); returns
/// the best point and its value. Stops when the simplex's values agree to `tolerance`
/// (relative) or after `max_evaluations`.
pub fn nelder_mead(
    f: &dyn Fn(&[f64]) -> f64,
    start: &[f64],
    tolerance: f64,
    max_evaluations: usize,
) -> (Vec<f64>, f64) {
    let n = start.len();
    let dimension = n as f64;
    let (reflect, expand, contract, shrink) = (
        1.0,
        1.0 + 2.0 / dimension,
        0.75 - 1.0 / (2.0 * dimension),
        1.0 - 1.0 / dimension,
    );
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    simplex.push((start.to_vec(), f(start)));
    for i in 0..n {
        let mut point = start.to_vec();
        point[i] += if point[i].abs() > 1e-3 {
            0.5 * point[i].abs().max(0.5)
        } else {
            0.5
        };
        let value = f(&point);
        simplex.push((point, value));
    }
    let mut evaluations = n + 1;
    while evaluations < max_evaluations {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[n].1);
        if (worst - best).abs() <= tolerance * (best.abs() + tolerance) {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|p| p.0[j]).sum::<f64>() / dimension)
            .collect();
        let toward = |factor: f64| -> Vec<f64> {
            (0..n)
                .map(|j| centroid[j] + factor * (centroid[j] - simplex[n].0[j]))
                .collect()
        };
        let reflected = toward(reflect);
        let reflected_value = f(&reflected);
        evaluations += 1;
        if reflected_value < simplex[0].1 {
            let expanded = toward(expand);
            let expanded_value = f(&expanded);
            evaluations += 1;
            simplex[n] = if expanded_value < reflected_value {
                (expanded, expanded_value)
            } else {
                (reflected, reflected_value)
            };
        } else if reflected_value < simplex[n - 1].1 {
            simplex[n] = (reflected, reflected_value);
        } else {
            let outside = reflected_value < simplex[n].1;
            let contracted = toward(if outside { contract } else { -contract });
            let contracted_value = f(&contracted);
            evaluations += 1;
            if contracted_value < reflected_value.min(simplex[n].1) {
                simplex[n] = (contracted, contracted_value);
            } else {
                let best_point = simplex[0].0.clone();
                for p in simplex.iter_mut().skip(1) {
                    for (v, b) in p.0.iter_mut().zip(&best_point) {
                        *v = b + shrink * (*v - b);
                    }
                    p.1 = f(&p.0);
                }
                evaluations += n;
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex.swap_remove(0)
}

/// Seasonal naive: the value one season back; with m = 1, the last value (naive).
fn seasonal_naive(y: &[f64], m: usize, h: usize) -> Forecast {
    let n = y.len();
    let m = m.clamp(1, n.max(1));
    let mean: Vec<f64> = (0..h).map(|k| y[n - m + k % m]).collect();
    // Residual sd from the in-sample seasonal differences; the variance grows with the
    // number of whole seasons ahead.
    let differences: Vec<f64> = (m..n).map(|t| y[t] - y[t - m]).collect();
    let sigma = root_mean_square(&differences);
    let sd = (0..h).map(|k| sigma * ((k / m + 1) as f64).sqrt()).collect();
    Forecast {
        mean,
        sd,
        method: if m == 1 {
            Method::Naive
        } else {
            Method::SeasonalNaive
        },
        detail: if m == 1 {
            "naive".into()
        } else {
            format!("seasonal naive (lag {m})")
        },
        note: None,
        backtest_scores: Vec::new(),
    }
}

fn mean_forecast(y: &[f64], h: usize) -> Forecast {
    let n = y.len() as f64;
    let average = y.iter().sum::<f64>() / n;
    let deviations: Vec<f64> = y.iter().map(|v| v - average).collect();
    let sigma = root_mean_square(&deviations) * (n / (n - 1.0).max(1.0)).sqrt();
    Forecast {
        mean: vec![average; h],
        sd: vec![sigma * (1.0 + 1.0 / n).sqrt(); h],
        method: Method::Mean,
        detail: "mean".into(),
        note: None,
        backtest_scores: Vec::new(),
    }
}

fn root_mean_square(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    (values.iter().map(|v| v * v).sum::<f64>() / values.len() as f64).sqrt()
}

/// Series shorter than this get the mean or naive forecasts only.
const SHORTEST_FOR_MODELS: usize = 4;

/// Forecasts `h` steps of `y` (season length `m`, 1 = none) with `method`. Falls back to a
/// simpler method, and says why, when the series is too short or the model cannot be fitted.
/// The models go through [`blend::forecast_group`], as a group of one.
pub fn forecast(y: &[f64], m: usize, h: usize, method: Method) -> Forecast {
    let n = y.len();
    if n == 0 {
        return Forecast {
            mean: vec![f64::NAN; h],
            sd: vec![f64::NAN; h],
            method: Method::Mean,
            detail: "none".into(),
            note: Some("no history".into()),
            backtest_scores: Vec::new(),
        };
    }
    let (m_usable, seasonal_note) = usable_season(n, m);
    if n < SHORTEST_FOR_MODELS && !matches!(method, Method::Mean | Method::Naive) {
        let mut f = if n == 1 {
            mean_forecast(y, h)
        } else {
            seasonal_naive(y, 1, h)
        };
        f.note = Some(format!(
            "{n} periods are too few for {}: {}",
            method.name(),
            f.detail
        ));
        return f;
    }
    match method {
        Method::Mean => mean_forecast(y, h),
        Method::Naive => seasonal_naive(y, 1, h),
        Method::SeasonalNaive => with_note(seasonal_naive(y, m_usable, h), seasonal_note),
        Method::Ets | Method::Theta | Method::Arima | Method::Ensemble | Method::Auto => {
            blend::forecast_group(&[y], m, h, method, &|| {})
                .forecasts
                .pop()
                .expect("one series, one forecast")
        }
    }
}

/// The season length a series of `n` periods can use (seasonal models need two full seasons
/// and a bit; 1 otherwise), and a note when that is not `m`.
fn usable_season(n: usize, m: usize) -> (usize, Option<String>) {
    if m > 1 && n < 2 * m + 2 {
        (
            1,
            Some(format!(
                "{n} periods are too few for a season of {m}: non-seasonal"
            )),
        )
    } else {
        (m, None)
    }
}

/// `f` with `note` in front of the note it has.
fn with_note(mut f: Forecast, note: Option<String>) -> Forecast {
    f.note = match (f.note.take(), note) {
        (Some(a), Some(b)) => Some(format!("{b}; {a}")),
        (a, b) => a.or(b),
    };
    f
}

fn arima_model_forecast(model: &arima::Fitted, y: &[f64], h: usize) -> Forecast {
    let (mean, sd) = arima::forecast(model, y, h);
    Forecast {
        mean,
        sd,
        method: Method::Arima,
        detail: model.order.name(),
        note: None,
        backtest_scores: Vec::new(),
    }
}

fn ets_model_forecast(model: &ets::Fitted, h: usize) -> Forecast {
    let (mean, sd) = ets::forecast(model, h);
    Forecast {
        mean,
        sd,
        method: Method::Ets,
        detail: model.spec.name(),
        note: None,
        backtest_scores: Vec::new(),
    }
}

/// Prediction intervals calibrated on backtest errors (split conformal prediction with
/// scores normalised by each forecast's standard deviation): for each step ahead, the
/// `level` quantile of the scores |actual - forecast| / sd that the series' backtests gave
/// at that step replaces the normal quantile, so that an interval is as wide as the errors
/// of forecasts made the same way turned out to be. Scores are pooled over the series
/// forecast together; a step with fewer than [`IntervalCalibration::MIN_SCORES`] takes the
/// scores of every step, and fewer than that in all leave the normal intervals.
#[derive(Debug, Clone, Default)]
pub struct IntervalCalibration {
    /// Sorted scores per step ahead, and of all steps together.
    per_step: Vec<Vec<f64>>,
    pooled: Vec<f64>,
}

impl IntervalCalibration {
    pub const MIN_SCORES: usize = 30;

    pub fn new<'a>(forecasts: impl Iterator<Item = &'a Forecast>) -> IntervalCalibration {
        let mut per_step: Vec<Vec<f64>> = Vec::new();
        for f in forecasts {
            if per_step.len() < f.backtest_scores.len() {
                per_step.resize_with(f.backtest_scores.len(), Vec::new);
            }
            for (step, scores) in per_step.iter_mut().zip(&f.backtest_scores) {
                step.extend(scores.iter().copied().filter(|s| s.is_finite()));
            }
        }
        let mut pooled: Vec<f64> = per_step.iter().flatten().copied().collect();
        pooled.sort_unstable_by(f64::total_cmp);
        for step in &mut per_step {
            step.sort_unstable_by(f64::total_cmp);
        }
        IntervalCalibration { per_step, pooled }
    }

    /// The half-width of the `level`% interval at step `k` (0-based) in standard deviations:
    /// the conformal quantile, or `None` when there are too few scores.
    pub fn multiplier(&self, level: f64, k: usize) -> Option<f64> {
        let scores = match self.per_step.get(k) {
            Some(step) if step.len() >= Self::MIN_SCORES => step,
            _ if self.pooled.len() >= Self::MIN_SCORES => &self.pooled,
            _ => return None,
        };
        Some(conformal_quantile(scores, level))
    }
}

/// The `level`% conformal quantile of sorted scores: the ⌈(n + 1) level⌉-th smallest, which
/// covers a new score from the same distribution with probability at least `level` (the
/// largest when that rank is past the end).
pub fn conformal_quantile(sorted: &[f64], level: f64) -> f64 {
    let n = sorted.len();
    let rank = ((n as f64 + 1.0) * level / 100.0).ceil() as usize;
    sorted[rank.clamp(1, n) - 1]
}

/// The scale of MASE (and MSIS): the history's mean absolute difference at lag `m` (the
/// in-sample seasonal naive error); NaN when the history is not longer than the lag.
pub fn mase_scale(history: &[f64], m: usize) -> f64 {
    let lag = m.max(1);
    if history.len() <= lag {
        return f64::NAN;
    }
    (lag..history.len())
        .map(|t| (history[t] - history[t - lag]).abs())
        .sum::<f64>()
        / (history.len() - lag) as f64
}

/// Accuracy of a forecast against what happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accuracy {
    pub mae: f64,
    pub rmse: f64,
    /// MAE over the in-sample mean absolute seasonal difference at lag m (Hyndman & Koehler
    /// 2006); NaN when the history has no such differences or they are all 0.
    pub mase: f64,
    /// 200|y − f| / (|y| + |f|) averaged (the M3 competition's sMAPE); pairs that are both 0
    /// count as 0.
    pub smape: f64,
}

pub fn accuracy(history: &[f64], m: usize, actual: &[f64], predicted: &[f64]) -> Accuracy {
    let k = actual.len().min(predicted.len()) as f64;
    let pairs = actual.iter().zip(predicted);
    let mae = pairs.clone().map(|(a, p)| (a - p).abs()).sum::<f64>() / k;
    let rmse = (pairs.clone().map(|(a, p)| (a - p).powi(2)).sum::<f64>() / k).sqrt();
    let smape = pairs
        .map(|(a, p)| {
            let denominator = a.abs() + p.abs();
            if denominator == 0.0 {
                0.0
            } else {
                200.0 * (a - p).abs() / denominator
            }
        })
        .sum::<f64>()
        / k;
    let scale = mase_scale(history, m);
    Accuracy {
        mae,
        rmse,
        mase: if scale > 0.0 { mae / scale } else { f64::NAN },
        smape,
    }
}

/// One method's forecast of a held-out end of a series, scored.
#[derive(Debug, Clone)]
pub struct HoldoutScore {
    pub method: Method,
    /// What forecast the series when the method is `Auto`: the blend or the single model
    /// (`None` for the other methods).
    pub chosen: Option<String>,
    pub accuracy: Accuracy,
    /// The forecast of the held-out part, for scoring its intervals.
    pub forecast: Forecast,
}

/// Each of `methods` fitted on every series less its last `holdout` values and scored on
/// those, series by series (nothing for a series not longer than the holdout); the series'
/// training parts are forecast together, as [`blend::forecast_group`] does, so `auto` chooses
/// on them alone. Also what `auto` chose. `tick` is called per series and method.
pub fn holdout_scores(
    series: &[&[f64]],
    m: usize,
    holdout: usize,
    methods: &[Method],
    tick: &(dyn Fn() + Sync),
) -> (Vec<Vec<HoldoutScore>>, Option<blend::Choice>) {
    let scored: Vec<usize> = (0..series.len())
        .filter(|&i| holdout > 0 && holdout < series[i].len())
        .collect();
    let trains: Vec<&[f64]> = scored
        .iter()
        .map(|&i| &series[i][..series[i].len() - holdout])
        .collect();
    let mut scores: Vec<Vec<HoldoutScore>> = vec![Vec::new(); series.len()];
    let mut auto_choice = None;
    for &method in methods {
        let group = blend::forecast_group(&trains, m, holdout, method, tick);
        for _ in scored.len()..series.len() {
            tick();
        }
        let blend_name = group.choice.as_ref().map(|c| c.blend.name());
        for ((&i, train), f) in scored.iter().zip(&trains).zip(group.forecasts) {
            let chosen = (method == Method::Auto).then(|| match (&blend_name, f.method) {
                (Some(name), Method::Ensemble) => name.clone(),
                _ => f.method.name().to_string(),
            });
            scores[i].push(HoldoutScore {
                method,
                chosen,
                accuracy: accuracy(train, m, &series[i][train.len()..], &f.mean),
                forecast: f,
            });
        }
        if group.choice.is_some() {
            auto_choice = group.choice;
        }
    }
    (scores, auto_choice)
}

/// The standard normal quantile for a central interval of `level` percent (Acklam's
/// rational approximation, relative error below 1.2e-9).
pub fn normal_quantile_for_level(level: f64) -> f64 {
    let p = 0.5 + level / 200.0;
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let low = 0.02425;
    if p > 1.0 - low {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holdout_scores_by_hand() {
        // Naive on 1, 2, 3, 4 holding out the last two: trained on 1, 2, it forecasts 2, 2
        // for 3, 4 (errors 1 and 2); the mean forecasts 1.5 (errors 1.5, 2.5). The scale of
        // MASE at lag 1 is |2 - 1| = 1.
        let ramp: Vec<f64> = (1..=10).map(|v| v as f64 + (v % 2) as f64).collect();
        let series: [&[f64]; 3] = [&[1.0, 2.0, 3.0, 4.0], &[1.0, 2.0], &ramp];
        let ticks = std::sync::atomic::AtomicUsize::new(0);
        let tick = || {
            ticks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        };
        let methods = [Method::Naive, Method::Mean, Method::Auto];
        let (scores, choice) = holdout_scores(&series, 1, 2, &methods, &tick);
        assert_eq!(scores[0].len(), 3);
        assert_eq!(scores[0][0].method, Method::Naive);
        assert_eq!(scores[0][0].chosen, None);
        assert!((scores[0][0].accuracy.mae - 1.5).abs() < 1e-12);
        assert!((scores[0][0].accuracy.mase - 1.5).abs() < 1e-12);
        assert!((scores[0][1].accuracy.mae - 2.0).abs() < 1e-12);
        // A series no longer than the holdout has no scores.
        assert!(scores[1].is_empty());
        // Auto says what forecast each series: two values are too few for models, naive;
        // eight get the blend of the group.
        assert_eq!(scores[0][2].chosen.as_deref(), Some("naive"));
        assert_eq!(scores[2][2].chosen.as_deref(), Some("ets+theta"));
        assert!(choice.is_some(), "auto's choice over the training parts");
        assert_eq!(ticks.into_inner(), 3 * 3, "a step per series and method");
    }

    #[test]
    fn conformal_quantiles_of_a_known_distribution() {
        // Scores 1..=99: the 80% quantile is the ⌈100 × 0.8⌉ = 80th smallest.
        let scores: Vec<f64> = (1..=99).map(f64::from).collect();
        assert_eq!(conformal_quantile(&scores, 80.0), 80.0);
        assert_eq!(conformal_quantile(&scores, 95.0), 95.0);
        // Half-normal scores |z|: the quantiles are the normal's two-sided ones.
        let n = 20_000;
        let mut half_normal: Vec<f64> = (1..n)
            .map(|i| normal_quantile_for_level(100.0 * i as f64 / n as f64))
            .collect();
        half_normal.sort_unstable_by(f64::total_cmp);
        for level in [80.0, 95.0] {
            let q = conformal_quantile(&half_normal, level);
            assert!(
                (q - normal_quantile_for_level(level)).abs() < 0.01,
                "{level}: {q}"
            );
        }
        // Too few scores for a rank: the largest.
        assert_eq!(conformal_quantile(&[1.0, 2.0, 3.0], 95.0), 3.0);
    }

    #[test]
    fn a_step_with_few_scores_takes_every_steps_and_none_leave_the_normal() {
        let with = |per_step: Vec<Vec<f64>>| Forecast {
            mean: vec![0.0; per_step.len()],
            sd: vec![1.0; per_step.len()],
            method: Method::Ensemble,
            detail: String::new(),
            note: None,
            backtest_scores: per_step,
        };
        let many: Vec<f64> = (1..=40).map(|i| f64::from(i) / 10.0).collect();
        let forecasts = [with(vec![many.clone(), vec![9.0; 5]])];
        let calibration = IntervalCalibration::new(forecasts.iter());
        assert_eq!(
            calibration.multiplier(80.0, 0),
            Some(conformal_quantile(&many, 80.0))
        );
        let mut pooled: Vec<f64> = many.iter().copied().chain([9.0; 5]).collect();
        pooled.sort_unstable_by(f64::total_cmp);
        assert_eq!(
            calibration.multiplier(80.0, 1),
            Some(conformal_quantile(&pooled, 80.0))
        );
        let few = [with(vec![vec![1.0; 3]])];
        assert_eq!(IntervalCalibration::new(few.iter()).multiplier(80.0, 0), None);
    }

    #[test]
    fn quantiles() {
        assert!((normal_quantile_for_level(95.0) - 1.959_963_985).abs() < 1e-8);
        assert!((normal_quantile_for_level(80.0) - 1.281_551_566).abs() < 1e-8);
        assert!((normal_quantile_for_level(99.9) - 3.290_526_731).abs() < 1e-7);
    }

    #[test]
    fn nelder_mead_finds_a_quadratic_minimum() {
        let f = |u: &[f64]| (u[0] - 3.0).powi(2) + 10.0 * (u[1] + 1.0).powi(2);
        let (x, v) = nelder_mead(&f, &[0.0, 0.0], 1e-14, 2000);
        assert!(
            (x[0] - 3.0).abs() < 1e-5 && (x[1] + 1.0).abs() < 1e-5 && v < 1e-9,
            "{x:?}"
        );
    }

    #[test]
    fn accuracy_by_hand() {
        // History 1, 3, 2, 4 at lag 1: mean |diff| = (2 + 1 + 2) / 3 = 5/3.
        let a = accuracy(&[1.0, 3.0, 2.0, 4.0], 1, &[5.0, 6.0], &[4.0, 8.0]);
        assert!((a.mae - 1.5).abs() < 1e-12);
        assert!((a.rmse - (2.5f64).sqrt()).abs() < 1e-12);
        assert!((a.mase - 0.9).abs() < 1e-12);
        let smape = (200.0 / 9.0 + 400.0 / 14.0) / 2.0;
        assert!((a.smape - smape).abs() < 1e-12);
    }

    #[test]
    fn every_method_handles_awkward_series() {
        let cases: Vec<Vec<f64>> = vec![
            vec![5.0],
            vec![5.0, 7.0],
            vec![5.0, 7.0, 6.0],
            vec![0.0; 30],
            vec![3.0, -2.0, 4.0, -1.0, 0.0, 2.0, -3.0, 5.0, 1.0, -2.0, 3.0, 0.0],
            (0..30).map(|t| (t % 12) as f64 * 10.0).collect(),
        ];
        for y in &cases {
            for method in Method::ALL {
                let f = forecast(y, 12, 6, method);
                assert_eq!(f.mean.len(), 6);
                assert!(
                    f.mean.iter().chain(&f.sd).all(|v| v.is_finite()),
                    "{method:?} {y:?}: {f:?}"
                );
            }
        }
    }

    #[test]
    fn seasonal_naive_repeats_the_last_season() {
        let y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let f = seasonal_naive(&y, 3, 5);
        assert_eq!(f.mean, vec![4.0, 5.0, 6.0, 4.0, 5.0]);
        // Differences all 3: sd 3, then 3·√2 for the second season.
        assert!((f.sd[0] - 3.0).abs() < 1e-12 && (f.sd[3] - 3.0 * 2f64.sqrt()).abs() < 1e-12);
    }
}
