//! The service index as the national portal computes it (QĐ 766, the portal's 2026
//! formula description; DOMAIN.md "The official 766 computation"): the inputs beside
//! the dossier log — the procedures catalogue and the petitions (PAKN) — and each
//! unit's indicators, numerator, denominator and exact ratio, which the framework
//! `service-766-2026` (or a province's own) scores with `ratio = "official:<id>"`.
//!
//! The dossier rules themselves live with the log's engine (`dossier::official`); this
//! module puts a unit's counts, its procedures and its petitions together, and says
//! which indicators cannot be computed because an input is absent: such an indicator
//! is not applicable, with one finding naming what is missing — never 0, never full.

use crate::diag::{Code, Diagnostic};
use crate::dossier::{
    Calendar, Gathered, MaxTime, OfficialProcedure, Online, Outcome, Petition, PetitionTally,
    ProcedureRule, Window,
};
use crate::input::{normalize, Table};
use crate::num::Exact;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Every indicator the official method computes, in the portal's order (2.2, the mean
/// processing time, carries 0 points and is not scored; 4.6 is a checklist criterion).
pub const INDICATORS: [&str; 20] = [
    "1.1", "1.2", "1.3", "1.4", "2.1", "3.1", "3.2", "3.3", "3.5", "3.5b", "3.6", "4.1", "4.2",
    "4.3", "4.4", "4.5a", "4.5b", "5.2", "5.3", "5.4",
];

/// The indicator id as `INDICATORS` holds it (a `'static` name), if it is one.
pub fn indicator(id: &str) -> Option<&'static str> {
    INDICATORS.iter().copied().find(|i| *i == id)
}

/// The dossier-log columns each indicator reads beyond the required ones: when one is
/// absent from the log, the indicator is not applicable. (4.4 reads either of two.)
const LOG_NEEDS: &[(&str, &[&str])] = &[
    ("1.4", &["synced"]),
    ("3.3", &["synced", "e_result"]),
    ("3.6", &["fee", "paid_online"]),
    ("4.1", &["e_result"]),
    ("4.2", &["digitized", "e_result"]),
    ("4.3", &["reused_data"]),
    ("4.5b", &["citizen_db"]),
    ("5.4", &["rating"]),
];

/// The catalogue columns each indicator reads.
const CATALOGUE_NEEDS: &[(&str, &[&str])] = &[
    ("1.1", &["decided_on", "effective_on"]),
    ("1.2", &["decided_on", "published_on"]),
    ("1.3", &["parts_complete"]),
    ("3.1", &["online"]),
    ("3.2", &["online"]),
    ("3.3", &["paper_result"]),
    ("3.5", &["has_fee", "payment_integrated"]),
    ("3.5b", &["has_fee", "payment_integrated"]),
    ("4.1", &["paper_result"]),
    ("4.5a", &["population_db"]),
];

/// The indicators computed from the procedures catalogue alone.
const PROCEDURE_INDICATORS: [&str; 8] = ["1.1", "1.2", "1.3", "3.1", "3.2", "3.5", "3.5b", "4.5a"];

/// One indicator of one unit, as the portal shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// Its id (`2.1`).
    pub id: &'static str,
    /// Its numerator (None where two shares are combined, as in 5.4).
    pub numerator: Option<u64>,
    /// Its denominator.
    pub denominator: Option<u64>,
    /// The exact ratio (0..=1); None when nothing is in the denominator (the
    /// framework's `on-empty` decides) or the indicator is not applicable.
    pub ratio: Option<Exact>,
    /// Why it cannot be computed (an input is absent): not applicable.
    pub missing: Option<String>,
    /// Where the dossiers that counted against it are (2.1: the first late ones).
    pub against: Option<String>,
    /// 2.2's unit of time (`working_days`, `days`, `hours`, `months`); its ratio is
    /// then the mean time, not a share.
    pub time_unit: Option<&'static str>,
}

impl Indicator {
    /// Its numerator and denominator when its ratio is the one over the other — not
    /// where it combines two shares (3.3 × the sync ratio, 5.4).
    pub fn counts(&self) -> Option<(u64, u64)> {
        let (n, d) = (self.numerator?, self.denominator?);
        (self.ratio.is_some() && self.ratio == Exact::ratio(&Exact::from(n), &Exact::from(d)))
            .then_some((n, d))
    }
}

/// One procedure of the catalogue and who handles it.
#[derive(Debug, Clone)]
struct Entry {
    /// The unit that handles it (normalised), if the row says.
    unit: Option<String>,
    /// Its level (`province|department|commune`), matched to the register's `kind`.
    level: Option<String>,
    procedure: OfficialProcedure,
    rule: ProcedureRule,
}

