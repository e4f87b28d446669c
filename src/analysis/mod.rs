//! Analyses of a finished run: what the ranking means beyond itself. Each reads a
//! ranked [`crate::pipeline::Run`] and returns plain data that a report builder turns
//! into tables.
//!
//! - [`summary`]: units, the mean index, units per band;
//! - [`previous`]: year over year against an earlier ranking;
//! - [`gaps`]: where one stage moved another's points (self → appraised → final);
//! - [`advice`]: the points within one unit's reach, and what they would do.
//! - [`sensitivity`]: the ranking under random area weights, or with an area left out.
//! - [`audit`]: where a published results table contradicts itself, and
//!   [`published`]: such a table read from a CSV or a workbook.

pub mod advice;
pub mod audit;
pub mod gaps;
pub mod previous;
pub mod published;
pub mod reconcile;
pub mod sensitivity;
pub mod summary;
