//! The `cchc` binary: parse the command line, run the command, map the outcome to an
//! exit code (0 ok, 1 data findings, 2 stopped). A closed pipe is not an error.

mod commands;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // glibc raises its mmap threshold each time a large block is freed, after which
    // big allocations come from the heap and freed ones are kept: batches allocated on
    // one thread and freed on another then ratchet resident memory up (a 10^7-row
    // Parquet log peaked at 0.9-1.1 GB, 0.23 GB with a fixed threshold, same speed;
    // benches/README.md). A fixed threshold keeps blocks of 1 MiB and more in mmap,
    // returned to the system when freed. A user's own MALLOC_MMAP_THRESHOLD_ wins.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        // SAFETY: mallopt only changes the allocator's settings; no thread has started.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        }
    }
    // polars reads Parquet logs (CSV ones have their own reader). Its streaming byte
    // source reads chunks instead of memory-mapping the file (mapped pages would count
    // as resident memory), one row group is fetched ahead, in morsels of 100k rows: at
    // 10^7 rows this halves the peak against polars' defaults at the same speed
    // (benches/README.md). Set before any thread starts and before polars reads its
    // configuration (a user's own setting wins).
    for (var, value) in [
        ("POLARS_FORCE_ASYNC", "1"),
        ("POLARS_IDEAL_MORSEL_SIZE", "100000"),
        ("POLARS_ROW_GROUP_PREFETCH_SIZE", "1"),
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
