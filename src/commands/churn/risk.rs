//! `ckm churn --method`: churn risk as 1 − P(alive) of a customer-base model fitted on the
//! transactions.

use anyhow::Result;
use polars::prelude::*;
use rayon::prelude::*;

use super::{PROBABILITY, RISK_BAND};
use crate::cli::{ChurnMethod, ChurnRiskArgs};
use crate::commands::{write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::day_text;
use crate::io::{self, schema, write};
use crate::mining::btyd::{self, Model};
use crate::mining::churn::bands::{band, band_counts, band_cutoffs};
use crate::prepare::repeat_purchases::{summarise_transactions, SummarySettings};
use crate::printer::thousands;

pub(super) fn risk(args: ChurnRiskArgs, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    let (Some(input), Some(method)) = (args.input.as_deref(), args.method) else {
        return Err(CkmError::usage(
            "ckm churn needs a verb (train, score) or an input with --method bgnbd|pareto-nbd|mbgnbd",
        ));
    };
    let model = match method {
        ChurnMethod::Bgnbd => Model::BgNbd,
        ChurnMethod::ParetoNbd => Model::ParetoNbd,
        ChurnMethod::Mbgnbd => Model::MbgNbd,
    };
    record.parameter("input", input);
    record.parameter("method", model.label());
    const WEEK: f64 = 7.0;
    let planned = io::plan_inputs(&[input.to_string()], &args.read)?;
    let settings = SummarySettings {
        calibration_end_day: None,
        unit_days: WEEK,
        holdout_end_day: None,
    };
    let (summaries, end_day) = summarise_transactions(input, &planned, &settings, record, &printer, hash)?;
    if summaries.ids.len() < 2 {
        return Err(CkmError::invalid(format!(
            "{input}: {} customer(s); fitting {} needs more",
            summaries.ids.len(),
            model.label()
        )));
    }
    record.mark("read");
    let fit = btyd::fit_purchases(model, &summaries.rft);
    record.mark("fit");
    if !fit.converged {
        record.warn(
            &printer,
            format!(
                "{}: the fit did not converge; treat its numbers with care",
                model.label()
            ),
        );
    }
    let probabilities: Vec<f64> = summaries
        .rft
        .par_iter()
        .map(|c| (1.0 - btyd::p_alive(model, &fit.parameters, c)).clamp(0.0, 1.0))
        .collect();
    let cutoffs = band_cutoffs(&probabilities, args.bands.high, args.bands.medium);
    let rounded: Vec<f64> = probabilities.iter().map(|p| (p * 1e6).round() / 1e6).collect();
    let bands: Vec<&str> = probabilities.iter().map(|&p| band(p, cutoffs)).collect();
    let repeats: Vec<f64> = summaries.rft.iter().map(|c| c.x).collect();
    let weeks_since: Vec<f64> = summaries
        .rft
        .iter()
        .map(|c| ((c.t - c.t_x) * 1e4).round() / 1e4)
        .collect();
    let mut table = DataFrame::new(
        probabilities.len(),
        vec![
            Column::new(schema::CUSTOMER_ID.into(), &summaries.ids),
            Column::new(PROBABILITY.into(), rounded),
            Column::new(RISK_BAND.into(), bands),
            Column::new("repeat_purchases".into(), repeats),
            Column::new("weeks_since_last_purchase".into(), weeks_since),
        ],
    )?;
    let written = write::write_table(&mut table, &destination, format, hash)?;
    record.outputs.push(written);
    record.mark("write");
    record.figure("as of", day_text(end_day + 1));
    record.figure("customers", thousands(summaries.ids.len() as u64));
    for (name, value) in fit.names.iter().zip(&fit.parameters) {
        record.figure(&format!("{} {name}", model.label()), format!("{value:.4}"));
    }
    let counts = band_counts(&probabilities, cutoffs);
    for (name, count, cut) in [
        ("high risk", counts[0], Some(cutoffs.high)),
        ("medium risk", counts[1], Some(cutoffs.medium)),
        ("low risk", counts[2], None),
    ] {
        record.figure(
            name,
            match cut {
                Some(c) => format!("{} (from {:.3})", thousands(count as u64), c),
                None => thousands(count as u64),
            },
        );
    }
    let mean = probabilities.iter().sum::<f64>() / probabilities.len() as f64;
    record.figure("mean churn probability", format!("{mean:.4}"));
    printer.summary("ckm churn", &record.summary_rows());
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
}
