//! The official QĐ 766 dossier rules, as the national portal's formula description
//! states them (DOMAIN.md "The official 766 computation"; PRODUCT.md "The official
//! methods"): which dossiers enter each dossier indicator's numerator and denominator.
//!
//! Plain Rust on day numbers, one dossier at a time, so that the rules are read and
//! tested here, apart from the readers that feed them. The rules:
//! - processing ends at the first of resolved, result returned, stopped, refused (after
//!   receipt), withdrawn; every such dossier ended in the period enters 2.1, and so does
//!   every dossier still open at the period's end (received by then), which takes the
//!   period's end as its end;
//! - on time: the end is not after the due date. One supplement request moves the due
//!   date later by the citizen's time, the working days after the request up to the day
//!   the supplement came back (still awaited: up to the end); two or more requests make
//!   the dossier late;
//! - no due date: the procedure's maximum time from receipt (working days as a deadline
//!   is counted, from the day after receipt; calendar days; months; hours as working
//!   days of 8 hours, rounded up — a log of days cannot count hours), then the same
//!   supplement rule. Neither: the dossier cannot be judged and stays out of 2.1
//!   ([`Judged::Unknown`]);
//! - dossiers received in the period are the denominator of 1.4, 3.3, 3.6 (those with a
//!   fee), 4.3, 4.4, 4.5b and 5.4's share of dossiers with a petition or a dislike;
//!   4.1 and 4.2 count dossiers resolved in the period.

use super::calendar::Calendar;

/// Where a dossier's processing stands (its status, under the official rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Not ended: received, in progress, paused, waiting for a supplement.
    Open,
    /// Resolved: a result was issued.
    Resolved,
    /// The result was returned to the applicant (trả kết quả).
    Returned,
    /// Processing stopped (dừng xử lý).
    Stopped,
    /// Refused after receipt.
    Refused,
    /// Withdrawn by the applicant.
    Withdrawn,
}

impl End {
    /// Where a dossier of this status stands.
    #[inline]
    pub fn of(status: super::row::Status) -> End {
        use super::row::Status;
        match status {
            Status::Resolved => End::Resolved,
            Status::Returned => End::Returned,
            Status::Withdrawn => End::Withdrawn,
            Status::Refused => End::Refused,
            Status::Stopped => End::Stopped,
            Status::Received | Status::Processing | Status::Paused | Status::Supplement => {
                End::Open
            }
        }
    }
}

/// A procedure's maximum processing time (`max_time` in `time_unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxTime {
    /// Working days, counted as a deadline is (from the day after receipt).
    WorkingDays(u32),
    /// Calendar days.
    Days(u32),
    /// Calendar months (the same day of the month, or the month's last day).
    Months(u32),
    /// Working hours: working days of 8 hours, rounded up.
    Hours(u32),
}

/// A dossier's supplement requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Supplement {
    /// How many times a supplement was requested (`supplement_requests`; a request
    /// date alone counts one).
    pub requests: u32,
    /// The day of the (first) request.
    pub requested: Option<i64>,
    /// The day the supplement came back.
    pub received: Option<i64>,
}

/// A dossier as the official rules read it: days are day numbers
/// ([`crate::date::Date::to_days`]), flags already read from their columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dossier {
    /// Day received.
    pub received: i64,
    /// How its processing stands.
    pub end: End,
    /// Day its processing ended (for an ended dossier).
    pub finished: Option<i64>,
    /// Day due, when the log gives it.
    pub due: Option<i64>,
    /// Its procedure's maximum time, for a dossier without a due date.
    pub max_time: Option<MaxTime>,
    /// Supplement requests.
    pub supplement: Supplement,
    /// Received online.
    pub online: bool,
    /// Synced to the national portal.
    pub synced: bool,
    /// A fee above 0.
    pub fee: bool,
    /// The fee was paid online.
    pub paid_online: bool,
    /// Its procedure requires a paper result (`paper_result`).
    pub paper_result: bool,
    /// It has an electronic result.
    pub e_result: bool,
    /// Its components were digitised.
    pub digitized: bool,
    /// Digitised data was reused.
    pub reused_data: bool,
    /// A component came from, or the e-result went to, the citizen's personal store.
    pub personal_store: bool,
    /// The applicant was identified through the population database or VNeID.
    pub citizen_db: bool,
    /// Rated 1 or 2.
    pub disliked: bool,
    /// A petition names it.
    pub petition: bool,
}

