//! ckm: parse the command line, dispatch to a subcommand, map the outcome to an exit code.

mod cli;
mod commands;
mod error;
mod io;
mod mining;
mod printer;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ingest(args) => commands::ingest::run(args),
        Command::Clean(args) => commands::clean::run(args),
        Command::GenerateSample(args) => commands::generate_sample::run(args),
        Command::GenerateDocs(args) => commands::generate_docs::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            printer::Printer::new(false).error(&format!("{error:#}"));
            error::exit_code_for(&error)
        }
    }
}
