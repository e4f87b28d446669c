//! The official QĐ 766 dossier rules (src/dossier/official.rs), case by case, each
//! computed by hand on the built-in calendar. Period: March 2025 (1 March is a
//! Saturday; no holiday in March 2025, so working days are Monday to Friday).

use cchc::date::Date;
use cchc::dossier::{
    official_shares, procedure_shares, Calendar, End, Judged, MaxTime, OfficialDossier as Dossier,
    OfficialProcedure, Online, Outcome, Petition, PetitionTally, ProcedureUse, Supplement, Tally,
    Window,
};

fn day(m: u32, d: u32) -> i64 {
    Date::new(2025, m, d).unwrap().to_days()
}

fn march() -> Window {
    Window {
        first: day(3, 1),
        last: day(3, 31),
    }
}

/// A dossier received on 3 March (Monday), due 7 March (Friday), offline, open.
fn base() -> Dossier {
    Dossier {
        received: day(3, 3),
        end: End::Open,
        finished: None,
        due: Some(day(3, 7)),
        max_time: None,
        supplement: Supplement::default(),
        online: false,
        synced: false,
        fee: false,
        paid_online: false,
        paper_result: false,
        e_result: false,
        digitized: false,
        reused_data: false,
        personal_store: false,
        citizen_db: false,
        disliked: false,
        petition: false,
    }
}

fn ended(end: End, m: u32, d: u32) -> Dossier {
    Dossier {
        end,
        finished: Some(day(m, d)),
        ..base()
    }
}

fn judge(d: Dossier) -> Judged {
    d.judge(march(), &Calendar::builtin())
}

#[test]
fn ended_dossiers_are_on_time_by_their_due_date_whatever_ended_them() {
    assert_eq!(judge(ended(End::Resolved, 3, 7)), Judged::OnTime);
    assert_eq!(judge(ended(End::Resolved, 3, 10)), Judged::Late);
    // Refused after receipt, stopped, withdrawn, result returned: all enter 2.1.
    assert_eq!(judge(ended(End::Refused, 3, 4)), Judged::OnTime);
    assert_eq!(judge(ended(End::Stopped, 3, 6)), Judged::OnTime);
    assert_eq!(judge(ended(End::Withdrawn, 3, 20)), Judged::Late);
    assert_eq!(judge(ended(End::Returned, 3, 7)), Judged::OnTime);
}

#[test]
fn an_open_dossier_takes_the_periods_end_as_its_end() {
    // Received 27 March, due 3 April, open: not yet due on 31 March.
    let not_due = Dossier {
        received: day(3, 27),
        due: Some(day(4, 3)),
        ..base()
    };
    assert_eq!(judge(not_due), Judged::OnTime);
    // Due 7 March, still open on 31 March: late.
    assert_eq!(judge(base()), Judged::Late);
    // Finished on 2 April (after the period), due 1 April: open and not due at the end.
    let after = Dossier {
        received: day(3, 25),
        due: Some(day(4, 1)),
        end: End::Resolved,
        finished: Some(day(4, 2)),
        ..base()
    };
    assert_eq!(judge(after), Judged::OnTime);
    // Ended before the period, or received after it: not in March's 2.1.
    let before = Dossier {
        received: day(2, 3),
        due: Some(day(2, 7)),
        ..ended(End::Resolved, 2, 27)
    };
    assert_eq!(judge(before), Judged::Out);
    let later = Dossier {
        received: day(4, 1),
        due: Some(day(4, 4)),
        ..base()
    };
    assert_eq!(judge(later), Judged::Out);
}