/// The period: its first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First day.
    pub first: i64,
    /// Last day.
    pub last: i64,
}

/// A dossier's standing in 2.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    /// Not in 2.1: received after the period, or ended before it.
    Out,
    /// On time (ended by its due date, or open and not yet due at the period's end).
    OnTime,
    /// Late (or supplemented twice or more).
    Late,
    /// In 2.1's period but with neither a due date nor a procedure's maximum time.
    Unknown,
    /// A day outside the calendar's years (1990–2100).
    OutOfCalendar,
}

/// What dossiers add to the dossier indicators of a unit: exact counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    /// Received in the period (refused after receipt included).
    pub received: u64,
    /// …and synced to the national portal (1.4).
    pub synced: u64,
    /// In 2.1: ended in the period, or open at its end.
    pub processed: u64,
    /// …on time (2.1's numerator).
    pub on_time: u64,
    /// …late (5.4's late share).
    pub late: u64,
    /// In 2.1's period but unjudged (no due date, no maximum time).
    pub unknown: u64,
    /// Received online, with an e-result where a paper result is required (3.3).
    pub online: u64,
    /// Received with a fee above 0 (3.6's denominator).
    pub fee: u64,
    /// …paid online (3.6).
    pub paid_online: u64,
    /// Resolved in the period (4.2's denominator).
    pub resolved: u64,
    /// …digitised with an e-result (4.2).
    pub digitized: u64,
    /// Resolved in the period, of a procedure requiring a paper result (4.1's
    /// denominator).
    pub paper_resolved: u64,
    /// …with an e-result (4.1).
    pub paper_e_result: u64,
    /// Received, reusing digitised data (4.3).
    pub reused: u64,
    /// Received, linked to the personal store (4.4).
    pub personal_store: u64,
    /// Received, identified through the population database (4.5b).
    pub citizen_db: u64,
    /// Received, with a petition or a dislike (5.4).
    pub flagged: u64,
    /// Resolved in the period: their processing times added up, each in its
    /// procedure's unit (2.2, the mean processing time; 0 points).
    pub time_total: u64,
    /// …of this many dossiers.
    pub timed: u64,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        let Tally {
            received,
            synced,
            processed,
            on_time,
            late,
            unknown,
            online,
            fee,
            paid_online,
            resolved,
            digitized,
            paper_resolved,
            paper_e_result,
            reused,
            personal_store,
            citizen_db,
            flagged,
            time_total,
            timed,
        } = o;
        self.received += received;
        self.synced += synced;
        self.processed += processed;
        self.on_time += on_time;
        self.late += late;
        self.unknown += unknown;
        self.online += online;
        self.fee += fee;
        self.paid_online += paid_online;
        self.resolved += resolved;
        self.digitized += digitized;
        self.paper_resolved += paper_resolved;
        self.paper_e_result += paper_e_result;
        self.reused += reused;
        self.personal_store += personal_store;
        self.citizen_db += citizen_db;
        self.flagged += flagged;
        self.time_total += time_total;
        self.timed += timed;
    }
}

impl Dossier {
    /// The day its processing ends for the period, and whether it was still open at
    /// the period's end; None when it is not in the period's 2.1 at all.
    #[inline]
    pub fn end_in(&self, w: Window) -> Option<(i64, bool)> {
        if self.received > w.last {
            return None;
        }
        match (self.end, self.finished) {
            (End::Open, _) | (_, None) => Some((w.last, true)),
            (_, Some(f)) if f > w.last => Some((w.last, true)),
            (_, Some(f)) if f < w.first => None,
            (_, Some(f)) => Some((f, false)),
        }
    }

