//! Customer lifetime value from the repeat-purchase summaries and a fitted customer-base
//! model: P(alive), expected purchases over a horizon, and with a Gamma-Gamma spend model the
//! expected average value, the discounted CLV and its rank. No files and no printing: `ckm
//! forecast customers` and the report both call [`fit`] and [`score`].

use anyhow::Result;
use polars::prelude::*;
use rayon::prelude::*;

use crate::error::CkmError;
use crate::io::schema;
use crate::mining::btyd::{self, Fit, Model, Rft};
use crate::prepare::repeat_purchases::Summaries;

#[derive(Debug, Clone, Copy)]
pub struct ScoreSettings {
    pub model: Model,
    /// Time units to expect purchases over, and the discount rate per unit.
    pub horizon: f64,
    pub discount_rate: f64,
    /// Time units of the holdout period, when the summaries count its purchases.
    pub holdout_length: Option<f64>,
}

pub struct ClvScores {
    /// One row per customer: customer_id, frequency, recency, T, monetary_value, p_alive,
    /// expected_purchases; with spend parameters expected_avg_value, clv and rank; with a
    /// holdout holdout_expected and holdout_actual.
    pub table: DataFrame,
    /// Purchases expected in the holdout period, per customer, when there is one.
    pub holdout_predicted: Option<Vec<f64>>,
}

/// The spend model, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum SpendFit {
    /// Not asked for, or the summaries have no spend.
    NotAsked,
    /// Fewer than 2 customers with repeat purchases and spend.
    TooFewSpenders,
    /// Fitted with q ≤ 1, where the expected spend is not defined.
    Undefined(Fit),
    Fitted(Fit),
}

/// The purchase model fitted on the summaries, and the Gamma-Gamma spend model on the
/// customers with repeat purchases and spend (`spenders` of them).
pub struct ClvFit {
    pub purchases: Fit,
    pub spend: SpendFit,
    pub spenders: usize,
}

/// An error naming `input` when the summaries cannot be fitted: fewer than 2 customers, or
/// none with a repeat purchase.
pub fn check_fittable(data: &Summaries, input: &str) -> Result<()> {
    let n = data.rft.len();
    let repeaters = data.rft.iter().filter(|c| c.x > 0.0).count();
    if n < 2 || repeaters == 0 {
        return Err(CkmError::invalid(format!(
            "{input}: {n} customers, {repeaters} with a repeat purchase; fitting needs at least 2 customers and some repeat purchases"
        )));
    }
    Ok(())
}

/// The warning for a fit of `model` that did not converge.
pub fn not_converged(model: &str) -> String {
    format!("{model}: the fit did not converge; treat its numbers with care")
}

/// What a fit's reader should be warned of: no convergence, parameters at a bound.
pub fn fit_warnings(model: &str, fit: &Fit) -> Vec<String> {
    let mut warnings = Vec::new();
    if !fit.converged {
        warnings.push(not_converged(model));
    }
    if !fit.at_boundary.is_empty() {
        warnings.push(format!(
            "{model}: {} ended at an extreme value: the data do not determine {}",
            fit.at_boundary.join(", "),
            if fit.at_boundary.len() == 1 { "it" } else { "them" }
        ));
    }
    warnings
}

impl ClvFit {
    /// What a reader of the fits of `model` and Gamma-Gamma should be warned of, in order:
    /// the purchase model's fit, the spend model's, and why there is no usable spend model.
    pub fn warnings(&self, model: Model) -> Vec<String> {
        let mut warnings = fit_warnings(model.label(), &self.purchases);
        if let Some(fit) = self.spend.fit() {
            warnings.extend(fit_warnings("Gamma-Gamma", fit));
        }
        warnings.extend(self.spend.warning().map(str::to_string));
        warnings
    }
}

