//! The one integration-test binary (one link): CLI cases as data, hand-checked scoring,
//! ranking properties, framework validation and the small parsers.

mod advice;
mod architecture;
mod audit;
mod cases;
mod common;
mod csvreader;
mod datasets;
mod docs;
mod exactness;
mod forms;
mod framework_validation;
mod gen;
mod hostile_workbooks;
mod html;
mod lineage;
mod official;
mod output;
mod outputs_trust;
mod parquet;
mod parsing;
mod properties;
mod published;
mod published_indices;
mod scale;
mod scoring;
mod sensitivity;
mod shapes;
mod snapshots;
mod sql;
mod survey;
mod terminal;
mod verify;
mod windows;
mod workbooks;
mod xlsx;
