//! Workbooks as inputs: `.xlsx`, `.xlsm`, `.xls` and `.ods` (calamine), read into the
//! same [`Table`] as a CSV file, so every reader on top works unchanged.
//!
//! `file.xlsx#Sheet name` picks a sheet, else the first one is read. The header is the
//! first row that holds the required columns (title rows and blank rows above it are
//! skipped). A number cell becomes the decimal Excel displays for it (at most 15
//! significant digits, so 0.1 is 0.1 and never 0.1000000000000000055…), a date cell a
//! date (`2025-03-05`, with ` HH:MM[:SS]` when it has a time), an empty cell an empty
//! field. Every row keeps its sheet row, and every finding about a value names its
//! cell (`cham-diem.xlsx[Tổng hợp]!E12`).

use super::columns::Aliases;
use super::{InputError, Row, Table};
use calamine::{Data, Reader};
use std::path::Path;
use std::sync::Arc;

/// Whether a path names a workbook (by its extension).
pub fn is_workbook(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods"
        )
    })
}

/// Splits `file.xlsx#Sheet name` into the file and the sheet (only for workbooks, so a
/// CSV file whose name holds `#` is left alone).
pub fn split_sheet(spec: &str) -> (&str, Option<&str>) {
    if let Some((file, sheet)) = spec.rsplit_once('#') {
        if is_workbook(Path::new(file)) && !sheet.is_empty() {
            return (file, Some(sheet));
        }
    }
    (spec, None)
}

/// The text of a cell as cchc reads fields.
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => excel_number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if dt.is_duration() {
                excel_number(dt.as_f64())
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A number as Excel shows it in a General cell: at most 15 significant digits, the
/// binary float's tail dropped (0.1 → `0.1`, 0.30000000000000004 → `0.3`).
pub fn excel_number(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f == 0.0 {
        return "0".to_string();
    }
    // 15 significant digits in scientific form, then written out plainly.
    let sci = format!("{f:.14e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    // The value is 0.d1d2d3… × 10^(exp + 1).
    let point = exp + 1;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if point <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat(point.unsigned_abs() as usize));
        out.push_str(digits);
    } else if point as usize >= digits.len() {
        out.push_str(digits);
        out.push_str(&"0".repeat(point as usize - digits.len()));
    } else {
        let (int, frac) = digits.split_at(point as usize);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Reads one sheet of a workbook as a table. `shown` names the file in messages.
pub fn read(
    path: &Path,
    shown: &str,
    sheet: Option<&str>,
    required: &[&str],
    aliases: &Aliases,
) -> Result<Table, InputError> {
    let bad = |message: String| InputError::Malformed {
        file: shown.to_string(),
        line: 1,
        message,
    };
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| match e {
        calamine::Error::Io(source) => InputError::Io {
            file: shown.to_string(),
            source,
        },
        other => bad(format!("not a readable workbook: {other}")),
    })?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s || n.trim() == s.trim())
            .cloned()
            .ok_or_else(|| bad(format!("no sheet `{s}` (sheets: {})", names.join(", "))))?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| bad("the workbook has no sheets".into()))?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| bad(format!("sheet `{name}` cannot be read: {e}")))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let grid: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    let merged = merged_down(&mut wb, &name);
    table_of(
        grid,
        (row0 as usize, col0 as usize),
        shown,
        &name,
        required,
        aliases,
        &merged,
    )
}

/// The sheet's merged cells as (first row, column, last row), 0-based: a cell merged
/// down over several rows holds its value in its first row only, and stands for all.
/// (xlsx and xls; calamine does not report an ods file's merges.)
fn merged_down<R: std::io::Read + std::io::Seek>(
    wb: &mut calamine::Sheets<R>,
    sheet: &str,
) -> Vec<(usize, usize, usize)> {
    let dims = match wb {
        calamine::Sheets::Xlsx(x) => x
            .worksheet_merge_cells(sheet)
            .and_then(Result::ok)
            .unwrap_or_default(),
        calamine::Sheets::Xls(x) => x.worksheet_merge_cells(sheet).unwrap_or_default(),
        _ => Vec::new(),
    };
    dims.into_iter()
        .filter(|d| d.end.0 > d.start.0)
        .map(|d| (d.start.0 as usize, d.start.1 as usize, d.end.0 as usize))
        .collect()
}

