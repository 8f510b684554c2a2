//! ckm: parse the command line, dispatch to a subcommand, map the outcome to an exit code.

mod analyses;
mod cli;
mod commands;
mod error;
mod io;
mod mining;
mod prepare;
mod printer;
mod report;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::io::manifest::RunRecord;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut record = RunRecord::new(cli.command.name());
    record.hash_files = cli.audit_log.is_some();
    // The policy is checked before any work: a typo in it stops the run here.
    let policy = match (&cli.policy, &cli.role) {
        (Some(path), Some(role)) => io::policy::load(path, role).map(io::policy::activate),
        _ => Ok(()),
    };
    let keys = policy.and_then(|()| {
        if !cli.encrypt_to.is_empty() {
            io::encryption::activate_outputs(io::encryption::output_keys(&cli.encrypt_to)?);
        }
        if let Some(path) = &cli.identity {
            io::encryption::activate_inputs(io::encryption::input_keys(path)?);
        }
        Ok(())
    });
    let result = keys.and_then(|()| commands::run(cli.command, &mut record));
    let code: u8 = match &result {
        Ok(()) => 0,
        Err(error) if error::is_broken_pipe(error) => 0,
        Err(error) => {
            printer::Printer::new(false).error(&format!("{error:#}"));
            error::exit_code_for(error)
        }
    };
    if let Some(path) = &cli.audit_log {
        if let Err(error) = io::audit::append(path, &record, code) {
            printer::Printer::new(false).error(&format!("{error:#}"));
            // A run that cannot be audited fails, so cron notices.
            return ExitCode::from(if code == 0 { 1 } else { code });
        }
    }
    ExitCode::from(code)
}

/// jemalloc, as Python polars uses: on the 10M-line `segment` benchmark the system allocator
/// peaked at 1.02-1.27 GiB and jemalloc at 0.93 GiB, in the same time.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings (its `malloc_conf`; `_RJEM_MALLOC_CONF` in the environment overrides
/// them): freed pages go back to the system after a second instead of ten. A run holds several
/// large tables one after another (the report's analyses, say), and pages kept for reuse
/// counted in its peak.
#[cfg(not(target_env = "msvc"))]
#[allow(non_upper_case_globals)]
#[export_name = "_rjem_malloc_conf"]
pub static malloc_conf: &[u8] = b"dirty_decay_ms:1000,muzzy_decay_ms:0\0";

/// Hands the returning of freed pages to a jemalloc background thread, for a run that holds
/// large tables one after another: the report on 50M lines peaked at 8.2 GiB with the pages
/// returned by the allocating threads and at 7.9 GiB with the background thread, in the same
/// time. Not for every run: starting the thread costs about 2 ms, a tenth of a small run.
pub fn return_memory_in_background() {
    #[cfg(not(target_env = "msvc"))]
    {
        let mut enable = true;
        // SAFETY: "background_thread" is a documented jemalloc setting that takes a bool; the
        // pointer and size describe a live bool, and no old value is asked for. A failure only
        // leaves the setting as it was, so its return code is not needed.
        unsafe {
            tikv_jemalloc_sys::mallctl(
                c"background_thread".as_ptr(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                (&mut enable as *mut bool).cast(),
                std::mem::size_of::<bool>(),
            );
        }
    }
}