/// The procedures catalogue (the richer procedures file of PRODUCT.md).
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    entries: Vec<Entry>,
    /// Rows read, used, left out.
    pub stats: crate::input::RowStats,
    /// The columns the file has.
    pub columns: BTreeSet<String>,
    /// The file, as named in messages.
    pub file: String,
}

/// One row of a table, read by column name (an absent column reads empty).
struct RowOf<'t> {
    table: &'t Table,
    row: &'t crate::input::Row,
}

impl<'t> RowOf<'t> {
    fn get(&self, name: &str) -> &'t str {
        self.table.col(name).map_or("", |c| &self.row[c])
    }
}

/// Reads `1/0`, `true/false`, `x`, `có/không` (any case); empty is `default`.
fn flag(s: &str, default: bool) -> Option<bool> {
    let s = s.trim();
    let is = |a: &str| s.eq_ignore_ascii_case(a);
    if s.is_empty() {
        Some(default)
    } else if is("1") || is("true") || is("x") || is("có") || is("co") {
        Some(true)
    } else if is("0") || is("false") || is("không") || is("khong") {
        Some(false)
    } else {
        None
    }
}

/// A date column: None when empty; Err when not a date.
fn day(s: &str) -> Result<Option<i64>, ()> {
    match s.trim() {
        "" => Ok(None),
        t => crate::date::parse_stamp(t).map(|s| Some(s.day)).ok_or(()),
    }
}

/// A value of a closed list (`Full`, `toàn trình`, `Working days`) as the lists spell
/// it: trimmed, NFC, lower case, spaces as `_`.
fn word(s: &str) -> String {
    normalize(s).to_lowercase().replace(' ', "_")
}

/// A level of government as the catalogue's `level` and the register's `kind` may
/// write it, English or Vietnamese (`xã`, `phường`, `sở`, `tỉnh`…): `commune`,
/// `department` or `province`; anything else as written (in [`word`]'s form).
fn level(s: &str) -> String {
    let w = word(s);
    let is = |names: &[&str]| names.contains(&w.as_str());
    if is(&[
        "commune",
        "xa",
        "xã",
        "phuong",
        "phường",
        "thi_tran",
        "thị_trấn",
        "dac_khu",
        "đặc_khu",
    ]) {
        "commune".into()
    } else if is(&[
        "department",
        "so",
        "sở",
        "ban",
        "nganh",
        "ngành",
        "so_ban_nganh",
        "sở_ban_ngành",
    ]) {
        "department".into()
    } else if is(&["province", "tinh", "tỉnh", "thanh_pho", "thành_phố"]) {
        "province".into()
    } else {
        w
    }
}

fn parse_online(s: &str) -> Option<Online> {
    let s = word(s);
    match s.as_str() {
        "" | "none" | "0" | "khong" | "không" => Some(Online::None),
        "partial" | "mot_phan" | "một_phần" => Some(Online::Partial),
        "full" | "toan_trinh" | "toàn_trình" => Some(Online::Full),
        _ => None,
    }
}

fn parse_max_time(n: &str, unit: &str) -> Result<Option<MaxTime>, String> {
    let n = n.trim();
    if n.is_empty() {
        return Ok(None);
    }
    let v: u32 = n
        .parse()
        .map_err(|_| format!("max_time `{n}` is not a whole number"))?;
    let unit = word(unit);
    Ok(Some(match unit.as_str() {
        "" | "working_days" | "ngay_lam_viec" | "ngày_làm_việc" => MaxTime::WorkingDays(v),
        "days" | "ngay" | "ngày" => MaxTime::Days(v),
        "hours" | "gio" | "giờ" => MaxTime::Hours(v),
        "months" | "thang" | "tháng" => MaxTime::Months(v),
        other => {
            return Err(format!(
                "time_unit `{other}` is not hours, days, working_days or months"
            ))
        }
    }))
}

impl Catalogue {
    /// Reads the catalogue (`procedure_id` required; every other column optional);
    /// a row with a value that cannot be read is an error finding and left out.
    pub fn read(table: &Table, diags: &mut Vec<Diagnostic>) -> Catalogue {
        let columns: BTreeSet<String> = table.headers.iter().cloned().collect();
        let mut entries = Vec::new();
        for row in &table.rows {
            match Self::entry(&RowOf { table, row }) {
                Ok(e) => entries.push(e),
                Err(why) => diags.push(
                    Diagnostic::new(Code::BadProcedure, format!("{why}; the row is left out"))
                        .at(&table.file, Some(row.line)),
                ),
            }
        }
        let stats = row_stats("procedures", table, entries.len());
        Catalogue {
            entries,
            columns,
            stats,
            file: table.file.to_string(),
        }
    }

