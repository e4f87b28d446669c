//! The table a new user sees first fits the terminal (#8.7): run in tmux at 80 and 120
//! columns, no line is wider than the terminal, the essential columns are there and a
//! line names the columns left out.

fn in_tmux(width: u16) -> Option<String> {
    let have = std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok();
    if !have {
        assert!(
            std::env::var_os("CCHC_REQUIRE_TMUX").is_none(),
            "tmux is required (CCHC_REQUIRE_TMUX is set) but not installed"
        );
        eprintln!("note: tmux is not installed; the terminal-width check did not run");
        return None;
    }
    let session = format!("cchc-test-{width}-{}", std::process::id());
    let out = std::env::temp_dir().join(format!("{session}.txt"));
    let cmd = format!(
        "{} score fixtures/demo --quiet > /dev/tty; tmux capture-pane -p -t {session} > {}; tmux wait-for -S {session}",
        env!("CARGO_BIN_EXE_cchc"),
        out.display()
    );
    let run = |args: &[&str]| {
        std::process::Command::new("tmux")
            .args(args)
            .current_dir(crate::common::root())
            .status()
            .unwrap()
    };
    let w = width.to_string();
    assert!(run(&[
        "new-session",
        "-d",
        "-x",
        &w,
        "-y",
        "60",
        "-s",
        &session,
        "sh",
        "-c",
        &format!("{cmd}; sleep 5")
    ])
    .success());
    run(&["wait-for", &session]);
    run(&["kill-session", "-t", &session]);
    let text = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    Some(text)
}

#[test]
fn the_score_table_fits_80_and_120_columns() {
    for width in [80u16, 120] {
        let Some(screen) = in_tmux(width) else { return };
        for line in screen.lines() {
            assert!(
                line.chars().count() <= usize::from(width),
                "wider than {width}: {line}"
            );
        }
        for must in [
            "rank",
            "unit_id",
            "name",
            "index",
            "band",
            "Xuất sắc",
            "more columns at this width",
        ] {
            assert!(
                screen.contains(must),
                "{width} columns: no {must:?} in\n{screen}"
            );
        }
        // The area columns go together, never one of them alone.
        assert_eq!(
            screen.contains("area_1 ┆"),
            screen.contains("area_9 ┆"),
            "{screen}"
        );
    }
}

/// The lines of a table's grid (its box-drawing rows) in `text`.
fn grid_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.starts_with(['┌', '│', '╞', '└']))
        .collect()
}

#[test]
fn a_table_whose_essential_columns_are_too_wide_wraps_its_long_text_not_its_numbers() {
    use unicode_width::UnicodeWidthStr;
    for width in [66usize, 80, 100, 120] {
        let w = width.to_string();
        for args in [
            &["advise", "fixtures/demo", "--unit", "X07", "--top", "5"][..],
            &["frameworks"][..],
            &["gaps", "fixtures/demo", "--top", "3"][..],
        ] {
            let mut all = args.to_vec();
            if args[0] != "frameworks" {
                all.extend(["--format", "table"]);
            }
            all.extend(["--width", &w]);
            let text = crate::common::cchc_text(&all);
            let grid = grid_lines(&text);
            assert!(!grid.is_empty(), "{all:?}: no table in\n{text}");
            for line in &grid {
                assert!(line.width() <= width, "{all:?}: wider than {width}: {line}");
            }
            // Numbers and short columns keep their width: a header is never cut.
            for header in ["index_then", "rank_then", "criterion_id", "units_moved"] {
                if text.contains(&header[..6]) && args[0] != "frameworks" {
                    let whole = grid.iter().any(|l| l.contains(header));
                    let cut = grid.iter().any(|l| l.contains(&header[..header.len() - 1]));
                    assert!(whole || !cut, "{all:?}: `{header}` cut in\n{text}");
                }
            }
        }
    }
    // The wrapped text is all there, in reading order, within its cells.
    let text = crate::common::cchc_text(&["frameworks", "--width", "80"]);
    let cells: String = grid_lines(&text)
        .iter()
        .filter(|l| l.starts_with('│'))
        .filter_map(|l| l.split('┆').nth(1))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        cells.contains(
            "Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp"
        ),
        "{cells}"
    );
}