    /// Its standing in 2.1 for the period.
    #[inline]
    pub fn judge(&self, w: Window, cal: &Calendar) -> Judged {
        let Some((end, _)) = self.end_in(w) else {
            return Judged::Out;
        };
        let s = self.supplement;
        let requests = s.requests.max(u32::from(s.requested.is_some()));
        if requests >= 2 {
            return Judged::Late;
        }
        let citizen = match (requests, s.requested) {
            (1, Some(asked)) => {
                let back = s.received.map_or(end, |r| r.min(end));
                match cal.working_days(asked, back) {
                    Some(n) => n,
                    None => return Judged::OutOfCalendar,
                }
            }
            _ => 0,
        };
        let due = match (self.due, self.max_time) {
            (Some(d), _) => Some(d),
            (None, Some(m)) => match max_due(self.received, m, cal) {
                Some(d) => Some(d),
                None => return Judged::OutOfCalendar,
            },
            (None, None) => None,
        };
        let Some(due) = due else {
            return Judged::Unknown;
        };
        match cal.shift(due, citizen) {
            Some(d) if end <= d => Judged::OnTime,
            Some(_) => Judged::Late,
            None => Judged::OutOfCalendar,
        }
    }

    /// What the dossier adds to its unit's tally for the period.
    pub fn tally(&self, w: Window, cal: &Calendar) -> (Tally, Judged) {
        let mut t = Tally::default();
        let judged = self.tally_into(w, cal, &mut t, true);
        (t, judged)
    }

    /// [`Dossier::tally`] added to `t` in place (a scan's inner loop), and its
    /// standing in 2.1; `times`: add its processing time too (2.2, shown per
    /// procedure only).
    #[inline]
    pub fn tally_into(&self, w: Window, cal: &Calendar, t: &mut Tally, times: bool) -> Judged {
        let judged = self.judge(w, cal);
        match judged {
            Judged::OnTime => {
                t.processed += 1;
                t.on_time += 1;
            }
            Judged::Late => {
                t.processed += 1;
                t.late += 1;
            }
            Judged::Unknown => t.unknown += 1,
            Judged::Out | Judged::OutOfCalendar => {}
        }
        let one = u64::from;
        if (w.first..=w.last).contains(&self.received) {
            t.received += 1;
            t.synced += one(self.synced);
            t.online += one(self.online && (self.e_result || !self.paper_result));
            t.fee += one(self.fee);
            t.paid_online += one(self.fee && self.paid_online);
            t.reused += one(self.reused_data);
            t.personal_store += one(self.personal_store);
            t.citizen_db += one(self.citizen_db);
            t.flagged += one(self.petition || self.disliked);
        }
        let resolved_in = self.end == End::Resolved
            && self
                .finished
                .is_some_and(|f| (w.first..=w.last).contains(&f));
        if resolved_in {
            t.resolved += 1;
            t.digitized += one(self.digitized && self.e_result);
            t.paper_resolved += one(self.paper_result);
            t.paper_e_result += one(self.paper_result && self.e_result);
            if let Some(n) = self
                .finished
                .filter(|_| times)
                .and_then(|f| self.duration(f, cal))
            {
                t.time_total += n;
                t.timed += 1;
            }
        }
        judged
    }

    /// Its processing time to `finished`, in its procedure's unit (2.2): working days
    /// after receipt (the default), the same as hours of 8 a day, calendar days, or
    /// whole months. None outside the calendar's years.
    pub fn duration(&self, finished: i64, cal: &Calendar) -> Option<u64> {
        use crate::date::Date;
        match self.max_time {
            None | Some(MaxTime::WorkingDays(_)) => {
                cal.working_days(self.received, finished).map(u64::from)
            }
            Some(MaxTime::Hours(_)) => cal
                .working_days(self.received, finished)
                .map(|n| u64::from(n) * 8),
            Some(MaxTime::Days(_)) => u64::try_from(finished - self.received).ok(),
            Some(MaxTime::Months(_)) => {
                let (a, b) = (Date::from_days(self.received)?, Date::from_days(finished)?);
                let months = |d: Date| i64::from(d.year()) * 12 + i64::from(d.month());
                let whole = months(b) - months(a) - i64::from(b.day() < a.day());
                u64::try_from(whole).ok()
            }
        }
    }

