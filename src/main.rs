//! The `cchc` binary: parse the command line, run the command, map the outcome to an
//! exit code (0 ok, 1 data findings, 2 stopped). A closed pipe is not an error; a
//! signal or a panic removes the run's temporary files and ends it with a message.

mod commands;
mod recording;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    guard();
    let cli = cchc::cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let text = match e.downcast_ref::<cchc::Error>() {
                Some(cchc::Error::Diagnostics(diags)) => format!(
                    "{}cchc: stopped; nothing was written\n",
                    commands::findings_text(diags, 0, false, cchc::lang::Lang::En)
                ),
                _ => format!("error: {}\n", cchc::term::clip_quoted(&format!("{e:#}"))),
            };
            eprint!("{}", cchc::term::escape_lines(&text));
            ExitCode::from(2)
        }
    }
}

/// SIGINT, SIGTERM and SIGHUP remove the temporary output files and end the run
/// (exit 128 + the signal); a panic anywhere — in a worker thread or inside a
/// dependency — does the same with exit 2 and a message, so no run hangs or leaves
/// half a file behind.
fn guard() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            std::thread::spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    cchc::output::cleanup();
                    std::process::exit(128 + sig);
                }
            });
        }
    }
    std::panic::set_hook(Box::new(|info| {
        // A workbook reader catches a panic inside its dependency and reports the file.
        if cchc::input::workbook::panic_is_caught() {
            return;
        }
        cchc::output::cleanup();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "error: internal error{at}: {}; nothing was written (please report this, with the command and the input that caused it)",
            cchc::term::escape(&what)
        );
        std::process::exit(2);
    }));
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
