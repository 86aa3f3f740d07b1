//! The one error type of the library and the process exit codes.
//!
//! A failed assertion is not an error: it is an outcome in the run's events and decides exit
//! code 1. `Error` is for what stops a run (or a `validate`) before or while it starts.

use std::path::PathBuf;

use crate::source::Diagnostic;

/// All requests passed (or `validate` found nothing).
pub const EXIT_OK: u8 = 0;
/// An assertion or capture failed.
pub const EXIT_FAILED: u8 = 1;
/// Invalid input: command line, YAML, template, JSONPath, unknown variable.
pub const EXIT_INVALID: u8 = 2;
/// A request could not be completed: connection refused, DNS, TLS, timeout.
pub const EXIT_TRANSPORT: u8 = 3;

/// What stops a run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad command line or setting.
    #[error("{0}")]
    Usage(String),
    /// A problem at a place in a user's file.
    #[error("{}", .0.render())]
    Input(Box<Diagnostic>),
    /// Several located problems (from `validate` and the pre-run check).
    #[error("{}", render_all(.0))]
    Inputs(Vec<Diagnostic>),
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A server (the simulator) could not start.
    #[error("{0}")]
    Server(String),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Server(_) => EXIT_TRANSPORT,
            _ => EXIT_INVALID,
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Input(Box::new(d))
    }
}

fn render_all(ds: &[Diagnostic]) -> String {
    ds.iter()
        .map(Diagnostic::render)
        .collect::<Vec<_>>()
        .join("\n")
}
