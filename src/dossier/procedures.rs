//! The procedure register: processing days and same-day cutoffs, for dossiers whose
//! log has no `due_at`.

use crate::diag::{Code, Diagnostic};
use crate::input::{normalize, Table};
use std::collections::HashMap;

/// One administrative procedure's deadline rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Procedure {
    /// Working days to process (0 = same day).
    pub days: u32,
    /// For same-day procedures: received after this minute of the day → next working day.
    pub cutoff: Option<u16>,
}

/// Procedures by id.
#[derive(Debug, Clone, Default)]
pub struct Procedures {
    map: HashMap<String, Procedure>,
}

impl Procedures {
    /// Reads `procedure_id, processing_days[, name, same_day_cutoff]`; bad rows are
    /// error findings and left out.
    pub fn from_table(table: &Table, diags: &mut Vec<Diagnostic>) -> Procedures {
        let id = table.col("procedure_id").expect("required");
        let days = table.col("processing_days").expect("required");
        let cutoff = table.col("same_day_cutoff");
        let mut map = HashMap::new();
        for row in &table.rows {
            let at = |d: Diagnostic| d.at(&table.file, Some(row.line));
            let pid = normalize(&row[id]);
            let Ok(n) = row[days].trim().parse::<u32>() else {
                diags.push(at(Diagnostic::new(
                    Code::BadNumber,
                    format!(
                        "processing_days `{}` is not a whole number of days",
                        &row[days]
                    ),
                )));
                continue;
            };
            let cut = match cutoff.map(|c| row[c].trim()).filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => match parse_hhmm(s) {
                    Some(m) => Some(m),
                    None => {
                        diags.push(at(Diagnostic::new(
                            Code::BadTime,
                            format!("same_day_cutoff `{s}` is not HH:MM"),
                        )));
                        continue;
                    }
                },
            };
            if map
                .insert(
                    pid.clone(),
                    Procedure {
                        days: n,
                        cutoff: cut,
                    },
                )
                .is_some()
            {
                diags.push(at(Diagnostic::new(
                    Code::DuplicateProcedure,
                    format!("procedure `{pid}` is listed twice; the later row is used"),
                )));
            }
        }
        Procedures { map }
    }

    /// Every procedure, by id (sorted, so that what is built from them is stable).
    pub fn sorted(&self) -> Vec<(&str, Procedure)> {
        let mut all: Vec<(&str, Procedure)> =
            self.map.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        all.sort_unstable_by(|a, b| a.0.cmp(b.0));
        all
    }

    /// The procedure with this id.
    pub fn get(&self, id: &str) -> Option<Procedure> {
        self.map.get(id).copied()
    }
}

/// Minutes after midnight of `HH:MM`.
pub fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && s.len() == 5).then_some(h * 60 + m)
}
