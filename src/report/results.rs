//! What the report's sections show of each analysis: the few columns they use, taken from the
//! analysis run in-process ([`super::analyses`]) or from the file given in its place
//! (`--segments` and the like, [`super::given`]). Numbers are kept as the analyses' output
//! tables hold them (rounded as written), so a section reads the same from either.

use anyhow::Result;
use polars::prelude::*;

use crate::io::read;

/// Per customer, from `ckm segment`.
pub struct CustomerSegments {
    pub ids: Vec<String>,
    pub monetary: Vec<Option<f64>>,
    pub r_score: Vec<Option<f64>>,
    pub f_score: Vec<Option<f64>>,
    pub segment: Vec<String>,
}

/// Each customer's recommended items, from `ckm rules recommend --transactions`.
pub struct CustomerRecommendations {
    /// The recommender, in words.
    pub model: String,
    pub customer_ids: Vec<String>,
    pub item_names: Vec<String>,
    /// Per customer (as `customer_ids`), best first, as numbers into `item_names`.
    pub recommended: Vec<Vec<crate::mining::collaborative::Recommendation>>,
}

/// The cluster profiles as `ckm segment --profiles` shows them: a header and rows of text.
pub struct ClusterProfiles {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One period of the revenue series, from `ckm forecast sales`: history or forecast.
pub struct RevenuePoint {
    /// The period's month, YYYY-MM.
    pub month: String,
    pub is_history: bool,
    pub is_forecast: bool,
    pub value: Option<f64>,
    pub lo_80: Option<f64>,
    pub hi_80: Option<f64>,
    pub lo_95: Option<f64>,
    pub hi_95: Option<f64>,
}

pub struct RevenueForecast {
    pub points: Vec<RevenuePoint>,
    /// The forecast's model, as the forecast table names it.
    pub model: Option<String>,
}

/// One association rule, from `ckm rules`: its sides as text (`{a, b}`) and its measures.
pub struct RuleRow {
    pub antecedent: String,
    pub consequent: String,
    pub support: Option<f64>,
    pub confidence: Option<f64>,
    pub lift: Option<f64>,
    /// The distinct customers whose orders hold the rule's items, counted only under a
    /// policy's min_group, and for the rules the report may show.
    pub customers: Option<u64>,
}

/// Per customer, from `ckm forecast customers`; `clv` is absent without a spend model.
pub struct CustomerValues {
    pub ids: Vec<String>,
    pub p_alive: Vec<Option<f64>>,
    pub expected_purchases: Vec<Option<f64>>,
    pub clv: Option<Vec<Option<f64>>>,
}

/// Per customer, from `ckm churn`.
pub struct ChurnScores {
    /// The name of the id column (the table's first).
    pub id_column: String,
    pub ids: Vec<String>,
    pub probability: Vec<Option<f64>>,
    pub band: Vec<String>,
}

/// A column as numbers: null, non-numeric and non-finite values are `None`.
pub fn numbers(table: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    Ok(table
        .column(name)?
        .cast(&DataType::Float64)?
        .f64()?
        .iter()
        .map(|v| v.filter(|v| v.is_finite()))
        .collect())
}

impl CustomerSegments {
    /// From a segment table (`analyses::segment`'s, rounded for output).
    pub fn from_table(table: &DataFrame) -> Result<CustomerSegments> {
        Ok(CustomerSegments {
            ids: read::text_values(table, "customer_id")?,
            monetary: numbers(table, "monetary")?,
            r_score: numbers(table, "r_score")?,
            f_score: numbers(table, "f_score")?,
            segment: read::text_values(table, "rfm_segment")?,
        })
    }
}

impl CustomerValues {
    /// From a CLV table (`analyses::clv::score`'s).
    pub fn from_table(table: &DataFrame) -> Result<CustomerValues> {
        let has_clv = table.schema().contains("clv");
        Ok(CustomerValues {
            ids: read::text_values(table, "customer_id")?,
            p_alive: numbers(table, "p_alive")?,
            expected_purchases: numbers(table, "expected_purchases")?,
            clv: has_clv.then(|| numbers(table, "clv")).transpose()?,
        })
    }
}

impl ChurnScores {
    /// From a churn table (`analyses::churn_risk`'s).
    pub fn from_table(table: &DataFrame) -> Result<ChurnScores> {
        let id_column = table
            .get_column_names()
            .first()
            .map(|n| n.to_string())
            .unwrap_or_default();
        Ok(ChurnScores {
            ids: read::text_values(table, &id_column)?,
            id_column,
            probability: numbers(table, "churn_probability")?,
            band: read::text_values(table, "risk_band")?,
        })
    }
}