    fn entry(r: &RowOf) -> Result<Entry, String> {
        let get = |n: &str| r.get(n);
        let id = normalize(get("procedure_id"));
        if id.is_empty() {
            return Err("procedure_id is empty".into());
        }
        let flag_of = |n: &str, default: bool| {
            flag(get(n), default).ok_or_else(|| format!("{n} `{}` is not 1 or 0", get(n).trim()))
        };
        let day_of =
            |n: &str| day(get(n)).map_err(|()| format!("{n} `{}` is not a date", get(n).trim()));
        let online = parse_online(get("online")).ok_or_else(|| {
            format!(
                "online `{}` is not none, partial or full",
                get("online").trim()
            )
        })?;
        let mut max_time = parse_max_time(get("max_time"), get("time_unit"))?;
        if max_time.is_none() {
            let days = get("processing_days").trim();
            if !days.is_empty() {
                let n = days
                    .parse()
                    .map_err(|_| format!("processing_days `{days}` is not a whole number"))?;
                max_time = Some(MaxTime::WorkingDays(n));
            }
        }
        let text = |n: &str| Some(normalize(get(n))).filter(|s| !s.is_empty());
        Ok(Entry {
            unit: text("unit_id"),
            level: Some(level(get("level"))).filter(|s| !s.is_empty()),
            rule: ProcedureRule {
                max_time,
                paper_result: flag_of("paper_result", false)?,
            },
            procedure: OfficialProcedure {
                id,
                online,
                has_fee: flag_of("has_fee", false)?,
                payment_integrated: flag_of("payment_integrated", false)?,
                for_citizens: flag_of("for_citizens", true)?,
                decided_on: day_of("decided_on")?,
                effective_on: day_of("effective_on")?,
                published_on: day_of("published_on")?,
                parts_complete: flag_of("parts_complete", false)?,
                population_db: flag_of("population_db", false)?,
            },
        })
    }

    /// The dossier rules of each procedure, by id (the first row of an id).
    pub fn rules(&self) -> HashMap<String, ProcedureRule> {
        let mut out = HashMap::new();
        for e in &self.entries {
            out.entry(e.procedure.id.clone()).or_insert(e.rule);
        }
        out
    }

    /// The procedures a unit handles: the rows naming it, else (no `unit_id` on a
    /// row) those whose level is the unit's `kind`, and rows naming neither; one per id.
    pub fn of_unit(&self, unit: &str, kind: Option<&str>) -> Vec<OfficialProcedure> {
        let kind = kind.map(level);
        let mut seen = BTreeMap::new();
        for e in &self.entries {
            let mine = match (&e.unit, &e.level) {
                (Some(u), _) => *u == unit,
                (None, Some(l)) => kind.as_deref() == Some(l.as_str()),
                (None, None) => true,
            };
            if mine {
                seen.entry(e.procedure.id.clone())
                    .or_insert_with(|| e.procedure.clone());
            }
        }
        seen.into_values().collect()
    }
}

/// The petitions (PAKN) of the period, per unit, and the dossiers they name.
#[derive(Debug, Clone, Default)]
pub struct Petitions {
    /// 5.2's and 5.3's counts per unit (normalised id).
    pub by_unit: BTreeMap<String, PetitionTally>,
    /// The dossier ids a petition names (trimmed, as the log writes them).
    pub dossiers: HashSet<String>,
    /// Rows read, used, left out.
    pub stats: crate::input::RowStats,
    /// The file, as named in messages.
    pub file: String,
}

fn row_stats(input: &str, table: &Table, used: usize) -> crate::input::RowStats {
    crate::input::RowStats {
        input: input.into(),
        file: table.file.to_string(),
        read: table.rows.len(),
        used,
        rejected: table.rows.len() - used,
    }
}

/// Last year's dossiers received per unit (`--previous-counts`): 1.4's denominator
/// for a unit that received nothing in the period, the portal's fallback.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    /// Per unit (normalised id): (last year's count, its line).
    pub by_unit: BTreeMap<String, (u64, usize)>,
    /// The period's share of a year: whole months (a month 1, a quarter 3, a year 12).
    pub months: u32,
    /// Rows read, used, left out.
    pub stats: crate::input::RowStats,
    /// The file, as named in messages.
    pub file: String,
}

/// The columns a previous-counts file needs.
pub const PREVIOUS_COLUMNS: [&str; 2] = ["unit_id", "received"];

