//! One module per subcommand: read inputs through `io`, call `mining`, write outputs, print
//! the summary.

pub mod churn;
pub mod clean;
pub mod forecast;
pub mod forecast_sales;
pub mod generate_docs;
pub mod generate_sample;
pub mod ingest;
pub mod recommend;
pub mod rules;
pub mod segment;
pub mod sequences;