impl SpendFit {
    /// The Gamma-Gamma fit, usable or not, when there is one.
    pub fn fit(&self) -> Option<&Fit> {
        match self {
            SpendFit::Undefined(fit) | SpendFit::Fitted(fit) => Some(fit),
            SpendFit::NotAsked | SpendFit::TooFewSpenders => None,
        }
    }

    /// The fit whose parameters give expected spend, if there is one.
    pub fn usable(&self) -> Option<&Fit> {
        match self {
            SpendFit::Fitted(fit) => Some(fit),
            _ => None,
        }
    }

    /// Why there is no usable spend model though one was asked for.
    pub fn warning(&self) -> Option<&'static str> {
        match self {
            SpendFit::NotAsked | SpendFit::Fitted(_) => None,
            SpendFit::TooFewSpenders => {
                Some("fewer than 2 customers with repeat purchases and spend: no spend model")
            }
            SpendFit::Undefined(_) => Some("Gamma-Gamma: q <= 1, so expected spend is not defined; no CLV"),
        }
    }
}

/// Fits `model` and, when `with_spend` and the summaries have spend, Gamma-Gamma.
pub fn fit(data: &Summaries, model: Model, with_spend: bool) -> ClvFit {
    let purchases = btyd::fit_purchases(model, &data.rft);
    let spend_pairs: Vec<(f64, f64)> = data
        .rft
        .iter()
        .zip(&data.monetary)
        .map(|(c, &m)| (c.x, m))
        .collect();
    let spenders = spend_pairs.iter().filter(|(x, m)| *x > 0.0 && *m > 0.0).count();
    let spend = if !with_spend || !data.has_spend {
        SpendFit::NotAsked
    } else if spenders < 2 {
        SpendFit::TooFewSpenders
    } else {
        let fit = btyd::fit_gamma_gamma(&spend_pairs);
        if fit.parameters[1] <= 1.0 {
            SpendFit::Undefined(fit)
        } else {
            SpendFit::Fitted(fit)
        }
    };
    ClvFit {
        purchases,
        spend,
        spenders,
    }
}

/// Per distinct (x, t_x, T): P(alive), expected purchases over the horizon, their
/// discounted sum per time unit (for the CLV), and expected purchases over the holdout.
struct Scores {
    p_alive: f64,
    expected: f64,
    discounted: f64,
    holdout: f64,
}

fn score_one(settings: &ScoreSettings, p: &[f64], c: &Rft) -> Scores {
    let ScoreSettings {
        model,
        horizon,
        discount_rate,
        holdout_length,
    } = *settings;
    let expected = btyd::expected_purchases(model, p, c, horizon);
    let discounted = if discount_rate == 0.0 {
        expected
    } else {
        // The purchases expected in each time unit, discounted to the calibration end.
        let mut total = 0.0;
        let mut before = 0.0;
        for k in 1..=horizon.ceil() as usize {
            let upto = btyd::expected_purchases(model, p, c, (k as f64).min(horizon));
            total += (upto - before) / (1.0 + discount_rate).powi(k as i32);
            before = upto;
        }
        total
    };
    Scores {
        p_alive: btyd::p_alive(model, p, c),
        expected,
        discounted,
        holdout: holdout_length.map_or(0.0, |h| btyd::expected_purchases(model, p, c, h)),
    }
}

