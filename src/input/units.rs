//! The unit register: who is scored, their display name and their ranking group.

use super::{normalize, RowStats, Table};
use crate::diag::{Code, Diagnostic};

/// A scored unit (a department, a commune, a ward).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Its id, as in the other files.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its ranking group (the framework's group column; empty when absent).
    pub group: String,
    /// The line of the register it came from.
    pub line: usize,
    /// The register's other columns (a region, a district…): (header, value), in
    /// column order, for summaries by any column.
    pub attrs: Vec<(String, String)>,
}

impl Unit {
    /// The value of one of the register's other columns, if it has it.
    pub fn attr(&self, column: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(h, _)| h == column)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads units from a table; `group_column` names the column that forms ranking groups
/// (warned about when absent and `warn_without_groups`).
pub fn read(
    table: &Table,
    group_column: &str,
    warn_without_groups: bool,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Unit>, RowStats) {
    let id_col = table.col("unit_id").expect("checked by Table::read");
    let name_col = table.col("name").expect("checked by Table::read");
    let group_col = table.col(group_column);
    if group_col.is_none() && warn_without_groups {
        diags.push(
            Diagnostic::new(
                Code::NoGroupColumn,
                format!("no `{group_column}` column: all units are ranked in one group"),
            )
            .at(&table.file, Some(1)),
        );
    }
    let mut units: Vec<Unit> = Vec::new();
    let mut stats = RowStats {
        input: "units".into(),
        file: table.file.to_string(),
        read: table.rows.len(),
        ..RowStats::default()
    };
    let mut seen = std::collections::BTreeMap::new();
    for row in &table.rows {
        let id = normalize(&row[id_col]);
        if id.is_empty() {
            diags.push(
                Diagnostic::new(Code::EmptyId, "unit_id is empty; row skipped")
                    .located(table.at_col(row, id_col)),
            );
            stats.rejected += 1;
            continue;
        }
        if let Some(first) = seen.get(&id) {
            diags.push(
                Diagnostic::new(
                    Code::DuplicateUnit,
                    format!(
                        "unit_id `{id}` is already registered on line {first}; this row is skipped"
                    ),
                )
                .located(table.at_col(row, id_col))
                .unit(&id),
            );
            stats.rejected += 1;
            continue;
        }
        seen.insert(id.clone(), row.line);
        let attrs = table
            .headers
            .iter()
            .enumerate()
            .filter(|(c, _)| *c != id_col && *c != name_col && Some(*c) != group_col)
            .map(|(c, h)| (h.clone(), normalize(&row[c])))
            .collect();
        units.push(Unit {
            name: normalize(&row[name_col]),
            group: group_col.map(|c| normalize(&row[c])).unwrap_or_default(),
            id,
            line: row.line,
            attrs,
        });
        stats.used += 1;
    }
    if units.is_empty() {
        diags.push(
            Diagnostic::new(Code::NoUnits, "the unit register has no units").at(&table.file, None),
        );
    }
    (units, stats)
}