    /// The unit [`Dossier::duration`] counts in, as the catalogue's `time_unit` names it.
    pub fn time_unit(max_time: Option<MaxTime>) -> &'static str {
        match max_time {
            None | Some(MaxTime::WorkingDays(_)) => "working_days",
            Some(MaxTime::Hours(_)) => "hours",
            Some(MaxTime::Days(_)) => "days",
            Some(MaxTime::Months(_)) => "months",
        }
    }
}

/// The due date of a dossier received on `received` whose procedure takes at most `m`.
fn max_due(received: i64, m: MaxTime, cal: &Calendar) -> Option<i64> {
    match m {
        MaxTime::WorkingDays(n) => cal.due(received, None, n, None),
        MaxTime::Hours(h) => cal.due(received, None, h.div_ceil(8), None),
        MaxTime::Days(n) => Some(received + i64::from(n)),
        MaxTime::Months(n) => {
            use crate::date::Date;
            let d = Date::from_days(received)?;
            let months = i64::from(d.year()) * 12 + i64::from(d.month()) - 1 + i64::from(n);
            let y = i32::try_from(months.div_euclid(12)).ok()?;
            let m = u32::try_from(months.rem_euclid(12) + 1).ok()?;
            let last = Date::new(y, m, 1)?.end_of_month().day();
            Some(Date::new(y, m, d.day().min(last))?.to_days())
        }
    }
}

/// What became of a petition (phản ánh, kiến nghị), by its `outcome` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Not yet handled (empty).
    Pending,
    /// Handled: 15 working days.
    Handled,
    /// Refused: 2 working days.
    Refused,
    /// A supplement asked of the petitioner: 5 working days.
    Supplement,
    /// Published: 2 working days.
    Published,
}

impl Outcome {
    /// The working days the outcome allows (a pending petition: those of handling).
    pub fn days(self) -> u32 {
        match self {
            Outcome::Pending | Outcome::Handled => 15,
            Outcome::Supplement => 5,
            Outcome::Refused | Outcome::Published => 2,
        }
    }
}

/// A petition as 5.2 and 5.3 read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Petition {
    /// Day received.
    pub received: i64,
    /// What became of it.
    pub outcome: Outcome,
    /// Day handled (for an outcome other than pending).
    pub finished: Option<i64>,
    /// The petitioner disliked the handling.
    pub disliked: bool,
    /// A repeat of an earlier petition.
    pub repeat: bool,
}

/// What petitions received in the period add to 5.2 and 5.3: exact counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PetitionTally {
    /// Received in the period (5.2's denominator).
    pub received: u64,
    /// …handled within the outcome's working days, or pending and within 15 at the
    /// period's end (5.2's numerator).
    pub on_time: u64,
    /// …not repeats (5.3's denominator).
    pub first: u64,
    /// …not repeats, not disliked, not late (5.3's numerator).
    pub satisfied: u64,
}

impl std::ops::AddAssign for PetitionTally {
    fn add_assign(&mut self, o: PetitionTally) {
        let PetitionTally {
            received,
            on_time,
            first,
            satisfied,
        } = o;
        self.received += received;
        self.on_time += on_time;
        self.first += first;
        self.satisfied += satisfied;
    }
}

impl Petition {
    /// Whether it was handled in time, judged at the period's end (a petition handled
    /// after the period was pending then); None outside the calendar's years.
    pub fn on_time(&self, w: Window, cal: &Calendar) -> Option<bool> {
        let (end, outcome) = match (self.outcome, self.finished) {
            (Outcome::Pending, _) | (_, None) => (w.last, Outcome::Pending),
            (_, Some(f)) if f > w.last => (w.last, Outcome::Pending),
            (o, Some(f)) => (f, o),
        };
        Some(end <= cal.due(self.received, None, outcome.days(), None)?)
    }