/// The first row of the grid holding every required column (or two columns that
/// would map to one name: the header is there, and refused by the caller).
fn header_row(grid: &[Vec<String>], required: &[&str], aliases: &Aliases) -> Option<usize> {
    grid.iter().position(|cells| {
        let mut names: Vec<String> = cells.iter().map(|c| super::normalize(c)).collect();
        aliases.apply(&mut names).is_err() || required.iter().all(|r| names.iter().any(|n| n == r))
    })
}

/// A cell merged down below the header (row `h` of the grid) stands for every row it
/// covers: its value is copied into them.
fn carry_down(
    grid: &mut [Vec<String>],
    merged: &[(usize, usize, usize)],
    (row0, col0): (usize, usize),
    h: usize,
) {
    for &(first, c, last) in merged {
        let (Some(top), Some(c)) = (first.checked_sub(row0), c.checked_sub(col0)) else {
            continue;
        };
        if top <= h || top >= grid.len() {
            continue;
        }
        let v = grid[top].get(c).cloned().unwrap_or_default();
        for row in grid.iter_mut().take(last + 1 - row0).skip(top + 1) {
            if row.len() <= c {
                row.resize(c + 1, String::new());
            }
            row[c] = v.clone();
        }
    }
}

/// A grid of cell texts (starting at sheet row `row0`, column `col0`, 0-based) as a
/// table: the header is the first row holding every required column.
pub fn table_of(
    grid: Vec<Vec<String>>,
    (row0, col0): (usize, usize),
    shown: &str,
    sheet: &str,
    required: &[&str],
    aliases: &Aliases,
    merged: &[(usize, usize, usize)],
) -> Result<Table, InputError> {
    let mut grid = grid;
    let at = format!("{shown}[{sheet}]");
    let Some(h) = header_row(&grid, required, aliases) else {
        let first = grid
            .iter()
            .find(|r| r.iter().any(|c| !c.trim().is_empty()))
            .map(|r| {
                r.iter()
                    .map(|c| super::normalize(c))
                    .filter(|c| !c.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        return Err(InputError::MissingColumn {
            file: at,
            column: required.join(", "),
            found: format!("no row holds them; the first row reads: {first}"),
        });
    };
    carry_down(&mut grid, merged, (row0, col0), h);
    // Only the header's non-empty columns are read (a title may stretch wider).
    let kept: Vec<usize> = (0..grid[h].len())
        .filter(|&c| !grid[h][c].trim().is_empty())
        .collect();
    let mut headers: Vec<String> = kept
        .iter()
        .map(|&c| super::normalize(&grid[h][c]))
        .collect();
    let header_row = row0 + h + 1;
    aliases
        .apply(&mut headers)
        .map_err(|(first, second, column)| InputError::ColumnConflict {
            file: format!("{at}:{header_row}"),
            column,
            first,
            second,
        })?;
    let mut table = Table {
        file: Arc::from(shown),
        sheet: Some(Arc::from(sheet)),
        source_columns: kept.iter().map(|c| col0 + c).collect(),
        headers,
        rows: Vec::new(),
        decimal_comma: false,
    };
    table.check_header(required, &format!("{at}:{header_row}"))?;
    for (i, cells) in grid.iter().enumerate().skip(h + 1) {
        let fields = kept
            .iter()
            .map(|&c| cells.get(c).map_or("", String::as_str));
        let row = Row::new(row0 + i + 1, fields);
        if row.fields().all(str::is_empty) {
            continue;
        }
        table.rows.push(row);
    }
    Ok(table)
}
