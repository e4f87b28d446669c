//! Every `console` example of the README and the guide (docs/) is run and its output
//! compared, so the documentation never drifts from the program.
//!
//! A block holds commands (`$ …`, continued by a trailing `\`, a comment after `  # `)
//! each followed by the output it prints (standard output, then standard error). An
//! output line may hold `…` (anything there), a line that is only `…` stands for any
//! number of lines, and an output that does not end in `…` is the whole output. The
//! blocks of one page run in order in one temp folder holding copies of the fixtures,
//! with `cchc` on the PATH; a command shown without output must succeed (exit 0 or 1).
//! `CCHC_BLESS=1 cargo test docs` rewrites every shown output that no longer matches
//! from the real one (at most 10 lines, each at most 118 characters, then `…`); one
//! that still matches, `…` and all, is left as written.

use std::path::{Path, PathBuf};

/// One command of a block and the output shown under it.
struct Example {
    command: String,
    /// The lines of the block the command takes (to rewrite them when blessing).
    lines: std::ops::Range<usize>,
    /// The output lines shown, and where they are.
    output: Vec<String>,
    output_lines: std::ops::Range<usize>,
    /// The block's indentation (a block inside a list item), taken off every line.
    indent: String,
}

/// The pages with examples: the README and every page of docs/.
fn pages() -> Vec<PathBuf> {
    let root = crate::common::root();
    let mut out = vec![root.join("README.md")];
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "md") {
                out.push(p);
            }
        }
    }
    walk(&root.join("docs"), &mut out);
    out
}

/// The examples of a page's `console` blocks, in order.
fn examples(text: &str) -> Vec<Example> {
    let all: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < all.len() {
        if all[i].trim() != "```console" {
            i += 1;
            continue;
        }
        let indent = all[i][..all[i].len() - all[i].trim_start().len()].to_string();
        let line = |k: usize| all[k].strip_prefix(indent.as_str()).unwrap_or(all[k]);
        let end = (i + 1..all.len())
            .find(|&k| all[k].trim() == "```")
            .unwrap_or(all.len());
        i += 1;
        while i < end {
            let Some(first) = line(i).strip_prefix("$ ") else {
                i += 1;
                continue;
            };
            let start = i;
            let mut command = first.to_string();
            while command.ends_with('\\') && i + 1 < end {
                command.pop();
                i += 1;
                command.push_str(line(i).trim_start());
            }
            if let Some(at) = command.find("  # ") {
                command.truncate(at);
            }
            i += 1;
            let out_start = i;
            while i < end && !line(i).starts_with("$ ") {
                i += 1;
            }
            out.push(Example {
                command: command.trim().to_string(),
                lines: start..out_start,
                output: (out_start..i).map(|k| line(k).to_string()).collect(),
                output_lines: out_start..i,
                indent: indent.clone(),
            });
        }
        i = end + 1;
    }
    out
}

/// Whether an actual line matches a shown one (`…` standing for anything).
fn line_matches(shown: &str, actual: &str) -> bool {
    let (shown, actual) = (shown.trim_end(), actual.trim_end());
    if !shown.contains('…') {
        return shown == actual;
    }
    let parts: Vec<&str> = shown.split('…').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !actual.starts_with(first) || actual.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &actual[first.len()..actual.len() - last.len()];
    if !actual.ends_with(last) {
        return false;
    }
    for p in &parts[1..parts.len() - 1] {
        match rest.find(p) {
            Some(at) => rest = &rest[at + p.len()..],
            None => return false,
        }
    }
    true
}

/// Whether the actual lines match the shown ones (a `…` line: any number of lines).
fn output_matches(shown: &[String], actual: &[&str]) -> bool {
    match shown.split_first() {
        None => actual.is_empty(),
        Some((s, rest)) if s.trim() == "…" => {
            (0..=actual.len()).any(|k| output_matches(rest, &actual[k..]))
        }
        Some((s, rest)) => {
            !actual.is_empty() && line_matches(s, actual[0]) && output_matches(rest, &actual[1..])
        }
    }
}