    /// What the petition adds for the period (nothing if received outside it); None
    /// outside the calendar's years.
    pub fn tally(&self, w: Window, cal: &Calendar) -> Option<PetitionTally> {
        if !(w.first..=w.last).contains(&self.received) {
            return Some(PetitionTally::default());
        }
        let on_time = self.on_time(w, cal)?;
        let first = !self.repeat;
        Some(PetitionTally {
            received: 1,
            on_time: u64::from(on_time),
            first: u64::from(first),
            satisfied: u64::from(first && !self.disliked && on_time),
        })
    }
}

/// One indicator's share for a unit: numerator and denominator (None where the
/// indicator combines two shares, as 5.4), and the exact ratio (None when nothing is
/// in the denominator: the framework's `on-empty` decides).
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    /// The indicator's id (`2.1`).
    pub id: &'static str,
    /// Its numerator.
    pub numerator: Option<u64>,
    /// Its denominator.
    pub denominator: Option<u64>,
    /// numerator / denominator (0..=1), exact.
    pub ratio: Option<crate::num::Exact>,
}

fn share(id: &'static str, num: u64, den: u64) -> Share {
    Share {
        id,
        numerator: Some(num),
        denominator: Some(den),
        ratio: fraction(num, den),
    }
}

fn fraction(num: u64, den: u64) -> Option<crate::num::Exact> {
    use crate::num::Exact;
    Exact::ratio(&Exact::from(num), &Exact::from(den))
}

/// The dossier and petition indicators of a unit from its tallies (petitions: None
/// when the petitions input is absent, and 5.2 and 5.3 are left out).
pub fn shares(t: &Tally, petitions: Option<&PetitionTally>) -> Vec<Share> {
    use crate::num::Exact;
    let sync = fraction(t.synced, t.received).map(|r| r.min_of(Exact::one()));
    let online = Share {
        // online / received × the sync ratio of 1.4
        ratio: fraction(t.online, t.received).and_then(|r| Some(r * sync.clone()?)),
        ..share("3.3", t.online, t.received)
    };
    let satisfaction = Share {
        id: "5.4",
        numerator: None,
        denominator: None,
        // 1 − (late share + flagged share), never below 0; no dossiers: None.
        ratio: (t.received > 0).then(|| {
            let late = fraction(t.late, t.processed).unwrap_or_else(Exact::zero);
            let flagged = fraction(t.flagged, t.received).unwrap_or_else(Exact::zero);
            let r = Exact::one() - late - flagged;
            if r.is_negative() {
                Exact::zero()
            } else {
                r
            }
        }),
    };
    let mut out = vec![
        share("1.4", t.synced, t.received),
        share("2.1", t.on_time, t.processed),
        online,
        share("3.6", t.paid_online, t.fee),
        share("4.1", t.paper_e_result, t.paper_resolved),
        share("4.2", t.digitized, t.resolved),
        share("4.3", t.reused, t.received),
        share("4.4", t.personal_store, t.received),
        share("4.5b", t.citizen_db, t.received),
    ];
    if let Some(p) = petitions {
        out.push(share("5.2", p.on_time, p.received));
        out.push(share("5.3", p.satisfied, p.first));
    }
    out.push(satisfaction);
    out
}

/// How much of a procedure is offered online (`online`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Online {
    /// Not online.
    None,
    /// Partly online (một phần).
    Partial,
    /// Fully online (toàn trình).
    Full,
}

/// A procedure of an authority, as the procedure indicators read it (the richer
/// procedures file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Procedure {
    /// Its id.
    pub id: String,
    /// How much of it is online.
    pub online: Online,
    /// It has a fee.
    pub has_fee: bool,
    /// Its fee can be paid online through the payment platform.
    pub payment_integrated: bool,
    /// It is for citizens (not only businesses).
    pub for_citizens: bool,
    /// The decision publishing it.
    pub decided_on: Option<i64>,
    /// The day its legal basis takes effect.
    pub effective_on: Option<i64>,
    /// The day it was published on the national database.
    pub published_on: Option<i64>,
    /// Published with all 7 parts.
    pub parts_complete: bool,
    /// It uses the population database.
    pub population_db: bool,
}

