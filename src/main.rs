//! The `cchc` binary: parse the command line, run the command, map the outcome to an
//! exit code (0 ok, 1 data findings, 2 stopped). A closed pipe is not an error.

mod commands;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // polars memory-maps local CSV files by default, so a 10 GB log would count 10 GB
    // of resident pages; its streaming byte source reads 32 MB chunks instead, keeping
    // `cchc metrics` within bounded memory. Set before any thread starts and before
    // polars reads its configuration (a user's own setting wins).
    // Larger morsels (500k rows) halve the per-batch overhead of the dossier fold, and
    // fewer Parquet row groups in flight keep 10^8 rows under 2 GiB (benches/README.md).
    for (var, value) in [
        ("POLARS_FORCE_ASYNC", "1"),
        ("POLARS_IDEAL_MORSEL_SIZE", "500000"),
        ("POLARS_ROW_GROUP_PREFETCH_SIZE", "4"),
    ] {
        if std::env::var_os(var).is_none() {
            std::env::set_var(var, value);
        }
    }
    let cli = cchc::cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            match e.downcast_ref::<cchc::Error>() {
                Some(cchc::Error::Diagnostics(diags)) => {
                    eprint!(
                        "{}",
                        cchc::render::diagnostics_report(diags, 0, false, cchc::lang::Lang::En)
                    );
                    eprintln!("cchc: stopped; nothing was written");
                }
                _ => eprintln!("error: {e:#}"),
            }
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