/// Scores every customer with the purchase model's parameters `p` and, when given, the
/// Gamma-Gamma spend parameters (p, q, γ).
pub fn score(
    data: &Summaries,
    p: &[f64],
    spend: Option<&[f64]>,
    settings: &ScoreSettings,
) -> Result<ClvScores> {
    let n = data.rft.len();
    // Scores per distinct (x, t_x, T), shared by the customers that have it.
    let distinct = btyd::distinct_rows(&data.rft);
    let scores: Vec<Scores> = distinct
        .par_iter()
        .map(|(c, _)| score_one(settings, p, c))
        .collect();
    let key = |c: &Rft| (c.x.to_bits(), c.t_x.to_bits(), c.t.to_bits());
    let of_customer: Vec<&Scores> = data
        .rft
        .par_iter()
        .map(|c| {
            let i = distinct
                .binary_search_by_key(&key(c), |(d, _)| key(d))
                .expect("every customer's triple is among the distinct ones");
            &scores[i]
        })
        .collect();
    let expected: Vec<f64> = of_customer.iter().map(|s| s.expected).collect();
    let mut columns = vec![
        Column::new(schema::CUSTOMER_ID.into(), &data.ids),
        Column::new(
            "frequency".into(),
            data.rft.iter().map(|c| c.x).collect::<Vec<f64>>(),
        ),
        Column::new(
            "recency".into(),
            data.rft.iter().map(|c| c.t_x).collect::<Vec<f64>>(),
        ),
        Column::new("T".into(), data.rft.iter().map(|c| c.t).collect::<Vec<f64>>()),
        Column::new("monetary_value".into(), &data.monetary),
        Column::new(
            "p_alive".into(),
            of_customer.iter().map(|s| s.p_alive).collect::<Vec<f64>>(),
        ),
        Column::new("expected_purchases".into(), &expected),
    ];
    if let Some(gg) = spend {
        let value: Vec<f64> = data
            .rft
            .iter()
            .zip(&data.monetary)
            .map(|(c, &m)| btyd::gamma_gamma_expected(gg, c.x, m))
            .collect();
        let clv: Vec<f64> = of_customer
            .iter()
            .zip(&value)
            .map(|(s, v)| s.discounted * v)
            .collect();
        let mut order: Vec<usize> = (0..clv.len()).collect();
        order.sort_by(|&a, &b| clv[b].total_cmp(&clv[a]).then(a.cmp(&b)));
        let mut rank = vec![0u32; clv.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r as u32 + 1;
        }
        columns.push(Column::new("expected_avg_value".into(), value));
        columns.push(Column::new("clv".into(), clv));
        columns.push(Column::new("rank".into(), rank));
    }
    let holdout_predicted = data.holdout.as_ref().map(|actual| {
        let predicted: Vec<f64> = of_customer.iter().map(|s| s.holdout).collect();
        columns.push(Column::new("holdout_expected".into(), predicted.clone()));
        columns.push(Column::new("holdout_actual".into(), actual));
        predicted
    });
    Ok(ClvScores {
        table: DataFrame::new(n, columns)?,
        holdout_predicted,
    })
}