/// What a unit's dossiers say about its procedures in the period: the procedures that
/// received an online dossier (3.2) and those with a dossier paid online (3.5b).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcedureUse {
    /// Procedure ids with a dossier received online in the period.
    pub online: std::collections::BTreeSet<String>,
    /// Procedure ids with a dossier paid online in the period.
    pub paid_online: std::collections::BTreeSet<String>,
}

/// The procedure indicators of one authority over the procedures it handles. 1.1 and
/// 1.2 count the procedures decided in the period: on time when decided at least 5
/// working days before the legal basis takes effect (1.1), and when published on the
/// national database within 5 working days of the decision (1.2). A day outside the
/// calendar's years counts as not on time.
pub fn procedure_shares(
    procedures: &[Procedure],
    used: &ProcedureUse,
    w: Window,
    cal: &Calendar,
) -> Vec<Share> {
    let count = |keep: &dyn Fn(&Procedure) -> bool| -> u64 {
        procedures.iter().filter(|p| keep(p)).count() as u64
    };
    let decided = |p: &Procedure| {
        p.decided_on
            .is_some_and(|d| (w.first..=w.last).contains(&d))
    };
    let early = |p: &Procedure| match (p.decided_on, p.effective_on) {
        (Some(d), Some(e)) => cal.working_days(d, e).is_some_and(|n| n >= 5),
        _ => false,
    };
    let published = |p: &Procedure| match (p.decided_on, p.published_on) {
        (Some(d), Some(on)) => cal.shift(d, 5).is_some_and(|last| on <= last),
        _ => false,
    };
    let online = |p: &Procedure| p.online != Online::None;
    let integrated = |p: &Procedure| p.has_fee && p.payment_integrated;
    vec![
        share("1.1", count(&|p| decided(p) && early(p)), count(&decided)),
        share(
            "1.2",
            count(&|p| decided(p) && published(p)),
            count(&decided),
        ),
        share("1.3", count(&|p| p.parts_complete), procedures.len() as u64),
        share("3.1", count(&online), procedures.len() as u64),
        share(
            "3.2",
            count(&|p| online(p) && used.online.contains(&p.id)),
            count(&online),
        ),
        share("3.5", count(&integrated), count(&|p| p.has_fee)),
        share(
            "3.5b",
            count(&|p| integrated(p) && used.paid_online.contains(&p.id)),
            count(&integrated),
        ),
        share(
            "4.5a",
            count(&|p| p.for_citizens && p.population_db),
            count(&|p| p.for_citizens),
        ),
    ]
}

/// What a procedure tells the dossier rules: its maximum time (for a dossier without
/// a due date) and whether it requires a paper result (3.3, 4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProcedureRule {
    /// Its maximum processing time.
    pub max_time: Option<MaxTime>,
    /// It requires a paper result.
    pub paper_result: bool,
}

/// What a scan under the official method needs besides the log's rows.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The period.
    pub window: Window,
    /// The procedures' rules by (normalised) procedure id.
    pub procedures: std::collections::HashMap<String, ProcedureRule>,
    /// The dossier ids a petition names (5.4).
    pub petitioned: std::collections::HashSet<String>,
    /// Whether to add up processing times (2.2: by procedure only).
    pub times: bool,
}

/// How many lines of late (and of unjudged) dossiers a unit keeps for `explain`.
pub const KEPT_LINES: usize = 20;

/// What a scan gathers for one unit (or procedure) under the official method.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gathered {
    /// The counts.
    pub tally: Tally,
    /// The procedures its dossiers used online and paid online (named at the scan's
    /// end, from the bits below).
    pub used: ProcedureUse,
    /// During the scan: bit `i` set when procedure `i` (the scan's own numbering)
    /// received a dossier online in the period.
    pub online_bits: Vec<u64>,
    /// …and when a dossier of it was paid online.
    pub paid_bits: Vec<u64>,
    /// The first lines (row numbers) of its late dossiers, in file order.
    pub late_lines: Vec<u64>,
    /// The first lines of its dossiers that could not be judged.
    pub unknown_lines: Vec<u64>,
    /// Dossiers with a day outside the calendar's years (left out of 2.1).
    pub out_of_calendar: u64,
}

