//! One log, every shape the one-stop systems write it in (#28): timestamps with seconds
//! or `DD/MM/YYYY`, every field quoted and commas inside ids, CRLF, a BOM, extra
//! columns in another order, the channel's Vietnamese spellings and statuses in
//! capitals — and all of them at once. Each shape must give the canonical log's
//! output byte for byte, whole and in 61-byte blocks (the reader's fast paths and the
//! general one agree).

use std::path::Path;

/// The canonical log: the demo's, as written.
fn canonical() -> (Vec<String>, Vec<Vec<String>>) {
    let text = crate::common::read(crate::common::root().join("fixtures/demo/dossiers.csv"));
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            assert!(!l.contains('"'), "the canonical log has no quoted field");
            l.split(',').map(str::to_string).collect()
        })
        .collect();
    (header, rows)
}

/// A shape: how it rewrites a row's value (by column) and how the file is written.
#[derive(Default, Clone, Copy)]
struct Shape {
    seconds: bool,
    dmy: bool,
    quoted: bool,
    crlf: bool,
    bom: bool,
    reordered: bool,
    aliases: bool,
}

impl Shape {
    fn value(&self, column: &str, v: &str) -> String {
        let mut v = v.to_string();
        let stamp = matches!(column, "received_at" | "finished_at" | "due_at");
        if stamp && self.seconds && v.len() == 16 {
            v.push_str(":00");
        }
        if stamp && self.dmy && v.len() >= 10 {
            v = format!("{}/{}/{}{}", &v[8..10], &v[5..7], &v[0..4], &v[10..]);
        }
        if self.aliases {
            v = match (column, v.as_str()) {
                ("channel", "direct") => "TRUC_TIEP".into(),
                ("channel", "online") => "truc_tuyen".into(),
                ("channel", "postal") => "bcci".into(),
                ("status", s) => s.to_uppercase(),
                _ => v,
            };
        }
        if self.quoted && column == "dossier_id" {
            v = v.replace('-', ",");
        }
        v
    }

