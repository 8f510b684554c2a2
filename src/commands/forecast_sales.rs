//! `ckm forecast sales`: a series per group (revenue, orders, customers or quantity per
//! calendar period, or a ready series table), forecast with prediction intervals, and scored on
//! a holdout.

use std::collections::BTreeMap;

use anyhow::Result;
use foldhash::{HashMap, HashMapExt};
use polars::prelude::*;

use crate::analyses::sales_forecast::{self, ForecastSettings, Outcome, HOLDOUT_METHODS};
use crate::cli::{ForecastSalesArgs, SalesMeasure, SalesModel};
use crate::commands::{write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::manifest::RunRecord;
use crate::io::periods::{self, day_text};
use crate::io::{self, read, rejects, schema, write};
use crate::mining::series::{Accuracy, HoldoutScore, Method};
use crate::prepare::series::{
    self, into_series, series_from_transactions, FromTransactions, Grouping, Groups, Measure, Series,
    SeriesSettings,
};
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

/// Customer id -> segment from a segments table's `column`.
fn read_segments(
    path: &str,
    column: &str,
    read_args: &crate::io::read::ReadSettings,
) -> Result<HashMap<String, String>> {
    let spec = read::resolve_inputs(&[path.to_string()])?
        .pop()
        .ok_or_else(|| CkmError::usage("--segments needs a file"))?;
    let source = read::open_source(spec, read_args)?;
    let mut raw = read::scan_raw(&source)?;
    let columns = raw.collect_schema()?;
    for name in [schema::CUSTOMER_ID, column] {
        if !columns.contains(name) {
            return Err(CkmError::usage(format!(
                "--segments {path}: no column '{name}'; the columns are {}",
                columns
                    .iter_names()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let table = raw
        .select([
            col(schema::CUSTOMER_ID).cast(DataType::String),
            col(column).cast(DataType::String),
        ])
        .collect()?;
    let ids = table.column(schema::CUSTOMER_ID)?.str()?;
    let segments = table.column(column)?.str()?;
    let mut map = HashMap::with_capacity(table.height());
    for (id, segment) in ids.iter().zip(segments.iter()) {
        if let (Some(id), Some(segment)) = (id, segment) {
            map.insert(id.to_string(), segment.to_string());
        }
    }
    Ok(map)
}

/// Series from a ready table of dates and values, summed per period.
fn series_from_table(args: &ForecastSalesArgs) -> Result<(Vec<Series>, u64)> {
    let spec = read::resolve_inputs(std::slice::from_ref(&args.input))?
        .pop()
        .ok_or_else(|| CkmError::usage("an input is needed"))?;
    let source = read::open_source(spec, &args.read.settings())?;
    let mut raw = read::scan_raw(&source)?;
    let columns = raw.collect_schema()?;
    let mut wanted = vec![args.date_column.as_str(), args.value_column.as_str()];
    if let Some(by) = &args.by {
        wanted.push(by);
    }
    for name in &wanted {
        if !columns.contains(name) {
            return Err(CkmError::usage(format!(
                "{}: no column '{name}'; the columns are {} (--date-column, --value-column, --by)",
                args.input,
                columns
                    .iter_names()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let table = raw.collect()?;
    let dates = table.column(&args.date_column)?.cast(&DataType::String)?;
    let dates = dates.str()?;
    let values = read::numbers_in_text(&table, &args.value_column)?;
    let by = match &args.by {
        Some(by) => Some(table.column(by)?.cast(&DataType::String)?),
        None => None,
    };
    let by = by.as_ref().map(|c| c.str()).transpose()?;
    let mut groups = Groups::default();
    let mut sums: HashMap<(usize, i64), f64> = HashMap::new();
    for (row, value) in values.iter().enumerate() {
        let line = row + 2;
        let date = dates.get(row).unwrap_or("");
        let day = parse_date(date).ok_or_else(|| {
            CkmError::invalid(format!(
                "{}: row {line}, column '{}': '{date}' is not a date (YYYY-MM-DD)",
                args.input, args.date_column
            ))
        })?;
        let value = value.filter(|v| v.is_finite()).ok_or_else(|| {
            CkmError::invalid(format!(
                "{}: row {line}, column '{}': not a number; fill or remove the row",
                args.input, args.value_column
            ))
        })?;
        let g = groups.number(by.and_then(|b| b.get(row)));
        let key = periods::period_of(args.period, day);
        *sums.entry((g, key)).or_default() += value;
    }
    if table.height() == 0 {
        return Err(CkmError::invalid(format!(
            "{}: the table has no rows",
            args.input
        )));
    }
    Ok((into_series(sums, &groups.names, None), table.height() as u64))
}

/// YYYY-MM-DD, optionally followed by a time, as a day number.
fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    let rest = text.get(10..)?;
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('T')) {
        return None;
    }
    periods::parse_ymd(&text[..10])
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
    record.parameter("input", &args.input);
    record.parameter("measure", format!("{:?}", args.measure).to_lowercase());
    record.parameter("period", format!("{:?}", args.period).to_lowercase());
    record.parameter("by", &args.by);
    record.parameter("model", method.name());
    record.parameter("season", season);
    record.parameter("horizon", horizon);
    record.parameter("level", &args.level);
    record.parameter("holdout", args.holdout);

    let (series, lines, from_transactions) = if args.series {
        let (series, rows) = series_from_table(&args)?;
        (series, rows, None)
    } else {
        let planned = io::plan_inputs(std::slice::from_ref(&args.input), &args.read.settings())?;
        let grouping = match (&args.segments, &args.by) {
            (Some(path), by) => {
                let column = by.as_deref().unwrap_or("rfm_segment");
                Grouping::Segments(read_segments(path, column, &args.read.settings())?)
            }
            (None, Some(by)) => Grouping::Column(by.clone()),
            (None, None) => Grouping::Whole,
        };
        let settings = SeriesSettings {
            measure: measure_of(args.measure),
            period: args.period,
            grouping,
            keep_partial: args.keep_partial,
        };
        let FromTransactions {
            series,
            lines,
            left_out,
        } = series_from_transactions(&args.input, &planned, &settings, record, &printer, hash)?;
        (series, lines, Some((left_out, planned)))
    };
    if series.is_empty() {
        return Err(CkmError::invalid(format!(
            "{}: no complete period with data; nothing to forecast",
            args.input
        )));
    }
    record.mark("read");

    let settings = ForecastSettings {
        method,
        season,
        horizon,
        holdout: args.holdout,
    };
    let outcomes = sales_forecast::compute(&series, &settings);
    record.mark("forecast");

    // The output: history then forecast rows per group.
    let mut group_column: Vec<Option<&str>> = Vec::new();
    let mut period_column: Vec<String> = Vec::new();
    let mut kind_column: Vec<&str> = Vec::new();
    let mut value_column: Vec<f64> = Vec::new();
    // Lower and upper bounds per level.
    let mut bounds: Vec<[Vec<Option<f64>>; 2]> = vec![[Vec::new(), Vec::new()]; args.level.len()];
    let mut model_column: Vec<Option<&str>> = Vec::new();
    let mut models_used: BTreeMap<String, usize> = BTreeMap::new();
    let mut notes: BTreeMap<String, usize> = BTreeMap::new();
    for outcome in &outcomes {
        let f = &outcome.forecast;
        *models_used.entry(f.method.name().to_string()).or_default() += 1;
        if let Some(note) = &f.note {
            *notes.entry(note.clone()).or_default() += 1;
        }
    }
    for point in sales_forecast::points(&series, &outcomes, &args.level) {
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
    let mut table = DataFrame::new(rows, columns)?;
    record
        .outputs
        .push(write::write_table(&mut table, &destination, format, hash)?);

    match &from_transactions {
        Some((left_out, planned)) if *left_out > 0 => {
            let measure = measure_of(args.measure);
            let written = rejects::write_rejected_lines(
                rejects::destination(args.rejects.as_deref(), &destination)?,
                planned,
                |columns| series::reject_reason(columns, measure),
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
            &outcomes,
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
    for (note, count) in &notes {
        record.figure(&format!("note ({count} series)"), note.clone());
    }
    printer.summary("ckm forecast sales", &record.summary_rows());
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
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
        let mean = |f: &dyn Fn(&Accuracy) -> f64| {
            let finite: Vec<f64> = rows.iter().map(|a| f(a)).filter(|v| v.is_finite()).collect();
            finite.iter().sum::<f64>() / finite.len().max(1) as f64
        };
        if !rows.is_empty() {
            record.figure(
                &format!("holdout {}", method.name()),
                format!(
                    "MASE {:.4}, sMAPE {:.2}, MAE {:.4}, RMSE {:.4}",
                    mean(&|a| a.mase),
                    mean(&|a| a.smape),
                    mean(&|a| a.mae),
                    mean(&|a| a.rmse)
                ),
            );
        }
    }
    if let Some((path, format)) = destination {
        let mut group = Vec::new();
        let mut model = Vec::new();
        let mut chosen = Vec::new();
        let (mut mae, mut rmse, mut mase, mut smape) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (s, o) in series.iter().zip(outcomes) {
            for HoldoutScore {
                method: m,
                chosen: picked,
                accuracy: a,
            } in &o.holdout
            {
                group.push(s.group.clone());
                model.push(m.name());
                chosen.push(picked.map(|p| p.name()));
                mae.push(a.mae);
                rmse.push(a.rmse);
                mase.push(a.mase.is_finite().then_some(a.mase));
                smape.push(a.smape);
            }
        }
        let n = model.len();
        let mut columns = Vec::new();
        if let Some(name) = group_name(args) {
            columns.push(Column::new(name.into(), group));
        }
        columns.extend([
            Column::new("model".into(), model),
            Column::new("auto_chose".into(), chosen),
            Column::new("mae".into(), mae),
            Column::new("rmse".into(), rmse),
            Column::new("mase".into(), mase),
            Column::new("smape".into(), smape),
        ]);
        let mut table = DataFrame::new(n, columns)?;
        record
            .outputs
            .push(write::write_table(&mut table, &path, format, hash)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_with_and_without_times() {
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert_eq!(parse_date("1970-01-02 10:00:00"), Some(1));
        assert_eq!(parse_date("1970-01-02T10:00"), Some(1));
        assert_eq!(parse_date("1970-01-0210"), None);
        assert_eq!(parse_date("02/01/1970"), None);
        assert_eq!(parse_date(""), None);
    }
}