/// A temp folder with copies of the fixtures and `cchc` on a PATH of its own.
fn workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = crate::common::root();
    for dir in ["fixtures", "tests/fixtures", "criteria"] {
        let to = tmp.path().join(dir);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        let ok = std::process::Command::new("cp")
            .args(["-r"])
            .arg(root.join(dir))
            .arg(&to)
            .status()
            .unwrap()
            .success();
        assert!(ok, "copy {dir}");
    }
    let bin = tmp.path().join(".bin");
    std::fs::create_dir(&bin).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_cchc"), bin.join("cchc")).unwrap();
    tmp
}

/// Runs a command as a shell would, in `dir`: (exit code, stdout then stderr).
fn run(command: &str, dir: &Path) -> (i32, String) {
    let path = format!(
        "{}:{}",
        dir.join(".bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env("PATH", path)
        .output()
        .unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// The output as blessing writes it: at most 10 lines, each at most 118 characters.
fn shown(actual: &str) -> Vec<String> {
    let lines: Vec<&str> = actual.lines().collect();
    let cut = |l: &str| -> String {
        if l.chars().count() > 118 {
            let head: String = l.chars().take(117).collect();
            format!("{head}…")
        } else {
            l.to_string()
        }
    };
    let mut out: Vec<String> = lines
        .iter()
        .take(if lines.len() > 12 { 10 } else { 12 })
        .map(|l| cut(l))
        .collect();
    if lines.len() > 12 {
        out.push("…".into());
    }
    out
}

#[cfg(unix)]
#[test]
fn every_console_example_of_the_docs_runs_as_shown() {
    let bless = std::env::var_os("CCHC_BLESS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let examples = examples(&text);
        if examples.is_empty() {
            continue;
        }
        let ws = workspace();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut rewrites: Vec<(std::ops::Range<usize>, Vec<String>)> = Vec::new();
        for e in &examples {
            count += 1;
            let (code, actual) = run(&e.command, ws.path());
            let actual_lines: Vec<&str> = actual.lines().collect();
            let ok = if e.output.is_empty() {
                code == 0 || code == 1
            } else {
                output_matches(&e.output, &actual_lines)
            };
            if bless && !ok && !e.output.is_empty() {
                let new = shown(&actual)
                    .into_iter()
                    .map(|l| format!("{}{l}", e.indent))
                    .collect();
                rewrites.push((e.output_lines.clone(), new));
            } else if !ok {
                failures.push(format!(
                    "{}:{}: $ {}\n  exit {code}; it printed:\n{}\n  shown:\n{}",
                    page.display(),
                    e.lines.start + 1,
                    e.command,
                    actual,
                    e.output.join("\n")
                ));
            }
        }
        if bless && !rewrites.is_empty() {
            for (range, new) in rewrites.into_iter().rev() {
                lines.splice(range, new);
            }
            std::fs::write(&page, lines.join("\n") + "\n").unwrap();
        }
    }
    assert!(count > 20, "only {count} examples");
    assert!(
        failures.is_empty(),
        "{} example(s) differ:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_matcher_reads_ellipses_as_the_docs_use_them() {
    let actual = ["a,b,c,d", "row 1", "row 2", "row 3", "end"];
    let shown = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert!(output_matches(&shown(&["a,…,d", "…", "end"]), &actual));
    assert!(output_matches(&shown(&["a,b,c,d", "row 1", "…"]), &actual));
    assert!(!output_matches(&shown(&["a,b,c,d", "row 1"]), &actual));
    assert!(!output_matches(&shown(&["a,…,e", "…"]), &actual));
    assert!(line_matches("│ P01 ┆ … ┆ 3.78 │", "│ P01 ┆ x ┆ y ┆ 3.78 │"));
    assert!(!line_matches("ab…ba", "aba"));
}

#[test]
fn every_relative_link_of_the_docs_leads_to_a_file() {
    let mut broken = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let dir = page.parent().unwrap();
        for (i, _) in text.match_indices("](") {
            let rest = &text[i + 2..];
            let Some(end) = rest.find(')') else { continue };
            let target = rest[..end].split('#').next().unwrap_or("");
            if target.is_empty() || target.contains("://") || target.contains(' ') {
                continue;
            }
            if !dir.join(target).exists() {
                broken.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}
