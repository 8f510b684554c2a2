//! `ckm forecast customers`: BG/NBD repeat purchases and P(alive), Gamma-Gamma spend, CLV.

use anyhow::Result;

use std::path::PathBuf;

use crate::analyses::clv::{self, ClvFit, ClvScores, ScoreSettings};
use crate::cli::{ForecastCustomersArgs, ForecastVerb, TimeUnit};
use crate::commands::{write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::{self, day_text};
use crate::io::saved_model::{self, SavedFit, SavedModels};
use crate::io::write;
use crate::mining::btyd::{Fit, Model};
use crate::prepare::lines::Lines;
use crate::prepare::repeat_purchases::{summaries_from_table, SummarySettings};
use crate::prepare::Engine;

pub fn run(verb: ForecastVerb, record: &mut RunRecord) -> Result<()> {
    match verb {
        ForecastVerb::Customers(args) => customers(*args, record),
        ForecastVerb::Sales(args) => crate::commands::forecast_sales::run(*args, record),
    }
}

fn parse_day(text: &str, flag: &str) -> Result<i64> {
    periods::parse_ymd(text.trim())
        .ok_or_else(|| CkmError::usage(format!("{flag} '{text}': expected YYYY-MM-DD")))
}

/// A fit's parameters, log-likelihood and convergence in the summary.
fn report_fit(record: &mut RunRecord, model: &str, fit: &Fit) {
    for ((name, value), se) in fit.names.iter().zip(&fit.parameters).zip(&fit.standard_errors) {
        record.figure(&format!("{model} {name}"), format!("{value:.4} (se {se:.4})"));
    }
    record.figure(
        &format!("{model} log-likelihood"),
        format!("{:.2}", fit.log_likelihood),
    );
    record.figure(
        &format!("{model} fit"),
        format!(
            "{} after {} iterations",
            if fit.converged {
                "converged"
            } else {
                "NOT converged"
            },
            fit.iterations
        ),
    );
}

/// What the run does with the purchase model: fit one of a kind, or score with a saved one.
enum Purchases {
    Fit(Model),
    Saved(Box<SavedModels>, PathBuf),
}

fn customers(args: ForecastCustomersArgs, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    let evaluation_destination = write::resolve_side_destination("--evaluation", args.evaluation.as_deref())?;
    let valid = args.horizon > 0.0 && args.horizon.is_finite() && args.discount_rate >= 0.0;
    if !valid {
        return Err(CkmError::usage(
            "--horizon must be above 0 and --discount-rate at least 0",
        ));
    }
    let purchases = match saved_model::model_from_name(&args.model) {
        Some(model) => Purchases::Fit(model),
        None => {
            let path = PathBuf::from(&args.model);
            if !path.exists() {
                return Err(CkmError::usage(format!(
                    "--model '{}': neither bgnbd, pareto-nbd, mbgnbd nor an existing model file",
                    args.model
                )));
            }
            if args.model_out.is_some() {
                return Err(CkmError::usage(
                    "--model-out saves a fit; with --model PATH nothing is fitted",
                ));
            }
            Purchases::Saved(Box::new(saved_model::read_models(&path)?), path)
        }
    };
    let time_unit = match (&purchases, args.time_unit) {
        (Purchases::Saved(saved, path), Some(unit)) if unit != saved.time_unit => {
            return Err(CkmError::usage(
                format!(
                    "--time-unit {unit:?} differs from the {:?} the model {} was fitted in; leave it out",
                    saved.time_unit,
                    path.display()
                )
                .to_lowercase(),
            ))
        }
        (Purchases::Saved(saved, _), _) => saved.time_unit,
        (Purchases::Fit(_), unit) => unit.unwrap_or(TimeUnit::Week),
    };
    let engine = args.engine.settings(args.input.as_deref())?;
    let input = match &engine {
        Engine::Local => args.input.clone().expect("clap asks for INPUT without --table"),
        Engine::Spark { source, .. } => source.to_string(),
    };
    record.parameter("input", &input);
    record.parameter("model", &args.model);
    record.parameter("time_unit", format!("{time_unit:?}").to_lowercase());
    record.parameter("horizon", args.horizon);
    record.parameter("discount_rate", args.discount_rate);
    record.parameter("holdout_end", &args.holdout_end);
    let holdout_end_day = args
        .holdout_end
        .as_deref()
        .map(|d| parse_day(d, "--holdout-end"))
        .transpose()?;
    let mut calibration_end_text = None;
    let mut holdout_length = None;
    // A summary table is a file read here; on a cluster the input is transactions.
    let summary_table = match engine {
        Engine::Local => summaries_from_table(&input, &args.read.settings())?,
        Engine::Spark { .. } => None,
    };
    let data = match summary_table {
        Some(summaries) => {
            if args.holdout_end.is_some() {
                return Err(CkmError::usage(
                    "--holdout-end needs the transactions; a summary table has no holdout period",
                ));
            }
            record.figure("input", "a summary table (frequency, recency, T)");
            if !summaries.has_spend {
                record.figure("spend model", "none: the table has no monetary_value");
            }
            summaries
        }
        None => {
            let mut lines = Lines::open(&engine, &input, &args.read.settings(), record, &printer)?;
            let settings = SummarySettings {
                calibration_end_day: args
                    .calibration_end
                    .as_deref()
                    .map(|text| parse_day(text, "--calibration-end"))
                    .transpose()?,
                unit_days: time_unit.days(),
                holdout_end_day,
            };
            let (summaries, end_day) =
                lines.summarise_transactions(&input, &settings, record, &printer, hash)?;
            if let Some(holdout_end) = holdout_end_day {
                if holdout_end <= end_day {
                    return Err(CkmError::usage(format!(
                        "--holdout-end {} must come after the calibration end {}",
                        day_text(holdout_end),
                        day_text(end_day)
                    )));
                }
                holdout_length = Some((holdout_end - end_day) as f64 / time_unit.days());
                record.figure("holdout end", day_text(holdout_end));
            }
            let end = day_text(end_day);
            record.parameter("calibration_end", &end);
            record.figure("calibration end", &end);
            calibration_end_text = Some(end);
            summaries
        }
    };
    record.mark("read");
    let n = data.rft.len();
    let repeaters = data.rft.iter().filter(|c| c.x > 0.0).count();

    // The models: fitted here, or read from the saved file.
    let (model, p, spend, saved_fits) = match &purchases {
        Purchases::Fit(model) => {
            clv::check_fittable(&data, &input)?;
            let clv_fit = clv::fit(&data, *model, !args.no_spend);
            report_fit(record, model.label(), &clv_fit.purchases);
            if let Some(fit) = clv_fit.spend.fit() {
                report_fit(record, "Gamma-Gamma", fit);
            }
            for warning in clv_fit.warnings(*model) {
                record.warn(&printer, warning);
            }
            let ClvFit {
                purchases: fit,
                spend,
                spenders,
            } = clv_fit;
            let gamma_gamma = spend.usable().cloned();
            let saved = SavedModels::new(
                time_unit,
                calibration_end_text.clone(),
                SavedFit::new(saved_model::model_name(*model), &fit, n),
                gamma_gamma
                    .as_ref()
                    .map(|g| SavedFit::new("gamma-gamma", g, spenders)),
            );
            (
                *model,
                fit.parameters.clone(),
                gamma_gamma.map(|g| g.parameters),
                Some(saved),
            )
        }
        Purchases::Saved(saved, path) => {
            let model = saved_model::model_from_name(&saved.purchases.kind).ok_or_else(|| {
                CkmError::invalid(format!(
                    "{}: unknown purchase model '{}'",
                    path.display(),
                    saved.purchases.kind
                ))
            })?;
            let p = saved.purchases.ordered(&model.parameter_names(), path)?;
            let spend = match (&saved.spend, args.no_spend || !data.has_spend) {
                (Some(gg), false) => Some(gg.ordered(&["p", "q", "gamma"], path)?),
                _ => None,
            };
            record.figure(
                "model",
                format!(
                    "{} from {} (fitted to {})",
                    model.label(),
                    path.display(),
                    saved.calibration_end.as_deref().unwrap_or("an unknown date")
                ),
            );
            (model, p, spend, None)
        }
    };
    record.mark("fit");

    let settings = ScoreSettings {
        model,
        horizon: args.horizon,
        discount_rate: args.discount_rate,
        holdout_length,
    };
    let ClvScores {
        mut table,
        holdout_predicted,
    } = clv::score(&data, &p, spend.as_deref(), &settings)?;
    if let (Some(actual), Some(predicted)) = (&data.holdout, &holdout_predicted) {
        let evaluation = clv::holdout_evaluation(&data.rft, predicted, actual)?;
        report_holdout(record, predicted, actual);
        if let Some((path, format)) = &evaluation_destination {
            let mut table = evaluation;
            record
                .outputs
                .push(write::write_table(&mut table, path, *format, hash)?);
        }
    }
    record.mark("score");
    record
        .outputs
        .push(write::write_table(&mut table, &destination, format, hash)?);
    if let (Some(path), Some(saved)) = (&args.model_out, &saved_fits) {
        saved_model::write_models(path, saved)?;
        record.figure("model saved to", path.display().to_string());
    }
    record.mark("write");
    record.figure("lines or rows in", data.lines);
    record.figure("customers", n);
    record.figure("with repeat purchases", repeaters);
    printer.summary("ckm forecast customers", &record.summary_rows());
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
}

fn report_holdout(record: &mut RunRecord, predicted: &[f64], actual: &[f64]) {
    let total_predicted: f64 = predicted.iter().sum();
    let total_actual: f64 = actual.iter().sum();
    let mae = predicted
        .iter()
        .zip(actual)
        .map(|(p, a)| (p - a).abs())
        .sum::<f64>()
        / predicted.len().max(1) as f64;
    record.figure(
        "holdout repeat transactions",
        format!("predicted {total_predicted:.1}, actual {total_actual:.0}"),
    );
    record.figure("holdout MAE per customer", format!("{mae:.4}"));
}