#[test]
fn one_supplement_leaves_the_citizens_time_out_and_two_are_late() {
    // Requested Wed 5 March, back Tue 11 March: the working days after the request up
    // to the return are Thu 6, Fri 7, Mon 10, Tue 11 = 4, so the due date moves from
    // Fri 7 March by 4 working days: Mon 10, Tue 11, Wed 12, Thu 13.
    let once = Supplement {
        requests: 1,
        requested: Some(day(3, 5)),
        received: Some(day(3, 11)),
    };
    let with = |m, d| Dossier {
        supplement: once,
        ..ended(End::Resolved, m, d)
    };
    assert_eq!(judge(with(3, 13)), Judged::OnTime);
    assert_eq!(judge(with(3, 14)), Judged::Late);
    // A request date alone counts one request.
    let dated = Dossier {
        supplement: Supplement {
            requests: 0,
            ..once
        },
        ..with(3, 13)
    };
    assert_eq!(judge(dated), Judged::OnTime);
    // Two requests: late, even when finished before the due date.
    let twice = Dossier {
        supplement: Supplement {
            requests: 2,
            ..once
        },
        ..ended(End::Resolved, 3, 5)
    };
    assert_eq!(judge(twice), Judged::Late);
    // Still awaited at the period's end: the citizen's time runs to 31 March, so the
    // dossier is not late (requested 5 March, 18 working days to 31 March, due moved
    // from 7 March to 2 April).
    let awaited = Dossier {
        supplement: Supplement {
            requests: 1,
            requested: Some(day(3, 5)),
            received: None,
        },
        ..base()
    };
    assert_eq!(judge(awaited), Judged::OnTime);
}

#[test]
fn without_a_due_date_the_procedures_maximum_time_decides() {
    let no_due = |max, m, d| Dossier {
        due: None,
        max_time: max,
        ..ended(End::Resolved, m, d)
    };
    // 5 working days from Mon 3 March: Tue 4 … Mon 10.
    let five = Some(MaxTime::WorkingDays(5));
    assert_eq!(judge(no_due(five, 3, 10)), Judged::OnTime);
    assert_eq!(judge(no_due(five, 3, 11)), Judged::Late);
    // 10 calendar days: 13 March.
    let ten = Some(MaxTime::Days(10));
    assert_eq!(judge(no_due(ten, 3, 13)), Judged::OnTime);
    assert_eq!(judge(no_due(ten, 3, 14)), Judged::Late);
    // 4 working hours: one working day, received Friday 7 March → Monday 10 March.
    let hours = |m, d| Dossier {
        received: day(3, 7),
        ..no_due(Some(MaxTime::Hours(4)), m, d)
    };
    assert_eq!(judge(hours(3, 10)), Judged::OnTime);
    assert_eq!(judge(hours(3, 11)), Judged::Late);
    // One month from 31 January: 28 February (not a leap year); ended 28 February is
    // before March, so the case is read in February.
    let month = Dossier {
        received: day(1, 31),
        ..no_due(Some(MaxTime::Months(1)), 2, 28)
    };
    let feb = Window {
        first: day(2, 1),
        last: day(2, 28),
    };
    assert_eq!(month.judge(feb, &Calendar::builtin()), Judged::OnTime);
    // Neither a due date nor a maximum time: not judged.
    assert_eq!(judge(no_due(None, 3, 10)), Judged::Unknown);
}

