//! `ckm churn train`: cross-validate the candidate models, fit the best, score and save it.

use std::time::Instant;

use anyhow::Result;
use polars::prelude::*;

use super::customers::labelled_customers;
use super::score_table;
use super::training_metrics::{column_importance, report_training, CandidateMetrics, TrainingMetrics};
use crate::cli::{ChurnModel, ChurnTrainArgs, ClassWeight};
use crate::commands::{write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::churn_model::{self, SavedChurnModel, TrainingSource};
use crate::io::manifest::RunRecord;
use crate::io::periods::{day_text, parse_ymd, MS_PER_DAY};
use crate::io::{rejects, write};
use crate::mining::churn::bands::{band_counts, band_cutoffs};
use crate::mining::churn::encoding::{self, RawColumn};
use crate::mining::churn::metrics::{self, Confusion};
use crate::mining::churn::{self as churn_models, folds, ModelKind};
use crate::prepare::lines::{LeftOut, Lines};
use crate::prepare::Engine;

pub(super) fn train(args: ChurnTrainArgs, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    let engine = args.engine.settings(args.input.as_deref())?;
    let input = match &engine {
        Engine::Local => args.input.clone().expect("clap asks for INPUT without --table"),
        Engine::Spark { .. } if args.target.is_some() => {
            return Err(CkmError::usage(
                "--target reads a customer table on this machine: use it with --engine local (--engine spark derives the labels from transactions)",
            ))
        }
        Engine::Spark { source, .. } => source.to_string(),
    };
    record.parameter("input", &input);
    record.parameter("model", format!("{:?}", args.model).to_lowercase());
    record.parameter("folds", args.folds);
    record.parameter("seed", args.seed);
    record.parameter("bands", [args.bands.high, args.bands.medium]);

    // A saved model carries its training file's sha256, which recording the input computes.
    let hash_inputs = hash || args.model_out.is_some();
    // The customers to learn from, and the ones to score (the same, except for transactions:
    // learnt at the cutoff, scored at the end of the data).
    let (training, scoring, source) = match &args.target {
        Some(target) => {
            record.parameter("target", target);
            let customers =
                labelled_customers(&args, &input, target, record, &printer, &destination, hash_inputs)?;
            let source = TrainingSource::Labelled {
                target: target.clone(),
                id_column: (customers.id_column != "source_row").then(|| customers.id_column.clone()),
            };
            (customers, None, source)
        }
        None => {
            let mut lines = Lines::open(&engine, &input, &args.read.settings(), record, &printer).map_err(|e| {
                e.context("churn train without --target reads a transactions table; for a labelled customer table, give --target COLUMN")
            })?;
            let activity = lines.churn_activity(record, &printer)?;
            let latest = activity.latest_ms;
            lines.record_inputs(activity.lines, record, hash_inputs)?;
            if activity.unusable > 0 {
                let written = lines.write_left_out(
                    rejects::destination(args.rejects.as_deref(), &destination)?,
                    LeftOut::WithoutCustomerOrTs,
                    None,
                    record,
                    &printer,
                    hash,
                )?;
                rejects::report(
                    record,
                    &printer,
                    activity.lines,
                    activity.unusable,
                    "used",
                    written,
                );
            } else {
                record.figure("lines in", activity.lines);
            }
            let latest_day = latest.div_euclid(MS_PER_DAY);
            let window = args.window as i64;
            let cutoff_day = match &args.cutoff {
                Some(text) => parse_ymd(text.trim())
                    .ok_or_else(|| CkmError::usage(format!("--cutoff '{text}': expected YYYY-MM-DD")))?,
                None => latest_day - window,
            };
            if cutoff_day + window > latest_day {
                record.warn(
                    &printer,
                    format!(
                        "the {window}-day window after the cutoff {} runs past the latest line ({}): customers may be labelled churned who had no time to buy",
                        day_text(cutoff_day),
                        day_text(latest_day)
                    ),
                );
            }
            record.parameter("cutoff", day_text(cutoff_day));
            record.parameter("window_days", args.window);
            record.figure("cutoff", day_text(cutoff_day));
            printer.info(&format!(
                "features up to {}, churned = no purchase from {} to {}; scores as of {}",
                day_text(cutoff_day),
                day_text(cutoff_day + 1),
                day_text(cutoff_day + window),
                day_text(latest_day + 1)
            ));
            let end = (cutoff_day + 1) * MS_PER_DAY;
            let scored_end = (latest_day + 1) * MS_PER_DAY;
            let mut customers = lines
                .churn_customers(
                    &activity,
                    &[(end, Some(window * MS_PER_DAY)), (scored_end, None)],
                    record,
                    &printer,
                )?
                .into_iter();
            let (Some(training), Some(scoring)) = (customers.next(), customers.next()) else {
                anyhow::bail!("internal error: no customers for one of the two ends");
            };
            if training.ids.len() < 2 {
                return Err(CkmError::invalid(format!(
                    "{}: {} customer(s) bought before the cutoff {}; choose an earlier --cutoff",
                    input,
                    training.ids.len(),
                    day_text(cutoff_day)
                )));
            }
            let source = TrainingSource::Transactions {
                cutoff: day_text(cutoff_day),
                window_days: args.window,
            };
            (training, Some(scoring), source)
        }
    };
    let training_sha = record.inputs.first().and_then(|i| i.sha256.clone());
    record.mark("read");
    let labels = training.labels.clone().expect("training customers have labels");
    let churners = labels.iter().filter(|&&l| l).count();
    if churners == 0 || churners == labels.len() {
        return Err(CkmError::invalid(format!(
            "{}: all {} customers are labelled {}; a churn model needs both churners and stayers{}",
            input,
            labels.len(),
            if churners == 0 { "as staying" } else { "churned" },
            if args.target.is_none() {
                " (try another --cutoff or --window)"
            } else {
                ""
            }
        )));
    }
    let folds_wanted = args.folds as usize;
    if churners.min(labels.len() - churners) < folds_wanted {
        return Err(CkmError::invalid(format!(
            "{}: {} churners and {} stayers are too few for {folds_wanted} folds; give more customers or fewer --folds",
            input,
            churners,
            labels.len() - churners
        )));
    }

    let encodings = encoding::learn(&training.columns);
    let feature_names = encoding::feature_names(&encodings);
    let sources = encoding::feature_sources(&encodings);
    let dims = feature_names.len();
    let raw: Vec<&RawColumn> = training.columns.iter().map(|c| &c.1).collect();
    let x = encoding::encode(&encodings, &raw);
    let weights = match args.class_weight {
        ClassWeight::None => vec![1.0; labels.len()],
        ClassWeight::Balanced => churn_models::balanced_weights(&labels),
    };
    let fold_of = match &args.folds_file {
        Some(path) => churn_model::read_folds(path, &training.ids, folds_wanted)?,
        None => folds::stratified(&labels, folds_wanted, args.seed),
    };
    // Models are compared on a stratified sample of a large population (the chosen one is
    // fitted on everyone): the out-of-fold estimates settle long before millions of customers.
    let sampled = (args.cv_sample > 0)
        .then(|| folds::stratified_sample(&labels, args.cv_sample, args.seed))
        .flatten();
    let sample_rows;
    let (cv_x, cv_labels, cv_weights, cv_folds): (&[f64], &[bool], &[f64], &[usize]) = match &sampled {
        None => (&x, &labels, &weights, &fold_of),
        Some(rows) => {
            sample_rows = (
                rows.iter()
                    .flat_map(|&i| x[i * dims..(i + 1) * dims].iter().copied())
                    .collect::<Vec<f64>>(),
                rows.iter().map(|&i| labels[i]).collect::<Vec<bool>>(),
                rows.iter().map(|&i| weights[i]).collect::<Vec<f64>>(),
                rows.iter().map(|&i| fold_of[i]).collect::<Vec<usize>>(),
            );
            (&sample_rows.0, &sample_rows.1, &sample_rows.2, &sample_rows.3)
        }
    };
    if sampled.is_some() {
        let churners = cv_labels.iter().filter(|&&l| l).count();
        if churners.min(cv_labels.len() - churners) < folds_wanted {
            return Err(CkmError::invalid(format!(
                "{input}: the cross-validation sample of {} customers has {churners} churners, too few for {folds_wanted} folds; give a larger --cv-sample (0 for every customer)",
                cv_labels.len()
            )));
        }
        record.parameter("cv_sample", args.cv_sample);
    }
    let kinds: &[ModelKind] = match args.model {
        ChurnModel::Auto => &[ModelKind::Logistic, ModelKind::Gbdt],
        ChurnModel::Logistic => &[ModelKind::Logistic],
        ChurnModel::Gbdt => &[ModelKind::Gbdt],
    };
    let mut candidates = Vec::new();
    let mut out_of_fold = Vec::new();
    for &kind in kinds {
        let started = Instant::now();
        let oof = churn_models::cross_validate(
            kind, &encodings, cv_x, dims, cv_labels, cv_weights, cv_folds, args.seed,
        );
        candidates.push(CandidateMetrics {
            model: kind.name(),
            roc_auc: metrics::roc_auc(cv_labels, &oof),
            pr_auc: metrics::average_precision(cv_labels, &oof),
            log_loss: metrics::log_loss(cv_labels, &oof),
            brier: metrics::brier(cv_labels, &oof),
            top_decile_lift: metrics::top_decile_lift(cv_labels, &oof),
            cross_validation_seconds: started.elapsed().as_secs_f64(),
        });
        out_of_fold.push(oof);
    }
    record.mark("cross_validation");
    // Candidates run simplest first (logistic before trees), so a tie goes to the simpler.
    let aucs: Vec<Option<f64>> = candidates.iter().map(|c| c.roc_auc).collect();
    let chosen = metrics::best_by_roc_auc(&aucs);
    let kind = kinds[chosen];
    let oof = &out_of_fold[chosen];
    let classifier = churn_models::fit(kind, &encodings, &x, dims, &labels, &weights, args.seed);
    record.mark("fit");
    let threshold = metrics::best_f1_threshold(cv_labels, oof);
    let confusion = Confusion::at(cv_labels, oof, threshold);
    let importance = column_importance(&classifier.importance(&x, dims), &sources, &encodings);

    // The bands' cut points are quantiles of the training customers' scores: of the
    // cross-validation sample when there is one, which places them as well and is scored in
    // a twentieth of the time on millions.
    let training_probabilities = match (&sampled, &scoring) {
        (Some(_), Some(_)) => None,
        _ => Some(classifier.probabilities(&x, dims)),
    };
    let cutoffs = match &training_probabilities {
        Some(probabilities) => band_cutoffs(probabilities, args.bands.high, args.bands.medium),
        None => band_cutoffs(
            &classifier.probabilities(cv_x, dims),
            args.bands.high,
            args.bands.medium,
        ),
    };
    record.mark("bands");
    let metrics_out = TrainingMetrics {
        customers: labels.len(),
        churners,
        churn_rate: churners as f64 / labels.len() as f64,
        folds: fold_of.iter().max().map_or(0, |m| m + 1),
        cross_validated_customers: cv_labels.len(),
        seed: args.seed,
        class_weight: match args.class_weight {
            ClassWeight::None => "none",
            ClassWeight::Balanced => "balanced",
        },
        chosen_model: kind.name(),
        candidates,
        threshold,
        confusion,
        precision: confusion.precision(),
        recall: confusion.recall(),
        f1: confusion.f1(),
        calibration: metrics::calibration(cv_labels, oof, 10),
        importance,
        features_used: training.columns.iter().map(|c| c.0.clone()).collect(),
        columns_excluded: training.excluded.clone(),
    };

    // Scores: the training customers (labelled table) or everyone as of the data's end.
    let scored = scoring.as_ref().unwrap_or(&training);
    let scoring_x = scoring.as_ref().map(|customers| {
        let raw: Vec<&RawColumn> = customers.columns.iter().map(|c| &c.1).collect();
        encoding::encode(&encodings, &raw)
    });
    let score_x = scoring_x.as_deref().unwrap_or(&x);
    let probabilities = match &scoring_x {
        Some(sx) => classifier.probabilities(sx, dims),
        None => training_probabilities.expect("scored without a separate scoring table"),
    };
    let mut table = score_table(
        scored,
        &classifier,
        &encodings,
        score_x,
        dims,
        &probabilities,
        cutoffs,
    )?;
    if scoring.is_none() {
        table.with_column(Column::new("churned".into(), labels.clone()))?;
    }
    record.mark("score");
    let written = write::write_table(&mut table, &destination, format, hash)?;
    record.outputs.push(written);
    let metrics_json = serde_json::to_value(&metrics_out)?;
    if let Some(path) = &args.metrics {
        let text = serde_json::to_string_pretty(&metrics_json)?;
        write::write_atomically(path, false, |w| Ok(w.write_all(text.as_bytes())?))?;
    }
    if let Some(path) = &args.model_out {
        churn_model::write_model(
            path,
            &SavedChurnModel {
                format_version: churn_model::FORMAT_VERSION,
                ckm_version: env!("CARGO_PKG_VERSION").to_string(),
                source,
                features: feature_names.clone(),
                encodings: encodings.clone(),
                classifier,
                band_cutoffs: cutoffs,
                threshold,
                training_metrics: metrics_json,
                training_data_sha256: training_sha,
            },
        )?;
    }
    record.mark("write");
    report_training(
        record,
        &printer,
        &metrics_out,
        band_counts(&probabilities, cutoffs),
    );
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
}