/// Holdout repeat transactions, predicted and actual, by calibration frequency 0..7+: the
/// table the BG/NBD and Pareto/NBD papers plot.
pub fn holdout_evaluation(rft: &[Rft], predicted: &[f64], actual: &[f64]) -> PolarsResult<DataFrame> {
    const GROUPS: usize = 8;
    let mut customers = [0u64; GROUPS];
    let mut sum_predicted = [0.0; GROUPS];
    let mut sum_actual = [0.0; GROUPS];
    for ((c, p), a) in rft.iter().zip(predicted).zip(actual) {
        let g = (c.x.max(0.0) as usize).min(GROUPS - 1);
        customers[g] += 1;
        sum_predicted[g] += p;
        sum_actual[g] += a;
    }
    let mean = |sum: &[f64; GROUPS]| -> Vec<Option<f64>> {
        (0..GROUPS)
            .map(|g| (customers[g] > 0).then(|| sum[g] / customers[g] as f64))
            .collect()
    };
    let labels: Vec<String> = (0..GROUPS)
        .map(|g| {
            if g == GROUPS - 1 {
                format!("{g}+")
            } else {
                g.to_string()
            }
        })
        .collect();
    DataFrame::new(
        GROUPS,
        vec![
            Column::new("calibration_frequency".into(), labels),
            Column::new("customers".into(), customers.to_vec()),
            Column::new("mean_predicted".into(), mean(&sum_predicted)),
            Column::new("mean_actual".into(), mean(&sum_actual)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summaries(holdout: Option<Vec<f64>>) -> Summaries {
        Summaries {
            ids: vec!["a".into(), "b".into(), "c".into()],
            rft: vec![
                Rft {
                    x: 4.0,
                    t_x: 30.0,
                    t: 32.0,
                },
                Rft {
                    x: 4.0,
                    t_x: 5.0,
                    t: 32.0,
                },
                Rft {
                    x: 0.0,
                    t_x: 0.0,
                    t: 32.0,
                },
            ],
            monetary: vec![20.0, 20.0, 0.0],
            has_spend: true,
            lines: 9,
            holdout,
        }
    }

    fn column(table: &DataFrame, name: &str) -> Vec<f64> {
        let values = table
            .column(name)
            .expect("scored")
            .cast(&DataType::Float64)
            .expect("numbers");
        values
            .f64()
            .expect("numbers")
            .iter()
            .map(|v| v.unwrap_or(f64::NAN))
            .collect()
    }

    #[test]
    fn recent_buyers_are_worth_more() {
        // BG/NBD parameters (r, α, a, b) and Gamma-Gamma (p, q, γ) of the CDNOW sample.
        let p = [0.243, 4.414, 0.793, 2.426];
        let spend = [6.25, 3.74, 15.44];
        let settings = ScoreSettings {
            model: Model::BgNbd,
            horizon: 52.0,
            discount_rate: 0.0,
            holdout_length: Some(39.0),
        };
        let scored =
            score(&summaries(Some(vec![3.0, 0.0, 1.0])), &p, Some(&spend), &settings).expect("scores");
        let alive = column(&scored.table, "p_alive");
        let clv = column(&scored.table, "clv");
        let rank = column(&scored.table, "rank");
        // The same purchases, the last one later: more likely alive, worth more, ranked first.
        assert!(alive[0] > alive[1]);
        assert!(clv[0] > clv[1]);
        // A customer silent for 27 weeks after 4 purchases is worth less than one who has
        // made none yet (x = 0 takes the population's mean value): rank 3.
        assert_eq!(rank, [1.0, 3.0, 2.0]);
        // Without discounting, the CLV is the expected purchases times the expected value.
        let expected = column(&scored.table, "expected_purchases");
        let value = column(&scored.table, "expected_avg_value");
        assert!((clv[0] - expected[0] * value[0]).abs() < 1e-9);
        assert_eq!(column(&scored.table, "holdout_actual"), [3.0, 0.0, 1.0]);
        assert_eq!(scored.holdout_predicted.expect("a holdout").len(), 3);
    }

    #[test]
    fn why_there_is_no_spend_model() {
        let data = summaries(None);
        // Two customers with repeat purchases and spend, but not asked for.
        let fitted = fit(&data, Model::BgNbd, false);
        assert_eq!((fitted.spend, fitted.spenders), (SpendFit::NotAsked, 2));
        let mut one_spender = summaries(None);
        one_spender.monetary[1] = 0.0;
        assert_eq!(
            fit(&one_spender, Model::BgNbd, true).spend,
            SpendFit::TooFewSpenders
        );
        let mut no_spend = summaries(None);
        no_spend.has_spend = false;
        assert_eq!(fit(&no_spend, Model::BgNbd, true).spend, SpendFit::NotAsked);
    }

    #[test]
    fn without_spend_or_holdout_those_columns_are_absent() {
        let settings = ScoreSettings {
            model: Model::BgNbd,
            horizon: 52.0,
            discount_rate: 0.01,
            holdout_length: None,
        };
        let scored = score(&summaries(None), &[0.243, 4.414, 0.793, 2.426], None, &settings).expect("scores");
        assert!(scored.table.column("clv").is_err());
        assert!(scored.table.column("holdout_expected").is_err());
        assert!(scored.holdout_predicted.is_none());
    }
}
