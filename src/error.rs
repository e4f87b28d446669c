//! What stops a run: an [`Error`] (exit code 2, nothing written), as opposed to the
//! findings about the data that every command collects and reports.

use crate::{diag, dossier, input, period};

/// What stops a run (exit code 2; nothing is written).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Wrong use of the command line or the project folder.
    #[error("{0}")]
    Usage(String),
    /// A framework or manifest that does not validate: every problem found.
    #[error("{}", diag_lines(.0))]
    Diagnostics(Vec<diag::Diagnostic>),
    /// An input file that cannot be read at all.
    #[error(transparent)]
    Input(#[from] input::InputError),
    /// A period that is not understood.
    #[error(transparent)]
    Period(#[from] period::PeriodError),
    /// A dossier log that cannot be used.
    #[error(transparent)]
    Dossier(#[from] dossier::DossierError),
}

/// Every diagnostic on its own line (for errors that stop a run).
pub fn diag_lines(diags: &[diag::Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}
