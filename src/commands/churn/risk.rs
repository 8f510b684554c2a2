//! `ckm churn --method`: churn risk as 1 − P(alive) of a customer-base model fitted on the
//! transactions.

use anyhow::Result;

use crate::analyses::churn_risk::{self, ChurnRisk, RiskSettings};
use crate::cli::{ChurnMethod, ChurnRiskArgs};
use crate::commands::{write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::day_text;
use crate::io::write;
use crate::mining::btyd::Model;
use crate::prepare::lines::Lines;
use crate::prepare::repeat_purchases::SummarySettings;
use crate::prepare::Engine;
use crate::printer::thousands;

pub(super) fn risk(args: ChurnRiskArgs, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    let given = args.input.is_some() || args.engine.table.is_some();
    let (true, Some(method)) = (given, args.method) else {
        return Err(CkmError::usage(
            "ckm churn needs a verb (train, score) or an input with --method bgnbd|pareto-nbd|mbgnbd",
        ));
    };
    let engine = args.engine.settings(args.input.as_deref())?;
    let input = &match &engine {
        Engine::Local => args.input.clone().expect("checked above"),
        Engine::Spark { source, .. } => source.to_string(),
    };
    let model = match method {
        ChurnMethod::Bgnbd => Model::BgNbd,
        ChurnMethod::ParetoNbd => Model::ParetoNbd,
        ChurnMethod::Mbgnbd => Model::MbgNbd,
    };
    record.parameter("input", input);
    record.parameter("method", model.label());
    const WEEK: f64 = 7.0;
    let mut lines = Lines::open(&engine, input, &args.read.settings(), record, &printer)?;
    let settings = SummarySettings {
        calibration_end_day: None,
        unit_days: WEEK,
        holdout_end_day: None,
    };
    let (summaries, end_day) = lines.summarise_transactions(input, &settings, record, &printer, hash)?;
    churn_risk::check_fittable(&summaries, model, input)?;
    record.mark("read");
    let settings = RiskSettings {
        model,
        high_share: args.bands.high,
        medium_share: args.bands.medium,
    };
    let risk = churn_risk::compute(&summaries, &settings)?;
    record.mark("fit");
    if let Some(warning) = risk.warning(model) {
        record.warn(&printer, warning);
    }
    let ChurnRisk {
        mut table,
        fit,
        cutoffs,
        band_counts: counts,
        mean_probability,
    } = risk;
    let written = write::write_table(&mut table, &destination, format, hash)?;
    record.outputs.push(written);
    record.mark("write");
    record.figure("as of", day_text(end_day + 1));
    record.figure("customers", thousands(summaries.ids.len() as u64));
    for (name, value) in fit.names.iter().zip(&fit.parameters) {
        record.figure(&format!("{} {name}", model.label()), format!("{value:.4}"));
    }
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
    record.figure("mean churn probability", format!("{mean_probability:.4}"));
    printer.summary("ckm churn", &record.summary_rows());
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
}