impl Previous {
    /// Reads last year's counts for a period of `months` whole months. A count that is
    /// not a whole number, and a unit twice, stop the run: each would change a figure.
    pub fn read(table: &Table, months: u32) -> Result<Previous, String> {
        let mut by_unit = BTreeMap::new();
        for row in &table.rows {
            let r = RowOf { table, row };
            let at = table.at(row);
            let unit = crate::input::normalize(r.get("unit_id"));
            if unit.is_empty() {
                return Err(format!("{at}: unit_id is empty"));
            }
            let text = r.get("received");
            let n: u64 = text
                .parse()
                .ok()
                .filter(|n| *n <= crate::dossier::MAX_COUNT)
                .ok_or_else(|| {
                    format!(
                        "{at}: received `{}`: not a count (a whole number from 0 to 10^12)",
                        crate::term::clip(text, crate::term::QUOTE)
                    )
                })?;
            if let Some((_, first)) = by_unit.insert(unit.clone(), (n, row.line)) {
                return Err(format!(
                    "{at}: unit `{}` is already on line {first}",
                    crate::term::clip(&unit, crate::term::QUOTE)
                ));
            }
        }
        Ok(Previous {
            stats: row_stats("previous_counts", table, by_unit.len()),
            file: table.file.to_string(),
            by_unit,
            months,
        })
    }

    /// A unit's fallback denominator: last year's count × months ÷ 12, rounded half up
    /// to a whole dossier (the portal does not publish its rounding), and the words
    /// saying so; None when the file does not give the unit.
    pub fn fallback(&self, unit: &str) -> Option<(u64, String)> {
        let &(n, line) = self.by_unit.get(unit)?;
        let m = u64::from(self.months);
        let d = (n * m * 2 + 12) / 24;
        let share = match self.months {
            12 => "× 1".to_string(),
            1 => "÷ 12".to_string(),
            3 => "÷ 4".to_string(),
            k => format!("× {k}/12"),
        };
        Some((
            d,
            format!(
                "none received: the denominator is last year's {n} {share} = {d} ({}:{line})",
                self.file
            ),
        ))
    }
}

/// The columns a petitions file needs.
pub const PETITION_COLUMNS: [&str; 3] = ["pakn_id", "unit_id", "received_at"];

fn parse_outcome(s: &str) -> Option<Outcome> {
    let s = word(s);
    match s.as_str() {
        "" | "pending" => Some(Outcome::Pending),
        "handled" | "da_xu_ly" | "đã_xử_lý" => Some(Outcome::Handled),
        "refused" | "tu_choi" | "từ_chối" => Some(Outcome::Refused),
        "supplement" | "bo_sung" | "bổ_sung" => Some(Outcome::Supplement),
        "published" | "cong_khai" | "công_khai" => Some(Outcome::Published),
        _ => None,
    }
}

impl Petitions {
    /// Reads the petitions and counts those received in `w`; a row that cannot be
    /// used is an error finding and left out.
    pub fn read(
        table: &Table,
        w: Window,
        cal: &Calendar,
        diags: &mut Vec<Diagnostic>,
    ) -> Petitions {
        let mut out = Petitions {
            file: table.file.to_string(),
            ..Petitions::default()
        };
        let mut used = 0;
        for row in &table.rows {
            let r = RowOf { table, row };
            let dossier = r.get("dossier_id").trim();
            if !dossier.is_empty() {
                out.dossiers.insert(dossier.to_string());
            }
            match Self::tally(&r, w, cal) {
                Ok((unit, t)) => {
                    used += 1;
                    *out.by_unit.entry(unit).or_default() += t;
                }
                Err(why) => diags.push(
                    Diagnostic::new(
                        Code::BadPetition,
                        format!("{why}; the petition is left out"),
                    )
                    .at(&table.file, Some(row.line)),
                ),
            }
        }
        out.stats = row_stats("petitions", table, used);
        out
    }

    fn tally(r: &RowOf, w: Window, cal: &Calendar) -> Result<(String, PetitionTally), String> {
        let get = |n: &str| r.get(n);
        let unit = normalize(get("unit_id"));
        if unit.is_empty() {
            return Err("unit_id is empty".into());
        }
        let date =
            |n: &str| day(get(n)).map_err(|()| format!("{n} `{}` is not a date", get(n).trim()));
        let received = date("received_at")?.ok_or("received_at is empty")?;
        let finished = date("finished_at")?;
        let outcome = parse_outcome(get("outcome")).ok_or_else(|| {
            format!(
                "outcome `{}` is not handled, refused, supplement, published or empty (pending)",
                get("outcome").trim()
            )
        })?;
        if outcome != Outcome::Pending && finished.is_none() {
            return Err(format!(
                "a petition {} needs finished_at",
                get("outcome").trim()
            ));
        }
        if finished.is_some_and(|f| f < received) {
            return Err("finished_at is before received_at".into());
        }
        let reaction = word(get("reaction"));
        let disliked = match reaction.as_str() {
            "" | "like" | "hai_long" | "hài_lòng" => false,
            "dislike" | "khong_hai_long" | "không_hài_lòng" => true,
            other => return Err(format!("reaction `{other}` is not like, dislike or empty")),
        };
        let repeat = flag(get("repeat"), false)
            .ok_or_else(|| format!("repeat `{}` is not 1 or 0", get("repeat").trim()))?;
        let p = Petition {
            received,
            outcome,
            finished,
            disliked,
            repeat,
        };
        let t = p
            .tally(w, cal)
            .ok_or_else(|| "a date outside the calendar's years (1990–2100)".to_string())?;
        Ok((unit, t))
    }
}