#[test]
fn a_dossiers_counts_for_the_other_indicators() {
    let cal = Calendar::builtin();
    // Online, paper result required, no e-result: not counted online (3.3).
    let paper = Dossier {
        online: true,
        paper_result: true,
        ..ended(End::Resolved, 3, 6)
    };
    let (t, _) = paper.tally(march(), &cal);
    assert_eq!((t.received, t.online), (1, 0));
    assert_eq!((t.resolved, t.paper_resolved, t.paper_e_result), (1, 1, 0));
    // With the e-result it is counted, in 3.3 and 4.1; digitised too: 4.2.
    let (t, _) = Dossier {
        e_result: true,
        digitized: true,
        ..paper
    }
    .tally(march(), &cal);
    assert_eq!((t.online, t.paper_e_result, t.digitized), (1, 1, 1));
    // No paper result required: online counts without an e-result.
    let (t, _) = Dossier {
        paper_result: false,
        ..paper
    }
    .tally(march(), &cal);
    assert_eq!(t.online, 1);
    // A fee: paid online only counts where there is a fee (3.6).
    let (t, _) = Dossier {
        fee: true,
        paid_online: true,
        ..base()
    }
    .tally(march(), &cal);
    assert_eq!((t.fee, t.paid_online), (1, 1));
    let (t, _) = Dossier {
        paid_online: true,
        ..base()
    }
    .tally(march(), &cal);
    assert_eq!((t.fee, t.paid_online), (0, 0));
    // Received in February, resolved in March: in 4.1/4.2 and 2.1, not in the
    // received-based indicators.
    let (t, j) = Dossier {
        received: day(2, 26),
        due: Some(day(3, 5)),
        synced: true,
        disliked: true,
        ..ended(End::Resolved, 3, 4)
    }
    .tally(march(), &cal);
    assert_eq!(j, Judged::OnTime);
    assert_eq!((t.received, t.synced, t.flagged), (0, 0, 0));
    assert_eq!((t.processed, t.on_time, t.resolved), (1, 1, 1));
    // A petition or a dislike flags it for 5.4; the store, reuse and the population
    // database each count.
    let (t, _) = Dossier {
        petition: true,
        synced: true,
        reused_data: true,
        personal_store: true,
        citizen_db: true,
        ..base()
    }
    .tally(march(), &cal);
    assert_eq!(
        (
            t.flagged,
            t.synced,
            t.reused,
            t.personal_store,
            t.citizen_db
        ),
        (1, 1, 1, 1, 1)
    );
    // Tallies add.
    let mut sum = Tally::default();
    sum += t;
    sum += t;
    assert_eq!((sum.received, sum.late, sum.processed), (2, 2, 2));
}

fn petition(outcome: Outcome, received: (u32, u32), finished: Option<(u32, u32)>) -> Petition {
    Petition {
        received: day(received.0, received.1),
        outcome,
        finished: finished.map(|(m, d)| day(m, d)),
        disliked: false,
        repeat: false,
    }
}

#[test]
fn petitions_are_on_time_within_their_outcomes_working_days() {
    let cal = Calendar::builtin();
    let on = |p: Petition| p.on_time(march(), &cal).unwrap();
    // Handled: 15 working days from Mon 3 March are Tue 4 … Mon 24 March.
    assert!(on(petition(Outcome::Handled, (3, 3), Some((3, 24)))));
    assert!(!on(petition(Outcome::Handled, (3, 3), Some((3, 25)))));
    // Refused and published: 2 working days (Wed 5 March); supplement asked: 5 (Mon 10).
    assert!(on(petition(Outcome::Refused, (3, 3), Some((3, 5)))));
    assert!(!on(petition(Outcome::Refused, (3, 3), Some((3, 6)))));
    assert!(on(petition(Outcome::Published, (3, 3), Some((3, 5)))));
    assert!(on(petition(Outcome::Supplement, (3, 3), Some((3, 10)))));
    assert!(!on(petition(Outcome::Supplement, (3, 3), Some((3, 11)))));
    // Pending at the end: received Mon 10 March is due Mon 31 March (on time);
    // received Fri 7 March was due Fri 28 March (late).
    assert!(on(petition(Outcome::Pending, (3, 10), None)));
    assert!(!on(petition(Outcome::Pending, (3, 7), None)));
    // Handled in April: pending on 31 March.
    assert!(on(petition(Outcome::Handled, (3, 10), Some((4, 2)))));
}

#[test]
fn petitions_tally_for_5_2_and_5_3() {
    let cal = Calendar::builtin();
    let mut t = PetitionTally::default();
    for p in [
        // on time, first, liked: counts everywhere
        petition(Outcome::Handled, (3, 3), Some((3, 24))),
        // late: not on time, not satisfied
        petition(Outcome::Handled, (3, 3), Some((3, 25))),
        // disliked: on time but not satisfied
        Petition {
            disliked: true,
            ..petition(Outcome::Refused, (3, 3), Some((3, 4)))
        },
        // a repeat: on time, not first
        Petition {
            repeat: true,
            ..petition(Outcome::Published, (3, 3), Some((3, 4)))
        },
        // received in February: nothing
        petition(Outcome::Handled, (2, 3), Some((3, 3))),
    ] {
        t += p.tally(march(), &cal).unwrap();
    }
    assert_eq!(
        t,
        PetitionTally {
            received: 4,
            on_time: 3,
            first: 3,
            satisfied: 1,
        }
    );
}

