//! The `cchc` binary: parse the command line, run the command (a library function,
//! [`cchc::commands`]), deliver what it produced, print its notes and findings, write
//! its record, and map the outcome to an exit code (0 ok, 1 data findings, 2
//! stopped). A closed pipe is not an error; a signal or a panic removes the run's
//! temporary files and ends it with a message.

use clap::Parser;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// At most this many findings of one code are printed on a terminal; JSON has them all.
const PER_CODE: usize = 25;

fn main() -> ExitCode {
    guard();
    if std::env::args_os().len() == 1 && cchc::platform::opened_by_double_click() {
        return double_clicked();
    }
    let cli = cchc::cli::Cli::parse();
    let env = cchc::commands::Env {
        scan: cchc::dossier::ScanOptions {
            block_size: cli
                .csv_block_size
                .unwrap_or(cchc::dossier::ScanOptions::default().block_size),
            ..Default::default()
        },
        width: cli.width.or_else(|| {
            std::io::stdout()
                .is_terminal()
                .then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
                .flatten()
        }),
        stdout_terminal: std::io::stdout().is_terminal(),
        stderr_terminal: std::io::stderr().is_terminal(),
        args: std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
    };
    match cchc::commands::run(cli.command, &env).and_then(|o| finish(o, &env)) {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let text = match e.downcast_ref::<cchc::Error>() {
                Some(cchc::Error::Diagnostics(diags)) => format!(
                    "{}cchc: stopped; nothing was written\n",
                    cchc::diag::text(diags, 0, false, cchc::lang::Lang::En)
                ),
                _ => format!("error: {}\n", cchc::term::clip_quoted(&format!("{e:#}"))),
            };
            eprint!("{}", cchc::term::escape_lines(&text));
            ExitCode::from(2)
        }
    }
}

/// Delivers a command's product, prints its notes and findings (escaped), writes its
/// record; returns its exit code.
fn finish(o: cchc::commands::Outcome, env: &cchc::commands::Env) -> anyhow::Result<u8> {
    let mut stdout = std::io::stdout().lock();
    let written = cchc::deliver::deliver(&o.product, env, &mut stdout)?;
    let mut err = std::io::stderr().lock();
    if !o.quiet {
        for n in &o.notes {
            let _ = writeln!(err, "{}", cchc::term::escape_lines(n));
        }
    }
    let _ = err.write_all(cchc::diag::text(&o.findings, PER_CODE, o.quiet, o.lang).as_bytes());
    if let Some(why) = &o.stopped {
        let _ = writeln!(err, "error: {}", cchc::term::escape_lines(why));
    }
    if let Some(rec) = &o.record {
        let format = written.format.map_or("", |f| f.name());
        let run = cchc::record::Run {
            command: rec.command,
            args: &env.args,
            inputs: &rec.inputs,
            framework: rec.framework.as_ref(),
            format,
            width: written.width,
            outputs: &written.outputs,
            exit_code: o.exit,
        };
        cchc::record::write(&rec.to, &run)?;
    }
    Ok(o.exit)
}

/// SIGINT, SIGTERM and SIGHUP (Ctrl-C, Ctrl-Break and closing the window on Windows)
/// remove the temporary output files and end the run (exit 128 + the signal, 130 on
/// Windows); a panic anywhere — in a worker thread or inside a
/// dependency — does the same with exit 2 and a message, so no run hangs or leaves
/// half a file behind.
fn guard() {
    cchc::platform::on_interrupt(|code| {
        cchc::atomic::cleanup();
        std::process::exit(code);
    });
    std::panic::set_hook(Box::new(|info| {
        // A reader of files from other hands (workbooks, Parquet logs) catches a panic
        // inside its dependency and reports the file.
        if cchc::caught::panic_is_caught() {
            return;
        }
        cchc::atomic::cleanup();
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

/// A double-clicked `cchc.exe` has a console window of its own that would close at
/// once: say what cchc is and how to run it, and wait for Enter.
fn double_clicked() -> ExitCode {
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{}", cchc::cli::DOUBLE_CLICK);
    let _ = out.flush();
    let _ = std::io::stdin().read_line(&mut String::new());
    ExitCode::SUCCESS
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
