//! The analyses, each computed from prepared data (`crate::prepare`) and a settings struct,
//! returning a result: no files, no printing. The commands write and summarise what these
//! return.

pub mod churn_risk;
pub mod clv;
pub mod recommendations;
pub mod rules;
pub mod sales_forecast;
pub mod segment;
