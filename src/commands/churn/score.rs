//! `ckm churn score`: score customers with a model saved by `ckm churn train --model-out`.

use anyhow::Result;

use super::{
    as_raw_column, find_id_column, read_raw_table, record_bands, score_table, shown_columns, source_rows,
    trimmed_text, Customers,
};
use crate::cli::ChurnScoreArgs;
use crate::commands::{write_manifest, RunOutput};
use crate::error::CkmError;
use crate::io::churn_model::{self, TrainingSource};
use crate::io::manifest::RunRecord;
use crate::io::periods::{day_text, MS_PER_DAY};
use crate::io::{self, read, write};
use crate::mining::churn::bands::band_counts;
use crate::mining::churn::encoding::{self, ColumnEncoding, RawColumn};
use crate::prepare::churn_features;
use crate::printer::thousands;

pub(super) fn score(args: ChurnScoreArgs, record: &mut RunRecord) -> Result<()> {
    let RunOutput {
        printer,
        destination,
        format,
        hash,
        manifest,
    } = RunOutput::new(&args.output, record)?;
    let model = churn_model::read_model(&args.model)?;
    record.parameter("input", &args.input);
    record.parameter("model", args.model.display().to_string());
    let customers = match &model.source {
        TrainingSource::Labelled { id_column, .. } => {
            let (table, source) = read_raw_table(&args.input, &args.read.settings())?;
            let display = source.spec.display.clone();
            io::record_inputs(
                std::slice::from_ref(&source),
                &[table.height() as u64],
                record,
                hash,
            )?;
            let names: Vec<String> = table.get_column_names().iter().map(|n| n.to_string()).collect();
            let mut columns = Vec::new();
            for e in &model.encodings {
                let name = e.column();
                if !names.iter().any(|n| n == name) {
                    return Err(CkmError::invalid(format!(
                        "{display}: no column '{name}', which the model {} was trained on; the columns are {}",
                        args.model.display(),
                        shown_columns(&names)
                    )));
                }
                let column = table.column(name)?;
                let values = match e {
                    ColumnEncoding::Numeric { .. } => match as_raw_column(column)? {
                        RawColumn::Text(_) => RawColumn::Numbers(read::numbers_in_text(&table, name)?),
                        numbers => numbers,
                    },
                    ColumnEncoding::Categorical { .. } => RawColumn::Text(trimmed_text(column)?),
                };
                columns.push((name.to_string(), values));
            }
            let id = match id_column {
                Some(c) if names.contains(c) => Some(c.clone()),
                _ => find_id_column(&table, None, &display)?,
            };
            let ids: Vec<String> = match &id {
                Some(c) => read::text_values(&table, c)?,
                None => source_rows(&table, &source)?
                    .iter()
                    .map(|r| r.to_string())
                    .collect(),
            };
            Customers {
                id_column: id.unwrap_or_else(|| "source_row".into()),
                ids,
                columns,
                labels: None,
                excluded: Vec::new(),
            }
        }
        TrainingSource::Transactions { .. } => {
            let planned = io::plan_inputs(std::slice::from_ref(&args.input), &args.read.settings())?;
            let activity = churn_features::activity(&planned, record, &printer)?;
            io::record_inputs(&planned.sources, &[activity.lines], record, hash)?;
            let end_day = activity.latest_ms.div_euclid(MS_PER_DAY) + 1;
            printer.info(&format!("scores as of {}", day_text(end_day)));
            churn_features::transaction_customers(
                &planned,
                &activity,
                &[(end_day * MS_PER_DAY, None)],
                record,
                &printer,
            )?
            .pop()
            .expect("customers for the one end")
        }
    };
    let raw: Vec<&RawColumn> = customers.columns.iter().map(|c| &c.1).collect();
    let x = encoding::encode(&model.encodings, &raw);
    let dims = model.features.len();
    if x.len() != dims * customers.ids.len() {
        return Err(CkmError::invalid(format!(
            "{}: the model's encodings do not match its {} features; the file was edited or is damaged",
            args.model.display(),
            dims
        )));
    }
    let probabilities = model.classifier.probabilities(&x, dims);
    let mut table = score_table(
        &customers,
        &model.classifier,
        &model.encodings,
        &x,
        dims,
        &probabilities,
        model.band_cutoffs,
    )?;
    let written = write::write_table(&mut table, &destination, format, hash)?;
    record.outputs.push(written);
    record.figure("customers scored", thousands(customers.ids.len() as u64));
    record_bands(record, band_counts(&probabilities, model.band_cutoffs));
    printer.summary("ckm churn score", &record.summary_rows());
    write_manifest(manifest.as_deref(), record)?;
    Ok(())
}