#[test]
fn the_indicators_shares_from_a_units_tallies() {
    let t = Tally {
        received: 10,
        synced: 8,
        processed: 12,
        on_time: 9,
        late: 3,
        unknown: 1,
        online: 5,
        fee: 4,
        paid_online: 1,
        resolved: 6,
        digitized: 3,
        paper_resolved: 2,
        paper_e_result: 1,
        reused: 2,
        personal_store: 0,
        citizen_db: 10,
        flagged: 1,
        time_total: 0,
        timed: 0,
    };
    let p = PetitionTally {
        received: 4,
        on_time: 3,
        first: 3,
        satisfied: 1,
    };
    let got: Vec<(&str, Option<u64>, Option<u64>, String)> = official_shares(&t, Some(&p))
        .into_iter()
        .map(|s| {
            let r = s.ratio.map_or("na".into(), |r| r.fraction());
            (s.id, s.numerator, s.denominator, r)
        })
        .collect();
    let want = [
        ("1.4", Some(8), Some(10), "4/5"),
        ("2.1", Some(9), Some(12), "3/4"),
        // 5/10 online × 4/5 synced
        ("3.3", Some(5), Some(10), "2/5"),
        ("3.6", Some(1), Some(4), "1/4"),
        ("4.1", Some(1), Some(2), "1/2"),
        ("4.2", Some(3), Some(6), "1/2"),
        ("4.3", Some(2), Some(10), "1/5"),
        ("4.4", Some(0), Some(10), "0"),
        ("4.5b", Some(10), Some(10), "1"),
        ("5.2", Some(3), Some(4), "3/4"),
        ("5.3", Some(1), Some(3), "1/3"),
        // 1 − (3/12 late + 1/10 with a petition or a dislike) = 13/20
        ("5.4", None, None, "13/20"),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(i, n, d, r)| (*i, *n, *d, r.to_string()))
        .collect();
    assert_eq!(got, want);
    // 5.4 is never below 0, and has no value without dossiers; without the petitions
    // input 5.2 and 5.3 are not there; a sync ratio above 1 counts as 1 in 3.3.
    let bad = Tally {
        late: 12,
        flagged: 5,
        synced: 12,
        ..t
    };
    let shares = official_shares(&bad, None);
    let find = |id: &str| shares.iter().find(|s| s.id == id).cloned();
    assert_eq!(find("5.4").unwrap().ratio.unwrap().fraction(), "0");
    assert_eq!(find("3.3").unwrap().ratio.unwrap().fraction(), "1/2");
    assert!(find("5.2").is_none() && find("5.3").is_none());
    let none = official_shares(&Tally::default(), None);
    assert!(none.iter().all(|s| s.ratio.is_none()));
}