/// What a unit's indicators are computed from.
pub struct Sources<'a> {
    /// What the log gave the unit.
    pub gathered: &'a Gathered,
    /// The log's columns.
    pub log_columns: &'a BTreeSet<String>,
    /// The catalogue and the unit's procedures in it, if a catalogue was given.
    pub catalogue: Option<(&'a Catalogue, Vec<OfficialProcedure>)>,
    /// The petitions input, if given, and the unit's counts in it.
    pub petitions: Option<PetitionTally>,
    /// The period.
    pub window: Window,
    /// Where the unit's first late dossiers are, in words.
    pub late: Option<&'a str>,
    /// Where its first dossiers that could not be judged are, in words.
    pub unjudged: Option<&'a str>,
    /// 1.4's fallback denominator for a unit that received nothing, and its words.
    pub previous: Option<(u64, String)>,
}

/// 2.1's dossiers in words: the late ones, and those it could not judge.
fn against(s: &Sources) -> Option<String> {
    let late = s.late.map(|l| format!("late: {l}"));
    let unjudged = s
        .unjudged
        .map(|u| format!("not judged (no due date, no maximum time): {u}"));
    match (late, unjudged) {
        (None, None) => None,
        (Some(a), None) | (None, Some(a)) => Some(a),
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
    }
}

/// Why an indicator cannot be computed, if an input it reads is absent.
fn missing(id: &str, s: &Sources) -> Option<String> {
    if id == "5.2" || id == "5.3" {
        return s
            .petitions
            .is_none()
            .then(|| "no petitions file".to_string());
    }
    if id == "4.4"
        && !s.log_columns.contains("from_personal_store")
        && !s.log_columns.contains("to_personal_store")
    {
        return Some("the log has no column `from_personal_store` or `to_personal_store`".into());
    }
    let log = LOG_NEEDS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or(&[][..], |n| n.1);
    if let Some(c) = log.iter().find(|c| !s.log_columns.contains(**c)) {
        return Some(format!("the log has no column `{c}`"));
    }
    let cat = CATALOGUE_NEEDS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or(&[][..], |n| n.1);
    if !cat.is_empty() {
        let Some((c, _)) = &s.catalogue else {
            return Some("no procedures catalogue".into());
        };
        if let Some(col) = cat.iter().find(|n| !c.columns.contains(**n)) {
            return Some(format!("the procedures catalogue has no column `{col}`"));
        }
    }
    None
}

/// A unit's indicators, in the portal's order.
pub fn indicators(s: &Sources, cal: &Calendar) -> Vec<Indicator> {
    let t = &s.gathered.tally;
    let mut shares = crate::dossier::official_shares(t, s.petitions.as_ref());
    if let Some((_, procs)) = &s.catalogue {
        shares.extend(crate::dossier::procedure_shares(
            procs,
            &s.gathered.used,
            s.window,
            cal,
        ));
    }
    INDICATORS
        .iter()
        .map(|&id| {
            let why = missing(id, s);
            let share = shares.iter().find(|x| x.id == id).filter(|_| why.is_none());
            let mut i = Indicator {
                id,
                numerator: share.and_then(|x| x.numerator),
                denominator: share.and_then(|x| x.denominator),
                ratio: share.and_then(|x| x.ratio.clone()),
                against: (id == "2.1").then(|| against(s)).flatten(),
                time_unit: None,
                missing: why,
            };
            if id == "1.4" && i.denominator == Some(0) {
                fall_back(&mut i, s.previous.as_ref());
            }
            i
        })
        .collect()
}

/// 1.4 for a unit that received nothing: last year's count stands for the
/// denominator (nothing received, nothing synced: the ratio is 0); none, or 0, leaves
/// it empty, for the framework's `on-empty`.
fn fall_back(i: &mut Indicator, previous: Option<&(u64, String)>) {
    if let Some((d, words)) = previous.filter(|(d, _)| *d > 0) {
        i.denominator = Some(*d);
        i.ratio = Some(Exact::zero());
        i.against = Some(words.clone());
    }
}

