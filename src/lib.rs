//! `cchc` computes Vietnam's administrative-reform indices (the PAR Index, chỉ số CCHC)
//! from the files an inspection produces, and explains every point it gives.
//!
//! Every command is a library function ([`commands`]) that runs the same stages
//! ([`pipeline`]) and returns what it made; the binary only parses, calls and
//! delivers ([`deliver`]):
//!
//! ```text
//!  command line ─ cli → commands::run → Outcome { product, findings, exit }
//!     │
//!  load ──── framework: TOML mirror → validated Framework          framework/
//!     │      units, checklist, lineage: one tabular reader         input/ (workbook/)
//!     │      survey answers → figures                              survey
//!     │      dossier log: blocks on all cores, or Parquet (polars) dossier/ (its API)
//!     ▼
//!  score ─── rules → exact points per leaf and stage, with a trace score/
//!     ▼
//!  rank ──── ranks overall and in groups, ties, bands              rank
//!     ▼
//!  analyse ─ summary, year over year (through a lineage), gaps,     analysis/
//!     │      advice, sensitivity
//!     ▼
//!  report ── titled tables of typed columns, notes, findings       report/
//!     ▼
//!  export ── one Exporter per format: table, csv, json, md, xlsx,   export/
//!            parquet, html; delivered to stdout or --out, written   deliver, atomic
//!            atomically (temp file, then rename); --record          record
//! ```
//!
//! Findings about the data never stop the pipeline: they are collected as
//! [`diag::Diagnostic`]s (codes in one table, [`diag::Code`]) and reported together.
//! Problems that make a result meaningless (a broken framework, an unreadable file)
//! are an [`Error`] and nothing is written. Numbers are exact throughout ([`num`]).

#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr)]

pub mod analysis;
pub mod atomic;
pub mod caught;
pub mod cli;
pub mod commands;
pub mod date;
pub mod deliver;
pub mod diag;
pub mod dossier;
mod error;
pub mod export;
pub mod forms;
pub mod framework;
pub mod input;
pub mod lang;
pub mod num;
pub mod officials;
pub mod period;
pub mod pipeline;
pub mod platform;
pub mod portal;
pub mod project;
pub mod rank;
pub mod record;
pub mod report;
pub mod score;
pub mod survey;
pub mod term;

pub use error::{diag_lines, Error};