#[test]
fn the_procedure_indicators_of_an_authority() {
    let proc = |id: &str| OfficialProcedure {
        id: id.into(),
        online: Online::None,
        has_fee: false,
        payment_integrated: false,
        for_citizens: false,
        decided_on: None,
        effective_on: None,
        published_on: None,
        parts_complete: false,
        population_db: false,
    };
    let procedures = [
        // Decided Mon 3 March, basis effective Mon 10 March: 5 working days after
        // (4, 5, 6, 7, 10): on time for 1.1; published 10 March = 3 March + 5 working
        // days: on time for 1.2.
        OfficialProcedure {
            online: Online::Full,
            has_fee: true,
            payment_integrated: true,
            for_citizens: true,
            decided_on: Some(day(3, 3)),
            effective_on: Some(day(3, 10)),
            published_on: Some(day(3, 10)),
            parts_complete: true,
            population_db: true,
            ..proc("A")
        },
        // Decided Wed 5 March, effective Tue 11 March: 4 working days (late for 1.1);
        // published 13 March, after 12 March (late for 1.2).
        OfficialProcedure {
            online: Online::Partial,
            has_fee: true,
            for_citizens: true,
            decided_on: Some(day(3, 5)),
            effective_on: Some(day(3, 11)),
            published_on: Some(day(3, 13)),
            ..proc("B")
        },
        // Decided in February: not in 1.1 or 1.2.
        OfficialProcedure {
            decided_on: Some(day(2, 20)),
            parts_complete: true,
            ..proc("C")
        },
        OfficialProcedure {
            online: Online::Full,
            has_fee: true,
            payment_integrated: true,
            for_citizens: true,
            population_db: true,
            ..proc("D")
        },
    ];
    let used = ProcedureUse {
        // C has an online dossier but is no online service: it does not count.
        online: ["A", "C"].map(String::from).into(),
        paid_online: ["D"].map(String::from).into(),
    };
    let got: Vec<(&str, u64, u64)> =
        procedure_shares(&procedures, &used, march(), &Calendar::builtin())
            .into_iter()
            .map(|s| (s.id, s.numerator.unwrap(), s.denominator.unwrap()))
            .collect();
    assert_eq!(
        got,
        [
            ("1.1", 1, 2),
            ("1.2", 1, 2),
            ("1.3", 2, 4),
            ("3.1", 3, 4),
            ("3.2", 1, 3),
            ("3.5", 2, 3),
            ("3.5b", 1, 2),
            ("4.5a", 2, 3),
        ]
    );
}

/// A small seeded generator (xorshift), so the cross-check needs no dependency.
struct Seeded(u64);

