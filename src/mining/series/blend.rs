//! Forecasts that average several models (`ensemble`, and what `auto` chooses): each member
//! fitted on the whole series and at rolling backtest origins, the blends of them scored on
//! the backtests, and one blend chosen for a group of series.
//!
//! The choice is made per group of series (those forecast together), not per series: two
//! backtest windows of one series pick a model by noise as often as by merit, while the same
//! windows over hundreds of series tell blends apart. A blend replaces the default one only
//! when its mean backtest error is lower by more than one standard error of the difference
//! (paired over the series), so that a few series, or one, keep the default.

use rayon::prelude::*;

use super::{
    arima, ets, forecast, mase_scale, seasonal_naive, theta, usable_season, with_note, Forecast, Method,
    SHORTEST_FOR_MODELS,
};

/// The models a blend can average, in the order blends name them.
pub const MEMBERS: [Method; 3] = [Method::Ets, Method::Theta, Method::Arima];

/// A set of [`MEMBERS`] whose forecasts are averaged point by point (bit `i` for member `i`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Blend(u8);

impl Blend {
    /// ETS and Theta: `ensemble`, and `auto` unless backtests show a better blend. On
    /// the M3 series their mean beats either alone on every frequency (Hyndman's and
    /// Makridakis's combination benchmarks average the same kinds of model).
    pub const ETS_THETA: Blend = Blend(0b0011);

    /// Every non-empty blend.
    pub fn all() -> impl Iterator<Item = Blend> {
        (1u8..1 << MEMBERS.len()).map(Blend)
    }

    pub fn contains(self, member: usize) -> bool {
        self.0 & (1 << member) != 0
    }

    /// The members' indices into [`MEMBERS`].
    pub fn members(self) -> impl Iterator<Item = usize> {
        (0..MEMBERS.len()).filter(move |&i| self.contains(i))
    }

    pub fn union(self, other: Blend) -> Blend {
        Blend(self.0 | other.0)
    }