impl Gathered {
    /// Adds one dossier seen on `line`, of the scan's procedure number `procedure`.
    #[inline]
    pub fn add(
        &mut self,
        line: u64,
        d: &Dossier,
        procedure: u32,
        w: Window,
        cal: &Calendar,
        times: bool,
    ) {
        let judged = d.tally_into(w, cal, &mut self.tally, times);
        let keep = |lines: &mut Vec<u64>| {
            if lines.len() < KEPT_LINES {
                lines.push(line);
            }
        };
        match judged {
            Judged::Late => keep(&mut self.late_lines),
            Judged::Unknown => keep(&mut self.unknown_lines),
            Judged::OutOfCalendar => self.out_of_calendar += 1,
            Judged::OnTime | Judged::Out => {}
        }
        if (w.first..=w.last).contains(&d.received) {
            if d.online {
                set_bit(&mut self.online_bits, procedure);
            }
            if d.fee && d.paid_online {
                set_bit(&mut self.paid_bits, procedure);
            }
        }
    }

    /// Adds what another scan worker gathered; `places[i]` is our number of its
    /// procedure `i`.
    pub fn merge(&mut self, o: Gathered, places: &[u32]) {
        self.tally += o.tally;
        for (ours, theirs) in [
            (&mut self.online_bits, &o.online_bits),
            (&mut self.paid_bits, &o.paid_bits),
        ] {
            for i in bits(theirs) {
                set_bit(ours, places[i as usize]);
            }
        }
        for (ours, theirs) in [
            (&mut self.late_lines, o.late_lines),
            (&mut self.unknown_lines, o.unknown_lines),
        ] {
            ours.extend(theirs);
            ours.sort_unstable();
            ours.truncate(KEPT_LINES);
        }
        self.out_of_calendar += o.out_of_calendar;
    }

    /// Names the procedures of the bits (`names[i]`: the scan's procedure `i`).
    pub fn name_procedures(&mut self, names: &[String]) {
        let named = |b: &[u64]| bits(b).map(|i| names[i as usize].clone()).collect();
        self.used.online = named(&self.online_bits);
        self.used.paid_online = named(&self.paid_bits);
        self.online_bits.clear();
        self.paid_bits.clear();
    }
}

fn set_bit(b: &mut Vec<u64>, i: u32) {
    let (w, bit) = ((i / 64) as usize, i % 64);
    if b.len() <= w {
        b.resize(w + 1, 0);
    }
    b[w] |= 1 << bit;
}

/// The set bits' places.
fn bits(b: &[u64]) -> impl Iterator<Item = u32> + '_ {
    b.iter().enumerate().flat_map(|(w, &x)| {
        (0..64u32)
            .filter(move |i| x & (1 << i) != 0)
            .map(move |i| w as u32 * 64 + i)
    })
}

/// A checked row as the official rules read it.
#[inline]
pub fn of_row(
    d: &super::row::Dossier,
    due: Option<i64>,
    x: &super::row::Extras,
    rule: Option<ProcedureRule>,
    petition: bool,
) -> Dossier {
    use super::row::Channel;
    let end = End::of(d.status);
    let rule = rule.unwrap_or_default();
    Dossier {
        received: d.received,
        end,
        finished: d.finished,
        due,
        max_time: rule.max_time,
        supplement: Supplement {
            requests: x.requests,
            requested: x.requested,
            received: x.supplied,
        },
        online: d.channel == Channel::Online,
        synced: x.synced,
        fee: d.fee,
        paid_online: d.paid_online,
        paper_result: rule.paper_result,
        e_result: d.e_result,
        digitized: d.digitized,
        reused_data: x.reused_data,
        personal_store: x.personal_store,
        citizen_db: x.citizen_db,
        disliked: matches!(d.rating, Some(1 | 2)),
        petition,
    }
}
