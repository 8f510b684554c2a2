//! One module per subcommand: turn the flags into settings, read inputs through `io` and
//! `prepare`, call `analyses`, write outputs, print the summary.

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

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::{Command, OutputArgs, TableFormat};
use crate::io::manifest::RunRecord;
use crate::io::write::{self, Destination};
use crate::printer::Printer;

/// Runs one parsed command.
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

/// Where a run's results and messages go, decided once for every subcommand from its output
/// flags: the printer (quiet or not), the main table's destination and format, whether files
/// are hashed (for a manifest or an audit log), and where the manifest goes.
pub struct RunOutput {
    pub printer: Printer,
    pub destination: Destination,
    pub format: TableFormat,
    pub hash: bool,
    pub manifest: Option<PathBuf>,
}

impl RunOutput {
    pub fn new(output: &OutputArgs, record: &RunRecord) -> Result<RunOutput> {
        let (destination, format) = write::resolve_destination(output.output.as_deref(), output.format)?;
        Ok(RunOutput {
            printer: Printer::new(output.quiet),
            destination,
            format,
            hash: output.manifest.is_some() || record.hash_files,
            manifest: output.manifest.clone(),
        })
    }
}

/// Writes the run's manifest, when one was asked for: the last step of every run, so that it
/// records the outputs and the timings of all the others.
/// A moment given on the command line as YYYY-MM-DD (midnight) or YYYY-MM-DDTHH:MM:SS (UTC),
/// in milliseconds since 1970, as the canonical `ts` counts them.
pub fn parse_moment(flag: &str, text: &str) -> Result<i64> {
    let parsed = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S"))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight"))
        });
    parsed.map(|dt| dt.and_utc().timestamp_millis()).map_err(|_| {
        crate::error::CkmError::usage(format!(
            "{flag} '{text}': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS"
        ))
    })
}

pub fn write_manifest(manifest: Option<&Path>, record: &RunRecord) -> Result<()> {
    match manifest {
        Some(path) => record.write(path),
        None => Ok(()),
    }
}
