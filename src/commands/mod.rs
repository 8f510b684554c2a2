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
pub mod report;
pub mod rules;
pub mod segment;
pub mod sequences;

use anyhow::Result;

use crate::cli::Command;
use crate::io::manifest::RunRecord;

/// Runs one parsed command: the binary's dispatch, and the report's, which runs the other
/// subcommands in-process.
pub fn run(command: Command, record: &mut RunRecord) -> Result<()> {
    match command {
        Command::Ingest(args) => ingest::run(args, record),
        Command::Clean(args) => clean::run(args, record),
        Command::Segment(args) => segment::run(args, record),
        Command::Rules(args) => rules::run(args, record),
        Command::Forecast(verb) => forecast::run(verb, record),
        Command::Churn(args) => churn::run(args, record),
        Command::Report(args) => report::run(*args, record),
        Command::GenerateSample(args) => generate_sample::run(args),
        Command::GenerateDocs(args) => generate_docs::run(args),
    }
}
