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
