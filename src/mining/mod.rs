//! Pure algorithms: slices in, plain structs out. No polars, no files, no printing.

pub mod identity;
pub mod returns;
