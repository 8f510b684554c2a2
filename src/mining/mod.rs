//! Pure algorithms: slices in, plain structs out. No polars, no files, no printing.

pub mod btyd;
pub mod churn;
pub mod clusters;
pub mod collaborative;
pub mod columns;
pub mod customer_totals;
pub mod fpgrowth;
pub mod identity;
pub mod money;
pub mod optimize;
pub mod outliers;
pub mod recommend;
pub mod returns;
pub mod rfm;
pub mod rules;
pub mod runs;
pub mod sequences;
pub mod series;
pub mod special;