/// The indicators that have a value per procedure (the dossier indicators but 5.4,
/// which combines the unit's petitions).
pub const PER_PROCEDURE: [&str; 9] = [
    "1.4", "2.1", "3.3", "3.6", "4.1", "4.2", "4.3", "4.4", "4.5b",
];

/// The dossier indicators of each unit's procedures (`metrics --method 766 --by
/// procedure`): (unit, procedure, indicators), sorted.
pub fn by_procedure(
    gathered: &crate::dossier::OfficialCounts,
    inputs: &Inputs,
    window: Window,
    cal: &Calendar,
) -> Vec<(String, String, Vec<Indicator>)> {
    let rules = inputs
        .catalogue
        .as_ref()
        .map(Catalogue::rules)
        .unwrap_or_default();
    gathered
        .rows
        .iter()
        .map(|(key, g)| {
            let (unit, procedure) = key
                .split_once(crate::dossier::KEY_SEPARATOR)
                .unwrap_or((key.as_str(), ""));
            let sources = Sources {
                gathered: g,
                log_columns: &gathered.columns,
                catalogue: inputs.catalogue.as_ref().map(|c| (c, Vec::new())),
                petitions: None,
                window,
                late: gathered.late.get(key).map(String::as_str),
                unjudged: gathered.unjudged.get(key).map(String::as_str),
                previous: None,
            };
            let all = indicators(&sources, cal);
            let mut kept: Vec<Indicator> = all
                .into_iter()
                .filter(|i| PER_PROCEDURE.contains(&i.id))
                .collect();
            // 2.2, the mean processing time of the dossiers resolved in the period, in
            // the procedure's unit (0 points: shown, not scored).
            let max_time = rules.get(procedure).and_then(|r| r.max_time);
            let t = &g.tally;
            let at = kept.iter().position(|i| i.id == "2.1").map_or(0, |i| i + 1);
            kept.insert(
                at,
                Indicator {
                    id: "2.2",
                    numerator: Some(t.time_total),
                    denominator: Some(t.timed),
                    ratio: Exact::ratio(&Exact::from(t.time_total), &Exact::from(t.timed)),
                    missing: None,
                    against: None,
                    time_unit: Some(crate::dossier::OfficialDossier::time_unit(max_time)),
                },
            );
            (unit.to_string(), procedure.to_string(), kept)
        })
        .collect()
}

/// What an indicator's numerator counts, in words after "k more of the d …" (advice).
pub fn numerator_words(id: &str, lang: crate::lang::Lang) -> &'static str {
    use crate::lang::Lang::{En, Vi};
    match (id, lang) {
        ("1.1", En) => "procedures decided 5 working days before taking effect",
        ("1.1", Vi) => "TTHC công bố trước ngày hiệu lực 5 ngày làm việc",
        ("1.2", En) => "procedures published within 5 working days",
        ("1.2", Vi) => "TTHC cập nhật CSDL quốc gia trong 5 ngày làm việc",
        ("1.3", En) => "procedures published with all 7 parts",
        ("1.3", Vi) => "TTHC công khai đủ 7 bộ phận",
        ("1.4", En) => "dossiers synced to the national portal",
        ("1.4", Vi) => "hồ sơ đồng bộ lên Cổng DVC quốc gia",
        ("2.1", En) => "dossiers ended or open on time",
        ("2.1", Vi) => "hồ sơ giải quyết đúng hạn",
        ("3.1", En) => "procedures offered online",
        ("3.1", Vi) => "TTHC cung cấp trực tuyến",
        ("3.2", En) => "online procedures that received an online dossier",
        ("3.2", Vi) => "dịch vụ trực tuyến có hồ sơ trực tuyến",
        ("3.5", En) => "fee procedures with integrated online payment",
        ("3.5", Vi) => "TTHC có phí tích hợp thanh toán trực tuyến",
        ("3.5b", En) => "integrated procedures with a dossier paid online",
        ("3.5b", Vi) => "TTHC đã tích hợp có hồ sơ thanh toán trực tuyến",
        ("3.6", En) => "fee dossiers paid online",
        ("3.6", Vi) => "hồ sơ có phí thanh toán trực tuyến",
        ("4.1", En) => "dossiers with an electronic result",
        ("4.1", Vi) => "hồ sơ có kết quả điện tử",
        ("4.2", En) => "resolved dossiers digitised with an e-result",
        ("4.2", Vi) => "hồ sơ số hóa có kết quả điện tử",
        ("4.3", En) => "dossiers reusing digitised data",
        ("4.3", Vi) => "hồ sơ tái sử dụng dữ liệu số hóa",
        ("4.4", En) => "dossiers linked to the personal store",
        ("4.4", Vi) => "hồ sơ kết nối kho dữ liệu cá nhân",
        ("4.5a", En) => "citizen procedures on the population database",
        ("4.5a", Vi) => "TTHC khai thác CSDL dân cư",
        ("4.5b", En) => "dossiers identified through the population database",
        ("4.5b", Vi) => "hồ sơ xác thực qua CSDL dân cư",
        ("5.2", En) => "petitions handled on time",
        ("5.2", Vi) => "PAKN xử lý đúng hạn",
        ("5.3", En) => "first petitions handled to satisfaction",
        ("5.3", Vi) => "PAKN lần đầu được hài lòng",
        (_, En) => "counted",
        (_, Vi) => "được tính",
    }
}

