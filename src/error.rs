//! The typed errors a caller decides something from, and the exit codes they map to.
//!
//! Everything else travels as `anyhow::Error` with context; `main` walks the chain for one of
//! these to pick the exit code.

/// Exit codes documented in README.md and the man pages.
pub mod exit {
    pub const SUCCESS: u8 = 0;
    pub const RUNTIME: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INVALID_DATA: u8 = 3;
}

#[derive(Debug, thiserror::Error)]
pub enum CkmError {
    /// The input cannot be used as given: a missing required column, nothing parseable, a
    /// binary or wrongly encoded file. Exit code 3.
    #[error("{0}")]
    InvalidData(String),
    /// The command line is inconsistent in a way clap cannot see. Exit code 2.
    #[error("{0}")]
    Usage(String),
    /// The reader of our stdout went away (`ckm ... | head`): end quietly with success.
    #[error("broken pipe")]
    BrokenPipe,
}

impl CkmError {
    pub fn invalid(message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(CkmError::InvalidData(message.into()))
    }

    pub fn usage(message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(CkmError::Usage(message.into()))
    }
}

/// Finds the exit code for an error by looking for a typed cause anywhere in its chain.
pub fn exit_code_for(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        if let Some(ckm) = cause.downcast_ref::<CkmError>() {
            return match ckm {
                CkmError::InvalidData(_) => exit::INVALID_DATA,
                CkmError::Usage(_) => exit::USAGE,
                CkmError::BrokenPipe => exit::SUCCESS,
            };
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return exit::SUCCESS;
            }
        }
    }
    exit::RUNTIME
}

/// True when the error only says that the reader of stdout went away.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(cause.downcast_ref::<CkmError>(), Some(CkmError::BrokenPipe))
            || cause
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