    /// "ets+theta", "arima", ...
    pub fn name(self) -> String {
        self.members()
            .map(|i| MEMBERS[i].name())
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// Rolling-origin windows the members are backtested on.
pub const WINDOWS: usize = 2;

/// One backtest: the values after the origin and each member's forecast of them.
#[derive(Debug, Clone)]
struct Origin {
    actual: Vec<f64>,
    forecasts: [Option<Forecast>; 3],
}

/// A series' members fitted on all of it and at each backtest origin.
#[derive(Debug, Clone)]
pub struct MemberFits {
    finals: [Option<Forecast>; 3],
    origins: Vec<Origin>,
    /// Backtest errors are divided by this (MASE's scale of the series) so that series of
    /// any size weigh alike in the choice; `None` for a series without a scale (constant).
    scale: Option<f64>,
}

/// Fits `blend`'s members to `y` (season `m`, horizon `h`), on the whole series and at up to
/// [`WINDOWS`] rolling origins `h` apart, each keeping at least two seasons and 8 points.
///
/// With `choosing`, each backtest chooses its ETS model and ARIMA order on its own training
/// part, as the final fit does on the whole series: a backtest that refits the specification
/// chosen on the whole series has seen the values it forecasts, and ARIMA's differencing and
/// drift chosen with them made its backtests look far better than its forecasts (on the M3
/// yearly series, ARIMA alone was chosen with a backtest error 13% below ETS + Theta's, and
/// then forecast 15% worse). Without it the backtests refit the whole series' specification,
/// a fraction of the work, which is enough for calibrating the intervals of a blend already
/// chosen.
pub fn fit_members(y: &[f64], m: usize, h: usize, blend: Blend, choosing: bool) -> MemberFits {
    let n = y.len();
    let keep = (2 * m + 2).max(8);
    let origins: Vec<usize> = (1..=WINDOWS)
        .filter_map(|w| n.checked_sub(w * h).filter(|&o| o >= keep))
        .collect();
    let full_ets = blend.contains(0).then(|| ets::auto(y, m)).flatten();
    let full_arima = blend.contains(2).then(|| arima::auto(y, m)).flatten();
    let member_forecast = |member: usize, train: &[f64], whole: bool| -> Option<Forecast> {
        match MEMBERS[member] {
            Method::Ets => {
                let model = match (whole, choosing) {
                    (true, _) => full_ets.clone()?,
                    (false, true) => ets::auto(train, m)?,
                    (false, false) => ets::fit(full_ets.as_ref()?.spec, train, m)?,
                };
                Some(super::ets_model_forecast(&model, h))
            }
            Method::Theta => Some(theta::forecast(train, m, h)),
            Method::Arima => {
                let model = match (whole, choosing) {
                    (true, _) => full_arima.clone()?,
                    (false, true) => arima::auto(train, m)?,
                    (false, false) => {
                        let full = full_arima.as_ref()?;
                        arima::fit(train, full.order, Some(full))?
                    }
                };
                Some(super::arima_model_forecast(&model, train, h))
            }
            _ => unreachable!("a member"),
        }
    };
    let fits = |train: &[f64], whole: bool| -> [Option<Forecast>; 3] {
        std::array::from_fn(|i| {
            blend
                .contains(i)
                .then(|| member_forecast(i, train, whole))
                .flatten()
        })
    };
    let scale = [m, 1]
        .into_iter()
        .map(|lag| mase_scale(y, lag))
        .find(|s| s.is_finite() && *s > 0.0);
    MemberFits {
        finals: fits(y, true),
        origins: origins
            .iter()
            .map(|&origin| Origin {
                actual: y[origin..origin + h].to_vec(),
                forecasts: fits(&y[..origin], false),
            })
            .collect(),
        scale,
    }
}

/// The mean of the members of `blend` that could be fitted, point by point, with the mean of
/// their standard deviations (which the backtests calibrate); `None` when none could.
fn average(forecasts: &[Option<Forecast>; 3], blend: Blend) -> Option<Forecast> {
    let present: Vec<&Forecast> = blend.members().filter_map(|i| forecasts[i].as_ref()).collect();
    let first = present.first()?;
    if present.len() == 1 {
        return Some((*first).clone());
    }
    let k = present.len() as f64;
    let mean_of = |get: fn(&Forecast) -> &Vec<f64>| -> Vec<f64> {
        (0..get(first).len())
            .map(|t| present.iter().map(|f| get(f)[t]).sum::<f64>() / k)
            .collect()
    };
    let details: Vec<&str> = present.iter().map(|f| f.detail.as_str()).collect();
    let (last, rest) = details.split_last().expect("two or more");
    Some(Forecast {
        mean: mean_of(|f| &f.mean),
        sd: mean_of(|f| &f.sd),
        method: Method::Ensemble,
        detail: format!("mean of {} and {last}", rest.join(", ")),
        note: None,
        backtest_scores: Vec::new(),
    })
}

impl MemberFits {
    /// Whether the series was long enough for backtests.
    pub fn has_backtests(&self) -> bool {
        !self.origins.is_empty()
    }

    /// The mean over the origins of `blend`'s mean absolute backtest error over the series'
    /// scale; `None` without backtests, a scale, or a fitted member.
    pub fn backtest_error(&self, blend: Blend) -> Option<f64> {
        let scale = self.scale?;
        let mut total = 0.0;
        for origin in &self.origins {
            let f = average(&origin.forecasts, blend)?;
            let error: f64 = f
                .mean
                .iter()
                .zip(&origin.actual)
                .map(|(p, a)| (p - a).abs())
                .sum();
            total += error / origin.actual.len() as f64 / scale;
        }
        (!self.origins.is_empty()).then(|| total / self.origins.len() as f64)
    }

    /// The forecast of `blend`, with its backtests' misses in its own standard deviations as
    /// calibration scores; `None` when none of its members could be fitted.
    pub fn forecast(&self, blend: Blend) -> Option<Forecast> {
        let mut f = average(&self.finals, blend)?;
        f.backtest_scores = vec![Vec::with_capacity(self.origins.len()); f.mean.len()];
        for origin in &self.origins {
            let Some(backtest) = average(&origin.forecasts, blend) else {
                continue;
            };
            for (k, ((p, a), sd)) in backtest
                .mean
                .iter()
                .zip(&origin.actual)
                .zip(&backtest.sd)
                .enumerate()
            {
                if *sd > 0.0 && sd.is_finite() && p.is_finite() {
                    f.backtest_scores[k].push((a - p).abs() / sd);
                }
            }
        }
        Some(f)
    }
}

/// What a group's backtests chose, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub blend: Blend,
    /// Series with backtests the default could be scored on.
    pub series: usize,
    /// Each blend's mean backtest error (on MASE's scale) over the series it could be scored
    /// on, best first.
    pub errors: Vec<(Blend, f64)>,
}

impl Choice {
    pub fn error_of(&self, blend: Blend) -> Option<f64> {
        self.errors.iter().find(|(b, _)| *b == blend).map(|(_, e)| *e)
    }
}

/// Among `candidates`, the blend whose backtest errors over `fits` are lower than
/// `default`'s by the most, on average over the series both can be scored on, among those
/// lower by more than one standard error of these paired differences; `default` when none is
/// (and always with fewer than two series).
pub fn choose(fits: &[&MemberFits], candidates: &[Blend], default: Blend) -> Choice {
    let errors_of =
        |blend: Blend| -> Vec<Option<f64>> { fits.iter().map(|f| f.backtest_error(blend)).collect() };
    let default_errors = errors_of(default);
    let mut errors = Vec::new();
    let mut blend = default;
    let mut best_gain = 0.0;
    for &candidate in candidates {
        let own = errors_of(candidate);
        let scored: Vec<f64> = own.iter().flatten().copied().collect();
        if scored.is_empty() {
            continue;
        }
        errors.push((candidate, scored.iter().sum::<f64>() / scored.len() as f64));
        let differences: Vec<f64> = own
            .iter()
            .zip(&default_errors)
            .filter_map(|(c, d)| Some((*c)? - (*d)?))
            .collect();
        let n = differences.len();
        if candidate == default || n < 2 {
            continue;
        }
        let mean = differences.iter().sum::<f64>() / n as f64;
        let variance = differences.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        if mean + (variance / n as f64).sqrt() < 0.0 && -mean > best_gain {
            best_gain = -mean;
            blend = candidate;
        }
    }
    errors.sort_by(|a, b| a.1.total_cmp(&b.1));
    Choice {
        blend,
        series: default_errors.iter().flatten().count(),
        errors,
    }
}

/// `auto` chooses its blend on the backtests of at most this many series of a group, evenly
/// spread, and fits only the chosen blend's members to the rest: ARIMA's search is most of
/// the work, and a few hundred series already tell blends apart (the standard error of a
/// difference of mean errors shrinks as one over the square root of the series).
pub const CHOICE_SAMPLE: usize = 500;

/// Forecasts of a group of series and, for `auto`, the blend its backtests chose.
#[derive(Debug, Clone)]
pub struct GroupForecasts {
    /// One per series, in order.
    pub forecasts: Vec<Forecast>,
    pub choice: Option<Choice>,
}

/// Forecasts each of `series` (season `m`, horizon `h`) by `method`, on all cores, calling
/// `tick` as each series is done. The models are blends: `ets`, `theta` and `arima` of one
/// member, `ensemble` of ETS and Theta, and `auto` one blend of [`MEMBERS`] chosen for the
/// whole group ([`choose`], on up to [`CHOICE_SAMPLE`] series), with ETS + Theta as the
/// default. Their forecasts carry their backtests' calibration scores, so that every model's
/// intervals are calibrated alike. The baselines, and series too short for models, get what
/// [`forecast`] gives them.
pub fn forecast_group(
    series: &[&[f64]],
    m: usize,
    h: usize,
    method: Method,
    tick: &(dyn Fn() + Sync),
) -> GroupForecasts {
    let fixed = match method {
        Method::Ets => Some(Blend(0b001)),
        Method::Theta => Some(Blend(0b010)),
        Method::Arima => Some(Blend(0b100)),
        Method::Ensemble => Some(Blend::ETS_THETA),
        _ => None,
    };
    let blended = |y: &[f64]| y.len() >= SHORTEST_FOR_MODELS && (fixed.is_some() || method == Method::Auto);
    let fit = |y: &[f64], blend: Blend, choosing: bool| -> MemberFits {
        let fits = fit_members(y, usable_season(y.len(), m).0, h, blend, choosing);
        tick();
        fits
    };
    let mut fits: Vec<Option<MemberFits>> = vec![None; series.len()];
    let (blend, choice) = match method {
        Method::Auto => {
            let eligible: Vec<usize> = (0..series.len()).filter(|&i| blended(series[i])).collect();
            let choice = if eligible.len() < 2 {
                // One series' backtests cannot tell blends apart (see [`choose`]): the
                // default, without fitting the others.
                Choice {
                    blend: Blend::ETS_THETA,
                    series: eligible.len(),
                    errors: Vec::new(),
                }
            } else {
                let size = eligible.len().min(CHOICE_SAMPLE);
                let sample: Vec<usize> = (0..size).map(|j| eligible[j * eligible.len() / size]).collect();
                let every = Blend::all().fold(Blend(0), Blend::union);
                let sample_fits: Vec<MemberFits> =
                    sample.par_iter().map(|&i| fit(series[i], every, true)).collect();
                let candidates: Vec<Blend> = Blend::all().collect();
                let choice = choose(
                    &sample_fits.iter().collect::<Vec<_>>(),
                    &candidates,
                    Blend::ETS_THETA,
                );
                for (i, f) in sample.into_iter().zip(sample_fits) {
                    fits[i] = Some(f);
                }
                choice
            };
            (choice.blend, Some(choice))
        }
        _ => (fixed.unwrap_or(Blend::ETS_THETA), None),
    };
    let forecasts = series
        .par_iter()
        .zip(fits.into_par_iter())
        .map(|(y, sampled)| {
            if !blended(y) {
                let f = forecast(y, m, h, method);
                tick();
                return f;
            }
            let fits = sampled.unwrap_or_else(|| fit(y, blend, false));
            let (season, seasonal_note) = usable_season(y.len(), m);
            let f = match fits.forecast(blend) {
                Some(f) if fits.has_backtests() => f,
                Some(f) => with_note(f, Some("too short for backtests: normal intervals".into())),
                None => {
                    let mut f = seasonal_naive(y, season, h);
                    f.note = Some(format!("no {} model could be fitted: {}", blend.name(), f.detail));
                    f
                }
            };
            with_note(f, seasonal_note)
        })
        .collect();
    GroupForecasts { forecasts, choice }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blends_name_their_members() {
        assert_eq!(Blend::all().count(), 7);
        assert_eq!(Blend::ETS_THETA.name(), "ets+theta");
        assert_eq!(Blend(0b0101).name(), "ets+arima");
        assert_eq!(Blend(0b0100).union(Blend::ETS_THETA), Blend(0b0111));
    }

    fn fits_with(finals: [Option<Forecast>; 3], origins: Vec<Origin>, scale: f64) -> MemberFits {
        MemberFits {
            finals,
            origins,
            scale: Some(scale),
        }
    }

    fn flat(value: f64, sd: f64, h: usize) -> Option<Forecast> {
        Some(Forecast {
            mean: vec![value; h],
            sd: vec![sd; h],
            method: Method::Ets,
            detail: format!("flat {value}"),
            note: None,
            backtest_scores: Vec::new(),
        })
    }

    #[test]
    fn a_blend_averages_its_fitted_members_and_scores_its_backtests() {
        // ETS said 10, Theta 14, ARIMA could not be fitted; the actual values were 13 and 11.
        let origin = Origin {
            actual: vec![13.0, 11.0],
            forecasts: [flat(10.0, 1.0, 2), flat(14.0, 3.0, 2), None],
        };
        let fits = fits_with([flat(1.0, 1.0, 2), flat(3.0, 3.0, 2), None], vec![origin], 2.0);
        let f = fits.forecast(Blend(0b0111)).unwrap();
        assert_eq!((f.mean.clone(), f.sd.clone()), (vec![2.0, 2.0], vec![2.0, 2.0]));
        assert_eq!(f.detail, "mean of flat 1 and flat 3");
        // The blend said 12 at both steps: misses 1 and 1 over sd 2.
        assert_eq!(f.backtest_scores, vec![vec![0.5], vec![0.5]]);
        // MAE 1 over scale 2.
        assert_eq!(fits.backtest_error(Blend(0b0111)), Some(0.5));
        // ETS alone: misses 3 and 1, MAE 2.
        assert_eq!(fits.backtest_error(Blend(0b0001)), Some(1.0));
        assert_eq!(fits.backtest_error(Blend(0b0100)), None, "ARIMA was not fitted");
        assert!(fits.forecast(Blend(0b0100)).is_none());
    }

    /// Series whose backtest errors are `ets` for ETS's blend and `theta` for Theta's.
    fn scored(ets: f64, theta: f64) -> MemberFits {
        let actual = vec![0.0];
        fits_with(
            [flat(0.0, 1.0, 1), flat(0.0, 1.0, 1), None],
            vec![Origin {
                actual,
                forecasts: [flat(ets, 1.0, 1), flat(theta, 1.0, 1), None],
            }],
            1.0,
        )
    }

    #[test]
    fn a_blend_replaces_the_default_only_when_clearly_better() {
        let (ets, theta, both) = (Blend(0b01), Blend(0b10), Blend::ETS_THETA);
        let candidates = [ets, theta, both];
        // Theta's errors are lower on every series: chosen.
        let group: Vec<MemberFits> = (0..10).map(|i| scored(2.0 + i as f64, 1.0 + i as f64)).collect();
        let refs: Vec<&MemberFits> = group.iter().collect();
        let choice = choose(&refs, &candidates, both);
        assert_eq!(choice.blend, theta);
        assert_eq!(choice.series, 10);
        assert_eq!(choice.errors[0].0, theta);
        assert_eq!(choice.error_of(both), Some((6.5 + 5.5) / 2.0));
        // A series that cannot score a blend leaves it out of that blend's comparison only.
        let mut partly = group;
        partly.push(fits_with([None, flat(0.0, 1.0, 1), None], vec![], 1.0));
        partly[0].origins[0].forecasts[0] = None;
        let refs: Vec<&MemberFits> = partly.iter().collect();
        let choice = choose(&refs, &candidates, both);
        assert_eq!((choice.blend, choice.series), (theta, 10));
        assert_eq!(choice.error_of(ets), Some(7.0));
        // Lower on average but by noise (better on half, worse on half): the default stays.
        let noisy: Vec<MemberFits> = (0..10)
            .map(|i| {
                if i % 2 == 0 {
                    scored(3.0, 0.0)
                } else {
                    scored(3.0, 5.8)
                }
            })
            .collect();
        let refs: Vec<&MemberFits> = noisy.iter().collect();
        let choice = choose(&refs, &candidates, both);
        assert_eq!(choice.errors[0].0, theta, "theta's mean is lowest");
        assert_eq!(choice.blend, both);
        // One series: the default, however its backtests came out.
        let one = [scored(9.0, 0.0)];
        assert_eq!(choose(&[&one[0]], &candidates, both).blend, both);
        // None with backtests: the default, and no errors to show.
        let choice = choose(&[], &candidates, both);
        assert_eq!((choice.blend, choice.series, choice.errors.len()), (both, 0, 0));
    }

    #[test]
    fn members_are_backtested_at_rolling_origins() {
        let y: Vec<f64> = (0..30).map(|t| 100.0 + 2.0 * t as f64 + (t % 3) as f64).collect();
        let fits = fit_members(&y, 1, 6, Blend(0b111), true);
        assert_eq!(fits.origins.len(), 2);
        assert_eq!(fits.origins[0].actual, y[24..30]);
        assert_eq!(fits.origins[1].actual, y[18..24]);
        for (i, member) in MEMBERS.iter().enumerate() {
            assert!(fits.finals[i].is_some(), "{} fitted", member.name());
            assert!(fits.origins.iter().all(|o| o.forecasts[i].is_some()));
        }
        // Only the members asked for.
        let theta_only = fit_members(&y, 1, 6, Blend(0b0010), false);
        assert!(theta_only.finals[0].is_none() && theta_only.finals[1].is_some());
        // Too short for a window keeping 8 points: no backtests, still forecasts.
        let short = fit_members(&y[..12], 1, 6, Blend::ETS_THETA, false);
        assert!(!short.has_backtests() && short.forecast(Blend::ETS_THETA).is_some());
        assert_eq!(short.backtest_error(Blend::ETS_THETA), None);
    }
}