/// Whether an indicator reads the catalogue alone (no dossier counts).
pub fn from_catalogue(id: &str) -> bool {
    PROCEDURE_INDICATORS.contains(&id)
}

/// A `unit-not-in-register` warning for each unit with petitions, or with last year's
/// counts, that has no row of the index (neither in the register nor in the log): what
/// those files say of it counts nowhere.
pub fn input_units(inputs: &Inputs, units: &BTreeMap<String, Vec<Indicator>>) -> Vec<Diagnostic> {
    let petitions = inputs.petitions.as_ref().map(|p| {
        let keys: Vec<&String> = p.by_unit.keys().collect();
        (keys, &p.file, "petitions", "its petitions count nowhere")
    });
    let previous = inputs.previous.as_ref().map(|p| {
        let keys: Vec<&String> = p.by_unit.keys().collect();
        (keys, &p.file, "last year's counts", "they are not read")
    });
    let mut out = Vec::new();
    for (keys, file, what, so) in petitions.into_iter().chain(previous) {
        out.extend(keys.into_iter().filter(|u| !units.contains_key(*u)).map(|u| {
            Diagnostic::new(
                Code::UnitNotInRegister,
                format!("unit `{u}` has {what} but no dossiers and is not in the unit register: {so}"),
            )
            .at(file, None)
            .unit(u)
        }));
    }
    out
}

/// The `procedure-not-in-catalogue` warning: the log's procedures the catalogue does
/// not list (their dossiers have no paper-result rule and no maximum time).
pub fn catalogue_finding(
    inputs: &Inputs,
    gathered: &crate::dossier::OfficialCounts,
) -> Option<Diagnostic> {
    let c = inputs.catalogue.as_ref()?;
    let u: Vec<&str> = gathered.uncatalogued.iter().map(String::as_str).collect();
    (!u.is_empty()).then(|| {
        Diagnostic::new(
            Code::ProcedureNotInCatalogue,
            format!(
                "{} procedure(s) of the log are not in the catalogue ({}): their dossiers have no paper-result rule and no maximum time",
                u.len(),
                listed(&u)
            ),
        )
        .at(&c.file, None)
    })
}

/// An `indicator-without-input` warning naming the units the catalogue gives no
/// procedure (no row names them, and their `kind` matches no row's `level`): their
/// procedure indicators have nothing in their denominators; and a
/// `unit-not-in-register` warning naming the units its rows name that the index does
/// not have (those rows count nowhere).
pub fn catalogue_units(
    inputs: &Inputs,
    kinds: &BTreeMap<String, String>,
    units: &BTreeMap<String, Vec<Indicator>>,
) -> Vec<Diagnostic> {
    let Some(c) = inputs.catalogue.as_ref() else {
        return Vec::new();
    };
    let none: Vec<&str> = units
        .keys()
        .filter(|u| c.of_unit(u, kinds.get(*u).map(String::as_str)).is_empty())
        .map(String::as_str)
        .collect();
    let strangers: BTreeSet<&str> = (c.entries.iter())
        .filter_map(|e| e.unit.as_deref())
        .filter(|u| !units.contains_key(*u))
        .collect();
    let strangers: Vec<&str> = strangers.into_iter().collect();
    let mut out = Vec::new();
    if !none.is_empty() {
        out.push(Diagnostic::new(
            Code::IndicatorWithoutInput,
            format!(
                "{} unit(s) handle none of the catalogue's procedures ({}): no row names them (unit_id) or their kind (level), so 1.1–1.3, 3.1, 3.2, 3.5, 3.5b and 4.5a have nothing to count",
                none.len(),
                listed(&none)
            ),
        ));
    }
    if !strangers.is_empty() {
        out.push(Diagnostic::new(
            Code::UnitNotInRegister,
            format!(
                "the catalogue names {} unit(s) the index does not have ({}): their rows count nowhere",
                strangers.len(),
                listed(&strangers)
            ),
        ));
    }
    out.into_iter().map(|d| d.at(&c.file, None)).collect()
}