impl Seeded {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn iso(d: Option<i64>) -> String {
    d.and_then(Date::from_days)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

#[test]
fn an_independent_reading_of_the_rules_gives_the_same_counts() {
    // tests/official766.py was written from DOMAIN.md, not from this code. Both read
    // the same 4,000 seeded dossiers and 600 petitions of five units over March–April
    // 2025 (Hùng Kings' day, 30 April and 1–2 May off, Saturday 26 April worked).
    let have = std::process::Command::new("python3").arg("-V").output();
    if have.is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 is needed for the cross-check"
        );
        return;
    }
    let w = Window {
        first: day(3, 1),
        last: day(4, 30),
    };
    let cal = Calendar::builtin();
    let mut g = Seeded(0x766_2026);
    let ends = [
        End::Open,
        End::Resolved,
        End::Resolved,
        End::Resolved,
        End::Returned,
        End::Stopped,
        End::Refused,
        End::Withdrawn,
    ];
    let end_names = [
        "open",
        "resolved",
        "resolved",
        "resolved",
        "returned",
        "stopped",
        "refused",
        "withdrawn",
    ];
    let maxes = [
        ("working_days", MaxTime::WorkingDays as fn(u32) -> MaxTime),
        ("days", MaxTime::Days),
        ("months", MaxTime::Months),
        ("hours", MaxTime::Hours),
    ];
    let mut tallies: std::collections::BTreeMap<String, (Tally, PetitionTally)> =
        Default::default();
    let mut csv = String::from(
        "unit,received,end,finished,due,max_unit,max_n,requests,requested,supplement_received,online,synced,fee,paid_online,paper_result,e_result,digitized,reused,store,citizen_db,disliked,petition\n",
    );
    for _ in 0..4000 {
        let unit = format!("U{}", g.below(5) + 1);
        let received = day(2, 1) + g.below(95) as i64;
        let e = g.below(ends.len() as u64) as usize;
        let finished = (e != 0 && g.chance(95)).then(|| received + g.below(45) as i64);
        let due = g.chance(70).then(|| received + g.below(21) as i64);
        let max = (due.is_none() && g.chance(80)).then(|| {
            let (name, make) = maxes[g.below(4) as usize];
            let n = g.below(if name == "hours" { 40 } else { 12 }) as u32;
            (name, n, make(n))
        });
        let requests = [0, 0, 0, 1, 1, 2, 3][g.below(7) as usize];
        let requested = (requests > 0 || g.chance(5)).then(|| received + g.below(6) as i64);
        let back = requested
            .filter(|_| g.chance(70))
            .map(|r| r + g.below(12) as i64);
        let mut flag = || g.chance(50);
        let d = Dossier {
            received,
            end: ends[e],
            finished,
            due,
            max_time: max.map(|m| m.2),
            supplement: Supplement {
                requests,
                requested,
                received: back,
            },
            online: flag(),
            synced: flag(),
            fee: flag(),
            paid_online: flag(),
            paper_result: flag(),
            e_result: flag(),
            digitized: flag(),
            reused_data: flag(),
            personal_store: flag(),
            citizen_db: flag(),
            disliked: flag(),
            petition: flag(),
        };
        let b = |v: bool| if v { "1" } else { "0" };
        csv += &format!(
            "{unit},{},{},{},{},{},{},{requests},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            iso(Some(received)),
            end_names[e],
            iso(finished),
            iso(due),
            max.map_or("", |m| m.0),
            max.map_or(String::new(), |m| m.1.to_string()),
            iso(requested),
            iso(back),
            b(d.online),
            b(d.synced),
            b(d.fee),
            b(d.paid_online),
            b(d.paper_result),
            b(d.e_result),
            b(d.digitized),
            b(d.reused_data),
            b(d.personal_store),
            b(d.citizen_db),
            b(d.disliked),
            b(d.petition),
        );
        let (t, _) = d.tally(w, &cal);
        tallies.entry(unit).or_default().0 += t;
    }
    let outcomes = [
        ("", Outcome::Pending),
        ("handled", Outcome::Handled),
        ("handled", Outcome::Handled),
        ("refused", Outcome::Refused),
        ("supplement", Outcome::Supplement),
        ("published", Outcome::Published),
    ];
    let mut pcsv = String::from("unit,received,outcome,finished,disliked,repeat\n");
    for _ in 0..600 {
        let unit = format!("U{}", g.below(5) + 1);
        let received = day(2, 15) + g.below(80) as i64;
        let (name, outcome) = outcomes[g.below(6) as usize];
        let finished = (!name.is_empty()).then(|| received + g.below(25) as i64);
        let p = Petition {
            received,
            outcome,
            finished,
            disliked: g.chance(20),
            repeat: g.chance(15),
        };
        pcsv += &format!(
            "{unit},{},{name},{},{},{}\n",
            iso(Some(received)),
            iso(finished),
            u8::from(p.disliked),
            u8::from(p.repeat)
        );
        tallies.entry(unit).or_default().1 += p.tally(w, &cal).unwrap();
    }
    let tmp = tempfile::tempdir().unwrap();
    let (dossiers, petitions) = (tmp.path().join("d.csv"), tmp.path().join("p.csv"));
    std::fs::write(&dossiers, csv).unwrap();
    std::fs::write(&petitions, pcsv).unwrap();
    let out = std::process::Command::new("python3")
        .arg(crate::common::root().join("tests/official766.py"))
        .arg(crate::common::root().join("criteria/calendar/vn-holidays.csv"))
        .args([&dossiers, &petitions])
        .args([iso(Some(w.first)), iso(Some(w.last))])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut ours = String::new();
    for (unit, (t, p)) in &tallies {
        let n = [
            t.received,
            t.synced,
            t.processed,
            t.on_time,
            t.late,
            t.unknown,
            t.online,
            t.fee,
            t.paid_online,
            t.resolved,
            t.digitized,
            t.paper_resolved,
            t.paper_e_result,
            t.reused,
            t.personal_store,
            t.citizen_db,
            t.flagged,
            p.received,
            p.on_time,
            p.first,
            p.satisfied,
        ];
        let n: Vec<String> = n.iter().map(u64::to_string).collect();
        ours += &format!("{unit},{}\n", n.join(","));
    }
    assert_eq!(String::from_utf8_lossy(&out.stdout), ours);
    // The generator reaches every case: late, on time, unjudged, supplements.
    let all = tallies.values().fold(Tally::default(), |mut a, (t, _)| {
        a += *t;
        a
    });
    assert!(
        all.on_time > 100 && all.late > 100 && all.unknown > 10,
        "{all:?}"
    );
}
