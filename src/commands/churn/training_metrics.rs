//! What `ckm churn train` measured, as the metrics file and the summary on stderr show it.

use serde::Serialize;

use super::record_bands;
use crate::io::manifest::RunRecord;
use crate::mining::churn::encoding::ColumnEncoding;
use crate::mining::churn::metrics::{CalibrationBin, Confusion};
use crate::printer::{thousands, Printer};

#[derive(Debug, Serialize)]
pub(super) struct CandidateMetrics {
    pub(super) model: &'static str,
    pub(super) roc_auc: Option<f64>,
    pub(super) pr_auc: Option<f64>,
    pub(super) log_loss: f64,
    pub(super) brier: f64,
    pub(super) top_decile_lift: Option<f64>,
    pub(super) cross_validation_seconds: f64,
}

#[derive(Debug, Serialize)]
pub(super) struct ImportanceRow {
    pub(super) column: String,
    pub(super) share: f64,
}

#[derive(Debug, Serialize)]
pub(super) struct TrainingMetrics {
    pub(super) customers: usize,
    pub(super) churners: usize,
    pub(super) churn_rate: f64,
    pub(super) folds: usize,
    /// Customers the models were cross-validated on: all, or a stratified sample
    /// (`--cv-sample`); the out-of-fold metrics, threshold and calibration are theirs.
    pub(super) cross_validated_customers: usize,
    pub(super) seed: u64,
    pub(super) class_weight: &'static str,
    pub(super) chosen_model: &'static str,
    /// Out-of-fold metrics of every model tried.
    pub(super) candidates: Vec<CandidateMetrics>,
    pub(super) threshold: f64,
    pub(super) confusion: Confusion,
    pub(super) precision: f64,
    pub(super) recall: f64,
    pub(super) f1: f64,
    pub(super) calibration: Vec<CalibrationBin>,
    pub(super) importance: Vec<ImportanceRow>,
    pub(super) features_used: Vec<String>,
    pub(super) columns_excluded: Vec<(String, String)>,
}

/// Importance per input column: the shares of its features added up, largest first.
pub(super) fn column_importance(
    shares: &[f64],
    sources: &[usize],
    encodings: &[ColumnEncoding],
) -> Vec<ImportanceRow> {
    let mut per_column = vec![0.0; encodings.len()];
    for (share, &c) in shares.iter().zip(sources) {
        per_column[c] += share;
    }
    let mut rows: Vec<ImportanceRow> = encodings
        .iter()
        .zip(per_column)
        .map(|(e, share)| ImportanceRow {
            column: e.column().to_string(),
            share,
        })
        .collect();
    rows.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.column.cmp(&b.column)));
    rows
}

fn optional(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |v| format!("{v:.4}"))
}

pub(super) fn report_training(
    record: &mut RunRecord,
    printer: &Printer,
    m: &TrainingMetrics,
    bands: [usize; 3],
) {
    record.figure("customers", thousands(m.customers as u64));
    record.figure(
        "churners",
        format!("{} ({:.1}%)", thousands(m.churners as u64), 100.0 * m.churn_rate),
    );
    for (column, why) in &m.columns_excluded {
        record.figure(&format!("excluded {column}"), why);
    }
    record.figure("features", m.features_used.len());
    if m.cross_validated_customers < m.customers {
        record.figure(
            "cross-validated on",
            format!(
                "a stratified sample of {} customers (--cv-sample); the chosen model is fitted on all",
                thousands(m.cross_validated_customers as u64)
            ),
        );
    }
    for c in &m.candidates {
        record.figure(
            &format!("{} out-of-fold ROC AUC", c.model),
            format!(
                "{} ({:.2} s for {} folds)",
                optional(c.roc_auc),
                c.cross_validation_seconds,
                m.folds
            ),
        );
    }
    record.figure("chosen model", m.chosen_model);
    let chosen = m
        .candidates
        .iter()
        .find(|c| c.model == m.chosen_model)
        .expect("chosen is a candidate");
    record.figure("PR AUC", optional(chosen.pr_auc));
    record.figure("log loss", format!("{:.4}", chosen.log_loss));
    record.figure("Brier score", format!("{:.4}", chosen.brier));
    record.figure("top-decile lift", optional(chosen.top_decile_lift));
    record.figure(
        "threshold (best F1)",
        format!(
            "{:.4}: precision {:.3}, recall {:.3}, TP {} FP {} TN {} FN {}",
            m.threshold,
            m.precision,
            m.recall,
            m.confusion.true_positives,
            m.confusion.false_positives,
            m.confusion.true_negatives,
            m.confusion.false_negatives
        ),
    );
    record_bands(record, bands);
    printer.summary("ckm churn train", &record.summary_rows());
    let header: Vec<String> = ["probability", "customers", "mean predicted", "churn rate"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let rows: Vec<Vec<String>> = m
        .calibration
        .iter()
        .filter(|b| b.customers > 0)
        .map(|b| {
            vec![
                format!("{:.1}-{:.1}", b.lower, b.upper),
                thousands(b.customers as u64),
                optional(b.mean_probability),
                optional(b.churn_rate),
            ]
        })
        .collect();
    printer.table(&header, &rows);
    let header: Vec<String> = ["column", "importance"].iter().map(|s| s.to_string()).collect();
    let rows: Vec<Vec<String>> = m
        .importance
        .iter()
        .take(10)
        .map(|r| vec![r.column.clone(), format!("{:.1}%", 100.0 * r.share)])
        .collect();
    printer.table(&header, &rows);
}
