//! Churn risk as 1 − P(alive) of a customer-base model (BG/NBD, Pareto/NBD or MBG/NBD) fitted
//! on the repeat-purchase summaries, with risk bands at shares of the customers. No files and
//! no printing: `ckm churn --method` and the report both call [`compute`].

use anyhow::Result;
use polars::prelude::*;
use rayon::prelude::*;

use crate::error::CkmError;
use crate::io::schema;
use crate::mining::btyd::{self, Fit, Model};
use crate::mining::churn::bands::{band, band_counts, band_cutoffs, BandCutoffs};
use crate::prepare::repeat_purchases::Summaries;

pub const PROBABILITY: &str = "churn_probability";
pub const RISK_BAND: &str = "risk_band";

#[derive(Debug, Clone, Copy)]
pub struct RiskSettings {
    pub model: Model,
    /// Shares of the customers in the high and the medium band.
    pub high_share: f64,
    pub medium_share: f64,
}

pub struct ChurnRisk {
    /// One row per customer: customer_id, churn_probability, risk_band, repeat_purchases,
    /// weeks_since_last_purchase (with the summaries in weeks).
    pub table: DataFrame,
    pub fit: Fit,
    pub cutoffs: BandCutoffs,
    /// Customers in the high, medium and low bands.
    pub band_counts: [usize; 3],
    pub mean_probability: f64,
}

impl ChurnRisk {
    /// The warning for a fit of `model` that did not converge.
    pub fn warning(&self, model: Model) -> Option<String> {
        (!self.fit.converged).then(|| crate::analyses::clv::not_converged(model.label()))
    }
}

/// An error naming `input` when there are too few customers to fit `model` on.
pub fn check_fittable(summaries: &Summaries, model: Model, input: &str) -> Result<()> {
    if summaries.ids.len() < 2 {
        return Err(CkmError::invalid(format!(
            "{input}: {} customer(s); fitting {} needs more",
            summaries.ids.len(),
            model.label()
        )));
    }
    Ok(())
}

/// Fits the model on the summaries and scores every customer.
pub fn compute(summaries: &Summaries, settings: &RiskSettings) -> Result<ChurnRisk> {
    let fit = btyd::fit_purchases(settings.model, &summaries.rft);
    score(summaries, settings, fit)
}

/// Scores every customer with a fit of `settings.model` on the same summaries (the report
/// fits BG/NBD once, for CLV and churn).
pub fn score(summaries: &Summaries, settings: &RiskSettings, fit: Fit) -> Result<ChurnRisk> {
    let model = settings.model;
    let probabilities: Vec<f64> = summaries
        .rft
        .par_iter()
        .map(|c| (1.0 - btyd::p_alive(model, &fit.parameters, c)).clamp(0.0, 1.0))
        .collect();
    let cutoffs = band_cutoffs(&probabilities, settings.high_share, settings.medium_share);
    let rounded: Vec<f64> = probabilities.iter().map(|p| (p * 1e6).round() / 1e6).collect();
    let bands: Vec<&str> = probabilities.iter().map(|&p| band(p, cutoffs)).collect();
    let repeats: Vec<f64> = summaries.rft.iter().map(|c| c.x).collect();
    let weeks_since: Vec<f64> = summaries
        .rft
        .iter()
        .map(|c| ((c.t - c.t_x) * 1e4).round() / 1e4)
        .collect();
    let table = DataFrame::new(
        probabilities.len(),
        vec![
            Column::new(schema::CUSTOMER_ID.into(), &summaries.ids),
            Column::new(PROBABILITY.into(), rounded),
            Column::new(RISK_BAND.into(), bands),
            Column::new("repeat_purchases".into(), repeats),
            Column::new("weeks_since_last_purchase".into(), weeks_since),
        ],
    )?;
    Ok(ChurnRisk {
        table,
        fit,
        cutoffs,
        band_counts: band_counts(&probabilities, cutoffs),
        mean_probability: probabilities.iter().sum::<f64>() / probabilities.len().max(1) as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mining::btyd::Rft;

    #[test]
    fn the_longer_silent_the_higher_the_risk() {
        // Forty customers who bought often and stopped at different times, observed 52 weeks.
        let rft: Vec<Rft> = (0..40)
            .map(|i| Rft {
                x: 1.0 + (i % 7) as f64,
                t_x: 52.0 - i as f64,
                t: 52.0,
            })
            .collect();
        let summaries = Summaries {
            ids: (0..40).map(|i| format!("c{i:02}")).collect(),
            rft,
            monetary: vec![0.0; 40],
            has_spend: false,
            lines: 0,
            holdout: None,
        };
        let settings = RiskSettings {
            model: Model::BgNbd,
            high_share: 0.1,
            medium_share: 0.2,
        };
        let risk = compute(&summaries, &settings).expect("a fit");
        assert_eq!(risk.table.height(), 40);
        assert_eq!(risk.band_counts.iter().sum::<usize>(), 40);
        assert_eq!(risk.band_counts[0], 4, "10% of 40 in the high band");
        let p = risk
            .table
            .column(PROBABILITY)
            .expect("scored")
            .f64()
            .expect("numbers")
            .clone();
        assert!((0.0..=1.0).contains(&risk.mean_probability));
        // Of two customers with the same number of repeat purchases, the one silent longer
        // is at least as much at risk.
        assert!(p.get(35).expect("in range") >= p.get(0).expect("in range"));
    }
}