/// The first ten names, and `…` when there are more.
fn listed(names: &[&str]) -> String {
    let mut s = names
        .iter()
        .take(10)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > 10 {
        s.push_str(", …");
    }
    s
}

/// The `out-of-calendar` warning: dossiers the official rules could not judge
/// because a day (a due date moved by a supplement, a procedure's maximum time) falls
/// outside the calendar's years.
pub fn calendar_finding(gathered: &crate::dossier::OfficialCounts) -> Option<Diagnostic> {
    let n: u64 = gathered.rows.values().map(|g| g.out_of_calendar).sum();
    (n > 0).then(|| {
        Diagnostic::new(
            Code::OutOfCalendar,
            format!("{n} dossier(s) have a deadline outside the calendar's years (1990–2100), a procedure's maximum time too long or a date far off: left out of 2.1"),
        )
    })
}

/// The `supplements-unknown` warning, when 2.1 is scored on a log that says nothing of
/// supplements (neither `supplement_requests` nor `supplement_requested_at`): every
/// dossier is then judged as never asked for one, which may count some on time that
/// the portal counts late.
pub fn supplement_finding(
    scored: &[&'static str],
    columns: &BTreeSet<String>,
) -> Option<Diagnostic> {
    let unknown =
        !columns.contains("supplement_requests") && !columns.contains("supplement_requested_at");
    (scored.contains(&"2.1") && unknown).then(|| {
        Diagnostic::new(
            Code::SupplementsUnknown,
            "the log has no column `supplement_requests` or `supplement_requested_at`: 2.1 takes every dossier as never asked for a supplement (one request moves the due date, two make a dossier late)",
        )
    })
}

/// The `indicator-without-input` findings: one per indicator the framework scores
/// and a missing input leaves without a value (the first unit's reason).
pub fn missing_findings(
    scored: &[&'static str],
    units: &BTreeMap<String, Vec<Indicator>>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for id in scored {
        let why = units
            .values()
            .flat_map(|v| v.iter())
            .find(|i| i.id == *id && i.missing.is_some())
            .and_then(|i| i.missing.clone());
        if let Some(why) = why {
            out.push(Diagnostic::new(
                Code::IndicatorWithoutInput,
                format!("indicator {id} is not applicable for any unit: {why}"),
            ));
        }
    }
    out
}

/// The official method's inputs beside the log: the procedures catalogue and the
/// petitions, each if given.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The procedures catalogue.
    pub catalogue: Option<Catalogue>,
    /// The petitions.
    pub petitions: Option<Petitions>,
    /// Last year's counts (1.4's fallback).
    pub previous: Option<Previous>,
}

impl Inputs {
    /// The row counts of the inputs given.
    pub fn stats(&self) -> Vec<crate::input::RowStats> {
        let c = self.catalogue.as_ref().map(|c| c.stats.clone());
        let p = self.petitions.as_ref().map(|p| p.stats.clone());
        let l = self.previous.as_ref().map(|p| p.stats.clone());
        c.into_iter().chain(p).chain(l).collect()
    }

    /// What the log's scan needs from them: the procedures' rules and the dossiers a
    /// petition names.
    pub fn setup(&self, window: Window, times: bool) -> crate::dossier::OfficialSetup {
        crate::dossier::OfficialSetup {
            window,
            times,
            procedures: self
                .catalogue
                .as_ref()
                .map(Catalogue::rules)
                .unwrap_or_default(),
            petitioned: self
                .petitions
                .as_ref()
                .map(|p| p.dossiers.clone())
                .unwrap_or_default(),
        }
    }
}

/// Each key's indicators (a unit's, with its `kind` from the register for the
/// catalogue's `level`), from what the scan gathered and the other inputs.
pub fn compute(
    gathered: &crate::dossier::OfficialCounts,
    inputs: &Inputs,
    kinds: &BTreeMap<String, String>,
    window: Window,
    cal: &Calendar,
) -> BTreeMap<String, Vec<Indicator>> {
    gathered
        .rows
        .iter()
        .map(|(key, g)| {
            let catalogue = inputs
                .catalogue
                .as_ref()
                .map(|c| (c, c.of_unit(key, kinds.get(key).map(String::as_str))));
            let petitions = inputs
                .petitions
                .as_ref()
                .map(|p| p.by_unit.get(key).copied().unwrap_or_default());
            let sources = Sources {
                gathered: g,
                log_columns: &gathered.columns,
                catalogue,
                petitions,
                window,
                late: gathered.late.get(key).map(String::as_str),
                unjudged: gathered.unjudged.get(key).map(String::as_str),
                previous: inputs.previous.as_ref().and_then(|p| p.fallback(key)),
            };
            (key.clone(), indicators(&sources, cal))
        })
        .collect()
}
