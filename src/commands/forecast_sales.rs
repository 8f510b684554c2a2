//! `ckm forecast sales`: a series per group (revenue, orders, customers or quantity per
//! calendar period, or a ready series table), forecast with prediction intervals, and scored on
//! a holdout.

use std::collections::BTreeMap;

use anyhow::Result;
use polars::prelude::*;

use crate::analyses::sales_forecast::{self, ForecastSettings, Outcome, HOLDOUT_METHODS};
use crate::cli::{ForecastSalesArgs, SalesMeasure, SalesModel};
use crate::commands::{write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::{self, day_text};
use crate::io::{customers, policy, rejects, write};
use crate::mining::series::blend::{Blend, Choice};
use crate::mining::series::{Accuracy, Method};
use crate::prepare::lines::{LeftOut, Lines};
use crate::prepare::series::{self, FromTransactions, Grouping, Measure, Series, SeriesSettings};
use crate::prepare::Engine;
use crate::printer::{thousands, Printer};

fn measure_of(measure: SalesMeasure) -> Measure {
    match measure {
        SalesMeasure::Revenue => Measure::Revenue,
        SalesMeasure::Quantity => Measure::Quantity,
        SalesMeasure::Orders => Measure::Orders,
        SalesMeasure::Customers => Measure::Customers,
    }
}

fn method_of(model: SalesModel) -> Method {
    match model {
        SalesModel::Auto => Method::Auto,
        SalesModel::Ets => Method::Ets,
        SalesModel::Theta => Method::Theta,
        SalesModel::Arima => Method::Arima,
        SalesModel::SeasonalNaive => Method::SeasonalNaive,
        SalesModel::Naive => Method::Naive,
        SalesModel::Mean => Method::Mean,
        SalesModel::Ensemble => Method::Ensemble,
    }
}

/// The output's group column: --by, or the segment column with --segments.
fn group_name(args: &ForecastSalesArgs) -> Option<String> {
    match (&args.by, &args.segments) {
        (Some(by), _) => Some(by.clone()),
        (None, Some(_)) => Some("rfm_segment".to_string()),
        (None, None) => None,
    }
}

pub fn run(args: ForecastSalesArgs, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    let evaluation_destination = write::resolve_side_destination("--evaluation", args.evaluation.as_deref())?;
    let season = args
        .season
        .unwrap_or_else(|| periods::default_season(args.period));
    let horizon = args
        .horizon
        .unwrap_or_else(|| periods::default_horizon(args.period));
    if season == 0 || horizon == 0 || args.holdout == Some(0) {
        return Err(CkmError::usage(
            "--season, --horizon and --holdout must be at least 1",
        ));
    }
    for level in &args.level {
        if !(*level > 0.0 && *level < 100.0) {
            return Err(CkmError::usage(format!(
                "--level {level}: a level is a percentage between 0 and 100"
            )));
        }
    }
    let method = method_of(args.model);
    let min_group = policy::min_group();
    let engine = args.engine.settings(args.input.as_deref())?;
    let input = match &engine {
        Engine::Local => args.input.clone().expect("clap asks for INPUT without --table"),
        Engine::Spark { .. } if args.series => {
            return Err(CkmError::usage(
                "--series reads a table on this machine: use it with --engine local",
            ))
        }
        Engine::Spark { source, .. } => source.to_string(),
    };
    record.parameter("input", &input);
    record.parameter("measure", format!("{:?}", args.measure).to_lowercase());
    record.parameter("period", format!("{:?}", args.period).to_lowercase());
    record.parameter("by", &args.by);
    record.parameter("model", method.name());
    record.parameter("season", season);
    record.parameter("horizon", horizon);
    record.parameter("level", &args.level);
    record.parameter("holdout", args.holdout);

    let (series, lines, mut from_transactions) = if args.series {
        let table = series::SeriesTable {
            input: input.clone(),
            date_column: args.date_column.clone(),
            value_column: args.value_column.clone(),
            by: args.by.clone(),
        };
        let (series, rows) = series::series_from_table(&table, args.period, &args.read.settings())?;
        if min_group.is_some() {
            record.warn(
                &printer,
                "the customers behind a ready series table are not known: under the policy's min_group \
                 every row is left out",
            );
        }
        (series, rows, None)
    } else {
        let mut lines_read = Lines::open(&engine, &input, &args.read.settings(), record, &printer)?;
        let grouping = match (&args.segments, &args.by) {
            (Some(path), by) => {
                let column = by.as_deref().unwrap_or("rfm_segment");
                Grouping::Segments(customers::segments_of_customers(
                    path,
                    column,
                    &args.read.settings(),
                )?)
            }
            (None, Some(by)) => Grouping::Column(by.clone()),
            (None, None) => Grouping::Whole,
        };
        let settings = SeriesSettings {
            measure: measure_of(args.measure),
            period: args.period,
            grouping,
            keep_partial: args.keep_partial,
            min_group,
        };
        let FromTransactions {
            series,
            lines,
            left_out,
            small_groups,
        } = lines_read.series_from_transactions(&input, &settings, record, &printer, hash)?;
        policy::note_suppressed("forecast groups (merged)", small_groups as u64);
        (series, lines, Some((left_out, lines_read)))
    };
    if series.is_empty() {
        return Err(CkmError::invalid(format!(
            "{}: no complete period with data; nothing to forecast",
            input
        )));
    }
    record.mark("read");

    let settings = ForecastSettings {
        method,
        season,
        horizon,
        holdout: args.holdout,
    };
    let progress = printer.progress(
        sales_forecast::steps(series.len(), &settings),
        "forecasting series",
    );
    let forecasts = sales_forecast::compute(&series, &settings, &progress);
    let outcomes = &forecasts.outcomes;
    progress.finish();
    record.mark("forecast");

    // The output: history then forecast rows per group.
    let mut group_column: Vec<Option<&str>> = Vec::new();
    let mut period_column: Vec<String> = Vec::new();
    let mut kind_column: Vec<&str> = Vec::new();
    let mut value_column: Vec<f64> = Vec::new();
    // Lower and upper bounds per level.
    let mut bounds: Vec<[Vec<Option<f64>>; 2]> = vec![[Vec::new(), Vec::new()]; args.level.len()];
    let mut model_column: Vec<Option<&str>> = Vec::new();
    let mut customers_column: Vec<Option<u64>> = Vec::new();
    let mut models_used: BTreeMap<String, usize> = BTreeMap::new();
    let mut notes: BTreeMap<String, usize> = BTreeMap::new();
    for outcome in outcomes {
        let f = &outcome.forecast;
        *models_used.entry(f.method.name().to_string()).or_default() += 1;
        if let Some(note) = &f.note {
            *notes.entry(note.clone()).or_default() += 1;
        }
    }
    for point in sales_forecast::points(&series, outcomes, &args.level) {
        group_column.push(point.group);
        period_column.push(day_text(periods::first_day(args.period, point.period)));
        kind_column.push(if point.forecast { "forecast" } else { "history" });
        value_column.push(point.value);
        for (k, [lo, hi]) in bounds.iter_mut().enumerate() {
            let bound = point.bounds.get(k);
            lo.push(bound.map(|b| b.0));
            hi.push(bound.map(|b| b.1));
        }
        model_column.push(point.model);
        customers_column.push(point.customers);
    }
    let rows = period_column.len();
    let mut columns = Vec::new();
    if let Some(name) = group_name(&args) {
        columns.push(Column::new(name.into(), group_column));
    }
    columns.push(Column::new("period".into(), period_column));
    columns.push(Column::new("kind".into(), kind_column));
    columns.push(Column::new("value".into(), value_column));
    for (level, [lo, hi]) in args.level.iter().zip(bounds) {
        let name = format!("{level}").replace('.', "_");
        columns.push(Column::new(format!("lo_{name}").into(), lo));
        columns.push(Column::new(format!("hi_{name}").into(), hi));
    }
    columns.push(Column::new("model".into(), model_column));
    if min_group.is_some() {
        // The writer leaves out the rows of fewer than min_group customers.
        columns.push(Column::new("customers".into(), customers_column));
    }
    let mut table = DataFrame::new(rows, columns)?;
    record
        .outputs
        .push(write::write_table(&mut table, &destination, format, hash)?);

    match &mut from_transactions {
        Some((left_out, lines_read)) if *left_out > 0 => {
            let written = lines_read.write_left_out(
                rejects::destination(args.rejects.as_deref(), &destination)?,
                LeftOut::OutOfSeries(measure_of(args.measure)),
                None,
                record,
                &printer,
                hash,
            )?;
            rejects::report(record, &printer, lines, *left_out, "counted", written);
        }
        _ => record.figure(if args.series { "rows in" } else { "lines in" }, lines),
    }
    if args.holdout.is_some() {
        report_holdout(
            &args,
            &series,
            outcomes,
            evaluation_destination,
            record,
            &printer,
            hash,
        )?;
    }
    record.mark("write");
    record.figure("series", series.len());
    record.figure("season length", season);
    record.figure("horizon", horizon);
    for (model, count) in &models_used {
        record.figure(&format!("series forecast by {model}"), thousands(*count as u64));
    }
    if let Some(choice) = &forecasts.choice {
        record_choice(record, "auto chose", choice);
    }
    if let Some(choice) = &forecasts.holdout_choice {
        record_choice(record, "auto chose on the holdout's training parts", choice);
    }
    for (note, count) in &notes {
        record.figure(&format!("note ({count} series)"), note.clone());
    }
    printer.summary("ckm forecast sales", &record.summary_rows());
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
}

/// What `auto`'s backtests chose and the candidates' errors, in the summary and manifest.
fn record_choice(record: &mut RunRecord, label: &str, choice: &Choice) {
    let default = Blend::ETS_THETA;
    let error_of = |blend: Blend| {
        choice
            .error_of(blend)
            .map_or("-".to_string(), |e| format!("{e:.4}"))
    };
    let why = if choice.series < 2 {
        format!(
            "the default: backtests of {} series cannot tell blends apart",
            choice.series
        )
    } else if choice.blend == default {
        format!(
            "the default: no blend's mean backtest error over {} series was lower by a standard error",
            choice.series
        )
    } else {
        format!(
            "mean backtest error {} against the default {}'s {}, over {} series",
            error_of(choice.blend),
            default.name(),
            error_of(default),
            choice.series
        )
    };
    record.figure(label, format!("{}: {why}", choice.blend.name()));
    if !choice.errors.is_empty() {
        let best: Vec<String> = choice
            .errors
            .iter()
            .take(5)
            .map(|(blend, error)| format!("{} {error:.4}", blend.name()))
            .collect();
        record.figure(&format!("{label}: best backtests"), best.join(", "));
    }
}

/// Mean accuracy per model over the series with a holdout, in the summary; per series and
/// model in the --evaluation table.
fn report_holdout(
    args: &ForecastSalesArgs,
    series: &[Series],
    outcomes: &[Outcome],
    destination: Option<(write::Destination, crate::cli::TableFormat)>,
    record: &mut RunRecord,
    printer: &Printer,
    hash: bool,
) -> Result<()> {
    let scored = outcomes.iter().filter(|o| !o.holdout.is_empty()).count();
    if scored < series.len() {
        record.warn(
            printer,
            format!(
                "{} series are no longer than --holdout {}: not scored",
                series.len() - scored,
                args.holdout.unwrap_or(0)
            ),
        );
    }
    record.figure("holdout series", scored);
    for (i, method) in HOLDOUT_METHODS.iter().enumerate() {
        let rows: Vec<&Accuracy> = outcomes
            .iter()
            .filter_map(|o| o.holdout.get(i).map(|h| &h.accuracy))
            .collect();
        // Over the series where the measure is defined ("-" where it is nowhere: MASE of
        // series without a change to scale by).
        let mean = |f: &dyn Fn(&Accuracy) -> f64, decimals: usize| {
            let finite: Vec<f64> = rows.iter().map(|a| f(a)).filter(|v| v.is_finite()).collect();
            if finite.is_empty() {
                return "-".to_string();
            }
            format!(
                "{:.*}",
                decimals,
                finite.iter().sum::<f64>() / finite.len() as f64
            )
        };
        if !rows.is_empty() {
            record.figure(
                &format!("holdout {}", method.name()),
                format!(
                    "MASE {}, sMAPE {}, MAE {}, RMSE {}",
                    mean(&|a| a.mase, 4),
                    mean(&|a| a.smape, 2),
                    mean(&|a| a.mae, 4),
                    mean(&|a| a.rmse, 4)
                ),
            );
        }
    }
    if let Some((path, format)) = destination {
        let season = args
            .season
            .unwrap_or_else(|| periods::default_season(args.period));
        let mut table =
            sales_forecast::evaluation_table(series, outcomes, season, group_name(args).as_deref())?;
        record
            .outputs
            .push(write::write_table(&mut table, &path, format, hash)?);
    }
    Ok(())
}