    fn write(&self, header: &[String], rows: &[Vec<String>], path: &Path) {
        let mut order: Vec<usize> = (0..header.len()).collect();
        if self.reordered {
            order.reverse();
        }
        let end = if self.crlf { "\r\n" } else { "\n" };
        let field = |s: &str| {
            if self.quoted {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let mut out = String::new();
        if self.bom {
            out.push('\u{feff}');
        }
        let mut head: Vec<String> = order.iter().map(|&i| field(&header[i])).collect();
        if self.reordered {
            head.insert(2, field("ghi_chu"));
            head.push(field("nguoi_nhan"));
        }
        out.push_str(&head.join(","));
        out.push_str(end);
        for (n, r) in rows.iter().enumerate() {
            let mut cells: Vec<String> = order
                .iter()
                .map(|&i| field(&self.value(&header[i], &r[i])))
                .collect();
            if self.reordered {
                let note = format!("\"ghi chú {n}, \"\"xem\"\" lại\"");
                cells.insert(2, note);
                cells.push(String::new());
            }
            out.push_str(&cells.join(","));
            out.push_str(end);
        }
        std::fs::write(path, out).unwrap();
    }
}

/// `cchc metrics` on a log, by unit, as CSV.
fn metrics(log: &Path, block: Option<&str>) -> String {
    let root = crate::common::root();
    let procedures = root.join("fixtures/demo/procedures.csv");
    let mut args = vec![
        "metrics".to_string(),
        "--dossiers".into(),
        log.display().to_string(),
        "--procedures".into(),
        procedures.display().to_string(),
        "--period".into(),
        "2025".into(),
        "--format".into(),
        "csv".into(),
    ];
    if let Some(b) = block {
        args.extend(["--csv-block-size".into(), b.into()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    crate::common::cchc_text(&args)
}

#[test]
fn every_shape_of_a_log_gives_the_canonical_logs_bytes() {
    let (header, rows) = canonical();
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("canonical.csv");
    Shape::default().write(&header, &rows, &base);
    let want = metrics(&base, None);
    assert!(want.lines().count() > 10, "{want}");
    let one = |f: fn(&mut Shape)| {
        let mut s = Shape::default();
        f(&mut s);
        s
    };
    let shapes: Vec<(&str, Shape)> = vec![
        ("seconds", one(|s| s.seconds = true)),
        ("dmy", one(|s| s.dmy = true)),
        ("quoted", one(|s| s.quoted = true)),
        ("crlf", one(|s| s.crlf = true)),
        ("bom", one(|s| s.bom = true)),
        ("reordered", one(|s| s.reordered = true)),
        ("aliases", one(|s| s.aliases = true)),
        (
            "quoted-crlf",
            one(|s| {
                s.quoted = true;
                s.crlf = true;
            }),
        ),
        (
            "all",
            Shape {
                seconds: true,
                dmy: true,
                quoted: true,
                crlf: true,
                bom: true,
                reordered: true,
                aliases: true,
            },
        ),
    ];
    for (name, shape) in shapes {
        let path = tmp.path().join(format!("{name}.csv"));
        shape.write(&header, &rows, &path);
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for (on, mark) in [
            (shape.seconds, "12:10:00"),
            (shape.dmy, "01/12/2024"),
            (shape.quoted, "\"P01,"),
            (shape.crlf, "\r\n"),
            (shape.bom, "\u{feff}"),
            (shape.reordered, "ghi_chu"),
            (shape.aliases, "truc_tuyen"),
        ] {
            assert_eq!(text.contains(mark), on, "shape {name}: {mark:?}");
        }
        for block in [None, Some("61")] {
            let got = metrics(&path, block);
            assert_eq!(got, want, "shape {name}, block {block:?}");
        }
    }
}

/// A log of 6,000 units in no order: past the units from which the reader peeks at
/// each next record's unit (fetching where its counts are found) and delivers every
/// record one record late. Plain and quoted, with CRLF, a blank line and ids with `""`
/// (records unquoted one by one), whole and in 4 KiB blocks: every unit's counts are
/// the ones written, the output the same bytes, and a bad row's error names its line.
#[test]
fn a_log_of_thousands_of_units_counts_every_unit_in_every_shape() {
    // Enough that each worker's copy of the counts passes the 1,024 units early.
    const UNITS: usize = 6000;
    // Unit u has u % 4 + 1 dossiers, the odd ones online.
    let dossiers: Vec<(usize, usize)> = (0..UNITS)
        .flat_map(|u| (0..u % 4 + 1).map(move |k| (u, k)))
        .collect();
    let n = dossiers.len();
    // In no order: a prime step through them (not a factor of their number).
    let order: Vec<(usize, usize)> = (0..n).map(|i| dossiers[i * 7919 % n]).collect();
    let mut each = order.clone();
    each.sort_unstable();
    assert_eq!(each, dossiers, "every dossier once");
    let header = "dossier_id,unit_id,received_at,channel,status,procedure_id,due_at,\
                  finished_at,fee,paid_online,digitized,e_result,rating";
    let write = |quoted: bool, end: &str, extra_at: Option<usize>| -> String {
        let mut out = format!("{header}{end}");
        for (i, &(u, k)) in order.iter().enumerate() {
            let id = if quoted && i % 100 == 7 {
                format!("D{i:06}\"x")
            } else {
                format!("D{i:06}")
            };
            let channel = if k % 2 == 1 { "online" } else { "direct" };
            let mut cells = vec![
                id,
                format!("U{u:05}"),
                "2025-03-03 08:00".to_string(),
                channel.to_string(),
                "resolved".to_string(),
                "P1".to_string(),
                "2025-03-14".to_string(),
                "2025-03-05 10:00".to_string(),
            ];
            cells.extend(std::iter::repeat_n(String::new(), 5));
            if extra_at == Some(i) {
                cells.push("extra".to_string());
            }
            if quoted {
                for c in &mut cells {
                    *c = format!("\"{}\"", c.replace('"', "\"\""));
                }
            }
            out.push_str(&cells.join(","));
            out.push_str(end);
            if i == n / 2 {
                out.push_str(end); // a blank line
            }
        }
        out
    };
    let tmp = tempfile::tempdir().unwrap();
    let run = |name: &str, text: &str, block: Option<&str>| {
        let path = tmp.path().join(name);
        std::fs::write(&path, text).unwrap();
        let shown = path.display().to_string();
        let mut args = vec!["metrics", "--dossiers", &shown, "--period", "2025"];
        args.extend(["--format", "csv"]);
        if let Some(b) = block {
            args.extend(["--csv-block-size", b]);
        }
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cchc"));
        crate::common::outcome(command.args(&args))
    };
    let mut first: Option<String> = None;
    for (name, quoted, end) in [
        ("plain.csv", false, "\n"),
        ("quoted.csv", true, "\n"),
        ("quoted-crlf.csv", true, "\r\n"),
    ] {
        let text = write(quoted, end, None);
        assert_eq!(text.contains("\"\""), quoted, "{name}");
        for block in [None, Some("4096")] {
            let (code, table, errors) = run(name, &text, block);
            assert_eq!(code, 0, "{name} {block:?}: {errors}");
            let mut lines = table.lines();
            let head: Vec<&str> = lines.next().unwrap().split(',').collect();
            let col = |c: &str| head.iter().position(|h| *h == c).unwrap();
            let (unit, received, online) = (col("unit_id"), col("received"), col("online"));
            let mut seen = 0;
            for line in lines {
                let cells: Vec<&str> = line.split(',').collect();
                let u: usize = cells[unit][1..].parse().unwrap();
                let want = u % 4 + 1;
                assert_eq!(
                    cells[received],
                    want.to_string(),
                    "{name} {block:?}: {line}"
                );
                assert_eq!(
                    cells[online],
                    (want / 2).to_string(),
                    "{name} {block:?}: {line}"
                );
                seen += 1;
            }
            assert_eq!(seen, UNITS, "{name} {block:?}");
            match &first {
                None => first = Some(table),
                Some(f) => assert_eq!(&table, f, "{name} {block:?}"),
            }
        }
        // A row with one field too many, late in the log: its own line is named.
        let bad = n - 40;
        let line = bad + 3; // the header, the row's place, and the blank line before it
        let (code, _, says) = run(name, &write(quoted, end, Some(bad)), Some("4096"));
        assert_eq!(code, 2, "{name}: {says}");
        let want = format!("{name}:{line}: this row has 14 fields but the header has 13 columns");
        assert!(says.contains(&want), "{name}: {says}");
    }
}
