//! The structure stays as documented (README "Architecture"): no import cycles between
//! the library's top-level modules, nor between sibling modules inside a folder, and
//! no function over 80 lines without a reason written above it (`Long:`).
//!
//! How the cycles are checked: every `crate::<module>` path in a file is an edge from
//! the file's top-level module to that module; every `super::<sibling>` or
//! `crate::<folder>::<sibling>` path in a folder's file is an edge between siblings.
//! A cycle in either graph fails the test with its path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, root, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&p).unwrap();
                // Comments do not import anything.
                let code: String = text
                    .lines()
                    .map(|l| l.split("//").next().unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join("\n");
                out.push((rel, code));
            }
        }
    }
    let root = crate::common::root().join("src");
    walk(&root, &root, &mut out);
    out.sort();
    out
}

/// Identifiers that follow `prefix` in `code` (`crate::` → `score`, `dossier`, …).
fn after<'a>(code: &'a str, prefix: &str) -> BTreeSet<&'a str> {
    code.match_indices(prefix)
        .map(|(i, _)| {
            let rest = &code[i + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|s| !s.is_empty())
        .collect()
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            let mut c = path[i..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        if let Some(c) = visit(n, graph, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_import_cycles_between_modules() {
    let files = sources();
    let module = |rel: &str| -> Option<String> {
        let first = rel.split('/').next().unwrap().trim_end_matches(".rs");
        (!matches!(first, "main" | "commands" | "lib")).then(|| first.to_string())
    };
    let modules: BTreeSet<String> = files.iter().filter_map(|(r, _)| module(r)).collect();
    // Top level: crate::<module>.
    let mut top: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, code) in &files {
        let Some(m) = module(rel) else { continue };
        let deps: Vec<String> = after(code, "crate::")
            .into_iter()
            .filter(|d| modules.contains(*d) && **d != m)
            .map(str::to_string)
            .collect();
        top.entry(m).or_default().extend(deps);
    }
    assert!(top.len() > 10, "{top:?}");
    assert_eq!(find_cycle(&top), None, "a cycle between top-level modules");
    // Inside each folder: siblings by super::<name> or crate::<folder>::<name>.
    let mut folders: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (rel, code) in &files {
        let parts: Vec<&str> = rel.split('/').collect();
        if parts.len() != 2 || parts[1] == "mod.rs" {
            continue;
        }
        let (folder, me) = (parts[0], parts[1].trim_end_matches(".rs"));
        let siblings: BTreeSet<String> = files
            .iter()
            .filter_map(|(r, _)| {
                let p: Vec<&str> = r.split('/').collect();
                (p.len() == 2 && p[0] == folder && p[1] != "mod.rs")
                    .then(|| p[1].trim_end_matches(".rs").to_string())
            })
            .collect();
        let deps: BTreeSet<String> = after(code, "super::")
            .into_iter()
            .chain(after(code, &format!("crate::{folder}::")))
            .filter(|d| siblings.contains(*d) && *d != me)
            .map(str::to_string)
            .collect();
        folders
            .entry(folder.to_string())
            .or_default()
            .entry(me.to_string())
            .or_default()
            .extend(deps);
    }
    for (folder, graph) in &folders {
        assert_eq!(
            find_cycle(graph),
            None,
            "a cycle between modules of {folder}/"
        );
    }
}

#[test]
fn no_function_over_80_lines_without_a_reason() {
    let mut long = Vec::new();
    for (rel, _) in sources() {
        let text = std::fs::read_to_string(crate::common::root().join("src").join(&rel)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i];
            let t = l.trim_start();
            let is_fn = (t.starts_with("fn ")
                || t.starts_with("pub fn ")
                || t.starts_with("pub(super) fn ")
                || t.starts_with("pub(crate) fn "))
                && !l.trim_end().ends_with(';');
            if !is_fn {
                i += 1;
                continue;
            }
            let indent = l.len() - t.len();
            let close = format!("{}}}", " ".repeat(indent));
            let end = (i + 1..lines.len())
                .find(|&k| lines[k] == close)
                .unwrap_or(i);
            let reason = lines[i.saturating_sub(8)..i]
                .iter()
                .any(|l| l.contains("Long:"));
            if end - i + 1 > 80 && !reason {
                long.push(format!("{rel}:{} ({} lines)", i + 1, end - i + 1));
            }
            i = end.max(i) + 1;
        }
    }
    assert!(long.is_empty(), "functions over 80 lines: {long:?}");
}
